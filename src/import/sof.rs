//! The rows of a Summary of findings table that name an outcome, read from the authors'
//! cells: a row whose cell holds GRADE's symbols (⊕⊝) or a certainty level is a finding; the
//! outcome is its first cell, the participants and relative effect the cells before the
//! certainty, the comments the cell after.

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

/// The findings of a table.
pub(crate) fn findings(table: &TableEntry) -> Vec<super::document::Finding> {
    let mut out = Vec::new();
    for row in &table.rows {
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
        assert_eq!(certainty("Follow-up: 8 weeks"), None);
        assert_eq!(certainty("⊕⊕⊝⊝ low"), Some(("low".into(), String::new())));
    }
}
