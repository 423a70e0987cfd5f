//! The GRADE assistant's rules (src/stats/grade/), each at and around its thresholds, with the
//! default thresholds and with changed ones; the reasons are tested by changing the numbers
//! and seeing the sentence change.

use revmark::model::{CertaintyLevel, Judgement, RobTool};
use revmark::stats::grade::*;
use revmark::stats::{
    Fit, Heterogeneity, Measure, Pooled, RegressionTest, SmallStudyEffects, SmallStudyTest,
};

/// A hair: moves a value just across a threshold.
const HAIR: f64 = 1e-9;

fn defaults() -> GradeThresholds {
    GradeThresholds::default()
}

/// A pooled result with this 95% CI on the analysis scale.
fn pooled(ci_low: f64, ci_high: f64) -> Pooled {
    let y = f64::midpoint(ci_low, ci_high);
    let se = (ci_high - ci_low) / (2.0 * 1.959_963_984_540_054);
    Pooled {
        y,
        se,
        ci_low,
        ci_high,
        z: y / se,
        p: 0.5,
    }
}

/// A fit of `k` studies with this heterogeneity, CI and prediction interval (the rows do not
/// matter to the rules).
fn fit(
    k: usize,
    i2: f64,
    p: f64,
    tau2: Option<f64>,
    ci: (f64, f64),
    prediction: Option<(f64, f64)>,
) -> Fit {
    Fit {
        rows: Vec::new(),
        estimable: k,
        pooled: Some(pooled(ci.0, ci.1)),
        heterogeneity: Some(Heterogeneity {
            q: 10.0,
            df: k.saturating_sub(1),
            p: Some(p),
            i2: Some(i2),
            tau2,
        }),
        prediction,
        not_converged: None,
    }
}

fn differences(p: f64) -> Heterogeneity {
    Heterogeneity {
        q: 3.0,
        df: 1,
        p: Some(p),
        i2: Some(60.0),
        tau2: None,
    }
}

fn important(m: f64) -> Option<ImportantEffect> {
    ImportantEffect::new(m)
}

// ------------------------------------------------------------------ risk of bias

fn studies(high: f64, unclear: f64, low: f64) -> Vec<StudyRisk> {
    vec![
        StudyRisk {
            judgement: Judgement::High,
            weight: high,
        },
        StudyRisk {
            judgement: Judgement::Unclear,
            weight: unclear,
        },
        StudyRisk {
            judgement: Judgement::Low,
            weight: low,
        },
    ]
}

fn rob(high: f64, unclear: f64, low: f64) -> u8 {
    risk_of_bias(RobTool::Rob1, &studies(high, unclear, low), &defaults()).downgrade
}

#[test]
fn risk_of_bias_shares_are_shares_of_the_weight() {
    let shares = RiskOfBiasShares::of(&studies(30.0, 20.0, 50.0)).unwrap();
    assert_eq!((shares.high, shares.unclear, shares.low), (0.3, 0.2, 0.5));
    // Not assessed counts with unclear; the scale of the weights does not matter.
    let mut list = studies(3.0, 2.0, 4.0);
    list.push(StudyRisk {
        judgement: Judgement::NotAssessed,
        weight: 1.0,
    });
    let shares = RiskOfBiasShares::of(&list).unwrap();
    assert_eq!((shares.high, shares.unclear, shares.low), (0.3, 0.3, 0.4));
    assert_eq!(RiskOfBiasShares::of(&studies(0.0, 0.0, 0.0)), None);
    assert_eq!(RiskOfBiasShares::of(&[]), None);
}

#[test]
fn risk_of_bias_high_share_thresholds() {
    let t = defaults();
    // Very serious from half the weight at high risk.
    assert_eq!(
        rob(t.rob_high_very_serious, 0.0, 1.0 - t.rob_high_very_serious),
        2
    );
    assert_eq!(
        rob(
            t.rob_high_very_serious - HAIR,
            0.0,
            1.0 - t.rob_high_very_serious + HAIR
        ),
        1
    );
    // Serious from a quarter.
    assert_eq!(rob(t.rob_high_serious, 0.0, 1.0 - t.rob_high_serious), 1);
    assert_eq!(
        rob(
            t.rob_high_serious - HAIR,
            0.0,
            1.0 - t.rob_high_serious + HAIR
        ),
        0
    );
}

#[test]
fn risk_of_bias_not_low_share_threshold() {
    let t = defaults();
    let high = 0.1;
    let unclear = t.rob_not_low_serious - high;
    assert_eq!(rob(high, unclear, 1.0 - high - unclear), 1);
    assert_eq!(rob(high, unclear - HAIR, 1.0 - high - unclear + HAIR), 0);
    // Unclear alone, no high-risk study.
    assert_eq!(
        rob(0.0, t.rob_not_low_serious, 1.0 - t.rob_not_low_serious),
        1
    );
    assert_eq!(rob(0.0, 1.0, 0.0), 1);
    assert_eq!(rob(0.0, 0.0, 1.0), 0);
}

#[test]
fn risk_of_bias_thresholds_can_be_changed() {
    let strict = GradeThresholds {
        rob_high_serious: 0.1,
        rob_high_very_serious: 0.3,
        rob_not_low_serious: 0.2,
        ..defaults()
    };
    let list = studies(0.3, 0.0, 0.7);
    assert_eq!(risk_of_bias(RobTool::Rob1, &list, &defaults()).downgrade, 1);
    assert_eq!(risk_of_bias(RobTool::Rob1, &list, &strict).downgrade, 2);
    let list = studies(0.0, 0.2, 0.8);
    assert_eq!(risk_of_bias(RobTool::Rob1, &list, &defaults()).downgrade, 0);
    assert_eq!(risk_of_bias(RobTool::Rob1, &list, &strict).downgrade, 1);
}

#[test]
fn risk_of_bias_reason_follows_the_numbers_and_the_tool() {
    let reason = |tool, high, unclear| {
        risk_of_bias(
            tool,
            &studies(high, unclear, 1.0 - high - unclear),
            &defaults(),
        )
        .reason
    };
    let (thirty, forty) = (
        reason(RobTool::Rob1, 0.3, 0.0),
        reason(RobTool::Rob1, 0.4, 0.0),
    );
    assert!(
        thirty.contains("30%") && forty.contains("40%"),
        "{thirty} / {forty}"
    );
    let rob1 = reason(RobTool::Rob1, 0.1, 0.5);
    let rob2 = reason(RobTool::Rob2, 0.1, 0.5);
    assert!(
        rob1.contains("unclear") && !rob1.contains("some concerns"),
        "{rob1}"
    );
    assert!(
        rob2.contains("some concerns") && !rob2.contains("unclear"),
        "{rob2}"
    );
    for sentence in [thirty, forty, rob1, rob2, reason(RobTool::Rob1, 0.0, 0.0)] {
        assert!(
            sentence.ends_with('.') && sentence.matches(". ").count() == 0,
            "{sentence}"
        );
    }
    let empty = risk_of_bias(RobTool::Rob1, &[], &defaults());
    assert_eq!(empty.downgrade, 0);
    // With no study at high risk, the sentence names only the judgements there are.
    for (tool, high, unclear, expected) in [
        (
            RobTool::Rob1,
            0.0,
            1.0,
            "Studies at unclear risk of bias carry 100% of the weight.",
        ),
        (
            RobTool::Rob2,
            0.0,
            0.6,
            "Studies with some concerns carry 60% of the weight.",
        ),
        (
            RobTool::Rob1,
            0.1,
            0.5,
            "Studies at unclear or high risk of bias carry 60% of the weight (10% at high risk).",
        ),
        (
            RobTool::Rob1,
            0.0,
            0.2,
            "Studies at low risk of bias carry 80% of the weight (none at high risk).",
        ),
    ] {
        assert_eq!(reason(tool, high, unclear), expected);
    }
}

#[test]
fn key_judgement_reads_the_key_domains_only() {
    let judge = |tool: RobTool, marks: &[(&str, Judgement)]| {
        key_judgement(tool, |domain| {
            marks
                .iter()
                .find(|(key, _)| *key == domain.key)
                .map_or(Judgement::Low, |(_, j)| *j)
        })
    };
    use Judgement::*;
    assert_eq!(judge(RobTool::Rob1, &[]), Low);
    for key in [
        "sequence_generation",
        "allocation_concealment",
        "blinding_participants",
        "blinding_outcome",
        "incomplete_data",
    ] {
        assert_eq!(judge(RobTool::Rob1, &[(key, High)]), High, "{key}");
        assert_eq!(judge(RobTool::Rob1, &[(key, Unclear)]), Unclear, "{key}");
    }
    // Selective reporting and other bias do not decide.
    assert_eq!(
        judge(
            RobTool::Rob1,
            &[("selective_reporting", High), ("other_bias", High)]
        ),
        Low
    );
    // The worst key domain decides.
    assert_eq!(
        judge(
            RobTool::Rob1,
            &[("sequence_generation", Unclear), ("incomplete_data", High)]
        ),
        High
    );
    // RoB 2: the overall judgement alone.
    assert_eq!(judge(RobTool::Rob2, &[("randomisation", High)]), Low);
    assert_eq!(judge(RobTool::Rob2, &[("overall", Unclear)]), Unclear);
    assert_eq!(
        judge(RobTool::Rob2, &[("overall", NotAssessed)]),
        NotAssessed
    );
    assert_eq!(judge(RobTool::Rob2, &[("overall", High)]), High);
}

// ------------------------------------------------------------------ inconsistency

fn inconsistent(i2: f64, p: f64) -> u8 {
    let f = fit(8, i2, p, Some(0.1), (0.1, 0.5), None);
    inconsistency(&f, None, important(0.2), &defaults()).downgrade
}

#[test]
fn inconsistency_i2_thresholds() {
    let t = defaults();
    assert_eq!(inconsistent(t.i2_serious, 0.5), 1);
    assert_eq!(inconsistent(t.i2_serious - HAIR, 0.5), 0);
    assert_eq!(inconsistent(t.i2_very_serious, t.heterogeneity_p - HAIR), 2);
    // Very serious needs the test too: at p = 0.10 it is not below 0.10.
    assert_eq!(inconsistent(t.i2_very_serious, t.heterogeneity_p), 1);
    assert_eq!(inconsistent(t.i2_very_serious - HAIR, 0.0001), 1);
    assert_eq!(inconsistent(0.0, 0.9), 0);
}

#[test]
fn inconsistency_needs_two_studies() {
    let single = fit(1, 0.0, 1.0, None, (0.1, 0.5), None);
    assert_eq!(inconsistency(&single, None, None, &defaults()).downgrade, 0);
    let none = Fit {
        rows: Vec::new(),
        estimable: 0,
        pooled: None,
        heterogeneity: None,
        prediction: None,
        not_converged: None,
    };
    assert_eq!(inconsistency(&none, None, None, &defaults()).downgrade, 0);
}

#[test]
fn inconsistency_same_direction_prediction_interval_lowers_by_one() {
    let t = defaults();
    let with_prediction = |prediction| {
        let f = fit(8, 80.0, 0.001, Some(0.1), (0.1, 0.5), Some(prediction));
        inconsistency(&f, None, important(0.2), &t)
    };
    let one_side = with_prediction((HAIR, 0.9));
    assert_eq!(one_side.downgrade, 1);
    assert!(one_side.reason.contains("one side"), "{}", one_side.reason);
    assert_eq!(with_prediction((-0.9, -HAIR)).downgrade, 1);
    // Touching no effect is not wholly on one side.
    assert_eq!(with_prediction((0.0, 0.9)).downgrade, 2);
    // From 1 to 0 the same way.
    let f = fit(8, 60.0, 0.001, Some(0.1), (0.1, 0.5), Some((0.05, 0.9)));
    assert_eq!(inconsistency(&f, None, important(0.2), &t).downgrade, 0);
}

#[test]
fn inconsistency_prediction_interval_across_important_effects() {
    let t = defaults();
    let m = 0.2;
    let run = |tau2: f64, prediction: (f64, f64), ci: (f64, f64), m: Option<ImportantEffect>| {
        let f = fit(8, 30.0, 0.2, Some(tau2), ci, Some(prediction));
        inconsistency(&f, None, m, &t)
    };
    let spans = run(0.05, (-m, m), (-0.05, 0.1), important(m));
    assert_eq!(spans.downgrade, 1);
    assert!(
        spans.reason.contains("prediction interval"),
        "{}",
        spans.reason
    );
    assert_eq!(
        run(0.05, (-m + HAIR, 0.5), (-0.05, 0.1), important(m)).downgrade,
        0
    );
    assert_eq!(
        run(0.05, (-0.5, m - HAIR), (-0.05, 0.1), important(m)).downgrade,
        0
    );
    // No heterogeneity: the width is the pooled SE's, not a spread of true effects.
    assert_eq!(
        run(0.0, (-0.5, 0.5), (-0.05, 0.1), important(m)).downgrade,
        0
    );
    // A CI that spans both is imprecision, not inconsistency.
    assert_eq!(run(0.05, (-0.5, 0.5), (-m, m), important(m)).downgrade, 0);
    // Without an important effect the rule has nothing to measure against.
    assert_eq!(run(0.05, (-0.5, 0.5), (-0.05, 0.1), None).downgrade, 0);
}

#[test]
fn inconsistency_subgroup_differences() {
    let t = defaults();
    let f = fit(8, 10.0, 0.4, None, (0.1, 0.5), None);
    let at = |p| inconsistency(&f, Some(&differences(p)), None, &t);
    let differ = at(t.subgroup_p - HAIR);
    assert_eq!(differ.downgrade, 1);
    assert!(
        differ.reason.contains("subgroup differences"),
        "{}",
        differ.reason
    );
    assert_eq!(at(t.subgroup_p).downgrade, 0);
    // It does not add to the I² rating.
    let high = fit(8, 90.0, 0.0001, None, (0.1, 0.5), None);
    let both = inconsistency(&high, Some(&differences(0.01)), None, &t);
    assert_eq!(both.downgrade, 2);
    assert!(
        both.reason.contains("I²") && both.reason.contains("subgroup"),
        "{}",
        both.reason
    );
}

#[test]
fn inconsistency_thresholds_can_be_changed_and_reason_follows_i2() {
    let lenient = GradeThresholds {
        i2_serious: 70.0,
        i2_very_serious: 90.0,
        heterogeneity_p: 0.05,
        ..defaults()
    };
    let f = fit(8, 80.0, 0.07, Some(0.1), (0.1, 0.5), None);
    assert_eq!(inconsistency(&f, None, None, &defaults()).downgrade, 2);
    assert_eq!(inconsistency(&f, None, None, &lenient).downgrade, 1);
    let other = fit(8, 62.0, 0.07, Some(0.1), (0.1, 0.5), None);
    let (a, b) = (
        inconsistency(&f, None, None, &defaults()).reason,
        inconsistency(&other, None, None, &defaults()).reason,
    );
    assert!(a.contains("80%") && b.contains("62%"), "{a} / {b}");
}

// ------------------------------------------------------------------ imprecision

fn imprecise(
    ci: (f64, f64),
    m: Option<f64>,
    participants: u64,
    target: Option<&PowerTarget>,
) -> DomainSuggestion {
    imprecision(
        &pooled(ci.0, ci.1),
        m.and_then(ImportantEffect::new),
        participants,
        target,
        &defaults(),
    )
}

#[test]
fn imprecision_confidence_interval_against_important_effects() {
    let m = 1.25f64.ln();
    let both = imprecise((-m, m), Some(m), 1_000_000, None);
    assert_eq!(both.downgrade, 2);
    assert_eq!(
        imprecise((-m + HAIR, m), Some(m), 1_000_000, None).downgrade,
        1
    );
    assert_eq!(
        imprecise((-m, m - HAIR), Some(m), 1_000_000, None).downgrade,
        1
    );
    let reduction = imprecise((-m, 0.0), Some(m), 1_000_000, None);
    assert_eq!(reduction.downgrade, 1);
    assert!(
        reduction.reason.contains("reduction"),
        "{}",
        reduction.reason
    );
    let increase = imprecise((0.0, m), Some(m), 1_000_000, None);
    assert_eq!(increase.downgrade, 1);
    assert!(increase.reason.contains("increase"), "{}", increase.reason);
    // No effect just outside the interval: the interval rule gives way to the information size.
    assert_eq!(imprecise((HAIR, m), Some(m), 1_000_000, None).downgrade, 0);
    assert_eq!(
        imprecise((-m, -HAIR), Some(m), 1_000_000, None).downgrade,
        0
    );
    // Includes no effect but no important effect.
    assert_eq!(
        imprecise((-m + HAIR, m - HAIR), Some(m), 1_000_000, None).downgrade,
        0
    );
    // Without an important effect an interval that includes no effect is flagged.
    assert_eq!(imprecise((-0.01, 0.01), None, 1_000_000, None).downgrade, 1);
    assert_eq!(imprecise((0.01, 0.3), None, 1_000_000, None).downgrade, 0);
}

#[test]
fn imprecision_optimal_information_size() {
    let target = PowerTarget::Proportions {
        comparator: 0.2,
        intervention: 0.15,
    };
    let t = defaults();
    let size =
        optimal_information_size(&target, t.information_size_alpha, t.information_size_power)
            .unwrap();
    let m = 1.25f64.ln();
    let at = |n| imprecise((0.05, 0.3), Some(m), n, Some(&target));
    assert_eq!(at(size.total).downgrade, 0);
    let short = at(size.total - 1);
    assert_eq!(short.downgrade, 1);
    assert!(
        short.reason.contains(&size.total.to_string()),
        "{}",
        short.reason
    );
    assert!(
        short.reason.contains(&(size.total - 1).to_string()),
        "{}",
        short.reason
    );
    // A wide interval is not rated down twice for a small size.
    assert_eq!(
        imprecise((-0.5, 0.5), Some(m), 10, Some(&target)).downgrade,
        2
    );
    assert_eq!(
        imprecise((-0.5, 0.1), Some(m), 10, Some(&target)).downgrade,
        1
    );
    // Without a target the size is not judged.
    let none = imprecise((0.05, 0.3), Some(m), 10, None);
    assert_eq!(none.downgrade, 0);
    assert!(
        none.reason.contains("could not be computed"),
        "{}",
        none.reason
    );
}

#[test]
fn imprecision_alpha_and_power_can_be_changed() {
    let target = PowerTarget::Means {
        difference: 0.2,
        sd: 1.0,
    };
    let strict = GradeThresholds {
        information_size_alpha: 0.01,
        information_size_power: 0.9,
        ..defaults()
    };
    let usual = optimal_information_size(&target, 0.05, 0.8).unwrap();
    let stricter = optimal_information_size(&target, 0.01, 0.9).unwrap();
    assert!(stricter.total > usual.total);
    let run = |t: &GradeThresholds| {
        imprecision(
            &pooled(0.05, 0.3),
            important(0.2),
            usual.total,
            Some(&target),
            t,
        )
        .downgrade
    };
    assert_eq!(run(&defaults()), 0);
    assert_eq!(run(&strict), 1);
}

#[test]
fn power_targets_follow_the_measure() {
    let m = ImportantEffect::from_natural(Measure::RiskRatio, 1.25).unwrap();
    let mirrored = ImportantEffect::from_natural(Measure::RiskRatio, 0.8).unwrap();
    assert!(
        (mirrored.magnitude() - m.magnitude()).abs() < 1e-15,
        "1.25 and 0.8 are the same band"
    );
    assert_eq!(ImportantEffect::from_natural(Measure::RiskRatio, 1.0), None);
    assert_eq!(
        ImportantEffect::from_natural(Measure::OddsRatio, -2.0),
        None
    );
    assert_eq!(
        ImportantEffect::from_natural(Measure::MeanDifference, 0.0),
        None
    );
    assert_eq!(
        ImportantEffect::from_natural(Measure::MeanDifference, -3.0),
        ImportantEffect::new(3.0)
    );
    let risk = |measure, value: f64, pc| {
        let important = ImportantEffect::from_natural(measure, value).unwrap();
        match PowerTarget::for_outcome(measure, important, Some(pc), None) {
            Some(PowerTarget::Proportions { intervention, .. }) => Some(intervention),
            _ => None,
        }
    };
    let rr = risk(Measure::RiskRatio, 1.25, 0.2).unwrap();
    assert!((rr - 0.2 / 1.25).abs() < 1e-15, "{rr}");
    // A risk difference larger than the comparator risk is sized upwards.
    let rd = risk(Measure::RiskDifference, 0.1, 0.05).unwrap();
    assert!((rd - 0.15).abs() < 1e-15, "{rd}");
    assert_eq!(risk(Measure::RiskRatio, 1.25, 0.0), None);
    assert_eq!(risk(Measure::RiskRatio, 1.25, 1.0), None);
    let important = ImportantEffect::new(0.5).unwrap();
    assert_eq!(
        PowerTarget::for_outcome(Measure::GenericRatio, important, Some(0.2), Some(1.0)),
        None
    );
    assert_eq!(
        PowerTarget::for_outcome(Measure::RiskRatio, important, None, None),
        None
    );
    assert_eq!(
        PowerTarget::for_outcome(Measure::MeanDifference, important, None, None),
        None
    );
    assert_eq!(
        PowerTarget::for_outcome(Measure::StdMeanDifference, important, None, None),
        Some(PowerTarget::Means {
            difference: 0.5,
            sd: 1.0
        })
    );
    let target = PowerTarget::Means {
        difference: 0.5,
        sd: 1.0,
    };
    assert_eq!(optimal_information_size(&target, 0.0, 0.8), None);
    assert_eq!(optimal_information_size(&target, 0.05, 1.0), None);
}

// ------------------------------------------------------------------ publication bias

fn test_result(test: SmallStudyTest, p: f64) -> RegressionTest {
    RegressionTest {
        test,
        estimate: 1.0,
        se: 1.0,
        t: 1.0,
        df: 10,
        p,
        intercept: 0.0,
    }
}

fn tested(tests: Vec<RegressionTest>) -> SmallStudyEffects {
    SmallStudyEffects::Tested { studies: 12, tests }
}

#[test]
fn publication_bias_threshold_and_deciding_test() {
    let t = defaults();
    let egger = |p| publication_bias(&tested(vec![test_result(SmallStudyTest::Egger, p)]), &t);
    let flagged = egger(t.small_study_p - HAIR);
    assert_eq!(flagged.downgrade, 1);
    assert!(flagged.reason.contains("Egger"), "{}", flagged.reason);
    assert_eq!(egger(t.small_study_p).downgrade, 0);
    // Peters' test decides for dichotomous data, either way.
    let both = |egger_p, peters_p| {
        publication_bias(
            &tested(vec![
                test_result(SmallStudyTest::Egger, egger_p),
                test_result(SmallStudyTest::Peters, peters_p),
            ]),
            &t,
        )
    };
    let peters_clear = both(0.001, 0.5);
    assert_eq!(peters_clear.downgrade, 0);
    assert!(
        peters_clear.reason.contains("Peters"),
        "{}",
        peters_clear.reason
    );
    assert_eq!(both(0.5, 0.001).downgrade, 1);
    // The p in the reason follows the data.
    assert_ne!(both(0.5, 0.3).reason, both(0.5, 0.6).reason);
    let lenient = GradeThresholds {
        small_study_p: 0.05,
        ..defaults()
    };
    let at_007 = tested(vec![test_result(SmallStudyTest::Egger, 0.07)]);
    assert_eq!(publication_bias(&at_007, &t).downgrade, 1);
    assert_eq!(publication_bias(&at_007, &lenient).downgrade, 0);
}

#[test]
fn publication_bias_not_assessable() {
    let t = defaults();
    let few = publication_bias(&SmallStudyEffects::TooFewStudies { studies: 9 }, &t);
    assert_eq!(few.downgrade, 0);
    assert!(
        few.reason.contains('9') && few.reason.contains("10"),
        "{}",
        few.reason
    );
    assert_ne!(
        few.reason,
        publication_bias(&SmallStudyEffects::TooFewStudies { studies: 4 }, &t).reason
    );
    assert_eq!(publication_bias(&tested(Vec::new()), &t).downgrade, 0);
}

// ------------------------------------------------------------------ the level

#[test]
fn suggested_level_counts_down_from_the_start_to_very_low() {
    use CertaintyLevel::*;
    assert_eq!(suggested_level(High, 0), High);
    assert_eq!(suggested_level(High, 1), Moderate);
    assert_eq!(suggested_level(High, 2), Low);
    assert_eq!(suggested_level(High, 3), VeryLow);
    assert_eq!(suggested_level(High, 7), VeryLow);
    assert_eq!(suggested_level(Low, 1), VeryLow);
    assert_eq!(suggested_level(Moderate, 0), Moderate);
}

#[test]
fn suggestion_sums_the_domains() {
    let domain = |downgrade| DomainSuggestion {
        downgrade,
        reason: format!("{downgrade} levels."),
    };
    let suggestion = GradeSuggestion::new(
        CertaintyLevel::High,
        domain(1),
        domain(0),
        domain(2),
        domain(0),
    );
    assert_eq!(suggestion.level, CertaintyLevel::VeryLow);
    assert_eq!(
        suggestion.flagged(),
        vec![GradeDomain::RiskOfBias, GradeDomain::Imprecision]
    );
    let suggestion = GradeSuggestion::new(
        CertaintyLevel::High,
        domain(0),
        domain(1),
        domain(0),
        domain(0),
    );
    assert_eq!(suggestion.level, CertaintyLevel::Moderate);
    assert_eq!(suggestion.flagged(), vec![GradeDomain::Inconsistency]);
    let keys: Vec<&str> = suggestion.domains().iter().map(|(d, _)| d.key()).collect();
    assert_eq!(
        keys,
        [
            "risk_of_bias",
            "inconsistency",
            "imprecision",
            "publication_bias"
        ]
    );
    assert_eq!(GradeDomain::PublicationBias.words(), "publication bias");
}
