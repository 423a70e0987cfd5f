//! Figures kept between builds, for `serve`: each outcome's forest and funnel plot is stored
//! under a fingerprint of everything it is drawn from, so that after an edit only the outcomes
//! whose data changed are drawn again.
//!
//! The fingerprint hashes the `Debug` text of the inputs, which covers every field the types
//! have, now and later. The model types are destructured without `..`, so a field added to
//! them fails to compile here until someone decides whether the figures depend on it; the row
//! origins (file, line) are left out, so that moving a row or editing an earlier line of
//! analyses.yaml does not redraw every later outcome.

use std::collections::HashMap;
use std::fmt::{self, Write};
use std::sync::Mutex;

use super::{Arms, OutcomeFigures, Palette};
use crate::fingerprint::{Fingerprint, Fingerprinter};
use crate::model::Review;
use crate::results::{ComparisonResults, OutcomeResults};

/// Outcome figures from earlier builds, and which of them the current build used.
#[derive(Debug, Default)]
pub struct FigureCache {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    figures: HashMap<Fingerprint, OutcomeFigures>,
    used: HashMap<Fingerprint, OutcomeFigures>,
    drawn: Vec<String>,
}

impl FigureCache {
    /// A new, empty cache.
    pub fn new() -> FigureCache {
        FigureCache::default()
    }

    /// The outcome's figures from the cache, or drawn by `draw` and kept.
    pub(super) fn get_or_draw(
        &self,
        result: &OutcomeResults,
        comparison: &ComparisonResults,
        arms: &Arms,
        review: &Review,
        palette: Palette,
        draw: impl FnOnce() -> OutcomeFigures,
    ) -> OutcomeFigures {
        let key = fingerprint(result, comparison, arms, review, palette);
        {
            let mut inner = self.lock();
            // Moved from the last build's figures to this one's (or already moved, when two
            // outcomes are drawn from the same inputs): one copy goes out, one stays.
            let kept = match inner.used.get(&key) {
                Some(figures) => Some(figures.clone()),
                None => inner.figures.remove(&key).inspect(|figures| {
                    inner.used.insert(key, figures.clone());
                }),
            };
            if let Some(figures) = kept {
                return figures;
            }
        }
        // Drawn outside the lock, so that other threads draw their outcomes meanwhile.
        let figures = draw();
        let mut inner = self.lock();
        inner.drawn.extend(
            [&figures.forest, &figures.funnel]
                .into_iter()
                .flatten()
                .map(|f| format!("{}/{}", review.slug, f.path())),
        );
        inner.used.insert(key, figures.clone());
        figures
    }

    /// Ends a build: keeps only the figures this build used (so the cache never holds more
    /// than one build's figures) and returns the files drawn anew ("slug/figures/forest-1.2.svg"),
    /// sorted.
    pub fn finish_build(&self) -> Vec<String> {
        let mut inner = self.lock();
        inner.figures = std::mem::take(&mut inner.used);
        let mut drawn = std::mem::take(&mut inner.drawn);
        drawn.sort();
        drawn
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while drawing leaves the maps consistent: each insert is whole.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Everything an outcome's forest and funnel plots are drawn from.
fn fingerprint(
    result: &OutcomeResults,
    comparison: &ComparisonResults,
    arms: &Arms,
    review: &Review,
    palette: Palette,
) -> Fingerprint {
    let mut out = Fingerprinter::new();
    let _ = write_inputs(&mut out, result, comparison, arms, review, palette);
    out.finish()
}

fn write_inputs(
    out: &mut Fingerprinter,
    result: &OutcomeResults,
    comparison: &ComparisonResults,
    arms: &Arms,
    review: &Review,
    palette: Palette,
) -> fmt::Result {
    write!(out, "{result:?}")?;
    let tool = review.studies.risk_of_bias_tool;
    write!(out, "{tool:?}{palette:?}")?;
    // The risk-of-bias dots beside each row.
    for row in &result.study_results {
        match review.study(&row.study) {
            Some(s) => {
                write!(out, "{}", s.risk_of_bias.is_empty())?;
                for domain in tool.domains() {
                    write!(out, "{:?}", s.judgement(tool, domain))?;
                }
            }
            None => out.write_str("-")?,
        }
    }
    // The comparison's labels, not its other outcomes.
    let ComparisonResults {
        id,
        number,
        name,
        outcomes: _,
    } = comparison;
    let Arms {
        experimental,
        control,
    } = arms;
    write!(out, "{id:?}{number:?}{name:?}{experimental:?}{control:?}")
}
