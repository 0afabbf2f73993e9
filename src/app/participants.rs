//! Participants of a ticket's thread. A message that threads onto a ticket but comes from
//! neither the ticket's customer nor a participant is kept and marked ("from a new
//! participant"), goes to a person, and changes nothing about the ticket: not its
//! customer, not its intent or language, and it is never answered automatically.

use serde_json::json;

use crate::domain::participants as rules;
use crate::domain::ticket::{self as lifecycle, Status, Transition};
use crate::mail::parse::InboundMail;
use crate::store::events::Actor;
use crate::store::models::{CustomerRow, MessageRow, RawMailRow, TicketRow};
use crate::store::tickets::TicketUpdate;
use crate::store::{self, DbConn, now};

use super::actions::{ActingUser, load_ticket};
use super::ingest::Outcome;
use super::{App, AppError};

/// Where a participant came from: the To/Cc of a known sender's mail, or an agent.
pub const FROM_MAIL: &str = "mail";
pub const FROM_AGENT: &str = "agent";

/// Screens the sender of a mail filed on `ticket`: true for a stranger (a mail that joined
/// an existing ticket from someone neither its customer nor a participant). A known
/// sender's To and Cc become participants; a stranger brings nobody in.
pub fn screen(
    app: &App,
    conn: &mut DbConn,
    ticket: &TicketRow,
    sender: &CustomerRow,
    mail: &InboundMail,
    new_ticket: bool,
) -> Result<bool, AppError> {
    let customer_email = if ticket.customer_id == sender.id {
        sender.email.clone()
    } else {
        store::customers::get(conn, &ticket.customer_id)?.email
    };
    // A ticket this message opens is not stored yet and has nobody on it.
    let known: Vec<String> = if new_ticket {
        Vec::new()
    } else {
        store::participants::list(conn, &ticket.id)?
            .into_iter()
            .map(|(a, _)| a)
            .collect()
    };
    if !new_ticket && !rules::is_known(&sender.email, &customer_email, &known) {
        return Ok(true);
    }
    let at = now();
    for address in rules::brought_in(
        &mail.recipients,
        &app.config.support_address,
        &customer_email,
        &known,
    ) {
        store::participants::add(conn, &ticket.id, &address, FROM_MAIL, at)?;
    }
    Ok(false)
}

/// Files a stranger's message (already stored on the ticket and counted as a reply): marks
/// it, records who wrote, and hands the ticket to a person. No triage, no draft, no
/// automatic answer, no change to the ticket's customer, intent or language.
pub fn keep_from_stranger(
    conn: &mut DbConn,
    raw: &RawMailRow,
    ticket: &TicketRow,
    message: &MessageRow,
) -> Result<Outcome, AppError> {
    store::participants::mark_new_participant(conn, &message.id)?;
    let from = message.sender.clone().unwrap_or_default();
    store::events::record(
        conn,
        Some(&ticket.id),
        "new_participant",
        &Actor::CUSTOMER,
        json!({"from": from, "message": message.id}),
    )?;
    let mut status = Status::parse(&ticket.status).unwrap_or(Status::New);
    let mut ticket = ticket.clone();
    if status == Status::New {
        status = lifecycle::apply(status, Transition::Triage)?.status;
    }
    if matches!(status, Status::Triaged | Status::PendingReview) {
        let moved = lifecycle::apply(status, Transition::Escalate)?;
        store::events::record(
            conn,
            Some(&ticket.id),
            moved.event,
            &Actor::SYSTEM,
            json!({"reason": format!("escalated: a message from a new participant ({from})")}),
        )?;
        status = moved.status;
    }
    if status.as_str() != ticket.status || ticket.waiting_since.is_none() {
        let mut update = TicketUpdate::status(status.as_str());
        if status.waits_for_person() {
            update.waiting_since = Some(ticket.waiting_since.or(Some(now())));
        }
        ticket = store::tickets::update(conn, &ticket, &update)?;
    }
    store::raw_mail::mark_processed(conn, &raw.id, &ticket.id)?;
    Ok(Outcome::Accepted {
        ticket_number: ticket.number,
        new_ticket: false,
        action: "escalate".into(),
    })
}

/// The ticket's participants: (address, source).
pub fn list(app: &App, number: i64) -> Result<Vec<(String, String)>, AppError> {
    let mut conn = app.conn()?;
    let ticket = load_ticket(&mut conn, number)?;
    Ok(store::participants::list(&mut conn, &ticket.id)?)
}

/// An agent adds a participant (audited).
pub fn add(app: &App, number: i64, address: &str, by: &ActingUser) -> Result<(), AppError> {
    let address = rules::normalize(address);
    if !rules::is_valid_address(&address) {
        return Err(AppError::Invalid(format!(
            "{address:?} is not an email address"
        )));
    }
    let mut conn = app.conn()?;
    store::transaction(&mut conn, |c| {
        let ticket = load_ticket(c, number)?;
        let customer = store::customers::get(c, &ticket.customer_id)?;
        if rules::normalize(&customer.email) == address {
            return Err(AppError::Invalid(
                "that is the ticket's customer already".into(),
            ));
        }
        if store::participants::add(c, &ticket.id, &address, FROM_AGENT, now())? {
            store::events::record(
                c,
                Some(&ticket.id),
                "participant_added",
                &by.actor(),
                json!({"address": address}),
            )?;
        }
        Ok(())
    })
}

/// An agent removes a participant (audited).
pub fn remove(app: &App, number: i64, address: &str, by: &ActingUser) -> Result<(), AppError> {
    let address = rules::normalize(address);
    let mut conn = app.conn()?;
    store::transaction(&mut conn, |c| {
        let ticket = load_ticket(c, number)?;
        if store::participants::remove(c, &ticket.id, &address)? {
            store::events::record(
                c,
                Some(&ticket.id),
                "participant_removed",
                &by.actor(),
                json!({"address": address}),
            )?;
            Ok(())
        } else {
            Err(AppError::NotFound(format!("participant {address}")))
        }
    })
}
