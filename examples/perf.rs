//! Whole-process benchmark of `revmark build` on synthetic reviews.
//!
//! ```sh
//! cargo run --release --example perf                 # every size
//! cargo run --release --example perf -- --runs 21 --sizes small,large
//! ```
//!
//! Builds the release `revmark` binary (a no-op when it is up to date), writes the synthetic
//! reviews of examples/synth.rs (seed 1) into `<target>/bench-reviews/<size>`, then times
//! `revmark build` as a child process: one warm-up run, then the median and the fastest of
//! several runs, each into a new empty output folder, with the default number of threads and
//! with `--jobs 1`; one run with `--timings`, into an empty folder, for the time per stage and
//! the peak memory (VmHWM, which the child reads from its own /proc/self/status just before it
//! exits); then the median of rebuilds into that output (unchanged files are hard-linked, not
//! written). Prints a Markdown table for docs/benchmarks.md.

#[path = "synth.rs"]
mod synth;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use synth::Size;

/// What the benchmark promises for one size: whole-process wall time, and peak memory.
struct Target {
    size: Size,
    wall: Duration,
    memory_mb: Option<f64>,
}

const TARGETS: [Target; 4] = [
    Target {
        size: Size::Small,
        wall: Duration::from_millis(25),
        memory_mb: None,
    },
    Target {
        size: Size::Medium,
        wall: Duration::from_millis(60),
        memory_mb: None,
    },
    Target {
        size: Size::Large,
        wall: Duration::from_millis(250),
        memory_mb: Some(150.0),
    },
    Target {
        size: Size::Library,
        wall: Duration::from_secs(5),
        memory_mb: None,
    },
];

/// One size's measurements.
struct Measured {
    median: Duration,
    fastest: Duration,
    median_one_thread: Duration,
    median_rebuild: Duration,
    stages: Vec<(String, String)>,
    peak_mb: Option<f64>,
}

fn main() {
    let mut runs = 11usize;
    let mut sizes: Vec<Size> = TARGETS.iter().map(|t| t.size).collect();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        match (arg.as_str(), value) {
            ("--runs", Some(v)) => runs = v.parse().unwrap_or_else(|_| usage()),
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
    let outputs = target.join("bench-output");

    let jobs = std::thread::available_parallelism().map_or(1, usize::from);
    println!(
        "revmark build, whole process, median of {runs} runs after a warm-up ({jobs} threads by default)\n"
    );
    println!(
        "| size | reviews | median | fastest | median, --jobs 1 | median rebuild | peak memory | target | met |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---|---|");
    let mut details = Vec::new();
    for target in TARGETS.iter().filter(|t| sizes.contains(&t.size)) {
        let size = target.size;
        let dir = reviews.join(size.name());
        let count = synth::generate(size, &dir, 1)
            .unwrap_or_else(|e| fail(&format!("cannot write {}: {e}", dir.display())))
            .len();
        let out = outputs.join(size.name());
        // The library is ten times slower per run: fewer runs keep the whole benchmark short.
        let n = if size == Size::Library {
            runs.div_ceil(2)
        } else {
            runs
        };
        let m = measure(&revmark, &dir, &out, n);
        let met = m.median <= target.wall
            && match (target.memory_mb, m.peak_mb) {
                (Some(limit), Some(peak)) => peak <= limit,
                _ => true,
            };
        println!(
            "| {} | {count} | {} | {} | {} | {} | {} | < {} ms{} | {} |",
            size.name(),
            ms(m.median),
            ms(m.fastest),
            ms(m.median_one_thread),
            ms(m.median_rebuild),
            m.peak_mb.map_or("?".into(), |p| format!("{p:.1} MB")),
            target.wall.as_millis(),
            target
                .memory_mb
                .map_or(String::new(), |l| format!(", < {l:.0} MB")),
            if met { "yes" } else { "no" }
        );
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
/// folder with the default threads, the median with one thread, one run with `--timings`, and
/// the median of rebuilds into its output.
fn measure(revmark: &Path, dir: &Path, out: &Path, runs: usize) -> Measured {
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
    let rebuild_args = args_for(&timed, &[]);
    let mut rebuilds: Vec<Duration> = (0..runs).map(|_| run(revmark, &rebuild_args).0).collect();
    rebuilds.sort();
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
        } else {
            stages.push((name.to_string(), value.to_string()));
        }
    }
    Measured {
        median: times[times.len() / 2],
        fastest: times[0],
        median_one_thread: one_thread[one_thread.len() / 2],
        median_rebuild: rebuilds[rebuilds.len() / 2],
        stages,
        peak_mb,
    }
}

/// Runs revmark once; returns its wall time and stderr. A failed build stops the benchmark.
fn run(revmark: &Path, args: &[String]) -> (Duration, String) {
    let start = Instant::now();
    let output = Command::new(revmark)
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
    eprintln!("usage: perf [--runs N] [--sizes small,medium,large,library]");
    std::process::exit(2);
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1);
}
