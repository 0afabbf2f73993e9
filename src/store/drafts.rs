//! AI drafts with the decision that was taken on them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::DraftRow;
use super::reused::Reused;
use super::schema::{drafts, messages};
use super::{DbConn, StoreError};

pub fn insert(conn: &mut DbConn, row: &DraftRow) -> Result<(), StoreError> {
    Reused(diesel::insert_into(drafts::table).values(row)).execute(conn)?;
    Ok(())
}

pub fn get(conn: &mut DbConn, id: &str) -> Result<DraftRow, StoreError> {
    Ok(drafts::table
        .find(id)
        .select(DraftRow::as_select())
        .first(conn)?)
}

pub fn for_ticket(conn: &mut DbConn, ticket_id: &str) -> Result<Vec<DraftRow>, StoreError> {
    Ok(drafts::table
        .filter(drafts::ticket_id.eq(ticket_id))
        .order(drafts::created_at.asc())
        .select(DraftRow::as_select())
        .load(conn)?)
}

/// Marks every still-pending draft of the ticket as superseded by a newer one.
pub fn supersede_pending(conn: &mut DbConn, ticket_id: &str) -> Result<usize, StoreError> {
    // Found through the ticket's index first: a planner without statistics would rather
    // walk every pending draft of every ticket, a cost that grows with the backlog.
    // (Only the ticket in SQL: with `status` there too, SQLite may pick the status index.)
    let pending: Vec<String> = drafts::table
        .filter(drafts::ticket_id.eq(ticket_id))
        .select((drafts::id, drafts::status))
        .load::<(String, String)>(conn)?
        .into_iter()
        .filter(|(_, status)| status == "pending")
        .map(|(id, _)| id)
        .collect();
    if pending.is_empty() {
        return Ok(0);
    }
    Ok(
        diesel::update(drafts::table.filter(drafts::id.eq_any(&pending)))
            .set(drafts::status.eq("superseded"))
            .execute(conn)?,
    )
}

/// Moves a draft from `pending` to `status` if nobody else decided it first.
pub fn decide(
    conn: &mut DbConn,
    id: &str,
    status: &str,
    by: Option<&str>,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    let changed = Reused(
        diesel::update(drafts::table.find(id).filter(drafts::status.eq("pending"))).set((
            drafts::status.eq(status),
            drafts::decided_by.eq(by),
            drafts::decided_at.eq(at),
        )),
    )
    .execute(conn)?;
    if changed == 0 {
        return Err(StoreError::Conflict("the draft was already handled".into()));
    }
    Ok(())
}

/// Puts back to `pending` the draft a person approved or edited into the message `sent`,
/// when that send was undone: the draft decided last on the ticket, by the message's
/// author, no later than the message was written (both happen in one transaction) and
/// after the ticket's message before it: a draft sent earlier is not offered again when a
/// later plain reply is undone (it was, and one click sent it twice). Nothing changes
/// when another draft is pending meanwhile (a newer message came in).
pub fn reopen_for_undone_send(
    conn: &mut DbConn,
    ticket_id: &str,
    author_id: Option<&str>,
    sent_at: NaiveDateTime,
) -> Result<Option<String>, StoreError> {
    let Some(author_id) = author_id else {
        return Ok(None);
    };
    let pending: i64 = drafts::table
        .filter(drafts::ticket_id.eq(ticket_id))
        .filter(drafts::status.eq("pending"))
        .count()
        .get_result(conn)?;
    if pending > 0 {
        return Ok(None);
    }
    let previous_sent: Option<NaiveDateTime> = messages::table
        .filter(messages::ticket_id.eq(ticket_id))
        .filter(messages::direction.eq(crate::domain::OUTBOUND))
        .filter(messages::created_at.lt(sent_at))
        .select(diesel::dsl::max(messages::created_at))
        .first(conn)?;
    let mut sent_draft = drafts::table
        .filter(drafts::ticket_id.eq(ticket_id))
        .filter(drafts::status.eq_any(["approved", "edited"]))
        .filter(drafts::decided_by.eq(author_id))
        .filter(drafts::decided_at.le(sent_at))
        .into_boxed();
    if let Some(previous) = previous_sent {
        sent_draft = sent_draft.filter(drafts::decided_at.gt(previous));
    }
    let Some(id) = sent_draft
        .order(drafts::decided_at.desc())
        .select(drafts::id)
        .first::<String>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    Reused(diesel::update(drafts::table.find(&id)).set((
        drafts::status.eq("pending"),
        drafts::decided_by.eq(None::<String>),
        drafts::decided_at.eq(None::<NaiveDateTime>),
    )))
    .execute(conn)?;
    Ok(Some(id))
}

/// Turns the ticket's automatic answer whose send was undone into a draft for review,
/// pending, for the person who stopped it: nothing went out, so the automation figures and
/// "Sent automatically" no longer count it. `None` when the ticket has no sent automatic
/// answer (or another draft is pending meanwhile).
pub fn reopen_undone_automatic(
    conn: &mut DbConn,
    ticket_id: &str,
) -> Result<Option<String>, StoreError> {
    let pending: i64 = drafts::table
        .filter(drafts::ticket_id.eq(ticket_id))
        .filter(drafts::status.eq("pending"))
        .count()
        .get_result(conn)?;
    if pending > 0 {
        return Ok(None);
    }
    let Some(id) = drafts::table
        .filter(drafts::ticket_id.eq(ticket_id))
        .filter(drafts::decision.eq("auto_send"))
        .filter(drafts::status.eq("sent"))
        .order(drafts::created_at.desc())
        .select(drafts::id)
        .first::<String>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    Reused(diesel::update(drafts::table.find(&id)).set((
        drafts::decision.eq("review"),
        drafts::status.eq("pending"),
    )))
    .execute(conn)?;
    Ok(Some(id))
}

/// (customer text, intent, positive) for every draft a person reviewed, including
/// automated answers marked wrong.
pub fn reviewed_examples(conn: &mut DbConn) -> Result<Vec<(String, String, bool)>, StoreError> {
    use super::schema::messages;
    let rows: Vec<(String, Option<String>, String)> = drafts::table
        .inner_join(messages::table.on(messages::id.eq(drafts::message_id)))
        .filter(drafts::status.eq_any([
            "approved",
            "edited",
            "rejected_wrong_intent",
            "marked_wrong",
        ]))
        .filter(drafts::intent.is_not_null())
        // An erased message teaches nothing (its text is gone).
        .filter(messages::triage_text.ne(""))
        .select((messages::triage_text, drafts::intent, drafts::status))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(text, intent, status)| {
            // An automated answer a supervisor marked wrong teaches like a draft rejected
            // as the wrong intent.
            let positive = !matches!(status.as_str(), "rejected_wrong_intent" | "marked_wrong");
            intent.map(|i| (text, i, positive))
        })
        .collect())
}

/// The intents on which the customer got an automatic answer since `since`, on tickets
/// other than `except_ticket` (a repeat contact on the same question).
pub fn recent_auto_intents(
    conn: &mut DbConn,
    customer_id: &str,
    except_ticket: &str,
    since: NaiveDateTime,
) -> Result<Vec<String>, StoreError> {
    use super::schema::tickets;
    // The customer's tickets first, then their drafts: driven by the customer, the cost
    // stays that of one customer's history, however many automatic answers went out.
    let ticket_ids: Vec<String> = tickets::table
        .filter(tickets::customer_id.eq(customer_id))
        .filter(tickets::id.ne(except_ticket))
        .select(tickets::id)
        .load(conn)?;
    let mut intents: Vec<String> = Vec::new();
    for chunk in ticket_ids.chunks(500) {
        // Only the tickets in SQL, so no index on decision or time can look cheaper.
        let drafts: Vec<(String, String, NaiveDateTime, Option<String>)> = drafts::table
            .filter(drafts::ticket_id.eq_any(chunk))
            .select((
                drafts::decision,
                drafts::status,
                drafts::created_at,
                drafts::intent,
            ))
            .load(conn)?;
        intents.extend(
            drafts
                .into_iter()
                .filter_map(|(decision, status, at, intent)| {
                    (decision == "auto_send" && status == "sent" && at >= since)
                        .then_some(intent)
                        .flatten()
                }),
        );
    }
    intents.sort();
    intents.dedup();
    Ok(intents)
}
