//! How Review Manager writes numbers and labels: effects with two decimals and a real minus
//! sign, P values, measure and method names, and the heterogeneity and overall-effect lines.
//! Shared by the figures and the text, so that both always say the same.

use crate::model::{Measure, MethodKey, ModelKey, Tau2Key, Totals};
use crate::results::{Heterogeneity, OutcomeResults, Pooled, SubgroupDifferences};

/// A whole number as Cochrane's style manual writes counts: four digits without punctuation
/// ("6864"), five or more with commas between thousands ("37,758"). Every count the review's
/// text prints goes through here (the templates through the `count` filter), so that the
/// abstract, the tables and the GRADE reasons write a number alike; results.json and
/// results.csv keep plain numbers. Takes any integer type: counts are never negative (the
/// loader rejects negative participants), and one that were would print as 0.
pub fn count(n: impl TryInto<u64>) -> String {
    let digits = n.try_into().unwrap_or(0).to_string();
    if digits.len() < 5 {
        return digits;
    }
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// A number with two decimals and the typographic minus sign.
pub fn decimal(x: f64) -> String {
    fixed(x, 2)
}

/// A number with `digits` decimals and the typographic minus sign; never "-0.00".
pub fn fixed(x: f64, digits: usize) -> String {
    let mut out = String::with_capacity(16);
    push_fixed(&mut out, x, digits);
    out
}

/// Appends [`fixed`]`(x, digits)` to `out`, for texts built of several numbers.
pub fn push_fixed(out: &mut String, x: f64, digits: usize) {
    let start = out.len();
    crate::decimal::push_fixed(out, x, digits);
    if out[start..].starts_with('-') {
        // A value that rounds to zero loses its sign; any other gets the real minus.
        if out[start + 1..].bytes().all(|b| b == b'0' || b == b'.') {
            out.remove(start);
        } else {
            out.replace_range(start..=start, "\u{2212}");
        }
    }
}

/// "0.62 [0.45, 0.85]", as forest plots and tables print an effect.
pub fn effect_bracketed(estimate: f64, low: f64, high: f64) -> String {
    let mut out = String::with_capacity(32);
    push_effect_bracketed(&mut out, estimate, low, high);
    out
}

/// Appends [`effect_bracketed`]`(estimate, low, high)` to `out`, for sentences that hold an
/// effect among other words.
pub fn push_effect_bracketed(out: &mut String, estimate: f64, low: f64, high: f64) {
    push_fixed(out, estimate, 2);
    out.push_str(" [");
    push_fixed(out, low, 2);
    out.push_str(", ");
    push_fixed(out, high, 2);
    out.push(']');
}

/// A P value as RevMan prints it: two decimals from 0.01, one significant figure below,
/// "< 0.00001" at the floor.
pub fn p_value(p: f64) -> String {
    if p < 0.00001 {
        "< 0.00001".to_string()
    } else if p < 0.01 {
        let digits = (-p.log10()).ceil() as usize;
        let text = format!("{p:.digits$}");
        // Rounding up can reach the next power of ten (0.0096 -> 0.010); keep one figure.
        text.trim_end_matches('0').to_string()
    } else {
        format!("{p:.2}")
    }
}

/// "RR 0.62, 95% CI 0.45 to 0.85": a measure's label and a pooled effect on the natural scale.
pub fn effect_phrase(label: &str, pooled: &Pooled) -> String {
    estimate_phrase(label, pooled.estimate, pooled.ci_low, pooled.ci_high)
}

/// [`effect_phrase`] of any estimate and its 95% confidence interval (one study's, say).
pub fn estimate_phrase(label: &str, estimate: f64, ci_low: f64, ci_high: f64) -> String {
    format!(
        "{label} {}, 95% CI {} to {}",
        decimal(estimate),
        decimal(ci_low),
        decimal(ci_high)
    )
}

/// The measure's name in column headers ("Risk Ratio", "Std. Mean Difference", a generic
/// measure's "Hazard Ratio"); the Peto method's odds ratio is "Peto Odds Ratio".
pub fn measure_name(measure: &Measure, method: MethodKey) -> String {
    match method {
        MethodKey::Peto => "Peto Odds Ratio".into(),
        _ => measure.name().to_string(),
    }
}

/// Review Manager's words for an analysis without an overall total, where the effect of the
/// whole analysis would stand: "Subtotals only" (each subgroup is pooled) or "Totals not
/// selected" (nothing is; also subtotals without subgroups); None with an overall total.
pub fn totals_label(result: &OutcomeResults) -> Option<&'static str> {
    match result.totals {
        Totals::Overall => None,
        Totals::Subtotals if result.has_subgroups() => Some("Subtotals only"),
        _ => Some("Totals not selected"),
    }
}

/// An analysis's effect in running text: "RR 0.65, 95% CI 0.46 to 0.90", "not estimable", or
/// for an analysis without an overall total "not pooled (subtotals only)".
pub fn effect_in_text(result: &OutcomeResults) -> String {
    match (&result.pooled, totals_label(result)) {
        (Some(p), _) => effect_phrase(result.measure.label(), p),
        (None, Some(label)) => format!("not pooled ({})", label.to_lowercase()),
        (None, None) => "not estimable".to_string(),
    }
}

/// "Favours diuretics": the label under a forest plot's axis on the side of one arm, as the
/// figure and results.csv both print it (Review Manager's own placeholders are
/// "Favours [experimental]"; the brackets are for the author to replace, not to print). The
/// arm's name goes on mid-phrase, as in every sentence that names it: "Favours no vaccine",
/// "Favours BCG vaccine".
pub fn favours(arm: &str) -> String {
    format!("Favours {}", crate::english::decapitalise(arm))
}

/// The between-study variance estimator in running text ("DerSimonian-Laird").
pub fn tau2_name(estimator: Tau2Key) -> &'static str {
    match estimator {
        Tau2Key::DL => "DerSimonian-Laird",
        Tau2Key::REML => "REML",
        Tau2Key::PM => "Paule-Mandel",
    }
}

/// "M-H, Random, 95% CI".
pub fn method_line(method: MethodKey, model: ModelKey) -> String {
    let method = match method {
        MethodKey::MH => "M-H",
        MethodKey::IV => "IV",
        MethodKey::Peto => "Peto",
    };
    let model = match model {
        ModelKey::Fixed => "Fixed",
        ModelKey::Random => "Random",
    };
    format!("{method}, {model}, 95% CI")
}

/// "P = 0.09" or "P < 0.00001".
pub fn p_clause(p: f64) -> String {
    let text = p_value(p);
    if text.starts_with('<') {
        format!("P {text}")
    } else {
        format!("P = {text}")
    }
}

/// "Heterogeneity: Tau² = 0.04; Chi² = 8.12, df = 4 (P = 0.09); I² = 51%".
pub fn heterogeneity_line(heterogeneity: Option<&Heterogeneity>) -> String {
    match heterogeneity {
        Some(h) if h.df > 0 => {
            let tau2 = h
                .tau2
                .map(|t| format!("Tau\u{b2} = {}; ", fixed(t, 2)))
                .unwrap_or_default();
            format!(
                "Heterogeneity: {tau2}Chi\u{b2} = {}, df = {} ({}); I\u{b2} = {}%",
                fixed(h.q, 2),
                h.df,
                p_clause(h.p.unwrap_or(1.0)),
                fixed(h.i2.unwrap_or(0.0), 0)
            )
        }
        _ => "Heterogeneity: Not applicable".into(),
    }
}

/// "Test for overall effect: Z = 2.98 (P = 0.003)"; with the Hartung-Knapp-Sidik-Jonkman
/// interval the statistic is t.
pub fn overall_effect_line(pooled: Option<&Pooled>, hksj: bool) -> String {
    match pooled {
        Some(p) => format!(
            "Test for overall effect: {} = {} ({})",
            if hksj { "t" } else { "Z" },
            fixed(p.z.abs(), 2),
            p_clause(p.p)
        ),
        None => "Test for overall effect: Not applicable".into(),
    }
}

/// "Test for subgroup differences: Chi² = 1.58, df = 1 (P = 0.21), I² = 36.6%".
pub fn subgroup_differences_line(differences: Option<&SubgroupDifferences>) -> String {
    match differences {
        Some(h) => format!(
            "Test for subgroup differences: Chi\u{b2} = {}, df = {} ({}), I\u{b2} = {}%",
            fixed(h.q, 2),
            h.df,
            p_clause(h.p.unwrap_or(1.0)),
            fixed(h.i2.unwrap_or(0.0), 1)
        ),
        None => "Test for subgroup differences: Not applicable".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Cochrane's style manual: 1000 to 9999 without punctuation, five digits or more with
    // commas between thousands.
    #[test]
    fn counts_get_commas_from_five_digits() {
        assert_eq!(count(0), "0");
        assert_eq!(count(9999), "9999");
        assert_eq!(count(10_000), "10,000");
        assert_eq!(count(357_347), "357,347");
        assert_eq!(count(1_234_567), "1,234,567");
    }

    #[test]
    fn formats_like_revman() {
        assert_eq!(decimal(-0.204), "\u{2212}0.20");
        assert_eq!(decimal(-0.001), "0.00");
        assert_eq!(p_value(0.35), "0.35");
        assert_eq!(p_value(0.0032), "0.003");
        assert_eq!(p_value(0.0000001), "< 0.00001");
        assert_eq!(effect_bracketed(0.62, 0.45, 0.85), "0.62 [0.45, 0.85]");
        let pooled = Pooled {
            estimate: 0.62,
            ci_low: 0.45,
            ci_high: 0.85,
            se: 0.16,
            z: -2.95,
            p: 0.0032,
            analysis: Default::default(),
        };
        assert_eq!(effect_phrase("RR", &pooled), "RR 0.62, 95% CI 0.45 to 0.85");
    }

    /// `fixed` as it was before it appended in place: the reference.
    fn reference_fixed(x: f64, digits: usize) -> String {
        let text = format!("{x:.digits$}");
        match text.strip_prefix('-') {
            Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_string(),
            Some(rest) => format!("\u{2212}{rest}"),
            None => text,
        }
    }

    #[test]
    fn appends_exactly_as_the_reference() {
        let mut values = vec![
            0.0,
            -0.0,
            -0.001,
            -0.004_999,
            -0.005,
            0.125,
            -0.125,
            2.675,
            -2.675,
            -1e-12,
            1e15,
            -1e15,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        values.extend((-20_000..=20_000).map(|i| f64::from(i) / 2000.0));
        for x in values {
            for digits in 0..=3 {
                assert_eq!(
                    fixed(x, digits),
                    reference_fixed(x, digits),
                    "{x:e} {digits}"
                );
            }
            let bracketed = format!(
                "{} [{}, {}]",
                reference_fixed(x, 2),
                reference_fixed(-x, 2),
                reference_fixed(x * 3.0, 2)
            );
            assert_eq!(effect_bracketed(x, -x, x * 3.0), bracketed, "{x:e}");
            let mut appended = String::from("x: ");
            push_effect_bracketed(&mut appended, x, -x, x * 3.0);
            assert_eq!(appended, format!("x: {bracketed}"), "{x:e}");
        }
    }
}
