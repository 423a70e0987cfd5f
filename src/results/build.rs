//! The results of a review from the engine's fits: every analysed outcome of every comparison,
//! numbered as analyses.yaml numbers them (Review Manager's 1.16, 1.16.3, gaps kept), with its
//! numbers on the natural scale as results.json states them and the analysis-scale values
//! beside them.

use std::collections::BTreeSet;

use super::grade;
use super::{
    BuildOnly, ComparisonResults, Effect, Heterogeneity, Interval, OutcomeResults, Pooled,
    Prediction, Results, StudyResult, SubgroupDifferences, SubgroupResults, Warning,
};
use crate::model::{AnalysisOutcome, DataRow, Measure, Review, Tau2Key};
use crate::stats::{self, Fit, OutcomeFit, RowResult, Tau2Estimator};

/// Fits every analysed outcome of the review.
pub fn analyse(review: &Review) -> Results {
    let thresholds = review.protocol.grade.thresholds;
    let outcomes: Vec<(usize, &AnalysisOutcome)> = review
        .comparisons
        .iter()
        .flat_map(|c| c.outcomes.iter().map(move |o| (c.number, o)))
        .collect();
    // Each outcome is analysed on whichever thread is free: with leave-one-out and the GRADE
    // assistant, the statistics of a review of 300 outcomes take a tenth of its build. A small
    // review's take a fraction of a millisecond, less than waking a thread (about 100 bytes of
    // review text per data row).
    let rows: usize = outcomes
        .iter()
        .flat_map(|(_, o)| &o.groups)
        .map(|g| g.rows.len())
        .sum();
    let worth = rows * 100 >= crate::parallel::WORTH_A_THREAD;
    let mut analysed = crate::parallel::map_when(worth, &outcomes, |&(comparison, outcome)| {
        let fit = stats::analyse_outcome(outcome);
        let number = format!("{comparison}.{}", outcome.number);
        let results = outcome_results(outcome, number, &fit);
        grade::assessed(review, outcome, &fit, &thresholds, results)
    })
    .into_iter();
    Results {
        review: review.slug.clone(),
        comparisons: review
            .comparisons
            .iter()
            .map(|comparison| ComparisonResults {
                id: comparison.id.clone(),
                number: comparison.number,
                name: comparison.name.clone(),
                outcomes: analysed.by_ref().take(comparison.outcomes.len()).collect(),
            })
            .collect(),
    }
}

/// Back-transforms a value on the analysis scale to the natural scale.
pub(super) fn natural(measure: &Measure, y: f64) -> f64 {
    if measure.is_ratio() { y.exp() } else { y }
}

fn outcome_results(outcome: &AnalysisOutcome, number: String, fit: &OutcomeFit) -> OutcomeResults {
    let measure = &outcome.measure;
    let all_rows = outcome.groups.iter().flat_map(|g| &g.rows);
    let counted = counts(all_rows.clone().zip(&fit.overall.rows));
    // Each subgroup's rows keep their weight as the outcome's rows have it: in the overall
    // total, or in the subgroup with subtotals only.
    let mut offset = 0;
    let subgroups = outcome
        .groups
        .iter()
        .zip(&fit.subgroups)
        .enumerate()
        .map(|(k, (group, own))| {
            let end = offset + group.rows.len();
            // The engine returns one row result per row, so the range is always there.
            let weighted = fit.overall.rows.get(offset..end).unwrap_or_default();
            offset = end;
            let counted = counts(group.rows.iter().zip(&own.rows));
            SubgroupResults {
                name: group.name.clone(),
                number: format!("{number}.{}", group.number.unwrap_or(k + 1)),
                studies: counted.studies,
                estimable_studies: counted.estimable,
                participants: counted.participants,
                weight: weighted.iter().map(|row| row.weight).sum(),
                pooled: pooled(own, measure),
                heterogeneity: own.heterogeneity.as_ref().map(heterogeneity),
                prediction: prediction(own, measure),
                study_results: study_results(group.rows.iter(), weighted, &own.rows, measure),
            }
        })
        .collect();
    OutcomeResults {
        id: outcome.id.clone(),
        outcome: outcome.outcome.clone(),
        number,
        name: outcome.name.clone(),
        measure: measure.clone(),
        method: outcome.method,
        model: outcome.model,
        tau2: outcome.tau2,
        hksj: outcome.hksj,
        totals: outcome.totals,
        subgroup_test: outcome.subgroup_test,
        certainty: outcome.certainty.as_ref().map(|c| c.level),
        studies: counted.studies,
        estimable_studies: counted.estimable,
        participants: counted.participants,
        pooled: pooled(&fit.overall, measure),
        heterogeneity: fit.overall.heterogeneity.as_ref().map(heterogeneity),
        prediction: prediction(&fit.overall, measure),
        study_results: study_results(all_rows, &fit.overall.rows, &fit.overall.rows, measure),
        subgroups,
        subgroup_differences: fit.differences.as_ref().map(|d| SubgroupDifferences {
            q: d.q,
            df: d.df,
            p: d.p,
            i2: d.i2,
        }),
        warning: warning(&fit.overall),
        small_study_effects: None,
        grade_suggestion: None,
        sensitivity: super::sensitivity::sensitivity(outcome, fit),
        funnel_centre: BuildOnly(fit.funnel_centre),
    }
}

/// What went wrong in a fit, if anything.
pub(super) fn warning(fit: &Fit) -> Option<Warning> {
    fit.not_converged.map(|estimator| {
        Warning::Tau2NotConverged(match estimator {
            Tau2Estimator::DerSimonianLaird => Tau2Key::DL,
            Tau2Estimator::Reml => Tau2Key::REML,
            Tau2Estimator::PauleMandel => Tau2Key::PM,
        })
    })
}

/// The counts of an outcome or subgroup, as Review Manager counts them (docs/statistics.md,
/// "Counts").
pub(super) struct Counts {
    /// Distinct studies with a row, estimable or not.
    pub studies: usize,
    /// Distinct studies with an estimable row.
    pub estimable: usize,
    /// Participants over every row.
    pub participants: u64,
}

pub(super) fn counts<'r>(rows: impl Iterator<Item = (&'r DataRow, &'r RowResult)>) -> Counts {
    // Sets, not lists: a review may have very many studies.
    let mut studies: BTreeSet<&str> = BTreeSet::new();
    let mut estimable: BTreeSet<&str> = BTreeSet::new();
    let mut participants = 0;
    for (row, result) in rows {
        participants += row.participants;
        studies.insert(&row.study);
        if result.effect.is_some() {
            estimable.insert(&row.study);
        }
    }
    Counts {
        studies: studies.len(),
        estimable: estimable.len(),
        participants,
    }
}

pub(super) fn pooled(fit: &Fit, measure: &Measure) -> Option<Pooled> {
    fit.pooled.as_ref().map(|p| natural_pooled(p, measure))
}

/// The engine's pooled estimate as results.json states it, the analysis-scale values beside.
pub(super) fn natural_pooled(p: &stats::Pooled, measure: &Measure) -> Pooled {
    Pooled {
        estimate: natural(measure, p.y),
        ci_low: natural(measure, p.ci_low),
        ci_high: natural(measure, p.ci_high),
        se: p.se,
        z: p.z,
        p: p.p,
        analysis: BuildOnly(Some(Interval {
            y: p.y,
            ci_low: p.ci_low,
            ci_high: p.ci_high,
        })),
    }
}

pub(super) fn heterogeneity(h: &stats::Heterogeneity) -> Heterogeneity {
    Heterogeneity {
        q: h.q,
        df: h.df,
        p: h.p,
        i2: h.i2,
        tau2: h.tau2,
    }
}

pub(super) fn prediction(fit: &Fit, measure: &Measure) -> Option<Prediction> {
    fit.prediction.map(|(low, high)| Prediction {
        low: natural(measure, low),
        high: natural(measure, high),
        analysis: BuildOnly(Some((low, high))),
    })
}

/// Rows with their estimate from `own` (the fit they are listed under) and their weight from
/// `weighted` (the outcome's rows).
fn study_results<'r>(
    rows: impl Iterator<Item = &'r DataRow>,
    weighted: &[RowResult],
    own: &[RowResult],
    measure: &Measure,
) -> Vec<StudyResult> {
    rows.zip(weighted)
        .zip(own)
        .map(|((row, weighted), own)| {
            let effect = own.effect.map(|e| Effect {
                y: e.y,
                se: e.se,
                ci_low: e.ci_low,
                ci_high: e.ci_high,
            });
            StudyResult {
                study: row.study.clone(),
                arm: row.arm.clone(),
                estimate: effect.map(|e| natural(measure, e.y)),
                ci_low: effect.map(|e| natural(measure, e.ci_low)),
                ci_high: effect.map(|e| natural(measure, e.ci_high)),
                weight: if effect.is_some() {
                    weighted.weight
                } else {
                    0.0
                },
                estimable: effect.is_some(),
                effect: BuildOnly(Some(effect)),
                data: BuildOnly(Some(row.values)),
            }
        })
        .collect()
}
