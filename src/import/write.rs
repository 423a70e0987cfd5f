//! An imported review as revmark files: review.yaml, studies.yaml, analyses.yaml, one CSV per
//! analysed outcome or subgroup, and IMPORT-REPORT.md. Every string is written double-quoted
//! with YAML escapes, and prose that looks like template syntax is kept literal, so no text
//! from the RevMan file can change the meaning of the files.

use std::collections::{BTreeMap, HashSet};

use super::{Imported, ImportedRow};
use crate::model::{DataType, MethodKey};
use crate::stats::Row;

/// A study id with an optional reason, as the excluded, ongoing and awaiting lists hold.
type Listed = (String, Option<String>);

/// A YAML double-quoted scalar.
fn q(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Prose is rendered as a template: text that holds template syntax is kept literal.
fn prose(s: &str) -> String {
    if s.contains("{{") || s.contains("{%") || s.contains("{#") {
        q(&format!(
            "{{% raw %}}{}{{% endraw %}}",
            s.replace("{% endraw %}", "{ % endraw % }")
        ))
    } else {
        q(s)
    }
}

/// A slug from a title: lower-case letters and digits joined by `-`.
fn slug(s: &str, fallback: &str) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 48 {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        fallback.to_string()
    } else {
        out
    }
}

/// Slugs already given, and for each base the next number to try (a set and a counter, so
/// that many equal titles stay linear).
#[derive(Default)]
struct Taken {
    ids: HashSet<String>,
    next: BTreeMap<String, usize>,
}

/// A slug not yet in `taken`, which it joins.
fn unique(base: String, taken: &mut Taken) -> String {
    let mut id = base.clone();
    let n = taken.next.entry(base.clone()).or_insert(2);
    while taken.ids.contains(&id) {
        id = format!("{base}-{n}");
        *n += 1;
    }
    taken.ids.insert(id.clone());
    id
}

fn participants(row: &Row) -> u64 {
    match *row {
        Row::Dichotomous {
            e_total, c_total, ..
        } => e_total + c_total,
        Row::Continuous { e_n, c_n, .. } => e_n + c_n,
        Row::Generic { .. } => 0,
    }
}

fn data_csv(data_type: DataType, rows: &[ImportedRow]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["study"];
    header.extend(data_type.required_columns());
    let mut records = vec![header.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    for r in rows {
        let mut rec = vec![r.study.clone()];
        match r.values {
            Row::Dichotomous {
                e_events,
                e_total,
                c_events,
                c_total,
            } => rec.extend([e_events, e_total, c_events, c_total].map(|v| v.to_string())),
            Row::Continuous {
                e_mean,
                e_sd,
                e_n,
                c_mean,
                c_sd,
                c_n,
            } => rec.extend([
                e_mean.to_string(),
                e_sd.to_string(),
                e_n.to_string(),
                c_mean.to_string(),
                c_sd.to_string(),
                c_n.to_string(),
            ]),
            Row::Generic { estimate, se } => rec.extend([estimate.to_string(), se.to_string()]),
        }
        records.push(rec);
    }
    for rec in records {
        w.write_record(&rec).expect("CSV to memory");
    }
    String::from_utf8(w.into_inner().expect("CSV to memory")).expect("UTF-8 in, UTF-8 out")
}

/// The review folder's files (relative path -> text), IMPORT-REPORT.md included. Outcomes or
/// subgroups without a usable row are left out and added to the report.
pub fn review_files(imported: &Imported) -> BTreeMap<String, String> {
    let mut report = imported.report.clone();
    let mut files = BTreeMap::new();

    // Protocol outcomes: one per distinct outcome title.
    let mut outcome_ids: BTreeMap<String, String> = BTreeMap::new();
    let mut taken_outcomes = Taken::default();
    let mut outcome_order = Vec::new();
    for c in &imported.comparisons {
        for o in &c.outcomes {
            if !outcome_ids.contains_key(&o.name) {
                let id = unique(slug(&o.name, "outcome"), &mut taken_outcomes);
                outcome_ids.insert(o.name.clone(), id.clone());
                outcome_order.push((id, o.name.clone()));
            }
        }
    }
    let mut taken_comparisons = Taken::default();
    let comparison_ids: Vec<String> = imported
        .comparisons
        .iter()
        .map(|c| unique(slug(&c.name, "comparison"), &mut taken_comparisons))
        .collect();

    // analyses.yaml and the data files.
    let mut analyses = String::from(
        "# Imported from Review Manager by `revmark import`; see IMPORT-REPORT.md.\ncomparisons:\n",
    );
    // study -> (largest participants of any row, first comparison, outcomes reported)
    let mut study_facts: BTreeMap<&str, (u64, usize, Vec<String>)> = BTreeMap::new();
    let mut reported: HashSet<(&str, &str)> = HashSet::new();
    for (ci, c) in imported.comparisons.iter().enumerate() {
        let first = c.outcomes.first();
        let experimental = first.map_or("Experimental", |o| o.experimental.as_str());
        let control = first.map_or("Control", |o| o.control.as_str());
        analyses.push_str(&format!(
            "  - id: {}\n    name: {}\n    experimental: {}\n    control: {}\n    outcomes:",
            comparison_ids[ci],
            q(&c.name),
            q(experimental),
            q(control)
        ));
        let mut written = 0;
        let mut taken_here = Taken::default();
        for (oi, o) in c.outcomes.iter().enumerate() {
            let number = format!("{}.{}", ci + 1, oi + 1);
            if o.experimental != experimental || o.control != control {
                report.push(format!(
                    "Analysis {number} \"{}\": group labels \"{}\" / \"{}\" differ from the comparison's first analysis; revmark labels a whole comparison with \"{experimental}\" / \"{control}\".",
                    o.name, o.experimental, o.control
                ));
            }
            let groups: Vec<_> = o.groups.iter().filter(|g| !g.rows.is_empty()).collect();
            for g in o.groups.iter().filter(|g| g.rows.is_empty()) {
                report.push(match &g.name {
                    Some(n) => format!(
                        "Analysis {number} \"{}\": subgroup \"{n}\" has no usable rows and was left out.",
                        o.name
                    ),
                    None => format!(
                        "Analysis {number} \"{}\" has no usable rows and was left out.",
                        o.name
                    ),
                });
            }
            if groups.is_empty() {
                if o.subgroups {
                    report.push(format!(
                        "Analysis {number} \"{}\" has no usable rows and was left out.",
                        o.name
                    ));
                }
                continue;
            }
            written += 1;
            let protocol_id = &outcome_ids[&o.name];
            let id = unique(protocol_id.clone(), &mut taken_here);
            if written == 1 {
                analyses.push('\n');
            }
            analyses.push_str(&format!("      - outcome: {protocol_id}\n"));
            if &id != protocol_id {
                analyses.push_str(&format!("        id: {id}\n"));
            }
            analyses.push_str(&format!(
                "        name: {}\n        type: {}\n        measure: {}\n",
                q(&o.name),
                o.data_type.as_str(),
                q(&o.measure)
            ));
            if o.data_type == DataType::Generic {
                analyses.push_str(&format!(
                    "        scale: {}\n",
                    if o.ratio { "ratio" } else { "difference" }
                ));
            }
            analyses.push_str(&format!(
                "        method: {}\n        model: {}\n",
                match o.method {
                    MethodKey::MH => "MH",
                    MethodKey::IV => "IV",
                    MethodKey::Peto => "Peto",
                },
                if o.random { "random" } else { "fixed" }
            ));
            let base = format!("data/analysis-{}-{}", ci + 1, oi + 1);
            if o.subgroups {
                analyses.push_str("        subgroups:\n");
                for (k, g) in o
                    .groups
                    .iter()
                    .enumerate()
                    .filter(|(_, g)| !g.rows.is_empty())
                {
                    let path = format!("{base}-{}.csv", k + 1);
                    analyses.push_str(&format!(
                        "          - name: {}\n            data: {path}\n",
                        q(g.name.as_deref().unwrap_or("Subgroup"))
                    ));
                    files.insert(path, data_csv(o.data_type, &g.rows));
                }
            } else {
                let path = format!("{base}.csv");
                analyses.push_str(&format!("        data: {path}\n"));
                files.insert(path, data_csv(o.data_type, &groups[0].rows));
            }
            for g in &groups {
                for r in &g.rows {
                    let facts = study_facts.entry(&r.study).or_insert((0, ci, Vec::new()));
                    facts.0 = facts.0.max(participants(&r.values));
                    if reported.insert((&r.study, protocol_id)) {
                        facts.2.push(protocol_id.clone());
                    }
                }
            }
        }
        if written == 0 {
            analyses.push_str(" []\n");
        }
    }
    if !imported.comparisons.is_empty() {
        files.insert("analyses.yaml".into(), analyses);
    }

    // review.yaml.
    let mut review = format!(
        "# Imported from Review Manager by `revmark import`; see IMPORT-REPORT.md.\ntitle: {}\n",
        q(&imported.title)
    );
    if !imported.authors.is_empty() {
        review.push_str("authors:\n");
        for a in &imported.authors {
            review.push_str(&format!("  - {}\n", q(a)));
        }
    }
    for (field, text) in &imported.prose {
        review.push_str(&format!("{field}: {}\n", prose(text)));
    }
    review.push_str("outcomes:");
    if outcome_order.is_empty() {
        review.push_str(" []\n");
    } else {
        review.push('\n');
        for (id, name) in &outcome_order {
            review.push_str(&format!(
                "  - id: {id}\n    name: {}\n",
                q(&crate::english::decapitalise(name))
            ));
        }
    }
    if !imported.comparisons.is_empty() {
        review.push_str("comparisons:\n");
        for (ci, c) in imported.comparisons.iter().enumerate() {
            review.push_str(&format!(
                "  - id: {}\n    name: {}\n",
                comparison_ids[ci],
                q(&crate::english::decapitalise(&c.name))
            ));
            if let Some(o) = c.outcomes.first() {
                review.push_str(&format!(
                    "    experimental: {}\n    control: {}\n",
                    q(&crate::english::decapitalise(&o.experimental)),
                    q(&crate::english::decapitalise(&o.control))
                ));
            }
        }
    }
    if imported.practice.is_some() || imported.research.is_some() {
        review.push_str("conclusions:\n");
        for (field, text) in [
            ("practice", &imported.practice),
            ("research", &imported.research),
        ] {
            if let Some(t) = text {
                review.push_str(&format!("  {field}: {}\n", prose(t)));
            }
        }
    }
    files.insert("review.yaml".into(), review);

    // studies.yaml.
    let mut studies = String::from(
        "# Imported from Review Manager by `revmark import`; see IMPORT-REPORT.md.\nrisk_of_bias_tool: rob1\nincluded:",
    );
    if imported.studies.is_empty() {
        studies.push_str(" []\n");
    } else {
        studies.push('\n');
    }
    for s in &imported.studies {
        studies.push_str(&format!("  - id: {}\n", q(&s.id)));
        if let Some((participants, ci, outcomes)) = study_facts.get(s.id.as_str()) {
            if *participants > 0 {
                studies.push_str(&format!("    participants: {participants}\n"));
            }
            studies.push_str(&format!("    comparison: {}\n", comparison_ids[*ci]));
            studies.push_str("    outcomes_reported:\n");
            for o in outcomes {
                studies.push_str(&format!("      - outcome: {o}\n"));
            }
        }
        for (field, text) in [
            ("methods", &s.methods),
            ("interventions", &s.interventions),
            ("notes", &s.notes),
        ] {
            if let Some(t) = text {
                studies.push_str(&format!("    {field}: {}\n", prose(t)));
            }
        }
        if !s.risk_of_bias.is_empty() {
            studies.push_str("    risk_of_bias:\n");
            for (domain, judgement, support) in &s.risk_of_bias {
                studies.push_str(&format!(
                    "      {domain}:\n        judgement: {judgement}\n"
                ));
                if let Some(t) = support {
                    studies.push_str(&format!("        support: {}\n", prose(t)));
                }
            }
        }
    }
    let others: [(&str, Vec<Listed>); 3] = [
        ("excluded", imported.excluded.clone()),
        (
            "ongoing",
            imported.ongoing.iter().map(|s| (s.clone(), None)).collect(),
        ),
        (
            "awaiting_classification",
            imported
                .awaiting
                .iter()
                .map(|s| (s.clone(), None))
                .collect(),
        ),
    ];
    for (key, list) in others {
        if list.is_empty() {
            continue;
        }
        studies.push_str(&format!("{key}:\n"));
        for (id, reason) in list {
            studies.push_str(&format!("  - id: {}\n", q(&id)));
            if let Some(r) = reason {
                studies.push_str(&format!("    reason: {}\n", q(&r)));
            }
        }
    }
    files.insert("studies.yaml".into(), studies);
    files.insert(
        "IMPORT-REPORT.md".into(),
        import_report(imported, &report, &files),
    );
    files
}

/// "1 study", "12 studies".
fn count_noun(n: usize, singular: &str) -> String {
    crate::english::count_noun(n as u64, singular)
}

/// IMPORT-REPORT.md: what was imported and, one line each, what was not.
pub fn import_report(
    imported: &Imported,
    not_imported: &[String],
    files: &BTreeMap<String, String>,
) -> String {
    let outcomes: usize = imported.comparisons.iter().map(|c| c.outcomes.len()).sum();
    let rows: usize = imported
        .comparisons
        .iter()
        .flat_map(|c| &c.outcomes)
        .flat_map(|o| &o.groups)
        .map(|g| g.rows.len())
        .sum();
    let mut out = format!(
        "# Import report\n\nSource: {}\n\nImported: {} included, {} excluded, {} ongoing, {} awaiting classification; {} with {} and {}.\n\nFiles written: {}.\n\n## Not imported\n\n",
        crate::report::escape::markdown(&imported.source),
        count_noun(imported.studies.len(), "study"),
        imported.excluded.len(),
        imported.ongoing.len(),
        imported.awaiting.len(),
        count_noun(imported.comparisons.len(), "comparison"),
        count_noun(outcomes, "analysed outcome"),
        count_noun(rows, "data row"),
        files.keys().cloned().collect::<Vec<_>>().join(", ")
    );
    if not_imported.is_empty() {
        out.push_str(
            "Nothing: everything in the file that revmark has a place for was imported.\n",
        );
    } else {
        for line in not_imported {
            out.push_str(&format!("- {}\n", crate::report::escape::markdown(line)));
        }
    }
    out.push_str(
        "\n## To check\n\n- Every outcome was imported as a secondary outcome: set `priority: primary` in review.yaml where it applies.\n- A study's `participants` is the largest number of participants in any of its analysis rows; replace it with the number randomised.\n- RevMan has no GRADE ratings in its analyses: add `certainty` to the outcomes in analyses.yaml.\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_every_string() {
        assert_eq!(q("a \"b\"\n\\"), "\"a \\\"b\\\"\\n\\\\\"");
        assert_eq!(prose("{{ x }}"), "\"{% raw %}{{ x }}{% endraw %}\"");
    }

    #[test]
    fn slugs_titles() {
        assert_eq!(
            slug("Death (all causes), 1 year", "x"),
            "death-all-causes-1-year"
        );
        assert_eq!(slug("§§", "x"), "x");
        let mut taken = Taken::default();
        assert_eq!(unique("a".into(), &mut taken), "a");
        assert_eq!(unique("a".into(), &mut taken), "a-2");
    }
}
