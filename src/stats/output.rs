//! What the engine returns: per-row effects and weights, the pooled result,
//! heterogeneity and the prediction interval. All values are on the analysis
//! scale (log for ratio measures) and never NaN.

use super::dist::chi_squared_upper;
use super::input::Tau2Estimator;

/// A study's effect on the analysis scale (log for ratio measures).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Effect {
    /// The estimate.
    pub y: f64,
    /// Its standard error.
    pub se: f64,
    /// Lower end of the 95% normal confidence interval.
    pub ci_low: f64,
    /// Upper end of the 95% normal confidence interval.
    pub ci_high: f64,
}

/// The result for one input row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RowResult {
    /// The row's effect; `None` when the row is not estimable.
    pub effect: Option<Effect>,
    /// Percent of this fit's pooled result; 0 when not estimable.
    pub weight: f64,
}

/// A pooled estimate on the analysis scale.
///
/// Under HKSJ `se` and `z` are the HKSJ standard error and t statistic, the
/// interval uses t(k − 1) and `p` comes from t(k − 1); otherwise they are
/// normal (Wald) quantities.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pooled {
    /// The pooled estimate.
    pub y: f64,
    /// Its standard error.
    pub se: f64,
    /// Lower end of the 95% confidence interval.
    pub ci_low: f64,
    /// Upper end of the 95% confidence interval.
    pub ci_high: f64,
    /// The signed test statistic y / se.
    pub z: f64,
    /// Its two-sided p-value.
    pub p: f64,
}

/// Cochran's Q and what follows from it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Heterogeneity {
    /// Q ("Chi²" in Review Manager); with Mantel-Haenszel centred on the MH estimate.
    pub q: f64,
    /// Degrees of freedom: estimable studies (or subgroups) minus one.
    pub df: usize,
    /// Upper chi-squared tail of `q`; `None` when `df` is 0.
    pub p: Option<f64>,
    /// Q-based I² in percent; `None` when `df` is 0.
    pub i2: Option<f64>,
    /// The between-study variance; `Some` only for random-effects models.
    pub tau2: Option<f64>,
}

impl Heterogeneity {
    /// Q with df ≥ 1: its χ² p and I² = max(0, (Q − df)/Q)·100, 0 when Q = 0
    /// (docs/statistics.md, "Heterogeneity"); no tau².
    pub(crate) fn from_q(q: f64, df: usize) -> Heterogeneity {
        let i2 = if q > 0.0 {
            (100.0 * (q - df as f64) / q).max(0.0)
        } else {
            0.0
        };
        Heterogeneity {
            q,
            df,
            p: Some(chi_squared_upper(q, df)),
            i2: Some(i2),
            tau2: None,
        }
    }
}

/// The analysis of one outcome (or one subgroup).
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// One result per input row, in the same order.
    pub rows: Vec<RowResult>,
    /// k: the number of rows with an estimable effect.
    pub estimable: usize,
    /// The pooled result; `None` when k is 0.
    pub pooled: Option<Pooled>,
    /// Heterogeneity; `None` when k is 0.
    pub heterogeneity: Option<Heterogeneity>,
    /// The 95% prediction interval μ ± t(k − 2, 0.975)·√(tau² + SE²) on the analysis
    /// scale, with SE the reported pooled SE (the HKSJ SE under HKSJ); random
    /// effects with k ≥ 3 only.
    pub prediction: Option<(f64, f64)>,
    /// `Some` when REML or Paule-Mandel did not converge; tau² then falls back to
    /// DerSimonian-Laird (computed from this analysis's Q), and the fit is
    /// otherwise complete.
    pub not_converged: Option<Tau2Estimator>,
}

/// An outcome analysed by subgroups.
#[derive(Debug, Clone, PartialEq)]
pub struct SubgroupFit {
    /// Each subgroup pooled on its own, with its own tau²; row weights are relative to the subgroup.
    pub subgroups: Vec<Fit>,
    /// All rows of all subgroups, concatenated in order, with one tau²; row weights sum to 100.
    pub overall: Fit,
    /// The test for subgroup differences (`tau2` is `None`); `None` when fewer
    /// than 2 subgroups are estimable.
    pub differences: Option<Heterogeneity>,
}
