//! Privacy by design: a customer's data exported (right of access) and erased (right to
//! erasure), raw mail and settled tickets expired (storage limitation), legal holds that
//! stop both, all of it audited. The command line and the admin console call these.

use std::collections::HashMap;
use std::io::Write;

use chrono::{Duration, NaiveDateTime};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::actions::{ActingUser, load_ticket};
use super::{App, AppError};
use crate::store::events::Actor;
use crate::store::models::{CustomerRow, TicketRow};
use crate::store::{self, DbConn, now};

/// The stable pseudonym that replaces a customer's address: derived from the customer's
/// row id (not from the address, so it cannot be guessed back from one).
pub fn pseudonym(customer_id: &str) -> String {
    let digest = Sha256::digest(customer_id.as_bytes());
    format!("erased-{}@erased.invalid", &hex::encode(digest)[..16])
}

/// A short, stable stand-in for an address or a text in logs: never the value itself.
pub fn log_hash(value: &str) -> String {
    let digest = Sha256::digest(value.trim().to_lowercase().as_bytes());
    hex::encode(&digest[..4])
}

/// A text made safe for logs: every address, phone, card or IBAN in it (as the
/// placeholder redaction before an LLM call finds them) becomes a short hash, so log
/// lines about one customer still correlate without naming them.
pub fn log_safe(text: &str) -> String {
    let r = crate::triage::redact_pii(text);
    let mut out = r.text;
    // Longest placeholders first: `[EMAIL_10]` before `[EMAIL_1]`.
    let mut pairs = r.replacements;
    pairs.sort_by_key(|(ph, _)| std::cmp::Reverse(ph.len()));
    for (placeholder, original) in pairs {
        out = out.replace(&placeholder, &format!("#{}", log_hash(&original)));
    }
    out
}

fn find_customer(c: &mut DbConn, email: &str) -> Result<Option<CustomerRow>, AppError> {
    let email = email.trim().to_ascii_lowercase();
    Ok(store::customers::find_by_address(c, &email)?)
}

fn actor(by: Option<&ActingUser>) -> Actor<'_> {
    by.map_or(Actor::CLI, |u| u.actor())
}

// ---------------------------------------------------------------------------------------
// Right of access

/// What one export holds, besides the archive itself.
pub struct Export {
    pub zip: Vec<u8>,
    pub tickets: usize,
    pub messages: usize,
    pub attachments: usize,
    pub raw_messages: usize,
}

#[derive(Serialize)]
struct ExportDocument {
    format: &'static str,
    exported_at: String,
    profile: Profile,
    vip_and_consent: VipAndConsent,
    tickets: Vec<ExportTicket>,
    /// What the customer wrote on others' tickets (replies into someone else's thread).
    messages_on_other_tickets: Vec<MessageElsewhere>,
    raw_messages: Vec<RawFile>,
}

#[derive(Serialize)]
struct MessageElsewhere {
    ticket: i64,
    created_at: String,
    subject: String,
    text: String,
    attachment_files: Vec<String>,
}

#[derive(Serialize)]
struct Profile {
    email: String,
    name: Option<String>,
    language: Option<String>,
    first_contact: String,
    legal_hold: bool,
}

#[derive(Serialize)]
struct VipAndConsent {
    vip: bool,
    /// Every change of the VIP mark, with when and by whom (a role, never a name).
    vip_changes: Vec<super::tickets::EventView>,
    /// Tandem asks for no consent of its own; a business that records consent elsewhere
    /// adds it here.
    consent: Vec<serde_json::Value>,
}

#[derive(Serialize)]
struct ExportTicket {
    #[serde(flatten)]
    detail: super::tickets::TicketDetail,
    /// Files of the attachments inside the archive.
    attachment_files: Vec<String>,
}

#[derive(Serialize)]
struct RawFile {
    file: String,
    received_at: String,
    status: String,
    ticket: Option<i64>,
}

fn ts(t: NaiveDateTime) -> String {
    t.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A file name safe inside an archive (no folders, no control characters).
fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches(['.', ' ']).to_string();
    if cleaned.is_empty() {
        "file".into()
    } else {
        cleaned.chars().take(120).collect()
    }
}

/// Builds the archive of everything Tandem holds about the customer with this address:
/// `customer.json` (profile, tickets with messages, drafts and events, VIP and consent
/// records), `attachments/…` and `raw/….eml`. Audited as `customer_exported`.
/// `NotFound` when no customer has this address.
pub fn export(app: &App, email: &str, by: Option<&ActingUser>) -> Result<Export, AppError> {
    let mut conn = app.conn()?;
    let customer = find_customer(&mut conn, email)?
        .ok_or_else(|| AppError::NotFound("customer with that address".into()))?;
    let tickets = store::privacy::tickets_of(&mut conn, &customer.id)?;
    let ticket_ids: Vec<String> = tickets.iter().map(|t| t.id.clone()).collect();
    let numbers: HashMap<String, i64> = tickets.iter().map(|t| (t.id.clone(), t.number)).collect();

    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut doc_tickets = Vec::new();
    let mut messages = 0;
    let mut attachments = 0;
    for t in &tickets {
        let detail = super::tickets::show(app, t.number)?;
        messages += detail.messages.len();
        let message_ids: Vec<String> = store::messages::for_ticket(&mut conn, &t.id)?
            .into_iter()
            .map(|m| m.id)
            .collect();
        let attachment_files =
            archive_attachments(&mut conn, &message_ids, &t.number.to_string(), &mut files)?;
        attachments += attachment_files.len();
        doc_tickets.push(ExportTicket {
            detail,
            attachment_files,
        });
    }
    let addresses = addresses_of(&mut conn, &customer)?;
    let mut elsewhere = Vec::new();
    for address in &addresses {
        elsewhere.extend(store::privacy::messages_written_elsewhere(
            &mut conn,
            address,
            &ticket_ids,
        )?);
    }
    let mut messages_on_other_tickets = Vec::new();
    let mut raw_elsewhere = Vec::new();
    for m in &elsewhere {
        let ticket = store::tickets::get(&mut conn, &m.ticket_id)?.number;
        let attachment_files = archive_attachments(
            &mut conn,
            std::slice::from_ref(&m.id),
            &format!("other-{ticket}"),
            &mut files,
        )?;
        attachments += attachment_files.len();
        messages_on_other_tickets.push(MessageElsewhere {
            ticket,
            created_at: ts(m.created_at),
            subject: m.subject.clone(),
            text: m.body_text.clone(),
            attachment_files,
        });
        if let Some(raw) = &m.raw_mail_id {
            raw_elsewhere.push((raw.clone(), ticket));
        }
    }
    messages += elsewhere.len();
    let mut raw_messages = Vec::new();
    for (id, ticket) in raw_elsewhere {
        if let Some(r) = store::privacy::raw_mail_by_id(&mut conn, &id)? {
            let file = format!("raw/other-{ticket}-{}.eml", r.id);
            raw_messages.push(RawFile {
                file: file.clone(),
                received_at: ts(r.received_at),
                status: r.status,
                ticket: Some(ticket),
            });
            files.push((file, r.raw));
        }
    }
    let mut unfiled = store::privacy::raw_mail_of(&mut conn, &ticket_ids, &customer.email)?;
    for address in &addresses[1..] {
        unfiled.extend(store::privacy::raw_mail_of(&mut conn, &[], address)?);
    }
    let mut seen = std::collections::HashSet::new();
    unfiled.retain(|r| seen.insert(r.id.clone()));
    for r in unfiled {
        let ticket = r.ticket_id.as_ref().and_then(|id| numbers.get(id)).copied();
        let file = format!(
            "raw/{}-{}.eml",
            ticket.map_or("unfiled".to_string(), |n| n.to_string()),
            r.id
        );
        raw_messages.push(RawFile {
            file: file.clone(),
            received_at: ts(r.received_at),
            status: r.status,
            ticket,
        });
        files.push((file, r.raw));
    }
    let mut loose = Vec::new();
    for address in &addresses {
        loose.extend(store::privacy::loose_events_mentioning(&mut conn, address)?);
    }
    let mut seen = std::collections::HashSet::new();
    loose.retain(|e| seen.insert(e.id.clone()));
    let vip_changes = loose
        .into_iter()
        .filter(|e| e.kind == "customer_vip_changed")
        .map(|e| super::tickets::EventView {
            kind: e.kind,
            actor: e.actor_kind,
            data: serde_json::from_str(&e.data).unwrap_or_default(),
            created_at: ts(e.created_at),
        })
        .collect();
    let doc = ExportDocument {
        format: "tandem-customer-export/1",
        exported_at: ts(now()),
        profile: Profile {
            email: customer.email.clone(),
            name: customer.name.clone(),
            language: customer.language.clone(),
            first_contact: ts(customer.created_at),
            legal_hold: store::privacy::customer_on_hold(&mut conn, &customer.id)?,
        },
        vip_and_consent: VipAndConsent {
            vip: customer.vip,
            vip_changes,
            consent: Vec::new(),
        },
        tickets: doc_tickets,
        messages_on_other_tickets,
        raw_messages,
    };
    let json = serde_json::to_vec_pretty(&doc).map_err(|e| AppError::Invalid(e.to_string()))?;
    let zip = write_zip(&json, &files).map_err(|e| AppError::Invalid(format!("archive: {e}")))?;
    let report = Export {
        zip,
        tickets: tickets.len(),
        messages,
        attachments,
        raw_messages: doc.raw_messages.len(),
    };
    store::events::record(
        &mut conn,
        None,
        "customer_exported",
        &actor(by),
        json!({"customer": customer.id, "tickets": report.tickets, "messages": report.messages}),
    )?;
    Ok(report)
}

/// Puts the messages' attachments into the archive's `attachments/{folder}/`; their paths.
fn archive_attachments(
    conn: &mut store::DbConn,
    message_ids: &[String],
    folder: &str,
    files: &mut Vec<(String, Vec<u8>)>,
) -> Result<Vec<String>, AppError> {
    let mut paths = Vec::new();
    for a in store::privacy::attachments_with_content(conn, message_ids)? {
        let path = format!(
            "attachments/{folder}/{}-{}",
            &a.id[a.id.len().saturating_sub(8)..],
            safe_name(&a.filename)
        );
        paths.push(path.clone());
        files.push((path, a.content));
    }
    Ok(paths)
}

fn write_zip(json: &[u8], files: &[(String, Vec<u8>)]) -> zip::result::ZipResult<Vec<u8>> {
    use zip::write::SimpleFileOptions;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    use chrono::{Datelike, Timelike};
    let mut opts =
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    // Files carry the time of the export (UTC), not the format's 1980 default.
    let t = now();
    if let Ok(at) = zip::DateTime::from_date_and_time(
        t.year().clamp(1980, 2107) as u16,
        t.month() as u8,
        t.day() as u8,
        t.hour() as u8,
        t.minute() as u8,
        t.second() as u8,
    ) {
        opts = opts.last_modified_time(at);
    }
    w.start_file("customer.json", opts)?;
    w.write_all(json)?;
    for (name, bytes) in files {
        w.start_file(name.as_str(), opts)?;
        w.write_all(bytes)?;
    }
    Ok(w.finish()?.into_inner())
}

// ---------------------------------------------------------------------------------------
// Right to erasure

/// What an erasure did. `found` is false when no customer has the address (any more):
/// erasing twice is harmless.
#[derive(Debug, Default)]
pub struct Erasure {
    pub found: bool,
    pub pseudonym: Option<String>,
    pub tickets: usize,
    pub messages: usize,
    pub attachments: usize,
    pub raw_mail: usize,
    /// Places on others' tickets the address was named in (their participants and their
    /// events), taken out.
    pub mentions: usize,
}

/// Replaces every occurrence (any case) of the given values in a text.
struct Scrubber {
    pattern: Option<regex::Regex>,
    replacements: HashMap<String, String>,
}

impl Scrubber {
    fn new(pairs: Vec<(String, String)>) -> Scrubber {
        let mut pairs: Vec<(String, String)> = pairs
            .into_iter()
            .filter(|(needle, _)| needle.trim().chars().count() >= 2)
            .collect();
        pairs.sort_by_key(|(n, _)| std::cmp::Reverse(n.len()));
        let pattern = (!pairs.is_empty())
            .then(|| {
                let alts: Vec<String> = pairs.iter().map(|(n, _)| regex::escape(n)).collect();
                regex::Regex::new(&format!("(?i){}", alts.join("|"))).ok()
            })
            .flatten();
        Scrubber {
            pattern,
            replacements: pairs
                .into_iter()
                .map(|(n, r)| (n.to_lowercase(), r))
                .collect(),
        }
    }

    fn scrub(&self, text: &str) -> String {
        match &self.pattern {
            Some(p) => p
                .replace_all(text, |c: &regex::Captures| {
                    self.replacements
                        .get(&c[0].to_lowercase())
                        .cloned()
                        .unwrap_or_else(|| "[erased]".into())
                })
                .into_owned(),
            None => text.to_string(),
        }
    }
}

/// What may quote a customer on their tickets: their address and name, the other
/// addresses of their threads, their attachments' file names.
fn scrubber_for(
    c: &mut DbConn,
    customer: &CustomerRow,
    ticket_ids: &[String],
    pseudonym: &str,
) -> Result<Scrubber, AppError> {
    let mut pairs = vec![(customer.email.clone(), pseudonym.to_string())];
    if let Some(name) = &customer.name {
        pairs.push((name.clone(), "[erased name]".into()));
    }
    for a in store::customers::identities(c, &customer.id)? {
        pairs.push((a, "[erased address]".into()));
    }
    for a in store::privacy::participant_addresses(c, ticket_ids)? {
        if a != customer.email {
            pairs.push((a, "[erased address]".into()));
        }
    }
    for f in store::privacy::attachment_names(c, ticket_ids)? {
        pairs.push((f, "[erased file]".into()));
    }
    Ok(Scrubber::new(pairs))
}

/// Erases the personal data of the customer with this address (see
/// `store::privacy::erase_tickets` for the list); the learned examples drawn from their
/// messages go and the engine is retrained. Audited as `customer_erased` with who and
/// why, never the data (the reason is scrubbed of their address and name too). Refused
/// under a legal hold.
pub fn erase(
    app: &App,
    email: &str,
    reason: &str,
    by: Option<&ActingUser>,
) -> Result<Erasure, AppError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::Invalid(
            "an erasure needs a reason (--reason)".into(),
        ));
    }
    let mut conn = app.conn()?;
    store::privacy::secure_delete(&mut conn, true)?;
    let result = store::transaction(&mut conn, |c| {
        let Some(customer) = find_customer(c, email)? else {
            // No customer (left) with this address; it may still be on others' tickets,
            // copied on their mail. The request is recorded, without the address.
            let address = crate::domain::participants::normalize(email);
            if !crate::domain::participants::is_valid_address(&address) {
                return Err(AppError::Invalid(format!(
                    "{address:?} is not an email address: an erasure names the whole address"
                )));
            }
            // Only a customer's or a copied person's address: the team's own stay in the
            // tickets' history.
            if address == crate::domain::participants::normalize(&app.config.support_address)
                || store::users::find_by_email(c, &address)?.is_some()
            {
                return Err(AppError::Refused(
                    "that address belongs to the support team (the support address or a \
                     console user's), not to a customer"
                        .into(),
                ));
            }
            let scrub = Scrubber::new(vec![(address.clone(), "[erased address]".into())]);
            let held = store::privacy::held_ticket_ids(c)?;
            let mentions = forget_mentions(c, &address, "[erased address]", &held)?;
            store::events::record(
                c,
                None,
                "customer_erased",
                &actor(by),
                json!({"found": false, "mentions": mentions, "reason": scrub.scrub(reason)}),
            )?;
            return Ok(Erasure {
                mentions,
                ..Erasure::default()
            });
        };
        // A message being filed for them finishes first, and the next waits for this.
        store::customers::lock(c, &customer.id)?;
        let customer = store::customers::get(c, &customer.id)?;
        if store::privacy::customer_on_hold(c, &customer.id)? {
            return Err(AppError::Refused(
                "this customer or one of their tickets is under a legal hold; lift the hold first"
                    .into(),
            ));
        }
        let tickets = store::privacy::tickets_of(c, &customer.id)?;
        let ids: Vec<String> = tickets.iter().map(|t| t.id.clone()).collect();
        let pseudonym = pseudonym(&customer.id);
        let scrub = scrubber_for(c, &customer, &ids, &pseudonym)?;
        let at = now();
        // Their words that agents made example questions of go before the words themselves.
        let mut theirs = Vec::new();
        for id in &ids {
            theirs.extend(
                store::messages::for_ticket(c, id)?
                    .into_iter()
                    .filter(|m| m.author_kind == crate::domain::AUTHOR_CUSTOMER),
            );
        }
        let mut examples = super::kb::forget_examples_from(c, &ids, &theirs)?;
        let mut done = store::privacy::erase_tickets(c, &ids, &pseudonym, &|s| scrub.scrub(s), at)?;
        // What they wrote into others' threads, their place among others' participants,
        // their mail that reached no ticket and events naming them: under every address of
        // theirs (one merged in, a Messenger or X user linked to them), not only the first.
        let (mut unfiled_deleted, mut mentions) = (0, 0);
        let held = store::privacy::held_ticket_ids(c)?;
        for address in addresses_of(c, &customer)? {
            let elsewhere = store::privacy::messages_written_elsewhere(c, &address, &ids)?;
            // What they wrote on another's ticket under a legal hold must stay as it is.
            if let Some(m) = elsewhere.iter().find(|m| held.contains(&m.ticket_id)) {
                let number = store::tickets::get(c, &m.ticket_id)?.number;
                return Err(AppError::Refused(format!(
                    "this customer wrote on ticket #{number}, which is under a legal hold; \
                     lift the hold first"
                )));
            }
            let on: Vec<String> = elsewhere.iter().map(|m| m.ticket_id.clone()).collect();
            examples += super::kb::forget_examples_from(c, &on, &elsewhere)?;
            let others = store::privacy::erase_messages_written_elsewhere(
                c,
                &elsewhere,
                &pseudonym,
                &|s| scrub.scrub(s),
            )?;
            done.messages += others.messages;
            done.attachments += others.attachments;
            done.raw_mail += others.raw_mail;
            let unfiled = store::privacy::raw_mail_of(c, &[], &address)?;
            let unfiled: Vec<String> = unfiled.into_iter().map(|r| r.id).collect();
            unfiled_deleted += store::privacy::delete_raw_mail(c, &unfiled)?;
            // In their own events the address is their pseudonym (VIP changes).
            let stands_for = if address == customer.email {
                pseudonym.as_str()
            } else {
                "[erased address]"
            };
            mentions += forget_mentions(c, &address, stands_for, &held)?;
        }
        store::customers::forget_identities(c, &customer.id)?;
        store::privacy::pseudonymise_customer(c, &customer.id, &pseudonym, at)?;
        store::events::record(
            c,
            None,
            "customer_erased",
            &actor(by),
            json!({
                "customer": pseudonym,
                "reason": scrub.scrub(reason),
                "tickets": done.tickets,
                "messages": done.messages,
                "kb_examples": examples,
            }),
        )?;
        Ok(Erasure {
            found: true,
            pseudonym: Some(pseudonym),
            tickets: done.tickets,
            messages: done.messages,
            attachments: done.attachments,
            raw_mail: done.raw_mail + unfiled_deleted,
            mentions,
        })
    });
    let _ = store::privacy::secure_delete(&mut conn, false);
    let erasure = result?;
    if erasure.found {
        // The engine learned from their reviewed messages and example questions made of
        // their words: retrain without them now (the new model replaces the old one,
        // which is deleted).
        super::triage::retrain(&mut conn)?;
        app.triage.invalidate();
        store::privacy::checkpoint(&mut conn);
    }
    Ok(erasure)
}

/// Takes `address` out of others' tickets: their participants and events naming it (with
/// the webhooks that carried them), except on tickets under a legal hold, and out of the
/// events on no ticket, putting `stands_for` in its place; how many places it was in.
/// Only the address itself goes: these are other people's tickets.
fn forget_mentions(
    c: &mut DbConn,
    address: &str,
    stands_for: &str,
    held: &[String],
) -> Result<usize, AppError> {
    let mut places = store::privacy::remove_participant_everywhere(c, address, held)?;
    for e in store::privacy::events_mentioning(c, address, held)? {
        let redact = |s: &str| replace_whole_address(s, address, stands_for);
        places += usize::from(store::privacy::redact_event(c, &e, &redact)?);
    }
    Ok(places)
}

/// `text` with `address` replaced where it stands as a whole address, in any case: not
/// where it is part of a longer one (erasing bob@example.com leaves jimbob@example.com).
fn replace_whole_address(text: &str, address: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for at in crate::domain::participants::whole_address_at(text, address) {
        out.push_str(&text[from..at.start]);
        out.push_str(with);
        from = at.end;
    }
    out.push_str(&text[from..]);
    out
}

/// Asks a signed-in person for their password again before an erasure. A wrong one is
/// audited (`reauth_failed`) and refused.
pub fn confirm_password(app: &App, by: &ActingUser, password: &str) -> Result<(), AppError> {
    let mut conn = app.conn()?;
    let user = store::users::get(&mut conn, &by.id)?;
    if super::users::verify_password(&user.password_hash, password) {
        return Ok(());
    }
    store::events::record(
        &mut conn,
        None,
        "reauth_failed",
        &by.actor(),
        json!({"for": "customer_erase"}),
    )?;
    Err(AppError::Refused(
        "that is not your password; nothing was erased".into(),
    ))
}

// ---------------------------------------------------------------------------------------
// Legal holds

/// What a legal hold is put on.
pub enum HoldTarget<'a> {
    Customer(&'a str),
    Ticket(i64),
}

/// Puts a legal hold on (or lifts it from) a customer or a ticket: retention and erasure
/// leave held data alone. Audited as `legal_hold_changed`; returns whether it changed.
pub fn set_hold(
    app: &App,
    target: HoldTarget,
    on: bool,
    by: Option<&ActingUser>,
) -> Result<bool, AppError> {
    let mut conn = app.conn()?;
    store::transaction(&mut conn, |c| {
        let (changed, ticket_id, data) = match target {
            HoldTarget::Customer(email) => {
                let customer = find_customer(c, email)?
                    .ok_or_else(|| AppError::NotFound("customer with that address".into()))?;
                (
                    store::privacy::set_customer_hold(c, &customer.id, on)?,
                    None,
                    json!({"customer": customer.id, "hold": on}),
                )
            }
            HoldTarget::Ticket(number) => {
                let t: TicketRow = load_ticket(c, number)?;
                (
                    store::privacy::set_ticket_hold(c, &t.id, on)?,
                    Some(t.id),
                    json!({"hold": on}),
                )
            }
        };
        if changed {
            store::events::record(
                c,
                ticket_id.as_deref(),
                "legal_hold_changed",
                &actor(by),
                data,
            )?;
        }
        Ok(changed)
    })
}

/// Tickets (numbers) and customers (addresses) under a legal hold.
pub fn holds(app: &App) -> Result<(Vec<i64>, Vec<String>), AppError> {
    let mut conn = app.conn()?;
    Ok(store::privacy::holds(&mut conn)?)
}

// ---------------------------------------------------------------------------------------
// Storage limitation

/// What retention removes now: raw mail processed more than `TANDEM_RETENTION_RAW_DAYS`
/// ago, and the personal data of tickets closed more than `TANDEM_RETENTION_CLOSED_DAYS`
/// ago. Held tickets and customers are left out.
#[derive(Debug, Default)]
pub struct RetentionPlan {
    pub raw_mail: Vec<(String, NaiveDateTime, Option<i64>)>,
    pub tickets: Vec<(String, i64, String, NaiveDateTime)>,
}

impl RetentionPlan {
    /// One line per item, the same in a dry run and in the run that removes them.
    pub fn lines(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .raw_mail
            .iter()
            .map(|(id, at, ticket)| {
                format!(
                    "raw mail {id} received {}{}",
                    at.format("%Y-%m-%d %H:%M:%S"),
                    ticket
                        .map(|n| format!(" (ticket #{n})"))
                        .unwrap_or_default()
                )
            })
            .collect();
        out.extend(self.tickets.iter().map(|(_, number, _, at)| {
            format!(
                "ticket #{number} closed, last changed {}",
                at.format("%Y-%m-%d %H:%M:%S")
            )
        }));
        out
    }

    pub fn is_empty(&self) -> bool {
        self.raw_mail.is_empty() && self.tickets.is_empty()
    }
}

/// Every address of the customer: their own first, then those linked to them (merged in,
/// or a social network's user).
fn addresses_of(
    conn: &mut DbConn,
    customer: &store::models::CustomerRow,
) -> Result<Vec<String>, AppError> {
    let mut addresses = vec![customer.email.clone()];
    for linked in store::customers::identities(conn, &customer.id)? {
        if !addresses.contains(&linked) {
            addresses.push(linked);
        }
    }
    Ok(addresses)
}

/// The retention plan as of `at`.
pub fn retention_plan(app: &App, at: NaiveDateTime) -> Result<RetentionPlan, AppError> {
    let mut conn = app.conn()?;
    plan_in(&mut conn, &app.config, at)
}

fn plan_in(
    c: &mut DbConn,
    config: &crate::config::Config,
    at: NaiveDateTime,
) -> Result<RetentionPlan, AppError> {
    let mut plan = RetentionPlan::default();
    if let Some(days) = config.retention_raw_days {
        plan.raw_mail = store::privacy::expired_raw_mail(c, at - Duration::days(days))?;
    }
    if let Some(days) = config.retention_closed_days {
        plan.tickets = store::privacy::expired_settled_tickets(c, at - Duration::days(days))?;
    }
    Ok(plan)
}

/// Runs retention: with `dry_run`, only lists; otherwise removes exactly what the plan
/// lists, in one transaction, and records a `retention_run` event. Returns the plan.
pub fn run_retention(app: &App, dry_run: bool, by: &Actor) -> Result<RetentionPlan, AppError> {
    let mut conn = app.conn()?;
    if dry_run {
        return plan_in(&mut conn, &app.config, now());
    }
    store::privacy::secure_delete(&mut conn, true)?;
    let result = store::transaction(&mut conn, |c| {
        let at = now();
        let plan = plan_in(c, &app.config, at)?;
        let raw_ids: Vec<String> = plan.raw_mail.iter().map(|r| r.0.clone()).collect();
        let raw = store::privacy::delete_raw_mail(c, &raw_ids)?;
        let mut customers_done = 0;
        let mut by_customer: Vec<(String, Vec<String>)> = Vec::new();
        for (id, _, customer, _) in &plan.tickets {
            match by_customer.iter_mut().find(|(cid, _)| cid == customer) {
                Some((_, ids)) => ids.push(id.clone()),
                None => by_customer.push((customer.clone(), vec![id.clone()])),
            }
        }
        for (customer_id, ids) in &by_customer {
            let customer = store::customers::get(c, customer_id)?;
            let pseudonym = pseudonym(&customer.id);
            let scrub = scrubber_for(c, &customer, ids, &pseudonym)?;
            store::privacy::erase_tickets(c, ids, &pseudonym, &|s| scrub.scrub(s), at)?;
            // Nothing of theirs left: their name and address go too. A message being
            // filed for them finishes first (and then counts), as in an erasure.
            store::customers::lock(c, customer_id)?;
            if !store::privacy::customer_erased(c, customer_id)?
                && store::privacy::unerased_tickets(c, customer_id)? == 0
            {
                for e in store::privacy::loose_events_mentioning(c, &customer.email)? {
                    store::privacy::redact_event(c, &e, &|s| scrub.scrub(s))?;
                }
                store::customers::forget_identities(c, customer_id)?;
                store::privacy::pseudonymise_customer(c, customer_id, &pseudonym, at)?;
                customers_done += 1;
            }
        }
        store::events::record(
            c,
            None,
            "retention_run",
            by,
            json!({
                "raw_mail": raw,
                "tickets": plan.tickets.len(),
                "customers": customers_done,
                "raw_days": app.config.retention_raw_days,
                "closed_days": app.config.retention_closed_days,
            }),
        )?;
        Ok::<_, AppError>(plan)
    });
    let _ = store::privacy::secure_delete(&mut conn, false);
    let plan = result?;
    if !plan.tickets.is_empty() {
        super::triage::retrain(&mut conn)?;
        app.triage.invalidate();
    }
    store::privacy::checkpoint(&mut conn);
    Ok(plan)
}

/// The background retention job of `serve`: runs at most once a day across all servers
/// sharing the database (a lease in `job_leases`). Returns the plan when this server ran it.
pub fn retention_job(app: &App, holder: &str) -> Result<Option<RetentionPlan>, AppError> {
    const JOB: &str = "retention";
    if app.config.retention_raw_days.is_none() && app.config.retention_closed_days.is_none() {
        return Ok(None);
    }
    let at = now();
    {
        let mut conn = app.conn()?;
        if !store::privacy::claim_job(
            &mut conn,
            JOB,
            holder,
            at,
            Duration::hours(1),
            at - Duration::hours(23),
        )? {
            return Ok(None);
        }
    }
    let actor = Actor {
        kind: "job",
        id: None,
        ip: None,
    };
    let plan = run_retention(app, false, &actor);
    let mut conn = app.conn()?;
    // A failed run releases the lease too; the next claim tries again after a day.
    store::privacy::finish_job(&mut conn, JOB, holder, now())?;
    plan.map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_replaced_only_where_it_stands_whole() {
        let text = "copied bob@example.com, BOB@Example.com and jimbob@example.com; \
                    bob@example.com.au too; written by bob@example.com.";
        assert_eq!(
            replace_whole_address(text, "bob@example.com", "[x]"),
            "copied [x], [x] and jimbob@example.com; bob@example.com.au too; written by [x]."
        );
        assert_eq!(replace_whole_address("", "bob@example.com", "[x]"), "");
    }

    #[test]
    fn scrubber_replaces_every_case_and_leaves_the_rest() {
        let s = Scrubber::new(vec![
            ("alice@example.com".into(), "P".into()),
            ("Alice Liddell".into(), "[erased name]".into()),
        ]);
        assert_eq!(
            s.scrub("from ALICE@example.com (alice liddell), re: order"),
            "from P ([erased name]), re: order"
        );
        assert_eq!(Scrubber::new(vec![]).scrub("as is"), "as is");
    }

    #[test]
    fn log_lines_carry_hashes_not_addresses() {
        let line =
            log_safe("550 5.1.1 <Alice@Example.com>: mailbox unavailable, call +44 20 7946 0958");
        assert!(!line.to_lowercase().contains("alice"), "{line}");
        assert!(!line.contains("7946"), "{line}");
        assert!(
            line.contains(&format!("#{}", log_hash("alice@example.com"))),
            "{line}"
        );
        assert!(line.starts_with("550 5.1.1"), "{line}");
    }

    #[test]
    fn pseudonym_is_stable_and_hides_the_address() {
        assert_eq!(pseudonym("id-1"), pseudonym("id-1"));
        assert_ne!(pseudonym("id-1"), pseudonym("id-2"));
        assert!(pseudonym("id-1").ends_with("@erased.invalid"));
    }

    #[test]
    fn archive_names_stay_inside_their_folder() {
        assert_eq!(safe_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_name(""), "file");
    }
}
