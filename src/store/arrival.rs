//! What the store knows around an arriving message, asked in one statement.
//!
//! Processing a message asks the store four small things once its ticket is found (or
//! known to be new): the next ticket number, how many automatic mails went to the sender
//! lately (the auto-reply loop guard), whether another message carried its Message-ID,
//! and how many tickets wait for a person (the promised reply time). On PostgreSQL each
//! was a round trip of its own, together a sixth of a message's statements; one statement
//! with four scalar parts answers them all. SQLite's statements are function calls, not
//! round trips: there they stay the four queries they were.

use chrono::NaiveDateTime;
use diesel::sql_types::{Array, BigInt, Bool, Nullable, Text, Timestamp};

use super::reused::Reused;
use super::{DbConn, StoreError};

/// What to ask about an arriving message.
pub struct Ask<'a> {
    /// The message opens a ticket: draw its number and count the tickets it queues behind.
    pub new_ticket: bool,
    /// The sender's address, and the automatic kinds of mail counted to it since `since`.
    pub sender: &'a str,
    pub automatic_kinds: &'a [&'a str],
    pub since: NaiveDateTime,
    /// The message's Message-ID and its raw row (which does not count as another).
    pub message_id: Option<&'a str>,
    pub raw_mail_id: &'a str,
    /// The statuses of tickets that wait for a person.
    pub waiting_statuses: &'a [&'a str],
}

/// The answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrival {
    /// The new ticket's number (`None` unless `new_ticket`).
    pub ticket_number: Option<i64>,
    /// Automatic mails to the sender since `since`.
    pub automatic_to_sender: i64,
    /// Other raw messages with the same Message-ID.
    pub others_with_message_id: i64,
    /// Tickets waiting for a person before the new one (`None` unless `new_ticket`).
    pub waiting_for_person: Option<i64>,
}

#[derive(diesel::QueryableByName)]
struct Row {
    #[diesel(sql_type = Nullable<BigInt>)]
    ticket_number: Option<i64>,
    #[diesel(sql_type = BigInt)]
    automatic_to_sender: i64,
    #[diesel(sql_type = BigInt)]
    others_with_message_id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    waiting_for_person: Option<i64>,
}

/// Answers `ask`. A ticket number is drawn only for a new ticket: a reply leaves no gap
/// in the numbers.
pub fn look(conn: &mut DbConn, ask: &Ask) -> Result<Arrival, StoreError> {
    let DbConn::Postgres(c) = conn else {
        return look_one_by_one(conn, ask);
    };
    // Owned: `Reused::load` takes only statements that borrow nothing.
    let kinds: Vec<String> = ask.automatic_kinds.iter().map(|k| k.to_string()).collect();
    let waiting: Vec<String> = ask.waiting_statuses.iter().map(|s| s.to_string()).collect();
    // CASE evaluates `nextval` only on its branch; the waiting count adds the folded
    // counts and the deltas not folded yet, as `counts::total` does.
    let row: Row = Reused(
        diesel::sql_query(
            "SELECT CASE WHEN $1 THEN nextval('ticket_numbers') END AS ticket_number,
                (SELECT COUNT(*) FROM outbox WHERE recipient = $2 AND kind = ANY($3)
                    AND created_at >= $4) AS automatic_to_sender,
                CASE WHEN $5::text IS NULL THEN 0 ELSE
                    (SELECT COUNT(*) FROM raw_mail WHERE message_id = $5 AND id <> $6)
                END AS others_with_message_id,
                CASE WHEN $1 THEN
                    (SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM
                        (SELECT n FROM ticket_counts WHERE status = ANY($7)
                         UNION ALL
                         SELECT n FROM ticket_count_deltas WHERE status = ANY($7)) AS counted)
                END AS waiting_for_person",
        )
        .bind::<Bool, _>(ask.new_ticket)
        .bind::<Text, _>(ask.sender.to_string())
        .bind::<Array<Text>, _>(kinds)
        .bind::<Timestamp, _>(ask.since)
        .bind::<Nullable<Text>, _>(ask.message_id.map(str::to_string))
        .bind::<Text, _>(ask.raw_mail_id.to_string())
        .bind::<Array<Text>, _>(waiting),
    )
    .first(c)?;
    Ok(Arrival {
        ticket_number: row.ticket_number,
        automatic_to_sender: row.automatic_to_sender,
        others_with_message_id: row.others_with_message_id,
        waiting_for_person: row.waiting_for_person,
    })
}

fn look_one_by_one(conn: &mut DbConn, ask: &Ask) -> Result<Arrival, StoreError> {
    let ticket_number = if ask.new_ticket {
        Some(super::tickets::next_number(conn)?)
    } else {
        None
    };
    let others_with_message_id = match ask.message_id {
        Some(id) => super::raw_mail::others_with_message_id(conn, id, ask.raw_mail_id)?,
        None => 0,
    };
    let waiting_for_person = if ask.new_ticket {
        Some(super::counts::total(
            conn,
            super::counts::CountFilter {
                statuses: ask.waiting_statuses,
                ..Default::default()
            },
        )?)
    } else {
        None
    };
    Ok(Arrival {
        ticket_number,
        automatic_to_sender: super::outbox::count_automatic_to(
            conn,
            ask.sender,
            ask.automatic_kinds,
            ask.since,
        )?,
        others_with_message_id,
        waiting_for_person,
    })
}
