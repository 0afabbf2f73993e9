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
    let all = web::block(move || users::all(&app)).await??;
    let mut resp = render(&UsersPage {
        layout: Layout::new(user, "users").with_notice(notice),
        users: all,
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
    password: String,
}

pub async fn create(
    app: web::Data<App>,
    user: CurrentUser,
    form: web::Form<CreateForm>,
) -> Result<HttpResponse, WebError> {
    user.require(Role::Admin)?;
    user.check_csrf(&form.csrf_token)?;
    let f = form.into_inner();
    let (app2, by) = (app.clone(), user.acting());
    let result =
        web::block(move || users::add_by(&app2, &f.email, &f.name, &f.role, &f.password, &by))
            .await?;
    match result {
        Ok(_) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/admin/users?notice=user_created"))
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

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    rows: Vec<crate::app::audit::AuditRow>,
    page: i64,
    more: bool,
}

#[derive(Deserialize)]
pub struct AuditParams {
    page: Option<i64>,
}

/// `GET /admin/audit`: the audit trail, for admins.
pub async fn audit(
    app: web::Data<App>,
    user: CurrentUser,
    p: web::Query<AuditParams>,
) -> Result<HttpResponse, WebError> {
    user.require(Role::Admin)?;
    let page = p.page.unwrap_or(1).max(1);
    let (rows, more) = web::block(move || crate::app::audit::page(&app, page)).await??;
    render(&AuditPage {
        layout: Layout::new(&user, "audit"),
        rows,
        page,
        more,
    })
}
