//! Review -> rendered files: the abstract and the full review in Markdown, the standalone HTML
//! page and results.json, all from templates fed with views of the data.

pub mod changes;
mod context;
pub mod escape;
pub mod export;
pub mod findings;
pub mod markdown;
pub mod narrative;
mod sanitise;
pub mod sections;
mod templates;

pub use templates::{BUILTIN, TemplateError};

use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::english;
use crate::model::{Located, Review};
use crate::plot::FigureSet;
use crate::results::Results;
use changes::Baseline;
use context::{
    AbstractView, DomainView, ReviewContext, ReviewView, RobView, StudyField, StudyProse,
};
use findings::ComparisonFindings;
use templates::Templates;

/// One review's output files (paths relative to the review's output folder) and its entry in
/// the site index.
#[derive(Debug, Clone)]
pub struct RenderedReview {
    /// Relative path -> bytes.
    pub files: BTreeMap<String, Vec<u8>>,
    /// What the index page lists.
    pub entry: IndexEntry,
}

/// A review as the site index lists it.
#[derive(Debug, Clone, Serialize)]
pub struct IndexEntry {
    /// Review id.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Version date in words.
    pub date: Option<String>,
    /// Included studies.
    pub studies: usize,
    /// Participants.
    pub participants: i64,
    /// How participants are called.
    pub participants_noun: String,
}

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

/// A template problem as a diagnostic in the file it came from.
fn template_diagnostic(review: &Review, e: &TemplateError) -> Diagnostic {
    let overridden = review.templates.contains_key(&e.template);
    let path: PathBuf = if overridden {
        review
            .dir
            .join("templates")
            .join(format!("{}.tera", e.template))
    } else {
        Path::new("templates").join(format!("{}.tera (built in)", e.template))
    };
    let text = if overridden {
        review.templates[&e.template].clone()
    } else {
        BUILTIN
            .iter()
            .find(|(n, _)| *n == e.template)
            .map(|(_, s)| s.to_string())
            .unwrap_or_default()
    };
    SourceFile::new(path, text).error(e.line, e.column, format!("template: {}", e.message))
}

/// What depends on the numbers only: the exports and the comparison with the previous build.
struct Exports {
    results_json: String,
    results_csv: String,
    changes: changes::Changes,
}

/// results.json, results.csv and "What's new" (the results compared with the baseline's).
fn exports(review: &Review, results: &Results, baseline: Option<&Baseline>) -> Exports {
    Exports {
        results_json: results.to_json(),
        results_csv: export::results_csv(review, results),
        changes: changes::since(baseline, results),
    }
}

/// Renders one review from its results and figures; What's new compares the results with the
/// `baseline`, an earlier build's (none: "No earlier results to compare with").
pub fn render_review(
    review: &Review,
    results: Arc<Results>,
    figures: FigureSet,
    baseline: Option<&Baseline>,
) -> Result<RenderedReview, Vec<Diagnostic>> {
    // Work on two threads when the review is large enough to be worth one (about 100 bytes of
    // review text per data row).
    let worth = results.row_count() * 100 >= crate::parallel::WORTH_A_THREAD;
    // The template context on this thread; beside it the exports, which need the numbers
    // only and cost about as much (results.csv alone is two thirds of the context).
    let (prepared, exports) = crate::parallel::join(
        worth,
        || -> Result<_, Vec<Diagnostic>> {
            let templates = Templates::new(&review.templates, Arc::clone(&results))
                .map_err(|e| vec![template_diagnostic(review, &e)])?;
            let context = review_context(review, &results, &figures, &templates)?;
            Ok((templates, context))
        },
        || exports(review, &results, baseline),
    );
    let (templates, context) = prepared?;
    let mut rendered = render_files(
        review,
        &exports.changes,
        figures,
        &templates,
        &context,
        worth,
    )?;
    rendered.files.insert(
        "results.json".to_string(),
        exports.results_json.into_bytes(),
    );
    rendered
        .files
        .insert("results.csv".to_string(), exports.results_csv.into_bytes());
    Ok(rendered)
}

/// Everything the review's templates see, as JSON: for documentation and for tests that keep
/// docs/templates.md in step with the code.
pub fn context_json(
    review: &Review,
    results: Arc<Results>,
    figures: &FigureSet,
) -> Result<serde_json::Value, Vec<Diagnostic>> {
    let templates = Templates::new(&review.templates, Arc::clone(&results))
        .map_err(|e| vec![template_diagnostic(review, &e)])?;
    let context = review_context(review, &results, figures, &templates)?;
    Ok(serde_json::to_value(&context).expect("views serialise"))
}

/// Builds the template context: data views first, then the prose rendered against them, then
/// the generated text.
fn review_context(
    review: &Review,
    results: &Results,
    figures: &FigureSet,
    templates: &Templates,
) -> Result<ReviewContext, Vec<Diagnostic>> {
    let findings: Vec<ComparisonFindings> = findings::findings(review, results);
    let tool = review.studies.risk_of_bias_tool;
    let participants: i64 = review
        .studies
        .included
        .iter()
        .filter_map(|s| s.participants.as_ref())
        .map(|p| p.value)
        .sum();
    let mut context = ReviewContext {
        review: ReviewView {
            slug: review.slug.clone(),
            title: review.protocol.title.clone(),
            authors: review.protocol.authors.clone(),
            date: review
                .protocol
                .date
                .as_ref()
                .map(|d| english::long_date(&d.value)),
            participants_noun: review.participants_noun().to_string(),
            included_count: review.studies.included.len(),
            participants,
            generator: format!("revmark {}", env!("CARGO_PKG_VERSION")),
        },
        prose: BTreeMap::new(),
        abstract_: AbstractView {
            search_methods: context::search_methods(review),
            main_results: Vec::new(),
        },
        studies: context::studies_view(review),
        rob: RobView {
            tool: if tool == crate::model::RobTool::Rob1 {
                "rob1".into()
            } else {
                "rob2".into()
            },
            domains: tool
                .domains()
                .iter()
                .map(|d| DomainView {
                    letter: d.letter.into(),
                    name: d.name.into(),
                })
                .collect(),
        },
        sections: context::SectionsView::default(),
        analyses: context::analyses_view(results),
        figures: figures.iter().map(context::FigureView::of).collect(),
    };

    // Prose is rendered first, against the data-only context, so that literate text can use
    // every generated value but never another prose field.
    let mut problems = Vec::new();
    let mut prose: Vec<(ProseKey, String)> = Vec::new();
    {
        let base = tera::Context::from_serialize(&context).expect("views serialise");
        for field in prose_fields(review) {
            match templates.render_prose(|| field.key.name(), &field.text.value, &base) {
                Ok(text) => {
                    let safe = markdown::neutralise(text.trim(), review.protocol.raw_html);
                    prose.push((field.key, safe));
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
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    // Later fields replace earlier ones with the same key, as a map insert does.
    // Sized up front: growing a map of ~17,000 fields rehashes it a dozen times.
    let mut study_prose: StudyProse = HashMap::with_capacity(prose.len());
    for (key, text) in &prose {
        match *key {
            ProseKey::Review(name) => {
                context.prose.insert(name.to_string(), text.clone());
            }
            ProseKey::Study(id, field) => {
                study_prose.insert((id, field), text);
            }
        }
    }
    let reporting = narrative::outcome_reporting(review, &study_prose);
    context.abstract_.main_results = narrative::main_results(review, &reporting, &findings)
        .into_iter()
        .map(|sentences| sentences.join(" "))
        .collect();
    context::fill_prose(&mut context.studies, review, &study_prose);
    let distinct_names = narrative::distinct_names(&review.protocol.outcomes);
    let outcome_list = |priority| {
        review
            .protocol
            .outcomes
            .iter()
            .zip(&distinct_names)
            .filter(|(o, _)| o.priority == priority)
            .map(|(o, name)| {
                let name = english::capitalise(name);
                match &o.detail {
                    Some(d) => format!("{name}: {d}"),
                    None => name,
                }
            })
            .collect()
    };
    context.sections = context::SectionsView {
        sof: sections::summary_of_findings(review, &findings),
        description_of_studies: sections::description_of_studies(review),
        risk_of_bias: sections::risk_of_bias_by_domain(review),
        effects: sections::effects(review, &findings, figures),
        prisma: figures.prisma.as_ref().map(context::FigureView::of),
        rob_figures: figures
            .risk_of_bias
            .iter()
            .flat_map(|r| [&r.summary, &r.graph])
            .map(context::FigureView::of)
            .collect(),
        unreported: sections::unreported_outcomes(review, &reporting),
        reported_without_data: narrative::reported_without_data(&reporting),
        methods: sections::methods_used(results),
        primary_outcomes: outcome_list(crate::model::Priority::Primary),
        secondary_outcomes: outcome_list(crate::model::Priority::Secondary),
    };
    Ok(context)
}

/// Renders the output files from the context.
fn render_files(
    review: &Review,
    changes: &changes::Changes,
    figures: FigureSet,
    templates: &Templates,
    context: &ReviewContext,
    worth: bool,
) -> Result<RenderedReview, Vec<Diagnostic>> {
    let participants = context.review.participants;
    let mut tera_context = tera::Context::from_serialize(context).expect("views serialise");
    tera_context.insert("changes", changes);
    let render = |name: &str, context: &tera::Context| {
        templates
            .render(name, context)
            .map_err(|e| vec![template_diagnostic(review, &e)])
    };
    // review.md and its HTML are the long chain; the abstract goes beside it.
    let (abstract_md, review_html) = crate::parallel::join(
        worth,
        || render("abstract.md", &tera_context),
        || -> Result<_, Vec<Diagnostic>> {
            let review_md = render("review.md", &tera_context)?;
            let html = crate::timings::time(crate::timings::Stage::Markdown, || {
                markdown::to_html_with_contents(&review_md, review.protocol.raw_html)
            });
            Ok((review_md, html))
        },
    );
    let abstract_md = abstract_md?;
    let (review_md, (body, headings)) = review_html?;
    // The page sees everything review.md saw, plus the rendered body (no copy of the context).
    let mut page_context = tera_context;
    page_context.insert("body", &body);
    page_context.insert("contents", &markdown::table_of_contents(&headings));
    let page = render("page.html", &page_context)?;

    let mut files = BTreeMap::new();
    files.insert("abstract.md".to_string(), abstract_md.into_bytes());
    files.insert("review.md".to_string(), review_md.into_bytes());
    files.insert("index.html".to_string(), page.into_bytes());
    for figure in figures.into_vec() {
        files.insert(figure.path(), figure.svg.into_bytes());
    }
    files.extend(changes.files(&review.slug));
    let entry = IndexEntry {
        slug: review.slug.clone(),
        title: review.protocol.title.clone(),
        date: context.review.date.clone(),
        studies: review.studies.included.len(),
        participants,
        participants_noun: review.participants_noun().to_string(),
    };
    Ok(RenderedReview { files, entry })
}

/// The site's index page listing every built review.
pub fn render_index(entries: &[IndexEntry]) -> Result<String, TemplateError> {
    let templates = Templates::new(&BTreeMap::new(), Arc::new(Results::default()))?;
    let mut context = tera::Context::new();
    context.insert("reviews", entries);
    context.insert(
        "generator",
        &format!("revmark {}", env!("CARGO_PKG_VERSION")),
    );
    templates.render("index.html", &context)
}
