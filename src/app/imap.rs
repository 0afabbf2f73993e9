//! IMAP mailboxes (`TANDEM_IMAP_URL`, several separated by spaces): `serve` polls each,
//! fetching only the messages after the last UID it stored (per mailbox, with the
//! mailbox's UIDVALIDITY: when that changes, it starts over and the ingest's duplicate
//! check keeps each message once). A message is marked seen only after it is stored, and
//! the UID is remembered after each message, so a restart in the middle fetches the rest,
//! nothing twice and nothing missed.

use sha2::{Digest, Sha256};

use crate::store;

use super::{App, AppError};

/// A mailbox to poll.
#[derive(Debug, Clone, PartialEq)]
pub struct MailboxUrl {
    pub tls: bool,
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: String,
    pub folder: String,
}

fn unescape(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl MailboxUrl {
    /// `imaps://user:password@host[:port]/FOLDER` (or `imap://` without TLS, for a server
    /// on the same machine); user and password percent-encoded; the folder defaults to INBOX.
    pub fn parse(url: &str) -> Result<MailboxUrl, String> {
        let (tls, rest) = if let Some(r) = url.strip_prefix("imaps://") {
            (true, r)
        } else if let Some(r) = url.strip_prefix("imap://") {
            (false, r)
        } else {
            return Err("TANDEM_IMAP_URL must start with imaps:// (or imap://)".into());
        };
        let (auth, rest) = rest.rsplit_once('@').ok_or("TANDEM_IMAP_URL needs user:password@host")?;
        let (user, password) = auth.split_once(':').ok_or("TANDEM_IMAP_URL needs user:password@host")?;
        let (hostport, folder) = rest.split_once('/').unwrap_or((rest, "INBOX"));
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) => (h, p.parse().map_err(|_| format!("bad port {p:?}"))?),
            None => (hostport, if tls { 993 } else { 143 }),
        };
        if host.is_empty() {
            return Err("TANDEM_IMAP_URL has no host".into());
        }
        Ok(MailboxUrl {
            tls,
            host: host.to_string(),
            port,
            user: unescape(user),
            password: unescape(password),
            folder: match unescape(folder) {
                f if f.is_empty() => "INBOX".into(),
                f => f,
            },
        })
    }

    /// The settings key of this mailbox's position (no password in it).
    fn state_key(&self) -> String {
        let id = format!("{}@{}:{}/{}", self.user, self.host, self.port, self.folder);
        format!("imap:{}", &hex::encode(Sha256::digest(id))[..24])
    }

    /// For logs: never the password.
    pub fn describe(&self) -> String {
        format!("{}@{}:{}/{}", self.user, self.host, self.port, self.folder)
    }
}

/// Where a mailbox was left: its UIDVALIDITY and the last UID stored.
fn position(app: &App, key: &str) -> Result<(u32, u32), AppError> {
    let mut conn = app.conn()?;
    Ok(store::settings::get(&mut conn, key)?
        .and_then(|v| {
            let (validity, uid) = v.split_once(':')?;
            Some((validity.parse().ok()?, uid.parse().ok()?))
        })
        .unwrap_or((0, 0)))
}

fn remember(app: &App, key: &str, validity: u32, uid: u32) -> Result<(), AppError> {
    let mut conn = app.conn()?;
    Ok(store::settings::set(&mut conn, key, &format!("{validity}:{uid}"))?)
}

fn temporary(e: impl std::fmt::Display) -> AppError {
    AppError::Temporary(format!("IMAP: {e}"))
}

/// What one poll did.
#[derive(Debug, Default, PartialEq)]
pub struct Polled {
    pub stored: usize,
    pub duplicates: usize,
    /// Messages refused as malformed: left unseen in the mailbox for a person.
    pub refused: usize,
}

fn session(mailbox: &MailboxUrl) -> Result<imap::Session<imap::Connection>, AppError> {
    let mode = if mailbox.tls {
        imap::ConnectionMode::Tls
    } else {
        imap::ConnectionMode::Plaintext
    };
    let client = imap::ClientBuilder::new(mailbox.host.as_str(), mailbox.port)
        .mode(mode)
        .tls_kind(imap::TlsKind::Rust)
        .connect()
        .map_err(temporary)?;
    client
        .login(&mailbox.user, &mailbox.password)
        .map_err(|(e, _)| AppError::Temporary(format!("IMAP sign-in to {}: {e}", mailbox.describe())))
}

/// Waits until the mailbox changes or `at_most` passes, with IMAP IDLE where the server
/// offers it (else it just waits). True when the server said something changed.
pub fn wait_for_mail(mailbox: &MailboxUrl, at_most: std::time::Duration) -> Result<bool, AppError> {
    let mut session = session(mailbox)?;
    let idle = session.capabilities().map_err(temporary)?.has_str("IDLE");
    if !idle {
        let _ = session.logout();
        std::thread::sleep(at_most);
        return Ok(false);
    }
    session.select(&mailbox.folder).map_err(temporary)?;
    let outcome = session
        .idle()
        .timeout(at_most)
        .keepalive(false)
        .wait_while(imap::extensions::idle::stop_on_any)
        .map_err(temporary)?;
    let _ = session.logout();
    Ok(matches!(outcome, imap::extensions::idle::WaitOutcome::MailboxChanged))
}

/// Fetches and stores the mailbox's new messages, at most `limit` this time.
pub fn poll(app: &App, mailbox: &MailboxUrl, limit: usize) -> Result<Polled, AppError> {
    let mut session = session(mailbox)?;
    let selected = session.select(&mailbox.folder).map_err(temporary)?;
    let validity = selected.uid_validity.unwrap_or(0);
    let key = mailbox.state_key();
    let (known_validity, mut last) = position(app, &key)?;
    if known_validity != validity {
        // A new mailbox, or the server renumbered it: from the start; stored messages are
        // recognised as duplicates.
        last = 0;
    }
    let mut uids: Vec<u32> = session
        .uid_search(format!("UID {}:*", last + 1))
        .map_err(temporary)?
        .into_iter()
        .filter(|u| *u > last)
        .collect();
    uids.sort_unstable();
    let mut polled = Polled::default();
    for uid in uids.into_iter().take(limit) {
        let fetches = session.uid_fetch(uid.to_string(), "BODY.PEEK[]").map_err(temporary)?;
        let Some(raw) = fetches.iter().find_map(|f| f.body().map(|b| b.to_vec())) else {
            continue;
        };
        match super::ingest::ingest_email(app, &raw) {
            Ok(super::ingest::Outcome::Accepted { .. }) => polled.stored += 1,
            Ok(super::ingest::Outcome::Duplicate { .. }) => polled.duplicates += 1,
            Err(e) if e.is_temporary() => return Err(e),
            Err(e) => {
                tracing::warn!(mailbox = %mailbox.describe(), uid, error = %e, "IMAP message refused; left unseen");
                polled.refused += 1;
                remember(app, &key, validity, uid)?;
                continue;
            }
        }
        // Stored: only now is it marked seen, and the position moves past it.
        session.uid_store(uid.to_string(), "+FLAGS (\\Seen)").map_err(temporary)?;
        remember(app, &key, validity, uid)?;
    }
    if known_validity != validity && polled == Polled::default() {
        remember(app, &key, validity, last)?;
    }
    let _ = session.logout();
    Ok(polled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailbox_addresses() {
        let m = MailboxUrl::parse("imaps://support%40acme.example:p%3Ass@imap.acme.example/Support").unwrap();
        assert_eq!(
            m,
            MailboxUrl {
                tls: true,
                host: "imap.acme.example".into(),
                port: 993,
                user: "support@acme.example".into(),
                password: "p:ss".into(),
                folder: "Support".into(),
            }
        );
        assert_eq!(MailboxUrl::parse("imap://u:p@127.0.0.1:1143").unwrap().folder, "INBOX");
        assert!(!MailboxUrl::parse("imap://u:p@127.0.0.1:1143").unwrap().tls);
        assert!(MailboxUrl::parse("https://u:p@x").is_err());
        assert!(MailboxUrl::parse("imaps://host/INBOX").is_err());
        assert!(!m.describe().contains("p:ss"));
    }
}

/// One round over every configured mailbox, each under a job lease so that of several
/// servers one polls a mailbox at a time. Errors are logged; the next round tries again.
pub fn poll_all(app: &App, holder: &str) {
    for url in &app.config.imap_urls {
        let mailbox = match MailboxUrl::parse(url) {
            Ok(m) => m,
            Err(e) => {
                tracing::error!(error = %e, "TANDEM_IMAP_URL");
                continue;
            }
        };
        let job = mailbox.state_key();
        let at = store::now();
        let claimed = app.conn().map_err(AppError::from).and_then(|mut c| {
            Ok(store::privacy::claim_job(&mut c, &job, holder, at, chrono::Duration::minutes(5), at + chrono::Duration::seconds(1))?)
        });
        match claimed {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => {
                tracing::warn!(error = %e, "IMAP: database unavailable");
                continue;
            }
        }
        match poll(app, &mailbox, 500) {
            Ok(p) if p.stored + p.duplicates + p.refused > 0 => {
                tracing::info!(mailbox = %mailbox.describe(), stored = p.stored, duplicates = p.duplicates, refused = p.refused, "IMAP mailbox read")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(mailbox = %mailbox.describe(), error = %e, "IMAP poll failed; will try again"),
        }
        if let Ok(mut c) = app.conn() {
            let _ = store::privacy::finish_job(&mut c, &job, holder, store::now());
        }
    }
}
