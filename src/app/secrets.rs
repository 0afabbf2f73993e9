//! Secrets at rest: credentials kept in the database (SMTP, LLM, channel tokens) are
//! sealed with ChaCha20-Poly1305 under a key derived from `TANDEM_SECRET_KEY`, stored in
//! `settings` as `secret:NAME`, and never shown again after entry (only their names are
//! listed). Without a key Tandem refuses to store one.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::actions::ActingUser;
use super::{App, AppError};
use crate::store::{self, events::Actor};

const PREFIX: &str = "secret:";
const VERSION: &str = "v1";

/// The cipher under `TANDEM_SECRET_KEY`, if one is set (for values that may also be
/// kept without it, such as second-factor secrets).
pub(crate) fn cipher_if_configured(app: &App) -> Option<ChaCha20Poly1305> {
    cipher(app).ok()
}

fn cipher(app: &App) -> Result<ChaCha20Poly1305, AppError> {
    let key = app.config.secret_key.as_deref().ok_or_else(|| {
        AppError::Refused(
            "no TANDEM_SECRET_KEY is set: Tandem stores no credential unencrypted".into(),
        )
    })?;
    // The setting is a long random string (`openssl rand -hex 32`); hashing makes any
    // such string a 256-bit key.
    let digest = Sha256::digest(key.as_bytes());
    Ok(ChaCha20Poly1305::new(Key::from_slice(&digest)))
}

fn valid_name(name: &str) -> Result<(), AppError> {
    if name.is_empty()
        || name.len() > 64
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c))
    {
        return Err(AppError::Invalid(
            "a secret's name is 1-64 characters of a-z, 0-9, _ . -".into(),
        ));
    }
    Ok(())
}

/// Seals `value` for `name`: `v1:NONCE:CIPHERTEXT` (hex); the name is bound in as
/// associated data, so a sealed value cannot be moved to another name.
pub(crate) fn seal(c: &ChaCha20Poly1305, name: &str, value: &str) -> Result<String, AppError> {
    let mut nonce = [0u8; 12];
    rand::thread_rng().fill_bytes(&mut nonce);
    let sealed = c
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: value.as_bytes(),
                aad: name.as_bytes(),
            },
        )
        .map_err(|_| AppError::Invalid("cannot encrypt".into()))?;
    Ok(format!(
        "{VERSION}:{}:{}",
        hex::encode(nonce),
        hex::encode(sealed)
    ))
}

pub(crate) fn open(c: &ChaCha20Poly1305, name: &str, stored: &str) -> Result<String, AppError> {
    let broken = || {
        AppError::Invalid(format!(
            "secret {name} cannot be decrypted (another TANDEM_SECRET_KEY?)"
        ))
    };
    let mut parts = stored.splitn(3, ':');
    let (Some(VERSION), Some(nonce), Some(sealed)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(broken());
    };
    let nonce = hex::decode(nonce)
        .ok()
        .filter(|n| n.len() == 12)
        .ok_or_else(broken)?;
    let sealed = hex::decode(sealed).map_err(|_| broken())?;
    let plain = c
        .decrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: &sealed,
                aad: name.as_bytes(),
            },
        )
        .map_err(|_| broken())?;
    String::from_utf8(plain).map_err(|_| broken())
}

/// Stores (or replaces) a credential, encrypted; audited as `secret_stored` (the name
/// only). Refused without `TANDEM_SECRET_KEY`.
pub fn store(app: &App, name: &str, value: &str, by: Option<&ActingUser>) -> Result<(), AppError> {
    valid_name(name)?;
    let sealed = seal(&cipher(app)?, name, value)?;
    let mut conn = app.conn()?;
    store::transaction(&mut conn, |c| {
        store::settings::set(c, &format!("{PREFIX}{name}"), &sealed)?;
        store::events::record(
            c,
            None,
            "secret_stored",
            &by.map_or(Actor::CLI, |u| u.actor()),
            json!({"name": name}),
        )?;
        Ok(())
    })
}

/// A stored credential in clear, for the code that uses it (never for display).
pub fn load(app: &App, name: &str) -> Result<Option<String>, AppError> {
    let mut conn = app.conn()?;
    let key = format!("{PREFIX}{name}");
    let Some((_, stored)) = store::settings::all(&mut conn)?
        .into_iter()
        .find(|(k, _)| *k == key)
    else {
        return Ok(None);
    };
    open(&cipher(app)?, name, &stored).map(Some)
}

/// The names of the stored credentials (their values are never shown again).
pub fn names(app: &App) -> Result<Vec<String>, AppError> {
    let mut conn = app.conn()?;
    let mut names: Vec<String> = store::settings::all(&mut conn)?
        .into_iter()
        .filter_map(|(k, _)| k.strip_prefix(PREFIX).map(str::to_string))
        .collect();
    names.sort();
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cipher_for(key: &str) -> ChaCha20Poly1305 {
        ChaCha20Poly1305::new(Key::from_slice(&Sha256::digest(key.as_bytes())))
    }

    #[test]
    fn sealed_values_open_only_with_their_key_and_name() {
        let c = cipher_for("k1");
        let sealed = seal(&c, "smtp_password", "hunter2").unwrap();
        assert!(!sealed.contains("hunter2"));
        assert_ne!(
            sealed,
            seal(&c, "smtp_password", "hunter2").unwrap(),
            "fresh nonce"
        );
        assert_eq!(open(&c, "smtp_password", &sealed).unwrap(), "hunter2");
        assert!(open(&cipher_for("k2"), "smtp_password", &sealed).is_err());
        assert!(open(&c, "llm_api_key", &sealed).is_err());
    }
}
