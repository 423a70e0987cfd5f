//! Leave-one-out and the small-study tests at their edges: the study counts they need, rows
//! that are not estimable, studies with several rows, and the conclusion flag. The numbers
//! themselves are tested against R in bias_reference.rs.

use revmark::stats::*;

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

/// `k` dichotomous rows of different sizes and risks.
fn tables(k: u64) -> Vec<Row> {
    (0..k)
        .map(|i| table(5 + i % 4 * 3, 40 + 15 * i, 9 + i % 3 * 4, 42 + 13 * i))
        .collect()
}

fn generic(k: usize, se: impl Fn(usize) -> f64) -> Vec<Row> {
    (0..k)
        .map(|i| Row::Generic {
            estimate: 0.1 * (i % 5) as f64 - 0.15,
            se: se(i),
        })
        .collect()
}

fn keyed(rows: &[Row]) -> Vec<(usize, Row)> {
    rows.iter().copied().enumerate().collect()
}

fn pooled(ci_low: f64, ci_high: f64) -> Pooled {
    Pooled {
        y: f64::midpoint(ci_low, ci_high),
        se: 0.1,
        ci_low,
        ci_high,
        z: 1.0,
        p: 0.3,
    }
}

#[test]
fn leave_one_out_needs_three_estimable_studies() {
    let rr = settings(Measure::RiskRatio, Method::MantelHaenszel, Model::Fixed);
    assert_eq!(leave_one_out(&rr, &keyed(&tables(2))), None);
    // A double-zero table is not estimable for RR, so it does not count.
    let mut rows = tables(2);
    rows.push(table(0, 30, 0, 30));
    assert_eq!(leave_one_out(&rr, &keyed(&rows)), None);
    let three = leave_one_out(&rr, &keyed(&tables(3))).expect("three studies");
    assert_eq!(three.iter().map(|l| l.row).collect::<Vec<_>>(), [0, 1, 2]);
    assert!(three.iter().all(|l| l.estimable == 2));
}

#[test]
fn leave_one_out_skips_rows_that_are_not_estimable_and_refits_the_rest() {
    let rr = settings(Measure::RiskRatio, Method::InverseVariance, Model::Random);
    let mut rows = tables(5);
    rows.insert(2, table(0, 30, 0, 30));
    let results = leave_one_out(&rr, &keyed(&rows)).expect("five studies");
    assert_eq!(
        results.iter().map(|l| l.row).collect::<Vec<_>>(),
        [0, 1, 3, 4, 5]
    );
    for left_out in &results {
        let mut remaining = rows.clone();
        remaining.remove(left_out.row);
        let refit = fit(&rr, &remaining);
        assert_eq!(Some(left_out.pooled), refit.pooled);
        assert_eq!(Some(left_out.heterogeneity), refit.heterogeneity);
        assert!(left_out.heterogeneity.tau2.is_some());
    }
}

#[test]
fn leave_one_out_leaves_a_study_out_whole() {
    let or = settings(Measure::OddsRatio, Method::MantelHaenszel, Model::Fixed);
    let rows = tables(6);
    // Study "b" has two rows (say, in two subgroups): rows 1 and 4.
    let studies = ["a", "b", "c", "d", "b", "e"];
    let keyed: Vec<(&str, Row)> = studies.iter().copied().zip(rows.iter().copied()).collect();
    let results = leave_one_out(&or, &keyed).expect("five studies");
    assert_eq!(
        results.iter().map(|l| l.row).collect::<Vec<_>>(),
        [0, 1, 2, 3, 5]
    );
    let without_b: Vec<Row> = [0, 2, 3, 5].iter().map(|&i| rows[i]).collect();
    let b = results.iter().find(|l| l.row == 1).unwrap();
    assert_eq!(b.estimable, 4);
    assert_eq!(Some(b.pooled), fit(&or, &without_b).pooled);
}

#[test]
fn conclusion_change_is_about_the_line_of_no_effect() {
    let excludes = pooled(0.1, 0.5);
    let includes = pooled(-0.1, 0.5);
    let touches = pooled(0.0, 0.5);
    let below = pooled(-0.6, -0.2);
    assert_eq!(conclusion_change(&excludes, &pooled(0.05, 0.9)), None);
    assert_eq!(conclusion_change(&includes, &pooled(-0.3, 0.2)), None);
    assert_eq!(
        conclusion_change(&excludes, &includes),
        Some(ConclusionChange::CrossesNoEffect)
    );
    assert_eq!(
        conclusion_change(&excludes, &touches),
        Some(ConclusionChange::CrossesNoEffect)
    );
    assert_eq!(
        conclusion_change(&includes, &excludes),
        Some(ConclusionChange::LeavesNoEffect)
    );
    assert_eq!(
        conclusion_change(&excludes, &below),
        Some(ConclusionChange::ReversesDirection)
    );
}

#[test]
fn interval_position_counts_the_ends_as_inside() {
    assert_eq!(IntervalPosition::of(0.1, 0.5, 0.0), IntervalPosition::Above);
    assert_eq!(
        IntervalPosition::of(-0.5, -0.1, 0.0),
        IntervalPosition::Below
    );
    assert_eq!(
        IntervalPosition::of(0.0, 0.5, 0.0),
        IntervalPosition::Includes
    );
    assert_eq!(
        IntervalPosition::of(-0.5, 0.0, 0.0),
        IntervalPosition::Includes
    );
    assert!(IntervalPosition::of(-0.5, 0.5, 0.2).includes());
    assert!(!IntervalPosition::of(-0.5, 0.1, 0.2).includes());
}

#[test]
fn small_study_tests_need_ten_estimable_studies() {
    let rr = settings(Measure::RiskRatio, Method::MantelHaenszel, Model::Fixed);
    let nine = tables(9);
    assert_eq!(
        small_study_effects(&nine, &fit(&rr, &nine)),
        SmallStudyEffects::TooFewStudies { studies: 9 }
    );
    // Ten rows, one of them not estimable.
    let mut rows = tables(9);
    rows.push(table(0, 30, 0, 30));
    assert_eq!(
        small_study_effects(&rows, &fit(&rr, &rows)),
        SmallStudyEffects::TooFewStudies { studies: 9 }
    );
    let ten = tables(10);
    let effects = small_study_effects(&ten, &fit(&rr, &ten));
    assert_eq!(effects.studies(), 10);
    let tests: Vec<SmallStudyTest> = effects.tests().iter().map(|t| t.test).collect();
    assert_eq!(tests, [SmallStudyTest::Egger, SmallStudyTest::Peters]);
    assert!(effects.tests().iter().all(|t| t.df == 8));
}

#[test]
fn peters_test_is_for_dichotomous_rows_with_events_and_non_events() {
    let generic_ratio = settings(Measure::GenericRatio, Method::InverseVariance, Model::Fixed);
    let rows = generic(12, |i| 0.1 + 0.03 * i as f64);
    let effects = small_study_effects(&rows, &fit(&generic_ratio, &rows));
    let tests: Vec<SmallStudyTest> = effects.tests().iter().map(|t| t.test).collect();
    assert_eq!(tests, [SmallStudyTest::Egger]);
    // Eleven RD tables, two of them with every participant an event (S·F/N = 0): Peters' test
    // keeps nine and is not run; Egger's keeps all eleven.
    let rd = settings(
        Measure::RiskDifference,
        Method::MantelHaenszel,
        Model::Fixed,
    );
    let mut rows = tables(9);
    rows.push(table(20, 20, 25, 25));
    rows.push(table(30, 30, 28, 28));
    let effects = small_study_effects(&rows, &fit(&rd, &rows));
    assert_eq!(effects.studies(), 11);
    assert_eq!(effects.test(SmallStudyTest::Peters), None);
    assert_eq!(effects.test(SmallStudyTest::Egger).map(|t| t.df), Some(9));
}

#[test]
fn egger_test_is_not_run_when_every_study_has_the_same_se() {
    let generic_difference = settings(
        Measure::GenericDifference,
        Method::InverseVariance,
        Model::Fixed,
    );
    let rows = generic(12, |_| 0.2);
    let effects = small_study_effects(&rows, &fit(&generic_difference, &rows));
    assert_eq!(
        effects,
        SmallStudyEffects::Tested {
            studies: 12,
            tests: Vec::new()
        }
    );
}

#[test]
fn funnel_contours_widen_with_the_se_and_the_level() {
    let contours = funnel_contours();
    assert_eq!(contours.map(|c| c.p), FUNNEL_CONTOUR_P);
    for pair in contours.windows(2) {
        assert!(pair[0].z < pair[1].z, "inner contour first");
    }
    let c = contours[1];
    let (near, far) = (c.bounds(0.0, 0.1), c.bounds(0.0, 0.4));
    assert!(far.0 < near.0 && near.1 < far.1);
    assert_eq!(c.bounds(1.0, 0.0), (1.0, 1.0));
}
