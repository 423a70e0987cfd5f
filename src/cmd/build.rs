//! `revmark build`: load, compute, render and write the output folder whole.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::baseline::{BaselineSource, baselines, missing_note};
use super::{BuildCache, Log, find_reviews, load_site_templates, print_problems, render};
use crate::Error;
use crate::diagnostic::Diagnostic;
use crate::fingerprint::Fingerprinter;
use crate::load::{self, Loaded};
use crate::parallel;
use crate::report::{self, SiteTemplates};
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
    /// Build every review, also those unchanged since the output being replaced (which are
    /// otherwise carried over from it).
    pub full: bool,
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
/// change since the cache's last build are not parsed or drawn again. A review unchanged since
/// the output being replaced is carried over from it (see [`plan`]). The error is the
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
    // The templates compile on another thread while the reviews are planned and loaded (in a
    // small review's build, compiling them took longer than loading it).
    let (plans, loaded) = crate::parallel::beside(
        || site.prepare(),
        || -> Result<_, Error> {
            let plans = timings::time(Stage::Load, || plan(&dirs, out, &site, options));
            let loaded = load_planned(&dirs, &plans, cache, &mut *log)?;
            Ok((plans, loaded))
        },
    )?;
    // The baselines are read before the output folder is replaced; a review carried over
    // needs none (see [`Plan::Carry`]).
    let source = options
        .baseline
        .as_deref()
        .map_or(BaselineSource::Replaced(out), BaselineSource::Given);
    let slugs: Vec<&str> = loaded
        .iter()
        .flatten()
        .map(|l| l.review.slug.as_str())
        .collect();
    let baselines = baselines(source, &slugs).map_err(|message| Error::Baseline { message })?;
    let missing: Vec<&str> = slugs
        .iter()
        .copied()
        .filter(|s| !baselines.contains_key(*s))
        .collect();
    if !missing.is_empty() {
        let _ = writeln!(log, "{}", missing_note(&missing, dirs.len(), source));
    }
    let output_error = |source| Error::Output {
        out: out.to_path_buf(),
        source,
    };
    let staging = site::Staging::begin(out, options.durable).map_err(output_error)?;
    // Reviews render in parallel, each file written to the staging folder as soon as it is
    // made, so that only the pages being rendered are held in memory. The outcomes come
    // back in folder order, so the messages are those of a one-thread build.
    let items: Vec<(&PathBuf, &Plan, Option<&Loaded>)> = dirs
        .iter()
        .zip(&plans)
        .zip(&loaded)
        .map(|((dir, plan), loaded)| (dir, plan, loaded.as_ref()))
        .collect();
    let outcomes = parallel::map(&items, |&(dir, plan, loaded)| {
        let slug = plan.slug();
        let (entry, warnings) = match (plan, loaded) {
            (
                Plan::Carry {
                    files,
                    entry,
                    built_warnings,
                    ..
                },
                _,
            ) => {
                timings::time(Stage::Write, || staging.carry(Path::new(slug), files))
                    .map_err(Outcome::Unwritten)?;
                let again = rooted(dir, built_warnings);
                (entry.clone(), Some((Vec::new(), again)))
            }
            (Plan::Build { duplicate, .. }, Some(review)) => {
                // Each file goes to the staging folder as it is made (see
                // site::ReviewFiles); a duplicate's would land in the folder of the review it
                // duplicates, so it is rendered for its messages only.
                let files = staging.review_files(Path::new(slug));
                let write = |name: String, bytes: Vec<u8>| {
                    if !*duplicate {
                        files.put(name, bytes);
                    }
                };
                let rendered = render(review, &site, baselines.get(slug), cache, &write)
                    .map_err(Outcome::Invalid)?;
                if *duplicate {
                    return Err(Outcome::Duplicate);
                }
                files.finish().map_err(Outcome::Unwritten)?;
                // Loading's warnings were printed as it loaded; the build's own (the GRADE
                // assistant's) are printed below, after every review's loading.
                (
                    rendered.entry,
                    Some((review.warnings.clone(), rendered.warnings)),
                )
            }
            (Plan::Build { .. }, None) => unreachable!("every review to build has loaded"),
        };
        if let Some(inputs) = plan.inputs() {
            let told = match (plan, &warnings) {
                (
                    Plan::Carry {
                        warnings,
                        built_warnings,
                        ..
                    },
                    _,
                ) => Some((warnings.clone(), built_warnings.clone())),
                (_, Some((loaded, built))) => {
                    relative_warnings(dir, loaded).zip(relative_warnings(dir, built))
                }
                (_, None) => None,
            };
            // A review whose warnings cannot be told again is built again next time.
            if let Some((warnings, built_warnings)) = told {
                staging.record(
                    slug,
                    site::ReviewRecord {
                        inputs: inputs.to_string(),
                        entry: entry.clone(),
                        warnings,
                        built_warnings,
                    },
                );
            }
        }
        Ok((entry, warnings.map(|(_, built)| built).unwrap_or_default()))
    });
    // The reviews' models are no longer needed: freeing a large one takes milliseconds, which
    // another thread spends while this one writes the index and the marker.
    drop(items);
    parallel::drop_beside(loaded);
    let mut entries = Vec::new();
    let mut failed = false;
    let mut unwritten = None;
    for (plan, outcome) in plans.iter().zip(outcomes) {
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
                    plan.slug()
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
    let top = [
        ("index.html".to_string(), index.into_bytes()),
        ("README.md".to_string(), site::OUTPUT_README.into()),
    ];
    timings::time(Stage::Write, || {
        staging.write(Path::new(""), &top)?;
        staging.finish()
    })
    .map_err(output_error)?;
    let carried = plans
        .iter()
        .filter(|p| matches!(p, Plan::Carry { .. }))
        .count();
    timings::carried_over(carried, plans.len());
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

/// What a build does with one review folder.
#[derive(Debug)]
enum Plan {
    /// Load, render and write it.
    Build {
        slug: String,
        /// The fingerprint of its inputs, when they could be read.
        inputs: Option<String>,
        /// Whether an earlier folder has its name (an error).
        duplicate: bool,
    },
    /// Carry its files over from the output being replaced: its inputs are those that output
    /// was built from. Its results are then those of that output's results.json, which a
    /// build would take as What's new's baseline; a baseline with equal results keeps its
    /// changes (`report::changes::since`), so its changes.md and changes.json are what a build
    /// would write too. (With `--baseline`, nothing is carried over.)
    Carry {
        slug: String,
        inputs: String,
        files: Vec<site::Carried>,
        entry: report::IndexEntry,
        /// Its warnings, files relative to the review folder.
        warnings: Vec<Diagnostic>,
        /// The warnings its rendering printed, files relative to the review folder.
        built_warnings: Vec<Diagnostic>,
    },
}

impl Plan {
    fn slug(&self) -> &str {
        match self {
            Plan::Build { slug, .. } | Plan::Carry { slug, .. } => slug,
        }
    }

    fn inputs(&self) -> Option<&str> {
        match self {
            Plan::Build { inputs, .. } => inputs.as_deref(),
            Plan::Carry { inputs, .. } => Some(inputs),
        }
    }
}

/// Decides, for each review folder, whether to build it or carry it over from the output
/// being replaced: carried over when the fingerprint of its inputs (every file of the review
/// folder, the site's and the built-in templates, revmark's version) is the one that output's
/// marker records for it, and every file the marker lists for it is still there. Never with
/// `--baseline` or `--full`, nor for a folder whose name another shares.
fn plan(dirs: &[PathBuf], out: &Path, site: &SiteTemplates, options: &BuildOptions) -> Vec<Plan> {
    let slugs: Vec<String> = dirs
        .iter()
        .map(|d| {
            d.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .collect();
    let mut seen = HashSet::new();
    let first: Vec<bool> = slugs.iter().map(|s| seen.insert(s.as_str())).collect();
    let shared: HashSet<&str> = slugs
        .iter()
        .zip(&first)
        .filter(|(_, first)| !**first)
        .map(|(s, _)| s.as_str())
        .collect();
    let previous = (options.baseline.is_none() && !options.full)
        .then(|| site::previous_marker(out))
        .flatten();
    let stamp = build_stamp(site);
    let items: Vec<(&PathBuf, &String, bool)> = dirs
        .iter()
        .zip(&slugs)
        .zip(&first)
        .map(|((d, s), f)| (d, s, *f))
        .collect();
    parallel::map(&items, |&(dir, slug, first)| {
        let mut fingerprint = stamp.clone();
        fingerprint.field(slug.as_bytes());
        let inputs = crate::load::fingerprint_review_folder(dir, &mut fingerprint)
            .ok()
            .map(|()| fingerprint.finish().to_string());
        let recorded = previous.as_ref().and_then(|m| m.reviews.get(slug));
        if let (Some(inputs), Some(recorded)) = (&inputs, recorded)
            && recorded.inputs.as_ref() == Some(inputs)
            && let Some(entry) = &recorded.entry
            && !shared.contains(slug.as_str())
            && let Some(files) = site::carriable(&out.join(slug), &recorded.files)
        {
            return Plan::Carry {
                slug: slug.clone(),
                inputs: inputs.clone(),
                files,
                entry: entry.clone(),
                warnings: recorded.warnings.clone(),
                built_warnings: recorded.built_warnings.clone(),
            };
        }
        Plan::Build {
            slug: slug.clone(),
            inputs,
            duplicate: !first,
        }
    })
}

/// What every review's output depends on besides its own folder: revmark's version and the
/// marker's format, the built-in templates and the site's.
fn build_stamp(site: &SiteTemplates) -> Fingerprinter {
    let mut stamp = Fingerprinter::new();
    stamp.field(b"revmark");
    stamp.field(env!("CARGO_PKG_VERSION").as_bytes());
    for (name, text) in report::BUILTIN {
        stamp.field(name.as_bytes());
        stamp.field(text.as_bytes());
    }
    stamp.field(b"site templates");
    for (name, text) in &site.sources {
        stamp.field(name.as_bytes());
        stamp.field(text.as_bytes());
    }
    stamp
}

/// Loads the reviews to build (in parallel) and prints every review's problems and warnings
/// in folder order: those of a review carried over as its last build printed them. One entry
/// per folder, `None` for a review carried over.
fn load_planned(
    dirs: &[PathBuf],
    plans: &[Plan],
    cache: Option<&BuildCache>,
    log: Log,
) -> Result<Vec<Option<Loaded>>, Error> {
    let items: Vec<(&PathBuf, &Plan)> = dirs.iter().zip(plans).collect();
    let results = parallel::map(&items, |&(dir, plan)| match plan {
        Plan::Carry { .. } => None,
        Plan::Build { .. } => Some(timings::time(Stage::Load, || {
            load::load_review_cached(dir, cache.map(|c| &c.files))
        })),
    });
    let mut loaded = Vec::with_capacity(dirs.len());
    let mut failed = 0;
    for ((dir, plan), result) in items.into_iter().zip(results) {
        match (plan, result) {
            (Plan::Carry { warnings, .. }, _) => {
                print_problems(&rooted(dir, warnings), log);
                loaded.push(None);
            }
            (_, Some(Ok(review))) => {
                print_problems(&review.warnings, log);
                loaded.push(Some(review));
            }
            (_, Some(Err(problems))) => {
                print_problems(&problems, log);
                failed += 1;
                loaded.push(None);
            }
            (_, None) => loaded.push(None),
        }
    }
    if failed > 0 {
        return Err(Error::InvalidReviews {
            invalid: failed,
            total: dirs.len(),
        });
    }
    Ok(loaded)
}

/// `warnings` recorded relative to the review folder `dir`, named from where the build runs.
fn rooted(dir: &Path, warnings: &[Diagnostic]) -> Vec<Diagnostic> {
    warnings
        .iter()
        .map(|w| Diagnostic {
            file: if w.file.as_os_str().is_empty() {
                dir.to_path_buf()
            } else {
                dir.join(&w.file)
            },
            ..w.clone()
        })
        .collect()
}

/// `warnings` with each file named relative to the review folder `dir`; `None` when one is
/// not inside it.
fn relative_warnings(dir: &Path, warnings: &[Diagnostic]) -> Option<Vec<Diagnostic>> {
    warnings
        .iter()
        .map(|w| {
            let file = w.file.strip_prefix(dir).ok()?.to_path_buf();
            Some(Diagnostic { file, ..w.clone() })
        })
        .collect()
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
