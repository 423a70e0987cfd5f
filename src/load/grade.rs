//! review.yaml's GRADE settings as written -> the validated [`GradeSettings`]: each threshold
//! within its range (a share of the weight, a percentage or a probability), and each pair of
//! thresholds for a serious and a very serious rating in order.

use super::raw::RawGrade;
use crate::diagnostic::{Kind, Problems, SourceFile};
use crate::model::{GradeSettings, Located};
use crate::stats::grade::GradeThresholds;

const BAD_THRESHOLD: Kind = Kind::error("a GRADE threshold out of its range");

/// What kind of number a threshold is, which decides its range.
#[derive(Clone, Copy)]
enum Range {
    /// A share of the pooled weight: above 0, at most 1.
    Share,
    /// I² in percent: above 0, at most 100.
    Percent,
    /// A P value, α or power: strictly between 0 and 1.
    Probability,
}

impl Range {
    fn holds(self, x: f64) -> bool {
        match self {
            Range::Share => x > 0.0 && x <= 1.0,
            Range::Percent => x > 0.0 && x <= 100.0,
            Range::Probability => x > 0.0 && x < 1.0,
        }
    }

    fn words(self) -> &'static str {
        match self {
            Range::Share => "a share of the weight above 0 and at most 1, such as 0.25",
            Range::Percent => "an I² in percent above 0 and at most 100, such as 50",
            Range::Probability => "a probability between 0 and 1, such as 0.10",
        }
    }
}

/// The threshold of this name in `t`, with its range (`None` for a name that is not one).
fn threshold<'t>(t: &'t mut GradeThresholds, name: &str) -> Option<(&'t mut f64, Range)> {
    Some(match name {
        "rob_high_serious" => (&mut t.rob_high_serious, Range::Share),
        "rob_high_very_serious" => (&mut t.rob_high_very_serious, Range::Share),
        "rob_not_low_serious" => (&mut t.rob_not_low_serious, Range::Share),
        "i2_serious" => (&mut t.i2_serious, Range::Percent),
        "i2_very_serious" => (&mut t.i2_very_serious, Range::Percent),
        "heterogeneity_p" => (&mut t.heterogeneity_p, Range::Probability),
        "subgroup_p" => (&mut t.subgroup_p, Range::Probability),
        "information_size_alpha" => (&mut t.information_size_alpha, Range::Probability),
        "information_size_power" => (&mut t.information_size_power, Range::Probability),
        "small_study_p" => (&mut t.small_study_p, Range::Probability),
        _ => return None,
    })
}

/// The pairs of thresholds where the very serious one must not be below the serious one.
const ORDERED: [(&str, &str); 2] = [
    ("rob_high_serious", "rob_high_very_serious"),
    ("i2_serious", "i2_very_serious"),
];

/// Checks the thresholds review.yaml gives, on the defaults of docs/grade.md; problems go to
/// `problems`, at the value.
pub(crate) fn settings(raw: RawGrade, file: &SourceFile, problems: &mut Problems) -> GradeSettings {
    let mut thresholds = GradeThresholds::default();
    let mut given: Vec<&(&str, Located<f64>)> = Vec::new();
    for entry in &raw.thresholds {
        let (name, value) = entry;
        let Some((slot, range)) = threshold(&mut thresholds, name) else {
            continue;
        };
        if range.holds(value.value) {
            *slot = value.value;
            given.push(entry);
        } else {
            problems.add(&file.path, BAD_THRESHOLD, |_| {
                file.error_at(
                    value.referenced,
                    format!(
                        "grade_thresholds: `{name}` must be {} (got {})",
                        range.words(),
                        value.value
                    ),
                )
            });
        }
    }
    for (serious, very_serious) in ORDERED {
        let value = |t: &mut GradeThresholds, name| threshold(t, name).map_or(0.0, |(v, _)| *v);
        let (low, high) = (
            value(&mut thresholds, serious),
            value(&mut thresholds, very_serious),
        );
        // Reported at whichever of the two the review gives last.
        let at = given
            .iter()
            .rev()
            .find(|(name, _)| *name == serious || *name == very_serious);
        if let Some((_, written)) = at.filter(|_| high < low) {
            problems.add(&file.path, BAD_THRESHOLD, |_| {
                file.error_at(
                    written.referenced,
                    format!(
                        "grade_thresholds: `{very_serious}` ({high}) must not be below \
                         `{serious}` ({low})"
                    ),
                )
            });
        }
    }
    GradeSettings {
        thresholds,
        evidence_profile: raw.evidence_profile.unwrap_or_default(),
    }
}
