//! A corpus of injection strings pushed through every field of a review that reaches output:
//! no executable markup in any HTML, SVG or (rendered) Markdown output, no template evaluation
//! of data, no broken tables.

use crate::common::*;
use crate::hostile_support::*;

/// Everything a hostile data field tries at once. `{{ 1234 * 1000 }}` and the `{% if false %}`
/// block would change the text if data were ever evaluated as a template.
const DATA: &str = concat!(
    "DSTART <script>alert(1)</script> <img src=x onerror=alert(2)> <svg onload=alert(3)> </text>",
    " <a href=\"javascript:alert(4)\">a</a> [md](javascript:alert(5)) ![i](javascript:alert(6))",
    " [e](javascript&#58;alert(9)) <javascript:alert(10)> \" onmouseover=\"alert(8) ' x='",
    " {{ 1234 * 1000 }} {% if false %}HIDDEN{% endif %} {# c #} {%raw%} a | b || c",
    "\n# heading\n\n* item\n1. one\r\n> quote\n``` code &amp; &#60;b&#62; ]] >> \u{e9}\u{202e}x",
);

/// The same attacks for prose fields, less template syntax: prose is the authors' literate
/// template by design (see SECURITY.md), so only its HTML is hostile here.
const PROSE: &str = concat!(
    "<script>alert(1)</script> <img src=x onerror=alert(2)> <svg onload=alert(3)> </text>",
    " <a href=\"javascript:alert(4)\">a</a> [md](javascript:alert(5)) ![i](javascript:alert(6))",
    " [e](javascript&#58;alert(9)) <javascript:alert(10)> <b onclick=alert(11)>b</b>",
    " <!-- c --> | pipe | <iframe src=x></iframe> <style>*{}</style>",
    " <img src=\"x.png\"/onerror=alert(12)> \\<img src=x onerror=alert(13)>",
    " ![p](https://tracker.example/p.png) [f](file:///etc/passwd) ![r](/etc/passwd)",
    " <file:///etc/passwd> [n](//evil.example/x) </div></div>",
    " <span id=\"revmark-error\">e</span> <a href=\"#x\">open [rl][j] [e](javascript:alert(15) \"t\")",
    "\n\n[j]: javascript:alert(14)\n",
    // A code block is code only as a block: in a study's table cell it is one line of text.
    "\n```\n<script>alert(16)</script>\n```\n\n```<img src=x onerror=alert(17)>\nx\n```\n",
);

/// A field's payload: a marker naming the field, then the attacks.
fn data(field: &str) -> String {
    q(&format!("Q{field}Q {DATA}"))
}

fn prose(field: &str) -> String {
    q(&format!("P{field}P {PROSE}"))
}

/// The fields whose marker must show in review.md (and so in the page): every data field that
/// reaches the full review.
const REVIEW_MD_FIELDS: &[&str] = &[
    "title",
    "author",
    "studyid",
    "country",
    "country2",
    "setting",
    "excluded",
    "exreason",
    "ongoing",
    "awaiting",
    "cmpname",
    "ocname",
    "csvstudy",
    "sgname",
    "searchsource",
    "searchother",
];

/// Writes a review folder whose every free-text field carries the corpus.
fn hostile_review(dir: &std::path::Path, raw_html: bool) {
    std::fs::create_dir_all(dir.join("data")).unwrap();
    let study = format!("QstudyidQ {DATA}");
    let csv_study = format!("QcsvstudyQ {DATA}");
    let review = format!(
        r"title: {title}
authors: [{author}, {author2}]
date: 2020-01-02
participants_noun: {noun}
population: {population}
raw_html: {raw_html}
plain_language_summary: {pls}
background: {background}
objectives: {objectives}
search:
  date: 2020-01-01
  sources: [{source}]
  other: [{other}]
  flow:
    identified: 10
    duplicates_removed: 1
    screened: 9
    excluded_screening: 4
    full_text: 5
    excluded_full_text: {{{flowreason}: 2}}
    included: 3
selection_criteria: {selection}
data_collection: {collection}
outcomes:
  - id: death
    name: {oname}
    detail: {odetail}
    priority: primary
    group: {ogroup}
  - id: pain
    name: {oname2}
    priority: secondary
comparisons:
  - id: a-vs-b
    name: {pname}
    experimental: {pexp}
    control: {pctl}
discussion: {discussion}
conclusions:
  practice: {practice}
  research: {research}
",
        title = data("title"),
        author = data("author"),
        author2 = data("author2"),
        noun = data("noun"),
        population = data("population"),
        pls = prose("pls"),
        background = prose("background"),
        objectives = prose("objectives"),
        source = data("searchsource"),
        other = data("searchother"),
        flowreason = data("flowreason"),
        selection = prose("selection"),
        collection = prose("collection"),
        oname = data("oname"),
        odetail = data("odetail"),
        ogroup = data("ogroup"),
        oname2 = data("oname2"),
        pname = data("pname"),
        pexp = data("pexp"),
        pctl = data("pctl"),
        discussion = prose("discussion"),
        practice = prose("practice"),
        research = prose("research"),
    );
    std::fs::write(dir.join("review.yaml"), review).unwrap();
    let rob = |d: &str| format!("      {d}: {{judgement: high, support: {}}}\n", prose(d));
    let studies = format!(
        r"risk_of_bias_tool: rob1
included:
  - id: {study}
    country: [{country}, {country2}]
    participants: 120
    participants_label: {plabel}
    setting: {setting}
    comparison: a-vs-b
    methods: {methods}
    interventions: {interventions}
    notes: {notes}
    outcomes_reported:
      - outcome: pain
        narrative: {narrative}
    risk_of_bias:
{rob}  - id: {csv_study}
    country: {country3}
    participants: 80
excluded:
  - {{id: {excluded}, reason: {exreason}}}
ongoing:
  - {{id: {ongoing}, description: {ongoingdesc}}}
awaiting_classification:
  - {{id: {awaiting}, description: {awaitingdesc}}}
",
        study = q(&study),
        csv_study = q(&csv_study),
        country = data("country"),
        country2 = data("country2"),
        country3 = data("country3"),
        plabel = data("plabel"),
        setting = data("setting"),
        methods = prose("methods"),
        interventions = prose("interventions"),
        notes = prose("notes"),
        narrative = prose("narrative"),
        rob = [
            "sequence_generation",
            "allocation_concealment",
            "other_bias"
        ]
        .map(rob)
        .concat(),
        excluded = data("excluded"),
        exreason = data("exreason"),
        ongoing = data("ongoing"),
        ongoingdesc = prose("ongoingdesc"),
        awaiting = data("awaiting"),
        awaitingdesc = prose("awaitingdesc"),
    );
    std::fs::write(dir.join("studies.yaml"), studies).unwrap();
    let analyses = format!(
        r"comparisons:
  - id: a-vs-b
    name: {cmpname}
    experimental: {cmpexp}
    control: {cmpctl}
    outcomes:
      - outcome: death
        name: {ocname}
        type: dichotomous
        measure: RR
        model: random
        certainty: {{level: low, reasons: [{reason}], grade_acknowledged: {ack}}}
        subgroups:
          - name: {sgname}
            studies:
              - {{study: {study}, e_events: 3, e_total: 60, c_events: 9, c_total: 60}}
          - name: {sgname2}
            data: data/death.csv
      - outcome: pain
        type: generic
        measure: {measure}
        scale: difference
        studies:
          - {{study: {study}, estimate: -0.5, se: 0.2}}
          - {{study: {csv_study}, estimate: -0.1, se: 0.3}}
",
        cmpname = data("cmpname"),
        cmpexp = data("cmpexp"),
        cmpctl = data("cmpctl"),
        ocname = data("ocname"),
        reason = data("reason"),
        ack = data("ack"),
        sgname = data("sgname"),
        sgname2 = data("sgname2"),
        measure = data("measure"),
        study = q(&study),
        csv_study = q(&csv_study),
    );
    std::fs::write(dir.join("analyses.yaml"), analyses).unwrap();
    std::fs::write(
        dir.join("data/death.csv"),
        format!(
            "study,e_events,e_total,c_events,c_total\r\n{},2,40,5,40\r\n",
            csv_cell(&csv_study)
        ),
    )
    .unwrap();
}

/// Checks every output file of a build; returns the problems found.
fn audit(out: &std::path::Path) -> Vec<String> {
    let mut problems = Vec::new();
    let all = files(out);
    assert!(!all.is_empty(), "nothing was built");
    for path in &all {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.strip_prefix(out).unwrap().display().to_string();
        let mut found = Vec::new();
        match path.extension().and_then(|e| e.to_str()) {
            Some("html") => {
                found.extend(executable_markup(&text));
                found.extend(broken_html_tables(&text));
                found.extend(html_problems(&text));
                let reserved = tags(&text).unwrap_or_default().into_iter().any(|t| {
                    t.attributes
                        .iter()
                        .any(|(k, v)| k == "id" && v.starts_with("revmark-"))
                });
                if reserved {
                    found.push("an element with an id in revmark's own namespace".into());
                }
            }
            Some("svg") => {
                found.extend(executable_markup(&text));
                found.extend(svg_balance(&text));
            }
            Some("md") => {
                found.extend(executable_markup(&permissive_html(&text)));
                found.extend(broken_tables(&text));
                // Markdown is often fed to a site generator's template engine (Jekyll, Hugo):
                // template syntax from data must reach it escaped.
                for syntax in ["{{", "{%", "{#"] {
                    let unescaped = text
                        .match_indices(syntax)
                        .any(|(at, _)| !text[..at].ends_with('\\'));
                    if unescaped {
                        found.push(format!("unescaped `{syntax}` in Markdown"));
                    }
                }
            }
            _ => {}
        }
        if text.contains("1234000") {
            found.push("template syntax in data was evaluated ({{ 1234 * 1000 }})".into());
        }
        // Every data field printed in full still holds its `{% if false %}HIDDEN{% endif %}`:
        // a template engine evaluating it would have removed the block. (Figures may shorten
        // labels, so they are left out of this count.)
        if !name.ends_with(".svg") {
            let markers = text.matches("DSTART").count();
            let kept = text.matches("HIDDEN").count();
            if kept != markers {
                found.push(format!(
                    "{markers} data fields printed but {kept} `{{% if false %}}` blocks kept"
                ));
            }
        }
        problems.extend(found.into_iter().map(|p| format!("{name}: {p}")));
    }
    problems
}

// Every field of a hostile review is escaped in every output file: no executable markup, no
// template evaluation, no broken tables; each data field still shows as text.
#[test]
fn hostile_review_is_escaped_everywhere() {
    let scratch = Scratch::new("corpus");
    let _keep = std::env::var("KEEP")
        .ok()
        .map(|_| eprintln!("{}", scratch.0.display()));
    hostile_review(&scratch.path("reviews/hostile"), false);
    build(&scratch);
    let problems = audit(&scratch.path("output"));
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    let md = read(&scratch, "hostile/review.md");
    let page = read(&scratch, "hostile/index.html");
    let missing: Vec<&&str> = REVIEW_MD_FIELDS
        .iter()
        .filter(|f| !md.contains(&format!("Q{f}Q")) || !page.contains(&format!("Q{f}Q")))
        .collect();
    assert!(missing.is_empty(), "fields not shown: {missing:?}");
    // The attacks show as text, not vanish.
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.contains("{{ 1234 * 1000 }}"), "data shown as written");
    assert!(
        page.contains("&amp;#60;b&amp;#62;"),
        "character references in data shown as written"
    );
    assert!(page.contains("PbackgroundP"), "prose shown");
    let index = read(&scratch, "index.html");
    assert!(index.contains("QtitleQ"), "the index lists the title");
    let json: serde_json::Value =
        serde_json::from_str(&read(&scratch, "hostile/results.json")).unwrap();
    assert!(
        json.to_string().contains("Qcsvstudy"),
        "results.json keeps the CSV study name"
    );
}

// With `raw_html: true` the authors' harmless tags are kept, but scripts, handlers and
// javascript: URLs still are not, in the page as in review.md, and data stay text.
#[test]
fn raw_html_opt_in_is_sanitised() {
    let scratch = Scratch::new("rawhtml");
    let dir = scratch.path("reviews/hostile");
    hostile_review(&dir, true);
    edit(
        &dir.join("review.yaml"),
        "objectives: \"",
        "objectives: \"H<sub>2</sub>O <td align=right>x</td> ",
    );
    build(&scratch);
    let problems = audit(&scratch.path("output"));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let page = read(&scratch, "hostile/index.html");
    assert!(page.contains("H<sub>2</sub>O"), "an allowed tag is kept");
    assert!(
        page.contains("<b>b</b>"),
        "a tag keeps none of its handlers"
    );
    let md = read(&scratch, "hostile/review.md");
    assert!(md.contains("H<sub>2</sub>O"), "review.md keeps it too");
    assert!(
        md.contains("<b>b</b>") && !md.contains("onclick=alert(11)"),
        "review.md has the same policy"
    );
}

// The example reviews reach no network: no http(s) or protocol-relative URL in any src or
// href of any output file.
#[test]
fn examples_make_no_network_requests() {
    let scratch = Scratch::new("network");
    example(&scratch, "mmn-lactation");
    example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let problems = audit(&scratch.path("output"));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// The checker of the page's HTML finds what it is there for (so that its silence means
// something): a stray end tag, an element left open, a parse error.
#[test]
fn the_html_checker_finds_unbalanced_markup() {
    assert!(html_problems("<p>a <b>b</b><br /><img src=\"x\"></p>").is_empty());
    assert!(!html_problems("<div>a</div></div>").is_empty());
    assert!(!html_problems("<p><a href=\"#x\">open</p>").is_empty());
    assert!(!html_problems("<p a=1 a=2>x</p>").is_empty());
}

/// Markdown renderers of other dialects installed here, each a command that reads Markdown
/// on stdin and writes HTML: pandoc's Markdown and Python-Markdown (plain, and with the
/// "extra" extensions that MkDocs-like sites use).
fn other_dialects() -> Vec<(&'static str, Vec<&'static str>)> {
    let candidates: [(&str, Vec<&str>); 3] = [
        ("pandoc", vec!["pandoc", "-f", "markdown", "-t", "html"]),
        ("Python-Markdown", vec!["python3", "-m", "markdown"]),
        (
            "Python-Markdown extra",
            vec!["python3", "-m", "markdown", "-x", "extra"],
        ),
    ];
    candidates
        .into_iter()
        .filter(|(name, command)| {
            let ok = render_with(command, "*x*").is_some_and(|html| html.contains("<em>x</em>"));
            if !ok {
                eprintln!("note: {name} is not installed here; review.md is not checked with it");
            }
            ok
        })
        .collect()
}

/// `markdown` rendered by `command`, or None if it cannot run.
fn render_with(command: &[&str], markdown: &str) -> Option<String> {
    use std::io::Write;
    let mut child = std::process::Command::new(command[0])
        .args(&command[1..])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(markdown.as_bytes())
        .ok()?;
    let out = child.wait_with_output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

// review.md and abstract.md are safe in other Markdown dialects too, not only in CommonMark:
// rendered by pandoc and by Python-Markdown (each where installed; skipped with a note
// otherwise), the hostile review's Markdown holds no executable or network-reaching markup,
// with raw HTML shown as text and with it sanitised.
#[test]
fn markdown_output_is_safe_in_other_dialects() {
    let dialects = other_dialects();
    if dialects.is_empty() {
        eprintln!("skipped: neither pandoc nor Python-Markdown is installed");
        return;
    }
    for raw_html in [false, true] {
        let scratch = Scratch::new("dialects");
        hostile_review(&scratch.path("reviews/hostile"), raw_html);
        build(&scratch);
        let mut problems = Vec::new();
        for file in ["review.md", "abstract.md"] {
            let markdown = read(&scratch, &format!("hostile/{file}"));
            for (name, command) in &dialects {
                let html = render_with(command, &markdown).expect("it ran before");
                problems.extend(
                    executable_markup(&html)
                        .into_iter()
                        // Pandoc gives its tables column widths.
                        .filter(|p| !matches!(p.as_str(), "a <col> tag" | "a <colgroup> tag"))
                        .map(|p| format!("{file} by {name} (raw_html: {raw_html}): {p}")),
                );
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
