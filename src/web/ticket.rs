//! `GET /tickets/{number}` and the actions on it. Every action is a POST with the CSRF
//! token and answers with a redirect to the ticket (PRG), so it works without JavaScript.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::review::{self, TicketPage};
use crate::app::{App, AppError};
use crate::domain::ticket::Status;

use crate::i18n::console::Ui;

use super::error::WebError;
use super::pages::{Layout, render};
use super::presence::Presence;
use super::session::{CurrentUser, Role};

#[derive(Template)]
#[template(path = "ticket.html")]
struct TicketTemplate {
    layout: Layout,
    t: TicketPage,
    others: Vec<(String, bool)>,
    reasons: &'static [(&'static str, &'static str)],
    statuses: Vec<(&'static str, &'static str)>,
    can_download: bool,
    can_mark_vip: bool,
    /// For presence.html, which is also rendered alone.
    ui: Ui,
}

impl TicketTemplate {
    fn when(&self, at: &chrono::NaiveDateTime) -> String {
        at.format("%Y-%m-%d %H:%M UTC").to_string()
    }
}

#[derive(Deserialize)]
pub struct PageParams {
    notice: Option<String>,
}

pub async fn show(
    app: web::Data<App>,
    presence: web::Data<Presence>,
    user: CurrentUser,
    number: web::Path<i64>,
    p: web::Query<PageParams>,
) -> Result<HttpResponse, WebError> {
    user.require(Role::Agent)?;
    let number = number.into_inner();
    let acting = user.acting();
    let page = web::block(move || review::page(&app, number, &acting)).await??;
    let others = presence.heartbeat(number, &user.id, &user.name, false);
    let statuses = [Status::WaitingOnCustomer, Status::Resolved, Status::Closed]
        .into_iter()
        .filter(|s| {
            crate::domain::ticket::apply(
                page.status,
                match s {
                    Status::WaitingOnCustomer => crate::domain::ticket::Transition::AwaitCustomer,
                    Status::Resolved => crate::domain::ticket::Transition::Resolve,
                    _ => crate::domain::ticket::Transition::Close,
                },
            )
            .is_ok()
        })
        .map(|s| (s.as_str(), s.label()))
        .collect();
    let layout = Layout::new(&user, "queue").with_notice(p.notice.as_deref());
    render(&TicketTemplate {
        ui: layout.ui,
        layout,
        t: page,
        others,
        reasons: review::REJECT_REASONS,
        statuses,
        can_download: user.role.allows(Role::Agent),
        can_mark_vip: user.role.allows(Role::Supervisor),
    })
}

#[derive(Template)]
#[template(path = "presence.html")]
struct PresencePartial {
    others: Vec<(String, bool)>,
    ui: Ui,
}

#[derive(Deserialize)]
pub struct PresenceParams {
    replying: Option<String>,
}

/// The htmx heartbeat: who else is here.
pub async fn presence(
    presence: web::Data<Presence>,
    user: CurrentUser,
    number: web::Path<i64>,
    p: web::Query<PresenceParams>,
) -> Result<HttpResponse, WebError> {
    let replying = p
        .replying
        .as_deref()
        .is_some_and(|v| !v.is_empty() && v != "0");
    render(&PresencePartial {
        ui: user.ui(),
        others: presence.heartbeat(number.into_inner(), &user.id, &user.name, replying),
    })
}

#[derive(Deserialize)]
pub struct ActionForm {
    csrf_token: String,
    draft_id: Option<String>,
    body: Option<String>,
    reason: Option<String>,
    assignee: Option<String>,
    status: Option<String>,
    vip: Option<String>,
    /// Set only by the composer (the edit form): the draft was opened before it was sent.
    composer: Option<String>,
    /// The queued send to undo.
    outbox_id: Option<String>,
    /// A participant's address.
    address: Option<String>,
}

fn back(number: i64, notice: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((
            header::LOCATION,
            format!("/tickets/{number}?notice={notice}"),
        ))
        .finish()
}

/// Runs one action; a lost race becomes the "someone else acted first" notice.
pub async fn act(
    app: web::Data<App>,
    user: CurrentUser,
    path: web::Path<(i64, String)>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, WebError> {
    user.require(Role::Agent)?;
    user.check_csrf(&form.csrf_token)?;
    let (number, action) = path.into_inner();
    // Marking a VIP changes how much is automated for that customer: a supervisor's call.
    if action == "vip" {
        user.require(Role::Supervisor)?;
    }
    let form = form.into_inner();
    let by = user.acting();
    let result = web::block(move || {
        let draft = form.draft_id.as_deref().unwrap_or_default();
        let body = form.body.as_deref().unwrap_or_default();
        match action.as_str() {
            "approve" => review::approve(&app, number, draft, &by),
            "send-edited" => review::edit_and_send(
                &app,
                number,
                draft,
                body,
                form.composer.as_deref() == Some("1"),
                &by,
            ),
            "undo" => review::undo(
                &app,
                number,
                form.outbox_id.as_deref().unwrap_or_default(),
                &by,
            ),
            "participant-add" => crate::app::participants::add(
                &app,
                number,
                form.address.as_deref().unwrap_or_default(),
                &by,
            )
            .map(|_| review::Done {
                notice: "participants",
            }),
            "participant-remove" => crate::app::participants::remove(
                &app,
                number,
                form.address.as_deref().unwrap_or_default(),
                &by,
            )
            .map(|_| review::Done {
                notice: "participants",
            }),
            "reject" => review::reject(
                &app,
                number,
                draft,
                form.reason.as_deref().unwrap_or_default(),
                &by,
            ),
            "take-over" => review::take_over(&app, number, &by),
            "reply" => review::reply(&app, number, body, &by),
            "note" => review::note(&app, number, body, &by),
            "assign" => review::assign(
                &app,
                number,
                form.assignee.as_deref().filter(|a| !a.is_empty()),
                &by,
            ),
            "status" => review::set_status(
                &app,
                number,
                form.status.as_deref().unwrap_or_default(),
                &by,
            ),
            "vip" => crate::app::customers::set_vip(
                &app,
                crate::app::customers::CustomerRef::OfTicket(number),
                form.vip.as_deref() == Some("1"),
                Some(&by),
            )
            .map(|_| review::Done { notice: "vip" }),
            other => Err(AppError::NotFound(format!("action {other}"))),
        }
    })
    .await?;
    match result {
        Ok(done) => Ok(back(number, done.notice)),
        Err(AppError::Conflict(_)) => Ok(back(number, "conflict")),
        Err(e) => Err(e.into()),
    }
}

/// Attachments download for agents only, never rendered inline.
pub async fn attachment(
    app: web::Data<App>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    user.require(Role::Agent)?;
    let by = user.acting();
    let a = web::block(move || review::attachment(&app, &id, &by)).await??;
    let safe_name: String = a
        .filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok(HttpResponse::Ok()
        .content_type("application/octet-stream")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{safe_name}\""),
        ))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(a.content))
}
