//! `revmark serve [PATH...] [--port N] [--out DIR]`: builds, serves the output folder on
//! 127.0.0.1 with a small HTTP/1.1 GET server, watches the review folders and rebuilds when a
//! file changes, and reloads open pages.
//!
//! Each build runs in this process, as `revmark build` would, with its messages collected: they
//! reach the terminal and, when the build fails, an error overlay in the page. The server keeps
//! a [`BuildCache`] between builds, so that an edit re-parses only the YAML files it changed
//! and redraws only the figures of the outcomes it changed (the text, which speaks of every
//! outcome, is rendered again whole), and the write hard-links every unchanged file. A panic
//! in a build is caught and shown like an error. A failed build leaves the last good output in
//! place (build writes it whole), so that output stays served. Pages learn of a new build by
//! polling `/__revmark/version`; the script that does so is added to HTML responses only,
//! never to the built files.
//!
//! `http` answers the requests, `watch` polls the review folders.

mod http;
mod watch;

use std::io::Write;
use std::net::TcpListener;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::{BuildCache, BuildOptions};
use crate::Error;

/// What the pages see of the builds.
#[derive(Debug, Default)]
pub(super) struct State {
    /// Increases with every build, good or failed.
    version: u64,
    /// The messages of the last build when it failed.
    error: Option<String>,
    /// The figures the last build drew anew ("slug/figures/forest-1.2.svg"); the others
    /// were unchanged and came from the cache.
    redrawn: Vec<String>,
}

/// `revmark serve`, with the site's templates in `templates` (see `--templates`). Runs until
/// the process is stopped.
pub fn serve(
    paths: &[PathBuf],
    templates: Option<PathBuf>,
    out: &Path,
    port: u16,
    force: bool,
) -> Result<(), Error> {
    // The output folder is refused here, before the server starts, as `build` would refuse
    // it (every build checks it again, with the review folders found then).
    crate::site::check_output(out, paths, force)?;
    let listener =
        TcpListener::bind(("127.0.0.1", port)).map_err(|source| Error::Listen { port, source })?;
    let port = listener.local_addr().map_or(port, |a| a.port());
    let state = Arc::new(Mutex::new(State::default()));
    let cache = BuildCache::default();
    // The site's templates folder is watched too (the default one even before it exists), so
    // that editing a template rebuilds.
    let site_folder = templates
        .clone()
        .unwrap_or_else(|| PathBuf::from(super::SITE_TEMPLATES));
    let options = BuildOptions {
        timings: false,
        durable: false,
        force,
        baseline: None,
        templates,
        full: false,
    };
    let watched_folders: Vec<PathBuf> = paths.iter().cloned().chain([site_folder]).collect();
    // Taken before the first build, so that an edit made during it, or before the watching
    // thread is running, is built.
    let before_first_build = watch::snapshot(&watched_folders);
    run_build(paths, out, &options, &state, &cache);
    println!(
        "serving {} at http://127.0.0.1:{port}/ (Ctrl-C stops)",
        out.display()
    );
    let _ = std::io::stdout().flush();

    let (watched, watch_out, watch_state) = (paths.to_vec(), out.to_path_buf(), Arc::clone(&state));
    watch::watch(watched_folders, before_first_build, move || {
        eprintln!("change seen: rebuilding");
        run_build(&watched, &watch_out, &options, &watch_state, &cache);
    })
    .map_err(|source| Error::Thread { source })?;
    http::serve_forever(&listener, out, port, &state);
    Ok(())
}

/// Builds, prints the messages and records the outcome.
fn run_build(
    paths: &[PathBuf],
    out: &Path,
    options: &BuildOptions,
    state: &Mutex<State>,
    cache: &BuildCache,
) {
    let start = Instant::now();
    let mut messages = Vec::new();
    let built = std::panic::catch_unwind(AssertUnwindSafe(|| {
        super::build::build_all(paths, out, options, Some(cache), &mut messages)
    }));
    if let Ok(Err(e)) = &built {
        let _ = writeln!(messages, "error: {e}");
    }
    let redrawn = cache.figures.finish_build();
    let mut messages = String::from_utf8_lossy(&messages).into_owned();
    if built.is_err() {
        // The panic message went to the terminal through the panic hook.
        messages.push_str("error: the build stopped on an internal error (a bug in revmark); the terminal shows where\n");
    }
    eprint!("{messages}");
    eprintln!(
        "({} ms; {} {} drawn anew)",
        start.elapsed().as_millis(),
        redrawn.len(),
        if redrawn.len() == 1 {
            "figure"
        } else {
            "figures"
        }
    );
    let mut s = state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    s.version += 1;
    s.error = (!matches!(built, Ok(Ok(())))).then_some(messages);
    s.redrawn = redrawn;
}
