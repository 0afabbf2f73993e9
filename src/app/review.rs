//! The ticket page's use cases: what an agent sees, and what they do with the AI draft
//! (approve, edit and send, take over, reject) and the ticket (reply, note, assign, status).
//! Each action is one transaction; a draft is decided by a compare-and-set on its status,
//! so two agents acting at once produce exactly one outgoing message.

use chrono::NaiveDateTime;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::domain::ticket::{Status, Transition};
use crate::domain::{self, reasons};
use crate::store::models::{CustomerRow, DraftRow, MessageRow, TicketRow};
use crate::store::{self, DbConn, StoreError, new_id, now};

use super::actions::{self, ActingUser, load_ticket};
use super::replies::{self, Reply};
use super::{App, AppError};

/// Why an agent rejected a draft.
pub const REJECT_REASONS: &[(&str, &str)] = &[
    ("wrong_intent", "Wrong intent: it answers another question"),
    ("wrong_facts", "Wrong or outdated facts"),
    ("tone", "Tone does not fit"),
    ("needs_action", "Needs an action, not an answer"),
];

pub struct MessageItem {
    pub id: String,
    /// The channel it came or went on (email, form, api, messenger, x).
    pub channel: String,
    /// Written by the customer (such a message can be split into a ticket of its own).
    pub from_customer: bool,
    pub direction: String,
    pub author: String,
    pub at: NaiveDateTime,
    pub subject: String,
    pub text: String,
    /// Quoted history and signature after `text`, shown collapsed.
    pub history: Option<String>,
    /// Sanitised HTML, when the customer sent HTML.
    pub html: Option<String>,
    pub attachments: Vec<(String, String, String, i64)>,
    pub delivery: Option<String>,
    /// The sender, when they were neither the customer nor a participant.
    pub new_participant: Option<String>,
    /// The outbox row to cancel and the seconds left, while the send can be undone.
    pub undo: Option<(String, i64)>,
}

pub struct DraftItem {
    pub row: DraftRow,
    pub risk_flags: Vec<String>,
    pub articles: Vec<(String, f64)>,
    /// The decision in a sentence a new agent understands.
    pub plain_reason: String,
    /// Each risk flag in a sentence.
    pub flag_sentences: Vec<String>,
    /// Why the draft is only a suggestion ("Not recommended: …"), when it is one.
    pub not_recommended: Option<String>,
    /// The confidence meter's colour class: the decision's, not the number's.
    pub meter_class: &'static str,
}

pub struct TicketPage {
    pub ticket: TicketRow,
    pub customer: CustomerRow,
    pub status: Status,
    pub messages: Vec<MessageItem>,
    pub draft: Option<DraftItem>,
    pub last_decision: Option<DraftItem>,
    pub earlier: Vec<(i64, String, String)>,
    pub assignee: Option<String>,
    pub agents: Vec<(String, String)>,
    pub next_ticket: Option<i64>,
    /// The customer asked for a person on this ticket.
    pub human_requested: bool,
    /// Others in the thread: (address, source).
    pub participants: Vec<(String, String)>,
    /// The title of the knowledge-base article of the ticket's intent.
    pub intent_title: Option<String>,
    /// The article of the ticket's intent in its language (else any), for "edit article"
    /// and as the preselected article of "add as an example".
    pub intent_article: Option<String>,
    /// Every article: (id, intent, language, title).
    pub articles: Vec<(String, String, String, String)>,
    pub priority: String,
    pub tags: Vec<String>,
    /// The ticket this one was merged into.
    pub merged_into: Option<i64>,
    /// The saved replies the viewer may use: (id, title, shared).
    pub saved_replies: Vec<(String, String, bool)>,
    /// The customer's other addresses (other mail, Messenger, X).
    pub identities: Vec<String>,
}

fn draft_item(row: DraftRow, human_requested: bool) -> DraftItem {
    let risk_flags: Vec<String> = serde_json::from_str(&row.risk_flags).unwrap_or_default();
    let articles = serde_json::from_str::<Vec<serde_json::Value>>(&row.articles)
        .unwrap_or_default()
        .into_iter()
        .map(|a| {
            (
                a["title"].as_str().unwrap_or_default().to_string(),
                a["score"].as_f64().unwrap_or(0.0),
            )
        })
        .collect();
    DraftItem {
        plain_reason: reasons::decision(
            &row.decision,
            &row.reason,
            row.intent.as_deref(),
            &risk_flags,
        ),
        flag_sentences: risk_flags.iter().map(|f| reasons::flag(f)).collect(),
        not_recommended: reasons::not_recommended(&row.decision, &risk_flags, human_requested),
        meter_class: reasons::meter_class(&row.decision),
        row,
        risk_flags,
        articles,
    }
}

/// Everything the ticket page shows; records that the user saw it (audit).
pub fn page(app: &App, number: i64, viewer: &ActingUser) -> Result<TicketPage, AppError> {
    let mut conn = app.conn()?;
    let ticket = load_ticket(&mut conn, number)?;
    let customer = store::customers::get(&mut conn, &ticket.customer_id)?;
    let rows = store::messages::for_ticket(&mut conn, &ticket.id)?;
    let ids: Vec<String> = rows.iter().map(|m| m.id.clone()).collect();
    let attachments = store::messages::attachments_for(&mut conn, &ids)?;
    let outbox = store::outbox::delivery_by_message(&mut conn, &ticket.id)?;
    let strangers = store::participants::new_participant_messages(&mut conn, &ticket.id)?;
    let at = now();
    let unreleased = store::outbox::unreleased_for_ticket(&mut conn, &ticket.id, at)?;
    let human_requested = store::tickets::human_requested(&mut conn, &ticket.id)?;
    let participants = store::participants::list(&mut conn, &ticket.id)?;
    let messages = rows
        .into_iter()
        .map(|m| {
            let (text, history) = crate::domain::quoting::split_history(&m.body_text);
            let (text, history) = (text.to_string(), history.map(str::to_string));
            MessageItem {
                attachments: attachments
                    .iter()
                    .filter(|a| a.1 == m.id)
                    .map(|a| (a.0.clone(), a.2.clone(), a.3.clone(), a.4))
                    .collect(),
                delivery: outbox
                    .iter()
                    .find(|(id, _)| id.as_deref() == Some(&m.id))
                    .map(|(_, status)| status.clone()),
                new_participant: strangers
                    .contains(&m.id)
                    .then(|| m.sender.clone().unwrap_or_default()),
                undo: unreleased
                    .iter()
                    .find(|u| u.1.as_deref() == Some(&m.id))
                    .map(|u| {
                        let left = (u.3 - at).num_seconds() + 1;
                        (u.0.clone(), left.max(1))
                    }),
                html: m.body_html.as_deref().map(crate::mail::html::sanitize),
                from_customer: m.author_kind == domain::AUTHOR_CUSTOMER,
                channel: m.channel.clone(),
                id: m.id.clone(),
                author: author_label(&m),
                direction: m.direction,
                at: m.created_at,
                subject: m.subject,
                history,
                text,
            }
        })
        .collect();
    let drafts = store::drafts::for_ticket(&mut conn, &ticket.id)?;
    let last_decision = drafts
        .last()
        .cloned()
        .map(|d| draft_item(d, human_requested));
    let draft = drafts
        .into_iter()
        .rev()
        .find(|d| d.status == "pending" && !d.body.is_empty())
        .map(|d| draft_item(d, human_requested));
    let intent_title = match &ticket.intent {
        Some(intent) => store::kb::title_for_intent(
            &mut conn,
            intent,
            ticket.language.as_deref().unwrap_or("en"),
        )?,
        None => None,
    };
    let earlier = store::tickets::for_customer(&mut conn, &customer.id, 20)?
        .into_iter()
        .filter(|t| t.id != ticket.id)
        .map(|t| {
            (
                t.number,
                t.subject,
                Status::parse(&t.status)
                    .map(|s| s.label())
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect();
    let agents: Vec<(String, String)> = store::users::all(&mut conn)?
        .into_iter()
        .filter(|u| u.active)
        .map(|u| (u.id, u.name))
        .collect();
    let assignee = ticket
        .assignee_id
        .as_ref()
        .and_then(|id| agents.iter().find(|(i, _)| i == id).map(|(_, n)| n.clone()));
    let next_ticket = store::queue::next_waiting(&mut conn, number)?;
    let articles = store::kb::titles(&mut conn)?;
    let language = ticket.language.as_deref().unwrap_or("en");
    let intent_article = ticket.intent.as_ref().and_then(|intent| {
        let of_intent = || articles.iter().filter(|a| &a.1 == intent);
        of_intent()
            .find(|a| a.2 == language)
            .or_else(|| of_intent().next())
            .map(|a| a.0.clone())
    });
    let priority = store::organize::priority(&mut conn, &ticket.id)?;
    let tags = store::organize::tags(&mut conn, &ticket.id)?;
    let merged_into = store::organize::merged_into(&mut conn, &ticket.id)?;
    let identities = store::customers::identities(&mut conn, &customer.id)?;
    let saved_replies = store::saved_replies::visible_to(&mut conn, &viewer.id)?
        .into_iter()
        .map(|r| (r.id, r.title, r.owner_id.is_none()))
        .collect();
    // An event outside a transaction takes its turn at SQLite's write lock
    // (`store::write_alone`), so the page does not wait in SQLite's back-off while the
    // ingest writer commits a burst.
    store::events::record(
        &mut conn,
        Some(&ticket.id),
        "ticket_viewed",
        &viewer.actor(),
        json!({}),
    )?;
    Ok(TicketPage {
        status: Status::parse(&ticket.status).unwrap_or(Status::New),
        ticket,
        customer,
        messages,
        draft,
        last_decision,
        earlier,
        assignee,
        agents,
        next_ticket,
        human_requested,
        participants,
        intent_title,
        intent_article,
        articles,
        priority,
        tags,
        merged_into,
        saved_replies,
        identities,
    })
}

fn author_label(m: &MessageRow) -> String {
    match (m.direction.as_str(), m.author_kind.as_str()) {
        (domain::NOTE, _) => "Internal note".into(),
        (_, domain::AUTHOR_CUSTOMER) => m.sender.clone().unwrap_or_else(|| "Customer".into()),
        (_, domain::AUTHOR_MACHINE) => format!(
            "{} (automatic reply)",
            m.sender.as_deref().unwrap_or("Customer")
        ),
        (_, domain::AUTHOR_AI) => "Automatic answer".into(),
        (_, domain::AUTHOR_SYSTEM) => "Acknowledgement".into(),
        _ => "Agent".into(),
    }
}

/// The outcome of an action: where to send the agent next.
pub struct Done {
    pub notice: &'static str,
}

fn in_tx<T>(app: &App, f: impl FnOnce(&mut DbConn) -> Result<T, AppError>) -> Result<T, AppError> {
    let mut conn = app.conn()?;
    let result = store::transaction(&mut conn, f);
    match result {
        Err(AppError::Store(StoreError::Conflict(m))) => Err(AppError::Conflict(m)),
        other => other,
    }
}

/// Why this draft may not go out with one click ("Not recommended: …"), if it may not.
fn hold_reason(
    c: &mut DbConn,
    ticket: &TicketRow,
    draft: &DraftRow,
) -> Result<Option<String>, AppError> {
    let flags: Vec<String> = serde_json::from_str(&draft.risk_flags).unwrap_or_default();
    let human_requested = store::tickets::human_requested(c, &ticket.id)?;
    Ok(reasons::not_recommended(
        &draft.decision,
        &flags,
        human_requested,
    ))
}

fn pending_draft(c: &mut DbConn, ticket: &TicketRow, draft_id: &str) -> Result<DraftRow, AppError> {
    let draft = store::drafts::get(c, draft_id).map_err(|_| AppError::NotFound("draft".into()))?;
    if draft.ticket_id != ticket.id {
        return Err(AppError::NotFound("draft".into()));
    }
    if draft.status != "pending" {
        return Err(AppError::Conflict("this draft was already handled".into()));
    }
    Ok(draft)
}

/// Sends `body` to the customer as the agent's reply and moves the ticket to waiting;
/// `once_key` names the send so that it is queued once (see [`reply`]).
fn send_reply(
    app: &App,
    c: &mut DbConn,
    ticket: &TicketRow,
    body: String,
    language: &str,
    once_key: Option<String>,
    by: &ActingUser,
) -> Result<(), AppError> {
    if body.trim().is_empty() {
        return Err(AppError::Invalid("the reply is empty".into()));
    }
    let customer = store::customers::get(c, &ticket.customer_id)?;
    replies::enqueue(
        c,
        &app.config,
        Reply {
            ticket,
            customer: &customer,
            kind: domain::OUT_AGENT_REPLY,
            author_kind: domain::AUTHOR_AGENT,
            author_id: Some(&by.id),
            body,
            language,
            once_key,
        },
    )?;
    let moved = actions::transition_in(c, ticket.number, Transition::AgentReplied, by)?;
    let mut update = store::tickets::TicketUpdate::status(&moved.status);
    update.first_response_at = Some(now());
    if moved.assignee_id.is_none() {
        update.assignee_id = Some(Some(&by.id));
    }
    store::tickets::update(c, &moved, &update)?;
    Ok(())
}

/// The `Content-Language` of a draft as written: its body is in the draft's language, its
/// greeting and sign-off in the catalogue's for it (English where there is none).
fn letter_language(draft: &DraftRow) -> String {
    domain::wording::content_language(&[
        &draft.language,
        crate::i18n::resolve(&draft.language),
    ])
}

pub fn approve(app: &App, number: i64, draft_id: &str, by: &ActingUser) -> Result<Done, AppError> {
    let done = in_tx(app, |c| {
        let ticket = load_ticket(c, number)?;
        let draft = pending_draft(c, &ticket, draft_id)?;
        // An escalated draft is a suggestion: it goes out only from the composer.
        if let Some(why) = hold_reason(c, &ticket, &draft)? {
            return Err(AppError::Refused(format!(
                "{why}. This draft cannot be approved with one click: open it in the composer, \
                 read and adapt it, and send it from there."
            )));
        }
        store::drafts::decide(c, &draft.id, "approved", Some(&by.id), now())?;
        store::events::record(
            c,
            Some(&ticket.id),
            "draft_approved",
            &by.actor(),
            json!({"draft": draft.id, "confidence": draft.confidence, "intent": draft.intent}),
        )?;
        let language = letter_language(&draft);
        send_reply(app, c, &ticket, draft.body.clone(), &language, None, by)?;
        Ok(Done { notice: "approved" })
    })?;
    app.request_retrain();
    Ok(done)
}

/// Sends the draft as edited in the composer. `composer` says the form came from the
/// composer itself (the field only the edit form sets): an escalated draft goes out only
/// that way.
pub fn edit_and_send(
    app: &App,
    number: i64,
    draft_id: &str,
    body: &str,
    composer: bool,
    by: &ActingUser,
) -> Result<Done, AppError> {
    let done = in_tx(app, |c| {
        let ticket = load_ticket(c, number)?;
        let draft = pending_draft(c, &ticket, draft_id)?;
        if !composer && let Some(why) = hold_reason(c, &ticket, &draft)? {
            return Err(AppError::Refused(format!(
                "{why}. Open the draft in the composer and send it from there."
            )));
        }
        let distance = strsim::levenshtein(&draft.body, body);
        store::drafts::decide(c, &draft.id, "edited", Some(&by.id), now())?;
        store::events::record(
            c,
            Some(&ticket.id),
            "draft_edited",
            &by.actor(),
            json!({
                "draft": draft.id, "edit_distance": distance, "draft_len": draft.body.chars().count(), "intent": draft.intent,
            }),
        )?;
        let language = letter_language(&draft);
        send_reply(app, c, &ticket, body.to_string(), &language, None, by)?;
        Ok(Done { notice: "edited" })
    })?;
    app.request_retrain();
    Ok(done)
}

pub fn reject(
    app: &App,
    number: i64,
    draft_id: &str,
    reason: &str,
    by: &ActingUser,
) -> Result<Done, AppError> {
    if !REJECT_REASONS.iter().any(|(k, _)| *k == reason) {
        return Err(AppError::Invalid(format!("unknown reason {reason:?}")));
    }
    let done = in_tx(app, |c| {
        let ticket = load_ticket(c, number)?;
        let draft = pending_draft(c, &ticket, draft_id)?;
        let status = if reason == "wrong_intent" {
            "rejected_wrong_intent"
        } else {
            "rejected"
        };
        store::drafts::decide(c, &draft.id, status, Some(&by.id), now())?;
        store::events::record(
            c,
            Some(&ticket.id),
            "draft_rejected",
            &by.actor(),
            json!({"draft": draft.id, "reason": reason, "intent": draft.intent}),
        )?;
        Ok(Done { notice: "rejected" })
    })?;
    app.request_retrain();
    Ok(done)
}

/// Sets the pending draft aside (if any) and records why.
fn set_aside(c: &mut DbConn, ticket: &TicketRow, by: &ActingUser) -> Result<(), AppError> {
    for d in store::drafts::for_ticket(c, &ticket.id)?
        .into_iter()
        .filter(|d| d.status == "pending")
    {
        store::drafts::decide(c, &d.id, "set_aside", Some(&by.id), now())?;
        store::events::record(
            c,
            Some(&ticket.id),
            "draft_set_aside",
            &by.actor(),
            json!({"draft": d.id, "intent": d.intent}),
        )?;
    }
    Ok(())
}

pub fn take_over(app: &App, number: i64, by: &ActingUser) -> Result<Done, AppError> {
    in_tx(app, |c| {
        let ticket = load_ticket(c, number)?;
        set_aside(c, &ticket, by)?;
        actions::transition_in(c, number, Transition::TakeOver, by)?;
        Ok(Done {
            notice: "taken_over",
        })
    })
}

/// How long the same text sent again to one ticket is taken for a slip (a second tab, the
/// text restored in the reply box) rather than meant.
pub const SAME_REPLY_MINUTES: i64 = 10;

/// Sends the agent's own reply. `send_key` comes with the reply form, one per page shown:
/// the same form sent twice (a double click, a resend after a slow answer) queues one
/// message and answers as the first did. The same text sent again to the ticket within
/// [`SAME_REPLY_MINUTES`] is refused, so a second tab cannot repeat a reply either.
pub fn reply(
    app: &App,
    number: i64,
    body: &str,
    send_key: Option<&str>,
    by: &ActingUser,
) -> Result<Done, AppError> {
    let replied = || Done { notice: "replied" };
    let once_key = send_key
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(|k| format!("reply:{number}:{}", hex::encode(Sha256::digest(k.as_bytes()))));
    let done = in_tx(app, |c| {
        let ticket = load_ticket(c, number)?;
        if let Some(key) = &once_key
            && store::outbox::has_key(c, key)?
        {
            return Ok(replied());
        }
        let since = now() - chrono::Duration::minutes(SAME_REPLY_MINUTES);
        if let Some(at) =
            store::outbox::same_text_queued_since(c, &ticket.id, domain::OUT_AGENT_REPLY, body, since)?
        {
            return Err(AppError::Refused(format!(
                "this same reply was already sent to the customer at {} UTC; it was not sent again",
                at.format("%H:%M:%S")
            )));
        }
        set_aside(c, &ticket, by)?;
        let language = ticket.language.clone().unwrap_or_else(|| "en".into());
        send_reply(app, c, &ticket, body.to_string(), &language, once_key.clone(), by)?;
        Ok(replied())
    });
    if let Err(AppError::Refused(why)) = &done
        && why == super::messenger::WINDOW_CLOSED
    {
        super::messenger::note_window_closed(app, number, by)?;
    }
    // The same form sent twice at once: the later one met the first one's key or its
    // change to the ticket; the first one's send stands for both.
    if let (Err(AppError::Conflict(_)), Some(key)) = (&done, &once_key)
        && store::outbox::has_key(&mut *app.conn()?, key)?
    {
        return Ok(replied());
    }
    done
}

pub fn note(app: &App, number: i64, body: &str, by: &ActingUser) -> Result<Done, AppError> {
    if body.trim().is_empty() {
        return Err(AppError::Invalid("the note is empty".into()));
    }
    in_tx(app, |c| {
        let ticket = load_ticket(c, number)?;
        store::messages::insert(
            c,
            &MessageRow {
                id: new_id(),
                ticket_id: ticket.id.clone(),
                direction: domain::NOTE.into(),
                author_kind: domain::AUTHOR_AGENT.into(),
                author_id: Some(by.id.clone()),
                channel: ticket.channel.clone(),
                internet_message_id: None,
                sender: None,
                subject: String::new(),
                body_text: body.to_string(),
                triage_text: String::new(),
                body_html: None,
                raw_mail_id: None,
                created_at: now(),
            },
        )?;
        store::events::record(c, Some(&ticket.id), "note_added", &by.actor(), json!({}))?;
        Ok(Done { notice: "noted" })
    })
}

pub fn assign(
    app: &App,
    number: i64,
    assignee: Option<&str>,
    by: &ActingUser,
) -> Result<Done, AppError> {
    in_tx(app, |c| {
        let ticket = load_ticket(c, number)?;
        if let Some(id) = assignee {
            let user = store::users::get(c, id).map_err(|_| AppError::NotFound("user".into()))?;
            if !user.active {
                return Err(AppError::Invalid(format!("{} is deactivated", user.name)));
            }
        }
        let mut update = store::tickets::TicketUpdate::status(&ticket.status);
        update.assignee_id = Some(assignee);
        store::tickets::update(c, &ticket, &update)?;
        store::events::record(
            c,
            Some(&ticket.id),
            "assigned",
            &by.actor(),
            json!({"from": ticket.assignee_id, "to": assignee}),
        )?;
        Ok(Done { notice: "assigned" })
    })
}

pub fn set_status(app: &App, number: i64, status: &str, by: &ActingUser) -> Result<Done, AppError> {
    let t = match status {
        "waiting_on_customer" => Transition::AwaitCustomer,
        "resolved" => Transition::Resolve,
        "closed" => Transition::Close,
        other => {
            return Err(AppError::Invalid(format!(
                "cannot set status {other:?} by hand"
            )));
        }
    };
    in_tx(app, |c| {
        actions::transition_in(c, number, t, by)?;
        Ok(Done { notice: "status" })
    })
}

/// An attachment for download; records who downloaded it (audit).
pub fn attachment(
    app: &App,
    id: &str,
    by: &ActingUser,
) -> Result<store::models::AttachmentRow, AppError> {
    let mut conn = app.conn()?;
    let a = store::messages::attachment(&mut conn, id)
        .map_err(|_| AppError::NotFound("attachment".into()))?;
    let message = store::messages::get(&mut conn, &a.message_id)?;
    store::events::record(
        &mut conn,
        Some(&message.ticket_id),
        "attachment_downloaded",
        &by.actor(),
        json!({"attachment": a.id, "filename": a.filename}),
    )?;
    Ok(a)
}

/// The newest send on ticket `number` that can still be undone: (outbox id, seconds
/// left). Shown on the next ticket when the console moved on after the send.
pub fn undoable_send(app: &App, number: i64) -> Result<Option<(String, i64)>, AppError> {
    let mut conn = app.conn()?;
    let ticket = load_ticket(&mut conn, number)?;
    let at = now();
    Ok(store::outbox::unreleased_for_ticket(&mut conn, &ticket.id, at)?
        .into_iter()
        .max_by_key(|u| u.3)
        .map(|u| (u.0, ((u.3 - at).num_seconds() + 1).max(1))))
}

/// Cancels a send that is still in its undo window (audited). The message stays in the
/// thread marked as cancelled; a ticket that was waiting on the customer because of it
/// goes back to the agent.
pub fn undo(app: &App, number: i64, outbox_id: &str, by: &ActingUser) -> Result<Done, AppError> {
    in_tx(app, |c| {
        let ticket = load_ticket(c, number)?;
        let at = now();
        let Some(row) = store::outbox::unreleased_for_ticket(c, &ticket.id, at)?
            .into_iter()
            .find(|r| r.0 == outbox_id)
        else {
            return Err(AppError::Refused(
                "too late to undo: this message has already been released to the customer".into(),
            ));
        };
        if !store::outbox::cancel_unreleased(c, &row.0, at)? {
            return Err(AppError::Refused(
                "too late to undo: this message has already been released to the customer".into(),
            ));
        }
        // An approved or edited draft is offered again, as it was before the click.
        let draft = match row.1.as_deref() {
            Some(message) => {
                let sent = store::messages::get(c, message)?;
                store::drafts::reopen_for_undone_send(
                    c,
                    &ticket.id,
                    sent.author_id.as_deref(),
                    sent.created_at,
                )?
            }
            None => None,
        };
        let draft = if row.2 == domain::OUT_AUTO_ANSWER {
            store::drafts::reopen_undone_automatic(c, &ticket.id)?.or(draft)
        } else {
            draft
        };
        store::events::record(
            c,
            Some(&ticket.id),
            "send_undone",
            &by.actor(),
            json!({"outbox": row.0, "message": row.1, "kind": row.2, "draft": draft}),
        )?;
        // Nothing went out: the ticket is the agent's again (an undone automatic answer
        // leaves the ticket to the person who undid it).
        if ticket.status == Status::WaitingOnCustomer.as_str()
            || ticket.status == Status::AutoAnswered.as_str()
        {
            actions::transition_in(c, number, Transition::TakeOver, by)?;
        }
        let ticket = load_ticket(c, number)?;
        replies::recount_first_response(c, ticket)?;
        Ok(Done { notice: "undone" })
    })
}
