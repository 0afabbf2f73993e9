//! `POST /inbound/email`: a raw RFC 5322 message behind a shared secret.
//! `GET /inbound/hello`: the server's proof that it holds the secret (`app::handoff`).
//! 202 accepted, 400 malformed, 401 bad secret, 409 meant for another database (see
//! `app::handoff`), 503 try again.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tokio::sync::Semaphore;

use crate::app::{App, AppError, handoff, ingest, ingest_batch};

use super::error::WebError;
use super::metrics;

/// Bodies read (and ingested) at once; more wait outside with 503 and `Retry-After`.
/// As many as one group commit takes, so that more concurrent senders fill bigger
/// batches instead of being turned away.
pub const MAX_BODIES_IN_FLIGHT: usize = crate::app::ingest_batch::MAX_BATCH;
/// A body must arrive whole within this time, however slowly it trickles in.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// What a sender is told to wait before trying again.
const RETRY_AFTER_SECS: &str = "5";

/// Bounds the inbound bodies in memory at once and how long one may take to arrive.
/// `serve` makes one for the whole process; without one, a process-wide default is used.
#[derive(Clone)]
pub struct InboundGate {
    permits: Arc<Semaphore>,
    read_timeout: Duration,
}

impl InboundGate {
    pub fn new(bodies_in_flight: usize, read_timeout: Duration) -> InboundGate {
        InboundGate {
            permits: Arc::new(Semaphore::new(bodies_in_flight)),
            read_timeout,
        }
    }

    fn process_wide() -> &'static InboundGate {
        static GATE: OnceLock<InboundGate> = OnceLock::new();
        GATE.get_or_init(InboundGate::default)
    }
}

impl Default for InboundGate {
    fn default() -> Self {
        InboundGate::new(MAX_BODIES_IN_FLIGHT, BODY_READ_TIMEOUT)
    }
}

fn try_again(why: &str) -> HttpResponse {
    HttpResponse::ServiceUnavailable()
        .insert_header((header::RETRY_AFTER, RETRY_AFTER_SECS))
        .body(format!("{why}; try again later\n"))
}

/// Why a body was not read whole.
enum BodyError {
    TooLarge(usize),
    TimedOut,
    Broken(String),
}

/// Reads the body, stopping past `limit` and at the gate's deadline.
async fn read_body(
    payload: web::Payload,
    limit: usize,
    timeout: Duration,
) -> Result<web::Bytes, BodyError> {
    match tokio::time::timeout(timeout, payload.to_bytes_limited(limit)).await {
        Err(_) => Err(BodyError::TimedOut),
        Ok(Err(_)) => Err(BodyError::TooLarge(limit + 1)),
        Ok(Ok(Err(e))) => Err(BodyError::Broken(e.to_string())),
        Ok(Ok(Ok(body))) => Ok(body),
    }
}

/// The secret is checked from the headers before a byte of the body is read, so a
/// stranger's upload is refused without being buffered.
pub async fn email(
    app: web::Data<App>,
    gate: Option<web::Data<InboundGate>>,
    req: HttpRequest,
    payload: web::Payload,
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
        return Ok(HttpResponse::Unauthorized()
            .insert_header((header::CONNECTION, "close"))
            .body("bad or missing X-Tandem-Secret\n"));
    }
    // `ingest-mail` says which database it stores into; a server on another one (a
    // second installation on this machine) must not take its mail.
    if let Some(meant) = req.headers().get(handoff::DATABASE_HEADER)
        && meant.as_bytes() != handoff::database_fingerprint(&app.config.database_url).as_bytes()
    {
        return Ok(HttpResponse::Conflict()
            .insert_header((header::CONNECTION, "close"))
            .body("this server stores into another database\n"));
    }
    let gate: &InboundGate = match &gate {
        Some(g) => g.get_ref(),
        None => InboundGate::process_wide(),
    };
    let Ok(_permit) = gate.permits.clone().try_acquire_owned() else {
        return Ok(try_again("too many messages are arriving at once"));
    };
    let limit = app.config.max_message_bytes;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let body = match declared {
        Some(n) if n > limit => Err(BodyError::TooLarge(n)),
        _ => read_body(payload, limit, gate.read_timeout).await,
    };
    let body = match body {
        Ok(body) => body,
        Err(BodyError::TooLarge(n)) => {
            let e = crate::mail::parse::MalformedMail::TooLarge(n, limit);
            return Ok(HttpResponse::BadRequest()
                .insert_header((header::CONNECTION, "close"))
                .body(format!("malformed message: {e}\n")));
        }
        Err(BodyError::TimedOut) => {
            return Ok(try_again(&format!(
                "the message did not arrive within {} seconds",
                gate.read_timeout.as_secs()
            )));
        }
        Err(BodyError::Broken(e)) => {
            return Ok(HttpResponse::BadRequest().body(format!("the upload broke off: {e}\n")));
        }
    };
    // Group commit: the writer stores this message with the others that arrived
    // together and answers after the transaction holding it committed.
    // Submitting parses the message and has the triage engine read it, on this thread
    // when that is cheap (see `reads_inline`), else on the blocking pool so that it never
    // holds up the other requests of this worker.
    let app = app.into_inner();
    let body = body.to_vec();
    let answer = if ingest_batch::reads_inline(body.len()) {
        ingest_batch::submit(&app, body)
    } else {
        web::block(move || ingest_batch::submit(&app, body))
            .await
            .map_err(|e| WebError::App(AppError::Temporary(e.to_string())))?
    };
    let result = answer.await.unwrap_or_else(|_| {
        Err(AppError::Temporary(
            "the ingest writer stopped before answering".into(),
        ))
    });
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

/// `GET /inbound/hello`: the server proves to an `ingest-mail` on this machine that it
/// holds the inbound secret, by answering the pipe's challenge (`app::handoff`), before
/// the pipe sends it a message. 204 with the proof; 404 when the endpoint is off.
pub async fn hello(app: web::Data<App>, req: HttpRequest) -> HttpResponse {
    let Some(secret) = app.config.inbound_secret.as_deref() else {
        return HttpResponse::NotFound()
            .body("the inbound endpoint is off: set TANDEM_INBOUND_SECRET\n");
    };
    let challenge = req
        .headers()
        .get(handoff::CHALLENGE_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| handoff::is_challenge(v));
    match challenge {
        Some(challenge) => HttpResponse::NoContent()
            .insert_header((handoff::PROOF_HEADER, handoff::proof(secret, challenge)))
            .finish(),
        None => HttpResponse::BadRequest().body(format!(
            "{} must be 32 to 128 hex digits\n",
            handoff::CHALLENGE_HEADER
        )),
    }
}

/// Compares digests in constant time, so neither the time taken nor the lengths reveal
/// how much of the secret matched.
fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    Sha256::digest(given)
        .ct_eq(&Sha256::digest(expected))
        .into()
}
