//! studies.yaml as written -> the validated [`Studies`]: unique ids, participants that are not
//! negative, comparisons and outcomes that exist, risk-of-bias domains and judgements of the
//! review's tool.

use std::collections::{BTreeMap, BTreeSet};

use super::protocol::check_unique;
use super::raw;
use crate::diagnostic::{Kind, Problems, SourceFile};
use crate::model::{
    ExcludedStudy, IdIndex, IncludedStudy, Located, Location, OtherStudy, Protocol,
    ReportedOutcome, RobEntry, RobTool, Studies,
};

const NEGATIVE: Kind = Kind::error("a negative number of participants");
const UNKNOWN_COMPARISON: Kind = Kind::error("a comparison that does not exist");
const UNKNOWN_OUTCOME: Kind = Kind::error("an outcome that is not in review.yaml");
const UNKNOWN_DOMAIN: Kind = Kind::error("a risk-of-bias domain of another tool");
const UNKNOWN_JUDGEMENT: Kind = Kind::error("a risk-of-bias judgement of another tool");

/// What studies.yaml refers to in the other files; None where that file could not be read, so
/// that its references are not checked.
pub(crate) struct Referenced<'a> {
    /// review.yaml.
    pub protocol: Option<&'a Protocol>,
    /// The comparison ids of review.yaml and analyses.yaml, when both could be read.
    pub comparisons: Option<BTreeSet<&'a str>>,
}

/// Checks studies.yaml and builds the studies; problems go to `problems`.
pub(crate) fn check(
    raw: raw::StudiesFile,
    file: &SourceFile,
    referenced: &Referenced,
    problems: &mut Problems,
) -> Studies {
    let tool = raw.risk_of_bias_tool;
    // Duplicates first, then each study's own problems, in file order.
    fn id(s: &Located<String>) -> (&str, Location) {
        (s.value.as_str(), s.referenced)
    }
    check_unique(
        file,
        "study",
        raw.included.iter().map(|s| id(&s.id)),
        problems,
    );
    check_unique(
        file,
        "excluded study",
        raw.excluded.iter().map(|s| id(&s.id)),
        problems,
    );
    check_unique(
        file,
        "ongoing study",
        raw.ongoing.iter().map(|s| id(&s.id)),
        problems,
    );
    let included: Vec<IncludedStudy> = raw
        .included
        .into_iter()
        .map(|s| study(s, tool, file, referenced, problems))
        .collect();
    let excluded: Vec<ExcludedStudy> = raw
        .excluded
        .into_iter()
        .map(|s| ExcludedStudy {
            id: s.id,
            reason: s.reason,
            reports: s.reports,
        })
        .collect();
    let other = |list: Vec<raw::OtherStudy>| -> Vec<OtherStudy> {
        list.into_iter()
            .map(|s| OtherStudy {
                id: s.id,
                description: s.description,
                reports: s.reports,
            })
            .collect()
    };
    let ongoing = other(raw.ongoing);
    let awaiting_classification = other(raw.awaiting_classification);
    Studies {
        risk_of_bias_tool: tool,
        included_index: IdIndex::new(included.iter().map(|s| s.id.value.as_str())),
        included,
        excluded,
        ongoing,
        awaiting_classification,
    }
}

/// One included study, checked.
fn study(
    raw: raw::IncludedStudy,
    tool: RobTool,
    file: &SourceFile,
    referenced: &Referenced,
    problems: &mut Problems,
) -> IncludedStudy {
    let id = raw.id;
    let sid = &id.value;
    let participants = raw.participants;
    if let Some(n) = &participants
        && n.value < 0
    {
        problems.add(&file.path, NEGATIVE, |_| {
            file.error_at(
                n.referenced,
                format!("study `{sid}`: participants is negative ({})", n.value),
            )
        });
    }
    let comparison = raw.comparison;
    if let (Some(c), Some(ids)) = (&comparison, &referenced.comparisons)
        && !ids.contains(c.value.as_str())
    {
        problems.add(&file.path, UNKNOWN_COMPARISON, |hint| {
            file.error_at(
                c.referenced,
                format!(
                    "study `{sid}`: comparison `{}` is not a comparison of review.yaml or analyses.yaml",
                    c.value
                ),
            )
            .suggest_if(hint, &c.value, ids.iter().copied())
        });
    }
    let outcomes_reported: Vec<ReportedOutcome> = raw
        .outcomes_reported
        .into_iter()
        .map(|r| ReportedOutcome {
            outcome: r.outcome,
            narrative: r.narrative,
        })
        .collect();
    if let Some(protocol) = referenced.protocol {
        for reported in &outcomes_reported {
            let o = &reported.outcome;
            if !protocol.has_outcome(&o.value) {
                problems.add(&file.path, UNKNOWN_OUTCOME, |hint| {
                    file.error_at(
                        o.referenced,
                        format!(
                            "study `{sid}`: outcome `{}` is not an outcome of review.yaml",
                            o.value
                        ),
                    )
                    .suggest_if(
                        hint,
                        &o.value,
                        protocol.outcomes.iter().map(|o| o.id.value.as_str()),
                    )
                });
            }
        }
    }
    let domain_keys: Vec<&str> = tool.domains().iter().map(|d| d.key).collect();
    let mut risk_of_bias = BTreeMap::new();
    for (key, entry) in raw.risk_of_bias {
        let key = key.value;
        let judgement = entry.judgement;
        let known_domain = domain_keys.contains(&key.as_str());
        if !known_domain {
            let tool_name = match tool {
                RobTool::Rob1 => "rob1",
                RobTool::Rob2 => "rob2",
            };
            problems.add(&file.path, UNKNOWN_DOMAIN, |hint| {
                file.error_at(
                    judgement.referenced,
                    format!(
                        "study `{sid}`: `{key}` is not a {tool_name} risk-of-bias domain (the domains are {})",
                        domain_keys.join(", ")
                    ),
                )
                .suggest_if(hint, &key, domain_keys.iter().copied())
            });
        }
        let Some(parsed) = tool.judgement(&judgement.value) else {
            let keys = tool.judgement_keys();
            problems.add(&file.path, UNKNOWN_JUDGEMENT, |hint| {
                file.error_at(
                    judgement.referenced,
                    format!(
                        "study `{sid}`, domain `{key}`: judgement `{}` is not one of {}",
                        judgement.value,
                        keys.join(", ")
                    ),
                )
                .suggest_if(hint, &judgement.value, keys.iter().copied())
            });
            continue;
        };
        if known_domain {
            risk_of_bias.insert(
                key,
                RobEntry {
                    judgement: Located::new(parsed, judgement.referenced),
                    support: entry.support,
                },
            );
        }
    }
    IncludedStudy {
        id,
        country: raw.country,
        participants,
        participants_label: raw.participants_label,
        setting: raw.setting,
        comparison,
        methods: raw.methods,
        interventions: raw.interventions,
        notes: raw.notes,
        outcomes_reported,
        risk_of_bias,
        reports: raw.reports,
    }
}
