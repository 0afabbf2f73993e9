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

/// Records a delivery's outcome: a sent row marked sent with its event (and, for a mail
/// carrying a sign-in link, the payload forgotten); a failed one due again later, or
/// failed for good with its event.
fn record(c: &mut store::DbConn, d: &Delivered) -> Result<Counted, StoreError> {
    let row = &d.row;
    let webhook = row.channel == super::webhooks::CHANNEL;
    match &d.result {
        Ok(()) => {
            store::outbox::mark_sent(c, &row.id, now())?;
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

/// Records the last delivery's outcome and claims the next due row, in one commit: one
/// turn at SQLite's write lock a mail instead of two, which under a burst is what the
/// outbox gets between two of the ingest writer's groups (`store::write_turns`).
///
/// The outcome must not be lost: a sent row left "sending" is sent again when its lease
/// runs out. So a busy database (a long write elsewhere, SQLite's 5 s busy timeout on a
/// loaded machine) is waited out, well inside the lease, and a claim that fails leaves
/// the outcome's commit alone (its own savepoint). `patience` says for how long: a lone
/// attempt when zero. The outer error: nothing was recorded; the inner one: the outcome
/// was recorded, the claim failed.
fn settle_then_claim(
    conn: &mut store::DbConn,
    last: Option<&Delivered>,
    claim: bool,
    patience: std::time::Duration,
) -> Result<(Option<Counted>, Result<Option<OutboxRow>, StoreError>), StoreError> {
    let deadline = std::time::Instant::now() + patience;
    let mut pause = std::time::Duration::from_millis(50);
    let work = |c: &mut store::DbConn| -> Result<_, StoreError> {
        let counted = last.map(|d| record(c, d)).transpose()?;
        if !claim {
            return Ok((counted, Ok(None)));
        }
        // `claim_next` writes in a transaction of its own (a savepoint here), so its
        // failure is kept apart from the outcome's commit.
        let next = store::outbox::claim_next(c, now(), Duration::seconds(LEASE_SECONDS));
        Ok((counted, next))
    };
    loop {
        let done = if last.is_some() {
            store::transaction(conn, &work)
        } else {
            // Nothing to record: an idle outbox's look for due rows takes no write turn.
            work(conn)
        };
        match done {
            Err(e) if e.is_temporary() && std::time::Instant::now() < deadline => {
                let id = last.map(|d| d.row.id.as_str()).unwrap_or_default();
                tracing::warn!(outbox = %id, error = %e, "recording a delivery: database busy; trying again");
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
    let mut round = Round::default();
    let mut conn = app.conn()?;
    let mut last: Option<Delivered> = None;
    let mut tried = 0;
    loop {
        let claim = tried < limit;
        let (counted, next) = if last.is_some() && super::ingest_batch::writer_takes_errands(app) {
            // Beside a stream of mail on SQLite, the ingest writer records and claims on
            // its own connection: a commit of this one between two of its groups made it
            // read every page again (see `ingest_batch::on_writer`). It tries once, so
            // that mail never waits behind the outbox; a busy database is waited out here.
            // (A look for due rows with nothing to record commits nothing: done here.)
            let recorded = last.take();
            let (settled, recorded) = super::ingest_batch::on_writer(app, move |conn| {
                let settled = conn.and_then(|c| {
                    settle_then_claim(c, recorded.as_ref(), claim, std::time::Duration::ZERO)
                });
                (settled, recorded)
            })
            .ok_or_else(|| StoreError::Unavailable("the ingest writer stopped".into()))?;
            last = recorded;
            match settled {
                Err(e) if e.is_temporary() => {
                    settle_then_claim(&mut conn, last.as_ref(), claim, RECORD_PATIENCE)?
                }
                other => other?,
            }
        } else {
            settle_then_claim(&mut conn, last.as_ref(), claim, RECORD_PATIENCE)?
        };
        let next = next?;
        if let (Some(d), Some(counted)) = (last.take(), counted) {
            note(&d, counted, &mut round);
        }
        let Some(row) = next else {
            return Ok(round);
        };
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
        last = Some(Delivered {
            row,
            result,
            at: std::time::Instant::now(),
        });
    }
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
