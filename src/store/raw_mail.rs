//! Raw inbound mail, stored before any other work so that nothing a customer sent is lost.

use diesel::prelude::*;

use super::models::RawMailRow;
use super::schema::raw_mail;
use super::{DbConn, StoreError, new_id, now};

pub const RECEIVED: &str = "received";
pub const PROCESSED: &str = "processed";
pub const REJECTED: &str = "rejected";

/// What storing a raw message found.
pub enum Stored {
    New(RawMailRow),
    Seen(RawMailRow),
}

/// Stores the bytes under `dedup_key` unless that key is known already.
pub fn store(conn: &mut DbConn, dedup_key: &str, raw: &[u8]) -> Result<Stored, StoreError> {
    if let Some(existing) = get_by_key(conn, dedup_key)? {
        return Ok(Stored::Seen(existing));
    }
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
    };
    match diesel::insert_into(raw_mail::table)
        .values(&row)
        .execute(conn)
    {
        Ok(_) => Ok(Stored::New(row)),
        // Another process stored the same message between our look-up and insert.
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => get_by_key(conn, dedup_key)?
            .map(Stored::Seen)
            .ok_or(StoreError::NotFound),
        Err(e) => Err(e.into()),
    }
}

pub fn get_by_key(conn: &mut DbConn, dedup_key: &str) -> Result<Option<RawMailRow>, StoreError> {
    Ok(raw_mail::table
        .filter(raw_mail::dedup_key.eq(dedup_key))
        .select(RawMailRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn mark_processed(conn: &mut DbConn, id: &str, ticket_id: &str) -> Result<(), StoreError> {
    diesel::update(raw_mail::table.find(id))
        .set((
            raw_mail::status.eq(PROCESSED),
            raw_mail::ticket_id.eq(ticket_id),
            raw_mail::processed_at.eq(now()),
            raw_mail::error.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn mark_rejected(conn: &mut DbConn, id: &str, error: &str) -> Result<(), StoreError> {
    diesel::update(raw_mail::table.find(id))
        .set((
            raw_mail::status.eq(REJECTED),
            raw_mail::error.eq(error),
            raw_mail::processed_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn count_by_status(conn: &mut DbConn, status: &str) -> Result<i64, StoreError> {
    Ok(raw_mail::table
        .filter(raw_mail::status.eq(status))
        .count()
        .get_result(conn)?)
}
