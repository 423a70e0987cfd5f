//! The whole text of a Cochrane review: every section review.yaml can give is printed under
//! Cochrane's heading in Cochrane's order and left out when empty; additional tables from
//! Markdown or CSV; the outcome model (headline analyses, roles) and the Summary of findings
//! the authors specify in analyses.yaml; the errors of each.

use crate::common::*;

/// Every whole-review field of review.yaml, each text unique so that it can be found.
const FULL_TEXT: &str = r#"
methods:
  criteria:
    studies: CRIT-STUDIES randomised trials.
    participants: CRIT-PARTICIPANTS pregnant women.
    interventions: CRIT-INTERVENTIONS any diuretic.
    outcomes: CRIT-OUTCOMES as below.
  search:
    electronic: SEARCH-ELECTRONIC MEDLINE.
    other: SEARCH-OTHER reference lists.
  data_collection:
    selection: DC-SELECTION two authors.
    synthesis: DC-SYNTHESIS random effects.
    certainty: DC-CERTAINTY GRADE.
results:
  search: RES-SEARCH nine trials found.
  included: RES-INCLUDED nine trials.
  excluded: RES-EXCLUDED none.
  risk_of_bias:
    allocation: ROB-ALLOCATION unclear.
    blinding: ROB-BLINDING unclear.
  effects: RES-EFFECTS see below.
acknowledgements: ACK thanks.
contributions: CONTRIB all authors.
declarations_of_interest: DOI none.
sources_of_support:
  internal: [SUPPORT-INTERNAL university]
  external: [SUPPORT-EXTERNAL council]
differences_from_protocol: DIFF none.
appendices:
  - {title: Search strategy, body: "APPENDIX-BODY 1. diuretic*"}
additional_tables:
  - {title: Doses, body: "| Trial | Dose |\n|---|---|\n| TABLE-MD-CELL | 50 mg |"}
  - {title: Trial sizes, data: data/table-sizes.csv, footnotes: TABLE-NOTE from the reports.}
history:
  - {date: 1985-01-01, text: HISTORY-ENTRY first published.}
whats_new:
  - {date: 2026-11, text: WHATSNEW-ENTRY updated.}
feedback:
  - {title: A reader's comment, text: FEEDBACK-TEXT thank you.}
"#;

const BACKGROUND: &str = r"background:
  condition: BG-CONDITION pre-eclampsia.
  intervention: BG-INTERVENTION diuretics.
  how_it_works: BG-HOW it may work.
  why_important: BG-WHY it matters.
";

const DISCUSSION: &str = r"discussion:
  summary: DISC-SUMMARY less pre-eclampsia.
  completeness: DISC-COMPLETENESS old trials.
  certainty: DISC-CERTAINTY low.
  biases: DISC-BIASES few.
  agreements: DISC-AGREEMENTS with Collins 1985.
";

/// The diuretics example with every section of the whole review written.
fn full_review(scratch: &Scratch) -> std::path::PathBuf {
    let dir = example(scratch, "diuretics-pregnancy");
    let review = dir.join("review.yaml");
    let text = std::fs::read_to_string(&review).unwrap();
    // The background and the discussion as subsections instead of one text.
    let start = text.find("background: |").unwrap();
    let end = text.find("objectives:").unwrap();
    let mut text = format!("{}{BACKGROUND}{}", &text[..start], &text[end..]);
    let start = text.find("discussion: |").unwrap();
    let end = text.find("conclusions:").unwrap();
    text = format!("{}{DISCUSSION}{}", &text[..start], &text[end..]);
    text.push_str(FULL_TEXT);
    std::fs::write(&review, text).unwrap();
    std::fs::write(
        dir.join("data/table-sizes.csv"),
        "Trial,Women\nTABLE-CSV-CELL | *not emphasis*,100\nOther,20\n",
    )
    .unwrap();
    dir
}

/// Asserts that the markers are in `text` in this order, each found after the one before (a
/// heading at the start of a line).
fn assert_in_order(text: &str, markers: &[&str]) {
    let mut from = 0;
    for (i, m) in markers.iter().enumerate() {
        let found = if m.starts_with('#') {
            text[from..].find(&format!("\n{m}")).map(|at| at + 1)
        } else {
            text[from..].find(m)
        };
        let Some(at) = found else {
            let after = if i == 0 { "the start" } else { markers[i - 1] };
            panic!("`{m}` is not in the text after `{after}`:\n{text}");
        };
        from += at + m.len();
    }
}

// Every section is printed under its heading in Cochrane's order; without the fields the
// headings are gone and the rest of the page is as before.
#[test]
fn every_section_is_printed_in_cochranes_order() {
    let scratch = Scratch::new("whole-text");
    let dir = full_review(&scratch);
    build(&scratch);
    let review = read(&scratch, "diuretics-pregnancy/review.md");
    let order = [
        "## Background",
        "### Description of the condition",
        "BG-CONDITION",
        "### Description of the intervention",
        "BG-INTERVENTION",
        "### How the intervention might work",
        "### Why it is important to do this review",
        "BG-WHY",
        "## Objectives",
        "## Methods",
        "#### Types of studies",
        "CRIT-STUDIES",
        "#### Types of participants",
        "#### Types of interventions",
        "#### Types of outcome measures",
        "CRIT-OUTCOMES",
        "Primary outcomes:",
        "### Search methods for identification of studies",
        "#### Electronic searches",
        "SEARCH-ELECTRONIC",
        "#### Searching other resources",
        "We searched MEDLINE",
        "### Data collection and analysis",
        "#### Selection of studies",
        "DC-SELECTION",
        "#### Data synthesis",
        "#### Summary of findings and assessment of the certainty of the evidence",
        "DC-CERTAINTY",
        "We used risk ratios",
        "## Results",
        "### Description of studies",
        "We included nine studies",
        "#### Results of the search",
        "RES-SEARCH",
        "#### Included studies",
        "#### Excluded studies",
        "### Risk of bias in included studies",
        "#### Allocation",
        "ROB-ALLOCATION",
        "#### Blinding",
        "### Effects of interventions",
        "RES-EFFECTS",
        "#### Comparison 1",
        "## Discussion",
        "### Summary of main results",
        "DISC-SUMMARY",
        "### Overall completeness and applicability of evidence",
        "### Certainty of the evidence",
        "### Potential biases in the review process",
        "### Agreements and disagreements with other studies or reviews",
        "DISC-AGREEMENTS",
        "## Authors' conclusions",
        "## Acknowledgements",
        "ACK thanks",
        "## Characteristics of studies",
        "## Data and analyses",
        "## Additional tables",
        "### Table 1. Doses",
        "TABLE-MD-CELL",
        "### Table 2. Trial sizes",
        "TABLE-CSV-CELL",
        "TABLE-NOTE",
        "## Appendices",
        "### Appendix 1. Search strategy",
        "APPENDIX-BODY",
        "## Feedback",
        "### A reader's comment",
        "FEEDBACK-TEXT",
        "## What's new",
        "**November 2026:** WHATSNEW-ENTRY",
        "## History",
        "**1 January 1985:** HISTORY-ENTRY",
        "## Contributions of authors",
        "CONTRIB",
        "## Declarations of interest",
        "DOI none",
        "## Sources of support",
        "### Internal sources",
        "SUPPORT-INTERNAL",
        "### External sources",
        "SUPPORT-EXTERNAL",
        "## Differences between protocol and review",
        "DIFF none",
    ];
    assert_in_order(&review, &order);
    // A CSV table's cells are data: escaped, one row each.
    assert!(
        review.contains("| TABLE-CSV-CELL \\| \\*not emphasis\\* | 100 |"),
        "{review}"
    );
    // The sections reach the page too.
    let page = read(&scratch, "diuretics-pregnancy/index.html");
    for text in [
        "Sources of support",
        "BG-CONDITION",
        "TABLE-CSV-CELL",
        "DIFF none",
    ] {
        assert!(page.contains(text), "{text}");
    }
    // Without the fields, none of their headings is left: nothing says a section is empty.
    let text = std::fs::read_to_string(dir.join("review.yaml")).unwrap();
    let start = text.find("\nmethods:").unwrap();
    std::fs::write(dir.join("review.yaml"), &text[..=start]).unwrap();
    build(&scratch);
    let review = read(&scratch, "diuretics-pregnancy/review.md");
    for heading in [
        "## Acknowledgements",
        "## Additional tables",
        "## Appendices",
        "## Feedback",
        "## What's new",
        "## History",
        "## Contributions of authors",
        "## Declarations of interest",
        "## Sources of support",
        "## Differences between protocol and review",
        "#### Types of studies",
        "#### Results of the search",
        "#### Allocation",
    ] {
        assert!(!review.contains(heading), "{heading}:\n{review}");
    }
    assert!(review.contains("### Description of the condition"));
}

// The authors' own abstract gives the abstract's paragraphs in place of the review's fields;
// Main results stay generated.
#[test]
fn the_authors_abstract_gives_its_paragraphs() {
    let scratch = Scratch::new("authors-abstract");
    let dir = example(&scratch, "diuretics-pregnancy");
    append(
        &dir.join("review.yaml"),
        "authors_abstract:\n  objectives: OWN-OBJECTIVES.\n  main_results: OWN-MAIN-RESULTS.\n  conclusions: OWN-CONCLUSIONS.\n",
    );
    build(&scratch);
    let abstract_md = read(&scratch, "diuretics-pregnancy/abstract.md");
    assert!(abstract_md.contains("## Objectives\n\nOWN-OBJECTIVES."));
    assert!(abstract_md.contains("## Authors' conclusions\n\nOWN-CONCLUSIONS."));
    assert!(!abstract_md.contains("To assess the effects of diuretics"));
    assert!(!abstract_md.contains("OWN-MAIN-RESULTS"));
    assert!(abstract_md.contains("Diuretic treatment may reduce pre-eclampsia"));
}

/// The abstract's Main results effect paragraph.
fn effects_paragraph(abstract_md: &str) -> String {
    let main = abstract_md.split("## Main results").nth(1).unwrap();
    main.split("\n\n")
        .find(|p| p.contains("95% CI"))
        .unwrap_or("")
        .to_string()
}

// A second analysis of an outcome (here a sensitivity analysis) is reported in Effects of
// interventions under its outcome, not in the abstract; a Summary of findings chooses the
// headline analyses, in its order, with its labels, comments and footnotes.
#[test]
fn the_summary_of_findings_names_the_headline_analyses() {
    let scratch = Scratch::new("headline");
    let dir = example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let before = effects_paragraph(&read(&scratch, "diuretics-pregnancy/abstract.md"));
    assert_eq!(before.matches("95% CI").count(), 4, "{before}");
    append(
        &dir.join("analyses.yaml"),
        "      - outcome: pre-eclampsia
        id: pre-eclampsia-fixed
        name: Pre-eclampsia, fixed effect
        role: sensitivity
        sensitivity_of: pre-eclampsia
        type: dichotomous
        measure: RR
        data: data/pre-eclampsia-oedema.csv
",
    );
    build(&scratch);
    let abstract_md = read(&scratch, "diuretics-pregnancy/abstract.md");
    assert_eq!(effects_paragraph(&abstract_md), before);
    let review = read(&scratch, "diuretics-pregnancy/review.md");
    assert!(review.contains("##### Pre-eclampsia\n"), "{review}");
    assert!(review.contains("###### 1.1 Pre-eclampsia\n"), "{review}");
    assert!(
        review.contains(
            "###### 1.5 Pre-eclampsia, fixed effect\n\nSensitivity analysis of analysis 1.1."
        ),
        "{review}"
    );
    // The Summary of findings still lists one row per outcome.
    let sof = review
        .split("## Summary of findings")
        .nth(1)
        .unwrap()
        .split("## Background")
        .next()
        .unwrap()
        .to_string();
    assert!(!sof.contains("fixed effect"), "{sof}");

    edit(
        &dir.join("analyses.yaml"),
        "    outcomes:\n",
        "    summary_of_findings:
      population: women in their first pregnancy
      setting: antenatal clinics
      outcomes:
        - analysis: perinatal-death
          label: Perinatal death (before 7 days)
          comments: PD-COMMENT see note a
        - analysis: pre-eclampsia
        - outcome: maternal-adverse-effects
      footnotes: {a: AUTHORS-NOTE measured differently.}
    outcomes:\n",
    );
    build(&scratch);
    let review = read(&scratch, "diuretics-pregnancy/review.md");
    assert!(
        review.contains("**Patient or population:** women in their first pregnancy; **Setting:** antenatal clinics; **Intervention:** Diuretic treatment; **Comparison:** Placebo or no treatment"),
        "{review}"
    );
    let rows: Vec<&str> = review
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Outcomes"))
        .take(3)
        .collect();
    assert!(
        rows[0].starts_with("| Perinatal death (before 7 days) |"),
        "{rows:?}"
    );
    assert!(rows[0].contains("PD-COMMENT see note a"), "{rows:?}");
    assert!(rows[1].starts_with("| Pre-eclampsia |"), "{rows:?}");
    assert!(
        rows[2].starts_with("| Maternal adverse effects of diuretics |")
            && rows[2].contains("No study reported this outcome"),
        "{rows:?}"
    );
    // The authors keep marker a; the generated footnotes take b, c, ...
    assert!(
        review.contains("(a) AUTHORS-NOTE measured differently."),
        "{review}"
    );
    assert!(
        review.contains("(b) Downgraded for imprecision."),
        "{review}"
    );
    assert!(rows[0].contains("(b)"), "{rows:?}");
    // The abstract speaks of the two headline analyses, in the table's order.
    let effects = effects_paragraph(&read(&scratch, "diuretics-pregnancy/abstract.md"));
    assert_eq!(effects.matches("95% CI").count(), 2, "{effects}");
    assert!(
        effects.find("perinatal death").unwrap() < effects.find("pre-eclampsia").unwrap(),
        "{effects}"
    );
    assert!(!effects.contains("stillbirth"), "{effects}");
}

// A Summary of findings table's header names the population the review gives; without one it
// says nothing of it, rather than print a placeholder for the reader.
#[test]
fn a_summary_of_findings_without_a_population_leaves_it_out() {
    let scratch = Scratch::new("sof-population");
    let dir = example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let header = |scratch: &Scratch| {
        read(scratch, "diuretics-pregnancy/review.md")
            .lines()
            .find(|l| l.contains("**Intervention:**"))
            .expect("the table's header")
            .to_string()
    };
    assert!(
        header(&scratch)
            .starts_with("**Patient or population:** pregnant women; **Intervention:** "),
        "{}",
        header(&scratch)
    );
    edit(&dir.join("review.yaml"), "population: pregnant women\n", "");
    build(&scratch);
    let header = header(&scratch);
    assert!(
        header.starts_with("**Intervention:** Diuretic treatment; **Comparison:** "),
        "{header}"
    );
    assert!(
        !header.contains("opulation") && !header.contains("not stated"),
        "{header}"
    );
    // The authors hear of it from check, not the readers from the page.
    let warning = "review.yaml:1:1: warning: review.yaml gives no `population`";
    let run = revmark(&scratch.0, &["check"]);
    assert!(run.stderr.contains(warning), "{}", run.stderr);
    // A population of the comparison's table answers it.
    edit(
        &dir.join("analyses.yaml"),
        "    outcomes:\n",
        "    summary_of_findings:\n      population: women in their first pregnancy\n    outcomes:\n",
    );
    let run = revmark(&scratch.0, &["check"]);
    assert!(!run.stderr.contains(warning), "{}", run.stderr);
}

/// The diuretics example with `edits` (file, from, to) applied, checked.
fn check_with(edits: &[(&str, &str, &str)]) -> Run {
    let scratch = Scratch::new("whole-text-check");
    let dir = example(&scratch, "diuretics-pregnancy");
    for (file, from, to) in edits {
        edit(&dir.join(file), from, to);
    }
    revmark(&scratch.0, &["check"])
}

/// A replacement in one file: (file, from, to).
type Edit<'a> = (&'a str, &'a str, String);

// Each mistake in the new fields is named where it is written.
#[test]
fn mistakes_are_named_where_they_are() {
    let sof =
        |rows: &str| format!("    summary_of_findings:\n      outcomes:\n{rows}    outcomes:\n");
    let cases: Vec<(Vec<Edit>, &str)> = vec![
        (
            vec![(
                "analyses.yaml",
                "    outcomes:\n",
                sof("        - analysis: pre-eclampsia-x\n"),
            )],
            "analyses.yaml:8:21: error: comparison `diuretics-vs-control`, summary_of_findings: `pre-eclampsia-x` is not an analysis of this comparison",
        ),
        (
            vec![(
                "analyses.yaml",
                "    outcomes:\n",
                sof(&"        - analysis: stillbirth\n".repeat(8)),
            )],
            "summary_of_findings: 8 rows; a Summary of findings lists at most 7 outcomes",
        ),
        (
            vec![(
                "analyses.yaml",
                "    outcomes:\n",
                sof("        - {analysis: stillbirth, outcome: stillbirth}\n"),
            )],
            "a row with both `analysis` and `outcome`",
        ),
        (
            vec![(
                "analyses.yaml",
                "        data: data/stillbirth.csv\n",
                "        data: data/stillbirth.csv\n        sensitivity_of: neonatal-death\n"
                    .into(),
            )],
            "outcome `stillbirth`: `sensitivity_of` applies to `role: sensitivity` only",
        ),
        (
            vec![(
                "analyses.yaml",
                "        data: data/stillbirth.csv\n",
                "        data: data/stillbirth.csv\n        role: sensitivity\n        sensitivity_of: neonatal\n"
                    .into(),
            )],
            "`sensitivity_of: neonatal` is not another analysis of this comparison",
        ),
        (
            vec![(
                "review.yaml",
                "conclusions:",
                "history:\n  - {date: 16/10/2012, text: x}\nconclusions:".into(),
            )],
            "`16/10/2012` is not a date",
        ),
        (
            vec![(
                "review.yaml",
                "conclusions:",
                "additional_tables:\n  - {title: T, body: x, data: data/stillbirth.csv}\nconclusions:"
                    .into(),
            )],
            "additional table \"T\" has both `body` (Markdown) and `data` (a CSV file)",
        ),
        (
            vec![(
                "review.yaml",
                "conclusions:",
                "additional_tables:\n  - {title: T, data: ../outside.csv}\nconclusions:".into(),
            )],
            "leaves the review folder",
        ),
        (
            vec![(
                "review.yaml",
                "conclusions:",
                "results:\n  risk_of_bias: {allocaton: x}\nconclusions:".into(),
            )],
            "unknown field `allocaton`",
        ),
    ];
    for (edits, expected) in cases {
        let edits: Vec<(&str, &str, &str)> =
            edits.iter().map(|(f, a, b)| (*f, *a, b.as_str())).collect();
        let run = check_with(&edits);
        assert_ne!(run.code, 0, "{expected}: {}", run.stderr);
        assert!(run.stderr.contains(expected), "{expected}:\n{}", run.stderr);
    }
}

// The author view lists the warnings as check prints them and the generated abstract beside
// the authors' own; the page links to it only when review.yaml asks.
#[test]
fn the_author_view_shows_warnings_and_both_abstracts() {
    let scratch = Scratch::new("author-view");
    let dir = example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let view = read(&scratch, "diuretics-pregnancy/author.html");
    let check = revmark(&scratch.0, &["check"]);
    let warning = check
        .stderr
        .lines()
        .find(|l| l.contains("warning:"))
        .unwrap()
        .replace("reviews/diuretics-pregnancy/", "");
    assert!(
        view.contains(&format!("<pre>{warning}")),
        "{warning}\n{view}"
    );
    assert!(view.contains("Diuretic treatment may reduce pre-eclampsia"));
    assert!(view.contains("no abstract of the authors"));
    // A warning that names a second place names it within the review too (by line, in the
    // warning's own file), never by the folder it was built from.
    let data = dir.join("data/pre-eclampsia-oedema.csv");
    let csv = std::fs::read_to_string(&data).unwrap();
    let mut lines: Vec<String> = csv.lines().map(String::from).collect();
    lines[0].push_str(",arm");
    let second = format!("{},b", lines[1]);
    lines[1].push_str(",a");
    lines.insert(2, second);
    for line in &mut lines[3..] {
        line.push(',');
    }
    std::fs::write(&data, lines.join("\n") + "\n").unwrap();
    build(&scratch);
    let view = read(&scratch, "diuretics-pregnancy/author.html");
    assert!(view.contains("has rows for two arms"), "{view}");
    assert!(
        view.contains("data/pre-eclampsia-oedema.csv:3:1: warning: ")
            && view.contains("` at line 2 and `"),
        "{view}"
    );
    assert!(!view.contains("reviews/diuretics-pregnancy"), "{view}");
    let page = read(&scratch, "diuretics-pregnancy/index.html");
    assert!(!page.contains("author.html"));
    append(
        &dir.join("review.yaml"),
        "author_view: linked\nauthors_abstract:\n  main_results: OWN-RESULTS <b>x</b>.\n",
    );
    build(&scratch);
    let view = read(&scratch, "diuretics-pregnancy/author.html");
    assert!(view.contains("OWN-RESULTS &lt;b&gt;x&lt;/b&gt;."), "{view}");
    assert!(!view.contains("no abstract of the authors"));
    let page = read(&scratch, "diuretics-pregnancy/index.html");
    assert!(page.contains("<a href=\"author.html\">Author view</a>"));
}

// A comparison with more outcomes than a Summary of findings holds draws a warning until the
// authors choose its rows.
#[test]
fn more_than_seven_outcomes_ask_for_a_choice() {
    let scratch = Scratch::new("many-outcomes");
    let dir = scratch.path("reviews/r");
    std::fs::create_dir_all(&dir).unwrap();
    let ids: Vec<String> = (1..=8).map(|i| format!("o{i}")).collect();
    let mut review = String::from("title: T\noutcomes:\n");
    let mut analyses =
        String::from("comparisons:\n  - id: a-vs-b\n    name: A versus B\n    outcomes:\n");
    for id in &ids {
        review.push_str(&format!("  - {{id: {id}, name: outcome {id}}}\n"));
        analyses.push_str(&format!(
            "      - outcome: {id}\n        type: dichotomous\n        measure: RR\n        studies:\n          - {{study: S 2000, e_events: 1, e_total: 10, c_events: 2, c_total: 10}}\n"
        ));
    }
    std::fs::write(dir.join("review.yaml"), review).unwrap();
    std::fs::write(dir.join("studies.yaml"), "included:\n  - id: S 2000\n").unwrap();
    std::fs::write(dir.join("analyses.yaml"), &analyses).unwrap();
    let warning = "comparison `a-vs-b`: its Summary of findings lists all 8 outcomes";
    let run = revmark(&scratch.0, &["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains(warning), "{}", run.stderr);
    let chosen = analyses.replacen(
        "    outcomes:\n",
        "    summary_of_findings:\n      outcomes: [{analysis: o1}, {analysis: o2}]\n    outcomes:\n",
        1,
    );
    std::fs::write(dir.join("analyses.yaml"), chosen).unwrap();
    let run = revmark(&scratch.0, &["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains(warning), "{}", run.stderr);
}

// A rated headline analysis with arms of its own has no row in its comparison's Summary of
// findings (the risk columns name the comparison's arms): check warns at its certainty, the
// author view lists the warning, and naming it in `summary_of_findings` gives it its row and
// ends the warning.
#[test]
fn a_rated_analysis_with_arms_of_its_own_is_named_for_its_row() {
    let scratch = Scratch::new("own-arms-rated");
    let dir = example(&scratch, "diuretics-pregnancy");
    let analyses = dir.join("analyses.yaml");
    edit(
        &analyses,
        "        method: Peto\n        certainty: {level: moderate",
        "        method: Peto\n        experimental: Thiazide\n        certainty: {level: moderate",
    );
    let warning = "comparison `diuretics-vs-control`, outcome `perinatal-death`: rated for certainty, but with arms of its own";
    let run = revmark(&scratch.0, &["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let line = run
        .stderr
        .lines()
        .find(|l| l.contains(warning))
        .unwrap_or_else(|| panic!("no warning: {}", run.stderr));
    // At the certainty's level, where the GRADE assistant's warnings are.
    let text = std::fs::read_to_string(&analyses).unwrap();
    let row = text
        .lines()
        .position(|l| l.contains("experimental: Thiazide"))
        .unwrap()
        + 2;
    assert!(line.contains(&format!("analyses.yaml:{row}:")), "{line}");
    build(&scratch);
    let sof = |scratch: &Scratch| {
        let md = read(scratch, "diuretics-pregnancy/review.md");
        let start = md
            .find("Summary of findings")
            .expect("a Summary of findings");
        md[start..].split("\n## ").next().unwrap().to_string()
    };
    assert!(
        !sof(&scratch).contains("| Perinatal death |"),
        "{}",
        sof(&scratch)
    );
    assert!(read(&scratch, "diuretics-pregnancy/author.html").contains(warning));
    // Named in summary_of_findings: its row, and no warning.
    edit(
        &analyses,
        "    outcomes:\n",
        "    summary_of_findings:\n      outcomes: [{analysis: pre-eclampsia}, {analysis: perinatal-death}]\n    outcomes:\n",
    );
    let run = revmark(&scratch.0, &["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains(warning), "{}", run.stderr);
    build(&scratch);
    assert!(
        sof(&scratch).contains("| Perinatal death |"),
        "{}",
        sof(&scratch)
    );
}

// A note the authors left themselves in their prose is printed as written (it is their text),
// and check warns of it, so the author view lists it.
#[test]
fn a_note_to_the_authors_is_a_warning() {
    let scratch = Scratch::new("note");
    let dir = example(&scratch, "diuretics-pregnancy");
    edit(
        &dir.join("review.yaml"),
        "objectives: |\n",
        "objectives: |\n  [Objectives still to be agreed]\n",
    );
    let run = revmark(&scratch.0, &["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "warning: `[Objectives still to be agreed]` reads as a note to the authors; the review prints it as written"
        ),
        "{}",
        run.stderr
    );
    build(&scratch);
    assert!(
        read(&scratch, "diuretics-pregnancy/author.html")
            .contains("[Objectives still to be agreed]")
    );
}
