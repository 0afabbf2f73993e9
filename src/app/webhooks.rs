//! Outgoing webhooks: ticket events posted as JSON to the configured addresses, signed
//! with HMAC-SHA256 (`X-Tandem-Signature: sha256=<hex>` over the body), through the same
//! outbox as mail, so they are retried with back-off and never sent twice once accepted.
//!
//! A pump (one server at a time, under a job lease) reads the audit trail after a cursor
//! and queues one outbox row per event and address; the row's idempotency key is the
//! event and the address, so a pump run twice queues nothing twice. It reads events at
//! least [`LAG_SECONDS`] old, so a transaction that committed late is not skipped.

use chrono::{Duration, NaiveDateTime};
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::mail::transport::DeliveryError;
use crate::store::models::OutboxRow;
use crate::store::{self, DbConn, new_id, now};

use super::{App, AppError};

/// The outbox channel of webhooks.
pub const CHANNEL: &str = "webhook";
/// How old an event must be before it is sent.
pub const LAG_SECONDS: i64 = 2;
const CURSOR: &str = "webhook_cursor";
const JOB: &str = "webhook_pump";

/// The ticket events sent.
pub const EVENTS: &[&str] = &[
    "ticket_created",
    "auto_answered",
    "queued_for_review",
    "escalated",
    "taken_over",
    "agent_replied",
    "awaiting_customer",
    "customer_replied",
    "reopened",
    "resolved",
    "closed",
    "assigned",
    "priority_changed",
    "tag_added",
    "merged_into",
    "answer_rated",
];

/// `sha256=<hex HMAC-SHA256 of body with secret>`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).expect("any key length");
    m.update(body);
    format!("sha256={}", hex::encode(m.finalize().into_bytes()))
}

fn read_cursor(conn: &mut DbConn) -> Result<Option<(NaiveDateTime, String)>, AppError> {
    Ok(store::settings::get(conn, CURSOR)?.and_then(|v| {
        let (at, id) = v.split_once('|')?;
        let at = NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M:%S%.f").ok()?;
        Some((at, id.to_string()))
    }))
}

fn cursor_value(at: NaiveDateTime, id: &str) -> String {
    format!("{}|{id}", at.format("%Y-%m-%dT%H:%M:%S%.f"))
}

/// Queues the events since the last run for every address; how many rows were queued.
/// Without addresses it does nothing; the first run starts from now (no history).
pub fn pump(app: &App, holder: &str) -> Result<usize, AppError> {
    if app.config.webhook_urls.is_empty() {
        return Ok(0);
    }
    let mut conn = app.conn()?;
    let at = now();
    if !store::privacy::claim_job(&mut conn, JOB, holder, at, Duration::seconds(60), at + Duration::seconds(1))? {
        return Ok(0);
    }
    let result = store::transaction(&mut conn, |c| -> Result<usize, AppError> {
        let Some((from_at, from_id)) = read_cursor(c)? else {
            store::settings::set(c, CURSOR, &cursor_value(at - Duration::seconds(LAG_SECONDS), ""))?;
            return Ok(0);
        };
        let until = at - Duration::seconds(LAG_SECONDS);
        let events = store::events::after(c, (from_at, &from_id), until, EVENTS, 500)?;
        let mut queued = 0;
        for (e, number) in &events {
            let body = serde_json::to_vec(&json!({
                "id": e.id,
                "event": e.kind,
                "ticket": number,
                "at": e.created_at.and_utc().to_rfc3339(),
                "actor": e.actor_kind,
                "data": serde_json::from_str::<serde_json::Value>(&e.data).unwrap_or_default(),
            }))
            .unwrap_or_default();
            for url in &app.config.webhook_urls {
                let key = format!("webhook:{}:{}", e.id, &hex::encode(Sha256::digest(url.as_bytes()))[..16]);
                store::outbox::enqueue(
                    c,
                    &OutboxRow {
                        id: new_id(),
                        ticket_id: e.ticket_id.clone(),
                        message_id: None,
                        channel: CHANNEL.into(),
                        kind: e.kind.clone(),
                        recipient: url.clone(),
                        sender: String::new(),
                        idempotency_key: key,
                        payload: body.clone(),
                        status: store::outbox::PENDING.into(),
                        attempts: 0,
                        next_attempt_at: at,
                        locked_until: None,
                        last_error: None,
                        created_at: at,
                        sent_at: None,
                    },
                )?;
                queued += 1;
            }
        }
        if let Some((last, _)) = events.last() {
            store::settings::set(c, CURSOR, &cursor_value(last.created_at, &last.id))?;
        }
        Ok(queued)
    });
    store::privacy::finish_job(&mut conn, JOB, holder, now())?;
    result
}

/// Posts one queued webhook. A 2xx answer is delivered; 408, 429 and 5xx (and no
/// answer) are tried again later; any other answer is permanent.
pub fn deliver(app: &App, row: &OutboxRow) -> Result<(), DeliveryError> {
    let secret = app.config.webhook_secret.as_deref().unwrap_or_default();
    let answer = ureq::post(&row.recipient)
        .timeout(std::time::Duration::from_secs(10))
        .set("Content-Type", "application/json")
        .set("User-Agent", concat!("Tandem/", env!("CARGO_PKG_VERSION")))
        .set("X-Tandem-Event", &row.kind)
        .set("X-Tandem-Delivery", &row.idempotency_key)
        .set("X-Tandem-Signature", &signature(secret, &row.payload))
        .send_bytes(&row.payload);
    match answer {
        Ok(_) => Ok(()),
        Err(ureq::Error::Status(code, _)) if code == 408 || code == 429 || code >= 500 => {
            Err(DeliveryError::Temporary(format!("webhook answered {code}")))
        }
        Err(ureq::Error::Status(code, _)) => Err(DeliveryError::Permanent(format!("webhook answered {code}"))),
        Err(ureq::Error::Transport(e)) => Err(super::outbox::unanswered("webhook", &e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_hmac_of_the_body() {
        // RFC 4231 test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
