//! `/admin/privacy`: admins export a customer's data, erase it (reason required, password
//! asked again), put legal holds, and see what retention would remove next.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::privacy::{self, HoldTarget};
use crate::app::{App, AppError};

use super::error::WebError;
use super::pages::{Layout, render};
use super::session::{CurrentUser, Role};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/privacy", web::get().to(page))
        .route("/admin/privacy/export", web::post().to(export))
        .route("/admin/privacy/erase", web::post().to(erase))
        .route("/admin/privacy/hold", web::post().to(hold));
}

#[derive(Template)]
#[template(path = "admin_privacy.html")]
struct PrivacyPage {
    layout: Layout,
    done: Option<&'static str>,
    error: Option<String>,
    raw_days: String,
    closed_days: String,
    due: Vec<String>,
    held_tickets: Vec<i64>,
    held_customers: Vec<String>,
}

#[derive(Deserialize)]
pub struct Params {
    done: Option<String>,
}

/// Fixed texts for `?done=` (nothing from the query string is shown).
fn done_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "erased" => "Erased: the customer's personal data is gone; counts and timings stay.",
        "nothing" => "No customer has that address (any more): nothing to erase.",
        "mentions" => {
            "No customer has that address (any more); it was taken out of the tickets it was \
             copied on and of their history."
        }
        "hold" => "Legal hold changed.",
        _ => return None,
    })
}

fn days(ui: crate::i18n::console::Ui, d: Option<i64>) -> String {
    match d {
        Some(d) => ui.t1("privacy-days", "days", d).into_owned(),
        None => ui.t("privacy-forever").into_owned(),
    }
}

/// What the next retention run removes, one line an item (`RetentionPlan::lines` in the
/// page's language).
fn due_lines(ui: crate::i18n::console::Ui, plan: &privacy::RetentionPlan) -> Vec<String> {
    let when = |at: &chrono::NaiveDateTime| at.format("%Y-%m-%d %H:%M:%S").to_string();
    let mut out: Vec<String> = plan
        .raw_mail
        .iter()
        .map(|(id, at, ticket)| match ticket {
            Some(n) => ui
                .ta(
                    "privacy-due-raw-ticket",
                    &[("id", id), ("at", &when(at)), ("number", &n.to_string())],
                )
                .into_owned(),
            None => ui
                .t2("privacy-due-raw", "id", id, "at", when(at))
                .into_owned(),
        })
        .collect();
    out.extend(plan.tickets.iter().map(|(_, number, _, at)| {
        ui.t2(
            "privacy-due-ticket",
            "number",
            number.to_string(),
            "at",
            when(at),
        )
        .into_owned()
    }));
    out
}

async fn show(
    app: web::Data<App>,
    user: &CurrentUser,
    done: Option<&str>,
    error: Option<(StatusCode, String)>,
) -> Result<HttpResponse, WebError> {
    let app2 = app.clone();
    let (plan, (held_tickets, held_customers)) = web::block(move || {
        Ok::<_, AppError>((
            privacy::retention_plan(&app2, crate::store::now())?,
            privacy::holds(&app2)?,
        ))
    })
    .await??;
    let status = error.as_ref().map(|e| e.0);
    let layout = Layout::new(user, "privacy");
    let ui = layout.ui;
    let mut resp = render(&PrivacyPage {
        layout,
        done: done.and_then(done_text),
        error: error.map(|e| e.1),
        raw_days: days(ui, app.config.retention_raw_days),
        closed_days: days(ui, app.config.retention_closed_days),
        due: due_lines(ui, &plan),
        held_tickets,
        held_customers,
    })?;
    if let Some(s) = status {
        *resp.status_mut() = s;
    }
    Ok(resp)
}

/// `GET /admin/privacy`
pub async fn page(
    app: web::Data<App>,
    user: CurrentUser,
    p: web::Query<Params>,
) -> Result<HttpResponse, WebError> {
    user.require(Role::Admin)?;
    show(app, &user, p.done.as_deref(), None).await
}

#[derive(Deserialize)]
pub struct ExportForm {
    csrf_token: String,
    email: String,
}

/// `POST /admin/privacy/export`: the customer's archive as a download.
pub async fn export(
    app: web::Data<App>,
    user: CurrentUser,
    form: web::Form<ExportForm>,
) -> Result<HttpResponse, WebError> {
    user.require(Role::Admin)?;
    user.check_csrf(&form.csrf_token)?;
    let (app2, by, email) = (app.clone(), user.acting(), form.email.clone());
    match web::block(move || privacy::export(&app2, &email, Some(&by))).await? {
        Ok(e) => Ok(HttpResponse::Ok()
            .content_type("application/zip")
            .insert_header((
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"customer-export.zip\"",
            ))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(e.zip)),
        Err(e) => shown_on_page(app, &user, e).await,
    }
}

#[derive(Deserialize)]
pub struct EraseForm {
    csrf_token: String,
    email: String,
    reason: String,
    password: String,
}

/// `POST /admin/privacy/erase`: needs a reason and the admin's password again.
pub async fn erase(
    app: web::Data<App>,
    user: CurrentUser,
    form: web::Form<EraseForm>,
) -> Result<HttpResponse, WebError> {
    user.require(Role::Admin)?;
    user.check_csrf(&form.csrf_token)?;
    let f = form.into_inner();
    let (app2, by) = (app.clone(), user.acting());
    let result = web::block(move || {
        if f.reason.trim().is_empty() {
            return Err(AppError::Invalid("say why this customer is erased".into()));
        }
        privacy::confirm_password(&app2, &by, &f.password)?;
        privacy::erase(&app2, &f.email, &f.reason, Some(&by))
    })
    .await?;
    match result {
        Ok(done) => Ok(HttpResponse::SeeOther()
            .insert_header((
                header::LOCATION,
                if done.found {
                    "/admin/privacy?done=erased"
                } else if done.mentions > 0 {
                    "/admin/privacy?done=mentions"
                } else {
                    "/admin/privacy?done=nothing"
                },
            ))
            .finish()),
        Err(e) => shown_on_page(app, &user, e).await,
    }
}

#[derive(Deserialize)]
pub struct HoldForm {
    csrf_token: String,
    /// A customer's address, or a ticket number (`1042` or `#1042`).
    target: String,
    on: Option<String>,
}

/// `POST /admin/privacy/hold`: puts or lifts a legal hold.
pub async fn hold(
    app: web::Data<App>,
    user: CurrentUser,
    form: web::Form<HoldForm>,
) -> Result<HttpResponse, WebError> {
    user.require(Role::Admin)?;
    user.check_csrf(&form.csrf_token)?;
    let f = form.into_inner();
    let (app2, by) = (app.clone(), user.acting());
    let result = web::block(move || {
        let target = f.target.trim().trim_start_matches('#').to_string();
        let on = f.on.is_some();
        match target.parse::<i64>() {
            Ok(n) => privacy::set_hold(&app2, HoldTarget::Ticket(n), on, Some(&by)),
            Err(_) => privacy::set_hold(&app2, HoldTarget::Customer(&target), on, Some(&by)),
        }
    })
    .await?;
    match result {
        Ok(_) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/admin/privacy?done=hold"))
            .finish()),
        Err(e) => shown_on_page(app, &user, e).await,
    }
}

/// The privacy page again with what the admin can act on (no such customer, a missing
/// reason or password, a legal hold) said on it; other errors answer as usual.
async fn shown_on_page(
    app: web::Data<App>,
    user: &CurrentUser,
    error: AppError,
) -> Result<HttpResponse, WebError> {
    let status = match &error {
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Invalid(_) => StatusCode::BAD_REQUEST,
        AppError::Refused(_) => StatusCode::FORBIDDEN,
        _ => return Err(error.into()),
    };
    show(app, user, None, Some((status, error.to_string()))).await
}
