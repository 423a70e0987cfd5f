//! Counts in the review's text as Cochrane writes them: four digits plain ("6942"), five or more
//! with commas between thousands ("13,942"), in the abstract, the Summary of findings, the Data
//! and analyses tables, the page and the site index alike; results.json and results.csv keep
//! plain numbers.

use crate::common::*;

/// The first analysis's participants as results.json gives them.
fn participants(scratch: &Scratch) -> u64 {
    let results: serde_json::Value =
        serde_json::from_str(&read(scratch, "diuretics-pregnancy/results.json")).unwrap();
    results["comparisons"][0]["outcomes"][0]["participants"]
        .as_u64()
        .expect("participants in results.json")
}

/// `n` with a comma before its last three digits, worked out here rather than by revmark
/// (for 1000 <= n < 1,000,000).
fn with_comma(n: u64) -> String {
    format!("{},{:03}", n / 1000, n % 1000)
}

/// The generated texts a reader sees: abstract, review, page and site index.
fn texts(scratch: &Scratch) -> [(&'static str, String); 4] {
    [
        (
            "abstract.md",
            read(scratch, "diuretics-pregnancy/abstract.md"),
        ),
        ("review.md", read(scratch, "diuretics-pregnancy/review.md")),
        (
            "index.html",
            read(scratch, "diuretics-pregnancy/index.html"),
        ),
        ("site index", read(scratch, "index.html")),
    ]
}

// The diuretics example has 6942 women: no comma anywhere. With one trial 7000 women larger,
// the new total is written with a comma wherever the text gives it, and nowhere bare, while
// results.json and results.csv keep it plain.
#[test]
fn counts_from_five_digits_have_commas() {
    let scratch = Scratch::new("counts");
    let dir = example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let small = participants(&scratch);
    assert!((1000..10_000).contains(&small), "{small}");
    for (name, text) in texts(&scratch) {
        assert!(text.contains(&format!("{small} women")), "{name}: {small}");
        assert!(
            !text.contains(&with_comma(small)),
            "{name}: {small} has a comma"
        );
    }
    let review = read(&scratch, "diuretics-pregnancy/review.md");
    assert!(
        review.contains(&format!("| {small} (")),
        "Summary of findings"
    );

    // Cuadros & Tatum 1964 with 7000 more women, in its data and in the study list.
    edit(
        &dir.join("data/pre-eclampsia-oedema.csv"),
        "Cuadros & Tatum 1964,12,1011,35,760",
        "Cuadros & Tatum 1964,12,4511,35,4260",
    );
    edit(
        &dir.join("studies.yaml"),
        "participants: 1771",
        "participants: 8771",
    );
    build(&scratch);
    let large = participants(&scratch);
    assert_eq!(large, small + 7000);
    let comma = with_comma(large);
    for (name, text) in texts(&scratch) {
        assert!(
            text.contains(&format!("{comma} women")),
            "{name}: no {comma}"
        );
        assert!(!text.contains(&large.to_string()), "{name}: {large} bare");
    }
    let review = read(&scratch, "diuretics-pregnancy/review.md");
    // The Summary of findings' participants cell and the Data and analyses row.
    assert!(
        review.contains(&format!("| {comma} (")),
        "Summary of findings"
    );
    assert!(
        review.contains(&format!("| {comma} | Risk Ratio")),
        "Data and analyses"
    );
    let abstract_md = read(&scratch, "diuretics-pregnancy/abstract.md");
    assert!(
        abstract_md.contains(&format!("studies, {comma} women;")),
        "Main results' summary: {abstract_md}"
    );
    // The forest plot's description says it as the text does; its table prints the arm
    // totals as entered (Review Manager's forest plots have no separators).
    let forest = read(&scratch, "diuretics-pregnancy/figures/forest-1.1.svg");
    let (head, table) = forest
        .split_once("</desc>")
        .expect("a described forest plot");
    assert!(
        head.contains(&format!("{comma} participants")),
        "forest description"
    );
    assert!(!has_comma_count(table), "forest table: {table}");

    // results.json gave the total as a number (`participants` above); results.csv gives the
    // study's arm as entered.
    let csv = read(&scratch, "diuretics-pregnancy/results.csv");
    assert!(csv.contains(",4511,") && !csv.contains("4,511"), "{csv}");
}

/// Whether `text` holds a number with a thousands comma ("13,942").
fn has_comma_count(text: &str) -> bool {
    text.as_bytes()
        .windows(5)
        .any(|w| w[0].is_ascii_digit() && w[1] == b',' && w[2..].iter().all(u8::is_ascii_digit))
}

// A study that does not give its participants: the site index counts the others' "at least",
// as the abstract does, rather than a total that reads as complete.
#[test]
fn the_site_index_says_at_least_when_a_study_gives_no_participants() {
    let scratch = Scratch::new("index-at-least");
    let dir = example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let index = read(&scratch, "index.html");
    let listed = |index: &str| -> String {
        let start = index
            .find("href=\"diuretics-pregnancy/index.html\"")
            .expect("the review in the index");
        let meta = &index[start..];
        let meta = &meta[meta.find("<div class=\"meta\">").expect("its line") + 18..];
        meta[..meta.find("</div>").unwrap()].to_string()
    };
    let all = listed(&index);
    let total: i64 = all
        .split(", ")
        .nth(1)
        .and_then(|p| p.strip_suffix(" women"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count of women: {all}"));
    assert!(!all.contains("at least"), "{all}");

    edit(&dir.join("studies.yaml"), "    participants: 267\n", "");
    build(&scratch);
    let some = listed(&read(&scratch, "index.html"));
    let known = format!("at least {} women", total - 267);
    assert!(some.ends_with(&format!(", {known}")), "{some}");
    let abstract_md = read(&scratch, "diuretics-pregnancy/abstract.md");
    assert!(
        abstract_md.contains(&format!("involving {known}")),
        "{abstract_md}"
    );
}
