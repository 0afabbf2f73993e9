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
//! The time arithmetic differs between SQLite and PostgreSQL, so the SQL is written once
//! with a [`Dialect`] filling in the few backend-specific expressions.

use chrono::NaiveDateTime;
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

/// `draft_edited` and `draft_rejected` events in the period, grouped by the edit size or
/// the rejection reason taken out of the event's data (which has few distinct values).
pub fn review_events(
    conn: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<ReviewEventCount>, StoreError> {
    let value = match Dialect::of(conn) {
        Dialect::Sqlite => {
            "CAST(json_extract(e.data, CASE WHEN e.kind = 'draft_edited' \
                            THEN '$.edit_distance' ELSE '$.reason' END) AS TEXT)"
        }
        Dialect::Postgres => {
            "CASE WHEN e.kind = 'draft_edited' \
                              THEN CAST(e.data AS json) ->> 'edit_distance' \
                              ELSE CAST(e.data AS json) ->> 'reason' END"
        }
    };
    let sql = format!(
        "SELECT t.intent AS intent, t.language AS language, t.channel AS channel, \
         e.actor_id AS agent, e.kind AS kind, {value} AS value, COUNT(*) AS n \
         FROM events e LEFT JOIN tickets t ON t.id = e.ticket_id \
         WHERE e.kind IN ('draft_edited', 'draft_rejected') AND {} \
         GROUP BY 1, 2, 3, 4, 5, 6",
        in_range("e.created_at", from, to)
    );
    load(conn, &sql)
}

#[derive(Debug, Clone, QueryableByName)]
pub struct DurationCount {
    #[diesel(embed)]
    pub dims: Dims,
    /// 0 = first response, 1 = resolution.
    #[diesel(sql_type = BigInt)]
    pub span: i64,
    #[diesel(sql_type = BigInt)]
    pub automated: i64,
    #[diesel(sql_type = BigInt)]
    pub minutes: i64,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// Minutes from creation to first response (`span` 0) and to resolution (`span` 1) of
/// tickets created in the period, by dimensions and whether the ticket was answered
/// automatically. One scan of the period's tickets serves both.
pub fn durations(
    conn: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<DurationCount>, StoreError> {
    let sql = format!(
        "SELECT t.intent AS intent, t.language AS language, t.channel AS channel, \
           t.assignee_id AS agent, CAST(0 AS BIGINT) AS span, \
           CAST(t.automated AS BIGINT) AS automated, t.first_response_min AS minutes, \
           COUNT(*) AS n \
         FROM ticket_facts t WHERE {range} AND t.first_response_min IS NOT NULL \
         GROUP BY 1, 2, 3, 4, 5, 6, 7 \
         UNION ALL \
         SELECT t.intent AS intent, t.language AS language, t.channel AS channel, \
           t.assignee_id AS agent, CAST(1 AS BIGINT) AS span, \
           CAST(t.automated AS BIGINT) AS automated, t.resolution_min AS minutes, \
           COUNT(*) AS n \
         FROM ticket_facts t WHERE {range} AND t.resolution_min IS NOT NULL \
         GROUP BY 1, 2, 3, 4, 5, 6, 7",
        range = in_range("t.created_at", from, to)
    );
    load(conn, &sql)
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
/// asked for a person. The clock starts when the outbox delivered the answer: the inbound
/// message that triggered it (stored around the same instant as the draft) is never a
/// write-back, and neither is anything before the answer left.
pub fn reopens(
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

#[derive(Debug, Clone, QueryableByName)]
pub struct DraftScore {
    #[diesel(sql_type = Nullable<Text>)]
    pub intent: Option<String>,
    #[diesel(sql_type = Text)]
    pub language: String,
    #[diesel(sql_type = Text)]
    pub decision: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = BigInt)]
    pub blocked: i64,
    #[diesel(sql_type = BigInt)]
    pub pct: i64,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// Drafts made in the period by intent, language, decision, outcome, whether a hard risk
/// flag blocks automation, and confidence in whole percent: the input of the calibration
/// chart and of the what-if replay.
pub fn draft_scores(
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
    load(conn, &sql)
}

/// Display names of users, for the agent breakdown.
pub fn user_names(conn: &mut DbConn) -> Result<Vec<(String, String)>, StoreError> {
    use super::schema::users;
    Ok(users::table
        .select((users::id, users::name))
        .load::<(String, String)>(conn)?)
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
            "DELETE FROM ticket_facts; DELETE FROM draft_facts; \
             SELECT ticket_facts_refresh(t.id) FROM tickets t; \
             SELECT draft_facts_refresh(d.ticket_id) FROM (SELECT DISTINCT ticket_id FROM drafts) d;",
        )?,
    }
    Ok(())
}
