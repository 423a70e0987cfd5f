//! Real Review Manager files: excerpts of four Cochrane reviews (see
//! tests/reference/revman/README.md) import whole, and nothing of a source is lost without a
//! word: every text and attribute of the source is in the imported document or named as not
//! read, and every part of the document is in the written files or named in IMPORT-REPORT.md.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::common::*;
use revmark::import::document::Document;
use revmark::import::xml;
use serde_json::Value;

/// The excerpts, each with the review it comes from.
pub const EXCERPTS: [&str; 5] = [
    "benzodiazepines-pregabalin-gad-excerpt.rm5",
    "CD003188-excerpt.rm5",
    "CD008625-excerpt.rm5",
    "CD008625-totals-excerpt.rm5",
    "CD013210-excerpt.rm5",
];

pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/reference/revman").join(name)
}

// Generic inverse-variance hazard ratios keep their measure and their participants (Review
// Manager: 2,706 in CD003188's mortality analysis).
#[test]
fn hazard_ratios_keep_their_measure_and_participants() {
    let scratch = Scratch::new("revman-hr");
    let run = revmark(
        &scratch.0,
        &[
            "import",
            fixture("CD003188-excerpt.rm5").to_str().unwrap(),
            "--out",
            "reviews/myeloma",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    build(&scratch);
    let results: Value = serde_json::from_str(&read(&scratch, "myeloma/results.json")).unwrap();
    let mortality = &results["comparisons"][0]["outcomes"][0];
    assert_eq!(mortality["measure"], "HR");
    assert_eq!(mortality["scale"], "ratio");
    assert_eq!(mortality["participants"], 2706);
    let review = std::fs::read_to_string(scratch.path("reviews/myeloma/review.yaml")).unwrap();
    assert!(!review.contains("[Data only"), "{review}");
    let report = std::fs::read_to_string(scratch.path("reviews/myeloma/IMPORT-REPORT.md")).unwrap();
    assert!(report.contains("`data_only_note`"), "{report}");
    // A data-only file has no risk-of-bias judgements: the report says what the review will
    // then say of risk of bias (the GAD review, which has them, is not told: below).
    let unjudged = "The source holds no risk-of-bias judgements";
    assert!(report.contains(unjudged), "{report}");
    let studies = std::fs::read_to_string(scratch.path("reviews/myeloma/studies.yaml")).unwrap();
    assert!(!studies.contains("risk_of_bias:"), "{studies}");
}

/// Imports a GAD excerpt (its bytes) and builds it; the scratch folder holds reviews/gad.
fn import_gad(bytes: &[u8]) -> Scratch {
    let scratch = Scratch::new("revman-gad");
    std::fs::write(scratch.path("gad.rm5"), bytes).unwrap();
    let run = revmark(&scratch.0, &["import", "gad.rm5", "--out", "reviews/gad"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    build(&scratch);
    scratch
}

/// The plain text of an element: its text nodes joined, whitespace collapsed.
fn text_of(node: xml::Node) -> String {
    node.descendants()
        .filter(roxmltree::Node::is_text)
        .map(|n| n.text().unwrap_or(""))
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

// The GAD review (issue 14's acceptance): its analyses keep Review Manager's numbers and "Analysis
// 1.16" in the authors' text links to analysis 1.16; every reason for exclusion and every
// Summary of findings row (its outcome and GRADE level) is in review.md; the abstract speaks of
// the table's headline analyses only, is at most 1,000 words and prints no placeholder; the
// authors' note "[These need to be changed]" is named in IMPORT-REPORT.md instead.
#[test]
fn the_gad_review_reads_whole() {
    let bytes = std::fs::read(fixture("benzodiazepines-pregabalin-gad-excerpt.rm5")).unwrap();
    let scratch = import_gad(&bytes);
    let source = xml::decode(&bytes);
    let doc = xml::parse(&source.text).unwrap();
    let root = doc.root_element();
    let results: Value = serde_json::from_str(&read(&scratch, "gad/results.json")).unwrap();
    let ours = results["comparisons"][0]["outcomes"].as_array().unwrap();
    let theirs: Vec<_> = root
        .descendants()
        .filter(|n| n.is_element() && xml::name(*n).ends_with("_OUTCOME"))
        .collect();
    assert_eq!(ours.len(), theirs.len());
    for (o, t) in ours.iter().zip(&theirs) {
        assert_eq!(o["number"], format!("1.{}", t.attribute("NO").unwrap()));
    }
    let review = read(&scratch, "gad/review.md");
    let page = read(&scratch, "gad/index.html");
    let flat = normal(&review);

    // "Analysis 1.16" links to the section of analysis 1.16.
    let link = page
        .split("href=\"#")
        .skip(1)
        .find(|rest| rest.contains(">Analysis 1.16</a>") && rest.find('"').is_some())
        .map(|rest| rest[..rest.find('"').unwrap()].to_string())
        .expect("a link named Analysis 1.16");
    let target = format!("id=\"{link}\">1.16 ");
    assert!(page.contains(&target), "no heading 1.16 with id {link}");

    // Every reason for exclusion.
    let reasons: Vec<String> = xml::descendants(root, "CHAR_REASON_FOR_EXCLUSION")
        .map(text_of)
        .collect();
    assert!(!reasons.is_empty());
    for reason in &reasons {
        assert!(
            flat.contains(&normal(reason)),
            "reason \"{reason}\" is not in review.md"
        );
    }

    // Every Summary of findings row: its outcome with its GRADE level.
    let mut rows = 0;
    for tr in xml::descendants(root, "SOF_TABLE").flat_map(|t| xml::descendants(t, "TR")) {
        let cells: Vec<String> = xml::children(tr, "TD").map(text_of).collect();
        let Some(grade) = cells.iter().find(|c| c.contains('\u{2295}')) else {
            continue;
        };
        let level = ["very low", "low", "moderate", "high"]
            .into_iter()
            .find(|l| grade.to_lowercase().contains(l))
            .unwrap();
        let outcome = &cells[0];
        let row = review
            .lines()
            .find(|l| l.starts_with(&format!("| {outcome} |")))
            .unwrap_or_else(|| panic!("no Summary of findings row for {outcome}"));
        assert!(row.to_lowercase().contains(level), "{outcome}: {row}");
        rows += 1;
    }
    assert_eq!(rows, 5);

    // The abstract: the table's five headline analyses, each with its certainty; nothing of
    // Review Manager's template or the authors' notes to themselves.
    let abstract_md = read(&scratch, "gad/abstract.md");
    let words = abstract_md.split_whitespace().count();
    assert!(words <= 1000, "{words} words");
    let main = abstract_md.split("## Main results").nth(1).unwrap();
    assert_eq!(main.matches("certainty evidence").count(), rows, "{main}");
    for placeholder in [
        "These need to be changed",
        "Summary title",
        "abstract-guidance-authors",
        "must serve as a stand-alone",
    ] {
        assert!(!abstract_md.contains(placeholder), "{placeholder}");
        assert!(!review.contains(placeholder), "{placeholder}");
    }
    let report = std::fs::read_to_string(scratch.path("reviews/gad/IMPORT-REPORT.md")).unwrap();
    assert!(
        report.contains("\\[These need to be changed\\]"),
        "{report}"
    );
    assert!(!report.contains("no risk-of-bias judgements"), "{report}");

    // The analyses of one outcome are one protocol outcome; the table is the comparison's
    // Summary of findings, its rows' levels and footnotes the analyses' certainty.
    let review_yaml = std::fs::read_to_string(scratch.path("reviews/gad/review.yaml")).unwrap();
    assert!(
        review_yaml.contains("  - id: response-rate\n"),
        "{review_yaml}"
    );
    assert_eq!(
        ours.iter()
            .filter(|o| o["outcome"] == "response-rate")
            .count(),
        2
    );
    let analyses = std::fs::read_to_string(scratch.path("reviews/gad/analyses.yaml")).unwrap();
    assert!(
        analyses.contains("    summary_of_findings:\n"),
        "{analyses}"
    );
    assert_eq!(
        analyses.matches("          level: very_low\n").count(),
        rows
    );
    assert!(analyses.contains("All studies were sponsored by the pharmaceutical company"));

    // References and in-text citations are carried over, so the report does not name them;
    // nor the study flow diagram, whose counts are the PRISMA flow.
    for part in [
        "`additional[]`",
        "`citations[]`",
        "`references[]`",
        "`extensions[]`",
    ] {
        assert!(!report.contains(part), "{part} is carried over:\n{report}");
    }
    assert!(report.contains("The PRISMA flow"), "{report}");
    let prisma = read(&scratch, "gad/figures/prisma.svg");
    let boxes: Vec<String> = root
        .descendants()
        .filter(|n| n.has_tag_name("FLOWCHARTBOX") || n.has_tag_name("OUT"))
        .filter_map(|n| n.attribute("TEXT"))
        .map(|t| t.split("</p>").next().unwrap().replace("<p>", ""))
        .collect();
    for sentence in [
        "records screened",
        "records excluded",
        "full-text articles assessed",
        "studies included in qualitative synthesis",
    ] {
        let text = boxes.iter().find(|b| b.contains(sentence)).unwrap();
        let count = text.split_whitespace().next().unwrap();
        assert!(
            prisma.contains(&format!("(n = {count})")),
            "{sentence}: {count} is not in the PRISMA figure"
        );
    }
}

// A Summary of findings table with a row that names no analysis is kept as the authors' table,
// and the rows that name one still give their analyses their GRADE level.
#[test]
fn an_unmapped_summary_of_findings_is_kept_as_the_authors_table() {
    let mut bytes = std::fs::read(fixture("benzodiazepines-pregabalin-gad-excerpt.rm5")).unwrap();
    // The table's last row renamed, so that it names no analysis.
    let row: &[u8] = b"<B>Acceptability (withdrawal due to inefficacy)</B>";
    let at = bytes.windows(row.len()).position(|w| w == row).unwrap();
    bytes.splice(
        at..at + row.len(),
        b"<B>Withdrawal for lack of effect</B>".iter().copied(),
    );
    let text = bytes;
    let scratch = import_gad(&text);
    let review_yaml = std::fs::read_to_string(scratch.path("reviews/gad/review.yaml")).unwrap();
    assert!(
        review_yaml.contains("additional_tables:\n  - title: \"Benzodiazepines compared to Pregabalin for generalised anxiety disorder (GAD)\"\n    kind: summary_of_findings\n"),
        "{review_yaml}"
    );
    let analyses = std::fs::read_to_string(scratch.path("reviews/gad/analyses.yaml")).unwrap();
    assert!(!analyses.contains("summary_of_findings:"), "{analyses}");
    assert_eq!(analyses.matches("          level: very_low\n").count(), 4);
    let review = read(&scratch, "gad/review.md");
    assert!(
        review.contains(
            "### Summary of findings (the authors' table): Benzodiazepines compared to Pregabalin"
        ),
        "{review}"
    );
    let report = std::fs::read_to_string(scratch.path("reviews/gad/IMPORT-REPORT.md")).unwrap();
    assert!(report.contains("name no analysis"), "{report}");
}

// The GAD review's references: every reference of its studies and every additional reference
// is in references.json and in review.md's References, none is left uncited, and every
// in-text link to a study or reference is a citation linked to its entry.
#[test]
fn gad_references_and_citations_come_through() {
    let scratch = Scratch::new("revman-gad-references");
    let run = revmark(
        &scratch.0,
        &[
            "import",
            fixture("benzodiazepines-pregabalin-gad-excerpt.rm5")
                .to_str()
                .unwrap(),
            "--out",
            "reviews/gad",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let built = revmark(&scratch.0, &["build"]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    assert!(
        !built.stderr.contains("warning: reference"),
        "{}",
        built.stderr
    );
    let bytes = std::fs::read(fixture("benzodiazepines-pregabalin-gad-excerpt.rm5")).unwrap();
    let source = xml::decode(&bytes);
    let doc = xml::parse(&source.text).unwrap();
    let root = doc.root_element();
    let json: Value = serde_json::from_str(
        &std::fs::read_to_string(scratch.path("reviews/gad/references.json")).unwrap(),
    )
    .unwrap();
    let studies: Vec<_> = xml::descendants(root, "STUDY").collect();
    let additional: Vec<_> = xml::descendants(root, "ADDITIONAL_REFERENCES")
        .flat_map(|r| xml::children(r, "REFERENCE"))
        .collect();
    let study_references: usize = studies
        .iter()
        .map(|s| xml::descendants(*s, "REFERENCE").count())
        .sum();
    assert!(study_references > 0 && !additional.is_empty());
    assert_eq!(
        json.as_array().unwrap().len(),
        study_references + additional.len()
    );
    let md = read(&scratch, "gad/review.md");
    let start = md.find("\n## References\n").expect("a References section");
    let references = &md[start..];
    for r in &additional {
        let name = r.attribute("NAME").unwrap();
        assert!(
            references.contains(&format!("\n#### {name} {{ #ref-")),
            "{name} is not in References"
        );
    }
    for s in &studies {
        let name = s.attribute("NAME").unwrap();
        assert!(
            references.contains(&format!("\n#### {name} {{ #ref-")),
            "study {name} is not in References"
        );
    }
    // Every in-text link to a study or reference reads as a citation linked to its entry.
    let page = read(&scratch, "gad/index.html");
    let mut checked = 0;
    for link in xml::descendants(root, "LINK") {
        if !matches!(link.attribute("TYPE"), Some("STUDY" | "REFERENCE")) {
            continue;
        }
        let text = text_of(link);
        let cited = format!("[{text}](#ref-");
        let Some(at) = md.find(&cited) else {
            // Links in sections the format does not hold yet are not in review.md at all.
            assert!(!md.contains(&format!("({text})")), "{text} is not cited");
            continue;
        };
        let anchor: String = md[at + cited.len() - 4..]
            .chars()
            .take_while(|c| *c != ')')
            .collect();
        assert!(
            page.contains(&format!("id=\"{anchor}\"")),
            "{text} links to {anchor}, which the page lacks"
        );
        checked += 1;
    }
    assert!(checked > 40, "only {checked} links checked");
}

/// All text of a JSON value: strings and numbers, and object keys with `keys`.
fn collect(value: &Value, keys: bool, strings: &mut Vec<String>, numbers: &mut Vec<f64>) {
    match value {
        Value::String(s) => strings.push(s.clone()),
        Value::Number(n) => numbers.extend(n.as_f64()),
        Value::Array(items) => items
            .iter()
            .for_each(|v| collect(v, keys, strings, numbers)),
        Value::Object(map) => {
            for (k, v) in map {
                if keys {
                    strings.push(k.clone());
                }
                collect(v, keys, strings, numbers);
            }
        }
        _ => {}
    }
}

/// Markdown links as their text: "[Analysis 1.1](#1-1-x)" reads "Analysis 1.1".
fn link_texts(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let link = after.find("](").and_then(|close| {
            let target = &after[close + 2..];
            let end = target.find(')')?;
            (!after[..close].contains(['[', ']'])).then_some((close, close + 2 + end + 1))
        });
        if let Some((close, end)) = link {
            out.push_str(&rest[..open]);
            out.push_str(&after[..close]);
            rest = &after[end..];
        } else {
            out.push_str(&rest[..=open]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Text compared as it reads: links as their text, Markdown escapes and emphasis taken off,
/// whitespace collapsed.
fn normal(s: &str) -> String {
    let s = link_texts(s);
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && chars
                .peek()
                .is_some_and(|n| n.is_ascii_punctuation() || *n == '\n')
        {
            out.push(chars.next().unwrap());
        } else {
            out.push(c);
        }
    }
    out.replace("**", "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The values at an inventory path (`a.b[].c`) of a JSON value.
fn values_at<'v>(value: &'v Value, path: &str) -> Vec<&'v Value> {
    let mut at = vec![value];
    for part in path.split('.') {
        let (key, arrays) = match part.find('[') {
            Some(i) => (&part[..i], part[i..].matches("[]").count()),
            None => (part, 0),
        };
        at = at.into_iter().filter_map(|v| v.get(key)).collect();
        for _ in 0..arrays {
            at = at
                .into_iter()
                .flat_map(|v| v.as_array().into_iter().flatten())
                .collect();
        }
    }
    at
}

/// The imported review's files as one text: every YAML string and number, every CSV cell.
fn written_text(files: &BTreeMap<String, String>) -> String {
    let mut strings = Vec::new();
    let mut numbers = Vec::new();
    for (name, text) in files {
        if name.ends_with(".yaml") {
            let value: Value =
                revmark::load::yaml_to_json(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            collect(&value, true, &mut strings, &mut numbers);
        } else if name.ends_with(".csv") {
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            for record in reader.records() {
                strings.extend(record.unwrap().iter().map(String::from));
            }
        }
    }
    normal(&strings.join("\n"))
}

/// Checks that every text node and attribute of the source is in the document or named as
/// not read, and that every part of the document is in the written files or the report.
fn assert_nothing_lost(name: &str, bytes: &[u8], doc: &Document) {
    // Source -> document.
    let value = serde_json::to_value(doc).unwrap();
    let mut strings = Vec::new();
    let mut numbers = Vec::new();
    // Keys too: Review Manager's element names are keys of the document (characteristics).
    collect(&value, true, &mut strings, &mut numbers);
    let doc_text = normal(&strings.join("\n"));
    let source = xml::decode(bytes);
    let parsed = xml::parse(&source.text).unwrap();
    let path_of = |n: xml::Node| {
        let mut parts: Vec<&str> = n
            .ancestors()
            .filter(roxmltree::Node::is_element)
            .map(|a| xml::name(a))
            .collect();
        parts.reverse();
        parts.join("/")
    };
    let unread = |path: &str| {
        doc.unread.iter().any(|(u, _)| {
            path == u || path.starts_with(&format!("{u}/")) || path.starts_with(&format!("{u}@"))
        })
    };
    let mut checked = 0;
    for node in parsed.descendants() {
        if node.is_text() {
            let text = normal(node.text().unwrap_or(""));
            let element = node.parent().map(path_of).unwrap_or_default();
            if text.is_empty() || unread(&element) {
                continue;
            }
            checked += 1;
            // A title's "[Data only. ...]" note is taken out into its own field.
            let found = doc_text.contains(&text)
                || text.split_once(" [").is_some_and(|(title, note)| {
                    doc_text.contains(title) && doc_text.contains(note.trim_end_matches(']'))
                });
            assert!(
                found,
                "{name}: the text \"{text}\" of {element} is neither in the imported document nor named as not read"
            );
        } else if node.is_element() {
            let element = path_of(node);
            for a in node.attributes() {
                let v = a.value().trim();
                let at = format!("{element}@{}", a.name());
                // Flags and codes Review Manager writes become typed values (YES: true, TOTALS
                // SUB: subtotals, RESULT UNKNOWN: unclear) or are revmark's defaults (95%).
                if v.is_empty() || unread(&at) || ["YES", "NO", "UNKNOWN", "SUB", "95"].contains(&v)
                {
                    continue;
                }
                checked += 1;
                let as_number = v.parse::<f64>().ok();
                let found = doc_text.contains(&normal(v))
                    || as_number
                        .is_some_and(|x| numbers.iter().any(|n| (n - x).abs() <= 1e-12 * x.abs()));
                assert!(
                    found,
                    "{name}: {at}=\"{v}\" is neither in the imported document nor named as not read"
                );
            }
        }
    }
    assert!(checked > 100, "{name}: only {checked} values checked");
    // Document -> files or report.
    let written = revmark::import::write::write(doc);
    let output = written_text(&written.files);
    let report = &written.files["IMPORT-REPORT.md"];
    let inventory = revmark::import::inventory(doc);
    for (path, claim) in written.ledger.claims() {
        if claim.mapped || !inventory.contains_key(path) {
            continue;
        }
        for v in values_at(&value, path) {
            let mut strings = Vec::new();
            collect(v, false, &mut strings, &mut Vec::new());
            for s in strings.iter().filter(|s| !s.trim().is_empty()) {
                if !claim.with_contents && v.is_object() {
                    continue;
                }
                assert!(
                    output.contains(&normal(s)),
                    "{name}: `{path}` is claimed as written, but \"{s}\" is not in the files"
                );
            }
        }
    }
    for (home, paths) in revmark::import::inventory::not_carried_over(&inventory, &written.ledger) {
        for (relative, entry) in paths {
            let mention = format!("`{relative}` {}", entry.count);
            let line = format!("(`{relative}`): {}", entry.count);
            assert!(
                report.contains(&mention) || report.contains(&line),
                "{name}: `{home}` `{relative}` is not carried over and not in the report:\n{report}"
            );
        }
    }
    // Every inventoried path is written or lies under a path the report names.
    let left = revmark::import::inventory::not_carried_over(&inventory, &written.ledger);
    let reported: Vec<String> = left
        .iter()
        .flat_map(|(home, paths)| {
            paths.iter().map(move |(p, _)| {
                if home.is_empty() {
                    p.clone()
                } else {
                    format!("{home}.{p}")
                }
            })
        })
        .collect();
    for path in inventory.keys() {
        let covered = written.ledger.covers(path)
            || reported.iter().any(|r| {
                path == r
                    || path.starts_with(&format!("{r}."))
                    || path.starts_with(&format!("{r}["))
            })
            || reported.iter().any(|r| r.starts_with(&format!("{path}.")));
        assert!(covered, "{name}: `{path}` is neither written nor reported");
    }
}

#[test]
fn every_part_of_a_source_is_in_the_output_or_the_report() {
    for name in EXCERPTS.iter().chain(&["Fleiss1993.rm5"]) {
        let bytes = std::fs::read(fixture(name)).unwrap();
        let doc = revmark::import::rm5::read(&bytes, name).unwrap();
        assert_nothing_lost(name, &bytes, &doc);
    }
}

// The check itself fails when a part of the document is dropped: a document whose title is
// moved to a field the writer does not know is reported, and a text node missing from the
// document is found.
#[test]
fn the_completeness_check_finds_what_is_dropped() {
    let bytes = std::fs::read(fixture("Fleiss1993.rm5")).unwrap();
    let mut doc = revmark::import::rm5::read(&bytes, "Fleiss1993.rm5").unwrap();
    doc.review.keywords.push("moved here".into());
    let written = revmark::import::write::write(&doc);
    assert!(written.files["IMPORT-REPORT.md"].contains("`keywords[]` 1"));
    let lost = std::panic::catch_unwind(|| {
        let mut emptied = doc.clone();
        emptied.review.title = String::new();
        assert_nothing_lost("Fleiss1993.rm5", &bytes, &emptied);
    });
    assert!(lost.is_err(), "a dropped title must be found");
}

// Issue 13: a non-numeric, negative, fractional, empty or out-of-range count is named in
// IMPORT-REPORT.md with its study and value, and its row is left out; nothing becomes 0 or
// 18446744073709551615.
#[test]
fn invalid_counts_are_reported_and_their_rows_left_out() {
    let scratch = Scratch::new("revman-counts");
    let text = std::fs::read_to_string(fixture("Fleiss1993.rm5")).unwrap();
    let bad = ["NaN", "-3", "2.5", "", "1e308"];
    let mut changed = text.clone();
    for (i, value) in bad.iter().enumerate() {
        // The first rows of the dichotomous analysis, in file order.
        let at = changed
            .match_indices("<DICH_DATA ")
            .nth(i)
            .map(|(at, _)| at)
            .unwrap();
        let rest = &changed[at..];
        let events = rest.find("EVENTS_1=\"").unwrap() + "EVENTS_1=\"".len();
        let end = rest[events..].find('"').unwrap();
        changed.replace_range(at + events..at + events + end, value);
    }
    std::fs::write(scratch.path("bad.rm5"), &changed).unwrap();
    let run = revmark(&scratch.0, &["import", "bad.rm5", "--out", "reviews/bad"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = std::fs::read_to_string(scratch.path("reviews/bad/IMPORT-REPORT.md")).unwrap();
    assert!(!report.contains("Nothing"), "{report}");
    for (value, why) in bad.iter().zip([
        "not a number",
        "a negative count",
        "not a whole number",
        "is empty",
        "more than the largest count",
    ]) {
        assert!(
            report
                .lines()
                .any(|l| l.contains("EVENTS\\_1") && l.contains(why) && l.contains(value)),
            "{value}: {report}"
        );
    }
    let data = std::fs::read_to_string(scratch.path("reviews/bad/data/analysis-1-1.csv")).unwrap();
    assert_eq!(data.lines().count(), 1 + 7 - bad.len(), "{data}");
    assert!(!data.contains("18446744073709551615"));
    build(&scratch);
}

// The same 64 MiB limit as every other input, checked before the file is read.
#[test]
fn refuses_files_over_the_size_limit() {
    let scratch = Scratch::new("revman-size");
    let file = std::fs::File::create(scratch.path("huge.rm5")).unwrap();
    file.set_len(revmark::load::MAX_FILE_BYTES + 1).unwrap();
    let run = revmark(&scratch.0, &["import", "huge.rm5", "--out", "reviews/huge"]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("at most 67108864 bytes"),
        "{}",
        run.stderr
    );
    assert!(!scratch.path("reviews/huge").exists());
}

// Mutated Review Manager files (bytes replaced, ranges cut or doubled, values made hostile)
// import or are refused with a message: never a panic. REVMARK_MUTATIONS sets the number of
// cases per file (300 by default).
#[test]
fn mutated_files_never_panic() {
    let cases: usize = std::env::var("REVMARK_MUTATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(300);
    for name in [
        "Fleiss1993.rm5",
        "benzodiazepines-pregabalin-gad-excerpt.rm5",
    ] {
        mutate(name, cases);
    }
}

fn mutate(name: &str, cases: usize) {
    let original = std::fs::read(fixture(name)).unwrap();
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |bound: usize| {
        // xorshift64*: a fixed sequence, so a failure repeats.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_f491_4f6c_dd1d) % bound as u64) as usize
    };
    let pieces: [&[u8]; 12] = [
        b"<",
        b">",
        b"&",
        b"\"",
        b"=\"NaN\"",
        b"-3",
        b"1e308",
        b"\xff\xfe",
        b"</P>",
        b"<LINK REF=\"x\">",
        b"\x00",
        b"<INS>",
    ];
    let mut imported = 0;
    for _ in 0..cases {
        let mut bytes = original.clone();
        for _ in 0..=next(4) {
            let at = next(bytes.len());
            match next(3) {
                0 => {
                    let piece = pieces[next(pieces.len())];
                    bytes.splice(at..at, piece.iter().copied());
                }
                1 => {
                    let end = (at + next(200)).min(bytes.len());
                    bytes.drain(at..end);
                }
                _ => {
                    let end = (at + next(500)).min(bytes.len());
                    let copy: Vec<u8> = bytes[at..end].to_vec();
                    bytes.splice(at..at, copy);
                }
            }
        }
        if let Ok(doc) = revmark::import::rm5::read(&bytes, "mutated.rm5") {
            imported += 1;
            let files = revmark::import::review_files(&doc);
            assert!(files.contains_key("IMPORT-REPORT.md"));
        }
    }
    assert!(imported > 0, "{name}: some mutations still import");
}

// The end matter of a review file comes through whole: Fleiss1993.rm5 with its empty
// differences, history, external sources, additional tables, feedback and appendices filled
// in, as Review Manager 5 writes them. Nothing is lost, and each reaches the built review under
// its heading.
#[test]
fn the_end_matter_of_a_review_file_comes_through() {
    let text = std::fs::read_to_string(fixture("Fleiss1993.rm5")).unwrap();
    let filled = [
        (
            "<PRO_REV_DIFF/>",
            "<PRO_REV_DIFF><P>DIFF-TEXT we added a subgroup.</P></PRO_REV_DIFF>",
        ),
        (
            "<HISTORY/>",
            "<HISTORY><HISTORY_ENTRY EVENT=\"AMENDED\"><DATE DAY=\"3\" MONTH=\"2\" YEAR=\"2009\"/><DESCRIPTION><P>HISTORY-TEXT converted to new format.</P></DESCRIPTION></HISTORY_ENTRY></HISTORY>",
        ),
        (
            "<EXTERNAL_SOURCES/>",
            "<EXTERNAL_SOURCES><SOURCE><NAME>Research Council</NAME><COUNTRY CODE=\"UK\">UK</COUNTRY><DESCRIPTION><P>SUPPORT-TEXT grant 123</P></DESCRIPTION></SOURCE></EXTERNAL_SOURCES>",
        ),
        (
            "<ADDITIONAL_TABLES/>",
            "<ADDITIONAL_TABLES><ADDITIONAL_TABLE ID=\"TBL-01\" NO=\"1\"><TITLE>Doses used</TITLE><TABLE COLS=\"2\" ROWS=\"2\"><TR><TH><P>Trial</P></TH><TH><P>Dose</P></TH></TR><TR><TD><P>TABLE-CELL MRC-1</P></TD><TD><P>300 mg | daily</P></TD></TR></TABLE><FOOTNOTES><P>TABLE-NOTE as reported.</P></FOOTNOTES></ADDITIONAL_TABLE></ADDITIONAL_TABLES>",
        ),
        (
            "<FEEDBACK/>",
            "<FEEDBACK><FEEDBACK_ITEM ID=\"FBK-01\" NO=\"1\"><TITLE>Dose question</TITLE><FEEDBACK_BODY><FEEDBACK_SUMMARY><P>FEEDBACK-SUMMARY which dose?</P></FEEDBACK_SUMMARY><FEEDBACK_REPLY><P>FEEDBACK-REPLY the trials' doses.</P></FEEDBACK_REPLY></FEEDBACK_BODY></FEEDBACK_ITEM></FEEDBACK>",
        ),
        (
            "<APPENDICES/>",
            "<APPENDICES><APPENDIX ID=\"APP-01\" NO=\"1\"><TITLE>MEDLINE search strategy</TITLE><APPENDIX_BODY><P>APPENDIX-BODY aspirin AND infarction</P></APPENDIX_BODY></APPENDIX></APPENDICES>",
        ),
    ];
    let mut text = text;
    for (empty, full) in filled {
        assert!(text.contains(empty), "{empty}");
        text = text.replacen(empty, full, 1);
    }
    // The file declares ISO-8859-1: written as such.
    let bytes: Vec<u8> = text.chars().map(|c| c as u32 as u8).collect();
    let doc = revmark::import::rm5::read(&bytes, "Fleiss1993-filled.rm5").unwrap();
    assert_nothing_lost("Fleiss1993-filled.rm5", &bytes, &doc);
    let scratch = Scratch::new("revman-end-matter");
    std::fs::write(scratch.path("f.rm5"), &bytes).unwrap();
    let run = revmark(&scratch.0, &["import", "f.rm5", "--out", "reviews/f"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    build(&scratch);
    let review = read(&scratch, "f/review.md");
    for (heading, text) in [
        (
            "## Differences between protocol and review",
            "DIFF-TEXT we added a subgroup.",
        ),
        (
            "## History",
            "**3 February 2009:** HISTORY-TEXT converted to new format.",
        ),
        (
            "### External sources",
            "- Research Council, UK: SUPPORT-TEXT grant 123",
        ),
        (
            "### Table 1. Doses used",
            "| TABLE-CELL MRC-1 | 300 mg \\| daily |",
        ),
        ("### Dose question", "FEEDBACK-SUMMARY which dose?"),
        (
            "### Appendix 1. MEDLINE search strategy",
            "APPENDIX-BODY aspirin AND infarction",
        ),
    ] {
        let at = review
            .find(&format!("\n{heading}\n"))
            .unwrap_or_else(|| panic!("{heading}:\n{review}"));
        assert!(review[at..].contains(text), "{text}:\n{review}");
    }
    assert!(review.contains("FEEDBACK-REPLY the trials' doses."));
    assert!(review.contains("TABLE-NOTE as reported."));
}
