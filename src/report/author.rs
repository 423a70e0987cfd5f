//! The author view (author.html): what the authors need beside the published page — the
//! review's warnings as `check` prints them, the generated abstract beside the authors' own,
//! the plain language summary, and links to the GRADE assistant's pages. Written with every
//! build; the page links to it only when review.yaml asks (`author_view: linked`).

use serde::Serialize;

use super::markdown;
use super::view::ReviewContext;
use crate::diagnostic::Diagnostic;
use crate::model::Review;
use crate::model::text::keys;

/// What author.html shows.
#[derive(Debug, Clone, Serialize, Default)]
pub struct AuthorView {
    /// The review's warnings as `check` prints them, file paths relative to the review folder
    /// (so that the page does not depend on where the build was run from).
    pub warnings: Vec<String>,
    /// The generated abstract, as HTML.
    pub abstract_html: String,
    /// The authors' own abstract (`authors_abstract`), as HTML, or empty.
    pub authors_abstract_html: String,
    /// The authors' plain language summary, as HTML, or empty.
    pub plain_language_summary_html: String,
    /// Links to further pages for the authors (the GRADE assistant's evidence profile), each
    /// only when the page is written.
    pub links: Vec<LinkView>,
}

/// A link of the author view.
#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    /// Relative address ("evidence-profile.html").
    pub href: String,
    /// What it shows.
    pub title: String,
}

/// What the author view takes from the review's context, as Markdown: taken before the
/// context's views are dropped, which the rendering does as soon as Tera has its copy.
#[derive(Debug, Clone)]
pub struct AuthorText {
    /// The authors' own abstract, its parts under `###` headings, or empty.
    authors_abstract: String,
    /// The authors' plain language summary, or empty.
    plain_language_summary: String,
}

impl AuthorText {
    /// The author view's text from the review's context.
    pub fn of(context: &ReviewContext) -> AuthorText {
        let authors_abstract = context
            .text
            .authors_abstract
            .as_ref()
            .map(|parts| {
                keys::ABSTRACT
                    .iter()
                    .filter_map(|(key, heading)| {
                        let text = parts.get(key)?;
                        (!text.is_empty()).then(|| format!("### {heading}\n\n{text}"))
                    })
                    .collect::<Vec<_>>()
                    .join("\n\n")
            })
            .unwrap_or_default();
        AuthorText {
            authors_abstract,
            plain_language_summary: context
                .prose
                .get("plain_language_summary")
                .cloned()
                .unwrap_or_default(),
        }
    }
}

/// The author view of a review from its text, warnings and rendered abstract. `files` are
/// the names of the review's other output files, for the links.
pub fn author_view(
    review: &Review,
    text: &AuthorText,
    warnings: &[Diagnostic],
    abstract_md: &str,
    files: &[&str],
) -> AuthorView {
    // Paths relative to the review folder: the page is published, and the same sources built
    // from another folder give the same bytes (messages name no folder of their own).
    let warnings = warnings
        .iter()
        .map(|d| {
            let mut d = d.clone();
            if let Ok(relative) = d.file.strip_prefix(&review.dir) {
                d.file = relative.to_path_buf();
            }
            d.to_string()
        })
        .collect();
    // The abstract without its title, which the author view's own heading gives, its
    // headings one level down, under the column's.
    let body = abstract_md
        .split_once('\n')
        .filter(|(first, _)| first.starts_with("# "))
        .map_or(abstract_md, |(_, rest)| rest);
    let body: String = body
        .lines()
        .map(|line| {
            if line.starts_with("## ") {
                format!("#{line}\n")
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    let html = |md: &str| {
        if md.trim().is_empty() {
            String::new()
        } else {
            markdown::to_html_with_contents(md, review.protocol.raw_html).0
        }
    };
    let links = [(
        "evidence-profile.html",
        "GRADE evidence profile (the GRADE assistant's suggestions)",
    )]
    .into_iter()
    .filter(|(href, _)| files.contains(href))
    .map(|(href, title)| LinkView {
        href: href.to_string(),
        title: title.to_string(),
    })
    .collect();
    AuthorView {
        warnings,
        abstract_html: html(&body),
        authors_abstract_html: html(&text.authors_abstract),
        plain_language_summary_html: html(&text.plain_language_summary),
        links,
    }
}
