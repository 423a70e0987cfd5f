//! RevMan Web data packages: the zip Review Manager Web exports (version 1: a folder with the
//! article, forest plots and a `<CD>-data.zip` inside; the 2024 layout: the data folders at the
//! top), or the folder it was extracted to. The analysis files (`*-overall-estimates-and-
//! settings.csv`, `*-data-rows.csv`, `*-subgroup-estimates.csv`) and the study files
//! (`*-study-information.csv`, `*-risk-of-bias.csv`, `*.ris`) are read into the typed document,
//! with the numbers the package states as stored results. The columns are those R's meta
//! package (`read.cdir`) reads, in both layouts. The group labels the settings leave empty are
//! read from the forest plots.
//!
//! The zip is read with rawzip (no dependencies) and inflated with miniz_oxide (DEFLATE only,
//! which is what Review Manager writes), each entry and the whole within the 64 MiB limit.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::document::{
    Comparison, DataRow, Document, Group, Outcome, QualityEntry, QualityItem, Reference, Stored,
    Study, Totals,
};
use super::{parse_row, row_problem, xml};
use crate::model::DataType;

/// Most files read from a package (Review Manager writes about a dozen).
const MAX_FILES: usize = 10_000;

/// A package's files by path ('/'-separated), nested zips expanded in place.
type Files = BTreeMap<String, Vec<u8>>;

/// Reads a data package's zip (`name` is used in messages).
pub fn read_zip(bytes: &[u8], name: &str) -> Result<Document, String> {
    super::check_size(bytes, name)?;
    let mut files = Files::new();
    let mut budget = crate::load::MAX_FILE_BYTES;
    unzip(bytes, "", 0, &mut files, &mut budget).map_err(|e| format!("{name}: {e}"))?;
    from_files(&files, name)
}

/// Reads an extracted data package (`dir` and its folders; a nested `*-data.zip` is read too).
pub fn read_dir(dir: &Path) -> Result<Document, String> {
    let name = dir.display().to_string();
    let mut files = Files::new();
    let mut budget = crate::load::MAX_FILE_BYTES;
    walk(dir, "", 0, &mut files, &mut budget).map_err(|e| format!("{name}: {e}"))?;
    from_files(&files, &name)
}

/// Adds a file, expanding a zip inside the package once.
fn add(
    path: String,
    bytes: Vec<u8>,
    depth: usize,
    files: &mut Files,
    budget: &mut u64,
) -> Result<(), String> {
    if files.len() >= MAX_FILES {
        return Err(format!("more than {MAX_FILES} files"));
    }
    if path.to_ascii_lowercase().ends_with(".zip") && depth == 0 {
        let folder = path.rsplit_once('/').map_or("", |(f, _)| f).to_string();
        return unzip(&bytes, &folder, depth + 1, files, budget)
            .map_err(|e| format!("{path}: {e}"));
    }
    files.insert(path, bytes);
    Ok(())
}

fn unzip(
    bytes: &[u8],
    prefix: &str,
    depth: usize,
    files: &mut Files,
    budget: &mut u64,
) -> Result<(), String> {
    let archive =
        rawzip::ZipArchive::from_slice(bytes).map_err(|e| format!("not a zip file ({e})"))?;
    let mut entries = archive.entries();
    while let Some(entry) = entries
        .next_entry()
        .map_err(|e| format!("a broken zip file ({e})"))?
    {
        if entry.is_dir() {
            continue;
        }
        let path = entry
            .file_path()
            .try_normalize()
            .map_err(|e| format!("an entry with an unsafe name ({e})"))?;
        let path = if prefix.is_empty() {
            path.as_ref().to_string()
        } else {
            format!("{prefix}/{}", path.as_ref())
        };
        let local = archive
            .get_entry(entry.wayfinder())
            .map_err(|e| format!("{path}: {e}"))?;
        let limit = usize::try_from(*budget).unwrap_or(usize::MAX);
        let data = match entry.compression_method() {
            rawzip::CompressionMethod::STORE => {
                let data = local.data();
                if data.len() > limit {
                    return Err(too_large());
                }
                data.to_vec()
            }
            rawzip::CompressionMethod::DEFLATE => {
                miniz_oxide::inflate::decompress_to_vec_with_limit(local.data(), limit).map_err(
                    |e| {
                        if e.status == miniz_oxide::inflate::TINFLStatus::HasMoreOutput {
                            too_large()
                        } else {
                            format!("{path}: not valid DEFLATE data")
                        }
                    },
                )?
            }
            other => {
                return Err(format!(
                    "{path}: compression method {} is not supported (Review Manager writes DEFLATE)",
                    other.as_u16()
                ));
            }
        };
        if rawzip::crc32(&data) != entry.crc32() {
            return Err(format!("{path}: the data does not match its checksum"));
        }
        *budget -= data.len() as u64;
        add(path, data, depth, files, budget)?;
    }
    Ok(())
}

fn too_large() -> String {
    format!(
        "its files hold more than {} bytes; revmark reads at most that",
        crate::load::MAX_FILE_BYTES
    )
}

fn walk(
    dir: &Path,
    prefix: &str,
    depth: usize,
    files: &mut Files,
    budget: &mut u64,
) -> Result<(), String> {
    if depth > 8 {
        return Err("folders nested too deeply".into());
    }
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        // Links are not followed: a package is what lies in its folder.
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            walk(&entry.path(), &path, depth + 1, files, budget)?;
        } else if kind.is_file() {
            use std::io::Read;
            let mut bytes = Vec::new();
            std::fs::File::open(entry.path())
                .and_then(|f| f.take(*budget + 1).read_to_end(&mut bytes))
                .map_err(|e| format!("cannot read {path}: {e}"))?;
            if bytes.len() as u64 > *budget {
                return Err(too_large());
            }
            *budget -= bytes.len() as u64;
            add(path, bytes, 0, files, budget)?;
        }
    }
    Ok(())
}

/// A package's CSV file: its header and rows, cells trimmed.
struct Table {
    file: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn read(file: &str, bytes: &[u8]) -> Result<Table, String> {
        let text = xml::decode(bytes).text;
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let header = reader
            .headers()
            .map_err(|e| format!("{file}: {e}"))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let mut rows = Vec::new();
        for (i, r) in reader.records().enumerate() {
            let r = r.map_err(|e| format!("{file}: line {}: {e}", i + 2))?;
            rows.push(r.iter().map(|c| c.trim().to_string()).collect());
        }
        Ok(Table {
            file: file.to_string(),
            header,
            rows,
        })
    }

    fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    fn cell<'r>(&self, row: &'r [String], name: &str) -> &'r str {
        self.column(name)
            .and_then(|i| row.get(i))
            .map_or("", String::as_str)
    }
}

/// The file whose name ends with `suffix`, if the package has one.
fn find<'f>(files: &'f Files, suffix: &str) -> Option<(&'f String, &'f Vec<u8>)> {
    files.iter().find(|(p, _)| p.ends_with(suffix))
}

/// Review Manager 5's attribute for each result column of the analysis files.
const RESULTS: &[(&str, &str)] = &[
    ("Mean", "EFFECT_SIZE"),
    ("CI start", "CI_START"),
    ("CI end", "CI_END"),
    ("Weight", "WEIGHT"),
    ("Experimental cases", "EVENTS_1"),
    ("Experimental N", "TOTAL_1"),
    ("Control cases", "EVENTS_2"),
    ("Control N", "TOTAL_2"),
    ("Heterogeneity Tau²", "TAU2"),
    ("Heterogeneity Chi²", "CHI2"),
    ("Heterogeneity df", "DF"),
    ("Heterogeneity P", "P_CHI2"),
    ("Heterogeneity I²", "I2"),
    ("Effect Z", "Z"),
    ("Effect P", "P_Z"),
    ("Subgroup Chi²", "Q"),
    ("Subgroup df", "DF_Q"),
    ("Subgroup P", "P_Q"),
    ("Subgroup I²", "I2_Q"),
];

fn results(t: &Table, row: &[String], columns: &[&str]) -> Stored {
    Stored(
        RESULTS
            .iter()
            .filter(|(c, _)| columns.contains(c))
            .filter_map(|(c, a)| {
                Some((
                    a.to_string(),
                    t.cell(row, c)
                        .parse::<f64>()
                        .ok()
                        .filter(|v| v.is_finite())?,
                ))
            })
            .collect(),
    )
}

/// Columns of the settings file that are read (both layouts).
const SETTINGS: &[&str] = &[
    "Analysis group",
    "Analysis number",
    "Analysis name",
    "Analysis group name",
    "Data type",
    "Log-scale data",
    "Experimental group label",
    "Control group label",
    "Statistical method",
    "Effect measure",
    "Analysis model",
    "Subgroup estimates",
    "Overall estimates",
    "Test for subgroup differences",
    "Swap event and non-event",
    "Study CI",
    "Estimate CI",
    "CI/PI level",
    "Graph label (left)",
    "Graph label (right)",
    "ID",
];

/// Columns of the data rows file that are read.
const DATA_ROWS: &[&str] = &[
    "Analysis group",
    "Analysis number",
    "Analysis name",
    "Subgroup",
    "Applicability",
    "Study",
    "Study year",
    "GIV Mean",
    "GIV SE",
    "Experimental mean",
    "Experimental SD",
    "Experimental cases",
    "Experimental N",
    "Control mean",
    "Control SD",
    "Control cases",
    "Control N",
    "O-E",
    "Variance",
    "Weight",
    "Mean",
    "CI start",
    "CI end",
    "Footnotes",
];

/// Notes every column with values that is not read.
fn unread_columns(t: &Table, read: &[&str], out: &mut BTreeMap<String, usize>) {
    for (i, h) in t.header.iter().enumerate() {
        if read.contains(&h.as_str()) || RESULTS.iter().any(|(c, _)| c == h) {
            continue;
        }
        let n = t
            .rows
            .iter()
            .filter(|r| r.get(i).is_some_and(|c| !c.is_empty() && c != "#N/A"))
            .count();
        if n > 0 {
            let file = t.file.rsplit('/').next().unwrap_or(&t.file);
            *out.entry(format!("{file}: column {h}")).or_default() += n;
        }
    }
}

fn yes(v: &str) -> bool {
    v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("yes")
}

fn from_files(files: &Files, name: &str) -> Result<Document, String> {
    if find(files, "-parameters.csv").is_some() {
        return Err(format!(
            "{name}: a data package of a diagnostic test accuracy review, which revmark does not import"
        ));
    }
    let table = |suffix: &str| -> Result<Option<Table>, String> {
        find(files, suffix)
            .map(|(p, b)| Table::read(p, b))
            .transpose()
    };
    let (Some(settings), Some(data)) = (
        table("-overall-estimates-and-settings.csv")?,
        table("-data-rows.csv")?,
    ) else {
        return Err(format!(
            "{name}: not a RevMan Web data package (no *-overall-estimates-and-settings.csv and *-data-rows.csv in it)"
        ));
    };
    let subgroups = table("-subgroup-estimates.csv")?;
    let mut doc = Document {
        source: format!("{name} (RevMan Web data package)"),
        ..Document::default()
    };
    let mut unread: BTreeMap<String, usize> = BTreeMap::new();
    unread_columns(&settings, SETTINGS, &mut unread);
    unread_columns(&data, DATA_ROWS, &mut unread);
    if let Some(s) = &subgroups {
        unread_columns(
            s,
            &[
                "Analysis group",
                "Analysis number",
                "Subgroup",
                "Subgroup number",
                "ID",
            ],
            &mut unread,
        );
    }
    doc.review.title = Path::new(name).file_stem().map_or_else(
        || "Imported review".into(),
        |s| s.to_string_lossy().into_owned(),
    );
    // The analyses, in the settings file's order.
    let mut by_number: HashMap<(String, String), (usize, usize)> = HashMap::new();
    for row in &settings.rows {
        let c = |h: &str| settings.cell(row, h);
        let (group, number) = (
            c("Analysis group").to_string(),
            c("Analysis number").to_string(),
        );
        let ci = if let Some(i) = doc.comparisons.iter().position(|x| x.id == group) {
            i
        } else {
            doc.comparisons.push(Comparison {
                id: group.clone(),
                number: (group != (doc.comparisons.len() + 1).to_string()).then(|| group.clone()),
                name: c("Analysis group name").to_string(),
                outcomes: Vec::new(),
            });
            doc.comparisons.len() - 1
        };
        let kind = c("Data type").to_string();
        let data_type = match kind.as_str() {
            "Dichotomous" => Some(DataType::Dichotomous),
            "Continuous" => Some(DataType::Continuous),
            "Contrast level" => Some(DataType::Generic),
            _ => None,
        };
        let totals = match (yes(c("Overall estimates")), yes(c("Subgroup estimates"))) {
            (true, _) => Totals::Overall,
            (false, true) => Totals::Subtotals,
            (false, false) => Totals::None,
        };
        let mut confidence = BTreeMap::new();
        for (column, key) in [
            ("Study CI", "CI_STUDY"),
            ("Estimate CI", "CI_TOTAL"),
            ("CI/PI level", "CI_TOTAL"),
        ] {
            let v = c(column).trim_end_matches('%');
            if !v.is_empty() && v != "95" {
                confidence.insert(key.to_string(), v.to_string());
            }
        }
        let outcomes = &mut doc.comparisons[ci].outcomes;
        by_number.insert((group, number.clone()), (ci, outcomes.len()));
        outcomes.push(Outcome {
            id: c("ID").to_string(),
            number: (number != (outcomes.len() + 1).to_string()).then(|| number.clone()),
            name: c("Analysis name").to_string(),
            data_type,
            kind,
            effect_measure: c("Effect measure").to_string(),
            method: c("Statistical method").to_string(),
            random: c("Analysis model")
                .to_ascii_lowercase()
                .starts_with("random"),
            log_data: yes(c("Log-scale data")),
            totals,
            no_subgroup_test: !yes(c("Test for subgroup differences")),
            swap_events: yes(c("Swap event and non-event")),
            confidence,
            display: BTreeMap::new(),
            group_label_1: c("Experimental group label").to_string(),
            group_label_2: c("Control group label").to_string(),
            graph_label_1: c("Graph label (left)").to_string(),
            graph_label_2: c("Graph label (right)").to_string(),
            stored: results(
                &settings,
                row,
                &RESULTS
                    .iter()
                    .map(|(c, _)| *c)
                    .filter(|c| *c != "Weight")
                    .collect::<Vec<_>>(),
            ),
            has_subgroups: false,
            groups: Vec::new(),
            footnotes: Vec::new(),
        });
    }
    // RevMan Web leaves the group labels out of the settings it exports but prints them over
    // the forest plot it exports beside them.
    let mut figures_read = Vec::new();
    let mut analyses: Vec<_> = by_number.iter().map(|(key, &at)| (at, key)).collect();
    analyses.sort();
    for ((ci, oi), (group, number)) in analyses {
        let o = &mut doc.comparisons[ci].outcomes[oi];
        if !(o.group_label_1.is_empty() && o.group_label_2.is_empty()) {
            continue;
        }
        let figure = format!("-CMP-{group:0>3}.{number:0>2}.svg");
        let Some((path, svg)) = find(files, &figure) else {
            continue;
        };
        if let Some((experimental, control)) = figure_group_labels(svg) {
            doc.problems.push(format!(
                "Analysis {group}.{number}: the settings leave its group labels empty; they are read from its forest plot ({}): \"{experimental}\" and \"{control}\".",
                path.rsplit('/').next().unwrap_or(path)
            ));
            (o.group_label_1, o.group_label_2) = (experimental, control);
            figures_read.push(path.clone());
        }
    }
    // Subgroups, by their number.
    if let Some(s) = &subgroups {
        let mut rows: Vec<&Vec<String>> = s.rows.iter().collect();
        rows.sort_by_key(|r| {
            s.cell(r, "Subgroup number")
                .parse::<u32>()
                .unwrap_or(u32::MAX)
        });
        for row in rows {
            let key = (
                s.cell(row, "Analysis group").to_string(),
                s.cell(row, "Analysis number").to_string(),
            );
            let Some(&(ci, oi)) = by_number.get(&key) else {
                doc.problems.push(format!("{}: a subgroup of analysis {}.{}, which the settings do not list, was not imported.", s.file, key.0, key.1));
                continue;
            };
            let o = &mut doc.comparisons[ci].outcomes[oi];
            o.has_subgroups = true;
            let position = o.groups.len() + 1;
            let number = s.cell(row, "Subgroup number").to_string();
            o.groups.push(Group {
                id: s.cell(row, "ID").to_string(),
                number: (number != position.to_string()).then_some(number),
                name: Some(s.cell(row, "Subgroup").to_string()),
                stored: results(s, row, &RESULTS.iter().map(|(c, _)| *c).collect::<Vec<_>>()),
                rows: Vec::new(),
            });
        }
    }
    // Study rows; studies in the order they first appear.
    let mut studies: HashMap<String, usize> = HashMap::new();
    for (i, row) in data.rows.iter().enumerate() {
        let c = |h: &str| data.cell(row, h);
        let line = i + 2;
        let key = (
            c("Analysis group").to_string(),
            c("Analysis number").to_string(),
        );
        let Some(&(ci, oi)) = by_number.get(&key) else {
            doc.problems.push(format!("{}: line {line}: a row of analysis {}.{}, which the settings do not list, was not imported.", data.file, key.0, key.1));
            continue;
        };
        let study = c("Study").to_string();
        if !studies.contains_key(&study) {
            studies.insert(study.clone(), doc.studies.included.len());
            doc.studies.included.push(Study {
                revman_id: study.clone(),
                id: study.clone(),
                year: c("Study year").to_string(),
                ..Study::default()
            });
        }
        let o = &mut doc.comparisons[ci].outcomes[oi];
        let applicability = c("Applicability");
        if !applicability.is_empty() && applicability != "SUBGROUP_AND_OVERALL" {
            doc.problems.push(format!(
                "Analysis {}.{} \"{}\": the row of study {study} applies as `{applicability}`; revmark counts every row in its subgroup and the total.",
                key.0, key.1, o.name
            ));
        }
        let Some(data_type) = o.data_type else {
            continue;
        };
        let pairs: &[(&str, &str)] = match data_type {
            DataType::Dichotomous => &[
                ("EVENTS_1", "Experimental cases"),
                ("TOTAL_1", "Experimental N"),
                ("EVENTS_2", "Control cases"),
                ("TOTAL_2", "Control N"),
            ],
            DataType::Continuous => &[
                ("MEAN_1", "Experimental mean"),
                ("SD_1", "Experimental SD"),
                ("TOTAL_1", "Experimental N"),
                ("MEAN_2", "Control mean"),
                ("SD_2", "Control SD"),
                ("TOTAL_2", "Control N"),
            ],
            DataType::Generic => &[
                ("ESTIMATE", "GIV Mean"),
                ("SE", "GIV SE"),
                ("TOTAL_1", "Experimental N"),
                ("TOTAL_2", "Control N"),
            ],
        };
        let entered: BTreeMap<String, String> = pairs
            .iter()
            .filter(|(_, col)| !c(col).is_empty())
            .map(|(k, col)| (k.to_string(), c(col).to_string()))
            .collect();
        let mut r = DataRow {
            study,
            known_study: true,
            entered,
            stored: results(&data, row, &["Mean", "CI start", "CI end", "Weight"]),
            footnote: c("Footnotes").to_string(),
            ..DataRow::default()
        };
        match parse_row(data_type, &r.entered, None) {
            Ok((values, totals)) => {
                if let Some(why) = row_problem(&values) {
                    r.problem = Some(why.to_string());
                } else {
                    r.values = Some(values);
                    r.generic_totals = totals;
                }
            }
            Err(why) => r.problem = Some(why),
        }
        if let Some(why) = &r.problem {
            doc.problems.push(format!(
                "Analysis {}.{} \"{}\": the row of study {} ({}, line {line}) was not imported: {why}.",
                key.0, key.1, o.name, r.study, data.file
            ));
        }
        let subgroup = c("Subgroup");
        if o.has_subgroups {
            if let Some(g) = o
                .groups
                .iter_mut()
                .find(|g| g.name.as_deref() == Some(subgroup))
            {
                g.rows.push(r);
            } else {
                o.groups.push(Group {
                    name: Some(subgroup.to_string()),
                    ..Group::default()
                });
                if let Some(g) = o.groups.last_mut() {
                    g.rows.push(r);
                }
            }
        } else {
            if o.groups.is_empty() {
                o.groups.push(Group::default());
            }
            o.groups[0].rows.push(r);
        }
    }
    for o in doc.comparisons.iter_mut().flat_map(|c| &mut c.outcomes) {
        if o.groups.is_empty() {
            o.groups.push(Group::default());
        }
    }
    studies_files(files, &mut doc, &studies, &mut unread)?;
    // Everything else in the package (the article, forest plots not read) is named.
    let used = [
        "-overall-estimates-and-settings.csv",
        "-data-rows.csv",
        "-subgroup-estimates.csv",
        "-study-information.csv",
        "-risk-of-bias.csv",
        ".ris",
    ];
    for path in files
        .keys()
        .filter(|p| !used.iter().any(|u| p.ends_with(u)) && !figures_read.contains(p))
    {
        *unread.entry(format!("file {path}")).or_default() += 1;
    }
    doc.unread = unread.into_iter().collect();
    Ok(doc)
}

/// The two groups' labels Review Manager printed over a forest plot's columns: the texts above
/// the row of column headings that begins "Study or Subgroup" and left of its "Weight" (right
/// of it the effect measure's name is printed over the estimates and the plot), left to right;
/// `None` when the figure has not exactly two there.
fn figure_group_labels(svg: &[u8]) -> Option<(String, String)> {
    let text = std::str::from_utf8(svg).ok()?;
    let doc = xml::parse(text).ok()?;
    let texts: Vec<(f64, f64, String)> = xml::descendants(doc.root(), "text")
        .filter_map(|t| {
            let at = |name: &str| t.attribute(name)?.parse::<f64>().ok();
            let words: String = t
                .descendants()
                .filter(roxmltree::Node::is_text)
                .filter_map(|n| n.text())
                .collect();
            Some((at("y")?, at("x")?, words.trim().to_string()))
        })
        .collect();
    let heading = |name: &str| texts.iter().find(|t| t.2 == name);
    let headings = heading("Study or Subgroup")?.0;
    let weight = heading("Weight").filter(|t| t.0 == headings)?.1;
    let mut above: Vec<&(f64, f64, String)> = texts
        .iter()
        .filter(|t| t.0 < headings && t.1 < weight && !t.2.is_empty())
        .collect();
    above.sort_by(|a, b| a.1.total_cmp(&b.1));
    match above[..] {
        [experimental, control] => Some((experimental.2.clone(), control.2.clone())),
        _ => None,
    }
}

/// Study information, risk of bias and references.
fn studies_files(
    files: &Files,
    doc: &mut Document,
    studies: &HashMap<String, usize>,
    unread: &mut BTreeMap<String, usize>,
) -> Result<(), String> {
    if let Some((path, bytes)) = find(files, "-study-information.csv") {
        let t = Table::read(path, bytes)?;
        let mut read = vec!["Study", "Year", "Data source"];
        let chars: Vec<&String> = t
            .header
            .iter()
            .filter(|h| h.starts_with("Char: "))
            .collect();
        read.extend(chars.iter().map(|h| h.as_str()));
        unread_columns(&t, &read, unread);
        for row in &t.rows {
            let study = t.cell(row, "Study");
            let Some(&at) = studies.get(study) else {
                doc.problems.push(format!(
                    "{}: study {study} has no analysis rows; its information was not imported.",
                    t.file
                ));
                continue;
            };
            let s = &mut doc.studies.included[at];
            if s.year.is_empty() {
                s.year = t.cell(row, "Year").to_string();
            }
            let source = t.cell(row, "Data source");
            if !source.is_empty() {
                s.attributes
                    .insert("DATA_SOURCE".into(), source.to_string());
            }
            for h in &chars {
                let v = t.cell(row, h);
                if !v.is_empty() {
                    // A name like Review Manager 5's (CHAR_METHODS): letters, digits and `_`.
                    let tag: String = format!("CHAR_{}", &h["Char: ".len()..])
                        .to_ascii_uppercase()
                        .chars()
                        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                        .collect();
                    s.characteristics.insert(tag, super::rm5::escape(v));
                }
            }
        }
    }
    if let Some((path, bytes)) = find(files, "-risk-of-bias.csv") {
        let t = Table::read(path, bytes)?;
        let mut read = vec!["Study"];
        for (i, h) in t.header.iter().enumerate() {
            let Some(domain) = h.strip_prefix("Domain (judgement): ") else {
                continue;
            };
            read.push(h);
            let support = format!("Domain (support): {domain}");
            // Judgements with no RoB 1 meaning ("Not applicable"), and their studies.
            let mut other: BTreeMap<String, Vec<String>> = BTreeMap::new();
            let mut item = QualityItem {
                name: domain.to_string(),
                domains: super::rm5::domains_of(domain),
                ..QualityItem::default()
            };
            for row in &t.rows {
                let study = t.cell(row, "Study");
                let judgement = row.get(i).map_or("", String::as_str);
                let text = judgement.to_ascii_lowercase();
                let judgement = if text.starts_with("low") {
                    "low"
                } else if text.starts_with("high") {
                    "high"
                } else if text.starts_with("unclear") || text.starts_with("some concerns") {
                    "unclear"
                } else {
                    if !judgement.is_empty() {
                        other
                            .entry(judgement.to_string())
                            .or_default()
                            .push(study.to_string());
                    }
                    continue;
                };
                if studies.contains_key(study) {
                    item.entries.push(QualityEntry {
                        study: study.to_string(),
                        group: String::new(),
                        judgement,
                        support: super::rm5::escape(t.cell(row, &support)),
                    });
                }
            }
            for (judgement, studies) in other {
                doc.problems.push(format!(
                    "Risk of bias \"{domain}\": the judgement \"{judgement}\" of {} ({}) was not imported.",
                    crate::english::count_noun(studies.len() as u64, "study"),
                    studies.join(", ")
                ));
            }
            doc.risk_of_bias.push(item);
        }
        let supports: Vec<String> = t
            .header
            .iter()
            .filter(|h| h.starts_with("Domain (support): "))
            .cloned()
            .collect();
        read.extend(supports.iter().map(String::as_str));
        unread_columns(&t, &read, unread);
    }
    for (path, bytes) in files.iter().filter(|(p, _)| {
        std::path::Path::new(p.as_str())
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("ris"))
    }) {
        for reference in ris(&xml::decode(bytes).text) {
            let study = reference.fields.get("NS").cloned().unwrap_or_default();
            if let Some(&at) = studies.get(&study) {
                doc.studies.included[at].references.push(reference);
            } else {
                let _ = path;
                doc.references.additional.push(reference);
            }
        }
    }
    Ok(())
}

/// The records of an RIS file: `TY` is the kind, every other tag a field (repeated tags
/// joined with "; ").
fn ris(text: &str) -> Vec<Reference> {
    let mut out = Vec::new();
    let mut current: Option<Reference> = None;
    for line in text.lines() {
        let line = line.trim_start_matches('\u{feff}');
        let (tag, value) = match (line.get(..2), line.get(2..6)) {
            (Some(tag), Some("  - ")) => (tag, line[6..].trim()),
            (Some(tag), Some(rest)) if rest.trim_end() == "  -" => (tag, ""),
            _ => continue,
        };
        match tag {
            "TY" => {
                current = Some(Reference {
                    kind: value.to_string(),
                    ..Reference::default()
                });
            }
            "ER" => out.extend(current.take()),
            _ => {
                if let Some(r) = current.as_mut().filter(|_| !value.is_empty()) {
                    r.fields
                        .entry(tag.to_string())
                        .and_modify(|v| {
                            v.push_str("; ");
                            v.push_str(value);
                        })
                        .or_insert_with(|| value.to_string());
                }
            }
        }
    }
    out.extend(current);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ris_records() {
        let refs = ris(
            "\u{feff}TY  - JOUR\nNS  - AMIS\nAU  - A\nAU  - B\nER  - \n\nTY  - BOOK\nTI  - T\nER  - \n",
        );
        assert_eq!(refs.len(), 2);
        assert_eq!(refs[0].kind, "JOUR");
        assert_eq!(refs[0].fields["NS"], "AMIS");
        assert_eq!(refs[0].fields["AU"], "A; B");
        assert_eq!(refs[1].fields["TI"], "T");
    }

    /// The top of a forest plot as RevMan Web draws it: the group labels and the effect
    /// measure's name over the row of column headings.
    fn forest_top(labels: &[(f64, &str)]) -> String {
        let mut svg =
            String::from(r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 844 340">"#);
        svg.push_str(r#"<text x="10" y="41" font-weight="bold">Study or Subgroup</text>"#);
        for (x, label) in labels {
            svg.push_str(&format!(
                r#"<text x="{x}" y="21" text-anchor="middle"><tspan font-weight="bold">{label}</tspan></text>"#
            ));
        }
        for (x, heading) in [(178.0, "Events"), (238.0, "Total"), (418.0, "Weight")] {
            svg.push_str(&format!(r#"<text x="{x}" y="41">{heading}</text>"#));
        }
        svg.push_str(r#"<text x="516" y="21">Odds Ratio</text><text x="516" y="41">M-H, Fixed, 95% CI</text><text x="10" y="80">MRC-1</text></svg>"#);
        svg
    }

    // The labels over the arms' columns are read left to right, entities decoded; the measure's
    // name right of Weight is not one of them; a figure without exactly two gives none.
    #[test]
    fn group_labels_are_read_from_a_forest_plot() {
        let svg = forest_top(&[(328.0, "Placebo"), (208.0, "Fish oil &amp; diet")]);
        assert_eq!(
            figure_group_labels(svg.as_bytes()),
            Some(("Fish oil & diet".to_string(), "Placebo".to_string()))
        );
        for labels in [
            &[(208.0, "Aspirin")][..],
            &[(100.0, "A"), (208.0, "B"), (328.0, "C")],
        ] {
            assert_eq!(figure_group_labels(forest_top(labels).as_bytes()), None);
        }
        let no_weight = forest_top(&[(208.0, "A"), (328.0, "B")]).replace(">Weight<", ">W<");
        assert_eq!(figure_group_labels(no_weight.as_bytes()), None);
        assert_eq!(figure_group_labels(b"<svg"), None);
    }

    /// A zip of one DEFLATE entry.
    fn zip_of(name: &str, data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut out = Vec::new();
        let mut archive = rawzip::ZipArchiveWriter::new(&mut out);
        let (mut entry, _) = archive
            .new_file(name)
            .compression_method(rawzip::CompressionMethod::DEFLATE)
            .start()
            .unwrap();
        entry
            .write_all(&miniz_oxide::deflate::compress_to_vec(data, 6))
            .unwrap();
        let descriptor = rawzip::DataDescriptorOutput::new(rawzip::crc32(data), data.len() as u64);
        entry.finish(descriptor).unwrap();
        archive.finish().unwrap();
        out
    }

    // A small entry that inflates past the budget is refused while it is inflated.
    #[test]
    fn refuses_entries_that_inflate_past_the_limit() {
        let zip = zip_of("a/x-data-rows.csv", &vec![b'0'; 10_000]);
        let mut files = Files::new();
        let mut budget = 100_000;
        unzip(&zip, "", 0, &mut files, &mut budget).unwrap();
        assert_eq!(files["a/x-data-rows.csv"].len(), 10_000);
        let mut small = 1_000;
        let err = unzip(&zip, "", 0, &mut Files::new(), &mut small).unwrap_err();
        assert!(err.contains("more than"), "{err}");
    }

    #[test]
    fn refuses_what_is_not_a_package() {
        assert!(
            read_zip(b"not a zip", "x.zip")
                .unwrap_err()
                .contains("not a zip file")
        );
    }
}
