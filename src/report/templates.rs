//! Tera templates: the built-in defaults embedded in the binary, a review's own overrides, and
//! the functions and filters that literate prose may call.
//!
//! Two engines: Markdown templates escape every printed value for Markdown; HTML templates
//! escape for HTML. Data reach templates only as values, never as template code: only prose
//! fields are rendered as templates.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tera::{Kwargs, State, Tera};

use super::escape;
use crate::budget;
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::english;
use crate::format::effect_phrase;
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
        "changes.md",
        include_str!("../../templates/changes.md.tera"),
    ),
    ("page.html", include_str!("../../templates/page.html.tera")),
    (
        "index.html",
        include_str!("../../templates/index.html.tera"),
    ),
];

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

/// A template problem as a diagnostic in the file it came from.
pub fn template_diagnostic(review: &Review, e: &TemplateError) -> Diagnostic {
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

/// The template engines for one review. The Markdown engine is shared with the thread that
/// renders prose under its budget.
pub struct Templates {
    markdown: Arc<Tera>,
    html: Tera,
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
    /// Loads the built-in templates, replaced file by file by `overrides` (name -> source),
    /// with the literate functions bound to this review's results.
    pub fn new(
        overrides: &BTreeMap<String, String>,
        results: Arc<Results>,
    ) -> Result<Self, TemplateError> {
        let mut markdown = Tera::new();
        markdown.set_escape_fn(escape::markdown_escape_fn);
        markdown.autoescape_on([".md"]);
        register_filters(&mut markdown);
        register_functions(&mut markdown, results);
        let mut html = Tera::new();
        html.autoescape_on([".html"]);
        register_filters(&mut html);
        // Added together, so that templates may include one another in any order.
        for (engine, suffix) in [(&mut markdown, ".md"), (&mut html, ".html")] {
            let sources = BUILTIN
                .iter()
                .filter(|(name, _)| name.ends_with(suffix))
                .map(|(name, builtin)| {
                    (
                        *name,
                        overrides.get(*name).map(String::as_str).unwrap_or(builtin),
                    )
                });
            engine
                .add_raw_templates(sources)
                .map_err(|e| TemplateError::from_tera(suffix, &e))?;
        }
        Ok(Templates {
            markdown: Arc::new(markdown),
            html,
        })
    }

    /// Renders a template by name with a context.
    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String, TemplateError> {
        let engine = if name.ends_with(".md") {
            &self.markdown
        } else {
            &self.html
        };
        engine
            .render(name, context)
            .map_err(|e| TemplateError::from_tera(name, &e))
    }

    /// Renders the authors' prose fields (Markdown that may call the literate functions),
    /// in order. Values they print are escaped for Markdown; the authors' own Markdown is
    /// kept. A text without template syntax is returned as it is; the others are rendered
    /// under [`PROSE_LIMITS`] on a thread of their own, and a field that goes over them stops
    /// the rendering ([`budget::Stopped`] names it).
    pub fn render_prose<'t>(
        &self,
        texts: &[&'t str],
        context: tera::Context,
    ) -> Result<Vec<RenderedProse<'t>>, budget::Stopped> {
        let templated: Vec<usize> = (0..texts.len())
            .filter(|&i| ["{{", "{%", "{#"].iter().any(|s| texts[i].contains(s)))
            .collect();
        let jobs: Vec<String> = templated.iter().map(|&i| texts[i].to_string()).collect();
        let engine = Arc::clone(&self.markdown);
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
            other => other,
        })?;
        let mut out: Vec<RenderedProse<'t>> = texts.iter().map(|t| Ok(Cow::Borrowed(*t))).collect();
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

fn register_filters(tera: &mut Tera) {
    tera.register_filter("words", |n: i64, _: Kwargs, _: &State| {
        english::words(n.max(0) as u64)
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

/// Finds the analysed outcome a literate function names.
fn find<'a>(results: &'a Results, kwargs: &Kwargs) -> tera::TeraResult<&'a OutcomeResults> {
    let outcome: &str = kwargs.must_get("outcome")?;
    let comparison: Option<&str> = kwargs.get("comparison")?;
    let mut matches = results
        .outcomes()
        .filter(|(c, r)| r.outcome == outcome && comparison.is_none_or(|id| c.id == id))
        .map(|(_, r)| r);
    let found = matches.next().ok_or_else(|| {
        tera::Error::message(format!(
            "no analysed outcome `{outcome}`{}",
            comparison
                .map(|c| format!(" in comparison `{c}`"))
                .unwrap_or_default()
        ))
    })?;
    if comparison.is_none() && matches.next().is_some() {
        return Err(tera::Error::message(format!(
            "outcome `{outcome}` is analysed in several comparisons: name one with comparison=\"...\""
        )));
    }
    Ok(found)
}

fn register_functions(tera: &mut Tera, results: Arc<Results>) {
    let r = Arc::clone(&results);
    tera.register_function(
        "effect",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let result = find(&r, &kwargs)?;
            Ok(match &result.pooled {
                Some(p) => effect_phrase(result.measure.label(), p),
                None => "not estimable".to_string(),
            })
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
        "participants",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<i64> {
            Ok(find(&r, &kwargs)?.participants as i64)
        },
    );
    tera.register_function(
        "certainty",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let result = find(&results, &kwargs)?;
            Ok(result
                .certainty
                .map(|c| format!("{}-certainty evidence", c.words()))
                .unwrap_or_else(|| "certainty not assessed".into()))
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
        let Err(e) = Templates::new(&overrides, Arc::new(Results::default())) else {
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
