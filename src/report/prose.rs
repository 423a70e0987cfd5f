//! The authors' prose: every Markdown field of review.yaml and studies.yaml, rendered as a
//! template against the data-only context (so literate text can print every generated value
//! but never another prose field), neutralised for Markdown, and its errors reported at the
//! field in its file.

use std::collections::{BTreeMap, HashMap};

use super::markdown;
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
}

impl<'a> Prose<'a> {
    /// Renders every prose field of `review` against the context `context` makes; every field
    /// that fails is reported, at its place in its file. The context is made only if a field
    /// uses template syntax (most reviews' prose is plain Markdown, and making it serialises
    /// every view of the review).
    pub fn render(
        review: &'a Review,
        templates: &Templates,
        context: impl FnOnce() -> tera::Context,
    ) -> Result<Prose<'a>, Vec<Diagnostic>> {
        let mut problems = Vec::new();
        let mut fields = Vec::new();
        let mut make = Some(context);
        let made = std::cell::OnceCell::new();
        for field in prose_fields(review) {
            let text = &field.text.value;
            let rendered = if super::templates::uses_template(text) {
                // `make` is taken by the first field that needs the context, once.
                let context =
                    made.get_or_init(|| make.take().map(|make| make()).unwrap_or_default());
                templates.render_prose(|| field.key.name(), text, context)
            } else {
                Ok(text.clone())
            };
            match rendered {
                Ok(text) => {
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
            Ok(Prose { fields })
        } else {
            Err(problems)
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::SiteTemplates;
    use std::sync::Arc;

    fn loaded(dir: &str) -> Review {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        crate::load::load_review(&dir)
            .unwrap_or_else(|p| panic!("{p:?}"))
            .review
    }

    // The context prose is rendered against is made only when a field uses template syntax,
    // and then once; plain prose comes out as written either way.
    #[test]
    fn the_context_is_made_only_for_prose_that_uses_templates() {
        for (dir, templated) in [
            ("reviews/mmn-lactation", false),
            ("reviews/diuretics-pregnancy", true),
        ] {
            let review = loaded(dir);
            let results = Arc::new(crate::results::analyse(&review));
            let templates =
                Templates::new(&SiteTemplates::default(), &review.templates, results).unwrap();
            let made = std::cell::Cell::new(0);
            let prose = Prose::render(&review, &templates, || {
                made.set(made.get() + 1);
                tera::Context::new()
            });
            assert_eq!(made.get(), usize::from(templated), "{dir}");
            if !templated {
                let fields = prose.ok().unwrap().review_fields();
                let background = review.protocol.background.as_ref().unwrap();
                assert_eq!(fields["background"], background.value.trim(), "{dir}");
            }
        }
    }
}
