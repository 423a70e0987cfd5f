//! The Sensitivity analyses section (Cochrane Handbook 10.14): for each analysis, a sentence per
//! sensitivity analysis the authors declared, one per analysis they entered as a sensitivity
//! analysis of it, and what leaving out one study at a time showed, each compared with the
//! analysis by the conclusion its effect sentence draws ([`narrative::classify`]); the
//! leave-one-out table for the author view; and the methods sentences that say they were done.

use serde::Serialize;

use super::findings::{ComparisonFindings, Finding};
use super::narrative::{self, EffectClass};
use crate::english::{capitalise, count_noun, decapitalise, join_and, join_or};
use crate::format::{effect_bracketed, effect_phrase, fixed, p_value, tau2_name};
use crate::model::{MethodKey, ModelKey, Review};
use crate::results::{DeclaredResults, LeftOut, OutcomeResults, Pooled, Results};

/// The section's heading, which the proofreader's passages start with.
pub const SECTION: &str = "Sensitivity analyses";

/// The Sensitivity analyses section.
#[derive(Debug, Clone, Serialize, Default)]
pub struct SensitivitySection {
    /// Whether the section has anything to say (any analysis's sentences, or `stable`).
    pub has_text: bool,
    /// Whether any analysis has a leave-one-out table.
    pub has_leave_one_out: bool,
    /// Every analysis with a sensitivity analysis of any kind, in order.
    pub analyses: Vec<SensitivityView>,
    /// "Leaving out any one study at a time did not change the conclusion for pre-eclampsia
    /// (Analysis 1.1) and stillbirth (Analysis 1.3).", for the analyses whose conclusion no one
    /// study changes; or empty.
    pub stable: String,
}

/// What the Sensitivity analyses section says of one analysis.
#[derive(Debug, Clone, Serialize)]
pub struct SensitivityView {
    /// "1.1".
    pub number: String,
    /// The analysis's title.
    pub title: String,
    /// The label of its measure ("RR").
    pub measure: String,
    /// The leave-one-out table's row of the analysis itself (its `study` and `change` empty).
    pub all: LeftOutRow,
    /// The sentences: declared sensitivity analyses, analyses entered as sensitivity analyses
    /// of this one, then the studies whose removal changes the conclusion (empty when there is
    /// nothing to say beyond [`SensitivitySection::stable`]).
    pub sentences: Vec<String>,
    /// The leave-one-out table (empty without leave-one-out), for the author view.
    pub leave_one_out: Vec<LeftOutRow>,
}

/// A row of the leave-one-out table: the analysis without one study.
#[derive(Debug, Clone, Serialize)]
pub struct LeftOutRow {
    /// The study left out, as the forest plot labels it.
    pub study: String,
    /// "0.67 [0.47, 0.96]".
    pub effect: String,
    /// "P = 0.03".
    pub p: String,
    /// "74%", or empty.
    pub i2: String,
    /// "0.17", or empty (fixed effect).
    pub tau2: String,
    /// How the conclusion changes without the study ("the confidence interval included no
    /// effect"), or empty when it stands.
    pub change: String,
}

/// The section, analysis by analysis in the order of the results.
pub fn sensitivity_analyses(
    review: &Review,
    findings: &[ComparisonFindings],
) -> SensitivitySection {
    let mut views = Vec::new();
    let mut stable: Vec<&OutcomeResults> = Vec::new();
    let mut any_flagged = false;
    for comparison in findings {
        for finding in &comparison.outcomes {
            let result = finding.result;
            let Some(main) = result.pooled.as_ref() else {
                continue;
            };
            // The main analysis's own effect is said in the first comparison with it only.
            let mut main_said = false;
            let mut against = |pooled: &Pooled| {
                let said = std::mem::replace(&mut main_said, true);
                compared(finding, main, pooled, !said)
            };
            let mut sentences: Vec<String> = Vec::new();
            for variant in &result.sensitivity.sensitivity_analyses {
                sentences.push(declared_sentence(review, finding, variant, &mut against));
            }
            let entered = comparison.outcomes.iter().filter(|other| {
                other
                    .spec
                    .and_then(|s| s.sensitivity_of.as_deref())
                    .is_some_and(|of| of == result.id)
            });
            for other in entered {
                sentences.push(entered_sentence(review, other.result, &mut against));
            }
            let mut rows = Vec::new();
            if let Some(left_out) = &result.sensitivity.leave_one_out {
                let flagged = leave_one_out_sentences(finding, main);
                if flagged.is_empty() {
                    stable.push(result);
                } else {
                    any_flagged = true;
                }
                sentences.extend(flagged);
                rows = left_out
                    .iter()
                    .map(|l| LeftOutRow {
                        study: l.study.clone(),
                        change: change(finding, main, &l.pooled).unwrap_or_default(),
                        ..table_row(&l.pooled, l.i2, l.tau2)
                    })
                    .collect();
            }
            if !sentences.is_empty() || !rows.is_empty() {
                views.push(SensitivityView {
                    number: result.number.clone(),
                    title: result.name.clone(),
                    measure: result.measure.label().to_string(),
                    all: table_row(
                        main,
                        result.heterogeneity.and_then(|h| h.i2),
                        result.heterogeneity.and_then(|h| h.tau2),
                    ),
                    sentences,
                    leave_one_out: rows,
                });
            }
        }
    }
    let stable = stable_sentence(&stable, any_flagged);
    SensitivitySection {
        has_text: !stable.is_empty() || views.iter().any(|v| !v.sentences.is_empty()),
        has_leave_one_out: views.iter().any(|v| !v.leave_one_out.is_empty()),
        analyses: views,
        stable,
    }
}

/// Most analyses the stable sentence names one by one; beyond this it counts them.
const MAX_NAMED: usize = 6;

/// "Leaving out any one study at a time did not change the conclusion for pre-eclampsia
/// (Analysis 1.1) and stillbirth (Analysis 1.3).", naming each analysis, or
/// counting them when there are many ("... of the other 12 analyses that pool three or more
/// studies" when `others`, some analyses having been flagged above).
fn stable_sentence(analyses: &[&OutcomeResults], others: bool) -> String {
    let opening = "Leaving out any one study at a time did not change the conclusion";
    if analyses.is_empty() {
        return String::new();
    }
    if analyses.len() > MAX_NAMED {
        let which = if others { "the other" } else { "any of the" };
        return format!(
            "{opening} of {which} {} that pool three or more studies.",
            count_noun(analyses.len() as u64, "analysis")
        );
    }
    // With its number, as Cochrane refers to an analysis: names alone may repeat, or one may
    // begin another ("tuberculosis" and "tuberculosis, by method of allocation").
    let names: Vec<String> = analyses
        .iter()
        .map(|o| format!("{} (Analysis {})", decapitalise(&o.name), o.number))
        .collect();
    format!("{opening} for {}.", join_and(&names))
}

/// A row of the leave-one-out table without its study and change.
fn table_row(pooled: &Pooled, i2: Option<f64>, tau2: Option<f64>) -> LeftOutRow {
    LeftOutRow {
        study: String::new(),
        effect: effect_bracketed(pooled.estimate, pooled.ci_low, pooled.ci_high),
        p: format!("P {}", p_text(pooled.p)),
        i2: i2.map(|i| format!("{}%", i.round())).unwrap_or_default(),
        tau2: tau2.map(|t| fixed(t, 2)).unwrap_or_default(),
        change: String::new(),
    }
}

/// "= 0.03" or "< 0.00001".
fn p_text(p: f64) -> String {
    let text = p_value(p);
    if text.starts_with('<') {
        text
    } else {
        format!("= {text}")
    }
}

/// How the conclusion the effect sentence draws from `after` differs from the one it draws
/// from the analysis's own result `main`, in words that follow "the confidence interval" or
/// "the estimate"; None when it is the same. The line of no effect first: an interval that
/// crosses it, leaves it or moves to its other side; then the GRADE wording at the smallest
/// important effect.
fn change(finding: &Finding, main: &Pooled, after: &Pooled) -> Option<String> {
    let (before, now) = (
        narrative::classify(finding, main),
        narrative::classify(finding, after),
    );
    let excludes_null = |c: EffectClass| matches!(c, EffectClass::Reduces | EffectClass::Increases);
    let text = match (before, now) {
        (b, n) if b == n => return None,
        (EffectClass::Reduces, EffectClass::Increases)
        | (EffectClass::Increases, EffectClass::Reduces) => {
            "the confidence interval lay on the other side of no effect".to_string()
        }
        (b, _) if excludes_null(b) => "the confidence interval included no effect".to_string(),
        (_, n) if excludes_null(n) => "the confidence interval excluded no effect".to_string(),
        (_, EffectClass::Inconclusive { towards_reduction })
            if before == EffectClass::LittleOrNone =>
        {
            format!(
                "the confidence interval included an important {}",
                if towards_reduction {
                    "reduction"
                } else {
                    "increase"
                }
            )
        }
        (_, EffectClass::LittleOrNone) => {
            "the confidence interval excluded important effects".to_string()
        }
        // Both inconclusive, towards opposite sides: the estimate crossed no effect.
        _ => "the estimate lay on the other side of no effect".to_string(),
    };
    Some(text)
}

/// "RR 0.67, 95% CI 0.47 to 0.96".
fn effect(result: &OutcomeResults, pooled: &Pooled) -> String {
    effect_phrase(result.measure.label(), pooled)
}

/// "; 8 studies, 6837 women" after an effect.
fn counts(review: &Review, studies: usize, participants: u64) -> String {
    format!(
        "; {}, {} {}",
        count_noun(studies as u64, "study"),
        crate::format::count(participants),
        review.participants_noun()
    )
}

/// "Using a fixed-effect model instead of a random-effects model (RR 0.67, 95% CI 0.59 to
/// 0.76) did not change the conclusion of the main analysis (RR 0.65, 95% CI 0.46 to 0.90)."
/// Counts follow the effect when the variant leaves studies out; `against` words the
/// comparison with the main analysis.
fn declared_sentence(
    review: &Review,
    finding: &Finding,
    variant: &DeclaredResults,
    against: &mut impl FnMut(&Pooled) -> String,
) -> String {
    let result = finding.result;
    let what = capitalise(&variant_phrases(review, result, variant));
    let Some(pooled) = &variant.pooled else {
        return format!("{what} left no study with an estimable result.");
    };
    let facts = if variant.left_out.is_empty() {
        String::new()
    } else {
        counts(review, variant.studies, variant.participants)
    };
    format!(
        "{what} ({}{facts}) {}.",
        effect(result, pooled),
        against(pooled)
    )
}

/// "did not change the conclusion of the main analysis (RR ...)" or "changed the conclusion
/// of the main analysis (RR ...): the confidence interval included no effect"; the main
/// analysis's effect only where `say_main`.
fn compared(finding: &Finding, main: &Pooled, pooled: &Pooled, say_main: bool) -> String {
    let main_effect = if say_main {
        format!(" ({})", effect(finding.result, main))
    } else {
        String::new()
    };
    match change(finding, main, pooled) {
        None => format!("did not change the conclusion of the main analysis{main_effect}"),
        Some(change) => {
            format!("changed the conclusion of the main analysis{main_effect}: {change}")
        }
    }
}

/// What a declared sensitivity analysis does: "leaving out Smith 2004", "restricting the
/// analysis to studies at low risk of bias for allocation concealment (selection bias)",
/// "using a fixed-effect model instead of a random-effects model", joined.
fn variant_phrases(review: &Review, result: &OutcomeResults, variant: &DeclaredResults) -> String {
    let mut phrases = Vec::new();
    let named: Vec<&String> = variant
        .left_out
        .iter()
        .filter(|s| variant.exclude.contains(s))
        .collect();
    if !named.is_empty() {
        phrases.push(format!("leaving out {}", join_and(&named)));
    }
    if !variant.low_risk_of_bias.is_empty() {
        let tool = review.studies.risk_of_bias_tool;
        // In the tool's order, as the risk-of-bias tables list them.
        let domains: Vec<String> = tool
            .domains()
            .iter()
            .filter(|d| variant.low_risk_of_bias.iter().any(|k| k == d.key))
            .map(|d| decapitalise(d.name))
            .collect();
        phrases.push(format!(
            "restricting the analysis to studies at low risk of bias for {}",
            join_and(&domains)
        ));
    }
    // The settings it changes, after one "using".
    let mut settings = Vec::new();
    if variant.model != result.model {
        settings.push(format!(
            "{} instead of {}",
            model_words(variant.model),
            model_words(result.model)
        ));
    }
    if variant.method != result.method {
        settings.push(format!(
            "the {} method instead of the {} method",
            method_words(variant.method),
            method_words(result.method)
        ));
    }
    if variant.model == ModelKey::Random && variant.tau2 != result.tau2 {
        settings.push(format!(
            "the {} estimate of the between-study variance instead of the {} estimate",
            tau2_name(variant.tau2),
            tau2_name(result.tau2)
        ));
    }
    if !settings.is_empty() {
        phrases.push(format!("using {}", join_and(&settings)));
    }
    if phrases.is_empty() {
        // A variant that changes nothing of this analysis (load warns of it).
        phrases.push(format!("the sensitivity analysis {}", variant.name));
    }
    join_and(&phrases)
}

fn model_words(model: ModelKey) -> &'static str {
    match model {
        ModelKey::Fixed => "a fixed-effect model",
        ModelKey::Random => "a random-effects model",
    }
}

fn method_words(method: MethodKey) -> &'static str {
    match method {
        MethodKey::MH => "Mantel-Haenszel",
        MethodKey::IV => "inverse-variance",
        MethodKey::Peto => "Peto",
    }
}

/// "The sensitivity analysis 1.3 Pre-eclampsia, oedema trials only (RR ..., 95% CI ...;
/// 2 studies, 1876 women) did not change the conclusion of the main analysis."
fn entered_sentence(
    review: &Review,
    other: &OutcomeResults,
    against: &mut impl FnMut(&Pooled) -> String,
) -> String {
    let name = format!("The sensitivity analysis {} {}", other.number, other.name);
    let Some(pooled) = &other.pooled else {
        return format!("{name} has no pooled result.");
    };
    format!(
        "{name} ({}{}) {}.",
        effect(other, pooled),
        counts(review, other.studies, other.participants),
        against(pooled)
    )
}

/// What leaving out one study at a time showed; none when no study changes the conclusion.
/// When the studies that change it all change it alike and others do not, one sentence says
/// both ("Only leaving out Landesman 1965 changed the conclusion: without it, the confidence
/// interval included no effect (RR 0.80, 95% CI 0.60 to 1.05)."): a long section's analyses
/// then do not all end on the same sentence about the others. Otherwise a sentence for each
/// way it changes, naming the study with its numbers or the studies that change it alike
/// ("Without any one of A, B or C, the confidence interval included no effect."), then one for
/// the others.
fn leave_one_out_sentences(finding: &Finding, main: &Pooled) -> Vec<String> {
    let result = finding.result;
    let Some(left_out) = &result.sensitivity.leave_one_out else {
        return Vec::new();
    };
    let label = result.measure.label();
    // The flagged studies grouped by how the conclusion changes, in row order.
    let mut groups: Vec<(String, Vec<&LeftOut>)> = Vec::new();
    for l in left_out {
        if let Some(change) = change(finding, main, &l.pooled) {
            match groups.iter_mut().find(|(c, _)| *c == change) {
                Some((_, studies)) => studies.push(l),
                None => groups.push((change, vec![l])),
            }
        }
    }
    let flagged: usize = groups.iter().map(|(_, studies)| studies.len()).sum();
    if let [(change, studies)] = groups.as_slice()
        && flagged < left_out.len()
    {
        return vec![match studies.as_slice() {
            [l] => format!(
                "Only leaving out {} changed the conclusion: without it, {change} ({}).",
                l.study,
                effect_phrase(label, &l.pooled)
            ),
            [a, b] => format!(
                "Only leaving out {} or {} changed the conclusion: without either, {change}.",
                a.study, b.study
            ),
            _ => {
                let names: Vec<&str> = studies.iter().map(|l| l.study.as_str()).collect();
                format!(
                    "Only leaving out {} changed the conclusion: without any one of them, {change}.",
                    join_or(&names)
                )
            }
        }];
    }
    let mut sentences: Vec<String> = groups
        .iter()
        .map(|(change, studies)| match studies.as_slice() {
            [l] => format!(
                "Without {}, {change} ({}).",
                l.study,
                effect_phrase(label, &l.pooled)
            ),
            // Several studies: named together; their numbers are in results.json and the
            // author view's table.
            [a, b] => format!("Without either {} or {}, {change}.", a.study, b.study),
            _ => {
                let names: Vec<&str> = studies.iter().map(|l| l.study.as_str()).collect();
                format!("Without any one of {}, {change}.", join_or(&names))
            }
        })
        .collect();
    if flagged > 0 && flagged < left_out.len() {
        let others = left_out.len() - flagged;
        sentences.push(if others == 1 {
            "Leaving out the one other study did not change the conclusion.".to_string()
        } else {
            format!(
                "Leaving out any one of the other {} studies did not change the conclusion.",
                crate::english::words(others as u64)
            )
        });
    }
    sentences
}

/// The methods' sentences on sensitivity analyses: the declared ones, by analysis, and
/// leave-one-out; none when no analysis has any.
pub fn methods(results: &Results) -> Vec<String> {
    let mut sentences = Vec::new();
    let mut variants = 0;
    let declared: Vec<String> = results
        .outcomes()
        .filter(|(_, o)| !o.sensitivity.sensitivity_analyses.is_empty())
        .map(|(_, o)| {
            // The authors' names as they wrote them: a name may begin with a proper noun
            // ("Paule-Mandel estimate"), which decapitalising would spoil.
            let names: Vec<&str> = o
                .sensitivity
                .sensitivity_analyses
                .iter()
                .map(|v| v.name.as_str())
                .collect();
            variants += names.len();
            format!("{} ({})", decapitalise(&o.name), names.join("; "))
        })
        .collect();
    if !declared.is_empty() {
        let what = if variants == 1 {
            "a sensitivity analysis"
        } else {
            "sensitivity analyses"
        };
        sentences.push(format!("We carried out {what} of {}.", join_and(&declared)));
    }
    let left_out = results
        .outcomes()
        .filter(|(_, o)| o.sensitivity.leave_one_out.is_some())
        .count() as u64;
    if left_out > 0 {
        sentences.push(format!(
            "We repeated every analysis that pooled three or more studies ({}), leaving out one study at a time, to see whether any one study changed its conclusion.",
            count_noun(left_out, "analysis")
        ));
    }
    sentences
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::results::BuildOnly;

    fn pooled(ci_low: f64, ci_high: f64) -> Pooled {
        Pooled {
            estimate: (ci_low * ci_high).sqrt(),
            ci_low,
            ci_high,
            se: 0.1,
            z: 1.0,
            p: 0.3,
            analysis: BuildOnly(None),
        }
    }

    // Studies whose removal changes the conclusion alike are named together; one alone is
    // named with its numbers; the others are said in one sentence.
    #[test]
    fn flagged_studies_are_grouped_by_the_change() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("reviews/diuretics-pregnancy");
        let review = crate::load::load_review(&dir).unwrap().review;
        let mut results = crate::results::analyse(&review);
        let main = pooled(0.5, 0.8);
        results.comparisons[0].outcomes[0].pooled = Some(main);
        let names: Vec<String> = results.comparisons[0].outcomes[0]
            .sensitivity
            .leave_one_out
            .as_ref()
            .unwrap()
            .iter()
            .map(|l| l.study.clone())
            .collect();
        // The sentences once `change` has set the analysis without each study.
        let mut sentences_after = |change: &dyn Fn(&mut [LeftOut])| {
            let outcome = &mut results.comparisons[0].outcomes[0];
            change(outcome.sensitivity.leave_one_out.as_mut().unwrap());
            let finding = Finding {
                result: &results.comparisons[0].outcomes[0],
                spec: Some(&review.comparisons[0].outcomes[0]),
            };
            leave_one_out_sentences(&finding, &main)
        };
        assert_eq!(
            sentences_after(&|left_out| {
                left_out[0].pooled = pooled(0.6, 1.1);
                left_out[1].pooled = pooled(0.7, 1.2);
                left_out[2].pooled = pooled(1.2, 1.5);
                for l in &mut left_out[3..] {
                    l.pooled = pooled(0.55, 0.85);
                }
            }),
            [
                format!(
                    "Without either {} or {}, the confidence interval included no effect.",
                    names[0], names[1]
                ),
                format!(
                    "Without {}, the confidence interval lay on the other side of no effect (RR 1.34, 95% CI 1.20 to 1.50).",
                    names[2]
                ),
                format!(
                    "Leaving out any one of the other {} studies did not change the conclusion.",
                    crate::english::words((names.len() - 3) as u64)
                ),
            ]
        );
        // One way of changing it, and studies that do not: one sentence says both.
        assert_eq!(
            sentences_after(&|left_out| left_out[2].pooled = pooled(0.65, 1.3)),
            [format!(
                "Only leaving out {}, {} or {} changed the conclusion: without any one of them, the confidence interval included no effect.",
                names[0], names[1], names[2]
            )]
        );
        assert_eq!(
            sentences_after(&|left_out| {
                left_out[1].pooled = pooled(0.55, 0.85);
                left_out[2].pooled = pooled(0.55, 0.85);
            }),
            [format!(
                "Only leaving out {} changed the conclusion: without it, the confidence interval included no effect (RR 0.81, 95% CI 0.60 to 1.10).",
                names[0]
            )]
        );
        // Every study changes it alike: nothing to say of others.
        let everyone: Vec<&str> = names.iter().map(String::as_str).collect();
        assert_eq!(
            sentences_after(&|left_out| {
                for l in left_out.iter_mut() {
                    l.pooled = pooled(0.6, 1.1);
                }
            }),
            [format!(
                "Without any one of {}, the confidence interval included no effect.",
                join_or(&everyone)
            )]
        );
    }

    // The analyses no one study changes are named with their numbers, or counted when there
    // are many.
    #[test]
    fn stable_analyses_are_named_or_counted() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("reviews/diuretics-pregnancy");
        let review = crate::load::load_review(&dir).unwrap().review;
        let results = crate::results::analyse(&review);
        let outcomes: Vec<&OutcomeResults> = results.outcomes().map(|(_, o)| o).collect();
        assert_eq!(
            stable_sentence(&outcomes[1..3], false),
            "Leaving out any one study at a time did not change the conclusion for perinatal death (Analysis 1.2) and stillbirth (Analysis 1.3)."
        );
        let many: Vec<&OutcomeResults> = outcomes
            .iter()
            .cycle()
            .take(MAX_NAMED + 1)
            .copied()
            .collect();
        assert_eq!(
            stable_sentence(&many, true),
            format!(
                "Leaving out any one study at a time did not change the conclusion of the other {} analyses that pool three or more studies.",
                MAX_NAMED + 1
            )
        );
        assert!(stable_sentence(&many, false).contains("of any of the"));
        assert_eq!(stable_sentence(&[], false), "");
    }

    // A conclusion changes where the effect sentence would read differently: the interval
    // against no effect first, then against the smallest important effect (1.25 here), then
    // the side of no effect an inconclusive estimate is on.
    #[test]
    fn a_change_is_a_change_of_the_effect_sentence() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("reviews/diuretics-pregnancy");
        let review = crate::load::load_review(&dir).unwrap().review;
        let results = crate::results::analyse(&review);
        let mut spec = review.comparisons[0].outcomes[0].clone();
        spec.important_effect = Some(1.25);
        let finding = Finding {
            result: &results.comparisons[0].outcomes[0],
            spec: Some(&spec),
        };
        let change = |before: (f64, f64), after: (f64, f64)| {
            change(
                &finding,
                &pooled(before.0, before.1),
                &pooled(after.0, after.1),
            )
        };
        assert_eq!(change((0.5, 0.8), (0.55, 0.9)), None);
        assert_eq!(
            change((0.5, 0.8), (0.6, 1.1)).unwrap(),
            "the confidence interval included no effect"
        );
        assert_eq!(
            change((0.6, 1.1), (0.5, 0.8)).unwrap(),
            "the confidence interval excluded no effect"
        );
        assert_eq!(
            change((0.5, 0.8), (1.2, 1.5)).unwrap(),
            "the confidence interval lay on the other side of no effect"
        );
        assert_eq!(
            change((0.9, 1.1), (0.7, 1.1)).unwrap(),
            "the confidence interval included an important reduction"
        );
        assert_eq!(
            change((0.9, 1.1), (0.95, 1.4)).unwrap(),
            "the confidence interval included an important increase"
        );
        assert_eq!(
            change((0.7, 1.1), (0.9, 1.1)).unwrap(),
            "the confidence interval excluded important effects"
        );
        assert_eq!(
            change((0.7, 1.1), (0.9, 1.4)).unwrap(),
            "the estimate lay on the other side of no effect"
        );
    }
}
