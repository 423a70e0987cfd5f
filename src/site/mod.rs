//! The output folder, written whole: every file goes to a temporary folder beside the target,
//! which then replaces the old output in one step. A failed build leaves the old output as it
//! was.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// Relative path -> bytes for the whole output folder.
pub type Files = BTreeMap<PathBuf, Vec<u8>>;

/// Writes `files` as the new content of `out`, replacing what was there only once everything
/// is written.
pub fn write_output(out: &Path, files: &Files) -> io::Result<()> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)?;
    let name = out
        .file_name()
        .ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, "the output folder has no name")
        })?
        .to_string_lossy()
        .into_owned();
    let staging = parent.join(format!(".{name}.new-{}", std::process::id()));
    let result =
        write_tree(&staging, files).and_then(|()| swap_into_place(&staging, out, &parent, &name));
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

fn write_tree(root: &Path, files: &Files) -> io::Result<()> {
    if root.exists() {
        std::fs::remove_dir_all(root)?;
    }
    std::fs::create_dir_all(root)?;
    // Folders first, each once; then the files, on several threads (a library of reviews is
    // thousands of files, and the order files are written in does not change the tree).
    let folders: std::collections::BTreeSet<&Path> = files
        .keys()
        .filter_map(|relative| relative.parent())
        .collect();
    for folder in folders {
        std::fs::create_dir_all(root.join(folder))?;
    }
    let files: Vec<(&PathBuf, &Vec<u8>)> = files.iter().collect();
    for written in crate::parallel::map(&files, |(relative, bytes)| {
        std::fs::write(root.join(relative), bytes)
    }) {
        written?;
    }
    // The new tree must be on disk before it replaces the old one.
    std::fs::File::open(root)?.sync_all()
}

/// Moves the staged tree to `out`. The old output is first renamed aside, so at every moment
/// one complete tree exists: `out`, or (for the instant between the two renames) the old tree
/// beside it, which the next build restores.
fn swap_into_place(staging: &Path, out: &Path, parent: &Path, name: &str) -> io::Result<()> {
    let old = parent.join(format!(".{name}.old"));
    if old.exists() && !out.exists() {
        // An earlier build stopped between its two renames: its old tree is the last good one.
        std::fs::rename(&old, out)?;
    }
    if old.exists() {
        std::fs::remove_dir_all(&old)?;
    }
    if out.exists() {
        std::fs::rename(out, &old)?;
    }
    std::fs::rename(staging, out)?;
    remove_tree(&old);
    Ok(())
}

/// Removes a folder and everything in it, its subfolders on several threads; a folder that
/// cannot be removed is left (the next build removes it).
fn remove_tree(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let children: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    crate::parallel::map(&children, |child| {
        if child.is_dir() && !child.is_symlink() {
            std::fs::remove_dir_all(child)
        } else {
            std::fs::remove_file(child)
        }
    });
    let _ = std::fs::remove_dir_all(dir);
}
