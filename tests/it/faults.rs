//! Fault cases of issue 9 that run fast: a hostile header, concurrent copies of one
//! message, Message-ID squatting, NUL bytes, panics inside a transaction. Each checks what
//! a customer would: every message answered "accepted" is stored, once.

use std::collections::HashSet;

use actix_web::test as atest;
use actix_web::{App, web};
use tandem::app::ingest::Outcome;

use crate::harness::{TestApp, email, run_binary};

/// The From: a display name that decodes to "Eve\r\nBcc: attacker@evil.example".
const HOSTILE_FROM: &str =
    "=?UTF-8?B?RXZlDQpCY2M6IGF0dGFja2VyQGV2aWwuZXhhbXBsZQ==?= <eve@evil.example>";

const QUESTION: &str =
    "Hello, the invoice for my company account shows the wrong amount. Can someone check it?";

fn ordinary(i: usize) -> String {
    email(
        &format!("customer{i}@example.com"),
        &format!("Question {i}"),
        &format!("ordinary{i}@example.com"),
        QUESTION,
    )
}

fn hostile() -> String {
    email(HOSTILE_FROM, "Hello", "hostile1@evil.example", QUESTION)
}

/// Ticket numbers by customer address, as `ticket list` shows them.
fn tickets(t: &TestApp) -> Vec<(i64, String)> {
    tandem::app::tickets::list(&t.app, 10_000, 0)
        .unwrap()
        .into_iter()
        .map(|s| (s.number, s.customer))
        .collect()
}

fn secret_app(t: &TestApp, pool: u32) -> tandem::app::App {
    let mut config = t.app.config.clone();
    config.inbound_secret = Some("s3cret".into());
    tandem::app::App::open_with_pool_size(config, pool).unwrap()
}

fn post(body: String) -> actix_http::Request {
    atest::TestRequest::post()
        .uri("/inbound/email")
        .insert_header(("X-Tandem-Secret", "s3cret"))
        .set_payload(body)
        .to_request()
}

#[actix_web::test]
async fn a_hostile_display_name_then_twenty_messages_over_http_are_all_stored() {
    let t = TestApp::new();
    // One pooled connection: whatever the hostile message leaves behind, the next
    // messages get it.
    let svc = atest::init_service(
        App::new()
            .app_data(web::Data::new(secret_app(&t, 1)))
            .configure(tandem::web::routes),
    )
    .await;
    let resp = atest::call_service(&svc, post(hostile())).await;
    assert_eq!(resp.status(), 202, "the hostile message is accepted");
    for i in 0..20 {
        let resp = atest::call_service(&svc, post(ordinary(i))).await;
        assert_eq!(resp.status(), 202, "message {i}");
    }
    let stored = tickets(&t);
    assert_eq!(stored.len(), 21, "{stored:?}");
    for i in 0..20 {
        let who = format!("customer{i}@example.com");
        assert!(stored.iter().any(|(_, c)| *c == who), "{who} is stored");
    }
    // The acknowledgement to Eve carries her name without the injected header.
    t.deliver();
    let to_eve = t
        .sent_mail()
        .into_iter()
        .find(|m| m.to == "eve@evil.example")
        .expect("Eve is acknowledged");
    let raw = std::fs::read_to_string(&to_eve.file).unwrap();
    let headers = raw.split("\r\n\r\n").next().unwrap();
    assert!(
        !headers
            .lines()
            .any(|l| l.to_ascii_lowercase().starts_with("bcc:")),
        "{headers}"
    );
    assert!(!raw.contains("attacker@evil.example\r\n"), "{raw}");
}

#[test]
fn a_hostile_display_name_then_twenty_messages_over_ingest_mail_are_all_stored() {
    let t = TestApp::new();
    let (code, _, err) = t.run_cli(&["ingest-mail"], hostile().as_bytes());
    assert_eq!(code, 0, "{err}");
    for i in 0..20 {
        let (code, _, err) = t.run_cli(&["ingest-mail"], ordinary(i).as_bytes());
        assert_eq!(code, 0, "message {i}: {err}");
    }
    assert_eq!(tickets(&t).len(), 21);
}

#[test]
fn a_panic_inside_a_transaction_leaves_the_pool_usable_and_loses_nothing() {
    let t = TestApp::new();
    let app = tandem::app::App::open_with_pool_size(t.app.config.clone(), 1).unwrap();
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut conn = app.conn().unwrap();
        let _ = tandem::store::transaction(&mut conn, |c| {
            tandem::store::raw_mail::store(c, "forced-panic", None, b"From: a@b.c\r\n\r\nx")?;
            if std::hint::black_box(true) {
                panic!("forced panic inside a transaction");
            }
            Ok::<_, tandem::store::StoreError>(())
        });
    }));
    assert!(panicked.is_err());
    for i in 0..5 {
        let outcome = tandem::app::ingest::ingest_email(&app, ordinary(i).as_bytes()).unwrap();
        assert!(matches!(outcome, Outcome::Accepted { .. }), "{outcome:?}");
    }
    drop(app);
    // A fresh process (a fresh pool) sees every message: they were committed.
    let reopened = tandem::app::App::open(t.app.config.clone()).unwrap();
    assert_eq!(
        tandem::app::tickets::list(&reopened, 100, 0).unwrap().len(),
        5
    );
    let mut conn = reopened.conn().unwrap();
    assert!(
        tandem::store::raw_mail::get_by_key(&mut conn, "forced-panic")
            .unwrap()
            .is_none(),
        "the panicking transaction was rolled back"
    );
}

#[actix_web::test]
async fn eight_concurrent_copies_over_http_make_one_ticket_and_eight_202s() {
    let t = TestApp::new();
    let app = web::Data::new(secret_app(&t, 8));
    let svc = atest::init_service(
        App::new()
            .app_data(app.clone())
            .configure(tandem::web::routes),
    )
    .await;
    for round in 0..5 {
        let raw = ordinary(round);
        let answers =
            futures_join_all((0..8).map(|_| atest::call_service(&svc, post(raw.clone())))).await;
        let mut numbers = HashSet::new();
        for resp in answers {
            assert_eq!(resp.status(), 202, "round {round}");
            let body: serde_json::Value = atest::read_body_json(resp).await;
            numbers.insert(body["ticket"].as_i64().expect("a ticket number"));
        }
        assert_eq!(numbers.len(), 1, "one ticket number for every copy");
        let number = *numbers.iter().next().unwrap();
        assert_eq!(t.inbound_messages(number), 1, "round {round}");
    }
    assert_eq!(tickets(&t).len(), 5);
}

#[actix_web::test]
async fn copies_of_a_big_message_at_once_over_http_make_one_ticket() {
    // Over 256 KiB, the message is read on the blocking pool before the writer has it.
    let t = TestApp::new();
    t.ingest(&ordinary(0));
    let app = web::Data::new(secret_app(&t, 8));
    // The server's triage engine is loaded, so the copies are read before the writer.
    app.triage.engine(&mut app.conn().unwrap()).unwrap();
    let svc = atest::init_service(
        App::new()
            .app_data(app.clone())
            .configure(tandem::web::routes),
    )
    .await;
    let body = "Where is my order? It has not arrived and the tracking page says nothing.\r\n"
        .repeat(8 * 1024);
    let raw = crate::harness::email("big@example.com", "Order", "big-1@example.com", &body);
    assert!(raw.len() > 512 * 1024);
    let answers =
        futures_join_all((0..4).map(|_| atest::call_service(&svc, post(raw.clone())))).await;
    let mut numbers = HashSet::new();
    for resp in answers {
        assert_eq!(resp.status(), 202);
        let body: serde_json::Value = atest::read_body_json(resp).await;
        numbers.insert(body["ticket"].as_i64().expect("a ticket number"));
    }
    assert_eq!(numbers.len(), 1, "one ticket number for every copy");
    assert_eq!(t.inbound_messages(*numbers.iter().next().unwrap()), 1);
    assert_eq!(tickets(&t).len(), 2);
}

/// Polls all futures together (on one thread; the handler's `web::block` puts each
/// copy on its own blocking thread, so the copies do meet in the database).
async fn futures_join_all<F: std::future::Future>(futs: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut pending: Vec<Option<std::pin::Pin<Box<F>>>> = futs.map(|f| Some(Box::pin(f))).collect();
    let mut results: Vec<Option<F::Output>> = pending.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut all_done = true;
        for (i, slot) in pending.iter_mut().enumerate() {
            if let Some(f) = slot {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => {
                        results[i] = Some(v);
                        *slot = None;
                    }
                    std::task::Poll::Pending => all_done = false,
                }
            }
        }
        if all_done {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    results.into_iter().map(Option::unwrap).collect()
}

#[test]
fn four_concurrent_ingest_mail_processes_make_one_ticket() {
    let t = TestApp::new();
    for round in 0..3 {
        let raw = ordinary(round);
        let runs: Vec<_> = (0..4)
            .map(|_| {
                let env = t.env.clone();
                let raw = raw.clone();
                std::thread::spawn(move || run_binary(&env, &["ingest-mail"], raw.as_bytes()))
            })
            .collect();
        for run in runs {
            let (code, _, err) = run.join().unwrap();
            assert_eq!(code, 0, "round {round}: {err}");
        }
    }
    let stored = tickets(&t);
    assert_eq!(stored.len(), 3, "{stored:?}");
    for (number, _) in stored {
        assert_eq!(t.inbound_messages(number), 1);
    }
}

#[test]
fn a_message_reusing_a_known_message_id_is_stored_and_marked() {
    let t = TestApp::new();
    // A stranger sends first with the Message-ID the customer's mail will carry.
    let squat = email(
        "stranger@evil.example",
        "hi",
        "real-1@customer.example",
        "nothing",
    );
    let real = email(
        "ana@customer.example",
        "My invoice is wrong",
        "real-1@customer.example",
        QUESTION,
    );
    assert!(matches!(t.ingest(&squat), Outcome::Accepted { .. }));
    let Outcome::Accepted { ticket_number, .. } = t.ingest(&real) else {
        panic!("the customer's real message is stored, not dropped as a duplicate");
    };
    let detail = t.show(ticket_number);
    assert_eq!(detail.summary.customer, "ana@customer.example");
    assert!(
        detail.events.iter().any(|e| e.kind == "message_id_reused"),
        "marked: {:?}",
        detail.events.iter().map(|e| &e.kind).collect::<Vec<_>>()
    );
    // The same customer message again is still a duplicate.
    assert!(matches!(
        t.ingest(&real),
        Outcome::Duplicate {
            ticket_number: Some(n)
        } if n == ticket_number
    ));
    assert_eq!(tickets(&t).len(), 2);
}

/// A mail with threading headers (`references` newest last, as mail clients write them).
fn threaded(from: &str, message_id: &str, in_reply_to: &str, references: &[&str]) -> String {
    let references: Vec<String> = references.iter().map(|r| format!("<{r}>")).collect();
    format!(
        "From: {from}\r\nTo: {}\r\nSubject: Re: my invoice\r\nMessage-ID: <{message_id}>\r\n\
         In-Reply-To: <{in_reply_to}>\r\nReferences: {}\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nMy card number ends in 4242, {message_id}.\r\n",
        crate::harness::SUPPORT,
        references.join(" ")
    )
}

/// A stranger who sends a mail with a customer's Message-ID, after the customer or before
/// (an ID that can be guessed), gets none of the customer's replies on their ticket, and
/// a status page shows only what its own customer and the team wrote.
#[test]
fn a_reused_message_id_does_not_draw_a_customers_replies_to_a_strangers_ticket() {
    let t = TestApp::new();
    let stranger = "mal@evil.example";
    let ana = "ana@customer.example";
    let (ana_first, _) = crate::harness::accepted(&t.ingest(&email(
        ana,
        "My invoice is wrong",
        "a1@customer.example",
        QUESTION,
    )));
    let (squatted, _) = crate::harness::accepted(&t.ingest(&email(
        stranger,
        "hello",
        "a2@customer.example",
        "nothing",
    )));
    let (reused, _) = crate::harness::accepted(&t.ingest(&email(
        stranger,
        "hello",
        "a1@customer.example",
        "nothing",
    )));
    let (ana_second, _) = crate::harness::accepted(&t.ingest(&email(
        ana,
        "Another invoice",
        "a2@customer.example",
        QUESTION,
    )));
    t.deliver();
    let ack_to_ana = t
        .sent_mail()
        .into_iter()
        .find(|m| m.to.contains(ana) && m.in_reply_to.as_deref() == Some("a1@customer.example"))
        .expect("Ana's acknowledgement")
        .message_id;

    // Replies to our acknowledgement, to her own first mail, to her second one.
    let replies = [
        (
            threaded(
                ana,
                "r1@customer.example",
                &ack_to_ana,
                &["a1@customer.example", &ack_to_ana],
            ),
            ana_first,
        ),
        (
            threaded(
                ana,
                "r2@customer.example",
                "a1@customer.example",
                &["a1@customer.example"],
            ),
            ana_first,
        ),
        (
            threaded(
                ana,
                "r3@customer.example",
                "a2@customer.example",
                &["a2@customer.example"],
            ),
            ana_second,
        ),
    ];
    for (raw, ticket) in &replies {
        let (number, _) = crate::harness::accepted(&t.ingest(raw));
        assert_eq!(number, *ticket, "threaded onto Ana's ticket");
    }
    for ticket in [squatted, reused] {
        assert_eq!(
            t.inbound_messages(ticket),
            1,
            "the stranger's ticket #{ticket}"
        );
    }

    // A stranger who replies to a mail of Ana's reaches her ticket, for the team; her
    // status page shows her words and ours, not the stranger's.
    let (number, _) = crate::harness::accepted(&t.ingest(&threaded(
        stranger,
        "m1@evil.example",
        "r1@customer.example",
        &["r1@customer.example"],
    )));
    assert_eq!(number, ana_first);
    t.deliver();
    let ack = t
        .sent_mail()
        .into_iter()
        .find(|m| m.message_id == ack_to_ana)
        .unwrap();
    let at = ack.body.find("/status/").expect("a status link") + "/status/".len();
    let token = ack.body[at..].split_whitespace().next().unwrap();
    let page = tandem::app::contact::status(&t.app, token).expect("Ana's status page");
    let texts: Vec<&str> = page.messages.iter().map(|m| m.3.as_str()).collect();
    assert!(
        texts.iter().any(|m| m.contains("r1@customer.example")),
        "{texts:?}"
    );
    assert!(
        !texts.iter().any(|m| m.contains("m1@evil.example")),
        "{texts:?}"
    );
}

#[test]
fn a_copy_relayed_with_other_trace_headers_is_still_one_message() {
    let t = TestApp::new();
    let raw = ordinary(1);
    let relayed = format!("Received: from mx2.example.com by mx.tandem.test\r\n{raw}");
    let Outcome::Accepted { ticket_number, .. } = t.ingest(&raw) else {
        panic!("first copy accepted")
    };
    assert_eq!(
        t.ingest(&relayed),
        Outcome::Duplicate {
            ticket_number: Some(ticket_number)
        }
    );
}

#[test]
fn nul_bytes_in_body_subject_and_name_are_stored_without_them() {
    let t = TestApp::new();
    let raw = "From: \"Ev\0e\" <eve@example.com>\r\nTo: support@tandem.test\r\n\
               Subject: hel\0lo\r\nMessage-ID: <nul1@example.com>\r\n\
               Content-Type: text/plain; charset=utf-8\r\n\r\nbody with a \0 NUL\r\n";
    let Outcome::Accepted { ticket_number, .. } = t.ingest(raw) else {
        panic!("accepted")
    };
    let detail = t.show(ticket_number);
    let inbound = detail
        .messages
        .iter()
        .find(|m| m.direction == "inbound")
        .unwrap();
    assert!(!inbound.text.contains('\0'), "{:?}", inbound.text);
    assert!(inbound.text.contains("NUL"));
    assert!(!inbound.subject.contains('\0'));
    assert!(!detail.summary.subject.contains('\0'));
    // The raw bytes keep the NULs.
    let mut conn = t.app.conn().unwrap();
    let raw_rows = tandem::store::raw_mail::list_by_status(&mut conn, "processed", 10).unwrap();
    assert!(raw_rows.iter().any(|r| {
        tandem::store::raw_mail::get(&mut conn, &r.id)
            .unwrap()
            .raw
            .contains(&0u8)
    }));
    let (code, _, err) = t.run_cli(&["ingest-mail"], raw.replace("nul1", "nul2").as_bytes());
    assert_eq!(code, 0, "{err}");
}

fn panicking(i: usize) -> String {
    ordinary(i).replacen("\r\n", "\r\nX-Tandem-Fault: panic\r\n", 1)
}

#[actix_web::test]
async fn a_message_that_panics_is_parked_as_failed_and_shown_to_admins() {
    use crate::console::{Browser, PASSWORD, add_user};
    let t = TestApp::new();
    add_user(&t, "root@tandem.test", "admin");
    add_user(&t, "ana@tandem.test", "agent");
    let svc = atest::init_service(
        App::new()
            .app_data(web::Data::new(secret_app(&t, 1)))
            .app_data(web::Data::new(tandem::web::presence::Presence::default()))
            .configure(tandem::web::routes),
    )
    .await;
    // Over HTTP: refused with a reason that says retrying will not help, never a 500.
    let resp = atest::call_service(&svc, post(panicking(100))).await;
    assert_eq!(resp.status(), 400);
    let body = String::from_utf8(atest::read_body(resp).await.to_vec()).unwrap();
    assert!(body.contains("cannot be processed"), "{body}");
    // Over the pipe: 65, never 101 (a panic) or 75 (retried for ever).
    let (code, _, err) = t.run_cli(&["ingest-mail"], panicking(101).as_bytes());
    assert_eq!(code, 65, "{err}");
    // Nothing of theirs was half-written, and the mail after them is stored.
    for i in 0..3 {
        assert_eq!(
            atest::call_service(&svc, post(ordinary(i))).await.status(),
            202
        );
    }
    assert_eq!(tickets(&t).len(), 3);
    // With the triage engine loaded, the message is read before the writer takes it: a
    // panic there too ends in the same clear refusal, with the message kept.
    let resp = atest::call_service(&svc, post(panicking(102))).await;
    assert_eq!(resp.status(), 400);
    assert_eq!(tickets(&t).len(), 3);
    // Admins see all three, with the reason; agents may not look.
    let mut ana = Browser::default();
    ana.login(&svc, "ana@tandem.test", PASSWORD).await;
    assert_eq!(ana.get(&svc, "/admin/failed-mail").await.status, 403);
    let mut root = Browser::default();
    root.login(&svc, "root@tandem.test", PASSWORD).await;
    let page = root.get(&svc, "/admin/failed-mail").await;
    assert_eq!(page.status, 200);
    let doc = scraper::Html::parse_document(&page.body);
    let rows = scraper::Selector::parse("#failed-mail tbody tr").unwrap();
    let rows: Vec<String> = doc
        .select(&rows)
        .map(|r| r.text().collect::<String>())
        .collect();
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows.iter().any(|r| r.contains("ordinary100@example.com")));
    assert!(rows.iter().any(|r| r.contains("ordinary102@example.com")));
    assert!(
        rows.iter().all(|r| r.contains("fault injected")),
        "{rows:?}"
    );
    let (code, out, err) = t.run_cli(&["failed-mail", "--json"], b"");
    assert_eq!(code, 0, "{err}");
    let listed: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 3, "{out}");
}

/// Posts each message until it is answered 202, as an MTA retries on 503, and returns how
/// many answers were "try again". Any other answer fails the test.
async fn post_until_accepted<S>(svc: &S, raws: &[String]) -> usize
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse,
            Error = actix_web::Error,
        >,
{
    let mut waiting: Vec<&String> = raws.iter().collect();
    let mut try_again = 0;
    for _ in 0..20 {
        if waiting.is_empty() {
            break;
        }
        let answers = futures_join_all(
            waiting
                .iter()
                .map(|raw| atest::call_service(svc, post((*raw).clone()))),
        )
        .await;
        let mut next = Vec::new();
        for (raw, resp) in waiting.iter().zip(answers) {
            match resp.status().as_u16() {
                202 => {}
                503 => {
                    assert!(resp.headers().contains_key("retry-after"));
                    try_again += 1;
                    next.push(*raw);
                }
                other => panic!("answered {other}: {:?}", atest::read_body(resp).await),
            }
        }
        waiting = next;
    }
    assert!(waiting.is_empty(), "{} never accepted", waiting.len());
    try_again
}

/// The database becomes unavailable while mail arrives over `POST /inbound/email`.
/// SQLite: another process holds the write lock longer than the busy timeout, so the
/// server cannot write at all. PostgreSQL: every connection of the server is cut, over and
/// over, mid-transaction. Every sender is answered 202 (stored) or 503 with Retry-After
/// (nothing kept: send again), never an error that would bounce the mail; once the
/// senders have retried, each message is one ticket with one inbound message.
#[actix_web::test]
async fn mail_arriving_while_the_database_is_unavailable_is_refused_for_a_retry_and_kept_once() {
    let t = TestApp::new();
    let app = web::Data::new(secret_app(&t, 8));
    let svc = atest::init_service(
        App::new()
            .app_data(app.clone())
            .configure(tandem::web::routes),
    )
    .await;
    let raws: Vec<String> = (0..24).map(ordinary).collect();
    match t.db.postgres() {
        None => {
            use diesel::Connection;
            use diesel::connection::SimpleConnection;
            let path = t.db.url.trim_start_matches("sqlite://").to_string();
            let mut holder = diesel::SqliteConnection::establish(&path).unwrap();
            holder.batch_execute("BEGIN IMMEDIATE").unwrap();
            // A lone message and a group at once: both paths meet the lock.
            let refused = futures_join_all(
                raws[..5]
                    .iter()
                    .map(|raw| atest::call_service(&svc, post(raw.clone()))),
            )
            .await;
            for resp in refused {
                assert_eq!(resp.status(), 503);
                assert!(resp.headers().contains_key("retry-after"));
            }
            holder.batch_execute("ROLLBACK").unwrap();
            assert!(tickets(&t).is_empty(), "nothing was half-stored");
            assert_eq!(post_until_accepted(&svc, &raws).await, 0);
        }
        Some((base, schema)) => {
            use diesel::prelude::*;
            let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
            let cutter = {
                let (base, schema, stop) = (base.to_string(), schema.to_string(), stop.clone());
                std::thread::spawn(move || {
                    #[derive(QueryableByName)]
                    struct Cut {
                        #[diesel(sql_type = diesel::sql_types::BigInt)]
                        n: i64,
                    }
                    let mut admin = diesel::PgConnection::establish(&base).unwrap();
                    let mut cut = 0;
                    while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                        let c: Cut = diesel::sql_query(
                            "SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity \
                             WHERE application_name = $1",
                        )
                        .bind::<diesel::sql_types::Text, _>(&schema)
                        .get_result(&mut admin)
                        .unwrap();
                        cut += c.n;
                        std::thread::sleep(std::time::Duration::from_millis(40));
                    }
                    cut
                })
            };
            for chunk in raws.chunks(8) {
                let answers = futures_join_all(
                    chunk
                        .iter()
                        .map(|raw| atest::call_service(&svc, post(raw.clone()))),
                )
                .await;
                for resp in answers {
                    let status = resp.status().as_u16();
                    assert!(status == 202 || status == 503, "answered {status}");
                    if status == 503 {
                        assert!(resp.headers().contains_key("retry-after"));
                    }
                }
            }
            stop.store(true, std::sync::atomic::Ordering::SeqCst);
            let cut = cutter.join().unwrap();
            assert!(cut > 0, "the server's connections were cut");
            // Senders told to try again do; the ones accepted send again too (an MTA
            // that lost the 202): each is still one message.
            post_until_accepted(&svc, &raws).await;
        }
    }
    let listed = tickets(&t);
    assert_eq!(listed.len(), raws.len(), "one ticket a message");
    let customers: HashSet<&String> = listed.iter().map(|(_, c)| c).collect();
    assert_eq!(customers.len(), raws.len());
    for (number, _) in &listed {
        assert_eq!(t.inbound_messages(*number), 1);
    }
}

/// A worker that claimed a mail and was killed before it went out leaves the row
/// "sending" under a lease. While the lease runs no other worker sends it (the dead one
/// might still); once it has run out, the next round sends it, once.
#[test]
fn a_mail_claimed_by_a_worker_killed_before_sending_goes_out_once_its_lease_ran_out() {
    use diesel::prelude::*;
    use tandem::store::schema::outbox;

    let t = TestApp::with_kb();
    let answered = t.ingest(&email(
        "Ana <ana@example.com>",
        "Where is my parcel?",
        "lease-1@example.com",
        "Hello,\n\nwhere is my parcel? I ordered last week and it has not arrived yet. \
         How can I track my order?\n\nThanks, Ana",
    ));
    let Outcome::Accepted {
        ticket_number,
        action,
        ..
    } = answered
    else {
        panic!("not accepted: {answered:?}");
    };
    assert_eq!(action, "auto_send");

    let mut conn = t.app.conn().unwrap();
    let claimed = tandem::store::outbox::claim_next(
        &mut conn,
        tandem::store::now(),
        chrono::Duration::seconds(120),
    )
    .unwrap()
    .expect("the answer is due");
    // ...and the worker is gone.

    assert_eq!(
        t.deliver().sent,
        0,
        "sent while another worker's lease runs"
    );
    assert!(t.sent_mail().is_empty());

    // Two minutes later.
    diesel::update(outbox::table.find(&claimed.id))
        .set(outbox::locked_until.eq(tandem::store::now() - chrono::Duration::seconds(1)))
        .execute(&mut *conn)
        .unwrap();
    assert_eq!(t.deliver().sent, 1);
    assert_eq!(t.deliver().sent, 0, "a sent mail is never due again");
    let sent = t.sent_mail();
    assert_eq!(sent.len(), 1, "one mail out: {sent:?}");
    assert_eq!(sent[0].to, "ana@example.com");
    assert!(sent[0].subject.contains(&format!("[#{ticket_number}]")));
    let row: (String, i32) = outbox::table
        .find(&claimed.id)
        .select((outbox::status, outbox::attempts))
        .first(&mut *conn)
        .unwrap();
    assert_eq!(row, ("sent".to_string(), 2), "claimed twice, sent once");
    assert_eq!(
        tandem::store::events::count_kind(&mut conn, "mail_sent").unwrap(),
        1
    );
}

/// PostgreSQL: a table locked elsewhere (an administrator's ALTER TABLE or VACUUM FULL, a
/// stuck session) makes the sender try again after a few seconds, as SQLite's busy lock
/// does, instead of hanging until its own time runs out; once the lock is gone the message
/// is stored, once.
#[test]
fn a_message_meeting_a_table_locked_elsewhere_is_refused_for_a_retry_then_stored_once() {
    use diesel::Connection;
    use diesel::connection::SimpleConnection;
    let t = TestApp::with_kb();
    let Some((base, schema)) = t.db.postgres() else {
        return; // SQLite's locked database: `mail_arriving_while_the_database_is_unavailable…`
    };
    let (locked_tx, locked) = std::sync::mpsc::channel();
    let (release, release_rx) = std::sync::mpsc::channel::<()>();
    let holder = {
        let (base, schema) = (base.to_string(), schema.to_string());
        std::thread::spawn(move || {
            let mut holder = diesel::PgConnection::establish(&base).unwrap();
            holder
                .batch_execute(&format!(
                    "SET search_path TO {schema}; BEGIN; \
                     LOCK TABLE raw_mail IN ACCESS EXCLUSIVE MODE"
                ))
                .unwrap();
            locked_tx.send(()).unwrap();
            // Held until the sender gave up, or at most 20 s (a sender that waits for ever
            // then gets through, and the test fails instead of hanging).
            let _ = release_rx.recv_timeout(std::time::Duration::from_secs(20));
            holder.batch_execute("ROLLBACK").unwrap();
        })
    };
    locked.recv().unwrap();
    let raw = ordinary(1);
    let started = std::time::Instant::now();
    let refused = tandem::app::ingest::ingest_email(&t.app, raw.as_bytes());
    let waited = started.elapsed();
    let _ = release.send(());
    holder.join().unwrap();
    match refused {
        Err(e) => assert!(e.is_temporary(), "a retry can help: {e}"),
        Ok(o) => panic!("stored past a lock held elsewhere: {o:?}"),
    }
    assert!(
        waited < std::time::Duration::from_secs(15),
        "waited {waited:?} for the lock"
    );
    assert!(tickets(&t).is_empty(), "nothing half-stored");

    let Outcome::Accepted { ticket_number, .. } =
        tandem::app::ingest::ingest_email(&t.app, raw.as_bytes()).unwrap()
    else {
        panic!("not stored once the lock was gone");
    };
    assert_eq!(tickets(&t).len(), 1);
    assert_eq!(t.inbound_messages(ticket_number), 1);
}

/// The outbox delivering while a stream of mail is being ingested: on SQLite its outcomes
/// are recorded by the ingest writer ([`tandem::app::ingest_batch::on_writer`]). Every
/// message is stored once and every reply goes out once, none left behind.
#[test]
fn replies_sent_while_a_stream_of_mail_is_ingested_go_out_once_each() {
    use diesel::prelude::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use tandem::store::schema::outbox;

    let t = TestApp::with_kb();
    let app = Arc::new(secret_app(&t, 4));
    let transport = tandem::app::outbox::transport(&app).unwrap();
    // The writer is running before the outbox starts.
    let first = tandem::app::ingest_batch::submit(&app, ordinary(0).into_bytes());
    assert!(matches!(
        first.blocking_recv().unwrap(),
        Ok(Outcome::Accepted { .. })
    ));

    let streaming = Arc::new(AtomicBool::new(true));
    let outbox_worker = {
        let (app, streaming) = (app.clone(), streaming.clone());
        std::thread::spawn(move || {
            let mut sent = 0;
            while streaming.load(Ordering::SeqCst) {
                sent += tandem::app::outbox::deliver_due(&app, &transport, 5)
                    .unwrap()
                    .sent;
            }
            sent
        })
    };
    let senders: Vec<_> = (0..4)
        .map(|k| {
            let app = app.clone();
            std::thread::spawn(move || {
                // One message after another from each of four senders: the groups
                // commit while the outbox records its deliveries.
                (0..30)
                    .map(|i| 1 + k * 30 + i)
                    .map(|i| {
                        tandem::app::ingest_batch::submit(&app, ordinary(i).into_bytes())
                            .blocking_recv()
                            .expect("answered")
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for sender in senders {
        for result in sender.join().unwrap() {
            assert!(matches!(result, Ok(Outcome::Accepted { .. })), "{result:?}");
        }
    }
    streaming.store(false, Ordering::SeqCst);
    let mut sent = outbox_worker.join().unwrap();
    // What was still due when the stream ended (a round sends at most 100).
    loop {
        let round = t.deliver().sent;
        if round == 0 {
            break;
        }
        sent += round;
    }

    assert_eq!(tickets(&t).len(), 121, "every message is one ticket");
    let mut conn = t.app.conn().unwrap();
    let rows: Vec<(String, String)> = outbox::table
        .select((outbox::recipient, outbox::status))
        .load(&mut *conn)
        .unwrap();
    assert_eq!(rows.len(), 121, "one reply a message");
    assert!(rows.iter().all(|(_, s)| s == "sent"), "{rows:?}");
    assert_eq!(sent, 121);
    let mail = t.sent_mail();
    assert_eq!(mail.len(), 121, "one mail out a reply");
    let recipients: HashSet<&str> = mail.iter().map(|m| m.to.as_str()).collect();
    assert_eq!(recipients.len(), 121, "each customer answered once");
    assert_eq!(
        tandem::store::events::count_kind(&mut conn, "mail_sent").unwrap(),
        121
    );
}

/// Processing a message records its events in one statement at its end (a round trip
/// each on PostgreSQL). They must behave as if written one by one: kept with the message,
/// dropped with its failure or panic, none held back for whatever runs next.
#[test]
fn events_held_for_one_statement_are_kept_with_their_message_and_dropped_with_its_failure() {
    use tandem::store::events::{self, Actor};
    use tandem::store::{self, StoreError};
    let t = TestApp::new();
    let mut conn = t.app.conn().unwrap();
    let record = |c: &mut store::DbConn, kind: &str| {
        events::record(c, None, kind, &Actor::SYSTEM, serde_json::json!({}))
    };
    store::transaction(&mut conn, |c| {
        events::batched(c, |c| {
            record(c, "kept_first")?;
            record(c, "kept_second")
        })?;
        let failed: Result<(), StoreError> = store::transaction(c, |c| {
            events::batched(c, |c| {
                record(c, "dropped_with_failure")?;
                Err(StoreError::NotFound)
            })
        });
        assert!(failed.is_err());
        // More than one statement's worth.
        events::batched(c, |c| (0..40).try_for_each(|_| record(c, "many")))?;
        Ok::<_, StoreError>(())
    })
    .unwrap();
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        store::transaction(&mut conn, |c| {
            events::batched(c, |c| {
                record(c, "dropped_with_panic")?;
                panic!("a fault inside the processing");
                #[allow(unreachable_code)]
                Ok::<_, StoreError>(())
            })
        })
    }));
    assert!(panicked.is_err());
    drop(conn);
    // Nothing is held for the next writer on this thread after the panic.
    let mut conn = t.app.conn().unwrap();
    record(&mut conn, "after_the_panic").unwrap();
    let mut other = t.app.conn().unwrap();
    for (kind, n) in [
        ("kept_first", 1),
        ("kept_second", 1),
        ("many", 40),
        ("dropped_with_failure", 0),
        ("dropped_with_panic", 0),
        ("after_the_panic", 1),
    ] {
        assert_eq!(events::count_kind(&mut other, kind).unwrap(), n, "{kind}");
    }
}
