//! What's new: the results of this build compared with those of the previous one.
//!
//! The comparison is pure ([`compare`] takes two results.json values and returns the list of
//! changes), most important first: conclusions that flipped (a 95% CI that now includes, or
//! no longer includes, the line of no effect), then outcomes and studies added or removed,
//! then changed estimates, certainty and wording. A build whose results equal the previous
//! build's keeps the previous list, so that rebuilding unchanged sources gives byte-identical
//! output and "What's new" keeps saying what the last change of the data brought.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::escape;
use crate::format::decimal;
use crate::model::Review;

/// The kinds of change, in the order they are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// The 95% CI now includes, or no longer includes, no effect, or the effect reversed.
    ConclusionFlipped,
    /// An analysed outcome is new.
    OutcomeAdded,
    /// An analysed outcome is gone.
    OutcomeRemoved,
    /// A study has data for the first time.
    StudyAdded,
    /// A study no longer has data in any analysis.
    StudyRemoved,
    /// The estimate or its interval changed (at the two decimals printed).
    EffectChanged,
    /// The GRADE certainty changed.
    CertaintyChanged,
    /// The outcome's title, measure, method or model changed.
    WordingChanged,
}

impl ChangeKind {
    /// The label shown before the change.
    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::ConclusionFlipped => "Conclusion changed",
            ChangeKind::OutcomeAdded => "Outcome added",
            ChangeKind::OutcomeRemoved => "Outcome removed",
            ChangeKind::StudyAdded => "Study added",
            ChangeKind::StudyRemoved => "Study removed",
            ChangeKind::EffectChanged => "Effect changed",
            ChangeKind::CertaintyChanged => "Certainty changed",
            ChangeKind::WordingChanged => "Wording changed",
        }
    }
}

/// One change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// What kind of change.
    pub kind: ChangeKind,
    /// `kind`'s label ("Conclusion changed").
    pub label: String,
    /// The analysis number ("1.2"), for changes of an outcome.
    pub number: Option<String>,
    /// The comparison id, for changes of an outcome.
    pub comparison: Option<String>,
    /// The outcome id, for changes of an outcome.
    pub outcome: Option<String>,
    /// What it is about: the outcome's title or the study id.
    pub subject: String,
    /// What changed, as plain text.
    pub text: String,
}

/// The changes of one build, as changes.json stores them and templates see them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Changes {
    /// False when there were no earlier results to compare with.
    pub compared: bool,
    /// The changes, most important first.
    pub items: Vec<Change>,
}

/// The changes since the previous build of `review` (see the module header for the rule that
/// keeps them across rebuilds of unchanged results).
pub fn since_previous(review: &Review, new_text: &str) -> Changes {
    let Some(previous) = &review.previous else {
        return Changes {
            compared: false,
            items: Vec::new(),
        };
    };
    if previous.results == new_text
        && let Some(kept) = previous
            .changes
            .as_deref()
            .and_then(|c| serde_json::from_str::<Changes>(c).ok())
    {
        return kept;
    }
    let new: Value = serde_json::from_str(new_text).expect("results.json is JSON");
    match serde_json::from_str::<Value>(&previous.results) {
        Ok(old) => Changes {
            compared: true,
            items: compare(&old, &new),
        },
        // An unreadable earlier file is as good as none.
        Err(_) => Changes {
            compared: false,
            items: Vec::new(),
        },
    }
}

impl Changes {
    /// changes.md and changes.json for the review's output folder.
    pub fn files(&self, slug: &str) -> [(String, Vec<u8>); 2] {
        let mut json = serde_json::to_string_pretty(self).expect("changes serialise");
        json.push('\n');
        [
            ("changes.md".to_string(), self.markdown(slug).into_bytes()),
            ("changes.json".to_string(), json.into_bytes()),
        ]
    }

    /// The list as a Markdown document.
    pub fn markdown(&self, slug: &str) -> String {
        let mut out = format!("# What's new: {}\n\n", escape::markdown(slug));
        if !self.compared {
            out.push_str(
                "No earlier results to compare with: these results are those of the first build.\n",
            );
        } else if self.items.is_empty() {
            out.push_str("No results changed since the previous build.\n");
        } else {
            out.push_str("Compared with the previous build's results:\n\n");
            out.push_str(&markdown_list(&self.items));
        }
        out
    }
}

/// The changes as a Markdown list, one line each.
pub fn markdown_list(items: &[Change]) -> String {
    let mut out = String::new();
    for c in items {
        let place = match &c.number {
            Some(n) => format!("{n} "),
            None => String::new(),
        };
        out.push_str(&format!(
            "- **{}:** {}{}: {}\n",
            c.label,
            place,
            escape::markdown(&c.subject),
            escape::markdown(&c.text)
        ));
    }
    out
}

/// The side of the line of no effect a pooled interval lies on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Below,
    Crosses,
    Above,
}

/// An analysed outcome of a results file, with the comparison it belongs to.
struct OutcomeRef<'a> {
    comparison: &'a str,
    value: &'a Value,
}

impl<'a> OutcomeRef<'a> {
    fn id(&self) -> &'a str {
        text(&self.value["id"])
    }

    fn key(&self) -> (&'a str, &'a str) {
        (self.comparison, self.id())
    }

    fn number(&self) -> String {
        text(&self.value["number"]).to_string()
    }

    fn name(&self) -> &'a str {
        text(&self.value["name"])
    }

    fn measure(&self) -> &'a str {
        text(&self.value["measure"])
    }

    /// The value of no effect: 1 on a ratio scale, 0 on a difference scale. Files written
    /// before results.json had `scale` are read by their measure.
    fn null_value(&self) -> f64 {
        let ratio = match self.value["scale"].as_str() {
            Some(scale) => scale == "ratio",
            None => matches!(self.measure(), "RR" | "OR" | "HR" | "IRR" | "Peto OR"),
        };
        if ratio { 1.0 } else { 0.0 }
    }

    /// Estimate, low and high of the pooled result.
    fn pooled(&self) -> Option<(f64, f64, f64)> {
        let p = &self.value["pooled"];
        Some((
            p["estimate"].as_f64()?,
            p["ci_low"].as_f64()?,
            p["ci_high"].as_f64()?,
        ))
    }

    fn side(&self) -> Option<Side> {
        let (_, low, high) = self.pooled()?;
        let null = self.null_value();
        Some(if high < null {
            Side::Below
        } else if low > null {
            Side::Above
        } else {
            Side::Crosses
        })
    }

    /// "RR 0.65, 95% CI 0.46 to 0.90", or "not estimable".
    fn effect(&self) -> String {
        match self.pooled() {
            Some((e, l, h)) => format!(
                "{} {}, 95% CI {} to {}",
                self.measure(),
                decimal(e),
                decimal(l),
                decimal(h)
            ),
            None => "not estimable".to_string(),
        }
    }

    /// "8 studies, 6942 participants".
    fn counts(&self) -> String {
        let studies = self.value["studies"].as_u64().unwrap_or(0);
        let participants = self.value["participants"].as_u64().unwrap_or(0);
        format!(
            "{studies} {}, {participants} participants",
            if studies == 1 { "study" } else { "studies" }
        )
    }

    fn studies(&self) -> BTreeSet<&'a str> {
        let mut set = BTreeSet::new();
        collect_studies(self.value, &mut set);
        set
    }

    fn change(&self, kind: ChangeKind, text: String) -> Change {
        Change {
            kind,
            label: kind.label().to_string(),
            number: Some(self.number()),
            comparison: Some(self.comparison.to_string()),
            outcome: Some(self.id().to_string()),
            subject: self.name().to_string(),
            text,
        }
    }
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

/// Study ids with an estimable or listed row in an outcome (its subgroups included).
fn collect_studies<'a>(outcome: &'a Value, set: &mut BTreeSet<&'a str>) {
    for row in outcome["study_results"].as_array().into_iter().flatten() {
        if let Some(s) = row["study"].as_str() {
            set.insert(s);
        }
    }
}

fn outcomes(results: &Value) -> Vec<OutcomeRef<'_>> {
    let mut list = Vec::new();
    for c in results["comparisons"].as_array().into_iter().flatten() {
        for o in c["outcomes"].as_array().into_iter().flatten() {
            list.push(OutcomeRef {
                comparison: text(&c["id"]),
                value: o,
            });
        }
    }
    list
}

/// Position of each outcome by (comparison, outcome) key; the first wins, as a scan would find.
fn index<'a>(list: &[OutcomeRef<'a>]) -> HashMap<(&'a str, &'a str), usize> {
    let mut index = HashMap::new();
    for (i, o) in list.iter().enumerate() {
        index.entry(o.key()).or_insert(i);
    }
    index
}

/// Each study with the numbers of the analyses it is in, in the list's order: built in one
/// pass, since a thousand studies each looking through every outcome took seconds.
fn analyses_by_study<'a>(list: &[OutcomeRef<'a>]) -> BTreeMap<&'a str, Vec<String>> {
    let mut by_study: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for o in list {
        let number = o.number();
        for s in o.studies() {
            by_study.entry(s).or_default().push(number.clone());
        }
    }
    by_study
}

/// The changes from the `old` results to the `new` ones (both in the shape of results.json),
/// most important first; within a kind, in the order of the new results (removed items in
/// the order of the old ones).
pub fn compare(old: &Value, new: &Value) -> Vec<Change> {
    let old_outcomes = outcomes(old);
    let new_outcomes = outcomes(new);
    let mut changes = Vec::new();

    // Hundreds of outcomes on each side: matched by key through an index, not a scan.
    let (old_index, new_index) = (index(&old_outcomes), index(&new_outcomes));
    for n in &new_outcomes {
        let Some(o) = old_index.get(&n.key()).map(|&i| &old_outcomes[i]) else {
            changes.push(n.change(
                ChangeKind::OutcomeAdded,
                format!("{} ({})", n.effect(), n.counts()),
            ));
            continue;
        };
        outcome_changes(o, n, &mut changes);
    }
    for o in &old_outcomes {
        if !new_index.contains_key(&o.key()) {
            changes.push(o.change(
                ChangeKind::OutcomeRemoved,
                format!("was {} ({})", o.effect(), o.counts()),
            ));
        }
    }

    let (old_studies, new_studies) = (
        analyses_by_study(&old_outcomes),
        analyses_by_study(&new_outcomes),
    );
    let analyses_of = |by_study: &BTreeMap<&str, Vec<String>>, study: &str| {
        by_study
            .get(study)
            .map(|n| n.join(", "))
            .unwrap_or_default()
    };
    for s in new_studies.keys().filter(|s| !old_studies.contains_key(*s)) {
        changes.push(study_change(
            ChangeKind::StudyAdded,
            s,
            format!("now in analysis {}", analyses_of(&new_studies, s)),
        ));
    }
    for s in old_studies.keys().filter(|s| !new_studies.contains_key(*s)) {
        changes.push(study_change(
            ChangeKind::StudyRemoved,
            s,
            format!("was in analysis {}", analyses_of(&old_studies, s)),
        ));
    }
    // Stable: keeps the order of the results within each kind.
    changes.sort_by_key(|c| c.kind);
    changes
}

fn study_change(kind: ChangeKind, study: &str, text: String) -> Change {
    Change {
        kind,
        label: kind.label().to_string(),
        number: None,
        comparison: None,
        outcome: None,
        subject: study.to_string(),
        text,
    }
}

/// The changes of one outcome present in both results.
fn outcome_changes(o: &OutcomeRef, n: &OutcomeRef, changes: &mut Vec<Change>) {
    let was = format!("was {} ({})", o.effect(), o.counts());
    let now = format!("{} ({})", n.effect(), n.counts());
    match (o.side(), n.side()) {
        (Some(before), Some(after)) if before != after => {
            let what = match (before, after) {
                (_, Side::Crosses) => "the 95% CI now includes no effect",
                (Side::Crosses, _) => "the 95% CI no longer includes no effect",
                _ => "the effect reversed direction",
            };
            changes.push(n.change(
                ChangeKind::ConclusionFlipped,
                format!("{what}: {now}; {was}"),
            ));
        }
        _ if o.effect() != n.effect() || o.counts() != n.counts() => {
            changes.push(n.change(ChangeKind::EffectChanged, format!("{now}; {was}")));
        }
        _ => {}
    }
    let certainty = |r: &OutcomeRef| {
        r.value["certainty"]
            .as_str()
            .map_or("not assessed".to_string(), |c| format!("{c} certainty"))
    };
    if certainty(o) != certainty(n) {
        changes.push(n.change(
            ChangeKind::CertaintyChanged,
            format!("now {}; was {}", certainty(n), certainty(o)),
        ));
    }
    let wording = |r: &OutcomeRef| {
        format!(
            "{} ({}, {}, {} effect)",
            r.name(),
            r.measure(),
            text(&r.value["method"]),
            text(&r.value["model"])
        )
    };
    if wording(o) != wording(n) {
        changes.push(n.change(
            ChangeKind::WordingChanged,
            format!("now {}; was {}", wording(n), wording(o)),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn results(outcomes: Value) -> Value {
        json!({"review": "r", "comparisons": [{"id": "c", "number": 1, "name": "C", "outcomes": outcomes}]})
    }

    fn outcome(id: &str, low: f64, high: f64, studies: &[&str]) -> Value {
        json!({
            "id": id, "number": "1.1", "name": id, "measure": "RR", "scale": "ratio",
            "method": "MH", "model": "fixed", "studies": studies.len(), "participants": 100,
            "certainty": "low",
            "pooled": {"estimate": (low * high).sqrt(), "ci_low": low, "ci_high": high},
            "study_results": studies.iter().map(|s| json!({"study": s})).collect::<Vec<_>>(),
        })
    }

    #[test]
    fn identical_results_have_no_changes() {
        let r = results(json!([outcome("a", 0.5, 0.9, &["S1"])]));
        assert!(compare(&r, &r).is_empty());
    }

    #[test]
    fn flipped_conclusion_comes_first() {
        let old = results(json!([outcome("a", 0.5, 0.9, &["S1"])]));
        let mut changed = outcome("a", 0.7, 1.2, &["S1", "S2"]);
        changed["certainty"] = json!("moderate");
        let new = results(json!([changed]));
        let changes = compare(&old, &new);
        let kinds: Vec<ChangeKind> = changes.iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            [
                ChangeKind::ConclusionFlipped,
                ChangeKind::StudyAdded,
                ChangeKind::CertaintyChanged
            ]
        );
        assert!(
            changes[0]
                .text
                .starts_with("the 95% CI now includes no effect")
        );
        assert_eq!(changes[1].subject, "S2");
    }

    #[test]
    fn leaving_the_line_and_reversing_are_flips() {
        let crossing = results(json!([outcome("a", 0.7, 1.2, &["S1"])]));
        let below = results(json!([outcome("a", 0.5, 0.9, &["S1"])]));
        let above = results(json!([outcome("a", 1.1, 1.9, &["S1"])]));
        assert!(
            compare(&crossing, &below)[0]
                .text
                .contains("no longer includes")
        );
        assert!(compare(&below, &above)[0].text.contains("reversed"));
    }

    #[test]
    fn small_changes_below_printed_precision_are_not_listed() {
        let old = results(json!([outcome("a", 0.5, 0.9, &["S1"])]));
        let new = results(json!([outcome("a", 0.5000001, 0.9, &["S1"])]));
        assert!(compare(&old, &new).is_empty());
    }

    #[test]
    fn outcomes_added_and_removed() {
        let old = results(json!([outcome("a", 0.5, 0.9, &["S1"])]));
        let new = results(json!([outcome("b", 0.5, 0.9, &["S1"])]));
        let kinds: Vec<ChangeKind> = compare(&old, &new).iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            [ChangeKind::OutcomeAdded, ChangeKind::OutcomeRemoved]
        );
    }

    #[test]
    fn markdown_escapes_names() {
        let changes = Changes {
            compared: true,
            items: vec![study_change(
                ChangeKind::StudyAdded,
                "Smith & <Jones>",
                "x".into(),
            )],
        };
        assert!(changes.markdown("r").contains("Smith & \\<Jones\\>"));
    }
}
