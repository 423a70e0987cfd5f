//! A GRADE assistant: for each domain a pure rule from an outcome's numbers to a suggested
//! downgrade (0, 1 or 2) and a one-sentence reason, and the level they suggest together.
//!
//! Every rule and threshold is stated in docs/grade.md; every threshold is a field of
//! [`GradeThresholds`]. Indirectness needs judgement the data cannot give, and is left to the
//! authors. A suggestion never changes the published certainty by itself.

mod imprecision;
mod inconsistency;
mod information_size;
mod publication_bias;
mod risk_of_bias;

pub use imprecision::imprecision;
pub use inconsistency::inconsistency;
pub use information_size::{
    InformationSize, PowerTarget, optimal_information_size, pooled_standard_deviation,
};
pub use publication_bias::publication_bias;
pub use risk_of_bias::{
    RiskOfBiasShares, StudyRisk, key_judgement, risk_of_bias, risk_of_bias_unrecorded,
};

use super::input::Measure;
use crate::model::CertaintyLevel;

/// The thresholds of the rules, with the defaults docs/grade.md explains. Shares are between
/// 0 and 1, I² is in percent, p-values and α are between 0 and 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GradeThresholds {
    /// Risk of bias: serious (−1) when studies at high risk carry at least this share of the
    /// pooled weight. Default 0.25.
    pub rob_high_serious: f64,
    /// Risk of bias: very serious (−2) when studies at high risk carry at least this share:
    /// most of the information. Default 0.5.
    pub rob_high_very_serious: f64,
    /// Risk of bias: serious (−1) when studies at high or unclear risk (RoB 2: high risk or
    /// some concerns) together carry at least this share: most of the information is not
    /// from studies at low risk. Default 0.5.
    pub rob_not_low_serious: f64,
    /// Inconsistency: serious (−1) from this I² (percent; Handbook §10.10.2, "substantial").
    /// Default 50.
    pub i2_serious: f64,
    /// Inconsistency: very serious (−2) from this I² ("considerable"), when the test for
    /// heterogeneity also gives p below [`Self::heterogeneity_p`]. Default 75.
    pub i2_very_serious: f64,
    /// Inconsistency: the test for heterogeneity counts below this p (the test has low power,
    /// so 0.10 rather than 0.05). Default 0.10.
    pub heterogeneity_p: f64,
    /// Inconsistency: serious (−1) when the test for subgroup differences gives p below this.
    /// Default 0.10.
    pub subgroup_p: f64,
    /// Imprecision: the two-sided α of the trial behind the optimal information size.
    /// Default 0.05.
    pub information_size_alpha: f64,
    /// Imprecision: the power (1 − β) of that trial. Default 0.80.
    pub information_size_power: f64,
    /// Publication bias: serious (−1) when the small-study test gives p below this (the tests
    /// have low power, so 0.10). Default 0.10.
    pub small_study_p: f64,
}

impl Default for GradeThresholds {
    fn default() -> GradeThresholds {
        GradeThresholds {
            rob_high_serious: 0.25,
            rob_high_very_serious: 0.5,
            rob_not_low_serious: 0.5,
            i2_serious: 50.0,
            i2_very_serious: 75.0,
            heterogeneity_p: 0.10,
            subgroup_p: 0.10,
            information_size_alpha: 0.05,
            information_size_power: 0.80,
            small_study_p: 0.10,
        }
    }
}

/// A domain the assistant rates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum GradeDomain {
    /// Risk of bias (study limitations; GRADE guideline 4).
    RiskOfBias,
    /// Inconsistency (GRADE guideline 7).
    Inconsistency,
    /// Imprecision (GRADE guideline 6).
    Imprecision,
    /// Publication bias (GRADE guideline 5).
    PublicationBias,
}

impl GradeDomain {
    /// The four domains, in the order of a Summary of findings footnote.
    pub const ALL: [GradeDomain; 4] = [
        GradeDomain::RiskOfBias,
        GradeDomain::Inconsistency,
        GradeDomain::Imprecision,
        GradeDomain::PublicationBias,
    ];

    /// The key in results.json: "risk_of_bias", "inconsistency", "imprecision",
    /// "publication_bias".
    pub fn key(self) -> &'static str {
        match self {
            GradeDomain::RiskOfBias => "risk_of_bias",
            GradeDomain::Inconsistency => "inconsistency",
            GradeDomain::Imprecision => "imprecision",
            GradeDomain::PublicationBias => "publication_bias",
        }
    }

    /// The domain in words, as authors list their reasons: "risk of bias", "publication bias".
    pub fn words(self) -> &'static str {
        match self {
            GradeDomain::RiskOfBias => "risk of bias",
            GradeDomain::Inconsistency => "inconsistency",
            GradeDomain::Imprecision => "imprecision",
            GradeDomain::PublicationBias => "publication bias",
        }
    }
}

/// One domain's suggestion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainSuggestion {
    /// Levels to rate down: 0 (not serious), 1 (serious) or 2 (very serious).
    pub downgrade: u8,
    /// Why, in one sentence ending with a full stop; numbers only, no text from review files.
    pub reason: String,
}

impl DomainSuggestion {
    fn new(downgrade: u8, reason: String) -> DomainSuggestion {
        DomainSuggestion { downgrade, reason }
    }
}

/// The assistant's suggestion for one outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GradeSuggestion {
    /// The suggested level: the starting level minus every downgrade, at least very low.
    pub level: CertaintyLevel,
    /// Risk of bias.
    pub risk_of_bias: DomainSuggestion,
    /// Inconsistency.
    pub inconsistency: DomainSuggestion,
    /// Imprecision.
    pub imprecision: DomainSuggestion,
    /// Publication bias.
    pub publication_bias: DomainSuggestion,
}

impl GradeSuggestion {
    /// Puts the four domains together, starting from `start` (high for randomised trials).
    pub fn new(
        start: CertaintyLevel,
        risk_of_bias: DomainSuggestion,
        inconsistency: DomainSuggestion,
        imprecision: DomainSuggestion,
        publication_bias: DomainSuggestion,
    ) -> GradeSuggestion {
        let total = [
            &risk_of_bias,
            &inconsistency,
            &imprecision,
            &publication_bias,
        ]
        .iter()
        .map(|d| u32::from(d.downgrade))
        .sum();
        GradeSuggestion {
            level: suggested_level(start, total),
            risk_of_bias,
            inconsistency,
            imprecision,
            publication_bias,
        }
    }

    /// Each domain with its suggestion, in [`GradeDomain::ALL`] order.
    pub fn domains(&self) -> [(GradeDomain, &DomainSuggestion); 4] {
        [
            (GradeDomain::RiskOfBias, &self.risk_of_bias),
            (GradeDomain::Inconsistency, &self.inconsistency),
            (GradeDomain::Imprecision, &self.imprecision),
            (GradeDomain::PublicationBias, &self.publication_bias),
        ]
    }

    /// The domains with a suggested downgrade, in [`GradeDomain::ALL`] order.
    pub fn flagged(&self) -> Vec<GradeDomain> {
        self.domains()
            .into_iter()
            .filter(|(_, d)| d.downgrade > 0)
            .map(|(domain, _)| domain)
            .collect()
    }
}

/// `start` rated down by `downgrades` levels, at least very low.
pub fn suggested_level(start: CertaintyLevel, downgrades: u32) -> CertaintyLevel {
    const LEVELS: [CertaintyLevel; 4] = [
        CertaintyLevel::VeryLow,
        CertaintyLevel::Low,
        CertaintyLevel::Moderate,
        CertaintyLevel::High,
    ];
    let from = LEVELS.iter().position(|&l| l == start).unwrap_or(0);
    let to = from.saturating_sub(usize::try_from(downgrades).unwrap_or(usize::MAX));
    LEVELS[to]
}

/// The smallest important effect as a positive distance from no effect on the analysis
/// scale: ln T for a ratio T (so the band of unimportant effects is 1/T to T), T for a
/// difference (−T to T).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImportantEffect {
    magnitude: f64,
}

impl ImportantEffect {
    /// From a distance on the analysis scale; `None` unless finite and above 0.
    pub fn new(magnitude: f64) -> Option<ImportantEffect> {
        (magnitude.is_finite() && magnitude > 0.0).then_some(ImportantEffect { magnitude })
    }

    /// From the outcome's `important_effect` as written (natural scale): a ratio other than 1
    /// for ratio measures (1.25 and 0.8 are the same band), a non-zero difference otherwise.
    pub fn from_natural(measure: Measure, value: f64) -> Option<ImportantEffect> {
        if measure.is_ratio() {
            if value > 0.0 {
                ImportantEffect::new(value.ln().abs())
            } else {
                None
            }
        } else {
            ImportantEffect::new(value.abs())
        }
    }

    /// The distance from no effect on the analysis scale.
    pub fn magnitude(self) -> f64 {
        self.magnitude
    }
}

/// "62%", "49.5%": a share (0 to 1) in percent to one decimal, as the forest plot gives
/// weights, without a trailing ".0". Rounded down, so that a share just below a threshold
/// (49.96% against 50%) never reads as the threshold; the small allowance keeps a share that
/// floating point puts a hair below a whole tenth (0.29999...) on it.
fn percent(share: f64) -> String {
    let tenths = (share * 1000.0 + 1e-6).floor() / 10.0;
    let text = crate::format::fixed(tenths, 1);
    format!("{}%", text.strip_suffix(".0").unwrap_or(&text))
}

/// "P = 0.03" or "P < 0.00001", as Review Manager prints a P value.
fn p_clause(p: f64) -> String {
    let text = crate::format::p_value(p);
    if text.starts_with('<') {
        format!("P {text}")
    } else {
        format!("P = {text}")
    }
}

#[cfg(test)]
mod tests {
    use super::percent;

    // Shares to one decimal, rounded down, whole numbers without a decimal.
    #[test]
    fn shares_read_as_the_rules_see_them() {
        assert_eq!(percent(0.495084), "49.5%");
        assert_eq!(percent(0.49996), "49.9%");
        assert_eq!(percent(0.5), "50%");
        assert_eq!(percent(0.3 - 1e-12), "30%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(percent(0.0), "0%");
    }
}
