//! Whole-process benchmark of `revmark build` on synthetic reviews, against issue 17's targets.
//!
//! ```sh
//! cargo run --release --example perf                 # every size
//! cargo run --release --example perf -- --runs 21 --sizes small,large
//! cargo run --release --example perf -- --outputs /dev/shm/bench   # outputs on tmpfs
//! cargo run --release --example perf -- --rows mixed  # half the rows inline in analyses.yaml
//! ```
//!
//! Builds the release `revmark` binary (a no-op when it is up to date), writes the synthetic
//! reviews of examples/synth.rs (seed 1; data rows in CSV files as `revmark new` and the
//! importers write them, or with `--rows mixed` half of them inline in analyses.yaml, as the
//! benchmarks measured until the fourteenth session of issue 17) into
//! `<target>/bench-reviews/<size>`, then times
//! `revmark build` as a child process: one warm-up run, then the median and the fastest of
//! several runs, each into a new empty output folder, with the default number of threads and
//! with `--jobs 1`; one run with `--timings`, into an empty folder, for the time per stage,
//! the peak memory (VmHWM, which the child reads from its own /proc/self/status just before it
//! exits) and the bytes written; the median of rebuilds into that output with nothing changed
//! (every review carried over); and, for the library, the median of rebuilds after one
//! review's file changed, the last of which is compared byte for byte with a build of every
//! review into an empty folder (What's new compared with the same earlier output). Prints
//! Markdown tables for docs/benchmarks.md.

#[path = "synth.rs"]
mod synth;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use synth::Size;

/// What issue 17 asks of one size: whole-process wall time (median), peak memory, bytes
/// written.
struct Target {
    size: Size,
    wall: Duration,
    memory_mb: Option<f64>,
    written_mb: Option<f64>,
}

const TARGETS: [Target; 4] = [
    Target {
        size: Size::Small,
        wall: Duration::from_millis(15),
        memory_mb: None,
        written_mb: None,
    },
    Target {
        size: Size::Medium,
        wall: Duration::from_millis(45),
        memory_mb: None,
        written_mb: None,
    },
    Target {
        size: Size::Large,
        wall: Duration::from_millis(250),
        memory_mb: Some(120.0),
        written_mb: Some(8.0),
    },
    Target {
        size: Size::Library,
        wall: Duration::from_millis(2500),
        memory_mb: None,
        written_mb: None,
    },
];

/// The library rebuilt after one review changed: at most this long, byte-identical.
const ONE_CHANGED: Duration = Duration::from_millis(300);

/// One size's measurements.
struct Measured {
    median: Duration,
    fastest: Duration,
    median_one_thread: Duration,
    median_rebuild: Duration,
    /// The library only: the median rebuild after one review changed, and whether the last
    /// one equals a full build.
    one_changed: Option<(Duration, bool)>,
    stages: Vec<(String, String)>,
    peak_mb: Option<f64>,
    written_mb: f64,
}

fn main() {
    let mut runs = 11usize;
    let mut sizes: Vec<Size> = TARGETS.iter().map(|t| t.size).collect();
    let mut outputs = None;
    let mut rows = synth::Rows::Csv;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        match (arg.as_str(), value) {
            ("--runs", Some(v)) => runs = v.parse().unwrap_or_else(|_| usage()),
            ("--outputs", Some(v)) => {
                let given = std::path::absolute(&v)
                    .unwrap_or_else(|e| fail(&format!("--outputs {v}: {e}")));
                outputs = Some(given);
            }
            ("--rows", Some(v)) => rows = synth::Rows::parse(&v).unwrap_or_else(|| usage()),
            ("--sizes", Some(v)) => {
                sizes = v
                    .split(',')
                    .map(|s| Size::parse(s).unwrap_or_else(|| usage()))
                    .collect();
            }
            _ => usage(),
        }
    }
    let runs = runs.max(1);
    let release = release_dir();
    let revmark = build_revmark(&release);
    let target = release.parent().unwrap_or(&release).to_path_buf();
    let reviews = target.join("bench-reviews");
    // Where the builds write: by default beside the reviews; `--outputs` puts them elsewhere
    // (on tmpfs, say, to take the disk out of the measure).
    let outputs = outputs.unwrap_or_else(|| target.join("bench-output"));

    let jobs = std::thread::available_parallelism().map_or(1, usize::from);
    println!(
        "revmark build, whole process, median of {runs} runs after a warm-up, each into an empty folder ({jobs} threads by default)\n"
    );
    println!(
        "| size | reviews | median | fastest | median, --jobs 1 | rebuild, nothing changed | peak memory | written | target | met |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---|---|");
    let mut details = Vec::new();
    for target in TARGETS.iter().filter(|t| sizes.contains(&t.size)) {
        let size = target.size;
        let dir = reviews.join(size.name());
        let count = synth::generate(size, &dir, 1, rows)
            .unwrap_or_else(|e| fail(&format!("cannot write {}: {e}", dir.display())))
            .len();
        let out = outputs.join(size.name());
        let m = measure(&revmark, &dir, &out, runs, size == Size::Library);
        let met = m.median <= target.wall
            && target
                .memory_mb
                .is_none_or(|limit| m.peak_mb.is_some_and(|p| p <= limit))
            && target.written_mb.is_none_or(|limit| m.written_mb <= limit);
        println!(
            "| {} | {count} | {} | {} | {} | {} | {} | {:.1} MB | ≤ {} ms{}{} | {} |",
            size.name(),
            ms(m.median),
            ms(m.fastest),
            ms(m.median_one_thread),
            ms(m.median_rebuild),
            m.peak_mb.map_or("?".into(), |p| format!("{p:.1} MB")),
            m.written_mb,
            target.wall.as_millis(),
            target
                .memory_mb
                .map_or(String::new(), |l| format!(", ≤ {l:.0} MB peak")),
            target
                .written_mb
                .map_or(String::new(), |l| format!(", ≤ {l:.0} MB written")),
            if met { "yes" } else { "no" }
        );
        if let Some((time, identical)) = m.one_changed {
            println!(
                "| {}, one review changed | {count} | {} | | | | | | ≤ {} ms, byte-identical | {} |",
                size.name(),
                ms(time),
                ONE_CHANGED.as_millis(),
                match (time <= ONE_CHANGED, identical) {
                    (true, true) => "yes",
                    (false, true) => "no (byte-identical)",
                    (_, false) => "no: NOT byte-identical",
                }
            );
        }
        details.push((size, m.stages));
    }
    // Other processes on the machine slow a whole-process benchmark down: say how busy it was.
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        let load: Vec<&str> = load.split_whitespace().take(3).collect();
        println!(
            "\nLoad average at the end (1, 5, 15 min): {}",
            load.join(", ")
        );
    }
    println!("\nTime per stage (one `--timings` run; stages summed over threads):\n");
    let names: Vec<String> = details
        .first()
        .map(|(_, s)| s.iter().map(|(k, _)| k.clone()).collect())
        .unwrap_or_default();
    println!(
        "| size | {} |",
        names
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" | ")
    );
    println!("|---|{}", "---:|".repeat(names.len()));
    for (size, stages) in details {
        let cells: Vec<&str> = stages.iter().map(|(_, v)| v.as_str()).collect();
        println!("| {} | {} |", size.name(), cells.join(" | "));
    }
}

/// Times `revmark build dir --out out`: the median and fastest of `runs` runs into an empty
/// folder with the default threads, the median with one thread, one run with `--timings`, the
/// median of rebuilds into its output, and (`one_changed`) of rebuilds after one review
/// changed.
fn measure(revmark: &Path, dir: &Path, out: &Path, runs: usize, one_changed: bool) -> Measured {
    let path = |p: &Path| p.to_string_lossy().into_owned();
    let args_for = |out: &Path, extra: &[&str]| {
        let mut args = vec!["build".to_string(), path(dir), "--out".into(), path(out)];
        args.extend(extra.iter().map(std::string::ToString::to_string));
        args
    };
    // Every build into an empty folder writes a folder of its own under `out`, all removed at
    // the end: removing 50 MB just before a timed run keeps the file system busy during it.
    let _ = std::fs::remove_dir_all(out);
    let fresh_runs = |series: &str, extra: &[&str]| {
        run(
            revmark,
            &args_for(&out.join(format!("{series}-warm-up")), extra),
        );
        let mut times: Vec<Duration> = (0..runs)
            .map(|i| {
                run(
                    revmark,
                    &args_for(&out.join(format!("{series}-{i}")), extra),
                )
                .0
            })
            .collect();
        times.sort();
        times
    };
    let times = fresh_runs("default", &[]);
    let one_thread = fresh_runs("one-thread", &["--jobs", "1"]);
    let timed = out.join("timings");
    let (_, stderr) = run(revmark, &args_for(&timed, &["--timings"]));
    let written_mb = tree_bytes(&timed) as f64 / 1_000_000.0;
    let rebuild_args = args_for(&timed, &[]);
    let mut rebuilds: Vec<Duration> = (0..runs).map(|_| run(revmark, &rebuild_args).0).collect();
    rebuilds.sort();
    let one_changed = one_changed.then(|| {
        // The review in the middle of the library, edited before each rebuild: a comment
        // changes its inputs (so it is built again) and not its output.
        let review = std::fs::read_dir(dir)
            .ok()
            .and_then(|entries| {
                let mut dirs: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
                dirs.sort();
                dirs.get(dirs.len() / 2).cloned()
            })
            .unwrap_or_else(|| fail("the library has no review"));
        let file = review.join("review.yaml");
        let original = std::fs::read_to_string(&file).unwrap_or_default();
        let before = out.join("before-last-change");
        let mut times: Vec<Duration> = (0..runs)
            .map(|i| {
                if i + 1 == runs {
                    copy_tree(&timed, &before);
                }
                let _ = std::fs::write(&file, format!("{original}# edit {i}\n"));
                run(revmark, &rebuild_args).0
            })
            .collect();
        times.sort();
        // The last rebuild against a build of every review into an empty folder, What's new
        // compared with the output that rebuild replaced.
        let full = out.join("full");
        run(revmark, &args_for(&full, &["--baseline", &path(&before)]));
        let identical = same_tree(&timed, &full);
        let _ = std::fs::write(&file, original);
        (times[times.len() / 2], identical)
    });
    let _ = std::fs::remove_dir_all(out);
    let mut stages = Vec::new();
    let mut peak_mb = None;
    let report = stderr
        .split_once("\ntimings (")
        .map_or("", |(_, report)| report);
    for line in report.lines().filter(|l| l.starts_with("  ")) {
        // "  load            3.392 ms": the name, then the figure and its unit.
        let line = line.trim();
        let split = line
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(line.len());
        let (name, value) = (line[..split].trim(), line[split..].trim());
        if name == "peak memory" {
            peak_mb = value.trim_end_matches("MB").trim().parse().ok();
        } else if name != "carried" {
            stages.push((name.to_string(), value.to_string()));
        }
    }
    Measured {
        median: times[times.len() / 2],
        fastest: times[0],
        median_one_thread: one_thread[one_thread.len() / 2],
        median_rebuild: rebuilds[rebuilds.len() / 2],
        one_changed,
        stages,
        peak_mb,
        written_mb,
    }
}

/// Every file under `dir` (relative path and bytes), sorted.
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(base, &path, out);
            } else if let (Ok(relative), Ok(bytes)) =
                (path.strip_prefix(base), std::fs::read(&path))
            {
                out.push((relative.to_path_buf(), bytes));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The bytes of every file under `dir`.
fn tree_bytes(dir: &Path) -> u64 {
    files(dir).iter().map(|(_, b)| b.len() as u64).sum()
}

/// Whether two trees hold the same files with the same bytes.
fn same_tree(a: &Path, b: &Path) -> bool {
    files(a) == files(b)
}

/// Copies the tree `from` to `to` (replacing it).
fn copy_tree(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    for (relative, bytes) in files(from) {
        let target = to.join(relative);
        if let Some(parent) = target.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let _ = std::fs::write(target, bytes);
    }
}

/// Runs revmark once; returns its wall time and stderr. A failed build stops the benchmark.
/// It runs in the target folder, as an author's build runs beside the reviews: from the
/// repository it would take the repository's `templates/` (the built-in templates' sources)
/// for the site's own and compile every template twice.
fn run(revmark: &Path, args: &[String]) -> (Duration, String) {
    let start = Instant::now();
    let output = Command::new(revmark)
        .current_dir(
            release_dir()
                .parent()
                .unwrap_or_else(|| fail("no target folder")),
        )
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .unwrap_or_else(|e| fail(&format!("cannot run {}: {e}", revmark.display())));
    let elapsed = start.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        fail(&format!("revmark {} failed:\n{stderr}", args.join(" ")));
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
    let revmark = release.join(format!("revmark{}", std::env::consts::EXE_SUFFIX));
    if !revmark.is_file() {
        fail(&format!(
            "{} is missing: run this benchmark with `cargo run --release --example perf`",
            revmark.display()
        ));
    }
    revmark
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn usage() -> ! {
    eprintln!(
        "usage: perf [--runs N] [--sizes small,medium,large,library] [--outputs DIR] [--rows csv|mixed]"
    );
    std::process::exit(2);
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1);
}
