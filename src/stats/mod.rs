//! The meta-analysis engine: pure numerics, no files, no serde, no templates.
//!
//! Every statistical choice follows `shared/spec/statistics.md` (Review Manager 5
//! conventions, Deeks & Higgins 2010, plus REML, Paule-Mandel, HKSJ and
//! prediction intervals as options). The entry points are [`fit`] for one
//! outcome and [`fit_subgroups`] for an outcome split into subgroups.

mod analysis;
mod dist;
mod effect;
mod fit;
mod input;
mod mh;
mod output;
mod pool;
mod subgroups;
mod tau2;

#[cfg(test)]
mod tests;

pub use analysis::{OutcomeFit, analyse_outcome, settings};
pub use dist::normal_ci;
pub use fit::fit;
pub use input::{Measure, Method, Model, Row, Settings, Tau2Estimator};
pub use output::{Effect, Fit, Heterogeneity, Pooled, RowResult, SubgroupFit};
pub use subgroups::fit_subgroups;
pub use tau2::{MAX_ITERATIONS, RELATIVE_TOLERANCE};
