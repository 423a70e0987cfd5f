//! `revmark import FILE --out reviews/SLUG`: a RevMan 5 review file (.rm5) or CSV analysis
//! export becomes a revmark review folder, with IMPORT-REPORT.md listing what was not
//! imported.

use std::path::Path;

use crate::Error;
use crate::import::{self, Imported};

/// `revmark import FILE --out DIR`. Refuses, before reading FILE, a folder that exists and is
/// not empty or lies inside a review, so an import never overwrites an author's work.
pub fn import(file: &Path, out: &Path) -> Result<(), Error> {
    crate::site::check_new_review(out)?;
    let bytes = std::fs::read(file).map_err(|source| Error::Read {
        path: file.to_path_buf(),
        source,
    })?;
    let name = file.display().to_string();
    let is_csv = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let result: Result<Imported, String> = if is_csv {
        import::revman_csv::read(&bytes, &name)
    } else {
        import::rm5::read(&bytes, &name)
    };
    let imported = result.map_err(|message| Error::Import { message })?;
    let files = import::review_files(&imported);
    for (rel, text) in &files {
        let path = out.join(rel);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, text));
        written.map_err(|source| Error::Write { path, source })?;
    }
    eprint!("{}", files["IMPORT-REPORT.md"]);
    eprintln!(
        "\nimported {} into {} (the report is in IMPORT-REPORT.md there)",
        file.display(),
        out.display()
    );
    Ok(())
}
