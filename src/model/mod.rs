//! The validated review that the later stages read: every id resolved, every judgement and
//! number checked, every value with the place it was written. What the files say as written
//! is `load::raw`; `load` turns it into these types or reports why it cannot.
//!
//! No IO here.

mod analyses;
mod grade;
pub mod measure;
mod references;
mod review;
mod sensitivity;
mod studies;
mod summary;
pub mod text;

pub use analyses::*;
pub use grade::*;
pub use measure::Measure;
pub use references::*;
pub use review::*;
pub use sensitivity::*;
pub use studies::*;
pub use summary::*;

use std::collections::HashMap;

/// A 1-based line and column in a review file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    line: u32,
    column: u32,
}

impl Location {
    /// The place at a 1-based line and column (0 when unknown).
    pub fn new(line: usize, column: usize) -> Location {
        let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Location {
            line: narrow(line),
            column: narrow(column),
        }
    }

    /// The 1-based line.
    pub fn line(&self) -> u64 {
        u64::from(self.line)
    }

    /// The 1-based column, in characters.
    pub fn column(&self) -> u64 {
        u64::from(self.column)
    }
}

/// A value with the place in its file where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub referenced: Location,
}

impl<T> Located<T> {
    /// `value`, written at `at`.
    pub fn new(value: T, at: Location) -> Self {
        Located {
            value,
            referenced: at,
        }
    }
}

/// Positions in a list by id, built once when the list is validated, so that looking up every
/// data row's study or every reported outcome is not a search of the list. The first of
/// duplicate ids wins, as a search would find (duplicates are errors anyway).
#[derive(Clone, Default)]
pub struct IdIndex(HashMap<String, usize>);

/// The count only: the map's order is not deterministic, and a review's `Debug` text is
/// compared in tests.
impl std::fmt::Debug for IdIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IdIndex({} ids)", self.0.len())
    }
}

impl IdIndex {
    /// The index of `ids`, in list order.
    pub fn new<'a>(ids: impl IntoIterator<Item = &'a str>) -> Self {
        let mut index = HashMap::new();
        for (i, id) in ids.into_iter().enumerate() {
            index.entry(id.to_string()).or_insert(i);
        }
        IdIndex(index)
    }

    /// The item of `items` whose `id_of` is `id`.
    pub fn find<'a, T>(
        &self,
        items: &'a [T],
        id_of: impl Fn(&T) -> &str,
        id: &str,
    ) -> Option<&'a T> {
        match self.0.get(id).and_then(|&i| items.get(i)) {
            Some(item) if id_of(item) == id => Some(item),
            // An id that is not indexed, or a list changed after it was validated (tests build
            // variants of a review this way): search it. Every id a loaded review looks up was
            // validated, so this is the rare path.
            _ => items.iter().find(|item| id_of(item) == id),
        }
    }

    /// Whether `id` is in the list as it was validated.
    pub fn contains(&self, id: &str) -> bool {
        self.0.contains_key(id)
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
    pub studies: Studies,
    /// analyses.yaml with every `data:` file read; empty when there is no analyses.yaml.
    pub comparisons: Vec<Comparison>,
    /// The reference files' records; empty when the review keeps none.
    pub references: References,
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
        self.protocol.outcome(id)
    }

    /// The included study with this id.
    pub fn study(&self, id: &str) -> Option<&IncludedStudy> {
        self.studies.study(id)
    }

    /// The name of comparison `id`: the protocol's planned comparison, or else the analysed
    /// one.
    pub fn comparison_name(&self, id: &str) -> Option<&str> {
        self.protocol
            .comparison(id)
            .map(|c| c.name.as_str())
            .or_else(|| {
                self.comparisons
                    .iter()
                    .find(|c| c.id == id)
                    .map(|c| c.name.as_str())
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_finds_the_first_of_duplicates_and_survives_edits() {
        let mut items = vec!["a", "b", "a"];
        let index = IdIndex::new(items.iter().copied());
        let found = index.find(&items, |s| s, "a").map(std::ptr::from_ref);
        assert_eq!(found, Some(&raw const items[0]));
        assert_eq!(index.find(&items, |s| s, "c"), None);
        // The list changed after the index was built: the index is not trusted.
        items[1] = "c";
        assert_eq!(index.find(&items, |s| s, "c"), Some(&"c"));
        assert!(index.find(&items, |s| s, "b").is_none());
    }
}
