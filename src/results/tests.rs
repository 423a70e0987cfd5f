//! results.json written and read back: the same value and the same bytes, for the example
//! reviews and the figure fixtures (dichotomous with subgroups and Peto, continuous, a generic
//! ratio), and files of earlier versions.

use std::path::Path;

use super::*;
use crate::model::ScaleKey;

fn analysed(dir: &str) -> Results {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    match crate::load::load_review(&dir) {
        Ok(loaded) => analyse(&loaded.review),
        Err(problems) => panic!("{} does not load: {problems:?}", dir.display()),
    }
}

const REVIEWS: [&str; 3] = [
    "reviews/diuretics-pregnancy",
    "tests/figures/bcg",
    "tests/figures/stroke",
];

#[test]
fn written_and_read_back_are_equal() {
    for dir in REVIEWS {
        let results = analysed(dir);
        assert!(!results.comparisons.is_empty(), "{dir} has analyses");
        let text = results.to_json();
        let back = Results::from_json(&text).unwrap_or_else(|e| panic!("{dir}: {e}"));
        assert_eq!(back, results, "{dir}");
        // Every number parses to the bits it was written from, so the bytes come back too.
        assert_eq!(back.to_json(), text, "{dir}");
        // What the file does not hold is absent from what is read.
        let (_, outcome) = back.outcomes().next().unwrap();
        assert!(outcome.funnel_centre.get().is_none());
        assert!(outcome.study_results.iter().all(|r| r.data.get().is_none()));
    }
}

// Equality is not vacuous: a number that differs in its last bit makes results differ.
#[test]
fn results_that_differ_in_a_number_are_not_equal() {
    let results = analysed("reviews/diuretics-pregnancy");
    let mut changed = results.clone();
    let pooled = changed.comparisons[0].outcomes[0].pooled.as_mut().unwrap();
    pooled.ci_high = f64::from_bits(pooled.ci_high.to_bits() + 1);
    assert_ne!(changed, results);
}

// The measure is written as `type`, `measure`, `measure_name` and `scale` in that place, and read back as the
// same measure, generic labels and their scale included.
#[test]
fn the_measure_round_trips_through_four_keys() {
    let results = analysed("tests/figures/stroke");
    let text = results.to_json();
    assert!(
        text.contains(
            "\"type\": \"generic\",\n          \"measure\": \"Ratio of means\",\n          \"measure_name\": \"Ratio of means\",\n          \"scale\": \"ratio\",\n          \"method\": \"IV\""
        ),
        "{text}"
    );
    let back = Results::from_json(&text).unwrap();
    let measures: Vec<&Measure> = back.outcomes().map(|(_, o)| &o.measure).collect();
    assert_eq!(
        measures,
        [
            &Measure::MeanDifference,
            &Measure::StdMeanDifference,
            &Measure::Generic {
                label: "Ratio of means".into(),
                name: "Ratio of means".into(),
                scale: ScaleKey::Ratio
            }
        ]
    );
}

/// The outcomes of a results.json text with `keys` removed from each, as an earlier version
/// wrote them.
fn without(text: &str, keys: &[&str]) -> String {
    let mut value: serde_json::Value = serde_json::from_str(text).unwrap();
    for c in value["comparisons"].as_array_mut().unwrap() {
        for o in c["outcomes"].as_array_mut().unwrap() {
            for key in keys {
                o.as_object_mut().unwrap().remove(*key);
            }
        }
    }
    serde_json::to_string_pretty(&value).unwrap()
}

// Files written before `scale` and `certainty` existed are read; the scale comes from the
// measure, so that the line of no effect stays where it was.
#[test]
fn files_without_scale_or_certainty_are_read() {
    let results = analysed("reviews/diuretics-pregnancy");
    assert!(results.outcomes().any(|(_, o)| o.certainty.is_some()));
    let old = Results::from_json(&without(&results.to_json(), &["scale", "certainty"]))
        .unwrap_or_else(|e| panic!("{e}"));
    for ((_, read), (_, written)) in old.outcomes().zip(results.outcomes()) {
        assert_eq!(read.measure, written.measure);
        assert_eq!(read.measure.null_value(), 1.0);
        assert_eq!(read.certainty, None);
        assert_eq!(read.pooled, written.pooled);
    }
    // A difference measure without `scale` reads as a difference.
    let stroke = analysed("tests/figures/stroke");
    let old = Results::from_json(&without(&stroke.to_json(), &["scale"])).unwrap();
    let (_, md) = old.outcomes().next().unwrap();
    assert_eq!(md.measure.null_value(), 0.0);
}

// Files written before `estimable_studies`, `totals`, `subgroup_test` and `measure_name`
// existed are read: their `studies` counted the estimable studies, so it becomes
// `estimable_studies` and `studies` is counted from the rows; every analysis had an overall
// total and the test for subgroup differences; the name follows the label.
#[test]
fn files_without_counts_totals_or_names_are_read() {
    let results = analysed("reviews/diuretics-pregnancy");
    let mut old: serde_json::Value = serde_json::from_str(&results.to_json()).unwrap();
    for c in old["comparisons"].as_array_mut().unwrap() {
        for o in c["outcomes"].as_array_mut().unwrap() {
            // Then `studies` was the estimable count.
            o["studies"] = o["estimable_studies"].clone();
            for key in [
                "estimable_studies",
                "totals",
                "subgroup_test",
                "measure_name",
            ] {
                o.as_object_mut().unwrap().remove(key);
            }
            for s in o["subgroups"].as_array_mut().unwrap() {
                s["studies"] = s["estimable_studies"].clone();
                s.as_object_mut().unwrap().remove("estimable_studies");
            }
        }
    }
    let read = Results::from_json(&serde_json::to_string(&old).unwrap()).unwrap();
    assert_eq!(read, results);
    assert!(
        read.outcomes()
            .any(|(_, o)| o.studies != o.estimable_studies),
        "an analysis with a non-estimable study"
    );
}

// A warning of this version is read back as what it says; one of another version is kept.
#[test]
fn warnings_round_trip() {
    for warning in [
        Warning::Tau2NotConverged(Tau2Key::REML),
        Warning::Tau2NotConverged(Tau2Key::PM),
        Warning::Other("something else".into()),
    ] {
        let text = serde_json::to_string(&warning).unwrap();
        assert_eq!(serde_json::from_str::<Warning>(&text).unwrap(), warning);
    }
    assert_eq!(
        Warning::Tau2NotConverged(Tau2Key::REML).text(),
        "the Reml estimate of tau² did not converge; DerSimonian-Laird was used instead"
    );
}

// A name results.json does not know is an error with its place, not a guess.
#[test]
fn unknown_names_are_errors() {
    let text = analysed("reviews/diuretics-pregnancy").to_json().replacen(
        "\"method\": \"MH\"",
        "\"method\": \"GLMM\"",
        1,
    );
    let error = Results::from_json(&text).unwrap_err();
    assert!(error.message.contains("unknown method `GLMM`"), "{error}");
    assert!(error.line > 1, "{error}");
}

/// Every key of a JSON value, at any depth.
fn keys(value: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                out.insert(k.clone());
                keys(v, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
}

// docs/results.md names every key results.json has.
#[test]
fn docs_name_every_key() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/results.md"))
            .unwrap();
    let mut all = std::collections::BTreeSet::new();
    for dir in REVIEWS {
        let text = analysed(dir).to_json();
        keys(&serde_json::from_str(&text).unwrap(), &mut all);
    }
    assert!(all.contains("subgroup_differences") && all.contains("tau2"));
    let missing: Vec<&String> = all
        .iter()
        .filter(|k| !doc.contains(&format!("`{k}`")) && !doc.contains(&format!("\"{k}\"")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/results.md does not name {missing:?}"
    );
}
