//! The engine applied to one analysed outcome as the authors specified it: its settings, all
//! its rows pooled together, each subgroup on its own, and the fixed-effect centre its funnel
//! plot needs. `results` turns these fits into the review's results.

use super::{
    Fit, Heterogeneity, Measure, Method, Model, Row, Settings, Tau2Estimator, fit, fit_subgroups,
};
use crate::model::{AnalysisOutcome, DataGroup, MethodKey, ModelKey, ScaleKey, Tau2Key};

/// The fits of one analysed outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeFit {
    /// The settings the engine used.
    pub settings: Settings,
    /// All rows of all groups pooled together; its row weights sum to 100.
    pub overall: Fit,
    /// One fit per subgroup (empty without subgroups), each with its own tau².
    pub subgroups: Vec<Fit>,
    /// The test for subgroup differences.
    pub differences: Option<Heterogeneity>,
    /// The centre of a funnel plot's pseudo confidence limits (analysis scale): the pooled
    /// estimate under a fixed-effect model; under random effects, the inverse-variance
    /// fixed-effect estimate of the same study effects. `None` when no row is estimable.
    pub funnel_centre: Option<f64>,
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

/// Fits an analysed outcome: all its rows, and each subgroup when it has them.
pub fn analyse_outcome(outcome: &AnalysisOutcome) -> OutcomeFit {
    let settings = settings(outcome);
    let rows_of = |g: &DataGroup| g.rows.iter().map(|r| r.values).collect::<Vec<Row>>();
    let (overall, subgroups, differences) = if outcome.has_subgroups {
        let group_rows: Vec<Vec<Row>> = outcome.groups.iter().map(rows_of).collect();
        let slices: Vec<&[Row]> = group_rows.iter().map(Vec::as_slice).collect();
        let result = fit_subgroups(&settings, &slices);
        (result.overall, result.subgroups, result.differences)
    } else {
        let rows: Vec<Row> = outcome.groups.iter().flat_map(rows_of).collect();
        (fit(&settings, &rows), Vec::new(), None)
    };
    let funnel_centre = funnel_centre(&settings, &overall);
    OutcomeFit {
        settings,
        overall,
        subgroups,
        differences,
        funnel_centre,
    }
}

/// See [`OutcomeFit::funnel_centre`].
fn funnel_centre(settings: &Settings, overall: &Fit) -> Option<f64> {
    if settings.model == Model::Fixed {
        return overall.pooled.map(|p| p.y);
    }
    let fixed = Settings {
        method: Method::InverseVariance,
        model: Model::Fixed,
        ..*settings
    };
    let rows: Vec<Row> = overall
        .rows
        .iter()
        .filter_map(|r| r.effect)
        .map(|e| Row::Generic {
            estimate: e.y,
            se: e.se,
        })
        .collect();
    fit(&fixed, &rows).pooled.map(|p| p.y)
}
