//! The GRADE assistant's check of the authors' certainty, for `revmark check`, `build` and the
//! author view (never the published page): a warning at the certainty's level in analyses.yaml
//! where the authors rate higher than the assistant suggests, or their reasons leave out a
//! domain it rates down, unless their `grade_acknowledged` answers it.

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::model::{Certainty, CertaintyLevel, Review};
use crate::results::{GradeSuggestionResults, OutcomeResults, Results};
use crate::stats::grade::{GradeDomain, suggested_level};

/// Words by which the authors' reasons name each domain (lower case, matched anywhere in a
/// reason): "serious risk of bias", "Imprecision (wide confidence interval)",
/// "heterogeneity".
fn names(domain: GradeDomain) -> &'static [&'static str] {
    match domain {
        GradeDomain::RiskOfBias => &[
            "risk of bias",
            "study limitation",
            "blinding",
            "allocation",
            "attrition",
        ],
        GradeDomain::Inconsistency => &["inconsisten", "heterogene"],
        GradeDomain::Imprecision => &[
            "imprecis",
            "confidence interval",
            "information size",
            "few events",
            "few participants",
            "small sample",
        ],
        GradeDomain::PublicationBias => &[
            "publication bias",
            "reporting bias",
            "small-study",
            "small study",
            "funnel",
        ],
    }
}

/// Whether the authors' reasons name `domain` (see [`names`]).
pub fn reasons_name(reasons: &[String], domain: GradeDomain) -> bool {
    reasons.iter().any(|reason| {
        let reason = reason.to_lowercase();
        names(domain).iter().any(|word| reason.contains(word))
    })
}

/// What the assistant finds to question in one certainty rating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    /// The suggested level is below the authors'.
    pub level_higher: bool,
    /// Domains the assistant rates down that the authors' reasons do not name, in
    /// [`GradeDomain::ALL`] order.
    pub unnamed: Vec<GradeDomain>,
    /// The domains the assistant rates down that the authors did not acknowledge: those the
    /// warning explains.
    pub open: Vec<GradeDomain>,
}

/// What is left to question in the authors' `certainty` given the `suggestion`, after their
/// acknowledgement; `None` when nothing is. A reason for the whole suggestion answers
/// everything; reasons by domain answer those domains, and the level once the domains left
/// unanswered no longer suggest a level below the authors'.
pub fn disagreement(
    certainty: &Certainty,
    suggestion: &GradeSuggestionResults,
) -> Option<Disagreement> {
    let acknowledged = |d: GradeDomain| {
        certainty
            .grade_acknowledged
            .as_ref()
            .is_some_and(|a| a.covers(d))
    };
    let flagged: Vec<GradeDomain> = suggestion
        .domains
        .all()
        .into_iter()
        .filter(|(_, d)| d.downgrade > 0)
        .map(|(domain, _)| domain)
        .collect();
    let open: Vec<GradeDomain> = flagged
        .iter()
        .copied()
        .filter(|&d| !acknowledged(d))
        .collect();
    // The level the unanswered domains suggest: an answered domain is the authors' call.
    let unanswered: u32 = open
        .iter()
        .map(|&d| u32::from(suggestion.domains.get(d).downgrade))
        .sum();
    let level_higher = certainty.level > suggestion.level
        && certainty.level > suggested_level(CertaintyLevel::High, unanswered);
    let unnamed: Vec<GradeDomain> = open
        .iter()
        .copied()
        .filter(|&d| !reasons_name(&certainty.reasons, d))
        .collect();
    (level_higher || !unnamed.is_empty()).then_some(Disagreement {
        level_higher,
        unnamed,
        open,
    })
}

/// The warning's text: what the assistant suggests, each open domain with its downgrade and
/// reason, and the domains the reasons leave out.
fn message(
    comparison: &str,
    result: &OutcomeResults,
    certainty: &Certainty,
    suggestion: &GradeSuggestionResults,
    found: &Disagreement,
) -> String {
    let mut text = format!(
        "comparison `{comparison}`, outcome `{}` (analysis {}): ",
        result.id, result.number
    );
    let unnamed: Vec<&str> = found.unnamed.iter().map(|d| d.words()).collect();
    let unnamed = crate::english::join_and(&unnamed);
    let verb = if found.unnamed.len() == 1 {
        "names"
    } else {
        "name"
    };
    match (found.level_higher, found.unnamed.is_empty()) {
        (true, true) => text.push_str(&format!(
            "the certainty is {}, but the GRADE assistant suggests {}.",
            certainty.level.words(),
            suggestion.level.words()
        )),
        (true, false) => text.push_str(&format!(
            "the certainty is {}, but the GRADE assistant suggests {}, and it rates down for \
             {unnamed}, which none of the reasons {verb}.",
            certainty.level.words(),
            suggestion.level.words()
        )),
        _ => text.push_str(&format!(
            "the GRADE assistant rates down for {unnamed}, which none of the reasons {verb}."
        )),
    }
    for domain in &found.open {
        let d = suggestion.domains.get(*domain);
        let words = domain.words();
        text.push_str(&format!(
            " {}{}, \u{2212}{}: {}",
            words[..1].to_uppercase(),
            &words[1..],
            d.downgrade,
            d.reason
        ));
    }
    text
}

/// The GRADE assistant's warnings on the authors' certainty ratings, at each rating's level
/// in `analyses` (analyses.yaml as read; `None` for a review without one).
pub fn certainty_warnings(
    review: &Review,
    results: &Results,
    analyses: Option<&SourceFile>,
) -> Vec<Diagnostic> {
    let Some(file) = analyses else {
        return Vec::new();
    };
    let mut warnings = Vec::new();
    for comparison in &review.comparisons {
        let Some(analysed) = results.comparisons.iter().find(|c| c.id == comparison.id) else {
            continue;
        };
        for (outcome, result) in comparison.outcomes.iter().zip(&analysed.outcomes) {
            let (Some(certainty), Some(suggestion)) =
                (&outcome.certainty, &result.grade_suggestion)
            else {
                continue;
            };
            if let Some(found) = disagreement(certainty, suggestion) {
                let text = message(&comparison.id, result, certainty, suggestion, &found);
                warnings.push(file.warning_at(certainty.at, text).with_help(
                    "see evidence-profile.html; where you judge otherwise, give your reason in \
                     the certainty's `grade_acknowledged` (docs/grade.md)",
                ));
            }
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    // Each domain is named by its own words and common others; "publication bias" does not
    // name risk of bias, and "bias" alone names nothing.
    #[test]
    fn reasons_name_domains_in_the_authors_words() {
        let named = |reason: &str| -> Vec<GradeDomain> {
            GradeDomain::ALL
                .into_iter()
                .filter(|&d| reasons_name(&[reason.to_string()], d))
                .collect()
        };
        use GradeDomain::*;
        assert_eq!(named("Serious risk of bias"), [RiskOfBias]);
        assert_eq!(named("study limitations (no blinding)"), [RiskOfBias]);
        assert_eq!(named("Heterogeneity"), [Inconsistency]);
        assert_eq!(named("inconsistency"), [Inconsistency]);
        assert_eq!(named("wide confidence interval"), [Imprecision]);
        assert_eq!(named("Imprecise: few events"), [Imprecision]);
        assert_eq!(named("publication bias suspected"), [PublicationBias]);
        assert_eq!(named("funnel plot asymmetry"), [PublicationBias]);
        assert_eq!(named("bias"), []);
        assert_eq!(named("indirectness"), []);
    }

    use crate::model::{GradeAcknowledged, Located, Location};
    use crate::results::{BuildOnly, DomainResult, GradeDomains};

    /// A suggestion rating down risk of bias by `rob` and inconsistency by `inconsistency`.
    fn suggestion(rob: u8, inconsistency: u8) -> GradeSuggestionResults {
        let domain = |downgrade| DomainResult {
            downgrade,
            reason: "Why.".into(),
        };
        GradeSuggestionResults {
            level: suggested_level(CertaintyLevel::High, u32::from(rob + inconsistency)),
            domains: GradeDomains {
                risk_of_bias: domain(rob),
                inconsistency: domain(inconsistency),
                imprecision: domain(0),
                publication_bias: domain(0),
            },
            facts: BuildOnly(None),
        }
    }

    fn rating(
        level: CertaintyLevel,
        reasons: &[&str],
        ack: Option<GradeAcknowledged>,
    ) -> Certainty {
        Certainty {
            level,
            reasons: reasons
                .iter()
                .map(std::string::ToString::to_string)
                .collect(),
            footnotes: Vec::new(),
            at: Location::default(),
            grade_acknowledged: ack,
        }
    }

    #[allow(
        clippy::unnecessary_wraps,
        reason = "the tests pass it where an Option is asked"
    )]
    fn by_domain(domains: &[GradeDomain]) -> Option<GradeAcknowledged> {
        Some(GradeAcknowledged::Domains(
            domains
                .iter()
                .map(|&d| {
                    (
                        d,
                        Located::new("Our reason.".to_string(), Location::default()),
                    )
                })
                .collect(),
        ))
    }

    // The level: a warning from one level above the suggestion, none at or below it; an
    // answered domain counts as the authors' call, so the warning goes once the unanswered
    // domains suggest the authors' level or lower.
    #[test]
    fn the_level_and_its_acknowledgement() {
        use CertaintyLevel::*;
        use GradeDomain::*;
        let s = suggestion(1, 2); // very low
        let both = ["risk of bias", "inconsistency"];
        let warns = |level, ack| disagreement(&rating(level, &both, ack), &s);
        assert_eq!(warns(VeryLow, None), None);
        let low = warns(Low, None).unwrap();
        assert!(low.level_higher && low.unnamed.is_empty());
        assert_eq!(low.open, [RiskOfBias, Inconsistency]);
        // Inconsistency answered: risk of bias alone suggests moderate, at or above low.
        assert_eq!(warns(Low, by_domain(&[Inconsistency])), None);
        assert_eq!(warns(Moderate, by_domain(&[Inconsistency])), None);
        assert!(
            warns(High, by_domain(&[Inconsistency]))
                .unwrap()
                .level_higher
        );
        // Risk of bias answered: inconsistency alone suggests low.
        assert_eq!(warns(Low, by_domain(&[RiskOfBias])), None);
        let moderate = warns(Moderate, by_domain(&[RiskOfBias])).unwrap();
        assert_eq!(moderate.open, [Inconsistency]);
        // Both answered, or one reason for all: nothing.
        assert_eq!(warns(High, by_domain(&[RiskOfBias, Inconsistency])), None);
        let all = GradeAcknowledged::All(Located::new("Ours.".into(), Location::default()));
        assert_eq!(warns(High, Some(all)), None);
    }

    // A flagged domain the reasons do not name draws a warning whatever the level, until it
    // is named or answered; a domain not rated down never does.
    #[test]
    fn the_unnamed_domains_and_their_acknowledgement() {
        use CertaintyLevel::*;
        use GradeDomain::*;
        let s = suggestion(1, 0); // moderate
        let found = disagreement(&rating(VeryLow, &["imprecision"], None), &s).unwrap();
        assert!(!found.level_higher);
        assert_eq!(found.unnamed, [RiskOfBias]);
        assert_eq!(
            disagreement(&rating(VeryLow, &["risk of bias"], None), &s),
            None
        );
        assert_eq!(
            disagreement(
                &rating(VeryLow, &["imprecision"], by_domain(&[RiskOfBias])),
                &s
            ),
            None
        );
        // Answering another domain does not answer this one.
        assert!(disagreement(&rating(VeryLow, &[], by_domain(&[Inconsistency])), &s).is_some());
        assert_eq!(
            disagreement(&rating(High, &[], None), &suggestion(0, 0)),
            None
        );
    }
}
