//! The agent queue: open tickets that need a person, longest-waiting first.

use diesel::prelude::*;

use super::models::{CustomerRow, DraftRow, TicketRow};
use super::schema::{customers, drafts, tickets, users};
use super::{DbConn, StoreError};

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// Which tickets to show.
#[derive(Clone, Debug, Default)]
pub struct QueueFilter {
    pub statuses: Vec<String>,
    pub intent: Option<String>,
    pub language: Option<String>,
    pub channel: Option<String>,
    /// A user id, or `Some("")` for unassigned.
    pub assignee: Option<String>,
    pub search: Option<String>,
}

fn filtered(
    f: &QueueFilter,
) -> diesel::dsl::IntoBoxed<
    '_,
    diesel::dsl::InnerJoin<tickets::table, customers::table>,
    super::MultiBackend,
> {
    let mut q = tickets::table.inner_join(customers::table).into_boxed();
    if !f.statuses.is_empty() {
        q = q.filter(tickets::status.eq_any(f.statuses.clone()));
    }
    if let Some(v) = &f.intent {
        q = q.filter(tickets::intent.eq(v.clone()));
    }
    if let Some(v) = &f.language {
        q = q.filter(tickets::language.eq(v.clone()));
    }
    if let Some(v) = &f.channel {
        q = q.filter(tickets::channel.eq(v.clone()));
    }
    match f.assignee.as_deref() {
        Some("") => q = q.filter(tickets::assignee_id.is_null()),
        Some(id) => q = q.filter(tickets::assignee_id.eq(id.to_string())),
        None => {}
    }
    if let Some(s) = f.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let digits = s.trim_start_matches('#');
        if let Ok(n) = digits.parse::<i64>() {
            q = q.filter(tickets::number.eq(n));
        } else {
            let pattern = format!(
                "%{}%",
                s.to_lowercase().replace('%', "\\%").replace('_', "\\_")
            );
            q = q.filter(
                lower(customers::email)
                    .like(pattern.clone())
                    .or(lower(tickets::subject).like(pattern.clone()))
                    .or(lower(customers::name.assume_not_null()).like(pattern)),
            );
        }
    }
    q
}

/// One page of the queue, longest-waiting first.
pub fn page(
    conn: &mut DbConn,
    f: &QueueFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<(TicketRow, CustomerRow)>, StoreError> {
    Ok(filtered(f)
        .order((
            tickets::waiting_since.is_null().asc(),
            tickets::waiting_since.asc(),
            tickets::created_at.asc(),
        ))
        .limit(limit)
        .offset(offset)
        .select((TicketRow::as_select(), CustomerRow::as_select()))
        .load(conn)?)
}

pub fn count(conn: &mut DbConn, f: &QueueFilter) -> Result<i64, StoreError> {
    Ok(filtered(f).count().get_result(conn)?)
}

/// Tickets per status (for the view counts).
pub fn count_by_status(
    conn: &mut DbConn,
    statuses: &[&str],
) -> Result<Vec<(String, i64)>, StoreError> {
    Ok(tickets::table
        .filter(tickets::status.eq_any(statuses))
        .group_by(tickets::status)
        .select((tickets::status, diesel::dsl::count_star()))
        .load(conn)?)
}

pub fn count_assigned(
    conn: &mut DbConn,
    user_id: &str,
    statuses: &[&str],
) -> Result<i64, StoreError> {
    Ok(tickets::table
        .filter(tickets::assignee_id.eq(user_id))
        .filter(tickets::status.eq_any(statuses))
        .count()
        .get_result(conn)?)
}

/// The pending drafts of these tickets (at most one each).
pub fn pending_drafts(
    conn: &mut DbConn,
    ticket_ids: &[String],
) -> Result<Vec<DraftRow>, StoreError> {
    Ok(drafts::table
        .filter(drafts::ticket_id.eq_any(ticket_ids))
        .filter(drafts::status.eq("pending"))
        .select(DraftRow::as_select())
        .load(conn)?)
}

/// Names of users by id, for the assignee column.
pub fn user_names(conn: &mut DbConn, ids: &[String]) -> Result<Vec<(String, String)>, StoreError> {
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::name))
        .load(conn)?)
}

/// Distinct values for the filter menus.
pub fn distinct_intents(conn: &mut DbConn) -> Result<Vec<String>, StoreError> {
    Ok(tickets::table
        .filter(tickets::intent.is_not_null())
        .select(tickets::intent.assume_not_null())
        .distinct()
        .order(tickets::intent.asc())
        .limit(500)
        .load(conn)?)
}

pub fn distinct_languages(conn: &mut DbConn) -> Result<Vec<String>, StoreError> {
    Ok(tickets::table
        .filter(tickets::language.is_not_null())
        .select(tickets::language.assume_not_null())
        .distinct()
        .order(tickets::language.asc())
        .limit(200)
        .load(conn)?)
}

/// The oldest open ticket waiting for a person, other than `except` (the "next ticket").
pub fn next_waiting(conn: &mut DbConn, except: i64) -> Result<Option<i64>, StoreError> {
    Ok(tickets::table
        .filter(tickets::status.eq_any(crate::domain::ticket::WAITING_FOR_PERSON))
        .filter(tickets::number.ne(except))
        .filter(tickets::assignee_id.is_null())
        .order((
            tickets::waiting_since.is_null().asc(),
            tickets::waiting_since.asc(),
            tickets::created_at.asc(),
        ))
        .select(tickets::number)
        .first(conn)
        .optional()?)
}
