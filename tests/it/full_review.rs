//! The full review: every section is there, every number on the page is the number in
//! results.json, and a change in the data changes every place that shows it.

use crate::common::*;

use serde_json::Value;

/// RevMan's two-decimal format with the typographic minus.
fn two(x: f64) -> String {
    let s = format!("{x:.2}");
    match s.strip_prefix('-') {
        Some(rest) => format!("\u{2212}{rest}"),
        None => s,
    }
}

fn outcomes(json: &Value) -> Vec<Value> {
    json["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["outcomes"].as_array().unwrap().clone())
        .collect()
}

// The diuretics page has every section of a full review, and each outcome's numbers appear in
// the Summary of findings, Effects of interventions and Data and analyses exactly as results.json
// holds them.
#[test]
fn every_section_and_every_number_matches_results_json() {
    let scratch = Scratch::new("full");
    example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let page = read(&scratch, "diuretics-pregnancy/index.html");
    for heading in [
        "Abstract",
        "Summary of findings",
        "Background",
        "Objectives",
        "Methods",
        "Criteria for considering studies for this review",
        "Search methods for identification of studies",
        "Data collection and analysis",
        "Results",
        "Description of studies",
        "Risk of bias in included studies",
        "Effects of interventions",
        "Discussion",
        "Authors&#39; conclusions",
        "Implications for practice",
        "Implications for research",
        "Characteristics of studies",
        "Characteristics of included studies",
        "Data and analyses",
    ] {
        let heading = heading.replace("&#39;", "'");
        assert!(
            page.contains(&format!(">{heading}</h")),
            "no section {heading}"
        );
    }
    // The example lists no excluded study: an empty section is left out.
    assert!(!page.contains(">Characteristics of excluded studies</h"));
    assert!(
        page.contains("<nav class=\"contents\""),
        "a table of contents"
    );
    for figure in [
        "prisma.svg",
        "rob-summary.svg",
        "rob-graph.svg",
        "forest-1.1.svg",
        "forest-1.4.svg",
    ] {
        assert!(
            page.contains(&format!("src=\"figures/{figure}\"")),
            "figure {figure} is not on the page"
        );
        assert!(
            scratch
                .path("output/diuretics-pregnancy/figures")
                .join(figure)
                .is_file()
        );
    }
    let json: Value =
        serde_json::from_str(&read(&scratch, "diuretics-pregnancy/results.json")).unwrap();
    for o in outcomes(&json) {
        let p = &o["pooled"];
        let (est, lo, hi) = (
            p["estimate"].as_f64().unwrap(),
            p["ci_low"].as_f64().unwrap(),
            p["ci_high"].as_f64().unwrap(),
        );
        let measure = o["measure"].as_str().unwrap();
        let number = o["number"].as_str().unwrap();
        let text = format!(
            "{measure} {}, 95% CI {} to {}; {} {}, {} women",
            two(est),
            two(lo),
            two(hi),
            o["studies"],
            if o["studies"] == 1 {
                "study"
            } else {
                "studies"
            },
            o["participants"]
        );
        assert!(
            page.contains(&text),
            "Effects of interventions for {number}: no `{text}`"
        );
        let sof = format!(
            "<td>{measure} {} ({} to {})</td>",
            two(est),
            two(lo),
            two(hi)
        );
        assert!(
            page.contains(&sof),
            "Summary of findings for {number}: no `{sof}`"
        );
        let sof_n = format!("<td>{} ({} studies)</td>", o["participants"], o["studies"]);
        assert!(
            page.contains(&sof_n),
            "Summary of findings for {number}: no `{sof_n}`"
        );
        let table = format!("<td>{} [{}, {}]</td>", two(est), two(lo), two(hi));
        assert!(
            page.contains(&table),
            "Data and analyses for {number}: no `{table}`"
        );
        let forest = read(
            &scratch,
            &format!("diuretics-pregnancy/figures/forest-{number}.svg"),
        );
        assert!(
            forest.contains(&format!("{} [{}, {}]", two(est), two(lo), two(hi))),
            "forest plot {number}"
        );
    }
}

// One study's events change the abstract, the Summary of findings, the Effects of interventions
// paragraph and the forest plot.
#[test]
fn a_changed_study_changes_every_place_that_shows_it() {
    let scratch = Scratch::new("change");
    let dir = example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let files = [
        "abstract.md",
        "review.md",
        "index.html",
        "results.json",
        "figures/forest-1.3.svg",
    ];
    let before: Vec<String> = files
        .iter()
        .map(|f| read(&scratch, &format!("diuretics-pregnancy/{f}")))
        .collect();
    edit(
        &dir.join("data/stillbirth.csv"),
        "Kraus 1966,6,506,9,524",
        "Kraus 1966,1,506,19,524",
    );
    build(&scratch);
    let after: Vec<String> = files
        .iter()
        .map(|f| read(&scratch, &format!("diuretics-pregnancy/{f}")))
        .collect();
    for (i, f) in files.iter().enumerate() {
        assert_ne!(before[i], after[i], "{f} did not change");
    }
    let section = |text: &str, start: &str, end: &str| {
        let a = text.find(start).unwrap();
        text[a..a + text[a..].find(end).unwrap()].to_string()
    };
    let sof_before = section(&before[1], "## Summary of findings", "## Background");
    let sof_after = section(&after[1], "## Summary of findings", "## Background");
    assert_ne!(
        sof_before, sof_after,
        "the Summary of findings did not change"
    );
    let effect_before = section(&before[1], "##### 1.3 Stillbirth", "![");
    let effect_after = section(&after[1], "##### 1.3 Stillbirth", "![");
    assert_ne!(
        effect_before, effect_after,
        "the Effects of interventions paragraph did not change"
    );
    // Pre-eclampsia's paragraph does not depend on the stillbirth data.
    assert_eq!(
        section(&before[1], "##### 1.1 Pre-eclampsia", "!["),
        section(&after[1], "##### 1.1 Pre-eclampsia", "![")
    );
}

// Text generated from the data is marked in the page; the authors' prose is not.
#[test]
fn generated_text_is_marked_and_prose_is_not() {
    let scratch = Scratch::new("marked");
    example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let page = read(&scratch, "diuretics-pregnancy/index.html");
    let blocks: Vec<&str> = page
        .split("<div class=\"generated\">")
        .skip(1)
        .map(|b| &b[..b.find("</div>").unwrap()])
        .collect();
    let marked = |needle: &str| blocks.iter().any(|b| b.contains(needle));
    assert!(
        marked("Diuretic treatment may reduce pre-eclampsia"),
        "the Main results are marked"
    );
    assert!(
        marked("Summary of findings 1") || marked("per 1000"),
        "the Summary of findings is marked"
    );
    assert!(
        marked("We included nine studies"),
        "the Description of studies is marked"
    );
    assert!(
        !marked("Pre-eclampsia is a leading cause"),
        "the Background is the authors' prose"
    );
    assert!(
        !marked("Diuretics should not be used"),
        "the conclusions are the authors' prose"
    );
    assert!(
        !read(&scratch, "diuretics-pregnancy/abstract.md").contains("<div"),
        "abstract.md stays plain Markdown"
    );
}

// Every figure on the page is a link to its own file, so that a reader on a phone, where a
// forest plot is narrowed past reading, opens it whole; an image the authors put in a link of
// their own keeps that link only.
#[test]
fn every_figure_opens_whole() {
    let scratch = Scratch::new("figure-links");
    let dir = example(&scratch, "diuretics-pregnancy");
    edit(
        &dir.join("review.yaml"),
        "discussion: |\n",
        "discussion: |\n  [![The flow of studies](figures/prisma.svg)](#references)\n\n",
    );
    build(&scratch);
    let page = read(&scratch, "diuretics-pregnancy/index.html");
    let images: Vec<&str> = page.split("<img src=\"").skip(1).collect();
    assert!(images.len() >= 4, "{} images", images.len());
    let mut own = 0;
    for (before, image) in page.split("<img src=\"").zip(images) {
        let src = &image[..image.find('"').unwrap()];
        if before.ends_with("<a href=\"#references\">") {
            own += 1;
            continue;
        }
        assert!(
            before.ends_with(&format!("<a href=\"{src}\">")),
            "{src} is not a link to itself: …{}",
            &before[before.len().saturating_sub(80)..]
        );
        assert!(image.contains("/></a>"), "{src}: the link ends after it");
    }
    assert_eq!(own, 1, "the authors' linked image keeps its one link");
    assert!(
        !page.contains("<a href=\"figures/prisma.svg\"><a"),
        "no link in a link"
    );
}
