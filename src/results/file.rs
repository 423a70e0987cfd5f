//! results.json as text: written indented, each object or array of plain values on one line
//! (a study's row is one line), with a final newline; read back exactly (with serde_json's
//! `float_roundtrip`, every number parses to the bits it was written from).

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::{fmt, io};

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

/// results.json's layout, which serde_json writes through it: indented by two spaces a level,
/// with every object or array that holds no object or array on one line (`{"study": "Smith
/// 2004", "estimate": 0.58, ...}`). A large review's results.json is a third smaller than fully
/// pretty-printed, each row still a line of its own for a diff.
///
/// Whether an object or array is such a row is known only at its end or when an object or
/// array opens inside it, so the innermost open one is written as a row and laid out again,
/// once, when one does. serde_json writes the values (strings, numbers) to its writer, a
/// [`SharedBuffer`] of the same bytes this formatter lays out: one pass, and no second copy of
/// a file of several megabytes (a scan of the pretty text after it took more instructions than
/// writing it).
struct RowLayout<'a> {
    out: &'a RefCell<Vec<u8>>,
    /// Objects and arrays open.
    depth: usize,
    /// Where the innermost open object or array begins in `out` while it may still be a row.
    row_start: Option<usize>,
    /// Where each ", " between that row's values is in `out`.
    separators: Vec<usize>,
}

impl RowLayout<'_> {
    fn open(&mut self, bracket: u8) {
        let mut out = self.out.borrow_mut();
        if let Some(start) = self.row_start.take() {
            // The open one holds an object or array: not a row, one value a line.
            one_value_a_line(&mut out, start, &self.separators, self.depth);
        }
        out.push(bracket);
        self.depth += 1;
        self.row_start = Some(out.len() - 1);
        self.separators.clear();
    }

    fn value(&mut self, first: bool) {
        let mut out = self.out.borrow_mut();
        if self.row_start.is_some() {
            if !first {
                self.separators.push(out.len());
                out.extend_from_slice(b", ");
            }
        } else {
            if !first {
                out.push(b',');
            }
            out.push(b'\n');
            push_indent(&mut out, self.depth);
        }
    }

    fn close(&mut self, bracket: u8) {
        let mut out = self.out.borrow_mut();
        self.depth -= 1;
        // One not a row holds a value, the object or array that made it so.
        if self.row_start.take().is_none() {
            out.push(b'\n');
            push_indent(&mut out, self.depth);
        }
        out.push(bracket);
    }
}

impl serde_json::ser::Formatter for RowLayout<'_> {
    fn begin_array<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.open(b'[');
        Ok(())
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.close(b']');
        Ok(())
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        _: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.value(first);
        Ok(())
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.open(b'{');
        Ok(())
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.close(b'}');
        Ok(())
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        _: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.value(first);
        Ok(())
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.out.borrow_mut().extend_from_slice(b": ");
        Ok(())
    }
}

/// The writer serde_json writes values to: the buffer [`RowLayout`] lays out.
struct SharedBuffer<'a>(&'a RefCell<Vec<u8>>);

impl io::Write for SharedBuffer<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Lays out again, one value a line at `depth`, the object or array written as a row from
/// `start` in `out`, its values so far separated by ", " at `separators`.
fn one_value_a_line(out: &mut Vec<u8>, start: usize, separators: &[usize], depth: usize) {
    let values = out.split_off(start + 1);
    let mut copied = 0;
    out.push(b'\n');
    push_indent(out, depth);
    for &separator in separators {
        let at = separator - (start + 1);
        out.extend_from_slice(&values[copied..at]);
        out.push(b',');
        out.push(b'\n');
        push_indent(out, depth);
        copied = at + 2;
    }
    out.extend_from_slice(&values[copied..]);
}

/// Appends two spaces per level of `depth`.
fn push_indent(out: &mut Vec<u8>, depth: usize) {
    out.resize(out.len() + 2 * depth, b' ');
}

/// `value` as JSON in results.json's layout ([`RowLayout`]).
fn rows_json(value: &impl Serialize, capacity: usize) -> Vec<u8> {
    let out = RefCell::new(Vec::with_capacity(capacity));
    let layout = RowLayout {
        out: &out,
        depth: 0,
        row_start: None,
        separators: Vec::new(),
    };
    value
        .serialize(&mut serde_json::Serializer::with_formatter(
            SharedBuffer(&out),
            layout,
        ))
        .expect("results serialise");
    out.into_inner()
}

impl Results {
    /// results.json: indented, each object or array of plain values on one line, with a
    /// final newline.
    pub fn to_json(&self) -> String {
        // About 430 bytes per study row; reserving avoids most regrowth of a multi-megabyte
        // buffer.
        let mut bytes = rows_json(self, 4096 + self.row_count() * 450);
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
    use super::rows_json;
    use serde_json::{Value, json};

    fn laid_out(value: &Value) -> String {
        String::from_utf8(rows_json(value, 0)).unwrap()
    }

    // Rows of plain values become one line each; strings that look like layout (brackets,
    // commas, escaped quotes, runs of spaces) are kept as they are; the text means the same.
    #[test]
    fn rows_of_plain_values_are_one_line_each() {
        let value = json!({
            "review": "x",
            "rows": [
                {"study": "Smith {2004}, \"a\"  [b]", "weight": 1.5, "estimable": true},
                {"study": "Jones\n2005", "weight": null, "tags": []}
            ],
            "empty": {}
        });
        let text = laid_out(&value);
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
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }

    /// The layout written from the whole value at once: the definition [`rows_json`] must
    /// meet while it writes a value at a time.
    fn layout_of(value: &Value, depth: usize, out: &mut String) {
        let nested = |v: &Value| matches!(v, Value::Array(_) | Value::Object(_));
        let (open, close, items): (_, _, Vec<(Option<&String>, &Value)>) = match value {
            Value::Array(a) => ("[", "]", a.iter().map(|v| (None, v)).collect()),
            Value::Object(o) => ("{", "}", o.iter().map(|(k, v)| (Some(k), v)).collect()),
            leaf => return out.push_str(&serde_json::to_string(leaf).unwrap()),
        };
        let one_a_line = items.iter().any(|(_, v)| nested(v));
        let indent = |d: usize| "  ".repeat(d);
        out.push_str(open);
        for (i, (key, item)) in items.iter().enumerate() {
            match (i, one_a_line) {
                (0, false) => {}
                (_, false) => out.push_str(", "),
                (0, true) => out.push_str(&format!("\n{}", indent(depth + 1))),
                (_, true) => out.push_str(&format!(",\n{}", indent(depth + 1))),
            }
            if let Some(key) = key {
                out.push_str(&format!("{}: ", serde_json::to_string(key).unwrap()));
            }
            layout_of(item, depth + 1, out);
        }
        if one_a_line {
            out.push_str(&format!("\n{}", indent(depth)));
        }
        out.push_str(close);
    }

    /// A value of up to `depth` levels from the pseudo-random `seed`, with empty and nested
    /// objects and arrays in every position, and strings that look like the layout.
    fn value(seed: &mut u64, depth: usize) -> Value {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let pick = (*seed >> 33) as usize;
        let len = pick / 7 % 4;
        match pick % 7 {
            0 | 1 if depth > 0 => Value::Array((0..len).map(|_| value(seed, depth - 1)).collect()),
            2 | 3 if depth > 0 => Value::Object(
                (0..len)
                    .map(|i| (format!("k{i}, \"x\": [{{"), value(seed, depth - 1)))
                    .collect(),
            ),
            0 | 2 => json!(", \n[]{}\"\\"),
            4 => json!(pick as f64 / 7.0),
            5 => Value::Null,
            _ => json!(pick.is_multiple_of(2)),
        }
    }

    // Every value is laid out as the definition says, and reads back as itself.
    #[test]
    fn any_value_is_laid_out_as_defined() {
        let mut seed = 17;
        for _ in 0..2_000 {
            let value = value(&mut seed, 4);
            let mut expected = String::new();
            layout_of(&value, 0, &mut expected);
            let text = laid_out(&value);
            assert_eq!(text, expected);
            assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), value);
        }
    }
}
