//! The GRADE assistant in a build: its thresholds in review.yaml, checked where they are
//! written; `check`'s warnings where the authors' certainty is above the suggestion or leaves a
//! flagged domain out, and the acknowledgement that silences them; the evidence profile page.

use crate::common::*;
use revmark::results::{OutcomeResults, Results};

/// The results of the review in `dir`, as a build computes them.
fn analysed(dir: &std::path::Path) -> Results {
    let loaded = revmark::load::load_review(dir).unwrap_or_else(|p| {
        panic!(
            "{}",
            p.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    revmark::results::analyse(&loaded.review)
}

fn outcome<'r>(results: &'r Results, id: &str) -> &'r OutcomeResults {
    results
        .outcomes()
        .map(|(_, o)| o)
        .find(|o| o.id == id)
        .unwrap()
}

/// The diuretics example with `text` added to its review.yaml.
fn diuretics_with(scratch: &Scratch, text: &str) -> std::path::PathBuf {
    let dir = example(scratch, "diuretics-pregnancy");
    append(&dir.join("review.yaml"), text);
    dir
}

// A threshold given in review.yaml replaces the default: pre-eclampsia's I² of 72% (P =
// 0.0003) is serious inconsistency with the default 75% for very serious, and very serious
// from 70%, which takes the suggested level from low to very low.
#[test]
fn thresholds_in_review_yaml_change_the_suggestion() {
    use revmark::model::CertaintyLevel;
    let scratch = Scratch::new("grade-thresholds");
    let default = analysed(&example(&scratch, "diuretics-pregnancy"));
    let before = outcome(&default, "pre-eclampsia")
        .grade_suggestion
        .clone()
        .unwrap();
    assert_eq!(before.domains.inconsistency.downgrade, 1);
    assert_eq!(before.level, CertaintyLevel::Low);
    let other = Scratch::new("grade-thresholds-changed");
    let changed = analysed(&diuretics_with(
        &other,
        "grade_thresholds:\n  i2_serious: 60\n  i2_very_serious: 70\n",
    ));
    let after = outcome(&changed, "pre-eclampsia")
        .grade_suggestion
        .clone()
        .unwrap();
    assert_eq!(after.domains.inconsistency.downgrade, 2);
    assert_eq!(after.level, CertaintyLevel::VeryLow);
    assert_eq!(
        after.domains.inconsistency.reason,
        before.domains.inconsistency.reason
    );
    assert_eq!(after.domains.risk_of_bias, before.domains.risk_of_bias);
}

// Each threshold out of its range is an error at its value, with the range in words; a pair
// out of order is an error at the later of the two; a misspelt name gets a suggestion; all in
// one run.
#[test]
fn thresholds_are_checked_where_they_are_written() {
    let scratch = Scratch::new("grade-thresholds-bad");
    let dir = diuretics_with(
        &scratch,
        "grade_thresholds:\n  rob_high_serious: 1.5\n  i2_serious: 0\n  small_study_p: 1\n  \
         i2_very_serious: 40\n  rob_not_low_serius: 0.5\n",
    );
    let lines = std::fs::read_to_string(dir.join("review.yaml"))
        .unwrap()
        .lines()
        .count();
    let run = revmark(&scratch.0, &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let line = |back: usize| lines + 1 - back;
    for expected in [
        format!(
            "review.yaml:{}:21: error: grade_thresholds: `rob_high_serious` must be a share of the weight above 0 and at most 1, such as 0.25 (got 1.5)",
            line(5)
        ),
        format!(
            "review.yaml:{}:15: error: grade_thresholds: `i2_serious` must be an I² in percent above 0 and at most 100, such as 50 (got 0)",
            line(4)
        ),
        format!(
            "review.yaml:{}:18: error: grade_thresholds: `small_study_p` must be a probability between 0 and 1, such as 0.10 (got 1)",
            line(3)
        ),
        format!(
            "review.yaml:{}:20: error: grade_thresholds: `i2_very_serious` (40) must not be below `i2_serious` (50)",
            line(2)
        ),
        format!(
            "review.yaml:{}:3: error: unknown field `rob_not_low_serius`",
            line(1)
        ),
        "did you mean `rob_not_low_serious`?".to_string(),
    ] {
        assert!(
            run.stderr.contains(&expected),
            "expected `{expected}` in:\n{}",
            run.stderr
        );
    }
    // Within its range, the same value builds.
    let fine = Scratch::new("grade-thresholds-fine");
    diuretics_with(
        &fine,
        "grade_thresholds: {rob_high_serious: 0.3, small_study_p: 0.05}\n",
    );
    let run = revmark(&fine.0, &["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}
