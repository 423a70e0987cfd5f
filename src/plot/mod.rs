//! The figures of a review as SVG strings: PRISMA flow, risk-of-bias summary and graph,
//! forest plots and funnel plots. Pure: reads the model and the [`Results`], returns a typed
//! [`FigureSet`] (each figure knows what it shows, [`FigureKind`] names its file); the report
//! stage writes and embeds the files. A build takes them in two steps: [`figure_words`] (every
//! caption and description, which the pages need), then [`OutcomeDrawings`], each outcome's
//! plots drawn while the pages render.
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

use std::collections::HashMap;

use crate::model::{Comparison, Judgement, Review};
use crate::results::{ComparisonResults, OutcomeResults, Results};

/// Which figure a drawing is; it decides the figure's file name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FigureKind {
    /// The PRISMA flow diagram.
    Prisma,
    /// The risk-of-bias summary (traffic lights).
    RobSummary,
    /// The risk-of-bias graph (percentages per domain).
    RobGraph,
    /// The forest plot of the analysed outcome with this number ("1.2").
    Forest(String),
    /// The funnel plot of the analysed outcome with this number.
    Funnel(String),
}

impl FigureKind {
    /// The file name: the one place figure files are named.
    pub fn file_name(&self) -> String {
        match self {
            FigureKind::Prisma => "prisma.svg".into(),
            FigureKind::RobSummary => "rob-summary.svg".into(),
            FigureKind::RobGraph => "rob-graph.svg".into(),
            FigureKind::Forest(number) => format!("forest-{number}.svg"),
            FigureKind::Funnel(number) => format!("funnel-{number}.svg"),
        }
    }

    /// The path in the review's output folder, e.g. "figures/forest-1.1.svg".
    pub fn path(&self) -> String {
        format!("figures/{}", self.file_name())
    }
}

/// One rendered figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Which figure it is.
    pub kind: FigureKind,
    /// The caption ("Forest plot of comparison 1, outcome 1.1: ...").
    pub title: String,
    /// The content in words (also the SVG's `<desc>`).
    pub description: String,
    /// The SVG document (empty while the figure is not drawn: [`figure_words`]).
    pub svg: String,
}

impl Figure {
    /// The file name, e.g. "forest-1.1.svg".
    pub fn file_name(&self) -> String {
        self.kind.file_name()
    }

    /// The path in the review's output folder, e.g. "figures/forest-1.1.svg".
    pub fn path(&self) -> String {
        self.kind.path()
    }
}

/// The figures of one analysed outcome: its forest plot (none without rows) and its funnel plot
/// (none with fewer than ten studies).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OutcomeFigures {
    /// The forest plot.
    pub forest: Option<Figure>,
    /// The funnel plot.
    pub funnel: Option<Figure>,
}

/// The risk-of-bias summary and graph.
#[derive(Debug, Clone, PartialEq)]
pub struct RobFigures {
    /// The summary (traffic lights).
    pub summary: Figure,
    /// The graph (percentages per domain).
    pub graph: Figure,
}

/// Every figure of a review, by what it shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FigureSet {
    /// The PRISMA flow diagram, when the search flow is given.
    pub prisma: Option<Figure>,
    /// The risk-of-bias figures, when there are included studies.
    pub risk_of_bias: Option<RobFigures>,
    /// Each analysed outcome's figures by its number ("1.2").
    outcomes: HashMap<String, OutcomeFigures>,
    /// The outcome numbers in the results' order.
    order: Vec<String>,
}

impl FigureSet {
    /// The figures of an analysed outcome (none when it has none).
    pub fn outcome(&self, outcome: &OutcomeResults) -> Option<&OutcomeFigures> {
        self.outcomes.get(&outcome.number)
    }

    /// Every figure in a fixed order: PRISMA flow, risk-of-bias summary and graph, every
    /// forest plot in the results' order, then every funnel plot.
    pub fn iter(&self) -> impl Iterator<Item = &Figure> {
        let outcomes = || self.order.iter().filter_map(|n| self.outcomes.get(n));
        self.prisma
            .iter()
            .chain(
                self.risk_of_bias
                    .iter()
                    .flat_map(|r| [&r.summary, &r.graph]),
            )
            .chain(outcomes().filter_map(|o| o.forest.as_ref()))
            .chain(outcomes().filter_map(|o| o.funnel.as_ref()))
    }

    /// Every figure, moved out, in the order of [`FigureSet::iter`].
    pub fn into_vec(mut self) -> Vec<Figure> {
        let mut out: Vec<Figure> = self.prisma.into_iter().collect();
        if let Some(rob) = self.risk_of_bias {
            out.extend([rob.summary, rob.graph]);
        }
        let mut funnels = Vec::new();
        for number in &self.order {
            if let Some(o) = self.outcomes.remove(number) {
                out.extend(o.forest);
                funnels.extend(o.funnel);
            }
        }
        out.extend(funnels);
        out
    }

    /// Every drawn figure's path in the review's output folder ("figures/forest-1.1.svg") and
    /// SVG, in the order of [`FigureSet::iter`] (the figures [`figure_words`] leaves to
    /// [`OutcomeDrawings`] are not drawn, and not among them).
    pub fn drawn_svgs(&self) -> impl Iterator<Item = (String, &str)> {
        self.iter()
            .filter(|figure| !figure.svg.is_empty())
            .map(|figure| (figure.path(), figure.svg.as_str()))
    }

    /// Sets the SVG of the outcome figure `kind` (from [`OutcomeDrawings::draw`]).
    fn set_svg(&mut self, kind: &FigureKind, svg: String) {
        let (FigureKind::Forest(number) | FigureKind::Funnel(number)) = kind else {
            return;
        };
        let Some(outcome) = self.outcomes.get_mut(number) else {
            return;
        };
        let figure = match kind {
            FigureKind::Forest(_) => outcome.forest.as_mut(),
            _ => outcome.funnel.as_mut(),
        };
        if let Some(figure) = figure {
            figure.svg = svg;
        }
    }

    /// The number of figures.
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
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

/// A risk-of-bias dot: a judgement's circle of `radius` with its glyph in a bold font of
/// `size`, centred on `centre`. Drawn once per judgement as a mark and placed by `<use>`,
/// since a review of 1,000 studies has 7,000 of them.
pub fn judgement_dot(
    svg: &mut svg::Svg,
    judgement: Judgement,
    palette: Palette,
    centre: (f64, f64),
    (radius, size): (f64, f64),
) {
    let id = match judgement {
        Judgement::Low => "l",
        Judgement::Unclear => "u",
        Judgement::High => "h",
        Judgement::NotAssessed => "n",
    };
    svg.place(id, centre, |mark| {
        mark.circle((0.0, 0.0), radius, palette.fill(judgement), Some("#555555"));
        let glyph = glyph(judgement);
        if !glyph.is_empty() {
            mark.text_filled(
                0.0,
                glyph_baseline(judgement, size),
                svg::Anchor::Middle,
                svg::Font::bold(size),
                glyph,
                Some(palette.ink(judgement)),
            );
        }
    });
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

/// Every figure of the review.
pub fn figures(review: &Review, results: &Results) -> FigureSet {
    figures_with(review, results, Palette::default())
}

/// [`figures`] with a choice of risk-of-bias colours.
pub fn figures_with(review: &Review, results: &Results, palette: Palette) -> FigureSet {
    figures_cached(review, results, palette, None)
}

/// [`figures_with`], taking each outcome's figures from `cache` when their inputs have not
/// changed since they were drawn.
pub fn figures_cached(
    review: &Review,
    results: &Results,
    palette: Palette,
    cache: Option<&FigureCache>,
) -> FigureSet {
    let mut figures = figure_words(review, results, palette);
    let drawn = {
        let drawings = OutcomeDrawings::new(&figures, review, results, palette, cache);
        let outcomes: Vec<usize> = (0..drawings.len()).collect();
        crate::parallel::map(&outcomes, |&i| drawings.draw(i))
    };
    for (kind, svg) in drawn.into_iter().flatten() {
        figures.set_svg(&kind, svg);
    }
    figures
}

/// Every figure of the review with its caption and description, but only the review's own
/// figures (PRISMA flow, risk of bias) drawn: each outcome's forest and funnel plots are
/// left to [`OutcomeDrawings`], so that the pages, which need their words only, need not wait
/// for them.
pub fn figure_words(review: &Review, results: &Results, palette: Palette) -> FigureSet {
    let outcomes: Vec<(&ComparisonResults, &OutcomeResults)> = results.outcomes().collect();
    // The review's own figures beside the outcomes' words (a large review's risk-of-bias
    // summary takes as long as a dozen forest plots).
    let ((prisma, risk_of_bias), words) = crate::parallel::join(
        outcomes.len() > 1,
        || {
            let prisma = review
                .protocol
                .search
                .as_ref()
                .and_then(|s| s.flow.as_ref())
                .and_then(|flow| prisma(&flow.value));
            let risk_of_bias = (!review.studies.included.is_empty()).then(|| RobFigures {
                summary: rob_summary(review, palette),
                graph: rob_graph(review, palette),
            });
            (prisma, risk_of_bias)
        },
        || {
            crate::parallel::map(&outcomes, |&(comparison, result)| OutcomeFigures {
                forest: (!result.study_results.is_empty())
                    .then(|| forest::forest_words(result, comparison)),
                funnel: funnel::funnel_words(result),
            })
        },
    );
    let mut order = Vec::with_capacity(words.len());
    let mut by_number = HashMap::with_capacity(words.len());
    for ((_, outcome), figures) in outcomes.iter().zip(words) {
        // Numbers are unique; were one repeated, its first outcome would keep it.
        if !by_number.contains_key(&outcome.number) {
            order.push(outcome.number.clone());
            by_number.insert(outcome.number.clone(), figures);
        }
    }
    FigureSet {
        prisma,
        risk_of_bias,
        outcomes: by_number,
        order,
    }
}

/// The outcome figures of a [`FigureSet`] from [`figure_words`] still to draw: one job per
/// outcome, which the report runs on whichever thread is free while its pages render.
pub struct OutcomeDrawings<'a> {
    review: &'a Review,
    palette: Palette,
    cache: Option<&'a FigureCache>,
    /// Each outcome with figures to draw, with its arms and its figures' words.
    outcomes: Vec<(
        &'a ComparisonResults,
        &'a OutcomeResults,
        Arms,
        &'a OutcomeFigures,
    )>,
}

impl<'a> OutcomeDrawings<'a> {
    /// The outcome figures of `figures` not drawn yet, to be drawn from `results` (taken from
    /// `cache` when their inputs have not changed since they were drawn).
    pub fn new(
        figures: &'a FigureSet,
        review: &'a Review,
        results: &'a Results,
        palette: Palette,
        cache: Option<&'a FigureCache>,
    ) -> OutcomeDrawings<'a> {
        // Each comparison's labels from the review, by id.
        let labels: HashMap<&str, &Comparison> = review
            .comparisons
            .iter()
            .rev()
            .map(|c| (c.id.as_str(), c))
            .collect();
        let mut seen = std::collections::HashSet::new();
        let outcomes = results
            .outcomes()
            // The first outcome of a number has its figures (as in `figure_words`).
            .filter(|(_, result)| seen.insert(result.number.as_str()))
            .filter_map(|(comparison, result)| {
                let words = figures.outcome(result)?;
                let pending = [&words.forest, &words.funnel]
                    .into_iter()
                    .flatten()
                    .any(|figure| figure.svg.is_empty());
                pending.then(|| {
                    let comparison_labels = labels.get(comparison.id.as_str()).copied();
                    let arms = Arms::of_analysis(comparison_labels, &result.id);
                    (comparison, result, arms, words)
                })
            })
            .collect();
        OutcomeDrawings {
            review,
            palette,
            cache,
            outcomes,
        }
    }

    /// The number of outcomes to draw.
    pub fn len(&self) -> usize {
        self.outcomes.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.outcomes.is_empty()
    }

    /// Draws the figures of the `i`th outcome: each figure's kind and SVG.
    pub fn draw(&self, i: usize) -> Vec<(FigureKind, String)> {
        let Some((comparison, result, arms, words)) = self.outcomes.get(i) else {
            return Vec::new();
        };
        let forest = |w: &Figure| forest::forest_svg(result, arms, self.review, w);
        let funnel = |w: &Figure| funnel::funnel_svg(result, w);
        let Some(cache) = self.cache else {
            let forest = words.forest.as_ref().map(|w| (w.kind.clone(), forest(w)));
            let funnel = words.funnel.as_ref().map(|w| (w.kind.clone(), funnel(w)));
            return forest.into_iter().chain(funnel).collect();
        };
        let drawn = |w: &Figure, svg: &dyn Fn(&Figure) -> String| Figure {
            svg: svg(w),
            ..w.clone()
        };
        let figures =
            cache.get_or_draw(result, comparison, arms, self.review, self.palette, || {
                OutcomeFigures {
                    forest: words.forest.as_ref().map(|w| drawn(w, &forest)),
                    funnel: words.funnel.as_ref().map(|w| drawn(w, &funnel)),
                }
            });
        [figures.forest, figures.funnel]
            .into_iter()
            .flatten()
            .map(|figure| (figure.kind, figure.svg))
            .collect()
    }
}

/// The names of a comparison's (or an analysis's) two arms: as labels, as the forest plot's
/// column groups and its "Favours" labels show them, or in running text, as the sentences on
/// a result name them ([`crate::report::narrative::result_arms`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Arms {
    /// The experimental arm.
    pub experimental: String,
    /// The control arm.
    pub control: String,
}

impl Arms {
    /// The arms of a comparison of the review (empty labels for none).
    pub fn of(comparison: Option<&Comparison>) -> Arms {
        comparison.map_or_else(Arms::default, |c| Arms {
            experimental: c.experimental.clone(),
            control: c.control.clone(),
        })
    }

    /// The arms of the analysis `id` of `comparison`: its own labels where it has them, else
    /// the comparison's ([`crate::model::AnalysisOutcome::arms`]).
    pub fn of_analysis(comparison: Option<&Comparison>, id: &str) -> Arms {
        let Some(comparison) = comparison else {
            return Arms::default();
        };
        let (experimental, control) = comparison.outcomes.iter().find(|o| o.id == id).map_or(
            (
                comparison.experimental.as_str(),
                comparison.control.as_str(),
            ),
            |analysis| analysis.arms(comparison),
        );
        Arms {
            experimental: experimental.to_string(),
            control: control.to_string(),
        }
    }
}
