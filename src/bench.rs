//! `tandem bench …`: reruns of the speed figures the issues ask for. Timings belong
//! here, never in tests (the machines are shared and noisy).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
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

/// Emails per second through `tandem ingest-mail`, one process per email (as an MTA runs it).
pub fn ingest_pipe(app: &App, count: usize) -> Result<f64, AppError> {
    let exe = std::env::current_exe().map_err(|e| AppError::Invalid(e.to_string()))?;
    let started = Instant::now();
    for i in 0..count {
        let mut child = Command::new(&exe)
            .arg("ingest-mail")
            .env("TANDEM_DATABASE_URL", &app.config.database_url)
            .env("TANDEM_MAIL_DIR", &app.config.mail_dir)
            .env("TANDEM_SUPPORT_ADDRESS", &app.config.support_address)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| AppError::Invalid(e.to_string()))?;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(sample_mail(i, &app.config.support_address).as_bytes())
            .map_err(|e| AppError::Invalid(e.to_string()))?;
        let status = child.wait().map_err(|e| AppError::Invalid(e.to_string()))?;
        if !status.success() {
            return Err(AppError::Invalid(format!("ingest-mail exited {status}")));
        }
    }
    Ok(count as f64 / started.elapsed().as_secs_f64())
}

/// Emails per second through `POST /inbound/email` on a real socket, `clients` at a time.
pub fn ingest_http(app: Arc<App>, count: usize, clients: usize) -> Result<f64, AppError> {
    let listener =
        std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| AppError::Invalid(e.to_string()))?;
    let addr = listener
        .local_addr()
        .map_err(|e| AppError::Invalid(e.to_string()))?;
    let secret = "bench-secret".to_string();
    let data = actix_web::web::Data::from(app.clone());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = actix_web::HttpServer::new(move || {
                actix_web::App::new()
                    .app_data(data.clone())
                    .configure(crate::web::routes)
            })
            .workers(2)
            .listen(listener)
            .expect("listen")
            .run();
            let _ = tx.send(server.handle());
            let _ = server.await;
        });
    });
    let handle = rx.recv().map_err(|e| AppError::Invalid(e.to_string()))?;
    let support = app.config.support_address.clone();
    let started = Instant::now();
    let per_client = count.div_ceil(clients.max(1));
    let threads: Vec<_> = (0..clients.max(1))
        .map(|c| {
            let (secret, support) = (secret.clone(), support.clone());
            std::thread::spawn(move || -> Result<(), String> {
                for i in 0..per_client {
                    let body = sample_mail(c * per_client + i, &support);
                    let mut s = TcpStream::connect(addr).map_err(|e| e.to_string())?;
                    write!(s, "POST /inbound/email HTTP/1.1\r\nHost: {addr}\r\nX-Tandem-Secret: {secret}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).map_err(|e| e.to_string())?;
                    let mut resp = String::new();
                    s.read_to_string(&mut resp).map_err(|e| e.to_string())?;
                    if !resp.starts_with("HTTP/1.1 202") {
                        return Err(resp.lines().next().unwrap_or_default().to_string());
                    }
                }
                Ok(())
            })
        })
        .collect();
    for t in threads {
        t.join()
            .expect("client thread")
            .map_err(AppError::Invalid)?;
    }
    let rate = (per_client * clients.max(1)) as f64 / started.elapsed().as_secs_f64();
    actix_web::rt::System::new().block_on(handle.stop(true));
    Ok(rate)
}

/// Server time of the console's busiest pages with `tickets` tickets in the store: the
/// queue (default view, a filtered view, a search, a deep page) and ticket pages, through
/// the real routes, session and templates (in process, so no network time is counted).
pub fn console(
    app: Arc<App>,
    tickets: usize,
    requests: usize,
) -> Result<Vec<(String, Latency)>, AppError> {
    use actix_web::test;
    let have = {
        let mut conn = app.conn()?;
        crate::store::tickets::count_all(&mut conn)?
    };
    if (have as usize) < tickets {
        let started = Instant::now();
        let mut conn = app.conn()?;
        crate::store::seed::tickets(
            &mut conn,
            tickets - have as usize,
            4,
            60,
            crate::cli::progress_bar("tickets"),
        )?;
        crate::store::seed::analyze(&mut conn)?;
        eprintln!(
            "bench: seeded {} tickets in {:.1} s",
            tickets - have as usize,
            started.elapsed().as_secs_f64()
        );
    }
    let email = format!("bench-{}@tandem.test", uuid::Uuid::new_v4().simple());
    crate::app::users::add(&app, &email, "Bench Agent", "agent", "bench-password-123")?;
    let (token, _) = crate::app::auth::login(&app, &email, "bench-password-123", None)
        .map_err(|e| AppError::Invalid(e.to_string()))?;
    let numbers: Vec<i64> = {
        let mut conn = app.conn()?;
        crate::store::queue::page(&mut conn, &Default::default(), 200, 0)?
            .0
            .into_iter()
            .map(|(t, _)| t.number)
            .collect()
    };
    let customer = {
        let mut conn = app.conn()?;
        crate::store::queue::page(&mut conn, &Default::default(), 1, 0)?
            .0
            .into_iter()
            .next()
            .map(|(_, c)| c.email)
            .unwrap_or_default()
    };
    let data = actix_web::web::Data::from(app.clone());
    actix_web::rt::System::new().block_on(async move {
        let svc = test::init_service(
            actix_web::App::new()
                .app_data(data)
                .app_data(actix_web::web::Data::new(
                    crate::web::presence::Presence::default(),
                ))
                .configure(crate::web::routes),
        )
        .await;
        let pages: Vec<(String, Vec<String>)> = vec![
            ("queue, all open".into(), vec!["/queue".into()]),
            (
                "queue, needs review".into(),
                vec!["/queue?view=review".into()],
            ),
            (
                "queue, intent + language filter".into(),
                vec!["/queue?intent=order_status&language=de".into()],
            ),
            (
                "queue, search by customer".into(),
                vec![format!(
                    "/queue?view=all&q={}",
                    crate::web::session::urlencode(&customer)
                )],
            ),
            (
                "queue, page 40 of all".into(),
                vec!["/queue?view=all&page=40".into()],
            ),
            // Full text across all statuses: a word in a few tickets (a customer's
            // number in "Customer N"), and a word in every seeded message.
            (
                "search, rare word (all statuses)".into(),
                (0..50)
                    .map(|i| format!("/queue?view=all&q=customer+{}", 1000 + i * 7))
                    .collect(),
            ),
            (
                "search, common word (all statuses)".into(),
                vec!["/queue?view=all&q=question".into()],
            ),
            (
                "sent automatically".into(),
                vec!["/queue?view=automated".into()],
            ),
            (
                "ticket page".into(),
                numbers.iter().map(|n| format!("/tickets/{n}")).collect(),
            ),
        ];
        let mut out = Vec::new();
        for (name, urls) in pages {
            let mut samples = Vec::with_capacity(requests);
            for i in 0..requests + 5 {
                let url = &urls[i % urls.len().max(1)];
                let req = test::TestRequest::get()
                    .uri(url)
                    .insert_header(("Cookie", format!("tandem_session={token}")))
                    .to_request();
                let started = Instant::now();
                let resp = test::call_service(&svc, req).await;
                let status = resp.status();
                let _ = test::read_body(resp).await;
                // The first few warm caches and connections.
                if i >= 5 {
                    samples.push(started.elapsed());
                }
                if !status.is_success() {
                    return Err(AppError::Invalid(format!("{url}: HTTP {status}")));
                }
            }
            out.push((name, Latency::of(samples)));
        }
        Ok(out)
    })
}
