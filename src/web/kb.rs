//! The knowledge base in the console: `/kb` lists and searches the articles, `/kb/new`
//! and `/kb/{id}` create and edit them (Markdown, per language, example questions),
//! with every version kept. Any agent may edit: the person who sees a wrong draft is the
//! one who can fix its article.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::kb::{self as kb_app, ArticleForm};
use crate::app::{App, AppError};
use crate::store::kb::{Article, ArticleVersion};

use super::error::WebError;
use super::pages::{Layout, render};
use super::session::{CurrentUser, Role};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/kb", web::get().to(list))
        .route("/kb", web::post().to(create))
        .route("/kb/new", web::get().to(new_form))
        .route("/kb/{id}", web::get().to(show))
        .route("/kb/{id}", web::post().to(save));
}

#[derive(Template)]
#[template(path = "kb_list.html")]
struct ListPage {
    layout: Layout,
    articles: Vec<Article>,
    total: i64,
    page: i64,
    pages: i64,
    q: String,
    language: String,
}

impl ListPage {
    fn questions(&self, a: &Article) -> usize {
        kb_app::questions_of(a).len()
    }

    /// The query string of another page of the same list.
    fn page_link(&self, page: i64) -> String {
        let mut s = format!("/kb?page={page}");
        for (k, v) in [("q", &self.q), ("language", &self.language)] {
            if !v.is_empty() {
                s.push_str(&format!("&{k}={}", urlencode(v)));
            }
        }
        s
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[derive(Deserialize)]
pub struct ListParams {
    q: Option<String>,
    language: Option<String>,
    page: Option<i64>,
    notice: Option<String>,
}

pub async fn list(
    app: web::Data<App>,
    user: CurrentUser,
    p: web::Query<ListParams>,
) -> Result<HttpResponse, WebError> {
    user.require(Role::Agent)?;
    let q = p.q.clone().unwrap_or_default();
    let language = p.language.clone().unwrap_or_default().trim().to_lowercase();
    let requested = p.page.unwrap_or(1).max(1);
    let (q2, l2) = (q.clone(), language.clone());
    let (articles, total) = web::block(move || {
        kb_app::list(
            &app,
            Some(q2.as_str()),
            Some(l2.as_str()).filter(|l| !l.is_empty()),
            requested,
        )
    })
    .await??;
    let pages = ((total + kb_app::KB_PAGE_SIZE - 1) / kb_app::KB_PAGE_SIZE).max(1);
    render(&ListPage {
        layout: Layout::new(&user, "kb").with_notice(p.notice.as_deref()),
        articles,
        total,
        page: requested.min(pages),
        pages,
        q,
        language,
    })
}

#[derive(Template)]
#[template(path = "kb_edit.html")]
struct EditPage {
    layout: Layout,
    /// `None` for a new article.
    id: Option<String>,
    version: i32,
    form: ArticleFields,
    preview: String,
    versions: Vec<(ArticleVersion, Option<String>)>,
    error: Option<String>,
}

impl EditPage {
    fn when(&self, at: &chrono::NaiveDateTime) -> String {
        at.format("%Y-%m-%d %H:%M UTC").to_string()
    }
}

/// The form's fields as posted (and shown again after an error).
#[derive(Deserialize, Default, Clone)]
pub struct ArticleFields {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    intent: String,
    #[serde(default)]
    questions: String,
    #[serde(default)]
    version: i32,
}

impl ArticleFields {
    fn to_form(&self) -> ArticleForm {
        ArticleForm {
            title: self.title.clone(),
            body: self.body.clone(),
            language: self.language.clone(),
            intent: self.intent.clone(),
            questions: self.questions.clone(),
        }
    }

    fn of(a: &Article) -> ArticleFields {
        ArticleFields {
            csrf_token: String::new(),
            title: a.title.clone(),
            body: a.body.clone(),
            language: a.language.clone(),
            intent: a.intent.clone(),
            questions: kb_app::questions_of(a).join("\n"),
            version: a.version,
        }
    }
}

fn edit_page(
    user: &CurrentUser,
    id: Option<String>,
    form: ArticleFields,
    versions: Vec<(ArticleVersion, Option<String>)>,
    notice: Option<&str>,
    error: Option<String>,
) -> Result<HttpResponse, WebError> {
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let mut resp = render(&EditPage {
        layout: Layout::new(user, "kb").with_notice(notice),
        version: form.version,
        preview: crate::mail::markdown::to_safe_html(&form.body),
        id,
        form,
        versions,
        error,
    })?;
    *resp.status_mut() = status;
    Ok(resp)
}

#[derive(Deserialize)]
pub struct NewParams {
    intent: Option<String>,
    language: Option<String>,
}

pub async fn new_form(user: CurrentUser, p: web::Query<NewParams>) -> Result<HttpResponse, WebError> {
    user.require(Role::Agent)?;
    let form = ArticleFields {
        intent: p.intent.clone().unwrap_or_default(),
        language: p.language.clone().unwrap_or_else(|| "en".into()),
        ..ArticleFields::default()
    };
    edit_page(&user, None, form, Vec::new(), None, None)
}

pub async fn create(
    app: web::Data<App>,
    user: CurrentUser,
    form: web::Form<ArticleFields>,
) -> Result<HttpResponse, WebError> {
    user.require(Role::Agent)?;
    user.check_csrf(&form.csrf_token)?;
    let fields = form.into_inner();
    let (input, by) = (fields.to_form(), user.acting());
    match web::block(move || kb_app::create(&app, &input, &by)).await? {
        Ok(id) => Ok(see_other(&format!("/kb/{id}?notice=kb_created"))),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            edit_page(&user, None, fields, Vec::new(), None, Some(e.to_string()))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct ShowParams {
    notice: Option<String>,
}

pub async fn show(
    app: web::Data<App>,
    user: CurrentUser,
    id: web::Path<String>,
    p: web::Query<ShowParams>,
) -> Result<HttpResponse, WebError> {
    user.require(Role::Agent)?;
    let id = id.into_inner();
    let (a, versions) = web::block(move || kb_app::article(&app, &id)).await??;
    edit_page(
        &user,
        Some(a.id.clone()),
        ArticleFields::of(&a),
        versions,
        p.notice.as_deref(),
        None,
    )
}

pub async fn save(
    app: web::Data<App>,
    user: CurrentUser,
    id: web::Path<String>,
    form: web::Form<ArticleFields>,
) -> Result<HttpResponse, WebError> {
    user.require(Role::Agent)?;
    user.check_csrf(&form.csrf_token)?;
    let id = id.into_inner();
    let fields = form.into_inner();
    let (input, by, version) = (fields.to_form(), user.acting(), fields.version);
    let (app2, id2) = (app.clone(), id.clone());
    match web::block(move || kb_app::save(&app2, &id2, version, &input, &by)).await? {
        Ok(_) => Ok(see_other(&format!("/kb/{id}?notice=kb_saved"))),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            // The agent's text is shown again, beside the versions (someone else's
            // newer one among them), and nothing is overwritten.
            let id3 = id.clone();
            let (_, versions) = web::block(move || kb_app::article(&app, &id3)).await??;
            let conflict = matches!(e, AppError::Conflict(_));
            let message = match e {
                AppError::Conflict(m) => format!(
                    "{m}. Your text is below, not saved: compare it with the newest version and save again."
                ),
                other => other.to_string(),
            };
            let mut resp = edit_page(&user, Some(id), fields, versions, None, Some(message))?;
            if conflict {
                *resp.status_mut() = StatusCode::CONFLICT;
            }
            Ok(resp)
        }
        Err(e) => Err(e.into()),
    }
}

fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to.to_string()))
        .finish()
}
