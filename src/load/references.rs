//! The review's references: references.bib (read by hayagriva's BibTeX reader),
//! references.ris (ris.rs) and references.json (CSL-JSON, read with serde) -> the validated
//! [`References`]; then every link to them checked: each study's `references` and
//! `primary_reference`, and every citation in the authors' prose, at its place in its file.
//! A reference that is neither a study's report nor cited is a warning: the page leaves it out.

use std::collections::{HashMap, HashSet};

use hayagriva::citationberg::json::Item;

use super::Sources;
use crate::citation;
use crate::diagnostic::{Kind, Problems, SourceFile};
use crate::model::{CitationIndex, Located, Location, Record, Reference, References, Review};

const UNREADABLE: Kind = Kind::error("a reference file that cannot be read");
const DUPLICATE_KEY: Kind = Kind::error("a citation key given twice");
const UNKNOWN_REPORT: Kind = Kind::error("a study's reference that is not in the reference files");
const SHARED_REPORT: Kind = Kind::error("a reference listed by two studies");
const UNKNOWN_CITATION: Kind = Kind::error("a citation of an unknown key");
const BARE_UNKNOWN: Kind = Kind::warning("an `@name` that no reference or study has");
const UNUSED: Kind = Kind::warning("a reference that is neither cited nor a study's report");

/// A record read from a RIS or CSL-JSON file, before it is checked.
pub(crate) struct Parsed {
    /// Its citation key.
    pub key: String,
    /// The label the file gives it.
    pub label: Option<String>,
    /// Where it starts.
    pub at: Location,
    /// The record, as CSL-JSON.
    pub item: serde_json::Value,
}

/// The 1-based line and column of a byte offset of `text`.
fn location_of(text: &str, offset: usize) -> Location {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Location::new(line, before[line_start..].chars().count() + 1)
}

/// The byte offset of a 1-based line and column of `text` (its end when past it).
fn offset_of(text: &str, at: Location) -> usize {
    let mut start = 0;
    for _ in 1..at.line() {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    text[start..]
        .char_indices()
        .nth((at.column() as usize).saturating_sub(1))
        .map_or(text.len(), |(i, _)| start + i)
}

/// Reads every reference file; a file that cannot be read is reported at the place of the
/// problem and its references left out.
pub(crate) fn read(files: &[(&'static str, SourceFile)], problems: &mut Problems) -> References {
    let mut entries: Vec<Reference> = Vec::new();
    let mut seen: HashMap<String, (&'static str, Location)> = HashMap::new();
    for (name, file) in files {
        let found = match name.rsplit('.').next() {
            Some("bib") => bib(name, file),
            Some("ris") => super::ris::parse(&file.text)
                .map_err(|(at, why)| vec![(at, why)])
                .and_then(|parsed| csl_records(name, parsed)),
            _ => json(name, &file.text),
        };
        let found = match found {
            Ok(found) => found,
            Err(errors) => {
                for (at, why) in errors {
                    problems.add(&file.path, UNREADABLE, |_| file.error_at(at, why));
                }
                continue;
            }
        };
        for reference in found {
            if let Some((first_file, first)) = seen.get(&reference.key) {
                problems.add(&file.path, DUPLICATE_KEY, |_| {
                    file.error_at(
                        reference.at,
                        format!(
                            "duplicate citation key `{}` (first in {first_file}, line {})",
                            reference.key,
                            first.line()
                        ),
                    )
                });
                continue;
            }
            seen.insert(reference.key.clone(), (name, reference.at));
            entries.push(reference);
        }
    }
    References::new(entries)
}

type Found = Result<Vec<Reference>, Vec<(Location, String)>>;

/// references.bib, through hayagriva (which reads it with the biblatex crate).
fn bib(name: &'static str, file: &SourceFile) -> Found {
    let library = hayagriva::io::from_biblatex_str(&file.text).map_err(|errors| {
        errors
            .into_iter()
            .map(|e| {
                let (span, why) = match &e {
                    hayagriva::io::BibLaTeXError::Parse(p) => (p.span.clone(), p.kind.to_string()),
                    hayagriva::io::BibLaTeXError::Type(t) => (t.span.clone(), t.kind.to_string()),
                };
                (
                    location_of(&file.text, span.start),
                    format!("BibTeX: {why}"),
                )
            })
            .collect::<Vec<_>>()
    })?;
    Ok(library
        .iter()
        .map(|entry| {
            let key = entry.key().to_string();
            // The entry starts at `@type{key`: found by its key, as the library keeps no place.
            let at = file
                .text
                .match_indices(key.as_str())
                .find(|(i, _)| file.text[..*i].trim_end().ends_with(['{', '(']))
                .map_or(Location::new(1, 1), |(i, _)| {
                    let start = file.text[..i].rfind('@').unwrap_or(i);
                    location_of(&file.text, start)
                });
            Reference {
                key,
                record: Record::Bib(Box::new(entry.clone())),
                label: None,
                file: name,
                at,
            }
        })
        .collect())
}

/// references.json: a CSL-JSON list of items, as Zotero and Mendeley export it.
fn json(name: &'static str, text: &str) -> Found {
    let values: Vec<serde_json::Value> = serde_json::from_str(text).map_err(|e| {
        vec![(
            Location::new(e.line(), e.column()),
            format!("CSL-JSON: {e} (a list of items such as [{{\"id\": \"smith2004\", \"type\": \"article-journal\", ...}}])"),
        )]
    })?;
    let mut parsed = Vec::with_capacity(values.len());
    let mut problems = Vec::new();
    for (n, value) in values.into_iter().enumerate() {
        let key = match value.get("id") {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => {
                problems.push((
                    Location::new(1, 1),
                    format!("CSL-JSON: item {} has no `id`, its citation key", n + 1),
                ));
                continue;
            }
        };
        let at = json_item_at(text, &key);
        let label = value
            .get("citation-label")
            .and_then(|l| l.as_str())
            .map(str::to_string);
        parsed.push(Parsed {
            key,
            label,
            at,
            item: value,
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    csl_records(name, parsed)
}

/// Where the item with this `id` starts in a CSL-JSON text: at its `"id"`.
fn json_item_at(text: &str, key: &str) -> Location {
    let quoted = serde_json::to_string(key).unwrap_or_default();
    text.match_indices(quoted.as_str())
        .find(|(i, _)| {
            let before = text[..*i].trim_end();
            before
                .strip_suffix(':')
                .is_some_and(|b| b.trim_end().ends_with("\"id\""))
        })
        .map_or(Location::new(1, 1), |(i, _)| {
            let id = text[..i].rfind("\"id\"").unwrap_or(i);
            location_of(text, id)
        })
}

/// Records read as CSL-JSON, checked by the CSL-JSON reader (a value of the wrong shape, such
/// as a title that is a list, is reported at its record).
fn csl_records(name: &'static str, parsed: Vec<Parsed>) -> Found {
    let mut out = Vec::with_capacity(parsed.len());
    let mut problems = Vec::new();
    for mut p in parsed {
        // The CSL processor knows an item by its `id` (a RIS record's is its key).
        if let Some(object) = p.item.as_object_mut() {
            object.insert("id".into(), serde_json::Value::String(p.key.clone()));
        }
        match serde_json::from_value::<Item>(p.item) {
            Ok(item) => out.push(Reference {
                key: p.key,
                record: Record::Csl(Box::new(item)),
                label: p.label,
                file: name,
                at: p.at,
            }),
            Err(e) => problems.push((
                p.at,
                format!("reference `{}`: {e} (not a CSL-JSON item)", p.key),
            )),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// Checks every link to the references: the studies' reports, the citations in prose, and
/// which references nothing uses.
pub(crate) fn check(review: &Review, sources: &Sources, problems: &mut Problems) {
    let studies_file = &sources.studies;
    let index = CitationIndex::new(review);
    let keys: Vec<&str> = review
        .references
        .entries
        .iter()
        .map(|r| r.key.as_str())
        .collect();
    let mut owner: HashMap<&str, &str> = HashMap::new();
    let mut used: HashSet<&str> = HashSet::new();
    for (_, id, reports) in review.studies.with_reports() {
        for key in &reports.keys {
            let k = key.value.as_str();
            if review.references.get(k).is_none() {
                problems.add(&studies_file.path, UNKNOWN_REPORT, |hint| {
                    studies_file
                        .error_at(
                            key.referenced,
                            format!(
                                "study `{}`: reference `{k}` is not in the review's reference files ({})",
                                id.value,
                                files_named(sources)
                            ),
                        )
                        .suggest_if(hint, k, keys.iter().copied())
                });
                continue;
            }
            used.insert(k);
            if let Some(first) = owner.insert(k, &id.value)
                && first != id.value
            {
                problems.add(&studies_file.path, SHARED_REPORT, |_| {
                    studies_file.error_at(
                        key.referenced,
                        format!(
                            "study `{}`: reference `{k}` is already a report of study `{first}`; a report belongs to one study",
                            id.value
                        ),
                    )
                });
            }
        }
        if let Some(primary) = &reports.primary
            && !reports.keys.iter().any(|k| k.value == primary.value)
        {
            problems.add(&studies_file.path, UNKNOWN_REPORT, |hint| {
                studies_file
                    .error_at(
                        primary.referenced,
                        format!(
                            "study `{}`: primary_reference `{}` is not one of its `references`",
                            id.value, primary.value
                        ),
                    )
                    .suggest_if(
                        hint,
                        &primary.value,
                        reports.keys.iter().map(|k| k.value.as_str()),
                    )
            });
        }
    }
    let mut cited: HashSet<String> = HashSet::new();
    for (file_name, field, text) in crate::report::located_prose(review) {
        let file = if file_name == "review.yaml" {
            &sources.review
        } else {
            studies_file
        };
        check_citations(file, &field, text, &index, &mut cited, problems);
    }
    for reference in &review.references.entries {
        if used.contains(reference.key.as_str()) || cited.contains(&reference.key) {
            continue;
        }
        let Some((_, file)) = sources
            .references
            .iter()
            .find(|(n, _)| *n == reference.file)
        else {
            continue;
        };
        problems.add(&file.path, UNUSED, |_| {
            file.warning_at(
                reference.at,
                format!(
                    "reference `{}` is neither cited in the text nor a study's report, so the page leaves it out: cite it (`[@{}]`) or list it under a study's `references`",
                    reference.key, reference.key
                ),
            )
        });
    }
}

/// The reference files the review has, for messages.
fn files_named(sources: &Sources) -> String {
    if sources.references.is_empty() {
        "it has none: keep them in references.bib, references.ris or references.json".into()
    } else {
        sources
            .references
            .iter()
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Checks the citations of one prose field, each reported at its own place in the file.
fn check_citations(
    file: &SourceFile,
    field: &dyn std::fmt::Display,
    text: &Located<String>,
    index: &CitationIndex,
    cited: &mut HashSet<String>,
    problems: &mut Problems,
) {
    if !text.value.contains('@') {
        return;
    }
    let written = citation::without_template_tags(&text.value);
    // The n-th time a key is written in the field is its n-th time in the file after the
    // field's start (the text of a YAML scalar is written as it reads, but for indentation
    // and quoting), which places it exactly.
    let start = offset_of(&file.text, text.referenced);
    for found in citation::scan(&written) {
        for key in &found.keys {
            let k = key.key.as_str();
            if index.resolve(k).is_some() {
                cited.insert(key.key.clone());
                continue;
            }
            let before = text.value[..key.at].matches(k).count();
            let found_at = file.text[start..]
                .match_indices(k)
                .nth(before)
                .map(|(i, _)| location_of(&file.text, start + i));
            // Where the key is not written as it reads (a quoted scalar's escapes), the message
            // is at the field and says where in its text.
            let (at, place) = if let Some(at) = found_at {
                (at, field.to_string())
            } else {
                let line = written[..key.at].matches('\n').count() + 1;
                (text.referenced, format!("{field}, line {line} of its text"))
            };
            if key.bare {
                problems.add(&file.path, BARE_UNKNOWN, |_| {
                    file.warning_at(
                        at,
                        format!(
                            "{place}: `@{k}` reads as a citation, but no reference or study has the key `{k}`; write `\\@` for an @ that is not a citation"
                        ),
                    )
                });
                continue;
            }
            problems.add(&file.path, UNKNOWN_CITATION, |hint| {
                file.error_at(
                    at,
                    format!(
                        "{place}: `{k}` is neither a reference's citation key nor a study's id"
                    ),
                )
                .suggest_if(hint, k, index.keys())
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_locations_agree() {
        let text = "ab\nçd\n\nx";
        for offset in [0, 1, 3, 5, 7, 8] {
            let at = location_of(text, offset);
            assert_eq!(offset_of(text, at), offset, "{offset} -> {at:?}");
        }
        assert_eq!(location_of(text, 5), Location::new(2, 2));
    }

    #[test]
    fn json_items_are_found_by_their_id() {
        let text = "[\n  {\"type\": \"book\",\n   \"id\" : \"a b\"},\n  {\"id\": \"c\", \"note\": \"\\\"a b\\\"\"}\n]";
        assert_eq!(json_item_at(text, "a b"), Location::new(3, 4));
        assert_eq!(json_item_at(text, "c"), Location::new(4, 4));
    }
}
