//! The optimal information size (GRADE guideline 6): the participants a single two-arm trial
//! needs to detect the important effect with two-sided α and power 1 − β.

use statrs::distribution::{ContinuousCDF, Normal};

use super::ImportantEffect;
use crate::stats::input::{Measure, Row};

/// What the trial behind the optimal information size must detect.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PowerTarget {
    /// Two risks (0 to 1, different).
    Proportions {
        /// The comparator (control) risk.
        comparator: f64,
        /// The intervention risk the important effect implies.
        intervention: f64,
    },
    /// A difference of two means.
    Means {
        /// The important difference (above 0).
        difference: f64,
        /// The standard deviation of the outcome in each arm (above 0).
        sd: f64,
    },
}

impl PowerTarget {
    /// The target for an outcome's measure and smallest important effect, with the reduction
    /// the important effect describes:
    /// - RR: intervention risk = comparator risk / T (T = e^important, so 1.25 gives a 20%
    ///   relative risk reduction, the lower end of the band 1/T to T);
    /// - OR: intervention odds = comparator odds / T;
    /// - RD: intervention risk = comparator risk − T (+ T when that is not above 0);
    /// - MD: the difference T with `sd`; SMD: the difference T with SD 1.
    ///
    /// `None` for generic outcomes (no arms to size), without a comparator risk strictly
    /// between 0 and 1 (dichotomous) or an SD above 0 (MD), or when the implied risk is not
    /// strictly between 0 and 1.
    pub fn for_outcome(
        measure: Measure,
        important: ImportantEffect,
        comparator_risk: Option<f64>,
        sd: Option<f64>,
    ) -> Option<PowerTarget> {
        let m = important.magnitude();
        let proportions = |intervention: f64| {
            let comparator = comparator_risk?;
            let valid = |p: f64| p > 0.0 && p < 1.0;
            (valid(comparator) && valid(intervention) && comparator != intervention).then_some(
                PowerTarget::Proportions {
                    comparator,
                    intervention,
                },
            )
        };
        let pc = comparator_risk.unwrap_or(f64::NAN);
        match measure {
            Measure::RiskRatio => proportions(pc / m.exp()),
            Measure::OddsRatio => {
                let odds = pc / (1.0 - pc) / m.exp();
                proportions(odds / (1.0 + odds))
            }
            Measure::RiskDifference => proportions(if pc - m > 0.0 { pc - m } else { pc + m }),
            Measure::MeanDifference => {
                let sd = sd.filter(|s| *s > 0.0 && s.is_finite())?;
                Some(PowerTarget::Means { difference: m, sd })
            }
            Measure::StdMeanDifference => Some(PowerTarget::Means {
                difference: m,
                sd: 1.0,
            }),
            Measure::GenericRatio | Measure::GenericDifference => None,
        }
    }
}

/// A trial's sample size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InformationSize {
    /// Participants per arm, unrounded.
    pub per_arm: f64,
    /// Participants in both arms: twice the per-arm size rounded up.
    pub total: u64,
}

/// The sample size of a two-arm trial with equal arms, two-sided `alpha` and `power`
/// (1 − β), by the normal approximation:
/// - proportions p1, p2: n = (z(1−α/2)·√(2·p̄·(1 − p̄)) + z(power)·√(p1(1 − p1) + p2(1 − p2)))²
///   / (p1 − p2)² per arm, with p̄ the mean of p1 and p2 (Fleiss; what R's `power.prop.test`
///   solves);
/// - means: n = 2·(z(1−α/2) + z(power))²·SD²/difference² per arm.
///
/// `None` unless 0 < α < 1 and 0 < power < 1, or when the size is not finite.
pub fn optimal_information_size(
    target: &PowerTarget,
    alpha: f64,
    power: f64,
) -> Option<InformationSize> {
    if !(alpha > 0.0 && alpha < 1.0 && power > 0.0 && power < 1.0) {
        return None;
    }
    let normal = Normal::standard();
    let (z_alpha, z_beta) = (
        normal.inverse_cdf(1.0 - alpha / 2.0),
        normal.inverse_cdf(power),
    );
    let per_arm = match *target {
        PowerTarget::Proportions {
            comparator: p1,
            intervention: p2,
        } => {
            let mean = f64::midpoint(p1, p2);
            let numerator = z_alpha * (2.0 * mean * (1.0 - mean)).sqrt()
                + z_beta * (p1 * (1.0 - p1) + p2 * (1.0 - p2)).sqrt();
            numerator * numerator / ((p1 - p2) * (p1 - p2))
        }
        PowerTarget::Means { difference, sd } => {
            2.0 * (z_alpha + z_beta).powi(2) * sd * sd / (difference * difference)
        }
    };
    // Sizes beyond 2^53 participants are not meaningful; the cast below is exact within.
    (per_arm.is_finite() && per_arm > 0.0 && per_arm < 4.5e15).then(|| InformationSize {
        per_arm,
        total: 2 * per_arm.ceil() as u64,
    })
}

/// The pooled within-arm standard deviation of the continuous rows,
/// √(Σ(n − 1)·SD² / Σ(n − 1)) over both arms of every row; `None` without continuous rows
/// with n above 1.
pub fn pooled_standard_deviation(rows: &[Row]) -> Option<f64> {
    let (mut sum_squares, mut sum_df) = (0.0, 0.0);
    for row in rows {
        if let Row::Continuous {
            e_sd,
            e_n,
            c_sd,
            c_n,
            ..
        } = *row
        {
            for (sd, n) in [(e_sd, e_n), (c_sd, c_n)] {
                let df = n.saturating_sub(1) as f64;
                sum_squares += df * sd * sd;
                sum_df += df;
            }
        }
    }
    let sd = (sum_squares / sum_df).sqrt();
    (sum_df > 0.0 && sd > 0.0 && sd.is_finite()).then_some(sd)
}
