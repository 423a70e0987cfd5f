//! `revmark build`: load, compute, render and write the output folder whole.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::{BuildCache, Log, load_all, print_problems, render};
use crate::Error;
use crate::parallel;
use crate::report;
use crate::site;
use crate::timings::{self, Stage};

/// How `build` runs, beyond what it builds.
#[derive(Debug, Clone, Copy, Default)]
pub struct BuildOptions {
    /// Print per-stage timings to stderr.
    pub timings: bool,
    /// Flush every file to disk before the swap (see `site::write_output`).
    pub durable: bool,
}

/// `revmark build`; with `timings`, the time per stage and the peak memory go to stderr.
pub fn build(paths: &[PathBuf], out: &Path, options: BuildOptions) -> Result<(), Error> {
    let start = Instant::now();
    let built = build_all(paths, out, options.durable, None, &mut std::io::stderr());
    if options.timings {
        eprint!(
            "{}",
            crate::timings::report(start.elapsed(), parallel::jobs())
        );
    }
    built
}

/// Builds every review under `paths` into `out`, messages to `log`; with a `cache`, files and
/// outcome figures that did not change since the cache's last build are not parsed or drawn
/// again. The error is the caller's to print.
pub(crate) fn build_all(
    paths: &[PathBuf],
    out: &Path,
    durable: bool,
    cache: Option<&BuildCache>,
    log: Log,
) -> Result<(), Error> {
    // Put back the output an earlier, killed build set aside, even if this build fails.
    if let Err(e) = site::recover(out) {
        let _ = writeln!(log, "warning: cannot recover {}: {e}", out.display());
    }
    let mut loaded = load_all(paths, cache, log)?;
    // The previous results are read before the output folder is replaced, for "What's new".
    for review in &mut loaded {
        review.review.previous = crate::load::previous_build(out, &review.review.slug);
    }
    // Reviews render in parallel; the results come back in folder order, so the output and
    // the messages are those of a one-thread build.
    let rendered = parallel::map(&loaded, |review| render(review, cache));
    let mut files = site::Files::new();
    let mut entries = Vec::new();
    let mut failed = false;
    for (review, result) in loaded.iter().zip(rendered) {
        match result {
            Ok(rendered) => {
                let slug = &review.review.slug;
                if entries.iter().any(|e: &report::IndexEntry| &e.slug == slug) {
                    let _ = writeln!(
                        log,
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
                print_problems(&problems, log);
                failed = true;
            }
        }
    }
    if failed {
        return Err(Error::BuildFailed {
            out: out.to_path_buf(),
        });
    }
    let index =
        timings::time(Stage::Templates, || report::render_index(&entries)).map_err(|e| {
            Error::Template {
                name: "index.html".into(),
                message: e.message,
            }
        })?;
    files.insert(PathBuf::from("index.html"), index.into_bytes());
    files.insert(PathBuf::from("README.md"), site::OUTPUT_README.into());
    timings::time(Stage::Write, || site::write_output(out, &files, durable)).map_err(|source| {
        Error::Output {
            out: out.to_path_buf(),
            source,
        }
    })?;
    let _ = writeln!(
        log,
        "built {} {} into {}",
        entries.len(),
        if entries.len() == 1 {
            "review"
        } else {
            "reviews"
        },
        out.display()
    );
    Ok(())
}
