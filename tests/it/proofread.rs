//! The proofreader of generated text: it passes every example and an imported real review,
//! and it catches each kind of seam it is meant to catch.

use crate::common::*;
use revmark::report::proofread::{self, Passage, Seam};

fn no_seams(name: &str, passages: &[Passage], seams: &[Seam]) {
    let sentences: usize = passages.iter().map(|p| p.sentences.len()).sum();
    assert!(sentences > 20, "{name}: only {sentences} sentences read");
    assert!(
        seams.is_empty(),
        "{name}:\n{}",
        seams
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
}

// Every generated sentence of the examples reads without a seam.
#[test]
fn the_examples_have_no_seams() {
    for slug in ["diuretics-pregnancy", "mmn-lactation", "bcg-vaccine"] {
        let (passages, seams) = proofread_review(&root().join("reviews").join(slug));
        no_seams(slug, &passages, &seams);
    }
}

// Real reviews imported from Review Manager (the committed excerpts, see
// tests/reference/revman/README.md) read without a seam too: the GAD review's text, a
// subgroup's subtotal quoted on its own line (CD008625, totals by subgroup only) and one study's
// own result where the authors pooled nothing (CD013210).
#[test]
fn imported_reviews_have_no_seams() {
    let scratch = Scratch::new("proofread-imports");
    for (excerpt, read) in [
        (
            "benzodiazepines-pregabalin-gad-excerpt",
            "Effects of interventions 1.16",
        ),
        (
            "CD008625-totals-excerpt",
            "3.2.1 48 hours: RR 0.37, 95% CI 0.20 to 0.70 (2 studies",
        ),
        (
            "CD013210-excerpt",
            "the only study, D'Haens 2008, found RR 0.59, 95% CI",
        ),
    ] {
        let file = root().join(format!("tests/reference/revman/{excerpt}.rm5"));
        let dir = scratch.path("reviews").join(excerpt.to_lowercase());
        let run = revmark(
            &scratch.0,
            &[
                "import",
                file.to_str().unwrap(),
                "--out",
                dir.to_str().unwrap(),
            ],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        let (passages, seams) = proofread_review(&dir);
        assert!(
            passages
                .iter()
                .any(|p| p.section == read || p.sentences.iter().any(|s| s.contains(read))),
            "{excerpt}: nothing reads `{read}`"
        );
        no_seams(excerpt, &passages, &seams);
    }
}

/// An example's passages, with the review and results to proofread them against.
struct Example {
    review: revmark::model::Review,
    results: std::sync::Arc<revmark::results::Results>,
    passages: Vec<Passage>,
}

impl Example {
    fn load(slug: &str) -> Example {
        let loaded = revmark::load::load_review(&root().join("reviews").join(slug)).unwrap();
        let results = std::sync::Arc::new(revmark::results::analyse(&loaded.review));
        let figures = revmark::plot::figures(&loaded.review, &results);
        let passages =
            revmark::report::generated_text(&loaded.review, results.clone(), &figures).unwrap();
        Example {
            review: loaded.review,
            results,
            passages,
        }
    }

    /// The seams after `change` edits the passage of `section`.
    fn seams_after(&self, section: &str, change: impl FnOnce(&mut Vec<String>)) -> Vec<Seam> {
        let mut passages = self.passages.clone();
        let passage = passages
            .iter_mut()
            .find(|p| p.section == section)
            .unwrap_or_else(|| panic!("no section {section}"));
        change(&mut passage.sentences);
        proofread::proofread(&self.review, &self.results, &passages)
    }

    /// Asserts that replacing `from` by `to` in `section` gives a seam whose problem contains
    /// `problem`.
    fn catches(&self, section: &str, from: &str, to: &str, problem: &str) {
        let seams = self.seams_after(section, |sentences| {
            let s = sentences
                .iter_mut()
                .find(|s| s.contains(from))
                .unwrap_or_else(|| panic!("{section} has no `{from}`"));
            *s = s.replacen(from, to, 1);
        });
        assert!(
            seams.iter().any(|s| s.problem.contains(problem)),
            "{section}: `{to}` gave no seam about `{problem}`: {seams:#?}"
        );
    }
}

// Each kind of seam is caught: the findings of issue 15 written back into the text, one at a
// time, are each reported.
#[test]
fn the_proofreader_catches_each_kind_of_seam() {
    let d = Example::load("diuretics-pregnancy");
    assert!(proofread::proofread(&d.review, &d.results, &d.passages).is_empty());

    // A sentence said twice.
    let seams = d.seams_after("Description of studies", |s| {
        let last = s.last().unwrap().clone();
        s.push(last);
    });
    assert!(
        seams.iter().any(|s| s.problem.contains("twice")),
        "{seams:#?}"
    );

    // Main's Description of studies: a count in digits and in words, and reports called
    // studies.
    let seams = d.seams_after("Description of studies", |s| {
        *s = vec![
            "We assessed 15 full-text reports, excluded 6: no outcome data (2) and not randomised (4), and included 9 studies.".into(),
            "We included nine studies (6942 women).".into(),
        ];
    });
    assert!(
        seams
            .iter()
            .any(|s| s.problem.contains("in words and in digits")),
        "{seams:#?}"
    );

    // Placeholders and notes to the author.
    d.catches(
        "Figure figures/forest-1.1.svg",
        "Forest plot of",
        "Favours [Diuretics]. Forest plot of",
        "placeholder `[Diuretics]`",
    );
    d.catches(
        "Description of studies",
        "We included nine studies (6942 women).",
        "_No search is described in review.yaml._",
        "placeholder",
    );
    d.catches(
        "Main results",
        "Nine studies",
        "{{ n }} studies",
        "placeholder `{{`",
    );

    // Counts that disagree with results.json, the flow or the study lists.
    d.catches(
        "Effects of interventions 1.1",
        "9 studies, 6942",
        "8 studies, 6942",
        "results.json has 9 and 6942",
    );
    d.catches(
        "Main results",
        "RR 0.65, 95% CI",
        "RR 0.66, 95% CI",
        "which no analysis",
    );
    d.catches(
        "Summary of findings 1: Pre-eclampsia",
        "6942 (9 studies)",
        "6942 (8 studies)",
        "results.json has 6942 in 9",
    );
    d.catches(
        "Data and analyses 1.1.1",
        "2 studies",
        "3 studies",
        "results.json has 2",
    );
    d.catches(
        "Data and analyses 1.2",
        "0.91 [0.64, 1.31]",
        "0.91 [0.64, 1.30]",
        "results.json has 0.91 [0.64, 1.31]",
    );
    d.catches(
        "Description of studies",
        "included nine studies",
        "included eight studies",
        "Included",
    );
    d.catches(
        "Description of studies",
        "(6942 women)",
        "(6943 women)",
        "Participants",
    );
    d.catches(
        "Description of studies",
        "excluded 6 of them",
        "excluded 5 of them",
        "ExcludedFullText",
    );
    d.catches(
        "Description of studies",
        "identified 42 records",
        "identified 41 records",
        "Identified",
    );
    d.catches(
        "Main results",
        "All nine studies compared",
        "All eight studies compared",
        "Included",
    );
    d.catches(
        "Plain language summary: what did we find?",
        "that involved 6942 women",
        "that involved 6000 women",
        "Participants",
    );

    // Four digits are written without a comma.
    d.catches(
        "Description of studies",
        "(6942 women)",
        "(6,942 women)",
        "the count 6,942 where Cochrane writes 6942",
    );

    // Agreement and lists.
    d.catches(
        "Main results",
        "Nine studies (involving",
        "One studies (involving",
        "does not agree",
    );
    d.catches(
        "Risk of bias in included studies",
        "No risk-of-bias judgements were recorded for any of the nine studies",
        "All nine studies was at unclear risk",
        "the verb does not agree",
    );
    d.catches(
        "Main results",
        "All nine studies compared",
        "Abe, Ota and et al. compared",
        "and et al.",
    );
    d.catches(
        "Data collection and analysis",
        "for pre-eclampsia and neonatal death",
        "for neonatal death and neonatal death",
        "twice in one list",
    );
}

/// The generated sentences of the diuretics example with stillbirth pooled like perinatal death
/// (Peto odds ratios, both very low certainty) and named `stillbirth`, and the seams in them.
fn with_stillbirth_named(stillbirth: &str) -> (Vec<String>, Vec<Seam>) {
    let scratch = Scratch::new("proofread-shared-word");
    let dir = example(&scratch, "diuretics-pregnancy");
    edit(
        &dir.join("review.yaml"),
        "    name: stillbirth",
        &format!("    name: {stillbirth}"),
    );
    let analyses = dir.join("analyses.yaml");
    edit(
        &analyses,
        "certainty: {level: moderate, reasons: [imprecision]}",
        "certainty: {level: very low, reasons: [risk of bias, imprecision]}",
    );
    edit(
        &analyses,
        "method: MH\n        data: data/stillbirth.csv",
        "method: Peto\n        certainty: {level: very low, reasons: [risk of bias, imprecision]}\n        data: data/stillbirth.csv",
    );
    let (passages, seams) = proofread_review(&dir);
    let sentences = passages.into_iter().flat_map(|p| p.sentences).collect();
    (sentences, seams)
}

// Two outcomes listed together whose names run into each other ("perinatal death and death")
// are told apart: the methods give each its analysis number, the plain language summary says
// each in a sentence of its own or repeats the preposition ("on perinatal death and on death");
// with names that do not, the lists stay as they are.
#[test]
fn names_that_share_a_word_are_told_apart() {
    let (plain, seams) = with_stillbirth_named("stillbirth");
    assert!(seams.is_empty(), "{seams:#?}");
    let methods = "Peto odds ratios for perinatal death and stillbirth";
    assert!(plain.iter().any(|s| s.contains(methods)), "{plain:#?}");
    let together = "diuretic treatment on perinatal death and stillbirth compared with";
    assert!(plain.iter().any(|s| s.contains(together)), "{plain:#?}");

    let (shared, seams) = with_stillbirth_named("death");
    assert!(seams.is_empty(), "{seams:#?}");
    assert!(
        !shared
            .iter()
            .any(|s| s.contains("perinatal death and death")),
        "{shared:#?}"
    );
    let numbered = "Peto odds ratios for perinatal death (analysis 1.2) and death (analysis 1.3)";
    assert!(shared.iter().any(|s| s.contains(numbered)), "{shared:#?}");
    for outcome in ["perinatal death", "death"] {
        let alone = format!("diuretic treatment on {outcome} compared with");
        assert!(
            shared.iter().any(|s| s.contains(&alone)),
            "no `{alone}` in {shared:#?}"
        );
    }
    let confidence = "We are not confident in the evidence on perinatal death and on death";
    assert!(shared.iter().any(|s| s.contains(confidence)), "{shared:#?}");
}

// Counts of five digits or more are read in the comma form the text writes them in, so that
// they are still checked against the data, and one written without the commas is a seam.
#[test]
fn counts_with_commas_are_read_and_checked() {
    let bcg = Example::load("bcg-vaccine");
    assert!(proofread::proofread(&bcg.review, &bcg.results, &bcg.passages).is_empty());
    let total = bcg.results.comparisons[0].outcomes[0].participants;
    assert!(total >= 10_000, "{total}");
    let written = format!("{},{:03}", total / 1000, total % 1000);
    let other = format!("{},{:03}", total / 1000, (total + 1) % 1000);
    // A count that disagrees with results.json, in running text and in the tables.
    bcg.catches(
        "Main results",
        &format!("involving a total of {written}"),
        &format!("involving a total of {other}"),
        &format!("says {}", total + 1),
    );
    bcg.catches(
        "Effects of interventions 1.1",
        &format!("13 studies, {written}"),
        &format!("13 studies, {other}"),
        &format!("results.json has 13 and {total}"),
    );
    bcg.catches(
        "Summary of findings 1: Tuberculosis",
        &format!("{written} ("),
        &format!("{other} ("),
        &format!("results.json has {total} in 13"),
    );
    bcg.catches(
        "Data and analyses 1.1",
        &format!("{written} participants"),
        &format!("{other} participants"),
        &format!("results.json has {total}"),
    );
    // The same count without its commas.
    bcg.catches(
        "Plain language summary: what did we find?",
        &format!("involved {written}"),
        &format!("involved {total}"),
        &format!("the count {total} where Cochrane writes {written}"),
    );
}
