//! Timing of the meta-analysis engine: one outcome of 10,000 studies, and
//! 1,000 outcomes of 30 studies each, for each method. No framework: the best
//! of a few repetitions, measured with `Instant`, printed as a table.
//!
//! Run with `cargo bench --bench engine`.

use revmark::stats::Measure::{OddsRatio, RiskDifference, RiskRatio, StdMeanDifference};
use revmark::stats::Method::{InverseVariance, MantelHaenszel, Peto};
use revmark::stats::Model::{Fixed, Random};
use revmark::stats::Tau2Estimator::{DerSimonianLaird, PauleMandel, Reml};
use revmark::stats::{Measure, Method, Model, Row, Settings, Tau2Estimator, fit};
use std::hint::black_box;
use std::time::{Duration, Instant};

const REPETITIONS: usize = 5;

/// Deterministic pseudo-random numbers (Knuth's MMIX LCG).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % bound
    }
}

fn dichotomous_rows(lcg: &mut Lcg, count: usize) -> Vec<Row> {
    (0..count)
        .map(|_| {
            let (e_total, c_total) = (20 + lcg.below(400), 20 + lcg.below(400));
            Row::Dichotomous {
                e_events: lcg.below(e_total / 3 + 1),
                e_total,
                c_events: lcg.below(c_total / 2 + 1),
                c_total,
            }
        })
        .collect()
}

fn continuous_rows(lcg: &mut Lcg, count: usize) -> Vec<Row> {
    (0..count)
        .map(|_| Row::Continuous {
            e_mean: 10.0 + lcg.below(1000) as f64 / 100.0,
            e_sd: 1.0 + lcg.below(500) as f64 / 100.0,
            e_n: 10 + lcg.below(200),
            c_mean: 12.0 + lcg.below(1000) as f64 / 100.0,
            c_sd: 1.0 + lcg.below(500) as f64 / 100.0,
            c_n: 10 + lcg.below(200),
        })
        .collect()
}

/// (name, measure, method, model, tau² estimator) of each timed analysis.
const SCENARIOS: [(&str, Measure, Method, Model, Tau2Estimator); 9] = [
    (
        "MH RR fixed",
        RiskRatio,
        MantelHaenszel,
        Fixed,
        DerSimonianLaird,
    ),
    (
        "MH OR fixed",
        OddsRatio,
        MantelHaenszel,
        Fixed,
        DerSimonianLaird,
    ),
    (
        "MH RD fixed",
        RiskDifference,
        MantelHaenszel,
        Fixed,
        DerSimonianLaird,
    ),
    (
        "IV OR fixed",
        OddsRatio,
        InverseVariance,
        Fixed,
        DerSimonianLaird,
    ),
    (
        "IV OR random DL",
        OddsRatio,
        InverseVariance,
        Random,
        DerSimonianLaird,
    ),
    (
        "IV OR random REML",
        OddsRatio,
        InverseVariance,
        Random,
        Reml,
    ),
    (
        "IV OR random PM",
        OddsRatio,
        InverseVariance,
        Random,
        PauleMandel,
    ),
    ("Peto OR fixed", OddsRatio, Peto, Fixed, DerSimonianLaird),
    (
        "IV SMD random DL",
        StdMeanDifference,
        InverseVariance,
        Random,
        DerSimonianLaird,
    ),
];

/// The fastest of a few runs of `work`.
fn best_of(mut work: impl FnMut()) -> Duration {
    (0..REPETITIONS)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let mut lcg = Lcg(42);
    println!("best of {REPETITIONS} runs");
    println!(
        "{:<20} {:>22} {:>26}",
        "method", "1 x 10,000 studies", "1,000 x 30 studies"
    );
    for (name, measure, method, model, tau2) in SCENARIOS {
        let settings = Settings {
            measure,
            method,
            model,
            tau2,
            hksj: false,
        };
        let continuous = measure == StdMeanDifference;
        let mut rows = |count| {
            if continuous {
                continuous_rows(&mut lcg, count)
            } else {
                dichotomous_rows(&mut lcg, count)
            }
        };
        let large = rows(10_000);
        let outcomes: Vec<Vec<Row>> = (0..1_000).map(|_| rows(30)).collect();
        let one_large = best_of(|| {
            black_box(fit(black_box(&settings), black_box(&large)));
        });
        let many_small = best_of(|| {
            for outcome in &outcomes {
                black_box(fit(black_box(&settings), black_box(outcome)));
            }
        });
        println!(
            "{name:<20} {:>19.3} ms {:>23.3} ms",
            one_large.as_secs_f64() * 1e3,
            many_small.as_secs_f64() * 1e3
        );
    }
}
