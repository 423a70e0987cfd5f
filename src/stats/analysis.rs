//! The statistics stage for a whole review: every analysed outcome of every comparison, fitted
//! with the engine, numbered as Review Manager numbers analyses (1.1, 1.1.1). Plots and
//! reports read these results and never recompute.

use super::{
    Fit, Heterogeneity, Measure, Method, Model, Row, Settings, Tau2Estimator, fit, fit_subgroups,
};
use crate::model::{AnalysisOutcome, Comparison, MethodKey, ModelKey, Review, ScaleKey, Tau2Key};

/// The results of one comparison.
#[derive(Debug, Clone)]
pub struct ComparisonResult<'a> {
    /// The comparison as loaded.
    pub comparison: &'a Comparison,
    /// 1-based number.
    pub number: usize,
    /// Its outcomes, in order.
    pub outcomes: Vec<OutcomeResult<'a>>,
}

/// The results of one analysed outcome.
#[derive(Debug, Clone)]
pub struct OutcomeResult<'a> {
    /// The outcome as loaded.
    pub outcome: &'a AnalysisOutcome,
    /// "1.2": comparison number and outcome number.
    pub number: String,
    /// The settings the engine used.
    pub settings: Settings,
    /// All rows of all groups pooled together; its row weights sum to 100.
    pub overall: Fit,
    /// One fit per subgroup (empty without subgroups), each with its own tau².
    pub subgroups: Vec<GroupResult>,
    /// The test for subgroup differences.
    pub differences: Option<Heterogeneity>,
    /// Distinct studies with an estimable row.
    pub studies: usize,
    /// Participants over every row.
    pub participants: u64,
}

/// One subgroup's own analysis.
#[derive(Debug, Clone)]
pub struct GroupResult {
    /// "1.2.1".
    pub number: String,
    /// The subgroup's own fit (its row weights are relative to the subgroup).
    pub fit: Fit,
    /// Distinct studies with an estimable row.
    pub studies: usize,
    /// Participants over the subgroup's rows.
    pub participants: u64,
}

impl OutcomeResult<'_> {
    /// The measure on the engine's terms.
    pub fn measure(&self) -> Measure {
        self.settings.measure
    }
}

/// Fits every analysed outcome of the review.
pub fn analyse(review: &Review) -> Vec<ComparisonResult<'_>> {
    review
        .comparisons
        .iter()
        .enumerate()
        .map(|(i, comparison)| ComparisonResult {
            comparison,
            number: i + 1,
            outcomes: comparison
                .outcomes
                .iter()
                .enumerate()
                .map(|(j, outcome)| analyse_outcome(outcome, format!("{}.{}", i + 1, j + 1)))
                .collect(),
        })
        .collect()
}

/// The engine's settings for an outcome.
pub fn settings(outcome: &AnalysisOutcome) -> Settings {
    use crate::model::Measure as Given;
    let measure = match &outcome.measure {
        Given::RiskRatio => Measure::RiskRatio,
        Given::OddsRatio => Measure::OddsRatio,
        Given::RiskDifference => Measure::RiskDifference,
        Given::MeanDifference => Measure::MeanDifference,
        Given::StdMeanDifference => Measure::StdMeanDifference,
        Given::Generic { scale, .. } if *scale == ScaleKey::Ratio => Measure::GenericRatio,
        Given::Generic { .. } => Measure::GenericDifference,
    };
    Settings {
        measure,
        method: match outcome.method {
            MethodKey::MH => Method::MantelHaenszel,
            MethodKey::IV => Method::InverseVariance,
            MethodKey::Peto => Method::Peto,
        },
        model: match outcome.model {
            ModelKey::Fixed => Model::Fixed,
            ModelKey::Random => Model::Random,
        },
        tau2: match outcome.tau2 {
            Tau2Key::DL => Tau2Estimator::DerSimonianLaird,
            Tau2Key::REML => Tau2Estimator::Reml,
            Tau2Key::PM => Tau2Estimator::PauleMandel,
        },
        hksj: outcome.hksj,
    }
}

/// Distinct studies with an estimable row, and participants over every row.
fn counts<'r>(rows: impl Iterator<Item = (&'r crate::model::DataRow, bool)>) -> (usize, u64) {
    // A set, not a list: a review may have very many studies.
    let mut estimable: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    let mut participants = 0;
    for (row, is_estimable) in rows {
        participants += row.participants;
        if is_estimable {
            estimable.insert(&row.study);
        }
    }
    (estimable.len(), participants)
}

fn analyse_outcome(outcome: &AnalysisOutcome, number: String) -> OutcomeResult<'_> {
    let settings = settings(outcome);
    let rows_of =
        |g: &crate::model::DataGroup| g.rows.iter().map(|r| r.values).collect::<Vec<Row>>();
    let all_rows = outcome.groups.iter().flat_map(|g| &g.rows);
    if !outcome.has_subgroups {
        let rows: Vec<Row> = outcome.groups.iter().flat_map(&rows_of).collect();
        let overall = fit(&settings, &rows);
        let (studies, participants) =
            counts(all_rows.zip(overall.rows.iter().map(|r| r.effect.is_some())));
        return OutcomeResult {
            outcome,
            number,
            settings,
            overall,
            subgroups: Vec::new(),
            differences: None,
            studies,
            participants,
        };
    }
    let group_rows: Vec<Vec<Row>> = outcome.groups.iter().map(rows_of).collect();
    let slices: Vec<&[Row]> = group_rows.iter().map(Vec::as_slice).collect();
    let result = fit_subgroups(&settings, &slices);
    let (studies, participants) =
        counts(all_rows.zip(result.overall.rows.iter().map(|r| r.effect.is_some())));
    let subgroups = outcome
        .groups
        .iter()
        .zip(result.subgroups)
        .enumerate()
        .map(|(k, (group, fit))| {
            let (studies, participants) = counts(
                group
                    .rows
                    .iter()
                    .zip(fit.rows.iter().map(|r| r.effect.is_some())),
            );
            GroupResult {
                number: format!("{number}.{}", k + 1),
                fit,
                studies,
                participants,
            }
        })
        .collect();
    OutcomeResult {
        outcome,
        number,
        settings,
        overall: result.overall,
        subgroups,
        differences: result.differences,
        studies,
        participants,
    }
}
