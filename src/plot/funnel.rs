//! Funnel plots: each study's effect (x, log axis for ratios) against its standard error
//! (y, inverted so precise studies are on top), with pseudo 95% confidence limits around
//! the fixed-effect estimate. Drawn only for outcomes with at least 10 estimable studies.

use super::Figure;
use super::axis::{Axis, tick_label};
use super::svg::{Anchor, Font, Svg};
use crate::format::fixed;
use crate::format::measure_name;
use crate::stats::{Method, Model, OutcomeResult, Row, Settings, fit};

/// Fewer studies than this make a funnel plot meaningless (Cochrane Handbook 13.3.5.4).
pub const MIN_STUDIES: usize = 10;
const BODY: Font = Font::regular(11.0);
const SMALL: Font = Font::regular(9.0);
const MARGIN: f64 = 10.0;
const PLOT_WIDTH: f64 = 320.0;
const PLOT_HEIGHT: f64 = 240.0;
/// The two-sided 95% normal quantile.
const Z95: f64 = 1.959_963_984_540_054;

/// The fixed-effect estimate the funnel is centred on: the analysis's own pooled estimate
/// under a fixed-effect model; under random effects, the engine's inverse-variance
/// fixed-effect fit of the same study effects (the plot computes no statistics itself).
fn fixed_effect_centre(result: &OutcomeResult, effects: &[(f64, f64)]) -> Option<f64> {
    if result.settings.model == Model::Fixed {
        return result.overall.pooled.map(|p| p.y);
    }
    let settings = Settings {
        method: Method::InverseVariance,
        model: Model::Fixed,
        ..result.settings
    };
    let rows: Vec<Row> = effects
        .iter()
        .map(|&(estimate, se)| Row::Generic { estimate, se })
        .collect();
    fit(&settings, &rows).pooled.map(|p| p.y)
}

/// The funnel plot of an outcome, or `None` with fewer than [`MIN_STUDIES`] estimable
/// studies.
pub fn funnel(result: &OutcomeResult) -> Option<Figure> {
    let effects: Vec<(f64, f64)> = result
        .overall
        .rows
        .iter()
        .filter_map(|r| r.effect)
        .map(|e| (e.y, e.se))
        .collect();
    if effects.len() < MIN_STUDIES {
        return None;
    }
    let centre = fixed_effect_centre(result, &effects)?;
    let measure = result.measure();
    let label = &result.outcome.measure;
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
    let y_of = |se: f64| top + se / se_top * PLOT_HEIGHT;
    let bottom = y_of(se_top);

    let mut svg = Svg::new();
    svg.text(left, MARGIN + 11.0, Anchor::Middle, BODY, &se_label);
    svg.open("axes", None);
    svg.line((left, top), (left, bottom), "#000000", 0.75);
    svg.line((left, bottom), (axis.right, bottom), "#000000", 0.75);
    for k in 0..=4 {
        let se = se_top * f64::from(k) / 4.0;
        svg.line((left - 4.0, y_of(se)), (left, y_of(se)), "#000000", 0.75);
        svg.text(
            left - 6.0,
            y_of(se) + 3.0,
            Anchor::End,
            SMALL,
            &fixed(se, 2),
        );
    }
    for tick in &axis.ticks {
        let x = axis.x(tick.value);
        svg.line((x, bottom), (x, bottom + 4.0), "#000000", 0.75);
        svg.text(x, bottom + 15.0, Anchor::Middle, SMALL, &tick.label);
    }
    svg.text(
        (axis.left + axis.right) / 2.0,
        bottom + 32.0,
        Anchor::Middle,
        BODY,
        &measure_name(result),
    );
    svg.close();
    svg.open("funnel", None);
    let apex = (axis.x(centre), top);
    svg.dashed_line(apex, (axis.x(centre), bottom), "#000000", 0.75);
    for side in [-1.0, 1.0] {
        let end = centre + side * Z95 * se_top;
        svg.dashed_line(apex, (axis.clamped_x(end), bottom), "#666666", 0.75);
    }
    svg.close();
    svg.open("studies", None);
    for &(y, se) in &effects {
        svg.circle((axis.clamped_x(y), y_of(se)), 3.0, "none", Some("#1F4E9A"));
    }
    svg.close();
    let width = axis.right + MARGIN + 10.0;
    let height = bottom + 40.0 + MARGIN;
    let title = format!(
        "Funnel plot of comparison {}, outcome {} {}",
        result.number.split('.').next().unwrap_or(""),
        result.number,
        result.outcome.name
    );
    let description = format!(
        "Funnel plot of {} studies: {} against its standard error, with pseudo 95% confidence limits around the fixed-effect estimate {}.",
        effects.len(),
        measure_name(result),
        tick_label((measure.to_natural(centre) * 100.0).round() / 100.0)
    );
    Some(Figure {
        file: format!("funnel-{}.svg", result.number),
        svg: svg.finish(width, height, &title, &description),
        title,
        description,
    })
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
