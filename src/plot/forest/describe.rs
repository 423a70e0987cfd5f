//! A forest plot in words: its title, and each study's result in the description that screen
//! readers get as the SVG's `<desc>`.

use super::effect_text;
use crate::format::{fixed, measure_name, method_line, push_effect_bracketed, push_fixed};
use crate::model::Totals;
use crate::results::{ComparisonResults, OutcomeResults, Pooled, StudyResult};

/// "Forest plot of comparison 1: BCG vaccine, outcome 1.1 Tuberculosis".
pub(super) fn title(result: &OutcomeResults, comparison: &ComparisonResults) -> String {
    format!(
        "Forest plot of comparison {}: {}, outcome {} {}",
        result.number.split('.').next().unwrap_or(""),
        comparison.name,
        result.number,
        result.name
    )
}

/// "Aronson 1948: 0.41 [0.13, 1.26], weight 5.1%" (without the weight when nothing is pooled,
/// `weighted` false), written into one string of about the right size (one per study row).
pub(super) fn study_sentence(row: &StudyResult, weighted: bool) -> String {
    let label = row.label();
    let mut out = String::with_capacity(label.len() + 48);
    out.push_str(&label);
    match (row.estimate, row.ci_low, row.ci_high) {
        (Some(estimate), Some(low), Some(high)) => {
            out.push_str(": ");
            push_effect_bracketed(&mut out, estimate, low, high);
            if weighted {
                out.push_str(", weight ");
                push_fixed(&mut out, row.weight, 1);
                out.push('%');
            }
        }
        _ => out.push_str(": not estimable"),
    }
    out
}

/// The figure's description: every study's result (`sentences`, from [`study_sentence`])
/// and the pooled results.
pub(super) fn describe(result: &OutcomeResults, sentences: &[String]) -> String {
    use std::fmt::Write;
    // Appended into one string sized for the study sentences, which are nearly all of it,
    // instead of a string per part joined at the end.
    let studies: usize = sentences.iter().map(|s| s.len() + 2).sum();
    let mut out = String::with_capacity(studies + 256);
    let _ = write!(
        out,
        "{} ({}) for {}.",
        measure_name(&result.measure, result.method),
        method_line(result.method, result.model),
        result.name
    );
    for sentence in sentences {
        out.push(' ');
        out.push_str(sentence);
        out.push('.');
    }
    if result.pools_subgroups() {
        for group in &result.subgroups {
            let _ = write!(
                out,
                " Subtotal {} {}: {}.",
                group.number,
                group.name.as_deref().unwrap_or(""),
                pooled_text(group.pooled.as_ref())
            );
        }
    }
    let counts = format!(
        "{}, {} participants",
        crate::english::count_noun(result.studies as u64, "study"),
        crate::format::count(result.participants)
    );
    let _ = match result.totals {
        Totals::Overall => write!(
            out,
            " Total (95% CI): {} ({counts}).",
            pooled_text(result.pooled.as_ref()),
        ),
        Totals::Subtotals if result.has_subgroups() => {
            write!(out, " Subtotals only, no overall total ({counts}).")
        }
        _ => write!(out, " Totals not selected ({counts})."),
    };
    if let Some(prediction) = &result.prediction {
        let _ = write!(
            out,
            " 95% prediction interval: {} to {}.",
            fixed(prediction.low, 2),
            fixed(prediction.high, 2)
        );
    }
    out
}

/// A pooled effect as text, or "not estimable".
fn pooled_text(pooled: Option<&Pooled>) -> String {
    pooled.map_or_else(|| "not estimable".into(), effect_text)
}
