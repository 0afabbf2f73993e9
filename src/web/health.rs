//! `GET /healthz`: 200 when the database answers.

use actix_web::{HttpResponse, web};

use crate::app::App;

pub async fn healthz(app: web::Data<App>) -> HttpResponse {
    let result = web::block(move || -> Result<(), String> {
        let mut conn = app.conn().map_err(|e| e.to_string())?;
        crate::store::tickets::count_all(&mut conn)
            .map(|_| ())
            .map_err(|e| e.to_string())
    })
    .await;
    match result {
        Ok(Ok(())) => HttpResponse::Ok().content_type("text/plain").body("ok\n"),
        Ok(Err(e)) => HttpResponse::ServiceUnavailable()
            .content_type("text/plain")
            .body(format!("database unavailable: {e}\n")),
        Err(_) => HttpResponse::ServiceUnavailable().body("shutting down\n"),
    }
}
