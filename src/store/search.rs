//! The SQLite full-text index's queue (migration `search_queue`): messages wait in
//! `message_search_queue` until a transaction indexes them, so FTS5 gets one segment per
//! indexing, not one per savepoint. Transactions index what is queued at most every
//! [`INDEX_EVERY`] ([`index_queued_when_due`]); a search first indexes everything queued
//! when the write lock is free ([`drain`]). PostgreSQL's trigger marks the message in
//! `search_stale` (migration `2026-12-04-200000_search_settled_after_commit`); `serve`
//! settles the marks every second ([`drain_in_background`]) and a search settles what is
//! left before it reads.
//!
//! Why not at every commit: writing FTS5's new segment (and merging older ones) cost the
//! ingest group commit about 0.8 ms whatever the group's size, a quarter of its time for
//! a group of eight messages; four times a second, it is paid for hundreds at once.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::sql_types::BigInt;
use diesel::{QueryableByName, RunQueryDsl, SqliteConnection};

#[derive(QueryableByName)]
struct Queued {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn anything_queued(conn: &mut SqliteConnection) -> diesel::QueryResult<bool> {
    let queued: Queued =
        diesel::sql_query("SELECT EXISTS (SELECT 1 FROM message_search_queue) AS n")
            .get_result(conn)?;
    Ok(queued.n == 1)
}

/// Moves queued messages into the FTS5 index. Reads first, so a transaction that queued
/// nothing (the common case) does not write.
fn index_queued(conn: &mut SqliteConnection) -> diesel::QueryResult<()> {
    if !anything_queued(conn)? {
        return Ok(());
    }
    conn.batch_execute(
        "INSERT INTO message_search (message_id, ticket_id, doc)
         SELECT m.id, m.ticket_id,
                m.subject || ' ' || m.body_text || ' ' || COALESCE(m.sender, '') || ' ' ||
                COALESCE((SELECT c.email || ' ' || COALESCE(c.name, '') FROM tickets t
                          JOIN customers c ON c.id = t.customer_id WHERE t.id = m.ticket_id), '')
         FROM message_search_queue q JOIN messages m ON m.id = q.message_id;
         DELETE FROM message_search_queue;",
    )
}

/// `serve`'s round: [`drain`] on SQLite; on PostgreSQL the marks are settled in chunks,
/// unless another server is at it.
pub fn drain_in_background(
    conn: &mut crate::store::DbConn,
) -> Result<(), crate::store::StoreError> {
    match conn {
        crate::store::DbConn::Sqlite(_) => drain(conn),
        crate::store::DbConn::Postgres(_) => settle_postgres(conn, false).map(|_| ()),
    }
}

fn settle_postgres(
    conn: &mut crate::store::DbConn,
    wait: bool,
) -> Result<usize, crate::store::StoreError> {
    crate::store::settle_marks(
        conn,
        crate::store::SoloJob::SettleSearch,
        "search_settle",
        "search_stale",
        wait,
    )
}

/// How often transactions index the queued messages.
pub const INDEX_EVERY: Duration = Duration::from_millis(250);

/// When this process last indexed (any of its databases: a process serves one, and a
/// search indexes whatever is queued first, so sharing the clock only moves work).
static LAST_INDEXED: Mutex<Option<Instant>> = Mutex::new(None);

/// [`index_queued`] when [`INDEX_EVERY`] has passed since this process last indexed,
/// inside the caller's transaction; else the messages stay queued for a later one.
pub(super) fn index_queued_when_due(conn: &mut SqliteConnection) -> diesel::QueryResult<()> {
    let due = LAST_INDEXED
        .lock()
        .map_or(true, |last| last.is_none_or(|t| t.elapsed() >= INDEX_EVERY));
    if !due {
        return Ok(());
    }
    index_queued(conn)?;
    if let Ok(mut last) = LAST_INDEXED.lock() {
        *last = Some(Instant::now());
    }
    Ok(())
}

/// Indexes everything queued, so that a search sees every message. Searches call it
/// first; `serve`'s background worker calls it every second, so the queue stays short
/// when no mail arrives.
///
/// Only when the write lock is free at once (no other thread of the process holds or
/// waits for a turn at it, no other process holds it): while the ingest writer held it
/// back to back, taking it waited 50-850 ms, a delay for an agent's search where the
/// writer indexes four times a second anyway. The search then finds every message but the
/// last quarter second's.
///
/// On PostgreSQL it waits for another server's settling to finish, then settles every
/// mark: the search sees every message committed before it.
pub fn drain(conn: &mut crate::store::DbConn) -> Result<(), crate::store::StoreError> {
    let crate::store::DbConn::Sqlite(c) = conn else {
        settle_postgres(conn, true)?;
        return Ok(());
    };
    if !anything_queued(c)? {
        return Ok(());
    }
    c.batch_execute("PRAGMA busy_timeout = 0")?;
    // The usual timeout comes back even after a panic: with no timeout every writer on
    // the pooled connection would give up at once.
    let indexed = crate::store::then_restore(
        conn,
        |conn| {
            crate::store::transaction_waiting(conn, crate::store::write_turns::Wait::IfFree, |c| {
                let crate::store::DbConn::Sqlite(c) = c else {
                    unreachable!("the backend does not change")
                };
                index_queued(c).map_err(crate::store::StoreError::from)
            })
        },
        |conn| {
            if let crate::store::DbConn::Sqlite(c) = conn {
                c.batch_execute(&format!(
                    "PRAGMA busy_timeout = {}",
                    crate::store::SQLITE_BUSY_TIMEOUT_MS
                ))?;
            }
            Ok(())
        },
    );
    match indexed {
        Err(e) if e.is_temporary() => Ok(()),
        other => other,
    }
}
