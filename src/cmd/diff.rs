//! `revmark diff OLD NEW`: what changed between two results files or two output folders, in
//! the words of changes.md.

use std::collections::BTreeMap;
use std::path::Path;

use super::baseline::{read_results, results_files};
use crate::Error;
use crate::report::WhatsNewPages;
use crate::report::changes::{Changes, WhatsNew, compare};
use crate::results::Results;

/// `revmark diff OLD NEW`: each is a results.json, a review's output folder (holding
/// results.json) or an output folder of reviews. Prints the changes of every review.
pub fn diff(old: &Path, new: &Path) -> Result<(), Error> {
    let (old, new) = match (read_side(old), read_side(new)) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(message), _) | (_, Err(message)) => return Err(Error::Results { message }),
    };
    // Two single files are compared whatever their review ids; folders pair reviews by id.
    let pairs: Vec<(String, Option<&Results>, Option<&Results>)> =
        if let (Some((slug, o)), Some((_, n))) = (only(&old), only(&new)) {
            vec![(slug.clone(), Some(o), Some(n))]
        } else {
            let slugs: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
            slugs
                .into_iter()
                .map(|s| (s.clone(), old.get(s), new.get(s)))
                .collect()
        };
    let template_error = |e: crate::report::TemplateError| Error::Template {
        name: "changes.md".into(),
        message: e.message,
    };
    let pages = WhatsNewPages::new().map_err(template_error)?;
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
        text.push(pages.page(&slug, whats_new).map_err(template_error)?);
    }
    print!("{}", text.join("\n"));
    Ok(())
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
