//! Messages of a ticket's thread, and their attachments.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::{AttachmentRow, MessageRow};
use super::reused::Reused;
use super::schema::{attachments, messages};
use super::{DbConn, StoreError};

pub fn insert(conn: &mut DbConn, row: &MessageRow) -> Result<(), StoreError> {
    Reused(diesel::insert_into(messages::table).values(row)).execute(conn)?;
    Ok(())
}

pub fn insert_attachments(conn: &mut DbConn, rows: &[AttachmentRow]) -> Result<(), StoreError> {
    for row in rows {
        Reused(diesel::insert_into(attachments::table).values(row)).execute(conn)?;
    }
    Ok(())
}

pub fn for_ticket(conn: &mut DbConn, ticket_id: &str) -> Result<Vec<MessageRow>, StoreError> {
    Ok(messages::table
        .filter(messages::ticket_id.eq(ticket_id))
        .order(messages::created_at.asc())
        .select(MessageRow::as_select())
        .load(conn)?)
}

/// What a reply needs to thread into a ticket's conversation, oldest first: each
/// message's direction, Message-ID and subject (not the bodies).
pub struct ThreadHeader {
    pub direction: String,
    pub internet_message_id: Option<String>,
    pub subject: String,
}

pub fn thread_headers(conn: &mut DbConn, ticket_id: &str) -> Result<Vec<ThreadHeader>, StoreError> {
    Ok(messages::table
        .filter(messages::ticket_id.eq(ticket_id))
        .order(messages::created_at.asc())
        .select((
            messages::direction,
            messages::internet_message_id,
            messages::subject,
        ))
        .load::<(String, Option<String>, String)>(conn)?
        .into_iter()
        .map(|(direction, internet_message_id, subject)| ThreadHeader {
            direction,
            internet_message_id,
            subject,
        })
        .collect())
}

pub fn get(conn: &mut DbConn, id: &str) -> Result<MessageRow, StoreError> {
    Ok(messages::table
        .find(id)
        .select(MessageRow::as_select())
        .first(conn)?)
}

/// Attachment metadata without the content: (id, message id, file name, type, size).
pub type AttachmentMeta = (String, String, String, String, i64);

/// Attachment metadata (without content) for the given messages.
pub fn attachments_for(
    conn: &mut DbConn,
    message_ids: &[String],
) -> Result<Vec<AttachmentMeta>, StoreError> {
    Ok(attachments::table
        .filter(attachments::message_id.eq_any(message_ids))
        .select((
            attachments::id,
            attachments::message_id,
            attachments::filename,
            attachments::content_type,
            attachments::size,
        ))
        .load(conn)?)
}

pub fn attachment(conn: &mut DbConn, id: &str) -> Result<AttachmentRow, StoreError> {
    Ok(attachments::table
        .find(id)
        .select(AttachmentRow::as_select())
        .first(conn)?)
}

/// Customer messages on the ticket received after `since` (all when `None`).
pub fn count_inbound_since(
    conn: &mut DbConn,
    ticket_id: &str,
    since: Option<NaiveDateTime>,
) -> Result<i64, StoreError> {
    let mut q = messages::table
        .filter(messages::ticket_id.eq(ticket_id))
        .filter(messages::direction.eq("inbound"))
        .filter(messages::author_kind.ne(crate::domain::AUTHOR_MACHINE))
        .into_boxed();
    if let Some(t) = since {
        q = q.filter(messages::created_at.gt(t));
    }
    Ok(q.count().get_result(conn)?)
}
