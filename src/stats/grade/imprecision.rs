//! Imprecision (GRADE guideline 6; Handbook chapter 14): the confidence interval against no
//! effect and the important effect on both sides, then the optimal information size against
//! the participants.

use super::information_size::{PowerTarget, optimal_information_size};
use super::{DomainSuggestion, GradeThresholds, ImportantEffect};
use crate::english::count_noun;
use crate::format::count;
use crate::stats::interval::IntervalPosition;
use crate::stats::output::Pooled;

/// The imprecision suggestion for a pooled result (analysis scale: no effect is 0, the
/// important effects ±`important`), the outcome's participants and what a trial would have to
/// detect (`None` when the optimal information size cannot be computed, as for generic data).
///
/// - 2 when the confidence interval includes both an important reduction and an important
///   increase.
/// - 1 when it includes no effect and one important effect, or includes no effect with no
///   important effect set to judge it by.
/// - Otherwise (the interval excludes no effect, or includes it but no important effect):
///   1 when the participants are fewer than the optimal information size, else 0.
pub fn imprecision(
    pooled: &Pooled,
    important: Option<ImportantEffect>,
    participants: u64,
    target: Option<&PowerTarget>,
    thresholds: &GradeThresholds,
) -> DomainSuggestion {
    let (low, high) = (pooled.ci_low, pooled.ci_high);
    let includes_null = IntervalPosition::of(low, high, 0.0).includes();
    let interval = match important.map(ImportantEffect::magnitude) {
        Some(m) => {
            // The interval reaches an important reduction (or increase), ends included.
            match (low <= -m, high >= m) {
                (true, true) => {
                    return DomainSuggestion::new(
                        2,
                        "The confidence interval includes both an important reduction and an \
                         important increase."
                            .into(),
                    );
                }
                (true, false) if includes_null => {
                    return DomainSuggestion::new(
                        1,
                        "The confidence interval includes both no effect and an important \
                         reduction."
                            .into(),
                    );
                }
                (false, true) if includes_null => {
                    return DomainSuggestion::new(
                        1,
                        "The confidence interval includes both no effect and an important \
                         increase."
                            .into(),
                    );
                }
                _ if includes_null => "includes no effect but no important effect",
                _ => "excludes no effect",
            }
        }
        None if includes_null => {
            return DomainSuggestion::new(
                1,
                "The confidence interval includes no effect, and no smallest important effect \
                 is set to judge what else it includes."
                    .into(),
            );
        }
        None => "excludes no effect",
    };
    let size = target.and_then(|t| {
        optimal_information_size(
            t,
            thresholds.information_size_alpha,
            thresholds.information_size_power,
        )
    });
    // "6942 participants", "357,347 participants": counts as the style manual writes them.
    let people = count_noun(participants, "participant");
    match size {
        Some(size) if participants < size.total => DomainSuggestion::new(
            1,
            format!(
                "The confidence interval {interval}, but with {people} the analysis falls short \
                 of the optimal information size of {}.",
                count(size.total)
            ),
        ),
        Some(size) => DomainSuggestion::new(
            0,
            format!(
                "The confidence interval {interval}, and with {people} the analysis reaches the \
                 optimal information size of {}.",
                count(size.total)
            ),
        ),
        None => DomainSuggestion::new(
            0,
            format!(
                "The confidence interval {interval}; the optimal information size could not be \
                 computed."
            ),
        ),
    }
}
