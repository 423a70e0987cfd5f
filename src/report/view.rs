//! The values templates see: serialisable views of the review with ready-made text, so that
//! templates do no arithmetic and cannot disagree with the tables. Types only: the context
//! builder (`context`) and the generated text ([`super::sections`],
//! [`super::narrative`]) fill them in.

use serde::Serialize;
use std::collections::BTreeMap;

/// Everything a review's templates can print.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewContext {
    /// The review's identity.
    pub review: ReviewView,
    /// The authors' prose, rendered from Markdown templates to Markdown; print with `| safe`.
    pub prose: BTreeMap<String, String>,
    /// The abstract's generated parts.
    #[serde(rename = "abstract")]
    pub abstract_: AbstractView,
    /// The studies.
    pub studies: StudiesView,
    /// The risk-of-bias tool and its domains.
    pub rob: RobView,
    /// The full review's generated sections.
    pub sections: SectionsView,
    /// The Data and analyses tables, one per comparison.
    pub analyses: Vec<ComparisonView>,
    /// Every figure, in the order drawn.
    pub figures: Vec<FigureView>,
    /// The References section.
    pub references: ReferencesView,
}

/// The References section: Cochrane's lists of references, each present only when it has an
/// entry.
#[derive(Debug, Clone, Serialize, Default)]
pub struct ReferencesView {
    /// The lists, in Cochrane's order: studies included, excluded, awaiting assessment,
    /// ongoing; additional references.
    pub sections: Vec<ReferenceSection>,
    /// Whether a study's major publication is marked (a study with several reports).
    pub primary_marked: bool,
}

/// One list of references.
#[derive(Debug, Clone, Serialize)]
pub struct ReferenceSection {
    /// "References to studies included in this review", ..., "Additional references".
    pub title: String,
    /// Its studies (or, in Additional references, its references), in order.
    pub entries: Vec<ReferenceEntry>,
}

/// A study with its reports, or an additional reference.
#[derive(Debug, Clone, Serialize)]
pub struct ReferenceEntry {
    /// What citations print: the study's id, or the reference's label ("Higgins 2011").
    pub label: String,
    /// The id citations link to ("ref-higgins-2011").
    pub anchor: String,
    /// The anchor as a Markdown heading attribute ("{ #ref-higgins-2011 }"); print with `| safe`.
    pub heading_id: String,
    /// The formatted references: a study's reports, the primary one first.
    pub reports: Vec<ReportView>,
}

/// A formatted reference.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    /// *Markdown*: the reference in the review's citation style, every value escaped.
    pub text: String,
    /// The study's major publication, marked where a study has several reports.
    pub primary: bool,
}

/// The full review's generated sections (plain text; templates escape on output).
#[derive(Debug, Clone, Serialize, Default)]
pub struct SectionsView {
    /// Summary of findings tables, one per comparison.
    pub sof: Vec<SofTable>,
    /// Results of the search and the counts of studies.
    pub description_of_studies: Vec<String>,
    /// One sentence per risk-of-bias domain.
    pub risk_of_bias: Vec<String>,
    /// Effects of interventions, per comparison and outcome.
    pub effects: Vec<EffectsComparison>,
    /// Protocol outcomes that no study reported in any form.
    pub unreported: Vec<String>,
    /// Outcomes studies reported without data for a meta-analysis, with what they found.
    pub reported_without_data: Vec<String>,
    /// The measures and models the analyses used.
    pub methods: Vec<String>,
    /// The PRISMA flow diagram, when the search flow is given.
    pub prisma: Option<FigureView>,
    /// The risk-of-bias summary and graph.
    pub rob_figures: Vec<FigureView>,
    /// The protocol's primary outcomes ("maternal morbidity (febrile illness, ...)").
    pub primary_outcomes: Vec<String>,
    /// The protocol's secondary outcomes.
    pub secondary_outcomes: Vec<String>,
}

/// A comparison's Data and analyses table.
#[derive(Debug, Clone, Serialize)]
pub struct ComparisonView {
    /// 1-based number.
    pub number: usize,
    /// Title.
    pub name: String,
    /// Rows: outcomes, each followed by its subgroups.
    pub rows: Vec<AnalysisRowView>,
}

/// A row of a Data and analyses table.
#[derive(Debug, Clone, Serialize)]
pub struct AnalysisRowView {
    /// "1.1" or "1.1.1".
    pub number: String,
    /// Outcome or subgroup title.
    pub title: String,
    /// Studies with an estimable row.
    pub studies: usize,
    /// Participants.
    pub participants: u64,
    /// "Risk Ratio (M-H, Random, 95% CI)".
    pub method: String,
    /// "0.65 [0.46, 0.90]", or "Not estimable".
    pub effect: String,
    /// The id of the outcome's section in Effects of interventions, for links.
    pub anchor: String,
    /// Whether this is a subgroup row.
    pub subgroup: bool,
}

/// Title, authors, dates.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewView {
    /// Review id (folder name).
    pub slug: String,
    /// Title.
    pub title: String,
    /// Authors.
    pub authors: Vec<String>,
    /// "30 September 2015", when given.
    pub date: Option<String>,
    /// How participants are called.
    pub participants_noun: String,
    /// Included studies.
    pub included_count: usize,
    /// Randomised participants over the included studies that reported it.
    pub participants: i64,
    /// The tool version that wrote the page.
    pub generator: String,
}

/// The abstract's generated sections.
#[derive(Debug, Clone, Serialize)]
pub struct AbstractView {
    /// "We searched ... (30 September 2015) and ...", or empty.
    pub search_methods: String,
    /// The Main results paragraphs, each plain text.
    pub main_results: Vec<String>,
}

/// Included, excluded, ongoing and awaiting studies.
#[derive(Debug, Clone, Serialize)]
pub struct StudiesView {
    /// Included studies.
    pub included: Vec<IncludedView>,
    /// Excluded studies.
    pub excluded: Vec<NamedView>,
    /// Ongoing studies.
    pub ongoing: Vec<NamedView>,
    /// Studies awaiting classification.
    pub awaiting: Vec<NamedView>,
}

/// An included study's characteristics.
#[derive(Debug, Clone, Serialize)]
pub struct IncludedView {
    /// Study id.
    pub id: String,
    /// Countries, joined ("Brazil and Peru").
    pub countries: String,
    /// "36 adolescent mothers", or empty.
    pub participants: String,
    /// Setting.
    pub setting: String,
    /// The comparison's name.
    pub comparison: String,
    /// Methods (Markdown).
    pub methods: String,
    /// Interventions (Markdown).
    pub interventions: String,
    /// Notes (Markdown).
    pub notes: String,
    /// The protocol outcomes it reported, by name.
    pub outcomes: Vec<String>,
    /// Its risk-of-bias table.
    pub risk_of_bias: Vec<RobRowView>,
}

/// One row of a study's risk-of-bias table.
#[derive(Debug, Clone, Serialize)]
pub struct RobRowView {
    /// The domain's name.
    pub domain: String,
    /// "Low risk", "Unclear risk", ...
    pub judgement: String,
    /// Support for judgement (Markdown), or empty.
    pub support: String,
}

/// A study with one describing text.
#[derive(Debug, Clone, Serialize)]
pub struct NamedView {
    /// Study id.
    pub id: String,
    /// Reason or description.
    pub text: String,
}

/// The risk-of-bias tool.
#[derive(Debug, Clone, Serialize)]
pub struct RobView {
    /// "rob1" or "rob2".
    pub tool: String,
    /// Its domains.
    pub domains: Vec<DomainView>,
}

/// A risk-of-bias domain.
#[derive(Debug, Clone, Serialize)]
pub struct DomainView {
    /// A-G or D1-D5.
    pub letter: String,
    /// Name.
    pub name: String,
}

/// A figure file and what it shows.
#[derive(Debug, Clone, Serialize)]
pub struct FigureView {
    /// Path relative to the review's output folder ("figures/forest-1.1.svg").
    pub path: String,
    /// Title, used as the image's alternative text and caption.
    pub title: String,
    /// What the figure shows, in words.
    pub description: String,
}

impl FigureView {
    /// The view of a drawn figure.
    pub fn of(figure: &crate::plot::Figure) -> Self {
        FigureView {
            path: figure.path(),
            title: figure.title.clone(),
            description: figure.description.clone(),
        }
    }
}

/// A Summary of findings table for one comparison.
#[derive(Debug, Clone, Serialize)]
pub struct SofTable {
    /// 1-based comparison number.
    pub number: usize,
    /// "Diuretic treatment compared with placebo or no treatment for pregnant women".
    pub title: String,
    /// The control in running text.
    pub control: String,
    /// The intervention in running text.
    pub experimental: String,
    /// One row per analysed outcome.
    pub rows: Vec<SofRow>,
    /// Footnotes, in marker order.
    pub footnotes: Vec<Footnote>,
}

/// A row of a Summary of findings table.
#[derive(Debug, Clone, Serialize)]
pub struct SofRow {
    /// Outcome name.
    pub outcome: String,
    /// "200 per 1000", or "—" where no absolute risk applies.
    pub risk_control: String,
    /// "124 per 1000 (90 to 170)", or for continuous outcomes "The mean ... was 1.20 lower (...)".
    pub risk_experimental: String,
    /// "RR 0.62 (0.45 to 0.85)", or "—".
    pub relative: String,
    /// "1200 (3 studies)".
    pub participants: String,
    /// "⊕⊕⊕◯ Moderate", or "Not assessed".
    pub certainty: String,
    /// Footnote markers for the certainty cell ("a, b").
    pub markers: String,
    /// Comments.
    pub comments: String,
}

/// A footnote of a Summary of findings table.
#[derive(Debug, Clone, Serialize)]
pub struct Footnote {
    /// "a", "b", ...
    pub marker: String,
    /// The note.
    pub text: String,
}

/// An analysed outcome in Effects of interventions.
#[derive(Debug, Clone, Serialize)]
pub struct EffectView {
    /// "1.1".
    pub number: String,
    /// Outcome title.
    pub title: String,
    /// The effect sentence (empty when nothing is estimable).
    pub sentence: String,
    /// "Heterogeneity: ..." and "Test for overall effect: ..." and subgroup sentences.
    pub details: Vec<String>,
    /// How the result reads: reduces, increases, little_or_none, inconclusive, or none.
    pub reading: String,
    /// The forest plot.
    pub forest: Option<FigureView>,
    /// The funnel plot (10 or more studies).
    pub funnel: Option<FigureView>,
}

/// A comparison in Effects of interventions.
#[derive(Debug, Clone, Serialize)]
pub struct EffectsComparison {
    /// 1-based number.
    pub number: usize,
    /// Title.
    pub name: String,
    /// Its outcomes.
    pub outcomes: Vec<EffectView>,
}
