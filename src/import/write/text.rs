//! review.yaml of an imported review: the cover sheet, the protocol outcomes and comparisons,
//! and the whole text, each Review Manager section under the field of the format's that holds
//! it, with its subsections where every one of them has a place (else the section whole, its
//! subsections as headings). "Analysis 1.16" in the text links to analysis 1.16.

use super::super::document::{Event, Section, Support, TableEntry};
use super::{Analyses, Writer, prose, q, section_markdown, section_path};

/// A section written whole or by its subsections.
enum Text {
    Whole(String),
    Parts(Vec<(&'static str, String)>),
}

/// Review Manager's subsections of each section, with the key the format gives each.
const BACKGROUND: &[(&str, &str)] = &[
    ("CONDITION", "condition"),
    ("INTERVENTION", "intervention"),
    ("THEORY", "how_it_works"),
    ("IMPORTANCE", "why_important"),
];
const CRITERIA: &[(&str, &str)] = &[
    ("CRIT_STUDIES", "studies"),
    ("CRIT_PARTICIPANTS", "participants"),
    ("CRIT_INTERVENTIONS", "interventions"),
    ("CRIT_OUTCOMES", "outcomes"),
];
const SEARCH: &[(&str, &str)] = &[
    ("ELECTRONIC_SEARCHES", "electronic"),
    ("OTHER_SEARCHES", "other"),
];
const DATA_COLLECTION: &[(&str, &str)] = &[
    ("STUDY_SELECTION", "selection"),
    ("DATA_EXTRACTION", "extraction"),
    ("QUALITY_ASSESSMENT", "risk_of_bias"),
    ("EFFECT_MEASURES", "effect_measures"),
    ("UNIT_OF_ANALYSIS", "unit_of_analysis"),
    ("MISSING_DATA", "missing_data"),
    ("HETEROGENEITY_ASSESSMENT", "heterogeneity"),
    ("BIAS_ASSESSMENT", "reporting_bias"),
    ("DATA_SYNTHESIS", "synthesis"),
    ("SUBGROUP_ANALYSIS", "subgroups"),
    ("SENSITIVITY_ANALYSIS", "sensitivity"),
    ("SUMMARY_OF_FINDINGS", "certainty"),
];
const STUDY_DESCRIPTION: &[(&str, &str)] = &[
    ("SEARCH_RESULTS", "search"),
    ("INCLUDED_STUDIES_DESCR", "included"),
    ("EXCLUDED_STUDIES_DESCR", "excluded"),
];
const RISK_OF_BIAS: &[(&str, &str)] = &[
    ("ALLOCATION", "allocation"),
    ("BLINDING", "blinding"),
    ("EXCLUSIONS", "incomplete_data"),
    ("SELECTIVE_REPORTING", "selective_reporting"),
    ("OTHER_BIAS_SOURCES", "other"),
];
const DISCUSSION: &[(&str, &str)] = &[
    ("SUMMARY_OF_RESULTS", "summary"),
    ("APPLICABILITY_OF_FINDINGS", "completeness"),
    ("QUALITY_OF_EVIDENCE", "certainty"),
    ("POTENTIAL_BIASES", "biases"),
    ("AGREEMENT", "agreements"),
];
const ABSTRACT: &[(&str, &str)] = &[
    ("ABS_BACKGROUND", "background"),
    ("ABS_OBJECTIVES", "objectives"),
    ("ABS_SEARCH_STRATEGY", "search_methods"),
    ("ABS_SELECTION_CRITERIA", "selection_criteria"),
    ("ABS_DATA_COLLECTION", "data_collection"),
    ("ABS_RESULTS", "main_results"),
    ("ABS_CONCLUSIONS", "conclusions"),
];

/// Whether a section has text of its own (outside its subsections).
fn has_own_text(section: &Section) -> bool {
    section.blocks.iter().any(|b| match b {
        super::Block::Text(t) => !t.trim().is_empty(),
        super::Block::Section(_) => false,
    })
}

/// The key of each non-empty subsection when every one has a place in `known`; None when the
/// section has text of its own or a subsection without a place.
fn parts_of<'s>(
    section: &'s Section,
    known: &[(&str, &'static str)],
) -> Option<Vec<(&'static str, &'s Section)>> {
    if has_own_text(section) || section.heading.is_some() {
        return None;
    }
    let mut parts = Vec::new();
    for s in section.sections().filter(|s| !s.is_empty()) {
        let (_, key) = known.iter().find(|(tag, _)| *tag == s.tag)?;
        if parts.iter().any(|(k, _)| k == key) {
            return None;
        }
        parts.push((*key, s));
    }
    Some(parts)
}

/// Appends `field: <text>` at `indent` spaces, the text linked and quoted.
fn field(out: &mut String, indent: usize, name: &str, text: &str) {
    out.push_str(&format!("{}{name}: {}\n", " ".repeat(indent), prose(text)));
}

impl Writer<'_> {
    /// `text` with its in-text links carried over: links to studies and references as
    /// citations ([`Library::cite`](crate::import::references::Library::cite)), and "Analysis
    /// 1.16" (Review Manager's links to analyses) linked to the analysis's section in the
    /// built review. Every prose the writer takes from the document passes here.
    pub(super) fn linked(&self, text: &str) -> String {
        let mut out = self.library.cite(text);
        let mut done: Vec<&str> = Vec::new();
        for c in self.doc.citations.iter().filter(|c| c.kind == "ANALYSIS") {
            let Some(anchor) = self.analysis_anchors.get(&c.target) else {
                continue;
            };
            let label = super::super::rm5::escape(c.text.trim());
            if label.is_empty() || done.contains(&c.text.as_str()) {
                continue;
            }
            done.push(&c.text);
            out = link_label(&out, &label, &format!("#{anchor}"));
        }
        out
    }

    /// Claims the prose at `path` (the document's `markdown` there) as written, or as mapped
    /// where citations made of its links change its text, which then no longer reads as in
    /// the document.
    fn claim_prose(&mut self, path: &str, markdown: &str) {
        if self.library.cite(markdown) == markdown {
            self.ledger.claim_all(path);
        } else {
            self.ledger.claim_mapped(path);
        }
    }

    /// A main-text section written whole (its subsections as headings from `level`) or by
    /// its subsections (`known`, their own subsections as headings from `part_level`);
    /// claimed. None when it is absent or empty.
    fn sectioned(
        &mut self,
        path: &str,
        known: &[(&str, &'static str)],
        level: usize,
        part_level: usize,
    ) -> Option<Text> {
        let section = self.doc.main_text.get(path)?;
        if section.is_empty() {
            return None;
        }
        let whole = section_markdown(section, level);
        self.claim_prose(&section_path("main_text", path), &whole);
        let text = match parts_of(section, known) {
            Some(parts) => Text::Parts(
                parts
                    .into_iter()
                    .map(|(key, s)| (key, self.linked(&section_markdown(s, part_level))))
                    .filter(|(_, t)| !t.trim().is_empty())
                    .collect(),
            ),
            None => Text::Whole(self.linked(&whole)),
        };
        match &text {
            Text::Whole(t) if t.trim().is_empty() => None,
            Text::Parts(p) if p.is_empty() => None,
            _ => Some(text),
        }
    }

    /// Writes a sectioned text as `name:` at `indent`.
    fn write_sectioned(out: &mut String, indent: usize, name: &str, text: &Text) {
        match text {
            Text::Whole(t) => field(out, indent, name, t),
            Text::Parts(parts) => {
                out.push_str(&format!("{}{name}:\n", " ".repeat(indent)));
                for (key, t) in parts {
                    field(out, indent + 2, key, t);
                }
            }
        }
    }

    /// A main-text section whole, linked and claimed.
    fn whole(&mut self, path: &str, level: usize) -> Option<String> {
        self.sectioned(path, &[], level, level).map(|t| match t {
            Text::Whole(t) => t,
            Text::Parts(parts) => parts.into_iter().map(|(_, t)| t).collect(),
        })
    }

    /// review.yaml.
    pub(super) fn review(&mut self, analyses: &Analyses) -> String {
        let doc = self.doc;
        self.claim(&[
            "review",
            "review.title",
            "review.authors[]",
            "review.authors[].name",
        ]);
        let mut out = format!(
            "# Imported from Review Manager by `revmark import`; see IMPORT-REPORT.md.\ntitle: {}\n",
            q(if doc.review.title.is_empty() {
                "Imported review"
            } else {
                &doc.review.title
            })
        );
        let authors: Vec<&str> = doc
            .review
            .authors
            .iter()
            .map(|a| a.name.as_str())
            .filter(|n| !n.is_empty())
            .collect();
        if !authors.is_empty() {
            out.push_str("authors:\n");
            for a in authors {
                out.push_str(&format!("  - {}\n", q(a)));
            }
        }
        if let Some(text) = self.whole("SUMMARY", 3) {
            field(&mut out, 0, "plain_language_summary", &text);
        }
        if let Some(text) = self.sectioned("BODY/BACKGROUND", BACKGROUND, 3, 4) {
            Self::write_sectioned(&mut out, 0, "background", &text);
        }
        if let Some(text) = self.whole("BODY/OBJECTIVES", 3) {
            field(&mut out, 0, "objectives", &text);
        }
        let date = doc
            .review
            .dates
            .get("last_search")
            .filter(|d| d.len() == 10);
        // The study flow diagram, when its boxes state counts, is revmark's PRISMA flow.
        let flow = doc.extensions.iter().find_map(|e| e.flow.as_ref());
        if date.is_some() || flow.is_some() {
            out.push_str("search:\n");
        }
        if let Some(date) = date {
            self.ledger.claim("review.dates.last_search");
            out.push_str(&format!("  date: {}\n", q(date)));
        }
        if let Some(flow) = flow {
            self.ledger.claim_mapped("extensions[]");
            write_flow(&mut out, flow);
        }
        out.push_str("outcomes:");
        if analyses.outcomes.is_empty() {
            out.push_str(" []\n");
        } else {
            out.push('\n');
            for o in &analyses.outcomes {
                out.push_str(&format!("  - id: {}\n    name: {}\n", o.id, q(&o.name)));
                if o.primary {
                    out.push_str("    priority: primary\n");
                }
            }
        }
        if !analyses.comparisons.is_empty() {
            out.push_str("comparisons:\n");
            for (id, name, experimental, control) in &analyses.comparisons {
                out.push_str(&format!(
                    "  - id: {id}\n    name: {}\n    experimental: {}\n    control: {}\n",
                    q(&crate::english::decapitalise(name)),
                    q(&crate::english::decapitalise(experimental)),
                    q(&crate::english::decapitalise(control))
                ));
            }
        }
        self.methods(&mut out);
        self.results(&mut out);
        if let Some(text) = self.sectioned("BODY/DISCUSSION", DISCUSSION, 3, 4) {
            Self::write_sectioned(&mut out, 0, "discussion", &text);
        }
        let practice = self.whole("BODY/CONCLUSIONS/IMPLICATIONS_PRACTICE", 4);
        let research = self.whole("BODY/CONCLUSIONS/IMPLICATIONS_RESEARCH", 4);
        if practice.is_some() || research.is_some() {
            out.push_str("conclusions:\n");
            for (name, text) in [("practice", practice), ("research", research)] {
                if let Some(t) = text {
                    field(&mut out, 2, name, &t);
                }
            }
        }
        self.end_matter(&mut out);
        if let Some(text) = self.sectioned("ABSTRACT", ABSTRACT, 3, 3) {
            match text {
                Text::Parts(parts) => {
                    out.push_str("authors_abstract:\n");
                    for (key, t) in parts {
                        field(&mut out, 2, key, &t);
                    }
                }
                // An abstract with text of its own or other parts: the whole as its main
                // results, so that nothing of it is lost.
                Text::Whole(t) => {
                    out.push_str("authors_abstract:\n");
                    field(&mut out, 2, "main_results", &t);
                }
            }
        }
        out
    }

    fn methods(&mut self, out: &mut String) {
        let Some(section) = self.doc.main_text.get("BODY/METHODS") else {
            return;
        };
        if section.is_empty() {
            return;
        }
        let known = [
            ("SELECTION_CRITERIA", "criteria"),
            ("SEARCH_METHODS", "search"),
            ("DATA_COLLECTION", "data_collection"),
        ];
        if parts_of(section, &known).is_none() {
            if let Some(t) = self.whole("BODY/METHODS", 3) {
                field(out, 0, "methods", &t);
            }
            return;
        }
        let mut parts = Vec::new();
        for (tag, key, known) in [
            ("SELECTION_CRITERIA", "criteria", CRITERIA),
            ("SEARCH_METHODS", "search", SEARCH),
            ("DATA_COLLECTION", "data_collection", DATA_COLLECTION),
        ] {
            if let Some(t) = self.sectioned(&format!("BODY/METHODS/{tag}"), known, 4, 5) {
                parts.push((key, t));
            }
        }
        if !parts.is_empty() {
            let whole = section_markdown(section, 3);
            self.claim_prose("main_text.BODY.METHODS", &whole);
            out.push_str("methods:\n");
            for (key, t) in parts {
                Self::write_sectioned(out, 2, key, &t);
            }
        }
    }

    fn results(&mut self, out: &mut String) {
        let Some(section) = self.doc.main_text.get("BODY/RESULTS") else {
            return;
        };
        if section.is_empty() {
            return;
        }
        let known = [
            ("STUDY_DESCRIPTION", "description"),
            ("STUDY_QUALITY", "risk_of_bias"),
            ("INTERVENTION_EFFECTS", "effects"),
        ];
        let description_fits = section
            .sections()
            .find(|s| s.tag == "STUDY_DESCRIPTION")
            .is_none_or(|d| d.is_empty() || parts_of(d, STUDY_DESCRIPTION).is_some());
        if parts_of(section, &known).is_none() || !description_fits {
            if let Some(t) = self.whole("BODY/RESULTS", 3) {
                field(out, 0, "results", &t);
            }
            return;
        }
        let mut parts: Vec<(&str, Text)> = Vec::new();
        if let Some(Text::Parts(description)) =
            self.sectioned("BODY/RESULTS/STUDY_DESCRIPTION", STUDY_DESCRIPTION, 4, 5)
        {
            for (key, t) in description {
                parts.push((key, Text::Whole(t)));
            }
        }
        if let Some(t) = self.sectioned("BODY/RESULTS/STUDY_QUALITY", RISK_OF_BIAS, 4, 5) {
            parts.push(("risk_of_bias", t));
        }
        if let Some(t) = self.whole("BODY/RESULTS/INTERVENTION_EFFECTS", 4) {
            parts.push(("effects", Text::Whole(t)));
        }
        if !parts.is_empty() {
            let whole = self
                .doc
                .main_text
                .get("BODY/RESULTS")
                .map(|s| section_markdown(s, 3))
                .unwrap_or_default();
            self.claim_prose("main_text.BODY.RESULTS", &whole);
            out.push_str("results:\n");
            for (key, t) in parts {
                Self::write_sectioned(out, 2, key, &t);
            }
        }
    }

    /// Acknowledgements to feedback, and the additional tables.
    fn end_matter(&mut self, out: &mut String) {
        let doc = self.doc;
        for (path, name) in [
            ("ACKNOWLEDGEMENTS", "acknowledgements"),
            ("CONTRIBUTIONS", "contributions"),
            ("CONFLICT_OF_INTEREST", "declarations_of_interest"),
        ] {
            if let Some(t) = self.whole(path, 3) {
                field(out, 0, name, &t);
            }
        }
        let support = |list: &[Support]| -> Vec<String> {
            list.iter()
                .map(|s| {
                    let who = [s.name.as_str(), s.country.as_str()]
                        .into_iter()
                        .filter(|p| !p.is_empty())
                        .collect::<Vec<_>>()
                        .join(", ");
                    let what = s
                        .description
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ");
                    match (who.is_empty(), what.is_empty()) {
                        (false, false) => format!("{}: {what}", super::super::rm5::escape(&who)),
                        (false, true) => super::super::rm5::escape(&who),
                        _ => what,
                    }
                })
                .filter(|t| !t.is_empty())
                .collect()
        };
        let internal = support(&doc.review.internal_support);
        let external = support(&doc.review.external_support);
        if !internal.is_empty() || !external.is_empty() {
            self.ledger.claim_all("review.internal_support[]");
            self.ledger.claim_all("review.external_support[]");
            out.push_str("sources_of_support:\n");
            for (name, list) in [("internal", internal), ("external", external)] {
                if !list.is_empty() {
                    out.push_str(&format!("  {name}:\n"));
                    for t in list {
                        out.push_str(&format!("    - {}\n", prose(&t)));
                    }
                }
            }
        }
        if let Some(t) = self.whole("PRO_REV_DIFF", 3) {
            field(out, 0, "differences_from_protocol", &t);
        }
        self.titled(out, "appendices", "body");
        self.tables(out);
        for (name, list) in [
            ("history", &doc.review.history),
            ("whats_new", &doc.review.whats_new),
        ] {
            self.dated(out, name, list);
        }
        self.titled(out, "feedback", "text");
    }

    /// Appendices or feedback: each entry's TITLE as its title, the rest as its text.
    fn titled(&mut self, out: &mut String, name: &str, text_field: &str) {
        let doc = self.doc;
        let sections = if name == "appendices" {
            &doc.appendices
        } else {
            &doc.feedback
        };
        let mut entries = Vec::new();
        let mut cited = false;
        for (i, entry) in sections.0.iter().enumerate() {
            if entry.is_empty() {
                continue;
            }
            let title = entry
                .sections()
                .find(|s| s.tag == "TITLE")
                .map(|t| super::super::rm5::unescape(&section_markdown(t, 4)))
                .filter(|t| !t.trim().is_empty())
                .or_else(|| entry.heading.clone())
                .unwrap_or_else(|| {
                    let what = if name == "appendices" {
                        "Appendix"
                    } else {
                        "Feedback"
                    };
                    format!("{what} {}", i + 1)
                });
            let body = Section {
                tag: entry.tag.clone(),
                heading: None,
                blocks: entry
                    .blocks
                    .iter()
                    .filter(|b| !matches!(b, super::Block::Section(s) if s.tag == "TITLE"))
                    .cloned()
                    .collect(),
            };
            let markdown = section_markdown(&body, 4);
            cited |= self.library.cite(&markdown) != markdown;
            entries.push((title, self.linked(&markdown)));
        }
        if entries.is_empty() {
            return;
        }
        if cited {
            self.ledger.claim_mapped(name);
        } else {
            self.ledger.claim_all(name);
        }
        out.push_str(&format!("{name}:\n"));
        for (title, text) in entries {
            let text = if text.trim().is_empty() {
                "(no text)".to_string()
            } else {
                text
            };
            out.push_str(&format!(
                "  - title: {}\n    {text_field}: {}\n",
                q(title.trim()),
                prose(&text)
            ));
        }
    }

    /// History or What's new.
    fn dated(&mut self, out: &mut String, name: &str, list: &[Event]) {
        let entries: Vec<&Event> = list
            .iter()
            .filter(|e| !e.description.trim().is_empty() && crate_date(&e.date))
            .collect();
        if entries.is_empty() {
            return;
        }
        if entries.len() == list.len() {
            self.ledger.claim(&format!("review.{name}[]"));
        } else {
            self.notes.push(format!(
                "{} of {} entries of {name} have no text or a date that is not YYYY-MM-DD, YYYY-MM or YYYY, and were not written.",
                list.len() - entries.len(),
                list.len()
            ));
        }
        if entries.len() == list.len() {
            self.ledger.claim(&format!("review.{name}[].date"));
            self.ledger.claim(&format!("review.{name}[].description"));
        }
        out.push_str(&format!("{name}:\n"));
        for e in entries {
            out.push_str(&format!(
                "  - date: {}\n    text: {}\n",
                q(&e.date),
                prose(&self.linked(&e.description))
            ));
        }
    }

    /// Additional tables and the Summary of findings tables kept as the authors'.
    fn tables(&mut self, out: &mut String) {
        let doc = self.doc;
        let kept: Vec<&TableEntry> = self
            .kept_tables
            .iter()
            .map(|&i| &doc.summary_of_findings[i])
            .collect();
        let tables: Vec<(&TableEntry, bool)> = kept
            .into_iter()
            .map(|t| (t, true))
            .chain(doc.additional_tables.iter().map(|t| (t, false)))
            .collect();
        if tables.is_empty() {
            return;
        }
        if !doc.additional_tables.is_empty() {
            // Written as Markdown tables: spans as empty cells, Review Manager's numbers as the
            // tables' positions, the cells' alignment not kept.
            self.ledger.claim_mapped("additional_tables[]");
        }
        out.push_str("additional_tables:\n");
        for (t, sof) in tables {
            let title = if t.title.trim().is_empty() {
                format!("Table {}", t.number)
            } else {
                t.title.clone()
            };
            out.push_str(&format!("  - title: {}\n", q(&title)));
            if sof {
                out.push_str("    kind: summary_of_findings\n");
            }
            out.push_str(&format!("    body: {}\n", prose(&pipe_table(t))));
            if !t.footnotes.trim().is_empty() {
                out.push_str(&format!(
                    "    footnotes: {}\n",
                    prose(&self.linked(&t.footnotes))
                ));
            }
        }
    }
}

/// review.yaml's `search.flow`: the counts given, in PRISMA's order.
fn write_flow(out: &mut String, flow: &crate::model::Flow) {
    out.push_str("  flow:\n");
    let counts = [
        ("identified", flow.identified),
        ("duplicates_removed", flow.duplicates_removed),
        ("screened", flow.screened),
        ("excluded_screening", flow.excluded_screening),
        ("full_text", flow.full_text),
    ];
    for (name, count) in counts {
        if let Some(n) = count {
            out.push_str(&format!("    {name}: {n}\n"));
        }
    }
    if !flow.excluded_full_text.is_empty() {
        out.push_str("    excluded_full_text:\n");
        for (reason, n) in &flow.excluded_full_text {
            out.push_str(&format!("      {}: {n}\n", q(reason)));
        }
    }
    if let Some(n) = flow.included {
        out.push_str(&format!("    included: {n}\n"));
    }
}

/// Whether a date is one the format takes (YYYY-MM-DD, YYYY-MM or YYYY).
fn crate_date(date: &str) -> bool {
    crate::load::is_partial_date(date)
}

/// A table's cells as a Markdown pipe table; spanned cells become empty cells after the one
/// that spans, and cells that are their own paragraphs are joined on one line.
fn pipe_table(table: &TableEntry) -> String {
    let width = table
        .rows
        .iter()
        .map(|r| r.iter().map(|c| c.colspan).sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let line = |cells: &[super::super::document::Cell]| {
        let mut out: Vec<String> = Vec::new();
        for c in cells {
            out.push(
                c.text
                    .replace("\\\n", " ")
                    .replace("\n\n", " ")
                    .replace('\n', " ")
                    .replace('|', "\\|")
                    .replace("\\\\|", "\\|"),
            );
            out.extend(std::iter::repeat_n(
                String::new(),
                c.colspan.saturating_sub(1),
            ));
        }
        out.resize(width, String::new());
        format!("| {} |", out.join(" | "))
    };
    let mut lines = Vec::new();
    for (i, r) in table.rows.iter().enumerate() {
        lines.push(line(r));
        if i == 0 {
            lines.push(format!("|{}", "---|".repeat(width)));
        }
    }
    lines.join("\n")
}

/// `text` with each whole occurrence of `label` ("Analysis 1.1", not the start of "Analysis
/// 1.16") outside a link made a link to `target`.
fn link_label(text: &str, label: &str, target: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(label) {
        let after = &rest[at + label.len()..];
        let continues = after.starts_with(|c: char| c.is_ascii_digit())
            || (after.starts_with('.') && after[1..].starts_with(|c: char| c.is_ascii_digit()));
        let inside_link = rest[..at].ends_with('[') || after.starts_with("](");
        out.push_str(&rest[..at]);
        if continues || inside_link {
            out.push_str(label);
        } else {
            out.push_str(&format!("[{label}]({target})"));
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::link_label;

    #[test]
    fn links_whole_labels_only() {
        assert_eq!(
            link_label("See Analysis 1.1 and Analysis 1.16.", "Analysis 1.1", "#a"),
            "See [Analysis 1.1](#a) and Analysis 1.16."
        );
        assert_eq!(
            link_label("[Analysis 1.1](#a)", "Analysis 1.1", "#b"),
            "[Analysis 1.1](#a)"
        );
    }
}
