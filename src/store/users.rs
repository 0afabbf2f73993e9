//! Console users (agents, supervisors, admins).

use diesel::prelude::*;

use super::models::UserRow;
use super::schema::users;
use super::{DbConn, StoreError};

pub fn insert(conn: &mut DbConn, row: &UserRow) -> Result<(), StoreError> {
    diesel::insert_into(users::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find_by_email(conn: &mut DbConn, email: &str) -> Result<Option<UserRow>, StoreError> {
    Ok(users::table
        .filter(users::email.eq(email))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn get(conn: &mut DbConn, id: &str) -> Result<UserRow, StoreError> {
    Ok(users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)?)
}

pub fn all(conn: &mut DbConn) -> Result<Vec<UserRow>, StoreError> {
    Ok(users::table
        .order(users::name.asc())
        .select(UserRow::as_select())
        .load(conn)?)
}

pub fn count(conn: &mut DbConn) -> Result<i64, StoreError> {
    Ok(users::table.count().get_result(conn)?)
}

pub fn count_active_agents(conn: &mut DbConn) -> Result<i64, StoreError> {
    Ok(users::table
        .filter(users::active.eq(true))
        .count()
        .get_result(conn)?)
}

pub fn update_profile(
    conn: &mut DbConn,
    id: &str,
    role: &str,
    active: bool,
    languages: &str,
) -> Result<(), StoreError> {
    diesel::update(users::table.find(id))
        .set((
            users::role.eq(role),
            users::active.eq(active),
            users::languages.eq(languages),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_password(conn: &mut DbConn, id: &str, hash: &str) -> Result<(), StoreError> {
    diesel::update(users::table.find(id))
        .set(users::password_hash.eq(hash))
        .execute(conn)?;
    Ok(())
}
