//! The REST API's use cases: integrations' tokens with scopes (kept hashed), and what a
//! token may read and write. Messages sent through the API take the mail's road (stored
//! first, kept once per idempotency key, triaged, acknowledged) on the `api` channel.

use lettre::message::Mailbox;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::store::api_tokens::ApiToken;
use crate::store::events::Actor;
use crate::store::{self, new_id, now};

use super::{App, AppError};

/// Every scope a token may hold.
pub const SCOPES: &[(&str, &str)] = &[
    ("tickets:read", "list and read tickets with their messages"),
    ("tickets:write", "create tickets and add customers' messages"),
    ("customers:read", "look up a customer and their tickets"),
    ("kb:read", "read the knowledge base"),
];

/// A caller, known by its token.
#[derive(Debug, Clone)]
pub struct ApiClient {
    pub id: String,
    pub name: String,
    pub scopes: Vec<String>,
}

impl ApiClient {
    pub fn may(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Makes a token for an integration; the token itself is returned once and never kept.
pub fn create_token(app: &App, name: &str, scopes: &[String]) -> Result<(ApiToken, String), AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::Invalid("a token needs a name".into()));
    }
    if scopes.is_empty() {
        return Err(AppError::Invalid("a token needs at least one scope".into()));
    }
    for s in scopes {
        if !SCOPES.iter().any(|(k, _)| k == s) {
            let known: Vec<&str> = SCOPES.iter().map(|(k, _)| *k).collect();
            return Err(AppError::Invalid(format!("no scope {s:?}; scopes: {}", known.join(", "))));
        }
    }
    let token = format!("tdm_{}", hex::encode(rand::random::<[u8; 32]>()));
    let row = ApiToken {
        id: new_id(),
        name: name.to_string(),
        token_hash: hash(&token),
        scopes: scopes.join(","),
        created_at: now(),
        last_used_at: None,
        revoked_at: None,
    };
    let mut conn = app.conn()?;
    store::transaction(&mut conn, |c| -> Result<(), AppError> {
        store::api_tokens::insert(c, &row)?;
        store::events::record(c, None, "api_token_created", &Actor::SYSTEM, json!({"token": row.id, "name": row.name, "scopes": row.scopes}))?;
        Ok(())
    })?;
    Ok((row, token))
}

pub fn tokens(app: &App) -> Result<Vec<ApiToken>, AppError> {
    Ok(store::api_tokens::all(&mut *app.conn()?)?)
}

pub fn revoke(app: &App, id_or_name: &str) -> Result<usize, AppError> {
    let mut conn = app.conn()?;
    let n = store::api_tokens::revoke(&mut conn, id_or_name, now())?;
    if n > 0 {
        store::events::record(&mut conn, None, "api_token_revoked", &Actor::SYSTEM, json!({"token": id_or_name}))?;
    }
    Ok(n)
}

/// The caller a bearer token stands for, if it is a live token.
pub fn authenticate(app: &App, token: &str) -> Result<Option<ApiClient>, AppError> {
    let mut conn = app.conn()?;
    let Some(row) = store::api_tokens::find_live(&mut conn, &hash(token.trim()))? else {
        return Ok(None);
    };
    store::api_tokens::touch(&mut conn, &row.id, now())?;
    Ok(Some(ApiClient {
        id: row.id,
        name: row.name,
        scopes: row.scopes.split(',').map(str::to_string).collect(),
    }))
}

/// A new ticket as an integration sends it.
#[derive(Debug, Deserialize)]
pub struct NewTicket {
    pub email: String,
    #[serde(default)]
    pub name: Option<String>,
    pub subject: String,
    pub body: String,
}

/// A customer's message added to a ticket.
#[derive(Debug, Deserialize)]
pub struct NewMessage {
    pub body: String,
}

/// What a write did.
#[derive(Debug, Serialize)]
pub struct Written {
    pub ticket: i64,
    /// False when the idempotency key was seen before: nothing new was made.
    pub created: bool,
}

fn outcome(o: super::ingest::Outcome) -> Written {
    match o {
        super::ingest::Outcome::Accepted { ticket_number, .. } => Written { ticket: ticket_number, created: true },
        super::ingest::Outcome::Duplicate { ticket_number } => Written { ticket: ticket_number.unwrap_or_default(), created: false },
    }
}

fn one_line(s: &str) -> String {
    s.split(['\r', '\n']).map(str::trim).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ")
}

/// Opens a ticket for a customer's message; the same `idempotency_key` (else a new one)
/// makes one ticket however often it is sent.
pub fn create_ticket(app: &App, client: &ApiClient, t: &NewTicket, idempotency_key: Option<&str>) -> Result<Written, AppError> {
    let address: lettre::Address = t
        .email
        .trim()
        .parse()
        .map_err(|_| AppError::Invalid(format!("{:?} is not an e-mail address", t.email)))?;
    if t.body.trim().is_empty() {
        return Err(AppError::Invalid("the body is empty".into()));
    }
    let name = t.name.as_deref().map(one_line).filter(|n| !n.is_empty());
    let subject = one_line(&t.subject);
    let request = Request::new(client, idempotency_key, &["tickets", &address.to_string(), name.as_deref().unwrap_or_default(), &subject, &t.body]);
    let raw = super::contact::compose(app, Mailbox::new(name, address), &subject, &request.message_nonce, None, &t.body)?;
    request.ingest(app, &raw)
}

/// One write through the API, kept once per client and idempotency key. The key names
/// one request: sent again with another body or to another ticket, it is refused (409)
/// rather than answered as if that other request had been stored.
struct Request {
    /// The message's stored key: the client and the idempotency key.
    key: String,
    /// What the request asked (route, ticket, body), in its composed Message-ID: the
    /// stored copy's Message-ID tells whether a repeated key asked the same.
    message_nonce: String,
}

impl Request {
    fn new(client: &ApiClient, idempotency_key: Option<&str>, fields: &[&str]) -> Request {
        let key = idempotency_key.map(str::to_string).unwrap_or_else(new_id);
        let key = hex::encode(Sha256::digest(format!("{}\0{key}", client.id)));
        let mut asked = Sha256::new();
        asked.update(key.as_bytes());
        for f in fields {
            // Lengths first, so that no two lists of fields run together the same way.
            asked.update((f.len() as u64).to_be_bytes());
            asked.update(f.as_bytes());
        }
        Request { message_nonce: hex::encode(asked.finalize())[..32].to_string(), key }
    }

    fn ingest(&self, app: &App, raw: &[u8]) -> Result<Written, AppError> {
        let ingested = super::ingest::ingest_composed(app, raw, super::ingest::API_KEY_PREFIX, &self.key)?;
        if let super::ingest::Outcome::Duplicate { .. } = ingested {
            let mut conn = app.conn()?;
            let stored = store::raw_mail::get_by_key(&mut conn, &super::ingest::composed_key(super::ingest::API_KEY_PREFIX, &self.key))?;
            let same = stored.and_then(|r| r.message_id).is_some_and(|id| id.contains(&self.message_nonce));
            if !same {
                return Err(AppError::Conflict(
                    "this Idempotency-Key was used for a different request (another body or another ticket); use a new key for a new message".into(),
                ));
            }
        }
        Ok(outcome(ingested))
    }
}

/// Adds a customer's message to ticket `number` (threaded as their reply).
pub fn add_message(app: &App, client: &ApiClient, number: i64, m: &NewMessage, idempotency_key: Option<&str>) -> Result<Written, AppError> {
    if m.body.trim().is_empty() {
        return Err(AppError::Invalid("the body is empty".into()));
    }
    let mut conn = app.conn()?;
    let ticket = super::actions::load_ticket(&mut conn, number)?;
    let customer = store::customers::get(&mut conn, &ticket.customer_id)?;
    let last_id = store::messages::for_ticket(&mut conn, &ticket.id)?
        .into_iter()
        .rev()
        .find_map(|m| m.internet_message_id);
    drop(conn);
    let address: lettre::Address = customer
        .email
        .parse()
        .map_err(|_| AppError::Invalid("the ticket's customer has no usable address".into()))?;
    let request = Request::new(client, idempotency_key, &["messages", &ticket.number.to_string(), &m.body]);
    let subject = format!("Re: [#{}] {}", ticket.number, ticket.subject);
    let raw = super::contact::compose(app, Mailbox::new(customer.name.clone(), address), &subject, &request.message_nonce, last_id.as_deref(), &m.body)?;
    request.ingest(app, &raw)
}

/// A customer and their tickets, newest first.
#[derive(Debug, Serialize)]
pub struct CustomerView {
    pub email: String,
    pub name: Option<String>,
    pub language: Option<String>,
    pub vip: bool,
    pub tickets: Vec<i64>,
}

/// The integration that reads, as the audit log names it.
fn actor_of(client: &ApiClient) -> Actor<'_> {
    Actor {
        kind: "api",
        id: Some(&client.id),
        ip: None,
    }
}

/// One ticket as an integration reads it: audited (`ticket_viewed`, by the token) as a
/// person's view in the console is.
pub fn ticket(app: &App, client: &ApiClient, number: i64) -> Result<super::tickets::TicketDetail, AppError> {
    let detail = super::tickets::show(app, number)?;
    let mut conn = app.conn()?;
    let ticket = super::actions::load_ticket(&mut conn, number)?;
    store::events::record(&mut conn, Some(&ticket.id), "ticket_viewed", &actor_of(client), json!({"via": "api"}))?;
    Ok(detail)
}

/// A customer as an integration reads them: audited (`customer_viewed`, by the token).
pub fn customer(app: &App, client: &ApiClient, email: &str) -> Result<CustomerView, AppError> {
    let mut conn = app.conn()?;
    let c = store::customers::find_by_email(&mut conn, &email.trim().to_lowercase())?
        .ok_or_else(|| AppError::NotFound("customer".into()))?;
    store::events::record(&mut conn, None, "customer_viewed", &actor_of(client), json!({"customer": c.id, "via": "api"}))?;
    let tickets = store::tickets::for_customer(&mut conn, &c.id, 100)?
        .into_iter()
        .map(|t| t.number)
        .collect();
    Ok(CustomerView { email: c.email, name: c.name, language: c.language, vip: c.vip, tickets })
}

/// A knowledge-base article as the API gives it.
#[derive(Debug, Serialize)]
pub struct ArticleView {
    pub id: String,
    pub intent: String,
    pub language: String,
    pub title: String,
    pub body: String,
    pub questions: Vec<String>,
    pub version: i32,
}

pub fn articles(app: &App, language: Option<&str>, page: i64) -> Result<Vec<ArticleView>, AppError> {
    let (rows, _) = super::kb::list(app, None, language, page)?;
    Ok(rows
        .into_iter()
        .map(|a| ArticleView {
            questions: super::kb::questions_of(&a),
            id: a.id,
            intent: a.intent,
            language: a.language,
            title: a.title,
            body: a.body,
            version: a.version,
        })
        .collect())
}
