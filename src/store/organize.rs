//! How agents organise tickets: priority, tags, merging one ticket into another and
//! splitting a message out into a ticket of its own.

use std::collections::HashMap;

use diesel::prelude::*;

use super::schema::{drafts, messages, outbox, ticket_marks, ticket_tags};
use super::{DbConn, StoreError, now};

pub fn priority(conn: &mut DbConn, ticket_id: &str) -> Result<String, StoreError> {
    Ok(ticket_marks::table
        .find(ticket_id)
        .select(ticket_marks::priority)
        .first(conn)
        .optional()?
        .unwrap_or_else(|| NORMAL.to_string()))
}

/// The priority a ticket has when nobody set one.
pub const NORMAL: &str = "normal";

/// Sets the priority; returns the one before.
pub fn set_priority(conn: &mut DbConn, ticket_id: &str, priority: &str) -> Result<String, StoreError> {
    let before = self::priority(conn, ticket_id)?;
    // Update, else insert: the two stores share no upsert syntax through diesel's
    // multi-backend connection (a second writer racing the insert gets a conflict).
    let updated = diesel::update(ticket_marks::table.find(ticket_id))
        .set(ticket_marks::priority.eq(priority))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(ticket_marks::table)
            .values((
                ticket_marks::ticket_id.eq(ticket_id),
                ticket_marks::priority.eq(priority),
            ))
            .execute(conn)?;
    }
    Ok(before)
}

pub fn tags(conn: &mut DbConn, ticket_id: &str) -> Result<Vec<String>, StoreError> {
    Ok(ticket_tags::table
        .filter(ticket_tags::ticket_id.eq(ticket_id))
        .order(ticket_tags::tag.asc())
        .select(ticket_tags::tag)
        .load(conn)?)
}

/// Adds a tag; false when the ticket had it already.
pub fn add_tag(conn: &mut DbConn, ticket_id: &str, tag: &str) -> Result<bool, StoreError> {
    let has: i64 = ticket_tags::table
        .filter(ticket_tags::ticket_id.eq(ticket_id))
        .filter(ticket_tags::tag.eq(tag))
        .count()
        .get_result(conn)?;
    if has > 0 {
        return Ok(false);
    }
    diesel::insert_into(ticket_tags::table)
        .values((
            ticket_tags::ticket_id.eq(ticket_id),
            ticket_tags::tag.eq(tag),
            ticket_tags::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Removes a tag; false when the ticket did not have it.
pub fn remove_tag(conn: &mut DbConn, ticket_id: &str, tag: &str) -> Result<bool, StoreError> {
    let n = diesel::delete(
        ticket_tags::table
            .filter(ticket_tags::ticket_id.eq(ticket_id))
            .filter(ticket_tags::tag.eq(tag)),
    )
    .execute(conn)?;
    Ok(n > 0)
}

/// The tags and priority of each of these tickets (the queue page's rows).
pub fn labels_for(
    conn: &mut DbConn,
    ids: &[String],
) -> Result<HashMap<String, (String, Vec<String>)>, StoreError> {
    let mut out: HashMap<String, (String, Vec<String>)> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    for id in ids {
        out.entry(id.clone()).or_default().0 = NORMAL.to_string();
    }
    let priorities: Vec<(String, String)> = ticket_marks::table
        .filter(ticket_marks::ticket_id.eq_any(ids))
        .select((ticket_marks::ticket_id, ticket_marks::priority))
        .load(conn)?;
    for (id, p) in priorities {
        out.entry(id).or_default().0 = p;
    }
    let tags: Vec<(String, String)> = ticket_tags::table
        .filter(ticket_tags::ticket_id.eq_any(ids))
        .order(ticket_tags::tag.asc())
        .select((ticket_tags::ticket_id, ticket_tags::tag))
        .load(conn)?;
    for (id, t) in tags {
        out.entry(id).or_default().1.push(t);
    }
    Ok(out)
}

/// Every tag in use, most used first (the queue's filter menu), at most 200.
pub fn known_tags(conn: &mut DbConn) -> Result<Vec<String>, StoreError> {
    let mut counted: Vec<(String, i64)> = ticket_tags::table
        .group_by(ticket_tags::tag)
        .select((ticket_tags::tag, diesel::dsl::count_star()))
        .load(conn)?;
    counted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(counted.into_iter().take(200).map(|(t, _)| t).collect())
}

/// The ticket number a merged ticket was merged into.
pub fn merged_into(conn: &mut DbConn, ticket_id: &str) -> Result<Option<i64>, StoreError> {
    Ok(ticket_marks::table
        .find(ticket_id)
        .select(ticket_marks::merged_into)
        .first::<Option<i64>>(conn)
        .optional()?
        .flatten())
}

/// Moves every message of `from` (with its sends) to `into`, marks `from` as merged into
/// ticket number `into_number`, carries its tags, participants and a request for a person
/// over, and lays its pending drafts aside (the merged ticket's messages are answered on
/// the other one). Returns how many messages moved.
pub fn merge(
    conn: &mut DbConn,
    from: &str,
    into: &str,
    into_number: i64,
) -> Result<usize, StoreError> {
    let moved = diesel::update(messages::table.filter(messages::ticket_id.eq(from)))
        .set(messages::ticket_id.eq(into))
        .execute(conn)?;
    // A message's sends follow it: its delivery state, its undo and what the customer's
    // page may show are read by ticket.
    diesel::update(
        outbox::table
            .filter(outbox::ticket_id.eq(from))
            .filter(outbox::message_id.is_not_null()),
    )
    .set(outbox::ticket_id.eq(into))
    .execute(conn)?;
    let updated = diesel::update(ticket_marks::table.find(from))
        .set(ticket_marks::merged_into.eq(Some(into_number)))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(ticket_marks::table)
            .values((
                ticket_marks::ticket_id.eq(from),
                ticket_marks::merged_into.eq(Some(into_number)),
            ))
            .execute(conn)?;
    }
    for tag in tags(conn, from)? {
        add_tag(conn, into, &tag)?;
    }
    // A customer who asked for a person still has: the merged thread is answered there.
    if super::tickets::human_requested(conn, from)? {
        super::tickets::set_human_requested(conn, into)?;
    }
    // Whoever could write on the merged thread still can.
    for (address, source) in super::participants::list(conn, from)? {
        super::participants::add(conn, into, &address, &source, now())?;
    }
    diesel::update(
        drafts::table
            .filter(drafts::ticket_id.eq(from))
            .filter(drafts::status.eq("pending")),
    )
    .set(drafts::status.eq("superseded"))
    .execute(conn)?;
    Ok(moved)
}

/// Moves one message to another ticket (a split).
pub fn move_message(conn: &mut DbConn, message_id: &str, to: &str) -> Result<(), StoreError> {
    diesel::update(messages::table.find(message_id))
        .set(messages::ticket_id.eq(to))
        .execute(conn)?;
    Ok(())
}
