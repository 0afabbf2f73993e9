//! A scratch table for `tandem bench`: the rate of single-row transactions the store
//! sustains, the yardstick the ingest rate is compared with (same store, same run).

use std::time::Instant;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;

use super::{DbConn, StoreError, new_id};

const TABLE: &str = "bench_single_row";

/// Commits `count` transactions of one 500-byte row each, the way ingest commits (on
/// SQLite `BEGIN IMMEDIATE`, on PostgreSQL a plain transaction), and returns them per
/// second. The scratch table is dropped afterwards.
pub fn single_row_transactions(conn: &mut DbConn, count: usize) -> Result<f64, StoreError> {
    conn.batch_execute(&format!(
        "DROP TABLE IF EXISTS {TABLE}; CREATE TABLE {TABLE} (id TEXT PRIMARY KEY, body TEXT NOT NULL)"
    ))?;
    let body = "x".repeat(500);
    let started = Instant::now();
    for _ in 0..count {
        let id = new_id();
        super::transaction(conn, |c| match c {
            DbConn::Sqlite(c) => {
                diesel::sql_query(format!("INSERT INTO {TABLE} (id, body) VALUES (?, ?)"))
                    .bind::<Text, _>(&id)
                    .bind::<Text, _>(&body)
                    .execute(c)
            }
            DbConn::Postgres(c) => {
                diesel::sql_query(format!("INSERT INTO {TABLE} (id, body) VALUES ($1, $2)"))
                    .bind::<Text, _>(&id)
                    .bind::<Text, _>(&body)
                    .execute(c)
            }
        })?;
    }
    let rate = count as f64 / started.elapsed().as_secs_f64();
    conn.batch_execute(&format!("DROP TABLE {TABLE}"))?;
    Ok(rate)
}
