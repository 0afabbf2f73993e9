//! Console users (agents, supervisors, admins).

use diesel::prelude::*;

use super::models::UserRow;
use super::schema::users;
use super::reused::Reused;
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

/// Runs `f` while no other sign-in check of the account (`user_id`) or from the client
/// address (`address`) runs on another server: on PostgreSQL in one transaction holding
/// the account's row and a lock named by the address (in that order everywhere, so they
/// never wait on each other in a circle). SQLite is one machine's: the process's own
/// locks order it.
pub fn with_sign_in_locked<T, E: From<diesel::result::Error> + From<StoreError>>(
    conn: &mut DbConn,
    user_id: Option<&str>,
    address: Option<&str>,
    f: impl FnOnce(&mut DbConn) -> Result<T, E>,
) -> Result<T, E> {
    if !matches!(conn, DbConn::Postgres(_)) || (user_id.is_none() && address.is_none()) {
        return f(conn);
    }
    super::transaction(conn, |c| {
        if let Some(id) = user_id {
            Reused(diesel::update(users::table.find(id)).set(users::active.eq(users::active)))
                .execute(c)
                .map_err(StoreError::from)?;
        }
        if let Some(address) = address {
            diesel::sql_query(
                "SELECT pg_advisory_xact_lock(hashtext($1), hashtext(current_schema()))",
            )
            .bind::<diesel::sql_types::Text, _>(format!("tandem sign-in from {address}"))
            .execute(c)
            .map_err(StoreError::from)?;
        }
        f(c)
    })
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

/// Turns a person's single-letter keyboard shortcuts, and opening the next ticket after
/// sending, on or off.
pub fn set_keys(conn: &mut DbConn, id: &str, single_keys: bool, open_next: bool) -> Result<(), StoreError> {
    diesel::update(users::table.find(id))
        .set((users::single_keys.eq(single_keys), users::open_next.eq(open_next)))
        .execute(conn)?;
    Ok(())
}

/// Sets the console language a person chose.
pub fn set_console_language(conn: &mut DbConn, id: &str, code: &str) -> Result<(), StoreError> {
    diesel::update(users::table.find(id))
        .set(users::console_language.eq(code))
        .execute(conn)?;
    Ok(())
}

/// The active user who speaks `language` (in their languages list) and owns the fewest
/// open tickets, if any.
pub fn least_busy_speaker(conn: &mut DbConn, language: &str) -> Result<Option<String>, StoreError> {
    use super::schema::tickets;
    let speakers: Vec<(String, String)> = users::table
        .filter(users::active.eq(true))
        .select((users::id, users::languages))
        .load(conn)?;
    let mut best: Option<(i64, String)> = None;
    for (id, languages) in speakers {
        if !languages.split(',').any(|l| l.trim() == language) {
            continue;
        }
        let open: i64 = tickets::table
            .filter(tickets::assignee_id.eq(&id))
            .filter(tickets::status.eq_any(crate::domain::ticket::WAITING_FOR_PERSON))
            .count()
            .get_result(conn)?;
        if best.as_ref().is_none_or(|(n, _)| open < *n) {
            best = Some((open, id));
        }
    }
    Ok(best.map(|(_, id)| id))
}

/// Replaces the user's password hash.
pub fn set_password_hash(conn: &mut DbConn, id: &str, hash: &str) -> Result<(), StoreError> {
    let n = diesel::update(users::table.find(id))
        .set(users::password_hash.eq(hash))
        .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The user's stored second-factor secret (sealed, or plain without a secret key).
pub fn totp_secret(conn: &mut DbConn, id: &str) -> Result<Option<String>, StoreError> {
    Ok(users::table
        .find(id)
        .select(users::totp_secret)
        .first(conn)?)
}

/// Sets (or with `None` removes) the second-factor secret; forgets the last used step.
pub fn set_totp_secret(
    conn: &mut DbConn,
    id: &str,
    secret: Option<&str>,
) -> Result<(), StoreError> {
    diesel::update(users::table.find(id))
        .set((
            users::totp_secret.eq(secret),
            users::totp_last_step.eq(None::<i64>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records that the code of time step `step` was used; false if that step (or a later
/// one) was used already, so one code signs in once even when two requests race.
pub fn accept_totp_step(conn: &mut DbConn, id: &str, step: i64) -> Result<bool, StoreError> {
    let n = diesel::update(
        users::table.find(id).filter(
            users::totp_last_step
                .is_null()
                .or(users::totp_last_step.lt(step)),
        ),
    )
    .set(users::totp_last_step.eq(step))
    .execute(conn)?;
    Ok(n == 1)
}

/// Ids of the users with a second factor.
pub fn with_totp(conn: &mut DbConn) -> Result<Vec<String>, StoreError> {
    Ok(users::table
        .filter(users::totp_secret.is_not_null())
        .select(users::id)
        .load(conn)?)
}
