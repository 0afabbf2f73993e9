//! `/replies`: saved replies, each person's own and the team's (which supervisors and
//! admins write).

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::organize::{self, ReplyForm};
use crate::app::{App, AppError};
use crate::store::saved_replies::SavedReply;

use super::error::WebError;
use super::pages::{Layout, render};
use super::session::{CurrentUser, Role};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/replies", web::get().to(list))
        .route("/replies", web::post().to(create))
        .route("/replies/{id}", web::post().to(update))
        .route("/replies/{id}/delete", web::post().to(delete));
}

#[derive(Template)]
#[template(path = "replies.html")]
struct RepliesPage {
    layout: Layout,
    replies: Vec<SavedReply>,
    may_share: bool,
    placeholders: &'static [&'static str],
    error: Option<String>,
}

impl RepliesPage {
    fn editable(&self, r: &SavedReply) -> bool {
        r.owner_id.is_some() || self.may_share
    }
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
    let id = user.id.clone();
    let replies = web::block(move || organize::saved_replies(&app, &id)).await??;
    let status = match error {
        Some(_) => StatusCode::BAD_REQUEST,
        None => StatusCode::OK,
    };
    let mut resp = render(&RepliesPage {
        layout: Layout::new(user, "replies").with_notice(notice),
        replies,
        may_share: user.role.allows(Role::Supervisor),
        placeholders: crate::domain::organize::PLACEHOLDERS,
        error,
    })?;
    *resp.status_mut() = status;
    Ok(resp)
}

pub async fn list(
    app: web::Data<App>,
    user: CurrentUser,
    p: web::Query<Params>,
) -> Result<HttpResponse, WebError> {
    user.require(Role::Agent)?;
    page(app, &user, p.notice.as_deref(), None).await
}

#[derive(Deserialize)]
pub struct Form {
    csrf_token: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    shared: Option<String>,
}

async fn saved(
    app: web::Data<App>,
    user: CurrentUser,
    id: Option<String>,
    form: Form,
) -> Result<HttpResponse, WebError> {
    user.require(Role::Agent)?;
    user.check_csrf(&form.csrf_token)?;
    let (may_share, by, app2) = (user.role.allows(Role::Supervisor), user.acting(), app.clone());
    let result = web::block(move || {
        organize::save_reply(
            &app2,
            id.as_deref(),
            &ReplyForm {
                title: &form.title,
                body: &form.body,
                shared: form.shared.is_some(),
            },
            may_share,
            &by,
        )
    })
    .await?;
    match result {
        Ok(_) => Ok(see_other("/replies?notice=saved_reply_saved")),
        Err(e @ (AppError::Invalid(_) | AppError::Refused(_))) => {
            page(app, &user, None, Some(e.to_string())).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn create(
    app: web::Data<App>,
    user: CurrentUser,
    form: web::Form<Form>,
) -> Result<HttpResponse, WebError> {
    saved(app, user, None, form.into_inner()).await
}

pub async fn update(
    app: web::Data<App>,
    user: CurrentUser,
    id: web::Path<String>,
    form: web::Form<Form>,
) -> Result<HttpResponse, WebError> {
    saved(app, user, Some(id.into_inner()), form.into_inner()).await
}

#[derive(Deserialize)]
pub struct DeleteForm {
    csrf_token: String,
}

pub async fn delete(
    app: web::Data<App>,
    user: CurrentUser,
    id: web::Path<String>,
    form: web::Form<DeleteForm>,
) -> Result<HttpResponse, WebError> {
    user.require(Role::Agent)?;
    user.check_csrf(&form.csrf_token)?;
    let (may_share, by, id) = (user.role.allows(Role::Supervisor), user.acting(), id.into_inner());
    web::block(move || organize::delete_reply(&app, &id, may_share, &by)).await??;
    Ok(see_other("/replies?notice=saved_reply_deleted"))
}

fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to.to_string()))
        .finish()
}
