//! Funnel plots: each study's effect (x, log axis for ratios) against its standard error
//! (y, inverted so precise studies are on top), with pseudo 95% confidence limits around
//! the fixed-effect estimate. Contour-enhanced (Peters et al. 2008): the regions where a
//! study's own result would be statistically significant at p < 0.10, 0.05 and 0.01 are
//! shaded, centred on the line of no effect, so that missing studies can be told from
//! missing non-significant ones. Drawn only for outcomes with at least 10 estimable studies.

use std::cell::RefCell;
use std::rc::Rc;

use plotters::prelude::*;

use super::axis::{Axis, tick_label};
use super::backend::SvgBackend;
use super::svg::{Anchor, Font, Svg};
use super::{Figure, FigureKind};
use crate::format::{fixed, measure_name};
use crate::results::{OutcomeResults, StudyResult};
use crate::stats::{FunnelContour, funnel_contours};

/// Fewer studies than this make a funnel plot meaningless (Cochrane Handbook 13.3.5.4).
pub const MIN_STUDIES: usize = 10;
const BODY: Font = Font::regular(11.0);
const SMALL: Font = Font::regular(9.0);
const MARGIN: f64 = 10.0;
const PLOT_WIDTH: f64 = 320.0;
const PLOT_HEIGHT: f64 = 240.0;
/// The two-sided 95% normal quantile.
const Z95: f64 = 1.959_963_984_540_054;
/// The shade of each significance region, from the innermost contour (p = 0.10) out: light
/// greys, darker where p is smaller, light enough that the studies stay visible.
const CONTOUR_GREYS: [u8; 3] = [0xF0, 0xDF, 0xCC];
/// The legend's swatch side and its row's height.
const SWATCH: f64 = 9.0;
const LEGEND_HEIGHT: f64 = 18.0;

/// The funnel plot of an outcome, or `None` with fewer than [`MIN_STUDIES`] estimable
/// studies.
pub fn funnel(result: &OutcomeResults) -> Option<Figure> {
    let mut figure = funnel_words(result)?;
    figure.svg = funnel_svg(result, &figure);
    Some(figure)
}

/// What a funnel plot shows, when it is drawn: each estimable study's effect and standard
/// error, and the centre.
fn plotted(result: &OutcomeResults) -> Option<(Vec<(f64, f64)>, f64)> {
    let effects: Vec<(f64, f64)> = result
        .study_results
        .iter()
        .filter_map(StudyResult::effect)
        .map(|e| (e.y, e.se))
        .collect();
    if effects.len() < MIN_STUDIES {
        return None;
    }
    // Centred on the fixed-effect estimate the statistics stage computed (the plot computes
    // no statistics itself).
    let centre = result.funnel_centre.get()?;
    Some((effects, centre))
}

/// The funnel plot's caption and description, its SVG not yet drawn ([`funnel_svg`] draws
/// it); `None` where [`funnel`] draws none.
pub fn funnel_words(result: &OutcomeResults) -> Option<Figure> {
    let (effects, centre) = plotted(result)?;
    let measure = &result.measure;
    let title = format!(
        "Funnel plot of comparison {}, outcome {} {}",
        result.number.split('.').next().unwrap_or(""),
        result.number,
        result.name
    );
    let description = format!(
        "Funnel plot of {} studies: {} against its standard error, with pseudo 95% confidence limits around the fixed-effect estimate {}; shaded, the regions where a study's own result would be statistically significant against no effect ({}).",
        crate::format::count(effects.len()),
        measure_name(measure, result.method),
        tick_label((natural(centre, measure.is_ratio()) * 100.0).round() / 100.0),
        region_labels().join(", ")
    );
    Some(Figure {
        kind: FigureKind::Funnel(result.number.clone()),
        svg: String::new(),
        title,
        description,
    })
}

/// The SVG of the funnel plot whose caption and description are `words`'s
/// ([`funnel_words`]).
pub fn funnel_svg(result: &OutcomeResults, words: &Figure) -> String {
    let Some((effects, centre)) = plotted(result) else {
        // Not reached: `words` exist only for an outcome with a funnel plot.
        return Svg::new().finish(0.0, 0.0, &words.title, &words.description);
    };
    let measure = &result.measure;
    let label = measure.label();
    let se_label = if measure.is_ratio() {
        format!("SE(log[{label}])")
    } else {
        format!("SE({label})")
    };
    let max_se = effects.iter().map(|e| e.1).fold(0.0, f64::max);
    let se_top = nice_ceiling(max_se);
    let extent = effects
        .iter()
        .map(|e| e.0.abs())
        .chain([(centre - Z95 * se_top).abs(), (centre + Z95 * se_top).abs()])
        .fold(0.0, f64::max);
    let y_label_width = [0.0, se_top]
        .iter()
        .map(|v| SMALL.width(&fixed(*v, 2)))
        .fold(0.0, f64::max);
    let left = MARGIN + y_label_width.max(BODY.width(&se_label) / 2.0) + 10.0;
    let top = MARGIN + 20.0;
    let axis = Axis::symmetric(extent, measure.is_ratio(), left, left + PLOT_WIDTH);
    let bottom = top + PLOT_HEIGHT;
    let width = axis.right + MARGIN + 10.0;
    let height = bottom + 40.0 + LEGEND_HEIGHT + MARGIN;

    let svg = Rc::new(RefCell::new(Svg::new()));
    svg.borrow_mut()
        .text(left, MARGIN + 11.0, Anchor::Middle, BODY, &se_label);
    // The backend cannot fail. Were plotters to refuse a layout, the figure would keep what
    // was drawn before it, with its legend, caption and description: the pages already name
    // it.
    let _ = draw_chart(
        &svg,
        (width, height),
        (left, top, bottom),
        &axis,
        se_top,
        centre,
        &effects,
        &measure_name(measure, result.method),
    );
    let mut svg = svg.take();
    legend(&mut svg, left, bottom + 40.0);
    svg.finish(width, height, &words.title, &words.description)
}

/// The shaded significance regions, from the innermost contour out: "0.05 < p < 0.10",
/// "0.01 < p < 0.05", "p < 0.01".
fn region_labels() -> Vec<String> {
    let contours = funnel_contours();
    contours
        .iter()
        .enumerate()
        .map(|(i, c)| match contours.get(i + 1) {
            Some(next) => format!("{} < p < {}", fixed(next.p, 2), fixed(c.p, 2)),
            None => format!("p < {}", fixed(c.p, 2)),
        })
        .collect()
}

/// The legend of the regions, one row from `(x, y)`: the unshaded one, then the shaded ones.
fn legend(svg: &mut Svg, x: f64, y: f64) {
    svg.open("legend", None);
    let mut at = x;
    let unshaded = format!("p > {}", fixed(funnel_contours()[0].p, 2));
    let regions =
        std::iter::once((unshaded, 0xFF)).chain(region_labels().into_iter().zip(CONTOUR_GREYS));
    for (label, grey) in regions {
        let label = &label;
        let shade = format!("#{grey:02X}{grey:02X}{grey:02X}");
        svg.rect((at, y), (SWATCH, SWATCH), &shade, Some("#999999"));
        let text_x = at + SWATCH + 4.0;
        svg.text(text_x, y + SWATCH - 1.0, Anchor::Start, SMALL, label);
        at = text_x + SMALL.width(label) + 14.0;
    }
    svg.close();
}

/// The part of a convex polygon inside the rectangle `[x0, x1] × [y0, y1]`
/// (Sutherland-Hodgman, one edge of the rectangle at a time).
fn clip(polygon: &[(f64, f64)], (x0, x1): (f64, f64), (y0, y1): (f64, f64)) -> Vec<(f64, f64)> {
    type Inside = fn(&(f64, f64), f64) -> bool;
    let edges: [(Inside, bool, f64); 4] = [
        (|p, v| p.0 >= v, true, x0),
        (|p, v| p.0 <= v, true, x1),
        (|p, v| p.1 >= v, false, y0),
        (|p, v| p.1 <= v, false, y1),
    ];
    let mut points = polygon.to_vec();
    for (inside, vertical, v) in edges {
        let input = std::mem::take(&mut points);
        for (i, &to) in input.iter().enumerate() {
            let from = input[(i + input.len() - 1) % input.len()];
            let crossing = || {
                let t = if vertical {
                    (v - from.0) / (to.0 - from.0)
                } else {
                    (v - from.1) / (to.1 - from.1)
                };
                (from.0 + t * (to.0 - from.0), from.1 + t * (to.1 - from.1))
            };
            match (inside(&from, v), inside(&to, v)) {
                (true, true) => points.push(to),
                (true, false) => points.push(crossing()),
                (false, true) => {
                    points.push(crossing());
                    points.push(to);
                }
                (false, false) => {}
            }
        }
    }
    points
}

/// The triangle of effects not significant at a contour's level (analysis scale x, standard
/// error y): apex at no effect with SE 0, base at `se_top`.
fn inside_contour(contour: &FunnelContour, se_top: f64) -> [(f64, f64); 3] {
    let (low, high) = contour.bounds(0.0, se_top);
    [(0.0, 0.0), (high, se_top), (low, se_top)]
}

/// A value on the analysis scale on the natural scale.
fn natural(y: f64, ratio: bool) -> f64 {
    if ratio { y.exp() } else { y }
}

/// The smallest 1, 2, 2.5 or 5 times a power of ten at or above `x`.
fn nice_ceiling(x: f64) -> f64 {
    if x <= 0.0 || !x.is_finite() {
        return 1.0;
    }
    let power = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|v| *v >= x)
        .unwrap_or(10.0 * power)
}

/// Draws the axes, the funnel and the studies into `svg`, with plotters mapping the
/// coordinates (x on the analysis scale, y the standard error with zero at the top), drawing
/// the axis lines and the study markers through [`SvgBackend`]; the ticks are the ones
/// [`Axis`] chose, as Review Manager chooses them, placed at plotters' coordinates.
#[allow(clippy::too_many_arguments)]
fn draw_chart(
    svg: &Rc<RefCell<Svg>>,
    (width, height): (f64, f64),
    (left, top, bottom): (f64, f64, f64),
    axis: &Axis,
    se_top: f64,
    centre: f64,
    effects: &[(f64, f64)],
    x_title: &str,
) -> Result<(), DrawingAreaErrorKind<std::fmt::Error>> {
    let backend = SvgBackend::new(Rc::clone(svg), (width.ceil() as u32, height.ceil() as u32));
    let root = backend.into_drawing_area();
    // plotters draws the axis lines on the edge of its label areas: one pixel each, so that
    // the plot itself keeps the place the layout gave it.
    let plot_area = root.margin(
        top as i32,
        (height - bottom) as i32 - 1,
        left as i32 - 1,
        (width - axis.right) as i32,
    );
    let mut chart = ChartBuilder::on(&plot_area)
        .x_label_area_size(1)
        .y_label_area_size(1)
        .build_cartesian_2d(axis.lo..axis.hi, se_top..0.0)?;
    // The regions, darkest first: the whole plot is significant at 0.01 outside the outermost
    // contour; each contour's triangle is painted over it in the next lighter shade, and the
    // innermost (p > 0.10) left white.
    svg.borrow_mut().open("contours", None);
    let plot_box = |points: &[(f64, f64)]| clip(points, (axis.lo, axis.hi), (0.0, se_top));
    let whole = [
        (axis.lo, 0.0),
        (axis.hi, 0.0),
        (axis.hi, se_top),
        (axis.lo, se_top),
    ];
    let contours = funnel_contours();
    let mut regions = vec![(plot_box(&whole), CONTOUR_GREYS[2])];
    for (i, contour) in contours.iter().enumerate().rev() {
        let lighter = if i == 0 { 0xFF } else { CONTOUR_GREYS[i - 1] };
        regions.push((plot_box(&inside_contour(contour, se_top)), lighter));
    }
    chart.draw_series(
        regions
            .into_iter()
            .map(|(points, grey)| Polygon::new(points, RGBColor(grey, grey, grey).filled())),
    )?;
    svg.borrow_mut().close();
    svg.borrow_mut().open("axes", None);
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(0)
        .y_labels(0)
        .axis_style(BLACK.stroke_width(1))
        .draw()?;
    let at = |x: f64, se: f64| {
        let (px, py) = chart.backend_coord(&(x, se));
        (f64::from(px), f64::from(py))
    };
    let mut out = svg.borrow_mut();
    for tick in &axis.ticks {
        let (x, y) = at(tick.value, se_top);
        out.line((x, y), (x, y + 4.0), "#000000", 0.75);
        out.text(x, y + 15.0, Anchor::Middle, SMALL, &tick.label);
    }
    for k in 0..=4 {
        let se = se_top * f64::from(k) / 4.0;
        let (x, y) = at(axis.lo, se);
        out.line((x - 4.0, y), (x, y), "#000000", 0.75);
        out.text(x - 6.0, y + 3.0, Anchor::End, SMALL, &fixed(se, 2));
    }
    let (mid, base) = at(f64::midpoint(axis.lo, axis.hi), se_top);
    out.text(mid, base + 32.0, Anchor::Middle, BODY, x_title);
    out.close();
    out.open("funnel", None);
    let clamp = |x: f64| x.clamp(axis.lo, axis.hi);
    let apex = at(clamp(centre), 0.0);
    out.dashed_line(apex, at(clamp(centre), se_top), "#000000", 0.75);
    for side in [-1.0, 1.0] {
        let end = centre + side * Z95 * se_top;
        // Where a pseudo-limit leaves the axis, it stops at the edge, at its own height.
        let se_at_edge = ((clamp(end) - centre) / (side * Z95)).min(se_top);
        out.dashed_line(apex, at(clamp(end), se_at_edge), "#666666", 0.75);
    }
    out.close();
    out.open("studies", None);
    drop(out);
    chart.draw_series(effects.iter().map(|&(y, se)| {
        Circle::new(
            (clamp(y), se),
            3,
            RGBColor(0x1F, 0x4E, 0x9A).stroke_width(1),
        )
    }))?;
    svg.borrow_mut().close();
    Ok(())
}
