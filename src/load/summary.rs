//! analyses.yaml's outcome model checked: a sensitivity analysis names an analysis of its
//! comparison, and a Summary of findings names analyses of its comparison or protocol
//! outcomes, at most seven rows.

use super::raw::SofSpec;
use crate::diagnostic::{Kind, Problems, SourceFile};
use crate::model::{
    Located, Location, Protocol, Role, SofEntry, SofTarget, SummaryOfFindings, default_headlines,
};

const UNKNOWN_ANALYSIS: Kind = Kind::error("an analysis that is not in its comparison");
const BAD_ROW: Kind = Kind::error("a Summary of findings row that is not one analysis or outcome");
const TOO_MANY_ROWS: Kind = Kind::error("a Summary of findings with more than seven rows");
const MISPLACED: Kind =
    Kind::error("`sensitivity_of` on an analysis that is not a sensitivity analysis");
const MANY_HEADLINES: Kind =
    Kind::warning("a comparison whose Summary of findings would list more than seven outcomes");
const OWN_ARMS_LEFT_OUT: Kind = Kind::warning(
    "a rated headline analysis with arms of its own, which no Summary of findings shows",
);

/// Most rows of a Summary of findings (Cochrane Handbook 14.1.4: up to seven outcomes).
pub const MAX_ROWS: usize = 7;

/// An analysis of a comparison as analyses.yaml writes it: its id, protocol outcome, role and
/// what it re-examines, whether it names arms of its own, and where its certainty is rated.
pub(crate) struct Written<'a> {
    pub id: &'a str,
    pub outcome: &'a str,
    pub role: Option<&'a Located<Role>>,
    pub sensitivity_of: Option<&'a Located<String>>,
    pub own_arms: bool,
    pub rated_at: Option<Location>,
}

/// Checks each analysis's `sensitivity_of` against the analyses of its comparison (`all`).
pub(crate) fn check_roles(
    comparison: &str,
    all: &[Written],
    file: &SourceFile,
    problems: &mut Problems,
) {
    for a in all {
        let Some(of) = a.sensitivity_of else { continue };
        let context = format!("comparison `{comparison}`, outcome `{}`", a.id);
        if a.role.map(|r| r.value) != Some(Role::Sensitivity) {
            problems.add(&file.path, MISPLACED, |_| {
                file.error_at(
                    of.referenced,
                    format!("{context}: `sensitivity_of` applies to `role: sensitivity` only"),
                )
            });
        } else if of.value == a.id || !all.iter().any(|b| b.id == of.value) {
            problems.add(&file.path, UNKNOWN_ANALYSIS, |hint| {
                file.error_at(
                    of.referenced,
                    format!(
                        "{context}: `sensitivity_of: {}` is not another analysis of this comparison",
                        of.value
                    ),
                )
                .suggest_if(hint, &of.value, all.iter().map(|b| b.id))
            });
        }
    }
}

/// Warns when a comparison without `summary_of_findings` has more than seven protocol outcomes:
/// its table would list them all (`outcomes`: each analysis's protocol outcome).
pub(crate) fn check_headline_count(
    comparison: &Located<String>,
    outcomes: &[&str],
    file: &SourceFile,
    problems: &mut Problems,
) {
    let mut distinct: Vec<&str> = outcomes.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() > MAX_ROWS {
        problems.add(&file.path, MANY_HEADLINES, |_| {
            file.warning_at(
                comparison.referenced,
                format!(
                    "comparison `{}`: its Summary of findings lists all {} outcomes; a Summary of findings lists at most {MAX_ROWS} (Cochrane Handbook 14.1.4): choose them with `summary_of_findings`",
                    comparison.value,
                    distinct.len()
                ),
            )
        });
    }
}

/// Warns at the certainty of each headline analysis of a comparison without
/// `summary_of_findings` (`all`: its analyses) that is rated and has arms of its own: the
/// table's risk columns name the comparison's arms, so it leaves such an analysis out, and the
/// rating would be seen in the text only.
pub(crate) fn check_own_arms_headlines(
    comparison: &str,
    all: &[Written],
    file: &SourceFile,
    problems: &mut Problems,
) {
    let analyses: Vec<(&str, bool)> = all
        .iter()
        .map(|a| (a.outcome, a.role.is_none_or(|r| r.value == Role::Main)))
        .collect();
    for i in default_headlines(&analyses) {
        let a = &all[i];
        // A comparison of subgroup or sensitivity analyses only has no table at all.
        let (true, Some(at), true) = (a.own_arms, a.rated_at, analyses[i].1) else {
            continue;
        };
        problems.add(&file.path, OWN_ARMS_LEFT_OUT, |_| {
            file.warning_at(
                at,
                format!(
                    "comparison `{comparison}`, outcome `{}`: rated for certainty, but with arms of its own (`experimental`, `control`) it has no row in the Summary of findings, whose risk columns name the comparison's arms",
                    a.id
                ),
            )
            .with_help("to give it a row, name it in the comparison's `summary_of_findings` (docs/format.md)")
        });
    }
}

/// The Summary of findings of comparison `comparison` whose analyses are `analyses` (their ids
/// as written); None when it has errors.
pub(crate) fn resolve(
    spec: SofSpec,
    comparison: &str,
    analyses: &[&str],
    protocol: Option<&Protocol>,
    file: &SourceFile,
    problems: &mut Problems,
) -> Option<SummaryOfFindings> {
    let context = format!("comparison `{comparison}`, summary_of_findings");
    let errors_before = problems.errors();
    if spec.outcomes.len() > MAX_ROWS {
        problems.add(&file.path, TOO_MANY_ROWS, |_| {
            file.error_at(
                spec.at,
                format!(
                    "{context}: {} rows; a Summary of findings lists at most {MAX_ROWS} outcomes (Cochrane Handbook 14.1.4)",
                    spec.outcomes.len()
                ),
            )
        });
    }
    let mut rows = Vec::new();
    for row in spec.outcomes {
        let target = match (row.analysis, row.outcome) {
            (Some(a), None) => {
                if !analyses.contains(&a.value.as_str()) {
                    problems.add(&file.path, UNKNOWN_ANALYSIS, |hint| {
                        file.error_at(
                            a.referenced,
                            format!(
                                "{context}: `{}` is not an analysis of this comparison",
                                a.value
                            ),
                        )
                        .suggest_if(
                            hint,
                            &a.value,
                            analyses.iter().copied(),
                        )
                    });
                }
                SofTarget::Analysis(a.value)
            }
            (None, Some(o)) => {
                if let Some(p) = protocol
                    && !p.has_outcome(&o.value)
                {
                    problems.add(&file.path, UNKNOWN_ANALYSIS, |hint| {
                        file.error_at(
                            o.referenced,
                            format!("{context}: `{}` is not an outcome of review.yaml", o.value),
                        )
                        .suggest_if(
                            hint,
                            &o.value,
                            p.outcomes.iter().map(|o| o.id.value.as_str()),
                        )
                    });
                }
                SofTarget::Outcome(o.value)
            }
            (a, o) => {
                let which = if a.is_some() && o.is_some() {
                    "both"
                } else {
                    "neither"
                };
                problems.add(&file.path, BAD_ROW, |_| {
                    file.error_at(
                        row.at,
                        format!(
                            "{context}: a row with {which} `analysis` and `outcome`: give one (an analysis id of this comparison, or a protocol outcome it has no analysis of)"
                        ),
                    )
                });
                continue;
            }
        };
        rows.push(SofEntry {
            target,
            label: row.label,
            comments: row.comments,
        });
    }
    if problems.errors() > errors_before {
        return None;
    }
    Some(SummaryOfFindings {
        population: spec.population,
        setting: spec.setting,
        intervention: spec.intervention,
        comparison: spec.comparison,
        rows,
        footnotes: spec
            .footnotes
            .into_iter()
            .map(|(key, text)| (key.value, text))
            .collect(),
    })
}
