//! The authors' prose: every Markdown field of review.yaml and studies.yaml, rendered as a
//! template against the data-only context (so literate text can print every generated value
//! but never another prose field), neutralised for Markdown, and its errors reported at the
//! field in its file.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::markdown;
use super::references::Citations;
use super::templates::Templates;
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::model::{Located, PlainLanguageSummary, Review};

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

/// Which prose field: one of review.yaml's by name, a study's (by study id), or one of the
/// whole review's text (review.yaml) or the outcome model (analyses.yaml) by its path.
#[derive(Clone)]
enum ProseKey<'a> {
    Review(&'static str),
    Study(&'a str, StudyField<'a>),
    Path(String),
}

impl ProseKey<'_> {
    /// The field's name in messages.
    fn name(&self) -> String {
        match self {
            ProseKey::Review(name) => name.to_string(),
            ProseKey::Study(id, field) => format!("{field} of study `{id}`"),
            ProseKey::Path(path) => path.clone(),
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
        ("background", &p.background),
        ("objectives", &p.objectives),
        ("selection_criteria", &p.selection_criteria),
        ("data_collection", &p.data_collection),
        ("discussion", &p.discussion),
        ("acknowledgements", &p.text.acknowledgements),
        ("contributions", &p.text.contributions),
        ("declarations_of_interest", &p.text.declarations_of_interest),
        (
            "differences_from_protocol",
            &p.text.differences_from_protocol,
        ),
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
    let summary = plain_language_fields(p.plain_language_summary.as_ref());
    for (name, value) in summary
        .into_iter()
        .chain(top.map(|(name, value)| (name, value.as_ref())))
    {
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
    for (file, path, text) in super::text::prose_paths(review) {
        fields.push(ProseField {
            file,
            key: ProseKey::Path(path),
            text,
        });
    }
    fields
}

/// The plain language summary's prose fields: the whole summary as
/// `plain_language_summary`, its parts as `plain_language_summary_<part>` (as
/// `conclusions.practice` is `conclusions_practice`).
fn plain_language_fields(
    summary: Option<&PlainLanguageSummary>,
) -> Vec<(&'static str, Option<&Located<String>>)> {
    match summary {
        None => Vec::new(),
        Some(PlainLanguageSummary::Whole(text)) => vec![("plain_language_summary", Some(text))],
        Some(PlainLanguageSummary::Parts(parts)) => vec![
            ("plain_language_summary_title", parts.title.as_ref()),
            (
                "plain_language_summary_key_messages",
                parts.key_messages.as_ref(),
            ),
            (
                "plain_language_summary_what_we_did",
                parts.what_we_did.as_ref(),
            ),
            (
                "plain_language_summary_what_we_found",
                parts.what_we_found.as_ref(),
            ),
            (
                "plain_language_summary_limitations",
                parts.limitations.as_ref(),
            ),
            ("plain_language_summary_currency", parts.currency.as_ref()),
        ],
    }
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
            if let ProseKey::Study(id, field) = key {
                map.insert((*id, *field), text);
            }
        }
        map
    }

    /// The whole review's text and the outcome model's prose by path
    /// ([`super::text::prose_paths`]).
    pub fn path_fields(&self) -> HashMap<&str, &str> {
        let mut map = HashMap::new();
        for (key, text) in &self.fields {
            if let ProseKey::Path(path) = key {
                map.insert(path.as_str(), text.as_str());
            }
        }
        map
    }
}
