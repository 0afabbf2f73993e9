//! The audit trail filtered: by person, action, ticket and period, newest first.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::events::AuditEntry;
use super::models::EventRow;
use super::schema::{events, tickets, users};
use super::{DbConn, StoreError};

/// What the audit page and its CSV export narrow the trail to (all optional).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// A user's id.
    pub person: Option<String>,
    /// An event kind (`customer_erased`, `ticket_viewed`, …).
    pub kind: Option<String>,
    /// A ticket's number.
    pub ticket: Option<i64>,
    pub from: Option<NaiveDateTime>,
    /// Exclusive.
    pub to: Option<NaiveDateTime>,
}

/// Matching audit rows (events not by the system itself) with the person's name and the
/// ticket's number, newest first.
pub fn filtered(
    conn: &mut DbConn,
    f: &AuditFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<AuditEntry>, StoreError> {
    let mut q = events::table
        .left_join(users::table.on(events::actor_id.eq(users::id.nullable())))
        .left_join(tickets::table.on(events::ticket_id.eq(tickets::id.nullable())))
        .filter(events::actor_kind.ne("system"))
        .into_boxed();
    if let Some(p) = &f.person {
        q = q.filter(events::actor_id.eq(p.clone()));
    }
    if let Some(k) = &f.kind {
        q = q.filter(events::kind.eq(k.clone()));
    }
    if let Some(n) = f.ticket {
        q = q.filter(tickets::number.nullable().eq(n));
    }
    if let Some(from) = f.from {
        q = q.filter(events::created_at.ge(from));
    }
    if let Some(to) = f.to {
        q = q.filter(events::created_at.lt(to));
    }
    Ok(q.order((events::created_at.desc(), events::id.desc()))
        .limit(limit)
        .offset(offset)
        .select((
            EventRow::as_select(),
            users::name.nullable(),
            tickets::number.nullable(),
        ))
        .load(conn)?)
}

/// The kinds of event the trail holds, for the filter's list.
pub fn kinds(conn: &mut DbConn) -> Result<Vec<String>, StoreError> {
    Ok(events::table
        .filter(events::actor_kind.ne("system"))
        .select(events::kind)
        .distinct()
        .order(events::kind.asc())
        .load(conn)?)
}
