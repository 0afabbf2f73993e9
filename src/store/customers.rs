//! Customers: the people who write in, one row per address.

use diesel::prelude::*;

use super::models::CustomerRow;
use super::reused::Reused;
use super::schema::{customer_identities, customers, tickets};
use super::{DbConn, StoreError, new_id, now};

pub fn find_by_email(conn: &mut DbConn, email: &str) -> Result<Option<CustomerRow>, StoreError> {
    Ok(customers::table
        .filter(customers::email.eq(email))
        .select(CustomerRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn get(conn: &mut DbConn, id: &str) -> Result<CustomerRow, StoreError> {
    Ok(customers::table
        .find(id)
        .select(CustomerRow::as_select())
        .first(conn)?)
}

/// The customer an address belongs to: their own, or one linked to them.
/// One statement, each half an index lookup: asked of every inbound message, and on
/// PostgreSQL each statement is a round trip (a first contact took two, then the insert).
pub fn find_by_address(
    conn: &mut DbConn,
    address: &str,
) -> Result<Option<CustomerRow>, StoreError> {
    // Built for each backend: a selection's type names its backend.
    macro_rules! own_or_linked {
        () => {
            Reused(
                customers::table
                    .filter(customers::email.eq(address.to_owned()))
                    .select(CustomerRow::as_select())
                    .union_all(
                        customers::table
                            .inner_join(
                                customer_identities::table
                                    .on(customer_identities::customer_id.eq(customers::id)),
                            )
                            .filter(customer_identities::address.eq(address.to_owned()))
                            .select(CustomerRow::as_select()),
                    ),
            )
        };
    }
    let mut found: Vec<CustomerRow> = match conn {
        DbConn::Sqlite(c) => own_or_linked!().load(c)?,
        DbConn::Postgres(c) => own_or_linked!().load(c)?,
    };
    // Their own address wins over a link (a merge leaves none of the kind, but a link is
    // only a pointer, and the address's owner is who wrote).
    Ok(match found.iter().position(|c| c.email == address) {
        Some(i) => Some(found.swap_remove(i)),
        None => found.pop(),
    })
}

/// The other addresses linked to a customer, oldest first.
pub fn identities(conn: &mut DbConn, customer_id: &str) -> Result<Vec<String>, StoreError> {
    Ok(customer_identities::table
        .filter(customer_identities::customer_id.eq(customer_id))
        .order(customer_identities::created_at.asc())
        .select(customer_identities::address)
        .load(conn)?)
}

/// Merges customer `from` into `into`: their tickets and linked addresses move, their own
/// address becomes one of `into`'s, a VIP mark is kept, and `from` is gone. Returns the
/// tickets moved.
pub fn merge(
    conn: &mut DbConn,
    from: &CustomerRow,
    into: &CustomerRow,
) -> Result<usize, StoreError> {
    let moved = diesel::update(tickets::table.filter(tickets::customer_id.eq(&from.id)))
        .set(tickets::customer_id.eq(&into.id))
        .execute(conn)?;
    diesel::update(
        customer_identities::table.filter(customer_identities::customer_id.eq(&from.id)),
    )
    .set(customer_identities::customer_id.eq(&into.id))
    .execute(conn)?;
    diesel::insert_into(customer_identities::table)
        .values((
            customer_identities::address.eq(&from.email),
            customer_identities::customer_id.eq(&into.id),
            customer_identities::created_at.eq(now()),
        ))
        .execute(conn)?;
    if from.vip && !into.vip {
        set_vip(conn, &into.id, true)?;
    }
    diesel::delete(customers::table.find(&from.id)).execute(conn)?;
    Ok(moved)
}

/// Unlinks `address` from its customer and makes it a customer of its own again, with
/// the tickets `tickets` (ids). Returns the new customer.
pub fn split(
    conn: &mut DbConn,
    address: &str,
    tickets_of_address: &[String],
) -> Result<CustomerRow, StoreError> {
    diesel::delete(customer_identities::table.find(address)).execute(conn)?;
    let row = CustomerRow {
        id: new_id(),
        email: address.to_string(),
        name: None,
        language: None,
        vip: false,
        created_at: now(),
    };
    Reused(diesel::insert_into(customers::table).values(&row)).execute(conn)?;
    diesel::update(tickets::table.filter(tickets::id.eq_any(tickets_of_address)))
        .set(tickets::customer_id.eq(&row.id))
        .execute(conn)?;
    Ok(row)
}

/// Forgets every address linked to a customer (an erasure).
pub fn forget_identities(conn: &mut DbConn, customer_id: &str) -> Result<usize, StoreError> {
    Ok(diesel::delete(
        customer_identities::table.filter(customer_identities::customer_id.eq(customer_id)),
    )
    .execute(conn)?)
}

/// A customer found by address, or created on first contact.
pub struct Found {
    pub row: CustomerRow,
    /// Created just now: no tickets, drafts or history of theirs exist yet.
    pub first_contact: bool,
}

/// Returns the customer with this address (their own or a linked one), or on first
/// contact a new customer's row, not stored yet: the caller stores it with
/// [`insert`] once it knows more (the language it writes in), one statement instead
/// of an insert and an update.
pub fn find_or_new(
    conn: &mut DbConn,
    email: &str,
    name: Option<&str>,
    in_turn: bool,
) -> Result<Found, StoreError> {
    if let Some(found) = find_by_address(conn, email)?
        && lock_unerased(conn, &found.id, in_turn)?
    {
        return Ok(Found {
            row: found,
            first_contact: false,
        });
    }
    Ok(Found {
        row: CustomerRow {
            id: new_id(),
            email: email.to_string(),
            name: name.map(str::to_string),
            language: None,
            vip: false,
            created_at: now(),
        },
        first_contact: true,
    })
}

/// On PostgreSQL, locks the row of a customer a message is about to be filed under, and
/// says whether they are still there to file it under. An erasure locks the row first
/// (see [`lock`]): one under way makes this wait, and once it has committed the row is
/// erased (the address is nobody's: the message starts a new customer); one that starts
/// later waits for this message's ticket and erases it too. The lock is shared, so that
/// messages of one customer (and groups of messages in any order) never wait for each
/// other, unless `in_turn` asks for them to take turns: one exclusive lock, taken before
/// any other (a shared one first, then an exclusive one, would deadlock with a second
/// message doing the same). SQLite's writers take turns already.
fn lock_unerased(conn: &mut DbConn, id: &str, in_turn: bool) -> Result<bool, StoreError> {
    let DbConn::Postgres(c) = conn else {
        return Ok(true);
    };
    let unerased = customers::table
        .find(id)
        .filter(customers::erased_at.is_null())
        .select(customers::id);
    let locked: Option<String> = if in_turn {
        unerased.for_no_key_update().first(c).optional()?
    } else {
        unerased.for_share().first(c).optional()?
    };
    Ok(locked.is_some())
}

/// Locks a customer's row until the transaction ends (an update that changes nothing:
/// the same on both stores), so that concurrent transactions for one customer take turns.
pub fn lock(conn: &mut DbConn, id: &str) -> Result<(), StoreError> {
    Reused(diesel::update(customers::table.find(id)).set(customers::vip.eq(customers::vip)))
        .execute(conn)?;
    Ok(())
}

/// Stores a customer's row (a second one with the same address is refused).
pub fn insert(conn: &mut DbConn, row: &CustomerRow) -> Result<(), StoreError> {
    Reused(diesel::insert_into(customers::table).values(row)).execute(conn)?;
    Ok(())
}

pub fn set_language(conn: &mut DbConn, id: &str, language: &str) -> Result<(), StoreError> {
    Reused(diesel::update(customers::table.find(id)).set(customers::language.eq(language)))
        .execute(conn)?;
    Ok(())
}

pub fn set_vip(conn: &mut DbConn, id: &str, vip: bool) -> Result<(), StoreError> {
    Reused(diesel::update(customers::table.find(id)).set(customers::vip.eq(vip))).execute(conn)?;
    Ok(())
}
