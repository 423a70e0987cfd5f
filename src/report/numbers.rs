//! Numbers as Cochrane prints them: effects with two decimals and a real minus sign, intervals
//! as "a to b" in text and "[a, b]" in tables, P values to RevMan's precision.

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

/// A number with two decimals and the typographic minus sign.
pub fn decimal(x: f64) -> String {
    fixed(x, 2)
}

/// A number with `digits` decimals and the typographic minus sign; never "-0.00".
pub fn fixed(x: f64, digits: usize) -> String {
    let text = format!("{x:.digits$}");
    match text.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_string(),
        Some(rest) => format!("\u{2212}{rest}"),
        None => text,
    }
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

/// "0.62 [0.45, 0.85]", as forest plots and tables print an effect.
pub fn effect_bracketed(estimate: f64, low: f64, high: f64) -> String {
    format!(
        "{} [{}, {}]",
        decimal(estimate),
        decimal(low),
        decimal(high)
    )
}

/// A P value as RevMan prints it: two decimals from 0.01, one significant figure below,
/// "< 0.00001" at the floor.
pub fn p_value(p: f64) -> String {
    if p < 0.00001 {
        "< 0.00001".to_string()
    } else if p < 0.01 {
        let digits = (-p.log10()).ceil() as usize;
        let text = format!("{p:.digits$}");
        // Rounding up can reach the next power of ten (0.0096 -> 0.010); keep one figure.
        text.trim_end_matches('0').to_string()
    } else {
        format!("{p:.2}")
    }
}

/// The measure's name as Review Manager prints it ("Risk Ratio", "Std. Mean Difference"); a
/// generic outcome shows its own label.
pub fn measure_name(measure: &str, peto: bool) -> String {
    match measure {
        "OR" if peto => "Peto Odds Ratio".to_string(),
        "OR" => "Odds Ratio".to_string(),
        "RR" => "Risk Ratio".to_string(),
        "RD" => "Risk Difference".to_string(),
        "MD" => "Mean Difference".to_string(),
        "SMD" => "Std. Mean Difference".to_string(),
        "HR" => "Hazard Ratio".to_string(),
        other => other.to_string(),
    }
}

/// "M-H, Random, 95% CI": the method and model tokens of a forest plot's header.
pub fn method_tokens(method: &str, random: bool) -> String {
    let method = match method {
        "MH" => "M-H",
        other => other,
    };
    format!(
        "{method}, {}, 95% CI",
        if random { "Random" } else { "Fixed" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_revman() {
        assert_eq!(decimal(-0.204), "\u{2212}0.20");
        assert_eq!(decimal(-0.001), "0.00");
        assert_eq!(p_value(0.35), "0.35");
        assert_eq!(p_value(0.0032), "0.003");
        assert_eq!(p_value(0.0000001), "< 0.00001");
        assert_eq!(effect_bracketed(0.62, 0.45, 0.85), "0.62 [0.45, 0.85]");
        let pooled = PooledSummary {
            estimate: 0.62,
            ci_low: 0.45,
            ci_high: 0.85,
        };
        assert_eq!(effect_phrase("RR", &pooled), "RR 0.62, 95% CI 0.45 to 0.85");
    }
}
