//! The review as authors write it: plain serde types for review.yaml, studies.yaml and
//! analyses.yaml, plus the validated [`Review`] that the later stages read.
//!
//! No IO here: `load` reads the files and turns these types into a [`Review`].

mod analyses;
mod measure;
mod review;
mod studies;

pub use analyses::*;
pub use measure::Measure;
pub use review::*;
pub use studies::*;

use serde::Deserialize;
use serde_saphyr::Spanned;

/// A value with the place in its file where it was written.
pub type Located<T> = Spanned<T>;

/// A field that takes one value or a list (`country: Brazil` or `country: [Brazil, Peru]`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum OneOrMany {
    /// A single value.
    One(String),
    /// A list of values.
    Many(Vec<String>),
}

impl OneOrMany {
    /// The values as a slice-like list.
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

/// One review, loaded and validated: every cross-reference resolved, every number checked.
#[derive(Debug, Clone)]
pub struct Review {
    /// The folder name, used as the review's id and output folder.
    pub slug: String,
    /// The review folder, as the user named it (for messages).
    pub dir: std::path::PathBuf,
    /// The review's own templates (name without `.tera` -> source), overriding the built-ins.
    pub templates: std::collections::BTreeMap<String, String>,
    /// review.yaml.
    pub protocol: Protocol,
    /// studies.yaml.
    pub studies: StudiesFile,
    /// analyses.yaml with every `data:` file read; empty when there is no analyses.yaml.
    pub comparisons: Vec<Comparison>,
    /// Included studies by id, built on the first [`Review::study`] lookup, so that looking up
    /// every row's study is not quadratic in a review with very many studies.
    pub(crate) study_index: IdIndex,
    /// Protocol outcomes by id, built on the first [`Review::outcome`] lookup, for the same
    /// reason: every study's reported outcomes are looked up.
    pub(crate) outcome_index: IdIndex,
}

/// Positions in a list by id (the first of duplicate ids), built on first use.
pub(crate) type IdIndex = std::sync::OnceLock<std::collections::BTreeMap<String, usize>>;

/// The item of `items` whose `id_of` is `id`, through `index`.
fn find_by_id<'a, T>(
    index: &IdIndex,
    items: &'a [T],
    id_of: impl Fn(&T) -> &str,
    id: &str,
) -> Option<&'a T> {
    let index = index.get_or_init(|| {
        let mut index = std::collections::BTreeMap::new();
        for (i, item) in items.iter().enumerate() {
            index.entry(id_of(item).to_string()).or_insert(i);
        }
        index
    });
    match index.get(id).and_then(|&i| items.get(i)) {
        Some(item) if id_of(item) == id => Some(item),
        // The list changed after the index was built: look the slow way.
        _ => items.iter().find(|item| id_of(item) == id),
    }
}

impl Review {
    /// How the participants are called in generated text ("women", "participants").
    pub fn participants_noun(&self) -> &str {
        self.protocol
            .participants_noun
            .as_deref()
            .unwrap_or("participants")
    }

    /// The protocol outcome with this id.
    pub fn outcome(&self, id: &str) -> Option<&ProtocolOutcome> {
        find_by_id(
            &self.outcome_index,
            &self.protocol.outcomes,
            |o| &o.id.value,
            id,
        )
    }

    /// The included study with this id.
    pub fn study(&self, id: &str) -> Option<&IncludedStudy> {
        find_by_id(
            &self.study_index,
            &self.studies.included,
            |s| &s.id.value,
            id,
        )
    }
}
