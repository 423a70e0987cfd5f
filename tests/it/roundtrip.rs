//! The round trip of real Review Manager files (examples/revman_roundtrip.rs): the excerpts
//! of tests/reference/revman are imported and built, and every number Review Manager stored
//! is compared with revmark's.

use crate::common::*;
use crate::revman::{EXCERPTS, fixture};
use crate::revman_roundtrip::{self as roundtrip, Reason};
use revmark::import::document::Document;

fn round_trip(name: &str) -> (Document, Vec<roundtrip::Check>) {
    let scratch = Scratch::new("revman-roundtrip");
    roundtrip::round_trip(&fixture(name), &scratch.0).unwrap_or_else(|e| panic!("{name}: {e}"))
}

// Every analysis matches Review Manager's stored numbers to 1e-6, or differs for a reason
// the check names: totals Review Manager does not pool, its study count (non-estimable studies
// included), its approximate χ² p-values. No difference is unexplained.
#[test]
fn every_analysis_matches_review_manager_or_differs_for_a_known_reason() {
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
            assert!(
                c.compared > 0 || c.reasons.contains(&Reason::NotImported),
                "{name} {}: nothing compared",
                c.number
            );
            assert!(
                !c.reasons.contains(&Reason::Unexplained)
                    && !c.reasons.contains(&Reason::NotImported),
                "{name} {} \"{}\": {:?}",
                c.number,
                c.name,
                c.differences
            );
        }
    }
}

// Mantel-Haenszel risk differences with zero-event studies (CD008625, analysis 14.3) and a
// generic ratio of means match exactly; TOTALS="SUB" without subgroups differs only for the
// totals; the study count of an analysis with a non-estimable study is Review Manager's.
#[test]
fn cholera_review_numbers_match_including_risk_differences_with_zero_cells() {
    let (doc, checks) = round_trip("CD008625-excerpt.rm5");
    let rd: Vec<_> = checks
        .iter()
        .zip(doc.comparisons.iter().flat_map(|c| &c.outcomes))
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
    let ratio_of_means = doc
        .comparisons
        .iter()
        .flat_map(|c| &c.outcomes)
        .position(|o| o.effect_measure.eq_ignore_ascii_case("Ratio of Means"))
        .unwrap();
    let c = &checks[ratio_of_means];
    assert!(
        c.differences
            .iter()
            .all(|d| d.kind == roundtrip::Kind::ChiSquaredP),
        "{:?}",
        c.differences
    );
    let totals: Vec<_> = checks
        .iter()
        .filter(|c| c.reasons.contains(&Reason::Totals))
        .collect();
    assert_eq!(totals.len(), 1, "analysis 7.4 (TOTALS SUB)");
}

// The check finds a real difference: a stored weight changed by 1e-5 (relative) in the
// imported document is unexplained.
#[test]
fn the_round_trip_finds_a_changed_number() {
    let scratch = Scratch::new("revman-roundtrip-changed");
    let (mut doc, checks) = roundtrip::round_trip(&fixture("Fleiss1993.rm5"), &scratch.0).unwrap();
    assert!(checks.iter().all(|c| c.matches()));
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
