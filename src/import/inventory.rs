//! What an imported document holds, path by path, and what the writer carried over: the
//! difference is what IMPORT-REPORT.md names as not carried over, with its count.
//!
//! The inventory is computed from the document's serialisation, so a part added to the
//! document is inventoried without anyone listing it; the writer claims each path it writes
//! (the `Ledger`). A path is covered when it is claimed, lies under a path claimed with all
//! its contents, or holds a claimed path (an object of which something was written). Paths
//! read like the document's fields: `studies.included[].references[].fields.TI`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::document::Document;

/// How much of the document lies at one path.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Entry {
    /// Non-empty values (objects with content, non-blank strings, numbers, true).
    pub count: usize,
    /// Characters of text beneath.
    pub chars: usize,
}

/// Every path of the document with content, and how much.
pub fn inventory(doc: &Document) -> BTreeMap<String, Entry> {
    let value = serde_json::to_value(doc).unwrap_or(Value::Null);
    let mut out = BTreeMap::new();
    walk(&value, "", &mut out);
    out
}

/// Records the content of `value` below `path`; returns its characters when it has content.
fn walk(value: &Value, path: &str, out: &mut BTreeMap<String, Entry>) -> Option<usize> {
    let add = |out: &mut BTreeMap<String, Entry>, at: &str, chars: usize| {
        let e = out.entry(at.to_string()).or_default();
        e.count += 1;
        e.chars += chars;
    };
    match value {
        Value::Null | Value::Bool(false) => None,
        Value::Bool(true) | Value::Number(_) => Some(0),
        Value::String(s) => (!s.trim().is_empty()).then(|| s.chars().count()),
        Value::Array(items) => {
            let at = format!("{path}[]");
            let mut total = None;
            for item in items {
                if let Some(chars) = walk(item, &at, out) {
                    add(out, &at, chars);
                    total = Some(total.unwrap_or(0) + chars);
                }
            }
            total
        }
        Value::Object(fields) => {
            let mut total = None;
            for (key, item) in fields {
                let at = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                // An array is inventoried at its elements' path (`x[]`), not at `x`.
                if let Some(chars) = walk(item, &at, out) {
                    if !item.is_array() {
                        add(out, &at, chars);
                    }
                    total = Some(total.unwrap_or(0) + chars);
                }
            }
            total
        }
    }
}

/// The paths the writer wrote.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    claimed: BTreeSet<String>,
    with_contents: BTreeSet<String>,
    mapped: BTreeSet<String>,
}

/// How a claimed path was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim {
    /// Everything beneath the path was written too.
    pub with_contents: bool,
    /// The values were written in another form (a measure name as its label, a count as a
    /// whole number, an id as the analysis's position); else as they read.
    pub mapped: bool,
}

impl Ledger {
    /// The value at `path` was written as it reads (for an object: it exists in the output;
    /// its fields are claimed one by one).
    pub fn claim(&mut self, path: &str) {
        self.claimed.insert(path.to_string());
    }

    /// The value at `path`, with everything beneath it, was written in another form.
    pub fn claim_mapped(&mut self, path: &str) {
        self.claimed.insert(path.to_string());
        self.with_contents.insert(path.to_string());
        self.mapped.insert(path.to_string());
    }

    /// The value at `path` was written as it reads, with everything beneath it.
    pub fn claim_all(&mut self, path: &str) {
        self.claimed.insert(path.to_string());
        self.with_contents.insert(path.to_string());
    }

    /// The claimed paths and how they were written.
    pub fn claims(&self) -> impl Iterator<Item = (&str, Claim)> {
        self.claimed.iter().map(|p| {
            (
                p.as_str(),
                Claim {
                    with_contents: self.with_contents.contains(p)
                        || ancestors(p).any(|a| self.with_contents.contains(a)),
                    mapped: self.mapped.contains(p),
                },
            )
        })
    }

    /// Whether the content at `path` is carried over.
    pub fn covers(&self, path: &str) -> bool {
        if self.claimed.contains(path) {
            return true;
        }
        if ancestors(path).any(|a| self.with_contents.contains(a)) {
            return true;
        }
        // An object of which a part was written.
        self.claimed
            .range(path.to_string()..)
            .take_while(|c| c.starts_with(path))
            .any(|c| c[path.len()..].starts_with(['.', '[']))
    }
}

/// The proper ancestors of a path, nearest last: `a.b[].c` has `a` and `a.b[]`; `a.b[][]`
/// has `a` and `a.b[]`.
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    let bytes = path.as_bytes();
    (1..path.len())
        .filter(move |&i| bytes[i] == b'.' || (bytes[i] == b'[' && bytes[..i].ends_with(b"[]")))
        .map(move |i| &path[..i])
}

/// Whether the object at `path` only groups lists (`references` holds `additional[]` and
/// `pending[]`): it is reported by its lists, which say more than "1".
fn only_groups_lists(inventory: &BTreeMap<String, Entry>, path: &str) -> bool {
    if path.ends_with("[]") {
        return false;
    }
    let children: Vec<&String> = inventory
        .range(format!("{path}.")..)
        .take_while(|(p, _)| p.starts_with(&format!("{path}.")))
        .map(|(p, _)| p)
        .filter(|p| {
            !p[path.len() + 1..].contains('.')
                && !p[path.len() + 1..].trim_end_matches("[]").contains('[')
        })
        .collect();
    !children.is_empty() && children.iter().all(|c| c.ends_with("[]"))
}

/// What was not carried over: for each nearest covered ancestor ("" for the document), the
/// uncovered paths beneath it (relative to it) with their content. An uncovered path under
/// an uncovered path is part of it and not listed again.
pub fn not_carried_over(
    inventory: &BTreeMap<String, Entry>,
    ledger: &Ledger,
) -> Vec<(String, Vec<(String, Entry)>)> {
    let mut groups: BTreeMap<String, Vec<(String, Entry)>> = BTreeMap::new();
    for (path, entry) in inventory {
        if ledger.covers(path) {
            continue;
        }
        let parents: Vec<&str> = ancestors(path).collect();
        if parents.iter().any(|p| {
            inventory.contains_key(*p) && !ledger.covers(p) && !only_groups_lists(inventory, p)
        }) {
            continue;
        }
        if only_groups_lists(inventory, path) {
            // Reported by its lists, which say more than "1".
            continue;
        }
        let home = parents.last().copied().unwrap_or("");
        let relative = if home.is_empty() {
            path.clone()
        } else {
            path[home.len() + 1..].to_string()
        };
        groups
            .entry(home.to_string())
            .or_default()
            .push((relative, *entry));
    }
    groups.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ancestors_of_a_path() {
        assert_eq!(
            ancestors("a.b[].c.d").collect::<Vec<_>>(),
            vec!["a", "a.b[]", "a.b[].c"]
        );
        assert_eq!(ancestors("a").count(), 0);
        assert_eq!(ancestors("a.b[][]").collect::<Vec<_>>(), vec!["a", "a.b[]"]);
    }

    #[test]
    fn inventories_non_empty_values_by_path() {
        let mut doc = Document::default();
        doc.review.title = "Title".into();
        doc.placeholders = vec!["[x]".into(), " ".into(), "[y]".into()];
        let inv = inventory(&doc);
        assert_eq!(inv["review.title"], Entry { count: 1, chars: 5 });
        assert_eq!(inv["placeholders[]"], Entry { count: 2, chars: 6 });
        assert_eq!(inv["review"].count, 1);
        assert!(!inv.contains_key("review.data_only_note"));
        assert!(!inv.contains_key("placeholders"));
    }

    #[test]
    fn reports_the_topmost_uncovered_paths_under_their_covered_parent() {
        let mut doc = Document::default();
        doc.review.title = "Title".into();
        doc.review.keywords = vec!["k".into()];
        doc.placeholders = vec!["[x]".into()];
        let inv = inventory(&doc);
        let mut ledger = Ledger::default();
        ledger.claim("review.title");
        let left = not_carried_over(&inv, &ledger);
        assert_eq!(
            left,
            vec![
                (
                    String::new(),
                    vec![("placeholders[]".into(), Entry { count: 1, chars: 3 })]
                ),
                (
                    "review".into(),
                    vec![("keywords[]".into(), Entry { count: 1, chars: 1 })]
                ),
            ]
        );
        ledger.claim_all("review");
        ledger.claim("placeholders[]");
        assert!(not_carried_over(&inv, &ledger).is_empty());
    }
}
