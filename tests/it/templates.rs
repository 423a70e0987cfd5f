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
    let before = tree(&scratch.path("output"));
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    let builtin = std::fs::read_to_string(root().join("templates/abstract.md.tera")).unwrap();
    std::fs::write(
        dir.join("templates/abstract.md.tera"),
        format!("{builtin}\nLocal note for {{{{ review.slug }}}}.\n"),
    )
    .unwrap();
    build(&scratch);
    let after = tree(&scratch.path("output"));
    let changed: Vec<String> = before
        .iter()
        .zip(&after)
        .filter(|(a, b)| a != b)
        .map(|(a, _)| a.0.display().to_string())
        .collect();
    assert_eq!(changed, vec!["diuretics-pregnancy/abstract.md".to_string()]);
    assert!(
        read(&scratch, "diuretics-pregnancy/abstract.md")
            .ends_with("Local note for diuretics-pregnancy.\n")
    );
}

// Ejected templates, used unchanged as a review's overrides, give byte-identical output.
#[test]
fn ejected_templates_reproduce_the_output() {
    let scratch = Scratch::new("eject");
    let dir = example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let before = tree(&scratch.path("output"));
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
    assert_eq!(before, tree(&scratch.path("output")));
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
