//! HTTP: the inbound endpoint, health and metrics, and the agent console. Handlers are
//! thin: they parse input, run the use case on the blocking pool, and render.

pub mod account;
pub mod api;
pub mod assets;
pub mod auth;
pub mod channels;
pub mod contact;
pub mod error;
pub mod failed_mail;
pub mod health;
pub mod inbound;
pub mod kb;
pub mod metrics;
pub mod pages;
pub mod presence;
pub mod privacy;
pub mod queue;
pub mod replies;
pub mod session;
pub mod supervisor;
pub mod ticket;
pub mod users;
pub mod wording;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use actix_web::http::header;
use actix_web::{App as HttpApp, HttpResponse, HttpServer, web};

use crate::app::{self, App, AppError};

/// Registers every route; shared by `serve` and the in-process tests.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/",
        web::get().to(|| async {
            HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/queue"))
                .finish()
        }),
    )
    .route("/login", web::get().to(auth::login_form))
    .route("/login", web::post().to(auth::login))
    .route("/logout", web::post().to(auth::logout))
    .route("/login/code", web::get().to(account::code_form))
    .route("/login/code", web::post().to(account::code))
    .route("/forgot", web::get().to(account::forgot_form))
    .route("/forgot", web::post().to(account::forgot))
    .route("/reset/{token}", web::get().to(account::reset_form))
    .route("/reset/{token}", web::post().to(account::reset))
    .route("/account", web::get().to(account::show))
    .route("/account/keys", web::post().to(account::set_keys))
    .route("/account/language", web::post().to(account::set_language))
    .route(
        "/account/password",
        web::post().to(account::change_password),
    )
    .route(
        "/account/two-factor",
        web::get().to(account::two_factor_form),
    )
    .route(
        "/account/two-factor",
        web::post().to(account::two_factor_enable),
    )
    .route(
        "/account/two-factor/off",
        web::post().to(account::two_factor_disable),
    )
    .route("/setup/{token}", web::get().to(auth::setup_form))
    .route("/setup/{token}", web::post().to(auth::setup))
    .route("/queue", web::get().to(queue::queue))
    .route(
        "/queue/automated/{draft}/wrong",
        web::post().to(queue::mark_wrong),
    )
    .route("/queue/bulk", web::post().to(queue::bulk))
    .route("/tickets/{number}", web::get().to(ticket::show))
    .route(
        "/tickets/{number}/presence",
        web::get().to(ticket::presence),
    )
    .route("/tickets/{number}/split", web::post().to(ticket::split))
    .route("/tickets/{number}/{action}", web::post().to(ticket::act))
    .route("/attachments/{id}", web::get().to(ticket::attachment))
    .route("/admin/users", web::get().to(users::list))
    .route("/admin/users", web::post().to(users::create))
    .route("/admin/users/{id}", web::post().to(users::update))
    .route("/admin/users/{id}/reset", web::post().to(users::send_reset))
    .route(
        "/admin/users/{id}/two-factor-off",
        web::post().to(users::two_factor_off),
    )
    .route("/admin/audit", web::get().to(users::audit))
    .route("/admin/audit.csv", web::get().to(users::audit_csv))
    .route("/admin/failed-mail", web::get().to(failed_mail::list))
    .route("/static/{name}", web::get().to(assets::asset))
    .route(
        "/favicon.ico",
        web::get().to(|| async { HttpResponse::NoContent().finish() }),
    )
    .route("/healthz", web::get().to(health::healthz))
    .route("/metrics", web::get().to(metrics::metrics))
    .route("/inbound/email", web::post().to(inbound::email))
    .route("/inbound/hello", web::get().to(inbound::hello))
    .configure(kb::routes)
    .configure(channels::routes)
    .configure(api::routes)
    .configure(contact::routes)
    .configure(replies::routes)
    .configure(privacy::routes)
    .configure(supervisor::routes)
    .configure(wording::routes);
}

/// Runs the server, the outbox worker and the retrain worker until Ctrl-C.
pub fn serve(app: Arc<App>, demo: bool) -> Result<(), AppError> {
    // Shown once the port is bound, with the rest of what `serve` announces.
    let demo_report = if demo {
        Some(app::demo::load(&app)?.unwrap_or_else(|| {
            "tandem: the database has tickets already; --demo loads sample data only into an empty one".into()
        }))
    } else {
        None
    };
    {
        let mut conn = app.conn()?;
        app.triage.engine(&mut conn)?;
    }
    let bind = app.config.bind.clone();
    let data = web::Data::from(app.clone());
    let presence = web::Data::new(presence::Presence::default());
    let limit = app.config.max_message_bytes;
    // One gate for every worker: it bounds the inbound bodies held at once.
    let gate = web::Data::new(inbound::InboundGate::default());
    let stop = Arc::new(AtomicBool::new(false));
    let (app2, stop2) = (app.clone(), stop.clone());
    let result = actix_web::rt::System::new().block_on(async move {
        let server = HttpServer::new(move || {
            HttpApp::new()
                .app_data(data.clone())
                .app_data(presence.clone())
                .app_data(gate.clone())
                .app_data(web::PayloadConfig::new(limit + 1))
                .app_data(web::FormConfig::default().limit(1024 * 1024))
                .wrap(actix_web::middleware::from_fn(pages::localize_errors))
                .wrap(pages::security_headers())
                .wrap(actix_web::middleware::from_fn(metrics::track))
                .configure(routes)
        })
        // Headers must arrive promptly and a closing client must go; bodies have their
        // own deadline (the inbound gate's).
        .client_request_timeout(Duration::from_secs(10))
        .client_disconnect_timeout(Duration::from_secs(5))
        .keep_alive(Duration::from_secs(30))
        // Bound before anything is announced: when the port is taken, `serve` fails here
        // and prints no link that would lead nowhere.
        .bind(&bind)
        .map_err(|e| ServeError::Bind(bind.clone(), e))?;
        let workers = [
            spawn_outbox_worker(app2.clone(), stop2.clone()).map_err(ServeError::App)?,
            spawn_retrain_worker(app2.clone(), stop2.clone()),
            spawn_retention_worker(app2.clone(), stop2.clone()),
            spawn_backlog_worker(app2.clone(), stop2.clone()),
            spawn_upkeep_worker(app2.clone(), stop2.clone()),
            spawn_imap_worker(app2.clone(), stop2.clone()),
        ];
        if let Some(report) = demo_report {
            eprintln!("{report}");
        }
        tracing::info!(bind = %bind, store = %crate::store::DbTarget::parse(&app2.config.database_url).map(|t| t.describe()).unwrap_or_default(), "serving");
        eprintln!(
            "Tandem is running at {} (Ctrl-C stops it)",
            app2.config.public_url
        );
        if let Some(token) = app::auth::setup_token_if_needed(&app2).map_err(ServeError::App)? {
            eprintln!(
                "\nNo users yet. Open this one-time link to create the first admin:\n\n    {}/setup/{token}\n",
                app2.config.public_url.trim_end_matches('/')
            );
        }
        let ran = server.run().await.map_err(ServeError::Run);
        stop2.store(true, Ordering::SeqCst);
        for w in workers {
            let _ = w.join();
        }
        ran
    });
    stop.store(true, Ordering::SeqCst);
    result.map_err(|e| match e {
        ServeError::Bind(bind, e) => AppError::Invalid(format!(
            "cannot listen on {bind}: {e}. Another program (perhaps another `tandem serve`) \
             may be using it; stop it, or set TANDEM_BIND to another address (and \
             TANDEM_PUBLIC_URL to match)."
        )),
        ServeError::Run(e) => AppError::Invalid(format!("server stopped: {e}")),
        ServeError::App(e) => e,
    })
}

/// Why `serve` ended with an error.
enum ServeError {
    Bind(String, std::io::Error),
    Run(std::io::Error),
    App(AppError),
}

/// Says this server is alive (a heartbeat row `ingest-mail` looks for), processes the
/// mail `ingest-mail` queued for it (several servers on one PostgreSQL share the queue),
/// folds PostgreSQL's ticket-count deltas every second, so reading the counts stays cheap,
/// indexes the messages still queued for SQLite's full-text search every second,
/// checkpoints SQLite's write-ahead log five times a second for the ingest writer, and
/// once a minute queues mail stored but left unfinished (`ingest_batch::queue_stranded`).
pub fn spawn_backlog_worker(app: Arc<App>, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let id = crate::store::new_id();
        let host = std::env::var("HOSTNAME").unwrap_or_default();
        let mut last_beat: Option<std::time::Instant> = None;
        let mut last_fold: Option<std::time::Instant> = None;
        let mut last_checkpoint: Option<std::time::Instant> = None;
        let mut last_sweep: Option<std::time::Instant> = None;
        while !stop.load(Ordering::SeqCst) {
            if last_sweep.is_none_or(|t| t.elapsed() >= Duration::from_secs(60)) {
                last_sweep = Some(std::time::Instant::now());
                if let Err(e) = app::ingest_batch::queue_stranded(&app) {
                    tracing::warn!(error = %e, "looking for unfinished mail failed; will try again");
                }
            }
            if last_checkpoint.is_none_or(|t| t.elapsed() >= Duration::from_millis(200)) {
                last_checkpoint = Some(std::time::Instant::now());
                if let Err(e) = app::ingest_batch::checkpoint(&app) {
                    tracing::warn!(error = %e, "checkpoint of the write-ahead log failed; will try again");
                }
            }
            if last_beat.is_none_or(|t| t.elapsed() >= Duration::from_secs(2)) {
                match app::ingest_batch::beat(&app, &id, &host) {
                    Ok(()) => last_beat = Some(std::time::Instant::now()),
                    Err(e) => tracing::warn!(error = %e, "heartbeat failed; will try again"),
                }
            }
            if last_fold.is_none_or(|t| t.elapsed() >= Duration::from_secs(1)) {
                last_fold = Some(std::time::Instant::now());
                if let Err(e) = app::queue::fold_counts(&app) {
                    tracing::warn!(error = %e, "folding ticket counts failed; will try again");
                }
                if let Err(e) = app::metrics::settle_facts(&app) {
                    tracing::warn!(error = %e, "settling the dashboard's facts failed; will try again");
                }
                if let Err(e) = app::metrics::fold_rollup(&app) {
                    tracing::warn!(error = %e, "folding the dashboard's daily sums failed; will try again");
                }
                if let Err(e) = app::queue::index_searches(&app) {
                    tracing::warn!(error = %e, "indexing messages for search failed; will try again");
                }
            }
            match app::ingest_batch::process_backlog(&app, app::ingest_batch::MAX_BATCH) {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "queued mail: will try again"),
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = app::ingest_batch::sign_off(&app, &id);
    })
}

/// Does the database's housekeeping every minute, first at start (`store::upkeep`): on
/// SQLite the planner's statistics of grown tables; on PostgreSQL with its autovacuum
/// off, also the delta tables' space. On PostgreSQL those tables alone are vacuumed every
/// two seconds between, autovacuum or not (they gain a few rows an email: at a thousand
/// emails a second a minute's worth is tens of thousands of dead rows that every count
/// reads). A thread of its own: analysing a big table takes seconds, which the backlog
/// worker's heartbeat and folds must not wait for.
pub fn spawn_upkeep_worker(app: Arc<App>, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    const VACUUM_EVERY_SECONDS: u64 = 2;
    std::thread::spawn(move || {
        while !stop.load(Ordering::SeqCst) {
            if let Err(e) = app::queue::upkeep(&app) {
                tracing::warn!(error = %e, "housekeeping of the database failed; will try again");
            }
            for second in 1..=60 {
                if stop.load(Ordering::SeqCst) {
                    return;
                }
                std::thread::sleep(Duration::from_secs(1));
                if second % VACUUM_EVERY_SECONDS == 0
                    && second < 60
                    && let Err(e) = app::queue::vacuum_churning(&app)
                {
                    tracing::warn!(error = %e, "vacuuming the delta tables failed; will try again");
                }
            }
        }
    })
}

/// Retrains the triage engine shortly after people's reviews changed what it should learn.
pub fn spawn_retrain_worker(app: Arc<App>, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        while !stop.load(Ordering::SeqCst) {
            match app.retrain_if_requested() {
                Ok(true) => tracing::info!("triage engine retrained from reviews"),
                Ok(false) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "retrain failed; will try again");
                    app.request_retrain();
                }
            }
            std::thread::sleep(Duration::from_secs(2));
        }
    })
}

/// Applies retention once a day; of several servers on one database only one runs it
/// (a lease in the store). Checks every minute whether the run is due.
pub fn spawn_retention_worker(app: Arc<App>, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    let holder = uuid::Uuid::new_v4().to_string();
    std::thread::spawn(move || {
        while !stop.load(Ordering::SeqCst) {
            match app::privacy::retention_job(&app, &holder) {
                Ok(Some(plan)) => tracing::info!(
                    raw_mail = plan.raw_mail.len(),
                    tickets = plan.tickets.len(),
                    "retention applied"
                ),
                Ok(None) => {}
                Err(e) => tracing::warn!(
                    error = %app::privacy::log_safe(&e.to_string()),
                    "retention failed; will try again"
                ),
            }
            for _ in 0..60 {
                if stop.load(Ordering::SeqCst) {
                    return;
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        }
    })
}

/// Polls the IMAP mailboxes (`TANDEM_IMAP_URL`) every `TANDEM_IMAP_POLL_SECONDS`.
pub fn spawn_imap_worker(app: Arc<App>, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    let holder = uuid::Uuid::new_v4().to_string();
    std::thread::spawn(move || {
        if app.config.imap_urls.is_empty() {
            return;
        }
        let first = app
            .config
            .imap_urls
            .first()
            .and_then(|u| app::imap::MailboxUrl::parse(u).ok());
        let mut waited = 0;
        while !stop.load(Ordering::SeqCst) {
            if waited == 0 {
                app::imap::poll_all(&app, &holder);
            }
            // IDLE on the first mailbox (in short turns, so that a stop is prompt): new
            // mail there is read at once; every mailbox is read every poll interval.
            let turn = Duration::from_secs(5);
            let changed = match &first {
                Some(m) => app::imap::wait_for_mail(m, turn).unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "IMAP IDLE failed; polling");
                    std::thread::sleep(turn);
                    false
                }),
                None => {
                    std::thread::sleep(turn);
                    false
                }
            };
            waited += 5;
            if changed || waited >= app.config.imap_poll_seconds {
                waited = 0;
            }
        }
    })
}

/// Delivers the outbox in the background; several `serve` processes may run one each.
pub fn spawn_outbox_worker(
    app: Arc<App>,
    stop: Arc<AtomicBool>,
) -> Result<std::thread::JoinHandle<()>, AppError> {
    let transport = app::outbox::transport(&app).map_err(|e| AppError::Invalid(e.to_string()))?;
    tracing::info!(transport = %transport.describe(), "outbox worker started");
    let poll = Duration::from_millis(app.config.outbox_poll_ms.max(50));
    let holder = uuid::Uuid::new_v4().to_string();
    Ok(std::thread::spawn(move || {
        let mut last_pump = std::time::Instant::now() - Duration::from_secs(1);
        while !stop.load(Ordering::SeqCst) {
            // At most once a second: each run takes a lease (a write), and events wait
            // `LAG_SECONDS` anyway.
            if last_pump.elapsed() >= Duration::from_secs(1) {
                last_pump = std::time::Instant::now();
                if let Err(e) = app::webhooks::pump(&app, &holder) {
                    tracing::warn!(error = %e, "webhook pump failed; will try again");
                }
            }
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
