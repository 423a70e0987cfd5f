//! `revmark diff OLD NEW`: what changed between two results files or two output folders, in
//! the words of changes.md.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::Error;
use crate::report::changes::{Changes, compare};

/// `revmark diff OLD NEW`: each is a results.json, a review's output folder (holding
/// results.json) or an output folder of reviews. Prints the changes of every review.
pub fn diff(old: &Path, new: &Path) -> Result<(), Error> {
    let (old, new) = match (read_side(old), read_side(new)) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(message), _) | (_, Err(message)) => return Err(Error::Results { message }),
    };
    // Two single files are compared whatever their review ids; folders pair reviews by id.
    let pairs: Vec<(String, Option<&Value>, Option<&Value>)> = if old.len() == 1 && new.len() == 1 {
        let (slug, o) = old.iter().next().expect("one");
        let n = new.values().next().expect("one");
        vec![(slug.clone(), Some(o), Some(n))]
    } else {
        let slugs: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
        slugs
            .into_iter()
            .map(|s| (s.clone(), old.get(s), new.get(s)))
            .collect()
    };
    let mut text = Vec::new();
    for (slug, o, n) in pairs {
        text.push(match (o, n) {
            (Some(o), Some(n)) => Changes {
                compared: true,
                items: compare(o, n),
            }
            .markdown(&slug),
            (None, Some(_)) => format!("# What's new: {slug}\n\nA new review.\n"),
            (Some(_), None) => format!("# What's new: {slug}\n\nThe review is gone.\n"),
            (None, None) => continue,
        });
    }
    print!("{}", text.join("\n"));
    Ok(())
}

/// The results files of one side, by review id.
fn read_side(path: &Path) -> Result<BTreeMap<String, Value>, String> {
    let mut files: Vec<PathBuf> = Vec::new();
    if path.is_file() {
        files.push(path.to_path_buf());
    } else if path.join("results.json").is_file() {
        files.push(path.join("results.json"));
    } else if path.is_dir() {
        let entries = std::fs::read_dir(path).map_err(|e| format!("{}: {e}", path.display()))?;
        for entry in entries.flatten() {
            let candidate = entry.path().join("results.json");
            if candidate.is_file() {
                files.push(candidate);
            }
        }
        if files.is_empty() {
            return Err(format!("{}: no results.json in it", path.display()));
        }
    } else {
        return Err(format!("{}: no such file or folder", path.display()));
    }
    let mut map = BTreeMap::new();
    for file in files {
        let text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let value: Value = serde_json::from_str(&text)
            .map_err(|e| format!("{}:{}:{}: {e}", file.display(), e.line(), e.column()))?;
        let slug = value["review"]
            .as_str()
            .map(String::from)
            .unwrap_or_else(|| file.display().to_string());
        map.insert(slug, value);
    }
    Ok(map)
}
