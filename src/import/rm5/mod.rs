//! Review Manager 5 review files (.rm5) read into the typed [`Document`]: the cover sheet,
//! the main text, the studies with their references and characteristics, the risk-of-bias
//! tables, Summary of findings and additional tables, figures, appendices, feedback and every
//! analysis with its settings and stored results. What the reader does not understand is
//! listed in the document (`unread`), found by a walk over what it read.

mod analyses;
mod flow;
mod reader;

pub(crate) use reader::{escape, from_superscript, unescape};

use std::collections::{HashMap, HashSet};

use self::reader::Reader;
use super::document::{
    Document, Event, Extension, Figure, Identifier, Person, QualityEntry, QualityGroup,
    QualityItem, Reference, Sections, Study, Support, TableEntry,
};
use super::xml::{self, Node};

/// The note Review Manager appends to the titles of data-only files.
const DATA_ONLY: &str = "[Data only.";

/// Reads a .rm5 file's bytes (`name` is used in messages).
pub fn read(bytes: &[u8], name: &str) -> Result<Document, String> {
    super::check_size(bytes, name)?;
    let decoded = xml::decode(bytes);
    let doc = xml::parse(&decoded.text).map_err(|e| format!("{name}:{e}"))?;
    let root = doc.root_element();
    if xml::name(root) != "COCHRANE_REVIEW" {
        return Err(format!(
            "{name}: not a RevMan 5 review (the root element is `{}`, not `COCHRANE_REVIEW`)",
            xml::name(root)
        ));
    }
    let mut r = Reader::new(&doc);
    r.mark(root);
    let mut out = Document {
        source: format!("{name}, read as {}", decoded.encoding),
        ..Document::default()
    };
    if decoded.replaced {
        out.problems.push(
            "Some bytes could not be decoded in the file's encoding and were replaced by \u{fffd}."
                .into(),
        );
    }
    out.review.revman = r.attrs_except(root, &[]);
    if let Some(kind) = root.attribute("TYPE").filter(|t| *t != "INTERVENTION") {
        out.problems.push(format!(
            "The review type is `{kind}`; revmark imports intervention reviews, so only the parts that fit were read."
        ));
    }
    cover_sheet(&mut r, root, &mut out);
    if let Some(main) = r.child(root, "MAIN_TEXT") {
        out.main_text = sections(&mut r, main);
    }
    studies(&mut r, root, &mut out);
    references(&mut r, root, &mut out);
    characteristics(&mut r, root, &mut out);
    risk_of_bias(&mut r, root, &mut out);
    tables(&mut r, root, &mut out);
    figures(&mut r, root, &mut out);
    analyses::read(&mut r, root, &mut out);
    for (tag, target) in [("FEEDBACK", 0), ("APPENDICES", 1)] {
        if let Some(node) = r.child(root, tag) {
            let s = sections(&mut r, node);
            if target == 0 {
                out.feedback = s;
            } else {
                out.appendices = s;
            }
        }
    }
    extensions(&mut r, root, &mut out);
    out.citations = std::mem::take(&mut r.citations);
    out.placeholders = std::mem::take(&mut r.placeholders);
    out.author_notes = std::mem::take(&mut r.author_notes);
    out.tracked_deletions = std::mem::take(&mut r.deletions);
    out.unread = reader::unread(&doc, &r);
    Ok(out)
}

/// Decodes Review Manager's escapes in ids: `_x002d_` is U+002D (`-`).
pub fn unescape_id(id: &str) -> String {
    let mut out = String::new();
    let mut rest = id;
    while let Some(at) = rest.find("_x") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let decoded = after
            .get(..5)
            .filter(|s| s.ends_with('_'))
            .and_then(|s| u32::from_str_radix(&s[..4], 16).ok())
            .and_then(char::from_u32);
        if let Some(c) = decoded {
            out.push(c);
            rest = &after[5..];
        } else {
            out.push_str("_x");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// A title and the data-only note Review Manager appends to it, taken apart.
pub(crate) fn split_data_only_note(title: &str) -> (String, Option<String>) {
    match title.find(DATA_ONLY) {
        Some(at) => {
            let note = title[at..].trim();
            let note = note
                .strip_prefix('[')
                .and_then(|n| n.strip_suffix(']'))
                .unwrap_or(note);
            (title[..at].trim().to_string(), Some(note.to_string()))
        }
        None => (title.to_string(), None),
    }
}

/// The children of an element as sections.
fn sections(r: &mut Reader, node: Node) -> Sections {
    Sections(
        xml::elements(node)
            .collect::<Vec<_>>()
            .into_iter()
            .map(|c| r.section(c))
            .collect(),
    )
}

/// A date element's DAY, MONTH and YEAR as YYYY-MM-DD (or as much as is given).
fn date(r: &mut Reader, node: Node) -> String {
    let part = |r: &mut Reader, name: &str| r.attr_text(node, name);
    let (y, m, d) = (part(r, "YEAR"), part(r, "MONTH"), part(r, "DAY"));
    let two = |s: &str| {
        s.parse::<u32>()
            .map_or_else(|_| s.to_string(), |n| format!("{n:02}"))
    };
    match (y.is_empty(), m.is_empty(), d.is_empty()) {
        (false, false, false) => format!("{y}-{}-{}", two(&m), two(&d)),
        (false, false, true) => format!("{y}-{}", two(&m)),
        (false, true, _) => y,
        _ => String::new(),
    }
}

fn person(r: &mut Reader, node: Node) -> Person {
    let mut details = r.attrs_except(node, &["MODIFIED", "MODIFIED_BY"]);
    let mut name_parts = Vec::new();
    for c in xml::elements(node).collect::<Vec<_>>() {
        r.mark(c);
        let tag = xml::name(c);
        if tag == "ADDRESS" {
            for a in xml::elements(c).collect::<Vec<_>>() {
                let value = r.plain(a);
                if let Some(code) = r.attr(a, "CODE").filter(|v| !v.trim().is_empty()) {
                    details.insert(format!("ADDRESS/{}/CODE", xml::name(a)), code.to_string());
                }
                details.insert(format!("ADDRESS/{}", xml::name(a)), value);
            }
            continue;
        }
        let value = r.plain(c);
        if matches!(tag, "FIRST_NAME" | "MIDDLE_INITIALS" | "LAST_NAME") {
            if !value.is_empty() {
                name_parts.push(value);
            }
        } else {
            details.insert(tag.to_string(), value);
        }
    }
    details.retain(|_, v| !v.is_empty());
    Person {
        name: name_parts.join(" "),
        details,
    }
}

fn events(r: &mut Reader, node: Node, entry: &str) -> Vec<Event> {
    r.children(node, entry)
        .into_iter()
        .map(|e| Event {
            kind: r.attr_text(e, "EVENT"),
            date: r.child(e, "DATE").map(|d| date(r, d)).unwrap_or_default(),
            description: r.child_markdown(e, "DESCRIPTION"),
        })
        .collect()
}

fn support(r: &mut Reader, node: Option<Node>) -> Vec<Support> {
    let Some(node) = node else {
        return Vec::new();
    };
    r.children(node, "SOURCE")
        .into_iter()
        .map(|s| {
            if let Some(c) = r.child(s, "COUNTRY") {
                r.attr(c, "CODE");
            }
            Support {
                name: r.child_plain(s, "NAME"),
                country: r.child_plain(s, "COUNTRY"),
                description: r.child_markdown(s, "DESCRIPTION"),
            }
        })
        .collect()
}

fn cover_sheet(r: &mut Reader, root: Node, out: &mut Document) {
    let Some(cover) = r.child(root, "COVER_SHEET") else {
        return;
    };
    let (title, note) = split_data_only_note(&r.child_plain(cover, "TITLE"));
    out.review.title = title;
    out.review.data_only_note = note;
    if let Some(contact) = r.child(cover, "CONTACT") {
        out.review.contact = r
            .children(contact, "PERSON")
            .into_iter()
            .map(|p| person(r, p))
            .collect();
    }
    if let Some(creators) = r.child(cover, "CREATORS") {
        out.review.authors = r
            .children(creators, "PERSON")
            .into_iter()
            .map(|p| person(r, p))
            .collect();
    }
    if let Some(dates) = r.child(cover, "DATES") {
        for d in xml::elements(dates).collect::<Vec<_>>() {
            r.mark(d);
            let key = xml::name(d).to_ascii_lowercase();
            let value = if let Some(inner) = r.child(d, "DATE") {
                date(r, inner)
            } else {
                let (year, issue) = (r.attr_text(d, "YEAR"), r.attr_text(d, "ISSUE"));
                match (year.is_empty(), issue.is_empty()) {
                    (false, false) => format!("{year}, Issue {issue}"),
                    (false, true) => year,
                    _ => String::new(),
                }
            };
            if !value.is_empty() {
                out.review.dates.insert(key, value);
            }
        }
    }
    if let Some(n) = r.child(cover, "WHATS_NEW") {
        out.review.whats_new = events(r, n, "WHATS_NEW_ENTRY");
    }
    if let Some(n) = r.child(cover, "HISTORY") {
        out.review.history = events(r, n, "HISTORY_ENTRY");
    }
    if let Some(s) = r.child(cover, "SOURCES_OF_SUPPORT") {
        let internal = r.child(s, "INTERNAL_SOURCES");
        out.review.internal_support = support(r, internal);
        let external = r.child(s, "EXTERNAL_SOURCES");
        out.review.external_support = support(r, external);
    }
    for (tag, target) in [("MESH_TERMS", 0), ("KEYWORDS", 1)] {
        if let Some(n) = r.child(cover, tag) {
            let terms: Vec<String> = xml::elements(n)
                .collect::<Vec<_>>()
                .into_iter()
                .map(|t| {
                    let attrs = r.attrs_except(t, &[]);
                    let text = r.plain(t);
                    let extra: Vec<String> = attrs
                        .into_iter()
                        .filter(|(_, v)| !v.is_empty())
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect();
                    if extra.is_empty() {
                        text
                    } else {
                        format!("{text} ({})", extra.join(", "))
                    }
                })
                .filter(|t| !t.is_empty())
                .collect();
            if target == 0 {
                out.review.mesh_terms = terms;
            } else {
                out.review.keywords = terms;
            }
        }
    }
}

fn identifiers(r: &mut Reader, node: Node) -> Vec<Identifier> {
    let Some(ids) = r.child(node, "IDENTIFIERS") else {
        return Vec::new();
    };
    r.children(ids, "IDENTIFIER")
        .into_iter()
        .map(|i| Identifier {
            kind: r.attr_text(i, "TYPE"),
            value: r.attr_text(i, "VALUE"),
        })
        .filter(|i| !i.value.is_empty())
        .collect()
}

fn reference(r: &mut Reader, node: Node) -> Reference {
    let mut reference = Reference {
        id: r.attr_text(node, "ID"),
        name: r.attr_text(node, "NAME"),
        kind: r.attr_text(node, "TYPE"),
        primary: r.attr(node, "PRIMARY") == Some("YES"),
        ..Reference::default()
    };
    reference.identifiers = identifiers(r, node);
    for c in xml::elements(node).collect::<Vec<_>>() {
        if xml::name(c) == "IDENTIFIERS" {
            continue;
        }
        let mut value = r.plain(c);
        if xml::name(c) == "TI" {
            let (title, note) = split_data_only_note(&value);
            value = title;
            reference.data_only_note = note;
        }
        if !value.is_empty() {
            reference.fields.insert(xml::name(c).to_string(), value);
        }
    }
    reference
}

/// The studies, with names made unique (a set and a counter per base name, so that
/// thousands of studies with one name and year stay linear).
fn studies(r: &mut Reader, root: Node, out: &mut Document) {
    let Some(list) = r.path(root, "STUDIES_AND_REFERENCES/STUDIES") else {
        return;
    };
    let mut taken: HashSet<String> = HashSet::new();
    let mut next_number: HashMap<String, usize> = HashMap::new();
    for tag in [
        "INCLUDED_STUDIES",
        "EXCLUDED_STUDIES",
        "AWAITING_STUDIES",
        "ONGOING_STUDIES",
    ] {
        let Some(group) = r.child(list, tag) else {
            continue;
        };
        for s in r.children(group, "STUDY") {
            let revman_id = r.attr_text(s, "ID");
            let year = r.attr_text(s, "YEAR");
            let mut id = r
                .attr(s, "NAME")
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map_or_else(
                    || unescape_id(revman_id.trim_start_matches("STD-")),
                    String::from,
                );
            if taken.contains(&id) {
                let base = format!("{id} {year}").trim().to_string();
                id.clone_from(&base);
                let n = next_number.entry(base.clone()).or_insert(2);
                while taken.contains(&id) {
                    id = format!("{base} ({n})");
                    *n += 1;
                }
            }
            taken.insert(id.clone());
            let study = Study {
                revman_id,
                id,
                year,
                attributes: r.attrs_except(s, &["MODIFIED", "MODIFIED_BY"]),
                characteristics: Default::default(),
                references: r
                    .children(s, "REFERENCE")
                    .into_iter()
                    .map(|n| reference(r, n))
                    .collect(),
                identifiers: identifiers(r, s),
            };
            let target = match tag {
                "INCLUDED_STUDIES" => &mut out.studies.included,
                "EXCLUDED_STUDIES" => &mut out.studies.excluded,
                "AWAITING_STUDIES" => &mut out.studies.awaiting,
                _ => &mut out.studies.ongoing,
            };
            target.push(study);
        }
    }
}

fn references(r: &mut Reader, root: Node, out: &mut Document) {
    let Some(other) = r.path(root, "STUDIES_AND_REFERENCES/OTHER_REFERENCES") else {
        return;
    };
    for (tag, which) in [
        ("ADDITIONAL_REFERENCES", 0),
        ("OTHER_VERSIONS_REFERENCES", 1),
        ("PENDING_REFERENCES", 2),
    ] {
        let Some(group) = r.child(other, tag) else {
            continue;
        };
        let list: Vec<Reference> = r
            .children(group, "REFERENCE")
            .into_iter()
            .map(|n| reference(r, n))
            .collect();
        match which {
            0 => out.references.additional = list,
            1 => out.references.other_versions = list,
            _ => out.references.pending = list,
        }
    }
}

fn characteristics(r: &mut Reader, root: Node, out: &mut Document) {
    let Some(all) = r.child(root, "CHARACTERISTICS_OF_STUDIES") else {
        return;
    };
    for (table_tag, row_tag) in [
        ("CHARACTERISTICS_OF_INCLUDED_STUDIES", "INCLUDED_CHAR"),
        ("CHARACTERISTICS_OF_EXCLUDED_STUDIES", "EXCLUDED_CHAR"),
        ("CHARACTERISTICS_OF_AWAITING_STUDIES", "AWAITING_CHAR"),
        ("CHARACTERISTICS_OF_ONGOING_STUDIES", "ONGOING_CHAR"),
    ] {
        let Some(table) = r.child(all, table_tag) else {
            continue;
        };
        let studies = match row_tag {
            "INCLUDED_CHAR" => &mut out.studies.included,
            "EXCLUDED_CHAR" => &mut out.studies.excluded,
            "AWAITING_CHAR" => &mut out.studies.awaiting,
            _ => &mut out.studies.ongoing,
        };
        let index: HashMap<String, usize> = studies
            .iter()
            .enumerate()
            .map(|(i, s)| (s.revman_id.clone(), i))
            .collect();
        for row in r.children(table, row_tag) {
            let study_id = r.attr_text(row, "STUDY_ID");
            let Some(&at) = index.get(&study_id) else {
                out.problems.push(format!(
                    "Characteristics for study `{}`, which is not among the studies of its table, were not imported.",
                    unescape_id(&study_id)
                ));
                continue;
            };
            for c in xml::elements(row).collect::<Vec<_>>() {
                let text = r.markdown(c);
                if !text.is_empty() {
                    studies[at]
                        .characteristics
                        .insert(xml::name(c).to_string(), text);
                }
            }
        }
        if let Some(notes) = r.child(table, "FOOTNOTES") {
            let text = r.markdown(notes);
            if !text.is_empty() {
                out.problems.push(format!(
                    "The footnotes of the table of {} were not imported: {text}",
                    table_tag.to_lowercase().replace('_', " ")
                ));
            }
        }
    }
}

/// The RoB 1 domains a Review Manager quality item covers, by its name: combined blinding
/// covers both blinding domains, as does RevMan 5.0's "Blinding?".
pub(crate) fn domains_of(name: &str) -> Vec<&'static str> {
    let n = name.to_lowercase();
    if n.contains("sequence generation") {
        vec!["sequence_generation"]
    } else if n.contains("allocation concealment") {
        vec!["allocation_concealment"]
    } else if n.contains("blinding") {
        let performance = n.contains("performance") || n.contains("participants");
        let detection = n.contains("detection") || n.contains("outcome assess");
        match (performance, detection) {
            (true, false) => vec!["blinding_participants"],
            (false, true) => vec!["blinding_outcome"],
            _ => vec!["blinding_participants", "blinding_outcome"],
        }
    } else if n.contains("incomplete outcome") {
        vec!["incomplete_data"]
    } else if n.contains("selective") {
        vec!["selective_reporting"]
    } else if n.contains("other bias") || n.contains("other sources of bias") {
        vec!["other_bias"]
    } else {
        Vec::new()
    }
}

fn risk_of_bias(r: &mut Reader, root: Node, out: &mut Document) {
    let Some(items) = r.child(root, "QUALITY_ITEMS") else {
        return;
    };
    let names: HashMap<String, String> = out
        .studies
        .included
        .iter()
        .map(|s| (s.revman_id.clone(), s.id.clone()))
        .collect();
    for item in r.children(items, "QUALITY_ITEM") {
        let name = r.child_plain(item, "NAME");
        let mut q = QualityItem {
            id: r.attr_text(item, "ID"),
            number: r.attr_text(item, "NO"),
            domains: domains_of(&name),
            name,
            description: r.child_markdown(item, "DESCRIPTION"),
            level: r.attr_text(item, "LEVEL"),
            core: r.attr(item, "CORE_ITEM") == Some("YES"),
            ..QualityItem::default()
        };
        for g in r.children(item, "QUALITY_ITEM_DATA_ENTRY_GROUP") {
            q.groups.push(QualityGroup {
                id: r.attr_text(g, "ID"),
                number: r.attr_text(g, "NO"),
                name: r.child_plain(g, "NAME"),
            });
        }
        if let Some(data) = r.child(item, "QUALITY_ITEM_DATA") {
            for e in r.children(data, "QUALITY_ITEM_DATA_ENTRY") {
                let study_id = r.attr_text(e, "STUDY_ID");
                let Some(study) = names.get(&study_id) else {
                    out.problems.push(format!(
                        "Risk-of-bias item \"{}\": a judgement for study `{}`, which is not among the included studies, was not imported.",
                        q.name,
                        unescape_id(&study_id)
                    ));
                    continue;
                };
                let group_id = r.attr_text(e, "GROUP_ID");
                let group = q
                    .groups
                    .iter()
                    .find(|g| g.id == group_id)
                    .map_or(group_id.clone(), |g| g.name.clone());
                q.entries.push(QualityEntry {
                    study: study.clone(),
                    group,
                    judgement: match r.attr(e, "RESULT").map(str::trim) {
                        Some("YES") => "low",
                        Some("NO") => "high",
                        _ => "unclear",
                    },
                    support: r.child_markdown(e, "DESCRIPTION"),
                });
            }
        }
        out.risk_of_bias.push(q);
    }
}

fn table_entry(r: &mut Reader, node: Node) -> TableEntry {
    let mut t = TableEntry {
        id: r.attr_text(node, "ID"),
        number: r.attr_text(node, "NO"),
        title: r.child_plain(node, "TITLE"),
        footnotes: r.child_markdown(node, "FOOTNOTES"),
        ..TableEntry::default()
    };
    if let Some(table) = r.child(node, "TABLE") {
        t.rows = r.table_cells(table);
    }
    t
}

fn tables(r: &mut Reader, root: Node, out: &mut Document) {
    if let Some(sof) = r.child(root, "SOF_TABLES") {
        for node in r.children(sof, "SOF_TABLE") {
            let mut t = table_entry(r, node);
            t.findings = super::sof::findings(&t);
            out.summary_of_findings.push(t);
        }
    }
    if let Some(additional) = r.child(root, "ADDITIONAL_TABLES") {
        for node in r.children(additional, "ADDITIONAL_TABLE") {
            out.additional_tables.push(table_entry(r, node));
        }
    }
}

fn figures(r: &mut Reader, root: Node, out: &mut Document) {
    let Some(figures) = r.child(root, "FIGURES") else {
        return;
    };
    for f in r.children(figures, "FIGURE") {
        out.figures.push(Figure {
            id: r.attr_text(f, "ID"),
            number: r.attr_text(f, "NO"),
            kind: r.attr_text(f, "TYPE"),
            file_name: r.attr_text(f, "FILENAME"),
            caption: r.child_markdown(f, "CAPTION"),
            image_base64: r
                .child(f, "FILE")
                .map(|n| {
                    r.mark(n);
                    n.text().unwrap_or("").split_whitespace().collect()
                })
                .unwrap_or_default(),
        });
        r.attr(f, "FILE_TYPE");
    }
}

fn extensions(r: &mut Reader, root: Node, out: &mut Document) {
    let Some(all) = r.child(root, "EXTENSIONS") else {
        return;
    };
    for e in r.children(all, "EXTENSION") {
        let kind = format!("{} {}", r.attr_text(e, "NAME"), r.attr_text(e, "TYPE"))
            .trim()
            .to_string();
        let mut boxes = Vec::new();
        for d in e.descendants().skip(1).filter(roxmltree::Node::is_element) {
            r.mark(d);
            if let Some(text) = r.attr(d, "TEXT").map(str::trim).filter(|t| !t.is_empty()) {
                boxes.push(text.to_string());
            }
        }
        let flow = flow::flow(e);
        out.extensions.push(Extension { kind, boxes, flow });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescapes_revman_ids() {
        assert_eq!(unescape_id("ISIS_x002d_2"), "ISIS-2");
        assert_eq!(unescape_id("A_x0020_B_x002e_"), "A B.");
        assert_eq!(unescape_id("plain_xyz"), "plain_xyz");
    }

    #[test]
    fn maps_quality_items_to_the_domains_they_cover() {
        assert_eq!(
            domains_of("Random sequence generation (selection bias)"),
            ["sequence_generation"]
        );
        assert_eq!(
            domains_of("Blinding (performance bias and detection bias)"),
            ["blinding_participants", "blinding_outcome"]
        );
        assert_eq!(
            domains_of("Blinding?"),
            ["blinding_participants", "blinding_outcome"]
        );
        assert_eq!(
            domains_of("Blinding of participants and personnel (performance bias)"),
            ["blinding_participants"]
        );
        assert_eq!(
            domains_of("Blinding of outcome assessment (detection bias)"),
            ["blinding_outcome"]
        );
        assert_eq!(domains_of("Free of other bias?"), ["other_bias"]);
        assert!(domains_of("Funding").is_empty());
    }

    const REVIEW: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<COCHRANE_REVIEW TYPE="INTERVENTION">
<COVER_SHEET><TITLE>T</TITLE></COVER_SHEET>
<STUDIES_AND_REFERENCES><STUDIES><INCLUDED_STUDIES>
<STUDY ID="STD-A" NAME="A 2001" YEAR="2001"/>
</INCLUDED_STUDIES></STUDIES></STUDIES_AND_REFERENCES>
<QUALITY_ITEMS>
<QUALITY_ITEM ID="QIT-03" LEVEL="GROUP" NO="3"><NAME>Blinding (performance bias and detection bias)</NAME>
<QUALITY_ITEM_DATA_ENTRY_GROUP ID="QIG-03.01" NO="1"><NAME>Mortality</NAME></QUALITY_ITEM_DATA_ENTRY_GROUP>
<QUALITY_ITEM_DATA_ENTRY_GROUP ID="QIG-03.02" NO="2"><NAME>All outcomes</NAME></QUALITY_ITEM_DATA_ENTRY_GROUP>
<QUALITY_ITEM_DATA>
<QUALITY_ITEM_DATA_ENTRY GROUP_ID="QIG-03.01" RESULT="NO" STUDY_ID="STD-A"><DESCRIPTION><P>Open label.</P></DESCRIPTION></QUALITY_ITEM_DATA_ENTRY>
<QUALITY_ITEM_DATA_ENTRY GROUP_ID="QIG-03.02" RESULT="YES" STUDY_ID="STD-A"><DESCRIPTION><P>Double blind.</P></DESCRIPTION></QUALITY_ITEM_DATA_ENTRY>
</QUALITY_ITEM_DATA></QUALITY_ITEM>
</QUALITY_ITEMS>
<ANALYSES_AND_DATA><COMPARISON ID="CMP-001" NO="1"><NAME>A vs B</NAME>
<DICH_OUTCOME ID="CMP-001.01" NO="1" EFFECT_MEASURE="RR" METHOD="MH"><NAME>
<INS>Acceptability (withdr</INS>
<INS>awal)</INS>
<DEL>deleted</DEL>
</NAME><DICH_DATA EVENTS_1="1" TOTAL_1="10" EVENTS_2="2" TOTAL_2="10" STUDY_ID="STD-A"/></DICH_OUTCOME>
</COMPARISON></ANALYSES_AND_DATA>
</COCHRANE_REVIEW>"#;

    // Review Manager's combined blinding judgement covers both blinding domains (it reached
    // only the performance domain before); the judgement for all outcomes is the one kept.
    #[test]
    fn combined_blinding_reaches_both_domains() {
        let doc = read(REVIEW.as_bytes(), "t.rm5").unwrap();
        let studies = &crate::import::review_files(&doc)["studies.yaml"];
        for domain in ["blinding_participants", "blinding_outcome"] {
            let at = studies.find(&format!("{domain}:")).unwrap();
            assert!(
                studies[at..].starts_with(&format!(
                    "{domain}:\n        judgement: low\n        support: \"Double blind.\""
                )),
                "{studies}"
            );
        }
        let report = &crate::import::review_files(&doc)["IMPORT-REPORT.md"];
        assert!(report.contains("(Mortality) was not imported"), "{report}");
    }

    #[test]
    fn accepts_tracked_changes() {
        let doc = read(REVIEW.as_bytes(), "t.rm5").unwrap();
        assert_eq!(
            doc.comparisons[0].outcomes[0].name,
            "Acceptability (withdrawal)"
        );
        assert_eq!(doc.tracked_deletions, vec!["deleted".to_string()]);
    }

    #[test]
    fn takes_the_data_only_note_out_of_a_title() {
        let (title, note) = split_data_only_note(
            "Bisphosphonates in multiple myeloma [Data only. When citing this record quote \"CDSR 2017, Issue 12\".]",
        );
        assert_eq!(title, "Bisphosphonates in multiple myeloma");
        assert_eq!(
            note.as_deref(),
            Some("Data only. When citing this record quote \"CDSR 2017, Issue 12\".")
        );
        assert_eq!(split_data_only_note("Plain").1, None);
    }
}
