//! The generated results text: every sentence of the abstract's Main results computed from the
//! review's data, as plain text (the templates escape it on output).

use std::collections::HashMap;

use super::findings::{ComparisonFindings, Finding};
use super::prose::{StudyField, StudyProse};
use crate::english::{
    capitalise, count_noun, country_in_text, decapitalise, is_plural, join_and, join_and_after,
    join_or, lower_first, plural, runs_into, words,
};
use crate::format::{count, effect_phrase, estimate_phrase};
use crate::model::{
    AnalysisOutcome, CertaintyLevel, Comparison, IncludedStudy, Judgement, Priority,
    ProtocolOutcome, Review, RobTool, Role,
};
use crate::plot::Arms;
use crate::results::{OutcomeResults, Pooled};

/// A study counts as small when it randomised fewer participants than this.
pub const SMALL_STUDY: i64 = 100;

/// Share of unclear judgements at or above which risk of bias is called not assessable.
const MOSTLY_UNCLEAR: f64 = 0.5;

/// How an outcome was reported across the included studies.
#[derive(Debug, Clone)]
pub struct OutcomeReporting<'a> {
    /// The protocol outcome.
    pub outcome: &'a ProtocolOutcome,
    /// Studies with data in an analysis of this outcome.
    pub with_data: usize,
    /// Studies that reported it without usable data, with their narratives.
    pub without_data: Vec<(String, Option<String>)>,
}

impl OutcomeReporting<'_> {
    /// Whether any study reported the outcome in any form.
    pub fn reported(&self) -> bool {
        self.with_data > 0 || !self.without_data.is_empty()
    }
}

/// Which studies reported each protocol outcome, in protocol order, without their narratives
/// ([`add_narratives`] adds them once the study prose is rendered).
pub fn outcome_reporting(review: &Review) -> Vec<OutcomeReporting<'_>> {
    // Both lookups are grouped by outcome id in one pass each: scanning every study for every
    // protocol outcome was quadratic on large reviews.
    let mut with_data: HashMap<&str, Vec<&str>> = HashMap::new();
    for o in review.comparisons.iter().flat_map(|c| &c.outcomes) {
        let studies = with_data.entry(o.outcome.as_str()).or_default();
        studies.extend(
            o.groups
                .iter()
                .flat_map(|g| &g.rows)
                .map(|r| r.study.as_str()),
        );
    }
    for studies in with_data.values_mut() {
        studies.sort_unstable();
        studies.dedup();
    }
    // Studies that report each outcome, in study order, each once.
    let mut reported_by: HashMap<&str, Vec<&IncludedStudy>> = HashMap::new();
    for s in &review.studies.included {
        for r in &s.outcomes_reported {
            let studies = reported_by.entry(r.outcome.value.as_str()).or_default();
            if !studies.last().is_some_and(|last| std::ptr::eq(*last, s)) {
                studies.push(s);
            }
        }
    }
    review
        .protocol
        .outcomes
        .iter()
        .map(|outcome| {
            let id = outcome.id.value.as_str();
            let with_data = with_data.get(id).map_or(&[][..], Vec::as_slice);
            let without_data = reported_by
                .get(id)
                .into_iter()
                .flatten()
                .filter(|s| with_data.binary_search(&s.id.value.as_str()).is_err())
                .map(|s| (s.id.value.clone(), None))
                .collect();
            OutcomeReporting {
                outcome,
                with_data: with_data.len(),
                without_data,
            }
        })
        .collect()
}

/// Adds to each study that reported an outcome without data its narrative of it, from the
/// rendered study `prose`.
pub fn add_narratives(reporting: &mut [OutcomeReporting], prose: &StudyProse) {
    if prose.is_empty() {
        return;
    }
    for r in reporting {
        let outcome = r.outcome.id.value.as_str();
        for (study, narrative) in &mut r.without_data {
            *narrative = prose
                .get(&(study.as_str(), StudyField::Narrative(outcome)))
                .map(ToString::to_string);
        }
    }
}

/// The Main results paragraphs, each a list of sentences.
pub fn main_results(
    review: &Review,
    reporting: &[OutcomeReporting],
    findings: &[ComparisonFindings],
) -> Vec<Vec<String>> {
    let headlines = super::findings::headlines(findings);
    let all = || headlines.iter().copied();
    let mut paragraphs = Vec::new();
    paragraphs.push(unmade_comparisons(review));
    let mut studies = included_studies(review);
    studies.extend(risk_of_bias(review));
    // Any estimable row is a quantitative result, pooled or (as its authors chose) not.
    let estimable = |f: &Finding| f.result.study_results.iter().any(|r| r.estimable);
    if !review.studies.included.is_empty() && !all().any(|(_, f)| estimable(f)) {
        studies.push(
            "There were no quantitative data for any of this review's outcomes so meta-analysis was not possible."
                .to_string(),
        );
    }
    paragraphs.push(studies);
    let results = abstract_results(review, findings);
    let grouped = results.said.len() > 1;
    let mut closing: Vec<String> = results.closing().into_iter().collect();
    closing.extend(unreported_primary(review, reporting));
    if grouped {
        // One paragraph per comparison, each opening with its name, so that results of the
        // same outcome in different comparisons are told apart. When no result is rated, that
        // is said once, and each comparison lists its results.
        let none_rated = results.said.iter().all(|s| s.rated.is_empty());
        if none_rated {
            paragraphs.push(vec![
                "The certainty of the evidence was not assessed for any of the following results."
                    .to_string(),
            ]);
        }
        if none_rated {
            paragraphs.extend(listings(&results.said));
        } else {
            paragraphs.extend(results.said.into_iter().map(|said| {
                let mut sentences = said.rated;
                sentences.extend(unrated_sentence(&said.unrated));
                with_lead(said.comparison, sentences)
            }));
        }
        paragraphs.push(closing);
    } else {
        let mut effects: Vec<String> = Vec::new();
        for said in results.said {
            effects.extend(said.rated);
            effects.extend(unrated_sentence(&said.unrated));
        }
        effects.extend(closing);
        paragraphs.push(effects);
    }
    let mut rest = reported_without_data(reporting);
    rest.extend(unreported_secondary(review, reporting));
    paragraphs.push(rest);
    paragraphs.retain(|p| !p.is_empty());
    paragraphs
}

/// At most this many results without a certainty rating are listed for each comparison in
/// the abstract (those of primary outcomes first); Effects of interventions reports them all.
pub const UNRATED_PER_COMPARISON: usize = 3;

/// At most about this many results without a certainty rating are listed in the abstract in
/// all: a review of many comparisons lists fewer of each ([`unrated_per_comparison`]), so that
/// the abstract stays an abstract.
pub const UNRATED_IN_ABSTRACT: usize = 24;

/// How many results without a certainty rating the abstract lists for each of `comparisons`
/// comparisons that have such results: [`UNRATED_IN_ABSTRACT`] shared among them, at least one
/// and at most [`UNRATED_PER_COMPARISON`] each.
pub fn unrated_per_comparison(comparisons: usize) -> usize {
    (UNRATED_IN_ABSTRACT / comparisons.max(1)).clamp(1, UNRATED_PER_COMPARISON)
}

/// What the abstract's Main results say of one comparison's results.
struct Said<'c, 'a> {
    comparison: &'c ComparisonFindings<'a>,
    /// Its results with a certainty rating, each in its GRADE sentence.
    rated: Vec<String>,
    /// Its pooled results without one, listed: each name and its numbers.
    unrated: Vec<(String, String)>,
}

/// What the abstract's Main results say of the comparisons' results.
struct AbstractResults<'c, 'a> {
    /// Each comparison that has anything to say, in order.
    said: Vec<Said<'c, 'a>>,
    /// Headline results without a certainty rating that are not listed: beyond
    /// [`UNRATED_PER_COMPARISON`], or without a pooled estimate.
    unlisted: usize,
    /// The roles of the comparisons left out as re-analyses ([`ComparisonFindings::is_reanalysis`]).
    reanalyses: Vec<Role>,
}

impl AbstractResults<'_, '_> {
    /// The sentence that says where the results the abstract does not list are: "Effects of
    /// interventions also reports 12 other results, whose certainty was not assessed, and the
    /// subgroup and sensitivity analyses."
    fn closing(&self) -> Option<String> {
        let others = (self.unlisted > 0).then(|| {
            let n = self.unlisted as u64;
            format!(
                "{} other {}, whose certainty was not assessed,",
                words(n),
                plural(n, "result")
            )
        });
        let kinds: Vec<&str> = [Role::Subgroup, Role::Sensitivity]
            .into_iter()
            .filter(|r| self.reanalyses.contains(r))
            .map(Role::as_str)
            .collect();
        let reanalyses = (!kinds.is_empty()).then(|| format!("the {} analyses", join_and(&kinds)));
        let what = match (others, reanalyses) {
            (Some(o), Some(r)) => format!("{o} and {r}"),
            (Some(o), None) => o.trim_end_matches(',').to_string(),
            (None, Some(r)) => r,
            (None, None) => return None,
        };
        Some(format!("Effects of interventions also reports {what}."))
    }
}

/// The results the abstract reports, comparison by comparison: of each comparison that does
/// not analyse again what another analyses, its headline results with a certainty rating,
/// each in its GRADE sentence, and a few pooled results without one
/// ([`unrated_per_comparison`]), in one sentence. A result said already (the same data analysed again in another
/// comparison) is not said again.
fn abstract_results<'c, 'a>(
    review: &Review,
    findings: &'c [ComparisonFindings<'a>],
) -> AbstractResults<'c, 'a> {
    let reported = super::findings::reported(findings);
    let mut out = AbstractResults {
        said: Vec::new(),
        unlisted: 0,
        reanalyses: Vec::new(),
    };
    let pooled = |f: &&Finding| f.result.pools_overall() && f.result.pooled.is_some();
    let unrated = |c: &'c ComparisonFindings<'a>| -> Vec<&'c Finding<'a>> {
        c.headline()
            .filter(|f| f.result.certainty.is_none())
            .collect()
    };
    let per_comparison = unrated_per_comparison(
        findings
            .iter()
            .filter(|c| reported(c) && unrated(c).iter().any(pooled))
            .count(),
    );
    let mut said_sentences = std::collections::HashSet::new();
    let mut said_results = std::collections::HashSet::new();
    for c in findings {
        if !reported(c) {
            out.reanalyses
                .extend(c.outcomes.iter().filter_map(|f| f.spec.map(|s| s.role)));
            continue;
        }
        let headline: Vec<&Finding> = c.headline().collect();
        let rated: Vec<(&ComparisonFindings, &Finding)> = headline
            .iter()
            .filter(|f| f.result.certainty.is_some())
            .map(|f| (c, *f))
            .collect();
        let mut sentences = effect_sentences(review, &rated);
        sentences.retain(|sentence| said_sentences.insert(sentence.clone()));
        let unrated = unrated(c);
        let primary = |f: &Finding| {
            review
                .outcome(&f.result.outcome)
                .is_some_and(|o| o.priority == Priority::Primary)
        };
        // Primary outcomes first, then in order; listed in order.
        let mut chosen: Vec<usize> = (0..unrated.len())
            .filter(|&i| pooled(&unrated[i]))
            .collect();
        chosen.sort_by_key(|&i| (!primary(unrated[i]), i));
        chosen.truncate(per_comparison);
        chosen.sort_unstable();
        let listed: Vec<(String, String)> = chosen
            .iter()
            .filter_map(|&i| unrated_result(review, unrated[i]))
            .filter(|phrase| said_results.insert(phrase.clone()))
            .collect();
        out.unlisted += unrated.len() - chosen.len();
        if !sentences.is_empty() || !listed.is_empty() {
            out.said.push(Said {
                comparison: c,
                rated: sentences,
                unrated: listed,
            });
        }
    }
    out
}

/// A pooled result without a certainty rating: its name and its numbers ("stillbirth", "OR
/// 0.69, 95% CI 0.36 to 1.32; 8 studies, 4158 women").
fn unrated_result(review: &Review, finding: &Finding) -> Option<(String, String)> {
    let result = finding.result;
    let pooled = result.pooled.as_ref()?;
    let mut facts = vec![effect_phrase(result.measure.label(), pooled)];
    facts.extend(counts(review, result));
    Some((decapitalise(&result.name), facts.join("; ")))
}

/// "For stillbirth (OR ...), the certainty of the evidence was not assessed." for one result
/// (the numbers beside the result they are of, not beside the assessment that was not made);
/// for several, one sentence: "The certainty of the evidence was not assessed for stillbirth
/// (OR ...) and neonatal death (RR ...)."
fn unrated_sentence(listed: &[(String, String)]) -> Option<String> {
    match listed {
        [] => None,
        [(name, facts)] => Some(format!(
            "For {name} ({facts}), the certainty of the evidence was not assessed."
        )),
        _ => Some(format!(
            "The certainty of the evidence was not assessed for {}.",
            join_and_after("for", &listed_results(listed))
        )),
    }
}

/// Each result listed as "stillbirth (OR 0.69, 95% CI ...)".
fn listed_results(listed: &[(String, String)]) -> Vec<String> {
    listed
        .iter()
        .map(|(name, facts)| format!("{name} ({facts})"))
        .collect()
}

/// The abstract's lists of results when none is rated: a paragraph for each comparison,
/// opening with its name ("Tetracycline versus doxycycline: diarrhoea duration (MD ...) and
/// stool volume (RoM ...)."); consecutive comparisons that each list only a result of the same
/// name, under names of the same kind, share one paragraph that opens with the result's name
/// ("Direct evidence, clinical relapse: 5-ASA versus placebo (RR ...), ... and budesonide
/// versus placebo (RR ...)."), so that a review of many pairwise comparisons of one outcome
/// does not repeat the same words at the head of a dozen paragraphs.
fn listings(said: &[Said]) -> Vec<Vec<String>> {
    let keys: Vec<Option<(String, Option<String>)>> = said.iter().map(shared_listing).collect();
    let mut paragraphs = Vec::new();
    let mut start = 0;
    while let Some(first) = said.get(start) {
        let key = &keys[start];
        let run = match key {
            Some(_) => keys[start..].iter().take_while(|k| *k == key).count(),
            None => 1,
        };
        let rest = &said[start..];
        if let (Some((name, kind)), 2..) = (key, run) {
            let lead = match kind {
                Some(kind) => format!("{kind}, {name}"),
                None => capitalise(name),
            };
            let items: Vec<String> = rest[..run]
                .iter()
                .map(|s| {
                    let (_, facts) = &s.unrated[0];
                    let compared = comparison_name(s.comparison);
                    let compared = compared
                        .split_once(": ")
                        .map_or(compared.as_str(), |(_, what)| what);
                    format!("{} ({facts})", decapitalise(compared))
                })
                .collect();
            paragraphs.push(vec![format!("{lead}: {}.", join_and(&items))]);
        } else {
            let sentence = format!("{}.", join_and(&listed_results(&first.unrated)));
            paragraphs.push(with_lead(first.comparison, vec![sentence]));
        }
        start += run;
    }
    paragraphs
}

/// What a comparison's listing shares with its neighbours' when it lists one result alone:
/// the result's name and the kind its comparison's name gives before a colon ("Direct
/// evidence" of "Direct evidence: 5-ASA versus placebo"), if any.
fn shared_listing(said: &Said) -> Option<(String, Option<String>)> {
    let [(name, _)] = said.unrated.as_slice() else {
        return None;
    };
    if !said.rated.is_empty() {
        return None;
    }
    let compared = comparison_name(said.comparison);
    let kind = compared.split_once(": ").map(|(kind, _)| kind.to_string());
    Some((name.clone(), kind))
}

/// A comparison's name as the abstract prints it at the head of a paragraph.
fn comparison_name(comparison: &ComparisonFindings) -> String {
    capitalise(&decapitalise(comparison.results.name.trim()))
}

/// A comparison's sentences as one paragraph that opens with its name: "Tetracycline versus
/// doxycycline: the certainty of the evidence ...". A name that has a colon of its own is
/// followed by a dash instead.
fn with_lead(comparison: &ComparisonFindings, mut sentences: Vec<String>) -> Vec<String> {
    let name = comparison_name(comparison);
    let separator = if name.contains(':') {
        " \u{2013} "
    } else {
        ": "
    };
    if let Some(first) = sentences.first_mut() {
        // The sentence goes on after the name: its first capital goes, unless it is the
        // intervention's own ("Lactobacillus GG reduces ...") or an acronym's.
        let rest = if first.starts_with(comparison.experimental.as_str()) {
            first.clone()
        } else {
            lower_first(first)
        };
        *first = format!("{name}{separator}{rest}");
    }
    sentences
}

/// "We found no studies that compared ..." for planned comparisons no study made.
fn unmade_comparisons(review: &Review) -> Vec<String> {
    let unmade: Vec<&str> = review
        .protocol
        .comparisons
        .iter()
        .filter(|planned| {
            let id = planned.id.value.as_str();
            let by_study = review
                .studies
                .included
                .iter()
                .any(|s| s.comparison.as_ref().is_some_and(|c| c.value == id));
            let by_data = review.comparisons.iter().any(|c| {
                c.id == id
                    && c.outcomes
                        .iter()
                        .any(|o| o.groups.iter().any(|g| !g.rows.is_empty()))
            });
            !by_study && !by_data
        })
        .map(|planned| planned.name.as_str())
        .collect();
    if unmade.is_empty() {
        return Vec::new();
    }
    vec![format!(
        "We found no studies that compared {}.",
        join_or(&unmade)
    )]
}

/// How the included studies compared, and what the experimental and control arms were.
fn comparison_phrase(review: &Review, id: &str) -> Option<String> {
    if let Some(planned) = review
        .protocol
        .comparisons
        .iter()
        .find(|c| c.id.value == id)
        && let (Some(e), Some(c)) = (&planned.experimental, &planned.control)
    {
        return Some(format!("{e} with {c}"));
    }
    let analysed = review.comparisons.iter().find(|c| c.id == id)?;
    Some(format!(
        "{} with {}",
        decapitalise(&analysed.experimental),
        decapitalise(&analysed.control)
    ))
}

/// How an analysis's comparison reads: its own arms where it has them ("4.0 g/d with 2.4 g/d"
/// in a comparison of several pairs), else its comparison's.
fn analysis_phrase(
    review: &Review,
    comparison: &Comparison,
    analysis: &AnalysisOutcome,
) -> Option<String> {
    if analysis.experimental.is_none() && analysis.control.is_none() {
        return comparison_phrase(review, &comparison.id);
    }
    let (experimental, control) = analysis.arms(comparison);
    Some(format!(
        "{} with {}",
        decapitalise(experimental),
        decapitalise(control)
    ))
}

/// The number of included studies and participants, the comparisons they made and where.
fn included_studies(review: &Review) -> Vec<String> {
    let included = &review.studies.included;
    let n = included.len() as u64;
    let noun = review.participants_noun();
    if n == 0 {
        return vec!["We found no studies that met the inclusion criteria.".to_string()];
    }
    let sizes: Vec<Option<i64>> = included
        .iter()
        .map(|s| s.participants.as_ref().map(|p| p.value))
        .collect();
    let known: i64 = sizes.iter().flatten().sum();
    let all_known = sizes.iter().all(Option::is_some);
    let small = all_known && sizes.iter().flatten().all(|&p| p < SMALL_STUDY);
    let adjective = if small { "small " } else { "" };
    let total = count(known);
    let involving = match (all_known, n) {
        (true, 1) => format!(" (involving {total} {noun})"),
        (true, _) => format!(" (involving a total of {total} {noun})"),
        (false, _) if known > 0 => {
            format!(" (involving at least {total} {noun}; not all studies reported their numbers)")
        }
        _ => String::new(),
    };
    let verb = if n == 1 { "was" } else { "were" };
    // From 100 on `words` gives the digits, as `count` writes them.
    let studies = capitalise(&words(n));
    let mut sentences = vec![format!(
        "{studies} {adjective}{}{involving} {verb} included.",
        plural(n, "study")
    )];
    sentences.extend(comparisons_made(review));
    sentences.extend(without_data(review));
    sentences.extend(countries(review));
    sentences
}

/// "One study compared A with B and the other study compared A with C.": each study counted
/// under the comparison it names and, when that is one of the analysed comparisons (or it names
/// none), under every analysed comparison with a row of it (a three-arm study may make two),
/// once for each way its comparisons read. A study that names a planned comparison the
/// analyses do not have is counted there only: the authors sort their studies by the planned
/// comparisons, and the analyses' own grouping would count it twice.
pub(super) fn comparisons_made(review: &Review) -> Option<String> {
    let included = &review.studies.included;
    // How each analysis reads (an analysis with arms of its own reads as them), worked out
    // once: a review has many rows to an analysis.
    let analyses: Vec<(&str, &AnalysisOutcome, Option<Phrase>)> = review
        .comparisons
        .iter()
        .flat_map(|c| {
            c.outcomes.iter().map(move |a| {
                let phrase = analysis_phrase(review, c, a).map(Phrase::new);
                (c.id.as_str(), a, phrase)
            })
        })
        .collect();
    // Each study's analysed comparisons, as they read.
    let mut with_rows: HashMap<&str, Vec<(&str, &Phrase)>> = HashMap::new();
    for (comparison, analysis, phrase) in &analyses {
        let Some(phrase) = phrase else { continue };
        for row in analysis.groups.iter().flat_map(|g| &g.rows) {
            let made = with_rows.entry(row.study.as_str()).or_default();
            if !made.iter().any(|(_, p)| p.key == phrase.key) {
                made.push((comparison, phrase));
            }
        }
    }
    // Each study's comparisons as they read, in order of first appearance.
    let made: Vec<Vec<Phrase>> = included
        .iter()
        .map(|study| {
            let named = study.comparison.as_ref().map(|c| c.value.as_str());
            let analysed = named.is_none_or(|id| review.comparisons.iter().any(|c| c.id == id));
            let rows = with_rows
                .get(study.id.value.as_str())
                .filter(|_| analysed)
                .map_or(&[][..], Vec::as_slice);
            // The comparison it names, unless its rows there say how it reads.
            let named = named
                .filter(|id| !rows.iter().any(|(c, _)| c == id))
                .and_then(|id| comparison_phrase(review, id))
                .map(Phrase::new);
            let mut phrases: Vec<Phrase> = Vec::new();
            for phrase in named
                .into_iter()
                .chain(rows.iter().map(|(_, p)| (*p).clone()))
            {
                if !phrases.iter().any(|p| p.key == phrase.key) {
                    phrases.push(phrase);
                }
            }
            phrases
        })
        .collect();
    let mut groups: Vec<(&Phrase, u64)> = Vec::new();
    for phrase in made.iter().flatten() {
        match groups.iter_mut().find(|(p, _)| p.key == phrase.key) {
            Some((_, count)) => *count += 1,
            None => groups.push((phrase, 1)),
        }
    }
    // In the review's order of analyses (then of the comparisons only planned), not the
    // studies'.
    let planned = review
        .protocol
        .comparisons
        .iter()
        .filter_map(|c| comparison_phrase(review, &c.id.value).map(Phrase::new));
    let mut order: HashMap<String, usize> = HashMap::new();
    for key in analyses
        .iter()
        .filter_map(|(_, _, p)| p.as_ref().map(|p| p.key.clone()))
        .chain(planned.map(|p| p.key))
    {
        let next = order.len();
        order.entry(key).or_insert(next);
    }
    groups.sort_by_key(|(phrase, _)| order.get(&phrase.key).copied().unwrap_or(usize::MAX));
    let several = made.iter().any(|phrases| phrases.len() > 1);
    let placed = made.iter().filter(|phrases| !phrases.is_empty()).count() as u64;
    let total = included.len() as u64;
    match groups.as_slice() {
        [] => None,
        [(phrase, count)] if *count == total => Some(match total {
            1 => format!("The study compared {}.", phrase.text),
            2 => format!("Both studies compared {}.", phrase.text),
            _ => format!("All {} studies compared {}.", words(total), phrase.text),
        }),
        [(first, 1), (second, 1)] if total == 2 && !several => Some(format!(
            "One study compared {} and the other study compared {}.",
            first.text, second.text
        )),
        _ => {
            // A long list reads badly in one sentence: the most frequent comparisons are
            // named, and the others counted.
            let mut named: Vec<&(&Phrase, u64)> = groups.iter().collect();
            let mut others: Vec<&(&Phrase, u64)> = Vec::new();
            if groups.len() > MOST_COMPARISONS_NAMED + 1 {
                named.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
                others = named.split_off(MOST_COMPARISONS_NAMED);
                // Named in the order the review has them.
                named.sort_by_key(|g| groups.iter().position(|h| std::ptr::eq(*g, h)));
            }
            let mut parts: Vec<String> = named
                .iter()
                .map(|(phrase, count)| {
                    format!(
                        "{} {} compared {}",
                        words(*count),
                        plural(*count, "study"),
                        phrase.text
                    )
                })
                .collect();
            if !others.is_empty() {
                // The studies that made any of the other comparisons, each once.
                let studies = made
                    .iter()
                    .filter(|phrases| {
                        phrases
                            .iter()
                            .any(|p| others.iter().any(|(o, _)| o.key == p.key))
                    })
                    .count() as u64;
                // "The remaining" only when they are all the rest, each counted once: studies
                // that name no comparison are said after (see `without_data`).
                let which = if several {
                    ""
                } else if placed == total {
                    "the remaining "
                } else {
                    "a further "
                };
                parts.push(format!(
                    "{which}{} {} made {} other comparisons",
                    words(studies),
                    plural(studies, "study"),
                    words(others.len() as u64)
                ));
            }
            let overlap = if several {
                "; some studies made more than one comparison"
            } else {
                ""
            };
            Some(format!("{}{overlap}.", capitalise(&join_and(&parts))))
        }
    }
}

/// A comparison as a sentence names it, with the form in which two comparisons that read as
/// one are equal: the same words but for case and a plural "s" ("bisphosphonates with
/// control", "Bisphosphonate with control"), as Review Manager's group labels of one review
/// often differ.
#[derive(Debug, Clone)]
struct Phrase {
    text: String,
    key: String,
}

impl Phrase {
    fn new(text: String) -> Self {
        let key = text
            .split_whitespace()
            .map(|w| {
                let w = w.to_lowercase();
                match w.strip_suffix('s') {
                    Some(stem) => stem.to_string(),
                    None => w,
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
        Self { text, key }
    }
}

/// "The other six studies contributed no data to the analyses.", for the included studies
/// that [`comparisons_made`] cannot place: they name no comparison and have no row in any
/// analysis. Without it, "Eighteen studies compared ..." of twenty-four included leaves the
/// reader to wonder about the rest. None when every study is placed, or none is (the sentence
/// on comparisons is then missing too).
fn without_data(review: &Review) -> Option<String> {
    let included = &review.studies.included;
    let with_rows: std::collections::HashSet<&str> = review
        .comparisons
        .iter()
        .flat_map(|c| &c.outcomes)
        .flat_map(|o| o.groups.iter().flat_map(|g| &g.rows))
        .map(|r| r.study.as_str())
        .collect();
    let unplaced = |s: &&IncludedStudy| {
        s.comparison
            .as_ref()
            .is_none_or(|c| comparison_phrase(review, &c.value).is_none())
            && !with_rows.contains(s.id.value.as_str())
    };
    let n = included.iter().filter(unplaced).count() as u64;
    if n == 0 || n == included.len() as u64 {
        return None;
    }
    Some(if n == 1 {
        "The other study contributed no data to the analyses.".to_string()
    } else {
        format!(
            "The other {} studies contributed no data to the analyses.",
            words(n)
        )
    })
}

/// The most comparisons the sentence on what the studies compared names one by one.
const MOST_COMPARISONS_NAMED: usize = 3;

/// "The studies were carried out in Brazil (36 adolescent mothers) and the USA (16 women)".
pub(super) fn countries(review: &Review) -> Option<String> {
    let included = &review.studies.included;
    let noun = review.participants_noun();
    // Places in order of first appearance, with the studies carried out there.
    let mut places: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, study) in included.iter().enumerate() {
        let countries: Vec<String> = study
            .countries()
            .iter()
            .map(|c| country_in_text(c))
            .collect();
        if countries.is_empty() {
            continue;
        }
        let place = join_and(&countries);
        match places.iter_mut().find(|(p, _)| *p == place) {
            Some((_, studies)) => studies.push(i),
            None => places.push((place, vec![i])),
        }
    }
    if places.is_empty() {
        return None;
    }
    let described: Vec<String> = places
        .iter()
        .map(|(place, studies)| {
            let labels: Vec<&str> = studies
                .iter()
                .map(|&i| included[i].participants_label.as_deref().unwrap_or(noun))
                .collect();
            let label = if labels.iter().all(|l| *l == labels[0]) {
                labels[0]
            } else {
                noun
            };
            let sizes: Option<i64> = studies
                .iter()
                .map(|&i| included[i].participants.as_ref().map(|p| p.value))
                .sum();
            let count = match (studies.len(), sizes) {
                (1, Some(size)) => format!("{} {label}", count(size)),
                (k, Some(size)) => {
                    format!("{} studies, {} {label}", words(k as u64), count(size))
                }
                (1, None) => String::new(),
                (k, None) => format!("{} studies", words(k as u64)),
            };
            if count.is_empty() {
                place.clone()
            } else {
                format!("{place} ({count})")
            }
        })
        .collect();
    let subject = if included.len() == 1 {
        "The study was"
    } else {
        "The studies were"
    };
    let settings: Vec<Option<&str>> = included.iter().map(|s| s.setting.as_deref()).collect();
    let setting = match settings.first() {
        Some(Some(first)) if settings.iter().all(|s| *s == Some(*first)) => {
            format!(" and included {first}")
        }
        _ => String::new(),
    };
    Some(format!(
        "{subject} carried out in {}{setting}.",
        join_and(&described)
    ))
}

/// Whether risk of bias could not be adequately assessed: at least half of the judgements
/// (RoB 2: of the overall judgements) are unclear or missing. The abstract and the plain
/// language summary both say so by this one rule.
pub(super) fn mostly_unclear(review: &Review) -> bool {
    unclear_share(review) >= MOSTLY_UNCLEAR
}

/// The share of unclear or missing judgements (RoB 2: overall judgements); 0 without studies.
fn unclear_share(review: &Review) -> f64 {
    let judgements = judgements(review);
    if judgements.is_empty() {
        return 0.0;
    }
    judgements
        .iter()
        .filter(|j| matches!(j, Judgement::Unclear | Judgement::NotAssessed))
        .count() as f64
        / judgements.len() as f64
}

/// The domains the summaries weigh: all of them (RoB 1) or the overall one (RoB 2), whose
/// judgement summarises the five domains.
fn summarised_domains(tool: RobTool) -> Vec<&'static crate::model::RobDomain> {
    match tool {
        RobTool::Rob1 => tool.domains().iter().collect(),
        RobTool::Rob2 => tool
            .domains()
            .iter()
            .filter(|d| d.key == "overall")
            .collect(),
    }
}

/// Every judgement the summaries weigh: all domains (RoB 1) or the overall one (RoB 2).
fn judgements(review: &Review) -> Vec<Judgement> {
    let tool = review.studies.risk_of_bias_tool;
    let domains = summarised_domains(tool);
    review
        .studies
        .included
        .iter()
        .flat_map(|s| domains.iter().map(move |d| s.judgement(tool, d)))
        .collect()
}

/// A summary of the risk-of-bias judgements across the included studies.
fn risk_of_bias(review: &Review) -> Vec<String> {
    let tool = review.studies.risk_of_bias_tool;
    let included = &review.studies.included;
    if included.is_empty() {
        return Vec::new();
    }
    let domains = summarised_domains(tool);
    let judgements = judgements(review);
    let share = |j: Judgement| {
        judgements.iter().filter(|&&x| x == j).count() as f64 / judgements.len() as f64
    };
    let mut sentences = Vec::new();
    let unclear = unclear_share(review);
    if review.studies.no_risk_of_bias_recorded() {
        // Not "a lack of information in the study reports": no one judged them.
        let default = match tool {
            RobTool::Rob1 => " (unclear risk of bias in every domain)",
            RobTool::Rob2 => "",
        };
        sentences.push(format!(
            "No risk-of-bias judgements were recorded for the included studies{default}."
        ));
        return sentences;
    }
    if mostly_unclear(review) {
        let extent = if unclear >= 1.0 {
            "in every domain"
        } else {
            "for many domains"
        };
        sentences.push(format!(
            "A lack of information in the study reports meant that risk of bias could not be adequately assessed (unclear risk of bias {extent})."
        ));
    } else if share(Judgement::Low) >= 0.75 {
        sentences
            .push("Overall, the studies were at low risk of bias for most domains.".to_string());
    }
    let high: Vec<&str> = included
        .iter()
        .filter(|s| {
            domains
                .iter()
                .any(|d| s.judgement(tool, d) == Judgement::High)
        })
        .map(|s| s.id.value.as_str())
        .collect();
    if !high.is_empty() {
        let n = high.len() as u64;
        let verb = if n == 1 { "was" } else { "were" };
        let which = if n == included.len() as u64 {
            if n == 1 {
                "The study".to_string()
            } else {
                format!("All {} studies", words(n))
            }
        } else {
            format!(
                "{} {} ({})",
                capitalise(&words(n)),
                plural(n, "study"),
                join_and(&high)
            )
        };
        let scope = if tool == RobTool::Rob2 {
            "overall"
        } else {
            "in at least one domain"
        };
        sentences.push(format!("{which} {verb} at high risk of bias {scope}."));
    }
    sentences
}

/// The subject of a sentence about what no included study did.
fn none_of_the_studies(review: &Review) -> &'static str {
    match review.studies.included.len() {
        1 => "The study did not report",
        2 => "Neither of the studies reported",
        _ => "None of the studies reported",
    }
}

/// The outcome's name, with its group when another protocol outcome has the same name
/// ("adverse effects ... (infant)").
pub fn distinct_name(outcome: &ProtocolOutcome, all: &[ProtocolOutcome]) -> String {
    let shared = all.iter().filter(|o| o.name == outcome.name).count() > 1;
    match (&outcome.group, shared) {
        (Some(group), true) => format!("{} ({group})", outcome.name),
        _ => outcome.name.clone(),
    }
}

/// [`distinct_name`] of every outcome of `all`, in order, counting the names once rather than
/// once per outcome.
pub fn distinct_names(all: &[ProtocolOutcome]) -> Vec<(&ProtocolOutcome, String)> {
    let mut count: HashMap<&str, usize> = HashMap::new();
    for o in all {
        *count.entry(o.name.as_str()).or_default() += 1;
    }
    all.iter()
        .map(|o| {
            let name = match &o.group {
                Some(group) if count[o.name.as_str()] > 1 => format!("{} ({group})", o.name),
                _ => o.name.clone(),
            };
            (o, name)
        })
        .collect()
}

/// "maternal morbidity (febrile illness, diarrhoea)".
fn outcome_with_detail(outcome: &ProtocolOutcome) -> String {
    match &outcome.detail {
        Some(detail) => format!("{} ({detail})", outcome.name),
        None => outcome.name.clone(),
    }
}

/// The primary outcomes no study reported.
fn unreported_primary(review: &Review, reporting: &[OutcomeReporting]) -> Option<String> {
    if review.studies.included.is_empty() {
        return None;
    }
    let primary: Vec<&OutcomeReporting> = reporting
        .iter()
        .filter(|r| r.outcome.priority == Priority::Primary)
        .collect();
    let missing: Vec<String> = primary
        .iter()
        .filter(|r| !r.reported())
        .map(|r| outcome_with_detail(r.outcome))
        .collect();
    if missing.is_empty() {
        return None;
    }
    let subject = none_of_the_studies(review);
    let which = match (missing.len() == primary.len(), missing.len()) {
        (true, 1) => "the primary outcome of interest in this review",
        (true, _) => "the primary outcomes of interest in this review",
        (false, 1) => "the primary outcome",
        (false, _) => "the following primary outcomes",
    };
    Some(format!("{subject} on {which}: {}.", join_and(&missing)))
}

/// Outcomes that studies reported without data for a meta-analysis.
pub fn reported_without_data(reporting: &[OutcomeReporting]) -> Vec<String> {
    reporting
        .iter()
        .filter(|r| r.with_data == 0 && !r.without_data.is_empty())
        .map(|r| {
            let n = r.without_data.len() as u64;
            let who = format!("{} {}", capitalise(&words(n)), plural(n, "study"));
            let priority = r.outcome.priority.as_str();
            let narratives: Vec<&str> = r.without_data.iter().filter_map(|(_, n)| n.as_deref()).collect();
            let name = &r.outcome.name;
            if narratives.is_empty() {
                format!("{who} reported on {name} (a {priority} outcome of this review) but there were no data for inclusion in our analyses.")
            } else {
                let found = narratives.iter().map(|s| s.trim().trim_end_matches('.')).collect::<Vec<_>>().join("; ");
                format!("{who} reported qualitatively on {name} (a {priority} outcome of this review) \u{2013} {found} \u{2013} but there were no data for inclusion in our analyses.")
            }
        })
        .collect()
}

/// The secondary outcomes no study reported, by group.
fn unreported_secondary(review: &Review, reporting: &[OutcomeReporting]) -> Vec<String> {
    if review.studies.included.is_empty() {
        return Vec::new();
    }
    let mut groups: Vec<Option<&str>> = Vec::new();
    for r in reporting
        .iter()
        .filter(|r| r.outcome.priority == Priority::Secondary)
    {
        let group = r.outcome.group.as_deref();
        if !groups.contains(&group) {
            groups.push(group);
        }
    }
    let mut sentences: Vec<String> = Vec::new();
    for group in groups {
        let in_group: Vec<&OutcomeReporting> = reporting
            .iter()
            .filter(|r| {
                r.outcome.priority == Priority::Secondary && r.outcome.group.as_deref() == group
            })
            .collect();
        let missing: Vec<String> = in_group
            .iter()
            .filter(|r| !r.reported())
            .map(|r| outcome_with_detail(r.outcome))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let similarly = !sentences.is_empty();
        let sentence = if missing.len() == in_group.len() && missing.len() > 1 {
            let group = group.map(|g| format!("{g} ")).unwrap_or_default();
            let none = if similarly { "Similarly, none" } else { "None" };
            format!(
                "{none} of this review's {group}secondary outcomes were reported in the included studies: {}.",
                join_and(&missing)
            )
        } else {
            // The outcomes are the object, never the subject: an outcome's name may be plural
            // ("adverse effects of diuretics") and a verb after it would have to guess. After
            // the negation they are joined by "or": "did not report A and B" could mean only
            // not both.
            let subject = if review.studies.included.len() == 1 {
                "The study"
            } else {
                "The included studies"
            };
            format!("{subject} did not report {}.", join_or(&missing))
        };
        sentences.push(sentence);
    }
    sentences
}

/// "16 studies, 10,101 women", as Review Manager counts them (every study with a row), and
/// "7 studies with an estimable result" when fewer contributed to the pooled estimate.
fn counts(review: &Review, result: &OutcomeResults) -> Vec<String> {
    let mut facts = vec![format!(
        "{}, {} {}",
        count_noun(result.studies as u64, "study"),
        count(result.participants),
        review.participants_noun()
    )];
    if result.pools_overall() && result.estimable_studies < result.studies {
        facts.push(format!(
            "{} with an estimable result",
            count_noun(result.estimable_studies as u64, "study")
        ));
    }
    facts
}

/// The sentence for an analysis whose authors chose not to pool an overall total: it says so,
/// and never states an effect of the whole analysis (Effects of interventions adds each
/// subgroup's). An analysis of one study, which nothing could be pooled with, gives that
/// study's result instead.
fn unpooled_sentence(review: &Review, finding: &Finding) -> String {
    let result = finding.result;
    let y = decapitalise(&result.name);
    if let [only] = result.study_results.as_slice()
        && !result.pools_subgroups()
        && only.estimable
        && let (Some(estimate), Some(low), Some(high)) = (only.estimate, only.ci_low, only.ci_high)
    {
        let who = match &only.arm {
            Some(arm) => format!("{} ({arm})", only.study),
            None => only.study.clone(),
        };
        let mut facts = vec![
            format!(
                "{} {}",
                count(result.participants),
                review.participants_noun()
            ),
            "totals not selected".to_string(),
        ];
        if let Some(level) = result.certainty {
            facts.push(format!("{}-certainty evidence", level.words()));
        }
        return format!(
            "For {y}, the only study, {who}, found {} ({}).",
            estimate_phrase(result.measure.label(), estimate, low, high),
            facts.join("; ")
        );
    }
    let mut facts = vec![if result.pools_subgroups() {
        "subtotals only".to_string()
    } else {
        "totals not selected".to_string()
    }];
    facts.extend(counts(review, result));
    if let Some(level) = result.certainty {
        facts.push(format!("{}-certainty evidence", level.words()));
    }
    let facts = facts.join("; ");
    if result.pools_subgroups() {
        format!(
            "For {y}, the review's authors pooled each subgroup on its own and chose not to pool the subgroups together ({facts})."
        )
    } else {
        format!("For {y}, the review's authors chose not to pool the studies ({facts}).")
    }
}

/// What a pooled result shows, by the rule in docs/format.md: a direction when the 95% CI
/// excludes no effect; little to no difference when the CI lies within the outcome's band of
/// unimportant effects; otherwise no clear difference, with an important effect not ruled out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EffectClass {
    /// The CI lies below the line of no effect.
    Reduces,
    /// The CI lies above the line of no effect.
    Increases,
    /// The CI includes no effect and excludes important effects.
    LittleOrNone,
    /// The CI includes no effect and an important reduction (true) or increase (false).
    Inconclusive {
        /// Whether the point estimate is a reduction.
        towards_reduction: bool,
    },
}

impl EffectClass {
    /// A short key for templates: reduces, increases, little_or_none, inconclusive.
    pub fn key(self) -> &'static str {
        match self {
            EffectClass::Reduces => "reduces",
            EffectClass::Increases => "increases",
            EffectClass::LittleOrNone => "little_or_none",
            EffectClass::Inconclusive { .. } => "inconclusive",
        }
    }
}

/// Classifies the pooled result of a finding (see [`EffectClass`]).
pub fn classify(finding: &Finding, pooled: &Pooled) -> EffectClass {
    let measure = &finding.result.measure;
    let null = measure.null_value();
    if pooled.ci_high < null {
        return EffectClass::Reduces;
    }
    if pooled.ci_low > null {
        return EffectClass::Increases;
    }
    let within_band = match finding.important_effect() {
        // Without a threshold, an interval that includes no effect reads as little to none.
        None => true,
        Some(t) if measure.is_ratio() => pooled.ci_low >= 1.0 / t && pooled.ci_high <= t,
        Some(t) => pooled.ci_low >= -t && pooled.ci_high <= t,
    };
    if within_band {
        EffectClass::LittleOrNone
    } else {
        EffectClass::Inconclusive {
            towards_reduction: pooled.estimate < null,
        }
    }
}

/// "Multiple-micronutrient supplementation probably reduces maternal anaemia compared with
/// placebo (RR 0.62, 95% CI 0.45 to 0.85; 3 studies, 1200 women; moderate-certainty evidence)":
/// the [`grade_statement`] with its numbers, for the abstract and Effects of interventions.
pub fn effect_sentence(
    review: &Review,
    comparison: &ComparisonFindings,
    finding: &Finding,
) -> Option<String> {
    let result = finding.result;
    if !result.pools_overall() {
        return Some(unpooled_sentence(review, finding));
    }
    let pooled = result.pooled.as_ref()?;
    let mut facts = vec![effect_phrase(result.measure.label(), pooled)];
    facts.extend(counts(review, result));
    if let Some(level) = result.certainty {
        facts.push(format!("{}-certainty evidence", level.words()));
    }
    grade_statement(comparison, finding, Some(&facts.join("; ")))
}

/// [`effect_sentence`] for each result in turn, except that a run of two or more pooled
/// results of one comparison (and the same arms) with very low certainty, whose sentences
/// would open with the same words, is said once: "The evidence is very uncertain about the
/// effect of X compared with Y on A (RR ...; very low-certainty evidence) and B (RR ...; very
/// low-certainty evidence)."
fn effect_sentences(review: &Review, results: &[(&ComparisonFindings, &Finding)]) -> Vec<String> {
    let very_low = |(_, f): &(&ComparisonFindings, &Finding)| {
        f.result.pools_overall()
            && f.result.pooled.is_some()
            && f.result.certainty == Some(CertaintyLevel::VeryLow)
    };
    let mut sentences = Vec::new();
    let mut i = 0;
    while i < results.len() {
        let arms = result_arms(results[i].0, results[i].1);
        let run = results[i..]
            .iter()
            .take_while(|r| {
                very_low(r) && std::ptr::eq(r.0, results[i].0) && result_arms(r.0, r.1) == arms
            })
            .count();
        if run < 2 {
            let (c, f) = results[i];
            sentences.extend(effect_sentence(review, c, f));
            i += 1;
            continue;
        }
        let named: Vec<String> = results[i..i + run]
            .iter()
            .filter_map(|(_, f)| {
                let result = f.result;
                let pooled = result.pooled.as_ref()?;
                let mut facts = vec![effect_phrase(result.measure.label(), pooled)];
                facts.extend(counts(review, result));
                facts.push(format!(
                    "{}-certainty evidence",
                    CertaintyLevel::VeryLow.words()
                ));
                Some(format!(
                    "{} ({})",
                    decapitalise(&result.name),
                    facts.join("; ")
                ))
            })
            .collect();
        sentences.push(format!(
            "The evidence is very uncertain about the effect of {} compared with {} on {}.",
            arms.experimental,
            arms.control,
            join_and(&named)
        ));
        i += run;
    }
    sentences
}

/// What a headline result means, in GRADE's words (guideline 26, Santesso 2020), by its
/// certainty and by what its 95% CI shows ([`classify`]): "Diuretic treatment may reduce
/// pre-eclampsia compared with placebo or no treatment." With `facts` the numbers follow in
/// brackets (the abstract); without, the sentence is the plain language summary's. One
/// function for both, so that the two cannot say different things. None when nothing is
/// estimable.
pub fn grade_statement(
    comparison: &ComparisonFindings,
    finding: &Finding,
    facts: Option<&str>,
) -> Option<String> {
    let result = finding.result;
    let reading = classify(finding, result.pooled.as_ref()?);
    Some(statement(
        &result_arms(comparison, finding),
        result.certainty,
        reading,
        &decapitalise(&result.name),
        facts,
    ))
}

/// [`grade_statement`] without numbers for several results in a row, one sentence for each run
/// of results of one comparison with the same certainty and the same reading ("The evidence is
/// very uncertain about the effect of X on A, B and C compared with Y."). Results without an
/// estimate are left out.
pub fn grade_statements(results: &[(&ComparisonFindings, &Finding)]) -> Vec<String> {
    /// Results said in one sentence.
    struct Run<'c, 'a> {
        comparison: &'c ComparisonFindings<'a>,
        arms: Arms,
        level: Option<CertaintyLevel>,
        reading: EffectClass,
        names: Vec<String>,
    }
    let mut runs: Vec<Run> = Vec::new();
    for &(comparison, finding) in results {
        let Some(pooled) = finding.result.pooled.as_ref() else {
            continue;
        };
        let (level, reading) = (finding.result.certainty, classify(finding, pooled));
        let arms = result_arms(comparison, finding);
        let name = decapitalise(&finding.result.name);
        // Very low certainty (and no rating) say the same whatever the interval shows.
        let same_words = |run: &Run| {
            run.level == level
                && (run.reading == reading || matches!(level, None | Some(CertaintyLevel::VeryLow)))
        };
        // A name that runs into the one before ("perinatal death and death") starts a
        // sentence of its own rather than read as part of it.
        let runs_on = |run: &Run| run.names.last().is_some_and(|n| runs_into(n, &name));
        match runs.last_mut() {
            Some(run)
                if std::ptr::eq(run.comparison, comparison)
                    && run.arms == arms
                    && same_words(run)
                    && !runs_on(run) =>
            {
                run.names.push(name);
            }
            _ => runs.push(Run {
                comparison,
                arms,
                level,
                reading,
                names: vec![name],
            }),
        }
    }
    runs.iter()
        .map(|run| {
            statement(
                &run.arms,
                run.level,
                run.reading,
                &join_and(&run.names),
                None,
            )
        })
        .collect()
}

/// The arms the sentences on a result name, in running text: the analysis's own where it has
/// them (analyses.yaml `experimental`, `control`: a comparison may gather analyses of
/// different pairs), else its comparison's.
pub fn result_arms(comparison: &ComparisonFindings, finding: &Finding) -> Arms {
    let own =
        |own: Option<&String>, text: &String| own.map_or_else(|| text.clone(), |a| decapitalise(a));
    let spec = finding.spec;
    Arms {
        experimental: own(
            spec.and_then(|s| s.experimental.as_ref()),
            &comparison.experimental,
        ),
        control: own(spec.and_then(|s| s.control.as_ref()), &comparison.control),
    }
}

/// The GRADE sentence for outcome(s) `y` of a comparison of `arms`.
fn statement(
    arms: &Arms,
    certainty: Option<CertaintyLevel>,
    reading: EffectClass,
    y: &str,
    facts: Option<&str>,
) -> String {
    let technical = facts.is_some();
    let facts = facts.map(|f| format!(" ({f})")).unwrap_or_default();
    let x = capitalise(&arms.experimental);
    let control = &arms.control;
    let Some(level) = certainty else {
        // The numbers follow the result they are of.
        return format!("For {y}{facts}, the certainty of the evidence was not assessed.");
    };
    if level == CertaintyLevel::VeryLow {
        return format!(
            "The evidence is very uncertain about the effect of {} on {y} compared with {control}{facts}.",
            arms.experimental
        );
    }
    // The verb agrees with the intervention: "diuretic treatment reduces", "diuretics reduce".
    let plural = is_plural(&arms.experimental);
    let verb = |singular: &str, plural_form: &str| {
        let v = if plural { plural_form } else { singular };
        match level {
            CertaintyLevel::High => v.to_string(),
            CertaintyLevel::Moderate => format!("probably {v}"),
            _ => format!("may {plural_form}"),
        }
    };
    match reading {
        EffectClass::Reduces => format!(
            "{x} {} {y} compared with {control}{facts}.",
            verb("reduces", "reduce")
        ),
        EffectClass::Increases => format!(
            "{x} {} {y} compared with {control}{facts}.",
            verb("increases", "increase")
        ),
        EffectClass::LittleOrNone => format!(
            "{x} {} in little to no difference in {y} compared with {control}{facts}.",
            verb("results", "result")
        ),
        EffectClass::Inconclusive { towards_reduction } => {
            let direction = if towards_reduction {
                "reduction"
            } else {
                "increase"
            };
            let caveat = if technical {
                format!("the confidence interval includes an important {direction}")
            } else {
                format!("an important {direction} cannot be ruled out")
            };
            format!(
                "{x} {} in little to no difference in {y} compared with {control}, but {caveat}{facts}.",
                verb("results", "result")
            )
        }
    }
}
