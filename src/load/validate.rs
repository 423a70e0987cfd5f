//! Sources -> Review: parses the three review files and hands each to its checker
//! (protocol.rs, studies.rs, analyses.rs), collecting every problem of every file instead of
//! stopping at the first. A file that does not parse is reported, and the others are still
//! checked, all but their references into it.

use super::raw::{self, AnalysesFile, Reader};
use super::{ParseCache, Sources, analyses, protocol, studies, yaml};
use crate::diagnostic::{Problems, SourceFile};
use crate::model::Review;

/// Reads a data file named in analyses.yaml, relative to the review folder. `Sync`, so that
/// the data files are read on the thread that parses analyses.yaml.
pub(crate) type DataReader<'a> = dyn Fn(&str) -> Result<SourceFile, String> + Sync + 'a;

/// Parses (or takes from `cache`) and validates the review's files. The review is None when
/// review.yaml or studies.yaml did not parse; it may have errors all the same (in `problems`).
pub(crate) fn validate(
    sources: &Sources,
    read_data: &DataReader,
    cache: Option<&ParseCache>,
    problems: &mut Problems,
) -> Option<Review> {
    // Parsing dominates loading a large review: studies.yaml on one thread, review.yaml and
    // analyses.yaml on another, which then reads the data files that analyses.yaml names.
    // Problems are collected in file order all the same: a data file's are reported when its
    // outcome is checked. Where studies.yaml is much longer than the other two (its rows in
    // CSV files), the other thread would wait for it, so it is parsed in parts on both; where
    // they are of a size, that costs more than it saves (docs/benchmarks.md, "Issue 17,
    // fourteenth session").
    let others = sources.review.text.len() + sources.analyses.as_ref().map_or(0, |a| a.text.len());
    let size = sources.studies.text.len() + others;
    let studies_in_parts = sources.studies.text.len() > 3 * others;
    let (raw_studies, (raw_protocol, raw_analyses, mut data_files)) = crate::parallel::join(
        size >= crate::parallel::WORTH_A_THREAD,
        || parse(&sources.studies, studies_in_parts, cache, raw::studies),
        || {
            let analyses = sources
                .analyses
                .as_ref()
                .map(|a| parse(a, false, cache, raw::analyses));
            let data_files = match &analyses {
                Some((Some(raw), _)) => analyses::read_data_files(raw, read_data),
                _ => analyses::DataFiles::default(),
            };
            (
                parse(&sources.review, false, cache, raw::protocol),
                analyses,
                data_files,
            )
        },
    );
    // In file order, as the files are listed.
    fn take<T>(problems: &mut Problems, (value, found): raw::Read<T>) -> Option<T> {
        problems.extend(found);
        value
    }
    let raw_protocol = take(problems, raw_protocol);
    let raw_studies = take(problems, raw_studies);
    let raw_analyses = match raw_analyses {
        Some(parsed) => take(problems, parsed),
        None => Some(AnalysesFile {
            complete: true,
            comparisons: Vec::new(),
        }),
    };
    // References into a file that could not be read whole are not checked: the list they
    // would be checked against has a gap.
    let protocol_complete = raw_protocol.as_ref().is_some_and(|p| p.complete);
    let studies_complete = raw_studies.as_ref().is_some_and(|s| s.complete);
    let analyses_complete = raw_analyses.as_ref().is_some_and(|a| a.complete);
    let protocol = raw_protocol.map(|p| protocol::check(p, &sources.review, read_data, problems));
    // A study's comparison may be one of review.yaml or of analyses.yaml: checked when both
    // are known.
    let comparisons = match (&protocol, &raw_analyses) {
        (Some(protocol), Some(analyses)) if protocol_complete && analyses_complete => Some(
            protocol
                .comparisons
                .iter()
                .map(|c| c.id.value.as_str())
                .chain(analyses.comparisons.iter().map(|c| c.id.value.as_str()))
                .collect(),
        ),
        _ => None,
    };
    let referenced = studies::Referenced {
        protocol: protocol.as_ref().filter(|_| protocol_complete),
        comparisons,
    };
    let studies = raw_studies.map(|s| studies::check(s, &sources.studies, &referenced, problems));
    let comparisons = match (raw_analyses, &sources.analyses) {
        (Some(raw), Some(file)) => {
            let referenced = analyses::Referenced {
                protocol: protocol.as_ref().filter(|_| protocol_complete),
                studies: studies.as_ref().filter(|_| studies_complete),
            };
            analyses::resolve(raw, file, &referenced, read_data, &mut data_files, problems)
        }
        _ => Vec::new(),
    };
    Some(Review {
        slug: sources.slug.clone(),
        dir: sources.dir.to_path_buf(),
        templates: sources.templates.clone(),
        protocol: protocol?,
        studies: studies?,
        comparisons,
        // Read after the review files, from the reference files (references.rs).
        references: crate::model::References::default(),
    })
}

/// Parses (in parts, with `in_parts`: yaml.rs) and reads one YAML file, or takes its earlier
/// reading from the cache.
fn parse<T>(
    source: &SourceFile,
    in_parts: bool,
    cache: Option<&ParseCache>,
    read: fn(&mut Reader, yaml::Node) -> T,
) -> raw::Read<T>
where
    T: Clone + Send + Sync + 'static,
{
    match cache {
        Some(cache) => cache.get_or_parse(source, |s| raw::read(s, in_parts, read)),
        None => raw::read(source, in_parts, read),
    }
}
