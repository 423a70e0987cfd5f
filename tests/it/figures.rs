//! Figure tests: forest plots of the BCG trials (tests/figures/bcg/), the risk-of-bias
//! figures of reviews/mmn-lactation, a 300-study synthetic outcome, escaping and
//! determinism. No browser: text boxes are measured with the plot's own font metrics.
//!
//! Snapshots live in tests/figures/snapshots/. After an intended change, regenerate them
//! with `UPDATE_SNAPSHOTS=1 cargo test --test figures` and review the diff. Set
//! `FIGURES_OUT=<dir>` to also write every figure rendered here to that folder (to look at
//! them, e.g. with rsvg-convert).

use std::path::Path;

use revmark::load::load_review;
use revmark::model::{DataRow, Origin, Review};
use revmark::plot::svg::{overlapping_texts, text_boxes};
use revmark::plot::{self, Arms, Figure, Palette};
use revmark::results::{OutcomeResults, analyse};
use revmark::stats::Row;

fn load(dir: &str) -> Review {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    match load_review(&dir) {
        Ok(loaded) => loaded.review,
        Err(problems) => panic!("{} does not load: {problems:?}", dir.display()),
    }
}

/// Writes the figure to `FIGURES_OUT` when set.
fn keep(figure: &Figure) {
    keep_as(&figure.file_name(), figure);
}

/// Writes the figure to `FIGURES_OUT` under `name` when set.
fn keep_as(name: &str, figure: &Figure) {
    if let Ok(dir) = std::env::var("FIGURES_OUT") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(Path::new(&dir).join(name), &figure.svg).unwrap();
    }
}

/// Compares with tests/figures/snapshots/<name>, or rewrites it under UPDATE_SNAPSHOTS=1.
fn snapshot(name: &str, svg: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/figures/snapshots")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, svg).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("no snapshot {name}; run with UPDATE_SNAPSHOTS=1"));
    assert!(
        expected == svg,
        "{name} differs from its snapshot; if intended, run with UPDATE_SNAPSHOTS=1"
    );
}

fn assert_no_overlaps(figure: &Figure) {
    let overlaps = overlapping_texts(&figure.svg);
    assert!(
        overlaps.is_empty(),
        "{}: overlapping texts: {:#?}",
        figure.file_name(),
        &overlaps[..overlaps.len().min(5)]
    );
}

/// Numbers of a `points="x,y x,y ..."` attribute.
fn points(element: &str) -> Vec<(f64, f64)> {
    let start = element.find("points=\"").unwrap() + 8;
    let end = start + element[start..].find('"').unwrap();
    element[start..end]
        .split(' ')
        .map(|p| {
            let (x, y) = p.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect()
}

/// The content of each `<g class="study">` group (translated to its row or not), in order.
fn study_groups(svg: &str) -> Vec<&str> {
    svg.split("<g class=\"study\"")
        .skip(1)
        .map(|rest| &rest[rest.find('>').unwrap() + 1..rest.find("</g>").unwrap()])
        .collect()
}

/// Whether one of the figure's texts (a `<text>` or a cell of one) is exactly `text`.
fn has_cell(svg: &str, text: &str) -> bool {
    text_boxes(svg).iter().any(|b| b.text == text)
}

fn bcg_forest(review: &Review, outcome: usize) -> (Figure, revmark::plot::axis::Axis) {
    let results = analyse(review);
    let comparison = &results.comparisons[0];
    let result = &comparison.outcomes[outcome];
    let arms = Arms::of(review.comparisons.first());
    (
        plot::forest(result, comparison, &arms, review),
        plot::forest_axis(result, &arms, review),
    )
}

// One group per study, the total diamond centred on the pooled estimate, arrows exactly where
// the CI leaves the axis, no overlapping text; the snapshot catches any other change.
#[test]
fn forest_plot_of_bcg_trials_is_laid_out_from_the_results() {
    let review = load("tests/figures/bcg");
    let results = analyse(&review);
    let result: &OutcomeResults = &results.comparisons[0].outcomes[0];
    let (figure, axis) = bcg_forest(&review, 0);
    keep(&figure);
    let svg = &figure.svg;
    let groups = study_groups(svg);
    assert_eq!(groups.len(), 13);
    for (group, row) in groups.iter().zip(&result.study_results) {
        assert!(group.contains(&format!(">{}</text>", row.study.replace('&', "&amp;"))));
    }

    let pooled = result.pooled.unwrap().analysis.get().unwrap();
    let diamond = svg
        .lines()
        .find(|l| l.contains("class=\"diamond\""))
        .unwrap();
    let centre = points(diamond)[1].0;
    assert!(
        (centre - axis.x(pooled.y)).abs() < 0.01,
        "{centre} vs {}",
        axis.x(pooled.y)
    );
    assert!((points(diamond)[0].0 - axis.x(pooled.ci_low)).abs() < 0.01);

    let mut clipped = 0;
    for (group, row) in groups.iter().zip(&result.study_results) {
        let e = row.effect().unwrap();
        let expected =
            usize::from(!axis.contains(e.ci_low)) + usize::from(!axis.contains(e.ci_high));
        clipped += expected;
        assert_eq!(
            group.matches("class=\"arrow\"").count(),
            expected,
            "{group}"
        );
    }
    assert!(clipped > 0, "the BCG axis clips some intervals");
    assert!(svg.contains("Risk Ratio"));
    assert!(svg.contains("M-H, Random, 95% CI"));
    assert!(svg.contains("Favours BCG") && svg.contains("Favours no vaccine"));
    assert!(svg.contains("Total (95% CI)"));
    assert!(svg.contains("Heterogeneity: Tau\u{b2} = "));
    assert!(svg.contains("Test for overall effect: Z = "));
    assert_no_overlaps(&figure);
    snapshot("forest-bcg.svg", svg);
}

// Subgroup headings, subtotals, their footers and the test for subgroup differences.
#[test]
fn forest_plot_with_subgroups_has_revman_rows() {
    let review = load("tests/figures/bcg");
    let (figure, _) = bcg_forest(&review, 1);
    keep(&figure);
    let svg = &figure.svg;
    assert_eq!(study_groups(svg).len(), 13);
    for heading in [
        "1.2.1 Random allocation",
        "1.2.2 Alternate allocation",
        "1.2.3 Systematic allocation",
    ] {
        assert!(svg.contains(heading), "{heading}");
    }
    assert_eq!(svg.matches("Subtotal (95% CI)").count(), 3);
    assert_eq!(svg.matches("class=\"diamond\"").count(), 4);
    assert_eq!(svg.matches("Total events").count(), 4);
    assert!(svg.contains("Test for subgroup differences: Chi\u{b2} = "));
    assert!(svg.contains("Prediction interval"));
    assert_no_overlaps(&figure);
}

/// The BCG review with its first outcome's rows replaced by `n` synthetic studies.
fn synthetic(n: usize, name: impl Fn(usize) -> String) -> Review {
    let mut review = load("tests/figures/bcg");
    let template = review.studies.included[0].clone();
    review.studies.included = (0..n)
        .map(|i| {
            let mut study = template.clone();
            study.id.value = name(i);
            study
        })
        .collect();
    let outcome = &mut review.comparisons[0].outcomes[0];
    outcome.groups[0].rows = (0..n)
        .map(|i| DataRow {
            study: name(i),
            arm: None,
            values: Row::Dichotomous {
                e_events: 3 + (i * 7 % 23) as u64,
                e_total: 60 + (i * 13 % 200) as u64,
                c_events: 5 + (i * 11 % 29) as u64,
                c_total: 60 + (i * 17 % 180) as u64,
            },
            participants: 120 + (i * 13 % 200) as u64 + (i * 17 % 180) as u64,
            origin: Origin {
                file: "synthetic".into(),
                line: 0,
                column: 0,
            },
        })
        .collect();
    review
}

// 300 studies: every row drawn, taller than the 13-study plot, still no overlapping text.
#[test]
fn forest_plot_of_300_studies_grows_without_overlaps() {
    let review = synthetic(300, |i| {
        format!(
            "Study number {i} with a rather long name et al. {}",
            1950 + i % 70
        )
    });
    let (figure, _) = bcg_forest(&review, 0);
    keep_as("forest-300.svg", &figure);
    assert_eq!(study_groups(&figure.svg).len(), 300);
    snapshot("forest-300.svg", &figure.svg);
    let height = |svg: &str| -> f64 {
        let at = svg.find("height=\"").unwrap() + 8;
        svg[at..at + svg[at..].find('"').unwrap()].parse().unwrap()
    };
    let small = bcg_forest(&load("tests/figures/bcg"), 0).0;
    assert!(height(&figure.svg) > height(&small.svg) + 280.0 * 14.0);
    assert_no_overlaps(&figure);
}

// Hostile study names come out escaped, in text, titles and descriptions.
#[test]
fn study_names_are_escaped() {
    let review = synthetic(3, |i| format!("</text><script>alert({i})</script> & \"x\""));
    let (figure, _) = bcg_forest(&review, 0);
    assert!(!figure.svg.contains("<script"));
    assert!(
        figure
            .svg
            .contains("&lt;/text&gt;&lt;script&gt;alert(0)&lt;/script&gt; &amp; &quot;x&quot;")
    );
    for rob in [
        plot::rob_summary(&review, Palette::default()),
        plot::rob_graph(&review, Palette::default()),
    ] {
        assert!(!rob.svg.contains("<script"));
    }
    assert_no_overlaps(&figure);
}

// A build takes the figures in two steps, their words for the pages first and each outcome's
// SVGs later: together they are the figures drawn at once.
#[test]
fn figure_words_then_drawings_are_the_figures() {
    for dir in ["tests/figures/bcg", "reviews/diuretics-pregnancy"] {
        let review = load(dir);
        let results = analyse(&review);
        let whole = plot::figures(&review, &results);
        let words = plot::figure_words(&review, &results, Palette::default());
        let captions = |set: &plot::FigureSet| -> Vec<(String, String, String)> {
            set.iter()
                .map(|f| (f.path(), f.title.clone(), f.description.clone()))
                .collect()
        };
        assert_eq!(captions(&words), captions(&whole), "{dir}");
        let drawings =
            plot::OutcomeDrawings::new(&words, &review, &results, Palette::default(), None);
        assert!(!drawings.is_empty(), "{dir}: the outcomes' figures wait");
        let mut drawn: Vec<(String, String)> = words
            .drawn_svgs()
            .map(|(path, svg)| (path, svg.to_string()))
            .collect();
        let before = drawn.len();
        for i in 0..drawings.len() {
            drawn.extend(drawings.draw(i).into_iter().map(|(k, svg)| (k.path(), svg)));
        }
        assert!(drawn.len() > before, "{dir}");
        drawn.sort();
        let mut expected: Vec<(String, String)> =
            whole.iter().map(|f| (f.path(), f.svg.clone())).collect();
        expected.sort();
        assert_eq!(drawn, expected, "{dir}");
    }
}

// Rendering twice gives the same bytes.
#[test]
fn figures_are_deterministic() {
    let review = load("tests/figures/bcg");
    let first = plot::figures(&review, &analyse(&review));
    let second = plot::figures(&review, &analyse(&review));
    assert_eq!(first, second);
    let files: Vec<String> = first.iter().map(Figure::file_name).collect();
    assert_eq!(
        files,
        [
            "prisma.svg",
            "rob-summary.svg",
            "rob-graph.svg",
            "forest-1.1.svg",
            "forest-1.2.svg",
            "funnel-1.1.svg",
            "funnel-1.2.svg"
        ]
    );
    for figure in first.iter() {
        keep(figure);
        assert!(
            figure
                .svg
                .starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        );
        assert!(figure.svg.contains("viewBox=\"0 0 "));
        assert!(figure.svg.contains("<desc>"));
        assert_no_overlaps(figure);
    }
}

// The risk-of-bias summary and graph of the seed review, as committed.
#[test]
fn risk_of_bias_figures_of_the_seed_review() {
    let review = load("reviews/mmn-lactation");
    let summary = plot::rob_summary(&review, Palette::default());
    let graph = plot::rob_graph(&review, Palette::default());
    keep(&summary);
    keep(&graph);
    assert_eq!(summary.svg.matches("<g class=\"study\">").count(), 2);
    assert!(summary.description.contains(
        "Allocation concealment (selection bias) (B): low risk 0, unclear risk 2, high risk 0"
    ));
    assert_no_overlaps(&summary);
    assert_no_overlaps(&graph);
    snapshot("rob-summary-mmn-lactation.svg", &summary.svg);
    snapshot("rob-graph-mmn-lactation.svg", &graph.svg);
    let safe = plot::rob_summary(&review, Palette::ColourBlindSafe);
    assert!(safe.svg.contains("#0072B2") && !safe.svg.contains("#02C100"));
}

// The PRISMA counts of the BCG fixture add up; each broken sum is reported once.
#[test]
fn prisma_checks_report_each_inconsistent_count() {
    let review = load("tests/figures/bcg");
    let flow = review
        .protocol
        .search
        .as_ref()
        .unwrap()
        .flow
        .as_ref()
        .unwrap()
        .value
        .clone();
    assert_eq!(
        revmark::load::prisma_checks(&flow, 13),
        Vec::<String>::new()
    );
    let mut broken = flow.clone();
    broken.screened = Some(900);
    broken.included = Some(12);
    let problems = revmark::load::prisma_checks(&broken, 13);
    assert_eq!(problems.len(), 4, "{problems:#?}");
    assert!(problems[0].contains("records screened (900) should be records identified (1250) minus duplicates removed (310) = 940"));
    assert!(problems[3].contains("studies included (12) differs from the 13 included studies"));
    let figure = plot::prisma(&flow).unwrap();
    for count in [
        "(n = 1250)",
        "(n = 310)",
        "(n = 940)",
        "(n = 880)",
        "(n = 60)",
        "Not randomised (n = 25)",
        "(n = 13)",
    ] {
        assert!(figure.svg.contains(count), "{count}");
    }
    assert_no_overlaps(&figure);
}

// A funnel plot needs 10 estimable studies; its points are the studies.
#[test]
fn funnel_plot_only_from_ten_studies() {
    let review = load("tests/figures/bcg");
    let results = analyse(&review);
    let funnel = plot::funnel(&results.comparisons[0].outcomes[0]).unwrap();
    assert_eq!(funnel.svg.matches("<circle").count(), 13);
    assert_no_overlaps(&funnel);
    let few = synthetic(9, |i| format!("Study {i}"));
    assert!(plot::funnel(&analyse(&few).comparisons[0].outcomes[0]).is_none());
}

/// The numbers of an SVG attribute (`points="1,2 3,4"`, `cx="5"`) of an element.
fn attribute_numbers(element: &str, name: &str) -> Vec<f64> {
    let start = element.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
    let value = &element[start..start + element[start..].find('"').unwrap()];
    value
        .split([',', ' '])
        .map(|n| n.parse().unwrap())
        .collect()
}

/// Whether a point is inside a polygon (even-odd rule), or on its edge within half a pixel.
fn inside(point: (f64, f64), polygon: &[(f64, f64)]) -> bool {
    let mut crossings = 0;
    for (i, &a) in polygon.iter().enumerate() {
        let b = polygon[(i + 1) % polygon.len()];
        if (a.1 > point.1) != (b.1 > point.1) {
            let x = a.0 + (point.1 - a.1) / (b.1 - a.1) * (b.0 - a.0);
            if x > point.0 {
                crossings += 1;
            }
        }
    }
    crossings % 2 == 1
}

// The contour-enhanced funnel plot shades each study's place by the study's own p-value
// against no effect: every study sits in the region (drawn polygon on top) whose shade the
// legend gives its p, computed here from its estimate and standard error.
#[test]
fn funnel_contours_shade_each_study_by_its_p_value() {
    let review = load("tests/figures/bcg");
    let results = analyse(&review);
    let outcome = &results.comparisons[0].outcomes[0];
    let funnel = plot::funnel(outcome).unwrap();
    keep(&funnel);
    let svg = &funnel.svg;
    let group = |class: &str| {
        let start = svg.find(&format!("<g class=\"{class}\">")).unwrap();
        &svg[start..start + svg[start..].find("</g>").unwrap()]
    };
    // The figure's elements of one kind, each as its own text (the SVG may put several on a
    // line), and an element's fill: its own attribute, or the rule of one of its classes in
    // the figure's <style>.
    let elements = |within: &str, tag: &str| -> Vec<String> {
        within
            .split(&format!("<{tag} "))
            .skip(1)
            .map(|e| format!("<{tag} {}", &e[..e.find('>').unwrap()]))
            .collect()
    };
    let fill = |element: &str| -> String {
        if let Some(own) = element.split("fill=\"").nth(1) {
            return own[..7].to_string();
        }
        let classes = element.split("class=\"").nth(1).unwrap();
        let classes = &classes[..classes.find('"').unwrap()];
        classes
            .split(' ')
            .find_map(|c| {
                let rule = svg.split(&format!(".{c}{{")).nth(1)?;
                let rule = &rule[..rule.find('}')?];
                Some(rule.split("fill:").nth(1)?[..7].to_string())
            })
            .unwrap_or_else(|| panic!("no fill for {element}"))
    };
    let regions: Vec<(Vec<(f64, f64)>, String)> = elements(group("contours"), "polygon")
        .iter()
        .map(|l| {
            let numbers = attribute_numbers(l, "points");
            (numbers.chunks(2).map(|p| (p[0], p[1])).collect(), fill(l))
        })
        .collect();
    assert_eq!(regions.len(), 4, "the plot and one triangle per contour");
    // The legend names the shades, from p > 0.10 to p < 0.01.
    let legend = group("legend");
    let shades: Vec<String> = elements(legend, "rect").iter().map(|l| fill(l)).collect();
    for label in [
        "p &gt; 0.10",
        "0.05 &lt; p &lt; 0.10",
        "0.01 &lt; p &lt; 0.05",
        "p &lt; 0.01",
    ] {
        assert!(legend.contains(label), "{label} in {legend}");
    }
    let contours = revmark::stats::funnel_contours();
    let markers: Vec<(f64, f64)> = elements(group("studies"), "circle")
        .iter()
        .map(|l| (attribute_numbers(l, "cx")[0], attribute_numbers(l, "cy")[0]))
        .collect();
    let effects: Vec<_> = outcome
        .study_results
        .iter()
        .filter_map(revmark::results::StudyResult::effect)
        .collect();
    assert_eq!(markers.len(), effects.len());
    let mut checked = 0;
    for (marker, effect) in markers.iter().zip(&effects) {
        let z = (effect.y / effect.se).abs();
        // Pixel rounding blurs the edges: a study close to a contour is not judged.
        if contours.iter().any(|c| (z / c.z - 1.0).abs() < 0.04) {
            continue;
        }
        let region = contours.iter().filter(|c| z > c.z).count();
        let shade = &regions
            .iter()
            .rev()
            .find(|(polygon, _)| inside(*marker, polygon))
            .unwrap()
            .1;
        assert_eq!(shade, &shades[region], "study at z = {z}");
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} studies away from a contour");
    assert!(
        funnel.description.contains("p < 0.01"),
        "{}",
        funnel.description
    );
}

// RoB 2 studies get D1–D5 and Overall columns, with 150 studies still free of overlaps.
#[test]
fn risk_of_bias_summary_of_150_rob2_studies() {
    let mut review = synthetic(150, |i| format!("Trial {i} {}", 1990 + i % 30));
    review.studies.risk_of_bias_tool = revmark::model::RobTool::Rob2;
    let summary = plot::rob_summary(&review, Palette::default());
    keep_as("rob-summary-150.svg", &summary);
    assert_eq!(summary.svg.matches("<g class=\"study\">").count(), 150);
    for code in ["D1", "D5", "Overall"] {
        assert!(has_cell(&summary.svg, code), "{code}");
    }
    assert_no_overlaps(&summary);
    assert_no_overlaps(&plot::rob_graph(&review, Palette::ColourBlindSafe));
}

// The summary of 1,000 studies stays small: each judgement's dot is drawn once and placed by
// reference, every paint is a class (issue 17: at most 300 KB; Review Manager-sized reviews
// are far smaller).
#[test]
fn risk_of_bias_summary_of_1000_studies_stays_under_300_kb() {
    let review = synthetic(1000, |i| format!("Author{} {}", i % 97, 1970 + i % 53));
    let summary = plot::rob_summary(&review, Palette::default());
    assert_eq!(summary.svg.matches("<g class=\"study\">").count(), 1000);
    assert!(summary.svg.len() <= 300_000, "{} bytes", summary.svg.len());
    assert!(summary.svg.matches("<circle").count() <= 4);
}

// Continuous and generic outcomes get their own columns and measure names; RoB 2 dots.
#[test]
fn forest_plots_of_continuous_and_generic_outcomes() {
    let review = load("tests/figures/stroke");
    let results = analyse(&review);
    let comparison = &results.comparisons[0];
    let arms = Arms::of(review.comparisons.first());
    let expected = [
        ("Mean Difference", "IV, Fixed, 95% CI", "Mean"),
        ("Std. Mean Difference", "IV, Random, 95% CI", "SD"),
        (
            "Ratio of means",
            "IV, Random, 95% CI",
            "log[Ratio of means]",
        ),
    ];
    for (result, (measure, method, column)) in comparison.outcomes.iter().zip(expected) {
        let figure = plot::forest(result, comparison, &arms, &review);
        keep(&figure);
        assert_eq!(study_groups(&figure.svg).len(), 9);
        for text in [measure, method, "Favours stroke unit"] {
            assert!(figure.svg.contains(text), "{}: {text}", figure.file_name());
        }
        for cell in [column, "D5", "Overall"] {
            assert!(
                has_cell(&figure.svg, cell),
                "{}: {cell}",
                figure.file_name()
            );
        }
        assert_no_overlaps(&figure);
    }
}

// Every figure of both example reviews matches its snapshot.
#[test]
fn example_review_figures_match_their_snapshots() {
    for slug in ["mmn-lactation", "diuretics-pregnancy"] {
        let review = load(&format!("reviews/{slug}"));
        let results = analyse(&review);
        let figures = plot::figures(&review, &results);
        assert!(figures.len() >= 2, "{slug} has {} figures", figures.len());
        for figure in figures.iter() {
            snapshot(
                &format!("examples/{slug}/{}", figure.file_name()),
                &figure.svg,
            );
            // Paint is in the style sheet, not repeated on each element: the one fill
            // attribute is the background's.
            for attribute in [
                " fill=",
                " stroke=",
                " font-weight=",
                " text-anchor=",
                " style=",
            ] {
                let expected = usize::from(attribute == " fill=");
                assert_eq!(
                    figure.svg.matches(attribute).count(),
                    expected,
                    "{slug}/{}: {attribute}",
                    figure.file_name()
                );
            }
            assert!(figure.svg.contains("<title>") && figure.svg.contains("<desc>"));
        }
    }
}
