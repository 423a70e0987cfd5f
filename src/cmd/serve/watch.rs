//! Watching the review folders: a poll of every file's modification time and size, which
//! calls back when anything changed.
//!
//! Polls instead of using the system's file events (the notify crate): mdBook also polls; it
//! needs no dependency, works alike on every platform and on network and container mounts, and
//! a 300 ms poll of a few hundred files costs nothing an author notices.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How often the review folders are checked for changes.
const POLL: Duration = Duration::from_millis(300);

/// How long after a change the folders are checked again, until two checks agree: an editor
/// (or a script) that truncates a file and then writes it can be seen in between, and a build
/// of the half-written file would show the author an error they did not make.
const SETTLE: Duration = Duration::from_millis(100);

/// What the watched files were at one moment: path, modification time and size of each.
pub(super) struct Snapshot(Vec<(PathBuf, Option<SystemTime>, u64)>);

/// The files under `paths` as they are now. Taken before the first build: a change made while
/// it runs, or before the watching thread starts, is then seen as a change.
pub(super) fn snapshot(paths: &[PathBuf]) -> Snapshot {
    Snapshot(fingerprint(paths))
}

/// Starts a thread that calls `changed` each time a file under `paths` is added, removed or
/// modified since `since` (one call for the changes of one poll), once the files have settled.
pub(super) fn watch(
    paths: Vec<PathBuf>,
    since: Snapshot,
    mut changed: impl FnMut() + Send + 'static,
) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("revmark-watch".into())
        .spawn(move || {
            let mut seen = since.0;
            loop {
                std::thread::sleep(POLL);
                let mut now = fingerprint(&paths);
                if now == seen {
                    continue;
                }
                loop {
                    std::thread::sleep(SETTLE);
                    let again = fingerprint(&paths);
                    if again == now {
                        break;
                    }
                    now = again;
                }
                seen = now;
                changed();
            }
        })
        .map(drop)
}

/// Path, modification time and size of every file under the watched folders, sorted.
fn fingerprint(paths: &[PathBuf]) -> Vec<(PathBuf, Option<SystemTime>, u64)> {
    fn walk(dir: &Path, depth: usize, out: &mut Vec<(PathBuf, Option<SystemTime>, u64)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                // Symlink loops and deep trees are cut off.
                if depth < 16 {
                    walk(&path, depth + 1, out);
                }
            } else {
                out.push((path, meta.modified().ok(), meta.len()));
            }
        }
    }
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, 0, &mut out);
        } else if let Ok(meta) = std::fs::metadata(p) {
            out.push((p.clone(), meta.modified().ok(), meta.len()));
        }
    }
    out.sort();
    out
}
