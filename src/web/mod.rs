//! HTTP: the inbound endpoint, health and metrics, and the agent console. Handlers are
//! thin: they parse input, run the use case on the blocking pool, and render.

pub mod error;
pub mod health;
pub mod inbound;
pub mod metrics;
pub mod supervisor;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use actix_web::{App as HttpApp, HttpServer, web};

use crate::app::{self, App, AppError};

/// Registers every route; shared by `serve` and the in-process tests.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health::healthz))
        .route("/metrics", web::get().to(metrics::metrics))
        .route("/inbound/email", web::post().to(inbound::email))
        .configure(supervisor::routes);
}

/// Runs the server and the outbox worker until Ctrl-C.
pub fn serve(app: Arc<App>, demo: bool) -> Result<(), AppError> {
    {
        let mut conn = app.conn()?;
        let _ = demo;
        app.triage.engine(&mut conn)?;
    }
    let stop = Arc::new(AtomicBool::new(false));
    let worker = spawn_outbox_worker(app.clone(), stop.clone())?;
    let bind = app.config.bind.clone();
    tracing::info!(bind = %bind, store = %crate::store::DbTarget::parse(&app.config.database_url).map(|t| t.describe()).unwrap_or_default(), "serving");
    eprintln!("Tandem is running at {}", app.config.public_url);
    let data = web::Data::from(app.clone());
    let limit = app.config.max_message_bytes;
    let result = actix_web::rt::System::new().block_on(async move {
        HttpServer::new(move || {
            HttpApp::new()
                .app_data(data.clone())
                .app_data(web::PayloadConfig::new(limit + 1))
                .wrap(actix_web::middleware::from_fn(metrics::track))
                .configure(routes)
        })
        .bind(&bind)?
        .run()
        .await
    });
    stop.store(true, Ordering::SeqCst);
    let _ = worker.join();
    result.map_err(|e| AppError::Invalid(format!("cannot serve on {}: {e}", app.config.bind)))
}

/// Delivers the outbox in the background; several `serve` processes may run one each.
pub fn spawn_outbox_worker(
    app: Arc<App>,
    stop: Arc<AtomicBool>,
) -> Result<std::thread::JoinHandle<()>, AppError> {
    let transport = app::outbox::transport(&app).map_err(|e| AppError::Invalid(e.to_string()))?;
    tracing::info!(transport = %transport.describe(), "outbox worker started");
    let poll = Duration::from_millis(app.config.outbox_poll_ms.max(50));
    Ok(std::thread::spawn(move || {
        while !stop.load(Ordering::SeqCst) {
            match app::outbox::deliver_due(&app, &transport, 100) {
                Ok(round) if round.sent + round.retrying + round.failed > 0 => {
                    metrics::record_delivery(&round);
                    continue;
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "outbox worker: database unavailable"),
            }
            std::thread::sleep(poll);
        }
    }))
}
