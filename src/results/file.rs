//! results.json as text: written indented, each object or array of plain values on one line
//! (a study's row is one line), with a final newline; read back exactly (with serde_json's
//! `float_roundtrip`, every number parses to the bits it was written from).

use std::collections::BTreeSet;
use std::fmt;

use super::{Results, StudyResult};
use serde::Serialize;

/// `estimable_studies` while a file written before it was added is read: no count is this
/// large, and [`Results::from_json`] replaces it before anyone sees it.
const UNKNOWN_COUNT: usize = usize::MAX;

/// What serde puts in a missing `estimable_studies`.
pub(super) fn unknown_count() -> usize {
    UNKNOWN_COUNT
}

/// Counts written before `estimable_studies` was added: then `studies` counted the estimable
/// studies, which it now leaves to `estimable_studies`, and counts every study with a row, as
/// Review Manager does; both are known from the file (its rows list every study, estimable or
/// not).
fn recount(studies: &mut usize, estimable: &mut usize, rows: &[StudyResult]) {
    if *estimable == UNKNOWN_COUNT {
        *estimable = *studies;
        *studies = rows
            .iter()
            .map(|r| r.study.as_str())
            .collect::<BTreeSet<_>>()
            .len();
    }
}

/// A results.json that could not be read, with where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

/// serde_json's pretty text written without indents (`pretty`) laid out: indented by two
/// spaces a level, with every object or array that holds no object or array on one line
/// (`{"study": "Smith 2004", "estimate": 0.58, ...}`). A large review's results.json is a third
/// smaller than fully pretty-printed, each row still a line of its own for a diff.
///
/// An object or array holds no other exactly when the next bracket after its opening one is
/// its closing one, so one scan finds them: the line breaks inside the innermost open one wait
/// until it is known to be such a row (joined) or not (indented). Text is copied in runs.
fn leaves_on_one_line(pretty: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(pretty.len() + pretty.len() / 2);
    // Up to where `pretty` is in `out`; the depth at the scan; where the innermost open object
    // or array began, while it may still be a row.
    let (mut copied, mut depth, mut row) = (0, 0, None);
    let mut at = 0;
    while let Some(at_mark) = next_mark(pretty, at) {
        match pretty[at_mark] {
            b'{' | b'[' => {
                if row.take().is_some() {
                    // Not a row after all: its lines so far are indented, one level in.
                    indent_lines(&mut out, &pretty[copied..at_mark], depth);
                    copied = at_mark;
                }
                depth += 1;
                row = Some(at_mark);
            }
            b'}' | b']' => {
                depth -= 1;
                if let Some(start) = row.take() {
                    out.extend_from_slice(&pretty[copied..start]);
                    join_lines(&mut out, &pretty[start..=at_mark]);
                    copied = at_mark + 1;
                }
            }
            _ if row.is_none() => {
                // A line break outside any row: the next line is indented to its depth, one
                // less when it closes an object or array.
                out.extend_from_slice(&pretty[copied..=at_mark]);
                let closes = matches!(pretty.get(at_mark + 1), Some(b'}' | b']'));
                push_indent(&mut out, depth - usize::from(closes));
                copied = at_mark + 1;
            }
            _ => {}
        }
        at = at_mark + 1;
    }
    out.extend_from_slice(&pretty[copied..]);
    out
}

/// Where the next bracket or line break outside a string is, from `at` (outside one).
fn next_mark(text: &[u8], mut at: usize) -> Option<usize> {
    while at < text.len() {
        match text[at] {
            b'{' | b'[' | b'}' | b']' | b'\n' => return Some(at),
            b'"' => {
                at += 1;
                while text[at] != b'"' {
                    at += if text[at] == b'\\' { 2 } else { 1 };
                }
            }
            _ => {}
        }
        at += 1;
    }
    None
}

/// Appends `text`, each line after the first indented to `depth`.
fn indent_lines(out: &mut Vec<u8>, text: &[u8], depth: usize) {
    let mut lines = text.split(|&b| b == b'\n');
    out.extend_from_slice(lines.next().unwrap_or_default());
    for line in lines {
        out.push(b'\n');
        push_indent(out, depth);
        out.extend_from_slice(line);
    }
}

/// Appends `text` with its lines joined: a line break becomes a space after a comma and
/// nothing elsewhere. A line break is never inside a JSON string (it is written `\n` there),
/// so every one is the layout's.
fn join_lines(out: &mut Vec<u8>, text: &[u8]) {
    let mut lines = text.split(|&b| b == b'\n');
    out.extend_from_slice(lines.next().unwrap_or_default());
    for line in lines {
        if out.last() == Some(&b',') {
            out.push(b' ');
        }
        out.extend_from_slice(line);
    }
}

/// Appends two spaces per level of `depth`.
fn push_indent(out: &mut Vec<u8>, depth: usize) {
    out.resize(out.len() + 2 * depth, b' ');
}

impl Results {
    /// results.json: indented, each object or array of plain values on one line, with a
    /// final newline.
    pub fn to_json(&self) -> String {
        // About 400 bytes per study row; reserving avoids most regrowth of a multi-megabyte
        // buffer.
        let mut bytes = Vec::with_capacity(4096 + self.row_count() * 400);
        let mut writer = serde_json::Serializer::with_formatter(
            &mut bytes,
            serde_json::ser::PrettyFormatter::with_indent(b""),
        );
        self.serialize(&mut writer).expect("results serialise");
        let mut bytes = leaves_on_one_line(&bytes);
        bytes.push(b'\n');
        String::from_utf8(bytes).expect("serde_json writes UTF-8")
    }

    /// Reads a results.json, of this version or an earlier one.
    pub fn from_json(text: &str) -> Result<Results, ReadError> {
        let mut results: Results = serde_json::from_str(text).map_err(|e| {
            let message = e.to_string();
            // serde_json ends its message with the place, which `ReadError` holds.
            let place = format!(" at line {} column {}", e.line(), e.column());
            ReadError {
                line: e.line(),
                column: e.column(),
                message: message.strip_suffix(&place).unwrap_or(&message).to_string(),
            }
        })?;
        for c in &mut results.comparisons {
            for o in &mut c.outcomes {
                recount(&mut o.studies, &mut o.estimable_studies, &o.study_results);
                for s in &mut o.subgroups {
                    recount(&mut s.studies, &mut s.estimable_studies, &s.study_results);
                }
            }
        }
        Ok(results)
    }
}

#[cfg(test)]
mod tests {
    use super::leaves_on_one_line;
    use serde::Serialize;

    // Rows of plain values become one line each; strings that look like layout (brackets,
    // commas, escaped quotes, runs of spaces) are kept as they are; the text means the same.
    #[test]
    fn rows_of_plain_values_are_one_line_each() {
        let value = serde_json::json!({
            "review": "x",
            "rows": [
                {"study": "Smith {2004}, \"a\"  [b]", "weight": 1.5, "estimable": true},
                {"study": "Jones\n2005", "weight": null, "tags": []}
            ],
            "empty": {}
        });
        let mut pretty = Vec::new();
        let formatter = serde_json::ser::PrettyFormatter::with_indent(b"");
        value
            .serialize(&mut serde_json::Serializer::with_formatter(
                &mut pretty,
                formatter,
            ))
            .unwrap();
        let text = String::from_utf8(leaves_on_one_line(&pretty)).unwrap();
        assert_eq!(
            text,
            concat!(
                "{\n",
                "  \"review\": \"x\",\n",
                "  \"rows\": [\n",
                "    {\"study\": \"Smith {2004}, \\\"a\\\"  [b]\", \"weight\": 1.5, \"estimable\": true},\n",
                "    {\n",
                "      \"study\": \"Jones\\n2005\",\n",
                "      \"weight\": null,\n",
                "      \"tags\": []\n",
                "    }\n",
                "  ],\n",
                "  \"empty\": {}\n",
                "}"
            )
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }
}
