//! The context builder: everything a review's templates see, assembled from the review, its
//! results and figures — data views first, then the authors' prose rendered against them, then
//! the generated text. The types are in [`super::view`]; the generated text in
//! [`super::sections`] and [`super::narrative`], which do not depend on this module.

use std::collections::{BTreeMap, HashMap};

use super::findings::ComparisonFindings;
use super::narrative;
use super::plain_language;
use super::prose::{Prose, StudyField, StudyProse};
use super::references::{Citations, references_view};
use super::sections;
use super::templates::Templates;
use super::view::{
    AbstractView, AnalysisRowView, ComparisonView, DomainView, FigureView, IncludedView, NamedView,
    PlainLanguageView, PlainPartView, ReviewContext, ReviewView, RobRowView, RobView, SectionsView,
    SharedRobView, StudiesView,
};
use crate::diagnostic::Diagnostic;
use crate::english;
use crate::model::{IncludedStudy, Review};
use crate::plot::FigureSet;
use crate::results::Results;

/// Builds the template context from the review's `findings` ([`super::findings::findings`] of its
/// results): data views first, then the prose rendered against them, then the generated text.
pub fn review_context(
    review: &Review,
    results: &Results,
    findings: &[ComparisonFindings],
    figures: &FigureSet,
    templates: &Templates,
) -> Result<ReviewContext, Vec<Diagnostic>> {
    let tool = review.studies.risk_of_bias_tool;
    let included = &review.studies.included;
    let participants: i64 = included
        .iter()
        .filter_map(|s| s.participants.as_ref())
        .map(|p| p.value)
        .sum();
    let participants_unreported = included.iter().filter(|s| s.participants.is_none()).count();
    let mut context = ReviewContext {
        review: ReviewView {
            slug: review.slug.clone(),
            title: review.protocol.title.clone(),
            authors: review.protocol.authors.clone(),
            date: review
                .protocol
                .date
                .as_ref()
                .map(|d| english::long_date(&d.value)),
            participants_noun: review.participants_noun().to_string(),
            included_count: included.len(),
            participants,
            participants_unreported,
            generator: format!("revmark {}", env!("CARGO_PKG_VERSION")),
        },
        prose: BTreeMap::new(),
        abstract_: AbstractView {
            search_methods: search_methods(review),
            ..AbstractView::default()
        },
        plain_language_summary: PlainLanguageView::default(),
        studies: studies_view(review),
        rob: RobView {
            tool: if tool == crate::model::RobTool::Rob1 {
                "rob1".into()
            } else {
                "rob2".into()
            },
            domains: tool
                .domains()
                .iter()
                .map(|d| DomainView {
                    letter: d.letter.into(),
                    name: d.name.into(),
                })
                .collect(),
        },
        sections: SectionsView::default(),
        text: Default::default(),
        analyses: analyses_view(results),
        figures: figures.iter().map(FigureView::of).collect(),
        references: Default::default(),
    };

    // The generated plain language summary is a value the authors' parts may quote; it does
    // not quote study prose, so it is made before the prose.
    // Which studies reported each outcome is worked out once; their narratives, which are
    // study prose, are added once the prose is rendered.
    let mut reporting = narrative::outcome_reporting(review);
    context.plain_language_summary.generated =
        plain_language::generate(review, findings, &reporting);
    // Prose is rendered first, against the data-only context, so that literate text can use
    // every generated value but never another prose field. The sections that quote no prose
    // are made beside it.
    let ((citations, prose), quoting_no_prose) = crate::parallel::join(
        super::worth_a_thread(results),
        || {
            let citations = Citations::new(review);
            let prose = Prose::render(review, templates, || context.to_tera(false), &citations);
            (citations, prose)
        },
        || QuotingNoProse {
            description_of_studies: sections::description_of_studies(review),
            risk_of_bias: sections::risk_of_bias_by_domain(review),
            effects: sections::effects(review, findings, figures),
            sensitivity: super::sensitivity::sensitivity_analyses(review, findings),
        },
    );
    let prose = prose?;
    context.prose = prose.review_fields();
    fill_plain_language(&mut context.plain_language_summary, &context.prose);
    let path_prose = prose.path_fields();
    context.text = super::text::text_view(review, &path_prose);
    authors_paragraphs(&mut context.abstract_, &context.prose, &context.text);
    context.references = references_view(review, &citations, prose.cited());
    let study_prose = prose.study_fields();
    narrative::add_narratives(&mut reporting, &study_prose);
    context.abstract_.main_results = narrative::main_results(review, &reporting, findings)
        .into_iter()
        .map(|sentences| sentences.join(" "))
        .collect();
    fill_prose(&mut context.studies, review, &study_prose);
    let named = narrative::distinct_names(&review.protocol.outcomes);
    let outcome_list = |priority| {
        named
            .iter()
            .filter(|(o, _)| o.priority == priority)
            .map(|(o, name)| {
                let name = english::capitalise(name);
                match &o.detail {
                    Some(d) => format!("{name}: {d}"),
                    None => name,
                }
            })
            .collect()
    };
    context.sections = SectionsView {
        sof: super::sof::summary_of_findings(review, findings, &reporting, &path_prose),
        description_of_studies: quoting_no_prose.description_of_studies,
        risk_of_bias: quoting_no_prose.risk_of_bias,
        effects: quoting_no_prose.effects,
        prisma: figures.prisma.as_ref().map(FigureView::of),
        rob_figures: figures
            .risk_of_bias
            .iter()
            .flat_map(|r| [&r.summary, &r.graph])
            .map(FigureView::of)
            .collect(),
        unreported: sections::unreported_outcomes(review, &reporting),
        reported_without_data: narrative::reported_without_data(&reporting),
        methods: [
            sections::methods_used(results),
            super::sensitivity::methods(results),
        ]
        .concat(),
        primary_outcomes: outcome_list(crate::model::Priority::Primary),
        secondary_outcomes: outcome_list(crate::model::Priority::Secondary),
        sensitivity: quoting_no_prose.sensitivity,
    };
    Ok(context)
}

/// The sections made from the data alone, beside the prose's rendering.
struct QuotingNoProse {
    description_of_studies: Vec<String>,
    risk_of_bias: Vec<String>,
    effects: Vec<super::view::EffectsComparison>,
    sensitivity: super::sensitivity::SensitivitySection,
}

/// The plain language summary's parts: the authors' where they wrote them (their whole summary
/// leaves none), the generated ones elsewhere; a part with no text is left out.
fn fill_plain_language(view: &mut PlainLanguageView, prose: &BTreeMap<String, String>) {
    if prose.contains_key("plain_language_summary") {
        return;
    }
    let generated = view.generated.clone();
    let authors = |key: &str| {
        prose
            .get(&format!("plain_language_summary_{key}"))
            .cloned()
            .unwrap_or_default()
    };
    let part = |key: &str, heading: &str, generated: Vec<String>, list: bool| PlainPartView {
        key: key.to_string(),
        heading: heading.to_string(),
        authors: authors(key),
        generated,
        list,
    };
    view.title = part("title", "", vec![generated.title], false);
    let currency: Vec<String> = Some(generated.currency)
        .filter(|c| !c.is_empty())
        .into_iter()
        .collect();
    view.parts = [
        part("key_messages", "Key messages", generated.key_messages, true),
        part(
            "what_we_did",
            "What did we do?",
            generated.what_we_did,
            false,
        ),
        part(
            "what_we_found",
            "What did we find?",
            generated.what_we_found,
            false,
        ),
        part(
            "limitations",
            "What are the limitations of the evidence?",
            generated.limitations,
            false,
        ),
        part(
            "currency",
            "How up to date is this evidence?",
            currency,
            false,
        ),
    ]
    .into_iter()
    .filter(|p| !p.authors.is_empty() || !p.generated.is_empty())
    .collect();
}

/// The abstract's paragraphs by the authors: from their own abstract where it gives the part,
/// else from the review's field of that name.
fn authors_paragraphs(
    view: &mut AbstractView,
    prose: &BTreeMap<String, String>,
    text: &super::text::TextView,
) {
    let own = |part: &str| {
        text.authors_abstract
            .as_ref()
            .and_then(|a| a.get(part))
            .filter(|t| !t.is_empty())
            .cloned()
    };
    let field = |name: &str| prose.get(name).cloned().unwrap_or_default();
    view.background = own("background").unwrap_or_else(|| field("background"));
    view.objectives = own("objectives").unwrap_or_else(|| field("objectives"));
    view.selection_criteria =
        own("selection_criteria").unwrap_or_else(|| field("selection_criteria"));
    view.data_collection = own("data_collection").unwrap_or_else(|| field("data_collection"));
    // Without their own abstract's conclusions the template prints the review's two
    // implications, each a paragraph.
    view.conclusions = own("conclusions").unwrap_or_default();
}

/// The Data and analyses tables from the results. An analysis without an overall total reads
/// as Review Manager prints it: "Subtotals only" (its subgroups with their effects) or
/// "Totals not selected" (its subgroups too).
pub fn analyses_view(results: &crate::results::Results) -> Vec<ComparisonView> {
    use crate::format::{effect_bracketed, measure_name, method_line, totals_label};
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
                    effect: totals_label(r)
                        .map_or_else(|| effect(r.pooled.as_ref()), str::to_string),
                    subgroup: false,
                });
                for sub in &r.subgroups {
                    let effect = if r.pools_subgroups() {
                        effect(sub.pooled.as_ref())
                    } else {
                        "Totals not selected".to_string()
                    };
                    rows.push(AnalysisRowView {
                        number: sub.number.clone(),
                        title: sub.name.clone().unwrap_or_default(),
                        studies: sub.studies,
                        participants: sub.participants,
                        method: method.clone(),
                        effect,
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

/// Markdown prose flattened to fit a table cell: line breaks become spaces, and pipes that
/// are not already escaped are escaped.
pub(super) fn one_line(markdown: &str) -> String {
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
            crate::format::count(n.value),
            study.participants_label.as_deref().unwrap_or(noun)
        ),
        None => String::new(),
    }
}

/// The studies view with its prose fields empty, as prose templates see it; [`fill_prose`]
/// adds the prose once it is rendered.
pub fn studies_view(review: &Review) -> StudiesView {
    let tool = review.studies.risk_of_bias_tool;
    let noun = review.participants_noun();
    let comparison_name = |id: &str| review.comparison_name(id).unwrap_or_default().to_string();
    // A study's outcomes are those it gave data for in some analysis as well as those it
    // reported without, in the protocol's order: each study's outcome positions are gathered
    // from the rows (one lookup a row, rather than one a study and protocol outcome).
    let position: HashMap<&str, usize> = review
        .protocol
        .outcomes
        .iter()
        .enumerate()
        .map(|(i, o)| (o.id.value.as_str(), i))
        .collect();
    let mut study_outcomes: HashMap<&str, Vec<usize>> = HashMap::new();
    for outcome in review.comparisons.iter().flat_map(|c| &c.outcomes) {
        if let Some(&at) = position.get(outcome.outcome.as_str()) {
            for row in outcome.groups.iter().flat_map(|g| &g.rows) {
                study_outcomes
                    .entry(row.study.as_str())
                    .or_default()
                    .push(at);
            }
        }
    }
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
                outcomes: {
                    let mut at = study_outcomes.remove(id).unwrap_or_default();
                    at.extend(
                        s.outcomes_reported
                            .iter()
                            .filter_map(|r| position.get(r.outcome.value.as_str())),
                    );
                    at.sort_unstable();
                    at.dedup();
                    at.iter()
                        .map(|&i| review.protocol.outcomes[i].name.clone())
                        .collect()
                },
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
        shared_risk_of_bias: None,
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
    view.shared_risk_of_bias = shared_risk_of_bias(&view.included);
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

/// The one risk-of-bias table of every included study, when two or more studies have the same
/// judgements in every domain and none gives support for a judgement.
fn shared_risk_of_bias(included: &[IncludedView]) -> Option<SharedRobView> {
    let [first, rest @ ..] = included else {
        return None;
    };
    let same = |v: &IncludedView| {
        v.risk_of_bias.len() == first.risk_of_bias.len()
            && v.risk_of_bias
                .iter()
                .zip(&first.risk_of_bias)
                .all(|(a, b)| {
                    a.judgement == b.judgement && a.support.is_empty() && b.support.is_empty()
                })
    };
    if rest.is_empty() || !included.iter().all(same) {
        return None;
    }
    let n = included.len() as u64;
    let all = if n == 2 {
        "Both".to_string()
    } else {
        format!("All {}", english::words(n))
    };
    Some(SharedRobView {
        sentence: format!(
            "{all} included studies have the same risk-of-bias judgements, with no support given for them:"
        ),
        rows: first.risk_of_bias.clone(),
    })
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
