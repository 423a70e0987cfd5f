//! Review Manager 5 style forest plots: the data table (columns by data type), weights,
//! effects with confidence intervals as text, the graph (squares, CI lines with arrows where
//! the axis clips them, diamonds, the line of no effect), subgroup headings and footers in
//! RevMan's wording, the prediction interval and risk-of-bias dots with their legend.
//!
//! Reads the engine's results only: every number drawn comes from [`OutcomeResult`] or is a
//! data value as entered.

use super::axis::Axis;
use super::svg::{Anchor, Font, Svg};
use super::{Figure, Palette, glyph, glyph_baseline};
use crate::format::{
    effect_bracketed, fixed, heterogeneity_line, measure_name, method_line, overall_effect_line,
    push_effect_bracketed, push_fixed, subgroup_differences_line,
};
use crate::model::{Comparison, DataRow, DataType, Review, RobDomain};
use crate::stats::{Measure, Model, OutcomeResult, Pooled, Row};

const BODY: Font = Font::regular(11.0);
const BOLD: Font = Font::bold(11.0);
const SMALL: Font = Font::regular(9.0);
/// Height of one table row.
const ROW: f64 = 16.0;
/// Baseline of a text within its row.
const BASELINE: f64 = 12.0;
/// Space between columns.
const GAP: f64 = 12.0;
/// Space around the whole figure.
const MARGIN: f64 = 10.0;
/// Width of the graph column.
const GRAPH: f64 = 220.0;
/// The largest square's side, for the heaviest study.
const MAX_SQUARE: f64 = 12.0;
/// Squares never shrink below this, so light studies stay visible.
const MIN_SQUARE: f64 = 3.0;
/// Width of one risk-of-bias dot column.
const DOT_COLUMN: f64 = 16.0;
/// Square colour by data type, as meta's RevMan emulation draws them.
const DICHOTOMOUS_BLUE: &str = "#1F4E9A";
const CONTINUOUS_GREEN: &str = "#2E7D32";
const GENERIC_RED: &str = "#B22222";

/// Whether the pooled tests are HKSJ t tests.
fn hksj(result: &OutcomeResult) -> bool {
    result.settings.hksj && result.settings.model == Model::Random
}

/// A data value as entered (shortest exact decimal), with the typographic minus.
fn entered(x: f64) -> String {
    use std::fmt::Write;
    // One string, its sign swapped in place: a large review enters tens of thousands.
    let mut text = String::with_capacity(16);
    let _ = write!(text, "{x}");
    if text.starts_with('-') {
        text.replace_range(..1, "\u{2212}");
    }
    text
}

/// What a body row draws in the graph column.
#[derive(Debug, Clone)]
enum Mark {
    None,
    /// A study: index into `overall.rows`.
    Study(usize),
    /// A pooled diamond with its class ("subtotal" or "total").
    Diamond(Option<Pooled>, &'static str),
    /// The prediction interval bar.
    Prediction(f64, f64),
}

/// One body row: its cells in the table columns, or one text spanning the table.
#[derive(Debug, Clone)]
struct BodyRow {
    cells: Vec<String>,
    bold: bool,
    spanning: Option<String>,
    mark: Mark,
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
struct Layout {
    headers: Vec<String>,
    anchors: Vec<Anchor>,
    /// Right edge (numbers) or left edge (study names) of each table column.
    column_x: Vec<f64>,
    column_left: Vec<f64>,
    column_right: Vec<f64>,
    /// (label, first column, last column) over the column headers.
    spans: Vec<(String, usize, usize)>,
    rows: Vec<BodyRow>,
    /// Texts below the axis, one per line.
    notes: Vec<String>,
    axis: Axis,
    rob_x: Vec<f64>,
    domains: &'static [RobDomain],
    width: f64,
    body_top: f64,
}

/// The forest plot's axis, exactly as [`forest`] places it (for tests and callers that
/// annotate the figure).
pub fn forest_axis(result: &OutcomeResult, comparison: &Comparison, review: &Review) -> Axis {
    layout(result, comparison, review).axis
}

/// The forest plot of one analysed outcome.
pub fn forest(result: &OutcomeResult, comparison: &Comparison, review: &Review) -> Figure {
    let layout = layout(result, comparison, review);
    let data_rows = data_rows(result);
    // Each study's sentence is its row's tooltip and part of the description.
    let sentences: Vec<String> = data_rows
        .iter()
        .enumerate()
        .map(|(i, row)| study_sentence(result, row, i))
        .collect();
    let title = format!(
        "Forest plot of comparison {}: {}, outcome {} {}",
        result.number.split('.').next().unwrap_or(""),
        comparison.name,
        result.number,
        result.outcome.name
    );
    let description = describe(result, &sentences);
    // Header, rows, axis with favours labels, notes, margin: every height is known now, so
    // the root element is written first and the body is never copied behind it.
    let height = layout.body_top
        + ROW * layout.rows.len() as f64
        + 2.0 * ROW
        + 10.0
        + ROW * layout.notes.len() as f64
        + MARGIN;
    // About 2 kB a row (a study row with risk-of-bias dots writes about that much).
    let mut svg = Svg::document(
        (layout.width, height),
        &title,
        &description,
        4096 + 2048 * layout.rows.len(),
    );
    let mut y = MARGIN;

    // Header: spans, then column headers, then a rule.
    for (label, first, last) in &layout.spans {
        let centre = (layout.column_left[*first] + layout.column_right[*last]) / 2.0;
        svg.text(centre, y + BASELINE, Anchor::Middle, BOLD, label);
    }
    let name = measure_name(result);
    let method = method_line(result);
    let graph_centre = (layout.axis.left + layout.axis.right) / 2.0;
    svg.text(graph_centre, y + BASELINE, Anchor::Middle, BOLD, &name);
    y += ROW;
    for (i, header) in layout.headers.iter().enumerate() {
        svg.text(
            layout.column_x[i],
            y + BASELINE,
            layout.anchors[i],
            BOLD,
            header,
        );
    }
    svg.text(graph_centre, y + BASELINE, Anchor::Middle, BOLD, &method);
    for (domain, x) in layout.domains.iter().zip(&layout.rob_x) {
        svg.text(*x, y + BASELINE, Anchor::Middle, BOLD, domain.letter);
    }
    y += ROW + 2.0;
    svg.line((MARGIN, y), (layout.width - MARGIN, y), "#000000", 0.5);
    debug_assert!((y - layout.body_top).abs() < 1e-9);

    let rows_top = y;
    let null_x = layout.axis.x(0.0);
    let colour = match result.outcome.data_type() {
        DataType::Dichotomous => DICHOTOMOUS_BLUE,
        DataType::Continuous => CONTINUOUS_GREEN,
        DataType::Generic => GENERIC_RED,
    };
    let max_weight = result
        .overall
        .rows
        .iter()
        .map(|r| r.weight)
        .fold(0.0, f64::max);
    let tool = review.studies.risk_of_bias_tool;
    let palette = Palette::default();
    for row in &layout.rows {
        let mid = y + ROW / 2.0;
        let font = if row.bold { BOLD } else { BODY };
        let group = match &row.mark {
            Mark::Study(i) => {
                svg.open("study", Some(&sentences[*i]));
                true
            }
            Mark::Diamond(_, class) => {
                svg.open(class, None);
                true
            }
            Mark::Prediction(..) => {
                svg.open("prediction", None);
                true
            }
            Mark::None => false,
        };
        if let Some(text) = &row.spanning {
            svg.text(MARGIN, y + BASELINE, Anchor::Start, font, text);
        }
        for (i, cell) in row.cells.iter().enumerate() {
            if !cell.is_empty() {
                svg.text(
                    layout.column_x[i],
                    y + BASELINE,
                    layout.anchors[i],
                    font,
                    cell,
                );
            }
        }
        match &row.mark {
            Mark::Study(i) => {
                let result_row = &result.overall.rows[*i];
                if let Some(effect) = result_row.effect {
                    draw_interval(&mut svg, &layout.axis, effect.ci_low, effect.ci_high, mid);
                    if layout.axis.contains(effect.y) {
                        let side =
                            (MAX_SQUARE * (result_row.weight / max_weight).sqrt()).max(MIN_SQUARE);
                        let x = layout.axis.x(effect.y);
                        svg.rect(
                            (x - side / 2.0, mid - side / 2.0),
                            (side, side),
                            colour,
                            None,
                        );
                    }
                }
                let study = review.study(&data_rows[*i].study);
                for (domain, x) in layout.domains.iter().zip(&layout.rob_x) {
                    if let Some(study) = study {
                        let judgement = study.judgement(tool, domain);
                        svg.circle((*x, mid), 6.0, palette.fill(judgement), Some("#555555"));
                        svg.text_filled(
                            *x,
                            mid + glyph_baseline(judgement, 10.0),
                            Anchor::Middle,
                            Font::bold(10.0),
                            glyph(judgement),
                            Some(palette.ink(judgement)),
                        );
                    }
                }
            }
            Mark::Diamond(Some(pooled), _) => {
                let axis = &layout.axis;
                let centre = axis.clamped_x(pooled.y);
                let points = [
                    (axis.clamped_x(pooled.ci_low), mid),
                    (centre, mid - 5.0),
                    (axis.clamped_x(pooled.ci_high), mid),
                    (centre, mid + 5.0),
                ];
                svg.polygon("diamond", &points, "#000000");
            }
            Mark::Prediction(low, high) => {
                let axis = &layout.axis;
                let (l, r) = (axis.clamped_x(*low), axis.clamped_x(*high));
                svg.rect((l, mid - 2.0), (r - l, 4.0), "#9E1B1B", None);
            }
            Mark::Diamond(None, _) | Mark::None => {}
        }
        if group {
            svg.close();
        }
        y += ROW;
    }

    // The line of no effect, the axis with ticks, and the favours labels.
    svg.line((null_x, rows_top), (null_x, y), "#000000", 0.75);
    let axis = &layout.axis;
    svg.open("axis", None);
    svg.line((axis.left, y), (axis.right, y), "#000000", 0.75);
    for tick in &axis.ticks {
        let x = axis.x(tick.value);
        svg.line((x, y), (x, y + 4.0), "#000000", 0.75);
        svg.text(x, y + 4.0 + BASELINE, Anchor::Middle, SMALL, &tick.label);
    }
    let favours_y = y + ROW + 4.0 + BASELINE;
    svg.text(
        null_x - 4.0,
        favours_y,
        Anchor::End,
        BODY,
        &favours(&comparison.experimental),
    );
    svg.text(
        null_x + 4.0,
        favours_y,
        Anchor::Start,
        BODY,
        &favours(&comparison.control),
    );
    svg.close();
    y += 2.0 * ROW + 10.0;

    svg.open("footer", None);
    for note in &layout.notes {
        svg.text(MARGIN, y + BASELINE, Anchor::Start, BODY, note);
        y += ROW;
    }
    svg.close();
    y += MARGIN;
    debug_assert_eq!(y, height, "the height written first is the height drawn");
    Figure {
        file: format!("forest-{}.svg", result.number),
        svg: svg.end(),
        title,
        description,
    }
}

/// "Favours [BCG]".
fn favours(label: &str) -> String {
    format!("Favours [{label}]")
}

/// A CI line, clamped to the axis, with an arrow head on each clipped end.
fn draw_interval(svg: &mut Svg, axis: &Axis, low: f64, high: f64, mid: f64) {
    let (l, r) = (axis.clamped_x(low), axis.clamped_x(high));
    svg.line((l, mid), (r, mid), "#000000", 1.0);
    if !axis.contains(low) {
        svg.polygon(
            "arrow",
            &[(l, mid), (l + 6.0, mid - 3.5), (l + 6.0, mid + 3.5)],
            "#000000",
        );
    }
    if !axis.contains(high) {
        svg.polygon(
            "arrow",
            &[(r, mid), (r - 6.0, mid - 3.5), (r - 6.0, mid + 3.5)],
            "#000000",
        );
    }
}

/// The data rows of the outcome in the order of `overall.rows`.
fn data_rows<'a>(result: &'a OutcomeResult) -> Vec<&'a DataRow> {
    result
        .outcome
        .groups
        .iter()
        .flat_map(|g| g.rows.iter())
        .collect()
}

/// The effect of a row or pooled result as "0.62 [0.45, 0.85]".
fn effect_text(measure: Measure, y: f64, low: f64, high: f64) -> String {
    effect_bracketed(
        measure.to_natural(y),
        measure.to_natural(low),
        measure.to_natural(high),
    )
}

/// "Aronson 1948: 0.41 [0.13, 1.26], weight 5.1%", written into one string of about the
/// right size (one per study row).
fn study_sentence(result: &OutcomeResult, row: &DataRow, index: usize) -> String {
    let row_result = &result.overall.rows[index];
    let mut out = String::with_capacity(row.study.len() + 48);
    out.push_str(&row.study);
    match row_result.effect {
        Some(e) => {
            let measure = result.measure();
            out.push_str(": ");
            push_effect_bracketed(
                &mut out,
                measure.to_natural(e.y),
                measure.to_natural(e.ci_low),
                measure.to_natural(e.ci_high),
            );
            out.push_str(", weight ");
            push_fixed(&mut out, row_result.weight, 1);
            out.push('%');
        }
        None => out.push_str(": not estimable"),
    }
    out
}

/// The figure's description: every study's result (`sentences`, from [`study_sentence`])
/// and the pooled results.
fn describe(result: &OutcomeResult, sentences: &[String]) -> String {
    use std::fmt::Write;
    // Appended into one string sized for the study sentences, which are nearly all of it,
    // instead of a string per part joined at the end.
    let studies: usize = sentences.iter().map(|s| s.len() + 2).sum();
    let mut out = String::with_capacity(studies + 256);
    let _ = write!(
        out,
        "{} ({}) for {}.",
        measure_name(result),
        method_line(result),
        result.outcome.name
    );
    for sentence in sentences {
        out.push(' ');
        out.push_str(sentence);
        out.push('.');
    }
    for (group, data) in result.subgroups.iter().zip(&result.outcome.groups) {
        let _ = write!(
            out,
            " Subtotal {} {}: {}.",
            group.number,
            data.name.as_deref().unwrap_or(""),
            pooled_text(result.measure(), group.fit.pooled.as_ref())
        );
    }
    let _ = write!(
        out,
        " Total (95% CI): {} ({} studies, {} participants).",
        pooled_text(result.measure(), result.overall.pooled.as_ref()),
        result.studies,
        result.participants
    );
    if let Some((low, high)) = result.overall.prediction {
        let _ = write!(
            out,
            " 95% prediction interval: {} to {}.",
            fixed(result.measure().to_natural(low), 2),
            fixed(result.measure().to_natural(high), 2)
        );
    }
    out
}

/// A pooled effect as text, or "not estimable".
fn pooled_text(measure: Measure, pooled: Option<&Pooled>) -> String {
    pooled.map_or_else(
        || "not estimable".into(),
        |p| effect_text(measure, p.y, p.ci_low, p.ci_high),
    )
}

/// The table's column headers and alignment for a data type.
fn columns(result: &OutcomeResult) -> (Vec<String>, Vec<(usize, usize)>) {
    let mut headers = vec!["Study or Subgroup".to_string()];
    let arm: &[&str] = match result.outcome.data_type() {
        DataType::Dichotomous => &["Events", "Total"],
        DataType::Continuous => &["Mean", "SD", "Total"],
        DataType::Generic => &[],
    };
    let mut spans = Vec::new();
    if arm.is_empty() {
        let estimate = if result.measure().is_ratio() {
            format!("log[{}]", measure_name(result))
        } else {
            measure_name(result)
        };
        headers.push(estimate);
        headers.push("SE".into());
    } else {
        for _ in 0..2 {
            let first = headers.len();
            headers.extend(arm.iter().map(|s| s.to_string()));
            spans.push((first, headers.len() - 1));
        }
    }
    headers.push("Weight".into());
    headers.push(method_line(result));
    (headers, spans)
}

/// Appends the data cells of one study row to `cells`.
fn push_data_cells(values: &Row, cells: &mut Vec<String>) {
    match *values {
        Row::Dichotomous {
            e_events,
            e_total,
            c_events,
            c_total,
        } => cells.extend([
            e_events.to_string(),
            e_total.to_string(),
            c_events.to_string(),
            c_total.to_string(),
        ]),
        Row::Continuous {
            e_mean,
            e_sd,
            e_n,
            c_mean,
            c_sd,
            c_n,
        } => cells.extend([
            entered(e_mean),
            entered(e_sd),
            e_n.to_string(),
            entered(c_mean),
            entered(c_sd),
            c_n.to_string(),
        ]),
        Row::Generic { estimate, se } => cells.extend([entered(estimate), entered(se)]),
    }
}

/// The cells of a pooled row: label, arm totals, weight, effect.
fn pooled_cells(
    result: &OutcomeResult,
    label: &str,
    rows: &[&DataRow],
    weight: f64,
    pooled: Option<&Pooled>,
) -> Vec<String> {
    let (mut e, mut c) = (0, 0);
    for row in rows {
        match row.values {
            Row::Dichotomous {
                e_total, c_total, ..
            } => (e, c) = (e + e_total, c + c_total),
            Row::Continuous { e_n, c_n, .. } => (e, c) = (e + e_n, c + c_n),
            Row::Generic { .. } => {}
        }
    }
    let mut cells = vec![label.to_string()];
    match result.outcome.data_type() {
        DataType::Dichotomous => cells.extend(["".into(), e.to_string(), "".into(), c.to_string()]),
        DataType::Continuous => cells.extend([
            "".into(),
            "".into(),
            e.to_string(),
            "".into(),
            "".into(),
            c.to_string(),
        ]),
        DataType::Generic => cells.extend(["".into(), "".into()]),
    }
    cells.push(format!("{}%", fixed(weight, 1)));
    cells.push(pooled.map_or_else(
        || "Not estimable".into(),
        |p| effect_text(result.measure(), p.y, p.ci_low, p.ci_high),
    ));
    cells
}

/// The "Total events" row of dichotomous outcomes.
fn events_row(rows: &[&DataRow], columns: usize) -> Option<BodyRow> {
    let (mut e, mut c) = (0, 0);
    for row in rows {
        match row.values {
            Row::Dichotomous {
                e_events, c_events, ..
            } => (e, c) = (e + e_events, c + c_events),
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
/// its first row in `overall.rows`.
fn group_rows(result: &OutcomeResult, rows: &[&DataRow], offset: usize, out: &mut Vec<BodyRow>) {
    for (k, row) in rows.iter().enumerate() {
        let index = offset + k;
        let row_result = &result.overall.rows[index];
        // Name, at most six data cells, weight and effect: one allocation for the row.
        let mut cells = Vec::with_capacity(9);
        cells.push(row.study.clone());
        push_data_cells(&row.values, &mut cells);
        match row_result.effect {
            Some(e) => {
                let mut weight = fixed(row_result.weight, 1);
                weight.push('%');
                cells.push(weight);
                cells.push(effect_text(result.measure(), e.y, e.ci_low, e.ci_high));
            }
            None => {
                cells.push(String::new());
                cells.push("Not estimable".into());
            }
        }
        out.push(BodyRow {
            cells,
            bold: false,
            spanning: None,
            mark: Mark::Study(index),
        });
    }
}

fn layout(result: &OutcomeResult, comparison: &Comparison, review: &Review) -> Layout {
    let (headers, arm_spans) = columns(result);
    let n = headers.len();
    let data = data_rows(result);
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    let total_label = "Total (95% CI)";
    if result.outcome.has_subgroups {
        let mut offset = 0;
        for ((group, data_group), sub) in result
            .outcome
            .groups
            .iter()
            .zip(&result.outcome.groups)
            .zip(&result.subgroups)
        {
            let group_data: Vec<&DataRow> = group.rows.iter().collect();
            rows.push(BodyRow::spanning(
                format!(
                    "{} {}",
                    sub.number,
                    data_group.name.as_deref().unwrap_or("")
                ),
                true,
            ));
            group_rows(result, &group_data, offset, &mut rows);
            let weight: f64 = result.overall.rows[offset..offset + group_data.len()]
                .iter()
                .map(|r| r.weight)
                .sum();
            rows.push(BodyRow {
                cells: pooled_cells(
                    result,
                    "Subtotal (95% CI)",
                    &group_data,
                    weight,
                    sub.fit.pooled.as_ref(),
                ),
                bold: true,
                spanning: None,
                mark: Mark::Diamond(sub.fit.pooled, "subtotal"),
            });
            rows.extend(events_row(&group_data, n));
            rows.push(BodyRow::spanning(
                heterogeneity_line(sub.fit.heterogeneity.as_ref()),
                false,
            ));
            rows.push(BodyRow::spanning(
                overall_effect_line(sub.fit.pooled.as_ref(), hksj(result)),
                false,
            ));
            rows.push(BodyRow::spanning(String::new(), false));
            offset += group_data.len();
        }
    } else {
        group_rows(result, &data, 0, &mut rows);
    }
    let total_weight = if result.overall.pooled.is_some() {
        100.0
    } else {
        0.0
    };
    rows.push(BodyRow {
        cells: pooled_cells(
            result,
            total_label,
            &data,
            total_weight,
            result.overall.pooled.as_ref(),
        ),
        bold: true,
        spanning: None,
        mark: Mark::Diamond(result.overall.pooled, "total"),
    });
    rows.extend(events_row(&data, n));
    if let Some((low, high)) = result.overall.prediction {
        let measure = result.measure();
        let mut cells = vec![String::new(); n];
        cells[0] = "Prediction interval".into();
        cells[n - 1] = format!(
            "[{}, {}]",
            fixed(measure.to_natural(low), 2),
            fixed(measure.to_natural(high), 2)
        );
        rows.push(BodyRow {
            cells,
            bold: false,
            spanning: None,
            mark: Mark::Prediction(low, high),
        });
    }
    notes.push(heterogeneity_line(result.overall.heterogeneity.as_ref()));
    notes.push(overall_effect_line(
        result.overall.pooled.as_ref(),
        hksj(result),
    ));
    if result.outcome.has_subgroups {
        notes.push(subgroup_differences_line(result.differences.as_ref()));
    }

    // Column widths from the measured text of every cell and header.
    let mut widths: Vec<f64> = headers.iter().map(|h| BOLD.width(h)).collect();
    for row in &rows {
        let font = if row.bold { BOLD } else { BODY };
        for (i, cell) in row.cells.iter().enumerate() {
            widths[i] = widths[i].max(font.width(cell));
        }
    }
    // A group label wider than its columns widens the last of them.
    let labels = [comparison.experimental.clone(), comparison.control.clone()];
    let mut spans = Vec::new();
    for ((first, last), label) in arm_spans.iter().zip(labels) {
        let inner: f64 = widths[*first..=*last].iter().sum::<f64>() + GAP * (last - first) as f64;
        let need = BOLD.width(&label);
        if need > inner {
            widths[*last] += need - inner;
        }
        spans.push((label, *first, *last));
    }
    spans.push((measure_name(result), n - 1, n - 1));
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
    let graph = GRAPH
        .max(BOLD.width(&measure_name(result)))
        .max(BOLD.width(&method_line(result)));
    let extent = axis_extent(result);
    let axis = Axis::symmetric(extent, result.measure().is_ratio(), x, x + graph);
    x += graph + GAP;

    let has_rob = data
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
    width = width.max(null_x + 4.0 + BODY.width(&favours(&comparison.control)) + MARGIN);
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

/// How far the axis must reach either side of the null: every study's estimate and the
/// pooled intervals (study intervals beyond it get arrows).
fn axis_extent(result: &OutcomeResult) -> f64 {
    let studies = result
        .overall
        .rows
        .iter()
        .filter_map(|r| r.effect)
        .map(|e| e.y.abs());
    let pooled = result
        .subgroups
        .iter()
        .filter_map(|g| g.fit.pooled)
        .chain(result.overall.pooled)
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
