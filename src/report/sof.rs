//! The Summary of findings tables, one per comparison: the header (patient or population,
//! setting, intervention, comparison), one row per headline analysis in order (as the
//! authors' `summary_of_findings` names them, with their labels and comments, or each
//! protocol outcome's first main analysis), rows for outcomes the authors list without an
//! analysis, and the footnotes: the certainty's reasons and notes, then the authors' own.

use std::collections::HashMap;

use super::findings::ComparisonFindings;
use super::narrative::OutcomeReporting;
use super::sections::sof_row;
use super::text::{certainty_footnote_path, sof_comments_path, sof_footnote_path};
use super::view::{Footnote, SofRow, SofTable};
use crate::english::{capitalise, count_noun, decapitalise};
use crate::model::{Review, SofTarget};

/// The Summary of findings tables: one per comparison, but none for a comparison that only
/// analyses again what another analyses ([`ComparisonFindings::is_reanalysis`]), unless every
/// comparison does. A table's risk columns name the comparison's arms, so an analysis with arms
/// of its own ([`super::findings::Finding::has_own_arms`]) has no row in it unless the authors'
/// `summary_of_findings` puts it there, and a comparison whose headline analyses all have
/// their own has no table. `prose` holds the rendered comments and footnotes by path
/// ([`super::text::prose_paths`]).
pub fn summary_of_findings(
    review: &Review,
    findings: &[ComparisonFindings],
    reporting: &[OutcomeReporting],
    prose: &HashMap<&str, &str>,
) -> Vec<SofTable> {
    let reported = super::findings::reported(findings);
    let shown: Vec<&ComparisonFindings> = findings
        .iter()
        .filter(|c| reported(c) && !c.headlines_all_own_arms())
        .collect();
    let mut tables: Vec<SofTable> = shown
        .iter()
        .map(|c| table(review, c, reporting, prose))
        .collect();
    // Comparisons of the same arms (a review that splits one comparison by outcome, as
    // CD013210 does) would give tables whose titles, and the contents' entries, read alike:
    // each of those is told apart by what its comparison's name says that the others' do not.
    let titles: Vec<String> = tables.iter().map(|t| t.title.clone()).collect();
    for (i, title) in titles.iter().enumerate() {
        let group: Vec<usize> = (0..tables.len()).filter(|&j| &titles[j] == title).collect();
        if group.len() < 2 || group[0] != i {
            continue;
        }
        let names: Vec<String> = group
            .iter()
            .map(|&j| {
                let c = shown[j];
                without_arms(&c.results.name, [&c.experimental, &c.control])
            })
            .collect();
        for (&j, part) in group.iter().zip(distinguishing_parts(&names)) {
            tables[j].title = format!("{title} ({part})");
        }
    }
    tables
}

/// A comparison's name without a part (between colons) that only names its arms, which the
/// title says already: "Direct evidence: 5-ASA versus purine analogues" is "Direct evidence".
fn without_arms(name: &str, arms: [&str; 2]) -> String {
    let name = name.trim();
    let arms = arms.map(str::to_lowercase);
    let names_arms = |part: &str| {
        let part = part.to_lowercase();
        [" versus ", " vs ", " vs. "]
            .iter()
            .any(|v| part.contains(v))
            && arms.iter().all(|a| part.contains(a.as_str()))
    };
    let parts: Vec<&str> = name.split(": ").collect();
    let kept: Vec<&str> = parts.iter().copied().filter(|p| !names_arms(p)).collect();
    if parts.len() < 2 || kept.is_empty() {
        name.to_string()
    } else {
        kept.join(": ")
    }
}

/// What tells each of `names` apart from the others: the words left once those that all begin
/// or end with are taken off where a phrase ends ("Bisphosphonates vs. control (efficacy)" and
/// "... (adverse effects)" give "efficacy" and "adverse effects"; "Direct evidence not in
/// network: clinical relapse" and "...: adverse events" give "clinical relapse" and "adverse
/// events"), each name whole where that leaves nothing or two alike.
fn distinguishing_parts<S: AsRef<str>>(names: &[S]) -> Vec<String> {
    let words: Vec<Vec<&str>> = names
        .iter()
        .map(|n| n.as_ref().split_whitespace().collect())
        .collect();
    let shortest = words.iter().map(Vec::len).min().unwrap_or(0);
    let lead = (0..shortest)
        .take_while(|&k| words.iter().all(|w| w[k] == words[0][k]))
        .count();
    let trail = (0..shortest)
        .take_while(|&k| {
            let first = &words[0];
            words
                .iter()
                .all(|w| w[w.len() - 1 - k] == first[first.len() - 1 - k])
        })
        .count();
    // A phrase ends after a colon or comma, or before a bracket.
    let lead = (0..=lead)
        .rev()
        .find(|&k| {
            k == 0
                || words[0][k - 1].ends_with([':', ','])
                || words
                    .iter()
                    .all(|w| w.get(k).is_some_and(|x| x.starts_with('(')))
        })
        .unwrap_or(0);
    let trail = (0..=trail)
        .rev()
        .find(|&k| k == 0 || words[0][words[0].len() - k].starts_with('('))
        .unwrap_or(0);
    let parts: Vec<String> = words
        .iter()
        .map(|w| {
            let end = w.len().saturating_sub(trail).max(lead);
            let part = w[lead..end].join(" ");
            match part.strip_prefix('(').and_then(|p| p.strip_suffix(')')) {
                Some(inner) if !inner.contains(['(', ')']) => inner.to_string(),
                _ => part,
            }
        })
        .collect();
    let distinct = parts
        .iter()
        .enumerate()
        .all(|(i, p)| !p.is_empty() && !parts[..i].contains(p));
    if distinct {
        parts
    } else {
        names.iter().map(|n| n.as_ref().to_string()).collect()
    }
}

fn table(
    review: &Review,
    c: &ComparisonFindings,
    reporting: &[OutcomeReporting],
    prose: &HashMap<&str, &str>,
) -> SofTable {
    let id = c.results.id.as_str();
    let spec = review
        .comparisons
        .iter()
        .find(|a| a.id == id)
        .and_then(|a| a.summary_of_findings.as_ref());
    let text = |path: String| {
        prose
            .get(path.as_str())
            .map(|t| super::context::one_line(t))
            .unwrap_or_default()
    };
    let mut generated: Vec<Footnote> = Vec::new();
    let mut rows = Vec::new();
    let add = |finding: &super::findings::Finding, generated: &mut Vec<Footnote>| {
        let mut row = sof_row(finding, generated);
        let notes = finding
            .spec
            .and_then(|s| s.certainty.as_ref())
            .map_or(0, |c| c.footnotes.len());
        let mut markers: Vec<String> = split_markers(&row.markers);
        for i in 0..notes {
            let path = certainty_footnote_path(id, &finding.result.id, i);
            let marker = footnote(generated, text(path));
            if !markers.contains(&marker) {
                markers.push(marker);
            }
        }
        row.markers = markers.join(", ");
        row
    };
    match spec {
        Some(spec) => {
            for (i, entry) in spec.rows.iter().enumerate() {
                let comments = text(sof_comments_path(id, i));
                let mut row = match &entry.target {
                    SofTarget::Analysis(a) => {
                        let Some(finding) = c.outcomes.iter().find(|f| &f.result.id == a) else {
                            continue;
                        };
                        add(finding, &mut generated)
                    }
                    SofTarget::Outcome(o) => not_analysed(review, o, reporting),
                };
                if let Some(label) = &entry.label {
                    row.outcome.clone_from(label);
                }
                if !comments.is_empty() {
                    row.comments = comments;
                }
                rows.push(row);
            }
        }
        None => {
            for finding in c.headline().filter(|f| !f.has_own_arms()) {
                rows.push(add(finding, &mut generated));
            }
        }
    }
    // The authors' footnotes keep their markers; the generated ones take the letters left.
    let own: Vec<(String, String)> = spec
        .map(|s| {
            s.footnotes
                .iter()
                .map(|(key, _)| (key.clone(), text(sof_footnote_path(id, key))))
                .collect()
        })
        .unwrap_or_default();
    let mut letters = ('a'..='z')
        .map(String::from)
        .filter(|l| !own.iter().any(|(k, _)| k == l));
    let renamed: HashMap<String, String> = generated
        .iter()
        .map(|f| {
            let to = letters.next().unwrap_or_else(|| f.marker.clone());
            (f.marker.clone(), to)
        })
        .collect();
    if !own.is_empty() {
        for row in &mut rows {
            row.markers = split_markers(&row.markers)
                .iter()
                .map(|m| renamed.get(m).cloned().unwrap_or_else(|| m.clone()))
                .collect::<Vec<_>>()
                .join(", ");
        }
    }
    let mut footnotes: Vec<Footnote> = generated
        .into_iter()
        .map(|f| Footnote {
            marker: renamed.get(&f.marker).cloned().unwrap_or(f.marker),
            text: f.text,
        })
        .collect();
    footnotes.extend(
        own.into_iter()
            .map(|(marker, text)| Footnote { marker, text }),
    );

    // A comparison without analysed outcomes has no arms to speak of.
    let (experimental, control) = if c.outcomes.is_empty() {
        (String::new(), String::new())
    } else {
        (c.experimental.clone(), c.control.clone())
    };
    let population = spec
        .and_then(|s| s.population.clone())
        .or_else(|| review.protocol.population.clone());
    let intervention = spec
        .and_then(|s| s.intervention.clone())
        .unwrap_or_else(|| experimental.clone());
    let comparison = spec
        .and_then(|s| s.comparison.clone())
        .unwrap_or_else(|| control.clone());
    let for_whom = population
        .as_ref()
        .map(|p| format!(" for {p}"))
        .unwrap_or_default();
    SofTable {
        number: c.results.number,
        title: format!(
            "{} compared with {}{for_whom}",
            capitalise(&intervention),
            decapitalise(&comparison)
        ),
        population: population.unwrap_or_default(),
        setting: spec.and_then(|s| s.setting.clone()).unwrap_or_default(),
        intervention: capitalise(&intervention),
        comparison: capitalise(&comparison),
        control,
        experimental,
        rows,
        footnotes,
    }
}

/// "a, b" as markers.
fn split_markers(markers: &str) -> Vec<String> {
    markers
        .split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(String::from)
        .collect()
}

/// The marker of a footnote with this text, added to `footnotes` when new.
fn footnote(footnotes: &mut Vec<Footnote>, text: String) -> String {
    if let Some(f) = footnotes.iter().find(|f| f.text == text) {
        return f.marker.clone();
    }
    let marker = ((b'a' + (footnotes.len() % 26) as u8) as char).to_string();
    footnotes.push(Footnote {
        marker: marker.clone(),
        text,
    });
    marker
}

/// A row for a protocol outcome the comparison has no analysis of: what the studies said of
/// it, or that none reported it.
fn not_analysed(review: &Review, outcome: &str, reporting: &[OutcomeReporting]) -> SofRow {
    let dash = "\u{2014}".to_string();
    let name = review
        .outcome(outcome)
        .map_or_else(|| outcome.to_string(), |o| capitalise(&o.name));
    let without_data = reporting
        .iter()
        .find(|r| r.outcome.id.value == outcome)
        .map_or(0, |r| r.without_data.len() as u64);
    let comments = if without_data > 0 {
        format!(
            "{} reported this outcome without data for a meta-analysis",
            capitalise(&count_noun(without_data, "study"))
        )
    } else {
        "No study reported this outcome".to_string()
    };
    SofRow {
        outcome: name,
        analysis: String::new(),
        risk_control: dash.clone(),
        risk_experimental: dash.clone(),
        relative: dash.clone(),
        participants: dash.clone(),
        certainty: dash,
        markers: String::new(),
        comments,
    }
}

#[cfg(test)]
mod tests {
    use super::{distinguishing_parts, without_arms};

    #[test]
    fn a_part_of_a_name_that_only_names_the_arms_goes() {
        // CD013210's comparisons, whose names repeat the arms after what kind of evidence.
        let arms = ["5-ASA", "purine analogues"];
        assert_eq!(
            without_arms("Direct evidence: 5-ASA versus purine analogues", arms),
            "Direct evidence"
        );
        assert_eq!(
            without_arms(
                "Direct evidence not in network: serious adverse events",
                arms
            ),
            "Direct evidence not in network: serious adverse events"
        );
        // A name that is nothing but the arms, or names only one of them, stays whole.
        assert_eq!(
            without_arms("5-ASA versus purine analogues", arms),
            "5-ASA versus purine analogues"
        );
        assert_eq!(
            without_arms("Early: 5-ASA versus placebo", arms),
            "Early: 5-ASA versus placebo"
        );
    }

    #[test]
    fn tables_of_the_same_arms_are_told_apart_by_what_their_names_add() {
        // CD003188 and CD013210's comparisons.
        assert_eq!(
            distinguishing_parts(&[
                "Bisphosphonates vs. control (efficacy)",
                "Bisphosphonates vs. control (adverse effects)"
            ]),
            ["efficacy", "adverse effects"]
        );
        assert_eq!(
            distinguishing_parts(&[
                "Direct evidence not in network: clinical relapse",
                "Direct evidence not in network: adverse events",
                "Direct evidence not in network: withdrawal due to adverse events",
            ]),
            [
                "clinical relapse",
                "adverse events",
                "withdrawal due to adverse events"
            ]
        );
        // Words in common mid-phrase stay: a fragment would not read.
        assert_eq!(
            distinguishing_parts(&[
                "Direct evidence: 5-ASA versus purine analogues",
                "Direct evidence not in network: serious adverse events"
            ]),
            [
                "Direct evidence: 5-ASA versus purine analogues",
                "Direct evidence not in network: serious adverse events"
            ]
        );
        assert_eq!(
            distinguishing_parts(&["Early (2019 update)", "Late (2019 update)"]),
            ["Early", "Late"]
        );
        // Names alike are kept whole; a name that another extends keeps its own words.
        assert_eq!(
            distinguishing_parts(&["A (x)", "A (x)"]),
            ["A (x)", "A (x)"]
        );
        assert_eq!(
            distinguishing_parts(&["Drug: pain", "Drug: pain (x)"]),
            ["pain", "pain (x)"]
        );
    }
}
