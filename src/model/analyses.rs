//! analyses.yaml, resolved: comparisons, their outcomes with every setting decided, and the
//! checked data rows.

use serde::Deserialize;
use std::path::PathBuf;

/// The kind of data an outcome holds.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum DataType {
    /// Events and totals per arm.
    Dichotomous,
    /// Mean, SD and n per arm.
    Continuous,
    /// An estimate and its standard error per study.
    Generic,
}

impl DataType {
    /// The lower-case name used in files and results.json.
    pub fn as_str(self) -> &'static str {
        match self {
            DataType::Dichotomous => "dichotomous",
            DataType::Continuous => "continuous",
            DataType::Generic => "generic",
        }
    }

    /// The data columns this type requires (besides `study`).
    pub fn required_columns(self) -> &'static [&'static str] {
        match self {
            DataType::Dichotomous => &["e_events", "e_total", "c_events", "c_total"],
            DataType::Continuous => &["e_mean", "e_sd", "e_n", "c_mean", "c_sd", "c_n"],
            DataType::Generic => &["estimate", "se"],
        }
    }

    /// Columns this type accepts but does not require.
    pub fn optional_columns(self) -> &'static [&'static str] {
        match self {
            DataType::Generic => &["e_total", "c_total"],
            _ => &[],
        }
    }

    /// The measures that fit this type; generic takes any label.
    pub fn measures(self) -> &'static [&'static str] {
        match self {
            DataType::Dichotomous => &["RR", "OR", "RD"],
            DataType::Continuous => &["MD", "SMD"],
            DataType::Generic => &[],
        }
    }
}

/// Pooling method.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
pub enum MethodKey {
    /// Mantel-Haenszel.
    MH,
    /// Inverse variance.
    IV,
    /// Peto (odds ratio).
    Peto,
}

/// Fixed or random effects.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum ModelKey {
    /// Fixed effect.
    #[default]
    Fixed,
    /// Random effects.
    Random,
}

/// Between-study variance estimator.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
pub enum Tau2Key {
    /// DerSimonian-Laird.
    #[default]
    DL,
    /// Restricted maximum likelihood.
    REML,
    /// Paule-Mandel.
    PM,
}

/// Scale of a generic outcome's estimates.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Hash, Default)]
#[serde(rename_all = "lowercase")]
pub enum ScaleKey {
    /// Estimates are natural logs of ratios.
    Ratio,
    /// Estimates are differences.
    #[default]
    Difference,
}

/// What an analysis pools besides its study rows (Review Manager's TOTALS setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Totals {
    /// Every subgroup, and an overall total of every row (TOTALS="YES").
    #[default]
    Overall,
    /// Each subgroup on its own, and no overall total (TOTALS="SUB"); without subgroups,
    /// nothing is pooled.
    Subtotals,
    /// Nothing: the study rows only (TOTALS="NO").
    None,
}

impl Totals {
    /// The name analyses.yaml and results.json use.
    pub fn as_str(self) -> &'static str {
        match self {
            Totals::Overall => "overall",
            Totals::Subtotals => "subtotals",
            Totals::None => "none",
        }
    }
}

/// GRADE certainty of the evidence.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum CertaintyLevel {
    /// Very low certainty.
    VeryLow,
    /// Low certainty.
    Low,
    /// Moderate certainty.
    Moderate,
    /// High certainty.
    High,
}

impl CertaintyLevel {
    /// "high", "moderate", "low", "very low".
    pub fn words(self) -> &'static str {
        match self {
            CertaintyLevel::High => "high",
            CertaintyLevel::Moderate => "moderate",
            CertaintyLevel::Low => "low",
            CertaintyLevel::VeryLow => "very low",
        }
    }
}

/// A GRADE assessment.
#[derive(Debug, Clone, PartialEq)]
pub struct Certainty {
    /// The level.
    pub level: CertaintyLevel,
    /// Reasons for downgrading (risk of bias, imprecision, ...).
    pub reasons: Vec<String>,
    /// Further notes on the rating (prose), shown as footnotes of the Summary of findings.
    pub footnotes: Vec<super::Located<String>>,
    /// Where the level is written in analyses.yaml, for `check`'s warnings on the rating.
    pub at: super::Location,
    /// The authors' reason for rating otherwise than the GRADE assistant suggests, which
    /// silences `check`'s warnings on what it covers.
    pub grade_acknowledged: Option<super::GradeAcknowledged>,
}

/// Where a value was written: a file and a 1-based line and column (0 when unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The file, as the user named it.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// A comparison, resolved.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// Slug.
    pub id: String,
    /// Its number ("Comparison 3"): as given, else one more than the comparison before.
    pub number: usize,
    /// Title.
    pub name: String,
    /// Experimental group label.
    pub experimental: String,
    /// Control group label.
    pub control: String,
    /// The analysed outcomes, in order.
    pub outcomes: Vec<AnalysisOutcome>,
    /// The Summary of findings the authors specified: the headline analyses and the table's
    /// header, comments and footnotes.
    pub summary_of_findings: Option<super::SummaryOfFindings>,
}

/// An analysed outcome, resolved: settings with defaults applied and every row checked.
#[derive(Debug, Clone)]
pub struct AnalysisOutcome {
    /// Id unique in the comparison.
    pub id: String,
    /// Its number in the comparison (16 in "Analysis 1.16"): as given, gaps kept, else one
    /// more than the analysis before.
    pub number: usize,
    /// The protocol outcome id.
    pub outcome: String,
    /// Title.
    pub name: String,
    /// The effect measure (Peto analyses have the odds ratio); it implies the data type.
    pub measure: super::Measure,
    /// Pooling method (Peto implies OR).
    pub method: MethodKey,
    /// Fixed or random.
    pub model: ModelKey,
    /// tau² estimator.
    pub tau2: Tau2Key,
    /// HKSJ interval.
    pub hksj: bool,
    /// What is pooled besides the rows: an overall total, subgroup totals only, or nothing.
    pub totals: Totals,
    /// Whether the test for subgroup differences is given (with subgroups that are pooled).
    pub subgroup_test: bool,
    /// GRADE certainty.
    pub certainty: Option<Certainty>,
    /// The smallest important effect (see docs/format.md); defaults by measure.
    pub important_effect: Option<f64>,
    /// The assumed control-group risk for absolute effects, if the authors gave one.
    pub assumed_risk: Option<f64>,
    /// The data: one unnamed group, or the subgroups.
    pub groups: Vec<DataGroup>,
    /// Whether `groups` are subgroups.
    pub has_subgroups: bool,
    /// What the analysis is to its protocol outcome.
    pub role: super::Role,
    /// For a sensitivity analysis, the id of the analysis it re-examines.
    pub sensitivity_of: Option<String>,
    /// The sensitivity analyses declared on this analysis, in order.
    pub sensitivity: Vec<super::SensitivityVariant>,
    /// The experimental arm's label where this analysis's is not its comparison's (Review
    /// Manager labels each analysis: a comparison may gather analyses of different pairs).
    pub experimental: Option<String>,
    /// The control arm's label, likewise.
    pub control: Option<String>,
}

impl DataRow {
    /// The row's label in tables and figures: the study id, and its arm in parentheses.
    pub fn label(&self) -> String {
        match &self.arm {
            Some(arm) => format!("{} ({arm})", self.study),
            None => self.study.clone(),
        }
    }
}

impl AnalysisOutcome {
    /// Its experimental and control arms: its own labels where it has them, else those of
    /// `comparison`, the comparison it belongs to.
    pub fn arms<'a>(&'a self, comparison: &'a Comparison) -> (&'a str, &'a str) {
        (
            self.experimental
                .as_deref()
                .unwrap_or(&comparison.experimental),
            self.control.as_deref().unwrap_or(&comparison.control),
        )
    }

    /// The kind of data the outcome holds.
    pub fn data_type(&self) -> DataType {
        self.measure.data_type()
    }

    /// Whether every row is pooled into an overall total.
    pub fn pools_overall(&self) -> bool {
        self.totals == Totals::Overall
    }

    /// Whether each subgroup is pooled on its own (subgroups, with totals overall or
    /// subtotals).
    pub fn pools_subgroups(&self) -> bool {
        self.has_subgroups && self.totals != Totals::None
    }

    /// Whether the test for subgroup differences is computed: asked for, and the subgroups
    /// are pooled.
    pub fn tests_subgroups(&self) -> bool {
        self.subgroup_test && self.pools_subgroups()
    }
}

/// A group of rows: the whole outcome or one subgroup.
#[derive(Debug, Clone)]
pub struct DataGroup {
    /// The subgroup's title (None for the whole outcome).
    pub name: Option<String>,
    /// The subgroup's number in its outcome (3 in "1.16.3"): as given, else one more than the
    /// subgroup before (None for the whole outcome).
    pub number: Option<usize>,
    /// Its rows.
    pub rows: Vec<DataRow>,
}

/// One study's data in an outcome, checked.
#[derive(Debug, Clone)]
pub struct DataRow {
    /// An included study id.
    pub study: String,
    /// The arm (or comparison within a multi-arm trial) this row is about, when a study has
    /// several rows in one group: "pregabalin 150 mg". None for the usual one row per study.
    pub arm: Option<String>,
    /// The numbers, as the engine takes them.
    pub values: crate::stats::Row,
    /// Participants in the row (e_total + c_total, or e_n + c_n; 0 where a generic row gives
    /// none).
    pub participants: u64,
    /// Where the row was written.
    pub origin: Origin,
}
