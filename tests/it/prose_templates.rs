//! The authors' templates: an error in a prose field is located at its place in the YAML file,
//! one in a template override at its place in the override, in revmark's words; a runaway
//! prose template (too much memory, text or time) is an error at its field instead of an abort
//! or a hang.

use crate::common::*;
use std::path::Path;

/// Replaces the start of review.yaml's `background` with `line` (a line of a literal block).
fn background_starts_with(dir: &Path, line: &str) {
    edit(
        &dir.join("review.yaml"),
        "background: |\n",
        &format!("background: |\n  {line}\n"),
    );
}

/// The `FILE:LINE:COL` where `needle` stands in the review's review.yaml, as an error names
/// it.
fn place_of(dir: &Path, needle: &str) -> String {
    let text = std::fs::read_to_string(dir.join("review.yaml")).unwrap();
    let (n, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(needle))
        .unwrap();
    let column = line[..line.find(needle).unwrap()].chars().count() + 1;
    format!("review.yaml:{}:{column}: error:", n + 1)
}

// An error inside a prose field's template is reported at its own line and column in the
// file (not at the field's start, and not as "line 0 column 0 of its text"), with no trace of
// Tera's internal template name.
#[test]
fn prose_errors_are_located_in_the_file() {
    let scratch = Scratch::new("prose-located");
    let dir = example(&scratch, "diuretics-pregnancy");
    edit(
        &dir.join("review.yaml"),
        "effect(outcome=\"pre-eclampsia\")",
        "effect(outcome=\"pre-eclampsa\")",
    );
    background_starts_with(&dir, "Intro with {{ nosuch(x=1) }} in it.");
    let run = revmark(&scratch.0, &["check"]);
    let run = if run.code == 0 {
        revmark(&scratch.0, &["build"])
    } else {
        run
    };
    assert_eq!(run.code, 1, "{}", run.stderr);
    for (needle, message) in [
        (
            "effect(outcome=\"pre-eclampsa\")",
            "no analysed outcome `pre-eclampsa`",
        ),
        ("nosuch(x=1)", "nosuch"),
    ] {
        let place = place_of(&dir, needle);
        let line = run
            .stderr
            .lines()
            .find(|l| l.contains(&place))
            .unwrap_or_else(|| panic!("no error at {place}:\n{}", run.stderr));
        assert!(line.contains("prose field `"), "{line}");
        assert!(run.stderr.contains(message), "{}", run.stderr);
    }
    for internal in ["__tera_one_off", "line 0 column 0", "-->"] {
        assert!(!run.stderr.contains(internal), "{}", run.stderr);
    }
}

/// Builds a copy of the example whose background starts with `template`; returns the run.
fn build_with(name: &str, template: &str) -> (Run, String) {
    let scratch = Scratch::new(name);
    let dir = example(&scratch, "diuretics-pregnancy");
    background_starts_with(&dir, template);
    let run = revmark(&scratch.0, &["build"]);
    // A budget is the field's as a whole: reported where its text starts.
    let place = place_of(&dir, template);
    (run, place)
}

// A template that doubles a text forty times would need a terabyte: the build stops it and
// reports the field (exit 1), where it used to abort the whole process (exit 134).
#[test]
fn a_template_that_grows_without_end_is_an_error() {
    let (run, place) = build_with(
        "prose-memory",
        "{% set_global s = \"ab\" %}{% for i in range(end=40) %}{% set_global s = s ~ s %}{% endfor %}{{ s | length }}",
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains(&place), "{}", run.stderr);
    assert!(
        run.stderr.contains("prose field `background`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("MiB of memory"), "{}", run.stderr);
}

// A template that prints more than the text budget is an error at its field. Few steps that
// each print much, so that the text budget and not the time budget stops it on a slow machine.
#[test]
fn a_template_that_prints_too_much_is_an_error() {
    let (run, place) = build_with(
        "prose-text",
        &format!(
            "{{% for i in range(end=10000) %}}{{{{ \"{}\" }}}}{{% endfor %}}",
            "0123456789".repeat(200)
        ),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains(&place), "{}", run.stderr);
    assert!(run.stderr.contains("MiB of text"), "{}", run.stderr);
}

// A loop of 10^10 steps is stopped at the time budget and reported at its field.
#[test]
fn a_template_that_loops_too_long_is_an_error() {
    let (run, place) = build_with(
        "prose-time",
        "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}",
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains(&place), "{}", run.stderr);
    assert!(run.stderr.contains("ran for more than"), "{}", run.stderr);
}

// An override with problems that Tera reports as text (an unknown filter, an unknown template)
// is blamed at its own file, line and column, not at a "templates/.md.tera (built in)", and
// each problem is a sentence without Tera's snippets.
#[test]
fn override_errors_are_located_in_the_override() {
    let scratch = Scratch::new("override-located");
    let dir = example(&scratch, "mmn-lactation");
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("templates/review.md.tera"),
        "# {{ review.title }}\n\n{{ 3 | nofilter }}\n{% include \"nosuch.md\" %}\n",
    )
    .unwrap();
    let run = revmark(&scratch.0, &["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "reviews/mmn-lactation/templates/review.md.tera:3:8: error: template: Unknown filter `nofilter`"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("review.md:4:12: Unknown template `nosuch.md`"),
        "{}",
        run.stderr
    );
    for internal in [".md.tera (built in)", "\\u{a}", "-->"] {
        assert!(!run.stderr.contains(internal), "{}", run.stderr);
    }
}
