//! The audit trail as admins read it: who saw and changed what, when, from where.

use crate::store;

use super::{App, AppError};

pub const PAGE_SIZE: i64 = 100;

pub struct AuditRow {
    pub at: String,
    pub who: String,
    pub ip: String,
    pub kind: String,
    pub ticket: Option<i64>,
    pub data: String,
}

/// One page of the trail and whether older entries exist.
pub fn page(app: &App, page: i64) -> Result<(Vec<AuditRow>, bool), AppError> {
    let mut conn = app.conn()?;
    let page = page.max(1);
    let mut rows = store::events::audit_page(&mut conn, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)?;
    let more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    Ok((
        rows.into_iter()
            .map(|(e, name, number)| AuditRow {
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
            })
            .collect(),
        more,
    ))
}
