//! Maps use-case errors to HTTP responses once.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::app::AppError;
use crate::store::StoreError;

/// The error type every handler returns.
#[derive(Debug)]
pub struct WebError(pub AppError);

impl std::fmt::Display for WebError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl<E: Into<AppError>> From<E> for WebError {
    fn from(e: E) -> Self {
        WebError(e.into())
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(_: actix_web::error::BlockingError) -> Self {
        AppError::Store(StoreError::Unavailable("worker pool shut down".into()))
    }
}

impl ResponseError for WebError {
    fn status_code(&self) -> StatusCode {
        match &self.0 {
            e if e.is_temporary() => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Malformed(_) | AppError::Invalid(_) | AppError::Illegal(_) => {
                StatusCode::BAD_REQUEST
            }
            AppError::NotFound(_) | AppError::Store(StoreError::NotFound) => StatusCode::NOT_FOUND,
            AppError::Conflict(_) | AppError::Store(StoreError::Conflict(_)) => {
                StatusCode::CONFLICT
            }
            AppError::Forbidden => StatusCode::FORBIDDEN,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if status.is_server_error() {
            tracing::error!(error = %self.0, "request failed");
        }
        let message = if status == StatusCode::INTERNAL_SERVER_ERROR {
            "internal error; the details are in the server log".to_string()
        } else {
            self.0.to_string()
        };
        let mut resp = HttpResponse::build(status);
        if status == StatusCode::SERVICE_UNAVAILABLE {
            resp.insert_header(("Retry-After", "30"));
        }
        resp.content_type("text/plain; charset=utf-8")
            .body(message + "\n")
    }
}
