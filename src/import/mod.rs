//! Import from Review Manager: RevMan 5 review files (.rm5, XML) and RevMan 5's CSV analysis
//! export, turned into a revmark review folder (review.yaml, studies.yaml, analyses.yaml and
//! data CSV files).
//!
//! The readers (`rm5`, `revman_csv`) fill an [`Imported`] review and list everything they
//! could not carry over in its `report`; `write` turns it into file texts. No IO here: the
//! `import` command reads the file and writes the folder.

pub mod revman_csv;
pub mod rm5;
mod write;
pub mod xml;

pub use write::{import_report, review_files};

use crate::model::{DataType, MethodKey};
use crate::stats::Row;

/// A review as read from a RevMan file, before it is written as revmark files.
#[derive(Debug, Clone, Default)]
pub struct Imported {
    /// The review's title.
    pub title: String,
    /// Authors' names.
    pub authors: Vec<String>,
    /// review.yaml prose fields (field name, Markdown text), in the order written.
    pub prose: Vec<(&'static str, String)>,
    /// Implications for practice.
    pub practice: Option<String>,
    /// Implications for research.
    pub research: Option<String>,
    /// Included studies, in file order.
    pub studies: Vec<ImportedStudy>,
    /// Excluded studies with the reason.
    pub excluded: Vec<(String, Option<String>)>,
    /// Ongoing studies.
    pub ongoing: Vec<String>,
    /// Studies awaiting classification.
    pub awaiting: Vec<String>,
    /// The analyses.
    pub comparisons: Vec<ImportedComparison>,
    /// What could not be imported, one line each; never dropped silently.
    pub report: Vec<String>,
    /// Where the data came from ("Fleiss1993.rm5, read as UTF-8").
    pub source: String,
}

/// An included study.
#[derive(Debug, Clone, Default)]
pub struct ImportedStudy {
    /// The study id as RevMan shows it ("ISIS-2").
    pub id: String,
    /// Characteristics: methods.
    pub methods: Option<String>,
    /// Characteristics: interventions.
    pub interventions: Option<String>,
    /// Characteristics: notes (RevMan's participants and outcomes text is added here).
    pub notes: Option<String>,
    /// Risk of bias: (rob1 domain key, judgement key, support).
    pub risk_of_bias: Vec<(&'static str, &'static str, Option<String>)>,
}

/// A comparison with its outcomes.
#[derive(Debug, Clone, Default)]
pub struct ImportedComparison {
    /// The comparison's title.
    pub name: String,
    /// Its analysed outcomes.
    pub outcomes: Vec<ImportedOutcome>,
}

/// An analysed outcome.
#[derive(Debug, Clone)]
pub struct ImportedOutcome {
    /// The outcome's title.
    pub name: String,
    /// dichotomous, continuous or generic.
    pub data_type: DataType,
    /// RR OR RD MD SMD, or a generic label.
    pub measure: String,
    /// Generic outcomes: estimates are natural logs of ratios.
    pub ratio: bool,
    /// Pooling method.
    pub method: MethodKey,
    /// Random effects.
    pub random: bool,
    /// Experimental group label.
    pub experimental: String,
    /// Control group label.
    pub control: String,
    /// The data: one unnamed group, or the subgroups.
    pub groups: Vec<ImportedGroup>,
    /// Whether `groups` are subgroups.
    pub subgroups: bool,
}

/// One group of rows.
#[derive(Debug, Clone)]
pub struct ImportedGroup {
    /// The subgroup's title.
    pub name: Option<String>,
    /// The rows.
    pub rows: Vec<ImportedRow>,
}

/// One study's data in an outcome.
#[derive(Debug, Clone)]
pub struct ImportedRow {
    /// The study id.
    pub study: String,
    /// The numbers.
    pub values: Row,
}

/// Refuses input larger than revmark reads from any file ([`crate::load::MAX_FILE_BYTES`]),
/// before any of it is decoded.
pub(crate) fn check_size(bytes: &[u8], name: &str) -> Result<(), String> {
    let limit = crate::load::MAX_FILE_BYTES;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "{name}: the file is {} bytes; revmark reads files of at most {limit} bytes",
            bytes.len()
        ));
    }
    Ok(())
}

/// Checks a row against revmark's rules (the same as load/validate: whole positive totals,
/// events within totals, positive SDs and SEs); returns why it cannot be imported.
pub fn row_problem(row: &Row) -> Option<&'static str> {
    match *row {
        Row::Dichotomous {
            e_events,
            e_total,
            c_events,
            c_total,
        } => {
            if e_total == 0 || c_total == 0 {
                Some("a total is 0 (no data entered)")
            } else if e_events > e_total || c_events > c_total {
                Some("events exceed the total")
            } else {
                None
            }
        }
        Row::Continuous {
            e_mean,
            e_sd,
            e_n,
            c_mean,
            c_sd,
            c_n,
        } => {
            if e_n == 0 || c_n == 0 {
                Some("a group size is 0 (no data entered)")
            } else if e_sd.is_nan() || c_sd.is_nan() || e_sd <= 0.0 || c_sd <= 0.0 {
                Some("a standard deviation is not greater than 0")
            } else if !(e_mean.is_finite() && c_mean.is_finite()) {
                Some("a mean is missing")
            } else {
                None
            }
        }
        Row::Generic { estimate, se } => {
            if !estimate.is_finite() {
                Some("the estimate is missing")
            } else if se.is_nan() || se <= 0.0 {
                Some("the standard error is not greater than 0")
            } else {
                None
            }
        }
    }
}

/// The data type, measure and method of a RevMan measure code and method code, or why they
/// cannot be imported.
pub(crate) fn measure_of(
    data_type: DataType,
    measure: &str,
    method: &str,
) -> Result<(String, MethodKey), String> {
    let method_key = match method.to_ascii_uppercase().as_str() {
        "MH" => MethodKey::MH,
        "PETO" => MethodKey::Peto,
        "IV" | "INVERSE" | "" => MethodKey::IV,
        other => return Err(format!("statistical method `{other}` is not supported")),
    };
    let measure = measure.to_ascii_uppercase();
    match data_type {
        DataType::Dichotomous => match measure.as_str() {
            "PETO_OR" | "PETO OR" => Ok(("OR".into(), MethodKey::Peto)),
            "RR" | "OR" | "RD" => Ok((measure, method_key)),
            other => Err(format!(
                "dichotomous effect measure `{other}` is not supported"
            )),
        },
        DataType::Continuous => match measure.as_str() {
            "MD" | "SMD" => Ok((measure, MethodKey::IV)),
            other => Err(format!(
                "continuous effect measure `{other}` is not supported"
            )),
        },
        DataType::Generic => Ok((
            if measure.is_empty() {
                "Effect".into()
            } else {
                measure
            },
            MethodKey::IV,
        )),
    }
}

/// Whether a generic measure label is analysed on the log scale.
pub(crate) fn is_ratio_label(measure: &str) -> bool {
    matches!(
        measure.to_ascii_uppercase().as_str(),
        "RR" | "OR" | "HR" | "IRR" | "RATE RATIO" | "PETO_OR" | "ROM" | "RATIO"
    )
}
