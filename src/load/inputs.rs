//! What a review's build reads, as a fingerprint: every file of the review folder, so that a
//! build can tell that a review is unchanged since the output it replaces without parsing it.
//!
//! Every file of the folder rather than only those the last build read: a file the review
//! names later (a new data file, a template) is then covered without knowing the names in
//! advance. The walk starts at the folder's real path and follows no symbolic link, so each
//! file the loader may read (it reads only files whose real path lies inside the folder) is
//! hashed exactly once, with its path; a link is hashed as the path it holds.

use std::io;
use std::path::Path;

use crate::fingerprint::Fingerprinter;

/// Adds every file under the review folder `dir` to `out`: each relative path with its kind
/// and its bytes, in sorted order.
pub fn fingerprint_review_folder(dir: &Path, out: &mut Fingerprinter) -> io::Result<()> {
    let root = dir.canonicalize()?;
    walk(&root, "", out)
}

fn walk(dir: &Path, relative: &str, out: &mut Fingerprinter) -> io::Result<()> {
    let mut entries: Vec<(String, std::fs::FileType)> = std::fs::read_dir(dir)?
        .map(|entry| {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            Ok((name, entry.file_type()?))
        })
        .collect::<io::Result<_>>()?;
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, kind) in entries {
        let path = dir.join(&name);
        let relative = if relative.is_empty() {
            name
        } else {
            format!("{relative}/{name}")
        };
        out.field(relative.as_bytes());
        if kind.is_symlink() {
            out.field(b"link");
            out.field(std::fs::read_link(&path)?.as_os_str().as_encoded_bytes());
        } else if kind.is_dir() {
            out.field(b"folder");
            walk(&path, &relative, out)?;
        } else if kind.is_file() {
            out.field(b"file");
            out.field(&std::fs::read(&path)?);
        } else {
            // A pipe or device: the loader refuses it; its name is enough.
            out.field(b"other");
        }
    }
    out.field(b"end");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fingerprint(dir: &Path) -> crate::fingerprint::Fingerprint {
        let mut out = Fingerprinter::new();
        fingerprint_review_folder(dir, &mut out).unwrap();
        out.finish()
    }

    // Any change of a file's bytes, a new file, a renamed file or a file moved between
    // folders changes the fingerprint; rewriting the same bytes does not.
    #[test]
    fn changes_with_any_file_of_the_folder() {
        let dir = std::env::temp_dir().join(format!("revmark-inputs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("data")).unwrap();
        std::fs::write(dir.join("review.yaml"), "title: x\n").unwrap();
        std::fs::write(dir.join("data/a.csv"), "study\n").unwrap();
        let first = fingerprint(&dir);
        std::fs::write(dir.join("data/a.csv"), "study\n").unwrap();
        assert_eq!(fingerprint(&dir), first, "same bytes, same fingerprint");
        std::fs::write(dir.join("data/a.csv"), "study \n").unwrap();
        let edited = fingerprint(&dir);
        assert_ne!(edited, first);
        std::fs::rename(dir.join("data/a.csv"), dir.join("data/b.csv")).unwrap();
        let renamed = fingerprint(&dir);
        assert_ne!(renamed, edited);
        std::fs::create_dir_all(dir.join("data/b.csv.d")).unwrap();
        assert_ne!(fingerprint(&dir), renamed, "an empty folder counts");
        std::fs::remove_dir_all(dir.join("data/b.csv.d")).unwrap();
        std::fs::rename(dir.join("data/b.csv"), dir.join("b.csv")).unwrap();
        assert_ne!(fingerprint(&dir), renamed);
        std::os::unix::fs::symlink("b.csv", dir.join("c.csv")).unwrap();
        assert_ne!(fingerprint(&dir), renamed);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
