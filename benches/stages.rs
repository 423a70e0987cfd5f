//! criterion benchmarks of the build's hot stages, one at a time, on the synthetic small and
//! medium reviews of examples/synth.rs: load (read, parse, validate), statistics, figures and
//! report (templates, Markdown, results.json/csv). Whole builds, with wall time and peak memory,
//! are measured by `cargo run --release --example perf`.
//!
//! Run with `cargo bench --bench stages` (add a filter such as `-- figures` for one stage).

#[path = "../examples/synth.rs"]
mod synth;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use revmark::load::load_review;
use revmark::{plot, report, results};
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;

/// Writes the synthetic review of `size` (seed 1) under target/ and returns its folder.
fn review_folder(size: synth::Size) -> PathBuf {
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench-stages")
        .join(size.name());
    let dirs =
        synth::generate(size, &out, 1, synth::Rows::Csv).expect("the synthetic review is written");
    dirs.into_iter().next().expect("one review")
}

fn stages(c: &mut Criterion) {
    for size in [synth::Size::Small, synth::Size::Medium] {
        let dir = review_folder(size);
        let review = match load_review(&dir) {
            Ok(loaded) => loaded.review,
            Err(problems) => panic!("{} does not load: {problems:?}", dir.display()),
        };
        let analyses = Arc::new(results::analyse(&review));
        let figures = plot::figures(&review, &analyses);
        let name = size.name();

        c.bench_function(&format!("load/{name}"), |b| {
            b.iter(|| load_review(black_box(&dir)).is_ok());
        });
        c.bench_function(&format!("statistics/{name}"), |b| {
            b.iter(|| results::analyse(black_box(&review)).comparisons.len());
        });
        c.bench_function(&format!("figures/{name}"), |b| {
            b.iter(|| plot::figures(black_box(&review), black_box(&analyses)).len());
        });
        c.bench_function(&format!("report/{name}"), |b| {
            b.iter_batched(
                || figures.clone(),
                |figures| {
                    report::render_review(
                        black_box(&review),
                        &Default::default(),
                        Arc::clone(&analyses),
                        figures,
                        None,
                    )
                    .is_ok()
                },
                BatchSize::LargeInput,
            );
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = stages
}
criterion_main!(benches);
