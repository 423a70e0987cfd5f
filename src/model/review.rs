//! review.yaml, validated: the protocol and the authors' prose.

use serde::Deserialize;
use std::collections::BTreeMap;

use super::{IdIndex, Located};

/// review.yaml.
#[derive(Debug, Clone)]
pub struct Protocol {
    /// The review's title.
    pub title: String,
    /// The authors' names.
    pub authors: Vec<String>,
    /// The version date (ISO, YYYY-MM-DD).
    pub date: Option<Located<String>>,
    /// How participants are called in generated text ("women").
    pub participants_noun: Option<String>,
    /// The population in words ("breastfeeding mothers").
    pub population: Option<String>,
    /// The authors' plain language summary, whole or by parts (md); what they leave out is
    /// generated.
    pub plain_language_summary: Option<PlainLanguageSummary>,
    /// Background (md).
    pub background: Option<Located<String>>,
    /// Objectives (md).
    pub objectives: Option<Located<String>>,
    /// The search.
    pub search: Option<Search>,
    /// Selection criteria (md).
    pub selection_criteria: Option<Located<String>>,
    /// "Data collection and analysis" of the abstract (md).
    pub data_collection: Option<Located<String>>,
    /// The protocol's outcomes, in order.
    pub outcomes: Vec<ProtocolOutcome>,
    /// The comparisons the protocol planned.
    pub comparisons: Vec<PlannedComparison>,
    /// Discussion (md).
    pub discussion: Option<Located<String>>,
    /// Authors' conclusions.
    pub conclusions: Option<Conclusions>,
    /// Keep the authors' raw HTML in prose (sanitised by an allowlist) instead of showing it
    /// as text. Default false.
    pub raw_html: bool,
    /// The rest of the review's text: subsections, end matter, appendices, tables, history.
    pub text: super::text::FullText,
    /// The GRADE assistant's thresholds, and whether the page links its evidence profile.
    pub grade: super::GradeSettings,
    /// `outcomes` by id.
    pub(crate) outcome_index: IdIndex,
    /// `comparisons` by id.
    pub(crate) comparison_index: IdIndex,
}

impl Protocol {
    /// The outcome with this id.
    pub fn outcome(&self, id: &str) -> Option<&ProtocolOutcome> {
        self.outcome_index.find(&self.outcomes, |o| &o.id.value, id)
    }

    /// The planned comparison with this id.
    pub fn comparison(&self, id: &str) -> Option<&PlannedComparison> {
        self.comparison_index
            .find(&self.comparisons, |c| &c.id.value, id)
    }

    /// Whether `id` is an outcome of the protocol.
    pub fn has_outcome(&self, id: &str) -> bool {
        self.outcome_index.contains(id)
    }
}

/// The search: sources, date and the PRISMA flow.
#[derive(Debug, Clone)]
pub struct Search {
    /// Date of the last search (ISO).
    pub date: Option<Located<String>>,
    /// Databases and registers searched.
    pub sources: Vec<String>,
    /// Other sources (reference lists, contact with authors).
    pub other: Vec<String>,
    /// PRISMA 2020 counts.
    pub flow: Option<Located<Flow>>,
}

/// PRISMA 2020 flow counts; all optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flow {
    /// Records identified.
    pub identified: Option<u64>,
    /// Duplicate records removed.
    pub duplicates_removed: Option<u64>,
    /// Records screened.
    pub screened: Option<u64>,
    /// Records excluded at screening.
    pub excluded_screening: Option<u64>,
    /// Full-text reports assessed.
    pub full_text: Option<u64>,
    /// Reports excluded, by reason.
    #[serde(default)]
    pub excluded_full_text: BTreeMap<String, u64>,
    /// Studies included.
    pub included: Option<u64>,
}

impl Flow {
    /// The reasons for excluding reports, the most common first (ties by name), as the text and
    /// the flow diagram list them.
    pub fn reasons_by_count(&self) -> Vec<(&str, u64)> {
        let mut reasons: Vec<(&str, u64)> = self
            .excluded_full_text
            .iter()
            .map(|(reason, n)| (reason.as_str(), *n))
            .collect();
        reasons.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        reasons
    }
}

/// Primary or secondary outcome.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    /// A primary outcome.
    Primary,
    /// A secondary outcome.
    Secondary,
}

impl Priority {
    /// "primary" or "secondary".
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Primary => "primary",
            Priority::Secondary => "secondary",
        }
    }
}

/// An outcome of the protocol.
#[derive(Debug, Clone)]
pub struct ProtocolOutcome {
    /// Slug, unique in the review.
    pub id: Located<String>,
    /// The outcome's name in running text ("maternal morbidity").
    pub name: String,
    /// What it covers ("febrile illness, diarrhoea").
    pub detail: Option<String>,
    /// Primary or secondary (default secondary).
    pub priority: Priority,
    /// A free group label ("maternal", "infant").
    pub group: Option<String>,
}

/// A comparison the protocol planned.
#[derive(Debug, Clone)]
pub struct PlannedComparison {
    /// Slug.
    pub id: Located<String>,
    /// The comparison in words.
    pub name: String,
    /// The experimental intervention in running text.
    pub experimental: Option<String>,
    /// The control in running text.
    pub control: Option<String>,
}

/// Authors' conclusions.
#[derive(Debug, Clone)]
pub struct Conclusions {
    /// Implications for practice (md).
    pub practice: Option<Located<String>>,
    /// Implications for research (md).
    pub research: Option<Located<String>>,
}

/// The authors' plain language summary: the whole summary, or some of its parts in Cochrane's
/// structure (each replaces the generated part; the others stay generated).
#[derive(Debug, Clone)]
pub enum PlainLanguageSummary {
    /// The whole summary (md).
    Whole(Located<String>),
    /// Some of its parts.
    Parts(PlainLanguageParts),
}

/// The parts of a plain language summary the authors wrote (md each).
#[derive(Debug, Clone, Default)]
pub struct PlainLanguageParts {
    /// The title.
    pub title: Option<Located<String>>,
    /// Key messages.
    pub key_messages: Option<Located<String>>,
    /// What did we do?
    pub what_we_did: Option<Located<String>>,
    /// What did we find?
    pub what_we_found: Option<Located<String>>,
    /// What are the limitations of the evidence?
    pub limitations: Option<Located<String>>,
    /// How up to date is this evidence?
    pub currency: Option<Located<String>>,
}
