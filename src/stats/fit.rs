//! One outcome: per-row effects, fixed or random pooling, heterogeneity,
//! HKSJ and the prediction interval (docs/statistics.md, "Pooling").

use super::dist::{normal_ci, normal_two_sided_p, t_975, t_two_sided_p};
use super::effect;
use super::input::{Method, Model, Row, Settings};
use super::mh;
use super::output::{Effect, Fit, Heterogeneity, Pooled, RowResult};
use super::pool::{Estimates, hksj_se, inverse_variance, prediction_interval, weighted_squares};
use super::tau2;

/// Analyses one outcome: one [`RowResult`] per row, in order, and the pooled result.
///
/// - k = 0: nothing pooled (`pooled`, `heterogeneity` and `prediction` are `None`).
/// - k = 1: the study is pooled as itself with weight 100, Q = 0, df = 0 and no
///   p or I² (docs/statistics.md, "The overall effect"); tau² is 0 for random
///   effects and HKSJ does not apply (it needs k − 1 ≥ 1 degrees of freedom).
/// - `hksj` is ignored for fixed-effect models.
/// - Random effects with Mantel-Haenszel: tau² (DL from the MH-centred Q, or
///   REML/PM) and inverse-variance pooling with 1/(v + tau²) (docs/statistics.md,
///   "Random effects").
///   Random effects with Peto: the same on Peto's study log odds ratios.
/// - Under HKSJ with all estimates identical the HKSJ SE would be exactly 0 and
///   the t statistic infinite; the Wald random-effects SE is used instead (the
///   "ad hoc" floor q = 1, for this degenerate case only).
pub fn fit(settings: &Settings, rows: &[Row]) -> Fit {
    let results: Vec<RowResult> = rows
        .iter()
        .map(|row| RowResult {
            effect: effect::estimate(settings, row).map(|estimate| {
                let se = estimate.v.sqrt();
                let (ci_low, ci_high) = normal_ci(estimate.y, se);
                Effect {
                    y: estimate.y,
                    se,
                    ci_low,
                    ci_high,
                }
            }),
            weight: 0.0,
        })
        .collect();
    fit_effects(settings, rows, results)
}

/// [`fit`] from the rows' effects as [`fit`] computes them (`results`, one a row, in order;
/// their weights are set here): leave-one-out refits an analysis without each study from the
/// effects computed once for all of them.
pub(super) fn fit_effects(settings: &Settings, rows: &[Row], mut results: Vec<RowResult>) -> Fit {
    let estimable = Estimates(&results).count();
    let mut fit = Fit {
        rows: Vec::new(),
        estimable,
        pooled: None,
        heterogeneity: None,
        prediction: None,
        not_converged: None,
    };
    match estimable {
        0 => {}
        1 => pool_single(settings, &mut results, &mut fit),
        _ => pool_several(settings, rows, &mut results, &mut fit),
    }
    fit.rows = results;
    fit
}

/// A Wald pooled result: normal CI, z = y/se and its two-sided normal p.
fn wald(y: f64, se: f64) -> Pooled {
    let (ci_low, ci_high) = normal_ci(y, se);
    let z = y / se;
    Pooled {
        y,
        se,
        ci_low,
        ci_high,
        z,
        p: normal_two_sided_p(z),
    }
}

fn tau2_if_random(settings: &Settings, tau2: f64) -> Option<f64> {
    (settings.model == Model::Random).then_some(tau2)
}

fn pool_single(settings: &Settings, results: &mut [RowResult], fit: &mut Fit) {
    for result in results.iter_mut() {
        if let Some(effect) = result.effect {
            result.weight = 100.0;
            fit.pooled = Some(wald(effect.y, effect.se));
        }
    }
    fit.heterogeneity = Some(Heterogeneity {
        q: 0.0,
        df: 0,
        p: None,
        i2: None,
        tau2: tau2_if_random(settings, 0.0),
    });
}

/// Sets each estimable row's weight to its share of `total`, in percent.
fn set_weights(
    rows: &[Row],
    results: &mut [RowResult],
    total: f64,
    weight_of: impl Fn(&Row, &Effect) -> f64,
) {
    for (row, result) in rows.iter().zip(results.iter_mut()) {
        if let Some(effect) = result.effect {
            result.weight = 100.0 * weight_of(row, &effect) / total;
        }
    }
}

fn pool_several(settings: &Settings, rows: &[Row], results: &mut [RowResult], fit: &mut Fit) {
    let k = fit.estimable;
    let estimates = Estimates(results);
    let estimable_rows = rows
        .iter()
        .zip(results.iter())
        .filter(|(_, result)| result.effect.is_some())
        .map(|(row, _)| row);
    let mantel_haenszel = match settings.method {
        Method::MantelHaenszel => mh::pool(settings.measure, estimable_rows),
        Method::InverseVariance | Method::Peto => None,
    };
    // The fixed-effect result, and Q around it (around the MH estimate for MH:
    // docs/statistics.md, "Heterogeneity"). Peto's pooled log OR Σ(O − E)/ΣV and its Q are
    // exactly the inverse-variance ones on the study (O − E)/V with v = 1/V.
    let (fixed, q) = if let Some(pooled) = mantel_haenszel {
        (
            wald(pooled.y, pooled.se),
            weighted_squares(estimates, pooled.y, 0.0),
        )
    } else {
        let pooled = inverse_variance(estimates, 0.0);
        (
            wald(pooled.y, pooled.se),
            weighted_squares(estimates, pooled.y, 0.0),
        )
    };
    let mut heterogeneity = Heterogeneity::from_q(q, k - 1);
    let random = settings.model == Model::Random;
    fit.pooled = Some(if random {
        let (tau2, not_converged) = tau2::estimate(settings.tau2, estimates, q);
        let pooled = random_effects(settings, estimates, tau2, k);
        set_weights(rows, results, pooled.1, |_, e| 1.0 / (e.se * e.se + tau2));
        heterogeneity.tau2 = Some(tau2);
        fit.not_converged = not_converged;
        if k >= 3 {
            fit.prediction = Some(prediction_interval(pooled.0.y, pooled.0.se, tau2, k));
        }
        pooled.0
    } else {
        if let Some(pooled) = mantel_haenszel {
            set_weights(rows, results, pooled.total_weight, |row, _| {
                mh::display_weight(settings.measure, row)
            });
        } else {
            let total = 1.0 / (fixed.se * fixed.se);
            set_weights(rows, results, total, |_, e| 1.0 / (e.se * e.se));
        }
        fixed
    });
    fit.heterogeneity = Some(heterogeneity);
}

/// The random-effects pooled result (Wald or HKSJ) and the sum of its weights.
fn random_effects(
    settings: &Settings,
    estimates: Estimates<'_>,
    tau2: f64,
    k: usize,
) -> (Pooled, f64) {
    let pooled = inverse_variance(estimates, tau2);
    let wald_result = wald(pooled.y, pooled.se);
    if !settings.hksj {
        return (wald_result, pooled.sum_weights);
    }
    let se = hksj_se(estimates, &pooled, tau2, k);
    if !(se > 0.0 && se.is_finite()) {
        return (wald_result, pooled.sum_weights);
    }
    let df = k - 1;
    let half_width = t_975(df) * se;
    let t = pooled.y / se;
    (
        Pooled {
            y: pooled.y,
            se,
            ci_low: pooled.y - half_width,
            ci_high: pooled.y + half_width,
            z: t,
            p: t_two_sided_p(t, df),
        },
        pooled.sum_weights,
    )
}
