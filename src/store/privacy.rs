//! Privacy: what a customer's export reads, what an erasure or retention rewrites, legal
//! holds, and the lease that lets one server of several run the retention job.
//!
//! Personal data lives in few, known columns; this file is the complete list an erasure
//! walks (DESIGN.md, "Privacy"):
//! `customers.email/name`, `tickets.subject`, `messages.subject/body_text/triage_text/
//! body_html/sender/internet_message_id`, `attachments`, `raw_mail`, `drafts.body/reason`,
//! `outbox.recipient/payload/last_error`, `participants`, `message_search`, and personal
//! values inside `events.data`. Counts and timings (rows, statuses, timestamps, intents,
//! confidences) stay, so the supervisor figures of a period do not change.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::Text;

use super::models::{AttachmentRow, EventRow, MessageRow, RawMailRow, TicketRow};
use super::schema::{
    attachments, customers, drafts, events, job_leases, messages, outbox, participants, raw_mail,
    ticket_privacy, tickets,
};
use super::{DbConn, StoreError};

/// Subject left on an erased ticket and its messages.
pub const ERASED_SUBJECT: &str = "[erased]";

/// Every ticket of a customer, oldest first, erased ones included.
pub fn tickets_of(conn: &mut DbConn, customer_id: &str) -> Result<Vec<TicketRow>, StoreError> {
    Ok(tickets::table
        .filter(tickets::customer_id.eq(customer_id))
        .order((tickets::created_at.asc(), tickets::number.asc()))
        .select(TicketRow::as_select())
        .load(conn)?)
}

/// Attachments with their content for the given messages.
pub fn attachments_with_content(
    conn: &mut DbConn,
    message_ids: &[String],
) -> Result<Vec<AttachmentRow>, StoreError> {
    Ok(attachments::table
        .filter(attachments::message_id.eq_any(message_ids))
        .order(attachments::id.asc())
        .select(AttachmentRow::as_select())
        .load(conn)?)
}

/// Raw mail stored for the given tickets, and raw mail that reached no ticket (rejected or
/// parked as failed) but carries `address` (the customer's own messages that never made
/// it to a ticket).
pub fn raw_mail_of(
    conn: &mut DbConn,
    ticket_ids: &[String],
    address: &str,
) -> Result<Vec<RawMailRow>, StoreError> {
    let mut rows: Vec<RawMailRow> = raw_mail::table
        .filter(raw_mail::ticket_id.eq_any(ticket_ids))
        .order(raw_mail::received_at.asc())
        .select(RawMailRow::as_select())
        .load(conn)?;
    let unlinked = unlinked_raw_mail_ids(conn, address)?;
    if !unlinked.is_empty() {
        rows.extend(
            raw_mail::table
                .filter(raw_mail::id.eq_any(&unlinked))
                .select(RawMailRow::as_select())
                .load::<RawMailRow>(conn)?,
        );
    }
    Ok(rows)
}

/// One raw message by id.
pub fn raw_mail_by_id(conn: &mut DbConn, id: &str) -> Result<Option<RawMailRow>, StoreError> {
    Ok(raw_mail::table
        .find(id)
        .select(RawMailRow::as_select())
        .first(conn)
        .optional()?)
}

/// Ids of raw mail that reached no ticket, rejected or parked as failed, whose headers
/// name `address` (in any case, as a whole address: `bob@` is not `jimbob@`). Mail still
/// waiting to be processed is not among them: it is not lost to an erasure, and becomes
/// the customer's (or nobody's) once processed.
fn unlinked_raw_mail_ids(conn: &mut DbConn, address: &str) -> Result<Vec<String>, StoreError> {
    if address.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(String, Vec<u8>)> = raw_mail::table
        .filter(raw_mail::ticket_id.is_null())
        .filter(raw_mail::status.eq_any([super::raw_mail::REJECTED, super::raw_mail::FAILED]))
        .select((raw_mail::id, raw_mail::raw))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|(_, raw)| headers_name(raw, address))
        .map(|(id, _)| id)
        .collect())
}

/// Whether the header block of `raw` names `address` as a whole address, in any case.
fn headers_name(raw: &[u8], address: &str) -> bool {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .or_else(|| raw.windows(2).position(|w| w == b"\n\n"))
        .unwrap_or(raw.len());
    let headers = String::from_utf8_lossy(&raw[..end]);
    !crate::domain::participants::whole_address_at(&headers, address).is_empty()
}

/// Events about no ticket whose details mention `needle` (a customer's VIP changes).
pub fn loose_events_mentioning(
    conn: &mut DbConn,
    needle: &str,
) -> Result<Vec<EventRow>, StoreError> {
    let mut found = events_mentioning(conn, needle, &[])?;
    found.retain(|e| e.ticket_id.is_none());
    Ok(found)
}

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// Every event whose details name `address` (a whole address, in any case), on any ticket
/// but those `spared` (under a legal hold) or on none: a person copied on others'
/// tickets, or named in the reason a ticket was escalated, is in those tickets' events
/// without having written there.
pub fn events_mentioning(
    conn: &mut DbConn,
    address: &str,
    spared: &[String],
) -> Result<Vec<EventRow>, StoreError> {
    let needle = address.trim().to_lowercase();
    if needle.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<EventRow> = events::table
        .filter(
            events::ticket_id
                .is_null()
                .or(events::ticket_id.ne_all(spared)),
        )
        .filter(
            lower(events::data)
                .like(format!("%{}%", like_escape(&needle)))
                .escape('\\'),
        )
        .order((events::created_at.asc(), events::id.asc()))
        .select(EventRow::as_select())
        .load(conn)?;
    Ok(found
        .into_iter()
        .filter(|e| !crate::domain::participants::whole_address_at(&e.data, &needle).is_empty())
        .collect())
}

/// Removes `address` from the participants of every ticket but those `spared`; how many
/// places it had.
pub fn remove_participant_everywhere(
    conn: &mut DbConn,
    address: &str,
    spared: &[String],
) -> Result<usize, StoreError> {
    Ok(diesel::delete(
        participants::table
            .filter(participants::address.eq(address))
            .filter(participants::ticket_id.ne_all(spared)),
    )
    .execute(conn)?)
}

fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The addresses taking part in the given tickets' threads.
pub fn participant_addresses(
    conn: &mut DbConn,
    ticket_ids: &[String],
) -> Result<Vec<String>, StoreError> {
    Ok(participants::table
        .filter(participants::ticket_id.eq_any(ticket_ids))
        .select(participants::address)
        .distinct()
        .load(conn)?)
}

/// Attachment file names on the given tickets (they can name people).
pub fn attachment_names(
    conn: &mut DbConn,
    ticket_ids: &[String],
) -> Result<Vec<String>, StoreError> {
    Ok(attachments::table
        .inner_join(messages::table.on(messages::id.eq(attachments::message_id)))
        .filter(messages::ticket_id.eq_any(ticket_ids))
        .select(attachments::filename)
        .distinct()
        .load(conn)?)
}

/// What an erasure removed from a set of tickets.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Erased {
    pub tickets: usize,
    pub messages: usize,
    pub attachments: usize,
    pub raw_mail: usize,
}

/// Erases the personal data of the given tickets in place: subjects, bodies, addresses
/// (the customer's become `pseudonym`), attachments, raw mail, drafts' texts, outbox
/// payloads (unsent ones are cancelled), participants and search rows. `scrub` rewrites
/// free text that may quote personal data (event details, draft reasons). Rows, statuses
/// and timestamps stay, so counts and timings do not change. Run inside a transaction.
pub fn erase_tickets(
    conn: &mut DbConn,
    ticket_ids: &[String],
    pseudonym: &str,
    scrub: &dyn Fn(&str) -> String,
    at: NaiveDateTime,
) -> Result<Erased, StoreError> {
    let mut out = Erased::default();
    if ticket_ids.is_empty() {
        return Ok(out);
    }
    let message_ids: Vec<String> = messages::table
        .filter(messages::ticket_id.eq_any(ticket_ids))
        .select(messages::id)
        .load(conn)?;
    out.messages = message_ids.len();
    out.attachments =
        diesel::delete(attachments::table.filter(attachments::message_id.eq_any(&message_ids)))
            .execute(conn)?;
    // Raw mail: what the tickets' messages came from, and what is filed under the tickets.
    let mut raw_ids: Vec<String> = messages::table
        .filter(messages::ticket_id.eq_any(ticket_ids))
        .filter(messages::raw_mail_id.is_not_null())
        .select(messages::raw_mail_id.assume_not_null())
        .load(conn)?;
    raw_ids.extend(
        raw_mail::table
            .filter(raw_mail::ticket_id.eq_any(ticket_ids))
            .select(raw_mail::id)
            .load::<String>(conn)?,
    );
    diesel::update(
        messages::table
            .filter(messages::ticket_id.eq_any(ticket_ids))
            .filter(messages::direction.eq("inbound")),
    )
    .set(messages::sender.eq(pseudonym))
    .execute(conn)?;
    diesel::update(messages::table.filter(messages::ticket_id.eq_any(ticket_ids)))
        .set((
            messages::subject.eq(ERASED_SUBJECT),
            messages::body_text.eq(""),
            messages::triage_text.eq(""),
            messages::body_html.eq(None::<String>),
            messages::internet_message_id.eq(None::<String>),
            messages::raw_mail_id.eq(None::<String>),
        ))
        .execute(conn)?;
    out.raw_mail =
        diesel::delete(raw_mail::table.filter(raw_mail::id.eq_any(&raw_ids))).execute(conn)?;
    diesel::update(drafts::table.filter(drafts::ticket_id.eq_any(ticket_ids)))
        .set(drafts::body.eq(""))
        .execute(conn)?;
    for (id, reason) in drafts::table
        .filter(drafts::ticket_id.eq_any(ticket_ids))
        .select((drafts::id, drafts::reason))
        .load::<(String, String)>(conn)?
    {
        let clean = scrub(&reason);
        if clean != reason {
            diesel::update(drafts::table.find(id))
                .set(drafts::reason.eq(clean))
                .execute(conn)?;
        }
    }
    // Nothing unsent about them leaves any more; sent rows keep their times (metrics).
    diesel::update(
        outbox::table
            .filter(outbox::ticket_id.eq_any(ticket_ids))
            .filter(outbox::status.eq_any([super::outbox::PENDING, super::outbox::SENDING])),
    )
    .set(outbox::status.eq(super::outbox::CANCELLED))
    .execute(conn)?;
    diesel::update(outbox::table.filter(outbox::ticket_id.eq_any(ticket_ids)))
        .set((
            outbox::recipient.eq(pseudonym),
            outbox::payload.eq(Vec::<u8>::new()),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
    diesel::delete(participants::table.filter(participants::ticket_id.eq_any(ticket_ids)))
        .execute(conn)?;
    for e in events::table
        .filter(events::ticket_id.eq_any(ticket_ids))
        .select(EventRow::as_select())
        .load::<EventRow>(conn)?
    {
        redact_event(conn, &e, scrub)?;
    }
    out.tickets = diesel::update(tickets::table.filter(tickets::id.eq_any(ticket_ids)))
        .set(tickets::subject.eq(ERASED_SUBJECT))
        .execute(conn)?;
    for id in ticket_ids {
        mark_ticket(conn, id, None, Some(at))?;
    }
    // The search index: the update above re-indexed the blanked messages; drop those rows
    // too.
    let ids: Vec<&str> = ticket_ids.iter().map(String::as_str).collect();
    drop_search_rows(conn, SearchRowsOf::Tickets, &ids)?;
    Ok(out)
}

/// What a person wrote on tickets that are not theirs (a reply into someone else's
/// thread, kept as from a new participant), oldest first: theirs to export and to erase.
pub fn messages_written_elsewhere(
    conn: &mut DbConn,
    address: &str,
    own_tickets: &[String],
) -> Result<Vec<MessageRow>, StoreError> {
    if address.is_empty() {
        return Ok(Vec::new());
    }
    Ok(messages::table
        .filter(messages::sender.eq(address))
        .filter(messages::direction.eq("inbound"))
        .filter(messages::ticket_id.ne_all(own_tickets))
        .order((messages::created_at.asc(), messages::id.asc()))
        .select(MessageRow::as_select())
        .load(conn)?)
}

/// Erases the given messages (written by `address` on others' tickets) in place, as
/// [`erase_tickets`] erases a ticket's: texts, sender, attachments, raw mail and search
/// rows; `scrub` rewrites the events of the tickets they are on. The tickets themselves,
/// and their customers' words, stay.
pub fn erase_messages_written_elsewhere(
    conn: &mut DbConn,
    messages_of: &[MessageRow],
    pseudonym: &str,
    scrub: &dyn Fn(&str) -> String,
) -> Result<Erased, StoreError> {
    let mut out = Erased::default();
    if messages_of.is_empty() {
        return Ok(out);
    }
    let ids: Vec<String> = messages_of.iter().map(|m| m.id.clone()).collect();
    let raw_ids: Vec<String> = messages_of
        .iter()
        .filter_map(|m| m.raw_mail_id.clone())
        .collect();
    out.messages = ids.len();
    out.attachments =
        diesel::delete(attachments::table.filter(attachments::message_id.eq_any(&ids)))
            .execute(conn)?;
    diesel::update(messages::table.filter(messages::id.eq_any(&ids)))
        .set((
            messages::sender.eq(pseudonym),
            messages::subject.eq(ERASED_SUBJECT),
            messages::body_text.eq(""),
            messages::triage_text.eq(""),
            messages::body_html.eq(None::<String>),
            messages::internet_message_id.eq(None::<String>),
            messages::raw_mail_id.eq(None::<String>),
        ))
        .execute(conn)?;
    out.raw_mail =
        diesel::delete(raw_mail::table.filter(raw_mail::id.eq_any(&raw_ids))).execute(conn)?;
    let mut tickets_on: Vec<String> = messages_of.iter().map(|m| m.ticket_id.clone()).collect();
    tickets_on.sort();
    tickets_on.dedup();
    for e in events::table
        .filter(events::ticket_id.eq_any(&tickets_on))
        .select(EventRow::as_select())
        .load::<EventRow>(conn)?
    {
        redact_event(conn, &e, scrub)?;
    }
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    drop_search_rows(conn, SearchRowsOf::Messages, &ids)?;
    Ok(out)
}

/// Whose search rows [`drop_search_rows`] drops: those of whole tickets, or of messages.
#[derive(Clone, Copy)]
enum SearchRowsOf {
    Tickets,
    Messages,
}

/// Drops the search rows of erased tickets or messages, and their marks to be indexed again
/// at commit; on SQLite it merges the FTS5 segments so that no old token survives in them.
fn drop_search_rows(conn: &mut DbConn, of: SearchRowsOf, ids: &[&str]) -> Result<(), StoreError> {
    // The messages' own rows are found by `column`; their marks (keyed by message) by
    // `queued`, with `{}` for the placeholder.
    let (column, queued) = match of {
        SearchRowsOf::Tickets => (
            "ticket_id",
            "message_id IN (SELECT id FROM messages WHERE ticket_id = {})",
        ),
        SearchRowsOf::Messages => ("message_id", "message_id = {}"),
    };
    match conn {
        DbConn::Sqlite(c) => {
            let (rows, marks) = (
                format!("DELETE FROM message_search WHERE {column} = ?"),
                format!(
                    "DELETE FROM message_search_queue WHERE {}",
                    queued.replace("{}", "?")
                ),
            );
            for id in ids {
                diesel::sql_query(&rows).bind::<Text, _>(*id).execute(c)?;
                diesel::sql_query(&marks).bind::<Text, _>(*id).execute(c)?;
            }
            diesel::sql_query("INSERT INTO message_search(message_search) VALUES ('optimize')")
                .execute(c)?;
        }
        DbConn::Postgres(c) => {
            // A settler indexing these messages' old words right now would write them
            // back after this commit: wait for it, and keep the next one out until then.
            super::wait_solo(c, super::SoloJob::SettleSearch)?;
            // Two statements however many tickets or messages.
            diesel::sql_query(format!(
                "DELETE FROM message_search WHERE {column} = ANY($1)"
            ))
            .bind::<diesel::sql_types::Array<Text>, _>(ids)
            .execute(c)?;
            let queued = queued.replace("{}", "ANY($1)");
            diesel::sql_query(format!("DELETE FROM search_stale WHERE {queued}"))
                .bind::<diesel::sql_types::Array<Text>, _>(ids)
                .execute(c)?;
        }
    }
    Ok(())
}

/// Rewrites an event's details with `scrub`, marking them `"redacted": true` (the only
/// change the audit trail's trigger allows). Unchanged details are left alone.
pub fn redact_event(
    conn: &mut DbConn,
    e: &EventRow,
    scrub: &dyn Fn(&str) -> String,
) -> Result<bool, StoreError> {
    let Ok(mut value) = serde_json::from_str::<serde_json::Value>(&e.data) else {
        return Ok(false);
    };
    if !scrub_json(&mut value, scrub) {
        return Ok(false);
    }
    if let Some(map) = value.as_object_mut() {
        map.insert("redacted".into(), serde_json::Value::Bool(true));
    } else {
        value = serde_json::json!({"redacted": true});
    }
    diesel::update(events::table.find(&e.id))
        .set(events::data.eq(value.to_string()))
        .execute(conn)?;
    // A webhook carries the event's details as they were: its copies, sent or waiting,
    // are scrubbed alike.
    // Found by their ticket first: a LIKE on the key alone reads the whole outbox.
    let copies = outbox::table
        .filter(
            outbox::idempotency_key
                .like(format!("webhook:{}:%", like_escape(&e.id)))
                .escape('\\'),
        )
        .select((outbox::id, outbox::payload))
        .into_boxed();
    let copies: Vec<(String, Vec<u8>)> = match &e.ticket_id {
        Some(ticket) => copies.filter(outbox::ticket_id.eq(ticket.clone())),
        None => copies.filter(outbox::ticket_id.is_null()),
    }
    .load(conn)?;
    for (id, payload) in copies {
        let Ok(mut body) = serde_json::from_slice::<serde_json::Value>(&payload) else {
            continue;
        };
        if scrub_json(&mut body, scrub) {
            diesel::update(outbox::table.find(id))
                .set(outbox::payload.eq(body.to_string().into_bytes()))
                .execute(conn)?;
        }
    }
    Ok(true)
}

/// Applies `scrub` to every string inside; whether anything changed.
fn scrub_json(v: &mut serde_json::Value, scrub: &dyn Fn(&str) -> String) -> bool {
    match v {
        serde_json::Value::String(s) => {
            let clean = scrub(s);
            let changed = clean != *s;
            *s = clean;
            changed
        }
        serde_json::Value::Array(items) => items
            .iter_mut()
            .fold(false, |acc, i| scrub_json(i, scrub) | acc),
        serde_json::Value::Object(map) => map
            .values_mut()
            .fold(false, |acc, i| scrub_json(i, scrub) | acc),
        _ => false,
    }
}

/// Replaces a customer's name and address by the pseudonym and marks them erased.
pub fn pseudonymise_customer(
    conn: &mut DbConn,
    customer_id: &str,
    pseudonym: &str,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::update(customers::table.find(customer_id))
        .set((
            customers::email.eq(pseudonym),
            customers::name.eq(None::<String>),
            customers::erased_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Deletes raw mail on no ticket (rejected, parked) by id.
pub fn delete_raw_mail(conn: &mut DbConn, ids: &[String]) -> Result<usize, StoreError> {
    diesel::update(messages::table.filter(messages::raw_mail_id.eq_any(ids)))
        .set(messages::raw_mail_id.eq(None::<String>))
        .execute(conn)?;
    Ok(diesel::delete(raw_mail::table.filter(raw_mail::id.eq_any(ids))).execute(conn)?)
}

/// Sets a ticket's legal hold and/or erasure time (its `ticket_privacy` row, created on
/// first use); returns whether anything changed.
fn mark_ticket(
    conn: &mut DbConn,
    ticket_id: &str,
    hold: Option<bool>,
    erased_at: Option<NaiveDateTime>,
) -> Result<bool, StoreError> {
    let current: Option<(bool, Option<NaiveDateTime>)> = ticket_privacy::table
        .find(ticket_id)
        .select((ticket_privacy::legal_hold, ticket_privacy::erased_at))
        .first(conn)
        .optional()?;
    let (old_hold, old_erased) = current.unwrap_or((false, None));
    let new_hold = hold.unwrap_or(old_hold);
    let new_erased = old_erased.or(erased_at);
    if current.is_some() && (new_hold, new_erased) == (old_hold, old_erased) {
        return Ok(false);
    }
    if current.is_none() {
        diesel::insert_into(ticket_privacy::table)
            .values((
                ticket_privacy::ticket_id.eq(ticket_id),
                ticket_privacy::legal_hold.eq(new_hold),
                ticket_privacy::erased_at.eq(new_erased),
            ))
            .execute(conn)?;
    } else {
        diesel::update(ticket_privacy::table.find(ticket_id))
            .set((
                ticket_privacy::legal_hold.eq(new_hold),
                ticket_privacy::erased_at.eq(new_erased),
            ))
            .execute(conn)?;
    }
    Ok(new_hold != old_hold || new_erased != old_erased)
}

/// Ids of the tickets under a legal hold.
/// The tickets under a legal hold of their own.
pub fn held_ticket_ids(conn: &mut DbConn) -> Result<Vec<String>, StoreError> {
    Ok(ticket_privacy::table
        .filter(ticket_privacy::legal_hold.eq(true))
        .select(ticket_privacy::ticket_id)
        .load(conn)?)
}

/// Whether a customer or any of their tickets is under a legal hold.
pub fn customer_on_hold(conn: &mut DbConn, customer_id: &str) -> Result<bool, StoreError> {
    let customer: bool = customers::table
        .find(customer_id)
        .select(customers::legal_hold)
        .first(conn)?;
    let held_tickets: i64 = ticket_privacy::table
        .inner_join(tickets::table)
        .filter(tickets::customer_id.eq(customer_id))
        .filter(ticket_privacy::legal_hold.eq(true))
        .count()
        .get_result(conn)?;
    Ok(customer || held_tickets > 0)
}

pub fn set_customer_hold(
    conn: &mut DbConn,
    customer_id: &str,
    on: bool,
) -> Result<bool, StoreError> {
    Ok(diesel::update(
        customers::table
            .find(customer_id)
            .filter(customers::legal_hold.ne(on)),
    )
    .set(customers::legal_hold.eq(on))
    .execute(conn)?
        == 1)
}

pub fn set_ticket_hold(conn: &mut DbConn, ticket_id: &str, on: bool) -> Result<bool, StoreError> {
    mark_ticket(conn, ticket_id, Some(on), None)
}

/// Tickets and customers under a legal hold: (ticket numbers, customer addresses).
pub fn holds(conn: &mut DbConn) -> Result<(Vec<i64>, Vec<String>), StoreError> {
    let t = ticket_privacy::table
        .inner_join(tickets::table)
        .filter(ticket_privacy::legal_hold.eq(true))
        .order(tickets::number.asc())
        .select(tickets::number)
        .load(conn)?;
    let c = customers::table
        .filter(customers::legal_hold.eq(true))
        .order(customers::email.asc())
        .select(customers::email)
        .load(conn)?;
    Ok((t, c))
}

/// Whether the customer's name and address were replaced by a pseudonym already.
pub fn customer_erased(conn: &mut DbConn, customer_id: &str) -> Result<bool, StoreError> {
    let at: Option<NaiveDateTime> = customers::table
        .find(customer_id)
        .select(customers::erased_at)
        .first(conn)?;
    Ok(at.is_some())
}

/// Raw mail past retention: (id, received at, ticket number), oldest first. Raw mail of a
/// ticket under a legal hold, or of a held customer's ticket, stays; so does a message
/// parked as failed, which may be the only copy of something that never became a ticket:
/// it waits for an administrator, however old.
pub fn expired_raw_mail(
    conn: &mut DbConn,
    processed_before: NaiveDateTime,
) -> Result<Vec<(String, NaiveDateTime, Option<i64>)>, StoreError> {
    let held = held_ticket_ids(conn)?;
    /// id, received at, ticket id, ticket number, customer held.
    type Row = (
        String,
        NaiveDateTime,
        Option<String>,
        Option<i64>,
        Option<bool>,
    );
    let rows: Vec<Row> = raw_mail::table
        .left_join(tickets::table.on(tickets::id.nullable().eq(raw_mail::ticket_id)))
        .left_join(
            customers::table.on(customers::id.nullable().eq(tickets::customer_id.nullable())),
        )
        .filter(raw_mail::processed_at.lt(processed_before))
        .filter(raw_mail::status.ne(super::raw_mail::FAILED))
        .order((raw_mail::received_at.asc(), raw_mail::id.asc()))
        .select((
            raw_mail::id,
            raw_mail::received_at,
            raw_mail::ticket_id,
            tickets::number.nullable(),
            customers::legal_hold.nullable(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|r| r.4 != Some(true) && !r.2.as_ref().is_some_and(|t| held.contains(t)))
        .map(|r| (r.0, r.1, r.3))
        .collect())
}

/// The statuses of tickets whose conversation is over, or waits on the customer alone:
/// retention may take their personal data once they are idle long enough. A ticket still
/// waiting for a person keeps it, however old: its customer waits for an answer.
pub const SETTLED: [&str; 4] = ["closed", "resolved", "auto_answered", "waiting_on_customer"];

/// Settled tickets ([`SETTLED`]) not changed since `before`, not erased yet and not held:
/// (id, number, customer id, last change), oldest first.
pub fn expired_settled_tickets(
    conn: &mut DbConn,
    before: NaiveDateTime,
) -> Result<Vec<(String, i64, String, NaiveDateTime)>, StoreError> {
    let spared = ticket_privacy::table
        .filter(
            ticket_privacy::legal_hold
                .eq(true)
                .or(ticket_privacy::erased_at.is_not_null()),
        )
        .select(ticket_privacy::ticket_id);
    Ok(tickets::table
        .inner_join(customers::table)
        .filter(tickets::status.eq_any(SETTLED))
        .filter(tickets::updated_at.lt(before))
        .filter(tickets::id.ne_all(spared))
        .filter(customers::legal_hold.eq(false))
        .order((tickets::updated_at.asc(), tickets::number.asc()))
        .select((
            tickets::id,
            tickets::number,
            tickets::customer_id,
            tickets::updated_at,
        ))
        .load(conn)?)
}

/// How many of a customer's tickets still hold personal data.
pub fn unerased_tickets(conn: &mut DbConn, customer_id: &str) -> Result<i64, StoreError> {
    let erased = ticket_privacy::table
        .filter(ticket_privacy::erased_at.is_not_null())
        .select(ticket_privacy::ticket_id);
    Ok(tickets::table
        .filter(tickets::customer_id.eq(customer_id))
        .filter(tickets::id.ne_all(erased))
        .count()
        .get_result(conn)?)
}

/// Claims the job `name` for `holder` until `at + lease`, when no other server holds it
/// and it last ran before `due_before`. One conditional UPDATE: of several servers
/// claiming at once, exactly one gets the row.
pub fn claim_job(
    conn: &mut DbConn,
    name: &str,
    holder: &str,
    at: NaiveDateTime,
    lease: chrono::Duration,
    due_before: NaiveDateTime,
) -> Result<bool, StoreError> {
    let insert = diesel::insert_into(job_leases::table).values(job_leases::name.eq(name));
    match conn {
        DbConn::Sqlite(c) => insert.on_conflict_do_nothing().execute(c)?,
        DbConn::Postgres(c) => insert.on_conflict_do_nothing().execute(c)?,
    };
    let claimed = diesel::update(
        job_leases::table
            .find(name)
            .filter(
                job_leases::locked_until
                    .is_null()
                    .or(job_leases::locked_until.lt(at)),
            )
            .filter(
                job_leases::last_run_at
                    .is_null()
                    .or(job_leases::last_run_at.lt(due_before)),
            ),
    )
    .set((
        job_leases::holder.eq(holder),
        job_leases::locked_until.eq(at + lease),
    ))
    .execute(conn)?;
    Ok(claimed == 1)
}

/// Records that the job ran and releases it.
pub fn finish_job(
    conn: &mut DbConn,
    name: &str,
    holder: &str,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::update(
        job_leases::table
            .find(name)
            .filter(job_leases::holder.eq(holder)),
    )
    .set((
        job_leases::last_run_at.eq(at),
        job_leases::locked_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(())
}

/// On SQLite: overwrite freed pages from now on (this connection) so erased text does not
/// linger in free space; after the erasure, fold the write-ahead log back into the file.
pub fn secure_delete(conn: &mut DbConn, on: bool) -> Result<(), StoreError> {
    use diesel::connection::SimpleConnection;
    if let DbConn::Sqlite(c) = conn {
        c.batch_execute(if on {
            "PRAGMA secure_delete = ON"
        } else {
            "PRAGMA secure_delete = OFF"
        })?;
    }
    Ok(())
}

/// Best effort: copies the log into the file and truncates it (old page images of erased
/// rows live in the log until then). Busy readers make it a no-op; the next checkpoint
/// does it.
pub fn checkpoint(conn: &mut DbConn) {
    use diesel::connection::SimpleConnection;
    if let DbConn::Sqlite(c) = conn {
        let _ = c.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)");
    }
}
