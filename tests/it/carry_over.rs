//! A build carries over, unchanged, each review whose folder, templates and revmark version
//! are those of the output it replaces, and the result is byte for byte what building every
//! review gives, "What's new" included.

use crate::common::*;
use std::path::Path;

/// Runs `revmark build reviews --out OUT ARGS...` in the scratch folder; returns stderr.
fn build_into(scratch: &Scratch, out: &str, args: &[&str]) -> String {
    let mut all = vec!["build", "reviews", "--out", out, "--timings"];
    all.extend(args);
    let run = revmark(&scratch.0, &all);
    assert_eq!(run.code, 0, "build failed:\n{}", run.stderr);
    run.stderr
}

/// The "carried" line of `--timings`.
fn carried(stderr: &str) -> &str {
    stderr
        .lines()
        .find(|l| l.trim_start().starts_with("carried"))
        .unwrap_or_else(|| panic!("no carried line:\n{stderr}"))
        .trim()
}

fn assert_same_tree(a: &Path, b: &Path) {
    let (left, right) = (tree(a), tree(b));
    let names = |t: &[(std::path::PathBuf, Vec<u8>)]| -> Vec<std::path::PathBuf> {
        t.iter().map(|(p, _)| p.clone()).collect()
    };
    assert_eq!(names(&left), names(&right), "the same files");
    for ((path, x), (_, y)) in left.iter().zip(&right) {
        assert!(x == y, "{} differs", path.display());
    }
}

/// The messages of a build, without the lines that name its output folder or time it.
fn messages(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .take_while(|l| !l.starts_with("timings"))
        .filter(|l| !l.starts_with("built "))
        .collect()
}

// Build, change one review, rebuild: the other review is carried over (hard-linked), and the
// output equals, byte for byte, a build of both into a fresh folder that compares with the
// first output, and a --full rebuild of the first output; the warnings of the review carried
// over are printed as its build printed them.
#[test]
fn an_unchanged_review_is_carried_over_and_the_output_is_what_a_full_build_gives() {
    let scratch = Scratch::new("carry");
    let diuretics = example(&scratch, "diuretics-pregnancy");
    example(&scratch, "mmn-lactation");
    let first = build_into(&scratch, "output", &[]);
    assert_eq!(
        carried(&first),
        "carried     0 of 2 reviews (unchanged since the output replaced)"
    );
    copy_dir(&scratch.path("output"), &scratch.path("first"));
    let again = build_into(&scratch, "output", &[]);
    assert!(
        carried(&again).starts_with("carried     2 of 2 "),
        "{again}"
    );
    assert_same_tree(&scratch.path("output"), &scratch.path("first"));
    copy_dir(&scratch.path("first"), &scratch.path("full0"));
    let full = build_into(&scratch, "full0", &["--full"]);
    assert_eq!(messages(&again), messages(&full), "warnings printed again");
    assert!(messages(&again).iter().any(|l| l.contains("warning:")));

    edit(
        &diuretics.join("data/stillbirth.csv"),
        "Kraus 1966,6,506,9,524",
        "Kraus 1966,16,506,9,524",
    );
    use std::os::unix::fs::MetadataExt;
    let kept = scratch.path("output/mmn-lactation/review.md");
    let ino = |p: &Path| std::fs::metadata(p).unwrap().ino();
    let before = ino(&kept);
    let second = build_into(&scratch, "output", &[]);
    assert!(
        carried(&second).starts_with("carried     1 of 2 "),
        "{second}"
    );
    assert_eq!(ino(&kept), before, "carried over by a hard link");
    // A build of everything into a fresh folder, What's new compared with the first output.
    let fresh = build_into(&scratch, "fresh", &["--baseline", "first"]);
    assert!(
        carried(&fresh).starts_with("carried     0 of 2 "),
        "{fresh}"
    );
    assert_same_tree(&scratch.path("output"), &scratch.path("fresh"));
    // And a full rebuild of a copy of the first output.
    copy_dir(&scratch.path("first"), &scratch.path("full"));
    let full = build_into(&scratch, "full", &["--full"]);
    assert_same_tree(&scratch.path("output"), &scratch.path("full"));
    assert_eq!(messages(&second), messages(&full));
    let changes = read(&scratch, "diuretics-pregnancy/changes.md");
    assert!(
        changes.contains("Stillbirth"),
        "the edit is in What's new:\n{changes}"
    );
}

// What's new of a review carried over is its last build's: right, because a build would compare
// it with the output it replaces, whose results equal its own, and keep that output's list.
// Checked against a --full build after the other review changed.
#[test]
fn whats_new_of_a_review_carried_over_is_what_a_build_would_say() {
    let scratch = Scratch::new("carry-changes");
    let diuretics = example(&scratch, "diuretics-pregnancy");
    let mmn = example(&scratch, "mmn-lactation");
    build_into(&scratch, "output", &[]);
    edit(
        &diuretics.join("data/stillbirth.csv"),
        "Kraus 1966,6,506,9,524",
        "Kraus 1966,16,506,9,524",
    );
    build_into(&scratch, "output", &[]);
    let changed = read(&scratch, "diuretics-pregnancy/changes.md");
    assert!(changed.contains("Stillbirth"), "{changed}");
    copy_dir(&scratch.path("output"), &scratch.path("second"));
    // Now only the other review changes: diuretics is carried over with its list.
    edit(
        &mmn.join("review.yaml"),
        "title: Multiple-micronutrient",
        "title: Multiple micronutrient",
    );
    let third = build_into(&scratch, "output", &[]);
    assert!(
        carried(&third).starts_with("carried     1 of 2 "),
        "{third}"
    );
    assert_eq!(read(&scratch, "diuretics-pregnancy/changes.md"), changed);
    let full = build_into(&scratch, "second", &["--full"]);
    assert!(carried(&full).starts_with("carried     0 of 2 "), "{full}");
    assert_same_tree(&scratch.path("output"), &scratch.path("second"));
    assert!(read(&scratch, "index.html").contains("Multiple micronutrient"));
}

// Nothing is carried over when the site's templates changed, when --baseline is given, or
// when a file the output listed for the review is gone; the output is then built in full.
#[test]
fn a_review_is_built_again_when_anything_it_depends_on_changed() {
    let scratch = Scratch::new("carry-not");
    example(&scratch, "mmn-lactation");
    build_into(&scratch, "output", &[]);
    std::fs::create_dir_all(scratch.path("templates")).unwrap();
    std::fs::write(
        scratch.path("templates/page.html.tera"),
        "{% extends \"builtin/page.html\" %}{% block footer %}SITE FOOTER{% endblock footer %}",
    )
    .unwrap();
    let site = build_into(&scratch, "output", &[]);
    assert!(carried(&site).starts_with("carried     0 of 1 "), "{site}");
    assert!(read(&scratch, "mmn-lactation/index.html").contains("SITE FOOTER"));
    let same = build_into(&scratch, "output", &[]);
    assert!(carried(&same).starts_with("carried     1 of 1 "), "{same}");
    let given = build_into(&scratch, "output", &["--baseline", "output"]);
    assert!(
        carried(&given).starts_with("carried     0 of 1 "),
        "{given}"
    );
    std::fs::remove_file(scratch.path("output/mmn-lactation/review.md")).unwrap();
    let repaired = build_into(&scratch, "output", &[]);
    assert!(
        carried(&repaired).starts_with("carried     0 of 1 "),
        "{repaired}"
    );
    assert!(scratch.path("output/mmn-lactation/review.md").is_file());
}
