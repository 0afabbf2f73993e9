//! The SQLite full-text index's queue (migration `search_queue`): messages wait in
//! `message_search_queue` until the transaction that wrote them drains it, so FTS5 gets
//! one segment per transaction, not one per savepoint. PostgreSQL indexes in place.

use diesel::connection::SimpleConnection;
use diesel::sql_types::BigInt;
use diesel::{QueryableByName, RunQueryDsl, SqliteConnection};

#[derive(QueryableByName)]
struct Queued {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Moves queued messages into the FTS5 index. Reads first, so a transaction that queued
/// nothing (the common case) does not write.
pub fn index_queued(conn: &mut SqliteConnection) -> diesel::QueryResult<()> {
    let queued: Queued =
        diesel::sql_query("SELECT EXISTS (SELECT 1 FROM message_search_queue) AS n")
            .get_result(conn)?;
    if queued.n == 0 {
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

/// Indexes what autocommit writes left queued (rare: most messages are written in
/// transactions, which drain the queue themselves), so a search sees every message.
pub fn drain(conn: &mut crate::store::DbConn) -> Result<(), crate::store::StoreError> {
    let crate::store::DbConn::Sqlite(c) = conn else {
        return Ok(());
    };
    let queued: Queued =
        diesel::sql_query("SELECT EXISTS (SELECT 1 FROM message_search_queue) AS n")
            .get_result(c)?;
    if queued.n == 1 {
        crate::store::transaction(conn, |_| Ok::<_, crate::store::StoreError>(()))?;
    }
    Ok(())
}
