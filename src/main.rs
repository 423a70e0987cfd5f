//! The `revmark` binary: parses the command line and hands over to the library.

fn main() -> std::process::ExitCode {
    revmark::run(std::env::args_os())
}
