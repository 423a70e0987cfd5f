//! results.json as text: written indented, each object or array of plain values on one line
//! (a study's row is one line), with a final newline; read back exactly (with serde_json's
//! `float_roundtrip`, every number parses to the bits it was written from).

use std::collections::BTreeSet;
use std::fmt;

use super::{Results, StudyResult};

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

/// serde_json's pretty text with every object or array that holds no object or array on one
/// line (`{"study": "Smith 2004", "estimate": 0.58, ...}`): a large review's results.json is a
/// third smaller than fully pretty-printed, each row still a line of its own for a diff.
///
/// An object or array holds no other exactly when the next bracket after its opening one is
/// its closing one, so one scan finds them; the text between is copied in runs, not bytes.
fn leaves_on_one_line(pretty: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(pretty.len());
    let mut copied = 0;
    let mut open = None;
    let mut at = 0;
    while let Some(bracket) = next_bracket(pretty, at) {
        match pretty[bracket] {
            b'{' | b'[' => open = Some(bracket),
            _ => {
                if let Some(start) = open.take() {
                    out.extend_from_slice(&pretty[copied..start]);
                    join_lines(&mut out, &pretty[start..=bracket]);
                    copied = bracket + 1;
                }
            }
        }
        at = bracket + 1;
    }
    out.extend_from_slice(&pretty[copied..]);
    out
}

/// Where the next of `{`, `[`, `}`, `]` outside a string is, from `at` (which is outside one).
fn next_bracket(text: &[u8], mut at: usize) -> Option<usize> {
    while at < text.len() {
        match text[at] {
            b'{' | b'[' | b'}' | b']' => return Some(at),
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

/// Appends `text` with its lines joined: a line break and its indent become a space after a
/// comma and nothing elsewhere. A line break is never inside a JSON string (it is written
/// `\n` there), so every one is the layout's.
fn join_lines(out: &mut Vec<u8>, text: &[u8]) {
    let mut lines = text.split(|&b| b == b'\n');
    out.extend_from_slice(lines.next().unwrap_or_default());
    for line in lines {
        if out.last() == Some(&b',') {
            out.push(b' ');
        }
        out.extend_from_slice(line.trim_ascii_start());
    }
}

impl Results {
    /// results.json: indented, each object or array of plain values on one line, with a
    /// final newline.
    pub fn to_json(&self) -> String {
        // About 400 bytes per study row; reserving avoids most regrowth of a multi-megabyte
        // buffer.
        let mut bytes = Vec::with_capacity(4096 + self.row_count() * 400);
        serde_json::to_writer_pretty(&mut bytes, self).expect("results serialise");
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
        let pretty = serde_json::to_vec_pretty(&value).unwrap();
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
