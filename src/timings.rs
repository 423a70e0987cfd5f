//! Per-stage timings for `revmark build --timings`: how long loading, statistics, figures,
//! templates, Markdown and writing took, and the process's peak memory, printed to stderr so
//! that a slower build shows where the time went. Never part of the output files.
//!
//! Stages run on several threads at once, so each stage's figure is the time summed over the
//! threads that ran it (CPU time spent in the stage), next to the whole build's wall time.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A stage of a build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading and validating review files.
    Load,
    /// Computing the meta-analyses.
    Statistics,
    /// Drawing SVG figures.
    Figures,
    /// Rendering templates (prose, abstract, review, page, index, results.json), without the
    /// Markdown to HTML conversion.
    Templates,
    /// Converting the review's Markdown into HTML.
    Markdown,
    /// Writing the output folder.
    Write,
}

impl Stage {
    /// Every stage, in pipeline order.
    pub const ALL: [Stage; 6] = [
        Stage::Load,
        Stage::Statistics,
        Stage::Figures,
        Stage::Templates,
        Stage::Markdown,
        Stage::Write,
    ];

    /// The stage's name as printed.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Load => "load",
            Stage::Statistics => "statistics",
            Stage::Figures => "figures",
            Stage::Templates => "templates",
            Stage::Markdown => "markdown",
            Stage::Write => "write",
        }
    }
}

// Nanoseconds per stage, summed over threads. Process-wide, because stages run deep inside
// library code on worker threads; the cost is two clock reads per timed call.
static SPENT: [AtomicU64; 6] = [const { AtomicU64::new(0) }; 6];

/// Adds `elapsed` to `stage`.
pub fn add(stage: Stage, elapsed: Duration) {
    SPENT[stage as usize].fetch_add(elapsed.as_nanos() as u64, Ordering::Relaxed);
}

/// Runs `f`, counting its time to `stage`.
pub fn time<T>(stage: Stage, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let value = f();
    add(stage, start.elapsed());
    value
}

// Reviews carried over from the output being replaced, and all reviews of the build.
static CARRIED: [AtomicU64; 2] = [const { AtomicU64::new(0) }; 2];

/// Notes that `carried` of the build's `reviews` were carried over unchanged rather than
/// built.
pub fn carried_over(carried: usize, reviews: usize) {
    CARRIED[0].store(carried as u64, Ordering::Relaxed);
    CARRIED[1].store(reviews as u64, Ordering::Relaxed);
}

/// Time spent so far in `stage`, summed over threads.
pub fn spent(stage: Stage) -> Duration {
    Duration::from_nanos(SPENT[stage as usize].load(Ordering::Relaxed))
}

/// The process's peak resident memory in bytes (VmHWM of /proc/self/status), where the system
/// reports it.
pub fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_vm_hwm(&status)
}

/// The VmHWM line of a /proc status file, in bytes.
fn parse_vm_hwm(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

/// The report printed by `--timings`: one line per stage, the wall time, the threads and the
/// peak memory.
pub fn report(wall: Duration, jobs: usize) -> String {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mut out = format!("timings ({jobs} jobs; stages summed over threads):\n");
    for stage in Stage::ALL {
        // Markdown runs inside the review's template rendering: shown apart, not twice.
        let time = match stage {
            Stage::Templates => spent(stage).saturating_sub(spent(Stage::Markdown)),
            _ => spent(stage),
        };
        out.push_str(&format!("  {:<11} {:>9.3} ms\n", stage.name(), ms(time)));
    }
    out.push_str(&format!("  {:<11} {:>9.3} ms\n", "wall", ms(wall)));
    let (carried, reviews) = (
        CARRIED[0].load(Ordering::Relaxed),
        CARRIED[1].load(Ordering::Relaxed),
    );
    if reviews > 0 {
        out.push_str(&format!(
            "  {:<11} {carried} of {reviews} {} (unchanged since the output replaced)\n",
            "carried",
            if reviews == 1 { "review" } else { "reviews" }
        ));
    }
    if let Some(bytes) = peak_memory() {
        out.push_str(&format!(
            "  {:<11} {:>9.1} MB\n",
            "peak memory",
            bytes as f64 / 1_048_576.0
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_peak_memory_from_a_status_file() {
        let status = "Name:\trevmark\nVmPeak:\t  20000 kB\nVmHWM:\t    1536 kB\nVmRSS:\t 1000 kB\n";
        assert_eq!(parse_vm_hwm(status), Some(1536 * 1024));
        assert_eq!(parse_vm_hwm("Name:\trevmark\n"), None);
    }

    #[test]
    fn report_names_every_stage() {
        let text = report(Duration::from_millis(3), 2);
        for stage in Stage::ALL {
            assert!(text.contains(stage.name()), "{text}");
        }
        assert!(text.contains("wall"), "{text}");
    }
}
