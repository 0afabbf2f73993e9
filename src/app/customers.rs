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
            store::customers::find_by_email(c, &email)?
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
