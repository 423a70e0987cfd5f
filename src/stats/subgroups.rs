//! Subgroup analyses and the test for subgroup differences (docs/statistics.md, "Subgroups and
//! totals").

use super::fit::fit;
use super::input::{Row, Settings};
use super::output::{Heterogeneity, SubgroupFit};

/// Fits each subgroup on its own (its own tau²), then all rows together (one
/// tau²), then tests for subgroup differences: an inverse-variance fixed-effect
/// Q across the estimable subgroups' pooled estimates with weights 1/SE²,
/// using the pooled results of the model in use (random-effects, and HKSJ
/// SEs under HKSJ), df = J − 1, Q-based I².
pub fn fit_subgroups(settings: &Settings, subgroups: &[&[Row]]) -> SubgroupFit {
    let fits: Vec<_> = subgroups.iter().map(|rows| fit(settings, rows)).collect();
    let all_rows: Vec<Row> = subgroups
        .iter()
        .flat_map(|rows| rows.iter().copied())
        .collect();
    let overall = fit(settings, &all_rows);
    let differences =
        subgroup_differences(fits.iter().filter_map(|f| f.pooled).map(|p| (p.y, p.se)));
    SubgroupFit {
        subgroups: fits,
        overall,
        differences,
    }
}

/// Cochran's Q across (estimate, SE) pairs; `None` for fewer than two.
fn subgroup_differences(
    summaries: impl Iterator<Item = (f64, f64)> + Clone,
) -> Option<Heterogeneity> {
    let (mut count, mut sum_w, mut sum_wy) = (0usize, 0.0, 0.0);
    for (y, se) in summaries.clone() {
        let w = 1.0 / (se * se);
        count += 1;
        sum_w += w;
        sum_wy += w * y;
    }
    if count < 2 {
        return None;
    }
    let centre = sum_wy / sum_w;
    let q: f64 = summaries
        .map(|(y, se)| (y - centre) * (y - centre) / (se * se))
        .sum();
    Some(Heterogeneity::from_q(q, count - 1))
}
