//! What the social channels (Messenger, X) share: their users are customers at an address
//! on a domain that never receives mail (`<user id>@messenger.invalid`, `@x.invalid`),
//! their messages are composed as mail and take the mail's road (stored first, once per
//! message id, triaged, answered), and a user's later messages continue their open ticket.

use lettre::message::Mailbox;
use sha2::{Digest, Sha256};

use crate::domain::{self, ticket::Status};
use crate::store::{self, DbConn};

use super::{App, AppError};

/// A social network as a channel.
pub struct Network {
    /// The tickets' channel.
    pub channel: &'static str,
    /// The domain of its users' addresses (`.invalid`: never mail).
    pub domain: &'static str,
    /// The prefix of its messages' stored keys.
    pub key_prefix: &'static str,
}

pub const MESSENGER: Network = Network {
    channel: domain::CHANNEL_MESSENGER,
    domain: "messenger.invalid",
    key_prefix: super::ingest::MESSENGER_KEY_PREFIX,
};

pub const X: Network = Network {
    channel: domain::CHANNEL_X,
    domain: "x.invalid",
    key_prefix: super::ingest::X_KEY_PREFIX,
};

/// What a webhook delivery held.
#[derive(Debug, Default, PartialEq, serde::Serialize)]
pub struct Received {
    /// Messages stored (parked ones included: they wait for an administrator).
    pub stored: usize,
    pub duplicates: usize,
    /// Events that are no messages of a user (echoes of our own, reads, deliveries).
    pub skipped: usize,
    /// Messages that can never be stored (a sender id no address can be made of); each
    /// is logged with its reason. Redelivering them could not help, so the delivery is
    /// still answered 200 and the events after them are stored.
    pub refused: usize,
}

/// Whether `line` is one [`add_attachment_line`] wrote: `[kind] detail`.
pub fn is_attachment_line(line: &str) -> bool {
    line.strip_prefix('[')
        .and_then(|rest| rest.split_once("] "))
        .is_some_and(|(kind, _)| !kind.is_empty() && kind.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
}

/// Adds a line for an attachment (`[image] https://…`) to a message's text, so that a
/// message of only a photo, a file or a place is kept as text too.
pub fn add_attachment_line(text: &mut String, kind: &str, detail: &str) {
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(format!("[{kind}] {detail}").trim_end());
}

impl Network {
    /// Stores one user message of a delivery and counts what became of it. Only a failure
    /// that a redelivery can mend (the database busy or down) ends the delivery early, as
    /// an error: the events before it are stored and come back as duplicates.
    pub fn take(&self, app: &App, user: &str, message_id: &str, text: &str, tally: &mut Received) -> Result<(), AppError> {
        match self.store_message(app, user, message_id, text) {
            Ok(super::ingest::Outcome::Accepted { .. }) => tally.stored += 1,
            Ok(super::ingest::Outcome::Duplicate { .. }) => tally.duplicates += 1,
            // Stored and parked as failed: an administrator sees it; a redelivery would
            // only find it again.
            Err(AppError::Unprocessable(_)) => tally.stored += 1,
            Err(e) if e.is_temporary() => return Err(e),
            Err(e) => {
                tracing::warn!(channel = self.channel, message = %message_id, error = %super::privacy::log_safe(&e.to_string()), "a message of a delivery cannot be stored");
                tally.refused += 1;
            }
        }
        Ok(())
    }

    /// The address standing for a user.
    pub fn address_of(&self, user: &str) -> String {
        format!("{user}@{}", self.domain)
    }

    /// The user of an address of this network.
    pub fn user_of<'a>(&self, address: &'a str) -> Option<&'a str> {
        address
            .strip_suffix(self.domain)
            .and_then(|a| a.strip_suffix('@'))
            .filter(|u| !u.is_empty())
    }

    /// Stores a user's message, kept once per `message_id`.
    pub fn store_message(&self, app: &App, user: &str, message_id: &str, text: &str) -> Result<super::ingest::Outcome, AppError> {
        let address = self.address_of(user);
        let last_id = {
            let mut conn = app.conn()?;
            self.open_thread_tail(&mut conn, &address)?
        };
        let mailbox: lettre::Address = address
            .parse()
            .map_err(|_| AppError::Invalid(format!("unusable user id {user:?}")))?;
        let subject: String = text.lines().next().unwrap_or_default().chars().take(60).collect();
        let token = hex::encode(Sha256::digest(format!("{}{message_id}", self.key_prefix)))[..32].to_string();
        let raw = super::contact::compose(app, Mailbox::new(None, mailbox), &subject, &token, last_id.as_deref(), text)?;
        super::ingest::ingest_composed(app, &raw, self.key_prefix, message_id)
    }

    /// The newest Message-ID of the user's open ticket on this network, to thread onto.
    fn open_thread_tail(&self, conn: &mut DbConn, address: &str) -> Result<Option<String>, AppError> {
        let Some(customer) = store::customers::find_by_address(conn, address)? else {
            return Ok(None);
        };
        let Some(ticket) = store::tickets::for_customer(conn, &customer.id, 20)?
            .into_iter()
            .find(|t| t.channel == self.channel && t.status != Status::Closed.as_str())
        else {
            return Ok(None);
        };
        Ok(store::messages::for_ticket(conn, &ticket.id)?
            .into_iter()
            .rev()
            .find_map(|m| m.internet_message_id))
    }
}

/// The network of a ticket's channel, if it is a social one.
pub fn network_of(channel: &str) -> Option<&'static Network> {
    [&MESSENGER, &X].into_iter().find(|n| n.channel == channel)
}

/// Whether `address` stands for a social network's user (no mailbox behind it).
pub fn is_social_address(address: &str) -> bool {
    [&MESSENGER, &X].into_iter().any(|n| n.user_of(address).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachment_lines_are_told_from_words() {
        let mut text = String::new();
        add_attachment_line(&mut text, "image", "https://cdn.example/damage.jpg");
        add_attachment_line(&mut text, "location", "52.5,13.4");
        assert!(text.lines().all(is_attachment_line), "{text}");
        assert!(!is_attachment_line("My lamp [the blue one] arrived broken"));
        assert!(!is_attachment_line("[] nothing"));
        assert!(!is_attachment_line("Where is my parcel?"));
    }
}
