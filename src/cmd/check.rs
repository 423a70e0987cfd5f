//! `revmark check`: load, validate and compute every review; write nothing.

use std::path::{Path, PathBuf};

use super::{load_all, load_site_templates, print_problems, render};
use crate::Error;

/// `revmark check`, with the site's templates in `templates` (see `--templates`).
pub fn check(paths: &[PathBuf], templates: Option<&Path>) -> Result<(), Error> {
    let log = &mut std::io::stderr();
    let site = load_site_templates(templates, log)?;
    let loaded = load_all(paths, None, log)?;
    let mut invalid = 0;
    let discard = |_: String, _: Vec<u8>| {};
    for result in crate::parallel::map(&loaded, |review| {
        render(review, &site, None, None, &discard)
    }) {
        match result {
            Ok(rendered) => print_problems(&rendered.warnings, log),
            Err(problems) => {
                print_problems(&problems, log);
                invalid += 1;
            }
        }
    }
    if invalid > 0 {
        return Err(Error::InvalidReviews {
            invalid,
            total: loaded.len(),
        });
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
    Ok(())
}
