//! RevMan 5's CSV analysis export ("Data and analyses" exported as CSV), also the format of
//! revmark's own results.csv: comparison rows, outcome rows with the settings, subgroup rows
//! and study rows.

use std::collections::{BTreeMap, HashSet};

use super::xml;
use super::{
    Imported, ImportedComparison, ImportedGroup, ImportedOutcome, ImportedRow, ImportedStudy,
    is_ratio_label, measure_of, row_problem,
};
use crate::model::DataType;
use crate::stats::Row;

/// Reads the export's bytes (`name` is used in messages).
pub fn read(bytes: &[u8], name: &str) -> Result<Imported, String> {
    super::check_size(bytes, name)?;
    let decoded = xml::decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(decoded.text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| format!("{name}: {e}"))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let column: BTreeMap<&str, usize> = header
        .iter()
        .enumerate()
        .map(|(i, h)| (h.as_str(), i))
        .collect();
    for required in [
        "Comparison Number",
        "Outcome Number",
        "Subgroup Number",
        "Name",
    ] {
        if !column.contains_key(required) {
            return Err(format!(
                "{name}: the column `{required}` is missing; export it from RevMan with the comparison, outcome and subgroup numbers"
            ));
        }
    }
    let mut imported = Imported {
        title: std::path::Path::new(name)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "Imported review".into()),
        source: format!(
            "{name} (RevMan CSV analysis export), read as {}",
            decoded.encoding
        ),
        ..Imported::default()
    };
    imported.report.push(
        "A CSV analysis export holds the analyses only: the review's text, characteristics of studies and risk of bias were not in it.".into(),
    );
    for h in &header {
        if !crate::report::export::COLUMNS.contains(&h.as_str()) {
            imported.report.push(format!(
                "Column `{h}` has no place in revmark and was not imported."
            ));
        }
    }

    // Studies already listed: a set, so that many studies stay linear.
    let mut known_studies: HashSet<String> = HashSet::new();
    // State: the outcome being read and whether it is skipped.
    let mut skip_outcome = false;
    let mut current_subgroup = 0usize;
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = record.map_err(|e| format!("{name}: line {line}: {e}"))?;
        let cell = |h: &str| {
            let text = column
                .get(h)
                .and_then(|&i| record.get(i))
                .map(str::trim)
                .unwrap_or("");
            // revmark's own results.csv guards text against spreadsheet formulas with an
            // apostrophe (report::export::text_cell); take it off again.
            match text.strip_prefix('\'') {
                Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
                _ => text,
            }
        };
        let int = |h: &str| cell(h).parse::<usize>().ok();
        let (Some(c_no), Some(o_no), Some(s_no)) = (
            int("Comparison Number"),
            int("Outcome Number"),
            int("Subgroup Number"),
        ) else {
            return Err(format!(
                "{name}: line {line}: the comparison, outcome and subgroup numbers must be whole numbers"
            ));
        };
        let row_name = cell("Name").to_string();
        if o_no == 0 {
            imported.comparisons.push(ImportedComparison {
                name: row_name,
                outcomes: Vec::new(),
            });
            continue;
        }
        if imported.comparisons.len() < c_no {
            imported
                .comparisons
                .resize_with(c_no, || ImportedComparison {
                    name: format!("Comparison {c_no}"),
                    outcomes: Vec::new(),
                });
        }
        let comparison = &mut imported.comparisons[c_no - 1];
        let number = format!("{c_no}.{o_no}");
        if s_no == 0 && !cell("Data Type").is_empty() {
            current_subgroup = 0;
            let data_type = match cell("Data Type").to_ascii_uppercase().as_str() {
                "DIC" | "DICH" => DataType::Dichotomous,
                "CON" | "CONT" => DataType::Continuous,
                "GIV" | "IV" => DataType::Generic,
                other => {
                    imported.report.push(format!(
                        "Analysis {number} \"{row_name}\" has data type `{other}`, which revmark cannot analyse; it was not imported."
                    ));
                    skip_outcome = true;
                    continue;
                }
            };
            let raw_measure = cell("Effect Measure");
            match measure_of(data_type, raw_measure, cell("Statistical Method")) {
                Ok((measure, method)) => {
                    skip_outcome = false;
                    let label = |h: &str, default: &str| {
                        let v = cell(h);
                        if v.is_empty() {
                            default.to_string()
                        } else {
                            v.to_string()
                        }
                    };
                    comparison.outcomes.push(ImportedOutcome {
                        name: row_name,
                        data_type,
                        measure,
                        ratio: data_type == DataType::Generic && is_ratio_label(raw_measure),
                        method,
                        random: cell("Analysis Model").eq_ignore_ascii_case("random"),
                        experimental: label("Group Label 1", "Experimental"),
                        control: label("Group Label 2", "Control"),
                        groups: vec![ImportedGroup {
                            name: None,
                            rows: Vec::new(),
                        }],
                        subgroups: false,
                    });
                }
                Err(why) => {
                    imported.report.push(format!(
                        "Analysis {number} \"{row_name}\" was not imported: {why}."
                    ));
                    skip_outcome = true;
                }
            }
            continue;
        }
        if skip_outcome {
            continue;
        }
        let Some(outcome) = comparison.outcomes.last_mut() else {
            imported.report.push(format!(
                "{name}: line {line}: a study row before any outcome row was not imported."
            ));
            continue;
        };
        if s_no != current_subgroup {
            // The first row of a new subgroup number is the subgroup's own row.
            current_subgroup = s_no;
            if !outcome.subgroups {
                outcome.subgroups = true;
                outcome.groups.clear();
            }
            outcome.groups.push(ImportedGroup {
                name: Some(row_name),
                rows: Vec::new(),
            });
            continue;
        }
        let num = |h: &str| cell(h).parse::<f64>().unwrap_or(f64::NAN);
        let count = |h: &str| cell(h).parse::<u64>().unwrap_or(0);
        let values = match outcome.data_type {
            DataType::Dichotomous => Row::Dichotomous {
                e_events: count("Events 1"),
                e_total: count("Total 1"),
                c_events: count("Events 2"),
                c_total: count("Total 2"),
            },
            DataType::Continuous => Row::Continuous {
                e_mean: num("Mean 1"),
                e_sd: num("SD 1"),
                e_n: count("Total 1"),
                c_mean: num("Mean 2"),
                c_sd: num("SD 2"),
                c_n: count("Total 2"),
            },
            // The export gives the estimate on the natural scale and its SE on the
            // analysis scale.
            DataType::Generic => Row::Generic {
                estimate: if outcome.ratio {
                    num("Effect Estimate").ln()
                } else {
                    num("Effect Estimate")
                },
                se: num("SE"),
            },
        };
        if let Some(why) = row_problem(&values) {
            imported.report.push(format!(
                "Analysis {number} \"{}\": the row of study {row_name} (line {line}) was not imported: {why}.",
                outcome.name
            ));
            continue;
        }
        if known_studies.insert(row_name.clone()) {
            imported.studies.push(ImportedStudy {
                id: row_name.clone(),
                ..ImportedStudy::default()
            });
        }
        outcome
            .groups
            .last_mut()
            .expect("an outcome has a group")
            .rows
            .push(ImportedRow {
                study: row_name,
                values,
            });
    }
    Ok(imported)
}
