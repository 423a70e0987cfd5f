//! RevMan 5 review files (.rm5): the review's title, authors and main text, the studies with
//! their characteristics and risk of bias, and every analysis with its data.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::xml::{self, Node, child, children, descendants, elements, path};
use super::{
    Imported, ImportedComparison, ImportedGroup, ImportedOutcome, ImportedRow, ImportedStudy,
    is_ratio_label, measure_of, row_problem,
};
use crate::model::DataType;
use crate::stats::Row;

/// Reads a .rm5 file's bytes (`name` is used in messages).
pub fn read(bytes: &[u8], name: &str) -> Result<Imported, String> {
    super::check_size(bytes, name)?;
    let decoded = xml::decode(bytes);
    let doc = xml::parse(&decoded.text).map_err(|e| format!("{name}:{e}"))?;
    let root = doc.root_element();
    if xml::name(root) != "COCHRANE_REVIEW" {
        return Err(format!(
            "{name}: not a RevMan 5 review (the root element is `{}`, not `COCHRANE_REVIEW`)",
            xml::name(root)
        ));
    }
    let mut imported = Imported {
        source: format!("{name}, read as {}", decoded.encoding),
        ..Imported::default()
    };
    if decoded.replaced {
        imported.report.push(
            "Some bytes could not be decoded in the file's encoding and were replaced by \u{fffd}."
                .into(),
        );
    }
    if let Some(kind) = root.attribute("TYPE").filter(|t| *t != "INTERVENTION") {
        imported.report.push(format!(
            "The review type is `{kind}`; revmark imports intervention reviews, so only the parts that fit were read."
        ));
    }
    imported.title = path(root, "COVER_SHEET/TITLE")
        .map(text)
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "Imported review".into());
    authors(root, &mut imported);
    main_text(root, &mut imported);
    let ids = studies(root, &mut imported);
    let index: HashMap<String, usize> = imported
        .studies
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.clone(), i))
        .collect();
    characteristics(root, &ids, &index, &mut imported);
    risk_of_bias(root, &ids, &index, &mut imported);
    analyses(root, &ids, &mut imported);
    Ok(imported)
}

/// Decodes RevMan's escapes in ids: `_x002d_` is U+002D (`-`).
pub fn unescape_id(id: &str) -> String {
    let mut out = String::new();
    let mut rest = id;
    while let Some(at) = rest.find("_x") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let decoded = after
            .get(..5)
            .filter(|s| s.ends_with('_'))
            .and_then(|s| u32::from_str_radix(&s[..4], 16).ok())
            .and_then(char::from_u32);
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &after[5..];
            }
            None => {
                out.push_str("_x");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// All text inside an element, whitespace runs collapsed to one space and trimmed; child
/// elements are set off by spaces.
fn text(node: Node) -> String {
    fn collect(node: Node, out: &mut String) {
        for c in node.children() {
            if c.is_text() {
                out.push_str(c.text().unwrap_or(""));
            } else if c.is_element() {
                out.push(' ');
                collect(c, out);
                out.push(' ');
            }
        }
    }
    let mut raw = String::new();
    collect(node, &mut raw);
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn authors(root: Node, imported: &mut Imported) {
    let Some(creators) = path(root, "COVER_SHEET/CREATORS") else {
        return;
    };
    for person in children(creators, "PERSON") {
        let part = |n: &str| child(person, n).map(text).unwrap_or_default();
        let name = [
            part("FIRST_NAME"),
            part("MIDDLE_INITIALS"),
            part("LAST_NAME"),
        ]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
        if !name.is_empty() {
            imported.authors.push(name);
        }
    }
}

/// RevMan's template text, such as "[Summary text]".
fn is_placeholder(t: &str) -> bool {
    t.starts_with('[') && t.ends_with(']')
}

/// The text of a section as Markdown paragraphs; None when empty or a placeholder.
fn paragraphs(section: Node) -> Option<String> {
    let mut texts: Vec<String> = descendants(section, "P").map(text).collect();
    if texts.is_empty() {
        texts.push(text(section));
    }
    let texts: Vec<String> = texts
        .into_iter()
        .filter(|t| !t.is_empty() && !is_placeholder(t))
        .collect();
    (!texts.is_empty()).then(|| texts.join("\n\n"))
}

/// The review's main text: the sections revmark has fields for; the others are reported.
fn main_text(root: Node, imported: &mut Imported) {
    let Some(main) = child(root, "MAIN_TEXT") else {
        return;
    };
    let fields: [(&str, &'static str); 7] = [
        ("SUMMARY/SUMMARY_BODY", "plain_language_summary"),
        ("BODY/BACKGROUND", "background"),
        ("BODY/OBJECTIVES", "objectives"),
        ("BODY/METHODS/SELECTION_CRITERIA", "selection_criteria"),
        ("ABSTRACT/ABS_DATA_COLLECTION", "data_collection"),
        ("BODY/DISCUSSION", "discussion"),
        ("BODY/CONCLUSIONS/IMPLICATIONS_PRACTICE", ""),
    ];
    let mut used: Vec<Node> = Vec::new();
    for (at, field) in fields {
        let Some(section) = path(main, at) else {
            continue;
        };
        used.push(section);
        if let Some(text) = paragraphs(section) {
            if field.is_empty() {
                imported.practice = Some(text);
            } else {
                imported.prose.push((field, text));
            }
        }
    }
    if let Some(section) = path(main, "BODY/CONCLUSIONS/IMPLICATIONS_RESEARCH") {
        used.push(section);
        imported.research = paragraphs(section);
    }
    // Every other section that holds text is named in the report.
    let mut leftovers = Vec::new();
    collect_unused(main, &used, "", &mut leftovers);
    for (at, chars) in leftovers {
        imported.report.push(format!(
            "Main text section {at} ({chars} characters) has no place in revmark's format and was not imported."
        ));
    }
}

fn collect_unused(e: Node, used: &[Node], prefix: &str, out: &mut Vec<(String, usize)>) {
    for c in elements(e) {
        if used.contains(&c) {
            continue;
        }
        let at = if prefix.is_empty() {
            xml::name(c).to_string()
        } else {
            format!("{prefix}/{}", xml::name(c))
        };
        let direct_text = child(c, "P").is_some()
            || c.children()
                .any(|n| n.is_text() && !n.text().unwrap_or("").trim().is_empty());
        if direct_text && xml::name(c) != "TITLE" {
            if let Some(text) = paragraphs(c) {
                out.push((at, text.chars().count()));
            }
        } else {
            collect_unused(c, used, &at, out);
        }
    }
}

/// Included, excluded, ongoing and awaiting studies; returns RevMan id -> revmark id.
fn studies(root: Node, imported: &mut Imported) -> BTreeMap<String, String> {
    let mut ids = BTreeMap::new();
    let Some(list) = path(root, "STUDIES_AND_REFERENCES/STUDIES") else {
        return ids;
    };
    // Names already given, and for each base name the next number to try: a set and a
    // counter, so that thousands of studies with one name and year stay linear.
    let mut taken: HashSet<String> = HashSet::new();
    let mut next_number: HashMap<String, usize> = HashMap::new();
    let mut name_of = |study: Node, taken: &mut HashSet<String>| {
        let raw_id = study.attribute("ID").unwrap_or("");
        let mut name = study
            .attribute("NAME")
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(String::from)
            .unwrap_or_else(|| unescape_id(raw_id.trim_start_matches("STD-")));
        if taken.contains(&name) {
            let year = study.attribute("YEAR").unwrap_or("");
            let base = format!("{name} {year}").trim().to_string();
            name = base.clone();
            let n = next_number.entry(base.clone()).or_insert(2);
            while taken.contains(&name) {
                name = format!("{base} ({n})");
                *n += 1;
            }
        }
        taken.insert(name.clone());
        ids.insert(raw_id.to_string(), name.clone());
        name
    };
    if let Some(included) = child(list, "INCLUDED_STUDIES") {
        for s in children(included, "STUDY") {
            let id = name_of(s, &mut taken);
            imported.studies.push(ImportedStudy {
                id,
                ..ImportedStudy::default()
            });
        }
    }
    let reasons: BTreeMap<String, String> = path(
        root,
        "CHARACTERISTICS_OF_STUDIES/CHARACTERISTICS_OF_EXCLUDED_STUDIES",
    )
    .map(|c| {
        children(c, "EXCLUDED_CHAR")
            .filter_map(|e| {
                let reason = child(e, "REASON_FOR_EXCLUSION").and_then(paragraphs)?;
                Some((e.attribute("STUDY_ID")?.to_string(), reason))
            })
            .collect()
    })
    .unwrap_or_default();
    if let Some(excluded) = child(list, "EXCLUDED_STUDIES") {
        for s in children(excluded, "STUDY") {
            let reason = s.attribute("ID").and_then(|i| reasons.get(i)).cloned();
            let id = name_of(s, &mut taken);
            imported.excluded.push((id, reason));
        }
    }
    for (tag, target) in [
        ("ONGOING_STUDIES", &mut imported.ongoing),
        ("AWAITING_STUDIES", &mut imported.awaiting),
    ] {
        if let Some(group) = child(list, tag) {
            for s in children(group, "STUDY") {
                target.push(name_of(s, &mut taken));
            }
        }
    }
    let mut characteristics = 0;
    for tag in [
        "CHARACTERISTICS_OF_ONGOING_STUDIES",
        "CHARACTERISTICS_OF_AWAITING_STUDIES",
    ] {
        if let Some(c) = path(root, &format!("CHARACTERISTICS_OF_STUDIES/{tag}")) {
            for e in elements(c).filter(|e| xml::name(*e) != "FOOTNOTES") {
                if paragraphs(e).is_some() {
                    characteristics += 1;
                }
            }
        }
    }
    if characteristics > 0 {
        imported.report.push(format!(
            "Characteristics of {characteristics} ongoing or awaiting studies were not imported (revmark keeps a description only): copy what matters into their `description`."
        ));
    }
    ids
}

fn characteristics(
    root: Node,
    ids: &BTreeMap<String, String>,
    index: &HashMap<String, usize>,
    imported: &mut Imported,
) {
    let Some(table) = path(
        root,
        "CHARACTERISTICS_OF_STUDIES/CHARACTERISTICS_OF_INCLUDED_STUDIES",
    ) else {
        return;
    };
    for c in children(table, "INCLUDED_CHAR") {
        let Some(&at) = c
            .attribute("STUDY_ID")
            .and_then(|i| ids.get(i))
            .and_then(|id| index.get(id))
        else {
            continue;
        };
        let study = &mut imported.studies[at];
        let field = |tag: &str| child(c, tag).and_then(paragraphs);
        study.methods = field("CHAR_METHODS");
        study.interventions = field("CHAR_INTERVENTIONS");
        // revmark has no text fields for participants and outcomes: they go into the notes,
        // labelled, so nothing is lost.
        let notes: Vec<String> = [
            ("Participants", field("CHAR_PARTICIPANTS")),
            ("Outcomes", field("CHAR_OUTCOMES")),
            ("", field("CHAR_NOTES")),
        ]
        .into_iter()
        .filter_map(|(label, text)| {
            text.map(|t| {
                if label.is_empty() {
                    t
                } else {
                    format!("{label}: {t}")
                }
            })
        })
        .collect();
        study.notes = (!notes.is_empty()).then(|| notes.join("\n\n"));
    }
}

/// The rob1 domain a RevMan quality item stands for, by its name.
fn domain_of(name: &str) -> Option<&'static str> {
    let n = name.to_lowercase();
    if n.contains("sequence generation") {
        Some("sequence_generation")
    } else if n.contains("allocation concealment") {
        Some("allocation_concealment")
    } else if n.contains("outcome assessment") {
        Some("blinding_outcome")
    } else if n.contains("blinding") {
        Some("blinding_participants")
    } else if n.contains("incomplete outcome") {
        Some("incomplete_data")
    } else if n.contains("selective") {
        Some("selective_reporting")
    } else if n.contains("other bias") || n.contains("other sources of bias") {
        Some("other_bias")
    } else {
        None
    }
}

fn risk_of_bias(
    root: Node,
    ids: &BTreeMap<String, String>,
    index: &HashMap<String, usize>,
    imported: &mut Imported,
) {
    let Some(items) = child(root, "QUALITY_ITEMS") else {
        return;
    };
    for item in children(items, "QUALITY_ITEM") {
        let name = child(item, "NAME").map(text).unwrap_or_default();
        let entries: Vec<Node> = child(item, "QUALITY_ITEM_DATA")
            .map(|d| children(d, "QUALITY_ITEM_DATA_ENTRY").collect())
            .unwrap_or_default();
        let Some(domain) = domain_of(&name) else {
            if !entries.is_empty() {
                imported.report.push(format!(
                    "Risk-of-bias item \"{name}\" ({} judgements) matches no RoB 1 domain and was not imported.",
                    entries.len()
                ));
            }
            continue;
        };
        for entry in entries {
            let study_id = entry.attribute("STUDY_ID").unwrap_or("");
            let Some(&at) = ids.get(study_id).and_then(|id| index.get(id)) else {
                continue;
            };
            let study = &mut imported.studies[at];
            let judgement = match entry.attribute("RESULT").unwrap_or("") {
                "YES" => "low",
                "NO" => "high",
                _ => "unclear",
            };
            let support = child(entry, "DESCRIPTION").and_then(paragraphs);
            if study.risk_of_bias.iter().any(|(d, _, _)| *d == domain) {
                imported.report.push(format!(
                    "Study {}: a second \"{name}\" judgement (for another outcome group) was not imported; revmark keeps one judgement per domain.",
                    study.id
                ));
                continue;
            }
            study.risk_of_bias.push((domain, judgement, support));
        }
    }
}

fn analyses(root: Node, ids: &BTreeMap<String, String>, imported: &mut Imported) {
    let Some(all) = child(root, "ANALYSES_AND_DATA") else {
        return;
    };
    for (ci, c) in children(all, "COMPARISON").enumerate() {
        let mut comparison = ImportedComparison {
            name: child(c, "NAME")
                .map(text)
                .unwrap_or_else(|| format!("Comparison {}", ci + 1)),
            outcomes: Vec::new(),
        };
        for (oi, o) in elements(c).filter(|e| xml::name(*e) != "NAME").enumerate() {
            let number = format!("{}.{}", ci + 1, oi + 1);
            let data_type = match xml::name(o) {
                "DICH_OUTCOME" => DataType::Dichotomous,
                "CONT_OUTCOME" => DataType::Continuous,
                "IV_OUTCOME" => DataType::Generic,
                "COMPARISON" => {
                    imported.report.push(format!(
                        "Analysis {number}: a comparison nested in a comparison was not imported."
                    ));
                    continue;
                }
                other => {
                    let title = child(o, "NAME").map(text).unwrap_or_default();
                    imported.report.push(format!(
                        "Analysis {number} \"{title}\" ({other}) is a kind of outcome revmark cannot analyse and was not imported."
                    ));
                    continue;
                }
            };
            if let Some(outcome) = outcome(o, data_type, &number, ids, imported) {
                comparison.outcomes.push(outcome);
            }
        }
        imported.comparisons.push(comparison);
    }
}

fn outcome(
    o: Node,
    data_type: DataType,
    number: &str,
    ids: &BTreeMap<String, String>,
    imported: &mut Imported,
) -> Option<ImportedOutcome> {
    let name = child(o, "NAME")
        .map(text)
        .unwrap_or_else(|| format!("Outcome {number}"));
    let raw_measure = o.attribute("EFFECT_MEASURE").unwrap_or("");
    let (measure, method) =
        match measure_of(data_type, raw_measure, o.attribute("METHOD").unwrap_or("")) {
            Ok(m) => m,
            Err(why) => {
                imported.report.push(format!(
                    "Analysis {number} \"{name}\" was not imported: {why}."
                ));
                return None;
            }
        };
    let label = |tag: &str, default: &str| {
        child(o, tag)
            .map(text)
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| default.to_string())
    };
    let ratio = data_type == DataType::Generic
        && (o.attribute("LOG_DATA") == Some("YES") || is_ratio_label(raw_measure));
    let mut settings_note = |what: String| {
        imported
            .report
            .push(format!("Analysis {number} \"{name}\": {what}"));
    };
    for (attr, expected, what) in [
        ("CI_STUDY", "95", "study confidence level"),
        ("CI_TOTAL", "95", "total confidence level"),
    ] {
        if let Some(v) = o
            .attribute(attr)
            .filter(|v| !v.is_empty() && *v != expected)
        {
            settings_note(format!(
                "the {what} of {v}% was not imported; revmark uses 95%."
            ));
        }
    }
    if o.attribute("SWAP_EVENTS") == Some("YES") {
        settings_note(
            "RevMan swapped events and non-events; revmark analyses the events as entered.".into(),
        );
    }
    if let Some(t) = o.attribute("TOTALS").filter(|t| *t != "YES") {
        settings_note(format!(
            "totals were set to `{t}` in RevMan; revmark always shows the overall total."
        ));
    }
    for (tag, default) in [
        ("GRAPH_LABEL_1", "Favours experimental"),
        ("GRAPH_LABEL_2", "Favours control"),
    ] {
        let text = label(tag, default);
        if text != default {
            settings_note(format!(
                "graph label \"{text}\" was not imported; revmark labels the plot \"Favours\" and the group label."
            ));
        }
    }
    let mut outcome = ImportedOutcome {
        name: name.clone(),
        data_type,
        measure,
        ratio,
        method,
        random: o.attribute("RANDOM") == Some("YES"),
        experimental: label("GROUP_LABEL_1", "Experimental"),
        control: label("GROUP_LABEL_2", "Control"),
        groups: Vec::new(),
        subgroups: false,
    };
    let data_tag = match data_type {
        DataType::Dichotomous => "DICH_DATA",
        DataType::Continuous => "CONT_DATA",
        DataType::Generic => "IV_DATA",
    };
    let subgroup_tag = match data_type {
        DataType::Dichotomous => "DICH_SUBGROUP",
        DataType::Continuous => "CONT_SUBGROUP",
        DataType::Generic => "IV_SUBGROUP",
    };
    let subgroups: Vec<Node> = children(o, subgroup_tag).collect();
    if subgroups.is_empty() {
        let rows = rows(o, data_tag, ratio, number, &name, ids, imported);
        outcome.groups.push(ImportedGroup { name: None, rows });
    } else {
        outcome.subgroups = true;
        for (k, s) in subgroups.iter().enumerate() {
            let sub_name = child(*s, "NAME")
                .map(text)
                .unwrap_or_else(|| format!("Subgroup {}", k + 1));
            let sub_number = format!("{number}.{}", k + 1);
            let rows = rows(*s, data_tag, ratio, &sub_number, &sub_name, ids, imported);
            outcome.groups.push(ImportedGroup {
                name: Some(sub_name),
                rows,
            });
        }
    }
    Some(outcome)
}

fn number(e: Node, attr: &str) -> f64 {
    e.attribute(attr)
        .and_then(|v| v.trim().parse::<f64>().ok())
        .unwrap_or(f64::NAN)
}

fn count(e: Node, attr: &str) -> u64 {
    let v = number(e, attr);
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 {
        v as u64
    } else {
        0
    }
}

fn rows(
    parent: Node,
    tag: &'static str,
    ratio: bool,
    number_label: &str,
    name: &str,
    ids: &BTreeMap<String, String>,
    imported: &mut Imported,
) -> Vec<ImportedRow> {
    let mut out = Vec::new();
    for d in children(parent, tag) {
        let raw_id = d.attribute("STUDY_ID").unwrap_or("");
        let study = match ids.get(raw_id) {
            Some(s) => s.clone(),
            None => {
                imported.report.push(format!(
                    "Analysis {number_label} \"{name}\": a row for study `{}`, which is not among the included studies, was not imported.",
                    unescape_id(raw_id)
                ));
                continue;
            }
        };
        let values = match tag {
            "DICH_DATA" => Row::Dichotomous {
                e_events: count(d, "EVENTS_1"),
                e_total: count(d, "TOTAL_1"),
                c_events: count(d, "EVENTS_2"),
                c_total: count(d, "TOTAL_2"),
            },
            "CONT_DATA" => Row::Continuous {
                e_mean: number(d, "MEAN_1"),
                e_sd: number(d, "SD_1"),
                e_n: count(d, "TOTAL_1"),
                c_mean: number(d, "MEAN_2"),
                c_sd: number(d, "SD_2"),
                c_n: count(d, "TOTAL_2"),
            },
            _ => {
                // RevMan stores the entered value in ESTIMATE (a log for ratio measures);
                // older files give only EFFECT_SIZE, on the natural scale.
                let estimate = match d.attribute("ESTIMATE").and_then(|v| v.parse::<f64>().ok()) {
                    Some(v) => v,
                    None if ratio => number(d, "EFFECT_SIZE").ln(),
                    None => number(d, "EFFECT_SIZE"),
                };
                Row::Generic {
                    estimate,
                    se: number(d, "SE"),
                }
            }
        };
        if let Some(why) = row_problem(&values) {
            imported.report.push(format!(
                "Analysis {number_label} \"{name}\": the row of study {study} was not imported: {why}."
            ));
            continue;
        }
        out.push(ImportedRow { study, values });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescapes_revman_ids() {
        assert_eq!(unescape_id("ISIS_x002d_2"), "ISIS-2");
        assert_eq!(unescape_id("A_x0020_B_x002e_"), "A B.");
        assert_eq!(unescape_id("plain_xyz"), "plain_xyz");
    }

    #[test]
    fn maps_quality_items_to_domains() {
        assert_eq!(
            domain_of("Adequate sequence generation?"),
            Some("sequence_generation")
        );
        assert_eq!(domain_of("Blinding?"), Some("blinding_participants"));
        assert_eq!(
            domain_of("Blinding of outcome assessment (detection bias)"),
            Some("blinding_outcome")
        );
        assert_eq!(domain_of("Free of other bias?"), Some("other_bias"));
        assert_eq!(domain_of("Funding"), None);
    }
}
