//! Funnel plot.
use super::Figure;
use crate::stats::OutcomeResult;

/// The funnel plot.
pub fn funnel(result: &OutcomeResult) -> Option<Figure> {
    let _ = result;
    None
}
