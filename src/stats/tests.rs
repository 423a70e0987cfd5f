//! Unit tests of the engine: closed-form checks worked by hand, the zero-cell
//! rules, degenerate inputs, and properties over pseudo-random valid tables.

use super::dist::{Z_975, t_975};
use super::*;
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

const TIGHT: f64 = 1e-12;

fn assert_close(actual: f64, expected: f64, what: &str) {
    let tolerance = TIGHT * expected.abs().max(1.0);
    assert!(
        (actual - expected).abs() <= tolerance,
        "{what}: got {actual:e}, expected {expected:e}"
    );
}

fn settings(measure: Measure, method: Method, model: Model) -> Settings {
    Settings {
        measure,
        method,
        model,
        tau2: Tau2Estimator::DerSimonianLaird,
        hksj: false,
    }
}

fn table(e_events: u64, e_total: u64, c_events: u64, c_total: u64) -> Row {
    Row::Dichotomous {
        e_events,
        e_total,
        c_events,
        c_total,
    }
}

fn generic(estimate: f64, se: f64) -> Row {
    Row::Generic { estimate, se }
}

#[test]
fn z_975_is_the_normal_quantile() {
    assert_close(Z_975, Normal::standard().inverse_cdf(0.975), "qnorm(0.975)");
    let (low, high) = normal_ci(1.0, 0.5);
    assert_close(low, 1.0 - 0.5 * Z_975, "ci low");
    assert_close(high, 1.0 + 0.5 * Z_975, "ci high");
}

#[test]
fn t_quantiles_kept_by_df_are_the_computed_ones() {
    // Below and past the kept range, and each asked twice: the kept value is statrs' own, to
    // the bit, so keeping them changes no output.
    for df in [1, 2, 3, 29, 255, 256, 1000] {
        let computed = StudentsT::new(0.0, 1.0, df as f64)
            .unwrap()
            .inverse_cdf(0.975);
        assert_eq!(t_975(df).to_bits(), computed.to_bits(), "df {df}");
        assert_eq!(t_975(df).to_bits(), computed.to_bits(), "df {df}, again");
    }
    // R's qt(0.975, 1) and qt(0.975, 10).
    assert!((t_975(1) - 12.706_204_736_174_7).abs() < 1e-9);
    assert!((t_975(10) - 2.228_138_851_986_27).abs() < 1e-9);
    assert!(t_975(0).is_infinite());
}

#[test]
fn measures_know_their_scale() {
    assert!(Measure::RiskRatio.is_ratio() && Measure::GenericRatio.is_ratio());
    assert!(!Measure::RiskDifference.is_ratio() && !Measure::StdMeanDifference.is_ratio());
    assert_close(Measure::OddsRatio.to_natural(0.0), 1.0, "exp(0)");
    assert_close(Measure::MeanDifference.to_natural(-2.0), -2.0, "identity");
    assert_close(Measure::RiskRatio.null_value(), 1.0, "ratio null");
    assert_close(
        Measure::GenericDifference.null_value(),
        0.0,
        "difference null",
    );
}

// Two studies, y = 0.1 and 0.3, v = 0.04 and 0.01: w = 25 and 100, so
// μ = 32.5/125 = 0.26, SE = 1/√125, Q = 25·0.16² + 100·0.04² = 0.8, weights 20% and 80%.
#[test]
fn pools_two_studies_by_inverse_variance_as_worked_by_hand() {
    let s = settings(
        Measure::GenericDifference,
        Method::InverseVariance,
        Model::Fixed,
    );
    let fit = fit(&s, &[generic(0.1, 0.2), generic(0.3, 0.1)]);
    let pooled = fit.pooled.unwrap();
    assert_close(pooled.y, 0.26, "mu");
    assert_close(pooled.se, (1.0f64 / 125.0).sqrt(), "se");
    assert_close(pooled.z, 0.26 * 125f64.sqrt(), "z");
    let het = fit.heterogeneity.unwrap();
    assert_close(het.q, 0.8, "Q");
    assert_eq!(het.df, 1);
    assert_close(het.i2.unwrap(), 0.0, "I2 with Q < df");
    assert_eq!(het.tau2, None);
    assert_close(fit.rows[0].weight, 20.0, "weight 1");
    assert_close(fit.rows[1].weight, 80.0, "weight 2");
}

// a = 5 of 20, c = 10 of 20: E = 20·15/40 = 7.5, O − E = −2.5,
// V = 20·20·15·25/(40²·39) = 150000/62400.
#[test]
fn computes_peto_as_worked_by_hand() {
    let s = settings(Measure::OddsRatio, Method::Peto, Model::Fixed);
    let fit = fit(&s, &[table(5, 20, 10, 20)]);
    let v = 150_000.0 / 62_400.0;
    let effect = fit.rows[0].effect.unwrap();
    assert_close(effect.y, -2.5 / v, "log OR");
    assert_close(effect.se, 1.0 / v.sqrt(), "se");
    assert_close(fit.pooled.unwrap().y, -2.5 / v, "pooled");
}

#[test]
fn adds_one_half_to_every_cell_of_a_table_with_a_zero() {
    let rr = settings(Measure::RiskRatio, Method::InverseVariance, Model::Fixed);
    let effect = fit(&rr, &[table(0, 10, 4, 12)]).rows[0].effect.unwrap();
    assert_close(effect.y, ((0.5f64 / 11.0) / (4.5 / 13.0)).ln(), "RR");
    assert_close(
        effect.se,
        (1.0 / 0.5 - 1.0 / 11.0 + 1.0 / 4.5 - 1.0 / 13.0f64).sqrt(),
        "se",
    );
    let or = settings(Measure::OddsRatio, Method::InverseVariance, Model::Fixed);
    let effect = fit(&or, &[table(0, 10, 4, 12)]).rows[0].effect.unwrap();
    assert_close(effect.y, (0.5 * 8.5 / (10.5 * 4.5f64)).ln(), "OR");
}

#[test]
fn leaves_double_zero_tables_out_of_ratios_but_keeps_them_for_risk_differences() {
    let rows = [table(0, 10, 0, 12), table(3, 10, 5, 12)];
    for (measure, method) in [
        (Measure::RiskRatio, Method::MantelHaenszel),
        (Measure::OddsRatio, Method::InverseVariance),
        (Measure::OddsRatio, Method::Peto),
    ] {
        let fit = fit(&settings(measure, method, Model::Fixed), &rows);
        assert_eq!(
            fit.rows[0],
            RowResult {
                effect: None,
                weight: 0.0
            },
            "{measure:?} {method:?}"
        );
        assert_eq!(fit.estimable, 1);
        assert_close(fit.rows[1].weight, 100.0, "the other study");
    }
    let rd = fit(
        &settings(
            Measure::RiskDifference,
            Method::MantelHaenszel,
            Model::Fixed,
        ),
        &rows,
    );
    assert_eq!(rd.estimable, 2);
    let effect = rd.rows[0].effect.unwrap();
    assert_eq!(effect.y, 0.0);
    // SE from the corrected cells 0.5/10.5 and 0.5/12.5 in each arm.
    let v = 0.5 * 10.5 / 11.0f64.powi(3) + 0.5 * 12.5 / 13.0f64.powi(3);
    assert_close(effect.se, v.sqrt(), "RD se");
}

// Every participant in both arms had the event (b = d = 0): no information on a ratio, so
// not estimable for RR, OR and Peto, like a double-zero table; kept for RD (docs/statistics.md,
// "Zero cells and studies that cannot be estimated").
#[test]
fn leaves_tables_with_all_events_in_both_arms_out_of_ratios_but_keeps_them_for_risk_differences() {
    let rows = [table(14, 14, 18, 18), table(3, 10, 5, 12)];
    for (measure, method) in [
        (Measure::RiskRatio, Method::MantelHaenszel),
        (Measure::RiskRatio, Method::InverseVariance),
        (Measure::OddsRatio, Method::MantelHaenszel),
        (Measure::OddsRatio, Method::InverseVariance),
        (Measure::OddsRatio, Method::Peto),
    ] {
        for model in [Model::Fixed, Model::Random] {
            let fit = fit(&settings(measure, method, model), &rows);
            assert_eq!(
                fit.rows[0],
                RowResult {
                    effect: None,
                    weight: 0.0
                },
                "{measure:?} {method:?} {model:?}"
            );
            assert_eq!(fit.estimable, 1);
            assert_eq!(fit.rows[1].weight, 100.0);
            assert_eq!(fit.heterogeneity.unwrap().df, 0);
        }
    }
    let rd = fit(
        &settings(
            Measure::RiskDifference,
            Method::MantelHaenszel,
            Model::Fixed,
        ),
        &rows,
    );
    assert_eq!(rd.estimable, 2);
    let effect = rd.rows[0].effect.unwrap();
    assert_eq!(effect.y, 0.0);
    // SE from the corrected cells 14.5/15 and 18.5/19.
    let v = 14.5 * 0.5 / 15.0f64.powi(3) + 18.5 * 0.5 / 19.0f64.powi(3);
    assert_close(effect.se, v.sqrt(), "RD se");
}

// Mantel-Haenszel RD with a zero cell (docs/statistics.md, "Mantel-Haenszel"): weights
// K = n1·n2/N and the pooled RD from the counts as entered; J of the zero-cell table from its corrected cells.
// 0/10 vs 2/10: K = 100/20, RD = −0.2, corrected a, b, c, d = 0.5, 10.5, 2.5, 8.5.
// 3/20 vs 5/20: K = 400/40, RD = −0.1, no correction.
#[test]
fn pools_risk_differences_with_raw_weights_and_corrected_variance_terms() {
    let s = settings(
        Measure::RiskDifference,
        Method::MantelHaenszel,
        Model::Fixed,
    );
    let fit = fit(&s, &[table(0, 10, 2, 10), table(3, 20, 5, 20)]);
    let (k1, k2) = (100.0 / 20.0, 400.0 / 40.0);
    let rd = (k1 * -0.2 + k2 * -0.1) / (k1 + k2);
    let j = |a: f64, b: f64, c: f64, d: f64| {
        let (n1, n2) = (a + b, c + d);
        let n = n1 + n2;
        (a * b * n2.powi(3) + c * d * n1.powi(3)) / (n1 * n2 * n * n)
    };
    let se = (j(0.5, 10.5, 2.5, 8.5) + j(3.0, 17.0, 5.0, 15.0)).sqrt() / (k1 + k2);
    let pooled = fit.pooled.unwrap();
    assert_close(pooled.y, rd, "MH RD");
    assert_close(pooled.se, se, "MH RD se");
    assert_close(fit.rows[0].weight, 100.0 * k1 / (k1 + k2), "weight 1");
    assert_close(fit.rows[1].weight, 100.0 * k2 / (k1 + k2), "weight 2");
    // Q around the MH RD with each study's own variance (row 5); the zero-cell study's
    // variance from its corrected cells.
    let v1 = 0.5 * 10.5 / 11.0f64.powi(3) + 2.5 * 8.5 / 11.0f64.powi(3);
    let v2 = 3.0 * 17.0 / 20.0f64.powi(3) + 5.0 * 15.0 / 20.0f64.powi(3);
    let q = (-0.2 - rd).powi(2) / v1 + (-0.1 - rd).powi(2) / v2;
    assert_close(fit.heterogeneity.unwrap().q, q, "Q");
}

#[test]
fn pools_a_single_study_as_itself() {
    for model in [Model::Fixed, Model::Random] {
        let mut s = settings(Measure::RiskRatio, Method::MantelHaenszel, model);
        s.hksj = true;
        let fit = fit(&s, &[table(0, 10, 0, 10), table(3, 30, 9, 31)]);
        let effect = fit.rows[1].effect.unwrap();
        let pooled = fit.pooled.unwrap();
        assert_eq!((pooled.y, pooled.se), (effect.y, effect.se));
        assert_eq!(
            (pooled.ci_low, pooled.ci_high),
            (effect.ci_low, effect.ci_high)
        );
        assert_eq!(fit.rows[1].weight, 100.0);
        let het = fit.heterogeneity.unwrap();
        assert_eq!((het.q, het.df, het.p, het.i2), (0.0, 0, None, None));
        assert_eq!(het.tau2, (model == Model::Random).then_some(0.0));
        assert_eq!(fit.prediction, None);
    }
}

#[test]
fn pools_nothing_when_no_study_is_estimable() {
    let s = settings(Measure::OddsRatio, Method::MantelHaenszel, Model::Random);
    let fit = fit(&s, &[table(0, 10, 0, 10), table(0, 5, 0, 7)]);
    assert_eq!(fit.estimable, 0);
    assert_eq!(
        (fit.pooled, fit.heterogeneity, fit.prediction),
        (None, None, None)
    );
    assert!(
        fit.rows
            .iter()
            .all(|r| r.effect.is_none() && r.weight == 0.0)
    );
}

#[test]
fn marks_rows_of_the_wrong_kind_or_degenerate_as_not_estimable() {
    let continuous = Row::Continuous {
        e_mean: 1.0,
        e_sd: 1.0,
        e_n: 1,
        c_mean: 0.0,
        c_sd: 1.0,
        c_n: 1,
    };
    let smd = settings(
        Measure::StdMeanDifference,
        Method::InverseVariance,
        Model::Fixed,
    );
    assert_eq!(
        fit(&smd, &[continuous]).estimable,
        0,
        "SMD needs n1 + n2 > 2"
    );
    let rr = settings(Measure::RiskRatio, Method::InverseVariance, Model::Fixed);
    assert_eq!(fit(&rr, &[continuous]).estimable, 0, "continuous row, RR");
    let mh = settings(Measure::RiskRatio, Method::MantelHaenszel, Model::Fixed);
    assert_eq!(
        fit(&mh, &[generic(0.1, 0.1)]).estimable,
        0,
        "generic row, MH"
    );
    let gd = settings(
        Measure::GenericDifference,
        Method::InverseVariance,
        Model::Fixed,
    );
    assert_eq!(
        fit(&gd, &[generic(0.1, 1e-200)]).estimable,
        0,
        "se² underflows"
    );
}

// With identical estimates the HKSJ q is 0; the documented fallback keeps every field finite.
#[test]
fn keeps_hksj_finite_when_all_estimates_are_identical() {
    let mut s = settings(
        Measure::GenericDifference,
        Method::InverseVariance,
        Model::Random,
    );
    s.hksj = true;
    let fit = fit(
        &s,
        &[generic(0.3, 0.1), generic(0.3, 0.2), generic(0.3, 0.15)],
    );
    let pooled = fit.pooled.unwrap();
    assert_close(pooled.y, 0.3, "mu");
    assert!(pooled.se > 0.0 && pooled.z.is_finite() && pooled.p.is_finite());
    let (low, high) = fit.prediction.unwrap();
    assert!(low.is_finite() && high.is_finite());
}

// For IV fixed effect, Q between subgroups = Q_total − ΣQ_within (docs/statistics.md,
// "Subgroups and totals").
#[test]
fn splits_q_into_within_and_between_subgroups_for_iv_fixed_effect() {
    let s = settings(Measure::OddsRatio, Method::InverseVariance, Model::Fixed);
    let first = [table(4, 20, 9, 21), table(10, 50, 12, 48)];
    let second = [
        table(7, 30, 6, 33),
        table(15, 60, 20, 61),
        table(2, 15, 8, 14),
    ];
    let result = fit_subgroups(&s, &[&first, &second]);
    let q = |fit: &Fit| fit.heterogeneity.unwrap().q;
    let within: f64 = result.subgroups.iter().map(q).sum();
    let between = result.differences.unwrap();
    assert_close(between.q, q(&result.overall) - within, "Q between");
    assert_eq!(between.df, 1);
    assert_eq!(between.tau2, None);
    let weights: f64 = result.overall.rows.iter().map(|r| r.weight).sum();
    assert_close(weights, 100.0, "overall weights");
}

#[test]
fn reports_an_iteration_that_does_not_settle() {
    let mut sign = 1.0;
    let oscillating = super::tau2::iterate(1.0, |_| {
        sign = -sign;
        sign * 0.5
    });
    assert_eq!(oscillating, None);
    let halving = super::tau2::iterate(1.0, |tau2| (0.25 - tau2) / 2.0);
    assert!((halving.unwrap() - 0.25).abs() < 1e-9);
}

/// A tiny deterministic linear congruential generator (Knuth's MMIX constants).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }

    /// A valid table; about one in eight has a zero (or full) arm.
    fn table(&mut self) -> Row {
        let (e_total, c_total) = (1 + self.below(200), 1 + self.below(200));
        let mut events = |total: u64| match self.below(16) {
            0 => 0,
            1 => total,
            _ => self.below(total + 1),
        };
        let (e_events, c_events) = (events(e_total), events(c_total));
        table(e_events, e_total, c_events, c_total)
    }

    fn continuous(&mut self) -> Row {
        let [e_mean, e_sd, c_mean, c_sd] =
            [20.0, 5.0, 20.0, 5.0].map(|scale| (self.below(10_000) as f64 / 10_000.0) * scale);
        Row::Continuous {
            e_mean,
            e_sd: 0.1 + e_sd,
            e_n: 2 + self.below(100),
            c_mean,
            c_sd: 0.1 + c_sd,
            c_n: 2 + self.below(100),
        }
    }
}

fn all_settings() -> Vec<Settings> {
    let mut all = Vec::new();
    let dichotomous = [
        Measure::RiskRatio,
        Measure::OddsRatio,
        Measure::RiskDifference,
    ];
    for method in [
        Method::MantelHaenszel,
        Method::InverseVariance,
        Method::Peto,
    ] {
        for measure in dichotomous {
            for model in [Model::Fixed, Model::Random] {
                for tau2 in [
                    Tau2Estimator::DerSimonianLaird,
                    Tau2Estimator::Reml,
                    Tau2Estimator::PauleMandel,
                ] {
                    for hksj in [false, true] {
                        all.push(Settings {
                            measure,
                            method,
                            model,
                            tau2,
                            hksj,
                        });
                    }
                }
            }
        }
    }
    for measure in [Measure::MeanDifference, Measure::StdMeanDifference] {
        for tau2 in [
            Tau2Estimator::DerSimonianLaird,
            Tau2Estimator::Reml,
            Tau2Estimator::PauleMandel,
        ] {
            all.push(Settings {
                measure,
                method: Method::InverseVariance,
                model: Model::Random,
                tau2,
                hksj: true,
            });
        }
    }
    all
}

fn assert_all_finite(fit: &Fit, what: &str) {
    let mut values = Vec::new();
    for row in &fit.rows {
        values.push(row.weight);
        if let Some(e) = row.effect {
            values.extend([e.y, e.se, e.ci_low, e.ci_high]);
        }
    }
    if let Some(p) = fit.pooled {
        values.extend([p.y, p.se, p.ci_low, p.ci_high, p.z, p.p]);
    }
    if let Some(h) = fit.heterogeneity {
        values.extend([
            h.q,
            h.p.unwrap_or(0.0),
            h.i2.unwrap_or(0.0),
            h.tau2.unwrap_or(0.0),
        ]);
    }
    if let Some((low, high)) = fit.prediction {
        values.extend([low, high]);
    }
    assert!(
        values.iter().all(|v| v.is_finite()),
        "{what}: a value is not finite: {fit:?}"
    );
}

// Over a few hundred pseudo-random valid data sets and every combination of
// settings: nothing is NaN or infinite, weights sum to 100, intervals contain
// their estimates, p and I² are in range, and the result does not depend on
// the order of the rows.
#[test]
fn holds_its_invariants_on_pseudo_random_tables() {
    let mut lcg = Lcg(20_260_101);
    for settings in all_settings() {
        let continuous = matches!(
            settings.measure,
            Measure::MeanDifference | Measure::StdMeanDifference
        );
        for trial in 0..12 {
            let k = 1 + lcg.below(12) as usize;
            let rows: Vec<Row> = (0..k)
                .map(|_| {
                    if continuous {
                        lcg.continuous()
                    } else {
                        lcg.table()
                    }
                })
                .collect();
            let what = format!("{settings:?} trial {trial}");
            let fit = fit(&settings, &rows);
            assert_all_finite(&fit, &what);
            assert_eq!(fit.rows.len(), k);
            let Some(pooled) = fit.pooled else {
                assert_eq!(fit.estimable, 0, "{what}");
                continue;
            };
            let weights: f64 = fit.rows.iter().map(|r| r.weight).sum();
            assert!(
                (weights - 100.0).abs() < 1e-9,
                "{what}: weights sum to {weights}"
            );
            assert!(
                pooled.ci_low <= pooled.y && pooled.y <= pooled.ci_high,
                "{what}"
            );
            assert!((0.0..=1.0).contains(&pooled.p), "{what}");
            for effect in fit.rows.iter().filter_map(|r| r.effect) {
                assert!(
                    effect.ci_low <= effect.y && effect.y <= effect.ci_high,
                    "{what}"
                );
            }
            let het = fit.heterogeneity.unwrap();
            assert_eq!(het.df + 1, fit.estimable, "{what}");
            assert!(
                het.i2.is_none_or(|i2| (0.0..=100.0).contains(&i2)),
                "{what}"
            );
            if let Some((low, high)) = fit.prediction {
                assert!(
                    low <= pooled.ci_low && pooled.ci_high <= high || settings.hksj,
                    "{what}"
                );
            }
            let reversed: Vec<Row> = rows.iter().rev().copied().collect();
            let other = super::fit(&settings, &reversed);
            let other_pooled = other.pooled.unwrap();
            let near = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-3);
            assert!(
                near(pooled.y, other_pooled.y) && near(pooled.se, other_pooled.se),
                "{what}: order"
            );
            for (row, other_row) in fit.rows.iter().zip(other.rows.iter().rev()) {
                assert!(near(row.weight, other_row.weight), "{what}: weight order");
            }
        }
    }
}
