//! Rendering console pages: the shared layout, the askama responder, error pages and the
//! security headers every response carries.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::middleware::DefaultHeaders;
use askama::Template;

use super::error::WebError;
use super::session::{CurrentUser, Role};

/// What `base.html` needs: who is signed in, the CSRF token for the sign-out form, which
/// navigation entry is active, and a notice to show once.
#[derive(Clone, Debug, Default)]
pub struct Layout {
    pub user_name: String,
    pub role: &'static str,
    pub csrf: String,
    pub active: &'static str,
    pub notice: Option<String>,
    pub signed_in: bool,
    pub is_supervisor: bool,
    pub is_admin: bool,
    /// Single-letter shortcuts on (the page tells the script).
    pub single_keys: bool,
    /// A send opens the next ticket of the view.
    pub open_next: bool,
}

impl Layout {
    pub fn new(user: &CurrentUser, active: &'static str) -> Layout {
        Layout {
            user_name: user.name.clone(),
            role: user.role.as_str(),
            csrf: user.csrf_token.clone(),
            active,
            notice: None,
            signed_in: true,
            is_supervisor: user.role.allows(Role::Supervisor),
            is_admin: user.role.allows(Role::Admin),
            single_keys: user.single_keys,
            open_next: user.open_next,
        }
    }

    /// For pages before sign-in; `csrf` is the pre-session token.
    pub fn anonymous(csrf: String) -> Layout {
        Layout {
            csrf,
            ..Layout::default()
        }
    }

    /// Shows the notice named by a `?notice=` code (fixed texts, so nothing is reflected).
    pub fn with_notice(mut self, code: Option<&str>) -> Layout {
        self.notice = code.and_then(notice_text).map(str::to_string);
        self
    }
}

fn notice_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "approved" => "Draft approved and sent.",
        "edited" => "Your edited answer was sent.",
        "taken_over" => "You own this ticket now; write your reply below.",
        "rejected" => "Draft rejected; the ticket waits for a reply from a person.",
        "replied" => "Reply sent.",
        "noted" => "Internal note added (not sent to the customer).",
        "assigned" => "Assignment changed.",
        "status" => "Status changed.",
        "undone" => "Undone: the message was not sent. The ticket is yours again.",
        "participants" => "Participants changed.",
        "vip" => {
            "Customer's VIP mark changed; their messages always go to a person while it is set."
        }
        "conflict" => {
            "Someone else acted on this ticket first. This is its current state; nothing was sent twice."
        }
        "user_saved" => "User saved.",
        "user_created" => "User created. Share the password with them securely.",
        "user_invited" => {
            "Invitation sent: the new user chooses their password from the link in the mail."
        }
        "reset_sent" => "A link to choose a new password was mailed to the user.",
        "password_set" => "Your password is set. Sign in with it.",
        "keys" => "Keyboard shortcut setting saved.",
        "password_changed" => "Password changed. Your other sessions were signed out.",
        "two_factor_on" => "Two-factor sign-in is on: sign-in asks for a code from your app.",
        "two_factor_off" => "Two-factor sign-in is off.",
        "two_factor_reset" => {
            "Two-factor sign-in turned off for the user: they sign in with their password alone until they set it up again."
        }
        "signin_expired" => "The sign-in took too long; enter your password again.",
        "settings_saved" => "Settings saved; they apply to the next message.",
        "marked_wrong" => {
            "Marked wrong: it counts as an error of automation, and the engine learns from it."
        }
        "signed_out" => "You are signed out.",
        "welcome" => "Welcome! Your admin account is ready.",
        "sent_next" => "Sent. This is the next ticket of your view; the answer you sent can still be undone below while its window lasts.",
        "priority" => "Priority changed.",
        "tags" => "Tags changed.",
        "merged" => "Merged: every message is on the other ticket now, and this one is closed.",
        "split" => "The message is a ticket of its own now, assigned to you.",
        "saved_reply_saved" => "Saved reply saved.",
        "saved_reply_deleted" => "Saved reply deleted.",
        "bulk" => "Done for the selected tickets; any that could not take the change are listed.",
        "kb_created" => "Article created. The engine learns from it in the background.",
        "kb_saved" => "New version saved. The engine learns from it in the background.",
        "example_added" => {
            "The customer's words were added as an example of the article; the engine learns from it in the background."
        }
        _ => return None,
    })
}

/// Renders a template as an HTML response.
pub fn render<T: Template>(t: &T) -> Result<HttpResponse, WebError> {
    let html = t
        .render()
        .map_err(|e| WebError::App(crate::app::AppError::Invalid(format!("template: {e}"))))?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(html))
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    layout: Layout,
    status: u16,
    message: &'a str,
}

/// An error as a page of the console.
pub fn error_page(status: StatusCode, message: &str) -> HttpResponse {
    let page = ErrorPage {
        layout: Layout::default(),
        status: status.as_u16(),
        message,
    };
    let body = page.render().unwrap_or_else(|_| message.to_string());
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body)
}

/// Headers on every response: no framing, no sniffing, scripts and styles only from us.
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
        ))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "same-origin"))
}
