//! results.json as text: written pretty-printed with a final newline, read back exactly (with
//! serde_json's `float_roundtrip`, every number parses to the bits it was written from).

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

impl Results {
    /// results.json: pretty-printed, with a final newline.
    pub fn to_json(&self) -> String {
        // About 400 bytes per study row; reserving avoids most regrowth of a multi-megabyte
        // buffer.
        let mut bytes = Vec::with_capacity(4096 + self.row_count() * 400);
        serde_json::to_writer_pretty(&mut bytes, self).expect("results serialise");
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
