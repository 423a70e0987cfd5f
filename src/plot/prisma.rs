//! The PRISMA 2020 flow diagram (new review, databases and registers only) from the counts
//! in review.yaml, and the consistency checks of those counts (conventions.md §5).

use super::svg::{Anchor, Font, Svg};
use super::{Figure, FigureKind};
use crate::model::Flow;

const BODY: Font = Font::regular(11.0);
const BOLD: Font = Font::bold(11.0);
const MARGIN: f64 = 10.0;
const BOX: f64 = 250.0;
const PADDING: f64 = 8.0;
const LINE: f64 = 15.0;
/// Vertical space between boxes, where the arrows run.
const LEAD: f64 = 28.0;
/// Horizontal space between the main and side columns.
const SIDE_GAP: f64 = 40.0;

/// One step of the flow: the main box and, when there is one, the box beside it.
struct Step {
    stage: &'static str,
    main: Vec<String>,
    side: Option<Vec<String>>,
}

/// "Records screened (n = 940)".
fn counted(label: &str, n: u64) -> String {
    format!("{label} (n = {})", crate::format::count(n))
}

/// The PRISMA 2020 flow diagram, or `None` unless the flow gives at least the records
/// identified, records screened, reports assessed and studies included.
pub fn prisma(flow: &Flow) -> Option<Figure> {
    let (identified, screened, full_text, included) = (
        flow.identified?,
        flow.screened?,
        flow.full_text?,
        flow.included?,
    );
    let mut reasons = vec!["Reports excluded:".to_string()];
    reasons.extend(flow.reasons_by_count().iter().map(|(r, n)| counted(r, *n)));
    let steps = [
        Step {
            stage: "Identification",
            main: vec![counted(
                "Records identified from databases and registers",
                identified,
            )],
            side: flow.duplicates_removed.map(|n| {
                vec![
                    "Records removed before screening:".into(),
                    counted("Duplicate records removed", n),
                ]
            }),
        },
        Step {
            stage: "Screening",
            main: vec![counted("Records screened", screened)],
            side: flow
                .excluded_screening
                .map(|n| vec![counted("Records excluded", n)]),
        },
        Step {
            stage: "",
            main: vec![counted("Reports assessed for eligibility", full_text)],
            side: (!flow.excluded_full_text.is_empty()).then_some(reasons),
        },
        Step {
            stage: "Included",
            main: vec![counted("Studies included in review", included)],
            side: None,
        },
    ];
    let stage_width = steps
        .iter()
        .map(|s| BOLD.width(s.stage))
        .fold(0.0, f64::max);
    let main_left = MARGIN + stage_width + 2.0 * MARGIN;
    let side_left = main_left + BOX + SIDE_GAP;
    let wrap = |lines: &[String]| -> Vec<String> {
        lines
            .iter()
            .flat_map(|l| super::font::wrap(l, BODY.size, false, BOX - 2.0 * PADDING))
            .collect()
    };
    let mut svg = Svg::new();
    let mut y = MARGIN;
    let mut previous_bottom: Option<f64> = None;
    let mut description = Vec::new();
    for step in &steps {
        let main = wrap(&step.main);
        let side = step.side.as_deref().map(wrap);
        let height = |lines: &[String]| lines.len() as f64 * LINE + 2.0 * PADDING;
        let row_height = height(&main).max(side.as_deref().map_or(0.0, height));
        if let Some(bottom) = previous_bottom {
            arrow(
                &mut svg,
                (main_left + BOX / 2.0, bottom),
                (main_left + BOX / 2.0, y),
            );
        }
        svg.text(
            MARGIN,
            y + row_height / 2.0 + 4.0,
            Anchor::Start,
            BOLD,
            step.stage,
        );
        text_box(&mut svg, (main_left, y), height(&main), &main);
        description.push(in_words(&step.main));
        if let (Some(side), Some(raw)) = (&side, &step.side) {
            let centre = y + height(&main) / 2.0;
            arrow(&mut svg, (main_left + BOX, centre), (side_left, centre));
            text_box(&mut svg, (side_left, y), height(side), side);
            description.push(in_words(raw));
        }
        previous_bottom = Some(y + height(&main));
        y += row_height + LEAD;
    }
    let width = side_left + BOX + MARGIN;
    let height = y - LEAD + MARGIN;
    let title = "PRISMA 2020 flow diagram of the search and selection of studies".to_string();
    // A sentence a box: a reason for excluding reports may hold a comma, and a count ending one
    // box must not read as the count of the next box's first word.
    let description = format!("{}.", description.join(". "));
    Some(Figure {
        kind: FigureKind::Prisma,
        svg: svg.finish(width, height, &title, &description),
        title,
        description,
    })
}

/// A box's lines as words: a list under a heading ("Reports excluded:") with its items
/// separated by semicolons.
fn in_words(lines: &[String]) -> String {
    match lines.split_first() {
        Some((heading, items)) if heading.ends_with(':') && !items.is_empty() => {
            format!("{heading} {}", items.join("; "))
        }
        _ => lines.join(" "),
    }
}

/// A box with its lines of text.
fn text_box(svg: &mut Svg, (x, y): (f64, f64), height: f64, lines: &[String]) {
    svg.open("box", None);
    svg.rect((x, y), (BOX, height), "#FFFFFF", Some("#000000"));
    for (i, line) in lines.iter().enumerate() {
        svg.text(
            x + PADDING,
            y + PADDING + 11.0 + i as f64 * LINE,
            Anchor::Start,
            BODY,
            line,
        );
    }
    svg.close();
}

/// A straight arrow, vertical or horizontal, with its head at `to`.
fn arrow(svg: &mut Svg, from: (f64, f64), to: (f64, f64)) {
    svg.line(from, to, "#000000", 1.0);
    let head = if from.0 == to.0 {
        [
            (to.0, to.1),
            (to.0 - 4.0, to.1 - 7.0),
            (to.0 + 4.0, to.1 - 7.0),
        ]
    } else {
        [
            (to.0, to.1),
            (to.0 - 7.0, to.1 - 4.0),
            (to.0 - 7.0, to.1 + 4.0),
        ]
    };
    svg.polygon("arrowhead", &head, "#000000");
}

#[cfg(test)]
mod tests {
    use super::*;

    // The diagram lists the reasons for excluding reports as the text does: the most common
    // first, ties by name.
    #[test]
    fn reasons_are_listed_most_common_first() {
        let flow = Flow {
            identified: Some(30),
            screened: Some(30),
            full_text: Some(14),
            included: Some(3),
            excluded_full_text: [("a wrong design", 1), ("no control", 5), ("its own", 5)]
                .into_iter()
                .map(|(r, n)| (r.to_string(), n))
                .collect(),
            ..Flow::default()
        };
        let svg = prisma(&flow).unwrap().svg;
        let at = |reason: &str| svg.find(reason).unwrap();
        assert!(at("its own (n = 5)") < at("no control (n = 5)"));
        assert!(at("no control (n = 5)") < at("a wrong design (n = 1)"));
        // Described a sentence a box, the reasons separated by semicolons.
        assert!(
            svg.contains("Reports excluded: its own (n = 5); no control (n = 5); a wrong design (n = 1). Studies included in review (n = 3).</desc>"),
            "{svg}"
        );
    }
}
