//! The sensitivity analyses authors declare on an analysis (analyses.yaml `sensitivity`): the
//! analysis again with some studies left out (by name, or those not at low risk of bias in
//! named domains), or with another model, method or tau² estimator.

use super::{Location, MethodKey, ModelKey, Tau2Key};

/// A declared sensitivity analysis, checked against its analysis and the studies.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityVariant {
    /// Its name, unique among the analysis's variants ("Fixed-effect model").
    pub name: String,
    /// Where it was written.
    pub at: Location,
    /// Studies the authors leave out by name (included study ids).
    pub exclude: Vec<String>,
    /// Risk-of-bias domains (keys of the review's tool) in which a study must be judged at
    /// low risk to stay in.
    pub low_risk_of_bias: Vec<String>,
    /// Another pooling method, if any.
    pub method: Option<MethodKey>,
    /// Another model, if any.
    pub model: Option<ModelKey>,
    /// Another tau² estimator, if any.
    pub tau2: Option<Tau2Key>,
    /// The studies of the analysis that the variant leaves out by either rule, in the order
    /// of their first rows.
    pub left_out: Vec<String>,
}
