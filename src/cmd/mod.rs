//! The subcommands, one file each, and what they share: loading every review and printing
//! problems.

mod baseline;
mod build;
mod check;
mod diff;
mod import;
mod new;
mod serve;
mod templates;

pub use build::{BuildOptions, build};
pub use check::check;
pub use diff::diff;
pub use import::import;
pub use new::new;
pub use serve::serve;
pub use templates::eject_templates;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::load::{self, Loaded, ParseCache};
use crate::parallel;
use crate::plot::{FigureCache, OutcomeDrawings, Palette};
use crate::report::changes::Baseline;
use crate::report::{self, RenderedReview, SiteTemplates};
use crate::timings::{self, Stage};

use crate::Error;

/// Where a command's messages go: stderr, or for `serve` a buffer that the error overlay
/// also shows. Writing them can only fail on a closed stderr, which is ignored.
pub(crate) type Log<'a> = &'a mut dyn Write;

/// Prints diagnostics, a blank line between them, in one write: stderr is unbuffered, and
/// written a piece at a time a review's 40 warnings took a thousand system calls.
pub(crate) fn print_problems(problems: &[Diagnostic], log: Log) {
    use std::fmt::Write as _;
    if problems.is_empty() {
        return;
    }
    let mut text = String::new();
    for problem in problems {
        let _ = writeln!(text, "{problem}\n");
    }
    let _ = log.write_all(text.as_bytes());
}

/// What `serve` keeps from one build to the next, so that an edit costs only what depends on
/// it: each YAML file's parse and each outcome's figures.
#[derive(Debug, Default)]
pub(crate) struct BuildCache {
    /// Parsed review files, reused while their text is unchanged.
    pub files: ParseCache,
    /// Forest and funnel plots, reused while their inputs are unchanged.
    pub figures: FigureCache,
}

/// The site's templates folder when `--templates` names none: `templates/` in the current
/// folder, beside the default `reviews/` and `output/`, used when it exists.
pub(crate) const SITE_TEMPLATES: &str = "templates";

/// The site's templates folder: the one `given` (`--templates DIR`), else [`SITE_TEMPLATES`] if
/// it is a folder; `None` when there is none.
pub(crate) fn site_templates_dir(given: Option<&Path>) -> Option<PathBuf> {
    given
        .map(Path::to_path_buf)
        .or_else(|| Some(PathBuf::from(SITE_TEMPLATES)).filter(|p| p.is_dir()))
}

/// Reads the site's templates (see [`site_templates_dir`]), printing their problems to `log`;
/// fails when one is an error or a folder `given` does not exist.
pub(crate) fn load_site_templates(given: Option<&Path>, log: Log) -> Result<SiteTemplates, Error> {
    let Some(dir) = site_templates_dir(given) else {
        return Ok(SiteTemplates::default());
    };
    if !dir.is_dir() {
        return Err(Error::NoTemplatesFolder { path: dir });
    }
    let mut problems = Vec::new();
    let sources = load::read_site_templates(&dir, &mut problems);
    print_problems(&problems, log);
    if problems.iter().any(Diagnostic::is_error) {
        return Err(Error::InvalidTemplates { dir });
    }
    Ok(SiteTemplates::new(dir, sources))
}

/// The review folders under `paths` (each a review folder or a folder of them), in order.
pub(crate) fn find_reviews(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    load::find_reviews(paths).map_err(|message| Error::NoReviews { message })
}

/// Loads every review under `paths`, printing every problem and warning to `log`.
pub(crate) fn load_all(
    paths: &[PathBuf],
    cache: Option<&BuildCache>,
    log: Log,
) -> Result<Vec<Loaded>, Error> {
    let dirs = find_reviews(paths)?;
    load_dirs(&dirs, cache, log)
}

/// Loads the review folders `dirs`, printing every problem and warning to `log`.
pub(crate) fn load_dirs(
    dirs: &[PathBuf],
    cache: Option<&BuildCache>,
    log: Log,
) -> Result<Vec<Loaded>, Error> {
    // Read in parallel, reported in folder order.
    let results = parallel::map(dirs, |dir| {
        timings::time(Stage::Load, || {
            load::load_review_cached(dir, cache.map(|c| &c.files))
        })
    });
    let mut loaded = Vec::new();
    let mut failed = 0;
    for result in results {
        match result {
            Ok(review) => {
                print_problems(&review.warnings, log);
                loaded.push(review);
            }
            Err(problems) => {
                print_problems(&problems, log);
                failed += 1;
            }
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

/// Renders one loaded review through the `site`'s templates, its results compared with
/// `baseline`, taking unchanged outcome figures from `cache` when given; each file goes to
/// `emit` as soon as it is made.
pub(crate) fn render(
    loaded: &Loaded,
    site: &SiteTemplates,
    baseline: Option<&Baseline>,
    cache: Option<&BuildCache>,
    emit: report::Emit<'_>,
) -> Result<RenderedReview, Vec<Diagnostic>> {
    let results = timings::time(Stage::Statistics, || {
        std::sync::Arc::new(crate::results::analyse(&loaded.review))
    });
    // The figures' words now; each outcome's figures are drawn while the pages render.
    let palette = Palette::default();
    let figures = timings::time(Stage::Figures, || {
        crate::plot::figure_words(&loaded.review, &results, palette)
    });
    let cache = cache.map(|c| &c.figures);
    let drawings = OutcomeDrawings::new(&figures, &loaded.review, &results, palette, cache);
    let found = report::grade_check::certainty_warnings(
        &loaded.review,
        &results,
        loaded.analyses_file.as_ref(),
    );
    let warnings: Vec<Diagnostic> = loaded.warnings.iter().chain(&found).cloned().collect();
    let mut rendered = timings::time(Stage::Templates, || {
        report::render_review_with_warnings(
            &loaded.review,
            site,
            std::sync::Arc::clone(&results),
            &figures,
            &drawings,
            baseline,
            &warnings,
            emit,
        )
    })?;
    rendered.warnings = found;
    Ok(rendered)
}
