//! `revmark diff OLD NEW`: what changed between two results files or two output folders, in
//! the words of changes.md.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::report::changes::{Changes, compare};
use crate::results::Results;
use crate::{EXIT_INVALID, EXIT_OK};

/// `revmark diff OLD NEW`: each is a results.json, a review's output folder (holding
/// results.json) or an output folder of reviews. Prints the changes of every review.
pub fn diff(old: &Path, new: &Path) -> i32 {
    let (old, new) = match (read_side(old), read_side(new)) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            return EXIT_INVALID;
        }
    };
    // Two single files are compared whatever their review ids; folders pair reviews by id.
    let pairs: Vec<(String, Option<&Results>, Option<&Results>)> = match (only(&old), only(&new)) {
        (Some((slug, o)), Some((_, n))) => vec![(slug.clone(), Some(o), Some(n))],
        _ => {
            let slugs: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
            slugs
                .into_iter()
                .map(|s| (s.clone(), old.get(s), new.get(s)))
                .collect()
        }
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
    EXIT_OK
}

/// The one review of a side, when it holds exactly one.
fn only(side: &BTreeMap<String, Results>) -> Option<(&String, &Results)> {
    let mut all = side.iter();
    all.next().filter(|_| all.next().is_none())
}

/// The results files of one side, by review id.
fn read_side(path: &Path) -> Result<BTreeMap<String, Results>, String> {
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
        let results = Results::from_json(&text).map_err(|e| format!("{}:{e}", file.display()))?;
        map.insert(results.review.clone(), results);
    }
    Ok(map)
}
