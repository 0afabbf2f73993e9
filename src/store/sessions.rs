//! Console sessions, kept in the database so they can be revoked and shared by processes.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::SessionRow;
use super::schema::sessions;
use super::{DbConn, StoreError};

pub fn insert(conn: &mut DbConn, row: &SessionRow) -> Result<(), StoreError> {
    diesel::insert_into(sessions::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn get(conn: &mut DbConn, token_hash: &str) -> Result<Option<SessionRow>, StoreError> {
    Ok(sessions::table
        .find(token_hash)
        .select(SessionRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn touch(conn: &mut DbConn, token_hash: &str, at: NaiveDateTime) -> Result<(), StoreError> {
    diesel::update(sessions::table.find(token_hash))
        .set(sessions::last_seen_at.eq(at))
        .execute(conn)?;
    Ok(())
}

/// Sets the token the session's forms must carry.
pub fn set_csrf(conn: &mut DbConn, token_hash: &str, csrf: &str) -> Result<(), StoreError> {
    diesel::update(sessions::table.find(token_hash))
        .set(sessions::csrf_token.eq(csrf))
        .execute(conn)?;
    Ok(())
}

pub fn delete(conn: &mut DbConn, token_hash: &str) -> Result<(), StoreError> {
    diesel::delete(sessions::table.find(token_hash)).execute(conn)?;
    Ok(())
}

pub fn delete_for_user(conn: &mut DbConn, user_id: &str) -> Result<usize, StoreError> {
    Ok(diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)?)
}

/// Ends the user's sessions except `keep` (the one changing the password stays signed in).
pub fn delete_for_user_except(
    conn: &mut DbConn,
    user_id: &str,
    keep: &str,
) -> Result<usize, StoreError> {
    Ok(diesel::delete(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::token_hash.ne(keep)),
    )
    .execute(conn)?)
}
