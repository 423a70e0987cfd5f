//! Reading earlier results: the results.json files a path holds (for `revmark diff`), and the
//! baseline each review of a build compares its results with (`revmark build --baseline`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::report::changes::{Baseline, Changes};
use crate::results::Results;

/// The results.json files `path` holds: `path` itself when it is a file, the results.json of a
/// review's output folder, or those of every review folder in an output folder.
pub(crate) fn results_files(path: &Path) -> Result<Vec<PathBuf>, String> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    if path.join("results.json").is_file() {
        return Ok(vec![path.join("results.json")]);
    }
    if !path.is_dir() {
        return Err(format!("{}: no such file or folder", path.display()));
    }
    let entries = std::fs::read_dir(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|entry| entry.path().join("results.json"))
        .filter(|candidate| candidate.is_file())
        .collect();
    if files.is_empty() {
        return Err(format!("{}: no results.json in it", path.display()));
    }
    files.sort();
    Ok(files)
}

/// Reads one results.json.
pub(crate) fn read_results(file: &Path) -> Result<Results, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    Results::from_json(&text).map_err(|e| format!("{}:{e}", file.display()))
}

/// Where the baselines of a build come from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum BaselineSource<'a> {
    /// The output folder the build replaces: a review without readable results there has no
    /// baseline.
    Replaced(&'a Path),
    /// `--baseline PATH`: a results.json or an output folder, which must be readable.
    Given(&'a Path),
}

impl BaselineSource<'_> {
    fn path(&self) -> &Path {
        match self {
            BaselineSource::Replaced(path) | BaselineSource::Given(path) => path,
        }
    }
}

/// The baseline of each review of the build (by review id, `slugs` in build order); a review
/// without one is absent. An unreadable given baseline is an error; in the output folder being
/// replaced, one is as good as none.
pub(crate) fn baselines(
    source: BaselineSource,
    slugs: &[&str],
) -> Result<BTreeMap<String, Baseline>, String> {
    let path = source.path();
    let given = matches!(source, BaselineSource::Given(_));
    if given && !path.exists() {
        return Err(format!(
            "baseline {}: no such file or folder",
            path.display()
        ));
    }
    // A results.json, or one review's output folder: the baseline of the review it names.
    let single = if path.is_file() {
        Some(path.to_path_buf())
    } else {
        Some(path.join("results.json")).filter(|f| f.is_file())
    };
    if let Some(file) = single {
        let baseline = match read_baseline(&file) {
            Ok(baseline) => baseline,
            Err(e) if given => return Err(format!("baseline {e}")),
            Err(_) => return Ok(BTreeMap::new()),
        };
        let review = baseline.results.review.clone();
        if !slugs.contains(&review.as_str()) {
            if !given {
                return Ok(BTreeMap::new());
            }
            return Err(format!(
                "baseline {} holds the results of review `{review}`, which this build does not build",
                file.display()
            ));
        }
        return Ok(BTreeMap::from([(review, baseline)]));
    }
    // An output folder: each review's own results.json, read on several threads.
    let files: Vec<(&str, PathBuf)> = slugs
        .iter()
        .map(|slug| (*slug, path.join(slug).join("results.json")))
        .filter(|(_, file)| file.is_file())
        .collect();
    let read = crate::parallel::map(&files, |(_, file)| read_baseline(file));
    let mut found = BTreeMap::new();
    for ((slug, _), baseline) in files.iter().zip(read) {
        match baseline {
            Ok(baseline) => {
                found.insert(slug.to_string(), baseline);
            }
            Err(e) if given => return Err(format!("baseline {e}")),
            // An unreadable earlier file is as good as none.
            Err(_) => {}
        }
    }
    Ok(found)
}

/// A results.json and the changes.json beside it.
fn read_baseline(file: &Path) -> Result<Baseline, String> {
    let results = read_results(file)?;
    let changes = file
        .parent()
        .and_then(|dir| std::fs::read_to_string(dir.join("changes.json")).ok())
        .and_then(|text| serde_json::from_str::<Changes>(&text).ok());
    Ok(Baseline { results, changes })
}

/// The line a build prints when reviews have no baseline: which reviews, and how to give one.
pub(crate) fn missing_note(missing: &[&str], built: usize, source: BaselineSource) -> String {
    let named: Vec<String> = missing.iter().take(3).map(|s| format!("`{s}`")).collect();
    let more = match missing.len().saturating_sub(named.len()) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    let which = match (missing.len(), built) {
        (1, 1) => named.join(", "),
        (n, total) if n == total => format!("all {total} reviews ({}{more})", named.join(", ")),
        (n, total) => format!("{n} of {total} reviews ({}{more})", named.join(", ")),
    };
    let place = match source {
        BaselineSource::Replaced(out) => format!("no earlier results in {}", out.display()),
        BaselineSource::Given(path) => format!("none in {}", path.display()),
    };
    format!(
        "note: What's new of {which} has nothing to compare with ({place}) and starts from this build; give an earlier build's results with --baseline PATH"
    )
}
