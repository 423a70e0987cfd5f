//! Review -> rendered files: the abstract and the full review in Markdown, the standalone HTML
//! page, results.json, results.csv and What's new, from the review, its results and figures.
//! This module only orchestrates; dependencies run one way:
//!
//! ```text
//! mod ─> context ─> sections ─> narrative ─> findings ─> results, model
//!  │        │          │            └─> prose (the rendered study prose it quotes)
//!  │        │          └─> view (types only: what templates see)
//!  │        ├─> prose ─> templates ─> escape
//!  │        ├─> plain_language ─> narrative, findings
//!  │        └─> view
//!  ├─> proofread ─> view (the generated text read back and checked)
//!  ├─> changes (What's new), export (results.csv)
//!  └─> markdown ─> sanitise ─> policy (one URL policy for prose, asked by both)
//! ```

pub mod author;
pub mod changes;
mod context;
pub mod escape;
pub mod evidence_profile;
pub mod export;
pub mod findings;
pub mod grade_check;
pub mod markdown;
pub mod narrative;
mod plain_language;
mod policy;
pub mod proofread;
mod prose;
mod references;
mod sanitise;
pub mod sections;
pub mod sensitivity;
pub mod small_study;
pub mod sof;
mod templates;
pub mod text;
pub mod view;

pub use prose::located_prose;
pub use templates::{BUILTIN, BUILTIN_PREFIX, SITE_PREFIX, SiteTemplates, TemplateError};

use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::model::Review;
use crate::plot::{FigureSet, OutcomeDrawings, Palette};
use crate::results::Results;
use changes::{Baseline, ChangesPage, WhatsNew};
use context::review_context;
use templates::{Templates, template_diagnostic};

/// Where a review's files go, each as soon as it is made: its path relative to the review's
/// output folder, and its bytes. The build writes them into its staging folder as they come
/// (`site::ReviewFiles`), so that a large review's figures and exports are not held in memory
/// while its pages render.
pub type Emit<'a> = &'a (dyn Fn(String, Vec<u8>) + Sync);

/// A review's files, each path relative to its output folder, with their bytes.
pub type Files = BTreeMap<String, Vec<u8>>;

/// What rendering a review gives besides its files (which went to [`Emit`]).
#[derive(Debug, Clone)]
pub struct RenderedReview {
    /// What the index page lists.
    pub entry: IndexEntry,
    /// Warnings found after loading, on the results (the GRADE assistant's on the authors'
    /// certainty), for `check` and `build` to print beside those of loading.
    pub warnings: Vec<Diagnostic>,
}

/// A review as the site index lists it (kept in the output folder's marker, so that the index
/// can list a review carried over without building it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
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
    /// Included studies that did not report their participants (none in a marker written
    /// before it was kept).
    #[serde(default)]
    pub participants_unreported: usize,
    /// How participants are called.
    pub participants_noun: String,
}

/// Renders one review from its results and figures, through the `site`'s templates and the
/// review's own; What's new compares the results with the `baseline`, an earlier build's
/// (none: "No earlier results to compare with"). Returns its files (relative path -> bytes)
/// beside what [`render_review_with_warnings`] returns.
pub fn render_review(
    review: &Review,
    site: &SiteTemplates,
    results: Arc<Results>,
    figures: FigureSet,
    baseline: Option<&Baseline>,
) -> Result<(RenderedReview, Files), Vec<Diagnostic>> {
    let files = std::sync::Mutex::new(BTreeMap::new());
    let keep = |path: String, bytes: Vec<u8>| {
        files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(path, bytes);
    };
    // Any figure the set has not drawn is drawn beside the pages.
    let drawings = OutcomeDrawings::new(&figures, review, &results, Palette::default(), None);
    let rendered = render_review_with_warnings(
        review,
        site,
        Arc::clone(&results),
        &figures,
        &drawings,
        baseline,
        &[],
        &keep,
    )?;
    let files = files
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    Ok((rendered, files))
}

/// [`render_review`], the author view listing `warnings` (those loading found), each file
/// handed to `emit` as soon as it is made; the outcome figures of `figures` not drawn yet
/// (`drawings`) are drawn while the pages render.
#[allow(clippy::too_many_arguments)]
pub fn render_review_with_warnings(
    review: &Review,
    site: &SiteTemplates,
    results: Arc<Results>,
    figures: &FigureSet,
    drawings: &OutcomeDrawings<'_>,
    baseline: Option<&Baseline>,
    warnings: &[Diagnostic],
    emit: Emit<'_>,
) -> Result<RenderedReview, Vec<Diagnostic>> {
    let worth = worth_a_thread(&results);
    let release = releases_memory(&results);
    crate::parallel::scope(worth, |background| {
        // In the background, on whichever thread is free: the figures' files, results.json and
        // results.csv, which need the numbers only. The pages' chain (the context, Tera's
        // values of it, review.md, its HTML, the page) is on this thread.
        background.spawn(|| {
            for (path, svg) in figures.drawn_svgs() {
                emit(path, svg.as_bytes().to_vec());
            }
            emit("results.json".to_string(), results.to_json().into_bytes());
            let csv = export::results_csv(review, &results);
            emit("results.csv".to_string(), csv.into_bytes());
        });
        for i in 0..drawings.len() {
            background.spawn(move || {
                let drawn =
                    crate::timings::time(crate::timings::Stage::Figures, || drawings.draw(i));
                for (kind, svg) in drawn {
                    emit(kind.path(), svg.into_bytes());
                }
            });
        }
        let templates = Templates::new(site, &review.templates, Arc::clone(&results))
            .map_err(|e| vec![template_diagnostic(Some(review), site, &e)])?;
        let findings = findings::findings(review, &results);
        let context = review_context(review, &results, &findings, figures, &templates)?;
        let profile = evidence_profile::evidence_profile(&findings);
        let tera_context = context.to_tera(worth);
        let prepared = Prepared {
            templates,
            tera_context,
            author_text: author::AuthorText::of(&context),
            participants: context.review.participants,
            participants_unreported: context.review.participants_unreported,
            date: context.review.date.clone(),
            profile,
        };
        drop(context);
        let changes = changes::since(baseline, &results);
        render_files(
            review,
            site,
            &changes,
            prepared,
            Split { worth, release },
            warnings,
            emit,
        )
    })
}

/// Whether the review is large enough for its report to be worth a second thread (about 100
/// bytes of review text per data row).
fn worth_a_thread(results: &Results) -> bool {
    results.row_count() * 100 >= crate::parallel::WORTH_A_THREAD
}

/// Data rows above which a review's report gives freed memory back between its stages
/// ([`crate::budget::release_free_memory`]): the large synthetic review (16,800 rows) peaks at
/// about 111 MB with it and 120-136 MB without; the medium one (1,100 rows) peaks at 46 MB without
/// it, and its build takes 13% less CPU than with it, which re-faults the pages it gave back
/// (docs/benchmarks.md, "Issue 17, eighth session").
const RELEASE_MEMORY_ROWS: usize = 5_000;

/// Whether the review is large enough for its report to give memory back between stages.
fn releases_memory(results: &Results) -> bool {
    results.row_count() >= RELEASE_MEMORY_ROWS
}

/// How the report's stages share the work: on a second thread, and with memory given back
/// between them.
#[derive(Clone, Copy)]
struct Split {
    worth: bool,
    release: bool,
}

/// Everything the review's templates see, as JSON: for documentation and for tests that keep
/// docs/templates.md in step with the code.
pub fn context_json(
    review: &Review,
    results: Arc<Results>,
    figures: &FigureSet,
) -> Result<serde_json::Value, Vec<Diagnostic>> {
    let context = built_in_context(review, results, figures)?;
    Ok(serde_json::to_value(&context).expect("views serialise"))
}

/// Every passage of generated text of a review, as its pages print it, for
/// [`proofread::proofread`].
pub fn generated_text(
    review: &Review,
    results: Arc<Results>,
    figures: &FigureSet,
) -> Result<Vec<proofread::Passage>, Vec<Diagnostic>> {
    let context = built_in_context(review, results, figures)?;
    Ok(proofread::generated_text(&context))
}

/// The review's template context, its prose rendered through the built-in templates and the
/// review's own.
fn built_in_context(
    review: &Review,
    results: Arc<Results>,
    figures: &FigureSet,
) -> Result<view::ReviewContext, Vec<Diagnostic>> {
    let site = SiteTemplates::default();
    let templates = Templates::new(&site, &review.templates, Arc::clone(&results))
        .map_err(|e| vec![template_diagnostic(Some(review), &site, &e)])?;
    let findings = findings::findings(review, &results);
    review_context(review, &results, &findings, figures, &templates)
}

/// A review's templates, loaded, and the context they render.
struct Prepared {
    templates: Templates,
    /// The views as Tera's values.
    tera_context: tera::Context,
    /// What the author view reads of the views.
    author_text: author::AuthorText,
    /// The review's participants (and how many studies did not report theirs) and date, for
    /// the index.
    participants: i64,
    participants_unreported: usize,
    date: Option<String>,
    /// What evidence-profile.html shows besides the page's context.
    profile: evidence_profile::EvidenceProfile,
}

/// Renders the pages from the context, each handed to `emit` as soon as it is made.
fn render_files(
    review: &Review,
    site: &SiteTemplates,
    changes: &changes::Changes,
    prepared: Prepared,
    Split { worth, release }: Split,
    warnings: &[Diagnostic],
    emit: Emit<'_>,
) -> Result<RenderedReview, Vec<Diagnostic>> {
    let Prepared {
        templates,
        mut tera_context,
        author_text,
        participants,
        participants_unreported,
        date,
        profile,
    } = prepared;
    // The context's views are free (Tera has its values), and the background has written
    // what it has drawn so far.
    if release {
        crate::budget::release_free_memory();
    }
    tera_context.insert("changes", changes);
    let render = |name: &str, context: &tera::Context| {
        templates
            .render(name, context)
            .map_err(|e| vec![template_diagnostic(Some(review), site, &e)])
    };
    let abstract_body = render_abstract_body(&tera_context, &render, worth)?;
    tera_context.insert("abstract_body", &abstract_body);
    // review.md and its HTML are the long chain; the pages that show no part of the review's
    // body (abstract.md, the evidence profile, the author view) go beside it.
    let (review_html, beside) = crate::parallel::join(
        worth,
        || -> Result<_, Vec<Diagnostic>> {
            let review_md = render("review.md", &tera_context)?;
            let html = crate::timings::time(crate::timings::Stage::Markdown, || {
                markdown::to_page_body(&review_md, review.protocol.raw_html)
            });
            emit("review.md".to_string(), review_md.into_bytes());
            Ok(html)
        },
        || -> Result<_, Vec<Diagnostic>> {
            // abstract.md stands alone: its citations keep their text, without links into
            // References.
            let abstract_md = references::unlinked(&render("abstract.md", &tera_context)?);
            // These pages show none of the review's body: its fields are empty in their
            // context (a copy of the context costs little: Tera shares its strings, maps and
            // arrays).
            let mut bodiless = tera_context.clone();
            for field in PAGE_BODY_FIELDS {
                bodiless.insert(field, "");
            }
            // The evidence profile, for the authors, in the page's style.
            let mut profile_context = bodiless.clone();
            profile_context.insert("profile", &profile);
            let profile_page = render("evidence_profile.html", &profile_context)?;
            emit(
                "evidence-profile.html".to_string(),
                profile_page.into_bytes(),
            );
            // The author view links to the review's other pages.
            let written = [
                "index.html",
                "abstract.md",
                "review.md",
                "evidence-profile.html",
            ];
            let author =
                author::author_view(review, &author_text, warnings, &abstract_md, &written);
            bodiless.insert("author", &author);
            let author_page = render("author.html", &bodiless)?;
            emit("author.html".to_string(), author_page.into_bytes());
            emit("abstract.md".to_string(), abstract_md.into_bytes());
            Ok(())
        },
    );
    // The Markdown parse of review.md and the other pages' buffers are free.
    if release {
        crate::budget::release_free_memory();
    }
    // An error in review.md's template is told before one in the pages beside it.
    let body = review_html?;
    beside?;
    // The page sees everything review.md saw, plus the rendered body. The context's values
    // are copies: each part of the body is dropped as soon as it is in (a large review's body
    // is a few MB).
    let mut page_context = tera_context;
    let markdown::PageBody {
        front,
        content,
        headings,
    } = body;
    page_context.insert("contents", &markdown::table_of_contents(&headings));
    // The page holds the body and the contents around it: room for both at once (memory
    // reserved and never written is never resident).
    let page_capacity = 2 * (front.len() + content.len()) + 256 * 1024;
    page_context.insert_value("body", tera::Value::from(format!("{front}{content}")));
    page_context.insert_value("front", tera::Value::from(front));
    page_context.insert_value("content", tera::Value::from(content));
    let page = templates
        .render_sized("page.html", &page_context, page_capacity)
        .map_err(|e| vec![template_diagnostic(Some(review), site, &e)])?;
    // Freeing the context's values is 90 M instructions in a large review: another thread
    // does it while this one writes the last files.
    crate::parallel::drop_beside(page_context);
    emit("index.html".to_string(), page.into_bytes());
    let changes_md = changes_page(&templates, &review.slug, WhatsNew::Changes(changes))
        .map_err(|e| vec![template_diagnostic(Some(review), site, &e)])?;
    emit("changes.md".to_string(), changes_md.into_bytes());
    emit("changes.json".to_string(), changes.json().into_bytes());
    let entry = IndexEntry {
        slug: review.slug.clone(),
        title: review.protocol.title.clone(),
        date,
        studies: review.studies.included.len(),
        participants,
        participants_unreported,
        participants_noun: review.participants_noun().to_string(),
    };
    Ok(RenderedReview {
        entry,
        warnings: Vec::new(),
    })
}

/// The page's own fields: the review's body as HTML, which the page prints and the pages
/// beside it (the author view, the evidence profile) see empty.
const PAGE_BODY_FIELDS: [&str; 4] = ["front", "content", "body", "contents"];

/// The abstract's sections as abstract.md and review.md print them.
#[derive(Debug, Serialize)]
struct AbstractBody {
    /// With `##` headings, for abstract.md.
    abstract_md: String,
    /// With `###` headings and the generated text marked, for review.md.
    review_md: String,
}

/// Renders abstract_body.md for abstract.md and for review.md, the two at the same time when
/// `worth`. It is rendered here rather than included by those templates because Tera cannot
/// include a template that extends another, and an override of abstract_body.md may extend
/// the built-in one to change one section.
fn render_abstract_body(
    context: &tera::Context,
    render: &(impl Fn(&str, &tera::Context) -> Result<String, Vec<Diagnostic>> + Sync),
    worth: bool,
) -> Result<AbstractBody, Vec<Diagnostic>> {
    // Each on a copy of the context (Tera shares its values, so a copy costs little).
    let (abstract_md, review_md) = crate::parallel::join(
        worth,
        || {
            let mut context = context.clone();
            context.insert("h", "##");
            render("abstract_body.md", &context)
        },
        || {
            let mut context = context.clone();
            context.insert("h", "###");
            context.insert("mark_generated", &true);
            render("abstract_body.md", &context)
        },
    );
    Ok(AbstractBody {
        abstract_md: abstract_md?,
        review_md: review_md?,
    })
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
    Templates::new(
        &SiteTemplates::default(),
        &BTreeMap::new(),
        Arc::new(Results::default()),
    )
}

/// The site's index page listing every built review, from the site's index.html template if
/// it has one.
pub fn render_index(entries: &[IndexEntry], site: &SiteTemplates) -> Result<String, Diagnostic> {
    let diagnose = |e: TemplateError| template_diagnostic(None, site, &e);
    let templates =
        Templates::new(site, &BTreeMap::new(), Arc::new(Results::default())).map_err(diagnose)?;
    let mut context = tera::Context::new();
    context.insert("reviews", entries);
    context.insert(
        "generator",
        &format!("revmark {}", env!("CARGO_PKG_VERSION")),
    );
    templates.render("index.html", &context).map_err(diagnose)
}

#[cfg(test)]
mod tests {
    use super::changes::{Change, ChangeKind, Changes, WhatsNew};
    use super::*;

    // The views made Tera's values field by field, the sections beside the rest, are the
    // values of the whole: every field, under the same keys.
    #[test]
    fn tera_values_made_in_parts_are_those_of_the_whole() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("reviews/bcg-vaccine");
        let loaded = crate::load::load_review(&dir).expect("the example loads");
        let results = Arc::new(crate::results::analyse(&loaded.review));
        let figures = crate::plot::figures(&loaded.review, &results);
        let site = SiteTemplates::default();
        let templates = Templates::new(&site, &loaded.review.templates, Arc::clone(&results))
            .expect("the built-in templates compile");
        let findings = findings::findings(&loaded.review, &results);
        let context = review_context(&loaded.review, &results, &findings, &figures, &templates)
            .expect("the example renders");
        let whole = tera::Context::from_serialize(&context).expect("views serialise");
        assert!(whole.contains_key("sections") && whole.contains_key("abstract"));
        for worth in [false, true] {
            assert!(context.to_tera(worth) == whole, "worth {worth}");
        }
    }

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
