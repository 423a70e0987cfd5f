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
    /// The output folder is, contains or lies inside a source revmark reads (`--force` does not
    /// change this).
    OutputOverlapsSource {
        out: PathBuf,
        relation: Overlap,
        source: PathBuf,
        kind: SourceKind,
    },
    /// The output folder exists and holds files revmark did not write.
    OutputNotOurs {
        out: PathBuf,
        /// Whether the folder has no marker at all (else: the marker lists other files).
        unmarked: bool,
        /// Some of the files revmark did not write, relative to `out`.
        foreign: Vec<PathBuf>,
        /// How many more there are.
        more: usize,
    },
    /// The output path is a symbolic link (revmark would replace the link, not its target).
    OutputIsSymlink { out: PathBuf },
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
    /// `revmark build --baseline` names results that cannot be used (the message says why).
    Baseline { message: String },
    /// `revmark serve` cannot listen on its port.
    Listen { port: u16, source: io::Error },
    /// A thread revmark needs cannot be started.
    Thread { source: io::Error },
}

/// How an output folder overlaps a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlap {
    /// The same folder.
    Is,
    /// The output folder holds the source.
    Contains,
    /// The output folder is inside the source.
    Inside,
}

/// What kind of source an output folder overlapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// A review folder, or a folder of reviews named on the command line.
    Review,
    /// The folder revmark runs in (the project: its reviews, templates and everything else).
    Project,
    /// A version-control folder (`.git`): a project's history.
    VersionControl,
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
            | Error::OutputOverlapsSource { .. }
            | Error::OutputNotOurs { .. }
            | Error::OutputIsSymlink { .. }
            | Error::Read { .. }
            | Error::Baseline { .. } => EXIT_USAGE,
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
                    Hint::NewFolder => write!(
                        f,
                        "{what} already exists and is not empty; import into a new folder"
                    ),
                }
            }
            Error::OutputOverlapsSource {
                out,
                relation,
                source,
                kind,
            } => {
                let source_name = match kind {
                    SourceKind::Review => format!("the review source {}", source.display()),
                    SourceKind::Project => {
                        format!("the folder revmark runs in ({})", source.display())
                    }
                    SourceKind::VersionControl => {
                        format!("the version-control folder {}", source.display())
                    }
                };
                let relation = match relation {
                    Overlap::Is => "is",
                    Overlap::Contains => "contains",
                    Overlap::Inside => "lies inside",
                };
                write!(
                    f,
                    "refusing to write the output into {}: it {relation} {source_name}, which would be replaced. Choose an output folder of its own (nothing was written)",
                    out.display()
                )
            }
            Error::OutputNotOurs {
                out,
                unmarked,
                foreign,
                more,
            } => {
                let files = list(foreign, *more);
                let why = if *unmarked {
                    format!(
                        "it is not empty and revmark did not write it (it has no {})",
                        crate::site::marker::MARKER
                    )
                } else {
                    "it holds files revmark did not write".to_string()
                };
                write!(
                    f,
                    "refusing to replace {}: {why}: {files}. Choose a new or empty folder, or add --force to replace it, deleting those files (nothing was written)",
                    out.display()
                )
            }
            Error::OutputIsSymlink { out } => write!(
                f,
                "the output folder {} is a symbolic link; give the folder it points to (nothing was written)",
                out.display()
            ),
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
            Error::Import { message }
            | Error::Results { message }
            | Error::Baseline { message } => {
                write!(f, "{message}")
            }
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

    #[test]
    fn long_lists_of_foreign_files_are_cut() {
        let e = Error::OutputNotOurs {
            out: PathBuf::from("site"),
            unmarked: true,
            foreign: vec![PathBuf::from("about.html"), PathBuf::from("cv.pdf")],
            more: 3,
        };
        let text = e.to_string();
        assert!(text.contains("about.html, cv.pdf and 3 more"), "{text}");
        assert!(text.contains("--force"), "{text}");
    }
}
