//! References: citations in the authors' prose linked to their entries, and the References
//! section in Cochrane's order, each entry formatted by hayagriva's CSL processor in the one
//! style revmark embeds (cochrane.csl, adapted from the CSL project's Vancouver style,
//! CC BY-SA 3.0). Everything printed from a reference file is escaped here for Markdown.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use hayagriva::citationberg::IndependentStyle;
use hayagriva::{
    BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, ElemChild, ElemChildren,
};

use super::escape;
use super::markdown::slug;
use super::view::{ReferenceEntry, ReferenceSection, ReferencesView, ReportView};
use crate::citation;
use crate::model::{CitationIndex, Cited, Record, Reference, Review, StudyGroup};

/// The citation style, parsed once.
fn style() -> &'static IndependentStyle {
    static STYLE: OnceLock<IndependentStyle> = OnceLock::new();
    STYLE.get_or_init(|| {
        IndependentStyle::from_xml(include_str!("cochrane.csl"))
            .expect("the built-in citation style is valid CSL (a test parses it)")
    })
}

/// What a citation prints and where it links: "Smith 2004" and `ref-smith-2004`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    label: String,
    anchor: String,
    /// Whether References has an entry to link to: a study without reports has none.
    listed: bool,
}

/// The review's citable names: each study by its id, each reference of no study by its label
/// ("Family Year", with a, b, ... where two share one); each with its anchor in References.
pub struct Citations<'a> {
    review: &'a Review,
    /// Built on first use: a review without citations or references (most large ones) never
    /// pays for labelling its studies.
    built: std::cell::OnceCell<Labels<'a>>,
}

/// Every citable name with its label and anchor.
struct Labels<'a> {
    index: CitationIndex<'a>,
    studies: HashMap<(StudyGroup, &'a str), Target>,
    references: HashMap<&'a str, Target>,
}

impl<'a> Citations<'a> {
    /// The citable names of a review.
    pub fn new(review: &'a Review) -> Citations<'a> {
        Citations {
            review,
            built: std::cell::OnceCell::new(),
        }
    }

    fn labels(&self) -> &Labels<'a> {
        self.built.get_or_init(|| Labels::new(self.review))
    }
}

impl<'a> Labels<'a> {
    /// The labels and anchors of a review's studies and references.
    fn new(review: &'a Review) -> Labels<'a> {
        let mut anchors = HashSet::new();
        let mut anchor = |label: &str| {
            let base = format!("ref-{}", slug(label));
            let mut id = base.clone();
            let mut n = 2;
            while !anchors.insert(id.clone()) {
                id = format!("{base}-{n}");
                n += 1;
            }
            id
        };
        let mut studies = HashMap::new();
        for (group, id, reports) in review.studies.with_reports() {
            let label = id.value.clone();
            studies
                .entry((group, id.value.as_str()))
                .or_insert_with(|| Target {
                    anchor: anchor(&label),
                    label,
                    listed: !reports.is_empty() && !review.references.is_empty(),
                });
        }
        let owned: HashSet<&str> = review
            .studies
            .with_reports()
            .into_iter()
            .flat_map(|(_, _, reports)| reports.keys.iter().map(|k| k.value.as_str()))
            .collect();
        // Labels shared by several references get a, b, ... in the order of the reference
        // list, which is alphabetical: Cochrane's "Baldwin 2011a", "Baldwin 2011b".
        let unowned: Vec<&Reference> = sorted(
            review
                .references
                .entries
                .iter()
                .filter(|r| !owned.contains(r.key.as_str()))
                .collect(),
        );
        let mut count: HashMap<String, usize> = HashMap::new();
        for r in &unowned {
            *count.entry(r.base_label()).or_default() += 1;
        }
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut references = HashMap::new();
        for r in unowned {
            let base = r.base_label();
            let label = if count[&base] > 1 && r.label.is_none() {
                let n = seen.entry(base.clone()).or_default();
                *n += 1;
                format!("{base}{}", (b'a' + ((*n - 1) % 26) as u8) as char)
            } else {
                base
            };
            references.insert(
                r.key.as_str(),
                Target {
                    anchor: anchor(&label),
                    label,
                    listed: true,
                },
            );
        }
        Labels {
            index: CitationIndex::new(review),
            studies,
            references,
        }
    }

    fn target(&self, key: &str) -> Option<(&Target, Option<&'a str>)> {
        match self.index.resolve(key)? {
            Cited::Study(group, id) => self.studies.get(&(group, id)).map(|t| (t, None)),
            Cited::Reference(r) => self
                .references
                .get(r.key.as_str())
                .map(|t| (t, Some(r.key.as_str()))),
        }
    }
}

impl Citations<'_> {
    /// The authors' Markdown with every citation linked to its entry: `[@a; @b]` becomes
    /// "([A](#ref-a); [B](#ref-b))", `@a` and `@{a}` become "[A](#ref-a)" (a study without
    /// reports, which References does not list, is its name alone). Citations of keys that name
    /// nothing stay as written (`load` reported them). The keys of references of no
    /// study that were cited are added to `cited`.
    pub fn link(&self, markdown: &str, cited: &mut HashSet<String>) -> String {
        let found = citation::scan(markdown);
        if found.is_empty() {
            return markdown.to_string();
        }
        let labels = self.labels();
        let mut out = String::with_capacity(markdown.len() + 32 * found.len());
        let mut from = 0;
        for c in found {
            let targets: Option<Vec<(&Target, Option<&str>)>> =
                c.keys.iter().map(|k| labels.target(&k.key)).collect();
            let Some(targets) = targets else {
                continue;
            };
            out.push_str(&markdown[from..c.range.start]);
            from = c.range.end;
            let mut links: Vec<String> = Vec::new();
            let mut last: Option<&str> = None;
            for (target, reference) in targets {
                if let Some(key) = reference {
                    cited.insert(key.to_string());
                }
                // Two reports of one study cited together read as one study.
                if last == Some(target.anchor.as_str()) {
                    continue;
                }
                last = Some(target.anchor.as_str());
                let label = escape::markdown(&target.label);
                // A study without reports has no entry in References: its name is text.
                links.push(if target.listed {
                    format!("[{label}](#{})", target.anchor)
                } else {
                    label
                });
            }
            if c.narrative {
                out.push_str(&links.join("; "));
            } else {
                out.push('(');
                out.push_str(&links.join("; "));
                out.push(')');
            }
        }
        out.push_str(&markdown[from..]);
        out
    }
}

/// The Markdown with every link to a reference entry (`[Smith 2004](#ref-smith-2004)`) left
/// as its text: for abstract.md, a file on its own, which has no References to link to.
pub fn unlinked(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, Tag};
    if !markdown.contains("](#ref-") {
        return markdown.to_string();
    }
    let mut out = String::with_capacity(markdown.len());
    let mut from = 0;
    for (event, range) in Parser::new(markdown).into_offset_iter() {
        if let Event::Start(Tag::Link { dest_url, .. }) = &event
            && dest_url.starts_with("#ref-")
            && range.start >= from
        {
            let link = &markdown[range.clone()];
            let Some(text_end) = link.rfind("](#ref-") else {
                continue;
            };
            out.push_str(&markdown[from..range.start]);
            out.push_str(&link[1..text_end]);
            from = range.end;
        }
    }
    out.push_str(&markdown[from..]);
    out
}

/// References sorted as Cochrane lists additional references: by label, then key.
fn sorted(mut list: Vec<&Reference>) -> Vec<&Reference> {
    list.sort_by_cached_key(|r| (r.base_label().to_lowercase(), r.key.clone()));
    list
}

/// The References section: the studies' reports by list (included, excluded, awaiting
/// classification, ongoing), each study with its primary report first; then the additional
/// references, those of no study that the prose cites, alphabetically. A study without
/// reports is left out, and so is a list without studies.
pub fn references_view(
    review: &Review,
    citations: &Citations,
    cited: &HashSet<String>,
) -> ReferencesView {
    if review.references.is_empty() {
        return ReferencesView::default();
    }
    let citations = citations.labels();
    let additional: Vec<&Reference> = sorted(
        review
            .references
            .entries
            .iter()
            .filter(|r| cited.contains(&r.key) && citations.references.contains_key(r.key.as_str()))
            .collect(),
    );
    let mut wanted: Vec<&Reference> = additional.clone();
    for (_, _, reports) in review.studies.with_reports() {
        wanted.extend(
            reports
                .keys
                .iter()
                .filter_map(|k| review.references.get(&k.value)),
        );
    }
    let text = formatted(&wanted);
    let report = |key: &str, primary: bool| ReportView {
        text: text.get(key).cloned().unwrap_or_default(),
        primary,
    };
    let mut sections: Vec<ReferenceSection> = Vec::new();
    let mut primary_marked = false;
    for group in [
        StudyGroup::Included,
        StudyGroup::Excluded,
        StudyGroup::Awaiting,
        StudyGroup::Ongoing,
    ] {
        let mut entries = Vec::new();
        for (g, id, reports) in review.studies.with_reports() {
            if g != group || reports.is_empty() {
                continue;
            }
            let Some(target) = citations.studies.get(&(g, id.value.as_str())) else {
                continue;
            };
            let ordered = reports.ordered();
            // Cochrane marks the major publication of a study with several reports.
            let several = ordered.len() > 1;
            primary_marked |= several;
            entries.push(entry(
                target,
                ordered
                    .iter()
                    .enumerate()
                    .map(|(i, key)| report(key, several && i == 0))
                    .collect(),
            ));
        }
        if !entries.is_empty() {
            sections.push(ReferenceSection {
                title: group_title(group).to_string(),
                entries,
            });
        }
    }
    let entries: Vec<ReferenceEntry> = additional
        .iter()
        .filter_map(|r| {
            let target = citations.references.get(r.key.as_str())?;
            Some(entry(target, vec![report(&r.key, false)]))
        })
        .collect();
    if !entries.is_empty() {
        sections.push(ReferenceSection {
            title: "Additional references".into(),
            entries,
        });
    }
    ReferencesView {
        sections,
        primary_marked,
    }
}

fn entry(target: &Target, reports: Vec<ReportView>) -> ReferenceEntry {
    ReferenceEntry {
        label: target.label.clone(),
        anchor: target.anchor.clone(),
        // `{ #id }` rather than `{#id}`: the latter opens a comment for a template engine
        // (Jinja, Tera) that a site generator may run over review.md.
        heading_id: format!("{{ #{} }}", target.anchor),
        reports,
    }
}

/// Cochrane's heading for the references to a list of studies.
fn group_title(group: StudyGroup) -> &'static str {
    match group {
        StudyGroup::Included => "References to studies included in this review",
        StudyGroup::Excluded => "References to studies excluded from this review",
        StudyGroup::Awaiting => "References to studies awaiting assessment",
        StudyGroup::Ongoing => "References to ongoing studies",
    }
}

/// Each reference formatted in the style, as Markdown, by key.
fn formatted(references: &[&Reference]) -> BTreeMap<String, String> {
    let style = style();
    let mut bib = BibliographyDriver::new();
    let mut csl = BibliographyDriver::new();
    for r in references {
        match &r.record {
            Record::Bib(entry) => bib.citation(CitationRequest::from_items(
                vec![CitationItem::with_entry(entry.as_ref())],
                style,
                &[],
            )),
            Record::Csl(item) => csl.citation(CitationRequest::from_items(
                vec![CitationItem::with_entry(item.as_ref())],
                style,
                &[],
            )),
        }
    }
    let request = || BibliographyRequest::new(style, None, &[]);
    let mut out = BTreeMap::new();
    for rendered in [bib.finish(request()), csl.finish(request())] {
        for item in rendered.bibliography.into_iter().flat_map(|b| b.items) {
            out.insert(item.key, to_markdown(&item.content));
        }
    }
    out
}

/// A run of text and how it is set.
struct Run {
    text: String,
    italic: bool,
    bold: bool,
}

/// The formatted entry as Markdown: its text escaped, italic and bold kept.
fn to_markdown(children: &ElemChildren) -> String {
    let mut runs: Vec<Run> = Vec::new();
    collect(children, &mut runs);
    let mut out = String::new();
    for run in runs {
        let marker = match (run.italic, run.bold) {
            (true, true) => "***",
            (true, false) => "*",
            (false, true) => "**",
            (false, false) => "",
        };
        // Emphasis hugs its text: spaces at its ends are written outside the markers.
        let trimmed = run.text.trim();
        if marker.is_empty() || trimmed.is_empty() {
            out.push_str(&escape::markdown(&run.text));
            continue;
        }
        let lead = &run.text[..run.text.len() - run.text.trim_start().len()];
        let tail = &run.text[run.text.trim_end().len()..];
        out.push_str(lead);
        out.push_str(marker);
        out.push_str(&escape::markdown(trimmed));
        out.push_str(marker);
        out.push_str(tail);
    }
    out.trim().to_string()
}

/// The text runs of a formatted entry, neighbours set alike joined.
fn collect(children: &ElemChildren, runs: &mut Vec<Run>) {
    use hayagriva::citationberg::{FontStyle, FontWeight};
    for child in &children.0 {
        let (text, formatting) = match child {
            ElemChild::Text(t) => (t.text.as_str(), Some(t.formatting)),
            ElemChild::Link { text, .. } => (text.text.as_str(), Some(text.formatting)),
            ElemChild::Markup(m) => (m.as_str(), None),
            ElemChild::Elem(e) => {
                collect(&e.children, runs);
                continue;
            }
            ElemChild::Transparent { .. } => continue,
        };
        // A full stop after a value that ends a sentence of its own ("Why?", "et al.") is
        // left out, as a CSL processor in a word processor would.
        let text = match text.strip_prefix('.') {
            Some(rest)
                if runs
                    .last()
                    .is_some_and(|r| r.text.ends_with(['.', '?', '!'])) =>
            {
                rest
            }
            _ => text,
        };
        let italic = formatting.is_some_and(|f| f.font_style == FontStyle::Italic);
        let bold = formatting.is_some_and(|f| f.font_weight == FontWeight::Bold);
        match runs.last_mut() {
            Some(last) if last.italic == italic && last.bold == bold => last.text.push_str(text),
            _ => runs.push(Run {
                text: text.to_string(),
                italic,
                bold,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_style_parses() {
        let _ = style();
    }

    #[test]
    fn citation_links_become_text() {
        let md = "As ([Smith & \\<Jones\\> 2004](#ref-smith-jones-2004); [Abe 2016](#ref-abe-2016)) and [a site](https://example.org) said.";
        assert_eq!(
            unlinked(md),
            "As (Smith & \\<Jones\\> 2004; Abe 2016) and [a site](https://example.org) said."
        );
    }
}
