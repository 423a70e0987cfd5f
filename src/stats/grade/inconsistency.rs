//! Inconsistency (GRADE guideline 7; Handbook §10.10.2 and chapter 14): I² with the test for
//! heterogeneity, the prediction interval against no effect and the important effect, and the
//! test for subgroup differences.

use super::{DomainSuggestion, GradeThresholds, ImportantEffect, p_clause};
use crate::format::fixed;
use crate::stats::interval::IntervalPosition;
use crate::stats::output::{Fit, Heterogeneity};

/// The inconsistency suggestion for an outcome's overall fit (and, for an outcome with
/// subgroups, its test for subgroup differences). On the analysis scale, no effect is 0 and
/// the important effects are ±`important`.
///
/// - Fewer than 2 estimable studies: 0 (nothing to compare).
/// - From I²: 2 when I² ≥ `i2_very_serious` and the test for heterogeneity gives
///   p < `heterogeneity_p`; else 1 when I² ≥ `i2_serious`; else 0. One level less when the
///   prediction interval lies wholly on one side of no effect: the results then differ in
///   size, not in direction (GRADE guideline 7).
/// - At least 1 when the prediction interval (random effects, tau² > 0) includes both an
///   important reduction and an important increase while the confidence interval does not:
///   the true effects spread across both sides of what matters.
/// - At least 1 when the test for subgroup differences gives p < `subgroup_p`: the pooled
///   result mixes subgroups whose effects differ.
pub fn inconsistency(
    fit: &Fit,
    subgroup_differences: Option<&Heterogeneity>,
    important: Option<ImportantEffect>,
    thresholds: &GradeThresholds,
) -> DomainSuggestion {
    let heterogeneity = match &fit.heterogeneity {
        Some(h) if fit.estimable >= 2 && h.df >= 1 => h,
        _ => {
            return DomainSuggestion::new(
                0,
                "Fewer than two studies contribute, so there is no inconsistency to assess.".into(),
            );
        }
    };
    let i2 = heterogeneity.i2.unwrap_or(0.0);
    let p = heterogeneity.p.unwrap_or(1.0);
    let mut from_i2: u8 = if i2 >= thresholds.i2_very_serious && p < thresholds.heterogeneity_p {
        2
    } else {
        u8::from(i2 >= thresholds.i2_serious)
    };
    let mut clauses = vec![format!("I² is {}% ({})", fixed(i2, 0), p_clause(p))];

    let prediction = fit.prediction;
    let one_side =
        prediction.is_some_and(|(low, high)| !IntervalPosition::of(low, high, 0.0).includes());
    if one_side && from_i2 > 0 {
        from_i2 -= 1;
        clauses[0].push_str(
            ", but the prediction interval lies wholly on one side of no effect, so the results \
             differ in size rather than direction",
        );
    }

    let spans_both = |(low, high): (f64, f64), m: f64| low <= -m && high >= m;
    let tau2 = heterogeneity.tau2.unwrap_or(0.0);
    let prediction_spans = match (prediction, important, fit.pooled) {
        (Some(interval), Some(m), Some(pooled)) => {
            tau2 > 0.0
                && spans_both(interval, m.magnitude())
                && !spans_both((pooled.ci_low, pooled.ci_high), m.magnitude())
        }
        _ => false,
    };
    if prediction_spans {
        clauses.push(
            "the prediction interval includes both an important reduction and an important \
             increase"
                .into(),
        );
    }

    let subgroup_p = subgroup_differences.and_then(|d| d.p);
    let subgroups_differ = subgroup_p.is_some_and(|p| p < thresholds.subgroup_p);
    if let (true, Some(p)) = (subgroups_differ, subgroup_p) {
        clauses.push(format!(
            "the test for subgroup differences gives {}",
            p_clause(p)
        ));
    }

    let downgrade = from_i2.max(u8::from(prediction_spans || subgroups_differ));
    DomainSuggestion::new(downgrade, format!("{}.", clauses.join("; ")))
}
