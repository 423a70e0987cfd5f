//! Publication bias (GRADE guideline 5; Handbook chapter 13): the small-study tests, with 10 or
//! more studies.

use super::{DomainSuggestion, GradeThresholds, p_clause};
use crate::english::count_noun;
use crate::stats::small_study::{SMALL_STUDY_MIN_STUDIES, SmallStudyEffects, SmallStudyTest};

/// The publication-bias suggestion from an outcome's small-study tests: 1 when the deciding
/// test gives p < `small_study_p`, else 0; 0 (not assessable) with fewer than
/// [`SMALL_STUDY_MIN_STUDIES`] studies. Peters' test decides when it was run (dichotomous
/// data), because Egger's test gives too many false positives with odds ratios (Peters et al.
/// 2006; Sterne et al. 2011); Egger's test otherwise. Never 2: GRADE rates down one level when
/// publication bias is strongly suspected.
pub fn publication_bias(
    effects: &SmallStudyEffects,
    thresholds: &GradeThresholds,
) -> DomainSuggestion {
    if let SmallStudyEffects::TooFewStudies { studies } = effects {
        return DomainSuggestion::new(
            0,
            format!(
                "With {}, fewer than {SMALL_STUDY_MIN_STUDIES}, small-study effects cannot be \
                 tested.",
                count_noun(*studies as u64, "study")
            ),
        );
    }
    let deciding = effects
        .test(SmallStudyTest::Peters)
        .or_else(|| effects.test(SmallStudyTest::Egger));
    match deciding {
        None => DomainSuggestion::new(
            0,
            "The tests for small-study effects could not be computed, as every study has the \
             same precision."
                .into(),
        ),
        Some(test) if test.p < thresholds.small_study_p => DomainSuggestion::new(
            1,
            format!(
                "{} suggests small-study effects ({}).",
                test.test.name(),
                p_clause(test.p)
            ),
        ),
        Some(test) => DomainSuggestion::new(
            0,
            format!(
                "{} finds no clear sign of small-study effects ({}).",
                test.test.name(),
                p_clause(test.p)
            ),
        ),
    }
}
