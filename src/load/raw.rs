//! The three review files as written: serde types for review.yaml, studies.yaml and
//! analyses.yaml, with the place of every value that a message may point at. Nothing here is
//! checked beyond its shape; `protocol`, `studies` and `analyses` turn these into the
//! validated [`crate::model`].

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::collections::BTreeMap;
use std::fmt;

use crate::model::{
    CertaintyLevel, DataType, Flow, Located, Location, MethodKey, ModelKey, Priority, RobTool,
    ScaleKey, Tau2Key,
};

/// A value with the place where it was written, as the parser gives it.
pub(crate) type Spanned<T> = serde_saphyr::Spanned<T>;

/// The model's located value of a parsed one.
pub(crate) fn located<T: Clone>(spanned: &Spanned<T>) -> Located<T> {
    Located::new(spanned.value.clone(), at(spanned))
}

/// The model's located value of a parsed one, taken.
pub(crate) fn take<T>(spanned: Spanned<T>) -> Located<T> {
    let at = at(&spanned);
    Located::new(spanned.value, at)
}

/// Where a parsed value was written.
pub(crate) fn at<T>(spanned: &Spanned<T>) -> Location {
    Location::new(
        spanned.referenced.line() as usize,
        spanned.referenced.column() as usize,
    )
}

/// A field that takes one value or a list (`country: Brazil` or `country: [Brazil, Peru]`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub(crate) enum OneOrMany {
    /// A single value.
    One(String),
    /// A list of values.
    Many(Vec<String>),
}

impl OneOrMany {
    /// The values as a list.
    pub fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

/// review.yaml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Protocol {
    pub title: String,
    #[serde(default)]
    pub authors: Vec<String>,
    pub date: Option<Spanned<String>>,
    pub participants_noun: Option<String>,
    pub population: Option<String>,
    pub plain_language_summary: Option<Spanned<String>>,
    pub background: Option<Spanned<String>>,
    pub objectives: Option<Spanned<String>>,
    pub search: Option<Search>,
    pub selection_criteria: Option<Spanned<String>>,
    pub data_collection: Option<Spanned<String>>,
    pub outcomes: Vec<ProtocolOutcome>,
    #[serde(default)]
    pub comparisons: Vec<PlannedComparison>,
    pub discussion: Option<Spanned<String>>,
    pub conclusions: Option<Conclusions>,
    #[serde(default)]
    pub raw_html: bool,
}

/// The search.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Search {
    pub date: Option<Spanned<String>>,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub other: Vec<String>,
    pub flow: Option<Spanned<Flow>>,
}

/// An outcome of the protocol.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProtocolOutcome {
    pub id: Spanned<String>,
    pub name: String,
    pub detail: Option<String>,
    #[serde(default = "secondary")]
    pub priority: Priority,
    pub group: Option<String>,
}

fn secondary() -> Priority {
    Priority::Secondary
}

/// A comparison the protocol planned.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlannedComparison {
    pub id: Spanned<String>,
    pub name: String,
    pub experimental: Option<String>,
    pub control: Option<String>,
}

/// Authors' conclusions.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Conclusions {
    pub practice: Option<Spanned<String>>,
    pub research: Option<Spanned<String>>,
}

/// studies.yaml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StudiesFile {
    #[serde(default)]
    pub risk_of_bias_tool: RobTool,
    pub included: Vec<IncludedStudy>,
    #[serde(default)]
    pub excluded: Vec<ExcludedStudy>,
    #[serde(default)]
    pub ongoing: Vec<OtherStudy>,
    #[serde(default)]
    pub awaiting_classification: Vec<OtherStudy>,
}

/// An included study.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IncludedStudy {
    pub id: Spanned<String>,
    pub country: Option<OneOrMany>,
    pub participants: Option<Spanned<i64>>,
    pub participants_label: Option<String>,
    pub setting: Option<String>,
    pub comparison: Option<Spanned<String>>,
    pub methods: Option<Spanned<String>>,
    pub interventions: Option<Spanned<String>>,
    pub notes: Option<Spanned<String>>,
    #[serde(default)]
    pub outcomes_reported: Vec<ReportedOutcome>,
    #[serde(default)]
    pub risk_of_bias: BTreeMap<String, RobEntry>,
}

/// An outcome a study reported.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReportedOutcome {
    pub outcome: Spanned<String>,
    pub narrative: Option<Spanned<String>>,
}

/// One risk-of-bias judgement.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RobEntry {
    pub judgement: Spanned<String>,
    pub support: Option<Spanned<String>>,
}

/// An excluded study.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExcludedStudy {
    pub id: Spanned<String>,
    pub reason: Option<String>,
}

/// An ongoing study or one awaiting classification.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OtherStudy {
    pub id: Spanned<String>,
    pub description: Option<Spanned<String>>,
}

/// analyses.yaml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AnalysesFile {
    #[serde(default)]
    pub comparisons: Vec<ComparisonSpec>,
}

/// A comparison as written in analyses.yaml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ComparisonSpec {
    pub id: Spanned<String>,
    pub name: String,
    pub experimental: Option<String>,
    pub control: Option<String>,
    #[serde(default)]
    pub outcomes: Vec<OutcomeSpec>,
}

/// A GRADE assessment as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Certainty {
    pub level: CertaintyLevel,
    #[serde(default)]
    pub reasons: Vec<String>,
}

/// A data row as written: column name to value, with positions.
pub(crate) type RawRow = Spanned<BTreeMap<String, Spanned<Scalar>>>;

/// An outcome of a comparison, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OutcomeSpec {
    pub outcome: Spanned<String>,
    pub id: Option<Spanned<String>>,
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub data_type: Spanned<DataType>,
    pub measure: Spanned<String>,
    pub scale: Option<Spanned<ScaleKey>>,
    pub method: Option<Spanned<MethodKey>>,
    pub model: Option<Spanned<ModelKey>>,
    pub tau2: Option<Spanned<Tau2Key>>,
    pub hksj: Option<Spanned<bool>>,
    pub certainty: Option<Certainty>,
    pub important_effect: Option<Spanned<f64>>,
    pub assumed_risk: Option<Spanned<f64>>,
    pub studies: Option<Vec<RawRow>>,
    pub data: Option<Spanned<String>>,
    pub subgroups: Option<Vec<SubgroupSpec>>,
}

/// A subgroup as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SubgroupSpec {
    pub name: String,
    pub studies: Option<Vec<RawRow>>,
    pub data: Option<Spanned<String>>,
}

/// A cell value: a number or text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar {
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
