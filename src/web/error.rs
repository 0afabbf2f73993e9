//! Maps errors to HTTP responses once: use-case errors by kind, auth errors by their own
//! rules (sign-in redirect, 403).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::app::AppError;
use crate::i18n::console::Ui;
use crate::store::StoreError;

use super::session::AuthError;

/// The error type every handler returns.
#[derive(Debug)]
pub enum WebError {
    App(AppError),
    Auth(AuthError),
}

impl std::fmt::Display for WebError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WebError::App(e) => e.fmt(f),
            WebError::Auth(e) => e.fmt(f),
        }
    }
}

impl<E: Into<AppError>> From<E> for WebError {
    fn from(e: E) -> Self {
        WebError::App(e.into())
    }
}

impl From<AuthError> for WebError {
    fn from(e: AuthError) -> Self {
        WebError::Auth(e)
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(_: actix_web::error::BlockingError) -> Self {
        AppError::Store(StoreError::Unavailable("worker pool shut down".into()))
    }
}

impl ResponseError for WebError {
    fn status_code(&self) -> StatusCode {
        match self {
            WebError::Auth(a) => a.status_code(),
            WebError::App(e) if e.is_temporary() => StatusCode::SERVICE_UNAVAILABLE,
            WebError::App(
                AppError::Malformed(_)
                | AppError::Invalid(_)
                | AppError::Illegal(_)
                | AppError::Unprocessable(_),
            ) => StatusCode::BAD_REQUEST,
            WebError::App(AppError::NotFound(_) | AppError::Store(StoreError::NotFound)) => {
                StatusCode::NOT_FOUND
            }
            WebError::App(AppError::Conflict(_) | AppError::Store(StoreError::Conflict(_))) => {
                StatusCode::CONFLICT
            }
            WebError::App(AppError::Forbidden) => StatusCode::FORBIDDEN,
            WebError::App(AppError::Refused(_)) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::App(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.page_in(Ui::default())
    }
}

impl WebError {
    /// The error's response, its page in the language of `ui` (see
    /// `pages::localize_errors`, which knows the signed-in person's).
    pub fn page_in(&self, ui: Ui) -> HttpResponse {
        if let WebError::Auth(a) = self {
            return a.error_response();
        }
        let status = self.status_code();
        if status.is_server_error() {
            tracing::error!(
                error = %crate::app::privacy::log_safe(&self.to_string()),
                "request failed"
            );
        }
        let message = if status == StatusCode::INTERNAL_SERVER_ERROR {
            "Internal error; the details are in the server log.".to_string()
        } else if status == StatusCode::SERVICE_UNAVAILABLE {
            format!("{self}. Try again in a moment.")
        } else {
            self.to_string()
        };
        let mut resp = super::pages::error_page_in(ui, status, &message);
        if status == StatusCode::SERVICE_UNAVAILABLE {
            resp.headers_mut().insert(
                actix_web::http::header::RETRY_AFTER,
                actix_web::http::header::HeaderValue::from_static("30"),
            );
        }
        resp
    }
}
