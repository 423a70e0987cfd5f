//! The synthetic review generator (examples/synth.rs): its reviews are valid, deterministic
//! and have the features the benchmarks rely on.

use crate::common::*;

use crate::synth_reviews as synth;

use synth::{Rows, Size};

// Small and medium reviews pass `revmark check` with their rows in CSV files or half of
// them inline, and the same seed writes the same bytes.
#[test]
fn generated_reviews_are_valid_and_reproducible() {
    let scratch = Scratch::new("synth");
    for (size, rows) in [
        (Size::Small, Rows::Csv),
        (Size::Medium, Rows::Csv),
        (Size::Medium, Rows::Mixed),
    ] {
        let first = scratch.path(&format!("first-{}-{rows:?}", size.name()));
        let second = scratch.path(&format!("second-{}-{rows:?}", size.name()));
        let dirs = synth::generate(size, &first, 7, rows).unwrap();
        synth::generate(size, &second, 7, rows).unwrap();
        assert_eq!(dirs.len(), 1);
        let run = revmark(&scratch.0, &["check", dirs[0].to_str().unwrap()]);
        assert_eq!(
            run.code,
            0,
            "{} review is invalid:\n{}",
            size.name(),
            run.stderr
        );
        let (a, b) = (tree(&first), tree(&second));
        assert!(a.len() >= 3, "{a:?}");
        assert_eq!(
            a.iter().map(|(p, _)| p).collect::<Vec<_>>(),
            b.iter().map(|(p, _)| p).collect::<Vec<_>>()
        );
        for ((path, x), (_, y)) in a.iter().zip(&b) {
            assert!(x == y, "{} differs between two runs", path.display());
        }
    }
}

// Another seed gives other data, so the determinism above is not that of a constant.
#[test]
fn another_seed_gives_other_data() {
    let scratch = Scratch::new("synth-seeds");
    synth::generate(Size::Small, &scratch.path("a"), 1, Rows::Csv).unwrap();
    synth::generate(Size::Small, &scratch.path("b"), 2, Rows::Csv).unwrap();
    let read = |dir: &str| std::fs::read(scratch.path(dir).join("synth-small/analyses.yaml"));
    assert_ne!(read("a").unwrap(), read("b").unwrap());
}

// A medium review holds what real reviews hold: both data types, CSV data, subgroups,
// double-zero trials, certainty ratings, risk of bias and outcomes reported only in words.
#[test]
fn medium_review_has_realistic_features() {
    let scratch = Scratch::new("synth-features");
    let dir = synth::generate(Size::Medium, &scratch.0, 3, Rows::Csv)
        .unwrap()
        .remove(0);
    let analyses = std::fs::read_to_string(dir.join("analyses.yaml")).unwrap();
    let studies = std::fs::read_to_string(dir.join("studies.yaml")).unwrap();
    for needle in [
        "type: dichotomous",
        "type: continuous",
        "subgroups:",
        "data: data/",
        "certainty: {level:",
        "model: random",
        "method: Peto",
    ] {
        assert!(analyses.contains(needle), "analyses.yaml has no `{needle}`");
    }
    for needle in ["risk_of_bias:", "outcomes_reported:", "narrative:"] {
        assert!(studies.contains(needle), "studies.yaml has no `{needle}`");
    }
    assert_eq!(
        studies.matches("\n  - id: ").count(),
        200,
        "included studies"
    );
    let review = std::fs::read_to_string(dir.join("review.yaml")).unwrap();
    assert_eq!(review.matches("\n  - id: outcome-").count(), 50, "outcomes");
    let csv: Vec<String> = std::fs::read_dir(dir.join("data"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(!csv.is_empty(), "no CSV data");
    let double_zero_yaml = analyses
        .lines()
        .any(|l| l.contains("e_events: 0, ") && l.contains("c_events: 0, "));
    let double_zero_csv = csv.iter().flat_map(|t| t.lines()).any(|l| {
        let cells: Vec<&str> = l.rsplitn(5, ',').collect();
        cells.len() == 5 && cells[3] == "0" && cells[1] == "0"
    });
    assert!(double_zero_yaml || double_zero_csv, "no double-zero trial");
}

// The two layouts hold the same data: with `Rows::Csv` every outcome's rows are in a CSV file,
// with `Rows::Mixed` some are inline, and the built results are the same.
#[test]
fn both_row_layouts_give_the_same_results() {
    let scratch = Scratch::new("synth-rows");
    let csv = synth::generate(Size::Small, &scratch.path("csv"), 5, Rows::Csv).unwrap();
    let mixed = synth::generate(Size::Small, &scratch.path("mixed"), 5, Rows::Mixed).unwrap();
    let analyses =
        |dir: &std::path::Path| std::fs::read_to_string(dir.join("analyses.yaml")).unwrap();
    assert!(
        !analyses(&csv[0]).contains("studies:"),
        "inline rows with Rows::Csv"
    );
    assert!(
        analyses(&mixed[0]).contains("studies:"),
        "no inline rows with Rows::Mixed"
    );
    let mut results = Vec::new();
    for name in ["csv", "mixed"] {
        let out = format!("out-{name}");
        let run = revmark(&scratch.0, &["build", name, "--out", &out]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        results.push(std::fs::read(scratch.path(&out).join("synth-small/results.json")).unwrap());
    }
    assert!(results[0] == results[1], "the layouts' results differ");
}
