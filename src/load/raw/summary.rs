//! analyses.yaml's outcome model as written: an analysis's `role` and `sensitivity_of`, and a
//! comparison's `summary_of_findings`. Shapes only: the ids are resolved in `load::summary`.

use super::{Fields, Reader};
use crate::load::yaml::Node;
use crate::model::{Located, Location, Role};

/// A Summary of findings as written.
#[derive(Debug, Clone)]
pub(crate) struct SofSpec {
    pub at: Location,
    pub population: Option<String>,
    pub setting: Option<String>,
    pub intervention: Option<String>,
    pub comparison: Option<String>,
    pub outcomes: Vec<SofRowSpec>,
    pub footnotes: Vec<(Located<String>, Located<String>)>,
}

/// A Summary of findings row as written: an analysis or a protocol outcome.
#[derive(Debug, Clone)]
pub(crate) struct SofRowSpec {
    pub at: Location,
    pub analysis: Option<Located<String>>,
    pub outcome: Option<Located<String>>,
    pub label: Option<String>,
    pub comments: Option<Located<String>>,
}

/// `role` and `sensitivity_of` of an analysis.
pub(crate) fn role(
    r: &mut Reader,
    f: &mut Fields,
) -> (Option<Located<Role>>, Option<Located<String>>) {
    let role = f.optional(r, "role", |r, field, n| {
        r.choice(
            field,
            n,
            &[
                ("main", Role::Main),
                ("subgroup", Role::Subgroup),
                ("sensitivity", Role::Sensitivity),
            ],
        )
    });
    let of = f.optional(r, "sensitivity_of", Reader::text);
    (role, of)
}

/// A comparison's `summary_of_findings`.
pub(crate) fn summary_of_findings(r: &mut Reader, field: &str, node: Node) -> Option<SofSpec> {
    let at = node.at;
    let mut f = r.fields_of(
        field,
        node,
        &[
            "population",
            "setting",
            "intervention",
            "comparison",
            "outcomes",
            "footnotes",
        ],
    )?;
    let population = f.optional_text(r, "population");
    let setting = f.optional_text(r, "setting");
    let intervention = f.optional_text(r, "intervention");
    let comparison = f.optional_text(r, "comparison");
    let outcomes = f
        .take("outcomes")
        .map(|n| r.list("outcomes", n, row))
        .unwrap_or_default();
    let mut footnotes = Vec::new();
    if let Some(node) = f.take("footnotes") {
        for (key, value) in r.entries("footnotes", node) {
            if let Some(text) = r.text(&key.value, value) {
                footnotes.push((key, text));
            }
        }
    }
    Some(SofSpec {
        at,
        population,
        setting,
        intervention,
        comparison,
        outcomes,
        footnotes,
    })
}

fn row(r: &mut Reader, node: Node) -> Option<SofRowSpec> {
    let at = node.at;
    let mut f = r.item_fields(node, &["analysis", "outcome", "label", "comments"])?;
    Some(SofRowSpec {
        at,
        analysis: f.optional(r, "analysis", Reader::text),
        outcome: f.optional(r, "outcome", Reader::text),
        label: f.optional_text(r, "label"),
        comments: f.optional(r, "comments", Reader::text),
    })
}
