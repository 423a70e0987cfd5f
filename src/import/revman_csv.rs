//! Review Manager 5's CSV analysis export ("Data and analyses" exported as CSV), also the
//! format of revmark's own results.csv: comparison rows, outcome rows with the settings,
//! subgroup rows and study rows, read into the typed document with the numbers the export
//! states as stored results.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::document::{Comparison, DataRow, Document, Group, Outcome, Stored, Study};
use super::{parse_row, row_problem, xml};
use crate::model::DataType;

/// Export columns and the Review Manager 5 attribute each stands for.
const STORED: &[(&str, &str)] = &[
    ("Effect Estimate", "EFFECT_SIZE"),
    ("SE", "SE"),
    ("CI Start", "CI_START"),
    ("CI End", "CI_END"),
    ("Weight", "WEIGHT"),
    ("Q", "CHI2"),
    ("P(Q)", "P_CHI2"),
    ("I²(Q)", "I2"),
    ("Tau²", "TAU2"),
    ("Z", "Z"),
    ("P(Z)", "P_Z"),
    ("Qint", "Q"),
    ("P(Qint)", "P_Q"),
    ("I²(Qint)", "I2_Q"),
    ("df", "DF"),
    ("Events 1", "EVENTS_1"),
    ("Total 1", "TOTAL_1"),
    ("Events 2", "EVENTS_2"),
    ("Total 2", "TOTAL_2"),
];

/// Study-row columns that hold entered data, by Review Manager 5 attribute.
const ENTERED: &[(&str, &str)] = &[
    ("Events 1", "EVENTS_1"),
    ("Total 1", "TOTAL_1"),
    ("Events 2", "EVENTS_2"),
    ("Total 2", "TOTAL_2"),
    ("Mean 1", "MEAN_1"),
    ("SD 1", "SD_1"),
    ("Mean 2", "MEAN_2"),
    ("SD 2", "SD_2"),
];

/// Columns read for every row kind; the rest are named in the report if they hold values.
const KNOWN: &[&str] = &[
    "Comparison Number",
    "Outcome Number",
    "Subgroup Number",
    "Name",
    "Data Type",
    "Statistical Method",
    "Effect Measure",
    "Analysis Model",
    "Mean 1",
    "SD 1",
    "Mean 2",
    "SD 2",
    "Group Label 1",
    "Group Label 2",
    "Left Graph Label",
    "Right Graph Label",
    "Year of study",
    "User defined order",
];

/// Reads the export's bytes (`name` is used in messages).
pub fn read(bytes: &[u8], name: &str) -> Result<Document, String> {
    super::check_size(bytes, name)?;
    let decoded = xml::decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(decoded.text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| format!("{name}: {e}"))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let column: BTreeMap<&str, usize> = header
        .iter()
        .enumerate()
        .map(|(i, h)| (h.as_str(), i))
        .collect();
    for required in [
        "Comparison Number",
        "Outcome Number",
        "Subgroup Number",
        "Name",
    ] {
        if !column.contains_key(required) {
            return Err(format!(
                "{name}: the column `{required}` is missing; export it from RevMan with the comparison, outcome and subgroup numbers{}",
                if column.contains_key("Analysis group") {
                    " (this looks like a RevMan Web data package file: import the package's .zip or its folder)"
                } else {
                    ""
                }
            ));
        }
    }
    let mut doc = Document {
        source: format!(
            "{name} (RevMan CSV analysis export), read as {}",
            decoded.encoding
        ),
        ..Document::default()
    };
    doc.review.title = std::path::Path::new(name).file_stem().map_or_else(
        || "Imported review".into(),
        |s| s.to_string_lossy().into_owned(),
    );
    doc.problems.push(
        "A CSV analysis export holds the analyses only: the review's text, characteristics of studies and risk of bias were not in it.".into(),
    );
    let stored_columns: HashSet<&str> = STORED.iter().map(|(c, _)| *c).collect();
    let mut unread: BTreeMap<String, usize> = BTreeMap::new();
    let mut studies: HashMap<String, usize> = HashMap::new();
    let mut skip_outcome = false;
    let mut current_subgroup = 0usize;
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = record.map_err(|e| format!("{name}: line {line}: {e}"))?;
        for (h, v) in header.iter().zip(record.iter()) {
            if !v.trim().is_empty()
                && !KNOWN.contains(&h.as_str())
                && !stored_columns.contains(h.as_str())
            {
                *unread.entry(format!("column {h}")).or_default() += 1;
            }
        }
        let cell = |h: &str| {
            let text = column
                .get(h)
                .and_then(|&i| record.get(i))
                .map_or("", str::trim);
            // revmark's own results.csv guards text against spreadsheet formulas with an
            // apostrophe (report::export::text_cell); take it off again.
            match text.strip_prefix('\'') {
                Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
                _ => text,
            }
        };
        let stored_of = |row_kind: &[&str]| {
            Stored(
                STORED
                    .iter()
                    .filter(|(c, _)| row_kind.is_empty() || row_kind.contains(c))
                    .filter_map(|(c, a)| Some((a.to_string(), cell(c).parse::<f64>().ok()?)))
                    .collect(),
            )
        };
        let int = |h: &str| cell(h).parse::<usize>().ok();
        let (Some(c_no), Some(o_no), Some(s_no)) = (
            int("Comparison Number"),
            int("Outcome Number"),
            int("Subgroup Number"),
        ) else {
            return Err(format!(
                "{name}: line {line}: the comparison, outcome and subgroup numbers must be whole numbers"
            ));
        };
        // Comparisons are numbered from 1 and come in order: a number far beyond the rows
        // read is not one (and would allocate that many comparisons).
        if c_no == 0 || c_no > doc.comparisons.len() + 1_000 {
            return Err(format!(
                "{name}: line {line}: comparison number {c_no} does not follow the comparisons before it"
            ));
        }
        let row_name = cell("Name").to_string();
        if doc.comparisons.len() < c_no {
            doc.comparisons.resize_with(c_no, Comparison::default);
        }
        let comparison = &mut doc.comparisons[c_no - 1];
        if o_no == 0 {
            comparison.name = row_name;
            continue;
        }
        let number = format!("{c_no}.{o_no}");
        if s_no == 0 && !cell("Data Type").is_empty() {
            current_subgroup = 0;
            let kind = cell("Data Type").to_string();
            let data_type = match kind.to_ascii_uppercase().as_str() {
                "DIC" | "DICH" => Some(DataType::Dichotomous),
                "CON" | "CONT" => Some(DataType::Continuous),
                "GIV" | "IV" => Some(DataType::Generic),
                _ => None,
            };
            skip_outcome = false;
            // Kept where it is not the outcome's position (a gap in the numbers).
            let own_number = (o_no != comparison.outcomes.len() + 1).then(|| o_no.to_string());
            comparison.outcomes.push(Outcome {
                id: String::new(),
                number: own_number,
                name: row_name,
                data_type,
                kind,
                effect_measure: cell("Effect Measure").to_string(),
                method: cell("Statistical Method").to_string(),
                random: cell("Analysis Model").eq_ignore_ascii_case("random"),
                log_data: false,
                totals: Default::default(),
                no_subgroup_test: false,
                swap_events: false,
                confidence: BTreeMap::new(),
                display: BTreeMap::new(),
                group_label_1: cell("Group Label 1").to_string(),
                group_label_2: cell("Group Label 2").to_string(),
                graph_label_1: cell("Left Graph Label").to_string(),
                graph_label_2: cell("Right Graph Label").to_string(),
                stored: stored_of(&[]),
                has_subgroups: false,
                groups: vec![Group::default()],
                footnotes: Vec::new(),
            });
            continue;
        }
        let Some(outcome) = comparison.outcomes.last_mut() else {
            doc.problems.push(format!(
                "{name}: line {line}: a study row before any outcome row was not imported."
            ));
            continue;
        };
        if skip_outcome {
            continue;
        }
        if s_no != current_subgroup {
            // The first row of a new subgroup number is the subgroup's own row.
            current_subgroup = s_no;
            if !outcome.has_subgroups {
                outcome.has_subgroups = true;
                outcome.groups.clear();
            }
            let position = outcome.groups.len() + 1;
            outcome.groups.push(Group {
                number: (s_no != position).then(|| s_no.to_string()),
                name: Some(row_name),
                stored: stored_of(&[]),
                ..Group::default()
            });
            continue;
        }
        let Some(data_type) = outcome.data_type else {
            skip_outcome = true;
            continue;
        };
        let ratio =
            data_type == DataType::Generic && super::is_ratio_label(&outcome.effect_measure);
        let entered: BTreeMap<String, String> = ENTERED
            .iter()
            .filter(|(c, _)| !cell(c).is_empty())
            .filter(|(_, a)| match data_type {
                DataType::Dichotomous => a.starts_with("EVENTS") || a.starts_with("TOTAL"),
                DataType::Continuous => !a.starts_with("EVENTS"),
                DataType::Generic => a.starts_with("TOTAL"),
            })
            .map(|(c, a)| (a.to_string(), cell(c).to_string()))
            .chain(
                (data_type == DataType::Generic)
                    .then(|| ("SE".to_string(), cell("SE").to_string())),
            )
            .collect();
        // The export gives a generic estimate on the natural scale and its SE on the
        // analysis scale.
        let estimate = cell("Effect Estimate")
            .parse::<f64>()
            .ok()
            .map(|v| if ratio { v.ln() } else { v });
        let mut row = DataRow {
            study: row_name.clone(),
            known_study: true,
            entered,
            stored: stored_of(&["Effect Estimate", "SE", "CI Start", "CI End", "Weight"]),
            ..DataRow::default()
        };
        if data_type == DataType::Generic {
            row.stored.0.remove("SE");
        }
        match parse_row(data_type, &row.entered, estimate) {
            Ok((values, totals)) => {
                if let Some(why) = row_problem(&values) {
                    row.problem = Some(why.to_string());
                } else {
                    row.values = Some(values);
                    row.generic_totals = totals;
                }
            }
            Err(why) => row.problem = Some(why),
        }
        if let Some(why) = &row.problem {
            doc.problems.push(format!(
                "Analysis {number} \"{}\": the row of study {row_name} (line {line}) was not imported: {why}.",
                outcome.name
            ));
        }
        if !studies.contains_key(&row_name) {
            studies.insert(row_name.clone(), doc.studies.included.len());
            doc.studies.included.push(Study {
                revman_id: row_name.clone(),
                id: row_name.clone(),
                year: cell("Year of study").to_string(),
                ..Study::default()
            });
        }
        if let Some(g) = outcome.groups.last_mut() {
            g.rows.push(row);
        }
    }
    doc.unread = unread.into_iter().collect();
    Ok(doc)
}
