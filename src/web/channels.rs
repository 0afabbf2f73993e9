//! Webhooks of the social channels. `GET /channels/messenger/webhook` answers Facebook's
//! verification handshake; `POST` takes deliveries signed with the app secret
//! (`X-Hub-Signature-256`), refused unsigned (401) or forged (403).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::app::{App, AppError, messenger};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/channels/messenger/webhook", web::get().to(messenger_verify))
        .route("/channels/messenger/webhook", web::post().to(messenger_receive));
}

#[derive(Deserialize)]
pub struct Handshake {
    #[serde(rename = "hub.mode", default)]
    mode: String,
    #[serde(rename = "hub.verify_token", default)]
    verify_token: String,
    #[serde(rename = "hub.challenge", default)]
    challenge: String,
}

pub async fn messenger_verify(app: web::Data<App>, q: web::Query<Handshake>) -> HttpResponse {
    match messenger::verify(&app, &q.mode, &q.verify_token, &q.challenge) {
        Some(challenge) => HttpResponse::Ok().content_type("text/plain").body(challenge),
        None => HttpResponse::Forbidden().body("verify token does not match"),
    }
}

pub async fn messenger_receive(app: web::Data<App>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    let Some(secret) = app.config.messenger_app_secret.clone() else {
        return HttpResponse::NotFound().body("Messenger is not set up (TANDEM_MESSENGER_APP_SECRET)");
    };
    let Some(signature) = req
        .headers()
        .get("X-Hub-Signature-256")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
    else {
        tracing::warn!("messenger delivery without a signature refused");
        return HttpResponse::Unauthorized().body("X-Hub-Signature-256 missing");
    };
    if !messenger::signature_ok(&secret, &body, &signature) {
        tracing::warn!("messenger delivery with a wrong signature refused");
        return HttpResponse::Forbidden().body("signature does not match");
    }
    let app = app.clone();
    match web::block(move || messenger::receive(&app, &body)).await {
        Ok(Ok(r)) => HttpResponse::Ok().json(serde_json::json!({
            "stored": r.stored, "duplicates": r.duplicates, "skipped": r.skipped
        })),
        Ok(Err(AppError::Invalid(m))) => HttpResponse::build(StatusCode::BAD_REQUEST).body(m),
        // Not stored: Messenger delivers again.
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "messenger delivery not stored; the sender retries");
            HttpResponse::ServiceUnavailable().body("not stored; try again")
        }
        Err(_) => HttpResponse::ServiceUnavailable().body("busy; try again"),
    }
}
