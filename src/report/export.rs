//! results.csv: every analysis as rows in the columns of Review Manager 5's CSV analysis
//! export, so the numbers can be opened in a spreadsheet or compared with RevMan's own file.
//!
//! One row per comparison, one per outcome (the pooled result), one per subgroup, and one per
//! study row. Numbers are written with Rust's shortest round-trip formatting, so the file is
//! byte-identical across builds; a value that does not apply is an empty cell.

use crate::model::{DataRow, DataType, MethodKey, ModelKey};
use crate::stats::{ComparisonResult, Fit, Heterogeneity, Measure, OutcomeResult, Row, RowResult};

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

/// Index of a column by name; the names are constants of this file.
fn col(name: &str) -> usize {
    COLUMNS
        .iter()
        .position(|c| *c == name)
        .expect("a known column")
}

/// Text from review files as a CSV cell that a spreadsheet will not run as a formula: a
/// leading `=`, `+`, `-`, `@`, tab or carriage return gets an apostrophe before it (OWASP's
/// advice on CSV injection). Numbers are written by `set`, never through here.
fn text_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// A row being filled in, one cell per column.
struct Line(Vec<String>);

impl Line {
    fn new(numbers: [usize; 3], name: &str) -> Line {
        let mut cells = vec![String::new(); COLUMNS.len()];
        for (i, n) in numbers.iter().enumerate() {
            cells[i] = n.to_string();
        }
        cells[col("Name")] = text_cell(name);
        Line(cells)
    }

    /// Sets a text column (a label from the review files), guarded like [`text_cell`].
    fn set_text(&mut self, column: &str, value: &str) {
        self.0[col(column)] = text_cell(value);
    }

    fn set(&mut self, column: &str, value: impl ToString) {
        self.0[col(column)] = value.to_string();
    }

    fn set_opt(&mut self, column: &str, value: Option<impl ToString>) {
        if let Some(v) = value {
            self.set(column, v);
        }
    }
}

/// The whole results.csv.
pub fn results_csv(results: &[ComparisonResult]) -> String {
    let mut lines = Vec::new();
    for c in results {
        lines.push(Line::new([c.number, 0, 0], &c.comparison.name));
        for (j, r) in c.outcomes.iter().enumerate() {
            outcome_lines(&mut lines, c, j + 1, r);
        }
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    let written = writer
        .write_record(COLUMNS)
        .and_then(|()| lines.iter().try_for_each(|l| writer.write_record(&l.0)));
    written.expect("writing CSV to memory cannot fail");
    let bytes = writer
        .into_inner()
        .expect("writing CSV to memory cannot fail");
    String::from_utf8(bytes).expect("CSV of UTF-8 strings is UTF-8")
}

fn outcome_lines(lines: &mut Vec<Line>, c: &ComparisonResult, number: usize, r: &OutcomeResult) {
    let o = r.outcome;
    let measure = r.measure();
    let all_rows: Vec<&DataRow> = o.groups.iter().flat_map(|g| &g.rows).collect();
    let mut head = Line::new([c.number, number, 0], &o.name);
    head.set(
        "Data Type",
        match o.data_type {
            DataType::Dichotomous => "DIC",
            DataType::Continuous => "CON",
            DataType::Generic => "GIV",
        },
    );
    head.set(
        "Statistical Method",
        match o.method {
            MethodKey::MH => "MH",
            MethodKey::IV => "IV",
            MethodKey::Peto => "Peto",
        },
    );
    head.set("Effect Measure", &o.measure);
    head.set(
        "Analysis Model",
        match o.model {
            ModelKey::Fixed => "Fixed",
            ModelKey::Random => "Random",
        },
    );
    totals(&mut head, all_rows.iter().copied(), o.data_type);
    pooled(&mut head, &r.overall, measure);
    if let Some(d) = &r.differences {
        head.set("Qint", d.q);
        head.set_opt("P(Qint)", d.p);
        head.set_opt("I²(Qint)", d.i2);
    }
    head.set_text("Group Label 1", &c.comparison.experimental);
    head.set_text("Group Label 2", &c.comparison.control);
    head.set(
        "Left Graph Label",
        format!("Favours {}", c.comparison.experimental),
    );
    head.set(
        "Right Graph Label",
        format!("Favours {}", c.comparison.control),
    );
    lines.push(head);

    let mut offset = 0;
    for (k, group) in o.groups.iter().enumerate() {
        let overall_rows = &r.overall.rows[offset..offset + group.rows.len()];
        offset += group.rows.len();
        let (own_rows, subgroup) = if o.has_subgroups {
            let sub = &r.subgroups[k];
            let mut line = Line::new(
                [c.number, number, k + 1],
                group.name.as_deref().unwrap_or(""),
            );
            totals(&mut line, group.rows.iter(), o.data_type);
            pooled(&mut line, &sub.fit, measure);
            line.set("Weight", overall_rows.iter().map(|w| w.weight).sum::<f64>());
            lines.push(line);
            (&sub.fit.rows[..], k + 1)
        } else {
            (overall_rows, 0)
        };
        for ((row, weighted), own) in group.rows.iter().zip(overall_rows).zip(own_rows) {
            let mut line = Line::new([c.number, number, subgroup], &row.study);
            data_cells(&mut line, &row.values);
            study_cells(&mut line, own, weighted.weight, measure);
            lines.push(line);
        }
    }
}

/// Events and totals summed over rows, as on RevMan's outcome and subgroup rows.
fn totals<'r>(line: &mut Line, rows: impl Iterator<Item = &'r DataRow>, kind: DataType) {
    let (mut e_events, mut e_total, mut c_events, mut c_total) = (0, 0, 0, 0);
    let mut any = false;
    for row in rows {
        match row.values {
            Row::Dichotomous {
                e_events: ee,
                e_total: et,
                c_events: ce,
                c_total: ct,
            } => {
                any = true;
                (e_events, e_total, c_events, c_total) =
                    (e_events + ee, e_total + et, c_events + ce, c_total + ct);
            }
            Row::Continuous { e_n, c_n, .. } => {
                any = true;
                (e_total, c_total) = (e_total + e_n, c_total + c_n);
            }
            Row::Generic { .. } => {}
        }
    }
    if any {
        if kind == DataType::Dichotomous {
            line.set("Events 1", e_events);
            line.set("Events 2", c_events);
        }
        line.set("Total 1", e_total);
        line.set("Total 2", c_total);
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
            line.set("Events 1", e_events);
            line.set("Total 1", e_total);
            line.set("Events 2", c_events);
            line.set("Total 2", c_total);
        }
        Row::Continuous {
            e_mean,
            e_sd,
            e_n,
            c_mean,
            c_sd,
            c_n,
        } => {
            line.set("Mean 1", e_mean);
            line.set("SD 1", e_sd);
            line.set("Total 1", e_n);
            line.set("Mean 2", c_mean);
            line.set("SD 2", c_sd);
            line.set("Total 2", c_n);
        }
        // RevMan's export has no estimate column for the data of a generic row: the
        // estimate columns below carry it.
        Row::Generic { .. } => {}
    }
}

/// A study row's estimate (natural scale), SE (analysis scale), interval and weight.
fn study_cells(line: &mut Line, own: &RowResult, weight: f64, measure: Measure) {
    if let Some(e) = &own.effect {
        line.set("Effect Estimate", measure.to_natural(e.y));
        line.set("SE", e.se);
        line.set("CI Start", measure.to_natural(e.ci_low));
        line.set("CI End", measure.to_natural(e.ci_high));
    }
    line.set("Weight", weight);
}

/// A pooled result with its heterogeneity, on an outcome or subgroup row.
fn pooled(line: &mut Line, fit: &Fit, measure: Measure) {
    if let Some(p) = &fit.pooled {
        line.set("Effect Estimate", measure.to_natural(p.y));
        line.set("SE", p.se);
        line.set("CI Start", measure.to_natural(p.ci_low));
        line.set("CI End", measure.to_natural(p.ci_high));
        line.set("Z", p.z.abs());
        line.set("P(Z)", p.p);
        line.set("Weight", 100);
    }
    if let Some(h) = &fit.heterogeneity {
        heterogeneity(line, h);
    }
}

fn heterogeneity(line: &mut Line, h: &Heterogeneity) {
    line.set("Q", h.q);
    line.set_opt("P(Q)", h.p);
    line.set_opt("I²(Q)", h.i2);
    line.set_opt("Tau²", h.tau2);
    line.set("df", h.df);
}

#[cfg(test)]
mod text_cell_tests {
    use super::text_cell;

    #[test]
    fn formulas_in_names_are_defused() {
        assert_eq!(text_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(text_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text_cell("Smith 2004"), "Smith 2004");
    }
}
