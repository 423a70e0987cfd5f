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
    for (relative, bytes) in files {
        let path = root.join(relative);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&path, bytes)?;
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
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}
