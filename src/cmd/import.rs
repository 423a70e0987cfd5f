//! `revmark import FILE --out reviews/SLUG`: a RevMan 5 review file (.rm5), a CSV analysis
//! export or a RevMan Web data package (zip or extracted folder) becomes a revmark review
//! folder, with IMPORT-REPORT.md listing what was not imported.

use std::path::Path;

use crate::Error;
use crate::import::{self, Document};

/// Reads at most one byte more than [`crate::load::MAX_FILE_BYTES`], so that a huge file is
/// refused (by the reader's size check) without being read into memory.
fn read_limited(file: &Path) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let cannot = |source| Error::Read {
        path: file.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(file).map_err(cannot)?;
    if !meta.is_file() {
        return Err(Error::Import {
            message: format!("{} is not a regular file", file.display()),
        });
    }
    let limit = crate::load::MAX_FILE_BYTES;
    if meta.len() > limit {
        return Err(Error::Import {
            message: format!(
                "{}: the file is {} bytes; revmark reads files of at most {limit} bytes",
                file.display(),
                meta.len()
            ),
        });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(file)
        .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
        .map_err(cannot)?;
    Ok(bytes)
}

/// Whether a CSV file is one of a RevMan Web data package's analysis files (its first column
/// is "Analysis group").
fn is_package_file(bytes: &[u8]) -> bool {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    text.starts_with(b"Analysis group,")
}

/// `revmark import FILE --out DIR`. Refuses, before reading FILE, a folder that exists and is
/// not empty or lies inside a review, so an import never overwrites an author's work.
pub fn import(file: &Path, out: &Path) -> Result<(), Error> {
    crate::site::check_new_review(out)?;
    let name = file.display().to_string();
    let result: Result<Document, String> = if file.is_dir() {
        import::package::read_dir(file)
    } else {
        let bytes = read_limited(file)?;
        let extension = file
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match extension.as_deref() {
            Some("zip") => import::package::read_zip(&bytes, &name),
            // A file of an extracted RevMan Web data package (data-rows.csv) stands for the
            // package it lies in: `<package>/<CD>-analysis-data/<CD>-data-rows.csv`.
            Some("csv") if is_package_file(&bytes) => match file.parent().and_then(Path::parent) {
                Some(package) => import::package::read_dir(package),
                None => Err(format!(
                    "{name}: a RevMan Web data package file outside its package"
                )),
            },
            Some("csv") => import::revman_csv::read(&bytes, &name),
            _ => import::rm5::read(&bytes, &name),
        }
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
