//! The authors' text of the whole review as templates see it (`text`): each section of
//! review.yaml given with subsections, and the lists of the end matter, every part rendered
//! prose, absent parts empty. Also the paths by which these prose fields, and those of the
//! outcome model in analyses.yaml (Summary of findings comments and footnotes, certainty
//! footnotes), are rendered and found again.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::english;
use crate::model::text::{Parts, Sectioned, keys};
use crate::model::{Located, Review};

/// A section's parts by key, every key of the section present ("" when not written), and
/// `whole` for a section given as one text.
pub type SectionView = BTreeMap<&'static str, String>;

/// The whole review's text (review.yaml), beside the generated sections.
#[derive(Debug, Clone, Serialize, Default)]
pub struct TextView {
    /// Background by subsection, when given as a mapping (a string is `prose.background`).
    pub background: Option<SectionView>,
    /// The authors' methods.
    pub methods: Option<MethodsView>,
    /// The authors' results.
    pub results: Option<ResultsView>,
    /// Discussion by subsection, when given as a mapping (a string is `prose.discussion`).
    pub discussion: Option<SectionView>,
    /// Sources of support.
    pub sources_of_support: Option<SupportView>,
    /// Appendices.
    pub appendices: Vec<TitledView>,
    /// Additional tables.
    pub additional_tables: Vec<TableView>,
    /// History.
    pub history: Vec<DatedView>,
    /// The authors' What's new.
    pub whats_new: Vec<DatedView>,
    /// Feedback.
    pub feedback: Vec<TitledView>,
    /// The authors' own abstract by part, when given.
    pub authors_abstract: Option<SectionView>,
    /// Whether the published page links to the author view (`author_view: linked`).
    pub author_view_linked: bool,
    /// Whether the published page links to the evidence profile (`evidence_profile: linked`).
    pub evidence_profile_linked: bool,
}

/// The authors' methods.
#[derive(Debug, Clone, Serialize)]
pub struct MethodsView {
    /// The whole section, when given as one text.
    pub whole: String,
    /// Criteria for considering studies.
    pub criteria: Option<SectionView>,
    /// Search methods.
    pub search: Option<SectionView>,
    /// Data collection and analysis.
    pub data_collection: Option<SectionView>,
}

/// The authors' results.
#[derive(Debug, Clone, Serialize)]
pub struct ResultsView {
    /// The whole section, when given as one text.
    pub whole: String,
    /// Results of the search.
    pub search: String,
    /// Included studies.
    pub included: String,
    /// Excluded studies.
    pub excluded: String,
    /// Risk of bias in included studies.
    pub risk_of_bias: Option<SectionView>,
    /// Effects of interventions.
    pub effects: String,
}

/// Sources of support.
#[derive(Debug, Clone, Serialize)]
pub struct SupportView {
    /// Internal sources (Markdown, one line each).
    pub internal: Vec<String>,
    /// External sources (Markdown, one line each).
    pub external: Vec<String>,
}

/// An appendix or a piece of feedback.
#[derive(Debug, Clone, Serialize)]
pub struct TitledView {
    /// 1-based number.
    pub number: usize,
    /// Title.
    pub title: String,
    /// Text (Markdown).
    pub text: String,
}

/// A dated entry.
#[derive(Debug, Clone, Serialize)]
pub struct DatedView {
    /// The date in words ("16 October 2012", "October 2012", "2012").
    pub date: String,
    /// What happened (Markdown, one line).
    pub text: String,
}

/// An additional table.
#[derive(Debug, Clone, Serialize)]
pub struct TableView {
    /// 1-based number.
    pub number: usize,
    /// Title.
    pub title: String,
    /// `summary_of_findings` for a Summary of findings kept as the authors' table, else "".
    pub kind: String,
    /// The table as Markdown, when given as `body`.
    pub body: String,
    /// The header cells of a table read from CSV (plain text).
    pub header: Vec<String>,
    /// The body rows of a table read from CSV (plain text).
    pub rows: Vec<Vec<String>>,
    /// Notes under the table (Markdown).
    pub footnotes: String,
}

/// Every prose field of the whole review's text and of the outcome model, with its file and
/// its path (the name messages use, and the key [`text_view`] finds it by).
pub fn prose_paths<'a>(review: &'a Review) -> Vec<(&'static str, String, &'a Located<String>)> {
    let t = &review.protocol.text;
    let mut out: Vec<(&'static str, String, &'a Located<String>)> = Vec::new();
    let mut push = |path: String, text: &'a Located<String>| out.push(("review.yaml", path, text));
    for (key, text) in &t.background {
        push(format!("background.{key}"), text);
    }
    if let Some(w) = &t.methods.whole {
        push("methods".into(), w);
    }
    for (name, s) in [
        ("criteria", &t.methods.criteria),
        ("search", &t.methods.search),
        ("data_collection", &t.methods.data_collection),
    ] {
        sectioned(&format!("methods.{name}"), s, &mut push);
    }
    let r = &t.results;
    for (name, text) in [
        ("results", &r.whole),
        ("results.search", &r.search),
        ("results.included", &r.included),
        ("results.excluded", &r.excluded),
        ("results.effects", &r.effects),
    ] {
        if let Some(text) = text {
            push(name.into(), text);
        }
    }
    sectioned("results.risk_of_bias", &r.risk_of_bias, &mut push);
    for (key, text) in &t.discussion {
        push(format!("discussion.{key}"), text);
    }
    for (name, list) in [
        ("internal", &t.sources_of_support.internal),
        ("external", &t.sources_of_support.external),
    ] {
        for (i, text) in list.iter().enumerate() {
            push(format!("sources_of_support.{name}[{i}]"), text);
        }
    }
    for (i, a) in t.appendices.iter().enumerate() {
        push(format!("appendices[{i}].body"), &a.text);
    }
    for (i, table) in t.additional_tables.iter().enumerate() {
        if let Some(body) = &table.body {
            push(format!("additional_tables[{i}].body"), body);
        }
        if let Some(notes) = &table.footnotes {
            push(format!("additional_tables[{i}].footnotes"), notes);
        }
    }
    for (name, list) in [("history", &t.history), ("whats_new", &t.whats_new)] {
        for (i, entry) in list.iter().enumerate() {
            push(format!("{name}[{i}].text"), &entry.text);
        }
    }
    for (i, f) in t.feedback.iter().enumerate() {
        push(format!("feedback[{i}].text"), &f.text);
    }
    for (key, text) in &t.authors_abstract {
        push(format!("authors_abstract.{key}"), text);
    }
    for c in &review.comparisons {
        if let Some(sof) = &c.summary_of_findings {
            for (i, row) in sof.rows.iter().enumerate() {
                if let Some(text) = &row.comments {
                    out.push(("analyses.yaml", sof_comments_path(&c.id, i), text));
                }
            }
            for (key, text) in &sof.footnotes {
                out.push(("analyses.yaml", sof_footnote_path(&c.id, key), text));
            }
        }
        for o in &c.outcomes {
            for (i, text) in o.certainty.iter().flat_map(|c| &c.footnotes).enumerate() {
                out.push((
                    "analyses.yaml",
                    certainty_footnote_path(&c.id, &o.id, i),
                    text,
                ));
            }
        }
    }
    out
}

/// The path of a Summary of findings row's comments.
pub fn sof_comments_path(comparison: &str, row: usize) -> String {
    format!("summary_of_findings.outcomes[{row}].comments of comparison `{comparison}`")
}

/// The path of a Summary of findings footnote.
pub fn sof_footnote_path(comparison: &str, key: &str) -> String {
    format!("summary_of_findings.footnotes.{key} of comparison `{comparison}`")
}

/// The path of an analysis's certainty footnote.
pub fn certainty_footnote_path(comparison: &str, outcome: &str, i: usize) -> String {
    format!("certainty.footnotes[{i}] of comparison `{comparison}`, outcome `{outcome}`")
}

fn sectioned<'a>(path: &str, s: &'a Sectioned, push: &mut impl FnMut(String, &'a Located<String>)) {
    if let Some(w) = &s.whole {
        push(path.to_string(), w);
    }
    for (key, text) in &s.parts {
        push(format!("{path}.{key}"), text);
    }
}

/// The view of one section: every key of `known` (and `whole`), the rendered text or "".
fn section_view(
    path: &str,
    whole: bool,
    given: bool,
    known: &[(&'static str, &str)],
    prose: &HashMap<&str, &str>,
) -> Option<SectionView> {
    if !given {
        return None;
    }
    let get = |p: String| {
        prose
            .get(p.as_str())
            .map(std::string::ToString::to_string)
            .unwrap_or_default()
    };
    let mut view: SectionView = known
        .iter()
        .map(|(key, _)| (*key, get(format!("{path}.{key}"))))
        .collect();
    view.insert(
        "whole",
        if whole {
            get(path.to_string())
        } else {
            String::new()
        },
    );
    Some(view)
}

fn parts_view(
    path: &str,
    parts: &Parts,
    known: &[(&'static str, &str)],
    prose: &HashMap<&str, &str>,
) -> Option<SectionView> {
    section_view(path, false, !parts.is_empty(), known, prose)
}

fn sectioned_view(
    path: &str,
    s: &Sectioned,
    known: &[(&'static str, &str)],
    prose: &HashMap<&str, &str>,
) -> Option<SectionView> {
    section_view(path, true, !s.is_empty(), known, prose)
}

/// A date as it reads: "16 October 2012", "October 2012", "2012".
fn date_in_words(date: &str) -> String {
    match date.split('-').collect::<Vec<_>>().as_slice() {
        [y, m] => {
            let full = english::long_date(&format!("{y}-{m}-01"));
            full.split_once(' ')
                .map_or(full.clone(), |(_, rest)| rest.to_string())
        }
        _ => english::long_date(date),
    }
}

/// The `text` view from the review and its rendered prose (by path).
pub fn text_view(review: &Review, prose: &HashMap<&str, &str>) -> TextView {
    let t = &review.protocol.text;
    let get = |p: &str| {
        prose
            .get(p)
            .map(std::string::ToString::to_string)
            .unwrap_or_default()
    };
    let m = &t.methods;
    let r = &t.results;
    TextView {
        background: parts_view("background", &t.background, keys::BACKGROUND, prose),
        methods: (!m.is_empty()).then(|| MethodsView {
            whole: get("methods"),
            criteria: sectioned_view("methods.criteria", &m.criteria, keys::CRITERIA, prose),
            search: sectioned_view("methods.search", &m.search, keys::SEARCH, prose),
            data_collection: sectioned_view(
                "methods.data_collection",
                &m.data_collection,
                keys::DATA_COLLECTION,
                prose,
            ),
        }),
        results: (r.whole.is_some()
            || r.search.is_some()
            || r.included.is_some()
            || r.excluded.is_some()
            || r.effects.is_some()
            || !r.risk_of_bias.is_empty())
        .then(|| ResultsView {
            whole: get("results"),
            search: get("results.search"),
            included: get("results.included"),
            excluded: get("results.excluded"),
            risk_of_bias: sectioned_view(
                "results.risk_of_bias",
                &r.risk_of_bias,
                keys::RISK_OF_BIAS,
                prose,
            ),
            effects: get("results.effects"),
        }),
        discussion: parts_view("discussion", &t.discussion, keys::DISCUSSION, prose),
        sources_of_support: {
            let s = &t.sources_of_support;
            let list = |name: &str, n: usize| {
                (0..n)
                    .map(|i| get(&format!("sources_of_support.{name}[{i}]")))
                    .collect::<Vec<_>>()
            };
            let list = |name: &str, n: usize| {
                list(name, n)
                    .iter()
                    .map(|t| super::context::one_line(t))
                    .collect::<Vec<_>>()
            };
            (!s.internal.is_empty() || !s.external.is_empty()).then(|| SupportView {
                internal: list("internal", s.internal.len()),
                external: list("external", s.external.len()),
            })
        },
        appendices: t
            .appendices
            .iter()
            .enumerate()
            .map(|(i, a)| TitledView {
                number: i + 1,
                title: a.title.clone(),
                text: get(&format!("appendices[{i}].body")),
            })
            .collect(),
        additional_tables: t
            .additional_tables
            .iter()
            .enumerate()
            .map(|(i, table)| {
                let (header, rows) = match &table.data {
                    Some(cells) => match cells.split_first() {
                        Some((h, rest)) => (h.clone(), rest.to_vec()),
                        None => (Vec::new(), Vec::new()),
                    },
                    None => (Vec::new(), Vec::new()),
                };
                TableView {
                    number: i + 1,
                    title: table.title.clone(),
                    kind: table.kind.clone().unwrap_or_default(),
                    body: get(&format!("additional_tables[{i}].body")),
                    header,
                    rows,
                    footnotes: get(&format!("additional_tables[{i}].footnotes")),
                }
            })
            .collect(),
        history: dated(&t.history, "history", &get),
        whats_new: dated(&t.whats_new, "whats_new", &get),
        feedback: t
            .feedback
            .iter()
            .enumerate()
            .map(|(i, f)| TitledView {
                number: i + 1,
                title: f.title.clone(),
                text: get(&format!("feedback[{i}].text")),
            })
            .collect(),
        authors_abstract: parts_view(
            "authors_abstract",
            &t.authors_abstract,
            keys::ABSTRACT,
            prose,
        ),
        author_view_linked: t.author_view == crate::model::text::AuthorView::Linked,
        evidence_profile_linked: review.protocol.grade.evidence_profile
            == crate::model::text::AuthorView::Linked,
    }
}

fn dated(
    list: &[crate::model::text::Dated],
    name: &str,
    get: &impl Fn(&str) -> String,
) -> Vec<DatedView> {
    list.iter()
        .enumerate()
        .map(|(i, e)| DatedView {
            date: date_in_words(&e.date.value),
            // A list item holds one paragraph.
            text: super::context::one_line(&get(&format!("{name}[{i}].text"))),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::date_in_words;

    #[test]
    fn dates_read_as_far_as_they_are_known() {
        assert_eq!(date_in_words("2012-10-16"), "16 October 2012");
        assert_eq!(date_in_words("2012-10"), "October 2012");
        assert_eq!(date_in_words("2012"), "2012");
    }
}
