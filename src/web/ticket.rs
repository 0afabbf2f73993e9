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
    /// The view the agent came from (kept on the sending forms for "open next").
    view: String,
    /// The reply box's text: a saved reply with its placeholders filled.
    prefill: String,
    /// Names this reply form's send (see `review::reply`).
    send_key: String,
    /// A send on the ticket the console came from that can still be undone:
    /// (ticket number, outbox id, seconds left).
    previous_send: Option<(i64, String, i64)>,
    priorities: &'static [(&'static str, &'static str)],
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
    view: Option<String>,
    /// A saved reply to put in the reply box.
    reply: Option<String>,
    /// The ticket the console came from after a send.
    from: Option<i64>,
}

/// The view the agent works through: the one named in the address, else the queue view
/// they opened last (a cookie the queue sets).
fn current_view(req: &actix_web::HttpRequest, named: Option<&str>) -> String {
    let named = view_key(named);
    if !named.is_empty() {
        return named;
    }
    let cookie = req.cookie(super::queue::VIEW_COOKIE);
    view_key(cookie.as_ref().map(|c| c.value()))
}

/// A view key as it may travel in links (letters and `_` only).
fn view_key(v: Option<&str>) -> String {
    v.filter(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .unwrap_or_default()
        .to_string()
}

pub async fn show(
    req: actix_web::HttpRequest,
    app: web::Data<App>,
    presence: web::Data<Presence>,
    user: CurrentUser,
    number: web::Path<i64>,
    p: web::Query<PageParams>,
) -> Result<HttpResponse, WebError> {
    user.require(Role::Agent)?;
    let number = number.into_inner();
    let acting = user.acting();
    let view = current_view(&req, p.view.as_deref());
    let (reply, from, agent_id, agent_name) =
        (p.reply.clone(), p.from, user.id.clone(), user.name.clone());
    let view2 = view.clone();
    let (page, prefill, previous_send, next_in_view) = web::block(move || {
        let page = review::page(&app, number, &acting)?;
        let prefill = match reply.as_deref().filter(|r| !r.is_empty()) {
            Some(id) => crate::app::organize::filled_reply(&app, number, id, &agent_id, &agent_name)?,
            None => String::new(),
        };
        let previous_send = match from.filter(|f| *f != number) {
            Some(f) => review::undoable_send(&app, f)?.map(|(id, left)| (f, id, left)),
            None => None,
        };
        let next_in_view = if view2.is_empty() {
            None
        } else {
            crate::app::queue::next_in_view(&app, &agent_id, &view2, number)?
        };
        Ok::<_, AppError>((page, prefill, previous_send, next_in_view))
    })
    .await??;
    let mut page = page;
    if next_in_view.is_some() {
        page.next_ticket = next_in_view;
    }
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
        view,
        prefill,
        send_key: crate::store::new_id(),
        previous_send,
        priorities: crate::domain::organize::PRIORITIES,
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
    priority: Option<String>,
    tag: Option<String>,
    /// The ticket number to merge into.
    into: Option<String>,
    /// One per reply form shown: the same form sent twice sends once.
    send_key: Option<String>,
    /// The article to add the customer's words to.
    article_id: Option<String>,
}

#[derive(Deserialize)]
pub struct ActParams {
    /// The view the agent works through ("open next"); on the form's address.
    view: Option<String>,
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
    req: actix_web::HttpRequest,
    app: web::Data<App>,
    user: CurrentUser,
    path: web::Path<(i64, String)>,
    q: web::Query<ActParams>,
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
    let view = current_view(&req, q.view.as_deref());
    let sends = matches!(action.as_str(), "approve" | "send-edited" | "reply");
    let (app2, user_id) = (app.clone(), user.id.clone());
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
            "reply" => review::reply(&app, number, body, form.send_key.as_deref(), &by),
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
            "priority" => crate::app::organize::set_priority(
                &app,
                number,
                form.priority.as_deref().unwrap_or_default(),
                &by,
            ),
            "tag-add" => crate::app::organize::add_tag(
                &app,
                number,
                form.tag.as_deref().unwrap_or_default(),
                &by,
            ),
            "tag-remove" => crate::app::organize::remove_tag(
                &app,
                number,
                form.tag.as_deref().unwrap_or_default(),
                &by,
            ),
            "merge" => {
                let into = form
                    .into
                    .as_deref()
                    .map(|s| s.trim().trim_start_matches('#'))
                    .and_then(|s| s.parse::<i64>().ok())
                    .ok_or_else(|| AppError::Invalid("give the number of the ticket to merge into".into()))?;
                crate::app::organize::merge(&app, number, into, &by)
            }
            "customer-merge" => crate::app::customers::merge_into_ticket_customer(
                &app,
                number,
                form.address.as_deref().unwrap_or_default(),
                &by,
            )
            .map(|_| review::Done { notice: "customer_merged" }),
            "customer-split" => crate::app::customers::split_from_ticket_customer(
                &app,
                number,
                form.address.as_deref().unwrap_or_default(),
                &by,
            )
            .map(|_| review::Done { notice: "customer_split" }),
            "add-example" => crate::app::kb::add_example_from_ticket(
                &app,
                number,
                form.article_id.as_deref().unwrap_or_default(),
                &by,
            )
            .map(|_| review::Done {
                notice: "example_added",
            }),
            other => Err(AppError::NotFound(format!("action {other}"))),
        }
    })
    .await?;
    match result {
        Ok(done) if sends && user.open_next => {
            let next = web::block(move || {
                crate::app::queue::next_in_view(&app2, &user_id, &view, number).map(|n| (n, view))
            })
            .await??;
            Ok(match next {
                (Some(n), view) => HttpResponse::SeeOther()
                    .insert_header((
                        header::LOCATION,
                        format!("/tickets/{n}?notice=sent_next&from={number}&view={view}"),
                    ))
                    .finish(),
                (None, _) => back(number, done.notice),
            })
        }
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

#[derive(Deserialize)]
pub struct SplitForm {
    csrf_token: String,
    message_id: String,
}

/// `POST /tickets/{number}/split`: one customer message becomes a ticket of its own;
/// the agent lands on it.
pub async fn split(
    app: web::Data<App>,
    user: CurrentUser,
    number: web::Path<i64>,
    form: web::Form<SplitForm>,
) -> Result<HttpResponse, WebError> {
    user.require(Role::Agent)?;
    user.check_csrf(&form.csrf_token)?;
    let (number, by, message) = (number.into_inner(), user.acting(), form.message_id.clone());
    let new = web::block(move || crate::app::organize::split(&app, number, &message, &by)).await??;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/tickets/{new}?notice=split")))
        .finish())
}
