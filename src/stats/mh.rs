//! Mantel-Haenszel pooling of 2×2 tables (statistics.md rows 2, 4 and 5).
//!
//! Tables with a zero cell enter with 0.5 added to all four cells, in the
//! pooled estimate, the weights and the variance alike (RevMan 5; meta's
//! `MH.exact = FALSE`). Double-zero tables are left out for OR and RR.

use super::effect::Table;
use super::input::{Measure, Row};

/// The MH pooled estimate on the analysis scale, its SE, and the sum of the
/// displayed weights (to turn each study's weight into a percentage).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct MhPooled {
    pub y: f64,
    pub se: f64,
    pub total_weight: f64,
}

/// The table a row brings to the MH sums, as entered and corrected, or `None`
/// when the row does not enter them.
pub(crate) fn contributing_table(measure: Measure, row: &Row) -> Option<(Table, Table)> {
    let raw = super::effect::table_of(row)?;
    let excluded = raw.is_double_zero() && measure != Measure::RiskDifference;
    (!excluded).then(|| (raw, raw.corrected()))
}

/// The weight RevMan displays for a table (corrected cells): OR b·c/N,
/// RR c·n1/N, RD n1·n2/N (statistics.md row 4). 0 for other measures.
pub(crate) fn display_weight(measure: Measure, t: &Table) -> f64 {
    match measure {
        Measure::OddsRatio => t.b * t.c / t.n(),
        Measure::RiskRatio => t.c * t.n1() / t.n(),
        Measure::RiskDifference => t.n1() * t.n2() / t.n(),
        _ => 0.0,
    }
}

/// Pools the given (estimable) rows by Mantel-Haenszel; `None` when no row
/// contributes or the measure is not OR, RR or RD.
pub(crate) fn pool<'a>(measure: Measure, rows: impl Iterator<Item = &'a Row>) -> Option<MhPooled> {
    let tables = rows.filter_map(|row| contributing_table(measure, row));
    match measure {
        Measure::OddsRatio => Some(odds_ratio(tables.map(|(_, t)| t))),
        Measure::RiskRatio => Some(risk_ratio(tables.map(|(_, t)| t))),
        Measure::RiskDifference => Some(risk_difference(
            tables.map(|(raw, t)| (raw.risk_difference(), t)),
        )),
        _ => None,
    }
    .filter(|pooled| pooled.total_weight > 0.0 && pooled.y.is_finite() && pooled.se.is_finite())
}

/// MH odds ratio with the Robins-Breslow-Greenland (1986) variance of its log.
fn odds_ratio(tables: impl Iterator<Item = Table>) -> MhPooled {
    let (mut sum_r, mut sum_s, mut sum_pr, mut sum_ps_qr, mut sum_qs) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for t in tables {
        let n = t.n();
        let (p, q) = ((t.a + t.d) / n, (t.b + t.c) / n);
        let (r, s) = (t.a * t.d / n, t.b * t.c / n);
        sum_r += r;
        sum_s += s;
        sum_pr += p * r;
        sum_ps_qr += p * s + q * r;
        sum_qs += q * s;
    }
    let variance = sum_pr / (2.0 * sum_r * sum_r)
        + sum_ps_qr / (2.0 * sum_r * sum_s)
        + sum_qs / (2.0 * sum_s * sum_s);
    MhPooled {
        y: (sum_r / sum_s).ln(),
        se: variance.sqrt(),
        total_weight: sum_s,
    }
}

/// MH risk ratio with the Greenland-Robins (1985) variance of its log.
fn risk_ratio(tables: impl Iterator<Item = Table>) -> MhPooled {
    let (mut sum_r, mut sum_s, mut sum_p) = (0.0, 0.0, 0.0);
    for t in tables {
        let (n1, n2, n) = (t.n1(), t.n2(), t.n());
        sum_r += t.a * n2 / n;
        sum_s += t.c * n1 / n;
        sum_p += (n1 * n2 * (t.a + t.c) - t.a * t.c * n) / (n * n);
    }
    MhPooled {
        y: (sum_r / sum_s).ln(),
        se: (sum_p / (sum_r * sum_s)).sqrt(),
        total_weight: sum_s,
    }
}

/// MH risk difference: raw study RDs weighted by n1·n2/N of the corrected
/// tables, with the Greenland-Robins (1985) variance J/K² on corrected cells
/// (statistics.md decisions table and row 4; meta's RevMan 5 mode).
fn risk_difference(tables: impl Iterator<Item = (f64, Table)>) -> MhPooled {
    let (mut sum_w, mut sum_w_rd, mut sum_j) = (0.0, 0.0, 0.0);
    for (rd, t) in tables {
        let (n1, n2, n) = (t.n1(), t.n2(), t.n());
        let w = n1 * n2 / n;
        sum_w += w;
        sum_w_rd += w * rd;
        sum_j += (t.a * t.b * n2.powi(3) + t.c * t.d * n1.powi(3)) / (n1 * n2 * n * n);
    }
    MhPooled {
        y: sum_w_rd / sum_w,
        se: sum_j.sqrt() / sum_w,
        total_weight: sum_w,
    }
}
