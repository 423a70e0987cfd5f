//! `revmark import`: a RevMan 5 file becomes a review that builds, and the built numbers are
//! the ones RevMan stored in the file.

use crate::common::*;
use revmark::import::xml::{self, Node};
use serde_json::Value;

/// Relative agreement with the numbers RevMan 5 stored (it writes them to full precision).
const REVMAN: f64 = 1e-6;

fn close(what: &str, ours: f64, revman: f64) {
    let scale = revman.abs().max(1e-12);
    assert!(
        ((ours - revman) / scale).abs() <= REVMAN || (ours - revman).abs() <= 1e-9,
        "{what}: revmark {ours}, RevMan {revman}"
    );
}

fn attr(e: Node, name: &str) -> Option<f64> {
    e.attribute(name).and_then(|v| v.parse().ok())
}

fn import_fleiss(scratch: &Scratch) -> Run {
    let file = root().join("tests/reference/revman/Fleiss1993.rm5");
    revmark(
        &scratch.0,
        &["import", file.to_str().unwrap(), "--out", "reviews/fleiss"],
    )
}

// Import Fleiss 1993, build it, and compare every number RevMan stored on the dichotomous
// outcome and its rows with results.json.
#[test]
fn imported_fleiss_matches_revman_numbers() {
    let scratch = Scratch::new("import-fleiss");
    let run = import_fleiss(&scratch);
    assert_eq!(run.code, 0, "{}", run.stderr);
    build(&scratch);
    let results: Value = serde_json::from_str(&read(&scratch, "fleiss/results.json")).unwrap();

    let bytes = std::fs::read(root().join("tests/reference/revman/Fleiss1993.rm5")).unwrap();
    let decoded = xml::decode(&bytes);
    let doc = xml::parse(&decoded.text).unwrap();
    let studies: Vec<Node> = xml::descendants(doc.root_element(), "STUDY").collect();
    let name_of = |id: &str| {
        studies
            .iter()
            .find(|s| s.attribute("ID") == Some(id))
            .and_then(|s| s.attribute("NAME"))
            .unwrap()
            .to_string()
    };
    let outcomes: Vec<Node> = xml::descendants(doc.root_element(), "DICH_OUTCOME").collect();
    assert_eq!(outcomes.len(), 1);
    let rm = outcomes[0];
    let ours = &results["comparisons"][0]["outcomes"][0];
    assert_eq!(ours["measure"], "OR");
    assert_eq!(ours["method"], "MH");
    let pooled = &ours["pooled"];
    let het = &ours["heterogeneity"];
    let f = |v: &Value| v.as_f64().unwrap();
    for (what, mine, theirs) in [
        ("EFFECT_SIZE", f(&pooled["estimate"]), "EFFECT_SIZE"),
        ("CI_START", f(&pooled["ci_low"]), "CI_START"),
        ("CI_END", f(&pooled["ci_high"]), "CI_END"),
        ("Z", f(&pooled["z"]).abs(), "Z"),
        ("P_Z", f(&pooled["p"]), "P_Z"),
        ("CHI2", f(&het["q"]), "CHI2"),
        ("DF", f(&het["df"]), "DF"),
        ("P_CHI2", f(&het["p"]), "P_CHI2"),
        ("I2", f(&het["i2"]), "I2"),
    ] {
        close(what, mine, attr(rm, theirs).unwrap());
    }
    let rows: Vec<Node> = xml::children(rm, "DICH_DATA").collect();
    let ours_rows = ours["study_results"].as_array().unwrap();
    assert_eq!(rows.len(), ours_rows.len());
    assert_eq!(rows.len(), 7);
    for row in rows {
        let study = name_of(row.attribute("STUDY_ID").unwrap());
        let mine = ours_rows
            .iter()
            .find(|r| r["study"] == study.as_str())
            .unwrap_or_else(|| panic!("{study} missing"));
        for (key, theirs) in [
            ("estimate", "EFFECT_SIZE"),
            ("ci_low", "CI_START"),
            ("ci_high", "CI_END"),
            ("weight", "WEIGHT"),
        ] {
            close(
                &format!("{study} {theirs}"),
                f(&mine[key]),
                attr(row, theirs).unwrap(),
            );
        }
    }
    // The study id with RevMan's escape came through decoded.
    assert!(ours_rows.iter().any(|r| r["study"] == "ISIS-2"));
}

// The report is printed and written, lists what was not imported, and an existing review
// is never overwritten.
#[test]
fn import_report_is_written_and_existing_review_kept() {
    let scratch = Scratch::new("import-report");
    let run = import_fleiss(&scratch);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = std::fs::read_to_string(scratch.path("reviews/fleiss/IMPORT-REPORT.md")).unwrap();
    assert!(run.stderr.contains(&report), "the report is printed");
    assert!(report.contains("## Not imported"), "{report}");
    assert!(
        report
            .contains("## Not imported\n\nNothing that revmark's review format has a place for.\n"),
        "{report}"
    );
    assert!(report.contains("## Not carried over"), "{report}");
    // The second analysis's own group label is its own experimental arm.
    let analyses = std::fs::read_to_string(scratch.path("reviews/fleiss/analyses.yaml")).unwrap();
    assert!(
        analyses.contains("        experimental: \"Mental Health Treatment\"\n"),
        "{analyses}"
    );
    let studies = std::fs::read_to_string(scratch.path("reviews/fleiss/studies.yaml")).unwrap();
    assert!(studies.contains("judgement: unclear"), "{studies}");
    let again = import_fleiss(&scratch);
    assert_eq!(again.code, 2, "a refused target is a usage error");
    assert!(again.stderr.contains("already exists and is not empty"));
}

// RevMan's CSV export imports too, and builds to the numbers RevMan printed in it.
#[test]
fn csv_export_imports_and_matches() {
    let scratch = Scratch::new("import-csv");
    let file = root().join("tests/reference/revman/Fleiss1993_CR.csv");
    let run = revmark(
        &scratch.0,
        &[
            "import",
            file.to_str().unwrap(),
            "--out",
            "reviews/fleiss-csv",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    build(&scratch);
    let results: Value = serde_json::from_str(&read(&scratch, "fleiss-csv/results.json")).unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let at = |h: &str| header.iter().position(|x| x == h).unwrap();
    let mut checked = 0;
    for record in reader.records() {
        let r = record.unwrap();
        let (o, name) = (&r[at("Outcome Number")], &r[at("Name")]);
        if o == "0" || !r[at("Data Type")].is_empty() {
            continue;
        }
        let outcome = &results["comparisons"][0]["outcomes"][o.parse::<usize>().unwrap() - 1];
        let mine = outcome["study_results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["study"] == name)
            .unwrap();
        // The export rounds to 8 significant digits.
        for (key, column) in [("estimate", "Effect Estimate"), ("weight", "Weight")] {
            let theirs: f64 = r[at(column)].parse().unwrap();
            let ours = mine[key].as_f64().unwrap();
            assert!(
                ((ours - theirs) / theirs).abs() < 1e-6,
                "{name} {column}: {ours} vs {theirs}"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 12);
}

// Latin-1 bytes, entities, escapes and hostile text import as text, and the review builds.
#[test]
fn latin1_and_hostile_text_import_safely() {
    let scratch = Scratch::new("import-latin1");
    let rm5 = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<COCHRANE_REVIEW TYPE=\"INTERVENTION\">\
<COVER_SHEET><TITLE>Caf\u{e9} &amp; {{ tea }}</TITLE></COVER_SHEET>\
<MAIN_TEXT><BODY><BACKGROUND><P>Text with {{ undefined() }} and <![CDATA[<b>]]>.</P></BACKGROUND>\
<OBJECTIVES><P>Objectives.</P></OBJECTIVES><RESULTS><INTERVENTION_EFFECTS><P>Effects text.</P></INTERVENTION_EFFECTS></RESULTS></BODY><PUBLIC_NOTES><P>A published note.</P></PUBLIC_NOTES></MAIN_TEXT>\
<STUDIES_AND_REFERENCES><STUDIES><INCLUDED_STUDIES>\
<STUDY ID=\"STD-M_x00fc_ller_x002d_1\" NAME=\"M\u{fc}ller-1 &quot;2001&quot;\" YEAR=\"2001\"/>\
<STUDY ID=\"STD-B\" NAME=\"B 2002\" YEAR=\"2002\"/></INCLUDED_STUDIES></STUDIES></STUDIES_AND_REFERENCES>\
<ANALYSES_AND_DATA><COMPARISON ID=\"CMP-001\" NO=\"1\"><NAME>A vs B</NAME>\
<DICH_OUTCOME EFFECT_MEASURE=\"RR\" METHOD=\"MH\" RANDOM=\"YES\"><NAME>Death</NAME>\
<DICH_SUBGROUP><NAME>Adults</NAME><DICH_DATA EVENTS_1=\"3\" EVENTS_2=\"5\" STUDY_ID=\"STD-M_x00fc_ller_x002d_1\" TOTAL_1=\"20\" TOTAL_2=\"21\"/></DICH_SUBGROUP>\
<DICH_SUBGROUP><NAME>Children</NAME><DICH_DATA EVENTS_1=\"0\" EVENTS_2=\"0\" STUDY_ID=\"STD-B\" TOTAL_1=\"0\" TOTAL_2=\"0\"/>\
<DICH_DATA EVENTS_1=\"2\" EVENTS_2=\"4\" STUDY_ID=\"STD-B\" TOTAL_1=\"30\" TOTAL_2=\"30\"/></DICH_SUBGROUP>\
</DICH_OUTCOME><O_E_OUTCOME><NAME>Survival</NAME></O_E_OUTCOME></COMPARISON></ANALYSES_AND_DATA>\
<QUALITY_ITEMS><QUALITY_ITEM><NAME>Adequate sequence generation?</NAME><QUALITY_ITEM_DATA>\
<QUALITY_ITEM_DATA_ENTRY RESULT=\"YES\" STUDY_ID=\"STD-B\"><DESCRIPTION><P>Coin.</P></DESCRIPTION></QUALITY_ITEM_DATA_ENTRY>\
<QUALITY_ITEM_DATA_ENTRY RESULT=\"NO\" STUDY_ID=\"STD-M_x00fc_ller_x002d_1\"/></QUALITY_ITEM_DATA></QUALITY_ITEM>\
<QUALITY_ITEM><NAME>Funding</NAME><QUALITY_ITEM_DATA><QUALITY_ITEM_DATA_ENTRY RESULT=\"NO\" STUDY_ID=\"STD-B\"/></QUALITY_ITEM_DATA></QUALITY_ITEM></QUALITY_ITEMS>\
</COCHRANE_REVIEW>";
    // Latin-1 bytes: every character here is below U+0100.
    let bytes: Vec<u8> = rm5.chars().map(|c| c as u32 as u8).collect();
    assert!(std::str::from_utf8(&bytes).is_err());
    std::fs::write(scratch.path("hostile.rm5"), &bytes).unwrap();
    let run = revmark(
        &scratch.0,
        &["import", "hostile.rm5", "--out", "reviews/hostile"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    build(&scratch);
    let report = std::fs::read_to_string(scratch.path("reviews/hostile/IMPORT-REPORT.md")).unwrap();
    for expected in [
        "ISO-8859-1",
        "`PUBLIC_NOTES` 1",
        "O\\_E\\_OUTCOME",
        "a total is 0",
        "\"Funding\"",
    ] {
        assert!(
            report.contains(expected),
            "report lacks {expected}:\n{report}"
        );
    }
    let review = read(&scratch, "hostile/review.md");
    assert!(review.contains("# Café & \\{\\{ tea \\}\\}"), "{review}");
    assert!(review.contains("{{ undefined() }}"), "prose kept literal");
    assert!(review.contains("Effects text."), "{review}");
    let results: Value = serde_json::from_str(&read(&scratch, "hostile/results.json")).unwrap();
    let outcome = &results["comparisons"][0]["outcomes"][0];
    assert_eq!(outcome["model"], "random");
    assert_eq!(outcome["subgroups"].as_array().unwrap().len(), 2);
    assert_eq!(outcome["study_results"][0]["study"], "Müller-1 \"2001\"");
    let studies = std::fs::read_to_string(scratch.path("reviews/hostile/studies.yaml")).unwrap();
    assert!(studies.contains("judgement: high"), "{studies}");
    assert!(studies.contains("judgement: low"), "{studies}");
}

// A file that is not XML is an error naming the line and column, and nothing is written.
#[test]
fn errors_on_broken_xml() {
    let scratch = Scratch::new("import-broken");
    std::fs::write(scratch.path("bad.rm5"), "<COCHRANE_REVIEW>\n<A></B>").unwrap();
    let run = revmark(&scratch.0, &["import", "bad.rm5", "--out", "reviews/bad"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("bad.rm5:2:"), "{}", run.stderr);
    assert!(!scratch.path("reviews/bad").exists());
}

// revmark's own results.csv imports back into a review that builds to the same results.
#[test]
fn own_results_csv_round_trips() {
    let scratch = Scratch::new("import-roundtrip");
    example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let run = revmark(
        &scratch.0,
        &[
            "import",
            "output/diuretics-pregnancy/results.csv",
            "--out",
            "reviews/roundtrip",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    build(&scratch);
    let load = |slug: &str| -> Value {
        serde_json::from_str(&read(&scratch, &format!("{slug}/results.json"))).unwrap()
    };
    let (original, again) = (load("diuretics-pregnancy"), load("roundtrip"));
    let outcomes = |v: &Value| v["comparisons"][0]["outcomes"].as_array().unwrap().clone();
    assert_eq!(outcomes(&original).len(), outcomes(&again).len());
    for (a, b) in outcomes(&original).iter().zip(&outcomes(&again)) {
        for key in ["pooled", "heterogeneity", "study_results", "subgroups"] {
            assert_eq!(a[key], b[key], "{} {key}", a["name"]);
        }
    }
}

// A RevMan Web data package imports as its zip, as the folder it was extracted to, and from
// its data-rows.csv; each builds to the numbers the package states (it rounds to 6 decimals).
#[test]
fn revman_web_data_package_imports_and_matches_its_numbers() {
    let package = root().join("tests/reference/revman/Fleiss1993-package");
    let settings = std::fs::read_to_string(package.join(
        "921923100913455418-analysis-data/921923100913455418-overall-estimates-and-settings.csv",
    ))
    .unwrap();
    let mut reader = csv::Reader::from_reader(settings.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let first = reader.records().next().unwrap().unwrap();
    let stated = |h: &str| -> f64 {
        first[header.iter().position(|x| x == h).unwrap()]
            .parse()
            .unwrap()
    };
    let sources = [
        root().join("tests/reference/revman/Fleiss1993.zip"),
        package.clone(),
        package.join("921923100913455418-analysis-data/921923100913455418-data-rows.csv"),
    ];
    for (i, source) in sources.iter().enumerate() {
        let scratch = Scratch::new("import-package");
        let out = format!("reviews/package-{i}");
        let run = revmark(
            &scratch.0,
            &["import", source.to_str().unwrap(), "--out", &out],
        );
        assert_eq!(run.code, 0, "{}: {}", source.display(), run.stderr);
        build(&scratch);
        let results: Value =
            serde_json::from_str(&read(&scratch, &format!("package-{i}/results.json"))).unwrap();
        let aspirin = &results["comparisons"][0]["outcomes"][0];
        assert_eq!(aspirin["measure"], "OR");
        for (key, column) in [
            ("estimate", "Mean"),
            ("ci_low", "CI start"),
            ("ci_high", "CI end"),
        ] {
            let ours = aspirin["pooled"][key].as_f64().unwrap();
            assert!(
                (ours - stated(column)).abs() <= 5e-7,
                "{key}: {ours} vs {}",
                stated(column)
            );
        }
        assert_eq!(
            aspirin["participants"].as_f64().unwrap(),
            stated("Experimental N") + stated("Control N")
        );
        let report =
            std::fs::read_to_string(scratch.path(&format!("{out}/IMPORT-REPORT.md"))).unwrap();
        assert!(report.contains("Not applicable"), "{report}");
        // The settings leave the group labels empty; the zip's forest plots print them, and
        // the abstract names the arms by them. The extracted data alone has no figures.
        let analyses =
            std::fs::read_to_string(scratch.path(&format!("{out}/analyses.yaml"))).unwrap();
        let abstract_md = read(&scratch, &format!("package-{i}/abstract.md"));
        if i == 0 {
            assert!(analyses.contains("experimental: \"Aspirin\""), "{analyses}");
            assert!(
                abstract_md.contains("compared aspirin with control and five studies compared mental health treatment with control"),
                "{abstract_md}"
            );
            assert!(report.contains("read from its forest plot"), "{report}");
        } else {
            assert!(
                analyses.contains("experimental: \"Experimental\""),
                "{analyses}"
            );
            assert!(
                abstract_md.contains("compared experimental with control"),
                "{abstract_md}"
            );
        }
    }
}

// A file that is neither Review Manager XML nor a package says so, in revmark's words.
#[test]
fn a_zip_that_is_not_a_package_is_refused() {
    let scratch = Scratch::new("import-not-package");
    std::fs::write(scratch.path("x.zip"), b"PK\x05\x06not really").unwrap();
    let run = revmark(&scratch.0, &["import", "x.zip", "--out", "reviews/x"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("x.zip"), "{}", run.stderr);
    assert!(!scratch.path("reviews/x").exists());
}

/// A Review Manager file of three comparisons of two studies each: `first` and `second` are
/// the names of the first two, `labels` their group labels, and the third is a sensitivity
/// analysis of the first.
fn rm5_with_comparisons(first: &str, labels: [(&str, &str); 2], second: &str) -> String {
    let outcome = |no: usize, labels: (&str, &str), name: &str| {
        format!(
            "<DICH_OUTCOME EFFECT_MEASURE=\"RR\" METHOD=\"MH\" RANDOM=\"NO\" NO=\"{no}\">\
<NAME>{name}</NAME><GROUP_LABEL_1>{}</GROUP_LABEL_1><GROUP_LABEL_2>{}</GROUP_LABEL_2>\
<DICH_DATA EVENTS_1=\"3\" EVENTS_2=\"9\" STUDY_ID=\"STD-A\" TOTAL_1=\"40\" TOTAL_2=\"41\"/>\
<DICH_DATA EVENTS_1=\"5\" EVENTS_2=\"8\" STUDY_ID=\"STD-B\" TOTAL_1=\"30\" TOTAL_2=\"30\"/>\
</DICH_OUTCOME>",
            labels.0, labels.1
        )
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<COCHRANE_REVIEW TYPE=\"INTERVENTION\">\
<COVER_SHEET><TITLE>Drugs for an infection</TITLE></COVER_SHEET>\
<STUDIES_AND_REFERENCES><STUDIES><INCLUDED_STUDIES>\
<STUDY ID=\"STD-A\" NAME=\"A 2001\" YEAR=\"2001\"/><STUDY ID=\"STD-B\" NAME=\"B 2002\" YEAR=\"2002\"/>\
</INCLUDED_STUDIES></STUDIES></STUDIES_AND_REFERENCES><ANALYSES_AND_DATA>\
<COMPARISON ID=\"CMP-001\" NO=\"1\"><NAME>{first}</NAME>{}</COMPARISON>\
<COMPARISON ID=\"CMP-002\" NO=\"2\"><NAME>{second}</NAME>{}</COMPARISON>\
<COMPARISON ID=\"CMP-003\" NO=\"3\"><NAME>Sensitivity analysis: {first} by allocation concealment</NAME>{}</COMPARISON>\
</ANALYSES_AND_DATA></COCHRANE_REVIEW>",
        outcome(1, labels[0], "Clinical failure"),
        outcome(1, labels[1], "Stool Volume"),
        outcome(1, labels[0], "Clinical failure")
    )
}

/// Imports `rm5` into `scratch/reviews/imported`, builds it, and gives back analyses.yaml,
/// review.yaml and the abstract.
fn import_and_build(scratch: &Scratch, rm5: &str) -> (String, String, String) {
    let _ = std::fs::remove_dir_all(scratch.path("reviews"));
    std::fs::write(scratch.path("labels.rm5"), rm5).unwrap();
    let run = revmark(
        &scratch.0,
        &["import", "labels.rm5", "--out", "reviews/imported"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    build(scratch);
    let file = |name: &str| std::fs::read_to_string(scratch.path("reviews/imported").join(name));
    (
        file("analyses.yaml").unwrap(),
        file("review.yaml").unwrap(),
        read(scratch, "imported/abstract.md"),
    )
}

// Group labels written for the forest plot ("Favours antimicrobial") lose their "Favours";
// generic ones ("Control") give way to the comparison's own "X versus Y"; Title Case labels
// read in lower case in the text. A comparison named a sensitivity analysis has that role and
// stays out of the abstract's Main results.
#[test]
fn group_labels_become_the_arms_names() {
    let scratch = Scratch::new("import-labels");
    let first = "Antimicrobial versus placebo/no treatment";
    let second = "Short versus long duration";
    let (analyses, review, abstract_md) = import_and_build(
        &scratch,
        &rm5_with_comparisons(
            first,
            [
                ("Favours antimicrobial", "Control"),
                ("Short Duration", "Long Duration"),
            ],
            second,
        ),
    );
    assert!(
        analyses.contains("experimental: \"antimicrobial\"\n    control: \"placebo/no treatment\""),
        "{analyses}"
    );
    assert!(
        analyses.contains("experimental: \"Short Duration\"\n    control: \"Long Duration\""),
        "{analyses}"
    );
    assert!(!analyses.contains("Favours"), "{analyses}");
    assert!(
        review.contains("experimental: \"short duration\"\n    control: \"long duration\""),
        "{review}"
    );
    // The sensitivity analysis's analyses say so; the others are main analyses.
    assert_eq!(
        analyses.matches("role: sensitivity").count(),
        1,
        "{analyses}"
    );
    assert!(
        !abstract_md.contains("Sensitivity analysis"),
        "{abstract_md}"
    );
    assert!(
        abstract_md.contains("the sensitivity analyses"),
        "{abstract_md}"
    );
    // Two comparisons with results: a paragraph each, opening with its name.
    assert!(
        abstract_md.contains(&format!("\n{first}: ")),
        "{abstract_md}"
    );
    assert!(
        abstract_md.contains(&format!("\n{second}: ")),
        "{abstract_md}"
    );
    assert!(
        abstract_md.contains(&format!("\n{second}: stool volume (")),
        "{abstract_md}"
    );

    // Other labels, other names: an experimental label that names the drug is kept, and a
    // generic control label read from the comparison's name.
    let (analyses, review, _) = import_and_build(
        &scratch,
        &rm5_with_comparisons(
            "Doxycycline vs. tetracycline (efficacy)",
            [
                ("Favours Doxycycline", "Favours control"),
                ("Short", "Long"),
            ],
            second,
        ),
    );
    assert!(
        analyses.contains("experimental: \"Doxycycline\"\n    control: \"tetracycline\""),
        "{analyses}"
    );
    assert!(
        review.contains("experimental: \"doxycycline\"\n    control: \"tetracycline\""),
        "{review}"
    );
}

// A comparison that gathers analyses of different pairs ("Direct evidence not in network" of
// CD013210): each analysis whose group labels are not its comparison's keeps them as its own
// `experimental` and `control`, which head its forest plot's columns and label its rows of
// results.csv, and the studies in it are said to have compared its pair.
#[test]
fn an_analysis_keeps_group_labels_of_its_own() {
    let scratch = Scratch::new("import-own-labels");
    let outcome = |no: usize, name: &str, labels: (&str, &str), studies: [&str; 2]| {
        format!(
            "<DICH_OUTCOME EFFECT_MEASURE=\"RR\" METHOD=\"MH\" RANDOM=\"NO\" NO=\"{no}\">\
<NAME>{name}</NAME><GROUP_LABEL_1>{}</GROUP_LABEL_1><GROUP_LABEL_2>{}</GROUP_LABEL_2>\
<DICH_DATA EVENTS_1=\"3\" EVENTS_2=\"9\" STUDY_ID=\"{}\" TOTAL_1=\"40\" TOTAL_2=\"41\"/>\
<DICH_DATA EVENTS_1=\"5\" EVENTS_2=\"8\" STUDY_ID=\"{}\" TOTAL_1=\"30\" TOTAL_2=\"30\"/>\
</DICH_OUTCOME>",
            labels.0, labels.1, studies[0], studies[1]
        )
    };
    let rm5 = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<COCHRANE_REVIEW TYPE=\"INTERVENTION\">\
<COVER_SHEET><TITLE>Drugs for colitis</TITLE></COVER_SHEET>\
<STUDIES_AND_REFERENCES><STUDIES><INCLUDED_STUDIES>\
<STUDY ID=\"STD-A\" NAME=\"A 2001\" YEAR=\"2001\"/><STUDY ID=\"STD-B\" NAME=\"B 2002\" YEAR=\"2002\"/>\
<STUDY ID=\"STD-C\" NAME=\"C 2003\" YEAR=\"2003\"/><STUDY ID=\"STD-D\" NAME=\"D 2004\" YEAR=\"2004\"/>\
</INCLUDED_STUDIES></STUDIES></STUDIES_AND_REFERENCES><ANALYSES_AND_DATA>\
<COMPARISON ID=\"CMP-001\" NO=\"1\"><NAME>Direct evidence not in network</NAME>{}{}</COMPARISON>\
</ANALYSES_AND_DATA></COCHRANE_REVIEW>",
        outcome(
            1,
            "High versus low dose",
            ("4.0 g/d", "2.4 g/d"),
            ["STD-A", "STD-B"]
        ),
        outcome(
            2,
            "Infliximab versus placebo",
            ("Infliximab", "Placebo"),
            ["STD-C", "STD-D"]
        ),
    );
    let (analyses, _, abstract_md) = import_and_build(&scratch, &rm5);
    assert!(
        analyses.contains("    experimental: \"4.0 g/d\"\n    control: \"2.4 g/d\"\n"),
        "{analyses}"
    );
    assert_eq!(
        analyses
            .matches("        experimental: \"Infliximab\"\n        control: \"Placebo\"\n")
            .count(),
        1,
        "{analyses}"
    );
    let forest = |n: &str| read(&scratch, &format!("imported/figures/forest-{n}.svg"));
    assert!(forest("1.2").contains(">Infliximab<"), "{}", forest("1.2"));
    assert!(!forest("1.2").contains("4.0 g/d"), "{}", forest("1.2"));
    assert!(forest("1.1").contains("4.0 g/d"), "{}", forest("1.1"));
    let csv = read(&scratch, "imported/results.csv");
    assert!(
        csv.lines()
            .any(|l| l.starts_with("1,2,0,") && l.contains(",Infliximab,Placebo,")),
        "{csv}"
    );
    assert!(
        abstract_md.contains("Two studies compared 4.0 g/d with 2.4 g/d and two studies compared infliximab with placebo."),
        "{abstract_md}"
    );
    // The Summary of findings names the comparison's arms in its risk columns: the analysis of
    // another pair has no row there.
    let review_md = read(&scratch, "imported/review.md");
    let sof = &review_md[review_md
        .find("### Summary of findings 1")
        .expect("a table")..];
    let sof = &sof[..sof.find("\n## ").unwrap_or(sof.len())];
    assert!(sof.contains("Risk with 2.4 g/d"), "{sof}");
    assert!(sof.contains("| High versus low dose |"), "{sof}");
    assert!(!sof.contains("Infliximab versus placebo"), "{sof}");
    // The generated plain language summary says what was searched for, both pairs.
    assert!(
        review_md.contains(
            "We searched for studies that compared 4.0 g/d with 2.4 g/d or infliximab with placebo."
        ),
        "{review_md}"
    );
}
