//! Webhooks of the social channels. `GET /channels/messenger/webhook` answers Facebook's
//! verification handshake; `POST` takes deliveries signed with the app secret
//! (`X-Hub-Signature-256`), refused unsigned (401) or forged (403). `/channels/x/webhook`
//! answers X's CRC check and takes deliveries signed `X-Twitter-Webhooks-Signature`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::app::{App, AppError, messenger, x};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/channels/messenger/webhook", web::get().to(messenger_verify))
        .route("/channels/messenger/webhook", web::post().to(messenger_receive))
        .route("/channels/x/webhook", web::get().to(x_crc))
        .route("/channels/x/webhook", web::post().to(x_receive));
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

#[derive(Deserialize)]
pub struct Crc {
    #[serde(default)]
    crc_token: String,
}

pub async fn x_crc(app: web::Data<App>, q: web::Query<Crc>) -> HttpResponse {
    match app.config.x_consumer_secret.as_deref() {
        Some(secret) if !q.crc_token.is_empty() => HttpResponse::Ok().json(x::crc_response(secret, &q.crc_token)),
        Some(_) => HttpResponse::BadRequest().body("crc_token missing"),
        None => HttpResponse::NotFound().body("X is not set up (TANDEM_X_CONSUMER_SECRET)"),
    }
}

pub async fn x_receive(app: web::Data<App>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    let Some(secret) = app.config.x_consumer_secret.clone() else {
        return HttpResponse::NotFound().body("X is not set up (TANDEM_X_CONSUMER_SECRET)");
    };
    let Some(signature) = req
        .headers()
        .get("X-Twitter-Webhooks-Signature")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
    else {
        tracing::warn!("X delivery without a signature refused");
        return HttpResponse::Unauthorized().body("X-Twitter-Webhooks-Signature missing");
    };
    if !x::signature_ok(&secret, &body, &signature) {
        tracing::warn!("X delivery with a wrong signature refused");
        return HttpResponse::Forbidden().body("signature does not match");
    }
    let app = app.clone();
    match web::block(move || x::receive(&app, &body)).await {
        Ok(Ok((stored, duplicates, skipped))) => HttpResponse::Ok().json(serde_json::json!({
            "stored": stored, "duplicates": duplicates, "skipped": skipped
        })),
        Ok(Err(AppError::Invalid(m))) => HttpResponse::build(StatusCode::BAD_REQUEST).body(m),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "X delivery not stored; the sender retries");
            HttpResponse::ServiceUnavailable().body("not stored; try again")
        }
        Err(_) => HttpResponse::ServiceUnavailable().body("busy; try again"),
    }
}
