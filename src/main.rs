//! The `revmark` binary: parses the command line and hands over to the library.

use std::io::Write;

fn main() {
    let status = revmark::run_status(std::env::args_os());
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    // Every file is written and closed by now; what is left is giving memory back. Leaving
    // without exit's handlers skips mimalloc's collection of every heap at exit, which the
    // kernel's release of the whole address space makes redundant (docs/benchmarks.md, "Issue
    // 17, tenth session": a large build 7 ms and a medium one 1.7 ms faster).
    // SAFETY: _exit ends the process at once. No thread is left writing: every file is closed
    // before `run_status` returns, and the threads still running only free memory
    // (`parallel::drop_beside`), compute a stopped template job (`budget::run_each`) or wait.
    unsafe { libc::_exit(i32::from(status)) }
}
