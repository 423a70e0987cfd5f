//! Sensitivity analyses declared in analyses.yaml (`sensitivity` on an analysis): what they
//! leave out, and every mistake in them reported at its place, all in one run.

use crate::common::*;

const REVIEW: &str = "title: T
outcomes:
  - {id: death, name: death, priority: primary}
  - {id: pain, name: pain, priority: secondary}
comparisons:
  - {id: a-vs-b, name: A versus B}
";

const STUDIES: &str = "included:
  - id: Smith 2004
    risk_of_bias:
      allocation_concealment: {judgement: low}
      sequence_generation: {judgement: low}
  - id: Jones 2005
    risk_of_bias:
      allocation_concealment: {judgement: high}
      sequence_generation: {judgement: low}
  - id: Brown 2006
    risk_of_bias:
      allocation_concealment: {judgement: low}
  - id: Green 2007
";

const ANALYSES: &str = "comparisons:
  - id: a-vs-b
    name: A versus B
    outcomes:
      - outcome: death
        type: dichotomous
        measure: RR
        model: random
        sensitivity:
          - name: Fixed-effect model
            model: fixed
          - name: Low risk of bias
            low_risk_of_bias: [allocation_concealment, sequence_generation]
          - name: Without Brown 2006
            exclude: [Brown 2006]
        studies:
          - {study: Smith 2004, e_events: 5, e_total: 50, c_events: 8, c_total: 50}
          - {study: Jones 2005, e_events: 3, e_total: 40, c_events: 6, c_total: 41}
          - {study: Brown 2006, e_events: 7, e_total: 60, c_events: 12, c_total: 62}
      - outcome: pain
        type: continuous
        measure: MD
        studies:
          - {study: Smith 2004, e_mean: 1, e_sd: 1, e_n: 50, c_mean: 2, c_sd: 1, c_n: 50}
          - {study: Green 2007, e_mean: 1.5, e_sd: 1, e_n: 30, c_mean: 2, c_sd: 1, c_n: 30}
";

/// The review with each `(file, from, to)` replacement applied once, in a scratch folder.
fn fixture(scratch: &Scratch, edits: &[(&str, &str, &str)]) -> std::path::PathBuf {
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
    dir
}

// The variants of the fixture are valid and leave out what they say: the named study, or the
// studies not at low risk in every named domain (a domain a study does not mention is unclear).
#[test]
fn variants_leave_out_what_they_name() {
    let scratch = Scratch::new("declared-valid");
    fixture(&scratch, &[]);
    let run = revmark(&scratch.0, &["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("sensitivity"), "{}", run.stderr);
    let review = revmark::load::load_review(&scratch.path("reviews/r"))
        .unwrap()
        .review;
    let variants = &review.comparisons[0].outcomes[0].sensitivity;
    let left_out: Vec<(&str, Vec<&str>)> = variants
        .iter()
        .map(|v| {
            (
                v.name.as_str(),
                v.left_out.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        left_out,
        [
            ("Fixed-effect model", vec![]),
            ("Low risk of bias", vec!["Jones 2005", "Brown 2006"]),
            ("Without Brown 2006", vec!["Brown 2006"]),
        ]
    );
    assert_eq!(variants[0].model, Some(revmark::model::ModelKey::Fixed));
}

// Every mistake in the declared analyses is reported at its line and column, with a
// suggestion where one is near, in one run.
#[test]
fn every_mistake_is_reported_at_its_place_in_one_run() {
    let scratch = Scratch::new("declared-errors");
    let variants = "        sensitivity:
          - name: Fixed-effect model
            model: fixed
          - name: Low risk of bias
            low_risk_of_bias: [allocation_concealment, sequence_generation]
          - name: Without Brown 2006
            exclude: [Brown 2006]
";
    let wrong = "        sensitivity:
          - name: Typo
            exclude: [Smith 2040]
          - name: Typo
            low_risk_of_bias: [allocation_concealmnt]
          - name: Nothing
          - name: Everyone out
            exclude: [Smith 2004, Jones 2005, Brown 2006]
          - name: Nobody at low risk
            low_risk_of_bias: [blinding_outcome]
";
    fixture(
        &scratch,
        &[
            ("analyses.yaml", variants, wrong),
            (
                "analyses.yaml",
                "        measure: MD\n",
                "        measure: MD\n        sensitivity:\n          - {name: Mantel-Haenszel, method: MH}\n",
            ),
        ],
    );
    let run = revmark(&scratch.0, &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let file = std::path::Path::new("reviews/r/analyses.yaml")
        .display()
        .to_string();
    for expected in [
        format!("{file}:11:23: error: comparison `a-vs-b`, outcome `death`, sensitivity analysis `Typo`: `exclude` names `Smith 2040`, which is not an included study of studies.yaml"),
        "did you mean `Smith 2004`?".to_string(),
        format!("{file}:12:19: error: comparison `a-vs-b`, outcome `death`: a second sensitivity analysis named `Typo`"),
        format!("{file}:13:32: error: comparison `a-vs-b`, outcome `death`, sensitivity analysis `Typo`: `low_risk_of_bias` names `allocation_concealmnt`, which is not a domain"),
        "did you mean `allocation_concealment`?".to_string(),
        format!("{file}:14:13: error: comparison `a-vs-b`, outcome `death`, sensitivity analysis `Nothing`: say what it changes"),
        format!("{file}:15:13: error: comparison `a-vs-b`, outcome `death`, sensitivity analysis `Everyone out`: it leaves out every study of the analysis, so nothing is left to pool"),
        format!("{file}:17:13: error: comparison `a-vs-b`, outcome `death`, sensitivity analysis `Nobody at low risk`: no study of the analysis was judged at low risk of bias for `blinding_outcome`, so nothing is left to pool"),
        "sensitivity analysis `Mantel-Haenszel`: method MH does not fit continuous MD data: Mantel-Haenszel applies to dichotomous data".to_string(),
    ] {
        assert!(run.stderr.contains(&expected), "expected `{expected}` in:\n{}", run.stderr);
    }
    // A variant with an error is not also said to repeat the analysis.
    assert!(
        !run.stderr.contains("repeats the analysis"),
        "{}",
        run.stderr
    );
}

// A sensitivity analysis re-pools the overall total: on an analysis without one it is an
// error; a study named but not in the analysis, a tau² estimator under a fixed-effect model
// and a variant that repeats the analysis are warnings.
#[test]
fn variants_that_cannot_change_anything_are_reported() {
    let scratch = Scratch::new("declared-warnings");
    fixture(
        &scratch,
        &[(
            "analyses.yaml",
            "            exclude: [Brown 2006]\n",
            "            exclude: [Brown 2006]\n          - {name: Green, exclude: [Green 2007]}\n          - {name: Fixed DL, model: fixed, tau2: REML}\n          - {name: Same, model: random}\n",
        )],
    );
    let run = revmark(&scratch.0, &["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for expected in [
        "sensitivity analysis `Green`: `exclude` names `Green 2007`, which has no row in this analysis, so leaving it out changes nothing",
        "sensitivity analysis `Fixed DL`: `tau2` applies to random-effects models only and is ignored",
        "sensitivity analysis `Same`: it leaves out no study and pools as the analysis does, so it repeats the analysis",
    ] {
        assert!(
            run.stderr.contains(expected),
            "expected `{expected}` in:\n{}",
            run.stderr
        );
    }
    let scratch = Scratch::new("declared-no-total");
    fixture(
        &scratch,
        &[(
            "analyses.yaml",
            "        model: random\n",
            "        model: random\n        totals: none\n",
        )],
    );
    let run = revmark(&scratch.0, &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("analyses.yaml:11:11: error: comparison `a-vs-b`, outcome `death`: a sensitivity analysis pools the analysis again, and this analysis has `totals: none`"),
        "{}",
        run.stderr
    );
}
