//! Sign-in, sign-out and the one-time set-up page.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::auth::{self, LoginError};
use crate::app::{App, AppError};

use super::error::WebError;
use super::pages::{Layout, render};
use super::session::{self, CurrentUser, LOGIN_CSRF_COOKIE, constant_time_eq};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    error: Option<String>,
    email: String,
    next: String,
    /// No user exists yet: the page says how to get the set-up link.
    first_run: bool,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    notice: Option<String>,
}

/// Only a path on this site. Browsers drop tab, CR and LF from URLs and read `\` as
/// `/`, so `/\t/evil.example` or `/\evil.example` would leave the site: any control
/// character, space, backslash or non-ASCII byte, and any `//` at the start, falls back to
/// the queue. What passes is also a valid `Location` header, so no `next` can cause a 500.
pub(super) fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && n.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') =>
        {
            n.to_string()
        }
        _ => "/queue".into(),
    }
}

/// The pre-session CSRF token for the sign-in and set-up forms (double-submit cookie).
pub(super) fn login_csrf(req: &HttpRequest) -> (String, bool) {
    match req.cookie(LOGIN_CSRF_COOKIE) {
        Some(c) if c.value().len() == 64 => (c.value().to_string(), false),
        _ => (auth::random_token(), true),
    }
}

pub(super) fn with_login_csrf(
    mut resp: HttpResponse,
    token: &str,
    fresh: bool,
    secure: bool,
) -> HttpResponse {
    if fresh {
        let cookie = actix_web::cookie::Cookie::build(LOGIN_CSRF_COOKIE, token.to_string())
            .path("/")
            .http_only(true)
            .same_site(actix_web::cookie::SameSite::Strict)
            .secure(secure)
            .finish();
        let _ = resp.add_cookie(&cookie);
    }
    resp
}

pub async fn login_form(
    app: web::Data<App>,
    req: HttpRequest,
    q: web::Query<LoginQuery>,
) -> Result<HttpResponse, WebError> {
    let (csrf, fresh) = login_csrf(&req);
    let app2 = app.clone();
    let first_run = web::block(move || crate::app::users::none_yet(&app2)).await??;
    let page = LoginPage {
        layout: Layout::anonymous(csrf.clone(), &req).with_notice(q.notice.as_deref()),
        error: None,
        email: String::new(),
        next: safe_next(q.next.as_deref()),
        first_run,
    };
    Ok(with_login_csrf(
        render(&page)?,
        &csrf,
        fresh,
        app.config.secure_cookies,
    ))
}

#[derive(Deserialize)]
pub struct LoginForm {
    csrf_token: String,
    email: String,
    password: String,
    next: Option<String>,
}

/// A refused sign-in in the page's language (fixed messages go through `tr` in the page).
pub fn login_error_text(layout: &Layout, e: &LoginError) -> String {
    match e {
        LoginError::Throttled(seconds) => layout
            .t1("error-throttled", "seconds", seconds)
            .into_owned(),
        e => e.to_string(),
    }
}

pub async fn login(
    app: web::Data<App>,
    req: HttpRequest,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, WebError> {
    let form = form.into_inner();
    let (csrf, fresh) = login_csrf(&req);
    if fresh || !constant_time_eq(form.csrf_token.as_bytes(), csrf.as_bytes()) {
        return Ok(
            session::AuthError::BadCsrf(super::pages::browser_ui(&req)).error_response_page()
        );
    }
    let ip = session::client_ip(&req);
    let email = form.email.clone();
    let app2 = app.clone();
    let browser_token = csrf.clone();
    let result = web::block(move || {
        let signed_in = auth::sign_in(&app2, &form.email, &form.password, ip.as_deref());
        if let Ok(auth::SignIn::Done(token, _)) = &signed_in {
            auth::bind_form_token(&app2, token, &browser_token)?;
        }
        signed_in
    })
    .await?;
    match result {
        Ok(auth::SignIn::Done(token, _)) => Ok(HttpResponse::SeeOther()
            .cookie(session::session_cookie(&token, app.config.secure_cookies))
            .insert_header((header::LOCATION, safe_next(form.next.as_deref())))
            .finish()),
        Ok(auth::SignIn::NeedsCode(pending)) => Ok(HttpResponse::SeeOther()
            .cookie(super::account::pending_cookie(
                &pending,
                app.config.secure_cookies,
            ))
            .insert_header((
                header::LOCATION,
                format!(
                    "/login/code?next={}",
                    session::urlencode(&safe_next(form.next.as_deref()))
                ),
            ))
            .finish()),
        Err(LoginError::App(e)) => Err(WebError::App(e)),
        Err(e) => {
            let status = if matches!(e, LoginError::Throttled(_)) {
                actix_web::http::StatusCode::TOO_MANY_REQUESTS
            } else {
                actix_web::http::StatusCode::UNAUTHORIZED
            };
            let layout = Layout::anonymous(csrf, &req);
            let page = LoginPage {
                error: Some(login_error_text(&layout, &e)),
                layout,
                email,
                next: safe_next(form.next.as_deref()),
                first_run: false,
            };
            let mut resp = render(&page)?;
            *resp.status_mut() = status;
            Ok(resp)
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    pub(super) csrf_token: String,
}

pub async fn logout(
    app: web::Data<App>,
    req: HttpRequest,
    user: CurrentUser,
    form: web::Form<CsrfOnly>,
) -> Result<HttpResponse, WebError> {
    user.check_csrf(&form.csrf_token)?;
    if let Some(c) = req.cookie(session::SESSION_COOKIE) {
        let token = c.value().to_string();
        web::block(move || auth::logout(&app, &token, &user.id, user.ip.as_deref())).await??;
    }
    Ok(HttpResponse::SeeOther()
        .cookie(session::expired_cookie(session::SESSION_COOKIE))
        .insert_header((header::LOCATION, "/login?notice=signed_out"))
        .finish())
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    layout: Layout,
    token: String,
    error: Option<String>,
    name: String,
    email: String,
}

pub async fn setup_form(
    app: web::Data<App>,
    req: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let token = token.into_inner();
    let (t, secure) = (token.clone(), app.config.secure_cookies);
    let valid = web::block(move || auth::setup_token_valid(&app, &t)).await??;
    if !valid {
        return Ok(super::pages::error_page_in(
            super::pages::browser_ui(&req),
            actix_web::http::StatusCode::NOT_FOUND,
            "This set-up link was used already, is older than an hour, or is not valid. Restart `tandem serve` to print a new one, sign in if an admin exists, or create users with `tandem user add`.",
        ));
    }
    let (csrf, fresh) = login_csrf(&req);
    let page = SetupPage {
        layout: Layout::anonymous(csrf.clone(), &req),
        token,
        error: None,
        name: String::new(),
        email: String::new(),
    };
    Ok(with_login_csrf(render(&page)?, &csrf, fresh, secure))
}

#[derive(Deserialize)]
pub struct SetupForm {
    csrf_token: String,
    name: String,
    email: String,
    password: String,
}

pub async fn setup(
    app: web::Data<App>,
    req: HttpRequest,
    token: web::Path<String>,
    form: web::Form<SetupForm>,
) -> Result<HttpResponse, WebError> {
    let (csrf, fresh) = login_csrf(&req);
    let form = form.into_inner();
    if fresh || !constant_time_eq(form.csrf_token.as_bytes(), csrf.as_bytes()) {
        return Ok(
            session::AuthError::BadCsrf(super::pages::browser_ui(&req)).error_response_page()
        );
    }
    let token = token.into_inner();
    let ip = session::client_ip(&req);
    let (app2, t, f) = (
        app.clone(),
        token.clone(),
        (form.email.clone(), form.name.clone(), form.password.clone()),
    );
    let created = web::block(move || -> Result<String, AppError> {
        auth::complete_setup(&app2, &t, &f.0, &f.1, &f.2, ip.as_deref())?;
        let (session_token, _) =
            auth::login(&app2, &f.0, &f.2, ip.as_deref()).map_err(|e| match e {
                LoginError::App(e) => e,
                other => AppError::Invalid(other.to_string()),
            })?;
        Ok(session_token)
    })
    .await?;
    match created {
        Ok(session_token) => Ok(HttpResponse::SeeOther()
            .cookie(session::session_cookie(
                &session_token,
                app.config.secure_cookies,
            ))
            .insert_header((header::LOCATION, "/queue?notice=welcome"))
            .finish()),
        Err(AppError::Forbidden) => Ok(super::pages::error_page_in(
            super::pages::browser_ui(&req),
            actix_web::http::StatusCode::NOT_FOUND,
            "This set-up link was used already.",
        )),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let page = SetupPage {
                layout: Layout::anonymous(csrf, &req),
                token,
                error: Some(e.to_string()),
                name: form.name,
                email: form.email,
            };
            let mut resp = render(&page)?;
            *resp.status_mut() = actix_web::http::StatusCode::BAD_REQUEST;
            Ok(resp)
        }
        Err(e) => Err(WebError::App(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        for ok in ["/queue", "/tickets/1001", "/queue?view=all&q=a%20b", "/"] {
            assert_eq!(safe_next(Some(ok)), ok);
        }
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\t\t/evil.example",
            "\t//evil.example",
            "/\n/evil.example",
            "/queue\r\nSet-Cookie: x=1",
            "/\u{b}/evil.example",
            "/\u{7f}/evil.example",
            "/ /evil.example",
            "/caf\u{e9}",
            "/\u{2028}/evil.example",
            "https://evil.example",
            "evil.example",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/queue", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/queue");
    }
}
