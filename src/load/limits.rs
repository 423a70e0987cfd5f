//! Limits on the size of a review, beyond those of the YAML parser (see `yaml.rs`) and the
//! file size (see `fs.rs`): rendering takes memory in proportion to the studies and data rows,
//! so a review that could exhaust memory is refused with a located error instead.

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::model::Review;

/// Most included studies in one review (Cochrane reviews have at most a few hundred).
pub const MAX_STUDIES: usize = 100_000;
/// Most data rows over all analyses of one review.
pub const MAX_DATA_ROWS: usize = 1_000_000;

/// The problems of a review that is too large to build.
pub(crate) fn check(review: &Review, studies_file: &SourceFile) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    if let Some(first_over) = review.studies.included.get(MAX_STUDIES) {
        let at = &first_over.id.referenced;
        problems.push(studies_file.error(
            at.line() as usize,
            at.column() as usize,
            format!(
                "the review has {} included studies; revmark builds reviews of at most {MAX_STUDIES}",
                review.studies.included.len()
            ),
        ));
    }
    let rows: usize = review
        .comparisons
        .iter()
        .flat_map(|c| &c.outcomes)
        .flat_map(|o| &o.groups)
        .map(|g| g.rows.len())
        .sum();
    if rows > MAX_DATA_ROWS {
        problems.push(Diagnostic::file_error(
            &review.dir.join("analyses.yaml"),
            format!(
                "the analyses have {rows} data rows; revmark builds reviews of at most {MAX_DATA_ROWS}"
            ),
        ));
    }
    problems
}
