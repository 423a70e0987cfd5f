//! The output folder, written whole: every file goes to a staging folder beside the target as
//! soon as it is rendered, and the staging folder then replaces the old output. A failed or killed build leaves the old output as it
//! was, or (killed between the two renames) beside it, where [`recover`] puts it back.
//!
//! Linux has `renameat2(RENAME_EXCHANGE)`, which swaps two folders in one step, but std does
//! not expose it and a `libc` dependency (or hand-written syscalls) for it is not worth it:
//! two renames plus recovery give the same guarantee once the next build (or [`recover`]) has
//! run. Only a reader looking at the instant between the renames sees no output folder.

pub mod marker;
mod owner;

pub use marker::{MARKER, Marker, ReviewRecord};
pub use owner::{check_new_review, check_output};

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// The README every output folder carries, so that a checkout's `output/` explains itself (it
/// is the one file there under version control, and the build writes it like the rest).
pub const OUTPUT_README: &str = include_str!("README.output.md");

/// Where `out` lives and the names of its staging and set-aside folders.
#[derive(Debug)]
struct Places {
    parent: PathBuf,
    name: String,
    old: PathBuf,
}

impl Places {
    fn of(out: &Path) -> io::Result<Places> {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = out
            .file_name()
            .ok_or_else(|| {
                io::Error::new(io::ErrorKind::InvalidInput, "the output folder has no name")
            })?
            .to_string_lossy()
            .into_owned();
        let old = parent.join(format!(".{name}.old"));
        Ok(Places { parent, name, old })
    }

    /// The staging folder of the process `pid`.
    fn staging(&self, pid: u32) -> PathBuf {
        self.parent.join(format!(".{}.new-{pid}", self.name))
    }
}

/// An output folder being built. Files go to a staging folder beside the output as soon as
/// they are rendered ([`Staging::write`], from any thread), so that a build holds one review's
/// files in memory at a time, not the whole site's; [`Staging::finish`] then swaps the staging
/// folder in. Dropped unfinished (a failed build), the staging folder is removed and the output
/// is untouched.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    places: Places,
    /// The staging folder.
    root: PathBuf,
    durable: bool,
    /// Every file written so far: folder (relative to the output folder) -> file names
    /// (relative to that folder).
    written: Mutex<BTreeMap<PathBuf, Vec<String>>>,
    /// What the marker records of each review besides its files, by review folder name.
    records: Mutex<BTreeMap<String, ReviewRecord>>,
    finished: bool,
}

impl Staging {
    /// Starts a new content for `out`: puts back what a killed build set aside, then makes an
    /// empty staging folder beside `out`. With `durable`, [`Staging::finish`] flushes every
    /// file and folder to disk before the swap, so that a power cut after it cannot leave empty
    /// files; the page cache makes that unneeded for a killed process, and flushing thousands
    /// of files is slow, so it is opt-in.
    pub fn begin(out: &Path, durable: bool) -> io::Result<Staging> {
        let places = Places::of(out)?;
        if std::fs::metadata(out).is_ok_and(|m| !m.is_dir()) {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                "the output path exists and is not a folder",
            ));
        }
        if let Some(file) = places.parent.ancestors().find(|a| a.is_file()) {
            return Err(io::Error::new(
                io::ErrorKind::NotADirectory,
                format!("{} is a file, not a folder", file.display()),
            ));
        }
        std::fs::create_dir_all(&places.parent)?;
        recover(out)?;
        let root = places.staging(std::process::id());
        if root.exists() {
            std::fs::remove_dir_all(&root)?;
        }
        std::fs::create_dir_all(&root)?;
        Ok(Staging {
            out: out.to_path_buf(),
            places,
            root,
            durable,
            written: Mutex::new(BTreeMap::new()),
            records: Mutex::new(BTreeMap::new()),
            finished: false,
        })
    }

    /// Writes `files` (relative path, bytes) into the folder `folder` of the new output
    /// (`""` for its root). A file whose bytes equal the same file in the output being replaced
    /// is hard-linked to it instead of written: a rebuild after a small edit then writes only
    /// what changed, unchanged files keep their modification time (what a static-site deploy
    /// compares), and removing the old tree afterwards frees only the changed files. Neither
    /// tree is ever modified in place, so sharing the unchanged files keeps both whole.
    pub fn write(&self, folder: &Path, files: &[(String, Vec<u8>)]) -> io::Result<()> {
        let relatives: Vec<(PathBuf, &Vec<u8>)> =
            files.iter().map(|(n, b)| (folder.join(n), b)).collect();
        // Folders first, each once; then the files, on several threads (a large review is
        // hundreds of files, and the order files are written in does not change the tree).
        let mut dirs = BTreeSet::new();
        for (relative, _) in &relatives {
            if let Some(dir) = self.root.join(relative).parent()
                && dirs.insert(dir.to_path_buf())
            {
                std::fs::create_dir_all(dir)?;
            }
        }
        for written in crate::parallel::map(&relatives, |(relative, bytes)| {
            self.write_file(relative, bytes)
        }) {
            written?;
        }
        self.written
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entry(folder.to_path_buf())
            .or_default()
            .extend(files.iter().map(|(name, _)| name.clone()));
        Ok(())
    }

    /// The files of the review folder `folder`, to be written as they are made: see
    /// [`ReviewFiles`].
    pub fn review_files(&self, folder: &Path) -> ReviewFiles<'_> {
        ReviewFiles {
            staging: self,
            folder: folder.to_path_buf(),
            batch: Mutex::new(Batch::default()),
            error: Mutex::new(None),
        }
    }

    /// Writes the file at `relative` (to the output folder) into the staging folder, or
    /// hard-links the old output's file when its bytes are the same.
    fn write_file(&self, relative: &Path, bytes: &[u8]) -> io::Result<()> {
        let target = self.root.join(relative);
        let old = self.out.join(relative);
        if unchanged(&old, bytes) && std::fs::hard_link(&old, &target).is_ok() {
            return Ok(());
        }
        std::fs::write(target, bytes)
    }

    /// Carries the files `files` of the review folder `folder` over from the output being
    /// replaced, unchanged: each is hard-linked into the new output (copied where it cannot be
    /// linked, or where sharing it is not safe; see [`unchanged`]), so that neither tree is
    /// modified and a failed build leaves the old one whole.
    pub fn carry(&self, folder: &Path, files: &[Carried]) -> io::Result<()> {
        let relatives: Vec<(PathBuf, bool)> = files
            .iter()
            .map(|f| (folder.join(&f.name), f.shareable))
            .collect();
        let mut dirs = BTreeSet::new();
        for (relative, _) in &relatives {
            if let Some(dir) = self.root.join(relative).parent()
                && dirs.insert(dir.to_path_buf())
            {
                std::fs::create_dir_all(dir)?;
            }
        }
        for carried in crate::parallel::map(&relatives, |(relative, shareable)| {
            let (old, target) = (self.out.join(relative), self.root.join(relative));
            if *shareable && std::fs::hard_link(&old, &target).is_ok() {
                return Ok(());
            }
            std::fs::copy(&old, &target).map(|_| ())
        }) {
            carried?;
        }
        self.written
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entry(folder.to_path_buf())
            .or_default()
            .extend(files.iter().map(|f| f.name.clone()));
        Ok(())
    }

    /// Records what the marker keeps of the review in `folder` besides its files.
    pub fn record(&self, folder: &str, record: ReviewRecord) {
        self.records
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(folder.to_string(), record);
    }

    /// Writes the [`Marker`] listing every file written, then moves the staged tree into
    /// place as the output folder (flushing it to disk first when durable). The swap is two
    /// renames, so a killed build leaves the old or the new tree whole.
    pub fn finish(mut self) -> io::Result<()> {
        let marker = self.marker();
        std::fs::write(self.root.join(MARKER), marker.to_json())?;
        if self.durable {
            self.sync()?;
        }
        swap_into_place(&self.root, &self.out, &self.places, self.durable)?;
        self.finished = true;
        Ok(())
    }

    /// The marker of what was written: the root's files, and each other folder as a review.
    fn marker(&self) -> Marker {
        let written = self
            .written
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut marker = Marker::new();
        for (folder, files) in written.iter() {
            let mut files = files.clone();
            files.sort();
            if folder.as_os_str().is_empty() {
                marker.files.extend(files);
            } else {
                let review = folder.to_string_lossy().replace('\\', "/");
                marker
                    .reviews
                    .entry(review)
                    .or_default()
                    .files
                    .extend(files);
            }
        }
        marker.files.sort();
        let records = self
            .records
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for (folder, record) in records.iter() {
            if let Some(review) = marker.reviews.get_mut(folder) {
                review.inputs = Some(record.inputs.clone());
                review.entry = Some(record.entry.clone());
                review.warnings.clone_from(&record.warnings);
                review.built_warnings.clone_from(&record.built_warnings);
            }
        }
        marker
    }

    /// Flushes every file and folder of the staged tree to disk. Each file's bytes must be on
    /// disk before the tree that holds it replaces the old one, or a power cut after the rename
    /// could leave empty files in place of good ones. Synced after every file is written, so
    /// that the disk writes the first files while the last are made.
    fn sync(&self) -> io::Result<()> {
        let written: Vec<PathBuf> = self
            .written
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .flat_map(|(folder, files)| files.iter().map(|f| folder.join(f)))
            .chain([PathBuf::from(MARKER)])
            .collect();
        for synced in crate::parallel::map(&written, |relative| {
            std::fs::File::open(self.root.join(relative))?.sync_all()
        }) {
            synced?;
        }
        let mut dirs = BTreeSet::new();
        dirs.insert(self.root.clone());
        for relative in &written {
            dirs.extend(relative.ancestors().skip(1).map(|a| self.root.join(a)));
        }
        // Deepest first, so that each folder's entries are durable before its parent's.
        for dir in dirs.iter().rev() {
            sync_dir(dir)?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_dir_all(&self.root);
        }
    }
}

/// Repairs what a build killed part-way left behind: puts the set-aside old output back if
/// the new one never arrived, and removes staging folders of processes that no longer run.
/// Safe to call at any time; `revmark build` calls it before anything else.
pub fn recover(out: &Path) -> io::Result<()> {
    let places = Places::of(out)?;
    let out_present = std::fs::symlink_metadata(out).is_ok();
    if places.old.is_dir() && !out_present {
        // An earlier build stopped between its two renames: its old tree is the last good one.
        std::fs::rename(&places.old, out)?;
        sync_dir(&places.parent)?;
    }
    let Ok(entries) = std::fs::read_dir(&places.parent) else {
        return Ok(());
    };
    let prefix = format!(".{}.new-", places.name);
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        // A staging folder whose process is gone is debris; a live one belongs to a build
        // running now. (/proc exists on Linux; elsewhere nothing is removed.)
        let proc_root = Path::new("/proc");
        if pid != std::process::id()
            && proc_root.is_dir()
            && !proc_root.join(pid.to_string()).exists()
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    Ok(())
}

/// Whether `path` is a regular file holding exactly `bytes` (the size is compared first, so a
/// changed file is rarely read) that the new tree may share (see [`shareable`]).
fn unchanged(path: &Path, bytes: &[u8]) -> bool {
    std::fs::symlink_metadata(path)
        .is_ok_and(|m| m.len() == bytes.len() as u64 && shareable_file(&m))
        && std::fs::read(path).is_ok_and(|old| old == bytes)
}

/// A review's files on their way into the staging folder, as the review's rendering makes
/// them: gathered into a batch, which is written with [`Staging::write`] (on every thread)
/// once it holds [`ReviewFiles::BATCH`] bytes, and at [`ReviewFiles::finish`]. A large
/// review's figures and exports then leave memory while its pages render, and a small
/// review's files are still written side by side.
#[derive(Debug)]
pub struct ReviewFiles<'a> {
    staging: &'a Staging,
    folder: PathBuf,
    batch: Mutex<Batch>,
    /// The first write that failed; later batches are not written.
    error: Mutex<Option<io::Error>>,
}

/// Files gathered and not yet written, and their bytes.
#[derive(Debug, Default)]
struct Batch {
    files: Vec<(String, Vec<u8>)>,
    bytes: usize,
}

impl ReviewFiles<'_> {
    /// A batch is written once it holds this many bytes.
    pub const BATCH: usize = 4 << 20;

    /// Adds a file (its path relative to the review's folder, and its bytes).
    pub fn put(&self, name: String, bytes: Vec<u8>) {
        let full = {
            let mut batch = self.batch.lock().unwrap_or_else(PoisonError::into_inner);
            batch.bytes += bytes.len();
            batch.files.push((name, bytes));
            (batch.bytes >= Self::BATCH).then(|| std::mem::take(&mut *batch))
        };
        if let Some(batch) = full {
            self.write(&batch);
        }
    }

    /// Writes what is left; the first error of any write.
    pub fn finish(self) -> io::Result<()> {
        let batch = std::mem::take(&mut *self.batch.lock().unwrap_or_else(PoisonError::into_inner));
        self.write(&batch);
        match self
            .error
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
        {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Writes `batch` unless an earlier write failed, keeping the first error. No lock is
    /// held while writing: the write runs on the pool's threads, which may meanwhile run
    /// another part of the same review that adds a file.
    fn write(&self, batch: &Batch) {
        let failed = self
            .error
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some();
        if failed || batch.files.is_empty() {
            return;
        }
        let written = crate::timings::time(crate::timings::Stage::Write, || {
            self.staging.write(&self.folder, &batch.files)
        });
        if let Err(e) = written {
            self.error
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get_or_insert(e);
        }
    }
}

/// A file of the output being replaced that a build carries over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Carried {
    /// Its path relative to its review's folder.
    pub name: String,
    /// Whether the new output may share it by a hard link (else it is copied).
    pub shareable: bool,
}

/// The files `names` of the folder `dir` of the output being replaced, when each is still a
/// regular file there (else `None`: what was written is gone, so it is built again).
pub fn carriable(dir: &Path, names: &[String]) -> Option<Vec<Carried>> {
    names
        .iter()
        .map(|name| {
            let meta = std::fs::symlink_metadata(dir.join(name)).ok()?;
            meta.is_file().then(|| Carried {
                name: name.clone(),
                shareable: shareable_file(&meta),
            })
        })
        .collect()
}

/// Whether a file of these metadata may be shared by a hard link. A file with other links, or
/// one that anyone may write, could be changed later through a path outside our control; such
/// a file is written afresh instead. (Group-writable files are shared: a umask of 002 makes
/// every file so.)
fn shareable_file(m: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    m.is_file() && m.nlink() == 1 && m.mode() & 0o002 == 0
}

/// The marker of the output folder `out`, when it has one revmark wrote.
pub fn previous_marker(out: &Path) -> Option<Marker> {
    let text = std::fs::read_to_string(out.join(MARKER)).ok()?;
    Marker::parse(&text)
}

/// Makes a folder's entries (new names, renames) durable.
fn sync_dir(dir: &Path) -> io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

/// Moves the staged tree to `out`. The old output is first renamed aside, so at every moment
/// one complete tree exists: `out`, or (for the instant between the two renames) the old tree
/// beside it, which [`recover`] restores.
fn swap_into_place(staging: &Path, out: &Path, places: &Places, durable: bool) -> io::Result<()> {
    if places.old.exists() {
        // `out` exists (recover ran), so this is debris of a finished build.
        std::fs::remove_dir_all(&places.old)?;
    }
    if out.exists() {
        std::fs::rename(out, &places.old)?;
    }
    std::fs::rename(staging, out)?;
    if durable {
        sync_dir(&places.parent)?;
    }
    remove_tree(&places.old);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn files(pairs: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
        pairs
            .iter()
            .map(|(n, b)| (n.to_string(), b.as_bytes().to_vec()))
            .collect()
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("revmark-site-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    // A review's files are held until they make a batch, then written together; what is left
    // is written at the end, and the marker lists every file.
    #[test]
    fn a_reviews_files_are_written_a_batch_at_a_time() {
        let dir = scratch("batches");
        let out = dir.join("out");
        let staging = Staging::begin(&out, false).unwrap();
        let files = staging.review_files(Path::new("r"));
        files.put("small.md".into(), b"one".to_vec());
        assert!(
            !staging.root.join("r/small.md").exists(),
            "held in the batch"
        );
        files.put("figures/big.svg".into(), vec![b'x'; ReviewFiles::BATCH]);
        assert!(
            staging.root.join("r/figures/big.svg").is_file(),
            "a full batch is written"
        );
        assert!(
            staging.root.join("r/small.md").is_file(),
            "with what it held"
        );
        files.put("last.md".into(), b"two".to_vec());
        assert!(!staging.root.join("r/last.md").exists(), "a new batch");
        files.finish().unwrap();
        assert!(
            staging.root.join("r/last.md").is_file(),
            "the rest at the end"
        );
        staging.finish().unwrap();
        let marker = std::fs::read_to_string(out.join(marker::MARKER)).unwrap();
        for name in ["small.md", "figures/big.svg", "last.md"] {
            assert!(marker.contains(name), "{marker}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    // Files written before the swap are in the staging folder, not in the output; a build
    // dropped unfinished leaves the old output as it was and no staging folder.
    #[test]
    fn files_are_staged_as_written_and_swapped_in_whole() {
        let dir = scratch("staging");
        let out = dir.join("out");
        let first = Staging::begin(&out, false).unwrap();
        first
            .write(
                Path::new("a"),
                &files(&[("x.md", "one"), ("f/y.svg", "two")]),
            )
            .unwrap();
        assert!(first.root.join("a/f/y.svg").is_file(), "written at once");
        assert!(!out.exists(), "the output appears only at the swap");
        first.finish().unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("a/f/y.svg")).unwrap(),
            "two"
        );

        let failed = Staging::begin(&out, true).unwrap();
        failed
            .write(Path::new("a"), &files(&[("x.md", "changed")]))
            .unwrap();
        let staged = failed.root.clone();
        drop(failed);
        assert!(!staged.exists(), "the staging folder is removed");
        assert_eq!(std::fs::read_to_string(out.join("a/x.md")).unwrap(), "one");

        let second = Staging::begin(&out, true).unwrap();
        second
            .write(Path::new("a"), &files(&[("x.md", "one"), ("z.md", "new")]))
            .unwrap();
        second.finish().unwrap();
        assert!(
            !out.join("a/f/y.svg").exists(),
            "the new tree replaces the old"
        );
        assert_eq!(std::fs::read_to_string(out.join("a/z.md")).unwrap(), "new");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
