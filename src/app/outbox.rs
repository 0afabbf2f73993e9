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

/// Marks a delivered row sent, with its event (and, for a mail carrying a sign-in link,
/// the payload forgotten) in the same commit. The mail is out: if the row stayed
/// "sending", its lease would run out and another worker send it again. So a busy
/// database (a long write elsewhere, SQLite's 5 s busy timeout on a loaded machine) is
/// waited out, well inside the lease, before the error is given up on.
fn record_sent(conn: &mut store::DbConn, row: &OutboxRow) -> Result<(), StoreError> {
    let deadline =
        std::time::Instant::now() + std::time::Duration::from_secs(LEASE_SECONDS as u64 / 2);
    let mut pause = std::time::Duration::from_millis(50);
    let mark = |c: &mut store::DbConn| -> Result<(), StoreError> {
        store::outbox::mark_sent(c, &row.id, now())?;
        if super::accounts::carries_link(&row.kind) {
            store::outbox::forget_payload(c, &row.id)?;
        }
        store::events::record(
            c,
            row.ticket_id.as_deref(),
            if row.channel == super::webhooks::CHANNEL {
                "webhook_sent"
            } else {
                "mail_sent"
            },
            &Actor::SYSTEM,
            json!({"kind": row.kind, "attempts": row.attempts}),
        )
    };
    let id = &row.id;
    loop {
        match store::transaction(conn, &mark) {
            Err(e) if e.is_temporary() && std::time::Instant::now() < deadline => {
                tracing::warn!(outbox = %id, error = %e, "marking a sent message sent: database busy; trying again");
                std::thread::sleep(pause);
                pause = (pause * 2).min(std::time::Duration::from_secs(2));
            }
            other => return other,
        }
    }
}

/// Delivers due messages until none is left or `limit` were tried.
pub fn deliver_due(app: &App, transport: &Transport, limit: usize) -> Result<Round, StoreError> {
    let mut round = Round::default();
    let mut conn = app.conn()?;
    for _ in 0..limit {
        let Some(row) =
            store::outbox::claim_next(&mut conn, now(), Duration::seconds(LEASE_SECONDS))?
        else {
            break;
        };
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
        let delivered_at = std::time::Instant::now();
        let ticket = row.ticket_id.as_deref();
        match result {
            Ok(()) => {
                record_sent(&mut conn, &row)?;
                // The window in which a kill sends this mail twice: the transport has
                // accepted it, the row does not say so yet (its lease expires and another
                // worker resends). SMTP allows no smaller window than this commit.
                tracing::debug!(
                    outbox = %row.id,
                    window_us = delivered_at.elapsed().as_micros() as u64,
                    "sent; marked sent"
                );
                round.sent += 1;
            }
            Err(e) => {
                let permanent =
                    matches!(e, DeliveryError::Permanent(_)) || row.attempts >= MAX_ATTEMPTS;
                let retry_at = (!permanent).then(|| now() + backoff(row.attempts));
                store::outbox::mark_attempt_failed(&mut conn, &row.id, &e.to_string(), retry_at)?;
                if permanent {
                    tracing::error!(outbox = %row.id, error = %super::privacy::log_safe(&e.to_string()), "delivery failed for good");
                    store::events::record(
                        &mut conn,
                        ticket,
                        if row.channel == super::webhooks::CHANNEL {
                            "webhook_failed"
                        } else {
                            "mail_failed"
                        },
                        &Actor::SYSTEM,
                        json!({"kind": row.kind, "error": e.to_string()}),
                    )?;
                    round.failed += 1;
                } else {
                    tracing::warn!(outbox = %row.id, attempts = row.attempts, error = %super::privacy::log_safe(&e.to_string()), "delivery failed; will retry");
                    round.retrying += 1;
                }
            }
        }
    }
    Ok(round)
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
