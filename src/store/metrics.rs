//! Queries behind the supervisor metrics. Every query aggregates in the database (GROUP BY
//! over an indexed time range) and returns small grouped rows; the app layer folds them
//! into totals, breakdowns and percentiles. Durations are grouped by whole minutes, so
//! medians and p90s are exact to the minute while the result stays small; a person's
//! handling time is grouped by whole seconds (a draft is often decided within a minute).
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

    /// Whole minutes from `a` to `b`, rounded.
    fn minutes(self, a: &str, b: &str) -> String {
        match self {
            Dialect::Sqlite => {
                format!("CAST(ROUND((julianday({b}) - julianday({a})) * 1440.0) AS INTEGER)")
            }
            Dialect::Postgres => {
                format!("CAST(ROUND(EXTRACT(EPOCH FROM ({b} - {a})) / 60.0) AS BIGINT)")
            }
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

    /// `col` plus seven days.
    fn plus_7_days(self, col: &str) -> String {
        match self {
            Dialect::Sqlite => format!("strftime('%Y-%m-%d %H:%M:%f', {col}, '+7 days')"),
            Dialect::Postgres => format!("({col} + INTERVAL '7 days')"),
        }
    }

    /// The confidence in whole percent, rounded down.
    fn confidence_pct(self, col: &str) -> String {
        match self {
            Dialect::Sqlite => format!("CAST({col} * 100.0 + 0.000001 AS INTEGER)"),
            Dialect::Postgres => format!("CAST(FLOOR({col} * 100.0 + 0.000001) AS BIGINT)"),
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

/// Why a draft did not go out automatically, from its risk flags, most decisive first.
/// Plain LIKE on the stored JSON array keeps this one expression on both backends.
pub fn reason_case(col: &str) -> String {
    format!(
        "CASE \
         WHEN {col} LIKE '%\"human_requested\"%' THEN 'human_requested' \
         WHEN {col} LIKE '%\"legal_threat\"%' OR {col} LIKE '%\"anger\"%' \
           OR {col} LIKE '%\"vip\"%' OR {col} LIKE '%\"multiple_questions\"%' \
           OR {col} LIKE '%\"never_auto_intent\"%' THEN 'risk_flag' \
         WHEN {col} LIKE '%\"repeat_contact\"%' THEN 'repeat_contact' \
         WHEN {col} LIKE '%\"language_not_covered\"%' THEN 'language_not_covered' \
         WHEN {col} LIKE '%\"no_article\"%' THEN 'no_article' \
         WHEN {col} LIKE '%\"low_confidence\"%' THEN 'low_confidence' \
         ELSE 'other' END"
    )
}

/// 1 when a draft carries a flag that blocks automation whatever the thresholds are.
fn blocking_case(col: &str) -> String {
    let flags = [
        "human_requested",
        "legal_threat",
        "anger",
        "vip",
        "multiple_questions",
        "repeat_contact",
        "language_not_covered",
        "no_article",
    ];
    let any = flags
        .iter()
        .map(|f| format!("{col} LIKE '%\"{f}\"%'"))
        .collect::<Vec<_>>()
        .join(" OR ");
    format!("CAST(CASE WHEN {any} THEN 1 ELSE 0 END AS BIGINT)")
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
        "SELECT {tb} AS bucket, 'tickets' AS key, COUNT(*) AS n FROM tickets t \
         WHERE {tr} GROUP BY 1 \
         UNION ALL \
         SELECT {db} AS bucket, d.decision AS key, COUNT(*) AS n FROM drafts d \
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

/// The channel of a draft's ticket, as a scalar subquery.
const CHANNEL_OF_DRAFT: &str = "(SELECT t.channel FROM tickets t WHERE t.id = d.ticket_id)";

/// Tickets created in the period by intent, language, channel and assignee.
pub fn tickets_in(
    conn: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<DimCount>, StoreError> {
    let sql = format!(
        "SELECT t.intent AS intent, t.language AS language, t.channel AS channel, \
         t.assignee_id AS agent, COUNT(*) AS n FROM tickets t WHERE {} \
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
    let reason = reason_case("d.risk_flags");
    // The ticket's channel is looked up per draft (an index probe each): a join lets
    // PostgreSQL hash-join against a full scan of the tickets.
    let sql = format!(
        "SELECT x.intent AS intent, x.language AS language, x.channel AS channel, \
         x.agent AS agent, x.decision AS decision, x.reason AS reason, \
         x.status AS status, COUNT(*) AS n FROM ( \
           SELECT d.intent AS intent, d.language AS language, \
             {channel} AS channel, d.decided_by AS agent, d.decision AS decision, \
             {reason} AS reason, d.status AS status \
           FROM drafts d WHERE {} \
         ) x GROUP BY 1, 2, 3, 4, 5, 6, 7",
        in_range("d.created_at", from, to),
        channel = CHANNEL_OF_DRAFT,
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
    let d = Dialect::of(conn);
    let first = d.minutes("t.created_at", "t.first_response_at");
    let resolved = d.minutes("t.created_at", "t.resolved_at");
    let sql = format!(
        "WITH x AS MATERIALIZED (SELECT t.intent AS intent, t.language AS language, \
           t.channel AS channel, \
           t.assignee_id AS agent, {first} AS first_min, {resolved} AS resolved_min, \
           CAST(CASE WHEN EXISTS (SELECT 1 FROM drafts a WHERE a.ticket_id = t.id \
             AND a.decision = 'auto_send') THEN 1 ELSE 0 END AS BIGINT) AS automated \
           FROM tickets t WHERE {range} \
           AND (t.first_response_at IS NOT NULL OR t.resolved_at IS NOT NULL)) \
         SELECT x.intent AS intent, x.language AS language, x.channel AS channel, \
           x.agent AS agent, CAST(0 AS BIGINT) AS span, x.automated AS automated, \
           x.first_min AS minutes, COUNT(*) AS n \
         FROM x WHERE x.first_min IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7 \
         UNION ALL \
         SELECT x.intent AS intent, x.language AS language, x.channel AS channel, \
           x.agent AS agent, CAST(1 AS BIGINT) AS span, x.automated AS automated, \
           x.resolved_min AS minutes, COUNT(*) AS n \
         FROM x WHERE x.resolved_min IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7",
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
    let sql = format!(
        "SELECT t.intent AS intent, t.language AS language, t.channel AS channel, \
         t.assignee_id AS agent, COUNT(*) AS n, MIN(t.waiting_since) AS oldest \
         FROM tickets t WHERE t.status IN ({}) \
         GROUP BY t.intent, t.language, t.channel, t.assignee_id",
        quoted_list(crate::domain::ticket::WAITING_FOR_PERSON)
    );
    load(conn, &sql)
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
    let d = Dialect::of(conn);
    let sql = format!(
        "SELECT x.intent AS intent, x.language AS language, x.channel AS channel, \
         CAST(NULL AS TEXT) AS agent, COUNT(*) AS answered, \
         COUNT(CASE WHEN x.back = 1 THEN 1 END) AS reopened, \
         COUNT(CASE WHEN x.person = 1 THEN 1 END) AS asked_person \
         FROM (SELECT s.intent AS intent, s.language AS language, s.channel AS channel, \
           CASE WHEN EXISTS (SELECT 1 FROM messages m WHERE m.ticket_id = s.ticket_id \
             AND m.direction = 'inbound' AND m.id <> s.message_id \
             AND m.created_at > s.sent_at AND m.created_at <= {plus7}) THEN 1 ELSE 0 END AS back, \
           CASE WHEN EXISTS (SELECT 1 FROM drafts p WHERE p.ticket_id = s.ticket_id \
             AND p.id <> s.id AND p.created_at > s.sent_at AND p.created_at <= {plus7} \
             AND p.risk_flags LIKE '%\"human_requested\"%') THEN 1 ELSE 0 END AS person \
           FROM (SELECT d.id AS id, d.ticket_id AS ticket_id, d.message_id AS message_id, \
             d.intent AS intent, d.language AS language, {channel} AS channel, \
             (SELECT MIN(o.sent_at) FROM outbox o WHERE o.ticket_id = d.ticket_id \
               AND o.kind = 'auto_answer' AND o.sent_at IS NOT NULL \
               AND o.created_at >= d.created_at) AS sent_at \
             FROM drafts d WHERE d.decision = 'auto_send' AND {range}) s \
           WHERE s.sent_at IS NOT NULL) x \
         GROUP BY 1, 2, 3",
        range = in_range("d.created_at", from, to),
        plus7 = d.plus_7_days("s.sent_at"),
        channel = CHANNEL_OF_DRAFT,
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
               d.decided_by AS decided_by, d.created_at AS created_at \
             FROM drafts d WHERE d.status IN ({reviewed}) AND d.decided_by IS NOT NULL \
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
    let d = Dialect::of(conn);
    let pct = d.confidence_pct("d.confidence");
    let blocked = blocking_case("d.risk_flags");
    let sql = format!(
        "SELECT d.intent AS intent, d.language AS language, d.decision AS decision, \
         d.status AS status, {blocked} AS blocked, {pct} AS pct, COUNT(*) AS n \
         FROM drafts d WHERE {} \
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
