//! The analyses of a .rm5 file: comparisons, outcomes of every kind with every setting and
//! stored result, subgroups and data rows. Each row's values are checked here, once: a count
//! that is missing, not a number, negative, fractional or out of range makes the row not
//! analysable, with the reason.

use std::collections::{BTreeMap, HashMap};

use super::reader::Reader;
use super::unescape_id;
use crate::import::document::{Comparison, DataRow, Document, Group, Outcome, Stored, Totals};
use crate::import::xml::{self, Node};
use crate::import::{parse_row, row_problem};
use crate::model::DataType;

/// Outcome attributes that are settings; every other numeric attribute is a stored result.
const SETTINGS: &[&str] = &[
    "ID",
    "NO",
    "EFFECT_MEASURE",
    "METHOD",
    "RANDOM",
    "LOG_DATA",
    "TOTALS",
    "SUBGROUP_TEST",
    "SWAP_EVENTS",
    "CI_STUDY",
    "CI_TOTAL",
    "SORT_BY",
    "SCALE",
    "UNITS",
    "SHOW_PARTICIPANTS",
    "SUBGROUPS",
];

/// Display settings kept as written.
const DISPLAY: &[&str] = &["SORT_BY", "SCALE", "UNITS", "SHOW_PARTICIPANTS"];

/// The attributes that hold a data row's entered values, by row element.
fn entered_attributes(tag: &str) -> Option<&'static [&'static str]> {
    match tag {
        "DICH_DATA" => Some(&["EVENTS_1", "TOTAL_1", "EVENTS_2", "TOTAL_2"]),
        "CONT_DATA" => Some(&["MEAN_1", "SD_1", "TOTAL_1", "MEAN_2", "SD_2", "TOTAL_2"]),
        "IV_DATA" => Some(&["ESTIMATE", "SE", "TOTAL_1", "TOTAL_2"]),
        _ => None,
    }
}

pub(super) fn read(r: &mut Reader, root: Node, out: &mut Document) {
    let Some(all) = r.child(root, "ANALYSES_AND_DATA") else {
        return;
    };
    r.attr(all, "CALCULATED_DATA");
    let names: HashMap<String, String> = out
        .studies
        .included
        .iter()
        .map(|s| (s.revman_id.clone(), s.id.clone()))
        .collect();
    for (i, c) in r.children(all, "COMPARISON").into_iter().enumerate() {
        let comparison = comparison(r, c, i + 1, &names, out);
        out.comparisons.push(comparison);
    }
}

/// A number attribute as Review Manager shows it, kept only when it is not the position.
fn number_unless_position(r: &mut Reader, node: Node, position: usize) -> Option<String> {
    r.attr(node, "NO")
        .map(str::trim)
        .filter(|n| !n.is_empty() && *n != position.to_string())
        .map(String::from)
}

fn comparison(
    r: &mut Reader,
    c: Node,
    position: usize,
    names: &HashMap<String, String>,
    out: &mut Document,
) -> Comparison {
    let mut comparison = Comparison {
        id: r.attr_text(c, "ID"),
        number: number_unless_position(r, c, position),
        name: r.child_plain(c, "NAME"),
        outcomes: Vec::new(),
    };
    let outcomes: Vec<Node> = xml::elements(c)
        .filter(|e| xml::name(*e).ends_with("_OUTCOME"))
        .collect();
    for (i, o) in outcomes.into_iter().enumerate() {
        r.mark(o);
        let label = format!("{position}.{}", i + 1);
        let outcome = outcome(r, o, i + 1, &label, names, out);
        comparison.outcomes.push(outcome);
    }
    for nested in xml::children(c, "COMPARISON") {
        let name = xml::child(nested, "NAME")
            .and_then(|n| n.text())
            .unwrap_or("")
            .trim();
        out.problems.push(format!(
            "Comparison {position}: the comparison \"{name}\" nested in it was not imported."
        ));
    }
    comparison
}

/// The numeric attributes of an element not in `skip`, marked read; YES and NO are 1 and 0.
fn stored(r: &mut Reader, node: Node, skip: &[&str]) -> Stored {
    let names: Vec<&str> = node
        .attributes()
        .map(|a| a.name())
        .filter(|n| !skip.contains(n))
        .collect();
    let mut values = BTreeMap::new();
    for name in names {
        let raw = node.attribute(name).unwrap_or("").trim();
        // Only finite numbers: a stored "NaN" stays unread, and is named as such.
        let value = match raw {
            "YES" => Some(1.0),
            "NO" => Some(0.0),
            _ => raw.parse::<f64>().ok().filter(|v| v.is_finite()),
        };
        if let Some(v) = value {
            r.attr(node, name);
            values.insert(name.to_string(), v);
        }
    }
    Stored(values)
}

fn outcome(
    r: &mut Reader,
    o: Node,
    position: usize,
    number: &str,
    names: &HashMap<String, String>,
    out: &mut Document,
) -> Outcome {
    let kind = xml::name(o).to_string();
    let data_type = match kind.as_str() {
        "DICH_OUTCOME" => Some(DataType::Dichotomous),
        "CONT_OUTCOME" => Some(DataType::Continuous),
        "IV_OUTCOME" => Some(DataType::Generic),
        _ => None,
    };
    let name = r.child_plain(o, "NAME");
    let effect_measure = match r.attr(o, "EFFECT_MEASURE") {
        Some(m) => m.trim().to_string(),
        None => r.child_plain(o, "EFFECT_MEASURE"),
    };
    let labels: Vec<String> = ["GROUP_LABEL_1", "GROUP_LABEL_2"]
        .iter()
        .map(|t| r.child_plain(o, t))
        .collect();
    let graph_labels: Vec<String> = ["GRAPH_LABEL_1", "GRAPH_LABEL_2"]
        .iter()
        .map(|t| r.child_plain(o, t))
        .collect();
    let mut confidence = BTreeMap::new();
    for tag in ["CI_STUDY", "CI_TOTAL"] {
        if let Some(v) = r
            .attr(o, tag)
            .map(str::trim)
            .filter(|v| !v.is_empty() && *v != "95")
        {
            confidence.insert(tag.to_string(), v.to_string());
        }
    }
    let mut display = BTreeMap::new();
    for tag in DISPLAY {
        if let Some(v) = r.attr(o, tag).map(str::trim).filter(|v| !v.is_empty()) {
            display.insert(tag.to_string(), v.to_string());
        }
    }
    // SUBGROUPS says whether there are subgroups, which the elements show.
    r.attr(o, "SUBGROUPS");
    let sub_tag = kind.replace("_OUTCOME", "_SUBGROUP");
    let data_tag = kind.replace("_OUTCOME", "_DATA");
    let subgroups = r.children(o, &sub_tag);
    let has_subgroups = !subgroups.is_empty();
    let mut outcome = Outcome {
        id: r.attr_text(o, "ID"),
        number: number_unless_position(r, o, position),
        name: name.clone(),
        data_type,
        kind: kind.clone(),
        effect_measure,
        method: r.attr_text(o, "METHOD"),
        random: r.attr(o, "RANDOM") == Some("YES"),
        log_data: r.attr(o, "LOG_DATA") == Some("YES"),
        totals: match r.attr(o, "TOTALS").map(str::trim) {
            Some("SUB") => Totals::Subtotals,
            Some("NO") => Totals::None,
            _ => Totals::Overall,
        },
        no_subgroup_test: r.attr(o, "SUBGROUP_TEST") == Some("NO") && has_subgroups,
        swap_events: r.attr(o, "SWAP_EVENTS") == Some("YES"),
        confidence,
        display,
        group_label_1: labels[0].clone(),
        group_label_2: labels[1].clone(),
        graph_label_1: graph_labels[0].clone(),
        graph_label_2: graph_labels[1].clone(),
        stored: stored(r, o, SETTINGS),
        has_subgroups,
        groups: Vec::new(),
        footnotes: Vec::new(),
    };
    if let Some(notes) = r.child(o, "FOOTNOTES") {
        let text = r.markdown(notes);
        if !text.is_empty() {
            outcome.footnotes.push(text);
        }
    }
    let ratio = data_type == Some(DataType::Generic)
        && (outcome.log_data || crate::import::is_ratio_label(&outcome.effect_measure));
    if has_subgroups {
        for (k, s) in subgroups.into_iter().enumerate() {
            let sub_number = format!("{number}.{}", k + 1);
            let sub_name = r.child_plain(s, "NAME");
            let mut group = Group {
                id: r.attr_text(s, "ID"),
                number: number_unless_position(r, s, k + 1),
                name: Some(sub_name.clone()),
                stored: stored(r, s, &["ID", "NO"]),
                rows: Vec::new(),
            };
            for d in r.children(s, &data_tag) {
                let row = data_row(r, d, ratio, names);
                note_problem(&row, &sub_number, &sub_name, out);
                group.rows.push(row);
            }
            outcome.groups.push(group);
        }
    } else {
        let mut group = Group::default();
        for d in r.children(o, &data_tag) {
            let row = data_row(r, d, ratio, names);
            note_problem(&row, number, &name, out);
            group.rows.push(row);
        }
        outcome.groups.push(group);
    }
    outcome
}

fn note_problem(row: &DataRow, number: &str, name: &str, out: &mut Document) {
    if !row.known_study {
        out.problems.push(format!(
            "Analysis {number} \"{name}\": a row for study `{}`, which is not among the included studies, was not imported.",
            row.study
        ));
    } else if let Some(why) = &row.problem {
        out.problems.push(format!(
            "Analysis {number} \"{name}\": the row of study {} was not imported: {why}.",
            row.study
        ));
    }
}

fn data_row(r: &mut Reader, d: Node, ratio: bool, names: &HashMap<String, String>) -> DataRow {
    let tag = xml::name(d);
    let study_id = r.attr_text(d, "STUDY_ID");
    let (study, known_study) = match names.get(&study_id) {
        Some(id) => (id.clone(), true),
        None => (unescape_id(study_id.trim_start_matches("STD-")), false),
    };
    let mut entered = BTreeMap::new();
    let keys: Vec<&str> = match entered_attributes(tag) {
        Some(keys) => keys.to_vec(),
        None => d
            .attributes()
            .map(|a| a.name())
            .filter(|n| !matches!(*n, "STUDY_ID" | "ORDER" | "MODIFIED" | "MODIFIED_BY"))
            .collect(),
    };
    for key in &keys {
        if let Some(v) = r.attr(d, key) {
            entered.insert(key.to_string(), v.trim().to_string());
        }
    }
    let mut skip = keys.clone();
    skip.extend(["STUDY_ID", "MODIFIED", "MODIFIED_BY"]);
    let stored = stored(r, d, &skip);
    let footnote = r.child_markdown(d, "FOOTNOTE");
    let mut row = DataRow {
        study,
        known_study,
        entered,
        stored,
        footnote,
        ..DataRow::default()
    };
    let data_type = match tag {
        "DICH_DATA" => Some(DataType::Dichotomous),
        "CONT_DATA" => Some(DataType::Continuous),
        "IV_DATA" => Some(DataType::Generic),
        _ => None,
    };
    let Some(data_type) = data_type else {
        row.problem = Some(format!("{tag} rows cannot be analysed by revmark"));
        return row;
    };
    // Older files give only EFFECT_SIZE for a generic row, on the natural scale.
    let fallback = (data_type == DataType::Generic && !row.entered.contains_key("ESTIMATE"))
        .then(|| row.stored.get("EFFECT_SIZE"))
        .flatten()
        .map(|v| if ratio { v.ln() } else { v });
    match parse_row(data_type, &row.entered, fallback) {
        Ok((values, totals)) => {
            if let Some(why) = row_problem(&values) {
                row.problem = Some(why.to_string());
            } else {
                row.values = Some(values);
                row.generic_totals = totals;
            }
        }
        Err(why) => row.problem = Some(why),
    }
    row
}
