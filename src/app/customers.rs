//! Customer-level settings that change how their messages are handled.

use serde_json::json;

use super::actions::{ActingUser, load_ticket};
use super::{App, AppError};
use crate::store::models::CustomerRow;
use crate::store::{self, DbConn, events::Actor};

/// Which customer: by address (command line) or as the customer of a ticket (console).
pub enum CustomerRef<'a> {
    Email(&'a str),
    OfTicket(i64),
}

fn find(c: &mut DbConn, who: &CustomerRef) -> Result<CustomerRow, AppError> {
    match who {
        CustomerRef::Email(email) => {
            let email = email.trim().to_ascii_lowercase();
            store::customers::find_by_address(c, &email)?
                .ok_or_else(|| AppError::NotFound(format!("customer {email}")))
        }
        CustomerRef::OfTicket(number) => {
            let ticket = load_ticket(c, *number)?;
            Ok(store::customers::get(c, &ticket.customer_id)?)
        }
    }
}

/// Marks a customer as VIP (or not) and returns their address. A VIP's messages always
/// go to a person; a change is an audited `customer_vip_changed` event. `by` is None
/// from the command line.
pub fn set_vip(
    app: &App,
    who: CustomerRef,
    vip: bool,
    by: Option<&ActingUser>,
) -> Result<String, AppError> {
    let mut conn = app.conn()?;
    store::transaction(&mut conn, |c| {
        let customer = find(c, &who)?;
        if customer.vip != vip {
            store::customers::set_vip(c, &customer.id, vip)?;
            let actor = by.map_or(Actor::CLI, |u| u.actor());
            store::events::record(
                c,
                None,
                "customer_vip_changed",
                &actor,
                json!({"customer": customer.email, "vip": vip}),
            )?;
        }
        Ok(customer.email)
    })
}

/// Merges the customer with `address` (theirs or one linked to them) into the customer
/// of ticket `number`: one customer, one history, every address of theirs linked.
/// Audited on the ticket as `customer_merged`; returns how many tickets moved.
pub fn merge_into_ticket_customer(app: &App, number: i64, address: &str, by: &ActingUser) -> Result<usize, AppError> {
    let address = address.trim().to_ascii_lowercase();
    let mut conn = app.conn()?;
    store::transaction(&mut conn, |c| {
        let ticket = load_ticket(c, number)?;
        let into = store::customers::get(c, &ticket.customer_id)?;
        let from = store::customers::find_by_address(c, &address)?
            .ok_or_else(|| AppError::NotFound(format!("customer {address}")))?;
        if from.id == into.id {
            return Err(AppError::Invalid(format!("{address} is this customer already")));
        }
        if store::privacy::customer_on_hold(c, &from.id)? || store::privacy::customer_on_hold(c, &into.id)? {
            return Err(AppError::Refused("a customer under a legal hold is not merged".into()));
        }
        let moved = store::customers::merge(c, &from, &into)?;
        let linked = store::customers::identities(c, &into.id)?.len();
        store::events::record(
            c,
            Some(&ticket.id),
            "customer_merged",
            &by.actor(),
            json!({"tickets": moved, "linked_addresses": linked}),
        )?;
        Ok(moved)
    })
}

/// Unlinks `address` from the customer of ticket `number`: it becomes a customer of its
/// own again, with the tickets its messages opened. Audited as `customer_split`.
pub fn split_from_ticket_customer(app: &App, number: i64, address: &str, by: &ActingUser) -> Result<usize, AppError> {
    let address = address.trim().to_ascii_lowercase();
    let mut conn = app.conn()?;
    store::transaction(&mut conn, |c| {
        let ticket = load_ticket(c, number)?;
        let customer = store::customers::get(c, &ticket.customer_id)?;
        if !store::customers::identities(c, &customer.id)?.contains(&address) {
            return Err(AppError::Invalid(format!("{address} is not linked to this customer")));
        }
        // The tickets that address opened: its message is the first on them.
        let mut theirs = Vec::new();
        for t in store::tickets::for_customer(c, &customer.id, 1000)? {
            let first = store::messages::for_ticket(c, &t.id)?
                .into_iter()
                .find(|m| m.direction == crate::domain::INBOUND);
            if first.and_then(|m| m.sender).is_some_and(|s| s.eq_ignore_ascii_case(&address)) {
                theirs.push(t.id);
            }
        }
        let own = store::customers::split(c, &address, &theirs)?;
        store::events::record(
            c,
            Some(&ticket.id),
            "customer_split",
            &by.actor(),
            json!({"tickets": theirs.len(), "customer": own.id}),
        )?;
        Ok(theirs.len())
    })
}
