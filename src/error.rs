//! revmark's one error type: every way a command can fail, each variant carrying the facts,
//! all the wording in one `Display` and the exit status mapped in one place
//! ([`Error::exit_code`]).
//!
//! Problems in a review's files are not errors of this kind: they are located
//! [`Diagnostic`](crate::diagnostic::Diagnostic)s, all printed in one run, after which the
//! command fails with [`Error::InvalidReviews`] or [`Error::BuildFailed`].

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit status: success.
pub const EXIT_OK: u8 = 0;
/// Exit status: a review is invalid, or the build could not be finished.
pub const EXIT_INVALID: u8 = 1;
/// Exit status: the command line asks for something revmark refuses or cannot find.
pub const EXIT_USAGE: u8 = 2;

/// Why a command failed.
#[derive(Debug)]
pub enum Error {
    /// The review paths on the command line name no review (the message of
    /// `load::find_reviews`, which names the path).
    NoReviews { message: String },
    /// `revmark new` was given an id that is not a slug.
    NotASlug { slug: String },
    /// A file or folder that revmark would create exists already; revmark does not overwrite
    /// it (`revmark new`, `revmark templates --eject`, `revmark import`).
    WouldOverwrite { paths: Vec<PathBuf>, hint: Hint },
    /// An input file named on the command line cannot be read.
    Read { path: PathBuf, source: io::Error },
    /// A file or folder cannot be written (outside the output folder's swap).
    Write { path: PathBuf, source: io::Error },
    /// Some reviews failed to load; their problems were printed.
    InvalidReviews { invalid: usize, total: usize },
    /// A review failed to render or two reviews share an id; the problems were printed and the
    /// output folder was left as it was.
    BuildFailed { out: PathBuf },
    /// A site-level template failed.
    Template { name: String, message: String },
    /// The output folder could not be written or swapped in; the old output is unchanged.
    Output { out: PathBuf, source: io::Error },
    /// A file given to `revmark import` is not an importable review (the importer's message,
    /// located in the file).
    Import { message: String },
    /// `revmark diff` could not read one of its sides (the message names the file).
    Results { message: String },
    /// `revmark serve` cannot listen on its port.
    Listen { port: u16, source: io::Error },
    /// A thread revmark needs cannot be started.
    Thread { source: io::Error },
}

/// What the user may do about [`Error::WouldOverwrite`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// `revmark new`: another id.
    OtherId,
    /// `revmark templates --eject`: the files are the author's.
    KeepEdits,
    /// `revmark import`: another folder.
    NewFolder,
}

impl Error {
    /// The process's exit status for this error: 2 for a command line that asks for what
    /// revmark refuses or cannot find, 1 for invalid reviews and failed builds.
    pub fn status(&self) -> u8 {
        match self {
            Error::NoReviews { .. }
            | Error::NotASlug { .. }
            | Error::WouldOverwrite { .. }
            | Error::Read { .. } => EXIT_USAGE,
            Error::Write { .. }
            | Error::InvalidReviews { .. }
            | Error::BuildFailed { .. }
            | Error::Template { .. }
            | Error::Output { .. }
            | Error::Import { .. }
            | Error::Results { .. }
            | Error::Listen { .. }
            | Error::Thread { .. } => EXIT_INVALID,
        }
    }

    /// [`Error::status`] as the process's exit code.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.status())
    }
}

/// `a, b and c` (or `a, b, c and 3 more`), each path shown as the user gave it.
fn list(paths: &[PathBuf], more: usize) -> String {
    let mut shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    if more > 0 {
        shown.push(format!("{more} more"));
    }
    crate::english::join_and(&shown)
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NoReviews { message } => write!(f, "{message}"),
            Error::NotASlug { slug } => write!(
                f,
                "`{slug}` is not a review id: use lower-case letters, digits and `-` (for example `vitamin-d-asthma`)"
            ),
            Error::WouldOverwrite { paths, hint } => {
                let what = list(paths, 0);
                match hint {
                    Hint::OtherId => {
                        write!(f, "{what} already exists; choose another id or remove it")
                    }
                    Hint::KeepEdits => write!(f, "not overwriting {what}"),
                    Hint::NewFolder => {
                        write!(f, "{what} already holds a review; import into a new folder")
                    }
                }
            }
            Error::Read { path, source } => {
                write!(f, "cannot read {}: {source}", path.display())
            }
            Error::Write { path, source } => {
                write!(f, "cannot write {}: {source}", path.display())
            }
            Error::InvalidReviews { invalid, total } => {
                write!(f, "{invalid} of {total} reviews are invalid")
            }
            Error::BuildFailed { out } => {
                write!(f, "the build failed; {} is unchanged", out.display())
            }
            Error::Template { name, message } => write!(f, "template {name}: {message}"),
            Error::Output { out, source } => write!(
                f,
                "cannot write {}: {source}; the earlier output is unchanged",
                out.display()
            ),
            Error::Import { message } | Error::Results { message } => write!(f, "{message}"),
            Error::Listen { port, source } => {
                write!(f, "cannot listen on 127.0.0.1:{port}: {source}")
            }
            Error::Thread { source } => write!(f, "cannot start a thread: {source}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Read { source, .. }
            | Error::Write { source, .. }
            | Error::Output { source, .. }
            | Error::Listen { source, .. }
            | Error::Thread { source } => Some(source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_of_the_command_line_are_usage_errors() {
        let refused = Error::WouldOverwrite {
            paths: vec![PathBuf::from("a.tera"), PathBuf::from("b.tera")],
            hint: Hint::KeepEdits,
        };
        assert_eq!(refused.status(), EXIT_USAGE);
        assert_eq!(refused.to_string(), "not overwriting a.tera and b.tera");
        let failed = Error::BuildFailed {
            out: PathBuf::from("site"),
        };
        assert_eq!(failed.status(), EXIT_INVALID);
        assert_eq!(failed.to_string(), "the build failed; site is unchanged");
    }
}
