//! The sensitivity analyses of an analysed outcome (Cochrane Handbook 10.14) in results.json:
//! leave-one-out, the outcome refitted without each estimable study in turn with its own
//! method, model and tau² estimator; and the variants the authors declared, each the outcome
//! refitted in full with its rows and settings except what the variant changes.

use serde::{Deserialize, Serialize};

use super::build::{counts, heterogeneity, natural_pooled, pooled, prediction, warning};
use super::{Heterogeneity, Pooled, Prediction, Warning, serial};
use crate::model::{AnalysisOutcome, Measure, MethodKey, ModelKey, SensitivityVariant, Tau2Key};
use crate::stats::{self, OutcomeFit};

/// The sensitivity analyses of an outcome, written among its keys.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Sensitivity {
    /// The outcome without each estimable study in turn, in row order; `None` without an
    /// overall total, with fewer than three estimable studies, and in files written before it
    /// was added.
    #[serde(default)]
    pub leave_one_out: Option<Vec<LeftOut>>,
    /// The sensitivity analyses the authors declared, in order; empty without any (and in
    /// files written before they were added).
    #[serde(default)]
    pub sensitivity_analyses: Vec<DeclaredResults>,
}

/// A declared sensitivity analysis: what it changes, and its own results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeclaredResults {
    /// Its name, unique among the outcome's.
    pub name: String,
    /// The studies the authors left out by name.
    pub exclude: Vec<String>,
    /// The risk-of-bias domains in which a study had to be at low risk to stay in.
    pub low_risk_of_bias: Vec<String>,
    /// The pooling method it used.
    #[serde(with = "serial::method")]
    pub method: MethodKey,
    /// The model it used.
    #[serde(with = "serial::model")]
    pub model: ModelKey,
    /// The tau² estimator it used.
    #[serde(rename = "tau2_method", with = "serial::tau2")]
    pub tau2: Tau2Key,
    /// The studies of the outcome it left out, by either rule, in row order.
    pub left_out: Vec<String>,
    /// Distinct studies with a row, estimable or not.
    pub studies: usize,
    /// Distinct studies with an estimable row.
    pub estimable_studies: usize,
    /// Participants over its rows.
    pub participants: u64,
    /// The pooled result of its rows; `None` when no row is estimable.
    pub pooled: Option<Pooled>,
    /// Their heterogeneity.
    pub heterogeneity: Option<Heterogeneity>,
    /// Their 95% prediction interval (random effects, 3 or more studies).
    pub prediction: Option<Prediction>,
    /// What went wrong in the computation, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<Warning>,
}

/// The sensitivity analyses of an outcome from its fit.
pub(super) fn sensitivity(outcome: &AnalysisOutcome, fit: &OutcomeFit) -> Sensitivity {
    Sensitivity {
        leave_one_out: leave_one_out(outcome, fit),
        sensitivity_analyses: outcome
            .sensitivity
            .iter()
            .map(|variant| declared(outcome, variant))
            .collect(),
    }
}

/// A declared variant of `outcome`, refitted: the outcome with the variant's studies left out
/// of every group and its settings changed, analysed as any outcome is.
fn declared(outcome: &AnalysisOutcome, variant: &SensitivityVariant) -> DeclaredResults {
    let mut refitted = outcome.clone();
    refitted.sensitivity = Vec::new();
    for group in &mut refitted.groups {
        group
            .rows
            .retain(|row| !variant.left_out.contains(&row.study));
    }
    refitted.method = variant.method.unwrap_or(outcome.method);
    refitted.model = variant.model.unwrap_or(outcome.model);
    refitted.tau2 = variant.tau2.unwrap_or(outcome.tau2);
    if refitted.method == MethodKey::Peto {
        // Peto pools odds ratios (load accepts it only where the measure is OR).
        refitted.measure = Measure::OddsRatio;
    }
    let fit = stats::analyse_outcome(&refitted);
    let rows = refitted.groups.iter().flat_map(|g| &g.rows);
    let counted = counts(rows.zip(&fit.overall.rows));
    DeclaredResults {
        name: variant.name.clone(),
        exclude: variant.exclude.clone(),
        low_risk_of_bias: variant.low_risk_of_bias.clone(),
        method: refitted.method,
        model: refitted.model,
        tau2: refitted.tau2,
        left_out: variant.left_out.clone(),
        studies: counted.studies,
        estimable_studies: counted.estimable,
        participants: counted.participants,
        pooled: pooled(&fit.overall, &refitted.measure),
        heterogeneity: fit.overall.heterogeneity.as_ref().map(heterogeneity),
        prediction: prediction(&fit.overall, &refitted.measure),
        warning: warning(&fit.overall),
    }
}

/// The outcome without one study: an entry of `leave_one_out`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeftOut {
    /// The study left out, labelled as the forest plot labels its row ("Smith 2004", or with
    /// its arm, "Smith 2004 (150 mg)"). A study with rows in several subgroups is left out
    /// whole.
    pub study: String,
    /// The pooled result of the other studies.
    #[serde(flatten)]
    pub pooled: Pooled,
    /// I² of the other studies, in percent.
    pub i2: Option<f64>,
    /// tau² of the other studies; random effects only.
    pub tau2: Option<f64>,
}

/// Leave-one-out is given for analyses of at most this many rows. Each refit pools all the
/// other rows, so the work grows with the square of the rows: 1,000 rows are a million row
/// fits (a fraction of a second), the 100,000 studies revmark accepts would be 10^10. Real
/// analyses have at most a few hundred studies.
pub const LEAVE_ONE_OUT_MAX_ROWS: usize = 1_000;

/// Leave-one-out for an outcome pooled into an overall total with at least
/// [`stats::LEAVE_ONE_OUT_MIN_STUDIES`] estimable studies and at most
/// [`LEAVE_ONE_OUT_MAX_ROWS`] rows, in the order of the studies' first rows; `None` otherwise.
fn leave_one_out(outcome: &AnalysisOutcome, fit: &OutcomeFit) -> Option<Vec<LeftOut>> {
    let rows = outcome.groups.iter().map(|g| g.rows.len()).sum::<usize>();
    if !outcome.pools_overall() || rows > LEAVE_ONE_OUT_MAX_ROWS {
        return None;
    }
    // Rows are told apart by their label, so that the arms of a multi-arm trial are left out
    // one at a time, as the forest plot lists them.
    let rows: Vec<(String, stats::Row)> = outcome
        .groups
        .iter()
        .flat_map(|g| &g.rows)
        .map(|row| (row.label(), row.values))
        .collect();
    let left_out = stats::leave_one_out(&fit.settings, &rows)?;
    let measure = &outcome.measure;
    Some(
        left_out
            .into_iter()
            .map(|l| LeftOut {
                study: rows[l.row].0.clone(),
                pooled: natural_pooled(&l.pooled, measure),
                i2: l.heterogeneity.i2,
                tau2: l.heterogeneity.tau2,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::model::{Review, Totals};
    use crate::results::{Results, analyse};

    fn diuretics() -> Review {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("reviews/diuretics-pregnancy");
        crate::load::load_review(&dir)
            .expect("the example loads")
            .review
    }

    /// The pre-eclampsia analysis (random effects, two subgroups) of `review`'s results.
    fn first(results: &Results) -> &crate::results::OutcomeResults {
        &results.comparisons[0].outcomes[0]
    }

    // Each entry is the analysis refitted from scratch without that study, its subgroups
    // pooled together as the overall total pools them.
    #[test]
    fn each_entry_is_the_analysis_without_its_study() {
        let review = diuretics();
        let results = analyse(&review);
        let left_out = first(&results).sensitivity.leave_one_out.as_ref().unwrap();
        let labels: Vec<String> = first(&results)
            .study_results
            .iter()
            .map(super::super::StudyResult::label)
            .collect();
        assert_eq!(
            left_out.iter().map(|l| &l.study).collect::<Vec<_>>(),
            labels.iter().collect::<Vec<_>>(),
            "one entry per study, in row order"
        );
        for entry in left_out {
            let mut without = review.clone();
            for group in &mut without.comparisons[0].outcomes[0].groups {
                group.rows.retain(|row| row.label() != entry.study);
            }
            let refitted = analyse(&without);
            let refitted = first(&refitted);
            assert_eq!(
                Some(&entry.pooled),
                refitted.pooled.as_ref(),
                "{}",
                entry.study
            );
            let heterogeneity = refitted.heterogeneity.unwrap();
            assert_eq!(entry.i2, heterogeneity.i2);
            assert_eq!(entry.tau2, heterogeneity.tau2);
            assert!(entry.tau2.is_some(), "random effects");
        }
    }

    // Only an overall total is left out of; fewer than three estimable studies give none.
    #[test]
    fn leave_one_out_needs_an_overall_total_and_three_studies() {
        let mut review = diuretics();
        review.comparisons[0].outcomes[0].totals = Totals::Subtotals;
        for group in &mut review.comparisons[0].outcomes[1].groups {
            group.rows.truncate(2);
        }
        let results = analyse(&review);
        let outcomes = &results.comparisons[0].outcomes;
        assert_eq!(outcomes[0].sensitivity.leave_one_out, None);
        assert_eq!(outcomes[1].sensitivity.leave_one_out, None);
        assert!(outcomes[2].sensitivity.leave_one_out.is_some());
    }

    fn variant(name: &str) -> SensitivityVariant {
        SensitivityVariant {
            name: name.into(),
            at: crate::model::Location::default(),
            exclude: Vec::new(),
            low_risk_of_bias: Vec::new(),
            method: None,
            model: None,
            tau2: None,
            left_out: Vec::new(),
        }
    }

    // A declared variant is the analysis analysed again: with another model, as if the
    // analysis had it; with studies left out, as if their rows were not there. Its counts are
    // its own, and it reads back as written.
    #[test]
    fn declared_variants_are_the_analysis_analysed_again() {
        let review = diuretics();
        let mut declared = review.clone();
        let left_out = vec!["Menzies 1964".to_string(), "Kraus 1966".to_string()];
        declared.comparisons[0].outcomes[0].sensitivity = vec![
            SensitivityVariant {
                model: Some(ModelKey::Fixed),
                method: Some(MethodKey::IV),
                ..variant("Fixed effect, inverse variance")
            },
            SensitivityVariant {
                exclude: left_out.clone(),
                left_out: left_out.clone(),
                tau2: Some(Tau2Key::REML),
                ..variant("Without two")
            },
        ];
        let results = analyse(&declared);
        let variants = &first(&results).sensitivity.sensitivity_analyses;
        assert_eq!(variants.len(), 2);

        let mut fixed = review.clone();
        fixed.comparisons[0].outcomes[0].model = ModelKey::Fixed;
        fixed.comparisons[0].outcomes[0].method = MethodKey::IV;
        let fixed = analyse(&fixed);
        assert_eq!(variants[0].pooled, first(&fixed).pooled);
        assert_eq!(variants[0].heterogeneity, first(&fixed).heterogeneity);
        assert_eq!(variants[0].studies, 9);
        assert_eq!(
            (variants[0].model, variants[0].method),
            (ModelKey::Fixed, MethodKey::IV)
        );
        assert!(variants[0].left_out.is_empty());

        let mut without = review.clone();
        without.comparisons[0].outcomes[0].tau2 = Tau2Key::REML;
        for group in &mut without.comparisons[0].outcomes[0].groups {
            group.rows.retain(|row| !left_out.contains(&row.study));
        }
        let without = analyse(&without);
        assert_eq!(variants[1].pooled, first(&without).pooled);
        assert_eq!(variants[1].prediction, first(&without).prediction);
        assert_eq!(variants[1].studies, 7);
        assert_eq!(variants[1].participants, first(&without).participants);
        assert_eq!(variants[1].left_out, left_out);
        assert_ne!(variants[1].pooled, first(&results).pooled);

        let text = results.to_json();
        assert!(text.contains("\"sensitivity_analyses\": [\n"));
        let back = Results::from_json(&text).unwrap();
        assert_eq!(back, results);
        assert_eq!(back.to_json(), text);
        // The other analyses declare none.
        assert!(
            results.comparisons[0].outcomes[1]
                .sensitivity
                .sensitivity_analyses
                .is_empty()
        );
    }

    // Beyond the limit of rows, leave-one-out is not given (it would take the square of the
    // rows' time).
    #[test]
    fn leave_one_out_stops_at_its_limit_of_rows() {
        let mut review = diuretics();
        let rows = &mut review.comparisons[0].outcomes[2].groups[0].rows;
        let template = rows[0].clone();
        while rows.len() <= LEAVE_ONE_OUT_MAX_ROWS {
            let mut row = template.clone();
            row.study = format!("Copy {}", rows.len());
            rows.push(row);
        }
        let results = analyse(&review);
        let outcome = &results.comparisons[0].outcomes[2];
        assert!(outcome.pooled.is_some());
        assert_eq!(outcome.sensitivity.leave_one_out, None);
    }

    // The arms of a multi-arm trial are left out one at a time, under their forest plot labels.
    #[test]
    fn arms_are_left_out_under_their_labels() {
        let mut review = diuretics();
        let rows = &mut review.comparisons[0].outcomes[2].groups[0].rows;
        let study = rows[0].study.clone();
        rows[0].arm = Some("first arm".into());
        rows[1].study = study.clone();
        rows[1].arm = Some("second arm".into());
        let results = analyse(&review);
        let left_out = results.comparisons[0].outcomes[2]
            .sensitivity
            .leave_one_out
            .as_ref()
            .unwrap();
        assert_eq!(left_out[0].study, format!("{study} (first arm)"));
        assert_eq!(left_out[1].study, format!("{study} (second arm)"));
    }

    // A file written before `leave_one_out` and `sensitivity_analyses` were added reads as
    // having none; this version's reads back as written.
    #[test]
    fn files_without_sensitivity_analyses_are_read() {
        let results = analyse(&diuretics());
        let text = results.to_json();
        assert!(text.contains("\"leave_one_out\": ["));
        let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
        for o in value["comparisons"][0]["outcomes"].as_array_mut().unwrap() {
            o.as_object_mut().unwrap().remove("leave_one_out");
            o.as_object_mut().unwrap().remove("sensitivity_analyses");
        }
        let old = Results::from_json(&value.to_string()).unwrap();
        assert!(
            old.outcomes()
                .all(|(_, o)| o.sensitivity == Sensitivity::default())
        );
        let back = Results::from_json(&text).unwrap();
        assert_eq!(back, results);
        assert_eq!(back.to_json(), text);
    }
}
