//! Data rows of an outcome, from YAML or CSV alike: named cells checked for their data type
//! (required columns, counts, events within totals, positive SDs) and turned into the engine's
//! rows.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::model::*;
use crate::stats::Row;

/// One named cell of a data row, from YAML or CSV.
pub(crate) struct RowCell {
    pub name: String,
    pub value: Scalar,
    pub line: usize,
    pub column: usize,
}

/// Checks data rows of one outcome or subgroup.
#[derive(Clone, Copy)]
pub(crate) struct RowReader<'a> {
    pub data_type: DataType,
    pub context: &'a str,
    /// The included study ids; None when studies.yaml could not be read.
    pub included: Option<&'a BTreeSet<&'a str>>,
}

impl RowReader<'_> {
    pub(crate) fn read(
        &self,
        file: &SourceFile,
        cells: &[RowCell],
        at: (usize, usize),
        problems: &mut Vec<Diagnostic>,
    ) -> Option<DataRow> {
        let before = problems.len();
        let required = self.data_type.required_columns();
        let optional = self.data_type.optional_columns();
        let known: Vec<&str> = std::iter::once("study")
            .chain(required.iter().copied())
            .chain(optional.iter().copied())
            .collect();
        let study = match cells.iter().find(|c| c.name == "study") {
            Some(c) => match &c.value {
                Scalar::Text(s) => s.clone(),
                Scalar::Number(n) => n.to_string(),
            },
            None => {
                problems.push(file.error(
                    at.0,
                    at.1,
                    format!("{}: a data row needs a `study`", self.context),
                ));
                String::new()
            }
        };
        let ctx = format!("{}, study `{study}`", self.context);
        if let Some(included) = self.included
            && !study.is_empty()
            && !included.contains(study.as_str())
        {
            let cell = cells
                .iter()
                .find(|c| c.name == "study")
                .expect("study found above");
            problems.push(
                file.error(
                    cell.line,
                    cell.column,
                    format!("{ctx}: `{study}` is not an included study of studies.yaml"),
                )
                .suggest(&study, included.iter().copied()),
            );
        }
        for cell in cells {
            if !known.contains(&cell.name.as_str()) {
                problems.push(
                    file.error(
                        cell.line,
                        cell.column,
                        format!(
                            "{ctx}: unknown column `{}` for {} data (expected {})",
                            cell.name,
                            self.data_type.as_str(),
                            known.join(", ")
                        ),
                    )
                    .suggest(&cell.name, known.iter().copied()),
                );
            }
        }
        let mut numbers: BTreeMap<&str, f64> = BTreeMap::new();
        for &name in required.iter().chain(optional) {
            let Some(cell) = cells.iter().find(|c| c.name == name) else {
                if required.contains(&name) {
                    problems.push(file.error(at.0, at.1, format!("{ctx}: missing `{name}`")));
                }
                continue;
            };
            let error =
                |message: String| file.error(cell.line, cell.column, format!("{ctx}: {message}"));
            let value = match &cell.value {
                Scalar::Number(n) => *n,
                Scalar::Text(t) => {
                    problems.push(error(format!("`{name}` must be a number, not `{t}`")));
                    continue;
                }
            };
            let is_count =
                name.ends_with("_events") || name.ends_with("_total") || name.ends_with("_n");
            let problem = if !value.is_finite() {
                Some(format!("`{name}` must be a finite number"))
            } else if is_count && value < 0.0 {
                Some(format!("`{name}` is negative ({value})"))
            } else if is_count && value.fract() != 0.0 {
                Some(format!("`{name}` must be a whole number, not {value}"))
            } else if is_count && value > 1e12 {
                // Scientific notation: 1e308 written out has 309 digits.
                Some(format!(
                    "`{name}` ({value:e}) is too large to be a count of participants"
                ))
            } else if (name.ends_with("_total") || name.ends_with("_n")) && value < 1.0 {
                Some(format!("`{name}` must be at least 1"))
            } else if (name.ends_with("_sd") || name == "se") && value <= 0.0 {
                Some(format!("`{name}` must be greater than 0 (got {value})"))
            } else {
                None
            };
            match problem {
                Some(p) => problems.push(error(p)),
                None => {
                    numbers.insert(name, value);
                }
            }
        }
        for arm in ["e", "c"] {
            let (events, total) = (format!("{arm}_events"), format!("{arm}_total"));
            if let (Some(e), Some(t)) = (numbers.get(events.as_str()), numbers.get(total.as_str()))
                && e > t
            {
                let cell = cells
                    .iter()
                    .find(|c| c.name == events)
                    .expect("value came from a cell");
                problems.push(file.error(
                    cell.line,
                    cell.column,
                    format!("{ctx}: `{events}` ({e}) is greater than `{total}` ({t})"),
                ));
            }
        }
        if problems[before..].iter().any(Diagnostic::is_error) {
            return None;
        }
        let count = |name: &str| numbers[name] as u64;
        let optional_count = |name: &str| numbers.get(name).map_or(0, |&v| v as u64);
        let values = match self.data_type {
            DataType::Dichotomous => Row::Dichotomous {
                e_events: count("e_events"),
                e_total: count("e_total"),
                c_events: count("c_events"),
                c_total: count("c_total"),
            },
            DataType::Continuous => Row::Continuous {
                e_mean: numbers["e_mean"],
                e_sd: numbers["e_sd"],
                e_n: count("e_n"),
                c_mean: numbers["c_mean"],
                c_sd: numbers["c_sd"],
                c_n: count("c_n"),
            },
            DataType::Generic => Row::Generic {
                estimate: numbers["estimate"],
                se: numbers["se"],
            },
        };
        // Participants as Review Manager counts them: both arms' totals (optional for generic
        // data).
        let participants = ["e_total", "c_total", "e_n", "c_n"]
            .iter()
            .map(|n| optional_count(n))
            .sum();
        Some(DataRow {
            study,
            values,
            participants,
            origin: Origin {
                file: file.path.clone(),
                line: at.0,
                column: at.1,
            },
        })
    }
}
