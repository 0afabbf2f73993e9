//! The delivery worker: claims due outbox rows, hands them to the transport, and records
//! the result. Failures retry with exponential back-off; a sent row is never sent again.

use chrono::Duration;
use serde_json::json;

use crate::mail::transport::{DeliveryError, Transport};
use crate::store::events::Actor;
use crate::store::models::OutboxRow;
use crate::store::{self, StoreError, now};

use super::App;

/// Attempts before a message is given up and reported as failed.
pub const MAX_ATTEMPTS: i32 = 12;
/// How long a claim holds before another worker may retry the row.
const LEASE_SECONDS: i64 = 120;

/// What one delivery round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
}

/// An HTTP call that reached no answer, in words fit to keep in the outbox and the audit
/// trail: ureq's own text starts with the whole address, which carries the Messenger
/// page's access token (`?access_token=`) and an X user's id.
pub(crate) fn unanswered(service: &str, e: &ureq::Transport) -> DeliveryError {
    let mut text = format!("{service}: {}", e.kind());
    if let Some(message) = e.message() {
        text.push_str(": ");
        text.push_str(message);
    }
    if let Some(source) = std::error::Error::source(e) {
        text.push_str(": ");
        text.push_str(&source.to_string());
    }
    DeliveryError::Temporary(text)
}

/// The transport the configuration names.
pub fn transport(app: &App) -> Result<Transport, DeliveryError> {
    match &app.config.smtp_url {
        Some(url) => Transport::smtp(url),
        None => Ok(Transport::files(app.config.mail_dir.clone())),
    }
}

/// Delay before attempt `attempts + 1`: 5 s, 10 s, 20 s … capped at one hour.
pub fn backoff(attempts: i32) -> Duration {
    let exp = attempts.clamp(1, 20) as u32 - 1;
    Duration::seconds((5_i64 << exp.min(10)).min(3600))
}

/// A delivery whose outcome is not recorded yet.
struct Delivered {
    row: OutboxRow,
    result: Result<(), DeliveryError>,
    at: std::time::Instant,
}

/// How a recorded outcome counts in the round.
#[derive(Clone, Copy)]
enum Counted {
    Sent,
    Retrying,
    Failed,
}

/// Records deliveries' outcomes: sent rows marked sent together, with their events (and,
/// for a mail carrying a sign-in link, the payload forgotten); a failed one due again
/// later, or failed for good with its event. One count per delivery, in order.
fn record(c: &mut store::DbConn, delivered: &[Delivered]) -> Result<Vec<Counted>, StoreError> {
    store::events::batched(c, |c| {
        let sent: Vec<&str> = delivered
            .iter()
            .filter(|d| d.result.is_ok())
            .map(|d| d.row.id.as_str())
            .collect();
        store::outbox::mark_all_sent(c, &sent, now())?;
        delivered.iter().map(|d| record_one(c, d)).collect()
    })
}

/// What [`record`] does for one delivery besides marking it sent.
fn record_one(c: &mut store::DbConn, d: &Delivered) -> Result<Counted, StoreError> {
    let row = &d.row;
    let webhook = row.channel == super::webhooks::CHANNEL;
    match &d.result {
        Ok(()) => {
            if super::accounts::carries_link(&row.kind) {
                store::outbox::forget_payload(c, &row.id)?;
            }
            store::events::record(
                c,
                row.ticket_id.as_deref(),
                if webhook { "webhook_sent" } else { "mail_sent" },
                &Actor::SYSTEM,
                json!({"kind": row.kind, "attempts": row.attempts}),
            )?;
            Ok(Counted::Sent)
        }
        Err(e) => {
            let permanent =
                matches!(e, DeliveryError::Permanent(_)) || row.attempts >= MAX_ATTEMPTS;
            let retry_at = (!permanent).then(|| now() + backoff(row.attempts));
            store::outbox::mark_attempt_failed(c, &row.id, &e.to_string(), retry_at)?;
            if !permanent {
                return Ok(Counted::Retrying);
            }
            store::events::record(
                c,
                row.ticket_id.as_deref(),
                if webhook {
                    "webhook_failed"
                } else {
                    "mail_failed"
                },
                &Actor::SYSTEM,
                json!({"kind": row.kind, "error": e.to_string()}),
            )?;
            Ok(Counted::Failed)
        }
    }
}

/// How many due rows to claim, and for how long.
#[derive(Clone, Copy)]
struct Claim {
    most: usize,
    lease: Duration,
}

/// Records the last deliveries' outcomes and claims up to `claim.most` due rows, in one
/// commit: one turn at SQLite's write lock a group of mails instead of two a mail, which
/// under a burst is what the outbox gets between two of the ingest writer's groups
/// (`store::write_turns`), and on PostgreSQL a few statements a group instead of eight
/// a reply.
///
/// The outcomes must not be lost: a sent row left "sending" is sent again when its lease
/// runs out. So a busy database (a long write elsewhere, SQLite's 5 s busy timeout on a
/// loaded machine) is waited out, well inside the lease, and a claim that fails leaves
/// the outcomes' commit alone (its own savepoint). `patience` says for how long: a lone
/// attempt when zero. The outer error: nothing was recorded; the inner one: the outcomes
/// were recorded, the claim failed.
fn settle_then_claim(
    conn: &mut store::DbConn,
    last: &[Delivered],
    claim: Claim,
    patience: std::time::Duration,
) -> Result<(Vec<Counted>, Result<Vec<OutboxRow>, StoreError>), StoreError> {
    let deadline = std::time::Instant::now() + patience;
    let mut pause = std::time::Duration::from_millis(50);
    let work = |c: &mut store::DbConn| -> Result<_, StoreError> {
        let counted = if last.is_empty() {
            Vec::new()
        } else {
            record(c, last)?
        };
        // `claim_due` writes in a transaction of its own (a savepoint here), so its
        // failure is kept apart from the outcomes' commit.
        let next = store::outbox::claim_due(c, now(), claim.lease, claim.most);
        Ok((counted, next))
    };
    loop {
        let done = if last.is_empty() {
            // Nothing to record: an idle outbox's look for due rows takes no write turn.
            work(conn)
        } else {
            store::transaction(conn, &work)
        };
        match done {
            Err(e) if e.is_temporary() && std::time::Instant::now() < deadline => {
                let ids: Vec<&str> = last.iter().map(|d| d.row.id.as_str()).collect();
                tracing::warn!(outbox = ?ids, error = %e, "recording deliveries: database busy; trying again");
                std::thread::sleep(pause);
                pause = (pause * 2).min(std::time::Duration::from_secs(2));
            }
            Err(e) => return Err(e),
            Ok(settled) => return Ok(settled),
        }
    }
}

/// How long recording a delivery's outcome waits out a busy database: well inside the lease.
const RECORD_PATIENCE: std::time::Duration =
    std::time::Duration::from_secs(LEASE_SECONDS as u64 / 2);

/// Most rows claimed at once. Their outcomes are recorded together too (one events
/// statement on PostgreSQL holds 16 rows).
const CLAIM_AT_ONCE: usize = 16;

/// How long a delivered mail may wait for its outcome to be recorded while the rest of
/// its group is sent. A kill in that time sends it again once its lease runs out, so it
/// is kept short: the file transport delivers a group well inside it, a slow SMTP server
/// makes each mail recorded on its own.
const RECORD_WITHIN: std::time::Duration = std::time::Duration::from_millis(20);

/// Replies sent so far, and those still waiting to be sent (pending or being sent).
pub fn progress(app: &App) -> Result<(i64, i64), StoreError> {
    let mut conn = app.conn()?;
    let mut count = |status: &str| store::outbox::count_by_status(&mut conn, status);
    let sent = count(store::outbox::SENT)?;
    let waiting = count(store::outbox::PENDING)? + count(store::outbox::SENDING)?;
    Ok((sent, waiting))
}

/// Delivers due messages until none is left or `limit` were tried.
pub fn deliver_due(app: &App, transport: &Transport, limit: usize) -> Result<Round, StoreError> {
    deliver_due_leased(app, transport, limit, Duration::seconds(LEASE_SECONDS))
}

/// [`deliver_due`] with claims that hold for `lease` (tests shorten it).
///
/// A claimed row is sent only while its claim has a third of the lease left at least, time
/// for the send and for recording it: once the claim runs out, another worker may take
/// the row and send it too. Rows claimed together whose time is short (a slow mail server
/// took long over the ones before) are given back at once, for the next claim.
#[doc(hidden)]
pub fn deliver_due_leased(
    app: &App,
    transport: &Transport,
    limit: usize,
    lease: Duration,
) -> Result<Round, StoreError> {
    let mut round = Round::default();
    let mut conn = app.conn()?;
    let mut claimed: std::collections::VecDeque<OutboxRow> = Default::default();
    let mut delivered: Vec<Delivered> = Vec::new();
    let mut tried = 0;
    loop {
        let claim = if claimed.is_empty() {
            CLAIM_AT_ONCE.min(limit - tried)
        } else {
            0
        };
        let due = delivered
            .first()
            .is_some_and(|d| claimed.is_empty() || d.at.elapsed() >= RECORD_WITHIN);
        if claim > 0 || due {
            let recording = if due {
                std::mem::take(&mut delivered)
            } else {
                Vec::new()
            };
            let claim = Claim { most: claim, lease };
            claimed.extend(settle(app, &mut conn, recording, claim, &mut round)??);
        }
        let Some(row) = claimed.pop_front() else {
            return Ok(round);
        };
        if row
            .locked_until
            .is_none_or(|until| until - now() < lease / 3)
        {
            claimed.push_front(row);
            give_back(&mut conn, std::mem::take(&mut claimed));
            continue;
        }
        tried += 1;
        let name = format!(
            "{}-{}",
            row.kind,
            row.idempotency_key.split('@').next().unwrap_or(&row.id)
        );
        let result = if row.channel == super::webhooks::CHANNEL {
            super::webhooks::deliver(app, &row)
        } else if row.channel == crate::domain::CHANNEL_MESSENGER {
            super::messenger::deliver(app, &row)
        } else if row.channel == crate::domain::CHANNEL_X {
            super::x::deliver(app, &row)
        } else {
            transport.deliver(&row.sender, &row.recipient, &row.payload, &name)
        };
        delivered.push(Delivered {
            row,
            result,
            at: std::time::Instant::now(),
        });
    }
}

/// Gives claimed rows back unsent, due again at once. Should that fail, their claim runs
/// out in a while and they are due then.
fn give_back(conn: &mut store::DbConn, rows: std::collections::VecDeque<OutboxRow>) {
    let claims: Vec<(&str, chrono::NaiveDateTime)> = rows
        .iter()
        .filter_map(|r| Some((r.id.as_str(), r.locked_until?)))
        .collect();
    match store::write_alone(conn, |c| store::outbox::release_claims(c, &claims)) {
        Ok(()) => tracing::debug!(
            rows = claims.len(),
            "claims running short; given back unsent"
        ),
        Err(e) => {
            tracing::warn!(rows = claims.len(), error = %e, "claims running short; left to run out")
        }
    }
}

/// Records `recording`'s outcomes (counted in `round`) and claims up to `claim.most` due rows.
/// The outer error: the outcomes were not recorded; the inner one: the claim failed.
fn settle(
    app: &App,
    conn: &mut store::DbConn,
    recording: Vec<Delivered>,
    claim: Claim,
    round: &mut Round,
) -> Result<Result<Vec<OutboxRow>, StoreError>, StoreError> {
    let (counted, next, recorded) =
        if !recording.is_empty() && super::ingest_batch::writer_takes_errands(app) {
            // Beside a stream of mail on SQLite, the ingest writer records and claims on
            // its own connection: a commit of this one between two of its groups made it
            // read every page again (see `ingest_batch::on_writer`). It tries once, so
            // that mail never waits behind the outbox; a busy database is waited out here.
            // (A look for due rows with nothing to record commits nothing: done here.)
            // The deliveries stay here while the writer works on them: should it stop or
            // panic first, they are still recorded (here), not sent again after their lease.
            let held = std::sync::Arc::new(std::sync::Mutex::new(recording));
            let lent = held.clone();
            let settled = super::ingest_batch::on_writer(app, move |c| {
                let recording = lent
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                c.and_then(|c| settle_then_claim(c, &recording, claim, std::time::Duration::ZERO))
            });
            let recorded = std::mem::take(
                &mut *held
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner),
            );
            let (counted, next) = match settled {
                Some(Ok(settled)) => settled,
                Some(Err(e)) if !e.is_temporary() => return Err(e),
                // The database was busy, or the writer stopped or panicked (its
                // transaction rolled back): recorded here, with patience.
                _ => settle_then_claim(conn, &recorded, claim, RECORD_PATIENCE)?,
            };
            (counted, next, recorded)
        } else {
            let (counted, next) = settle_then_claim(conn, &recording, claim, RECORD_PATIENCE)?;
            (counted, next, recording)
        };
    for (d, counted) in recorded.iter().zip(counted) {
        note(d, counted, round);
    }
    Ok(next)
}

/// Counts and logs a recorded outcome.
fn note(d: &Delivered, counted: Counted, round: &mut Round) {
    let row = &d.row;
    match (counted, &d.result) {
        (Counted::Sent, _) => {
            // The window in which a kill sends this mail twice: the transport has
            // accepted it, the row does not say so yet (its lease expires and another
            // worker resends). SMTP allows no smaller window than this commit.
            tracing::debug!(
                outbox = %row.id,
                window_us = d.at.elapsed().as_micros() as u64,
                "sent; marked sent"
            );
            round.sent += 1;
        }
        (Counted::Failed, Err(e)) => {
            tracing::error!(outbox = %row.id, error = %super::privacy::log_safe(&e.to_string()), "delivery failed for good");
            round.failed += 1;
        }
        (_, e) => {
            let error = e.as_ref().err().map(|e| e.to_string()).unwrap_or_default();
            tracing::warn!(outbox = %row.id, attempts = row.attempts, error = %super::privacy::log_safe(&error), "delivery failed; will retry");
            round.retrying += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff(1), Duration::seconds(5));
        assert_eq!(backoff(2), Duration::seconds(10));
        assert_eq!(backoff(4), Duration::seconds(40));
        assert_eq!(backoff(12), Duration::seconds(3600));
    }
}
