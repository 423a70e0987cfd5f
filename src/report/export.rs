//! results.csv: every analysis as rows in the columns of Review Manager 5's CSV analysis
//! export, so the numbers can be opened in a spreadsheet or compared with RevMan's own file.
//!
//! One row per comparison, one per outcome (the pooled result), one per subgroup, and one per
//! study row. Numbers are written with Rust's shortest round-trip formatting, so the file is
//! byte-identical across builds; a value that does not apply is an empty cell.

use std::fmt::{Display, Write};

use std::collections::HashMap;

use crate::model::{Comparison, DataType, Measure, MethodKey, ModelKey, Review};
use crate::results::{
    Heterogeneity, OutcomeResults, Pooled, Results, StudyResult, SubgroupDifferences,
};
use crate::stats::Row;

/// The header, as Review Manager 5 writes it.
pub const COLUMNS: &[&str] = &[
    "Comparison Number",
    "Outcome Number",
    "Subgroup Number",
    "Name",
    "Data Type",
    "Statistical Method",
    "Effect Measure",
    "Analysis Model",
    "Events 1",
    "Mean 1",
    "SD 1",
    "Total 1",
    "Events 2",
    "Mean 2",
    "SD 2",
    "Total 2",
    "Effect Estimate",
    "SE",
    "CI Start",
    "CI End",
    "Weight",
    "Q",
    "P(Q)",
    "I²(Q)",
    "Tau²",
    "Z",
    "P(Z)",
    "Qint",
    "P(Qint)",
    "I²(Qint)",
    "df",
    "Group Label 1",
    "Group Label 2",
    "Left Graph Label",
    "Right Graph Label",
    "Year of study",
    "User defined order",
];

/// Index of a column by name; the names are constants of this file. A `const fn` so that
/// [`c!`] resolves every name while compiling: a row sets ~20 cells, and comparing names per
/// cell was most of this file's cost.
const fn col(name: &str) -> usize {
    let mut i = 0;
    while i < COLUMNS.len() {
        if same(COLUMNS[i].as_bytes(), name.as_bytes()) {
            return i;
        }
        i += 1;
    }
    panic!("not a column of results.csv")
}

/// String equality usable in a `const fn`.
const fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// A column's index by name, computed at compile time (an unknown name fails the build).
macro_rules! c {
    ($name:literal) => {
        const { col($name) }
    };
}

/// What a spreadsheet formula may start with. Text from review files that starts so gets an
/// apostrophe before it (OWASP's advice on CSV injection), see [`Line::set_text`]; numbers are
/// written by `set`, never guarded.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A row being filled in, one cell per column. One buffer serves every row of the file: cells
/// keep their capacity from row to row instead of being allocated afresh.
struct Line(Vec<String>);

impl Line {
    /// Empties every cell and starts a row with its numbers (comparison, outcome, subgroup;
    /// "0" where none applies) and name.
    fn start(&mut self, numbers: [&str; 3], name: &str) -> &mut Line {
        for cell in &mut self.0 {
            cell.clear();
        }
        for (i, n) in numbers.iter().enumerate() {
            self.set_at(i, n);
        }
        self.set_text(c!("Name"), name);
        self
    }

    fn set_at(&mut self, index: usize, value: impl Display) {
        let cell = &mut self.0[index];
        cell.clear();
        write!(cell, "{value}").expect("writing to a String cannot fail");
    }

    /// Sets a text column (a label from the review files) so that a spreadsheet will not run it
    /// as a formula.
    fn set_text(&mut self, column: usize, value: &str) {
        let cell = &mut self.0[column];
        cell.clear();
        if value.starts_with(FORMULA_STARTS) {
            cell.push('\'');
        }
        cell.push_str(value);
    }

    fn set(&mut self, column: usize, value: impl Display) {
        self.set_at(column, value);
    }

    fn set_opt(&mut self, column: usize, value: Option<impl Display>) {
        if let Some(v) = value {
            self.set(column, v);
        }
    }
}

/// The CSV being written and the row being filled in.
struct Sheet {
    writer: csv::Writer<Vec<u8>>,
    line: Line,
}

impl Sheet {
    /// Starts the next row; [`Sheet::end`] writes it.
    fn start(&mut self, numbers: [&str; 3], name: &str) -> &mut Line {
        self.line.start(numbers, name)
    }

    fn end(&mut self) {
        self.writer
            .write_record(&self.line.0)
            .expect("writing CSV to memory cannot fail");
    }
}

/// The whole results.csv: the results, with each comparison's arm labels from the review.
pub fn results_csv(review: &Review, results: &Results) -> String {
    // About 170 bytes per row: one row per study row, outcome and subgroup.
    let rows: usize = results
        .outcomes()
        .map(|(_, o)| o.study_results.len() + o.subgroups.len() + 1)
        .sum();
    let mut sheet = Sheet {
        writer: csv::Writer::from_writer(Vec::with_capacity(1024 + rows * 200)),
        line: Line(vec![String::new(); COLUMNS.len()]),
    };
    sheet
        .writer
        .write_record(COLUMNS)
        .expect("writing CSV to memory cannot fail");
    // The first comparison with an id wins, as a search would find.
    let mut arms: HashMap<&str, &Comparison> = HashMap::new();
    for c in &review.comparisons {
        arms.entry(c.id.as_str()).or_insert(c);
    }
    for c in &results.comparisons {
        let number = c.number.to_string();
        sheet.start([&number, "0", "0"], &c.name);
        sheet.end();
        for r in &c.outcomes {
            let labels = crate::plot::Arms::of_analysis(arms.get(c.id.as_str()).copied(), &r.id);
            outcome_lines(
                &mut sheet,
                &number,
                (&labels.experimental, &labels.control),
                r,
            );
        }
    }
    let bytes = sheet
        .writer
        .into_inner()
        .expect("writing CSV to memory cannot fail");
    String::from_utf8(bytes).expect("CSV of UTF-8 strings is UTF-8")
}

/// The lines of one outcome of comparison number `comparison`: its own, then each subgroup's
/// and each study row's, numbered as the results number them (gaps kept).
fn outcome_lines(
    sheet: &mut Sheet,
    comparison: &str,
    (experimental, control): (&str, &str),
    r: &OutcomeResults,
) {
    let number = r.own_number();
    let head = sheet.start([comparison, number, "0"], &r.name);
    head.set(
        c!("Data Type"),
        match r.data_type() {
            DataType::Dichotomous => "DIC",
            DataType::Continuous => "CON",
            DataType::Generic => "GIV",
        },
    );
    head.set(
        c!("Statistical Method"),
        match r.method {
            MethodKey::MH => "MH",
            MethodKey::IV => "IV",
            MethodKey::Peto => "Peto",
        },
    );
    // Review Manager writes its codes (RR, OR, ...) for its own measures and a generic
    // measure's name ("Hazard Ratio").
    match &r.measure {
        Measure::Generic { name, .. } => head.set_text(c!("Effect Measure"), name),
        measure => head.set(c!("Effect Measure"), measure.label()),
    }
    head.set(
        c!("Analysis Model"),
        match r.model {
            ModelKey::Fixed => "Fixed",
            ModelKey::Random => "Random",
        },
    );
    totals(head, &r.study_results, r.data_type());
    pooled(head, r.pooled.as_ref(), r.heterogeneity.as_ref());
    if let Some(d) = &r.subgroup_differences {
        differences(head, d);
    }
    head.set_text(c!("Group Label 1"), experimental);
    head.set_text(c!("Group Label 2"), control);
    head.set(c!("Left Graph Label"), crate::format::favours(experimental));
    head.set(c!("Right Graph Label"), crate::format::favours(control));
    sheet.end();

    if r.has_subgroups() {
        for sub in &r.subgroups {
            let numbers = [comparison, number, sub.own_number()];
            let line = sheet.start(numbers, sub.name.as_deref().unwrap_or(""));
            totals(line, &sub.study_results, r.data_type());
            pooled(line, sub.pooled.as_ref(), sub.heterogeneity.as_ref());
            line.set(c!("Weight"), sub.weight);
            sheet.end();
            study_lines(sheet, numbers, &sub.study_results);
        }
    } else {
        study_lines(sheet, [comparison, number, "0"], &r.study_results);
    }
}

/// One line per study row, numbered `numbers`.
fn study_lines(sheet: &mut Sheet, numbers: [&str; 3], rows: &[StudyResult]) {
    for row in rows {
        let line = sheet.start(numbers, &row.label());
        if let Some(values) = row.data.get() {
            data_cells(line, &values);
        }
        study_cells(line, row);
        sheet.end();
    }
}

/// Events and totals summed over rows, as on RevMan's outcome and subgroup rows.
fn totals(line: &mut Line, rows: &[StudyResult], kind: DataType) {
    let (mut e_events, mut e_total, mut c_events, mut c_total) = (0, 0, 0, 0);
    let mut any = false;
    for row in rows {
        match row.data.get() {
            Some(Row::Dichotomous {
                e_events: ee,
                e_total: et,
                c_events: ce,
                c_total: ct,
            }) => {
                any = true;
                (e_events, e_total, c_events, c_total) =
                    (e_events + ee, e_total + et, c_events + ce, c_total + ct);
            }
            Some(Row::Continuous { e_n, c_n, .. }) => {
                any = true;
                (e_total, c_total) = (e_total + e_n, c_total + c_n);
            }
            Some(Row::Generic { .. }) | None => {}
        }
    }
    if any {
        if kind == DataType::Dichotomous {
            line.set(c!("Events 1"), e_events);
            line.set(c!("Events 2"), c_events);
        }
        line.set(c!("Total 1"), e_total);
        line.set(c!("Total 2"), c_total);
    }
}

/// The study's own numbers.
fn data_cells(line: &mut Line, row: &Row) {
    match *row {
        Row::Dichotomous {
            e_events,
            e_total,
            c_events,
            c_total,
        } => {
            line.set(c!("Events 1"), e_events);
            line.set(c!("Total 1"), e_total);
            line.set(c!("Events 2"), c_events);
            line.set(c!("Total 2"), c_total);
        }
        Row::Continuous {
            e_mean,
            e_sd,
            e_n,
            c_mean,
            c_sd,
            c_n,
        } => {
            line.set(c!("Mean 1"), e_mean);
            line.set(c!("SD 1"), e_sd);
            line.set(c!("Total 1"), e_n);
            line.set(c!("Mean 2"), c_mean);
            line.set(c!("SD 2"), c_sd);
            line.set(c!("Total 2"), c_n);
        }
        // RevMan's export has no estimate column for the data of a generic row: the
        // estimate columns below carry it.
        Row::Generic { .. } => {}
    }
}

/// A study row's estimate (natural scale), SE (analysis scale), interval and weight.
fn study_cells(line: &mut Line, row: &StudyResult) {
    if let (Some(estimate), Some(low), Some(high)) = (row.estimate, row.ci_low, row.ci_high) {
        line.set(c!("Effect Estimate"), estimate);
        line.set_opt(c!("SE"), row.effect().map(|e| e.se));
        line.set(c!("CI Start"), low);
        line.set(c!("CI End"), high);
    }
    line.set(c!("Weight"), row.weight);
}

/// A pooled result with its heterogeneity, on an outcome or subgroup row.
fn pooled(line: &mut Line, pooled: Option<&Pooled>, heterogeneity: Option<&Heterogeneity>) {
    if let Some(p) = pooled {
        line.set(c!("Effect Estimate"), p.estimate);
        line.set(c!("SE"), p.se);
        line.set(c!("CI Start"), p.ci_low);
        line.set(c!("CI End"), p.ci_high);
        line.set(c!("Z"), p.z.abs());
        line.set(c!("P(Z)"), p.p);
        line.set(c!("Weight"), 100);
    }
    if let Some(h) = heterogeneity {
        line.set(c!("Q"), h.q);
        line.set_opt(c!("P(Q)"), h.p);
        line.set_opt(c!("I²(Q)"), h.i2);
        line.set_opt(c!("Tau²"), h.tau2);
        line.set(c!("df"), h.df);
    }
}

/// The test for subgroup differences, on an outcome row.
fn differences(line: &mut Line, d: &SubgroupDifferences) {
    line.set(c!("Qint"), d.q);
    line.set_opt(c!("P(Qint)"), d.p);
    line.set_opt(c!("I²(Qint)"), d.i2);
}

#[cfg(test)]
mod text_cell_tests {
    use super::*;

    #[test]
    fn formulas_in_names_are_defused() {
        let mut line = Line(vec![String::new(); COLUMNS.len()]);
        for (text, cell) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("-2+3", "'-2+3"),
            ("\tx", "'\tx"),
            ("Smith 2004", "Smith 2004"),
        ] {
            line.start(["1", "2", "3"], text);
            assert_eq!(line.0[c!("Name")], cell);
        }
    }
}
