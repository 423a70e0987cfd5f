//! `revmark check`: load, validate and compute every review; write nothing.

use std::path::{Path, PathBuf};

use super::{load_all, load_site_templates, print_problems, render};
use crate::{EXIT_INVALID, EXIT_OK};

/// `revmark check`, with the site's templates in `templates` (see `--templates`).
pub fn check(paths: &[PathBuf], templates: Option<&Path>) -> i32 {
    let log = &mut std::io::stderr();
    let site = match load_site_templates(templates, log) {
        Ok(site) => site,
        Err(code) => return code,
    };
    let loaded = match load_all(paths, None, log) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let mut failed = false;
    for result in crate::parallel::map(&loaded, |review| render(review, &site, None, None)) {
        if let Err(problems) = result {
            print_problems(&problems, log);
            failed = true;
        }
    }
    if failed {
        return EXIT_INVALID;
    }
    eprintln!(
        "{} {} valid",
        loaded.len(),
        if loaded.len() == 1 {
            "review is"
        } else {
            "reviews are"
        }
    );
    EXIT_OK
}
