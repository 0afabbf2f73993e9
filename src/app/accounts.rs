//! Accounts: one-time links that set a password (reset by the operator, an admin or the
//! user's own "Forgot password?", and invitations), changing one's own password, and the
//! operator's `tandem user passwd`. Links are stored only as SHA-256 hashes of their
//! tokens and are spent in the same transaction that sets the password, so a link works
//! once however many requests race with it.

use chrono::Duration;
use serde_json::json;

use crate::mail::compose::{Outgoing, compose, new_message_id};
use crate::store::events::Actor;
use crate::store::models::{OutboxRow, UserRow, UserTokenRow};
use crate::store::{self, DbConn, new_id, now};

use super::actions::ActingUser;
use super::auth::{hash_token, random_token};
use super::users::{MIN_PASSWORD_LEN, hash_password};
use super::{App, AppError};

/// A password-reset link.
pub const RESET: &str = "reset";
/// An invitation: the first password of a user an admin invited.
pub const INVITE: &str = "invite";
/// The purposes whose link opens `/reset/{token}`.
pub const SETS_PASSWORD: &[&str] = &[RESET, INVITE];
/// The links and pending sign-ins a new password ends: a sign-in begun with the old
/// password must not be finished with a code after it changed.
const ENDED_BY_NEW_PASSWORD: &[&str] = &[RESET, INVITE, super::auth::SECOND_FACTOR];

/// How long a reset link works.
pub const RESET_HOURS: i64 = 24;
/// How long an invitation works.
pub const INVITE_DAYS: i64 = 7;
/// At most this many "Forgot password?" mails to one account an hour: a stranger cannot
/// flood a colleague's inbox.
pub const FORGOT_PER_HOUR: i64 = 3;
/// At most this many "Forgot password?" mails an hour caused from one client address:
/// one address cannot mail the whole team.
pub const FORGOT_PER_ADDRESS_HOUR: i64 = 10;

/// What the link page shows before the new password is chosen.
#[derive(Debug, Clone)]
pub struct LinkInfo {
    pub purpose: String,
    pub email: String,
    pub name: String,
}

/// The address a link opens.
pub fn link_url(app: &App, token: &str) -> String {
    format!(
        "{}/reset/{token}",
        app.config.public_url.trim_end_matches('/')
    )
}

fn lifetime(purpose: &str) -> Duration {
    if purpose == INVITE {
        Duration::days(INVITE_DAYS)
    } else {
        Duration::hours(RESET_HOURS)
    }
}

/// Creates a link for the user (inside the caller's transaction); returns the token.
fn issue(conn: &mut DbConn, user: &UserRow, purpose: &str) -> Result<String, AppError> {
    let at = now();
    // Old links are worthless a week after they expired; keep the table small.
    store::user_tokens::purge_expired(conn, at - Duration::days(7))?;
    let token = random_token();
    store::user_tokens::insert(
        conn,
        &UserTokenRow {
            token_hash: hash_token(&token),
            user_id: user.id.clone(),
            purpose: purpose.to_string(),
            created_at: at,
            expires_at: at + lifetime(purpose),
            used_at: None,
        },
    )?;
    Ok(token)
}

/// Queues the mail that carries a link to the user, through the outbox like every mail.
fn mail_link(
    app: &App,
    conn: &mut DbConn,
    user: &UserRow,
    purpose: &str,
    token: &str,
) -> Result<(), AppError> {
    let url = link_url(app, token);
    let (subject, body) = if purpose == INVITE {
        (
            "You are invited to the support console".to_string(),
            format!(
                "Hello {name},\n\nyou have been invited to the support console as {role}.\n\
                 Choose your password here (the link works once, for {INVITE_DAYS} days):\n\n{url}\n\n\
                 Your sign-in address is {email}.\n",
                name = user.name,
                role = user.role,
                email = user.email,
            ),
        )
    } else {
        (
            "Reset your password".to_string(),
            format!(
                "Hello {name},\n\nsomeone (hopefully you) asked to reset the password of your \
                 support console account.\nChoose a new one here (the link works once, for \
                 {RESET_HOURS} hours):\n\n{url}\n\n\
                 If you did not ask for this, ignore this mail: your password stays as it is.\n",
                name = user.name,
            ),
        )
    };
    let message_id = new_message_id(&app.config.support_address);
    let payload = compose(&Outgoing {
        from_name: app.config.support_name.clone(),
        from_address: app.config.support_address.clone(),
        to_address: user.email.clone(),
        to_name: Some(user.name.clone()),
        subject,
        body,
        message_id: message_id.clone(),
        in_reply_to: None,
        references: Vec::new(),
        // Keeps vacation auto-responders from answering it into the queue.
        auto_submitted: true,
        language: "en".into(),
    })?;
    let at = now();
    store::outbox::enqueue(
        conn,
        &OutboxRow {
            id: new_id(),
            ticket_id: None,
            message_id: None,
            channel: "email".into(),
            kind: if purpose == INVITE {
                MAIL_INVITATION.into()
            } else {
                MAIL_RESET.into()
            },
            recipient: user.email.clone(),
            sender: app.config.support_address.clone(),
            idempotency_key: message_id,
            payload,
            status: store::outbox::PENDING.into(),
            attempts: 0,
            next_attempt_at: at,
            locked_until: None,
            last_error: None,
            created_at: at,
            sent_at: None,
        },
    )?;
    Ok(())
}

/// Outbox kind of a password-reset mail.
pub const MAIL_RESET: &str = "password_reset";
/// Outbox kind of an invitation.
pub const MAIL_INVITATION: &str = "invitation";

/// Whether an outbox row of this kind carries a one-time link (its text is blanked once
/// it was delivered).
pub fn carries_link(kind: &str) -> bool {
    kind == MAIL_RESET || kind == MAIL_INVITATION
}

fn find_active(conn: &mut DbConn, email: &str) -> Result<UserRow, AppError> {
    let email = email.trim().to_ascii_lowercase();
    let user = store::users::find_by_email(conn, &email)?
        .ok_or_else(|| AppError::NotFound(format!("user {email}")))?;
    if !user.active {
        return Err(AppError::Refused(format!(
            "{email} is deactivated; activate the account first"
        )));
    }
    Ok(user)
}

/// `tandem user reset EMAIL`: a reset link for the operator to hand over (audited as `cli`).
pub fn reset_link_for_operator(app: &App, email: &str) -> Result<String, AppError> {
    let mut conn = app.conn()?;
    let token = store::transaction(&mut conn, |c| -> Result<String, AppError> {
        let user = find_active(c, email)?;
        let token = issue(c, &user, RESET)?;
        store::events::record(
            c,
            None,
            "password_reset_issued",
            &Actor::CLI,
            json!({"user": user.id, "mailed": false}),
        )?;
        Ok(token)
    })?;
    Ok(link_url(app, &token))
}

/// An admin's "Send reset link" (or, for a user who never chose a password, a fresh
/// invitation): the link is mailed to the user, never shown to the admin.
pub fn send_reset_by_admin(app: &App, user_id: &str, by: &ActingUser) -> Result<UserRow, AppError> {
    let mut conn = app.conn()?;
    store::transaction(&mut conn, |c| -> Result<UserRow, AppError> {
        let user = store::users::get(c, user_id).map_err(|_| AppError::NotFound("user".into()))?;
        if !user.active {
            return Err(AppError::Refused(format!(
                "{} is deactivated; activate the account first",
                user.email
            )));
        }
        let purpose = if user.password_hash.is_empty() {
            INVITE
        } else {
            RESET
        };
        let token = issue(c, &user, purpose)?;
        mail_link(app, c, &user, purpose, &token)?;
        store::events::record(
            c,
            None,
            if purpose == INVITE {
                "invitation_sent"
            } else {
                "password_reset_issued"
            },
            &by.actor(),
            json!({"user": user.id, "mailed": true}),
        )?;
        Ok(user)
    })
}

/// "Forgot password?": mails a reset link when `email` is an active account, and does
/// nothing visible otherwise; the caller answers the same either way.
pub fn forgot(app: &App, email: &str, ip: Option<&str>) -> Result<(), AppError> {
    let email = email.trim().to_ascii_lowercase();
    let mut conn = app.conn()?;
    store::transaction(&mut conn, |c| -> Result<(), AppError> {
        let Some(user) = store::users::find_by_email(c, &email)?.filter(|u| u.active) else {
            return Ok(());
        };
        // An invited user who never chose a password gets a fresh invitation instead.
        let purpose = if user.password_hash.is_empty() {
            INVITE
        } else {
            RESET
        };
        let hour_ago = now() - Duration::hours(1);
        let recent = store::user_tokens::count_since(c, &user.id, purpose, hour_ago)?;
        let from_here = match ip {
            Some(ip) => {
                store::events::count_kind_from(c, "password_reset_requested", ip, hour_ago)?
            }
            None => 0,
        };
        let actor = Actor {
            kind: "anonymous",
            id: None,
            ip,
        };
        if recent >= FORGOT_PER_HOUR || from_here >= FORGOT_PER_ADDRESS_HOUR {
            store::events::record(
                c,
                None,
                "password_reset_refused",
                &actor,
                json!({
                    "user": user.id,
                    "reason": if recent >= FORGOT_PER_HOUR {
                        "too many requests for this account this hour"
                    } else {
                        "too many requests from this address this hour"
                    },
                }),
            )?;
            return Ok(());
        }
        let token = issue(c, &user, purpose)?;
        mail_link(app, c, &user, purpose, &token)?;
        store::events::record(
            c,
            None,
            "password_reset_requested",
            &actor,
            json!({"user": user.id, "mailed": true}),
        )?;
        Ok(())
    })
}

/// Who a live link is for (`None`: used, expired or unknown).
pub fn link_info(app: &App, token: &str) -> Result<Option<LinkInfo>, AppError> {
    let mut conn = app.conn()?;
    let Some(row) =
        store::user_tokens::find_live(&mut conn, &hash_token(token), SETS_PASSWORD, now())?
    else {
        return Ok(None);
    };
    let user = store::users::get(&mut conn, &row.user_id)?;
    if !user.active {
        return Ok(None);
    }
    Ok(Some(LinkInfo {
        purpose: row.purpose,
        email: user.email,
        name: user.name,
    }))
}

fn check_new_password(password: &str) -> Result<String, AppError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(AppError::Invalid(format!(
            "the password needs at least {MIN_PASSWORD_LEN} characters"
        )));
    }
    hash_password(password)
}

/// Sets the password a link was made for and spends the link, in one transaction: of
/// concurrent requests with one link, one sets a password and the others get
/// `Forbidden`. Every session of the user ends and their other links stop working.
pub fn complete_link(
    app: &App,
    token: &str,
    password: &str,
    ip: Option<&str>,
) -> Result<UserRow, AppError> {
    // Checked (and hashed, which is slow) first, so a refused password leaves the link usable.
    let hash = check_new_password(password)?;
    let mut conn = app.conn()?;
    store::transaction(&mut conn, |c| -> Result<UserRow, AppError> {
        let Some(row) = store::user_tokens::consume(c, &hash_token(token), SETS_PASSWORD, now())?
        else {
            return Err(AppError::Forbidden);
        };
        let user = store::users::get(c, &row.user_id)?;
        if !user.active {
            return Err(AppError::Forbidden);
        }
        store::users::set_password_hash(c, &user.id, &hash)?;
        store::sessions::delete_for_user(c, &user.id)?;
        store::user_tokens::delete_unused_for_user(c, &user.id, ENDED_BY_NEW_PASSWORD)?;
        store::events::record(
            c,
            None,
            if row.purpose == INVITE {
                "invitation_accepted"
            } else {
                "password_reset"
            },
            &Actor {
                kind: "agent",
                id: Some(&user.id),
                ip,
            },
            json!({"user": user.id}),
        )?;
        Ok(store::users::get(c, &user.id)?)
    })
}

/// Changes one's own password; the current one is required. Other sessions end, the one
/// making the change (`keep_session`, a token) stays.
pub fn change_password(
    app: &App,
    by: &ActingUser,
    current: &str,
    new: &str,
    keep_session: Option<&str>,
) -> Result<(), AppError> {
    let user = super::auth::recheck_password(app, by, current, "the current password is not right")?;
    if current == new {
        return Err(AppError::Invalid(
            "the new password must differ from the current one".into(),
        ));
    }
    let hash = check_new_password(new)?;
    let mut conn = app.conn()?;
    store::transaction(&mut conn, |c| -> Result<(), AppError> {
        store::users::set_password_hash(c, &user.id, &hash)?;
        match keep_session {
            Some(token) => {
                store::sessions::delete_for_user_except(c, &user.id, &hash_token(token))?
            }
            None => store::sessions::delete_for_user(c, &user.id)?,
        };
        store::user_tokens::delete_unused_for_user(c, &user.id, ENDED_BY_NEW_PASSWORD)?;
        store::events::record(
            c,
            None,
            "password_changed",
            &by.actor(),
            json!({"user": user.id}),
        )?;
        Ok(())
    })
}

/// `tandem user passwd EMAIL`: the operator sets a password (recovery when nobody can
/// sign in); every session of the user ends and their links stop working.
pub fn set_password_by_operator(
    app: &App,
    email: &str,
    password: &str,
) -> Result<UserRow, AppError> {
    let hash = check_new_password(password)?;
    let mut conn = app.conn()?;
    store::transaction(&mut conn, |c| -> Result<UserRow, AppError> {
        let email = email.trim().to_ascii_lowercase();
        let user = store::users::find_by_email(c, &email)?
            .ok_or_else(|| AppError::NotFound(format!("user {email}")))?;
        store::users::set_password_hash(c, &user.id, &hash)?;
        store::sessions::delete_for_user(c, &user.id)?;
        store::user_tokens::delete_unused_for_user(c, &user.id, ENDED_BY_NEW_PASSWORD)?;
        store::events::record(
            c,
            None,
            "password_set",
            &Actor::CLI,
            json!({"user": user.id}),
        )?;
        Ok(user)
    })
}

/// An admin's "Invite": creates the user without a password and mails them a one-time
/// link to choose one.
pub fn invite(
    app: &App,
    email: &str,
    name: &str,
    role: &str,
    by: &ActingUser,
) -> Result<UserRow, AppError> {
    let new = super::users::NewUser::invited(email, name, role)?;
    let mut conn = app.conn()?;
    store::transaction(&mut conn, |c| -> Result<UserRow, AppError> {
        let user = new.insert_as(c, Some(&by.actor()), by.ip.as_deref())?;
        let token = issue(c, &user, INVITE)?;
        mail_link(app, c, &user, INVITE, &token)?;
        store::events::record(
            c,
            None,
            "invitation_sent",
            &by.actor(),
            json!({"user": user.id, "mailed": true}),
        )?;
        Ok(user)
    })
}

/// Turns one's own single-letter keyboard shortcuts on or off (WCAG 2.1.4: a key that acts
/// alone can be switched off by the person it gets in the way of).
pub fn set_keys(app: &App, by: &ActingUser, single_keys: bool, open_next: bool) -> Result<(), AppError> {
    let mut conn = app.conn()?;
    store::users::set_keys(&mut conn, &by.id, single_keys, open_next)?;
    store::events::record(
        &mut conn,
        None,
        "console_settings_changed",
        &by.actor(),
        serde_json::json!({"single_keys": single_keys, "open_next": open_next}),
    )?;
    Ok(())
}

/// Sets the language of one's own console (one of `i18n::console::LANGUAGES`), audited as
/// `console_language_changed` with the language before and after.
pub fn set_console_language(app: &App, by: &ActingUser, code: &str) -> Result<(), AppError> {
    let Some(&(code, _)) = crate::i18n::console::LANGUAGES
        .iter()
        .find(|(c, _)| *c == code)
    else {
        return Err(AppError::Invalid(format!(
            "the console does not speak {code:?}"
        )));
    };
    let mut conn = app.conn()?;
    store::transaction(&mut conn, |c| -> Result<(), AppError> {
        let user = store::users::get(c, &by.id)?;
        if user.console_language == code {
            return Ok(());
        }
        store::users::set_console_language(c, &by.id, code)?;
        store::events::record(
            c,
            None,
            "console_language_changed",
            &by.actor(),
            json!({"user": by.id, "from": user.console_language, "to": code}),
        )?;
        Ok(())
    })
}
