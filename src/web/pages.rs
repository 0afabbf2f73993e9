//! Rendering console pages: the shared layout, the askama responder, error pages and the
//! security headers every response carries.

use std::borrow::Cow;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::middleware::{DefaultHeaders, Next};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use askama::Template;

use crate::i18n::console::{Arg, Ui};

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
    /// The console language of the page (the person's choice, or the browser's before
    /// sign-in): templates write `{{ layout.t("key") }}`.
    pub ui: Ui,
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
            ui: user.ui(),
        }
    }

    /// For pages before sign-in; `csrf` is the pre-session token. The language is the
    /// browser's (`Accept-Language`: German when it prefers German, else English).
    pub fn anonymous(csrf: String, req: &HttpRequest) -> Layout {
        Layout {
            csrf,
            ui: browser_ui(req),
            ..Layout::default()
        }
    }

    /// Shows the notice named by a `?notice=` code (fixed texts, so nothing is reflected).
    pub fn with_notice(mut self, code: Option<&str>) -> Layout {
        self.notice = code.and_then(notice_key).map(|k| self.ui.t(k).into_owned());
        self
    }

    /// The person's role in words.
    pub fn role_label(&self) -> Cow<'static, str> {
        self.ui.tc("role", self.role)
    }

    /// The language of the page, for `<html lang>`.
    pub fn lang(&self) -> &'static str {
        self.ui.lang()
    }

    /// Catalogue message `key` (see `i18n/en/console.ftl`), escaped like any value.
    pub fn t(&self, key: &str) -> Cow<'static, str> {
        self.ui.t(key)
    }

    /// Message `key` with one argument (`{{ layout.t1("page-of", "page", n) }}`).
    pub fn t1(&self, key: &str, name: &str, value: impl Arg) -> Cow<'static, str> {
        self.ui.t1(key, name, value)
    }

    /// The words for a code of a fixed set (`tc("status", "in_progress")`).
    pub fn tc(&self, prefix: &str, code: &str) -> Cow<'static, str> {
        self.ui.tc(prefix, code)
    }

    /// Message `key` with two arguments.
    pub fn t2(
        &self,
        key: &str,
        name: &str,
        value: impl Arg,
        name2: &str,
        value2: impl Arg,
    ) -> Cow<'static, str> {
        self.ui.t2(key, name, value, name2, value2)
    }

    /// A `…-html` message with its markup (`{{ layout.th("queue-keys-html") }}`).
    pub fn th(&self, key: &str) -> askama::filters::Safe<String> {
        self.ui.th(key)
    }

    /// A `…-html` message with one argument, which is escaped.
    pub fn th1(&self, key: &str, name: &str, value: impl Arg) -> askama::filters::Safe<String> {
        self.ui.th1(key, name, value)
    }

    /// A `…-html` message with two arguments, which are escaped.
    pub fn th2(
        &self,
        key: &str,
        name: &str,
        value: impl Arg,
        name2: &str,
        value2: impl Arg,
    ) -> askama::filters::Safe<String> {
        self.ui.th2(key, name, value, name2, value2)
    }

    /// A fixed English sentence from Rust (a status, a reason, an error) in the page's
    /// language when the catalogue has it.
    pub fn tr<'a>(&self, english: &'a str) -> Cow<'a, str> {
        self.ui.tr(english)
    }

    /// The texts console.js shows (key sheet, restored text), as JSON for the page.
    pub fn script_texts(&self) -> &'static str {
        self.ui.script_texts()
    }
}

/// Middleware: a handler's error page in the language of the signed-in person (the
/// `CurrentUser` extractor leaves their `Ui` in the request). Pages of English speakers
/// and of requests without a person pass through untouched.
pub async fn localize_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let res = next.call(req).await?;
    let ui = res.request().extensions().get::<Ui>().copied();
    let page = match (ui, res.response().error()) {
        (Some(ui), Some(e)) if ui.lang() != crate::i18n::FALLBACK => {
            e.as_error::<WebError>().map(|w| w.page_in(ui))
        }
        _ => None,
    };
    Ok(match page {
        Some(p) => res.into_response(p),
        None => res.map_into_boxed_body(),
    })
}

/// The console language for a request without a signed-in person (`Accept-Language`).
pub fn browser_ui(req: &HttpRequest) -> Ui {
    Ui::from_accept_language(
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    )
}

/// The catalogue message of a `?notice=` code.
pub fn notice_key(code: &str) -> Option<&'static str> {
    Some(match code {
        "approved" => "notice-approved",
        "edited" => "notice-edited",
        "taken_over" => "notice-taken-over",
        "rejected" => "notice-rejected",
        "replied" => "notice-replied",
        "noted" => "notice-noted",
        "assigned" => "notice-assigned",
        "status" => "notice-status",
        "undone" => "notice-undone",
        "participants" => "notice-participants",
        "vip" => "notice-vip",
        "conflict" => "notice-conflict",
        "user_saved" => "notice-user-saved",
        "user_created" => "notice-user-created",
        "user_invited" => "notice-user-invited",
        "reset_sent" => "notice-reset-sent",
        "password_set" => "notice-password-set",
        "keys" => "notice-keys",
        "language" => "notice-language",
        "password_changed" => "notice-password-changed",
        "two_factor_on" => "notice-two-factor-on",
        "two_factor_off" => "notice-two-factor-off",
        "two_factor_reset" => "notice-two-factor-reset",
        "signin_expired" => "notice-signin-expired",
        "settings_saved" => "notice-settings-saved",
        "marked_wrong" => "notice-marked-wrong",
        "signed_out" => "notice-signed-out",
        "welcome" => "notice-welcome",
        "sent_next" => "notice-sent-next",
        "customer_merged" => "notice-customer-merged",
        "customer_split" => "notice-customer-split",
        "priority" => "notice-priority",
        "tags" => "notice-tags",
        "merged" => "notice-merged",
        "split" => "notice-split",
        "saved_reply_saved" => "notice-saved-reply-saved",
        "saved_reply_deleted" => "notice-saved-reply-deleted",
        "bulk" => "notice-bulk",
        "kb_created" => "notice-kb-created",
        "kb_saved" => "notice-kb-saved",
        "example_added" => "notice-example-added",
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

/// An error as a page of the console, in English (no request to ask for a language).
pub fn error_page(status: StatusCode, message: &str) -> HttpResponse {
    error_page_in(Ui::default(), status, message)
}

/// An error as a page of the console in the language of `ui` (a fixed English message
/// is translated when the catalogue has it).
pub fn error_page_in(ui: Ui, status: StatusCode, message: &str) -> HttpResponse {
    let page = ErrorPage {
        layout: Layout {
            ui,
            ..Layout::default()
        },
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
