//! review.yaml's settings for the GRADE assistant as written: `grade_thresholds` (a mapping of
//! numbers by threshold name) and `evidence_profile` (`linked` or `unlinked`). Shapes only:
//! load/grade.rs checks the values.

use super::{Fields, Reader};
use crate::load::yaml::Node;
use crate::model::Located;
use crate::model::text::AuthorView;

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
