//! Building: the output files exist, two builds are byte-identical, and a failed build leaves
//! the earlier output untouched.

use crate::common::*;

// The example reviews build into every file the contract names, and the index links them.
#[test]
fn builds_every_output_file() {
    let scratch = Scratch::new("files");
    example(&scratch, "mmn-lactation");
    example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    for slug in ["mmn-lactation", "diuretics-pregnancy"] {
        for file in ["abstract.md", "review.md", "index.html", "results.json"] {
            assert!(
                scratch.path("output").join(slug).join(file).is_file(),
                "{slug}/{file}"
            );
        }
    }
    assert_eq!(
        read(&scratch, "README.md"),
        std::fs::read_to_string(root().join("output/README.md")).unwrap(),
        "the build writes the README that the repository keeps in output/"
    );
    let index = read(&scratch, "index.html");
    assert!(
        index.contains("href=\"mmn-lactation/index.html\""),
        "{index}"
    );
    assert!(
        index.contains("href=\"diuretics-pregnancy/index.html\""),
        "{index}"
    );
    assert!(index.contains("2 studies, 52 women"), "{index}");
    let page = read(&scratch, "mmn-lactation/index.html");
    assert!(
        page.contains("<h3 id=\"main-results\">Main results</h3>"),
        "headings have anchors"
    );
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "the page makes no external requests"
    );
}

// Two builds of the same sources give byte-identical output.
#[test]
fn two_builds_are_byte_identical() {
    let scratch = Scratch::new("twice");
    example(&scratch, "mmn-lactation");
    example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let first = tree(&scratch.path("output"));
    build(&scratch);
    let second = tree(&scratch.path("output"));
    assert!(!first.is_empty());
    assert_eq!(first.len(), second.len());
    for ((p1, b1), (p2, b2)) in first.iter().zip(&second) {
        assert_eq!(p1, p2);
        assert!(b1 == b2, "{} differs between builds", p1.display());
    }
}

// A rebuild writes only the files whose bytes changed: the others are the same files as before
// (hard links, so their inode and modification time stay), a file edited in the output is
// written afresh even when its size did not change, and files that another path could change
// are never shared.
#[test]
fn a_rebuild_writes_only_changed_files() {
    use std::os::unix::fs::MetadataExt;
    let scratch = Scratch::new("relink");
    let dir = example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let inode = |relative: &str| {
        std::fs::metadata(scratch.path("output").join(relative))
            .unwrap()
            .ino()
    };
    let unchanged = "diuretics-pregnancy/figures/prisma.svg";
    let forest = "diuretics-pregnancy/figures/forest-1.3.svg"; // stillbirth
    let (prisma_before, forest_before) = (inode(unchanged), inode(forest));
    // An output file tampered with in place, keeping its length.
    let tampered = scratch.path("output/diuretics-pregnancy/figures/rob-summary.svg");
    let original = std::fs::read(&tampered).unwrap();
    let mut edited = original.clone();
    edited[0] = if edited[0] == b'X' { b'Y' } else { b'X' };
    std::fs::write(&tampered, &edited).unwrap();
    // An unchanged file that others may write, or that is linked from elsewhere, is not shared.
    use std::os::unix::fs::PermissionsExt;
    let writable = "diuretics-pregnancy/figures/rob-graph.svg";
    let writable_path = scratch.path("output").join(writable);
    std::fs::set_permissions(&writable_path, std::fs::Permissions::from_mode(0o666)).unwrap();
    let linked = "diuretics-pregnancy/figures/forest-1.1.svg";
    std::fs::hard_link(
        scratch.path("output").join(linked),
        scratch.path("elsewhere.svg"),
    )
    .unwrap();
    let (writable_before, linked_before) = (inode(writable), inode(linked));
    edit(
        &dir.join("data/stillbirth.csv"),
        "Flowers 1962,3,335",
        "Flowers 1962,4,335",
    );
    build(&scratch);
    assert_ne!(
        inode(writable),
        writable_before,
        "a file others may write was shared"
    );
    assert_ne!(
        inode(linked),
        linked_before,
        "a file linked from elsewhere was shared"
    );
    assert_eq!(
        inode(unchanged),
        prisma_before,
        "an unchanged file was rewritten"
    );
    assert_ne!(
        inode(forest),
        forest_before,
        "the changed forest plot was not rewritten"
    );
    assert!(
        std::fs::read(&tampered).unwrap() == original,
        "the output file edited in place was kept"
    );
}

/// Asserts that the output is still `before`, byte for byte, and that no staging folder
/// (`.output...`) is left beside it.
fn assert_old_output_whole(scratch: &Scratch, before: &[(std::path::PathBuf, Vec<u8>)]) {
    assert_eq!(
        before,
        tree(&scratch.path("output")),
        "the old output changed"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&scratch.0)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .filter(|n| n.to_string_lossy().starts_with(".output"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary folders left behind: {leftovers:?}"
    );
}

// A build that fails on an invalid review leaves the earlier output byte-identical.
#[test]
fn a_failed_build_leaves_the_old_output() {
    let scratch = Scratch::new("failed");
    let dir = example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let before = tree(&scratch.path("output"));
    edit(
        &dir.join("data/stillbirth.csv"),
        "Flowers 1962,3,335",
        "Flowers 1962,336,335",
    );
    let run = revmark(&scratch.0, &["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("stillbirth.csv:3:14: error:"),
        "{}",
        run.stderr
    );
    assert_old_output_whole(&scratch, &before);
}

// A review's files are written as they are made, so a page that fails to render comes after
// its figures and results.json are in the staging folder: the build still fails whole, the
// earlier output byte-identical and no staging folder left behind.
#[test]
fn a_page_failing_after_files_were_written_leaves_the_old_output() {
    let scratch = Scratch::new("failed-late");
    let dir = example(&scratch, "mmn-lactation");
    build(&scratch);
    let before = tree(&scratch.path("output"));
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("templates/page.html.tera"),
        "<p>{{ review.title }}</p>\n{% include \"nosuch.html\" %}\n",
    )
    .unwrap();
    let run = revmark(&scratch.0, &["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("nosuch.html"), "{}", run.stderr);
    assert_old_output_whole(&scratch, &before);
}

// Two review folders of one name (from two source folders) fail the build, and the second
// writes nothing into the first one's output folder: the earlier output stays whole.
#[test]
fn two_reviews_of_one_name_fail_and_leave_the_old_output() {
    let scratch = Scratch::new("same-name");
    example(&scratch, "mmn-lactation");
    build(&scratch);
    let before = tree(&scratch.path("output"));
    let other = scratch.path("more").join("mmn-lactation");
    copy_dir(&root().join("reviews/diuretics-pregnancy"), &other);
    let run = revmark(&scratch.0, &["build", "reviews", "more"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("two reviews are called `mmn-lactation`"),
        "{}",
        run.stderr
    );
    assert_eq!(
        before,
        tree(&scratch.path("output")),
        "the old output changed"
    );
}

// `check` validates and writes nothing.
#[test]
fn check_writes_nothing() {
    let scratch = Scratch::new("check");
    example(&scratch, "mmn-lactation");
    let run = revmark(&scratch.0, &["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!scratch.path("output").exists());
}

// --out chooses the output folder.
#[test]
fn out_chooses_the_output_folder() {
    let scratch = Scratch::new("out");
    example(&scratch, "mmn-lactation");
    let run = revmark(
        &scratch.0,
        &["build", "reviews/mmn-lactation", "--out", "site/public"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        scratch
            .path("site/public/mmn-lactation/abstract.md")
            .is_file()
    );
}

// The Data and analyses table prints the numbers of results.json.
#[test]
fn data_and_analyses_table_matches_results_json() {
    let scratch = Scratch::new("table");
    example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let md = read(&scratch, "diuretics-pregnancy/review.md");
    let json: serde_json::Value =
        serde_json::from_str(&read(&scratch, "diuretics-pregnancy/results.json")).unwrap();
    let outcomes = json["comparisons"][0]["outcomes"].as_array().unwrap();
    assert_eq!(outcomes.len(), 4);
    for o in outcomes {
        let number = o["number"].as_str().unwrap();
        let row = md
            .lines()
            .find(|l| l.starts_with(&format!("| [{number} ")))
            .unwrap_or_else(|| panic!("no row {number}"));
        let p = &o["pooled"];
        let expected = format!(
            "| {} | {} | {} | {:.2} \\[{:.2}, {:.2}\\] |",
            o["studies"],
            o["participants"],
            row.split(" | ").nth(3).unwrap(),
            p["estimate"].as_f64().unwrap(),
            p["ci_low"].as_f64().unwrap(),
            p["ci_high"].as_f64().unwrap()
        );
        assert!(row.ends_with(&expected), "{row}\n vs {expected}");
    }
}
