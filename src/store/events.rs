//! The event log: every decision and action, for metrics, learning and audit.

use std::cell::RefCell;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::EventRow;
use super::reused::Reused;
use super::schema::events;
use super::{DbConn, StoreError, new_id, now};

/// Who caused an event.
pub struct Actor<'a> {
    pub kind: &'a str,
    pub id: Option<&'a str>,
    pub ip: Option<&'a str>,
}

impl Actor<'static> {
    pub const SYSTEM: Actor<'static> = Actor {
        kind: "system",
        id: None,
        ip: None,
    };
    pub const AI: Actor<'static> = Actor {
        kind: "ai",
        id: None,
        ip: None,
    };
    /// An operator at the command line (shown in the audit log, unlike `SYSTEM`).
    pub const CLI: Actor<'static> = Actor {
        kind: "cli",
        id: None,
        ip: None,
    };
    pub const CUSTOMER: Actor<'static> = Actor {
        kind: "customer",
        id: None,
        ip: None,
    };
}

pub fn record(
    conn: &mut DbConn,
    ticket_id: Option<&str>,
    kind: &str,
    actor: &Actor,
    data: serde_json::Value,
) -> Result<(), StoreError> {
    let row = EventRow {
        id: new_id(),
        ticket_id: ticket_id.map(str::to_string),
        kind: kind.to_string(),
        actor_kind: actor.kind.to_string(),
        actor_id: actor.id.map(str::to_string),
        data: data.to_string(),
        ip: actor.ip.map(str::to_string),
        created_at: now(),
    };
    let Some(row) = hold(conn, row) else {
        return Ok(());
    };
    // A person's page records what they saw or did outside any transaction: it takes
    // its turn at the write lock then.
    super::write_alone(conn, |c| {
        Reused(diesel::insert_into(events::table).values(&row)).execute(c)
    })?;
    Ok(())
}

thread_local! {
    /// The events recorded inside [`batched`] on this thread, and the connection they
    /// belong to (its address: an event recorded on another connection is written at once).
    static HELD: RefCell<Option<(usize, Vec<EventRow>)>> = const { RefCell::new(None) };
}

/// Most events one statement writes (each count of rows is one prepared statement).
const ROWS_PER_INSERT: usize = 16;

/// Keeps `row` for the [`batched`] call running on this connection; hands it back when
/// there is none.
fn hold(conn: &DbConn, row: EventRow) -> Option<EventRow> {
    let key = conn as *const DbConn as usize;
    HELD.with(|held| match held.borrow_mut().as_mut() {
        Some((owner, rows)) if *owner == key => {
            rows.push(row);
            None
        }
        _ => Some(row),
    })
}

/// Runs `f` inside the current transaction and writes the events it recorded on `conn` in
/// as few statements as it can when `f` succeeds, instead of a statement each (on
/// PostgreSQL a round trip each: processing a message records four or five). When `f`
/// fails, its events are dropped, as the rollback of its savepoint drops its other rows.
/// Outside a transaction, or inside another `batched`, `f` runs as it is.
pub fn batched<T, E: From<StoreError>>(
    conn: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> Result<T, E>,
) -> Result<T, E> {
    let key = &*conn as *const DbConn as usize;
    let in_transaction = matches!(super::transaction_depth(conn), Ok(Some(_)));
    if !in_transaction || HELD.with(|held| held.borrow().is_some()) {
        return f(conn);
    }
    /// Forgets the held events however `f` ends, a panic included.
    struct Release;
    impl Drop for Release {
        fn drop(&mut self) {
            HELD.with(|held| held.borrow_mut().take());
        }
    }
    HELD.with(|held| *held.borrow_mut() = Some((key, Vec::new())));
    let _release = Release;
    let done = f(conn)?;
    let rows = HELD
        .with(|held| held.borrow_mut().take())
        .map(|(_, rows)| rows)
        .unwrap_or_default();
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        insert_rows(conn, chunk).map_err(StoreError::from)?;
    }
    Ok(done)
}

/// On SQLite a statement is a function call, not a round trip: one row at a time (its
/// dialect has no multi-row insert in diesel) costs next to nothing.
fn insert_rows(conn: &mut DbConn, rows: &[EventRow]) -> QueryResult<usize> {
    match conn {
        DbConn::Sqlite(c) => {
            for row in rows {
                Reused(diesel::insert_into(events::table).values(row)).execute(c)?;
            }
            Ok(rows.len())
        }
        DbConn::Postgres(c) => Reused(diesel::insert_into(events::table).values(rows)).execute(c),
    }
}

pub fn for_ticket(conn: &mut DbConn, ticket_id: &str) -> Result<Vec<EventRow>, StoreError> {
    Ok(events::table
        .filter(events::ticket_id.eq(ticket_id))
        .order((events::created_at.asc(), events::id.asc()))
        .select(EventRow::as_select())
        .load(conn)?)
}

/// The events of one kind on the given tickets, oldest first.
pub fn of_kind_on(
    conn: &mut DbConn,
    kind: &str,
    ticket_ids: &[String],
) -> Result<Vec<EventRow>, StoreError> {
    Ok(events::table
        .filter(events::kind.eq(kind))
        .filter(events::ticket_id.eq_any(ticket_ids))
        .order((events::created_at.asc(), events::id.asc()))
        .select(EventRow::as_select())
        .load(conn)?)
}

pub fn count_kind(conn: &mut DbConn, kind: &str) -> Result<i64, StoreError> {
    Ok(events::table
        .filter(events::kind.eq(kind))
        .count()
        .get_result(conn)?)
}

/// A failed sign-in: the address tried, where from, whether that account exists, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedLogin {
    pub email: String,
    pub ip: Option<String>,
    pub known_account: bool,
    pub at: chrono::NaiveDateTime,
}

pub const LOGIN_FAILED: &str = "login_failed";
/// A failed sign-in to an address that is no account (counted apart: it cannot guess one).
pub const LOGIN_FAILED_UNKNOWN: &str = "login_failed_unknown";

/// Failed sign-ins since `since` for the account or from the address, newest first,
/// at most `limit` of them.
pub fn recent_failed_logins(
    conn: &mut DbConn,
    email: &str,
    ip: Option<&str>,
    since: chrono::NaiveDateTime,
    limit: i64,
) -> Result<Vec<FailedLogin>, StoreError> {
    let recent = events::table
        .filter(events::kind.eq_any([LOGIN_FAILED, LOGIN_FAILED_UNKNOWN]))
        .filter(events::created_at.ge(since))
        .order((events::created_at.desc(), events::id.desc()))
        .select((
            events::kind,
            events::actor_id,
            events::ip,
            events::created_at,
        ))
        .limit(limit);
    let rows: Vec<(
        String,
        Option<String>,
        Option<String>,
        chrono::NaiveDateTime,
    )> = match ip {
        Some(ip) => recent
            .filter(events::actor_id.eq(email).or(events::ip.eq(ip)))
            .load(conn)?,
        None => recent.filter(events::actor_id.eq(email)).load(conn)?,
    };
    Ok(rows
        .into_iter()
        .map(|(kind, email, ip, at)| FailedLogin {
            email: email.unwrap_or_default(),
            ip,
            known_account: kind == LOGIN_FAILED,
            at,
        })
        .collect())
}

/// An audit row: an event with the acting user's name and the ticket's number.
pub type AuditEntry = (EventRow, Option<String>, Option<i64>);

/// Whether the user signed in successfully from `ip` since `since` (an address the owner
/// uses: guessing spread over other addresses does not slow them there).
pub fn signed_in_from(
    conn: &mut DbConn,
    user_id: &str,
    ip: &str,
    since: chrono::NaiveDateTime,
) -> Result<bool, StoreError> {
    let n: i64 = events::table
        .filter(events::kind.eq("login"))
        .filter(events::actor_id.eq(user_id))
        .filter(events::ip.eq(ip))
        .filter(events::created_at.ge(since))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Events of `kind` from `ip` since `since` (caps what one address can cause).
pub fn count_kind_from(
    conn: &mut DbConn,
    kind: &str,
    ip: &str,
    since: chrono::NaiveDateTime,
) -> Result<i64, StoreError> {
    Ok(events::table
        .filter(events::kind.eq(kind))
        .filter(events::created_at.ge(since))
        .filter(events::ip.eq(ip))
        .count()
        .get_result(conn)?)
}

/// Events of `kinds` after the cursor (`(created_at, id)`, exclusive) and recorded no
/// later than `until`, oldest first, each with its ticket's number.
pub fn after(
    conn: &mut DbConn,
    cursor: (NaiveDateTime, &str),
    until: NaiveDateTime,
    kinds: &[&str],
    limit: i64,
) -> Result<Vec<(EventRow, Option<i64>)>, StoreError> {
    use super::schema::tickets;
    let (at, id) = cursor;
    Ok(events::table
        .left_join(tickets::table.on(events::ticket_id.eq(tickets::id.nullable())))
        .filter(events::kind.eq_any(kinds))
        .filter(
            events::created_at
                .gt(at)
                .or(events::created_at.eq(at).and(events::id.gt(id.to_string()))),
        )
        .filter(events::created_at.le(until))
        .order((events::created_at.asc(), events::id.asc()))
        .limit(limit)
        .select((EventRow::as_select(), tickets::number.nullable()))
        .load(conn)?)
}
