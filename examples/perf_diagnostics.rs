//! Whole-process benchmark of the error path: how long `revmark check` takes on reviews that
//! draw thousands of diagnostics.
//!
//! ```sh
//! cargo run --release --example perf_diagnostics                  # median of 5 runs each
//! cargo run --release --example perf_diagnostics -- --runs 3 --bin /path/to/other/revmark
//! ```
//!
//! Writes two reviews under `<target>/bench-reviews/diagnostics/` and times `revmark check` on
//! each as a child process (it exits 1 on the first, 0 on the second):
//!
//! - `unknown-studies`: 3,000 included studies and one outcome whose 3,000 data rows each name
//!   a study that is not included (a near miss of an included id, so that every row is a
//!   candidate for "did you mean").
//! - `warned-studies`: a 50 MB studies.yaml of 16,649 studies with long notes and no data, each
//!   drawing the warning "has no data in analyses.yaml and no outcomes_reported".
//!
//! Prints a Markdown table for docs/benchmarks.md.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Writes one benchmark review into a folder.
type WriteReview = fn(&Path) -> std::io::Result<()>;

/// Studies (and rows) of the unknown-studies review.
const UNKNOWN_ROWS: usize = 3_000;
/// Studies of the warned-studies review: 50 MB of studies.yaml at about 3 KB each.
const WARNED_STUDIES: usize = 16_649;

fn main() {
    let mut runs = 5usize;
    let mut bin: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        match (arg.as_str(), value) {
            ("--runs", Some(v)) => runs = v.parse().unwrap_or_else(|_| usage()),
            ("--bin", Some(v)) => bin = Some(PathBuf::from(v)),
            _ => usage(),
        }
    }
    let release = release_dir();
    let revmark = bin.unwrap_or_else(|| build_revmark(&release));
    let target = release.parent().unwrap_or(&release).to_path_buf();
    let root = target.join("bench-reviews/diagnostics");
    let cases: [(&str, WriteReview, i32, &str); 2] = [
        ("unknown-studies", unknown_studies, 1, "< 1 s"),
        ("warned-studies", warned_studies, 0, "< 3 s"),
    ];
    println!("revmark check, whole process, median of {runs} runs\n");
    println!("| case | studies.yaml | diagnostics printed | median | fastest | target |");
    println!("|---|---:|---:|---:|---:|---|");
    for (name, write, code, target) in cases {
        let dir = root.join(name);
        write(&dir).unwrap_or_else(|e| fail(&format!("cannot write {}: {e}", dir.display())));
        let size = std::fs::metadata(dir.join("studies.yaml")).map_or(0, |m| m.len());
        let mut times = Vec::new();
        let mut printed = 0;
        for _ in 0..runs.max(1) {
            let (time, stderr) = check(&revmark, &dir, code);
            printed = stderr.matches(": error: ").count() + stderr.matches(": warning: ").count();
            times.push(time);
        }
        times.sort();
        println!(
            "| {name} | {:.1} MB | {printed} | {} | {} | {target} |",
            size as f64 / 1e6,
            ms(times[times.len() / 2]),
            ms(times[0]),
        );
    }
}

/// A review of `UNKNOWN_ROWS` included studies whose one outcome's rows name studies that are
/// not included.
fn unknown_studies(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(
        dir.join("review.yaml"),
        "title: Unknown studies\noutcomes:\n  - {id: death, name: death}\n",
    )?;
    let mut studies = String::from("included:\n");
    let mut analyses = String::from(
        "comparisons:\n  - id: a\n    name: A versus B\n    outcomes:\n      - outcome: death\n        type: dichotomous\n        measure: RR\n        studies:\n",
    );
    for i in 0..UNKNOWN_ROWS {
        let _ = writeln!(studies, "  - id: Author{i:05} 2001");
        let _ = writeln!(
            analyses,
            "          - {{study: Autor{i:05} 2001, e_events: 3, e_total: 20, c_events: 5, c_total: 21}}"
        );
    }
    std::fs::write(dir.join("studies.yaml"), studies)?;
    std::fs::write(dir.join("analyses.yaml"), analyses)
}

/// A review of `WARNED_STUDIES` studies with about 3 KB of notes each and no data.
fn warned_studies(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let _ = std::fs::remove_file(dir.join("analyses.yaml"));
    std::fs::write(
        dir.join("review.yaml"),
        "title: Warned studies\noutcomes:\n  - {id: death, name: death}\n",
    )?;
    let sentence = "The trial was described in one report; allocation was concealed by \
                    sealed envelopes and outcome assessors were not told the group.";
    let mut studies = String::with_capacity(WARNED_STUDIES * 3_100);
    studies.push_str("included:\n");
    for i in 0..WARNED_STUDIES {
        let _ = writeln!(
            studies,
            "  - id: Author{i:05} 2001\n    participants: 120\n    notes: |"
        );
        for _ in 0..21 {
            let _ = writeln!(studies, "      {sentence}");
        }
    }
    std::fs::write(dir.join("studies.yaml"), studies)
}

/// Runs `revmark check dir`, which must exit with `code`; returns its time and stderr.
fn check(revmark: &Path, dir: &Path, code: i32) -> (Duration, String) {
    let start = Instant::now();
    let output = Command::new(revmark)
        .arg("check")
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .unwrap_or_else(|e| fail(&format!("cannot run {}: {e}", revmark.display())));
    let elapsed = start.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if output.status.code() != Some(code) {
        fail(&format!(
            "revmark check {} exited {:?}, not {code}:\n{}",
            dir.display(),
            output.status.code(),
            &stderr[..stderr.len().min(2000)]
        ));
    }
    (elapsed, stderr)
}

/// The folder this example runs from: `<target>/release` (examples live in its `examples/`).
fn release_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_else(|e| fail(&format!("no executable: {e}")));
    exe.parent()
        .and_then(Path::parent)
        .map_or_else(|| fail("cannot find the target folder"), Path::to_path_buf)
}

/// Builds the release binary beside this example and returns its path.
fn build_revmark(release: &Path) -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "--quiet", "--bin", "revmark"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .unwrap_or_else(|e| fail(&format!("cannot run cargo: {e}")));
    if !status.success() {
        fail("cargo build --release --bin revmark failed");
    }
    release.join(format!("revmark{}", std::env::consts::EXE_SUFFIX))
}

fn ms(d: Duration) -> String {
    if d >= Duration::from_secs(10) {
        format!("{:.1} s", d.as_secs_f64())
    } else {
        format!("{:.0} ms", d.as_secs_f64() * 1000.0)
    }
}

fn usage() -> ! {
    eprintln!("usage: perf_diagnostics [--runs N] [--bin PATH]");
    std::process::exit(2);
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1);
}
