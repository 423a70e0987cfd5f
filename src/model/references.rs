//! The review's references, validated: every record of its reference files by citation key,
//! and each study's reports. A record stays as its file gave it (a BibTeX entry as hayagriva
//! reads it, a CSL-JSON or RIS record as CSL-JSON) for the citation style to format.

use hayagriva::citationberg::json::{DateValue, FixedDateRange, Item, NameValue, Value};

use std::collections::HashMap;

use super::{IdIndex, Located, Location, Review, StudyGroup};

/// Every reference of the review, in file order (the files in the order of
/// [`REFERENCE_FILES`]).
#[derive(Debug, Clone, Default)]
pub struct References {
    /// The references.
    pub entries: Vec<Reference>,
    /// `entries` by key.
    pub(crate) index: IdIndex,
}

/// The file names a review's references may be kept in, in the order they are read.
pub const REFERENCE_FILES: &[&str] = &["references.bib", "references.ris", "references.json"];

impl References {
    /// The references, indexed by key (the first of keys given twice).
    pub fn new(entries: Vec<Reference>) -> References {
        References {
            index: IdIndex::new(entries.iter().map(|r| r.key.as_str())),
            entries,
        }
    }

    /// The reference with this key.
    pub fn get(&self, key: &str) -> Option<&Reference> {
        self.index.find(&self.entries, |r| &r.key, key)
    }

    /// Whether the review has no references.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// One bibliographic record.
#[derive(Debug, Clone)]
pub struct Reference {
    /// Its citation key, unique in the review.
    pub key: String,
    /// The record.
    pub record: Record,
    /// The label the file gives it for citations in the text (CSL-JSON `citation-label`, RIS
    /// `LB`), if any.
    pub label: Option<String>,
    /// The file it is in (a name of [`REFERENCE_FILES`]).
    pub file: &'static str,
    /// Where its record starts in that file.
    pub at: Location,
}

/// A record as its file gave it.
#[derive(Debug, Clone)]
pub enum Record {
    /// A BibTeX or BibLaTeX entry.
    Bib(Box<hayagriva::Entry>),
    /// A CSL-JSON item (also what a RIS record is read into).
    Csl(Box<Item>),
}

impl Reference {
    /// The family name of its first author (or editor), or the whole name of an organisation.
    pub fn first_author(&self) -> Option<String> {
        match &self.record {
            Record::Bib(entry) => entry
                .authors()
                .or_else(|| entry.editors())
                .and_then(|people| people.first())
                .map(|p| p.name.clone()),
            Record::Csl(item) => {
                ["author", "editor"]
                    .iter()
                    .find_map(|variable| match item.0.get(*variable)? {
                        Value::Names(names) => names.first().map(|n| match n {
                            NameValue::Item(name) => name.family.clone(),
                            NameValue::Literal(literal) => literal.literal.clone(),
                        }),
                        _ => None,
                    })
            }
        }
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
    }

    /// The year it was issued.
    pub fn year(&self) -> Option<i32> {
        match &self.record {
            Record::Bib(entry) => entry.date_any().map(|d| d.year),
            Record::Csl(item) => match item.0.get("issued")? {
                Value::Date(date) => csl_year(date),
                Value::Number(n) => i32::try_from(*n).ok(),
                Value::String(s) => year_in(s),
                Value::Names(_) => None,
            },
        }
    }

    /// The label of a reference no study owns, before telling apart equal ones: the label
    /// its file gives, or "Family Year" as Cochrane names additional references.
    pub fn base_label(&self) -> String {
        if let Some(label) = &self.label {
            return label.clone();
        }
        match (self.first_author(), self.year()) {
            (Some(name), Some(year)) => format!("{name} {year}"),
            (Some(name), None) => name,
            (None, Some(year)) => format!("{} {year}", self.key),
            (None, None) => self.key.clone(),
        }
    }
}

fn csl_year(date: &DateValue) -> Option<i32> {
    match FixedDateRange::try_from(date.clone()) {
        Ok(range) => Some(i32::from(range.start.year)),
        Err(()) => match date {
            DateValue::Raw { literal, .. } | DateValue::DateParts { literal, .. } => {
                literal.as_deref().and_then(year_in)
            }
        },
    }
}

/// A person's name as a CSL-JSON name: lower-case words before the family name ("von",
/// "van der", "de") are its particle, kept before it ("von Frenckell R") rather than read
/// as a first name.
pub fn csl_name(family: &str, given: Option<&str>) -> serde_json::Value {
    let family = family.trim();
    let words: Vec<&str> = family.split_whitespace().collect();
    let particles = words
        .iter()
        .take_while(|w| w.chars().next().is_some_and(char::is_lowercase))
        .count();
    let mut name = serde_json::Map::new();
    if particles > 0 && particles < words.len() {
        name.insert(
            "non-dropping-particle".into(),
            words[..particles].join(" ").into(),
        );
        name.insert("family".into(), words[particles..].join(" ").into());
    } else {
        name.insert("family".into(), family.into());
    }
    if let Some(given) = given.map(str::trim).filter(|g| !g.is_empty()) {
        // Initials written together ("JPT") are three names to a CSL processor, not one.
        let initials = given.len() <= 4 && given.chars().all(|c| c.is_ascii_uppercase());
        let given = if initials {
            given
                .chars()
                .map(String::from)
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            given.to_string()
        };
        name.insert("given".into(), given.into());
    }
    serde_json::Value::Object(name)
}

/// The first run of four digits in a text ("2011 Nov 7 [Epub ahead of print]" -> 2011).
pub fn year_in(text: &str) -> Option<i32> {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(3)).find_map(|i| {
        let run = &bytes[i..i + 4];
        let bounded = (i == 0 || !bytes[i - 1].is_ascii_digit())
            && bytes.get(i + 4).is_none_or(|b| !b.is_ascii_digit());
        (bounded && run.iter().all(u8::is_ascii_digit))
            .then(|| text[i..i + 4].parse().ok())
            .flatten()
    })
}

/// A study's reports: the references it is known by, the primary one first.
#[derive(Debug, Clone, Default)]
pub struct Reports {
    /// Citation keys, as listed.
    pub keys: Vec<Located<String>>,
    /// The primary report, when it is not the first listed.
    pub primary: Option<Located<String>>,
}

impl Reports {
    /// The keys with the primary report first, then the others as listed.
    pub fn ordered(&self) -> Vec<&str> {
        let primary = self
            .primary
            .as_ref()
            .map(|p| p.value.as_str())
            .or_else(|| self.keys.first().map(|k| k.value.as_str()));
        primary
            .into_iter()
            .chain(
                self.keys
                    .iter()
                    .map(|k| k.value.as_str())
                    .filter(|k| Some(*k) != primary),
            )
            .collect()
    }

    /// Whether the study lists no reports.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// What a citation key names: a study (its id, or the key of one of its reports), or a
/// reference no study owns.
#[derive(Debug, Clone, Copy)]
pub enum Cited<'a> {
    /// A study, by its list and id.
    Study(StudyGroup, &'a str),
    /// A reference of no study.
    Reference(&'a Reference),
}

/// Citation keys resolved: a reference's key first (a study's report stands for its study),
/// then a study's id.
#[derive(Debug)]
pub struct CitationIndex<'a> {
    references: &'a References,
    owners: HashMap<&'a str, (StudyGroup, &'a str)>,
    studies: HashMap<&'a str, StudyGroup>,
}

impl<'a> CitationIndex<'a> {
    /// The index of a review's references and studies.
    pub fn new(review: &'a Review) -> CitationIndex<'a> {
        let mut owners = HashMap::new();
        let mut studies = HashMap::new();
        for (group, id, reports) in review.studies.with_reports() {
            studies.entry(id.value.as_str()).or_insert(group);
            for key in &reports.keys {
                owners
                    .entry(key.value.as_str())
                    .or_insert((group, id.value.as_str()));
            }
        }
        CitationIndex {
            references: &review.references,
            owners,
            studies,
        }
    }

    /// What `key` names, if anything.
    pub fn resolve(&self, key: &str) -> Option<Cited<'a>> {
        if let Some(reference) = self.references.get(key) {
            return Some(match self.owners.get(key) {
                Some((group, id)) => Cited::Study(*group, id),
                None => Cited::Reference(reference),
            });
        }
        self.studies
            .get_key_value(key)
            .map(|(id, group)| Cited::Study(*group, id))
    }

    /// Every key that can be cited, for "did you mean" hints.
    pub fn keys(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.references
            .entries
            .iter()
            .map(|r| r.key.as_str())
            .chain(self.studies.keys().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_are_found_in_text() {
        assert_eq!(year_in("2011 Nov 7 [Epub ahead of print]"), Some(2011));
        assert_eq!(year_in("Spring 1999"), Some(1999));
        assert_eq!(year_in("12345"), None);
        assert_eq!(year_in("n.d."), None);
    }

    #[test]
    fn particles_stay_before_the_family_name() {
        assert_eq!(
            csl_name("von Frenckell", Some("R")),
            serde_json::json!({"non-dropping-particle": "von", "family": "Frenckell", "given": "R"})
        );
        assert_eq!(
            csl_name("Smith", None),
            serde_json::json!({"family": "Smith"})
        );
        assert_eq!(csl_name("Higgins", Some("JPT"))["given"], "J P T");
    }

    #[test]
    fn the_primary_report_comes_first() {
        let at = |k: &str| Located::new(k.to_string(), Location::default());
        let mut reports = Reports {
            keys: vec![at("a"), at("b"), at("c")],
            primary: None,
        };
        assert_eq!(reports.ordered(), ["a", "b", "c"]);
        reports.primary = Some(at("c"));
        assert_eq!(reports.ordered(), ["c", "a", "b"]);
    }
}
