//! RevMan 5 review files (.rm5): the review's title, authors and main text, the studies with
//! their characteristics and risk of bias, and every analysis with its data.

use std::collections::BTreeMap;

use super::xml::{self, Element, Encoding};
use super::{
    Imported, ImportedComparison, ImportedGroup, ImportedOutcome, ImportedRow, ImportedStudy,
    is_ratio_label, measure_of, row_problem,
};
use crate::model::DataType;
use crate::stats::Row;

/// Reads a .rm5 file's bytes (`name` is used in messages).
pub fn read(bytes: &[u8], name: &str) -> Result<Imported, String> {
    let (text, encoding) = xml::decode(bytes);
    let root = xml::parse(&text).map_err(|e| format!("{name}:{e}"))?;
    if root.name != "COCHRANE_REVIEW" {
        return Err(format!(
            "{name}: not a RevMan 5 review (the root element is `{}`, not `COCHRANE_REVIEW`)",
            root.name
        ));
    }
    let mut imported = Imported {
        source: format!(
            "{name}, read as {}",
            match encoding {
                Encoding::Utf8 => "UTF-8",
                Encoding::Latin1 => "ISO-8859-1 (the bytes are not valid UTF-8)",
            }
        ),
        ..Imported::default()
    };
    if let Some(kind) = root.attr("TYPE").filter(|t| *t != "INTERVENTION") {
        imported.report.push(format!(
            "The review type is `{kind}`; revmark imports intervention reviews, so only the parts that fit were read."
        ));
    }
    imported.title = root
        .path("COVER_SHEET/TITLE")
        .map(Element::text)
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "Imported review".into());
    authors(&root, &mut imported);
    main_text(&root, &mut imported);
    let ids = studies(&root, &mut imported);
    characteristics(&root, &ids, &mut imported);
    risk_of_bias(&root, &ids, &mut imported);
    analyses(&root, &ids, &mut imported);
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

fn authors(root: &Element, imported: &mut Imported) {
    let Some(creators) = root.path("COVER_SHEET/CREATORS") else {
        return;
    };
    for person in creators.children_named("PERSON") {
        let part = |n: &str| person.child(n).map(Element::text).unwrap_or_default();
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
fn paragraphs(section: &Element) -> Option<String> {
    let mut ps = Vec::new();
    section.descendants("P", &mut ps);
    let mut texts: Vec<String> = ps.iter().map(|p| p.text()).collect();
    if texts.is_empty() {
        texts.push(section.text());
    }
    let texts: Vec<String> = texts
        .into_iter()
        .filter(|t| !t.is_empty() && !is_placeholder(t))
        .collect();
    (!texts.is_empty()).then(|| texts.join("\n\n"))
}

/// The review's main text: the sections revmark has fields for; the others are reported.
fn main_text(root: &Element, imported: &mut Imported) {
    let Some(main) = root.child("MAIN_TEXT") else {
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
    let mut used: Vec<&Element> = Vec::new();
    for (path, field) in fields {
        let Some(section) = main.path(path) else {
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
    if let Some(section) = main.path("BODY/CONCLUSIONS/IMPLICATIONS_RESEARCH") {
        used.push(section);
        imported.research = paragraphs(section);
    }
    // Every other section that holds text is named in the report.
    let mut leftovers = Vec::new();
    collect_unused(main, &used, "", &mut leftovers);
    for (path, chars) in leftovers {
        imported.report.push(format!(
            "Main text section {path} ({chars} characters) has no place in revmark's format and was not imported."
        ));
    }
}

fn collect_unused(e: &Element, used: &[&Element], prefix: &str, out: &mut Vec<(String, usize)>) {
    for child in e.elements() {
        if used.iter().any(|u| std::ptr::eq(*u, child)) {
            continue;
        }
        let path = if prefix.is_empty() {
            child.name.clone()
        } else {
            format!("{prefix}/{}", child.name)
        };
        let direct_text = child.children_named("P").next().is_some()
            || child
                .children
                .iter()
                .any(|n| matches!(n, xml::Node::Text(t) if !t.trim().is_empty()));
        if direct_text && child.name != "TITLE" {
            if let Some(text) = paragraphs(child) {
                out.push((path, text.chars().count()));
            }
        } else {
            collect_unused(child, used, &path, out);
        }
    }
}

/// Included, excluded, ongoing and awaiting studies; returns RevMan id -> revmark id.
fn studies(root: &Element, imported: &mut Imported) -> BTreeMap<String, String> {
    let mut ids = BTreeMap::new();
    let Some(list) = root.path("STUDIES_AND_REFERENCES/STUDIES") else {
        return ids;
    };
    let mut taken: Vec<String> = Vec::new();
    let mut name_of = |study: &Element, taken: &mut Vec<String>| {
        let raw_id = study.attr("ID").unwrap_or("");
        let mut name = study
            .attr("NAME")
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(String::from)
            .unwrap_or_else(|| unescape_id(raw_id.trim_start_matches("STD-")));
        if taken.contains(&name) {
            let year = study.attr("YEAR").unwrap_or("");
            let mut n = 2;
            let base = format!("{name} {year}").trim().to_string();
            name = base.clone();
            while taken.contains(&name) {
                name = format!("{base} ({n})");
                n += 1;
            }
        }
        taken.push(name.clone());
        ids.insert(raw_id.to_string(), name.clone());
        name
    };
    if let Some(included) = list.child("INCLUDED_STUDIES") {
        for s in included.children_named("STUDY") {
            let id = name_of(s, &mut taken);
            imported.studies.push(ImportedStudy {
                id,
                ..ImportedStudy::default()
            });
        }
    }
    let reasons: BTreeMap<String, String> = root
        .path("CHARACTERISTICS_OF_STUDIES/CHARACTERISTICS_OF_EXCLUDED_STUDIES")
        .map(|c| {
            c.children_named("EXCLUDED_CHAR")
                .filter_map(|e| {
                    let reason = e.child("REASON_FOR_EXCLUSION").and_then(paragraphs)?;
                    Some((e.attr("STUDY_ID")?.to_string(), reason))
                })
                .collect()
        })
        .unwrap_or_default();
    if let Some(excluded) = list.child("EXCLUDED_STUDIES") {
        for s in excluded.children_named("STUDY") {
            let reason = s.attr("ID").and_then(|i| reasons.get(i)).cloned();
            let id = name_of(s, &mut taken);
            imported.excluded.push((id, reason));
        }
    }
    for (tag, target) in [
        ("ONGOING_STUDIES", &mut imported.ongoing),
        ("AWAITING_STUDIES", &mut imported.awaiting),
    ] {
        if let Some(group) = list.child(tag) {
            for s in group.children_named("STUDY") {
                target.push(name_of(s, &mut taken));
            }
        }
    }
    let mut characteristics = 0;
    for tag in [
        "CHARACTERISTICS_OF_ONGOING_STUDIES",
        "CHARACTERISTICS_OF_AWAITING_STUDIES",
    ] {
        if let Some(c) = root.path(&format!("CHARACTERISTICS_OF_STUDIES/{tag}")) {
            for e in c.elements().filter(|e| e.name != "FOOTNOTES") {
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

fn characteristics(root: &Element, ids: &BTreeMap<String, String>, imported: &mut Imported) {
    let Some(table) = root.path("CHARACTERISTICS_OF_STUDIES/CHARACTERISTICS_OF_INCLUDED_STUDIES")
    else {
        return;
    };
    for c in table.children_named("INCLUDED_CHAR") {
        let Some(id) = c.attr("STUDY_ID").and_then(|i| ids.get(i)) else {
            continue;
        };
        let Some(study) = imported.studies.iter_mut().find(|s| &s.id == id) else {
            continue;
        };
        let field = |tag: &str| c.child(tag).and_then(paragraphs);
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

fn risk_of_bias(root: &Element, ids: &BTreeMap<String, String>, imported: &mut Imported) {
    let Some(items) = root.child("QUALITY_ITEMS") else {
        return;
    };
    for item in items.children_named("QUALITY_ITEM") {
        let name = item.child("NAME").map(Element::text).unwrap_or_default();
        let entries: Vec<&Element> = item
            .child("QUALITY_ITEM_DATA")
            .map(|d| d.children_named("QUALITY_ITEM_DATA_ENTRY").collect())
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
            let study_id = entry.attr("STUDY_ID").unwrap_or("");
            let Some(study) = ids
                .get(study_id)
                .and_then(|id| imported.studies.iter_mut().find(|s| &s.id == id))
            else {
                continue;
            };
            let judgement = match entry.attr("RESULT").unwrap_or("") {
                "YES" => "low",
                "NO" => "high",
                _ => "unclear",
            };
            let support = entry.child("DESCRIPTION").and_then(paragraphs);
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

fn analyses(root: &Element, ids: &BTreeMap<String, String>, imported: &mut Imported) {
    let Some(all) = root.child("ANALYSES_AND_DATA") else {
        return;
    };
    for (ci, c) in all.children_named("COMPARISON").enumerate() {
        let mut comparison = ImportedComparison {
            name: c
                .child("NAME")
                .map(Element::text)
                .unwrap_or_else(|| format!("Comparison {}", ci + 1)),
            outcomes: Vec::new(),
        };
        for (oi, o) in c.elements().filter(|e| e.name != "NAME").enumerate() {
            let number = format!("{}.{}", ci + 1, oi + 1);
            let data_type = match o.name.as_str() {
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
                    let title = o.child("NAME").map(Element::text).unwrap_or_default();
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
    o: &Element,
    data_type: DataType,
    number: &str,
    ids: &BTreeMap<String, String>,
    imported: &mut Imported,
) -> Option<ImportedOutcome> {
    let name = o
        .child("NAME")
        .map(Element::text)
        .unwrap_or_else(|| format!("Outcome {number}"));
    let raw_measure = o.attr("EFFECT_MEASURE").unwrap_or("");
    let (measure, method) = match measure_of(data_type, raw_measure, o.attr("METHOD").unwrap_or(""))
    {
        Ok(m) => m,
        Err(why) => {
            imported.report.push(format!(
                "Analysis {number} \"{name}\" was not imported: {why}."
            ));
            return None;
        }
    };
    let label = |tag: &str, default: &str| {
        o.child(tag)
            .map(Element::text)
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| default.to_string())
    };
    let ratio = data_type == DataType::Generic
        && (o.attr("LOG_DATA") == Some("YES") || is_ratio_label(raw_measure));
    let mut settings_note = |what: String| {
        imported
            .report
            .push(format!("Analysis {number} \"{name}\": {what}"));
    };
    for (attr, expected, what) in [
        ("CI_STUDY", "95", "study confidence level"),
        ("CI_TOTAL", "95", "total confidence level"),
    ] {
        if let Some(v) = o.attr(attr).filter(|v| !v.is_empty() && *v != expected) {
            settings_note(format!(
                "the {what} of {v}% was not imported; revmark uses 95%."
            ));
        }
    }
    if o.attr("SWAP_EVENTS") == Some("YES") {
        settings_note(
            "RevMan swapped events and non-events; revmark analyses the events as entered.".into(),
        );
    }
    if let Some(t) = o.attr("TOTALS").filter(|t| *t != "YES") {
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
        random: o.attr("RANDOM") == Some("YES"),
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
    let subgroups: Vec<&Element> = o.children_named(subgroup_tag).collect();
    if subgroups.is_empty() {
        let rows = rows(o, data_tag, ratio, number, &name, ids, imported);
        outcome.groups.push(ImportedGroup { name: None, rows });
    } else {
        outcome.subgroups = true;
        for (k, s) in subgroups.iter().enumerate() {
            let sub_name = s
                .child("NAME")
                .map(Element::text)
                .unwrap_or_else(|| format!("Subgroup {}", k + 1));
            let sub_number = format!("{number}.{}", k + 1);
            let rows = rows(s, data_tag, ratio, &sub_number, &sub_name, ids, imported);
            outcome.groups.push(ImportedGroup {
                name: Some(sub_name),
                rows,
            });
        }
    }
    Some(outcome)
}

fn number(e: &Element, attr: &str) -> f64 {
    e.attr(attr)
        .and_then(|v| v.trim().parse::<f64>().ok())
        .unwrap_or(f64::NAN)
}

fn count(e: &Element, attr: &str) -> u64 {
    let v = number(e, attr);
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 {
        v as u64
    } else {
        0
    }
}

fn rows(
    parent: &Element,
    tag: &str,
    ratio: bool,
    number_label: &str,
    name: &str,
    ids: &BTreeMap<String, String>,
    imported: &mut Imported,
) -> Vec<ImportedRow> {
    let mut out = Vec::new();
    for d in parent.children_named(tag) {
        let raw_id = d.attr("STUDY_ID").unwrap_or("");
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
                let estimate = match d.attr("ESTIMATE").and_then(|v| v.parse::<f64>().ok()) {
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
