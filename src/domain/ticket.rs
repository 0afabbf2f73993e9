//! The ticket lifecycle as a pure state machine. Nothing else decides a ticket's status:
//! every move is a `Transition` that yields the next status and the event to record, or
//! an error naming the illegal move.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    New,
    Triaged,
    AutoAnswered,
    PendingReview,
    Escalated,
    InProgress,
    WaitingOnCustomer,
    Resolved,
    Closed,
}

/// Statuses in which the ticket waits for a person to act. The `ticket_facts` triggers
/// (migration `2026-12-01-100000_ticket_facts`) spell the same list out in SQL; a change
/// here needs a migration that redefines them.
pub const WAITING_FOR_PERSON: &[&str] = &["pending_review", "escalated", "in_progress"];

impl Status {
    pub const ALL: [Status; 9] = [
        Status::New,
        Status::Triaged,
        Status::AutoAnswered,
        Status::PendingReview,
        Status::Escalated,
        Status::InProgress,
        Status::WaitingOnCustomer,
        Status::Resolved,
        Status::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Triaged => "triaged",
            Status::AutoAnswered => "auto_answered",
            Status::PendingReview => "pending_review",
            Status::Escalated => "escalated",
            Status::InProgress => "in_progress",
            Status::WaitingOnCustomer => "waiting_on_customer",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Words for the console.
    pub fn label(self) -> &'static str {
        match self {
            Status::New => "New",
            Status::Triaged => "Triaged",
            Status::AutoAnswered => "Answered automatically",
            Status::PendingReview => "Needs review",
            Status::Escalated => "Escalated",
            Status::InProgress => "In progress",
            Status::WaitingOnCustomer => "Waiting on customer",
            Status::Resolved => "Resolved",
            Status::Closed => "Closed",
        }
    }

    pub fn waits_for_person(self) -> bool {
        WAITING_FOR_PERSON.contains(&self.as_str())
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A move in the lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    /// Triage has read the message.
    Triage,
    /// The triage decision: answer went out by itself.
    AutoAnswer,
    /// The triage decision: a draft waits for a person.
    QueueForReview,
    /// The triage decision: a person must handle it.
    Escalate,
    /// An agent owns the ticket now.
    TakeOver,
    /// An agent's reply (or an approved draft) went out; the ball is with the customer.
    AgentReplied,
    /// A person set the ticket aside until the customer answers.
    AwaitCustomer,
    /// The customer wrote again. `assigned` says whether an agent owns the ticket.
    CustomerReplied {
        assigned: bool,
    },
    Resolve,
    Close,
}

/// The result of a legal move: the new status and the event kind to record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moved {
    pub status: Status,
    pub event: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a ticket that is {from} cannot {action}")]
pub struct IllegalTransition {
    pub from: Status,
    pub action: &'static str,
}

impl Transition {
    fn action(self) -> &'static str {
        match self {
            Transition::Triage => "be triaged",
            Transition::AutoAnswer => "be answered automatically",
            Transition::QueueForReview => "be queued for review",
            Transition::Escalate => "be escalated",
            Transition::TakeOver => "be taken over",
            Transition::AgentReplied => "get an agent reply",
            Transition::AwaitCustomer => "wait on the customer",
            Transition::CustomerReplied { .. } => "take a customer reply",
            Transition::Resolve => "be resolved",
            Transition::Close => "be closed",
        }
    }
}

/// Applies `t` to a ticket in status `from`.
pub fn apply(from: Status, t: Transition) -> Result<Moved, IllegalTransition> {
    use Status::*;
    use Transition as T;
    let to = |status, event| Ok(Moved { status, event });
    let open_for_people = matches!(
        from,
        PendingReview | Escalated | InProgress | WaitingOnCustomer
    );
    match (from, t) {
        (New, T::Triage) => to(Triaged, "triaged"),
        (Triaged, T::AutoAnswer) => to(AutoAnswered, "auto_answered"),
        (Triaged, T::QueueForReview) => to(PendingReview, "queued_for_review"),
        (Triaged, T::Escalate) => to(Escalated, "escalated"),
        // A fresh customer message on a ticket a person already handles may still escalate.
        (PendingReview, T::Escalate) => to(Escalated, "escalated"),
        (
            PendingReview | Escalated | AutoAnswered | WaitingOnCustomer | InProgress,
            T::TakeOver,
        ) => to(InProgress, "taken_over"),
        (
            PendingReview | Escalated | InProgress | WaitingOnCustomer | AutoAnswered,
            T::AgentReplied,
        ) => to(WaitingOnCustomer, "agent_replied"),
        (PendingReview | Escalated | InProgress, T::AwaitCustomer) => {
            to(WaitingOnCustomer, "awaiting_customer")
        }
        (Resolved, T::CustomerReplied { .. }) => to(New, "reopened"),
        (AutoAnswered, T::CustomerReplied { .. }) => to(New, "customer_replied"),
        (WaitingOnCustomer, T::CustomerReplied { assigned: true }) => {
            to(InProgress, "customer_replied")
        }
        (WaitingOnCustomer, T::CustomerReplied { assigned: false }) => to(New, "customer_replied"),
        (New | Triaged | PendingReview | Escalated | InProgress, T::CustomerReplied { .. }) => {
            to(from, "customer_replied")
        }
        (_, T::Resolve) if open_for_people || from == AutoAnswered => to(Resolved, "resolved"),
        (
            Resolved | AutoAnswered | WaitingOnCustomer | PendingReview | Escalated | InProgress,
            T::Close,
        ) => to(Closed, "closed"),
        _ => Err(IllegalTransition {
            from,
            action: t.action(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_happy_automated_path() {
        let m = apply(Status::New, Transition::Triage).unwrap();
        assert_eq!(m.status, Status::Triaged);
        let m = apply(m.status, Transition::AutoAnswer).unwrap();
        assert_eq!((m.status, m.event), (Status::AutoAnswered, "auto_answered"));
    }

    #[test]
    fn a_reply_reopens_a_resolved_ticket() {
        let m = apply(
            Status::Resolved,
            Transition::CustomerReplied { assigned: true },
        )
        .unwrap();
        assert_eq!((m.status, m.event), (Status::New, "reopened"));
    }

    #[test]
    fn a_reply_to_an_owned_ticket_stays_with_its_agent() {
        let m = apply(
            Status::WaitingOnCustomer,
            Transition::CustomerReplied { assigned: true },
        );
        assert_eq!(m.unwrap().status, Status::InProgress);
        let m = apply(
            Status::WaitingOnCustomer,
            Transition::CustomerReplied { assigned: false },
        );
        assert_eq!(m.unwrap().status, Status::New);
    }

    #[test]
    fn illegal_moves_are_named() {
        let err = apply(
            Status::Closed,
            Transition::CustomerReplied { assigned: false },
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "a ticket that is closed cannot take a customer reply"
        );
        assert!(apply(Status::New, Transition::AutoAnswer).is_err());
        assert!(apply(Status::Closed, Transition::Resolve).is_err());
        assert!(apply(Status::Triaged, Transition::Triage).is_err());
    }

    #[test]
    fn statuses_round_trip_through_text() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::parse("bogus"), None);
    }
}
