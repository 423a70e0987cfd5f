//! The full review's generated sections: Summary of findings, Description of studies, risk of
//! bias by domain, Effects of interventions and the methods the analyses used. Each returns
//! plain text or plain views; the templates escape them on output.

use super::findings::{ComparisonFindings, Finding};
use super::narrative::{self, OutcomeReporting};
use crate::english::{capitalise, count_noun, decapitalise, join_and, plural, words};
use crate::format::{decimal, heterogeneity_line, overall_effect_line, subgroup_differences_line};
use crate::model::{
    CertaintyLevel, DataType, Judgement, Measure, MethodKey, ModelKey, Review, RobTool,
};
use crate::plot::FigureSet;
use crate::results::{OutcomeResults, Results, Warning, engine_name};
use crate::stats::Row;

use super::view::{EffectView, EffectsComparison, EffectsGroup, FigureView, Footnote, SofRow};

/// GRADE's symbols and label.
pub fn certainty_symbols(level: CertaintyLevel) -> &'static str {
    match level {
        CertaintyLevel::High => "\u{2295}\u{2295}\u{2295}\u{2295} High",
        CertaintyLevel::Moderate => "\u{2295}\u{2295}\u{2295}\u{25EF} Moderate",
        CertaintyLevel::Low => "\u{2295}\u{2295}\u{25EF}\u{25EF} Low",
        CertaintyLevel::VeryLow => "\u{2295}\u{25EF}\u{25EF}\u{25EF} Very low",
    }
}

/// The control-group risk assumed for absolute effects: the authors' value, or the pooled risk
/// of the control arms (Cochrane Handbook ch. 14).
fn assumed_risk(finding: &Finding) -> Option<f64> {
    if let Some(r) = finding.spec.and_then(|s| s.assumed_risk) {
        return Some(r);
    }
    let (events, total) = finding
        .result
        .study_results
        .iter()
        .fold((0u64, 0u64), |(e, t), row| match row.data.get() {
            Some(Row::Dichotomous {
                c_events, c_total, ..
            }) => (e + c_events, t + c_total),
            _ => (e, t),
        });
    (total > 0).then(|| events as f64 / total as f64)
}

/// The intervention-group risk from the comparator risk and a relative effect.
fn intervention_risk(measure: &Measure, acr: f64, effect: f64) -> f64 {
    let risk = match measure {
        Measure::OddsRatio => effect * acr / (1.0 - acr + effect * acr),
        Measure::RiskDifference => acr + effect,
        _ => acr * effect,
    };
    risk.clamp(0.0, 1.0)
}

fn per_1000(risk: f64) -> String {
    format!("{}", (risk * 1000.0).round() as i64)
}

/// "1.20 lower" / "0.30 higher".
fn difference_words(x: f64) -> String {
    if x < 0.0 {
        format!("{} lower", decimal(-x))
    } else {
        format!("{} higher", decimal(x))
    }
}

/// A Summary of findings row for an analysed outcome; the reasons for its certainty become
/// footnotes (shared by rows with the same reason).
pub(super) fn sof_row(finding: &Finding, footnotes: &mut Vec<Footnote>) -> SofRow {
    let r = finding.result;
    let measure = &r.measure;
    let dash = "\u{2014}".to_string();
    let (mut risk_control, mut risk_experimental, mut relative) =
        (dash.clone(), dash.clone(), dash.clone());
    let mut comments = String::new();
    match &r.pooled {
        None => comments = "No study contributed an estimable result".into(),
        Some(p) => {
            let interval = format!("{} to {}", decimal(p.ci_low), decimal(p.ci_high));
            match r.data_type() {
                DataType::Dichotomous => {
                    relative = format!("{} {} ({interval})", measure.label(), decimal(p.estimate));
                    if let Some(acr) = assumed_risk(finding) {
                        let risk = |e| per_1000(intervention_risk(measure, acr, e));
                        risk_control = format!("{} per 1000", per_1000(acr));
                        risk_experimental = format!(
                            "{} per 1000 ({} to {})",
                            risk(p.estimate),
                            risk(p.ci_low),
                            risk(p.ci_high)
                        );
                    }
                }
                DataType::Continuous => {
                    let name = decapitalise(&r.name);
                    let unit = if *measure == Measure::StdMeanDifference {
                        " standard deviations"
                    } else {
                        ""
                    };
                    risk_experimental = format!(
                        "The mean {name} in the intervention group was {}{unit} ({} to {})",
                        difference_words(p.estimate),
                        difference_words(p.ci_low),
                        difference_words(p.ci_high)
                    );
                }
                DataType::Generic => {
                    relative = format!("{} {} ({interval})", measure.label(), decimal(p.estimate));
                }
            }
        }
    }
    let (certainty, markers) = match finding.spec.and_then(|s| s.certainty.as_ref()) {
        Some(c) => {
            let markers: Vec<String> = c
                .reasons
                .iter()
                .map(|reason| {
                    let text = format!("Downgraded for {reason}.");
                    match footnotes.iter().find(|f| f.text == text) {
                        Some(f) => f.marker.clone(),
                        None => {
                            let marker =
                                ((b'a' + (footnotes.len() % 26) as u8) as char).to_string();
                            footnotes.push(Footnote {
                                marker: marker.clone(),
                                text,
                            });
                            marker
                        }
                    }
                })
                .collect();
            (certainty_symbols(c.level).to_string(), markers.join(", "))
        }
        None => ("Not assessed".to_string(), String::new()),
    };
    SofRow {
        outcome: r.name.clone(),
        risk_control,
        risk_experimental,
        relative,
        participants: format!(
            "{} ({})",
            r.participants,
            count_noun(r.studies as u64, "study")
        ),
        certainty,
        markers,
        comments,
    }
}

/// Effects of interventions, per comparison and analysis, the analyses also grouped under
/// their protocol outcome.
pub fn effects(
    review: &Review,
    findings: &[ComparisonFindings],
    figures: &FigureSet,
) -> Vec<EffectsComparison> {
    findings
        .iter()
        .map(|c| {
            let outcomes: Vec<EffectView> = c
                .outcomes
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    let r = f.result;
                    let drawn = figures.outcome(r);
                    let sensitivity_of = f
                        .spec
                        .and_then(|s| s.sensitivity_of.as_deref())
                        .and_then(|id| c.results.outcomes.iter().find(|o| o.id == id))
                        .map(|o| o.number.clone())
                        .unwrap_or_default();
                    EffectView {
                        number: r.number.clone(),
                        title: r.name.clone(),
                        sentence: narrative::effect_sentence(review, c, f).unwrap_or_default(),
                        details: effect_details(r),
                        reading: r
                            .pooled
                            .as_ref()
                            .map_or("none", |p| narrative::classify(f, p).key())
                            .to_string(),
                        forest: drawn.and_then(|d| d.forest.as_ref()).map(FigureView::of),
                        funnel: drawn.and_then(|d| d.funnel.as_ref()).map(FigureView::of),
                        role: f
                            .spec
                            .map_or(crate::model::Role::Main, |s| s.role)
                            .as_str()
                            .to_string(),
                        sensitivity_of,
                        headline: c.is_headline(i),
                    }
                })
                .collect();
            let mut groups: Vec<EffectsGroup> = Vec::new();
            for (f, view) in c.outcomes.iter().zip(&outcomes) {
                let id = &f.result.outcome;
                match groups.iter_mut().find(|g| &g.outcome == id) {
                    Some(g) => g.analyses.push(view.clone()),
                    None => groups.push(EffectsGroup {
                        outcome: id.clone(),
                        name: review
                            .outcome(id)
                            .map(|o| {
                                capitalise(&narrative::distinct_name(o, &review.protocol.outcomes))
                            })
                            .unwrap_or_else(|| f.result.name.clone()),
                        analyses: vec![view.clone()],
                    }),
                }
            }
            EffectsComparison {
                number: c.results.number,
                name: c.results.name.clone(),
                outcomes,
                groups,
            }
        })
        .collect()
}

/// Heterogeneity, the test for overall effect, the prediction interval, the test for subgroup
/// differences and any warning, as sentences.
fn effect_details(r: &OutcomeResults) -> Vec<String> {
    let mut details = Vec::new();
    if r.pooled.is_some() {
        details.push(format!("{}.", heterogeneity_line(r.heterogeneity.as_ref())));
        details.push(format!(
            "{}.",
            overall_effect_line(r.pooled.as_ref(), r.uses_hksj())
        ));
    } else {
        details.push(format!(
            "No study gave an estimable result for {}.",
            decapitalise(&r.name)
        ));
    }
    if let Some(prediction) = &r.prediction {
        details.push(format!(
            "95% prediction interval: {} to {}.",
            decimal(prediction.low),
            decimal(prediction.high)
        ));
    }
    if r.subgroup_differences.is_some() {
        details.push(format!(
            "{}.",
            subgroup_differences_line(r.subgroup_differences.as_ref())
        ));
    }
    if let Some(Warning::Tau2NotConverged(estimator)) = &r.warning {
        details.push(format!(
            "The {} estimate of the between-study variance did not converge; the DerSimonian-Laird estimate was used.",
            engine_name(*estimator)
        ));
    }
    details
}

/// "No studies reported maternal satisfaction." for protocol outcomes with no data and no
/// report at all.
pub fn unreported_outcomes(review: &Review, reporting: &[OutcomeReporting]) -> Vec<String> {
    let names: Vec<String> = reporting
        .iter()
        .filter(|r| !r.reported())
        .map(|r| narrative::distinct_name(r.outcome, &review.protocol.outcomes))
        .collect();
    if names.is_empty() {
        Vec::new()
    } else {
        vec![format!("No studies reported {}.", join_and(&names))]
    }
}

/// Description of studies: the search flow and the counts of included, excluded, ongoing and
/// awaiting studies.
pub fn description_of_studies(review: &Review) -> Vec<String> {
    let mut sentences = Vec::new();
    if let Some(flow) = review
        .protocol
        .search
        .as_ref()
        .and_then(|s| s.flow.as_ref())
        .map(|f| &f.value)
    {
        if let (Some(identified), Some(screened)) = (flow.identified, flow.screened) {
            let duplicates = flow
                .duplicates_removed
                .map(|d| format!(" after removing {d} duplicates"))
                .unwrap_or_default();
            sentences.push(format!(
                "The searches identified {identified} records; we screened {screened}{duplicates}."
            ));
        }
        if let (Some(full), Some(included)) = (flow.full_text, flow.included) {
            let excluded: u64 = flow.excluded_full_text.values().sum();
            let reasons: Vec<String> = flow
                .excluded_full_text
                .iter()
                .map(|(r, n)| format!("{r} ({n})"))
                .collect();
            let why = if reasons.is_empty() {
                String::new()
            } else {
                format!(": {}", join_and(&reasons))
            };
            sentences.push(format!(
                "We assessed {full} full-text reports, excluded {excluded}{why}, and included {included} {}.",
                plural(included, "study")
            ));
        }
    }
    let studies = &review.studies;
    let n = studies.included.len() as u64;
    let participants: i64 = studies
        .included
        .iter()
        .filter_map(|s| s.participants.as_ref())
        .map(|p| p.value)
        .sum();
    sentences.push(match n {
        0 => "No studies met the inclusion criteria.".to_string(),
        _ => format!(
            "We included {} {} ({participants} {}).",
            words(n),
            plural(n, "study"),
            review.participants_noun()
        ),
    });
    let count = |n: usize| {
        let n = n as u64;
        let verb = if n == 1 { "is" } else { "are" };
        (capitalise(&words(n)), plural(n, "study"), verb)
    };
    if !studies.excluded.is_empty() {
        let n = studies.excluded.len() as u64;
        sentences.push(format!(
            "We excluded {} {} (see Characteristics of excluded studies).",
            words(n),
            plural(n, "study")
        ));
    }
    if !studies.ongoing.is_empty() {
        let (n, noun, verb) = count(studies.ongoing.len());
        sentences.push(format!("{n} {noun} {verb} ongoing."));
    }
    if !studies.awaiting_classification.is_empty() {
        let (n, noun, verb) = count(studies.awaiting_classification.len());
        sentences.push(format!("{n} {noun} {verb} awaiting classification."));
    }
    sentences
}

/// Risk of bias by domain: "Random sequence generation (selection bias): one study at low risk
/// and eight at unclear risk."
pub fn risk_of_bias_by_domain(review: &Review) -> Vec<String> {
    let tool = review.studies.risk_of_bias_tool;
    let included = &review.studies.included;
    if included.is_empty() {
        return Vec::new();
    }
    tool.domains()
        .iter()
        .map(|d| {
            let order = [
                Judgement::Low,
                Judgement::Unclear,
                Judgement::High,
                Judgement::NotAssessed,
            ];
            let mut first = true;
            let parts: Vec<String> = order
                .iter()
                .filter_map(|&j| {
                    let count = included
                        .iter()
                        .filter(|s| s.judgement(tool, d) == j)
                        .count() as u64;
                    (count > 0).then(|| {
                        let label = match (tool, j) {
                            (_, Judgement::Low) => "at low risk",
                            (RobTool::Rob1, Judgement::Unclear) => "at unclear risk",
                            (RobTool::Rob2, Judgement::Unclear) => "with some concerns",
                            (_, Judgement::High) => "at high risk",
                            (_, Judgement::NotAssessed) => "not assessed",
                        };
                        let noun = if first {
                            format!(" {}", plural(count, "study"))
                        } else {
                            String::new()
                        };
                        first = false;
                        format!("{}{noun} {label}", words(count))
                    })
                })
                .collect();
            format!("{}: {}.", d.name, join_and(&parts))
        })
        .collect()
}

/// The methods the analyses used, as sentences for "Measures of treatment effect" and "Data
/// synthesis".
pub fn methods_used(results: &Results) -> Vec<String> {
    let outcomes: Vec<&OutcomeResults> = results.outcomes().map(|(_, o)| o).collect();
    if outcomes.is_empty() {
        return vec!["There were no data to analyse.".to_string()];
    }
    let mut measures: Vec<String> = Vec::new();
    let mut push = |s: String| {
        if !measures.contains(&s) {
            measures.push(s);
        }
    };
    for o in &outcomes {
        push(match (&o.measure, o.method) {
            (Measure::RiskRatio | Measure::OddsRatio | Measure::RiskDifference, MethodKey::Peto) => "Peto odds ratios for rare dichotomous outcomes".to_string(),
            (Measure::RiskRatio, _) => "risk ratios (RR) for dichotomous outcomes".to_string(),
            (Measure::OddsRatio, _) => "odds ratios (OR) for dichotomous outcomes".to_string(),
            (Measure::RiskDifference, _) => "risk differences (RD) for dichotomous outcomes".to_string(),
            (Measure::StdMeanDifference, _) => "standardised mean differences (SMD, Hedges' adjusted g) for continuous outcomes measured on different scales".to_string(),
            (Measure::MeanDifference, _) => "mean differences (MD) for continuous outcomes".to_string(),
            (Measure::Generic { label, .. }, _) => format!("{label} with standard errors, pooled by the generic inverse-variance method"),
        });
    }
    let fixed_count = outcomes
        .iter()
        .filter(|o| o.model == ModelKey::Fixed)
        .count();
    let random_count = outcomes.len() - fixed_count;
    let mut synthesis = Vec::new();
    if fixed_count > 0 {
        synthesis.push(format!(
            "a fixed-effect model for {}",
            count_noun(fixed_count as u64, "outcome")
        ));
    }
    if random_count > 0 {
        synthesis.push(format!(
            "a random-effects model for {}",
            count_noun(random_count as u64, "outcome")
        ));
    }
    vec![
        format!(
            "We used {}, with 95% confidence intervals.",
            join_and(&measures)
        ),
        format!(
            "We used {} (Review Manager 5 conventions: Mantel-Haenszel, inverse-variance or Peto weights as stated per analysis; DerSimonian-Laird, REML or Paule-Mandel estimates of the between-study variance for random effects).",
            join_and(&synthesis)
        ),
    ]
}
