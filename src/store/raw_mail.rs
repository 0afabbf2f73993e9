//! Raw inbound mail, stored before any other work so that nothing a customer sent is lost.
//!
//! The dedup key is a unique column and the insert is `ON CONFLICT DO NOTHING`, so any
//! number of concurrent copies of one message make one row, on both backends, without an
//! error that would abort a PostgreSQL transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::RawMailRow;
use super::reused::Reused;
use super::schema::raw_mail;
use super::{DbConn, StoreError, new_id, now};

pub const RECEIVED: &str = "received";
/// Stored by `ingest-mail` for a running server to process (its backlog worker).
pub const QUEUED: &str = "queued";
pub const PROCESSED: &str = "processed";
pub const REJECTED: &str = "rejected";
/// Stored, but it can never be processed (a bug, or it kept failing): an admin looks.
pub const FAILED: &str = "failed";

/// What storing a raw message found.
pub enum Stored {
    New(RawMailRow),
    Seen(RawMailRow),
}

/// Stores the bytes under `dedup_key` unless that key is known already; a copy that
/// arrives again while the first is unfinished counts as another attempt.
pub fn store(
    conn: &mut DbConn,
    dedup_key: &str,
    message_id: Option<&str>,
    raw: &[u8],
) -> Result<Stored, StoreError> {
    let row = RawMailRow {
        id: new_id(),
        dedup_key: dedup_key.to_string(),
        raw: raw.to_vec(),
        size: raw.len() as i64,
        status: RECEIVED.to_string(),
        error: None,
        ticket_id: None,
        received_at: now(),
        processed_at: None,
        message_id: message_id.map(str::to_string),
        attempts: 1,
    };
    let insert = diesel::insert_into(raw_mail::table).values(&row);
    let inserted = match conn {
        DbConn::Sqlite(c) => {
            Reused(insert.on_conflict(raw_mail::dedup_key).do_nothing()).execute(c)?
        }
        DbConn::Postgres(c) => {
            Reused(insert.on_conflict(raw_mail::dedup_key).do_nothing()).execute(c)?
        }
    };
    if inserted == 1 {
        return Ok(Stored::New(row));
    }
    Reused(
        diesel::update(
            raw_mail::table
                .filter(raw_mail::dedup_key.eq(dedup_key))
                .filter(raw_mail::status.ne(PROCESSED)),
        )
        .set(raw_mail::attempts.eq(raw_mail::attempts + 1)),
    )
    .execute(conn)?;
    get_by_key(conn, dedup_key)?
        .map(Stored::Seen)
        .ok_or(StoreError::NotFound)
}

/// Messages queued for a server, oldest first, taken by this transaction: on PostgreSQL
/// locked with `FOR UPDATE SKIP LOCKED` (another server takes the next ones); each counts
/// as an attempt, so one that keeps failing is parked in the end.
pub fn claim_queued(conn: &mut DbConn, limit: i64) -> Result<Vec<RawMailRow>, StoreError> {
    let query = || {
        raw_mail::table
            .filter(raw_mail::status.eq(QUEUED))
            .order(raw_mail::received_at.asc())
            .limit(limit)
    };
    let mut rows: Vec<RawMailRow> = match conn {
        DbConn::Sqlite(c) => query().select(RawMailRow::as_select()).load(c)?,
        DbConn::Postgres(c) => query()
            .select(RawMailRow::as_select())
            .for_update()
            .skip_locked()
            .load(c)?,
    };
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    if !ids.is_empty() {
        diesel::update(raw_mail::table.filter(raw_mail::id.eq_any(&ids)))
            .set(raw_mail::attempts.eq(raw_mail::attempts + 1))
            .execute(conn)?;
    }
    for row in &mut rows {
        row.attempts += 1;
    }
    Ok(rows)
}

/// Messages queued for a server, oldest first (read only).
pub fn queued(conn: &mut DbConn, limit: i64) -> Result<Vec<RawMailRow>, StoreError> {
    Ok(raw_mail::table
        .filter(raw_mail::status.eq(QUEUED))
        .order(raw_mail::received_at.asc())
        .limit(limit)
        .select(RawMailRow::as_select())
        .load(conn)?)
}

pub fn get_by_key(conn: &mut DbConn, dedup_key: &str) -> Result<Option<RawMailRow>, StoreError> {
    Ok(raw_mail::table
        .filter(raw_mail::dedup_key.eq(dedup_key))
        .select(RawMailRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn get(conn: &mut DbConn, id: &str) -> Result<RawMailRow, StoreError> {
    Ok(raw_mail::table
        .find(id)
        .select(RawMailRow::as_select())
        .first(conn)?)
}

/// Inside the processing transaction: locks the row (PostgreSQL makes a concurrent copy
/// wait here until the first commits; SQLite's `BEGIN IMMEDIATE` already serialises
/// writers) and returns its current status and ticket.
pub fn lock_status(conn: &mut DbConn, id: &str) -> Result<(String, Option<String>), StoreError> {
    Reused(diesel::update(raw_mail::table.find(id)).set(raw_mail::attempts.eq(raw_mail::attempts)))
        .execute(conn)?;
    Ok(raw_mail::table
        .find(id)
        .select((raw_mail::status, raw_mail::ticket_id))
        .first(conn)?)
}

/// Other stored messages that carry the same Message-ID (a reuse, or a squatter).
pub fn others_with_message_id(
    conn: &mut DbConn,
    message_id: &str,
    except_id: &str,
) -> Result<i64, StoreError> {
    Ok(raw_mail::table
        .filter(raw_mail::message_id.eq(message_id))
        .filter(raw_mail::id.ne(except_id))
        .count()
        .get_result(conn)?)
}

pub fn mark_processed(conn: &mut DbConn, id: &str, ticket_id: &str) -> Result<(), StoreError> {
    Reused(diesel::update(raw_mail::table.find(id)).set((
        raw_mail::status.eq(PROCESSED),
        raw_mail::ticket_id.eq(ticket_id),
        raw_mail::processed_at.eq(now()),
        raw_mail::error.eq(None::<String>),
    )))
    .execute(conn)?;
    Ok(())
}

/// Leaves a just-stored message to a server's backlog worker.
pub fn mark_queued(conn: &mut DbConn, id: &str) -> Result<(), StoreError> {
    Reused(
        diesel::update(
            raw_mail::table
                .find(id)
                .filter(raw_mail::status.eq(RECEIVED)),
        )
        .set(raw_mail::status.eq(QUEUED)),
    )
    .execute(conn)?;
    Ok(())
}

/// Queues for the servers' backlog worker the messages stored before `before` whose
/// processing never finished (left `received`: the process stopped, or the database
/// failed, and the sender's server did not try again, or handed it over when a server ran).
/// Returns how many.
pub fn queue_stranded(conn: &mut DbConn, before: NaiveDateTime) -> Result<usize, StoreError> {
    Ok(Reused(
        diesel::update(
            raw_mail::table
                .filter(raw_mail::status.eq(RECEIVED))
                .filter(raw_mail::received_at.lt(before)),
        )
        .set(raw_mail::status.eq(QUEUED)),
    )
    .execute(conn)?)
}

pub fn mark_rejected(conn: &mut DbConn, id: &str, error: &str) -> Result<(), StoreError> {
    mark_done(conn, id, REJECTED, error)
}

/// Parks a message that can never be processed, with the reason, for an admin.
pub fn mark_failed(conn: &mut DbConn, id: &str, error: &str) -> Result<(), StoreError> {
    mark_done(conn, id, FAILED, error)
}

fn mark_done(conn: &mut DbConn, id: &str, status: &str, error: &str) -> Result<(), StoreError> {
    Reused(
        diesel::update(
            raw_mail::table
                .find(id)
                .filter(raw_mail::status.ne(PROCESSED)),
        )
        .set((
            raw_mail::status.eq(status),
            raw_mail::error.eq(error.replace('\0', "")),
            raw_mail::processed_at.eq(now()),
        )),
    )
    .execute(conn)?;
    Ok(())
}

pub fn count_by_status(conn: &mut DbConn, status: &str) -> Result<i64, StoreError> {
    Ok(raw_mail::table
        .filter(raw_mail::status.eq(status))
        .count()
        .get_result(conn)?)
}

/// A stored message without its bytes, for lists.
#[derive(Debug, Clone, Queryable)]
pub struct RawMailSummary {
    pub id: String,
    pub message_id: Option<String>,
    pub size: i64,
    pub status: String,
    pub error: Option<String>,
    pub attempts: i32,
    pub received_at: NaiveDateTime,
    pub processed_at: Option<NaiveDateTime>,
}

/// The newest messages with this status, newest first.
pub fn list_by_status(
    conn: &mut DbConn,
    status: &str,
    limit: i64,
) -> Result<Vec<RawMailSummary>, StoreError> {
    Ok(raw_mail::table
        .filter(raw_mail::status.eq(status))
        .order(raw_mail::received_at.desc())
        .limit(limit)
        .select((
            raw_mail::id,
            raw_mail::message_id,
            raw_mail::size,
            raw_mail::status,
            raw_mail::error,
            raw_mail::attempts,
            raw_mail::received_at,
            raw_mail::processed_at,
        ))
        .load(conn)?)
}
