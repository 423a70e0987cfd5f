//! `revmark check`: load, validate and compute every review; write nothing.

use std::path::PathBuf;

use super::{load_all, print_problems, render};
use crate::Error;

/// `revmark check`.
pub fn check(paths: &[PathBuf]) -> Result<(), Error> {
    let log = &mut std::io::stderr();
    let loaded = load_all(paths, None, log)?;
    let mut invalid = 0;
    for result in crate::parallel::map(&loaded, |review| render(review, None, None)) {
        if let Err(problems) = result {
            print_problems(&problems, log);
            invalid += 1;
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
