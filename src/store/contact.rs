//! The web form's rate limit and the customers' ratings of their answers.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{form_submissions, ticket_ratings};
use super::{DbConn, StoreError, new_id};

/// Records one form submission (hashed address and client) and forgets those older than
/// `forget_before`.
pub fn record_submission(
    conn: &mut DbConn,
    address_hash: &str,
    client_hash: &str,
    at: NaiveDateTime,
    forget_before: NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::delete(form_submissions::table.filter(form_submissions::created_at.lt(forget_before)))
        .execute(conn)?;
    diesel::insert_into(form_submissions::table)
        .values((
            form_submissions::id.eq(new_id()),
            form_submissions::address_hash.eq(address_hash),
            form_submissions::client_hash.eq(client_hash),
            form_submissions::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Submissions since `since`: (from this address, from this client).
pub fn submissions_since(
    conn: &mut DbConn,
    address_hash: &str,
    client_hash: &str,
    since: NaiveDateTime,
) -> Result<(i64, i64), StoreError> {
    let by_address = form_submissions::table
        .filter(form_submissions::address_hash.eq(address_hash))
        .filter(form_submissions::created_at.ge(since))
        .count()
        .get_result(conn)?;
    let by_client = form_submissions::table
        .filter(form_submissions::client_hash.eq(client_hash))
        .filter(form_submissions::created_at.ge(since))
        .count()
        .get_result(conn)?;
    Ok((by_address, by_client))
}

/// The customer's rating of a ticket's answer (a new click replaces the old one).
pub fn rate(
    conn: &mut DbConn,
    ticket_id: &str,
    helpful: bool,
    automated: bool,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    let updated = diesel::update(ticket_ratings::table.find(ticket_id))
        .set((
            ticket_ratings::helpful.eq(helpful),
            ticket_ratings::automated.eq(automated),
            ticket_ratings::rated_at.eq(at),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(ticket_ratings::table)
            .values((
                ticket_ratings::ticket_id.eq(ticket_id),
                ticket_ratings::helpful.eq(helpful),
                ticket_ratings::automated.eq(automated),
                ticket_ratings::rated_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn rating(conn: &mut DbConn, ticket_id: &str) -> Result<Option<bool>, StoreError> {
    Ok(ticket_ratings::table
        .find(ticket_id)
        .select(ticket_ratings::helpful)
        .first(conn)
        .optional()?)
}

/// Ratings given in `[from, to)`: (automated, helpful, count) per group.
pub fn ratings_between(
    conn: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<(bool, bool, i64)>, StoreError> {
    Ok(ticket_ratings::table
        .filter(ticket_ratings::rated_at.ge(from))
        .filter(ticket_ratings::rated_at.lt(to))
        .group_by((ticket_ratings::automated, ticket_ratings::helpful))
        .select((
            ticket_ratings::automated,
            ticket_ratings::helpful,
            diesel::dsl::count_star(),
        ))
        .load(conn)?)
}
