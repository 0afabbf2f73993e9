//! Webhooks of the social channels. `GET /channels/messenger/webhook` answers Facebook's
//! verification handshake; `POST` takes deliveries signed with the app secret
//! (`X-Hub-Signature-256`), refused unsigned (401) or forged (403). `/channels/x/webhook`
//! answers X's CRC check and takes deliveries signed `X-Twitter-Webhooks-Signature`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::app::social::Received;
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
    let secret = app.config.messenger_app_secret.clone();
    signed_delivery(app, &req, body, Delivery {
        network: "Messenger",
        secret,
        setting: "TANDEM_MESSENGER_APP_SECRET",
        header: "X-Hub-Signature-256",
        check: messenger::signature_ok,
        store: messenger::receive,
    })
    .await
}

/// How one network signs and stores its deliveries.
struct Delivery {
    network: &'static str,
    secret: Option<String>,
    setting: &'static str,
    header: &'static str,
    check: fn(&str, &[u8], &str) -> bool,
    /// Stores a checked delivery.
    store: fn(&App, &[u8]) -> Result<Received, AppError>,
}

/// A webhook delivery: refused unsigned (401) or forged (403), else stored; 503 only when
/// a redelivery can help (the database busy or down): every other failure would come
/// back the same on every retry and hold up the deliveries after it.
async fn signed_delivery(app: web::Data<App>, req: &HttpRequest, body: web::Bytes, d: Delivery) -> HttpResponse {
    let Some(secret) = d.secret else {
        return HttpResponse::NotFound().body(format!("{} is not set up ({})", d.network, d.setting));
    };
    let Some(signature) = req.headers().get(d.header).and_then(|v| v.to_str().ok()) else {
        tracing::warn!(network = d.network, "delivery without a signature refused");
        return HttpResponse::Unauthorized().body(format!("{} missing", d.header));
    };
    if !(d.check)(&secret, &body, signature) {
        tracing::warn!(network = d.network, "delivery with a wrong signature refused");
        return HttpResponse::Forbidden().body("signature does not match");
    }
    let store = d.store;
    match web::block(move || store(&app, &body)).await {
        Ok(Ok(received)) => HttpResponse::Ok().json(received),
        Ok(Err(e)) if !e.is_temporary() => {
            tracing::warn!(network = d.network, error = %e, "delivery refused");
            HttpResponse::build(StatusCode::BAD_REQUEST).body(e.to_string())
        }
        Ok(Err(e)) => {
            tracing::warn!(network = d.network, error = %e, "delivery not stored; the sender retries");
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
    let secret = app.config.x_consumer_secret.clone();
    signed_delivery(app, &req, body, Delivery {
        network: "X",
        secret,
        setting: "TANDEM_X_CONSUMER_SECRET",
        header: "X-Twitter-Webhooks-Signature",
        check: x::signature_ok,
        store: x::receive,
    })
    .await
}
