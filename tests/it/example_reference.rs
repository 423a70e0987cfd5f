//! The diuretics example review, built end to end, gives in results.json the numbers metafor
//! gives for the same analyses (tests/reference/make_reference.R, cases `example_*`).

use crate::common::*;

use serde_json::Value;

/// Relative tolerance where the formulas are the same.
const REL: f64 = 1e-9;

fn close(what: &str, got: &Value, want: f64) {
    let got = got
        .as_f64()
        .unwrap_or_else(|| panic!("{what}: not a number: {got}"));
    let scale = want.abs().max(1e-12);
    assert!(
        (got - want).abs() / scale < REL,
        "{what}: {got} vs metafor {want}"
    );
}

/// Compares one analysis (or subgroup) of results.json with a metafor result. metafor's fields
/// are on the analysis scale, log for ratios.
fn compare(what: &str, got: &Value, want: &Value, ratio: bool) {
    let natural = |y: f64| if ratio { y.exp() } else { y };
    let p = &want["pooled"];
    close(
        &format!("{what} estimate"),
        &got["pooled"]["estimate"],
        natural(p["y"].as_f64().unwrap()),
    );
    close(
        &format!("{what} ci_low"),
        &got["pooled"]["ci_low"],
        natural(p["ci_low"].as_f64().unwrap()),
    );
    close(
        &format!("{what} ci_high"),
        &got["pooled"]["ci_high"],
        natural(p["ci_high"].as_f64().unwrap()),
    );
    close(
        &format!("{what} se"),
        &got["pooled"]["se"],
        p["se"].as_f64().unwrap(),
    );
    close(
        &format!("{what} z"),
        &got["pooled"]["z"],
        p["z"].as_f64().unwrap(),
    );
    let h = &want["heterogeneity"];
    close(
        &format!("{what} q"),
        &got["heterogeneity"]["q"],
        h["q"].as_f64().unwrap(),
    );
    assert_eq!(got["heterogeneity"]["df"], h["df"], "{what} df");
    if let Some(tau2) = h["tau2"].as_f64() {
        close(&format!("{what} tau2"), &got["heterogeneity"]["tau2"], tau2);
    }
    let weights = want["weight"].as_array().unwrap();
    let rows = got["study_results"].as_array().unwrap();
    assert_eq!(rows.len(), weights.len(), "{what} rows");
    let ys = want["y"].as_array().unwrap();
    for (i, (row, y)) in rows.iter().zip(ys).enumerate() {
        match y.as_f64() {
            Some(y) => close(
                &format!("{what} row {i} estimate"),
                &row["estimate"],
                natural(y),
            ),
            None => assert_eq!(row["estimable"], false, "{what} row {i}"),
        }
    }
}

#[test]
fn diuretics_results_agree_with_metafor() {
    let reference: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/reference/metafor.json")).unwrap(),
    )
    .unwrap();
    let case = |name: &str, list: &str| {
        reference[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("no case {name}"))["expected"]
            .clone()
    };
    let scratch = Scratch::new("example-ref");
    example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let results: Value =
        serde_json::from_str(&read(&scratch, "diuretics-pregnancy/results.json")).unwrap();
    let outcomes = results["comparisons"][0]["outcomes"].as_array().unwrap();

    let pre = case("example_pre_eclampsia", "subgroup_cases");
    compare("1.1 overall", &outcomes[0], &pre["overall"], true);
    for k in 0..2 {
        // Row weights are shares of the overall result, so only estimates are compared per row.
        compare(
            &format!("1.1.{}", k + 1),
            &outcomes[0]["subgroups"][k],
            &pre["subgroups"][k],
            true,
        );
    }
    let d = &pre["differences"];
    close(
        "1.1 subgroup differences q",
        &outcomes[0]["subgroup_differences"]["q"],
        d["q"].as_f64().unwrap(),
    );
    let prediction = pre["overall"]["prediction"].as_array().unwrap();
    close(
        "1.1 prediction low",
        &outcomes[0]["prediction"]["low"],
        prediction[0].as_f64().unwrap().exp(),
    );

    compare(
        "1.2",
        &outcomes[1],
        &case("example_perinatal_death", "cases"),
        true,
    );
    compare(
        "1.3",
        &outcomes[2],
        &case("example_stillbirth", "cases"),
        true,
    );
    compare(
        "1.4",
        &outcomes[3],
        &case("example_neonatal_death", "cases"),
        true,
    );
    for o in outcomes {
        for field in ["pooled", "heterogeneity"] {
            assert!(!o[field].is_null(), "{} {field} is null", o["number"]);
        }
    }
    assert!(!results.to_string().contains("NaN"));
}
