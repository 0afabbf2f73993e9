//! `/supervisor/wording`: supervisors edit what Tandem says to customers, per language,
//! as Fluent messages that override the built-in catalogue (`i18n/`). Supervisors and
//! admins only.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::{App, AppError};

use super::error::WebError;
use super::pages::{Layout, render};
use super::session::{CurrentUser, Role};

/// Registers the wording page.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/supervisor/wording", web::get().to(page))
        .route("/supervisor/wording", web::post().to(save));
}

type Reply = Result<HttpResponse, WebError>;

#[derive(Template)]
#[template(path = "supervisor_wording.html")]
struct WordingPage {
    layout: Layout,
    languages: Vec<LangLink>,
    language: String,
    catalogue: String,
    overrides: String,
    error: Option<String>,
}

/// A language in the page's language list.
struct LangLink {
    code: &'static str,
    current: bool,
}

fn links(current: &str) -> Vec<LangLink> {
    crate::i18n::languages()
        .into_iter()
        .map(|code| LangLink {
            code,
            current: code == current,
        })
        .collect()
}

#[derive(Deserialize)]
struct LangQuery {
    lang: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize)]
struct WordingForm {
    csrf_token: String,
    lang: String,
    overrides: String,
}

async fn page(app: web::Data<App>, user: CurrentUser, q: web::Query<LangQuery>) -> Reply {
    user.require(Role::Supervisor)?;
    let language = crate::i18n::resolve(q.lang.as_deref().unwrap_or("en")).to_string();
    let lang = language.clone();
    let (catalogue, overrides) = web::block(move || crate::app::wording::overrides(&app, &lang))
        .await
        .map_err(AppError::from)??;
    render(&WordingPage {
        layout: Layout::new(&user, "supervisor").with_notice(q.notice.as_deref()),
        languages: links(&language),
        language,
        catalogue,
        overrides,
        error: None,
    })
}

async fn save(app: web::Data<App>, user: CurrentUser, form: web::Form<WordingForm>) -> Reply {
    user.require(Role::Supervisor)?;
    user.check_csrf(&form.csrf_token)?;
    let form = form.into_inner();
    let language = crate::i18n::resolve(&form.lang).to_string();
    let (lang, text) = (language.clone(), form.overrides.clone());
    let app2 = app.clone();
    let outcome = web::block(move || crate::app::wording::save_overrides(&app2, &lang, &text))
        .await
        .map_err(AppError::from)??;
    match outcome {
        Ok(()) => Ok(HttpResponse::SeeOther()
            .insert_header((
                header::LOCATION,
                format!("/supervisor/wording?lang={language}&notice=settings_saved"),
            ))
            .finish()),
        Err(e) => {
            let lang = language.clone();
            let (catalogue, _) = web::block(move || crate::app::wording::overrides(&app, &lang))
                .await
                .map_err(AppError::from)??;
            let mut resp = render(&WordingPage {
                layout: Layout::new(&user, "supervisor"),
                languages: links(&language),
                language,
                catalogue,
                overrides: form.overrides,
                error: Some(e.to_string()),
            })?;
            *resp.status_mut() = actix_web::http::StatusCode::BAD_REQUEST;
            Ok(resp)
        }
    }
}
