//! Helpers shared by the integration tests: scratch folders, copies of the example reviews and
//! running the built `revmark` binary.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A scratch folder removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    /// A new empty folder under the system's temporary folder.
    pub fn new(name: &str) -> Scratch {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir =
            std::env::temp_dir().join(format!("revmark-test-{}-{name}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    /// A path inside the folder.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The repository's root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A copy of an example review under `scratch/reviews/<slug>`; returns its folder.
pub fn example(scratch: &Scratch, slug: &str) -> PathBuf {
    let dir = scratch.path("reviews").join(slug);
    copy_dir(&root().join("reviews").join(slug), &dir);
    dir
}

/// What a run of the binary gave.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `revmark` with `args` in `cwd`.
pub fn revmark(cwd: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_revmark"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Builds the reviews under `scratch/reviews` into `scratch/output`, asserting success.
pub fn build(scratch: &Scratch) {
    let run = revmark(&scratch.0, &["build"]);
    assert_eq!(run.code, 0, "build failed:\n{}", run.stderr);
}

/// Reads an output file as text.
pub fn read(scratch: &Scratch, rel: &str) -> String {
    std::fs::read_to_string(scratch.path("output").join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Replaces `from` by `to` in a file, asserting that `from` was there.
pub fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no `{from}`", path.display());
    save(path, &text.replacen(from, to, 1));
}

/// Writes a file in one step, as an editor that saves through a new file does: the new text
/// is written beside the scratch folders and renamed over the file, so that `revmark serve`
/// never sees it truncated and half-written (a test that wrote in place was seen empty).
pub fn save(path: &Path, text: &str) {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let temp = std::env::temp_dir().join(format!("revmark-save-{}-{n}", std::process::id()));
    std::fs::write(&temp, text).unwrap();
    std::fs::rename(&temp, path).unwrap();
}

/// Writes a review's files `(name, text)` into `dir`, then applies each `(file, from, to)`
/// replacement once, in order, with [`edit`].
pub fn write_review(dir: &Path, files: &[(&str, &str)], edits: &[(&str, &str, &str)]) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    for (file, from, to) in edits {
        edit(&dir.join(file), from, to);
    }
}

/// Appends text to a file.
pub fn append(path: &Path, text: &str) {
    let mut old = std::fs::read_to_string(path).unwrap();
    old.push_str(text);
    save(path, &old);
}

/// Every file under `dir` with its bytes, by relative path, sorted.
pub fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                out.push((
                    path.strip_prefix(base).unwrap().to_path_buf(),
                    std::fs::read(&path).unwrap(),
                ));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The files of an output folder with their bytes, without its marker
/// (`.revmark-output.json`): the marker also records the fingerprint of each review's inputs,
/// templates included, which changes with them even where the files do not.
pub fn output_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = tree(dir);
    files.retain(|(path, _)| path != Path::new(".revmark-output.json"));
    files
}

/// The review in `dir`, loaded in-process; its problems, one per line, if it does not load.
pub fn load_valid(dir: &Path) -> revmark::load::Loaded {
    revmark::load::load_review(dir).unwrap_or_else(|problems| {
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        panic!("{}", text.join("\n"))
    })
}

/// The generated passages of the review in `dir` and the proofreader's seams.
pub fn proofread_review(
    dir: &Path,
) -> (
    Vec<revmark::report::proofread::Passage>,
    Vec<revmark::report::proofread::Seam>,
) {
    let loaded = load_valid(dir);
    let results = std::sync::Arc::new(revmark::results::analyse(&loaded.review));
    let figures = revmark::plot::figures(&loaded.review, &results);
    let passages =
        revmark::report::generated_text(&loaded.review, results.clone(), &figures).unwrap();
    let seams = revmark::report::proofread::proofread(&loaded.review, &results, &passages);
    (passages, seams)
}
