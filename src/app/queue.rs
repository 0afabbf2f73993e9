//! The agent queue as the console shows it: views with counts, filters, search, pages.

use chrono::NaiveDateTime;

use crate::domain::ticket::Status;
use crate::store::queue::QueueFilter;
use crate::store::{self, now};

use super::{App, AppError};

pub const PAGE_SIZE: i64 = 50;

const OPEN: &[&str] = &[
    "pending_review",
    "escalated",
    "in_progress",
    "waiting_on_customer",
];

/// The named views, in display order: key, label, statuses, only mine.
pub const VIEWS: &[(&str, &str, &[&str], bool)] = &[
    ("open", "All open", OPEN, false),
    ("review", "Needs review", &["pending_review"], false),
    ("escalated", "Escalated", &["escalated"], false),
    ("mine", "Mine", OPEN, true),
    ("in_progress", "In progress", &["in_progress"], false),
    (
        "waiting",
        "Waiting on customer",
        &["waiting_on_customer"],
        false,
    ),
    ("all", "All tickets", &[], false),
];

/// What the agent asked for.
#[derive(Clone, Debug, Default)]
pub struct QueueQuery {
    pub view: String,
    pub intent: Option<String>,
    pub language: Option<String>,
    pub channel: Option<String>,
    pub assignee: Option<String>,
    pub search: Option<String>,
    pub page: i64,
}

pub struct QueueItem {
    pub number: i64,
    pub subject: String,
    pub customer: String,
    pub status: String,
    pub status_label: &'static str,
    pub intent: String,
    pub language: String,
    pub channel: String,
    pub confidence: Option<String>,
    pub decision: Option<String>,
    pub waited: String,
    pub assignee: Option<String>,
}

pub struct ViewCount {
    pub key: &'static str,
    pub label: &'static str,
    pub count: i64,
}

pub struct QueueView {
    pub view: &'static str,
    pub items: Vec<QueueItem>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub counts: Vec<ViewCount>,
    pub intents: Vec<String>,
    pub languages: Vec<String>,
    pub agents: Vec<(String, String)>,
}

/// "4 min", "2 h 5 min", "3 d 4 h".
pub fn human_duration(minutes: i64) -> String {
    let m = minutes.max(0);
    match m {
        0 => "just now".into(),
        1..=59 => format!("{m} min"),
        60..=1439 => format!("{} h {} min", m / 60, m % 60),
        _ => format!("{} d {} h", m / 1440, (m % 1440) / 60),
    }
}

pub fn load(app: &App, user_id: &str, q: &QueueQuery) -> Result<QueueView, AppError> {
    let mut conn = app.conn()?;
    let (view, _, statuses, mine) = VIEWS
        .iter()
        .copied()
        .find(|v| v.0 == q.view)
        .unwrap_or(VIEWS[0]);
    let filter = QueueFilter {
        statuses: statuses.iter().map(|s| s.to_string()).collect(),
        intent: q.intent.clone().filter(|s| !s.is_empty()),
        language: q.language.clone().filter(|s| !s.is_empty()),
        channel: q.channel.clone().filter(|s| !s.is_empty()),
        assignee: if mine {
            Some(user_id.to_string())
        } else {
            q.assignee
                .clone()
                .map(|a| if a == "none" { String::new() } else { a })
                .filter(|a| a != "any")
        },
        search: q.search.clone(),
    };
    let requested = q.page.max(1);
    let (mut rows, total) =
        store::queue::page(&mut conn, &filter, PAGE_SIZE, (requested - 1) * PAGE_SIZE)?;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let page = requested.min(pages);
    if page != requested {
        rows = store::queue::page(&mut conn, &filter, PAGE_SIZE, (page - 1) * PAGE_SIZE)?.0;
    }
    let ids: Vec<String> = rows.iter().map(|(t, _)| t.id.clone()).collect();
    let drafts = store::queue::pending_drafts(&mut conn, &ids)?;
    let assignee_ids: Vec<String> = rows
        .iter()
        .filter_map(|(t, _)| t.assignee_id.clone())
        .collect();
    let names = store::queue::user_names(&mut conn, &assignee_ids)?;
    let at = now();
    let waited = |since: NaiveDateTime| human_duration((at - since).num_minutes());
    let items = rows
        .into_iter()
        .map(|(t, c)| {
            let draft = drafts.iter().find(|d| d.ticket_id == t.id);
            let status = Status::parse(&t.status).unwrap_or(Status::New);
            QueueItem {
                number: t.number,
                subject: t.subject,
                customer: c
                    .name
                    .map(|n| format!("{n} <{}>", c.email))
                    .unwrap_or(c.email),
                status_label: status.label(),
                status: t.status,
                intent: t.intent.unwrap_or_default(),
                language: t.language.unwrap_or_default(),
                channel: t.channel,
                confidence: draft.map(|d| format!("{:.2}", d.confidence)),
                decision: draft.map(|d| d.decision.clone()),
                waited: waited(t.waiting_since.unwrap_or(t.created_at)),
                assignee: t
                    .assignee_id
                    .and_then(|id| names.iter().find(|(i, _)| *i == id).map(|(_, n)| n.clone())),
            }
        })
        .collect();
    let by_status = store::queue::count_by_status(&mut conn, OPEN)?;
    let count_of = |statuses: &[&str]| {
        by_status
            .iter()
            .filter(|(s, _)| statuses.contains(&s.as_str()))
            .map(|(_, n)| n)
            .sum::<i64>()
    };
    let mut counts = Vec::new();
    for (key, label, statuses, mine) in VIEWS.iter().copied().filter(|v| v.0 != "all") {
        let count = if mine {
            store::queue::count_assigned(&mut conn, user_id, OPEN)?
        } else {
            count_of(statuses)
        };
        counts.push(ViewCount { key, label, count });
    }
    let (intents, languages) = store::queue::known_intents_and_languages(&mut conn)?;
    Ok(QueueView {
        view,
        items,
        total,
        page,
        pages,
        counts,
        intents,
        languages,
        agents: store::users::all(&mut conn)?
            .into_iter()
            .filter(|u| u.active)
            .map(|u| (u.id, u.name))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_people_say_them() {
        assert_eq!(human_duration(0), "just now");
        assert_eq!(human_duration(7), "7 min");
        assert_eq!(human_duration(125), "2 h 5 min");
        assert_eq!(human_duration(3 * 1440 + 250), "3 d 4 h");
    }
}
