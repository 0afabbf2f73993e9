//! Running `tandem serve` processes, each refreshing its row (a heartbeat), so that a
//! short-lived `ingest-mail` knows whether a server will process what it stored.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::schema::servers;
use super::{DbConn, StoreError};

/// Records (or refreshes) a server's heartbeat; rows silent for an hour are dropped.
pub fn beat(
    conn: &mut DbConn,
    id: &str,
    host: &str,
    pid: i32,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    let updated = diesel::update(servers::table.find(id))
        .set(servers::seen_at.eq(at))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(servers::table)
            .values((
                servers::id.eq(id),
                servers::host.eq(host),
                servers::pid.eq(pid),
                servers::started_at.eq(at),
                servers::seen_at.eq(at),
            ))
            .execute(conn)?;
        diesel::delete(servers::table.filter(servers::seen_at.lt(at - Duration::hours(1))))
            .execute(conn)?;
    }
    Ok(())
}

/// A server stopped cleanly: its row goes.
pub fn remove(conn: &mut DbConn, id: &str) -> Result<(), StoreError> {
    diesel::delete(servers::table.find(id)).execute(conn)?;
    Ok(())
}

/// Servers seen since `since`.
pub fn count_seen_since(conn: &mut DbConn, since: NaiveDateTime) -> Result<i64, StoreError> {
    Ok(servers::table
        .filter(servers::seen_at.ge(since))
        .count()
        .get_result(conn)?)
}
