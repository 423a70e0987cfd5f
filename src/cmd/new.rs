//! `revmark new SLUG`: scaffolds a review folder whose files show every field of the format,
//! commented, and which builds clean at once.

use std::path::Path;

use crate::load::is_slug;
use crate::{EXIT_INVALID, EXIT_OK, EXIT_USAGE};

/// The scaffold's files: path inside the review folder and text (`@TITLE@` is replaced).
const FILES: &[(&str, &str)] = &[
    ("review.yaml", include_str!("new/review.yaml")),
    ("studies.yaml", include_str!("new/studies.yaml")),
    ("analyses.yaml", include_str!("new/analyses.yaml")),
    ("references.bib", include_str!("new/references.bib")),
    (
        "data/example-outcome.csv",
        include_str!("new/example-outcome.csv"),
    ),
];

/// `revmark new SLUG --dir DIR`: writes `DIR/SLUG/` with an example review. Refuses to touch
/// an existing folder.
pub fn new(slug: &str, dir: &Path) -> i32 {
    if !is_slug(slug) {
        eprintln!(
            "error: `{slug}` is not a review id: use lower-case letters, digits and `-` (for example `vitamin-d-asthma`)"
        );
        return EXIT_USAGE;
    }
    let target = dir.join(slug);
    if target.exists() {
        eprintln!(
            "error: {} already exists; choose another id or remove it",
            target.display()
        );
        return EXIT_INVALID;
    }
    let title = format!("Title of the review {slug}");
    for (name, text) in FILES {
        let path = target.join(name);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, text.replace("@TITLE@", &title)));
        if let Err(e) = written {
            eprintln!("error: cannot write {}: {e}", path.display());
            return EXIT_INVALID;
        }
    }
    eprintln!(
        "created {}: edit its files, then run `revmark build {}`",
        target.display(),
        target.display()
    );
    EXIT_OK
}
