//! Fast fixed-point formatting: the same text as `format!("{x:.digits$}")`, without the cost.
//!
//! The standard library rounds a float's exact decimal value, which costs about 1,600
//! instructions a number; a large review's figures and tables print over a million numbers.
//! Rounding `x * 10^digits` to an integer gives the same digits unless that product lies
//! within a hair of a half (where the product's own rounding could tip it either way), so
//! only those values, large ones (the product 1e9 or more) and non-finite ones take the
//! standard library's exact path.

/// `format!("{x:.digits$}")`, byte for byte (a negative value that rounds to zero keeps its
/// sign, "-0.00", as the standard library prints it).
pub fn fixed(x: f64, digits: usize) -> String {
    let mut out = String::with_capacity(24);
    push_fixed(&mut out, x, digits);
    out
}

/// Appends [`fixed`]`(x, digits)` to `out`, so that writers of many numbers (the SVG figures)
/// need no string per number.
pub fn push_fixed(out: &mut String, x: f64, digits: usize) {
    let Some(units) = rounded_units(x, digits) else {
        return exact(out, x, digits);
    };
    let scale = 10u64.pow(digits as u32);
    if x.is_sign_negative() {
        out.push('-');
    }
    push_digits(out, units / scale, 1);
    if digits > 0 {
        out.push('.');
        push_digits(out, units % scale, digits);
    }
}

/// `|x| * 10^digits` rounded to an integer, when that gives the same digits as the standard
/// library's exact rounding; `None` for the values that need the exact path (near a half,
/// 1e9 or more, not finite, or more than six digits).
pub fn rounded_units(x: f64, digits: usize) -> Option<u64> {
    const POWERS: [f64; 7] = [1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6];
    let &scale = POWERS.get(digits)?;
    let scaled = (x * scale).abs();
    // A finite x gives a finite or infinite product, never NaN.
    if !x.is_finite() || scaled >= 1e9 {
        return None;
    }
    // Casts instead of `trunc` and `round`, which are library calls on baseline x86-64: below
    // 1e9 the cast truncates exactly and the fraction is exact.
    let whole = scaled as u64;
    let fraction = scaled - whole as f64;
    // The product is off the exact x * 10^digits by at most half a unit in its last place:
    // below 1e9 that is under 1.2e-7, well inside the 1e-6 margin around a half, so away
    // from a half rounding the product rounds the exact value the same way.
    if (fraction - 0.5).abs() < 1e-6 {
        return None;
    }
    Some(whole + u64::from(fraction > 0.5))
}

/// Appends `n` in decimal, zero-padded to at least `width` digits.
pub fn push_digits(out: &mut String, n: u64, width: usize) {
    let digits = if n == 0 { 0 } else { n.ilog10() as usize + 1 };
    for _ in digits..width {
        out.push('0');
    }
    if n > 0 {
        push_whole(out, n);
    }
}

/// "00" to "99": numbers are appended two digits at a time, each a two-byte copy, rather than
/// a character at a time (a capacity check and a UTF-8 encoding each).
const PAIRS: &str = "\
    0001020304050607080910111213141516171819\
    2021222324252627282930313233343536373839\
    4041424344454647484950515253545556575859\
    6061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899";

/// Appends `n` (below 100) as two digits.
pub fn push_pair(out: &mut String, n: u64) {
    let at = 2 * n as usize;
    out.push_str(&PAIRS[at..at + 2]);
}

/// Appends `n` in decimal with no leading zeros ("0" for zero).
pub fn push_whole(out: &mut String, n: u64) {
    if n >= 100 {
        push_whole(out, n / 100);
        push_pair(out, n % 100);
    } else if n >= 10 {
        push_pair(out, n);
    } else {
        let at = 2 * n as usize + 1;
        out.push_str(&PAIRS[at..=at]);
    }
}

/// The standard library's exact formatting, for the values the fast path leaves alone.
#[cold]
fn exact(out: &mut String, x: f64, digits: usize) {
    use std::fmt::Write;
    let _ = write!(out, "{x:.digits$}");
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Pseudo-random numbers in [0, 1) from a seed (xorshift64), for comparing the fast
    /// formatting paths with the standard library; other modules' tests use it too.
    pub(crate) fn uniform(seed: u64) -> impl Iterator<Item = f64> {
        let mut state = seed;
        std::iter::repeat_with(move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        })
    }

    #[test]
    fn appends_digits_as_formatted() {
        let mut values: Vec<u64> = (0..100_000).collect();
        values.extend([999_999_999, 1_000_000_000, 123_456_789_012, u64::MAX]);
        for n in values {
            for width in 0..=12 {
                let mut out = String::from("x");
                push_digits(&mut out, n, width);
                let reference = if n == 0 && width == 0 {
                    String::new()
                } else {
                    format!("{n:0width$}")
                };
                assert_eq!(out, format!("x{reference}"), "{n} {width}");
            }
            let mut out = String::new();
            push_whole(&mut out, n);
            assert_eq!(out, n.to_string());
        }
    }

    #[test]
    fn matches_the_standard_library() {
        // Halves, near-halves, signed zeros, tiny, large and non-finite values, then
        // pseudo-random numbers of the sizes figures and tables print, and exact halves of the
        // last digit as layouts produce.
        let mut values = vec![
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.5,
            2.5,
            0.005,
            -0.005,
            0.015,
            1.005,
            2.675,
            0.125,
            -0.125,
            1e-9,
            -1e-9,
            0.994_999,
            0.995,
            99.995,
            1e14,
            -1e14,
            1e16,
            1e300,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
        ];
        for (i, unit) in (0..100_000u64).zip(uniform(0x2545_f491_4f6c_dd1d)) {
            let scale = [1.0, 10.0, 1000.0, 0.01, 1e7, 1e9, 1e12][(i % 7) as usize];
            values.push((unit - 0.3) * scale);
            values.push((i % 20_000) as f64 / 200.0 - 20.0);
        }
        for digits in 0..=7 {
            for &x in &values {
                assert_eq!(fixed(x, digits), format!("{x:.digits$}"), "{x:e}, {digits}");
                // Appending keeps what the buffer held.
                let mut out = String::from("x=");
                push_fixed(&mut out, x, digits);
                assert_eq!(out, format!("x={x:.digits$}"), "{x:e}, {digits}");
            }
        }
    }
}
