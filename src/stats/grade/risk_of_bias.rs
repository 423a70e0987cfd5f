//! Risk of bias (GRADE guideline 4; Handbook chapter 14 and Handbook 5.1 Table 12.2.d, "most
//! information is from studies at low risk of bias"): the shares of the pooled weight from
//! studies at high and at unclear risk in the key domains.

use super::{DomainSuggestion, GradeThresholds, percent};
use crate::model::{Judgement, RobDomain, RobTool};

/// The RoB 1 domains that decide a study's risk for GRADE: selection bias (sequence
/// generation, allocation concealment), performance and detection bias (blinding) and
/// attrition bias (incomplete outcome data). Selective reporting and other bias are not
/// counted: the authors weigh them in their own judgement. RoB 2 has an overall judgement.
const ROB1_KEY_DOMAINS: [&str; 5] = [
    "sequence_generation",
    "allocation_concealment",
    "blinding_participants",
    "blinding_outcome",
    "incomplete_data",
];

/// One study's risk for GRADE and its weight in the analysis (any non-negative scale: the
/// percentages of a fit's `RowResult::weight` will do).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StudyRisk {
    /// The study's key judgement (see [`key_judgement`]).
    pub judgement: Judgement,
    /// Its weight in the pooled result.
    pub weight: f64,
}

/// A study's key judgement: RoB 1, high if any key domain (sequence generation, allocation
/// concealment, blinding of participants or of outcome assessment, incomplete outcome data)
/// is high, else unclear if any is unclear, else low; RoB 2, the overall judgement.
/// `judgement_of` gives the study's judgement of a domain (`IncludedStudy::judgement`).
pub fn key_judgement(tool: RobTool, judgement_of: impl Fn(&RobDomain) -> Judgement) -> Judgement {
    let key_domains: &[&str] = match tool {
        RobTool::Rob1 => &ROB1_KEY_DOMAINS,
        RobTool::Rob2 => &["overall"],
    };
    let judgements: Vec<Judgement> = tool
        .domains()
        .iter()
        .filter(|domain| key_domains.contains(&domain.key))
        .map(judgement_of)
        .collect();
    // Worst first; a domain not assessed lies between unclear and high.
    [
        Judgement::High,
        Judgement::Unclear,
        Judgement::NotAssessed,
        Judgement::Low,
    ]
    .into_iter()
    .find(|j| judgements.contains(j))
    .unwrap_or(Judgement::Low)
}

/// The shares (0 to 1, summing to 1) of the pooled weight by key judgement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RiskOfBiasShares {
    /// From studies at low risk.
    pub low: f64,
    /// From studies at unclear risk (RoB 2: some concerns), or not assessed.
    pub unclear: f64,
    /// From studies at high risk.
    pub high: f64,
}

impl RiskOfBiasShares {
    /// The shares of these studies' weight; `None` when no study has weight.
    pub fn of(studies: &[StudyRisk]) -> Option<RiskOfBiasShares> {
        let (mut low, mut unclear, mut high) = (0.0, 0.0, 0.0);
        for study in studies {
            let weight = study.weight.max(0.0);
            match study.judgement {
                Judgement::Low => low += weight,
                Judgement::Unclear | Judgement::NotAssessed => unclear += weight,
                Judgement::High => high += weight,
            }
        }
        let total = low + unclear + high;
        (total > 0.0 && total.is_finite()).then(|| RiskOfBiasShares {
            low: low / total,
            unclear: unclear / total,
            high: high / total,
        })
    }
}

/// The risk-of-bias suggestion:
/// - 2 when studies at high risk carry at least `rob_high_very_serious` of the weight;
/// - 1 when they carry at least `rob_high_serious`, or when studies at high or unclear risk
///   together carry at least `rob_not_low_serious`;
/// - 0 otherwise.
pub fn risk_of_bias(
    tool: RobTool,
    studies: &[StudyRisk],
    thresholds: &GradeThresholds,
) -> DomainSuggestion {
    let Some(shares) = RiskOfBiasShares::of(studies) else {
        return DomainSuggestion::new(
            0,
            "No study carries weight in this analysis, so there is no risk of bias to weigh."
                .into(),
        );
    };
    // Where no study is at high risk, the sentence names only the judgement there is.
    let no_high = shares.high == 0.0;
    let unclear_words = match (tool, no_high) {
        (RobTool::Rob1, false) => "at unclear or high risk of bias",
        (RobTool::Rob1, true) => "at unclear risk of bias",
        (RobTool::Rob2, false) => "with some concerns or at high risk of bias",
        (RobTool::Rob2, true) => "with some concerns",
    };
    let high_clause = if no_high {
        "none at high risk".to_string()
    } else {
        format!("{} at high risk", percent(shares.high))
    };
    let not_low = shares.unclear + shares.high;
    if shares.high >= thresholds.rob_high_very_serious {
        DomainSuggestion::new(
            2,
            format!(
                "Studies at high risk of bias carry {} of the weight, most of the information.",
                percent(shares.high)
            ),
        )
    } else if shares.high >= thresholds.rob_high_serious {
        DomainSuggestion::new(
            1,
            format!(
                "Studies at high risk of bias carry {} of the weight.",
                percent(shares.high)
            ),
        )
    } else if not_low >= thresholds.rob_not_low_serious {
        // The share at high risk is said only where there is one.
        let of_it = if no_high {
            String::new()
        } else {
            format!(" ({high_clause})")
        };
        DomainSuggestion::new(
            1,
            format!(
                "Studies {unclear_words} carry {} of the weight{of_it}.",
                percent(not_low)
            ),
        )
    } else {
        DomainSuggestion::new(
            0,
            format!(
                "Studies at low risk of bias carry {} of the weight ({high_clause}).",
                percent(shares.low)
            ),
        )
    }
}

/// [`risk_of_bias`] where no study records a judgement (Review Manager's data-only files carry
/// none): every study has the tool's default judgement, which the reason says rather than
/// read as the authors' judgement of the studies.
pub fn risk_of_bias_unrecorded(tool: RobTool, suggestion: DomainSuggestion) -> DomainSuggestion {
    if suggestion.downgrade == 0 {
        return suggestion;
    }
    let default = match tool {
        RobTool::Rob1 => "to be at unclear risk of bias",
        RobTool::Rob2 => "as not assessed",
    };
    DomainSuggestion::new(
        suggestion.downgrade,
        format!("No study records a risk-of-bias judgement, so every study is taken {default}."),
    )
}
