//! Reference tests: the engine against numbers computed by metafor
//! (tests/reference/metafor.json, made by tests/reference/make_reference.R)
//! and against Review Manager 5's own stored results for Fleiss (1993)
//! (tests/reference/revman/, from the R package meta, GPL-2 or later).
//! None of these tests needs R.

use revmark::stats::*;
use serde_json::Value;
use std::f64::consts::LN_10;

/// Closed-form quantities (effects, SEs, CIs, weights, Q, I², DL tau²): the
/// same formulas, so only rounding differs.
const CLOSED_FORM_REL: f64 = 1e-12;
/// Anything that depends on an iterated tau² (REML, Paule-Mandel): both sides
/// iterate to about 1e-11, from different starting points and algorithms.
const ITERATED_REL: f64 = 1e-10;
/// p-values: statrs's normal CDF is about 1e-11 relative in the tails
/// (pnorm(-8) 5e-11, 2·pnorm(-2.5) 4e-11 against R).
const P_VALUE_REL: f64 = 1e-9;
/// Absolute floor for values that are 0 or nearly so (a tau² of 0, an RD of 0).
const ABSOLUTE_FLOOR: f64 = 1e-13;
/// RevMan 5's .rm5 file stores full doubles; the formulas are the same.
const REVMAN_REL: f64 = 1e-12;
/// RevMan 5's own χ² upper tail is an approximation: its stored P_CHI2 for
/// Fleiss (1993) is 0.1269422521561745, where R's pchisq (and statrs) give
/// 0.12694217790629492, 5.8e-7 relative apart.
const REVMAN_P_REL: f64 = 1e-6;
/// RevMan 5's CSV export rounds to 8 decimals.
const REVMAN_CSV_ABS: f64 = 1e-7;

const METAFOR_JSON: &str = include_str!("../reference/metafor.json");
const FLEISS_RM5: &[u8] = include_bytes!("../reference/revman/Fleiss1993.rm5");
const FLEISS_CSV: &str = include_str!("../reference/revman/Fleiss1993_CR.csv");

/// Collects every mismatch, naming the case and field, and fails once at the end.
#[derive(Default)]
struct Checker {
    compared: usize,
    failures: Vec<String>,
}

impl Checker {
    /// Relative comparison (plus [`ABSOLUTE_FLOOR`]); NaN never passes.
    fn close(&mut self, case: &str, field: &str, actual: f64, expected: f64, rel: f64) {
        let tolerance = rel * actual.abs().max(expected.abs()) + ABSOLUTE_FLOOR;
        let label = format!("rel tol {rel:e}");
        self.within(case, field, actual, expected, tolerance, &label);
    }

    /// Absolute comparison; NaN never passes.
    fn close_abs(&mut self, case: &str, field: &str, actual: f64, expected: f64, abs: f64) {
        self.within(
            case,
            field,
            actual,
            expected,
            abs,
            &format!("abs tol {abs:e}"),
        );
    }

    fn within(
        &mut self,
        case: &str,
        field: &str,
        actual: f64,
        expected: f64,
        tolerance: f64,
        label: &str,
    ) {
        self.compared += 1;
        let agrees = (actual - expected).abs() <= tolerance;
        if !agrees {
            self.failures.push(format!(
                "{case}: {field}: got {actual:.17e}, expected {expected:.17e} ({label})"
            ));
        }
    }

    fn same(
        &mut self,
        case: &str,
        field: &str,
        actual: impl std::fmt::Debug,
        expected: impl std::fmt::Debug,
    ) {
        self.compared += 1;
        let (actual, expected) = (format!("{actual:?}"), format!("{expected:?}"));
        if actual != expected {
            self.failures.push(format!(
                "{case}: {field}: got {actual}, expected {expected}"
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

fn column(dataset: &Value, name: &str) -> Vec<f64> {
    dataset["columns"][name]
        .as_array()
        .expect("a column in the fixture")
        .iter()
        .map(number)
        .collect()
}

fn rows_of(dataset: &Value) -> Vec<Row> {
    let count = |x: f64| x as u64;
    match dataset["type"].as_str() {
        Some("dichotomous") => {
            let (a, n1, c, n2) = (
                column(dataset, "ai"),
                column(dataset, "n1i"),
                column(dataset, "ci"),
                column(dataset, "n2i"),
            );
            (0..a.len())
                .map(|i| Row::Dichotomous {
                    e_events: count(a[i]),
                    e_total: count(n1[i]),
                    c_events: count(c[i]),
                    c_total: count(n2[i]),
                })
                .collect()
        }
        Some("continuous") => {
            let names = ["m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"];
            let [m1, s1, n1, m2, s2, n2] = names.map(|name| column(dataset, name));
            (0..m1.len())
                .map(|i| Row::Continuous {
                    e_mean: m1[i],
                    e_sd: s1[i],
                    e_n: count(n1[i]),
                    c_mean: m2[i],
                    c_sd: s2[i],
                    c_n: count(n2[i]),
                })
                .collect()
        }
        Some("generic") => {
            let (y, se) = (column(dataset, "yi"), column(dataset, "sei"));
            (0..y.len())
                .map(|i| Row::Generic {
                    estimate: y[i],
                    se: se[i],
                })
                .collect()
        }
        other => panic!("unknown data set type {other:?}"),
    }
}

fn settings_of(value: &Value) -> Settings {
    let text = |key: &str| value[key].as_str().expect("a settings string");
    Settings {
        measure: match text("measure") {
            "RR" => Measure::RiskRatio,
            "OR" => Measure::OddsRatio,
            "RD" => Measure::RiskDifference,
            "MD" => Measure::MeanDifference,
            "SMD" => Measure::StdMeanDifference,
            "GenericRatio" => Measure::GenericRatio,
            "GenericDifference" => Measure::GenericDifference,
            other => panic!("unknown measure {other}"),
        },
        method: match text("method") {
            "MH" => Method::MantelHaenszel,
            "IV" => Method::InverseVariance,
            "Peto" => Method::Peto,
            other => panic!("unknown method {other}"),
        },
        model: match text("model") {
            "fixed" => Model::Fixed,
            "random" => Model::Random,
            other => panic!("unknown model {other}"),
        },
        tau2: match text("tau2") {
            "DL" => Tau2Estimator::DerSimonianLaird,
            "REML" => Tau2Estimator::Reml,
            "PM" => Tau2Estimator::PauleMandel,
            other => panic!("unknown tau2 estimator {other}"),
        },
        hksj: value["hksj"].as_bool().expect("hksj"),
    }
}

/// The tolerance for a case: looser when tau² is iterated.
fn tolerance_for(settings: &Settings) -> f64 {
    let iterated =
        settings.model == Model::Random && settings.tau2 != Tau2Estimator::DerSimonianLaird;
    if iterated {
        ITERATED_REL
    } else {
        CLOSED_FORM_REL
    }
}

/// Compares one fit with one `expected` object of the fixture.
fn check_fit(check: &mut Checker, case: &str, fit: &Fit, expected: &Value, rel: f64) {
    check.same(
        case,
        "estimable",
        fit.estimable,
        number(&expected["estimable"]) as usize,
    );
    let (ys, ses, weights) = (&expected["y"], &expected["se"], &expected["weight"]);
    check.same(
        case,
        "rows.len",
        fit.rows.len(),
        ys.as_array().map_or(0, Vec::len),
    );
    for (i, row) in fit.rows.iter().enumerate() {
        let field = |name: &str| format!("rows[{i}].{name}");
        check.optional(case, &field("y"), row.effect.map(|e| e.y), &ys[i], rel);
        check.optional(case, &field("se"), row.effect.map(|e| e.se), &ses[i], rel);
        if let Some(effect) = row.effect {
            let (low, high) = normal_ci(effect.y, effect.se);
            check.close(case, &field("ci_low"), effect.ci_low, low, rel);
            check.close(case, &field("ci_high"), effect.ci_high, high, rel);
        }
        check.close(case, &field("weight"), row.weight, number(&weights[i]), rel);
    }
    let pooled = &expected["pooled"];
    match fit.pooled {
        Some(p) if !pooled.is_null() => {
            check.close(case, "pooled.y", p.y, number(&pooled["y"]), rel);
            check.close(case, "pooled.se", p.se, number(&pooled["se"]), rel);
            check.close(
                case,
                "pooled.ci_low",
                p.ci_low,
                number(&pooled["ci_low"]),
                rel,
            );
            check.close(
                case,
                "pooled.ci_high",
                p.ci_high,
                number(&pooled["ci_high"]),
                rel,
            );
            check.close(case, "pooled.z", p.z, number(&pooled["z"]), rel);
            check.close(
                case,
                "pooled.p",
                p.p,
                number(&pooled["p"]),
                rel.max(P_VALUE_REL),
            );
        }
        other => check.same(case, "pooled is_some", other.is_some(), !pooled.is_null()),
    }
    let het = &expected["heterogeneity"];
    match fit.heterogeneity {
        Some(h) if !het.is_null() => {
            check.close(case, "heterogeneity.q", h.q, number(&het["q"]), rel);
            check.same(case, "heterogeneity.df", h.df, number(&het["df"]) as usize);
            check.optional(
                case,
                "heterogeneity.p",
                h.p,
                &het["p"],
                rel.max(P_VALUE_REL),
            );
            check.optional(case, "heterogeneity.i2", h.i2, &het["i2"], rel);
            check.optional(case, "heterogeneity.tau2", h.tau2, &het["tau2"], rel);
        }
        other => check.same(
            case,
            "heterogeneity is_some",
            other.is_some(),
            !het.is_null(),
        ),
    }
    let prediction = &expected["prediction"];
    match fit.prediction {
        Some((low, high)) if !prediction.is_null() => {
            check.close(case, "prediction.low", low, number(&prediction[0]), rel);
            check.close(case, "prediction.high", high, number(&prediction[1]), rel);
        }
        other => check.same(
            case,
            "prediction is_some",
            other.is_some(),
            !prediction.is_null(),
        ),
    }
    check.same(
        case,
        "not_converged",
        fit.not_converged,
        None::<Tau2Estimator>,
    );
}

fn fixture() -> Value {
    serde_json::from_str(METAFOR_JSON).expect("metafor.json parses")
}

// Every single-outcome case of the metafor fixture: BCG (RR, OR, RD; MH and IV;
// fixed, DL, REML, PM; HKSJ; prediction), diuretics (Peto, MH OR), Normand (MD,
// SMD) and the edge cases (zero cells, double zeros, all events, one study,
// identical effects, nothing estimable).
#[test]
fn matches_metafor_for_every_case() {
    let fixture = fixture();
    let mut check = Checker::default();
    for case in fixture["cases"].as_array().expect("cases") {
        let name = case["name"].as_str().expect("a case name");
        let rows = rows_of(&fixture["datasets"][case["data"].as_str().expect("data")]);
        let settings = settings_of(&case["settings"]);
        let fit = fit(&settings, &rows);
        check_fit(
            &mut check,
            name,
            &fit,
            &case["expected"],
            tolerance_for(&settings),
        );
    }
    check.finish("metafor cases");
}

// BCG split by allocation method: each subgroup with its own tau², the overall
// fit, and the test for subgroup differences.
#[test]
fn matches_metafor_for_subgroups() {
    let fixture = fixture();
    let mut check = Checker::default();
    for case in fixture["subgroup_cases"]
        .as_array()
        .expect("subgroup cases")
    {
        let name = case["name"].as_str().expect("a case name");
        let rows = rows_of(&fixture["datasets"][case["data"].as_str().expect("data")]);
        let groups: Vec<usize> = case["groups"]
            .as_array()
            .expect("groups")
            .iter()
            .map(|g| number(g) as usize)
            .collect();
        let group_of = &groups;
        let group_count = groups.iter().max().map_or(0, |g| g + 1);
        let grouped: Vec<Vec<Row>> = (0..group_count)
            .map(|g| {
                (0..rows.len())
                    .filter(|&i| groups[i] == g)
                    .map(|i| rows[i])
                    .collect()
            })
            .collect();
        let slices: Vec<&[Row]> = grouped.iter().map(Vec::as_slice).collect();
        let settings = settings_of(&case["settings"]);
        let rel = tolerance_for(&settings);
        let result = fit_subgroups(&settings, &slices);
        let expected = &case["expected"];
        for (j, subgroup) in result.subgroups.iter().enumerate() {
            let label = format!("{name}/subgroup {j}");
            check_fit(&mut check, &label, subgroup, &expected["subgroups"][j], rel);
        }
        // The overall fit sees the rows regrouped in subgroup order; compare it
        // with metafor's overall fit on those rows.
        let order: Vec<usize> = (0..group_count)
            .flat_map(|g| (0..rows.len()).filter(move |&i| group_of[i] == g))
            .collect();
        let mut overall_expected = expected["overall"].clone();
        for key in ["y", "se", "weight"] {
            let values = overall_expected[key]
                .as_array()
                .expect("row values")
                .clone();
            overall_expected[key] =
                Value::Array(order.iter().map(|&i| values[i].clone()).collect());
        }
        check_fit(
            &mut check,
            &format!("{name}/overall"),
            &result.overall,
            &overall_expected,
            rel,
        );
        let weights: f64 = result.overall.rows.iter().map(|r| r.weight).sum();
        check.close(name, "overall weights sum", weights, 100.0, rel);
        let differences = &expected["differences"];
        match result.differences {
            Some(d) => {
                check.close(name, "differences.q", d.q, number(&differences["q"]), rel);
                check.same(
                    name,
                    "differences.df",
                    d.df,
                    number(&differences["df"]) as usize,
                );
                check.optional(
                    name,
                    "differences.p",
                    d.p,
                    &differences["p"],
                    P_VALUE_REL.max(rel),
                );
                check.optional(name, "differences.i2", d.i2, &differences["i2"], rel);
                check.same(name, "differences.tau2", d.tau2, None::<f64>);
            }
            None => check.same(name, "differences is_some", false, true),
        }
    }
    check.finish("metafor subgroup cases");
}

/// Fixed-effect settings, as in the Fleiss (1993) analyses.
fn fixed_effect(measure: Measure, method: Method) -> Settings {
    Settings {
        measure,
        method,
        model: Model::Fixed,
        tau2: Tau2Estimator::DerSimonianLaird,
        hksj: false,
    }
}

/// The value of attribute `name` in one XML start tag of the .rm5 file.
fn attribute<'a>(tag: &'a str, name: &str) -> &'a str {
    let start = tag
        .find(&format!(" {name}=\""))
        .unwrap_or_else(|| panic!("attribute {name} in {tag}"))
        + name.len()
        + 3;
    let length = tag[start..].find('"').expect("closing quote");
    &tag[start..start + length]
}

fn attribute_number(tag: &str, name: &str) -> f64 {
    attribute(tag, name)
        .parse()
        .unwrap_or_else(|_| panic!("{name} is a number"))
}

// RevMan 5's stored results for Fleiss (1993), aspirin after myocardial
// infarction: OR, Mantel-Haenszel, fixed effect, recomputed from the raw counts.
#[test]
fn reproduces_revman_fleiss1993_mantel_haenszel_odds_ratio() {
    let text = String::from_utf8_lossy(FLEISS_RM5);
    let outcome = text
        .lines()
        .find(|line| line.starts_with("<DICH_OUTCOME "))
        .expect("a DICH_OUTCOME");
    let data: Vec<&str> = text
        .lines()
        .filter(|line| line.starts_with("<DICH_DATA "))
        .collect();
    assert_eq!(attribute(outcome, "METHOD"), "MH");
    assert_eq!(attribute(outcome, "EFFECT_MEASURE"), "OR");
    assert_eq!(attribute(outcome, "RANDOM"), "NO");
    let rows: Vec<Row> = data
        .iter()
        .map(|tag| Row::Dichotomous {
            e_events: attribute_number(tag, "EVENTS_1") as u64,
            e_total: attribute_number(tag, "TOTAL_1") as u64,
            c_events: attribute_number(tag, "EVENTS_2") as u64,
            c_total: attribute_number(tag, "TOTAL_2") as u64,
        })
        .collect();
    let settings = fixed_effect(Measure::OddsRatio, Method::MantelHaenszel);
    let fit = fit(&settings, &rows);
    let mut check = Checker::default();
    let case = "Fleiss1993 OR MH fixed";
    // RevMan's LOG_* attributes are base-10 logs; it prints |Z|; it stores a tau² of 0
    // for fixed-effect analyses.
    let to_log10 = |y: f64| y / LN_10;
    for (tag, row) in data.iter().zip(&fit.rows) {
        let study = attribute(tag, "STUDY_ID");
        let effect = row.effect.expect("estimable");
        let compared = [
            ("LOG_EFFECT_SIZE", to_log10(effect.y)),
            ("EFFECT_SIZE", effect.y.exp()),
            ("SE", effect.se),
            ("VAR", effect.se * effect.se),
            ("CI_START", effect.ci_low.exp()),
            ("CI_END", effect.ci_high.exp()),
            ("WEIGHT", row.weight),
        ];
        for (name, actual) in compared {
            let expected = attribute_number(tag, name);
            check.close(
                case,
                &format!("{study} {name}"),
                actual,
                expected,
                REVMAN_REL,
            );
        }
    }
    let pooled = fit.pooled.expect("pooled");
    let het = fit.heterogeneity.expect("heterogeneity");
    let total_weight: f64 = fit.rows.iter().map(|r| r.weight).sum();
    let compared = [
        ("LOG_EFFECT_SIZE", to_log10(pooled.y), REVMAN_REL),
        ("LOG_CI_START", to_log10(pooled.ci_low), REVMAN_REL),
        ("LOG_CI_END", to_log10(pooled.ci_high), REVMAN_REL),
        ("EFFECT_SIZE", pooled.y.exp(), REVMAN_REL),
        ("CI_START", pooled.ci_low.exp(), REVMAN_REL),
        ("CI_END", pooled.ci_high.exp(), REVMAN_REL),
        ("Z", pooled.z.abs(), REVMAN_REL),
        ("P_Z", pooled.p, REVMAN_REL.max(P_VALUE_REL)),
        ("CHI2", het.q, REVMAN_REL),
        ("DF", het.df as f64, 0.0),
        ("P_CHI2", het.p.unwrap_or(f64::NAN), REVMAN_P_REL),
        ("I2", het.i2.unwrap_or(f64::NAN), REVMAN_REL),
        ("TAU2", het.tau2.unwrap_or(0.0), REVMAN_REL),
        ("WEIGHT", total_weight, REVMAN_REL),
    ];
    for (name, actual, rel) in compared {
        check.close(case, name, actual, attribute_number(outcome, name), rel);
    }
    check.finish(case);
}

// RevMan 5's CSV export for Fleiss (1993), mental health treatment: MD, inverse
// variance, fixed effect (numbers rounded to 8 decimals by the export).
#[test]
fn reproduces_revman_fleiss1993_mean_difference_export() {
    let mut reader = csv::Reader::from_reader(FLEISS_CSV.as_bytes());
    let headers = reader.headers().expect("a header").clone();
    let records: Vec<csv::StringRecord> = reader
        .records()
        .map(|r| r.expect("a CSV record"))
        .filter(|r| &r[1] == "2")
        .collect();
    let get = |record: &csv::StringRecord, name: &str| -> f64 {
        let index = headers.iter().position(|h| h == name).expect("a column");
        record[index]
            .parse()
            .unwrap_or_else(|_| panic!("{name} is a number"))
    };
    let (outcome, studies) = records.split_first().expect("the outcome row");
    assert_eq!(&outcome[6], "MD");
    assert_eq!(&outcome[5], "IV");
    let rows: Vec<Row> = studies
        .iter()
        .map(|r| Row::Continuous {
            e_mean: get(r, "Mean 1"),
            e_sd: get(r, "SD 1"),
            e_n: get(r, "Total 1") as u64,
            c_mean: get(r, "Mean 2"),
            c_sd: get(r, "SD 2"),
            c_n: get(r, "Total 2") as u64,
        })
        .collect();
    let settings = fixed_effect(Measure::MeanDifference, Method::InverseVariance);
    let fit = fit(&settings, &rows);
    let mut check = Checker::default();
    let case = "Fleiss1993 MD IV fixed";
    // RevMan prints |Z| and stores a tau² of 0 for fixed-effect analyses.
    for (record, row) in studies.iter().zip(&fit.rows) {
        let effect = row.effect.expect("estimable");
        let compared = [
            ("Effect Estimate", effect.y),
            ("SE", effect.se),
            ("CI Start", effect.ci_low),
            ("CI End", effect.ci_high),
            ("Weight", row.weight),
        ];
        for (name, actual) in compared {
            let field = format!("{} {name}", &record[3]);
            check.close_abs(case, &field, actual, get(record, name), REVMAN_CSV_ABS);
        }
    }
    let pooled = fit.pooled.expect("pooled");
    let het = fit.heterogeneity.expect("heterogeneity");
    let compared = [
        ("Effect Estimate", pooled.y),
        ("CI Start", pooled.ci_low),
        ("CI End", pooled.ci_high),
        ("Z", pooled.z.abs()),
        ("P(Z)", pooled.p),
        ("Q", het.q),
        ("P(Q)", het.p.unwrap_or(f64::NAN)),
        ("I²(Q)", het.i2.unwrap_or(f64::NAN)),
        ("Tau²", het.tau2.unwrap_or(0.0)),
        ("df", het.df as f64),
    ];
    for (name, actual) in compared {
        check.close_abs(case, name, actual, get(outcome, name), REVMAN_CSV_ABS);
    }
    check.finish(case);
}
