//! The outcome model of an imported review: Review Manager's analyses grouped into protocol
//! outcomes, and its Summary of findings tables mapped onto the analyses they name.
//!
//! Analyses whose names share the part before ":", " - " or " (" are analyses of one outcome
//! ("Side effects: headache" and "Side effects: insomnia" of "side effects"; "Response rate
//! (50% decrease in HAM-A)" and "Response rate (author defined)" of "response rate"), and so
//! are analyses of the same name; the rest are an outcome each. An outcome the authors' primary
//! outcomes text names is primary. A Summary of findings table whose every outcome row names
//! an analysis of one comparison becomes that comparison's `summary_of_findings`; each row
//! that names an analysis gives it its GRADE level, footnotes and assumed risk; a table that
//! cannot be mapped is kept as the authors' table.

use std::collections::{BTreeMap, HashMap};

use super::super::document::{Document, TableEntry};
use super::super::sof;
use super::{Taken, normalised, slug, unique};

/// A protocol outcome made from analyses.
#[derive(Debug, Clone)]
pub(super) struct PlannedOutcome {
    pub id: String,
    /// As it reads in a sentence ("response rate").
    pub name: String,
    pub primary: bool,
}

/// The analyses' protocol outcomes and roles.
#[derive(Debug, Default)]
pub(super) struct OutcomePlan {
    pub outcomes: Vec<PlannedOutcome>,
    /// (comparison index, analysis index) -> index into `outcomes`.
    pub of: HashMap<(usize, usize), usize>,
    /// (comparison index, analysis index) -> role other than main.
    pub roles: HashMap<(usize, usize), &'static str>,
}

/// The part of an analysis name before its first qualifier, and the qualifier.
fn stem(name: &str) -> (&str, &str) {
    let cut = [":", " - ", " \u{2013} ", " \u{2014} ", " -- ", " ("]
        .iter()
        .filter_map(|sep| name.find(sep))
        .min();
    match cut {
        Some(at) if at > 0 => (name[..at].trim(), &name[at..]),
        _ => (name.trim(), ""),
    }
}

/// A name as a key: lower case, words without a plural "s" ("Side effect" is "Side effects").
fn key(name: &str) -> String {
    normalised(name)
        .split(' ')
        .map(|w| {
            if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") {
                &w[..w.len() - 1]
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Groups the analyses of `doc` into protocol outcomes; `primary_text` is the authors' text of
/// their primary outcomes (lower case), which makes an outcome it names primary.
pub(super) fn plan_outcomes(doc: &Document, primary_text: &str) -> OutcomePlan {
    // How many analyses share each stem and each whole name.
    let mut by_stem: HashMap<String, usize> = HashMap::new();
    for o in doc.comparisons.iter().flat_map(|c| &c.outcomes) {
        *by_stem.entry(key(stem(&o.name).0)).or_default() += 1;
    }
    let mut plan = OutcomePlan::default();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut taken = Taken::default();
    for (ci, c) in doc.comparisons.iter().enumerate() {
        // A comparison the authors named a sensitivity or subgroup analysis ("Sensitivity
        // analysis: antimicrobial versus placebo by allocation concealment", "... subgrouped by
        // severity of dehydration") analyses again what another comparison analyses: each of
        // its analyses has that role.
        let comparison_role = comparison_role(&c.name);
        for (oi, o) in c.outcomes.iter().enumerate() {
            let (stem_text, qualifier) = stem(&o.name);
            let stem_key = key(stem_text);
            let shared = by_stem[&stem_key] > 1;
            let (k, name) = if shared {
                (stem_key, stem_text)
            } else {
                (key(&o.name), o.name.as_str())
            };
            let at = *index.entry(k).or_insert_with(|| {
                let name = crate::english::decapitalise(name);
                plan.outcomes.push(PlannedOutcome {
                    id: unique(slug(&name, "outcome"), &mut taken),
                    primary: !primary_text.is_empty()
                        && primary_text.contains(&name.to_lowercase()),
                    name,
                });
                plan.outcomes.len() - 1
            });
            plan.of.insert((ci, oi), at);
            let qualifier = qualifier.to_lowercase();
            if shared && qualifier.contains("sensitivity") {
                plan.roles.insert((ci, oi), "sensitivity");
            } else if shared && qualifier.contains("subgroup") {
                plan.roles.insert((ci, oi), "subgroup");
            } else if let Some(role) = comparison_role {
                plan.roles.insert((ci, oi), role);
            }
        }
    }
    plan
}

/// The role of every analysis of a comparison whose name says it is a sensitivity or subgroup
/// analysis; None for any other comparison.
fn comparison_role(name: &str) -> Option<&'static str> {
    let name = name.to_lowercase();
    if name.contains("sensitivity analys") {
        Some("sensitivity")
    } else if name.contains("subgroup") {
        Some("subgroup")
    } else {
        None
    }
}

/// What a Summary of findings row gives the analysis it names.
#[derive(Debug, Clone)]
pub(super) struct RowCertainty {
    /// GRADE's level as analyses.yaml writes it (`very_low`).
    pub level: &'static str,
    /// The footnotes its markers point to.
    pub footnotes: Vec<String>,
    /// The assumed risk of the row, when it gives one.
    pub assumed_risk: Option<f64>,
    /// The table's number.
    pub table: String,
}

/// A table mapped onto a comparison: its header and rows.
#[derive(Debug, Clone)]
pub(super) struct MappedTable {
    /// Index into the document's Summary of findings tables.
    pub table: usize,
    pub header: sof::Header,
    /// Rows in order: (analysis index, the row's outcome when it differs from the analysis's
    /// name, comments).
    pub rows: Vec<(usize, Option<String>, String)>,
}

/// The Summary of findings tables mapped onto the analyses.
#[derive(Debug, Default)]
pub(super) struct SofPlan {
    /// Comparison index -> its mapped table.
    pub mapped: BTreeMap<usize, MappedTable>,
    /// (comparison index, analysis index) -> its row's certainty.
    pub certainty: HashMap<(usize, usize), RowCertainty>,
    /// Tables kept as the authors' tables, with why.
    pub kept: Vec<(usize, String)>,
}

/// Where `name` is an analysis of `doc`: (comparison, analysis) indexes, in order.
fn analyses_named(doc: &Document, name: &str) -> Vec<(usize, usize)> {
    let wanted = normalised(name);
    let mut out = Vec::new();
    for (ci, c) in doc.comparisons.iter().enumerate() {
        for (oi, o) in c.outcomes.iter().enumerate() {
            if normalised(&o.name) == wanted {
                out.push((ci, oi));
            }
        }
    }
    out
}

/// GRADE's level as analyses.yaml writes it.
fn level_key(level: &str) -> Option<&'static str> {
    Some(match level {
        "high" => "high",
        "moderate" => "moderate",
        "low" => "low",
        "very low" => "very_low",
        _ => return None,
    })
}

/// Most rows of a Summary of findings (Cochrane Handbook 14.1.4), as analyses.yaml takes.
const MAX_ROWS: usize = 7;

/// Maps the Summary of findings tables of `doc` onto its analyses.
pub(super) fn plan_sof(doc: &Document) -> SofPlan {
    let mut plan = SofPlan::default();
    for (ti, table) in doc.summary_of_findings.iter().enumerate() {
        let notes = sof::footnotes(table);
        let mut matched: Vec<Option<(usize, usize)>> = Vec::new();
        for f in &table.findings {
            let here = analyses_named(doc, &f.outcome);
            let Some(&(ci, oi)) = here.first() else {
                matched.push(None);
                continue;
            };
            matched.push(Some((ci, oi)));
            let Some(level) = level_key(&f.certainty) else {
                continue;
            };
            let footnotes = f
                .markers
                .split([',', ' '])
                .filter(|m| !m.is_empty())
                .filter_map(|m| notes.iter().find(|(n, _)| n == m).map(|(_, t)| t.clone()))
                .collect();
            plan.certainty.entry((ci, oi)).or_insert(RowCertainty {
                level,
                footnotes,
                assumed_risk: f.assumed_risk,
                table: table.number.clone(),
            });
        }
        match mapping(table, &matched) {
            Ok(ci) if !plan.mapped.contains_key(&ci) => {
                let rows = table
                    .findings
                    .iter()
                    .zip(&matched)
                    .filter_map(|(f, m)| {
                        let (_, oi) = (*m)?;
                        let own = &doc.comparisons[ci].outcomes[oi].name;
                        let label = (f.outcome.trim() != own.trim()).then(|| f.outcome.clone());
                        Some((oi, label, f.comments.clone()))
                    })
                    .collect();
                plan.mapped.insert(
                    ci,
                    MappedTable {
                        table: ti,
                        header: sof::header(table),
                        rows,
                    },
                );
            }
            Ok(ci) => plan.kept.push((
                ti,
                format!(
                    "comparison {} already has the Summary of findings of an earlier table",
                    ci + 1
                ),
            )),
            Err(why) => plan.kept.push((ti, why)),
        }
    }
    plan
}

/// The comparison a table maps onto, or why it cannot be mapped.
fn mapping(table: &TableEntry, matched: &[Option<(usize, usize)>]) -> Result<usize, String> {
    if table.findings.is_empty() {
        return Err("no row of it names an outcome with a GRADE level".into());
    }
    let unmatched: Vec<String> = table
        .findings
        .iter()
        .zip(matched)
        .filter(|(_, m)| m.is_none())
        .map(|(f, _)| format!("\"{}\"", f.outcome))
        .collect();
    if !unmatched.is_empty() {
        return Err(format!(
            "the rows {} name no analysis",
            crate::english::join_and(&unmatched)
        ));
    }
    let first = matched[0].map(|(ci, _)| ci).unwrap_or_default();
    if matched.iter().flatten().any(|(ci, _)| *ci != first) {
        return Err("its rows name analyses of different comparisons".into());
    }
    if table.findings.len() > MAX_ROWS {
        return Err(format!(
            "it has {} rows; a Summary of findings lists at most {MAX_ROWS}",
            table.findings.len()
        ));
    }
    Ok(first)
}

impl super::Writer<'_> {
    /// A comparison's `summary_of_findings` from its mapped table; rows of analyses that were
    /// not written are left out.
    pub(super) fn summary_of_findings(
        &mut self,
        yaml: &mut String,
        mapped: &MappedTable,
        ids: &[Option<String>],
    ) {
        use super::{prose, q};
        let h = &mapped.header;
        yaml.push_str("    summary_of_findings:\n");
        for (field, value) in [
            ("population", &h.population),
            ("setting", &h.setting),
            ("intervention", &h.intervention),
            ("comparison", &h.comparison),
        ] {
            if !value.is_empty() {
                yaml.push_str(&format!("      {field}: {}\n", q(value)));
            }
        }
        yaml.push_str("      outcomes:\n");
        for (oi, label, comments) in &mapped.rows {
            let Some(id) = &ids[*oi] else { continue };
            yaml.push_str(&format!("        - analysis: {id}\n"));
            if let Some(label) = label {
                yaml.push_str(&format!("          label: {}\n", q(label)));
            }
            if !comments.trim().is_empty() {
                yaml.push_str(&format!(
                    "          comments: {}\n",
                    prose(&self.linked(comments))
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_are_the_part_before_a_qualifier() {
        assert_eq!(stem("Side effects: Headache").0, "Side effects");
        assert_eq!(stem("Response rate (author defined)").0, "Response rate");
        assert_eq!(stem("STAI -- Trait").0, "STAI");
        assert_eq!(stem("HAM-A total").0, "HAM-A total");
        assert_eq!(key("SIde effect"), key("side effects"));
    }
}
