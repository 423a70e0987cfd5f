//! Review Manager 5 style forest plots: the data table (columns by data type), weights,
//! effects with confidence intervals as text, the graph (squares, CI lines with arrows where
//! the axis clips them, diamonds, the line of no effect), subgroup headings and footers in
//! RevMan's wording, the prediction interval and risk-of-bias dots with their legend.
//!
//! Three steps: `layout` places every row, column and the axis; `draw` writes the SVG;
//! `describe` says it in words. Every number drawn comes from the outcome's
//! [`OutcomeResults`] or is a data value as entered.

mod describe;
mod draw;
mod layout;

use super::axis::Axis;
use super::{Arms, Figure, FigureKind};
use crate::format::effect_bracketed;
use crate::model::{Review, Totals};
use crate::results::{ComparisonResults, OutcomeResults, Pooled};

/// The forest plot's axis, exactly as [`forest`] places it (for tests and callers that
/// annotate the figure).
pub fn forest_axis(result: &OutcomeResults, arms: &Arms, review: &Review) -> Axis {
    layout::layout(result, arms, review).axis
}

/// The forest plot of one analysed outcome of `comparison`, whose arms are `arms`.
pub fn forest(
    result: &OutcomeResults,
    comparison: &ComparisonResults,
    arms: &Arms,
    review: &Review,
) -> Figure {
    let mut figure = forest_words(result, comparison);
    figure.svg = forest_svg(result, arms, review, &figure);
    figure
}

/// The forest plot's caption and description, its SVG not yet drawn ([`forest_svg`] draws it):
/// what the pages need, long before the drawing is done.
pub fn forest_words(result: &OutcomeResults, comparison: &ComparisonResults) -> Figure {
    // Each study's sentence is part of the description.
    let sentences: Vec<String> = result
        .study_results
        .iter()
        .map(|row| describe::study_sentence(row, result.totals != Totals::None))
        .collect();
    Figure {
        kind: FigureKind::Forest(result.number.clone()),
        svg: String::new(),
        title: describe::title(result, comparison),
        description: describe::describe(result, &sentences),
    }
}

/// The SVG of the forest plot whose caption and description are `words`'s
/// ([`forest_words`]).
pub fn forest_svg(result: &OutcomeResults, arms: &Arms, review: &Review, words: &Figure) -> String {
    let layout = layout::layout(result, arms, review);
    let words = draw::Words {
        title: &words.title,
        description: &words.description,
    };
    draw::draw(&layout, result, arms, review, &words)
}

/// "Favours BCG", as results.csv labels the plot.
fn favours(label: &str) -> String {
    crate::format::favours(label)
}

/// A pooled effect as "0.62 [0.45, 0.85]".
fn effect_text(pooled: &Pooled) -> String {
    effect_bracketed(pooled.estimate, pooled.ci_low, pooled.ci_high)
}
