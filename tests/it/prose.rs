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
    assert_eq!(left, "Favours Thiazides");
    let svg = read(&scratch, "diuretics-pregnancy/figures/forest-1.1.svg");
    assert!(svg.contains(">Favours Thiazides<"));
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
    let text = risk_of_bias_text(&scratch);
    assert!(
        text.contains("All nine studies were at unclear risk of bias in every domain."),
        "{text}"
    );
    assert_eq!(text.matches("unclear risk").count(), 1, "{text}");
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
