//! revmark: a systematic review kept as plain text, rendered into the finished Cochrane-style
//! review.
//!
//! The stages, each taking the previous stage's value: `load` (files -> validated
//! [`model::Review`]) -> `stats` (the engine) -> `results` (every number, typed: results.json)
//! -> `plot` (SVG) -> `report` (Markdown, HTML, results.json) -> `site` (the output folder,
//! written whole). Only `load` and `site` touch the disk.

pub mod citation;
pub mod cli;
mod cmd;
pub mod decimal;
pub mod diagnostic;
pub mod english;
pub mod format;
pub mod import;
pub mod load;
pub mod model;
pub mod parallel;
pub mod plot;
pub mod report;
pub mod results;
pub mod site;
pub mod stats;
pub mod timings;

use clap::Parser;

/// Exit status: success.
pub const EXIT_OK: i32 = 0;
/// Exit status: a review is invalid (or could not be written).
pub const EXIT_INVALID: i32 = 1;
/// Exit status: the command line was wrong.
pub const EXIT_USAGE: i32 = 2;

/// Runs revmark with these arguments (the first is the program name) and returns the exit
/// status.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
        }
    };
    match cli.command {
        cli::Command::Build {
            paths,
            out,
            baseline,
            jobs,
            timings,
            durable,
        } => {
            parallel::set_jobs(jobs.map(usize::from));
            let options = cmd::BuildOptions {
                timings,
                durable,
                baseline,
            };
            cmd::build(&paths, &out, &options)
        }
        cli::Command::Check { paths } => cmd::check(&paths),
        cli::Command::Templates { eject } => cmd::eject_templates(&eject),
        cli::Command::New { slug, dir } => cmd::new(&slug, &dir),
        cli::Command::Diff { old, new } => cmd::diff(&old, &new),
        cli::Command::Import { file, out } => cmd::import(&file, &out),
        cli::Command::Serve { paths, port, out } => cmd::serve(&paths, &out, port),
    }
}
