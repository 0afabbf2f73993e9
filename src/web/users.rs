//! `GET/POST /admin/users`: admins invite, deactivate, and set roles and languages.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::{App, AppError, users};
use crate::store;

use super::error::WebError;
use super::pages::{Layout, render};
use super::session::{CurrentUser, Role};

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    layout: Layout,
    users: Vec<store::models::UserRow>,
    /// Ids of the users with two-factor sign-in.
    two_factor: Vec<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct Params {
    notice: Option<String>,
}

async fn page(
    app: web::Data<App>,
    user: &CurrentUser,
    notice: Option<&str>,
    error: Option<String>,
) -> Result<HttpResponse, WebError> {
    let (all, two_factor) =
        web::block(move || Ok::<_, AppError>((users::all(&app)?, users::with_two_factor(&app)?)))
            .await??;
    let mut resp = render(&UsersPage {
        layout: Layout::new(user, "users").with_notice(notice),
        users: all,
        two_factor,
        error: error.clone(),
    })?;
    if error.is_some() {
        *resp.status_mut() = actix_web::http::StatusCode::BAD_REQUEST;
    }
    Ok(resp)
}

pub async fn list(
    app: web::Data<App>,
    user: CurrentUser,
    p: web::Query<Params>,
) -> Result<HttpResponse, WebError> {
    user.require(Role::Admin)?;
    page(app, &user, p.notice.as_deref(), None).await
}

#[derive(Deserialize)]
pub struct CreateForm {
    csrf_token: String,
    email: String,
    name: String,
    role: String,
    /// Without one (the form's way), the user is invited: a one-time link to choose a
    /// password is mailed to them. With one, the user is created with it.
    password: Option<String>,
}

/// `POST /admin/users`: invites a user (or creates one with a first password).
pub async fn create(
    app: web::Data<App>,
    user: CurrentUser,
    form: web::Form<CreateForm>,
) -> Result<HttpResponse, WebError> {
    user.require(Role::Admin)?;
    user.check_csrf(&form.csrf_token)?;
    let f = form.into_inner();
    let (app2, by) = (app.clone(), user.acting());
    let password = f.password.filter(|p| !p.is_empty());
    let invited = password.is_none();
    let result = web::block(move || match password {
        Some(password) => users::add_by(&app2, &f.email, &f.name, &f.role, &password, &by),
        None => crate::app::accounts::invite(&app2, &f.email, &f.name, &f.role, &by),
    })
    .await?;
    match result {
        Ok(_) => Ok(HttpResponse::SeeOther()
            .insert_header((
                header::LOCATION,
                if invited {
                    "/admin/users?notice=user_invited"
                } else {
                    "/admin/users?notice=user_created"
                },
            ))
            .finish()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            page(app, &user, None, Some(e.to_string())).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct UpdateForm {
    csrf_token: String,
    role: String,
    active: Option<String>,
    languages: String,
}

pub async fn update(
    app: web::Data<App>,
    user: CurrentUser,
    id: web::Path<String>,
    form: web::Form<UpdateForm>,
) -> Result<HttpResponse, WebError> {
    user.require(Role::Admin)?;
    user.check_csrf(&form.csrf_token)?;
    let f = form.into_inner();
    let by = user.acting();
    let app2 = app.clone();
    let result = web::block(move || {
        users::update(&app2, &id, &f.role, f.active.is_some(), &f.languages, &by)
    })
    .await?;
    match result {
        Ok(_) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/admin/users?notice=user_saved"))
            .finish()),
        Err(e @ AppError::Invalid(_)) => page(app, &user, None, Some(e.to_string())).await,
        Err(e) => Err(e.into()),
    }
}

/// `POST /admin/users/{id}/reset`: mails the user a link to choose a new password (a
/// fresh invitation if they never chose one); the admin never sees the link.
pub async fn send_reset(
    app: web::Data<App>,
    user: CurrentUser,
    id: web::Path<String>,
    form: web::Form<super::auth::CsrfOnly>,
) -> Result<HttpResponse, WebError> {
    user.require(Role::Admin)?;
    user.check_csrf(&form.csrf_token)?;
    let (app2, by) = (app.clone(), user.acting());
    let result =
        web::block(move || crate::app::accounts::send_reset_by_admin(&app2, &id, &by)).await?;
    match result {
        Ok(_) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/admin/users?notice=reset_sent"))
            .finish()),
        Err(e @ AppError::Refused(_)) => page(app, &user, None, Some(e.to_string())).await,
        Err(e) => Err(e.into()),
    }
}

/// `POST /admin/users/{id}/two-factor-off`: turns off a user's two-factor sign-in (a
/// lost phone); they sign in with the password alone until they set it up again.
pub async fn two_factor_off(
    app: web::Data<App>,
    user: CurrentUser,
    id: web::Path<String>,
    form: web::Form<super::auth::CsrfOnly>,
) -> Result<HttpResponse, WebError> {
    user.require(Role::Admin)?;
    user.check_csrf(&form.csrf_token)?;
    let by = user.acting();
    web::block(move || crate::app::two_factor::disable_by_admin(&app, &id, &by)).await??;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/admin/users?notice=two_factor_reset"))
        .finish())
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    rows: Vec<crate::app::audit::AuditRow>,
    page: i64,
    more: bool,
    people: Vec<(String, String)>,
    kinds: Vec<String>,
    f: AuditParams,
    /// The filter as a query string (`&person=…`), for paging links and the CSV link.
    query: String,
}

/// The audit page's filters, as the form sends them (empty fields mean "any").
#[derive(Clone, Debug, Default, Deserialize)]
pub struct AuditParams {
    page: Option<i64>,
    #[serde(default)]
    person: String,
    /// The event kind (`kind=` is read too: events call it their kind).
    #[serde(default, alias = "kind")]
    action: String,
    #[serde(default)]
    ticket: String,
    /// First day (YYYY-MM-DD, UTC), included.
    #[serde(default)]
    from: String,
    /// Last day, included.
    #[serde(default)]
    to: String,
}

impl AuditParams {
    fn filter(&self) -> Result<store::audit::AuditFilter, AppError> {
        let text = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
        let day = |v: &str, what: &str| {
            text(v)
                .map(|d| {
                    chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                        .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default())
                        .map_err(|_| AppError::Invalid(format!("{what}: expected YYYY-MM-DD")))
                })
                .transpose()
        };
        Ok(store::audit::AuditFilter {
            person: text(&self.person),
            kind: text(&self.action),
            ticket: text(&self.ticket)
                .map(|t| {
                    t.trim_start_matches('#')
                        .parse::<i64>()
                        .map_err(|_| AppError::Invalid("ticket: expected a number".into()))
                })
                .transpose()?,
            from: day(&self.from, "from")?,
            to: day(&self.to, "to")?.map(|d| d + chrono::Duration::days(1)),
        })
    }

    fn query(&self) -> String {
        [
            ("person", &self.person),
            ("action", &self.action),
            ("ticket", &self.ticket),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("&{k}={}", super::session::urlencode(v.trim())))
        .collect()
    }
}

/// `GET /admin/audit`: the audit trail, for admins, filtered by person, action, ticket
/// and period.
pub async fn audit(
    app: web::Data<App>,
    user: CurrentUser,
    p: web::Query<AuditParams>,
) -> Result<HttpResponse, WebError> {
    user.require(Role::Admin)?;
    let params = p.into_inner();
    let page = params.page.unwrap_or(1).max(1);
    let filter = params.filter()?;
    let ((rows, more), choices) = web::block(move || {
        Ok::<_, AppError>((
            crate::app::audit::page_filtered(&app, &filter, page)?,
            crate::app::audit::choices(&app)?,
        ))
    })
    .await??;
    render(&AuditPage {
        layout: Layout::new(&user, "audit"),
        rows,
        page,
        more,
        people: choices.people,
        kinds: choices.kinds,
        query: params.query(),
        f: params,
    })
}

/// `GET /admin/audit.csv`: the filtered trail as CSV; the export itself is audited.
pub async fn audit_csv(
    app: web::Data<App>,
    user: CurrentUser,
    p: web::Query<AuditParams>,
) -> Result<HttpResponse, WebError> {
    user.require(Role::Admin)?;
    let filter = p.filter()?;
    let by = user.acting();
    let body = web::block(move || {
        let body = crate::app::audit::csv(&app, &filter)?;
        let mut conn = app.conn()?;
        store::events::record(
            &mut conn,
            None,
            "audit_exported",
            &by.actor(),
            serde_json::json!({"rows": body.lines().count().saturating_sub(1)}),
        )?;
        Ok::<_, AppError>(body)
    })
    .await??;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"audit.csv\"",
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}
