//! Ingest: a raw email becomes a ticket (or joins one), gets a triage decision, and either
//! an answer is queued or the ticket waits for a person with an acknowledgement queued.
//!
//! The raw bytes are committed first, in their own transaction, so that nothing a customer
//! sent is lost; everything else happens in one second transaction, so that a failure
//! leaves nothing half-written and a retry (the MTA's, or the same HTTP request again)
//! picks up where it stopped without creating anything twice.

use std::sync::Arc;

use chrono::{Duration, Utc};
use serde_json::json;

use crate::domain::ticket::{self as lifecycle, Status, Transition};
use crate::domain::{self, loop_guard, reply_time, threading, wording};
use crate::llm::{LlmDraft, LlmError, Source};
use crate::mail::parse::{self, InboundMail};
use crate::store::events::Actor;
use crate::store::models::{
    AttachmentRow, CustomerRow, DraftRow, MessageRow, RawMailRow, TicketRow,
};
use crate::store::tickets::TicketUpdate;
use crate::store::{self, DbConn, StoreError, new_id, now};
use crate::triage::{Action, Decision, RiskFlag};

use super::replies::{self, Reply};
use super::{App, AppError};

/// What happened to one inbound message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Stored and triaged. `action` is what was done: auto_send, review or escalate.
    Accepted {
        ticket_number: i64,
        new_ticket: bool,
        action: String,
    },
    /// Seen before; nothing new was created.
    Duplicate { ticket_number: Option<i64> },
}

/// A message whose processing failed this many times (for a reason other than an
/// unreachable database) is parked as failed for an admin instead of retried for ever.
pub const MAX_ATTEMPTS: i32 = 10;

/// Ingests one raw RFC 5322 message.
///
/// Returns `Ok` only when the message is durably stored (new or a copy of a stored one);
/// otherwise `Malformed` or `Unprocessable` (a retry cannot help: the message is kept as
/// rejected or failed) or a temporary error (a retry can help). A panic while processing
/// is caught here: its transaction was rolled back, the message is parked as failed.
pub fn ingest_email(app: &App, raw: &[u8]) -> Result<Outcome, AppError> {
    settled_answer(ingest_stored(app, raw, parse::identity(raw)))
}

/// The prefix of the stored keys of messages from the web form and the status page; mail
/// keys start with `msg:` or `sha256:`, so no email can pass for a form message.
pub const FORM_KEY_PREFIX: &str = "form:";

/// Ingests a message written on the web form or the status page (composed by Tandem as
/// RFC 5322), kept once per `nonce` (the form's own one-time value: a form sent twice is
/// one message). Its ticket's channel is `form`.
pub fn ingest_form(app: &App, raw: &[u8], nonce: &str) -> Result<Outcome, AppError> {
    ingest_composed(app, raw, FORM_KEY_PREFIX, nonce)
}

/// The prefix of the stored keys of Messenger messages (by their `mid`).
pub const MESSENGER_KEY_PREFIX: &str = "messenger:";
/// The prefix of the stored keys of X direct messages (by their event id).
pub const X_KEY_PREFIX: &str = "x:";

/// The prefix of the stored keys of messages sent through the REST API.
pub const API_KEY_PREFIX: &str = "api:";

/// Ingests a message Tandem composed for another channel (`prefix` names it), kept once
/// per `key` (the form's one-time value, or an API client's idempotency key).
pub fn ingest_composed(
    app: &App,
    raw: &[u8],
    prefix: &str,
    key: &str,
) -> Result<Outcome, AppError> {
    let mut identity = parse::identity(raw);
    identity.dedup_key = composed_key(prefix, key);
    settled_answer(ingest_stored(app, raw, identity))
}

/// The stored key of a message composed for another channel.
pub fn composed_key(prefix: &str, key: &str) -> String {
    format!(
        "{prefix}{}",
        hex::encode(<sha2::Sha256 as sha2::Digest>::digest(key.as_bytes()))
    )
}

/// The channel a stored message came in on.
fn channel_of(raw: &RawMailRow) -> &'static str {
    if raw.dedup_key.starts_with(FORM_KEY_PREFIX) {
        domain::CHANNEL_FORM
    } else if raw.dedup_key.starts_with(API_KEY_PREFIX) {
        domain::CHANNEL_API
    } else if raw.dedup_key.starts_with(MESSENGER_KEY_PREFIX) {
        domain::CHANNEL_MESSENGER
    } else if raw.dedup_key.starts_with(X_KEY_PREFIX) {
        domain::CHANNEL_X
    } else {
        domain::CHANNEL_EMAIL
    }
}

fn settled_answer(result: Result<Outcome, AppError>) -> Result<Outcome, AppError> {
    match result {
        // Whatever else went wrong happened before the message was processed or parked:
        // the sender must try again (never a bare "internal error").
        Err(e)
            if !e.is_temporary()
                && !matches!(e, AppError::Malformed(_) | AppError::Unprocessable(_)) =>
        {
            Err(AppError::Temporary(e.to_string()))
        }
        other => other,
    }
}

fn ingest_stored(app: &App, raw: &[u8], identity: parse::Identity) -> Result<Outcome, AppError> {
    parse::precheck(raw, app.config.max_message_bytes)?;
    let row = {
        let mut conn = app.conn()?;
        let stored = store::transaction(&mut conn, |c| {
            store::raw_mail::store(c, &identity.dedup_key, identity.message_id.as_deref(), raw)
        })?;
        match stored {
            store::raw_mail::Stored::New(row) => row,
            store::raw_mail::Stored::Seen(row) if row.status == store::raw_mail::PROCESSED => {
                return duplicate(&mut conn, row.ticket_id.as_deref());
            }
            // Stored earlier but not finished (a crash, a temporary failure, or a failure
            // that a newer version may have fixed): finish it now.
            store::raw_mail::Stored::Seen(row) => row,
        }
    };
    let processed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        process_stored(app, &row, raw)
    }));
    match settle(&row, processed) {
        Settled::Answer(answer) => answer,
        Settled::Park(error) => {
            let mut conn = app.conn()?;
            store::raw_mail::mark_failed(&mut conn, &row.id, &error)?;
            Err(AppError::Unprocessable(error))
        }
    }
}

/// What becomes of a stored message after one processing attempt.
pub(super) enum Settled {
    /// The sender's answer: processed, refused, or "try again".
    Answer(Result<Outcome, AppError>),
    /// A retry cannot help: park the message as failed, with this reason, for an admin.
    Park(String),
}

/// Sorts the result of processing `row` (or its panic) into an answer or a parking; one
/// rule for the single path and the group commit.
pub(super) fn settle(
    row: &RawMailRow,
    processed: std::thread::Result<Result<Outcome, AppError>>,
) -> Settled {
    let error = match processed {
        Ok(Ok(outcome)) => return Settled::Answer(Ok(outcome)),
        Ok(Err(AppError::Malformed(e))) => return Settled::Answer(Err(AppError::Malformed(e))),
        Ok(Err(e)) if e.is_temporary() => return Settled::Answer(Err(e)),
        Ok(Err(AppError::Store(StoreError::Conflict(e)))) => {
            return Settled::Answer(Err(AppError::Temporary(format!("concurrent writers: {e}"))));
        }
        Ok(Err(e @ AppError::Store(_))) if row.attempts < MAX_ATTEMPTS => {
            // An unexpected database error: maybe passing, so retry, but not for ever.
            tracing::warn!(raw_mail = %row.id, attempts = row.attempts, error = %super::privacy::log_safe(&e.to_string()), "ingest failed; the sender may retry");
            return Settled::Answer(Err(AppError::Temporary(e.to_string())));
        }
        Ok(Err(AppError::Store(e))) => format!(
            "failed {} times, last with a database error: {e}",
            row.attempts
        ),
        Ok(Err(e)) => e.to_string(),
        Err(panic) => format!("internal error: {}", panic_message(panic.as_ref())),
    };
    tracing::error!(raw_mail = %row.id, error = %super::privacy::log_safe(&error), "message parked as failed");
    Settled::Park(error)
}

/// Parses the stored message and runs the processing transaction.
fn process_stored(app: &App, row: &RawMailRow, raw: &[u8]) -> Result<Outcome, AppError> {
    let mut conn = app.conn()?;
    let mail = match parse::parse(raw) {
        Ok(mail) => mail,
        Err(e) => {
            store::raw_mail::mark_rejected(&mut conn, &row.id, &e.to_string())?;
            return Err(e.into());
        }
    };
    // The LLM is asked before the transaction, so a slow endpoint never holds the lock.
    let llm = llm_draft(app, &mut conn, &mail)?;
    // A concurrent writer on PostgreSQL can win a unique key (the customer's address, a
    // ticket number); the loser's transaction rolled back whole, so running it again is
    // safe.
    let mut attempt = 0;
    loop {
        attempt += 1;
        let result = store::transaction(&mut conn, |c| {
            process_locked(app, c, row, &mail, llm.as_ref(), raw, Ahead::default())
        });
        match result {
            Err(AppError::Store(StoreError::Conflict(_))) if attempt < 5 => continue,
            Err(AppError::Store(StoreError::Conflict(e))) => {
                return Err(AppError::Temporary(format!("concurrent writers: {e}")));
            }
            other => return other,
        }
    }
}

/// A message parsed, and its words read by the triage engine, before the writer takes it
/// ([`read`]): the part of the work that needs no database, done on the request's thread.
pub struct Reading {
    pub mail: InboundMail,
    engine: Arc<crate::triage::Engine>,
    analysis: crate::triage::Analysis,
}

/// Parses `raw` and has the engine in use read it, when both can be done without the
/// store (an engine is loaded and the message parses); otherwise the writer does it all.
pub fn read(app: &App, raw: &[u8]) -> Option<Reading> {
    let engine = app.triage.loaded()?;
    // Nothing is stored yet: a panic here would lose the message. Caught, it leaves the
    // work to the writer, which stores the message first and parks it if it panics there.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        if cfg!(debug_assertions) && raw.windows(24).any(|w| w == b"\nX-Tandem-Fault: panic\r\n") {
            panic!("fault injected by X-Tandem-Fault (reading)");
        }
        parse::precheck(raw, app.config.max_message_bytes).ok()?;
        let mail = parse::parse(raw).ok()?;
        let analysis = engine.analyze(&mail.subject, &mail.triage_text());
        Some(Reading {
            mail,
            engine,
            analysis,
        })
    }))
    .ok()
    .flatten()
}

/// What was done for a message before its processing transaction.
#[derive(Clone, Copy, Default)]
pub struct Ahead<'a> {
    /// Parsed and read by the triage engine ([`read`]).
    pub read: Option<&'a Reading>,
    /// The store confirmed the newest triage model at or after this instant need not be
    /// asked again (a group commit asks once for all its messages).
    pub engine_since: Option<std::time::Instant>,
    /// The raw message was stored by this transaction: no copy of it can have been
    /// processed, and no other writer can reach its row before the commit.
    pub stored_here: bool,
    /// Reads shared by the messages of one group commit.
    pub group: Option<&'a GroupReads>,
}

/// What a group commit reads once for all its messages instead of once for each (on
/// PostgreSQL every statement is a round trip, the larger part of a message's cost): the
/// stored settings (the supervisors' dial and wording) and the number of active agents. A
/// change committed while a group is written applies from the next group on, as if it
/// had been committed just after.
#[derive(Default)]
pub struct GroupReads {
    settings: std::cell::OnceCell<Vec<(String, String)>>,
    agents: std::cell::OnceCell<i64>,
}

impl GroupReads {
    fn settings(&self, conn: &mut DbConn) -> Result<&[(String, String)], StoreError> {
        if self.settings.get().is_none() {
            let _ = self.settings.set(store::settings::all(conn)?);
        }
        Ok(self.settings.get().map(Vec::as_slice).unwrap_or_default())
    }

    fn agents(&self, conn: &mut DbConn) -> Result<i64, StoreError> {
        if let Some(&n) = self.agents.get() {
            return Ok(n);
        }
        let n = store::users::count_active_agents(conn)?;
        let _ = self.agents.set(n);
        Ok(n)
    }
}

/// Inside the processing transaction (or a batch's savepoint): processes the stored
/// message unless a concurrent copy already did.
pub(super) fn process_locked(
    app: &App,
    c: &mut DbConn,
    row: &RawMailRow,
    mail: &InboundMail,
    llm: Option<&LlmOutcome>,
    raw: &[u8],
    ahead: Ahead,
) -> Result<Outcome, AppError> {
    // Fault injection for the fault suite (debug builds only): a message that panics
    // inside the processing transaction, as the hostile header of issue 9 once did.
    let inject_panic =
        cfg!(debug_assertions) && raw.windows(24).any(|w| w == b"\nX-Tandem-Fault: panic\r\n");
    // Copies of this message processed concurrently wait here for the first; then they
    // find it processed and answer with its ticket.
    if !ahead.stored_here {
        let (status, ticket_id) = store::raw_mail::lock_status(c, &row.id)?;
        if status == store::raw_mail::PROCESSED {
            return duplicate(c, ticket_id.as_deref());
        }
    }
    let outcome = store::events::batched(c, |c| process(app, c, row, mail, llm, ahead));
    if inject_panic {
        panic!("fault injected by X-Tandem-Fault");
    }
    outcome
}

pub(super) fn duplicate(conn: &mut DbConn, ticket_id: Option<&str>) -> Result<Outcome, AppError> {
    let ticket_number = match ticket_id {
        Some(id) => Some(store::tickets::get(conn, id)?.number),
        None => None,
    };
    Ok(Outcome::Duplicate { ticket_number })
}

pub(super) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}

/// What the configured LLM endpoint made of the message, when one is configured and the
/// built-in engine found articles to ground it on.
pub(super) type LlmOutcome = Result<(LlmDraft, Vec<String>), LlmError>;

fn llm_draft(
    app: &App,
    conn: &mut DbConn,
    mail: &InboundMail,
) -> Result<Option<LlmOutcome>, AppError> {
    let Some(client) = &app.llm else {
        return Ok(None);
    };
    let engine = app.triage.engine(conn)?;
    let settings = super::triage::settings(&app.config, conn)?;
    let text = mail.triage_text();
    let first = engine.triage(
        &crate::triage::Message {
            subject: &mail.subject,
            text: &text,
            ..Default::default()
        },
        &settings,
    );
    if first.draft.is_none() || first.articles.is_empty() {
        return Ok(None);
    }
    let by_id: std::collections::HashMap<&str, &crate::triage::KnowledgeArticle> =
        engine.articles().map(|a| (a.id.as_str(), a)).collect();
    let sources: Vec<Source> = first
        .articles
        .iter()
        .filter_map(|m| by_id.get(m.id.as_str()))
        .filter(|a| a.language == first.language)
        .take(3)
        .map(|a| Source {
            id: &a.id,
            title: &a.title,
            body: &a.body,
        })
        .collect();
    if sources.is_empty() {
        return Ok(None);
    }
    // Personal data never leaves the process: placeholders out, real values back in.
    let redacted = crate::triage::redact_pii(&text);
    let ids: Vec<String> = sources.iter().map(|s| s.id.to_string()).collect();
    Ok(Some(
        client
            .draft(&redacted.text, &sources, &first.language)
            .map(|d| {
                (
                    LlmDraft {
                        text: redacted.restore(&d.text),
                        cited: d.cited,
                    },
                    ids,
                )
            }),
    ))
}

fn process(
    app: &App,
    conn: &mut DbConn,
    raw: &RawMailRow,
    mail: &InboundMail,
    llm: Option<&LlmOutcome>,
    ahead: Ahead,
) -> Result<Outcome, AppError> {
    let at = now();
    let own_reads = GroupReads::default();
    let group = ahead.group.unwrap_or(&own_reads);
    let store::customers::Found {
        row: mut customer,
        first_contact,
    } = store::customers::find_or_new(
        conn,
        &mail.from_address,
        mail.from_name.as_deref(),
        // A social network's user's messages take turns (see `find_thread`).
        super::social::network_of(channel_of(raw)).is_some(),
    )?;
    let existing = find_thread(conn, mail, &customer, first_contact, channel_of(raw))?;
    // Automatic messages are counted where they went: a social network's user by their
    // bare id there (as the outbox names them), anyone else by address.
    let answered_at = match super::social::network_of(channel_of(raw))
        .and_then(|n| n.user_of(&mail.from_address))
    {
        Some(user) => user.to_string(),
        None if first_contact => customer.email.clone(),
        None => replies::mail_address(conn, &customer)?,
    };
    let around = store::arrival::look(
        conn,
        &store::arrival::Ask {
            new_ticket: existing.is_none(),
            sender: &answered_at,
            automatic_kinds: domain::AUTOMATIC_KINDS,
            since: at - Duration::hours(1),
            message_id: mail.message_id.as_deref(),
            raw_mail_id: &raw.id,
            waiting_statuses: crate::domain::ticket::WAITING_FOR_PERSON,
        },
    )?;
    // A new customer is stored once the language they write in is known, with it (an
    // insert, not an insert and an update); one who writes into an existing thread (an
    // address the customer copied in) at once, as the rows that follow refer to them.
    let mut customer_stored = !first_contact;
    if existing.is_some() && !customer_stored {
        store::customers::insert(conn, &customer)?;
        customer_stored = true;
    }
    let triage_text = mail.triage_text();
    // A new ticket is written once, in the state triage leaves it in: written as `new`
    // and then updated, its row and every index over status, intent and language were
    // written twice (a twelfth of a busy group commit's work). So it, and the rows that
    // refer to it, are stored only after the decision; nothing before that needs them.
    let (mut ticket, stored, after_reply, earlier_contacts, answer_withdrawn) = match existing {
        Some(ticket) => {
            // A sender who is neither the customer nor a participant speaks for nobody.
            let stranger = super::participants::screen(app, conn, &ticket, &customer, mail, false)?;
            let machine = machine_written(app, mail);
            // A machine's reply (out of office, a bounce) is kept as the machine's: it is
            // no customer coming back to an automated answer.
            let author = match machine {
                Some(_) => domain::AUTHOR_MACHINE,
                None => domain::AUTHOR_CUSTOMER,
            };
            let message = store_message(conn, raw, mail, &ticket, &triage_text, author)?;
            note_reused_message_id(conn, mail, &ticket, &around)?;
            if let Some(machine) = machine {
                return keep_machine_written(conn, raw, &ticket, &message, stranger, &machine);
            }
            let status = Status::parse(&ticket.status).unwrap_or(Status::New);
            // Reopening clears `resolved_at`; earlier contacts are counted from the last
            // resolution, so it is kept before the ticket moves.
            let last_resolved = ticket.resolved_at;
            let moved = lifecycle::apply(
                status,
                Transition::CustomerReplied {
                    assigned: ticket.assignee_id.is_some(),
                },
            )?;
            store::events::record(
                conn,
                Some(&ticket.id),
                moved.event,
                &Actor::CUSTOMER,
                json!({"from": status.as_str()}),
            )?;
            let mut ticket = ticket;
            if moved.status != status {
                let mut update = TicketUpdate::status(moved.status.as_str());
                if status == Status::Resolved {
                    update.resolved_at = Some(None);
                }
                ticket = store::tickets::update(conn, &ticket, &update)?;
            }
            if stranger {
                return super::participants::keep_from_stranger(conn, raw, &ticket, &message);
            }
            let (ticket, withdrawn) = withdraw_unreleased_answer(conn, ticket, &message, at)?;
            let earlier =
                store::messages::count_inbound_since(conn, &ticket.id, last_resolved)? - 1;
            (
                ticket,
                Some(message),
                moved.status,
                earlier.max(0),
                withdrawn,
            )
        }
        None => {
            let row = TicketRow {
                id: new_id(),
                number: match around.ticket_number {
                    Some(n) => n,
                    None => store::tickets::next_number(conn)?,
                },
                customer_id: customer.id.clone(),
                subject: threading::clean_subject(&mail.subject),
                status: Status::New.as_str().into(),
                channel: channel_of(raw).into(),
                language: None,
                intent: None,
                assignee_id: None,
                version: 0,
                created_at: at,
                updated_at: at,
                waiting_since: None,
                first_response_at: None,
                resolved_at: None,
            };
            (row, None, Status::New, 0, false)
        }
    };
    let new_ticket = stored.is_none();

    let loading = std::time::Instant::now();
    let engine = match ahead.engine_since {
        Some(since) => app.triage.engine_confirmed_since(conn, since)?,
        None => app.triage.engine(conn)?,
    };
    tracing::debug!(
        ms = loading.elapsed().as_secs_f64() * 1e3,
        "triage engine ready"
    );
    let settings = super::triage::settings_from(&app.config, group.settings(conn)?);
    let recent_auto_intents = if first_contact {
        Vec::new()
    } else {
        store::drafts::recent_auto_intents(
            conn,
            &customer.id,
            &ticket.id,
            at - Duration::days(crate::triage::REPEAT_CONTACT_DAYS),
        )?
    };
    let message_for_triage = crate::triage::Message {
        subject: &mail.subject,
        text: &triage_text,
        prior_unresolved_contacts: earlier_contacts as u32,
        vip: customer.vip,
        recent_auto_intents: &recent_auto_intents,
    };
    let mut decision = match ahead.read {
        Some(r) if Arc::ptr_eq(&r.engine, &engine) => {
            engine.decide(r.analysis.clone(), &message_for_triage, &settings)
        }
        _ => engine.triage(&message_for_triage, &settings),
    };
    let llm_event = llm.and_then(|outcome| apply_llm(&mut decision, outcome));
    if customer.language.as_deref() != Some(decision.language.as_str()) {
        if customer_stored {
            store::customers::set_language(conn, &customer.id, &decision.language)?;
        }
        customer.language = Some(decision.language.clone());
    }
    if !customer_stored {
        store::customers::insert(conn, &customer)?;
    }

    let sent_last_hour = around.automatic_to_sender;
    let suppressed = loop_guard::check(
        &mail.provenance(),
        &app.config.support_address,
        sent_last_hour,
        app.config.auto_reply_cap_per_hour,
    )
    .err();
    let already_auto_answered =
        !new_ticket && store::outbox::ticket_has_kind(conn, &ticket.id, domain::OUT_AUTO_ANSWER)?;
    if already_auto_answered && !decision.risk_flags.contains(&RiskFlag::RepeatContact) {
        // The automated answer did not settle it: metrics count this as a repeat contact.
        decision.risk_flags.push(RiskFlag::RepeatContact);
    }
    let (action, reason) = effective_action(
        &decision,
        &Circumstances {
            suppressed: suppressed.as_ref(),
            already_auto_answered,
            answer_withdrawn,
            status: after_reply,
            assigned: ticket.assignee_id.is_some(),
            attachment_only: attachment_only(mail, &triage_text),
        },
    );
    // The word the disclosure line told the customer to reply with may be the
    // supervisor's own (the engine knows the catalogue's): a short reply with it asks for
    // a person too.
    if crate::triage::risk::is_short_reply(&triage_text)
        && !decision.risk_flags.contains(&RiskFlag::HumanRequested)
    {
        let settings = group.settings(conn)?;
        let mut told = vec![decision.language.as_str()];
        told.extend(
            ticket
                .language
                .as_deref()
                .filter(|l| *l != decision.language),
        );
        if told.into_iter().any(|language| {
            let word = super::wording::texts(settings, language).get("human-word", &[]);
            crate::triage::risk::is_short_reply_with(&triage_text, &word)
        }) {
            decision.risk_flags.push(RiskFlag::HumanRequested);
            decision.action = Action::Escalate;
            decision.reason = "escalated: customer asked for a person".into();
        }
    }
    let asks_for_person = decision.risk_flags.contains(&RiskFlag::HumanRequested);
    // A person asked for outranks every other reason the machine held back for; where
    // the engine itself did not answer, nothing is left to hold back (nor to look up).
    let (action, reason) = if decision.action == Action::AutoSend {
        use super::escalation::PersonAsked;
        let asked = if asks_for_person
            || (!new_ticket && store::tickets::human_requested(conn, &ticket.id)?)
        {
            PersonAsked::Here
        } else if first_contact {
            PersonAsked::No
        } else {
            // A person is one reply away on every ticket of a customer who asked for one
            // and still waits: a new ticket from them is not answered by the machine either.
            store::tickets::open_ticket_where_person_asked(conn, &customer.id, &ticket.id)?
                .map_or(PersonAsked::No, PersonAsked::OnOpenTicket)
        };
        match asked {
            PersonAsked::No => (action, reason),
            asked => super::escalation::hold_for_person(Action::AutoSend, reason, asked),
        }
    } else {
        (action, reason)
    };

    // Drafts and answers read like a person's: greeting by name, sign-off, the
    // customer's language (the supervisor's wording overrides apply).
    let texts = super::wording::texts(group.settings(conn)?, &decision.language);
    let recipient = wording::Recipient {
        name: customer.name.as_deref().or(mail.from_name.as_deref()),
        offset: mail.date.as_deref().and_then(reply_time::customer_offset),
    };
    if let Some(body) = &decision.draft {
        let letter = wording::answer(
            &texts,
            body,
            &decision.language,
            &recipient,
            &app.config.support_name,
        );
        decision.draft = Some(letter.text);
    }

    let lang = decision.language.as_str();
    let mut update_status = after_reply;
    let mut moves = Vec::new();
    if after_reply == Status::New {
        let triaged = lifecycle::apply(Status::New, Transition::Triage)?;
        let decided = lifecycle::apply(
            triaged.status,
            match action {
                Action::AutoSend => Transition::AutoAnswer,
                Action::Review => Transition::QueueForReview,
                Action::Escalate => Transition::Escalate,
            },
        )?;
        moves.push(decided.event);
        update_status = decided.status;
    } else if after_reply == Status::PendingReview && action == Action::Escalate {
        let moved = lifecycle::apply(after_reply, Transition::Escalate)?;
        moves.push(moved.event);
        update_status = moved.status;
    }
    // A language the knowledge base does not cover goes to someone who speaks it.
    let speaker = if decision.risk_flags.contains(&RiskFlag::LanguageNotCovered)
        && ticket.assignee_id.is_none()
    {
        store::users::least_busy_speaker(conn, &decision.language)?
    } else {
        None
    };
    let waiting_since = if update_status.waits_for_person() {
        Some(ticket.waiting_since.or(Some(at)))
    } else {
        Some(None)
    };
    let update = TicketUpdate {
        status: update_status.as_str(),
        language: Some(lang),
        intent: decision.intent.as_deref(),
        assignee_id: speaker.as_deref().map(Some),
        waiting_since,
        first_response_at: (action == Action::AutoSend).then_some(at),
        resolved_at: None,
    };

    let message = match stored {
        Some(message) => {
            ticket = store::tickets::update(conn, &ticket, &update)?;
            message
        }
        None => {
            ticket = update.applied_to(&ticket, at);
            store::tickets::insert(conn, &ticket)?;
            store::events::record(
                conn,
                Some(&ticket.id),
                "ticket_created",
                &Actor::CUSTOMER,
                json!({"channel": channel_of(raw)}),
            )?;
            super::participants::screen(app, conn, &ticket, &customer, mail, true)?;
            let message = store_message(
                conn,
                raw,
                mail,
                &ticket,
                &triage_text,
                domain::AUTHOR_CUSTOMER,
            )?;
            note_reused_message_id(conn, mail, &ticket, &around)?;
            message
        }
    };
    if let Some((kind, data)) = llm_event {
        store::events::record(conn, Some(&ticket.id), kind, &Actor::AI, data)?;
    }
    if let Some(s) = &suppressed {
        store::events::record(
            conn,
            Some(&ticket.id),
            "auto_reply_suppressed",
            &Actor::SYSTEM,
            json!({"reason": s.describe()}),
        )?;
    }
    if asks_for_person {
        store::tickets::set_human_requested(conn, &ticket.id)?;
    }

    let draft_status = if action == Action::AutoSend {
        "sent"
    } else {
        "pending"
    };
    if !new_ticket {
        store::drafts::supersede_pending(conn, &ticket.id)?;
    }
    store::drafts::insert(
        conn,
        &DraftRow {
            id: new_id(),
            ticket_id: ticket.id.clone(),
            message_id: message.id.clone(),
            body: decision.draft.clone().unwrap_or_default(),
            language: decision.language.clone(),
            intent: decision.intent.clone(),
            intent_score: decision.intent_score as f64,
            confidence: decision.confidence as f64,
            decision: action.as_str().into(),
            reason: reason.clone(),
            risk_flags: serde_json::to_string(
                &decision
                    .risk_flags
                    .iter()
                    .map(|f| f.as_str())
                    .collect::<Vec<_>>(),
            )
            .unwrap_or_default(),
            articles: serde_json::to_string(
                &decision
                    .articles
                    .iter()
                    .map(|a| json!({"id": a.id, "title": a.title, "score": a.score}))
                    .collect::<Vec<_>>(),
            )
            .unwrap_or_default(),
            status: draft_status.into(),
            created_at: at,
            decided_at: (action == Action::AutoSend).then_some(at),
            decided_by: None,
        },
    )?;
    store::events::record(
        conn,
        Some(&ticket.id),
        "triage_decision",
        &Actor::AI,
        json!({
            "action": action.as_str(),
            "engine_action": decision.action.as_str(),
            "reason": reason,
            "intent": decision.intent,
            "confidence": decision.confidence,
            "language": decision.language,
            "risk_flags": decision.risk_flags.iter().map(|f| f.as_str()).collect::<Vec<_>>(),
        }),
    )?;
    for event in moves {
        store::events::record(
            conn,
            Some(&ticket.id),
            event,
            &Actor::AI,
            json!({"reason": reason}),
        )?;
    }
    if let Some(id) = &speaker {
        store::events::record(
            conn,
            Some(&ticket.id),
            "assigned",
            &Actor::AI,
            json!({"to": id, "reason": "speaks the customer's language"}),
        )?;
    }

    let replying = action == Action::AutoSend || after_reply == Status::New;
    if suppressed.is_none() && replying {
        // A ticket created just now holds one message, the one being processed.
        let thread = if new_ticket {
            vec![store::messages::ThreadHeader {
                direction: domain::INBOUND.into(),
                internet_message_id: message.internet_message_id.clone(),
                subject: message.subject.clone(),
            }]
        } else {
            store::messages::thread_headers(conn, &ticket.id)?
        };
        if action == Action::AutoSend {
            let draft = decision.draft.clone().unwrap_or_default();
            let body = format!(
                "{}\n\n-- \n{}\n",
                draft.trim_end(),
                wording::automated_disclosure(&texts, ticket.number)
            );
            let language = wording::content_language(&[lang, texts.language()]);
            replies::enqueue_in_thread(
                conn,
                &app.config,
                Reply {
                    ticket: &ticket,
                    customer: &customer,
                    kind: domain::OUT_AUTO_ANSWER,
                    author_kind: domain::AUTHOR_AI,
                    author_id: None,
                    body,
                    language: &language,
                    once_key: None,
                },
                &thread,
            )?;
        } else if after_reply == Status::New {
            acknowledge(
                app,
                conn,
                group,
                &ticket,
                &customer,
                &texts,
                &recipient,
                &thread,
                around.waiting_for_person,
            )?;
        }
    }
    store::raw_mail::mark_processed(conn, &raw.id, &ticket.id)?;
    Ok(Outcome::Accepted {
        ticket_number: ticket.number,
        new_ticket,
        action: action.as_str().into(),
    })
}

/// Why a machine, not a person, wrote this mail (an out-of-office reply, a bounce), if
/// one did.
fn machine_written(app: &App, mail: &InboundMail) -> Option<loop_guard::Suppressed> {
    loop_guard::check(&mail.provenance(), &app.config.support_address, 0, i64::MAX)
        .err()
        .filter(loop_guard::Suppressed::machine_written)
}

/// Keeps a machine-written mail that threaded onto a ticket (an out-of-office reply, a
/// bounce) on the ticket for people to read, and does nothing else: it does not reopen a
/// resolved ticket or hand one back to a person, replace the draft waiting for review
/// with one that answers the machine, or get an answer.
fn keep_machine_written(
    conn: &mut DbConn,
    raw: &RawMailRow,
    ticket: &TicketRow,
    message: &MessageRow,
    stranger: bool,
    why: &loop_guard::Suppressed,
) -> Result<Outcome, AppError> {
    if stranger {
        store::participants::mark_new_participant(conn, &message.id)?;
    }
    store::events::record(
        conn,
        Some(&ticket.id),
        "machine_mail_kept",
        &Actor::SYSTEM,
        json!({"message": message.id, "reason": why.describe()}),
    )?;
    store::raw_mail::mark_processed(conn, &raw.id, &ticket.id)?;
    Ok(Outcome::Accepted {
        ticket_number: ticket.number,
        new_ticket: false,
        action: KEPT.into(),
    })
}

/// The outcome's action for a mail kept on its ticket without triage.
pub const KEPT: &str = "kept";

/// Another message already carried this Message-ID: kept, and marked for people.
fn note_reused_message_id(
    conn: &mut DbConn,
    mail: &InboundMail,
    ticket: &TicketRow,
    around: &store::arrival::Arrival,
) -> Result<(), AppError> {
    if let Some(id) = &mail.message_id
        && around.others_with_message_id > 0
    {
        store::events::record(
            conn,
            Some(&ticket.id),
            "message_id_reused",
            &Actor::SYSTEM,
            json!({"message_id": id}),
        )?;
    }
    Ok(())
}

/// Puts the LLM's draft in place of the built-in one. An LLM draft that cites none of the
/// retrieved articles is never sent without review; a failed call keeps the built-in draft.
/// Returns the event that tells which happened, if anything did.
fn apply_llm(
    decision: &mut Decision,
    outcome: &LlmOutcome,
) -> Option<(&'static str, serde_json::Value)> {
    match outcome {
        Ok((draft, retrieved)) if decision.draft.is_some() => {
            let grounded = draft.cited.iter().any(|c| retrieved.contains(c));
            decision.draft = Some(draft.text.clone());
            if !grounded && decision.action == Action::AutoSend {
                decision.action = Action::Review;
                decision.reason =
                    "review: the LLM draft cites no retrieved knowledge-base article".into();
            }
            Some((
                "llm_draft",
                json!({"cited": draft.cited, "grounded": grounded}),
            ))
        }
        Ok(_) => None,
        Err(e) => {
            tracing::warn!(error = %super::privacy::log_safe(&e.to_string()), "LLM draft failed; using the built-in draft");
            Some(("llm_fallback", json!({"error": e.to_string()})))
        }
    }
}

/// What the engine cannot know about a message, and may keep it from going out alone.
struct Circumstances<'a> {
    /// Loop protection said no.
    suppressed: Option<&'a loop_guard::Suppressed>,
    already_auto_answered: bool,
    /// An automatic answer to the message before was held back because of this one.
    answer_withdrawn: bool,
    /// The ticket's status once the message is on it.
    status: Status,
    /// A person owns the ticket.
    assigned: bool,
    /// The message is only attachments (a photo, a file), which triage cannot read.
    attachment_only: bool,
}

/// Whether the message says nothing but its attachments: no words of its own in mail with
/// files attached, or only the attachment lines a social message is made of.
fn attachment_only(mail: &InboundMail, text: &str) -> bool {
    let words: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if words.is_empty() {
        return !mail.attachments.is_empty();
    }
    words
        .iter()
        .all(|line| super::social::is_attachment_line(line))
}

/// The engine's decision, narrowed by what the engine cannot know: loop protection and
/// what already happened on this ticket.
fn effective_action(decision: &Decision, facts: &Circumstances) -> (Action, String) {
    let Circumstances {
        suppressed,
        already_auto_answered,
        answer_withdrawn,
        status,
        assigned,
        attachment_only,
    } = *facts;
    if answer_withdrawn {
        return match decision.action {
            Action::AutoSend => (Action::Review, format!("review: {WITHDRAWN}")),
            held => (held, format!("{}; {WITHDRAWN}", decision.reason)),
        };
    }
    if decision.action != Action::AutoSend {
        return (decision.action, decision.reason.clone());
    }
    if let Some(s) = suppressed {
        return (
            Action::Review,
            format!("review: no automatic reply because {}", s.describe()),
        );
    }
    if already_auto_answered {
        return (
            Action::Review,
            "review: the customer wrote back after an automated answer".into(),
        );
    }
    if status != Status::New {
        return (
            Action::Review,
            format!(
                "review: a person is already handling this ticket ({})",
                status.label()
            ),
        );
    }
    if assigned {
        return (
            Action::Review,
            "review: the ticket is assigned to a person, who answers it".into(),
        );
    }
    if attachment_only {
        return (
            Action::Review,
            "review: the message is only an attachment, which is not read automatically".into(),
        );
    }
    (Action::AutoSend, decision.reason.clone())
}

/// Said on the draft of a message that came while the automatic answer to the one before
/// waited in its undo window (the message goes to a person).
pub const WITHDRAWN: &str =
    "the customer wrote again before the automatic answer went out; it was held back";

/// The customer wrote again while the automatic answer to their last message still waited
/// in its undo window: that answer no longer answers everything they said (they may even
/// ask for a person), so it is held back, and a person sees both messages. Returns the
/// ticket as it is now and whether an answer was held back. Releases that already began
/// stand: they may be on their way.
fn withdraw_unreleased_answer(
    conn: &mut DbConn,
    ticket: TicketRow,
    message: &MessageRow,
    at: chrono::NaiveDateTime,
) -> Result<(TicketRow, bool), AppError> {
    let mut withdrawn = Vec::new();
    for (outbox_id, answer, kind, _) in store::outbox::unreleased_for_ticket(conn, &ticket.id, at)?
    {
        if kind == domain::OUT_AUTO_ANSWER
            && store::outbox::cancel_unreleased(conn, &outbox_id, at)?
        {
            withdrawn.push(json!({"outbox": outbox_id, "message": answer}));
        }
    }
    if withdrawn.is_empty() {
        return Ok((ticket, false));
    }
    // Nothing went out: the automation figures and "Sent automatically" no longer count it
    // (the new message's draft takes its place).
    store::drafts::reopen_undone_automatic(conn, &ticket.id)?;
    store::events::record(
        conn,
        Some(&ticket.id),
        "auto_answer_withdrawn",
        &Actor::SYSTEM,
        json!({"answers": withdrawn, "because_of": message.id}),
    )?;
    let ticket = replies::recount_first_response(conn, ticket)?;
    Ok((ticket, true))
}

/// Queues the acknowledgement with the ticket number and an honest expected reply time.
#[allow(clippy::too_many_arguments)]
fn acknowledge(
    app: &App,
    conn: &mut DbConn,
    group: &GroupReads,
    ticket: &TicketRow,
    customer: &CustomerRow,
    texts: &wording::Texts,
    recipient: &wording::Recipient,
    thread: &[store::messages::ThreadHeader],
    waiting_before: Option<i64>,
) -> Result<(), AppError> {
    // Tickets ahead of this one: counted before it was written when it is new, else now
    // less itself.
    let ahead = match waiting_before {
        Some(n) => n,
        None => store::tickets::count_waiting_for_person(conn)? - 1,
    };
    let load = reply_time::Workload {
        waiting_tickets: ahead.max(0),
        agents: group.agents(conn)?,
        minutes_per_ticket: app.config.minutes_per_ticket,
    };
    let eta = reply_time::expected_reply(Utc::now(), &app.config.business_hours, &load);
    store::events::record(
        conn,
        Some(&ticket.id),
        "reply_time_promised",
        &Actor::SYSTEM,
        json!({"eta": eta.to_rfc3339(), "queue": load.waiting_tickets, "agents": load.agents}),
    )?;
    let link = super::contact::status_link(app, conn, ticket.number)?;
    let letter = wording::acknowledgement(
        texts,
        ticket.number,
        eta,
        recipient,
        &app.config.support_name,
        Some(&link),
        super::social::network_of(&ticket.channel).is_some(),
    );
    replies::enqueue_in_thread(
        conn,
        &app.config,
        Reply {
            ticket,
            customer,
            kind: domain::OUT_ACKNOWLEDGEMENT,
            author_kind: domain::AUTHOR_SYSTEM,
            author_id: None,
            body: letter.text,
            language: &letter.language,
            once_key: None,
        },
        thread,
    )?;
    Ok(())
}

/// The ticket this mail continues: by Message-ID references to our thread, then by the
/// `[#N]` token when the sender is that ticket's customer. Closed tickets are not reopened.
fn find_thread(
    conn: &mut DbConn,
    mail: &InboundMail,
    customer: &CustomerRow,
    first_contact: bool,
    channel: &str,
) -> Result<Option<TicketRow>, AppError> {
    let by_reference =
        store::tickets::find_by_message_ids(conn, &mail.thread_ids, &mail.from_address)?;
    let found = match by_reference {
        Some(t) => Some(t),
        None => match threading::ticket_number_in_subject(&mail.subject) {
            Some(n) => {
                store::tickets::get_by_number(conn, n)?.filter(|t| t.customer_id == customer.id)
            }
            None => None,
        },
    };
    // A reply to a ticket that was merged belongs to the ticket it was merged into.
    let mut found = found;
    for _ in 0..5 {
        let Some(t) = &found else { break };
        let Some(into) = store::organize::merged_into(conn, &t.id)? else {
            break;
        };
        found = store::tickets::get_by_number(conn, into)?;
    }
    let found = found.filter(|t| t.status != Status::Closed.as_str());
    // A conversation on a social network is one thread, however its messages were
    // composed: two messages of one user arriving at once continue one open ticket. The
    // customer's row is locked first, so a concurrent transaction of the same user waits
    // here and then sees the ticket the first one opened (a new customer's second copy
    // loses the race for the address and runs again).
    if found.is_none() && !first_contact && super::social::network_of(channel).is_some() {
        store::customers::lock(conn, &customer.id)?;
        return Ok(store::tickets::for_customer(conn, &customer.id, 20)?
            .into_iter()
            .find(|t| t.channel == channel && t.status != Status::Closed.as_str()));
    }
    Ok(found)
}

fn store_message(
    conn: &mut DbConn,
    raw: &RawMailRow,
    mail: &InboundMail,
    ticket: &TicketRow,
    triage_text: &str,
    author: &str,
) -> Result<MessageRow, AppError> {
    let row = MessageRow {
        id: new_id(),
        ticket_id: ticket.id.clone(),
        direction: domain::INBOUND.into(),
        author_kind: author.into(),
        author_id: None,
        channel: channel_of(raw).into(),
        internet_message_id: mail.message_id.clone(),
        sender: Some(mail.from_address.clone()),
        subject: mail.subject.clone(),
        body_text: mail.text.clone(),
        triage_text: triage_text.to_string(),
        body_html: mail.html.clone(),
        raw_mail_id: Some(raw.id.clone()),
        created_at: now(),
    };
    store::messages::insert(conn, &row)?;
    let attachments: Vec<AttachmentRow> = mail
        .attachments
        .iter()
        .map(|a| AttachmentRow {
            id: new_id(),
            message_id: row.id.clone(),
            filename: a.filename.clone(),
            content_type: a.content_type.clone(),
            size: a.content.len() as i64,
            content: a.content.clone(),
        })
        .collect();
    store::messages::insert_attachments(conn, &attachments)?;
    store::events::record(
        conn,
        Some(&ticket.id),
        "message_received",
        &Actor::CUSTOMER,
        json!({"attachments": attachments.len()}),
    )?;
    Ok(row)
}
