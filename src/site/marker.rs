//! The marker revmark writes in the root of every output folder: proof that revmark wrote the
//! folder, and the list of what it wrote, so that a later build replaces the folder only when
//! nothing else is in it.
//!
//! JSON, extensible: readers ignore fields they do not know and fill the ones they miss with
//! defaults, so a field added later (a review's input hash, say) leaves older markers readable
//! and older revmarks able to read newer markers. The marker holds nothing that depends on the
//! machine, the time or the number of threads, so the same sources give the same marker.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::report::IndexEntry;

/// The marker's file name in the output folder's root.
pub const MARKER: &str = ".revmark-output.json";

/// What `generator` says in every marker.
const GENERATOR: &str = "revmark";

/// The marker's format; raised only if a field changes meaning (adding one does not).
const FORMAT: u32 = 1;

/// The content of the marker file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marker {
    /// Always "revmark".
    pub generator: String,
    /// The marker's format version.
    pub format: u32,
    /// The version of revmark that wrote the folder.
    pub version: String,
    /// The files in the folder's root (the site index, the README), sorted; the marker itself
    /// is not listed.
    #[serde(default)]
    pub files: Vec<String>,
    /// Each review's folder, by review id.
    #[serde(default)]
    pub reviews: BTreeMap<String, ReviewFiles>,
}

/// What the marker records of one review.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewFiles {
    /// The review folder's files, `/`-separated, relative to it, sorted.
    #[serde(default)]
    pub files: Vec<String>,
    /// The fingerprint of everything the files were made from (the review folder, the
    /// templates, revmark's version): a later build whose fingerprint is the same carries the
    /// files over instead of building them again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inputs: Option<String>,
    /// The review's entry in the site index, so that a review carried over is listed without
    /// being built.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<IndexEntry>,
    /// The warnings its build printed, each file named relative to the review folder, printed
    /// again when the review is carried over.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Diagnostic>,
    /// The warnings its rendering printed (the GRADE assistant's), after every review had
    /// loaded: printed again at the same point, so that a carried review's messages come in
    /// the order a full build prints them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub built_warnings: Vec<Diagnostic>,
}

/// What a build knows of a review beyond its files: what [`ReviewFiles`] records besides the
/// file list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRecord {
    /// The fingerprint of its inputs.
    pub inputs: String,
    /// Its entry in the site index.
    pub entry: IndexEntry,
    /// Its warnings, files relative to the review folder.
    pub warnings: Vec<Diagnostic>,
    /// The warnings its rendering printed, files relative to the review folder.
    pub built_warnings: Vec<Diagnostic>,
}

impl Marker {
    /// An empty marker of this version of revmark.
    pub fn new() -> Marker {
        Marker {
            generator: GENERATOR.into(),
            format: FORMAT,
            version: env!("CARGO_PKG_VERSION").into(),
            files: Vec::new(),
            reviews: BTreeMap::new(),
        }
    }

    /// Reads a marker; `None` for text that is not a revmark marker (whatever wrote it, the
    /// folder is then not known to be revmark's).
    pub fn parse(text: &str) -> Option<Marker> {
        serde_json::from_str::<Marker>(text)
            .ok()
            .filter(|m| m.generator == GENERATOR)
    }

    /// The marker as written: pretty JSON ending in a line break.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a marker serialises");
        text.push('\n');
        text
    }

    /// Whether the marker lists `relative` (`/`-separated, relative to the output folder).
    pub fn lists(&self, relative: &str) -> bool {
        match relative.split_once('/') {
            None => relative == MARKER || self.files.iter().any(|f| f == relative),
            Some((review, rest)) => self
                .reviews
                .get(review)
                .is_some_and(|r| r.files.iter().any(|f| f == rest)),
        }
    }
}

impl Default for Marker {
    fn default() -> Marker {
        Marker::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_it_writes_and_lists_the_files() {
        let mut marker = Marker::new();
        marker.files = vec!["index.html".into()];
        marker.reviews.insert(
            "a".into(),
            ReviewFiles {
                files: vec!["figures/forest-1.1.svg".into()],
                ..ReviewFiles::default()
            },
        );
        let again = Marker::parse(&marker.to_json()).unwrap();
        assert_eq!(again, marker);
        assert!(again.lists("index.html"));
        assert!(again.lists("a/figures/forest-1.1.svg"));
        assert!(again.lists(MARKER));
        assert!(!again.lists("about.html"));
        assert!(!again.lists("a/figures/other.svg"));
        assert!(!again.lists("b/figures/forest-1.1.svg"));
    }

    // What a build records to carry a review over reads back as written; a marker without it
    // (an older revmark's) reads as one that records nothing.
    #[test]
    fn keeps_the_fingerprint_entry_and_warnings_of_a_review() {
        let mut marker = Marker::new();
        let mut warning = Diagnostic::file_error(std::path::Path::new("review.yaml"), "a warning");
        warning.severity = crate::diagnostic::Severity::Warning;
        marker.reviews.insert(
            "a".into(),
            ReviewFiles {
                files: vec!["review.md".into()],
                inputs: Some("0123".into()),
                entry: Some(IndexEntry {
                    slug: "a".into(),
                    title: "T".into(),
                    date: None,
                    studies: 2,
                    participants: 40,
                    participants_unreported: 1,
                    participants_noun: "women".into(),
                }),
                warnings: vec![warning.clone()],
                built_warnings: vec![warning],
            },
        );
        assert_eq!(Marker::parse(&marker.to_json()).unwrap(), marker);
        let older = r#"{"generator":"revmark","format":1,"version":"0.1.0","files":[],
            "reviews":{"a":{"files":["x.md"]}}}"#;
        let read = Marker::parse(older).unwrap();
        assert_eq!(read.reviews["a"].inputs, None);
        assert_eq!(read.reviews["a"].entry, None);
    }

    #[test]
    fn ignores_unknown_fields_and_refuses_other_generators() {
        let newer = r#"{"generator":"revmark","format":1,"version":"9.0.0","files":[],
            "reviews":{"a":{"files":["x.md"],"inputs":"sha256:..."}},"later":true}"#;
        assert!(Marker::parse(newer).is_some_and(|m| m.lists("a/x.md")));
        let other = r#"{"generator":"hugo","format":1,"version":"1","files":[]}"#;
        assert_eq!(Marker::parse(other), None);
        assert_eq!(Marker::parse("not json"), None);
    }
}
