//! Data rows of an outcome, from YAML or CSV alike: named cells checked for their data type
//! (required columns, counts, events within totals, positive SDs) and turned into the engine's
//! rows.

use std::borrow::Cow;

use super::raw::Cell;
use crate::diagnostic::{Kind, Problems, SourceFile};
use crate::model::{DataRow, DataType, Origin, Studies};
use crate::stats::Row;

const NO_STUDY: Kind = Kind::error("a data row without a study");
const NOT_INCLUDED: Kind = Kind::error("a data row for a study that is not included");
const UNKNOWN_COLUMN: Kind = Kind::error("a column the data type does not have");
const MISSING_COLUMN: Kind = Kind::error("a data row without a column it needs");
const NOT_A_NUMBER: Kind = Kind::error("a text where a number belongs");
const OUT_OF_RANGE: Kind = Kind::error("a number outside what its column allows");
const EVENTS_OVER_TOTAL: Kind = Kind::error("more events than participants");

/// One named cell of a data row, from YAML or CSV. The name is borrowed from a CSV header,
/// so that the header is not copied into every row.
pub(crate) struct RowCell<'a> {
    pub name: Cow<'a, str>,
    pub value: Cell,
    pub line: usize,
    pub column: usize,
}

/// Checks data rows of one outcome or subgroup.
#[derive(Clone, Copy)]
pub(crate) struct RowReader<'a> {
    pub data_type: DataType,
    pub context: &'a str,
    /// The included studies; None when studies.yaml could not be read.
    pub included: Option<&'a Studies>,
}

impl RowReader<'_> {
    /// The row of `cells`, written at `at` of `file`; None when it has errors, which go to
    /// `problems`.
    pub(crate) fn read(
        &self,
        file: &SourceFile,
        cells: &[RowCell],
        at: (usize, usize),
        problems: &mut Problems,
    ) -> Option<DataRow> {
        let errors_before = problems.errors();
        let path = file.path.as_path();
        let required = self.data_type.required_columns();
        let optional = self.data_type.optional_columns();
        let is_known = |name: &str| {
            matches!(name, "study" | "arm") || required.contains(&name) || optional.contains(&name)
        };
        let study_cell = cells.iter().find(|c| c.name == "study");
        let study = if let Some(c) = study_cell {
            // As written: a study `007` is `007`, not the number 7.
            c.value.text.clone()
        } else {
            problems.add(path, NO_STUDY, |_| {
                file.error(
                    at.0,
                    at.1,
                    format!("{}: a data row needs a `study`", self.context),
                )
            });
            String::new()
        };
        // Written only into messages: a valid row does not pay for it.
        let ctx = || format!("{}, study `{study}`", self.context);
        if let (Some(included), Some(cell)) = (self.included, study_cell)
            && !study.is_empty()
            && !included.is_included(&study)
        {
            problems.add(path, NOT_INCLUDED, |hint| {
                let d = file.error(
                    cell.line,
                    cell.column,
                    format!(
                        "{}: `{study}` is not an included study of studies.yaml",
                        ctx()
                    ),
                );
                if !hint.0 {
                    return d;
                }
                // In sorted order, so that of equally near ids the first in that order wins.
                let mut ids: Vec<&str> = included
                    .included
                    .iter()
                    .map(|s| s.id.value.as_str())
                    .collect();
                ids.sort_unstable();
                d.suggest(&study, ids)
            });
        }
        for cell in cells {
            if !is_known(&cell.name) {
                problems.add(path, UNKNOWN_COLUMN, |hint| {
                    let known: Vec<&str> = std::iter::once("study")
                        .chain(required.iter().copied())
                        .chain(optional.iter().copied())
                        .chain(["arm"])
                        .collect();
                    file.error(
                        cell.line,
                        cell.column,
                        format!(
                            "{}: unknown column `{}` for {} data (expected {})",
                            ctx(),
                            cell.name,
                            self.data_type.as_str(),
                            known.join(", ")
                        ),
                    )
                    .suggest_if(hint, &cell.name, known.iter().copied())
                });
            }
        }
        // The checked numbers, by column name; a data type has at most eight columns, so a
        // search of this short list is cheaper than a map.
        let mut numbers: Vec<(&str, f64)> = Vec::with_capacity(required.len() + optional.len());
        for &name in required.iter().chain(optional) {
            let Some(cell) = cells.iter().find(|c| c.name == name) else {
                if required.contains(&name) {
                    problems.add(path, MISSING_COLUMN, |_| {
                        file.error(at.0, at.1, format!("{}: missing `{name}`", ctx()))
                    });
                }
                continue;
            };
            let error = |message: String| {
                file.error(cell.line, cell.column, format!("{}: {message}", ctx()))
            };
            let Some(value) = cell.value.number else {
                let t = &cell.value.text;
                problems.add(path, NOT_A_NUMBER, |_| {
                    error(format!("`{name}` must be a number, not `{t}`"))
                });
                continue;
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
                Some(p) => problems.add(path, OUT_OF_RANGE, |_| error(p)),
                None => numbers.push((name, value)),
            }
        }
        let number = |name: &str| numbers.iter().find(|(n, _)| *n == name).map(|&(_, v)| v);
        for (events, total) in [("e_events", "e_total"), ("c_events", "c_total")] {
            if let (Some(e), Some(t)) = (number(events), number(total))
                && e > t
            {
                let cell = cells
                    .iter()
                    .find(|c| c.name == events)
                    .expect("value came from a cell");
                problems.add(path, EVENTS_OVER_TOTAL, |_| {
                    file.error(
                        cell.line,
                        cell.column,
                        format!(
                            "{}: `{events}` ({e}) is greater than `{total}` ({t})",
                            ctx()
                        ),
                    )
                });
            }
        }
        if problems.errors() > errors_before {
            return None;
        }
        let value = |name: &str| number(name).expect("required columns were checked");
        let count = |name: &str| value(name) as u64;
        let optional_count = |name: &str| number(name).map_or(0, |v| v as u64);
        let values = match self.data_type {
            DataType::Dichotomous => Row::Dichotomous {
                e_events: count("e_events"),
                e_total: count("e_total"),
                c_events: count("c_events"),
                c_total: count("c_total"),
            },
            DataType::Continuous => Row::Continuous {
                e_mean: value("e_mean"),
                e_sd: value("e_sd"),
                e_n: count("e_n"),
                c_mean: value("c_mean"),
                c_sd: value("c_sd"),
                c_n: count("c_n"),
            },
            DataType::Generic => Row::Generic {
                estimate: value("estimate"),
                se: value("se"),
            },
        };
        // Participants as Review Manager counts them: both arms' totals (optional for generic
        // data).
        let participants = ["e_total", "c_total", "e_n", "c_n"]
            .iter()
            .map(|n| optional_count(n))
            .sum();
        let arm = cells
            .iter()
            .find(|c| c.name == "arm")
            .map(|c| c.value.text.trim().to_string())
            .filter(|a| !a.is_empty());
        Some(DataRow {
            study,
            arm,
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
