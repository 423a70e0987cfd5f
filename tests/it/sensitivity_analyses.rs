//! Sensitivity analyses: those declared in analyses.yaml (`sensitivity` on an analysis), what
//! they leave out, and every mistake in them reported at its place, all in one run; and the
//! Sensitivity analyses section's text, which follows the data.

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
    write_review(
        &dir,
        &[
            ("review.yaml", REVIEW),
            ("studies.yaml", STUDIES),
            ("analyses.yaml", ANALYSES),
        ],
        edits,
    );
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

// A study named but not in the analysis, a tau² estimator under a fixed-effect model and a
// variant that repeats the analysis are warnings; so is `sensitivity` on an analysis without an
// overall total (a sensitivity analysis re-pools it), whose variants are left out.
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
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("analyses.yaml:11:11: warning: comparison `a-vs-b`, outcome `death`: a sensitivity analysis pools the analysis again, and this analysis has `totals: none`, which pools no overall total, so its sensitivity analyses are left out"),
        "{}",
        run.stderr
    );
    let review = revmark::load::load_review(&scratch.path("reviews/r"))
        .unwrap()
        .review;
    assert!(review.comparisons[0].outcomes[0].sensitivity.is_empty());
}

/// The review in `dir`: its results, its generated sections as the templates see them, and
/// the proofreader's seams.
fn generated(dir: &std::path::Path) -> (revmark::results::Results, serde_json::Value, Vec<String>) {
    let review = revmark::load::load_review(dir).unwrap().review;
    let results = std::sync::Arc::new(revmark::results::analyse(&review));
    let figures = revmark::plot::figures(&review, &results);
    let context =
        revmark::report::context_json(&review, std::sync::Arc::clone(&results), &figures).unwrap();
    let passages =
        revmark::report::generated_text(&review, std::sync::Arc::clone(&results), &figures)
            .unwrap();
    let seams = revmark::report::proofread::proofread(&review, &results, &passages)
        .iter()
        .map(ToString::to_string)
        .collect();
    let results = std::sync::Arc::try_unwrap(results).unwrap();
    (results, context["sections"].clone(), seams)
}

fn texts(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// Brown 2006 made large and clearly favourable: the pooled result then excludes no effect,
/// and rests on it.
const BROWN_LARGE: (&str, &str, &str) = (
    "analyses.yaml",
    "{study: Brown 2006, e_events: 7, e_total: 60, c_events: 12, c_total: 62}",
    "{study: Brown 2006, e_events: 20, e_total: 600, c_events: 60, c_total: 600}",
);

/// An analysis the authors entered as a sensitivity analysis of `death`.
const ENTERED: (&str, &str, &str) = (
    "analyses.yaml",
    "      - outcome: pain\n",
    "      - outcome: death\n        id: death-no-brown\n        name: Mortality without Brown 2006\n        role: sensitivity\n        sensitivity_of: death\n        type: dichotomous\n        measure: RR\n        studies:\n          - {study: Smith 2004, e_events: 5, e_total: 50, c_events: 8, c_total: 50}\n          - {study: Jones 2005, e_events: 3, e_total: 40, c_events: 6, c_total: 41}\n      - outcome: pain\n",
);

// The section says in words what the numbers show: with the fixture's small trials no
// sensitivity analysis and no single study changes the conclusion; when one large trial
// carries the result, leaving it out (by name, by risk of bias, or one study at a time) makes
// the interval include no effect, and each sentence says so with the numbers results.json
// has. The proofreader finds no seam in either.
#[test]
fn the_section_follows_the_data() {
    let scratch = Scratch::new("sensitivity-text-small");
    let dir = fixture(&scratch, &[ENTERED]);
    let (results, sections, seams) = generated(&dir);
    assert!(seams.is_empty(), "{seams:#?}");
    let section = &sections["sensitivity"];
    let death = &section["analyses"][0];
    assert_eq!(death["number"], "1.1");
    let sentences = texts(&death["sentences"]);
    let main = results.comparisons[0].outcomes[0].pooled.unwrap();
    assert!(
        main.ci_high > 1.0,
        "the small trials leave the question open"
    );
    assert_eq!(sentences.len(), 4, "{sentences:#?}");
    assert!(
        sentences[0]
            .starts_with("Using a fixed-effect model instead of a random-effects model (RR ")
    );
    assert!(sentences[0].ends_with(&format!(
        ") did not change the conclusion of the main analysis (RR {}, 95% CI {} to {}).",
        decimal(main.estimate),
        decimal(main.ci_low),
        decimal(main.ci_high)
    )));
    assert!(sentences[1].starts_with("Restricting the analysis to studies at low risk of bias for random sequence generation (selection bias) and allocation concealment (selection bias) (RR "));
    assert!(
        sentences[1].contains(
            "; 1 study, 100 participants) did not change the conclusion of the main analysis."
        ),
        "{}",
        sentences[1]
    );
    assert!(sentences[2].starts_with("Leaving out Brown 2006 (RR "));
    assert!(
        sentences[3].starts_with("The sensitivity analysis 1.2 Mortality without Brown 2006 (RR ")
    );
    assert_eq!(
        section["stable"],
        "Leaving out any one study at a time did not change the conclusion for death (Analysis 1.1)."
    );
    assert!(texts(&sections["methods"]).contains(&"We carried out sensitivity analyses of death (Fixed-effect model; Low risk of bias; Without Brown 2006).".to_string()));

    let scratch = Scratch::new("sensitivity-text-large");
    let dir = fixture(&scratch, &[ENTERED, BROWN_LARGE]);
    let (results, sections, seams) = generated(&dir);
    assert!(seams.is_empty(), "{seams:#?}");
    let outcome = &results.comparisons[0].outcomes[0];
    assert!(
        outcome.pooled.unwrap().ci_high < 1.0,
        "Brown 2006 carries the result"
    );
    let section = &sections["sensitivity"];
    let sentences = texts(&section["analyses"][0]["sentences"]);
    let main = outcome.pooled.unwrap();
    assert!(
        sentences[0].ends_with(&format!(
            ") did not change the conclusion of the main analysis (RR {}, 95% CI {} to {}).",
            decimal(main.estimate),
            decimal(main.ci_low),
            decimal(main.ci_high)
        )),
        "{}",
        sentences[0]
    );
    for (i, what) in [
        (1, "Restricting"),
        (2, "Leaving out Brown 2006"),
        (3, "The sensitivity analysis 1.2"),
    ] {
        assert!(sentences[i].starts_with(what), "{}", sentences[i]);
        assert!(
            sentences[i].ends_with(") changed the conclusion of the main analysis: the confidence interval included no effect."),
            "{}",
            sentences[i]
        );
    }
    let left_out = outcome.sensitivity.leave_one_out.as_ref().unwrap();
    let without_brown = left_out.iter().find(|l| l.study == "Brown 2006").unwrap();
    assert_eq!(
        sentences[4..],
        [format!(
            "Only leaving out Brown 2006 changed the conclusion: without it, the confidence interval included no effect (RR {}, 95% CI {} to {}).",
            decimal(without_brown.pooled.estimate),
            decimal(without_brown.pooled.ci_low),
            decimal(without_brown.pooled.ci_high)
        )]
    );
    assert!(
        left_out.len() > 1,
        "the other studies are said to change nothing"
    );
    assert_eq!(section["stable"], "");
    let changes: Vec<(&str, &str)> = section["analyses"][0]["leave_one_out"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["study"].as_str().unwrap(),
                row["change"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            ("Smith 2004", ""),
            ("Jones 2005", ""),
            ("Brown 2006", "the confidence interval included no effect")
        ]
    );
}

/// "0.65", as the text prints an effect.
fn decimal(x: f64) -> String {
    revmark::format::decimal(x)
}

// Without sensitivity analyses of any kind (no variants, fewer than three studies) the
// section and its methods sentences are left out of the review.
#[test]
fn nothing_to_say_leaves_the_section_out() {
    let scratch = Scratch::new("sensitivity-text-none");
    fixture(
        &scratch,
        &[
            (
                "analyses.yaml",
                "        sensitivity:\n          - name: Fixed-effect model\n            model: fixed\n          - name: Low risk of bias\n            low_risk_of_bias: [allocation_concealment, sequence_generation]\n          - name: Without Brown 2006\n            exclude: [Brown 2006]\n",
                "",
            ),
            (
                "analyses.yaml",
                "          - {study: Brown 2006, e_events: 7, e_total: 60, c_events: 12, c_total: 62}\n",
                "",
            ),
        ],
    );
    build(&scratch);
    let review = read(&scratch, "r/review.md");
    assert!(review.contains("### Effects of interventions"));
    assert!(!review.contains("Sensitivity analyses"), "{review}");
    assert!(!review.contains("sensitivity analyses of"), "{review}");
    assert!(!review.contains("leaving out one study"), "{review}");
    let author = read(&scratch, "r/author.html");
    assert!(author.contains("No analysis pools three or more studies into an overall total."));
}

// The proofreader reads the section's numbers against results.json: each sentence's effect
// must be the analysis's, a sensitivity analysis's or a leave-one-out result's, and its counts
// that result's.
#[test]
fn the_proofreader_checks_the_sections_numbers() {
    let scratch = Scratch::new("sensitivity-proofread");
    let dir = fixture(&scratch, &[ENTERED, BROWN_LARGE]);
    let review = revmark::load::load_review(&dir).unwrap().review;
    let results = std::sync::Arc::new(revmark::results::analyse(&review));
    let figures = revmark::plot::figures(&review, &results);
    let passages =
        revmark::report::generated_text(&review, std::sync::Arc::clone(&results), &figures)
            .unwrap();
    let seams_after = |from: &str, to: &str| {
        let mut passages = passages.clone();
        let passage = passages
            .iter_mut()
            .find(|p| p.section == "Sensitivity analyses 1.1")
            .unwrap();
        let all = passage.sentences.clone();
        let sentence = passage
            .sentences
            .iter_mut()
            .find(|s| s.contains(from))
            .unwrap_or_else(|| panic!("no `{from}` in {all:#?}"));
        *sentence = sentence.replacen(from, to, 1);
        revmark::report::proofread::proofread(&review, &results, &passages)
    };
    assert!(seams_after("Only leaving out", "Only leaving out").is_empty());
    let outcome = &results.comparisons[0].outcomes[0];
    let low_risk = outcome.sensitivity.sensitivity_analyses[1].pooled.unwrap();
    let without_brown = &outcome.sensitivity.leave_one_out.as_ref().unwrap()[2].pooled;
    for (from, to, problem) in [
        (
            format!("(RR {}, 95% CI", decimal(low_risk.estimate)),
            "(RR 9.99, 95% CI".to_string(),
            "which no analysis in results.json has",
        ),
        (
            "; 1 study, 100 participants)".to_string(),
            "; 2 studies, 100 participants)".to_string(),
            "says 2 studies and 100 participants where results.json has 1 and 100",
        ),
        (
            format!("95% CI {} to", decimal(without_brown.ci_low)),
            "95% CI 0.01 to".to_string(),
            "which no analysis in results.json has",
        ),
    ] {
        let seams = seams_after(&from, &to);
        assert!(
            seams.iter().any(|s| s.problem.contains(problem)),
            "`{to}` gave no seam about `{problem}`: {seams:#?}"
        );
    }
}

// The methods count the declared sensitivity analyses: the diuretics example's one is "a
// sensitivity analysis"; a second one makes them "sensitivity analyses". The names are the
// authors' as written.
#[test]
fn the_methods_count_the_declared_analyses() {
    let sentence = |dir: &std::path::Path| -> String {
        let (results, _, seams) = generated(dir);
        assert!(seams.is_empty(), "{seams:#?}");
        revmark::report::sensitivity::methods(&results)
            .into_iter()
            .find(|s| s.starts_with("We carried out"))
            .unwrap()
    };
    let scratch = Scratch::new("sensitivity-methods-one");
    let one = sentence(&example(&scratch, "diuretics-pregnancy"));
    assert!(
        one.starts_with("We carried out a sensitivity analysis of pre-eclampsia ("),
        "{one}"
    );
    assert!(one.contains("(Fixed-effect model)"), "{one}");
    let scratch = Scratch::new("sensitivity-methods-two");
    let dir = example(&scratch, "diuretics-pregnancy");
    edit(
        &dir.join("analyses.yaml"),
        "- {name: Fixed-effect model, model: fixed}",
        "- {name: Fixed-effect model, model: fixed}\n          - {name: Paule-Mandel estimate, tau2: PM}",
    );
    let two = sentence(&dir);
    assert!(
        two.starts_with("We carried out sensitivity analyses of pre-eclampsia ("),
        "{two}"
    );
    assert!(
        two.contains("(Fixed-effect model; Paule-Mandel estimate)"),
        "{two}"
    );
}
