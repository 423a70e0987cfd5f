//! The figures of a review as SVG strings: PRISMA flow, risk-of-bias summary and graph,
//! forest plots and funnel plots. Pure: reads the model and the computed results, returns
//! text; the report stage writes and embeds the files.
//!
//! Everything is written by a small SVG writer ([`svg`]) that gives full control of the
//! markup: `<g class>`, `<title>`/`<desc>`, escaping, fixed number formats, and text measured
//! with built-in metrics ([`font`]). plotters is the drawing layer for the one true x/y chart,
//! the funnel plot: it maps coordinates and draws axes and markers through [`backend`], a
//! plotters `DrawingBackend` that writes into the same SVG writer. The forest plot, the
//! risk-of-bias figures and the PRISMA diagram are tables of text with marks, which plotters'
//! chart model does not fit; their effect axis is [`axis`].

pub mod axis;
mod backend;
mod cache;
pub mod font;
pub mod forest;
pub mod funnel;
pub mod prisma;
pub mod rob;
pub mod svg;

pub use cache::FigureCache;
pub use forest::{forest, forest_axis};
pub use funnel::funnel;
pub use prisma::prisma;
pub use rob::{rob_graph, rob_summary};

use crate::model::{Judgement, Review};
use crate::stats::ComparisonResult;

/// One rendered figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// The file name, e.g. "forest-1.1.svg".
    pub file: String,
    /// The caption ("Forest plot of comparison 1, outcome 1.1: ...").
    pub title: String,
    /// The content in words (also the SVG's `<desc>`).
    pub description: String,
    /// The SVG document.
    pub svg: String,
}

/// The colours of risk-of-bias judgements.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Palette {
    /// Cochrane / robvis colours: green, yellow, red.
    #[default]
    Cochrane,
    /// Okabe-Ito colours that colour-blind readers can tell apart: blue, yellow, vermillion.
    ColourBlindSafe,
}

impl Palette {
    /// The fill of a judgement's circle or bar.
    pub fn fill(self, judgement: Judgement) -> &'static str {
        match (self, judgement) {
            (Palette::Cochrane, Judgement::Low) => "#02C100",
            (Palette::Cochrane, Judgement::Unclear) => "#E2DF07",
            (Palette::Cochrane, Judgement::High) => "#BF0000",
            (Palette::ColourBlindSafe, Judgement::Low) => "#0072B2",
            (Palette::ColourBlindSafe, Judgement::Unclear) => "#F0E442",
            (Palette::ColourBlindSafe, Judgement::High) => "#D55E00",
            (_, Judgement::NotAssessed) => "#CCCCCC",
        }
    }

    /// The colour of the glyph drawn on a judgement's circle.
    pub fn ink(self, judgement: Judgement) -> &'static str {
        match (self, judgement) {
            (_, Judgement::Unclear | Judgement::NotAssessed) => "#000000",
            (Palette::Cochrane, Judgement::Low) => "#000000",
            _ => "#FFFFFF",
        }
    }
}

/// How far below a circle's centre a judgement glyph's baseline sits, for a font size: the plus
/// sign stands on the maths axis, lower than the others' centre, so it needs less.
pub fn glyph_baseline(judgement: Judgement, size: f64) -> f64 {
    if glyph(judgement) == "+" {
        0.26 * size
    } else {
        0.36 * size
    }
}

/// The glyph of a judgement: + ? − (blank when not assessed).
pub fn glyph(judgement: Judgement) -> &'static str {
    match judgement {
        Judgement::Low => "+",
        Judgement::Unclear => "?",
        Judgement::High => "\u{2212}",
        Judgement::NotAssessed => "",
    }
}

/// Every figure of the review in a fixed order: PRISMA flow, risk-of-bias summary and
/// graph, one forest plot per analysed outcome with rows, then the funnel plots.
pub fn figures(review: &Review, results: &[ComparisonResult]) -> Vec<Figure> {
    figures_with(review, results, Palette::default())
}

/// [`figures`] with a choice of risk-of-bias colours.
pub fn figures_with(
    review: &Review,
    results: &[ComparisonResult],
    palette: Palette,
) -> Vec<Figure> {
    figures_cached(review, results, palette, None)
}

/// [`figures_with`], taking each outcome's figures from `cache` when their inputs have not
/// changed since they were drawn.
pub fn figures_cached(
    review: &Review,
    results: &[ComparisonResult],
    palette: Palette,
    cache: Option<&FigureCache>,
) -> Vec<Figure> {
    let mut out = Vec::new();
    if let Some(flow) = review
        .protocol
        .search
        .as_ref()
        .and_then(|s| s.flow.as_ref())
    {
        out.extend(prisma(&flow.value));
    }
    if !review.studies.included.is_empty() {
        out.push(rob_summary(review, palette));
        out.push(rob_graph(review, palette));
    }
    let outcomes: Vec<_> = results
        .iter()
        .flat_map(|c| c.outcomes.iter().map(move |o| (c.comparison, o)))
        .collect();
    // Each outcome's figures are drawn on whichever thread is free, and kept in outcome order:
    // every forest plot, then every funnel plot.
    let drawn = crate::parallel::map(&outcomes, |&(comparison, result)| {
        let draw = || {
            let forest =
                (!result.overall.rows.is_empty()).then(|| forest(result, comparison, review));
            (forest, funnel(result))
        };
        match cache {
            Some(cache) => cache.get_or_draw(result, comparison, review, palette, draw),
            None => draw(),
        }
    });
    let (forests, funnels): (Vec<_>, Vec<_>) = drawn.into_iter().unzip();
    out.extend(forests.into_iter().flatten());
    out.extend(funnels.into_iter().flatten());
    out
}
