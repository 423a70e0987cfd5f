//! What's new: the results of this build compared with those of a baseline, an earlier
//! build's results (by default those of the output folder being replaced; `revmark build
//! --baseline` names another).
//!
//! The comparison is pure ([`compare`] takes two [`Results`] and returns the list of changes,
//! comparing typed values), most important first: conclusions that flipped (a 95% CI that now includes, or
//! no longer includes, the line of no effect), then outcomes and studies added or removed,
//! then changed estimates, certainty and wording. A build whose results equal the baseline's
//! keeps the baseline's list, so that rebuilding unchanged sources gives byte-identical output
//! and "What's new" keeps saying what the last change of the data brought.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::model::CertaintyLevel;
use crate::results::{OutcomeResults, Results};

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

/// What a review's results are compared with: an earlier build's results and the changes
/// that build listed.
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    /// The earlier results.json.
    pub results: Results,
    /// The earlier changes.json, when there was a readable one.
    pub changes: Option<Changes>,
}

impl Changes {
    /// No baseline: nothing to compare with.
    pub fn without_baseline() -> Changes {
        NOTHING_COMPARED.clone()
    }
}

/// The changes from the `baseline` to the `new` results (see the module header for the rule
/// that keeps them across rebuilds of unchanged results).
pub fn since(baseline: Option<&Baseline>, new: &Results) -> Changes {
    let Some(baseline) = baseline else {
        return Changes::without_baseline();
    };
    if baseline.results == *new
        && let Some(kept) = &baseline.changes
    {
        return kept.clone();
    }
    Changes {
        compared: true,
        items: compare(&baseline.results, new),
    }
}

impl Changes {
    /// changes.json: the list as JSON, pretty-printed with a final newline.
    pub fn json(&self) -> String {
        let mut json = serde_json::to_string_pretty(self).expect("changes serialise");
        json.push('\n');
        json
    }
}

/// What a What's new page (changes.md, from the changes.md template) reports of one review.
#[derive(Debug, Clone, Copy)]
pub enum WhatsNew<'a> {
    /// Its results compared with a baseline's (`compared` is false when there was none).
    Changes(&'a Changes),
    /// `revmark diff`: the review is only in the new results.
    OnlyInNew,
    /// `revmark diff`: the review is only in the old results.
    OnlyInOld,
}

/// The context of the changes.md template.
#[derive(Debug, Serialize)]
pub(super) struct ChangesPage<'a> {
    /// The review's id.
    pub slug: &'a str,
    /// The changes (none compared for a review on one side only).
    pub changes: &'a Changes,
    /// "new" or "old" for a review on one side only of `revmark diff`.
    pub only_in: Option<&'static str>,
}

/// No changes, nothing compared: what a page of a review on one side only shows.
static NOTHING_COMPARED: Changes = Changes {
    compared: false,
    items: Vec::new(),
};

impl<'a> ChangesPage<'a> {
    /// The page of review `slug`.
    pub fn new(slug: &'a str, whats_new: WhatsNew<'a>) -> ChangesPage<'a> {
        let (changes, only_in) = match whats_new {
            WhatsNew::Changes(changes) => (changes, None),
            WhatsNew::OnlyInNew => (&NOTHING_COMPARED, Some("new")),
            WhatsNew::OnlyInOld => (&NOTHING_COMPARED, Some("old")),
        };
        ChangesPage {
            slug,
            changes,
            only_in,
        }
    }
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
    outcome: &'a OutcomeResults,
}

impl<'a> OutcomeRef<'a> {
    fn key(&self) -> (&'a str, &'a str) {
        (self.comparison, &self.outcome.id)
    }

    fn side(&self) -> Option<Side> {
        let pooled = self.outcome.pooled.as_ref()?;
        let null = self.outcome.measure.null_value();
        Some(if pooled.ci_high < null {
            Side::Below
        } else if pooled.ci_low > null {
            Side::Above
        } else {
            Side::Crosses
        })
    }

    /// "RR 0.65, 95% CI 0.46 to 0.90", "not estimable", or "not pooled (subtotals only)".
    fn effect(&self) -> String {
        crate::format::effect_in_text(self.outcome)
    }

    /// "8 studies, 6942 participants".
    fn counts(&self) -> String {
        format!(
            "{}, {} participants",
            crate::english::count_noun(self.outcome.studies as u64, "study"),
            crate::format::count(self.outcome.participants)
        )
    }

    /// Study ids with a row in the outcome.
    fn studies(&self) -> BTreeSet<&'a str> {
        self.outcome
            .study_results
            .iter()
            .map(|row| row.study.as_str())
            .collect()
    }

    /// "low certainty", or "not assessed".
    fn certainty(&self) -> String {
        self.outcome
            .certainty
            .map_or("not assessed".to_string(), |c: CertaintyLevel| {
                format!("{} certainty", c.words())
            })
    }

    /// "Pre-eclampsia (RR, MH, random effect)".
    fn wording(&self) -> String {
        let o = self.outcome;
        format!(
            "{} ({}, {}, {} effect)",
            o.name,
            o.measure.label(),
            crate::results::method_name(o.method),
            crate::results::model_name(o.model)
        )
    }

    fn change(&self, kind: ChangeKind, text: String) -> Change {
        Change {
            kind,
            label: kind.label().to_string(),
            number: Some(self.outcome.number.clone()),
            comparison: Some(self.comparison.to_string()),
            outcome: Some(self.outcome.id.clone()),
            subject: self.outcome.name.clone(),
            text,
        }
    }
}

fn outcomes(results: &Results) -> Vec<OutcomeRef<'_>> {
    results
        .outcomes()
        .map(|(c, o)| OutcomeRef {
            comparison: &c.id,
            outcome: o,
        })
        .collect()
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
fn analyses_by_study<'a>(list: &[OutcomeRef<'a>]) -> BTreeMap<&'a str, Vec<&'a str>> {
    let mut by_study: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for o in list {
        for s in o.studies() {
            by_study.entry(s).or_default().push(&o.outcome.number);
        }
    }
    by_study
}

/// The changes from the `old` results to the `new` ones, most important first; within a kind,
/// in the order of the new results (removed items in the order of the old ones).
pub fn compare(old: &Results, new: &Results) -> Vec<Change> {
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
    let analyses_of = |by_study: &BTreeMap<&str, Vec<&str>>, study: &str| {
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
    if o.certainty() != n.certainty() {
        changes.push(n.change(
            ChangeKind::CertaintyChanged,
            format!("now {}; was {}", n.certainty(), o.certainty()),
        ));
    }
    if o.wording() != n.wording() {
        changes.push(n.change(
            ChangeKind::WordingChanged,
            format!("now {}; was {}", n.wording(), o.wording()),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Measure, MethodKey, ModelKey, Tau2Key, Totals};
    use crate::results::{BuildOnly, ComparisonResults, Pooled, StudyResult};

    fn results(outcomes: Vec<OutcomeResults>) -> Results {
        Results {
            review: "r".into(),
            comparisons: vec![ComparisonResults {
                id: "c".into(),
                number: 1,
                name: "C".into(),
                outcomes,
            }],
        }
    }

    fn outcome(id: &str, low: f64, high: f64, studies: &[&str]) -> OutcomeResults {
        OutcomeResults {
            id: id.into(),
            outcome: id.into(),
            number: "1.1".into(),
            name: id.into(),
            measure: Measure::RiskRatio,
            method: MethodKey::MH,
            model: ModelKey::Fixed,
            tau2: Tau2Key::DL,
            hksj: false,
            totals: Totals::Overall,
            subgroup_test: true,
            certainty: Some(CertaintyLevel::Low),
            studies: studies.len(),
            estimable_studies: studies.len(),
            participants: 100,
            pooled: Some(Pooled {
                estimate: (low * high).sqrt(),
                ci_low: low,
                ci_high: high,
                se: 0.1,
                z: 1.0,
                p: 0.3,
                analysis: BuildOnly(None),
            }),
            heterogeneity: None,
            prediction: None,
            study_results: studies
                .iter()
                .map(|s| StudyResult {
                    study: s.to_string(),
                    arm: None,
                    estimate: None,
                    ci_low: None,
                    ci_high: None,
                    weight: 0.0,
                    estimable: false,
                    effect: BuildOnly(None),
                    data: BuildOnly(None),
                })
                .collect(),
            subgroups: Vec::new(),
            subgroup_differences: None,
            warning: None,
            small_study_effects: None,
            grade_suggestion: None,
            sensitivity: Default::default(),
            funnel_centre: BuildOnly(None),
        }
    }

    #[test]
    fn identical_results_have_no_changes() {
        let r = results(vec![outcome("a", 0.5, 0.9, &["S1"])]);
        assert!(compare(&r, &r).is_empty());
    }

    #[test]
    fn flipped_conclusion_comes_first() {
        let old = results(vec![outcome("a", 0.5, 0.9, &["S1"])]);
        let mut changed = outcome("a", 0.7, 1.2, &["S1", "S2"]);
        changed.certainty = Some(CertaintyLevel::Moderate);
        let new = results(vec![changed]);
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
        assert_eq!(changes[2].text, "now moderate certainty; was low certainty");
    }

    #[test]
    fn leaving_the_line_and_reversing_are_flips() {
        let crossing = results(vec![outcome("a", 0.7, 1.2, &["S1"])]);
        let below = results(vec![outcome("a", 0.5, 0.9, &["S1"])]);
        let above = results(vec![outcome("a", 1.1, 1.9, &["S1"])]);
        assert!(
            compare(&crossing, &below)[0]
                .text
                .contains("no longer includes")
        );
        assert!(compare(&below, &above)[0].text.contains("reversed"));
    }

    // The line of no effect follows the measure's scale: 0 for a difference.
    #[test]
    fn differences_flip_at_zero() {
        let mut before = outcome("a", -0.5, -0.1, &["S1"]);
        before.measure = Measure::MeanDifference;
        let mut after = before.clone();
        after.pooled.as_mut().unwrap().ci_high = 0.2;
        let changes = compare(&results(vec![before.clone()]), &results(vec![after]));
        assert_eq!(changes[0].kind, ChangeKind::ConclusionFlipped);
        // On a ratio scale the same interval lies below 1 both times.
        let (mut ratio_before, mut ratio_after) = (before.clone(), before);
        ratio_before.measure = Measure::RiskRatio;
        ratio_after.measure = Measure::RiskRatio;
        ratio_after.pooled.as_mut().unwrap().ci_high = 0.2;
        let changes = compare(&results(vec![ratio_before]), &results(vec![ratio_after]));
        assert_eq!(changes[0].kind, ChangeKind::EffectChanged);
    }

    #[test]
    fn small_changes_below_printed_precision_are_not_listed() {
        let old = results(vec![outcome("a", 0.5, 0.9, &["S1"])]);
        let new = results(vec![outcome("a", 0.5000001, 0.9, &["S1"])]);
        assert!(compare(&old, &new).is_empty());
    }

    #[test]
    fn outcomes_added_and_removed() {
        let old = results(vec![outcome("a", 0.5, 0.9, &["S1"])]);
        let new = results(vec![outcome("b", 0.5, 0.9, &["S1"])]);
        let kinds: Vec<ChangeKind> = compare(&old, &new).iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            [ChangeKind::OutcomeAdded, ChangeKind::OutcomeRemoved]
        );
    }

    #[test]
    fn a_changed_method_is_a_change_of_wording() {
        let old = results(vec![outcome("a", 0.5, 0.9, &["S1"])]);
        let mut changed = outcome("a", 0.5, 0.9, &["S1"]);
        changed.method = MethodKey::IV;
        changed.model = ModelKey::Random;
        let changes = compare(&old, &results(vec![changed]));
        assert_eq!(changes.len(), 1);
        assert_eq!(
            changes[0].text,
            "now a (RR, IV, random effect); was a (RR, MH, fixed effect)"
        );
    }
}
