//! `ingest-mail` beside a `serve` on the same machine: the message is handed to the
//! server's `POST /inbound/email`, whose group commit stores it with the others arriving
//! at the same time, instead of each process opening the database itself (SQLite parses
//! the whole schema, triggers and all, for every new connection: a fifth of a pipe
//! process's time).
//!
//! Before a customer's message or the secret leaves the process, the server proves it
//! holds the inbound secret: it answers a random challenge with an HMAC keyed by the
//! secret (`GET /inbound/hello`). Another program that took the port while Tandem was
//! down learns nothing. The message then goes over the same connection.
//!
//! Only a 202 from a server that stores into the same database counts. Anything else
//! (no server listening, another program on the port, a wrong secret, a server busy or
//! on another database) leaves the message to the caller's path through the database,
//! which recognises a copy of a message a server already stored, so nothing is lost and
//! nothing stored twice.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::config::Config;

/// The header that names, as a digest, the database the sender stores into. A server
/// refuses (409) a message meant for another database.
pub const DATABASE_HEADER: &str = "X-Tandem-Database";
/// The pipe's random challenge to `GET /inbound/hello` (hex)...
pub const CHALLENGE_HEADER: &str = "X-Tandem-Challenge";
/// ...and the server's answer, [`proof`] of it.
pub const PROOF_HEADER: &str = "X-Tandem-Proof";

/// A local server answers at once or is not there: waiting longer only delays the
/// fallback.
const CONNECT_TIMEOUT: Duration = Duration::from_millis(500);
/// The server answers once the message is committed; a large message on a busy server
/// may take a while, and a timeout only means the fallback path stores it (or finds the
/// copy the server stored).
const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);

/// What the server said it did with the message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Accepted {
    pub ticket: Option<i64>,
    #[serde(default)]
    pub new_ticket: bool,
    pub decision: Option<String>,
    #[serde(default)]
    pub duplicate: bool,
}

/// The digest a server compares with [`DATABASE_HEADER`]: the same URL, the same
/// database. (Two spellings of one database do not match; the message then takes the
/// slower path, which is still correct.)
pub fn database_fingerprint(database_url: &str) -> String {
    hex::encode(Sha256::digest(database_url.as_bytes()))
}

/// The server's answer to a challenge: HMAC-SHA256 keyed by the inbound secret, in hex.
/// Only a holder of the secret can give it; the challenge is fresh each time.
pub fn proof(secret: &str, challenge: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(b"tandem inbound server\n");
    mac.update(challenge.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// A challenge as the server accepts it: hex, 32 to 128 characters.
pub fn is_challenge(value: &str) -> bool {
    (32..=128).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The address `serve` listens on, as seen from this machine: a server bound to every
/// interface (`0.0.0.0`, `[::]`) is reached on the loopback address.
fn local_address(bind: &str) -> String {
    match bind.parse::<SocketAddr>() {
        Ok(SocketAddr::V4(a)) if a.ip().is_unspecified() => {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), a.port()).to_string()
        }
        Ok(SocketAddr::V6(a)) if a.ip().is_unspecified() => {
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), a.port()).to_string()
        }
        _ => bind.to_string(),
    }
}

/// Hands `raw` to the server on the configured address. `Ok` once that server has
/// durably stored it (or found it already stored); `Err` says why it was not handed over,
/// and the caller stores it through the database. Only tried when an inbound secret is
/// configured: without one the endpoint is off.
pub fn hand_to_local_server(config: &Config, raw: &[u8]) -> Result<Accepted, String> {
    let Some(secret) = config.inbound_secret.as_deref() else {
        return Err("no inbound secret is configured".into());
    };
    // The server would refuse it after reading it all; the caller's path refuses it at
    // once, with the same exit status.
    crate::mail::parse::precheck(raw, config.max_message_bytes).map_err(|e| e.to_string())?;
    let base = format!("http://{}", local_address(&config.bind));
    // One connection for both requests (the agent keeps it alive), so the message goes
    // to the server that just proved itself.
    let agent = ureq::AgentBuilder::new()
        .timeout_connect(CONNECT_TIMEOUT)
        .timeout(ANSWER_TIMEOUT)
        .redirects(0)
        .max_idle_connections_per_host(1)
        .build();
    let challenge = hex::encode(rand::random::<[u8; 32]>());
    let hello = agent
        .get(&format!("{base}/inbound/hello"))
        .set(CHALLENGE_HEADER, &challenge)
        .call()
        .map_err(|e| format!("{base}/inbound/hello: {e}"))?;
    let expected = proof(secret, &challenge);
    let proven = hello
        .header(PROOF_HEADER)
        .is_some_and(|given| bool::from(given.as_bytes().ct_eq(expected.as_bytes())));
    if !proven {
        return Err(format!("{base} did not prove it holds the inbound secret"));
    }
    let url = format!("{base}/inbound/email");
    let answer = agent
        .post(&url)
        .set("X-Tandem-Secret", secret)
        .set(DATABASE_HEADER, &database_fingerprint(&config.database_url))
        .set("Content-Type", "message/rfc822")
        .send_bytes(raw);
    match answer {
        Ok(response) if response.status() == 202 => response
            .into_json::<Accepted>()
            .map_err(|e| format!("{url} answered 202 without Tandem's answer: {e}")),
        Ok(response) => Err(format!("{url} answered {}", response.status())),
        Err(ureq::Error::Status(code, _)) => Err(format!("{url} answered {code}")),
        Err(e) => Err(format!("{url}: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_bound_to_every_interface_is_reached_on_loopback() {
        assert_eq!(local_address("0.0.0.0:8080"), "127.0.0.1:8080");
        assert_eq!(local_address("[::]:8080"), "[::1]:8080");
        assert_eq!(local_address("10.0.0.5:80"), "10.0.0.5:80");
        assert_eq!(local_address("localhost:8080"), "localhost:8080");
    }

    #[test]
    fn fingerprints_differ_by_database_and_hide_the_url() {
        let a = database_fingerprint("postgres://tandem:s3cret@db/prod");
        assert_eq!(a, database_fingerprint("postgres://tandem:s3cret@db/prod"));
        assert_ne!(
            a,
            database_fingerprint("postgres://tandem:s3cret@db/staging")
        );
        assert_eq!(a.len(), 64);
        assert!(!a.contains("s3cret"));
    }

    #[test]
    fn only_the_secret_s_holder_answers_a_challenge() {
        let challenge = "0123456789abcdef0123456789abcdef";
        assert!(is_challenge(challenge));
        assert!(!is_challenge("0123"), "too short");
        assert!(!is_challenge(&"z".repeat(40)), "not hex");
        let given = proof("s3cret", challenge);
        assert_eq!(given, proof("s3cret", challenge));
        assert_ne!(given, proof("another", challenge));
        assert_ne!(given, proof("s3cret", &challenge.replace('0', "1")));
        assert!(!given.contains("s3cret"));
    }

    #[test]
    fn nothing_listening_means_not_handed_over() {
        let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = free.local_addr().unwrap().to_string();
        drop(free);
        let mut config = Config::from_values(&std::collections::HashMap::from([
            ("TANDEM_INBOUND_SECRET".to_string(), "s".to_string()),
            ("TANDEM_BIND".to_string(), addr),
        ]))
        .unwrap();
        assert!(hand_to_local_server(&config, b"Subject: x\r\n\r\nhi").is_err());
        config.inbound_secret = None;
        assert_eq!(
            hand_to_local_server(&config, b"Subject: x\r\n\r\nhi").unwrap_err(),
            "no inbound secret is configured"
        );
    }
}
