//! The names of a comparison's two arms, from Review Manager's group labels: labels are often
//! written for the forest plot ("Favours antimicrobial") or left generic ("Experimental",
//! "Control"), while revmark's `experimental` and `control` are names that read in a sentence
//! ("compared antimicrobial with placebo/no treatment") and under the plot ("Favours
//! antimicrobial").

/// Labels that name no intervention: a generic label is replaced by the comparison's own
/// "X versus Y" where its name has one.
const GENERIC: [&str; 7] = [
    "experimental",
    "intervention",
    "treatment",
    "control",
    "comparator",
    "comparison",
    "placebo or control",
];

/// The experimental and control names of a comparison called `name` whose first analysis has
/// the group labels `label_1` and `label_2` (either may be empty).
pub(super) fn arm_names(name: &str, label_1: &str, label_2: &str) -> (String, String) {
    let (label_1, label_2) = (without_favours(label_1), without_favours(label_2));
    let from_name = versus(name);
    let pick = |label: &str, named: Option<&str>, default: &str| -> String {
        if label.is_empty() || is_generic(label) {
            named.unwrap_or(if label.is_empty() { default } else { label })
        } else {
            label
        }
        .to_string()
    };
    (
        pick(label_1, from_name.map(|(x, _)| x), "Experimental"),
        pick(label_2, from_name.map(|(_, y)| y), "Control"),
    )
}

/// A label without a leading "Favours " (any capitals), which the plot adds itself.
fn without_favours(label: &str) -> &str {
    let label = label.trim();
    match label.get(..8) {
        Some(head) if head.eq_ignore_ascii_case("favours ") => label[8..].trim_start(),
        _ => label,
    }
}

/// Whether a label names no intervention ("Control", "Favours experimental").
fn is_generic(label: &str) -> bool {
    GENERIC.iter().any(|g| label.eq_ignore_ascii_case(g))
}

/// The two sides of a comparison named "X versus Y" (or "X vs. Y", "X vs Y"), each without
/// what qualifies the comparison: a prefix before ": " ("Direct evidence: 5-ASA versus
/// placebo") and, after Y, a bracket, a subgroup or a "by" clause ("placebo (efficacy)",
/// "placebo subgrouped by severity"). None without exactly one "versus".
fn versus(name: &str) -> Option<(&str, &str)> {
    let lower = name.to_lowercase();
    // Byte offsets in `lower` are those of `name` for the ASCII separators looked for.
    if lower.len() != name.len() {
        return None;
    }
    let separators = [" versus ", " vs. ", " vs "];
    let found: Vec<(usize, usize)> = separators
        .iter()
        .flat_map(|sep| lower.match_indices(sep).map(|(at, s)| (at, s.len())))
        .collect();
    let [(at, len)] = found.as_slice() else {
        return None;
    };
    let x = &name[..*at];
    let x = x.rsplit_once(": ").map_or(x, |(_, after)| after).trim();
    let y = &name[at + len..];
    let y_lower = &lower[at + len..];
    let end = [" (", " subgroup", " by ", ", ", "; ", " - ", ": "]
        .iter()
        .filter_map(|q| y_lower.find(q))
        .min()
        .unwrap_or(y.len());
    let y = y[..end].trim();
    (!x.is_empty() && !y.is_empty()).then_some((x, y))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Labels written for the plot lose their "Favours "; generic labels give way to the
    // comparison's own "X versus Y"; labels that name the arms are kept as written.
    #[test]
    fn arms_read_as_names() {
        let arms = arm_names;
        assert_eq!(
            arms(
                "Antimicrobial versus placebo/no treatment",
                "Favours antimicrobial",
                "Control"
            ),
            ("antimicrobial".into(), "placebo/no treatment".into())
        );
        assert_eq!(
            arms(
                "Short versus long duration",
                "Short Duration",
                "Long Duration"
            ),
            ("Short Duration".into(), "Long Duration".into())
        );
        assert_eq!(
            arms(
                "Bisphosphonates vs. control (efficacy)",
                "Favours experimental",
                "Favours control"
            ),
            ("Bisphosphonates".into(), "control".into())
        );
        assert_eq!(
            arms(
                "Direct evidence: 5-ASA versus placebo",
                "Experimental",
                "Control"
            ),
            ("5-ASA".into(), "placebo".into())
        );
        assert_eq!(
            arms(
                "Antimicrobial versus placebo subgrouped by severity",
                "Favours Antimicrobial",
                "Control"
            ),
            ("Antimicrobial".into(), "placebo".into())
        );
        // A name without one "versus" leaves generic labels (or the defaults) as they are.
        assert_eq!(
            arms("Mesalazine doses", "Experimental", ""),
            ("Experimental".into(), "Control".into())
        );
        assert_eq!(
            arms("A versus B versus C", "Treatment", "Control"),
            ("Treatment".into(), "Control".into())
        );
    }
}
