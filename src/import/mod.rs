//! Import from Review Manager: RevMan 5 review files (.rm5, XML), RevMan 5's CSV analysis
//! export and RevMan Web data packages (zip or folder), turned into a revmark review folder
//! (review.yaml, studies.yaml, analyses.yaml, data CSV files and IMPORT-REPORT.md).
//!
//! Every reader fills the same typed [`Document`] with all that its source holds; `write`
//! carries over what revmark's review format can hold and claims it in a [`Ledger`]; the
//! report names, from the document's [`inventory`], every part that was not carried over, with
//! its count, and every row or setting that could not be read. No IO here but the reading
//! of an extracted package's folder: the `import` command reads the file and writes the folder.

pub mod document;
pub mod inventory;
pub mod package;
pub mod references;
pub mod revman_csv;
pub mod rm5;
mod sof;
pub mod write;
pub mod xml;

pub use document::Document;
pub use inventory::{Ledger, inventory};
pub use write::{Written, review_files};

use std::collections::BTreeMap;

use crate::model::{DataType, MethodKey};
use crate::stats::Row;

/// Largest count accepted in a data row: no trial has more participants.
pub const MAX_COUNT: u64 = 1_000_000_000;

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

/// A value as written, or why it is not usable.
fn value<'a>(entered: &'a BTreeMap<String, String>, key: &str) -> Result<&'a str, String> {
    match entered.get(key).map(String::as_str) {
        None => Err(format!("`{key}` is missing")),
        Some("") => Err(format!("`{key}` is empty")),
        Some(v) => Ok(v),
    }
}

/// A count: a whole number from 0 to [`MAX_COUNT`]; anything else is named with its value.
fn count(entered: &BTreeMap<String, String>, key: &str) -> Result<u64, String> {
    let text = value(entered, key)?;
    let v: f64 = text
        .parse()
        .map_err(|_| format!("`{key}` is \"{text}\", not a number"))?;
    if v.is_nan() {
        Err(format!("`{key}` is \"{text}\", not a number"))
    } else if v < 0.0 {
        Err(format!("`{key}` is {text}, a negative count"))
    } else if v > MAX_COUNT as f64 {
        Err(format!(
            "`{key}` is {text}, more than the largest count revmark accepts ({MAX_COUNT})"
        ))
    } else if v.fract() != 0.0 {
        Err(format!("`{key}` is {text}, not a whole number"))
    } else {
        Ok(v as u64)
    }
}

/// A finite real number.
fn real(entered: &BTreeMap<String, String>, key: &str) -> Result<f64, String> {
    let text = value(entered, key)?;
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(format!("`{key}` is \"{text}\", not a finite number")),
    }
}

/// A row's values from Review Manager's attribute names (EVENTS_1, TOTAL_1, MEAN_1, SD_1,
/// ESTIMATE, SE, ...), every value checked; a generic row also gives its participants
/// (TOTAL_1, TOTAL_2) when they are there and not 0. `estimate` stands in for a generic row
/// without ESTIMATE (older files).
pub(crate) fn parse_row(
    data_type: DataType,
    entered: &BTreeMap<String, String>,
    estimate: Option<f64>,
) -> Result<(Row, Option<(u64, u64)>), String> {
    Ok(match data_type {
        DataType::Dichotomous => (
            Row::Dichotomous {
                e_events: count(entered, "EVENTS_1")?,
                e_total: count(entered, "TOTAL_1")?,
                c_events: count(entered, "EVENTS_2")?,
                c_total: count(entered, "TOTAL_2")?,
            },
            None,
        ),
        DataType::Continuous => (
            Row::Continuous {
                e_mean: real(entered, "MEAN_1")?,
                e_sd: real(entered, "SD_1")?,
                e_n: count(entered, "TOTAL_1")?,
                c_mean: real(entered, "MEAN_2")?,
                c_sd: real(entered, "SD_2")?,
                c_n: count(entered, "TOTAL_2")?,
            },
            None,
        ),
        DataType::Generic => {
            let estimate = match (entered.contains_key("ESTIMATE"), estimate) {
                (false, Some(e)) => e,
                _ => real(entered, "ESTIMATE")?,
            };
            let totals = match (entered.get("TOTAL_1"), entered.get("TOTAL_2")) {
                (None, None) => None,
                _ => Some((count(entered, "TOTAL_1")?, count(entered, "TOTAL_2")?))
                    .filter(|(e, c)| e + c > 0),
            };
            (
                Row::Generic {
                    estimate,
                    se: real(entered, "SE")?,
                },
                totals,
            )
        }
    })
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

/// The short label of a Review Manager effect measure name ("Hazard Ratio" → HR, "Ratio of
/// means" → RoM); other names are kept as written ("Rate Ratio"). The name itself is kept
/// beside the label where it differs from the label's own (`measure_name`).
pub(crate) fn measure_label(name: &str) -> String {
    let known = [
        ("hazard ratio", "HR"),
        ("ratio of means", "RoM"),
        ("odds ratio", "OR"),
        ("peto odds ratio", "Peto OR"),
        ("risk ratio", "RR"),
        ("risk difference", "RD"),
        ("mean difference", "MD"),
        ("std. mean difference", "SMD"),
        ("standardized mean difference", "SMD"),
        ("standardised mean difference", "SMD"),
    ];
    let lower = name.trim().to_lowercase();
    known
        .iter()
        .find(|(n, _)| *n == lower)
        .map_or_else(|| name.trim().to_string(), |(_, l)| l.to_string())
}

/// The data type, measure and method of a RevMan measure code and method code, or why they
/// cannot be imported.
pub(crate) fn measure_of(
    data_type: DataType,
    measure: &str,
    method: &str,
) -> Result<(String, MethodKey), String> {
    let method_key = match method.trim().to_ascii_uppercase().as_str() {
        "MH" => MethodKey::MH,
        "PETO" | "EXP_O_E_VAR" => MethodKey::Peto,
        "IV" | "INVERSE" | "" => MethodKey::IV,
        other => return Err(format!("statistical method `{other}` is not supported")),
    };
    let label = measure_label(measure);
    let upper = label.to_ascii_uppercase();
    match data_type {
        DataType::Dichotomous => match upper.as_str() {
            "PETO_OR" | "PETO OR" => Ok(("OR".into(), MethodKey::Peto)),
            "RR" | "OR" | "RD" => Ok((upper, method_key)),
            other => Err(format!(
                "dichotomous effect measure `{other}` is not supported"
            )),
        },
        DataType::Continuous => match upper.as_str() {
            "MD" | "SMD" => Ok((upper, MethodKey::IV)),
            other => Err(format!(
                "continuous effect measure `{other}` is not supported"
            )),
        },
        DataType::Generic => Ok((
            if label.is_empty() {
                "Effect".into()
            } else {
                label
            },
            MethodKey::IV,
        )),
    }
}

/// Whether a generic measure label is analysed on the log scale.
pub(crate) fn is_ratio_label(measure: &str) -> bool {
    let label = measure_label(measure).to_ascii_uppercase();
    matches!(
        label.as_str(),
        "RR" | "OR"
            | "HR"
            | "IRR"
            | "RATE RATIO"
            | "PETO_OR"
            | "PETO OR"
            | "ROM"
            | "RATIO"
            | "RATIO OF MEANS"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entered(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    // Issue 13: NaN, -3, 2.5, "" and 1e308 used to become 0 or 18446744073709551615.
    #[test]
    fn refuses_counts_that_are_not_whole_numbers_in_range() {
        for (bad, why) in [
            ("NaN", "not a number"),
            ("abc", "not a number"),
            ("-3", "negative"),
            ("2.5", "not a whole number"),
            ("", "empty"),
            ("1e308", "more than the largest count"),
            ("inf", "more than the largest count"),
        ] {
            let row = entered(&[
                ("EVENTS_1", bad),
                ("TOTAL_1", "10"),
                ("EVENTS_2", "1"),
                ("TOTAL_2", "10"),
            ]);
            let err = parse_row(DataType::Dichotomous, &row, None).unwrap_err();
            assert!(
                err.contains("EVENTS_1") && err.contains(why),
                "{bad}: {err}"
            );
        }
        let missing = entered(&[("TOTAL_1", "10"), ("EVENTS_2", "1"), ("TOTAL_2", "10")]);
        let err = parse_row(DataType::Dichotomous, &missing, None).unwrap_err();
        assert!(err.contains("missing"), "{err}");
        let fine = entered(&[
            ("EVENTS_1", "3"),
            ("TOTAL_1", "10.0"),
            ("EVENTS_2", "1"),
            ("TOTAL_2", "10"),
        ]);
        assert_eq!(
            parse_row(DataType::Dichotomous, &fine, None).unwrap().0,
            Row::Dichotomous {
                e_events: 3,
                e_total: 10,
                c_events: 1,
                c_total: 10
            }
        );
    }

    #[test]
    fn reads_generic_rows_with_their_participants() {
        let row = entered(&[
            ("ESTIMATE", "0.46"),
            ("SE", "0.2"),
            ("TOTAL_1", "92"),
            ("TOTAL_2", "74"),
        ]);
        let (values, totals) = parse_row(DataType::Generic, &row, None).unwrap();
        assert_eq!(
            values,
            Row::Generic {
                estimate: 0.46,
                se: 0.2
            }
        );
        assert_eq!(totals, Some((92, 74)));
        let no_totals = entered(&[
            ("ESTIMATE", "0.46"),
            ("SE", "0.2"),
            ("TOTAL_1", "0"),
            ("TOTAL_2", "0"),
        ]);
        assert_eq!(
            parse_row(DataType::Generic, &no_totals, None).unwrap().1,
            None
        );
        let nan_se = entered(&[("ESTIMATE", "0.46"), ("SE", "NaN")]);
        assert!(parse_row(DataType::Generic, &nan_se, None).is_err());
    }

    #[test]
    fn labels_review_manager_measures() {
        assert_eq!(measure_label("Hazard Ratio"), "HR");
        assert_eq!(measure_label("Ratio of Means"), "RoM");
        assert_eq!(measure_label("Rate Ratio"), "Rate Ratio");
        assert!(is_ratio_label("Hazard Ratio") && is_ratio_label("Ratio of Means"));
        assert!(!is_ratio_label("Mean Difference"));
    }
}
