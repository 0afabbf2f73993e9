//! The team's tools on tickets: priority, tags, merge and split, bulk actions on the
//! queue, and saved replies. Every change is an event in the audit log.

use serde_json::json;

use crate::domain::organize::{self as rules, Placeholders};
use crate::domain::ticket::{Status, Transition};
use crate::domain::{self, threading};
use crate::store::models::TicketRow;
use crate::store::saved_replies::SavedReply;
use crate::store::{self, DbConn, StoreError, new_id, now};

use super::actions::{self, ActingUser, load_ticket};
use super::review::Done;
use super::{App, AppError};

fn in_tx<T>(app: &App, f: impl FnOnce(&mut DbConn) -> Result<T, AppError>) -> Result<T, AppError> {
    let mut conn = app.conn()?;
    match store::transaction(&mut conn, f) {
        Err(AppError::Store(StoreError::Conflict(m))) => Err(AppError::Conflict(m)),
        other => other,
    }
}

/// A new version of the ticket as it was read, or a conflict when someone changed it since.
fn touch(c: &mut DbConn, ticket: &TicketRow) -> Result<(), AppError> {
    store::tickets::update(c, ticket, &store::tickets::TicketUpdate::status(&ticket.status))?;
    Ok(())
}

pub fn set_priority(app: &App, number: i64, priority: &str, by: &ActingUser) -> Result<Done, AppError> {
    if !rules::is_priority(priority) {
        return Err(AppError::Invalid(format!("no priority {priority:?}")));
    }
    in_tx(app, |c| {
        let ticket = load_ticket(c, number)?;
        let before = store::organize::set_priority(c, &ticket.id, priority)?;
        if before != priority {
            store::events::record(
                c,
                Some(&ticket.id),
                "priority_changed",
                &by.actor(),
                json!({"from": before, "to": priority}),
            )?;
        }
        Ok(Done { notice: "priority" })
    })
}

fn tag_in(c: &mut DbConn, ticket: &TicketRow, tag: &str, by: &ActingUser) -> Result<(), AppError> {
    if store::organize::add_tag(c, &ticket.id, tag)? {
        store::events::record(c, Some(&ticket.id), "tag_added", &by.actor(), json!({"tag": tag}))?;
    }
    Ok(())
}

fn checked_tag(raw: &str) -> Result<String, AppError> {
    rules::normalize_tag(raw)
        .ok_or_else(|| AppError::Invalid("a tag needs a letter or a digit".into()))
}

pub fn add_tag(app: &App, number: i64, raw: &str, by: &ActingUser) -> Result<Done, AppError> {
    let tag = checked_tag(raw)?;
    in_tx(app, |c| {
        let ticket = load_ticket(c, number)?;
        tag_in(c, &ticket, &tag, by)?;
        Ok(Done { notice: "tags" })
    })
}

pub fn remove_tag(app: &App, number: i64, tag: &str, by: &ActingUser) -> Result<Done, AppError> {
    in_tx(app, |c| {
        let ticket = load_ticket(c, number)?;
        if store::organize::remove_tag(c, &ticket.id, tag)? {
            store::events::record(
                c,
                Some(&ticket.id),
                "tag_removed",
                &by.actor(),
                json!({"tag": tag}),
            )?;
        }
        Ok(Done { notice: "tags" })
    })
}

/// Merges ticket `number` into ticket `into`: every message moves (each once), the
/// merged ticket is closed and points at the other, its tags come along and its pending
/// drafts are laid aside. A reply to the merged ticket's thread lands on `into`.
pub fn merge(app: &App, number: i64, into: i64, by: &ActingUser) -> Result<Done, AppError> {
    if number == into {
        return Err(AppError::Invalid("a ticket cannot be merged into itself".into()));
    }
    in_tx(app, |c| {
        let from = load_ticket(c, number)?;
        let target = load_ticket(c, into)?;
        for t in [&from, &target] {
            if let Some(n) = store::organize::merged_into(c, &t.id)? {
                return Err(AppError::Invalid(format!(
                    "ticket #{} was merged into #{n} already",
                    t.number
                )));
            }
        }
        if target.status == Status::Closed.as_str() {
            return Err(AppError::Invalid(format!(
                "ticket #{into} is closed: merge it the other way round, or into an open ticket"
            )));
        }
        // One person's tickets only: a thread moved under another customer would follow
        // neither in an export nor in an erasure. The same person writing from two
        // addresses is one customer first (link the address on the ticket).
        if from.customer_id != target.customer_id {
            return Err(AppError::Invalid(format!(
                "ticket #{number} is another customer's than #{into}: if they are one person, \
                 link the address to the customer first, then merge"
            )));
        }
        // Both tickets move to a new version: a merge the other way round, or any other
        // change to either, made at the same time, fails instead of crossing this one.
        touch(c, &target)?;
        if from.status == Status::Closed.as_str() {
            touch(c, &from)?;
        }
        let moved = store::organize::merge(c, &from.id, &target.id, target.number)?;
        if from.status != Status::Closed.as_str() {
            actions::transition_in(c, number, Transition::Close, by)?;
        }
        store::events::record(
            c,
            Some(&from.id),
            "merged_into",
            &by.actor(),
            json!({"into": into, "messages": moved}),
        )?;
        store::events::record(
            c,
            Some(&target.id),
            "merged_from",
            &by.actor(),
            json!({"from": number, "messages": moved}),
        )?;
        Ok(Done { notice: "merged" })
    })
}

/// Moves one customer message of ticket `number` into a new ticket of the same customer,
/// which waits for a person; returns the new ticket's number.
pub fn split(app: &App, number: i64, message_id: &str, by: &ActingUser) -> Result<i64, AppError> {
    in_tx(app, |c| {
        let ticket = load_ticket(c, number)?;
        let message = store::messages::get(c, message_id)
            .map_err(|_| AppError::NotFound("message".into()))?;
        if message.ticket_id != ticket.id {
            return Err(AppError::NotFound("message".into()));
        }
        if message.author_kind != domain::AUTHOR_CUSTOMER {
            return Err(AppError::Invalid(
                "only a customer's message can start a ticket of its own".into(),
            ));
        }
        let customer_messages = store::messages::for_ticket(c, &ticket.id)?
            .into_iter()
            .filter(|m| m.author_kind == domain::AUTHOR_CUSTOMER)
            .count();
        if customer_messages < 2 {
            return Err(AppError::Invalid(
                "this is the ticket's only message from the customer: nothing to split".into(),
            ));
        }
        let at = now();
        let subject = match threading::clean_subject(&message.subject) {
            s if s.trim().is_empty() => ticket.subject.clone(),
            s => s,
        };
        let row = TicketRow {
            id: new_id(),
            number: store::tickets::next_number(c)?,
            customer_id: ticket.customer_id.clone(),
            subject,
            status: Status::InProgress.as_str().into(),
            channel: ticket.channel.clone(),
            language: ticket.language.clone(),
            intent: None,
            assignee_id: Some(by.id.clone()),
            version: 0,
            created_at: at,
            updated_at: at,
            waiting_since: Some(message.created_at),
            first_response_at: None,
            resolved_at: None,
        };
        // The ticket moves to a new version: the same message split twice at once makes
        // one new ticket, the other attempt fails.
        touch(c, &ticket)?;
        store::tickets::insert(c, &row)?;
        store::organize::move_message(c, &message.id, &row.id)?;
        store::events::record(
            c,
            Some(&row.id),
            "split_from",
            &by.actor(),
            json!({"from": number, "message": message.id}),
        )?;
        store::events::record(
            c,
            Some(&ticket.id),
            "split_to",
            &by.actor(),
            json!({"to": row.number, "message": message.id}),
        )?;
        Ok(row.number)
    })
}

/// A bulk action on the queue.
#[derive(Debug, Clone, PartialEq)]
pub enum Bulk {
    /// A user id, or `None` for nobody.
    Assign(Option<String>),
    Status(String),
    Tag(String),
}

/// What a bulk action did.
#[derive(Debug, Default, PartialEq)]
pub struct BulkReport {
    pub done: usize,
    /// Tickets it could not apply to, with why (a status a ticket cannot take, …).
    pub skipped: Vec<(i64, String)>,
}

/// The most tickets one bulk action may touch: a page of the queue.
pub const BULK_MAX: usize = 200;

/// Applies one action to each ticket, each in its own transaction (a ticket that
/// refuses does not undo the others), each audited like the single action.
pub fn bulk(app: &App, numbers: &[i64], action: &Bulk, by: &ActingUser) -> Result<BulkReport, AppError> {
    if numbers.is_empty() {
        return Err(AppError::Invalid("choose at least one ticket".into()));
    }
    if numbers.len() > BULK_MAX {
        return Err(AppError::Invalid(format!("at most {BULK_MAX} tickets at once")));
    }
    let tag = match action {
        Bulk::Tag(raw) => Some(checked_tag(raw)?),
        _ => None,
    };
    let mut report = BulkReport::default();
    let mut seen = std::collections::HashSet::new();
    for &n in numbers.iter().filter(|n| seen.insert(**n)) {
        let result = match action {
            Bulk::Assign(who) => super::review::assign(app, n, who.as_deref(), by),
            Bulk::Status(s) => super::review::set_status(app, n, s, by),
            Bulk::Tag(_) => add_tag(app, n, tag.as_deref().unwrap_or_default(), by),
        };
        match result {
            Ok(_) => report.done += 1,
            Err(e @ (AppError::Store(_) | AppError::Temporary(_))) => return Err(e),
            Err(e) => report.skipped.push((n, e.to_string())),
        }
    }
    store::events::record(
        &mut *app.conn()?,
        None,
        "bulk_action",
        &by.actor(),
        json!({"action": format!("{action:?}"), "tickets": numbers, "done": report.done, "skipped": report.skipped.len()}),
    )?;
    Ok(report)
}

/// The saved replies `user_id` may use.
pub fn saved_replies(app: &App, user_id: &str) -> Result<Vec<SavedReply>, AppError> {
    Ok(store::saved_replies::visible_to(&mut *app.conn()?, user_id)?)
}

/// A saved reply's text with its placeholders filled for ticket `number`.
pub fn filled_reply(
    app: &App,
    number: i64,
    reply_id: &str,
    agent: &str,
    agent_name: &str,
) -> Result<String, AppError> {
    let mut conn = app.conn()?;
    let reply = store::saved_replies::get(&mut conn, reply_id)?
        .filter(|r| r.owner_id.as_deref().is_none_or(|o| o == agent))
        .ok_or_else(|| AppError::NotFound("saved reply".into()))?;
    let ticket = load_ticket(&mut conn, number)?;
    let customer = store::customers::get(&mut conn, &ticket.customer_id)?;
    let name = customer
        .name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| customer.email.clone());
    Ok(rules::fill(
        &reply.body,
        &Placeholders {
            customer_name: &name,
            ticket_number: ticket.number,
            agent_name,
        },
    ))
}

/// What an agent typed into the saved-reply form.
pub struct ReplyForm<'a> {
    pub title: &'a str,
    pub body: &'a str,
    /// Shared with the team (supervisors and admins only) or the agent's own.
    pub shared: bool,
}

fn checked(form: &ReplyForm<'_>, may_share: bool) -> Result<(), AppError> {
    if form.title.trim().is_empty() || form.body.trim().is_empty() {
        return Err(AppError::Invalid("a saved reply needs a title and a text".into()));
    }
    if form.shared && !may_share {
        return Err(AppError::Refused(
            "only supervisors and admins save replies for the whole team".into(),
        ));
    }
    Ok(())
}

/// Saves a new reply (`id` `None`) or changes one the user may change: their own, or a
/// shared one when they may share.
pub fn save_reply(
    app: &App,
    id: Option<&str>,
    form: &ReplyForm<'_>,
    may_share: bool,
    by: &ActingUser,
) -> Result<String, AppError> {
    checked(form, may_share)?;
    let owner = (!form.shared).then_some(by.id.as_str());
    in_tx(app, |c| {
        let at = now();
        let id = match id {
            Some(id) => {
                editable(c, id, may_share, by)?;
                store::saved_replies::update(c, id, form.title.trim(), form.body.trim(), owner, at)?;
                id.to_string()
            }
            None => {
                let row = SavedReply {
                    id: new_id(),
                    owner_id: owner.map(str::to_string),
                    title: form.title.trim().to_string(),
                    body: form.body.trim().to_string(),
                    created_at: at,
                    updated_at: at,
                };
                store::saved_replies::insert(c, &row)?;
                row.id
            }
        };
        store::events::record(
            c,
            None,
            "saved_reply_saved",
            &by.actor(),
            json!({"reply": id, "shared": form.shared}),
        )?;
        Ok(id)
    })
}

fn editable(c: &mut DbConn, id: &str, may_share: bool, by: &ActingUser) -> Result<SavedReply, AppError> {
    let r = store::saved_replies::get(c, id)?.ok_or_else(|| AppError::NotFound("saved reply".into()))?;
    match r.owner_id.as_deref() {
        Some(o) if o == by.id => Ok(r),
        None if may_share => Ok(r),
        None => Err(AppError::Refused(
            "only supervisors and admins change the team's saved replies".into(),
        )),
        Some(_) => Err(AppError::NotFound("saved reply".into())),
    }
}

pub fn delete_reply(app: &App, id: &str, may_share: bool, by: &ActingUser) -> Result<(), AppError> {
    in_tx(app, |c| {
        editable(c, id, may_share, by)?;
        store::saved_replies::delete(c, id)?;
        store::events::record(c, None, "saved_reply_deleted", &by.actor(), json!({"reply": id}))?;
        Ok(())
    })
}
