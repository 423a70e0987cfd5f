//! The GRADE assistant's fields as written: in review.yaml `grade_thresholds` (a mapping of
//! numbers by threshold name) and `evidence_profile` (`linked` or `unlinked`), in analyses.yaml
//! a certainty's `grade_acknowledged`. Shapes only: load/grade.rs checks the thresholds.

use super::{Fields, Reader};
use crate::diagnostic::Kind;
use crate::load::yaml::{Node, Value};
use crate::model::text::AuthorView;
use crate::model::{GradeAcknowledged, Located};
use crate::stats::grade::GradeDomain;

const EMPTY_REASON: Kind = Kind::error("an acknowledgement without a reason");

/// The fields of review.yaml that this module reads.
pub(crate) const FIELDS: &[&str] = &["grade_thresholds", "evidence_profile"];

/// The names of the thresholds, as review.yaml and docs/grade.md give them.
pub(crate) const THRESHOLDS: &[&str] = &[
    "rob_high_serious",
    "rob_high_very_serious",
    "rob_not_low_serious",
    "i2_serious",
    "i2_very_serious",
    "heterogeneity_p",
    "subgroup_p",
    "information_size_alpha",
    "information_size_power",
    "small_study_p",
];

/// The GRADE assistant's settings as written.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawGrade {
    /// Each threshold given, by name (one of [`THRESHOLDS`]), in file order.
    pub thresholds: Vec<(&'static str, Located<f64>)>,
    /// Whether the page links to the evidence profile.
    pub evidence_profile: Option<AuthorView>,
}

/// Reads this module's fields of review.yaml from `f`.
pub(crate) fn review_fields(r: &mut Reader, f: &mut Fields) -> RawGrade {
    RawGrade {
        thresholds: f
            .optional(r, "grade_thresholds", thresholds)
            .unwrap_or_default(),
        evidence_profile: f
            .optional(r, "evidence_profile", |r, field, n| {
                r.choice(
                    field,
                    n,
                    &[
                        ("unlinked", AuthorView::Unlinked),
                        ("linked", AuthorView::Linked),
                    ],
                )
            })
            .map(|v| v.value),
    }
}

fn thresholds(
    r: &mut Reader,
    field: &str,
    node: Node,
) -> Option<Vec<(&'static str, Located<f64>)>> {
    let mut f = r.fields_of(field, node, THRESHOLDS)?;
    Some(
        THRESHOLDS
            .iter()
            .filter_map(|&name| Some((name, f.optional(r, name, Reader::number)?)))
            .collect(),
    )
}

/// `grade_acknowledged` in a certainty: one reason (a text) for the whole suggestion, or a
/// mapping of reasons by domain (`risk_of_bias`, `inconsistency`, `imprecision`,
/// `publication_bias`). A reason may not be empty: it is what the authors answer.
pub(crate) fn acknowledged(r: &mut Reader, field: &str, node: Node) -> Option<GradeAcknowledged> {
    let reason = |r: &mut Reader, field: &str, node: Node| {
        let text = r.text(field, node)?;
        if text.value.trim().is_empty() {
            let file = r.file;
            r.problems.add(&file.path, EMPTY_REASON, |_| {
                file.error_at(
                    text.referenced,
                    format!(
                        "{field}: give your reason for rating otherwise than the GRADE assistant"
                    ),
                )
            });
            return None;
        }
        Some(text)
    };
    if !matches!(node.value, Value::Map(_)) {
        return reason(r, field, node).map(GradeAcknowledged::All);
    }
    let keys = GradeDomain::ALL.map(GradeDomain::key);
    let mut f = r.fields_of(field, node, &keys)?;
    let domains: Vec<(GradeDomain, Located<String>)> = GradeDomain::ALL
        .into_iter()
        .filter_map(|domain| Some((domain, f.optional(r, domain.key(), reason)?)))
        .collect();
    (!domains.is_empty()).then_some(GradeAcknowledged::Domains(domains))
}
