//! The tests for small-study effects in words: a sentence in Effects of interventions for each
//! analysis tested (10 or more studies), and one in the methods that says what was planned and
//! where it applied. Below 10 studies the results say nothing: the methods say why.

use crate::format::p_clause;
use crate::model::DataType;
use crate::results::{OutcomeResults, Results, SmallStudyResult};
use crate::stats::SMALL_STUDY_MIN_STUDIES;
use crate::stats::SmallStudyTest::{Egger, Peters};

/// The sentence of Effects of interventions on an analysis's small-study tests; none when the
/// tests were not run (fewer than 10 estimable studies, or no pooled result). A test
/// "suggests" small-study effects when its P is below `threshold` (the GRADE assistant's
/// `small_study_p`), so that the text and the suggestion agree.
pub fn effects_sentence(result: &OutcomeResults, threshold: f64) -> Option<String> {
    let tests = result.small_study_effects.as_ref()?;
    let find = |which| tests.iter().find(|t: &&SmallStudyResult| t.test == which);
    let suggests = |t: &SmallStudyResult| t.p < threshold;
    let with_p = |t: &SmallStudyResult| format!("{} ({})", t.test.name(), p_clause(t.p));
    let alone = |t: &SmallStudyResult| {
        let verb = if suggests(t) {
            "suggested"
        } else {
            "did not suggest"
        };
        format!(
            "{} {verb} small-study effects ({}).",
            t.test.name(),
            p_clause(t.p)
        )
    };
    Some(match (find(Egger), find(Peters)) {
        (None, None) => "Egger's test for small-study effects could not be computed, as every \
                         study has the same standard error."
            .to_string(),
        (Some(test), None) | (None, Some(test)) => alone(test),
        (Some(egger), Some(peters)) => match (suggests(egger), suggests(peters)) {
            (false, false) => format!(
                "Neither {} nor {} suggested small-study effects.",
                with_p(egger),
                with_p(peters)
            ),
            (true, true) => format!(
                "Both {} and {} suggested small-study effects.",
                with_p(egger),
                with_p(peters)
            ),
            (true, false) => format!(
                "Egger's test suggested small-study effects ({}), but Peters' test, which suits \
                 dichotomous outcomes better, did not ({}).",
                p_clause(egger.p),
                p_clause(peters.p)
            ),
            (false, true) => format!(
                "Peters' test suggested small-study effects ({}); Egger's test did not ({}).",
                p_clause(peters.p),
                p_clause(egger.p)
            ),
        },
    })
}

/// The methods' sentence on small-study effects: the tests in meta-analyses of 10 or more
/// studies, or that they were planned and no meta-analysis had as many. None when nothing
/// was pooled.
pub fn methods_sentence(results: &Results) -> Option<String> {
    let pooled: Vec<&OutcomeResults> = results
        .outcomes()
        .map(|(_, o)| o)
        .filter(|o| o.pooled.is_some())
        .collect();
    if pooled.is_empty() {
        return None;
    }
    let peters = if pooled
        .iter()
        .any(|o| o.data_type() == DataType::Dichotomous)
    {
        " (and Peters' test for dichotomous outcomes)"
    } else {
        ""
    };
    let plan = format!(
        "small-study effects, which may point to publication bias, with Egger's test{peters} in \
         meta-analyses of {SMALL_STUDY_MIN_STUDIES} or more studies"
    );
    Some(if pooled.iter().any(|o| o.small_study_effects.is_some()) {
        format!("We tested for {plan}.")
    } else {
        format!("We planned to test for {plan}; no meta-analysis had as many studies.")
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::results::analyse;

    fn analysed(dir: &str) -> Results {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        analyse(&crate::load::load_review(&dir).unwrap().review)
    }

    /// The first analysis of the BCG trials (13 studies, dichotomous), its tests' P values
    /// replaced by `egger` and `peters` (or a test left out when `None`).
    fn bcg_with(egger: Option<f64>, peters: Option<f64>) -> OutcomeResults {
        let results = analysed("tests/figures/bcg");
        let mut outcome = results.comparisons[0].outcomes[0].clone();
        let tests = outcome.small_study_effects.take().unwrap();
        let mut kept = Vec::new();
        for (test, p) in tests.into_iter().zip([egger, peters]) {
            if let Some(p) = p {
                kept.push(SmallStudyResult { p, ..test });
            }
        }
        outcome.small_study_effects = Some(kept);
        outcome
    }

    // Each combination of the two tests has its sentence, with each P value; the threshold
    // decides what "suggested" means.
    #[test]
    fn the_sentence_follows_the_tests() {
        let say = |egger, peters, threshold| {
            effects_sentence(&bcg_with(egger, peters), threshold).unwrap()
        };
        assert_eq!(
            say(Some(0.42), Some(0.23), 0.1),
            "Neither Egger's test (P = 0.42) nor Peters' test (P = 0.23) suggested small-study effects."
        );
        assert_eq!(
            say(Some(0.003), Some(0.04), 0.1),
            "Both Egger's test (P = 0.003) and Peters' test (P = 0.04) suggested small-study effects."
        );
        assert_eq!(
            say(Some(0.03), Some(0.21), 0.1),
            "Egger's test suggested small-study effects (P = 0.03), but Peters' test, which suits dichotomous outcomes better, did not (P = 0.21)."
        );
        assert_eq!(
            say(Some(0.15), Some(0.04), 0.1),
            "Peters' test suggested small-study effects (P = 0.04); Egger's test did not (P = 0.15)."
        );
        assert_eq!(
            say(Some(0.42), None, 0.1),
            "Egger's test did not suggest small-study effects (P = 0.42)."
        );
        assert_eq!(
            say(Some(0.07), None, 0.1),
            "Egger's test suggested small-study effects (P = 0.07)."
        );
        // With a threshold of 0.05, P = 0.07 no longer suggests them.
        assert_eq!(
            say(Some(0.07), None, 0.05),
            "Egger's test did not suggest small-study effects (P = 0.07)."
        );
        assert!(say(None, None, 0.1).contains("could not be computed"));
        // Not tested: nothing.
        let mut untested = bcg_with(Some(0.5), None);
        untested.small_study_effects = None;
        assert_eq!(effects_sentence(&untested, 0.1), None);
    }

    // The methods say the tests were run where any analysis had 10 or more studies, else that
    // they were planned; Peters' test only where an outcome is dichotomous; nothing without a
    // pooled result.
    #[test]
    fn the_methods_say_what_was_tested() {
        let bcg = analysed("tests/figures/bcg");
        let tested = methods_sentence(&bcg).unwrap();
        assert!(
            tested.starts_with("We tested for small-study effects"),
            "{tested}"
        );
        assert!(tested.contains("Peters' test"), "{tested}");
        let diuretics = analysed("reviews/diuretics-pregnancy");
        let planned = methods_sentence(&diuretics).unwrap();
        assert!(planned.starts_with("We planned to test"), "{planned}");
        assert!(planned.ends_with("no meta-analysis had as many studies."));
        let stroke = analysed("tests/figures/stroke");
        assert!(!methods_sentence(&stroke).unwrap().contains("Peters"));
        let mut unpooled = bcg.clone();
        for c in &mut unpooled.comparisons {
            for o in &mut c.outcomes {
                o.pooled = None;
            }
        }
        assert_eq!(methods_sentence(&unpooled), None);
    }
}
