//! The GRADE assistant's check of the authors' certainty, for `revmark check`, `build` and the
//! author view (never the published page): a warning at the certainty's level in analyses.yaml
//! where the authors rate higher than the assistant suggests, or their reasons leave out a
//! domain it rates down, unless their `grade_acknowledged` answers it.

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::model::{Certainty, Review};
use crate::results::{GradeSuggestionResults, OutcomeResults, Results};
use crate::stats::grade::GradeDomain;

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
/// everything; reasons by domain answer those domains, and the level once every domain rated
/// down is answered.
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
    let level_higher = certainty.level > suggestion.level && !open.is_empty();
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
}
