//! The values templates see: serialisable views of the review with ready-made text, so that
//! templates do no arithmetic and cannot disagree with the tables.

use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

use crate::english;
use crate::model::{IncludedStudy, Review};

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
}

/// The full review's generated sections (plain text; templates escape on output).
#[derive(Debug, Clone, Serialize, Default)]
pub struct SectionsView {
    /// Summary of findings tables, one per comparison.
    pub sof: Vec<super::sections::SofTable>,
    /// Results of the search and the counts of studies.
    pub description_of_studies: Vec<String>,
    /// One sentence per risk-of-bias domain.
    pub risk_of_bias: Vec<String>,
    /// Effects of interventions, per comparison and outcome.
    pub effects: Vec<super::sections::EffectsComparison>,
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

/// The Data and analyses tables from the results.
pub fn analyses_view(results: &crate::results::Results) -> Vec<ComparisonView> {
    use crate::format::{effect_bracketed, measure_name, method_line};
    let effect = |pooled: Option<&crate::results::Pooled>| match pooled {
        Some(p) => effect_bracketed(p.estimate, p.ci_low, p.ci_high),
        None => "Not estimable".to_string(),
    };
    results
        .comparisons
        .iter()
        .map(|c| {
            let mut rows = Vec::new();
            for r in &c.outcomes {
                let method = format!(
                    "{} ({})",
                    measure_name(&r.measure, r.method),
                    method_line(r.method, r.model)
                );
                let anchor = super::markdown::slug(&format!("{} {}", r.number, r.name));
                rows.push(AnalysisRowView {
                    anchor: anchor.clone(),
                    number: r.number.clone(),
                    title: r.name.clone(),
                    studies: r.studies,
                    participants: r.participants,
                    method: method.clone(),
                    effect: effect(r.pooled.as_ref()),
                    subgroup: false,
                });
                for sub in &r.subgroups {
                    rows.push(AnalysisRowView {
                        number: sub.number.clone(),
                        title: sub.name.clone().unwrap_or_default(),
                        studies: sub.studies,
                        participants: sub.participants,
                        method: method.clone(),
                        effect: effect(sub.pooled.as_ref()),
                        anchor: anchor.clone(),
                        subgroup: true,
                    });
                }
            }
            ComparisonView {
                number: c.number,
                name: c.name.clone(),
                rows,
            }
        })
        .collect()
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

/// Markdown prose flattened to fit a table cell: line breaks become spaces, and pipes that
/// are not already escaped are escaped.
fn one_line(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut previous = ' ';
    for c in markdown.chars() {
        match c {
            '\r' => continue,
            '\n' if previous == ' ' => continue,
            '\n' => out.push(' '),
            '|' if previous != '\\' => out.push_str("\\|"),
            _ => out.push(c),
        }
        previous = if c == '\n' { ' ' } else { c };
    }
    out
}

/// "36 adolescent mothers".
fn participants_text(study: &IncludedStudy, noun: &str) -> String {
    match &study.participants {
        Some(n) => format!(
            "{} {}",
            n.value,
            study.participants_label.as_deref().unwrap_or(noun)
        ),
        None => String::new(),
    }
}

/// A study's prose field, for keying rendered prose by (study id, field) without building
/// strings: large reviews have tens of thousands of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StudyField<'a> {
    Methods,
    Interventions,
    Notes,
    /// An ongoing or awaiting study's description.
    Description,
    /// The narrative for an outcome, by outcome id.
    Narrative(&'a str),
    /// The support for a risk-of-bias judgement, by domain key.
    Rob(&'a str),
}

impl std::fmt::Display for StudyField<'_> {
    /// The field's name in messages ("narrative:o1", "rob:random_sequence").
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StudyField::Methods => f.write_str("methods"),
            StudyField::Interventions => f.write_str("interventions"),
            StudyField::Notes => f.write_str("notes"),
            StudyField::Description => f.write_str("description"),
            StudyField::Narrative(outcome) => write!(f, "narrative:{outcome}"),
            StudyField::Rob(domain) => write!(f, "rob:{domain}"),
        }
    }
}

/// Rendered study prose by (study id, field); of fields given twice the last wins.
pub type StudyProse<'a> = HashMap<(&'a str, StudyField<'a>), &'a str>;

/// The studies view with its prose fields empty, as prose templates see it; [`fill_prose`]
/// adds the prose once it is rendered.
pub fn studies_view(review: &Review) -> StudiesView {
    let tool = review.studies.risk_of_bias_tool;
    let noun = review.participants_noun();
    // Studies report many outcomes each: look their names up by id rather than scanning the
    // protocol's list for every one (the first outcome with an id wins, as in Review::outcome).
    let mut outcome_names: HashMap<&str, String> = HashMap::new();
    for o in &review.protocol.outcomes {
        outcome_names
            .entry(o.id.value.as_str())
            .or_insert_with(|| english::capitalise(&o.name));
    }
    let comparison_name = |id: &str| {
        review
            .protocol
            .comparisons
            .iter()
            .find(|c| c.id.value == id)
            .map(|c| c.name.clone())
            .or_else(|| {
                review
                    .comparisons
                    .iter()
                    .find(|c| c.id == id)
                    .map(|c| c.name.clone())
            })
            .unwrap_or_default()
    };
    let included = review
        .studies
        .included
        .iter()
        .map(|s| {
            let id = s.id.value.as_str();
            IncludedView {
                id: id.to_string(),
                countries: english::join_and(&s.countries()),
                participants: participants_text(s, noun),
                setting: s.setting.clone().unwrap_or_default(),
                comparison: s
                    .comparison
                    .as_ref()
                    .map(|c| comparison_name(&c.value))
                    .unwrap_or_default(),
                methods: String::new(),
                interventions: String::new(),
                notes: String::new(),
                outcomes: s
                    .outcomes_reported
                    .iter()
                    .filter_map(|r| outcome_names.get(r.outcome.value.as_str()).cloned())
                    .collect(),
                risk_of_bias: tool
                    .domains()
                    .iter()
                    .map(|d| RobRowView {
                        domain: d.name.to_string(),
                        judgement: tool.judgement_label(s.judgement(tool, d)).to_string(),
                        support: String::new(),
                    })
                    .collect(),
            }
        })
        .collect();
    let named = |id: &str, text: String| NamedView {
        id: id.to_string(),
        text,
    };
    StudiesView {
        included,
        excluded: review
            .studies
            .excluded
            .iter()
            .map(|s| named(&s.id.value, s.reason.clone().unwrap_or_default()))
            .collect(),
        ongoing: review
            .studies
            .ongoing
            .iter()
            .map(|s| named(&s.id.value, String::new()))
            .collect(),
        awaiting: review
            .studies
            .awaiting_classification
            .iter()
            .map(|s| named(&s.id.value, String::new()))
            .collect(),
    }
}

/// Fills in the prose fields of a view from [`studies_view`], looked up by study id as
/// the data are. Table cells hold one line: prose paragraphs are joined and pipes escaped.
pub fn fill_prose(view: &mut StudiesView, review: &Review, prose: &StudyProse) {
    let field = |id: &str, name: StudyField| {
        prose
            .get(&(id, name))
            .map(|t| one_line(t))
            .unwrap_or_default()
    };
    let domains = review.studies.risk_of_bias_tool.domains();
    for (v, s) in view.included.iter_mut().zip(&review.studies.included) {
        let id = s.id.value.as_str();
        v.methods = field(id, StudyField::Methods);
        v.interventions = field(id, StudyField::Interventions);
        v.notes = field(id, StudyField::Notes);
        for (row, d) in v.risk_of_bias.iter_mut().zip(domains) {
            row.support = field(id, StudyField::Rob(d.key));
        }
    }
    let described = review
        .studies
        .ongoing
        .iter()
        .map(|s| &s.id)
        .chain(review.studies.awaiting_classification.iter().map(|s| &s.id));
    let views = view.ongoing.iter_mut().chain(&mut view.awaiting);
    for (v, id) in views.zip(described) {
        v.text = field(&id.value, StudyField::Description);
    }
}

/// "We searched A and B (30 September 2015) and reference lists of retrieved studies."
pub fn search_methods(review: &Review) -> String {
    let Some(search) = &review.protocol.search else {
        return String::new();
    };
    if search.sources.is_empty() && search.other.is_empty() {
        return String::new();
    }
    let date = search
        .date
        .as_ref()
        .map(|d| format!(" ({})", english::long_date(&d.value)))
        .unwrap_or_default();
    let mut parts = Vec::new();
    if !search.sources.is_empty() {
        parts.push(format!("{}{date}", english::join_and(&search.sources)));
    }
    parts.extend(search.other.iter().cloned());
    format!("We searched {}.", english::join_and(&parts))
}
