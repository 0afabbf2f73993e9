//! The customer's side: `GET/POST /contact` (the web form) and `/status/{token}` (the
//! signed, expiring status page linked from every acknowledgement). Both work without
//! JavaScript; their forms carry the pre-session CSRF token.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::contact::{self, ContactForm, StatusAction, StatusView, Submitted};
use crate::app::{App, AppError};

use super::auth::{login_csrf, with_login_csrf};
use super::error::WebError;
use super::pages::render;
use super::session::constant_time_eq;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/contact", web::get().to(form))
        .route("/contact", web::post().to(submit))
        .route("/status/{token}", web::get().to(status))
        .route("/status/{token}/message", web::post().to(message))
        .route("/status/{token}/person", web::post().to(person))
        .route("/status/{token}/rate", web::post().to(rate));
}

/// The customer's words: the catalogue of their language (customer.ftl).
pub struct Words(crate::i18n::Texts);

impl Words {
    fn of(code: &str) -> Words {
        Words(crate::i18n::Texts::new(code, None))
    }

    /// The first language of an `Accept-Language` header.
    fn of_browser(req: &HttpRequest) -> Words {
        let header = req
            .headers()
            .get("Accept-Language")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("en");
        let first = header.split([',', ';']).next().unwrap_or("en").trim();
        Words::of(first)
    }

    pub fn t(&self, key: &str) -> String {
        self.0.get(key, &[])
    }

    pub fn t1(&self, key: &str, name: &str, value: &str) -> String {
        self.0.get(key, &[(name, value)])
    }

    pub fn lang(&self) -> &'static str {
        self.0.language()
    }

    pub fn dir(&self) -> &'static str {
        if crate::i18n::is_rtl(self.0.language()) { "rtl" } else { "ltr" }
    }
}

#[derive(Template)]
#[template(path = "contact.html")]
struct ContactPage {
    words: Words,
    csrf: String,
    token: String,
    form: ContactFields,
    error: Option<String>,
    /// The ticket number once sent (or 0 when the form was taken for a bot's).
    sent: Option<i64>,
}

#[derive(Deserialize, Default, Clone)]
pub struct ContactFields {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    website: String,
    #[serde(default)]
    form_token: String,
}

fn client_of(req: &HttpRequest) -> String {
    req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default()
}

/// Renders a customer page with the pre-session CSRF cookie set when it was missing.
fn finish(
    app: &App,
    status: StatusCode,
    csrf: &str,
    fresh: bool,
    page: &impl Template,
) -> Result<HttpResponse, WebError> {
    let mut resp = render(page)?;
    *resp.status_mut() = status;
    Ok(with_login_csrf(resp, csrf, fresh, app.config.secure_cookies))
}

pub async fn form(app: web::Data<App>, req: HttpRequest) -> Result<HttpResponse, WebError> {
    let app2 = app.clone();
    let token = web::block(move || contact::form_token(&app2)).await??;
    let (csrf, fresh) = login_csrf(&req);
    let page = ContactPage { words: Words::of_browser(&req), csrf: csrf.clone(), token, form: ContactFields::default(), error: None, sent: None };
    finish(&app, StatusCode::OK, &csrf, fresh, &page)
}

pub async fn submit(
    app: web::Data<App>,
    req: HttpRequest,
    f: web::Form<ContactFields>,
) -> Result<HttpResponse, WebError> {
    let fields = f.into_inner();
    let (csrf, fresh) = login_csrf(&req);
    let csrf_ok = !fresh && constant_time_eq(fields.csrf_token.as_bytes(), csrf.as_bytes());
    let client = client_of(&req);
    let input = ContactForm {
        name: fields.name.clone(),
        email: fields.email.clone(),
        subject: fields.subject.clone(),
        message: fields.message.clone(),
        website: fields.website.clone(),
        token: fields.form_token.clone(),
    };
    let app2 = app.clone();
    let (result, token) = web::block(move || {
        // A page from before the cookie (or another site's form) is shown again with its
        // text: nothing is lost.
        let result = if csrf_ok {
            contact::submit(&app2, &input, &client)
        } else {
            Err(AppError::Invalid("Please send the form again (it had expired).".into()))
        };
        Ok::<_, AppError>((result, contact::form_token(&app2)?))
    })
    .await??;
    let (status, error, sent) = match result {
        Ok(Submitted::Stored(n)) => (StatusCode::OK, None, Some(n)),
        Ok(Submitted::Ignored) => (StatusCode::OK, None, Some(0)),
        Err(e @ AppError::Invalid(_)) => (StatusCode::BAD_REQUEST, Some(e.to_string()), None),
        Err(e @ AppError::Refused(_)) => (StatusCode::TOO_MANY_REQUESTS, Some(e.to_string()), None),
        // The database busy or down: the form comes back with the text in it.
        Err(e) if e.is_temporary() => {
            tracing::warn!(error = %e, "contact form not stored; shown again");
            let again = "We could not take your message just now. Your text is below: please send it again in a minute.";
            (StatusCode::SERVICE_UNAVAILABLE, Some(again.to_string()), None)
        }
        Err(e) => return Err(e.into()),
    };
    let page = ContactPage { words: Words::of_browser(&req), csrf: csrf.clone(), token, form: fields, error, sent };
    finish(&app, status, &csrf, fresh, &page)
}

#[derive(Template)]
#[template(path = "status.html")]
struct StatusPage {
    words: Words,
    csrf: String,
    link: String,
    form_token: String,
    v: StatusView,
    notice: Option<&'static str>,
    error: Option<String>,
}

impl StatusPage {
    fn when(&self, at: &chrono::NaiveDateTime) -> String {
        at.format("%Y-%m-%d %H:%M UTC").to_string()
    }

    fn state(&self) -> String {
        use crate::domain::ticket::Status;
        self.words.t(match self.v.status {
            _ if self.v.waiting => "status-working",
            Status::AutoAnswered => "status-auto",
            Status::WaitingOnCustomer => "status-answered",
            Status::Resolved => "status-solved",
            Status::Closed => "status-closed",
            _ => "status-received",
        })
    }

    fn expected(&self) -> Option<String> {
        let at = self.v.expected?;
        let when = crate::domain::wording::format_when(&self.words.0, at, None);
        Some(self.words.t1("status-expected", "when", &when))
    }

    fn number(&self) -> String {
        self.v.number.to_string()
    }
}

#[derive(Deserialize)]
pub struct StatusParams {
    done: Option<String>,
}

fn status_notice(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "message" => "status-done-message",
        "person" => "status-done-person",
        "rated" => "status-done-rated",
        _ => return None,
    })
}

async fn status_page(
    req: &HttpRequest,
    app: web::Data<App>,
    token: String,
    notice: Option<&'static str>,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, WebError> {
    let (app2, token2) = (app.clone(), token.clone());
    let (v, form_token) = web::block(move || {
        Ok::<_, AppError>((contact::status(&app2, &token2)?, contact::form_token(&app2)?))
    })
    .await??;
    let (csrf, fresh) = login_csrf(req);
    let page = StatusPage {
        words: Words::of(&v.language),
        csrf: csrf.clone(),
        link: format!("/status/{token}"),
        form_token,
        v,
        notice,
        error,
    };
    finish(&app, status, &csrf, fresh, &page)
}

pub async fn status(
    app: web::Data<App>,
    req: HttpRequest,
    token: web::Path<String>,
    p: web::Query<StatusParams>,
) -> Result<HttpResponse, WebError> {
    let notice = status_notice(p.done.as_deref());
    status_page(&req, app, token.into_inner(), notice, None, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    form_token: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    helpful: String,
}

async fn on_status(
    app: web::Data<App>,
    req: HttpRequest,
    token: String,
    form: StatusForm,
    run: impl FnOnce(&App, &str, &StatusForm, &str) -> Result<&'static str, AppError> + Send + 'static,
) -> Result<HttpResponse, WebError> {
    let client = client_of(&req);
    let (csrf, fresh) = login_csrf(&req);
    if fresh || !constant_time_eq(form.csrf_token.as_bytes(), csrf.as_bytes()) {
        let again = Some("Please send it again (the page had expired).".to_string());
        return status_page(&req, app, token, None, again, StatusCode::BAD_REQUEST).await;
    }
    let (app2, token2) = (app.clone(), token.clone());
    match web::block(move || run(&app2, &token2, &form, &client)).await? {
        Ok(done) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("/status/{token}?done={done}")))
            .finish()),
        Err(e @ AppError::Invalid(_)) => {
            status_page(&req, app, token, None, Some(e.to_string()), StatusCode::BAD_REQUEST).await
        }
        Err(e @ AppError::Refused(_)) => {
            status_page(&req, app, token, None, Some(e.to_string()), StatusCode::TOO_MANY_REQUESTS).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn message(
    app: web::Data<App>,
    req: HttpRequest,
    token: web::Path<String>,
    form: web::Form<StatusForm>,
) -> Result<HttpResponse, WebError> {
    on_status(app, req, token.into_inner(), form.into_inner(), |app, token, f, client| {
        contact::act(app, token, &f.form_token, StatusAction::Message(&f.message), client).map(|_| "message")
    })
    .await
}

pub async fn person(
    app: web::Data<App>,
    req: HttpRequest,
    token: web::Path<String>,
    form: web::Form<StatusForm>,
) -> Result<HttpResponse, WebError> {
    on_status(app, req, token.into_inner(), form.into_inner(), |app, token, f, client| {
        contact::act(app, token, &f.form_token, StatusAction::Person, client).map(|_| "person")
    })
    .await
}

pub async fn rate(
    app: web::Data<App>,
    req: HttpRequest,
    token: web::Path<String>,
    form: web::Form<StatusForm>,
) -> Result<HttpResponse, WebError> {
    on_status(app, req, token.into_inner(), form.into_inner(), |app, token, f, _| {
        contact::rate(app, token, f.helpful == "yes").map(|_| "rated")
    })
    .await
}
