//! The audit trail as admins read it: who saw and changed what, when, from where;
//! filtered by person, action, ticket and period, and exported as CSV. There is no way to
//! change or delete an entry through the application (and the database refuses it too:
//! see the `*_privacy` migrations).

use crate::store::{self, audit::AuditFilter, events::AuditEntry};

use super::{App, AppError};

pub const PAGE_SIZE: i64 = 100;
/// The most rows one CSV export holds (narrow the filter for more).
pub const CSV_LIMIT: i64 = 100_000;

pub struct AuditRow {
    pub at: String,
    pub who: String,
    pub ip: String,
    pub kind: String,
    pub ticket: Option<i64>,
    pub data: String,
}

fn row((e, name, number): AuditEntry) -> AuditRow {
    AuditRow {
        at: e.created_at.format("%Y-%m-%d %H:%M:%S").to_string(),
        who: name.unwrap_or_else(|| match (e.actor_kind.as_str(), e.actor_id) {
            // Failed sign-ins name the address that was tried.
            ("anonymous", Some(tried)) => format!("(sign-in as {tried})"),
            (kind, _) => kind.to_string(),
        }),
        ip: e.ip.unwrap_or_default(),
        kind: e.kind,
        ticket: number,
        data: if e.data == "{}" {
            String::new()
        } else {
            e.data
        },
    }
}

/// One page of the whole trail and whether older entries exist.
pub fn page(app: &App, page: i64) -> Result<(Vec<AuditRow>, bool), AppError> {
    page_filtered(app, &AuditFilter::default(), page)
}

/// One page of the entries matching `filter` and whether older ones exist.
pub fn page_filtered(
    app: &App,
    filter: &AuditFilter,
    page: i64,
) -> Result<(Vec<AuditRow>, bool), AppError> {
    let mut conn = app.conn()?;
    let mut rows = store::audit::filtered(
        &mut conn,
        filter,
        PAGE_SIZE + 1,
        super::page_offset(page, PAGE_SIZE),
    )?;
    let more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    Ok((rows.into_iter().map(row).collect(), more))
}

/// What the filters offer: every user as (id, name), and the kinds of action recorded.
pub struct Choices {
    pub people: Vec<(String, String)>,
    pub kinds: Vec<String>,
}

pub fn choices(app: &App) -> Result<Choices, AppError> {
    let mut conn = app.conn()?;
    let people = store::users::all(&mut conn)?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    Ok(Choices {
        people,
        kinds: store::audit::kinds(&mut conn)?,
    })
}

/// The filtered trail as CSV (header row first, newest first). Cells that a spreadsheet
/// would run as a formula are prefixed with `'`.
pub fn csv(app: &App, filter: &AuditFilter) -> Result<String, AppError> {
    let mut conn = app.conn()?;
    let rows = store::audit::filtered(&mut conn, filter, CSV_LIMIT, 0)?;
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| AppError::Invalid(format!("csv: {e}"));
    w.write_record(["at_utc", "who", "ip", "action", "ticket", "details"])
        .map_err(fail)?;
    for r in rows.into_iter().map(row) {
        let ticket = r.ticket.map(|n| n.to_string()).unwrap_or_default();
        w.write_record([&r.at, &r.who, &r.ip, &r.kind, &ticket, &r.data].map(|v| defuse(v)))
            .map_err(fail)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| AppError::Invalid(format!("csv: {e}")))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn defuse(v: &str) -> String {
    if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{v}")
    } else {
        v.to_string()
    }
}
