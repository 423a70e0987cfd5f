//! results.json: every computed number, in the contract's shape (review-format.md §7).

use serde_json::{Value, json};

use crate::model::{MethodKey, ModelKey, Tau2Key};
use crate::stats::{ComparisonResult, Fit, Heterogeneity, Measure, OutcomeResult};

/// The whole results file, pretty-printed with a final newline.
pub fn results_json(slug: &str, results: &[ComparisonResult]) -> String {
    let comparisons: Vec<Value> = results
        .iter()
        .map(|c| {
            json!({
                "id": c.comparison.id,
                "number": c.number,
                "name": c.comparison.name,
                "outcomes": c.outcomes.iter().map(outcome).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut text =
        serde_json::to_string_pretty(&json!({ "review": slug, "comparisons": comparisons }))
            .expect("JSON values serialise");
    text.push('\n');
    text
}

fn outcome(r: &OutcomeResult) -> Value {
    let o = r.outcome;
    let measure = r.measure();
    // Study rows of the whole outcome, weighted by their share of the overall result.
    let all_rows: Vec<&crate::model::DataRow> = o.groups.iter().flat_map(|g| &g.rows).collect();
    let mut offset = 0;
    let subgroups: Vec<Value> = o
        .groups
        .iter()
        .zip(&r.subgroups)
        .map(|(group, sub)| {
            let overall_rows = &r.overall.rows[offset..offset + group.rows.len()];
            offset += group.rows.len();
            let weight: f64 = overall_rows.iter().map(|row| row.weight).sum();
            json!({
                "name": group.name,
                "number": sub.number,
                "studies": sub.studies,
                "participants": sub.participants,
                "weight": weight,
                "pooled": pooled(&sub.fit, measure),
                "heterogeneity": heterogeneity(sub.fit.heterogeneity.as_ref()),
                "prediction": prediction(&sub.fit, measure),
                "study_results": study_results(group.rows.iter(), overall_rows, &sub.fit, measure),
            })
        })
        .collect();
    let mut value = json!({
        "id": o.id,
        "outcome": o.outcome,
        "number": r.number,
        "name": o.name,
        "type": o.data_type.as_str(),
        "measure": o.measure,
        "scale": if measure.is_ratio() { "ratio" } else { "difference" },
        "method": match o.method { MethodKey::MH => "MH", MethodKey::IV => "IV", MethodKey::Peto => "Peto" },
        "model": match o.model { ModelKey::Fixed => "fixed", ModelKey::Random => "random" },
        "tau2_method": match o.tau2 { Tau2Key::DL => "DL", Tau2Key::REML => "REML", Tau2Key::PM => "PM" },
        "hksj": o.hksj,
        "certainty": o.certainty.as_ref().map(|c| c.level.words()),
        "studies": r.studies,
        "participants": r.participants,
        "pooled": pooled(&r.overall, measure),
        "heterogeneity": heterogeneity(r.overall.heterogeneity.as_ref()),
        "prediction": prediction(&r.overall, measure),
        "study_results": study_results(all_rows.into_iter(), &r.overall.rows, &r.overall, measure),
        "subgroups": subgroups,
        "subgroup_differences": r.differences.as_ref().map(|d| json!({ "q": d.q, "df": d.df, "p": d.p, "i2": d.i2 })),
    });
    if let Some(estimator) = r.overall.not_converged {
        value["warning"] = json!(format!(
            "the {estimator:?} estimate of tau² did not converge; DerSimonian-Laird was used instead"
        ));
    }
    value
}

fn pooled(fit: &Fit, measure: Measure) -> Value {
    match &fit.pooled {
        Some(p) => json!({
            "estimate": measure.to_natural(p.y),
            "ci_low": measure.to_natural(p.ci_low),
            "ci_high": measure.to_natural(p.ci_high),
            "se": p.se,
            "z": p.z,
            "p": p.p,
        }),
        None => Value::Null,
    }
}

fn heterogeneity(h: Option<&Heterogeneity>) -> Value {
    match h {
        Some(h) => json!({ "q": h.q, "df": h.df, "p": h.p, "i2": h.i2, "tau2": h.tau2 }),
        None => Value::Null,
    }
}

fn prediction(fit: &Fit, measure: Measure) -> Value {
    match fit.prediction {
        Some((low, high)) => {
            json!({ "low": measure.to_natural(low), "high": measure.to_natural(high) })
        }
        None => Value::Null,
    }
}

/// Rows with their estimate from `fit` and their weight from `weights` (the overall result).
fn study_results<'r>(
    rows: impl Iterator<Item = &'r crate::model::DataRow>,
    weights: &[crate::stats::RowResult],
    fit: &Fit,
    measure: Measure,
) -> Vec<Value> {
    rows.zip(weights)
        .zip(&fit.rows)
        .map(|((row, weighted), own)| match &own.effect {
            Some(e) => json!({
                "study": row.study,
                "estimate": measure.to_natural(e.y),
                "ci_low": measure.to_natural(e.ci_low),
                "ci_high": measure.to_natural(e.ci_high),
                "weight": weighted.weight,
                "estimable": true,
            }),
            None => json!({
                "study": row.study,
                "estimate": null,
                "ci_low": null,
                "ci_high": null,
                "weight": 0.0,
                "estimable": false,
            }),
        })
        .collect()
}
