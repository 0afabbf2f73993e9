//! Inbound messages that were stored but can never be processed (parked as failed), for
//! admins: what arrived, when, how often, and why it failed.

use serde::Serialize;

use crate::store;

use super::{App, AppError};

/// One parked message, without its bytes.
#[derive(Debug, Clone, Serialize)]
pub struct FailedMail {
    pub id: String,
    pub message_id: Option<String>,
    pub size: i64,
    pub attempts: i32,
    pub reason: String,
    pub received_at: String,
    pub failed_at: Option<String>,
}

/// The newest parked messages, newest first.
pub fn list(app: &App, limit: i64) -> Result<Vec<FailedMail>, AppError> {
    let mut conn = app.conn()?;
    let rows = store::raw_mail::list_by_status(&mut conn, store::raw_mail::FAILED, limit)?;
    Ok(rows
        .into_iter()
        .map(|r| FailedMail {
            id: r.id,
            message_id: r.message_id,
            size: r.size,
            attempts: r.attempts,
            reason: r.error.unwrap_or_default(),
            received_at: r.received_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            failed_at: r
                .processed_at
                .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string()),
        })
        .collect())
}
