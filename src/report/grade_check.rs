//! The GRADE assistant's check of the authors' certainty, for `revmark check`, `build` and the
//! author view (never the published page): a warning at the certainty's level in analyses.yaml
//! where the authors rate higher than the assistant suggests, or their reasons leave out a
//! domain it rates down, unless their `grade_acknowledged` answers it; and a warning at an
//! acknowledgement (or one domain's answer) that no longer answers anything, as it can go.

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::model::{Certainty, CertaintyLevel, GradeAcknowledged, Location, Review};
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

/// Why an acknowledgement, or one domain's part of it, silences nothing: it can be removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stale {
    /// The analysis has no pooled result, so the assistant suggests nothing for it.
    NoSuggestion,
    /// Without any acknowledgement the assistant questions nothing in the rating.
    NothingQuestioned,
    /// The assistant does not rate this domain down.
    NotRatedDown(GradeDomain),
    /// The assistant rates this domain down, but the rating draws the same warnings (or none)
    /// without this answer: the reasons name the domain, and the level stands.
    NotNeeded(GradeDomain),
}

/// The parts of the authors' `grade_acknowledged` that silence nothing, each with where it is
/// written: the whole acknowledgement at its first text, or one domain's answer at its own.
/// Domains are taken in the order written, each judged with the stale ones before it left
/// out, so that removing every part named still leaves the same warnings.
pub fn stale_acknowledgements(
    certainty: &Certainty,
    suggestion: Option<&GradeSuggestionResults>,
) -> Vec<(Location, Stale)> {
    let Some(acknowledged) = &certainty.grade_acknowledged else {
        return Vec::new();
    };
    let first = match acknowledged {
        GradeAcknowledged::All(reason) => reason.referenced,
        GradeAcknowledged::Domains(domains) => match domains.first() {
            Some((_, reason)) => reason.referenced,
            None => return Vec::new(),
        },
    };
    let Some(suggestion) = suggestion else {
        return vec![(first, Stale::NoSuggestion)];
    };
    let with = |acknowledgement: Option<GradeAcknowledged>| {
        let rating = Certainty {
            grade_acknowledged: acknowledgement,
            ..certainty.clone()
        };
        disagreement(&rating, suggestion)
    };
    if with(None).is_none() {
        return vec![(first, Stale::NothingQuestioned)];
    }
    let GradeAcknowledged::Domains(domains) = acknowledged else {
        return Vec::new();
    };
    let mut kept = domains.clone();
    let mut stale = Vec::new();
    for (domain, reason) in domains {
        let without: Vec<_> = kept.iter().filter(|(d, _)| d != domain).cloned().collect();
        let why = if suggestion.domains.get(*domain).downgrade == 0 {
            Stale::NotRatedDown(*domain)
        } else if with(Some(GradeAcknowledged::Domains(without.clone())))
            == with(Some(GradeAcknowledged::Domains(kept.clone())))
        {
            Stale::NotNeeded(*domain)
        } else {
            continue;
        };
        stale.push((reason.referenced, why));
        kept = without;
    }
    stale
}

/// The stale warning's text: which acknowledgement, and why it silences nothing.
fn stale_message(comparison: &str, result: &OutcomeResults, stale: Stale) -> String {
    let field = match stale {
        Stale::NoSuggestion | Stale::NothingQuestioned => "`grade_acknowledged`".to_string(),
        Stale::NotRatedDown(d) | Stale::NotNeeded(d) => format!("`grade_acknowledged.{}`", d.key()),
    };
    let why = match stale {
        Stale::NoSuggestion => {
            "the analysis has no pooled result, so the GRADE assistant suggests nothing for it"
                .to_string()
        }
        Stale::NothingQuestioned => {
            "the GRADE assistant questions nothing in the certainty without it".to_string()
        }
        Stale::NotRatedDown(d) => {
            format!("the GRADE assistant does not rate down for {}", d.words())
        }
        Stale::NotNeeded(d) => format!(
            "the reasons name {}, and the GRADE assistant's warnings are the same without it",
            d.words()
        ),
    };
    format!(
        "comparison `{comparison}`, outcome `{}` (analysis {}): {field} is stale and can be \
         removed: {why}.",
        result.id, result.number
    )
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
            let Some(certainty) = &outcome.certainty else {
                continue;
            };
            for (at, stale) in stale_acknowledgements(certainty, result.grade_suggestion.as_ref()) {
                warnings.push(file.warning_at(at, stale_message(&comparison.id, result, stale)));
            }
            let Some(suggestion) = &result.grade_suggestion else {
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

    use crate::model::Located;
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

    /// Where a test's acknowledgement of `domain` is written: its own line, so that each
    /// stale part is told apart by where it is.
    fn at(line: usize) -> Location {
        Location::new(line, 1)
    }

    // The whole acknowledgement is stale once the rating draws no warning without it (the
    // level lowered to the suggestion, every flagged domain named), and not before; with no
    // suggestion at all (no pooled result) it answers nothing either.
    #[test]
    fn a_whole_acknowledgement_is_stale_once_nothing_is_questioned() {
        use CertaintyLevel::*;
        let s = suggestion(1, 0); // moderate
        let all = || Some(GradeAcknowledged::All(Located::new("Ours.".into(), at(7))));
        let named = ["risk of bias"];
        assert_eq!(
            stale_acknowledgements(&rating(High, &named, all()), Some(&s)),
            []
        );
        assert_eq!(
            stale_acknowledgements(&rating(Moderate, &named, all()), Some(&s)),
            [(at(7), Stale::NothingQuestioned)]
        );
        assert_eq!(
            stale_acknowledgements(&rating(Moderate, &[], all()), Some(&s)),
            []
        );
        assert_eq!(
            stale_acknowledgements(&rating(High, &named, all()), None),
            [(at(7), Stale::NoSuggestion)]
        );
        assert_eq!(
            stale_acknowledgements(&rating(High, &named, None), Some(&s)),
            []
        );
    }

    // One domain's answer is stale where the assistant does not rate that domain down, or
    // where the warnings are the same without it; the domains are judged in order, so that
    // of two answers either of which would do, only the first is called stale.
    #[test]
    fn a_domain_answer_is_stale_when_it_changes_nothing() {
        use CertaintyLevel::*;
        use GradeDomain::*;
        let answers = |domains: &[(GradeDomain, usize)]| {
            Some(GradeAcknowledged::Domains(
                domains
                    .iter()
                    .map(|&(d, line)| (d, Located::new("Ours.".to_string(), at(line))))
                    .collect(),
            ))
        };
        let both = ["risk of bias", "inconsistency"];
        // Risk of bias flagged, imprecision not.
        let s = suggestion(1, 0);
        let found = stale_acknowledgements(
            &rating(High, &both, answers(&[(RiskOfBias, 3), (Imprecision, 4)])),
            Some(&s),
        );
        assert_eq!(found, [(at(4), Stale::NotRatedDown(Imprecision))]);
        // Both flagged (very low: risk of bias -1, inconsistency -2). At moderate, only the
        // inconsistency answer keeps the level's warning away, whichever comes first.
        let s = suggestion(1, 2);
        let ack = answers(&[(RiskOfBias, 3), (Inconsistency, 4)]);
        let reversed = answers(&[(Inconsistency, 4), (RiskOfBias, 3)]);
        for written in [&ack, &reversed] {
            assert_eq!(
                stale_acknowledgements(&rating(Moderate, &both, written.clone()), Some(&s)),
                [(at(3), Stale::NotNeeded(RiskOfBias))]
            );
        }
        // At low, either answer alone keeps it away: the first written is stale, and the
        // second is then needed.
        assert_eq!(
            stale_acknowledgements(&rating(Low, &both, ack.clone()), Some(&s)),
            [(at(3), Stale::NotNeeded(RiskOfBias))]
        );
        assert_eq!(
            stale_acknowledgements(&rating(Low, &both, reversed), Some(&s)),
            [(at(4), Stale::NotNeeded(Inconsistency))]
        );
        // At high, both are needed.
        assert_eq!(
            stale_acknowledgements(&rating(High, &both, ack), Some(&s)),
            []
        );
    }
}
