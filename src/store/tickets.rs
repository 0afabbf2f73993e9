//! Tickets and their short human numbers.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::{CustomerRow, TicketRow};
use super::reused::Reused;
use super::schema::{counters, customers, messages, tickets};
use super::{DbConn, StoreError, now};

/// Allocates the next ticket number. On SQLite the UPDATE of the counter row takes the
/// write lock (there is one writer at a time anyway). On PostgreSQL a sequence hands the
/// numbers out without a lock (migration `*_concurrent_writers`): a counter row would make
/// every concurrent writer wait for the transaction that drew the last number to commit.
/// A transaction that rolls back leaves its number unused there.
pub fn next_number(conn: &mut DbConn) -> Result<i64, StoreError> {
    if let DbConn::Postgres(c) = conn {
        return Ok(Reused(diesel::select(
            diesel::dsl::sql::<diesel::sql_types::BigInt>("nextval('ticket_numbers')"),
        ))
        .first(c)?);
    }
    Reused(
        diesel::update(counters::table.find("ticket_number"))
            .set(counters::value.eq(counters::value + 1)),
    )
    .execute(conn)?;
    Ok(counters::table
        .find("ticket_number")
        .select(counters::value)
        .first(conn)?)
}

/// Makes the next ticket number at least `last + 1` (after tickets were written with
/// numbers of their own, as the benchmarks' seeding does).
pub fn numbers_continue_after(conn: &mut DbConn, last: i64) -> Result<(), StoreError> {
    if let DbConn::Postgres(c) = conn {
        diesel::sql_query(
            "SELECT setval('ticket_numbers', GREATEST($1, (SELECT last_value FROM ticket_numbers)))",
        )
        .bind::<diesel::sql_types::BigInt, _>(last)
        .execute(c)?;
        return Ok(());
    }
    diesel::update(counters::table.find("ticket_number"))
        .filter(counters::value.lt(last))
        .set(counters::value.eq(last))
        .execute(conn)?;
    Ok(())
}

pub fn insert(conn: &mut DbConn, row: &TicketRow) -> Result<(), StoreError> {
    Reused(diesel::insert_into(tickets::table).values(row)).execute(conn)?;
    Ok(())
}

pub fn get(conn: &mut DbConn, id: &str) -> Result<TicketRow, StoreError> {
    Ok(tickets::table
        .find(id)
        .select(TicketRow::as_select())
        .first(conn)?)
}

pub fn get_by_number(conn: &mut DbConn, number: i64) -> Result<Option<TicketRow>, StoreError> {
    Ok(tickets::table
        .filter(tickets::number.eq(number))
        .select(TicketRow::as_select())
        .first(conn)
        .optional()?)
}

/// The ticket a reply from `sender` belongs to, by the RFC 5322 Message-IDs it refers
/// to, `ids` in order of preference (its In-Reply-To, then its References newest first).
/// Anyone can put any Message-ID on a new mail, so among the messages that carry an ID,
/// one of our own comes first, then one the sender wrote, then the oldest: a stranger's
/// mail that reused (or took first) a customer's Message-ID does not draw the customer's
/// replies onto the stranger's ticket.
pub fn find_by_message_ids(
    conn: &mut DbConn,
    ids: &[String],
    sender: &str,
) -> Result<Option<TicketRow>, StoreError> {
    if ids.is_empty() {
        return Ok(None);
    }
    // Oldest first and bounded: the messages that first carried an ID are among those
    // read however many later mails reused it.
    let carriers: Vec<(TicketRow, Option<String>, String, Option<String>)> = tickets::table
        .inner_join(messages::table)
        .filter(messages::internet_message_id.eq_any(ids))
        .order((messages::created_at.asc(), messages::id.asc()))
        .limit(MOST_CARRIERS_READ)
        .select((
            TicketRow::as_select(),
            messages::internet_message_id,
            messages::direction,
            messages::sender,
        ))
        .load(conn)?;
    // `min_by_key` keeps the first of equals, the oldest.
    Ok(carriers
        .into_iter()
        .min_by_key(|(_, id, direction, from)| {
            let rank = ids.iter().position(|i| Some(i) == id.as_ref());
            let carrier = if direction == crate::domain::OUTBOUND {
                0
            } else if from.as_deref() == Some(sender) {
                1
            } else {
                2
            };
            (rank.unwrap_or(usize::MAX), carrier)
        })
        .map(|(ticket, ..)| ticket))
}

/// Most messages read when threading a reply by its Message-IDs.
const MOST_CARRIERS_READ: i64 = 256;

/// Fields that change as a ticket moves through its lifecycle.
pub struct TicketUpdate<'a> {
    pub status: &'a str,
    pub language: Option<&'a str>,
    pub intent: Option<&'a str>,
    pub assignee_id: Option<Option<&'a str>>,
    pub waiting_since: Option<Option<NaiveDateTime>>,
    pub first_response_at: Option<NaiveDateTime>,
    pub resolved_at: Option<Option<NaiveDateTime>>,
}

impl<'a> TicketUpdate<'a> {
    /// The ticket as this update leaves it at `at` (its version one higher).
    pub fn applied_to(&self, ticket: &TicketRow, at: NaiveDateTime) -> TicketRow {
        let mut next = ticket.clone();
        next.status = self.status.to_string();
        if let Some(l) = self.language {
            next.language = Some(l.to_string());
        }
        if let Some(i) = self.intent {
            next.intent = Some(i.to_string());
        }
        if let Some(a) = self.assignee_id {
            next.assignee_id = a.map(str::to_string);
        }
        if let Some(w) = self.waiting_since {
            next.waiting_since = w;
        }
        if let Some(f) = self.first_response_at {
            next.first_response_at.get_or_insert(f);
        }
        if let Some(r) = self.resolved_at {
            next.resolved_at = r;
        }
        next.version = ticket.version + 1;
        next.updated_at = at;
        next
    }

    pub fn status(status: &'a str) -> Self {
        TicketUpdate {
            status,
            language: None,
            intent: None,
            assignee_id: None,
            waiting_since: None,
            first_response_at: None,
            resolved_at: None,
        }
    }
}

/// Applies `update` if the ticket is still at `expected_version` (optimistic locking);
/// returns `Conflict` when someone else changed it first.
pub fn update(
    conn: &mut DbConn,
    ticket: &TicketRow,
    update: &TicketUpdate,
) -> Result<TicketRow, StoreError> {
    let next = update.applied_to(ticket, now());
    let changed = Reused(
        diesel::update(
            tickets::table
                .find(&ticket.id)
                .filter(tickets::version.eq(ticket.version)),
        )
        .set((
            tickets::status.eq(&next.status),
            tickets::language.eq(&next.language),
            tickets::intent.eq(&next.intent),
            tickets::assignee_id.eq(&next.assignee_id),
            tickets::waiting_since.eq(next.waiting_since),
            tickets::first_response_at.eq(next.first_response_at),
            tickets::resolved_at.eq(next.resolved_at),
            tickets::version.eq(next.version),
            tickets::updated_at.eq(next.updated_at),
        )),
    )
    .execute(conn)?;
    if changed == 0 {
        return Err(StoreError::Conflict(format!(
            "ticket #{} was changed by someone else",
            ticket.number
        )));
    }
    Ok(next)
}

/// Sets (or clears) when the ticket was first answered, version-checked like [`update`]:
/// [`TicketUpdate`] only ever sets it once, and an undone send must take it back.
pub fn set_first_response(
    conn: &mut DbConn,
    ticket: &TicketRow,
    at: Option<NaiveDateTime>,
) -> Result<TicketRow, StoreError> {
    let mut next = ticket.clone();
    next.first_response_at = at;
    next.version = ticket.version + 1;
    next.updated_at = now();
    let changed = Reused(
        diesel::update(
            tickets::table
                .find(&ticket.id)
                .filter(tickets::version.eq(ticket.version)),
        )
        .set((
            tickets::first_response_at.eq(next.first_response_at),
            tickets::version.eq(next.version),
            tickets::updated_at.eq(next.updated_at),
        )),
    )
    .execute(conn)?;
    if changed == 0 {
        return Err(StoreError::Conflict(format!(
            "ticket #{} was changed by someone else",
            ticket.number
        )));
    }
    Ok(next)
}

/// Tickets with their customers, newest first.
pub fn list(
    conn: &mut DbConn,
    limit: i64,
    offset: i64,
) -> Result<Vec<(TicketRow, CustomerRow)>, StoreError> {
    Ok(tickets::table
        .inner_join(customers::table)
        .order(tickets::number.desc())
        .limit(limit)
        .offset(offset)
        .select((TicketRow::as_select(), CustomerRow::as_select()))
        .load(conn)?)
}

/// How many tickets wait for a person right now (for expected reply times; every
/// acknowledgement asks, so it reads the maintained counts, not the backlog).
pub fn count_waiting_for_person(conn: &mut DbConn) -> Result<i64, StoreError> {
    super::counts::total(
        conn,
        super::counts::CountFilter {
            statuses: crate::domain::ticket::WAITING_FOR_PERSON,
            ..Default::default()
        },
    )
}

pub fn count_all(conn: &mut DbConn) -> Result<i64, StoreError> {
    Ok(tickets::table.count().get_result(conn)?)
}

/// A customer's tickets, newest first.
pub fn for_customer(
    conn: &mut DbConn,
    customer_id: &str,
    limit: i64,
) -> Result<Vec<TicketRow>, StoreError> {
    Ok(tickets::table
        .filter(tickets::customer_id.eq(customer_id))
        .order(tickets::created_at.desc())
        .limit(limit)
        .select(TicketRow::as_select())
        .load(conn)?)
}

/// Moves a ticket and its thread `minutes` into the past (demo data that looks lived-in).
pub fn backdate(conn: &mut DbConn, ticket_id: &str, minutes: i64) -> Result<(), StoreError> {
    use super::schema::{drafts, events, messages as m, outbox};
    let t = get(conn, ticket_id)?;
    let shift = chrono::Duration::minutes(minutes);
    diesel::update(tickets::table.find(ticket_id))
        .set((
            tickets::created_at.eq(t.created_at - shift),
            tickets::updated_at.eq(t.updated_at - shift),
            tickets::waiting_since.eq(t.waiting_since.map(|w| w - shift)),
            tickets::first_response_at.eq(t.first_response_at.map(|w| w - shift)),
        ))
        .execute(conn)?;
    for (id, at) in m::table
        .filter(m::ticket_id.eq(ticket_id))
        .select((m::id, m::created_at))
        .load::<(String, NaiveDateTime)>(conn)?
    {
        diesel::update(m::table.find(id))
            .set(m::created_at.eq(at - shift))
            .execute(conn)?;
    }
    for (id, at) in events::table
        .filter(events::ticket_id.eq(ticket_id))
        .select((events::id, events::created_at))
        .load::<(String, NaiveDateTime)>(conn)?
    {
        diesel::update(events::table.find(id))
            .set(events::created_at.eq(at - shift))
            .execute(conn)?;
    }
    for (id, at, decided) in drafts::table
        .filter(drafts::ticket_id.eq(ticket_id))
        .select((drafts::id, drafts::created_at, drafts::decided_at))
        .load::<(String, NaiveDateTime, Option<NaiveDateTime>)>(conn)?
    {
        diesel::update(drafts::table.find(id))
            .set((
                drafts::created_at.eq(at - shift),
                drafts::decided_at.eq(decided.map(|d| d - shift)),
            ))
            .execute(conn)?;
    }
    for (id, at) in outbox::table
        .filter(outbox::ticket_id.eq(ticket_id))
        .select((outbox::id, outbox::created_at))
        .load::<(String, NaiveDateTime)>(conn)?
    {
        diesel::update(outbox::table.find(id))
            .set(outbox::created_at.eq(at - shift))
            .execute(conn)?;
    }
    Ok(())
}

/// Marks that the customer asked for a person on this ticket (never cleared).
pub fn set_human_requested(conn: &mut DbConn, ticket_id: &str) -> Result<(), StoreError> {
    Reused(diesel::update(tickets::table.find(ticket_id)).set(tickets::human_requested.eq(true)))
        .execute(conn)?;
    Ok(())
}

/// The number of another ticket of the customer (not `except`), still open, on which they
/// asked for a person.
pub fn open_ticket_where_person_asked(
    conn: &mut DbConn,
    customer_id: &str,
    except: &str,
) -> Result<Option<i64>, StoreError> {
    use crate::domain::ticket::Status;
    Ok(tickets::table
        .filter(tickets::customer_id.eq(customer_id))
        .filter(tickets::id.ne(except))
        .filter(tickets::human_requested.eq(true))
        .filter(tickets::status.ne_all([Status::Resolved.as_str(), Status::Closed.as_str()]))
        .select(tickets::number)
        .order(tickets::number.desc())
        .first(conn)
        .optional()?)
}

/// Whether the customer asked for a person on this ticket.
pub fn human_requested(conn: &mut DbConn, ticket_id: &str) -> Result<bool, StoreError> {
    Ok(tickets::table
        .find(ticket_id)
        .select(tickets::human_requested)
        .first(conn)?)
}
