//! Consistency checks across a review's files: problems that do not stop the build but that an
//! author or editor wants to know of, reported as warnings by `check` and `build`.

use std::collections::HashSet;

use super::Sources;
use crate::diagnostic::{Kind, Problems, SourceFile};
use crate::model::{Flow, Review};

const PRISMA: Kind = Kind::warning("PRISMA counts that do not add up");
const UNUSED_OUTCOME: Kind = Kind::warning("an outcome that no study reports");
const UNUSED_STUDY: Kind = Kind::warning("a study with no data and no reported outcomes");
const CERTAINTY_WITHOUT_DATA: Kind = Kind::warning("a certainty rating without data");
const NO_POPULATION: Kind = Kind::warning("a Summary of findings table without a population");

/// The inconsistencies between the flow's counts and with the number of included studies
/// in studies.yaml, as messages; empty when everything adds up or is not given.
pub fn prisma_checks(flow: &Flow, included_studies: usize) -> Vec<String> {
    let mut problems = Vec::new();
    let signed = |n: u64| i128::from(n);
    if let (Some(identified), Some(removed), Some(screened)) =
        (flow.identified, flow.duplicates_removed, flow.screened)
        && signed(screened) != signed(identified) - signed(removed)
    {
        problems.push(format!(
            "PRISMA flow: records screened ({screened}) should be records identified ({identified}) minus duplicates removed ({removed}) = {}",
            signed(identified) - signed(removed)
        ));
    }
    if let (Some(screened), Some(excluded), Some(full_text)) =
        (flow.screened, flow.excluded_screening, flow.full_text)
        && signed(full_text) != signed(screened) - signed(excluded)
    {
        problems.push(format!(
            "PRISMA flow: reports assessed ({full_text}) should be records screened ({screened}) minus records excluded ({excluded}) = {}",
            signed(screened) - signed(excluded)
        ));
    }
    let excluded: i128 = flow.excluded_full_text.values().map(|n| signed(*n)).sum();
    if let (Some(full_text), Some(included)) = (flow.full_text, flow.included)
        && signed(included) != signed(full_text) - excluded
    {
        problems.push(format!(
            "PRISMA flow: studies included ({included}) should be reports assessed ({full_text}) minus reports excluded with reasons ({excluded}) = {}",
            signed(full_text) - excluded
        ));
    }
    if let Some(included) = flow.included
        && included != included_studies as u64
    {
        problems.push(format!(
            "PRISMA flow: studies included ({included}) differs from the {included_studies} included studies in studies.yaml"
        ));
    }
    problems
}

/// Every consistency warning of a loaded review, located in the files it was loaded from.
pub(crate) fn consistency_warnings(review: &Review, sources: &Sources, warnings: &mut Problems) {
    let review_file = &sources.review;
    let studies_file = &sources.studies;
    let no_analyses = SourceFile::new(review.dir.join("analyses.yaml"), String::new());
    let analyses_file = sources.analyses.as_ref().unwrap_or(&no_analyses);
    if let Some(flow) = review
        .protocol
        .search
        .as_ref()
        .and_then(|s| s.flow.as_ref())
    {
        let (line, column) = (
            flow.referenced.line() as usize,
            flow.referenced.column() as usize,
        );
        for message in prisma_checks(&flow.value, review.studies.included.len()) {
            warnings.add(&review_file.path, PRISMA, |_| {
                review_file.warning(line, column, message)
            });
        }
    }
    let rows = || {
        review
            .comparisons
            .iter()
            .flat_map(|c| &c.outcomes)
            .flat_map(|o| o.groups.iter().flat_map(|g| &g.rows).map(move |r| (o, r)))
    };
    // Sets, not a scan of every analysis and study per outcome: a review may have very many
    // outcomes and studies.
    let analysed: HashSet<&str> = review
        .comparisons
        .iter()
        .flat_map(|c| &c.outcomes)
        .map(|o| o.outcome.as_str())
        .collect();
    let reported: HashSet<&str> = review
        .studies
        .included
        .iter()
        .flat_map(|s| &s.outcomes_reported)
        .map(|r| r.outcome.value.as_str())
        .collect();
    for outcome in &review.protocol.outcomes {
        let id = outcome.id.value.as_str();
        if !analysed.contains(id) && !reported.contains(id) {
            warnings.add(&review_file.path, UNUSED_OUTCOME, |_| {
                review_file.warning_at(
                    outcome.id.referenced,
                    format!("outcome `{id}` is neither analysed nor reported by any study; the review will say that no studies reported it"),
                )
            });
        }
    }
    let with_rows: HashSet<&str> = rows().map(|(_, r)| r.study.as_str()).collect();
    for study in &review.studies.included {
        let id = study.id.value.as_str();
        let used = with_rows.contains(id) || !study.outcomes_reported.is_empty();
        if !used {
            warnings.add(&studies_file.path, UNUSED_STUDY, |_| {
                studies_file.warning_at(
                    study.id.referenced,
                    format!(
                        "included study `{id}` has no data in analyses.yaml and no outcomes_reported"
                    ),
                )
            });
        }
    }
    // A comparison with a main analysis has a Summary of findings table, whose header names
    // the population given for it or for the review, and without either leaves it out.
    let without_population = review.protocol.population.is_none()
        && review.comparisons.iter().any(|c| {
            c.outcomes
                .iter()
                .any(|o| o.role == crate::model::Role::Main)
                && c.summary_of_findings
                    .as_ref()
                    .is_none_or(|s| s.population.is_none())
        });
    if without_population {
        warnings.add(&review_file.path, NO_POPULATION, |_| {
            review_file.warning(
                1,
                1,
                "review.yaml gives no `population`, so the Summary of findings tables say nothing of the patients or population: add one (`population: adults with generalised anxiety disorder`), or give one in a comparison's `summary_of_findings`",
            )
        });
    }
    for comparison in &review.comparisons {
        for outcome in &comparison.outcomes {
            let has_rows = outcome.groups.iter().any(|g| !g.rows.is_empty());
            if let (Some(certainty), false) = (&outcome.certainty, has_rows) {
                warnings.add(&analyses_file.path, CERTAINTY_WITHOUT_DATA, |_| {
                    analyses_file.warning_at(
                        certainty.at,
                        format!("comparison `{}`, outcome `{}`: a certainty rating is given but the outcome has no data", comparison.id, outcome.id),
                    )
                });
            }
        }
    }
}
