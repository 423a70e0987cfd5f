//! The rows of a Summary of findings table that name an outcome, read from the authors'
//! cells: a row whose cell holds GRADE's symbols (⊕⊝) or a certainty level is a finding; the
//! outcome is its first cell, the participants and relative effect the cells before the
//! certainty, the comments the cell after, the assumed risk the first "N per 1000" of the rows
//! that follow it. Also the table's header (patient or population, setting, intervention,
//! comparison) and its numbered footnotes.

use super::document::{Finding, TableEntry};
use super::rm5::unescape;

/// GRADE levels, longest first so that "very low" is not read as "low".
const LEVELS: [&str; 4] = ["very low", "moderate", "high", "low"];

/// The certainty level named in a cell, with the footnote markers after it.
fn certainty(cell: &str) -> Option<(String, String)> {
    let plain = plain(cell);
    let lower = plain.to_lowercase();
    let has_symbols = plain.contains(['⊕', '⊝', '○', '◯']);
    let (at, level) = LEVELS
        .iter()
        .filter_map(|l| find_word(&lower, l).map(|at| (at, *l)))
        .min_by_key(|(at, l)| (*at, std::cmp::Reverse(l.len())))?;
    // A level word alone, not in a sentence, unless GRADE's symbols say it is a rating.
    // `lower` is sliced, not `plain`: lower-casing may change a text's byte length.
    let rest = lower[at + level.len()..].trim();
    if !has_symbols && plain.split_whitespace().count() > 4 {
        return None;
    }
    let markers: String = rest
        .trim_start_matches(['^', '(', ' '])
        .trim_end_matches(')')
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    Some((level.to_string(), markers))
}

/// Where `word` first stands as a word of its own in `text` ("low" is not in "follow-up").
fn find_word(text: &str, word: &str) -> Option<usize> {
    text.match_indices(word).map(|(i, _)| i).find(|&i| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// A cell's text without Markdown: escapes, emphasis and line breaks.
fn plain(cell: &str) -> String {
    unescape(&cell.replace("\\\n", " ").replace("**", ""))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The header of a Summary of findings table: the values after "Patient or population:",
/// "Setting(s):", "Intervention:" and "Comparison:" in its cells, each empty when not given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Header {
    pub population: String,
    pub setting: String,
    pub intervention: String,
    pub comparison: String,
}

/// The table's header, from the first cell that names the population.
pub(crate) fn header(table: &TableEntry) -> Header {
    const LABELS: [&str; 5] = [
        "patient or population:",
        "settings:",
        "setting:",
        "intervention:",
        "comparison:",
    ];
    let Some(cell) = table
        .rows
        .iter()
        .flatten()
        .map(|c| plain(&c.text))
        .find(|t| t.to_lowercase().contains("patient or population:"))
    else {
        return Header::default();
    };
    let lower = cell.to_lowercase();
    // Each label's place, in the order they stand.
    let mut at: Vec<(usize, &str)> = Vec::new();
    for label in LABELS {
        if let Some(i) = lower.find(label)
            && !at.iter().any(|(j, l)| *j <= i && i < j + l.len())
        {
            at.push((i, label));
        }
    }
    at.sort_unstable();
    let mut header = Header::default();
    for (k, (i, label)) in at.iter().enumerate() {
        let end = at.get(k + 1).map_or(cell.len(), |(j, _)| *j);
        // `lower` has the byte length of `cell` for these ASCII labels only where the text
        // before them lower-cases to the same length; fall back to nothing otherwise.
        let value = cell
            .get(i + label.len()..end)
            .unwrap_or("")
            .trim()
            .to_string();
        match *label {
            "patient or population:" => header.population = value,
            "settings:" | "setting:" => header.setting = value,
            "intervention:" => header.intervention = value,
            _ => header.comparison = value,
        }
    }
    header
}

/// The table's footnotes by number: each line of the footnotes that starts with a number
/// (as Review Manager writes it, superscript).
pub(crate) fn footnotes(table: &TableEntry) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in table.footnotes.split(['\n']).flat_map(|l| l.split("\\\n")) {
        let line = line.trim().trim_end_matches('\\').trim();
        let digits: String = line
            .chars()
            .take_while(|c| c.is_ascii_digit() || super::rm5::from_superscript(*c).is_some())
            .map(|c| super::rm5::from_superscript(c).unwrap_or(c))
            .collect();
        if digits.is_empty() {
            continue;
        }
        let rest: String = line
            .chars()
            .skip_while(|c| c.is_ascii_digit() || super::rm5::from_superscript(*c).is_some())
            .collect();
        let rest = rest.trim();
        if !rest.is_empty() {
            out.push((digits, rest.to_string()));
        }
    }
    out
}

/// A risk such as "211 per 1000" as a proportion.
fn risk(cell: &str) -> Option<f64> {
    let text = plain(cell);
    let (number, rest) = text.split_once(" per ")?;
    let number: f64 = number.trim().replace(',', "").parse().ok()?;
    let per: f64 = rest
        .split_whitespace()
        .next()?
        .replace([',', ' '], "")
        .parse()
        .ok()?;
    (per > 0.0 && number >= 0.0 && number <= per).then(|| number / per)
}

/// The findings of a table.
pub(crate) fn findings(table: &TableEntry) -> Vec<super::document::Finding> {
    let mut out: Vec<super::document::Finding> = Vec::new();
    for row in &table.rows {
        // A row after a finding that gives a risk: the first is the finding's assumed risk.
        if let Some(last) = out.last_mut()
            && last.assumed_risk.is_none()
            && let Some(r) = row.first().and_then(|c| risk(&c.text))
        {
            last.assumed_risk = Some(r);
        }
        let texts: Vec<String> = row.iter().map(|c| c.text.clone()).collect();
        if texts.len() < 3 || row.iter().any(|c| c.header) {
            continue;
        }
        let Some((i, (level, markers))) = texts
            .iter()
            .enumerate()
            .skip(1)
            .find_map(|(i, t)| certainty(t).map(|c| (i, c)))
        else {
            continue;
        };
        let at = |k: Option<usize>| {
            k.and_then(|k| texts.get(k))
                .map(|t| plain(t))
                .unwrap_or_default()
        };
        out.push(Finding {
            outcome: plain(&texts[0]),
            relative_effect: at(i.checked_sub(2)),
            participants: at(i.checked_sub(1)),
            certainty: level,
            markers,
            comments: at(Some(i + 1)),
            assumed_risk: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::document::Cell;

    fn cell(text: &str) -> Cell {
        Cell {
            text: text.into(),
            header: false,
            colspan: 1,
            rowspan: 1,
            ..Cell::default()
        }
    }

    #[test]
    fn reads_outcome_rows_with_their_grade_level() {
        let table = TableEntry {
            rows: vec![
                vec![cell("**Outcomes**"), cell("Quality")],
                vec![
                    cell("**Response rate (author defined)**"),
                    cell("**Study population**"),
                    cell("**RR 1.9** \\\n(1.2 to 3.01)"),
                    cell("708\\\n(3 studies)"),
                    cell("⊕⊝⊝⊝\\\n**very low** ^(1,2,3)"),
                    cell(""),
                ],
                vec![cell("**526 per 1000**"), cell("**500 per 1000**")],
                vec![cell("**Moderate**")],
                vec![cell("**400 per 1000**"), cell("**380 per 1000**")],
            ],
            ..TableEntry::default()
        };
        let found = findings(&table);
        assert_eq!(found.len(), 1, "{found:?}");
        let f = &found[0];
        assert_eq!(f.outcome, "Response rate (author defined)");
        assert_eq!(f.certainty, "very low");
        assert_eq!(f.markers, "1,2,3");
        assert_eq!(f.relative_effect, "RR 1.9 (1.2 to 3.01)");
        assert_eq!(f.participants, "708 (3 studies)");
        assert_eq!(f.assumed_risk, Some(0.526));
        assert_eq!(certainty("Follow-up: 8 weeks"), None);
        assert_eq!(risk("**211 per 1000**"), Some(0.211));
        assert_eq!(risk("Study population"), None);
        assert_eq!(certainty("⊕⊕⊝⊝ low"), Some(("low".into(), String::new())));
    }
}

#[cfg(test)]
mod header_tests {
    use super::*;
    use crate::import::document::Cell;

    // The header and footnotes of the GAD review's table (benzodiazepines versus pregabalin),
    // as the reader converts them.
    #[test]
    fn reads_the_header_and_numbered_footnotes() {
        let table = TableEntry {
            rows: vec![vec![Cell {
                text: "**Patient or population:** patients with generalised anxiety disorder (GAD)\\\n**Settings:** \\\n**Intervention:** Benzodiazepines\\\n**Comparison:** Pregabalin".into(),
                colspan: 7,
                rowspan: 1,
                ..Cell::default()
            }]],
            footnotes: "¹ All studies were sponsored\\\n² Analysis shows some moderate heterogeneity\\\n³ Population studies excluded".into(),
            ..TableEntry::default()
        };
        let h = header(&table);
        assert_eq!(
            h.population,
            "patients with generalised anxiety disorder (GAD)"
        );
        assert_eq!(h.setting, "");
        assert_eq!(h.intervention, "Benzodiazepines");
        assert_eq!(h.comparison, "Pregabalin");
        let notes = footnotes(&table);
        assert_eq!(notes.len(), 3, "{notes:?}");
        assert_eq!(
            notes[1],
            (
                "2".into(),
                "Analysis shows some moderate heterogeneity".into()
            )
        );
    }
}
