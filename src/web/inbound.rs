//! `POST /inbound/email`: a raw RFC 5322 message behind a shared secret.
//! 202 accepted, 400 malformed, 401 bad secret, 503 try again.

use actix_web::{HttpRequest, HttpResponse, web};
use sha2::{Digest, Sha256};

use crate::app::{App, AppError, ingest};

use super::error::WebError;
use super::metrics;

pub async fn email(
    app: web::Data<App>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let Some(secret) = app.config.inbound_secret.as_deref() else {
        return Ok(HttpResponse::NotFound()
            .body("the inbound endpoint is off: set TANDEM_INBOUND_SECRET\n"));
    };
    let given = req
        .headers()
        .get("X-Tandem-Secret")
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    if !same_secret(given, secret.as_bytes()) {
        return Ok(HttpResponse::Unauthorized().body("bad or missing X-Tandem-Secret\n"));
    }
    let result = web::block(move || ingest::ingest_email(&app, &body)).await?;
    metrics::record_ingest(&result);
    match result {
        Ok(ingest::Outcome::Accepted {
            ticket_number,
            new_ticket,
            action,
        }) => Ok(HttpResponse::Accepted().json(serde_json::json!({
            "ticket": ticket_number, "new_ticket": new_ticket, "decision": action,
        }))),
        Ok(ingest::Outcome::Duplicate { ticket_number }) => {
            Ok(HttpResponse::Accepted().json(serde_json::json!({
                "ticket": ticket_number, "duplicate": true,
            })))
        }
        Err(AppError::Malformed(e)) => {
            Ok(HttpResponse::BadRequest().body(format!("malformed message: {e}\n")))
        }
        Err(e) => Err(WebError::App(e)),
    }
}

/// Compares digests so the time taken does not reveal how much of the secret matched.
fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    let (a, b) = (Sha256::digest(given), Sha256::digest(expected));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}
