//! A small worker pool: the calling thread produces items (e.g. streams them out of a
//! file) into a bounded channel, so at most a few items are in memory at once, and each
//! worker folds the items it takes into its own accumulator.

use std::sync::mpsc::sync_channel;
use std::sync::Mutex;

use crate::guard::guarded;

/// Items waiting per worker: enough to keep workers busy, small enough to keep memory
/// flat when items are large.
const QUEUE_PER_WORKER: usize = 2;

/// Stack of each worker: engines may recurse deeply on adversarial documents, and a
/// stack overflow cannot be caught like a panic. Only touched pages cost memory.
const WORKER_STACK: usize = 64 << 20;

/// Feeds `items` to `threads` workers and returns their accumulators. A panic in `work`
/// is caught (the item is lost, the worker keeps going) and reported through
/// `on_panic` on that worker's accumulator.
pub fn run_parallel<T, A, I>(
    items: I,
    threads: usize,
    init: impl Fn() -> A + Sync,
    work: impl Fn(&mut A, T) + Sync,
) -> Vec<A>
where
    T: Send,
    A: Send + PanicSink,
    I: Iterator<Item = T>,
{
    let threads = threads.max(1);
    let (tx, rx) = sync_channel::<T>(threads * QUEUE_PER_WORKER);
    let rx = Mutex::new(rx);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let builder = std::thread::Builder::new()
                    .name(format!("conformance-worker-{i}"))
                    .stack_size(WORKER_STACK);
                let spawned = builder.spawn_scoped(scope, || {
                    let mut acc = init();
                    loop {
                        // The lock is held only while waiting for the next item.
                        let next = {
                            let guard = rx.lock().unwrap_or_else(|p| p.into_inner());
                            guard.recv()
                        };
                        let Ok(item) = next else { break };
                        if let Err(msg) = guarded(|| work(&mut acc, item)) {
                            acc.on_panic(msg);
                        }
                    }
                    acc
                });
                spawned.ok()
            })
            .collect();
        if handles.iter().all(Option::is_none) {
            // No thread could be started: work on this one instead.
            let mut acc = init();
            for item in items {
                if let Err(msg) = guarded(|| work(&mut acc, item)) {
                    acc.on_panic(msg);
                }
            }
            return vec![acc];
        }
        for item in items {
            if tx.send(item).is_err() {
                break;
            }
        }
        drop(tx);
        handles
            .into_iter()
            .flatten()
            .map(|h| h.join().unwrap_or_else(|_| init()))
            .collect()
    })
}

/// Accumulators that can record a panic escaping a work item.
pub trait PanicSink {
    /// Records that a work item panicked.
    fn on_panic(&mut self, msg: String);
}

impl PanicSink for crate::report::Aggregate {
    fn on_panic(&mut self, msg: String) {
        self.panics += 1;
        self.error(format!("the runner panicked on an item: {msg}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl PanicSink for Vec<usize> {
        fn on_panic(&mut self, _msg: String) {}
    }

    #[test]
    fn all_items_processed() {
        let parts = run_parallel(0..1000usize, 3, Vec::new, |acc: &mut Vec<usize>, x| {
            acc.push(x)
        });
        assert_eq!(parts.len(), 3);
        let mut all: Vec<usize> = parts.into_iter().flatten().collect();
        all.sort();
        assert_eq!(all, (0..1000).collect::<Vec<_>>());
    }

    #[test]
    fn panics_are_contained() {
        let parts = run_parallel(0..10usize, 2, Vec::new, |acc: &mut Vec<usize>, x| {
            if x == 5 {
                panic!("five");
            }
            acc.push(x);
        });
        assert_eq!(parts.into_iter().flatten().count(), 9);
    }
}
