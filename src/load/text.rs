//! review.yaml's whole-review text, checked: the dates of history and What's new entries, and
//! each additional table given once (Markdown or a CSV file, read like a data file: relative to
//! the review folder and never outside it).

use super::csv;
use super::raw::RawTable;
use super::validate::DataReader;
use crate::diagnostic::{Kind, Problems, SourceFile};
use crate::model::text::{AdditionalTable, FullText};
use crate::model::{Located, PlainLanguageSummary, Protocol};

const NOT_A_DATE: Kind = Kind::error("a date that is not YYYY-MM-DD, YYYY-MM or YYYY");
const TABLE_SOURCE: Kind = Kind::error("an additional table without exactly one of body and data");
const TABLE_FILE: Kind = Kind::error("an additional table's file that cannot be read");
const NOTE: Kind = Kind::warning("a note to the authors in their prose");

/// Checks the text read from review.yaml (`file`) and reads the tables' CSV files.
pub(crate) fn check(
    mut text: FullText,
    tables: Vec<RawTable>,
    file: &SourceFile,
    read_data: &DataReader,
    problems: &mut Problems,
) -> FullText {
    for entry in text.history.iter().chain(&text.whats_new) {
        if !is_partial_date(&entry.date.value) {
            let date = &entry.date;
            problems.add(&file.path, NOT_A_DATE, |_| {
                file.error_at(
                    date.referenced,
                    format!(
                        "`{}` is not a date: write it as YYYY-MM-DD (or YYYY-MM, YYYY)",
                        date.value
                    ),
                )
            });
        }
    }
    text.additional_tables = tables
        .into_iter()
        .filter_map(|t| table(t, file, read_data, problems))
        .collect();
    text
}

fn table(
    raw: RawTable,
    file: &SourceFile,
    read_data: &DataReader,
    problems: &mut Problems,
) -> Option<AdditionalTable> {
    let RawTable {
        mut table,
        data,
        at,
    } = raw;
    let data = match (&table.body, data) {
        (Some(_), None) => return Some(table),
        (None, Some(data)) => data,
        (body, _) => {
            let title = table.title.clone();
            let which = if body.is_some() { "both" } else { "neither" };
            problems.add(&file.path, TABLE_SOURCE, |_| {
                file.error_at(
                    at,
                    format!(
                        "additional table \"{title}\" has {which} `body` (Markdown) and `data` (a CSV file): give one"
                    ),
                )
            });
            return None;
        }
    };
    let fail = |problems: &mut Problems, message: String| {
        problems.add(&file.path, TABLE_FILE, |_| {
            file.error_at(data.referenced, message)
        });
    };
    let source = match read_data(&data.value) {
        Ok(s) => s,
        Err(e) => {
            fail(
                problems,
                format!("additional table \"{}\": {e}", table.title),
            );
            return None;
        }
    };
    match csv::parse(&source.text) {
        Ok(rows) if rows.is_empty() => {
            fail(
                problems,
                format!(
                    "additional table \"{}\": {} is empty",
                    table.title, data.value
                ),
            );
            None
        }
        Ok(rows) => {
            table.data = Some(
                rows.into_iter()
                    .map(|r| r.into_iter().map(|c| c.text).collect())
                    .collect(),
            );
            Some(table)
        }
        Err((line, column, message)) => {
            problems.push(source.error(line, column, message));
            None
        }
    }
}

/// Warns of each note the authors left themselves in review.yaml's prose — a bracketed phrase
/// of words alone such as "[These need to be changed]" — which the page would print.
pub(crate) fn note_warnings(p: &Protocol, file: &SourceFile, problems: &mut Problems) {
    let t = &p.text;
    let mut fields: Vec<&Located<String>> = [
        &p.background,
        &p.objectives,
        &p.selection_criteria,
        &p.data_collection,
        &p.discussion,
        &t.methods.whole,
        &t.methods.criteria.whole,
        &t.methods.search.whole,
        &t.methods.data_collection.whole,
        &t.results.whole,
        &t.results.search,
        &t.results.included,
        &t.results.excluded,
        &t.results.risk_of_bias.whole,
        &t.results.effects,
        &t.acknowledgements,
        &t.contributions,
        &t.declarations_of_interest,
        &t.differences_from_protocol,
    ]
    .into_iter()
    .flatten()
    .collect();
    match &p.plain_language_summary {
        Some(PlainLanguageSummary::Whole(whole)) => fields.push(whole),
        Some(PlainLanguageSummary::Parts(parts)) => fields.extend(
            [
                &parts.title,
                &parts.key_messages,
                &parts.what_we_did,
                &parts.what_we_found,
                &parts.limitations,
                &parts.currency,
            ]
            .into_iter()
            .flatten(),
        ),
        None => {}
    }
    if let Some(c) = &p.conclusions {
        fields.extend(c.practice.iter().chain(&c.research));
    }
    for parts in [
        &t.background,
        &t.discussion,
        &t.methods.criteria.parts,
        &t.methods.search.parts,
        &t.methods.data_collection.parts,
        &t.results.risk_of_bias.parts,
    ] {
        fields.extend(parts.iter().map(|(_, text)| text));
    }
    fields.extend(t.appendices.iter().chain(&t.feedback).map(|a| &a.text));
    fields.extend(t.history.iter().chain(&t.whats_new).map(|e| &e.text));
    for field in fields {
        if let Some(note) = note_in(&field.value) {
            problems.add(&file.path, NOTE, |_| {
                file.warning_at(
                    field.referenced,
                    format!(
                        "`{note}` reads as a note to the authors; the review prints it as written"
                    ),
                )
            });
        }
    }
}

/// The first bracketed phrase of two to fifteen words of letters alone in `text` ("[These need
/// to be changed]"); not a link ("[text](url)"), a citation ("[@key]", "[1]") or "[sic]".
pub(crate) fn note_in(text: &str) -> Option<&str> {
    let mut from = 0;
    while let Some(open) = text[from..].find('[').map(|i| from + i) {
        let close = text[open..].find(']').map(|i| open + i)?;
        let inner = &text[open + 1..close];
        let after = &text[close + 1..];
        let words = inner.split_whitespace().count();
        if (2..=15).contains(&words)
            && inner.starts_with(|c: char| c.is_alphabetic())
            && inner
                .chars()
                .all(|c| c.is_alphabetic() || matches!(c, ' ' | '\'' | '-' | ',' | '?' | '!'))
            && !after.starts_with(['(', '[', ':'])
        {
            return Some(&text[open..=close]);
        }
        from = close;
    }
    None
}

/// Whether `s` is YYYY-MM-DD, YYYY-MM or YYYY (Review Manager keeps dates known to the month
/// or year).
pub(crate) fn is_partial_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2) && matches!(m.parse::<u32>(), Ok(1..=12)),
        [_, _, _] => super::protocol::is_iso_date(s),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{is_partial_date, note_in};

    #[test]
    fn notes_to_the_authors_are_bracketed_words() {
        assert_eq!(
            note_in("To assess. [These need to be changed]"),
            Some("[These need to be changed]")
        );
        for text in [
            "See [Smith 2004](#smith)",
            "[@smith2004]",
            "It [sic] was",
            "[1, 2]",
        ] {
            assert_eq!(note_in(text), None, "{text}");
        }
    }

    #[test]
    fn dates_may_stop_at_the_month_or_year() {
        for ok in ["2012", "2012-10", "2012-10-16"] {
            assert!(is_partial_date(ok), "{ok}");
        }
        for bad in ["12", "2012-13", "2012-1", "2012-02-30", "16/10/2012", ""] {
            assert!(!is_partial_date(bad), "{bad}");
        }
    }
}
