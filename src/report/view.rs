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
    /// The plain language summary.
    pub plain_language_summary: PlainLanguageView,
    /// The studies.
    pub studies: StudiesView,
    /// The risk-of-bias tool and its domains.
    pub rob: RobView,
    /// The full review's generated sections.
    pub sections: SectionsView,
    /// The authors' text of the whole review beyond the abstract's fields.
    pub text: super::text::TextView,
    /// The Data and analyses tables, one per comparison.
    pub analyses: Vec<ComparisonView>,
    /// Every figure, in the order drawn.
    pub figures: Vec<FigureView>,
    /// The References section.
    pub references: ReferencesView,
}

impl ReviewContext {
    /// The views as Tera's values, as `tera::Context::from_serialize` would make them; with
    /// `worth`, the generated sections (about half of the work: a large review's serialisation
    /// is a twentieth of its build, on the pages' thread) on another thread beside the rest.
    pub fn to_tera(&self, worth: bool) -> tera::Context {
        // Every field by name, so that a field added to the views cannot be left out here.
        let ReviewContext {
            review,
            prose,
            abstract_,
            plain_language_summary,
            studies,
            rob,
            sections,
            text,
            analyses,
            figures,
            references,
        } = self;
        let (sections, mut context) = crate::parallel::join(
            worth,
            || tera::Value::from_serializable(sections),
            || {
                let mut context = tera::Context::new();
                context.insert("review", review);
                context.insert("prose", prose);
                context.insert("abstract", abstract_);
                context.insert("plain_language_summary", plain_language_summary);
                context.insert("studies", studies);
                context.insert("rob", rob);
                context.insert("text", text);
                context.insert("analyses", analyses);
                context.insert("figures", figures);
                context.insert("references", references);
                context
            },
        );
        context.insert_value("sections", sections);
        context
    }
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
    /// Risk of bias across the included studies, domains with the same judgements together.
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
    /// Sensitivity analyses (sensitivity.rs).
    pub sensitivity: super::sensitivity::SensitivitySection,
}

/// A comparison's Data and analyses table.
#[derive(Debug, Clone, Serialize)]
pub struct ComparisonView {
    /// The comparison's number.
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
    /// Studies with a row, estimable or not (Review Manager's count).
    pub studies: usize,
    /// Participants.
    pub participants: u64,
    /// "Risk Ratio (M-H, Random, 95% CI)".
    pub method: String,
    /// "0.65 [0.46, 0.90]", "Not estimable", or where the authors pooled no total "Subtotals
    /// only" or "Totals not selected".
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
    /// Included studies that did not report their participants, whom `participants` leaves
    /// out (so that a page says "at least").
    pub participants_unreported: usize,
    /// The tool version that wrote the page.
    pub generator: String,
}

/// The abstract's generated sections, and the authors' paragraphs it shows.
#[derive(Debug, Clone, Serialize, Default)]
pub struct AbstractView {
    /// "We searched ... (30 September 2015) and ...", or empty.
    pub search_methods: String,
    /// The Main results paragraphs, each plain text.
    pub main_results: Vec<String>,
    /// The authors' paragraphs (Markdown): each from the authors' own abstract
    /// (`authors_abstract`) when it gives the part, else from the review's field (a background
    /// given as one text, objectives, selection criteria, data collection).
    pub background: String,
    /// Objectives (Markdown).
    pub objectives: String,
    /// Selection criteria (Markdown).
    pub selection_criteria: String,
    /// Data collection and analysis (Markdown).
    pub data_collection: String,
    /// Authors' conclusions of their own abstract (Markdown), or empty: the abstract then
    /// shows `prose.conclusions_practice` and `prose.conclusions_research`.
    pub conclusions: String,
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
    /// The included studies' one risk-of-bias table, when every study has the same
    /// judgements and none gives support for them (said once instead of once per study).
    pub shared_risk_of_bias: Option<SharedRobView>,
}

/// A risk-of-bias table that holds for every included study.
#[derive(Debug, Clone, Serialize)]
pub struct SharedRobView {
    /// "All nine included studies have the same risk-of-bias judgements, with no support given
    /// for them:"
    pub sentence: String,
    /// The judgements, one row per domain (support empty).
    pub rows: Vec<RobRowView>,
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
    /// The comparison's number.
    pub number: usize,
    /// "Diuretic treatment compared with placebo or no treatment for pregnant women".
    pub title: String,
    /// Patient or population ("pregnant women"), or empty.
    pub population: String,
    /// Setting, or empty.
    pub setting: String,
    /// Intervention ("Diuretic treatment").
    pub intervention: String,
    /// Comparison ("Placebo or no treatment").
    pub comparison: String,
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
    /// The number of the analysis the row reports ("1.2"), or empty for an outcome the
    /// comparison has no analysis of.
    pub analysis: String,
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
    /// What the analysis is to its outcome: `main`, `subgroup` or `sensitivity`.
    pub role: String,
    /// For a sensitivity analysis, the number of the analysis it re-examines, or empty.
    pub sensitivity_of: String,
    /// Whether the abstract and the Summary of findings report this analysis.
    pub headline: bool,
}

/// A protocol outcome's analyses in Effects of interventions.
#[derive(Debug, Clone, Serialize)]
pub struct EffectsGroup {
    /// The protocol outcome's id.
    pub outcome: String,
    /// Its name as a heading ("Response rate").
    pub name: String,
    /// Its analyses, in order.
    pub analyses: Vec<EffectView>,
}

/// A comparison in Effects of interventions.
#[derive(Debug, Clone, Serialize)]
pub struct EffectsComparison {
    /// The comparison's number.
    pub number: usize,
    /// Title.
    pub name: String,
    /// Its analyses, in order.
    pub outcomes: Vec<EffectView>,
    /// Its analyses grouped by protocol outcome, in order of each outcome's first analysis.
    pub groups: Vec<EffectsGroup>,
}

/// The plain language summary: each part the authors' (Markdown) or generated (plain text).
#[derive(Debug, Clone, Serialize, Default)]
pub struct PlainLanguageView {
    /// The title.
    pub title: PlainPartView,
    /// Key messages, What did we do?, What did we find?, What are the limitations of the
    /// evidence?, How up to date is this evidence?: those with text, in that order.
    pub parts: Vec<PlainPartView>,
    /// Every part as generated, for the authors' text to quote.
    pub generated: GeneratedSummary,
}

/// One part of the plain language summary.
#[derive(Debug, Clone, Serialize, Default)]
pub struct PlainPartView {
    /// `title`, `key_messages`, `what_we_did`, `what_we_found`, `limitations` or `currency`.
    pub key: String,
    /// "Key messages", "What did we do?", ...; empty for the title.
    pub heading: String,
    /// The authors' part (Markdown), empty when the part is generated.
    pub authors: String,
    /// The generated part: paragraphs, or the items of a list (plain text).
    pub generated: Vec<String>,
    /// Whether `generated` is a list (Key messages) rather than paragraphs.
    pub list: bool,
}

/// The generated plain language summary, part by part (plain text).
#[derive(Debug, Clone, Serialize, Default)]
pub struct GeneratedSummary {
    /// "What are the effects of X compared with Y for Z?", or the review's title.
    pub title: String,
    /// The key messages, one sentence each.
    pub key_messages: Vec<String>,
    /// What did we do? (paragraphs).
    pub what_we_did: Vec<String>,
    /// What did we find? (paragraphs).
    pub what_we_found: Vec<String>,
    /// What are the limitations of the evidence? (paragraphs).
    pub limitations: Vec<String>,
    /// "The evidence is up to date to September 2015.", or empty without a search date.
    pub currency: String,
}
