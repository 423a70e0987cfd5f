//! `revmark diff OLD NEW`: what changed between two results files or two output folders, in
//! the words of changes.md.

use std::collections::BTreeMap;
use std::path::Path;

use super::baseline::{read_results, results_files};
use crate::report::WhatsNewPages;
use crate::report::changes::{Changes, WhatsNew, compare};
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
    let pages = match WhatsNewPages::new() {
        Ok(pages) => pages,
        Err(e) => {
            eprintln!("error: template changes.md: {}", e.message);
            return EXIT_INVALID;
        }
    };
    let mut text = Vec::new();
    for (slug, o, n) in pairs {
        let changes;
        let whats_new = match (o, n) {
            (Some(o), Some(n)) => {
                changes = Changes {
                    compared: true,
                    items: compare(o, n),
                };
                WhatsNew::Changes(&changes)
            }
            (None, Some(_)) => WhatsNew::OnlyInNew,
            (Some(_), None) => WhatsNew::OnlyInOld,
            (None, None) => continue,
        };
        match pages.page(&slug, whats_new) {
            Ok(page) => text.push(page),
            Err(e) => {
                eprintln!("error: template changes.md: {}", e.message);
                return EXIT_INVALID;
            }
        }
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
    let mut map = BTreeMap::new();
    for file in results_files(path)? {
        let results = read_results(&file)?;
        map.insert(results.review.clone(), results);
    }
    Ok(map)
}
