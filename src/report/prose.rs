//! The authors' prose: every Markdown field of review.yaml and studies.yaml, rendered as a
//! template against the data-only context (so literate text can print every generated value
//! but never another prose field), neutralised for Markdown, and its errors reported at the
//! field in its file.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::markdown;
use super::references::Citations;
use super::templates::Templates;
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::model::{Located, Review};

/// A study's prose field, for keying rendered prose by (study id, field) without building
/// strings: large reviews have tens of thousands of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StudyField<'a> {
    Methods,
    Interventions,
    Notes,
    /// An ongoing or awaiting study's description.
    Description,
    /// The narrative for an outcome, by outcome id.
    Narrative(&'a str),
    /// The support for a risk-of-bias judgement, by domain key.
    Rob(&'a str),
}

impl std::fmt::Display for StudyField<'_> {
    /// The field's name in messages ("narrative:o1", "rob:random_sequence").
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StudyField::Methods => f.write_str("methods"),
            StudyField::Interventions => f.write_str("interventions"),
            StudyField::Notes => f.write_str("notes"),
            StudyField::Description => f.write_str("description"),
            StudyField::Narrative(outcome) => write!(f, "narrative:{outcome}"),
            StudyField::Rob(domain) => write!(f, "rob:{domain}"),
        }
    }
}

/// Rendered study prose by (study id, field); of fields given twice the last wins.
pub type StudyProse<'a> = HashMap<(&'a str, StudyField<'a>), &'a str>;

/// A prose field of a review file: where it is and its Markdown source.
struct ProseField<'a> {
    file: &'static str,
    key: ProseKey<'a>,
    text: &'a Located<String>,
}

/// Which prose field: one of review.yaml's, or a study's (by study id).
#[derive(Clone, Copy)]
enum ProseKey<'a> {
    Review(&'static str),
    Study(&'a str, StudyField<'a>),
}

impl ProseKey<'_> {
    /// The field's name in messages.
    fn name(&self) -> String {
        match self {
            ProseKey::Review(name) => name.to_string(),
            ProseKey::Study(id, field) => format!("{field} of study `{id}`"),
        }
    }
}

/// Every prose field of a review with the file it is in and its name in messages: where
/// `load` checks the citations.
pub fn located_prose(review: &Review) -> Vec<(&'static str, String, &Located<String>)> {
    prose_fields(review)
        .into_iter()
        .map(|f| (f.file, f.key.name(), f.text))
        .collect()
}

/// All prose fields, in the order they are rendered.
fn prose_fields(review: &Review) -> Vec<ProseField<'_>> {
    let mut fields = Vec::new();
    let p = &review.protocol;
    let top = [
        ("plain_language_summary", &p.plain_language_summary),
        ("background", &p.background),
        ("objectives", &p.objectives),
        ("selection_criteria", &p.selection_criteria),
        ("data_collection", &p.data_collection),
        ("discussion", &p.discussion),
    ];
    let conclusions = p.conclusions.as_ref();
    let top = top.into_iter().chain([
        (
            "conclusions_practice",
            conclusions.map_or(&None, |c| &c.practice),
        ),
        (
            "conclusions_research",
            conclusions.map_or(&None, |c| &c.research),
        ),
    ]);
    for (name, value) in top {
        if let Some(text) = value {
            fields.push(ProseField {
                file: "review.yaml",
                key: ProseKey::Review(name),
                text,
            });
        }
    }
    for s in &review.studies.included {
        let id = s.id.value.as_str();
        for (name, value) in [
            (StudyField::Methods, &s.methods),
            (StudyField::Interventions, &s.interventions),
            (StudyField::Notes, &s.notes),
        ] {
            if let Some(text) = value {
                fields.push(ProseField {
                    file: "studies.yaml",
                    key: ProseKey::Study(id, name),
                    text,
                });
            }
        }
        for reported in &s.outcomes_reported {
            if let Some(text) = &reported.narrative {
                fields.push(ProseField {
                    file: "studies.yaml",
                    key: ProseKey::Study(id, StudyField::Narrative(&reported.outcome.value)),
                    text,
                });
            }
        }
        for (domain, entry) in &s.risk_of_bias {
            if let Some(text) = &entry.support {
                fields.push(ProseField {
                    file: "studies.yaml",
                    key: ProseKey::Study(id, StudyField::Rob(domain)),
                    text,
                });
            }
        }
    }
    for s in review
        .studies
        .ongoing
        .iter()
        .chain(&review.studies.awaiting_classification)
    {
        if let Some(text) = &s.description {
            fields.push(ProseField {
                file: "studies.yaml",
                key: ProseKey::Study(&s.id.value, StudyField::Description),
                text,
            });
        }
    }
    fields
}

/// The rendered prose of a review, in the order the fields were rendered.
pub struct Prose<'a> {
    fields: Vec<(ProseKey<'a>, String)>,
    /// The keys of references of no study that the prose cites.
    cited: HashSet<String>,
}

impl<'a> Prose<'a> {
    /// Renders every prose field of `review` against `context`, its citations linked by
    /// `citations`; every field that fails is reported, at its place in its file.
    pub fn render(
        review: &'a Review,
        templates: &Templates,
        context: &tera::Context,
        citations: &Citations,
    ) -> Result<Prose<'a>, Vec<Diagnostic>> {
        let mut problems = Vec::new();
        let mut fields = Vec::new();
        let mut cited = HashSet::new();
        for field in prose_fields(review) {
            match templates.render_prose(|| field.key.name(), &field.text.value, context) {
                Ok(text) => {
                    // Citations are what the authors wrote: the values a template prints are
                    // escaped, so none of theirs reads as one.
                    let text = citations.link(&text, &mut cited);
                    let safe = markdown::neutralise(text.trim(), review.protocol.raw_html);
                    fields.push((field.key, safe));
                }
                Err(e) => {
                    let source = SourceFile::new(review.dir.join(field.file), String::new());
                    let loc = &field.text.referenced;
                    let mut d = source.error(
                        loc.line() as usize,
                        loc.column() as usize,
                        format!(
                            "prose field `{}`, line {} column {} of its text: {}",
                            field.key.name(),
                            e.line,
                            e.column,
                            e.message
                        ),
                    );
                    d.source_line = None;
                    problems.push(d);
                }
            }
        }
        if problems.is_empty() {
            Ok(Prose { fields, cited })
        } else {
            Err(problems)
        }
    }

    /// The keys of references of no study that the prose cites.
    pub fn cited(&self) -> &HashSet<String> {
        &self.cited
    }

    /// review.yaml's fields by name; of fields given twice the last wins.
    pub fn review_fields(&self) -> BTreeMap<String, String> {
        let mut map = BTreeMap::new();
        for (key, text) in &self.fields {
            if let ProseKey::Review(name) = key {
                map.insert(name.to_string(), text.clone());
            }
        }
        map
    }

    /// The studies' fields by (study id, field); of fields given twice the last wins.
    pub fn study_fields(&self) -> StudyProse<'_> {
        // Sized up front: growing a map of ~17,000 fields rehashes it a dozen times.
        let mut map: StudyProse = HashMap::with_capacity(self.fields.len());
        for (key, text) in &self.fields {
            if let ProseKey::Study(id, field) = *key {
                map.insert((id, field), text);
            }
        }
        map
    }
}
