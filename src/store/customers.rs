//! Customers: the people who write in, one row per address.

use diesel::prelude::*;

use super::models::CustomerRow;
use super::schema::customers;
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

/// Returns the customer with this address, creating it on first contact.
pub fn find_or_create(
    conn: &mut DbConn,
    email: &str,
    name: Option<&str>,
) -> Result<CustomerRow, StoreError> {
    if let Some(found) = find_by_email(conn, email)? {
        return Ok(found);
    }
    let row = CustomerRow {
        id: new_id(),
        email: email.to_string(),
        name: name.map(str::to_string),
        language: None,
        vip: false,
        created_at: now(),
    };
    diesel::insert_into(customers::table)
        .values(&row)
        .execute(conn)?;
    Ok(row)
}

pub fn set_language(conn: &mut DbConn, id: &str, language: &str) -> Result<(), StoreError> {
    diesel::update(customers::table.find(id))
        .set(customers::language.eq(language))
        .execute(conn)?;
    Ok(())
}

pub fn set_vip(conn: &mut DbConn, id: &str, vip: bool) -> Result<(), StoreError> {
    diesel::update(customers::table.find(id))
        .set(customers::vip.eq(vip))
        .execute(conn)?;
    Ok(())
}
