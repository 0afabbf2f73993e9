//! `GET /healthz`: 200 when the database answers reads and accepts writes, 503 (with
//! `Retry-After`) otherwise, so a load balancer stops sending mail to a server that
//! could not store it.
//!
//! The read touches only the small settings table (never a count over tickets, which
//! grows with the backlog); the write is one row changed and rolled back, microseconds on
//! SQLite, so a probe every second costs the store nothing it would notice.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use crate::app::App;

pub async fn healthz(app: web::Data<App>) -> HttpResponse {
    let result = web::block(move || -> Result<(), String> {
        let mut conn = app.conn().map_err(|e| e.to_string())?;
        crate::store::settings::all(&mut conn).map_err(|e| e.to_string())?;
        crate::store::settings::probe_write(&mut conn).map_err(|e| format!("writes fail: {e}"))
    })
    .await;
    match result {
        Ok(Ok(())) => HttpResponse::Ok().content_type("text/plain").body("ok\n"),
        Ok(Err(e)) => HttpResponse::ServiceUnavailable()
            .content_type("text/plain")
            .insert_header((header::RETRY_AFTER, "5"))
            .body(format!("database unavailable: {e}\n")),
        Err(_) => HttpResponse::ServiceUnavailable().body("shutting down\n"),
    }
}
