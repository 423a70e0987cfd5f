//! Which folders revmark may replace with its output: output folders are revmark's alone.
//!
//! A build replaces its output folder whole, so before anything is written revmark makes sure
//! that nothing but its own output would be lost. It refuses an output folder that is, contains
//! or lies inside a review source or the folder it runs in (never overridden), and an existing
//! folder holding files it did not write (`--force` overrides this, still never deleting a
//! review source or a version-control folder). It replaces a folder that does not exist, is
//! empty, holds only files its [`Marker`] lists, or holds only the output README (a fresh
//! clone's `output/`, where that README is the one tracked file).

use std::path::{Component, Path, PathBuf};

use super::OUTPUT_README;
use super::marker::{MARKER, Marker};
use crate::Error;
use crate::error::{Overlap, SourceKind};

/// At most this many files revmark did not write are named in the refusal.
const NAMED: usize = 5;

/// Names that mark a source wherever they appear in a folder: a review (the folder holding
/// review.yaml), or a project's version-control folder. A folder holding one is never
/// replaced, `--force` or not.
const SOURCE_NAMES: [(&str, SourceKind); 2] = [
    ("review.yaml", SourceKind::Review),
    (".git", SourceKind::VersionControl),
];

/// Checks that revmark may replace `out` with a build of `sources` (the review folders and
/// the folders of reviews named on the command line); reads only, writes nothing.
pub fn check_output(out: &Path, sources: &[PathBuf], force: bool) -> Result<(), Error> {
    let meta = std::fs::symlink_metadata(out).ok();
    if meta.as_ref().is_some_and(|m| m.file_type().is_symlink()) {
        return Err(Error::OutputIsSymlink {
            out: out.to_path_buf(),
        });
    }
    let overlap = |relation, source: &Path, kind| Error::OutputOverlapsSource {
        out: out.to_path_buf(),
        relation,
        source: source.to_path_buf(),
        kind,
    };
    let resolved = resolve(out);
    if let Ok(cwd) = std::env::current_dir().and_then(|d| d.canonicalize()) {
        if resolved == cwd {
            return Err(overlap(Overlap::Is, Path::new("."), SourceKind::Project));
        }
        if cwd.starts_with(&resolved) {
            return Err(overlap(Overlap::Contains, &cwd, SourceKind::Project));
        }
    }
    // The closest overlap is named: the review folder the output is, before the folder of
    // reviews it lies in.
    let closest = sources
        .iter()
        .filter_map(|source| {
            let canonical = source.canonicalize().ok()?;
            let relation = if resolved == canonical {
                Overlap::Is
            } else if canonical.starts_with(&resolved) {
                Overlap::Contains
            } else if resolved.starts_with(&canonical) {
                Overlap::Inside
            } else {
                return None;
            };
            Some((relation, source))
        })
        .min_by_key(|(relation, _)| *relation as u8);
    if let Some((relation, source)) = closest {
        return Err(overlap(relation, source, SourceKind::Review));
    }
    if !meta.is_some_and(|m| m.is_dir()) {
        // Missing (made by the build) or a file (refused by the build with its own message).
        return Ok(());
    }
    let marker = std::fs::read_to_string(out.join(MARKER))
        .ok()
        .and_then(|text| Marker::parse(&text));
    let mut foreign = Vec::new();
    let mut found_source = None;
    walk(out, Path::new(""), &mut |relative, is_file| {
        let name = relative.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if let Some((_, kind)) = SOURCE_NAMES.iter().find(|(n, _)| *n == name) {
            let source = match kind {
                SourceKind::Review => relative.parent().unwrap_or(relative),
                _ => relative,
            };
            found_source.get_or_insert((source.to_path_buf(), *kind));
        }
        if is_file && !ours(out, relative, marker.as_ref()) {
            foreign.push(relative.to_path_buf());
        }
    });
    if let Some((relative, kind)) = found_source {
        return Err(overlap(Overlap::Contains, &out.join(relative), kind));
    }
    if foreign.is_empty() || force {
        return Ok(());
    }
    let more = foreign.len().saturating_sub(NAMED);
    foreign.truncate(NAMED);
    Err(Error::OutputNotOurs {
        out: out.to_path_buf(),
        unmarked: marker.is_none(),
        foreign,
        more,
    })
}

/// Checks that `revmark import` may create the review folder `out`: it must not exist or be
/// empty, and may not lie inside another review folder or be the folder revmark runs in.
pub fn check_new_review(out: &Path) -> Result<(), Error> {
    let resolved = resolve(out);
    if let Ok(cwd) = std::env::current_dir().and_then(|d| d.canonicalize())
        && cwd.starts_with(&resolved)
    {
        let relation = if cwd == resolved {
            Overlap::Is
        } else {
            Overlap::Contains
        };
        return Err(Error::OutputOverlapsSource {
            out: out.to_path_buf(),
            relation,
            source: cwd,
            kind: SourceKind::Project,
        });
    }
    if let Some(review) = resolved
        .ancestors()
        .skip(1)
        .find(|a| a.join("review.yaml").is_file())
    {
        return Err(Error::OutputOverlapsSource {
            out: out.to_path_buf(),
            relation: Overlap::Inside,
            source: review.to_path_buf(),
            kind: SourceKind::Review,
        });
    }
    let occupied = std::fs::symlink_metadata(out).is_ok()
        && std::fs::read_dir(out).map_or(true, |mut entries| entries.next().is_some());
    if occupied {
        return Err(Error::WouldOverwrite {
            paths: vec![out.to_path_buf()],
            hint: crate::error::Hint::NewFolder,
        });
    }
    Ok(())
}

/// Whether the file `relative` in `out` is revmark's: listed by the marker, or, in a folder
/// without one, the output README with exactly the bytes revmark writes.
fn ours(out: &Path, relative: &Path, marker: Option<&Marker>) -> bool {
    let Some(text) = relative.to_str() else {
        return false;
    };
    match marker {
        Some(marker) => marker.lists(text),
        None => {
            text == "README.md"
                && std::fs::read(out.join(relative)).is_ok_and(|b| b == OUTPUT_README.as_bytes())
        }
    }
}

/// Calls `visit(relative path, is not a folder)` for every entry under `dir`, without following
/// symbolic links (a link is reported as a file: it is not revmark's).
fn walk(root: &Path, relative: &Path, visit: &mut dyn FnMut(&Path, bool)) {
    let Ok(entries) = std::fs::read_dir(root.join(relative)) else {
        return;
    };
    let mut names: Vec<_> = entries.filter_map(Result::ok).collect();
    // Sorted, so that the files named in a refusal are the same on every run.
    names.sort_by_key(std::fs::DirEntry::file_name);
    for entry in names {
        let path = relative.join(entry.file_name());
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        visit(&path, !is_dir);
        if is_dir {
            walk(root, &path, visit);
        }
    }
}

/// `path` made absolute with every symbolic link in its existing part resolved, and `.` and
/// `..` applied; the part that does not exist yet is taken as written.
fn resolve(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut resolved = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => resolved.push(component),
            Component::CurDir => {}
            Component::ParentDir => {
                resolved.pop();
            }
            Component::Normal(name) => {
                resolved.push(name);
                if let Ok(canonical) = resolved.canonicalize() {
                    resolved = canonical;
                }
            }
        }
    }
    resolved
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_dots_and_missing_parts() {
        let cwd = std::env::current_dir().unwrap().canonicalize().unwrap();
        assert_eq!(resolve(Path::new(".")), cwd);
        assert_eq!(resolve(Path::new("no-such/../src")), cwd.join("src"));
        assert_eq!(
            resolve(Path::new("no-such/deeper")),
            cwd.join("no-such/deeper")
        );
    }
}
