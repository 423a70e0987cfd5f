//! Review -> rendered files: the abstract and the full review in Markdown, the standalone HTML
//! page, results.json, results.csv and What's new, from the review, its results and figures.
//! This module only orchestrates; dependencies run one way:
//!
//! ```text
//! mod ─> context ─> sections ─> narrative ─> findings ─> results, model
//!  │        │          │            └─> prose (the rendered study prose it quotes)
//!  │        │          └─> view (types only: what templates see)
//!  │        ├─> prose ─> templates ─> escape
//!  │        └─> view
//!  ├─> changes (What's new), export (results.csv)
//!  └─> markdown ─> sanitise ─> policy (one URL policy for prose, asked by both)
//! ```

pub mod changes;
mod context;
pub mod escape;
pub mod export;
pub mod findings;
pub mod markdown;
pub mod narrative;
mod policy;
mod prose;
mod sanitise;
pub mod sections;
mod templates;
pub mod view;

pub use templates::{BUILTIN, TemplateError};

use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::model::Review;
use crate::plot::FigureSet;
use crate::results::Results;
use changes::{Baseline, ChangesPage, WhatsNew};
use context::review_context;
use templates::{Templates, template_diagnostic};
use view::ReviewContext;

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
    let changes_md = changes_page(templates, &review.slug, WhatsNew::Changes(changes))
        .map_err(|e| vec![template_diagnostic(review, &e)])?;
    files.insert("changes.md".to_string(), changes_md.into_bytes());
    files.insert("changes.json".to_string(), changes.json().into_bytes());
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

/// changes.md of review `slug`, from the changes.md template.
fn changes_page(
    templates: &Templates,
    slug: &str,
    whats_new: WhatsNew,
) -> Result<String, TemplateError> {
    let context = tera::Context::from_serialize(&ChangesPage::new(slug, whats_new))
        .expect("changes serialise");
    templates.render("changes.md", &context)
}

/// Writes What's new pages outside a build, from the built-in changes.md template: what
/// `revmark diff` prints.
pub struct WhatsNewPages(Templates);

impl WhatsNewPages {
    /// Loads the built-in templates.
    pub fn new() -> Result<WhatsNewPages, TemplateError> {
        Ok(WhatsNewPages(builtin_templates()?))
    }

    /// The page of review `slug`.
    pub fn page(&self, slug: &str, whats_new: WhatsNew) -> Result<String, TemplateError> {
        changes_page(&self.0, slug, whats_new)
    }
}

/// The built-in templates, for pages of no review.
fn builtin_templates() -> Result<Templates, TemplateError> {
    Templates::new(&BTreeMap::new(), Arc::new(Results::default()))
}

/// The site's index page listing every built review.
pub fn render_index(entries: &[IndexEntry]) -> Result<String, TemplateError> {
    let templates = builtin_templates()?;
    let mut context = tera::Context::new();
    context.insert("reviews", entries);
    context.insert(
        "generator",
        &format!("revmark {}", env!("CARGO_PKG_VERSION")),
    );
    templates.render("index.html", &context)
}

#[cfg(test)]
mod tests {
    use super::changes::{Change, ChangeKind, Changes, WhatsNew};
    use super::*;

    fn change(subject: &str) -> Change {
        Change {
            kind: ChangeKind::StudyAdded,
            label: ChangeKind::StudyAdded.label().to_string(),
            number: None,
            comparison: None,
            outcome: None,
            subject: subject.to_string(),
            text: "now in analysis 1.1".into(),
        }
    }

    // Each state of What's new has its own sentence under the same heading, and the list
    // escapes what came from the review files.
    #[test]
    fn whats_new_pages_say_each_state() {
        let pages = WhatsNewPages::new().unwrap();
        let none = Changes::without_baseline();
        let unchanged = Changes {
            compared: true,
            items: Vec::new(),
        };
        let listed = Changes {
            compared: true,
            items: vec![change("Smith & <Jones>"), change("Abe 2001")],
        };
        let cases = [
            (WhatsNew::OnlyInNew, "A new review.\n"),
            (WhatsNew::OnlyInOld, "The review is gone.\n"),
            (
                WhatsNew::Changes(&none),
                "No earlier results to compare with: these results are those of the first build.\n",
            ),
            (
                WhatsNew::Changes(&unchanged),
                "No results changed since the previous build.\n",
            ),
        ];
        for (whats_new, sentence) in cases {
            let page = pages.page("r_1", whats_new).unwrap();
            assert_eq!(page, format!("# What's new: r\\_1\n\n{sentence}"));
        }
        let page = pages.page("r", WhatsNew::Changes(&listed)).unwrap();
        let lines: Vec<&str> = page.lines().collect();
        assert_eq!(lines[2], "Compared with the previous build's results:");
        assert_eq!(
            &lines[4..],
            [
                "- **Study added:** Smith & &lt;Jones\\>: now in analysis 1.1",
                "- **Study added:** Abe 2001: now in analysis 1.1"
            ]
        );
        assert!(page.ends_with("1.1\n"), "{page:?}");
    }
}
