//! References: the reference files (BibTeX, RIS, CSL-JSON), studies linked to their reports,
//! citations in prose checked at their place and linked to their entries, and the References
//! section in Cochrane's order, every value escaped.

use crate::common::*;

/// One journal article, the same in each of the three formats (its key `smith2004`).
const BIB: &str = "@article{smith2004,\n  author = {Smith, John A. and Jones, Kate},\n  title = {Diuretics and the kidney in late pregnancy},\n  journal = {Journal of Obstetrics},\n  year = {2004},\n  volume = {12},\n  number = {3},\n  pages = {45-67},\n  doi = {10.1000/j.2004.45}\n}\n";
const RIS: &str = "TY  - JOUR\nID  - smith2004\nAU  - Smith, John A.\nAU  - Jones, Kate\nTI  - Diuretics and the kidney in late pregnancy\nT2  - Journal of Obstetrics\nPY  - 2004\nVL  - 12\nIS  - 3\nSP  - 45\nEP  - 67\nDO  - 10.1000/j.2004.45\nER  - \n";
const JSON: &str = r#"[{"id": "smith2004", "type": "article-journal", "author": [{"family": "Smith", "given": "John A."}, {"family": "Jones", "given": "Kate"}], "title": "Diuretics and the kidney in late pregnancy", "container-title": "Journal of Obstetrics", "issued": {"date-parts": [[2004]]}, "volume": "12", "issue": "3", "page": "45-67", "DOI": "10.1000/j.2004.45"}]"#;

/// The diuretics example without its own references, with `files` as its reference files and
/// `edits` made to its files (file, from, to).
fn review_with(scratch: &Scratch, files: &[(&str, &str)], edits: &[(&str, &str, &str)]) {
    let dir = example(scratch, "diuretics-pregnancy");
    for name in ["references.bib", "references.ris", "references.json"] {
        let _ = std::fs::remove_file(dir.join(name));
    }
    let studies = std::fs::read_to_string(dir.join("studies.yaml")).unwrap();
    let studies: Vec<&str> = studies
        .lines()
        .filter(|l| !l.starts_with("    references: "))
        .collect();
    std::fs::write(dir.join("studies.yaml"), studies.join("\n") + "\n").unwrap();
    let review = std::fs::read_to_string(dir.join("review.yaml")).unwrap();
    let review = review
        .replace(" [@collins1985]", "")
        .replace(" [@menzies1964; @cuadros1964]", "");
    std::fs::write(dir.join("review.yaml"), review).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    for (file, from, to) in edits {
        edit(&dir.join(file), from, to);
    }
}

/// Where `needle` is in a file: its 1-based line and column (in characters).
fn place(path: &std::path::Path, needle: &str) -> (usize, usize) {
    let text = std::fs::read_to_string(path).unwrap();
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in {}", path.display()));
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

const BACKGROUND: &str = "on the belief that reducing oedema";
const DISCUSSION: &str = "which diuretics lower directly;";

// The References section of review.md, up to the next section.
fn references_md(scratch: &Scratch) -> String {
    let md = read(scratch, "diuretics-pregnancy/review.md");
    let start = md.find("\n## References\n").expect("a References section");
    let rest = &md[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 4);
    rest[..end].to_string()
}

// A citation of a key that names nothing is an error at its line and column, in review.yaml
// and in studies.yaml alike; the other problems of the run are reported with it.
#[test]
fn an_unknown_key_is_an_error_at_its_place() {
    let scratch = Scratch::new("cite-unknown");
    review_with(
        &scratch,
        &[("references.bib", BIB)],
        &[
            (
                "review.yaml",
                DISCUSSION,
                "which diuretics lower directly (smith2040, a typo) [@smith2004; @smith2040].",
            ),
            (
                "studies.yaml",
                "notes: Women were selected for oedema.",
                "notes: Women were selected for oedema (@{Smith 2014}).",
            ),
        ],
    );
    let dir = scratch.path("reviews/diuretics-pregnancy");
    let run = revmark(&scratch.0, &["check"]);
    assert_ne!(run.code, 0, "{}", run.stderr);
    // At the citation, not at the same text before it.
    let (line, column) = place(&dir.join("review.yaml"), "@smith2040");
    let column = column + 1;
    assert!(
        run.stderr.contains(&format!(
            "reviews/diuretics-pregnancy/review.yaml:{line}:{column}: error: discussion: `smith2040` is neither a reference's citation key nor a study's id"
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `smith2004`?"),
        "{}",
        run.stderr
    );
    let (line, column) = place(&dir.join("studies.yaml"), "Smith 2014");
    assert!(
        run.stderr.contains(&format!(
            "reviews/diuretics-pregnancy/studies.yaml:{line}:{column}: error: notes of study `Menzies 1964`: `Smith 2014` is neither"
        )),
        "{}",
        run.stderr
    );
    // The known key beside it is no error, and the bib file has no unused reference.
    assert_eq!(run.stderr.matches(": error: ").count(), 2, "{}", run.stderr);
}

// A reference that nothing cites and no study lists is a warning at its record, and the page
// leaves it out; a cited one is printed.
#[test]
fn an_unused_reference_is_a_warning_and_left_out() {
    let scratch = Scratch::new("cite-unused");
    let unused = "@book{who1992,\n  author = {{World Health Organization}},\n  title = {The ICD-10 classification},\n  year = {1992}\n}\n";
    review_with(
        &scratch,
        &[("references.bib", &format!("{BIB}{unused}"))],
        &[(
            "review.yaml",
            BACKGROUND,
            "on the belief [@smith2004] that reducing oedema",
        )],
    );
    let run = revmark(&scratch.0, &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (line, _) = place(
        &scratch.path("reviews/diuretics-pregnancy/references.bib"),
        "@book{who1992",
    );
    assert!(
        run.stderr.contains(&format!(
            "references.bib:{line}:1: warning: reference `who1992` is neither cited in the text nor a study's report"
        )),
        "{}",
        run.stderr
    );
    let references = references_md(&scratch);
    assert!(references.contains("#### Smith 2004"), "{references}");
    assert!(!references.contains("ICD-10"), "{references}");
    // Cited, it is printed and the warning goes.
    edit(
        &scratch.path("reviews/diuretics-pregnancy/review.yaml"),
        "[@smith2004]",
        "[@smith2004; @who1992]",
    );
    let run = revmark(&scratch.0, &["build"]);
    assert!(!run.stderr.contains("who1992"), "{}", run.stderr);
    assert!(references_md(&scratch).contains("#### World Health Organization 1992"));
}

// The three formats give the same reference, printed in the documented style; changing the
// record changes the text.
#[test]
fn each_format_reads_the_same_reference() {
    let mut printed = Vec::new();
    for (name, text) in [
        ("references.bib", BIB),
        ("references.ris", RIS),
        ("references.json", JSON),
    ] {
        let scratch = Scratch::new("cite-format");
        review_with(
            &scratch,
            &[(name, text)],
            &[(
                "review.yaml",
                BACKGROUND,
                "on the belief [@smith2004] that reducing oedema",
            )],
        );
        build(&scratch);
        printed.push((name, references_md(&scratch)));
    }
    let expected = "Smith JA, Jones K. Diuretics and the kidney in late pregnancy. Journal of Obstetrics 2004;12(3):45-67. DOI: 10.1000/j.2004.45\n";
    for (name, references) in &printed {
        assert!(references.contains(expected), "{name}:\n{references}");
        assert_eq!(
            references, &printed[0].1,
            "{name} differs from references.bib"
        );
    }
    let scratch = Scratch::new("cite-format-changed");
    review_with(
        &scratch,
        &[(
            "references.ris",
            &RIS.replace("VL  - 12", "VL  - 13")
                .replace("Smith, John A.", "Smyth, Joan"),
        )],
        &[(
            "review.yaml",
            BACKGROUND,
            "on the belief [@smith2004] that reducing oedema",
        )],
    );
    build(&scratch);
    let references = references_md(&scratch);
    assert!(references.contains("#### Smyth 2004"), "{references}");
    assert!(references.contains("Smyth J, Jones K. Diuretics and the kidney in late pregnancy. Journal of Obstetrics 2004;13(3):45-67."), "{references}");
}

// A reference file that cannot be read is an error at the place of the problem.
#[test]
fn broken_reference_files_are_located() {
    for (name, text, line) in [
        ("references.bib", "@article{a,\n  title = {x\n", 3),
        ("references.json", "[{\"id\": \"a\",\n \"title\": }]", 2),
        (
            "references.ris",
            "TY  - JOUR\nTI  - x\n\nTY  - BOOK\nER  - \n",
            4,
        ),
        ("references.json", "[{\"id\": \"a\", \"title\": [1, 2]}]", 1),
    ] {
        let scratch = Scratch::new("cite-broken");
        review_with(&scratch, &[(name, text)], &[]);
        let run = revmark(&scratch.0, &["check"]);
        assert_ne!(run.code, 0, "{name}: {text}");
        assert!(
            run.stderr
                .contains(&format!("reviews/diuretics-pregnancy/{name}:{line}:")),
            "{name}: {}",
            run.stderr
        );
    }
}

// Citations print the study's id or the reference's label in parentheses (in brackets) or
// alone (in the running text), each linked to its entry, in review.md and index.html.
#[test]
fn citations_are_rendered_and_linked() {
    let scratch = Scratch::new("cite-render");
    let other = r#"[{"id": "jones2010", "type": "book", "author": [{"family": "Jones", "given": "Kate"}], "title": "Pregnancy", "issued": {"date-parts": [[2010]]}}]"#;
    review_with(
        &scratch,
        &[("references.bib", BIB), ("references.json", other)],
        &[
            (
                "review.yaml",
                BACKGROUND,
                "on the belief [@jones2010; @Kraus 1966; @smith2004] that reducing oedema",
            ),
            (
                "review.yaml",
                DISCUSSION,
                "which diuretics lower directly, as @{Kraus 1966} and @jones2010 saw.",
            ),
            (
                "studies.yaml",
                "  - id: Kraus 1966\n",
                "  - id: Kraus 1966\n    references: [smith2004]\n",
            ),
        ],
    );
    build(&scratch);
    let md = read(&scratch, "diuretics-pregnancy/review.md");
    // smith2004 is a report of Kraus 1966: cited together, they read as one study.
    assert!(
        md.contains(
            "on the belief ([Jones 2010](#ref-jones-2010); [Kraus 1966](#ref-kraus-1966)) that"
        ),
        "{md}"
    );
    assert!(
        md.contains("as [Kraus 1966](#ref-kraus-1966) and [Jones 2010](#ref-jones-2010) saw."),
        "{md}"
    );
    assert!(md.contains("#### Kraus 1966 { #ref-kraus-1966 }"), "{md}");
    assert!(md.contains("#### Jones 2010 { #ref-jones-2010 }"), "{md}");
    let page = read(&scratch, "diuretics-pregnancy/index.html");
    for anchor in ["ref-jones-2010", "ref-kraus-1966"] {
        assert!(page.contains(&format!("id=\"{anchor}\"")), "{anchor}");
        assert!(
            page.contains(&format!("<a href=\"#{anchor}\">")),
            "{anchor}"
        );
    }
    // The label follows the data.
    edit(
        &scratch.path("reviews/diuretics-pregnancy/references.json"),
        "\"family\": \"Jones\"",
        "\"family\": \"Brown\"",
    );
    build(&scratch);
    let md = read(&scratch, "diuretics-pregnancy/review.md");
    assert!(md.contains("[Brown 2010](#ref-brown-2010)"), "{md}");
}

// Printed values are escaped, so a function's output never reads as a citation: only what the
// authors wrote is cited.
#[test]
fn printed_values_are_never_citations() {
    let scratch = Scratch::new("cite-values");
    review_with(
        &scratch,
        &[("references.bib", BIB)],
        &[(
            "review.yaml",
            BACKGROUND,
            "on the belief {{ \"[@smith2004]\" }} [@smith2004] that reducing oedema",
        )],
    );
    build(&scratch);
    let md = read(&scratch, "diuretics-pregnancy/review.md");
    assert!(
        md.contains("on the belief \\[\\@smith2004\\] ([Smith 2004](#ref-smith-2004)) that"),
        "{md}"
    );
}

// References to studies come first, list by list in Cochrane's order, each study's primary
// report first and marked; then the additional references, alphabetically.
#[test]
fn reference_lists_follow_cochranes_order() {
    let scratch = Scratch::new("cite-order");
    let json = r#"[
{"id": "zeta", "type": "book", "author": [{"family": "Zeta"}], "title": "Z", "issued": {"date-parts": [[2001]]}},
{"id": "alpha", "type": "book", "author": [{"family": "Alpha"}], "title": "A", "issued": {"date-parts": [[2001]]}},
{"id": "k1", "type": "book", "author": [{"family": "Kraus"}], "title": "Kraus one", "issued": {"date-parts": [[1966]]}},
{"id": "k2", "type": "book", "author": [{"family": "Kraus"}], "title": "Kraus two", "issued": {"date-parts": [[1967]]}},
{"id": "x1", "type": "book", "author": [{"family": "Ex"}], "title": "Excluded one", "issued": {"date-parts": [[1970]]}},
{"id": "o1", "type": "book", "author": [{"family": "On"}], "title": "Ongoing one", "issued": {"date-parts": [[2020]]}},
{"id": "w1", "type": "book", "author": [{"family": "Wait"}], "title": "Awaiting one", "issued": {"date-parts": [[2019]]}}
]"#;
    review_with(
        &scratch,
        &[("references.json", json)],
        &[
            (
                "review.yaml",
                BACKGROUND,
                "on the belief [@zeta; @alpha] that reducing oedema",
            ),
            (
                "studies.yaml",
                "  - id: Kraus 1966\n",
                "  - id: Kraus 1966\n    references: [k1, k2]\n    primary_reference: k2\n",
            ),
            (
                "studies.yaml",
                "excluded: []",
                "excluded:\n  - id: Ex 1970\n    reason: Not randomised.\n    references: [x1]\nongoing:\n  - id: On 2020\n    references: [o1]\nawaiting_classification:\n  - id: Wait 2019\n    references: w1\n",
            ),
        ],
    );
    build(&scratch);
    let references = references_md(&scratch);
    let order = [
        "### References to studies included in this review",
        "#### Kraus 1966",
        "\\* Kraus. Kraus two",
        "Kraus. Kraus one",
        "### References to studies excluded from this review",
        "#### Ex 1970",
        "### References to studies awaiting assessment",
        "#### Wait 2019",
        "### References to ongoing studies",
        "#### On 2020",
        "### Additional references",
        "#### Alpha 2001",
        "#### Zeta 2001",
        "\\* Indicates the major publication for the study",
    ];
    let mut from = 0;
    for heading in order {
        let at = references[from..]
            .find(heading)
            .unwrap_or_else(|| panic!("`{heading}` missing or out of order:\n{references}"));
        from += at + heading.len();
    }
    // A study without reports is not listed.
    assert!(!references.contains("#### Menzies 1964"), "{references}");
}

// Every value of a reference file is text in review.md and index.html, whatever it holds.
#[test]
fn hostile_references_are_escaped() {
    let scratch = Scratch::new("cite-hostile");
    let json = r#"[{"id": "kraus", "type": "book", "title": "Kraus's report", "issued": {"date-parts": [[1966]]}},
{"id": "evil", "type": "article-journal", "citation-label": "<img src=x onerror=alert(1)> 2001", "title": "<script>alert(2)</script> *bold* [x](javascript:alert(3)) | {{ 7 * 7 }}", "author": [{"family": "O'Brien <b>", "given": "A"}], "container-title": "J & <Hack>", "issued": {"date-parts": [[2001]]}, "DOI": "10.1/<i>x</i>"}]"#;
    review_with(
        &scratch,
        &[("references.json", json)],
        &[
            (
                "review.yaml",
                BACKGROUND,
                "on the belief [@evil] that reducing oedema",
            ),
            (
                "studies.yaml",
                "id: Kraus 1966",
                "id: \"Kraus & <Jones> 1966\"\n    references: [kraus]",
            ),
            (
                "review.yaml",
                DISCUSSION,
                "which diuretics lower directly [@Kraus & <Jones> 1966].",
            ),
        ],
    );
    let analyses = scratch.path("reviews/diuretics-pregnancy");
    for csv in std::fs::read_dir(analyses.join("data")).unwrap() {
        let path = csv.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            text.replace("Kraus 1966", "\"Kraus & <Jones> 1966\""),
        )
        .unwrap();
    }
    build(&scratch);
    let md = read(&scratch, "diuretics-pregnancy/review.md");
    assert!(
        md.contains("&lt;script\\>alert(2)&lt;/script\\> \\*bold\\* \\[x\\](javascript:alert(3)) \\| \\{\\{ 7 \\* 7 \\}\\}"),
        "{md}"
    );
    assert!(
        md.contains(
            "[&lt;img src=x onerror=alert(1)\\> 2001](#ref-img-src-x-onerror-alert-1-2001)"
        ),
        "{md}"
    );
    assert!(
        md.contains("[Kraus & &lt;Jones\\> 1966](#ref-kraus-jones-1966)"),
        "{md}"
    );
    let page = read(&scratch, "diuretics-pregnancy/index.html");
    assert!(!page.contains("<script>alert"), "a script reached the page");
    assert!(
        !page.contains("<img src=x"),
        "an image tag reached the page"
    );
    assert!(
        !page.contains("<b>"),
        "a bold tag from data reached the page"
    );
    assert!(!page.to_lowercase().contains("href=\"javascript:"));
    assert!(page.contains("&lt;script&gt;alert(2)&lt;/script&gt;"));
    assert!(page.contains("{{ 7 * 7 }}") && !page.contains(" 49"));
}
