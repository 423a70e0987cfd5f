//! The `revmark` binary: parses the command line and hands over to the library.

use std::io::Write;

fn main() {
    // No transparent huge pages: mimalloc asks for them, and a 2 MB page is zeroed whole on its
    // first touch, so the process held far more than it used (peak memory of the large
    // synthetic review 110 -> 99 MB, the medium 50 -> 32, the small 32 -> 18, a library of 500
    // 97 -> 80), and on this KVM machine the zeroing was much of the builds' spread in time
    // (docs/benchmarks.md, "Issue 17, eleventh session"). It is mimalloc's own `allow_thp=0`,
    // made here since its options are read from the environment.
    // SAFETY: prctl with PR_SET_THP_DISABLE only sets a flag of this process's memory.
    unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
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
