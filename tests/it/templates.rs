//! Templates users own: the documented context, per-review overrides, ejected defaults, and
//! errors that name the template file and line.

use crate::common::*;

/// Every field path in a JSON value: `sections.sof[].rows[].outcome`.
fn paths(value: &serde_json::Value, prefix: &str, out: &mut std::collections::BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                out.insert(path.clone());
                paths(v, &path, out);
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                paths(item, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

// docs/templates.md names every field of the context the templates see (both examples).
#[test]
fn docs_name_every_context_field() {
    let doc = std::fs::read_to_string(root().join("docs/templates.md")).unwrap();
    let mut all = std::collections::BTreeSet::new();
    for slug in ["mmn-lactation", "diuretics-pregnancy"] {
        let loaded = revmark::load::load_review(&root().join("reviews").join(slug)).unwrap();
        let results = std::sync::Arc::new(revmark::results::analyse(&loaded.review));
        let figures = revmark::plot::figures(&loaded.review, &results);
        let context = revmark::report::context_json(&loaded.review, results, &figures).unwrap();
        paths(&context, "", &mut all);
    }
    // Prose fields are a map keyed by field name; the doc lists them separately.
    let missing: Vec<&String> = all
        .iter()
        .filter(|p| !p.starts_with("prose."))
        .filter(|p| !doc.contains(&format!("`{p}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/templates.md does not document: {missing:#?}"
    );
}

// A review's own template changes that review only.
#[test]
fn an_override_changes_only_its_review() {
    let scratch = Scratch::new("override");
    example(&scratch, "mmn-lactation");
    let dir = example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let before = output_files(&scratch.path("output"));
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    let builtin = std::fs::read_to_string(root().join("templates/abstract.md.tera")).unwrap();
    std::fs::write(
        dir.join("templates/abstract.md.tera"),
        format!("{builtin}\nLocal note for {{{{ review.slug }}}}.\n"),
    )
    .unwrap();
    build(&scratch);
    let after = output_files(&scratch.path("output"));
    let changed: Vec<String> = before
        .iter()
        .zip(&after)
        .filter(|(a, b)| a != b)
        .map(|(a, _)| a.0.display().to_string())
        .collect();
    // The author view shows the abstract too.
    assert_eq!(
        changed,
        vec![
            "diuretics-pregnancy/abstract.md".to_string(),
            "diuretics-pregnancy/author.html".to_string()
        ]
    );
    assert!(
        read(&scratch, "diuretics-pregnancy/abstract.md")
            .ends_with("Local note for diuretics-pregnancy.\n")
    );
}

// The author view shows none of the review: the page's body fields are empty in its context,
// the rest of the page's context is there.
#[test]
fn the_author_view_sees_the_page_context_without_its_body() {
    let scratch = Scratch::new("author-override");
    let dir = example(&scratch, "diuretics-pregnancy");
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("templates/author.html.tera"),
        "[{{ front }}|{{ content }}|{{ body }}|{{ contents }}] {{ review.title }}: {{ author.links | length }} links\n",
    )
    .unwrap();
    build(&scratch);
    let author = read(&scratch, "diuretics-pregnancy/author.html");
    assert!(
        author.starts_with("[|||] Diuretics") && author.ends_with(": 1 links\n"),
        "{author}"
    );
    // The page itself still has its contents and body.
    let page = read(&scratch, "diuretics-pregnancy/index.html");
    assert!(page.contains("<nav") && page.contains("<h2"), "{page}");
}

// Ejected templates, used unchanged as a review's overrides, give byte-identical output.
#[test]
fn ejected_templates_reproduce_the_output() {
    let scratch = Scratch::new("eject");
    let dir = example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let before = output_files(&scratch.path("output"));
    let run = revmark(
        &scratch.0,
        &[
            "templates",
            "--eject",
            "reviews/diuretics-pregnancy/templates",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(dir.join("templates/review.md.tera").is_file());
    build(&scratch);
    // The author view lists the review's warnings, which now include the ejected
    // index.html.tera that a review's folder does not use; every other file is the same.
    let without_author_view = |files: Vec<(std::path::PathBuf, Vec<u8>)>| {
        files
            .into_iter()
            .filter(|(p, _)| !p.ends_with("author.html"))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        without_author_view(before),
        without_author_view(output_files(&scratch.path("output")))
    );
    assert!(read(&scratch, "diuretics-pregnancy/author.html").contains("index.html.tera"));
    // A second eject does not overwrite the author's files.
    let again = revmark(
        &scratch.0,
        &[
            "templates",
            "--eject",
            "reviews/diuretics-pregnancy/templates",
        ],
    );
    assert_eq!(again.code, 2, "a refused target is a usage error");
    assert!(again.stderr.contains("not overwriting"), "{}", again.stderr);
}

// A broken template is reported with its file, line and column.
#[test]
fn template_errors_name_file_and_line() {
    let scratch = Scratch::new("broken");
    let dir = example(&scratch, "mmn-lactation");
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("templates/review.md.tera"),
        "# {{ review.title }}\n\n{{ review.no_such_field }}\n",
    )
    .unwrap();
    let run = revmark(&scratch.0, &["build"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("reviews/mmn-lactation/templates/review.md.tera:3:11: error: template: Field `no_such_field` is not defined"), "{}", run.stderr);
}

// A prose field that calls an unknown outcome is reported at the field in review.yaml.
#[test]
fn prose_errors_name_the_field() {
    let scratch = Scratch::new("prose-error");
    let dir = example(&scratch, "diuretics-pregnancy");
    edit(
        &dir.join("review.yaml"),
        "effect(outcome=\"pre-eclampsia\")",
        "effect(outcome=\"pre-eclampsa\")",
    );
    let run = revmark(&scratch.0, &["build"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("reviews/diuretics-pregnancy/review.yaml:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("prose field `discussion`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("no analysed outcome `pre-eclampsa`"),
        "{}",
        run.stderr
    );
}

// changes.md comes from a template like every other page: a review's own copy replaces it.
#[test]
fn changes_md_is_written_from_its_template() {
    let scratch = Scratch::new("changes-template");
    let dir = example(&scratch, "mmn-lactation");
    build(&scratch);
    let builtin = std::fs::read_to_string(root().join("templates/changes.md.tera")).unwrap();
    assert_eq!(
        read(&scratch, "mmn-lactation/changes.md"),
        "# What's new: mmn-lactation\n\nNo earlier results to compare with: these results are those of the first build.\n"
    );
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("templates/changes.md.tera"),
        builtin.replace("# What's new:", "# Changes in"),
    )
    .unwrap();
    build(&scratch);
    assert!(
        read(&scratch, "mmn-lactation/changes.md").starts_with("# Changes in mmn-lactation\n"),
        "{}",
        read(&scratch, "mmn-lactation/changes.md")
    );
}

/// The output files that differ between two trees of the same files.
fn changed_files(
    before: &[(std::path::PathBuf, Vec<u8>)],
    after: &[(std::path::PathBuf, Vec<u8>)],
) -> Vec<String> {
    assert_eq!(before.len(), after.len());
    before
        .iter()
        .zip(after)
        .filter(|(a, b)| a != b)
        .map(|(a, _)| a.0.display().to_string())
        .collect()
}

/// `text` without the section that starts at the line `heading`: up to the next heading of the
/// same or a higher level.
fn without_section(text: &str, heading: &str) -> String {
    let level = heading.split(' ').next().unwrap();
    let start = text
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("no `{heading}` in {text}"))
        + 1;
    let rest = &text[start + heading.len()..];
    let end = rest
        .match_indices("\n#")
        .map(|(i, _)| i + 1)
        .find(|&i| {
            let marks = rest[i..].chars().take_while(|&c| c == '#').count();
            marks <= level.len()
        })
        .map_or(text.len(), |i| start + heading.len() + i);
    format!("{}{}", &text[..start], &text[end..])
}

// A review's review.md.tera that extends the built-in one and redefines one block changes
// that section and nothing else.
#[test]
fn one_block_of_an_override_changes_one_section() {
    let scratch = Scratch::new("block-override");
    let dir = example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let before = output_files(&scratch.path("output"));
    let review_before = read(&scratch, "diuretics-pregnancy/review.md");
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("templates/review.md.tera"),
        "{% extends \"builtin/review.md\" %}\n\
         {% block discussion -%}\n## Discussion\n\nOur own discussion of {{ review.title }}.\n\n{% endblock discussion %}\n",
    )
    .unwrap();
    build(&scratch);
    let after = output_files(&scratch.path("output"));
    assert_eq!(
        changed_files(&before, &after),
        [
            "diuretics-pregnancy/index.html",
            "diuretics-pregnancy/review.md"
        ]
    );
    let review_after = read(&scratch, "diuretics-pregnancy/review.md");
    assert_eq!(
        without_section(&review_after, "## Discussion"),
        without_section(&review_before, "## Discussion")
    );
    assert!(
        review_after.contains(
            "\n## Discussion\n\nOur own discussion of Diuretics for preventing pre-eclampsia and its complications in pregnancy.\n\n## Authors' conclusions\n"
        ),
        "{review_after}"
    );
}

// An abstract_body.md.tera that extends the built-in one changes one section of the abstract,
// in abstract.md and in review.md alike.
#[test]
fn one_block_of_the_abstract_changes_in_both_places() {
    let scratch = Scratch::new("abstract-block");
    let dir = example(&scratch, "mmn-lactation");
    build(&scratch);
    let abstract_before = read(&scratch, "mmn-lactation/abstract.md");
    let review_before = read(&scratch, "mmn-lactation/review.md");
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("templates/abstract_body.md.tera"),
        "{% extends \"builtin/abstract_body.md\" %}\n\
         {% block abstract_objectives -%}\n{{ h | safe }} Objectives\n\nOur objectives.\n\n{% endblock abstract_objectives %}\n",
    )
    .unwrap();
    build(&scratch);
    let abstract_after = read(&scratch, "mmn-lactation/abstract.md");
    let review_after = read(&scratch, "mmn-lactation/review.md");
    assert!(abstract_after.contains("\n## Objectives\n\nOur objectives.\n\n## Search methods\n"));
    assert!(review_after.contains("\n### Objectives\n\nOur objectives.\n\n### Search methods\n"));
    assert_eq!(
        without_section(&abstract_after, "## Objectives"),
        without_section(&abstract_before, "## Objectives")
    );
    assert_eq!(
        without_section(&review_after, "### Objectives"),
        without_section(&review_before, "### Objectives")
    );
}

// A block that the extended template does not have, and an override that extends itself, are
// errors at the override's line, with what to extend instead.
#[test]
fn block_and_extends_errors_name_the_override() {
    let scratch = Scratch::new("block-errors");
    let dir = example(&scratch, "mmn-lactation");
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    let override_file = dir.join("templates/review.md.tera");
    std::fs::write(
        &override_file,
        "{% extends \"builtin/review.md\" %}\n{% block discusion %}x{% endblock %}\n",
    )
    .unwrap();
    let run = revmark(&scratch.0, &["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("reviews/mmn-lactation/templates/review.md.tera:2:10: error: template: Block `discusion` is not defined in any parent template"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("help: did you mean `discussion`?"),
        "{}",
        run.stderr
    );
    std::fs::write(&override_file, "{% extends \"review.md\" %}\n").unwrap();
    let run = revmark(&scratch.0, &["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(
            "reviews/mmn-lactation/templates/review.md.tera: error: template: Circular extend"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "help: an override extends the built-in template, `{% extends \"builtin/review.md\" %}`"
        ),
        "{}",
        run.stderr
    );
}

// The site's templates folder (--templates DIR) changes every review and the list of reviews;
// a review's own template wins over the site's and may extend it.
#[test]
fn site_templates_change_every_review_and_the_index() {
    let scratch = Scratch::new("site-templates");
    example(&scratch, "mmn-lactation");
    let dir = example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let before = output_files(&scratch.path("output"));
    let site = scratch.path("house-style");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(
        site.join("index.html.tera"),
        "{% extends \"builtin/index.html\" %}{% block title %}Our library{% endblock title %}",
    )
    .unwrap();
    std::fs::write(
        site.join("page.html.tera"),
        "{% extends \"builtin/page.html\" %}{% block title %}{{ review.title }} | Our library{% endblock title %}",
    )
    .unwrap();
    let run = revmark(&scratch.0, &["build", "--templates", "house-style"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let after = output_files(&scratch.path("output"));
    assert_eq!(
        changed_files(&before, &after),
        [
            "diuretics-pregnancy/index.html",
            "index.html",
            "mmn-lactation/index.html"
        ]
    );
    assert!(read(&scratch, "index.html").contains("<title>Our library</title>"));
    for slug in ["mmn-lactation", "diuretics-pregnancy"] {
        let page = read(&scratch, &format!("{slug}/index.html"));
        assert!(page.contains(" | Our library</title>"), "{slug}");
    }
    // The review's own page template extends the site's.
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("templates/page.html.tera"),
        "{% extends \"site/page.html\" %}{% block footer %}<footer>Diuretics team</footer>{% endblock footer %}",
    )
    .unwrap();
    let run = revmark(&scratch.0, &["build", "--templates", "house-style"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let own = read(&scratch, "diuretics-pregnancy/index.html");
    assert!(
        own.contains(" | Our library</title>") && own.contains("<footer>Diuretics team</footer>")
    );
    assert!(!read(&scratch, "mmn-lactation/index.html").contains("Diuretics team"));
    // Without --templates, templates/ in the current folder is the site's.
    std::fs::rename(&site, scratch.path("templates")).unwrap();
    build(&scratch);
    assert!(read(&scratch, "index.html").contains("<title>Our library</title>"));
}

// A file in the site's templates folder that revmark does not use is a warning naming the
// templates it does use; a misspelt one is an error; a folder that --templates names must exist.
#[test]
fn site_template_folders_report_what_they_do_not_use() {
    let scratch = Scratch::new("site-unused");
    example(&scratch, "mmn-lactation");
    let site = scratch.path("templates");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join("notes.txt"), "mine").unwrap();
    let run = revmark(&scratch.0, &["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("templates/notes.txt: warning: `notes.txt` is not used: templates end in `.tera`; the site's templates are abstract.md.tera, abstract_body.md.tera, review.md.tera, additional_table.md.tera, changes.md.tera, page.html.tera, author.html.tera, evidence_profile.html.tera, index.html.tera"),
        "{}",
        run.stderr
    );
    std::fs::write(site.join("indx.html.tera"), "x").unwrap();
    let run = revmark(&scratch.0, &["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("templates/indx.html.tera: error: `indx.html.tera` overrides no template"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `index.html`?"),
        "{}",
        run.stderr
    );
    assert!(!scratch.path("output").exists());
    let run = revmark(&scratch.0, &["build", "--templates", "no-such-folder"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error: the templates folder no-such-folder does not exist"),
        "{}",
        run.stderr
    );
}

// Ejected templates, used unchanged as the site's templates, give byte-identical output, and
// they are block-structured: an override can extend them block by block.
#[test]
fn ejected_templates_are_a_site_folder_and_have_blocks() {
    let scratch = Scratch::new("eject-site");
    example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let before = output_files(&scratch.path("output"));
    let run = revmark(&scratch.0, &["templates", "--eject", "templates"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let review = std::fs::read_to_string(scratch.path("templates/review.md.tera")).unwrap();
    assert!(review.contains("{% block discussion -%}"), "{review}");
    build(&scratch);
    assert_eq!(before, output_files(&scratch.path("output")));
}
