//! The authors' text of a whole Cochrane review beyond the fields the abstract is made of
//! (review.yaml): sections with Cochrane's subsections, the end matter (acknowledgements,
//! contributions, declarations of interest, sources of support, differences between protocol
//! and review), appendices, additional tables, history, the authors' What's new, feedback and
//! the authors' own abstract. Every part is optional prose, kept with where it was written.

use super::Located;

/// Subsections of a section by key, in Cochrane's order, each as the authors wrote it.
pub type Parts = Vec<(&'static str, Located<String>)>;

/// A section given whole (a string) or by its subsections (a mapping).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sectioned {
    /// The whole section, when given as a string.
    pub whole: Option<Located<String>>,
    /// Its subsections, when given as a mapping.
    pub parts: Parts,
}

impl Sectioned {
    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.whole.is_none() && self.parts.is_empty()
    }
}

/// The subsection keys of each sectioned field, in Cochrane's order, with Cochrane's heading
/// (which the importer maps Review Manager's sections by, and the docs list).
pub mod keys {
    /// background.
    pub const BACKGROUND: &[(&str, &str)] = &[
        ("condition", "Description of the condition"),
        ("intervention", "Description of the intervention"),
        ("how_it_works", "How the intervention might work"),
        ("why_important", "Why it is important to do this review"),
    ];
    /// methods.
    pub const METHODS: &[(&str, &str)] = &[
        (
            "criteria",
            "Criteria for considering studies for this review",
        ),
        ("search", "Search methods for identification of studies"),
        ("data_collection", "Data collection and analysis"),
    ];
    /// methods.criteria.
    pub const CRITERIA: &[(&str, &str)] = &[
        ("studies", "Types of studies"),
        ("participants", "Types of participants"),
        ("interventions", "Types of interventions"),
        ("outcomes", "Types of outcome measures"),
    ];
    /// methods.search.
    pub const SEARCH: &[(&str, &str)] = &[
        ("electronic", "Electronic searches"),
        ("other", "Searching other resources"),
    ];
    /// methods.data_collection.
    pub const DATA_COLLECTION: &[(&str, &str)] = &[
        ("selection", "Selection of studies"),
        ("extraction", "Data extraction and management"),
        (
            "risk_of_bias",
            "Assessment of risk of bias in included studies",
        ),
        ("effect_measures", "Measures of treatment effect"),
        ("unit_of_analysis", "Unit of analysis issues"),
        ("missing_data", "Dealing with missing data"),
        ("heterogeneity", "Assessment of heterogeneity"),
        ("reporting_bias", "Assessment of reporting biases"),
        ("synthesis", "Data synthesis"),
        (
            "subgroups",
            "Subgroup analysis and investigation of heterogeneity",
        ),
        ("sensitivity", "Sensitivity analysis"),
        (
            "certainty",
            "Summary of findings and assessment of the certainty of the evidence",
        ),
    ];
    /// results.
    pub const RESULTS: &[(&str, &str)] = &[
        ("search", "Results of the search"),
        ("included", "Included studies"),
        ("excluded", "Excluded studies"),
        ("risk_of_bias", "Risk of bias in included studies"),
        ("effects", "Effects of interventions"),
    ];
    /// results.risk_of_bias.
    pub const RISK_OF_BIAS: &[(&str, &str)] = &[
        ("allocation", "Allocation"),
        ("blinding", "Blinding"),
        ("incomplete_data", "Incomplete outcome data"),
        ("selective_reporting", "Selective reporting"),
        ("other", "Other potential sources of bias"),
    ];
    /// discussion.
    pub const DISCUSSION: &[(&str, &str)] = &[
        ("summary", "Summary of main results"),
        (
            "completeness",
            "Overall completeness and applicability of evidence",
        ),
        ("certainty", "Quality of the evidence"),
        ("biases", "Potential biases in the review process"),
        (
            "agreements",
            "Agreements and disagreements with other studies or reviews",
        ),
    ];
    /// authors_abstract.
    pub const ABSTRACT: &[(&str, &str)] = &[
        ("background", "Background"),
        ("objectives", "Objectives"),
        ("search_methods", "Search methods"),
        ("selection_criteria", "Selection criteria"),
        ("data_collection", "Data collection and analysis"),
        ("main_results", "Main results"),
        ("conclusions", "Authors' conclusions"),
    ];
}

/// The methods as the authors wrote them, beside the generated methods.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Methods {
    /// The whole methods section, when given as a string.
    pub whole: Option<Located<String>>,
    /// Criteria for considering studies for this review.
    pub criteria: Sectioned,
    /// Search methods for identification of studies.
    pub search: Sectioned,
    /// Data collection and analysis.
    pub data_collection: Sectioned,
}

impl Methods {
    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.whole.is_none()
            && self.criteria.is_empty()
            && self.search.is_empty()
            && self.data_collection.is_empty()
    }
}

/// The results as the authors wrote them, beside the generated results.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResultsText {
    /// The whole results section, when given as a string.
    pub whole: Option<Located<String>>,
    /// Results of the search.
    pub search: Option<Located<String>>,
    /// Included studies.
    pub included: Option<Located<String>>,
    /// Excluded studies.
    pub excluded: Option<Located<String>>,
    /// Risk of bias in included studies.
    pub risk_of_bias: Sectioned,
    /// Effects of interventions.
    pub effects: Option<Located<String>>,
}

/// An entry with a title and a text: an appendix, a piece of feedback.
#[derive(Debug, Clone, PartialEq)]
pub struct Titled {
    /// Its title.
    pub title: String,
    /// Its text (prose).
    pub text: Located<String>,
}

/// A dated entry of the history or of the authors' What's new.
#[derive(Debug, Clone, PartialEq)]
pub struct Dated {
    /// The date: YYYY-MM-DD, YYYY-MM or YYYY.
    pub date: Located<String>,
    /// What happened (prose).
    pub text: Located<String>,
}

/// An additional table: Markdown, or rows read from a CSV file.
#[derive(Debug, Clone, PartialEq)]
pub struct AdditionalTable {
    /// Its title.
    pub title: String,
    /// What it is: `summary_of_findings` for a Summary of findings table kept as the authors
    /// wrote it (one revmark could not map to analyses).
    pub kind: Option<String>,
    /// The table as Markdown (prose), when given as `body`.
    pub body: Option<Located<String>>,
    /// The table's cells, header first, when given as `data` (a CSV file).
    pub data: Option<Vec<Vec<String>>>,
    /// Notes under the table (prose).
    pub footnotes: Option<Located<String>>,
}

/// Sources of support.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Support {
    /// Internal sources, each prose.
    pub internal: Vec<Located<String>>,
    /// External sources, each prose.
    pub external: Vec<Located<String>>,
}

/// Whether the published page links to the author view.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AuthorView {
    /// Written beside the page, not linked from it.
    #[default]
    Unlinked,
    /// Linked from the page's footer.
    Linked,
}

/// Every part of the review's text that is not one of the abstract's fields.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FullText {
    /// Background by its subsections (the whole background is `Protocol::background`).
    pub background: Parts,
    /// The authors' methods.
    pub methods: Methods,
    /// The authors' results.
    pub results: ResultsText,
    /// Discussion by its subsections (the whole discussion is `Protocol::discussion`).
    pub discussion: Parts,
    /// Acknowledgements.
    pub acknowledgements: Option<Located<String>>,
    /// Contributions of authors.
    pub contributions: Option<Located<String>>,
    /// Declarations of interest.
    pub declarations_of_interest: Option<Located<String>>,
    /// Sources of support.
    pub sources_of_support: Support,
    /// Differences between protocol and review.
    pub differences_from_protocol: Option<Located<String>>,
    /// Appendices, in order.
    pub appendices: Vec<Titled>,
    /// Additional tables, in order.
    pub additional_tables: Vec<AdditionalTable>,
    /// History, in the order written.
    pub history: Vec<Dated>,
    /// The authors' What's new (revmark's own What's new compares the results).
    pub whats_new: Vec<Dated>,
    /// Feedback, in order.
    pub feedback: Vec<Titled>,
    /// The authors' own abstract by its parts, kept to compare with the generated one.
    pub authors_abstract: Parts,
    /// Whether the page links to the author view.
    pub author_view: AuthorView,
}
