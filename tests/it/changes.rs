//! What's new: each build compares its results with the previous build's, and `revmark diff`
//! prints the same comparison for two results files.

use crate::common::*;

const DATA: &str = "data/pre-eclampsia-no-oedema.csv";

// A first build says plainly that there is nothing to compare with; an unchanged rebuild
// keeps that text byte for byte.
#[test]
fn first_build_says_there_is_no_previous_build() {
    let scratch = Scratch::new("changes-first");
    example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let first = read(&scratch, "diuretics-pregnancy/changes.md");
    assert!(
        first.contains("No earlier results to compare with"),
        "{first}"
    );
    build(&scratch);
    assert_eq!(read(&scratch, "diuretics-pregnancy/changes.md"), first);
}

// Events changed so that the pre-eclampsia interval crosses 1: changes.md lists that outcome
// first as a flipped conclusion, review.md shows What's new, and `revmark diff` prints the
// same list.
#[test]
fn flipped_conclusion_is_listed_first() {
    let scratch = Scratch::new("changes-flip");
    let dir = example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let before = read(&scratch, "diuretics-pregnancy/results.json");
    let old_interval = pooled_interval(&before, "pre-eclampsia");
    assert!(old_interval.1 < 1.0, "the example's interval excludes 1");
    std::fs::write(scratch.path("old-results.json"), &before).unwrap();

    edit(
        &dir.join(DATA),
        "Landesman 1965,138,1370",
        "Landesman 1965,260,1370",
    );
    build(&scratch);
    let after = read(&scratch, "diuretics-pregnancy/results.json");
    let new_interval = pooled_interval(&after, "pre-eclampsia");
    assert!(
        new_interval.0 < 1.0 && new_interval.1 > 1.0,
        "the edit makes the interval cross 1: {new_interval:?}"
    );

    let changes = read(&scratch, "diuretics-pregnancy/changes.md");
    let items: Vec<&str> = changes.lines().filter(|l| l.starts_with("- ")).collect();
    assert!(!items.is_empty(), "{changes}");
    assert!(
        items[0].starts_with(
            "- **Conclusion changed:** 1.1 Pre-eclampsia: the 95% CI now includes no effect"
        ),
        "{changes}"
    );
    let review = read(&scratch, "diuretics-pregnancy/review.md");
    assert!(
        review.contains("## What's new"),
        "review.md has no What's new"
    );
    assert!(review.contains(items[0]), "review.md lacks {}", items[0]);

    let diff = revmark(
        &scratch.0,
        &[
            "diff",
            "old-results.json",
            "output/diuretics-pregnancy/results.json",
        ],
    );
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    assert_eq!(diff.stdout, changes);
}

// The pooled interval of an outcome in a results.json text.
fn pooled_interval(results: &str, outcome: &str) -> (f64, f64) {
    let json: serde_json::Value = serde_json::from_str(results).unwrap();
    let o = json["comparisons"][0]["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == outcome)
        .unwrap();
    (
        o["pooled"]["ci_low"].as_f64().unwrap(),
        o["pooled"]["ci_high"].as_f64().unwrap(),
    )
}

// A study added to the data is named; `diff` on two output folders pairs reviews by id.
#[test]
fn added_study_is_named_and_folders_compare() {
    let scratch = Scratch::new("changes-study");
    let dir = example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    copy_dir(&scratch.path("output"), &scratch.path("before"));
    edit(
        &dir.join("studies.yaml"),
        "excluded: []",
        "  - id: Newstudy 2020\n    participants: 200\nexcluded: []",
    );
    append(&dir.join(DATA), "Newstudy 2020,10,100,12,100\n");
    build(&scratch);
    let changes = read(&scratch, "diuretics-pregnancy/changes.md");
    assert!(
        changes.contains("- **Study added:** Newstudy 2020: now in analysis 1.1"),
        "{changes}"
    );
    let diff = revmark(&scratch.0, &["diff", "before", "output"]);
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    assert_eq!(diff.stdout, changes);
}

// A missing side is an error, not an empty comparison.
#[test]
fn diff_errors_on_missing_file() {
    let scratch = Scratch::new("changes-missing");
    let run = revmark(&scratch.0, &["diff", "a.json", "b.json"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("a.json"), "{}", run.stderr);
}
