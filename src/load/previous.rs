//! Reads what the previous build of a review left in the output folder.

use std::path::Path;

use crate::model::PreviousBuild;

/// The previous build of review `slug` under the output folder `out`: its results.json and
/// changes.json. None when there is no readable results.json (no earlier build).
pub fn previous_build(out: &Path, slug: &str) -> Option<PreviousBuild> {
    let dir = out.join(slug);
    let results = std::fs::read_to_string(dir.join("results.json")).ok()?;
    let changes = std::fs::read_to_string(dir.join("changes.json")).ok();
    Some(PreviousBuild { results, changes })
}
