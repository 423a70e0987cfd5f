//! The full review's generated sections: Summary of findings, Description of studies, risk of
//! bias by domain, Effects of interventions and the methods the analyses used. Each returns
//! plain text or plain views; the templates escape them on output.

use super::findings::{ComparisonFindings, Finding};
use super::narrative::{self, OutcomeReporting};
use super::small_study;
use crate::english::{capitalise, count_noun, decapitalise, join_and, plural, words};
use crate::format::{
    count, decimal, effect_phrase, heterogeneity_line, overall_effect_line,
    subgroup_differences_line,
};
use crate::model::measure::known_name;
use crate::model::{
    CertaintyLevel, DataType, Judgement, Measure, MethodKey, ModelKey, Review, RobTool,
};
use crate::plot::FigureSet;
use crate::results::{OutcomeResults, Results, Warning};

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
    finding
        .result
        .comparator_risk(finding.spec.and_then(|s| s.assumed_risk))
}

/// The intervention-group risk from the comparator risk and a relative effect.
pub(super) fn intervention_risk(measure: &Measure, acr: f64, effect: f64) -> f64 {
    let risk = match measure {
        Measure::OddsRatio => effect * acr / (1.0 - acr + effect * acr),
        Measure::RiskDifference => acr + effect,
        _ => acr * effect,
    };
    risk.clamp(0.0, 1.0)
}

/// Whether a relative effect says nothing of the risk with the intervention: a ratio of a
/// comparator risk of zero (no events in any comparison arm; an author's `assumed_risk` is
/// above zero) is zero whatever the ratio, which "0 per 1000 (0 to 0)" would misreport.
pub(super) fn ratio_of_no_risk(measure: &Measure, acr: f64) -> bool {
    acr == 0.0 && *measure != Measure::RiskDifference
}

/// The Summary of findings' comment on a ratio of no comparator risk ([`ratio_of_no_risk`]).
const NO_COMPARATOR_EVENTS: &str =
    "No events in the comparison group: a ratio gives no absolute effect";

fn per_1000(risk: f64) -> String {
    count((risk * 1000.0).round() as i64)
}

/// "1.20 lower" / "0.30 higher"; a value that rounds to zero has no direction ("0.00"), so that
/// an interval never reads "0.78 lower to 0.00 higher".
pub(super) fn difference_words(x: f64) -> String {
    let size = decimal(x.abs());
    if size.bytes().all(|b| b == b'0' || b == b'.') {
        size
    } else if x < 0.0 {
        format!("{size} lower")
    } else {
        format!("{size} higher")
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
        // The authors pooled no total: the table carries none, and says so.
        None if !r.pools_overall() => {
            comments = if r.pools_subgroups() {
                format!(
                    "Subtotals only: the review's authors did not pool the subgroups together (Analysis {})",
                    r.number
                )
            } else {
                format!(
                    "Totals not selected: the review's authors did not pool the studies (Analysis {})",
                    r.number
                )
            }
        }
        None => comments = "No study contributed an estimable result".into(),
        Some(p) => {
            let interval = format!("{} to {}", decimal(p.ci_low), decimal(p.ci_high));
            match r.data_type() {
                DataType::Dichotomous => {
                    relative = format!("{} {} ({interval})", measure.label(), decimal(p.estimate));
                    if let Some(acr) = assumed_risk(finding) {
                        let risk = |e| per_1000(intervention_risk(measure, acr, e));
                        risk_control = format!("{} per 1000", per_1000(acr));
                        if ratio_of_no_risk(measure, acr) {
                            comments = NO_COMPARATOR_EVENTS.into();
                        } else {
                            risk_experimental = format!(
                                "{} per 1000 ({} to {})",
                                risk(p.estimate),
                                risk(p.ci_low),
                                risk(p.ci_high)
                            );
                        }
                    }
                }
                DataType::Continuous => {
                    // "The mean" and a name that starts with "mean" would say it twice.
                    let name = decapitalise(&r.name);
                    let name = match name.get(..5) {
                        Some(first) if first.eq_ignore_ascii_case("mean ") => name[5..].to_string(),
                        _ => name,
                    };
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
                    if let Some(f) = footnotes.iter().find(|f| f.text == text) {
                        f.marker.clone()
                    } else {
                        let marker = ((b'a' + (footnotes.len() % 26) as u8) as char).to_string();
                        footnotes.push(Footnote {
                            marker: marker.clone(),
                            text,
                        });
                        marker
                    }
                })
                .collect();
            (certainty_symbols(c.level).to_string(), markers.join(", "))
        }
        None => ("Not assessed".to_string(), String::new()),
    };
    SofRow {
        outcome: r.name.clone(),
        analysis: r.number.clone(),
        risk_control,
        risk_experimental,
        relative,
        participants: format!(
            "{} ({})",
            count(r.participants),
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
    let small_study_p = review.protocol.grade.thresholds.small_study_p;
    // Every analysis in review order, with its small-study sentence and what its overall
    // result prints, each made once.
    let printed: Vec<(&OutcomeResults, Option<String>, Option<String>)> = findings
        .iter()
        .flat_map(|c| &c.outcomes)
        .map(|f| {
            let small_study = small_study::effects_sentence(f.result, small_study_p);
            let overall = printed_overall(f.result, small_study.as_deref());
            (f.result, small_study, overall)
        })
        .collect();
    let mut position = 0;
    findings
        .iter()
        .map(|c| {
            let outcomes: Vec<EffectView> = c
                .outcomes
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    let r = f.result;
                    let (_, small_study, overall) = &printed[position];
                    // An analysis with subgroups whose overall result prints as an earlier
                    // one's: the same studies grouped otherwise.
                    let earlier = overall
                        .as_ref()
                        .filter(|_| !r.subgroups.is_empty())
                        .and_then(|own| {
                            printed[..position]
                                .iter()
                                .find(|(_, _, other)| other.as_ref() == Some(own))
                        })
                        .map(|(earlier, _, _)| *earlier);
                    // Rated as the earlier one, its effect sentence would say that one's
                    // again: it says what it regroups instead.
                    let regrouping = earlier.map(|e| Regrouping {
                        of: &e.number,
                        said: e.certainty == r.certainty,
                    });
                    position += 1;
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
                        sentence: match &regrouping {
                            Some(g) if g.said => regrouping_sentence(
                                r,
                                g.of,
                                review.participants_noun(),
                                small_study.is_some(),
                            ),
                            _ => narrative::effect_sentence(review, c, f).unwrap_or_default(),
                        },
                        details: effect_details(
                            r,
                            review.participants_noun(),
                            regrouping.as_ref(),
                            small_study.clone(),
                        ),
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
                        name: review.outcome(id).map_or_else(
                            || f.result.name.clone(),
                            |o| capitalise(&narrative::distinct_name(o, &review.protocol.outcomes)),
                        ),
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

/// What an analysis's overall result prints (its studies, participants, effect, heterogeneity,
/// test for overall effect, prediction interval and test for small-study effects), to tell an
/// analysis that regroups an earlier one's studies (Review Manager's sensitivity analyses by
/// risk-of-bias domain do) and would repeat its sentences word for word; `None` without an
/// overall result.
fn printed_overall(r: &OutcomeResults, small_study: Option<&str>) -> Option<String> {
    let p = r.pooled.as_ref().filter(|_| r.pools_overall())?;
    Some(format!(
        "{} {} {} {} {} {:?} {:?}",
        r.studies,
        r.participants,
        effect_phrase(r.measure.label(), p),
        heterogeneity_line(r.heterogeneity.as_ref()),
        overall_effect_line(Some(p), r.uses_hksj()),
        r.prediction
            .as_ref()
            .map(|x| (decimal(x.low), decimal(x.high))),
        small_study
    ))
}

/// An analysis that regroups the studies of an earlier one, whose overall result prints the
/// same.
struct Regrouping<'a> {
    /// The earlier analysis's number.
    of: &'a str,
    /// Whether its own sentence says so (rated as the earlier one, its effect sentence would
    /// repeat that one's); otherwise its details refer to the earlier one.
    said: bool,
}

/// What a regrouping shares with the analysis it regroups, in words: "heterogeneity, the test
/// for overall effect, ...".
fn shared_with_regrouped(r: &OutcomeResults, small_study: bool) -> Vec<&'static str> {
    let mut same = vec!["heterogeneity", "the test for overall effect"];
    if r.prediction.is_some() {
        same.push("the prediction interval");
    }
    if small_study {
        same.push("the test for small-study effects");
    }
    same
}

/// "This analysis divides the 13 studies of analysis 1.1 (357,347 participants) into 3
/// subgroups, with the same overall result (RR 0.49, 95% CI 0.34 to 0.70), heterogeneity, ..."
fn regrouping_sentence(r: &OutcomeResults, of: &str, noun: &str, small_study: bool) -> String {
    let effect = r
        .pooled
        .as_ref()
        .map(|p| effect_phrase(r.measure.label(), p))
        .unwrap_or_default();
    let mut same = vec![format!("the same overall result ({effect})")];
    same.extend(
        shared_with_regrouped(r, small_study)
            .into_iter()
            .map(|s| s.trim_start_matches("the ").to_string()),
    );
    // The subgroups' names tell apart the regroupings of one analysis by different
    // characteristics (CD003188's sensitivity analyses by allocation, blinding, ...).
    let names: Option<Vec<&str>> = r.subgroups.iter().map(|g| g.name.as_deref()).collect();
    let names = names
        .filter(|n| n.len() <= 6 && n.iter().all(|n| !n.trim().is_empty()))
        .map(|n| format!(" ({})", n.join("; ")))
        .unwrap_or_default();
    format!(
        "This analysis divides the {} of analysis {of} ({} {noun}) into {}{names}, with {}.",
        count_noun(r.studies as u64, "study"),
        count(r.participants),
        count_noun(r.subgroups.len() as u64, "subgroup"),
        join_and(&same)
    )
}

/// Heterogeneity, the test for overall effect, the prediction interval, the test for subgroup
/// differences and any warning, as sentences; for an analysis with subtotals only, each
/// subgroup's effect instead of an overall one; then the test for small-study effects
/// (`small_study`). A `regrouping` of an earlier analysis's studies refers to it for what
/// would repeat its sentences word for word, or leaves it to its own sentence.
fn effect_details(
    r: &OutcomeResults,
    noun: &str,
    regrouping: Option<&Regrouping>,
    small_study: Option<String>,
) -> Vec<String> {
    let mut details = Vec::new();
    let repeated = regrouping.is_some();
    if let Some(g) = regrouping {
        if !g.said {
            details.push(format!(
                "{} are those of analysis {}.",
                capitalise(&join_and(&shared_with_regrouped(r, small_study.is_some()))),
                g.of
            ));
        }
    } else if !r.pools_overall() {
        if r.pools_subgroups() {
            details.extend(r.subgroups.iter().map(|sub| {
                let effect = match &sub.pooled {
                    Some(p) => effect_phrase(r.measure.label(), p),
                    None => "not estimable".to_string(),
                };
                format!(
                    "{} {}: {effect} ({}, {} {noun}).",
                    sub.number,
                    sub.name.as_deref().unwrap_or(""),
                    count_noun(sub.studies as u64, "study"),
                    count(sub.participants)
                )
            }));
        }
    } else if r.pooled.is_some() {
        details.push(format!("{}.", heterogeneity_line(r.heterogeneity.as_ref())));
        details.push(format!(
            "{}.",
            overall_effect_line(r.pooled.as_ref(), r.uses_hksj())
        ));
    } else {
        let what = if r.study_results.is_empty() {
            "data"
        } else {
            "an estimable result"
        };
        details.push(format!(
            "No study gave {what} for {}.",
            decapitalise(&r.name)
        ));
    }
    if let Some(prediction) = r.prediction.as_ref().filter(|_| !repeated) {
        details.push(format!(
            "95% prediction interval: {} to {}.",
            decimal(prediction.low),
            decimal(prediction.high)
        ));
    }
    if r.shows_subgroup_test() && r.subgroup_differences.is_some() {
        details.push(format!(
            "{}.",
            subgroup_differences_line(r.subgroup_differences.as_ref())
        ));
    }
    if let Some(Warning::Tau2NotConverged(estimator)) = &r.warning {
        details.push(format!(
            "The {} estimate of the between-study variance did not converge; the DerSimonian-Laird estimate was used.",
            crate::format::tau2_name(*estimator)
        ));
    }
    details.extend(small_study.filter(|_| !repeated));
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
/// awaiting studies. The flow counts records and reports, the study lists count studies: each
/// count is said once, in the unit it counts (reports excluded at full text are not excluded
/// studies, and the number included is the study list's).
pub fn description_of_studies(review: &Review) -> Vec<String> {
    let mut sentences = Vec::new();
    if let Some(flow) = review
        .protocol
        .search
        .as_ref()
        .and_then(|s| s.flow.as_ref())
        .map(|f| &f.value)
    {
        sentences.extend(search_flow(flow));
    }
    let studies = &review.studies;
    let n = studies.included.len() as u64;
    let sizes: Vec<i64> = studies
        .included
        .iter()
        .filter_map(|s| s.participants.as_ref())
        .map(|p| p.value)
        .collect();
    let participants = count(sizes.iter().sum::<i64>());
    let noun = review.participants_noun();
    let how_many = if sizes.len() as u64 == n {
        format!(" ({participants} {noun})")
    } else if !sizes.is_empty() {
        format!(
            " ({participants} {noun} in the {} that reported their numbers)",
            count_words(sizes.len() as u64, "study")
        )
    } else {
        String::new()
    };
    sentences.push(match n {
        0 => "No studies met the inclusion criteria.".to_string(),
        _ => format!("We included {}{how_many}.", count_words(n, "study")),
    });
    let counted = |n: usize| {
        let n = n as u64;
        let verb = if n == 1 { "is" } else { "are" };
        (capitalise(&words(n)), plural(n, "study"), verb)
    };
    if !studies.excluded.is_empty() {
        sentences.push(format!(
            "We excluded {} (see Characteristics of excluded studies).",
            count_words(studies.excluded.len() as u64, "study")
        ));
    }
    if !studies.ongoing.is_empty() {
        let (n, noun, verb) = counted(studies.ongoing.len());
        sentences.push(format!("{n} {noun} {verb} ongoing."));
    }
    if !studies.awaiting_classification.is_empty() {
        let (n, noun, verb) = counted(studies.awaiting_classification.len());
        sentences.push(format!("{n} {noun} {verb} awaiting classification."));
    }
    sentences
}

/// "nine studies".
fn count_words(n: u64, singular: &str) -> String {
    format!("{} {}", words(n), plural(n, singular))
}

/// The PRISMA flow in sentences: records identified and screened, reports assessed and
/// excluded with their reasons (most frequent first).
fn search_flow(flow: &crate::model::Flow) -> Vec<String> {
    let mut sentences = Vec::new();
    if let Some(identified) = flow.identified {
        let mut sentence = format!("The searches identified {} records", count(identified));
        if let Some(screened) = flow.screened {
            match flow.duplicates_removed {
                Some(d) if d > 0 => sentence.push_str(&format!(
                    "; after removing {} duplicates we screened {}",
                    count(d),
                    count(screened)
                )),
                _ => sentence.push_str(&format!("; we screened {}", count(screened))),
            }
            if let Some(excluded) = flow.excluded_screening.filter(|e| *e > 0) {
                sentence.push_str(&format!(
                    " and excluded {} on title and abstract",
                    count(excluded)
                ));
            }
        }
        sentence.push('.');
        sentences.push(sentence);
    }
    if let Some(full) = flow.full_text {
        let excluded: u64 = flow.excluded_full_text.values().sum();
        let reasons: Vec<String> = flow
            .reasons_by_count()
            .iter()
            .map(|(reason, n)| format!("{reason}: {}", count(*n)))
            .collect();
        let mut sentence = format!(
            "We assessed {} full-text reports for eligibility",
            count(full)
        );
        if excluded > 0 {
            sentence.push_str(&format!(" and excluded {} of them", count(excluded)));
            if !reasons.is_empty() {
                sentence.push_str(&format!(" ({})", reasons.join("; ")));
            }
        }
        sentence.push('.');
        sentences.push(sentence);
    }
    sentences
}

/// Risk of bias in included studies, with domains that have the same judgements said together:
/// "All nine studies were at unclear risk of bias in every domain.", or "Both studies were at
/// unclear risk of bias for A, B and C. For D and E, one study was at low risk and one at
/// unclear risk."
pub fn risk_of_bias_by_domain(review: &Review) -> Vec<String> {
    let tool = review.studies.risk_of_bias_tool;
    let included = &review.studies.included;
    let n = included.len() as u64;
    if n == 0 {
        return Vec::new();
    }
    const ORDER: [Judgement; 4] = [
        Judgement::Low,
        Judgement::Unclear,
        Judgement::High,
        Judgement::NotAssessed,
    ];
    // Each domain's judgements as counts, in ORDER, zero counts left out.
    let counts = |d: &crate::model::RobDomain| -> JudgementCounts {
        ORDER
            .iter()
            .map(|&j| {
                let c = included
                    .iter()
                    .filter(|s| s.judgement(tool, d) == j)
                    .count() as u64;
                (j, c)
            })
            .filter(|(_, c)| *c > 0)
            .collect()
    };
    // Domains grouped by their counts, in the order of their first domain.
    let mut groups: Vec<(JudgementCounts, Vec<String>)> = Vec::new();
    for d in tool.domains() {
        let key = counts(d);
        let name = rob_domain_in_text(d);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, names)) => names.push(name),
            None => groups.push((key, vec![name])),
        }
    }
    if tool == RobTool::Rob1 && review.studies.no_risk_of_bias_recorded() {
        // The default judgement, said as one: not what the studies' reports showed.
        let each = match n {
            1 => "the study; it is".to_string(),
            2 => "either study; both are".to_string(),
            _ => format!("any of the {} studies; each is", words(n)),
        };
        return vec![format!(
            "No risk-of-bias judgements were recorded for {each} shown at unclear risk of bias in every domain."
        )];
    }
    let subject = match n {
        1 => "The study".to_string(),
        2 => "Both studies".to_string(),
        _ => format!("All {} studies", words(n)),
    };
    let (uniform, mixed): (Vec<_>, Vec<_>) = groups.into_iter().partition(|(k, _)| k.len() == 1);
    let mut sentences = Vec::new();
    if let [(key, _)] = uniform.as_slice()
        && mixed.is_empty()
    {
        sentences.push(match key[0].0 {
            Judgement::NotAssessed => "Risk of bias was not assessed.".to_string(),
            j => format!(
                "{subject} {} in every domain.",
                rob_predicate(tool, j, n, true)
            ),
        });
    } else if !uniform.is_empty() {
        // "were" is understood after the first clause, but "had some concerns" has its own verb.
        let own_verb = |j: Judgement| tool == RobTool::Rob2 && j == Judgement::Unclear;
        let first = uniform[0].0[0].0;
        let clauses: Vec<String> = uniform
            .iter()
            .enumerate()
            .map(|(i, (key, names))| {
                let j = key[0].0;
                let full = i == 0 || own_verb(j) || own_verb(first);
                format!(
                    "{} for {}",
                    rob_predicate(tool, j, n, full),
                    join_and(names)
                )
            })
            .collect();
        sentences.push(format!("{subject} {}.", join_groups(&clauses)));
    }
    for (key, names) in &mixed {
        let counts: Vec<u64> = key.iter().map(|&(_, c)| c).collect();
        let said = crate::english::numbers_alike(&counts);
        let parts: Vec<String> = key
            .iter()
            .zip(&said)
            .enumerate()
            .map(|(i, (&(j, count), n))| {
                if i == 0 {
                    format!(
                        "{n} {} {}",
                        plural(count, "study"),
                        rob_predicate(tool, j, count, true)
                    )
                } else {
                    format!("{n} {}", rob_predicate(tool, j, count, false))
                }
            })
            .collect();
        sentences.push(format!("For {}, {}.", join_and(names), join_and(&parts)));
    }
    sentences
}

/// How many studies had each judgement in a domain, in a fixed order, zero counts left out.
type JudgementCounts = Vec<(Judgement, u64)>;

/// A domain's name in running text ("random sequence generation (selection bias)").
fn rob_domain_in_text(domain: &crate::model::RobDomain) -> String {
    if domain.key == "overall" {
        "the overall judgement".to_string()
    } else {
        decapitalise(domain.name)
    }
}

/// What studies were judged, after their subject: "were at unclear risk of bias" (`full`), or
/// after another judgement in the same sentence "at low risk" (the verb understood).
fn rob_predicate(tool: RobTool, judgement: Judgement, count: u64, full: bool) -> String {
    let verb = if count == 1 { "was" } else { "were" };
    match (tool, judgement, full) {
        (_, Judgement::Low, true) => format!("{verb} at low risk of bias"),
        (_, Judgement::Low, false) => "at low risk".into(),
        (RobTool::Rob1, Judgement::Unclear, true) => format!("{verb} at unclear risk of bias"),
        (RobTool::Rob1, Judgement::Unclear, false) => "at unclear risk".into(),
        (RobTool::Rob2, Judgement::Unclear, true) => "had some concerns".into(),
        (RobTool::Rob2, Judgement::Unclear, false) => "with some concerns".into(),
        (_, Judgement::High, true) => format!("{verb} at high risk of bias"),
        (_, Judgement::High, false) => "at high risk".into(),
        (_, Judgement::NotAssessed, true) => format!("{verb} not assessed"),
        (_, Judgement::NotAssessed, false) => "not assessed".into(),
    }
}

/// The methods the analyses used, as sentences for "Measures of treatment effect" and "Data
/// synthesis": only what some analysis used, each named with the analyses that used it (or
/// counted, when there are many), so that the sentence changes when an analysis does.
pub fn methods_used(results: &Results) -> Vec<String> {
    let outcomes: Vec<&OutcomeResults> = results.outcomes().map(|(_, o)| o).collect();
    if outcomes.is_empty() {
        return vec!["There were no data to analyse.".to_string()];
    }
    let name_them = outcomes.len() <= MAX_NAMED;
    let mut sentences = Vec::new();
    let measures = grouped(&outcomes, measure_phrase);
    sentences.push(match measures.as_slice() {
        [(measure, _)] => {
            format!("We used {measure} for every analysis, with 95% confidence intervals.")
        }
        _ => format!(
            "We used {}, all with 95% confidence intervals.",
            join_groups(&applied(&measures, name_them))
        ),
    });
    let models = grouped(&outcomes, model_phrase);
    sentences.push(match models.as_slice() {
        [(model, _)] => format!("We pooled every analysis with {model}."),
        _ => format!(
            "We pooled {}.",
            join_groups(&pooled_with(&models, name_them))
        ),
    });
    if outcomes
        .iter()
        .any(|o| o.heterogeneity.as_ref().is_some_and(|h| h.df > 0))
    {
        sentences.push(
            "We assessed heterogeneity with the Chi\u{b2} test and the I\u{b2} statistic."
                .to_string(),
        );
    }
    let predicted: Vec<&OutcomeResults> = outcomes
        .iter()
        .copied()
        .filter(|o| o.prediction.is_some())
        .collect();
    if !predicted.is_empty() {
        sentences.push(format!(
            "We give a 95% prediction interval for {}.",
            analyses_named(&predicted, name_them)
        ));
    }
    let subgrouped: Vec<&OutcomeResults> = outcomes
        .iter()
        .copied()
        .filter(|o| o.subgroup_differences.is_some())
        .collect();
    if !subgrouped.is_empty() {
        sentences.push(format!(
            "We tested for differences between subgroups for {}.",
            analyses_named(&subgrouped, name_them)
        ));
    }
    sentences.extend(small_study::methods_sentence(results));
    sentences
}

/// Most analyses the methods name one by one; beyond this they are counted.
const MAX_NAMED: usize = 6;

/// The analyses in groups by a key, in order of first use.
fn grouped<'a>(
    outcomes: &[&'a OutcomeResults],
    key: impl Fn(&OutcomeResults) -> String,
) -> Vec<(String, Vec<&'a OutcomeResults>)> {
    let mut groups: Vec<(String, Vec<&OutcomeResults>)> = Vec::new();
    for o in outcomes {
        let k = key(o);
        match groups.iter_mut().find(|(g, _)| *g == k) {
            Some((_, members)) => members.push(o),
            None => groups.push((k, vec![o])),
        }
    }
    groups
}

/// Groups joined with "and", or, when a group is itself a list, with a comma ("A and B with X,
/// and C with Y") or semicolons ("A and B with X; C with Y; and D with Z"), so that the joins
/// do not run together.
fn join_groups(groups: &[String]) -> String {
    if groups.len() < 3 && !groups.iter().any(|g| g.contains(" and ")) {
        return join_and(groups);
    }
    match groups {
        [first, second] => format!("{first}, and {second}"),
        [init @ .., last] if !init.is_empty() => format!("{}; and {last}", init.join("; ")),
        _ => join_and(groups),
    }
}

/// "pre-eclampsia and neonatal death", or "4 analyses".
fn analyses_named(outcomes: &[&OutcomeResults], name_them: bool) -> String {
    if name_them {
        // A protocol outcome is named once: by its analysis's name when its analyses share one
        // (an outcome analysed in two comparisons), else by the first's name and their numbers
        // ("tuberculosis (analyses 1.1 and 1.2)"), so that a name never repeats in the list.
        let mut groups: Vec<(&str, Vec<&OutcomeResults>)> = Vec::new();
        for o in outcomes {
            match groups.iter_mut().find(|(id, _)| *id == o.outcome) {
                Some((_, members)) => members.push(o),
                None => groups.push((&o.outcome, vec![o])),
            }
        }
        // Names that run into each other ("perinatal death and death") are each given their
        // numbers too, so that each reads as an outcome of its own.
        let named = |numbered: bool| {
            let mut names: Vec<String> = Vec::new();
            for (_, members) in &groups {
                let first = decapitalise(&members[0].name);
                let numbers: Vec<&str> = members.iter().map(|o| o.number.as_str()).collect();
                let name = match numbers.as_slice() {
                    _ if !numbered && members.iter().all(|o| o.name == members[0].name) => first,
                    [one] => format!("{first} (analysis {one})"),
                    _ => format!("{first} (analyses {})", join_and(&numbers)),
                };
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            names
        };
        let names = named(false);
        if crate::english::runs_together(&names) {
            join_and(&named(true))
        } else {
            join_and(&names)
        }
    } else {
        count_noun(outcomes.len() as u64, "analysis")
    }
}

/// "risk ratios (RR) for pre-eclampsia", per group.
fn applied(groups: &[(String, Vec<&OutcomeResults>)], name_them: bool) -> Vec<String> {
    groups
        .iter()
        .map(|(what, members)| format!("{what} for {}", analyses_named(members, name_them)))
        .collect()
}

/// "pre-eclampsia with a random-effects model (...)", per group.
fn pooled_with(groups: &[(String, Vec<&OutcomeResults>)], name_them: bool) -> Vec<String> {
    groups
        .iter()
        .map(|(model, members)| format!("{} with {model}", analyses_named(members, name_them)))
        .collect()
}

/// The effect measure in running text.
fn measure_phrase(o: &OutcomeResults) -> String {
    match (&o.measure, o.method) {
        (_, MethodKey::Peto) => "Peto odds ratios".into(),
        (Measure::RiskRatio, _) => "risk ratios (RR)".into(),
        (Measure::OddsRatio, _) => "odds ratios (OR)".into(),
        (Measure::RiskDifference, _) => "risk differences (RD)".into(),
        (Measure::MeanDifference, _) => "mean differences (MD)".into(),
        (Measure::StdMeanDifference, _) => {
            "standardised mean differences (SMD, Hedges' adjusted g)".into()
        }
        (Measure::Generic { label, name, .. }, _) => {
            // "hazard ratio (HR)" for the names revmark knows; the authors' own names as
            // written.
            let measure = match known_name(label) {
                Some(known) if known == name => format!("{} ({label})", known.to_lowercase()),
                _ if name != label => format!("{name} ({label})"),
                _ => label.clone(),
            };
            format!("{measure} estimates with their standard errors (generic inverse variance)")
        }
    }
}

/// "a random-effects model (Mantel-Haenszel method; DerSimonian-Laird estimate of the
/// between-study variance)".
fn model_phrase(o: &OutcomeResults) -> String {
    let method = match o.method {
        MethodKey::MH => "Mantel-Haenszel",
        MethodKey::IV => "inverse-variance",
        MethodKey::Peto => "Peto",
    };
    match o.model {
        ModelKey::Fixed => format!("a fixed-effect model ({method} method)"),
        ModelKey::Random => {
            let hksj = if o.uses_hksj() {
                "; Hartung-Knapp-Sidik-Jonkman confidence interval"
            } else {
                ""
            };
            format!(
                "a random-effects model ({method} method; {} estimate of the between-study variance{hksj})",
                crate::format::tau2_name(o.tau2)
            )
        }
    }
}
