//! Sections the authors have not written yet. The published page leaves an empty section out
//! rather than printing a note to the author in it; the note is this warning instead, naming
//! the file and the field where the text would go.

use super::Sources;
use crate::diagnostic::{Kind, Problems};
use crate::model::{Located, Review};

const UNWRITTEN: Kind = Kind::warning("a section the page leaves out because it is not written");

/// A prose field that is missing or blank, with the section of the page it would fill.
struct Unwritten {
    field: &'static str,
    section: &'static str,
}

/// Whether a prose field holds text.
fn written(field: Option<&Located<String>>) -> bool {
    field.is_some_and(|f| !f.value.trim().is_empty())
}

/// review.yaml's prose fields (and the search) that are missing, in page order.
fn unwritten(review: &Review) -> Vec<Unwritten> {
    let p = &review.protocol;
    let conclusions = p.conclusions.as_ref();
    let searched = p
        .search
        .as_ref()
        .is_some_and(|s| !s.sources.is_empty() || !s.other.is_empty());
    let dated = p.search.as_ref().is_some_and(|s| s.date.is_some());
    let fields = [
        (
            written(p.background.as_ref()),
            "background",
            "the Background of the abstract and the review",
        ),
        (
            written(p.objectives.as_ref()),
            "objectives",
            "the Objectives of the abstract and the review",
        ),
        (
            searched,
            "search.sources",
            "the Search methods of the abstract and the review",
        ),
        (
            dated,
            "search.date",
            "\"How up to date is this evidence?\" from the plain language summary",
        ),
        (
            written(p.selection_criteria.as_ref()),
            "selection_criteria",
            "the Selection criteria of the abstract and the review",
        ),
        (
            written(p.data_collection.as_ref()),
            "data_collection",
            "the authors' Data collection and analysis from the abstract and the review",
        ),
        (
            written(p.discussion.as_ref()),
            "discussion",
            "the Discussion",
        ),
        (
            written(conclusions.and_then(|c| c.practice.as_ref())),
            "conclusions.practice",
            "Implications for practice",
        ),
        (
            written(conclusions.and_then(|c| c.research.as_ref())),
            "conclusions.research",
            "Implications for research",
        ),
    ];
    fields
        .into_iter()
        .filter(|(written, _, _)| !written)
        .map(|(_, field, section)| Unwritten { field, section })
        .collect()
}

/// One warning per section the page leaves out, at the file where it would be written.
pub(crate) fn unwritten_warnings(review: &Review, sources: &Sources, warnings: &mut Problems) {
    let review_file = &sources.review;
    for u in unwritten(review) {
        warnings.add(&review_file.path, UNWRITTEN, |_| {
            review_file.warning(
                0,
                0,
                format!(
                    "`{}` is not written: the page leaves out {}; write it in review.yaml",
                    u.field, u.section
                ),
            )
        });
    }
    excluded_reports_without_studies(review, sources, warnings);
}

/// The search flow excludes reports at full text while studies.yaml lists no excluded study:
/// the page then has no Characteristics of excluded studies, which Cochrane expects for the
/// studies that came closest to inclusion.
fn excluded_reports_without_studies(review: &Review, sources: &Sources, warnings: &mut Problems) {
    let Some(flow) = review
        .protocol
        .search
        .as_ref()
        .and_then(|s| s.flow.as_ref())
    else {
        return;
    };
    let reports: u64 = flow.value.excluded_full_text.values().sum();
    if reports == 0 || !review.studies.excluded.is_empty() {
        return;
    }
    let studies_file = &sources.studies;
    warnings.add(&studies_file.path, UNWRITTEN, |_| {
        studies_file.warning(
            0,
            0,
            format!(
                "`excluded` lists no study, so the page leaves out the Characteristics of excluded studies, while the search flow in review.yaml excludes {reports} full-text {}; list the excluded studies with their reasons in studies.yaml",
                if reports == 1 { "report" } else { "reports" }
            ),
        )
    });
}
