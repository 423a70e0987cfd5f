//! What the engine is asked to compute: the analysis settings and the data rows.

/// The effect measure of an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Risk ratio of two proportions (dichotomous data); analysed as a log.
    RiskRatio,
    /// Odds ratio (dichotomous data); analysed as a log. Also the measure of the Peto method.
    OddsRatio,
    /// Difference of two proportions (dichotomous data).
    RiskDifference,
    /// Difference of two means (continuous data).
    MeanDifference,
    /// Hedges' adjusted g as Review Manager 5 computes it (continuous data).
    StdMeanDifference,
    /// A ratio entered as its natural log with a standard error (generic inverse variance).
    GenericRatio,
    /// A difference entered with its standard error (generic inverse variance).
    GenericDifference,
}

impl Measure {
    /// True when the analysis scale is the natural log (RR, OR, generic ratio).
    pub fn is_ratio(self) -> bool {
        matches!(
            self,
            Measure::RiskRatio | Measure::OddsRatio | Measure::GenericRatio
        )
    }

    /// Back-transforms a value on the analysis scale to the natural scale.
    pub fn to_natural(self, y: f64) -> f64 {
        if self.is_ratio() { y.exp() } else { y }
    }

    /// The value of no effect on the natural scale: 1 for ratios, 0 otherwise.
    pub fn null_value(self) -> f64 {
        if self.is_ratio() { 1.0 } else { 0.0 }
    }
}

/// How studies are weighted and pooled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Mantel-Haenszel (dichotomous data only: only `Row::Dichotomous` rows are estimable).
    MantelHaenszel,
    /// Inverse variance.
    InverseVariance,
    /// Peto's one-step odds ratio (implies `Measure::OddsRatio`, whatever the measure field
    /// says; only `Row::Dichotomous` rows are estimable).
    Peto,
}

/// Fixed-effect or random-effects pooling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// One common effect.
    Fixed,
    /// Effects vary between studies with variance tau².
    Random,
}

/// The estimator of the between-study variance tau² in a random-effects model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tau2Estimator {
    /// DerSimonian-Laird method of moments (Review Manager 5).
    DerSimonianLaird,
    /// Restricted maximum likelihood.
    Reml,
    /// Paule-Mandel generalised Q estimator.
    PauleMandel,
}

/// The settings of one analysis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// The effect measure.
    pub measure: Measure,
    /// The pooling method.
    pub method: Method,
    /// Fixed or random effects.
    pub model: Model,
    /// The tau² estimator; used only when `model` is `Random`.
    pub tau2: Tau2Estimator,
    /// Hartung-Knapp-Sidik-Jonkman interval; used only when `model` is `Random`.
    pub hksj: bool,
}

/// One data row (one study, or one study within a subgroup), as entered.
///
/// A row whose kind does not fit the measure (for example continuous data with
/// a risk ratio) is not estimable. `Generic` rows fit every measure except under
/// the Mantel-Haenszel and Peto methods, which need the 2×2 table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Row {
    /// Events and totals in the experimental and control arms.
    Dichotomous {
        /// Events in the experimental arm.
        e_events: u64,
        /// Participants in the experimental arm.
        e_total: u64,
        /// Events in the control arm.
        c_events: u64,
        /// Participants in the control arm.
        c_total: u64,
    },
    /// Mean, standard deviation and size of each arm.
    Continuous {
        /// Mean in the experimental arm.
        e_mean: f64,
        /// Standard deviation in the experimental arm.
        e_sd: f64,
        /// Participants in the experimental arm.
        e_n: u64,
        /// Mean in the control arm.
        c_mean: f64,
        /// Standard deviation in the control arm.
        c_sd: f64,
        /// Participants in the control arm.
        c_n: u64,
    },
    /// estimate on the analysis scale (natural log for GenericRatio), with its standard error
    Generic {
        /// The estimate on the analysis scale.
        estimate: f64,
        /// Its standard error.
        se: f64,
    },
}
