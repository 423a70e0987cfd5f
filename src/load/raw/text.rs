//! review.yaml's sections of the whole review as written: a section is a string (the whole
//! section) or a mapping of its subsections; the end matter, appendices, additional tables,
//! history, What's new, feedback and the authors' abstract. Shapes only: dates and table files
//! are checked in `load::text`.

use super::{Fields, Reader};
use crate::load::yaml::{Node, Value};
use crate::model::Located;
use crate::model::text::{
    AdditionalTable, AuthorView, Dated, FullText, Methods, Parts, ResultsText, Sectioned, Support,
    Titled, keys,
};

/// An additional table as written: Markdown, or a CSV file still to be read.
#[derive(Debug, Clone)]
pub(crate) struct RawTable {
    pub table: AdditionalTable,
    pub data: Option<Located<String>>,
    pub at: crate::model::Location,
}

/// The fields of review.yaml that this module reads, besides `background` and `discussion`
/// (which protocol() reads with [`whole_or_parts`]).
pub(crate) const FIELDS: &[&str] = &[
    "methods",
    "results",
    "acknowledgements",
    "contributions",
    "declarations_of_interest",
    "sources_of_support",
    "differences_from_protocol",
    "appendices",
    "additional_tables",
    "history",
    "whats_new",
    "feedback",
    "authors_abstract",
    "author_view",
];

/// A field that is a string (the whole section) or a mapping of the subsections `known`.
pub(crate) fn whole_or_parts(
    r: &mut Reader,
    f: &mut Fields,
    field: &str,
    known: &[(&'static str, &str)],
) -> (Option<Located<String>>, Parts) {
    match f.take(field) {
        None => (None, Parts::new()),
        Some(node) => {
            let s = sectioned(r, field, node, known);
            (s.whole, s.parts)
        }
    }
}

/// A string, or a mapping of the subsections `known`, each a string.
fn sectioned(r: &mut Reader, field: &str, node: Node, known: &[(&'static str, &str)]) -> Sectioned {
    if !matches!(node.value, Value::Map(_)) {
        return Sectioned {
            whole: r.text(field, node),
            parts: Parts::new(),
        };
    }
    let names: Vec<&str> = known.iter().map(|(k, _)| *k).collect();
    let Some(mut f) = r.fields_of(field, node, &names) else {
        return Sectioned::default();
    };
    let mut parts = Parts::new();
    for &(key, _) in known {
        if let Some(text) = f.optional(r, key, Reader::text) {
            parts.push((key, text));
        }
    }
    Sectioned { whole: None, parts }
}

/// Reads this module's fields of review.yaml from `f`.
pub(crate) fn full_text(r: &mut Reader, f: &mut Fields) -> (FullText, Vec<RawTable>) {
    let mut text = FullText {
        methods: f.optional(r, "methods", methods).unwrap_or_default(),
        results: f.optional(r, "results", results).unwrap_or_default(),
        acknowledgements: f.optional(r, "acknowledgements", Reader::text),
        contributions: f.optional(r, "contributions", Reader::text),
        declarations_of_interest: f.optional(r, "declarations_of_interest", Reader::text),
        sources_of_support: f
            .optional(r, "sources_of_support", support)
            .unwrap_or_default(),
        differences_from_protocol: f.optional(r, "differences_from_protocol", Reader::text),
        appendices: f
            .take("appendices")
            .map(|n| r.list("appendices", n, |r, n| titled(r, n, "body")))
            .unwrap_or_default(),
        history: f
            .take("history")
            .map(|n| r.list("history", n, dated))
            .unwrap_or_default(),
        whats_new: f
            .take("whats_new")
            .map(|n| r.list("whats_new", n, dated))
            .unwrap_or_default(),
        feedback: f
            .take("feedback")
            .map(|n| r.list("feedback", n, |r, n| titled(r, n, "text")))
            .unwrap_or_default(),
        ..FullText::default()
    };
    if let Some(node) = f.take("authors_abstract") {
        text.authors_abstract = sectioned_only(r, "authors_abstract", node, keys::ABSTRACT);
    }
    text.author_view = f
        .optional(r, "author_view", |r, field, n| {
            r.choice(
                field,
                n,
                &[
                    ("unlinked", AuthorView::Unlinked),
                    ("linked", AuthorView::Linked),
                ],
            )
        })
        .map_or(AuthorView::Unlinked, |v| v.value);
    let tables = f
        .take("additional_tables")
        .map(|n| r.list("additional_tables", n, table))
        .unwrap_or_default();
    (text, tables)
}

/// A mapping of the subsections `known` (no whole form).
fn sectioned_only(
    r: &mut Reader,
    field: &str,
    node: Node,
    known: &[(&'static str, &str)],
) -> Parts {
    let names: Vec<&str> = known.iter().map(|(k, _)| *k).collect();
    let Some(mut f) = r.fields_of(field, node, &names) else {
        return Parts::new();
    };
    let mut parts = Parts::new();
    for &(key, _) in known {
        if let Some(text) = f.optional(r, key, Reader::text) {
            parts.push((key, text));
        }
    }
    parts
}

fn methods(r: &mut Reader, field: &str, node: Node) -> Option<Methods> {
    if !matches!(node.value, Value::Map(_)) {
        return Some(Methods {
            whole: r.text(field, node),
            ..Methods::default()
        });
    }
    let names: Vec<&str> = keys::METHODS.iter().map(|(k, _)| *k).collect();
    let mut f = r.fields_of(field, node, &names)?;
    let mut part = |r: &mut Reader, name: &str, known: &[(&'static str, &str)]| {
        f.take(name)
            .map(|n| sectioned(r, name, n, known))
            .unwrap_or_default()
    };
    Some(Methods {
        whole: None,
        criteria: part(r, "criteria", keys::CRITERIA),
        search: part(r, "search", keys::SEARCH),
        data_collection: part(r, "data_collection", keys::DATA_COLLECTION),
    })
}

fn results(r: &mut Reader, field: &str, node: Node) -> Option<ResultsText> {
    if !matches!(node.value, Value::Map(_)) {
        return Some(ResultsText {
            whole: r.text(field, node),
            ..ResultsText::default()
        });
    }
    let names: Vec<&str> = keys::RESULTS.iter().map(|(k, _)| *k).collect();
    let mut f = r.fields_of(field, node, &names)?;
    Some(ResultsText {
        whole: None,
        search: f.optional(r, "search", Reader::text),
        included: f.optional(r, "included", Reader::text),
        excluded: f.optional(r, "excluded", Reader::text),
        risk_of_bias: f
            .take("risk_of_bias")
            .map(|n| sectioned(r, "risk_of_bias", n, keys::RISK_OF_BIAS))
            .unwrap_or_default(),
        effects: f.optional(r, "effects", Reader::text),
    })
}

fn support(r: &mut Reader, field: &str, node: Node) -> Option<Support> {
    let mut f = r.fields_of(field, node, &["internal", "external"])?;
    let mut list = |r: &mut Reader, name: &str| {
        f.take(name)
            .map(|n| r.list(name, n, |r, n| r.text(name, n)))
            .unwrap_or_default()
    };
    Some(Support {
        internal: list(r, "internal"),
        external: list(r, "external"),
    })
}

/// `{title, <text_field>}`: an appendix (`body`) or a piece of feedback (`text`).
fn titled(r: &mut Reader, node: Node, text_field: &str) -> Option<Titled> {
    let mut f = r.item_fields(node, &["title", text_field])?;
    let title = f.required(r, "title").and_then(|n| r.text("title", n));
    let text = f
        .required(r, text_field)
        .and_then(|n| r.text(text_field, n));
    r.whole_item(|| {
        Some(Titled {
            title: title?.value,
            text: text?,
        })
    })
}

fn dated(r: &mut Reader, node: Node) -> Option<Dated> {
    let mut f = r.item_fields(node, &["date", "text"])?;
    let date = f.required(r, "date").and_then(|n| r.text("date", n));
    let text = f.required(r, "text").and_then(|n| r.text("text", n));
    r.whole_item(|| {
        Some(Dated {
            date: date?,
            text: text?,
        })
    })
}

fn table(r: &mut Reader, node: Node) -> Option<RawTable> {
    let at = node.at;
    let mut f = r.item_fields(node, &["title", "kind", "body", "data", "footnotes"])?;
    let title = f.required(r, "title").and_then(|n| r.text("title", n));
    let kind = f.optional(r, "kind", |r, field, n| {
        r.choice(field, n, &[("summary_of_findings", "summary_of_findings")])
    });
    let body = f.optional(r, "body", Reader::text);
    let data = f.optional(r, "data", Reader::text);
    let footnotes = f.optional(r, "footnotes", Reader::text);
    r.whole_item(|| {
        Some(RawTable {
            table: AdditionalTable {
                title: title?.value,
                kind: kind.map(|k| k.value.to_string()),
                body,
                data: None,
                footnotes,
            },
            data,
            at,
        })
    })
}
