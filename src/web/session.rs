//! The signed-in user as an extractor, roles, and CSRF checks. Every console page takes
//! a `CurrentUser`; every POST checks the session's CSRF token.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};

use crate::app::App;
use crate::app::auth;
pub use crate::domain::role::Role;

pub const SESSION_COOKIE: &str = "tandem_session";
pub const LOGIN_CSRF_COOKIE: &str = "tandem_login_csrf";

#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub csrf_token: String,
    pub ip: Option<String>,
    pub languages: String,
}

/// Why a request has no usable user.
#[derive(Debug)]
pub enum AuthError {
    /// Not signed in: browsers go to the sign-in page.
    SignIn(String),
    /// Signed in but not allowed.
    Forbidden,
    BadCsrf,
    Unavailable(String),
}

impl std::fmt::Display for AuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuthError::SignIn(_) => f.write_str("please sign in"),
            AuthError::Forbidden => f.write_str("your role does not allow this page"),
            AuthError::BadCsrf => f.write_str(
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
            AuthError::Forbidden | AuthError::BadCsrf => StatusCode::FORBIDDEN,
            AuthError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            AuthError::SignIn(next) => HttpResponse::SeeOther()
                .insert_header((header::LOCATION, format!("/login?next={}", urlencode(next))))
                .finish(),
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

/// The client address, for the audit trail and throttling.
pub fn client_ip(req: &HttpRequest) -> Option<String> {
    req.peer_addr().map(|a| a.ip().to_string())
}

impl CurrentUser {
    /// 403 unless the user's role includes `needed`.
    pub fn require(&self, needed: Role) -> Result<(), AuthError> {
        if self.role.allows(needed) {
            Ok(())
        } else {
            Err(AuthError::Forbidden)
        }
    }

    /// 403 unless `token` is this session's CSRF token.
    pub fn check_csrf(&self, token: &str) -> Result<(), AuthError> {
        if constant_time_eq(token.as_bytes(), self.csrf_token.as_bytes()) {
            Ok(())
        } else {
            Err(AuthError::BadCsrf)
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
        let next = req
            .uri()
            .path_and_query()
            .map(|p| p.to_string())
            .unwrap_or_else(|| "/".into());
        let ip = client_ip(req);
        Box::pin(async move {
            let (Some(token), Some(app)) = (token, app) else {
                return Err(AuthError::SignIn(next));
            };
            let session = web::block(move || auth::session(&app, &token))
                .await
                .map_err(|e| AuthError::Unavailable(e.to_string()))?
                .map_err(|e| AuthError::Unavailable(e.to_string()))?;
            let Some(s) = session else {
                return Err(AuthError::SignIn(next));
            };
            Ok(CurrentUser {
                role: Role::parse(&s.user.role).unwrap_or(Role::Agent),
                id: s.user.id,
                email: s.user.email,
                name: s.user.name,
                languages: s.user.languages,
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
