//! Parsed YAML files kept between builds, for `serve`: a file whose text did not change since
//! the last build is not parsed again. Parsing is most of loading a large review, and an edit
//! usually touches one file.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use super::raw::Read;
use crate::diagnostic::SourceFile;

/// The last successful parse of each file, with the text it was parsed from.
#[derive(Default)]
pub struct ParseCache {
    files: Mutex<HashMap<(PathBuf, TypeId), Parsed>>,
    parses: AtomicUsize,
}

struct Parsed {
    text: String,
    value: Arc<dyn Any + Send + Sync>,
}

impl std::fmt::Debug for ParseCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let files = self.files.lock().map_or(0, |files| files.len());
        write!(f, "ParseCache({files} files)")
    }
}

impl ParseCache {
    /// A new, empty cache.
    pub fn new() -> ParseCache {
        ParseCache::default()
    }

    /// `parse(source)`, or a copy of its earlier result when the file's text is the same
    /// (compared whole, not by a hash). Only readings without problems are kept: a file with
    /// errors or warnings is parsed again, so its messages are always fresh.
    pub(crate) fn get_or_parse<T>(
        &self,
        source: &SourceFile,
        parse: impl FnOnce(&SourceFile) -> Read<T>,
    ) -> Read<T>
    where
        T: Clone + Send + Sync + 'static,
    {
        let key = (source.path.clone(), TypeId::of::<T>());
        let kept = self
            .lock()
            .get(&key)
            .and_then(|parsed| (parsed.text == source.text).then(|| Arc::clone(&parsed.value)));
        if let Some(value) = kept.as_ref().and_then(|v| v.downcast_ref::<T>()) {
            return (Some(value.clone()), Vec::new());
        }
        // Parsed outside the lock: the review's files parse on several threads.
        self.parses.fetch_add(1, Ordering::Relaxed);
        let (value, problems) = parse(source);
        if let (Some(value), true) = (&value, problems.is_empty()) {
            self.lock().insert(
                key,
                Parsed {
                    text: source.text.clone(),
                    value: Arc::new(value.clone()),
                },
            );
        }
        (value, problems)
    }

    /// How many times a file was parsed rather than taken from the cache.
    pub fn parses(&self) -> usize {
        self.parses.load(Ordering::Relaxed)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(PathBuf, TypeId), Parsed>> {
        // Each insert is whole, so a panic elsewhere leaves the map usable.
        self.files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
