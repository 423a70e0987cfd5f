//! The command line: the subcommands and their options.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// revmark turns a systematic review kept as plain text (YAML protocol, study data, Markdown
/// prose) into the finished Cochrane-style review: every meta-analysis computed as Review
/// Manager does, figures drawn, and the abstract and full review written from the data.
#[derive(Debug, Parser)]
#[command(name = "revmark", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build reviews into HTML, Markdown, SVG figures and results.json.
    ///
    /// Each PATH is a review folder (it holds review.yaml) or a folder of review folders.
    /// The output is written to a temporary folder and moved into place whole, so a failed
    /// build leaves the earlier output untouched. The output folder is revmark's alone: it
    /// must be new, empty or an earlier output (marked by its .revmark-output.json), and may
    /// not be, hold or lie inside a review source.
    Build {
        /// Review folders, or folders of review folders.
        #[arg(default_value = "reviews")]
        paths: Vec<PathBuf>,
        /// The output folder.
        #[arg(long, default_value = "output")]
        out: PathBuf,
        /// The earlier results that "What's new" compares with: a results.json, or an output
        /// folder holding SLUG/results.json. Default: the output folder being replaced, so a
        /// build into a fresh folder (as in CI) needs it to say what changed.
        #[arg(long, value_name = "PATH")]
        baseline: Option<PathBuf>,
        /// Threads to build with (default: the machine's available parallelism). The output
        /// is byte-identical whatever the number.
        #[arg(long, value_name = "N")]
        jobs: Option<std::num::NonZeroUsize>,
        /// Print the time spent in each stage and the peak memory to stderr.
        #[arg(long)]
        timings: bool,
        /// Flush every output file to disk before the new output replaces the old, so that
        /// a power cut cannot leave empty files behind. A killed build is safe without it;
        /// it costs time on slow disks.
        #[arg(long)]
        durable: bool,
        /// Replace the output folder even if it holds files revmark did not write (they are
        /// deleted). Never replaces a review source or the folder revmark runs in.
        #[arg(long)]
        force: bool,
        /// The site's templates folder: its templates replace the built-in ones for every
        /// review (a review's own templates/ still wins), and index.html.tera there makes the
        /// list of reviews. Default: templates/ in the current folder, if there is one.
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
        /// Build every review again. By default a review whose folder, templates and revmark
        /// version are unchanged since the output being replaced is carried over from it, as
        /// it would be built; after changing revmark's code without changing its version (a
        /// development build), build with --full.
        #[arg(long)]
        full: bool,
    },
    /// Write the built-in templates out for editing.
    ///
    /// Copy the files you want to change into the site's templates folder (every review) or a
    /// review's `templates/` folder (that review only): each one there replaces the built-in
    /// template of the same name. To change one section, a template may instead extend the
    /// built-in one (`{% extends "builtin/review.md" %}`) and redefine one block.
    Templates {
        /// The folder to write the templates into (created if missing; existing files are
        /// not overwritten).
        #[arg(long, value_name = "DIR")]
        eject: PathBuf,
    },
    /// Validate reviews and report every problem; write nothing.
    Check {
        /// Review folders, or folders of review folders.
        #[arg(default_value = "reviews")]
        paths: Vec<PathBuf>,
        /// The site's templates folder, as for `build`.
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
    },
    /// Show what changed between two builds: flipped conclusions first, then outcomes and
    /// studies added or removed, then changed estimates, certainty and wording.
    Diff {
        /// The earlier results.json, review output folder or output folder.
        old: PathBuf,
        /// The later one.
        new: PathBuf,
    },
    /// Import a RevMan 5 review file (.rm5), a RevMan 5 CSV analysis export or a RevMan Web
    /// data package (.zip or extracted folder) into a new review folder; what cannot be
    /// imported is listed in IMPORT-REPORT.md there.
    Import {
        /// The .rm5 file, CSV export, data package .zip or its folder.
        file: PathBuf,
        /// The review folder to create (reviews/SLUG); it must be new or empty.
        #[arg(long)]
        out: PathBuf,
    },
    /// Build, serve the output on 127.0.0.1, rebuild when a review file changes and reload
    /// open pages; a failed build shows its errors in the page and keeps the last good output.
    Serve {
        /// Review folders, or folders of review folders.
        #[arg(default_value = "reviews")]
        paths: Vec<PathBuf>,
        /// The port (0 picks a free one).
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// The output folder.
        #[arg(long, default_value = "output")]
        out: PathBuf,
        /// Replace the output folder even if it holds files revmark did not write, as
        /// `build --force` does.
        #[arg(long)]
        force: bool,
        /// The site's templates folder, as for `build`; watched like the reviews.
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
    },
    /// Create a new review folder with every field of the format shown, commented.
    New {
        /// The review's id: lower-case letters, digits and `-`.
        slug: String,
        /// The folder of review folders to create it in.
        #[arg(long, default_value = "reviews")]
        dir: PathBuf,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
