//! Strings from review files are escaped in Markdown and HTML, and data never run as template
//! code.

use crate::common::*;

const HOSTILE: &str = "<script>alert(1)</script> & {{ 7 * 7 }} *x* [l](javascript:alert(2))";

// A hostile study name, country and setting come out as text in every output file.
#[test]
fn data_are_escaped_and_never_templated() {
    let scratch = Scratch::new("escape");
    let dir = example(&scratch, "mmn-lactation");
    let studies = dir.join("studies.yaml");
    edit(&studies, "id: Brazil trial", &format!("id: '{HOSTILE}'"));
    edit(
        &studies,
        "country: Brazil",
        "country: '<img src=x onerror=alert(3)>'",
    );
    edit(
        &studies,
        "setting: women with a low socioeconomic status\n    comparison: mmn-vs-placebo",
        "setting: '{% raw %}x'\n    comparison: mmn-vs-placebo",
    );
    build(&scratch);
    let page = read(&scratch, "mmn-lactation/index.html");
    assert!(!page.contains("<script"), "a script tag reached the page");
    assert!(
        !page.contains("<img src=x"),
        "the hostile image tag reached the page"
    );
    for figure in std::fs::read_dir(scratch.path("output/mmn-lactation/figures")).unwrap() {
        let svg = std::fs::read_to_string(figure.unwrap().path()).unwrap();
        assert!(
            !svg.contains("<script") && !svg.contains("<img"),
            "markup reached a figure"
        );
    }
    assert!(
        !page.to_lowercase().contains("href=\"javascript:"),
        "a javascript: link reached the page"
    );
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the name is shown as text"
    );
    assert!(
        page.contains("{{ 7 * 7 }}"),
        "template syntax in data is shown as written, not evaluated"
    );
    assert!(
        !page.contains("49"),
        "template syntax in data was evaluated"
    );
    let md = read(&scratch, "mmn-lactation/review.md");
    assert!(md.contains("&lt;script\\>alert(1)&lt;/script\\> & \\{\\{ 7 \\* 7 \\}\\} \\*x\\* \\[l\\](javascript:alert(2))"), "{md}");
}

// Prose is Markdown: the author's emphasis is kept, but raw HTML in it is shown as text.
#[test]
fn prose_keeps_markdown_but_not_raw_html() {
    let scratch = Scratch::new("prose");
    let dir = example(&scratch, "mmn-lactation");
    edit(
        &dir.join("review.yaml"),
        "The objective of this review",
        "<b onclick=x>The</b> *objective* of this review",
    );
    build(&scratch);
    let page = read(&scratch, "mmn-lactation/index.html");
    assert!(page.contains("<em>objective</em>"));
    assert!(page.contains("&lt;b onclick=x&gt;"));
    assert!(!page.contains("<b onclick"));
}
