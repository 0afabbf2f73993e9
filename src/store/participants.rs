//! Participants of a ticket's thread, and the messages that came from someone who was not
//! one (a "new participant").

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{messages, participants};
use super::{DbConn, StoreError};

/// A ticket's participants: (address, source), oldest first. `source` is `to`, `cc` or
/// `agent`.
pub fn list(conn: &mut DbConn, ticket_id: &str) -> Result<Vec<(String, String)>, StoreError> {
    Ok(participants::table
        .filter(participants::ticket_id.eq(ticket_id))
        .order((participants::created_at.asc(), participants::address.asc()))
        .select((participants::address, participants::source))
        .load(conn)?)
}

/// Adds a participant; false when the address already was one.
pub fn add(
    conn: &mut DbConn,
    ticket_id: &str,
    address: &str,
    source: &str,
    at: NaiveDateTime,
) -> Result<bool, StoreError> {
    let exists: bool = diesel::select(diesel::dsl::exists(
        participants::table
            .filter(participants::ticket_id.eq(ticket_id))
            .filter(participants::address.eq(address)),
    ))
    .get_result(conn)?;
    if exists {
        return Ok(false);
    }
    diesel::insert_into(participants::table)
        .values((
            participants::ticket_id.eq(ticket_id),
            participants::address.eq(address),
            participants::source.eq(source),
            participants::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Removes a participant; false when the address was none.
pub fn remove(conn: &mut DbConn, ticket_id: &str, address: &str) -> Result<bool, StoreError> {
    let n = diesel::delete(
        participants::table
            .filter(participants::ticket_id.eq(ticket_id))
            .filter(participants::address.eq(address)),
    )
    .execute(conn)?;
    Ok(n > 0)
}

/// Marks a message as sent by someone who was not a participant when it arrived.
pub fn mark_new_participant(conn: &mut DbConn, message_id: &str) -> Result<(), StoreError> {
    diesel::update(messages::table.find(message_id))
        .set(messages::new_participant.eq(true))
        .execute(conn)?;
    Ok(())
}

/// The ids of a ticket's messages from new participants.
pub fn new_participant_messages(
    conn: &mut DbConn,
    ticket_id: &str,
) -> Result<Vec<String>, StoreError> {
    Ok(messages::table
        .filter(messages::ticket_id.eq(ticket_id))
        .filter(messages::new_participant.eq(true))
        .select(messages::id)
        .load(conn)?)
}
