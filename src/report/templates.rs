//! Tera templates: the built-in defaults embedded in the binary, a review's own overrides, and
//! the functions and filters that literate prose may call.
//!
//! Two engines: Markdown templates escape every printed value for Markdown; HTML templates
//! escape for HTML. Data reach templates only as values, never as template code: only prose
//! fields are rendered as templates.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use tera::{Kwargs, State, Tera};

use super::escape;
use crate::budget;
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::english;
use crate::model::Review;
use crate::results::{OutcomeResults, Results};

/// The built-in templates by name, as files under templates/ (name + ".tera").
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "abstract.md",
        include_str!("../../templates/abstract.md.tera"),
    ),
    (
        "abstract_body.md",
        include_str!("../../templates/abstract_body.md.tera"),
    ),
    ("review.md", include_str!("../../templates/review.md.tera")),
    (
        "additional_table.md",
        include_str!("../../templates/additional_table.md.tera"),
    ),
    (
        "changes.md",
        include_str!("../../templates/changes.md.tera"),
    ),
    ("page.html", include_str!("../../templates/page.html.tera")),
    (
        "author.html",
        include_str!("../../templates/author.html.tera"),
    ),
    (
        "evidence_profile.html",
        include_str!("../../templates/evidence_profile.html.tera"),
    ),
    (
        "index.html",
        include_str!("../../templates/index.html.tera"),
    ),
];

/// The prefix of the built-in templates' names in Tera: an override extends
/// `builtin/review.md` to keep the built-in review and redefine one of its blocks.
pub const BUILTIN_PREFIX: &str = "builtin/";

/// The prefix of the site's templates' names in Tera (`site/review.md`), which a review's own
/// template may extend.
pub const SITE_PREFIX: &str = "site/";

/// The site's own templates (`revmark build --templates DIR`): they replace the built-in ones
/// for every review, and the list of reviews (index.html) is theirs alone.
#[derive(Debug, Clone, Default)]
pub struct SiteTemplates {
    /// The folder they were read from.
    pub dir: PathBuf,
    /// Template name ("review.md") -> source.
    pub sources: BTreeMap<String, String>,
    /// The built-in and site templates compiled once for the whole build (see
    /// [`Templates::new`]); `None` inside when they do not compile.
    compiled: OnceLock<Option<Templates>>,
}

impl SiteTemplates {
    /// The site templates read from `dir`.
    pub fn new(dir: PathBuf, sources: BTreeMap<String, String>) -> SiteTemplates {
        SiteTemplates {
            dir,
            sources,
            compiled: OnceLock::new(),
        }
    }

    /// Compiles the built-in and site templates now, if no one has, so that a build can do it
    /// beside loading its reviews.
    pub fn prepare(&self) {
        self.compiled();
    }

    /// The built-in and site templates compiled, with the literate functions bound to no
    /// results; the first caller compiles them.
    fn compiled(&self) -> Option<&Templates> {
        self.compiled
            .get_or_init(|| {
                Templates::compile(self, &BTreeMap::new(), Arc::new(Results::default())).ok()
            })
            .as_ref()
    }
}

/// Where a template that Tera names comes from: a review's folder, the site's, or the binary.
enum Origin<'a> {
    Review(&'a str),
    Site(&'a str),
    Builtin(&'a str),
}

impl<'a> Origin<'a> {
    /// The template's name without its origin ("review.md").
    fn name(&self) -> &'a str {
        match self {
            Origin::Review(n) | Origin::Site(n) | Origin::Builtin(n) => n,
        }
    }

    /// The origin of Tera's template `name`, given the overrides there are: an unprefixed name
    /// is the first of the review's, the site's and the built-in template of that name.
    fn of(name: &'a str, site: &SiteTemplates, review: &BTreeMap<String, String>) -> Self {
        if let Some(n) = name.strip_prefix(BUILTIN_PREFIX) {
            Origin::Builtin(n)
        } else if let Some(n) = name.strip_prefix(SITE_PREFIX) {
            Origin::Site(n)
        } else if review.contains_key(name) {
            Origin::Review(name)
        } else if site.sources.contains_key(name) {
            Origin::Site(name)
        } else {
            Origin::Builtin(name)
        }
    }
}

/// A template that failed, with where.
#[derive(Debug, Clone)]
pub struct TemplateError {
    /// The template's name (e.g. "abstract.md") or the prose field's name.
    pub template: String,
    /// 1-based line in the template, 0 when unknown.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What went wrong.
    pub message: String,
}

impl TemplateError {
    /// A Tera error as one problem: its first, with any others it holds named in the message.
    fn from_tera(template: &str, e: &tera::Error) -> Self {
        let mut all = Self::all_from_tera(template, e);
        let mut first = all.remove(0);
        if !all.is_empty() {
            let others: Vec<String> = all
                .iter()
                .map(|o| format!("{}:{}:{}: {}", o.template, o.line, o.column, o.message))
                .collect();
            first.message = format!("{} (and {})", first.message, others.join("; "));
        }
        first
    }

    /// Every problem of a Tera error: its own, with its place; or, for the checks whose
    /// errors come as Tera's text reports (an unknown filter, function or template), each
    /// report's sentence (`error: WHAT`) and place (` --> NAME:LINE:COL`), without the
    /// snippets, so that revmark can show them in its own way.
    fn all_from_tera(template: &str, e: &tera::Error) -> Vec<Self> {
        let named = |name: &str| {
            if name.is_empty() {
                template.to_string()
            } else {
                name.to_string()
            }
        };
        match e.kind() {
            tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
                vec![TemplateError {
                    template: named(r.filename()),
                    line: r.span().start_line,
                    column: r.span().start_col + 1,
                    message: r.message().to_string(),
                }]
            }
            other => {
                let text = other.to_string();
                let mut all: Vec<TemplateError> = Vec::new();
                for line in text.lines() {
                    if let Some(what) = line.strip_prefix("error: ") {
                        all.push(TemplateError {
                            template: template.to_string(),
                            line: 0,
                            column: 0,
                            message: what.to_string(),
                        });
                    } else if let Some(at) = line.trim_start().strip_prefix("--> ") {
                        let mut parts = at.rsplitn(3, ':');
                        let column = parts.next().and_then(|c| c.parse().ok());
                        let row = parts.next().and_then(|l| l.parse().ok());
                        if let (Some(last), Some(row), Some(column), Some(name)) =
                            (all.last_mut(), row, column, parts.next())
                        {
                            last.template = named(name);
                            last.line = row;
                            last.column = column;
                        }
                    }
                }
                if all.is_empty() {
                    all.push(TemplateError {
                        template: template.to_string(),
                        line: 0,
                        column: 0,
                        message: text.lines().next().unwrap_or_default().to_string(),
                    });
                }
                all
            }
        }
    }
}

/// A template problem as a diagnostic in the file it came from: the review's
/// `templates/NAME.tera`, the site's, or the built-in one. `review` is `None` for the pages of
/// no review (the list of reviews).
pub fn template_diagnostic(
    review: Option<&Review>,
    site: &SiteTemplates,
    e: &TemplateError,
) -> Diagnostic {
    let no_overrides = BTreeMap::new();
    let overrides = review.map_or(&no_overrides, |r| &r.templates);
    let (path, text): (PathBuf, &str) = match Origin::of(&e.template, site, overrides) {
        Origin::Review(name) if review.is_some() => (
            review
                .map(|r| r.dir.join("templates"))
                .unwrap_or_default()
                .join(format!("{name}.tera")),
            &overrides[name],
        ),
        Origin::Site(name) if site.sources.contains_key(name) => {
            (site.dir.join(format!("{name}.tera")), &site.sources[name])
        }
        Origin::Review(name) | Origin::Site(name) | Origin::Builtin(name) => (
            Path::new("templates").join(format!("{name}.tera (built in)")),
            BUILTIN
                .iter()
                .find(|(n, _)| *n == name)
                .map_or("", |(_, s)| *s),
        ),
    };
    let diagnostic = SourceFile::new(path, text.to_string()).error(
        e.line,
        e.column,
        format!("template: {}", e.message),
    );
    let name = Origin::of(&e.template, site, overrides).name();
    if e.message.contains("Circular extend") || e.message.contains("is inheriting from") {
        diagnostic.with_help(format!(
            "an override extends the built-in template, `{{% extends \"{BUILTIN_PREFIX}{name}\" %}}`, or the site's, `{SITE_PREFIX}{name}`"
        ))
    } else if let Some(block) = e
        .message
        .strip_prefix("Block `")
        .and_then(|rest| rest.split_once("` is not defined"))
        .map(|(block, _)| block)
    {
        // A misspelt block: the built-in template of the same name has the right one.
        let builtin = BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, s)| *s);
        diagnostic.suggest(block, block_names(builtin))
    } else {
        diagnostic
    }
}

/// The names of the blocks a template defines (`{% block name %}`, with or without `-`).
fn block_names(source: &str) -> impl Iterator<Item = &str> {
    source.split("{%").skip(1).filter_map(|tag| {
        let mut words = tag.trim_start_matches('-').split_whitespace();
        (words.next() == Some("block"))
            .then(|| words.next())
            .flatten()
    })
}

/// The template engines for one review. The Markdown engine is shared with the thread that
/// renders prose under its budget.
#[derive(Debug, Clone)]
pub struct Templates {
    markdown: Arc<Tera>,
    html: Arc<Tera>,
    /// The results the literate functions are still to be bound to, when `markdown` is the
    /// build's shared engine (whose functions know no results): see [`Templates::new`].
    unbound: Option<Arc<Results>>,
}

/// What the template of one prose field may use: memory at once, running time, and the
/// length of the text it makes. Prose needs milliseconds and kilobytes; a runaway template
/// (a string doubled forty times, a loop of 10^10 steps) stops at these, as an error at its
/// field (`crate::budget` says how).
pub const PROSE_LIMITS: budget::Limits = budget::Limits {
    memory: 256 << 20,
    time: std::time::Duration::from_secs(5),
};
/// See [`PROSE_LIMITS`].
pub const MAX_PROSE_TEXT: usize = 16 << 20;

/// A prose field's text after its template ran (as written if it has no template syntax), or
/// the template's problems.
pub type RenderedProse<'t> = Result<Cow<'t, str>, Vec<TemplateError>>;

impl Templates {
    /// Loads the built-in templates, replaced file by file by the `site`'s and then by a
    /// review's `overrides` (name -> source), with the literate functions bound to this
    /// review's results.
    ///
    /// The built-in and site templates are compiled once per build (a fifth of a small
    /// review's build was compiling them, for each review and again for the index). A review
    /// without templates of its own shares them as they are: the built-in templates call no
    /// literate function, so the functions are bound only when its prose calls them (see
    /// [`Templates::render_prose`]). A review with overrides, or a site with templates (which
    /// may call them), takes a copy, binds the functions to its results and adds its
    /// overrides, the same steps in the same order as compiling everything afresh. When they
    /// do not compile, everything is compiled afresh, so that the error is reported as before.
    pub fn new(
        site: &SiteTemplates,
        overrides: &BTreeMap<String, String>,
        results: Arc<Results>,
    ) -> Result<Self, TemplateError> {
        let Some(compiled) = site.compiled() else {
            return Templates::compile(site, overrides, results);
        };
        let mut templates = compiled.clone();
        if overrides.is_empty() && site.sources.is_empty() {
            templates.unbound = Some(results);
            return Ok(templates);
        }
        // The review's own copy of the compiled Markdown engine, which it binds to its results.
        let markdown = Arc::make_mut(&mut templates.markdown);
        register_functions(markdown, results);
        let html = Arc::make_mut(&mut templates.html);
        for (engine, suffix) in [(markdown, ".md"), (html, ".html")] {
            add_overrides(engine, suffix, overrides)?;
        }
        Ok(templates)
    }

    /// Compiles the built-in templates, the `site`'s and the review's `overrides`, with the
    /// literate functions bound to `results`.
    fn compile(
        site: &SiteTemplates,
        overrides: &BTreeMap<String, String>,
        results: Arc<Results>,
    ) -> Result<Self, TemplateError> {
        let mut markdown = Tera::new();
        markdown.set_escape_fn(escape::markdown_escape_fn);
        markdown.autoescape_on([".md"]);
        register_filters(&mut markdown);
        register_functions(&mut markdown, results);
        let mut html = Tera::new();
        html.set_escape_fn(escape::html_escape_fn);
        html.autoescape_on([".html"]);
        register_filters(&mut html);
        // Each template is there under the name of its origin: `builtin/NAME`, `site/NAME`
        // and, for a review's own, `NAME`. A name is looked up in that order of precedence
        // (Tera's fallback prefixes), so `review.md` is the review's if it has one, else the
        // site's, else the built-in one; and an override may extend `builtin/review.md` (or
        // `site/review.md`) to change one block of it. The built-ins are added together;
        // then each override on its own, so that a problem Tera finds only across templates
        // (a block no parent has) is the override's that was added.
        for (engine, suffix) in [(&mut markdown, ".md"), (&mut html, ".html")] {
            engine
                .set_fallback_prefixes([SITE_PREFIX, BUILTIN_PREFIX])
                .map_err(|e| TemplateError::from_tera(suffix, &e))?;
            let builtins: Vec<(String, &str)> = BUILTIN
                .iter()
                .filter(|(name, _)| name.ends_with(suffix))
                .map(|(name, source)| (format!("{BUILTIN_PREFIX}{name}"), *source))
                .collect();
            engine
                .add_raw_templates(builtins)
                .map_err(|e| TemplateError::from_tera(suffix, &e))?;
            let sites = site
                .sources
                .iter()
                .map(|(name, source)| (format!("{SITE_PREFIX}{name}"), source.clone()))
                .collect();
            add_overrides(engine, suffix, &sites)?;
            add_overrides(engine, suffix, overrides)?;
        }
        Ok(Templates {
            markdown: Arc::new(markdown),
            html: Arc::new(html),
            unbound: None,
        })
    }

    /// Renders a template by name with a context.
    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String, TemplateError> {
        self.engine(name)
            .render(name, context)
            .map_err(|e| TemplateError::from_tera(name, &e))
    }

    /// [`Templates::render`] into a buffer of `capacity` bytes at first: a page of several
    /// megabytes rendered into one that grows from the template's size is copied at each
    /// doubling, and the copies left behind raise a large review's peak memory.
    pub fn render_sized(
        &self,
        name: &str,
        context: &tera::Context,
        capacity: usize,
    ) -> Result<String, TemplateError> {
        let mut out = Vec::with_capacity(capacity);
        self.engine(name)
            .render_to(name, context, &mut out)
            .map_err(|e| TemplateError::from_tera(name, &e))?;
        String::from_utf8(out).map_err(|e| TemplateError::from_tera(name, &tera::Error::from(e)))
    }

    /// The engine of template `name`: Markdown's for `.md`, else HTML's.
    fn engine(&self, name: &str) -> &Tera {
        if std::path::Path::new(name)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md"))
        {
            &self.markdown
        } else {
            &self.html
        }
    }

    /// Renders the authors' prose fields (Markdown that may call the literate functions),
    /// in order. Values they print are escaped for Markdown; the authors' own Markdown is
    /// kept. A text without template syntax is returned as it is; the others are rendered
    /// under [`PROSE_LIMITS`] on a thread of their own, and a field that goes over them stops
    /// the rendering ([`budget::Stopped`] names it).
    pub fn render_prose<'t>(
        &self,
        texts: &[&'t str],
        context: impl FnOnce() -> tera::Context,
    ) -> Result<Vec<RenderedProse<'t>>, budget::Stopped> {
        let templated: Vec<usize> = (0..texts.len())
            .filter(|&i| uses_template(texts[i]))
            .collect();
        let mut out: Vec<RenderedProse<'t>> = texts.iter().map(|t| Ok(Cow::Borrowed(*t))).collect();
        if templated.is_empty() {
            // Most reviews' prose is plain Markdown: no context to make (it serialises every
            // view of the review), no thread to start.
            return Ok(out);
        }
        let context = context();
        let jobs: Vec<String> = templated.iter().map(|&i| texts[i].to_string()).collect();
        let engine = match &self.unbound {
            None => Arc::clone(&self.markdown),
            Some(results) => {
                let mut bound = Tera::clone(&self.markdown);
                register_functions(&mut bound, Arc::clone(results));
                Arc::new(bound)
            }
        };
        let rendered = budget::run_each(jobs, PROSE_LIMITS, move |text: String| {
            render_within(&engine, &text, &context)
        })
        .map_err(|stopped| match stopped {
            // The job's number among the templated texts, as the text's number.
            budget::Stopped::Memory { job } => budget::Stopped::Memory {
                job: templated[job],
            },
            budget::Stopped::Time { job } => budget::Stopped::Time {
                job: templated[job],
            },
            other @ budget::Stopped::NoThread(_) => other,
        })?;
        for (&i, text) in templated.iter().zip(rendered) {
            out[i] = text.map(Cow::Owned);
        }
        Ok(out)
    }
}

/// Renders one prose text, its output cut off at [`MAX_PROSE_TEXT`]; or its problems.
fn render_within(
    engine: &Tera,
    text: &str,
    context: &tera::Context,
) -> Result<String, Vec<TemplateError>> {
    let mut out = Capped::default();
    let whole = |message: String| {
        vec![TemplateError {
            template: String::new(),
            line: 0,
            column: 0,
            message,
        }]
    };
    match engine.render_str_to(text, context, true, &mut out) {
        Ok(()) => {
            String::from_utf8(out.bytes).map_err(|_| whole("the text it makes is not UTF-8".into()))
        }
        Err(_) if out.over => Err(whole(format!(
            "its template makes more than {} MiB of text",
            MAX_PROSE_TEXT >> 20
        ))),
        Err(e) => Err(TemplateError::all_from_tera("", &e)),
    }
}

/// A buffer that refuses to grow past [`MAX_PROSE_TEXT`].
#[derive(Default)]
struct Capped {
    bytes: Vec<u8>,
    over: bool,
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > MAX_PROSE_TEXT {
            self.over = true;
            return Err(std::io::Error::other("prose text too long"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Whether a prose text uses template syntax (`{{`, `{%` or `{#`); one that does not is
/// printed as written, without the template engine.
pub fn uses_template(text: &str) -> bool {
    text.contains("{{") || text.contains("{%") || text.contains("{#")
}

/// Adds the `templates` (name -> source) whose names end in `suffix` to `engine`, one by one,
/// so that a problem Tera finds only across templates is the one's that was added.
fn add_overrides(
    engine: &mut Tera,
    suffix: &str,
    templates: &BTreeMap<String, String>,
) -> Result<(), TemplateError> {
    for (name, source) in templates {
        if name.ends_with(suffix) {
            engine
                .add_raw_template(name, source)
                .map_err(|e| TemplateError::from_tera(name, &e))?;
        }
    }
    Ok(())
}

fn register_filters(tera: &mut Tera) {
    tera.register_filter("words", |n: i64, _: Kwargs, _: &State| {
        english::words(n.max(0) as u64)
    });
    // Counts in templates go through the same function as counts in generated sentences, so
    // that a table and the sentence beside it write 357,347 alike.
    tera.register_filter("count", |n: i64, _: Kwargs, _: &State| {
        crate::format::count(n.max(0) as u64)
    });
    tera.register_filter("capitalise", |s: &str, _: Kwargs, _: &State| {
        english::capitalise(s)
    });
    tera.register_filter("join_and", |items: Vec<String>, _: Kwargs, _: &State| {
        english::join_and(&items)
    });
    tera.register_filter("pvalue", |p: f64, _: Kwargs, _: &State| {
        crate::format::p_value(p)
    });
    tera.register_filter(
        "num",
        |x: f64, kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let digits = kwargs.get::<i64>("digits")?.unwrap_or(2).clamp(0, 10) as usize;
            Ok(crate::format::fixed(x, digits))
        },
    );
    tera.register_filter("long_date", |s: &str, _: Kwargs, _: &State| {
        english::long_date(s)
    });
}

/// Finds the analysis a literate function names: by `outcome` (a protocol outcome: its first
/// analysis in the comparison) or `analysis` (an analysis id), in `comparison` when given.
fn find<'a>(results: &'a Results, kwargs: &Kwargs) -> tera::TeraResult<&'a OutcomeResults> {
    let outcome: Option<&str> = kwargs.get("outcome")?;
    let analysis: Option<&str> = kwargs.get("analysis")?;
    let comparison: Option<&str> = kwargs.get("comparison")?;
    let (key, wanted) = match (analysis, outcome) {
        (Some(a), _) => ("analysis", a),
        (None, Some(o)) => ("outcome", o),
        (None, None) => {
            return Err(tera::Error::message(
                "name the outcome (outcome=\"...\") or the analysis (analysis=\"...\")",
            ));
        }
    };
    let mut matches = results.outcomes().filter(|(c, r)| {
        (if key == "analysis" { &r.id } else { &r.outcome }) == wanted
            && comparison.is_none_or(|id| c.id == id)
    });
    let Some((first_comparison, found)) = matches.next() else {
        return Err(tera::Error::message(format!(
            "no analysed {key} `{wanted}`{}",
            comparison
                .map(|c| format!(" in comparison `{c}`"))
                .unwrap_or_default()
        )));
    };
    // Several analyses of one outcome in a comparison are its time points, measures, subgroup
    // or sensitivity analyses: the first is meant. Analyses in several comparisons are not.
    if comparison.is_none() && matches.any(|(c, _)| c.id != first_comparison.id) {
        return Err(tera::Error::message(format!(
            "{key} `{wanted}` is analysed in several comparisons: name one with comparison=\"...\""
        )));
    }
    Ok(found)
}

fn register_functions(tera: &mut Tera, results: Arc<Results>) {
    let r = Arc::clone(&results);
    tera.register_function(
        "effect",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            Ok(crate::format::effect_in_text(find(&r, &kwargs)?))
        },
    );
    let r = Arc::clone(&results);
    tera.register_function(
        "studies",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<i64> {
            Ok(find(&r, &kwargs)?.studies as i64)
        },
    );
    let r = Arc::clone(&results);
    tera.register_function(
        "estimable_studies",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<i64> {
            Ok(find(&r, &kwargs)?.estimable_studies as i64)
        },
    );
    let r = Arc::clone(&results);
    tera.register_function(
        "participants",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<i64> {
            Ok(find(&r, &kwargs)?.participants as i64)
        },
    );
    tera.register_function(
        "certainty",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let result = find(&results, &kwargs)?;
            Ok(result.certainty.map_or_else(
                || "certainty not assessed".into(),
                |c| format!("{}-certainty evidence", c.words()),
            ))
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    // Tera's checks across an override (unknown filters, functions, templates) come as text
    // reports; each becomes a place in the override and a sentence, none a "templates/.md".
    #[test]
    fn teras_reports_become_places_and_sentences() {
        let overrides = BTreeMap::from([(
            "review.md".to_string(),
            "# {{ review.title }}\n\n{{ 3 | nofilter }}\n{% include \"nosuch.md\" %}\n".to_string(),
        )]);
        let Err(e) = Templates::new(
            &SiteTemplates::default(),
            &overrides,
            Arc::new(Results::default()),
        ) else {
            panic!("the override is broken");
        };
        assert_eq!((e.template.as_str(), e.line, e.column), ("review.md", 3, 8));
        assert!(
            e.message.starts_with("Unknown filter `nofilter`"),
            "{}",
            e.message
        );
        assert!(
            e.message
                .contains("(and review.md:4:12: Unknown template `nosuch.md`)"),
            "{}",
            e.message
        );
        assert!(!e.message.contains('\n'), "{}", e.message);
    }
}
