//! Work spread over threads with results in input order, so that a build on many threads is
//! byte-identical to a build on one: a thin layer over rayon, whose work-stealing pool is
//! started once and lets a map inside a map (reviews, then each review's outcomes) use every
//! thread of the pool without ever running more threads than it has.
//!
//! The pool is rayon's global one (one thread per core) unless the caller runs inside its own:
//! `revmark build --jobs N` runs the whole build in [`with_jobs`]`(N, ..)`, and tests do the
//! same, so nothing process-wide is ever set.

/// `items.iter().map(f).collect()`, run on the current pool's threads; the results are in the
/// order of `items` whatever the threads' timing.
pub fn map<T, R, F>(items: &[T], f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    use rayon::prelude::*;
    if items.len() <= 1 || jobs() <= 1 {
        // No thread could help; run in line without touching the pool.
        return items.iter().map(f).collect();
    }
    // A reference to `f` is `Send` when `f` is `Sync`, so callers need not make `f` `Send`.
    items.par_iter().map(&f).collect()
}

/// [`map`] when `worth` (see [`WORTH_A_THREAD`]), else in line: for work that is cheap in a
/// small review, where waking another thread costs more than it saves.
pub fn map_when<T, R, F>(worth: bool, items: &[T], f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    if worth {
        map(items, f)
    } else {
        items.iter().map(f).collect()
    }
}

/// Input (bytes of review text, say) below which [`join`] runs both halves in line: handing
/// work to another thread costs little on an idle machine, but on a busy one the other thread
/// may wait milliseconds for a core, longer than a small review takes to build.
pub const WORTH_A_THREAD: usize = 64 * 1024;

/// Runs `a` and `b`, at the same time when `worth` and the pool allow, and returns both
/// results.
pub fn join<A, B, RA, RB>(worth: bool, a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA + Send,
    B: FnOnce() -> RB + Send,
    RA: Send,
    RB: Send,
{
    if !worth || jobs() <= 1 {
        return (a(), b());
    }
    rayon::join(a, b)
}

/// Runs `f` with a [`Background`] to hand tasks to: each runs on whichever thread of the pool
/// is free (this one too, once `f` is done and waits for them), and all are done when
/// `scope` returns. When not `worth` (or with one thread) each task runs at once, in line.
pub fn scope<'scope, R: Send>(
    worth: bool,
    f: impl for<'a> FnOnce(&'a Background<'a, 'scope>) -> R + Send,
) -> R {
    if !worth || jobs() <= 1 {
        return f(&Background::InLine);
    }
    rayon::scope(|scope| f(&Background::Pool(scope)))
}

/// Where [`scope`]'s tasks go.
pub enum Background<'a, 'scope> {
    /// To the pool, for any thread that is free.
    Pool(&'a rayon::Scope<'scope>),
    /// Nowhere: each runs at once.
    InLine,
}

impl<'scope> Background<'_, 'scope> {
    /// Runs `task` in the background (or at once: [`scope`]).
    pub fn spawn(&self, task: impl FnOnce() + Send + 'scope) {
        match self {
            Background::Pool(scope) => scope.spawn(|_| task()),
            Background::InLine => task(),
        }
    }
}

/// Runs `f` on this thread while `beside` runs on another thread of the pool, if one is free;
/// returns when both are done. Unlike [`join`], `f` need not be `Send` (it may write to the
/// build's log).
pub fn beside<R>(beside: impl FnOnce() + Send, f: impl FnOnce() -> R) -> R {
    rayon::in_place_scope(|scope| {
        scope.spawn(|_| beside());
        f()
    })
}

/// Drops `value` on a thread of its own when the pool has more than one, so that freeing a
/// large tree of values does not hold up this thread; in line otherwise. Not on the pool: a
/// job spawned there may well be run by this very thread at its next wait.
pub fn drop_beside<T: Send + 'static>(value: T) {
    if jobs() > 1 {
        // Should the thread not start, the closure and the value in it are dropped here.
        let _ = std::thread::Builder::new()
            .name("revmark-free".into())
            .spawn(move || drop(value));
    } else {
        drop(value);
    }
}

/// How many threads the current pool has ([`with_jobs`]'s, or one per core).
pub fn jobs() -> usize {
    rayon::current_num_threads()
}

/// Runs `f` with [`map`] and [`join`] spread over `jobs` threads (at least 1), in a pool of its
/// own that ends with it. If the threads cannot be started, `f` runs in rayon's global pool
/// rather than not at all (the output does not depend on the number of threads).
pub fn with_jobs<R: Send>(jobs: usize, f: impl FnOnce() -> R + Send) -> R {
    match rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .thread_name(|i| format!("revmark-{i}"))
        .build()
    {
        Ok(pool) => pool.install(f),
        Err(_) => f(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tells on a channel from which thread it was dropped.
    struct Tells(std::sync::mpsc::Sender<std::thread::ThreadId>);

    impl Drop for Tells {
        fn drop(&mut self) {
            let _ = self.0.send(std::thread::current().id());
        }
    }

    #[test]
    fn background_tasks_are_done_when_the_scope_returns() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        for (worth, jobs) in [(true, 2), (false, 2), (true, 1)] {
            let done = AtomicUsize::new(0);
            let (seen_at_once, returned) = with_jobs(jobs, || {
                scope(worth, |background| {
                    background.spawn(|| {
                        done.fetch_add(1, Ordering::SeqCst);
                    });
                    let seen_at_once = done.load(Ordering::SeqCst);
                    for _ in 0..99 {
                        background.spawn(|| {
                            done.fetch_add(1, Ordering::SeqCst);
                        });
                    }
                    (seen_at_once, "the result")
                })
            });
            assert_eq!(returned, "the result");
            assert_eq!(
                done.load(Ordering::SeqCst),
                100,
                "worth {worth}, {jobs} jobs"
            );
            if !worth || jobs == 1 {
                assert_eq!(
                    seen_at_once, 1,
                    "in line, a task runs when it is handed over"
                );
            }
        }
    }

    #[test]
    fn values_dropped_beside_are_dropped_on_another_thread_or_in_line() {
        let (sender, dropped) = std::sync::mpsc::channel();
        let caller = with_jobs(2, || {
            drop_beside(Tells(sender.clone()));
            std::thread::current().id()
        });
        let by = dropped
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("dropped");
        assert_ne!(by, caller, "two threads: freed by the other");
        let caller = with_jobs(1, || {
            drop_beside(Tells(sender));
            std::thread::current().id()
        });
        assert_eq!(dropped.try_recv(), Ok(caller), "one thread: freed in line");
    }

    #[test]
    fn keeps_the_input_order_on_many_threads() {
        let items: Vec<u64> = (0..1000).collect();
        let squares = with_jobs(4, || {
            assert_eq!(jobs(), 4);
            // Uneven work, so threads finish out of order.
            map(&items, |&x| {
                if x % 7 == 0 {
                    std::thread::sleep(std::time::Duration::from_micros(50));
                }
                x * x
            })
        });
        assert_eq!(squares, items.iter().map(|x| x * x).collect::<Vec<_>>());
    }

    #[test]
    fn nested_maps_keep_their_order_and_use_the_pool() {
        let outer: Vec<usize> = (0..6).collect();
        let (sums, threads) = with_jobs(3, || {
            let threads = std::sync::Mutex::new(std::collections::BTreeSet::new());
            let sums = map(&outer, |&i| {
                let inner: Vec<usize> = (0..i * 50).collect();
                let results = map(&inner, |&j| {
                    threads
                        .lock()
                        .unwrap()
                        .insert(std::thread::current().name().map(String::from));
                    j
                });
                assert_eq!(results, inner, "the inner map keeps its order");
                results.iter().sum::<usize>()
            });
            (sums, threads.into_inner().unwrap())
        });
        let expected: Vec<usize> = outer.iter().map(|&i| (0..i * 50).sum()).collect();
        assert_eq!(sums, expected);
        // Every thread that ran an item belongs to this call's pool, none to another.
        assert!(
            threads
                .iter()
                .all(|n| n.as_deref().is_some_and(|n| n.starts_with("revmark-"))),
            "{threads:?}"
        );
    }

    #[test]
    fn one_job_runs_every_item_on_one_thread() {
        let ids = with_jobs(1, || map(&[1, 2, 3, 4], |_| std::thread::current().id()));
        assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    }

    #[test]
    fn joins_two_results_in_order() {
        let (a, (b, c)) = with_jobs(2, || join(true, || 1, || join(true, || "two", || 3.0)));
        assert_eq!((a, b, c), (1, "two", 3.0));
    }

    // The work beside is done when `beside` returns, with one thread or two; `f`'s result is
    // returned.
    #[test]
    fn work_beside_is_done_on_return() {
        for jobs in [1, 2] {
            let done = std::sync::atomic::AtomicBool::new(false);
            let result = with_jobs(jobs, || {
                beside(
                    || done.store(true, std::sync::atomic::Ordering::SeqCst),
                    || 7,
                )
            });
            assert_eq!(result, 7);
            assert!(
                done.load(std::sync::atomic::Ordering::SeqCst),
                "{jobs} jobs"
            );
        }
    }

    #[test]
    fn maps_empty_and_single_inputs() {
        let none: Vec<u8> = Vec::new();
        assert!(map(&none, |&x| x).is_empty());
        assert_eq!(map(&[5u8], |&x| x + 1), vec![6]);
    }
}
