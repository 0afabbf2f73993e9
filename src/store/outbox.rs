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

/// Whether a row with this idempotency key was queued.
pub fn has_key(conn: &mut DbConn, key: &str) -> Result<bool, StoreError> {
    Ok(diesel::select(diesel::dsl::exists(
        outbox::table.filter(outbox::idempotency_key.eq(key)),
    ))
    .get_result(conn)?)
}

/// When a `kind` message with exactly `body` was last queued to the ticket since `since`
/// and not undone.
pub fn same_text_queued_since(
    conn: &mut DbConn,
    ticket_id: &str,
    kind: &str,
    body: &str,
    since: NaiveDateTime,
) -> Result<Option<NaiveDateTime>, StoreError> {
    use super::schema::messages;
    Ok(outbox::table
        .inner_join(messages::table.on(outbox::message_id.eq(messages::id.nullable())))
        .filter(outbox::ticket_id.eq(ticket_id))
        .filter(outbox::kind.eq(kind))
        .filter(outbox::status.ne(CANCELLED))
        .filter(outbox::created_at.ge(since))
        .filter(messages::body_text.eq(body))
        .select(outbox::created_at)
        .order(outbox::created_at.desc())
        .first(conn)
        .optional()?)
}

/// Claims the oldest due row for `lease`; rows whose lease ran out (a worker died while
/// sending) are due again. A new row in its undo window has `next_attempt_at` ahead.
pub fn claim_next(
    conn: &mut DbConn,
    at: NaiveDateTime,
    lease: Duration,
) -> Result<Option<OutboxRow>, StoreError> {
    Ok(claim_due(conn, at, lease, 1)?.pop())
}

/// Claims up to `most` due rows for `lease`, oldest first (see [`claim_next`]), in one
/// short transaction: under a stream of replies a worker takes what is due together, so
/// that claiming costs a few statements a group instead of a few a reply.
pub fn claim_due(
    conn: &mut DbConn,
    at: NaiveDateTime,
    lease: Duration,
    most: usize,
) -> Result<Vec<OutboxRow>, StoreError> {
    if most == 0 {
        return Ok(Vec::new());
    }
    let most = most as i64;
    if let DbConn::Sqlite(_) = conn
        && !crate::store::in_transaction(conn)
        && due_candidates(conn, at, 1)?.is_empty()
    {
        // Nothing due is the common answer of an idle outbox, read without SQLite's
        // write lock. (Inside a transaction, as when the last deliveries' outcomes are
        // recorded in the same commit, the lock is held already and the claim looks once.)
        return Ok(Vec::new());
    }
    // On SQLite one write transaction, so that the claim waits for its turn at the write
    // lock (`write_turns`) instead of losing it to the ingest writer's next group; no
    // other connection can take a row between the read and the update. On PostgreSQL the
    // rows are locked as they are read, and rows another worker is claiming are skipped,
    // not waited for.
    crate::store::transaction(conn, |c| {
        let rows = due_candidates(c, at, most)?;
        mark_claimed(c, rows, at, lease)
    })
}

/// The oldest rows due for sending: pending ones whose time came, then ones whose lease
/// ran out. Two queries, each an index range (status, next_attempt_at): one query with
/// OR made SQLite scan the whole table, rendered mails and all, for every claim. On
/// PostgreSQL each row is locked for the transaction (`FOR UPDATE SKIP LOCKED`).
fn due_candidates(
    conn: &mut DbConn,
    at: NaiveDateTime,
    most: i64,
) -> Result<Vec<OutboxRow>, StoreError> {
    macro_rules! due {
        ($c:expr $(, $lock:ident)*) => {{
            let mut rows: Vec<OutboxRow> = outbox::table
                .filter(outbox::status.eq(PENDING))
                .filter(outbox::next_attempt_at.le(at))
                .order(outbox::next_attempt_at.asc())
                .select(OutboxRow::as_select())
                .limit(most)
                $(.$lock())*
                .load($c)?;
            if (rows.len() as i64) < most {
                rows.extend(
                    outbox::table
                        .filter(outbox::status.eq(SENDING))
                        .filter(outbox::locked_until.lt(at))
                        .select(OutboxRow::as_select())
                        .limit(most - rows.len() as i64)
                        $(.$lock())*
                        .load::<OutboxRow>($c)?,
                );
            }
            rows
        }};
    }
    Ok(match conn {
        DbConn::Sqlite(c) => due!(c),
        DbConn::Postgres(c) => due!(c, for_update, skip_locked),
    })
}

/// Marks claimed rows as being sent, one attempt more each, in one statement.
fn mark_claimed(
    conn: &mut DbConn,
    mut rows: Vec<OutboxRow>,
    at: NaiveDateTime,
    lease: Duration,
) -> Result<Vec<OutboxRow>, StoreError> {
    if rows.is_empty() {
        return Ok(rows);
    }
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    Reused(
        diesel::update(outbox::table.filter(outbox::id.eq_any(ids))).set((
            outbox::status.eq(SENDING),
            outbox::locked_until.eq(at + lease),
            outbox::attempts.eq(outbox::attempts + 1),
        )),
    )
    .execute(conn)?;
    for row in &mut rows {
        row.status = SENDING.into();
        row.attempts += 1;
        row.locked_until = Some(at + lease);
    }
    Ok(rows)
}

/// Gives claimed rows back unsent (each with the end of its claim, so that a row claimed
/// by another worker meanwhile is left alone): due again at once, the attempt not counted.
pub fn release_claims(
    conn: &mut DbConn,
    claims: &[(&str, NaiveDateTime)],
) -> Result<(), StoreError> {
    for (id, until) in claims {
        Reused(
            diesel::update(
                outbox::table
                    .find(*id)
                    .filter(outbox::status.eq(SENDING))
                    .filter(outbox::locked_until.eq(*until)),
            )
            .set((
                outbox::status.eq(PENDING),
                outbox::locked_until.eq(None::<NaiveDateTime>),
                outbox::attempts.eq(outbox::attempts - 1),
            )),
        )
        .execute(conn)?;
    }
    Ok(())
}

/// Marks rows sent at `at`, in one statement (a worker records a group of deliveries
/// together). Only rows still being sent change: a row is never sent twice.
pub fn mark_all_sent(conn: &mut DbConn, ids: &[&str], at: NaiveDateTime) -> Result<(), StoreError> {
    if ids.is_empty() {
        return Ok(());
    }
    Reused(
        diesel::update(
            outbox::table
                .filter(outbox::id.eq_any(ids))
                .filter(outbox::status.eq(SENDING)),
        )
        .set((
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

/// When the first row of one of `kinds` for a ticket was queued, leaving out undone ones:
/// a ticket's first response once a send is undone.
pub fn first_queued_at(
    conn: &mut DbConn,
    ticket_id: &str,
    kinds: &[&str],
) -> Result<Option<NaiveDateTime>, StoreError> {
    Ok(outbox::table
        .filter(outbox::ticket_id.eq(ticket_id))
        .filter(outbox::kind.eq_any(kinds))
        .filter(outbox::status.ne(CANCELLED))
        .select(diesel::dsl::min(outbox::created_at))
        .first(conn)?)
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
