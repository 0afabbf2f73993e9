//! One-time links for console users (password reset, invitation, the second sign-in
//! step), keyed by the SHA-256 of their token: the token itself is never stored.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::UserTokenRow;
use super::schema::user_tokens;
use super::{DbConn, StoreError};

pub fn insert(conn: &mut DbConn, row: &UserTokenRow) -> Result<(), StoreError> {
    diesel::insert_into(user_tokens::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The token if it is unused, unexpired at `at` and of one of `purposes`.
pub fn find_live(
    conn: &mut DbConn,
    token_hash: &str,
    purposes: &[&str],
    at: NaiveDateTime,
) -> Result<Option<UserTokenRow>, StoreError> {
    Ok(user_tokens::table
        .find(token_hash)
        .filter(user_tokens::purpose.eq_any(purposes))
        .filter(user_tokens::used_at.is_null())
        .filter(user_tokens::expires_at.gt(at))
        .select(UserTokenRow::as_select())
        .first(conn)
        .optional()?)
}

/// Spends the token: one conditional UPDATE, so of concurrent callers exactly one gets
/// the row back (SQLite runs one writer at a time; PostgreSQL re-checks the condition
/// after the row lock is released).
pub fn consume(
    conn: &mut DbConn,
    token_hash: &str,
    purposes: &[&str],
    at: NaiveDateTime,
) -> Result<Option<UserTokenRow>, StoreError> {
    let spent = diesel::update(
        user_tokens::table
            .find(token_hash)
            .filter(user_tokens::purpose.eq_any(purposes))
            .filter(user_tokens::used_at.is_null())
            .filter(user_tokens::expires_at.gt(at)),
    )
    .set(user_tokens::used_at.eq(at))
    .execute(conn)?;
    if spent != 1 {
        return Ok(None);
    }
    Ok(Some(
        user_tokens::table
            .find(token_hash)
            .select(UserTokenRow::as_select())
            .first(conn)?,
    ))
}

/// Removes the user's unused tokens of `purposes` (a new password makes older reset
/// links worthless).
pub fn delete_unused_for_user(
    conn: &mut DbConn,
    user_id: &str,
    purposes: &[&str],
) -> Result<usize, StoreError> {
    Ok(diesel::delete(
        user_tokens::table
            .filter(user_tokens::user_id.eq(user_id))
            .filter(user_tokens::purpose.eq_any(purposes))
            .filter(user_tokens::used_at.is_null()),
    )
    .execute(conn)?)
}

/// Tokens of `purpose` made for the user since `since` (caps mail a stranger can cause).
pub fn count_since(
    conn: &mut DbConn,
    user_id: &str,
    purpose: &str,
    since: NaiveDateTime,
) -> Result<i64, StoreError> {
    Ok(user_tokens::table
        .filter(user_tokens::user_id.eq(user_id))
        .filter(user_tokens::purpose.eq(purpose))
        .filter(user_tokens::created_at.ge(since))
        .count()
        .get_result(conn)?)
}

/// Moves a token's expiry (operators and tests: a link can be ended early).
pub fn set_expires_at(
    conn: &mut DbConn,
    token_hash: &str,
    at: NaiveDateTime,
) -> Result<usize, StoreError> {
    Ok(diesel::update(user_tokens::table.find(token_hash))
        .set(user_tokens::expires_at.eq(at))
        .execute(conn)?)
}

/// Forgets tokens that expired before `before` (used or not).
pub fn purge_expired(conn: &mut DbConn, before: NaiveDateTime) -> Result<usize, StoreError> {
    Ok(
        diesel::delete(user_tokens::table.filter(user_tokens::expires_at.lt(before)))
            .execute(conn)?,
    )
}
