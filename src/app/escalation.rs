//! Escalations stay with people: once a customer asked for a person on a ticket, no
//! automatic answer goes out on it again, whatever a later message says.

use crate::store::models::TicketRow;
use crate::store::{self, DbConn};
use crate::triage::{Action, Decision, RiskFlag};

use super::AppError;

/// Records a request for a person on the ticket (a ticket-level flag that stays) and
/// returns whether the ticket has one, from this message or an earlier one.
pub fn note_human_request(
    conn: &mut DbConn,
    ticket: &TicketRow,
    decision: &Decision,
) -> Result<bool, AppError> {
    if decision.risk_flags.contains(&RiskFlag::HumanRequested) {
        store::tickets::set_human_requested(conn, &ticket.id)?;
        return Ok(true);
    }
    Ok(store::tickets::human_requested(conn, &ticket.id)?)
}

/// The ingest decision, narrowed: a ticket where the customer asked for a person is never
/// answered automatically again.
pub fn hold_for_person(action: Action, reason: String, human_requested: bool) -> (Action, String) {
    if action == Action::AutoSend && human_requested {
        return (
            Action::Escalate,
            "escalated: the customer asked for a person earlier on this ticket".into(),
        );
    }
    (action, reason)
}
