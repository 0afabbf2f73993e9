//! IMAP mailboxes (`TANDEM_IMAP_URL`, several separated by spaces): `serve` polls each,
//! fetching only the messages after the last UID it stored (per mailbox, with the
//! mailbox's UIDVALIDITY: when that changes, or on the first poll, it starts over from the
//! unseen messages, and the ingest's duplicate check keeps each message once). A message is marked seen only after it is stored, and
//! the UID is remembered after each message, so a restart in the middle fetches the rest,
//! nothing twice and nothing missed.

use std::collections::BTreeMap;

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

/// How often fetching one message may fail before the mailbox moves past it (left in the
/// mailbox for a person, said in the log): a message the server cannot give must not keep
/// every later one from being read.
const FETCH_TRIES: u32 = 3;

/// Failed fetches per (mailbox, UID) in this process.
static FETCH_FAILURES: std::sync::Mutex<BTreeMap<(String, u32), u32>> =
    std::sync::Mutex::new(BTreeMap::new());

/// Counts a failed fetch of `uid`: an error for this round (the next one tries again)
/// until it failed [`FETCH_TRIES`] times; then the mailbox moves past it (`Ok`).
fn fetch_failed(
    app: &App,
    key: &str,
    validity: u32,
    uid: u32,
    why: &str,
) -> Result<(), AppError> {
    let tries = {
        let mut failures = FETCH_FAILURES
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let tries = failures.entry((key.to_string(), uid)).or_insert(0);
        *tries += 1;
        let n = *tries;
        if n >= FETCH_TRIES {
            failures.remove(&(key.to_string(), uid));
        }
        n
    };
    if tries < FETCH_TRIES {
        return Err(temporary(format!("fetching message UID {uid}: {why}")));
    }
    tracing::error!(uid, tries, error = %why, "IMAP message could not be fetched; left in the mailbox for a person, moving on");
    remember(app, key, validity, uid)
}

/// Fetches and stores the mailbox's new messages, at most `limit` this time.
///
/// A mailbox read for the first time, or renumbered by its server (a new UIDVALIDITY), is
/// read from its unseen messages only: what was read before is not taken again, neither
/// years of mail already answered in a newly connected mailbox nor mail whose stored copy
/// retention has since removed.
pub fn poll(app: &App, mailbox: &MailboxUrl, limit: usize) -> Result<Polled, AppError> {
    let mut session = session(mailbox)?;
    let selected = session.select(&mailbox.folder).map_err(temporary)?;
    let validity = selected.uid_validity.unwrap_or(0);
    let key = mailbox.state_key();
    let (known_validity, mut last) = position(app, &key)?;
    let starting_over = known_validity != validity;
    let query = if starting_over {
        last = 0;
        "UID 1:* UNSEEN".to_string()
    } else {
        format!("UID {}:*", last + 1)
    };
    let mut uids: Vec<u32> = session
        .uid_search(query)
        .map_err(temporary)?
        .into_iter()
        .filter(|u| *u > last)
        .collect();
    uids.sort_unstable();
    let all_this_round = uids.len() <= limit;
    uids.truncate(limit);
    let mut polled = Polled::default();
    let mut whole_round = true;
    for uid in uids {
        // The size first: a message over the limit is never fetched whole. One command per
        // message, so that a message the server cannot give fails alone.
        let fetched = session
            .uid_fetch(uid.to_string(), "RFC822.SIZE")
            .map(|f| f.iter().find_map(|f| f.size))
            .and_then(|size| match size {
                Some(bytes) if bytes as usize > app.config.max_message_bytes => Ok(Err(bytes)),
                _ => session
                    .uid_fetch(uid.to_string(), "BODY.PEEK[]")
                    .map(|f| Ok(f.iter().find_map(|f| f.body().map(<[u8]>::to_vec)))),
            });
        let raw = match fetched {
            Ok(Ok(Some(raw))) => raw,
            Ok(Err(bytes)) => {
                tracing::warn!(mailbox = %mailbox.describe(), uid, bytes, "IMAP message larger than TANDEM_MAX_MESSAGE_BYTES; left unseen");
                polled.refused += 1;
                remember(app, &key, validity, uid)?;
                continue;
            }
            Ok(Ok(None)) => {
                fetch_failed(app, &key, validity, uid, "the server sent no message")?;
                polled.refused += 1;
                continue;
            }
            Err(e) => {
                fetch_failed(app, &key, validity, uid, &e.to_string())?;
                polled.refused += 1;
                if matches!(e, imap::Error::No(_) | imap::Error::Bad(_)) {
                    continue;
                }
                // The connection is gone with the message that broke it: the next round
                // starts on a new one.
                whole_round = false;
                break;
            }
        };
        // A panic here (a parser meeting bytes it cannot bear) must not end the poller.
        let ingested = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            super::ingest::ingest_email(app, &raw)
        }))
            .unwrap_or_else(|panic| {
                Err(AppError::Unprocessable(super::ingest::panic_message(&*panic)))
            });
        match ingested {
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
        // Stored: only now is it marked seen, and the position moves past it. Marking it
        // seen is for the people reading the mailbox: the message is safe without it.
        if let Err(e) = session.uid_store(uid.to_string(), "+FLAGS (\\Seen)") {
            tracing::warn!(mailbox = %mailbox.describe(), uid, error = %e, "IMAP message stored but not marked seen");
        }
        remember(app, &key, validity, uid)?;
        last = uid;
    }
    if starting_over && all_this_round && whole_round {
        // Everything unseen is read: the read messages after it are not new either.
        let newest = selected.uid_next.map_or(last, |next| next.saturating_sub(1));
        remember(app, &key, validity, newest.max(last))?;
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
