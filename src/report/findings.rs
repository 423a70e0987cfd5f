//! What the generated text says of each analysed outcome: its [`OutcomeResults`], with what
//! the results do not hold but the text needs — the running-text words for the comparison's
//! two arms, and the authors' settings for the outcome (smallest important effect, assumed
//! risk, reasons for the certainty) — found by id in the review.

use std::collections::HashMap;

use crate::english;
use crate::model::{AnalysisOutcome, Comparison, Review, Role, SofTarget, default_headlines};
use crate::results::{ComparisonResults, OutcomeResults, Results};

/// The findings of one comparison.
#[derive(Debug, Clone)]
pub struct ComparisonFindings<'a> {
    /// Its results.
    pub results: &'a ComparisonResults,
    /// The experimental intervention in running text ("diuretics").
    pub experimental: String,
    /// The control in running text ("placebo or no treatment").
    pub control: String,
    /// Its analysed outcomes, in order.
    pub outcomes: Vec<Finding<'a>>,
    /// The headline analyses, as indexes into `outcomes`, in the order the text reports them:
    /// those the Summary of findings names, or else each protocol outcome's first main
    /// analysis.
    pub headline: Vec<usize>,
    /// Whether the authors gave the comparison a Summary of findings.
    pub summary_of_findings: bool,
}

impl<'a> ComparisonFindings<'a> {
    /// The headline analyses, in order.
    pub fn headline(&self) -> impl Iterator<Item = &Finding<'a>> {
        self.headline.iter().map(|&i| &self.outcomes[i])
    }

    /// Whether the analysis at `index` of `outcomes` is a headline analysis.
    pub fn is_headline(&self, index: usize) -> bool {
        self.headline.contains(&index)
    }

    /// Whether the comparison analyses again what others analyse: every analysis of it is a
    /// subgroup or sensitivity analysis (`role`), and no Summary of findings makes one of them
    /// a headline. Review Manager reviews often keep such analyses as comparisons of their own
    /// ("Sensitivity analysis: antimicrobial versus placebo by allocation concealment").
    pub fn is_reanalysis(&self) -> bool {
        !self.summary_of_findings
            && !self.outcomes.is_empty()
            && self
                .outcomes
                .iter()
                .all(|f| f.spec.is_some_and(|s| s.role != Role::Main))
    }

    /// Whether every headline analysis compares arms of its own (analyses.yaml `experimental`
    /// or `control`), none the comparison's, and no Summary of findings says what the
    /// comparison's table holds: the comparison then has no table (see
    /// [`super::sof::summary_of_findings`]).
    pub fn headlines_all_own_arms(&self) -> bool {
        !self.summary_of_findings
            && !self.headline.is_empty()
            && self.headline().all(Finding::has_own_arms)
    }
}

/// Which comparisons the abstract and the Summary of findings report: all but those that
/// analyse again what another analyses ([`ComparisonFindings::is_reanalysis`]), or all of
/// them when every comparison does (there is then no other to prefer).
pub fn reported(findings: &[ComparisonFindings]) -> impl Fn(&ComparisonFindings) -> bool + Copy {
    let all_reanalyses = findings.iter().all(ComparisonFindings::is_reanalysis);
    move |c| all_reanalyses || !c.is_reanalysis()
}

/// The headline analyses of a comparison (indexes into `outcomes`): the analyses its Summary
/// of findings names, in its order; without one, the first main analysis of each protocol
/// outcome (or its first analysis, when none is main), in analysis order.
pub fn headline(outcomes: &[Finding], analysed: Option<&Comparison>) -> Vec<usize> {
    if let Some(sof) = analysed.and_then(|c| c.summary_of_findings.as_ref()) {
        return sof
            .rows
            .iter()
            .filter_map(|row| match &row.target {
                SofTarget::Analysis(id) => outcomes.iter().position(|f| &f.result.id == id),
                SofTarget::Outcome(_) => None,
            })
            .collect();
    }
    let analyses: Vec<(&str, bool)> = outcomes
        .iter()
        .map(|f| {
            let main = f.spec.is_none_or(|s| s.role == Role::Main);
            (f.result.outcome.as_str(), main)
        })
        .collect();
    default_headlines(&analyses)
}

/// One analysed outcome.
#[derive(Debug, Clone, Copy)]
pub struct Finding<'a> {
    /// Its results.
    pub result: &'a OutcomeResults,
    /// The outcome as the authors specified it in analyses.yaml.
    pub spec: Option<&'a AnalysisOutcome>,
}

impl Finding<'_> {
    /// The smallest important effect (a ratio above 1, or a difference above 0), if any.
    pub fn important_effect(&self) -> Option<f64> {
        self.spec.and_then(|s| s.important_effect)
    }

    /// Whether the analysis compares arms of its own, not its comparison's (a comparison that
    /// gathers analyses of different pairs, as Review Manager reviews keep "Direct evidence not
    /// in network").
    pub fn has_own_arms(&self) -> bool {
        self.spec
            .is_some_and(|s| s.experimental.is_some() || s.control.is_some())
    }
}

/// The findings of every comparison of `results`, in order.
pub fn findings<'a>(review: &'a Review, results: &'a Results) -> Vec<ComparisonFindings<'a>> {
    // The first comparison (and outcome) with an id wins, as a search would find.
    let mut comparisons: HashMap<&str, &Comparison> = HashMap::new();
    let mut specs: HashMap<(&str, &str), &AnalysisOutcome> = HashMap::new();
    for c in &review.comparisons {
        comparisons.entry(c.id.as_str()).or_insert(c);
        for o in &c.outcomes {
            specs.entry((c.id.as_str(), o.id.as_str())).or_insert(o);
        }
    }
    results
        .comparisons
        .iter()
        .map(|c| {
            let analysed = comparisons.get(c.id.as_str()).copied();
            let (experimental, control) = arms_in_text(review, &c.id, analysed);
            let outcomes: Vec<Finding> = c
                .outcomes
                .iter()
                .map(|result| Finding {
                    result,
                    spec: specs.get(&(c.id.as_str(), result.id.as_str())).copied(),
                })
                .collect();
            let headline = headline(&outcomes, analysed);
            ComparisonFindings {
                results: c,
                experimental,
                control,
                outcomes,
                headline,
                summary_of_findings: analysed.is_some_and(|a| a.summary_of_findings.is_some()),
            }
        })
        .collect()
}

/// The comparison's arms in running text: as review.yaml words them, or else its labels in
/// analyses.yaml, decapitalised.
fn arms_in_text(review: &Review, id: &str, analysed: Option<&Comparison>) -> (String, String) {
    let planned = review
        .protocol
        .comparisons
        .iter()
        .find(|p| p.id.value == id);
    let running_text = |planned: Option<&String>, label: Option<&String>| {
        planned
            .cloned()
            .unwrap_or_else(|| english::decapitalise(label.map_or("", String::as_str)))
    };
    (
        running_text(
            planned.and_then(|p| p.experimental.as_ref()),
            analysed.map(|a| &a.experimental),
        ),
        running_text(
            planned.and_then(|p| p.control.as_ref()),
            analysed.map(|a| &a.control),
        ),
    )
}

/// The first analysis of each protocol outcome, comparison by comparison (a later analysis of
/// the same outcome is a time point, subgroup or sensitivity analysis of it): whether any of
/// them has data decides whether the abstract says there were no quantitative data. (The
/// results the abstract and the plain language summary speak of are each reported
/// comparison's [`ComparisonFindings::headline`].)
pub fn headlines<'c, 'a>(
    findings: &'c [ComparisonFindings<'a>],
) -> Vec<(&'c ComparisonFindings<'a>, &'c Finding<'a>)> {
    let mut out = Vec::new();
    for c in findings {
        let mut seen: Vec<&str> = Vec::new();
        for f in &c.outcomes {
            let outcome = f.result.outcome.as_str();
            if !seen.contains(&outcome) {
                seen.push(outcome);
                out.push((c, f));
            }
        }
    }
    out
}
