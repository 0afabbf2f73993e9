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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_where_a_person_was_asked_for_is_never_answered_automatically() {
        let (action, reason) = hold_for_person(Action::AutoSend, "auto-sent: sure".into(), true);
        assert_eq!(action, Action::Escalate);
        assert!(reason.contains("asked for a person"));
        assert_eq!(
            hold_for_person(Action::AutoSend, "auto-sent".into(), false).0,
            Action::AutoSend
        );
        assert_eq!(
            hold_for_person(Action::Review, "review".into(), true).0,
            Action::Review
        );
    }
}
