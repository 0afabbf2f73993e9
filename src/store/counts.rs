//! Tickets counted per status, intent, language and channel (migration `ticket_counts`),
//! so the queue's view counts and a view's total are a sum over a few hundred rows rather
//! than a count over every open ticket.
//!
//! SQLite's triggers keep `ticket_counts` itself. PostgreSQL's append to
//! `ticket_count_deltas` (concurrent writers would otherwise queue on, and could deadlock
//! over, shared count rows); a read adds both, and [`compact`] folds the deltas in. The
//! same goes for the totals in `counters` and their `counter_deltas`.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::reused::Reused;
use super::schema::{ticket_count_deltas, ticket_counts};
use super::{DbConn, StoreError};

/// Which tickets to count: any of `statuses` (all when empty) with the given intent,
/// language and channel (any when `None`).
#[derive(Clone, Copy, Debug, Default)]
pub struct CountFilter<'a> {
    pub statuses: &'a [&'a str],
    pub intent: Option<&'a str>,
    pub language: Option<&'a str>,
    pub channel: Option<&'a str>,
}

/// Applies a [`CountFilter`] to a boxed query over either table (same column names).
macro_rules! count_filters {
    ($q:expr, $table:ident, $f:expr) => {{
        let (mut q, f) = ($q, $f);
        if !f.statuses.is_empty() {
            q = q.filter($table::status.eq_any(f.statuses.to_vec()));
        }
        if let Some(v) = f.intent {
            q = q.filter($table::intent.eq(v.to_string()));
        }
        if let Some(v) = f.language {
            q = q.filter($table::language.eq(v.to_string()));
        }
        if let Some(v) = f.channel {
            q = q.filter($table::channel.eq(v.to_string()));
        }
        q
    }};
}

/// `SUM(n)` as a BIGINT on both stores (PostgreSQL sums BIGINTs to NUMERIC).
fn sum_n() -> diesel::expression::SqlLiteral<BigInt> {
    diesel::dsl::sql::<BigInt>("CAST(COALESCE(SUM(n), 0) AS BIGINT)")
}

/// Matching tickets per status (statuses without tickets left out).
pub fn by_status(conn: &mut DbConn, f: CountFilter) -> Result<HashMap<String, i64>, StoreError> {
    if f.intent.is_none() && f.language.is_none() && f.channel.is_none() {
        let mut counts = every_status(conn)?;
        counts.retain(|status, _| f.statuses.is_empty() || f.statuses.contains(&status.as_str()));
        return Ok(counts);
    }
    // The same grouped sum over the kept counts and the pending deltas.
    macro_rules! sums {
        ($table:ident) => {
            count_filters!(
                $table::table
                    .group_by($table::status)
                    .select(($table::status, sum_n()))
                    .into_boxed::<super::MultiBackend>(),
                $table,
                &f
            )
            .load::<(String, i64)>(conn)?
        };
    }
    let kept = sums!(ticket_counts);
    let pending = sums!(ticket_count_deltas);
    let mut counts = HashMap::new();
    for (status, n) in kept.into_iter().chain(pending) {
        *counts.entry(status).or_insert(0) += n;
    }
    counts.retain(|_, n| *n != 0);
    Ok(counts)
}

/// Tickets per status, every status: one statement, always the same, kept prepared (every
/// acknowledgement asks how many tickets wait, every queue page counts its views).
fn every_status(conn: &mut DbConn) -> Result<HashMap<String, i64>, StoreError> {
    let rows: Vec<(String, i64)> = Reused(
        ticket_counts::table
            .group_by(ticket_counts::status)
            .select((ticket_counts::status, sum_n()))
            .union_all(
                ticket_count_deltas::table
                    .group_by(ticket_count_deltas::status)
                    .select((ticket_count_deltas::status, sum_n())),
            ),
    )
    .load(conn)?;
    let mut counts = HashMap::new();
    for (status, n) in rows {
        *counts.entry(status).or_insert(0) += n;
    }
    counts.retain(|_, n| *n != 0);
    Ok(counts)
}

/// How many tickets match.
pub fn total(conn: &mut DbConn, f: CountFilter) -> Result<i64, StoreError> {
    Ok(by_status(conn, f)?.values().sum())
}

/// Folds PostgreSQL's deltas into the counts (nothing to do on SQLite); returns how many
/// deltas it folded. One server at a time (an advisory lock; the others skip), so two
/// folds never update the same count rows in opposite orders.
pub fn compact(conn: &mut DbConn) -> Result<usize, StoreError> {
    if !matches!(conn, DbConn::Postgres(_)) {
        return Ok(0);
    }
    super::transaction(conn, |conn| {
        let DbConn::Postgres(c) = conn else {
            return Ok(0);
        };
        if !super::try_solo(c, super::SoloJob::FoldCounts, false)? {
            return Ok(0);
        }
        let counters = diesel::sql_query(
            "WITH moved AS (DELETE FROM counter_deltas RETURNING name, n),
                  sums AS (SELECT name, SUM(n) AS n FROM moved GROUP BY name)
             UPDATE counters SET value = counters.value + sums.n
             FROM sums WHERE counters.name = sums.name",
        )
        .execute(c)?;
        Ok(counters
            + diesel::sql_query(
                "WITH moved AS (DELETE FROM ticket_count_deltas
                            RETURNING status, intent, language, channel, n)
             INSERT INTO ticket_counts (status, intent, language, channel, n)
             SELECT status, intent, language, channel, SUM(n) FROM moved
             GROUP BY status, intent, language, channel
             ON CONFLICT (status, intent, language, channel)
             DO UPDATE SET n = ticket_counts.n + EXCLUDED.n",
            )
            .execute(c)?)
    })
}

/// PostgreSQL's deltas of a counter in `counters` not yet folded in ([`compact`]); SQLite's
/// triggers update the counter itself (its deltas table stays empty).
pub fn pending_counter_deltas(conn: &mut DbConn, name: &str) -> Result<i64, StoreError> {
    use super::schema::counter_deltas;
    Ok(Reused(
        counter_deltas::table
            // Owned: `Reused::load` takes only statements that borrow nothing.
            .filter(counter_deltas::name.eq(name.to_string()))
            .select(sum_n()),
    )
    .first(conn)?)
}
