//! The plain language summary, generated from the results in Cochrane's current structure:
//! a title, Key messages, What did we do?, What did we find?, What are the limitations of the
//! evidence?, How up to date is this evidence? Each headline result is said in the GRADE words
//! of the abstract ([`narrative::grade_statement`], without its numbers), so that the two
//! cannot disagree. Plain text; the templates escape it.

use super::findings::{self, ComparisonFindings, Finding};
use super::narrative::{self, OutcomeReporting, SMALL_STUDY};
use super::view::GeneratedSummary;
use crate::english::{capitalise, join_and, join_or, plural, words};
use crate::model::{CertaintyLevel, Priority, Review};
use crate::plot::Arms;

/// Most results the summary states one by one (a Summary of findings table's limit).
const MAX_STATED: usize = 7;

/// Most results that make a key message.
const MAX_KEY: usize = 3;

/// The generated summary of `review`. `reporting` says which outcomes studies reported without
/// data (narratives are not quoted, so it may be built before the prose is rendered).
pub fn generate(
    review: &Review,
    findings: &[ComparisonFindings],
    reporting: &[OutcomeReporting],
) -> GeneratedSummary {
    let stated = stated_results(review, findings);
    GeneratedSummary {
        title: title(review, findings),
        key_messages: key_messages(review, &stated, reporting),
        what_we_did: what_we_did(review, findings),
        what_we_found: what_we_found(review, &stated, reporting),
        limitations: limitations(review, &stated),
        currency: currency(review),
    }
}

/// The headline results with an estimate, primary outcomes first, then in order: those the
/// abstract reports (each reported comparison's headline analyses, [`findings::reported`]), so
/// that the two speak of the same results.
fn stated_results<'c, 'a>(
    review: &Review,
    findings: &'c [ComparisonFindings<'a>],
) -> Vec<(&'c ComparisonFindings<'a>, &'c Finding<'a>)> {
    let reported = findings::reported(findings);
    let mut stated: Vec<_> = findings
        .iter()
        .filter(|c| reported(c))
        .flat_map(|c| c.headline().map(move |f| (c, f)))
        .filter(|(_, f)| f.result.pooled.is_some())
        .collect();
    let primary = |f: &Finding| {
        review
            .outcome(&f.result.outcome)
            .is_some_and(|o| o.priority == Priority::Primary)
    };
    // A stable sort keeps the order of the analyses within each priority.
    stated.sort_by_key(|(_, f)| !primary(f));
    stated
}

/// The comparisons of the review as "X with Y or Z", from the planned comparisons (or, without
/// their arms, from the analysed ones) and the analyses with arms of their own, an
/// intervention with all its comparators together.
fn compared(review: &Review, findings: &[ComparisonFindings]) -> Vec<(String, Vec<String>)> {
    let mut arms: Vec<(String, String)> = review
        .protocol
        .comparisons
        .iter()
        .filter_map(|c| Some((c.experimental.clone()?, c.control.clone()?)))
        .collect();
    if arms.is_empty() {
        arms = findings
            .iter()
            .filter(|c| !c.experimental.is_empty() && !c.control.is_empty())
            .map(|c| (c.experimental.clone(), c.control.clone()))
            .collect();
    }
    // And the pairs of the analyses with arms of their own (a comparison that gathers several).
    for c in findings {
        for finding in c.outcomes.iter().filter(|f| f.has_own_arms()) {
            let own = super::narrative::result_arms(c, finding);
            arms.push((own.experimental, own.control));
        }
    }
    let mut grouped: Vec<(String, Vec<String>)> = Vec::new();
    for (experimental, control) in arms {
        match grouped.iter_mut().find(|(e, _)| *e == experimental) {
            Some((_, controls)) => {
                if !controls.contains(&control) {
                    controls.push(control);
                }
            }
            None => grouped.push((experimental, vec![control])),
        }
    }
    grouped
}

/// " for pregnant women", or nothing.
fn for_whom(review: &Review) -> String {
    review
        .protocol
        .population
        .as_ref()
        .map(|p| format!(" for {p}"))
        .unwrap_or_default()
}

/// " in pregnant women", or nothing.
fn in_whom(review: &Review) -> String {
    review
        .protocol
        .population
        .as_ref()
        .map(|p| format!(" in {p}"))
        .unwrap_or_default()
}

/// "What are the effects of X compared with Y for Z?" when the review has one intervention;
/// otherwise the review's title.
fn title(review: &Review, findings: &[ComparisonFindings]) -> String {
    match compared(review, findings).as_slice() {
        [(experimental, controls)] if controls.len() == 1 => format!(
            "What are the effects of {experimental} compared with {}{}?",
            controls[0],
            for_whom(review)
        ),
        [(experimental, _)] => format!(
            "What are the effects of {experimental}{}?",
            for_whom(review)
        ),
        _ => review.protocol.title.clone(),
    }
}

/// "two small studies", "one study", "12 studies".
fn studies_phrase(review: &Review) -> String {
    let included = &review.studies.included;
    let n = included.len() as u64;
    let small = n > 0
        && included.iter().all(|s| {
            s.participants
                .as_ref()
                .is_some_and(|p| p.value < SMALL_STUDY)
        });
    format!(
        "{} {}{}",
        words(n),
        if small { "small " } else { "" },
        plural(n, "study")
    )
}

/// The protocol's primary outcomes that no study reported in any form.
fn unreported_primary(reporting: &[OutcomeReporting]) -> Vec<String> {
    reporting
        .iter()
        .filter(|r| r.outcome.priority == Priority::Primary && !r.reported())
        .map(|r| r.outcome.name.clone())
        .collect()
}

/// Up to three results in GRADE's words, or what the review could not tell, and the primary
/// outcomes no study reported.
fn key_messages(
    review: &Review,
    stated: &[(&ComparisonFindings, &Finding)],
    reporting: &[OutcomeReporting],
) -> Vec<String> {
    let rated: Vec<(&ComparisonFindings, &Finding)> = stated
        .iter()
        .filter(|(_, f)| f.result.certainty.is_some())
        .take(MAX_KEY)
        .copied()
        .collect();
    let mut messages = narrative::grade_statements(&rated);
    let included = review.studies.included.len();
    if stated.is_empty() {
        let of = match compared(review, &[]).as_slice() {
            [(experimental, _)] => format!(" of {experimental}"),
            _ => String::new(),
        };
        messages.push(if included == 0 {
            format!(
                "We do not know the effects{of}{}: we found no studies that met our criteria.",
                for_whom(review)
            )
        } else {
            format!(
                "We do not know the effects{of}{}: the {} we found gave no data on this review's outcomes that we could analyse.",
                for_whom(review),
                studies_phrase(review)
            )
        });
    } else if messages.is_empty() {
        messages.push(format!(
            "We found results for {} {} but did not rate how confident we are in them.",
            words(stated.len() as u64),
            plural(stated.len() as u64, "outcome")
        ));
    }
    let unreported = unreported_primary(reporting);
    if included > 0 && !unreported.is_empty() {
        messages.push(format!(
            "No study reported {} ({}).",
            if unreported.len() == 1 {
                "the main outcome of this review"
            } else {
                "the main outcomes of this review"
            },
            join_and(&unreported)
        ));
    }
    messages
}

/// The question, the search and what was done with the studies.
fn what_we_did(review: &Review, findings: &[ComparisonFindings]) -> Vec<String> {
    let groups: Vec<String> = compared(review, findings)
        .iter()
        .map(|(e, controls)| format!("{e} with {}", join_or(controls)))
        .collect();
    let mut sentences = vec![if groups.is_empty() {
        format!("We searched for studies{}.", in_whom(review))
    } else {
        format!(
            "We searched for studies that compared {}{}.",
            join_or(&groups),
            in_whom(review)
        )
    }];
    let pooled = findings
        .iter()
        .flat_map(|c| &c.outcomes)
        .any(|f| f.result.pooled.is_some());
    let rated = findings
        .iter()
        .flat_map(|c| &c.outcomes)
        .any(|f| f.result.pooled.is_some() && f.result.certainty.is_some());
    if pooled {
        sentences.push(if rated {
            "We compared and summarised their results and rated our confidence in the evidence, based on factors such as study methods and sizes.".to_string()
        } else {
            "We compared and summarised their results.".to_string()
        });
    } else if !review.studies.included.is_empty() {
        sentences.push("We planned to compare and summarise their results.".to_string());
    }
    vec![sentences.join(" ")]
}

/// The sentence naming the results that have no certainty rating, each once. They are named
/// with the arms they compare when a name would otherwise stand for two results: another
/// result without a rating, of other arms, has the same name, or a rated one of other arms
/// does (which "results for stillbirth" would seem to be). One that shares its name and arms
/// with a rated result is "in another comparison" (or "analysis", of the same comparison).
fn unrated_results(
    rated: &[(&ComparisonFindings, &Finding)],
    unrated: &[(&ComparisonFindings, &Finding)],
) -> Option<String> {
    let rated: Vec<(String, Arms, &ComparisonFindings)> = rated
        .iter()
        .map(|(c, f)| {
            (
                f.result.name.to_lowercase(),
                narrative::result_arms(c, f),
                *c,
            )
        })
        .collect();
    let mut groups: Vec<(Arms, Vec<String>)> = Vec::new();
    let mut twin_of_other_arms = false;
    for (comparison, finding) in unrated {
        let arms = narrative::result_arms(comparison, finding);
        let key = finding.result.name.to_lowercase();
        let mut name = crate::english::decapitalise(&finding.result.name);
        for (rated_name, rated_arms, rated_comparison) in &rated {
            if *rated_name == key {
                if *rated_arms != arms {
                    twin_of_other_arms = true;
                } else if std::ptr::eq(*rated_comparison, *comparison) {
                    name.push_str(" in another analysis");
                } else {
                    name.push_str(" in another comparison");
                }
            }
        }
        match groups.iter_mut().find(|(a, _)| *a == arms) {
            Some((_, names)) if names.contains(&name) => {}
            Some((_, names)) => names.push(name),
            None => groups.push((arms, vec![name])),
        }
    }
    let repeated = groups.iter().enumerate().any(|(i, (_, names))| {
        groups[i + 1..]
            .iter()
            .any(|(_, others)| names.iter().any(|n| others.contains(n)))
    });
    let by_arms = twin_of_other_arms || repeated;
    let parts: Vec<String> = if by_arms {
        groups
            .iter()
            .map(|(arms, names)| {
                format!(
                    "{} of {} compared with {}",
                    join_and(names),
                    arms.experimental,
                    arms.control
                )
            })
            .collect()
    } else {
        groups.into_iter().flat_map(|(_, names)| names).collect()
    };
    let list = match parts.as_slice() {
        [] => return None,
        // Each part may have an "and" of its own: the parts are set apart by commas.
        [init @ .., last] if by_arms && !init.is_empty() => {
            format!("{}, and for {last}", init.join(", for "))
        }
        _ => crate::english::join_and_after("for", &parts),
    };
    Some(format!(
        "The review also reports results for {list}, but without a rating of how certain they are."
    ))
}

/// The studies found, then each stated result, then the outcomes reported without data and
/// those not reported at all.
fn what_we_found(
    review: &Review,
    stated: &[(&ComparisonFindings, &Finding)],
    reporting: &[OutcomeReporting],
) -> Vec<String> {
    let included = &review.studies.included;
    let n = included.len() as u64;
    let mut studies = Vec::new();
    if n == 0 {
        studies.push("We found no studies that met our criteria.".to_string());
    } else {
        let sizes: Option<i64> = included
            .iter()
            .map(|s| s.participants.as_ref().map(|p| p.value))
            .sum();
        let who = match sizes {
            Some(total) => format!(
                " that involved {} {}",
                crate::format::count(total),
                review.participants_noun()
            ),
            None => String::new(),
        };
        studies.push(format!("We found {}{who}.", studies_phrase(review)));
        studies.extend(narrative::comparisons_made(review));
        studies.extend(narrative::countries(review));
    }
    let mut paragraphs = vec![studies.join(" ")];
    if n == 0 {
        return paragraphs;
    }
    // Results in GRADE's words; a result without a certainty rating has no such words, and
    // is named only.
    let shown = &stated[..stated.len().min(MAX_STATED)];
    let rated: Vec<(&ComparisonFindings, &Finding)> = shown
        .iter()
        .filter(|(_, f)| f.result.certainty.is_some())
        .copied()
        .collect();
    let mut results = narrative::grade_statements(&rated);
    let unrated: Vec<(&ComparisonFindings, &Finding)> = shown
        .iter()
        .filter(|(_, f)| f.result.certainty.is_none())
        .copied()
        .collect();
    results.extend(unrated_results(&rated, &unrated));
    if stated.len() > MAX_STATED {
        let more = (stated.len() - MAX_STATED) as u64;
        results.push(format!(
            "The full review reports the results for {} more {}.",
            words(more),
            plural(more, "outcome")
        ));
    }
    for r in reporting
        .iter()
        .filter(|r| r.with_data == 0 && !r.without_data.is_empty())
    {
        let k = r.without_data.len() as u64;
        results.push(format!(
            "{} {} reported on {} but gave no data that we could analyse.",
            capitalise(&words(k)),
            plural(k, "study"),
            r.outcome.name
        ));
    }
    let unreported: Vec<String> = narrative::distinct_names(&review.protocol.outcomes)
        .into_iter()
        .filter(|(o, _)| {
            reporting
                .iter()
                .any(|r| std::ptr::eq(r.outcome, *o) && !r.reported())
        })
        .map(|(_, name)| name)
        .collect();
    if !unreported.is_empty() {
        // "or" after the negation, as in the abstract: "no study reported A and B" could
        // mean only that none reported both.
        results.push(format!("No study reported {}.", join_or(&unreported)));
    }
    if !results.is_empty() {
        paragraphs.push(results.join(" "));
    }
    paragraphs
}

/// A GRADE downgrading reason in plain words, for the reasons GRADE names; None for others.
fn plain_reason(reason: &str) -> Option<&'static str> {
    let r = reason.to_lowercase();
    Some(if r.contains("bias") && !r.contains("publication") {
        "the studies may have been done in ways that introduced errors into their results"
    } else if r.contains("inconsisten") || r.contains("heterogen") {
        "the results differed from study to study"
    } else if r.contains("imprecis") {
        "there were too few studies or participants to be sure of the results"
    } else if r.contains("indirect") {
        "the studies did not fully match the people, interventions or outcomes this review is about"
    } else if r.contains("publication") {
        "studies with unwelcome results may not have been published"
    } else {
        return None;
    })
}

/// How confident the review is in each stated result, by GRADE level, with the reasons.
fn limitations(review: &Review, stated: &[(&ComparisonFindings, &Finding)]) -> Vec<String> {
    let mut sentences = Vec::new();
    if stated.is_empty() {
        if review.studies.included.is_empty() {
            return Vec::new();
        }
        let mut why = vec![format!(
            "the {} we found gave no data that we could analyse",
            studies_phrase(review)
        )];
        // Where no one judged the studies' risk of bias, their reports are not to blame.
        if narrative::mostly_unclear(review) && !review.studies.no_risk_of_bias_recorded() {
            why.push(
                "their reports did not describe their methods well enough for us to judge how reliable their results are"
                    .to_string(),
            );
        }
        sentences.push(format!(
            "We could not rate our confidence in the evidence, because {}.",
            join_and(&why)
        ));
        return vec![sentences.join(" ")];
    }
    let levels = [
        (CertaintyLevel::High, "We are confident in the evidence on"),
        (
            CertaintyLevel::Moderate,
            "We are moderately confident in the evidence on",
        ),
        (
            CertaintyLevel::Low,
            "Our confidence in the evidence is limited for",
        ),
        (
            CertaintyLevel::VeryLow,
            "We are not confident in the evidence on",
        ),
    ];
    let stated: Vec<&Finding> = stated.iter().take(MAX_STATED).map(|(_, f)| *f).collect();
    for (level, opening) in levels {
        let at_level: Vec<&&Finding> = stated
            .iter()
            .filter(|f| f.result.certainty == Some(level))
            .collect();
        if at_level.is_empty() {
            continue;
        }
        let names: Vec<String> = at_level
            .iter()
            .map(|f| crate::english::decapitalise(&f.result.name))
            .collect();
        let mut reasons: Vec<&str> = Vec::new();
        for f in &at_level {
            let given = f.spec.and_then(|s| s.certainty.as_ref());
            for reason in given.iter().flat_map(|c| &c.reasons) {
                if let Some(plain) = plain_reason(reason)
                    && !reasons.contains(&plain)
                {
                    reasons.push(plain);
                }
            }
        }
        // Reasons to rate down explain a lower rating, never high certainty.
        if level == CertaintyLevel::High {
            reasons.clear();
        }
        let because = if reasons.is_empty() {
            String::new()
        } else {
            format!(", because {}", join_and(&reasons))
        };
        // Each opening ends in its preposition ("on", "for"), repeated where names run into
        // each other.
        let preposition = opening.rsplit(' ').next().unwrap_or_default();
        let names = crate::english::join_and_after(preposition, &names);
        sentences.push(format!("{opening} {names}{because}."));
    }
    if sentences.is_empty() {
        sentences.push("We did not rate our confidence in the evidence.".to_string());
    }
    vec![sentences.join(" ")]
}

/// "The evidence is up to date to September 2015.", from the date of the search.
fn currency(review: &Review) -> String {
    review
        .protocol
        .search
        .as_ref()
        .and_then(|s| s.date.as_ref())
        .map(|d| {
            format!(
                "The evidence is up to date to {}.",
                crate::english::month_year(&d.value)
            )
        })
        .unwrap_or_default()
}
