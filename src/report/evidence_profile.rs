//! The evidence profile (evidence-profile.html), a page for the authors in GRADEpro's layout:
//! per comparison, one row per analysis with the number of studies, the design, each GRADE
//! domain with the data behind the GRADE assistant's suggestion, the participants, the
//! relative and absolute effect, and the authors' certainty beside the suggested one. Written
//! with every build, linked from the author view; the published page links to it only when
//! review.yaml asks (`evidence_profile: linked`). Plain values: the template escapes them.

use serde::Serialize;

use super::findings::{ComparisonFindings, Finding};
use super::grade_check::{disagreement, reasons_name};
use super::sections::{certainty_symbols, difference_words, intervention_risk, ratio_of_no_risk};
use crate::english::{capitalise, count_noun, join_and};
use crate::format::{count, decimal};
use crate::model::{CertaintyLevel, DataType, GradeAcknowledged, Measure};
use crate::results::{DomainResult, GradeSuggestionResults, OutcomeResults};
use crate::stats::Row;
use crate::stats::grade::GradeDomain;

/// What evidence-profile.html shows.
#[derive(Debug, Clone, Serialize, Default)]
pub struct EvidenceProfile {
    /// The comparisons, in order.
    pub comparisons: Vec<ProfileComparison>,
}

/// One comparison's profile: GRADEpro's question and a row per analysis.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileComparison {
    /// Its number.
    pub number: usize,
    /// Its title.
    pub name: String,
    /// GRADEpro's question: "Diuretics compared with placebo or no treatment".
    pub question: String,
    /// The experimental arm's label, as a column heading.
    pub experimental: String,
    /// The control arm's label.
    pub control: String,
    /// Its analyses, in order.
    pub rows: Vec<ProfileRow>,
}

/// One analysis.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileRow {
    /// "1.2".
    pub number: String,
    /// The analysis's title.
    pub title: String,
    /// "Subgroup analysis", "Sensitivity analysis", or empty for a main analysis.
    pub role: String,
    /// Distinct studies with a row.
    pub studies: usize,
    /// "randomised trials".
    pub design: String,
    /// Why the row has no suggestion (nothing pooled); empty when it has one.
    pub unrated: String,
    /// Risk of bias.
    pub risk_of_bias: DomainCell,
    /// Inconsistency.
    pub inconsistency: DomainCell,
    /// Indirectness: the authors' alone.
    pub indirectness: DomainCell,
    /// Imprecision.
    pub imprecision: DomainCell,
    /// Other considerations: publication bias.
    pub other: DomainCell,
    /// Participants (events / total for dichotomous data) in the experimental arm.
    pub experimental: String,
    /// In the control arm.
    pub control: String,
    /// "RR 0.65 (0.46 to 0.90)", or "—".
    pub relative: String,
    /// "35 fewer per 1000 (from 53 fewer to 10 fewer)", or "—".
    pub absolute: String,
    /// The authors' certainty.
    pub authors: CertaintyCell,
    /// The suggested certainty.
    pub suggested: CertaintyCell,
    /// How the authors' level stands to the suggestion: `above`, `same`, `below`, or empty
    /// when either is missing.
    pub comparison: String,
    /// Whether `revmark check` warns on the authors' rating.
    pub warned: bool,
}

/// One domain's cell.
#[derive(Debug, Clone, Serialize, Default)]
pub struct DomainCell {
    /// GRADEpro's rating: "not serious", "serious", "very serious" (other considerations:
    /// "none", "publication bias strongly suspected"), or "not assessed by revmark".
    pub rating: String,
    /// The suggested downgrade: 0, 1 or 2.
    pub downgrade: u8,
    /// The data behind it, in a sentence or two.
    pub data: String,
    /// Whether the authors' reasons name the domain.
    pub named: bool,
    /// The authors' acknowledgement for this domain (or for the whole suggestion), if any.
    pub acknowledged: String,
}

/// A certainty level in GRADE's symbols, and the reasons for it.
#[derive(Debug, Clone, Serialize, Default)]
pub struct CertaintyCell {
    /// "⊕⊕◯◯" (empty when there is no level).
    pub symbols: String,
    /// "Low", or "Not assessed".
    pub label: String,
    /// The authors' reasons, joined ("risk of bias and inconsistency").
    pub reasons: String,
    /// The authors' reason for the whole suggestion, if any.
    pub acknowledged: String,
}

impl CertaintyCell {
    fn of(level: Option<CertaintyLevel>) -> CertaintyCell {
        match level {
            Some(level) => {
                let text = certainty_symbols(level);
                let (symbols, label) = text.split_once(' ').unwrap_or((text, ""));
                CertaintyCell {
                    symbols: symbols.to_string(),
                    label: label.to_string(),
                    ..CertaintyCell::default()
                }
            }
            None => CertaintyCell {
                label: "Not assessed".into(),
                ..CertaintyCell::default()
            },
        }
    }
}

/// The profile of every comparison.
pub fn evidence_profile(findings: &[ComparisonFindings]) -> EvidenceProfile {
    EvidenceProfile {
        comparisons: findings
            .iter()
            .map(|c| ProfileComparison {
                number: c.results.number,
                name: c.results.name.clone(),
                question: format!(
                    "{} compared with {}",
                    capitalise(&c.experimental),
                    c.control
                ),
                experimental: capitalise(&c.experimental),
                control: capitalise(&c.control),
                rows: c.outcomes.iter().map(row).collect(),
            })
            .collect(),
    }
}

fn row(finding: &Finding) -> ProfileRow {
    let r = finding.result;
    let certainty = finding.spec.and_then(|s| s.certainty.as_ref());
    let suggestion = r.grade_suggestion.as_ref();
    let reasons: &[String] = certainty.map_or(&[], |c| &c.reasons);
    let acknowledged = certainty.and_then(|c| c.grade_acknowledged.as_ref());
    let cell = |domain: GradeDomain| match suggestion {
        Some(s) => domain_cell(domain, s, r, reasons, acknowledged),
        None => DomainCell {
            rating: "\u{2014}".into(),
            ..DomainCell::default()
        },
    };
    let mut authors = CertaintyCell::of(certainty.map(|c| c.level));
    authors.reasons = join_and(reasons);
    if let Some(GradeAcknowledged::All(reason)) = acknowledged {
        authors.acknowledged.clone_from(&reason.value);
    }
    let comparison = match (certainty.map(|c| c.level), suggestion.map(|s| s.level)) {
        (Some(a), Some(s)) if a > s => "above",
        (Some(a), Some(s)) if a < s => "below",
        (Some(_), Some(_)) => "same",
        _ => "",
    };
    let indirectness = DomainCell {
        rating: if reasons
            .iter()
            .any(|r| r.to_lowercase().contains("indirect"))
        {
            "rated down by the authors".into()
        } else {
            "not assessed by revmark".into()
        },
        ..DomainCell::default()
    };
    let (experimental, control) = arms(r);
    let (relative, absolute) = effects(finding);
    ProfileRow {
        number: r.number.clone(),
        title: r.name.clone(),
        role: match finding.spec.map(|s| s.role.as_str()) {
            Some("subgroup") => "Subgroup analysis".into(),
            Some("sensitivity") => "Sensitivity analysis".into(),
            _ => String::new(),
        },
        studies: r.studies,
        design: "randomised trials".into(),
        unrated: if suggestion.is_some() {
            String::new()
        } else {
            unrated(r)
        },
        risk_of_bias: cell(GradeDomain::RiskOfBias),
        inconsistency: cell(GradeDomain::Inconsistency),
        indirectness,
        imprecision: cell(GradeDomain::Imprecision),
        other: cell(GradeDomain::PublicationBias),
        experimental,
        control,
        relative,
        absolute,
        authors,
        suggested: match suggestion {
            Some(s) => CertaintyCell::of(Some(s.level)),
            None => CertaintyCell {
                label: "\u{2014}".into(),
                ..CertaintyCell::default()
            },
        },
        comparison: comparison.into(),
        warned: match (certainty, suggestion) {
            (Some(c), Some(s)) => disagreement(c, s).is_some(),
            _ => false,
        },
    }
}

/// Why an analysis has no suggestion.
fn unrated(r: &OutcomeResults) -> String {
    if r.pools_overall() {
        "No study gave an estimable result, so there is no result to rate.".into()
    } else {
        "The authors pooled no overall total (subtotals only or no totals), so there is no \
         result to rate."
            .into()
    }
}

/// A domain's cell: the rating, and the data behind it (the reason, and for imprecision the
/// optimal information size and the smallest important effect where the reason does not
/// give them).
fn domain_cell(
    domain: GradeDomain,
    s: &GradeSuggestionResults,
    r: &OutcomeResults,
    reasons: &[String],
    acknowledged: Option<&GradeAcknowledged>,
) -> DomainCell {
    let DomainResult { downgrade, reason } = s.domains.get(domain);
    let rating = match (domain, downgrade) {
        (GradeDomain::PublicationBias, 0) => "none",
        (GradeDomain::PublicationBias, _) => "publication bias strongly suspected",
        (_, 0) => "not serious",
        (_, 1) => "serious",
        _ => "very serious",
    };
    let mut data = reason.clone();
    if domain == GradeDomain::Imprecision
        && let Some(facts) = s.facts.get()
    {
        if let Some(t) = facts.important_effect {
            // A ratio above 1 (1.25: 0.80 to 1.25), or a difference above 0 (load checks both).
            let band = if r.measure.is_ratio() {
                format!(
                    "{} {} to {}",
                    r.measure.label(),
                    decimal(1.0 / t),
                    decimal(t)
                )
            } else {
                format!(
                    "{} \u{2212}{} to {}",
                    r.measure.label(),
                    decimal(t),
                    decimal(t)
                )
            };
            data.push_str(&format!(" Unimportant effects: {band}."));
        }
        if let Some(size) = facts
            .information_size
            .filter(|_| !reason.contains("optimal information size"))
        {
            data.push_str(&format!(
                " Optimal information size: {} participants; the analysis has {}.",
                count(size),
                count(r.participants)
            ));
        }
        if let Some(risk) = facts.comparator_risk {
            data.push_str(&format!(" Comparator risk: {}%.", decimal(100.0 * risk)));
        }
    }
    let acknowledged = match acknowledged {
        Some(GradeAcknowledged::Domains(domains)) => domains
            .iter()
            .find(|(d, _)| *d == domain)
            .map(|(_, reason)| reason.value.clone())
            .unwrap_or_default(),
        _ => String::new(),
    };
    DomainCell {
        rating: rating.into(),
        downgrade: *downgrade,
        data,
        named: reasons_name(reasons, domain),
        acknowledged,
    }
}

/// Participants in each arm: events / total (%) for dichotomous rows, the totals otherwise;
/// "—" without arm sizes.
fn arms(r: &OutcomeResults) -> (String, String) {
    let (mut e_events, mut e_total, mut c_events, mut c_total) = (0u64, 0u64, 0u64, 0u64);
    let mut any = false;
    for row in &r.study_results {
        let (ee, et, ce, ct) = match row.data.get() {
            Some(Row::Dichotomous {
                e_events,
                e_total,
                c_events,
                c_total,
            }) => (e_events, e_total, c_events, c_total),
            Some(Row::Continuous { e_n, c_n, .. }) => (0, e_n, 0, c_n),
            _ => continue,
        };
        any = true;
        e_events += ee;
        e_total += et;
        c_events += ce;
        c_total += ct;
    }
    if !any {
        return ("\u{2014}".into(), "\u{2014}".into());
    }
    let arm = |events: u64, total: u64| {
        if r.data_type() == DataType::Dichotomous && total > 0 {
            format!(
                "{}/{} ({}%)",
                count(events),
                count(total),
                decimal(100.0 * events as f64 / total as f64)
            )
        } else {
            count_noun(total, "participant")
        }
    };
    (arm(e_events, e_total), arm(c_events, c_total))
}

/// The relative effect ("RR 0.65 (0.46 to 0.90)") and the absolute one: per 1000 at the
/// comparator risk for dichotomous data, the difference for continuous data.
fn effects(finding: &Finding) -> (String, String) {
    let r = finding.result;
    let dash = || "\u{2014}".to_string();
    let Some(p) = &r.pooled else {
        return (dash(), dash());
    };
    let label = r.measure.label();
    let interval = format!(
        "{} {} ({} to {})",
        label,
        decimal(p.estimate),
        decimal(p.ci_low),
        decimal(p.ci_high)
    );
    match r.data_type() {
        DataType::Dichotomous => {
            let absolute = r
                .comparator_risk(finding.spec.and_then(|s| s.assumed_risk))
                .filter(|&acr| !ratio_of_no_risk(&r.measure, acr))
                .map_or_else(dash, |acr| {
                    let change = |effect: f64| {
                        let per_1000 = ((intervention_risk(&r.measure, acr, effect) - acr) * 1000.0)
                            .round() as i64;
                        match per_1000 {
                            0 => "0 fewer".to_string(),
                            n if n < 0 => format!("{} fewer", -n),
                            n => format!("{n} more"),
                        }
                    };
                    format!(
                        "{} per 1000 (from {} to {})",
                        change(p.estimate),
                        change(p.ci_low),
                        change(p.ci_high)
                    )
                });
            (interval, absolute)
        }
        DataType::Continuous => {
            let unit = if r.measure == Measure::StdMeanDifference {
                " SD"
            } else {
                ""
            };
            (
                dash(),
                format!(
                    "{label} {}{unit} ({} to {})",
                    difference_words(p.estimate),
                    difference_words(p.ci_low),
                    difference_words(p.ci_high)
                ),
            )
        }
        DataType::Generic if r.measure.is_ratio() => (interval, dash()),
        DataType::Generic => (dash(), interval),
    }
}
