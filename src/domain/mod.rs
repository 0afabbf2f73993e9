//! Pure types and rules: no IO, no database, no web. Everything here is unit-tested.

pub mod loop_guard;
pub mod organize;
pub mod participants;
pub mod quoting;
pub mod reasons;
pub mod reply_time;
pub mod role;
pub mod status_link;
pub mod threading;
pub mod ticket;
pub mod wording;

/// Where a message came from or goes to. Email first; social channels later.
pub const CHANNEL_EMAIL: &str = "email";
/// The web form (and the status page's messages).
pub const CHANNEL_FORM: &str = "form";
/// The REST API.
pub const CHANNEL_API: &str = "api";
/// Facebook Messenger.
pub const CHANNEL_MESSENGER: &str = "messenger";
/// X (Twitter) direct messages.
pub const CHANNEL_X: &str = "x";

/// Message direction as stored.
pub const INBOUND: &str = "inbound";
pub const OUTBOUND: &str = "outbound";
/// An internal note: part of the thread, never sent.
pub const NOTE: &str = "note";

/// Who wrote a message.
pub const AUTHOR_CUSTOMER: &str = "customer";
pub const AUTHOR_AI: &str = "ai";
pub const AUTHOR_AGENT: &str = "agent";
pub const AUTHOR_SYSTEM: &str = "system";
/// Inbound mail a machine wrote (an out-of-office notice, a bounce): kept, never triaged.
pub const AUTHOR_MACHINE: &str = "machine";

/// Kinds of outgoing mail (the outbox's `kind`).
pub const OUT_AUTO_ANSWER: &str = "auto_answer";
pub const OUT_ACKNOWLEDGEMENT: &str = "acknowledgement";
pub const OUT_AGENT_REPLY: &str = "agent_reply";
/// Outgoing kinds that are automatic replies in the sense of RFC 3834.
pub const AUTOMATIC_KINDS: &[&str] = &[OUT_AUTO_ANSWER, OUT_ACKNOWLEDGEMENT];
