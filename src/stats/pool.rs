//! Inverse-variance pooling: fixed and random effects, Cochran's Q, the HKSJ
//! standard error and the prediction interval.

use super::dist::t_975;
use super::output::RowResult;

/// The (y, v) pairs of a fit's estimable rows, read from its row results.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Estimates<'a>(pub &'a [RowResult]);

impl<'a> Estimates<'a> {
    /// (y, v) of each estimable row, in order.
    pub fn iter(self) -> impl Iterator<Item = (f64, f64)> + 'a {
        self.0
            .iter()
            .filter_map(|row| row.effect.map(|e| (e.y, e.se * e.se)))
    }

    /// k, the number of estimable rows.
    pub fn count(self) -> usize {
        self.0.iter().filter(|row| row.effect.is_some()).count()
    }
}

/// An inverse-variance pooled estimate with weights 1/(v + tau²).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct IvPooled {
    pub y: f64,
    pub se: f64,
    pub sum_weights: f64,
}

/// Σw·y/Σw with w = 1/(v + tau²) and SE 1/√Σw (tau² = 0: fixed effect).
pub(crate) fn inverse_variance(estimates: Estimates<'_>, tau2: f64) -> IvPooled {
    let (sum_w, sum_wy) = weighted_sums(estimates.iter().map(|(y, v)| (1.0 / (v + tau2), y)));
    IvPooled {
        y: sum_wy / sum_w,
        se: (1.0 / sum_w).sqrt(),
        sum_weights: sum_w,
    }
}

/// Σw and Σw·y over pairs (w, y): the one summation of the inverse-variance mean, which the
/// tau² iterations share (with their weights kept) so that their μ is the pooled estimate's
/// to the bit.
pub(crate) fn weighted_sums(pairs: impl Iterator<Item = (f64, f64)>) -> (f64, f64) {
    let (mut sum_w, mut sum_wy) = (0.0, 0.0);
    for (w, y) in pairs {
        sum_w += w;
        sum_wy += w * y;
    }
    (sum_w, sum_wy)
}

/// Σ(y − centre)²/(v + tau²): Cochran's Q at tau² = 0, the generalised Q otherwise.
pub(crate) fn weighted_squares(estimates: Estimates<'_>, centre: f64, tau2: f64) -> f64 {
    estimates
        .iter()
        .map(|(y, v)| (y - centre) * (y - centre) / (v + tau2))
        .sum()
}

/// The Hartung-Knapp-Sidik-Jonkman SE √(q/Σw*) with
/// q = Σw*(y − μ)²/(k − 1), untruncated (docs/statistics.md, "Random effects").
pub(crate) fn hksj_se(estimates: Estimates<'_>, random: &IvPooled, tau2: f64, k: usize) -> f64 {
    let q = weighted_squares(estimates, random.y, tau2) / (k - 1) as f64;
    (q / random.sum_weights).sqrt()
}

/// μ ± t(k − 2, 0.975)·√(tau² + SE²) (Higgins, Thompson & Spiegelhalter 2009); k ≥ 3.
pub(crate) fn prediction_interval(y: f64, se: f64, tau2: f64, k: usize) -> (f64, f64) {
    let half_width = t_975(k - 2) * (tau2 + se * se).sqrt();
    (y - half_width, y + half_width)
}
