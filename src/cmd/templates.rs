//! `revmark templates --eject DIR`: writes the built-in templates out for editing.

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
        "wrote {} templates to {}; copy the ones you change into a review's templates/ folder",
        BUILTIN.len(),
        dir.display()
    );
    Ok(())
}
