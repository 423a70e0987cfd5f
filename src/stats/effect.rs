//! Per-study effects on the analysis scale: y and its variance v for each row
//! (statistics.md rows 2, 3, 8, 9 and 10; conventions.md §1.1-1.3).

use super::input::{Measure, Method, Row, Settings};

/// A 2×2 table as real numbers: a, b = events, non-events (experimental arm);
/// c, d = events, non-events (control arm).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Table {
    pub a: f64,
    pub b: f64,
    pub c: f64,
    pub d: f64,
}

impl Table {
    /// The table of a dichotomous row as entered.
    pub fn from_counts(e_events: u64, e_total: u64, c_events: u64, c_total: u64) -> Table {
        let (a, c) = (e_events as f64, c_events as f64);
        Table {
            a,
            b: e_total.saturating_sub(e_events) as f64,
            c,
            d: c_total.saturating_sub(c_events) as f64,
        }
    }

    /// Experimental arm size.
    pub fn n1(&self) -> f64 {
        self.a + self.b
    }

    /// Control arm size.
    pub fn n2(&self) -> f64 {
        self.c + self.d
    }

    /// Total size.
    pub fn n(&self) -> f64 {
        self.n1() + self.n2()
    }

    /// No events in either arm.
    pub fn is_double_zero(&self) -> bool {
        self.a == 0.0 && self.c == 0.0
    }

    /// Every participant in both arms had the event (14/14 vs 18/18).
    pub fn is_double_all(&self) -> bool {
        self.b == 0.0 && self.d == 0.0
    }

    /// No events, or only events, in both arms: no information on a ratio (OR, RR, Peto;
    /// Handbook 5.1 §16.9.3, statistics.md row 3).
    pub fn says_nothing_on_ratios(&self) -> bool {
        self.is_double_zero() || self.is_double_all()
    }

    /// The table with 0.5 added to all four cells when any cell is zero
    /// (Cochrane Handbook 5.1 §9.4.4; statistics.md row 2), else unchanged.
    pub fn corrected(self) -> Table {
        if self.a == 0.0 || self.b == 0.0 || self.c == 0.0 || self.d == 0.0 {
            Table {
                a: self.a + 0.5,
                b: self.b + 0.5,
                c: self.c + 0.5,
                d: self.d + 0.5,
            }
        } else {
            self
        }
    }

    /// The raw risk difference a/n1 − c/n2 (no correction; statistics.md row 4).
    pub fn risk_difference(&self) -> f64 {
        self.a / self.n1() - self.c / self.n2()
    }
}

/// A study's estimate and variance on the analysis scale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct StudyEstimate {
    pub y: f64,
    pub v: f64,
}

/// The table of a row that enters a 2×2-table method (MH or Peto) or a
/// dichotomous measure, or `None` for other rows.
pub(crate) fn table_of(row: &Row) -> Option<Table> {
    match *row {
        Row::Dichotomous {
            e_events,
            e_total,
            c_events,
            c_total,
        } => Some(Table::from_counts(e_events, e_total, c_events, c_total)),
        _ => None,
    }
}

/// The row's estimate, or `None` when it is not estimable: a table with no events or
/// only events in both arms for OR, RR and Peto (statistics.md row 3), a row of the wrong kind for the
/// measure or method, or any degenerate value (a variance that is not finite
/// and positive, e.g. an SMD with n1 + n2 = 2, or an SE so small its square
/// underflows).
pub(crate) fn estimate(settings: &Settings, row: &Row) -> Option<StudyEstimate> {
    let estimate = match (settings.method, *row) {
        (Method::Peto, Row::Dichotomous { .. }) => peto(table_of(row)?),
        (_, Row::Dichotomous { .. }) => dichotomous(settings.measure, table_of(row)?),
        (Method::Peto | Method::MantelHaenszel, _) => None,
        (
            _,
            Row::Continuous {
                e_mean,
                e_sd,
                e_n,
                c_mean,
                c_sd,
                c_n,
            },
        ) => continuous(
            settings.measure,
            (e_mean, e_sd, e_n as f64),
            (c_mean, c_sd, c_n as f64),
        ),
        (_, Row::Generic { estimate, se }) => Some(StudyEstimate {
            y: estimate,
            v: se * se,
        }),
    }?;
    let usable = estimate.y.is_finite()
        && estimate.v.is_finite()
        && estimate.v > 0.0
        && (1.0 / estimate.v).is_finite();
    usable.then_some(estimate)
}

/// OR, RR and RD of one table (conventions.md §1.1).
fn dichotomous(measure: Measure, raw: Table) -> Option<StudyEstimate> {
    let t = raw.corrected();
    match measure {
        Measure::OddsRatio if !raw.says_nothing_on_ratios() => Some(StudyEstimate {
            y: (t.a * t.d / (t.b * t.c)).ln(),
            v: 1.0 / t.a + 1.0 / t.b + 1.0 / t.c + 1.0 / t.d,
        }),
        Measure::RiskRatio if !raw.says_nothing_on_ratios() => Some(StudyEstimate {
            y: ((t.a / t.n1()) / (t.c / t.n2())).ln(),
            v: 1.0 / t.a - 1.0 / t.n1() + 1.0 / t.c - 1.0 / t.n2(),
        }),
        // The RD itself is uncorrected; only its SE uses the corrected cells
        // (statistics.md rows 3 and 4; Review Manager's stored results).
        Measure::RiskDifference => Some(StudyEstimate {
            y: raw.risk_difference(),
            v: t.a * t.b / t.n1().powi(3) + t.c * t.d / t.n2().powi(3),
        }),
        _ => None,
    }
}

/// Peto's O − E and its variance V (statistics.md row 10; no correction).
pub(crate) fn peto_terms(t: Table) -> (f64, f64) {
    let (n1, n2, n) = (t.n1(), t.n2(), t.n());
    let events = t.a + t.c;
    let observed_minus_expected = t.a - n1 * events / n;
    let variance = n1 * n2 * events * (t.b + t.d) / (n * n * (n - 1.0));
    (observed_minus_expected, variance)
}

/// Peto's study log odds ratio (O − E)/V with variance 1/V; a table with no
/// events, or only events, has V = 0 and is not estimable.
fn peto(t: Table) -> Option<StudyEstimate> {
    let (o_minus_e, v) = peto_terms(t);
    (v > 0.0).then(|| StudyEstimate {
        y: o_minus_e / v,
        v: 1.0 / v,
    })
}

/// MD (row 9) or RevMan's Hedges' adjusted g (row 8) from (mean, sd, n) per arm.
fn continuous(
    measure: Measure,
    (m1, s1, n1): (f64, f64, f64),
    (m2, s2, n2): (f64, f64, f64),
) -> Option<StudyEstimate> {
    match measure {
        Measure::MeanDifference => Some(StudyEstimate {
            y: m1 - m2,
            v: s1 * s1 / n1 + s2 * s2 / n2,
        }),
        Measure::StdMeanDifference => {
            // Deeks & Higgins 2010 (RevMan 5); meta's exact.smd = FALSE.
            let n = n1 + n2;
            let pooled_sd = (((n1 - 1.0) * s1 * s1 + (n2 - 1.0) * s2 * s2) / (n - 2.0)).sqrt();
            let correction = 1.0 - 3.0 / (4.0 * n - 9.0);
            let g = correction * (m1 - m2) / pooled_sd;
            Some(StudyEstimate {
                y: g,
                v: n / (n1 * n2) + g * g / (2.0 * (n - 3.94)),
            })
        }
        _ => None,
    }
}
