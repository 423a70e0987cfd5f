//! The subcommands: `build` loads, computes, renders and writes; `check` loads and validates.

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::load::{self, Loaded};
use crate::report::{self, RenderedReview};
use crate::site;
use crate::{EXIT_INVALID, EXIT_OK, EXIT_USAGE};

/// Prints diagnostics to stderr, a blank line between them.
fn report(problems: &[Diagnostic]) {
    for problem in problems {
        eprintln!("{problem}\n");
    }
}

/// Loads every review under `paths`; returns the loaded ones, or the exit status on failure.
fn load_all(paths: &[PathBuf]) -> Result<Vec<Loaded>, i32> {
    let dirs = load::find_reviews(paths).map_err(|e| {
        eprintln!("error: {e}");
        EXIT_USAGE
    })?;
    let mut loaded = Vec::new();
    let mut failed = 0;
    for dir in &dirs {
        match load::load_review(dir) {
            Ok(review) => {
                report(&review.warnings);
                loaded.push(review);
            }
            Err(problems) => {
                report(&problems);
                failed += 1;
            }
        }
    }
    if failed > 0 {
        eprintln!("error: {failed} of {} reviews are invalid", dirs.len());
        return Err(EXIT_INVALID);
    }
    Ok(loaded)
}

/// Renders one loaded review.
fn render(loaded: &Loaded) -> Result<RenderedReview, Vec<Diagnostic>> {
    report::render_review(&loaded.review, &crate::stats::analyse(&loaded.review))
}

/// `revmark build`.
pub fn build(paths: &[PathBuf], out: &Path) -> i32 {
    let loaded = match load_all(paths) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let mut files = site::Files::new();
    let mut entries = Vec::new();
    let mut failed = false;
    for review in &loaded {
        match render(review) {
            Ok(rendered) => {
                let slug = &review.review.slug;
                if entries.iter().any(|e: &report::IndexEntry| &e.slug == slug) {
                    eprintln!(
                        "error: two reviews are called `{slug}`; review folder names must be unique"
                    );
                    failed = true;
                }
                for (name, bytes) in rendered.files {
                    files.insert(Path::new(slug).join(name), bytes);
                }
                entries.push(rendered.entry);
            }
            Err(problems) => {
                report(&problems);
                failed = true;
            }
        }
    }
    if failed {
        eprintln!("error: the build failed; {} is unchanged", out.display());
        return EXIT_INVALID;
    }
    match report::render_index(&entries) {
        Ok(index) => {
            files.insert(PathBuf::from("index.html"), index.into_bytes());
        }
        Err(e) => {
            eprintln!("error: template index.html: {}", e.message);
            return EXIT_INVALID;
        }
    }
    if let Err(e) = site::write_output(out, &files) {
        eprintln!(
            "error: cannot write {}: {e}; the earlier output is unchanged",
            out.display()
        );
        return EXIT_INVALID;
    }
    eprintln!(
        "built {} {} into {}",
        entries.len(),
        if entries.len() == 1 {
            "review"
        } else {
            "reviews"
        },
        out.display()
    );
    EXIT_OK
}

/// `revmark check`.
pub fn check(paths: &[PathBuf]) -> i32 {
    let loaded = match load_all(paths) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let mut failed = false;
    for review in &loaded {
        if let Err(problems) = render(review) {
            report(&problems);
            failed = true;
        }
    }
    if failed {
        return EXIT_INVALID;
    }
    eprintln!(
        "{} {} valid",
        loaded.len(),
        if loaded.len() == 1 {
            "review is"
        } else {
            "reviews are"
        }
    );
    EXIT_OK
}
