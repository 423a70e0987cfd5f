//! A proofreader for the generated text: every sentence revmark writes into a review (abstract,
//! plain language summary, methods, Description of studies, risk of bias, Effects of
//! interventions, Summary of findings, Data and analyses, figure captions), read back and
//! checked against the data it was written from. It finds the seams that come from joining
//! sentences made in different places: a sentence said twice, a placeholder left unfilled, a
//! count said once in words and once in digits, a count not written as Cochrane writes counts
//! ("357,347", "6864"), a verb that does not agree with its count, an "et al." joined with
//! "and", and a count that is not the one in results.json, the PRISMA flow or the study lists.
//!
//! It reads the text, not the code that wrote it, so that it catches what a change to either
//! breaks; the tests run it over every example and an imported real review.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use super::view::ReviewContext;
use crate::format::{effect_bracketed, estimate_phrase};
use crate::model::Review;
use crate::results::{OutcomeResults, Pooled, Results};

/// One piece of generated text and what it speaks of.
#[derive(Debug, Clone)]
pub struct Passage {
    /// Where it is on the page ("Main results", "Effects of interventions 1.2").
    pub section: String,
    /// The analysis (or subgroup) number it speaks of, when it speaks of one only.
    pub analysis: Option<String>,
    /// What kind of text it is, which decides how its counts are read.
    pub kind: PassageKind,
    /// Its sentences (or table cells), in order.
    pub sentences: Vec<String>,
}

/// What kind of generated text a passage is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassageKind {
    /// Running text.
    Prose,
    /// A Summary of findings row: its cells.
    SummaryRow,
    /// A Data and analyses row: its cells.
    AnalysesRow,
}

/// A seam in the generated text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seam {
    /// The section it is in.
    pub section: String,
    /// The sentence.
    pub sentence: String,
    /// What is wrong.
    pub problem: String,
}

impl fmt::Display for Seam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} — \"{}\"",
            self.section, self.problem, self.sentence
        )
    }
}

/// Every generated passage of a review, from the context its pages are rendered from.
pub fn generated_text(context: &ReviewContext) -> Vec<Passage> {
    let prose = |section: &str, sentences: Vec<String>| Passage {
        section: section.to_string(),
        analysis: None,
        kind: PassageKind::Prose,
        sentences: sentences.iter().flat_map(|s| split_sentences(s)).collect(),
    };
    let mut passages = Vec::new();
    let a = &context.abstract_;
    passages.push(prose("Search methods", vec![a.search_methods.clone()]));
    passages.push(prose("Main results", a.main_results.clone()));
    let pls = &context.plain_language_summary.generated;
    passages.push(prose(
        "Plain language summary: title",
        vec![pls.title.clone()],
    ));
    passages.push(prose(
        "Plain language summary: key messages",
        pls.key_messages.clone(),
    ));
    for (part, text) in [
        ("what did we do?", &pls.what_we_did),
        ("what did we find?", &pls.what_we_found),
        ("limitations", &pls.limitations),
    ] {
        passages.push(prose(
            &format!("Plain language summary: {part}"),
            text.clone(),
        ));
    }
    passages.push(prose(
        "Plain language summary: how up to date",
        vec![pls.currency.clone()],
    ));
    let s = &context.sections;
    passages.push(prose("Data collection and analysis", s.methods.clone()));
    passages.push(prose(
        "Description of studies",
        s.description_of_studies.clone(),
    ));
    let mut rob = s.risk_of_bias.clone();
    rob.extend(
        context
            .studies
            .shared_risk_of_bias
            .iter()
            .map(|r| r.sentence.clone()),
    );
    passages.push(prose("Risk of bias in included studies", rob));
    let mut overview = s.reported_without_data.clone();
    overview.extend(s.unreported.iter().cloned());
    passages.push(prose("Effects of interventions", overview));
    for comparison in &s.effects {
        for o in &comparison.outcomes {
            let mut sentences = vec![o.sentence.clone()];
            sentences.extend(o.details.iter().cloned());
            let mut passage = prose(&format!("Effects of interventions {}", o.number), sentences);
            passage.analysis = Some(o.number.clone());
            passages.push(passage);
        }
    }
    let sensitivity = &s.sensitivity;
    for a in &sensitivity.analyses {
        let mut passage = prose(
            &format!("{} {}", super::sensitivity::SECTION, a.number),
            a.sentences.clone(),
        );
        passage.analysis = Some(a.number.clone());
        passages.push(passage);
    }
    passages.push(prose(
        super::sensitivity::SECTION,
        vec![sensitivity.stable.clone()],
    ));
    // Numbered as the page numbers them, in order.
    for (number, table) in (1..).zip(&s.sof) {
        passages.push(prose(
            &format!("Summary of findings {number}"),
            table
                .footnotes
                .iter()
                .map(|f| f.text.clone())
                .chain([table.title.clone()])
                .collect(),
        ));
        for row in &table.rows {
            passages.push(Passage {
                section: format!("Summary of findings {number}: {}", row.outcome),
                analysis: Some(row.analysis.clone()).filter(|n| !n.is_empty()),
                kind: PassageKind::SummaryRow,
                sentences: [
                    &row.risk_control,
                    &row.risk_experimental,
                    &row.relative,
                    &row.participants,
                    &row.certainty,
                    &row.comments,
                ]
                .into_iter()
                .filter(|c| !c.is_empty())
                .cloned()
                .collect(),
            });
        }
    }
    for table in &context.analyses {
        for row in &table.rows {
            passages.push(Passage {
                section: format!("Data and analyses {}", row.number),
                analysis: Some(row.number.clone()),
                kind: PassageKind::AnalysesRow,
                sentences: vec![
                    format!("{} {}", row.number, row.title),
                    crate::english::count_noun(row.studies as u64, "study"),
                    // As the template's `count` filter prints it.
                    format!("{} participants", crate::format::count(row.participants)),
                    row.method.clone(),
                    row.effect.clone(),
                ],
            });
        }
    }
    for figure in &context.figures {
        passages.push(prose(
            &format!("Figure {}", figure.path),
            vec![figure.title.clone(), figure.description.clone()],
        ));
    }
    passages.retain(|p| !p.sentences.is_empty());
    passages
}

/// Sentences of a paragraph: a break after ".", "?" or "!" followed by a space and a capital
/// or an opening bracket, but not after "et al." or "e.g.".
pub fn split_sentences(paragraph: &str) -> Vec<String> {
    let mut sentences = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = paragraph.char_indices().collect();
    for w in 0..chars.len() {
        let (at, c) = chars[w];
        if !matches!(c, '.' | '?' | '!') {
            continue;
        }
        let next = chars.get(w + 1).map(|(_, c)| *c);
        let after = chars.get(w + 2).map(|(_, c)| *c);
        if next != Some(' ') || !after.is_some_and(|a| a.is_uppercase() || a == '(') {
            continue;
        }
        let before = &paragraph[start..at];
        if before.ends_with(" al") || before.ends_with("e.g") || before.ends_with("i.e") {
            continue;
        }
        sentences.push(paragraph[start..=at].trim().to_string());
        start = at + 1;
    }
    let rest = paragraph[start..].trim();
    if !rest.is_empty() {
        sentences.push(rest.to_string());
    }
    sentences
}

/// Every seam of `review`'s generated text (`passages`, from [`generated_text`]).
pub fn proofread(review: &Review, results: &Results, passages: &[Passage]) -> Vec<Seam> {
    let facts = Facts::of(review, results);
    let mut seams = Vec::new();
    for passage in passages {
        let mut seam = |sentence: &str, problem: String| {
            seams.push(Seam {
                section: passage.section.clone(),
                sentence: sentence.to_string(),
                problem,
            });
        };
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for sentence in &passage.sentences {
            if passage.kind == PassageKind::Prose {
                *seen.entry(sentence.as_str()).or_default() += 1;
                if seen[sentence.as_str()] == 2 {
                    seam(sentence, "the same sentence twice in one section".into());
                }
            }
            if let Some(placeholder) = placeholder(sentence) {
                seam(sentence, format!("an unfilled placeholder `{placeholder}`"));
            }
            for problem in grammar(sentence) {
                seam(sentence, problem);
            }
            for problem in count_style(sentence, &facts.nouns) {
                seam(sentence, problem);
            }
            for problem in facts.check(passage, sentence) {
                seam(sentence, problem);
            }
        }
        if passage.kind == PassageKind::Prose {
            for problem in words_and_digits(&passage.sentences, &facts.nouns) {
                seam(&passage.sentences.join(" "), problem);
            }
        }
    }
    seams
}

/// The first placeholder in a sentence: "[experimental]", "{{", "{%", "TODO", a note to the
/// author, or a number that did not compute.
fn placeholder(sentence: &str) -> Option<String> {
    for marker in [
        "{{",
        "{%",
        "TODO",
        "_Not given",
        "review.yaml",
        "NaN",
        "inf ",
    ] {
        if sentence.contains(marker) {
            return Some(marker.to_string());
        }
    }
    // A bracket that holds words, not numbers: "Favours [experimental]" but not "0.65 [0.46,
    // 0.90]".
    let mut rest = sentence;
    while let Some(open) = rest.find('[') {
        let inner = &rest[open + 1..];
        let Some(close) = inner.find(']') else { break };
        if inner.chars().next().is_some_and(char::is_alphabetic) {
            return Some(format!("[{}]", &inner[..close]));
        }
        rest = &inner[close..];
    }
    None
}

/// Lower-case words of a sentence without the punctuation around them.
fn tokens(sentence: &str) -> Vec<String> {
    sentence
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// A count written in digits, plain ("357347") or with commas between thousands ("357,347"),
/// so that counts are checked in either form; [`count_style`] says which form is right.
fn digits(token: &str) -> Option<u64> {
    let mut groups = token.split(',');
    let first = groups.next()?;
    let grouped = token.contains(',');
    let all_digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(first) || (grouped && first.len() > 3) {
        return None;
    }
    let mut n: u64 = first.parse().ok()?;
    for group in groups {
        if group.len() != 3 || !all_digits(group) {
            return None;
        }
        n = n.checked_mul(1000)?.checked_add(group.parse().ok()?)?;
    }
    Some(n)
}

/// A count written in words ("nine", "twenty-one") or digits, and whether it was words.
fn number(token: &str) -> Option<(u64, bool)> {
    if let Some(n) = digits(token) {
        return Some((n, false));
    }
    (0..100u64)
        .find(|&n| crate::english::words(n) == token)
        .map(|n| (n, true))
}

/// Whether a token is a count's noun: studies, reports, records or participants.
fn noun_of(token: &str, nouns: &[String]) -> Option<String> {
    let singular = match token {
        "study" | "studies" => "study",
        "trial" | "trials" => "trial",
        "report" | "reports" => "report",
        "record" | "records" => "record",
        "participant" | "participants" => "participant",
        t if nouns.iter().any(|n| n == t) => return Some(t.to_string()),
        _ => return None,
    };
    Some(singular.to_string())
}

/// Counts in digits not written as [`crate::format::count`] writes them ("357347" for
/// "357,347", "6,864" for "6864"): those a count's noun follows ("357347 participants", "357347
/// (13 studies)"). Other numbers (years, analysis numbers, ids) are not counts.
fn count_style(sentence: &str, nouns: &[String]) -> Vec<String> {
    let words = tokens(sentence);
    let mut problems = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let Some(n) = digits(word) else { continue };
        let counted = words[i + 1..]
            .iter()
            .take(2)
            .any(|w| noun_of(w, nouns).is_some());
        let want = crate::format::count(n);
        if counted && *word != want {
            problems.push(format!("the count {word} where Cochrane writes {want}"));
        }
    }
    problems
}

/// A count said in words in one sentence and in digits in another of the same section; the
/// numbers in a bracketed statistical summary ("; 9 studies, 6942 women;") are exempt, as
/// Cochrane writes them in digits everywhere.
fn words_and_digits(sentences: &[String], nouns: &[String]) -> Vec<String> {
    let mut forms: BTreeMap<(u64, String), (bool, bool)> = BTreeMap::new();
    for sentence in sentences {
        let words = tokens(&without_statistics(sentence));
        for i in 0..words.len() {
            let Some((n, in_words)) = number(&words[i]) else {
                continue;
            };
            // "two small studies": the noun may follow one adjective.
            let noun = words[i + 1..]
                .iter()
                .take(2)
                .find_map(|w| noun_of(w, nouns));
            if let Some(noun) = noun {
                let entry = forms.entry((n, noun)).or_default();
                if in_words {
                    entry.0 = true;
                } else {
                    entry.1 = true;
                }
            }
        }
    }
    forms
        .into_iter()
        .filter(|(_, (w, d))| *w && *d)
        .map(|((n, noun), _)| {
            format!(
                "the count {n} of {} said both in words and in digits",
                crate::english::plural(2, &noun)
            )
        })
        .collect()
}

/// A sentence without its bracketed statistics ("(RR 0.65, 95% CI ...; 9 studies, 6942 women)").
fn without_statistics(sentence: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    let mut group = String::new();
    for c in sentence.chars() {
        match c {
            '(' => {
                depth += 1;
                if depth == 1 {
                    group.clear();
                    continue;
                }
            }
            ')' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    if !(group.contains(';') || group.contains("CI")) {
                        out.push_str(&group);
                    }
                    continue;
                }
            }
            _ => {}
        }
        if depth > 0 {
            group.push(c);
        } else {
            out.push(c);
        }
    }
    out
}

/// Agreement of a count with its verb ("one study were", "two studies was") and lists that end
/// in "and et al.".
fn grammar(sentence: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if sentence.contains(" and et al") {
        problems.push("a list that ends in \"and et al.\"".to_string());
    }
    let words = tokens(sentence);
    // "stillbirth and stillbirth": a list that names one item twice.
    for (i, w) in words.iter().enumerate() {
        if w != "and" {
            continue;
        }
        for k in 1..=4.min(i) {
            if words.get(i + 1..i + 1 + k) == Some(&words[i - k..i]) {
                problems.push(format!(
                    "\"{}\" twice in one list",
                    words[i - k..i].join(" ")
                ));
                break;
            }
        }
    }
    for i in 0..words.len() {
        let Some((n, _)) = number(&words[i]).or(match words[i].as_str() {
            "both" | "all" => Some((2, true)),
            _ => None,
        }) else {
            continue;
        };
        // The noun right after the count, or after one adjective ("two small studies").
        let is_noun = |j: usize| {
            matches!(
                words.get(j).map(String::as_str),
                Some("study" | "studies" | "trial" | "trials")
            )
        };
        let j = if is_noun(i + 1) {
            i + 1
        } else if is_noun(i + 2) && words.get(i + 1).is_some_and(|w| number(w).is_none()) {
            i + 2
        } else {
            continue;
        };
        let plural_noun = words[j].ends_with('s');
        if (n == 1) == plural_noun {
            problems.push(format!(
                "\"{} {}\": the noun does not agree with the count",
                words[i], words[j]
            ));
        }
        if let Some(verb) = words.get(j + 1) {
            let singular_verb = matches!(verb.as_str(), "was" | "is" | "has");
            let plural_verb = matches!(verb.as_str(), "were" | "are" | "have");
            if (plural_noun && singular_verb) || (!plural_noun && plural_verb) {
                problems.push(format!(
                    "\"{} {verb}\": the verb does not agree with its subject",
                    words[j]
                ));
            }
        }
    }
    problems
}

/// What the text's counts must equal: results.json, the PRISMA flow and the study lists.
struct Facts<'a> {
    results: &'a Results,
    /// The measures' labels of every analysis ("RR", "MD", a generic analysis's own), for
    /// finding where an effect starts in a sentence.
    labels: Vec<String>,
    /// The numbers of the analyses entered as sensitivity analyses of each analysis, by its
    /// number (`sensitivity_of`).
    entered: HashMap<String, Vec<String>>,
    /// The participants noun and its plural, for reading counts.
    nouns: Vec<String>,
    included: u64,
    /// Total participants, when every included study gives its number.
    participants: Option<i64>,
    excluded: u64,
    ongoing: u64,
    awaiting: u64,
    flow: Option<crate::model::Flow>,
}

/// A count the text claims, and what it is a count of.
#[derive(Debug, Clone, Copy)]
enum Claim {
    Included,
    Participants,
    Excluded,
    Ongoing,
    Awaiting,
    Identified,
    Duplicates,
    Screened,
    ExcludedScreening,
    FullText,
    ExcludedFullText,
}

impl<'a> Facts<'a> {
    fn of(review: &Review, results: &'a Results) -> Facts<'a> {
        let noun = review.participants_noun().to_lowercase();
        let included = &review.studies.included;
        let mut labels: Vec<String> = results
            .outcomes()
            .map(|(_, o)| o.measure.label().to_string())
            .collect();
        labels.sort_unstable();
        labels.dedup();
        Facts {
            results,
            labels,
            entered: entered_sensitivity_analyses(review, results),
            nouns: vec![noun.clone(), crate::english::plural(2, &noun)],
            included: included.len() as u64,
            participants: included
                .iter()
                .map(|s| s.participants.as_ref().map(|p| p.value))
                .sum(),
            excluded: review.studies.excluded.len() as u64,
            ongoing: review.studies.ongoing.len() as u64,
            awaiting: review.studies.awaiting_classification.len() as u64,
            flow: review
                .protocol
                .search
                .as_ref()
                .and_then(|s| s.flow.as_ref())
                .map(|f| f.value.clone()),
        }
    }

    /// The value a claim must have, if the review says.
    fn expected(&self, claim: Claim) -> Option<i64> {
        let flow = self.flow.as_ref();
        let count = |n: Option<u64>| n.map(|n| n as i64);
        match claim {
            Claim::Included => Some(self.included as i64),
            Claim::Participants => self.participants,
            Claim::Excluded => Some(self.excluded as i64),
            Claim::Ongoing => Some(self.ongoing as i64),
            Claim::Awaiting => Some(self.awaiting as i64),
            Claim::Identified => count(flow.and_then(|f| f.identified)),
            Claim::Duplicates => count(flow.and_then(|f| f.duplicates_removed)),
            Claim::Screened => count(flow.and_then(|f| f.screened)),
            Claim::ExcludedScreening => count(flow.and_then(|f| f.excluded_screening)),
            Claim::FullText => count(flow.and_then(|f| f.full_text)),
            Claim::ExcludedFullText => {
                flow.map(|f| f.excluded_full_text.values().sum::<u64>() as i64)
            }
        }
    }

    /// The count claims of a sentence of running text.
    fn claims(&self, sentence: &str) -> Vec<(Claim, i64)> {
        let w = tokens(sentence);
        let mut claims = Vec::new();
        let num = |i: usize| w.get(i).and_then(|t| number(t)).map(|(n, _)| n as i64);
        let is =
            |i: usize, options: &[&str]| w.get(i).is_some_and(|t| options.contains(&t.as_str()));
        let studies = ["study", "studies"];
        let partial = sentence.contains("at least") || sentence.contains("that reported their");
        for i in 0..w.len() {
            // "included nine studies", "We found two small studies", "All nine studies".
            if is(i, &["included", "found", "all"])
                && let Some(n) = num(i + 1)
            {
                let noun_at = if is(i + 2, &studies) {
                    Some(i + 2)
                } else if is(i + 3, &studies) {
                    Some(i + 3)
                } else {
                    None
                };
                if let Some(at) = noun_at {
                    claims.push((Claim::Included, n));
                    // "We included nine studies (6942 women)".
                    if is(i, &["included", "found"])
                        && !partial
                        && let Some(p) = num(at + 1)
                        && w.get(at + 2).is_some_and(|t| self.nouns.contains(t))
                    {
                        claims.push((Claim::Participants, p));
                    }
                }
            }
            // "Nine studies (...) were included."
            if i == 0
                && let Some(n) = num(0)
                && (is(1, &studies) || is(2, &studies))
                && (sentence.ends_with("were included.") || sentence.ends_with("was included."))
            {
                claims.push((Claim::Included, n));
            }
            // "involving a total of 52 women", "that involved 52 women".
            if is(i, &["involving", "involved"]) && !partial {
                let mut j = i + 1;
                while is(j, &["a", "total", "of"]) {
                    j += 1;
                }
                if let Some(p) = num(j)
                    && w.get(j + 1).is_some_and(|t| self.nouns.contains(t))
                {
                    claims.push((Claim::Participants, p));
                }
            }
            if is(i, &["excluded"])
                && let Some(n) = num(i + 1)
            {
                if is(i + 2, &studies) {
                    claims.push((Claim::Excluded, n));
                } else if is(i + 2, &["of"]) && is(i + 3, &["them"]) {
                    claims.push((Claim::ExcludedFullText, n));
                } else if is(i + 2, &["on"]) && is(i + 3, &["title"]) {
                    claims.push((Claim::ExcludedScreening, n));
                }
            }
            if is(i, &["identified"])
                && let Some(n) = num(i + 1)
                && is(i + 2, &["records"])
            {
                claims.push((Claim::Identified, n));
            }
            if is(i, &["removing"])
                && let Some(n) = num(i + 1)
                && is(i + 2, &["duplicates"])
            {
                claims.push((Claim::Duplicates, n));
            }
            if is(i, &["screened"])
                && let Some(n) = num(i + 1)
            {
                claims.push((Claim::Screened, n));
            }
            if is(i, &["assessed"])
                && let Some(n) = num(i + 1)
                && is(i + 2, &["full-text"])
            {
                claims.push((Claim::FullText, n));
            }
            if let Some(n) = num(i)
                && is(i + 1, &studies)
                && is(i + 2, &["is", "are"])
            {
                if is(i + 3, &["ongoing"]) {
                    claims.push((Claim::Ongoing, n));
                } else if is(i + 3, &["awaiting"]) {
                    claims.push((Claim::Awaiting, n));
                }
            }
        }
        claims
    }

    /// The problems with the counts of one sentence of `passage`.
    fn check(&self, passage: &Passage, sentence: &str) -> Vec<String> {
        let mut problems = Vec::new();
        // The passage's analysis (or subgroup) first, then the parts its text may quote.
        let parts = passage
            .analysis
            .as_deref()
            .map(|n| self.with_parts(n))
            .unwrap_or_default();
        let analysis = parts.first().cloned();
        match passage.kind {
            PassageKind::Prose => {
                for (claim, said) in self.claims(sentence) {
                    if let Some(expected) = self.expected(claim)
                        && expected != said
                    {
                        problems.push(format!(
                            "says {said} where the review has {expected} ({claim:?})"
                        ));
                    }
                }
                for fact in statistics(sentence, &self.labels) {
                    // The Sensitivity analyses section quotes the analysis's sensitivity
                    // analyses beside it.
                    let candidates = match passage.analysis.as_deref() {
                        Some(n) if passage.section.starts_with(super::sensitivity::SECTION) => {
                            self.with_sensitivity_analyses(n)
                        }
                        _ => parts.clone(),
                    };
                    problems.extend(self.check_statistics(&fact, candidates));
                }
            }
            PassageKind::SummaryRow => {
                // "6942 (9 studies)"; "RR 0.65 (0.46 to 0.90)".
                if let Some((n, k)) = participants_cell(sentence)
                    && let Some(Counted {
                        studies,
                        participants,
                        ..
                    }) = analysis
                    && (n, k) != (participants, studies)
                {
                    problems.push(format!(
                        "says {n} participants in {k} studies where results.json has {participants} in {studies}"
                    ));
                }
            }
            PassageKind::AnalysesRow => {
                let Some(Counted {
                    studies,
                    participants,
                    effect,
                    ..
                }) = analysis
                else {
                    return problems;
                };
                let w = tokens(sentence);
                let count = |nouns: &[&str]| match w.as_slice() {
                    [n, t] if nouns.contains(&t.as_str()) => digits(n),
                    _ => None,
                };
                if let Some(k) = count(&["study", "studies"])
                    && k != studies
                {
                    problems.push(format!("says {k} studies where results.json has {studies}"));
                }
                if let Some(n) = count(&["participants"])
                    && n != participants
                {
                    problems.push(format!(
                        "says {n} participants where results.json has {participants}"
                    ));
                }
                if sentence.contains(" [") || sentence == "Not estimable" {
                    let want = effect.map_or("Not estimable".to_string(), |(e, l, h)| {
                        effect_bracketed(e, l, h)
                    });
                    if sentence != want {
                        problems.push(format!("says {sentence} where results.json has {want}"));
                    }
                }
            }
        }
        problems
    }

    /// An analysis or subgroup by number, then the parts its text may quote: an analysis's
    /// subgroups (their subtotals) and each study's own result (the one study of an analysis
    /// without totals).
    fn with_parts(&self, number: &str) -> Vec<Counted> {
        let study = |label: &str, r: &crate::results::StudyResult| Counted {
            label: label.to_string(),
            studies: 1,
            participants: 0,
            effect: r
                .estimate
                .zip(r.ci_low)
                .zip(r.ci_high)
                .map(|((e, l), h)| (e, l, h)),
        };
        for (_, o) in self.results.outcomes() {
            let label = o.measure.label();
            let subgroup = |s: &crate::results::SubgroupResults| Counted {
                label: label.to_string(),
                studies: s.studies as u64,
                participants: s.participants,
                effect: pooled_effect(s.pooled.as_ref()),
            };
            if o.number == number {
                let mut parts = vec![Counted::outcome(o)];
                parts.extend(o.subgroups.iter().map(subgroup));
                parts.extend(o.study_results.iter().map(|r| study(label, r)));
                parts.extend(
                    o.subgroups
                        .iter()
                        .flat_map(|s| &s.study_results)
                        .map(|r| study(label, r)),
                );
                return parts;
            }
            if let Some(s) = o.subgroups.iter().find(|s| s.number == number) {
                let mut parts = vec![subgroup(s)];
                parts.extend(s.study_results.iter().map(|r| study(label, r)));
                return parts;
            }
        }
        Vec::new()
    }

    /// An analysis by number with its sensitivity analyses: those declared on it, each
    /// leave-one-out result (without counts: the text gives none) and the analyses entered as
    /// its sensitivity analyses.
    fn with_sensitivity_analyses(&self, number: &str) -> Vec<Counted> {
        let mut candidates = Vec::new();
        let entered = self.entered.get(number).map_or(&[][..], Vec::as_slice);
        for (_, o) in self.results.outcomes() {
            if entered.contains(&o.number) {
                candidates.push(Counted::outcome(o));
            }
            if o.number != number {
                continue;
            }
            candidates.push(Counted::outcome(o));
            let label = o.measure.label();
            candidates.extend(o.sensitivity.sensitivity_analyses.iter().map(|v| Counted {
                label: label.to_string(),
                studies: v.studies as u64,
                participants: v.participants,
                effect: pooled_effect(v.pooled.as_ref()),
            }));
            for l in o.sensitivity.leave_one_out.iter().flatten() {
                candidates.push(Counted {
                    label: label.to_string(),
                    studies: 0,
                    participants: 0,
                    effect: pooled_effect(Some(&l.pooled)),
                });
            }
        }
        candidates
    }

    /// A bracketed summary's effect and counts against results.json: the `candidates` the
    /// passage speaks of, or (with none) any analysis with that effect.
    fn check_statistics(&self, fact: &Statistics, candidates: Vec<Counted>) -> Vec<String> {
        let candidates: Vec<Counted> = if candidates.is_empty() {
            self.results
                .outcomes()
                .map(|(_, o)| Counted::outcome(o))
                .collect()
        } else {
            candidates
        };
        let with_effect: Vec<&Counted> = candidates
            .iter()
            .filter(|c| {
                c.effect
                    .is_some_and(|(e, l, h)| estimate_phrase(&c.label, e, l, h) == fact.effect)
            })
            .collect();
        if with_effect.is_empty() {
            return vec![format!(
                "states \"{}\", which no analysis in results.json has",
                fact.effect
            )];
        }
        let Some((k, n)) = fact.counts else {
            return Vec::new();
        };
        if with_effect
            .iter()
            .any(|c| c.studies == k && c.participants == n)
        {
            return Vec::new();
        }
        let c = with_effect[0];
        vec![format!(
            "says {k} studies and {n} participants where results.json has {} and {}",
            c.studies, c.participants
        )]
    }
}

/// The numbers of the analyses entered as sensitivity analyses of each analysis
/// (`sensitivity_of` in analyses.yaml), by the number of the analysis they re-examine.
fn entered_sensitivity_analyses(
    review: &Review,
    results: &Results,
) -> HashMap<String, Vec<String>> {
    let mut entered: HashMap<String, Vec<String>> = HashMap::new();
    for (comparison, results) in review.comparisons.iter().zip(&results.comparisons) {
        let number = |id: &str| {
            results
                .outcomes
                .iter()
                .find(|o| o.id == id)
                .map(|o| o.number.clone())
        };
        for analysis in &comparison.outcomes {
            if let (Some(of), Some(own)) = (
                analysis.sensitivity_of.as_deref().and_then(number),
                number(&analysis.id),
            ) {
                entered.entry(of).or_default().push(own);
            }
        }
    }
    entered
}

/// The counts and effect of an analysis, a subgroup or one study.
#[derive(Debug, Clone)]
struct Counted {
    label: String,
    studies: u64,
    participants: u64,
    /// The estimate and its 95% confidence interval, natural scale.
    effect: Option<(f64, f64, f64)>,
}

/// A pooled result's estimate and interval.
fn pooled_effect(pooled: Option<&Pooled>) -> Option<(f64, f64, f64)> {
    pooled.map(|p| (p.estimate, p.ci_low, p.ci_high))
}

impl Counted {
    fn outcome(o: &OutcomeResults) -> Counted {
        Counted {
            label: o.measure.label().to_string(),
            studies: o.studies as u64,
            participants: o.participants,
            effect: pooled_effect(o.pooled.as_ref()),
        }
    }
}

/// A bracketed statistical summary: "RR 0.65, 95% CI 0.46 to 0.90; 9 studies, 6942 women".
#[derive(Debug, Clone)]
struct Statistics {
    /// "RR 0.65, 95% CI 0.46 to 0.90".
    effect: String,
    /// Studies and participants, when given.
    counts: Option<(u64, u64)>,
}

/// The statistical summaries of a sentence: an effect ("RR 0.65, 95% CI 0.46 to 0.90"), which
/// starts at its measure's label (the longest of `labels` before its estimate; without one, at
/// its bracket), and the counts after it, in its brackets ("(RR ...; 9 studies, 6942 women)") or
/// in brackets of their own ("RR ... (2 studies, 198 participants)").
fn statistics(sentence: &str, labels: &[String]) -> Vec<Statistics> {
    const CI: &str = ", 95% CI ";
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = sentence[from..].find(CI).map(|i| from + i) {
        let before = &sentence[from..at];
        let estimate = before.rfind(' ').map_or(0, |i| i + 1);
        let head = &before[..estimate.saturating_sub(1)];
        let label = labels
            .iter()
            .filter(|l| {
                head.strip_suffix(l.as_str())
                    .is_some_and(|h| h.is_empty() || h.ends_with([' ', '(']))
            })
            .max_by_key(|l| l.len());
        let start = from
            + match label {
                Some(l) => head.len() - l.len(),
                None => before.rfind('(').map_or(0, |o| o + 1),
            };
        // The interval's upper bound ends at the first space, bracket or semicolon after "to".
        let after = at + CI.len();
        let high = sentence[after..]
            .find(" to ")
            .map_or(sentence.len(), |t| after + t + " to ".len());
        let mut end = sentence[high..]
            .find([' ', ')', ';'])
            .map_or(sentence.len(), |e| high + e);
        if sentence[..end].ends_with('.') {
            end -= 1;
        }
        let effect = sentence[start..end].to_string();
        let tail = &sentence[end..];
        let counts = tail
            .strip_prefix("; ")
            .or_else(|| tail.strip_prefix(" ("))
            .map(|t| &t[..t.find([';', ')']).unwrap_or(t.len())])
            .and_then(|part| {
                let w = tokens(part);
                match w.as_slice() {
                    [k, study, n, _] if study.starts_with("stud") => Some((digits(k)?, digits(n)?)),
                    _ => None,
                }
            });
        found.push(Statistics { effect, counts });
        from = end.max(at + CI.len());
    }
    found
}

/// A Summary of findings participants cell, "6942 (9 studies)": participants and studies.
fn participants_cell(cell: &str) -> Option<(u64, u64)> {
    let w = tokens(cell);
    match w.as_slice() {
        [n, k, study] if study.starts_with("stud") && cell.contains('(') => {
            Some((digits(n)?, digits(k)?))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_at_full_stops_only() {
        assert_eq!(
            split_sentences(
                "Abe et al. reported it. Two studies (RR 0.65, 95% CI 0.46 to 0.90). No more."
            ),
            [
                "Abe et al. reported it.",
                "Two studies (RR 0.65, 95% CI 0.46 to 0.90).",
                "No more."
            ]
        );
        assert!(split_sentences("").is_empty());
    }

    #[test]
    fn placeholders_are_words_in_brackets_not_intervals() {
        assert_eq!(
            placeholder("Favours [experimental]"),
            Some("[experimental]".into())
        );
        assert_eq!(
            placeholder("0.65 [0.46, 0.90] and [\u{2212}0.14, 1.42]"),
            None
        );
        assert_eq!(placeholder("Effect: NaN"), Some("NaN".into()));
    }

    #[test]
    fn counts_are_read_with_or_without_commas() {
        for n in [0, 9, 6942, 10_000, 357_347, 1_234_567] {
            assert_eq!(digits(&n.to_string()), Some(n));
            assert_eq!(digits(&crate::format::count(n)), Some(n));
        }
        // Not counts: decimals, commas in the wrong places, lists.
        for token in ["0.65", "35,73", "1234,567", ",347", "357,", "1,2,3", "12a"] {
            assert_eq!(digits(token), None, "{token}");
        }
        let nouns = ["women".to_string()];
        assert!(count_style("We included 9 studies (357,347 women).", &nouns).is_empty());
        assert_eq!(
            count_style("We included 9 studies (357347 women).", &nouns),
            ["the count 357347 where Cochrane writes 357,347"]
        );
        assert_eq!(
            count_style("It involved 6,942 participants.", &nouns),
            ["the count 6,942 where Cochrane writes 6942"]
        );
        // Years and ids are not followed by a count's noun.
        assert!(count_style("Searched to 20150930 in 2015.", &nouns).is_empty());
    }

    #[test]
    fn statistics_are_read_from_their_brackets() {
        let labels = ["RR".to_string(), "Peto OR".to_string(), "OR".to_string()];
        let s = statistics(
            "X may reduce Y (RR 0.65, 95% CI 0.46 to 0.90; 9 studies, 6942 women; low-certainty evidence).",
            &labels,
        );
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].effect, "RR 0.65, 95% CI 0.46 to 0.90");
        assert_eq!(s[0].counts, Some((9, 6942)));
        // A subgroup's line, and a study's own result: the effect starts at its label, and
        // the counts are in brackets of their own.
        let s = statistics(
            "3.2.1 48 hours: Peto OR 0.37, 95% CI 0.20 to 0.70 (2 studies, 198 participants). \
             For Y, the only study, Smith 2004, found RR 1.43, 95% CI 0.63 to 3.25 (123 participants; totals not selected).",
            &labels,
        );
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].effect, "Peto OR 0.37, 95% CI 0.20 to 0.70");
        assert_eq!(s[0].counts, Some((2, 198)));
        assert_eq!(s[1].effect, "RR 1.43, 95% CI 0.63 to 3.25");
        assert_eq!(s[1].counts, None);
        assert_eq!(
            without_statistics(
                "Nine studies (6942 women) (RR 1, 95% CI 1 to 2; 9 studies, 1 woman)."
            ),
            "Nine studies 6942 women ."
        );
    }
}
