//! The effect measure of an analysed outcome, parsed once when the review is loaded: what
//! every later stage asks of it (its label, its scale, its line of no effect) is answered here.

use serde::{Serialize, Serializer};

use super::{DataType, ScaleKey};

/// The effect measure of an analysed outcome.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Measure {
    /// Risk ratio (dichotomous data), analysed as a log.
    RiskRatio,
    /// Odds ratio (dichotomous data), analysed as a log; also the measure of the Peto method.
    OddsRatio,
    /// Risk difference (dichotomous data).
    RiskDifference,
    /// Mean difference (continuous data).
    MeanDifference,
    /// Standardised mean difference, Hedges' adjusted g (continuous data).
    StdMeanDifference,
    /// A generic inverse-variance measure: the authors' label ("HR"), the measure's full name
    /// ("Hazard Ratio") and the scale its estimates are given on (natural logs for ratios).
    Generic {
        /// The label as written: what sentences print before a number ("HR 0.90").
        label: String,
        /// The full name, for column headers and tables ("Hazard Ratio"): as the authors gave
        /// it, else the name of a known abbreviation, else the label.
        name: String,
        /// Ratio (estimates entered as natural logs) or difference.
        scale: ScaleKey,
    },
}

/// Abbreviations of generic inverse-variance measures and the names Review Manager gives
/// them, so that a review that writes only `measure: HR` still reads "Hazard Ratio" in its
/// tables. Matched without regard to case.
const KNOWN_NAMES: &[(&str, &str)] = &[
    ("HR", "Hazard Ratio"),
    ("RR", "Risk Ratio"),
    ("OR", "Odds Ratio"),
    ("Peto OR", "Peto Odds Ratio"),
    ("RD", "Risk Difference"),
    ("MD", "Mean Difference"),
    ("SMD", "Std. Mean Difference"),
    ("RoM", "Ratio of Means"),
    ("RaR", "Rate Ratio"),
    ("IRR", "Rate Ratio"),
    ("GMR", "Geometric Mean Ratio"),
];

/// The full name of a known abbreviation ("HR" → "Hazard Ratio").
pub fn known_name(label: &str) -> Option<&'static str> {
    let label = label.trim();
    KNOWN_NAMES
        .iter()
        .find(|(abbreviation, _)| abbreviation.eq_ignore_ascii_case(label))
        .map(|(_, name)| *name)
}

impl Measure {
    /// The measure a data type and a label name, or None when the label does not fit the type
    /// (generic data take any label that is not blank).
    pub fn parse(data_type: DataType, label: &str, scale: ScaleKey) -> Option<Measure> {
        Some(match (data_type, label) {
            (DataType::Dichotomous, "RR") => Measure::RiskRatio,
            (DataType::Dichotomous, "OR") => Measure::OddsRatio,
            (DataType::Dichotomous, "RD") => Measure::RiskDifference,
            (DataType::Continuous, "MD") => Measure::MeanDifference,
            (DataType::Continuous, "SMD") => Measure::StdMeanDifference,
            (DataType::Generic, label) if !label.trim().is_empty() => Measure::Generic {
                label: label.to_string(),
                name: known_name(label).unwrap_or(label).to_string(),
                scale,
            },
            _ => return None,
        })
    }

    /// The label: RR, OR, RD, MD, SMD, or the generic label as written.
    pub fn label(&self) -> &str {
        match self {
            Measure::RiskRatio => "RR",
            Measure::OddsRatio => "OR",
            Measure::RiskDifference => "RD",
            Measure::MeanDifference => "MD",
            Measure::StdMeanDifference => "SMD",
            Measure::Generic { label, .. } => label,
        }
    }

    /// The measure with the full name the authors gave it; only a generic measure takes one
    /// (the others have Review Manager's names). A blank name keeps the default.
    pub fn with_name(self, given: Option<&str>) -> Measure {
        match (self, given.map(str::trim)) {
            (Measure::Generic { label, scale, .. }, Some(name)) if !name.is_empty() => {
                Measure::Generic {
                    label,
                    name: name.to_string(),
                    scale,
                }
            }
            (measure, _) => measure,
        }
    }

    /// The full name, as column headers and the Data and analyses table print it: "Risk
    /// Ratio", "Std. Mean Difference", or a generic measure's name ("Hazard Ratio"). The Peto
    /// method's "Peto Odds Ratio" is the method's, not the measure's: see
    /// `format::measure_name`.
    pub fn name(&self) -> &str {
        match self {
            Measure::RiskRatio => "Risk Ratio",
            Measure::OddsRatio => "Odds Ratio",
            Measure::RiskDifference => "Risk Difference",
            Measure::MeanDifference => "Mean Difference",
            Measure::StdMeanDifference => "Std. Mean Difference",
            Measure::Generic { name, .. } => name,
        }
    }

    /// The kind of data the measure is computed from.
    pub fn data_type(&self) -> DataType {
        match self {
            Measure::RiskRatio | Measure::OddsRatio | Measure::RiskDifference => {
                DataType::Dichotomous
            }
            Measure::MeanDifference | Measure::StdMeanDifference => DataType::Continuous,
            Measure::Generic { .. } => DataType::Generic,
        }
    }

    /// Ratio (analysed as a log, no effect at 1) or difference (no effect at 0).
    pub fn scale(&self) -> ScaleKey {
        match self {
            Measure::RiskRatio | Measure::OddsRatio => ScaleKey::Ratio,
            Measure::Generic { scale, .. } => *scale,
            _ => ScaleKey::Difference,
        }
    }

    /// Whether the analysis scale is the natural log.
    pub fn is_ratio(&self) -> bool {
        self.scale() == ScaleKey::Ratio
    }

    /// The value of no effect on the natural scale: 1 for ratios, 0 for differences.
    pub fn null_value(&self) -> f64 {
        if self.is_ratio() { 1.0 } else { 0.0 }
    }

    /// The smallest important effect when the authors give none: a 25% relative change for
    /// ratio measures, and 0.2 standard deviations for SMD (Cohen's small effect). Other
    /// differences have no default: only the authors know their scale.
    pub fn default_important_effect(&self) -> Option<f64> {
        match self {
            Measure::StdMeanDifference => Some(0.2),
            _ if self.is_ratio() => Some(1.25),
            _ => None,
        }
    }
}

/// Written as its label, as results.json and the exports show it.
impl Serialize for Measure {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_labels_by_data_type() {
        assert_eq!(
            Measure::parse(DataType::Dichotomous, "RR", ScaleKey::Difference),
            Some(Measure::RiskRatio)
        );
        assert_eq!(
            Measure::parse(DataType::Continuous, "RR", ScaleKey::Difference),
            None
        );
        let hr = Measure::parse(DataType::Generic, "HR", ScaleKey::Ratio).unwrap();
        assert_eq!((hr.label(), hr.null_value()), ("HR", 1.0));
        assert_eq!(hr.name(), "Hazard Ratio");
        assert_eq!(
            Measure::parse(DataType::Generic, " ", ScaleKey::Ratio),
            None
        );
    }

    #[test]
    fn generic_measures_keep_their_name() {
        let parse = |label| Measure::parse(DataType::Generic, label, ScaleKey::Ratio).unwrap();
        // Known abbreviations are named, in any case; others are their own name.
        assert_eq!(parse("rom").name(), "Ratio of Means");
        assert_eq!(parse("IRR").name(), "Rate Ratio");
        assert_eq!(parse("Ratio of means").name(), "Ratio of means");
        // The authors' name wins; the label stays what sentences print.
        let named = parse("HR").with_name(Some("Hazard ratio (death)"));
        assert_eq!(
            (named.label(), named.name()),
            ("HR", "Hazard ratio (death)")
        );
        assert_eq!(parse("HR").with_name(Some("  ")).name(), "Hazard Ratio");
        // Measures other than generic keep Review Manager's names.
        assert_eq!(
            Measure::RiskRatio.with_name(Some("Relative risk")).name(),
            "Risk Ratio"
        );
    }

    #[test]
    fn scale_and_defaults_follow_the_measure() {
        assert!(Measure::OddsRatio.is_ratio());
        assert!(!Measure::RiskDifference.is_ratio());
        assert_eq!(Measure::RiskRatio.default_important_effect(), Some(1.25));
        assert_eq!(
            Measure::StdMeanDifference.default_important_effect(),
            Some(0.2)
        );
        assert_eq!(Measure::MeanDifference.default_important_effect(), None);
        assert_eq!(Measure::MeanDifference.data_type(), DataType::Continuous);
    }
}
