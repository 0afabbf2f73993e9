//! Queries behind the supervisor metrics. Every query aggregates in the database (GROUP BY
//! over an indexed time range) and returns small grouped rows; the app layer folds them
//! into totals, breakdowns and percentiles. Durations are grouped by whole minutes, so
//! medians and p90s are exact to the minute while the result stays small; a person's
//! handling time is grouped by whole seconds (a draft is often decided within a minute).
//!
//! Per-ticket and per-draft figures (durations, the reason a draft went to a person, whether
//! an automated answer was written back to) are not derived here: triggers keep them in
//! `ticket_facts` and `draft_facts` (migration `2026-12-01-100000_ticket_facts`, which
//! holds the expressions), so a period costs one narrow range scan per query.
//!
//! Those facts are summed per UTC day in `facts_rollup` (migration
//! `2026-12-01-800000_facts_rollup`): the whole days of a period are read from the sums and
//! only the partial first and last day are grouped from the facts, so a week of 100,000
//! tickets is not sorted on every view. The app adds the rows up; it never sees which way
//! a row came.
//!
//! The time arithmetic differs between SQLite and PostgreSQL, so the SQL is written once
//! with a [`Dialect`] filling in the few backend-specific expressions.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};

use super::{DbConn, StoreError};

/// The few expressions that differ between the backends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    pub fn of(conn: &DbConn) -> Dialect {
        match conn {
            DbConn::Sqlite(_) => Dialect::Sqlite,
            DbConn::Postgres(_) => Dialect::Postgres,
        }
    }

    /// A time bucket label: `YYYY-MM-DD` by day, `YYYY-MM-DD HH` by hour.
    fn bucket(self, col: &str, hourly: bool) -> String {
        match (self, hourly) {
            (Dialect::Sqlite, false) => format!("substr({col}, 1, 10)"),
            (Dialect::Sqlite, true) => format!("substr({col}, 1, 13)"),
            (Dialect::Postgres, false) => format!("to_char({col}, 'YYYY-MM-DD')"),
            (Dialect::Postgres, true) => format!("to_char({col}, 'YYYY-MM-DD HH24')"),
        }
    }

    /// Whole seconds from `a` to `b`, rounded.
    fn seconds(self, a: &str, b: &str) -> String {
        match self {
            Dialect::Sqlite => {
                format!("CAST(ROUND((julianday({b}) - julianday({a})) * 86400.0) AS INTEGER)")
            }
            Dialect::Postgres => {
                format!("CAST(ROUND(EXTRACT(EPOCH FROM ({b} - {a}))) AS BIGINT)")
            }
        }
    }
}

/// A time literal in the form diesel stores on SQLite (text, `%.f` fraction), so that text
/// comparison orders it like the stored values; cutting the fraction dropped rows written
/// in the period's last second.
fn lit(t: NaiveDateTime) -> String {
    format!("'{}'", t.format("%Y-%m-%d %H:%M:%S%.f"))
}

fn in_range(col: &str, from: NaiveDateTime, to: NaiveDateTime) -> String {
    format!("{col} >= {} AND {col} < {}", lit(from), lit(to))
}

/// Runs a query on whichever backend the connection is.
fn load<T>(conn: &mut DbConn, sql: &str) -> Result<Vec<T>, StoreError>
where
    T: QueryableByName<diesel::sqlite::Sqlite> + QueryableByName<diesel::pg::Pg> + 'static,
{
    Ok(match conn {
        DbConn::Sqlite(c) => diesel::sql_query(sql).load(c)?,
        DbConn::Postgres(c) => diesel::sql_query(sql).load(c)?,
    })
}

/// The whole UTC days inside `[from, to)` (`first..end`, end excluded), read from the daily
/// sums, and the partial ranges at either end, grouped from the facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaySplit {
    pub days: Option<(NaiveDate, NaiveDate)>,
    pub edges: Vec<(NaiveDateTime, NaiveDateTime)>,
}

pub fn split_days(from: NaiveDateTime, to: NaiveDateTime) -> DaySplit {
    let midnight = |d: NaiveDate| d.and_time(NaiveTime::MIN);
    let first = if from == midnight(from.date()) {
        from.date()
    } else {
        from.date() + chrono::Duration::days(1)
    };
    let end = to.date();
    if first >= end {
        return DaySplit {
            days: None,
            edges: if from < to {
                vec![(from, to)]
            } else {
                Vec::new()
            },
        };
    }
    let mut edges = Vec::new();
    if from < midnight(first) {
        edges.push((from, midnight(first)));
    }
    if midnight(end) < to {
        edges.push((midnight(end), to));
    }
    DaySplit {
        days: Some((first, end)),
        edges,
    }
}

/// The rows of a period: its partial first and last days read live from the facts
/// (`live`), its whole days from the daily sums (`whole`). The caller adds them up.
fn over_period<T>(
    conn: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
    live: fn(&mut DbConn, NaiveDateTime, NaiveDateTime) -> Result<Vec<T>, StoreError>,
    whole: impl FnOnce(&mut DbConn, (NaiveDate, NaiveDate)) -> Result<Vec<T>, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let split = split_days(from, to);
    let mut rows = Vec::new();
    for (a, b) in split.edges {
        rows.extend(live(conn, a, b)?);
    }
    if let Some(days) = split.days {
        rows.extend(whole(conn, days)?);
    }
    Ok(rows)
}

/// The daily sums, with PostgreSQL's not yet folded deltas (`store::metrics::fold_rollup`).
fn rollup_source(d: Dialect) -> &'static str {
    match d {
        Dialect::Sqlite => "facts_rollup",
        Dialect::Postgres => {
            "(SELECT * FROM facts_rollup UNION ALL SELECT * FROM facts_rollup_deltas) r"
        }
    }
}

/// The key of a row of the daily sums ('' stands for a missing value).
#[derive(Debug, Clone, QueryableByName)]
struct RollupKey {
    #[diesel(sql_type = Text)]
    intent: String,
    #[diesel(sql_type = Text)]
    language: String,
    #[diesel(sql_type = Text)]
    channel: String,
    #[diesel(sql_type = Text)]
    agent: String,
    #[diesel(sql_type = Text)]
    k1: String,
    #[diesel(sql_type = Text)]
    k2: String,
    #[diesel(sql_type = Text)]
    k3: String,
}

fn some(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

impl RollupKey {
    fn dims(&self) -> Dims {
        Dims {
            intent: some(self.intent.clone()),
            language: some(self.language.clone()),
            channel: some(self.channel.clone()),
            agent: some(self.agent.clone()),
        }
    }
}

/// One row of the daily sums.
#[derive(Debug, Clone, QueryableByName)]
struct RollupRow {
    #[diesel(embed)]
    key: RollupKey,
    #[diesel(sql_type = BigInt)]
    n: i64,
    #[diesel(sql_type = BigInt)]
    n2: i64,
    #[diesel(sql_type = BigInt)]
    n3: i64,
}

/// The daily sums of one kind over whole days (see the migration for the kinds), a row per
/// day and key: the caller adds them up (grouping them here would sort them again).
fn rollup(
    conn: &mut DbConn,
    kind: &str,
    days: (NaiveDate, NaiveDate),
) -> Result<Vec<RollupRow>, StoreError> {
    let d = Dialect::of(conn);
    let sql = format!(
        "SELECT intent, language, channel, agent, k1, k2, k3, n, n2, n3 FROM {src} \
         WHERE kind = '{kind}' AND day >= '{a}' AND day < '{b}' \
         AND (n <> 0 OR n2 <> 0 OR n3 <> 0)",
        src = rollup_source(d),
        a = days.0.format("%Y-%m-%d"),
        b = days.1.format("%Y-%m-%d"),
    );
    load(conn, &sql)
}

/// The daily sums of a histogram kind ('f', 'r', 's') for one key: its values and counts
/// packed into `pairs` ("value:count,…") by the database, so that a week of sums arrives
/// as a few hundred rows instead of a row per value (decoding each row cost more than
/// reading it).
#[derive(Debug, QueryableByName)]
struct HistogramSums {
    #[diesel(embed)]
    key: RollupKey,
    #[diesel(sql_type = Text)]
    pairs: String,
}

impl HistogramSums {
    /// The (value, count) pairs; a value may come more than once (several days, or
    /// PostgreSQL's deltas): the counts add up.
    fn values(&self) -> Result<Vec<(i64, i64)>, StoreError> {
        unpack_pairs(&self.pairs)
    }
}

/// Parses "value:count,value:count".
fn unpack_pairs(packed: &str) -> Result<Vec<(i64, i64)>, StoreError> {
    packed
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.split_once(':')
                .and_then(|(v, n)| Some((v.parse().ok()?, n.parse().ok()?)))
                .ok_or_else(|| {
                    StoreError::Query(diesel::result::Error::DeserializationError(
                        format!("daily sums: {p:?} is not value:count").into(),
                    ))
                })
        })
        .collect()
}

/// The histogram sums of one kind over whole days, a row per day and key with its values
/// packed. Grouping by day first follows the primary key, so neither store sorts; on
/// PostgreSQL the deltas not yet folded come as rows of their own.
fn rollup_histograms(
    conn: &mut DbConn,
    kind: &str,
    days: (NaiveDate, NaiveDate),
) -> Result<Vec<HistogramSums>, StoreError> {
    let d = Dialect::of(conn);
    let pack = match d {
        Dialect::Sqlite => "group_concat(CAST(v AS TEXT) || ':' || CAST(n AS TEXT), ',')",
        Dialect::Postgres => "string_agg(CAST(v AS TEXT) || ':' || CAST(n AS TEXT), ',')",
    };
    let from = |table: &str| {
        format!(
            "SELECT intent, language, channel, agent, k1, k2, k3, {pack} AS pairs \
             FROM {table} WHERE kind = '{kind}' AND day >= '{a}' AND day < '{b}' AND n <> 0 \
             GROUP BY day, intent, language, channel, agent, k1, k2, k3",
            a = days.0.format("%Y-%m-%d"),
            b = days.1.format("%Y-%m-%d"),
        )
    };
    let sql = match d {
        Dialect::Sqlite => from("facts_rollup"),
        Dialect::Postgres => format!(
            "{} UNION ALL {}",
            from("facts_rollup"),
            from("facts_rollup_deltas")
        ),
    };
    load(conn, &sql)
}

/// Minutes as the dashboard keeps them: exact under three hours, then to five minutes,
/// from two days on to the hour (what the page shows of a longer time), so a week's
/// durations sum into few rows. The live and the summed figures use the same buckets.
pub fn minutes_bucket(m: i64) -> i64 {
    match m {
        m if m < 180 => m,
        m if m < 2880 => m - m % 5,
        m => m - m % 60,
    }
}

/// [`minutes_bucket`] in SQL (the same expression is in the rollup triggers).
fn minutes_bucket_sql(col: &str) -> String {
    format!(
        "CASE WHEN {col} < 180 THEN {col} WHEN {col} < 2880 THEN {col} - {col} % 5 \
         ELSE {col} - {col} % 60 END"
    )
}

/// The reviewed draft statuses: a person decided the draft.
pub const REVIEWED: &[&str] = &[
    "approved",
    "edited",
    "rejected",
    "rejected_wrong_intent",
    "set_aside",
];

fn quoted_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Debug, Clone, QueryableByName)]
pub struct BucketCount {
    #[diesel(sql_type = Text)]
    pub bucket: String,
    #[diesel(sql_type = Text)]
    pub key: String,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// Tickets created (key `tickets`) and triage decisions (key = the decision) per bucket.
pub fn series(
    conn: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
    hourly: bool,
) -> Result<Vec<BucketCount>, StoreError> {
    let split = split_days(from, to);
    let Some(days) = split.days.filter(|_| !hourly) else {
        return series_live(conn, from, to, hourly);
    };
    let mut rows = Vec::new();
    for (a, b) in &split.edges {
        rows.extend(series_live(conn, *a, *b, false)?);
    }
    let sql = format!(
        "SELECT day AS bucket, CASE WHEN kind = 't' THEN 'tickets' ELSE k1 END AS key, \
           CAST(SUM(n) AS BIGINT) AS n \
         FROM {src} WHERE kind IN ('t', 'x') AND day >= '{a}' AND day < '{b}' \
         GROUP BY day, kind, k1",
        src = rollup_source(Dialect::of(conn)),
        a = days.0.format("%Y-%m-%d"),
        b = days.1.format("%Y-%m-%d"),
    );
    rows.extend(load::<BucketCount>(conn, &sql)?);
    Ok(rows)
}

/// Tickets created (key `tickets`) and triage decisions (key = the decision) per bucket.
fn series_live(
    conn: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
    hourly: bool,
) -> Result<Vec<BucketCount>, StoreError> {
    let d = Dialect::of(conn);
    let sql = format!(
        "SELECT {tb} AS bucket, 'tickets' AS key, COUNT(*) AS n FROM ticket_facts t \
         WHERE {tr} GROUP BY 1 \
         UNION ALL \
         SELECT {db} AS bucket, d.decision AS key, COUNT(*) AS n FROM draft_facts d \
         WHERE {dr} GROUP BY 1, 2",
        tb = d.bucket("t.created_at", hourly),
        tr = in_range("t.created_at", from, to),
        db = d.bucket("d.created_at", hourly),
        dr = in_range("d.created_at", from, to),
    );
    load(conn, &sql)
}

/// The dimensions every breakdown is keyed by.
#[derive(Debug, Clone, QueryableByName, PartialEq, Eq, Hash)]
pub struct Dims {
    #[diesel(sql_type = Nullable<Text>)]
    pub intent: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub language: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub channel: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub agent: Option<String>,
}

#[derive(Debug, Clone, QueryableByName)]
pub struct DimCount {
    #[diesel(embed)]
    pub dims: Dims,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// Tickets created in the period by intent, language, channel and assignee.
pub fn tickets_in(
    conn: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<DimCount>, StoreError> {
    over_period(conn, from, to, tickets_in_live, |conn, days| {
        let mut rows = Vec::new();
        rows.extend(rollup(conn, "t", days)?.into_iter().map(|r| DimCount {
            dims: r.key.dims(),
            n: r.n,
        }));
        Ok(rows)
    })
}

/// Tickets created in the period by intent, language, channel and assignee.
fn tickets_in_live(
    conn: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<DimCount>, StoreError> {
    let sql = format!(
        "SELECT t.intent AS intent, t.language AS language, t.channel AS channel, \
         t.assignee_id AS agent, COUNT(*) AS n FROM ticket_facts t WHERE {} \
         GROUP BY t.intent, t.language, t.channel, t.assignee_id",
        in_range("t.created_at", from, to)
    );
    load(conn, &sql)
}

#[derive(Debug, Clone, QueryableByName)]
pub struct DecisionCount {
    #[diesel(embed)]
    pub dims: Dims,
    #[diesel(sql_type = Text)]
    pub decision: String,
    #[diesel(sql_type = Text)]
    pub reason: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// Triage decisions (drafts) made in the period, with the primary escalation reason and
/// the draft's outcome; `agent` is who decided the draft.
pub fn decisions(
    conn: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<DecisionCount>, StoreError> {
    over_period(conn, from, to, decisions_live, |conn, days| {
        let mut rows = Vec::new();
        rows.extend(rollup(conn, "x", days)?.into_iter().map(|r| DecisionCount {
            dims: r.key.dims(),
            decision: r.key.k1,
            reason: r.key.k2,
            status: r.key.k3,
            n: r.n,
        }));
        Ok(rows)
    })
}

/// Triage decisions (drafts) made in the period, with the primary escalation reason and
/// the draft's outcome; `agent` is who decided the draft.
fn decisions_live(
    conn: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<DecisionCount>, StoreError> {
    let sql = format!(
        "SELECT d.intent AS intent, d.language AS language, d.channel AS channel, \
         d.agent AS agent, d.decision AS decision, d.reason AS reason, \
         d.status AS status, COUNT(*) AS n FROM draft_facts d WHERE {} \
         GROUP BY 1, 2, 3, 4, 5, 6, 7",
        in_range("d.created_at", from, to),
    );
    load(conn, &sql)
}

#[derive(Debug, Clone, QueryableByName)]
pub struct ReviewEventCount {
    #[diesel(embed)]
    pub dims: Dims,
    #[diesel(sql_type = Text)]
    pub kind: String,
    /// The edit size (`draft_edited`) or the rejection reason (`draft_rejected`).
    #[diesel(sql_type = Nullable<Text>)]
    pub value: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// `draft_edited` and `draft_rejected` events of the drafts made in the period, grouped by
/// the edit size or the rejection reason taken out of the event's data (which has few
/// distinct values).
pub fn review_events(
    conn: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<ReviewEventCount>, StoreError> {
    let (value, draft) = match Dialect::of(conn) {
        Dialect::Sqlite => (
            "CAST(json_extract(e.data, CASE WHEN e.kind = 'draft_edited' \
                            THEN '$.edit_distance' ELSE '$.reason' END) AS TEXT)",
            "json_extract(e.data, '$.draft')",
        ),
        Dialect::Postgres => (
            "CASE WHEN e.kind = 'draft_edited' \
                              THEN CAST(e.data AS json) ->> 'edit_distance' \
                              ELSE CAST(e.data AS json) ->> 'reason' END",
            "CAST(e.data AS json) ->> 'draft'",
        ),
    };
    // Counted with the drafts of the period, as every other review outcome is: by the
    // draft's time, not the review's (last night's drafts rejected this morning made
    // "rejected: wrong intent" 500 % of today's reviews). A review never precedes its draft.
    let sql = format!(
        "SELECT t.intent AS intent, t.language AS language, t.channel AS channel, \
         e.actor_id AS agent, e.kind AS kind, {value} AS value, COUNT(*) AS n \
         FROM events e JOIN drafts d ON d.id = {draft} \
         LEFT JOIN tickets t ON t.id = e.ticket_id \
         WHERE e.kind IN ('draft_edited', 'draft_rejected') AND e.created_at >= {} AND {} \
         GROUP BY 1, 2, 3, 4, 5, 6",
        lit(from),
        in_range("d.created_at", from, to)
    );
    load(conn, &sql)
}

#[derive(Debug, Clone)]
pub struct DurationCount {
    pub dims: Dims,
    /// 0 = first response, 1 = resolution.
    pub span: i64,
    pub automated: bool,
    /// (minutes, tickets), minutes as [`minutes_bucket`] keeps them; a value may repeat.
    pub values: Vec<(i64, i64)>,
}

/// A row of [`durations_live`].
#[derive(Debug, QueryableByName)]
struct DurationLive {
    #[diesel(embed)]
    dims: Dims,
    #[diesel(sql_type = BigInt)]
    span: i64,
    #[diesel(sql_type = BigInt)]
    automated: i64,
    #[diesel(sql_type = BigInt)]
    minutes: i64,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Minutes from creation to first response (`span` 0) and to resolution (`span` 1) of
/// tickets created in the period, by dimensions and whether the ticket was answered
/// automatically.
pub fn durations(
    conn: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<DurationCount>, StoreError> {
    over_period(conn, from, to, durations_live, |conn, days| {
        let mut rows = Vec::new();
        for (kind, span) in [("f", 0), ("r", 1)] {
            for sums in rollup_histograms(conn, kind, days)? {
                rows.push(DurationCount {
                    automated: sums.key.k1 == "1",
                    dims: sums.key.dims(),
                    span,
                    values: sums.values()?,
                });
            }
        }
        Ok(rows)
    })
}

/// Minutes from creation to first response (`span` 0) and to resolution (`span` 1) of
/// tickets created in the period, by dimensions and whether the ticket was answered
/// automatically. One scan of the period's tickets serves both.
fn durations_live(
    conn: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<DurationCount>, StoreError> {
    let sql = format!(
        "SELECT t.intent AS intent, t.language AS language, t.channel AS channel, \
           t.assignee_id AS agent, CAST(0 AS BIGINT) AS span, \
           CAST(t.automated AS BIGINT) AS automated, {first} AS minutes, \
           COUNT(*) AS n \
         FROM ticket_facts t WHERE {range} AND t.first_response_min IS NOT NULL \
         GROUP BY 1, 2, 3, 4, 5, 6, 7 \
         UNION ALL \
         SELECT t.intent AS intent, t.language AS language, t.channel AS channel, \
           t.assignee_id AS agent, CAST(1 AS BIGINT) AS span, \
           CAST(t.automated AS BIGINT) AS automated, {resolution} AS minutes, \
           COUNT(*) AS n \
         FROM ticket_facts t WHERE {range} AND t.resolution_min IS NOT NULL \
         GROUP BY 1, 2, 3, 4, 5, 6, 7",
        range = in_range("t.created_at", from, to),
        first = minutes_bucket_sql("t.first_response_min"),
        resolution = minutes_bucket_sql("t.resolution_min"),
    );
    let rows: Vec<DurationLive> = load(conn, &sql)?;
    Ok(rows
        .into_iter()
        .map(|r| DurationCount {
            dims: r.dims,
            span: r.span,
            automated: r.automated == 1,
            values: vec![(r.minutes, r.n)],
        })
        .collect())
}

#[derive(Debug, Clone, QueryableByName)]
pub struct BacklogRow {
    #[diesel(embed)]
    pub dims: Dims,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub oldest: Option<NaiveDateTime>,
}

/// Tickets waiting for a person now, and the oldest wait.
pub fn backlog(conn: &mut DbConn) -> Result<Vec<BacklogRow>, StoreError> {
    load(
        conn,
        "SELECT t.intent AS intent, t.language AS language, t.channel AS channel, \
         t.assignee_id AS agent, COUNT(*) AS n, MIN(t.waiting_since) AS oldest \
         FROM ticket_facts t WHERE t.waiting = 1 \
         GROUP BY t.intent, t.language, t.channel, t.assignee_id",
    )
}

#[derive(Debug, Clone, QueryableByName)]
pub struct ReopenRow {
    #[diesel(embed)]
    pub dims: Dims,
    #[diesel(sql_type = BigInt)]
    pub answered: i64,
    #[diesel(sql_type = BigInt)]
    pub reopened: i64,
    /// Of the answered, how many customers asked for a person afterwards.
    #[diesel(sql_type = BigInt)]
    pub asked_person: i64,
}

/// Automated answers decided in the period that were sent, how many of them the customer
/// wrote back to within seven days of the sending, and how many of those write-backs
/// asked for a person.
pub fn reopens(
    conn: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<ReopenRow>, StoreError> {
    over_period(conn, from, to, reopens_live, |conn, days| {
        let mut rows = Vec::new();
        rows.extend(rollup(conn, "o", days)?.into_iter().map(|r| {
            let mut dims = r.key.dims();
            dims.agent = None;
            ReopenRow {
                dims,
                answered: r.n,
                reopened: r.n2,
                asked_person: r.n3,
            }
        }));
        Ok(rows)
    })
}

/// Automated answers decided in the period that were sent, how many of them the customer
/// wrote back to within seven days of the sending, and how many of those write-backs
/// asked for a person. The clock starts when the outbox delivered the answer: the inbound
/// message that triggered it (stored around the same instant as the draft) is never a
/// write-back, and neither is anything before the answer left.
fn reopens_live(
    conn: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<ReopenRow>, StoreError> {
    let sql = format!(
        "SELECT d.intent AS intent, d.language AS language, d.channel AS channel, \
         CAST(NULL AS TEXT) AS agent, COUNT(*) AS answered, \
         COUNT(CASE WHEN d.reopened = 1 THEN 1 END) AS reopened, \
         COUNT(CASE WHEN d.asked_person = 1 THEN 1 END) AS asked_person \
         FROM draft_facts d WHERE {range} AND d.decision = 'auto_send' AND d.answered = 1 \
         GROUP BY 1, 2, 3",
        range = in_range("d.created_at", from, to),
    );
    load(conn, &sql)
}

#[derive(Debug, Clone, QueryableByName)]
pub struct HandlingCount {
    #[diesel(sql_type = Nullable<Text>)]
    pub intent: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub seconds: i64,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// How many of the latest reviewed drafts of a period the handling time is measured on:
/// plenty for a median, and it bounds the cost on a busy period.
pub const HANDLING_SAMPLE: i64 = 2000;

/// A person's handling time in seconds of the latest reviewed drafts decided in the period (at most
/// [`HANDLING_SAMPLE`]): from the deciding agent's first look at the ticket
/// (`ticket_viewed`) after the draft was made, to the decision.
pub fn handling_times(
    conn: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<HandlingCount>, StoreError> {
    let d = Dialect::of(conn);
    let seconds = d.seconds("x.viewed_at", "x.decided_at");
    let sql = format!(
        "SELECT x.intent AS intent, {seconds} AS seconds, COUNT(*) AS n FROM ( \
           SELECT s.intent AS intent, s.decided_at AS decided_at, \
             (SELECT MIN(e.created_at) FROM events e WHERE e.ticket_id = s.ticket_id \
              AND e.kind = 'ticket_viewed' AND e.actor_id = s.decided_by \
              AND e.created_at >= s.created_at AND e.created_at <= s.decided_at) AS viewed_at \
           FROM ( \
             SELECT d.intent AS intent, d.decided_at AS decided_at, d.ticket_id AS ticket_id, \
               d.agent AS decided_by, d.created_at AS created_at \
             FROM draft_facts d WHERE d.agent IS NOT NULL AND d.status IN ({reviewed}) \
             AND {range} ORDER BY d.decided_at DESC LIMIT {HANDLING_SAMPLE} \
           ) s \
         ) x WHERE x.viewed_at IS NOT NULL GROUP BY 1, 2",
        reviewed = quoted_list(REVIEWED),
        range = in_range("d.decided_at", from, to),
    );
    load(conn, &sql)
}

#[derive(Debug, Clone)]
pub struct DraftScore {
    pub intent: Option<String>,
    pub language: String,
    pub decision: String,
    pub status: String,
    /// A hard risk flag blocks automation.
    pub blocked: bool,
    /// (confidence in whole percent, drafts); a value may repeat.
    pub scores: Vec<(i64, i64)>,
}

/// A row of [`draft_scores_live`].
#[derive(Debug, QueryableByName)]
struct DraftScoreLive {
    #[diesel(sql_type = Nullable<Text>)]
    intent: Option<String>,
    #[diesel(sql_type = Text)]
    language: String,
    #[diesel(sql_type = Text)]
    decision: String,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = BigInt)]
    blocked: i64,
    #[diesel(sql_type = BigInt)]
    pct: i64,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Drafts made in the period by intent, language, decision, outcome, whether a hard risk
/// flag blocks automation, and confidence in whole percent: the input of the calibration
/// chart and of the what-if replay.
pub fn draft_scores(
    conn: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<DraftScore>, StoreError> {
    over_period(conn, from, to, draft_scores_live, |conn, days| {
        rollup_histograms(conn, "s", days)?
            .into_iter()
            .map(|r| {
                Ok(DraftScore {
                    scores: r.values()?,
                    intent: some(r.key.intent),
                    language: r.key.language,
                    decision: r.key.k1,
                    status: r.key.k2,
                    blocked: r.key.k3 == "1",
                })
            })
            .collect()
    })
}

/// Drafts made in the period by intent, language, decision, outcome, whether a hard risk
/// flag blocks automation, and confidence in whole percent: the input of the calibration
/// chart and of the what-if replay.
fn draft_scores_live(
    conn: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<DraftScore>, StoreError> {
    let sql = format!(
        "SELECT d.intent AS intent, d.language AS language, d.decision AS decision, \
         d.status AS status, CAST(d.blocked AS BIGINT) AS blocked, d.pct AS pct, \
         COUNT(*) AS n FROM draft_facts d WHERE {} \
         GROUP BY 1, 2, 3, 4, 5, 6",
        in_range("d.created_at", from, to)
    );
    let rows: Vec<DraftScoreLive> = load(conn, &sql)?;
    Ok(rows
        .into_iter()
        .map(|r| DraftScore {
            intent: r.intent,
            language: r.language,
            decision: r.decision,
            status: r.status,
            blocked: r.blocked == 1,
            scores: vec![(r.pct, r.n)],
        })
        .collect())
}

/// Display names of users, for the agent breakdown.
pub fn user_names(conn: &mut DbConn) -> Result<Vec<(String, String, String)>, StoreError> {
    use super::schema::users;
    Ok(users::table
        .select((users::id, users::name, users::email))
        .load::<(String, String, String)>(conn)?)
}

/// Recomputes the facts of the tickets PostgreSQL's triggers marked stale (migration
/// `2026-12-04-100000_facts_settled_after_commit`; SQLite's triggers keep the facts
/// themselves); returns how many marks it settled. With `wait` (a reader, who must see
/// every committed write, or a bulk load) the caller waits for another settler to finish
/// and settles every mark; without it (`serve`'s background round) it skips when another
/// is at it (see [`super::settle_marks`]).
pub fn settle_facts(conn: &mut DbConn, wait: bool) -> Result<usize, StoreError> {
    super::settle_marks(
        conn,
        super::SoloJob::SettleFacts,
        "facts_settle",
        "facts_stale",
        wait,
    )
}

/// Recomputes every row of `ticket_facts` and `draft_facts` from the tickets, drafts,
/// messages and outbox rows, as the migration filled them: the repair if a fact ever
/// disagreed with its sources, and what tests compare the trigger-kept rows with.
pub fn rebuild_facts(conn: &mut DbConn) -> Result<(), StoreError> {
    use diesel::connection::SimpleConnection;
    match conn {
        DbConn::Sqlite(c) => c.batch_execute(
            "DELETE FROM ticket_facts; DELETE FROM draft_facts; \
             INSERT INTO ticket_facts_refresh (ticket_id) SELECT id FROM tickets; \
             INSERT INTO draft_facts_refresh (ticket_id) SELECT DISTINCT ticket_id FROM drafts;",
        )?,
        DbConn::Postgres(c) => c.batch_execute(
            "DELETE FROM facts_stale; DELETE FROM ticket_facts; DELETE FROM draft_facts; \
             SELECT ticket_facts_compute(t.id) FROM tickets t; \
             SELECT draft_facts_compute(d.ticket_id) FROM (SELECT DISTINCT ticket_id FROM drafts) d;",
        )?,
    }
    Ok(())
}

/// Recomputes the daily sums from the facts, as the migration filled them: the repair if
/// a sum ever disagreed with its facts, and what tests compare the trigger-kept sums with.
pub fn rebuild_rollup(conn: &mut DbConn) -> Result<(), StoreError> {
    use diesel::connection::SimpleConnection;
    match conn {
        DbConn::Sqlite(c) => c.batch_execute(
            "DELETE FROM facts_rollup; \
             INSERT INTO ticket_rollup_change SELECT 1, created_at, intent, language, channel, \
               assignee_id, first_response_min, resolution_min, automated FROM ticket_facts; \
             INSERT INTO draft_rollup_change SELECT 1, created_at, intent, language, channel, \
               agent, decision, reason, status, blocked, pct, answered, reopened, asked_person \
               FROM draft_facts;",
        )?,
        DbConn::Postgres(c) => c.batch_execute(
            "DELETE FROM facts_rollup; DELETE FROM facts_rollup_deltas; \
             SELECT ticket_rollup_rows(1, f) FROM ticket_facts f; \
             SELECT draft_rollup_rows(1, f) FROM draft_facts f;",
        )?,
    }
    Ok(())
}

/// Folds PostgreSQL's pending deltas into the daily sums (SQLite's triggers keep the sums
/// themselves); returns how many deltas it folded. One server at a time (an advisory
/// lock; the others skip), so two folds never update the same sums in opposite orders.
pub fn fold_rollup(conn: &mut DbConn) -> Result<usize, StoreError> {
    if !matches!(conn, DbConn::Postgres(_)) {
        return Ok(0);
    }
    super::transaction(conn, |conn| {
        let DbConn::Postgres(c) = conn else {
            return Ok(0);
        };
        if !super::try_solo(c, super::SoloJob::FoldRollup, false)? {
            return Ok(0);
        }
        Ok(diesel::sql_query(
            "WITH moved AS (DELETE FROM facts_rollup_deltas RETURNING *)
             INSERT INTO facts_rollup (kind, day, intent, language, channel, agent, k1, k2, k3,
                 v, n, n2, n3)
             SELECT kind, day, intent, language, channel, agent, k1, k2, k3, v,
                 SUM(n), SUM(n2), SUM(n3) FROM moved
             GROUP BY kind, day, intent, language, channel, agent, k1, k2, k3, v
             ON CONFLICT (kind, day, intent, language, channel, agent, k1, k2, k3, v)
             DO UPDATE SET n = facts_rollup.n + EXCLUDED.n, n2 = facts_rollup.n2 + EXCLUDED.n2,
                 n3 = facts_rollup.n3 + EXCLUDED.n3",
        )
        .execute(c)?)
    })
}

/// Every non-zero daily sum, one row per key with PostgreSQL's pending deltas added, in
/// key order: what a repair or a test compares.
pub fn rollup_sums(
    conn: &mut DbConn,
) -> Result<Vec<(String, String, String, i64, i64, i64)>, StoreError> {
    #[derive(QueryableByName)]
    struct Sum {
        #[diesel(sql_type = Text)]
        kind: String,
        #[diesel(sql_type = Text)]
        day: String,
        #[diesel(sql_type = Text)]
        key: String,
        #[diesel(sql_type = BigInt)]
        n: i64,
        #[diesel(sql_type = BigInt)]
        n2: i64,
        #[diesel(sql_type = BigInt)]
        n3: i64,
    }
    let sql = format!(
        "SELECT kind, day, intent || '|' || language || '|' || channel || '|' || agent || '|' \
           || k1 || '|' || k2 || '|' || k3 || '|' || CAST(v AS TEXT) AS key, \
           CAST(SUM(n) AS BIGINT) AS n, CAST(SUM(n2) AS BIGINT) AS n2, \
           CAST(SUM(n3) AS BIGINT) AS n3 \
         FROM {} GROUP BY kind, day, intent, language, channel, agent, k1, k2, k3, v \
         HAVING SUM(n) <> 0 OR SUM(n2) <> 0 OR SUM(n3) <> 0 \
         ORDER BY kind, day, key",
        rollup_source(Dialect::of(conn))
    );
    Ok(load::<Sum>(conn, &sql)?
        .into_iter()
        .map(|s| (s.kind, s.day, s.key, s.n, s.n2, s.n3))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, d)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn durations_keep_what_the_page_shows() {
        use diesel::Connection;
        let values = [0, 1, 59, 179, 180, 184, 185, 2879, 2880, 2939, 2940, 10_000];
        let expected = [0, 1, 59, 179, 180, 180, 185, 2875, 2880, 2880, 2940, 9960];
        assert_eq!(values.map(minutes_bucket), expected);
        // The SQL the triggers and the live queries use agrees.
        let mut conn = DbConn::Sqlite(diesel::SqliteConnection::establish(":memory:").unwrap());
        #[derive(QueryableByName)]
        struct M {
            #[diesel(sql_type = BigInt)]
            m: i64,
        }
        for (v, e) in values.iter().zip(expected) {
            let sql = format!(
                "SELECT {} AS m",
                minutes_bucket_sql(&format!("CAST({v} AS BIGINT)"))
            );
            let got: Vec<M> = load(&mut conn, &sql).unwrap();
            assert_eq!(got[0].m, e, "{v}");
        }
    }

    #[test]
    fn packed_sums_unpack_to_every_pair_and_refuse_garbage() {
        assert_eq!(
            unpack_pairs("5:2,180:1,5:-1").unwrap(),
            vec![(5, 2), (180, 1), (5, -1)]
        );
        assert_eq!(unpack_pairs("").unwrap(), Vec::<(i64, i64)>::new());
        assert!(unpack_pairs("5:2,x:1").is_err());
        assert!(unpack_pairs("5").is_err());
    }

    #[test]
    fn a_period_splits_into_whole_days_and_partial_ends() {
        // The dashboard's default: seven days up to the next whole hour.
        assert_eq!(
            split_days(at(3, 15, 0), at(10, 15, 0)),
            DaySplit {
                days: Some((day(4), day(10))),
                edges: vec![(at(3, 15, 0), at(4, 0, 0)), (at(10, 0, 0), at(10, 15, 0))],
            }
        );
        // Midnight to midnight: only whole days.
        assert_eq!(
            split_days(at(3, 0, 0), at(10, 0, 0)),
            DaySplit {
                days: Some((day(3), day(10))),
                edges: vec![],
            }
        );
        // Within one day, or across one midnight without a whole day: the facts only.
        assert_eq!(
            split_days(at(3, 1, 0), at(3, 23, 0)),
            DaySplit {
                days: None,
                edges: vec![(at(3, 1, 0), at(3, 23, 0))],
            }
        );
        assert_eq!(
            split_days(at(3, 12, 0), at(4, 12, 0)),
            DaySplit {
                days: None,
                edges: vec![(at(3, 12, 0), at(4, 12, 0))],
            }
        );
        // One whole day and a piece of the next.
        assert_eq!(
            split_days(at(3, 0, 0), at(4, 0, 1)),
            DaySplit {
                days: Some((day(3), day(4))),
                edges: vec![(at(4, 0, 0), at(4, 0, 1))],
            }
        );
    }
}
