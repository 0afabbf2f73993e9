//! The event log: every decision and action, for metrics, learning and audit.

use diesel::prelude::*;

use super::models::EventRow;
use super::schema::events;
use super::{DbConn, StoreError, new_id, now};

/// Who caused an event.
pub struct Actor<'a> {
    pub kind: &'a str,
    pub id: Option<&'a str>,
    pub ip: Option<&'a str>,
}

impl Actor<'static> {
    pub const SYSTEM: Actor<'static> = Actor {
        kind: "system",
        id: None,
        ip: None,
    };
    pub const AI: Actor<'static> = Actor {
        kind: "ai",
        id: None,
        ip: None,
    };
    /// An operator at the command line (shown in the audit log, unlike `SYSTEM`).
    pub const CLI: Actor<'static> = Actor {
        kind: "cli",
        id: None,
        ip: None,
    };
    pub const CUSTOMER: Actor<'static> = Actor {
        kind: "customer",
        id: None,
        ip: None,
    };
}

pub fn record(
    conn: &mut DbConn,
    ticket_id: Option<&str>,
    kind: &str,
    actor: &Actor,
    data: serde_json::Value,
) -> Result<(), StoreError> {
    let row = EventRow {
        id: new_id(),
        ticket_id: ticket_id.map(str::to_string),
        kind: kind.to_string(),
        actor_kind: actor.kind.to_string(),
        actor_id: actor.id.map(str::to_string),
        data: data.to_string(),
        ip: actor.ip.map(str::to_string),
        created_at: now(),
    };
    diesel::insert_into(events::table)
        .values(&row)
        .execute(conn)?;
    Ok(())
}

pub fn for_ticket(conn: &mut DbConn, ticket_id: &str) -> Result<Vec<EventRow>, StoreError> {
    Ok(events::table
        .filter(events::ticket_id.eq(ticket_id))
        .order((events::created_at.asc(), events::id.asc()))
        .select(EventRow::as_select())
        .load(conn)?)
}

pub fn count_kind(conn: &mut DbConn, kind: &str) -> Result<i64, StoreError> {
    Ok(events::table
        .filter(events::kind.eq(kind))
        .count()
        .get_result(conn)?)
}

/// Failed sign-ins since `since` for the account, and from the address.
pub fn count_failed_logins(
    conn: &mut DbConn,
    email: &str,
    ip: Option<&str>,
    since: chrono::NaiveDateTime,
) -> Result<(i64, i64), StoreError> {
    let recent = events::table
        .filter(events::kind.eq("login_failed"))
        .filter(events::created_at.ge(since));
    let by_account = recent
        .filter(events::actor_id.eq(email))
        .count()
        .get_result(conn)?;
    let by_address = match ip {
        Some(ip) => recent.filter(events::ip.eq(ip)).count().get_result(conn)?,
        None => 0,
    };
    Ok((by_account, by_address))
}

/// Audit rows: events with the acting user's name and the ticket number, newest first.
/// An event with the acting user's name and the ticket's number.
pub type AuditEntry = (EventRow, Option<String>, Option<i64>);

pub fn audit_page(
    conn: &mut DbConn,
    limit: i64,
    offset: i64,
) -> Result<Vec<AuditEntry>, StoreError> {
    use super::schema::{tickets, users};
    Ok(events::table
        .left_join(users::table.on(events::actor_id.eq(users::id.nullable())))
        .left_join(tickets::table.on(events::ticket_id.eq(tickets::id.nullable())))
        .filter(events::actor_kind.ne("system"))
        .order((events::created_at.desc(), events::id.desc()))
        .limit(limit)
        .offset(offset)
        .select((
            EventRow::as_select(),
            users::name.nullable(),
            tickets::number.nullable(),
        ))
        .load(conn)?)
}
