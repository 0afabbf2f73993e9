//! `tandem bench …`: reruns of the speed figures the issues ask for. Timings belong
//! here, never in tests (the machines are shared and noisy).

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::app::{App, AppError};

/// Percentiles of a set of durations, in milliseconds.
pub struct Latency {
    pub p50: f64,
    pub p99: f64,
    pub max: f64,
    pub n: usize,
}

impl Latency {
    pub fn of(mut samples: Vec<Duration>) -> Latency {
        samples.sort();
        let ms = |d: &Duration| d.as_secs_f64() * 1000.0;
        let at = |q: f64| {
            samples
                .get(((samples.len() as f64 - 1.0) * q).round() as usize)
                .map(ms)
                .unwrap_or(0.0)
        };
        Latency {
            p50: at(0.5),
            p99: at(0.99),
            max: samples.last().map(ms).unwrap_or(0.0),
            n: samples.len(),
        }
    }
}

impl std::fmt::Display for Latency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms over {} runs",
            self.p50, self.p99, self.max, self.n
        )
    }
}

/// A sample customer email; every third one is a question the sample knowledge base answers.
pub fn sample_mail(i: usize, support: &str) -> String {
    let (subject, body) = match i % 3 {
        0 => (
            "Where is my parcel?",
            "Hello, where is my parcel? I ordered last week. How can I track my order?",
        ),
        1 => (
            "Invoice",
            "Hi, my invoice shows the wrong VAT number for my company. Please send a corrected invoice.",
        ),
        _ => (
            "Password",
            "I forgot my password and can't log in to my account. How do I reset it?",
        ),
    };
    format!(
        "From: Customer {i} <c{i}@bench.example>\r\nTo: {support}\r\nSubject: {subject}\r\n\
         Message-ID: <bench-{i}-{}@bench.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
        uuid::Uuid::new_v4().simple()
    )
}

/// Seeds the tickets of `shape` that the store lacks (a store seeded by an earlier run
/// keeps its tickets), then tidies as a running `serve` does.
pub fn seed_backlog(app: &App, shape: &crate::store::seed::Backlog) -> Result<(), AppError> {
    let have = {
        let mut conn = app.conn()?;
        crate::store::tickets::count_all(&mut conn)?
    } as usize;
    if have < shape.tickets {
        let started = Instant::now();
        let mut conn = app.conn()?;
        let rest = crate::store::seed::Backlog {
            tickets: shape.tickets - have,
            open: shape.open * (shape.tickets - have) / shape.tickets.max(1),
            ..*shape
        };
        crate::store::seed::tickets(&mut conn, &rest, crate::cli::progress_bar("tickets"))?;
        crate::store::seed::analyze(&mut conn)?;
        eprintln!(
            "bench: seeded {} tickets ({} open, {} events each) in {:.1} s",
            rest.tickets,
            rest.open,
            rest.events_per_ticket,
            started.elapsed().as_secs_f64()
        );
    }
    // As a running `serve` keeps them (PostgreSQL): the pending deltas folded every
    // second, the delta tables' space reused. A seeding that stopped early, or one by an
    // older build, left them for the pages to read.
    let mut conn = app.conn()?;
    crate::store::seed::settle(&mut conn)?;
    crate::store::upkeep::run(&mut conn)?;
    Ok(())
}

/// The desk the ingest benchmarks write into: a busy week's tickets, half of them still
/// open, so that customer look-ups, threading and the counts work against a backlog as
/// they do in production rather than against an empty store.
pub fn busy_week(tickets: usize) -> crate::store::seed::Backlog {
    crate::store::seed::Backlog {
        tickets,
        open: tickets / 2,
        events_per_ticket: 6,
        days: 7,
    }
}

/// Latency of the console's pages, measured over HTTP as a signed-in person would see
/// them, against the backlog `shape` (seeded first when the store has fewer tickets): the
/// queue's views with their counts, word search across all statuses, ticket pages as an
/// agent, the supervisor dashboard as a supervisor and the audit log as an admin.
pub fn console(
    app: Arc<App>,
    shape: &crate::store::seed::Backlog,
    requests: usize,
) -> Result<Vec<(String, Latency)>, AppError> {
    seed_backlog(&app, shape)?;
    let session = |role: &str| -> Result<String, AppError> {
        let email = format!("bench-{role}-{}@tandem.test", uuid::Uuid::new_v4().simple());
        crate::app::users::add(&app, &email, "Bench", role, "bench-password-123")?;
        let (token, _) = crate::app::auth::login(&app, &email, "bench-password-123", None)
            .map_err(|e| AppError::Invalid(e.to_string()))?;
        Ok(format!("tandem_session={token}"))
    };
    let (agent, supervisor, admin) = (session("agent")?, session("supervisor")?, session("admin")?);
    let (numbers, customer) = {
        let mut conn = app.conn()?;
        let (rows, _) = crate::store::queue::page(&mut conn, &Default::default(), 200, 0)?;
        let customer = rows
            .first()
            .map(|(_, c)| c.email.clone())
            .unwrap_or_default();
        (
            rows.into_iter().map(|(t, _)| t.number).collect::<Vec<_>>(),
            customer,
        )
    };
    let base = serve_console(app.clone())?;
    let pages: Vec<(&str, &str, Vec<String>)> = vec![
        ("queue, open (default view)", &agent, vec!["/queue".into()]),
        (
            "queue, needs review",
            &agent,
            vec!["/queue?view=review".into()],
        ),
        (
            "queue, escalated",
            &agent,
            vec!["/queue?view=escalated".into()],
        ),
        ("queue, mine", &agent, vec!["/queue?view=mine".into()]),
        (
            "queue, waiting on customer",
            &agent,
            vec!["/queue?view=waiting".into()],
        ),
        ("queue, all tickets", &agent, vec!["/queue?view=all".into()]),
        (
            "queue, sent automatically",
            &agent,
            vec!["/queue?view=automated".into()],
        ),
        (
            "queue, intent + language filter",
            &agent,
            vec!["/queue?intent=order_status&language=de".into()],
        ),
        (
            "queue, page 40 of all",
            &agent,
            vec!["/queue?view=all&page=40".into()],
        ),
        (
            "search, customer address",
            &agent,
            vec![format!(
                "/queue?view=all&q={}",
                crate::web::session::urlencode(&customer)
            )],
        ),
        // A word in a few tickets (a customer's number in "Customer N") and a word in
        // every seeded message, across all statuses.
        (
            "search, rare word (all statuses)",
            &agent,
            (0..50)
                .map(|i| format!("/queue?view=all&q=customer+{}", 1000 + i * 7))
                .collect(),
        ),
        (
            "search, common word (all statuses)",
            &agent,
            vec!["/queue?view=all&q=question".into()],
        ),
        (
            "ticket page",
            &agent,
            numbers.iter().map(|n| format!("/tickets/{n}")).collect(),
        ),
        (
            "supervisor dashboard (7 days)",
            &supervisor,
            vec!["/supervisor".into()],
        ),
        ("audit log, first page", &admin, vec!["/admin/audit".into()]),
    ];
    let http = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(60))
        .redirects(0)
        .build();
    let mut out = Vec::new();
    for (name, cookie, urls) in pages {
        let mut samples = Vec::with_capacity(requests);
        for i in 0..requests + 5 {
            let url = format!("{base}{}", &urls[i % urls.len().max(1)]);
            let started = Instant::now();
            let resp = http
                .get(&url)
                .set("Cookie", cookie)
                .call()
                .map_err(|e| AppError::Invalid(format!("{url}: {e}")))?;
            // A redirect (to sign-in, say) would time the wrong page.
            if resp.status() != 200 {
                return Err(AppError::Invalid(format!("{url}: HTTP {}", resp.status())));
            }
            let _ = resp.into_string();
            // The first few warm caches and connections.
            if i >= 5 {
                samples.push(started.elapsed());
            }
        }
        out.push((name.to_string(), Latency::of(samples)));
    }
    Ok(out)
}

/// Runs the console's routes on a free local port in a background thread, as `serve`
/// would (without the workers), and returns its base URL.
fn serve_console(app: Arc<App>) -> Result<String, AppError> {
    let io = |e: std::io::Error| AppError::Invalid(format!("cannot listen for the benchmark: {e}"));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(io)?;
    let base = format!("http://{}", listener.local_addr().map_err(io)?);
    let data = actix_web::web::Data::from(app);
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let presence = actix_web::web::Data::new(crate::web::presence::Presence::default());
            let server = actix_web::HttpServer::new(move || {
                actix_web::App::new()
                    .app_data(data.clone())
                    .app_data(presence.clone())
                    .wrap(crate::web::pages::security_headers())
                    .configure(crate::web::routes)
            })
            .workers(2)
            .listen(listener)?
            .run();
            server.await
        })
    });
    Ok(base)
}
