//! The authors' prose: every Markdown field of review.yaml and studies.yaml, rendered as a
//! template against the data-only context (so literate text can print every generated value
//! but never another prose field), neutralised for Markdown, and its errors reported at the
//! field in its file.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

use super::markdown;
use super::references::Citations;
use super::templates::{TemplateError, Templates};
use crate::budget;
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::model::{Located, Location, PlainLanguageSummary, Review};

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

/// A prose field of a review file: where it is and its Markdown source.
struct ProseField<'a> {
    file: &'static str,
    key: ProseKey<'a>,
    text: &'a Located<String>,
}

/// Which prose field: one of review.yaml's by name, a study's (by study id), or one of the
/// whole review's text (review.yaml) or the outcome model (analyses.yaml) by its path. Prints
/// as its name in messages.
#[derive(Clone)]
pub enum ProseKey<'a> {
    Review(&'static str),
    Study(&'a str, StudyField<'a>),
    Path(String),
}

impl std::fmt::Display for ProseKey<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProseKey::Review(name) => f.write_str(name),
            ProseKey::Study(id, field) => write!(f, "{field} of study `{id}`"),
            ProseKey::Path(path) => f.write_str(path),
        }
    }
}

/// Every prose field of a review with the file it is in and its name in messages: where
/// `load` checks the citations. (The name is made only for a message: a large review has tens
/// of thousands of fields.)
pub fn located_prose(review: &Review) -> Vec<(&'static str, ProseKey<'_>, &Located<String>)> {
    prose_fields(review)
        .into_iter()
        .map(|f| (f.file, f.key, f.text))
        .collect()
}

/// All prose fields, in the order they are rendered.
fn prose_fields(review: &Review) -> Vec<ProseField<'_>> {
    let mut fields = Vec::new();
    let p = &review.protocol;
    let top = [
        ("background", &p.background),
        ("objectives", &p.objectives),
        ("selection_criteria", &p.selection_criteria),
        ("data_collection", &p.data_collection),
        ("discussion", &p.discussion),
        ("acknowledgements", &p.text.acknowledgements),
        ("contributions", &p.text.contributions),
        ("declarations_of_interest", &p.text.declarations_of_interest),
        (
            "differences_from_protocol",
            &p.text.differences_from_protocol,
        ),
    ];
    let conclusions = p.conclusions.as_ref();
    let top = top.into_iter().chain([
        (
            "conclusions_practice",
            conclusions.map_or(&None, |c| &c.practice),
        ),
        (
            "conclusions_research",
            conclusions.map_or(&None, |c| &c.research),
        ),
    ]);
    let summary = plain_language_fields(p.plain_language_summary.as_ref());
    for (name, value) in summary
        .into_iter()
        .chain(top.map(|(name, value)| (name, value.as_ref())))
    {
        if let Some(text) = value {
            fields.push(ProseField {
                file: "review.yaml",
                key: ProseKey::Review(name),
                text,
            });
        }
    }
    for s in &review.studies.included {
        let id = s.id.value.as_str();
        for (name, value) in [
            (StudyField::Methods, &s.methods),
            (StudyField::Interventions, &s.interventions),
            (StudyField::Notes, &s.notes),
        ] {
            if let Some(text) = value {
                fields.push(ProseField {
                    file: "studies.yaml",
                    key: ProseKey::Study(id, name),
                    text,
                });
            }
        }
        for reported in &s.outcomes_reported {
            if let Some(text) = &reported.narrative {
                fields.push(ProseField {
                    file: "studies.yaml",
                    key: ProseKey::Study(id, StudyField::Narrative(&reported.outcome.value)),
                    text,
                });
            }
        }
        for (domain, entry) in &s.risk_of_bias {
            if let Some(text) = &entry.support {
                fields.push(ProseField {
                    file: "studies.yaml",
                    key: ProseKey::Study(id, StudyField::Rob(domain)),
                    text,
                });
            }
        }
    }
    for s in review
        .studies
        .ongoing
        .iter()
        .chain(&review.studies.awaiting_classification)
    {
        if let Some(text) = &s.description {
            fields.push(ProseField {
                file: "studies.yaml",
                key: ProseKey::Study(&s.id.value, StudyField::Description),
                text,
            });
        }
    }
    for (file, path, text) in super::text::prose_paths(review) {
        fields.push(ProseField {
            file,
            key: ProseKey::Path(path),
            text,
        });
    }
    fields
}

/// The plain language summary's prose fields: the whole summary as
/// `plain_language_summary`, its parts as `plain_language_summary_<part>` (as
/// `conclusions.practice` is `conclusions_practice`).
fn plain_language_fields(
    summary: Option<&PlainLanguageSummary>,
) -> Vec<(&'static str, Option<&Located<String>>)> {
    match summary {
        None => Vec::new(),
        Some(PlainLanguageSummary::Whole(text)) => vec![("plain_language_summary", Some(text))],
        Some(PlainLanguageSummary::Parts(parts)) => vec![
            ("plain_language_summary_title", parts.title.as_ref()),
            (
                "plain_language_summary_key_messages",
                parts.key_messages.as_ref(),
            ),
            (
                "plain_language_summary_what_we_did",
                parts.what_we_did.as_ref(),
            ),
            (
                "plain_language_summary_what_we_found",
                parts.what_we_found.as_ref(),
            ),
            (
                "plain_language_summary_limitations",
                parts.limitations.as_ref(),
            ),
            ("plain_language_summary_currency", parts.currency.as_ref()),
        ],
    }
}

/// The rendered prose of a review, in the order the fields were rendered.
pub struct Prose<'a> {
    fields: Vec<(ProseKey<'a>, String)>,
    /// The keys of references of no study that the prose cites.
    cited: HashSet<String>,
}

impl<'a> Prose<'a> {
    /// Renders every prose field of `review` against the context `context` makes, its
    /// citations linked by `citations`; every field that fails is reported, at its place in
    /// its file. The context is made only if a field uses template syntax (most reviews' prose
    /// is plain Markdown, and making it serialises every view of the review). A field whose
    /// template goes over its budget stops the rendering (the fields after it are not
    /// rendered).
    pub fn render(
        review: &'a Review,
        templates: &Templates,
        context: impl FnOnce() -> tera::Context,
        citations: &Citations,
    ) -> Result<Prose<'a>, Vec<Diagnostic>> {
        let all = prose_fields(review);
        let texts: Vec<&str> = all.iter().map(|f| f.text.value.as_str()).collect();
        let rendered = templates
            .render_prose(&texts, context)
            .map_err(|stopped| vec![stopped_diagnostic(review, &all, stopped)])?;
        let mut problems = Vec::new();
        let mut fields = Vec::with_capacity(all.len());
        let mut cited = HashSet::new();
        drop(texts);
        for (field, text) in all.into_iter().zip(rendered) {
            match text {
                Ok(text) => {
                    // Citations are what the authors wrote: the values a template prints are
                    // escaped, so none of theirs reads as one.
                    let text = citations.link(&text, &mut cited);
                    // A study's fields are shown in table cells and sentences: made one line
                    // first, so that they are checked as they will be read (a code block,
                    // once in a cell, is code no longer).
                    let text = match &field.key {
                        ProseKey::Study(..) => one_line(text.trim()),
                        ProseKey::Review(_) | ProseKey::Path(_) => Cow::Borrowed(text.trim()),
                    };
                    let safe = markdown::neutralise(&text, review.protocol.raw_html);
                    fields.push((field.key, safe));
                }
                Err(errors) => problems.extend(template_diagnostics(review, &field, &errors)),
            }
        }
        if problems.is_empty() {
            Ok(Prose { fields, cited })
        } else {
            Err(problems)
        }
    }

    /// The keys of references of no study that the prose cites.
    pub fn cited(&self) -> &HashSet<String> {
        &self.cited
    }

    /// review.yaml's fields by name; of fields given twice the last wins.
    pub fn review_fields(&self) -> BTreeMap<String, String> {
        let mut map = BTreeMap::new();
        for (key, text) in &self.fields {
            if let ProseKey::Review(name) = key {
                map.insert(name.to_string(), text.clone());
            }
        }
        map
    }

    /// The studies' fields by (study id, field); of fields given twice the last wins.
    pub fn study_fields(&self) -> StudyProse<'_> {
        // Sized up front: growing a map of ~17,000 fields rehashes it a dozen times.
        let mut map: StudyProse = HashMap::with_capacity(self.fields.len());
        for (key, text) in &self.fields {
            if let ProseKey::Study(id, field) = key {
                map.insert((*id, *field), text);
            }
        }
        map
    }

    /// The whole review's text and the outcome model's prose by path
    /// ([`super::text::prose_paths`]).
    pub fn path_fields(&self) -> HashMap<&str, &str> {
        let mut map = HashMap::new();
        for (key, text) in &self.fields {
            if let ProseKey::Path(path) = key {
                map.insert(path.as_str(), text.as_str());
            }
        }
        map
    }
}

/// Markdown made one line, for a table cell or a sentence: lines joined by a space without
/// their indentation, and `|` that is not escaped escaped.
fn one_line(markdown: &str) -> Cow<'_, str> {
    // Most fields are one line without a pipe already.
    if !markdown.contains(['\n', '\r', '|']) {
        return Cow::Borrowed(markdown);
    }
    let mut out = String::with_capacity(markdown.len());
    for line in markdown.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        let mut escaped = false;
        for c in line.chars() {
            if c == '|' && !escaped {
                out.push('\\');
            }
            escaped = c == '\\' && !escaped;
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A field whose template went over its budget, at the field's place in its file.
fn stopped_diagnostic(
    review: &Review,
    fields: &[ProseField<'_>],
    stopped: budget::Stopped,
) -> Diagnostic {
    let limits = super::templates::PROSE_LIMITS;
    let (job, what) = match stopped {
        budget::Stopped::Memory { job } => (
            job,
            format!(
                "its template needed more than {} MiB of memory and was stopped (a text that grows in a loop?)",
                limits.memory >> 20
            ),
        ),
        budget::Stopped::Time { job } => (
            job,
            format!(
                "its template ran for more than {} s and was stopped (a loop that does not end?)",
                limits.time.as_secs()
            ),
        ),
        budget::Stopped::NoThread(e) => {
            return Diagnostic::file_error(
                &review.dir,
                format!("cannot start a thread to render the prose fields' templates: {e}"),
            );
        }
    };
    let field = &fields[job];
    let at = field.text.referenced;
    let path = review.dir.join(field.file);
    let source = SourceFile::new(path.clone(), read_source(&path).unwrap_or_default());
    source.error_at(at, format!("prose field `{}`: {what}", field.key))
}

/// A prose template's errors in revmark's words, at their places in the YAML file: the line
/// and column inside the field's text mapped to the file's when they can be, else the field's
/// start with the place in its text.
fn template_diagnostics(
    review: &Review,
    field: &ProseField<'_>,
    errors: &[TemplateError],
) -> Vec<Diagnostic> {
    let path = review.dir.join(field.file);
    let text = read_source(&path).unwrap_or_default();
    let at = field.text.referenced;
    let name = &field.key;
    let source = SourceFile::new(path, text);
    errors
        .iter()
        .map(|e| {
            let (line, column) = (e.line, e.column);
            let message = e.message.replace(ONE_OFF, &format!("prose field `{name}`"));
            match locate(&source.text, at, &field.text.value, line, column) {
                Some(place) => source.error_at(place, format!("prose field `{name}`: {message}")),
                None if line > 0 => source.error_at(
                    at,
                    format!(
                        "prose field `{name}`, line {line} column {column} of its text: {message}"
                    ),
                ),
                None => source.error_at(at, format!("prose field `{name}`: {message}")),
            }
        })
        .collect()
}

/// The name Tera gives a template rendered from a string.
const ONE_OFF: &str = "__tera_one_off";

/// The review file as it is now, to place an error in it (read again only when a prose
/// template failed).
fn read_source(path: &std::path::Path) -> Option<String> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)
        .ok()?
        .take(crate::load::MAX_FILE_BYTES)
        .read_to_string(&mut text)
        .ok()?;
    Some(text)
}

/// Where line `line`, column `column` (1-based, in characters) of a YAML scalar's `value`
/// stands in the file `source`, given where the scalar starts (`at`: its first character, or
/// the `|`/`>` of a block scalar). Follows the value through the file's indentation, folded
/// line breaks, quotes and escapes; None if the two part ways (the file changed since it was
/// read, or an escape this does not follow).
fn locate(source: &str, at: Location, value: &str, line: usize, column: usize) -> Option<Location> {
    if line == 0 {
        return None;
    }
    // The target as a byte offset in the value.
    let line_start = if line == 1 {
        0
    } else {
        value.match_indices('\n').nth(line - 2)?.0 + 1
    };
    let target = line_start
        + value[line_start..]
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(value.len() - line_start, |(i, _)| i);
    // The scalar's start in the file.
    let file_line_start = if at.line() <= 1 {
        0
    } else {
        source.match_indices('\n').nth(at.line() as usize - 2)?.0 + 1
    };
    let mut f = file_line_start
        + source[file_line_start..]
            .char_indices()
            .nth((at.column() as usize).saturating_sub(1))?
            .0;
    let quote = match source[f..].chars().next()? {
        '|' | '>' => {
            // A block scalar's text starts on the next line.
            f += source[f..].find('\n')? + 1;
            None
        }
        q @ ('"' | '\'') => {
            f += 1;
            Some(q)
        }
        _ => None,
    };
    for (i, vc) in value.char_indices() {
        if i == target {
            break;
        }
        loop {
            let fc = source[f..].chars().next()?;
            if fc == vc && !(quote == Some('"') && fc == '\\') {
                f += fc.len_utf8();
                break;
            }
            match (quote, fc) {
                // An escape stands for one character of the value.
                (Some('"'), '\\') => {
                    f += 1 + source[f + 1..].chars().next()?.len_utf8();
                    break;
                }
                // `''` stands for `'`.
                (Some('\''), '\'') => f += 1,
                // Indentation and the line breaks that folding made spaces.
                (_, c) if c.is_whitespace() => f += c.len_utf8(),
                // A space or line break the value has and the file does not show.
                _ if vc.is_whitespace() => break,
                _ => return None,
            }
        }
    }
    // Past the indentation, to the character itself.
    while source[f..].starts_with([' ', '\t']) {
        f += 1;
    }
    let before = &source[..f];
    let line = before.matches('\n').count() + 1;
    let column = before[before.rfind('\n').map_or(0, |n| n + 1)..]
        .chars()
        .count()
        + 1;
    Some(Location::new(line, column))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text at a place, for the assertions.
    fn at(source: &str, place: Location) -> &str {
        let line = source.lines().nth(place.line() as usize - 1).unwrap();
        let start = line
            .char_indices()
            .nth(place.column() as usize - 1)
            .map_or(line.len(), |(i, _)| i);
        &line[start..]
    }

    #[test]
    fn places_in_every_scalar_style() {
        // (file, where the scalar starts, its value)
        let cases = [
            (
                "a: 1\nbackground: |\n  First line.\n  Second {{ oops( }} here.\n",
                Location::new(2, 13),
                "First line.\nSecond {{ oops( }} here.\n",
            ),
            (
                "background: >\n  First line\n  and {{ oops( }} here.\n",
                Location::new(1, 13),
                "First line and {{ oops( }} here.\n",
            ),
            (
                "background: First line\n  and {{ oops( }} here.\n",
                Location::new(1, 13),
                "First line and {{ oops( }} here.",
            ),
            (
                "background: \"First \\\"line\\\"\\n and {{ oops( }} here.\"\n",
                Location::new(1, 13),
                "First \"line\"\nand {{ oops( }} here.",
            ),
            (
                "background: 'It''s {{ oops( }} here.'\n",
                Location::new(1, 13),
                "It's {{ oops( }} here.",
            ),
        ];
        for (source, start, value) in cases {
            let (line, column) = value
                .lines()
                .enumerate()
                .find_map(|(n, l)| l.find("oops").map(|c| (n + 1, l[..c].chars().count() + 1)))
                .unwrap();
            let place = locate(source, start, value, line, column)
                .unwrap_or_else(|| panic!("not found in {source:?}"));
            assert!(
                at(source, place).starts_with("oops( }} here."),
                "{source:?}: {place:?}"
            );
        }
        // A file that no longer holds the value: no place rather than a wrong one.
        assert_eq!(
            locate(
                "background: other\n",
                Location::new(1, 13),
                "First {{ x }}",
                1,
                10
            ),
            None
        );
    }

    #[test]
    fn study_fields_are_one_line() {
        assert_eq!(
            one_line("a | b\n\n    ```\n    <x>\n    ```\n c \\| d \\\\| e"),
            "a \\| b ``` <x> ``` c \\| d \\\\\\| e"
        );
    }

    fn loaded(dir: &str) -> Review {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        crate::load::load_review(&dir)
            .unwrap_or_else(|p| panic!("{p:?}"))
            .review
    }

    // The context prose is rendered against is made only when a field uses template syntax,
    // and then once; plain prose comes out as written either way.
    #[test]
    fn the_context_is_made_only_for_prose_that_uses_templates() {
        for (dir, templated) in [
            ("reviews/mmn-lactation", false),
            ("reviews/diuretics-pregnancy", true),
        ] {
            let review = loaded(dir);
            let results = std::sync::Arc::new(crate::results::analyse(&review));
            let templates = Templates::new(
                &crate::report::SiteTemplates::default(),
                &review.templates,
                results,
            )
            .unwrap();
            let made = std::cell::Cell::new(0);
            let citations = crate::report::references::Citations::new(&review);
            let prose = Prose::render(
                &review,
                &templates,
                || {
                    made.set(made.get() + 1);
                    tera::Context::new()
                },
                &citations,
            );
            assert_eq!(made.get(), usize::from(templated), "{dir}");
            if !templated {
                let fields = prose.ok().unwrap().review_fields();
                // As written, but for its citations, which are linked.
                let background = review.protocol.background.as_ref().unwrap();
                let plain = background.value.split("[@").next().unwrap();
                assert!(fields["background"].starts_with(plain), "{dir}");
                assert_ne!(plain, background.value, "{dir} cites nothing");
            }
        }
    }
}
