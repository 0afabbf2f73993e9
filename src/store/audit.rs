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
        .filter(people())
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

/// "Not by the system itself", inlined rather than bound: only a literal lets both
/// planners use the partial indexes over people's events (`events_people_*`).
fn people() -> diesel::expression::SqlLiteral<diesel::sql_types::Bool> {
    diesel::dsl::sql::<diesel::sql_types::Bool>("events.actor_kind <> 'system'")
}

#[derive(QueryableByName)]
struct Kind {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    kind: Option<String>,
}

/// The kinds of event the trail holds, for the filter's list: a loose scan of the
/// `events_people_kind` index, one probe per kind, however many millions of events.
pub fn kinds(conn: &mut DbConn) -> Result<Vec<String>, StoreError> {
    let rows: Vec<Kind> = diesel::sql_query(
        "WITH RECURSIVE k(kind) AS ( \
           SELECT MIN(events.kind) FROM events WHERE events.actor_kind <> 'system' \
           UNION ALL \
           SELECT (SELECT MIN(events.kind) FROM events \
                   WHERE events.actor_kind <> 'system' AND events.kind > k.kind) \
           FROM k WHERE k.kind IS NOT NULL) \
         SELECT kind FROM k WHERE kind IS NOT NULL",
    )
    .load(conn)?;
    Ok(rows.into_iter().filter_map(|r| r.kind).collect())
}
