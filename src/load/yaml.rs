//! YAML parsing with serde-saphyr, its errors turned into located diagnostics.

use serde::de::DeserializeOwned;

use crate::diagnostic::{Diagnostic, SourceFile};

/// Parses a YAML file into `T`. An empty file is read as an empty mapping, so that a missing
/// required field is reported by name.
pub fn parse<T: DeserializeOwned>(source: &SourceFile) -> Result<T, Diagnostic> {
    let options = serde_saphyr::options! { with_snippet: false };
    let text = if source.text.trim().is_empty() {
        "{}"
    } else {
        source.text.as_str()
    };
    serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| (l.line() as usize, l.column() as usize))
            .unwrap_or((1, 1));
        let message = bare_message(&e.to_string());
        let mut d = source.error(line, column, message.clone());
        if let Some(help) = unknown_field_help(&message) {
            d = d.with_help(help);
        }
        d
    })
}

/// serde-saphyr appends " at line L column C" to its messages; the diagnostic prints the
/// position itself.
fn bare_message(message: &str) -> String {
    let first = message.lines().next().unwrap_or(message);
    let trimmed = match first.rfind(" at line ") {
        Some(i) => &first[..i],
        None => first,
    };
    trimmed.trim_end_matches(':').to_string()
}

/// For "unknown field `x`, expected one of `a`, `b`", suggests the nearest expected field.
fn unknown_field_help(message: &str) -> Option<String> {
    let rest = message.split("unknown field `").nth(1)?;
    let (got, expected) = rest.split_once('`')?;
    let expected = expected
        .split("expected one of ")
        .nth(1)
        .unwrap_or(expected);
    let candidates: Vec<&str> = expected
        .split(',')
        .map(|c| c.trim().trim_matches('`'))
        .collect();
    crate::diagnostic::closest(got, candidates.iter().copied())
        .map(|c| format!("did you mean `{c}`?"))
}
