//! Tera templates: the built-in defaults embedded in the binary, a review's own overrides, and
//! the functions and filters that literate prose may call.
//!
//! Two engines: Markdown templates escape every printed value for Markdown; HTML templates
//! escape for HTML. Data reach templates only as values, never as template code: only prose
//! fields are rendered as templates.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tera::{Kwargs, State, Tera};

use super::escape;
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
    fn from_tera(template: &str, e: &tera::Error) -> Self {
        match e.kind() {
            tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => TemplateError {
                template: if r.filename().is_empty() {
                    template.to_string()
                } else {
                    r.filename().to_string()
                },
                line: r.span().start_line,
                column: r.span().start_col + 1,
                message: r.message().to_string(),
            },
            other => TemplateError {
                template: template.to_string(),
                line: 0,
                column: 0,
                message: other.to_string(),
            },
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

/// The template engines for one review.
pub struct Templates {
    markdown: Tera,
    html: Tera,
}

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
        Ok(Templates { markdown, html })
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

    /// Renders an author's prose field (Markdown that may call the literate functions). Values
    /// it prints are escaped for Markdown; the author's own Markdown is kept. `field` names the
    /// field for an error; it is only called then (large reviews have thousands of fields).
    pub fn render_prose(
        &self,
        field: impl FnOnce() -> String,
        text: &str,
        context: &tera::Context,
    ) -> Result<String, TemplateError> {
        if !text.contains("{{") && !text.contains("{%") && !text.contains("{#") {
            return Ok(text.to_string());
        }
        self.markdown
            .render_str(text, context, true)
            .map_err(|e| TemplateError::from_tera(&field(), &e))
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
