//! Draws a laid-out forest plot: the header, every body row with its square, interval,
//! diamond or prediction bar and risk-of-bias dots, the line of no effect, the axis with its
//! favours labels, and the notes.

use super::super::axis::Axis;
use super::super::svg::{Anchor, Svg};
use super::super::{Palette, judgement_dot};
use super::layout::{BASELINE, BODY, BOLD, Layout, MARGIN, Mark, ROW, SMALL};
use super::{Arms, favours};
use crate::format::{measure_name, method_line};
use crate::model::{DataType, Review};
use crate::results::{OutcomeResults, StudyResult};

/// The largest square's side, for the heaviest study.
const MAX_SQUARE: f64 = 12.0;
/// Squares never shrink below this, so light studies stay visible.
const MIN_SQUARE: f64 = 3.0;
/// Every square's side when nothing is pooled, so no study has a weight.
const UNWEIGHTED_SQUARE: f64 = 6.0;
/// Square colour by data type, as meta's RevMan emulation draws them.
const DICHOTOMOUS_BLUE: &str = "#1F4E9A";
const CONTINUOUS_GREEN: &str = "#2E7D32";
const GENERIC_RED: &str = "#B22222";

/// What the drawing says of itself and of each study row.
pub(super) struct Words<'a> {
    pub title: &'a str,
    pub description: &'a str,
}

/// The SVG document of a laid-out forest plot.
pub(super) fn draw(
    layout: &Layout,
    result: &OutcomeResults,
    arms: &Arms,
    review: &Review,
    words: &Words,
) -> String {
    // Every height is known now, so the root element is written first and the body is never
    // copied behind it.
    let height = layout.height();
    // About 2 kB a row (a study row with risk-of-bias dots writes about that much).
    let mut svg = Svg::document(
        (layout.width, height),
        words.title,
        words.description,
        4096 + 2048 * layout.rows.len(),
    );
    let mut y = MARGIN;

    // Header: spans, then column headers, then a rule.
    for (label, first, last) in &layout.spans {
        let centre = f64::midpoint(layout.column_left[*first], layout.column_right[*last]);
        svg.text(centre, y + BASELINE, Anchor::Middle, BOLD, label);
    }
    let name = measure_name(&result.measure, result.method);
    let method = method_line(result.method, result.model);
    let graph_centre = f64::midpoint(layout.axis.left, layout.axis.right);
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
    let colour = match result.data_type() {
        DataType::Dichotomous => DICHOTOMOUS_BLUE,
        DataType::Continuous => CONTINUOUS_GREEN,
        DataType::Generic => GENERIC_RED,
    };
    let max_weight = result
        .study_results
        .iter()
        .map(|r| r.weight)
        .fold(0.0, f64::max);
    for row in &layout.rows {
        let mid = y + ROW / 2.0;
        let font = if row.bold { BOLD } else { BODY };
        // A row's group is translated to its middle, where its marks are: they say no y.
        let group = match &row.mark {
            Mark::Study(_) => {
                // No tooltip: the page shows figures by `<img>`, which shows none, and the row
                // prints the same words; the description carries them for screen readers.
                svg.open_at("study", None, mid);
                true
            }
            Mark::Diamond(_, class) => {
                svg.open_at(class, None, mid);
                true
            }
            Mark::Prediction(..) => {
                svg.open_at("prediction", None, mid);
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
                if let Some(study) = result.study_results.get(*i) {
                    draw_study(&mut svg, layout, study, mid, (colour, max_weight), review);
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
        &favours(&arms.experimental),
    );
    svg.text(
        null_x + 4.0,
        favours_y,
        Anchor::Start,
        BODY,
        &favours(&arms.control),
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
    svg.end()
}

/// A study row's square, interval and risk-of-bias dots; `(colour, max_weight)` size and fill
/// the square.
fn draw_study(
    svg: &mut Svg,
    layout: &Layout,
    study: &StudyResult,
    mid: f64,
    (colour, max_weight): (&str, f64),
    review: &Review,
) {
    if let Some(effect) = study.effect() {
        draw_interval(svg, &layout.axis, effect.ci_low, effect.ci_high, mid);
        if layout.axis.contains(effect.y) {
            // Without weights (nothing pooled) every square has one middle size.
            let side = if max_weight > 0.0 {
                (MAX_SQUARE * (study.weight / max_weight).sqrt()).max(MIN_SQUARE)
            } else {
                UNWEIGHTED_SQUARE
            };
            let x = layout.axis.x(effect.y);
            svg.rect(
                (x - side / 2.0, mid - side / 2.0),
                (side, side),
                colour,
                None,
            );
        }
    }
    let Some(judged) = review.study(&study.study) else {
        return;
    };
    let tool = review.studies.risk_of_bias_tool;
    let palette = Palette::default();
    for (domain, x) in layout.domains.iter().zip(&layout.rob_x) {
        let judgement = judged.judgement(tool, domain);
        judgement_dot(svg, judgement, palette, (*x, mid), (6.0, 10.0));
    }
}

/// A CI line, clamped to the axis, with an arrow head on each clipped end. An arrow head is
/// a mark: clipped ends are at the axis's two ends, so every copy is a short `<use>`.
fn draw_interval(svg: &mut Svg, axis: &Axis, low: f64, high: f64, mid: f64) {
    let (l, r) = (axis.clamped_x(low), axis.clamped_x(high));
    svg.line((l, mid), (r, mid), "#000000", 1.0);
    let arrow = |svg: &mut Svg, id: &str, x: f64, back: f64| {
        svg.place_classed(Some("arrow"), id, (x, mid), |mark| {
            mark.polygon("", &[(0.0, 0.0), (back, -3.5), (back, 3.5)], "#000000");
        });
    };
    if !axis.contains(low) {
        arrow(svg, "al", l, 6.0);
    }
    if !axis.contains(high) {
        arrow(svg, "ar", r, -6.0);
    }
}
