//! The engine applied to one analysed outcome as the authors specified it: its settings, what
//! its totals ask to pool (all its rows together, each subgroup on its own, or nothing), and
//! the fixed-effect centre its funnel plot needs. `results` turns these fits into the
//! review's results.

use super::{
    Fit, Heterogeneity, Measure, Method, Model, Row, RowResult, Settings, Tau2Estimator, fit,
    fit_subgroups,
};
use crate::model::{AnalysisOutcome, DataGroup, MethodKey, ModelKey, ScaleKey, Tau2Key, Totals};

/// The fits of one analysed outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeFit {
    /// The settings the engine used.
    pub settings: Settings,
    /// Every row of every group, in order. With an overall total, all pooled together (row
    /// weights sum to 100); with subtotals only, each row as its subgroup's fit has it (weights
    /// within the subgroup) and nothing pooled; with no totals, the rows only (weight 0).
    pub overall: Fit,
    /// One fit per subgroup (empty without subgroups), each with its own tau²; with no totals,
    /// its rows only.
    pub subgroups: Vec<Fit>,
    /// The test for subgroup differences, where it is asked for and the subgroups are pooled.
    pub differences: Option<Heterogeneity>,
    /// The centre of a funnel plot's pseudo confidence limits (analysis scale): the pooled
    /// estimate under a fixed-effect model; under random effects, the inverse-variance
    /// fixed-effect estimate of the same study effects. `None` when no row is estimable, or
    /// there is no overall total (the rows may then hold a study more than once).
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

/// Fits an analysed outcome as its totals ask (docs/statistics.md, "Subgroups and totals"): with an
/// overall total, all its rows and each subgroup; with subtotals only, each subgroup; with no
/// totals (or subtotals without subgroups, as Review Manager does), nothing: the rows only.
pub fn analyse_outcome(outcome: &AnalysisOutcome) -> OutcomeFit {
    let settings = settings(outcome);
    let rows_of = |g: &DataGroup| g.rows.iter().map(|r| r.values).collect::<Vec<Row>>();
    let group_rows: Vec<Vec<Row>> = outcome.groups.iter().map(rows_of).collect();
    let all_rows: Vec<Row> = group_rows.iter().flatten().copied().collect();
    let (overall, subgroups, mut differences) = match (outcome.totals, outcome.has_subgroups) {
        (Totals::Overall, true) => {
            let slices: Vec<&[Row]> = group_rows.iter().map(Vec::as_slice).collect();
            let result = fit_subgroups(&settings, &slices);
            (result.overall, result.subgroups, result.differences)
        }
        (Totals::Overall, false) => (fit(&settings, &all_rows), Vec::new(), None),
        (Totals::Subtotals, true) => {
            let slices: Vec<&[Row]> = group_rows.iter().map(Vec::as_slice).collect();
            let result = fit_subgroups(&settings, &slices);
            // The rows as their subgroups weigh them, and no total.
            let rows = result
                .subgroups
                .iter()
                .flat_map(|s| s.rows.iter().copied())
                .collect();
            let overall = Fit {
                rows,
                ..unpooled(result.overall)
            };
            (overall, result.subgroups, result.differences)
        }
        (Totals::Subtotals | Totals::None, _) => {
            let subgroups = if outcome.has_subgroups {
                group_rows
                    .iter()
                    .map(|rows| unpooled(fit(&settings, rows)))
                    .collect()
            } else {
                Vec::new()
            };
            (unpooled(fit(&settings, &all_rows)), subgroups, None)
        }
    };
    if !outcome.tests_subgroups() {
        differences = None;
    }
    let funnel_centre = funnel_centre(&settings, &overall);
    OutcomeFit {
        settings,
        overall,
        subgroups,
        differences,
        funnel_centre,
    }
}

/// A fit's rows with their effects and nothing pooled: no estimate, heterogeneity or
/// prediction, every weight 0.
fn unpooled(fit: Fit) -> Fit {
    Fit {
        rows: fit
            .rows
            .into_iter()
            .map(|row| RowResult { weight: 0.0, ..row })
            .collect(),
        estimable: fit.estimable,
        pooled: None,
        heterogeneity: None,
        prediction: None,
        not_converged: None,
    }
}

/// See [`OutcomeFit::funnel_centre`].
fn funnel_centre(settings: &Settings, overall: &Fit) -> Option<f64> {
    overall.pooled?;
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
