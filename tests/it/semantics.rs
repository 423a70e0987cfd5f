//! Review Manager's analysis semantics in the built review: totals (overall, subtotals only,
//! none) in results.json, the forest plot, the text, the abstract and the Summary of findings;
//! analysis numbers kept as given in file names and links; Review Manager's study count beside
//! the estimable studies; a generic measure's name. Each test changes the example review's
//! data and asserts that the output follows.

use crate::common::*;
use revmark::format::{decimal, effect_phrase};
use revmark::results::{OutcomeResults, Results};

const REVIEW: &str = "diuretics-pregnancy";

/// The results of the last build.
fn results(scratch: &Scratch) -> Results {
    Results::from_json(&read(scratch, &format!("{REVIEW}/results.json"))).unwrap()
}

/// The analysis numbered `number`.
fn analysis<'r>(results: &'r Results, number: &str) -> &'r OutcomeResults {
    results
        .outcomes()
        .map(|(_, o)| o)
        .find(|o| o.number == number)
        .unwrap_or_else(|| panic!("no analysis {number}"))
}

fn page(scratch: &Scratch, file: &str) -> String {
    read(scratch, &format!("{REVIEW}/{file}"))
}

/// The example review with pre-eclampsia's settings (analysis 1.1, two subgroups) extended by
/// `settings`, built.
fn pre_eclampsia_with(scratch: &Scratch, settings: &str) {
    let dir = example(scratch, REVIEW);
    edit(
        &dir.join("analyses.yaml"),
        "        model: random\n        certainty: {level: low",
        &format!("        model: random\n{settings}        certainty: {{level: low"),
    );
    build(scratch);
}

// With an overall total (the default), the abstract, the Summary of findings and the forest
// plot carry the total of pre-eclampsia; with subtotals only they carry none: each subgroup is
// pooled with its rows weighed within it, the text says that the authors did not pool the
// subgroups together and gives each subgroup's effect, and the test for subgroup differences
// is given as asked.
#[test]
fn subtotals_pool_each_subgroup_and_no_total() {
    let overall = Scratch::new("totals-overall");
    example(&overall, REVIEW);
    build(&overall);
    let before = results(&overall);
    let total = analysis(&before, "1.1");
    let total_phrase = effect_phrase("RR", total.pooled.as_ref().unwrap());
    assert!(page(&overall, "abstract.md").contains(&total_phrase));
    assert!(page(&overall, "review.md").contains(&total_phrase));
    assert!(page(&overall, "figures/forest-1.1.svg").contains("Total (95% CI)"));

    let scratch = Scratch::new("totals-subtotals");
    pre_eclampsia_with(
        &scratch,
        "        totals: subtotals\n        subgroup_test: true\n",
    );
    let after = results(&scratch);
    let o = analysis(&after, "1.1");
    assert!(o.pooled.is_none() && o.heterogeneity.is_none() && o.prediction.is_none());
    assert!(o.subgroup_differences.is_some());
    for (sub, rows) in o.subgroup_rows() {
        let sum: f64 = rows.iter().map(|r| r.weight).sum();
        assert!((sum - 100.0).abs() < 1e-9, "{}: {sum}", sub.number);
        assert!((sub.weight - 100.0).abs() < 1e-9, "{}", sub.weight);
        assert!(sub.pooled.is_some());
    }
    let abstract_ = page(&scratch, "abstract.md");
    assert!(!abstract_.contains(&total_phrase), "{abstract_}");
    assert!(
        abstract_.contains("For pre-eclampsia, the review's authors pooled each subgroup on its own and chose not to pool the subgroups together (subtotals only;"),
        "{abstract_}"
    );
    let review = page(&scratch, "review.md");
    assert!(!review.contains(&total_phrase));
    // Summary of findings: no relative effect, the reason in the comments.
    let sof_row = review
        .lines()
        .find(|l| l.starts_with("| Pre-eclampsia |"))
        .unwrap();
    assert!(
        sof_row.contains("| — | — | — |")
            && sof_row.contains(
                "Subtotals only: the review's authors did not pool the subgroups together (Analysis 1.1)"
            ),
        "{sof_row}"
    );
    assert!(review.contains("| Subtotals only |"), "{review}");
    for sub in &o.subgroups {
        let phrase = effect_phrase("RR", sub.pooled.as_ref().unwrap());
        assert!(review.contains(&format!(
            "{} {}: {phrase}",
            sub.number,
            sub.name.as_deref().unwrap()
        )));
    }
    assert!(review.contains("Test for subgroup differences: Chi²"));
    let forest = page(&scratch, "figures/forest-1.1.svg");
    assert!(forest.contains("Subtotal (95% CI)"));
    assert!(!forest.contains("Total (95% CI)") && !forest.contains("class=\"total\""));
    assert!(forest.contains("Test for subgroup differences"));

    // Without `subgroup_test`, subtotals only give no test.
    let quiet = Scratch::new("totals-subtotals-no-test");
    pre_eclampsia_with(&quiet, "        totals: subtotals\n");
    assert!(
        analysis(&results(&quiet), "1.1")
            .subgroup_differences
            .is_none()
    );
    assert!(!page(&quiet, "figures/forest-1.1.svg").contains("Test for subgroup differences"));
}

// With no totals nothing is pooled: no diamond, no weights, no effect of the analysis or of
// its subgroups anywhere in the text; "Totals not selected" as Review Manager prints it.
#[test]
fn no_totals_pool_nothing() {
    let overall = Scratch::new("totals-none-before");
    example(&overall, REVIEW);
    build(&overall);
    let before = results(&overall);
    let phrases: Vec<String> = std::iter::once(analysis(&before, "1.1"))
        .flat_map(|o| {
            o.subgroups
                .iter()
                .filter_map(|s| s.pooled.as_ref())
                .chain(o.pooled.as_ref())
        })
        .map(|p| effect_phrase("RR", p))
        .collect();
    assert_eq!(phrases.len(), 3);

    let scratch = Scratch::new("totals-none");
    pre_eclampsia_with(&scratch, "        totals: none\n");
    let after = results(&scratch);
    let o = analysis(&after, "1.1");
    assert!(o.pooled.is_none() && o.subgroup_differences.is_none());
    assert!(
        o.subgroups
            .iter()
            .all(|s| s.pooled.is_none() && s.weight == 0.0)
    );
    assert!(o.study_results.iter().all(|r| r.weight == 0.0));
    assert!(o.study_results.iter().any(|r| r.estimable));
    for file in ["abstract.md", "review.md"] {
        let text = page(&scratch, file);
        for phrase in &phrases {
            assert!(!text.contains(phrase), "{file}: {phrase}");
        }
    }
    assert!(
        page(&scratch, "abstract.md")
            .contains("For pre-eclampsia, the review's authors chose not to pool the studies (totals not selected;")
    );
    let review = page(&scratch, "review.md");
    assert_eq!(
        review.matches("| Totals not selected |").count(),
        3,
        "{review}"
    );
    let forest = page(&scratch, "figures/forest-1.1.svg");
    assert!(!forest.contains("class=\"diamond\""), "no diamonds");
    assert!(!forest.contains(">Weight<") && !forest.contains("Subtotal (95% CI)"));
    assert!(!forest.contains("Heterogeneity") && !forest.contains("Test for"));
}

// An analysis of one study without totals has nothing to pool: the text gives that study's
// result, as results.json has it, and says that no total was selected; with a second study it
// says again that the authors chose not to pool them.
#[test]
fn no_totals_over_one_study_give_its_result() {
    let scratch = Scratch::new("totals-none-one");
    let dir = example(&scratch, REVIEW);
    let data = dir.join("data/stillbirth.csv");
    let rows = std::fs::read_to_string(&data).unwrap();
    let lines: Vec<&str> = rows.lines().collect();
    std::fs::write(&data, format!("{}\n{}\n", lines[0], lines[2])).unwrap();
    edit(
        &dir.join("analyses.yaml"),
        "        data: data/stillbirth.csv\n",
        "        totals: none\n        data: data/stillbirth.csv\n",
    );
    build(&scratch);
    let after = results(&scratch);
    let stillbirth = after
        .outcomes()
        .map(|(_, o)| o)
        .find(|o| o.outcome == "stillbirth")
        .expect("the stillbirth analysis");
    let [only] = stillbirth.study_results.as_slice() else {
        panic!("one study: {:?}", stillbirth.study_results);
    };
    let (study, _) = lines[2].split_once(',').unwrap();
    assert_eq!(only.study, study);
    let sentence = format!(
        "For stillbirth, the only study, {study}, found OR {}, 95% CI {} to {} ({} women; totals not selected).",
        decimal(only.estimate.unwrap()),
        decimal(only.ci_low.unwrap()),
        decimal(only.ci_high.unwrap()),
        stillbirth.participants
    );
    let review = page(&scratch, "review.md");
    assert!(review.contains(&sentence), "{sentence}\n---\n{review}");

    std::fs::write(&data, format!("{}\n{}\n{}\n", lines[0], lines[1], lines[2])).unwrap();
    build(&scratch);
    let review = page(&scratch, "review.md");
    assert!(!review.contains("the only study"), "{review}");
    assert!(
        review.contains("For stillbirth, the review's authors chose not to pool the studies (totals not selected; 2 studies, "),
        "{review}"
    );
}

// Numbers given in analyses.yaml are kept, gaps included, and the next is one more than the
// one before: the figure files, the Data and analyses links (to headings that exist), the
// forest plot's subgroup headings, results.json and results.csv follow them.
#[test]
fn numbers_with_gaps_name_files_and_links() {
    let scratch = Scratch::new("numbers");
    let dir = example(&scratch, REVIEW);
    let analyses = dir.join("analyses.yaml");
    edit(
        &analyses,
        "  - id: diuretics-vs-control\n",
        "  - id: diuretics-vs-control\n    number: 2\n",
    );
    edit(
        &analyses,
        "      - outcome: stillbirth\n",
        "      - outcome: stillbirth\n        number: \"2.16\"\n",
    );
    edit(
        &analyses,
        "{name: Women not selected for oedema,",
        "{name: Women not selected for oedema, number: 5,",
    );
    build(&scratch);
    let numbers: Vec<String> = results(&scratch)
        .outcomes()
        .map(|(_, o)| o.number.clone())
        .collect();
    assert_eq!(numbers, ["2.1", "2.2", "2.16", "2.17"]);
    let review = page(&scratch, "review.md");
    let html = page(&scratch, "index.html");
    for (number, name) in [("2.16", "Stillbirth"), ("2.17", "Neonatal death")] {
        assert!(
            scratch
                .path(&format!("output/{REVIEW}/figures/forest-{number}.svg"))
                .exists()
        );
        let link = format!("[{number} {name}](#");
        let at = review.find(&link).unwrap_or_else(|| panic!("{link}"));
        let anchor = &review[at + link.len()..];
        let anchor = &anchor[..anchor.find(')').unwrap()];
        assert!(html.contains(&format!("id=\"{anchor}\"")), "{anchor}");
        assert!(review.contains(&format!("##### {number} {name}")));
    }
    assert!(
        !scratch
            .path(&format!("output/{REVIEW}/figures/forest-2.3.svg"))
            .exists()
    );
    assert!(review.contains("### Comparison 2: "));
    assert!(page(&scratch, "figures/forest-2.1.svg").contains("2.1.5 Women not selected"));
    let csv = page(&scratch, "results.csv");
    assert!(
        csv.lines().any(|l| l.starts_with("2,16,0,Stillbirth,")),
        "{csv}"
    );
    assert!(
        csv.lines()
            .any(|l| l.starts_with("2,1,5,Women not selected"))
    );
}

// `studies` counts every study with a row, as Review Manager does ("10,101 (16)"), and
// `estimable_studies` those that contribute; the tables print the first, and a sentence about a
// pooled estimate says how many were estimable when some were not.
#[test]
fn studies_count_every_row_and_estimable_studies_the_estimable() {
    let scratch = Scratch::new("studies");
    example(&scratch, REVIEW);
    build(&scratch);
    let results = results(&scratch);
    let mut differ = 0;
    for (_, o) in results.outcomes() {
        let with_rows: std::collections::BTreeSet<&str> =
            o.study_results.iter().map(|r| r.study.as_str()).collect();
        let estimable: std::collections::BTreeSet<&str> = o
            .study_results
            .iter()
            .filter(|r| r.estimable)
            .map(|r| r.study.as_str())
            .collect();
        assert_eq!(o.studies, with_rows.len(), "{}", o.number);
        assert_eq!(o.estimable_studies, estimable.len(), "{}", o.number);
        if o.studies != o.estimable_studies {
            differ += 1;
            let review = page(&scratch, "review.md");
            // Data and analyses: "| [1.3 Stillbirth](#...) | 9 | 2806 | ...".
            let row = format!(") | {} | {} |", o.studies, o.participants);
            assert!(
                review
                    .lines()
                    .any(|l| l.starts_with(&format!("| [{} ", o.number)) && l.contains(&row)),
                "{row}"
            );
            assert!(
                review.contains(&format!(
                    "{} studies, {} women; {} studies with an estimable result",
                    o.studies, o.participants, o.estimable_studies
                )),
                "{}",
                o.number
            );
            assert!(review.contains(&format!("{} ({} studies)", o.participants, o.studies)));
        }
    }
    assert!(
        differ > 0,
        "the example has analyses with a non-estimable study"
    );
}

// A generic outcome keeps its measure's name: "Hazard Ratio" in the forest plot's headers,
// the Data and analyses table and results.csv, "HR 0.90, 95% CI ..." in the text; an
// authors' `measure_name` replaces the default name. Its rows' participants are counted.
#[test]
fn generic_measures_keep_their_name() {
    let generic = "      - outcome: perinatal-death\n        id: perinatal-death-hr\n        type: generic\n        measure: HR\n        scale: ratio\n        studies:\n          - {study: Menzies 1964, estimate: -0.105, se: 0.2, e_total: 57, c_total: 48}\n          - {study: Flowers 1962, estimate: 0.2, se: 0.3, e_total: 385, c_total: 134}\n";
    let built = |name: &str, extra: &str| {
        let scratch = Scratch::new(name);
        let dir = example(&scratch, REVIEW);
        append(
            &dir.join("analyses.yaml"),
            &generic.replace(
                "        scale: ratio\n",
                &format!("        scale: ratio\n{extra}"),
            ),
        );
        build(&scratch);
        scratch
    };
    let scratch = built("generic-hr", "");
    let results = results(&scratch);
    let hr = analysis(&results, "1.5");
    assert_eq!(hr.measure.name(), "Hazard Ratio");
    assert_eq!(hr.participants, 57 + 48 + 385 + 134);
    let forest = page(&scratch, "figures/forest-1.5.svg");
    assert!(forest.contains(">log[Hazard Ratio]<") && forest.contains(">Hazard Ratio<"));
    let review = page(&scratch, "review.md");
    assert!(review.contains("| Hazard Ratio (IV, Fixed, 95% CI) |"));
    assert!(review.contains(&effect_phrase("HR", hr.pooled.as_ref().unwrap())));
    assert!(!review.contains("Effect 0.") && !review.contains("| HR (IV"));
    assert!(page(&scratch, "results.csv").contains(",GIV,IV,Hazard Ratio,Fixed,"));
    assert!(page(&scratch, "results.json").contains("\"measure_name\": \"Hazard Ratio\""));

    let named = built(
        "generic-named",
        "        measure_name: Hazard ratio of death\n",
    );
    let forest = page(&named, "figures/forest-1.5.svg");
    assert!(forest.contains(">log[Hazard ratio of death]<"));
    let review = page(&named, "review.md");
    assert!(review.contains("| Hazard ratio of death (IV, Fixed, 95% CI) |"));
    assert!(review.contains("HR 0."), "the text keeps the label");
}
