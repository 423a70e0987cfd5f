//! revmark: a systematic review kept as plain text, rendered into the finished Cochrane-style
//! review.
//!
//! The stages, each taking the previous stage's value: `load` (files -> validated
//! [`model::Review`]) -> `stats` (the engine) -> `results` (every number, typed: results.json)
//! -> `plot` (SVG) -> `report` (Markdown, HTML, results.json) -> `site` (the output folder,
//! written whole). Only `load` and `site` touch the disk. `cmd` runs the subcommands over
//! these stages; each returns `Result<(), Error>`, and [`run`] prints the [`Error`] and maps
//! it to the exit status.

pub mod budget;
pub mod citation;
pub mod cli;
mod cmd;
pub mod decimal;
pub mod diagnostic;
pub mod english;
pub mod error;
pub mod fingerprint;
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

pub use error::Error;

use clap::Parser;
use std::process::ExitCode;

/// Runs revmark with these arguments (the first is the program name): prints what went wrong,
/// if anything, and returns the exit status ([`Error::status`]).
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    ExitCode::from(run_status(args))
}

/// [`run`], with the exit status as a number.
pub fn run_status<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                error::EXIT_USAGE
            } else {
                error::EXIT_OK
            };
        }
    };
    match execute(cli.command) {
        Ok(()) => error::EXIT_OK,
        Err(e) => {
            eprintln!("error: {e}");
            e.status()
        }
    }
}

/// Runs one subcommand.
fn execute(command: cli::Command) -> Result<(), Error> {
    match command {
        cli::Command::Build {
            paths,
            out,
            baseline,
            jobs,
            timings,
            durable,
            force,
            templates,
            full,
        } => {
            let options = cmd::BuildOptions {
                timings,
                durable,
                force,
                baseline,
                templates,
                full,
            };
            let build = || cmd::build(&paths, &out, &options);
            match jobs {
                Some(jobs) => parallel::with_jobs(jobs.get(), build),
                None => build(),
            }
        }
        cli::Command::Check { paths, templates } => cmd::check(&paths, templates.as_deref()),
        cli::Command::Templates { eject } => cmd::eject_templates(&eject),
        cli::Command::New { slug, dir } => cmd::new(&slug, &dir),
        cli::Command::Diff { old, new } => cmd::diff(&old, &new),
        cli::Command::Import { file, out } => cmd::import(&file, &out),
        cli::Command::Serve {
            paths,
            port,
            out,
            force,
            templates,
        } => cmd::serve(&paths, templates, &out, port, force),
    }
}
