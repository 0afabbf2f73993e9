//! Sign-in, sessions and the one-time set-up link. Sessions live in the database (so they
//! can be revoked and shared by several `serve` processes); the cookie holds a random
//! token whose SHA-256 is the key, so a leaked database does not leak live sessions.

use chrono::Duration;
use rand::RngCore;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::store::events::Actor;
use crate::store::models::{SessionRow, UserRow};
use crate::store::{self, now};

use super::{App, AppError};

/// Sessions end after this long without use.
pub const SESSION_IDLE_HOURS: i64 = 12;
/// Failed sign-ins allowed per account, and per client address, in the window.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
pub const MAX_FAILURES_PER_ADDRESS: i64 = 20;
pub const FAILURE_WINDOW_MINUTES: i64 = 15;

pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A signed-in user with their session's CSRF token.
#[derive(Clone, Debug)]
pub struct Session {
    pub user: UserRow,
    pub csrf_token: String,
}

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("wrong email or password")]
    BadCredentials,
    #[error("too many failed attempts; wait {0} minutes and try again")]
    Throttled(i64),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<store::StoreError> for LoginError {
    fn from(e: store::StoreError) -> Self {
        LoginError::App(e.into())
    }
}

/// Checks the password and opens a session; returns the cookie token.
pub fn login(
    app: &App,
    email: &str,
    password: &str,
    ip: Option<&str>,
) -> Result<(String, Session), LoginError> {
    let email = email.trim().to_ascii_lowercase();
    let mut conn = app.conn()?;
    let since = now() - Duration::minutes(FAILURE_WINDOW_MINUTES);
    let (by_account, by_address) =
        store::events::count_failed_logins(&mut conn, &email, ip, since)?;
    if by_account >= MAX_FAILURES_PER_ACCOUNT || by_address >= MAX_FAILURES_PER_ADDRESS {
        return Err(LoginError::Throttled(FAILURE_WINDOW_MINUTES));
    }
    let user = store::users::find_by_email(&mut conn, &email)?;
    let ok = match &user {
        Some(u) => u.active && super::users::verify_password(&u.password_hash, password),
        None => {
            // Spend the same time as a real check so timing does not reveal accounts.
            let _ = super::users::verify_password(dummy_hash(), password);
            false
        }
    };
    let Some(user) = user.filter(|_| ok) else {
        store::events::record(
            &mut conn,
            None,
            "login_failed",
            &Actor {
                kind: "anonymous",
                id: Some(&email),
                ip,
            },
            json!({}),
        )?;
        return Err(LoginError::BadCredentials);
    };
    let token = random_token();
    let at = now();
    let row = SessionRow {
        token_hash: hash_token(&token),
        user_id: user.id.clone(),
        csrf_token: random_token(),
        created_at: at,
        last_seen_at: at,
        expires_at: at + Duration::hours(SESSION_IDLE_HOURS),
    };
    store::sessions::insert(&mut conn, &row)?;
    store::events::record(
        &mut conn,
        None,
        "login",
        &Actor {
            kind: "agent",
            id: Some(&user.id),
            ip,
        },
        json!({}),
    )?;
    Ok((
        token,
        Session {
            csrf_token: row.csrf_token,
            user,
        },
    ))
}

/// The session behind a cookie token, if it is live and its user is active.
pub fn session(app: &App, token: &str) -> Result<Option<Session>, AppError> {
    let mut conn = app.conn()?;
    let hash = hash_token(token);
    let Some(row) = store::sessions::get(&mut conn, &hash)? else {
        return Ok(None);
    };
    let at = now();
    if row.last_seen_at + Duration::hours(SESSION_IDLE_HOURS) < at
        || row.expires_at < at - Duration::days(30)
    {
        store::sessions::delete(&mut conn, &hash)?;
        return Ok(None);
    }
    let user = store::users::get(&mut conn, &row.user_id)?;
    if !user.active {
        return Ok(None);
    }
    // Touch at most once a minute to keep reads cheap.
    if at - row.last_seen_at > Duration::minutes(1) {
        store::sessions::touch(&mut conn, &hash, at)?;
    }
    Ok(Some(Session {
        user,
        csrf_token: row.csrf_token,
    }))
}

pub fn logout(app: &App, token: &str, user_id: &str, ip: Option<&str>) -> Result<(), AppError> {
    let mut conn = app.conn()?;
    store::sessions::delete(&mut conn, &hash_token(token))?;
    store::events::record(
        &mut conn,
        None,
        "logout",
        &Actor {
            kind: "agent",
            id: Some(user_id),
            ip,
        },
        json!({}),
    )?;
    Ok(())
}

const SETUP_KEY: &str = "setup_token_hash";

/// On a database without users, creates a one-time set-up token (printed by `serve`).
pub fn setup_token_if_needed(app: &App) -> Result<Option<String>, AppError> {
    let mut conn = app.conn()?;
    if store::users::count(&mut conn)? > 0 {
        return Ok(None);
    }
    let token = random_token();
    store::settings::set(&mut conn, SETUP_KEY, &hash_token(&token))?;
    Ok(Some(token))
}

/// Whether the set-up token is the live one (and no user exists yet).
pub fn setup_token_valid(app: &App, token: &str) -> Result<bool, AppError> {
    let mut conn = app.conn()?;
    if store::users::count(&mut conn)? > 0 {
        return Ok(false);
    }
    let stored = store::settings::all(&mut conn)?
        .into_iter()
        .find(|(k, _)| k == SETUP_KEY)
        .map(|(_, v)| v);
    Ok(stored.is_some_and(|h| h == hash_token(token)))
}

/// Creates the first admin with the one-time token, which is then spent.
pub fn complete_setup(
    app: &App,
    token: &str,
    email: &str,
    name: &str,
    password: &str,
) -> Result<UserRow, AppError> {
    if !setup_token_valid(app, token)? {
        return Err(AppError::Forbidden);
    }
    let user = super::users::add(app, email, name, "admin", password)?;
    let mut conn = app.conn()?;
    store::settings::set(&mut conn, SETUP_KEY, "")?;
    Ok(user)
}

/// An argon2 hash of a random password, used to keep failed look-ups as slow as real ones.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| super::users::hash_password(&random_token()).unwrap_or_default())
}
