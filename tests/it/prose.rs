//! The published page speaks to readers only: a section the authors have not written is left
//! out of the page and named in `check`'s and `build`'s warnings instead, and the generated
//! prose has no seams (each finding of issue 15 is tested by changing the data and reading the
//! text that changes).

use crate::common::*;

/// review.yaml without the top-level fields `drop` (each with its indented block).
fn without_fields(path: &std::path::Path, drop: &[&str]) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = String::new();
    let mut skipping = false;
    for line in text.lines() {
        let top_level = !line.starts_with(' ') && !line.starts_with('#') && line.contains(':');
        if top_level {
            let key = line.split(':').next().unwrap();
            skipping = drop.contains(&key);
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    std::fs::write(path, out).unwrap();
}

/// Phrases of notes to the author that must never reach a published page.
const NOTES_TO_AUTHORS: [&str; 4] = ["review.yaml", "_No ", "_Not given", "is given in"];

// A review with no prose at all: the page has none of the authors' sections, no note to the
// author in their place, and `check` names each missing field of review.yaml.
#[test]
fn unwritten_sections_are_left_out_and_named_in_warnings() {
    let scratch = Scratch::new("unwritten");
    let dir = example(&scratch, "mmn-lactation");
    let fields = [
        "background",
        "objectives",
        "search",
        "selection_criteria",
        "data_collection",
        "discussion",
        "conclusions",
    ];
    without_fields(&dir.join("review.yaml"), &fields);
    build(&scratch);
    for file in ["review.md", "abstract.md", "index.html"] {
        let page = read(&scratch, &format!("mmn-lactation/{file}"));
        for note in NOTES_TO_AUTHORS {
            assert!(!page.contains(note), "{file} says `{note}`:\n{page}");
        }
        for heading in [
            "Background",
            "Objectives",
            "Search methods",
            "Selection criteria",
            "Discussion",
            "Authors' conclusions",
            "Implications for practice",
        ] {
            assert!(
                !page.contains(&format!("# {heading}\n"))
                    && !page.contains(&format!(">{heading}</h")),
                "{file} has an empty {heading} section"
            );
        }
    }
    let check = revmark(&scratch.0, &["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    for field in [
        "background",
        "objectives",
        "search.sources",
        "search.date",
        "selection_criteria",
        "data_collection",
        "discussion",
        "conclusions.practice",
        "conclusions.research",
    ] {
        assert!(
            check.stderr.lines().any(|l| l.contains("review.yaml")
                && l.contains("warning")
                && l.contains(&format!("`{field}` is not written"))),
            "no warning for `{field}`:\n{}",
            check.stderr
        );
    }
    let built = revmark(&scratch.0, &["build"]);
    assert!(
        built.stderr.contains("`discussion` is not written"),
        "build warns too:\n{}",
        built.stderr
    );
}

// The one example without a Discussion has no Discussion section, while the example with one
// keeps it; neither page has a note to the author, and neither has an empty excluded-studies
// section.
#[test]
fn the_examples_have_no_notes_to_authors() {
    let scratch = Scratch::new("notes");
    example(&scratch, "mmn-lactation");
    example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    for slug in ["mmn-lactation", "diuretics-pregnancy"] {
        let page = read(&scratch, &format!("{slug}/review.md"));
        for note in NOTES_TO_AUTHORS {
            assert!(!page.contains(note), "{slug} says `{note}`");
        }
        assert!(
            !page.contains("No studies were excluded"),
            "{slug}: an empty section says so"
        );
    }
    assert!(!read(&scratch, "mmn-lactation/review.md").contains("## Discussion"));
    assert!(read(&scratch, "diuretics-pregnancy/review.md").contains("## Discussion\n"));
    let check = revmark(&scratch.0, &["check"]);
    assert!(
        check
            .stderr
            .contains("mmn-lactation/review.yaml: warning: `discussion` is not written"),
        "{}",
        check.stderr
    );
    assert!(
        !check
            .stderr
            .contains("diuretics-pregnancy/review.yaml: warning: `discussion`"),
        "{}",
        check.stderr
    );
}

// The forest plot's "Favours" labels are results.csv's, with no placeholder brackets, and
// follow the arm labels of analyses.yaml.
#[test]
fn forest_labels_are_the_labels_results_csv_gives() {
    let scratch = Scratch::new("favours");
    let dir = example(&scratch, "diuretics-pregnancy");
    let labels = |scratch: &Scratch| {
        let csv = read(scratch, "diuretics-pregnancy/results.csv");
        let mut lines = csv.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
        let row: Vec<&str> = lines
            .find(|l| l.starts_with("1,1,0,"))
            .unwrap()
            .split(',')
            .collect();
        (
            row[column("Left Graph Label")].to_string(),
            row[column("Right Graph Label")].to_string(),
        )
    };
    build(&scratch);
    let (left, right) = labels(&scratch);
    let svg = read(&scratch, "diuretics-pregnancy/figures/forest-1.1.svg");
    assert!(svg.contains(&format!(">{left}<")), "{left}");
    assert!(svg.contains(&format!(">{right}<")), "{right}");
    assert!(!svg.contains("Favours ["), "a placeholder bracket");
    edit(
        &dir.join("analyses.yaml"),
        "experimental: Diuretics",
        "experimental: Thiazides",
    );
    build(&scratch);
    let (left, _) = labels(&scratch);
    // Mid-phrase, the name reads as in a sentence.
    assert_eq!(left, "Favours thiazides");
    let svg = read(&scratch, "diuretics-pregnancy/figures/forest-1.1.svg");
    assert!(svg.contains(">Favours thiazides<"));
}

// An author list that ends in "et al." is printed as an open list, not "... and et al.".
#[test]
fn an_author_list_ending_in_et_al_is_open() {
    let scratch = Scratch::new("etal");
    let dir = example(&scratch, "mmn-lactation");
    build(&scratch);
    let page = read(&scratch, "mmn-lactation/review.md");
    assert!(
        page.contains("Sarah K Abe, Olukunmi O Balogun, Erika Ota, et al.\n"),
        "{page}"
    );
    assert!(!page.contains("and et al"));
    edit(&dir.join("review.yaml"), ", et al.]", "]");
    build(&scratch);
    let page = read(&scratch, "mmn-lactation/review.md");
    assert!(page.contains("Sarah K Abe, Olukunmi O Balogun and Erika Ota\n"));
}

// Every heading of a comparison reads "Comparison N: name", in every section, and follows the
// name in analyses.yaml.
#[test]
fn comparison_headings_have_one_wording() {
    let scratch = Scratch::new("headings");
    let dir = example(&scratch, "diuretics-pregnancy");
    edit(
        &dir.join("analyses.yaml"),
        "name: Diuretics versus placebo or no treatment",
        "name: Thiazides versus placebo",
    );
    build(&scratch);
    let page = read(&scratch, "diuretics-pregnancy/review.md");
    let headings: Vec<&str> = page
        .lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| l.trim_start_matches('#').trim())
        .filter(|l| l.starts_with("Comparison "))
        .collect();
    assert!(headings.len() >= 2, "{headings:?}");
    for heading in headings {
        assert_eq!(heading, "Comparison 1: Thiazides versus placebo");
    }
}

// Verbs agree with their subjects: an outcome's name is never the subject of "was", and the
// effect sentences' verbs follow the number of the intervention's name.
#[test]
fn verbs_agree_with_their_subjects() {
    let scratch = Scratch::new("agreement");
    let dir = example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let text = read(&scratch, "diuretics-pregnancy/abstract.md");
    assert!(
        text.contains("The included studies did not report maternal adverse effects of diuretics."),
        "{text}"
    );
    assert!(!text.contains("diuretics was"), "{text}");
    assert!(text.contains(
        "Diuretic treatment probably results in little to no difference in perinatal death"
    ));

    // A plural intervention takes plural verbs, at every level of certainty.
    edit(
        &dir.join("review.yaml"),
        "experimental: diuretic treatment",
        "experimental: diuretics",
    );
    edit(&dir.join("analyses.yaml"), "level: low", "level: high");
    build(&scratch);
    let text = read(&scratch, "diuretics-pregnancy/abstract.md");
    assert!(
        text.contains("Diuretics reduce pre-eclampsia compared with"),
        "{text}"
    );
    assert!(
        text.contains("Diuretics probably result in little to no difference in perinatal death"),
        "{text}"
    );
    assert!(!text.contains("Diuretics reduces") && !text.contains("Diuretics probably results"));
}

/// The Description of studies paragraph of a built review.md.
fn description(scratch: &Scratch, slug: &str) -> String {
    let page = read(scratch, &format!("{slug}/review.md"));
    let start = page.find("### Description of studies").unwrap();
    let end = start + page[start..].find("</div>").unwrap();
    page[start..end].to_string()
}

// The search flow counts reports, the study lists count studies: reports excluded at full text
// are not called excluded studies, the number of included studies is said once (in words), and
// an excluded study listed in studies.yaml is counted from that list.
#[test]
fn description_of_studies_counts_each_thing_once() {
    let scratch = Scratch::new("description");
    let dir = example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let text = description(&scratch, "diuretics-pregnancy");
    assert!(
        text.contains("We assessed 15 full-text reports for eligibility and excluded 6 of them (not randomised: 4; no outcome data: 2)."),
        "{text}"
    );
    assert!(
        text.contains("We included nine studies (6942 women)."),
        "{text}"
    );
    assert!(!text.contains("9 studies"), "said twice: {text}");
    assert!(!text.contains("excluded 6 studies") && !text.contains("No studies were excluded"));
    let check = revmark(&scratch.0, &["check"]);
    assert!(
        check.stderr.contains("excludes 6 full-text reports"),
        "{}",
        check.stderr
    );

    // An excluded study and another report excluded at full text.
    edit(
        &dir.join("studies.yaml"),
        "excluded: []",
        "excluded:\n  - {id: Finnerty 1966, reason: not randomised}",
    );
    edit(&dir.join("review.yaml"), "full_text: 15", "full_text: 16");
    edit(
        &dir.join("review.yaml"),
        "not randomised: 4",
        "not randomised: 5",
    );
    build(&scratch);
    let text = description(&scratch, "diuretics-pregnancy");
    assert!(text.contains("We assessed 16 full-text reports for eligibility and excluded 7 of them (not randomised: 5; no outcome data: 2)."), "{text}");
    assert!(
        text.contains("We excluded one study (see Characteristics of excluded studies)."),
        "{text}"
    );
    let page = read(&scratch, "diuretics-pregnancy/review.md");
    assert!(page.contains("### Characteristics of excluded studies\n"));
    assert!(page.contains("| Finnerty 1966 | not randomised |"));
    let check = revmark(&scratch.0, &["check"]);
    assert!(
        !check.stderr.contains("full-text reports;"),
        "{}",
        check.stderr
    );
}

/// The generated methods paragraph of a built review.md.
fn methods(scratch: &Scratch) -> String {
    let page = read(scratch, "diuretics-pregnancy/review.md");
    page.lines()
        .find(|l| l.starts_with("We used "))
        .unwrap_or_else(|| panic!("no methods sentence:\n{page}"))
        .to_string()
}

// The methods name only what the analyses used, and follow analyses.yaml.
#[test]
fn methods_name_what_the_analyses_used() {
    let scratch = Scratch::new("methods");
    let dir = example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let text = methods(&scratch);
    assert!(
        text.contains("Peto odds ratios for perinatal death"),
        "{text}"
    );
    assert!(
        text.contains("risk ratios (RR) for pre-eclampsia and neonatal death"),
        "{text}"
    );
    assert!(text.contains("DerSimonian-Laird"), "{text}");
    for unused in [
        "REML",
        "Paule-Mandel",
        "mean difference",
        "inverse-variance",
        "Hartung",
    ] {
        assert!(!text.contains(unused), "{unused} was not used: {text}");
    }
    let analyses = dir.join("analyses.yaml");
    edit(&analyses, "method: Peto", "method: MH");
    edit(
        &analyses,
        "model: random",
        "model: random\n        tau2: REML",
    );
    build(&scratch);
    let text = methods(&scratch);
    assert!(!text.contains("Peto"), "{text}");
    assert!(
        text.contains("odds ratios (OR) for perinatal death and stillbirth"),
        "{text}"
    );
    assert!(
        text.contains("REML estimate of the between-study variance"),
        "{text}"
    );
    assert!(!text.contains("DerSimonian-Laird"), "{text}");
    // An outcome analysed in a second comparison is named once.
    append(
        &analyses,
        "  - id: thiazides-vs-placebo\n    name: Thiazides versus placebo\n    experimental: Thiazides\n    control: Placebo\n    outcomes:\n      - outcome: stillbirth\n        type: dichotomous\n        measure: OR\n        data: data/stillbirth.csv\n",
    );
    build(&scratch);
    let text = methods(&scratch);
    assert!(
        text.contains("We used risk ratios (RR) for pre-eclampsia and neonatal death, and odds ratios (OR) for perinatal death and stillbirth, all with"),
        "{text}"
    );
    assert!(!text.contains("stillbirth and stillbirth"), "{text}");
    edit(&analyses, "model: random", "model: fixed");
    build(&scratch);
    let text = methods(&scratch);
    assert!(!text.contains("random-effects"), "{text}");
    assert!(
        text.contains(
            "We pooled every analysis with a fixed-effect model (Mantel-Haenszel method)."
        ),
        "{text}"
    );
}

// A continuous outcome whose interval ends at a value that rounds to zero: the end has no
// direction ("0.78 lower to 0.00", never "0.00 higher"), and a name that starts with "mean" is
// not preceded by another "mean".
#[test]
fn an_interval_end_that_rounds_to_zero_has_no_direction() {
    let scratch = Scratch::new("zero");
    let dir = example(&scratch, "diuretics-pregnancy");
    // A protocol outcome at the end of review.yaml's outcome list, before `comparisons:`.
    edit(
        &dir.join("review.yaml"),
        "comparisons:\n",
        "  - {id: birthweight, name: mean birthweight (kg), priority: secondary}\ncomparisons:\n",
    );
    let analysis = |e_mean: &str| {
        format!(
            "      - outcome: birthweight\n        type: continuous\n        measure: MD\n        studies:\n          - {{study: Flowers 1962, e_mean: {e_mean}, e_sd: 1, e_n: 50, c_mean: 10, c_sd: 1, c_n: 50}}\n"
        )
    };
    append(&dir.join("analyses.yaml"), &analysis("9.609"));
    build(&scratch);
    let sof_row = |scratch: &Scratch| {
        read(scratch, "diuretics-pregnancy/review.md")
            .lines()
            .find(|l| l.starts_with("| Mean birthweight"))
            .unwrap()
            .to_string()
    };
    let row = sof_row(&scratch);
    assert!(
        row.contains("The mean birthweight (kg) in the intervention group was 0.39 lower (0.78 lower to 0.00)"),
        "{row}"
    );
    assert!(
        !row.contains("mean mean") && !row.contains("0.00 higher"),
        "{row}"
    );
    let analyses = std::fs::read_to_string(dir.join("analyses.yaml")).unwrap();
    std::fs::write(
        dir.join("analyses.yaml"),
        analyses.replace(&analysis("9.609"), &analysis("9.63")),
    )
    .unwrap();
    build(&scratch);
    let row = sof_row(&scratch);
    assert!(
        row.contains("0.37 lower (0.76 lower to 0.02 higher)"),
        "{row}"
    );
}

/// The generated Risk of bias in included studies paragraph of a built review.md.
fn risk_of_bias_text(scratch: &Scratch) -> String {
    let page = read(scratch, "diuretics-pregnancy/review.md");
    let start = page.find("### Risk of bias in included studies").unwrap();
    let end = start + page[start..].find("</div>").unwrap();
    page[start..end].to_string()
}

// Domains with the same judgements are said together, and identical risk-of-bias tables
// without support are shown once; one judgement or one support text changes both.
#[test]
fn risk_of_bias_is_said_once_per_set_of_judgements() {
    let scratch = Scratch::new("rob");
    let dir = example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    // No study records a judgement: said so, not put down to the studies' reports.
    let text = risk_of_bias_text(&scratch);
    assert!(
        text.contains("No risk-of-bias judgements were recorded for any of the nine studies; each is shown at unclear risk of bias in every domain."),
        "{text}"
    );
    assert_eq!(text.matches("unclear risk").count(), 1, "{text}");
    let recorded_none = "No risk-of-bias judgements were recorded for the included studies";
    let summary = read(&scratch, "diuretics-pregnancy/abstract.md");
    assert!(summary.contains(recorded_none), "{summary}");
    assert!(!summary.contains("lack of information"), "{summary}");
    let page = read(&scratch, "diuretics-pregnancy/review.md");
    assert_eq!(
        page.matches("| Random sequence generation (selection bias) |")
            .count(),
        1
    );
    assert!(page.contains("All nine included studies have the same risk-of-bias judgements"));

    let studies = dir.join("studies.yaml");
    edit(
        &studies,
        "methods: Randomised trial of diuretics in pregnancy, 1971.",
        "methods: Randomised trial of diuretics in pregnancy, 1971.\n    risk_of_bias:\n      sequence_generation: {judgement: low}",
    );
    build(&scratch);
    let text = risk_of_bias_text(&scratch);
    assert!(text.contains("All nine studies were at unclear risk of bias for allocation concealment (selection bias), blinding of participants and personnel (performance bias)"), "{text}");
    let summary = read(&scratch, "diuretics-pregnancy/abstract.md");
    assert!(!summary.contains(recorded_none), "{summary}");
    assert!(
        text.contains("For random sequence generation (selection bias), one study was at low risk of bias and eight at unclear risk."),
        "{text}"
    );
    let page = read(&scratch, "diuretics-pregnancy/review.md");
    assert_eq!(
        page.matches("| Random sequence generation (selection bias) |")
            .count(),
        9,
        "one table per study now that they differ"
    );
    assert!(!page.contains("have the same risk-of-bias judgements"));

    // The same judgements again, but one with its support: the tables are the studies' own.
    edit(
        &studies,
        "sequence_generation: {judgement: low}",
        "sequence_generation: {judgement: unclear, support: Not described.}",
    );
    build(&scratch);
    let text = risk_of_bias_text(&scratch);
    assert!(text.contains("All nine studies were at unclear risk of bias in every domain."));
    let page = read(&scratch, "diuretics-pregnancy/review.md");
    assert_eq!(
        page.matches("| Random sequence generation (selection bias) |")
            .count(),
        9
    );
    assert!(page.contains("| Unclear risk | Not described. |"));
}

/// The Outcomes row of a study's Characteristics table.
fn outcomes_row(scratch: &Scratch, study: &str) -> String {
    let page = read(scratch, "diuretics-pregnancy/review.md");
    let start = page.find(&format!("#### {study}\n")).unwrap();
    page[start..]
        .lines()
        .find(|l| l.starts_with("| Outcomes |"))
        .unwrap()
        .to_string()
}

// A study's outcomes are those it gave data for as well as those it reported, in running text
// (one capital, not one per outcome).
#[test]
fn a_study_lists_the_outcomes_it_gave_data_for() {
    let scratch = Scratch::new("outcomes");
    let dir = example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    assert_eq!(
        outcomes_row(&scratch, "Kraus 1966"),
        "| Outcomes | Pre-eclampsia, perinatal death, stillbirth and neonatal death |"
    );
    let csv = dir.join("data/stillbirth.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("Kraus 1966,"))
        .collect();
    std::fs::write(&csv, kept.join("\n") + "\n").unwrap();
    build(&scratch);
    assert_eq!(
        outcomes_row(&scratch, "Kraus 1966"),
        "| Outcomes | Pre-eclampsia, perinatal death and neonatal death |"
    );
}

/// The plain language summary of a built review.md, from its heading to the next section.
fn plain_language_summary(scratch: &Scratch, slug: &str) -> String {
    let page = read(scratch, &format!("{slug}/review.md"));
    let start = page
        .find("## Plain language summary\n")
        .unwrap_or_else(|| panic!("{slug}: no plain language summary"));
    let end = start + 3 + page[start + 3..].find("\n## ").unwrap();
    page[start..end].to_string()
}

/// The text of one part of a plain language summary (between its heading and the next).
fn part(summary: &str, heading: &str) -> String {
    let start = summary
        .find(&format!("#### {heading}\n"))
        .unwrap_or_else(|| panic!("no part {heading}:\n{summary}"));
    let rest = &summary[start + heading.len() + 6..];
    rest[..rest.find("\n#### ").unwrap_or(rest.len())]
        .replace("<div class=\"generated\">", "")
        .replace("</div>", "")
        .trim()
        .to_string()
}

const PARTS: [&str; 5] = [
    "Key messages",
    "What did we do?",
    "What did we find?",
    "What are the limitations of the evidence?",
    "How up to date is this evidence?",
];

// Both examples have a generated plain language summary in Cochrane's structure, the one with
// no data as well as the one with results.
#[test]
fn both_examples_have_a_generated_plain_language_summary() {
    let scratch = Scratch::new("pls");
    example(&scratch, "mmn-lactation");
    example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    for slug in ["mmn-lactation", "diuretics-pregnancy"] {
        let summary = plain_language_summary(&scratch, slug);
        assert!(summary.contains("\n### "), "{slug}: no title:\n{summary}");
        for heading in PARTS {
            assert!(
                !part(&summary, heading).is_empty(),
                "{slug}: {heading} is empty"
            );
        }
    }
    let mmn = plain_language_summary(&scratch, "mmn-lactation");
    assert!(
        part(&mmn, "Key messages").contains(
            "We do not know the effects of multiple micronutrients for breastfeeding mothers: the two small studies we found gave no data on this review's outcomes that we could analyse."
        ),
        "{mmn}"
    );
    assert!(part(&mmn, "What did we find?").contains(
        "One study reported on maternal anaemia but gave no data that we could analyse."
    ));
    assert_eq!(
        part(&mmn, "How up to date is this evidence?"),
        "The evidence is up to date to September 2015."
    );
}

// Where no study records a risk-of-bias judgement, the summary does not put the unrated
// evidence down to the studies' reports; with the judgements back, it does again.
#[test]
fn no_recorded_judgements_are_not_blamed_on_the_reports() {
    let scratch = Scratch::new("pls-no-rob");
    let dir = example(&scratch, "mmn-lactation");
    let blamed = "their reports did not describe their methods well enough";
    build(&scratch);
    let limits = |scratch: &Scratch| {
        let summary = plain_language_summary(scratch, "mmn-lactation");
        part(&summary, "What are the limitations of the evidence?")
    };
    assert!(limits(&scratch).contains(blamed), "{}", limits(&scratch));
    let studies = dir.join("studies.yaml");
    let judged = std::fs::read_to_string(&studies).unwrap();
    let mut unjudged = String::new();
    let mut in_judgements = false;
    for line in judged.lines() {
        if line == "    risk_of_bias:" {
            in_judgements = true;
            continue;
        }
        if in_judgements && line.starts_with("      ") {
            continue;
        }
        in_judgements = false;
        unjudged.push_str(line);
        unjudged.push('\n');
    }
    assert!(!unjudged.contains("judgement"), "{unjudged}");
    std::fs::write(&studies, unjudged).unwrap();
    build(&scratch);
    let text = limits(&scratch);
    assert!(!text.contains(blamed), "{text}");
    assert!(
        text.contains("gave no data that we could analyse"),
        "{text}"
    );
}

// The summary speaks of each headline result in the abstract's GRADE words, without the
// numbers, and follows the data: a certainty rating, a search date and a study change it.
#[test]
fn the_plain_language_summary_follows_the_data() {
    let scratch = Scratch::new("pls-data");
    let dir = example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let before = plain_language_summary(&scratch, "diuretics-pregnancy");
    let abstract_md = read(&scratch, "diuretics-pregnancy/abstract.md");
    // The abstract's sentence without its bracketed numbers is the summary's key message.
    let sentence = abstract_md
        .split(". ")
        .find(|s| s.contains("reduce pre-eclampsia"))
        .unwrap();
    let words = &sentence[sentence.find("Diuretic").unwrap()..sentence.find(" (RR").unwrap()];
    assert!(
        part(&before, "Key messages").contains(&format!("- {words}.")),
        "{words}\n{before}"
    );
    assert!(part(&before, "What are the limitations of the evidence?")
        .contains("Our confidence in the evidence is limited for pre-eclampsia, because the studies may have been done in ways that introduced errors into their results and the results differed from study to study."));

    edit(
        &dir.join("analyses.yaml"),
        "{level: low, reasons: [risk of bias, inconsistency]}",
        "{level: high}",
    );
    edit(
        &dir.join("review.yaml"),
        "date: 1984-12-31",
        "date: 1985-03-31",
    );
    build(&scratch);
    let after = plain_language_summary(&scratch, "diuretics-pregnancy");
    assert!(
        part(&after, "Key messages").contains(
            "- Diuretic treatment reduces pre-eclampsia compared with placebo or no treatment."
        ),
        "{after}"
    );
    assert!(
        part(&after, "What are the limitations of the evidence?")
            .contains("We are confident in the evidence on pre-eclampsia.")
    );
    assert_eq!(
        part(&after, "How up to date is this evidence?"),
        "The evidence is up to date to March 1985."
    );
    let abstract_md = read(&scratch, "diuretics-pregnancy/abstract.md");
    assert!(abstract_md.contains(
        "Diuretic treatment reduces pre-eclampsia compared with placebo or no treatment (RR"
    ));

    // Without the search date the part is left out (and check names the field).
    edit(&dir.join("review.yaml"), "  date: 1985-03-31\n", "");
    build(&scratch);
    let summary = plain_language_summary(&scratch, "diuretics-pregnancy");
    assert!(!summary.contains("How up to date"), "{summary}");
}

// A third study with data on maternal anaemia turns the summary with no data into one with a
// result.
#[test]
fn a_result_changes_the_summary_of_a_review_without_data() {
    let scratch = Scratch::new("pls-mmn");
    let dir = example(&scratch, "mmn-lactation");
    std::fs::write(
        dir.join("analyses.yaml"),
        "comparisons:\n  - id: mmn-vs-placebo\n    name: Multiple micronutrients versus placebo\n    experimental: Multiple micronutrients\n    control: Placebo\n    outcomes:\n      - outcome: maternal-anaemia\n        type: dichotomous\n        measure: RR\n        certainty: {level: low, reasons: [imprecision]}\n        studies:\n          - {study: Brazil trial, e_events: 2, e_total: 18, c_events: 9, c_total: 18}\n",
    )
    .unwrap();
    build(&scratch);
    let summary = plain_language_summary(&scratch, "mmn-lactation");
    let key = part(&summary, "Key messages");
    assert!(!key.contains("We do not know"), "{key}");
    assert!(key.contains("Multiple micronutrients may"), "{key}");
    assert!(
        key.contains("maternal anaemia compared with placebo"),
        "{key}"
    );
    assert!(part(&summary, "What are the limitations of the evidence?").contains(
        "Our confidence in the evidence is limited for maternal anaemia, because there were too few studies or participants to be sure of the results."
    ));
    assert!(part(&summary, "What did we do?").contains("We compared and summarised their results"));
}

// Authors replace a part in Markdown and may quote the generated part; a whole summary given
// as text replaces every part.
#[test]
fn authors_replace_parts_and_quote_the_generated_text() {
    let scratch = Scratch::new("pls-authors");
    let dir = example(&scratch, "diuretics-pregnancy");
    append(
        &dir.join("review.yaml"),
        "plain_language_summary:\n  title: Do *diuretics* prevent pre-eclampsia?\n  key_messages: |\n    {% for m in plain_language_summary.generated.key_messages %}- {{ m }}\n    {% endfor %}- Diuretics are not used for this today.\n",
    );
    build(&scratch);
    let summary = plain_language_summary(&scratch, "diuretics-pregnancy");
    assert!(
        summary.contains("### Do *diuretics* prevent pre-eclampsia?\n"),
        "{summary}"
    );
    let key = part(&summary, "Key messages");
    assert!(
        key.contains("- Diuretic treatment may reduce pre-eclampsia"),
        "{key}"
    );
    assert!(
        key.ends_with("- Diuretics are not used for this today."),
        "{key}"
    );
    assert!(
        part(&summary, "What did we do?").starts_with("We searched for studies"),
        "the other parts stay generated"
    );

    let text = std::fs::read_to_string(dir.join("review.yaml")).unwrap();
    let cut = text.find("plain_language_summary:").unwrap();
    std::fs::write(
        dir.join("review.yaml"),
        format!("{}plain_language_summary: Our own summary.\n", &text[..cut]),
    )
    .unwrap();
    build(&scratch);
    let summary = plain_language_summary(&scratch, "diuretics-pregnancy");
    assert_eq!(
        summary.trim(),
        "## Plain language summary\n\nOur own summary."
    );
}
