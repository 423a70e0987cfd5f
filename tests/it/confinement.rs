//! revmark reads nothing outside the review folder: `..`, absolute paths and symbolic links
//! pointing outside are refused (data files, a symlinked data/ folder, review files, template
//! overrides and a symlinked templates/ folder), and nothing of the outside file is printed.

use crate::common::*;

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

/// A secret outside the review folder; it must never appear in any message.
const SECRET: &str = "TOPSECRET-d41d8cd9";

/// The diuretics example under `scratch`, and a file and folder outside it holding the secret.
fn setup(scratch: &Scratch) -> (PathBuf, PathBuf) {
    let dir = example(scratch, "diuretics-pregnancy");
    let outside = scratch.path("outside");
    std::fs::create_dir_all(&outside).unwrap();
    let csv = format!("study,e_events,e_total,c_events,c_total\n{SECRET},1,10,2,10\n");
    for name in ["stillbirth.csv", "secret.csv"] {
        std::fs::write(outside.join(name), &csv).unwrap();
    }
    std::fs::write(outside.join("review.md.tera"), SECRET).unwrap();
    (dir, outside)
}

/// Runs `revmark check` on the review; asserts it fails with `message` and leaks nothing.
fn refused(scratch: &Scratch, dir: &Path, message: &str) {
    let run = revmark(&scratch.0, &["check", dir.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains(message), "{}", run.stderr);
    assert!(!run.stderr.contains(SECRET), "leaked: {}", run.stderr);
    let build = revmark(
        &scratch.0,
        &["build", dir.to_str().unwrap(), "--out", "out"],
    );
    assert_eq!(build.code, 1, "{}", build.stderr);
    assert!(!scratch.path("out").exists(), "nothing was written");
}

// A data path with `..` is refused.
#[test]
fn errors_on_dotdot_data_path() {
    let scratch = Scratch::new("dotdot");
    let (dir, _) = setup(&scratch);
    edit(
        &dir.join("analyses.yaml"),
        "data: data/stillbirth.csv",
        "data: ../../outside/secret.csv",
    );
    refused(&scratch, &dir, "leaves the review folder");
    edit(
        &dir.join("analyses.yaml"),
        "data: ../../outside/secret.csv",
        "data: data/../../../outside/secret.csv",
    );
    refused(&scratch, &dir, "leaves the review folder");
}

// An absolute data path is refused, even one that points into the review folder.
#[test]
fn errors_on_absolute_data_path() {
    let scratch = Scratch::new("absolute");
    let (dir, outside) = setup(&scratch);
    edit(
        &dir.join("analyses.yaml"),
        "data: data/stillbirth.csv",
        &format!("data: {}", outside.join("secret.csv").display()),
    );
    refused(&scratch, &dir, "leaves the review folder");
}

// A data file that is a symbolic link to a file outside is refused.
#[test]
fn errors_on_symlinked_data_file() {
    let scratch = Scratch::new("datalink");
    let (dir, outside) = setup(&scratch);
    let target = dir.join("data/stillbirth.csv");
    std::fs::remove_file(&target).unwrap();
    symlink(outside.join("stillbirth.csv"), &target).unwrap();
    refused(&scratch, &dir, "points outside the review folder");
}

// A data/ folder that is a symbolic link to a folder outside is refused.
#[test]
fn errors_on_symlinked_data_folder() {
    let scratch = Scratch::new("datadir");
    let (dir, outside) = setup(&scratch);
    for entry in std::fs::read_dir(dir.join("data")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), outside.join(entry.file_name())).unwrap();
    }
    std::fs::write(
        outside.join("stillbirth.csv"),
        format!("study,e_events,e_total,c_events,c_total\n{SECRET},1,10,2,10\n"),
    )
    .unwrap();
    std::fs::remove_dir_all(dir.join("data")).unwrap();
    symlink(&outside, dir.join("data")).unwrap();
    refused(&scratch, &dir, "points outside the review folder");
}

// A symbolic link inside the folder pointing inside the folder is fine.
#[test]
fn accepts_symlink_inside_the_folder() {
    let scratch = Scratch::new("inlink");
    let (dir, _) = setup(&scratch);
    std::fs::rename(
        dir.join("data/stillbirth.csv"),
        dir.join("stillbirth-real.csv"),
    )
    .unwrap();
    symlink("../stillbirth-real.csv", dir.join("data/stillbirth.csv")).unwrap();
    let run = revmark(&scratch.0, &["check", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

// review.yaml or studies.yaml as a link to a file outside is refused before it is read.
#[test]
fn errors_on_symlinked_review_file() {
    let scratch = Scratch::new("yamllink");
    let (dir, outside) = setup(&scratch);
    std::fs::write(
        outside.join("studies.yaml"),
        format!("included: [{{id: {SECRET}}}]\nx: 1\n"),
    )
    .unwrap();
    std::fs::remove_file(dir.join("studies.yaml")).unwrap();
    symlink(outside.join("studies.yaml"), dir.join("studies.yaml")).unwrap();
    refused(&scratch, &dir, "points outside the review folder");
}

// A template override that is a symbolic link is refused.
#[test]
fn errors_on_symlinked_template() {
    let scratch = Scratch::new("tpllink");
    let (dir, outside) = setup(&scratch);
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    symlink(
        outside.join("review.md.tera"),
        dir.join("templates/review.md.tera"),
    )
    .unwrap();
    refused(&scratch, &dir, "templates may not be symbolic links");
}

// A templates/ folder that is a symbolic link to a folder outside is refused.
#[test]
fn errors_on_symlinked_templates_folder() {
    let scratch = Scratch::new("tpldir");
    let (dir, outside) = setup(&scratch);
    symlink(&outside, dir.join("templates")).unwrap();
    refused(&scratch, &dir, "points outside the review folder");
}

// A named pipe in place of a review file is refused instead of blocking the build forever.
#[test]
fn errors_on_a_named_pipe() {
    let scratch = Scratch::new("fifo");
    let (dir, _) = setup(&scratch);
    std::fs::remove_file(dir.join("data/stillbirth.csv")).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(dir.join("data/stillbirth.csv"))
        .status();
    if !status.is_ok_and(|s| s.success()) {
        eprintln!("note: mkfifo is not available; the named-pipe case is not tested");
        return;
    }
    refused(&scratch, &dir, "not a regular file");
}
