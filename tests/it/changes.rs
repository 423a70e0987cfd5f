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

/// Builds the reviews of `scratch` into `out` with `args` added, asserting success; returns
/// the messages.
fn build_into(scratch: &Scratch, out: &str, args: &[&str]) -> String {
    let mut all = vec!["build", "--out", out];
    all.extend(args);
    let run = revmark(&scratch.0, &all);
    assert_eq!(run.code, 0, "build failed:\n{}", run.stderr);
    run.stderr
}

/// What's new of a build in `out`: changes.md, changes.json and review.md.
fn whats_new(scratch: &Scratch, out: &str) -> [String; 3] {
    ["changes.md", "changes.json", "review.md"].map(|file| {
        std::fs::read_to_string(scratch.path(out).join("diuretics-pregnancy").join(file))
            .unwrap_or_else(|e| panic!("{out}/{file}: {e}"))
    })
}

// A build into a fresh folder (as in CI) given the earlier output as its baseline says what a
// build replacing that output says, whether the baseline is the output folder or the review's
// results.json.
#[test]
fn a_fresh_folder_with_a_baseline_says_what_replacing_says() {
    let scratch = Scratch::new("baseline-fresh");
    let dir = example(&scratch, "diuretics-pregnancy");
    build_into(&scratch, "output", &[]);
    copy_dir(&scratch.path("output"), &scratch.path("before"));
    edit(
        &dir.join(DATA),
        "Landesman 1965,138,1370",
        "Landesman 1965,260,1370",
    );
    let replacing = build_into(&scratch, "output", &[]);
    assert!(!replacing.contains("note:"), "{replacing}");
    let replaced = whats_new(&scratch, "output");
    assert!(
        replaced[0].contains("Conclusion changed"),
        "{}",
        replaced[0]
    );

    let fresh = build_into(&scratch, "fresh", &["--baseline", "before"]);
    assert!(!fresh.contains("note:"), "{fresh}");
    assert_eq!(whats_new(&scratch, "fresh"), replaced);
    build_into(
        &scratch,
        "fresh-file",
        &["--baseline", "before/diuretics-pregnancy/results.json"],
    );
    assert_eq!(whats_new(&scratch, "fresh-file"), replaced);
    build_into(
        &scratch,
        "fresh-review",
        &["--baseline", "before/diuretics-pregnancy"],
    );
    assert_eq!(whats_new(&scratch, "fresh-review"), replaced);

    // Without a baseline the fresh folder has nothing to compare with, and says so on stderr
    // in one line.
    let lost = build_into(&scratch, "lost", &[]);
    let notes: Vec<&str> = lost.lines().filter(|l| l.starts_with("note:")).collect();
    assert_eq!(notes.len(), 1, "{lost}");
    assert!(notes[0].contains("`diuretics-pregnancy`"), "{lost}");
    assert!(notes[0].contains("--baseline"), "{lost}");
    assert!(whats_new(&scratch, "lost")[0].contains("No earlier results to compare with"));
}

// Results equal to the baseline's keep the baseline's list, wherever the build writes: an
// unchanged rebuild into a fresh folder still says what the last change brought.
#[test]
fn unchanged_results_keep_the_baselines_list() {
    let scratch = Scratch::new("baseline-kept");
    let dir = example(&scratch, "diuretics-pregnancy");
    build_into(&scratch, "output", &[]);
    append(&dir.join(DATA), "Newstudy 2020,10,100,12,100\n");
    edit(
        &dir.join("studies.yaml"),
        "excluded: []",
        "  - id: Newstudy 2020\n    participants: 200\nexcluded: []",
    );
    build_into(&scratch, "output", &[]);
    let changed = whats_new(&scratch, "output");
    assert!(changed[0].contains("Study added"), "{}", changed[0]);
    build_into(&scratch, "again", &["--baseline", "output"]);
    assert_eq!(whats_new(&scratch, "again"), changed);
}

// A baseline that is not there, or that holds another review's results, is an error that
// names it; the output is not written.
#[test]
fn an_unusable_baseline_is_an_error() {
    let scratch = Scratch::new("baseline-bad");
    example(&scratch, "diuretics-pregnancy");
    let missing = revmark(&scratch.0, &["build", "--baseline", "nowhere"]);
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    assert!(
        missing.stderr.contains("baseline nowhere"),
        "{}",
        missing.stderr
    );
    assert!(!scratch.path("output").exists());

    let other = scratch.path("other.json");
    std::fs::write(
        &other,
        "{\"review\": \"another-review\", \"comparisons\": []}\n",
    )
    .unwrap();
    let run = revmark(&scratch.0, &["build", "--baseline", "other.json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("`another-review`"), "{}", run.stderr);

    std::fs::write(&other, "{\"review\": ").unwrap();
    let run = revmark(&scratch.0, &["build", "--baseline", "other.json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("other.json:1:"), "{}", run.stderr);
}

// `diff` of two output folders says which reviews are new or gone, and compares the rest.
#[test]
fn diff_of_folders_names_new_and_gone_reviews() {
    let scratch = Scratch::new("diff-sides");
    example(&scratch, "diuretics-pregnancy");
    example(&scratch, "mmn-lactation");
    build(&scratch);
    copy_dir(&scratch.path("output"), &scratch.path("before"));
    std::fs::remove_dir_all(scratch.path("before/mmn-lactation")).unwrap();
    let forward = revmark(&scratch.0, &["diff", "before", "output"]);
    assert_eq!(forward.code, 0, "{}", forward.stderr);
    assert!(
        forward.stdout.contains(
            "# What's new: diuretics-pregnancy\n\nNo results changed since the previous build.\n"
        ),
        "{}",
        forward.stdout
    );
    assert!(
        forward
            .stdout
            .ends_with("\n# What's new: mmn-lactation\n\nA new review.\n"),
        "{}",
        forward.stdout
    );
    let backward = revmark(&scratch.0, &["diff", "output", "before"]);
    assert!(
        backward
            .stdout
            .ends_with("\n# What's new: mmn-lactation\n\nThe review is gone.\n"),
        "{}",
        backward.stdout
    );
}
