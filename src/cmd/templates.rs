//! `revmark templates --eject DIR`: writes the built-in templates (block-structured, so that an
//! override can extend them) out for editing.

use std::path::Path;

use crate::report::BUILTIN;
use crate::{EXIT_INVALID, EXIT_OK};

/// Writes every built-in template as `DIR/NAME.tera`, refusing to overwrite an existing file.
pub fn eject_templates(dir: &Path) -> i32 {
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("error: cannot create {}: {e}", dir.display());
        return EXIT_INVALID;
    }
    let existing: Vec<String> = BUILTIN
        .iter()
        .map(|(name, _)| dir.join(format!("{name}.tera")))
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if !existing.is_empty() {
        eprintln!("error: not overwriting {}", existing.join(", "));
        return EXIT_INVALID;
    }
    for (name, source) in BUILTIN {
        let path = dir.join(format!("{name}.tera"));
        if let Err(e) = std::fs::write(&path, source) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return EXIT_INVALID;
        }
    }
    eprintln!(
        "wrote {} templates to {}; keep the ones you change in the site's templates folder (`templates/`, or `--templates DIR`) or a review's templates/ folder, and delete the others (they would hide later versions of the built-in ones); to change one section, extend the built-in template instead: {{% extends \"builtin/review.md\" %}}",
        BUILTIN.len(),
        dir.display()
    );
    EXIT_OK
}
