//! YAML parsing with serde-saphyr, its errors turned into located diagnostics.

use serde::de::DeserializeOwned;

use crate::diagnostic::{Diagnostic, SourceFile};

/// Deepest nesting of YAML collections accepted (a review file needs about 6 levels).
pub const MAX_DEPTH: usize = 64;
/// Most parser events (scalars, collection starts and ends) in one file: room for about a
/// million studies in studies.yaml, which takes about three events each.
pub const MAX_EVENTS: usize = 8_000_000;
/// Most nodes (scalars and collections) in one file.
pub const MAX_NODES: usize = 4_000_000;
/// Most anchors (`&name`) and aliases (`*name`) in one file; review files rarely need any.
pub const MAX_ANCHORS: usize = 1_000;
/// Most events that aliases may replay in one file, so that nested aliases ("billion laughs")
/// cannot expand a small file into a huge document.
pub const MAX_REPLAYED_EVENTS: usize = 100_000;
/// Most bytes of scalar text in one file.
pub const MAX_SCALAR_BYTES: usize = 64 * 1024 * 1024;

/// The parser's options: no snippets (the diagnostic draws its own) and the explicit limits
/// above, so that no file can make the parser take unbounded time or memory. (Comments are
/// not collected at all: Cargo.toml leaves out serde-saphyr's `comments` feature.)
fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        with_snippet: false,
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            max_events: MAX_EVENTS,
            max_nodes: MAX_NODES,
            max_anchors: MAX_ANCHORS,
            max_aliases: MAX_ANCHORS,
            max_total_scalar_bytes: MAX_SCALAR_BYTES,
            flow_nesting_limit: MAX_DEPTH,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: MAX_REPLAYED_EVENTS,
            max_replay_stack_depth: MAX_DEPTH,
        },
    }
}

/// Parses a YAML file into `T`. An empty file is read as an empty mapping, so that a missing
/// required field is reported by name.
pub fn parse<T: DeserializeOwned>(source: &SourceFile) -> Result<T, Diagnostic> {
    let options = options();
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
