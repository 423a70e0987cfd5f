//! The review's settings for the GRADE assistant (review.yaml `grade_thresholds`,
//! `evidence_profile`) and the authors' acknowledgement of its suggestions (analyses.yaml,
//! `certainty: {grade_acknowledged: ...}`).

use super::Located;
use super::text::AuthorView;
use crate::stats::grade::{GradeDomain, GradeThresholds};

/// review.yaml's settings for the GRADE assistant.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GradeSettings {
    /// The thresholds of its rules: docs/grade.md's defaults, with those the review gives.
    pub thresholds: GradeThresholds,
    /// Whether the published page links to the evidence profile (evidence-profile.html),
    /// which is written beside it for the authors like the author view.
    pub evidence_profile: AuthorView,
}

/// The authors' answer to the GRADE assistant for one analysis: their reason for rating
/// otherwise, for the whole suggestion or domain by domain. It silences `check`'s warnings on
/// what it covers; it never changes the published text.
#[derive(Debug, Clone, PartialEq)]
pub enum GradeAcknowledged {
    /// One reason for the whole suggestion: every warning on the analysis's certainty.
    All(Located<String>),
    /// A reason per domain: the warnings on those domains, and the one on the level once the
    /// domains left unanswered no longer suggest a level below the authors'.
    Domains(Vec<(GradeDomain, Located<String>)>),
}

impl GradeAcknowledged {
    /// Whether the authors acknowledged the assistant's suggestion for `domain`.
    pub fn covers(&self, domain: GradeDomain) -> bool {
        match self {
            GradeAcknowledged::All(_) => true,
            GradeAcknowledged::Domains(domains) => domains.iter().any(|(d, _)| *d == domain),
        }
    }
}
