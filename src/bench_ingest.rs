//! Ingest benchmarks of issue 12 (`tandem bench ingest`, `tandem bench pipe`,
//! `tandem bench soak`): real `tandem serve` processes over HTTP, real `ingest-mail`
//! processes, measured against the store's own single-row transaction rate.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::app::{App, AppError};
use crate::bench::{Latency, sample_mail};

fn invalid(e: impl std::fmt::Display) -> AppError {
    AppError::Invalid(e.to_string())
}

/// A `tandem serve` child process on a free local port; killed when dropped.
/// The inbound secret of the servers the benchmarks start.
pub const BENCH_SECRET: &str = "bench-secret";

pub struct ServerProcess {
    child: Child,
    /// `host:port` it listens on.
    pub addr: String,
}

impl ServerProcess {
    /// Starts `exe serve` with `env` (plus `TANDEM_BIND`), and waits until `/healthz`
    /// answers 200. Its log goes to `log`.
    pub fn start(
        exe: &Path,
        env: &HashMap<String, String>,
        log: &Path,
    ) -> Result<ServerProcess, AppError> {
        let addr = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").map_err(invalid)?;
            probe.local_addr().map_err(invalid)?.to_string()
        };
        let log = std::fs::File::create(log).map_err(invalid)?;
        let child = Command::new(exe)
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .envs(env)
            .env("TANDEM_BIND", &addr)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(invalid)?;
        let mut server = ServerProcess { child, addr };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(invalid(format!("tandem serve exited: {status}")));
            }
            if let Ok(mut c) = HttpClient::connect(&server.addr)
                && let Ok((200, _)) = c.request("GET", "/healthz", &[], b"")
            {
                return Ok(server);
            }
            if Instant::now() > deadline {
                return Err(invalid("tandem serve did not answer /healthz within 60 s"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process is still running (it has not exited or crashed).
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A minimal HTTP/1.1 client that keeps its connection open, as an MTA's would.
pub struct HttpClient {
    addr: String,
    reader: BufReader<TcpStream>,
}

impl HttpClient {
    pub fn connect(addr: &str) -> std::io::Result<HttpClient> {
        let stream = TcpStream::connect(addr)?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        Ok(HttpClient {
            addr: addr.to_string(),
            reader: BufReader::new(stream),
        })
    }

    /// Sends one request and reads the whole answer: (status, body).
    pub fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<(u16, String)> {
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        let stream = self.reader.get_mut();
        stream.write_all(head.as_bytes())?;
        stream.write_all(body)?;
        let mut status_line = String::new();
        self.reader.read_line(&mut status_line)?;
        let status = status_line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse::<u16>().ok())
            .ok_or_else(|| std::io::Error::other(format!("bad status line {status_line:?}")))?;
        let mut length = 0usize;
        let mut close = false;
        loop {
            let mut line = String::new();
            if self.reader.read_line(&mut line)? == 0 {
                return Err(std::io::Error::other("connection closed in the headers"));
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                let k = k.trim().to_ascii_lowercase();
                if k == "content-length" {
                    length = v.trim().parse().unwrap_or(0);
                } else if k == "connection" && v.trim().eq_ignore_ascii_case("close") {
                    close = true;
                }
            }
        }
        let mut buf = vec![0; length];
        self.reader.read_exact(&mut buf)?;
        if close {
            *self = HttpClient::connect(&self.addr.clone())?;
        }
        Ok((status, String::from_utf8_lossy(&buf).into_owned()))
    }
}

/// What one run of concurrent senders saw.
pub struct InboundRun {
    pub emails: usize,
    pub elapsed: Duration,
    pub latency: Latency,
    /// Answers other than 202, by status (the sender retried them after `Retry-After`).
    pub refused: HashMap<u16, usize>,
    /// The ticket number in each 202, by email index.
    pub tickets: Vec<Option<i64>>,
}

impl InboundRun {
    pub fn rate(&self) -> f64 {
        self.emails as f64 / self.elapsed.as_secs_f64()
    }
}

/// Posts `emails` messages (`make(i)`) with `clients` concurrent keep-alive senders,
/// client `c` talking to `addrs[c % addrs.len()]`. A 503 is retried (briefly later),
/// as an MTA would; any other answer but 202 fails the run.
pub fn post_inbound(
    addrs: &[String],
    secret: &str,
    emails: usize,
    clients: usize,
    make: Arc<dyn Fn(usize) -> String + Send + Sync>,
) -> Result<InboundRun, AppError> {
    let clients = clients.max(1);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            let addr = addrs[c % addrs.len()].clone();
            let (secret, next, make) = (secret.to_string(), next.clone(), make.clone());
            std::thread::spawn(move || -> Result<_, String> {
                let mut client = HttpClient::connect(&addr).map_err(|e| e.to_string())?;
                let mut samples = Vec::new();
                let mut tickets = Vec::new();
                let mut refused: HashMap<u16, usize> = HashMap::new();
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= emails {
                        break;
                    }
                    let body = make(i);
                    loop {
                        let sent = Instant::now();
                        let (status, answer) = client
                            .request(
                                "POST",
                                "/inbound/email",
                                &[("X-Tandem-Secret", secret.as_str())],
                                body.as_bytes(),
                            )
                            .map_err(|e| format!("{addr}: {e}"))?;
                        if status == 202 {
                            samples.push(sent.elapsed());
                            let number = serde_json::from_str::<serde_json::Value>(&answer)
                                .ok()
                                .and_then(|v| v["ticket"].as_i64());
                            tickets.push((i, number));
                            break;
                        }
                        *refused.entry(status).or_default() += 1;
                        if status != 503 {
                            return Err(format!("HTTP {status}: {}", answer.trim()));
                        }
                        std::thread::sleep(Duration::from_millis(20));
                    }
                }
                Ok((samples, tickets, refused))
            })
        })
        .collect();
    let mut samples = Vec::with_capacity(emails);
    let mut tickets = vec![None; emails];
    let mut refused: HashMap<u16, usize> = HashMap::new();
    for t in threads {
        let (s, numbers, r) = t
            .join()
            .map_err(|_| invalid("a sender panicked"))?
            .map_err(invalid)?;
        samples.extend(s);
        for (i, n) in numbers {
            tickets[i] = n;
        }
        for (k, v) in r {
            *refused.entry(k).or_default() += v;
        }
    }
    Ok(InboundRun {
        emails,
        elapsed: started.elapsed(),
        latency: Latency::of(samples),
        refused,
        tickets,
    })
}

/// The environment a benchmark's child processes run with: the app's store and mail
/// folder, the inbound secret, no undo window (answers leave at once), and the triage
/// engine's settings of the benchmark itself (`TANDEM_TRIAGE_*`: the accurate mode's
/// encoder, other vectors), so that the servers triage as the benchmark says they do.
/// The servers log warnings only, unless `TANDEM_BENCH_SERVE_LOG` gives them a
/// `TANDEM_LOG` filter (`warn,tandem::app::ingest_batch=debug` logs each group commit's
/// size and time), written to `serve.log` in the benchmark's folder.
pub fn child_env(app: &App, secret: &str) -> HashMap<String, String> {
    let triage = std::env::vars().filter(|(k, _)| k.starts_with("TANDEM_TRIAGE_"));
    let mut env: HashMap<String, String> = triage.collect();
    env.extend([
        (
            "TANDEM_DATABASE_URL".into(),
            app.config.database_url.clone(),
        ),
        (
            "TANDEM_MAIL_DIR".into(),
            app.config.mail_dir.display().to_string(),
        ),
        (
            "TANDEM_SUPPORT_ADDRESS".into(),
            app.config.support_address.clone(),
        ),
        ("TANDEM_INBOUND_SECRET".into(), secret.to_string()),
        ("TANDEM_UNDO_SECONDS".into(), "0".into()),
        (
            "TANDEM_LOG".into(),
            std::env::var("TANDEM_BENCH_SERVE_LOG").unwrap_or_else(|_| "warn".into()),
        ),
    ]);
    env
}

/// `tandem bench ingest`: the store's single-row transaction rate, then `POST
/// /inbound/email` against a real `tandem serve` with each number of clients, printed
/// with the ratio to that rate.
pub fn ingest(app: &App, scratch: &Path, emails: usize, clients: &[usize]) -> Result<(), AppError> {
    let single = {
        let mut conn = app.conn()?;
        let n = if app.config.database_url.starts_with("sqlite") {
            5_000
        } else {
            1_000
        };
        crate::store::bench_rows::single_row_transactions(&mut conn, n)?
    };
    println!("single-row transactions (same store): {single:.0}/s");
    let exe = std::env::current_exe().map_err(invalid)?;
    let secret = BENCH_SECRET;
    let server = ServerProcess::start(&exe, &child_env(app, secret), &scratch.join("serve.log"))?;
    let support = app.config.support_address.clone();
    // The seeded busy week's replies went out before the run: counted from here.
    let (sent_seeded, _) = crate::app::outbox::progress(app)?;
    let mut offset = 0;
    for &n in clients {
        let base = offset;
        let support = support.clone();
        let cpu_before = process_cpu(server.pid());
        let run = post_inbound(
            std::slice::from_ref(&server.addr),
            secret,
            emails,
            n,
            Arc::new(move |i: usize| sample_mail(base + i, &support)),
        )?;
        offset += emails;
        let cpu = process_cpu(server.pid())
            .zip(cpu_before)
            .map(|(a, b)| format!(", server CPU {:.2} ms/email", (a - b) * 1e3 / emails as f64))
            .unwrap_or_default();
        let refused: usize = run.refused.values().sum();
        let (sent, waiting) = crate::app::outbox::progress(app)?;
        let sent = sent - sent_seeded;
        println!(
            "POST /inbound/email, {n:>3} clients: {:>6.0} emails/s ({:.3} x single-row txn rate), {}{cpu}{}; \
             replies sent by then {sent}, still to send {waiting}",
            run.rate(),
            run.rate() / single,
            run.latency,
            if refused > 0 {
                format!(", {refused} answers 503 (retried)")
            } else {
                String::new()
            }
        );
    }
    // The replies the bursts queued go out after them: how long until the last one did
    // says whether the answers keep pace with the mail (a customer waits for that).
    let started = Instant::now();
    let (sent_before, _) = crate::app::outbox::progress(app)?;
    loop {
        let (sent, waiting) = crate::app::outbox::progress(app)?;
        if waiting == 0 {
            let seconds = started.elapsed().as_secs_f64();
            println!(
                "outbox: the last reply went out {seconds:.1} s after the last email was accepted \
                 ({:.0} replies/s meanwhile)",
                (sent - sent_before) as f64 / seconds.max(0.001)
            );
            break;
        }
        if started.elapsed() > Duration::from_secs(600) {
            println!("outbox: {waiting} replies still to send after 600 s; stopped waiting");
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    drop(server);
    Ok(())
}

/// CPU seconds (user + system) a process used so far, from /proc (Linux only).
fn process_cpu(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// A process's memory in MB from a `/proc/<pid>/status` line (Linux only): `VmRSS:` (all resident pages) or `RssAnon:`
/// (the process's own memory, without the pages of mapped files such as SQLite's memory
/// map of the database, which the kernel may drop at any time).
fn process_memory_mb(pid: u32, field: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb = status
        .lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse::<f64>()
        .ok()?;
    Some(kb / 1024.0)
}

/// `tandem bench pipe`: emails per second through `tandem ingest-mail`, one process per
/// email, `parallel` at a time (an MTA runs several deliveries at once). Given a
/// `server`, the pipes share its settings (address and inbound secret), as an MTA's pipe
/// and the server share one configuration, so they hand their messages to it; without
/// one they have no inbound secret (a server that runs all the same then processes what
/// they store).
pub fn pipe(
    app: &App,
    emails: usize,
    parallel: usize,
    server: Option<&ServerProcess>,
) -> Result<f64, AppError> {
    let exe = std::env::current_exe().map_err(invalid)?;
    let mut env = child_env(app, BENCH_SECRET);
    match server {
        Some(server) => env.insert("TANDEM_BIND".into(), server.addr.clone()),
        None => env.remove("TANDEM_INBOUND_SECRET"),
    };
    let support = app.config.support_address.clone();
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..parallel.max(1))
        .map(|_| {
            let (exe, env, support, next) =
                (exe.clone(), env.clone(), support.clone(), next.clone());
            std::thread::spawn(move || -> Result<(), String> {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= emails {
                        return Ok(());
                    }
                    let mut child = Command::new(&exe)
                        .arg("ingest-mail")
                        .env_clear()
                        .envs(&env)
                        .stdin(Stdio::piped())
                        .stdout(Stdio::null())
                        .stderr(Stdio::piped())
                        .spawn()
                        .map_err(|e| e.to_string())?;
                    child
                        .stdin
                        .take()
                        .expect("stdin")
                        .write_all(sample_mail(1_000_000 + i, &support).as_bytes())
                        .map_err(|e| e.to_string())?;
                    let out = child.wait_with_output().map_err(|e| e.to_string())?;
                    if !out.status.success() {
                        return Err(format!(
                            "ingest-mail exited {}: {}",
                            out.status,
                            String::from_utf8_lossy(&out.stderr).trim()
                        ));
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.join()
            .map_err(|_| invalid("a pipe worker panicked"))?
            .map_err(invalid)?;
    }
    Ok(emails as f64 / started.elapsed().as_secs_f64())
}

/// `tandem bench soak`: a steady `rate` of emails a second into a real `tandem serve`
/// for `minutes`, printing each minute's latency percentiles and the server's RSS, and
/// apart from it the anonymous memory: under a growing database the RSS also counts the
/// pages of SQLite's memory map, a leak shows in the anonymous part.
pub fn soak(app: &App, scratch: &Path, minutes: u64, rate: u64) -> Result<(), AppError> {
    let exe = std::env::current_exe().map_err(invalid)?;
    let secret = BENCH_SECRET;
    let server = ServerProcess::start(&exe, &child_env(app, secret), &scratch.join("serve.log"))?;
    let support = app.config.support_address.clone();
    let senders = 8usize;
    let interval = Duration::from_secs_f64(senders as f64 / rate.max(1) as f64);
    // A seeded desk's replies went out before the soak: counted from here.
    let (sent_seeded, _) = crate::app::outbox::progress(app)?;
    let mut first_rss = None;
    let mut first_anon = None;
    // The replies too: at a steady rate they must keep pace with the mail, or customers
    // wait minutes for answers already decided.
    println!(
        "minute  emails  p50 ms  p99 ms  max ms  RSS MB  anon MB  replies sent  still to send"
    );
    for minute in 1..=minutes {
        let until = Instant::now() + Duration::from_secs(60);
        let next = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..senders)
            .map(|s| {
                let (addr, support, next) = (server.addr.clone(), support.clone(), next.clone());
                std::thread::spawn(move || -> Result<Vec<Duration>, String> {
                    let mut client = HttpClient::connect(&addr).map_err(|e| e.to_string())?;
                    let mut samples = Vec::new();
                    // Senders start spread over one interval, then keep their pace.
                    let mut due = Instant::now() + interval.mul_f64(s as f64 / senders as f64);
                    while due < until {
                        if let Some(wait) = due.checked_duration_since(Instant::now()) {
                            std::thread::sleep(wait);
                        }
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        let body = sample_mail((minute as usize) * 10_000_000 + i, &support);
                        let sent = Instant::now();
                        let (status, answer) = client
                            .request(
                                "POST",
                                "/inbound/email",
                                &[("X-Tandem-Secret", secret)],
                                body.as_bytes(),
                            )
                            .map_err(|e| e.to_string())?;
                        if status != 202 {
                            return Err(format!("HTTP {status}: {}", answer.trim()));
                        }
                        samples.push(sent.elapsed());
                        due += interval;
                    }
                    Ok(samples)
                })
            })
            .collect();
        let mut samples = Vec::new();
        for t in threads {
            samples.extend(
                t.join()
                    .map_err(|_| invalid("a sender panicked"))?
                    .map_err(invalid)?,
            );
        }
        let latency = Latency::of(samples);
        let rss = process_memory_mb(server.pid(), "VmRSS:").unwrap_or(0.0);
        let anon = process_memory_mb(server.pid(), "RssAnon:").unwrap_or(0.0);
        if minute == 2 {
            first_rss = Some(rss);
            first_anon = Some(anon);
        }
        let (sent, waiting) = crate::app::outbox::progress(app)?;
        let sent = sent - sent_seeded;
        println!(
            "{minute:>6}  {:>6}  {:>6.2}  {:>6.2}  {:>6.1}  {rss:>6.1}  {anon:>7.1}  {sent:>12}  {waiting:>13}",
            latency.n, latency.p50, latency.p99, latency.max
        );
    }
    for (what, warm, field) in [
        ("RSS", first_rss, "VmRSS:"),
        ("anonymous memory", first_anon, "RssAnon:"),
    ] {
        if let (Some(warm), Some(last)) = (warm, process_memory_mb(server.pid(), field)) {
            println!(
                "{what} growth after warm-up (minute 2 to the end): {:+.1} %",
                (last - warm) / warm * 100.0
            );
        }
    }
    Ok(())
}

/// The mail folder's `.eml` files (delivered answers).
pub fn delivered(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                .collect()
        })
        .unwrap_or_default()
}
