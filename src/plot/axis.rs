//! The horizontal effect axis of forest and funnel plots: symmetric around the line of no
//! effect, logarithmic for ratio measures (ticks such as 0.01 0.1 1 10 100) and linear
//! otherwise, with the range chosen from the data.

/// The ratio limits offered, as Review Manager offers them (0.5–2 up to 0.001–1000).
const RATIO_LIMITS: [f64; 9] = [2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0];

/// A tick on the axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    /// The position on the analysis scale (log for ratios).
    pub value: f64,
    /// The label, on the natural scale.
    pub label: String,
}

/// A horizontal axis mapping the analysis scale (log for ratio measures) to pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// The smallest value shown, on the analysis scale.
    pub lo: f64,
    /// The largest value shown, on the analysis scale.
    pub hi: f64,
    /// The pixel of `lo`.
    pub left: f64,
    /// The pixel of `hi`.
    pub right: f64,
    /// Whether the natural scale is logarithmic (ratio measures).
    pub log: bool,
    /// The ticks, left to right.
    pub ticks: Vec<Tick>,
}

impl Axis {
    /// An axis symmetric around the null (0 on the analysis scale) that shows at least
    /// `extent` either side, placed between the pixels `left` and `right`.
    pub fn symmetric(extent: f64, log: bool, left: f64, right: f64) -> Axis {
        let (half, ticks) = if log {
            ratio_ticks(extent)
        } else {
            linear_ticks(extent)
        };
        Axis {
            lo: -half,
            hi: half,
            left,
            right,
            log,
            ticks,
        }
    }

    /// The pixel of a value on the analysis scale (not clamped).
    pub fn x(&self, value: f64) -> f64 {
        self.left + (value - self.lo) / (self.hi - self.lo) * (self.right - self.left)
    }

    /// Whether a value on the analysis scale lies within the axis.
    pub fn contains(&self, value: f64) -> bool {
        // A hair of tolerance: a limit exactly at a tick is inside.
        let eps = 1e-9 * (self.hi - self.lo);
        value >= self.lo - eps && value <= self.hi + eps
    }

    /// The pixel of a value clamped to the axis.
    pub fn clamped_x(&self, value: f64) -> f64 {
        self.x(value.clamp(self.lo, self.hi))
    }
}

/// The smallest ratio limit whose log covers `extent`, with its ticks.
fn ratio_ticks(extent: f64) -> (f64, Vec<Tick>) {
    let limit = RATIO_LIMITS
        .iter()
        .copied()
        .find(|l| l.ln() >= extent)
        .unwrap_or(RATIO_LIMITS[RATIO_LIMITS.len() - 1]);
    let middle = if limit >= 50.0 {
        Some(10.0)
    } else if limit >= 20.0 {
        Some(5.0)
    } else {
        None
    };
    let mut naturals = vec![1.0 / limit];
    naturals.extend(middle.map(|m| 1.0 / m));
    naturals.push(1.0);
    naturals.extend(middle);
    naturals.push(limit);
    let ticks = naturals
        .into_iter()
        .map(|v: f64| Tick {
            value: v.ln(),
            label: tick_label(v),
        })
        .collect();
    (limit.ln(), ticks)
}

/// The smallest 1, 2 or 5 times a power of ten that covers `extent`, with ticks at its
/// halves.
fn linear_ticks(extent: f64) -> (f64, Vec<Tick>) {
    let extent = if extent > 0.0 && extent.is_finite() {
        extent
    } else {
        1.0
    };
    let power = 10f64.powf(extent.log10().floor());
    let half = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|h| *h >= extent * (1.0 - 1e-12))
        .unwrap_or(10.0 * power);
    let ticks = [-1.0, -0.5, 0.0, 0.5, 1.0]
        .iter()
        .map(|f| Tick {
            value: f * half,
            label: tick_label(f * half),
        })
        .collect();
    (half, ticks)
}

/// A tick label: as few decimals as the value needs (up to 4), typographic minus.
pub fn tick_label(value: f64) -> String {
    let text = format!("{value:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    match text.strip_prefix('-') {
        Some("0") => "0".to_string(),
        Some(rest) => format!("\u{2212}{rest}"),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chooses_symmetric_ratio_ticks_from_the_data() {
        let axis = Axis::symmetric(3.0_f64.ln(), true, 0.0, 100.0);
        let labels: Vec<&str> = axis.ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["0.2", "1", "5"]);
        let axis = Axis::symmetric(40.0_f64.ln(), true, 0.0, 100.0);
        let labels: Vec<&str> = axis.ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["0.02", "0.1", "1", "10", "50"]);
        assert!((axis.x(0.0) - 50.0).abs() < 1e-9);
    }

    #[test]
    fn chooses_round_linear_ticks() {
        let axis = Axis::symmetric(3.2, false, 0.0, 100.0);
        let labels: Vec<&str> = axis.ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["\u{2212}5", "\u{2212}2.5", "0", "2.5", "5"]);
    }
}
