//! An analysis's declared sensitivity analyses as written (`sensitivity`). Shapes only: the
//! studies and domains they name are checked in `load::sensitivity`.

use super::{METHODS, MODELS, Reader, TAU2_ESTIMATORS};
use crate::load::yaml::Node;
use crate::model::{Located, Location, MethodKey, ModelKey, Tau2Key};

/// A sensitivity analysis as written.
#[derive(Debug, Clone)]
pub(crate) struct SensitivitySpec {
    pub at: Location,
    pub name: Located<String>,
    pub exclude: Option<Located<Vec<Located<String>>>>,
    pub low_risk_of_bias: Option<Located<Vec<Located<String>>>>,
    pub method: Option<Located<MethodKey>>,
    pub model: Option<Located<ModelKey>>,
    pub tau2: Option<Located<Tau2Key>>,
}

/// An analysis's `sensitivity`: a list of variants.
#[allow(
    clippy::unnecessary_wraps,
    reason = "a field reader for `Fields::optional`, whose readers return Option"
)]
pub(crate) fn sensitivity(
    r: &mut Reader,
    field: &str,
    node: Node,
) -> Option<Located<Vec<SensitivitySpec>>> {
    let at = node.at;
    Some(Located::new(r.list(field, node, variant), at))
}

fn variant(r: &mut Reader, node: Node) -> Option<SensitivitySpec> {
    let at = node.at;
    let mut f = r.item_fields(
        node,
        &[
            "name",
            "exclude",
            "low_risk_of_bias",
            "method",
            "model",
            "tau2",
        ],
    )?;
    let name = f.required(r, "name").and_then(|n| r.text("name", n));
    let exclude = f.optional(r, "exclude", located_texts);
    let low_risk_of_bias = f.optional(r, "low_risk_of_bias", located_texts);
    let method = f.optional(r, "method", |r, field, n| r.choice(field, n, METHODS));
    let model = f.optional(r, "model", |r, field, n| r.choice(field, n, MODELS));
    let tau2 = f.optional(r, "tau2", |r, field, n| r.choice(field, n, TAU2_ESTIMATORS));
    r.whole_item(|| {
        Some(SensitivitySpec {
            at,
            name: name?,
            exclude,
            low_risk_of_bias,
            method,
            model,
            tau2,
        })
    })
}

/// A list of texts, each with its place (a single text is a list of one).
fn located_texts(r: &mut Reader, field: &str, node: Node) -> Option<Located<Vec<Located<String>>>> {
    let at = node.at;
    if matches!(node.value, crate::load::yaml::Value::Scalar { .. }) {
        return r.text(field, node).map(|t| Located::new(vec![t], at));
    }
    let items = r.list(field, node, |r, n| r.text(field, n));
    Some(Located::new(items, at))
}
