//! Risk-of-bias figures as Review Manager 5 draws them: the summary (a traffic-light grid of
//! studies × domains, a coloured circle with + ? − in each cell) and the graph (one stacked
//! bar per domain, the unweighted share of studies at each judgement). RoB 1 and RoB 2.

use super::svg::{Anchor, Font, Svg};
use super::{Figure, FigureKind, Palette, judgement_dot};
use crate::model::{IncludedStudy, Judgement, Review, RobTool};

const BODY: Font = Font::regular(11.0);
const BOLD: Font = Font::bold(11.0);
const MARGIN: f64 = 10.0;
const ROW: f64 = 18.0;
const BASELINE: f64 = 13.0;
const GAP: f64 = 10.0;
/// Width of the graph's bars (100%).
const BAR: f64 = 300.0;
const JUDGEMENTS: [Judgement; 4] = [
    Judgement::Low,
    Judgement::Unclear,
    Judgement::High,
    Judgement::NotAssessed,
];

/// The judgements that occur, in legend order (not assessed only when present).
fn legend_judgements(review: &Review) -> Vec<Judgement> {
    let tool = review.studies.risk_of_bias_tool;
    JUDGEMENTS
        .into_iter()
        .filter(|j| {
            *j != Judgement::NotAssessed
                || review
                    .studies
                    .included
                    .iter()
                    .any(|s| tool.domains().iter().any(|d| s.judgement(tool, d) == *j))
        })
        .collect()
}

/// "3 low, 1 unclear, 0 high" for one domain.
fn counts_text(
    tool: RobTool,
    studies: &[IncludedStudy],
    domain: &crate::model::RobDomain,
) -> String {
    let counts: Vec<String> = JUDGEMENTS
        .iter()
        .map(|j| {
            (
                j,
                studies
                    .iter()
                    .filter(|s| s.judgement(tool, domain) == *j)
                    .count(),
            )
        })
        .filter(|(j, n)| **j != Judgement::NotAssessed || *n > 0)
        .map(|(j, n)| format!("{} {}", tool.judgement_label(*j).to_lowercase(), n))
        .collect();
    format!("{} ({}): {}", domain.name, domain.letter, counts.join(", "))
}

/// The description shared by both figures: studies and counts per domain.
fn describe(review: &Review, what: &str) -> String {
    let tool = review.studies.risk_of_bias_tool;
    let studies = &review.studies.included;
    let mut parts = vec![format!(
        "{what} for {} included {} ({}).",
        studies.len(),
        if studies.len() == 1 {
            "study"
        } else {
            "studies"
        },
        match tool {
            RobTool::Rob1 => "RoB 1",
            RobTool::Rob2 => "RoB 2",
        }
    )];
    for domain in tool.domains() {
        parts.push(format!("{}.", counts_text(tool, studies, domain)));
    }
    parts.join(" ")
}

/// Draws the legend of judgement colours in one row from (x, y); returns the right edge.
fn legend(svg: &mut Svg, review: &Review, palette: Palette, x: f64, y: f64) -> f64 {
    let tool = review.studies.risk_of_bias_tool;
    let mut x = x;
    svg.open("legend", None);
    for judgement in legend_judgements(review) {
        let label = tool.judgement_label(judgement);
        svg.rect(
            (x, y + 3.0),
            (12.0, 12.0),
            palette.fill(judgement),
            Some("#555555"),
        );
        svg.text(x + 16.0, y + BASELINE, Anchor::Start, BODY, label);
        x += 16.0 + BODY.width(label) + 2.0 * GAP;
    }
    svg.close();
    x
}

fn legend_width(review: &Review) -> f64 {
    let tool = review.studies.risk_of_bias_tool;
    legend_judgements(review)
        .into_iter()
        .map(|j| 16.0 + BODY.width(tool.judgement_label(j)) + 2.0 * GAP)
        .sum()
}

/// The risk-of-bias summary: each included study's judgement in each domain.
pub fn rob_summary(review: &Review, palette: Palette) -> Figure {
    let tool = review.studies.risk_of_bias_tool;
    let domains = tool.domains();
    let studies = &review.studies.included;
    let names_width = studies
        .iter()
        .map(|s| BODY.width(&s.id.value))
        .fold(0.0, f64::max);
    let cell = domains
        .iter()
        .map(|d| BOLD.width(d.letter) + 6.0)
        .fold(ROW + 2.0, f64::max);
    let grid_left = MARGIN + names_width + GAP;
    let mut svg = Svg::new();
    let mut y = MARGIN;
    for (k, domain) in domains.iter().enumerate() {
        let x = grid_left + cell * (k as f64 + 0.5);
        svg.text(x, y + BASELINE, Anchor::Middle, BOLD, domain.letter);
    }
    y += ROW;
    for study in studies {
        svg.open("study", Some(&study.id.value));
        svg.text(MARGIN, y + BASELINE, Anchor::Start, BODY, &study.id.value);
        for (k, domain) in domains.iter().enumerate() {
            let judgement = study.judgement(tool, domain);
            let centre = (grid_left + cell * (k as f64 + 0.5), y + ROW / 2.0);
            judgement_dot(
                &mut svg,
                judgement,
                palette,
                centre,
                (ROW / 2.0 - 1.5, 11.0),
            );
        }
        svg.close();
        y += ROW;
    }
    y += ROW / 2.0;
    let mut width = grid_left + cell * domains.len() as f64 + MARGIN;
    svg.open("domains", None);
    for domain in domains {
        let line = format!("{}: {}", domain.letter, domain.name);
        width = width.max(2.0 * MARGIN + BODY.width(&line));
        svg.text(MARGIN, y + BASELINE, Anchor::Start, BODY, &line);
        y += ROW;
    }
    svg.close();
    y += ROW / 2.0;
    legend(&mut svg, review, palette, MARGIN, y);
    width = width.max(MARGIN + legend_width(review));
    y += ROW + MARGIN;
    let title = "Risk of bias summary: review authors' judgements about each risk of bias item for each included study".to_string();
    let description = describe(review, "Risk of bias summary");
    Figure {
        kind: FigureKind::RobSummary,
        svg: svg.finish(width, y, &title, &description),
        title,
        description,
    }
}

/// The risk-of-bias graph: per domain, the percentage of included studies at each judgement.
pub fn rob_graph(review: &Review, palette: Palette) -> Figure {
    let tool = review.studies.risk_of_bias_tool;
    let domains = tool.domains();
    let studies = &review.studies.included;
    let total = studies.len().max(1) as f64;
    let names_width = domains
        .iter()
        .map(|d| BODY.width(d.name))
        .fold(0.0, f64::max);
    let bar_left = MARGIN + names_width + GAP;
    let mut svg = Svg::new();
    let mut y = MARGIN;
    for domain in domains {
        svg.open("domain", Some(&counts_text(tool, studies, domain)));
        svg.text(bar_left - GAP, y + BASELINE, Anchor::End, BODY, domain.name);
        let mut x = bar_left;
        for judgement in JUDGEMENTS {
            let n = studies
                .iter()
                .filter(|s| s.judgement(tool, domain) == judgement)
                .count();
            if n > 0 {
                let w = BAR * n as f64 / total;
                svg.rect((x, y + 2.0), (w, ROW - 4.0), palette.fill(judgement), None);
                x += w;
            }
        }
        svg.close();
        y += ROW;
    }
    svg.open("axis", None);
    svg.line((bar_left, y), (bar_left + BAR, y), "#000000", 0.75);
    for k in 0..=4 {
        let x = bar_left + BAR * k as f64 / 4.0;
        svg.line((x, y), (x, y + 4.0), "#000000", 0.75);
        svg.text(
            x,
            y + 16.0,
            Anchor::Middle,
            Font::regular(10.0),
            &format!("{}%", 25 * k),
        );
    }
    svg.close();
    y += ROW + 10.0;
    legend(&mut svg, review, palette, bar_left, y);
    let width = (bar_left + BAR + MARGIN + 10.0).max(bar_left + legend_width(review) + MARGIN);
    y += ROW + MARGIN;
    let title = "Risk of bias graph: review authors' judgements about each risk of bias item presented as percentages across all included studies".to_string();
    let description = describe(review, "Risk of bias graph");
    Figure {
        kind: FigureKind::RobGraph,
        svg: svg.finish(width, y, &title, &description),
        title,
        description,
    }
}
