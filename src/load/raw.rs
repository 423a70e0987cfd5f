//! The three review files as written, read from their located YAML trees (yaml.rs): each
//! field by name, with the place of every value that a message may point at. Nothing is
//! checked here beyond the shape and type of each field; protocol.rs, studies.rs and
//! analyses.rs turn these into the validated [`crate::model`].
//!
//! A field of the wrong type is reported with its name, what was expected and what was found,
//! and reading goes on without it, so that one run reports every problem of every file. An
//! item that lacks a required field is left out and its file marked incomplete, so that
//! references into that file are not checked against a list with a gap.

mod grade;
mod sensitivity;
mod summary;
mod text;

pub(crate) use grade::RawGrade;
pub(crate) use sensitivity::SensitivitySpec;
pub(crate) use summary::SofSpec;
pub(crate) use text::RawTable;

use std::collections::BTreeMap;

use super::yaml::{self, Node, Value};
use crate::diagnostic::{Diagnostic, Kind, Problems, SourceFile};
use crate::model::{
    CertaintyLevel, DataType, Flow, Located, Location, MethodKey, ModelKey, PlainLanguageParts,
    PlainLanguageSummary, Priority, Reports, RobTool, ScaleKey, Tau2Key, Totals,
};

const WRONG_TYPE: Kind = Kind::error("a value of the wrong type");
const UNKNOWN_FIELD: Kind = Kind::error("a field revmark does not know");
const MISSING_FIELD: Kind = Kind::error("a required field that is missing");
const UNKNOWN_VARIANT: Kind = Kind::error("a value that is not one of its choices");

/// review.yaml.
#[derive(Debug, Clone)]
pub(crate) struct Protocol {
    pub complete: bool,
    pub title: String,
    pub authors: Vec<String>,
    pub date: Option<Located<String>>,
    pub participants_noun: Option<String>,
    pub population: Option<String>,
    pub plain_language_summary: Option<PlainLanguageSummary>,
    pub background: Option<Located<String>>,
    pub objectives: Option<Located<String>>,
    pub search: Option<Search>,
    pub selection_criteria: Option<Located<String>>,
    pub data_collection: Option<Located<String>>,
    pub outcomes: Vec<ProtocolOutcome>,
    pub comparisons: Vec<PlannedComparison>,
    pub discussion: Option<Located<String>>,
    pub conclusions: Option<Conclusions>,
    pub raw_html: bool,
    /// The rest of the review's text (raw/text.rs).
    pub text: crate::model::text::FullText,
    /// Additional tables, their CSV files not yet read.
    pub tables: Vec<RawTable>,
    /// The GRADE assistant's settings (raw/grade.rs).
    pub grade: RawGrade,
}

/// The search.
#[derive(Debug, Clone)]
pub(crate) struct Search {
    pub date: Option<Located<String>>,
    pub sources: Vec<String>,
    pub other: Vec<String>,
    pub flow: Option<Located<Flow>>,
}

/// An outcome of the protocol.
#[derive(Debug, Clone)]
pub(crate) struct ProtocolOutcome {
    pub id: Located<String>,
    pub name: String,
    pub detail: Option<String>,
    pub priority: Priority,
    pub group: Option<String>,
}

/// A comparison the protocol planned.
#[derive(Debug, Clone)]
pub(crate) struct PlannedComparison {
    pub id: Located<String>,
    pub name: String,
    pub experimental: Option<String>,
    pub control: Option<String>,
}

/// Authors' conclusions.
#[derive(Debug, Clone)]
pub(crate) struct Conclusions {
    pub practice: Option<Located<String>>,
    pub research: Option<Located<String>>,
}

/// studies.yaml.
#[derive(Debug, Clone)]
pub(crate) struct StudiesFile {
    pub complete: bool,
    pub risk_of_bias_tool: RobTool,
    pub included: Vec<IncludedStudy>,
    pub excluded: Vec<ExcludedStudy>,
    pub ongoing: Vec<OtherStudy>,
    pub awaiting_classification: Vec<OtherStudy>,
}

/// An included study.
#[derive(Debug, Clone)]
pub(crate) struct IncludedStudy {
    pub id: Located<String>,
    pub country: Vec<String>,
    pub participants: Option<Located<i64>>,
    pub participants_label: Option<String>,
    pub setting: Option<String>,
    pub comparison: Option<Located<String>>,
    pub methods: Option<Located<String>>,
    pub interventions: Option<Located<String>>,
    pub notes: Option<Located<String>>,
    pub outcomes_reported: Vec<ReportedOutcome>,
    pub risk_of_bias: Vec<(Located<String>, RobEntry)>,
    pub reports: Reports,
}

/// An outcome a study reported.
#[derive(Debug, Clone)]
pub(crate) struct ReportedOutcome {
    pub outcome: Located<String>,
    pub narrative: Option<Located<String>>,
}

/// One risk-of-bias judgement.
#[derive(Debug, Clone)]
pub(crate) struct RobEntry {
    pub judgement: Located<String>,
    pub support: Option<Located<String>>,
}

/// An excluded study.
#[derive(Debug, Clone)]
pub(crate) struct ExcludedStudy {
    pub id: Located<String>,
    pub reason: Option<String>,
    pub reports: Reports,
}

/// An ongoing study or one awaiting classification.
#[derive(Debug, Clone)]
pub(crate) struct OtherStudy {
    pub id: Located<String>,
    pub description: Option<Located<String>>,
    pub reports: Reports,
}

/// analyses.yaml.
#[derive(Debug, Clone)]
pub(crate) struct AnalysesFile {
    pub complete: bool,
    pub comparisons: Vec<ComparisonSpec>,
}

/// A comparison as written in analyses.yaml.
#[derive(Debug, Clone)]
pub(crate) struct ComparisonSpec {
    pub id: Located<String>,
    pub number: Option<Located<String>>,
    pub name: String,
    pub experimental: Option<String>,
    pub control: Option<String>,
    pub outcomes: Vec<OutcomeSpec>,
    pub summary_of_findings: Option<SofSpec>,
}

/// A GRADE assessment as written.
#[derive(Debug, Clone)]
pub(crate) struct Certainty {
    pub level: CertaintyLevel,
    pub reasons: Vec<String>,
    pub footnotes: Vec<Located<String>>,
    /// Where the level is written.
    pub at: Location,
    pub grade_acknowledged: Option<crate::model::GradeAcknowledged>,
}

/// A data row as written: its cells in file order, with positions.
pub(crate) type RawRow = Located<Vec<(String, Located<Cell>)>>;

/// An outcome of a comparison, as written.
#[derive(Debug, Clone)]
pub(crate) struct OutcomeSpec {
    pub outcome: Located<String>,
    pub id: Option<Located<String>>,
    pub number: Option<Located<String>>,
    pub name: Option<String>,
    pub data_type: Located<DataType>,
    pub measure: Located<String>,
    pub measure_name: Option<Located<String>>,
    pub scale: Option<Located<ScaleKey>>,
    pub method: Option<Located<MethodKey>>,
    pub model: Option<Located<ModelKey>>,
    pub tau2: Option<Located<Tau2Key>>,
    pub hksj: Option<Located<bool>>,
    pub totals: Option<Located<Totals>>,
    pub subgroup_test: Option<Located<bool>>,
    pub certainty: Option<Certainty>,
    pub important_effect: Option<Located<f64>>,
    pub assumed_risk: Option<Located<f64>>,
    pub studies: Option<Vec<RawRow>>,
    pub data: Option<Located<String>>,
    pub subgroups: Option<Vec<SubgroupSpec>>,
    pub role: Option<Located<crate::model::Role>>,
    pub sensitivity_of: Option<Located<String>>,
    pub sensitivity: Option<Located<Vec<SensitivitySpec>>>,
    /// This analysis's arms, where they are not its comparison's.
    pub experimental: Option<String>,
    pub control: Option<String>,
}

/// A subgroup as written.
#[derive(Debug, Clone)]
pub(crate) struct SubgroupSpec {
    pub name: String,
    pub number: Option<Located<String>>,
    pub studies: Option<Vec<RawRow>>,
    pub data: Option<Located<String>>,
}

/// A data cell: its text as written, and its value when it is a number. A study id is read
/// as its text (`007` stays `007`); a count or a mean as its number.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cell {
    /// The text as written (trimmed, in CSV).
    pub text: String,
    /// The number, when the text is one (in YAML only when written plain).
    pub number: Option<f64>,
}

/// A file's tree read into `T`, with every problem found on the way; None when the file did
/// not parse.
pub(crate) type Read<T> = (Option<T>, Vec<Diagnostic>);

/// Parses `source` and reads it with `read`.
pub(crate) fn read<T>(
    source: &SourceFile,
    in_parts: bool,
    read: fn(&mut Reader, Node) -> T,
) -> Read<T> {
    match yaml::parse(source, in_parts) {
        Ok(root) => {
            let mut reader = Reader {
                file: source,
                problems: Problems::new(),
                complete: true,
            };
            let value = read(&mut reader, root);
            (Some(value), reader.problems.into_vec())
        }
        Err(d) => (None, vec![d]),
    }
}

/// Reads review.yaml.
pub(crate) fn protocol(r: &mut Reader, root: Node) -> Protocol {
    const FIELDS: &[&str] = &[
        "title",
        "authors",
        "date",
        "participants_noun",
        "population",
        "plain_language_summary",
        "background",
        "objectives",
        "search",
        "selection_criteria",
        "data_collection",
        "outcomes",
        "comparisons",
        "discussion",
        "conclusions",
        "raw_html",
    ];
    let known: Vec<&str> = FIELDS
        .iter()
        .chain(text::FIELDS)
        .chain(grade::FIELDS)
        .copied()
        .collect();
    let mut f = r.fields(root, &known).unwrap_or_default();
    let title = f.required(r, "title").and_then(|n| r.text("title", n));
    let outcomes = f.required(r, "outcomes");
    // A section given as a string is the whole section; as a mapping, its subsections.
    use crate::model::text::keys;
    let background_parts;
    let discussion_parts;
    let protocol = Protocol {
        complete: true,
        title: title.map(|t| t.value).unwrap_or_default(),
        authors: f.optional(r, "authors", Reader::texts).unwrap_or_default(),
        date: f.optional(r, "date", Reader::text),
        participants_noun: f.optional_text(r, "participants_noun"),
        population: f.optional_text(r, "population"),
        plain_language_summary: f.optional(r, "plain_language_summary", plain_language_summary),
        background: {
            let (whole, parts) = text::whole_or_parts(r, &mut f, "background", keys::BACKGROUND);
            background_parts = parts;
            whole
        },
        objectives: f.optional(r, "objectives", Reader::text),
        search: f.optional(r, "search", search),
        selection_criteria: f.optional(r, "selection_criteria", Reader::text),
        data_collection: f.optional(r, "data_collection", Reader::text),
        outcomes: outcomes
            .map(|n| r.list("outcomes", n, protocol_outcome))
            .unwrap_or_default(),
        comparisons: f
            .take("comparisons")
            .map(|n| r.list("comparisons", n, planned_comparison))
            .unwrap_or_default(),
        discussion: {
            let (whole, parts) = text::whole_or_parts(r, &mut f, "discussion", keys::DISCUSSION);
            discussion_parts = parts;
            whole
        },
        conclusions: f.optional(r, "conclusions", conclusions),
        raw_html: f
            .optional(r, "raw_html", Reader::flag)
            .is_some_and(|b| b.value),
        text: Default::default(),
        tables: Vec::new(),
        grade: grade::review_fields(r, &mut f),
    };
    let (mut full, tables) = text::full_text(r, &mut f);
    full.background = background_parts;
    full.discussion = discussion_parts;
    Protocol {
        complete: r.complete,
        text: full,
        tables,
        ..protocol
    }
}

fn search(r: &mut Reader, field: &str, node: Node) -> Option<Search> {
    let mut f = r.fields_of(field, node, &["date", "sources", "other", "flow"])?;
    Some(Search {
        date: f.optional(r, "date", Reader::text),
        sources: f.optional(r, "sources", Reader::texts).unwrap_or_default(),
        other: f.optional(r, "other", Reader::texts).unwrap_or_default(),
        flow: f.optional(r, "flow", flow),
    })
}

fn flow(r: &mut Reader, field: &str, node: Node) -> Option<Located<Flow>> {
    let at = node.at;
    let mut f = r.fields_of(
        field,
        node,
        &[
            "identified",
            "duplicates_removed",
            "screened",
            "excluded_screening",
            "full_text",
            "excluded_full_text",
            "included",
        ],
    )?;
    let mut count = |r: &mut Reader, name: &str| f.optional(r, name, Reader::count);
    let identified = count(r, "identified");
    let duplicates_removed = count(r, "duplicates_removed");
    let screened = count(r, "screened");
    let excluded_screening = count(r, "excluded_screening");
    let full_text = count(r, "full_text");
    let included = count(r, "included");
    let mut excluded_full_text = BTreeMap::new();
    if let Some(node) = f.take("excluded_full_text") {
        for (key, value) in r.entries("excluded_full_text", node) {
            if let Some(n) = r.count(&key.value, value) {
                excluded_full_text.insert(key.value, n);
            }
        }
    }
    Some(Located::new(
        Flow {
            identified,
            duplicates_removed,
            screened,
            excluded_screening,
            full_text,
            excluded_full_text,
            included,
        },
        at,
    ))
}

fn protocol_outcome(r: &mut Reader, node: Node) -> Option<ProtocolOutcome> {
    let mut f = r.item_fields(node, &["id", "name", "detail", "priority", "group"])?;
    let id = f.required(r, "id").and_then(|n| r.text("id", n));
    let name = f.required(r, "name").and_then(|n| r.text("name", n));
    let detail = f.optional_text(r, "detail");
    let priority = f
        .optional(r, "priority", |r, field, n| {
            r.choice(
                field,
                n,
                &[
                    ("primary", Priority::Primary),
                    ("secondary", Priority::Secondary),
                ],
            )
        })
        .map_or(Priority::Secondary, |p| p.value);
    let group = f.optional_text(r, "group");
    r.whole_item(|| {
        Some(ProtocolOutcome {
            id: id?,
            name: name?.value,
            detail,
            priority,
            group,
        })
    })
}

fn planned_comparison(r: &mut Reader, node: Node) -> Option<PlannedComparison> {
    let mut f = r.item_fields(node, &["id", "name", "experimental", "control"])?;
    let id = f.required(r, "id").and_then(|n| r.text("id", n));
    let name = f.required(r, "name").and_then(|n| r.text("name", n));
    let experimental = f.optional_text(r, "experimental");
    let control = f.optional_text(r, "control");
    r.whole_item(|| {
        Some(PlannedComparison {
            id: id?,
            name: name?.value,
            experimental,
            control,
        })
    })
}

/// The authors' plain language summary: a text (the whole summary) or a mapping of its parts.
fn plain_language_summary(r: &mut Reader, field: &str, node: Node) -> Option<PlainLanguageSummary> {
    if !matches!(node.value, Value::Map(_)) {
        return r.text(field, node).map(PlainLanguageSummary::Whole);
    }
    let mut f = r.fields_of(
        field,
        node,
        &[
            "title",
            "key_messages",
            "what_we_did",
            "what_we_found",
            "limitations",
            "currency",
        ],
    )?;
    Some(PlainLanguageSummary::Parts(PlainLanguageParts {
        title: f.optional(r, "title", Reader::text),
        key_messages: f.optional(r, "key_messages", Reader::text),
        what_we_did: f.optional(r, "what_we_did", Reader::text),
        what_we_found: f.optional(r, "what_we_found", Reader::text),
        limitations: f.optional(r, "limitations", Reader::text),
        currency: f.optional(r, "currency", Reader::text),
    }))
}

fn conclusions(r: &mut Reader, field: &str, node: Node) -> Option<Conclusions> {
    let mut f = r.fields_of(field, node, &["practice", "research"])?;
    Some(Conclusions {
        practice: f.optional(r, "practice", Reader::text),
        research: f.optional(r, "research", Reader::text),
    })
}

/// Reads studies.yaml.
pub(crate) fn studies(r: &mut Reader, root: Node) -> StudiesFile {
    const FIELDS: &[&str] = &[
        "risk_of_bias_tool",
        "included",
        "excluded",
        "ongoing",
        "awaiting_classification",
    ];
    let mut f = r.fields(root, FIELDS).unwrap_or_default();
    let risk_of_bias_tool = f
        .optional(r, "risk_of_bias_tool", |r, field, n| {
            r.choice(
                field,
                n,
                &[("rob1", RobTool::Rob1), ("rob2", RobTool::Rob2)],
            )
        })
        .map_or(RobTool::Rob1, |t| t.value);
    let included = f
        .required(r, "included")
        .map(|n| r.list("included", n, included_study))
        .unwrap_or_default();
    let excluded = f
        .take("excluded")
        .map(|n| r.list("excluded", n, excluded_study))
        .unwrap_or_default();
    let ongoing = f
        .take("ongoing")
        .map(|n| r.list("ongoing", n, other_study))
        .unwrap_or_default();
    let awaiting_classification = f
        .take("awaiting_classification")
        .map(|n| r.list("awaiting_classification", n, other_study))
        .unwrap_or_default();
    StudiesFile {
        complete: r.complete,
        risk_of_bias_tool,
        included,
        excluded,
        ongoing,
        awaiting_classification,
    }
}

fn included_study(r: &mut Reader, node: Node) -> Option<IncludedStudy> {
    const FIELDS: &[&str] = &[
        "id",
        "country",
        "participants",
        "participants_label",
        "setting",
        "comparison",
        "methods",
        "interventions",
        "notes",
        "outcomes_reported",
        "risk_of_bias",
        "references",
        "primary_reference",
    ];
    let mut f = r.item_fields(node, FIELDS)?;
    let id = f.required(r, "id").and_then(|n| r.text("id", n));
    let reports = reports(r, &mut f);
    let country = f
        .optional(r, "country", |r, field, n| match n.value {
            Value::Scalar { .. } => r.text(field, n).map(|t| vec![t.value]),
            _ => r.texts(field, n),
        })
        .unwrap_or_default();
    let participants = f.optional(r, "participants", |r, field, n| {
        r.whole(field, n, "a whole number of participants")
    });
    let participants_label = f.optional_text(r, "participants_label");
    let setting = f.optional_text(r, "setting");
    let comparison = f.optional(r, "comparison", Reader::text);
    let methods = f.optional(r, "methods", Reader::text);
    let interventions = f.optional(r, "interventions", Reader::text);
    let notes = f.optional(r, "notes", Reader::text);
    let outcomes_reported = f
        .take("outcomes_reported")
        .map(|n| r.list("outcomes_reported", n, reported_outcome))
        .unwrap_or_default();
    let mut risk_of_bias = Vec::new();
    if let Some(node) = f.take("risk_of_bias") {
        for (domain, value) in r.entries("risk_of_bias", node) {
            if let Some(entry) = rob_entry(r, &domain.value, value) {
                risk_of_bias.push((domain, entry));
            }
        }
    }
    r.whole_item(|| {
        Some(IncludedStudy {
            id: id?,
            country,
            participants,
            participants_label,
            setting,
            comparison,
            methods,
            interventions,
            notes,
            outcomes_reported,
            risk_of_bias,
            reports,
        })
    })
}

fn reported_outcome(r: &mut Reader, node: Node) -> Option<ReportedOutcome> {
    let mut f = r.item_fields(node, &["outcome", "narrative"])?;
    let outcome = f.required(r, "outcome").and_then(|n| r.text("outcome", n));
    let narrative = f.optional(r, "narrative", Reader::text);
    r.whole_item(|| {
        Some(ReportedOutcome {
            outcome: outcome?,
            narrative,
        })
    })
}

fn rob_entry(r: &mut Reader, field: &str, node: Node) -> Option<RobEntry> {
    let mut f = r.fields_of(field, node, &["judgement", "support"])?;
    let judgement = f
        .required(r, "judgement")
        .and_then(|n| r.text("judgement", n));
    let support = f.optional(r, "support", Reader::text);
    Some(RobEntry {
        judgement: judgement?,
        support,
    })
}

fn excluded_study(r: &mut Reader, node: Node) -> Option<ExcludedStudy> {
    let mut f = r.item_fields(node, &["id", "reason", "references", "primary_reference"])?;
    let id = f.required(r, "id").and_then(|n| r.text("id", n));
    let reason = f.optional_text(r, "reason");
    let reports = reports(r, &mut f);
    r.whole_item(|| {
        Some(ExcludedStudy {
            id: id?,
            reason,
            reports,
        })
    })
}

fn other_study(r: &mut Reader, node: Node) -> Option<OtherStudy> {
    let mut f = r.item_fields(
        node,
        &["id", "description", "references", "primary_reference"],
    )?;
    let id = f.required(r, "id").and_then(|n| r.text("id", n));
    let description = f.optional(r, "description", Reader::text);
    let reports = reports(r, &mut f);
    r.whole_item(|| {
        Some(OtherStudy {
            id: id?,
            description,
            reports,
        })
    })
}

/// A study's `references` (citation keys, each with its place) and `primary_reference`.
fn reports(r: &mut Reader, f: &mut Fields) -> Reports {
    let keys = f
        .take("references")
        .map(|n| match n.value {
            // One key may be written without a list.
            Value::Scalar { .. } => r.text("references", n).into_iter().collect(),
            _ => r.list("references", n, |r, item| r.text("references", item)),
        })
        .unwrap_or_default();
    Reports {
        keys,
        primary: f.optional(r, "primary_reference", Reader::text),
    }
}

/// Reads analyses.yaml.
pub(crate) fn analyses(r: &mut Reader, root: Node) -> AnalysesFile {
    let mut f = r.fields(root, &["comparisons"]).unwrap_or_default();
    let comparisons = f
        .take("comparisons")
        .map(|n| r.list("comparisons", n, comparison))
        .unwrap_or_default();
    AnalysesFile {
        complete: r.complete,
        comparisons,
    }
}

fn comparison(r: &mut Reader, node: Node) -> Option<ComparisonSpec> {
    let mut f = r.item_fields(
        node,
        &[
            "id",
            "number",
            "name",
            "experimental",
            "control",
            "outcomes",
            "summary_of_findings",
        ],
    )?;
    let id = f.required(r, "id").and_then(|n| r.text("id", n));
    let number = f.optional(r, "number", Reader::text);
    let name = f.required(r, "name").and_then(|n| r.text("name", n));
    let experimental = f.optional_text(r, "experimental");
    let control = f.optional_text(r, "control");
    let outcomes = f
        .take("outcomes")
        .map(|n| r.list("outcomes", n, outcome))
        .unwrap_or_default();
    let summary_of_findings = f.optional(r, "summary_of_findings", summary::summary_of_findings);
    r.whole_item(|| {
        Some(ComparisonSpec {
            id: id?,
            number,
            name: name?.value,
            experimental,
            control,
            outcomes,
            summary_of_findings,
        })
    })
}

fn outcome(r: &mut Reader, node: Node) -> Option<OutcomeSpec> {
    const FIELDS: &[&str] = &[
        "outcome",
        "id",
        "number",
        "name",
        "type",
        "measure",
        "measure_name",
        "scale",
        "method",
        "model",
        "tau2",
        "hksj",
        "totals",
        "subgroup_test",
        "certainty",
        "important_effect",
        "assumed_risk",
        "studies",
        "data",
        "subgroups",
        "role",
        "sensitivity_of",
        "sensitivity",
        "experimental",
        "control",
    ];
    let mut f = r.item_fields(node, FIELDS)?;
    let outcome = f.required(r, "outcome").and_then(|n| r.text("outcome", n));
    let id = f.optional(r, "id", Reader::text);
    let number = f.optional(r, "number", Reader::text);
    let name = f.optional_text(r, "name");
    let data_type = f.required(r, "type").and_then(|n| {
        r.choice(
            "type",
            n,
            &[
                ("dichotomous", DataType::Dichotomous),
                ("continuous", DataType::Continuous),
                ("generic", DataType::Generic),
            ],
        )
    });
    let measure = f.required(r, "measure").and_then(|n| r.text("measure", n));
    let measure_name = f.optional(r, "measure_name", Reader::text);
    let scale = f.optional(r, "scale", |r, field, n| {
        r.choice(
            field,
            n,
            &[
                ("ratio", ScaleKey::Ratio),
                ("difference", ScaleKey::Difference),
            ],
        )
    });
    let method = f.optional(r, "method", |r, field, n| r.choice(field, n, METHODS));
    let model = f.optional(r, "model", |r, field, n| r.choice(field, n, MODELS));
    let tau2 = f.optional(r, "tau2", |r, field, n| r.choice(field, n, TAU2_ESTIMATORS));
    let hksj = f.optional(r, "hksj", Reader::flag);
    let totals = f.optional(r, "totals", |r, field, n| {
        r.choice(
            field,
            n,
            &[
                ("overall", Totals::Overall),
                ("subtotals", Totals::Subtotals),
                ("none", Totals::None),
            ],
        )
    });
    let subgroup_test = f.optional(r, "subgroup_test", Reader::flag);
    let certainty = f.optional(r, "certainty", certainty);
    let important_effect = f.optional(r, "important_effect", Reader::number);
    let assumed_risk = f.optional(r, "assumed_risk", Reader::number);
    let studies = f.optional(r, "studies", rows);
    let data = f.optional(r, "data", Reader::text);
    let subgroups = f.optional(r, "subgroups", |r, field, n| {
        Some(r.list(field, n, subgroup))
    });
    let (role, sensitivity_of) = summary::role(r, &mut f);
    let sensitivity = f.optional(r, "sensitivity", sensitivity::sensitivity);
    let experimental = f.optional_text(r, "experimental");
    let control = f.optional_text(r, "control");
    r.whole_item(|| {
        Some(OutcomeSpec {
            outcome: outcome?,
            id,
            number,
            name,
            data_type: data_type?,
            measure: measure?,
            measure_name,
            scale,
            method,
            model,
            tau2,
            hksj,
            totals,
            subgroup_test,
            certainty,
            important_effect,
            assumed_risk,
            studies,
            data,
            subgroups,
            role,
            sensitivity_of,
            sensitivity,
            experimental,
            control,
        })
    })
}

/// The pooling methods analyses.yaml names.
const METHODS: &[(&str, MethodKey)] = &[
    ("MH", MethodKey::MH),
    ("IV", MethodKey::IV),
    ("Peto", MethodKey::Peto),
];

/// The models analyses.yaml names.
const MODELS: &[(&str, ModelKey)] = &[("fixed", ModelKey::Fixed), ("random", ModelKey::Random)];

/// The tau² estimators analyses.yaml names.
const TAU2_ESTIMATORS: &[(&str, Tau2Key)] = &[
    ("DL", Tau2Key::DL),
    ("REML", Tau2Key::REML),
    ("PM", Tau2Key::PM),
];

/// GRADE's levels as written in GRADEpro and in this format: any capitalisation, with a space
/// or an underscore (`Very low`, `very_low`, `HIGH`).
fn certainty(r: &mut Reader, field: &str, node: Node) -> Option<Certainty> {
    let mut f = r.fields_of(
        field,
        node,
        &["level", "reasons", "footnotes", "grade_acknowledged"],
    )?;
    let mut at = Location::default();
    let level = f.required(r, "level").and_then(|n| {
        at = n.at;
        let at = n.at;
        let text = r.text("level", n)?;
        let level = match text.value.to_lowercase().replace('_', " ").as_str() {
            "very low" => CertaintyLevel::VeryLow,
            "low" => CertaintyLevel::Low,
            "moderate" => CertaintyLevel::Moderate,
            "high" => CertaintyLevel::High,
            _ => {
                r.unknown_variant(at, &text.value, &["high", "moderate", "low", "very low"]);
                return None;
            }
        };
        Some(level)
    });
    let reasons = f.optional(r, "reasons", Reader::texts).unwrap_or_default();
    let footnotes = f
        .take("footnotes")
        .map(|n| r.list("footnotes", n, |r, n| r.text("footnotes", n)))
        .unwrap_or_default();
    let grade_acknowledged = f.optional(r, "grade_acknowledged", grade::acknowledged);
    Some(Certainty {
        level: level?,
        reasons,
        footnotes,
        at,
        grade_acknowledged,
    })
}

#[allow(
    clippy::unnecessary_wraps,
    reason = "a field reader for `Fields::optional`, whose readers return Option"
)]
fn rows(r: &mut Reader, field: &str, node: Node) -> Option<Vec<RawRow>> {
    Some(r.list(field, node, row))
}

fn subgroup(r: &mut Reader, node: Node) -> Option<SubgroupSpec> {
    let mut f = r.item_fields(node, &["name", "number", "studies", "data"])?;
    let name = f.required(r, "name").and_then(|n| r.text("name", n));
    let number = f.optional(r, "number", Reader::text);
    let studies = f.optional(r, "studies", rows);
    let data = f.optional(r, "data", Reader::text);
    r.whole_item(|| {
        Some(SubgroupSpec {
            name: name?.value,
            number,
            studies,
            data,
        })
    })
}

/// A data row: any column names (rows.rs checks them against the data type), each a number
/// or a text. A null cell is left out, as an empty CSV cell is.
fn row(r: &mut Reader, node: Node) -> Option<RawRow> {
    let at = node.at;
    let Value::Map(entries) = node.value else {
        r.wrong_type(
            "studies",
            &node,
            "a data row (a mapping such as {study: ..., ...})",
        );
        return None;
    };
    let mut cells = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        if value.is_null() {
            continue;
        }
        let name = key_text(key);
        match value.value {
            Value::Scalar { text, plain } => {
                let number = if plain { yaml_number(&text) } else { None };
                cells.push((name, Located::new(Cell { text, number }, value.at)));
            }
            _ => r.wrong_type(&name, &value, "a number or a text"),
        }
    }
    Some(Located::new(cells, at))
}

/// A mapping key's text (the tree's keys are scalars).
fn key_text(key: Node) -> String {
    match key.value {
        Value::Scalar { text, .. } => text,
        _ => String::new(),
    }
}

/// Reads one file's tree, reporting into its own problems.
pub(crate) struct Reader<'a> {
    file: &'a SourceFile,
    problems: Problems,
    /// False once an item was left out or a required field was missing.
    complete: bool,
}

/// A mapping's entries, taken by name.
#[derive(Default)]
pub(crate) struct Fields {
    at: Location,
    entries: Vec<Option<(String, Node)>>,
}

impl Fields {
    /// The value of `name`, if given and not null.
    fn take(&mut self, name: &str) -> Option<Node> {
        let slot = self
            .entries
            .iter_mut()
            .find(|e| e.as_ref().is_some_and(|(k, _)| k == name))?;
        let (_, node) = slot.take()?;
        (!node.is_null()).then_some(node)
    }

    /// The value of a required field; its absence is reported at the mapping.
    fn required(&mut self, r: &mut Reader<'_>, name: &str) -> Option<Node> {
        let present = self
            .entries
            .iter()
            .any(|e| e.as_ref().is_some_and(|(k, _)| k == name));
        if !present {
            r.complete = false;
            let at = self.at;
            let file = r.file;
            r.problems.add(&file.path, MISSING_FIELD, |_| {
                file.error_at(at, format!("missing field `{name}`"))
            });
            return None;
        }
        let slot = self
            .entries
            .iter_mut()
            .find(|e| e.as_ref().is_some_and(|(k, _)| k == name))?;
        slot.take().map(|(_, node)| node)
    }

    /// The value of an optional field, read by `read` (None when absent, null or unreadable).
    fn optional<'f, T>(
        &mut self,
        r: &mut Reader<'f>,
        name: &str,
        read: impl FnOnce(&mut Reader<'f>, &str, Node) -> Option<T>,
    ) -> Option<T> {
        let node = self.take(name)?;
        read(r, name, node)
    }

    /// An optional text field, without its place.
    fn optional_text(&mut self, r: &mut Reader, name: &str) -> Option<String> {
        self.optional(r, name, Reader::text).map(|t| t.value)
    }
}

impl Reader<'_> {
    /// Reports a value of the wrong type: the field, what was expected, what was found.
    fn wrong_type(&mut self, field: &str, node: &Node, expected: &str) {
        let file = self.file;
        self.problems.add(&file.path, WRONG_TYPE, |_| {
            file.error_at(
                node.at,
                format!("{field}: expected {expected}, found {}", node.described()),
            )
        });
    }

    /// Reports a value that is not one of `choices`.
    fn unknown_variant(&mut self, at: Location, got: &str, choices: &[&str]) {
        let file = self.file;
        self.problems.add(&file.path, UNKNOWN_VARIANT, |hint| {
            file.error_at(at, format!("unknown variant `{got}`, {}", one_of(choices)))
                .suggest_if(hint, got, choices.iter().copied())
        });
    }

    /// `item()`, marking the file incomplete when the item lacks a field it needs.
    fn whole_item<T>(&mut self, item: impl FnOnce() -> Option<T>) -> Option<T> {
        let item = item();
        if item.is_none() {
            self.complete = false;
        }
        item
    }

    /// The fields of the file's top-level mapping.
    fn fields(&mut self, node: Node, known: &[&str]) -> Option<Fields> {
        if !matches!(node.value, Value::Map(_)) {
            let file = self.file;
            let found = node.described();
            self.complete = false;
            self.problems.push(file.error_at(
                node.at,
                format!(
                    "the file must be a mapping of fields such as `{}: ...`, found {found}",
                    known[0]
                ),
            ));
            return None;
        }
        self.fields_of("", node, known)
    }

    /// The fields of a list item (a mapping); a wrong item is reported and left out.
    fn item_fields(&mut self, node: Node, known: &[&str]) -> Option<Fields> {
        let fields = self.fields_of("list item", node, known);
        if fields.is_none() {
            self.complete = false;
        }
        fields
    }

    /// The fields of a mapping, reporting names that are not in `known`.
    fn fields_of(&mut self, field: &str, node: Node, known: &[&str]) -> Option<Fields> {
        let at = node.at;
        let Value::Map(entries) = node.value else {
            self.wrong_type(field, &node, "a mapping of fields");
            return None;
        };
        let mut fields = Fields {
            at,
            entries: Vec::with_capacity(entries.len()),
        };
        for (key, value) in entries {
            let key_at = key.at;
            let name = key_text(key);
            if !known.contains(&name.as_str()) {
                let file = self.file;
                self.problems.add(&file.path, UNKNOWN_FIELD, |hint| {
                    file.error_at(key_at, format!("unknown field `{name}`, {}", one_of(known)))
                        .suggest_if(hint, &name, known.iter().copied())
                });
                continue;
            }
            fields.entries.push(Some((name, value)));
        }
        Some(fields)
    }

    /// A mapping's entries with any names (risk-of-bias domains, exclusion reasons).
    fn entries(&mut self, field: &str, node: Node) -> Vec<(Located<String>, Node)> {
        let Value::Map(entries) = node.value else {
            self.wrong_type(field, &node, "a mapping");
            return Vec::new();
        };
        entries
            .into_iter()
            .map(|(key, value)| {
                let at = key.at;
                (Located::new(key_text(key), at), value)
            })
            .collect()
    }

    /// A list, each item read by `item`; items that cannot be read are left out.
    fn list<T>(
        &mut self,
        field: &str,
        node: Node,
        mut item: impl FnMut(&mut Self, Node) -> Option<T>,
    ) -> Vec<T> {
        let Value::Seq(items) = node.value else {
            self.wrong_type(field, &node, "a list");
            self.complete = false;
            return Vec::new();
        };
        items.into_iter().filter_map(|n| item(self, n)).collect()
    }

    /// A text: any scalar, as written.
    fn text(&mut self, field: &str, node: Node) -> Option<Located<String>> {
        if node.is_null() || !matches!(node.value, Value::Scalar { .. }) {
            self.wrong_type(field, &node, "a text");
            return None;
        }
        let at = node.at;
        match node.value {
            Value::Scalar { text, .. } => Some(Located::new(text, at)),
            _ => None,
        }
    }

    /// A list of texts.
    fn texts(&mut self, field: &str, node: Node) -> Option<Vec<String>> {
        let Value::Seq(items) = node.value else {
            self.wrong_type(field, &node, "a list of texts");
            return None;
        };
        Some(
            items
                .into_iter()
                .filter_map(|n| self.text(field, n).map(|t| t.value))
                .collect(),
        )
    }

    /// A whole number (`expected` says of what, for the message).
    fn whole(&mut self, field: &str, node: Node, expected: &str) -> Option<Located<i64>> {
        if let Value::Scalar { text, plain: true } = &node.value
            && let Some(n) = yaml_integer(text).and_then(|n| i64::try_from(n).ok())
        {
            return Some(Located::new(n, node.at));
        }
        self.wrong_type(field, &node, expected);
        None
    }

    /// A count: a whole number, 0 or more.
    fn count(&mut self, field: &str, node: Node) -> Option<u64> {
        if let Value::Scalar { text, plain: true } = &node.value
            && let Some(n) = yaml_integer(text).and_then(|n| u64::try_from(n).ok())
        {
            return Some(n);
        }
        self.wrong_type(field, &node, "a count (a whole number, 0 or more)");
        None
    }

    /// A number.
    fn number(&mut self, field: &str, node: Node) -> Option<Located<f64>> {
        if let Value::Scalar { text, plain: true } = &node.value
            && let Some(n) = yaml_number(text)
        {
            return Some(Located::new(n, node.at));
        }
        self.wrong_type(field, &node, "a number");
        None
    }

    /// `true` or `false` (also YAML 1.1's `yes`, `no`, `on`, `off`, as before).
    fn flag(&mut self, field: &str, node: Node) -> Option<Located<bool>> {
        if let Value::Scalar { text, plain: true } = &node.value
            && let Some(b) = yaml_bool(text)
        {
            return Some(Located::new(b, node.at));
        }
        self.wrong_type(field, &node, "true or false");
        None
    }

    /// One of the named `choices`.
    fn choice<T: Copy>(
        &mut self,
        field: &str,
        node: Node,
        choices: &[(&str, T)],
    ) -> Option<Located<T>> {
        let at = node.at;
        let text = self.text(field, node)?;
        if let Some((_, value)) = choices.iter().find(|(name, _)| *name == text.value) {
            Some(Located::new(*value, at))
        } else {
            let names: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
            self.unknown_variant(at, &text.value, &names);
            None
        }
    }
}

/// "expected one of `a`, `b`" as serde words it.
fn one_of(names: &[&str]) -> String {
    match names {
        [] => "there are no fields".to_string(),
        [one] => format!("expected `{one}`"),
        [a, b] => format!("expected `{a}` or `{b}`"),
        _ => format!(
            "expected one of {}",
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A boolean in any capitalisation: `true`, `yes`, `y`, `on` or `false`, `no`, `n`, `off`
/// (YAML 1.1's words, which serde-saphyr accepted too).
fn yaml_bool(text: &str) -> Option<bool> {
    let is = |word: &str| text.eq_ignore_ascii_case(word);
    if is("true") || is("yes") || is("y") || is("on") {
        Some(true)
    } else if is("false") || is("no") || is("n") || is("off") {
        Some(false)
    } else {
        None
    }
}

/// A plain YAML 1.2 integer: decimal (with `_` between digits), `0x`, `0o` or `0b`, signed.
fn yaml_integer(text: &str) -> Option<i128> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (radix, digits) = if let Some(d) = unsigned.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = unsigned.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = unsigned.strip_prefix("0b") {
        (2, d)
    } else {
        (10, unsigned)
    };
    let bytes = digits.as_bytes();
    let well_placed =
        |i: usize| i > 0 && i + 1 < bytes.len() && bytes[i - 1] != b'_' && bytes[i + 1] != b'_';
    let mut value: i128 = 0;
    let mut any = false;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'_' {
            if !well_placed(i) {
                return None;
            }
            continue;
        }
        let digit = char::from(b).to_digit(radix)?;
        value = value
            .checked_mul(i128::from(radix))?
            .checked_add(i128::from(digit))?;
        any = true;
    }
    any.then_some(if negative { -value } else { value })
}

/// A plain YAML 1.2 number: an integer, a decimal with an optional exponent, or `.inf`,
/// `-.inf`, `.nan`. Other words that Rust reads as numbers (`inf`, `NaN`) stay text.
pub(crate) fn yaml_number(text: &str) -> Option<f64> {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    match unsigned {
        ".inf" | ".Inf" | ".INF" if text.starts_with('-') => return Some(f64::NEG_INFINITY),
        ".inf" | ".Inf" | ".INF" => return Some(f64::INFINITY),
        ".nan" | ".NaN" | ".NAN" if text.len() == unsigned.len() => return Some(f64::NAN),
        _ => {}
    }
    if let Some(n) = yaml_integer(text) {
        return Some(n as f64);
    }
    let numeral = unsigned.starts_with(|c: char| c.is_ascii_digit())
        || (unsigned.starts_with('.') && unsigned[1..].starts_with(|c: char| c.is_ascii_digit()));
    if !numeral || unsigned.contains(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E') {
        return None;
    }
    text.parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_yaml_1_2() {
        assert_eq!(yaml_number("12"), Some(12.0));
        assert_eq!(yaml_number("-1.5e3"), Some(-1500.0));
        assert_eq!(yaml_number("1_000"), Some(1000.0));
        assert_eq!(yaml_number("0x10"), Some(16.0));
        assert_eq!(yaml_number(".5"), Some(0.5));
        assert_eq!(yaml_number("-.inf"), Some(f64::NEG_INFINITY));
        assert!(yaml_number(".nan").is_some_and(f64::is_nan));
        for text in ["inf", "NaN", "infinity", "1,5", "12 women", "", "e5", "-"] {
            assert_eq!(yaml_number(text), None, "{text}");
        }
        assert_eq!(yaml_integer("16.5"), None);
        assert_eq!(yaml_integer("-3"), Some(-3));
        assert_eq!(yaml_integer("1__0"), None);
    }

    #[test]
    fn booleans_take_yaml_1_1_words() {
        assert_eq!(yaml_bool("True"), Some(true));
        assert_eq!(yaml_bool("off"), Some(false));
        assert_eq!(yaml_bool("maybe"), None);
    }

    #[test]
    fn one_of_words_lists_as_serde_does() {
        assert_eq!(one_of(&["a"]), "expected `a`");
        assert_eq!(one_of(&["a", "b"]), "expected `a` or `b`");
        assert_eq!(one_of(&["a", "b", "c"]), "expected one of `a`, `b`, `c`");
    }
}
