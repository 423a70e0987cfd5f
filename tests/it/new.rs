//! `revmark new`: the scaffold is valid at once and refuses bad ids and existing folders.

use crate::common::{Scratch, revmark};

// A fresh scaffold checks and builds without a warning, and shows every review.yaml field.
#[test]
fn scaffold_checks_and_builds_clean() {
    let scratch = Scratch::new("new");
    let run = revmark(&scratch.0, &["new", "my-review"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let check = revmark(&scratch.0, &["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(!check.stderr.contains("warning"), "{}", check.stderr);
    let build = revmark(&scratch.0, &["build"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(scratch.path("output/my-review/results.json").is_file());
    let review = std::fs::read_to_string(scratch.path("reviews/my-review/review.yaml")).unwrap();
    for field in [
        "title:",
        "authors:",
        "plain_language_summary:",
        "flow:",
        "excluded_full_text:",
        "conclusions:",
        "discussion:",
    ] {
        assert!(review.contains(field), "review.yaml lacks {field}");
    }
    // Its data rows are CSV files; inline YAML rows are shown only in a comment.
    let analyses =
        std::fs::read_to_string(scratch.path("reviews/my-review/analyses.yaml")).unwrap();
    let data_lines: Vec<&str> = analyses
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter(|l| l.contains("data:"))
        .collect();
    assert_eq!(data_lines.len(), 3, "{analyses}");
    assert!(
        !analyses
            .lines()
            .any(|l| !l.trim_start().starts_with('#') && l.contains("{study:")),
        "a data row in YAML:\n{analyses}"
    );
    let results = std::fs::read_to_string(scratch.path("output/my-review/results.json")).unwrap();
    for study in ["Example 2020", "Sample 2022"] {
        assert!(results.contains(study), "{study} is analysed");
    }
}

// `--dir` chooses the folder of reviews.
#[test]
fn scaffold_goes_into_dir() {
    let scratch = Scratch::new("new-dir");
    let run = revmark(&scratch.0, &["new", "x1", "--dir", "elsewhere"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(scratch.path("elsewhere/x1/studies.yaml").is_file());
    assert_eq!(revmark(&scratch.0, &["check", "elsewhere"]).code, 0);
}

// A bad id is a usage error and an existing folder is never overwritten.
#[test]
fn errors_on_bad_id_and_existing_folder() {
    let scratch = Scratch::new("new-bad");
    let run = revmark(&scratch.0, &["new", "Bad Id"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not a review id"), "{}", run.stderr);
    assert_eq!(revmark(&scratch.0, &["new", "ok"]).code, 0);
    std::fs::write(scratch.path("reviews/ok/review.yaml"), "mine").unwrap();
    let again = revmark(&scratch.0, &["new", "ok"]);
    assert_eq!(again.code, 2, "a refused target is a usage error");
    assert_eq!(
        std::fs::read_to_string(scratch.path("reviews/ok/review.yaml")).unwrap(),
        "mine"
    );
}
