//! Accounts in the console: "Forgot password?", the one-time link page (`/reset/{token}`,
//! for resets and invitations), the code step of a two-factor sign-in, and each user's
//! own account page (change password, turn two-factor sign-in on or off).

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::auth::{self, LoginError};
use crate::app::{App, AppError, accounts, two_factor};

use super::auth::{login_csrf, safe_next, with_login_csrf};
use super::error::WebError;
use super::pages::{Layout, render};
use super::session::{self, CurrentUser, constant_time_eq};

/// The cookie that carries a sign-in waiting for its code (a few minutes).
pub const PENDING_COOKIE: &str = "tandem_signin";

/// The pending sign-in cookie: HttpOnly, SameSite=Strict, only sent to `/login…`.
pub fn pending_cookie(token: &str, secure: bool) -> Cookie<'static> {
    Cookie::build(PENDING_COOKIE, token.to_string())
        .path("/login")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .max_age(actix_web::cookie::time::Duration::minutes(
            auth::SECOND_FACTOR_MINUTES,
        ))
        .finish()
}

fn bad_pre_session_csrf(req: &HttpRequest, token: &str) -> Option<HttpResponse> {
    let (csrf, fresh) = login_csrf(req);
    (fresh || !constant_time_eq(token.as_bytes(), csrf.as_bytes()))
        .then(|| session::AuthError::BadCsrf(super::pages::browser_ui(req)).error_response_page())
}

// ---- Forgot password ----

#[derive(Template)]
#[template(path = "forgot.html")]
struct ForgotPage {
    layout: Layout,
    sent: bool,
}

/// The one answer to every "Forgot password?" request, known address or not.
pub const FORGOT_ANSWER: &str = "If an account uses this address, a link to choose a new password is on its way to it. The link works once, for 24 hours.";

/// Every "Forgot password?" answer leaves no sooner than this after the request came.
const FORGOT_ANSWER_AFTER: std::time::Duration = std::time::Duration::from_millis(250);

pub async fn forgot_form(app: web::Data<App>, req: HttpRequest) -> Result<HttpResponse, WebError> {
    let (csrf, fresh) = login_csrf(&req);
    let page = ForgotPage {
        layout: Layout::anonymous(csrf.clone(), &req),
        sent: false,
    };
    Ok(with_login_csrf(
        render(&page)?,
        &csrf,
        fresh,
        app.config.secure_cookies,
    ))
}

#[derive(Deserialize)]
pub struct ForgotForm {
    csrf_token: String,
    email: String,
}

/// Always the same page and status: whether the address is an account is not told.
pub async fn forgot(
    app: web::Data<App>,
    req: HttpRequest,
    form: web::Form<ForgotForm>,
) -> Result<HttpResponse, WebError> {
    if let Some(refused) = bad_pre_session_csrf(&req, &form.csrf_token) {
        return Ok(refused);
    }
    let started = std::time::Instant::now();
    let ip = session::client_ip(&req);
    let email = form.into_inner().email;
    let result = web::block(move || accounts::forgot(&app, &email, ip.as_deref())).await?;
    if let Err(e) = result {
        // Logged, not shown: an error page would tell known addresses apart.
        tracing::warn!(error = %crate::app::privacy::log_safe(&e.to_string()), "forgot password");
    }
    // Queuing a mail takes longer than finding no account: every answer waits until the
    // same moment, so the time does not tell either.
    if let Some(rest) = FORGOT_ANSWER_AFTER.checked_sub(started.elapsed()) {
        actix_web::rt::time::sleep(rest).await;
    }
    let (csrf, _) = login_csrf(&req);
    render(&ForgotPage {
        layout: Layout::anonymous(csrf, &req),
        sent: true,
    })
}

// ---- The one-time link ----

#[derive(Template)]
#[template(path = "reset.html")]
struct ResetPage {
    layout: Layout,
    token: String,
    invite: bool,
    name: String,
    email: String,
    error: Option<String>,
}

fn link_gone(req: &HttpRequest) -> HttpResponse {
    super::pages::error_page_in(
        super::pages::browser_ui(req),
        StatusCode::NOT_FOUND,
        "This link was used already or has expired. Ask for a new one on the sign-in page (Forgot password?) or from an admin.",
    )
}

pub async fn reset_form(
    app: web::Data<App>,
    req: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let token = token.into_inner();
    let (t, secure) = (token.clone(), app.config.secure_cookies);
    let Some(info) = web::block(move || accounts::link_info(&app, &t)).await?? else {
        return Ok(link_gone(&req));
    };
    let (csrf, fresh) = login_csrf(&req);
    let page = ResetPage {
        layout: Layout::anonymous(csrf.clone(), &req),
        token,
        invite: info.purpose == accounts::INVITE,
        name: info.name,
        email: info.email,
        error: None,
    };
    Ok(with_login_csrf(render(&page)?, &csrf, fresh, secure))
}

#[derive(Deserialize)]
pub struct ResetForm {
    csrf_token: String,
    password: String,
    /// Optional: when the form sends it, it must repeat `password`.
    password_again: Option<String>,
}

pub async fn reset(
    app: web::Data<App>,
    req: HttpRequest,
    token: web::Path<String>,
    form: web::Form<ResetForm>,
) -> Result<HttpResponse, WebError> {
    if let Some(refused) = bad_pre_session_csrf(&req, &form.csrf_token) {
        return Ok(refused);
    }
    let token = token.into_inner();
    let form = form.into_inner();
    let ip = session::client_ip(&req);
    let mismatch = form
        .password_again
        .as_deref()
        .is_some_and(|again| again != form.password);
    let (app2, t) = (app.clone(), token.clone());
    let result = if mismatch {
        Err(AppError::Invalid("the two passwords differ".into()))
    } else {
        web::block(move || accounts::complete_link(&app2, &t, &form.password, ip.as_deref()))
            .await?
    };
    match result {
        Ok(_) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/login?notice=password_set"))
            .finish()),
        Err(AppError::Forbidden) => Ok(link_gone(&req)),
        Err(e @ AppError::Invalid(_)) => {
            let t = token.clone();
            let Some(info) = web::block(move || accounts::link_info(&app, &t)).await?? else {
                return Ok(link_gone(&req));
            };
            let (csrf, _) = login_csrf(&req);
            let mut resp = render(&ResetPage {
                layout: Layout::anonymous(csrf, &req),
                token,
                invite: info.purpose == accounts::INVITE,
                name: info.name,
                email: info.email,
                error: Some(e.to_string()),
            })?;
            *resp.status_mut() = StatusCode::BAD_REQUEST;
            Ok(resp)
        }
        Err(e) => Err(e.into()),
    }
}

// ---- The code step of a two-factor sign-in ----

#[derive(Template)]
#[template(path = "login_code.html")]
struct CodePage {
    layout: Layout,
    next: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct CodeQuery {
    next: Option<String>,
}

pub async fn code_form(
    app: web::Data<App>,
    req: HttpRequest,
    q: web::Query<CodeQuery>,
) -> Result<HttpResponse, WebError> {
    if req.cookie(PENDING_COOKIE).is_none() {
        return Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/login"))
            .finish());
    }
    let (csrf, fresh) = login_csrf(&req);
    let page = CodePage {
        layout: Layout::anonymous(csrf.clone(), &req),
        next: safe_next(q.next.as_deref()),
        error: None,
    };
    Ok(with_login_csrf(
        render(&page)?,
        &csrf,
        fresh,
        app.config.secure_cookies,
    ))
}

#[derive(Deserialize)]
pub struct CodeForm {
    csrf_token: String,
    code: String,
    next: Option<String>,
}

pub async fn code(
    app: web::Data<App>,
    req: HttpRequest,
    form: web::Form<CodeForm>,
) -> Result<HttpResponse, WebError> {
    if let Some(refused) = bad_pre_session_csrf(&req, &form.csrf_token) {
        return Ok(refused);
    }
    let form = form.into_inner();
    let next = safe_next(form.next.as_deref());
    let Some(pending) = req.cookie(PENDING_COOKIE).map(|c| c.value().to_string()) else {
        return Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/login"))
            .finish());
    };
    let ip = session::client_ip(&req);
    let app2 = app.clone();
    let (browser_token, _) = login_csrf(&req);
    let result = web::block(move || {
        let signed_in = auth::complete_second_factor(&app2, &pending, &form.code, ip.as_deref());
        if let Ok((token, _)) = &signed_in {
            auth::bind_form_token(&app2, token, &browser_token)?;
        }
        signed_in
    })
    .await?;
    match result {
        Ok((token, _)) => Ok(HttpResponse::SeeOther()
            .cookie(session::session_cookie(&token, app.config.secure_cookies))
            .cookie(expired_pending())
            .insert_header((header::LOCATION, next))
            .finish()),
        Err(LoginError::Expired) => Ok(HttpResponse::SeeOther()
            .cookie(expired_pending())
            .insert_header((
                header::LOCATION,
                format!(
                    "/login?notice=signin_expired&next={}",
                    session::urlencode(&next)
                ),
            ))
            .finish()),
        Err(LoginError::App(e)) => Err(WebError::App(e)),
        Err(e) => {
            let status = if matches!(e, LoginError::Throttled(_)) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNAUTHORIZED
            };
            let (csrf, _) = login_csrf(&req);
            let layout = Layout::anonymous(csrf, &req);
            let mut resp = render(&CodePage {
                error: Some(super::auth::login_error_text(&layout, &e)),
                layout,
                next,
            })?;
            *resp.status_mut() = status;
            Ok(resp)
        }
    }
}

fn expired_pending() -> Cookie<'static> {
    let mut c = Cookie::build(PENDING_COOKIE, "")
        .path("/login")
        .http_only(true)
        .same_site(SameSite::Strict)
        .finish();
    c.make_removal();
    c
}

// ---- The user's own account page ----

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    layout: Layout,
    email: String,
    role: &'static str,
    two_factor: bool,
    error: Option<String>,
    /// The console languages to choose from: (code, name in itself).
    languages: &'static [(&'static str, &'static str)],
}

#[derive(Deserialize)]
pub struct AccountQuery {
    notice: Option<String>,
}

async fn account_page(
    app: web::Data<App>,
    user: &CurrentUser,
    notice: Option<&str>,
    error: Option<String>,
) -> Result<HttpResponse, WebError> {
    let id = user.id.clone();
    let two_factor = web::block(move || two_factor::is_enabled(&app, &id)).await??;
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let mut resp = render(&AccountPage {
        layout: Layout::new(user, "account").with_notice(notice),
        email: user.email.clone(),
        role: user.role.as_str(),
        two_factor,
        error,
        languages: crate::i18n::console::LANGUAGES,
    })?;
    *resp.status_mut() = status;
    Ok(resp)
}

/// `GET /account`: every signed-in user, whatever their role.
pub async fn show(
    app: web::Data<App>,
    user: CurrentUser,
    q: web::Query<AccountQuery>,
) -> Result<HttpResponse, WebError> {
    account_page(app, &user, q.notice.as_deref(), None).await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    csrf_token: String,
    current_password: String,
    password: String,
    password_again: Option<String>,
}

/// `POST /account/password`: the current password is required; other sessions end.
pub async fn change_password(
    app: web::Data<App>,
    req: HttpRequest,
    user: CurrentUser,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, WebError> {
    user.check_csrf(&form.csrf_token)?;
    let f = form.into_inner();
    if f.password_again.as_deref().is_some_and(|a| a != f.password) {
        return account_page(
            app,
            &user,
            None,
            Some("the two new passwords differ".into()),
        )
        .await;
    }
    let keep = req
        .cookie(session::SESSION_COOKIE)
        .map(|c| c.value().to_string());
    let (app2, by) = (app.clone(), user.acting());
    let result = web::block(move || {
        accounts::change_password(
            &app2,
            &by,
            &f.current_password,
            &f.password,
            keep.as_deref(),
        )
    })
    .await?;
    match result {
        Ok(()) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/account?notice=password_changed"))
            .finish()),
        Err(e @ (AppError::Invalid(_) | AppError::Refused(_))) => {
            account_page(app, &user, None, Some(e.to_string())).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "two_factor.html")]
struct TwoFactorPage {
    layout: Layout,
    secret: String,
    url: String,
    /// The `otpauth://` link as a QR code for the phone's camera (inline SVG).
    qr: String,
    error: Option<String>,
}

/// The link as an inline SVG QR code. Only our own markup (a rectangle and one path),
/// so it is safe to embed unescaped; fill colours are attributes, which the page's
/// Content-Security-Policy allows.
fn qr_svg(url: &str, layout: &Layout) -> String {
    let Ok(code) = qrcode::QrCode::new(url.as_bytes()) else {
        return String::new();
    };
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build();
    // Inline in HTML: without the XML declaration, labelled for screen readers.
    match svg.find("<svg") {
        Some(at) => svg[at..].replacen(
            "<svg ",
            &format!(
                "<svg role=\"img\" aria-label=\"{}\" ",
                layout.t("two-factor-qr-label").replace('"', "&quot;")
            ),
            1,
        ),
        None => String::new(),
    }
}

/// `GET /account/two-factor`: a fresh secret to enter into an authenticator app.
pub async fn two_factor_form(user: CurrentUser) -> Result<HttpResponse, WebError> {
    let secret = two_factor::new_secret();
    let url = two_factor::provisioning_url(&secret, &user.email)?;
    let layout = Layout::new(&user, "account");
    let mut resp = render(&TwoFactorPage {
        qr: qr_svg(&url, &layout),
        layout,
        secret,
        url,
        error: None,
    })?;
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(resp)
}

#[derive(Deserialize)]
pub struct TwoFactorForm {
    csrf_token: String,
    secret: String,
    code: String,
    password: String,
}

/// `POST /account/two-factor`: turns it on once a code from the app matches.
pub async fn two_factor_enable(
    app: web::Data<App>,
    user: CurrentUser,
    form: web::Form<TwoFactorForm>,
) -> Result<HttpResponse, WebError> {
    user.check_csrf(&form.csrf_token)?;
    let f = form.into_inner();
    let (app2, by, secret, code, password) = (
        app.clone(),
        user.acting(),
        f.secret.clone(),
        f.code,
        f.password,
    );
    let result =
        web::block(move || two_factor::enable(&app2, &by, &password, &secret, &code)).await?;
    match result {
        Ok(()) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/account?notice=two_factor_on"))
            .finish()),
        Err(e @ (AppError::Invalid(_) | AppError::Refused(_))) => {
            let url = two_factor::provisioning_url(&f.secret, &user.email).unwrap_or_default();
            let layout = Layout::new(&user, "account");
            let mut resp = render(&TwoFactorPage {
                qr: qr_svg(&url, &layout),
                layout,
                secret: f.secret,
                url,
                error: Some(e.to_string()),
            })?;
            *resp.status_mut() = StatusCode::BAD_REQUEST;
            Ok(resp)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct PasswordOnly {
    csrf_token: String,
    password: String,
}

/// `POST /account/two-factor/off`: the password is asked again.
pub async fn two_factor_disable(
    app: web::Data<App>,
    user: CurrentUser,
    form: web::Form<PasswordOnly>,
) -> Result<HttpResponse, WebError> {
    user.check_csrf(&form.csrf_token)?;
    let f = form.into_inner();
    let (app2, by) = (app.clone(), user.acting());
    let result = web::block(move || two_factor::disable(&app2, &by, &f.password)).await?;
    match result {
        Ok(()) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/account?notice=two_factor_off"))
            .finish()),
        Err(e @ (AppError::Invalid(_) | AppError::Refused(_))) => {
            account_page(app, &user, None, Some(e.to_string())).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct KeysForm {
    csrf_token: String,
    /// Present (checked) when the shortcuts should be on.
    single_keys: Option<String>,
    /// Present (checked) when a send should open the next ticket.
    open_next: Option<String>,
}

/// `POST /account/keys`: one's own single-letter shortcuts on or off.
pub async fn set_keys(
    app: web::Data<App>,
    user: CurrentUser,
    form: web::Form<KeysForm>,
) -> Result<HttpResponse, WebError> {
    user.check_csrf(&form.csrf_token)?;
    let (keys, next, by) = (form.single_keys.is_some(), form.open_next.is_some(), user.acting());
    web::block(move || accounts::set_keys(&app, &by, keys, next)).await??;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/account?notice=keys"))
        .finish())
}

#[derive(Deserialize)]
pub struct LanguageForm {
    csrf_token: String,
    /// A code of `i18n::console::LANGUAGES`.
    language: String,
}

/// `POST /account/language`: the language of one's own console.
pub async fn set_language(
    app: web::Data<App>,
    user: CurrentUser,
    form: web::Form<LanguageForm>,
) -> Result<HttpResponse, WebError> {
    user.check_csrf(&form.csrf_token)?;
    let (by, code) = (user.acting(), form.into_inner().language);
    web::block(move || accounts::set_console_language(&app, &by, &code)).await??;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/account?notice=language"))
        .finish())
}
