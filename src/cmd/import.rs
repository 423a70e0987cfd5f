//! `revmark import FILE --out reviews/SLUG`: a RevMan 5 review file (.rm5) or CSV analysis
//! export becomes a revmark review folder, with IMPORT-REPORT.md listing what was not
//! imported.

use std::path::Path;

use crate::import::{self, Imported};
use crate::{EXIT_INVALID, EXIT_OK, EXIT_USAGE};

/// `revmark import FILE --out DIR`. Refuses to write into a folder that already holds a
/// review.yaml, so an import never overwrites an author's work.
pub fn import(file: &Path, out: &Path) -> i32 {
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", file.display());
            return EXIT_USAGE;
        }
    };
    let name = file.display().to_string();
    let is_csv = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let result: Result<Imported, String> = if is_csv {
        import::revman_csv::read(&bytes, &name)
    } else {
        import::rm5::read(&bytes, &name)
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
