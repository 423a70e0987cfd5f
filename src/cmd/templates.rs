//! `revmark templates --eject DIR`: writes the built-in templates (block-structured, so that an
//! override can extend them) out for editing.

use std::path::{Path, PathBuf};

use crate::Error;
use crate::error::Hint;
use crate::report::BUILTIN;

/// Writes every built-in template as `DIR/NAME.tera`, refusing to overwrite an existing file.
pub fn eject_templates(dir: &Path) -> Result<(), Error> {
    let existing: Vec<PathBuf> = BUILTIN
        .iter()
        .map(|(name, _)| dir.join(format!("{name}.tera")))
        .filter(|p| p.exists())
        .collect();
    if !existing.is_empty() {
        return Err(Error::WouldOverwrite {
            paths: existing,
            hint: Hint::KeepEdits,
        });
    }
    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    for (name, template) in BUILTIN {
        let path = dir.join(format!("{name}.tera"));
        std::fs::write(&path, template).map_err(|source| Error::Write { path, source })?;
    }
    eprintln!(
        "wrote {} templates to {}; keep the ones you change in the site's templates folder (`templates/`, or `--templates DIR`) or a review's templates/ folder, and delete the others (they would hide later versions of the built-in ones); to change one section, extend the built-in template instead: {{% extends \"builtin/review.md\" %}}",
        BUILTIN.len(),
        dir.display()
    );
    Ok(())
}
