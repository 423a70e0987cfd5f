//! The results of a review's analyses, in one owned, typed shape that *is* results.json: the
//! statistics stage builds it ([`analyse`]), and everything downstream reads it: the figures,
//! the generated text, results.json and results.csv, "What's new" and `revmark diff`.
//!
//! Field order is the file's key order; numbers are on the natural scale (a risk ratio, not
//! its log) as the file states them. What the file does not hold but the figures and
//! results.csv need (each number on the analysis scale, exactly as the engine computed it, and
//! each study row's data as entered) rides along in [`BuildOnly`] fields: present in results
//! this build computed, absent in results read from a file, and ignored when results are
//! compared.

mod build;
mod file;
mod grade;
mod sensitivity;
mod serial;

pub use build::analyse;
pub use file::ReadError;
pub use grade::{DomainResult, GradeDomains, GradeFacts, GradeSuggestionResults, SmallStudyResult};
pub use sensitivity::{DeclaredResults, LEAVE_ONE_OUT_MAX_ROWS, LeftOut, Sensitivity};

use serde::{Deserialize, Serialize};

use crate::model::{CertaintyLevel, DataType, Measure, MethodKey, ModelKey, Tau2Key, Totals};
use crate::stats::Row;

/// Every analysis of one review: results.json.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Results {
    /// The review's id (its folder name).
    pub review: String,
    /// The comparisons, in order.
    pub comparisons: Vec<ComparisonResults>,
}

/// The analyses of one comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonResults {
    /// The comparison's id.
    pub id: String,
    /// Its number, as analyses.yaml gives it (gaps kept) or by position.
    pub number: usize,
    /// Title.
    pub name: String,
    /// Its analysed outcomes, in order.
    pub outcomes: Vec<OutcomeResults>,
}

/// One analysed outcome: its settings, the pooled result of all its rows, every study row and
/// its subgroups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeResults {
    /// Id, unique in the comparison.
    pub id: String,
    /// The protocol outcome it analyses.
    pub outcome: String,
    /// "1.2": comparison number and outcome number, as analyses.yaml gives them (gaps kept).
    pub number: String,
    /// Title.
    pub name: String,
    /// The effect measure; the file writes it as `type`, `measure`, `measure_name` and `scale`.
    #[serde(flatten, with = "serial::measure")]
    pub measure: Measure,
    /// Pooling method.
    #[serde(with = "serial::method")]
    pub method: MethodKey,
    /// Fixed or random effects.
    #[serde(with = "serial::model")]
    pub model: ModelKey,
    /// The between-study variance estimator.
    #[serde(rename = "tau2_method", with = "serial::tau2")]
    pub tau2: Tau2Key,
    /// Whether the Hartung-Knapp-Sidik-Jonkman interval was asked for (see
    /// [`OutcomeResults::uses_hksj`]).
    pub hksj: bool,
    /// What is pooled besides the rows: an overall total (`overall`, the default of files
    /// written before it was added), subgroup totals only (`subtotals`) or nothing (`none`).
    #[serde(default, with = "serial::totals")]
    pub totals: Totals,
    /// Whether the test for subgroup differences was asked for (it is given where subgroups
    /// are pooled); files written before it was added always gave it.
    #[serde(default = "asked")]
    pub subgroup_test: bool,
    /// The authors' GRADE certainty; absent from files written before it was added.
    #[serde(default, with = "serial::certainty")]
    pub certainty: Option<CertaintyLevel>,
    /// Distinct studies with a row, estimable or not, as Review Manager counts them.
    pub studies: usize,
    /// Distinct studies with an estimable row (see [`file`] for files written before it was
    /// added).
    #[serde(default = "file::unknown_count")]
    pub estimable_studies: usize,
    /// Participants over every row.
    pub participants: u64,
    /// The pooled result of every row; `None` when no row is estimable, or the totals are not
    /// `overall`.
    pub pooled: Option<Pooled>,
    /// Heterogeneity of every row.
    pub heterogeneity: Option<Heterogeneity>,
    /// The 95% prediction interval (random effects, 3 or more studies).
    pub prediction: Option<Prediction>,
    /// Every row, with its weight: in the pooled result of every row with an overall total, in
    /// its subgroup's with subtotals, 0 with no totals.
    pub study_results: Vec<StudyResult>,
    /// The subgroups, each pooled on its own; empty without subgroups.
    pub subgroups: Vec<SubgroupResults>,
    /// The test for subgroup differences; `None` with fewer than two estimable subgroups, or
    /// when it is not asked for or the subgroups are not pooled.
    pub subgroup_differences: Option<SubgroupDifferences>,
    /// What went wrong in the computation, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<Warning>,
    /// The tests for small-study effects (see [`grade`]): Egger's, and Peters' for
    /// dichotomous data; `None` below 10 estimable studies or without a pooled result, and in
    /// files written before it was added.
    #[serde(default)]
    pub small_study_effects: Option<Vec<SmallStudyResult>>,
    /// The GRADE assistant's suggestion (see [`grade`]); `None` without a pooled result, and
    /// in files written before it was added.
    #[serde(default)]
    pub grade_suggestion: Option<GradeSuggestionResults>,
    /// Its sensitivity analyses: `leave_one_out` and `sensitivity_analyses` (sensitivity.rs).
    #[serde(flatten)]
    pub sensitivity: Sensitivity,
    /// The centre of the funnel plot's pseudo confidence limits, on the analysis scale: the
    /// pooled estimate of a fixed-effect analysis, or under random effects the
    /// inverse-variance fixed-effect estimate of the same study effects.
    #[serde(skip)]
    pub funnel_centre: BuildOnly<f64>,
}

/// One subgroup of an outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubgroupResults {
    /// Title.
    pub name: Option<String>,
    /// "1.2.1".
    pub number: String,
    /// Distinct studies with a row, estimable or not.
    pub studies: usize,
    /// Distinct studies with an estimable row.
    #[serde(default = "file::unknown_count")]
    pub estimable_studies: usize,
    /// Participants over the subgroup's rows.
    pub participants: u64,
    /// The share of the outcome's pooled result its rows carry, in percent (with subtotals
    /// only, 100 when the subgroup is pooled; with no totals, 0).
    pub weight: f64,
    /// The subgroup's own pooled result.
    pub pooled: Option<Pooled>,
    /// Its own heterogeneity.
    pub heterogeneity: Option<Heterogeneity>,
    /// Its own prediction interval.
    pub prediction: Option<Prediction>,
    /// Its rows: estimates from the subgroup's own analysis, weights as the outcome's rows
    /// have them.
    pub study_results: Vec<StudyResult>,
}

/// What `subgroup_test` is in files written before it was added.
fn asked() -> bool {
    true
}

/// A pooled estimate: natural scale, except `se` and `z`, which are on the analysis scale.
///
/// Under HKSJ `se` and `z` are the HKSJ standard error and t statistic, the interval uses
/// t(k − 1) and `p` comes from t(k − 1); otherwise they are normal (Wald) quantities.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Pooled {
    /// The estimate.
    pub estimate: f64,
    /// Lower end of the 95% confidence interval.
    pub ci_low: f64,
    /// Upper end of the 95% confidence interval.
    pub ci_high: f64,
    /// Standard error (analysis scale).
    pub se: f64,
    /// The signed test statistic (analysis scale).
    pub z: f64,
    /// Its two-sided p-value.
    pub p: f64,
    /// Estimate and interval on the analysis scale.
    #[serde(skip)]
    pub analysis: BuildOnly<Interval>,
}

/// Cochran's Q and what follows from it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Heterogeneity {
    /// Q ("Chi²" in Review Manager).
    pub q: f64,
    /// Degrees of freedom.
    pub df: usize,
    /// Upper chi-squared tail of `q`; `None` when `df` is 0.
    pub p: Option<f64>,
    /// I² in percent; `None` when `df` is 0.
    pub i2: Option<f64>,
    /// The between-study variance; random effects only.
    pub tau2: Option<f64>,
}

/// The test for subgroup differences.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SubgroupDifferences {
    /// Q across the subgroups' pooled estimates.
    pub q: f64,
    /// Estimable subgroups minus one.
    pub df: usize,
    /// Its p-value.
    pub p: Option<f64>,
    /// I² in percent.
    pub i2: Option<f64>,
}

/// A 95% prediction interval, natural scale.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    /// Lower end.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// Both ends on the analysis scale.
    #[serde(skip)]
    pub analysis: BuildOnly<(f64, f64)>,
}

/// One study row of an outcome or subgroup; the estimate and interval are null when the row is
/// not estimable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StudyResult {
    /// The study id.
    pub study: String,
    /// The arm of a multi-arm trial this row is about, when the study has several rows in one
    /// group (written only then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arm: Option<String>,
    /// Estimate (natural scale).
    pub estimate: Option<f64>,
    /// Lower end of its 95% confidence interval.
    pub ci_low: Option<f64>,
    /// Upper end.
    pub ci_high: Option<f64>,
    /// Percent of the outcome's pooled result; 0 when not estimable.
    pub weight: f64,
    /// Whether the row contributes.
    pub estimable: bool,
    /// The effect on the analysis scale with its standard error; `None` inside when the row is
    /// not estimable.
    #[serde(skip)]
    pub effect: BuildOnly<Option<Effect>>,
    /// The row's data as entered.
    #[serde(skip)]
    pub data: BuildOnly<Row>,
}

/// An estimate and its interval on the analysis scale (natural logs for ratio measures).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// The estimate.
    pub y: f64,
    /// Lower end of the 95% interval.
    pub ci_low: f64,
    /// Upper end.
    pub ci_high: f64,
}

/// A study's effect on the analysis scale (natural logs for ratio measures).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Effect {
    /// The estimate.
    pub y: f64,
    /// Its standard error.
    pub se: f64,
    /// Lower end of the 95% normal confidence interval.
    pub ci_low: f64,
    /// Upper end.
    pub ci_high: f64,
}

/// Something the reader of the results should know about how they were computed.
#[derive(Debug, Clone, PartialEq)]
pub enum Warning {
    /// The iterative estimate of tau² did not converge; DerSimonian-Laird's was used.
    Tau2NotConverged(Tau2Key),
    /// A warning of another version of revmark, as written.
    Other(String),
}

impl Warning {
    /// The sentence results.json holds.
    pub fn text(&self) -> String {
        match self {
            Warning::Tau2NotConverged(estimator) => format!(
                "the {} estimate of tau² did not converge; DerSimonian-Laird was used instead",
                engine_name(*estimator)
            ),
            Warning::Other(text) => text.clone(),
        }
    }
}

/// The name results.json gives a pooling method ("MH", "IV", "Peto").
pub fn method_name(method: MethodKey) -> &'static str {
    serial::method::name(method)
}

/// The name results.json gives a model ("fixed", "random").
pub fn model_name(model: ModelKey) -> &'static str {
    serial::model::name(model)
}

/// The estimator's name as the engine's messages give it ("Reml").
pub fn engine_name(estimator: Tau2Key) -> &'static str {
    match estimator {
        Tau2Key::DL => "DerSimonianLaird",
        Tau2Key::REML => "Reml",
        Tau2Key::PM => "PauleMandel",
    }
}

/// A value the build keeps beside the results for the figures and results.csv, which
/// results.json does not hold: `Some` in results computed by this build, `None` in results read
/// from a file. Any two are equal, so that results compare by what results.json says.
#[derive(Debug, Clone, Copy)]
pub struct BuildOnly<T>(pub Option<T>);

impl<T> Default for BuildOnly<T> {
    fn default() -> Self {
        BuildOnly(None)
    }
}

impl<T> PartialEq for BuildOnly<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<T: Copy> BuildOnly<T> {
    /// The value, when these results were computed by this build.
    pub fn get(&self) -> Option<T> {
        self.0
    }
}

impl Results {
    /// Every analysed outcome with its comparison, in order.
    pub fn outcomes(&self) -> impl Iterator<Item = (&ComparisonResults, &OutcomeResults)> {
        self.comparisons
            .iter()
            .flat_map(|c| c.outcomes.iter().map(move |o| (c, o)))
    }

    /// Study rows over every outcome: what the output's size follows.
    pub fn row_count(&self) -> usize {
        self.outcomes().map(|(_, o)| o.study_results.len()).sum()
    }
}

impl OutcomeResults {
    /// The kind of data analysed.
    pub fn data_type(&self) -> DataType {
        self.measure.data_type()
    }

    /// Whether the pooled tests are HKSJ t tests: asked for, under random effects.
    pub fn uses_hksj(&self) -> bool {
        self.hksj && self.model == ModelKey::Random
    }

    /// Whether the outcome is analysed by subgroups.
    pub fn has_subgroups(&self) -> bool {
        !self.subgroups.is_empty()
    }

    /// Whether every row is pooled into an overall total.
    pub fn pools_overall(&self) -> bool {
        self.totals == Totals::Overall
    }

    /// Whether each subgroup is pooled on its own.
    pub fn pools_subgroups(&self) -> bool {
        self.has_subgroups() && self.totals != Totals::None
    }

    /// Whether the test for subgroup differences is part of the results (asked for, with
    /// pooled subgroups), even where it is not applicable (fewer than two estimable
    /// subgroups).
    pub fn shows_subgroup_test(&self) -> bool {
        self.subgroup_test && self.pools_subgroups()
    }

    /// The outcome's own number in its comparison ("16" of "1.16").
    pub fn own_number(&self) -> &str {
        last_part(&self.number)
    }

    /// Each subgroup with its rows as they stand in the outcome's `study_results` (estimates
    /// of the whole outcome's analysis), which list the subgroups' rows in order.
    pub fn subgroup_rows(&self) -> impl Iterator<Item = (&SubgroupResults, &[StudyResult])> {
        let mut offset = 0;
        self.subgroups.iter().map(move |s| {
            let end = (offset + s.study_results.len()).min(self.study_results.len());
            let rows = &self.study_results[offset.min(end)..end];
            offset = end;
            (s, rows)
        })
    }
}

impl SubgroupResults {
    /// The subgroup's own number in its outcome ("3" of "1.16.3").
    pub fn own_number(&self) -> &str {
        last_part(&self.number)
    }
}

/// The last part of a dotted number.
fn last_part(number: &str) -> &str {
    number.rsplit('.').next().unwrap_or(number)
}

impl StudyResult {
    /// The row's label in tables and figures: the study id, and its arm in parentheses.
    pub fn label(&self) -> String {
        match &self.arm {
            Some(arm) => format!("{} ({arm})", self.study),
            None => self.study.clone(),
        }
    }

    /// The row's effect on the analysis scale, when computed by this build and estimable.
    pub fn effect(&self) -> Option<Effect> {
        self.effect.get().flatten()
    }
}

#[cfg(test)]
mod tests;
