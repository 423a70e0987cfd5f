//! Memory and time budgets for work that authors' text controls: the prose fields' templates.
//! A template can double a string forty times or loop 10^10 times; Tera 2 has no step limit
//! and no hook into its loops, so the budget is kept from outside it:
//!
//! - memory: the process's allocator is mimalloc with a meter ([`Metered`]) that counts
//!   what a thread running a budgeted job allocates. A request that would take the job over
//!   its limit is never made: the thread stops there for good (it sleeps; it cannot unwind out
//!   of an allocator), so a runaway template is an error instead of an abort of the whole
//!   process (exit 134) or of `serve`;
//! - time: the jobs run on a thread of their own, which the caller waits for with a deadline;
//!   past it the job is cancelled, and its thread stops at its next allocation (every loop
//!   step of Tera allocates) instead of running on beside the next build.
//!
//! A stopped thread keeps what it had allocated (within the budget) until the process ends;
//! `build` then exits, and `serve` loses at most one budget's worth per failed rebuild.

use mimalloc::MiMalloc;
use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

/// Gives back to the system what every thread of the pool has freed and mimalloc still holds.
/// mimalloc returns freed memory when the thread that owns it next allocates (and then only
/// after its purge delay, 10 ms), so a thread waiting at a join keeps all it freed while the
/// other allocates. Called between a large review's stages: its peak memory is about 111 MB
/// instead of 120-136 MB. Memory given back costs page faults when it is taken again, so a smaller
/// review keeps it (`report::releases_memory`).
///
/// This thread gives back at once, every other thread of the pool as soon as it is free: waiting
/// for a thread busy with background work would hold this one up, and a waiting thread takes
/// up background work itself.
pub fn release_free_memory() {
    // SAFETY: mi_collect only frees and purges memory the allocator holds unused.
    unsafe { libmimalloc_sys::mi_collect(true) };
    let Some(this) = rayon::current_thread_index() else {
        return;
    };
    rayon::spawn_broadcast(move |thread| {
        if thread.index() != this {
            // SAFETY: as above.
            unsafe { libmimalloc_sys::mi_collect(true) }
        }
    });
}

/// mimalloc with a meter for threads running a budgeted job.
pub struct Metered;

#[global_allocator]
static ALLOCATOR: Metered = Metered;

/// What the current thread may still allocate. Inactive (`shared` null) on every thread but
/// the workers of [`run_each`], whose allocations then cost one thread-local read.
struct Meter {
    limit: Cell<usize>,
    used: Cell<usize>,
    shared: Cell<*const Shared>,
}

thread_local! {
    // Constant-initialised and without a destructor: usable from inside the allocator at any
    // time, also while the thread starts or ends.
    static METER: Meter = const {
        Meter {
            limit: Cell::new(0),
            used: Cell::new(0),
            shared: Cell::new(std::ptr::null()),
        }
    };
}

/// Between a worker and the thread waiting for it.
#[derive(Default)]
struct Shared {
    /// Set by the waiting thread when a job ran out of time.
    cancelled: AtomicBool,
    /// Set by the worker when a job would have gone over its memory.
    over_memory: AtomicBool,
}

/// Counts `bytes` about to be allocated by the current thread; stops the thread for good if
/// its job would go over its memory or was cancelled.
fn charge(bytes: usize) {
    let _ = METER.try_with(|meter| {
        let shared = meter.shared.get();
        if shared.is_null() {
            return;
        }
        // Safety: a worker's `shared` points into an `Arc` that the worker's closure holds
        // for as long as the thread lives.
        let shared = unsafe { &*shared };
        let used = meter.used.get().saturating_add(bytes);
        meter.used.set(used);
        let over = used > meter.limit.get();
        if over || shared.cancelled.load(Ordering::Relaxed) {
            if over {
                shared.over_memory.store(true, Ordering::Release);
            }
            meter.shared.set(std::ptr::null());
            stop_forever();
        }
    });
}

/// Counts `bytes` freed by the current thread.
fn credit(bytes: usize) {
    let _ = METER.try_with(|meter| {
        if !meter.shared.get().is_null() {
            meter.used.set(meter.used.get().saturating_sub(bytes));
        }
    });
}

/// Parks a thread whose job overran: it holds no lock (only the allocator called this) and
/// allocates nothing more.
fn stop_forever() -> ! {
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}

// Safety: every call is passed on to mimalloc unchanged; the meter only counts.
unsafe impl GlobalAlloc for Metered {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        charge(layout.size());
        unsafe { MiMalloc.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        charge(layout.size());
        unsafe { MiMalloc.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        credit(layout.size());
        unsafe { MiMalloc.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            charge(new_size - layout.size());
        } else {
            credit(layout.size() - new_size);
        }
        unsafe { MiMalloc.realloc(ptr, layout, new_size) }
    }
}

/// What one job may use.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Bytes the job may have allocated at once, beyond what its thread held when it started.
    pub memory: usize,
    /// How long it may run.
    pub time: Duration,
}

/// Why [`run_each`] stopped before the end.
#[derive(Debug)]
pub enum Stopped {
    /// Job `job` (0-based) would have gone over its memory.
    Memory { job: usize },
    /// Job `job` ran for longer than its time.
    Time { job: usize },
    /// No thread could be started for the jobs.
    NoThread(std::io::Error),
}

/// How often the waiting thread looks whether a running job went over its memory.
const POLL: Duration = Duration::from_millis(10);

/// Runs `job` on each of `inputs` in turn, on a thread of its own, each under `limits`, and
/// returns the outputs in order; or, at the first job that overran, which and how (its thread
/// is then stopped for good). A panic in a job is passed on.
pub fn run_each<I, O, F>(inputs: Vec<I>, limits: Limits, job: F) -> Result<Vec<O>, Stopped>
where
    I: Send + 'static,
    O: Send + 'static,
    F: Fn(I) -> O + Send + 'static,
{
    let count = inputs.len();
    if count == 0 {
        return Ok(Vec::new());
    }
    let shared = Arc::new(Shared::default());
    let worker_shared = Arc::clone(&shared);
    let (sender, receiver) = mpsc::channel::<O>();
    let worker = std::thread::Builder::new()
        .name("revmark-budget".into())
        .spawn(move || {
            for input in inputs {
                METER.with(|meter| {
                    meter.used.set(0);
                    meter.limit.set(limits.memory);
                    meter.shared.set(Arc::as_ptr(&worker_shared));
                });
                let output = job(input);
                METER.with(|meter| meter.shared.set(std::ptr::null()));
                if sender.send(output).is_err() {
                    return;
                }
            }
        })
        .map_err(Stopped::NoThread)?;
    let mut outputs = Vec::with_capacity(count);
    let mut started = Instant::now();
    while outputs.len() < count {
        let left = limits.time.saturating_sub(started.elapsed());
        match receiver.recv_timeout(left.min(POLL)) {
            Ok(output) => {
                outputs.push(output);
                started = Instant::now();
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let job = outputs.len();
                if shared.over_memory.load(Ordering::Acquire) {
                    return Err(Stopped::Memory { job });
                }
                if started.elapsed() >= limits.time {
                    shared.cancelled.store(true, Ordering::Relaxed);
                    return Err(Stopped::Time { job });
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                // The worker ended early: a job panicked.
                if let Err(panic) = worker.join() {
                    std::panic::resume_unwind(panic);
                }
                unreachable!("the worker sends every output before it ends");
            }
        }
    }
    Ok(outputs)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: Limits = Limits {
        memory: 64 << 20,
        time: Duration::from_secs(2),
    };

    #[test]
    fn jobs_within_their_budget_run_in_order() {
        let out = run_each(vec![1usize, 2, 3], SMALL, |n| "x".repeat(n)).unwrap();
        assert_eq!(out, ["x", "xx", "xxx"]);
        assert!(run_each(Vec::<u8>::new(), SMALL, |n| n).unwrap().is_empty());
    }

    #[test]
    fn a_job_that_would_take_too_much_memory_is_stopped_before_it_does() {
        // The second job asks for a terabyte at once: without the meter the process would
        // abort; with it that job stops and the first one's output is not lost.
        let result = run_each(vec![10usize, 1 << 40], SMALL, |n| vec![0u8; n].len());
        assert!(
            matches!(result, Err(Stopped::Memory { job: 1 })),
            "{result:?}"
        );
        // Growing step by step is stopped the same way.
        let result = run_each(vec![()], SMALL, |()| {
            let mut s = String::from("ab");
            for _ in 0..40 {
                s = s.repeat(2);
            }
            s.len()
        });
        assert!(
            matches!(result, Err(Stopped::Memory { job: 0 })),
            "{result:?}"
        );
    }

    #[test]
    fn a_job_that_runs_too_long_is_stopped_at_its_next_allocation() {
        let limits = Limits {
            time: Duration::from_millis(200),
            ..SMALL
        };
        let steps = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = Arc::clone(&steps);
        let result = run_each(vec![()], limits, move |()| {
            loop {
                std::hint::black_box(vec![0u8; 16]);
                counter.fetch_add(1, Ordering::SeqCst);
            }
        });
        assert!(
            matches!(result, Err(Stopped::Time { job: 0 })),
            "{result:?}"
        );
        // Once stopped, the job takes no more steps.
        std::thread::sleep(Duration::from_millis(50));
        let then = steps.load(Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(200));
        assert!(then > 0);
        assert_eq!(steps.load(Ordering::SeqCst), then);
    }

    #[test]
    fn other_threads_are_not_metered() {
        // This thread allocates far more than a job may, without being stopped.
        let big = vec![0u8; (SMALL.memory) * 2];
        assert_eq!(big.len(), SMALL.memory * 2);
    }
}
