//! Where an interval lies against a line (no effect, an important effect): the one test behind
//! the leave-one-out flag and the GRADE imprecision and inconsistency rules.

/// Where an interval `[low, high]` lies relative to a value on the same scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntervalPosition {
    /// Wholly below the value (`high < value`).
    Below,
    /// The value lies inside the interval, ends included.
    Includes,
    /// Wholly above the value (`low > value`).
    Above,
}

impl IntervalPosition {
    /// The position of `[low, high]` relative to `value`. An end that touches the value counts
    /// as including it: a 95% interval that ends exactly at no effect has p = 0.05, which is
    /// not below 0.05.
    pub fn of(low: f64, high: f64, value: f64) -> IntervalPosition {
        if high < value {
            IntervalPosition::Below
        } else if low > value {
            IntervalPosition::Above
        } else {
            IntervalPosition::Includes
        }
    }

    /// Whether the value lies inside the interval.
    pub fn includes(self) -> bool {
        self == IntervalPosition::Includes
    }
}
