//! What `tandem check` looks at in the database itself: whether the file is sound, and
//! which migrations wait.

use diesel::prelude::*;
use diesel::sql_types::Text;

use super::{DbConn, StoreError};

/// What an integrity check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Integrity {
    /// SQLite checked every page and found nothing wrong.
    Sound,
    /// SQLite's own words for each problem, at most the number asked for.
    Problems(Vec<String>),
    /// PostgreSQL: its data files are guarded by PostgreSQL itself (write-ahead log,
    /// page checksums where enabled), with tools of its own (`pg_amcheck`).
    NotChecked,
}

/// How thorough a SQLite check is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// `PRAGMA quick_check`: every page and every b-tree, not whether each index holds
    /// exactly its table's rows. Seconds for a gigabyte.
    Quick,
    /// `PRAGMA integrity_check`: also every index against its table.
    Full,
}

/// Checks the database file, reporting at most `limit` problems.
pub fn integrity(conn: &mut DbConn, depth: Depth, limit: u32) -> Result<Integrity, StoreError> {
    let DbConn::Sqlite(c) = conn else {
        return Ok(Integrity::NotChecked);
    };
    #[derive(QueryableByName)]
    struct Quick {
        #[diesel(sql_type = Text)]
        quick_check: String,
    }
    #[derive(QueryableByName)]
    struct Full {
        #[diesel(sql_type = Text)]
        integrity_check: String,
    }
    // The pragma itself: as a table-valued function its argument names a table.
    let lines = match depth {
        Depth::Quick => diesel::sql_query(format!("PRAGMA quick_check({limit})"))
            .load::<Quick>(c)
            .map(|rows| rows.into_iter().map(|r| r.quick_check).collect::<Vec<_>>()),
        Depth::Full => diesel::sql_query(format!("PRAGMA integrity_check({limit})"))
            .load::<Full>(c)
            .map(|rows| rows.into_iter().map(|r| r.integrity_check).collect()),
    };
    let lines: Vec<String> = match lines {
        Ok(lines) => lines,
        // A page so broken that the check itself cannot read on is a finding, not a
        // failure to check.
        Err(diesel::result::Error::DatabaseError(_, info))
            if info.message().contains("malformed")
                || info.message().contains("not a database") =>
        {
            return Ok(Integrity::Problems(vec![info.message().to_string()]));
        }
        Err(e) => return Err(e.into()),
    };
    let problems: Vec<String> = lines.into_iter().filter(|l| l != "ok").collect();
    Ok(if problems.is_empty() {
        Integrity::Sound
    } else {
        Integrity::Problems(problems)
    })
}

/// The names of the migrations this build has that the database has not applied.
pub fn pending_migrations(conn: &mut DbConn) -> Result<Vec<String>, StoreError> {
    use diesel_migrations::MigrationHarness;
    let pending = match conn {
        DbConn::Sqlite(c) => c
            .pending_migrations(super::SQLITE_MIGRATIONS)
            .map(|m| m.iter().map(|m| m.name().to_string()).collect()),
        DbConn::Postgres(c) => c
            .pending_migrations(super::POSTGRES_MIGRATIONS)
            .map(|m| m.iter().map(|m| m.name().to_string()).collect()),
    };
    pending.map_err(|e| StoreError::Migration(e.to_string()))
}
