//! Facebook Messenger: the webhook's handshake and signed deliveries in, the Send API out.
//!
//! A Messenger user is a customer whose address is `<page-scoped id>@messenger.invalid`
//! (the `.invalid` domain can never receive mail, so nothing meant for them leaves as
//! mail). Their messages are composed as mail and take the mail's road (stored first,
//! once per message id, triaged, answered); replies to a Messenger ticket are queued in
//! the outbox on the `messenger` channel and posted to the Send API, retried like mail.
//! Messenger lets a page answer only within 24 hours of the user's last message: a
//! reply after that is refused and the ticket stays with a person, with that reason.

use chrono::Duration;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::domain;
use crate::mail::transport::DeliveryError;
use crate::store::models::OutboxRow;
use crate::store::{self, DbConn, now};

use super::{App, AppError};

/// How long after the user's last message a page may answer.
pub const WINDOW_HOURS: i64 = 24;

/// Why a reply cannot go out on Messenger any more.
pub const WINDOW_CLOSED: &str = "Messenger allows answers only within 24 hours of the customer's last message; this one cannot go out there. Reach the customer another way.";

/// Records on the ticket that a reply was refused because the window had closed (the
/// refused reply's own transaction was rolled back).
pub fn note_window_closed(app: &App, number: i64, by: &super::actions::ActingUser) -> Result<(), AppError> {
    let mut conn = app.conn()?;
    let ticket = super::actions::load_ticket(&mut conn, number)?;
    store::events::record(&mut conn, Some(&ticket.id), "messenger_window_closed", &by.actor(), json!({}))?;
    Ok(())
}


/// True when `header` (`sha256=<hex>`) is the HMAC-SHA256 of `body` with `secret`,
/// compared in constant time.
pub fn signature_ok(secret: &str, body: &[u8], header: &str) -> bool {
    let Some(given) = header.strip_prefix("sha256=").and_then(|h| hex::decode(h.trim()).ok()) else {
        return false;
    };
    let Ok(mut m) = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    m.update(body);
    m.verify_slice(&given).is_ok()
}

/// The handshake: the challenge when the token is ours.
pub fn verify(app: &App, mode: &str, token: &str, challenge: &str) -> Option<String> {
    let ours = app.config.messenger_verify_token.as_deref()?;
    let same: bool = subtle::ConstantTimeEq::ct_eq(token.as_bytes(), ours.as_bytes()).into();
    (mode == "subscribe" && same).then(|| challenge.to_string())
}

/// What the user sent, as text: the words, then a line for each attachment (a photo of
/// the damage, a file, a location, a sticker) with its link, so that a message without
/// words is kept too.
fn message_text(message: &Value) -> String {
    let mut text = message["text"].as_str().unwrap_or_default().trim().to_string();
    for a in message["attachments"].as_array().into_iter().flatten() {
        let kind = a["type"].as_str().filter(|k| !k.is_empty()).unwrap_or("attachment");
        let payload = &a["payload"];
        let detail = match (payload["url"].as_str(), &payload["coordinates"]) {
            (Some(url), _) => url.to_string(),
            (None, c) if c.is_object() => format!("{}, {}", c["lat"], c["long"]),
            _ => a["title"].as_str().unwrap_or_default().to_string(),
        };
        super::social::add_attachment_line(&mut text, kind, &detail);
    }
    text
}

/// Stores every user message of a (signature-checked) delivery. Returns an error only
/// when a retry can help (Messenger delivers again).
pub fn receive(app: &App, body: &[u8]) -> Result<super::social::Received, AppError> {
    let v: Value = serde_json::from_slice(body).map_err(|e| AppError::Invalid(format!("not JSON: {e}")))?;
    let mut r = super::social::Received::default();
    for entry in v["entry"].as_array().into_iter().flatten() {
        for event in entry["messaging"].as_array().into_iter().flatten() {
            let psid = event["sender"]["id"].as_str().unwrap_or_default();
            let message = &event["message"];
            let mid = message["mid"].as_str().unwrap_or_default();
            let text = message_text(message);
            if psid.is_empty() || mid.is_empty() || message["is_echo"].as_bool() == Some(true) || text.trim().is_empty() {
                r.skipped += 1;
                continue;
            }
            super::social::MESSENGER.take(app, psid, mid, &text, &mut r)?;
        }
    }
    Ok(r)
}

/// The Send API's body for a reply, or why it may not go: Messenger's 24-hour window
/// closed (the ticket then stays with a person, with that reason in its events).
pub fn reply_payload(conn: &mut DbConn, ticket: &store::models::TicketRow, psid: &str, text: &str) -> Result<Vec<u8>, AppError> {
    let last_from_user = store::messages::for_ticket(conn, &ticket.id)?
        .into_iter()
        .rev()
        .find(|m| m.direction == domain::INBOUND)
        .map(|m| m.created_at);
    if last_from_user.is_none_or(|at| now() - at > Duration::hours(WINDOW_HOURS)) {
        return Err(AppError::Refused(WINDOW_CLOSED.into()));
    }
    Ok(serde_json::to_vec(&json!({
        "recipient": {"id": psid},
        "messaging_type": "RESPONSE",
        "message": {"text": text},
    }))
    .unwrap_or_default())
}

/// Posts one queued reply to the Send API. 2xx is delivered; 429, 5xx and no answer are
/// tried again; other answers are permanent.
pub fn deliver(app: &App, row: &OutboxRow) -> Result<(), DeliveryError> {
    let token = app.config.messenger_page_token.as_deref().unwrap_or_default();
    let url = format!("{}/me/messages", app.config.messenger_api_url.trim_end_matches('/'));
    let answer = ureq::post(&url)
        .timeout(std::time::Duration::from_secs(10))
        .query("access_token", token)
        .set("Content-Type", "application/json")
        .send_bytes(&row.payload);
    match answer {
        Ok(_) => Ok(()),
        Err(ureq::Error::Status(code, _)) if code == 429 || code >= 500 => {
            Err(DeliveryError::Temporary(format!("Send API answered {code}")))
        }
        Err(ureq::Error::Status(code, _)) => Err(DeliveryError::Permanent(format!("Send API answered {code}"))),
        Err(ureq::Error::Transport(e)) => Err(super::outbox::unanswered("Send API", &e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_checked_against_the_body() {
        let body = br#"{"object":"page"}"#;
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(b"app-secret").unwrap();
        m.update(body);
        let good = format!("sha256={}", hex::encode(m.finalize().into_bytes()));
        assert!(signature_ok("app-secret", body, &good));
        assert!(!signature_ok("other", body, &good));
        assert!(!signature_ok("app-secret", b"{}", &good));
        assert!(!signature_ok("app-secret", body, "sha1=abc"));
        assert!(!signature_ok("app-secret", body, ""));
    }

    #[test]
    fn addresses_stand_for_users() {
        let m = super::super::social::MESSENGER;
        assert_eq!(m.address_of("123"), "123@messenger.invalid");
        assert_eq!(m.user_of("123@messenger.invalid"), Some("123"));
        assert_eq!(m.user_of("ana@example.com"), None);
        assert_eq!(m.user_of("@messenger.invalid"), None);
        assert_eq!(super::super::social::X.user_of("123@messenger.invalid"), None);
    }
}
