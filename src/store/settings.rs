//! Settings changed at run time (the automation dial); read by every process.

use diesel::prelude::*;

use super::schema::settings;
use super::{DbConn, StoreError, now};

pub fn all(conn: &mut DbConn) -> Result<Vec<(String, String)>, StoreError> {
    Ok(settings::table
        .select((settings::key, settings::value))
        .load(conn)?)
}

pub fn set(conn: &mut DbConn, key: &str, value: &str) -> Result<(), StoreError> {
    let updated = diesel::update(settings::table.find(key))
        .set((settings::value.eq(value), settings::updated_at.eq(now())))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(settings::table)
            .values((
                settings::key.eq(key),
                settings::value.eq(value),
                settings::updated_at.eq(now()),
            ))
            .execute(conn)?;
    }
    Ok(())
}
