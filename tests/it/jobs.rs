//! Parallel builds: `--jobs 1` and `--jobs 4` write byte-identical output, and `--timings`
//! changes only stderr.

use crate::common::*;

use crate::synth_reviews as synth;

// The example reviews and a synthetic medium review, built on one thread and on four.
#[test]
fn one_thread_and_four_give_identical_output() {
    let scratch = Scratch::new("jobs");
    example(&scratch, "mmn-lactation");
    example(&scratch, "diuretics-pregnancy");
    synth::generate(
        synth::Size::Medium,
        &scratch.path("reviews"),
        11,
        synth::Rows::Mixed,
    )
    .unwrap();
    synth::generate(
        synth::Size::Small,
        &scratch.path("reviews"),
        12,
        synth::Rows::Csv,
    )
    .unwrap();
    let mut trees = Vec::new();
    for (out, extra) in [
        ("out-1", &["--jobs", "1"][..]),
        ("out-4", &["--jobs", "4"][..]),
        ("out-timings", &["--timings"][..]),
    ] {
        let mut args = vec!["build", "reviews", "--out", out];
        args.extend(extra);
        let run = revmark(&scratch.0, &args);
        assert_eq!(run.code, 0, "{args:?} failed:\n{}", run.stderr);
        assert_eq!(
            run.stderr.contains("peak memory") || run.stderr.contains("wall"),
            extra == ["--timings"],
            "timings are printed exactly when asked:\n{}",
            run.stderr
        );
        trees.push(tree(&scratch.path(out)));
    }
    let one = &trees[0];
    assert!(
        one.iter().any(|(p, _)| p.starts_with("synth-medium")),
        "the synthetic review was built"
    );
    for other in &trees[1..] {
        assert_eq!(
            one.iter().map(|(p, _)| p).collect::<Vec<_>>(),
            other.iter().map(|(p, _)| p).collect::<Vec<_>>()
        );
        for ((path, a), (_, b)) in one.iter().zip(other) {
            assert!(a == b, "{} differs between builds", path.display());
        }
    }
}

// `--jobs 0` is a usage error, not a silent default.
#[test]
fn zero_jobs_is_a_usage_error() {
    let scratch = Scratch::new("jobs-zero");
    example(&scratch, "mmn-lactation");
    let run = revmark(&scratch.0, &["build", "--jobs", "0"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}
