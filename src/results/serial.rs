//! How results.json writes the review's own vocabulary (measures, methods, models, certainty,
//! warnings) as text, and reads it back. The names are the file's, kept here rather than on
//! the model's types, whose names are those of the review files.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Warning;
use crate::model::{
    CertaintyLevel, DataType, Measure, MethodKey, ModelKey, ScaleKey, Tau2Key, Totals,
};

/// Names an enum's values with a fixed list of names (`name` and `parse`); with `field`, also
/// writes and reads a field of that enum as its name (`#[serde(with = "...")]`).
macro_rules! names {
    ($module:ident, $type:ty, [$($value:path => $name:literal),+ $(,)?] $(, field $what:literal)?) => {
        pub mod $module {
            use super::*;

            /// The name results.json gives the value.
            pub fn name(value: $type) -> &'static str {
                match value {
                    $($value => $name,)+
                }
            }

            /// The value a name stands for.
            pub fn parse(name: &str) -> Option<$type> {
                match name {
                    $($name => Some($value),)+
                    _ => None,
                }
            }

            $(
            pub fn serialize<S: Serializer>(value: &$type, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(name(*value))
            }

            pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<$type, D::Error> {
                let text = String::deserialize(d)?;
                parse(&text).ok_or_else(|| {
                    D::Error::custom(format!(concat!("unknown ", $what, " `{}`"), text))
                })
            }
            )?
        }
    };
}

names!(method, MethodKey, [
    MethodKey::MH => "MH",
    MethodKey::IV => "IV",
    MethodKey::Peto => "Peto",
], field "method");

names!(model, ModelKey, [
    ModelKey::Fixed => "fixed",
    ModelKey::Random => "random",
], field "model");

names!(tau2, Tau2Key, [
    Tau2Key::DL => "DL",
    Tau2Key::REML => "REML",
    Tau2Key::PM => "PM",
], field "tau² method");

names!(totals, Totals, [
    Totals::Overall => "overall",
    Totals::Subtotals => "subtotals",
    Totals::None => "none",
], field "totals");

names!(data_type, DataType, [
    DataType::Dichotomous => "dichotomous",
    DataType::Continuous => "continuous",
    DataType::Generic => "generic",
]);

names!(scale, ScaleKey, [
    ScaleKey::Ratio => "ratio",
    ScaleKey::Difference => "difference",
]);

names!(level, CertaintyLevel, [
    CertaintyLevel::High => "high",
    CertaintyLevel::Moderate => "moderate",
    CertaintyLevel::Low => "low",
    CertaintyLevel::VeryLow => "very low",
]);

/// An optional certainty level, by its words ("very low").
pub mod certainty {
    use super::*;

    #[allow(
        clippy::ref_option,
        reason = "serde's `with` passes the field by reference"
    )]
    pub fn serialize<S: Serializer>(
        value: &Option<CertaintyLevel>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        value.map(level::name).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<CertaintyLevel>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|text| {
                level::parse(&text)
                    .ok_or_else(|| D::Error::custom(format!("unknown certainty `{text}`")))
            })
            .transpose()
    }
}

/// The measure as four keys of the outcome: `type`, `measure` (its label), `measure_name`
/// (its full name) and `scale`.
pub mod measure {
    use super::*;

    #[derive(Serialize)]
    struct Written<'a> {
        #[serde(rename = "type")]
        data_type: &'static str,
        measure: &'a str,
        measure_name: &'a str,
        scale: &'static str,
    }

    #[derive(Deserialize)]
    struct Read {
        #[serde(rename = "type")]
        data_type: String,
        measure: String,
        /// Absent from files written before `measure_name` was added.
        #[serde(default)]
        measure_name: Option<String>,
        /// Absent from files written before `scale` was added.
        #[serde(default)]
        scale: Option<String>,
    }

    pub fn serialize<S: Serializer>(value: &Measure, s: S) -> Result<S::Ok, S::Error> {
        Written {
            data_type: data_type::name(value.data_type()),
            measure: value.label(),
            measure_name: value.name(),
            scale: scale::name(value.scale()),
        }
        .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Measure, D::Error> {
        let read = Read::deserialize(d)?;
        let kind = data_type::parse(&read.data_type)
            .ok_or_else(|| D::Error::custom(format!("unknown data type `{}`", read.data_type)))?;
        let scale = match &read.scale {
            Some(text) => scale::parse(text)
                .ok_or_else(|| D::Error::custom(format!("unknown scale `{text}`")))?,
            None => scale_of_label(&read.measure),
        };
        // A label that does not fit its data type (another version's wording) is kept as a
        // generic measure: its label and scale are all that comparisons read.
        let measure = Measure::parse(kind, &read.measure, scale).unwrap_or(Measure::Generic {
            name: read.measure.clone(),
            label: read.measure,
            scale,
        });
        Ok(measure.with_name(read.measure_name.as_deref()))
    }

    /// The scale of a measure in a file written before `scale` was added, by its label (the
    /// ratio labels revmark wrote then).
    fn scale_of_label(label: &str) -> ScaleKey {
        match label {
            "RR" | "OR" | "HR" | "IRR" | "Peto OR" => ScaleKey::Ratio,
            _ => ScaleKey::Difference,
        }
    }
}

/// Warnings as the sentences results.json holds; a sentence of another version is kept as it
/// is.
impl Serialize for Warning {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text())
    }
}

impl<'de> Deserialize<'de> for Warning {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Warning, D::Error> {
        let text = String::deserialize(d)?;
        let known = [Tau2Key::DL, Tau2Key::REML, Tau2Key::PM]
            .into_iter()
            .map(Warning::Tau2NotConverged)
            .find(|w| w.text() == text);
        Ok(known.unwrap_or(Warning::Other(text)))
    }
}
