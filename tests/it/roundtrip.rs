//! The round trip of real Review Manager files (examples/revman_roundtrip.rs): the excerpts
//! of tests/reference/revman are imported and built, and every number Review Manager stored
//! is compared with revmark's.

use crate::common::*;
use crate::revman::{EXCERPTS, fixture};
use crate::revman_roundtrip::{self as roundtrip, Reason};
use revmark::import::document::{Document, Totals};

fn round_trip(name: &str) -> (Document, Vec<roundtrip::Check>) {
    let scratch = Scratch::new("revman-roundtrip");
    roundtrip::round_trip(&fixture(name), &scratch.0).unwrap_or_else(|e| panic!("{name}: {e}"))
}

// Every analysis of the excerpts and of Fleiss (1993) reproduces Review Manager's stored
// numbers to 1e-6 under its own settings (totals, test for subgroup differences, study count):
// pooled results, heterogeneity, subgroups, every row's estimate and weight, the studies and
// participants. The one exception is named: the RevMan Web package states no results for its
// continuous analysis (all zeros; it was not calculated).
#[test]
fn every_analysis_matches_review_manager() {
    let mut files = EXCERPTS.to_vec();
    files.extend([
        "Fleiss1993.rm5",
        "Fleiss1993_CR.csv",
        "Fleiss1993.zip",
        "Fleiss1993-package",
    ]);
    for name in files {
        let (_, checks) = round_trip(name);
        assert!(!checks.is_empty(), "{name}: no analyses");
        for c in &checks {
            assert!(c.compared > 0, "{name} {}: nothing compared", c.number);
            let stated_nothing = c.reasons == [Reason::NoResultsStated];
            assert!(
                c.matches()
                    || (name.starts_with("Fleiss1993-package") || name.ends_with(".zip"))
                        && stated_nothing,
                "{name} {} \"{}\": {:?} {:?}",
                c.number,
                c.name,
                c.reasons,
                c.differences
            );
        }
    }
}

// Mantel-Haenszel risk differences with zero-event studies (CD008625, analysis 14.3) and a
// generic ratio of means match exactly; so does TOTALS="SUB" without subgroups (analysis 7.4,
// nothing pooled) and the study count of an analysis with a non-estimable study.
#[test]
fn cholera_review_numbers_match_including_risk_differences_with_zero_cells() {
    let (doc, checks) = round_trip("CD008625-excerpt.rm5");
    let outcomes: Vec<_> = doc.comparisons.iter().flat_map(|c| &c.outcomes).collect();
    let rd: Vec<_> = checks
        .iter()
        .zip(&outcomes)
        .filter(|(_, o)| o.effect_measure == "RD" && o.method == "MH")
        .collect();
    assert!(!rd.is_empty());
    for (c, o) in rd {
        let zero_cells = o.groups.iter().flat_map(|g| &g.rows).any(|r| {
            ["EVENTS_1", "EVENTS_2"]
                .iter()
                .any(|k| r.entered.get(*k).map(String::as_str) == Some("0"))
        });
        assert!(zero_cells, "the excerpt's RD analyses have zero cells");
        assert!(c.matches(), "{} {}: {:?}", c.number, c.name, c.differences);
    }
    let ratio_of_means = outcomes
        .iter()
        .position(|o| o.effect_measure.eq_ignore_ascii_case("Ratio of Means"))
        .unwrap();
    assert!(checks[ratio_of_means].matches());
    let subtotals: Vec<_> = checks
        .iter()
        .zip(&outcomes)
        .filter(|(_, o)| o.totals == Totals::Subtotals)
        .collect();
    assert_eq!(subtotals.len(), 1, "analysis 7.4 (TOTALS SUB)");
    assert!(subtotals.iter().all(|(c, _)| c.matches()));
}

// Review Manager's P(Chi²) is its own series for the χ² tail (terms below 1e-6 dropped): the
// round trip compares through it. The stored values of Fleiss (1993) are that series to 1e-14
// and differ from the exact tail that revmark reports, which the series is not.
#[test]
fn review_managers_chi_squared_p_is_its_series() {
    let bytes = std::fs::read(fixture("Fleiss1993.rm5")).unwrap();
    let doc = revmark::import::rm5::read(&bytes, "Fleiss1993.rm5").unwrap();
    let stored = &doc.comparisons[0].outcomes[0].stored;
    let (q, df, p) = (
        stored.get("CHI2").unwrap(),
        stored.get("DF").unwrap(),
        stored.get("P_CHI2").unwrap(),
    );
    let series = roundtrip::revman_chi_squared_p(Some(q), Some(df)).unwrap();
    assert!((series - p).abs() < 1e-14, "{series} vs {p}");
    let exact = statrs::distribution::ChiSquared::new(df).unwrap();
    let exact = statrs::distribution::ContinuousCDF::sf(&exact, q);
    assert!((exact - p).abs() > 1e-9, "the series is not the exact tail");
}

// The check finds a real difference: a stored weight changed by 1e-5 (relative) in the
// imported document is unexplained.
#[test]
fn the_round_trip_finds_a_changed_number() {
    let scratch = Scratch::new("revman-roundtrip-changed");
    let (mut doc, checks) = roundtrip::round_trip(&fixture("Fleiss1993.rm5"), &scratch.0).unwrap();
    assert!(checks.iter().all(super::revman_roundtrip::Check::matches));
    let row = &mut doc.comparisons[0].outcomes[0].groups[0].rows[0];
    let weight = row.stored.0.get_mut("WEIGHT").unwrap();
    *weight *= 1.0 + 1e-5;
    let results: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(scratch.path("out/review/results.json")).unwrap(),
    )
    .unwrap();
    let checks = roundtrip::compare(&doc, &results, 0.0);
    assert_eq!(checks[0].reasons, vec![Reason::Unexplained]);
    assert!(checks[0].differences[0].what.ends_with("weight"));
}

/// The analysis numbered `number` in results.json and in the imported document.
fn analysis<'a>(
    results: &'a serde_json::Value,
    doc: &'a Document,
    number: &str,
) -> (
    &'a serde_json::Value,
    &'a revmark::import::document::Outcome,
) {
    let ours = results["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["outcomes"].as_array().unwrap())
        .find(|o| o["number"] == number)
        .unwrap_or_else(|| panic!("no analysis {number} in results.json"));
    let theirs = doc
        .comparisons
        .iter()
        .flat_map(|c| &c.outcomes)
        .find(|o| o.name == ours["name"].as_str().unwrap())
        .unwrap();
    (ours, theirs)
}

fn close(ours: &serde_json::Value, theirs: Option<f64>) -> bool {
    let (Some(ours), Some(theirs)) = (ours.as_f64(), theirs) else {
        return false;
    };
    (ours - theirs).abs() <= 1e-6 * theirs.abs().max(1.0)
}

// Weights under subtotals are Review Manager's. Antimicrobial drugs for treating cholera
// (Leibovici-Weissman et al., CDSR 2014, Issue 6), analysis 3.2 "Clinical failure at 48/72/96
// hours" has TOTALS="SUB": its subgroups are time points with the same studies in several of
// them, so no total is pooled, each row weighs within its subgroup (the rows of each subgroup
// sum to 100) and the test for subgroup differences is given, as SUBGROUP_TEST="YES" asks;
// analysis 3.3 says SUBGROUP_TEST="NO". Analysis 15.5 (TOTALS="NO") pools nothing.
#[test]
fn weights_under_subtotals_are_review_managers() {
    let scratch = Scratch::new("revman-subtotals");
    let (doc, _) =
        roundtrip::round_trip(&fixture("CD008625-totals-excerpt.rm5"), &scratch.0).unwrap();
    let results: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(scratch.path("out/review/results.json")).unwrap(),
    )
    .unwrap();

    let (ours, theirs) = analysis(&results, &doc, "3.2");
    assert_eq!(theirs.totals, Totals::Subtotals);
    assert_eq!(ours["totals"], "subtotals");
    assert!(ours["pooled"].is_null() && ours["heterogeneity"].is_null());
    let subgroups = ours["subgroups"].as_array().unwrap();
    assert_eq!(subgroups.len(), theirs.groups.len());
    let mut compared = 0;
    for (sub, group) in subgroups.iter().zip(&theirs.groups) {
        let rows = sub["study_results"].as_array().unwrap();
        assert_eq!(rows.len(), group.rows.len());
        for (row, stored) in rows.iter().zip(&group.rows) {
            assert!(
                close(&row["weight"], stored.stored.get("WEIGHT")),
                "{} in {}: {} vs Review Manager's {:?}",
                row["study"],
                sub["number"],
                row["weight"],
                stored.stored.get("WEIGHT")
            );
            compared += 1;
        }
        let sum: f64 = rows.iter().map(|r| r["weight"].as_f64().unwrap()).sum();
        assert!((sum - 100.0).abs() < 1e-9, "{}: {sum}", sub["number"]);
        assert!(close(&sub["weight"], group.stored.get("WEIGHT")));
        assert!(close(&sub["studies"], group.stored.get("STUDIES")));
    }
    assert!(compared > 10);
    // The outcome's rows carry the same weights as its subgroups' rows.
    let all: Vec<f64> = subgroups
        .iter()
        .flat_map(|s| s["study_results"].as_array().unwrap())
        .map(|r| r["weight"].as_f64().unwrap())
        .collect();
    let outcome_rows: Vec<f64> = ours["study_results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["weight"].as_f64().unwrap())
        .collect();
    assert_eq!(all, outcome_rows);
    assert!(close(
        &ours["subgroup_differences"]["q"],
        theirs.stored.get("Q")
    ));
    assert!(close(&ours["studies"], theirs.stored.get("STUDIES")));

    let (ours, theirs) = analysis(&results, &doc, "3.3");
    assert!(theirs.no_subgroup_test);
    assert!(ours["pooled"].is_null() && ours["subgroup_differences"].is_null());
    assert!(
        ours["subgroups"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| !s["pooled"].is_null())
    );

    let (ours, theirs) = analysis(&results, &doc, "15.5");
    assert_eq!(theirs.totals, Totals::None);
    assert_eq!(ours["totals"], "none");
    for sub in ours["subgroups"].as_array().unwrap() {
        assert!(sub["pooled"].is_null() && sub["weight"] == 0.0);
        for row in sub["study_results"].as_array().unwrap() {
            assert_eq!(row["weight"], 0.0);
            assert_eq!(row["estimable"], true);
        }
    }
}

// Review Manager's numbers are kept with their gaps: comparisons 3 and 15 of the cholera
// review, analyses 3.2, 3.3 and 15.5, name the figure files, the links of the Data and
// analyses table and the data files, as in Review Manager.
#[test]
fn imported_numbers_keep_their_gaps() {
    let scratch = Scratch::new("revman-numbers");
    let (_, checks) =
        roundtrip::round_trip(&fixture("CD008625-totals-excerpt.rm5"), &scratch.0).unwrap();
    let numbers: Vec<&str> = checks.iter().map(|c| c.number.as_str()).collect();
    assert_eq!(numbers, ["3.2", "3.3", "15.5"]);
    let results: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(scratch.path("out/review/results.json")).unwrap(),
    )
    .unwrap();
    let ours: Vec<&str> = results["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["outcomes"].as_array().unwrap())
        .map(|o| o["number"].as_str().unwrap())
        .collect();
    assert_eq!(ours, numbers);
    let review = std::fs::read_to_string(scratch.path("out/review/review.md")).unwrap();
    for c in &checks {
        assert!(
            scratch
                .path(&format!("out/review/figures/forest-{}.svg", c.number))
                .exists(),
            "forest-{}.svg",
            c.number
        );
        assert!(
            review.contains(&format!("[{} {}](#", c.number, c.name)),
            "{review}"
        );
        assert!(review.contains(&format!("##### {} {}", c.number, c.name)));
    }
    assert!(review.contains("### Comparison 15: "), "{review}");
    let subgroup = &results["comparisons"][0]["outcomes"][0]["subgroups"][0]["number"];
    assert_eq!(subgroup, "3.2.1");
    assert!(
        scratch
            .path("reviews/review/data/analysis-3-2-1.csv")
            .exists()
    );
}
