//! Optional two-factor sign-in with time-based one-time codes (RFC 6238: six digits, a
//! 30-second step, SHA-1, as every authenticator app reads them). A user turns it on on
//! their account page by entering the secret into their app and confirming one code;
//! from then on sign-in asks for a code after the password. The secret is sealed with
//! ChaCha20-Poly1305 under `TANDEM_SECRET_KEY` when one is set (see `secrets`), and is
//! never shown again once confirmed. A code is accepted once: the step it belongs to is
//! recorded, and an older or equal step is refused.

use rand::RngCore;
use serde_json::json;
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, Secret, TOTP};

use super::actions::ActingUser;
use super::{App, AppError};
use crate::store::{self, DbConn};

/// Seconds per code.
pub const STEP: u64 = 30;
/// Codes one step early or late are accepted (clocks drift; people type slowly).
const SKEW_STEPS: i64 = 1;
/// The issuer authenticator apps show beside the account.
const ISSUER: &str = "Tandem";
/// Stored form of a secret kept without a key.
const PLAIN: &str = "plain:";

/// A fresh random secret (160 bits, as RFC 4226 recommends), in base32.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::thread_rng().fill_bytes(&mut bytes);
    Secret::Raw(bytes.to_vec()).to_encoded().to_string()
}

fn totp(secret_b32: &str, email: &str) -> Result<TOTP, AppError> {
    let bytes = Secret::Encoded(secret_b32.trim().replace(' ', "").to_ascii_uppercase())
        .to_bytes()
        .map_err(|_| AppError::Invalid("the secret is not valid base32".into()))?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        0,
        STEP,
        bytes,
        Some(ISSUER.into()),
        // The otpauth label may not contain a colon.
        email.replace(':', ""),
    )
    .map_err(|e| AppError::Invalid(format!("cannot use this secret: {e}")))
}

/// The `otpauth://` link an authenticator app reads (shown as text to copy, or typed).
pub fn provisioning_url(secret_b32: &str, email: &str) -> Result<String, AppError> {
    Ok(totp(secret_b32, email)?.get_url())
}

/// The time step whose code `code` is, within the allowed skew around `unix_time`.
pub fn matching_step(secret_b32: &str, email: &str, code: &str, unix_time: u64) -> Option<i64> {
    let t = totp(secret_b32, email).ok()?;
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 {
        return None;
    }
    let now_step = (unix_time / STEP) as i64;
    (-SKEW_STEPS..=SKEW_STEPS)
        .map(|d| now_step + d)
        .filter(|s| *s >= 0)
        .find(|s| {
            let expected = t.generate(*s as u64 * STEP);
            bool::from(expected.as_bytes().ct_eq(code.as_bytes()))
        })
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn seal_name(user_id: &str) -> String {
    format!("totp:{user_id}")
}

fn seal(app: &App, user_id: &str, secret_b32: &str) -> Result<String, AppError> {
    match super::secrets::cipher_if_configured(app) {
        Some(c) => super::secrets::seal(&c, &seal_name(user_id), secret_b32),
        None => Ok(format!("{PLAIN}{secret_b32}")),
    }
}

fn unseal(app: &App, user_id: &str, stored: &str) -> Result<String, AppError> {
    if let Some(plain) = stored.strip_prefix(PLAIN) {
        return Ok(plain.to_string());
    }
    let c = super::secrets::cipher_if_configured(app).ok_or_else(|| {
        AppError::Invalid(
            "a second-factor secret is sealed, but TANDEM_SECRET_KEY is not set".into(),
        )
    })?;
    super::secrets::open(&c, &seal_name(user_id), stored)
}

/// Whether the user signs in with a code too.
pub fn enabled(conn: &mut DbConn, user_id: &str) -> Result<bool, AppError> {
    Ok(store::users::totp_secret(conn, user_id)?.is_some())
}

/// Whether the user signs in with a code too (for pages).
pub fn is_enabled(app: &App, user_id: &str) -> Result<bool, AppError> {
    let mut conn = app.conn()?;
    enabled(&mut conn, user_id)
}

/// Checks a code at sign-in and spends its step; false for a wrong or reused code.
pub fn verify(
    app: &App,
    conn: &mut DbConn,
    user_id: &str,
    email: &str,
    code: &str,
) -> Result<bool, AppError> {
    let Some(stored) = store::users::totp_secret(conn, user_id)? else {
        return Ok(false);
    };
    let secret = unseal(app, user_id, &stored)?;
    let Some(step) = matching_step(&secret, email, code, unix_now()) else {
        return Ok(false);
    };
    Ok(store::users::accept_totp_step(conn, user_id, step)?)
}

/// Turns the second factor on once the user proved both their password and that their
/// app makes the right codes for `secret_b32`.
pub fn enable(
    app: &App,
    by: &ActingUser,
    password: &str,
    secret_b32: &str,
    code: &str,
) -> Result<(), AppError> {
    let user = super::auth::recheck_password(app, by, password, "the password is not right")?;
    let mut conn = app.conn()?;
    let Some(step) = matching_step(secret_b32, &user.email, code, unix_now()) else {
        return Err(AppError::Refused(
            "that code does not match: check the secret in your app and the clock of your phone"
                .into(),
        ));
    };
    let sealed = seal(app, &user.id, secret_b32.trim())?;
    store::transaction(&mut conn, |c| -> Result<(), AppError> {
        store::users::set_totp_secret(c, &user.id, Some(&sealed))?;
        store::users::accept_totp_step(c, &user.id, step)?;
        store::events::record(
            c,
            None,
            "two_factor_enabled",
            &by.actor(),
            json!({"user": user.id, "sealed": !sealed.starts_with(PLAIN)}),
        )?;
        Ok(())
    })
}

/// Turns the second factor off (the password is asked again).
pub fn disable(app: &App, by: &ActingUser, password: &str) -> Result<(), AppError> {
    let user = super::auth::recheck_password(app, by, password, "the password is not right")?;
    let mut conn = app.conn()?;
    store::transaction(&mut conn, |c| turn_off(c, &user.id, &by.actor()))
}

/// An admin turns off another user's second factor (a lost phone); audited as the admin.
pub fn disable_by_admin(app: &App, user_id: &str, by: &ActingUser) -> Result<(), AppError> {
    let mut conn = app.conn()?;
    store::transaction(&mut conn, |c| {
        let user = store::users::get(c, user_id).map_err(|_| AppError::NotFound("user".into()))?;
        turn_off(c, &user.id, &by.actor())
    })
}

/// `tandem user two-factor-off EMAIL`: the operator's recovery for a lost phone.
pub fn disable_by_operator(app: &App, email: &str) -> Result<(), AppError> {
    let mut conn = app.conn()?;
    let email = email.trim().to_ascii_lowercase();
    store::transaction(&mut conn, |c| {
        let user = store::users::find_by_email(c, &email)?
            .ok_or_else(|| AppError::NotFound(format!("user {email}")))?;
        turn_off(c, &user.id, &store::events::Actor::CLI)
    })
}

/// Clears the user's second factor and audits who did it (inside the caller's transaction).
fn turn_off(
    c: &mut store::DbConn,
    user_id: &str,
    actor: &store::events::Actor,
) -> Result<(), AppError> {
    store::users::set_totp_secret(c, user_id, None)?;
    store::events::record(
        c,
        None,
        "two_factor_disabled",
        actor,
        json!({"user": user_id}),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_matches_its_step_and_the_neighbours_only() {
        let secret = new_secret();
        let t = totp(&secret, "ana@x").unwrap();
        let at = 1_800_000_000u64;
        let code = t.generate(at);
        assert_eq!(
            matching_step(&secret, "ana@x", &code, at),
            Some((at / STEP) as i64)
        );
        assert!(matching_step(&secret, "ana@x", &code, at + STEP).is_some());
        assert!(matching_step(&secret, "ana@x", &code, at + 3 * STEP).is_none());
        assert!(matching_step(&secret, "ana@x", "12345", at).is_none());
        assert!(
            provisioning_url(&secret, "ana@x")
                .unwrap()
                .starts_with("otpauth://totp/")
        );
    }
}
