//! PostgreSQL's housekeeping when its autovacuum is off, done by Tandem for its own tables.
//!
//! Autovacuum gives PostgreSQL two things Tandem relies on: the space of deleted rows
//! made reusable, and statistics for the planner. The delta tables (`ticket_count_deltas`,
//! `counter_deltas`, `facts_rollup_deltas`) and the marks of work settled after the commit
//! (`facts_stale`, `search_stale`) are written with every email and emptied every second,
//! so without VACUUM each grows by every row it ever held, and every count of the queue
//! reads all those pages. Without ANALYZE a table keeps the estimates
//! of an empty one however much it grows, and the planner's guesses get costly (a bulk
//! load slowed ninefold before the facts lookup was made safe from them). With
//! autovacuum on, as PostgreSQL ships, [`run`] does nothing; [`vacuum_churning`] still
//! vacuums the churning tables, more often than autovacuum would.

use diesel::prelude::*;

use super::{DbConn, StoreError};

/// Tables emptied as fast as they are written: vacuumed at every run.
const CHURNING: &str =
    "ticket_count_deltas, counter_deltas, facts_rollup_deltas, facts_stale, search_stale";

/// A table is analysed again once it grew by this share since its statistics were taken
/// (autovacuum's own default is a tenth of the rows changed).
const GROWTH_BEFORE_ANALYZE: f64 = 0.2;

/// What one [`run`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Upkeep {
    /// Whether the churning tables were vacuumed.
    pub vacuumed: bool,
    /// The tables analysed, by name.
    pub analyzed: Vec<String>,
}

/// Vacuums the churning tables and analyses the tables of Tandem's schema that grew since
/// their statistics were taken; with autovacuum on, or while another server does it,
/// nothing. On SQLite, [`super::refresh_statistics`] (its space is reused without
/// VACUUM). Must run outside a transaction (VACUUM cannot run inside one).
pub fn run(conn: &mut DbConn) -> Result<Upkeep, StoreError> {
    if !matches!(conn, DbConn::Postgres(_)) {
        super::refresh_statistics(conn)?;
        return Ok(Upkeep::default());
    }
    solo(conn, false, upkeep_locked)
}

/// Vacuums the churning tables alone, on PostgreSQL (with its autovacuum on too: that
/// looks at a table at most once a minute). `serve` does this every few seconds: a
/// minute of an ingest's deltas and marks left unvacuumed is tens of thousands of dead
/// rows, and the count every acknowledgement asks for reads every page of them.
pub fn vacuum_churning(conn: &mut DbConn) -> Result<bool, StoreError> {
    if !matches!(conn, DbConn::Postgres(_)) {
        return Ok(false);
    }
    Ok(solo(conn, true, |c| {
        vacuum(c)?;
        Ok(Upkeep {
            vacuumed: true,
            analyzed: Vec::new(),
        })
    })?
    .vacuumed)
}

/// Runs `work` when no other server holds the housekeeping's lock, and autovacuum is off
/// unless `with_autovacuum`.
fn solo(
    conn: &mut DbConn,
    with_autovacuum: bool,
    work: fn(&mut diesel::PgConnection) -> Result<Upkeep, StoreError>,
) -> Result<Upkeep, StoreError> {
    let DbConn::Postgres(c) = conn else {
        return Ok(Upkeep::default());
    };
    #[derive(QueryableByName)]
    struct Setting {
        #[diesel(sql_type = diesel::sql_types::Text)]
        value: String,
    }
    let autovacuum: Setting =
        diesel::sql_query("SELECT current_setting('autovacuum') AS value").get_result(c)?;
    if autovacuum.value == "on" && !with_autovacuum {
        return Ok(Upkeep::default());
    }
    // A session lock, since VACUUM runs outside any transaction: one server at a time.
    if !super::try_solo(c, super::SoloJob::Upkeep, true)? {
        return Ok(Upkeep::default());
    }
    // Given back even after a panic: a lock left on a pooled connection would stop every
    // server's housekeeping.
    super::then_restore(c, work, |c| {
        Ok(super::release_solo(c, super::SoloJob::Upkeep)?)
    })
}

fn vacuum(c: &mut diesel::PgConnection) -> Result<(), StoreError> {
    diesel::sql_query(format!("VACUUM {CHURNING}")).execute(c)?;
    Ok(())
}

fn upkeep_locked(c: &mut diesel::PgConnection) -> Result<Upkeep, StoreError> {
    vacuum(c)?;
    #[derive(QueryableByName)]
    struct Table {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
    }
    // `relpages` is the size the last ANALYZE (or VACUUM) saw; `reltuples` is -1 for a
    // table never analysed. Sizes, not the statistics collector's change counts: those
    // reach other sessions only when the writer flushes them.
    let grown: Vec<Table> = diesel::sql_query(
        "SELECT c.relname::TEXT AS name FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = current_schema() AND c.relkind = 'r'
            AND pg_relation_size(c.oid) > 0
            AND (c.reltuples < 0
                 OR pg_relation_size(c.oid) > (c.relpages * (1 + $1) + 8)
                        * current_setting('block_size')::BIGINT)
          ORDER BY c.relname",
    )
    .bind::<diesel::sql_types::Double, _>(GROWTH_BEFORE_ANALYZE)
    .load(c)?;
    let mut analyzed = Vec::with_capacity(grown.len());
    for table in grown {
        let quoted = format!("\"{}\"", table.name.replace('"', "\"\""));
        diesel::sql_query(format!("ANALYZE {quoted}")).execute(c)?;
        analyzed.push(table.name);
    }
    Ok(Upkeep {
        vacuumed: true,
        analyzed,
    })
}
