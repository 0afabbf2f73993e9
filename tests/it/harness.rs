//! Test harness: a fresh database (SQLite file or PostgreSQL schema), a configured `App`,
//! and helpers to ingest mail and read what went out.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use diesel::Connection;
use diesel::connection::SimpleConnection;
use tandem::app::App;
use tandem::config::Config;

/// A fresh database for one test; dropped with the test.
pub struct TestDb {
    pub url: String,
    pg_schema: Option<(String, String)>,
}

impl TestDb {
    pub fn new(dir: &Path) -> TestDb {
        match std::env::var("TANDEM_TEST_DATABASE_URL") {
            Ok(base) if base.starts_with("postgres") => {
                let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
                let mut conn = diesel::pg::PgConnection::establish(&base)
                    .expect("connect to the test PostgreSQL");
                conn.batch_execute(&format!("CREATE SCHEMA {schema}"))
                    .expect("create schema");
                let sep = if base.contains('?') { '&' } else { '?' };
                TestDb {
                    // The application name lets a test find this database's connections.
                    url: format!(
                        "{base}{sep}options=-csearch_path%3D{schema}&application_name={schema}"
                    ),
                    pg_schema: Some((base, schema)),
                }
            }
            _ => TestDb {
                url: format!("sqlite://{}", dir.join("tandem.db").display()),
                pg_schema: None,
            },
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.pg_schema.is_some()
    }

    /// PostgreSQL: the server's address and this test's schema (also the application
    /// name of the test's connections).
    pub fn postgres(&self) -> Option<(&str, &str)> {
        self.pg_schema
            .as_ref()
            .map(|(b, s)| (b.as_str(), s.as_str()))
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, schema)) = &self.pg_schema
            && let Ok(mut conn) = diesel::pg::PgConnection::establish(base)
        {
            let _ = conn.batch_execute(&format!("DROP SCHEMA {schema} CASCADE"));
        }
    }
}

/// A migrated Tandem with the sample knowledge base, writing mail to a temp folder.
pub struct TestApp {
    pub app: App,
    pub dir: tempfile::TempDir,
    pub db: TestDb,
    pub env: HashMap<String, String>,
}

pub const SUPPORT: &str = "support@tandem.test";

impl TestApp {
    pub fn new() -> TestApp {
        Self::with(&[])
    }

    /// Extra `TANDEM_*` settings on top of the test defaults.
    pub fn with(extra: &[(&str, &str)]) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = TestDb::new(dir.path());
        let mut env: HashMap<String, String> = HashMap::from([
            ("TANDEM_DATABASE_URL".into(), db.url.clone()),
            (
                "TANDEM_MAIL_DIR".into(),
                dir.path().join("mail-out").display().to_string(),
            ),
            ("TANDEM_SUPPORT_ADDRESS".into(), SUPPORT.into()),
            ("TANDEM_BUSINESS_HOURS".into(), "24/7".into()),
            // Sends go out at once unless a test is about the undo window.
            ("TANDEM_UNDO_SECONDS".into(), "0".into()),
            // The sample knowledge base is tiny (under 30 examples to hold out), so it is
            // scored with the prior calibration, which sends almost nothing by itself at
            // the default threshold; the flows under test need its clear matches sent, as
            // a supervisor of such a knowledge base would set the dial.
            ("TANDEM_AUTO_THRESHOLD".into(), "0.90".into()),
        ]);
        for (k, v) in extra {
            env.insert(k.to_string(), v.to_string());
        }
        let config = Config::from_values(&env).expect("test config");
        let app = App::open(config).expect("open test database");
        app.migrate().expect("migrate");
        TestApp { app, dir, db, env }
    }

    /// Same, with the sample knowledge base imported.
    pub fn with_kb() -> TestApp {
        let t = TestApp::new();
        t.import_kb();
        t
    }

    pub fn import_kb(&self) {
        tandem::app::kb::import(&self.app, &repo_path("samples/kb.jsonl"), |_, _| {})
            .expect("import sample kb");
    }

    pub fn ingest(&self, raw: &str) -> tandem::app::ingest::Outcome {
        tandem::app::ingest::ingest_email(&self.app, raw.as_bytes()).expect("ingest")
    }

    /// Runs the outbox worker once with the configured transport.
    pub fn deliver(&self) -> tandem::app::outbox::Round {
        let transport = tandem::app::outbox::transport(&self.app).expect("transport");
        tandem::app::outbox::deliver_due(&self.app, &transport, 100).expect("deliver")
    }

    pub fn mail_dir(&self) -> PathBuf {
        self.dir.path().join("mail-out")
    }

    /// Every delivered mail, parsed, oldest first.
    pub fn sent_mail(&self) -> Vec<SentMail> {
        let Ok(entries) = std::fs::read_dir(self.mail_dir()) else {
            return Vec::new();
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|p| SentMail::parse(&std::fs::read(p).expect("read eml"), p))
            .collect()
    }

    pub fn show(&self, number: i64) -> tandem::app::tickets::TicketDetail {
        tandem::app::tickets::show(&self.app, number).expect("ticket exists")
    }

    /// How many messages from outside a ticket holds (a copy stored twice would show).
    pub fn inbound_messages(&self, number: i64) -> usize {
        self.show(number)
            .messages
            .iter()
            .filter(|m| m.direction == "inbound")
            .count()
    }

    /// Runs the `tandem` binary with this app's environment.
    pub fn run_cli(&self, args: &[&str], stdin: &[u8]) -> (i32, String, String) {
        run_binary(&self.env, args, stdin)
    }
}

pub fn run_binary(
    env: &HashMap<String, String>,
    args: &[&str],
    stdin: &[u8],
) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env)
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tandem");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub fn repo_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// A delivered mail, as a customer's client would read it.
#[derive(Debug)]
#[allow(dead_code)]
pub struct SentMail {
    pub file: PathBuf,
    pub to: String,
    pub subject: String,
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub auto_submitted: Option<String>,
    pub body: String,
    /// The text/html alternative, when the mail has one.
    pub html: Option<String>,
    pub content_language: Option<String>,
    pub mime_version: Option<String>,
}

impl SentMail {
    pub fn parse(raw: &[u8], file: &Path) -> SentMail {
        let m = mail_parser::MessageParser::default()
            .parse(raw)
            .expect("valid outgoing mail");
        let ids = |v: &mail_parser::HeaderValue| match v {
            mail_parser::HeaderValue::Text(t) => vec![t.to_string()],
            mail_parser::HeaderValue::TextList(l) => l.iter().map(|t| t.to_string()).collect(),
            _ => Vec::new(),
        };
        SentMail {
            file: file.to_path_buf(),
            to: m
                .to()
                .and_then(|a| a.first())
                .and_then(|a| a.address())
                .unwrap_or_default()
                .to_string(),
            subject: m.subject().unwrap_or_default().to_string(),
            message_id: m.message_id().unwrap_or_default().to_string(),
            in_reply_to: ids(m.in_reply_to()).into_iter().next(),
            references: ids(m.references()),
            auto_submitted: m.header_raw("Auto-Submitted").map(|v| v.trim().to_string()),
            // Line ends as the reader sees them (mail bodies travel with CRLF).
            body: m.body_text(0).unwrap_or_default().replace("\r\n", "\n"),
            html: m
                .html_part(0)
                .filter(|p| p.is_text_html())
                .and_then(|p| p.text_contents())
                .map(str::to_string),
            content_language: m
                .header_raw("Content-Language")
                .map(|v| v.trim().to_string()),
            mime_version: m.header_raw("MIME-Version").map(|v| v.trim().to_string()),
        }
    }
}

/// A plain customer email.
/// The ticket number and decision of an accepted message.
pub fn accepted(o: &tandem::app::ingest::Outcome) -> (i64, String) {
    match o {
        tandem::app::ingest::Outcome::Accepted {
            ticket_number,
            action,
            ..
        } => (*ticket_number, action.clone()),
        other => panic!("expected an accepted message, got {other:?}"),
    }
}

pub fn email(from: &str, subject: &str, message_id: &str, body: &str) -> String {
    format!(
        "From: {from}\r\nTo: {SUPPORT}\r\nSubject: {subject}\r\nMessage-ID: <{message_id}>\r\n\
         Date: Tue, 24 Nov 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
}

/// A reply with threading headers.
pub fn reply(from: &str, subject: &str, message_id: &str, in_reply_to: &str, body: &str) -> String {
    format!(
        "From: {from}\r\nTo: {SUPPORT}\r\nSubject: {subject}\r\nMessage-ID: <{message_id}>\r\n\
         In-Reply-To: <{in_reply_to}>\r\nReferences: <{in_reply_to}>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
}
