//! The persisted triage model, so short-lived processes load it instead of training.

use diesel::prelude::*;

use super::schema::triage_models;
use super::{DbConn, StoreError, new_id, now};

/// Saves a model and drops older ones.
pub fn save(conn: &mut DbConn, model: &[u8], examples: i32) -> Result<(), StoreError> {
    let id = new_id();
    diesel::insert_into(triage_models::table)
        .values((
            triage_models::id.eq(&id),
            triage_models::model.eq(model),
            triage_models::examples.eq(examples),
            triage_models::created_at.eq(now()),
        ))
        .execute(conn)?;
    diesel::delete(triage_models::table.filter(triage_models::id.ne(&id))).execute(conn)?;
    Ok(())
}

/// The newest model's id and bytes.
pub fn latest(conn: &mut DbConn) -> Result<Option<(String, Vec<u8>)>, StoreError> {
    Ok(triage_models::table
        .order(triage_models::created_at.desc())
        .select((triage_models::id, triage_models::model))
        .first(conn)
        .optional()?)
}

/// The newest model's id only (cheap check whether a reload is due).
pub fn latest_id(conn: &mut DbConn) -> Result<Option<String>, StoreError> {
    Ok(triage_models::table
        .order(triage_models::created_at.desc())
        .select(triage_models::id)
        .first(conn)
        .optional()?)
}
