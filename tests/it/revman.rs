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
pub const EXCERPTS: [&str; 4] = [
    "benzodiazepines-pregabalin-gad-excerpt.rm5",
    "CD003188-excerpt.rm5",
    "CD008625-excerpt.rm5",
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
}

// The GAD review: its analyses keep Review Manager's numbers (its text cites "Analysis
// 1.16"), every reason for exclusion and the Summary of findings' GRADE levels come through,
// and its references and in-text citations are carried over (so the report does not name
// them).
#[test]
fn whole_review_keeps_numbers_reasons_and_grade_levels() {
    let scratch = Scratch::new("revman-gad");
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
    build(&scratch);
    let bytes = std::fs::read(fixture("benzodiazepines-pregabalin-gad-excerpt.rm5")).unwrap();
    let source = xml::decode(&bytes);
    let doc = xml::parse(&source.text).unwrap();
    let results: Value = serde_json::from_str(&read(&scratch, "gad/results.json")).unwrap();
    let ours = results["comparisons"][0]["outcomes"].as_array().unwrap();
    let theirs: Vec<_> = doc
        .descendants()
        .filter(|n| n.is_element() && xml::name(*n).ends_with("_OUTCOME"))
        .collect();
    assert_eq!(ours.len(), theirs.len());
    for (o, t) in ours.iter().zip(&theirs) {
        assert_eq!(o["number"], format!("1.{}", t.attribute("NO").unwrap()));
    }
    assert!(ours.iter().any(|o| o["number"] == "1.16"));
    let studies = std::fs::read_to_string(scratch.path("reviews/gad/studies.yaml")).unwrap();
    let reasons = xml::descendants(doc.root_element(), "CHAR_REASON_FOR_EXCLUSION").count();
    assert_eq!(studies.matches("    reason: ").count(), reasons);
    assert!(reasons > 0);
    let analyses = std::fs::read_to_string(scratch.path("reviews/gad/analyses.yaml")).unwrap();
    assert!(
        analyses.contains("certainty: {level: very_low}"),
        "{analyses}"
    );
    let report = std::fs::read_to_string(scratch.path("reviews/gad/IMPORT-REPORT.md")).unwrap();
    for part in ["`additional[]`", "`citations[]`", "`references[]`"] {
        assert!(!report.contains(part), "{part} is carried over:\n{report}");
    }
}

/// The text of an element, white space collapsed.
fn text_of(node: roxmltree::Node) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
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

/// Text compared as it reads: Markdown escapes and emphasis taken off, whitespace collapsed.
fn normal(s: &str) -> String {
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
            .filter(|a| a.is_element())
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
        for _ in 0..1 + next(4) {
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
