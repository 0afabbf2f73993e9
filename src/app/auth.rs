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
/// How far back failed sign-ins count.
pub const FAILURE_WINDOW_MINUTES: i64 = 15;

/// One back-off rule: past `free` failures of its kind, each attempt waits
/// `base × 2^(failures − free)` (at most `cap`) seconds after the latest such failure.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub free: usize,
    pub base_secs: i64,
    pub cap_secs: i64,
}

impl Backoff {
    /// Seconds still to wait, given this rule's failures (newest first).
    fn wait(&self, failures: &[&store::events::FailedLogin], at: chrono::NaiveDateTime) -> i64 {
        if failures.len() < self.free {
            return 0;
        }
        let over = (failures.len() - self.free).min(20) as u32;
        let delay = self.base_secs.saturating_mul(1 << over).min(self.cap_secs);
        let latest = failures.iter().map(|f| f.at).max().unwrap_or(at);
        (latest + Duration::seconds(delay) - at)
            .num_seconds()
            .max(0)
    }
}

/// One account from one address: the owner mistyping, or someone guessing from there.
pub const PER_ACCOUNT_AND_ADDRESS: Backoff = Backoff {
    free: 5,
    base_secs: 30,
    cap_secs: 15 * 60,
};
/// One account from anywhere (guessing spread over many addresses). Capped low, so that
/// nobody can keep the owner out for long by failing on purpose.
pub const PER_ACCOUNT: Backoff = Backoff {
    free: 10,
    base_secs: 5,
    cap_secs: 60,
};
/// One address trying many real accounts (password spraying).
pub const PER_ADDRESS: Backoff = Backoff {
    free: 20,
    base_secs: 5,
    cap_secs: 5 * 60,
};
/// One address trying addresses that are no account. Such noise cannot guess a password,
/// so it only turns the address's refusals into "slow down"; real accounts are still
/// checked, so the noise never locks their owners out.
pub const PER_ADDRESS_UNKNOWN: Backoff = Backoff {
    free: 100,
    base_secs: 2,
    cap_secs: 30,
};

/// What the throttle says about one sign-in attempt before the password is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    /// Refuse without checking the password: this account is being guessed.
    pub refuse_secs: i64,
    /// The address is noisy with unknown accounts: check, but answer any failure with
    /// "slow down" for this long.
    pub noisy_secs: i64,
}

/// The throttle for `email` from `ip`, given recent failures (pure, so it is tested alone).
pub fn throttle(
    recent: &[store::events::FailedLogin],
    email: &str,
    ip: Option<&str>,
    at: chrono::NaiveDateTime,
) -> Throttle {
    throttle_from(recent, email, ip, at, false)
}

/// Days a successful sign-in makes an address the owner's own for the throttle.
pub const OWN_ADDRESS_DAYS: i64 = 30;

/// The throttle when it is known whether the account's owner signed in from `ip`
/// recently (`own_address`). There, only the owner's account from that address backs off
/// (`PER_ACCOUNT_AND_ADDRESS`): neither guessing spread over other addresses
/// (`PER_ACCOUNT`) nor someone behind the same address spraying colleagues' accounts
/// (`PER_ADDRESS`, an office behind one NAT) slows the owner at their own address.
pub fn throttle_from(
    recent: &[store::events::FailedLogin],
    email: &str,
    ip: Option<&str>,
    at: chrono::NaiveDateTime,
    own_address: bool,
) -> Throttle {
    let from_ip = |f: &&store::events::FailedLogin| ip.is_some() && f.ip.as_deref() == ip;
    let account: Vec<_> = recent.iter().filter(|f| f.email == email).collect();
    let account_here: Vec<_> = account.iter().copied().filter(from_ip).collect();
    let address_known: Vec<_> = recent
        .iter()
        .filter(from_ip)
        .filter(|f| f.known_account)
        .collect();
    let address_unknown: Vec<_> = recent
        .iter()
        .filter(from_ip)
        .filter(|f| !f.known_account)
        .collect();
    Throttle {
        refuse_secs: PER_ACCOUNT_AND_ADDRESS
            .wait(&account_here, at)
            .max(if own_address {
                0
            } else {
                PER_ACCOUNT.wait(&account, at)
            })
            .max(if own_address {
                0
            } else {
                PER_ADDRESS.wait(&address_known, at)
            }),
        noisy_secs: PER_ADDRESS_UNKNOWN.wait(&address_unknown, at),
    }
}

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
    /// The password was right; the account asks for a code too (see `sign_in`).
    #[error("this account asks for a code from its authenticator app")]
    CodeRequired,
    #[error("that code is not right (or was used already); try the next one")]
    BadCode,
    #[error("the sign-in took too long; enter your password again")]
    Expired,
    #[error("too many failed attempts; wait {0} seconds and try again")]
    Throttled(i64),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<diesel::result::Error> for LoginError {
    fn from(e: diesel::result::Error) -> Self {
        LoginError::App(e.into())
    }
}

impl From<store::StoreError> for LoginError {
    fn from(e: store::StoreError) -> Self {
        LoginError::App(e.into())
    }
}

/// How long the step between the password and the code may take.
pub const SECOND_FACTOR_MINUTES: i64 = 5;
/// The purpose of a pending sign-in token (password checked, code not yet).
pub const SECOND_FACTOR: &str = "second_factor";

/// What a right password leads to.
pub enum SignIn {
    /// Signed in: the cookie token and the session.
    Done(String, Session),
    /// The account has a second factor: this token (kept in a cookie for a few minutes)
    /// and a code from the user's app finish the sign-in (`complete_second_factor`).
    NeedsCode(String),
}

/// Checks the password and opens a session; returns the cookie token. For an account
/// with a second factor this is `LoginError::CodeRequired`: use `sign_in`.
pub fn login(
    app: &App,
    email: &str,
    password: &str,
    ip: Option<&str>,
) -> Result<(String, Session), LoginError> {
    match sign_in(app, email, password, ip)? {
        SignIn::Done(token, session) => Ok((token, session)),
        SignIn::NeedsCode(_) => Err(LoginError::CodeRequired),
    }
}

/// The throttle for this attempt, from the recent failures and the owner's addresses.
fn limits_for(
    conn: &mut store::DbConn,
    email: &str,
    user: Option<&UserRow>,
    ip: Option<&str>,
    at: chrono::NaiveDateTime,
) -> Result<Throttle, LoginError> {
    let since = at - Duration::minutes(FAILURE_WINDOW_MINUTES);
    let recent = store::events::recent_failed_logins(conn, email, ip, since, 2_000)?;
    let own_address = match (user, ip) {
        (Some(u), Some(ip)) => {
            store::events::signed_in_from(conn, &u.id, ip, at - Duration::days(OWN_ADDRESS_DAYS))?
        }
        _ => false,
    };
    Ok(throttle_from(&recent, email, ip, at, own_address))
}

/// Locks that order sign-in checks in one process: a few dozen per kind, chosen by hash
/// (two accounts or addresses sharing one merely wait for each other).
pub(crate) struct SignInTurns {
    accounts: [std::sync::Mutex<()>; 64],
    addresses: [std::sync::Mutex<()>; 64],
}

impl Default for SignInTurns {
    fn default() -> Self {
        SignInTurns {
            accounts: std::array::from_fn(|_| std::sync::Mutex::new(())),
            addresses: std::array::from_fn(|_| std::sync::Mutex::new(())),
        }
    }
}

impl SignInTurns {
    fn turn<'a>(turns: &'a [std::sync::Mutex<()>; 64], key: &str) -> std::sync::MutexGuard<'a, ()> {
        turns[Sha256::digest(key.as_bytes())[0] as usize % turns.len()]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn account(&self, email: &str) -> std::sync::MutexGuard<'_, ()> {
        Self::turn(&self.accounts, email)
    }

    fn address(&self, ip: &str) -> std::sync::MutexGuard<'_, ()> {
        Self::turn(&self.addresses, ip)
    }
}

/// What a password or code checked under the throttle turned out to be.
enum Checked {
    Right,
    Wrong,
}

/// Checks a password or a code (`check`) for `email` under the sign-in throttle, one
/// check of an account and one check from a client address at a time: the throttle is
/// read, the check made and a failure recorded before the next such check starts (in
/// this process by a lock per account and one per address; across servers on PostgreSQL
/// by the account's row and a lock per address). So attempts sent in parallel each see
/// the failures of those before them, and no burst, at one account or sprayed over many,
/// gets more guesses than the back-off allows. An address that is no account takes the
/// same road.
fn throttled_check(
    app: &App,
    conn: &mut store::DbConn,
    email: &str,
    user: Option<&UserRow>,
    ip: Option<&str>,
    check: impl FnOnce(&mut store::DbConn) -> Result<bool, LoginError>,
) -> Result<Checked, LoginError> {
    // Always the account's turn first, then the address's: one order, no deadlock.
    let _account = app.sign_in_turns.account(email);
    let _address = ip.map(|ip| app.sign_in_turns.address(ip));
    let outcome = store::users::with_sign_in_locked(conn, user.map(|u| u.id.as_str()), ip, |c| {
        let limits = limits_for(c, email, user, ip, now())?;
        if limits.refuse_secs > 0 {
            return Ok(Err(limits.refuse_secs));
        }
        let right = check(c)?;
        if !right {
            record_failure(c, email, user.is_some(), ip)?;
        }
        Ok::<_, LoginError>(Ok((right, limits.noisy_secs)))
    })?;
    match outcome {
        Err(wait) => Err(LoginError::Throttled(wait)),
        Ok((true, _)) => Ok(Checked::Right),
        Ok((false, noisy)) if noisy > 0 => Err(LoginError::Throttled(noisy)),
        Ok((false, _)) => Ok(Checked::Wrong),
    }
}

fn record_failure(
    conn: &mut store::DbConn,
    email: &str,
    known: bool,
    ip: Option<&str>,
) -> Result<(), LoginError> {
    let kind = if known {
        store::events::LOGIN_FAILED
    } else {
        store::events::LOGIN_FAILED_UNKNOWN
    };
    store::events::record(
        conn,
        None,
        kind,
        &Actor {
            kind: "anonymous",
            id: Some(email),
            ip,
        },
        json!({}),
    )?;
    Ok(())
}

/// Checks a signed-in user's password again (changing it, turning the second factor on
/// or off) under the same throttle as signing in: a session left open on a shared
/// computer must not become a way to guess the password. A wrong one is refused with
/// `wrong`, the words of the page that asked. Returns the user as stored.
pub fn recheck_password(
    app: &App,
    by: &super::actions::ActingUser,
    password: &str,
    wrong: &str,
) -> Result<UserRow, AppError> {
    let mut conn = app.conn()?;
    let user = store::users::get(&mut conn, &by.id)?;
    let hash = user.password_hash.clone();
    let password = password.to_string();
    match throttled_check(
        app,
        &mut conn,
        &user.email,
        Some(&user),
        by.ip.as_deref(),
        move |_| Ok(super::users::verify_password(&hash, &password)),
    ) {
        Ok(Checked::Right) => Ok(user),
        Ok(Checked::Wrong) => Err(AppError::Refused(wrong.into())),
        Err(LoginError::Throttled(secs)) => Err(AppError::Refused(format!(
            "too many wrong passwords; wait {secs} seconds and try again"
        ))),
        Err(LoginError::App(e)) => Err(e),
        Err(e) => Err(AppError::Refused(e.to_string())),
    }
}

/// Checks the password; opens a session, or for an account with a second factor a
/// pending sign-in that a code completes.
pub fn sign_in(
    app: &App,
    email: &str,
    password: &str,
    ip: Option<&str>,
) -> Result<SignIn, LoginError> {
    let email = email.trim().to_ascii_lowercase();
    let mut conn = app.conn()?;
    let at = now();
    let user = store::users::find_by_email(&mut conn, &email)?;
    // An invited user without a password yet, and an address that is no account, are
    // checked against the dummy hash: timing does not tell them apart.
    let hash = match &user {
        Some(u) if !u.password_hash.is_empty() && u.active => u.password_hash.clone(),
        _ => dummy_hash().to_string(),
    };
    let real = user
        .as_ref()
        .is_some_and(|u| !u.password_hash.is_empty() && u.active);
    let checked = throttled_check(app, &mut conn, &email, user.as_ref(), ip, |_| {
        Ok(super::users::verify_password(&hash, password) && real)
    })?;
    let (Checked::Right, Some(user)) = (checked, user) else {
        return Err(LoginError::BadCredentials);
    };
    if super::two_factor::enabled(&mut conn, &user.id)? {
        store::user_tokens::purge_expired(&mut conn, at - Duration::days(1))?;
        let token = random_token();
        store::user_tokens::insert(
            &mut conn,
            &crate::store::models::UserTokenRow {
                token_hash: hash_token(&token),
                user_id: user.id.clone(),
                purpose: SECOND_FACTOR.into(),
                created_at: at,
                expires_at: at + Duration::minutes(SECOND_FACTOR_MINUTES),
                used_at: None,
            },
        )?;
        return Ok(SignIn::NeedsCode(token));
    }
    let (token, session) = open_session(&mut conn, user, ip, false)?;
    Ok(SignIn::Done(token, session))
}

/// Finishes a sign-in that waits for a code. A wrong code counts as a failed sign-in of
/// the account (the same back-off as wrong passwords), so codes cannot be guessed.
pub fn complete_second_factor(
    app: &App,
    pending: &str,
    code: &str,
    ip: Option<&str>,
) -> Result<(String, Session), LoginError> {
    let mut conn = app.conn()?;
    let at = now();
    let hash = hash_token(pending);
    let Some(row) = store::user_tokens::find_live(&mut conn, &hash, &[SECOND_FACTOR], at)? else {
        return Err(LoginError::Expired);
    };
    let user = store::users::get(&mut conn, &row.user_id)?;
    if !user.active {
        return Err(LoginError::Expired);
    }
    let checked = throttled_check(app, &mut conn, &user.email, Some(&user), ip, |c| {
        Ok(super::two_factor::verify(
            app,
            c,
            &user.id,
            &user.email,
            code,
        )?)
    })?;
    if let Checked::Wrong = checked {
        return Err(LoginError::BadCode);
    }
    if store::user_tokens::consume(&mut conn, &hash, &[SECOND_FACTOR], at)?.is_none() {
        return Err(LoginError::Expired);
    }
    open_session(&mut conn, user, ip, true)
}

/// Opens a session for a user whose credentials were checked; audited as `login`.
fn open_session(
    conn: &mut store::DbConn,
    user: UserRow,
    ip: Option<&str>,
    second_factor: bool,
) -> Result<(String, Session), LoginError> {
    let at = now();
    let token = random_token();
    let row = SessionRow {
        token_hash: hash_token(&token),
        user_id: user.id.clone(),
        csrf_token: random_token(),
        created_at: at,
        last_seen_at: at,
        expires_at: at + Duration::hours(SESSION_IDLE_HOURS),
    };
    store::sessions::insert(conn, &row)?;
    store::events::record(
        conn,
        None,
        "login",
        &Actor {
            kind: "agent",
            id: Some(&user.id),
            ip,
        },
        if second_factor {
            json!({"second_factor": true})
        } else {
            json!({})
        },
    )?;
    Ok((
        token,
        Session {
            csrf_token: row.csrf_token,
            user,
        },
    ))
}

/// Makes the browser's form token (the sign-in form's double-submit cookie, which stays
/// the same across sign-ins) the token of the session just opened, so that signing in
/// again in one tab leaves the forms of the browser's other tabs valid. From then on the
/// session's own stored token is the only one its forms are checked against: a cookie
/// set later by someone else (a sibling subdomain can set cookies for this host) does not
/// change it. A token not of our making (64 hex digits) leaves the random one in place.
pub fn bind_form_token(
    app: &App,
    session_token: &str,
    browser_token: &str,
) -> Result<(), AppError> {
    if browser_token.len() != 64 || !browser_token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(());
    }
    let mut conn = app.conn()?;
    store::write_alone(&mut conn, |c| {
        store::sessions::set_csrf(c, &hash_token(session_token), browser_token)
    })?;
    Ok(())
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
    // In a transaction, to take a turn at SQLite's write lock (`store::write_turns`).
    if at - row.last_seen_at > Duration::minutes(1) {
        store::transaction(&mut conn, |c| store::sessions::touch(c, &hash, at))?;
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

/// Each set-up token is a setting of its own, named by its hash, its value the Unix time
/// it was made: several `serve` processes starting at once on one empty database each
/// print a link that works (one setting would let the last one replace the others').
const SETUP_PREFIX: &str = "setup_token:";
/// The row set-up completions take turns on.
const SETUP_TURN: &str = "setup_turn";
/// What a spent token's setting holds.
const SETUP_SPENT: &str = "spent";
/// How long the set-up link printed by `serve` works: it sits in a terminal or a log,
/// and whoever opens it becomes admin. Each start of `serve` prints a new one; the first
/// admin made ends them all.
pub const SETUP_LINK_MINUTES: i64 = 60;

fn setup_key(token: &str) -> String {
    format!("{SETUP_PREFIX}{}", hash_token(token))
}

/// Whether a set-up token's setting says it is unspent and younger than the limit.
fn setup_fresh(value: Option<&str>) -> bool {
    value
        .and_then(|v| v.parse::<i64>().ok())
        .is_some_and(|made| now().and_utc().timestamp() - made < SETUP_LINK_MINUTES * 60)
}

/// On a database without users, creates a one-time set-up token (printed by `serve`).
pub fn setup_token_if_needed(app: &App) -> Result<Option<String>, AppError> {
    let mut conn = app.conn()?;
    if store::users::count(&mut conn)? > 0 {
        return Ok(None);
    }
    let token = random_token();
    store::settings::set(
        &mut conn,
        &setup_key(&token),
        &now().and_utc().timestamp().to_string(),
    )?;
    Ok(Some(token))
}

/// Whether the set-up token is a live one, made less than [`SETUP_LINK_MINUTES`] ago
/// (and no user exists yet).
pub fn setup_token_valid(app: &App, token: &str) -> Result<bool, AppError> {
    let mut conn = app.conn()?;
    if store::users::count(&mut conn)? > 0 {
        return Ok(false);
    }
    Ok(setup_fresh(
        store::settings::get(&mut conn, &setup_key(token))?.as_deref(),
    ))
}

/// Creates the first admin with the one-time token, which is spent in the same
/// transaction: however many requests race with the link (or with another server's), one
/// admin is created.
pub fn complete_setup(
    app: &App,
    token: &str,
    email: &str,
    name: &str,
    password: &str,
    ip: Option<&str>,
) -> Result<UserRow, AppError> {
    if !setup_token_valid(app, token)? {
        return Err(AppError::Forbidden);
    }
    // Checked (and the password hashed) first, so a refused form leaves the link usable.
    let new = super::users::NewUser::check(email, name, "admin", password)?;
    let mut conn = app.conn()?;
    let key = setup_key(token);
    store::transaction(&mut conn, |c| {
        // Completions with different tokens take turns on one row (on PostgreSQL the next
        // waits for this commit, then finds the row changed): the users are counted after.
        let turn = store::settings::get_or_insert(c, SETUP_TURN, "0")?;
        let next = turn.parse::<i64>().unwrap_or(0) + 1;
        if !store::settings::replace_if(c, SETUP_TURN, &turn, &next.to_string())? {
            return Err(AppError::Forbidden);
        }
        let made = store::settings::get(c, &key)?;
        if store::users::count(c)? > 0
            || !setup_fresh(made.as_deref())
            || !store::settings::replace_if(
                c,
                &key,
                made.as_deref().unwrap_or_default(),
                SETUP_SPENT,
            )?
        {
            return Err(AppError::Forbidden);
        }
        new.insert_as(c, None, ip)
    })
}

/// An argon2 hash of a random password, used to keep failed look-ups as slow as real ones.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| super::users::hash_password(&random_token()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, NaiveDateTime};

    use super::throttle;
    use crate::store::events::FailedLogin;

    fn t0() -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000, 0)
            .unwrap()
            .naive_utc()
    }

    fn fail(email: &str, ip: &str, known: bool, secs: i64) -> FailedLogin {
        FailedLogin {
            email: email.into(),
            ip: Some(ip.into()),
            known_account: known,
            at: t0() + Duration::seconds(secs),
        }
    }

    #[test]
    fn guessing_one_account_from_one_address_backs_off_and_then_lets_a_try_through() {
        let mut recent: Vec<_> = (0..4).map(|i| fail("ana@x", "1.1.1.1", true, i)).collect();
        let at = t0() + Duration::seconds(4);
        assert_eq!(
            throttle(&recent, "ana@x", Some("1.1.1.1"), at).refuse_secs,
            0
        );
        recent.push(fail("ana@x", "1.1.1.1", true, 4));
        let wait = throttle(&recent, "ana@x", Some("1.1.1.1"), at).refuse_secs;
        assert_eq!(wait, 30, "the fifth failure costs half a minute");
        let later = at + Duration::seconds(31);
        assert_eq!(
            throttle(&recent, "ana@x", Some("1.1.1.1"), later).refuse_secs,
            0,
            "a delay, not a lock"
        );
        recent.push(fail("ana@x", "1.1.1.1", true, 35));
        let wait = throttle(
            &recent,
            "ana@x",
            Some("1.1.1.1"),
            t0() + Duration::seconds(35),
        );
        assert_eq!(wait.refuse_secs, 60, "each further failure doubles it");
        // The owner at another address is not refused by this address's guessing.
        assert_eq!(
            throttle(&recent, "ana@x", Some("2.2.2.2"), later).refuse_secs,
            0
        );
    }

    #[test]
    fn guessing_elsewhere_does_not_slow_the_owner_at_their_own_address() {
        let recent: Vec<_> = (0..30)
            .map(|i| fail("ana@x", &format!("10.0.0.{i}"), true, i))
            .collect();
        let at = t0() + Duration::seconds(30);
        let stranger = super::throttle_from(&recent, "ana@x", Some("2.2.2.2"), at, false);
        assert!(stranger.refuse_secs > 0);
        let own = super::throttle_from(&recent, "ana@x", Some("2.2.2.2"), at, true);
        assert_eq!(own.refuse_secs, 0);
        // Spraying colleagues' accounts from a shared address does not slow the owner.
        let spray: Vec<_> = (0..40)
            .map(|i| fail(&format!("u{i}@x"), "2.2.2.2", true, i))
            .collect();
        let at = t0() + Duration::seconds(40);
        assert!(super::throttle_from(&spray, "ana@x", Some("2.2.2.2"), at, false).refuse_secs > 0);
        assert_eq!(
            super::throttle_from(&spray, "ana@x", Some("2.2.2.2"), at, true).refuse_secs,
            0
        );
        // Failures of the owner's account from their address itself still back off there.
        let here: Vec<_> = (0..6).map(|i| fail("ana@x", "2.2.2.2", true, i)).collect();
        let own = super::throttle_from(
            &here,
            "ana@x",
            Some("2.2.2.2"),
            t0() + Duration::seconds(6),
            true,
        );
        assert!(own.refuse_secs > 0);
    }

    #[test]
    fn guessing_spread_over_many_addresses_delays_the_account_at_most_a_minute() {
        let recent: Vec<_> = (0..200)
            .map(|i| fail("ana@x", &format!("10.0.{}.{}", i / 250, i % 250), true, i))
            .collect();
        let at = t0() + Duration::seconds(200);
        let wait = throttle(&recent, "ana@x", Some("2.2.2.2"), at).refuse_secs;
        assert!(wait > 0 && wait <= 60, "{wait}");
        assert_eq!(
            throttle(
                &recent,
                "ana@x",
                Some("2.2.2.2"),
                at + Duration::seconds(61)
            )
            .refuse_secs,
            0
        );
    }

    #[test]
    fn unknown_account_noise_never_refuses_a_real_account_before_its_password_is_checked() {
        let recent: Vec<_> = (0..1000)
            .map(|i| fail(&format!("n{i}@x"), "1.1.1.1", false, i / 10))
            .collect();
        let at = t0() + Duration::seconds(100);
        let limits = throttle(&recent, "admin@x", Some("1.1.1.1"), at);
        assert_eq!(limits.refuse_secs, 0);
        assert!(limits.noisy_secs > 0 && limits.noisy_secs <= 30);
        // Spraying real accounts from one address does slow that address down.
        let spray: Vec<_> = (0..25)
            .map(|i| fail(&format!("u{i}@x"), "1.1.1.1", true, i))
            .collect();
        let wait = throttle(
            &spray,
            "admin@x",
            Some("1.1.1.1"),
            t0() + Duration::seconds(25),
        );
        assert!(wait.refuse_secs > 0 && wait.refuse_secs <= 300);
    }
}
