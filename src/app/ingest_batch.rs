//! Group commit for inbound mail: messages that arrive together are stored and processed
//! by a writer thread in one transaction, and each sender is answered only after the
//! commit that holds its message. SQLite has one writer, PostgreSQL several
//! ([`POSTGRES_WRITERS`]) taking groups from the same queue.
//!
//! Why: concurrent requests that each run their own transactions only queue on SQLite's
//! write lock (and on PostgreSQL each pays a commit round trip and a WAL flush). One
//! writer that takes whatever is waiting when it finishes a batch turns N commits into
//! one without ever waiting on purpose: a lone message is committed at once, and the
//! busier the endpoint, the bigger the batches.
//!
//! Every guarantee of [`ingest::ingest_email`] holds. The raw bytes are written in the
//! batch transaction before the message is processed; each message is processed inside
//! its own savepoint, so a message that fails or panics is rolled back alone and parked
//! (or answered "try again") while the others commit. A copy of a message already in the
//! batch finds it processed and answers with its ticket. When the batch transaction
//! itself fails, each of its messages is run again alone through `ingest_email`; when the
//! database is unreachable, every sender is told to try again.

use std::sync::{Arc, Mutex, mpsc};

use tokio::sync::oneshot;

use crate::mail::parse;
use crate::store::models::RawMailRow;
use crate::store::{self, DbConn, StoreError};

use super::ingest::{self, Outcome};
use super::{App, AppError};

/// Most messages in one transaction: bounds how long the write lock is held at once.
pub const MAX_BATCH: usize = 64;

/// What a sender waits for: the outcome of its message, sent after the commit.
pub type Answer = oneshot::Receiver<Result<Outcome, AppError>>;

/// The queue in front of the process's ingest writers (started on the first message).
#[derive(Default)]
pub struct Writer {
    sender: Mutex<Option<mpsc::Sender<Item>>>,
}

/// What the writers' queue carries.
enum Item {
    Message(Job),
    Errand(Errand),
}

/// Other write work done on the SQLite writer's own connection between its groups
/// ([`on_writer`]).
struct Errand {
    database_url: String,
    work: Box<dyn FnOnce(Result<&mut DbConn, StoreError>) + Send>,
}

struct Job {
    // Each job carries the app, so the writer thread holds it only while it works and
    // stops once the app (and with it this queue) is dropped.
    app: Arc<App>,
    raw: Vec<u8>,
    read: Option<ingest::Reading>,
    reply: oneshot::Sender<Result<Outcome, AppError>>,
}

/// Hands a raw message to the writer; the answer comes once its transaction committed
/// (or failed). A dropped answer means the writer died: the sender should try again.
/// The message is parsed and read by the triage engine first, on the caller's thread
/// ([`ingest::read`]): the writer, which every message waits for, then only decides and
/// stores.
pub fn submit(app: &Arc<App>, raw: Vec<u8>) -> Answer {
    let (reply, answer) = oneshot::channel();
    let job = Job {
        app: app.clone(),
        read: ingest::read(app, &raw),
        raw,
        reply,
    };
    let mut sender = app.ingest_writer.sender.lock().expect("ingest writer lock");
    let job = match sender.as_ref() {
        Some(s) => match s.send(Item::Message(job)) {
            Ok(()) => return answer,
            // Every writer died (they never should): start others.
            Err(mpsc::SendError(Item::Message(job))) => job,
            Err(mpsc::SendError(Item::Errand(_))) => unreachable!("a message was sent"),
        },
        None => job,
    };
    let (tx, rx) = mpsc::channel();
    let rx = Arc::new(Mutex::new(rx));
    let mut started = 0;
    let mut failure = None;
    for n in 0..writers(&app.config.database_url) {
        let rx = rx.clone();
        match std::thread::Builder::new()
            .name(format!("ingest-writer-{n}"))
            .spawn(move || run(&rx))
        {
            Ok(_) => started += 1,
            Err(e) => failure = Some(e),
        }
    }
    if started == 0 {
        let e = failure.map(|e| e.to_string()).unwrap_or_default();
        let _ = job.reply.send(Err(AppError::Temporary(format!(
            "cannot start the writer: {e}"
        ))));
        return answer;
    }
    // The receiver is alive: the threads own it.
    let _ = tx.send(Item::Message(job));
    *sender = Some(tx);
    answer
}

/// How many writers take groups from the queue at once. SQLite lets one transaction write
/// at a time, so a second writer would only wait for the lock. PostgreSQL runs
/// transactions side by side, and a lone writer spent most of its time waiting for the
/// database's answers to its statements (a third of the machine idle at 16 clients).
fn writers(database_url: &str) -> usize {
    match store::DbTarget::parse(database_url) {
        Ok(store::DbTarget::Postgres(_)) => POSTGRES_WRITERS,
        _ => 1,
    }
}

/// Writers on PostgreSQL; each holds a pool connection while it commits a group. Two,
/// not three: once PostgreSQL's own work an email was what filled the machine, a third
/// writer only split the waiting messages into smaller groups, each paying its commit
/// (`bench ingest --database-url postgres://… --clients 16`: 1,095-1,145 emails/s with
/// two against 838-1,058 with three in five of six alternating pairs; one writer
/// left the machine idle, 455-534).
pub const POSTGRES_WRITERS: usize = 2;

/// Whether write work can be handed to the SQLite ingest writer ([`on_writer`]): the store
/// is SQLite and the writer is running (it starts with the first message).
pub fn writer_takes_errands(app: &App) -> bool {
    matches!(
        store::DbTarget::parse(&app.config.database_url),
        Ok(store::DbTarget::Sqlite(_))
    ) && app
        .ingest_writer
        .sender
        .lock()
        .map(|s| s.is_some())
        .unwrap_or(false)
}

/// Runs `work` on the SQLite ingest writer's thread and connection, between two of its
/// groups, and returns its result; `None` when no writer took it (none is running, or it
/// panicked).
///
/// Every commit by another connection empties the writer's page cache (SQLite starts each
/// transaction by checking whether anyone else wrote), and under a stream of mail the
/// outbox committed between any two groups: the writer then read every page it touched
/// again. Work that would commit beside the writer is better done by it.
pub fn on_writer<T: Send + 'static>(
    app: &App,
    work: impl FnOnce(Result<&mut DbConn, StoreError>) -> T + Send + 'static,
) -> Option<T> {
    let (reply, answer) = mpsc::sync_channel(1);
    let errand = Errand {
        database_url: app.config.database_url.clone(),
        work: Box::new(move |conn| {
            let _ = reply.send(work(conn));
        }),
    };
    {
        let sender = app.ingest_writer.sender.lock().ok()?;
        sender.as_ref()?.send(Item::Errand(errand)).ok()?;
    }
    answer.recv().ok()
}

/// Takes whatever is waiting (up to [`MAX_BATCH`]) and commits it, until the queue is
/// dropped. Several writers share one queue: the one holding the lock waits for the next
/// message and takes what came with it. An errand ([`on_writer`]) ends the group taken
/// so far and is done after it.
///
/// While messages keep coming, the writer keeps a connection of its own (outside the pool,
/// which may be as small as one) from one group to the next. SQLite empties a
/// connection's page cache whenever another connection committed since it last read, so
/// a writer handed a different pool connection for each group read every page it touched
/// again; on PostgreSQL the pool tests a connection it hands out with a round trip of its
/// own, one more statement a group. It is closed after [`WRITER_IDLE`] without work, and
/// after any group that failed.
fn run(rx: &Mutex<mpsc::Receiver<Item>>) {
    let mut held: Option<DbConn> = None;
    let mut after_group: Option<Errand> = None;
    loop {
        if let Some(errand) = after_group.take() {
            run_errand(&mut held, errand);
        }
        let jobs = {
            let Ok(rx) = rx.lock() else { return };
            let first = match rx.recv_timeout(WRITER_IDLE) {
                Ok(item) => item,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    held = None;
                    let Ok(item) = rx.recv() else { return };
                    item
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            };
            let first = match first {
                Item::Message(job) => job,
                Item::Errand(errand) => {
                    after_group = Some(errand);
                    continue;
                }
            };
            let mut jobs = vec![first];
            while jobs.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(Item::Message(job)) => jobs.push(job),
                    Ok(Item::Errand(errand)) => {
                        after_group = Some(errand);
                        break;
                    }
                    Err(_) => break,
                }
            }
            jobs
        };
        let app = jobs[0].app.clone();
        let raws: Vec<&[u8]> = jobs.iter().map(|j| j.raw.as_slice()).collect();
        let reads: Vec<Option<&ingest::Reading>> = jobs.iter().map(|j| j.read.as_ref()).collect();
        let started = std::time::Instant::now();
        let results = ingest_read_on(&app, Some(&mut held), &raws, &reads);
        tracing::debug!(
            messages = jobs.len(),
            ms = started.elapsed().as_secs_f64() * 1e3,
            "ingest batch committed"
        );
        drop((raws, reads));
        for (job, result) in jobs.into_iter().zip(results) {
            let _ = job.reply.send(result);
        }
    }
}

/// Does an errand on the writer's connection. A connection left inside a transaction (the
/// errand panicked) is closed, which rolls the transaction back.
fn run_errand(held: &mut Option<DbConn>, errand: Errand) {
    let conn = match held {
        Some(conn) => Ok(conn),
        None => store::open_one(&errand.database_url).map(|c| held.insert(c)),
    };
    let opened = conn.is_ok();
    let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (errand.work)(conn)));
    let sound = match held.as_mut() {
        Some(c) => !store::in_transaction(c),
        None => true,
    };
    if done.is_err() || !sound || !opened {
        *held = None;
    }
}

/// How long a writer keeps its connection without work.
const WRITER_IDLE: std::time::Duration = std::time::Duration::from_secs(1);

/// Ingests messages together: one transaction for all of them when possible. Returns one
/// result per message, in order, with the meaning of [`ingest::ingest_email`]'s.
pub fn ingest_many(app: &App, raws: &[&[u8]]) -> Vec<Result<Outcome, AppError>> {
    ingest_read(app, raws, &vec![None; raws.len()])
}

/// [`ingest_many`] of messages some of which were read already ([`ingest::read`]; one
/// entry per message). A reading made by an engine that is no longer the newest is
/// ignored: the message is read again by the newest.
pub fn ingest_read(
    app: &App,
    raws: &[&[u8]],
    reads: &[Option<&ingest::Reading>],
) -> Vec<Result<Outcome, AppError>> {
    ingest_read_on(app, None, raws, reads)
}

/// [`ingest_read`] on the connection in `held` when given (one is opened and left there
/// when it holds none), else on one from the pool. A connection whose group failed is
/// closed: it may be broken.
fn ingest_read_on(
    app: &App,
    mut held: Option<&mut Option<DbConn>>,
    raws: &[&[u8]],
    reads: &[Option<&ingest::Reading>],
) -> Vec<Result<Outcome, AppError>> {
    // A configured LLM is asked outside any transaction, message by message. A lone
    // message takes the group's path too: one commit instead of two (the raw bytes, then
    // the processing), and the reading made on the request's thread is used, not redone.
    if app.llm.is_some() {
        return raws.iter().map(|r| ingest::ingest_email(app, r)).collect();
    }
    let mut results: Vec<Option<Result<Outcome, AppError>>> = raws
        .iter()
        .map(|raw| {
            parse::precheck(raw, app.config.max_message_bytes)
                .err()
                .map(|e| Err(AppError::Malformed(e)))
        })
        .collect();
    let todo: Vec<usize> = (0..raws.len()).filter(|&i| results[i].is_none()).collect();
    let group = |held: &mut Option<&mut Option<DbConn>>, careful: bool| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut pooled;
            let conn: &mut DbConn = match held.as_deref_mut() {
                Some(Some(conn)) => conn,
                Some(slot) => slot.insert(store::open_one(&app.config.database_url)?),
                None => {
                    pooled = app.conn()?;
                    &mut pooled
                }
            };
            store::defer_checkpoints(conn)?;
            // The newest triage model is looked up once for the whole group.
            let since = std::time::Instant::now();
            store::transaction(conn, |c| {
                let write = |c: &mut DbConn| {
                    let group = ingest::GroupReads::default();
                    let mut done = Vec::with_capacity(todo.len());
                    for &i in &todo {
                        let ahead = ingest::Ahead {
                            read: reads[i],
                            engine_since: Some(since),
                            stored_here: false,
                            group: Some(&group),
                        };
                        done.push(ingest_one(app, c, raws[i], ahead, careful)?);
                    }
                    Ok::<_, GroupFailure>(done)
                };
                if careful {
                    // Each message's events are written with it, inside its savepoint.
                    write(c)
                } else {
                    // Nothing of an optimistic group is rolled back alone: its events
                    // are written together at its end, a statement for up to 16.
                    store::events::batched(c, write)
                }
            })
        }))
    };
    // Optimistic first: without a savepoint around each message (two round trips each on
    // PostgreSQL, a ninth of a message's statements). Should any message fail or panic,
    // the whole group is rolled back and written again with the savepoints, so that the
    // failing message is rolled back and parked alone while the others commit.
    let mut batch = group(&mut held, false);
    if matches!(batch, Ok(Err(GroupFailure::Redo)) | Err(_)) {
        if batch.is_err()
            && let Some(slot) = held.as_deref_mut()
        {
            // A panic went through the held connection: open a fresh one.
            *slot = None;
        }
        batch = group(&mut held, true);
    }
    let batch = batch.map(|b| {
        b.map_err(|failure| match failure {
            GroupFailure::Store(e) => e,
            // Never returned by a careful group; were it, the messages go one by one.
            GroupFailure::Redo => StoreError::Conflict("a group failed with its savepoints".into()),
        })
    });
    if !matches!(batch, Ok(Ok(_)))
        && let Some(slot) = held
    {
        *slot = None;
    }
    match batch {
        Ok(Ok(done)) => {
            for (&i, result) in todo.iter().zip(done) {
                results[i] = Some(result);
            }
        }
        Ok(Err(e)) if e.is_temporary() => {
            tracing::warn!(error = %e, messages = todo.len(), "ingest batch: database unavailable");
            for &i in &todo {
                results[i] = Some(Err(AppError::Temporary(e.to_string())));
            }
        }
        failed => {
            let why = match failed {
                Ok(Err(e)) => e.to_string(),
                _ => "a panic".into(),
            };
            tracing::warn!(error = %super::privacy::log_safe(&why.to_string()), messages = todo.len(), "ingest batch rolled back; ingesting its messages one by one");
            for &i in &todo {
                results[i] = Some(ingest::ingest_email(app, raws[i]));
            }
        }
    }
    results
        .into_iter()
        .map(|r| r.expect("every message has a result"))
        .collect()
}

/// Why a group's transaction ends without a commit.
enum GroupFailure {
    /// The store failed: the group's messages are answered "try again" or run one by one.
    Store(StoreError),
    /// A message failed or panicked in an optimistic group (no savepoint around each
    /// message): write the group again, carefully.
    Redo,
}

impl From<StoreError> for GroupFailure {
    fn from(e: StoreError) -> Self {
        GroupFailure::Store(e)
    }
}

impl From<diesel::result::Error> for GroupFailure {
    fn from(e: diesel::result::Error) -> Self {
        GroupFailure::Store(e.into())
    }
}

/// Stores and processes one message inside the batch transaction. The outer error
/// aborts the whole batch; the inner result is this message's answer. `careful`: inside a
/// savepoint of its own (see [`process_row`]).
fn ingest_one(
    app: &App,
    c: &mut DbConn,
    raw: &[u8],
    ahead: ingest::Ahead,
    careful: bool,
) -> Result<Result<Outcome, AppError>, GroupFailure> {
    let identity = parse::identity(raw);
    let (row, ahead) = match store::raw_mail::store(
        c,
        &identity.dedup_key,
        identity.message_id.as_deref(),
        raw,
    )? {
        store::raw_mail::Stored::New(row) => (
            row,
            ingest::Ahead {
                stored_here: true,
                ..ahead
            },
        ),
        store::raw_mail::Stored::Seen(row) if row.status == store::raw_mail::PROCESSED => {
            return Ok(ingest::duplicate(c, row.ticket_id.as_deref()));
        }
        store::raw_mail::Stored::Seen(row) => (row, ahead),
    };
    if careful {
        Ok(process_row(app, c, &row, raw, ahead)?)
    } else {
        process_row_optimistically(app, c, &row, raw, ahead)
    }
}

/// [`process_row`] without a savepoint: any failure asks for the group to be redone
/// carefully (a panic goes on unwinding, to the same end).
fn process_row_optimistically(
    app: &App,
    c: &mut DbConn,
    row: &RawMailRow,
    raw: &[u8],
    ahead: ingest::Ahead,
) -> Result<Result<Outcome, AppError>, GroupFailure> {
    let mut parsed = None;
    let mail = match mail_of(c, row, raw, ahead.read, &mut parsed)? {
        Ok(mail) => mail,
        // Refused on its raw row: no event, nothing to roll back.
        Err(refused) => return Ok(Err(refused)),
    };
    match ingest::process_locked(app, c, row, mail, None, raw, ahead) {
        Ok(outcome) => Ok(Ok(outcome)),
        // The database is gone: writing the group again would only fail again.
        Err(AppError::Store(e)) if e.is_temporary() => Err(GroupFailure::Store(e)),
        Err(_) => Err(GroupFailure::Redo),
    }
}

/// The message's mail: the reading's, else parsed now (kept in `parsed`). One that does
/// not parse is marked rejected on its raw row; the inner error is the sender's answer.
fn mail_of<'a>(
    c: &mut DbConn,
    row: &RawMailRow,
    raw: &[u8],
    read: Option<&'a ingest::Reading>,
    parsed: &'a mut Option<parse::InboundMail>,
) -> Result<Result<&'a parse::InboundMail, AppError>, StoreError> {
    if let Some(r) = read {
        return Ok(Ok(&r.mail));
    }
    match parse::parse(raw) {
        Ok(mail) => Ok(Ok(parsed.insert(mail))),
        Err(e) => {
            store::raw_mail::mark_rejected(c, &row.id, &e.to_string())?;
            Ok(Err(e.into()))
        }
    }
}

/// Processes a stored message inside the current transaction, in a savepoint of its own.
fn process_row(
    app: &App,
    c: &mut DbConn,
    row: &RawMailRow,
    raw: &[u8],
    ahead: ingest::Ahead,
) -> Result<Result<Outcome, AppError>, StoreError> {
    let mut parsed = None;
    let mail = match mail_of(c, row, raw, ahead.read, &mut parsed)? {
        Ok(mail) => mail,
        Err(refused) => return Ok(Err(refused)),
    };
    let mut attempt = 0;
    let processed = loop {
        attempt += 1;
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            // A savepoint: a failure (or a panic) rolls back this message alone.
            store::transaction(c, |c| {
                ingest::process_locked(app, c, row, mail, None, raw, ahead)
            })
        }));
        match result {
            Ok(Err(AppError::Store(StoreError::Conflict(_)))) if attempt < 5 => continue,
            other => break other,
        }
    };
    match ingest::settle(row, processed) {
        ingest::Settled::Answer(answer) => Ok(answer),
        ingest::Settled::Park(error) => {
            store::raw_mail::mark_failed(c, &row.id, &error)?;
            Ok(Err(AppError::Unprocessable(error)))
        }
    }
}

/// What `ingest-mail` did with a message when a server will process it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// Durably stored; a running server processes it within moments.
    Queued,
    /// Seen before; nothing new was stored.
    Duplicate { ticket_number: Option<i64> },
}

/// How recently a server must have been seen for `ingest-mail` to leave the processing
/// to it.
pub const SERVER_FRESH_SECONDS: i64 = 10;

/// Whether a `tandem serve` process was seen lately (it processes stored mail).
pub fn server_running(app: &App) -> Result<bool, AppError> {
    let mut conn = app.conn()?;
    let since = store::now() - chrono::Duration::seconds(SERVER_FRESH_SECONDS);
    Ok(store::servers::count_seen_since(&mut conn, since)? > 0)
}

/// `ingest-mail` beside a running server: checks the message can be parsed (a malformed
/// one is refused, as always) and stores it durably, without triage; the server's backlog
/// worker processes it. Costs one small transaction instead of loading the triage model.
pub fn store_for_server(app: &App, raw: &[u8]) -> Result<Stored, AppError> {
    parse::precheck(raw, app.config.max_message_bytes)?;
    let identity = parse::identity(raw);
    let mut conn = app.conn()?;
    if let Err(e) = parse::parse(raw) {
        // Kept, as the inline path keeps it, for the record; the sender is told at once.
        store::transaction(&mut conn, |c| {
            if let store::raw_mail::Stored::New(row) | store::raw_mail::Stored::Seen(row) =
                store::raw_mail::store(c, &identity.dedup_key, identity.message_id.as_deref(), raw)?
                && row.status != store::raw_mail::PROCESSED
            {
                store::raw_mail::mark_rejected(c, &row.id, &e.to_string())?;
            }
            Ok::<_, StoreError>(())
        })?;
        return Err(e.into());
    }
    let stored = store::transaction(&mut conn, |c| {
        let stored =
            store::raw_mail::store(c, &identity.dedup_key, identity.message_id.as_deref(), raw)?;
        // A message stored before and never finished (its processing failed for a while,
        // and its sender's server tries again) is the server's to finish too.
        if let store::raw_mail::Stored::New(row) | store::raw_mail::Stored::Seen(row) = &stored
            && row.status == store::raw_mail::RECEIVED
        {
            store::raw_mail::mark_queued(c, &row.id)?;
        }
        Ok::<_, StoreError>(stored)
    })?;
    match stored {
        store::raw_mail::Stored::Seen(row) if row.status == store::raw_mail::PROCESSED => {
            let ticket_number = match row.ticket_id.as_deref() {
                Some(id) => Some(store::tickets::get(&mut conn, id)?.number),
                None => None,
            };
            Ok(Stored::Duplicate { ticket_number })
        }
        _ => Ok(Stored::Queued),
    }
}

/// How long a stored message may stay unfinished (`received`) before the servers' backlog
/// worker takes it: far longer than processing one takes.
pub const STRANDED_MINUTES: i64 = 5;

/// Queues for the backlog the messages stored over [`STRANDED_MINUTES`] ago and never
/// finished: nothing a customer sent is left unprocessed because its sender's server gave
/// up retrying. Returns how many.
pub fn queue_stranded(app: &App) -> Result<usize, AppError> {
    let mut conn = app.conn()?;
    let before = store::now() - chrono::Duration::minutes(STRANDED_MINUTES);
    let n = store::write_alone(&mut conn, |c| store::raw_mail::queue_stranded(c, before))?;
    if n > 0 {
        tracing::warn!(
            messages = n,
            "mail stored but never processed; queued for processing now"
        );
    }
    Ok(n)
}

/// Processes messages `ingest-mail` queued for a server, oldest first, up to `limit`, in one
/// transaction. On PostgreSQL the rows are claimed with `FOR UPDATE SKIP LOCKED`, so
/// several servers share the backlog. Returns how many were taken.
pub fn process_backlog(app: &App, limit: usize) -> Result<usize, AppError> {
    let mut conn = app.conn()?;
    let batch = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let since = std::time::Instant::now();
        store::transaction(&mut conn, |c| {
            let rows = store::raw_mail::claim_queued(c, limit as i64)?;
            let group = ingest::GroupReads::default();
            for row in &rows {
                // Each message's outcome is recorded on its row (processed, rejected,
                // parked, or queued again for a retry); nobody waits for it.
                let ahead = ingest::Ahead {
                    read: None,
                    engine_since: Some(since),
                    stored_here: false,
                    group: Some(&group),
                };
                let _ = process_row(app, c, row, &row.raw, ahead)?;
            }
            Ok::<_, StoreError>(rows.len())
        })
    }));
    match batch {
        Ok(Ok(n)) => Ok(n),
        Ok(Err(e)) if e.is_temporary() => Err(e.into()),
        failed => {
            let why = match failed {
                Ok(Err(e)) => e.to_string(),
                _ => "a panic".into(),
            };
            tracing::warn!(error = %super::privacy::log_safe(&why.to_string()), "backlog batch rolled back; processing its messages one by one");
            let rows = store::raw_mail::queued(&mut conn, limit as i64)?;
            drop(conn);
            for row in &rows {
                // The single path counts the attempt and parks what keeps failing.
                let _ = ingest::ingest_email(app, &row.raw);
            }
            Ok(rows.len())
        }
    }
}

/// Messages up to this size are cheap to read (see [`reads_inline`]).
const INLINE_READ_BYTES: usize = 256 * 1024;

/// Whether reading a message of `len` bytes (parsing it and the triage engine's reading)
/// is cheap enough for a request's own thread: ordinary mail takes well under a
/// millisecond. A big message, or any in the accurate mode (its sentence encoder takes
/// 7-10 ms a message), is read on the blocking pool instead, so that the requests that
/// share the thread (agents' pages) never wait behind it.
pub fn reads_inline(len: usize) -> bool {
    len <= INLINE_READ_BYTES && crate::triage::encoder::configured().is_none()
}

/// Copies SQLite's write-ahead log into the database file (see [`store::checkpoint`]);
/// the ingest writers leave that to `serve`'s background worker.
pub fn checkpoint(app: &App) -> Result<(), AppError> {
    // Only SQLite keeps such a log: on PostgreSQL the worker would take a connection
    // from the pool five times a second for nothing.
    if let Ok(store::DbTarget::Sqlite(_)) = store::DbTarget::parse(&app.config.database_url) {
        store::checkpoint(&mut *app.conn()?)?;
    }
    Ok(())
}

/// Refreshes this server's heartbeat row.
pub fn beat(app: &App, id: &str, host: &str) -> Result<(), AppError> {
    let mut conn = app.conn()?;
    store::servers::beat(&mut conn, id, host, std::process::id() as i32, store::now())?;
    Ok(())
}

/// This server stops: `ingest-mail` processes inline again unless another one runs.
pub fn sign_off(app: &App, id: &str) -> Result<(), AppError> {
    let mut conn = app.conn()?;
    store::servers::remove(&mut conn, id)?;
    Ok(())
}
