//! Persistence: the only layer that knows SQL. One schema and one set of queries serve
//! SQLite (the default) and PostgreSQL, through a diesel `MultiConnection`.

pub mod api_tokens;
pub mod arrival;
pub mod audit;
pub mod bench_rows;
pub mod contact;
pub mod counts;
pub mod customers;
pub mod drafts;
pub mod events;
pub mod health;
pub mod kb;
pub mod messages;
pub mod metrics;
pub mod models;
pub mod organize;
pub mod outbox;
pub mod participants;
pub mod privacy;
pub mod queue;
pub mod raw_mail;
pub mod reused;
pub mod saved_replies;
pub mod schema;
pub mod search;
pub mod seed;
pub mod servers;
pub mod sessions;
pub mod settings;
pub mod tickets;
pub mod triage_models;
pub mod upkeep;
pub mod user_tokens;
pub mod users;
pub mod write_turns;

use std::time::Duration;

use diesel::Connection;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{self, ManageConnection};
use diesel::result::DatabaseErrorKind;
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to whichever backend the configured URL names.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

/// Errors of the store. `Unavailable` means "try again later" (locked, unreachable).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("invalid database URL: {0}")]
    BadUrl(String),
    #[error("database error: {0}")]
    Query(diesel::result::Error),
    #[error("migration failed: {0}")]
    Migration(String),
}

impl StoreError {
    /// Whether retrying later may succeed (a locked SQLite file, a PostgreSQL that is down).
    pub fn is_temporary(&self) -> bool {
        matches!(self, StoreError::Unavailable(_))
    }
}

impl From<diesel::result::Error> for StoreError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::Error as E;
        match e {
            E::NotFound => StoreError::NotFound,
            E::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                StoreError::Conflict(info.message().to_string())
            }
            E::DatabaseError(DatabaseErrorKind::SerializationFailure, info)
            | E::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                StoreError::Unavailable(info.message().to_string())
            }
            E::DatabaseError(_, ref info)
                if info.message().contains("database is locked")
                    || info.message().contains("database is busy")
                    || info.message().contains("due to lock timeout") =>
            {
                StoreError::Unavailable(info.message().to_string())
            }
            other => StoreError::Query(other),
        }
    }
}

impl From<r2d2::PoolError> for StoreError {
    fn from(e: r2d2::PoolError) -> Self {
        StoreError::Unavailable(e.to_string())
    }
}

/// Which backend a URL names; only explicit schemes are accepted so that a typo never
/// silently creates a fresh SQLite file somewhere.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DbTarget {
    Sqlite(String),
    Postgres(String),
}

impl DbTarget {
    pub fn parse(url: &str) -> Result<DbTarget, StoreError> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(StoreError::BadUrl("sqlite:// needs a file path".into()));
            }
            Ok(DbTarget::Sqlite(path.to_string()))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(DbTarget::Postgres(without_tls_on_this_machine(url)))
        } else {
            Err(StoreError::BadUrl(format!(
                "{url:?}: use sqlite://PATH or postgres://USER@HOST/DB"
            )))
        }
    }

    /// A description safe for logs (no password).
    pub fn describe(&self) -> String {
        match self {
            DbTarget::Sqlite(path) => format!("SQLite file {path}"),
            DbTarget::Postgres(url) => {
                let host = url.rsplit('@').next().unwrap_or(url);
                format!("PostgreSQL at {}", host.trim_start_matches("postgres://"))
            }
        }
    }
}

/// A URL naming this machine by address (`localhost`, `127.0.0.1`, `::1`) without an
/// `sslmode` gets `sslmode=disable`. libpq's default (`prefer`) encrypts whenever the server
/// offers TLS, as Debian's does out of the box; over loopback that protects nothing (the
/// bytes never leave the machine) and cost a fifth of the server's CPU in `bench ingest`,
/// every statement encrypted and decrypted. An `sslmode` in the URL is always kept, and
/// any other host keeps libpq's default.
fn without_tls_on_this_machine(url: &str) -> String {
    let (_, rest) = url.split_once("://").unwrap_or(("", url));
    let (authority, query) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], rest[i..].split_once('?').map(|(_, q)| q)),
        None => (rest, None),
    };
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host_port.split(':').next().unwrap_or_default(),
    };
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    let params = query.unwrap_or_default();
    let names_its_own = params
        .split('&')
        .any(|p| p.starts_with("sslmode=") || p.starts_with("host=") || p.starts_with("hostaddr="));
    if !loopback || names_its_own {
        return url.to_string();
    }
    let joiner = match query {
        None => "?",
        Some("") => "",
        Some(_) => "&",
    };
    format!("{url}{joiner}sslmode=disable")
}

/// r2d2 manager that opens the backend named by the URL and applies per-connection settings.
#[derive(Clone, Debug)]
pub struct Manager {
    target: DbTarget,
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        match &self.target {
            DbTarget::Sqlite(path) => {
                let mut conn =
                    SqliteConnection::establish(path).map_err(r2d2::Error::ConnectionError)?;
                // WAL lets readers run beside the writer; busy_timeout makes a second
                // process (an MTA pipe beside `serve`) wait instead of failing at once.
                // synchronous = FULL: a commit returns once the write-ahead log is on
                // disk, which a 202 and an `ingest-mail` exit 0 promise. NORMAL synced
                // only at checkpoints, so a power cut or an OS crash could take back the
                // last commits' messages after their senders had been told they were kept.
                // Savepoint journals in memory: the group commit opens one per message,
                // and on disk each page a message first touched was copied to a temp
                // file (a fifth of the ingest writer's time). A write-ahead log that grew
                // past 64 MiB in a burst is cut back to that when it next starts over.
                // Statistics are not refreshed here (see `refresh_statistics`): looking
                // at every table was a sixth of a short-lived `ingest-mail`'s time.
                // No memory map (SQLite's default): a connection's map took in page
                // after page of a growing file, and the server's RSS grew with the
                // database (+340 % over a 5-minute soak for the ingest writer's map,
                // +294 % over 10 minutes for the pool's). Reads through SQLite's own
                // page cache kept every console page within its target (`bench console`).
                conn.batch_execute(&format!(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                     PRAGMA temp_store = MEMORY; \
                     PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}; PRAGMA foreign_keys = ON; \
                     PRAGMA journal_size_limit = 67108864; \
                     PRAGMA analysis_limit = 400;",
                ))
                .map_err(r2d2::Error::QueryError)?;
                Ok(DbConn::Sqlite(conn))
            }
            DbTarget::Postgres(url) => {
                let mut conn =
                    PgConnection::establish(url).map_err(r2d2::Error::ConnectionError)?;
                // No JIT compilation: before statistics catch up with a growing table, the
                // planner's estimates for the facts triggers' statements crossed
                // `jit_above_cost`, and compiling them took 100 ms a call for statements
                // that run in a fraction of a millisecond (found with auto_explain).
                // A lock held elsewhere (an administrator's ALTER TABLE or VACUUM FULL, a
                // stuck session) is waited for as long as SQLite's busy timeout, then the
                // statement fails as "unavailable": the sender is told to try again
                // instead of hanging until its own time runs out.
                conn.batch_execute(&format!("SET jit = off; {}", postgres_lock_timeout()))
                    .map_err(r2d2::Error::QueryError)?;
                Ok(DbConn::Postgres(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    /// A connection still inside a transaction (a use case panicked, or a rollback
    /// failed) is never handed out again: the next user's writes would silently join
    /// that transaction and never be committed. Dropping it rolls the transaction back.
    fn has_broken(&self, conn: &mut DbConn) -> bool {
        !matches!(transaction_depth(conn), Ok(None))
    }
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConn = r2d2::PooledConnection<Manager>;

/// Opens one connection outside any pool, set up as the pool's are: for a thread that
/// keeps its own for long (the SQLite ingest writer).
pub fn open_one(url: &str) -> Result<DbConn, StoreError> {
    Manager {
        target: DbTarget::parse(url)?,
    }
    .connect()
    .map_err(|e| StoreError::Unavailable(e.to_string()))
}

/// Opens a pool; fails fast (a few seconds) when the database cannot be reached.
pub fn connect(url: &str, max_size: u32) -> Result<Pool, StoreError> {
    let target = DbTarget::parse(url)?;
    if let DbTarget::Sqlite(path) = &target
        && let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
        && !parent.exists()
    {
        return Err(StoreError::BadUrl(format!(
            "folder {} does not exist",
            parent.display()
        )));
    }
    // SQLite allows one writer at a time; a small pool avoids piling writers on the lock.
    let size = match target {
        DbTarget::Sqlite(_) => max_size.min(4),
        DbTarget::Postgres(_) => max_size,
    };
    r2d2::Pool::builder()
        .max_size(size)
        // No background replenishing: a short-lived command (ticket list, ingest-mail)
        // otherwise exits while a pool thread is inside libpq's connect, which crashed
        // the process on PostgreSQL. Connections open when asked for and are kept.
        .min_idle(Some(0))
        .connection_timeout(Duration::from_secs(5))
        .build(Manager { target })
        .map_err(|e| StoreError::Unavailable(e.to_string()))
}

/// Takes the query planner's statistics again for the tables that grew or shrank a lot
/// since they were last taken, or never had any: SQLite's `PRAGMA optimize` over every
/// table, each analysed from at most `analysis_limit` rows. Without statistics SQLite
/// may walk the wrong index (the customer's recent automatic answers once read every
/// automatic draft). PostgreSQL keeps its own with autovacuum, or `upkeep::run`.
pub fn refresh_statistics(conn: &mut DbConn) -> Result<(), StoreError> {
    if let DbConn::Sqlite(c) = conn {
        c.batch_execute("PRAGMA optimize = 0x10002")?;
    }
    Ok(())
}

/// Applies pending migrations for the connection's backend.
pub fn migrate(conn: &mut DbConn) -> Result<usize, StoreError> {
    let migrated =
        |e: Box<dyn std::error::Error + Send + Sync>| StoreError::Migration(e.to_string());
    match conn {
        DbConn::Sqlite(c) => c
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(|v| v.len())
            .map_err(migrated),
        // A migration waits for the locks it needs however long the running servers'
        // statements take (the lock timeout is for the work that has a sender waiting);
        // the connection gets its timeout back whatever happens, a panic included.
        DbConn::Postgres(c) => {
            use diesel::connection::SimpleConnection;
            c.batch_execute("SET lock_timeout = 0")?;
            then_restore(
                c,
                |c| {
                    c.run_pending_migrations(POSTGRES_MIGRATIONS)
                        .map(|v| v.len())
                        .map_err(migrated)
                },
                |c| Ok(c.batch_execute(&postgres_lock_timeout())?),
            )
        }
    }
}

/// The session setting that bounds a PostgreSQL connection's wait for a lock held
/// elsewhere to SQLite's busy timeout.
fn postgres_lock_timeout() -> String {
    format!("SET lock_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
}

/// Reverts migrations, newest first, down to and including `name` (tests that upgrade a
/// database filled under an older schema); returns how many were reverted.
pub fn revert_through(conn: &mut DbConn, name: &str) -> Result<usize, StoreError> {
    let digits = |s: &str| -> String { s.chars().filter(char::is_ascii_digit).collect() };
    let wanted = digits(name.split('_').next().unwrap_or(name));
    let mut reverted = 0;
    loop {
        let last = match conn {
            DbConn::Sqlite(c) => c.revert_last_migration(SQLITE_MIGRATIONS),
            DbConn::Postgres(c) => c.revert_last_migration(POSTGRES_MIGRATIONS),
        }
        .map_err(|e| StoreError::Migration(e.to_string()))?;
        reverted += 1;
        if digits(&last.to_string()) == wanted {
            return Ok(reverted);
        }
    }
}

/// Reverts every migration (used by the schema round-trip test).
pub fn revert_all(conn: &mut DbConn) -> Result<(), StoreError> {
    let result = match conn {
        DbConn::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS).map(|_| ()),
        DbConn::Postgres(c) => c.revert_all_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
    };
    result.map_err(|e| StoreError::Migration(e.to_string()))
}

/// PostgreSQL's marks of work settled after the commit (see [`settle_marks`]); SQLite does
/// that work in the writing transaction, as FTS5's own shadow tables are its alone.
const POSTGRES_ONLY: &str = "'facts_stale', 'search_stale'";

/// Tables and their columns as the live database reports them, for comparing backends
/// (each backend's own work tables left out).
pub fn describe_schema(conn: &mut DbConn) -> Result<Vec<(String, Vec<String>)>, StoreError> {
    use diesel::RunQueryDsl;
    use diesel::sql_types::Text;
    #[derive(diesel::QueryableByName)]
    struct Col {
        #[diesel(sql_type = Text)]
        table_name: String,
        #[diesel(sql_type = Text)]
        column_name: String,
    }
    let cols: Vec<Col> = match conn {
        DbConn::Sqlite(c) => diesel::sql_query(
            "SELECT m.name AS table_name, p.name AS column_name \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
             AND m.name != '__diesel_schema_migrations' \
             AND NOT EXISTS (SELECT 1 FROM sqlite_master v WHERE v.type = 'table' \
               AND v.sql LIKE 'CREATE VIRTUAL TABLE%' AND m.name LIKE v.name || '\\_%' ESCAPE '\\') \
             ORDER BY m.name, p.cid",
        )
        .load(c)?,
        DbConn::Postgres(c) => diesel::sql_query(format!(
            "SELECT table_name::text AS table_name, column_name::text AS column_name \
             FROM information_schema.columns WHERE table_schema = current_schema() \
             AND table_name != '__diesel_schema_migrations' \
             AND table_name NOT IN ({POSTGRES_ONLY}) \
             ORDER BY table_name, ordinal_position"
        ))
        .load(c)?,
    };
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for col in cols {
        match out.last_mut() {
            Some((t, cs)) if *t == col.table_name => cs.push(col.column_name),
            _ => out.push((col.table_name, vec![col.column_name])),
        }
    }
    Ok(out)
}

/// Runs `f` in a transaction: committed when it returns `Ok`, rolled back otherwise.
///
/// On SQLite the transaction starts with `BEGIN IMMEDIATE`: it takes the write lock up
/// front (waiting up to `busy_timeout`), because a deferred transaction that reads first
/// and writes later fails at once with "database is locked" when another process wrote
/// in between — exactly what concurrent ingests do.
///
/// A panic inside `f` rolls the transaction back before it goes on unwinding, so the
/// connection never returns to the pool inside a transaction (and if the rollback fails,
/// the pool discards the connection: see `Manager::has_broken`).
pub fn transaction<T, E: From<diesel::result::Error>>(
    conn: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> Result<T, E>,
) -> Result<T, E> {
    let busy_timeout = Duration::from_millis(SQLITE_BUSY_TIMEOUT_MS.into());
    transaction_waiting(conn, write_turns::Wait::UpTo(busy_timeout), f)
}

/// A write on its own (an event, a touch): outside a transaction it is made one, so that
/// on SQLite it waits for its turn at the write lock ([`write_turns`]) like every other
/// writer of the process, instead of sleeping in SQLite's back-off (1 to 100 ms at a
/// time) while an ingest burst hands the lock from one group to the next; inside a
/// transaction it is part of it.
pub fn write_alone<T, E: From<diesel::result::Error>>(
    conn: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> Result<T, E>,
) -> Result<T, E> {
    match transaction_depth(conn) {
        Ok(Some(_)) => f(conn),
        // A broken transaction manager fails here with its reason, before any write.
        _ => transaction(conn, f),
    }
}

/// [`transaction`], waiting for this process's turn at SQLite's write lock as `wait`
/// says (see [`write_turns`]); PostgreSQL has no such wait.
pub fn transaction_waiting<T, E: From<diesel::result::Error>>(
    conn: &mut DbConn,
    wait: write_turns::Wait,
    f: impl FnOnce(&mut DbConn) -> Result<T, E>,
) -> Result<T, E> {
    let depth_before = transaction_depth(conn)?.map_or(0, |d| d.get());
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run_transaction(conn, wait, f)
    })) {
        Ok(result) => result,
        Err(panic) => {
            roll_back_to(conn, depth_before);
            std::panic::resume_unwind(panic)
        }
    }
}

/// Runs `work` on a connection, then `restore` on it whatever happened, a panic included:
/// the connection goes back to the pool either way, and a setting or lock left on it would
/// stay with whoever takes it next. `work`'s panic goes on unwinding after the restore;
/// `work`'s error comes before the restore's.
pub(crate) fn then_restore<C, T>(
    conn: &mut C,
    work: impl FnOnce(&mut C) -> Result<T, StoreError>,
    restore: impl FnOnce(&mut C) -> Result<(), StoreError>,
) -> Result<T, StoreError> {
    let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&mut *conn)));
    let restored = restore(conn);
    let done = done.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
    restored?;
    Ok(done)
}

/// Whether the connection is inside a transaction, or its transaction manager is broken
/// (a rollback failed; the pool discards such a connection).
pub(crate) fn in_transaction(conn: &mut DbConn) -> bool {
    !matches!(transaction_depth(conn), Ok(None))
}

/// How deep in transactions the connection is (`None`: outside any); an error when the
/// transaction manager is broken (a rollback failed).
fn transaction_depth(conn: &mut DbConn) -> diesel::QueryResult<Option<std::num::NonZeroU32>> {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    match conn {
        DbConn::Sqlite(c) => {
            AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth()
        }
        DbConn::Postgres(c) => {
            AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth()
        }
    }
}

/// Rolls back the transactions (and savepoints) opened above `depth`, best effort.
fn roll_back_to(conn: &mut DbConn, depth: u32) {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    for _ in 0..16 {
        match transaction_depth(conn) {
            Ok(Some(d)) if d.get() > depth => {}
            _ => return,
        }
        let rolled =
            match conn {
                DbConn::Sqlite(c) => <AnsiTransactionManager as TransactionManager<
                    SqliteConnection,
                >>::rollback_transaction(c),
                DbConn::Postgres(c) => <AnsiTransactionManager as TransactionManager<
                    PgConnection,
                >>::rollback_transaction(c),
            };
        if let Err(e) = rolled {
            tracing::error!(error = %e, "rollback after a panic failed; the connection will be discarded");
            return;
        }
    }
}

fn run_transaction<T, E: From<diesel::result::Error>>(
    conn: &mut DbConn,
    wait: write_turns::Wait,
    f: impl FnOnce(&mut DbConn) -> Result<T, E>,
) -> Result<T, E> {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let DbConn::Sqlite(inner) = conn else {
        return conn.transaction(f);
    };
    if AnsiTransactionManager::transaction_manager_status_mut(inner)
        .transaction_depth()?
        .is_some()
    {
        // Already inside a transaction: nest as a savepoint.
        return conn.transaction(f);
    }
    // An in-memory database is this connection's alone: no one to take turns with.
    let file = database_file(inner)?;
    let turns = (!file.is_empty()).then(|| write_turns::for_file(&file));
    let _turn = match &turns {
        Some(turns) => Some(turns.take(wait).ok_or_else(|| {
            diesel::result::Error::DatabaseError(
                DatabaseErrorKind::Unknown,
                Box::new(format!(
                    "database is locked: no turn at the write lock within {wait:?}"
                )),
            )
        })?),
        None => None,
    };
    AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
    let result = f(conn);
    let DbConn::Sqlite(inner) = conn else {
        unreachable!("the backend does not change")
    };
    // Messages queued for the full-text index join it (four times a second).
    let result = match result {
        Ok(value) => search::index_queued_when_due(inner)
            .map(|()| value)
            .map_err(E::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(value) => match <AnsiTransactionManager as TransactionManager<SqliteConnection>>::commit_transaction(inner) {
            Ok(()) => Ok(value),
            Err(e) => {
                let _ = <AnsiTransactionManager as TransactionManager<SqliteConnection>>::rollback_transaction(inner);
                Err(e.into())
            }
        },
        Err(e) => {
            <AnsiTransactionManager as TransactionManager<SqliteConnection>>::rollback_transaction(inner)?;
            Err(e)
        }
    }
}

/// The file of a SQLite connection's main database; empty for an in-memory one.
fn database_file(conn: &mut SqliteConnection) -> diesel::QueryResult<String> {
    #[derive(diesel::QueryableByName)]
    struct File {
        #[diesel(sql_type = diesel::sql_types::Text)]
        file: String,
    }
    // Kept prepared: parsed anew, the pragma's table cost 90 µs a transaction, a
    // quarter of a single-row commit.
    let file: File = reused::Reused(diesel::sql_query(
        "SELECT file FROM pragma_database_list WHERE name = 'main'",
    ))
    .first(conn)?;
    Ok(file.file)
}

/// How long a SQLite connection waits for another's write lock before it fails with
/// "database is locked" (answered "try again"); PostgreSQL connections wait as long for a
/// lock held elsewhere (`lock_timeout`).
pub const SQLITE_BUSY_TIMEOUT_MS: u32 = 5000;

/// How many pages (64 MiB) SQLite's write-ahead log may reach before the ingest writer
/// checkpoints it itself ([`defer_checkpoints`]).
pub const WAL_CHECKPOINT_PAGES: u32 = 16_384;

/// SQLite: this connection's commits leave copying the write-ahead log back into the
/// database file to [`checkpoint`], run by `serve`'s background worker on the other core
/// (at SQLite's default of 1,000 pages the commit that crossed them did it, a twelfth of
/// the ingest writer's time), until the log passes [`WAL_CHECKPOINT_PAGES`]. Why the
/// limit: the log starts over only when a writer begins after a checkpoint copied all of
/// it, and under a steady stream the writer has always written since the background's
/// last one, so the log grew by about 100 KB an email (1.3 GB after 12,000 emails at full
/// speed, never given back) and every commit appended to a longer file. A checkpoint by
/// the writer itself, between its groups, copies what is left and lets the log start over.
/// PostgreSQL: nothing to do.
pub fn defer_checkpoints(conn: &mut DbConn) -> Result<(), StoreError> {
    use diesel::connection::SimpleConnection;
    if let DbConn::Sqlite(c) = conn {
        c.batch_execute(&format!(
            "PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}"
        ))?;
    }
    Ok(())
}

/// SQLite: copies the write-ahead log into the database file as far as readers allow,
/// waiting for no one (a PASSIVE checkpoint); the log then starts over instead of
/// growing. PostgreSQL: nothing to do.
pub fn checkpoint(conn: &mut DbConn) -> Result<(), StoreError> {
    use diesel::connection::SimpleConnection;
    if let DbConn::Sqlite(c) = conn {
        c.batch_execute("PRAGMA wal_checkpoint(PASSIVE)")?;
    }
    Ok(())
}

/// Current time, UTC, as stored (microsecond precision, which both backends keep).
pub fn now() -> chrono::NaiveDateTime {
    use chrono::{SubsecRound, Utc};
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// Jobs that one server at a time does on a shared PostgreSQL, each under its own
/// advisory lock: the other servers skip their turn. The lock is the job's and the
/// schema's: installations in other schemas of the database (the test suite's) never
/// wait for each other.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SoloJob {
    FoldCounts = 7_304_151,
    FoldRollup = 7_304_152,
    Upkeep = 7_304_153,
    SettleFacts = 7_304_154,
    SettleSearch = 7_304_155,
}

/// Takes `job`'s lock if no other session holds it: until the transaction ends, or with
/// `for_session` until [`release_solo`].
pub(crate) fn try_solo(
    c: &mut PgConnection,
    job: SoloJob,
    for_session: bool,
) -> diesel::QueryResult<bool> {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Got {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        got: bool,
    }
    let function = if for_session {
        "pg_try_advisory_lock"
    } else {
        "pg_try_advisory_xact_lock"
    };
    let got: Got = diesel::sql_query(format!(
        "SELECT {function}($1, hashtext(current_schema())) AS got"
    ))
    .bind::<diesel::sql_types::Integer, _>(job as i32)
    .get_result(c)?;
    Ok(got.got)
}

/// Takes `job`'s lock until the transaction ends, waiting while another session holds it.
pub(crate) fn wait_solo(c: &mut PgConnection, job: SoloJob) -> diesel::QueryResult<()> {
    use diesel::RunQueryDsl;
    diesel::sql_query("SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))")
        .bind::<diesel::sql_types::Integer, _>(job as i32)
        .execute(c)?;
    Ok(())
}

/// Marks settled in one transaction: more than a second's ingest at the rates measured,
/// and a bound on how long one transaction (and the settling lock) is held.
const SETTLE_AT_ONCE: i32 = 5_000;

/// Work PostgreSQL's triggers left marked for after the commit (the dashboard's facts,
/// the search documents), done by `function(most)`, which returns how many marks it took:
/// one settler at a time (`job`'s lock), in chunks that each commit on their own. With
/// `wait` the caller waits for another settler to finish and goes on until no mark is
/// left (a reader, who must see every committed write); without it, it skips when another
/// is at it (`serve`'s background round). A reader meeting a large backlog (a batch
/// ingest while no `serve` ran) so holds no transaction and no lock for its whole length,
/// and the chunks it settled stay settled if it is cut off. Returns the marks settled;
/// on SQLite, which keeps this work in the writing transaction, nothing to do.
pub(crate) fn settle_marks(
    conn: &mut DbConn,
    job: SoloJob,
    function: &str,
    marks: &str,
    wait: bool,
) -> Result<usize, StoreError> {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Settled {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        n: i32,
    }
    let DbConn::Postgres(c) = conn else {
        return Ok(0);
    };
    // A reader usually finds nothing marked (`serve` settles every second): one look
    // instead of a transaction of four statements. A settler at work has not committed
    // the removal of its marks, so they are still seen here and the reader waits for it.
    if wait {
        #[derive(diesel::QueryableByName)]
        struct Marked {
            #[diesel(sql_type = diesel::sql_types::Bool)]
            marked: bool,
        }
        let marked: Marked = reused::Reused(diesel::sql_query(format!(
            "SELECT EXISTS (SELECT 1 FROM {marks}) AS marked"
        )))
        .first(c)?;
        if !marked.marked {
            return Ok(0);
        }
    }
    let sql = format!("SELECT {function}($1) AS n");
    let mut total = 0;
    loop {
        let settled = transaction(conn, |conn| -> Result<Option<i32>, StoreError> {
            let DbConn::Postgres(c) = conn else {
                return Ok(None);
            };
            if wait {
                wait_solo(c, job)?;
            } else if !try_solo(c, job, false)? {
                return Ok(None);
            }
            let settled: Settled = diesel::sql_query(&sql)
                .bind::<diesel::sql_types::Integer, _>(SETTLE_AT_ONCE)
                .get_result(c)?;
            Ok(Some(settled.n))
        })?;
        let Some(n) = settled else {
            return Ok(total);
        };
        total += n as usize;
        // Fewer than asked: none are left (but those committed since, for the next round).
        if n < SETTLE_AT_ONCE {
            return Ok(total);
        }
    }
}

/// Gives back a lock [`try_solo`] took for the session.
pub(crate) fn release_solo(c: &mut PgConnection, job: SoloJob) -> diesel::QueryResult<()> {
    use diesel::RunQueryDsl;
    diesel::sql_query("SELECT pg_advisory_unlock($1, hashtext(current_schema()))")
        .bind::<diesel::sql_types::Integer, _>(job as i32)
        .execute(c)?;
    Ok(())
}

/// A fresh time-ordered id.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_on_this_machine_is_reached_without_tls_unless_the_url_asks_for_it() {
        let target = |url: &str| match DbTarget::parse(url).unwrap() {
            DbTarget::Postgres(u) => u,
            DbTarget::Sqlite(_) => unreachable!(),
        };
        for (given, used) in [
            (
                "postgres://postgres@127.0.0.1:5432/test",
                "postgres://postgres@127.0.0.1:5432/test?sslmode=disable",
            ),
            (
                "postgresql://u:p%40ss@localhost/db?application_name=tandem",
                "postgresql://u:p%40ss@localhost/db?application_name=tandem&sslmode=disable",
            ),
            ("postgres://[::1]:5433/db", "postgres://[::1]:5433/db?sslmode=disable"),
            ("postgres://127.0.0.2/db?", "postgres://127.0.0.2/db?sslmode=disable"),
            // The URL's own choice, another machine, or a socket named apart: unchanged.
            (
                "postgres://u@127.0.0.1/db?sslmode=require",
                "postgres://u@127.0.0.1/db?sslmode=require",
            ),
            ("postgres://u@db.example.com/db", "postgres://u@db.example.com/db"),
            ("postgres://u@10.0.0.5:5432/db", "postgres://u@10.0.0.5:5432/db"),
            ("postgres://localhost.example.com/db", "postgres://localhost.example.com/db"),
            (
                "postgres://u@localhost/db?host=/var/run/postgresql",
                "postgres://u@localhost/db?host=/var/run/postgresql",
            ),
        ] {
            assert_eq!(target(given), used, "{given}");
        }
    }

    /// SQLite 3.7.0 to 3.51.2 can corrupt a database in WAL mode when one connection's
    /// commit resets the log while another starts a checkpoint (the "WAL-reset bug",
    /// sqlite.org/wal.html#walresetbug). Tandem runs exactly that: the ingest writer,
    /// the outbox worker and the five-a-second background checkpoint, on connections of
    /// their own. A 3.46.0 build corrupted a 20,000-ticket store within four minutes of
    /// `bench soak`. The bundled library must be a fixed one.
    #[test]
    fn the_bundled_sqlite_has_the_wal_reset_fix() {
        use diesel::RunQueryDsl;
        let mut conn = diesel::SqliteConnection::establish(":memory:").unwrap();
        #[derive(diesel::QueryableByName)]
        struct Version {
            #[diesel(sql_type = diesel::sql_types::Text)]
            v: String,
        }
        let version: Version = diesel::sql_query("SELECT sqlite_version() AS v")
            .get_result(&mut conn)
            .unwrap();
        let parts: Vec<u32> = version.v.split('.').map(|p| p.parse().unwrap()).collect();
        assert!(
            parts.as_slice() >= [3, 51, 3].as_slice(),
            "SQLite {} has the WAL-reset bug",
            version.v
        );
    }

    /// The outbox worker's write beside the ingest writer committing one group after
    /// another: without turns it slept in SQLite's busy back-off while the writer took the
    /// lock again and again (316 of 3,000 replies sent during a burst). With turns it
    /// waits behind at most the writer's transaction in progress and the one it asked for
    /// first.
    #[test]
    fn a_write_beside_a_writer_committing_back_to_back_waits_for_at_most_two_of_its_commits() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("turns.db").display());
        let pool = connect(&url, 4).unwrap();
        {
            let mut conn = pool.get().unwrap();
            // Every transaction also indexes queued messages for search: the real schema.
            migrate(&mut conn).unwrap();
            conn.batch_execute("CREATE TABLE t (who TEXT NOT NULL)")
                .unwrap();
        }
        let insert = |who: &'static str| {
            move |c: &mut DbConn| {
                c.batch_execute(&format!("INSERT INTO t VALUES ('{who}')"))
                    .map_err(StoreError::from)
            }
        };
        let commits = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let writer = {
            let (pool, commits, stop) = (pool.clone(), commits.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut conn = pool.get().unwrap();
                while !stop.load(Ordering::SeqCst) {
                    transaction(&mut conn, insert("writer")).unwrap();
                    commits.fetch_add(1, Ordering::SeqCst);
                }
            })
        };
        let mut conn = pool.get().unwrap();
        let mut overtaken = Vec::new();
        for _ in 0..10 {
            let before = commits.load(Ordering::SeqCst);
            while commits.load(Ordering::SeqCst) < before + 3 {
                assert!(!writer.is_finished(), "the writer stopped");
                std::thread::yield_now();
            }
            let asked = commits.load(Ordering::SeqCst);
            let done = transaction(&mut conn, insert("outbox"));
            overtaken.push(commits.load(Ordering::SeqCst) - asked);
            assert!(done.is_ok(), "the write failed: {done:?}");
        }
        stop.store(true, Ordering::SeqCst);
        writer.join().unwrap();
        // Most, not all: a thread the machine pauses between reading the count and
        // asking for its turn lets the writer on meanwhile.
        let mut sorted = overtaken.clone();
        sorted.sort_unstable();
        assert!(
            sorted[7] <= 2,
            "writer commits that overtook each write: {overtaken:?}"
        );
    }

    /// Stands for a pooled connection's setting: whether it was put back.
    #[derive(Default)]
    struct Conn {
        restored: bool,
    }

    fn restore(c: &mut Conn) -> Result<(), StoreError> {
        c.restored = true;
        Ok(())
    }

    #[test]
    fn a_connection_is_restored_after_success_failure_and_panic() {
        let mut c = Conn::default();
        assert_eq!(then_restore(&mut c, |_| Ok(7), restore).unwrap(), 7);
        assert!(c.restored);

        let mut c = Conn::default();
        let failed = then_restore(&mut c, |_| Err::<(), _>(StoreError::NotFound), restore);
        assert!(matches!(failed, Err(StoreError::NotFound)));
        assert!(c.restored);

        let mut c = Conn::default();
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            then_restore(
                &mut c,
                |_| -> Result<(), StoreError> { panic!("inside") },
                restore,
            )
        }));
        assert!(panicked.is_err(), "the panic goes on unwinding");
        assert!(c.restored, "restored before it did");

        // The work's error comes first; the restore's is reported when the work succeeded.
        let mut c = Conn::default();
        let broken = |_: &mut Conn| Err(StoreError::Conflict("restore".into()));
        let both = then_restore(&mut c, |_| Err::<(), _>(StoreError::NotFound), broken);
        assert!(matches!(both, Err(StoreError::NotFound)));
        let only_restore = then_restore(&mut c, |_| Ok(()), broken);
        assert!(matches!(only_restore, Err(StoreError::Conflict(_))));
    }
}
