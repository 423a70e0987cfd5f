//! Mantel-Haenszel pooling of 2×2 tables (statistics.md rows 2, 3, 4 and 5).
//!
//! OR and RR: tables with a zero cell enter with 0.5 added to all four cells, in
//! the pooled estimate, the weights and the variance alike (RevMan 5; meta's
//! `MH.exact = FALSE`); tables with no events or only events in both arms are
//! left out. RD: every table enters; the weights n1·n2/N and the pooled RD use the
//! counts as entered, and only the variance's J uses the corrected cells of a
//! table with a zero cell (Review Manager's stored results for CD008625 agree to
//! 1e-12; the 0.5-corrected weights of earlier versions differed by up to 1.4
//! percentage points).

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
    let excluded = raw.says_nothing_on_ratios() && measure != Measure::RiskDifference;
    (!excluded).then(|| (raw, raw.corrected()))
}

/// The weight RevMan displays for a row (statistics.md row 4): OR b·c/N and
/// RR c·n1/N on the corrected cells, RD n1·n2/N on the counts as entered. 0 for
/// a row that does not enter the MH sums and for other measures.
pub(crate) fn display_weight(measure: Measure, row: &Row) -> f64 {
    let Some((raw, t)) = contributing_table(measure, row) else {
        return 0.0;
    };
    match measure {
        Measure::OddsRatio => t.b * t.c / t.n(),
        Measure::RiskRatio => t.c * t.n1() / t.n(),
        Measure::RiskDifference => raw.n1() * raw.n2() / raw.n(),
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
        Measure::RiskDifference => Some(risk_difference(tables)),
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

/// MH risk difference: study RDs weighted by K_i = n1·n2/N, both from the counts
/// as entered, with the Greenland-Robins (1985) variance ΣJ_i/(ΣK_i)², where J_i
/// uses the corrected cells of a table with a zero cell (statistics.md row 4).
fn risk_difference(tables: impl Iterator<Item = (Table, Table)>) -> MhPooled {
    let (mut sum_w, mut sum_w_rd, mut sum_j) = (0.0, 0.0, 0.0);
    for (raw, t) in tables {
        let w = raw.n1() * raw.n2() / raw.n();
        sum_w += w;
        sum_w_rd += w * raw.risk_difference();
        let (n1, n2, n) = (t.n1(), t.n2(), t.n());
        sum_j += (t.a * t.b * n2.powi(3) + t.c * t.d * n1.powi(3)) / (n1 * n2 * n * n);
    }
    MhPooled {
        y: sum_w_rd / sum_w,
        se: sum_j.sqrt() / sum_w,
        total_weight: sum_w,
    }
}
