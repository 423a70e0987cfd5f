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
    write_review(
        &dir,
        &[
            ("review.yaml", REVIEW),
            ("studies.yaml", STUDIES),
            ("analyses.yaml", ANALYSES),
        ],
        edits,
    );
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

/// The fixture with replacements: the whole run (any exit status).
fn check_run(edits: &[(&str, &str, &str)]) -> Run {
    check_fixture(edits)
}

// A wrong type names the field, what was expected and what was found, and checking goes on:
// the issue's four problems in three files are all reported by one run.
#[test]
fn a_wrong_type_is_named_and_checking_goes_on() {
    for (written, found) in [
        ("sixteen", "\"sixteen\""),
        ("100 women", "\"100 women\""),
        ("16.5", "\"16.5\""),
    ] {
        let err = check_with(
            "studies.yaml",
            "participants: 100",
            &format!("participants: {written}"),
        );
        assert_reports(
            &err,
            &[&format!(
                "reviews/r/studies.yaml:3:19: error: participants: expected a whole number of participants, found {found}"
            )],
        );
    }
    let run = check_run(&[
        ("studies.yaml", "participants: 100", "participants: sixteen"),
        (
            "studies.yaml",
            "id: Jones 2005",
            "id: Smith 2004\n  - id: Jones 2005",
        ),
        ("studies.yaml", "judgement: low", "judgement: medium"),
        ("analyses.yaml", "study: Jones 2005", "study: Brown 2006"),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_reports(
        &run.stderr,
        &[
            "studies.yaml:3:19: error: participants: expected a whole number of participants, found \"sixteen\"",
            "studies.yaml:6:9: error: duplicate study id `Smith 2004` (first defined on line 2)",
            "judgement `medium` is not one of low, unclear, high",
            "analyses.yaml:10:21: error: comparison `a-vs-b`, outcome `death`, study `Brown 2006`: `Brown 2006` is not an included study of studies.yaml",
        ],
    );
    assert_eq!(run.stderr.matches(": error: ").count(), 4, "{}", run.stderr);
}

// A second row for a study in one outcome is an error at its place naming the first row; a
// study in two subgroups is a warning.
#[test]
fn each_study_is_counted_once() {
    let err = check_with(
        "analyses.yaml",
        "          - {study: Jones 2005, e_events: 3",
        "          - {study: Smith 2004, e_events: 3",
    );
    assert_reports(
        &err,
        &[
            "reviews/r/analyses.yaml:10:13: error: comparison `a-vs-b`, outcome `death`: study `Smith 2004` has a second row in this outcome (the first is at line 9, column 13); a study is counted once",
        ],
    );
    let run = check_run(&[(
        "analyses.yaml",
        "        studies:\n          - {study: Smith 2004, e_events: 5, e_total: 50, c_events: 8, c_total: 50}\n          - {study: Jones 2005, e_events: 3, e_total: 40, c_events: 6, c_total: 41}\n",
        "        subgroups:\n          - name: Early\n            studies:\n              - {study: Smith 2004, e_events: 5, e_total: 50, c_events: 8, c_total: 50}\n          - name: Late\n            studies:\n              - {study: Smith 2004, e_events: 2, e_total: 25, c_events: 4, c_total: 50}\n              - {study: Jones 2005, e_events: 3, e_total: 40, c_events: 6, c_total: 41}\n",
    )]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_reports(
        &run.stderr,
        &[
            "reviews/r/analyses.yaml:14:17: warning: comparison `a-vs-b`, outcome `death`: study `Smith 2004` is in subgroups `Early` (at line 11, column 17) and `Late`, so the overall total counts its participants twice",
            "`totals: subtotals`",
        ],
    );
    // With subgroup totals only (or none), no total counts the study twice: no warning.
    for totals in ["subtotals", "none"] {
        let run = check_run(&[(
            "analyses.yaml",
            "        studies:\n          - {study: Smith 2004, e_events: 5, e_total: 50, c_events: 8, c_total: 50}\n          - {study: Jones 2005, e_events: 3, e_total: 40, c_events: 6, c_total: 41}\n",
            &format!(
                "        totals: {totals}\n        subgroups:\n          - name: Early\n            studies:\n              - {{study: Smith 2004, e_events: 5, e_total: 50, c_events: 8, c_total: 50}}\n          - name: Late\n            studies:\n              - {{study: Smith 2004, e_events: 2, e_total: 25, c_events: 4, c_total: 50}}\n              - {{study: Jones 2005, e_events: 3, e_total: 40, c_events: 6, c_total: 41}}\n"
            ),
        )]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            !run.stderr.contains("counts its participants twice"),
            "{totals}: {}",
            run.stderr
        );
    }
}

// Numbers name figure files and links: one that cannot be read, or that another analysis of
// the comparison has, is an error at its place; settings that cannot apply are named.
#[test]
fn numbers_and_totals_settings_are_checked() {
    let err = check_with(
        "analyses.yaml",
        "        id: death-md\n",
        "        id: death-md\n        number: \"2.1\"\n",
    );
    assert_reports(
        &err,
        &[
            "analyses.yaml:13:17: error: comparison `a-vs-b`, outcome `death-md`: `number` must be a whole number above 0 (2) or the full number (\"1.2\"), got `2.1`",
        ],
    );
    let err = check_with(
        "analyses.yaml",
        "        id: death-md\n",
        "        id: death-md\n        number: 1\n",
    );
    assert_reports(
        &err,
        &[
            "analyses.yaml:13:17: error: comparison `a-vs-b`, outcome `death-md`: number 1.1 is already comparison `a-vs-b`, outcome `death`'s (line 5)",
        ],
    );
    let err = check_with(
        "analyses.yaml",
        "        measure: RR\n",
        "        measure: RR\n        measure_name: Relative risk\n",
    );
    assert_reports(&err, &["`measure_name` applies to generic outcomes only"]);
    let run = check_run(&[(
        "analyses.yaml",
        "        measure: RR\n",
        "        measure: RR\n        totals: subtotals\n        subgroup_test: true\n",
    )]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_reports(
        &run.stderr,
        &[
            "analyses.yaml:8:17: warning: comparison `a-vs-b`, outcome `death`: `totals: subtotals` pools each subgroup, and this outcome has none, so nothing is pooled",
            "analyses.yaml:9:24: warning: comparison `a-vs-b`, outcome `death`: `subgroup_test` applies to outcomes with subgroups only, and is ignored",
        ],
    );
}

// The same in a CSV data file, where a study id is read as text: `007` stays `007`.
#[test]
fn csv_rows_are_counted_once_and_ids_stay_text() {
    let scratch = Scratch::new("csv-rows");
    let dir = scratch.path("reviews/r");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("review.yaml"), REVIEW).unwrap();
    std::fs::write(
        dir.join("studies.yaml"),
        "included:\n  - id: \"007\"\n  - id: Jones 2005\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("analyses.yaml"),
        "comparisons:\n  - id: a-vs-b\n    name: A versus B\n    outcomes:\n      - {outcome: death, type: dichotomous, measure: RR, data: data/d.csv}\n",
    )
    .unwrap();
    let csv = "study,e_events,e_total,c_events,c_total\n007,3,20,5,21\nJones 2005,2,30,4,28\n";
    std::fs::write(dir.join("data/d.csv"), csv).unwrap();
    let run = revmark(&scratch.0, &["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    std::fs::write(dir.join("data/d.csv"), format!("{csv}007,1,10,1,10\n")).unwrap();
    let run = revmark(&scratch.0, &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_reports(
        &run.stderr,
        &[
            "reviews/r/data/d.csv:4:1: error: comparison `a-vs-b`, outcome `death`: study `007` has a second row in this outcome (the first is at line 2)",
        ],
    );
}

// Data files are read while studies.yaml is parsed, and their problems reported in the order
// of the outcomes that read them: a file read by two outcomes is checked for each, a file that
// does not exist is reported where it is named, between them, and a row of a study that
// studies.yaml does not include (known only once it is read) after them.
#[test]
fn data_files_are_reported_in_the_order_of_their_outcomes() {
    let scratch = Scratch::new("csv-order");
    let dir = scratch.path("reviews/r");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    let header = "study,e_events,e_total,c_events,c_total\n";
    write_review(
        &dir,
        &[
            ("review.yaml", REVIEW),
            ("studies.yaml", STUDIES),
            (
                "analyses.yaml",
                "comparisons:\n  - id: a-vs-b\n    name: A versus B\n    outcomes:\n      - {outcome: death, type: dichotomous, measure: RR, data: data/d.csv}\n      - {outcome: death, id: death-2, type: dichotomous, measure: RR, data: data/none.csv}\n      - {outcome: death, id: death-3, type: dichotomous, measure: RR, data: data/d.csv}\n      - {outcome: death, id: death-4, type: dichotomous, measure: RR, data: data/e.csv}\n",
            ),
            ("data/d.csv", &format!("{header}Smith 2004,3,20,5,x\n")),
            ("data/e.csv", &format!("{header}Nobody 1999,1,10,2,10\n")),
        ],
        &[],
    );
    let run = revmark(&scratch.0, &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("reviews/r/"))
        .collect();
    assert_eq!(
        errors,
        [
            "reviews/r/data/d.csv:2:19: error: comparison `a-vs-b`, outcome `death`, study `Smith 2004`: `c_total` must be a number, not `x`",
            "reviews/r/analyses.yaml:6:77: error: comparison `a-vs-b`, outcome `death-2`: the data file `data/none.csv` does not exist",
            "reviews/r/data/d.csv:2:19: error: comparison `a-vs-b`, outcome `death-3`, study `Smith 2004`: `c_total` must be a number, not `x`",
            "reviews/r/data/e.csv:2:1: error: comparison `a-vs-b`, outcome `death-4`, study `Nobody 1999`: `Nobody 1999` is not an included study of studies.yaml",
        ],
        "{}",
        run.stderr
    );
}

// Arms of a multi-arm trial compared one by one, as Review Manager allows: rows that name
// their arm are accepted with a warning about the shared arm, shown by study and arm in the
// forest plot; the same arm twice is still an error.
#[test]
fn multi_arm_rows_name_their_arm() {
    let scratch = Scratch::new("arms");
    let dir = scratch.path("reviews/r");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("review.yaml"), REVIEW).unwrap();
    std::fs::write(
        dir.join("studies.yaml"),
        "included:\n  - id: Feltner 2003\n  - id: Jones 2005\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("analyses.yaml"),
        "comparisons:\n  - id: a-vs-b\n    name: A versus B\n    outcomes:\n      - {outcome: death, type: dichotomous, measure: RR, data: data/d.csv}\n",
    )
    .unwrap();
    let rows = "study,arm,e_events,e_total,c_events,c_total\nFeltner 2003,150 mg,18,34,36,61\nFeltner 2003,600 mg,17,34,36,69\nJones 2005,,2,30,4,28\n";
    std::fs::write(dir.join("data/d.csv"), rows).unwrap();
    let run = revmark(&scratch.0, &["build", "reviews", "--out", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_reports(
        &run.stderr,
        &[
            "reviews/r/data/d.csv:3:1: warning: comparison `a-vs-b`, outcome `death`: study `Feltner 2003` has rows for two arms in this outcome (`150 mg` at line 2 and `600 mg`), so an arm they share is counted twice",
        ],
    );
    let forest = std::fs::read_to_string(scratch.path("out/r/figures/forest-1.1.svg")).unwrap();
    assert!(forest.contains("Feltner 2003 (150 mg)") && forest.contains("Feltner 2003 (600 mg)"));
    let results = std::fs::read_to_string(scratch.path("out/r/results.json")).unwrap();
    assert!(results.contains("\"arm\": \"600 mg\""), "{results}");
    std::fs::write(dir.join("data/d.csv"), rows.replace("600 mg", "150 mg")).unwrap();
    let run = revmark(&scratch.0, &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_reports(
        &run.stderr,
        &[
            "study `Feltner 2003 (150 mg)` has a second row in this outcome",
            "name each in an `arm` column",
        ],
    );
}

// A message that points to a second place names it by line in its own file, and by its path
// in the review folder in another, never by the folder the review was built from: the same
// review built from two folders leaves the same marker (which keeps its warnings).
#[test]
fn second_places_are_named_within_the_review() {
    let scratch = Scratch::new("second-place");
    for root in ["a/reviews/r", "b/deeper/reviews/r"] {
        let dir = scratch.path(root);
        std::fs::create_dir_all(dir.join("data")).unwrap();
        std::fs::write(dir.join("review.yaml"), REVIEW).unwrap();
        std::fs::write(
            dir.join("studies.yaml"),
            "included:\n  - id: Smith 2004\n  - id: Jones 2005\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("analyses.yaml"),
            "comparisons:\n  - id: a-vs-b\n    name: A versus B\n    outcomes:\n      - outcome: death\n        type: dichotomous\n        measure: RR\n        subgroups:\n          - {name: Early, data: data/early.csv}\n          - {name: Late, data: data/late.csv}\n",
        )
        .unwrap();
        let header = "study,e_events,e_total,c_events,c_total\n";
        std::fs::write(
            dir.join("data/early.csv"),
            format!("{header}Smith 2004,5,50,8,50\n"),
        )
        .unwrap();
        std::fs::write(
            dir.join("data/late.csv"),
            format!("{header}Jones 2005,3,40,6,41\nSmith 2004,2,25,4,50\n"),
        )
        .unwrap();
    }
    let run = revmark(&scratch.path("a"), &["build", "reviews", "--out", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_reports(
        &run.stderr,
        &[
            "reviews/r/data/late.csv:3:1: warning: comparison `a-vs-b`, outcome `death`: study `Smith 2004` is in subgroups `Early` (at data/early.csv:2:1) and `Late`",
        ],
    );
    let elsewhere = scratch.path("b/deeper/reviews");
    let run = revmark(
        &scratch.0,
        &["build", elsewhere.to_str().unwrap(), "--out", "b/out"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("(at data/early.csv:2:1)"),
        "{}",
        run.stderr
    );
    let marker = |out: &str| {
        std::fs::read_to_string(scratch.path(out).join(".revmark-output.json")).unwrap()
    };
    assert_eq!(marker("a/out"), marker("b/out"));
}

// Control characters are refused where they are written, in YAML and CSV, and diagnostics
// print them escaped: none reaches the terminal.
#[test]
fn control_characters_are_refused_and_printed_escaped() {
    let err = check_with(
        "studies.yaml",
        "id: Jones 2005",
        "id: Jones\u{1b}]0;x\u{7} 2005",
    );
    assert_reports(
        &err,
        &[
            "reviews/r/studies.yaml:6:14: error: a control character (U+001B) is not allowed in a review file: delete it",
            "reviews/r/studies.yaml:6:19: error: a control character (U+0007)",
        ],
    );
    assert!(
        !err.chars().any(|c| c.is_control() && c != '\n'),
        "raw control characters in: {err:?}"
    );
    let scratch = Scratch::new("csv-control");
    let dir = scratch.path("reviews/r");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("review.yaml"), REVIEW).unwrap();
    std::fs::write(dir.join("studies.yaml"), STUDIES).unwrap();
    std::fs::write(
        dir.join("analyses.yaml"),
        "comparisons:\n  - id: a-vs-b\n    name: A versus B\n    outcomes:\n      - {outcome: death, type: dichotomous, measure: RR, data: data/d.csv}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("data/d.csv"),
        "study,e_events,e_total,c_events,c_total\nSmith 2004,3,20,5,21\nJones\u{9b}2005,2,30,4,28\n",
    )
    .unwrap();
    let run = revmark(&scratch.0, &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_reports(
        &run.stderr,
        &["reviews/r/data/d.csv:3:6: error: a control character (U+009B)"],
    );
    assert!(!run.stderr.chars().any(|c| c.is_control() && c != '\n'));
}

// GRADE's own spellings of the certainty levels are accepted.
#[test]
fn certainty_levels_take_grades_spellings() {
    for level in [
        "very low", "very_low", "Very low", "VERY LOW", "High", "moderate", "Low",
    ] {
        let run = check_run(&[(
            "analyses.yaml",
            "        measure: RR\n",
            &format!("        measure: RR\n        certainty: {{level: {level}}}\n"),
        )]);
        assert_eq!(run.code, 0, "{level}: {}", run.stderr);
    }
    let err = check_with(
        "analyses.yaml",
        "        measure: RR\n",
        "        measure: RR\n        certainty: {level: very lo}\n",
    );
    assert_reports(
        &err,
        &[
            "unknown variant `very lo`, expected one of `high`, `moderate`, `low`, `very low`",
            "did you mean `very low`?",
        ],
    );
}

// A duplicate key is reported in revmark's words, at the second key.
#[test]
fn duplicate_keys_are_reported_in_revmarks_words() {
    let err = check_with(
        "studies.yaml",
        "    participants: 100\n",
        "    participants: 100\n    participants: 120\n",
    );
    assert_reports(
        &err,
        &[
            "reviews/r/studies.yaml:4:5: error: `participants` is given twice in this mapping (first on line 3); keep one",
        ],
    );
    assert!(!err.contains("DuplicateKeyPolicy"), "{err}");
}

// A file in a review's templates/ that revmark does not use is a warning naming the ones it
// does use.
#[test]
fn unused_template_files_are_warned_of() {
    let scratch = Scratch::new("templates-unused");
    let dir = scratch.path("reviews/r");
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    for (name, text) in [
        ("review.yaml", REVIEW),
        ("studies.yaml", STUDIES),
        ("analyses.yaml", ANALYSES),
    ] {
        std::fs::write(dir.join(name), text).unwrap();
    }
    std::fs::write(dir.join("templates/index.html.tera"), "<p>ignored</p>").unwrap();
    std::fs::write(dir.join("templates/notes.txt"), "mine").unwrap();
    let run = revmark(&scratch.0, &["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_reports(
        &run.stderr,
        &[
            "reviews/r/templates/index.html.tera: warning: `index.html.tera` is not used",
            "reviews/r/templates/notes.txt: warning: `notes.txt` is not used: templates end in `.tera`",
            "a review's templates are abstract.md.tera, abstract_body.md.tera, review.md.tera, additional_table.md.tera, changes.md.tera, page.html.tera",
        ],
    );
}
