//! `GET /queue`: the agent queue. With `HX-Request` (htmx polling) only the results part
//! is returned, so new tickets appear without a reload.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::App;
use crate::app::queue::{self, QueueQuery, QueueView};

use super::error::WebError;
use super::pages::{Layout, render};
use super::session::CurrentUser;

#[derive(Deserialize, Default)]
pub struct QueueParams {
    view: Option<String>,
    intent: Option<String>,
    language: Option<String>,
    channel: Option<String>,
    assignee: Option<String>,
    q: Option<String>,
    page: Option<i64>,
    notice: Option<String>,
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
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                parts.push(format!("{k}={}", super::session::urlencode(v)));
            }
        }
        parts.join("&")
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
}

#[derive(Template)]
#[template(path = "queue_results.html")]
struct QueueResults {
    q: QueueView,
    query: String,
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
        search: p.q.clone(),
        page: p.page.unwrap_or(1),
    };
    let user_id = user.id.clone();
    let view = web::block(move || queue::load(&app, &user_id, &query)).await??;
    if req.headers().contains_key("HX-Request") {
        return render(&QueueResults {
            q: view,
            query: p.base_query(),
        });
    }
    render(&QueuePage {
        layout: Layout::new(&user, "queue").with_notice(p.notice.as_deref()),
        query: p.base_query(),
        search: p.q.clone().unwrap_or_default(),
        intent: p.intent.clone().unwrap_or_default(),
        language: p.language.clone().unwrap_or_default(),
        assignee: p.assignee.clone().unwrap_or_default(),
        q: view,
    })
}
