//! Estimators of the between-study variance tau²: DerSimonian-Laird,
//! REML (Fisher scoring) and Paule-Mandel.

use super::input::Tau2Estimator;
use super::pool::{Estimates, inverse_variance, weighted_squares, weighted_sums};

/// REML and Paule-Mandel stop when the relative change of tau² is below this
/// (docs/statistics.md, "Random effects").
pub const RELATIVE_TOLERANCE: f64 = 1e-10;

/// REML and Paule-Mandel give up (and report non-convergence) after this many steps.
pub const MAX_ITERATIONS: usize = 1000;

/// tau² by the chosen estimator for k ≥ 2 estimable rows, with `q` the Q of the
/// analysis (MH-centred for Mantel-Haenszel). When REML or Paule-Mandel fails
/// to converge, falls back to DerSimonian-Laird from `q` and names the estimator
/// that failed.
pub(crate) fn estimate(
    estimator: Tau2Estimator,
    estimates: Estimates<'_>,
    q: f64,
) -> (f64, Option<Tau2Estimator>) {
    let iterated = match estimator {
        Tau2Estimator::DerSimonianLaird => return (dersimonian_laird(estimates, q), None),
        Tau2Estimator::Reml => reml(estimates),
        Tau2Estimator::PauleMandel => paule_mandel(estimates),
    };
    match iterated {
        Some(tau2) => (tau2, None),
        None => (dersimonian_laird(estimates, q), Some(estimator)),
    }
}

/// max(0, (Q − df)/(Σw − Σw²/Σw)) with w = 1/v (DerSimonian & Laird 1986;
/// docs/statistics.md, "Random effects").
pub(crate) fn dersimonian_laird(estimates: Estimates<'_>, q: f64) -> f64 {
    let (mut k, mut sum_w, mut sum_w2) = (0usize, 0.0, 0.0);
    for (_, v) in estimates.iter() {
        k += 1;
        sum_w += 1.0 / v;
        sum_w2 += 1.0 / (v * v);
    }
    let df = k.saturating_sub(1) as f64;
    let scale = sum_w - sum_w2 / sum_w;
    if scale > 0.0 {
        ((q - df) / scale).max(0.0)
    } else {
        0.0
    }
}

/// One step of an iteration: the next tau² (truncated at 0), or `None` when a
/// value is not finite.
fn next_value(tau2: f64, step: f64) -> Option<f64> {
    step.is_finite().then(|| (tau2 + step).max(0.0))
}

fn converged(old: f64, new: f64) -> bool {
    new == old || (new - old).abs() <= RELATIVE_TOLERANCE * new
}

/// Iterates `step` from `start` until the relative change of tau² is below
/// [`RELATIVE_TOLERANCE`]; `None` after [`MAX_ITERATIONS`] or a non-finite step.
pub(super) fn iterate(start: f64, mut step: impl FnMut(f64) -> f64) -> Option<f64> {
    let mut tau2 = start;
    for _ in 0..MAX_ITERATIONS {
        let next = next_value(tau2, step(tau2))?;
        if converged(tau2, next) {
            return Some(next);
        }
        tau2 = next;
    }
    None
}

/// REML by Fisher scoring (Viechtbauer 2005, eqs. 8-9, as metafor's `rma.uni`):
/// tau² += (Σw²(y − μ)² − tr P)/tr(P²), with tr P = Σw − Σw²/Σw and
/// tr(P²) = Σw² − 2Σw³/Σw + (Σw²/Σw)², started from DerSimonian-Laird.
fn reml(estimates: Estimates<'_>) -> Option<f64> {
    let fixed = inverse_variance(estimates, 0.0);
    let start = dersimonian_laird(estimates, weighted_squares(estimates, fixed.y, 0.0));
    let mut step = Step::new(estimates);
    iterate(start, |tau2| {
        let (sum_w, mu) = step.weigh(tau2);
        let (mut sum_w2, mut sum_w3, mut sum_w2_res) = (0.0, 0.0, 0.0);
        for (&(y, _), &w) in step.points.iter().zip(&step.weights) {
            sum_w2 += w * w;
            sum_w3 += w * w * w;
            sum_w2_res += w * w * (y - mu) * (y - mu);
        }
        let trace_p = sum_w - sum_w2 / sum_w;
        let trace_p2 = sum_w2 - 2.0 * sum_w3 / sum_w + (sum_w2 / sum_w).powi(2);
        (sum_w2_res - trace_p) / trace_p2
    })
}

/// The estimable rows' (y, v), gathered once, and their weights at the current step: an
/// iteration visits them twice a step for up to [`MAX_ITERATIONS`] steps, and leave-one-out
/// iterates once for each study left out.
struct Step {
    points: Vec<(f64, f64)>,
    weights: Vec<f64>,
}

impl Step {
    fn new(estimates: Estimates<'_>) -> Step {
        let points: Vec<(f64, f64)> = estimates.iter().collect();
        let weights = vec![0.0; points.len()];
        Step { points, weights }
    }

    /// Sets the weights w = 1/(v + tau²) and returns Σw and μ = Σw·y/Σw, by the summation
    /// of [`inverse_variance`], so the result is the same to the bit.
    fn weigh(&mut self, tau2: f64) -> (f64, f64) {
        for (w, &(_, v)) in self.weights.iter_mut().zip(&self.points) {
            *w = 1.0 / (v + tau2);
        }
        let pairs = self.weights.iter().zip(&self.points);
        let (sum_w, sum_wy) = weighted_sums(pairs.map(|(&w, &(y, _))| (w, y)));
        (sum_w, sum_wy / sum_w)
    }
}

/// Paule & Mandel (1982): the tau² at which the generalised Q equals k − 1,
/// found by Newton steps (Q(tau²) − (k − 1))/Σw²(y − μ)² from 0, which rise
/// monotonically to the root; 0 when Q(0) ≤ k − 1 (DerSimonian & Kacker 2007).
fn paule_mandel(estimates: Estimates<'_>) -> Option<f64> {
    let df = estimates.count().saturating_sub(1) as f64;
    let mut step = Step::new(estimates);
    iterate(0.0, |tau2| {
        let (_, mu) = step.weigh(tau2);
        let (mut generalised_q, mut slope) = (0.0, 0.0);
        for (&(y, _), &w) in step.points.iter().zip(&step.weights) {
            generalised_q += w * (y - mu) * (y - mu);
            slope += w * w * (y - mu) * (y - mu);
        }
        if generalised_q <= df || slope <= 0.0 {
            // At or past the root from the left (or all y equal): no step.
            0.0
        } else {
            (generalised_q - df) / slope
        }
    })
}
