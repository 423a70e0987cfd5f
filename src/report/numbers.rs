//! Numbers as Cochrane prints them: effects with two decimals and a real minus sign, intervals
//! as "a to b" in text and "[a, b]" in tables, P values to RevMan's precision.

use crate::format::decimal;
use crate::model::CertaintyLevel;

/// A pooled result on the natural scale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PooledSummary {
    /// Estimate.
    pub estimate: f64,
    /// Lower confidence limit.
    pub ci_low: f64,
    /// Upper confidence limit.
    pub ci_high: f64,
}

/// What the generated text needs to know of one analysed outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultSummary {
    /// Comparison id.
    pub comparison: String,
    /// Protocol outcome id.
    pub outcome: String,
    /// The outcome's title.
    pub outcome_name: String,
    /// The experimental intervention in running text.
    pub experimental: String,
    /// The control in running text.
    pub control: String,
    /// RR, OR, MD, ...
    pub measure: String,
    /// Studies with an estimable result.
    pub studies: u64,
    /// Participants over all rows.
    pub participants: u64,
    /// The pooled result, when any study is estimable.
    pub pooled: Option<PooledSummary>,
    /// The line of no effect on the natural scale (1 for ratios, 0 for differences).
    pub null_value: f64,
    /// GRADE certainty, when given.
    pub certainty: Option<CertaintyLevel>,
    /// Whether the measure is a ratio (its natural scale is multiplicative).
    pub ratio: bool,
    /// The smallest important effect (a ratio above 1, or a difference above 0), if any.
    pub important_effect: Option<f64>,
}

/// "RR 0.62, 95% CI 0.45 to 0.85".
pub fn effect_phrase(measure: &str, pooled: &PooledSummary) -> String {
    format!(
        "{measure} {}, 95% CI {} to {}",
        decimal(pooled.estimate),
        decimal(pooled.ci_low),
        decimal(pooled.ci_high)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_revman() {
        let pooled = PooledSummary {
            estimate: 0.62,
            ci_low: 0.45,
            ci_high: 0.85,
        };
        assert_eq!(effect_phrase("RR", &pooled), "RR 0.62, 95% CI 0.45 to 0.85");
    }
}
