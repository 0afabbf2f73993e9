//! `GET /admin/failed-mail`: inbound messages parked as failed, for admins.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::app::{App, failed_mail};

use super::error::WebError;
use super::pages::{Layout, render};
use super::session::{CurrentUser, Role};

#[derive(Template)]
#[template(path = "failed_mail.html")]
struct FailedMailPage {
    layout: Layout,
    rows: Vec<failed_mail::FailedMail>,
}

pub async fn list(app: web::Data<App>, user: CurrentUser) -> Result<HttpResponse, WebError> {
    user.require(Role::Admin)?;
    let rows = web::block(move || failed_mail::list(&app, 200)).await??;
    render(&FailedMailPage {
        layout: Layout::new(&user, "failed-mail"),
        rows,
    })
}
