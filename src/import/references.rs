//! An imported document's references as revmark keeps them: references.json (CSL-JSON) with
//! a citation key for each reference, each study's keys for studies.yaml, and the in-text
//! links of Review Manager's text turned into citations: `(Feltner 2003; Pande 2003)` whose
//! names were links becomes `[@Feltner 2003; @Pande 2003]`, a linked name in the running text
//! `@{Feltner 2003}` or `@tyrer2006`. [`Library::cite`] is the one function over prose text
//! that does it; the writer applies it wherever it writes the document's prose.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use serde_json::{Map, Value, json};

use super::document::{Document, Reference, Study};
use crate::model::{csl_name, year_in};

/// The references of a document, keyed, and what the prose's links cite.
#[derive(Debug, Clone, Default)]
pub struct Library {
    /// The CSL-JSON items, in order: the studies' reports (included, excluded, awaiting,
    /// ongoing), then the additional references.
    pub items: Vec<Value>,
    /// Each study's report keys, primary first, by the study's id in the imported review.
    pub reports: HashMap<String, Vec<String>>,
    /// Link text as it reads in the converted Markdown -> the key it cites.
    links: Vec<(String, String)>,
    /// In-text links of other kinds (analyses, figures, sections): their text stays, their
    /// link does not; by kind.
    pub other_links: BTreeMap<String, usize>,
}

/// A citation key from a name: its letters and digits in lower case ("Serrano-Blanco 2010" ->
/// `serranoblanco2010`), made unique with `-2`, `-3`, ...
fn key_of(name: &str, taken: &mut HashSet<String>) -> String {
    let base: String = name
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    let base = if base.is_empty() { "ref".into() } else { base };
    let mut key = base.clone();
    let mut n = 2;
    while !taken.insert(key.clone()) {
        key = format!("{base}-{n}");
        n += 1;
    }
    key
}

impl Library {
    /// The library of a document: keys for every study's reports and every additional
    /// reference, and the link texts of its in-text citations.
    pub fn of(doc: &Document) -> Library {
        let mut lib = Library::default();
        let mut taken = HashSet::new();
        let studies = doc
            .studies
            .included
            .iter()
            .chain(&doc.studies.excluded)
            .chain(&doc.studies.awaiting)
            .chain(&doc.studies.ongoing);
        let mut study_ids: HashMap<&str, &str> = HashMap::new();
        for study in studies {
            study_ids.insert(study.revman_id.as_str(), study.id.as_str());
            lib.add_reports(study, &mut taken);
        }
        let mut reference_keys: HashMap<&str, String> = HashMap::new();
        for r in &doc.references.additional {
            let name = if r.name.is_empty() { &r.id } else { &r.name };
            let key = key_of(name, &mut taken);
            if !r.id.is_empty() {
                reference_keys.insert(r.id.as_str(), key.clone());
            }
            let mut item = item(r, &key);
            if !r.name.is_empty() {
                // Review Manager's name ("Baldwin 2011a") is what the text calls it.
                item["citation-label"] = json!(r.name);
            }
            lib.items.push(item);
        }
        let mut texts: BTreeMap<String, HashSet<String>> = BTreeMap::new();
        for c in &doc.citations {
            let key = match c.kind.as_str() {
                "REFERENCE" => reference_keys.get(c.target.as_str()).cloned(),
                "STUDY" => study_ids
                    .get(c.target.as_str())
                    .map(std::string::ToString::to_string),
                // Linked to the analysis's section where the text is written.
                "ANALYSIS" => continue,
                _ => {
                    *lib.other_links.entry(c.kind.clone()).or_default() += 1;
                    continue;
                }
            };
            let Some(key) = key else {
                *lib.other_links.entry(c.kind.clone()).or_default() += 1;
                continue;
            };
            let text = super::rm5::escape(c.text.trim());
            if !text.is_empty() {
                texts.entry(text).or_default().insert(key);
            }
        }
        // A text that links to two places in the document is left as text.
        lib.links = texts
            .into_iter()
            .filter(|(_, keys)| keys.len() == 1)
            .map(|(text, keys)| (text, keys.into_iter().next().unwrap_or_default()))
            .collect();
        // Longer texts first, so that "Baldwin 2011a" is not read as "Baldwin 2011".
        lib.links
            .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        lib
    }

    fn add_reports(&mut self, study: &Study, taken: &mut HashSet<String>) {
        let mut keys = Vec::new();
        // The primary report first, as studies.yaml lists it.
        let mut reports: Vec<&Reference> = study.references.iter().collect();
        reports.sort_by_key(|r| !r.primary);
        for r in reports {
            let key = key_of(&study.id, taken);
            self.items.push(item(r, &key));
            keys.push(key);
        }
        if !keys.is_empty() {
            self.reports.insert(study.id.clone(), keys);
        }
    }

    /// references.json.
    pub fn json(&self) -> String {
        let mut text = serde_json::to_string_pretty(&self.items).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Review Manager's in-text links in converted Markdown as citations: a parenthesis that
    /// holds only linked names, separated by `;` or `,`, becomes `[@a; @b]`; any other linked
    /// name `@{a}` (or `@a` for a key of letters and digits). Text in code and in links stays.
    pub fn cite(&self, markdown: &str) -> String {
        if self.links.is_empty() {
            return markdown.to_string();
        }
        let mut found: Vec<(Range<usize>, &str)> = Vec::new();
        for segment in crate::citation::text_ranges(markdown) {
            let text = &markdown[segment.clone()];
            for (needle, key) in &self.links {
                for (at, _) in text.match_indices(needle.as_str()) {
                    let range = segment.start + at..segment.start + at + needle.len();
                    let bounded = !markdown[..range.start]
                        .chars()
                        .next_back()
                        .is_some_and(char::is_alphanumeric)
                        && !markdown[range.end..]
                            .chars()
                            .next()
                            .is_some_and(char::is_alphanumeric);
                    let overlaps = found
                        .iter()
                        .any(|(r, _)| r.start < range.end && range.start < r.end);
                    if bounded && !overlaps {
                        found.push((range, key));
                    }
                }
            }
        }
        found.sort_by_key(|(r, _)| r.start);
        let mut out = String::with_capacity(markdown.len() + 8 * found.len());
        let mut from = 0;
        let mut i = 0;
        while i < found.len() {
            // A parenthesis of linked names only: "(A; B)".
            if let Some((group, next)) = parenthesis(markdown, &found, i) {
                out.push_str(&markdown[from..group.start]);
                let keys: Vec<String> = found[i..next]
                    .iter()
                    .map(|(_, key)| format!("@{}", braced(key)))
                    .collect();
                out.push_str(&format!("[{}]", keys.join("; ")));
                from = group.end;
                i = next;
                continue;
            }
            let (range, key) = &found[i];
            out.push_str(&markdown[from..range.start]);
            out.push('@');
            out.push_str(&braced(key));
            from = range.end;
            i += 1;
        }
        out.push_str(&markdown[from..]);
        out
    }
}

/// A key as it is written after `@`: braced unless it is letters, digits, `-` and `_`.
fn braced(key: &str) -> String {
    let plain = key.starts_with(|c: char| c.is_alphanumeric())
        && key.ends_with(|c: char| c.is_alphanumeric())
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    if plain {
        key.to_string()
    } else {
        format!("{{{key}}}")
    }
}

/// The parenthesis around `found[first..next]` when it holds those linked names and nothing
/// but separators: its range, and the index after its last name.
fn parenthesis(
    text: &str,
    found: &[(Range<usize>, &str)],
    first: usize,
) -> Option<(Range<usize>, usize)> {
    let before = text[..found[first].0.start].trim_end_matches([' ', '\t']);
    let open = before.strip_suffix('(').map(str::len)?;
    let mut i = first;
    loop {
        let after = &text[found[i].0.end..];
        let rest = after.trim_start_matches([' ', '\t']);
        let at = text.len() - rest.len();
        if rest.starts_with(')') {
            return Some((open..at + 1, i + 1));
        }
        let separated = rest.strip_prefix([';', ','])?;
        let next_at = text.len() - separated.trim_start_matches([' ', '\t']).len();
        if i + 1 < found.len() && found[i + 1].0.start == next_at {
            i += 1;
        } else {
            return None;
        }
    }
}

/// Review Manager's names ("Alegria AA, Hasin DS, et al"; a package's RIS "Smith, J; Jones, K")
/// as CSL-JSON names. A name that is not "Family Initials" is kept whole ("American
/// Psychiatric Association", "et al").
fn names(text: &str) -> Value {
    let parts: Vec<&str> = if text.contains(';') {
        text.split(';').collect()
    } else {
        text.split(", ").collect()
    };
    Value::Array(
        parts
            .into_iter()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| {
                if let Some((family, given)) = p.split_once(',') {
                    return csl_name(family, Some(given));
                }
                match p.rsplit_once(' ') {
                    Some((family, initials))
                        if (1..=4).contains(&initials.len())
                            && initials.chars().all(|c| c.is_ascii_uppercase()) =>
                    {
                        csl_name(family, Some(initials))
                    }
                    _ => json!({ "literal": p }),
                }
            })
            .collect(),
    )
}

/// The CSL type of Review Manager's reference type (or a package's RIS type).
fn csl_type(kind: &str) -> &'static str {
    match kind {
        "JOURNAL_ARTICLE" | "COCHRANE_REVIEW" | "COCHRANE_PROTOCOL" => "article-journal",
        "BOOK" => "book",
        "BOOK_SECTION" => "chapter",
        "CONFERENCE_PROC" => "paper-conference",
        "CORRESPONDENCE" => "personal_communication",
        "UNPUBLISHED" => "manuscript",
        "SOFTWARE" | "COMPUTER_PROGRAM" => "software",
        "OTHER" => "document",
        ris => crate::load::csl_type_of_ris(ris),
    }
}

/// A reference as a CSL-JSON item with `key` as its id. Review Manager's fields (or a
/// package's RIS tags) go to their CSL variables; any other field, identifier or note is kept
/// in `note`, so nothing is lost.
fn item(r: &Reference, key: &str) -> Value {
    let mut item = Map::new();
    item.insert("id".into(), json!(key));
    item.insert("type".into(), json!(csl_type(&r.kind)));
    let mut notes: Vec<String> = Vec::new();
    let field = |tags: &[&str]| {
        tags.iter()
            .find_map(|t| r.fields.get(*t).filter(|v| !v.trim().is_empty()))
            .map(|v| v.trim().to_string())
    };
    let mut used: Vec<&str> = Vec::new();
    let mut take = |tags: &'static [&'static str]| {
        used.extend(tags);
        field(tags)
    };
    if let Some(a) = take(&["AU"]) {
        item.insert("author".into(), names(&a));
    }
    if let Some(e) = take(&["ED", "A2"]) {
        item.insert("editor".into(), names(&e));
    }
    let title = take(&["TI", "T1"]);
    let source = take(&["SO", "T2", "JO", "JF", "JA"]);
    let book = matches!(item["type"].as_str(), Some("book" | "document")) && title.is_none();
    match (title, source) {
        // A book's title is its source when it has no title of its own.
        (None, Some(s)) if book => {
            item.insert("title".into(), json!(s));
        }
        (t, s) => {
            if let Some(t) = t {
                item.insert("title".into(), json!(t));
            }
            if let Some(s) = s {
                item.insert("container-title".into(), json!(s));
            }
        }
    }
    if let Some(year) = take(&["YR", "PY", "Y1"]) {
        if let Some(y) = year_in(&year) {
            item.insert("issued".into(), json!({"date-parts": [[y]]}));
        }
        if year.trim() != year_in(&year).map(|y| y.to_string()).unwrap_or_default() {
            notes.push(year);
        }
    }
    for (tags, variable) in [
        (&["VL"][..], "volume"),
        (&["NO", "IS"][..], "issue"),
        (&["EN", "ET"][..], "edition"),
        (&["PB"][..], "publisher"),
        (&["CY"][..], "publisher-place"),
    ] {
        if let Some(v) = take(tags) {
            item.insert(variable.into(), json!(v));
        }
    }
    let pages = match (take(&["PG"]), take(&["SP"]), take(&["EP"])) {
        (Some(p), _, _) => Some(p),
        (None, Some(s), Some(e)) if s != e => Some(format!("{s}-{e}")),
        (None, Some(s), _) => Some(s),
        _ => None,
    };
    if let Some(p) = pages {
        item.insert("page".into(), json!(p));
    }
    for (tag, value) in &r.fields {
        if !used.contains(&tag.as_str()) && tag != "TY" && !value.trim().is_empty() {
            notes.push(format!("{tag}: {}", value.trim()));
        }
    }
    for id in &r.identifiers {
        match id.kind.to_ascii_uppercase().as_str() {
            "DOI" => {
                item.insert("DOI".into(), json!(id.value));
            }
            "MEDLINE" | "PUBMED" | "PMID" => {
                item.insert("PMID".into(), json!(id.value));
            }
            _ => notes.push(format!("{}: {}", id.kind, id.value)),
        }
    }
    if let Some(note) = &r.data_only_note {
        notes.push(note.clone());
    }
    if !notes.is_empty() {
        item.insert("note".into(), json!(notes.join("; ")));
    }
    Value::Object(item)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::document::Citation;

    fn library(links: &[(&str, &str)]) -> Library {
        let mut lib = Library::default();
        for (text, key) in links {
            lib.links.push((text.to_string(), key.to_string()));
        }
        lib.links
            .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        lib
    }

    #[test]
    fn links_become_citations() {
        let lib = library(&[
            ("Feltner 2003", "Feltner 2003"),
            ("Pande 2003", "Pande 2003"),
            ("Baldwin 2011", "baldwin2011"),
            ("Baldwin 2011a", "baldwin2011a"),
            ("APA 2000", "apa2000"),
        ]);
        assert_eq!(
            lib.cite("allowed co morbidity(Feltner 2003); two did not (Feltner 2003; Pande 2003)."),
            "allowed co morbidity[@{Feltner 2003}]; two did not [@{Feltner 2003}; @{Pande 2003}]."
        );
        assert_eq!(
            lib.cite(
                "as Baldwin 2011a found (such as Baldwin 2011), DSM-IV-TR (APA 2000, Baldwin 2011)"
            ),
            "as @baldwin2011a found (such as @baldwin2011), DSM-IV-TR [@apa2000; @baldwin2011]"
        );
        // Not in code, not in a link, not inside a longer name.
        assert_eq!(
            lib.cite("`APA 2000` [APA 2000](https://x.org) APA 20001"),
            "`APA 2000` [APA 2000](https://x.org) APA 20001"
        );
    }

    #[test]
    fn a_document_gets_keys_labels_and_links() {
        let mut doc = Document::default();
        let reference = |id: &str, name: &str, fields: &[(&str, &str)]| Reference {
            id: id.into(),
            name: name.into(),
            kind: "JOURNAL_ARTICLE".into(),
            fields: fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Reference::default()
        };
        doc.studies.included.push(Study {
            revman_id: "STD-Feltner-2003".into(),
            id: "Feltner 2003".into(),
            references: vec![
                reference("", "", &[("TI", "Second report")]),
                Reference {
                    primary: true,
                    ..reference("", "", &[("TI", "Main report")])
                },
            ],
            ..Study::default()
        });
        doc.references.additional.push(reference(
            "REF-Alegria-2010",
            "Alegria 2010",
            &[
                ("AU", "Alegria AA, Hasin DS, et al"),
                ("TI", "Comorbidity"),
                ("SO", "Journal of Clinical Psychiatry"),
                ("YR", "2010 Nov 7 [Epub ahead of print]"),
                ("PG", "1187-95"),
                ("XX", "something else"),
            ],
        ));
        doc.citations = vec![
            Citation {
                kind: "REFERENCE".into(),
                target: "REF-Alegria-2010".into(),
                text: "Alegria 2010".into(),
            },
            Citation {
                kind: "STUDY".into(),
                target: "STD-Feltner-2003".into(),
                text: "Feltner 2003".into(),
            },
            Citation {
                kind: "FIGURE".into(),
                target: "FIG-01".into(),
                text: "Figure 1".into(),
            },
        ];
        let lib = Library::of(&doc);
        assert_eq!(
            lib.reports["Feltner 2003"],
            ["feltner2003", "feltner2003-2"]
        );
        assert_eq!(lib.items[0]["title"], "Main report");
        let alegria = &lib.items[2];
        assert_eq!(alegria["id"], "alegria2010");
        assert_eq!(alegria["citation-label"], "Alegria 2010");
        assert_eq!(
            alegria["author"][1],
            json!({"family": "Hasin", "given": "D S"})
        );
        assert_eq!(alegria["author"][2], json!({"literal": "et al"}));
        assert_eq!(alegria["issued"], json!({"date-parts": [[2010]]}));
        assert_eq!(
            alegria["note"],
            "2010 Nov 7 [Epub ahead of print]; XX: something else"
        );
        assert_eq!(lib.other_links["FIGURE"], 1);
        assert_eq!(
            lib.cite("(Alegria 2010; Feltner 2003) and Figure 1"),
            "[@alegria2010; @{Feltner 2003}] and Figure 1"
        );
    }
}
