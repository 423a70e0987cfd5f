//! analyses.yaml and its data files as written -> the resolved [`Comparison`]s: every outcome's
//! settings decided and checked against its data type, every data row read from YAML or CSV and
//! checked (rows.rs).

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

use super::numbers::Numbering;
use super::protocol::{check_slug, check_unique};
use super::raw;
use super::rows::{RowCell, RowReader};
use super::{csv, validate::DataReader};
use crate::diagnostic::{Kind, Problems, SourceFile};
use crate::model::{
    AnalysisOutcome, Certainty, Comparison, DataGroup, DataRow, DataType, Located, Location,
    Measure, MethodKey, ModelKey, Origin, Protocol, Studies, Totals,
};

const UNKNOWN_OUTCOME: Kind = Kind::error("an outcome that is not in review.yaml");
const BAD_SETTING: Kind = Kind::error("a setting that does not fit the outcome");
const IGNORED_SETTING: Kind = Kind::warning("a setting that random-effects models use only");
const UNUSED_SETTING: Kind = Kind::warning("a setting that does not apply to the outcome");
const DATA_SOURCES: Kind = Kind::error("an outcome without exactly one source of data");
const DATA_FILE: Kind = Kind::error("a data file that cannot be read");
const CSV_SHAPE: Kind = Kind::error("a CSV row that does not fit its header");
const DUPLICATE_ROW: Kind = Kind::error("a second row for one study");
const SHARED_STUDY: Kind = Kind::warning("a study in two subgroups");
const MULTI_ARM: Kind = Kind::warning("a study with rows for two arms");

/// Where a row is, for a message at `here` that points to it as a second place: "line 2" in
/// `here` itself, else "data/early.csv:2:1", its file relative to the review folder `dir`. A
/// message never names the folder the review was built from, so that the same sources give
/// the same messages (kept in the output folder's marker and the author view) wherever they
/// are.
fn origin_text(origin: &Origin, here: &Path, dir: &Path) -> String {
    if origin.file == here {
        return match origin.column {
            1 => format!("line {}", origin.line),
            column => format!("line {}, column {column}", origin.line),
        };
    }
    let file = origin.file.strip_prefix(dir).unwrap_or(&origin.file);
    format!("{}:{}:{}", file.display(), origin.line, origin.column)
}

/// What analyses.yaml refers to in the other files; None where that file could not be read,
/// so that its references are not checked.
pub(crate) struct Referenced<'a> {
    /// review.yaml.
    pub protocol: Option<&'a Protocol>,
    /// studies.yaml.
    pub studies: Option<&'a Studies>,
}

/// The rows of the data files named in analyses.yaml, read before the review is checked, by
/// path: each with the data type it was read as, and only where reading found no problem at
/// all (a file with problems is read again when its outcome is checked, so that they are
/// reported in their place).
pub(crate) type DataFiles = HashMap<String, (DataType, Vec<DataRow>)>;

/// Reads the data files that the outcomes and subgroups of `raw` take their rows from (where
/// `studies` does not give them inline), with `read_data`: the work of loading a review that
/// does not need studies.yaml, done while it is parsed. Whether each row's study is included
/// is left to `resolve`.
pub(crate) fn read_data_files(raw: &raw::AnalysesFile, read_data: &DataReader) -> DataFiles {
    let sources = raw
        .comparisons
        .iter()
        .flat_map(|c| &c.outcomes)
        .flat_map(|o| {
            let own = (o.subgroups.is_none() && o.studies.is_none()).then_some(&o.data);
            let subgroups = o.subgroups.iter().flatten();
            own.into_iter()
                .chain(subgroups.filter(|s| s.studies.is_none()).map(|s| &s.data))
                .flatten()
                .map(|path| (path, o.data_type.value))
        });
    let mut files = DataFiles::new();
    let mut seen = std::collections::HashSet::new();
    for (path, data_type) in sources {
        if !seen.insert(path.value.as_str()) {
            continue;
        }
        let Ok(file) = read_data(&path.value) else {
            continue;
        };
        let mut problems = Problems::new();
        let reader = RowReader {
            data_type,
            context: "",
            included: None,
        };
        let rows = read_data_file(&file, &reader, &mut problems);
        if problems.is_empty() {
            files.insert(path.value.clone(), (data_type, rows));
        }
    }
    files
}

/// Checks analyses.yaml (in `file`) and the data files it names (read beforehand into
/// `data_files`, or now with `read_data`), and resolves its comparisons; an outcome with
/// errors is left out, its problems go to `problems`.
pub(crate) fn resolve(
    raw: raw::AnalysesFile,
    file: &SourceFile,
    referenced: &Referenced,
    read_data: &DataReader,
    data_files: &mut DataFiles,
    problems: &mut Problems,
) -> Vec<Comparison> {
    check_unique(
        file,
        "comparison",
        raw.comparisons
            .iter()
            .map(|c| (c.id.value.as_str(), c.id.referenced)),
        problems,
    );
    let mut comparisons = Vec::new();
    let mut comparison_numbers = Numbering::new(file, Vec::new());
    for spec in raw.comparisons {
        let id = spec.id;
        check_slug(file, &id, problems);
        let number = comparison_numbers.next(
            spec.number.as_ref(),
            &format!("comparison `{}`", id.value),
            id.referenced,
            problems,
        );
        let mut outcome_numbers = Numbering::new(file, vec![number]);
        let outcome_ids: Vec<(&str, Location)> = spec
            .outcomes
            .iter()
            .map(|o| {
                let id = o.id.as_ref().unwrap_or(&o.outcome);
                (id.value.as_str(), id.referenced)
            })
            .collect();
        check_unique(
            file,
            &format!("outcome (comparison `{}`)", id.value),
            outcome_ids,
            problems,
        );
        let written: Vec<super::summary::Written> = spec
            .outcomes
            .iter()
            .map(|o| super::summary::Written {
                id: o.id.as_ref().unwrap_or(&o.outcome).value.as_str(),
                outcome: o.outcome.value.as_str(),
                role: o.role.as_ref(),
                sensitivity_of: o.sensitivity_of.as_ref(),
                own_arms: o.experimental.is_some() || o.control.is_some(),
                rated_at: o.certainty.as_ref().map(|c| c.at),
            })
            .collect();
        super::summary::check_roles(&id.value, &written, file, problems);
        if spec.summary_of_findings.is_none() {
            let outcomes: Vec<&str> = written.iter().map(|w| w.outcome).collect();
            super::summary::check_headline_count(&id, &outcomes, file, problems);
            super::summary::check_own_arms_headlines(&id.value, &written, file, problems);
        }
        let ids: Vec<String> = written.iter().map(|w| w.id.to_string()).collect();
        drop(written);
        let summary_of_findings = spec.summary_of_findings.and_then(|s| {
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            super::summary::resolve(s, &id.value, &ids, referenced.protocol, file, problems)
        });
        let mut outcomes = Vec::new();
        for outcome in spec.outcomes {
            let outcome_id = &outcome.id.as_ref().unwrap_or(&outcome.outcome).value;
            let outcome_number = outcome_numbers.next(
                outcome.number.as_ref(),
                &format!("comparison `{}`, outcome `{outcome_id}`", id.value),
                outcome.outcome.referenced,
                problems,
            );
            let mut checker = OutcomeChecker {
                file,
                referenced,
                read_data,
                data_files: &mut *data_files,
                problems: &mut *problems,
            };
            let numbers = [number, outcome_number];
            if let Some(resolved) = checker.resolve(&id.value, numbers, outcome) {
                outcomes.push(resolved);
            }
        }
        comparisons.push(Comparison {
            id: id.value,
            number,
            name: spec.name,
            experimental: spec.experimental.unwrap_or_else(|| "Experimental".into()),
            control: spec.control.unwrap_or_else(|| "Control".into()),
            outcomes,
            summary_of_findings,
        });
    }
    comparisons
}

/// Why a pooling method does not fit an outcome's data type and measure label, or None when
/// it fits.
pub(super) fn method_misfit(
    method: MethodKey,
    data_type: DataType,
    measure: &str,
) -> Option<&'static str> {
    match method {
        MethodKey::IV => None,
        MethodKey::MH if data_type == DataType::Dichotomous => None,
        MethodKey::Peto if data_type == DataType::Dichotomous && measure == "OR" => None,
        MethodKey::Peto => Some("Peto applies to dichotomous data with the OR measure"),
        MethodKey::MH => Some("Mantel-Haenszel applies to dichotomous data"),
    }
}

/// Resolves the outcomes of analyses.yaml one at a time.
struct OutcomeChecker<'a, 'r> {
    file: &'a SourceFile,
    referenced: &'a Referenced<'r>,
    read_data: &'a DataReader<'r>,
    data_files: &'a mut DataFiles,
    problems: &'a mut Problems,
}

impl OutcomeChecker<'_, '_> {
    /// An error at a located value of analyses.yaml.
    fn error<T>(&mut self, kind: Kind, at: &Located<T>, message: impl FnOnce() -> String) {
        let file = self.file;
        self.problems.add(&file.path, kind, |_| {
            file.error_at(at.referenced, message())
        });
    }

    /// The outcome of comparison `comparison` written as `spec`, numbered `numbers`
    /// (comparison and outcome), or None when it has errors.
    fn resolve(
        &mut self,
        comparison: &str,
        numbers: [usize; 2],
        spec: raw::OutcomeSpec,
    ) -> Option<AnalysisOutcome> {
        let file = self.file;
        let id = spec.id.as_ref().unwrap_or(&spec.outcome).value.clone();
        let context = format!("comparison `{comparison}`, outcome `{id}`");
        let errors_before = self.problems.errors();
        let protocol_outcome = self
            .referenced
            .protocol
            .and_then(|p| p.outcome(&spec.outcome.value));
        if let Some(protocol) = self.referenced.protocol
            && protocol_outcome.is_none()
        {
            let got = &spec.outcome;
            self.problems.add(&file.path, UNKNOWN_OUTCOME, |hint| {
                file.error_at(
                    got.referenced,
                    format!(
                        "{context}: `{}` is not an outcome of review.yaml",
                        got.value
                    ),
                )
                .suggest_if(
                    hint,
                    &got.value,
                    protocol.outcomes.iter().map(|o| o.id.value.as_str()),
                )
            });
        }
        if let Some(i) = &spec.id {
            check_slug(file, i, self.problems);
        }
        let data_type = spec.data_type.value;
        let measures = data_type.measures();
        let measure = spec.measure.value.clone();
        let scale = spec.scale.as_ref().map(|s| s.value).unwrap_or_default();
        // None when the label does not fit the data type, which is reported below.
        let parsed = Measure::parse(data_type, &measure, scale);
        let is_ratio = parsed.as_ref().is_some_and(Measure::is_ratio);
        if let Some(t) = &spec.important_effect {
            let bad = if is_ratio {
                !(t.value > 1.0 && t.value.is_finite())
            } else {
                !(t.value > 0.0 && t.value.is_finite())
            };
            if bad {
                let rule = if is_ratio {
                    "a ratio above 1, such as 1.25"
                } else {
                    "a difference above 0"
                };
                self.error(BAD_SETTING, t, || {
                    format!(
                        "{context}: `important_effect` must be {rule} (got {})",
                        t.value
                    )
                });
            }
        }
        if let Some(r) = &spec.assumed_risk {
            if data_type != DataType::Dichotomous {
                self.error(BAD_SETTING, r, || {
                    format!("{context}: `assumed_risk` applies to dichotomous outcomes only")
                });
            } else if !(r.value > 0.0 && r.value < 1.0) {
                self.error(BAD_SETTING, r, || {
                    format!(
                        "{context}: `assumed_risk` is a risk between 0 and 1, such as 0.2 (got {})",
                        r.value
                    )
                });
            }
        }
        if !measures.is_empty() && !measures.contains(&measure.as_str()) {
            let at = &spec.measure;
            self.problems.add(&file.path, BAD_SETTING, |hint| {
                file.error_at(
                    at.referenced,
                    format!(
                        "{context}: measure `{measure}` does not fit {} data (use {})",
                        data_type.as_str(),
                        measures.join(", ")
                    ),
                )
                .suggest_if(hint, &measure, measures.iter().copied())
            });
        } else if data_type == DataType::Generic && measure.trim().is_empty() {
            self.error(BAD_SETTING, &spec.measure, || {
                format!("{context}: a generic outcome needs a measure label such as HR")
            });
        }
        if let Some(scale) = &spec.scale
            && data_type != DataType::Generic
        {
            self.error(BAD_SETTING, scale, || {
                format!("{context}: `scale` applies to generic outcomes only")
            });
        }
        if let Some(name) = &spec.measure_name {
            if data_type != DataType::Generic {
                self.error(BAD_SETTING, name, || {
                    format!(
                        "{context}: `measure_name` applies to generic outcomes only ({measure} is named as Review Manager names it)"
                    )
                });
            } else if name.value.trim().is_empty() {
                self.error(BAD_SETTING, name, || {
                    format!("{context}: `measure_name` is blank; give the measure's full name, such as Hazard Ratio, or leave it out")
                });
            }
        }
        let method = match &spec.method {
            Some(m) => {
                if let Some(hint) = method_misfit(m.value, data_type, &measure) {
                    self.error(BAD_SETTING, m, || {
                        format!(
                            "{context}: method {:?} does not fit {} {measure} data: {hint}",
                            m.value,
                            data_type.as_str()
                        )
                    });
                }
                m.value
            }
            None if data_type == DataType::Dichotomous => MethodKey::MH,
            None => MethodKey::IV,
        };
        let model = spec.model.as_ref().map(|m| m.value).unwrap_or_default();
        for (name, given) in [
            ("tau2", spec.tau2.as_ref().map(|t| t.referenced)),
            ("hksj", spec.hksj.as_ref().map(|h| h.referenced)),
        ] {
            if let Some(at) = given
                && model != ModelKey::Random
            {
                self.problems.add(&file.path, IGNORED_SETTING, |_| {
                    file.warning_at(
                        at,
                        format!(
                            "{context}: `{name}` applies to random-effects models only and is ignored"
                        ),
                    )
                });
            }
        }
        let has_subgroups = spec.subgroups.is_some();
        let totals = spec.totals.as_ref().map(|t| t.value).unwrap_or_default();
        self.check_totals(&context, &spec, has_subgroups);
        let sources = [
            spec.studies.is_some(),
            spec.data.is_some(),
            spec.subgroups.is_some(),
        ];
        if sources.iter().filter(|&&s| s).count() != 1 {
            self.error(DATA_SOURCES, &spec.outcome, || {
                format!(
                    "{context}: give the data as exactly one of `studies`, `data` or `subgroups`"
                )
            });
        }
        let reader = RowReader {
            data_type,
            context: &context,
            included: self.referenced.studies,
        };
        let mut groups = Vec::new();
        if let Some(subgroups) = spec.subgroups {
            let mut subgroup_numbers = Numbering::new(file, numbers.to_vec());
            for sub in subgroups {
                let context = format!("{context}, subgroup `{}`", sub.name);
                let number = subgroup_numbers.next(
                    sub.number.as_ref(),
                    &context,
                    spec.outcome.referenced,
                    self.problems,
                );
                let reader = RowReader {
                    context: &context,
                    ..reader
                };
                let rows = self.read_rows(&reader, sub.studies, sub.data);
                groups.push(DataGroup {
                    name: Some(sub.name),
                    number: Some(number),
                    rows,
                });
            }
        } else if spec.studies.is_some() || spec.data.is_some() {
            let rows = self.read_rows(&reader, spec.studies, spec.data);
            groups.push(DataGroup {
                name: None,
                number: None,
                rows,
            });
        }
        self.check_counted_once(&context, &groups, totals);
        let parent = super::sensitivity::Parent {
            context: &context,
            data_type,
            measure: &measure,
            method,
            model,
            tau2: spec.tau2.as_ref().map(|t| t.value).unwrap_or_default(),
            totals,
            groups: &groups,
        };
        let sensitivity = super::sensitivity::resolve(
            spec.sensitivity,
            &parent,
            self.referenced.studies,
            file,
            self.problems,
        );
        if self.problems.errors() > errors_before {
            return None;
        }
        let protocol_outcome = protocol_outcome?;
        // Peto pools odds ratios whatever the label (a label other than OR is an error above).
        let measure = if method == MethodKey::Peto {
            Measure::OddsRatio
        } else {
            parsed?.with_name(spec.measure_name.as_ref().map(|n| n.value.as_str()))
        };
        Some(AnalysisOutcome {
            id,
            number: numbers[1],
            outcome: spec.outcome.value,
            name: spec
                .name
                .unwrap_or_else(|| crate::english::capitalise(&protocol_outcome.name)),
            method,
            model,
            tau2: spec.tau2.map(|t| t.value).unwrap_or_default(),
            hksj: spec.hksj.is_some_and(|h| h.value),
            totals,
            // Review Manager gives the test with an overall total unless told not to; with
            // subtotals only, when asked.
            subgroup_test: spec
                .subgroup_test
                .map_or(totals == Totals::Overall, |t| t.value),
            certainty: spec.certainty.map(|c| Certainty {
                level: c.level,
                reasons: c.reasons,
                footnotes: c.footnotes,
                at: c.at,
                grade_acknowledged: c.grade_acknowledged,
            }),
            important_effect: spec
                .important_effect
                .map(|t| t.value)
                .or(measure.default_important_effect()),
            measure,
            assumed_risk: spec.assumed_risk.map(|r| r.value),
            groups,
            has_subgroups,
            role: spec.role.map(|r| r.value).unwrap_or_default(),
            sensitivity_of: spec.sensitivity_of.map(|s| s.value),
            sensitivity,
            experimental: spec.experimental,
            control: spec.control,
        })
    }

    /// Warnings for `totals` and `subgroup_test` that cannot do what they say: subtotals
    /// without subgroups (nothing is pooled), a test for subgroup differences without
    /// subgroups or with nothing pooled.
    fn check_totals(&mut self, context: &str, spec: &raw::OutcomeSpec, has_subgroups: bool) {
        let file = self.file;
        let totals = spec.totals.as_ref().map(|t| t.value).unwrap_or_default();
        if let Some(at) = &spec.totals
            && at.value == Totals::Subtotals
            && !has_subgroups
        {
            self.problems.add(&file.path, UNUSED_SETTING, |_| {
                file.warning_at(
                    at.referenced,
                    format!(
                        "{context}: `totals: subtotals` pools each subgroup, and this outcome has none, so nothing is pooled (as in Review Manager); write `totals: none` to say so"
                    ),
                )
            });
        }
        if let Some(at) = &spec.subgroup_test {
            let why = if !has_subgroups {
                Some("applies to outcomes with subgroups only")
            } else if totals == Totals::None {
                Some("does not apply with `totals: none`, which pools nothing")
            } else {
                None
            };
            if let Some(why) = why {
                self.problems.add(&file.path, UNUSED_SETTING, |_| {
                    file.warning_at(
                        at.referenced,
                        format!("{context}: `subgroup_test` {why}, and is ignored"),
                    )
                });
            }
        }
    }

    /// Each study counted once: a second row for a study in one group is an error, unless the
    /// rows name different arms of a multi-arm trial (an `arm` column), which Review Manager
    /// allows and which is a warning, as a shared arm is then counted twice; a study in two
    /// subgroups of an outcome with an overall total is a warning, as that total then counts
    /// its participants twice (with subgroup totals only, or none, nothing is counted twice).
    fn check_counted_once(&mut self, context: &str, groups: &[DataGroup], totals: Totals) {
        let dir = self.file.path.parent().unwrap_or(Path::new(""));
        let rows = groups.iter().map(|g| g.rows.len()).sum();
        let mut first_in_outcome: HashMap<&str, (&DataGroup, &DataRow)> =
            HashMap::with_capacity(rows);
        for group in groups {
            let rows = group.rows.len();
            let mut first_in_group: HashMap<(&str, Option<&str>), &DataRow> =
                HashMap::with_capacity(rows);
            let mut study_in_group: HashMap<&str, &DataRow> = HashMap::with_capacity(rows);
            for row in &group.rows {
                // A CSV file's text is not kept once its rows are read: its rows are quoted
                // by place only (made only for a message).
                let file = || {
                    if row.origin.file == self.file.path {
                        Cow::Borrowed(self.file)
                    } else {
                        Cow::Owned(SourceFile::new(row.origin.file.clone(), String::new()))
                    }
                };
                let at = Location::new(row.origin.line, row.origin.column);
                let place = || match &group.name {
                    Some(name) => format!("subgroup `{name}`"),
                    None => "this outcome".to_string(),
                };
                if let Some(first) = first_in_group.get(&(row.study.as_str(), row.arm.as_deref())) {
                    self.problems.add(&row.origin.file, DUPLICATE_ROW, |_| {
                        file().error_at(
                            at,
                            format!(
                                "{context}: study `{}` has a second row in {} (the first is at {}); a study is counted once",
                                row.label(),
                                place(),
                                origin_text(&first.origin, &row.origin.file, dir),
                            ),
                        )
                        .with_help(
                            "if the rows are different arms of a multi-arm trial, name each in an `arm` column",
                        )
                    });
                    continue;
                }
                first_in_group.insert((&row.study, row.arm.as_deref()), row);
                if let Some(first) = study_in_group.get(row.study.as_str()) {
                    self.problems.add(&row.origin.file, MULTI_ARM, |_| {
                        file().warning_at(
                            at,
                            format!(
                                "{context}: study `{}` has rows for two arms in {} (`{}` at {} and `{}`), so an arm they share is counted twice: combine the arms, or split the shared arm between the rows (Cochrane Handbook 23.3.4)",
                                row.study,
                                place(),
                                first.arm.as_deref().unwrap_or(""),
                                origin_text(&first.origin, &row.origin.file, dir),
                                row.arm.as_deref().unwrap_or(""),
                            ),
                        )
                    });
                    continue;
                }
                study_in_group.insert(&row.study, row);
                match first_in_outcome.get(row.study.as_str()) {
                    Some((first_group, first)) => {
                        let (Some(a), Some(b)) = (&first_group.name, &group.name) else {
                            continue;
                        };
                        if totals != Totals::Overall {
                            continue;
                        }
                        self.problems.add(&row.origin.file, SHARED_STUDY, |_| {
                            file().warning_at(
                                at,
                                format!(
                                    "{context}: study `{}` is in subgroups `{a}` (at {}) and `{b}`, so the overall total counts its participants twice: split its shared group between the subgroups, or report subgroup totals only (`totals: subtotals`)",
                                    row.study,
                                    origin_text(&first.origin, &row.origin.file, dir),
                                ),
                            )
                        });
                    }
                    None => {
                        first_in_outcome.insert(&row.study, (group, row));
                    }
                }
            }
        }
    }

    /// Reads the rows of an outcome or subgroup from YAML (`studies`) or a CSV file (`data`).
    fn read_rows(
        &mut self,
        reader: &RowReader,
        yaml_rows: Option<Vec<raw::RawRow>>,
        data: Option<Located<String>>,
    ) -> Vec<DataRow> {
        let mut rows = Vec::new();
        if let Some(yaml_rows) = yaml_rows {
            for row in yaml_rows {
                let at = (
                    row.referenced.line() as usize,
                    row.referenced.column() as usize,
                );
                // The parsed row is not needed afterwards: its names and values move.
                let cells: Vec<RowCell> = row
                    .value
                    .into_iter()
                    .map(|(name, v)| RowCell {
                        name: name.into(),
                        line: v.referenced.line() as usize,
                        column: v.referenced.column() as usize,
                        value: v.value,
                    })
                    .collect();
                if let Some(row) = reader.read(self.file, &cells, at, self.problems) {
                    rows.push(row);
                }
            }
        } else if let Some(path) = data {
            // Read beforehand, unless it has problems (reported now, in their place) or a
            // second outcome reads the same file.
            if let Some((data_type, read)) = self.data_files.remove(&path.value)
                && data_type == reader.data_type
                && reader
                    .included
                    .is_none_or(|s| read.iter().all(|row| s.is_included(&row.study)))
            {
                return read;
            }
            match (self.read_data)(&path.value) {
                Ok(file) => rows = read_data_file(&file, reader, self.problems),
                Err(message) => {
                    self.error(DATA_FILE, &path, || {
                        format!("{}: {message}", reader.context)
                    });
                }
            }
        }
        rows
    }
}

/// Checks a data file's text and reads its rows: the one reading of a data file, beforehand
/// ([`read_data_files`]) or when its outcome is checked, so both find the same problems.
fn read_data_file(file: &SourceFile, reader: &RowReader, problems: &mut Problems) -> Vec<DataRow> {
    super::fs::refuse_control_characters(file, problems);
    read_csv(file, reader, problems)
}

/// Reads the rows of a CSV data file.
fn read_csv(file: &SourceFile, reader: &RowReader, problems: &mut Problems) -> Vec<DataRow> {
    let records = match csv::parse(&file.text) {
        Ok(r) => r,
        Err((line, column, message)) => {
            problems.push(file.error(line, column, format!("{}: {message}", reader.context)));
            return Vec::new();
        }
    };
    let Some((header, body)) = records.split_first() else {
        problems.push(file.error(
            1,
            1,
            format!(
                "{}: the CSV file is empty; it needs a header row",
                reader.context
            ),
        ));
        return Vec::new();
    };
    // Header names are trimmed once, not for every row.
    let names: Vec<&str> = header.iter().map(|h| h.text.trim()).collect();
    let mut rows = Vec::new();
    for record in body {
        if record.len() != header.len() {
            problems.add(&file.path, CSV_SHAPE, |_| {
                file.error(
                    record[0].line,
                    record[0].column,
                    format!(
                        "{}: this row has {} cells but the header has {}",
                        reader.context,
                        record.len(),
                        header.len()
                    ),
                )
            });
            continue;
        }
        let cells: Vec<RowCell> = names
            .iter()
            .zip(record)
            .map(|(&name, cell)| (name, cell, cell.text.trim()))
            .filter(|(_, _, text)| !text.is_empty())
            .map(|(name, cell, text)| RowCell {
                name: name.into(),
                value: raw::Cell {
                    text: text.to_string(),
                    number: text.parse::<f64>().ok(),
                },
                line: cell.line,
                column: cell.column,
            })
            .collect();
        if let Some(row) = reader.read(file, &cells, (record[0].line, record[0].column), problems) {
            rows.push(row);
        }
    }
    rows
}
