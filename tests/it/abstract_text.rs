//! The generated abstract: the seed review's Main results come from its data, and follow the
//! data when they change.

use crate::common::*;

/// The Main results section of a built abstract.
fn main_results(scratch: &Scratch, slug: &str) -> String {
    let text = read(scratch, &format!("{slug}/abstract.md"));
    let start = text
        .find("## Main results")
        .expect("a Main results heading");
    let end = text
        .find("## Authors' conclusions")
        .expect("an Authors' conclusions heading");
    text[start..end].to_string()
}

// Every fact of the seed abstract's Main results is stated, from studies.yaml and review.yaml.
#[test]
fn seed_abstract_states_every_main_result() {
    let scratch = Scratch::new("seed");
    example(&scratch, "mmn-lactation");
    build(&scratch);
    let text = main_results(&scratch, "mmn-lactation");
    for fact in [
        "We found no studies that compared multiple-micronutrient supplementation (with three or more micronutrients) versus supplementation with two or fewer micronutrients.",
        "Two small studies (involving a total of 52 women) were included.",
        "One study compared multiple micronutrients with placebo and the other study compared multiple micronutrients with a group who received no supplementation.",
        "The studies were carried out in Brazil (36 adolescent mothers) and the USA (16 women) and included women with a low socioeconomic status.",
        "risk of bias could not be adequately assessed (unclear risk of bias for many domains)",
        "There were no quantitative data for any of this review's outcomes so meta-analysis was not possible.",
        "Neither of the studies reported on the primary outcomes of interest in this review: maternal morbidity (febrile illness, respiratory tract infection, diarrhoea), adverse effects of micronutrients within three days of receiving the supplement and infant mortality (defined as a child dying before completing the first year of age).",
        "One study reported qualitatively on maternal anaemia (a secondary outcome of this review)",
        "effective for recuperating from anaemia",
        "but there were no data for inclusion in our analyses.",
        "The included studies did not report maternal satisfaction.",
        "none of this review's infant secondary outcomes were reported in the included studies: clinical micronutrient deficiency, morbidity episodes (febrile illness, respiratory tract infection, diarrhoea, other) and adverse effects of micronutrients within three days of receiving the supplement.",
    ] {
        assert!(text.contains(fact), "missing: {fact}\n---\n{text}");
    }
    let abstract_md = read(&scratch, "mmn-lactation/abstract.md");
    for heading in [
        "Background",
        "Objectives",
        "Search methods",
        "Selection criteria",
        "Data collection and analysis",
        "Main results",
        "Authors' conclusions",
    ] {
        assert!(
            abstract_md.contains(&format!("## {heading}\n")),
            "no heading {heading}"
        );
    }
    assert!(abstract_md.contains("We searched the Cochrane Pregnancy and Childbirth Group's Trials Register (30 September 2015) and reference lists of retrieved studies."));
}

// A third study (India, 100 women, placebo-controlled, reporting infant mortality) changes the
// counts, the subjects of the sentences and the list of unreported outcomes.
#[test]
fn a_third_study_changes_the_main_results() {
    let scratch = Scratch::new("third");
    let dir = example(&scratch, "mmn-lactation");
    let studies = dir.join("studies.yaml");
    edit(
        &studies,
        "excluded: []",
        "  - id: India trial\n    country: India\n    participants: 100\n    comparison: mmn-vs-placebo\n    outcomes_reported:\n      - outcome: infant-mortality\nexcluded: []",
    );
    build(&scratch);
    let text = main_results(&scratch, "mmn-lactation");
    assert!(
        text.contains("Three studies (involving a total of 152 women) were included."),
        "{text}"
    );
    assert!(!text.contains("Two small studies"), "{text}");
    assert!(text.contains("Two studies compared multiple micronutrients with placebo and one study compared multiple micronutrients with a group who received no supplementation"), "{text}");
    assert!(
        text.contains("Brazil (36 adolescent mothers), the USA (16 women) and India (100 women)"),
        "{text}"
    );
    let primary = text
        .lines()
        .find(|l| l.contains("primary outcome"))
        .expect("a sentence on primary outcomes");
    assert!(
        primary.starts_with(
            "None of the studies reported on the following primary outcomes: maternal morbidity"
        ),
        "{primary}"
    );
    assert!(
        !primary.contains("infant mortality"),
        "infant mortality is now reported: {primary}"
    );
    assert!(text.contains("One study reported on infant mortality (a primary outcome of this review) but there were no data for inclusion in our analyses."), "{text}");
}

// A study that names no comparison and has no data is said to have contributed none, so that
// the studies the text describes add up to those included; the proofreader passes the sentence.
#[test]
fn studies_without_data_are_counted() {
    let scratch = Scratch::new("without-data");
    let dir = example(&scratch, "mmn-lactation");
    edit(
        &dir.join("studies.yaml"),
        "excluded: []",
        "  - id: India trial\n    country: India\n    participants: 100\nexcluded: []",
    );
    build(&scratch);
    let text = main_results(&scratch, "mmn-lactation");
    assert!(
        text.contains("One study compared multiple micronutrients with placebo and one study compared multiple micronutrients with a group who received no supplementation. The other study contributed no data to the analyses."),
        "{text}"
    );
    let (_, seams) = proofread_review(&dir);
    assert!(seams.is_empty(), "{seams:#?}");
}

// A study with rows in two analysed comparisons (a three-arm trial) is counted under both,
// and the sentence says that some studies made more than one comparison.
#[test]
fn a_study_in_two_comparisons_is_counted_in_each() {
    let scratch = Scratch::new("two-comparisons");
    let dir = example(&scratch, "diuretics-pregnancy");
    let second = "  - id: thiazide-vs-loop\n    name: Thiazide versus loop diuretics\n    experimental: Thiazide\n    control: Loop diuretic\n    outcomes:\n      - outcome: stillbirth\n        type: dichotomous\n        measure: RR\n        method: MH\n        data: data/thiazide-loop.csv\n";
    append(&dir.join("analyses.yaml"), second);
    std::fs::write(
        dir.join("data/thiazide-loop.csv"),
        "study,e_events,e_total,c_events,c_total\nWeseley & Douglas 1962,1,60,2,71\nFlowers 1962,2,150,3,185\n",
    )
    .unwrap();
    build(&scratch);
    let text = main_results(&scratch, "diuretics-pregnancy");
    assert!(
        text.contains("Nine studies compared diuretic treatment with placebo or no treatment and two studies compared thiazide with loop diuretic; some studies made more than one comparison."),
        "{text}"
    );
}

// Outcomes no study reported are listed with "or" after the negation: "did not report A and
// B" could mean only not both.
#[test]
fn unreported_outcomes_are_listed_with_or() {
    let scratch = Scratch::new("unreported-or");
    let dir = example(&scratch, "mmn-lactation");
    edit(
        &dir.join("review.yaml"),
        "  - id: maternal-satisfaction\n",
        "  - id: maternal-sleep\n    name: maternal sleep\n    priority: secondary\n    group: maternal\n  - id: maternal-satisfaction\n",
    );
    build(&scratch);
    let text = main_results(&scratch, "mmn-lactation");
    assert!(
        text.contains(
            "The included studies did not report maternal sleep or maternal satisfaction."
        ),
        "{text}"
    );
    // The plain language summary says so in its words, and with "or" too.
    let review = read(&scratch, "mmn-lactation/review.md");
    let sentence = review
        .split(". ")
        .find(|s| s.starts_with("No study reported maternal morbidity"))
        .unwrap_or_else(|| panic!("no sentence on unreported outcomes: {review}"));
    assert!(
        sentence.contains("maternal sleep, maternal satisfaction, ")
            && sentence.contains(", morbidity episodes or adverse effects"),
        "{sentence}"
    );
}

// With one study left, the sentences speak of "the study".
#[test]
fn a_single_study_is_the_study() {
    let scratch = Scratch::new("single");
    let dir = example(&scratch, "mmn-lactation");
    let studies = dir.join("studies.yaml");
    let text = std::fs::read_to_string(&studies).unwrap();
    let cut = text.find("  - id: USA trial").unwrap();
    let end = text.find("excluded:").unwrap();
    std::fs::write(&studies, format!("{}{}", &text[..cut], &text[end..])).unwrap();
    build(&scratch);
    let text = main_results(&scratch, "mmn-lactation");
    assert!(
        text.contains("One small study (involving 36 women) was included."),
        "{text}"
    );
    assert!(
        text.contains("The study compared multiple micronutrients with placebo."),
        "{text}"
    );
    assert!(
        text.contains("The study did not report on the primary outcomes"),
        "{text}"
    );
    assert!(
        text.contains("The study was carried out in Brazil (36 adolescent mothers)"),
        "{text}"
    );
    // The no-supplementation comparison is now made by no study.
    assert!(text.contains("We found no studies that compared multiple-micronutrient supplementation (with three or more micronutrients) versus supplementation with two or fewer micronutrients or multiple-micronutrient supplementation versus no supplementation."), "{text}");
}

// Analysed outcomes get effect sentences whose numbers and wording follow the data and the
// certainty rating.
#[test]
fn effect_sentences_follow_data_and_certainty() {
    let scratch = Scratch::new("effects");
    let dir = example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let before = main_results(&scratch, "diuretics-pregnancy");
    let sentence = |text: &str, outcome: &str| {
        text.lines()
            .flat_map(|l| l.split(". "))
            .find(|s| s.contains(outcome) && s.contains("95% CI"))
            .unwrap_or_else(|| panic!("no sentence on {outcome} in {text}"))
            .to_string()
    };
    let pre = sentence(&before, "pre-eclampsia");
    assert!(
        pre.starts_with("Diuretic treatment may reduce pre-eclampsia"),
        "{pre}"
    );
    assert!(
        pre.contains("9 studies, 6942 women; low-certainty evidence"),
        "{pre}"
    );

    // A certainty change changes the wording.
    edit(&dir.join("analyses.yaml"), "level: low", "level: high");
    build(&scratch);
    let high = sentence(
        &main_results(&scratch, "diuretics-pregnancy"),
        "pre-eclampsia",
    );
    assert!(
        high.starts_with("Diuretic treatment reduces pre-eclampsia"),
        "{high}"
    );
    assert!(high.contains("high-certainty evidence"), "{high}");

    // A changed count changes the numbers.
    edit(
        &dir.join("data/pre-eclampsia-oedema.csv"),
        "Menzies 1964,14,57,24,48",
        "Menzies 1964,30,57,24,48",
    );
    build(&scratch);
    let changed = sentence(
        &main_results(&scratch, "diuretics-pregnancy"),
        "pre-eclampsia",
    );
    assert_ne!(high, changed);
    let results = read(&scratch, "diuretics-pregnancy/results.json");
    let json: serde_json::Value = serde_json::from_str(&results).unwrap();
    let estimate = json["comparisons"][0]["outcomes"][0]["pooled"]["estimate"]
        .as_f64()
        .unwrap();
    assert!(
        changed.contains(&format!("RR {:.2}", estimate)),
        "{changed} vs {estimate}"
    );
}

// Results of one comparison rated very low certainty follow each other in one sentence, not in
// sentences that all open with the same words; rated otherwise, each has its own.
#[test]
fn very_uncertain_results_are_said_once() {
    let scratch = Scratch::new("very-low");
    let dir = example(&scratch, "diuretics-pregnancy");
    let analyses = dir.join("analyses.yaml");
    edit(
        &analyses,
        "certainty: {level: low, reasons: [risk of bias, inconsistency]}",
        "certainty: {level: very low, reasons: [risk of bias, inconsistency, imprecision]}",
    );
    edit(
        &analyses,
        "certainty: {level: moderate, reasons: [imprecision]}",
        "certainty: {level: very low, reasons: [risk of bias, imprecision]}",
    );
    build(&scratch);
    let text = main_results(&scratch, "diuretics-pregnancy").replace('\n', " ");
    assert_eq!(
        text.matches("The evidence is very uncertain").count(),
        1,
        "{text}"
    );
    let once = text
        .split("The evidence is very uncertain")
        .nth(1)
        .unwrap()
        .split("). ")
        .collect::<Vec<_>>();
    let sentence = once[..2].join("). ");
    assert!(
        sentence.starts_with(" about the effect of diuretic treatment compared with placebo or no treatment on pre-eclampsia (RR "),
        "{sentence}"
    );
    assert!(
        sentence.contains("very low-certainty evidence) and perinatal death (OR "),
        "{sentence}"
    );

    // Perinatal death rated moderate again: two sentences of their own.
    edit(
        &analyses,
        "certainty: {level: very low, reasons: [risk of bias, imprecision]}",
        "certainty: {level: moderate, reasons: [imprecision]}",
    );
    build(&scratch);
    let text = main_results(&scratch, "diuretics-pregnancy");
    assert!(
        text.contains("The evidence is very uncertain about the effect of diuretic treatment on pre-eclampsia compared with placebo or no treatment (RR "),
        "{text}"
    );
    assert!(
        text.contains("probably results in little to no difference in perinatal death"),
        "{text}"
    );
}

// Review Manager reviews often analyse the same data again in another comparison (the same
// studies grouped otherwise, as CD008625 does): the abstract says that result once. When the
// second analysis's data differ, it is a result of its own and is said.
#[test]
fn a_result_analysed_again_in_another_comparison_is_said_once() {
    let scratch = Scratch::new("said-once");
    let dir = example(&scratch, "diuretics-pregnancy");
    std::fs::copy(
        dir.join("data/perinatal-death.csv"),
        dir.join("data/perinatal-death-again.csv"),
    )
    .unwrap();
    append(
        &dir.join("analyses.yaml"),
        "  - id: diuretics-vs-control-again
    name: Diuretics versus placebo or no treatment, by year
    experimental: diuretic treatment
    control: placebo or no treatment
    outcomes:
      - outcome: perinatal-death
        type: dichotomous
        measure: OR
        method: Peto
        certainty: {level: moderate, reasons: [imprecision]}
        data: data/perinatal-death-again.csv
",
    );
    build(&scratch);
    let text = main_results(&scratch, "diuretics-pregnancy").replace('\n', " ");
    let about = |text: &str| text.matches("perinatal death compared with").count();
    assert_eq!(about(&text), 1, "{text}");

    // One trial fewer in the second analysis: two results, two sentences.
    edit(
        &dir.join("data/perinatal-death-again.csv"),
        "Weseley & Douglas 1962,1,131,4,136\n",
        "",
    );
    build(&scratch);
    let text = main_results(&scratch, "diuretics-pregnancy").replace('\n', " ");
    assert_eq!(about(&text), 2, "{text}");
}

/// The paragraphs of a Main results section, without its heading.
fn paragraphs(main_results: &str) -> Vec<String> {
    main_results
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty() && !p.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// A second comparison of the diuretics example, named `name`, with stillbirth (its data
/// without the first trial, so that its result differs from the first comparison's) and
/// neonatal death; `role` is written on each analysis when given.
fn second_comparison(dir: &std::path::Path, name: &str, role: Option<&str>) {
    let stillbirth = std::fs::read_to_string(dir.join("data/stillbirth.csv")).unwrap();
    let fewer: Vec<&str> = stillbirth
        .lines()
        .filter(|l| !l.starts_with("Weseley"))
        .collect();
    std::fs::write(dir.join("data/stillbirth-2.csv"), fewer.join("\n") + "\n").unwrap();
    let role = role
        .map(|r| format!("        role: {r}\n"))
        .unwrap_or_default();
    append(
        &dir.join("analyses.yaml"),
        &format!(
            "  - id: thiazides-vs-control
    name: \"{name}\"
    experimental: Thiazides
    control: Control
    outcomes:
      - outcome: stillbirth
        type: dichotomous
        measure: OR
        method: MH
{role}        data: data/stillbirth-2.csv
      - outcome: neonatal-death
        type: dichotomous
        measure: RR
        method: MH
{role}        data: data/neonatal-death.csv
"
        ),
    );
}

// With one comparison the Main results are one paragraph of results; with a second, each
// comparison's results are a paragraph of their own that opens with the comparison's name,
// and the name follows analyses.yaml.
#[test]
fn results_of_several_comparisons_are_told_apart() {
    let scratch = Scratch::new("grouped");
    let dir = example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let one = main_results(&scratch, "diuretics-pregnancy");
    let name = "Diuretics versus placebo or no treatment";
    assert!(!one.contains(&format!("{name}:")), "{one}");

    let second = "Thiazides versus control in late pregnancy";
    second_comparison(&dir, second, None);
    build(&scratch);
    let two = paragraphs(&main_results(&scratch, "diuretics-pregnancy"));
    let opening = |p: &String, name: &str| p.starts_with(&format!("{name}: "));
    let first = two.iter().position(|p| opening(p, name));
    let other = two.iter().position(|p| opening(p, second));
    let (Some(first), Some(other)) = (first, other) else {
        panic!("no paragraph opens with each comparison's name: {two:#?}");
    };
    assert!(first < other, "{two:#?}");
    // The first comparison's paragraph holds its results, the second's its own.
    assert!(two[first].contains("pre-eclampsia"), "{}", two[first]);
    assert!(!two[other].contains("pre-eclampsia"), "{}", two[other]);
    assert!(two[other].contains("stillbirth"), "{}", two[other]);
    // The sentence after the name goes on in lower case.
    assert!(
        two[first].starts_with(&format!("{name}: diuretic treatment may reduce")),
        "{}",
        two[first]
    );

    // Renamed in analyses.yaml, the paragraph opens with the new name.
    edit(
        &dir.join("analyses.yaml"),
        second,
        "Loop diuretics versus control",
    );
    build(&scratch);
    let renamed = main_results(&scratch, "diuretics-pregnancy");
    assert!(
        renamed.contains("\nLoop diuretics versus control: "),
        "{renamed}"
    );
    assert!(!renamed.contains(second), "{renamed}");
}

// A comparison whose every analysis is a sensitivity (or subgroup) analysis analyses again what
// another comparison analyses: the abstract leaves its results to Effects of interventions and
// says so. Made a main comparison, its results are in the abstract.
#[test]
fn reanalyses_are_left_to_effects_of_interventions() {
    let scratch = Scratch::new("reanalysis");
    let dir = example(&scratch, "diuretics-pregnancy");
    let name = "Sensitivity analysis: diuretics versus control without Weseley & Douglas 1962";
    second_comparison(&dir, name, Some("sensitivity"));
    build(&scratch);
    let text = main_results(&scratch, "diuretics-pregnancy");
    assert!(!text.contains(name), "{text}");
    assert_eq!(text.matches("stillbirth (").count(), 1, "{text}");
    let closing = text
        .lines()
        .find(|l| l.contains("Effects of interventions also reports"))
        .unwrap_or_else(|| panic!("no closing sentence: {text}"));
    assert!(closing.contains("the sensitivity analyses"), "{closing}");
    assert!(!closing.contains("subgroup"), "{closing}");

    // As subgroup analyses, the sentence says so.
    let analyses = dir.join("analyses.yaml");
    for _ in 0..2 {
        edit(&analyses, "role: sensitivity", "role: subgroup");
    }
    build(&scratch);
    let text = main_results(&scratch, "diuretics-pregnancy");
    assert!(text.contains("the subgroup analyses."), "{text}");

    // As main analyses, the comparison has its own paragraph and no closing sentence is needed.
    for _ in 0..2 {
        edit(&analyses, "        role: subgroup\n", "");
    }
    build(&scratch);
    let text = main_results(&scratch, "diuretics-pregnancy");
    assert!(text.contains(&format!("\n{name} \u{2013} ")), "{text}");
    assert!(
        !text.contains("Effects of interventions also reports"),
        "{text}"
    );
}

// Results without a certainty rating are listed up to the abstract's cap, primary outcomes
// first; the rest are counted in a sentence that sends the reader to Effects of
// interventions. Rated results are always listed.
#[test]
fn unrated_results_are_capped_and_counted() {
    use revmark::english::words;
    use revmark::report::narrative::unrated_per_comparison;
    let scratch = Scratch::new("capped");
    let dir = example(&scratch, "diuretics-pregnancy");
    let analyses = dir.join("analyses.yaml");
    let unrate = |level: &str| {
        let line = std::fs::read_to_string(&analyses)
            .unwrap()
            .lines()
            .find(|l| l.contains(&format!("certainty: {{level: {level}")))
            .unwrap()
            .to_string();
        edit(&analyses, &format!("{line}\n"), "");
    };
    unrate("low");
    unrate("moderate");
    build(&scratch);
    let text = main_results(&scratch, "diuretics-pregnancy");
    let outcomes = [
        "pre-eclampsia (",
        "perinatal death (",
        "stillbirth (",
        "neonatal death (",
    ];
    let listed = |text: &str| outcomes.iter().filter(|o| text.contains(*o)).count();
    let cap = unrated_per_comparison(1);
    assert!(
        cap < outcomes.len(),
        "the test needs more outcomes than the cap"
    );
    assert_eq!(listed(&text), cap, "{text}");
    // The last outcome, secondary, is the one left out.
    assert!(!text.contains(outcomes[3]), "{text}");
    let left = (outcomes.len() - cap) as u64;
    let plural = if left == 1 { "result" } else { "results" };
    assert!(
        text.contains(&format!(
            "Effects of interventions also reports {} other {plural}, whose certainty was not assessed.",
            words(left)
        )),
        "{text}"
    );

    // Neonatal death made primary is listed before the others.
    edit(
        &dir.join("review.yaml"),
        "    name: neonatal death\n    priority: secondary",
        "    name: neonatal death\n    priority: primary",
    );
    build(&scratch);
    let text = main_results(&scratch, "diuretics-pregnancy");
    assert!(text.contains("neonatal death ("), "{text}");
    assert_eq!(listed(&text), cap, "{text}");

    // Rated, pre-eclampsia has its GRADE sentence, and the unrated results left are listed up
    // to the cap.
    edit(
        &analyses,
        "        model: random\n",
        "        model: random\n        certainty: {level: low, reasons: [risk of bias]}\n",
    );
    build(&scratch);
    let text = main_results(&scratch, "diuretics-pregnancy");
    assert!(text.contains("may reduce pre-eclampsia"), "{text}");
    let unrated = outcomes.len() - 1;
    assert_eq!(listed(&text), unrated.min(cap), "{text}");
    assert_eq!(
        text.contains("Effects of interventions also reports"),
        unrated > cap,
        "{text}"
    );
}

// The sentence on what the studies compared names each comparison while there are few; with
// more, it names the most frequent and counts the others.
#[test]
fn many_comparisons_are_named_briefly() {
    let scratch = Scratch::new("compared");
    let dir = example(&scratch, "diuretics-pregnancy");
    let review = dir.join("review.yaml");
    let studies = dir.join("studies.yaml");
    // Five planned comparisons; the nine studies assigned 3, 2, 2, 1, 1.
    let planned: Vec<(String, String)> = ["a", "b", "c", "d", "e"]
        .iter()
        .map(|k| {
            (
                format!("drug-{k}-vs-control"),
                format!("drug {}", k.to_uppercase()),
            )
        })
        .collect();
    let mut yaml = String::new();
    for (id, drug) in &planned {
        yaml.push_str(&format!(
            "  - id: {id}\n    name: {drug} versus placebo\n    experimental: {drug}\n    control: placebo\n"
        ));
    }
    edit(&review, "comparisons:\n", &format!("comparisons:\n{yaml}"));
    let assign = |counts: &[usize]| {
        let text = std::fs::read_to_string(&studies).unwrap();
        let mut out = String::new();
        let mut slot = counts
            .iter()
            .enumerate()
            .flat_map(|(i, &n)| std::iter::repeat_n(i, n));
        for line in text.lines() {
            if line.trim_start().starts_with("comparison: ") {
                let i = slot.next().unwrap();
                out.push_str(&format!("    comparison: {}\n", planned[i].0));
            } else {
                out.push_str(line);
                out.push('\n');
            }
        }
        std::fs::write(&studies, out).unwrap();
    };
    let sentence = |scratch: &Scratch| {
        let text = main_results(scratch, "diuretics-pregnancy");
        text.split(". ")
            .find(|s| s.contains("studies compared "))
            .unwrap_or_else(|| panic!("no sentence on what was compared: {text}"))
            .to_string()
    };
    assign(&[3, 2, 2, 1, 1]);
    build(&scratch);
    let brief = sentence(&scratch);
    for (_, drug) in &planned[..3] {
        assert!(
            brief.contains(&format!("compared {drug} with placebo")),
            "{brief}"
        );
    }
    for (_, drug) in &planned[3..] {
        assert!(!brief.contains(drug.as_str()), "{brief}");
    }
    assert!(
        brief.contains("the remaining two studies made two other comparisons"),
        "{brief}"
    );

    // Four comparisons are each named.
    assign(&[3, 2, 2, 2, 0]);
    build(&scratch);
    let listed = sentence(&scratch);
    for (_, drug) in &planned[..4] {
        assert!(
            listed.contains(&format!("compared {drug} with placebo")),
            "{listed}"
        );
    }
    assert!(!listed.contains("remaining"), "{listed}");
}

// With several comparisons and no result rated for certainty, the abstract says so once and
// each comparison lists its results; rating one result brings back each comparison's own
// sentence, and the shared one goes.
#[test]
fn unrated_results_of_several_comparisons_say_so_once() {
    let scratch = Scratch::new("unrated-once");
    let dir = example(&scratch, "diuretics-pregnancy");
    second_comparison(&dir, "Thiazides versus control", None);
    let analyses = dir.join("analyses.yaml");
    let rated: Vec<String> = std::fs::read_to_string(&analyses)
        .unwrap()
        .lines()
        .filter(|l| l.contains("certainty: {level:"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(!rated.is_empty(), "the example rates its results");
    for line in &rated {
        edit(&analyses, line, "");
    }
    build(&scratch);
    let text = main_results(&scratch, "diuretics-pregnancy");
    let shared = "The certainty of the evidence was not assessed for any of the following results.";
    assert_eq!(text.matches(shared).count(), 1, "{text}");
    assert!(
        !text.contains("the certainty of the evidence was not assessed for "),
        "{text}"
    );
    let listing = paragraphs(&text)
        .into_iter()
        .find(|p| p.starts_with("Thiazides versus control: "))
        .unwrap_or_else(|| panic!("no paragraph of the second comparison: {text}"));
    assert!(listing.contains("stillbirth (OR "), "{listing}");

    // One result rated again: no shared sentence, each comparison says it of its own.
    std::fs::write(
        &analyses,
        std::fs::read_to_string(&analyses).unwrap().replacen(
            "        data: data/stillbirth-2.csv\n",
            "        data: data/stillbirth-2.csv\n        certainty: {level: low, reasons: [imprecision]}\n",
            1,
        ),
    )
    .unwrap();
    build(&scratch);
    let text = main_results(&scratch, "diuretics-pregnancy");
    assert!(!text.contains(shared), "{text}");
    assert!(
        text.contains("the certainty of the evidence was not assessed"),
        "{text}"
    );
}

// A comparison's one result without a certainty rating has its numbers beside its name, not
// beside the assessment that was not made; they are the data's, and follow them.
#[test]
fn one_unrated_result_has_its_numbers_beside_its_name() {
    let scratch = Scratch::new("unrated-one");
    let dir = example(&scratch, "diuretics-pregnancy");
    let analyses = dir.join("analyses.yaml");
    edit(
        &analyses,
        "        data: data/neonatal-death.csv\n",
        "        data: data/neonatal-death.csv\n        certainty: {level: low, reasons: [imprecision]}\n",
    );
    let sentence = |text: &str| -> String {
        let start = text
            .find("For stillbirth (")
            .unwrap_or_else(|| panic!("no sentence on stillbirth alone: {text}"));
        let end = start + text[start..].find(".\n").unwrap_or(text.len() - start);
        text[start..=end].to_string()
    };
    build(&scratch);
    let before = sentence(&main_results(&scratch, "diuretics-pregnancy"));
    assert!(
        before.starts_with("For stillbirth (OR 0.69, 95% CI 0.36 to 1.32; 8 studies"),
        "{before}"
    );
    assert!(
        before.ends_with("), the certainty of the evidence was not assessed."),
        "{before}"
    );
    // Without one study's row the numbers in the sentence change with the data.
    edit(
        &dir.join("data/stillbirth.csv"),
        "Flowers 1962,3,335,2,110\n",
        "",
    );
    build(&scratch);
    let after = sentence(&main_results(&scratch, "diuretics-pregnancy"));
    assert!(after.contains("; 7 studies"), "{after}");
    assert_ne!(after, before);
    assert!(
        after.ends_with("), the certainty of the evidence was not assessed."),
        "{after}"
    );
}

// Comparisons that each list only a result of the same name share one paragraph that opens
// with that name, and with the kind their names give before a colon; when their results
// differ, each comparison has its paragraph again.
#[test]
fn comparisons_of_one_shared_result_share_a_paragraph() {
    let scratch = Scratch::new("shared-listing");
    let dir = example(&scratch, "diuretics-pregnancy");
    let analyses = dir.join("analyses.yaml");
    let unrated: String = std::fs::read_to_string(&analyses)
        .unwrap()
        .lines()
        .filter(|l| !l.contains("certainty: {level:"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&analyses, unrated).unwrap();
    let stillbirth = std::fs::read_to_string(dir.join("data/stillbirth.csv")).unwrap();
    let without = |first: &str| -> String {
        let kept: Vec<&str> = stillbirth
            .lines()
            .filter(|l| !l.starts_with(first))
            .collect();
        kept.join("\n") + "\n"
    };
    std::fs::write(dir.join("data/stillbirth-2.csv"), without("Weseley")).unwrap();
    std::fs::write(dir.join("data/stillbirth-3.csv"), without("Flowers")).unwrap();
    let comparison = |id: &str, drug: &str, outcome: &str, data: &str| {
        format!(
            "  - id: {id}
    name: \"Direct evidence: {drug} versus control\"
    experimental: {drug}
    control: Control
    outcomes:
      - outcome: {outcome}
        type: dichotomous
        measure: OR
        method: MH
        data: data/{data}
"
        )
    };
    append(
        &analyses,
        &(comparison("thiazides", "Thiazides", "stillbirth", "stillbirth-2.csv")
            + &comparison("loop", "Loop diuretics", "stillbirth", "stillbirth-3.csv")),
    );
    build(&scratch);
    let text = main_results(&scratch, "diuretics-pregnancy");
    let shared = paragraphs(&text)
        .into_iter()
        .find(|p| p.starts_with("Direct evidence, stillbirth: "))
        .unwrap_or_else(|| panic!("no paragraph of the shared result: {text}"));
    assert!(!text.contains("Direct evidence: "), "{text}");

    // The second comparison's result made another: each comparison opens its own paragraph
    // again, and the first's numbers are those the shared paragraph gave.
    edit(
        &analyses,
        "      - outcome: stillbirth\n        type: dichotomous\n        measure: OR\n        method: MH\n        data: data/stillbirth-3.csv",
        "      - outcome: neonatal-death\n        type: dichotomous\n        measure: OR\n        method: MH\n        data: data/stillbirth-3.csv",
    );
    build(&scratch);
    let text = main_results(&scratch, "diuretics-pregnancy");
    assert!(!text.contains("Direct evidence, "), "{text}");
    let own = |drug: &str, outcome: &str| -> String {
        let lead = format!("Direct evidence: {drug} versus control \u{2013} {outcome} (");
        let paragraph = paragraphs(&text)
            .into_iter()
            .find(|p| p.starts_with(&lead))
            .unwrap_or_else(|| panic!("no paragraph opens with {lead:?}: {text}"));
        paragraph[lead.len() - 1..]
            .trim_end_matches('.')
            .to_string()
    };
    let thiazides = own("thiazides", "stillbirth");
    own("loop diuretics", "neonatal death");
    assert!(
        shared.contains(&format!("thiazides versus control {thiazides}")),
        "{shared}\n---\n{thiazides}"
    );
    assert!(
        shared.contains(" and loop diuretics versus control (OR "),
        "{shared}"
    );
}

// A comparison that only analyses again what another analyses (every analysis a sensitivity
// analysis) has no Summary of findings table of its own; made a main comparison, it has one,
// numbered after the first.
#[test]
fn reanalyses_have_no_summary_of_findings() {
    let scratch = Scratch::new("reanalysis-sof");
    let dir = example(&scratch, "diuretics-pregnancy");
    second_comparison(&dir, "Thiazides versus control", Some("sensitivity"));
    build(&scratch);
    let review = read(&scratch, "diuretics-pregnancy/review.md");
    assert!(review.contains("### Summary of findings 1: "), "{review}");
    assert!(!review.contains("### Summary of findings 2"), "{review}");
    assert!(!review.contains("Thiazides compared with"), "{review}");

    edit(
        &dir.join("analyses.yaml"),
        "        role: sensitivity\n",
        "",
    );
    edit(
        &dir.join("analyses.yaml"),
        "        role: sensitivity\n",
        "",
    );
    build(&scratch);
    let review = read(&scratch, "diuretics-pregnancy/review.md");
    assert!(
        review.contains("### Summary of findings 2: Thiazides compared with"),
        "{review}"
    );
}

// Two comparisons of the same arms (a review that splits a comparison by outcome, as CD013210
// does) have Summary of findings tables told apart by their comparisons' names; once their
// arms differ, neither title carries a name.
#[test]
fn summary_of_findings_tables_of_the_same_arms_are_told_apart() {
    let scratch = Scratch::new("sof-same-arms");
    let dir = example(&scratch, "diuretics-pregnancy");
    second_comparison(
        &dir,
        "Diuretics versus control, stillbirth and neonatal death",
        None,
    );
    let analyses = dir.join("analyses.yaml");
    edit(
        &analyses,
        "    experimental: Thiazides\n    control: Control\n",
        "    experimental: diuretic treatment\n    control: placebo or no treatment\n",
    );
    build(&scratch);
    let review = read(&scratch, "diuretics-pregnancy/review.md");
    let headings: Vec<&str> = review
        .lines()
        .filter(|l| l.starts_with("### Summary of findings "))
        .collect();
    assert_eq!(
        headings,
        [
            "### Summary of findings 1: Diuretic treatment compared with placebo or no treatment \
             for pregnant women (Diuretics versus placebo or no treatment)",
            "### Summary of findings 2: Diuretic treatment compared with placebo or no treatment \
             for pregnant women (Diuretics versus control, stillbirth and neonatal death)",
        ],
        "{review}"
    );

    edit(
        &analyses,
        "    experimental: diuretic treatment\n    control: placebo or no treatment\n",
        "    experimental: Thiazides\n    control: Control\n",
    );
    build(&scratch);
    let review = read(&scratch, "diuretics-pregnancy/review.md");
    assert!(
        review.contains(
            "### Summary of findings 1: Diuretic treatment compared with placebo or no treatment for pregnant women\n"
        ),
        "{review}"
    );
    assert!(
        review.contains(
            "### Summary of findings 2: Thiazides compared with control for pregnant women\n"
        ),
        "{review}"
    );
}

// With no events in any comparison arm, a ratio gives the intervention no risk whatever its
// size: the Summary of findings says so instead of "0 per 1000 (0 to 0)"; one event in a
// comparison arm gives the risks again.
#[test]
fn summary_of_findings_has_no_risk_from_a_ratio_of_no_events() {
    let scratch = Scratch::new("sof-no-comparator-events");
    let dir = example(&scratch, "diuretics-pregnancy");
    let stillbirth = dir.join("data/stillbirth.csv");
    let text = std::fs::read_to_string(&stillbirth).unwrap();
    let mut lines = text.lines();
    let mut no_events = vec![lines.next().unwrap().to_string()];
    for line in lines {
        let mut cells: Vec<&str> = line.split(',').collect();
        cells[3] = "0";
        no_events.push(cells.join(","));
    }
    std::fs::write(&stillbirth, no_events.join("\n") + "\n").unwrap();
    let row = |scratch: &Scratch| {
        let review = read(scratch, "diuretics-pregnancy/review.md");
        review
            .lines()
            .find(|l| l.starts_with("| Stillbirth |"))
            .expect("a stillbirth row")
            .to_string()
    };
    build(&scratch);
    let without = row(&scratch);
    assert!(
        without.starts_with("| Stillbirth | 0 per 1000 | — | OR "),
        "{without}"
    );
    assert!(
        without
            .ends_with("| No events in the comparison group: a ratio gives no absolute effect |"),
        "{without}"
    );
    let profile = read(&scratch, "diuretics-pregnancy/evidence-profile.html");
    assert!(!profile.contains("0 fewer per 1000 (from 0 fewer to 0 fewer)"));

    edit(
        &stillbirth,
        "Kraus 1966,6,506,0,524",
        "Kraus 1966,6,506,1,524",
    );
    build(&scratch);
    let with = row(&scratch);
    let cells: Vec<&str> = with.split(" | ").collect();
    assert_eq!(cells[1], "1 per 1000", "{with}");
    assert!(cells[2].contains(" per 1000 ("), "{with}");
    assert!(with.ends_with("|  |"), "{with}");
}

// A rated result of an analysis with arms of its own (a comparison that gathers analyses of
// different pairs) is stated with its own arms, in the abstract and in Effects of
// interventions; the comparison's other results keep the comparison's.
#[test]
fn a_result_with_arms_of_its_own_names_them() {
    let scratch = Scratch::new("own-arms-grade");
    let dir = example(&scratch, "diuretics-pregnancy");
    edit(
        &dir.join("analyses.yaml"),
        "      - outcome: pre-eclampsia\n",
        "      - outcome: pre-eclampsia\n        experimental: Thiazide diuretics\n        control: Bed rest\n",
    );
    build(&scratch);
    let abstract_text = main_results(&scratch, "diuretics-pregnancy").replace('\n', " ");
    let review = read(&scratch, "diuretics-pregnancy/review.md").replace('\n', " ");
    for text in [&abstract_text, &review] {
        assert!(
            text.contains("Thiazide diuretics may reduce pre-eclampsia compared with bed rest ("),
            "{text}"
        );
        assert!(
            !text.contains("on pre-eclampsia compared with placebo or no treatment")
                && !text.contains("reduce pre-eclampsia compared with placebo"),
            "{text}"
        );
    }
    // The comparison's other rated result keeps the comparison's arms.
    assert!(
        abstract_text.contains("perinatal death compared with placebo or no treatment"),
        "{abstract_text}"
    );
}

// The plain language summary speaks of the results the abstract reports: a rated analysis of a
// comparison that only analyses again (a sensitivity analysis) is in neither; made a main
// analysis, it is in both.
#[test]
fn plain_language_summary_and_abstract_report_the_same_results() {
    let scratch = Scratch::new("pls-reanalysis");
    let dir = example(&scratch, "diuretics-pregnancy");
    let name = "Sensitivity analysis: diuretics versus control without Weseley & Douglas 1962";
    second_comparison(&dir, name, Some("sensitivity"));
    let analyses = dir.join("analyses.yaml");
    edit(
        &analyses,
        "        role: sensitivity\n        data: data/stillbirth-2.csv",
        "        role: sensitivity\n        certainty: {level: low, reasons: [imprecision]}\n        data: data/stillbirth-2.csv",
    );
    let summary = |scratch: &Scratch| {
        let review = read(scratch, "diuretics-pregnancy/review.md");
        let start = review.find("## Plain language summary").unwrap();
        let end = review.find("## Summary of findings").unwrap();
        review[start..end].replace('\n', " ")
    };
    // After a comparison's name the abstract's sentence starts in lower case.
    let said = "hiazides may result in little to no difference in stillbirth compared with control";
    build(&scratch);
    let (pls, abstract_text) = (
        summary(&scratch),
        main_results(&scratch, "diuretics-pregnancy"),
    );
    assert!(!pls.contains(said) && !pls.contains("Thiazides"), "{pls}");
    assert!(!abstract_text.contains("Thiazides"), "{abstract_text}");
    assert!(
        pls.contains("results for stillbirth and neonatal death, but without a rating"),
        "{pls}"
    );

    edit(&analyses, "        role: sensitivity\n", "");
    build(&scratch);
    let (pls, abstract_text) = (
        summary(&scratch),
        main_results(&scratch, "diuretics-pregnancy"),
    );
    assert!(pls.contains(said), "{pls}");
    assert!(abstract_text.contains(said), "{abstract_text}");
}

// The results without a rating are named each once, and with their arms where a name would
// stand for two results: with a second comparison, both comparisons' stillbirth and neonatal
// death; once the second's stillbirth is rated, the first's stillbirth must not read as it.
#[test]
fn unrated_results_are_told_apart_by_their_arms() {
    let scratch = Scratch::new("pls-unrated-twins");
    let dir = example(&scratch, "diuretics-pregnancy");
    second_comparison(&dir, "Thiazides versus control", None);
    let sentence = |scratch: &Scratch| {
        let review = read(scratch, "diuretics-pregnancy/review.md");
        let start = review.find("## Plain language summary").unwrap();
        let end = review.find("## Summary of findings").unwrap();
        let pls = review[start..end].replace('\n', " ");
        let at = pls
            .find("The review also reports results")
            .expect("the sentence");
        pls[at..at + pls[at..].find('.').unwrap()].to_string()
    };
    build(&scratch);
    assert_eq!(
        sentence(&scratch),
        "The review also reports results for stillbirth and neonatal death of diuretic \
         treatment compared with placebo or no treatment, and for stillbirth and neonatal \
         death of thiazides compared with control, but without a rating of how certain they are"
    );
    edit(
        &dir.join("analyses.yaml"),
        "        method: MH\n        data: data/stillbirth-2.csv",
        "        method: MH\n        certainty: {level: low, reasons: [imprecision]}\n        data: data/stillbirth-2.csv",
    );
    build(&scratch);
    assert_eq!(
        sentence(&scratch),
        "The review also reports results for stillbirth and neonatal death of diuretic \
         treatment compared with placebo or no treatment, and for neonatal death of thiazides \
         compared with control, but without a rating of how certain they are"
    );
}

// An analysis that regroups an earlier analysis's studies (the BCG trials by method of
// allocation) prints the same heterogeneity, test for overall effect, prediction interval and
// small-study test: it refers to the earlier analysis for them instead of repeating them word
// for word, and keeps its own test for subgroup differences. Once its data differ, it prints
// its own again.
#[test]
fn a_regrouping_refers_to_the_analysis_it_regroups() {
    let scratch = Scratch::new("regrouping-refers");
    let dir = example(&scratch, "bcg-vaccine");
    let paragraph = |scratch: &Scratch| {
        let review = read(scratch, "bcg-vaccine/review.md");
        review
            .lines()
            .find(|l| l.starts_with("Subgroup analysis. For tuberculosis, by method of allocation"))
            .expect("the regrouping's paragraph")
            .to_string()
    };
    build(&scratch);
    let refers = paragraph(&scratch);
    assert!(
        refers.contains(
            "Heterogeneity, the test for overall effect, the prediction interval and the test for \
             small-study effects are those of analysis 1.1. Test for subgroup differences: "
        ),
        "{refers}"
    );
    assert!(!refers.contains("Test for overall effect"), "{refers}");

    edit(
        &dir.join("data/tuberculosis-systematic.csv"),
        "\"Comstock & Webster 1969\",5,2498,3,2341",
        "\"Comstock & Webster 1969\",6,2498,3,2341",
    );
    build(&scratch);
    let own = paragraph(&scratch);
    assert!(!own.contains("are those of analysis"), "{own}");
    assert!(own.contains("Test for overall effect: Z = "), "{own}");
    assert!(own.contains("Test for subgroup differences: "), "{own}");
}

// Rated as the analysis it regroups, a regrouping's effect sentence would say that one's again
// word for word: its sentence says what it regroups instead, naming its subgroups, with the
// overall result analysis 1.1 prints.
#[test]
fn a_regrouping_rated_alike_says_what_it_regroups() {
    let scratch = Scratch::new("regrouping-says");
    let dir = example(&scratch, "bcg-vaccine");
    edit(
        &dir.join("analyses.yaml"),
        "        role: subgroup\n",
        "        role: subgroup\n        certainty: {level: low, reasons: [risk of bias, inconsistency]}\n",
    );
    build(&scratch);
    let review = read(&scratch, "bcg-vaccine/review.md");
    let first = review
        .lines()
        .find(|l| l.starts_with("BCG vaccination "))
        .expect("analysis 1.1's paragraph");
    // "(RR 0.49, 95% CI 0.34 to 0.70; 13 studies, 357,347 participants; ...": the effect and
    // the counts as 1.1 prints them.
    let mut bracket = first.split('(').nth(1).unwrap().split("; ");
    let effect = bracket.next().unwrap();
    let (studies, participants) = bracket.next().unwrap().split_once(", ").unwrap();
    let regrouping = review
        .lines()
        .find(|l| l.starts_with("Subgroup analysis. "))
        .expect("the regrouping's paragraph");
    assert!(
        regrouping.starts_with(&format!(
            "Subgroup analysis. This analysis divides the {studies} of analysis 1.1 \
             ({participants}) into 3 subgroups (Random allocation; Allocation by \
             alternation; Systematic allocation), with the same overall result ("
        )),
        "{regrouping}"
    );
    assert!(
        regrouping.contains(&format!(
            "the same overall result ({effect}), heterogeneity"
        )),
        "{regrouping}\n{effect}"
    );
    assert!(!regrouping.contains("certainty"), "{regrouping}");
    assert!(
        !regrouping.contains("are those of analysis"),
        "{regrouping}"
    );
    assert!(
        regrouping.contains("Test for subgroup differences: "),
        "{regrouping}"
    );
}
