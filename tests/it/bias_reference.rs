//! Reference tests of the small-study tests, leave-one-out analyses, optimal information sizes
//! and funnel contours against numbers from R (tests/reference/bias.json, made by
//! tests/reference/make_bias_reference.R from six metadat data sets). None of these tests
//! needs R.

use revmark::stats::grade::{
    ImportantEffect, PowerTarget, optimal_information_size, pooled_standard_deviation,
};
use revmark::stats::*;
use serde_json::Value;

/// Closed-form quantities (regression slopes, SEs and t, sample sizes, quantiles, fixed-effect
/// and DerSimonian-Laird refits): the same formulas, summed in another order.
const CLOSED_FORM_REL: f64 = 1e-10;
/// Refits that iterate tau² (REML, Paule-Mandel): both sides stop near 1e-11 relative, from
/// different starting points.
const ITERATED_REL: f64 = 1e-8;
/// p-values from statrs's t and normal tails (about 1e-11 relative apart from R's).
const P_VALUE_REL: f64 = 1e-9;
/// Absolute floor for values that are 0 or nearly so (a tau² or I² of 0).
const ABSOLUTE_FLOOR: f64 = 1e-12;
/// The acceptance bound of issue 16: every tolerance above lies within it.
const ACCEPTANCE: f64 = 1e-6;

const BIAS_JSON: &str = include_str!("../reference/bias.json");

fn reference() -> Value {
    serde_json::from_str(BIAS_JSON).expect("bias.json is valid JSON")
}

/// Collects every mismatch, naming the case and field, and fails once at the end.
#[derive(Default)]
struct Checker {
    compared: usize,
    failures: Vec<String>,
}

impl Checker {
    /// Relative comparison (plus [`ABSOLUTE_FLOOR`]); NaN never passes.
    fn close(&mut self, case: &str, field: &str, actual: f64, expected: f64, rel: f64) {
        assert!(
            rel <= ACCEPTANCE,
            "a tolerance looser than the acceptance bound"
        );
        self.compared += 1;
        let tolerance = rel * actual.abs().max(expected.abs()) + ABSOLUTE_FLOOR;
        let agrees = (actual - expected).abs() <= tolerance;
        if !agrees {
            self.failures.push(format!(
                "{case}: {field}: got {actual:.17e}, expected {expected:.17e} (rel tol {rel:e})"
            ));
        }
    }

    /// A JSON number or null against an optional value.
    fn optional(
        &mut self,
        case: &str,
        field: &str,
        actual: Option<f64>,
        expected: &Value,
        rel: f64,
    ) {
        match (actual, expected.as_f64()) {
            (Some(a), Some(e)) => self.close(case, field, a, e, rel),
            (a, e) => self.same(case, field, a, e),
        }
    }

    fn same<T: std::fmt::Debug + PartialEq>(
        &mut self,
        case: &str,
        field: &str,
        actual: T,
        expected: T,
    ) {
        self.compared += 1;
        if actual != expected {
            self.failures.push(format!(
                "{case}: {field}: got {actual:?}, expected {expected:?}"
            ));
        }
    }

    fn finish(self, what: &str) {
        assert!(self.compared > 0, "{what}: nothing compared");
        assert!(
            self.failures.is_empty(),
            "{what}: {} of {} comparisons differ:\n{}",
            self.failures.len(),
            self.compared,
            self.failures.join("\n")
        );
    }
}

fn number(value: &Value) -> f64 {
    value.as_f64().expect("a number in the fixture")
}

fn text<'a>(value: &'a Value, field: &str) -> &'a str {
    value[field].as_str().expect("a string in the fixture")
}

fn column(dataset: &Value, name: &str) -> Vec<f64> {
    dataset["columns"][name]
        .as_array()
        .expect("a column in the fixture")
        .iter()
        .map(number)
        .collect()
}

/// The rows of a data set of the fixture.
fn rows_of(dataset: &Value) -> Vec<Row> {
    let count = |x: f64| x as u64;
    let columns = |names: &[&str]| -> Vec<Vec<f64>> {
        names.iter().map(|name| column(dataset, name)).collect()
    };
    match dataset["type"].as_str() {
        Some("dichotomous") => {
            let c = columns(&["ai", "n1i", "ci", "n2i"]);
            (0..c[0].len())
                .map(|i| Row::Dichotomous {
                    e_events: count(c[0][i]),
                    e_total: count(c[1][i]),
                    c_events: count(c[2][i]),
                    c_total: count(c[3][i]),
                })
                .collect()
        }
        Some("continuous") => {
            let c = columns(&["m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"]);
            (0..c[0].len())
                .map(|i| Row::Continuous {
                    e_mean: c[0][i],
                    e_sd: c[1][i],
                    e_n: count(c[2][i]),
                    c_mean: c[3][i],
                    c_sd: c[4][i],
                    c_n: count(c[5][i]),
                })
                .collect()
        }
        Some("generic") => {
            let c = columns(&["yi", "sei"]);
            (0..c[0].len())
                .map(|i| Row::Generic {
                    estimate: c[0][i],
                    se: c[1][i],
                })
                .collect()
        }
        other => panic!("unknown data type {other:?}"),
    }
}

fn measure(label: &str) -> Measure {
    match label {
        "RR" => Measure::RiskRatio,
        "OR" => Measure::OddsRatio,
        "RD" => Measure::RiskDifference,
        "MD" => Measure::MeanDifference,
        "SMD" => Measure::StdMeanDifference,
        "GenericRatio" => Measure::GenericRatio,
        "GenericDifference" => Measure::GenericDifference,
        other => panic!("unknown measure {other}"),
    }
}

fn settings_of(case: &Value) -> Settings {
    let s = &case["settings"];
    Settings {
        measure: measure(text(s, "measure")),
        method: match text(s, "method") {
            "MH" => Method::MantelHaenszel,
            "IV" => Method::InverseVariance,
            "Peto" => Method::Peto,
            other => panic!("unknown method {other}"),
        },
        model: match text(s, "model") {
            "fixed" => Model::Fixed,
            "random" => Model::Random,
            other => panic!("unknown model {other}"),
        },
        tau2: match text(s, "tau2") {
            "DL" => Tau2Estimator::DerSimonianLaird,
            "REML" => Tau2Estimator::Reml,
            "PM" => Tau2Estimator::PauleMandel,
            other => panic!("unknown tau2 estimator {other}"),
        },
        hksj: s["hksj"].as_bool().expect("hksj"),
    }
}

fn cases<'a>(reference: &'a Value, section: &str) -> &'a [Value] {
    reference[section].as_array().expect("a list of cases")
}

fn check_regression(
    checker: &mut Checker,
    name: &str,
    actual: Option<&RegressionTest>,
    expected: &Value,
) {
    let Some(test) = actual else {
        checker.same(name, "test run", false, !expected.is_null());
        return;
    };
    if expected.is_null() {
        checker.same(name, "test run", true, false);
        return;
    }
    let field = |f: &str| format!("{} {f}", test.test.key());
    for (f, value, rel) in [
        ("estimate", test.estimate, CLOSED_FORM_REL),
        ("se", test.se, CLOSED_FORM_REL),
        ("t", test.t, CLOSED_FORM_REL),
        ("p", test.p, P_VALUE_REL),
        ("intercept", test.intercept, CLOSED_FORM_REL),
    ] {
        checker.close(name, &field(f), value, number(&expected[f]), rel);
    }
    checker.same(name, &field("df"), test.df as f64, number(&expected["df"]));
}

#[test]
fn small_study_tests_match_metafor_and_lm() {
    let reference = reference();
    let mut checker = Checker::default();
    for case in cases(&reference, "small_study") {
        let name = text(case, "name");
        let rows = rows_of(&reference["datasets"][text(case, "data")]);
        let fit = fit(&settings_of(case), &rows);
        let effects = small_study_effects(&rows, &fit);
        let expected = &case["expected"];
        checker.same(
            name,
            "studies",
            effects.studies() as f64,
            number(&expected["studies"]),
        );
        check_regression(
            &mut checker,
            name,
            effects.test(SmallStudyTest::Egger),
            &expected["egger"],
        );
        check_regression(
            &mut checker,
            name,
            effects.test(SmallStudyTest::Peters),
            &expected["peters"],
        );
    }
    checker.finish("small-study tests");
}

#[test]
fn leave_one_out_matches_metafor() {
    let reference = reference();
    let mut checker = Checker::default();
    for case in cases(&reference, "leave_one_out") {
        let name = text(case, "name");
        let settings = settings_of(case);
        let rows: Vec<(usize, Row)> = rows_of(&reference["datasets"][text(case, "data")])
            .into_iter()
            .enumerate()
            .collect();
        let results = leave_one_out(&settings, &rows).expect("three or more studies");
        let expected = &case["expected"];
        let iterated =
            settings.model == Model::Random && settings.tau2 != Tau2Estimator::DerSimonianLaird;
        let rel = if iterated {
            ITERATED_REL
        } else {
            CLOSED_FORM_REL
        };
        let p_rel = if iterated { ITERATED_REL } else { P_VALUE_REL };
        let expected_rows = expected["row"].as_array().expect("rows");
        checker.same(name, "studies left out", results.len(), expected_rows.len());
        for (i, left_out) in results.iter().enumerate() {
            let at = |field: &str| &expected[field][i];
            let label = format!("{name} without row {}", left_out.row);
            checker.same(
                &label,
                "row",
                left_out.row as f64,
                number(&expected_rows[i]),
            );
            checker.same(&label, "converged", left_out.not_converged, None);
            checker.close(
                &label,
                "estimate",
                left_out.pooled.y,
                number(at("estimate")),
                rel,
            );
            checker.close(
                &label,
                "ci_low",
                left_out.pooled.ci_low,
                number(at("ci_low")),
                rel,
            );
            checker.close(
                &label,
                "ci_high",
                left_out.pooled.ci_high,
                number(at("ci_high")),
                rel,
            );
            checker.close(&label, "p", left_out.pooled.p, number(at("p")), p_rel);
            checker.optional(
                &label,
                "i2",
                left_out.heterogeneity.i2,
                at("i2"),
                CLOSED_FORM_REL,
            );
            checker.optional(&label, "tau2", left_out.heterogeneity.tau2, at("tau2"), rel);
        }
    }
    checker.finish("leave-one-out");
}

#[test]
fn optimal_information_sizes_match_the_sample_size_formulas() {
    let reference = reference();
    let mut checker = Checker::default();
    for case in cases(&reference, "information_size") {
        let name = text(case, "name");
        let measure = measure(text(case, "measure"));
        let rows = rows_of(&reference["datasets"][text(case, "data")]);
        let important = ImportantEffect::from_natural(measure, number(&case["important"]))
            .expect("an important effect");
        let (comparator_risk, sd) = match text(case, "kind") {
            "proportions" => {
                // The pooled control-group risk, from the same rows as R.
                let (events, total) = rows.iter().fold((0, 0), |(e, n), row| match *row {
                    Row::Dichotomous {
                        c_events, c_total, ..
                    } => (e + c_events, n + c_total),
                    _ => (e, n),
                });
                (Some(events as f64 / total as f64), None)
            }
            _ => (None, pooled_standard_deviation(&rows)),
        };
        let target = PowerTarget::for_outcome(measure, important, comparator_risk, sd)
            .expect("a power target");
        match target {
            PowerTarget::Proportions {
                comparator,
                intervention,
            } => {
                checker.close(
                    name,
                    "comparator",
                    comparator,
                    number(&case["comparator"]),
                    CLOSED_FORM_REL,
                );
                checker.close(
                    name,
                    "intervention",
                    intervention,
                    number(&case["intervention"]),
                    CLOSED_FORM_REL,
                );
            }
            PowerTarget::Means { sd, .. } => {
                checker.close(name, "sd", sd, number(&case["sd"]), CLOSED_FORM_REL);
            }
        }
        let size =
            optimal_information_size(&target, number(&case["alpha"]), number(&case["power"]))
                .expect("a size");
        checker.close(
            name,
            "per_arm",
            size.per_arm,
            number(&case["per_arm"]),
            CLOSED_FORM_REL,
        );
        checker.same(name, "total", size.total as f64, number(&case["total"]));
    }
    checker.finish("optimal information size");
}

#[test]
fn funnel_contours_are_normal_quantiles() {
    let reference = reference();
    let mut checker = Checker::default();
    let contours = funnel_contours();
    let expected = cases(&reference, "contours");
    checker.same("contours", "count", contours.len(), 3);
    for contour in contours {
        let case = expected
            .iter()
            .find(|c| number(&c["p"]) == contour.p)
            .expect("every contour level in the fixture");
        let label = format!("p = {}", contour.p);
        checker.close(&label, "z", contour.z, number(&case["z"]), CLOSED_FORM_REL);
        let (low, high) = contour.bounds(0.5, 0.2);
        checker.close(
            &label,
            "low",
            low,
            0.5 - number(&case["z"]) * 0.2,
            CLOSED_FORM_REL,
        );
        checker.close(
            &label,
            "high",
            high,
            0.5 + number(&case["z"]) * 0.2,
            CLOSED_FORM_REL,
        );
    }
    checker.finish("funnel contours");
}
