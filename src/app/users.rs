//! Console users: creation with an argon2 password hash, and sign-in checks.

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};

use crate::store::events::Actor;
use crate::store::models::UserRow;
use crate::store::{self, DbConn, new_id, now};

use super::{App, AppError};

pub const ROLES: &[&str] = &["agent", "supervisor", "admin"];

/// Passwords shorter than this are refused.
pub const MIN_PASSWORD_LEN: usize = 10;

pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Invalid(format!("cannot hash password: {e}")))
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Creates a user from the command line or a fixture; audited as the operator (`cli`).
pub fn add(
    app: &App,
    email: &str,
    name: &str,
    role: &str,
    password: &str,
) -> Result<UserRow, AppError> {
    let new = NewUser::check(email, name, role, password)?;
    let mut conn = app.conn()?;
    store::transaction(&mut conn, |c| new.insert(c, &Actor::CLI))
}

/// Creates a user from the console; audited as the admin who did it.
pub fn add_by(
    app: &App,
    email: &str,
    name: &str,
    role: &str,
    password: &str,
    by: &super::actions::ActingUser,
) -> Result<UserRow, AppError> {
    let new = NewUser::check(email, name, role, password)?;
    let mut conn = app.conn()?;
    store::transaction(&mut conn, |c| new.insert(c, &by.actor()))
}

/// A user that passed the checks, with the password already hashed (slow, so it is done
/// before any transaction starts).
pub(crate) struct NewUser {
    row: UserRow,
}

impl NewUser {
    /// The email must look like one, the role be known, the password long enough.
    pub(crate) fn check(
        email: &str,
        name: &str,
        role: &str,
        password: &str,
    ) -> Result<NewUser, AppError> {
        // The cheap checks first: hashing is slow and the form may be wrong anyway.
        let mut new = NewUser::check_fields(email, name, role)?;
        if password.chars().count() < MIN_PASSWORD_LEN {
            return Err(AppError::Invalid(format!(
                "the password needs at least {MIN_PASSWORD_LEN} characters"
            )));
        }
        new.row.password_hash = hash_password(password)?;
        Ok(new)
    }

    /// The checks on everything but the password; the hash is left empty.
    fn check_fields(email: &str, name: &str, role: &str) -> Result<NewUser, AppError> {
        let email = email.trim().to_ascii_lowercase();
        if !email.contains('@') || email.chars().any(char::is_control) {
            return Err(AppError::Invalid(format!(
                "{email:?} is not an email address"
            )));
        }
        if !ROLES.contains(&role) {
            return Err(AppError::Invalid(format!(
                "role must be one of {}",
                ROLES.join(", ")
            )));
        }
        Ok(NewUser {
            row: UserRow {
                id: new_id(),
                email,
                name: name.trim().to_string(),
                role: role.to_string(),
                password_hash: String::new(),
                active: true,
                languages: String::new(),
                created_at: now(),
                single_keys: true,
                open_next: false,
                console_language: crate::i18n::FALLBACK.to_string(),
            },
        })
    }

    /// An invited user: no password yet (an empty hash never verifies), so they can only
    /// sign in after choosing one through their invitation link.
    pub(crate) fn invited(email: &str, name: &str, role: &str) -> Result<NewUser, AppError> {
        NewUser::check_fields(email, name, role)
    }

    /// Inserts the user and its audit entry; the email must be new. `by: None` audits the
    /// new user as its own creator (the one-time set-up link).
    pub(crate) fn insert_as(
        mut self,
        conn: &mut DbConn,
        by: Option<&Actor>,
        ip: Option<&str>,
    ) -> Result<UserRow, AppError> {
        self.row.created_at = now();
        if store::users::find_by_email(conn, &self.row.email)?.is_some() {
            return Err(AppError::Conflict(format!(
                "a user with the email {} exists already",
                self.row.email
            )));
        }
        store::users::insert(conn, &self.row)?;
        let own = Actor {
            kind: "agent",
            id: Some(&self.row.id),
            ip,
        };
        store::events::record(
            conn,
            None,
            "user_created",
            by.unwrap_or(&own),
            serde_json::json!({"user": self.row.id, "role": self.row.role}),
        )?;
        Ok(self.row)
    }

    fn insert(self, conn: &mut DbConn, by: &Actor) -> Result<UserRow, AppError> {
        self.insert_as(conn, Some(by), None)
    }
}

/// Changes a user's role, activity and languages; deactivation ends their sessions.
pub fn update(
    app: &App,
    id: &str,
    role: &str,
    active: bool,
    languages: &str,
    by: &super::actions::ActingUser,
) -> Result<UserRow, AppError> {
    if !ROLES.contains(&role) {
        return Err(AppError::Invalid(format!(
            "role must be one of {}",
            ROLES.join(", ")
        )));
    }
    let languages: Vec<String> = languages
        .split([',', ' '])
        .map(|l| l.trim().to_ascii_lowercase())
        .filter(|l| !l.is_empty())
        .collect();
    if let Some(bad) = languages
        .iter()
        .find(|l| !(2..=3).contains(&l.len()) || !l.chars().all(|c| c.is_ascii_lowercase()))
    {
        return Err(AppError::Invalid(format!(
            "{bad:?} is not a language code such as en, de, fr"
        )));
    }
    let mut conn = app.conn()?;
    store::transaction(&mut conn, |c| -> Result<UserRow, AppError> {
        let before = store::users::get(c, id).map_err(|_| AppError::NotFound("user".into()))?;
        if before.id == by.id && (!active || role != "admin") && before.role == "admin" {
            return Err(AppError::Invalid(
                "you cannot remove your own admin access".into(),
            ));
        }
        store::users::update_profile(c, id, role, active, &languages.join(","))?;
        if !active {
            store::sessions::delete_for_user(c, id)?;
        }
        store::events::record(
            c,
            None,
            "user_changed",
            &by.actor(),
            serde_json::json!({
                "user": id, "role": {"from": before.role, "to": role}, "active": {"from": before.active, "to": active},
                "languages": languages,
            }),
        )?;
        Ok(store::users::get(c, id)?)
    })
}

pub fn all(app: &App) -> Result<Vec<UserRow>, AppError> {
    let mut conn = app.conn()?;
    Ok(store::users::all(&mut conn)?)
}

/// Whether the database has no user yet (the first run: the set-up link is needed).
pub fn none_yet(app: &App) -> Result<bool, AppError> {
    let mut conn = app.conn()?;
    Ok(store::users::count(&mut conn)? == 0)
}

/// Ids of the users who sign in with a second factor (shown on the users page).
pub fn with_two_factor(app: &App) -> Result<Vec<String>, AppError> {
    let mut conn = app.conn()?;
    Ok(store::users::with_totp(&mut conn)?)
}
