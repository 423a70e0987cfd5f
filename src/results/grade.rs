//! The GRADE assistant and the small-study tests in the results: for every pooled outcome, the
//! tests for small-study effects (10 or more estimable studies) and a suggested downgrade per
//! GRADE domain with its reason, from the engine's rules in `stats::grade` (docs/grade.md).
//! results.json writes them as `small_study_effects` and `grade_suggestion`.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{BuildOnly, OutcomeResults};
use crate::model::{AnalysisOutcome, CertaintyLevel, Review};
use crate::stats::grade::{
    self, DomainSuggestion, GradeDomain, GradeSuggestion, GradeThresholds, ImportantEffect,
    PowerTarget, RiskOfBiasShares, StudyRisk,
};
use crate::stats::{self, OutcomeFit, Row, SmallStudyEffects, SmallStudyTest};

/// One test for small-study effects: the slope of its regression, t with `df` = k − 2.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SmallStudyResult {
    /// `egger` or `peters`.
    #[serde(with = "test_key")]
    pub test: SmallStudyTest,
    /// The slope (on the standard error for Egger, on 1/N for Peters).
    pub estimate: f64,
    /// Its standard error.
    pub se: f64,
    /// estimate / se.
    pub t: f64,
    /// Degrees of freedom: the studies in the regression minus 2.
    pub df: usize,
    /// Two-sided p from t(df).
    pub p: f64,
}

/// The GRADE assistant's suggestion for one pooled outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradeSuggestionResults {
    /// The suggested level: high (randomised trials) less every suggested downgrade.
    #[serde(with = "level_key")]
    pub level: CertaintyLevel,
    /// Each domain's suggestion.
    pub domains: GradeDomains,
    /// The numbers behind the suggestion that results.json does not hold, for the evidence
    /// profile.
    #[serde(skip)]
    pub facts: BuildOnly<GradeFacts>,
}

/// The four domains the assistant rates (indirectness is the authors' alone).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradeDomains {
    /// Risk of bias.
    pub risk_of_bias: DomainResult,
    /// Inconsistency.
    pub inconsistency: DomainResult,
    /// Imprecision.
    pub imprecision: DomainResult,
    /// Publication bias.
    pub publication_bias: DomainResult,
}

/// One domain's suggestion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainResult {
    /// Levels to rate down: 0, 1 or 2.
    pub downgrade: u8,
    /// Why, in one sentence.
    pub reason: String,
}

/// What the assistant weighed besides what its reasons say.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GradeFacts {
    /// The shares of the weight by risk of bias; `None` when no study carries weight.
    pub risk_of_bias: Option<RiskOfBiasShares>,
    /// The smallest important effect as the authors wrote it (natural scale), if any.
    pub important_effect: Option<f64>,
    /// The comparator risk the optimal information size assumes (dichotomous outcomes).
    pub comparator_risk: Option<f64>,
    /// The optimal information size (participants), when it could be computed.
    pub information_size: Option<u64>,
}

impl GradeDomains {
    /// Each domain with its suggestion, in [`GradeDomain::ALL`] order.
    pub fn all(&self) -> [(GradeDomain, &DomainResult); 4] {
        [
            (GradeDomain::RiskOfBias, &self.risk_of_bias),
            (GradeDomain::Inconsistency, &self.inconsistency),
            (GradeDomain::Imprecision, &self.imprecision),
            (GradeDomain::PublicationBias, &self.publication_bias),
        ]
    }

    /// The suggestion for one domain.
    pub fn get(&self, domain: GradeDomain) -> &DomainResult {
        match domain {
            GradeDomain::RiskOfBias => &self.risk_of_bias,
            GradeDomain::Inconsistency => &self.inconsistency,
            GradeDomain::Imprecision => &self.imprecision,
            GradeDomain::PublicationBias => &self.publication_bias,
        }
    }
}

impl OutcomeResults {
    /// The comparator (control-group) risk for absolute effects and the optimal information
    /// size: the authors' `assumed_risk`, else the pooled risk of the control arms over every
    /// dichotomous row (Cochrane Handbook chapter 14). `None` for other data, and for results
    /// read from a file, which do not hold the rows' data.
    pub fn comparator_risk(&self, assumed: Option<f64>) -> Option<f64> {
        if assumed.is_some() {
            return assumed;
        }
        let (events, total) = self
            .study_results
            .iter()
            .fold((0u64, 0u64), |(e, t), row| match row.data.get() {
                Some(Row::Dichotomous {
                    c_events, c_total, ..
                }) => (e + c_events, t + c_total),
                _ => (e, t),
            });
        (total > 0).then(|| events as f64 / total as f64)
    }
}

/// The outcome's small-study tests and GRADE suggestion, added to its `results`: both `None`
/// unless the outcome has a pooled overall result; the tests also with fewer than 10 estimable
/// studies.
pub(super) fn assessed(
    review: &Review,
    outcome: &AnalysisOutcome,
    fit: &OutcomeFit,
    thresholds: &GradeThresholds,
    results: OutcomeResults,
) -> OutcomeResults {
    // A result that overflowed (data near the largest numbers) has nothing to judge.
    let finite = |p: &stats::Pooled| [p.y, p.ci_low, p.ci_high].iter().all(|x| x.is_finite());
    let Some(pooled) = fit
        .overall
        .pooled
        .filter(|p| results.pools_overall() && finite(p))
    else {
        return results;
    };
    let rows: Vec<Row> = outcome
        .groups
        .iter()
        .flat_map(|g| &g.rows)
        .map(|r| r.values)
        .collect();
    let small_study = stats::small_study_effects(&rows, &fit.overall);

    let tool = review.studies.risk_of_bias_tool;
    let studies: Vec<StudyRisk> = outcome
        .groups
        .iter()
        .flat_map(|g| &g.rows)
        .zip(&fit.overall.rows)
        .filter(|(_, result)| result.effect.is_some())
        .map(|(row, result)| StudyRisk {
            judgement: review
                .studies
                .study(&row.study)
                .map_or(crate::model::Judgement::NotAssessed, |study| {
                    grade::key_judgement(tool, |domain| study.judgement(tool, domain))
                }),
            weight: result.weight,
        })
        .collect();

    let measure = fit.settings.measure;
    let important = outcome
        .important_effect
        .and_then(|t| ImportantEffect::from_natural(measure, t));
    let comparator_risk = results.comparator_risk(outcome.assumed_risk);
    let target = important.and_then(|m| {
        PowerTarget::for_outcome(
            measure,
            m,
            comparator_risk,
            grade::pooled_standard_deviation(&rows),
        )
    });
    let information_size = target.as_ref().and_then(|t| {
        grade::optimal_information_size(
            t,
            thresholds.information_size_alpha,
            thresholds.information_size_power,
        )
    });

    let mut risk_of_bias = grade::risk_of_bias(tool, &studies, thresholds);
    if review.studies.no_risk_of_bias_recorded() {
        risk_of_bias = grade::risk_of_bias_unrecorded(tool, risk_of_bias);
    }
    let suggestion = GradeSuggestion::new(
        CertaintyLevel::High,
        risk_of_bias,
        grade::inconsistency(
            &fit.overall,
            fit.differences.as_ref(),
            important,
            thresholds,
        ),
        grade::imprecision(
            &pooled,
            important,
            results.participants,
            target.as_ref(),
            thresholds,
        ),
        grade::publication_bias(&small_study, thresholds),
    );
    let small_study_effects = match &small_study {
        SmallStudyEffects::TooFewStudies { .. } => None,
        SmallStudyEffects::Tested { tests, .. } => Some(
            tests
                .iter()
                .map(|t| SmallStudyResult {
                    test: t.test,
                    estimate: t.estimate,
                    se: t.se,
                    t: t.t,
                    df: t.df,
                    p: t.p,
                })
                .collect(),
        ),
    };
    let domain = |d: &DomainSuggestion| DomainResult {
        downgrade: d.downgrade,
        reason: d.reason.clone(),
    };
    OutcomeResults {
        small_study_effects,
        grade_suggestion: Some(GradeSuggestionResults {
            level: suggestion.level,
            domains: GradeDomains {
                risk_of_bias: domain(&suggestion.risk_of_bias),
                inconsistency: domain(&suggestion.inconsistency),
                imprecision: domain(&suggestion.imprecision),
                publication_bias: domain(&suggestion.publication_bias),
            },
            facts: BuildOnly(Some(GradeFacts {
                risk_of_bias: RiskOfBiasShares::of(&studies),
                important_effect: outcome.important_effect,
                comparator_risk: comparator_risk
                    .filter(|_| outcome.data_type() == crate::model::DataType::Dichotomous),
                information_size: information_size.map(|s| s.total),
            })),
        }),
        ..results
    }
}

/// A small-study test by its key in results.json.
mod test_key {
    use super::*;

    pub fn serialize<S: Serializer>(value: &SmallStudyTest, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(value.key())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SmallStudyTest, D::Error> {
        let text = String::deserialize(d)?;
        [SmallStudyTest::Egger, SmallStudyTest::Peters]
            .into_iter()
            .find(|t| t.key() == text)
            .ok_or_else(|| D::Error::custom(format!("unknown small-study test `{text}`")))
    }
}

/// A certainty level by its words ("very low").
mod level_key {
    use super::*;
    use crate::results::serial::level;

    pub fn serialize<S: Serializer>(value: &CertaintyLevel, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(level::name(*value))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<CertaintyLevel, D::Error> {
        let text = String::deserialize(d)?;
        level::parse(&text).ok_or_else(|| D::Error::custom(format!("unknown certainty `{text}`")))
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::results::{Results, analyse};

    fn analysed(dir: &str) -> Results {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        match crate::load::load_review(&dir) {
            Ok(loaded) => analyse(&loaded.review),
            Err(problems) => panic!("{} does not load: {problems:?}", dir.display()),
        }
    }

    // The tests run from 10 estimable studies: Egger's always, Peters' for dichotomous data;
    // below 10 they are null, while the suggestion is there for every pooled outcome.
    #[test]
    fn small_study_tests_from_ten_studies() {
        let bcg = analysed("tests/figures/bcg");
        let (_, outcome) = bcg.outcomes().next().unwrap();
        assert!(outcome.estimable_studies >= 10);
        let tests = outcome.small_study_effects.as_ref().unwrap();
        let keys: Vec<&str> = tests.iter().map(|t| t.test.key()).collect();
        assert_eq!(keys, ["egger", "peters"]);
        for t in tests {
            assert_eq!(t.df, outcome.estimable_studies - 2);
            assert_eq!(t.t, t.estimate / t.se);
        }
        let diuretics = analysed("reviews/diuretics-pregnancy");
        for (_, outcome) in diuretics.outcomes() {
            assert!(outcome.estimable_studies < 10);
            assert_eq!(outcome.small_study_effects, None, "{}", outcome.number);
            let suggestion = outcome.grade_suggestion.as_ref().unwrap();
            assert_eq!(suggestion.domains.publication_bias.downgrade, 0);
        }
        // Continuous data: Egger's test only.
        let stroke = analysed("tests/figures/stroke");
        for (_, outcome) in stroke.outcomes() {
            if let Some(tests) = &outcome.small_study_effects {
                assert!(tests.iter().all(|t| t.test == SmallStudyTest::Egger));
            }
        }
    }

    // The suggested level is high less the domains' downgrades, at least very low, and the
    // facts behind it are kept for this build only.
    #[test]
    fn the_level_follows_the_domains() {
        for dir in ["reviews/diuretics-pregnancy", "tests/figures/bcg"] {
            let results = analysed(dir);
            for (_, outcome) in results.outcomes() {
                let s = outcome.grade_suggestion.as_ref().unwrap();
                let down: u32 = s
                    .domains
                    .all()
                    .iter()
                    .map(|(_, d)| u32::from(d.downgrade))
                    .sum();
                assert_eq!(s.level, grade::suggested_level(CertaintyLevel::High, down));
                assert!(s.facts.get().is_some());
                let back = Results::from_json(&results.to_json()).unwrap();
                let (_, read) = back.outcomes().find(|(_, o)| o.id == outcome.id).unwrap();
                assert!(
                    read.grade_suggestion
                        .as_ref()
                        .unwrap()
                        .facts
                        .get()
                        .is_none()
                );
            }
        }
    }

    // Without a pooled total there is nothing to rate: the same analysis with subtotals only
    // or no totals has neither the tests nor a suggestion.
    #[test]
    fn nothing_without_a_pooled_total() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/figures/bcg");
        let mut review = crate::load::load_review(&dir).unwrap().review;
        let pooled = analyse(&review);
        let (_, first) = pooled.outcomes().next().unwrap();
        assert!(first.small_study_effects.is_some() && first.grade_suggestion.is_some());
        for totals in [crate::model::Totals::Subtotals, crate::model::Totals::None] {
            for outcome in &mut review.comparisons[0].outcomes {
                outcome.totals = totals;
            }
            for (_, outcome) in analyse(&review).outcomes() {
                assert_eq!(outcome.pooled, None);
                assert_eq!(outcome.small_study_effects, None);
                assert_eq!(outcome.grade_suggestion, None);
            }
        }
    }

    // Files written before the two keys existed read them as null; a test of another name is
    // an error.
    #[test]
    fn older_files_and_unknown_tests() {
        let results = analysed("tests/figures/bcg");
        let mut old: serde_json::Value = serde_json::from_str(&results.to_json()).unwrap();
        for c in old["comparisons"].as_array_mut().unwrap() {
            for o in c["outcomes"].as_array_mut().unwrap() {
                let o = o.as_object_mut().unwrap();
                o.remove("small_study_effects");
                o.remove("grade_suggestion");
            }
        }
        let read = Results::from_json(&serde_json::to_string(&old).unwrap()).unwrap();
        assert!(
            read.outcomes()
                .all(|(_, o)| o.small_study_effects.is_none())
        );
        assert!(read.outcomes().all(|(_, o)| o.grade_suggestion.is_none()));
        let text = results
            .to_json()
            .replacen("\"test\": \"peters\"", "\"test\": \"begg\"", 1);
        let error = Results::from_json(&text).unwrap_err();
        assert!(
            error.message.contains("unknown small-study test `begg`"),
            "{error}"
        );
    }
}
