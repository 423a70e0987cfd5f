//! Validation: each rule's message names the file, line, column, study and outcome, and one run
//! reports every problem.

use crate::common::*;

const REVIEW: &str = "title: T
outcomes:
  - {id: death, name: death, priority: primary}
comparisons:
  - {id: a-vs-b, name: A versus B}
";

const STUDIES: &str = "included:
  - id: Smith 2004
    participants: 100
    risk_of_bias:
      sequence_generation: {judgement: low}
  - id: Jones 2005
";

const ANALYSES: &str = "comparisons:
  - id: a-vs-b
    name: A versus B
    outcomes:
      - outcome: death
        type: dichotomous
        measure: RR
        studies:
          - {study: Smith 2004, e_events: 5, e_total: 50, c_events: 8, c_total: 50}
          - {study: Jones 2005, e_events: 3, e_total: 40, c_events: 6, c_total: 41}
      - outcome: death
        id: death-md
        type: continuous
        measure: MD
        studies:
          - {study: Smith 2004, e_mean: 1, e_sd: 1, e_n: 50, c_mean: 2, c_sd: 1, c_n: 50}
";

/// Writes the small valid review with each `(file, from, to)` replacement applied once, and
/// runs `revmark check` on it.
fn check_fixture(edits: &[(&str, &str, &str)]) -> Run {
    let scratch = Scratch::new("fixture");
    let dir = scratch.path("reviews/r");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in [
        ("review.yaml", REVIEW),
        ("studies.yaml", STUDIES),
        ("analyses.yaml", ANALYSES),
    ] {
        let mut text = text.to_string();
        for (_, from, to) in edits.iter().filter(|(file, _, _)| *file == name) {
            assert!(text.contains(from), "{name} has no `{from}`");
            text = text.replacen(from, to, 1);
        }
        std::fs::write(dir.join(name), text).unwrap();
    }
    revmark(&scratch.0, &["check"])
}

/// The fixture with one replacement in one file: stderr, asserting exit status 1.
fn check_with(file: &str, from: &str, to: &str) -> String {
    let run = check_fixture(&[(file, from, to)]);
    assert_eq!(
        run.code, 1,
        "expected exit 1, got {}:\n{}",
        run.code, run.stderr
    );
    run.stderr
}

fn assert_reports(stderr: &str, expected: &[&str]) {
    for e in expected {
        assert!(stderr.contains(e), "expected `{e}` in:\n{stderr}");
    }
}

// The unchanged fixture is valid, so every failure below comes from its one change.
#[test]
fn the_fixture_is_valid() {
    let run = check_fixture(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn errors_on_malformed_yaml() {
    let err = check_with("review.yaml", "title: T", "title: [T");
    assert_reports(&err, &["reviews/r/review.yaml:", ": error: "]);
}

#[test]
fn errors_on_wrong_type() {
    let err = check_with("studies.yaml", "participants: 100", "participants: many");
    assert_reports(
        &err,
        &[
            "reviews/r/studies.yaml:3:19: error: ",
            "participants: many",
            "^^^^",
        ],
    );
}

#[test]
fn errors_on_missing_required_field() {
    let err = check_with("review.yaml", "title: T\n", "");
    assert_reports(&err, &["reviews/r/review.yaml:", "missing field `title`"]);
}

#[test]
fn errors_on_unknown_field_with_a_suggestion() {
    let err = check_with("studies.yaml", "participants: 100", "participnts: 100");
    assert_reports(
        &err,
        &[
            "reviews/r/studies.yaml:3:5: error: unknown field `participnts`",
            "did you mean `participants`?",
        ],
    );
}

#[test]
fn errors_on_duplicate_study_ids() {
    let err = check_with("studies.yaml", "id: Jones 2005", "id: Smith 2004");
    assert_reports(
        &err,
        &[
            "reviews/r/studies.yaml:6:9: error: duplicate study id `Smith 2004` (first defined on line 2)",
        ],
    );
}

#[test]
fn errors_on_duplicate_outcome_and_comparison_ids() {
    let err = check_with(
        "review.yaml",
        "comparisons:\n  - {id: a-vs-b, name: A versus B}\n",
        "  - {id: death, name: again}\ncomparisons:\n  - {id: a-vs-b, name: A versus B}\n  - {id: a-vs-b, name: A versus B}\n",
    );
    assert_reports(
        &err,
        &[
            "reviews/r/review.yaml:4:10: error: duplicate outcome id `death`",
            "reviews/r/review.yaml:7:10: error: duplicate comparison id `a-vs-b`",
        ],
    );
}

#[test]
fn errors_on_a_study_that_is_not_included() {
    let err = check_with("analyses.yaml", "study: Jones 2005", "study: Jonse 2005");
    assert_reports(
        &err,
        &[
            "reviews/r/analyses.yaml:10:21: error: comparison `a-vs-b`, outcome `death`, study `Jonse 2005`: `Jonse 2005` is not an included study of studies.yaml",
            "did you mean `Jones 2005`?",
        ],
    );
}

#[test]
fn errors_on_an_outcome_not_in_the_protocol() {
    let err = check_with(
        "analyses.yaml",
        "outcome: death\n        type: dichotomous",
        "outcome: deaht\n        type: dichotomous",
    );
    assert_reports(
        &err,
        &[
            "reviews/r/analyses.yaml:5:18: error: comparison `a-vs-b`, outcome `deaht`: `deaht` is not an outcome of review.yaml",
            "did you mean `death`?",
        ],
    );
}

#[test]
fn errors_on_events_greater_than_total() {
    let err = check_with("analyses.yaml", "e_events: 5,", "e_events: 55,");
    assert_reports(
        &err,
        &[
            "reviews/r/analyses.yaml:9:43: error: comparison `a-vs-b`, outcome `death`, study `Smith 2004`: `e_events` (55) is greater than `e_total` (50)",
        ],
    );
}

#[test]
fn errors_on_negative_counts() {
    let err = check_with("analyses.yaml", "c_events: 8", "c_events: -8");
    assert_reports(
        &err,
        &[
            "reviews/r/analyses.yaml:9:69: error: comparison `a-vs-b`, outcome `death`, study `Smith 2004`: `c_events` is negative (-8)",
        ],
    );
}

#[test]
fn errors_on_non_positive_sd_and_empty_arms() {
    let err = check_with("analyses.yaml", "e_sd: 1, e_n: 50", "e_sd: 0, e_n: 0");
    assert_reports(
        &err,
        &[
            "outcome `death-md`, study `Smith 2004`: `e_sd` must be greater than 0 (got 0)",
            "outcome `death-md`, study `Smith 2004`: `e_n` must be at least 1",
        ],
    );
}

#[test]
fn errors_on_risk_of_bias_domain_and_judgement() {
    let err = check_with(
        "studies.yaml",
        "sequence_generation: {judgement: low}",
        "sequence_generaton: {judgement: lw}",
    );
    assert_reports(
        &err,
        &[
            "study `Smith 2004`: `sequence_generaton` is not a rob1 risk-of-bias domain",
            "did you mean `sequence_generation`?",
            "study `Smith 2004`, domain `sequence_generaton`: judgement `lw` is not one of low, unclear, high",
            "did you mean `low`?",
        ],
    );
}

#[test]
fn errors_on_a_measure_that_does_not_fit_the_data() {
    let err = check_with("analyses.yaml", "measure: MD", "measure: RR");
    assert_reports(
        &err,
        &[
            "reviews/r/analyses.yaml:14:18: error: comparison `a-vs-b`, outcome `death-md`: measure `RR` does not fit continuous data (use MD, SMD)",
        ],
    );
}

#[test]
fn errors_on_a_path_outside_the_review() {
    let err = check_with(
        "analyses.yaml",
        "        studies:\n          - {study: Smith 2004, e_events",
        "        data: ../../secret.csv\n        x_studies:\n          - {study: Smith 2004, e_events",
    );
    assert!(
        err.contains("leaves the review folder") || err.contains("unknown field `x_studies`"),
        "{err}"
    );
    let err = check_with(
        "analyses.yaml",
        "        studies:\n          - {study: Smith 2004, e_mean",
        "        data: ../../secret.csv\n          # - {study: Smith 2004, e_mean",
    );
    assert_reports(
        &err,
        &[
            "reviews/r/analyses.yaml:15:15: error: comparison `a-vs-b`, outcome `death-md`: the path `../../secret.csv` leaves the review folder",
        ],
    );
}

// One run reports the problems of every file, not only the first.
#[test]
fn reports_every_problem_in_one_run() {
    let run = check_fixture(&[
        ("studies.yaml", "judgement: low", "judgement: lo"),
        ("analyses.yaml", "e_events: 5,", "e_events: 55,"),
        ("analyses.yaml", "c_events: 6", "c_events: -6"),
        ("analyses.yaml", "e_sd: 1", "e_sd: -1"),
    ]);
    assert_eq!(run.code, 1);
    let errors = run.stderr.matches(": error: ").count();
    assert_eq!(errors, 4, "{}", run.stderr);
}

// A wrong command line is a usage error (exit 2), not an invalid review.
#[test]
fn usage_errors_exit_2() {
    let scratch = Scratch::new("usage");
    assert_eq!(revmark(&scratch.0, &["bild"]).code, 2);
    assert_eq!(revmark(&scratch.0, &["check", "no-such-folder"]).code, 2);
}
