//! What people do to tickets from the console: status changes, take over, notes, replies,
//! and decisions on drafts. Every action goes through the lifecycle state machine, is an
//! event, and is guarded against two people acting at once.

use serde_json::json;

use crate::domain::ticket::{self as lifecycle, Status, Transition};
use crate::store::events::Actor;
use crate::store::models::TicketRow;
use crate::store::tickets::TicketUpdate;
use crate::store::{self, DbConn, now};

use super::{App, AppError};

/// Who acts, for events and the audit trail.
#[derive(Clone, Debug)]
pub struct ActingUser {
    pub id: String,
    pub ip: Option<String>,
}

impl ActingUser {
    pub fn actor(&self) -> Actor<'_> {
        Actor {
            kind: "agent",
            id: Some(&self.id),
            ip: self.ip.as_deref(),
        }
    }
}

pub(crate) fn load_ticket(conn: &mut DbConn, number: i64) -> Result<TicketRow, AppError> {
    store::tickets::get_by_number(conn, number)?
        .ok_or_else(|| AppError::NotFound(format!("ticket #{number}")))
}

/// Applies a lifecycle transition chosen by a person (resolve, close, take over, …).
pub fn transition(
    app: &App,
    number: i64,
    t: Transition,
    by: &ActingUser,
) -> Result<TicketRow, AppError> {
    let mut conn = app.conn()?;
    store::transaction(&mut conn, |c| transition_in(c, number, t, by))
}

pub(crate) fn transition_in(
    c: &mut DbConn,
    number: i64,
    t: Transition,
    by: &ActingUser,
) -> Result<TicketRow, AppError> {
    let ticket = load_ticket(c, number)?;
    let from = Status::parse(&ticket.status).unwrap_or(Status::New);
    let moved = lifecycle::apply(from, t)?;
    let at = now();
    let mut update = TicketUpdate::status(moved.status.as_str());
    update.waiting_since = Some(if moved.status.waits_for_person() {
        ticket.waiting_since.or(Some(at))
    } else {
        None
    });
    match t {
        Transition::Resolve => update.resolved_at = Some(Some(at)),
        Transition::TakeOver => update.assignee_id = Some(Some(&by.id)),
        _ => {}
    }
    let updated = store::tickets::update(c, &ticket, &update)?;
    store::events::record(
        c,
        Some(&ticket.id),
        moved.event,
        &by.actor(),
        json!({"from": from.as_str(), "to": moved.status.as_str()}),
    )?;
    Ok(updated)
}
