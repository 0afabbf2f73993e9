//! The outbox: everything that leaves the system waits here until a worker delivers it.
//! On PostgreSQL a row is claimed with `FOR UPDATE SKIP LOCKED`, so several `serve`
//! processes sharing the database each take a different row without waiting on one
//! another; on SQLite (one writer at a time) by a compare-and-set on its status. Either
//! way no two workers hold the same row, and a sent row is never sent again.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::models::OutboxRow;
use super::reused::Reused;
use super::schema::outbox;
use super::{DbConn, StoreError};

pub const PENDING: &str = "pending";
pub const SENDING: &str = "sending";
pub const SENT: &str = "sent";
pub const FAILED: &str = "failed";
/// Undone by a person within the undo window; never sent.
pub const CANCELLED: &str = "cancelled";

/// Queues a message; a second row with the same idempotency key is refused.
pub fn enqueue(conn: &mut DbConn, row: &OutboxRow) -> Result<(), StoreError> {
    Reused(diesel::insert_into(outbox::table).values(row)).execute(conn)?;
    Ok(())
}

/// Claims the oldest due row for `lease`; rows whose lease ran out (a worker died while
/// sending) are due again. A new row in its undo window has `next_attempt_at` ahead.
pub fn claim_next(
    conn: &mut DbConn,
    at: NaiveDateTime,
    lease: Duration,
) -> Result<Option<OutboxRow>, StoreError> {
    if let DbConn::Postgres(pg) = conn {
        return claim_next_skip_locked(pg, at, lease);
    }
    // Nothing due is the common answer of an idle outbox, read without the write lock.
    // (Inside a transaction, as when the last delivery's outcome is recorded in the same
    // commit, the lock is held already and the claim looks once.)
    if !crate::store::in_transaction(conn) && due_candidate(conn, at)?.is_none() {
        return Ok(None);
    }
    // One write transaction, so that the claim waits for its turn at the write lock
    // (`write_turns`) instead of losing the lock to the ingest writer's next group.
    crate::store::transaction(conn, |c| claim_due(c, at, lease))
}

/// The oldest row due for sending: a pending one whose time came, else one whose lease
/// ran out. Two queries, each an index range (status, next_attempt_at): one query with
/// OR made SQLite scan the whole table, rendered mails and all, for every claim.
fn due_candidate(conn: &mut DbConn, at: NaiveDateTime) -> Result<Option<OutboxRow>, StoreError> {
    let pending = outbox::table
        .filter(outbox::status.eq(PENDING))
        .filter(outbox::next_attempt_at.le(at))
        .order(outbox::next_attempt_at.asc())
        .select(OutboxRow::as_select())
        .first(conn)
        .optional()?;
    if pending.is_some() {
        return Ok(pending);
    }
    Ok(outbox::table
        .filter(outbox::status.eq(SENDING))
        .filter(outbox::locked_until.lt(at))
        .select(OutboxRow::as_select())
        .first(conn)
        .optional()?)
}

/// Inside the write transaction no other connection can take the row between the read
/// and the update, so one look is enough.
fn claim_due(
    conn: &mut DbConn,
    at: NaiveDateTime,
    lease: Duration,
) -> Result<Option<OutboxRow>, StoreError> {
    let Some(mut row) = due_candidate(conn, at)? else {
        return Ok(None);
    };
    Reused(diesel::update(outbox::table.find(&row.id)).set((
        outbox::status.eq(SENDING),
        outbox::locked_until.eq(at + lease),
        outbox::attempts.eq(row.attempts + 1),
    )))
    .execute(conn)?;
    row.status = SENDING.into();
    row.attempts += 1;
    Ok(Some(row))
}

/// PostgreSQL: the oldest due row no other worker holds, locked and marked in one short
/// transaction; rows another worker is claiming are skipped, not waited for.
fn claim_next_skip_locked(
    pg: &mut diesel::pg::PgConnection,
    at: NaiveDateTime,
    lease: Duration,
) -> Result<Option<OutboxRow>, StoreError> {
    pg.transaction(|pg| {
        let candidate: Option<OutboxRow> = match outbox::table
            .filter(outbox::status.eq(PENDING))
            .filter(outbox::next_attempt_at.le(at))
            .order(outbox::next_attempt_at.asc())
            .select(OutboxRow::as_select())
            .for_update()
            .skip_locked()
            .first(pg)
            .optional()?
        {
            Some(row) => Some(row),
            None => outbox::table
                .filter(outbox::status.eq(SENDING))
                .filter(outbox::locked_until.lt(at))
                .select(OutboxRow::as_select())
                .for_update()
                .skip_locked()
                .first(pg)
                .optional()?,
        };
        let Some(mut row) = candidate else {
            return Ok(None);
        };
        Reused(diesel::update(outbox::table.find(&row.id)).set((
            outbox::status.eq(SENDING),
            outbox::locked_until.eq(at + lease),
            outbox::attempts.eq(row.attempts + 1),
        )))
        .execute(pg)?;
        row.status = SENDING.into();
        row.attempts += 1;
        Ok(Some(row))
    })
}

pub fn mark_sent(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> Result<(), StoreError> {
    Reused(
        diesel::update(outbox::table.find(id).filter(outbox::status.eq(SENDING))).set((
            outbox::status.eq(SENT),
            outbox::sent_at.eq(at),
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(None::<String>),
        )),
    )
    .execute(conn)?;
    Ok(())
}

/// Records a failed attempt: due again at `retry_at`, or given up when `None`.
pub fn mark_attempt_failed(
    conn: &mut DbConn,
    id: &str,
    error: &str,
    retry_at: Option<NaiveDateTime>,
) -> Result<(), StoreError> {
    let status = if retry_at.is_some() { PENDING } else { FAILED };
    let mut q = Reused(
        diesel::update(outbox::table.find(id).filter(outbox::status.eq(SENDING))).set((
            outbox::status.eq(status),
            outbox::last_error.eq(error),
            outbox::locked_until.eq(None::<NaiveDateTime>),
        )),
    )
    .execute(conn)?;
    if let Some(at) = retry_at {
        q = Reused(diesel::update(outbox::table.find(id)).set(outbox::next_attempt_at.eq(at)))
            .execute(conn)?;
    }
    let _ = q;
    Ok(())
}

/// Makes every pending row that failed before due now (operators use it after fixing a
/// transport); rows never tried are in their undo window and keep it.
pub fn retry_now(conn: &mut DbConn, at: NaiveDateTime) -> Result<usize, StoreError> {
    Ok(diesel::update(
        outbox::table
            .filter(outbox::status.eq(PENDING))
            .filter(outbox::attempts.gt(0)),
    )
    .set(outbox::next_attempt_at.eq(at))
    .execute(conn)?)
}

/// Automatic mails (of the given kinds) sent or queued to `recipient` since `since`.
pub fn count_automatic_to(
    conn: &mut DbConn,
    recipient: &str,
    kinds: &[&str],
    since: NaiveDateTime,
) -> Result<i64, StoreError> {
    // Every inbound email asks (the auto-reply loop guard), always with the same kinds:
    // kept prepared, though diesel keeps no `IN` list.
    let kinds: Vec<String> = kinds.iter().map(|k| k.to_string()).collect();
    Ok(Reused(
        outbox::table
            .filter(outbox::recipient.eq(recipient.to_string()))
            .filter(outbox::kind.eq_any(kinds))
            .filter(outbox::created_at.ge(since))
            .count(),
    )
    .first(conn)?)
}

pub fn count_by_status(conn: &mut DbConn, status: &str) -> Result<i64, StoreError> {
    Ok(outbox::table
        .filter(outbox::status.eq(status))
        .count()
        .get_result(conn)?)
}

/// When the longest-waiting row due for sending became due (`None`: nothing due).
pub fn oldest_due(
    conn: &mut DbConn,
    at: NaiveDateTime,
) -> Result<Option<NaiveDateTime>, StoreError> {
    Ok(outbox::table
        .filter(outbox::status.eq(PENDING))
        .filter(outbox::next_attempt_at.le(at))
        .select(diesel::dsl::min(outbox::next_attempt_at))
        .first(conn)?)
}

/// Delivery status of each outgoing message of a ticket: (message id, status). Only the
/// two columns: the rows also hold the whole rendered mail.
pub fn delivery_by_message(
    conn: &mut DbConn,
    ticket_id: &str,
) -> Result<Vec<(Option<String>, String)>, StoreError> {
    Ok(outbox::table
        .filter(outbox::ticket_id.eq(ticket_id))
        .select((outbox::message_id, outbox::status))
        .load(conn)?)
}

/// Whether the ticket has an outgoing message of this kind.
pub fn ticket_has_kind(conn: &mut DbConn, ticket_id: &str, kind: &str) -> Result<bool, StoreError> {
    Ok(diesel::select(diesel::dsl::exists(
        outbox::table
            .filter(outbox::ticket_id.eq(ticket_id))
            .filter(outbox::kind.eq(kind)),
    ))
    .get_result(conn)?)
}

/// Cancels a queued row that is still in its undo window; false when it was released
/// (or sent, or cancelled) already.
pub fn cancel_unreleased(
    conn: &mut DbConn,
    id: &str,
    at: NaiveDateTime,
) -> Result<bool, StoreError> {
    let n = Reused(
        diesel::update(
            outbox::table
                .find(id)
                .filter(outbox::status.eq(PENDING))
                .filter(outbox::attempts.eq(0))
                .filter(outbox::next_attempt_at.gt(at)),
        )
        .set((
            outbox::status.eq(CANCELLED),
            outbox::last_error.eq(Some("undone")),
        )),
    )
    .execute(conn)?;
    Ok(n == 1)
}

/// A row in its undo window: (outbox id, message id, kind, release time).
pub type Unreleased = (String, Option<String>, String, NaiveDateTime);

/// A ticket's rows still in their undo window (never tried, not yet due).
pub fn unreleased_for_ticket(
    conn: &mut DbConn,
    ticket_id: &str,
    at: NaiveDateTime,
) -> Result<Vec<Unreleased>, StoreError> {
    Ok(outbox::table
        .filter(outbox::ticket_id.eq(ticket_id))
        .filter(outbox::status.eq(PENDING))
        .filter(outbox::attempts.eq(0))
        .filter(outbox::next_attempt_at.gt(at))
        // Webhooks (app::webhooks) are never a person's send to undo.
        .filter(outbox::channel.ne("webhook"))
        .select((
            outbox::id,
            outbox::message_id,
            outbox::kind,
            outbox::next_attempt_at,
        ))
        .load(conn)?)
}

/// Blanks a sent row's message: account mail carries a one-time link that must not
/// outlive its delivery in the database.
pub fn forget_payload(conn: &mut DbConn, id: &str) -> Result<(), StoreError> {
    Reused(
        diesel::update(outbox::table.find(id).filter(outbox::status.eq(SENT)))
            .set(outbox::payload.eq(Vec::<u8>::new())),
    )
    .execute(conn)?;
    Ok(())
}
