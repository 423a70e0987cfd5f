//! Leave-one-out sensitivity analysis (Handbook §10.14): the outcome refitted without each
//! estimable study in turn, with its own method, model and tau² estimator, and whether leaving
//! a study out changes the conclusion.

use super::fit::{fit, fit_effects};
use super::input::{Row, Settings, Tau2Estimator};
use super::interval::IntervalPosition;
use super::output::{Heterogeneity, Pooled, RowResult};

/// Leave-one-out needs at least this many estimable studies, so that every refit pools two.
pub const LEAVE_ONE_OUT_MIN_STUDIES: usize = 3;

/// The outcome without one study. All values are on the analysis scale (log for ratios).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LeftOut {
    /// The index (in the rows given) of the left-out study's first row.
    pub row: usize,
    /// The estimable rows that remain.
    pub estimable: usize,
    /// The pooled result without the study: `y` is the estimate, with `ci_low`, `ci_high`
    /// and `p`.
    pub pooled: Pooled,
    /// Heterogeneity without the study: Q-based `i2` and, for random effects, `tau2`.
    pub heterogeneity: Heterogeneity,
    /// `Some` when REML or Paule-Mandel did not converge in this refit (tau² then falls back
    /// to DerSimonian-Laird, as in [`fit`]).
    pub not_converged: Option<Tau2Estimator>,
}

/// Refits the outcome without each estimable study in turn, in the order of the studies'
/// first rows. `rows` pairs each data row with its study (any key that tells studies apart:
/// a study id); a study with several rows (in several subgroups) is left out whole. Pass the
/// rows of all subgroups concatenated, as the overall fit pools them. `None` with fewer than
/// [`LEAVE_ONE_OUT_MIN_STUDIES`] estimable studies.
pub fn leave_one_out<K: PartialEq>(settings: &Settings, rows: &[(K, Row)]) -> Option<Vec<LeftOut>> {
    let all: Vec<Row> = rows.iter().map(|(_, row)| *row).collect();
    let full = fit(settings, &all);
    // The first row of every study with an estimable row, in row order.
    let mut studies: Vec<usize> = Vec::new();
    for (index, ((study, _), result)) in rows.iter().zip(&full.rows).enumerate() {
        let seen = studies.iter().any(|&first| rows[first].0 == *study);
        if result.effect.is_some() && !seen {
            studies.push(index);
        }
    }
    if studies.len() < LEAVE_ONE_OUT_MIN_STUDIES {
        return None;
    }
    let mut results = Vec::with_capacity(studies.len());
    for &first in &studies {
        let left_out = &rows[first].0;
        let (remaining, effects): (Vec<Row>, Vec<RowResult>) = rows
            .iter()
            .zip(&full.rows)
            .filter(|((study, _), _)| study != left_out)
            .map(|((_, row), result)| {
                (
                    *row,
                    RowResult {
                        weight: 0.0,
                        ..*result
                    },
                )
            })
            .unzip();
        let refit = fit_effects(settings, &remaining, effects);
        // Two or more estimable studies remain, so the refit always pools.
        if let (Some(pooled), Some(heterogeneity)) = (refit.pooled, refit.heterogeneity) {
            results.push(LeftOut {
                row: first,
                estimable: refit.estimable,
                pooled,
                heterogeneity,
                not_converged: refit.not_converged,
            });
        }
    }
    Some(results)
}

/// How leaving a study out changes the conclusion about no effect (0 on the analysis scale).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConclusionChange {
    /// The full interval excludes no effect; without the study it includes it.
    CrossesNoEffect,
    /// The full interval includes no effect; without the study it excludes it.
    LeavesNoEffect,
    /// Both exclude no effect, on opposite sides.
    ReversesDirection,
}

/// Whether the pooled result `without` a study reaches another conclusion than the `full` one:
/// its confidence interval crosses or leaves the line of no effect (0 on the analysis scale),
/// or lies on the other side of it. `None` when the conclusion stands.
pub fn conclusion_change(full: &Pooled, without: &Pooled) -> Option<ConclusionChange> {
    let before = IntervalPosition::of(full.ci_low, full.ci_high, 0.0);
    let after = IntervalPosition::of(without.ci_low, without.ci_high, 0.0);
    match (before.includes(), after.includes()) {
        _ if before == after => None,
        (false, true) => Some(ConclusionChange::CrossesNoEffect),
        (true, false) => Some(ConclusionChange::LeavesNoEffect),
        _ => Some(ConclusionChange::ReversesDirection),
    }
}
