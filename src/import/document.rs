//! The typed document every importer fills: all that a Review Manager 5 file holds (a CSV
//! export or a RevMan Web data package fills the parts it has), before anything is fitted to
//! revmark's review format.
//!
//! The document derives `Serialize` so that `inventory` can list every part it holds without
//! a hand-kept list: a part the writer does not carry over is named in IMPORT-REPORT.md with
//! its count. Values equal to what revmark's format assumes anyway (95% intervals, overall
//! totals, events not swapped) are left out of the serialisation, so they are not reported.
//! Text is Markdown, converted from Review Manager's rich text when it is read.

use std::collections::BTreeMap;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::model::DataType;
use crate::stats::Row;

/// Everything read from one source file.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Document {
    /// Where the data came from and how it was read.
    #[serde(skip)]
    pub source: String,
    /// The review's title, authors, dates and other cover-sheet parts.
    pub review: ReviewInfo,
    /// The main text, by Review Manager's section names (MAIN_TEXT's children).
    pub main_text: Sections,
    /// Included, excluded, awaiting and ongoing studies with their references and
    /// characteristics.
    pub studies: Studies,
    /// References that belong to no study.
    pub references: OtherReferences,
    /// Risk-of-bias items (Review Manager's quality items) with every judgement.
    pub risk_of_bias: Vec<QualityItem>,
    /// Summary of findings tables as the authors wrote them.
    pub summary_of_findings: Vec<TableEntry>,
    /// Additional tables.
    pub additional_tables: Vec<TableEntry>,
    /// Figures with their captions (the image itself as base64, as stored).
    pub figures: Vec<Figure>,
    /// The analyses.
    pub comparisons: Vec<Comparison>,
    /// Feedback sections.
    pub feedback: Sections,
    /// Appendices.
    pub appendices: Sections,
    /// Review Manager extensions (the PRISMA flow chart boxes).
    pub extensions: Vec<Extension>,
    /// In-text citation links: their text is part of the text they are in.
    pub citations: Vec<Citation>,
    /// Review Manager's template guidance text (`[Summary text]`, MARKER elements): left
    /// out of the text.
    pub placeholders: Vec<String>,
    /// The authors' notes to themselves in their text ("[These need to be changed]"): left
    /// out of the text, so that the review does not print them, and listed in the report.
    pub author_notes: Vec<String>,
    /// Text deleted under tracked changes: the changes are accepted, so it is left out.
    pub tracked_deletions: Vec<String>,
    /// Rows and settings that could not be read as given, one line each, with where they are.
    #[serde(skip)]
    pub problems: Vec<String>,
    /// Parts of the source the reader does not understand: element or attribute path and
    /// count.
    #[serde(skip)]
    pub unread: Vec<(String, usize)>,
}

/// The cover sheet: title, people, dates, what's new and support.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReviewInfo {
    /// The title, without a data-only note.
    pub title: String,
    /// "[Data only. When citing this record quote ...]", taken out of the title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_only_note: Option<String>,
    /// Review Manager's bookkeeping on the review (ID, DOI, GROUP_ID, STAGE, STATUS, TYPE,
    /// VERSION_NO, ...), as written.
    pub revman: BTreeMap<String, String>,
    /// The contact person.
    pub contact: Vec<Person>,
    /// The authors, in order.
    pub authors: Vec<Person>,
    /// Dates (YYYY-MM-DD where complete) and issues.
    pub dates: BTreeMap<String, String>,
    /// What's new entries.
    pub whats_new: Vec<Event>,
    /// History entries.
    pub history: Vec<Event>,
    /// Internal sources of support.
    pub internal_support: Vec<Support>,
    /// External sources of support.
    pub external_support: Vec<Support>,
    /// MeSH terms and keywords, as text.
    pub mesh_terms: Vec<String>,
    /// Keywords.
    pub keywords: Vec<String>,
}

/// A person on the cover sheet; fields by Review Manager's names (FIRST_NAME, EMAIL_1,
/// ADDRESS/CITY, ...).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Person {
    /// First name, middle initials and last name joined.
    pub name: String,
    /// Every other field, by Review Manager's name.
    pub details: BTreeMap<String, String>,
}

/// A What's new or History entry.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Event {
    /// The event kind (NEW_CITATION_MAJOR, ...).
    pub kind: String,
    /// The date (YYYY-MM-DD where complete).
    pub date: String,
    /// What happened.
    pub description: String,
}

/// A source of support.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Support {
    /// Its name.
    pub name: String,
    /// Its country.
    pub country: String,
    /// What it supported.
    pub description: String,
}

/// A section of text: its own paragraphs and its subsections, in order.
#[derive(Debug, Clone, Default)]
pub struct Section {
    /// Review Manager's element name (BACKGROUND, CONDITION, SUBSECTION, ...).
    pub tag: String,
    /// A SUBSECTION's own heading.
    pub heading: Option<String>,
    /// The content in order.
    pub blocks: Vec<Block>,
}

/// A part of a section.
#[derive(Debug, Clone)]
pub enum Block {
    /// Markdown paragraphs.
    Text(String),
    /// A subsection.
    Section(Section),
}

/// Sections by their element names.
#[derive(Debug, Clone, Default)]
pub struct Sections(pub Vec<Section>);

impl Sections {
    /// The section at a path of element names ("BODY/BACKGROUND").
    pub fn get(&self, path: &str) -> Option<&Section> {
        let mut parts = path.split('/');
        let first = parts.next()?;
        let mut at = self.0.iter().find(|s| s.tag == first)?;
        for part in parts {
            at = at.sections().find(|s| s.tag == part)?;
        }
        Some(at)
    }
}

impl Section {
    /// The direct subsections.
    pub fn sections(&self) -> impl Iterator<Item = &Section> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Section(s) => Some(s),
            Block::Text(_) => None,
        })
    }

    /// True when neither the section nor a subsection holds text.
    pub fn is_empty(&self) -> bool {
        self.heading.is_none()
            && self.blocks.iter().all(|b| match b {
                Block::Text(t) => t.trim().is_empty(),
                Block::Section(s) => s.is_empty(),
            })
    }
}

/// Serialised as a map: `heading`, `text` (its paragraphs, in order) and one entry per child
/// element name (a list where the name repeats), so that inventory paths read like Review
/// Manager's (`main_text.BODY.BACKGROUND.CONDITION.text`).
impl Serialize for Section {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(h) = &self.heading {
            map.serialize_entry("heading", h)?;
        }
        let texts: Vec<&str> = self
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Text(t) => Some(t.as_str()),
                Block::Section(_) => None,
            })
            .collect();
        if !texts.is_empty() {
            map.serialize_entry("text", &texts.join("\n\n"))?;
        }
        serialize_children(self.sections(), &mut map)?;
        map.end()
    }
}

impl Serialize for Sections {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        serialize_children(self.0.iter(), &mut map)?;
        map.end()
    }
}

fn serialize_children<'a, M: SerializeMap>(
    sections: impl Iterator<Item = &'a Section>,
    map: &mut M,
) -> Result<(), M::Error> {
    let mut by_tag: Vec<(&str, Vec<&Section>)> = Vec::new();
    for s in sections {
        match by_tag.iter_mut().find(|(t, _)| *t == s.tag) {
            Some((_, list)) => list.push(s),
            None => by_tag.push((&s.tag, vec![s])),
        }
    }
    for (tag, list) in by_tag {
        if list.len() == 1 {
            map.serialize_entry(tag, list[0])?;
        } else {
            map.serialize_entry(tag, &list)?;
        }
    }
    Ok(())
}

/// The studies by status.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Studies {
    /// Included studies.
    pub included: Vec<Study>,
    /// Excluded studies (the reason is a characteristic).
    pub excluded: Vec<Study>,
    /// Studies awaiting classification.
    pub awaiting: Vec<Study>,
    /// Ongoing studies.
    pub ongoing: Vec<Study>,
}

/// A study.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Study {
    /// Review Manager's id (`STD-Feltner-2003`), as the analyses name it.
    #[serde(skip)]
    pub revman_id: String,
    /// The study id in the imported review: the study's name, made unique.
    pub id: String,
    /// The year.
    pub year: String,
    /// Review Manager's other study attributes (DATA_SOURCE, ...).
    pub attributes: BTreeMap<String, String>,
    /// Characteristics by Review Manager's names (CHAR_METHODS, CHAR_PARTICIPANTS,
    /// CHAR_REASON_FOR_EXCLUSION, ...), as Markdown.
    pub characteristics: BTreeMap<String, String>,
    /// The study's references.
    pub references: Vec<Reference>,
    /// Identifiers of the study (trial registrations).
    pub identifiers: Vec<Identifier>,
}

/// A bibliographic reference.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Reference {
    /// Review Manager's id (references outside studies only).
    pub id: String,
    /// Its short name ("APA 2000").
    pub name: String,
    /// Its type (JOURNAL_ARTICLE, BOOK, ...).
    pub kind: String,
    /// The study's primary reference.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub primary: bool,
    /// Fields by Review Manager's tags: AU authors, TI title, SO source, YR year, VL volume,
    /// NO issue, PG pages, ED edition, EN editors, PB publisher, CY city, ...
    pub fields: BTreeMap<String, String>,
    /// A data-only note taken out of the title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_only_note: Option<String>,
    /// Identifiers (DOI, PubMed, ...).
    pub identifiers: Vec<Identifier>,
}

/// An identifier: its type and value.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Identifier {
    /// DOI, MEDLINE, CENTRAL, ...
    pub kind: String,
    /// The value.
    pub value: String,
}

/// References outside studies.
#[derive(Debug, Clone, Default, Serialize)]
pub struct OtherReferences {
    /// Additional references (cited in the text).
    pub additional: Vec<Reference>,
    /// Other published versions of the review.
    pub other_versions: Vec<Reference>,
    /// Pending references.
    pub pending: Vec<Reference>,
}

/// A risk-of-bias item with its judgements.
#[derive(Debug, Clone, Default, Serialize)]
pub struct QualityItem {
    /// Review Manager's id.
    pub id: String,
    /// Its number.
    pub number: String,
    /// Its name ("Blinding (performance bias and detection bias)").
    pub name: String,
    /// What it assesses.
    pub description: String,
    /// STUDY or GROUP (judged per outcome group).
    pub level: String,
    /// A core item.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub core: bool,
    /// The RoB 1 domains it covers (combined blinding covers two); empty when it matches none.
    #[serde(skip)]
    pub domains: Vec<&'static str>,
    /// The outcome groups of a group-level item.
    pub groups: Vec<QualityGroup>,
    /// The judgements.
    pub entries: Vec<QualityEntry>,
}

/// An outcome group of a group-level risk-of-bias item.
#[derive(Debug, Clone, Default, Serialize)]
pub struct QualityGroup {
    /// Review Manager's id.
    pub id: String,
    /// Its number.
    pub number: String,
    /// Its name ("All outcomes").
    pub name: String,
}

/// One judgement.
#[derive(Debug, Clone, Default, Serialize)]
pub struct QualityEntry {
    /// The study id in the imported review.
    pub study: String,
    /// The outcome group, for group-level items.
    pub group: String,
    /// low, high or unclear.
    pub judgement: &'static str,
    /// The support for the judgement.
    pub support: String,
}

/// A Summary of findings table or an additional table.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TableEntry {
    /// Review Manager's id.
    pub id: String,
    /// Its number.
    pub number: String,
    /// Its title.
    pub title: String,
    /// The cells, row by row.
    pub rows: Vec<Vec<Cell>>,
    /// Its footnotes.
    pub footnotes: String,
    /// For a Summary of findings table: the rows that name an outcome, read from the cells.
    /// Derived from `rows`, so not inventoried twice.
    #[serde(skip)]
    pub findings: Vec<Finding>,
}

/// A table cell.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Cell {
    /// Its text.
    pub text: String,
    /// A header cell.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub header: bool,
    /// Columns spanned (1 when absent).
    #[serde(skip_serializing_if = "is_one")]
    pub colspan: usize,
    /// Rows spanned (1 when absent).
    #[serde(skip_serializing_if = "is_one")]
    pub rowspan: usize,
    /// Layout: ALIGN, VALIGN, WIDTH as written.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub layout: BTreeMap<String, String>,
}

fn is_one(n: &usize) -> bool {
    *n == 1
}

/// A Summary of findings row that names an outcome.
#[derive(Debug, Clone, Default)]
pub struct Finding {
    /// The outcome as the table names it.
    pub outcome: String,
    /// The relative effect cell ("RR 1.9 (1.2 to 3.01)").
    pub relative_effect: String,
    /// The participants (studies) cell.
    pub participants: String,
    /// The GRADE level: high, moderate, low or very low.
    pub certainty: String,
    /// Footnote markers after the certainty.
    pub markers: String,
    /// The comments cell.
    pub comments: String,
    /// The assumed (comparator) risk: the first "N per 1000" after the row.
    pub assumed_risk: Option<f64>,
}

/// A figure.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Figure {
    /// Review Manager's id.
    pub id: String,
    /// Its number.
    pub number: String,
    /// FOREST_PLOT, QUALITY_GRAPH_PLOT, ...
    pub kind: String,
    /// The file name.
    pub file_name: String,
    /// Its caption.
    pub caption: String,
    /// The image as stored (base64).
    pub image_base64: String,
}

/// A Review Manager extension (the flow chart): its kind and the text of its boxes.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Extension {
    /// Its name and type ("FIGURE FLOWCHART").
    pub kind: String,
    /// Each box's text as Review Manager wrote it (HTML paragraphs), in document order.
    pub boxes: Vec<String>,
    /// The PRISMA counts a flow chart's boxes state.
    #[serde(skip)]
    pub flow: Option<crate::model::Flow>,
}

/// An in-text citation link.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Citation {
    /// STUDY, REFERENCE, ANALYSIS, FIGURE, TABLE, SECTION, URL, ...
    pub kind: String,
    /// What it points to (a Review Manager id, a section name or an address).
    pub target: String,
    /// Its text.
    pub text: String,
}

/// A comparison.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Comparison {
    /// Review Manager's id.
    pub id: String,
    /// Its number as Review Manager shows it; left out when it is the comparison's position.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Its name.
    pub name: String,
    /// Its analyses, in order.
    pub outcomes: Vec<Outcome>,
}

/// What Review Manager does with totals (TOTALS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Totals {
    /// YES: subgroups and the overall total.
    #[default]
    #[serde(rename = "overall")]
    Overall,
    /// SUB: subtotals only.
    #[serde(rename = "subtotals")]
    Subtotals,
    /// NO: rows only.
    #[serde(rename = "none")]
    None,
}

impl Outcome {
    /// The graph labels that differ from what revmark draws: "Favours" and the group label
    /// (or Review Manager's defaults).
    pub fn own_graph_labels(&self) -> Vec<&str> {
        let drawn = |label: &str, group: &str, default: &str| {
            label.is_empty()
                || label.eq_ignore_ascii_case(default)
                || label.eq_ignore_ascii_case(&format!("Favours {group}"))
        };
        [
            (
                &self.graph_label_1,
                &self.group_label_1,
                "Favours experimental",
            ),
            (&self.graph_label_2, &self.group_label_2, "Favours control"),
        ]
        .into_iter()
        .filter(|(label, group, default)| !drawn(label, group, default))
        .map(|(label, _, _)| label.as_str())
        .collect()
    }
}

impl Totals {
    fn is_overall(&self) -> bool {
        *self == Totals::Overall
    }
}

/// An analysis (Review Manager's outcome) with every setting it stores.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// Review Manager's id (CMP-001.16).
    pub id: String,
    /// Its number within the comparison; left out when it is the outcome's position.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Its name.
    pub name: String,
    /// Dichotomous, continuous or generic inverse variance; `None` for kinds revmark cannot
    /// analyse (O-E, individual patient data, ...).
    #[serde(skip)]
    pub data_type: Option<DataType>,
    /// Review Manager's element or data type name (DICH_OUTCOME, IV_OUTCOME, O_E_OUTCOME, ...).
    pub kind: String,
    /// The effect measure as Review Manager names it (RR, OR, "Hazard Ratio", ...).
    pub effect_measure: String,
    /// The statistical method (MH, IV, PETO).
    pub method: String,
    /// Random effects.
    pub random: bool,
    /// Generic data entered as natural logs (LOG_DATA).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub log_data: bool,
    /// TOTALS.
    #[serde(skip_serializing_if = "Totals::is_overall")]
    pub totals: Totals,
    /// SUBGROUP_TEST = NO: no test for subgroup differences shown.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub no_subgroup_test: bool,
    /// SWAP_EVENTS = YES.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub swap_events: bool,
    /// Study and total confidence levels other than 95.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub confidence: BTreeMap<String, String>,
    /// Display settings: SORT_BY, SCALE, UNITS, SHOW_PARTICIPANTS, SUBGROUPS.
    pub display: BTreeMap<String, String>,
    /// Experimental group label.
    pub group_label_1: String,
    /// Control group label.
    pub group_label_2: String,
    /// The forest plot's left graph label ("Favours experimental").
    pub graph_label_1: String,
    /// The forest plot's right graph label ("Favours control").
    pub graph_label_2: String,
    /// What Review Manager computed and stored.
    pub stored: Stored,
    /// Whether `groups` are subgroups (else one unnamed group).
    pub has_subgroups: bool,
    /// The rows: one unnamed group, or the subgroups.
    pub groups: Vec<Group>,
    /// Footnotes on the analysis.
    pub footnotes: Vec<String>,
}

/// A subgroup (or the one unnamed group of an analysis without subgroups).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Group {
    /// Review Manager's id.
    pub id: String,
    /// Its number; left out when it is the subgroup's position.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Its name; `None` for the unnamed group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What Review Manager computed and stored for the subgroup.
    pub stored: Stored,
    /// The rows.
    pub rows: Vec<DataRow>,
}

/// One study's data in an analysis.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DataRow {
    /// The study id in the imported review (Review Manager's id when the study is not
    /// among the included studies).
    pub study: String,
    /// Whether `study` is an included study.
    #[serde(skip)]
    pub known_study: bool,
    /// The data as written (EVENTS_1, TOTAL_1, MEAN_1, SD_1, ESTIMATE, SE, ...), trimmed.
    pub entered: BTreeMap<String, String>,
    /// The data as numbers, when every value is valid; else `problem` says why not.
    #[serde(skip)]
    pub values: Option<Row>,
    /// Participants of a generic row (TOTAL_1, TOTAL_2), when given.
    #[serde(skip)]
    pub generic_totals: Option<(u64, u64)>,
    /// Why the row cannot be analysed.
    #[serde(skip)]
    pub problem: Option<String>,
    /// What Review Manager computed and stored for the row.
    pub stored: Stored,
    /// The row's footnote.
    pub footnote: String,
}

/// Review Manager's computed results, by its attribute names (EFFECT_SIZE, CI_START, CI_END,
/// SE, WEIGHT, CHI2, DF, I2, TAU2, Z, P_Z, STUDIES, TOTAL_1, ...). Read, never written:
/// `revmark build` recomputes them, and the round-trip check compares.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stored(pub BTreeMap<String, f64>);

impl Stored {
    /// A stored value.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.0.get(name).copied()
    }
}
