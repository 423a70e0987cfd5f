//! Small-study effects (Cochrane Handbook chapter 13): Egger's and Peters' regression tests on
//! the study estimates a fit shows in its forest plot, and the contours of a contour-enhanced
//! funnel plot.

use statrs::distribution::{ContinuousCDF, Normal};

use super::dist::t_two_sided_p;
use super::input::Row;
use super::output::{Effect, Fit};

/// The tests need at least this many estimable studies (Handbook chapter 13, tests for funnel
/// plot asymmetry: with fewer, they are too weak to tell chance from asymmetry).
pub const SMALL_STUDY_MIN_STUDIES: usize = 10;

/// The significance levels of the shaded regions of a contour-enhanced funnel plot (Peters et
/// al. 2008), from the innermost contour out.
pub const FUNNEL_CONTOUR_P: [f64; 3] = [0.10, 0.05, 0.01];

/// A regression test for small-study effects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmallStudyTest {
    /// Egger et al. (1997): y = b0 + b1·SE, weights 1/SE² (metafor's `regtest(model = "lm",
    /// predictor = "sei")`).
    Egger,
    /// Peters et al. (2006), dichotomous data: y = b0 + b1/N, weights S·F/N.
    Peters,
}

impl SmallStudyTest {
    /// The key results.json uses: "egger", "peters".
    pub fn key(self) -> &'static str {
        match self {
            SmallStudyTest::Egger => "egger",
            SmallStudyTest::Peters => "peters",
        }
    }

    /// The name in text: "Egger's test", "Peters' test".
    pub fn name(self) -> &'static str {
        match self {
            SmallStudyTest::Egger => "Egger's test",
            SmallStudyTest::Peters => "Peters' test",
        }
    }
}

/// The result of one regression test: the test is on the slope `estimate`, t with `df` = k − 2.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RegressionTest {
    /// Which test.
    pub test: SmallStudyTest,
    /// The slope b1 (on SE for Egger, on 1/N for Peters).
    pub estimate: f64,
    /// Its weighted least-squares standard error, the residual variance estimated.
    pub se: f64,
    /// estimate / se.
    pub t: f64,
    /// Degrees of freedom: the studies in the regression minus 2.
    pub df: usize,
    /// Two-sided p from t(df).
    pub p: f64,
    /// The intercept b0: for Egger the effect as the SE goes to 0 (metafor's limit estimate),
    /// so a funnel plot can draw the fitted line y = b0 + b1·SE.
    pub intercept: f64,
}

/// The small-study tests of one fit.
#[derive(Debug, Clone, PartialEq)]
pub enum SmallStudyEffects {
    /// Fewer than [`SMALL_STUDY_MIN_STUDIES`] estimable studies: not applicable.
    TooFewStudies {
        /// The estimable studies.
        studies: usize,
    },
    /// The tests that could be run: Egger's always (unless every study has the same SE, which
    /// leaves the slope undefined), Peters' when every estimable row is dichotomous and at
    /// least [`SMALL_STUDY_MIN_STUDIES`] of them have both events and non-events.
    Tested {
        /// The estimable studies.
        studies: usize,
        /// Egger's test first, then Peters'.
        tests: Vec<RegressionTest>,
    },
}

impl SmallStudyEffects {
    /// The tests run; empty when not applicable.
    pub fn tests(&self) -> &[RegressionTest] {
        match self {
            SmallStudyEffects::TooFewStudies { .. } => &[],
            SmallStudyEffects::Tested { tests, .. } => tests,
        }
    }

    /// One test's result, if it was run.
    pub fn test(&self, which: SmallStudyTest) -> Option<&RegressionTest> {
        self.tests().iter().find(|t| t.test == which)
    }

    /// The estimable studies.
    pub fn studies(&self) -> usize {
        match self {
            SmallStudyEffects::TooFewStudies { studies }
            | SmallStudyEffects::Tested { studies, .. } => *studies,
        }
    }
}

/// The small-study tests of a fit on its rows (`fit` is `stats::fit(settings, rows)`), on the
/// study estimates and variances of its forest plot (analysis scale, 0.5 correction where it
/// applies, Peto's log odds ratios under Peto).
pub fn small_study_effects(rows: &[Row], fit: &Fit) -> SmallStudyEffects {
    let estimable: Vec<(Effect, Row)> = rows
        .iter()
        .zip(&fit.rows)
        .filter_map(|(row, result)| result.effect.map(|effect| (effect, *row)))
        .collect();
    let studies = estimable.len();
    if studies < SMALL_STUDY_MIN_STUDIES {
        return SmallStudyEffects::TooFewStudies { studies };
    }
    let effects: Vec<Effect> = estimable.iter().map(|(effect, _)| *effect).collect();
    let tests = egger(&effects)
        .into_iter()
        .chain(peters(&estimable))
        .collect();
    SmallStudyEffects::Tested { studies, tests }
}

/// Egger's test: y = b0 + b1·SE by least squares with weights 1/SE²; `None` with fewer than
/// [`SMALL_STUDY_MIN_STUDIES`] effects or when the slope is undefined (all SEs equal) or its
/// SE is 0 (the points lie exactly on a line).
pub fn egger(effects: &[Effect]) -> Option<RegressionTest> {
    if effects.len() < SMALL_STUDY_MIN_STUDIES {
        return None;
    }
    let points = effects.iter().map(|e| (e.se, e.y, 1.0 / (e.se * e.se)));
    weighted_least_squares(points).and_then(|line| line.test(SmallStudyTest::Egger))
}

/// Peters' test: y = b0 + b1/N by least squares with weights S·F/N, where S and F are the
/// events and non-events of both arms together and N the participants, as entered (no
/// correction). Studies without events or without non-events have weight 0 and are left out.
/// `None` when a row is not dichotomous, with fewer than [`SMALL_STUDY_MIN_STUDIES`] studies
/// left, or when the regression is degenerate.
pub fn peters(studies: &[(Effect, Row)]) -> Option<RegressionTest> {
    let mut points = Vec::with_capacity(studies.len());
    for (effect, row) in studies {
        let Row::Dichotomous {
            e_events,
            e_total,
            c_events,
            c_total,
        } = *row
        else {
            return None;
        };
        let total = (e_total + c_total) as f64;
        let events = (e_events + c_events) as f64;
        let weight = events * (total - events) / total;
        if weight > 0.0 {
            points.push((1.0 / total, effect.y, weight));
        }
    }
    if points.len() < SMALL_STUDY_MIN_STUDIES {
        return None;
    }
    weighted_least_squares(points.iter().copied())
        .and_then(|line| line.test(SmallStudyTest::Peters))
}

/// R's `lm` tolerance for a column collinear with the others (`qr(tol = 1e-07)`).
const COLLINEAR_TOLERANCE: f64 = 1e-7;

/// A straight line fitted by weighted least squares, with the slope's standard error.
struct Line {
    intercept: f64,
    slope: f64,
    slope_se: f64,
    df: usize,
}

impl Line {
    fn test(self, test: SmallStudyTest) -> Option<RegressionTest> {
        let t = self.slope / self.slope_se;
        (self.slope_se > 0.0 && t.is_finite()).then(|| RegressionTest {
            test,
            estimate: self.slope,
            se: self.slope_se,
            t,
            df: self.df,
            p: t_two_sided_p(t, self.df),
            intercept: self.intercept,
        })
    }
}

/// y = b0 + b1·x through (x, y, weight) points with the residual variance
/// Σw(y − ŷ)²/(k − 2) (R's `lm(y ~ x, weights = w)`); `None` for fewer than 3 points or when
/// the x values do not vary. Centred on the weighted means, which keeps the sums accurate
/// when x is small and nearly constant (1/N).
fn weighted_least_squares(points: impl Iterator<Item = (f64, f64, f64)> + Clone) -> Option<Line> {
    let (mut k, mut sum_w, mut sum_wx, mut sum_wy) = (0usize, 0.0, 0.0, 0.0);
    for (x, y, w) in points.clone() {
        k += 1;
        sum_w += w;
        sum_wx += w * x;
        sum_wy += w * y;
    }
    if k < 3 {
        return None;
    }
    let (mean_x, mean_y) = (sum_wx / sum_w, sum_wy / sum_w);
    let (mut sxx, mut sxy, mut sum_wxx) = (0.0, 0.0, 0.0);
    for (x, y, w) in points.clone() {
        sxx += w * (x - mean_x) * (x - mean_x);
        sxy += w * (x - mean_x) * (y - mean_y);
        sum_wxx += w * x * x;
    }
    // x must vary: like R's lm, whose QR decomposition treats a column as collinear when what
    // is left of it after the intercept is below 1e-7 of its norm.
    if !(sxx > COLLINEAR_TOLERANCE * COLLINEAR_TOLERANCE * sum_wxx && sxx.is_finite()) {
        return None;
    }
    let slope = sxy / sxx;
    let intercept = mean_y - slope * mean_x;
    let residual_squares: f64 = points
        .map(|(x, y, w)| {
            let residual = y - intercept - slope * x;
            w * residual * residual
        })
        .sum();
    let df = k - 2;
    let slope_se = (residual_squares / df as f64 / sxx).sqrt();
    Some(Line {
        intercept,
        slope,
        slope_se,
        df,
    })
}

/// One contour of a contour-enhanced funnel plot: the effects whose two-sided p against the
/// null is `p` at a given SE.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FunnelContour {
    /// The two-sided significance level.
    pub p: f64,
    /// qnorm(1 − p/2).
    pub z: f64,
}

impl FunnelContour {
    /// The contour of significance level `p` (between 0 and 1).
    pub fn new(p: f64) -> FunnelContour {
        FunnelContour {
            p,
            z: Normal::standard().inverse_cdf(1.0 - p / 2.0),
        }
    }

    /// The effects (analysis scale) at which a study with standard error `se` has two-sided p
    /// equal to this level against `null`: null ∓ z·se. Effects outside are significant at `p`.
    pub fn bounds(&self, null: f64, se: f64) -> (f64, f64) {
        (null - self.z * se, null + self.z * se)
    }
}

/// The three contours, p = 0.10, 0.05 and 0.01, innermost first.
pub fn funnel_contours() -> [FunnelContour; 3] {
    FUNNEL_CONTOUR_P.map(FunnelContour::new)
}
