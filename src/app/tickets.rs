//! Read models of tickets for scripts (`tandem ticket list/show --json`) and the console.

use serde::Serialize;

use crate::store::{self};

use super::{App, AppError};

#[derive(Debug, Serialize)]
pub struct TicketSummary {
    pub number: i64,
    pub status: String,
    pub subject: String,
    pub customer: String,
    pub language: Option<String>,
    pub intent: Option<String>,
    pub channel: String,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Serialize)]
pub struct MessageView {
    pub direction: String,
    pub author: String,
    /// The sender's address (ours for outgoing messages; none for notes).
    pub from: Option<String>,
    /// True for a sender who was neither the ticket's customer nor a participant.
    pub new_participant: bool,
    pub message_id: Option<String>,
    pub subject: String,
    pub text: String,
    pub attachments: Vec<AttachmentView>,
    pub created_at: String,
    pub delivery: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct AttachmentView {
    pub id: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
}

#[derive(Debug, Serialize)]
pub struct DraftView {
    pub id: String,
    pub body: String,
    pub language: String,
    pub intent: Option<String>,
    pub intent_score: f64,
    pub confidence: f64,
    pub decision: String,
    pub reason: String,
    pub risk_flags: serde_json::Value,
    pub articles: serde_json::Value,
    pub status: String,
    pub created_at: String,
}

#[derive(Debug, Serialize)]
pub struct EventView {
    pub kind: String,
    pub actor: String,
    pub data: serde_json::Value,
    pub created_at: String,
}

#[derive(Debug, Serialize)]
pub struct TicketDetail {
    #[serde(flatten)]
    pub summary: TicketSummary,
    pub messages: Vec<MessageView>,
    pub drafts: Vec<DraftView>,
    pub events: Vec<EventView>,
}

fn ts(t: chrono::NaiveDateTime) -> String {
    t.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub fn list(app: &App, limit: i64, offset: i64) -> Result<Vec<TicketSummary>, AppError> {
    let mut conn = app.conn()?;
    Ok(store::tickets::list(&mut conn, limit, offset)?
        .into_iter()
        .map(|(t, c)| summary(t, c.email))
        .collect())
}

fn summary(t: store::models::TicketRow, customer: String) -> TicketSummary {
    TicketSummary {
        number: t.number,
        status: t.status,
        subject: t.subject,
        customer,
        language: t.language,
        intent: t.intent,
        channel: t.channel,
        created_at: ts(t.created_at),
        updated_at: ts(t.updated_at),
    }
}

pub fn show(app: &App, number: i64) -> Result<TicketDetail, AppError> {
    let mut conn = app.conn()?;
    let ticket = store::tickets::get_by_number(&mut conn, number)?
        .ok_or_else(|| AppError::NotFound(format!("ticket #{number}")))?;
    let customer = store::customers::get(&mut conn, &ticket.customer_id)?;
    let messages = store::messages::for_ticket(&mut conn, &ticket.id)?;
    let ids: Vec<String> = messages.iter().map(|m| m.id.clone()).collect();
    let attachments = store::messages::attachments_for(&mut conn, &ids)?;
    let outbox = store::outbox::delivery_by_message(&mut conn, &ticket.id)?;
    let drafts = store::drafts::for_ticket(&mut conn, &ticket.id)?;
    let events = store::events::for_ticket(&mut conn, &ticket.id)?;
    let strangers = store::participants::new_participant_messages(&mut conn, &ticket.id)?;
    Ok(TicketDetail {
        messages: messages
            .into_iter()
            .map(|m| MessageView {
                delivery: outbox
                    .iter()
                    .find(|(id, _)| id.as_deref() == Some(&m.id))
                    .map(|(_, status)| status.clone()),
                attachments: attachments
                    .iter()
                    .filter(|a| a.1 == m.id)
                    .map(|a| AttachmentView {
                        id: a.0.clone(),
                        filename: a.2.clone(),
                        content_type: a.3.clone(),
                        size: a.4,
                    })
                    .collect(),
                new_participant: strangers.contains(&m.id),
                direction: m.direction,
                author: m.author_kind,
                from: m.sender,
                message_id: m.internet_message_id,
                subject: m.subject,
                text: m.body_text,
                created_at: ts(m.created_at),
            })
            .collect(),
        drafts: drafts
            .into_iter()
            .map(|d| DraftView {
                id: d.id,
                body: d.body,
                language: d.language,
                intent: d.intent,
                intent_score: d.intent_score,
                confidence: d.confidence,
                decision: d.decision,
                reason: d.reason,
                risk_flags: serde_json::from_str(&d.risk_flags).unwrap_or_default(),
                articles: serde_json::from_str(&d.articles).unwrap_or_default(),
                status: d.status,
                created_at: ts(d.created_at),
            })
            .collect(),
        events: events
            .into_iter()
            .map(|e| EventView {
                kind: e.kind,
                actor: e.actor_kind,
                data: serde_json::from_str(&e.data).unwrap_or_default(),
                created_at: ts(e.created_at),
            })
            .collect(),
        summary: summary(ticket, customer.email),
    })
}
