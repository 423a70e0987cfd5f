//! studies.yaml, validated: included, excluded, ongoing and awaiting studies, with risk of
//! bias.

use serde::Deserialize;
use std::collections::BTreeMap;

use super::{IdIndex, Located, Reports};

/// studies.yaml.
#[derive(Debug, Clone)]
pub struct Studies {
    /// The risk-of-bias tool used for every study (default rob1).
    pub risk_of_bias_tool: RobTool,
    /// Included studies.
    pub included: Vec<IncludedStudy>,
    /// Excluded studies with the reason.
    pub excluded: Vec<ExcludedStudy>,
    /// Ongoing studies.
    pub ongoing: Vec<OtherStudy>,
    /// Studies awaiting classification.
    pub awaiting_classification: Vec<OtherStudy>,
    /// `included` by id.
    pub(crate) included_index: IdIndex,
}

impl Studies {
    /// Whether studies are included and none records a risk-of-bias judgement (Review
    /// Manager's data-only files carry none): their judgements are then the tool's default
    /// in every domain, not what the studies' reports showed.
    pub fn no_risk_of_bias_recorded(&self) -> bool {
        !self.included.is_empty() && self.included.iter().all(|s| s.risk_of_bias.is_empty())
    }

    /// The included study with this id.
    pub fn study(&self, id: &str) -> Option<&IncludedStudy> {
        self.included_index
            .find(&self.included, |s| &s.id.value, id)
    }

    /// Whether `id` is an included study.
    pub fn is_included(&self, id: &str) -> bool {
        self.included_index.contains(id)
    }

    /// Every study with its group and reports: included, excluded, awaiting classification,
    /// ongoing (Cochrane's order of the references to studies), each list in file order.
    pub fn with_reports(&self) -> Vec<(StudyGroup, &Located<String>, &Reports)> {
        let included = self
            .included
            .iter()
            .map(|s| (StudyGroup::Included, &s.id, &s.reports));
        let excluded = self
            .excluded
            .iter()
            .map(|s| (StudyGroup::Excluded, &s.id, &s.reports));
        let awaiting = self
            .awaiting_classification
            .iter()
            .map(|s| (StudyGroup::Awaiting, &s.id, &s.reports));
        let ongoing = self
            .ongoing
            .iter()
            .map(|s| (StudyGroup::Ongoing, &s.id, &s.reports));
        included
            .chain(excluded)
            .chain(awaiting)
            .chain(ongoing)
            .collect()
    }
}

/// The list a study is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StudyGroup {
    /// Included in the review.
    Included,
    /// Excluded.
    Excluded,
    /// Awaiting classification.
    Awaiting,
    /// Ongoing.
    Ongoing,
}

impl StudyGroup {
    /// Its list's name in studies.yaml.
    pub fn field(self) -> &'static str {
        match self {
            StudyGroup::Included => "included",
            StudyGroup::Excluded => "excluded",
            StudyGroup::Awaiting => "awaiting_classification",
            StudyGroup::Ongoing => "ongoing",
        }
    }
}

/// An included study.
#[derive(Debug, Clone)]
pub struct IncludedStudy {
    /// "Author Year", unique.
    pub id: Located<String>,
    /// Where the study was carried out (none, one or several countries).
    pub country: Vec<String>,
    /// Randomised participants (not negative).
    pub participants: Option<Located<i64>>,
    /// What the participants are called; defaults to the review's participants_noun.
    pub participants_label: Option<String>,
    /// The setting, in words that follow "included" ("women with a low socioeconomic status").
    pub setting: Option<String>,
    /// A comparison id (review.yaml or analyses.yaml).
    pub comparison: Option<Located<String>>,
    /// Methods (md).
    pub methods: Option<Located<String>>,
    /// Interventions (md).
    pub interventions: Option<Located<String>>,
    /// Notes (md).
    pub notes: Option<Located<String>>,
    /// What the study reported, also when it gave no usable data.
    pub outcomes_reported: Vec<ReportedOutcome>,
    /// Risk-of-bias judgements by domain key (keys of the review's tool only).
    pub risk_of_bias: BTreeMap<String, RobEntry>,
    /// Its reports (references).
    pub reports: Reports,
}

/// An outcome a study reported.
#[derive(Debug, Clone)]
pub struct ReportedOutcome {
    /// A review.yaml outcome id.
    pub outcome: Located<String>,
    /// What the study found, in words, when there are no usable data (md).
    pub narrative: Option<Located<String>>,
}

/// One risk-of-bias judgement.
#[derive(Debug, Clone)]
pub struct RobEntry {
    /// The judgement, in the tool's terms.
    pub judgement: Located<Judgement>,
    /// Support for judgement (md).
    pub support: Option<Located<String>>,
}

/// An excluded study.
#[derive(Debug, Clone)]
pub struct ExcludedStudy {
    /// Study id.
    pub id: Located<String>,
    /// Reason for exclusion.
    pub reason: Option<String>,
    /// Its reports (references).
    pub reports: Reports,
}

/// An ongoing study or one awaiting classification.
#[derive(Debug, Clone)]
pub struct OtherStudy {
    /// Study id.
    pub id: Located<String>,
    /// Description (md).
    pub description: Option<Located<String>>,
    /// Its reports (references).
    pub reports: Reports,
}

/// The risk-of-bias tool.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RobTool {
    /// Cochrane risk-of-bias tool (RoB 1), seven domains.
    #[default]
    Rob1,
    /// RoB 2, five domains and an overall judgement.
    Rob2,
}

/// A risk-of-bias domain of a tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RobDomain {
    /// The key in studies.yaml.
    pub key: &'static str,
    /// The short label in figures (A-G, D1-D5).
    pub letter: &'static str,
    /// The name in tables.
    pub name: &'static str,
}

/// A risk-of-bias judgement, normalised across tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Judgement {
    /// Low risk of bias.
    Low,
    /// Unclear risk (rob1) or some concerns (rob2).
    Unclear,
    /// High risk of bias.
    High,
    /// Not assessed (a rob2 domain that is missing).
    NotAssessed,
}

const ROB1: &[RobDomain] = &[
    RobDomain {
        key: "sequence_generation",
        letter: "A",
        name: "Random sequence generation (selection bias)",
    },
    RobDomain {
        key: "allocation_concealment",
        letter: "B",
        name: "Allocation concealment (selection bias)",
    },
    RobDomain {
        key: "blinding_participants",
        letter: "C",
        name: "Blinding of participants and personnel (performance bias)",
    },
    RobDomain {
        key: "blinding_outcome",
        letter: "D",
        name: "Blinding of outcome assessment (detection bias)",
    },
    RobDomain {
        key: "incomplete_data",
        letter: "E",
        name: "Incomplete outcome data (attrition bias)",
    },
    RobDomain {
        key: "selective_reporting",
        letter: "F",
        name: "Selective reporting (reporting bias)",
    },
    RobDomain {
        key: "other_bias",
        letter: "G",
        name: "Other bias",
    },
];

const ROB2: &[RobDomain] = &[
    RobDomain {
        key: "randomisation",
        letter: "D1",
        name: "Bias arising from the randomisation process",
    },
    RobDomain {
        key: "deviations",
        letter: "D2",
        name: "Bias due to deviations from intended interventions",
    },
    RobDomain {
        key: "missing_data",
        letter: "D3",
        name: "Bias due to missing outcome data",
    },
    RobDomain {
        key: "measurement",
        letter: "D4",
        name: "Bias in measurement of the outcome",
    },
    RobDomain {
        key: "selection_of_result",
        letter: "D5",
        name: "Bias in selection of the reported result",
    },
    RobDomain {
        key: "overall",
        letter: "Overall",
        name: "Overall risk of bias",
    },
];

impl RobTool {
    /// The tool's domains, in the order of the figures.
    pub fn domains(self) -> &'static [RobDomain] {
        match self {
            RobTool::Rob1 => ROB1,
            RobTool::Rob2 => ROB2,
        }
    }

    /// The judgement keys this tool accepts.
    pub fn judgement_keys(self) -> &'static [&'static str] {
        match self {
            RobTool::Rob1 => &["low", "unclear", "high"],
            RobTool::Rob2 => &["low", "some_concerns", "high"],
        }
    }

    /// Parses a judgement key of this tool.
    pub fn judgement(self, key: &str) -> Option<Judgement> {
        match (self, key) {
            (_, "low") => Some(Judgement::Low),
            (_, "high") => Some(Judgement::High),
            (RobTool::Rob1, "unclear") | (RobTool::Rob2, "some_concerns") => {
                Some(Judgement::Unclear)
            }
            _ => None,
        }
    }

    /// The judgement of a domain the study does not mention.
    pub fn missing_judgement(self) -> Judgement {
        match self {
            RobTool::Rob1 => Judgement::Unclear,
            RobTool::Rob2 => Judgement::NotAssessed,
        }
    }

    /// The label of a judgement in this tool's words ("Unclear risk", "Some concerns").
    pub fn judgement_label(self, judgement: Judgement) -> &'static str {
        match (self, judgement) {
            (_, Judgement::Low) => "Low risk",
            (_, Judgement::High) => "High risk",
            (RobTool::Rob1, Judgement::Unclear) => "Unclear risk",
            (RobTool::Rob2, Judgement::Unclear) => "Some concerns",
            (_, Judgement::NotAssessed) => "Not assessed",
        }
    }
}

impl IncludedStudy {
    /// The study's judgement for a domain, with the tool's default when it is missing.
    pub fn judgement(&self, tool: RobTool, domain: &RobDomain) -> Judgement {
        self.risk_of_bias
            .get(domain.key)
            .map_or_else(|| tool.missing_judgement(), |e| e.judgement.value)
    }

    /// The countries the study was carried out in.
    pub fn countries(&self) -> Vec<String> {
        self.country.clone()
    }
}
