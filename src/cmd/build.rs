//! `revmark build`: load, compute, render and write the output folder whole.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::baseline::{BaselineSource, baselines, missing_note};
use super::{BuildCache, Log, load_all, load_site_templates, print_problems, render};
use crate::parallel;
use crate::report;
use crate::site;
use crate::timings::{self, Stage};
use crate::{EXIT_INVALID, EXIT_OK, EXIT_USAGE};

/// How `build` runs, beyond what it builds.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Print per-stage timings to stderr.
    pub timings: bool,
    /// Flush every file to disk before the swap (see `site::write_output`).
    pub durable: bool,
    /// The earlier results What's new compares with (a results.json or an output folder);
    /// `None` for those of the output folder being replaced.
    pub baseline: Option<PathBuf>,
    /// The site's templates folder (`--templates`); `None` for `templates/` if it exists.
    pub templates: Option<PathBuf>,
}

/// `revmark build`; with `timings`, the time per stage and the peak memory go to stderr.
pub fn build(paths: &[PathBuf], out: &Path, options: &BuildOptions) -> i32 {
    let start = Instant::now();
    let code = build_all(
        paths,
        options.templates.as_deref(),
        out,
        options.baseline.as_deref(),
        options.durable,
        None,
        &mut std::io::stderr(),
    );
    if options.timings {
        eprint!(
            "{}",
            crate::timings::report(start.elapsed(), parallel::jobs())
        );
    }
    code
}

/// Builds every review under `paths` into `out` through the site's templates (`templates`, as
/// `--templates`), What's new compared with `baseline` (by default the output being replaced),
/// messages to `log`; with a `cache`, files and outcome figures that did not change since the
/// cache's last build are not parsed or drawn again.
pub(crate) fn build_all(
    paths: &[PathBuf],
    templates: Option<&Path>,
    out: &Path,
    baseline: Option<&Path>,
    durable: bool,
    cache: Option<&BuildCache>,
    log: Log,
) -> i32 {
    // Put back the output an earlier, killed build set aside, even if this build fails.
    if let Err(e) = site::recover(out) {
        let _ = writeln!(log, "warning: cannot recover {}: {e}", out.display());
    }
    let site = match load_site_templates(templates, log) {
        Ok(site) => site,
        Err(code) => return code,
    };
    let loaded = match load_all(paths, cache, log) {
        Ok(l) => l,
        Err(code) => return code,
    };
    // The baselines are read before the output folder is replaced.
    let source = baseline.map_or(BaselineSource::Replaced(out), BaselineSource::Given);
    let slugs: Vec<&str> = loaded.iter().map(|l| l.review.slug.as_str()).collect();
    let baselines = match baselines(source, &slugs) {
        Ok(b) => b,
        Err(e) => {
            let _ = writeln!(log, "error: {e}");
            return EXIT_USAGE;
        }
    };
    let missing: Vec<&str> = slugs
        .iter()
        .copied()
        .filter(|s| !baselines.contains_key(*s))
        .collect();
    if !missing.is_empty() {
        let _ = writeln!(log, "{}", missing_note(&missing, slugs.len(), source));
    }
    // Reviews render in parallel; the results come back in folder order, so the output and
    // the messages are those of a one-thread build.
    let rendered = parallel::map(&loaded, |review| {
        render(review, &site, baselines.get(&review.review.slug), cache)
    });
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
        let _ = writeln!(
            log,
            "error: the build failed; {} is unchanged",
            out.display()
        );
        return EXIT_INVALID;
    }
    match timings::time(Stage::Templates, || report::render_index(&entries, &site)) {
        Ok(index) => {
            files.insert(PathBuf::from("index.html"), index.into_bytes());
            files.insert(PathBuf::from("README.md"), site::OUTPUT_README.into());
        }
        Err(problem) => {
            print_problems(&[problem], log);
            return EXIT_INVALID;
        }
    }
    if let Err(e) = timings::time(Stage::Write, || site::write_output(out, &files, durable)) {
        let _ = writeln!(
            log,
            "error: cannot write {}: {e}; the earlier output is unchanged",
            out.display()
        );
        return EXIT_INVALID;
    }
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
    EXIT_OK
}
