//! analyses.yaml: comparisons, their outcomes and the extracted data, as written and as resolved.

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use super::Located;

/// analyses.yaml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalysesFile {
    /// The comparisons with data.
    #[serde(default)]
    pub comparisons: Vec<ComparisonSpec>,
}

/// A comparison as written in analyses.yaml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComparisonSpec {
    /// Slug; may repeat a review.yaml comparison id.
    pub id: Located<String>,
    /// The comparison's title.
    pub name: String,
    /// Experimental group label (column header, "Favours ..." label).
    pub experimental: Option<String>,
    /// Control group label.
    pub control: Option<String>,
    /// The outcomes analysed.
    #[serde(default)]
    pub outcomes: Vec<OutcomeSpec>,
}

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
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Certainty {
    /// The level.
    pub level: CertaintyLevel,
    /// Reasons for downgrading (risk of bias, imprecision, ...).
    #[serde(default)]
    pub reasons: Vec<String>,
}

/// A data row as written: column name to value, with positions.
pub type RawRow = Located<BTreeMap<String, Located<Scalar>>>;

/// An outcome of a comparison, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeSpec {
    /// A review.yaml outcome id.
    pub outcome: Located<String>,
    /// Id unique in the comparison; defaults to `outcome`.
    pub id: Option<Located<String>>,
    /// Title; defaults to the protocol outcome's name.
    pub name: Option<String>,
    /// dichotomous | continuous | generic.
    #[serde(rename = "type")]
    pub data_type: Located<DataType>,
    /// RR OR RD | MD SMD | a label for generic data.
    pub measure: Located<String>,
    /// Generic only: ratio | difference.
    pub scale: Option<Located<ScaleKey>>,
    /// MH IV Peto.
    pub method: Option<Located<MethodKey>>,
    /// fixed | random.
    pub model: Option<Located<ModelKey>>,
    /// DL REML PM (random only).
    pub tau2: Option<Located<Tau2Key>>,
    /// Hartung-Knapp-Sidik-Jonkman interval (random only).
    pub hksj: Option<Located<bool>>,
    /// GRADE certainty.
    pub certainty: Option<Certainty>,
    /// The smallest important effect: a ratio above 1 (1.25 = 25% relative change) for ratio
    /// measures, a positive difference otherwise.
    pub important_effect: Option<Located<f64>>,
    /// The assumed control-group risk (0 to 1) for absolute effects; default the pooled
    /// control-group risk.
    pub assumed_risk: Option<Located<f64>>,
    /// Per-study rows.
    pub studies: Option<Vec<RawRow>>,
    /// A CSV file with the rows, relative to the review folder.
    pub data: Option<Located<String>>,
    /// Subgroups instead of studies.
    pub subgroups: Option<Vec<SubgroupSpec>>,
}

/// A subgroup as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubgroupSpec {
    /// The subgroup's title.
    pub name: String,
    /// Per-study rows.
    pub studies: Option<Vec<RawRow>>,
    /// A CSV file with the rows.
    pub data: Option<Located<String>>,
}

/// A cell value: a number or text.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    /// A number.
    Number(f64),
    /// Text.
    Text(String),
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ScalarVisitor;
        impl Visitor<'_> for ScalarVisitor {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a text")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar::Number(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar::Number(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar::Number(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar::Text(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar::Text(v.to_string()))
            }
        }
        deserializer.deserialize_any(ScalarVisitor)
    }
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
    /// Title.
    pub name: String,
    /// Experimental group label.
    pub experimental: String,
    /// Control group label.
    pub control: String,
    /// The analysed outcomes, in order.
    pub outcomes: Vec<AnalysisOutcome>,
}

/// An analysed outcome, resolved: settings with defaults applied and every row checked.
#[derive(Debug, Clone)]
pub struct AnalysisOutcome {
    /// Id unique in the comparison.
    pub id: String,
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
}

impl AnalysisOutcome {
    /// The kind of data the outcome holds.
    pub fn data_type(&self) -> DataType {
        self.measure.data_type()
    }
}

/// A group of rows: the whole outcome or one subgroup.
#[derive(Debug, Clone)]
pub struct DataGroup {
    /// The subgroup's title (None for the whole outcome).
    pub name: Option<String>,
    /// Its rows.
    pub rows: Vec<DataRow>,
}

/// One study's data in an outcome, checked.
#[derive(Debug, Clone)]
pub struct DataRow {
    /// An included study id.
    pub study: String,
    /// The numbers, as the engine takes them.
    pub values: crate::stats::Row,
    /// Participants in the row (e_total + c_total, or e_n + c_n; 0 where a generic row gives
    /// none).
    pub participants: u64,
    /// Where the row was written.
    pub origin: Origin,
}
