//! results.csv: Review Manager's export columns, and the same numbers as results.json.

use crate::common::{Scratch, build, example, read, root};
use serde_json::Value;

fn parse(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

// serde_json's default float parser is not exactly round-trip, so the last bit may differ.
const SAME: f64 = 1e-12;

fn assert_same(cell: &str, expected: f64) {
    let got = num(cell);
    assert!(
        (got - expected).abs() <= SAME * expected.abs().max(1.0),
        "{got} != {expected}"
    );
}

fn num(cell: &str) -> f64 {
    cell.parse()
        .unwrap_or_else(|_| panic!("`{cell}` is not a number"))
}

// The header is exactly the one Review Manager 5 writes in its CSV analysis export.
#[test]
fn header_matches_revman_export() {
    let scratch = Scratch::new("export-header");
    example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let ours = parse(&read(&scratch, "diuretics-pregnancy/results.csv")).0;
    let revman =
        std::fs::read_to_string(root().join("tests/reference/revman/Fleiss1993_CR.csv")).unwrap();
    assert_eq!(ours, parse(&revman).0);
}

// Every study row and every outcome row carries the numbers of results.json.
#[test]
fn rows_agree_with_results_json() {
    let scratch = Scratch::new("export-rows");
    example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let (header, rows) = parse(&read(&scratch, "diuretics-pregnancy/results.csv"));
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let json: Value =
        serde_json::from_str(&read(&scratch, "diuretics-pregnancy/results.json")).unwrap();
    let mut checked_studies = 0;
    for (ci, comparison) in json["comparisons"].as_array().unwrap().iter().enumerate() {
        for (oi, outcome) in comparison["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
        {
            let numbers = [(ci + 1).to_string(), (oi + 1).to_string()];
            let mine: Vec<&Vec<String>> = rows
                .iter()
                .filter(|r| r[0] == numbers[0] && r[1] == numbers[1])
                .collect();
            let head = mine[0];
            assert_eq!(head[at("Name")], outcome["name"].as_str().unwrap());
            assert_eq!(
                head[at("Effect Measure")],
                outcome["measure"].as_str().unwrap()
            );
            let pooled = &outcome["pooled"];
            assert_same(
                &head[at("Effect Estimate")],
                pooled["estimate"].as_f64().unwrap(),
            );
            assert_same(&head[at("CI Start")], pooled["ci_low"].as_f64().unwrap());
            assert_same(&head[at("CI End")], pooled["ci_high"].as_f64().unwrap());
            assert_same(
                &head[at("Q")],
                outcome["heterogeneity"]["q"].as_f64().unwrap(),
            );
            let subgroup_rows = outcome["subgroups"].as_array().unwrap().len();
            let study_rows: Vec<&&Vec<String>> = mine[1..]
                .iter()
                .filter(|r| {
                    outcome["subgroups"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .all(|s| s["name"].as_str().unwrap() != r[at("Name")])
                })
                .collect();
            assert_eq!(mine.len() - 1 - study_rows.len(), subgroup_rows);
            let results = outcome["study_results"].as_array().unwrap();
            assert_eq!(study_rows.len(), results.len());
            for (row, result) in study_rows.iter().zip(results) {
                assert_eq!(row[at("Name")], result["study"].as_str().unwrap());
                assert_same(&row[at("Weight")], result["weight"].as_f64().unwrap());
                match result["estimate"].as_f64() {
                    Some(e) if subgroup_rows == 0 => assert_same(&row[at("Effect Estimate")], e),
                    Some(_) => {}
                    None => assert_eq!(row[at("Effect Estimate")], ""),
                }
                checked_studies += 1;
            }
        }
    }
    assert!(checked_studies > 20, "only {checked_studies} study rows");
}
