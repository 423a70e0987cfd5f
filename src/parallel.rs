//! Work spread over threads with results in input order, so that a build on many threads is
//! byte-identical to a build on one.
//!
//! [`map`] runs a function over a slice on `std::thread::scope` threads that take the next item
//! from a shared counter (a review of 300 outcomes and one of 5 balance themselves), and
//! returns the results in the slice's order. Calls nest: a map inside a map's item runs on the
//! calling thread, so a library of reviews is spread over reviews and a single large review
//! over its outcomes, never more threads than `--jobs` at once.

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

// 0 = not set: use the machine's available parallelism.
static JOBS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    // Set on threads that run a map's items: nested maps there run in line.
    static IN_WORKER: Cell<bool> = const { Cell::new(false) };
}

/// Sets how many threads [`map`] may use (at least 1); `None` restores the default, the
/// machine's available parallelism.
pub fn set_jobs(jobs: Option<usize>) {
    JOBS.store(jobs.map_or(0, |j| j.max(1)), Ordering::Relaxed);
}

/// How many threads [`map`] uses.
pub fn jobs() -> usize {
    match JOBS.load(Ordering::Relaxed) {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        n => n,
    }
}

/// `items.iter().map(f).collect()`, run on up to [`jobs`] threads; the results are in the
/// order of `items` whatever the threads' timing.
pub fn map<T, R, F>(items: &[T], f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    let threads = jobs().min(items.len());
    if threads <= 1 || IN_WORKER.get() {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let was_worker = IN_WORKER.replace(true);
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            done.push((i, f(item)));
        }
        IN_WORKER.set(was_worker);
        done
    };
    let mut slots: Vec<Option<R>> = items.iter().map(|_| None).collect();
    std::thread::scope(|scope| {
        // The calling thread works too, beside threads - 1 helpers.
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut finished = vec![work()];
        for helper in helpers {
            finished.push(
                helper
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
        }
        for (i, result) in finished.into_iter().flatten() {
            slots[i] = Some(result);
        }
    });
    slots
        .into_iter()
        .map(|r| r.expect("every item is taken by exactly one thread"))
        .collect()
}

/// Input (bytes of review text, say) below which work is done in line: starting a thread costs
/// little on an idle machine, but on a busy one the second thread may wait milliseconds for a
/// core, longer than a small review takes to build.
pub const WORTH_A_THREAD: usize = 64 * 1024;

/// Runs `a` and `b`, at the same time when `worth` and [`jobs`] allow, and returns both
/// results. Like [`map`], a join inside a thread's work runs in line.
pub fn join<A, B, RA, RB>(worth: bool, a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA + Send,
    B: FnOnce() -> RB + Send,
    RA: Send,
    RB: Send,
{
    if !worth || jobs() <= 1 || IN_WORKER.get() {
        return (a(), b());
    }
    std::thread::scope(|scope| {
        let helper = scope.spawn(|| {
            IN_WORKER.set(true);
            b()
        });
        let was_worker = IN_WORKER.replace(true);
        let ra = a();
        IN_WORKER.set(was_worker);
        let rb = helper
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (ra, rb)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_input_order_on_many_threads() {
        set_jobs(Some(4));
        let items: Vec<u64> = (0..1000).collect();
        // Uneven work, so threads finish out of order.
        let squares = map(&items, |&x| {
            if x % 7 == 0 {
                std::thread::sleep(std::time::Duration::from_micros(50));
            }
            x * x
        });
        assert_eq!(squares, items.iter().map(|x| x * x).collect::<Vec<_>>());
        set_jobs(None);
    }

    #[test]
    fn runs_nested_maps_on_the_calling_thread() {
        set_jobs(Some(3));
        let outer: Vec<usize> = (0..6).collect();
        let sums = map(&outer, |&i| {
            let inner: Vec<usize> = (0..i).collect();
            let here = std::thread::current().id();
            let results = map(&inner, |&j| {
                assert_eq!(
                    std::thread::current().id(),
                    here,
                    "nested map left its thread"
                );
                j
            });
            results.iter().sum::<usize>()
        });
        assert_eq!(sums, vec![0, 0, 1, 3, 6, 10]);
        set_jobs(None);
    }

    #[test]
    fn joins_two_results_in_order() {
        set_jobs(Some(2));
        let (a, (b, c)) = join(true, || 1, || join(true, || "two", || 3.0));
        assert_eq!((a, b, c), (1, "two", 3.0));
        set_jobs(None);
    }

    #[test]
    fn maps_empty_and_single_inputs() {
        let none: Vec<u8> = Vec::new();
        assert!(map(&none, |&x| x).is_empty());
        assert_eq!(map(&[5u8], |&x| x + 1), vec![6]);
    }
}
