//! Outgoing messages: stored in the thread and queued in the outbox in one transaction,
//! threaded onto the customer's mail.

use crate::config::Config;
use crate::domain::{self, threading};
use crate::mail::compose::{self, Outgoing};
use crate::store::models::{CustomerRow, MessageRow, OutboxRow, TicketRow};
use crate::store::{self, DbConn, new_id, now};

use super::AppError;

/// One reply to queue.
pub struct Reply<'a> {
    pub ticket: &'a TicketRow,
    pub customer: &'a CustomerRow,
    /// The outbox kind (`auto_answer`, `acknowledgement`, `agent_reply`).
    pub kind: &'a str,
    pub author_kind: &'a str,
    pub author_id: Option<&'a str>,
    pub body: String,
    pub language: &'a str,
    /// Names this send so that it is queued once however often it is asked for (a person
    /// pressing Send twice); `None`: every call is a new message.
    pub once_key: Option<String>,
}

/// How long a reply of this kind waits so that a person can undo it: answers (a person's
/// or the automatic one) do; acknowledgements and notices go at once.
fn undo_window(config: &Config, kind: &str) -> Option<chrono::Duration> {
    let undoable = kind == domain::OUT_AGENT_REPLY || kind == domain::OUT_AUTO_ANSWER;
    (undoable && config.undo_seconds > 0).then(|| chrono::Duration::seconds(config.undo_seconds))
}

/// Stores the reply in the thread and queues it for delivery; returns the stored message.
pub fn enqueue(conn: &mut DbConn, config: &Config, reply: Reply) -> Result<MessageRow, AppError> {
    let thread = store::messages::thread_headers(conn, &reply.ticket.id)?;
    enqueue_in_thread(conn, config, reply, &thread)
}

/// [`enqueue`] into a conversation whose messages the caller knows (`thread`, oldest
/// first, as [`store::messages::thread_headers`] reads it): the first answer to a ticket
/// created in the same transaction need not read back the one message it was told.
pub fn enqueue_in_thread(
    conn: &mut DbConn,
    config: &Config,
    reply: Reply,
    thread: &[store::messages::ThreadHeader],
) -> Result<MessageRow, AppError> {
    let parent = thread
        .iter()
        .rev()
        .find(|m| m.direction == domain::INBOUND && m.internet_message_id.is_some());
    let references: Vec<String> = thread
        .iter()
        .filter_map(|m| m.internet_message_id.clone())
        .rev()
        .take(10)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let message_id = compose::new_message_id(&config.support_address);
    let subject = threading::reply_subject(
        parent
            .map(|m| m.subject.as_str())
            .unwrap_or(&reply.ticket.subject),
        reply.ticket.number,
    );
    let automatic = domain::AUTOMATIC_KINDS.contains(&reply.kind);
    // A user of a social network is answered through its API, not by mail: at their
    // address on the ticket's network, the customer's own or one linked to them.
    let linked = match super::social::network_of(&reply.ticket.channel) {
        Some(_) => store::customers::identities(conn, &reply.customer.id)?,
        None => Vec::new(),
    };
    let social = super::social::network_of(&reply.ticket.channel).and_then(|n| {
        std::iter::once(reply.customer.email.as_str())
            .chain(linked.iter().map(String::as_str))
            .find_map(|a| n.user_of(a))
            .map(|user| (n.channel, user))
    });
    let mail_to = match social {
        Some(_) => reply.customer.email.clone(),
        None => mail_address(conn, reply.customer)?,
    };
    let payload = if let Some((channel, user)) = social {
        if channel == domain::CHANNEL_X {
            super::x::reply_payload(&reply.body)
        } else {
            super::messenger::reply_payload(conn, reply.ticket, user, &reply.body)?
        }
    } else {
        compose::compose(&Outgoing {
        from_name: config.support_name.clone(),
        from_address: config.support_address.clone(),
        to_address: mail_to.clone(),
        to_name: reply.customer.name.clone(),
        subject: subject.clone(),
        body: reply.body.clone(),
        message_id: message_id.clone(),
        in_reply_to: parent.and_then(|m| m.internet_message_id.clone()),
        references,
        auto_submitted: automatic,
        language: reply.language.to_string(),
    })?
    };
    let at = now();
    let message = MessageRow {
        id: new_id(),
        ticket_id: reply.ticket.id.clone(),
        direction: domain::OUTBOUND.into(),
        author_kind: reply.author_kind.into(),
        author_id: reply.author_id.map(str::to_string),
        channel: reply.ticket.channel.clone(),
        internet_message_id: Some(message_id.clone()),
        sender: Some(config.support_address.clone()),
        subject,
        body_text: reply.body.clone(),
        triage_text: String::new(),
        body_html: None,
        raw_mail_id: None,
        created_at: at,
    };
    store::messages::insert(conn, &message)?;
    store::outbox::enqueue(
        conn,
        &OutboxRow {
            id: new_id(),
            ticket_id: Some(reply.ticket.id.clone()),
            message_id: Some(message.id.clone()),
            // The way it goes out: a social network's, else mail.
            channel: match social {
                Some((channel, _)) => channel,
                // A social ticket of a customer with no address there: by mail.
                None if super::social::network_of(&reply.ticket.channel).is_some() => domain::CHANNEL_EMAIL,
                None => reply.ticket.channel.as_str(),
            }
            .to_string(),
            kind: reply.kind.into(),
            recipient: social.map_or(mail_to.as_str(), |(_, user)| user).to_string(),
            sender: config.support_address.clone(),
            idempotency_key: reply.once_key.clone().unwrap_or(message_id),
            payload,
            status: store::outbox::PENDING.into(),
            attempts: 0,
            // The undo window: the worker leaves the row alone until it has passed.
            next_attempt_at: at + undo_window(config, reply.kind).unwrap_or_default(),
            locked_until: None,
            last_error: None,
            created_at: at,
            sent_at: None,
        },
    )?;
    Ok(message)
}

/// Where mail to `customer` goes: their address, or, when that is a social network's
/// stand-in (a mail customer was merged into a Messenger one), a real address linked to
/// them; no mail server takes the stand-in.
pub fn mail_address(conn: &mut DbConn, customer: &CustomerRow) -> Result<String, AppError> {
    if !super::social::is_social_address(&customer.email) {
        return Ok(customer.email.clone());
    }
    Ok(store::customers::identities(conn, &customer.id)?
        .into_iter()
        .find(|a| !super::social::is_social_address(a))
        .unwrap_or_else(|| customer.email.clone()))
}

/// After a send was cancelled (undone, or held back because the customer wrote again): the
/// ticket's first response is the first one still going out (none: the ticket waits for
/// its first again). Returns the ticket as it is now.
pub fn recount_first_response(conn: &mut DbConn, ticket: TicketRow) -> Result<TicketRow, AppError> {
    let first = store::outbox::first_queued_at(
        conn,
        &ticket.id,
        &[domain::OUT_AUTO_ANSWER, domain::OUT_AGENT_REPLY],
    )?;
    // Compared with a second's slack: the ticket's time and the row's are two reads of
    // the clock in one transaction.
    let moved_later = match (ticket.first_response_at, first) {
        (Some(_), None) => true,
        (Some(was), Some(is)) => is - was > chrono::Duration::seconds(1),
        (None, _) => false,
    };
    Ok(if moved_later {
        store::tickets::set_first_response(conn, &ticket, first)?
    } else {
        ticket
    })
}
