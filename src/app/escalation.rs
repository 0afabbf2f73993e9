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
pub fn hold_for_person(action: Action, reason: String, asked: PersonAsked) -> (Action, String) {
    if action != Action::AutoSend {
        return (action, reason);
    }
    match asked {
        PersonAsked::No => (action, reason),
        PersonAsked::Here => (
            Action::Escalate,
            "escalated: the customer asked for a person earlier on this ticket".into(),
        ),
        PersonAsked::OnOpenTicket(number) => (
            Action::Escalate,
            format!("escalated: the customer asked for a person on ticket #{number}, still open"),
        ),
    }
}

/// Whether, and where, the customer asked for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonAsked {
    No,
    /// In this message or earlier on this ticket.
    Here,
    /// On another of their tickets, still open (its number).
    OnOpenTicket(i64),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_where_a_person_was_asked_for_is_never_answered_automatically() {
        let (action, reason) = hold_for_person(
            Action::AutoSend,
            "auto-sent: sure".into(),
            PersonAsked::Here,
        );
        assert_eq!(action, Action::Escalate);
        assert!(reason.contains("asked for a person"));
        assert_eq!(
            hold_for_person(Action::AutoSend, "auto-sent".into(), PersonAsked::No).0,
            Action::AutoSend
        );
        assert_eq!(
            hold_for_person(Action::Review, "review".into(), PersonAsked::Here).0,
            Action::Review
        );
        let (action, reason) =
            hold_for_person(Action::AutoSend, "auto-sent".into(), PersonAsked::OnOpenTicket(1042));
        assert_eq!(action, Action::Escalate);
        assert!(reason.contains("#1042"), "{reason}");
    }
}
