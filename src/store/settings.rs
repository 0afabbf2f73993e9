//! Settings changed at run time (the automation dial); read by every process.

use diesel::prelude::*;

use super::schema::settings;
use super::{DbConn, StoreError, now};

pub fn all(conn: &mut DbConn) -> Result<Vec<(String, String)>, StoreError> {
    Ok(settings::table
        .select((settings::key, settings::value))
        .load(conn)?)
}

pub fn set(conn: &mut DbConn, key: &str, value: &str) -> Result<(), StoreError> {
    let updated = diesel::update(settings::table.find(key))
        .set((settings::value.eq(value), settings::updated_at.eq(now())))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(settings::table)
            .values((
                settings::key.eq(key),
                settings::value.eq(value),
                settings::updated_at.eq(now()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Replaces `key`'s value only if it is still `expected`; true for the one caller that did.
/// A single conditional UPDATE, so concurrent callers cannot both win: SQLite runs one
/// writer at a time, and PostgreSQL re-checks the condition after the row lock is released.
pub fn replace_if(
    conn: &mut DbConn,
    key: &str,
    expected: &str,
    value: &str,
) -> Result<bool, StoreError> {
    let updated = diesel::update(
        settings::table
            .filter(settings::key.eq(key))
            .filter(settings::value.eq(expected)),
    )
    .set((settings::value.eq(value), settings::updated_at.eq(now())))
    .execute(conn)?;
    Ok(updated == 1)
}

/// The row the health check writes (and rolls back) to prove writes work.
const PROBE_KEY: &str = "health_probe";

/// Proves that a write transaction can change a row right now, then rolls it back, so
/// the check leaves nothing behind.
pub fn probe_write(conn: &mut DbConn) -> Result<(), StoreError> {
    enum Probe {
        Wrote,
        Failed(StoreError),
    }
    impl From<diesel::result::Error> for Probe {
        fn from(e: diesel::result::Error) -> Self {
            Probe::Failed(e.into())
        }
    }
    let result = super::transaction(conn, |c| -> Result<(), Probe> {
        set(c, PROBE_KEY, &now().to_string()).map_err(Probe::Failed)?;
        Err(Probe::Wrote)
    });
    match result {
        Ok(()) | Err(Probe::Wrote) => Ok(()),
        Err(Probe::Failed(e)) => Err(e),
    }
}

pub fn get(conn: &mut DbConn, key: &str) -> Result<Option<String>, StoreError> {
    Ok(settings::table
        .find(key)
        .select(settings::value)
        .first(conn)
        .optional()?)
}

/// The value of `key`, set to `value` first when it has none. Two processes racing to
/// set it both get the one that was stored first. The insert does nothing on a conflict
/// rather than fail: on PostgreSQL a failed statement ends the caller's transaction
/// (two ingest writers' first emails were answered "try again" that way).
pub fn get_or_insert(conn: &mut DbConn, key: &str, value: &str) -> Result<String, StoreError> {
    if let Some(v) = get(conn, key)? {
        return Ok(v);
    }
    let insert = diesel::insert_into(settings::table).values((
        settings::key.eq(key),
        settings::value.eq(value),
        settings::updated_at.eq(now()),
    ));
    match conn {
        DbConn::Sqlite(c) => insert.on_conflict_do_nothing().execute(c)?,
        DbConn::Postgres(c) => insert.on_conflict_do_nothing().execute(c)?,
    };
    get(conn, key)?.ok_or_else(|| StoreError::Conflict(format!("setting {key} vanished")))
}
