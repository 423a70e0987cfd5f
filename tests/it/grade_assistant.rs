//! The GRADE assistant in a build: its thresholds in review.yaml, checked where they are
//! written; `check`'s warnings where the authors' certainty is above the suggestion or leaves a
//! flagged domain out, and the acknowledgement that silences them; the evidence profile page.

use crate::common::*;
use revmark::results::{OutcomeResults, Results};

/// The results of the review in `dir`, as a build computes them.
fn analysed(dir: &std::path::Path) -> Results {
    let loaded = load_valid(dir);
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

/// Pre-eclampsia's imprecision reason, optimal information size and participants.
fn information_size_reason(results: &Results) -> (String, u64, u64) {
    let result = outcome(results, "pre-eclampsia");
    let suggestion = result.grade_suggestion.as_ref().unwrap();
    let size = suggestion.facts.get().unwrap().information_size.unwrap();
    let reason = suggestion.domains.imprecision.reason.clone();
    (reason, size, result.participants)
}

// The reason gives the optimal information size and the participants as the style manual
// writes counts (revmark::format::count: commas from five digits): a power that takes the size
// past 9999 gives it with its commas, never as bare digits.
#[test]
fn information_sizes_are_written_as_counts() {
    use revmark::format::count;
    let scratch = Scratch::new("grade-size-default");
    let default = analysed(&example(&scratch, "diuretics-pregnancy"));
    let (before, size, participants) = information_size_reason(&default);
    for n in [size, participants] {
        assert!(before.contains(&count(n)), "{n} in {before}");
    }
    let other = Scratch::new("grade-size-powered");
    let powered = analysed(&diuretics_with(
        &other,
        "grade_thresholds: {information_size_power: 0.99}\n",
    ));
    let (after, larger, _) = information_size_reason(&powered);
    assert!(larger >= 10_000 && larger > size, "{larger}");
    assert_ne!(before, after);
    assert!(after.contains(&count(larger)), "{after}");
    assert!(!after.contains(&larger.to_string()), "{after}");
}

/// `revmark check` of the diuretics example with its perinatal death certainty replaced by
/// `certainty` (the example rates it moderate for imprecision, which the assistant rates very
/// low: risk of bias −1, imprecision −2).
fn check_perinatal(certainty: &str) -> Run {
    let scratch = Scratch::new("grade-check");
    let dir = example(&scratch, "diuretics-pregnancy");
    edit(
        &dir.join("analyses.yaml"),
        "certainty: {level: moderate, reasons: [imprecision]}",
        &format!("certainty: {certainty}"),
    );
    revmark(&scratch.0, &["check"])
}

/// The line of the perinatal death analysis's certainty in the example's analyses.yaml.
fn perinatal_certainty_line() -> usize {
    let text =
        std::fs::read_to_string(root().join("reviews/diuretics-pregnancy/analyses.yaml")).unwrap();
    1 + text
        .lines()
        .position(|l| l.contains("certainty: {level: moderate, reasons: [imprecision]}"))
        .unwrap()
}

/// The GRADE assistant's warnings in `stderr`.
fn grade_warnings(stderr: &str) -> Vec<&str> {
    stderr
        .split("\n\n")
        .filter(|w| w.contains("GRADE assistant"))
        .collect()
}

// The example's rating draws one warning, at its level: the level is above the suggestion and
// the reasons leave out risk of bias; each domain rated down is given with its reason.
#[test]
fn check_warns_at_the_certainty() {
    let run = check_perinatal("{level: moderate, reasons: [imprecision]}");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warnings = grade_warnings(&run.stderr);
    assert_eq!(warnings.len(), 1, "{}", run.stderr);
    let warning = warnings[0];
    for expected in [
        &format!(
            "analyses.yaml:{}:28: warning: comparison `diuretics-vs-control`, outcome `perinatal-death` (analysis 1.2): the certainty is moderate, but the GRADE assistant suggests very low, and it rates down for risk of bias, which none of the reasons names.",
            perinatal_certainty_line()
        ),
        // The example's studies record no judgement: the reason says so.
        "Risk of bias, \u{2212}1: No study records a risk-of-bias judgement, so every study is taken to be at unclear risk of bias.",
        "Imprecision, \u{2212}2: The confidence interval includes both an important reduction and an important increase.",
        "grade_acknowledged",
    ] {
        assert!(
            warning.contains(expected),
            "expected `{expected}` in:\n{warning}"
        );
    }
}

// Each part of the warning follows the rating: the level alone, a domain alone, or nothing
// when the authors' rating is at or below the suggestion and names every domain.
#[test]
fn the_warning_follows_the_rating() {
    // Every domain named, the level still above: the level only.
    let run = check_perinatal("{level: low, reasons: [risk of bias, imprecision]}");
    let warnings = grade_warnings(&run.stderr);
    assert_eq!(warnings.len(), 1, "{}", run.stderr);
    assert!(
        warnings[0].contains("the certainty is low, but the GRADE assistant suggests very low.")
    );
    assert!(!warnings[0].contains("none of the reasons"));
    // The level agreed, a domain left out: the domain only.
    let run = check_perinatal(
        "{level: very low, reasons: [serious imprecision (wide confidence interval)]}",
    );
    let warnings = grade_warnings(&run.stderr);
    assert_eq!(warnings.len(), 1, "{}", run.stderr);
    assert!(
        warnings[0].contains(
            "the GRADE assistant rates down for risk of bias, which none of the reasons names."
        ),
        "{}",
        warnings[0]
    );
    assert!(!warnings[0].contains("the certainty is"));
    // Agreed and named, in the authors' own words: nothing.
    let run = check_perinatal(
        "{level: very low, reasons: [study limitations, very serious imprecision]}",
    );
    assert_eq!(
        grade_warnings(&run.stderr),
        Vec::<&str>::new(),
        "{}",
        run.stderr
    );
    // Rated lower than suggested, for the same domains: nothing.
    let run =
        check_perinatal("{level: very low, reasons: [risk of bias, imprecision, indirectness]}");
    assert_eq!(grade_warnings(&run.stderr), Vec::<&str>::new());
}

// The authors' acknowledgement silences what it covers: one reason covers everything; reasons
// by domain cover those domains, and the level once every domain rated down is covered.
#[test]
fn an_acknowledgement_silences_the_warning() {
    let whole = check_perinatal(
        "{level: moderate, reasons: [imprecision], grade_acknowledged: \"All trials blinded outcome assessment for death\"}",
    );
    assert_eq!(whole.code, 0, "{}", whole.stderr);
    assert_eq!(
        grade_warnings(&whole.stderr),
        Vec::<&str>::new(),
        "{}",
        whole.stderr
    );
    let one = check_perinatal(
        "{level: moderate, reasons: [imprecision], grade_acknowledged: {risk_of_bias: \"death is not open to detection bias\"}}",
    );
    let warnings = grade_warnings(&one.stderr);
    assert_eq!(warnings.len(), 1, "{}", one.stderr);
    assert!(
        warnings[0]
            .contains("the certainty is moderate, but the GRADE assistant suggests very low.")
    );
    assert!(warnings[0].contains("Imprecision, \u{2212}2"));
    assert!(
        !warnings[0].contains("Risk of bias, \u{2212}1"),
        "{}",
        warnings[0]
    );
    let both = check_perinatal(
        "{level: moderate, reasons: [imprecision], grade_acknowledged: {risk_of_bias: \"death is not open to detection bias\", imprecision: \"one level: few deaths\"}}",
    );
    assert_eq!(
        grade_warnings(&both.stderr),
        Vec::<&str>::new(),
        "{}",
        both.stderr
    );
}

/// The warnings in `stderr` that call an acknowledgement stale.
fn stale_warnings(stderr: &str) -> Vec<&str> {
    stderr
        .split("\n\n")
        .filter(|w| w.contains("is stale and can be removed"))
        .collect()
}

/// `file:line:col` of the first `text` on the perinatal death certainty's line, as a warning
/// names it.
fn on_certainty_line(text: &str) -> String {
    let line = std::fs::read_to_string(root().join("reviews/diuretics-pregnancy/analyses.yaml"))
        .unwrap()
        .lines()
        .nth(perinatal_certainty_line() - 1)
        .unwrap()
        .to_string();
    // The example's certainty is replaced whole; the key ends at the same column.
    let start = line.find("certainty: ").unwrap() + "certainty: ".len();
    format!(
        "analyses.yaml:{}:{}",
        perinatal_certainty_line(),
        start + 1 + text.len()
    )
}

// An acknowledgement that silences something is kept quietly; once the rating changes so that
// it answers nothing (the level lowered to the suggestion, the domain named), or it answers a
// domain the assistant does not rate down, `check` and `build` say it can go, at where it is
// written, and the page never does.
#[test]
fn a_stale_acknowledgement_is_warned_where_it_is_written() {
    let ack = "grade_acknowledged: \"All trials blinded outcome assessment for death\"";
    let needed = check_perinatal(&format!(
        "{{level: moderate, reasons: [imprecision], {ack}}}"
    ));
    assert_eq!(needed.code, 0, "{}", needed.stderr);
    assert_eq!(stale_warnings(&needed.stderr), Vec::<&str>::new());
    let agreed = "{level: very low, reasons: [risk of bias, imprecision], ";
    let stale = check_perinatal(&format!("{agreed}{ack}}}"));
    assert_eq!(stale.code, 0, "{}", stale.stderr);
    let warnings = stale_warnings(&stale.stderr);
    assert_eq!(warnings.len(), 1, "{}", stale.stderr);
    let at = on_certainty_line(&format!("{agreed}grade_acknowledged: "));
    assert!(
        warnings[0].contains(&format!(
            "{at}: warning: comparison `diuretics-vs-control`, outcome `perinatal-death` (analysis 1.2): `grade_acknowledged` is stale and can be removed: the GRADE assistant questions nothing in the certainty without it."
        )),
        "{}",
        warnings[0]
    );
    // By domain: the risk of bias answer is still needed, the inconsistency one (I² 0%) is not.
    let prefix = "{level: moderate, reasons: [imprecision], grade_acknowledged: {risk_of_bias: \"death is not open to detection bias\", inconsistency: ";
    let by_domain = check_perinatal(&format!("{prefix}\"consistent\"}}}}"));
    let warnings = stale_warnings(&by_domain.stderr);
    assert_eq!(warnings.len(), 1, "{}", by_domain.stderr);
    assert!(
        warnings[0].contains(&format!(
            "{}: warning: comparison `diuretics-vs-control`, outcome `perinatal-death` (analysis 1.2): `grade_acknowledged.inconsistency` is stale and can be removed: the GRADE assistant does not rate down for inconsistency.",
            on_certainty_line(prefix)
        )),
        "{}",
        warnings[0]
    );
    // `build` says so too, and the page does not.
    let scratch = Scratch::new("grade-stale-build");
    let dir = example(&scratch, "diuretics-pregnancy");
    edit(
        &dir.join("analyses.yaml"),
        "certainty: {level: moderate, reasons: [imprecision]}",
        &format!("certainty: {agreed}{ack}}}"),
    );
    let run = revmark(&scratch.0, &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(stale_warnings(&run.stderr).len(), 1, "{}", run.stderr);
    let page = read(&scratch, "diuretics-pregnancy/index.html");
    assert!(!page.contains("stale"));
}

// An acknowledgement must say something, and name domains the assistant rates.
#[test]
fn an_acknowledgement_is_checked() {
    let empty =
        check_perinatal("{level: moderate, reasons: [imprecision], grade_acknowledged: \" \"}");
    assert_eq!(empty.code, 1);
    assert!(empty.stderr.contains(&format!("analyses.yaml:{}:82: error: grade_acknowledged: give your reason for rating otherwise than the GRADE assistant", perinatal_certainty_line())), "{}", empty.stderr);
    let misspelt = check_perinatal(
        "{level: moderate, reasons: [imprecision], grade_acknowledged: {imprecison: \"few deaths\"}}",
    );
    assert_eq!(misspelt.code, 1);
    assert!(
        misspelt.stderr.contains("unknown field `imprecison`"),
        "{}",
        misspelt.stderr
    );
    assert!(
        misspelt.stderr.contains("did you mean `imprecision`?"),
        "{}",
        misspelt.stderr
    );
    let indirectness = check_perinatal(
        "{level: moderate, reasons: [imprecision], grade_acknowledged: {indirectness: \"x\"}}",
    );
    assert_eq!(indirectness.code, 1);
}

// The warning is printed by `build` too, and listed in the author view; never in the page.
#[test]
fn the_warning_is_for_the_authors_only() {
    let scratch = Scratch::new("grade-author");
    example(&scratch, "diuretics-pregnancy");
    let run = revmark(&scratch.0, &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(grade_warnings(&run.stderr).len(), 1, "{}", run.stderr);
    let author = read(&scratch, "diuretics-pregnancy/author.html");
    assert!(
        author.contains("the certainty is moderate, but the GRADE assistant suggests very low")
    );
    for page in ["index.html", "review.md", "abstract.md"] {
        let text = read(&scratch, &format!("diuretics-pregnancy/{page}"));
        assert!(!text.contains("GRADE assistant"), "{page}");
    }
}

// Each build writes the evidence profile: the author view links to it, the published page
// does not unless review.yaml asks; it shows each domain's rating with its data and the
// authors' certainty beside the suggestion, and follows the data and the acknowledgement.
#[test]
fn the_evidence_profile_is_built_for_the_authors() {
    let scratch = Scratch::new("grade-profile");
    let dir = example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let profile = read(&scratch, "diuretics-pregnancy/evidence-profile.html");
    let author = read(&scratch, "diuretics-pregnancy/author.html");
    let page = read(&scratch, "diuretics-pregnancy/index.html");
    assert!(
        author.contains("<a href=\"evidence-profile.html\">"),
        "{author}"
    );
    assert!(!page.contains("evidence-profile.html"));
    for expected in [
        "<h1>Evidence profile</h1>",
        "Question: Diuretic treatment compared with placebo or no treatment.",
        "1.2 Perinatal death",
        "<span class=\"rating r2\">very serious</span>",
        "The confidence interval includes both an important reduction and an important increase.",
        "Optimal information size: 37,758 participants; the analysis has 6864.",
        "<td data-label=\"Relative (95% CI)\">OR 0.91 (0.64 to 1.31)</td>",
        "2 fewer per 1000 (from 7 fewer to 6 more)",
        "63/3705 (1.70%)",
        "Not among the authors' reasons",
        "Below the authors' level",
        "not assessed by revmark",
    ] {
        assert!(
            profile.contains(expected),
            "expected `{expected}` in the profile"
        );
    }
    // The page links to it when review.yaml asks; an acknowledgement shows in its cell, and
    // the flags it answers go.
    append(&dir.join("review.yaml"), "evidence_profile: linked\n");
    edit(
        &dir.join("analyses.yaml"),
        "certainty: {level: moderate, reasons: [imprecision]}",
        "certainty: {level: moderate, reasons: [imprecision], grade_acknowledged: {risk_of_bias: \"Death is <not> open to detection bias\"}}",
    );
    build(&scratch);
    let page = read(&scratch, "diuretics-pregnancy/index.html");
    assert!(page.contains("<a href=\"evidence-profile.html\">Evidence profile</a>"));
    let profile = read(&scratch, "diuretics-pregnancy/evidence-profile.html");
    assert!(profile.contains("Authors: Death is &lt;not&gt; open to detection bias"));
    assert!(!profile.contains("Not among the authors' reasons"));
    assert!(profile.contains("The published page links here"));
}

/// Measures the evidence profile in a frame of `width` px: whether the page or a table box
/// scrolls sideways.
const PROFILE_LAYOUT: &str = r#"<!DOCTYPE html><html><body><pre id="result">pending</pre>
<script>
async function measure(width) {
  const frame = document.createElement('iframe');
  frame.width = width; frame.height = 900; frame.src = 'diuretics-pregnancy/evidence-profile.html';
  const loaded = new Promise(resolve => frame.addEventListener('load', resolve));
  document.body.appendChild(frame);
  await loaded;
  const doc = frame.contentDocument;
  const root = doc.documentElement;
  const boxes = Array.from(doc.querySelectorAll('div.table'));
  const cells = Array.from(doc.querySelectorAll('table.profile td'));
  return {
    width: root.clientWidth, scroll_width: root.scrollWidth, tables: boxes.length,
    tables_scrolling: boxes.filter(b => b.scrollWidth > b.clientWidth + 1).length,
    cells: cells.length,
    labelled: cells.filter(td => !['none', 'normal'].includes(getComputedStyle(td, '::before').content)).length,
  };
}
(async () => {
  const report = { narrow: await measure(420), wide: await measure(1400) };
  document.getElementById('result').textContent = 'RESULT' + JSON.stringify(report) + 'END';
})();
</script></body></html>"#;

// In a real browser the profile reads at 420 px (each analysis a list of labelled cells,
// nothing scrolls sideways) and at 1400 px (the whole table in view, unlabelled cells).
#[test]
fn the_evidence_profile_reads_on_a_phone_and_a_wide_screen() {
    let Some(browser) = crate::browser::chromium() else {
        eprintln!("chromium is not installed: the browser test did not run (.ci/run installs it)");
        return;
    };
    let scratch = Scratch::new("profile-layout");
    example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let out = scratch.path("output");
    std::fs::write(out.join("layout.html"), PROFILE_LAYOUT).unwrap();
    let port = crate::browser::serve(out);
    let dom = crate::browser::run_chromium(
        &browser,
        &scratch.path("profile"),
        &[
            "--virtual-time-budget=20000",
            "--dump-dom",
            &format!("http://127.0.0.1:{port}/layout.html"),
        ],
    );
    let json = dom
        .split("RESULT")
        .nth(1)
        .and_then(|r| r.split("END").next())
        .unwrap_or_else(|| panic!("no report:\n{dom}"));
    let report: serde_json::Value = serde_json::from_str(json).unwrap();
    for (name, view) in [("narrow", &report["narrow"]), ("wide", &report["wide"])] {
        assert_eq!(
            view["scroll_width"], view["width"],
            "{name}: the page scrolls: {view}"
        );
        assert_eq!(view["tables"], 1, "{name}: {view}");
        assert_eq!(
            view["tables_scrolling"], 0,
            "{name}: the table scrolls: {view}"
        );
        assert!(view["cells"].as_u64().unwrap() >= 4 * 13, "{name}: {view}");
    }
    assert_eq!(
        report["narrow"]["labelled"], report["narrow"]["cells"],
        "{report}"
    );
    assert_eq!(report["wide"]["labelled"], 0, "{report}");
}

// Where no study records a risk-of-bias judgement (as in Review Manager's data-only files), the
// assistant's reason says so rather than read as the authors' judgement; with one judgement
// recorded, the reason gives the shares of the weight again.
#[test]
fn unrecorded_judgements_are_said_to_be_unrecorded() {
    let scratch = Scratch::new("grade-unrecorded");
    let dir = example(&scratch, "diuretics-pregnancy");
    let unrecorded = "Risk of bias, \u{2212}1: No study records a risk-of-bias judgement";
    let shares =
        "Risk of bias, \u{2212}1: Studies at unclear risk of bias carry 100% of the weight.";
    let run = revmark(&scratch.0, &["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains(unrecorded), "{}", run.stderr);
    assert!(!run.stderr.contains(shares), "{}", run.stderr);
    edit(
        &dir.join("studies.yaml"),
        "methods: Randomised trial of diuretics in pregnancy, 1971.",
        "methods: Randomised trial of diuretics in pregnancy, 1971.\n    risk_of_bias:\n      sequence_generation: {judgement: unclear}",
    );
    let run = revmark(&scratch.0, &["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains(shares), "{}", run.stderr);
    assert!(!run.stderr.contains(unrecorded), "{}", run.stderr);
}
