//! Integrations' API tokens, kept as SHA-256 hashes.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::api_tokens;
use super::{DbConn, StoreError};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    pub token_hash: String,
    pub scopes: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConn, row: &ApiToken) -> Result<(), StoreError> {
    diesel::insert_into(api_tokens::table).values(row).execute(conn)?;
    Ok(())
}

/// The live (not revoked) token with this hash.
pub fn find_live(conn: &mut DbConn, token_hash: &str) -> Result<Option<ApiToken>, StoreError> {
    Ok(api_tokens::table
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(api_tokens::revoked_at.is_null())
        .select(ApiToken::as_select())
        .first(conn)
        .optional()?)
}

/// Notes a use, at most once a minute per token (a busy integration writes little).
pub fn touch(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> Result<(), StoreError> {
    let minute_ago = at - chrono::Duration::minutes(1);
    diesel::update(
        api_tokens::table
            .find(id)
            .filter(api_tokens::last_used_at.is_null().or(api_tokens::last_used_at.lt(minute_ago))),
    )
    .set(api_tokens::last_used_at.eq(at))
    .execute(conn)?;
    Ok(())
}

pub fn all(conn: &mut DbConn) -> Result<Vec<ApiToken>, StoreError> {
    Ok(api_tokens::table
        .order(api_tokens::created_at.asc())
        .select(ApiToken::as_select())
        .load(conn)?)
}

/// Revokes a token by id or name; how many were revoked.
pub fn revoke(conn: &mut DbConn, id_or_name: &str, at: NaiveDateTime) -> Result<usize, StoreError> {
    Ok(diesel::update(
        api_tokens::table
            .filter(api_tokens::id.eq(id_or_name).or(api_tokens::name.eq(id_or_name)))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(at))
    .execute(conn)?)
}
