//! Synthetic data for benchmarks: many tickets with their thread, draft and events,
//! written in large transactions (multi-row inserts on PostgreSQL).

use chrono::Duration;
use diesel::prelude::*;

use super::models::{
    CustomerRow, DraftRow, EventRow, MessageRow, OutboxRow, RawMailRow, TicketRow,
};
use super::schema;
use super::{DbConn, StoreError, new_id, now};

/// Inserts rows: one statement for many rows on PostgreSQL, a statement a row on SQLite
/// (inside the caller's transaction, which is what makes SQLite fast).
macro_rules! insert_all {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            DbConn::Sqlite(c) => {
                for row in $rows {
                    diesel::insert_into($table).values(row).execute(c)?;
                }
            }
            DbConn::Postgres(c) => {
                for chunk in $rows.chunks(500) {
                    diesel::insert_into($table).values(chunk).execute(c)?;
                }
            }
        }
    };
}

/// A small deterministic generator (xorshift), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

const INTENTS: &[&str] = &[
    "order_status",
    "refund_request",
    "reset_password",
    "shipping_costs",
    "cancel_subscription",
    "invoice",
    "change_address",
];
const LANGUAGES: &[&str] = &["en", "en", "en", "de", "fr", "es"];
/// Status mix of a lived-in help desk: most tickets are done, a fifth wait for someone.
const OPEN: &[&str] = &[
    "pending_review",
    "escalated",
    "in_progress",
    "waiting_on_customer",
];
const STATUSES: &[(&str, u64)] = &[
    ("pending_review", 8),
    ("escalated", 5),
    ("in_progress", 3),
    ("waiting_on_customer", 5),
    ("auto_answered", 42),
    ("resolved", 30),
    ("closed", 7),
];

/// The shape of a synthetic help desk: `tickets` in all over `days`, of which `open` still
/// wait for someone (a backlog), each with the raw mail that opened it, its message, a
/// draft, the reply sent (an answer or an acknowledgement, with its outbox row) and
/// `events_per_ticket` events.
pub struct Backlog {
    pub tickets: usize,
    pub open: usize,
    pub events_per_ticket: usize,
    pub days: i64,
}

/// Event kinds in the mix a live desk writes; every fourth is an agent's (what the audit
/// log lists), the rest the system's.
const EVENT_KINDS: &[(&str, bool)] = &[
    ("message_received", false),
    ("triage_decision", false),
    ("mail_sent", false),
    ("ticket_viewed", true),
    ("customer_replied", false),
    ("reopened", false),
    ("resolved", false),
    ("draft_approved", true),
];

/// Writes the synthetic tickets of `shape`; `progress(done, total)`.
pub fn tickets(
    conn: &mut DbConn,
    shape: &Backlog,
    mut progress: impl FnMut(usize, usize),
) -> Result<(), StoreError> {
    let Backlog {
        tickets,
        open,
        events_per_ticket,
        days,
    } = *shape;
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let at = now();
    let run = new_id();
    let run = &run[run.len() - 6..];
    let customers: Vec<CustomerRow> = (0..(tickets / 5).max(1))
        .map(|i| CustomerRow {
            id: new_id(),
            email: format!("c{i}-{run}@bench.example"),
            name: Some(format!("Customer {i}")),
            language: None,
            vip: false,
            created_at: at,
        })
        .collect();
    super::transaction(conn, |c| -> Result<(), StoreError> {
        insert_all!(c, schema::customers::table, &customers);
        Ok(())
    })?;
    let first_number = schema::tickets::table
        .select(diesel::dsl::max(schema::tickets::number))
        .first::<Option<i64>>(conn)?
        .unwrap_or(1000)
        + 1;
    let agent = super::models::UserRow {
        id: new_id(),
        email: format!("seed-agent-{run}@bench.example"),
        name: "Seeded Agent".into(),
        role: "agent".into(),
        password_hash: "-".into(),
        active: true,
        languages: String::new(),
        created_at: at,
        single_keys: true,
        open_next: false,
        console_language: crate::i18n::FALLBACK.to_string(),
    };
    insert_all!(
        &mut *conn,
        schema::users::table,
        std::slice::from_ref(&agent)
    );
    let (open_statuses, done_statuses): (Vec<&(&str, u64)>, Vec<&(&str, u64)>) =
        STATUSES.iter().partition(|(s, _)| OPEN.contains(s));
    let pick_status = |r: u64| {
        // `open` of `tickets` still wait: a per-million share keeps the count exact
        // enough without a second pass.
        let share = (open as u64 * 1_000_000) / tickets.max(1) as u64;
        let from = if (r >> 3) % 1_000_000 < share {
            &open_statuses
        } else {
            &done_statuses
        };
        let total: u64 = from.iter().map(|s| s.1).sum();
        let mut pick = (r >> 17) % total.max(1);
        from.iter()
            .find(|(_, w)| {
                if pick < *w {
                    true
                } else {
                    pick -= w;
                    false
                }
            })
            .map(|s| s.0)
            .unwrap_or("resolved")
    };
    let batch = 2000;
    let mut done = 0;
    while done < tickets {
        let n = batch.min(tickets - done);
        let (mut ts, mut ms, mut ds, mut es) = (
            Vec::with_capacity(n),
            Vec::with_capacity(2 * n),
            Vec::with_capacity(n),
            Vec::new(),
        );
        // What a desk that received these tickets keeps besides: the raw mail of each and
        // the reply that went out. Without them the store's raw mail and outbox tables
        // start empty, and PostgreSQL plans their look-ups (kept prepared for the whole
        // run) as scans of tables it believes tiny, which they are not for long.
        let (mut rs, mut os) = (Vec::with_capacity(n), Vec::with_capacity(n));
        for i in 0..n {
            let r = rng.next();
            let created = at - Duration::seconds((r % (days.max(1) as u64 * 86_400)) as i64);
            let status = pick_status(r);
            let waits = matches!(status, "pending_review" | "escalated" | "in_progress");
            let intent = INTENTS[(r >> 23) as usize % INTENTS.len()];
            let language = LANGUAGES[(r >> 29) as usize % LANGUAGES.len()];
            let customer = &customers[(r >> 33) as usize % customers.len()];
            let id = new_id();
            let confidence = ((r >> 40) % 1000) as f64 / 1000.0;
            ts.push(TicketRow {
                id: id.clone(),
                number: first_number + (done + i) as i64,
                customer_id: customer.id.clone(),
                subject: format!("Question about {}", intent.replace('_', " ")),
                status: status.into(),
                channel: "email".into(),
                language: Some(language.into()),
                intent: Some(intent.into()),
                assignee_id: None,
                version: 0,
                created_at: created,
                updated_at: created,
                waiting_since: waits.then_some(created),
                first_response_at: (!waits).then_some(created + Duration::minutes(30)),
                resolved_at: matches!(status, "resolved" | "closed")
                    .then_some(created + Duration::hours(5)),
            });
            let message_id = new_id();
            let subject = format!("Question about {}", intent.replace('_', " "));
            let raw = format!(
                "From: {name} <{email}>\r\nTo: support@bench.example\r\nSubject: {subject}\r\n\
                 Message-ID: <{message_id}@bench.example>\r\nDate: {date}\r\n\
                 MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
                 Hello, I have a question about my order. Could you help me, please?\r\n\r\nThanks\r\n",
                name = customer.name.as_deref().unwrap_or_default(),
                email = customer.email,
                date = created.and_utc().to_rfc2822(),
            )
            .into_bytes();
            let raw_id = new_id();
            rs.push(RawMailRow {
                id: raw_id.clone(),
                dedup_key: format!("seed:{raw_id}"),
                size: raw.len() as i64,
                raw,
                status: super::raw_mail::PROCESSED.into(),
                error: None,
                ticket_id: Some(id.clone()),
                received_at: created,
                processed_at: Some(created),
                message_id: Some(format!("{message_id}@bench.example")),
                attempts: 1,
            });
            let auto = status == "auto_answered";
            let reply_id = new_id();
            let reply = if auto {
                "Thank you for writing. You can follow your order on the Orders page of your account."
            } else {
                "Thank you for writing. Your ticket number is in the subject; we will answer soon."
            };
            ms.push(MessageRow {
                id: reply_id.clone(),
                ticket_id: id.clone(),
                direction: crate::domain::OUTBOUND.into(),
                author_kind: if auto {
                    crate::domain::AUTHOR_AI
                } else {
                    crate::domain::AUTHOR_SYSTEM
                }
                .into(),
                author_id: None,
                channel: "email".into(),
                internet_message_id: Some(format!("{reply_id}@tandem.bench.example")),
                sender: None,
                subject: format!("Re: {subject}"),
                body_text: reply.into(),
                triage_text: String::new(),
                body_html: None,
                raw_mail_id: None,
                created_at: created + Duration::seconds(1),
            });
            os.push(OutboxRow {
                id: new_id(),
                ticket_id: Some(id.clone()),
                message_id: Some(reply_id),
                channel: "email".into(),
                kind: if auto {
                    crate::domain::OUT_AUTO_ANSWER
                } else {
                    crate::domain::OUT_ACKNOWLEDGEMENT
                }
                .into(),
                recipient: customer.email.clone(),
                sender: "support@bench.example".into(),
                idempotency_key: new_id(),
                payload: reply.as_bytes().to_vec(),
                status: super::outbox::SENT.into(),
                attempts: 1,
                next_attempt_at: created + Duration::seconds(1),
                locked_until: None,
                last_error: None,
                created_at: created + Duration::seconds(1),
                sent_at: Some(created + Duration::seconds(2)),
            });
            ms.push(MessageRow {
                id: message_id.clone(),
                ticket_id: id.clone(),
                direction: "inbound".into(),
                author_kind: "customer".into(),
                author_id: None,
                channel: "email".into(),
                internet_message_id: Some(format!("{message_id}@bench.example")),
                sender: Some(customer.email.clone()),
                subject: format!("Question about {}", intent.replace('_', " ")),
                body_text:
                    "Hello, I have a question about my order. Could you help me, please?\n\nThanks"
                        .into(),
                triage_text: "Hello, I have a question about my order. Could you help me, please?"
                    .into(),
                body_html: None,
                raw_mail_id: Some(raw_id),
                created_at: created,
            });
            ds.push(DraftRow {
                id: new_id(),
                ticket_id: id.clone(),
                message_id,
                body: "Thank you for writing. You can follow your order on the Orders page of your account.".into(),
                language: language.into(),
                intent: Some(intent.into()),
                intent_score: confidence,
                confidence,
                decision: if status == "auto_answered" { "auto_send" } else if status == "escalated" { "escalate" } else { "review" }.into(),
                reason: "synthetic".into(),
                risk_flags: "[]".into(),
                articles: "[]".into(),
                status: match status { "auto_answered" => "sent", "pending_review" | "escalated" => "pending", _ => "approved" }.into(),
                created_at: created,
                decided_at: None,
                decided_by: None,
            });
            for k in 0..events_per_ticket {
                let (kind, by_agent) = EVENT_KINDS[k % EVENT_KINDS.len()];
                es.push(EventRow {
                    id: new_id(),
                    ticket_id: Some(id.clone()),
                    kind: kind.into(),
                    actor_kind: if by_agent { "agent" } else { "system" }.into(),
                    actor_id: by_agent.then(|| agent.id.clone()),
                    data: "{}".into(),
                    ip: None,
                    created_at: created + Duration::seconds(k as i64),
                });
            }
        }
        super::transaction(conn, |c| -> Result<(), StoreError> {
            insert_all!(c, schema::tickets::table, &ts);
            insert_all!(c, schema::raw_mail::table, &rs);
            insert_all!(c, schema::messages::table, &ms);
            insert_all!(c, schema::drafts::table, &ds);
            insert_all!(c, schema::outbox::table, &os);
            insert_all!(c, schema::events::table, &es);
            Ok(())
        })?;
        done += n;
        progress(done, tickets);
    }
    // Keep the ticket counter ahead of the synthetic numbers.
    super::tickets::numbers_continue_after(conn, first_number + tickets as i64)?;
    Ok(())
}

/// Does what a running `serve` keeps done after the commit (on PostgreSQL): the count
/// deltas folded, the dashboard's facts settled and their daily sums folded, the search
/// documents written. After a bulk load, before anyone reads.
pub fn settle(conn: &mut DbConn) -> Result<(), StoreError> {
    super::counts::compact(conn)?;
    super::metrics::settle_facts(conn, true)?;
    super::metrics::fold_rollup(conn)?;
    // Left marked, the first word search had to settle a million messages' marks itself
    // (93 s at 1M tickets) and its request timed out.
    super::search::drain(conn)?;
    Ok(())
}

/// Refreshes the planner's statistics (and, on PostgreSQL, the visibility map that lets
/// counts read indexes only) after a bulk load, as autovacuum would a little later.
pub fn analyze(conn: &mut DbConn) -> Result<(), StoreError> {
    use diesel::connection::SimpleConnection;
    settle(conn)?;
    match conn {
        DbConn::Sqlite(c) => c.batch_execute("ANALYZE")?,
        DbConn::Postgres(c) => c.batch_execute("VACUUM ANALYZE")?,
    }
    Ok(())
}

/// Writes synthetic data in large transactions; returns the number of events written.
/// `days` of decided tickets for the supervisor dashboard benchmark: each with a message, a
/// draft and `events_per_ticket` events, 10 % of the last three days' still waiting for
/// review. The triggers of the facts tables fill them as the rows go in. Returns the
/// events written.
pub fn metrics_history(
    conn: &mut DbConn,
    tickets: usize,
    events_per_ticket: usize,
    days: i64,
) -> Result<usize, StoreError> {
    use super::schema;
    use crate::store::models::{CustomerRow, DraftRow, EventRow, MessageRow, TicketRow, UserRow};
    use diesel::prelude::*;

    let intents = [
        "order_status",
        "refund_status",
        "change_address",
        "reset_password",
        "invoice",
        "shipping_cost",
        "cancel_order",
        "opening_hours",
    ];
    let languages = ["en", "en", "en", "de", "fr", "es"];
    let now = now();
    let agent_id = new_id();
    let run = agent_id[agent_id.len() - 8..].to_string();
    let user = UserRow {
        id: agent_id.clone(),
        email: format!("bench-{run}@tandem.test"),
        name: "Bench Agent".into(),
        role: "agent".into(),
        password_hash: "-".into(),
        active: true,
        languages: String::new(),
        created_at: now,
        single_keys: true,
        open_next: false,
        console_language: crate::i18n::FALLBACK.to_string(),
    };
    insert_all!(
        &mut *conn,
        schema::users::table,
        std::slice::from_ref(&user)
    );
    let customers: Vec<CustomerRow> = (0..1000)
        .map(|i| CustomerRow {
            id: new_id(),
            email: format!("c{i}-{run}@bench.test"),
            name: None,
            language: None,
            vip: false,
            created_at: now,
        })
        .collect();
    for chunk in customers.chunks(200) {
        insert_all!(&mut *conn, schema::customers::table, chunk);
    }
    let number_base: i64 = schema::tickets::table
        .select(diesel::dsl::max(schema::tickets::number))
        .first::<Option<i64>>(&mut *conn)?
        .unwrap_or(1000)
        + 1;
    let mut rng = 0x2545F4914F6CDD1Du64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let span_secs = days.max(1) * 24 * 3600;
    let kinds = [
        "message_received",
        "triage_decision",
        "mail_sent",
        "ticket_viewed",
        "customer_replied",
        "agent_replied",
        "resolved",
        "closed",
    ];
    let mut events_written = 0usize;
    let batch_size = 500;
    let mut done = 0;
    while done < tickets {
        let n = batch_size.min(tickets - done);
        let mut ts = Vec::with_capacity(n);
        let mut ms = Vec::with_capacity(n);
        let mut ds = Vec::with_capacity(n);
        let mut es = Vec::with_capacity(n * events_per_ticket);
        for i in 0..n {
            let r = next();
            // Chronological, as a live system writes them (newest last).
            let k = (done + i) as i64;
            let created = now - Duration::seconds(span_secs - span_secs * k / tickets as i64)
                + Duration::seconds((r % 60) as i64);
            let waiting = now - created < Duration::days(3) && (r >> 36) % 10 == 0;
            let intent = intents[(r >> 20) as usize % intents.len()];
            let language = languages[(r >> 24) as usize % languages.len()];
            let conf = ((r >> 28) % 1000) as f64 / 1000.0;
            let auto = conf >= 0.8;
            let id = new_id();
            let minutes = 1 + (r >> 40) % 600;
            let responded = created + Duration::minutes(minutes as i64);
            let status = ["approved", "edited", "set_aside", "rejected"][(r >> 32) as usize % 4];
            ts.push(TicketRow {
                id: id.clone(),
                number: number_base + k,
                customer_id: customers[(r >> 8) as usize % customers.len()].id.clone(),
                subject: "Bench".into(),
                status: if waiting {
                    "pending_review".into()
                } else {
                    "resolved".into()
                },
                channel: "email".into(),
                language: Some(language.into()),
                intent: Some(intent.into()),
                assignee_id: (!auto).then(|| agent_id.clone()),
                version: 0,
                created_at: created,
                updated_at: created,
                waiting_since: waiting.then_some(created),
                first_response_at: Some(if auto { created } else { responded }),
                resolved_at: (!waiting).then(|| responded + Duration::minutes(30)),
            });
            let mid = new_id();
            ms.push(MessageRow {
                id: mid.clone(),
                ticket_id: id.clone(),
                direction: "inbound".into(),
                author_kind: "customer".into(),
                author_id: None,
                channel: "email".into(),
                internet_message_id: None,
                sender: None,
                subject: "Bench".into(),
                body_text: "Where is my order?".into(),
                triage_text: "Where is my order?".into(),
                body_html: None,
                raw_mail_id: None,
                created_at: created,
            });
            ds.push(DraftRow {
                id: new_id(),
                ticket_id: id.clone(),
                message_id: mid,
                body: "Your order is on its way.".into(),
                language: language.into(),
                intent: Some(intent.into()),
                intent_score: conf,
                confidence: conf,
                decision: if auto {
                    "auto_send"
                } else if conf >= 0.4 {
                    "review"
                } else {
                    "escalate"
                }
                .into(),
                reason: "bench".into(),
                risk_flags: if auto {
                    "[]".into()
                } else {
                    "[\"low_confidence\"]".into()
                },
                articles: "[]".into(),
                status: if auto {
                    "sent".into()
                } else if waiting {
                    "pending".into()
                } else {
                    status.into()
                },
                created_at: created,
                decided_at: (auto || !waiting).then_some(if auto { created } else { responded }),
                decided_by: (!auto && !waiting).then(|| agent_id.clone()),
            });
            for j in 0..events_per_ticket {
                let kind = kinds[j % kinds.len()];
                let at = if kind == "ticket_viewed" {
                    responded - Duration::minutes(5)
                } else {
                    created + Duration::minutes((j as i64) * 3)
                };
                es.push(EventRow {
                    id: new_id(),
                    ticket_id: Some(id.clone()),
                    kind: kind.into(),
                    actor_kind: "system".into(),
                    actor_id: (kind == "ticket_viewed").then(|| agent_id.clone()),
                    data: "{}".into(),
                    ip: None,
                    created_at: at,
                });
            }
        }
        super::transaction(conn, |c| -> Result<(), StoreError> {
            for chunk in ts.chunks(100) {
                insert_all!(&mut *c, schema::tickets::table, chunk);
            }
            for chunk in ms.chunks(100) {
                insert_all!(&mut *c, schema::messages::table, chunk);
            }
            for chunk in ds.chunks(100) {
                insert_all!(&mut *c, schema::drafts::table, chunk);
            }
            for chunk in es.chunks(500) {
                insert_all!(&mut *c, schema::events::table, chunk);
            }
            Ok(())
        })?;
        events_written += es.len();
        done += n;
    }
    Ok(events_written)
}
