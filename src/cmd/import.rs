//! `revmark import FILE --out reviews/SLUG`: a RevMan 5 review file (.rm5), a CSV analysis
//! export or a RevMan Web data package (zip or extracted folder) becomes a revmark review
//! folder, with IMPORT-REPORT.md listing what was not imported.

use std::path::Path;

use crate::import::{self, Document};
use crate::{EXIT_INVALID, EXIT_OK, EXIT_USAGE};

/// Reads at most one byte more than [`crate::load::MAX_FILE_BYTES`], so that a huge file is
/// refused (by the reader's size check) without being read into memory.
fn read_limited(file: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let cannot = |e: std::io::Error| format!("cannot read {}: {e}", file.display());
    let meta = std::fs::metadata(file).map_err(cannot)?;
    if !meta.is_file() {
        return Err(format!("{} is not a regular file", file.display()));
    }
    let limit = crate::load::MAX_FILE_BYTES;
    if meta.len() > limit {
        return Err(format!(
            "{}: the file is {} bytes; revmark reads files of at most {limit} bytes",
            file.display(),
            meta.len()
        ));
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

/// `revmark import FILE --out DIR`. Refuses to write into a folder that already holds a
/// review.yaml, so an import never overwrites an author's work.
pub fn import(file: &Path, out: &Path) -> i32 {
    let name = file.display().to_string();
    let result: Result<Document, String> = if file.is_dir() {
        import::package::read_dir(file)
    } else {
        let bytes = match read_limited(file) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        };
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
    let imported = match result {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_INVALID;
        }
    };
    if out.join("review.yaml").exists() {
        eprintln!(
            "error: {} already holds a review; import into a new folder",
            out.display()
        );
        return EXIT_INVALID;
    }
    let files = import::review_files(&imported);
    for (rel, text) in &files {
        let path = out.join(rel);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, text));
        if let Err(e) = written {
            eprintln!("error: cannot write {}: {e}", path.display());
            return EXIT_INVALID;
        }
    }
    eprint!("{}", files["IMPORT-REPORT.md"]);
    eprintln!(
        "\nimported {} into {} (the report is in IMPORT-REPORT.md there)",
        file.display(),
        out.display()
    );
    EXIT_OK
}
