//! The only stage that reads the disk: finds review folders, reads their files and turns them
//! into validated [`Review`]s, collecting every problem of every file in one pass.

mod analyses;
mod cache;
mod consistency;
mod csv;
mod fs;
mod grade;
mod inputs;
pub mod limits;
mod numbers;
mod protocol;
pub(crate) mod raw;
mod references;
mod ris;
mod rows;
mod sensitivity;
mod studies;
mod summary;
mod text;
mod unwritten;
mod validate;
mod yaml;

pub use cache::ParseCache;
pub use consistency::prisma_checks;
pub use fs::{MAX_FILE_BYTES, find_reviews, read_site_templates};
pub use inputs::fingerprint_review_folder;
pub use ris::csl_type as csl_type_of_ris;
pub(crate) use text::is_partial_date;
pub use yaml::to_json as yaml_to_json;

use std::path::Path;

use crate::diagnostic::{Diagnostic, Problems, SourceFile};
use crate::model::Review;

/// A review that loaded, with the warnings found on the way.
#[derive(Debug)]
pub struct Loaded {
    /// The validated review.
    pub review: Review,
    /// Problems that do not stop the build.
    pub warnings: Vec<Diagnostic>,
    /// analyses.yaml as read, so that warnings found after the analyses (the GRADE
    /// assistant's) can quote the line they point at.
    pub analyses_file: Option<SourceFile>,
}

/// Reads and validates the review folder `dir`. On failure returns every problem found
/// (errors and warnings), never only the first.
pub fn load_review(dir: &Path) -> Result<Loaded, Vec<Diagnostic>> {
    load_review_cached(dir, None)
}

/// [`load_review`], taking the parse of each YAML file whose text did not change from `cache`.
pub fn load_review_cached(
    dir: &Path,
    cache: Option<&ParseCache>,
) -> Result<Loaded, Vec<Diagnostic>> {
    let slug = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut problems = Problems::new();
    if !is_slug(&slug) {
        problems.push(Diagnostic::file_error(
            dir,
            format!("`{slug}` is not a review id: a review folder's name uses lower-case letters, digits and `-`"),
        ));
    }
    let mut found = Vec::new();
    let review_file = fs::read_required(dir, "review.yaml", &mut found);
    let studies_file = fs::read_required(dir, "studies.yaml", &mut found);
    let analyses_file = fs::read_optional(dir, "analyses.yaml", &mut found);
    let reference_files: Vec<(&'static str, SourceFile)> = crate::model::REFERENCE_FILES
        .iter()
        .filter_map(|name| Some((*name, fs::read_optional(dir, name, &mut found)?)))
        .collect();
    problems.extend(found);
    let (Some(review_file), Some(studies_file)) = (review_file, studies_file) else {
        return Err(problems.into_vec());
    };
    for file in [
        Some(&review_file),
        Some(&studies_file),
        analyses_file.as_ref(),
    ]
    .into_iter()
    .flatten()
    .chain(reference_files.iter().map(|(_, f)| f))
    {
        fs::refuse_control_characters(file, &mut problems);
    }
    let mut found = Vec::new();
    let templates = fs::read_templates(dir, &mut found);
    problems.extend(found);
    let sources = Sources {
        dir,
        templates,
        slug,
        review: review_file,
        studies: studies_file,
        analyses: analyses_file,
        references: reference_files,
    };
    let mut review = validate::validate(
        &sources,
        &|rel| fs::read_data(dir, rel),
        cache,
        &mut problems,
    );
    let library = references::read(&sources.references, &mut problems);
    if let Some(review) = &mut review {
        review.references = library;
        references::check(review, &sources, &mut problems);
    }
    if let Some(review) = &review {
        problems.extend(limits::check(review, &sources.studies));
    }
    match review {
        Some(review) if !problems.has_errors() => {
            consistency::consistency_warnings(&review, &sources, &mut problems);
            unwritten::unwritten_warnings(&review, &sources, &mut problems);
            Ok(Loaded {
                review,
                warnings: problems.into_vec(),
                analyses_file: sources.analyses,
            })
        }
        _ => Err(problems.into_vec()),
    }
}

/// The raw text of one review folder.
pub(crate) struct Sources<'a> {
    /// The folder.
    pub dir: &'a Path,
    /// The folder's name.
    pub slug: String,
    /// The review's template overrides.
    pub templates: std::collections::BTreeMap<String, String>,
    /// review.yaml.
    pub review: SourceFile,
    /// studies.yaml.
    pub studies: SourceFile,
    /// analyses.yaml, if present.
    pub analyses: Option<SourceFile>,
    /// The reference files present, by name.
    pub references: Vec<(&'static str, SourceFile)>,
}

/// Whether `s` is a valid id: lower-case letters, digits and `-`, not empty.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}
