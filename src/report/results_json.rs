//! results.json: every computed number, in the contract's shape (review-format.md §7).
//!
//! Written straight from borrowed view structs: building a `serde_json::Value` tree first cost
//! an allocation per number on large reviews. Field order below is the file's key order.

use serde::Serialize;

use crate::model::{DataRow, MethodKey, ModelKey, Tau2Key};
use crate::stats::{ComparisonResult, Fit, Heterogeneity, Measure, OutcomeResult, RowResult};

/// The whole results file, pretty-printed with a final newline.
pub fn results_json(slug: &str, results: &[ComparisonResult]) -> String {
    let file = ResultsFile {
        review: slug,
        comparisons: results
            .iter()
            .map(|c| ComparisonJson {
                id: &c.comparison.id,
                number: c.number,
                name: &c.comparison.name,
                outcomes: c.outcomes.iter().map(outcome).collect(),
            })
            .collect(),
    };
    // About 200 bytes per study row; reserving avoids most regrowth of a multi-megabyte buffer.
    let rows: usize = results
        .iter()
        .flat_map(|c| &c.outcomes)
        .map(|o| o.overall.rows.len())
        .sum();
    let mut bytes = Vec::with_capacity(4096 + rows * 400);
    serde_json::to_writer_pretty(&mut bytes, &file).expect("results serialise");
    bytes.push(b'\n');
    String::from_utf8(bytes).expect("serde_json writes UTF-8")
}

#[derive(Serialize)]
struct ResultsFile<'a> {
    review: &'a str,
    comparisons: Vec<ComparisonJson<'a>>,
}

#[derive(Serialize)]
struct ComparisonJson<'a> {
    id: &'a str,
    number: usize,
    name: &'a str,
    outcomes: Vec<OutcomeJson<'a>>,
}

#[derive(Serialize)]
struct OutcomeJson<'a> {
    id: &'a str,
    outcome: &'a str,
    number: &'a str,
    name: &'a str,
    #[serde(rename = "type")]
    data_type: &'static str,
    measure: &'a str,
    scale: &'static str,
    method: &'static str,
    model: &'static str,
    tau2_method: &'static str,
    hksj: bool,
    certainty: Option<&'static str>,
    studies: usize,
    participants: u64,
    pooled: Option<PooledJson>,
    heterogeneity: Option<HeterogeneityJson>,
    prediction: Option<PredictionJson>,
    study_results: Vec<StudyJson<'a>>,
    subgroups: Vec<SubgroupJson<'a>>,
    subgroup_differences: Option<DifferencesJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    warning: Option<String>,
}

#[derive(Serialize)]
struct SubgroupJson<'a> {
    name: Option<&'a str>,
    number: &'a str,
    studies: usize,
    participants: u64,
    weight: f64,
    pooled: Option<PooledJson>,
    heterogeneity: Option<HeterogeneityJson>,
    prediction: Option<PredictionJson>,
    study_results: Vec<StudyJson<'a>>,
}

#[derive(Serialize)]
struct PooledJson {
    estimate: f64,
    ci_low: f64,
    ci_high: f64,
    se: f64,
    z: f64,
    p: f64,
}

#[derive(Serialize)]
struct HeterogeneityJson {
    q: f64,
    df: usize,
    p: Option<f64>,
    i2: Option<f64>,
    tau2: Option<f64>,
}

#[derive(Serialize)]
struct DifferencesJson {
    q: f64,
    df: usize,
    p: Option<f64>,
    i2: Option<f64>,
}

#[derive(Serialize)]
struct PredictionJson {
    low: f64,
    high: f64,
}

/// A study row; the estimate and interval are null when the row is not estimable.
#[derive(Serialize)]
struct StudyJson<'a> {
    study: &'a str,
    estimate: Option<f64>,
    ci_low: Option<f64>,
    ci_high: Option<f64>,
    weight: f64,
    estimable: bool,
}

fn outcome<'a>(r: &'a OutcomeResult<'a>) -> OutcomeJson<'a> {
    let o = r.outcome;
    let measure = r.measure();
    let mut offset = 0;
    let subgroups = o
        .groups
        .iter()
        .zip(&r.subgroups)
        .map(|(group, sub)| {
            let overall_rows = &r.overall.rows[offset..offset + group.rows.len()];
            offset += group.rows.len();
            let weight: f64 = overall_rows.iter().map(|row| row.weight).sum();
            SubgroupJson {
                name: group.name.as_deref(),
                number: &sub.number,
                studies: sub.studies,
                participants: sub.participants,
                weight,
                pooled: pooled(&sub.fit, measure),
                heterogeneity: heterogeneity(sub.fit.heterogeneity.as_ref()),
                prediction: prediction(&sub.fit, measure),
                study_results: study_results(group.rows.iter(), overall_rows, &sub.fit, measure),
            }
        })
        .collect();
    // Study rows of the whole outcome, weighted by their share of the overall result.
    let all_rows = o.groups.iter().flat_map(|g| &g.rows);
    OutcomeJson {
        id: &o.id,
        outcome: &o.outcome,
        number: &r.number,
        name: &o.name,
        data_type: o.data_type().as_str(),
        measure: o.measure.label(),
        scale: if measure.is_ratio() {
            "ratio"
        } else {
            "difference"
        },
        method: match o.method {
            MethodKey::MH => "MH",
            MethodKey::IV => "IV",
            MethodKey::Peto => "Peto",
        },
        model: match o.model {
            ModelKey::Fixed => "fixed",
            ModelKey::Random => "random",
        },
        tau2_method: match o.tau2 {
            Tau2Key::DL => "DL",
            Tau2Key::REML => "REML",
            Tau2Key::PM => "PM",
        },
        hksj: o.hksj,
        certainty: o.certainty.as_ref().map(|c| c.level.words()),
        studies: r.studies,
        participants: r.participants,
        pooled: pooled(&r.overall, measure),
        heterogeneity: heterogeneity(r.overall.heterogeneity.as_ref()),
        prediction: prediction(&r.overall, measure),
        study_results: study_results(all_rows, &r.overall.rows, &r.overall, measure),
        subgroups,
        subgroup_differences: r.differences.as_ref().map(|d| DifferencesJson {
            q: d.q,
            df: d.df,
            p: d.p,
            i2: d.i2,
        }),
        warning: r.overall.not_converged.map(|estimator| {
            format!(
                "the {estimator:?} estimate of tau² did not converge; DerSimonian-Laird was used instead"
            )
        }),
    }
}

fn pooled(fit: &Fit, measure: Measure) -> Option<PooledJson> {
    fit.pooled.as_ref().map(|p| PooledJson {
        estimate: measure.to_natural(p.y),
        ci_low: measure.to_natural(p.ci_low),
        ci_high: measure.to_natural(p.ci_high),
        se: p.se,
        z: p.z,
        p: p.p,
    })
}

fn heterogeneity(h: Option<&Heterogeneity>) -> Option<HeterogeneityJson> {
    h.map(|h| HeterogeneityJson {
        q: h.q,
        df: h.df,
        p: h.p,
        i2: h.i2,
        tau2: h.tau2,
    })
}

fn prediction(fit: &Fit, measure: Measure) -> Option<PredictionJson> {
    fit.prediction.map(|(low, high)| PredictionJson {
        low: measure.to_natural(low),
        high: measure.to_natural(high),
    })
}

/// Rows with their estimate from `fit` and their weight from `weights` (the overall result).
fn study_results<'r>(
    rows: impl Iterator<Item = &'r DataRow>,
    weights: &[RowResult],
    fit: &Fit,
    measure: Measure,
) -> Vec<StudyJson<'r>> {
    rows.zip(weights)
        .zip(&fit.rows)
        .map(|((row, weighted), own)| match &own.effect {
            Some(e) => StudyJson {
                study: &row.study,
                estimate: Some(measure.to_natural(e.y)),
                ci_low: Some(measure.to_natural(e.ci_low)),
                ci_high: Some(measure.to_natural(e.ci_high)),
                weight: weighted.weight,
                estimable: true,
            },
            None => StudyJson {
                study: &row.study,
                estimate: None,
                ci_low: None,
                ci_high: None,
                weight: 0.0,
                estimable: false,
            },
        })
        .collect()
}
