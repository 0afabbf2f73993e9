//! The agent queue as the console shows it: views with counts, filters, search, pages;
//! and "Sent automatically", where a supervisor spot-checks automated answers and marks
//! a wrong one.

use chrono::NaiveDateTime;
use serde_json::json;

use crate::domain::reasons;
use crate::domain::ticket::Status;
use crate::store::models::DraftRow;
use crate::store::queue::{AutomatedFilter, QueueFilter};
use crate::store::{self, now};

use super::actions::ActingUser;
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

/// The view of automated answers (not a status view: listed by draft, newest first).
pub const AUTOMATED: (&str, &str) = ("automated", "Sent automatically");

/// Confidence bands of the "Sent automatically" filter: key, label, `[lo, hi)`.
pub const BANDS: &[(&str, &str, f64, f64)] = &[
    ("95", "0.95 and above", 0.95, 1.01),
    ("90", "0.90–0.95", 0.90, 0.95),
    ("80", "0.80–0.90", 0.80, 0.90),
    ("0", "below 0.80", 0.0, 0.80),
];

/// What the agent asked for.
#[derive(Clone, Debug, Default)]
pub struct QueueQuery {
    pub view: String,
    pub intent: Option<String>,
    pub language: Option<String>,
    pub channel: Option<String>,
    pub assignee: Option<String>,
    pub tag: Option<String>,
    pub priority: Option<String>,
    pub search: Option<String>,
    /// A key of [`BANDS`] ("Sent automatically" only).
    pub band: Option<String>,
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
    /// The same in minutes (the console writes it in the agent's language).
    pub waited_minutes: i64,
    pub assignee: Option<String>,
    /// Why a person has it, in short plain words (from the pending draft).
    pub reason: Option<String>,
    pub priority: String,
    pub tags: Vec<String>,
}

/// One automated answer in "Sent automatically".
pub struct AutomatedItem {
    pub draft_id: String,
    pub number: i64,
    pub subject: String,
    pub customer: String,
    pub intent: String,
    pub language: String,
    pub confidence: String,
    pub sent: String,
    /// The answer's first words.
    pub excerpt: String,
    pub marked_wrong: bool,
}

pub struct ViewCount {
    pub key: &'static str,
    pub label: &'static str,
    pub count: i64,
}

pub struct QueueView {
    pub view: &'static str,
    pub items: Vec<QueueItem>,
    /// The rows of "Sent automatically" (empty in the other views).
    pub automated: Vec<AutomatedItem>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub counts: Vec<ViewCount>,
    pub intents: Vec<String>,
    pub languages: Vec<String>,
    pub agents: Vec<(String, String)>,
    /// Tags in use, most used first (the filter menu).
    pub tags: Vec<String>,
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

/// Why a draft waits for a person, in the words a new agent understands.
pub fn plain_reason(d: &DraftRow) -> String {
    let flags: Vec<String> = serde_json::from_str(&d.risk_flags).unwrap_or_default();
    reasons::headline(&d.decision, &flags).to_string()
}

fn opt(s: &Option<String>) -> Option<String> {
    s.clone().filter(|s| !s.trim().is_empty())
}

fn pages_of(total: i64) -> i64 {
    ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1)
}

pub fn load(app: &App, user_id: &str, q: &QueueQuery) -> Result<QueueView, AppError> {
    let mut conn = app.conn()?;
    if q.view == AUTOMATED.0 {
        return load_automated(&mut conn, user_id, q);
    }
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
        tag: q.tag.clone().filter(|s| !s.is_empty()),
        priority: q.priority.clone().filter(|s| !s.is_empty()),
        search: q.search.clone(),
        search_hits: None,
    };
    let requested = q.page.max(1);
    let (mut rows, total) =
        store::queue::page(&mut conn, &filter, PAGE_SIZE, super::page_offset(requested, PAGE_SIZE))?;
    let pages = pages_of(total);
    let page = requested.min(pages);
    if page != requested {
        rows = store::queue::page(&mut conn, &filter, PAGE_SIZE, super::page_offset(page, PAGE_SIZE))?.0;
    }
    let ids: Vec<String> = rows.iter().map(|(t, _)| t.id.clone()).collect();
    let drafts = store::queue::pending_drafts(&mut conn, &ids)?;
    let assignee_ids: Vec<String> = rows
        .iter()
        .filter_map(|(t, _)| t.assignee_id.clone())
        .collect();
    let names = store::queue::user_names(&mut conn, &assignee_ids)?;
    let mut labels = store::organize::labels_for(&mut conn, &ids)?;
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
                confidence: draft.map(|d| shown_confidence(d.confidence)),
                decision: draft.map(|d| d.decision.clone()),
                waited: waited(t.waiting_since.unwrap_or(t.created_at)),
                waited_minutes: (at - t.waiting_since.unwrap_or(t.created_at)).num_minutes(),
                assignee: t
                    .assignee_id
                    .and_then(|id| names.iter().find(|(i, _)| *i == id).map(|(_, n)| n.clone())),
                reason: draft.map(plain_reason),
                priority: labels.get(&t.id).map(|l| l.0.clone()).unwrap_or_default(),
                tags: labels.remove(&t.id).map(|l| l.1).unwrap_or_default(),
            }
        })
        .collect();
    let counts = view_counts(&mut conn, user_id)?;
    let (intents, languages) = store::queue::known_intents_and_languages(&mut conn)?;
    Ok(QueueView {
        view,
        items,
        automated: Vec::new(),
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
        tags: store::organize::known_tags(&mut conn)?,
    })
}

/// The first ticket of `view` (as the queue orders it) other than `except`: what opens
/// after a send when the agent asked for that. Unknown views mean the default one.
pub fn next_in_view(
    app: &App,
    user_id: &str,
    view: &str,
    except: i64,
) -> Result<Option<i64>, AppError> {
    let (_, _, statuses, mine) = VIEWS
        .iter()
        .copied()
        .find(|v| v.0 == view)
        .unwrap_or(VIEWS[0]);
    let filter = QueueFilter {
        statuses: statuses.iter().map(|s| s.to_string()).collect(),
        assignee: mine.then(|| user_id.to_string()),
        ..QueueFilter::default()
    };
    let mut conn = app.conn()?;
    let (rows, _) = store::queue::page(&mut conn, &filter, 2, 0)?;
    Ok(rows.into_iter().map(|(t, _)| t.number).find(|n| *n != except))
}

/// The count of every view, "All tickets" and "Sent automatically" included.
/// Folds the ticket counts' pending deltas (PostgreSQL; see `store::counts`).
pub fn fold_counts(app: &App) -> Result<usize, AppError> {
    Ok(store::counts::compact(&mut *app.conn()?)?)
}

/// Indexes the messages still waiting for the search index: SQLite's queue, PostgreSQL's marks
/// (see `store::search`).
pub fn index_searches(app: &App) -> Result<(), AppError> {
    Ok(store::search::drain_in_background(&mut *app.conn()?)?)
}

/// The database's housekeeping (see `store::upkeep`): grown tables analysed; on
/// PostgreSQL with its autovacuum off, also the folded deltas' space reused.
pub fn upkeep(app: &App) -> Result<store::upkeep::Upkeep, AppError> {
    let done = store::upkeep::run(&mut *app.conn()?)?;
    if !done.analyzed.is_empty() {
        tracing::info!(tables = ?done.analyzed, "PostgreSQL's autovacuum is off: analysed grown tables");
    }
    Ok(done)
}

/// The churning tables' space reused (see `store::upkeep::vacuum_churning`).
pub fn vacuum_churning(app: &App) -> Result<bool, AppError> {
    Ok(store::upkeep::vacuum_churning(&mut *app.conn()?)?)
}

fn view_counts(conn: &mut store::DbConn, user_id: &str) -> Result<Vec<ViewCount>, AppError> {
    // Every status at once: each view's count (and "All tickets", no statuses) is a sum.
    let by_status = store::queue::count_by_status(conn, &[])?;
    let count_of = |statuses: &[&str]| {
        by_status
            .iter()
            .filter(|(s, _)| statuses.is_empty() || statuses.contains(&s.as_str()))
            .map(|(_, n)| n)
            .sum::<i64>()
    };
    let mut counts = Vec::new();
    for (key, label, statuses, mine) in VIEWS.iter().copied() {
        let count = if mine {
            store::queue::count_assigned(conn, user_id, OPEN)?
        } else {
            count_of(statuses)
        };
        counts.push(ViewCount { key, label, count });
    }
    counts.push(ViewCount {
        key: AUTOMATED.0,
        label: AUTOMATED.1,
        count: store::queue::count_automated(conn)?,
    });
    Ok(counts)
}

/// A confidence as the lists show it: whole percents rounded down, as the bands and the
/// supervisor's figures count them (0.947 read "0.95" in the band "0.90–0.95"). The
/// engine's f32 is kept as an f64 (0.95 as 0.94999998…): a millionth is forgiven.
fn shown_confidence(c: f64) -> String {
    format!("{:.2}", ((c + 1e-6) * 100.0).floor() / 100.0)
}

/// The `[lo, hi)` a band filters on, a millionth lower (see [`shown_confidence`]).
fn band_range(key: &str) -> Option<(f64, f64)> {
    BANDS
        .iter()
        .find(|b| b.0 == key)
        .map(|b| (b.2 - 1e-6, b.3 - 1e-6))
}

fn load_automated(
    conn: &mut store::DbConn,
    user_id: &str,
    q: &QueueQuery,
) -> Result<QueueView, AppError> {
    let filter = AutomatedFilter {
        intent: opt(&q.intent),
        language: opt(&q.language),
        confidence: q.band.as_deref().and_then(band_range),
        search: opt(&q.search),
    };
    let requested = q.page.max(1);
    let (mut rows, total) =
        store::queue::automated_page(conn, &filter, PAGE_SIZE, super::page_offset(requested, PAGE_SIZE))?;
    let pages = pages_of(total);
    let page = requested.min(pages);
    if page != requested {
        rows = store::queue::automated_page(conn, &filter, PAGE_SIZE, super::page_offset(page, PAGE_SIZE))?.0;
    }
    let automated = rows
        .into_iter()
        .map(|(d, t, c)| {
            let mut excerpt: String = d.body.split_whitespace().collect::<Vec<_>>().join(" ");
            if excerpt.chars().count() > 140 {
                excerpt = excerpt.chars().take(140).collect::<String>() + "…";
            }
            AutomatedItem {
                draft_id: d.id,
                number: t.number,
                subject: t.subject,
                customer: c.email,
                intent: d.intent.unwrap_or_default(),
                language: d.language,
                confidence: shown_confidence(d.confidence),
                sent: d.created_at.format("%Y-%m-%d %H:%M").to_string(),
                excerpt,
                marked_wrong: d.status == store::queue::MARKED_WRONG,
            }
        })
        .collect();
    let counts = view_counts(conn, user_id)?;
    let (intents, languages) = store::queue::known_intents_and_languages(conn)?;
    Ok(QueueView {
        view: AUTOMATED.0,
        items: Vec::new(),
        automated,
        total,
        page,
        pages,
        counts,
        intents,
        languages,
        agents: Vec::new(),
        tags: Vec::new(),
    })
}

/// Marks an automated answer wrong: an error of automation in the metrics, a negative
/// example for the engine's learning, and an audited event on the ticket.
pub fn mark_wrong(app: &App, draft_id: &str, by: &ActingUser) -> Result<i64, AppError> {
    let mut conn = app.conn()?;
    let number = store::transaction(&mut conn, |c| -> Result<i64, AppError> {
        let draft = store::queue::mark_automation_wrong(c, draft_id)?;
        let ticket = store::tickets::get(c, &draft.ticket_id)?;
        store::events::record(
            c,
            Some(&draft.ticket_id),
            "automation_marked_wrong",
            &by.actor(),
            json!({"draft": draft.id, "intent": draft.intent, "confidence": draft.confidence}),
        )?;
        Ok(ticket.number)
    })?;
    app.request_retrain();
    Ok(number)
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

    #[test]
    fn a_confidence_reads_as_the_band_it_is_listed_in() {
        // The engine's 0.95 as stored (an f32 kept as an f64).
        let stored = f64::from(0.95_f32);
        assert!(stored < 0.95);
        assert_eq!(shown_confidence(stored), "0.95");
        let band = |c: f64| {
            BANDS.iter().map(|b| b.0).find(|k| {
                let (lo, hi) = band_range(k).unwrap();
                c >= lo && c < hi
            })
        };
        assert_eq!(band(stored), Some("95"));
        assert_eq!(shown_confidence(0.947), "0.94");
        assert_eq!(band(0.947), Some("90"));
    }
}
