//! Turns at SQLite's write lock for the threads of one process, first come, first served.
//!
//! SQLite gives its write lock to whichever connection asks while it is free. A connection
//! that found it taken sleeps (1, 2, 5 … 100 ms) and asks again. Under a burst the ingest
//! writer commits one group after another and asks again microseconds after its own
//! commit, so a connection asleep in that back-off seldom finds the lock free: the outbox
//! worker sent 316 of 3,000 replies during such a burst, and at the end of a soak on a
//! loaded machine 39,106 of 60,000 replies were still waiting. Customers answered
//! automatically got the answer minutes late.
//!
//! So each top-level write transaction of a process first waits here for its turn, in
//! the order the turns were asked for (a ticket lock), and only then asks SQLite. A write
//! waits behind at most the transactions that asked before it. Other processes (an
//! `ingest-mail` pipe beside `serve`) still meet this one at SQLite's own lock.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Condvar, LazyLock, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// One database file's turns.
#[derive(Default)]
pub(crate) struct Turns {
    queue: Mutex<Queue>,
    changed: Condvar,
}

#[derive(Default)]
struct Queue {
    /// The ticket the next thread to ask gets.
    next: u64,
    /// The ticket whose turn it is; equal to `next` when nobody holds or waits.
    serving: u64,
    /// Tickets whose holders stopped waiting: skipped when their turn comes.
    given_up: BTreeSet<u64>,
}

/// A turn, held until it is dropped.
pub(crate) struct Turn<'a> {
    turns: &'a Turns,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        let mut guard = self.turns.lock();
        let queue = &mut *guard;
        queue.serving += 1;
        while queue.given_up.remove(&queue.serving) {
            queue.serving += 1;
        }
        drop(guard);
        self.turns.changed.notify_all();
    }
}

/// How long a transaction waits for its turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// Up to this long; then it fails as SQLite's busy timeout would ("database is
    /// locked", answered "try again").
    UpTo(Duration),
    /// Only if no other thread holds or waits for a turn: work that can be left for later
    /// (indexing for search) must not delay the writes queued behind it.
    IfFree,
}

impl Turns {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        // Nothing panics while the queue is locked; a poisoned lock still holds a sound queue.
        self.queue
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Takes a turn, waiting as `wait` says; `None` when it was not given in time.
    pub(crate) fn take(&self, wait: Wait) -> Option<Turn<'_>> {
        let mut queue = self.lock();
        let limit = match wait {
            Wait::IfFree if queue.serving != queue.next => return None,
            Wait::IfFree => Duration::ZERO,
            Wait::UpTo(limit) => limit,
        };
        let ticket = queue.next;
        queue.next += 1;
        let deadline = Instant::now() + limit;
        while queue.serving != ticket {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                queue.given_up.insert(ticket);
                return None;
            }
            queue = self
                .changed
                .wait_timeout(queue, left)
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .0;
        }
        Some(Turn { turns: self })
    }

    /// How many threads wait for a turn (not counting the holder).
    #[cfg(test)]
    fn waiting(&self) -> usize {
        let queue = self.lock();
        let asked = (queue.next - queue.serving) as usize;
        asked.saturating_sub(1 + queue.given_up.len())
    }
}

static BY_FILE: LazyLock<Mutex<HashMap<String, Arc<Turns>>>> = LazyLock::new(Default::default);

/// The turns of the database at `file` (SQLite's name for it, as `pragma_database_list`
/// gives it), shared by every connection of this process to that file.
pub(crate) fn for_file(file: &str) -> Arc<Turns> {
    let mut by_file = BY_FILE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    by_file.entry(file.to_string()).or_default().clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    const LONG: Duration = Duration::from_secs(60);

    #[test]
    fn turns_are_given_in_the_order_they_were_asked_for() {
        let turns = Arc::new(Turns::default());
        let first = turns.take(Wait::IfFree).expect("free at first");
        let (order_tx, order_rx) = mpsc::channel();
        let mut waiters = Vec::new();
        for n in 0..4 {
            let mine = turns.clone();
            let order_tx = order_tx.clone();
            waiters.push(std::thread::spawn(move || {
                let _turn = mine.take(Wait::UpTo(LONG)).expect("a turn");
                order_tx.send(n).unwrap();
            }));
            // The next thread asks only once this one waits.
            while turns.waiting() < n + 1 {
                std::thread::yield_now();
            }
        }
        drop(first);
        for w in waiters {
            w.join().unwrap();
        }
        let order: Vec<usize> = order_rx.try_iter().collect();
        assert_eq!(order, vec![0, 1, 2, 3]);
    }

    #[test]
    fn a_thread_that_gave_up_waiting_does_not_hold_up_those_behind_it() {
        let turns = Arc::new(Turns::default());
        let first = turns.take(Wait::IfFree).expect("free at first");
        assert!(turns.take(Wait::IfFree).is_none(), "held: not free");
        assert!(turns.take(Wait::UpTo(Duration::from_millis(20))).is_none());
        let behind = {
            let turns = turns.clone();
            std::thread::spawn(move || turns.take(Wait::UpTo(LONG)).is_some())
        };
        while turns.waiting() < 1 {
            std::thread::yield_now();
        }
        drop(first);
        assert!(
            behind.join().unwrap(),
            "the turn passed over the one given up"
        );
        assert!(
            turns.take(Wait::IfFree).is_some(),
            "free again once all are done"
        );
    }

    #[test]
    fn a_turn_asked_only_if_free_is_refused_from_the_moment_another_is_owed_one() {
        let turns = Arc::new(Turns::default());
        let first = turns.take(Wait::IfFree).expect("free at first");
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let waiter = {
            let turns = turns.clone();
            std::thread::spawn(move || {
                let _turn = turns.take(Wait::UpTo(LONG)).expect("a turn");
                release_rx.recv().unwrap();
            })
        };
        while turns.waiting() < 1 {
            std::thread::yield_now();
        }
        drop(first);
        // The waiter's turn came with the release, whether or not it has woken yet.
        assert!(turns.take(Wait::IfFree).is_none());
        release_tx.send(()).unwrap();
        waiter.join().unwrap();
        assert!(turns.take(Wait::IfFree).is_some());
    }

    #[test]
    fn connections_to_one_file_share_their_turns_and_other_files_have_their_own() {
        let a = for_file("/tmp/write-turns-test-a.db");
        assert!(Arc::ptr_eq(&a, &for_file("/tmp/write-turns-test-a.db")));
        assert!(!Arc::ptr_eq(&a, &for_file("/tmp/write-turns-test-b.db")));
    }
}
