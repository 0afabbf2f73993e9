//! The web form (`/contact`) and the customer's status page (`/status/{token}`): both
//! become messages that go through the same ingest as mail (stored first, kept once,
//! triaged, acknowledged), on the `form` channel.
//!
//! Spam is kept out without a third party: a honeypot field people never see, a time
//! trap (a form sent within seconds of being shown was not typed), and at most a few
//! messages an hour per address and per client.

use chrono::{Duration, NaiveDateTime, Utc};
use lettre::message::{Mailbox, header::ContentType};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::domain::{self, status_link};
use crate::domain::ticket::Status;
use crate::store::events::Actor;
use crate::store::{self, DbConn, now};

use super::{App, AppError};

/// A form older than this must be loaded again.
pub const MAX_FORM_AGE_HOURS: i64 = 24;
/// Messages an hour from one address, and from one client.
pub const PER_ADDRESS_PER_HOUR: i64 = 5;
pub const PER_CLIENT_PER_HOUR: i64 = 20;

/// The key that signs status links and form tokens: derived from `TANDEM_SECRET_KEY`
/// when set, else made once and kept in the database (shared by every server).
fn key(app: &App, conn: &mut DbConn) -> Result<Vec<u8>, AppError> {
    if let Some(secret) = app.config.secret_key.as_deref() {
        return Ok(Sha256::digest(format!("tandem status links\0{secret}")).to_vec());
    }
    if let Some(key) = app.status_link_key.get() {
        return Ok(key.clone());
    }
    let fresh = hex::encode(rand::random::<[u8; 32]>());
    let stored = store::settings::get_or_insert(conn, "status_link_key", &fresh)?;
    let key = hex::decode(&stored).unwrap_or_else(|_| stored.clone().into_bytes());
    // A key this call made is kept only once it is read back committed: the transaction
    // that inserted it may still roll back.
    if stored != fresh {
        let _ = app.status_link_key.set(key.clone());
    }
    Ok(key)
}

/// The address of ticket `number`'s status page, valid for [`status_link::VALID_DAYS`].
pub fn status_link(app: &App, conn: &mut DbConn, number: i64) -> Result<String, AppError> {
    let key = key(app, conn)?;
    let expires = (Utc::now() + Duration::days(status_link::VALID_DAYS)).timestamp();
    Ok(format!(
        "{}/status/{}",
        app.config.public_url.trim_end_matches('/'),
        status_link::sign(&key, number, expires)
    ))
}

/// A one-time token for a form: when it was shown and a random value, signed. The random
/// value makes a form sent twice one message.
pub fn form_token(app: &App) -> Result<String, AppError> {
    let mut conn = app.conn()?;
    let key = key(app, &mut conn)?;
    let nonce = hex::encode(rand::random::<[u8; 16]>());
    let issued = Utc::now().timestamp();
    // Signed as a "ticket number" that cannot exist (negative), so a form token never
    // opens a status page.
    let sig = status_link::sign(&key, -issued, issued + MAX_FORM_AGE_HOURS * 3600);
    Ok(format!("{nonce}~{sig}"))
}

/// Why a form was not taken.
#[derive(Debug, PartialEq)]
pub enum FormRefusal {
    /// Too old or not ours: the person sends it again (their text is kept).
    Expired,
    /// A bot (honeypot filled, or sent faster than typing): told the same as a person.
    Spam,
}

/// The nonce of a valid form token, or why it is not.
fn check_form_token(key: &[u8], token: &str, at: i64, min_seconds: i64) -> Result<String, FormRefusal> {
    let (nonce, signed) = token.split_once('~').ok_or(FormRefusal::Expired)?;
    if nonce.len() != 32 || !nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(FormRefusal::Expired);
    }
    let issued = -status_link::verify(key, signed, at).ok_or(FormRefusal::Expired)?;
    if at - issued < min_seconds {
        return Err(FormRefusal::Spam);
    }
    Ok(nonce.to_string())
}

/// What a customer typed into the contact form.
#[derive(Debug, Default, Clone)]
pub struct ContactForm {
    pub name: String,
    pub email: String,
    pub subject: String,
    pub message: String,
    /// The honeypot: hidden from people, filled by bots.
    pub website: String,
    pub token: String,
}

/// What became of a form.
#[derive(Debug, PartialEq)]
pub enum Submitted {
    /// Stored: ticket number.
    Stored(i64),
    /// Taken for a bot: nothing stored, the sender is thanked all the same.
    Ignored,
}

fn one_line(s: &str, max: usize) -> String {
    s.split(['\r', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(max)
        .collect()
}

fn hash(kind: &str, value: &str) -> String {
    hex::encode(Sha256::digest(format!("{kind}\0{}", value.trim().to_lowercase())))
}

/// Takes a contact form from `client` (its address): refuses bots quietly, limits the
/// rate, and ingests the message as mail from the given address.
pub fn submit(app: &App, form: &ContactForm, client: &str) -> Result<Submitted, AppError> {
    let mut conn = app.conn()?;
    let key = key(app, &mut conn)?;
    let at = Utc::now();
    if !form.website.trim().is_empty() {
        store::events::record(&mut conn, None, "form_spam_refused", &Actor::SYSTEM, json!({"why": "honeypot"}))?;
        return Ok(Submitted::Ignored);
    }
    let nonce = match check_form_token(&key, &form.token, at.timestamp(), app.config.form_min_seconds) {
        Ok(n) => n,
        Err(FormRefusal::Spam) => {
            store::events::record(&mut conn, None, "form_spam_refused", &Actor::SYSTEM, json!({"why": "too fast"}))?;
            return Ok(Submitted::Ignored);
        }
        Err(FormRefusal::Expired) => {
            return Err(AppError::Invalid(
                "This form was open too long or is not ours. Your text is below: please send it again.".into(),
            ));
        }
    };
    let email = form.email.trim().to_string();
    let address: lettre::Address = email
        .parse()
        .map_err(|_| AppError::Invalid("Please give an e-mail address we can answer to.".into()))?;
    let message = form.message.replace("\r\n", "\n");
    if message.trim().is_empty() {
        return Err(AppError::Invalid("Please write your message.".into()));
    }
    if message.len() > app.config.max_message_bytes / 2 {
        return Err(AppError::Invalid("Your message is too long for the form; please send it by e-mail.".into()));
    }
    let (address_hash, client_hash) = (hash("address", &email), hash("client", client));
    let hour_ago = (at - Duration::hours(1)).naive_utc();
    let (by_address, by_client) =
        store::contact::submissions_since(&mut conn, &address_hash, &client_hash, hour_ago)?;
    if by_address >= PER_ADDRESS_PER_HOUR || by_client >= PER_CLIENT_PER_HOUR {
        store::events::record(&mut conn, None, "form_rate_limited", &Actor::SYSTEM, json!({}))?;
        return Err(AppError::Refused(
            "You sent several messages in the last hour; we have them all. Please wait an hour before sending another, or write to us by e-mail.".into(),
        ));
    }
    store::contact::record_submission(
        &mut conn,
        &address_hash,
        &client_hash,
        at.naive_utc(),
        (at - Duration::days(1)).naive_utc(),
    )?;
    drop(conn);
    let name = one_line(&form.name, 100);
    let subject = match one_line(&form.subject, 200) {
        s if s.is_empty() => "Message from the contact form".to_string(),
        s => s,
    };
    let from = Mailbox::new(Some(name).filter(|n| !n.is_empty()), address);
    let raw = compose(app, from, &subject, &nonce, None, &message)?;
    match super::ingest::ingest_form(app, &raw, &nonce) {
        Ok(super::ingest::Outcome::Accepted { ticket_number, .. }) => Ok(Submitted::Stored(ticket_number)),
        Ok(super::ingest::Outcome::Duplicate { ticket_number }) => {
            Ok(Submitted::Stored(ticket_number.unwrap_or_default()))
        }
        // Stored, and kept for an administrator (it could not be processed): the sender
        // is thanked without a number, and sending it again would change nothing.
        Err(AppError::Unprocessable(_)) => Ok(Submitted::Stored(0)),
        Err(e) => Err(e),
    }
}

/// The message as mail to the support address, so it takes the mail's road.
pub(super) fn compose(
    app: &App,
    from: Mailbox,
    subject: &str,
    nonce: &str,
    in_reply_to: Option<&str>,
    text: &str,
) -> Result<Vec<u8>, AppError> {
    let support: Mailbox = app
        .config
        .support_address
        .parse()
        .map_err(|e| AppError::Invalid(format!("TANDEM_SUPPORT_ADDRESS: {e}")))?;
    let host = support.email.domain().to_string();
    let mut b = lettre::Message::builder()
        .from(from)
        .to(support)
        .subject(subject)
        .message_id(Some(format!("<form-{nonce}@{host}>")))
        .header(ContentType::TEXT_PLAIN);
    if let Some(id) = in_reply_to {
        b = b.in_reply_to(format!("<{id}>")).references(format!("<{id}>"));
    }
    let m = b
        .body(text.to_string())
        .map_err(|e| AppError::Invalid(format!("form: {e}")))?;
    Ok(m.formatted())
}

/// What the status page shows.
pub struct StatusView {
    pub number: i64,
    pub subject: String,
    pub status: Status,
    /// Waiting for a person to answer.
    pub waiting: bool,
    /// The promised reply time, when a person is to answer.
    pub expected: Option<chrono::DateTime<Utc>>,
    /// (from the customer, who (a catalogue key), when, text): what the customer and
    /// Tandem wrote; no internal notes, nothing not yet sent.
    pub messages: Vec<(bool, &'static str, NaiveDateTime, String)>,
    /// The ticket's language (the page speaks it).
    pub language: String,
    /// Answered, so the answer can be rated.
    pub can_rate: bool,
    pub rating: Option<bool>,
    pub human_requested: bool,
}

fn ticket_of(app: &App, conn: &mut DbConn, token: &str) -> Result<store::models::TicketRow, AppError> {
    let key = key(app, conn)?;
    let number = status_link::verify(&key, token, Utc::now().timestamp())
        .filter(|n| *n > 0)
        .ok_or_else(|| AppError::NotFound("this link has expired or is not valid; the last e-mail from us has a fresh one".into()))?;
    // A merged ticket's link shows the ticket it was merged into.
    let mut ticket = super::actions::load_ticket(conn, number)?;
    for _ in 0..5 {
        match store::organize::merged_into(conn, &ticket.id)? {
            Some(into) => ticket = super::actions::load_ticket(conn, into)?,
            None => break,
        }
    }
    Ok(ticket)
}

/// The status page of the ticket a token opens (audited as a customer's view).
pub fn status(app: &App, token: &str) -> Result<StatusView, AppError> {
    let mut conn = app.conn()?;
    let ticket = ticket_of(app, &mut conn, token)?;
    let at = now();
    let unreleased: Vec<Option<String>> = store::outbox::unreleased_for_ticket(&mut conn, &ticket.id, at)?
        .into_iter()
        .map(|u| u.1)
        .collect();
    let delivery = store::outbox::delivery_by_message(&mut conn, &ticket.id)?;
    // A stranger's mail that threaded onto the ticket is for the team to read, not the
    // customer's to be shown as their own (nor the stranger's, should the ticket be theirs).
    let strangers = store::participants::new_participant_messages(&mut conn, &ticket.id)?;
    let mut answered = false;
    let messages = store::messages::for_ticket(&mut conn, &ticket.id)?
        .into_iter()
        .filter(|m| m.direction != domain::NOTE)
        .filter(|m| !strangers.contains(&m.id))
        // An out-of-office notice or a bounce is not the customer's own word.
        .filter(|m| m.author_kind != domain::AUTHOR_MACHINE)
        .filter(|m| {
            m.direction == domain::INBOUND
                || (!unreleased.contains(&Some(m.id.clone()))
                    && !delivery.iter().any(|(id, s)| id.as_deref() == Some(&m.id) && s == store::outbox::CANCELLED))
        })
        .map(|m| {
            let who = match (m.direction.as_str(), m.author_kind.as_str()) {
                (domain::INBOUND, _) => "status-you",
                (_, domain::AUTHOR_AI) => "status-automatic",
                (_, domain::AUTHOR_SYSTEM) => "status-confirmation",
                _ => "status-team",
            };
            if matches!(m.author_kind.as_str(), domain::AUTHOR_AI | domain::AUTHOR_AGENT) {
                answered = true;
            }
            let (text, _) = domain::quoting::split_history(&m.body_text);
            (m.direction == domain::INBOUND, who, m.created_at, text.trim().to_string())
        })
        .collect();
    let status = Status::parse(&ticket.status).unwrap_or(Status::New);
    let waiting = status.waits_for_person();
    let expected = if waiting {
        store::events::for_ticket(&mut conn, &ticket.id)?
            .into_iter()
            .rev()
            .find(|e| e.kind == "reply_time_promised")
            .and_then(|e| serde_json::from_str::<serde_json::Value>(&e.data).ok())
            .and_then(|d| d["eta"].as_str().map(str::to_string))
            .and_then(|eta| chrono::DateTime::parse_from_rfc3339(&eta).ok())
            .map(|eta| eta.with_timezone(&Utc))
    } else {
        None
    };
    let rating = store::contact::rating(&mut conn, &ticket.id)?;
    let human_requested = store::tickets::human_requested(&mut conn, &ticket.id)?;
    store::events::record(&mut conn, Some(&ticket.id), "status_page_viewed", &Actor::CUSTOMER, json!({}))?;
    Ok(StatusView {
        language: ticket.language.clone().unwrap_or_else(|| "en".into()),
        number: ticket.number,
        subject: ticket.subject,
        status,
        waiting,
        expected,
        messages,
        can_rate: answered && !waiting,
        rating,
        human_requested,
    })
}

/// What the customer does on the status page.
pub enum StatusAction<'a> {
    /// A message to add (through the mail's road, to this ticket).
    Message(&'a str),
    /// Ask for a person.
    Person,
}

/// Adds the customer's message, or their request for a person, to the ticket; kept once
/// per form `nonce`. Returns the ticket number it landed on.
pub fn act(
    app: &App,
    token: &str,
    form_token: &str,
    action: StatusAction<'_>,
    client: &str,
) -> Result<i64, AppError> {
    let mut conn = app.conn()?;
    let ticket = ticket_of(app, &mut conn, token)?;
    let key = key(app, &mut conn)?;
    let nonce = match check_form_token(&key, form_token, Utc::now().timestamp(), 0) {
        Ok(n) => n,
        Err(FormRefusal::Spam) | Err(FormRefusal::Expired) => {
            return Err(AppError::Invalid("The page was open too long; load it again and send once more.".into()));
        }
    };
    let customer = store::customers::get(&mut conn, &ticket.customer_id)?;
    // The same limit as the form: a leaked link cannot flood the ticket.
    let at = Utc::now();
    let (address_hash, client_hash) = (hash("address", &customer.email), hash("client", client));
    let (by_address, by_client) = store::contact::submissions_since(
        &mut conn,
        &address_hash,
        &client_hash,
        (at - Duration::hours(1)).naive_utc(),
    )?;
    if by_address >= PER_ADDRESS_PER_HOUR || by_client >= PER_CLIENT_PER_HOUR {
        return Err(AppError::Refused(
            "You sent several messages in the last hour; we have them all. Please wait an hour, or reply to our e-mail.".into(),
        ));
    }
    store::contact::record_submission(&mut conn, &address_hash, &client_hash, at.naive_utc(), (at - Duration::days(1)).naive_utc())?;
    let last_id = store::messages::for_ticket(&mut conn, &ticket.id)?
        .into_iter()
        .rev()
        .find_map(|m| m.internet_message_id);
    drop(conn);
    let text = match action {
        StatusAction::Message(t) if t.trim().is_empty() => {
            return Err(AppError::Invalid("Please write your message.".into()));
        }
        StatusAction::Message(t) => t.replace("\r\n", "\n"),
        // The words the engine knows as a request for a person, in the ticket's language
        // and in English.
        StatusAction::Person => {
            let texts = crate::i18n::Texts::new(ticket.language.as_deref().unwrap_or("en"), None);
            let word = texts.get("human-word", &[]);
            format!("I would like to talk to a real person, please. ({word})")
        }
    };
    let address: lettre::Address = customer
        .email
        .parse()
        .map_err(|_| AppError::Invalid("the ticket's address cannot receive mail".into()))?;
    let from = Mailbox::new(customer.name.clone(), address);
    let subject = format!("Re: [#{}] {}", ticket.number, ticket.subject);
    let raw = compose(app, from, &subject, &nonce, last_id.as_deref(), &text)?;
    match super::ingest::ingest_form(app, &raw, &nonce)? {
        super::ingest::Outcome::Accepted { ticket_number, .. } => Ok(ticket_number),
        super::ingest::Outcome::Duplicate { ticket_number } => Ok(ticket_number.unwrap_or(ticket.number)),
    }
}

/// The customer's one-click rating of the answer (a new click replaces the old).
pub fn rate(app: &App, token: &str, helpful: bool) -> Result<(), AppError> {
    let mut conn = app.conn()?;
    let ticket = ticket_of(app, &mut conn, token)?;
    let status = Status::parse(&ticket.status).unwrap_or(Status::New);
    let answers: Vec<String> = store::messages::for_ticket(&mut conn, &ticket.id)?
        .into_iter()
        .filter(|m| matches!(m.author_kind.as_str(), domain::AUTHOR_AI | domain::AUTHOR_AGENT))
        .map(|m| m.author_kind)
        .collect();
    let Some(last) = answers.last() else {
        return Err(AppError::Invalid("There is no answer to rate yet.".into()));
    };
    if status.waits_for_person() {
        return Err(AppError::Invalid("A person is still working on this; rate the answer once it is there.".into()));
    }
    let automated = last == domain::AUTHOR_AI;
    store::transaction(&mut conn, |c| -> Result<(), AppError> {
        store::contact::rate(c, &ticket.id, helpful, automated, now())?;
        store::events::record(
            c,
            Some(&ticket.id),
            "answer_rated",
            &Actor::CUSTOMER,
            json!({"helpful": helpful, "automated": automated}),
        )?;
        Ok(())
    })
}

/// Customers' ratings in `[from, to)`: (automated helpful, automated all, by people
/// helpful, by people all).
pub fn ratings(app: &App, from: NaiveDateTime, to: NaiveDateTime) -> Result<(i64, i64, i64, i64), AppError> {
    let mut conn = app.conn()?;
    let mut r = (0, 0, 0, 0);
    for (automated, helpful, n) in store::contact::ratings_between(&mut conn, from, to)? {
        match (automated, helpful) {
            (true, true) => { r.0 += n; r.1 += n; }
            (true, false) => r.1 += n,
            (false, true) => { r.2 += n; r.3 += n; }
            (false, false) => r.3 += n,
        }
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_tokens_expire_and_catch_forms_sent_faster_than_typing() {
        let key = b"k";
        let issued = 1_000_000;
        let sig = status_link::sign(key, -issued, issued + MAX_FORM_AGE_HOURS * 3600);
        let token = format!("{}~{sig}", "ab".repeat(16));
        assert_eq!(check_form_token(key, &token, issued + 1, 3), Err(FormRefusal::Spam));
        assert_eq!(check_form_token(key, &token, issued + 10, 3).unwrap(), "ab".repeat(16));
        assert_eq!(check_form_token(key, &token, issued + 25 * 3600, 3), Err(FormRefusal::Expired));
        assert_eq!(check_form_token(b"other", &token, issued + 10, 3), Err(FormRefusal::Expired));
        assert_eq!(check_form_token(key, "junk", issued + 10, 3), Err(FormRefusal::Expired));
    }

    #[test]
    fn header_fields_lose_line_breaks() {
        assert_eq!(one_line("Hi\r\nBcc: victim@example.com", 100), "Hi Bcc: victim@example.com");
        assert_eq!(one_line(&"x".repeat(300), 200).len(), 200);
    }
}
