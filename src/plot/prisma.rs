//! PRISMA 2020 flow diagram.
use super::Figure;
use crate::model::Flow;

/// The PRISMA 2020 flow diagram.
pub fn prisma(flow: &Flow) -> Option<Figure> {
    let _ = flow;
    None
}

/// The flow's consistency problems.
pub fn prisma_checks(flow: &Flow, included_studies: usize) -> Vec<String> {
    let _ = (flow, included_studies);
    Vec::new()
}
