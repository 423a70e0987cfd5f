//! An analysis's declared sensitivity analyses (`sensitivity`) checked and resolved: the
//! studies they leave out by name are included studies, the risk-of-bias domains are the
//! tool's, a method fits the data, something changes, and some study remains. Every problem
//! is reported at its place, all in one run.

use std::collections::HashSet;

use super::raw::SensitivitySpec;
use crate::diagnostic::{Kind, Problems, SourceFile};
use crate::model::{
    DataGroup, DataType, Judgement, Located, MethodKey, ModelKey, SensitivityVariant, Studies,
    Tau2Key, Totals,
};

const NOT_POOLED: Kind = Kind::warning("a sensitivity analysis of an analysis without a total");
const DUPLICATE_NAME: Kind = Kind::error("two sensitivity analyses with one name");
const NO_CHANGE: Kind = Kind::error("a sensitivity analysis that names no change");
const UNKNOWN_STUDY: Kind = Kind::error("a sensitivity analysis naming a study not included");
const UNKNOWN_DOMAIN: Kind = Kind::error("a risk-of-bias domain the review's tool does not have");
const BAD_METHOD: Kind = Kind::error("a sensitivity analysis method that does not fit the data");
const NO_STUDY_LEFT: Kind = Kind::error("a sensitivity analysis that leaves no study");
const ABSENT_STUDY: Kind = Kind::warning("a study left out of an analysis it is not in");
const IGNORED_TAU2: Kind = Kind::warning("a tau² estimator for a fixed-effect model");
const SAME_AS_MAIN: Kind = Kind::warning("a sensitivity analysis identical to its analysis");

/// The analysis the variants re-examine, as resolved so far.
pub(crate) struct Parent<'a> {
    /// "comparison `x`, outcome `y`", for messages.
    pub context: &'a str,
    pub data_type: DataType,
    /// The measure's label, as written.
    pub measure: &'a str,
    pub method: MethodKey,
    pub model: ModelKey,
    pub tau2: Tau2Key,
    pub totals: Totals,
    pub groups: &'a [DataGroup],
}

/// The declared sensitivity analyses of `parent` (its `sensitivity` field as written), checked
/// against the analysis and the included studies (`studies`, None when studies.yaml could not
/// be read). Variants with errors are left out; their problems go to `problems`.
pub(crate) fn resolve(
    written: Option<Located<Vec<SensitivitySpec>>>,
    parent: &Parent,
    studies: Option<&Studies>,
    file: &SourceFile,
    problems: &mut Problems,
) -> Vec<SensitivityVariant> {
    let Some(written) = written else {
        return Vec::new();
    };
    if parent.totals != Totals::Overall {
        problems.add(&file.path, NOT_POOLED, |_| {
            file.warning_at(
                written.referenced,
                format!(
                    "{}: a sensitivity analysis pools the analysis again, and this analysis has `totals: {}`, which pools no overall total, so its sensitivity analyses are left out",
                    parent.context,
                    parent.totals.as_str()
                ),
            )
        });
        return Vec::new();
    }
    let mut names: HashSet<&str> = HashSet::new();
    for spec in &written.value {
        if !names.insert(spec.name.value.as_str()) {
            problems.add(&file.path, DUPLICATE_NAME, |_| {
                file.error_at(
                    spec.name.referenced,
                    format!(
                        "{}: a second sensitivity analysis named `{}`; give each its own name",
                        parent.context, spec.name.value
                    ),
                )
            });
        }
    }
    written
        .value
        .into_iter()
        .filter_map(|spec| {
            let errors = problems.errors();
            let variant = variant(spec, parent, studies, file, problems);
            (problems.errors() == errors).then_some(variant)
        })
        .collect()
}

/// One variant, with every problem reported.
fn variant(
    spec: SensitivitySpec,
    parent: &Parent,
    studies: Option<&Studies>,
    file: &SourceFile,
    problems: &mut Problems,
) -> SensitivityVariant {
    let context = format!(
        "{}, sensitivity analysis `{}`",
        parent.context, spec.name.value
    );
    let errors_before = problems.errors();
    let exclude: Vec<Located<String>> = spec.exclude.map(|e| e.value).unwrap_or_default();
    let domains: Vec<Located<String>> = spec.low_risk_of_bias.map(|d| d.value).unwrap_or_default();
    let changes_nothing = exclude.is_empty()
        && domains.is_empty()
        && spec.method.is_none()
        && spec.model.is_none()
        && spec.tau2.is_none();
    if changes_nothing {
        problems.add(&file.path, NO_CHANGE, |_| {
            file.error_at(
                spec.at,
                format!(
                    "{context}: say what it changes: `exclude` (study ids), `low_risk_of_bias` (risk-of-bias domains), `model`, `tau2` or `method`"
                ),
            )
        });
    }
    let in_analysis: Vec<&str> = {
        let mut seen = HashSet::new();
        parent
            .groups
            .iter()
            .flat_map(|g| &g.rows)
            .map(|r| r.study.as_str())
            .filter(|s| seen.insert(*s))
            .collect()
    };
    for id in &exclude {
        if let Some(studies) = studies
            && !studies.is_included(&id.value)
        {
            problems.add(&file.path, UNKNOWN_STUDY, |hint| {
                file.error_at(
                    id.referenced,
                    format!(
                        "{context}: `exclude` names `{}`, which is not an included study of studies.yaml",
                        id.value
                    ),
                )
                .suggest_if(
                    hint,
                    &id.value,
                    studies.included.iter().map(|s| s.id.value.as_str()),
                )
            });
        } else if !in_analysis.contains(&id.value.as_str()) {
            problems.add(&file.path, ABSENT_STUDY, |_| {
                file.warning_at(
                    id.referenced,
                    format!(
                        "{context}: `exclude` names `{}`, which has no row in this analysis, so leaving it out changes nothing",
                        id.value
                    ),
                )
            });
        }
    }
    let tool = studies.map(|s| s.risk_of_bias_tool);
    if let Some(tool) = tool {
        let keys: Vec<&str> = tool.domains().iter().map(|d| d.key).collect();
        for key in &domains {
            if !keys.contains(&key.value.as_str()) {
                problems.add(&file.path, UNKNOWN_DOMAIN, |hint| {
                    file.error_at(
                        key.referenced,
                        format!(
                            "{context}: `low_risk_of_bias` names `{}`, which is not a domain of the review's risk-of-bias tool (use {})",
                            key.value,
                            keys.join(", ")
                        ),
                    )
                    .suggest_if(hint, &key.value, keys.iter().copied())
                });
            }
        }
    }
    if let Some(method) = &spec.method
        && let Some(hint) =
            super::analyses::method_misfit(method.value, parent.data_type, parent.measure)
    {
        problems.add(&file.path, BAD_METHOD, |_| {
            file.error_at(
                method.referenced,
                format!(
                    "{context}: method {:?} does not fit {} {} data: {hint}",
                    method.value,
                    parent.data_type.as_str(),
                    parent.measure
                ),
            )
        });
    }
    let model = spec.model.as_ref().map_or(parent.model, |m| m.value);
    if let Some(tau2) = &spec.tau2
        && model != ModelKey::Random
    {
        problems.add(&file.path, IGNORED_TAU2, |_| {
            file.warning_at(
                tau2.referenced,
                format!("{context}: `tau2` applies to random-effects models only and is ignored"),
            )
        });
    }
    // A study stays in when it is not named and, where domains are named, is at low risk in
    // each of them.
    let low_risk = |id: &str| match (studies, tool) {
        (Some(studies), Some(tool)) => studies.study(id).is_some_and(|s| {
            tool.domains()
                .iter()
                .filter(|d| domains.iter().any(|k| k.value == d.key))
                .all(|d| s.judgement(tool, d) == Judgement::Low)
        }),
        // Without studies.yaml there is nothing to judge by; its problems are reported there.
        _ => true,
    };
    let left_out: Vec<String> = in_analysis
        .iter()
        .filter(|id| exclude.iter().any(|e| e.value == **id) || !low_risk(id))
        .map(std::string::ToString::to_string)
        .collect();
    if !in_analysis.is_empty() && left_out.len() == in_analysis.len() {
        let names: Vec<String> = domains.iter().map(|d| format!("`{}`", d.value)).collect();
        let why = match (domains.is_empty(), exclude.is_empty()) {
            (true, _) => "it leaves out every study of the analysis".to_string(),
            (false, true) => format!(
                "no study of the analysis was judged at low risk of bias for {}",
                names.join(" and ")
            ),
            (false, false) => format!(
                "no study of the analysis that `exclude` does not name was judged at low risk of bias for {}",
                names.join(" and ")
            ),
        };
        problems.add(&file.path, NO_STUDY_LEFT, |_| {
            file.error_at(
                spec.at,
                format!("{context}: {why}, so nothing is left to pool"),
            )
        });
    }
    let method = spec.method.as_ref().map_or(parent.method, |m| m.value);
    let tau2 = spec.tau2.as_ref().map_or(parent.tau2, |t| t.value);
    let same_settings = method == parent.method
        && model == parent.model
        && (model == ModelKey::Fixed || tau2 == parent.tau2);
    // Only a variant without errors can be said to repeat the analysis (a study it could not
    // find is not left out).
    if left_out.is_empty() && same_settings && problems.errors() == errors_before {
        problems.add(&file.path, SAME_AS_MAIN, |_| {
            file.warning_at(
                spec.at,
                format!(
                    "{context}: it leaves out no study and pools as the analysis does, so it repeats the analysis"
                ),
            )
        });
    }
    SensitivityVariant {
        name: spec.name.value,
        at: spec.at,
        exclude: exclude.into_iter().map(|e| e.value).collect(),
        low_risk_of_bias: domains.into_iter().map(|d| d.value).collect(),
        method: spec.method.map(|m| m.value),
        model: spec.model.map(|m| m.value),
        tau2: spec.tau2.map(|t| t.value),
        left_out,
    }
}
