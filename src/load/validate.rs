//! Sources -> Review: parses the three review files, resolves every cross-reference and checks
//! every number, collecting all problems instead of stopping at the first.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::rows::{RowCell, RowReader};
use super::{ParseCache, Sources, csv, is_slug, yaml};
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::model::*;

/// What validation produced: the review when the files could be read, and every problem.
pub(crate) struct Validated {
    /// The review, when all three files parsed (it may still have errors in `problems`).
    pub review: Option<Review>,
    /// Errors and warnings.
    pub problems: Vec<Diagnostic>,
}

/// Reads a data file named in analyses.yaml, relative to the review folder.
pub(crate) type DataReader<'a> = dyn FnMut(&str) -> Result<SourceFile, String> + 'a;

/// Parses (or takes from `cache`) and validates the review's files.
pub(crate) fn validate(
    sources: &Sources,
    read_data: &mut DataReader,
    cache: Option<&ParseCache>,
) -> Validated {
    let mut problems = Vec::new();
    // Parsing dominates loading a large review: studies.yaml on one thread, review.yaml and
    // analyses.yaml on another. Problems are collected in file order all the same.
    let size = sources.studies.text.len() + sources.analyses.as_ref().map_or(0, |a| a.text.len());
    let (studies, (protocol, analyses)) = crate::parallel::join(
        size >= crate::parallel::WORTH_A_THREAD,
        || parse::<StudiesFile>(&sources.studies, cache),
        || {
            (
                parse::<Protocol>(&sources.review, cache),
                sources
                    .analyses
                    .as_ref()
                    .map(|a| parse::<AnalysesFile>(a, cache)),
            )
        },
    );
    let protocol: Option<Protocol> = protocol.map_err(|d| problems.push(d)).ok();
    let studies: Option<StudiesFile> = studies.map_err(|d| problems.push(d)).ok();
    let analyses: Option<AnalysesFile> = match analyses {
        Some(parsed) => parsed.map_err(|d| problems.push(d)).ok(),
        None => Some(AnalysesFile {
            comparisons: Vec::new(),
        }),
    };
    let mut checker = Checker { sources, problems };
    if let Some(protocol) = &protocol {
        checker.check_protocol(protocol);
    }
    if let (Some(protocol), Some(studies), Some(analyses)) = (&protocol, &studies, &analyses) {
        checker.check_studies(protocol, studies, analyses);
    }
    // analyses.yaml is checked even when another file failed to parse, so that one run reports
    // the problems of every file; only the cross-references to the missing file are skipped.
    let comparisons = match analyses {
        Some(analyses) => {
            checker.resolve_analyses(protocol.as_ref(), studies.as_ref(), analyses, read_data)
        }
        None => Vec::new(),
    };
    let (Some(protocol), Some(studies)) = (protocol, studies) else {
        return Validated {
            review: None,
            problems: checker.problems,
        };
    };
    let review = Review {
        slug: sources.slug.clone(),
        dir: sources.dir.to_path_buf(),
        templates: sources.templates.clone(),
        protocol,
        studies,
        comparisons,
        study_index: Default::default(),
        outcome_index: Default::default(),
    };
    Validated {
        review: Some(review),
        problems: checker.problems,
    }
}

/// Parses one YAML file, or takes its earlier parse from the cache.
fn parse<T>(source: &SourceFile, cache: Option<&ParseCache>) -> Result<T, Diagnostic>
where
    T: serde::de::DeserializeOwned + Clone + Send + Sync + 'static,
{
    match cache {
        Some(cache) => cache.get_or_parse(source, yaml::parse::<T>),
        None => yaml::parse::<T>(source),
    }
}

/// What analyses.yaml refers to, indexed once: every outcome looks up its protocol outcome
/// and every data row its study, and a search of the lists for each would be quadratic.
struct Known<'a> {
    /// review.yaml, when it parsed.
    protocol: Option<&'a Protocol>,
    /// The protocol outcomes by id; the first of duplicate ids wins, as a search would find.
    outcomes: HashMap<&'a str, &'a ProtocolOutcome>,
    /// The included study ids; None when studies.yaml did not parse.
    included: Option<BTreeSet<&'a str>>,
}

impl<'a> Known<'a> {
    fn new(protocol: Option<&'a Protocol>, studies: Option<&'a StudiesFile>) -> Self {
        let mut outcomes = HashMap::new();
        for o in protocol.iter().flat_map(|p| &p.outcomes) {
            outcomes.entry(o.id.value.as_str()).or_insert(o);
        }
        Known {
            protocol,
            outcomes,
            included: studies.map(|st| st.included.iter().map(|s| s.id.value.as_str()).collect()),
        }
    }

    fn protocol_outcome(&self, id: &str) -> Option<&'a ProtocolOutcome> {
        self.outcomes.get(id).copied()
    }
}

struct Checker<'a> {
    sources: &'a Sources<'a>,
    problems: Vec<Diagnostic>,
}

/// An error at a located value of a file.
fn at<T>(file: &SourceFile, value: &Located<T>, message: impl Into<String>) -> Diagnostic {
    file.error(
        value.referenced.line() as usize,
        value.referenced.column() as usize,
        message,
    )
}

/// Reports ids that occur twice in one list.
fn check_unique<'v>(
    file: &SourceFile,
    what: &str,
    ids: impl IntoIterator<Item = &'v Located<String>>,
    problems: &mut Vec<Diagnostic>,
) {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for id in ids {
        if let Some(first) = seen.get(id.value.as_str()) {
            problems.push(at(
                file,
                id,
                format!(
                    "duplicate {what} id `{}` (first defined on line {first})",
                    id.value
                ),
            ));
        } else {
            seen.insert(&id.value, id.referenced.line() as usize);
        }
    }
}

fn is_iso_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return false;
    };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<u32>(), m.parse::<u32>(), d.parse::<u32>()) else {
        return false;
    };
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    s.len() == 10 && (1..=12).contains(&m) && d >= 1 && d <= days[m as usize - 1]
}

impl Checker<'_> {
    fn check_protocol(&mut self, protocol: &Protocol) {
        let file = &self.sources.review;
        check_unique(
            file,
            "outcome",
            protocol.outcomes.iter().map(|o| &o.id),
            &mut self.problems,
        );
        check_unique(
            file,
            "comparison",
            protocol.comparisons.iter().map(|c| &c.id),
            &mut self.problems,
        );
        let ids = protocol
            .outcomes
            .iter()
            .map(|o| &o.id)
            .chain(protocol.comparisons.iter().map(|c| &c.id));
        for id in ids {
            if !is_slug(&id.value) {
                self.problems.push(at(
                    file,
                    id,
                    format!(
                        "`{}` is not a valid id: use lower-case letters, digits and `-`",
                        id.value
                    ),
                ));
            }
        }
        let dates = protocol
            .date
            .iter()
            .chain(protocol.search.as_ref().and_then(|s| s.date.as_ref()));
        for date in dates {
            if !is_iso_date(&date.value) {
                self.problems.push(at(
                    file,
                    date,
                    format!("`{}` is not a date: write it as YYYY-MM-DD", date.value),
                ));
            }
        }
    }

    fn check_studies(
        &mut self,
        protocol: &Protocol,
        studies: &StudiesFile,
        analyses: &AnalysesFile,
    ) {
        let file = &self.sources.studies;
        let problems = &mut self.problems;
        check_unique(
            file,
            "study",
            studies.included.iter().map(|s| &s.id),
            problems,
        );
        check_unique(
            file,
            "excluded study",
            studies.excluded.iter().map(|s| &s.id),
            problems,
        );
        check_unique(
            file,
            "ongoing study",
            studies.ongoing.iter().map(|s| &s.id),
            problems,
        );
        let comparison_ids: BTreeSet<&str> = protocol
            .comparisons
            .iter()
            .map(|c| c.id.value.as_str())
            .chain(analyses.comparisons.iter().map(|c| c.id.value.as_str()))
            .collect();
        // In file order for suggestions (the first of equally near ids wins), and as a set for
        // the membership test of every reported outcome of every study.
        let outcome_ids: Vec<&str> = protocol
            .outcomes
            .iter()
            .map(|o| o.id.value.as_str())
            .collect();
        let outcome_set: HashSet<&str> = outcome_ids.iter().copied().collect();
        let tool = studies.risk_of_bias_tool;
        let domain_keys: Vec<&str> = tool.domains().iter().map(|d| d.key).collect();
        for study in &studies.included {
            let sid = &study.id.value;
            if let Some(n) = &study.participants
                && n.value < 0
            {
                problems.push(at(
                    file,
                    n,
                    format!("study `{sid}`: participants is negative ({})", n.value),
                ));
            }
            if let Some(c) = &study.comparison
                && !comparison_ids.contains(c.value.as_str())
            {
                problems.push(
                    at(file, c, format!("study `{sid}`: comparison `{}` is not a comparison of review.yaml or analyses.yaml", c.value))
                        .suggest(&c.value, comparison_ids.iter().copied()),
                );
            }
            for reported in &study.outcomes_reported {
                let o = &reported.outcome;
                if !outcome_set.contains(o.value.as_str()) {
                    problems.push(
                        at(
                            file,
                            o,
                            format!(
                                "study `{sid}`: outcome `{}` is not an outcome of review.yaml",
                                o.value
                            ),
                        )
                        .suggest(&o.value, outcome_ids.iter().copied()),
                    );
                }
            }
            for (key, entry) in &study.risk_of_bias {
                if !domain_keys.contains(&key.as_str()) {
                    let tool_name = if tool == RobTool::Rob1 {
                        "rob1"
                    } else {
                        "rob2"
                    };
                    problems.push(
                        at(file, &entry.judgement, format!("study `{sid}`: `{key}` is not a {tool_name} risk-of-bias domain (the domains are {})", domain_keys.join(", ")))
                            .suggest(key, domain_keys.iter().copied()),
                    );
                }
                let j = &entry.judgement;
                if tool.judgement(&j.value).is_none() {
                    let keys = tool.judgement_keys();
                    problems.push(
                        at(
                            file,
                            j,
                            format!(
                                "study `{sid}`, domain `{key}`: judgement `{}` is not one of {}",
                                j.value,
                                keys.join(", ")
                            ),
                        )
                        .suggest(&j.value, keys.iter().copied()),
                    );
                }
            }
        }
    }

    fn resolve_analyses(
        &mut self,
        protocol: Option<&Protocol>,
        studies: Option<&StudiesFile>,
        analyses: AnalysesFile,
        read_data: &mut DataReader,
    ) -> Vec<Comparison> {
        let Some(file) = &self.sources.analyses else {
            return Vec::new();
        };
        check_unique(
            file,
            "comparison",
            analyses.comparisons.iter().map(|c| &c.id),
            &mut self.problems,
        );
        let known = Known::new(protocol, studies);
        let mut comparisons = Vec::new();
        for spec in analyses.comparisons {
            if !is_slug(&spec.id.value) {
                self.problems.push(at(
                    file,
                    &spec.id,
                    format!(
                        "`{}` is not a valid id: use lower-case letters, digits and `-`",
                        spec.id.value
                    ),
                ));
            }
            let ids: Vec<Located<String>> = spec
                .outcomes
                .iter()
                .map(|o| o.id.clone().unwrap_or_else(|| o.outcome.clone()))
                .collect();
            check_unique(
                file,
                &format!("outcome (comparison `{}`)", spec.id.value),
                ids.iter(),
                &mut self.problems,
            );
            let mut outcomes = Vec::new();
            for outcome in spec.outcomes {
                if let Some(resolved) =
                    self.resolve_outcome(file, &spec.id.value, &known, outcome, read_data)
                {
                    outcomes.push(resolved);
                }
            }
            comparisons.push(Comparison {
                id: spec.id.value,
                name: spec.name,
                experimental: spec.experimental.unwrap_or_else(|| "Experimental".into()),
                control: spec.control.unwrap_or_else(|| "Control".into()),
                outcomes,
            });
        }
        comparisons
    }

    fn resolve_outcome(
        &mut self,
        file: &SourceFile,
        comparison: &str,
        known: &Known,
        spec: OutcomeSpec,
        read_data: &mut DataReader,
    ) -> Option<AnalysisOutcome> {
        let id = spec.id.as_ref().unwrap_or(&spec.outcome).value.clone();
        let context = format!("comparison `{comparison}`, outcome `{id}`");
        let problems_before = self.problems.len();
        let protocol_outcome = known.protocol_outcome(&spec.outcome.value);
        if let Some(protocol) = known.protocol
            && protocol_outcome.is_none()
        {
            let ids = protocol.outcomes.iter().map(|o| o.id.value.as_str());
            self.problems.push(
                at(
                    file,
                    &spec.outcome,
                    format!(
                        "{context}: `{}` is not an outcome of review.yaml",
                        spec.outcome.value
                    ),
                )
                .suggest(&spec.outcome.value, ids),
            );
        }
        if spec.id.as_ref().is_some_and(|i| !is_slug(&i.value)) {
            let i = spec.id.as_ref().expect("checked above");
            self.problems.push(at(
                file,
                i,
                format!(
                    "`{}` is not a valid id: use lower-case letters, digits and `-`",
                    i.value
                ),
            ));
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
                self.problems.push(at(
                    file,
                    t,
                    format!(
                        "{context}: `important_effect` must be {rule} (got {})",
                        t.value
                    ),
                ));
            }
        }
        if let Some(r) = &spec.assumed_risk {
            if data_type != DataType::Dichotomous {
                self.problems.push(at(
                    file,
                    r,
                    format!("{context}: `assumed_risk` applies to dichotomous outcomes only"),
                ));
            } else if !(r.value > 0.0 && r.value < 1.0) {
                self.problems.push(at(
                    file,
                    r,
                    format!(
                        "{context}: `assumed_risk` is a risk between 0 and 1, such as 0.2 (got {})",
                        r.value
                    ),
                ));
            }
        }
        if !measures.is_empty() && !measures.contains(&measure.as_str()) {
            self.problems.push(
                at(
                    file,
                    &spec.measure,
                    format!(
                        "{context}: measure `{measure}` does not fit {} data (use {})",
                        data_type.as_str(),
                        measures.join(", ")
                    ),
                )
                .suggest(&measure, measures.iter().copied()),
            );
        } else if data_type == DataType::Generic && measure.trim().is_empty() {
            self.problems.push(at(
                file,
                &spec.measure,
                format!("{context}: a generic outcome needs a measure label such as HR"),
            ));
        }
        if let Some(scale) = &spec.scale
            && data_type != DataType::Generic
        {
            self.problems.push(at(
                file,
                scale,
                format!("{context}: `scale` applies to generic outcomes only"),
            ));
        }
        let method = match &spec.method {
            Some(m) => {
                let fits = match m.value {
                    MethodKey::IV => true,
                    MethodKey::MH => data_type == DataType::Dichotomous,
                    MethodKey::Peto => data_type == DataType::Dichotomous && measure == "OR",
                };
                if !fits {
                    let hint = if m.value == MethodKey::Peto {
                        "Peto applies to dichotomous data with the OR measure"
                    } else {
                        "Mantel-Haenszel applies to dichotomous data"
                    };
                    self.problems.push(at(
                        file,
                        m,
                        format!(
                            "{context}: method {:?} does not fit {} {measure} data: {hint}",
                            m.value,
                            data_type.as_str()
                        ),
                    ));
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
            if let Some(loc) = given
                && model != ModelKey::Random
            {
                self.problems.push(file.warning(
                    loc.line() as usize,
                    loc.column() as usize,
                    format!(
                        "{context}: `{name}` applies to random-effects models only and is ignored"
                    ),
                ));
            }
        }
        let sources = [
            spec.studies.is_some(),
            spec.data.is_some(),
            spec.subgroups.is_some(),
        ];
        let line = spec.outcome.referenced.line() as usize;
        let column = spec.outcome.referenced.column() as usize;
        if sources.iter().filter(|&&s| s).count() != 1 {
            self.problems.push(file.error(
                line,
                column,
                format!(
                    "{context}: give the data as exactly one of `studies`, `data` or `subgroups`"
                ),
            ));
        }
        let reader = RowReader {
            data_type,
            context: &context,
            included: known.included.as_ref(),
        };
        let mut groups = Vec::new();
        let has_subgroups = spec.subgroups.is_some();
        if let Some(subgroups) = spec.subgroups {
            for sub in subgroups {
                let ctx = format!("{context}, subgroup `{}`", sub.name);
                let reader = RowReader {
                    context: &ctx,
                    ..reader
                };
                let rows = self.read_rows(file, &reader, sub.studies, sub.data, read_data);
                groups.push(DataGroup {
                    name: Some(sub.name),
                    rows,
                });
            }
        } else if spec.studies.is_some() || spec.data.is_some() {
            let rows = self.read_rows(file, &reader, spec.studies, spec.data, read_data);
            groups.push(DataGroup { name: None, rows });
        }
        if self.problems[problems_before..]
            .iter()
            .any(Diagnostic::is_error)
        {
            return None;
        }
        let protocol_outcome = protocol_outcome?;
        // Peto pools odds ratios whatever the label (a label other than OR is an error above).
        let measure = if method == MethodKey::Peto {
            Measure::OddsRatio
        } else {
            parsed?
        };
        Some(AnalysisOutcome {
            id,
            outcome: spec.outcome.value,
            name: spec
                .name
                .unwrap_or_else(|| crate::english::capitalise(&protocol_outcome.name)),
            method,
            model,
            tau2: spec.tau2.map(|t| t.value).unwrap_or_default(),
            hksj: spec.hksj.is_some_and(|h| h.value),
            certainty: spec.certainty,
            important_effect: spec
                .important_effect
                .map(|t| t.value)
                .or(measure.default_important_effect()),
            measure,
            assumed_risk: spec.assumed_risk.map(|r| r.value),
            groups,
            has_subgroups,
        })
    }

    /// Reads the rows of an outcome or subgroup from YAML (`studies`) or a CSV file (`data`).
    fn read_rows(
        &mut self,
        file: &SourceFile,
        reader: &RowReader,
        yaml_rows: Option<Vec<RawRow>>,
        data: Option<Located<String>>,
        read_data: &mut DataReader,
    ) -> Vec<DataRow> {
        let mut rows = Vec::new();
        if let Some(yaml_rows) = yaml_rows {
            for raw in yaml_rows {
                let at = (
                    raw.referenced.line() as usize,
                    raw.referenced.column() as usize,
                );
                // The parsed row is not needed afterwards: its names and values move.
                let cells: Vec<RowCell> = raw
                    .value
                    .into_iter()
                    .map(|(name, v)| RowCell {
                        name: name.into(),
                        line: v.referenced.line() as usize,
                        column: v.referenced.column() as usize,
                        value: v.value,
                    })
                    .collect();
                if let Some(row) = reader.read(file, &cells, at, &mut self.problems) {
                    rows.push(row);
                }
            }
        } else if let Some(path) = data {
            let csv_file = match read_data(&path.value) {
                Ok(f) => f,
                Err(message) => {
                    self.problems
                        .push(at(file, &path, format!("{}: {message}", reader.context)));
                    return rows;
                }
            };
            rows = self.read_csv(&csv_file, reader);
        }
        rows
    }

    fn read_csv(&mut self, file: &SourceFile, reader: &RowReader) -> Vec<DataRow> {
        let records = match csv::parse(&file.text) {
            Ok(r) => r,
            Err((line, column, message)) => {
                self.problems.push(file.error(
                    line,
                    column,
                    format!("{}: {message}", reader.context),
                ));
                return Vec::new();
            }
        };
        let Some((header, body)) = records.split_first() else {
            self.problems.push(file.error(
                1,
                1,
                format!(
                    "{}: the CSV file is empty; it needs a header row",
                    reader.context
                ),
            ));
            return Vec::new();
        };
        let mut rows = Vec::new();
        for record in body {
            if record.len() != header.len() {
                self.problems.push(file.error(
                    record[0].line,
                    record[0].column,
                    format!(
                        "{}: this row has {} cells but the header has {}",
                        reader.context,
                        record.len(),
                        header.len()
                    ),
                ));
                continue;
            }
            let cells: Vec<RowCell> = header
                .iter()
                .zip(record)
                .filter(|(_, cell)| !cell.text.trim().is_empty())
                .map(|(h, cell)| RowCell {
                    name: h.text.trim().into(),
                    value: match cell.text.trim().parse::<f64>() {
                        Ok(n) => Scalar::Number(n),
                        Err(_) => Scalar::Text(cell.text.trim().to_string()),
                    },
                    line: cell.line,
                    column: cell.column,
                })
                .collect();
            if let Some(row) = reader.read(
                file,
                &cells,
                (record[0].line, record[0].column),
                &mut self.problems,
            ) {
                rows.push(row);
            }
        }
        rows
    }
}
