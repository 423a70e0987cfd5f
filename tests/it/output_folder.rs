//! Output folders are revmark's alone: a build replaces only a folder it wrote (marked by
//! .revmark-output.json and holding only what the marker lists), an empty or missing one, or a
//! fresh clone's output/ holding only the output README. It refuses, with exit 2 and nothing
//! touched, an output that is, holds or lies inside a review source or the folder it runs in
//! (`--force` or not), and a folder holding files it did not write (unless `--force`). The
//! same for `serve --out`; `import --out` never writes into an existing folder.

use crate::common::*;
use std::path::Path;

const MARKER: &str = ".revmark-output.json";

/// Every file under the scratch folder, bytes included: what "nothing touched" compares.
fn everything(scratch: &Scratch) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    tree(&scratch.0)
}

/// Runs `args` in the scratch folder and asserts a usage error whose message contains `says`
/// and that no file in the scratch folder changed.
fn refused(scratch: &Scratch, args: &[&str], says: &str) -> Run {
    let before = everything(scratch);
    let run = revmark(&scratch.0, args);
    assert_eq!(run.code, 2, "{args:?} was not refused:\n{}", run.stderr);
    assert!(run.stderr.contains(says), "{args:?}:\n{}", run.stderr);
    assert!(
        run.stderr.contains("nothing was written") || run.stderr.contains("not empty"),
        "{args:?}: the message says nothing was written:\n{}",
        run.stderr
    );
    assert!(before == everything(scratch), "{args:?} touched files");
    run
}

// The found case: `revmark build reviews --out reviews` replaced the sources with the site.
// Also a review folder itself, a folder inside one, the project folder and its parent, each
// with and without --force.
#[test]
fn refuses_an_output_that_overlaps_the_sources() {
    let scratch = Scratch::new("out-sources");
    example(&scratch, "mmn-lactation");
    example(&scratch, "diuretics-pregnancy");
    for (out, says) in [
        ("reviews", "it is the review source reviews"),
        ("reviews/mmn-lactation", "it is the review source"),
        (
            "reviews/mmn-lactation/site",
            "it lies inside the review source",
        ),
        (".", "it is the folder revmark runs in"),
        ("..", "it contains the folder revmark runs in"),
    ] {
        for force in [false, true] {
            let mut args = vec!["build", "reviews", "--out", out];
            if force {
                args.push("--force");
            }
            refused(&scratch, &args, says);
        }
    }
    // A folder of reviews named by a path the output contains.
    std::fs::create_dir_all(scratch.path("project")).unwrap();
    std::fs::rename(scratch.path("reviews"), scratch.path("project/reviews")).unwrap();
    refused(
        &scratch,
        &["build", "project/reviews", "--out", "project"],
        "it contains the review source project/reviews",
    );
}

// The found case: `revmark build reviews --out mysite` deleted an unrelated mysite/about.html.
// Refused, naming the file; --force replaces the folder.
#[test]
fn refuses_a_folder_it_did_not_write_unless_forced() {
    let scratch = Scratch::new("out-foreign");
    example(&scratch, "mmn-lactation");
    std::fs::create_dir_all(scratch.path("mysite/css")).unwrap();
    std::fs::write(scratch.path("mysite/about.html"), "<p>mine</p>").unwrap();
    std::fs::write(scratch.path("mysite/css/site.css"), "p{}").unwrap();
    let run = refused(
        &scratch,
        &["build", "reviews", "--out", "mysite"],
        "about.html and css/site.css",
    );
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert!(run.stderr.contains(MARKER), "{}", run.stderr);

    let forced = revmark(
        &scratch.0,
        &["build", "reviews", "--out", "mysite", "--force"],
    );
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert!(!scratch.path("mysite/about.html").exists());
    assert!(scratch.path("mysite/mmn-lactation/index.html").is_file());
}

// A file added to an output revmark wrote is not the marker's: the next build refuses to
// delete it, names it, and builds once it is gone.
#[test]
fn refuses_its_own_output_once_a_file_is_added() {
    let scratch = Scratch::new("out-added");
    example(&scratch, "mmn-lactation");
    build(&scratch);
    build(&scratch);
    std::fs::write(scratch.path("output/mmn-lactation/notes.txt"), "mine").unwrap();
    refused(
        &scratch,
        &["build"],
        "it holds files revmark did not write: mmn-lactation/notes.txt",
    );
    std::fs::remove_file(scratch.path("output/mmn-lactation/notes.txt")).unwrap();
    build(&scratch);
}

// Nothing revmark did not write is deleted even with --force: a review source or a version
// control folder inside the output folder.
#[test]
fn never_deletes_a_source_inside_the_output_even_forced() {
    let scratch = Scratch::new("out-nested-source");
    example(&scratch, "mmn-lactation");
    for (planted, says) in [
        (
            "site/drafts/old-review/review.yaml",
            "it contains the review source site/drafts/old-review,",
        ),
        (
            "site/.git/HEAD",
            "it contains the version-control folder site/.git,",
        ),
    ] {
        let path = scratch.path(planted);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "x").unwrap();
        refused(
            &scratch,
            &["build", "reviews", "--out", "site", "--force"],
            says,
        );
        std::fs::remove_dir_all(scratch.path("site")).unwrap();
    }
}

// The marker lists exactly the files of the build, review by review.
#[test]
fn the_marker_lists_every_file_written() {
    let scratch = Scratch::new("out-marker");
    example(&scratch, "mmn-lactation");
    example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let marker: serde_json::Value = serde_json::from_str(&read(&scratch, MARKER)).unwrap();
    assert_eq!(marker["generator"], "revmark");
    let mut listed: Vec<String> = Vec::new();
    for f in marker["files"].as_array().unwrap() {
        listed.push(f.as_str().unwrap().to_string());
    }
    for (slug, review) in marker["reviews"].as_object().unwrap() {
        for f in review["files"].as_array().unwrap() {
            listed.push(format!("{slug}/{}", f.as_str().unwrap()));
        }
    }
    listed.push(MARKER.to_string());
    listed.sort();
    let on_disk: Vec<String> = tree(&scratch.path("output"))
        .into_iter()
        .map(|(p, _)| p.to_string_lossy().into_owned())
        .collect();
    assert_eq!(listed, on_disk);
}

// A fresh clone's output/ holds only the tracked README.md, which revmark itself writes: the
// default build goes into it. A README.md that is not revmark's is refused.
#[test]
fn builds_into_a_fresh_clone_output_folder() {
    let scratch = Scratch::new("out-clone");
    example(&scratch, "mmn-lactation");
    std::fs::create_dir_all(scratch.path("output")).unwrap();
    std::fs::copy(
        root().join("output/README.md"),
        scratch.path("output/README.md"),
    )
    .unwrap();
    build(&scratch);
    assert!(scratch.path("output").join(MARKER).is_file());

    std::fs::remove_dir_all(scratch.path("output")).unwrap();
    std::fs::create_dir_all(scratch.path("output")).unwrap();
    std::fs::write(scratch.path("output/README.md"), "# my notes\n").unwrap();
    refused(&scratch, &["build"], "README.md");

    // An empty folder is revmark's to fill.
    std::fs::remove_dir_all(scratch.path("output")).unwrap();
    std::fs::create_dir_all(scratch.path("output")).unwrap();
    build(&scratch);
}

// An output path that is a symbolic link is refused: the swap would replace the link, not
// the folder it points to.
#[test]
fn refuses_a_symlinked_output_folder() {
    let scratch = Scratch::new("out-symlink");
    example(&scratch, "mmn-lactation");
    std::fs::create_dir_all(scratch.path("real")).unwrap();
    std::os::unix::fs::symlink("real", scratch.path("link")).unwrap();
    refused(
        &scratch,
        &["build", "reviews", "--out", "link"],
        "is a symbolic link",
    );
    // A link to the reviews is refused as the reviews themselves.
    std::os::unix::fs::symlink("reviews", scratch.path("to-reviews")).unwrap();
    refused(
        &scratch,
        &["build", "reviews", "--out", "to-reviews/mmn-lactation/out"],
        "lies inside the review source",
    );
}

// `serve --out` follows the same rule, before it listens.
#[test]
fn serve_refuses_the_same_folders() {
    let scratch = Scratch::new("out-serve");
    example(&scratch, "mmn-lactation");
    refused(
        &scratch,
        &["serve", "reviews", "--out", "reviews", "--port", "0"],
        "it is the review source reviews",
    );
    std::fs::create_dir_all(scratch.path("mysite")).unwrap();
    std::fs::write(scratch.path("mysite/about.html"), "mine").unwrap();
    refused(
        &scratch,
        &["serve", "--out", "mysite", "--port", "0"],
        "about.html",
    );
}

// `import --out` creates a new review folder: an existing non-empty folder, one inside a
// review and the folder revmark runs in are refused before anything is written.
#[test]
fn import_never_writes_into_an_existing_folder() {
    let scratch = Scratch::new("out-import");
    let dir = example(&scratch, "mmn-lactation");
    let file = root().join("tests/reference/revman/Fleiss1993.rm5");
    let file = file.to_str().unwrap();
    std::fs::create_dir_all(scratch.path("notes")).unwrap();
    std::fs::write(scratch.path("notes/todo.txt"), "mine").unwrap();
    refused(
        &scratch,
        &["import", file, "--out", "notes"],
        "notes already exists and is not empty",
    );
    refused(
        &scratch,
        &["import", file, "--out", "reviews/mmn-lactation/fleiss"],
        "lies inside the review source",
    );
    refused(
        &scratch,
        &["import", file, "--out", "."],
        "it is the folder revmark runs in",
    );
    assert!(dir.join("review.yaml").is_file());
    // An empty folder is fine.
    std::fs::create_dir_all(scratch.path("reviews/fleiss")).unwrap();
    let run = revmark(&scratch.0, &["import", file, "--out", "reviews/fleiss"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(Path::new(&scratch.path("reviews/fleiss/review.yaml")).is_file());
}
