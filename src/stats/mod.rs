//! The meta-analysis engine: pure numerics, no files, no serde, no templates.
//!
//! Every statistical choice is documented in `docs/statistics.md` (Review Manager 5
//! conventions, Deeks & Higgins 2010, plus REML, Paule-Mandel, HKSJ and
//! prediction intervals as options). The entry points are [`fit`] for one
//! outcome and [`fit_subgroups`] for an outcome split into subgroups.

mod analysis;
mod dist;
mod effect;
mod fit;
pub mod grade;
mod input;
mod interval;
mod leave_one_out;
mod mh;
mod output;
mod pool;
mod small_study;
mod subgroups;
mod tau2;

#[cfg(test)]
mod tests;

pub use analysis::{OutcomeFit, analyse_outcome, settings};
pub use dist::normal_ci;
pub use fit::fit;
pub use input::{Measure, Method, Model, Row, Settings, Tau2Estimator};
pub use interval::IntervalPosition;
pub use leave_one_out::{
    ConclusionChange, LEAVE_ONE_OUT_MIN_STUDIES, LeftOut, conclusion_change, leave_one_out,
};
pub use output::{Effect, Fit, Heterogeneity, Pooled, RowResult, SubgroupFit};
pub use small_study::{
    FUNNEL_CONTOUR_P, FunnelContour, RegressionTest, SMALL_STUDY_MIN_STUDIES, SmallStudyEffects,
    SmallStudyTest, egger, funnel_contours, peters, small_study_effects,
};
pub use subgroups::fit_subgroups;
pub use tau2::{MAX_ITERATIONS, RELATIVE_TOLERANCE};
