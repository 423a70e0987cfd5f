//! An imported document as revmark files: review.yaml, studies.yaml, analyses.yaml, one CSV
//! per analysis or subgroup, and IMPORT-REPORT.md. Every path of the document that is written
//! is claimed in the ledger, so that the report can name what was not. Every string is written
//! double-quoted with YAML escapes, and prose that looks like template syntax is kept literal,
//! so no text from the source can change the meaning of the files.
//!
//! Every analysis and subgroup is written, empty ones included, in the source's order, so that
//! "Analysis 1.16" in the authors' text is analysis 1.16 of the imported review.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

mod arms;
mod outcomes;
mod text;

use super::document::{Block, DataRow, Document, Outcome, Section, Study, Totals};
use super::inventory::{self, Entry, Ledger};
use super::measure_of;
use super::references::Library;
use crate::model::{DataType, MethodKey};
use crate::stats::Row;

/// The files of an imported review and what of the document they hold.
#[derive(Debug, Clone, Default)]
pub struct Written {
    /// Relative path to text, IMPORT-REPORT.md included.
    pub files: BTreeMap<String, String>,
    /// The document paths written.
    pub ledger: Ledger,
    /// What was left out or changed in writing, one line each (the document's own problems
    /// come first in the report).
    pub notes: Vec<String>,
}

/// A YAML double-quoted scalar.
fn q(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Prose is rendered as a template: text that holds template syntax is kept literal.
fn prose(s: &str) -> String {
    if s.contains("{{") || s.contains("{%") || s.contains("{#") {
        q(&format!(
            "{{% raw %}}{}{{% endraw %}}",
            s.replace("{% endraw %}", "{ % endraw % }")
        ))
    } else {
        q(s)
    }
}

/// A slug from a title: lower-case letters and digits joined by `-`.
fn slug(s: &str, fallback: &str) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 48 {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        fallback.to_string()
    } else {
        out
    }
}

/// Slugs already given, and for each base the next number to try (a set and a counter, so
/// that many equal titles stay linear).
#[derive(Default)]
struct Taken {
    ids: HashSet<String>,
    next: BTreeMap<String, usize>,
}

/// A slug not yet in `taken`, which it joins.
fn unique(base: String, taken: &mut Taken) -> String {
    let mut id = base.clone();
    let n = taken.next.entry(base.clone()).or_insert(2);
    while taken.ids.contains(&id) {
        id = format!("{base}-{n}");
        *n += 1;
    }
    taken.ids.insert(id.clone());
    id
}

/// Cochrane's headings for Review Manager's section names.
fn heading_of(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "CONDITION" => "Description of the condition",
        "INTERVENTION" => "Description of the intervention",
        "THEORY" => "How the intervention might work",
        "IMPORTANCE" => "Why it is important to do this review",
        "CRIT_STUDIES" => "Types of studies",
        "CRIT_PARTICIPANTS" => "Types of participants",
        "CRIT_INTERVENTIONS" => "Types of interventions",
        "CRIT_OUTCOMES" => "Types of outcome measures",
        "CRIT_OUTCOMES_PRIMARY" => "Primary outcomes",
        "CRIT_OUTCOMES_SECONDARY" => "Secondary outcomes",
        "SUMMARY_OF_RESULTS" => "Summary of main results",
        "APPLICABILITY_OF_FINDINGS" => "Overall completeness and applicability of evidence",
        "QUALITY_OF_EVIDENCE" => "Quality of the evidence",
        "POTENTIAL_BIASES" => "Potential biases in the review process",
        "AGREEMENT" => "Agreements and disagreements with other studies or reviews",
        "SELECTION_CRITERIA" => "Criteria for considering studies for this review",
        "SEARCH_METHODS" => "Search methods for identification of studies",
        "ELECTRONIC_SEARCHES" => "Electronic searches",
        "OTHER_SEARCHES" => "Searching other resources",
        "DATA_COLLECTION" => "Data collection and analysis",
        "STUDY_SELECTION" => "Selection of studies",
        "DATA_EXTRACTION" => "Data extraction and management",
        "QUALITY_ASSESSMENT" => "Assessment of risk of bias in included studies",
        "EFFECT_MEASURES" => "Measures of treatment effect",
        "UNIT_OF_ANALYSIS" => "Unit of analysis issues",
        "MISSING_DATA" => "Dealing with missing data",
        "HETEROGENEITY_ASSESSMENT" => "Assessment of heterogeneity",
        "BIAS_ASSESSMENT" => "Assessment of reporting biases",
        "DATA_SYNTHESIS" => "Data synthesis",
        "SUBGROUP_ANALYSIS" => "Subgroup analysis and investigation of heterogeneity",
        "SENSITIVITY_ANALYSIS" => "Sensitivity analysis",
        "STUDY_DESCRIPTION" => "Description of studies",
        "SEARCH_RESULTS" => "Results of the search",
        "INCLUDED_STUDIES_DESCR" => "Included studies",
        "EXCLUDED_STUDIES_DESCR" => "Excluded studies",
        "STUDY_QUALITY" => "Risk of bias in included studies",
        "ALLOCATION" => "Allocation",
        "BLINDING" => "Blinding",
        "EXCLUSIONS" => "Incomplete outcome data",
        "SELECTIVE_REPORTING" => "Selective reporting",
        "OTHER_BIAS_SOURCES" => "Other potential sources of bias",
        "INTERVENTION_EFFECTS" => "Effects of interventions",
        "IMPLICATIONS_PRACTICE" => "Implications for practice",
        "IMPLICATIONS_RESEARCH" => "Implications for research",
        "FEEDBACK_SUMMARY" => "Summary",
        "FEEDBACK_REPLY" => "Reply",
        "FEEDBACK_CONTRIBUTORS" => "Contributors",
        _ => return None,
    })
}

/// A section as Markdown: its text, and each subsection under a heading `level` deep.
fn section_markdown(section: &Section, level: usize) -> String {
    let mut parts = Vec::new();
    for block in &section.blocks {
        match block {
            Block::Text(t) => parts.push(t.clone()),
            Block::Section(s) if s.is_empty() => {}
            // A body element (APPENDIX_BODY, FEEDBACK_BODY, SUMMARY_BODY) wraps its parent's
            // text: no heading of its own.
            Block::Section(s) if s.tag.ends_with("_BODY") && s.heading.is_none() => {
                parts.push(section_markdown(s, level));
            }
            // A section's TITLE (the plain language summary's) reads as its first line.
            Block::Section(s) if s.tag == "TITLE" && s.heading.is_none() => {
                let title = section_markdown(s, level);
                if title.contains('\n') {
                    parts.push(title);
                } else {
                    parts.push(format!("**{title}**"));
                }
            }
            Block::Section(s) => {
                let title = s
                    .heading
                    .clone()
                    .or_else(|| heading_of(&s.tag).map(String::from))
                    .unwrap_or_else(|| {
                        crate::english::capitalise(&s.tag.to_lowercase().replace('_', " "))
                    });
                parts.push(format!(
                    "{} {}",
                    "#".repeat(level.min(6)),
                    super::rm5::escape(&title)
                ));
                let body = section_markdown(s, level + 1);
                if !body.is_empty() {
                    parts.push(body);
                }
            }
        }
    }
    parts.retain(|p| !p.trim().is_empty());
    parts.join("\n\n").trim().to_string()
}

/// The inventory path of a main-text section ("main_text.BODY.BACKGROUND").
fn section_path(root: &str, path: &str) -> String {
    format!("{root}.{}", path.replace('/', "."))
}

fn participants_of(row: &DataRow) -> Option<(u64, u64)> {
    match row.values? {
        Row::Dichotomous {
            e_total, c_total, ..
        } => Some((e_total, c_total)),
        Row::Continuous { e_n, c_n, .. } => Some((e_n, c_n)),
        Row::Generic { .. } => row.generic_totals,
    }
}

/// Each included study's participants: the union of its arms in the analysis that shows the
/// most of them. Within an analysis a study's rows in several subgroups are several arms
/// (a multi-arm trial, its control group split) or the same arms again (time points): arms
/// of equal size are counted once.
fn study_participants(doc: &Document) -> HashMap<&str, u64> {
    let mut best: HashMap<&str, u64> = HashMap::new();
    for o in doc.comparisons.iter().flat_map(|c| &c.outcomes) {
        let mut arms: BTreeMap<&str, (BTreeSet<u64>, BTreeSet<u64>)> = BTreeMap::new();
        for row in o.groups.iter().flat_map(|g| &g.rows) {
            if let (true, Some((e, c))) = (row.known_study, participants_of(row)) {
                let entry = arms.entry(&row.study).or_default();
                entry.0.insert(e);
                entry.1.insert(c);
            }
        }
        for (study, (e, c)) in arms {
            let n = e.iter().sum::<u64>() + c.iter().sum::<u64>();
            let slot = best.entry(study).or_insert(0);
            *slot = (*slot).max(n);
        }
    }
    best
}

/// A data CSV: the header and one line per analysable row; counts as whole numbers, other
/// values as the source wrote them.
fn data_csv(data_type: DataType, rows: &[&DataRow]) -> String {
    // Review Manager lets a multi-arm trial have several rows in one group (one per arm
    // compared); revmark asks for each such row's arm, which the file does not name: they are
    // numbered in file order.
    let mut rows_of_study: std::collections::HashMap<&str, usize> =
        std::collections::HashMap::new();
    for r in rows.iter().filter(|r| r.values.is_some()) {
        *rows_of_study.entry(r.study.as_str()).or_default() += 1;
    }
    let arms = rows_of_study.values().any(|&n| n > 1);
    let mut arm_numbers: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut header: Vec<&str> = vec!["study"];
    if arms {
        header.push("arm");
    }
    header.extend(data_type.required_columns());
    let totals = data_type == DataType::Generic && rows.iter().any(|r| r.generic_totals.is_some());
    if totals {
        header.extend(["e_total", "c_total"]);
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut records = vec![
        header
            .iter()
            .map(std::string::ToString::to_string)
            .collect::<Vec<_>>(),
    ];
    for r in rows {
        let Some(values) = r.values else { continue };
        let as_written = |key: &str, value: f64| {
            r.entered
                .get(key)
                .filter(|t| t.parse::<f64>().ok() == Some(value))
                .cloned()
                .unwrap_or_else(|| value.to_string())
        };
        let mut rec = vec![r.study.clone()];
        if arms {
            let arm = if rows_of_study[r.study.as_str()] > 1 {
                let n = arm_numbers.entry(r.study.as_str()).or_default();
                *n += 1;
                n.to_string()
            } else {
                String::new()
            };
            rec.push(arm);
        }
        match values {
            Row::Dichotomous {
                e_events,
                e_total,
                c_events,
                c_total,
            } => rec.extend([e_events, e_total, c_events, c_total].map(|v| v.to_string())),
            Row::Continuous {
                e_mean,
                e_sd,
                e_n,
                c_mean,
                c_sd,
                c_n,
            } => rec.extend([
                as_written("MEAN_1", e_mean),
                as_written("SD_1", e_sd),
                e_n.to_string(),
                as_written("MEAN_2", c_mean),
                as_written("SD_2", c_sd),
                c_n.to_string(),
            ]),
            Row::Generic { estimate, se } => {
                rec.extend([as_written("ESTIMATE", estimate), as_written("SE", se)]);
                if totals {
                    match r.generic_totals {
                        Some((e, c)) => rec.extend([e.to_string(), c.to_string()]),
                        None => rec.extend([String::new(), String::new()]),
                    }
                }
            }
        }
        records.push(rec);
    }
    for rec in records {
        // Writing to memory cannot fail; a record that could not be written is left out.
        let _ = w.write_record(&rec);
    }
    w.into_inner()
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default()
}

/// The rows that can be written: a known study, every value valid.
fn usable(rows: &[DataRow]) -> Vec<&DataRow> {
    rows.iter()
        .filter(|r| r.known_study && r.values.is_some())
        .collect()
}

/// The `totals` and `subgroup_test` lines of an analysis: Review Manager's TOTALS and
/// SUBGROUP_TEST, written where they differ from revmark's defaults (an overall total; the
/// test with an overall total, not with subtotals only). Subtotals without subgroups pool
/// nothing, in Review Manager as in revmark: written as `none`, which says so.
fn totals_lines(o: &Outcome) -> String {
    let totals = match o.totals {
        Totals::Subtotals if !o.has_subgroups => Totals::None,
        totals => totals,
    };
    let mut lines = match totals {
        Totals::Overall => String::new(),
        Totals::Subtotals => "        totals: subtotals\n".to_string(),
        Totals::None => "        totals: none\n".to_string(),
    };
    let asked = !o.no_subgroup_test;
    let default = totals == Totals::Overall;
    if o.has_subgroups && totals != Totals::None && asked != default {
        lines.push_str(&format!("        subgroup_test: {asked}\n"));
    }
    lines
}

/// The `number` line of an item numbered `number` (as Review Manager shows it), where the
/// item before it in the same place was numbered `previous`: none when revmark's default (one
/// more than the one before) gives the same number, so that only numbers with gaps are
/// written. `previous` becomes `number`.
fn number_line(indent: &str, number: usize, previous: &mut usize) -> String {
    let line = if number == *previous + 1 {
        String::new()
    } else {
        format!("{indent}number: {number}\n")
    };
    *previous = number;
    line
}

/// An item's number: Review Manager's (kept when it is not the item's position) or its
/// position. A number that is not a whole number above 0 counts as absent.
fn number_of(given: Option<&String>, position: usize) -> usize {
    given
        .and_then(|n| n.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or(position)
}

/// The part of an outcomes section that names the outcomes rather than defines them: its first
/// paragraph, its headings, and the first clause of each list item ("1. Response rate: the
/// number of ..." names "Response rate").
fn naming_text(markdown: &str) -> String {
    let mut out = Vec::new();
    for (i, paragraph) in markdown.split("\n\n").enumerate() {
        for line in paragraph.lines() {
            let line = line.trim();
            let item = line
                .strip_prefix(['-', '*'])
                .or_else(|| {
                    let digits = line.chars().take_while(char::is_ascii_digit).count();
                    (digits > 0)
                        .then(|| line[digits..].strip_prefix(['.', ')']))
                        .flatten()
                })
                .or_else(|| line.strip_prefix('#').map(|h| h.trim_start_matches('#')));
            match item {
                Some(item) => out.push(
                    item.split([':', '.', ';', '(', ','])
                        .next()
                        .unwrap_or("")
                        .trim()
                        .to_string(),
                ),
                None if i == 0 => out.push(line.to_string()),
                None => {}
            }
        }
    }
    out.join("\n")
}

/// Lower case, whitespace collapsed.
fn normalised(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

struct Writer<'d> {
    doc: &'d Document,
    /// The document's references and what its in-text links cite.
    library: Library,
    ledger: Ledger,
    notes: Vec<String>,
    /// Settings revmark does not follow yet: the note and the analyses it applies to.
    settings: BTreeMap<String, Vec<String>>,
    files: BTreeMap<String, String>,
    /// Review Manager's analysis id -> the anchor of its section in the built review.
    analysis_anchors: HashMap<String, String>,
    /// Summary of findings tables kept as the authors' tables (indexes).
    kept_tables: Vec<usize>,
}

/// The review folder's files (relative path -> text), IMPORT-REPORT.md included.
pub fn review_files(doc: &Document) -> BTreeMap<String, String> {
    write(doc).files
}

/// The review folder's files, with the ledger of what they hold.
pub fn write(doc: &Document) -> Written {
    let mut w = Writer {
        doc,
        library: Library::of(doc),
        ledger: Ledger::default(),
        notes: Vec::new(),
        settings: BTreeMap::new(),
        files: BTreeMap::new(),
        analysis_anchors: HashMap::new(),
        kept_tables: Vec::new(),
    };
    let analyses = w.analyses();
    let studies = w.studies(&analyses);
    let review = w.review(&analyses);
    w.references();
    for (what, numbers) in std::mem::take(&mut w.settings) {
        let list = if numbers.len() == 1 {
            format!("analysis {}", numbers[0])
        } else {
            format!("analyses {}", numbers.join(", "))
        };
        w.notes.push(format!("{what} ({list})."));
    }
    w.files.insert("review.yaml".into(), review);
    w.files.insert("studies.yaml".into(), studies);
    if !doc.comparisons.is_empty() {
        w.files
            .insert("analyses.yaml".into(), analyses.yaml.clone());
    }
    let report = report(doc, &w.ledger, &w.notes, &w.files);
    w.files.insert("IMPORT-REPORT.md".into(), report);
    Written {
        files: w.files,
        ledger: w.ledger,
        notes: w.notes,
    }
}

/// What writing the analyses decided, for the other files.
struct Analyses {
    yaml: String,
    /// Protocol outcomes in order.
    outcomes: Vec<outcomes::PlannedOutcome>,
    /// Comparison ids, and the first analysis's group labels.
    comparisons: Vec<(String, String, String, String)>,
    /// study -> (first comparison id, protocol outcomes with a row).
    studies: HashMap<String, (String, Vec<String>)>,
}

impl Writer<'_> {
    fn claim(&mut self, paths: &[&str]) {
        for p in paths {
            self.ledger.claim(p);
        }
    }

    fn analyses(&mut self) -> Analyses {
        let doc = self.doc;
        self.claim(&[
            "comparisons[].number",
            "comparisons[].outcomes[].number",
            "comparisons[].outcomes[].groups[].number",
        ]);
        self.claim(&[
            "comparisons[]",
            "comparisons[].name",
            "comparisons[].outcomes[]",
            "comparisons[].outcomes[].name",
            "comparisons[].outcomes[].groups[]",
            "comparisons[].outcomes[].groups[].name",
            "comparisons[].outcomes[].groups[].rows[]",
            "comparisons[].outcomes[].groups[].rows[].study",
        ]);
        // Written as analyses.yaml's type, measure label, method, model and scale, and the
        // data as whole numbers and the values as written.
        for path in [
            "comparisons[].outcomes[].kind",
            "comparisons[].outcomes[].effect_measure",
            "comparisons[].outcomes[].method",
            "comparisons[].outcomes[].random",
            "comparisons[].outcomes[].log_data",
            "comparisons[].outcomes[].has_subgroups",
            "comparisons[].outcomes[].groups[].rows[].entered",
            // As `totals` and `subgroup_test`.
            "comparisons[].outcomes[].totals",
            "comparisons[].outcomes[].no_subgroup_test",
            // Review Manager's ids name the analyses by their numbers, which are kept.
            "comparisons[].id",
            "comparisons[].outcomes[].id",
            "comparisons[].outcomes[].groups[].id",
        ] {
            self.ledger.claim_mapped(path);
        }
        // The group labels are the arms' names: a comparison's from its first analysis, an
        // analysis's own where they differ (without "Favours ", or from the comparison's name
        // where the label is generic; the report says which).
        for path in [
            "comparisons[].outcomes[].group_label_1",
            "comparisons[].outcomes[].group_label_2",
        ] {
            self.ledger.claim_mapped(path);
        }
        if doc
            .comparisons
            .iter()
            .flat_map(|c| &c.outcomes)
            .all(|o| o.own_graph_labels().is_empty())
        {
            // Every graph label reads as revmark draws it: "Favours" and the group label.
            for path in [
                "comparisons[].outcomes[].graph_label_1",
                "comparisons[].outcomes[].graph_label_2",
            ] {
                self.ledger.claim_mapped(path);
            }
        }
        // The authors' primary outcomes text makes the outcomes it names primary.
        let primary_text = doc
            .main_text
            .get("BODY/METHODS/SELECTION_CRITERIA/CRIT_OUTCOMES/CRIT_OUTCOMES_PRIMARY")
            .map(|s| naming_text(&super::rm5::unescape(&section_markdown(s, 1))).to_lowercase())
            .unwrap_or_default();
        let plan = outcomes::plan_outcomes(doc, &primary_text);
        let sof = outcomes::plan_sof(doc);
        if !doc.summary_of_findings.is_empty() {
            // Each table is mapped onto its comparison's analyses (their certainty, the
            // comparison's summary_of_findings) or written whole as the authors' table.
            self.ledger.claim_mapped("summary_of_findings[]");
        }
        let mut taken_comparisons = Taken::default();
        let mut comparisons = Vec::new();
        let mut yaml = String::from(
            "# Imported from Review Manager by `revmark import`; see IMPORT-REPORT.md.\ncomparisons:\n",
        );
        let mut studies: HashMap<String, (String, Vec<String>)> = HashMap::new();
        let mut reported: HashSet<(String, String)> = HashSet::new();
        let mut previous_comparison = 0;
        for (ci, c) in doc.comparisons.iter().enumerate() {
            let id = unique(slug(&c.name, "comparison"), &mut taken_comparisons);
            let comparison_number = number_of(c.number.as_ref(), ci + 1);
            let first = c.outcomes.first();
            let first_labels = (
                first.map_or("", |o| o.group_label_1.as_str()),
                first.map_or("", |o| o.group_label_2.as_str()),
            );
            let (experimental, control) = arms::arm_names(&c.name, first_labels.0, first_labels.1);
            let renamed = |name: &str, label: &str| !name.eq_ignore_ascii_case(label);
            if (renamed(&experimental, first_labels.0) || renamed(&control, first_labels.1))
                && !(first_labels.0.is_empty() && first_labels.1.is_empty())
            {
                self.notes.push(format!(
                    "Comparison {comparison_number} \"{}\": the group labels \"{}\" / \"{}\" are written as the arms' names \"{experimental}\" / \"{control}\" (analyses.yaml `experimental` and `control`; the forest plots add \"Favours\").",
                    c.name, first_labels.0, first_labels.1
                ));
            }
            yaml.push_str(&format!(
                "  - id: {id}\n{}    name: {}\n    experimental: {}\n    control: {}\n",
                number_line("    ", comparison_number, &mut previous_comparison),
                q(&c.name),
                q(&experimental),
                q(&control)
            ));
            // Which analyses can be written, and their ids (unique in the comparison; the
            // protocol outcome's id when it is the analysis's own).
            let mut taken_here = Taken::default();
            let mut written_ids: Vec<Option<String>> = Vec::new();
            let mut kinds = Vec::new();
            for (oi, o) in c.outcomes.iter().enumerate() {
                let own_number = number_of(o.number.as_ref(), oi + 1);
                let number = format!("{comparison_number}.{own_number}");
                // An analysis left out keeps its number free: the others keep theirs.
                let analysable = self.analysable(o, &number);
                let protocol = &plan.outcomes[plan.of[&(ci, oi)]];
                let own = slug(&o.name, &protocol.id);
                written_ids.push(analysable.as_ref().map(|_| unique(own, &mut taken_here)));
                kinds.push(analysable);
            }
            if let Some(mapped) = sof.mapped.get(&ci) {
                self.summary_of_findings(&mut yaml, mapped, &written_ids);
                self.notes.push(format!(
                    "Summary of findings table {} is the `summary_of_findings` of comparison {} in analyses.yaml: its header, its rows in order with their comments, and each row's GRADE level, footnotes and assumed risk (as the analysis's `certainty` and `assumed_risk`); revmark recomputes the effects.",
                    doc.summary_of_findings[mapped.table].number,
                    ci + 1
                ));
            }
            yaml.push_str("    outcomes:");
            let mut written = 0;
            let mut previous_outcome = 0;
            for (oi, o) in c.outcomes.iter().enumerate() {
                let own_number = number_of(o.number.as_ref(), oi + 1);
                let number = format!("{comparison_number}.{own_number}");
                let (Some((data_type, measure, method)), Some(own_id)) =
                    (kinds[oi].clone(), written_ids[oi].clone())
                else {
                    continue;
                };
                let labels = (o.group_label_1.as_str(), o.group_label_2.as_str());
                // "Favours antimicrobial" and "Antimicrobial" name the same arm; an analysis
                // whose arms are others (a comparison gathering several pairs) names its own.
                let names = arms::arm_names(&c.name, labels.0, labels.1);
                let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
                let mut own_arms = String::new();
                for (key, own, of_comparison) in [
                    ("experimental", &names.0, &experimental),
                    ("control", &names.1, &control),
                ] {
                    if !same(own, of_comparison) {
                        own_arms.push_str(&format!("        {key}: {}\n", q(own)));
                    }
                }
                self.setting_notes(o, &number);
                written += 1;
                if written == 1 {
                    yaml.push('\n');
                }
                let protocol_id = plan.outcomes[plan.of[&(ci, oi)]].id.clone();
                yaml.push_str(&format!("      - outcome: {protocol_id}\n"));
                if own_id != protocol_id {
                    yaml.push_str(&format!("        id: {own_id}\n"));
                }
                yaml.push_str(&number_line("        ", own_number, &mut previous_outcome));
                yaml.push_str(&format!(
                    "        name: {}\n        type: {}\n        measure: {}\n",
                    q(&o.name),
                    data_type.as_str(),
                    q(&measure)
                ));
                yaml.push_str(&own_arms);
                if let Some(role) = plan.roles.get(&(ci, oi)) {
                    yaml.push_str(&format!("        role: {role}\n"));
                }
                // A generic measure's name where the label alone would name it otherwise
                // ("Ratio of means" for RoM, whose default name is "Ratio of Means").
                let name = o.effect_measure.trim();
                if data_type == DataType::Generic
                    && !name.is_empty()
                    && name != measure
                    && crate::model::measure::known_name(&measure) != Some(name)
                {
                    yaml.push_str(&format!("        measure_name: {}\n", q(name)));
                }
                if data_type == DataType::Generic {
                    let ratio = o.log_data || super::is_ratio_label(&o.effect_measure);
                    yaml.push_str(&format!(
                        "        scale: {}\n",
                        if ratio { "ratio" } else { "difference" }
                    ));
                }
                yaml.push_str(&format!(
                    "        method: {}\n        model: {}\n",
                    match method {
                        MethodKey::MH => "MH",
                        MethodKey::IV => "IV",
                        MethodKey::Peto => "Peto",
                    },
                    if o.random { "random" } else { "fixed" }
                ));
                yaml.push_str(&totals_lines(o));
                if let Some(row) = sof.certainty.get(&(ci, oi)) {
                    yaml.push_str(&format!(
                        "        certainty:\n          level: {}\n",
                        row.level
                    ));
                    if !row.footnotes.is_empty() {
                        yaml.push_str("          footnotes:\n");
                        for note in &row.footnotes {
                            yaml.push_str(&format!("            - {}\n", prose(note)));
                        }
                    }
                    if let Some(risk) = row
                        .assumed_risk
                        .filter(|r| *r > 0.0 && *r < 1.0 && data_type == DataType::Dichotomous)
                    {
                        yaml.push_str(&format!("        assumed_risk: {risk}\n"));
                    }
                    self.settings
                        .entry(format!(
                            "The certainty comes from the row of Summary of findings table {} (its GRADE level, the footnotes its markers point to, and its assumed risk); add the domains it was downgraded for as `reasons`",
                            row.table
                        ))
                        .or_default()
                        .push(number.clone());
                }
                // The analysis's own place, which "Analysis 1.16" in the text links to.
                let anchor = crate::report::markdown::slug(&format!("{number} {}", o.name));
                self.analysis_anchors.insert(o.id.clone(), anchor);
                let base = format!("data/analysis-{comparison_number}-{own_number}");
                if o.has_subgroups {
                    yaml.push_str("        subgroups:\n");
                    let mut previous_subgroup = 0;
                    for (k, g) in o.groups.iter().enumerate() {
                        let rows = usable(&g.rows);
                        let subgroup_number = number_of(g.number.as_ref(), k + 1);
                        yaml.push_str(&format!(
                            "          - name: {}\n{}",
                            q(g.name.as_deref().unwrap_or("Subgroup")),
                            number_line("            ", subgroup_number, &mut previous_subgroup)
                        ));
                        if rows.is_empty() {
                            yaml.push_str("            studies: []\n");
                        } else {
                            let path = format!("{base}-{subgroup_number}.csv");
                            yaml.push_str(&format!("            data: {path}\n"));
                            self.files.insert(path, data_csv(data_type, &rows));
                        }
                    }
                } else {
                    let rows: Vec<&DataRow> =
                        o.groups.iter().flat_map(|g| usable(&g.rows)).collect();
                    if rows.is_empty() {
                        yaml.push_str("        studies: []\n");
                    } else {
                        let path = format!("{base}.csv");
                        yaml.push_str(&format!("        data: {path}\n"));
                        self.files.insert(path, data_csv(data_type, &rows));
                    }
                }
                for r in o.groups.iter().flat_map(|g| &g.rows) {
                    if r.known_study && r.values.is_some() {
                        let facts = studies
                            .entry(r.study.clone())
                            .or_insert_with(|| (id.clone(), Vec::new()));
                        if reported.insert((r.study.clone(), protocol_id.clone())) {
                            facts.1.push(protocol_id.clone());
                        }
                    }
                }
            }
            if written == 0 {
                yaml.push_str(" []\n");
            }
            // The Summary of findings names the arms as they read in a sentence.
            let (experimental, control) = match sof.mapped.get(&ci) {
                Some(m) if !m.header.intervention.is_empty() && !m.header.comparison.is_empty() => {
                    (m.header.intervention.clone(), m.header.comparison.clone())
                }
                _ => (experimental, control),
            };
            comparisons.push((id, c.name.clone(), experimental, control));
        }
        for (ti, why) in &sof.kept {
            self.kept_tables.push(*ti);
            self.notes.push(format!(
                "Summary of findings table {} is kept as the authors' table (review.yaml `additional_tables`, `kind: summary_of_findings`): {why}.",
                doc.summary_of_findings[*ti].number
            ));
        }
        if plan.outcomes.len() < doc.comparisons.iter().map(|c| c.outcomes.len()).sum() {
            self.notes.push(
                "Analyses whose names share the part before \":\", \" - \" or \" (\" are imported as analyses of one protocol outcome (review.yaml `outcomes`), each with its own `id`; check the grouping.".into(),
            );
        }
        Analyses {
            yaml,
            outcomes: plan.outcomes,
            comparisons,
            studies,
        }
    }

    /// The data type, measure and method of an analysis revmark can analyse; otherwise a note
    /// says why not.
    fn analysable(&mut self, o: &Outcome, number: &str) -> Option<(DataType, String, MethodKey)> {
        let Some(data_type) = o.data_type else {
            self.notes.push(format!(
                "Analysis {number} \"{}\" ({}) is a kind of analysis revmark cannot analyse and was not imported.",
                o.name, o.kind
            ));
            return None;
        };
        match measure_of(data_type, &o.effect_measure, &o.method) {
            Ok((measure, method)) => Some((data_type, measure, method)),
            Err(why) => {
                self.notes.push(format!(
                    "Analysis {number} \"{}\" was not imported: {why}.",
                    o.name
                ));
                None
            }
        }
    }

    /// Notes for the settings of an analysis that revmark does not follow yet; analyses with
    /// the same setting share one note.
    fn setting_notes(&mut self, o: &Outcome, number: &str) {
        let mut notes = Vec::new();
        for (key, value) in &o.confidence {
            notes.push(format!(
                "The {} confidence level of {value}% was not imported; revmark uses 95%",
                if key == "CI_STUDY" { "study" } else { "total" }
            ));
        }
        if o.swap_events {
            notes.push("Review Manager swapped events and non-events; revmark analyses the events as entered".into());
        }
        let own = o.own_graph_labels();
        if !own.is_empty() {
            notes.push(format!(
                "Graph labels {} were not imported; revmark labels the plot \"Favours\" and the group label",
                own.iter()
                    .map(|l| format!("\"{l}\""))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ));
        }
        for note in notes {
            self.settings
                .entry(note)
                .or_default()
                .push(number.to_string());
        }
    }

    fn studies(&mut self, analyses: &Analyses) -> String {
        let doc = self.doc;
        let participants = study_participants(doc);
        self.claim(&[
            "studies.included[]",
            "studies.included[].id",
            "studies.excluded[]",
            "studies.excluded[].id",
            "studies.excluded[].characteristics.CHAR_REASON_FOR_EXCLUSION",
            "studies.excluded[].characteristics.REASON_FOR_EXCLUSION",
            "studies.awaiting[]",
            "studies.awaiting[].id",
            "studies.ongoing[]",
            "studies.ongoing[].id",
        ]);
        for kind in ["included", "awaiting", "ongoing"] {
            self.ledger
                .claim_all(&format!("studies.{kind}[].characteristics"));
        }
        if doc
            .studies
            .included
            .iter()
            .chain(&doc.studies.excluded)
            .chain(&doc.studies.awaiting)
            .chain(&doc.studies.ongoing)
            .all(|s| s.year.is_empty() || s.id.contains(&s.year))
        {
            // Every study's name carries its year.
            for kind in ["included", "excluded", "awaiting", "ongoing"] {
                self.ledger.claim_mapped(&format!("studies.{kind}[].year"));
            }
        }
        // Held aside while the risk-of-bias judgements borrow the writer.
        let library = std::mem::take(&mut self.library);
        // Whether a citation changed a characteristic's text, which is then not as it reads.
        let cited_any = std::cell::Cell::new(false);
        let cite = |text: &str| {
            let cited = library.cite(text);
            if cited != text {
                cited_any.set(true);
            }
            cited
        };
        let rob = self.risk_of_bias();
        let mut out = String::from(
            "# Imported from Review Manager by `revmark import`; see IMPORT-REPORT.md.\nrisk_of_bias_tool: rob1\nincluded:",
        );
        out.push_str(if doc.studies.included.is_empty() {
            " []\n"
        } else {
            "\n"
        });
        for s in &doc.studies.included {
            out.push_str(&format!("  - id: {}\n", q(&s.id)));
            if let Some(n) = participants.get(s.id.as_str()).filter(|n| **n > 0) {
                out.push_str(&format!("    participants: {n}\n"));
            }
            if let Some((comparison, outcomes)) = analyses.studies.get(&s.id) {
                out.push_str(&format!(
                    "    comparison: {comparison}\n    outcomes_reported:\n"
                ));
                for o in outcomes {
                    out.push_str(&format!("      - outcome: {o}\n"));
                }
            }
            for (field, text) in included_characteristics(s) {
                out.push_str(&format!("    {field}: {}\n", prose(&cite(&text))));
            }
            if let Some(domains) = rob.get(s.id.as_str()) {
                out.push_str("    risk_of_bias:\n");
                for (domain, (judgement, support)) in domains {
                    out.push_str(&format!(
                        "      {domain}:\n        judgement: {judgement}\n"
                    ));
                    if !support.is_empty() {
                        out.push_str(&format!("        support: {}\n", prose(&cite(support))));
                    }
                }
            }
            out.push_str(&reports_yaml(&library, s));
        }
        if !doc.studies.excluded.is_empty() {
            out.push_str("excluded:\n");
            for s in &doc.studies.excluded {
                out.push_str(&format!("  - id: {}\n", q(&s.id)));
                let reason = s
                    .characteristics
                    .get("CHAR_REASON_FOR_EXCLUSION")
                    .or_else(|| s.characteristics.get("REASON_FOR_EXCLUSION"));
                if let Some(r) = reason {
                    out.push_str(&format!("    reason: {}\n", q(r)));
                }
                out.push_str(&reports_yaml(&library, s));
            }
        }
        for (key, list) in [
            ("ongoing", &doc.studies.ongoing),
            ("awaiting_classification", &doc.studies.awaiting),
        ] {
            if list.is_empty() {
                continue;
            }
            out.push_str(&format!("{key}:\n"));
            for s in list {
                out.push_str(&format!("  - id: {}\n", q(&s.id)));
                let description = labelled(&s.characteristics, &[]);
                if !description.is_empty() {
                    out.push_str(&format!(
                        "    description: {}\n",
                        prose(&cite(&description))
                    ));
                }
                out.push_str(&reports_yaml(&library, s));
            }
        }
        if cited_any.get() {
            for kind in ["included", "awaiting", "ongoing"] {
                self.ledger
                    .claim_mapped(&format!("studies.{kind}[].characteristics"));
            }
            self.ledger.claim_mapped("risk_of_bias[].entries[].support");
        }
        self.library = library;
        out
    }

    /// Judgements by study and domain: for each study and domain, the item's judgement for
    /// all outcomes (or its first outcome group); the others are named in the notes.
    fn risk_of_bias(&mut self) -> HashMap<&str, BTreeMap<&'static str, (&'static str, String)>> {
        let doc = self.doc;
        // An item's name decides its RoB 1 domains.
        self.ledger.claim_mapped("risk_of_bias[].name");
        self.claim(&[
            "risk_of_bias[]",
            "risk_of_bias[].entries[]",
            "risk_of_bias[].entries[].study",
            "risk_of_bias[].entries[].judgement",
            "risk_of_bias[].entries[].support",
        ]);
        let mut out: HashMap<&str, BTreeMap<&'static str, (&'static str, String)>> = HashMap::new();
        let mut from: HashMap<(&str, &str), (&str, &str)> = HashMap::new();
        for item in &doc.risk_of_bias {
            if item.domains.is_empty() {
                if !item.entries.is_empty() {
                    self.notes.push(format!(
                        "Risk-of-bias item \"{}\" ({} judgements) matches no RoB 1 domain and was not imported.",
                        item.name,
                        item.entries.len()
                    ));
                }
                continue;
            }
            // Judgements for all outcomes first, then by outcome group in order.
            let rank = |group: &str| {
                if group.is_empty() || group.eq_ignore_ascii_case("All outcomes") {
                    0
                } else {
                    1 + item
                        .groups
                        .iter()
                        .position(|g| g.name == group)
                        .unwrap_or(usize::MAX - 1)
                }
            };
            let mut entries: Vec<_> = item.entries.iter().collect();
            entries.sort_by_key(|e| rank(&e.group));
            for e in entries {
                for domain in &item.domains {
                    let slot = out.entry(&e.study).or_default();
                    if let Some((name, group)) = from.get(&(e.study.as_str(), *domain)) {
                        let what = |n: &str, g: &str| {
                            if g.is_empty() {
                                format!("\"{n}\"")
                            } else {
                                format!("\"{n}\" ({g})")
                            }
                        };
                        self.notes.push(format!(
                            "Study {}: the {} judgement {} was not imported; revmark keeps one judgement per domain, here {}.",
                            e.study,
                            domain.replace('_', " "),
                            what(&item.name, &e.group),
                            what(name, group)
                        ));
                        continue;
                    }
                    from.insert((&e.study, domain), (&item.name, &e.group));
                    slot.insert(domain, (e.judgement, e.support.clone()));
                }
            }
        }
        out
    }

    /// references.json, with every reference of the studies and the additional references;
    /// the in-text links were made citations where the prose was written. Other published
    /// versions of the review and pending references have no place in the format yet.
    fn references(&mut self) {
        if self.library.items.is_empty() {
            return;
        }
        self.files
            .insert("references.json".into(), self.library.json());
        // Written in CSL-JSON's form (names split, types and tags mapped, other fields in
        // `note`); the links as citations.
        for kind in ["included", "excluded", "awaiting", "ongoing"] {
            self.ledger
                .claim_mapped(&format!("studies.{kind}[].references[]"));
        }
        self.ledger.claim_mapped("references.additional[]");
        self.ledger.claim_mapped("citations[]");
        let other: Vec<String> = self
            .library
            .other_links
            .iter()
            .map(|(kind, n)| format!("{n} to {}", kind.to_lowercase().replace('_', " ")))
            .collect();
        if !other.is_empty() {
            self.notes.push(format!(
                "In-text links other than citations of studies and references keep their text but not their link ({}).",
                other.join(", ")
            ));
        }
    }
}

/// A study's `references:` line (its reports' keys in references.json, primary first).
fn reports_yaml(library: &Library, s: &Study) -> String {
    match library.reports.get(&s.id) {
        Some(keys) => format!(
            "    references: [{}]\n",
            keys.iter().map(|k| q(k)).collect::<Vec<_>>().join(", ")
        ),
        None => String::new(),
    }
}

/// An included study's methods, interventions and notes: participants, outcomes, notes and
/// any other characteristic go into the notes, labelled, so nothing is lost.
fn included_characteristics(s: &Study) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if let Some(m) = s.characteristics.get("CHAR_METHODS") {
        out.push(("methods", m.clone()));
    }
    if let Some(i) = s.characteristics.get("CHAR_INTERVENTIONS") {
        out.push(("interventions", i.clone()));
    }
    let notes = labelled(&s.characteristics, &["CHAR_METHODS", "CHAR_INTERVENTIONS"]);
    if !notes.is_empty() {
        out.push(("notes", notes));
    }
    out
}

/// Characteristics as labelled paragraphs ("Participants: ..."), in Review Manager's order;
/// notes unlabelled, last.
fn labelled(chars: &BTreeMap<String, String>, skip: &[&str]) -> String {
    let order = [
        "CHAR_STUDY_NAME",
        "CHAR_METHODS",
        "CHAR_PARTICIPANTS",
        "CHAR_INTERVENTIONS",
        "CHAR_OUTCOMES",
        "CHAR_STARTING_DATE",
        "CHAR_CONTACT_INFORMATION",
    ];
    let label = |tag: &str| {
        crate::english::capitalise(
            &tag.trim_start_matches("CHAR_")
                .to_lowercase()
                .replace('_', " "),
        )
    };
    let mut keys: Vec<&String> = chars
        .keys()
        .filter(|k| !skip.contains(&k.as_str()) && k.as_str() != "CHAR_NOTES")
        .collect();
    keys.sort_by_key(|k| order.iter().position(|o| o == k).unwrap_or(order.len()));
    let mut parts: Vec<String> = keys
        .into_iter()
        .map(|k| format!("{}: {}", label(k), chars[k]))
        .collect();
    if let Some(n) = chars.get("CHAR_NOTES") {
        parts.push(n.clone());
    }
    parts.join("\n\n")
}

/// A human name for a top-level part of the document.
fn part_name(path: &str) -> &'static str {
    match path.split(['.', '[']).next().unwrap_or("") {
        "review" => "Cover sheet",
        "main_text" => "Main text",
        "studies" => "Studies",
        "references" => "References outside studies",
        "risk_of_bias" => "Risk of bias",
        "summary_of_findings" => "Summary of findings tables",
        "additional_tables" => "Additional tables",
        "figures" => "Figures",
        "comparisons" => "Analyses",
        "feedback" => "Feedback",
        "appendices" => "Appendices",
        "extensions" => "Review Manager extensions (flow chart)",
        "citations" => "In-text citation links (their text is kept, the links are not)",
        "placeholders" => "Review Manager's template guidance (left out of the text)",
        "author_notes" => {
            "The authors' notes to themselves, such as \"[These need to be changed]\" (left out of the text, so that the review does not print them; listed under To check)"
        }
        "tracked_deletions" => "Text deleted under tracked changes (the changes were accepted)",
        _ => "Other",
    }
}

fn count_noun(n: usize, singular: &str) -> String {
    crate::english::count_noun(n as u64, singular)
}

fn entry_text(entry: &Entry) -> String {
    if entry.chars > 0 {
        format!("{} ({} characters)", entry.count, entry.chars)
    } else {
        entry.count.to_string()
    }
}

/// IMPORT-REPORT.md: what was imported; every row and setting that could not be read or was
/// changed; every part of the document not carried over, with its count; every part of the
/// source not read.
pub fn report(
    doc: &Document,
    ledger: &Ledger,
    notes: &[String],
    files: &BTreeMap<String, String>,
) -> String {
    use crate::report::escape::markdown as md;
    let analyses: usize = doc.comparisons.iter().map(|c| c.outcomes.len()).sum();
    let rows: Vec<&DataRow> = doc
        .comparisons
        .iter()
        .flat_map(|c| &c.outcomes)
        .flat_map(|o| &o.groups)
        .flat_map(|g| &g.rows)
        .collect();
    let written = rows
        .iter()
        .filter(|r| r.known_study && r.values.is_some())
        .count();
    let mut out = format!(
        "# Import report\n\nSource: {}\n\nImported: {} included, {} excluded, {} ongoing, {} awaiting classification; {} with {}; {} of {} written.\n\nFiles written: {}.\n\n## Not imported\n\n",
        md(&doc.source),
        count_noun(doc.studies.included.len(), "study"),
        doc.studies.excluded.len(),
        doc.studies.ongoing.len(),
        doc.studies.awaiting.len(),
        count_noun(doc.comparisons.len(), "comparison"),
        if analyses == 1 {
            "1 analysis".to_string()
        } else {
            format!("{analyses} analyses")
        },
        written,
        count_noun(rows.len(), "data row"),
        files
            .keys()
            .filter(|k| k.as_str() != "IMPORT-REPORT.md")
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
    );
    let problems: Vec<&String> = doc.problems.iter().chain(notes).collect();
    let left = inventory::not_carried_over(&inventory::inventory(doc), ledger);
    if problems.is_empty() && left.is_empty() && doc.unread.is_empty() {
        out.push_str("Nothing: everything in the file was imported.\n");
    } else if problems.is_empty() {
        out.push_str("Nothing that revmark's review format has a place for.\n");
    }
    for line in &problems {
        out.push_str(&format!("- {}\n", md(line)));
    }
    if !left.is_empty() {
        out.push_str(
            "\n## Not carried over\n\nThe source holds these parts, which revmark's review format has no place for yet (count of non-empty values, by the importer's name for them):\n\n",
        );
        for (home, paths) in &left {
            if home.is_empty() {
                for (p, e) in paths {
                    out.push_str(&format!("- {} (`{p}`): {}\n", part_name(p), entry_text(e)));
                }
                continue;
            }
            let list = paths
                .iter()
                .map(|(p, e)| format!("`{p}` {}", entry_text(e)))
                .collect::<Vec<_>>()
                .join("; ");
            out.push_str(&format!("- {} (`{home}`): {list}\n", part_name(home)));
        }
    }
    if !doc.unread.is_empty() {
        out.push_str("\n## Not read\n\nParts of the source the importer does not read, with their count: elements by their path (files and columns of a data package by their name), attributes by their name (`MODIFIED` and `MODIFIED_BY` are Review Manager's record of who edited what, and when):\n\n");
        let mut attributes: BTreeMap<&str, (usize, BTreeSet<&str>)> = BTreeMap::new();
        for (path, n) in &doc.unread {
            match path.rsplit_once('@') {
                Some((element, name)) => {
                    let entry = attributes.entry(name).or_default();
                    entry.0 += n;
                    entry
                        .1
                        .insert(element.rsplit('/').next().unwrap_or(element));
                }
                // A package's file and column names are the package's text: escaped.
                None => out.push_str(&format!("- {}: {n}\n", md(path))),
            }
        }
        for (name, (n, on)) in attributes {
            let on: Vec<&str> = on.into_iter().collect();
            let where_ = if on.len() <= 4 {
                on.iter()
                    .map(|e| format!("`{e}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            } else {
                format!("{} kinds of element", on.len())
            };
            out.push_str(&format!("- attribute `{name}`: {n} (on {where_})\n"));
        }
    }
    out.push_str(
        "\n## To check\n\n- The protocol outcomes (review.yaml `outcomes`) group the analyses by name; an outcome that the authors' primary outcomes text names is `priority: primary`, the others secondary: correct both where they are wrong.\n- A study's `participants` is the union of its arms in the analysis that shows most of them (arms of equal size counted once); replace it with the number randomised.\n- Review Manager's analyses have no GRADE ratings: add `certainty` to the analyses in analyses.yaml where no Summary of findings row gave one.\n",
    );
    if doc.risk_of_bias.iter().all(|item| item.entries.is_empty()) {
        out.push_str("- The source holds no risk-of-bias judgements (Review Manager's data-only files carry none): a study without them is judged at unclear risk of bias in every domain, and the review's text, figures and tables say so. Give each study's `risk_of_bias` in studies.yaml.\n");
    }
    if !doc.author_notes.is_empty() {
        out.push_str(&format!(
            "- The authors' notes to themselves were taken out of their text, so that the review does not print them: {}. Write what they ask for, or put them back.\n",
            doc.author_notes
                .iter()
                .map(|n| format!("\"{}\"", md(n)))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if doc.extensions.iter().any(|e| e.flow.is_some()) {
        out.push_str("- The PRISMA flow (review.yaml `search.flow`) is read from the sentences of Review Manager's study flow diagram, each box by its words (\"210 records screened\"; identified: the sum of the boxes above \"records after duplicates removed\"): check each count, and each reason for excluding reports.\n");
    }
    if !doc.figures.is_empty() {
        out.push_str("- Review Manager's figures are not in the imported review: revmark draws its own forest plots, risk-of-bias figures and PRISMA flow diagram. Their captions, for the text that cites them:\n");
        for f in &doc.figures {
            out.push_str(&format!(
                "  - Figure {} ({}): {}\n",
                md(&f.number),
                md(&f.kind.to_lowercase().replace('_', " ")),
                md(&f.caption.split_whitespace().collect::<Vec<_>>().join(" "))
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_every_string() {
        assert_eq!(q("a \"b\"\n\\"), "\"a \\\"b\\\"\\n\\\\\"");
        assert_eq!(prose("{{ x }}"), "\"{% raw %}{{ x }}{% endraw %}\"");
    }

    #[test]
    fn slugs_titles() {
        assert_eq!(
            slug("Death (all causes), 1 year", "x"),
            "death-all-causes-1-year"
        );
        assert_eq!(slug("§§", "x"), "x");
        let mut taken = Taken::default();
        assert_eq!(unique("a".into(), &mut taken), "a");
        assert_eq!(unique("a".into(), &mut taken), "a-2");
    }

    fn row(study: &str, e: u64, c: u64) -> DataRow {
        DataRow {
            study: study.into(),
            known_study: true,
            values: Some(Row::Dichotomous {
                e_events: 1,
                e_total: e,
                c_events: 1,
                c_total: c,
            }),
            ..DataRow::default()
        }
    }

    // A three-arm trial split over two subgroups (control halved) counts all its arms; the
    // same arms at two time points count once. The largest row (the old rule) undercounted.
    #[test]
    fn counts_participants_as_the_union_of_arms() {
        use super::super::document::{Comparison, Group};
        let outcome = |groups: Vec<Vec<DataRow>>| Outcome {
            id: String::new(),
            number: None,
            name: "o".into(),
            data_type: Some(DataType::Dichotomous),
            kind: "DICH_OUTCOME".into(),
            effect_measure: "RR".into(),
            method: "MH".into(),
            random: false,
            log_data: false,
            totals: Totals::Overall,
            no_subgroup_test: false,
            swap_events: false,
            confidence: BTreeMap::new(),
            display: BTreeMap::new(),
            group_label_1: String::new(),
            group_label_2: String::new(),
            graph_label_1: String::new(),
            graph_label_2: String::new(),
            stored: Default::default(),
            has_subgroups: true,
            groups: groups
                .into_iter()
                .map(|rows| Group {
                    rows,
                    ..Group::default()
                })
                .collect(),
            footnotes: Vec::new(),
        };
        let mut doc = Document::default();
        doc.comparisons.push(Comparison {
            outcomes: vec![
                outcome(vec![
                    vec![row("Three-arm", 15, 9)],
                    vec![row("Three-arm", 17, 10)],
                ]),
                outcome(vec![vec![row("Timed", 20, 21)], vec![row("Timed", 20, 21)]]),
            ],
            ..Comparison::default()
        });
        let n = study_participants(&doc);
        assert_eq!(n["Three-arm"], 15 + 9 + 17 + 10);
        assert_eq!(n["Timed"], 41);
    }
}
