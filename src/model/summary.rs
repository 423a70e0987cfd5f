//! The outcome model of a real review: an analysis is one way a protocol outcome is analysed
//! (its `role`), and each comparison's Summary of findings names the headline analyses, in
//! order, with the table's header, comments and footnotes.

use super::Located;

/// What an analysis is to its protocol outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Role {
    /// The analysis of the outcome (or one of them: time points, measures).
    #[default]
    Main,
    /// A subgroup analysis of the outcome.
    Subgroup,
    /// A sensitivity analysis, re-examining another analysis.
    Sensitivity,
}

impl Role {
    /// `main`, `subgroup` or `sensitivity`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Main => "main",
            Role::Subgroup => "subgroup",
            Role::Sensitivity => "sensitivity",
        }
    }
}

/// The headline analyses of a comparison without a Summary of findings, as indexes into
/// `analyses` (each analysis's protocol outcome, and whether its role is main): the first main
/// analysis of each protocol outcome, or its first analysis when none is main, in analysis
/// order. The one rule for the tables, the abstract and `check`'s warnings.
pub fn default_headlines(analyses: &[(&str, bool)]) -> Vec<usize> {
    let mut chosen: Vec<usize> = Vec::new();
    for (i, &(outcome, main)) in analyses.iter().enumerate() {
        match chosen.iter().position(|&j| analyses[j].0 == outcome) {
            None => chosen.push(i),
            // A main analysis takes the place of a subgroup or sensitivity analysis before it.
            Some(k) if !analyses[chosen[k]].1 && main => chosen[k] = i,
            Some(_) => {}
        }
    }
    chosen.sort_unstable();
    chosen
}

/// A comparison's Summary of findings as the authors specified it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SummaryOfFindings {
    /// Patient or population.
    pub population: Option<String>,
    /// Setting.
    pub setting: Option<String>,
    /// Intervention.
    pub intervention: Option<String>,
    /// Comparison.
    pub comparison: Option<String>,
    /// The rows, in order (at most seven).
    pub rows: Vec<SofEntry>,
    /// The authors' footnotes by marker (prose), referred to from comments.
    pub footnotes: Vec<(String, Located<String>)>,
}

/// A row of a Summary of findings.
#[derive(Debug, Clone, PartialEq)]
pub struct SofEntry {
    /// What the row shows.
    pub target: SofTarget,
    /// The outcome as the row names it, in place of the analysis's name.
    pub label: Option<String>,
    /// The Comments column (prose).
    pub comments: Option<Located<String>>,
}

/// What a Summary of findings row shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SofTarget {
    /// An analysis of the comparison, by id: a headline analysis.
    Analysis(String),
    /// A protocol outcome without an analysis in the comparison, by id.
    Outcome(String),
}
