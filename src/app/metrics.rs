//! Supervisor metrics, calibration and the automation dial.
//!
//! Definitions (the supervisor page says the same in words):
//! - the period is `[from, to)`; tickets count by `created_at`, triage decisions (drafts)
//!   by their `created_at`, edit sizes and rejection reasons by the event's time;
//! - automation rate = drafts auto-sent / all triage decisions; escalation rate = the
//!   rest (review or escalate), split by the most decisive reason in the draft's flags;
//! - review outcomes come from the draft's status: `approved` = approved unchanged,
//!   `edited`, `set_aside` = taken over, `rejected*` = rejected;
//! - medians and p90s are nearest-rank percentiles over whole minutes (the median of an
//!   even count is the lower middle value);
//! - a ticket is "automated" when one of its drafts was auto-sent;
//! - reopen rate = automated answers that were sent and that the customer wrote back to
//!   within 7 days of the sending (the message that triggered the answer never counts);
//!   "asked for a person" = of those, the write-backs triage flagged `human_requested`;
//! - marked wrong = automated answers a supervisor marked wrong afterwards (draft status
//!   `marked_wrong`): errors of automation;
//! - hours saved = automated answers × the median handling time of a person for the
//!   same intent (from first `ticket_viewed` to the draft decision, in seconds), falling
//!   back to the overall median, then to `TANDEM_MINUTES_PER_TICKET`;
//! - a rate resting on fewer than [`SMALL_SAMPLE`] cases is shown with a note.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::time::Instant;

use chrono::{Duration, NaiveDate, NaiveDateTime, Timelike};
use serde_json::json;

use crate::store::metrics::{self as q, Dims};
use crate::store::{self, DbConn};
use crate::triage::Settings;

use super::actions::ActingUser;
use super::{App, AppError};

// ---------------------------------------------------------------------------------------
// Period

/// The period a dashboard covers: `[from, to)`, by hour when it spans at most two days.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDateTime,
    pub to: NaiveDateTime,
}

impl Period {
    pub fn new(from: NaiveDateTime, to: NaiveDateTime) -> Period {
        Period { from, to }
    }

    /// The last `days` calendar days (UTC), today included up to `now` rounded up to the
    /// next whole hour. Whole days, so the chart's first day is a whole day rather than
    /// the tail of one (and is read from the daily sums).
    pub fn last_days(now: NaiveDateTime, days: i64) -> Period {
        let today = now.date().and_time(chrono::NaiveTime::MIN);
        Period {
            from: today - Duration::days(days.max(1) - 1),
            to: ceil_hour(now),
        }
    }

    /// From query parameters: `YYYY-MM-DD` (a day; `to` includes that whole day) or
    /// `YYYY-MM-DDTHH:MM[:SS]`. Neither = the last seven calendar days ([`Period::last_days`]);
    /// missing `to` = now; missing `from` = seven days before `to`.
    pub fn parse(
        from: Option<&str>,
        to: Option<&str>,
        now: NaiveDateTime,
    ) -> Result<Period, AppError> {
        let from = from.map(str::trim).filter(|s| !s.is_empty());
        let to = to.map(str::trim).filter(|s| !s.is_empty());
        if from.is_none() && to.is_none() {
            return Ok(Period::last_days(now, 7));
        }
        let to = match to {
            Some(s) => parse_time(s, true)?,
            None => ceil_hour(now),
        };
        let from = match from {
            Some(s) => parse_time(s, false)?,
            None => to - Duration::days(7),
        };
        if from >= to {
            return Err(AppError::Invalid(
                "the period must end after it starts".into(),
            ));
        }
        if to - from > Duration::days(800) {
            return Err(AppError::Invalid(
                "choose a period of at most 800 days".into(),
            ));
        }
        Ok(Period { from, to })
    }

    pub fn hourly(&self) -> bool {
        self.to - self.from <= Duration::days(2)
    }

    /// The bucket labels of the period, in order (as the store formats them).
    pub fn buckets(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.hourly() {
            let mut t = self
                .from
                .date()
                .and_hms_opt(self.from.hour(), 0, 0)
                .unwrap_or(self.from);
            while t < self.to {
                out.push(t.format("%Y-%m-%d %H").to_string());
                t += Duration::hours(1);
            }
        } else {
            let mut d = self.from.date();
            while d.and_hms_opt(0, 0, 0).is_some_and(|t| t < self.to) {
                out.push(d.format("%Y-%m-%d").to_string());
                match d.succ_opt() {
                    Some(n) => d = n,
                    None => break,
                }
            }
        }
        out
    }

    /// The values for the form's date fields.
    pub fn from_param(&self) -> String {
        self.from.format("%Y-%m-%dT%H:%M").to_string()
    }
    pub fn to_param(&self) -> String {
        self.to.format("%Y-%m-%dT%H:%M").to_string()
    }
}

fn ceil_hour(t: NaiveDateTime) -> NaiveDateTime {
    let floor = t.date().and_hms_opt(t.hour(), 0, 0).unwrap_or(t);
    if floor == t {
        t
    } else {
        floor + Duration::hours(1)
    }
}

fn parse_time(s: &str, end_of_day: bool) -> Result<NaiveDateTime, AppError> {
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let d = if end_of_day {
            d.succ_opt().unwrap_or(d)
        } else {
            d
        };
        return Ok(d.and_hms_opt(0, 0, 0).expect("midnight"));
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Ok(t);
        }
    }
    Err(AppError::Invalid(format!(
        "{s:?} is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM)"
    )))
}

// ---------------------------------------------------------------------------------------
// Figures

/// Counts by value (minutes, characters): percentiles without the rows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Hist(pub BTreeMap<i64, i64>);

impl Hist {
    pub fn add(&mut self, value: i64, n: i64) {
        *self.0.entry(value).or_default() += n;
    }
    pub fn merge(&mut self, other: &Hist) {
        for (&value, &n) in &other.0 {
            self.add(value, n);
        }
    }
    pub fn count(&self) -> i64 {
        self.0.values().sum()
    }
    /// Nearest-rank percentile: the smallest value with at least `p` of the counts at or
    /// below it.
    pub fn percentile(&self, p: f64) -> Option<i64> {
        let total = self.count();
        if total == 0 {
            return None;
        }
        let rank = ((p * total as f64).ceil() as i64).clamp(1, total);
        let mut seen = 0;
        for (v, n) in &self.0 {
            seen += n;
            if seen >= rank {
                return Some(*v);
            }
        }
        None
    }
    pub fn median(&self) -> Option<i64> {
        self.percentile(0.5)
    }
    pub fn p90(&self) -> Option<i64> {
        self.percentile(0.9)
    }
}

/// Escalation reasons, in the order the page lists them.
pub const REASONS: &[(&str, &str)] = &[
    ("low_confidence", "low confidence"),
    ("human_requested", "asked for a person"),
    ("risk_flag", "risk flag"),
    ("no_article", "no article"),
    ("language_not_covered", "language not covered"),
    ("repeat_contact", "repeat contact"),
    ("other", "other"),
];

/// Rejection reasons recorded by the console.
pub const REJECT_REASONS: &[&str] = &[
    "wrong_intent",
    "wrong_facts",
    "tone",
    "needs_action",
    "other",
];

/// Every number of one row of the dashboard (the total, or one intent, language, …).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Figures {
    pub tickets_in: i64,
    pub decisions: i64,
    pub auto_sent: i64,
    pub review: i64,
    pub escalate: i64,
    /// Drafts not auto-sent, by primary reason.
    pub reasons: BTreeMap<String, i64>,
    pub approved: i64,
    pub edited: i64,
    pub taken_over: i64,
    pub rejected: i64,
    pub rejected_by_reason: BTreeMap<String, i64>,
    pub edit_sizes: Hist,
    pub first_response_auto: Hist,
    pub first_response_human: Hist,
    pub resolution_auto: Hist,
    pub resolution_human: Hist,
    pub backlog: i64,
    pub oldest_waiting_since: Option<NaiveDateTime>,
    /// Automated answers that were sent (the reopen rate's denominator).
    pub auto_answers_followed: i64,
    pub reopened: i64,
    /// Of those, the answers sent more than [`REOPEN_WINDOW_DAYS`] ago, and how many of
    /// them were reopened: whether the others stay resolved is not known yet.
    pub answers_past_window: i64,
    pub reopened_past_window: i64,
    /// Customers who asked for a person within 7 days of an automated answer.
    pub asked_person: i64,
    /// Automated answers a supervisor marked wrong.
    pub marked_wrong: i64,
    pub minutes_saved: f64,
}

/// Below this many cases a rate is shown with a sample-size note.
pub const SMALL_SAMPLE: i64 = 30;

fn ratio(n: i64, d: i64) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

impl Figures {
    pub fn to_person(&self) -> i64 {
        self.review + self.escalate
    }
    pub fn automation_rate(&self) -> Option<f64> {
        ratio(self.auto_sent, self.decisions)
    }
    pub fn escalation_rate(&self) -> Option<f64> {
        ratio(self.to_person(), self.decisions)
    }
    pub fn reason_rate(&self, reason: &str) -> Option<f64> {
        ratio(
            self.reasons.get(reason).copied().unwrap_or(0),
            self.decisions,
        )
    }
    pub fn reviewed(&self) -> i64 {
        self.approved + self.edited + self.taken_over + self.rejected
    }
    pub fn reopen_rate(&self) -> Option<f64> {
        ratio(self.reopened, self.auto_answers_followed)
    }
    pub fn asked_person_rate(&self) -> Option<f64> {
        ratio(self.asked_person, self.auto_answers_followed)
    }
    pub fn marked_wrong_rate(&self) -> Option<f64> {
        ratio(self.marked_wrong, self.auto_sent)
    }
    /// Automated answers the customer did not come back to within 7 days, of those whose
    /// 7 days are over (an answer sent an hour ago has not stayed resolved yet).
    pub fn stayed_resolved_rate(&self) -> Option<f64> {
        ratio(self.reopened_past_window, self.answers_past_window).map(|r| 1.0 - r)
    }
    pub fn hours_saved(&self) -> f64 {
        self.minutes_saved / 60.0
    }
    pub fn oldest_wait_minutes(&self, now: NaiveDateTime) -> Option<i64> {
        self.oldest_waiting_since
            .map(|t| (now - t).num_minutes().max(0))
    }
}

/// One point of the time series.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SeriesPoint {
    pub bucket: String,
    pub tickets_in: i64,
    pub decisions: i64,
    pub auto_sent: i64,
    pub to_person: i64,
}

impl SeriesPoint {
    pub fn automation_rate(&self) -> Option<f64> {
        ratio(self.auto_sent, self.decisions)
    }
}

/// The dimensions of the breakdowns.
pub const DIMENSIONS: &[(&str, &str)] = &[
    ("intent", "Intent"),
    ("language", "Language"),
    ("channel", "Channel"),
    ("agent", "Agent"),
];

/// Everything the supervisor page shows for a period.
#[derive(Clone, Debug)]
pub struct Dashboard {
    pub period: Period,
    pub generated_at: NaiveDateTime,
    pub total: Figures,
    pub series: Vec<SeriesPoint>,
    /// Dimension name → (value label → figures), sorted by label.
    pub breakdowns: BTreeMap<String, Vec<(String, Figures)>>,
    /// Handling seconds used for the hours saved: the overall median and per intent.
    pub handling_seconds_overall: Option<i64>,
    pub handling_by_intent: BTreeMap<String, i64>,
    pub minutes_per_ticket_fallback: i64,
}

impl Dashboard {
    pub fn breakdown(&self, dim: &str) -> &[(String, Figures)] {
        self.breakdowns.get(dim).map(Vec::as_slice).unwrap_or(&[])
    }
    pub fn row(&self, dim: &str, value: &str) -> Option<&Figures> {
        self.breakdown(dim)
            .iter()
            .find(|(v, _)| v == value)
            .map(|(_, f)| f)
    }
}

/// Folds rows into the total and the four breakdowns.
/// Each agent's label in the breakdowns, by user id: their name, and their address too
/// where two share a name (their figures were added up in one row).
fn agent_labels(users: Vec<(String, String, String)>) -> HashMap<String, String> {
    let mut uses: HashMap<String, usize> = HashMap::new();
    for (_, name, _) in &users {
        *uses.entry(name.trim().to_lowercase()).or_default() += 1;
    }
    users
        .into_iter()
        .map(|(id, name, email)| {
            let label = if uses[&name.trim().to_lowercase()] > 1 {
                format!("{name} ({email})")
            } else {
                name
            };
            (id, label)
        })
        .collect()
}

struct Folder<'a> {
    total: Figures,
    dims: [HashMap<String, Figures>; 4],
    names: &'a HashMap<String, String>,
}

const NONE_LABEL: &str = "(none)";

impl<'a> Folder<'a> {
    fn new(names: &'a HashMap<String, String>) -> Self {
        Folder {
            total: Figures::default(),
            dims: Default::default(),
            names,
        }
    }

    fn labels(&self, d: &Dims) -> [String; 4] {
        let l = |v: &Option<String>| v.clone().unwrap_or_else(|| NONE_LABEL.to_string());
        let agent = match &d.agent {
            Some(id) => self.names.get(id).cloned().unwrap_or_else(|| id.clone()),
            None => NONE_LABEL.to_string(),
        };
        [l(&d.intent), l(&d.language), l(&d.channel), agent]
    }

    /// Applies `f` to the total and to each dimension's row of `d`.
    fn apply(&mut self, d: &Dims, mut f: impl FnMut(&mut Figures)) {
        f(&mut self.total);
        let labels = self.labels(d);
        for (map, label) in self.dims.iter_mut().zip(labels) {
            f(map.entry(label).or_default());
        }
    }

    fn finish(self) -> (Figures, BTreeMap<String, Vec<(String, Figures)>>) {
        let mut out = BTreeMap::new();
        for ((dim, _), map) in DIMENSIONS.iter().zip(self.dims) {
            let mut rows: Vec<(String, Figures)> = map.into_iter().collect();
            rows.sort_by(|a, b| a.0.cmp(&b.0));
            out.insert(dim.to_string(), rows);
        }
        (self.total, out)
    }
}

/// How long after an automated answer a customer's reply counts as a reopen.
pub const REOPEN_WINDOW_DAYS: i64 = 7;

/// The grouped rows behind a dashboard, as the store returns them.
#[derive(Default)]
struct Raw {
    names: Vec<(String, String, String)>,
    handling: Vec<q::HandlingCount>,
    tickets: Vec<q::DimCount>,
    decisions: Vec<q::DecisionCount>,
    review: Vec<q::ReviewEventCount>,
    durations: Vec<q::DurationCount>,
    backlog: Vec<q::BacklogRow>,
    reopens: Vec<q::ReopenRow>,
    /// The reopens of the answers whose seven days are over.
    settled_reopens: Vec<q::ReopenRow>,
    series: Vec<q::BucketCount>,
}

impl Raw {
    /// Takes the rows another query group fetched (the groups fill different fields).
    fn absorb(&mut self, other: Raw) {
        self.names.extend(other.names);
        self.handling.extend(other.handling);
        self.tickets.extend(other.tickets);
        self.decisions.extend(other.decisions);
        self.review.extend(other.review);
        self.durations.extend(other.durations);
        self.backlog.extend(other.backlog);
        self.reopens.extend(other.reopens);
        self.settled_reopens.extend(other.settled_reopens);
        self.series.extend(other.series);
    }
}

/// The queries, in three groups.
fn fetch(conn: &mut DbConn, period: Period, group: u8, raw: &mut Raw) -> Result<(), AppError> {
    let (from, to) = (period.from, period.to);
    match group {
        0 => {
            raw.durations = q::durations(conn, from, to)?;
            raw.tickets = q::tickets_in(conn, from, to)?;
            raw.series = q::series(conn, from, to, period.hourly())?;
            raw.names = q::user_names(conn)?;
        }
        1 => {
            raw.review = q::review_events(conn, from, to)?;
            raw.handling = q::handling_times(conn, from, to)?;
            raw.backlog = q::backlog(conn)?;
        }
        _ => {
            raw.decisions = q::decisions(conn, from, to)?;
            raw.reopens = q::reopens(conn, from, to)?;
            // Whether an answer stayed resolved is known once its seven days are over.
            let settled = to.min(store::now() - Duration::days(REOPEN_WINDOW_DAYS));
            if settled > from {
                raw.settled_reopens = q::reopens(conn, from, settled)?;
            }
        }
    }
    Ok(())
}

/// Folds the dashboard's pending daily-sum deltas (PostgreSQL; see `store::metrics`).
pub fn fold_rollup(app: &App) -> Result<usize, AppError> {
    Ok(store::metrics::fold_rollup(&mut *app.conn()?)?)
}

/// Recomputes the facts PostgreSQL's triggers marked stale, unless another server is
/// at it (see `store::metrics::settle_facts`).
pub fn settle_facts(app: &App) -> Result<usize, AppError> {
    Ok(store::metrics::settle_facts(&mut *app.conn()?, false)?)
}

/// Computes the dashboard for a period, the queries one after the other on one
/// connection ([`overview`], what the page calls, spreads them over connections).
pub fn dashboard(app: &App, period: Period) -> Result<Dashboard, AppError> {
    let mut conn = app.conn()?;
    dashboard_in(
        &mut conn,
        app.config.minutes_per_ticket,
        period,
        store::now(),
    )
}

pub fn dashboard_in(
    conn: &mut DbConn,
    minutes_per_ticket: i64,
    period: Period,
    now: NaiveDateTime,
) -> Result<Dashboard, AppError> {
    store::metrics::settle_facts(conn, true)?;
    let mut raw = Raw::default();
    for g in 0..3 {
        fetch(conn, period, g, &mut raw)?;
    }
    Ok(build(raw, minutes_per_ticket, period, now))
}

fn build(raw: Raw, minutes_per_ticket: i64, period: Period, now: NaiveDateTime) -> Dashboard {
    let names = agent_labels(raw.names);
    let mut fold = Folder::new(&names);

    // Handling time of a person, for the hours saved.
    let mut by_intent: HashMap<Option<String>, Hist> = HashMap::new();
    let mut overall = Hist::default();
    for r in raw.handling {
        by_intent.entry(r.intent).or_default().add(r.seconds, r.n);
        overall.add(r.seconds, r.n);
    }
    let handling_overall = overall.median();
    let handling_by_intent: BTreeMap<String, i64> = by_intent
        .iter()
        .filter_map(|(k, h)| Some((k.clone()?, h.median()?)))
        .collect();
    let minutes_for = |intent: &Option<String>| -> f64 {
        intent
            .as_ref()
            .and_then(|i| handling_by_intent.get(i).copied())
            .or(handling_overall)
            .map(|s| s as f64 / 60.0)
            .unwrap_or(minutes_per_ticket as f64)
    };

    for r in raw.tickets {
        fold.apply(&r.dims, |f| f.tickets_in += r.n);
    }
    for r in raw.decisions {
        let saved = if r.decision == "auto_send" {
            minutes_for(&r.dims.intent) * r.n as f64
        } else {
            0.0
        };
        fold.apply(&r.dims, |f| {
            f.decisions += r.n;
            match r.decision.as_str() {
                "auto_send" => {
                    f.auto_sent += r.n;
                    f.minutes_saved += saved;
                }
                other => {
                    if other == "escalate" {
                        f.escalate += r.n;
                    } else {
                        f.review += r.n;
                    }
                    *f.reasons.entry(r.reason.clone()).or_default() += r.n;
                }
            }
            match r.status.as_str() {
                "approved" => f.approved += r.n,
                "edited" => f.edited += r.n,
                "set_aside" => f.taken_over += r.n,
                "rejected" | "rejected_wrong_intent" => f.rejected += r.n,
                "marked_wrong" => f.marked_wrong += r.n,
                _ => {}
            }
        });
    }
    for r in raw.review {
        match r.kind.as_str() {
            "draft_edited" => {
                let size = r
                    .value
                    .as_deref()
                    .and_then(|v| v.trim().parse::<f64>().ok());
                if let Some(size) = size {
                    fold.apply(&r.dims, |f| f.edit_sizes.add(size.round() as i64, r.n));
                }
            }
            _ => {
                let reason = r
                    .value
                    .clone()
                    .filter(|s| REJECT_REASONS.contains(&s.as_str()))
                    .unwrap_or_else(|| "other".into());
                fold.apply(&r.dims, |f| {
                    *f.rejected_by_reason.entry(reason.clone()).or_default() += r.n
                });
            }
        }
    }
    // The sums come a row per day and key: merged by key first, each key's histogram is
    // then added to the total and to its four breakdown rows once.
    let mut durations: HashMap<(Dims, i64, bool), Hist> = HashMap::new();
    for r in raw.durations {
        let h = durations.entry((r.dims, r.span, r.automated)).or_default();
        for (minutes, n) in r.values {
            h.add(minutes, n);
        }
    }
    for ((dims, span, automated), hist) in &durations {
        fold.apply(dims, |f| {
            let h = match (span, automated) {
                (0, true) => &mut f.first_response_auto,
                (0, false) => &mut f.first_response_human,
                (_, true) => &mut f.resolution_auto,
                (_, false) => &mut f.resolution_human,
            };
            h.merge(hist)
        });
    }
    for r in raw.backlog {
        fold.apply(&r.dims, |f| {
            f.backlog += r.n;
            f.oldest_waiting_since = match (f.oldest_waiting_since, r.oldest) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        });
    }
    for r in raw.reopens {
        fold.apply(&r.dims, |f| {
            f.auto_answers_followed += r.answered;
            f.reopened += r.reopened;
            f.asked_person += r.asked_person;
        });
    }
    for r in raw.settled_reopens {
        fold.apply(&r.dims, |f| {
            f.answers_past_window += r.answered;
            f.reopened_past_window += r.reopened;
        });
    }
    let (total, breakdowns) = fold.finish();

    let mut points: BTreeMap<String, SeriesPoint> = period
        .buckets()
        .into_iter()
        .map(|b| {
            (
                b.clone(),
                SeriesPoint {
                    bucket: b,
                    ..Default::default()
                },
            )
        })
        .collect();
    for r in raw.series {
        let p = points
            .entry(r.bucket.clone())
            .or_insert_with(|| SeriesPoint {
                bucket: r.bucket.clone(),
                ..Default::default()
            });
        match r.key.as_str() {
            "tickets" => p.tickets_in += r.n,
            "auto_send" => {
                p.decisions += r.n;
                p.auto_sent += r.n;
            }
            _ => {
                p.decisions += r.n;
                p.to_person += r.n;
            }
        }
    }
    Dashboard {
        period,
        generated_at: now,
        total,
        series: points.into_values().collect(),
        breakdowns,
        handling_seconds_overall: handling_overall,
        handling_by_intent,
        minutes_per_ticket_fallback: minutes_per_ticket,
    }
}

/// The dashboard and the calibration of a period (what the supervisor page shows).
pub fn overview(app: &App, period: Period) -> Result<(Dashboard, Calibration), AppError> {
    let mut conn = app.conn()?;
    let settings = super::triage::settings(&app.config, &mut conn)?;
    if matches!(&*conn, DbConn::Sqlite(_)) {
        // Two of SQLite's (at most four) pooled connections: the queries are CPU-bound
        // scans of the facts tables, and WAL lets two readers run on two cores; more
        // would take the connections writers need.
        // The durations (group 0) read the most rows; the calibration goes to the other
        // side.
        let settings = &settings;
        let (raw, c) = std::thread::scope(|scope| {
            let other = scope.spawn(move || -> Result<(Raw, Calibration), AppError> {
                let mut c = app.conn()?;
                let mut raw = Raw::default();
                fetch(&mut c, period, 1, &mut raw)?;
                fetch(&mut c, period, 2, &mut raw)?;
                let calibration = calibration_in(&mut c, settings, period)?;
                Ok((raw, calibration))
            });
            let mut raw = Raw::default();
            fetch(&mut conn, period, 0, &mut raw)?;
            let (rest, c) = other.join().expect("metrics query thread")?;
            raw.absorb(rest);
            Ok::<_, AppError>((raw, c))
        })?;
        return Ok((
            build(raw, app.config.minutes_per_ticket, period, store::now()),
            c,
        ));
    }
    // PostgreSQL serves connections in parallel: the three query groups run side by side
    // on pooled connections while this one computes the calibration. The facts are
    // settled first, so that no group reads them before the others do.
    store::metrics::settle_facts(&mut conn, true)?;
    let (raw, c) = std::thread::scope(|scope| {
        let groups: Vec<_> = (0..3u8)
            .map(|g| {
                scope.spawn(move || -> Result<Raw, AppError> {
                    let mut c = app.conn()?;
                    let mut raw = Raw::default();
                    fetch(&mut c, period, g, &mut raw)?;
                    Ok(raw)
                })
            })
            .collect();
        // Settled above: read without settling again (four round trips).
        let c = calibration_settled(&mut conn, &settings, period);
        let mut raw = Raw::default();
        for handle in groups {
            raw.absorb(handle.join().expect("metrics query thread")?);
        }
        Ok::<_, AppError>((raw, c?))
    })?;
    Ok((
        build(raw, app.config.minutes_per_ticket, period, store::now()),
        c,
    ))
}

// ---------------------------------------------------------------------------------------
// Calibration

/// One confidence band of the reliability chart.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Band {
    /// Lower edge in percent (0, 10, …, 90); the band is `[lo, lo + 10)`, the last
    /// includes 100.
    pub lo: i64,
    pub reviewed: i64,
    pub correct: i64,
}

impl Band {
    pub fn accuracy(&self) -> Option<f64> {
        ratio(self.correct, self.reviewed)
    }
    pub fn label(&self) -> String {
        format!(
            "{:.1}–{:.1}",
            self.lo as f64 / 100.0,
            (self.lo + 10) as f64 / 100.0
        )
    }
}

/// Precision of one intent's reviewed drafts at or above its current auto threshold.
#[derive(Clone, Debug, PartialEq)]
pub struct IntentPrecision {
    pub intent: String,
    pub threshold: f32,
    pub reviewed: i64,
    pub above: i64,
    pub correct_above: i64,
}

impl IntentPrecision {
    pub fn precision(&self) -> Option<f64> {
        ratio(self.correct_above, self.above)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Calibration {
    pub bands: Vec<Band>,
    pub intents: Vec<IntentPrecision>,
    pub settings_auto: f32,
    pub settings_review: f32,
}

fn at_or_above(pct: i64, threshold: f32) -> bool {
    pct as f64 / 100.0 >= threshold as f64 - 1e-6
}

/// The reliability chart (approved unchanged = correct; edited, rejected, taken over =
/// not) and per-intent precision at the thresholds in force, from drafts of the period.
pub fn calibration(app: &App, period: Period) -> Result<Calibration, AppError> {
    let mut conn = app.conn()?;
    let settings = super::triage::settings(&app.config, &mut conn)?;
    calibration_in(&mut conn, &settings, period)
}

pub fn calibration_in(
    conn: &mut DbConn,
    settings: &Settings,
    period: Period,
) -> Result<Calibration, AppError> {
    store::metrics::settle_facts(conn, true)?;
    calibration_settled(conn, settings, period)
}

/// [`calibration_in`] once the facts were settled by the caller.
fn calibration_settled(
    conn: &mut DbConn,
    settings: &Settings,
    period: Period,
) -> Result<Calibration, AppError> {
    let rows = q::draft_scores(conn, period.from, period.to)?;
    Ok(calibrate(&rows, settings))
}

fn calibrate(rows: &[q::DraftScore], settings: &Settings) -> Calibration {
    let mut bands: Vec<Band> = (0..10)
        .map(|i| Band {
            lo: i * 10,
            ..Default::default()
        })
        .collect();
    let mut intents: BTreeMap<String, IntentPrecision> = BTreeMap::new();
    for r in rows {
        if !q::REVIEWED.contains(&r.status.as_str()) {
            continue;
        }
        let correct = r.status == "approved";
        for &(pct, n) in &r.scores {
            let b = &mut bands[(pct / 10).clamp(0, 9) as usize];
            b.reviewed += n;
            if correct {
                b.correct += n;
            }
        }
        let Some(intent) = &r.intent else { continue };
        let threshold = settings.auto_threshold_for(intent);
        let e = intents.entry(intent.clone()).or_insert(IntentPrecision {
            intent: intent.clone(),
            threshold,
            reviewed: 0,
            above: 0,
            correct_above: 0,
        });
        for &(pct, n) in &r.scores {
            e.reviewed += n;
            if at_or_above(pct, threshold) {
                e.above += n;
                if correct {
                    e.correct_above += n;
                }
            }
        }
    }
    Calibration {
        bands,
        intents: intents.into_values().collect(),
        settings_auto: settings.auto_threshold,
        settings_review: settings.review_threshold,
    }
}

// ---------------------------------------------------------------------------------------
// The automation dial

/// What a supervisor proposes on the dial form.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dial {
    pub auto_threshold: f32,
    pub review_threshold: f32,
    /// Intent → auto threshold override.
    pub per_intent: BTreeMap<String, f32>,
    pub disabled_intents: Vec<String>,
    pub disabled_languages: Vec<String>,
    pub never_auto_intents: Vec<String>,
}

impl Dial {
    pub fn from_settings(s: &Settings) -> Dial {
        let sorted = |v: &Vec<String>| {
            let mut v = v.clone();
            v.sort();
            v.dedup();
            v
        };
        Dial {
            auto_threshold: s.auto_threshold,
            review_threshold: s.review_threshold,
            per_intent: s
                .per_intent_auto_threshold
                .iter()
                .map(|(k, v)| (k.clone(), *v))
                .collect(),
            disabled_intents: sorted(&s.disabled_intents),
            disabled_languages: sorted(&s.disabled_languages),
            never_auto_intents: sorted(&s.never_auto_intents),
        }
    }

    /// The policy this dial would put in force, on top of `base`.
    pub fn apply_to(&self, base: &Settings) -> Settings {
        let mut s = base.clone();
        s.auto_threshold = self.auto_threshold;
        s.review_threshold = self.review_threshold;
        s.per_intent_auto_threshold = self.per_intent.clone().into_iter().collect();
        s.disabled_intents = self.disabled_intents.clone();
        s.disabled_languages = self.disabled_languages.clone();
        s.never_auto_intents = self.never_auto_intents.clone();
        s
    }

    pub fn validate(&self) -> Result<(), AppError> {
        let unit = |v: f32| (0.0..=1.0).contains(&v);
        if !unit(self.auto_threshold) || !unit(self.review_threshold) {
            return Err(AppError::Invalid(
                "thresholds are numbers between 0 and 1".into(),
            ));
        }
        if self.review_threshold > self.auto_threshold {
            return Err(AppError::Invalid(
                "the review threshold must not be above the auto-send threshold".into(),
            ));
        }
        // The replay of the dial and the precision per intent count confidence in whole
        // percents: 0.925 would be replayed as 0.93 and sent as 0.925.
        let whole_percent = |v: f32| {
            let p = f64::from(v) * 100.0;
            (p - p.round()).abs() < 1e-3
        };
        if let Some(v) = [self.auto_threshold, self.review_threshold]
            .into_iter()
            .chain(self.per_intent.values().copied())
            .find(|v| !whole_percent(*v))
        {
            return Err(AppError::Invalid(format!(
                "{v} has more than two decimals: thresholds are whole percents (for example {:.2})",
                (f64::from(v) * 100.0).round() / 100.0
            )));
        }
        for (intent, v) in &self.per_intent {
            if !valid_name(intent) {
                return Err(AppError::Invalid(format!(
                    "{intent:?} is not an intent name"
                )));
            }
            if !unit(*v) {
                return Err(AppError::Invalid(format!(
                    "the threshold for {intent} must be between 0 and 1"
                )));
            }
        }
        for name in self
            .disabled_intents
            .iter()
            .chain(&self.disabled_languages)
            .chain(&self.never_auto_intents)
        {
            if !valid_name(name) {
                return Err(AppError::Invalid(format!("{name:?} is not a valid name")));
            }
        }
        Ok(())
    }

    /// The settings rows this dial stores: key → value.
    fn entries(&self) -> BTreeMap<String, String> {
        let mut m = BTreeMap::new();
        m.insert("auto_threshold".into(), fmt_threshold(self.auto_threshold));
        m.insert(
            "review_threshold".into(),
            fmt_threshold(self.review_threshold),
        );
        m.insert("disabled_intents".into(), self.disabled_intents.join(","));
        m.insert(
            "disabled_languages".into(),
            self.disabled_languages.join(","),
        );
        m.insert(
            "never_auto_intents".into(),
            self.never_auto_intents.join(","),
        );
        for (intent, v) in &self.per_intent {
            m.insert(format!("auto_threshold:{intent}"), fmt_threshold(*v));
        }
        m
    }
}

fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// A threshold as stored and shown: at most three decimals, no trailing zeros.
pub fn fmt_threshold(v: f32) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() {
        "0".into()
    } else {
        s.to_string()
    }
}

/// Splits a comma or whitespace separated list.
pub fn parse_list(s: &str) -> Vec<String> {
    let mut v: Vec<String> = s
        .split(|c: char| c == ',' || c.is_whitespace())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    v.sort();
    v.dedup();
    v
}

/// The result of replaying the period's drafts under a policy.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WhatIf {
    pub drafts: i64,
    /// Drafts the policy would send automatically.
    pub would_auto: i64,
    /// Of those, how many a person reviewed, and how many of these they corrected
    /// (edited, rejected, taken over).
    pub reviewed_would_auto: i64,
    pub corrected: i64,
    /// Drafts the policy would escalate (below the review threshold or blocked).
    pub would_escalate: i64,
}

impl WhatIf {
    pub fn auto_rate(&self) -> Option<f64> {
        ratio(self.would_auto, self.drafts)
    }
    pub fn corrected_rate(&self) -> Option<f64> {
        ratio(self.corrected, self.reviewed_would_auto)
    }
    /// "at 0.85, about 64 % would be sent automatically, of which about 1.8 % were
    /// corrected by agents".
    pub fn sentence(&self, threshold: f32) -> String {
        match self.auto_rate() {
            None => "no drafts in this period to replay".into(),
            Some(a) => {
                let mut s = format!(
                    "at {}, about {} would be sent automatically ({} of {} drafts)",
                    fmt_threshold(threshold),
                    pct(a),
                    self.would_auto,
                    self.drafts
                );
                match self.corrected_rate() {
                    Some(c) => {
                        let _ = write!(
                            s,
                            ", of which about {} were corrected by agents ({} of {} reviewed)",
                            pct(c),
                            self.corrected,
                            self.reviewed_would_auto
                        );
                    }
                    None => s.push_str("; none of those were reviewed by a person"),
                }
                s
            }
        }
    }
}

/// A share as a percentage with at most one decimal: "64 %", "1.8 %". Only all reads
/// "100 %" and only none "0 %": 2,499 of 2,500 is "99.9 %", 1 of 2,500 "0.1 %".
pub fn pct(r: f64) -> String {
    let mut v = (r * 1000.0).round() / 10.0;
    if v >= 100.0 && r < 1.0 {
        v = 99.9;
    } else if v <= 0.0 && r > 0.0 {
        v = 0.1;
    }
    if (v - v.round()).abs() < 1e-9 {
        format!("{:.0} %", v)
    } else {
        format!("{:.1} %", v)
    }
}

/// Whether `settings` would auto-send a draft: the same rules as the engine's policy
/// (hard risk flags, disabled intents and languages, never-automated intents, the
/// intent's threshold).
fn would_auto(r: &q::DraftScore, pct: i64, s: &Settings) -> bool {
    let Some(intent) = &r.intent else {
        return false;
    };
    !r.blocked
        && intent != crate::triage::OOS_INTENT
        && !s.disabled_intents.iter().any(|d| d == intent)
        && !s.disabled_languages.contains(&r.language)
        && !s.is_never_auto(intent)
        && at_or_above(pct, s.auto_threshold_for(intent))
}

fn would_escalate(r: &q::DraftScore, pct: i64, s: &Settings) -> bool {
    let Some(intent) = &r.intent else {
        return true;
    };
    r.blocked
        || s.disabled_intents.iter().any(|d| d == intent)
        || s.disabled_languages.contains(&r.language)
        || !at_or_above(pct, s.review_threshold)
}

fn replay(rows: &[q::DraftScore], s: &Settings) -> WhatIf {
    let mut w = WhatIf::default();
    for r in rows {
        for &(pct, n) in &r.scores {
            w.drafts += n;
            if would_auto(r, pct, s) {
                w.would_auto += n;
                if q::REVIEWED.contains(&r.status.as_str()) {
                    w.reviewed_would_auto += n;
                    if r.status != "approved" {
                        w.corrected += n;
                    }
                }
            } else if would_escalate(r, pct, s) {
                w.would_escalate += n;
            }
        }
    }
    w
}

/// Replays the period's drafts under the current policy and under the proposed dial.
pub fn what_if(app: &App, period: Period, dial: &Dial) -> Result<(WhatIf, WhatIf), AppError> {
    let mut conn = app.conn()?;
    let current = super::triage::settings(&app.config, &mut conn)?;
    what_if_in(&mut conn, &current, period, dial)
}

pub fn what_if_in(
    conn: &mut DbConn,
    current: &Settings,
    period: Period,
    dial: &Dial,
) -> Result<(WhatIf, WhatIf), AppError> {
    store::metrics::settle_facts(conn, true)?;
    let rows = q::draft_scores(conn, period.from, period.to)?;
    Ok((
        replay(&rows, current),
        replay(&rows, &dial.apply_to(current)),
    ))
}

/// One stored setting that a save changed.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Change {
    pub key: String,
    pub old: Option<String>,
    pub new: String,
}

/// Stores the dial and records one `settings_changed` event with the old and new values
/// and the supervisor's reason. Triage reads the settings table for every message, so the
/// change takes effect at once in every process. Returns what changed (nothing changed:
/// nothing is stored or recorded).
pub fn save_dial(
    app: &App,
    by: &ActingUser,
    dial: &Dial,
    why: &str,
) -> Result<Vec<Change>, AppError> {
    dial.validate()?;
    let why = why.trim();
    if why.is_empty() {
        return Err(AppError::Invalid(
            "say why you change the automation (it goes into the audit trail)".into(),
        ));
    }
    let mut conn = app.conn()?;
    let config = app.config.clone();
    store::transaction(&mut conn, |c| {
        let before = Dial::from_settings(&super::triage::settings(&config, c)?).entries();
        let mut wanted = dial.entries();
        // An override that is no longer wanted is cleared (settings ignore an empty value).
        for key in before.keys() {
            if key.starts_with("auto_threshold:") && !wanted.contains_key(key) {
                wanted.insert(key.clone(), String::new());
            }
        }
        let mut changes = Vec::new();
        for (key, new) in wanted {
            let old = before.get(&key).cloned();
            if old.as_deref().unwrap_or("") == new {
                continue;
            }
            store::settings::set(c, &key, &new)?;
            changes.push(Change { key, old, new });
        }
        if !changes.is_empty() {
            let old: serde_json::Map<String, serde_json::Value> = changes
                .iter()
                .map(|ch| (ch.key.clone(), json!(ch.old)))
                .collect();
            let new: serde_json::Map<String, serde_json::Value> = changes
                .iter()
                .map(|ch| (ch.key.clone(), json!(ch.new)))
                .collect();
            store::events::record(
                c,
                None,
                "settings_changed",
                &by.actor(),
                json!({"why": why, "changes": changes, "old": old, "new": new}),
            )?;
        }
        Ok(changes)
    })
}

// ---------------------------------------------------------------------------------------
// CSV

fn csv_field(s: &str) -> String {
    // Cells that a spreadsheet would run as a formula are quoted with a leading '.
    let s = if s.starts_with(['=', '+', '-', '@']) && s.parse::<f64>().is_err() {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn opt_num<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn opt_ratio(v: Option<f64>) -> String {
    // Four decimals, more where they would round a rare event away: 4 marked wrong of
    // 150,000 is not 0.0000, nor 1 reopened of 30,000 a 1.0000 stayed resolved.
    v.map(|v| {
        (4..=12)
            .map(|d| format!("{v:.d$}"))
            .find(|t| {
                let shown: f64 = t.parse().unwrap_or(v);
                (shown == 0.0) == (v == 0.0) && (shown == 1.0) == (v == 1.0)
            })
            .unwrap_or_else(|| v.to_string())
    })
    .unwrap_or_default()
}

/// The columns of a figures row in CSV.
pub const FIGURE_COLUMNS: &[&str] = &[
    "tickets_in",
    "decisions",
    "auto_sent",
    "automation_rate",
    "to_person",
    "escalation_rate",
    "low_confidence",
    "human_requested",
    "risk_flag",
    "no_article",
    "language_not_covered",
    "repeat_contact",
    "other_reason",
    "approved_unchanged",
    "edited",
    "median_edit_size",
    "taken_over",
    "rejected",
    "rejected_wrong_intent",
    "rejected_wrong_facts",
    "rejected_tone",
    "rejected_needs_action",
    "first_response_auto_median_min",
    "first_response_auto_p90_min",
    "first_response_human_median_min",
    "first_response_human_p90_min",
    "resolution_auto_median_min",
    "resolution_auto_p90_min",
    "resolution_human_median_min",
    "resolution_human_p90_min",
    "backlog",
    "oldest_waiting_min",
    "auto_answers",
    "reopened_within_7d",
    "reopen_rate",
    "stayed_resolved_rate",
    "asked_person_after_auto",
    "asked_person_rate",
    "auto_marked_wrong",
    "auto_marked_wrong_rate",
    "hours_saved",
];

pub fn figure_values(f: &Figures, now: NaiveDateTime) -> Vec<String> {
    let reason = |k: &str| f.reasons.get(k).copied().unwrap_or(0).to_string();
    let rej = |k: &str| {
        f.rejected_by_reason
            .get(k)
            .copied()
            .unwrap_or(0)
            .to_string()
    };
    vec![
        f.tickets_in.to_string(),
        f.decisions.to_string(),
        f.auto_sent.to_string(),
        opt_ratio(f.automation_rate()),
        f.to_person().to_string(),
        opt_ratio(f.escalation_rate()),
        reason("low_confidence"),
        reason("human_requested"),
        reason("risk_flag"),
        reason("no_article"),
        reason("language_not_covered"),
        reason("repeat_contact"),
        reason("other"),
        f.approved.to_string(),
        f.edited.to_string(),
        opt_num(f.edit_sizes.median()),
        f.taken_over.to_string(),
        f.rejected.to_string(),
        rej("wrong_intent"),
        rej("wrong_facts"),
        rej("tone"),
        rej("needs_action"),
        opt_num(f.first_response_auto.median()),
        opt_num(f.first_response_auto.p90()),
        opt_num(f.first_response_human.median()),
        opt_num(f.first_response_human.p90()),
        opt_num(f.resolution_auto.median()),
        opt_num(f.resolution_auto.p90()),
        opt_num(f.resolution_human.median()),
        opt_num(f.resolution_human.p90()),
        f.backlog.to_string(),
        opt_num(f.oldest_wait_minutes(now)),
        f.auto_answers_followed.to_string(),
        f.reopened.to_string(),
        opt_ratio(f.reopen_rate()),
        opt_ratio(f.stayed_resolved_rate()),
        f.asked_person.to_string(),
        opt_ratio(f.asked_person_rate()),
        f.marked_wrong.to_string(),
        opt_ratio(f.marked_wrong_rate()),
        format!("{:.2}", f.hours_saved()),
    ]
}

fn csv_rows(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut s = header
        .iter()
        .map(|h| csv_field(h))
        .collect::<Vec<_>>()
        .join(",");
    s.push_str("\r\n");
    for row in rows {
        s.push_str(
            &row.iter()
                .map(|v| csv_field(v))
                .collect::<Vec<_>>()
                .join(","),
        );
        s.push_str("\r\n");
    }
    s
}

/// The tables a CSV export offers.
pub const CSV_TABLES: &[&str] = &[
    "totals",
    "reasons",
    "reviews",
    "times",
    "series",
    "intent",
    "language",
    "channel",
    "agent",
    "calibration",
    "precision",
];

/// One table of the page as CSV, or `None` for an unknown table.
pub fn csv(d: &Dashboard, c: &Calibration, table: &str) -> Option<String> {
    let now = d.generated_at;
    Some(match table {
        "totals" => {
            let mut header = vec!["from", "to"];
            header.extend_from_slice(FIGURE_COLUMNS);
            let mut row = vec![
                d.period.from.format("%Y-%m-%d %H:%M:%S").to_string(),
                d.period.to.format("%Y-%m-%d %H:%M:%S").to_string(),
            ];
            row.extend(figure_values(&d.total, now));
            csv_rows(&header, [row])
        }
        "reasons" => {
            let f = &d.total;
            csv_rows(
                &["reason", "drafts", "share_of_decisions"],
                REASONS
                    .iter()
                    .map(|(k, _)| {
                        vec![
                            k.to_string(),
                            f.reasons.get(*k).copied().unwrap_or(0).to_string(),
                            opt_ratio(f.reason_rate(k)),
                        ]
                    })
                    .chain(std::iter::once(vec![
                        "all".into(),
                        f.to_person().to_string(),
                        opt_ratio(f.escalation_rate()),
                    ])),
            )
        }
        "reviews" => {
            let f = &d.total;
            let reviewed = f.reviewed();
            let share = |n: i64| opt_ratio(ratio(n, reviewed));
            let mut rows = vec![
                vec![
                    "approved_unchanged".into(),
                    f.approved.to_string(),
                    share(f.approved),
                ],
                vec!["edited".into(), f.edited.to_string(), share(f.edited)],
                vec![
                    "taken_over".into(),
                    f.taken_over.to_string(),
                    share(f.taken_over),
                ],
                vec!["rejected".into(), f.rejected.to_string(), share(f.rejected)],
            ];
            for reason in REJECT_REASONS {
                let n = f.rejected_by_reason.get(*reason).copied().unwrap_or(0);
                rows.push(vec![format!("rejected_{reason}"), n.to_string(), share(n)]);
            }
            csv_rows(&["outcome", "drafts", "share_of_reviewed"], rows)
        }
        "times" => {
            let f = &d.total;
            csv_rows(
                &["measure", "tickets", "median_min", "p90_min"],
                [
                    ("first_response_auto", &f.first_response_auto),
                    ("first_response_human", &f.first_response_human),
                    ("resolution_auto", &f.resolution_auto),
                    ("resolution_human", &f.resolution_human),
                ]
                .into_iter()
                .map(|(k, h)| {
                    vec![
                        k.to_string(),
                        h.count().to_string(),
                        opt_num(h.median()),
                        opt_num(h.p90()),
                    ]
                }),
            )
        }
        "series" => csv_rows(
            &[
                "bucket",
                "tickets_in",
                "decisions",
                "auto_sent",
                "to_person",
                "automation_rate",
            ],
            d.series.iter().map(|p| {
                vec![
                    p.bucket.clone(),
                    p.tickets_in.to_string(),
                    p.decisions.to_string(),
                    p.auto_sent.to_string(),
                    p.to_person.to_string(),
                    opt_ratio(p.automation_rate()),
                ]
            }),
        ),
        "intent" | "language" | "channel" | "agent" => {
            let mut header = vec![table];
            header.extend_from_slice(FIGURE_COLUMNS);
            csv_rows(
                &header,
                d.breakdown(table).iter().map(|(label, f)| {
                    let mut row = vec![label.clone()];
                    row.extend(figure_values(f, now));
                    row
                }),
            )
        }
        "calibration" => csv_rows(
            &[
                "band_from",
                "band_to",
                "reviewed",
                "approved_unchanged",
                "accuracy",
            ],
            c.bands.iter().map(|b| {
                vec![
                    format!("{:.1}", b.lo as f64 / 100.0),
                    format!("{:.1}", (b.lo + 10) as f64 / 100.0),
                    b.reviewed.to_string(),
                    b.correct.to_string(),
                    opt_ratio(b.accuracy()),
                ]
            }),
        ),
        "precision" => csv_rows(
            &[
                "intent",
                "auto_threshold",
                "reviewed",
                "reviewed_at_or_above",
                "approved_unchanged_at_or_above",
                "precision",
            ],
            c.intents.iter().map(|i| {
                vec![
                    i.intent.clone(),
                    fmt_threshold(i.threshold),
                    i.reviewed.to_string(),
                    i.above.to_string(),
                    i.correct_above.to_string(),
                    opt_ratio(i.precision()),
                ]
            }),
        ),
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------
// Benchmark

/// What `bench_dashboard` measured.
#[derive(Clone, Debug)]
pub struct BenchReport {
    pub tickets: usize,
    pub events: usize,
    pub seed_seconds: f64,
    pub runs: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl std::fmt::Display for BenchReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "dashboard (last 7 days + calibration) after seeding {} tickets and {} events: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms over {} runs (seeding took {:.1} s)",
            self.tickets,
            self.events,
            self.p50_ms,
            self.p99_ms,
            self.max_ms,
            self.runs,
            self.seed_seconds
        )
    }
}

/// Seeds `tickets` synthetic tickets spread evenly over the last 365 days (in time order,
/// as a live system writes them), each with an inbound message, a draft and
/// `events_per_ticket` events, into the configured (migrated, preferably scratch)
/// database; then computes the default dashboard (last 7 days) plus the calibration
/// `runs` times and reports p50/p99. With `tickets == 0` it only times what is stored.
pub fn bench_dashboard(
    app: &App,
    tickets: usize,
    events_per_ticket: usize,
    runs: usize,
) -> Result<BenchReport, AppError> {
    bench_dashboard_over(app, tickets, events_per_ticket, runs, 365)
}

/// [`bench_dashboard`] with the tickets spread over `days` (70 days of 1,000,000 put
/// 100,000 in the week the dashboard shows).
pub fn bench_dashboard_over(
    app: &App,
    tickets: usize,
    events_per_ticket: usize,
    runs: usize,
    days: i64,
) -> Result<BenchReport, AppError> {
    let started = Instant::now();
    let seeded_events = if tickets > 0 {
        {
            let mut conn = app.conn()?;
            store::seed::metrics_history(&mut conn, tickets, events_per_ticket, days)?
        }
    } else {
        0
    };
    // A running server folds PostgreSQL's daily-sum deltas every second; the seeding
    // (or an earlier run stopped before a fold) may have left them all unfolded.
    if fold_rollup(app)? > 0 || tickets > 0 {
        store::seed::analyze(&mut *app.conn()?)?;
    }
    let seed_seconds = started.elapsed().as_secs_f64();
    let period = Period::last_days(store::now(), 7);
    let mut times = Vec::with_capacity(runs.max(1));
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let both = overview(app, period)?;
        std::hint::black_box(&both);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let at = |p: f64| {
        let i = ((p * times.len() as f64).ceil() as usize).max(1) - 1;
        times[i.min(times.len() - 1)]
    };
    Ok(BenchReport {
        tickets,
        events: seeded_events,
        seed_seconds,
        runs: times.len(),
        p50_ms: at(0.5),
        p99_ms: at(0.99),
        max_ms: *times.last().unwrap_or(&0.0),
    })
}

#[cfg(test)]
mod tests {
    use super::{opt_ratio, pct};

    #[test]
    fn agents_sharing_a_name_get_a_row_each() {
        let labels = super::agent_labels(vec![
            ("1".into(), "Alex".into(), "alex.k@tandem.test".into()),
            ("2".into(), "alex".into(), "alex.m@tandem.test".into()),
            ("3".into(), "Sam".into(), "sam@tandem.test".into()),
        ]);
        assert_eq!(labels["1"], "Alex (alex.k@tandem.test)");
        assert_eq!(labels["2"], "alex (alex.m@tandem.test)");
        assert_eq!(labels["3"], "Sam");
    }

    #[test]
    fn csv_ratios_never_round_a_rare_event_to_none_or_all() {
        assert_eq!(opt_ratio(Some(0.1)), "0.1000");
        assert_eq!(opt_ratio(Some(0.0)), "0.0000");
        assert_eq!(opt_ratio(Some(1.0)), "1.0000");
        assert_eq!(opt_ratio(Some(4.0 / 150_000.0)), "0.00003");
        assert_eq!(opt_ratio(Some(1.0 - 1.0 / 30_000.0)), "0.99997");
        assert_eq!(opt_ratio(None), "");
    }

    #[test]
    fn only_all_reads_100_and_only_none_reads_0() {
        assert_eq!(pct(1.0), "100 %");
        assert_eq!(pct(0.0), "0 %");
        assert_eq!(pct(2499.0 / 2500.0), "99.9 %");
        assert_eq!(pct(1.0 / 2500.0), "0.1 %");
        assert_eq!(pct(0.64), "64 %");
        assert_eq!(pct(0.018), "1.8 %");
    }
}
