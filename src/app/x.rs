//! X direct messages through the Account Activity API: the CRC challenge answered with
//! the HMAC-SHA256 of its token, deliveries checked against `X-Twitter-Webhooks-Signature`,
//! DMs in as tickets (see [`super::social`]) and replies out through the outbox.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::mail::transport::DeliveryError;
use crate::store::models::OutboxRow;

use super::{App, AppError};

fn mac(secret: &str, data: &[u8]) -> Vec<u8> {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).expect("any key length");
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

/// The answer to a CRC check: `{"response_token": "sha256=<base64 HMAC of the token>"}`.
pub fn crc_response(secret: &str, crc_token: &str) -> Value {
    json!({"response_token": format!("sha256={}", STANDARD.encode(mac(secret, crc_token.as_bytes())))})
}

/// True when `header` (`sha256=<base64>`) is the HMAC-SHA256 of `body`, compared in
/// constant time.
pub fn signature_ok(secret: &str, body: &[u8], header: &str) -> bool {
    let Some(given) = header.strip_prefix("sha256=").and_then(|h| STANDARD.decode(h.trim()).ok()) else {
        return false;
    };
    let Ok(mut m) = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    m.update(body);
    m.verify_slice(&given).is_ok()
}

/// What the user sent, as text: the words, then a line with the link of an attached
/// photo or video, so that a DM without words is kept too.
fn dm_text(data: &Value) -> String {
    let mut text = data["text"].as_str().unwrap_or_default().trim().to_string();
    let media = &data["attachment"]["media"];
    if let Some(url) = media["media_url_https"].as_str().or(media["url"].as_str()) {
        super::social::add_attachment_line(&mut text, media["type"].as_str().unwrap_or("media"), url);
    }
    text
}

/// Stores every DM a user sent us in a (signature-checked) delivery; our own messages and
/// other events are skipped.
pub fn receive(app: &App, body: &[u8]) -> Result<super::social::Received, AppError> {
    let v: Value = serde_json::from_slice(body).map_err(|e| AppError::Invalid(format!("not JSON: {e}")))?;
    let us = v["for_user_id"].as_str().unwrap_or_default();
    let mut r = super::social::Received::default();
    for e in v["direct_message_events"].as_array().into_iter().flatten() {
        let id = e["id"].as_str().unwrap_or_default();
        let create = &e["message_create"];
        let sender = create["sender_id"].as_str().unwrap_or_default();
        let text = dm_text(&create["message_data"]);
        if e["type"] != "message_create" || id.is_empty() || sender.is_empty() || sender == us || text.trim().is_empty() {
            r.skipped += 1;
            continue;
        }
        super::social::X.take(app, sender, id, &text, &mut r)?;
    }
    Ok(r)
}

/// The body of a DM to send.
pub fn reply_payload(text: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({"text": text})).unwrap_or_default()
}

/// Posts one queued DM (`recipient` is the user's id). 2xx is delivered; 429, 5xx and no
/// answer are tried again; other answers are permanent.
pub fn deliver(app: &App, row: &OutboxRow) -> Result<(), DeliveryError> {
    let token = app.config.x_access_token.as_deref().unwrap_or_default();
    let url = format!(
        "{}/2/dm_conversations/with/{}/messages",
        app.config.x_api_url.trim_end_matches('/'),
        row.recipient
    );
    let answer = ureq::post(&url)
        .timeout(std::time::Duration::from_secs(10))
        .set("Authorization", &format!("Bearer {token}"))
        .set("Content-Type", "application/json")
        .send_bytes(&row.payload);
    match answer {
        Ok(_) => Ok(()),
        Err(ureq::Error::Status(code, _)) if code == 429 || code >= 500 => {
            Err(DeliveryError::Temporary(format!("X answered {code}")))
        }
        Err(ureq::Error::Status(code, _)) => Err(DeliveryError::Permanent(format!("X answered {code}"))),
        Err(ureq::Error::Transport(e)) => Err(super::outbox::unanswered("X", &e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_crc_answer_and_signatures_are_base64_hmacs() {
        let r = crc_response("secret", "token");
        let expected = format!("sha256={}", STANDARD.encode(mac("secret", b"token")));
        assert_eq!(r["response_token"], expected);
        let sig = format!("sha256={}", STANDARD.encode(mac("secret", b"{}")));
        assert!(signature_ok("secret", b"{}", &sig));
        assert!(!signature_ok("secret", b"{ }", &sig));
        assert!(!signature_ok("other", b"{}", &sig));
        assert!(!signature_ok("secret", b"{}", "sha256=!!"));
    }
}
