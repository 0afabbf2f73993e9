//! `GET /queue`: the agent queue. With `HX-Request` (htmx polling) only the results part
//! is returned, so new tickets appear without a reload. `/queue?view=automated` lists the
//! automated answers, where a supervisor marks a wrong one
//! (`POST /queue/automated/{draft}/wrong`).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::App;
use crate::app::queue::{self, QueueQuery, QueueView};

use crate::i18n::console::Ui;

use super::error::WebError;
use super::pages::{Layout, render};
use super::session::{CurrentUser, Role};

#[derive(Deserialize, Default)]
pub struct QueueParams {
    view: Option<String>,
    intent: Option<String>,
    language: Option<String>,
    channel: Option<String>,
    assignee: Option<String>,
    q: Option<String>,
    band: Option<String>,
    tag: Option<String>,
    priority: Option<String>,
    page: Option<i64>,
    notice: Option<String>,
    /// After a bulk action: how many changed, and the numbers left as they were
    /// (`1001.1002`).
    done: Option<usize>,
    skipped: Option<String>,
}

impl QueueParams {
    /// The query string without the page and notice, to build page links and polls.
    fn base_query(&self) -> String {
        let mut parts = Vec::new();
        for (k, v) in [
            ("view", &self.view),
            ("intent", &self.intent),
            ("language", &self.language),
            ("channel", &self.channel),
            ("assignee", &self.assignee),
            ("q", &self.q),
            ("band", &self.band),
            ("tag", &self.tag),
            ("priority", &self.priority),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                parts.push(format!("{k}={}", super::session::urlencode(v)));
            }
        }
        parts.join("&")
    }

    /// Whether a search or a filter narrows the view (an empty result then says that
    /// nothing matched, not that nothing waits).
    fn narrowed(&self) -> bool {
        [
            &self.intent,
            &self.language,
            &self.channel,
            &self.assignee,
            &self.q,
            &self.band,
            &self.tag,
            &self.priority,
        ]
        .iter()
        .any(|v| v.as_deref().is_some_and(|v| !v.trim().is_empty()))
    }
}

#[derive(Template)]
#[template(path = "queue.html")]
struct QueuePage {
    layout: Layout,
    q: QueueView,
    query: String,
    search: String,
    intent: String,
    language: String,
    assignee: String,
    channel: String,
    band: String,
    bands: &'static [(&'static str, &'static str, f64, f64)],
    can_mark: bool,
    csrf: String,
    tag: String,
    priority: String,
    priorities: &'static [(&'static str, &'static str)],
    /// A bulk action's report: changed, and the tickets left as they were.
    bulk: Option<(usize, Vec<i64>)>,
    /// For queue_results.html, which is also rendered alone.
    ui: Ui,
    narrowed: bool,
}

#[derive(Template)]
#[template(path = "queue_results.html")]
struct QueueResults {
    q: QueueView,
    query: String,
    can_mark: bool,
    csrf: String,
    ui: Ui,
    narrowed: bool,
}

pub async fn queue(
    app: web::Data<App>,
    req: HttpRequest,
    user: CurrentUser,
    p: web::Query<QueueParams>,
) -> Result<HttpResponse, WebError> {
    let p = p.into_inner();
    let query = QueueQuery {
        view: p.view.clone().unwrap_or_default(),
        intent: p.intent.clone(),
        language: p.language.clone(),
        channel: p.channel.clone(),
        assignee: p.assignee.clone(),
        tag: p.tag.clone(),
        priority: p.priority.clone(),
        search: p.q.clone(),
        band: p.band.clone(),
        page: p.page.unwrap_or(1),
    };
    let user_id = user.id.clone();
    let view = web::block(move || queue::load(&app, &user_id, &query)).await??;
    let view_key = view.view.to_string();
    if req.headers().contains_key("HX-Request") {
        return render(&QueueResults {
            q: view,
            query: p.base_query(),
            can_mark: user.role.allows(Role::Supervisor),
            csrf: user.csrf_token.clone(),
            ui: user.ui(),
            narrowed: p.narrowed(),
        });
    }
    let layout = Layout::new(&user, "queue").with_notice(p.notice.as_deref());
    let mut resp = render(&QueuePage {
        ui: layout.ui,
        layout,
        query: p.base_query(),
        narrowed: p.narrowed(),
        search: p.q.clone().unwrap_or_default(),
        intent: p.intent.clone().unwrap_or_default(),
        language: p.language.clone().unwrap_or_default(),
        assignee: p.assignee.clone().unwrap_or_default(),
        channel: p.channel.clone().unwrap_or_default(),
        band: p.band.clone().unwrap_or_default(),
        bands: queue::BANDS,
        can_mark: user.role.allows(Role::Supervisor),
        csrf: user.csrf_token.clone(),
        tag: p.tag.clone().unwrap_or_default(),
        priority: p.priority.clone().unwrap_or_default(),
        priorities: crate::domain::organize::PRIORITIES,
        bulk: p.done.map(|done| {
            let skipped = p
                .skipped
                .as_deref()
                .unwrap_or_default()
                .split('.')
                .filter_map(|n| n.parse().ok())
                .collect();
            (done, skipped)
        }),
        q: view,
    })?;
    // The view the agent works through: "open the next ticket after sending" continues
    // in it (the ticket links stay plain `/tickets/N`).
    let _ = resp.add_cookie(
        &actix_web::cookie::Cookie::build(VIEW_COOKIE, view_key)
            .path("/")
            .http_only(true)
            .same_site(actix_web::cookie::SameSite::Lax)
            .finish(),
    );
    Ok(resp)
}

/// The cookie that remembers the queue view last opened.
pub const VIEW_COOKIE: &str = "tandem_view";

#[derive(Deserialize)]
pub struct BulkForm {
    csrf_token: String,
    action: String,
    #[serde(default)]
    tag: String,
    back: Option<String>,
}

/// `POST /queue/bulk`: one action (assign, status, tag) on the ticked tickets, each
/// audited as if done on its page. The form repeats `tickets`, so it is read by hand.
pub async fn bulk(
    app: web::Data<App>,
    user: CurrentUser,
    pairs: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, WebError> {
    use crate::app::organize::{self, Bulk};
    user.require(Role::Agent)?;
    let pairs = pairs.into_inner();
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let form = BulkForm {
        csrf_token: get("csrf_token").unwrap_or_default(),
        action: get("action").unwrap_or_default(),
        tag: get("tag").unwrap_or_default(),
        back: get("back"),
    };
    user.check_csrf(&form.csrf_token)?;
    let numbers: Vec<i64> = pairs
        .iter()
        .filter(|(n, _)| n == "tickets")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let action = match form.action.split_once(':') {
        Some(("assign", who)) => Bulk::Assign(Some(who.to_string()).filter(|w| !w.is_empty())),
        Some(("status", s)) => Bulk::Status(s.to_string()),
        None if form.action == "tag" => Bulk::Tag(form.tag.clone()),
        _ => return Err(crate::app::AppError::Invalid("choose what to do with the tickets".into()).into()),
    };
    let by = user.acting();
    let report = web::block(move || organize::bulk(&app, &numbers, &action, &by)).await??;
    let back = form
        .back
        .as_deref()
        .filter(|b| b.starts_with("/queue?") && !b.contains("//"))
        .unwrap_or("/queue?");
    let skipped: Vec<String> = report.skipped.iter().map(|(n, _)| n.to_string()).collect();
    Ok(HttpResponse::SeeOther()
        .insert_header((
            header::LOCATION,
            format!(
                "{back}&done={}&skipped={}",
                report.done,
                skipped.join(".")
            ),
        ))
        .finish())
}

#[derive(Deserialize)]
pub struct MarkForm {
    csrf_token: String,
    /// Where to return (the view with its filters); only a `/queue` path is followed.
    back: Option<String>,
}

/// `POST /queue/automated/{draft}/wrong`: a supervisor marks an automated answer wrong.
pub async fn mark_wrong(
    app: web::Data<App>,
    user: CurrentUser,
    draft: web::Path<String>,
    form: web::Form<MarkForm>,
) -> Result<HttpResponse, WebError> {
    user.require(Role::Supervisor)?;
    user.check_csrf(&form.csrf_token)?;
    let acting = user.acting();
    let draft = draft.into_inner();
    web::block(move || queue::mark_wrong(&app, &draft, &acting)).await??;
    let back = form
        .back
        .as_deref()
        .filter(|b| b.starts_with("/queue?") && !b.contains("//"))
        .unwrap_or("/queue?view=automated");
    let sep = if back.contains('?') { '&' } else { '?' };
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("{back}{sep}notice=marked_wrong")))
        .finish())
}
