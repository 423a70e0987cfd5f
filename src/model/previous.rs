//! What an earlier build left in the output folder, read before the new build replaces it,
//! so that the report can say what changed.

/// The files of a review's previous build that the comparison needs, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviousBuild {
    /// The previous results.json.
    pub results: String,
    /// The previous changes.json, when there was one.
    pub changes: Option<String>,
}
