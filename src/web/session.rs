//! The signed-in user as an extractor, roles, and CSRF checks. Every console page takes
//! a `CurrentUser`; every POST checks the session's CSRF token.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError, web};

use crate::app::App;
use crate::app::auth;
pub use crate::domain::role::Role;
use crate::i18n::console::Ui;

pub const SESSION_COOKIE: &str = "tandem_session";
pub const LOGIN_CSRF_COOKIE: &str = "tandem_login_csrf";

#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// The token forms carry: the session's own, stored with it (at sign-in the browser's
    /// form token becomes it, see `auth::bind_form_token`).
    pub csrf_token: String,
    pub ip: Option<String>,
    pub languages: String,
    /// The single-letter keyboard shortcuts are on (a setting of the person's).
    pub single_keys: bool,
    /// Open the next ticket of the view after sending.
    pub open_next: bool,
    /// The language of the console the person chose (`en`, `de`).
    pub console_language: String,
}

/// Why a request has no usable user.
#[derive(Debug)]
pub enum AuthError {
    /// Not signed in: browsers go to the sign-in page, then back to this path.
    SignIn(String),
    /// Not signed in, asked by htmx (a poll): a small notice replaces the polled part
    /// and polling stops (status 286), never a whole sign-in page inside the page.
    /// The language is the browser's: the session that knew the person's is gone.
    SignedOutFragment(String, Ui),
    /// Signed in but not allowed.
    /// Signed in but not allowed (the page in the person's language).
    Forbidden(Ui),
    /// The form's token is not this session's (or, before sign-in, this browser's).
    BadCsrf(Ui),
    Unavailable(String),
}

impl std::fmt::Display for AuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuthError::SignIn(_) | AuthError::SignedOutFragment(..) => {
                f.write_str("please sign in")
            }
            AuthError::Forbidden(_) => f.write_str("your role does not allow this page"),
            AuthError::BadCsrf(_) => f.write_str(
                "the form expired or did not come from this console; reload the page and try again",
            ),
            AuthError::Unavailable(e) => write!(f, "database unavailable: {e}"),
        }
    }
}

impl ResponseError for AuthError {
    fn status_code(&self) -> actix_web::http::StatusCode {
        use actix_web::http::StatusCode;
        match self {
            AuthError::SignIn(_) => StatusCode::SEE_OTHER,
            // htmx swaps a 286 and stops polling the element.
            AuthError::SignedOutFragment(..) => {
                StatusCode::from_u16(286).unwrap_or(StatusCode::UNAUTHORIZED)
            }
            AuthError::Forbidden(_) | AuthError::BadCsrf(_) => StatusCode::FORBIDDEN,
            AuthError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            AuthError::SignIn(next) => HttpResponse::SeeOther()
                .insert_header((header::LOCATION, format!("/login?next={}", urlencode(next))))
                .finish(),
            AuthError::SignedOutFragment(next, ui) => HttpResponse::build(self.status_code())
                .content_type("text/html; charset=utf-8")
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .body(format!(
                    r#"<div class="signed-out" role="alert">{} <a href="/login?next={}">{}</a>. {}</div>"#,
                    ui.t("signed-out-fragment"),
                    urlencode(next),
                    ui.t("signed-out-again"),
                    ui.t("signed-out-kept"),
                )),
            AuthError::Forbidden(ui) | AuthError::BadCsrf(ui) => {
                super::pages::error_page_in(*ui, self.status_code(), &self.to_string())
            }
            other => super::pages::error_page(self.status_code(), &other.to_string()),
        }
    }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Where sign-in should return to: the page the person was on. A GET is that page (for
/// an htmx poll, the page htmx names in `HX-Current-URL`); a POST's URL is not a page, so
/// it is the page the form was on (`Referer`, same origin), or the ticket the action
/// belongs to. `auth.rs` still sanitises what it is given.
pub fn return_path(req: &HttpRequest) -> String {
    let header_path = |name: &str| -> Option<String> {
        let v = req.headers().get(name)?.to_str().ok()?;
        let host = req.connection_info().host().to_string();
        let rest = v
            .strip_prefix("http://")
            .or_else(|| v.strip_prefix("https://"))?;
        let path = rest.strip_prefix(host.as_str())?;
        (path.starts_with('/') && !path.starts_with("//")).then(|| path.to_string())
    };
    if req.headers().contains_key("HX-Request")
        && let Some(p) = header_path("HX-Current-URL")
    {
        return p;
    }
    if req.method() == actix_web::http::Method::GET {
        return req
            .uri()
            .path_and_query()
            .map(|p| p.to_string())
            .unwrap_or_else(|| "/".into());
    }
    if let Some(p) = header_path("Referer") {
        return p;
    }
    let path = req.uri().path();
    match path
        .strip_prefix("/tickets/")
        .and_then(|r| r.split('/').next())
    {
        Some(n) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
            format!("/tickets/{n}")
        }
        _ => "/queue".into(),
    }
}

/// The client address, for the audit trail and throttling.
pub fn client_ip(req: &HttpRequest) -> Option<String> {
    req.peer_addr().map(|a| a.ip().to_string())
}

impl CurrentUser {
    /// The console texts in the person's language.
    pub fn ui(&self) -> Ui {
        Ui::for_code(&self.console_language)
    }

    /// 403 unless the user's role includes `needed`.
    pub fn require(&self, needed: Role) -> Result<(), AuthError> {
        if self.role.allows(needed) {
            Ok(())
        } else {
            Err(AuthError::Forbidden(self.ui()))
        }
    }

    /// 403 unless `token` is this session's CSRF token.
    pub fn check_csrf(&self, token: &str) -> Result<(), AuthError> {
        if constant_time_eq(token.as_bytes(), self.csrf_token.as_bytes()) {
            Ok(())
        } else {
            Err(AuthError::BadCsrf(self.ui()))
        }
    }

    pub fn acting(&self) -> crate::app::actions::ActingUser {
        crate::app::actions::ActingUser {
            id: self.id.clone(),
            ip: self.ip.clone(),
        }
    }
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl FromRequest for CurrentUser {
    type Error = AuthError;
    type Future = Pin<Box<dyn Future<Output = Result<CurrentUser, AuthError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let token = req.cookie(SESSION_COOKIE).map(|c| c.value().to_string());
        let app = req.app_data::<web::Data<App>>().cloned();
        let next = return_path(req);
        let htmx = req.headers().contains_key("HX-Request");
        let ui = super::pages::browser_ui(req);
        let signed_out = move |next: String| {
            if htmx {
                AuthError::SignedOutFragment(next, ui)
            } else {
                AuthError::SignIn(next)
            }
        };
        let ip = client_ip(req);
        let req = req.clone();
        Box::pin(async move {
            let (Some(token), Some(app)) = (token, app) else {
                return Err(signed_out(next));
            };
            let session = web::block(move || auth::session(&app, &token))
                .await
                .map_err(|e| AuthError::Unavailable(e.to_string()))?
                .map_err(|e| AuthError::Unavailable(e.to_string()))?;
            let Some(s) = session else {
                return Err(signed_out(next));
            };
            // For error pages made after the handler (`pages::localize_errors`).
            req.extensions_mut()
                .insert(Ui::for_code(&s.user.console_language));
            Ok(CurrentUser {
                role: Role::parse(&s.user.role).unwrap_or(Role::Agent),
                id: s.user.id,
                email: s.user.email,
                name: s.user.name,
                languages: s.user.languages,
                single_keys: s.user.single_keys,
                open_next: s.user.open_next,
                console_language: s.user.console_language,
                csrf_token: s.csrf_token,
                ip,
            })
        })
    }
}

/// The session cookie: HttpOnly, SameSite=Lax, Secure when configured for TLS.
pub fn session_cookie(token: &str, secure: bool) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, token.to_string())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .finish()
}

pub fn expired_cookie(name: &'static str) -> Cookie<'static> {
    let mut c = Cookie::build(name, "")
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .finish();
    c.make_removal();
    c
}

impl AuthError {
    /// The error as a page (for handlers that return `HttpResponse` directly).
    pub fn error_response_page(&self) -> HttpResponse {
        self.error_response()
    }
}
