//! Row types, one per table. Domain types live in `domain`; these only carry columns.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = customers)]
pub struct CustomerRow {
    pub id: String,
    pub email: String,
    pub name: Option<String>,
    pub language: Option<String>,
    pub vip: bool,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub password_hash: String,
    pub active: bool,
    pub languages: String,
    pub created_at: NaiveDateTime,
    /// Whether the single-letter keyboard shortcuts are on for this person.
    pub single_keys: bool,
    /// After a sending action the console opens the next ticket of the view.
    pub open_next: bool,
    /// The console language the person chose (`en`, `de`).
    pub console_language: String,
}

/// A one-time link of a console user; only the token's SHA-256 is kept.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = user_tokens)]
pub struct UserTokenRow {
    pub token_hash: String,
    pub user_id: String,
    /// `reset`, `invite` or `second_factor`.
    pub purpose: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = tickets)]
pub struct TicketRow {
    pub id: String,
    pub number: i64,
    pub customer_id: String,
    pub subject: String,
    pub status: String,
    pub channel: String,
    pub language: Option<String>,
    pub intent: Option<String>,
    pub assignee_id: Option<String>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub waiting_since: Option<NaiveDateTime>,
    pub first_response_at: Option<NaiveDateTime>,
    pub resolved_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = raw_mail)]
pub struct RawMailRow {
    pub id: String,
    pub dedup_key: String,
    pub raw: Vec<u8>,
    pub size: i64,
    pub status: String,
    pub error: Option<String>,
    pub ticket_id: Option<String>,
    pub received_at: NaiveDateTime,
    pub processed_at: Option<NaiveDateTime>,
    /// The Message-ID the message carries, if any (not unique: see `dedup_key`).
    pub message_id: Option<String>,
    /// How many times the message arrived or was tried; a message that keeps failing is
    /// parked as failed instead of retried for ever.
    pub attempts: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = messages)]
pub struct MessageRow {
    pub id: String,
    pub ticket_id: String,
    pub direction: String,
    pub author_kind: String,
    pub author_id: Option<String>,
    pub channel: String,
    pub internet_message_id: Option<String>,
    pub sender: Option<String>,
    pub subject: String,
    pub body_text: String,
    pub triage_text: String,
    pub body_html: Option<String>,
    pub raw_mail_id: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = attachments)]
pub struct AttachmentRow {
    pub id: String,
    pub message_id: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub content: Vec<u8>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = kb_articles)]
pub struct ArticleRow {
    pub id: String,
    pub intent: String,
    pub title: String,
    pub body: String,
    pub language: String,
    pub questions: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = drafts)]
pub struct DraftRow {
    pub id: String,
    pub ticket_id: String,
    pub message_id: String,
    pub body: String,
    pub language: String,
    pub intent: Option<String>,
    pub intent_score: f64,
    pub confidence: f64,
    pub decision: String,
    pub reason: String,
    pub risk_flags: String,
    pub articles: String,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
    pub decided_by: Option<String>,
}

/// A missing value is written as NULL, not DEFAULT: the insert's text is then the same
/// for every row, so the statement stays prepared and several rows go in one statement.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = events, treat_none_as_default_value = false)]
pub struct EventRow {
    pub id: String,
    pub ticket_id: Option<String>,
    pub kind: String,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub data: String,
    pub ip: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub id: String,
    pub ticket_id: Option<String>,
    pub message_id: Option<String>,
    pub channel: String,
    pub kind: String,
    pub recipient: String,
    pub sender: String,
    pub idempotency_key: String,
    pub payload: Vec<u8>,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub token_hash: String,
    pub user_id: String,
    pub csrf_token: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}
