//! `revmark build`: load, compute, render and write the output folder whole.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::baseline::{BaselineSource, baselines, missing_note};
use super::{
    BuildCache, Log, find_reviews, load_dirs, load_site_templates, print_problems, render,
};
use crate::Error;
use crate::diagnostic::Diagnostic;
use crate::load::Loaded;
use crate::parallel;
use crate::report;
use crate::site;
use crate::timings::{self, Stage};

/// How `build` runs, beyond what it builds.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Print per-stage timings to stderr.
    pub timings: bool,
    /// Flush every file to disk before the swap (see `site::Staging`).
    pub durable: bool,
    /// Replace an output folder that holds files revmark did not write.
    pub force: bool,
    /// The earlier results What's new compares with (a results.json or an output folder);
    /// `None` for those of the output folder being replaced.
    pub baseline: Option<PathBuf>,
    /// The site's templates folder (`--templates`); `None` for `templates/` if it exists.
    pub templates: Option<PathBuf>,
}

/// `revmark build`; with `timings`, the time per stage and the peak memory go to stderr.
pub fn build(paths: &[PathBuf], out: &Path, options: &BuildOptions) -> Result<(), Error> {
    let start = Instant::now();
    let built = build_all(paths, out, options, None, &mut std::io::stderr());
    if options.timings {
        eprint!(
            "{}",
            crate::timings::report(start.elapsed(), parallel::jobs())
        );
    }
    built
}

/// Builds every review under `paths` into `out` through the site's templates
/// (`options.templates`), What's new compared with `options.baseline` (by default the output
/// being replaced), messages to `log`; with a `cache`, files and outcome figures that did not
/// change since the cache's last build are not parsed or drawn again. The error is the
/// caller's to print.
pub(crate) fn build_all(
    paths: &[PathBuf],
    out: &Path,
    options: &BuildOptions,
    cache: Option<&BuildCache>,
    log: Log,
) -> Result<(), Error> {
    let dirs = find_reviews(paths)?;
    // Before anything is touched: the output folder must be one revmark may replace.
    let sources: Vec<PathBuf> = paths
        .iter()
        .chain(&dirs)
        .cloned()
        .chain(super::site_templates_dir(options.templates.as_deref()))
        .collect();
    site::check_output(out, &sources, options.force)?;
    // Put back the output an earlier, killed build set aside, even if this build fails.
    if let Err(e) = site::recover(out) {
        let _ = writeln!(log, "warning: cannot recover {}: {e}", out.display());
    }
    let site = load_site_templates(options.templates.as_deref(), log)?;
    let loaded = load_dirs(&dirs, cache, log)?;
    // The baselines are read before the output folder is replaced.
    let source = options
        .baseline
        .as_deref()
        .map_or(BaselineSource::Replaced(out), BaselineSource::Given);
    let slugs: Vec<&str> = loaded.iter().map(|l| l.review.slug.as_str()).collect();
    let baselines = baselines(source, &slugs).map_err(|message| Error::Baseline { message })?;
    let missing: Vec<&str> = slugs
        .iter()
        .copied()
        .filter(|s| !baselines.contains_key(*s))
        .collect();
    if !missing.is_empty() {
        let _ = writeln!(log, "{}", missing_note(&missing, slugs.len(), source));
    }
    // Two review folders of the same name would write one output folder: found before
    // anything is written, reported where the second one's messages go.
    let mut slugs = std::collections::HashSet::new();
    let duplicate: Vec<bool> = loaded
        .iter()
        .map(|r| !slugs.insert(r.review.slug.as_str()))
        .collect();
    let output_error = |source| Error::Output {
        out: out.to_path_buf(),
        source,
    };
    let staging = site::Staging::begin(out, options.durable).map_err(output_error)?;
    // Reviews render in parallel, each written to the staging folder as soon as it is
    // rendered, so that only the reviews being rendered are held in memory. The outcomes come
    // back in folder order, so the messages are those of a one-thread build.
    let items: Vec<(&Loaded, bool)> = loaded.iter().zip(duplicate).collect();
    let outcomes = parallel::map(&items, |&(review, duplicate)| {
        let rendered = render(review, &site, baselines.get(&review.review.slug), cache)
            .map_err(Outcome::Invalid)?;
        if duplicate {
            return Err(Outcome::Duplicate);
        }
        let slug = Path::new(&review.review.slug);
        timings::time(Stage::Write, || staging.write(slug, &rendered.files))
            .map_err(Outcome::Unwritten)?;
        Ok((rendered.entry, rendered.warnings))
    });
    let mut entries = Vec::new();
    let mut failed = false;
    let mut unwritten = None;
    for (review, outcome) in loaded.iter().zip(outcomes) {
        match outcome {
            Ok((entry, warnings)) => {
                print_problems(&warnings, log);
                entries.push(entry);
            }
            Err(Outcome::Invalid(problems)) => {
                print_problems(&problems, log);
                failed = true;
            }
            Err(Outcome::Duplicate) => {
                let _ = writeln!(
                    log,
                    "error: two reviews are called `{}`; review folder names must be unique",
                    review.review.slug
                );
                failed = true;
            }
            Err(Outcome::Unwritten(e)) => {
                unwritten.get_or_insert(e);
            }
        }
    }
    if failed {
        return Err(Error::BuildFailed {
            out: out.to_path_buf(),
        });
    }
    if let Some(e) = unwritten {
        return Err(output_error(e));
    }
    let index = timings::time(Stage::Templates, || report::render_index(&entries, &site)).map_err(
        |problem| {
            print_problems(&[problem], log);
            Error::BuildFailed {
                out: out.to_path_buf(),
            }
        },
    )?;
    let top = BTreeMap::from([
        ("index.html".to_string(), index.into_bytes()),
        ("README.md".to_string(), site::OUTPUT_README.into()),
    ]);
    timings::time(Stage::Write, || {
        staging.write(Path::new(""), &top)?;
        staging.finish()
    })
    .map_err(output_error)?;
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

/// Why a review did not reach the output folder.
enum Outcome {
    /// Its problems, to be printed.
    Invalid(Vec<Diagnostic>),
    /// An earlier review has its name.
    Duplicate,
    /// Its files could not be written.
    Unwritten(std::io::Error),
}
