//! The few distribution functions the engine needs, wrapped around statrs.
//!
//! Upper tails use `sf()`, never `1 - cdf()`, which underflows to 0 for large
//! statistics (χ² = 152.2 on 12 df: `sf` gives R's 2.0e-26, `1 - cdf` gives 0).
//! Degrees of freedom are always ≥ 1 where these are called; a non-positive
//! value gives a p of 1 and a quantile of infinity rather than a panic.

use std::sync::OnceLock;

use statrs::distribution::{ChiSquared, ContinuousCDF, Normal, StudentsT};

/// qnorm(0.975), the 97.5% standard normal quantile (R's value to the last bit).
pub(crate) const Z_975: f64 = 1.959_963_984_540_054;

/// The 95% normal confidence interval y ± qnorm(0.975)·se.
pub fn normal_ci(y: f64, se: f64) -> (f64, f64) {
    (y - Z_975 * se, y + Z_975 * se)
}

/// Two-sided normal p-value of a z statistic.
pub(crate) fn normal_two_sided_p(z: f64) -> f64 {
    (2.0 * Normal::standard().sf(z.abs())).min(1.0)
}

/// Upper tail P(χ²(df) > q).
pub(crate) fn chi_squared_upper(q: f64, df: usize) -> f64 {
    ChiSquared::new(df as f64).map_or(1.0, |chi2| chi2.sf(q.max(0.0)))
}

fn students_t(df: usize) -> Option<StudentsT> {
    StudentsT::new(0.0, 1.0, df as f64).ok()
}

/// Two-sided p-value of a t statistic with `df` degrees of freedom.
pub(crate) fn t_two_sided_p(t: f64, df: usize) -> f64 {
    students_t(df).map_or(1.0, |dist| (2.0 * dist.sf(t.abs())).min(1.0))
}

/// Degrees of freedom below this keep their t quantile once computed.
const KEPT_T_QUANTILES: usize = 256;

/// The t quantiles computed so far, by degrees of freedom. statrs inverts the t distribution
/// by iteration (dozens of incomplete beta functions a quantile), and leave-one-out asks for
/// the prediction interval's quantile of the same few df hundreds of times.
static T_975_BY_DF: [OnceLock<f64>; KEPT_T_QUANTILES] =
    [const { OnceLock::new() }; KEPT_T_QUANTILES];

/// The 97.5% quantile of t with `df` degrees of freedom.
pub(crate) fn t_975(df: usize) -> f64 {
    match T_975_BY_DF.get(df) {
        Some(kept) => *kept.get_or_init(|| t_975_computed(df)),
        None => t_975_computed(df),
    }
}

fn t_975_computed(df: usize) -> f64 {
    students_t(df).map_or(f64::INFINITY, |dist| dist.inverse_cdf(0.975))
}
