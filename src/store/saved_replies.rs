//! Saved replies: texts an agent inserts into a reply, their own or the team's.

use diesel::prelude::*;

use super::schema::saved_replies;
use super::{DbConn, StoreError};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = saved_replies)]
pub struct SavedReply {
    pub id: String,
    /// `None`: shared with the team.
    pub owner_id: Option<String>,
    pub title: String,
    pub body: String,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// The replies `user_id` may use: the team's and their own, by title.
pub fn visible_to(conn: &mut DbConn, user_id: &str) -> Result<Vec<SavedReply>, StoreError> {
    Ok(saved_replies::table
        .filter(
            saved_replies::owner_id
                .is_null()
                .or(saved_replies::owner_id.eq(user_id)),
        )
        .order((saved_replies::title.asc(), saved_replies::id.asc()))
        .select(SavedReply::as_select())
        .load(conn)?)
}

pub fn get(conn: &mut DbConn, id: &str) -> Result<Option<SavedReply>, StoreError> {
    Ok(saved_replies::table
        .find(id)
        .select(SavedReply::as_select())
        .first(conn)
        .optional()?)
}

pub fn insert(conn: &mut DbConn, row: &SavedReply) -> Result<(), StoreError> {
    diesel::insert_into(saved_replies::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn update(
    conn: &mut DbConn,
    id: &str,
    title: &str,
    body: &str,
    owner_id: Option<&str>,
    at: chrono::NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::update(saved_replies::table.find(id))
        .set((
            saved_replies::title.eq(title),
            saved_replies::body.eq(body),
            saved_replies::owner_id.eq(owner_id),
            saved_replies::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn delete(conn: &mut DbConn, id: &str) -> Result<(), StoreError> {
    diesel::delete(saved_replies::table.find(id)).execute(conn)?;
    Ok(())
}
