//! The command line (a contract: scripts and tests depend on it; see DESIGN.md).

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};

use crate::app::{self, App, AppError};
use crate::config::Config;

/// Exit codes from sysexits.h, as MTAs expect them.
pub const EX_OK: i32 = 0;
pub const EX_USAGE: i32 = 64;
pub const EX_DATAERR: i32 = 65;
/// The input named does not exist (sysexits `EX_NOINPUT`): `customer export` of an
/// address no customer has.
pub const EX_NOINPUT: i32 = 66;
pub const EX_SOFTWARE: i32 = 70;
pub const EX_TEMPFAIL: i32 = 75;
pub const EX_CONFIG: i32 = 78;

#[derive(Parser)]
#[command(
    name = "tandem",
    version,
    about = "Human-in-the-loop escalation and ticketing for customer support"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate, then serve the console, the inbound endpoints and the workers.
    Serve {
        /// Load a sample knowledge base, agents and a day of tickets (only into an empty database).
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Read one RFC 5322 message on stdin (for an MTA pipe). Exit 0 accepted, 65 malformed, 75 try again.
    IngestMail,
    /// Manage console users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage the knowledge base.
    Kb {
        #[command(subcommand)]
        command: KbCommand,
    },
    /// Inspect tickets.
    Ticket {
        #[command(subcommand)]
        command: TicketCommand,
    },
    /// Customer settings.
    Customer {
        #[command(subcommand)]
        command: CustomerCommand,
    },
    /// Storage limitation: remove raw mail and settled tickets' personal data past their
    /// retention (`TANDEM_RETENTION_RAW_DAYS`, `TANDEM_RETENTION_CLOSED_DAYS`).
    Retention {
        /// Only list what would go.
        #[arg(long)]
        dry_run: bool,
    },
    /// Tokens of integrations for the REST API (`/api/v1`).
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Credentials kept in the database, encrypted with `TANDEM_SECRET_KEY`.
    Secret {
        #[command(subcommand)]
        command: SecretCommand,
    },
    /// Deliver queued outgoing mail now (normally `serve` does this; `ingest-mail` never does).
    Deliver,
    /// Check the store: whether the database file is intact, migrations wait, and how much
    /// mail waits to be processed or sent. Exit 0 sound, 65 problems found.
    Check {
        /// Also check every index against its table (SQLite's integrity_check; slower).
        #[arg(long)]
        full: bool,
    },
    /// List inbound messages parked as failed: stored, but they can never be processed.
    FailedMail {
        #[arg(long)]
        json: bool,
    },
    /// Measure speed: ingest rate, console page times, triage throughput, dashboard.
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
        /// Database to fill (an empty one); default: a fresh SQLite file in a temp folder.
        #[arg(long, global = true)]
        database_url: Option<String>,
    },
    /// Train the triage engine on one JSONL file and score it on another.
    Eval {
        #[arg(long)]
        train: PathBuf,
        #[arg(long)]
        test: PathBuf,
        /// Write one prediction per test line as JSONL.
        #[arg(long)]
        predictions: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum CustomerCommand {
    /// Mark a customer as VIP: their messages always go to a person (audited).
    Vip {
        /// The customer's email address.
        email: String,
        /// Remove the mark instead.
        #[arg(long)]
        off: bool,
    },
    /// Right of access: write everything held about the customer to a zip archive
    /// (exit 66 when no customer has this address; audited).
    Export {
        email: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Right to erasure: replace the customer's name and address by a pseudonym and erase
    /// their messages, attachments, raw mail and drafts (audited; erasing twice is harmless).
    Erase {
        email: String,
        /// Why (recorded in the audit log).
        #[arg(long)]
        reason: String,
    },
    /// Put a legal hold on the customer (retention and erasure leave them alone).
    Hold {
        email: String,
        /// Lift the hold instead.
        #[arg(long)]
        off: bool,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Make a token; it is printed once (only its hash is kept).
    Add {
        #[arg(long)]
        name: String,
        /// Comma-separated: tickets:read, tickets:write, customers:read, kb:read.
        #[arg(long, value_delimiter = ',')]
        scopes: Vec<String>,
    },
    /// List the tokens (names, scopes, last use; never the tokens).
    List,
    /// Revoke a token by id or name.
    Revoke { id_or_name: String },
}

#[derive(Subcommand)]
enum SecretCommand {
    /// Store a credential (the value is read from stdin and never shown again).
    Set { name: String },
    /// List the names of the stored credentials.
    List,
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Emails per second through `POST /inbound/email` of a real `tandem serve`, against
    /// the store's single-row transaction rate measured in the same run.
    Ingest {
        /// Emails per run.
        #[arg(long, alias = "count", default_value_t = 4000)]
        emails: usize,
        /// Concurrent senders; a comma-separated list runs each in turn.
        #[arg(long, value_delimiter = ',', default_value = "16")]
        clients: Vec<usize>,
        #[command(flatten)]
        desk: BusyWeek,
    },
    /// Emails per second through `tandem ingest-mail`, one process per email.
    Pipe {
        #[arg(long, default_value_t = 500)]
        emails: usize,
        /// Processes at once (an MTA delivers several messages at a time).
        #[arg(long, default_value_t = 1)]
        parallel: usize,
        /// Run a `tandem serve` beside the pipe; the pipes share its address and inbound
        /// secret and hand their messages to it.
        #[arg(long)]
        with_server: bool,
        /// With `--with-server`: the pipes get no inbound secret, so each stores its
        /// message through the database for the server to process (the path before the
        /// hand-over, and the one taken when the server cannot be reached).
        #[arg(long, requires = "with_server")]
        through_database: bool,
        #[command(flatten)]
        desk: BusyWeek,
    },
    /// A steady rate into a real `tandem serve`: latency percentiles and RSS each minute.
    Soak {
        #[arg(long, default_value_t = 10)]
        minutes: u64,
        /// Emails per second.
        #[arg(long, default_value_t = 200)]
        rate: u64,
        #[command(flatten)]
        desk: BusyWeek,
    },
    /// Triage throughput on one core: trains on a JSONL file, triages its texts over and over.
    Triage {
        #[arg(long)]
        train: PathBuf,
        #[arg(long, default_value_t = 50_000)]
        messages: usize,
    },
    /// Fits the prior calibration of small knowledge bases on simulated ones (see
    /// `triage::prior`) and prints its weights and precision on each data set.
    Prior {
        /// Folder with clinc150_train.jsonl, clinc150_train_oos.jsonl,
        /// banking77_train.jsonl and xsid_multilingual_train.jsonl.
        #[arg(long, default_value = "../shared/datasets")]
        datasets: PathBuf,
        /// Simulated knowledge bases per data set.
        #[arg(long, default_value_t = 400)]
        trials: usize,
        /// Auto-send threshold (default: the engine's default).
        #[arg(long)]
        threshold: Option<f32>,
        /// A knowledge base (JSONL articles, like samples/kb.jsonl) to score a few
        /// messages with, under the prior.
        #[arg(long)]
        kb: Option<PathBuf>,
    },
    /// Learning from reviews: starts from a knowledge base with `--seeds` example
    /// questions per intent, replays the rest of `--train` as agents' reviews, and
    /// reports automation and precision on `--test` after each checkpoint.
    Learning {
        #[arg(long)]
        train: PathBuf,
        #[arg(long)]
        test: PathBuf,
        #[arg(long, default_value_t = 5)]
        seeds: usize,
        #[arg(long, value_delimiter = ',', default_value = "0,250,1000,4000")]
        checkpoints: Vec<usize>,
        /// Auto-send threshold (default: the engine's default).
        #[arg(long)]
        threshold: Option<f32>,
    },
    /// Server time of the supervisor dashboard with many tickets and events.
    Dashboard {
        #[arg(long, default_value_t = 1_000_000)]
        tickets: usize,
        #[arg(long, default_value_t = 10)]
        events_per_ticket: usize,
        #[arg(long, default_value_t = 20)]
        runs: usize,
        /// Days the tickets are spread over (the dashboard shows the last seven).
        #[arg(long, default_value_t = 365)]
        days: i64,
    },
    /// Latency over HTTP (p50, p99) of the queue views, search, ticket, supervisor and
    /// audit pages with a backlog of open tickets among many.
    Console {
        #[arg(long, default_value_t = 1_000_000)]
        tickets: usize,
        /// How many of them are still open (the backlog agents work through).
        #[arg(long, default_value_t = 100_000)]
        open: usize,
        #[arg(long, default_value_t = 10)]
        events_per_ticket: usize,
        /// Days the tickets are spread over (the dashboard shows the last seven).
        #[arg(long, default_value_t = 365)]
        days: i64,
        #[arg(long, default_value_t = 200)]
        requests: usize,
    },
}

/// The desk the ingest benchmarks write into (`bench::busy_week`).
#[derive(Args)]
struct BusyWeek {
    /// Tickets of a busy week seeded first, half of them open (0: an empty desk).
    #[arg(long, default_value_t = 20_000)]
    backlog: usize,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user; the password is read from stdin.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = ["agent", "supervisor", "admin"])]
        role: String,
    },
    /// Print a one-time link (valid 24 hours) that lets the user choose a new password.
    Reset {
        /// The user's sign-in address.
        email: String,
    },
    /// Set a user's password, read from stdin (recovery); their sessions end.
    Passwd {
        /// The user's sign-in address.
        email: String,
    },
    /// Turn off a user's two-factor sign-in (recovery for a lost phone).
    TwoFactorOff {
        /// The user's sign-in address.
        email: String,
    },
}

#[derive(Subcommand)]
enum KbCommand {
    /// Import articles from a JSONL file or a folder of Markdown files.
    Import { path: PathBuf },
}

#[derive(Subcommand)]
enum TicketCommand {
    /// List tickets, newest first.
    List {
        #[arg(long)]
        json: bool,
        #[arg(long, default_value_t = 1000)]
        limit: i64,
        #[arg(long, default_value_t = 0)]
        offset: i64,
    },
    /// Show one ticket with its messages, drafts and events.
    Show {
        number: i64,
        #[arg(long)]
        json: bool,
    },
    /// Put a legal hold on a ticket (retention and erasure leave it alone).
    Hold {
        number: i64,
        /// Lift the hold instead.
        #[arg(long)]
        off: bool,
    },
}

/// Runs the command line and returns the process exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EX_USAGE } else { EX_OK };
            let _ = e.print();
            return code;
        }
    };
    init_tracing(matches!(cli.command, Command::Serve { .. }));
    let config = match Config::load() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("tandem: configuration: {e}");
            // An MTA must retry rather than bounce when the operator's setup is wrong.
            return if matches!(cli.command, Command::IngestMail) {
                EX_TEMPFAIL
            } else {
                EX_CONFIG
            };
        }
    };
    // Vector files named in the environment are checked before the work starts, for
    // every command that triages (`ingest-mail` checks them when no server does the
    // triage for it): a typo must not leave the engine on the built-in vectors while the
    // operator believes otherwise.
    if matches!(
        cli.command,
        Command::Serve { .. } | Command::Bench { .. } | Command::Eval { .. } | Command::Kb { .. }
    ) && let Err(message) = crate::triage::embedding::check()
    {
        eprintln!("tandem: triage: {message}");
        return EX_CONFIG;
    }
    // The accurate mode's encoder is loaded before the work starts (and before a
    // database is opened or created), so that a wrong folder stops the command with its
    // reason instead of triaging without it.
    if matches!(
        cli.command,
        Command::Serve { .. } | Command::Bench { .. } | Command::Eval { .. }
    ) {
        match crate::triage::encoder::check() {
            Ok(Some(_)) => eprintln!(
                "tandem: triage: accurate mode, sentence encoder from {}",
                std::env::var(crate::triage::encoder::ENV).unwrap_or_default()
            ),
            Ok(None) => {}
            Err(message) => {
                eprintln!("tandem: {message}");
                return EX_CONFIG;
            }
        }
    }
    // Only `serve` and `migrate` may create a database; every other command works on an
    // existing one and says which it opened (a typo in the path must not silently start
    // an empty database).
    let creates = matches!(
        cli.command,
        Command::Serve { .. } | Command::Migrate | Command::Bench { .. } | Command::Eval { .. }
    );
    if !matches!(cli.command, Command::Bench { .. } | Command::Eval { .. }) {
        match database_check(&config.database_url, creates) {
            // `check` names the database first in its own report.
            Ok(_) if matches!(cli.command, Command::Check { .. }) => {}
            Ok(described) => eprintln!("tandem: database: {described}"),
            Err(message) => {
                eprintln!("tandem: {message}");
                return if matches!(cli.command, Command::IngestMail) {
                    EX_TEMPFAIL
                } else {
                    EX_CONFIG
                };
            }
        }
    }
    match cli.command {
        Command::Eval {
            train,
            test,
            predictions,
        } => eval(&train, &test, predictions.as_deref()),
        Command::IngestMail => ingest_mail(config),
        Command::Bench {
            command,
            database_url,
        } => bench(config, command, database_url),
        Command::Serve { demo } => {
            with_app(config, true, |app| crate::web::serve(Arc::new(app), demo))
        }
        Command::Migrate => with_app(config, true, |_| Ok(())),
        Command::User {
            command: UserCommand::Add { email, name, role },
        } => with_app(config, true, |app| {
            let password = read_password()?;
            let user = app::users::add(&app, &email, &name, &role, &password)?;
            println!("created {} {} ({})", user.role, user.email, user.name);
            Ok(())
        }),
        Command::User {
            command: UserCommand::Reset { email },
        } => with_app(config, true, |app| {
            let link = app::accounts::reset_link_for_operator(&app, &email)?;
            eprintln!(
                "tandem: one-time link for {email}, valid for {} hours:",
                app::accounts::RESET_HOURS
            );
            println!("{link}");
            Ok(())
        }),
        Command::User {
            command: UserCommand::Passwd { email },
        } => with_app(config, true, |app| {
            let password = read_password()?;
            let user = app::accounts::set_password_by_operator(&app, &email, &password)?;
            println!("password set for {}; their sessions were ended", user.email);
            Ok(())
        }),
        Command::User {
            command: UserCommand::TwoFactorOff { email },
        } => with_app(config, true, |app| {
            app::two_factor::disable_by_operator(&app, &email)?;
            println!("two-factor sign-in is off for {email}");
            Ok(())
        }),
        Command::Kb {
            command: KbCommand::Import { path },
        } => with_app(config, true, |app| {
            let report = app::kb::import(&app, &path, progress_bar("articles"))?;
            println!(
                "imported {} new and {} updated articles; triage engine retrained",
                report.created, report.updated
            );
            Ok(())
        }),
        Command::Ticket { command } => with_app(config, false, |app| print_tickets(&app, command)),
        Command::Customer {
            command: CustomerCommand::Export { email, out },
        } => customer_export(config, &email, &out),
        Command::Customer {
            command: CustomerCommand::Erase { email, reason },
        } => with_app(config, true, |app| {
            let done = app::privacy::erase(&app, &email, &reason, None)?;
            match done.pseudonym {
                Some(p) => println!(
                    "erased: {} tickets, {} messages, {} attachments, {} raw messages; the customer is now {p}",
                    done.tickets, done.messages, done.attachments, done.raw_mail
                ),
                None if done.mentions > 0 => println!(
                    "no customer has this address (any more); taken out of {} places on others' tickets (participants, events)",
                    done.mentions
                ),
                None => println!("no customer has this address (any more); nothing to erase"),
            }
            Ok(())
        }),
        Command::Customer {
            command: CustomerCommand::Hold { email, off },
        } => with_app(config, true, |app| {
            app::privacy::set_hold(&app, app::privacy::HoldTarget::Customer(&email), !off, None)?;
            println!("legal hold {}", if off { "lifted" } else { "on" });
            Ok(())
        }),
        Command::Secret {
            command: SecretCommand::Set { name },
        } => with_app(config, true, |app| {
            let value = read_password()?;
            app::secrets::store(&app, &name, &value, None)?;
            println!("stored {name} (encrypted)");
            Ok(())
        }),
        Command::Token {
            command: TokenCommand::Add { name, scopes },
        } => with_app(config, true, |app| {
            let (row, token) = app::api::create_token(&app, &name, &scopes)?;
            eprintln!(
                "tandem: token {} ({}) with scopes {}; it is shown this once:",
                row.name, row.id, row.scopes
            );
            println!("{token}");
            Ok(())
        }),
        Command::Token {
            command: TokenCommand::List,
        } => with_app(config, false, |app| {
            for t in app::api::tokens(&app)? {
                let state = match (t.revoked_at, t.last_used_at) {
                    (Some(r), _) => format!("revoked {}", r.format("%Y-%m-%d %H:%M UTC")),
                    (None, Some(u)) => format!("last used {}", u.format("%Y-%m-%d %H:%M UTC")),
                    (None, None) => "never used".into(),
                };
                println!("{}\t{}\t{}\t{state}", t.id, t.name, t.scopes);
            }
            Ok(())
        }),
        Command::Token {
            command: TokenCommand::Revoke { id_or_name },
        } => with_app(config, true, |app| {
            match app::api::revoke(&app, &id_or_name)? {
                0 => Err(app::AppError::NotFound(format!("live token {id_or_name}"))),
                n => {
                    println!("revoked {n} token(s)");
                    Ok(())
                }
            }
        }),
        Command::Secret {
            command: SecretCommand::List,
        } => with_app(config, false, |app| {
            for name in app::secrets::names(&app)? {
                println!("{name}");
            }
            Ok(())
        }),
        Command::Retention { dry_run } => with_app(config, true, |app| {
            let plan =
                app::privacy::run_retention(&app, dry_run, &crate::store::events::Actor::CLI)?;
            for line in plan.lines() {
                println!("{line}");
            }
            eprintln!(
                "tandem: {} {} raw message(s) and {} settled ticket(s)",
                if dry_run { "would remove" } else { "removed" },
                plan.raw_mail.len(),
                plan.tickets.len()
            );
            Ok(())
        }),
        Command::Customer {
            command: CustomerCommand::Vip { email, off },
        } => with_app(config, true, |app| {
            let email = app::customers::set_vip(
                &app,
                app::customers::CustomerRef::Email(&email),
                !off,
                None,
            )?;
            if off {
                println!("{email} is no longer marked VIP");
            } else {
                println!("{email} is marked VIP: their messages will always go to a person");
            }
            Ok(())
        }),
        Command::FailedMail { json } => with_app(config, false, |app| {
            let rows = app::failed_mail::list(&app, 1000)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&rows).unwrap_or_default()
                );
            } else if rows.is_empty() {
                println!("no failed mail");
            } else {
                for r in rows {
                    println!(
                        "{}  {}  {} bytes  {} attempts  {}",
                        r.received_at,
                        r.message_id.as_deref().unwrap_or("-"),
                        r.size,
                        r.attempts,
                        r.reason
                    );
                }
            }
            Ok(())
        }),
        Command::Check { full } => with_app(config, false, |app| {
            let health = app::health::check(&app, full)?;
            print!("{}", health_report(&health));
            if health.is_sound() {
                Ok(())
            } else {
                Err(AppError::Invalid("the store has problems (above)".into()))
            }
        }),
        Command::Deliver => with_app(config, true, |app| {
            let transport =
                app::outbox::transport(&app).map_err(|e| AppError::Invalid(e.to_string()))?;
            // Without `serve`, mail `ingest-mail` queued for a server that stopped is
            // processed here first, so its answers go out too.
            for _ in 0..10_000 {
                if app::ingest_batch::process_backlog(&app, app::ingest_batch::MAX_BATCH)? == 0 {
                    break;
                }
            }
            let round = app::outbox::deliver_due(&app, &transport, usize::MAX)?;
            println!(
                "sent {}, retrying later {}, failed {}",
                round.sent, round.retrying, round.failed
            );
            Ok(())
        }),
    }
}

/// Names the configured database, or says why a command may not use it: a SQLite file
/// that does not exist is created only by `serve` and `migrate` (`creates`).
fn database_check(url: &str, creates: bool) -> Result<String, String> {
    let target = crate::store::DbTarget::parse(url).map_err(|e| e.to_string())?;
    let crate::store::DbTarget::Sqlite(path) = &target else {
        return Ok(target.describe());
    };
    // The full path: a relative one depends on the folder the command ran in.
    let shown = std::path::Path::new(path);
    let absolute = std::env::current_dir()
        .map(|d| d.join(shown))
        .unwrap_or_else(|_| shown.to_path_buf());
    if !creates && !shown.exists() {
        return Err(format!(
            "no database at {} (TANDEM_DATABASE_URL={url}); this command does not create one. \
             Create it with `tandem migrate` (or start `tandem serve`), or point \
             TANDEM_DATABASE_URL at the existing database.",
            absolute.display()
        ));
    }
    Ok(format!("SQLite file {}", absolute.display()))
}

/// `customer export EMAIL --out FILE.zip`: exit 0, or 66 when no customer has the address.
fn customer_export(config: Config, email: &str, out: &std::path::Path) -> i32 {
    let mut unknown = false;
    let code = with_app(config, true, |app| {
        match app::privacy::export(&app, email, None) {
            Ok(export) => {
                std::fs::write(out, &export.zip).map_err(|e| {
                    AppError::Invalid(format!("cannot write {}: {e}", out.display()))
                })?;
                println!(
                    "wrote {}: {} tickets, {} messages, {} attachments, {} raw messages",
                    out.display(),
                    export.tickets,
                    export.messages,
                    export.attachments,
                    export.raw_messages
                );
                Ok(())
            }
            Err(e @ AppError::NotFound(_)) => {
                unknown = true;
                Err(e)
            }
            Err(e) => Err(e),
        }
    });
    if unknown { EX_NOINPUT } else { code }
}

fn bench(mut config: Config, command: BenchCommand, database_url: Option<String>) -> i32 {
    let scratch = tempfile_dir();
    config.database_url =
        database_url.unwrap_or_else(|| format!("sqlite://{}", scratch.join("bench.db").display()));
    config.mail_dir = scratch.join("mail-out");
    config.inbound_secret = Some(crate::bench_ingest::BENCH_SECRET.into());
    eprintln!(
        "bench: {} (mail to {})",
        crate::store::DbTarget::parse(&config.database_url)
            .map(|t| t.describe())
            .unwrap_or_default(),
        config.mail_dir.display()
    );
    with_app(config, true, |app| {
        let app = Arc::new(app);
        match command {
            BenchCommand::Ingest {
                emails,
                clients,
                desk,
            } => {
                busy_desk(&app, &desk)?;
                crate::bench_ingest::ingest(&app, &scratch, emails, &clients)?;
            }
            BenchCommand::Pipe {
                emails,
                parallel,
                with_server,
                through_database,
                desk,
            } => {
                busy_desk(&app, &desk)?;
                let server = if with_server {
                    let exe =
                        std::env::current_exe().map_err(|e| AppError::Invalid(e.to_string()))?;
                    Some(crate::bench_ingest::ServerProcess::start(
                        &exe,
                        &crate::bench_ingest::child_env(&app, crate::bench_ingest::BENCH_SECRET),
                        &scratch.join("serve.log"),
                    )?)
                } else {
                    None
                };
                let hand_to = server.as_ref().filter(|_| !through_database);
                let rate = crate::bench_ingest::pipe(&app, emails, parallel, hand_to)?;
                println!(
                    "ingest-mail (one process per email, {parallel} at a time{}): {rate:.0} emails/s over {emails} emails",
                    match (with_server, through_database) {
                        (true, false) => ", handed to the running serve",
                        (true, true) => ", stored through the database for the running serve",
                        _ => "",
                    }
                );
                drop(server);
            }
            BenchCommand::Soak {
                minutes,
                rate,
                desk,
            } => {
                busy_desk(&app, &desk)?;
                crate::bench_ingest::soak(&app, &scratch, minutes, rate)?;
            }
            BenchCommand::Triage { train, messages } => {
                let rows = crate::triage::eval::read_rows(&train)
                    .map_err(|e| AppError::Invalid(e.to_string()))?;
                let examples: Vec<crate::triage::LabeledExample> = rows
                    .iter()
                    .map(|r| crate::triage::LabeledExample {
                        text: r.text.clone(),
                        intent: r.intent.clone(),
                        positive: true,
                    })
                    .collect();
                let cfg =
                    crate::triage::classifier::Config::from_env().map_err(AppError::Invalid)?;
                let started = std::time::Instant::now();
                let engine = crate::triage::Engine::train_with(&[], &examples, &cfg);
                println!(
                    "trained on {} examples in {:.2} s",
                    examples.len(),
                    started.elapsed().as_secs_f64()
                );
                let texts: Vec<String> = rows.into_iter().map(|r| r.text).collect();
                let report = crate::triage::eval::bench_throughput(
                    &engine,
                    &texts,
                    messages,
                    &crate::triage::Settings::default(),
                );
                println!("{report}");
            }
            BenchCommand::Prior {
                datasets,
                trials,
                threshold,
                kb,
            } => {
                let threshold = threshold.unwrap_or(crate::triage::DEFAULT_AUTO_THRESHOLD);
                let cfg =
                    crate::triage::classifier::Config::from_env().map_err(AppError::Invalid)?;
                let articles = match kb {
                    Some(path) => crate::triage::prior::read_kb(&path)
                        .map_err(|e| AppError::Invalid(e.to_string()))?,
                    None => Vec::new(),
                };
                let report =
                    crate::triage::prior::run(&datasets, trials, threshold, &cfg, &articles)
                        .map_err(|e| AppError::Invalid(e.to_string()))?;
                print!("{report}");
            }
            BenchCommand::Learning {
                train,
                test,
                seeds,
                checkpoints,
                threshold,
            } => {
                let read = |p: &PathBuf| {
                    crate::triage::eval::read_rows(p).map_err(|e| AppError::Invalid(e.to_string()))
                };
                let (train, test) = (read(&train)?, read(&test)?);
                let threshold = threshold.unwrap_or(crate::triage::DEFAULT_AUTO_THRESHOLD);
                println!(
                    "{seeds} seed questions per intent, {} stream rows, {} test rows, threshold {threshold:.2}",
                    train.len(),
                    test.len()
                );
                let traffic = test.iter().any(|r| r.intent == crate::triage::OOS_INTENT);
                println!("{}", crate::triage::eval::learning_header(traffic));
                let points = crate::triage::eval::learning_curve(
                    &train,
                    &test,
                    seeds,
                    &checkpoints,
                    threshold,
                    42,
                    &crate::triage::classifier::Config::from_env().map_err(AppError::Invalid)?,
                );
                for p in points {
                    println!("{p}");
                }
            }
            BenchCommand::Dashboard {
                tickets,
                events_per_ticket,
                runs,
                days,
            } => {
                println!(
                    "{}",
                    app::metrics::bench_dashboard_over(
                        &app,
                        tickets,
                        events_per_ticket,
                        runs,
                        days
                    )?
                );
            }
            BenchCommand::Console {
                tickets,
                open,
                events_per_ticket,
                days,
                requests,
            } => {
                let shape = crate::store::seed::Backlog {
                    tickets,
                    open: open.min(tickets),
                    events_per_ticket,
                    days,
                };
                for (page, latency) in crate::bench::console(app.clone(), &shape, requests)? {
                    println!("{page:<34} {latency}");
                }
            }
        }
        Ok(())
    })
}

/// The sample knowledge base and a busy week of tickets, for the ingest benchmarks.
fn busy_desk(app: &App, desk: &BusyWeek) -> Result<(), AppError> {
    import_sample_kb(app)?;
    crate::bench::seed_backlog(app, &crate::bench::busy_week(desk.backlog))
}

fn import_sample_kb(app: &App) -> Result<(), AppError> {
    app::kb::import_jsonl(
        app,
        include_str!("../samples/kb.jsonl"),
        "sample knowledge base",
    )?;
    Ok(())
}

/// A fresh scratch folder for benchmark data.
fn tempfile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tandem-bench-{}", uuid::Uuid::new_v4().simple()));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

fn init_tracing(serving: bool) {
    let default = if serving { "info" } else { "warn" };
    let filter = tracing_subscriber::EnvFilter::try_from_env("TANDEM_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// `tandem check`'s report, one finding a line.
fn health_report(h: &app::health::Health) -> String {
    use crate::store::health::Integrity;
    let mut out = format!("database: {}\n", h.database);
    match &h.integrity {
        Integrity::Sound => out.push_str("integrity: ok\n"),
        Integrity::NotChecked => {
            out.push_str("integrity: not checked (PostgreSQL guards its own files; see pg_amcheck)\n")
        }
        Integrity::Problems(problems) => {
            out.push_str(&format!(
                "integrity: DAMAGED, {} problem(s) found; stop the servers, keep a copy of the \
                 file and restore the last backup\n",
                problems.len()
            ));
            for line in problems.iter().flat_map(|p| p.lines()) {
                out.push_str(&format!("  {line}\n"));
            }
            return out;
        }
    }
    if !h.pending_migrations.is_empty() {
        out.push_str(&format!(
            "migrations: {} waiting (tandem migrate): {}\n",
            h.pending_migrations.len(),
            h.pending_migrations.join(", ")
        ));
        return out;
    }
    out.push_str("migrations: all applied\n");
    out.push_str(&format!(
        "inbound: {} waiting to be processed, {} parked as failed{}\n",
        h.inbound_waiting,
        h.inbound_failed,
        if h.inbound_failed > 0 { " (tandem failed-mail)" } else { "" }
    ));
    let oldest = h
        .outbox_oldest_due
        .map(|t| format!(", the oldest due since {} UTC", t.format("%Y-%m-%d %H:%M:%S")))
        .unwrap_or_default();
    out.push_str(&format!(
        "outbox: {} waiting to be sent{oldest}, {} failed for good\n",
        h.outbox_waiting, h.outbox_failed
    ));
    out
}

fn with_app(config: Config, migrate: bool, f: impl FnOnce(App) -> Result<(), AppError>) -> i32 {
    let app = match App::open(config) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("tandem: {e}");
            return if e.is_temporary() {
                EX_TEMPFAIL
            } else {
                EX_CONFIG
            };
        }
    };
    if migrate {
        match app.migrate() {
            Ok(0) => {}
            Ok(n) => eprintln!("tandem: applied {n} migration(s)"),
            Err(e) => {
                eprintln!("tandem: {e}");
                return EX_TEMPFAIL;
            }
        }
    }
    match f(app) {
        Ok(()) => EX_OK,
        Err(e) => {
            eprintln!("tandem: {e}");
            match e {
                _ if e.is_temporary() => EX_TEMPFAIL,
                AppError::Invalid(_)
                | AppError::NotFound(_)
                | AppError::Conflict(_)
                | AppError::Refused(_) => EX_DATAERR,
                _ => EX_SOFTWARE,
            }
        }
    }
}

/// `ingest-mail`: stores, triages and queues; exits 0 (stored), 65 (a retry cannot help:
/// malformed, or parked as failed for an admin) or 75 (try again). It never delivers:
/// an MTA's pipe must return within seconds, so the answers it queued go out through
/// `serve`'s outbox worker or `tandem deliver`. A panic maps to 75, never 101.
fn ingest_mail(config: Config) -> i32 {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| ingest_mail_inner(config)))
        .unwrap_or_else(|_| {
            eprintln!("tandem: internal error before the message was stored; try again");
            EX_TEMPFAIL
        })
}

fn ingest_mail_inner(config: Config) -> i32 {
    let started = std::time::Instant::now();
    let mut raw = Vec::new();
    if let Err(e) = std::io::stdin()
        .lock()
        .take(config.max_message_bytes as u64 + 1)
        .read_to_end(&mut raw)
    {
        eprintln!("tandem: cannot read stdin: {e}");
        return EX_TEMPFAIL;
    }
    // A server on this machine stores it with its group commit; opening the database
    // here would cost more than that whole round trip.
    match app::handoff::hand_to_local_server(&config, &raw) {
        Ok(accepted) => return ingest_exit(Ok(handed_over(&accepted))),
        Err(why) => tracing::debug!(%why, "not handed to a local server"),
    }
    let app = match App::open_with_pool_size(config, 1) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("tandem: {e}");
            return EX_TEMPFAIL;
        }
    };
    tracing::debug!(ms = started.elapsed().as_secs_f64() * 1e3, "connected");
    if let Err(e) = app.migrate() {
        eprintln!("tandem: {e}");
        return EX_TEMPFAIL;
    }
    tracing::debug!(
        ms = started.elapsed().as_secs_f64() * 1e3,
        "migrations checked"
    );
    // A running server processes what is stored for it: loading the triage model here
    // would cost more than the whole store.
    match app::ingest_batch::server_running(&app) {
        Ok(true) => return ingest_mail_for_server(&app, &raw),
        Ok(false) => {}
        Err(e) => {
            eprintln!("tandem: temporary failure, try again: {e}");
            return EX_TEMPFAIL;
        }
    }
    if let Err(message) = crate::triage::embedding::check() {
        eprintln!("tandem: triage: {message}");
        return EX_TEMPFAIL;
    }
    let result = app::ingest::ingest_email(&app, &raw);
    tracing::debug!(ms = started.elapsed().as_secs_f64() * 1e3, "ingested");
    ingest_exit(result.map(|outcome| match outcome {
        app::ingest::Outcome::Accepted {
            ticket_number,
            new_ticket,
            action,
        } => accepted_line(ticket_number, new_ticket, &action),
        app::ingest::Outcome::Duplicate { ticket_number } => already_received(ticket_number),
    }))
}

/// `ingest-mail` beside a running server: stored durably, processed by the server.
fn ingest_mail_for_server(app: &App, raw: &[u8]) -> i32 {
    ingest_exit(
        app::ingest_batch::store_for_server(app, raw).map(|stored| match stored {
            app::ingest_batch::Stored::Queued => "stored; the running server processes it".into(),
            app::ingest_batch::Stored::Duplicate { ticket_number } => {
                already_received(ticket_number)
            }
        }),
    )
}

/// What `ingest-mail` says when the local server took the message.
fn handed_over(accepted: &app::handoff::Accepted) -> String {
    match accepted {
        app::handoff::Accepted {
            duplicate: true,
            ticket,
            ..
        } => already_received(*ticket),
        app::handoff::Accepted {
            ticket: Some(number),
            new_ticket,
            decision,
            ..
        } => format!(
            "{}; stored by the running server",
            accepted_line(*number, *new_ticket, decision.as_deref().unwrap_or("?"))
        ),
        _ => "stored by the running server".into(),
    }
}

/// The line an MTA's log keeps for an accepted message, whichever path stored it.
fn accepted_line(ticket_number: i64, new_ticket: bool, decision: &str) -> String {
    format!(
        "ticket #{ticket_number} ({}), decision {decision}",
        if new_ticket { "new" } else { "reply" }
    )
}

fn already_received(ticket_number: Option<i64>) -> String {
    format!(
        "already received (ticket #{}); nothing new",
        ticket_number
            .map(|n| n.to_string())
            .unwrap_or_else(|| "?".into())
    )
}

/// What `ingest-mail` tells the MTA: 0 stored, 65 a retry cannot help, 75 try again.
fn ingest_exit(result: Result<String, AppError>) -> i32 {
    match result {
        Ok(line) => {
            eprintln!("tandem: {line}");
            EX_OK
        }
        Err(AppError::Malformed(e)) => {
            eprintln!("tandem: malformed message: {e}");
            EX_DATAERR
        }
        Err(e @ AppError::Unprocessable(_)) => {
            eprintln!("tandem: {e}");
            EX_DATAERR
        }
        Err(e) => {
            eprintln!("tandem: temporary failure, try again: {e}");
            EX_TEMPFAIL
        }
    }
}

fn read_password() -> Result<String, AppError> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("password: ");
        let _ = std::io::stderr().flush();
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(|e| AppError::Invalid(format!("cannot read password: {e}")))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

use std::io::BufRead as _;

fn print_tickets(app: &App, command: TicketCommand) -> Result<(), AppError> {
    match command {
        TicketCommand::Hold { number, off } => {
            app::privacy::set_hold(app, app::privacy::HoldTarget::Ticket(number), !off, None)?;
            println!(
                "ticket #{number}: legal hold {}",
                if off { "lifted" } else { "on" }
            );
        }
        TicketCommand::List {
            json,
            limit,
            offset,
        } => {
            let tickets = app::tickets::list(app, limit, offset)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&tickets).expect("serialisable")
                );
            } else if tickets.is_empty() {
                println!("no tickets yet: pipe an email into `tandem ingest-mail` to create one");
            } else {
                for t in tickets {
                    println!(
                        "#{:<6} {:<20} {:<30} {}",
                        t.number, t.status, t.customer, t.subject
                    );
                }
            }
        }
        TicketCommand::Show { number, json } => {
            let t = app::tickets::show(app, number)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&t).expect("serialisable")
                );
            } else {
                println!(
                    "#{} {} [{}] from {}",
                    t.summary.number, t.summary.subject, t.summary.status, t.summary.customer
                );
                for m in &t.messages {
                    println!(
                        "\n--- {} {} {} ---\n{}",
                        m.created_at,
                        m.direction,
                        m.author,
                        m.text.trim()
                    );
                }
                for d in &t.drafts {
                    println!("\ndraft [{}] {}: {}", d.status, d.decision, d.reason);
                }
            }
        }
    }
    Ok(())
}

/// A progress line on stderr for long work (only when stderr is a terminal).
pub fn progress_bar(what: &'static str) -> impl FnMut(usize, usize) {
    let tty = std::io::stderr().is_terminal();
    let mut last = std::time::Instant::now();
    move |done, total| {
        if !tty {
            return;
        }
        if done == total || last.elapsed().as_millis() > 100 {
            last = std::time::Instant::now();
            let width = 30;
            let filled = (done * width).checked_div(total).unwrap_or(width);
            eprint!(
                "\r[{}{}] {done}/{total} {what}",
                "#".repeat(filled),
                " ".repeat(width - filled)
            );
            if done == total {
                eprintln!();
            }
        }
    }
}

fn eval(
    train: &std::path::Path,
    test: &std::path::Path,
    predictions: Option<&std::path::Path>,
) -> i32 {
    let mut progress = progress_bar("messages");
    match crate::triage::eval::run(train, test, predictions, &mut progress) {
        Ok(report) => {
            println!("{report}");
            EX_OK
        }
        Err(e) => {
            eprintln!("tandem: eval: {e}");
            EX_DATAERR
        }
    }
}
