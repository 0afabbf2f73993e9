//! `tandem check`: whether the store is sound and its work keeps pace, for an admin
//! before an upgrade, after a crash or a full disk, or from a monitoring job.

use chrono::NaiveDateTime;

use crate::store::health::{self, Depth, Integrity};
use crate::store::{self, StoreError};

use super::App;

/// Integrity problems reported at most: the first few tell an admin what broke.
const PROBLEMS_SHOWN: u32 = 20;

/// What the check found.
#[derive(Debug, Clone)]
pub struct Health {
    /// The database, safe for printing (no password).
    pub database: String,
    pub integrity: Integrity,
    /// Migrations this build would apply (`tandem migrate`, or `serve` at start).
    pub pending_migrations: Vec<String>,
    /// Inbound messages stored and not yet processed.
    pub inbound_waiting: i64,
    /// Inbound messages parked as failed (`tandem failed-mail`).
    pub inbound_failed: i64,
    /// Outgoing messages due or being sent.
    pub outbox_waiting: i64,
    /// When the longest-waiting of them became due.
    pub outbox_oldest_due: Option<NaiveDateTime>,
    /// Outgoing messages that failed for good.
    pub outbox_failed: i64,
}

impl Health {
    /// Sound: the file is intact and the schema is this build's. Waiting work is
    /// reported, not judged: a burst queues some, and a stopped server all of it.
    pub fn is_sound(&self) -> bool {
        !matches!(self.integrity, Integrity::Problems(_)) && self.pending_migrations.is_empty()
    }
}

/// Looks at the store; `full` checks every index against its table too (SQLite).
pub fn check(app: &App, full: bool) -> Result<Health, StoreError> {
    let depth = if full { Depth::Full } else { Depth::Quick };
    // A connection of its own: SQLite's check of the search index (FTS5) reads the index's
    // structure as the connection cached it, and a pooled connection that wrote to the
    // index before others did reported a checksum mismatch the file did not have.
    let integrity = {
        let mut fresh = store::connect(&app.config.database_url, 1)?.get()?;
        health::integrity(&mut fresh, depth, PROBLEMS_SHOWN)?
    };
    let mut conn = app.conn()?;
    let found = |integrity, pending_migrations| Health {
        database: describe(app),
        integrity,
        pending_migrations,
        inbound_waiting: 0,
        inbound_failed: 0,
        outbox_waiting: 0,
        outbox_oldest_due: None,
        outbox_failed: 0,
    };
    // Counting rows of a broken file, or of a schema this build does not know, may fail
    // or mislead: report what is known.
    if matches!(integrity, Integrity::Problems(_)) {
        return Ok(found(integrity, Vec::new()));
    }
    let pending_migrations = health::pending_migrations(&mut conn)?;
    if !pending_migrations.is_empty() {
        return Ok(found(integrity, pending_migrations));
    }
    use store::{outbox, raw_mail};
    Ok(Health {
        inbound_waiting: raw_mail::count_by_status(&mut conn, raw_mail::RECEIVED)?
            + raw_mail::count_by_status(&mut conn, raw_mail::QUEUED)?,
        inbound_failed: raw_mail::count_by_status(&mut conn, raw_mail::FAILED)?,
        outbox_waiting: outbox::count_by_status(&mut conn, outbox::PENDING)?
            + outbox::count_by_status(&mut conn, outbox::SENDING)?,
        outbox_oldest_due: outbox::oldest_due(&mut conn, store::now())?,
        outbox_failed: outbox::count_by_status(&mut conn, outbox::FAILED)?,
        ..found(integrity, pending_migrations)
    })
}

fn describe(app: &App) -> String {
    store::DbTarget::parse(&app.config.database_url)
        .map(|t| t.describe())
        .unwrap_or_else(|e| e.to_string())
}
