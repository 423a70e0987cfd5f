//! Where everything of a forest plot goes: the table's columns by data type, one body row per
//! study, subgroup heading, subtotal and footer line, the notes below the axis, every column
//! width from the measured text, and the effect axis.

use super::super::axis::Axis;
use super::super::svg::{Anchor, Font};
use super::{Arms, effect_text, favours};
use crate::format::{
    fixed, heterogeneity_line, measure_name, method_line, overall_effect_line,
    subgroup_differences_line,
};
use crate::model::{DataType, Review, RobDomain, Totals};
use crate::results::{Interval, OutcomeResults, Pooled, StudyResult};
use crate::stats::Row;

pub(super) const BODY: Font = Font::regular(11.0);
pub(super) const BOLD: Font = Font::bold(11.0);
pub(super) const SMALL: Font = Font::regular(9.0);
/// Height of one table row.
pub(super) const ROW: f64 = 16.0;
/// Baseline of a text within its row.
pub(super) const BASELINE: f64 = 12.0;
/// Space between columns.
const GAP: f64 = 12.0;
/// Space around the whole figure.
pub(super) const MARGIN: f64 = 10.0;
/// Width of the graph column.
const GRAPH: f64 = 220.0;
/// Width of one risk-of-bias dot column.
const DOT_COLUMN: f64 = 16.0;

/// What a body row draws in the graph column.
#[derive(Debug, Clone)]
pub(super) enum Mark {
    None,
    /// A study: index into the outcome's `study_results`.
    Study(usize),
    /// A pooled diamond (its interval on the analysis scale) with its class ("subtotal" or
    /// "total").
    Diamond(Option<Interval>, &'static str),
    /// The prediction interval bar (analysis scale).
    Prediction(f64, f64),
}

/// One body row: its cells in the table columns, or one text spanning the table.
#[derive(Debug, Clone)]
pub(super) struct BodyRow {
    pub cells: Vec<String>,
    pub bold: bool,
    pub spanning: Option<String>,
    pub mark: Mark,
}

impl BodyRow {
    fn spanning(text: String, bold: bool) -> BodyRow {
        BodyRow {
            cells: Vec::new(),
            bold,
            spanning: Some(text),
            mark: Mark::None,
        }
    }
}

/// Everything placed: columns, rows, axis.
pub(super) struct Layout {
    pub headers: Vec<String>,
    pub anchors: Vec<Anchor>,
    /// Right edge (numbers) or left edge (study names) of each table column.
    pub column_x: Vec<f64>,
    pub column_left: Vec<f64>,
    pub column_right: Vec<f64>,
    /// (label, first column, last column) over the column headers.
    pub spans: Vec<(String, usize, usize)>,
    pub rows: Vec<BodyRow>,
    /// Texts below the axis, one per line.
    pub notes: Vec<String>,
    pub axis: Axis,
    pub rob_x: Vec<f64>,
    pub domains: &'static [RobDomain],
    pub width: f64,
    pub body_top: f64,
}

impl Layout {
    /// The figure's height: header, rows, axis with favours labels, notes, margin.
    pub fn height(&self) -> f64 {
        self.body_top
            + ROW * self.rows.len() as f64
            + 2.0 * ROW
            + 10.0
            + ROW * self.notes.len() as f64
            + MARGIN
    }
}

/// A data value as entered (shortest exact decimal), with the typographic minus.
pub(super) fn entered(x: f64) -> String {
    use std::fmt::Write;
    // One string, its sign swapped in place: a large review enters tens of thousands.
    let mut text = String::with_capacity(16);
    let _ = write!(text, "{x}");
    if text.starts_with('-') {
        text.replace_range(..1, "\u{2212}");
    }
    text
}

/// Whether the plot has a Weight column: not when nothing is pooled (no totals), where every
/// weight is 0.
fn has_weights(result: &OutcomeResults) -> bool {
    result.totals != Totals::None
}

/// The table's column headers and the column groups of the two arms.
fn columns(result: &OutcomeResults) -> (Vec<String>, Vec<(usize, usize)>) {
    let mut headers = vec!["Study or Subgroup".to_string()];
    let arm = arm_columns(result.data_type());
    let name = measure_name(&result.measure, result.method);
    let mut spans = Vec::new();
    if arm.is_empty() {
        let estimate = if result.measure.is_ratio() {
            format!("log[{name}]")
        } else {
            name
        };
        headers.push(estimate);
        headers.push("SE".into());
    } else {
        for _ in 0..2 {
            let first = headers.len();
            headers.extend(arm.iter().map(std::string::ToString::to_string));
            spans.push((first, headers.len() - 1));
        }
    }
    if has_weights(result) {
        headers.push("Weight".into());
    }
    headers.push(method_line(result.method, result.model));
    (headers, spans)
}

/// The columns of each arm for a data type (none for generic data).
fn arm_columns(data_type: DataType) -> &'static [&'static str] {
    match data_type {
        DataType::Dichotomous => &["Events", "Total"],
        DataType::Continuous => &["Mean", "SD", "Total"],
        DataType::Generic => &[],
    }
}

/// Appends the data cells of one study row to `cells` (empty cells for a row whose data this
/// build did not see).
fn push_data_cells(values: Option<Row>, data_type: DataType, cells: &mut Vec<String>) {
    match values {
        Some(Row::Dichotomous {
            e_events,
            e_total,
            c_events,
            c_total,
        }) => cells.extend([
            e_events.to_string(),
            e_total.to_string(),
            c_events.to_string(),
            c_total.to_string(),
        ]),
        Some(Row::Continuous {
            e_mean,
            e_sd,
            e_n,
            c_mean,
            c_sd,
            c_n,
        }) => cells.extend([
            entered(e_mean),
            entered(e_sd),
            e_n.to_string(),
            entered(c_mean),
            entered(c_sd),
            c_n.to_string(),
        ]),
        Some(Row::Generic { estimate, se }) => cells.extend([entered(estimate), entered(se)]),
        None => {
            let n = match arm_columns(data_type).len() {
                0 => 2,
                per_arm => 2 * per_arm,
            };
            cells.extend(std::iter::repeat_n(String::new(), n));
        }
    }
}

/// The cells of a pooled row: label, arm totals, weight, effect. The totals stay plain digits
/// like the study rows above them (Review Manager prints a forest plot's events and totals as
/// entered, without separators); the figure's description and the text write them as
/// `format::count` does.
fn pooled_cells(
    result: &OutcomeResults,
    label: &str,
    rows: &[StudyResult],
    weight: f64,
    pooled: Option<&Pooled>,
) -> Vec<String> {
    let (mut e, mut c) = (0, 0);
    for row in rows {
        match row.data.get() {
            Some(Row::Dichotomous {
                e_total, c_total, ..
            }) => (e, c) = (e + e_total, c + c_total),
            Some(Row::Continuous { e_n, c_n, .. }) => (e, c) = (e + e_n, c + c_n),
            Some(Row::Generic { .. }) | None => {}
        }
    }
    let mut cells = vec![label.to_string()];
    match result.data_type() {
        DataType::Dichotomous => {
            cells.extend([String::new(), e.to_string(), String::new(), c.to_string()]);
        }
        DataType::Continuous => cells.extend([
            String::new(),
            String::new(),
            e.to_string(),
            String::new(),
            String::new(),
            c.to_string(),
        ]),
        DataType::Generic => cells.extend([String::new(), String::new()]),
    }
    if has_weights(result) {
        cells.push(format!("{}%", fixed(weight, 1)));
    }
    cells.push(pooled.map_or_else(|| "Not estimable".into(), effect_text));
    cells
}

/// The "Total events" row of dichotomous outcomes.
fn events_row(rows: &[StudyResult], columns: usize) -> Option<BodyRow> {
    let (mut e, mut c) = (0, 0);
    for row in rows {
        match row.data.get() {
            Some(Row::Dichotomous {
                e_events, c_events, ..
            }) => (e, c) = (e + e_events, c + c_events),
            _ => return None,
        }
    }
    let mut cells = vec![String::new(); columns];
    cells[0] = "Total events".into();
    cells[1] = e.to_string();
    cells[3] = c.to_string();
    Some(BodyRow {
        cells,
        bold: false,
        spanning: None,
        mark: Mark::None,
    })
}

/// The study rows of one group (the whole outcome or a subgroup); `offset` is the index of
/// its first row in the outcome's `study_results`.
fn group_rows(
    result: &OutcomeResults,
    rows: &[StudyResult],
    offset: usize,
    out: &mut Vec<BodyRow>,
) {
    for (k, row) in rows.iter().enumerate() {
        // Name, at most six data cells, weight and effect: one allocation for the row.
        let mut cells = Vec::with_capacity(9);
        cells.push(row.label());
        push_data_cells(row.data.get(), result.data_type(), &mut cells);
        let weights = has_weights(result);
        if let (Some(estimate), Some(low), Some(high)) = (row.estimate, row.ci_low, row.ci_high) {
            if weights {
                let mut weight = fixed(row.weight, 1);
                weight.push('%');
                cells.push(weight);
            }
            cells.push(crate::format::effect_bracketed(estimate, low, high));
        } else {
            if weights {
                cells.push(String::new());
            }
            cells.push("Not estimable".into());
        }
        out.push(BodyRow {
            cells,
            bold: false,
            spanning: None,
            mark: Mark::Study(offset + k),
        });
    }
}

/// The body rows and the notes below the axis: what Review Manager draws for the outcome's
/// totals. Overall: subgroups with their subtotals, the total, its heterogeneity and overall
/// effect, and the test for subgroup differences; subtotals only: the subgroups with their
/// subtotals and the test where asked, no total; none: the rows only.
fn body(result: &OutcomeResults, columns: usize) -> (Vec<BodyRow>, Vec<String>) {
    let mut rows = Vec::new();
    let hksj = result.uses_hksj();
    if result.has_subgroups() {
        let mut offset = 0;
        for (sub, group) in result.subgroup_rows() {
            rows.push(BodyRow::spanning(
                format!("{} {}", sub.number, sub.name.as_deref().unwrap_or("")),
                true,
            ));
            group_rows(result, group, offset, &mut rows);
            if result.pools_subgroups() {
                rows.push(BodyRow {
                    cells: pooled_cells(
                        result,
                        "Subtotal (95% CI)",
                        group,
                        sub.weight,
                        sub.pooled.as_ref(),
                    ),
                    bold: true,
                    spanning: None,
                    mark: Mark::Diamond(sub.pooled.and_then(|p| p.analysis.get()), "subtotal"),
                });
                rows.extend(events_row(group, columns));
                rows.push(BodyRow::spanning(
                    heterogeneity_line(sub.heterogeneity.as_ref()),
                    false,
                ));
                rows.push(BodyRow::spanning(
                    overall_effect_line(sub.pooled.as_ref(), hksj),
                    false,
                ));
            }
            rows.push(BodyRow::spanning(String::new(), false));
            offset += group.len();
        }
        if !result.pools_overall() {
            // The space between subgroups, not after the last.
            rows.pop();
        }
    } else {
        group_rows(result, &result.study_results, 0, &mut rows);
    }
    let mut notes = Vec::new();
    if result.pools_overall() {
        let total_weight = if result.pooled.is_some() { 100.0 } else { 0.0 };
        rows.push(BodyRow {
            cells: pooled_cells(
                result,
                "Total (95% CI)",
                &result.study_results,
                total_weight,
                result.pooled.as_ref(),
            ),
            bold: true,
            spanning: None,
            mark: Mark::Diamond(result.pooled.and_then(|p| p.analysis.get()), "total"),
        });
        rows.extend(events_row(&result.study_results, columns));
        if let Some(prediction) = &result.prediction
            && let Some((low, high)) = prediction.analysis.get()
        {
            let mut cells = vec![String::new(); columns];
            cells[0] = "Prediction interval".into();
            cells[columns - 1] = format!(
                "[{}, {}]",
                fixed(prediction.low, 2),
                fixed(prediction.high, 2)
            );
            rows.push(BodyRow {
                cells,
                bold: false,
                spanning: None,
                mark: Mark::Prediction(low, high),
            });
        }
        notes.push(heterogeneity_line(result.heterogeneity.as_ref()));
        notes.push(overall_effect_line(result.pooled.as_ref(), hksj));
    }
    if result.shows_subgroup_test() {
        notes.push(subgroup_differences_line(
            result.subgroup_differences.as_ref(),
        ));
    }
    (rows, notes)
}

/// Lays out the forest plot of an analysed outcome.
pub(super) fn layout(result: &OutcomeResults, arms: &Arms, review: &Review) -> Layout {
    let (headers, arm_spans) = columns(result);
    let n = headers.len();
    let (rows, mut notes) = body(result, n);
    let name = measure_name(&result.measure, result.method);
    let method = method_line(result.method, result.model);

    // Column widths from the measured text of every cell and header.
    let mut widths: Vec<f64> = headers.iter().map(|h| BOLD.width(h)).collect();
    for row in &rows {
        let font = if row.bold { BOLD } else { BODY };
        for (i, cell) in row.cells.iter().enumerate() {
            widths[i] = widths[i].max(font.width(cell));
        }
    }
    // A group label wider than its columns widens the last of them. Labels head columns, so
    // they start with a capital, as "Favours ..." need not ("antimicrobial" was imported from
    // Review Manager's "Favours antimicrobial").
    let labels = [
        crate::english::capitalise(&arms.experimental),
        crate::english::capitalise(&arms.control),
    ];
    let mut spans = Vec::new();
    for ((first, last), label) in arm_spans.iter().zip(labels) {
        let inner: f64 = widths[*first..=*last].iter().sum::<f64>() + GAP * (last - first) as f64;
        let need = BOLD.width(&label);
        if need > inner {
            widths[*last] += need - inner;
        }
        spans.push((label, *first, *last));
    }
    spans.push((name.clone(), n - 1, n - 1));
    let anchors: Vec<Anchor> = (0..n)
        .map(|i| if i == 0 { Anchor::Start } else { Anchor::End })
        .collect();
    let mut x = MARGIN;
    let (mut column_x, mut column_left, mut column_right) = (vec![], vec![], vec![]);
    for (i, w) in widths.iter().enumerate() {
        column_left.push(x);
        column_right.push(x + w);
        column_x.push(if anchors[i] == Anchor::Start {
            x
        } else {
            x + w
        });
        x += w + GAP;
    }
    // The graph is at least as wide as its two header lines.
    let graph = GRAPH.max(BOLD.width(&name)).max(BOLD.width(&method));
    let axis = Axis::symmetric(axis_extent(result), result.measure.is_ratio(), x, x + graph);
    x += graph + GAP;

    let has_rob = result
        .study_results
        .iter()
        .filter_map(|row| review.study(&row.study))
        .any(|s| !s.risk_of_bias.is_empty());
    let domains: &'static [RobDomain] = if has_rob {
        review.studies.risk_of_bias_tool.domains()
    } else {
        &[]
    };
    let mut rob_x = Vec::new();
    for domain in domains {
        let w = DOT_COLUMN.max(BOLD.width(domain.letter) + 4.0);
        rob_x.push(x + w / 2.0);
        x += w;
    }
    let mut width = x + MARGIN;
    for text in rows
        .iter()
        .filter_map(|r| r.spanning.as_ref())
        .chain(&notes)
    {
        width = width.max(MARGIN + BOLD.width(text) + MARGIN);
    }
    let null_x = axis.x(0.0);
    width = width.max(null_x + 4.0 + BODY.width(&favours(&arms.control)) + MARGIN);
    if has_rob {
        notes.push(String::new());
        notes.push("Risk of bias legend".into());
        for domain in domains {
            let line = format!("({}) {}", domain.letter, domain.name);
            width = width.max(2.0 * MARGIN + BODY.width(&line));
            notes.push(line);
        }
    }
    Layout {
        headers,
        anchors,
        column_x,
        column_left,
        column_right,
        spans,
        rows,
        notes,
        axis,
        rob_x,
        domains,
        width,
        body_top: MARGIN + 2.0 * ROW + 2.0,
    }
}

/// How far the axis must reach either side of the null (analysis scale): every study's
/// estimate and the pooled intervals (study intervals beyond it get arrows). When nothing is
/// pooled (no totals), the study intervals take the pooled intervals' place, so that the axis
/// is not cut at the outermost estimate.
fn axis_extent(result: &OutcomeResults) -> f64 {
    let pooled: Vec<Interval> = result
        .subgroups
        .iter()
        .filter_map(|g| g.pooled)
        .chain(result.pooled)
        .filter_map(|p| p.analysis.get())
        .collect();
    // Without totals nothing is pooled: each study's estimate and both ends of its interval.
    let per_study = if result.pools_overall() || result.pools_subgroups() {
        1
    } else {
        3
    };
    let studies = result
        .study_results
        .iter()
        .filter_map(StudyResult::effect)
        .flat_map(|e| {
            [e.y.abs(), e.ci_low.abs(), e.ci_high.abs()]
                .into_iter()
                .take(per_study)
        });
    let pooled = pooled
        .into_iter()
        .flat_map(|p| [p.ci_low.abs(), p.ci_high.abs()]);
    studies.chain(pooled).fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enters_values_as_the_reference() {
        // The writer before the sign was swapped in place.
        let reference = |x: f64| {
            let text = format!("{x}");
            match text.strip_prefix('-') {
                Some(rest) => format!("\u{2212}{rest}"),
                None => text,
            }
        };
        for x in [
            0.0,
            -0.0,
            1.5,
            -1.5,
            12.0,
            -0.001,
            1e21,
            -1e-7,
            f64::NAN,
            f64::NEG_INFINITY,
        ] {
            assert_eq!(entered(x), reference(x), "{x:e}");
        }
    }
}
