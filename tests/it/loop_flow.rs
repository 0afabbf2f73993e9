//! The whole loop: customer email in, triage decision, answer or queue, email out.

use tandem::app::actions::{self, ActingUser};
use tandem::app::ingest::Outcome;
use tandem::domain::ticket::Transition;

use crate::harness::{TestApp, accepted, email, reply};

const PARCEL: &str = "Hello,\n\nwhere is my parcel? I ordered last week and it has not arrived yet. How can I track my order?\n\nThanks, Ana";
const INVOICE: &str = "Hi, the invoice for my company account shows 480 EUR but our contract says 360 EUR. Can someone check the VAT line and send a corrected invoice to our accounting department?";

#[test]
fn an_answerable_email_is_answered_automatically_with_threading_and_disclosure() {
    let t = TestApp::with_kb();
    let (number, action) = accepted(&t.ingest(&email(
        "Ana <ana@example.com>",
        "Where is my parcel?",
        "c1@example.com",
        PARCEL,
    )));
    assert_eq!(action, "auto_send");
    assert_eq!(t.deliver().sent, 1);
    let sent = t.sent_mail();
    assert_eq!(sent.len(), 1, "exactly one mail out: {sent:?}");
    let m = &sent[0];
    assert_eq!(m.to, "ana@example.com");
    assert_eq!(m.subject, format!("Re: [#{number}] Where is my parcel?"));
    assert_eq!(m.in_reply_to.as_deref(), Some("c1@example.com"));
    assert!(m.references.contains(&"c1@example.com".to_string()));
    assert!(
        m.message_id.ends_with("@tandem.test"),
        "our own Message-ID: {}",
        m.message_id
    );
    assert_eq!(m.auto_submitted.as_deref(), Some("auto-replied"));
    assert!(
        m.body.contains("Track parcel"),
        "the article's answer: {}",
        m.body
    );
    assert!(
        m.body.contains("written automatically") && m.body.contains("\"human\""),
        "disclosure: {}",
        m.body
    );
    let ticket = t.show(number);
    assert_eq!(ticket.summary.status, "auto_answered");
    assert_eq!(ticket.summary.intent.as_deref(), Some("order_status"));
    assert!(
        ticket.drafts[0].reason.starts_with("auto-sent"),
        "{}",
        ticket.drafts[0].reason
    );
    assert!(!ticket.drafts[0].articles.as_array().unwrap().is_empty());
}

#[test]
fn an_unanswerable_email_waits_for_a_person_with_an_acknowledgement() {
    let t = TestApp::with_kb();
    let (number, action) = accepted(&t.ingest(&email(
        "bob@example.com",
        "Wrong amount on my invoice",
        "b1@example.com",
        INVOICE,
    )));
    assert_ne!(action, "auto_send");
    t.deliver();
    let sent = t.sent_mail();
    assert_eq!(sent.len(), 1, "only the acknowledgement: {sent:?}");
    assert!(
        sent[0]
            .body
            .contains(&format!("Your ticket number is #{number}")),
        "{}",
        sent[0].body
    );
    assert!(
        sent[0].body.contains("we expect to answer by"),
        "{}",
        sent[0].body
    );
    assert_eq!(sent[0].auto_submitted.as_deref(), Some("auto-replied"));
    let status = t.show(number).summary.status;
    assert!(
        status == "pending_review" || status == "escalated",
        "{status}"
    );
}

#[test]
fn the_acknowledgement_speaks_the_customers_language() {
    let t = TestApp::with_kb();
    let body = "Guten Tag, auf meiner Rechnung für das Firmenkonto steht ein falscher Betrag bei der Mehrwertsteuer. Bitte schicken Sie mir eine korrigierte Rechnung.";
    let (number, _) = accepted(&t.ingest(&email(
        "jo@example.de",
        "Falsche Rechnung",
        "d1@example.de",
        body,
    )));
    t.deliver();
    let sent = t.sent_mail();
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0]
            .body
            .contains(&format!("Ihre Ticketnummer ist #{number}")),
        "{}",
        sent[0].body
    );
}

#[test]
fn asking_for_a_person_always_escalates() {
    let t = TestApp::with_kb();
    let body = "Where is my parcel? I want to talk to a human, not a bot.";
    let (number, action) = accepted(&t.ingest(&email(
        "ana@example.com",
        "Where is my parcel?",
        "h1@example.com",
        body,
    )));
    assert_eq!(action, "escalate");
    assert_eq!(t.show(number).summary.status, "escalated");
}

#[test]
fn replies_thread_onto_their_ticket_and_a_resolved_ticket_reopens() {
    let t = TestApp::with_kb();
    let (number, _) = accepted(&t.ingest(&email(
        "bob@example.com",
        "Wrong amount on my invoice",
        "b1@example.com",
        INVOICE,
    )));
    t.deliver();
    let ack = &t.sent_mail()[0];

    // By In-Reply-To to our acknowledgement.
    let (n2, _) = accepted(&t.ingest(&reply(
        "bob@example.com",
        &format!("Re: {}", ack.subject),
        "b2@example.com",
        &ack.message_id,
        "Any news?",
    )));
    assert_eq!(n2, number);

    // By the [#N] token alone (a client that drops the headers).
    let (n3, _) = accepted(&t.ingest(&email(
        "bob@example.com",
        &format!("[#{number}] one more thing"),
        "b3@example.com",
        "The invoice number is 2026-118.",
    )));
    assert_eq!(n3, number);
    // The token from a different sender does not join someone else's ticket.
    let (n4, _) = accepted(&t.ingest(&email(
        "mallory@example.net",
        &format!("[#{number}] hello"),
        "m1@example.net",
        INVOICE,
    )));
    assert_ne!(n4, number);

    let agent = ActingUser {
        id: create_agent(&t),
        ip: None,
    };
    actions::transition(&t.app, number, Transition::Resolve, &agent).unwrap();
    assert_eq!(t.show(number).summary.status, "resolved");
    let (n5, _) = accepted(&t.ingest(&reply(
        "bob@example.com",
        "Re: resolved?",
        "b5@example.com",
        "b3@example.com",
        "Sorry, the corrected invoice still shows the wrong VAT amount.",
    )));
    assert_eq!(n5, number);
    let ticket = t.show(number);
    assert_ne!(ticket.summary.status, "resolved");
    assert!(
        ticket.events.iter().any(|e| e.kind == "reopened"),
        "a reopened event"
    );
    // Contacts are counted from the resolution: the first message after it is not a
    // repeat contact, whatever came before.
    let after_reopen = ticket
        .drafts
        .last()
        .expect("a draft for the reopening message");
    assert!(
        !after_reopen
            .risk_flags
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "repeat_contact"),
        "not a repeat contact: {:?}",
        after_reopen.risk_flags
    );
    assert_eq!(
        ticket
            .messages
            .iter()
            .filter(|m| m.direction == "inbound")
            .count(),
        4
    );
}

fn create_agent(t: &TestApp) -> String {
    tandem::app::users::add(
        &t.app,
        "agent@tandem.test",
        "Agent",
        "agent",
        "correct horse battery",
    )
    .unwrap()
    .id
}

#[test]
fn a_reply_after_an_automated_answer_goes_to_a_person() {
    let t = TestApp::with_kb();
    let (number, action) = accepted(&t.ingest(&email(
        "ana@example.com",
        "Where is my parcel?",
        "c1@example.com",
        PARCEL,
    )));
    assert_eq!(action, "auto_send");
    t.deliver();
    let answer = &t.sent_mail()[0];
    let (n, action) = accepted(&t.ingest(&reply(
        "ana@example.com",
        &format!("Re: {}", answer.subject),
        "c2@example.com",
        &answer.message_id,
        "Where is my parcel? How can I track my order? The tracking link shows nothing.",
    )));
    assert_eq!(n, number);
    assert_ne!(
        action, "auto_send",
        "no second automated answer on the same ticket"
    );
    let latest = t.show(number).drafts.pop().unwrap();
    assert!(
        latest
            .risk_flags
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "repeat_contact"),
        "counted as a repeat contact: {:?}",
        latest.risk_flags
    );
}

#[test]
fn the_same_message_twice_makes_one_ticket_and_one_answer() {
    let t = TestApp::with_kb();
    let raw = email(
        "ana@example.com",
        "Where is my parcel?",
        "dup@example.com",
        PARCEL,
    );
    let (number, _) = accepted(&t.ingest(&raw));
    assert_eq!(
        t.ingest(&raw),
        Outcome::Duplicate {
            ticket_number: Some(number)
        }
    );
    t.deliver();
    t.deliver();
    // Without a Message-ID the content hash is the key.
    let no_id = "From: carl@example.com\r\nSubject: Where is my parcel?\r\n\r\nwhere is my parcel? how can I track my order?\r\n";
    let (n2, _) = accepted(&t.ingest(no_id));
    assert!(matches!(t.ingest(no_id), Outcome::Duplicate { ticket_number: Some(n) } if n == n2));
    t.deliver();
    assert_eq!(tandem::app::tickets::list(&t.app, 100, 0).unwrap().len(), 2);
    assert_eq!(t.sent_mail().len(), 2, "one answer per ticket");
}

#[test]
fn machines_and_lists_get_no_automatic_reply() {
    let t = TestApp::with_kb();
    let auto = format!(
        "Auto-Submitted: auto-replied\r\n{}",
        email(
            "ana@example.com",
            "Where is my parcel?",
            "a1@example.com",
            PARCEL
        )
    );
    let list = format!(
        "List-Id: <news.example.com>\r\n{}",
        email(
            "news@example.com",
            "Where is my parcel?",
            "l1@example.com",
            PARCEL
        )
    );
    let bulk = format!(
        "Precedence: bulk\r\n{}",
        email(
            "promo@example.com",
            "Where is my parcel?",
            "p1@example.com",
            PARCEL
        )
    );
    let daemon = email(
        "MAILER-DAEMON@example.com",
        "Undelivered Mail Returned to Sender",
        "md1@example.com",
        PARCEL,
    );
    let ourselves = email(
        crate::harness::SUPPORT,
        "Where is my parcel?",
        "o1@example.com",
        PARCEL,
    );
    for raw in [&auto, &list, &bulk, &daemon, &ourselves] {
        let (number, action) = accepted(&t.ingest(raw));
        assert_ne!(action, "auto_send");
        assert!(
            t.show(number)
                .events
                .iter()
                .any(|e| e.kind == "auto_reply_suppressed")
        );
    }
    t.deliver();
    assert!(
        t.sent_mail().is_empty(),
        "nothing may go out: {:?}",
        t.sent_mail()
    );
}

/// An out-of-office reply or a bounce that threads onto a ticket is kept there for people
/// to read, and changes nothing: the draft waiting for review stays, a resolved ticket
/// stays resolved, nothing is sent.
#[test]
fn machine_written_replies_are_kept_on_their_ticket_and_change_nothing() {
    let t = TestApp::with_kb();
    let (number, _) = accepted(&t.ingest(&email(
        "bob@example.com",
        "Wrong amount on my invoice",
        "b1@example.com",
        INVOICE,
    )));
    t.deliver();
    let ack = t.sent_mail()[0].message_id.clone();
    let before = t.show(number);
    let out_of_office = |id: &str, header: &str| {
        format!(
            "{header}\r\n{}",
            reply(
                "bob@example.com",
                "Automatic reply: Wrong amount on my invoice",
                id,
                &ack,
                "I am out of the office until Monday and will read your mail then."
            )
        )
    };
    let (n, action) = accepted(&t.ingest(&out_of_office(
        "o1@example.com",
        "Auto-Submitted: auto-replied",
    )));
    assert_eq!((n, action.as_str()), (number, "kept"));
    let after = t.show(number);
    assert_eq!(after.summary.status, before.summary.status);
    assert_eq!(
        after
            .drafts
            .iter()
            .map(|d| (&d.id, &d.status))
            .collect::<Vec<_>>(),
        before
            .drafts
            .iter()
            .map(|d| (&d.id, &d.status))
            .collect::<Vec<_>>(),
        "the draft waiting for review stays"
    );
    assert_eq!(t.inbound_messages(number), 2, "the reply is kept");
    assert!(after.events.iter().any(|e| e.kind == "machine_mail_kept"));

    let agent = ActingUser {
        id: create_agent(&t),
        ip: None,
    };
    actions::transition(&t.app, number, Transition::Resolve, &agent).unwrap();
    let bounce = reply(
        "MAILER-DAEMON@example.com",
        "Undelivered Mail Returned to Sender",
        "d1@example.com",
        &ack,
        "This is the mail system. Your message could not be delivered.",
    );
    for raw in [out_of_office("o2@example.com", "X-Autoreply: yes"), bounce] {
        let (n, action) = accepted(&t.ingest(&raw));
        assert_eq!((n, action.as_str()), (number, "kept"));
        assert_eq!(t.show(number).summary.status, "resolved");
    }
    assert_eq!(t.inbound_messages(number), 4);
    let sent = t.sent_mail().len();
    t.deliver();
    assert_eq!(t.sent_mail().len(), sent, "nothing answers a machine");

    // A person's reply still reopens it.
    accepted(&t.ingest(&reply(
        "bob@example.com",
        "Re: Wrong amount on my invoice",
        "b2@example.com",
        &ack,
        "The corrected invoice still shows the wrong VAT amount.",
    )));
    assert_ne!(t.show(number).summary.status, "resolved");
}

#[test]
fn automatic_replies_to_one_sender_are_capped_per_hour() {
    let t = TestApp::with_kb();
    for i in 0..7 {
        t.ingest(&email(
            "loop@example.com",
            "Where is my parcel?",
            &format!("r{i}@example.com"),
            PARCEL,
        ));
    }
    t.deliver();
    assert_eq!(t.sent_mail().len(), 5, "the default cap is 5 an hour");
}

#[test]
fn attachments_and_html_are_kept() {
    let t = TestApp::with_kb();
    let raw = "From: ana@example.com\r\nSubject: photo\r\nMessage-ID: <att@example.com>\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
<p>The parcel arrived <b>damaged</b><script>alert(1)</script></p>\r\n--b\r\nContent-Type: image/png\r\n\
Content-Disposition: attachment; filename=\"box.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--b--\r\n";
    let (number, _) = accepted(&t.ingest(raw));
    let ticket = t.show(number);
    let first = &ticket.messages[0];
    assert!(
        first.text.contains("The parcel arrived damaged"),
        "{}",
        first.text
    );
    assert_eq!(first.attachments.len(), 1);
    assert_eq!(first.attachments[0].filename, "box.png");
    assert_eq!(first.attachments[0].content_type, "image/png");
    assert_eq!(first.attachments[0].size, 8);
}

#[test]
fn ingest_mail_pipe_accepts_and_answers() {
    let t = TestApp::new();
    let (code, _, err) = t.run_cli(
        &[
            "kb",
            "import",
            crate::harness::repo_path("samples/kb.jsonl")
                .to_str()
                .unwrap(),
        ],
        b"",
    );
    assert_eq!(code, 0, "{err}");
    let raw = std::fs::read(crate::harness::repo_path("samples/order-status.eml")).unwrap();
    let (code, _, err) = t.run_cli(&["ingest-mail"], &raw);
    assert_eq!(code, 0, "{err}");
    // The pipe only queues (an MTA's pipe must return within seconds); without `serve`,
    // `tandem deliver` sends what it queued.
    assert!(
        t.sent_mail().is_empty(),
        "ingest-mail never delivers itself"
    );
    let (code, out, err) = t.run_cli(&["deliver"], b"");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("sent 1"), "{out}");
    let sent = t.sent_mail();
    assert_eq!(sent.len(), 1, "{err}");
    assert!(sent[0].subject.contains("[#1001]"));
    let (code, out, _) = t.run_cli(&["ticket", "list", "--json"], b"");
    assert_eq!(code, 0);
    let list: serde_json::Value = serde_json::from_str(&out).unwrap();
    let first = &list.as_array().unwrap()[0];
    for key in [
        "number",
        "status",
        "subject",
        "customer",
        "language",
        "intent",
        "created_at",
    ] {
        assert!(
            first.get(key).is_some(),
            "ticket list --json lacks {key}: {first}"
        );
    }
    assert_eq!(first["status"], "auto_answered");
    assert_eq!(first["customer"], "ana@example.com");
    let (code, out, _) = t.run_cli(&["ticket", "show", "1001", "--json"], b"");
    assert_eq!(code, 0);
    let shown: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(shown["messages"].as_array().unwrap().len(), 2);
    assert!(
        shown["drafts"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("confidence")
    );
    assert!(!shown["events"].as_array().unwrap().is_empty());
}

#[test]
fn malformed_input_exits_65_and_writes_no_ticket() {
    let t = TestApp::with_kb();
    for bad in [
        &b""[..],
        b"   \n",
        b"this is not an email",
        b"Subject: no sender\r\n\r\nhello",
    ] {
        let (code, _, err) = t.run_cli(&["ingest-mail"], bad);
        assert_eq!(code, 65, "{bad:?}: {err}");
        assert!(err.contains("malformed"), "the reason on stderr: {err}");
    }
    assert!(
        tandem::app::tickets::list(&t.app, 10, 0)
            .unwrap()
            .is_empty()
    );
    assert!(t.sent_mail().is_empty());
}

#[test]
fn an_unreachable_database_exits_75_so_the_mta_retries() {
    let raw = std::fs::read(crate::harness::repo_path("samples/order-status.eml")).unwrap();
    for url in [
        "postgres://postgres@127.0.0.1:1/none?connect_timeout=2",
        "sqlite:///nonexistent-folder/x/tandem.db",
    ] {
        let env =
            std::collections::HashMap::from([("TANDEM_DATABASE_URL".to_string(), url.to_string())]);
        let (code, _, err) = crate::harness::run_binary(&env, &["ingest-mail"], &raw);
        assert_eq!(code, 75, "{url}: {err}");
    }
}

#[actix_web::test]
async fn inbound_http_endpoint_checks_the_secret_and_the_message() {
    use actix_web::{App, test, web};
    let t = TestApp::with(&[("TANDEM_INBOUND_SECRET", "s3cret")]);
    t.import_kb();
    let config = t.app.config.clone();
    let app = tandem::app::App::open(config).unwrap();
    let svc = test::init_service(
        App::new()
            .app_data(web::Data::new(app))
            .configure(tandem::web::routes),
    )
    .await;
    let raw = email(
        "ana@example.com",
        "Where is my parcel?",
        "http1@example.com",
        PARCEL,
    );
    let post = |secret: &str, body: String| {
        test::TestRequest::post()
            .uri("/inbound/email")
            .insert_header(("X-Tandem-Secret", secret.to_string()))
            .set_payload(body)
            .to_request()
    };
    assert_eq!(
        test::call_service(&svc, post("wrong", raw.clone()))
            .await
            .status(),
        401
    );
    assert_eq!(
        test::call_service(&svc, post("s3cret", "garbage".into()))
            .await
            .status(),
        400
    );
    let resp = test::call_service(&svc, post("s3cret", raw.clone())).await;
    assert_eq!(resp.status(), 202);
    let body: serde_json::Value = test::read_body_json(resp).await;
    assert_eq!(body["decision"], "auto_send");
    let again: serde_json::Value =
        test::read_body_json(test::call_service(&svc, post("s3cret", raw)).await).await;
    assert_eq!(again["duplicate"], true);
    let health =
        test::call_service(&svc, test::TestRequest::get().uri("/healthz").to_request()).await;
    assert_eq!(health.status(), 200);
}

#[test]
fn several_workers_deliver_each_message_exactly_once() {
    let t = TestApp::with_kb();
    for i in 0..30 {
        t.ingest(&email(
            &format!("c{i}@example.com"),
            "Where is my parcel?",
            &format!("w{i}@example.com"),
            PARCEL,
        ));
    }
    // Four workers with their own connection pools, as four `serve` processes would have.
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let app = tandem::app::App::open(t.app.config.clone()).unwrap();
            std::thread::spawn(move || {
                let transport = tandem::app::outbox::transport(&app).unwrap();
                let mut sent = 0;
                for _ in 0..20 {
                    sent += tandem::app::outbox::deliver_due(&app, &transport, 3)
                        .unwrap()
                        .sent;
                }
                sent
            })
        })
        .collect();
    let sent: usize = workers.into_iter().map(|w| w.join().unwrap()).sum();
    assert_eq!(sent, 30, "every message delivered once in total");
    let mails = t.sent_mail();
    assert_eq!(mails.len(), 30);
    let mut recipients: Vec<_> = mails.iter().map(|m| m.to.clone()).collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), 30, "no customer got two answers");
}

/// A worker takes the replies that are due together (several at a claim) and records
/// their outcomes together: with four of them at a burst at once, every reply still goes
/// out once, is marked sent, and has its one `mail_sent` event.
#[test]
fn workers_taking_due_replies_together_send_and_record_each_once() {
    use diesel::prelude::*;
    use tandem::store::schema::outbox;

    let t = TestApp::with_kb();
    for i in 0..40 {
        t.ingest(&email(
            &format!("g{i}@example.com"),
            "Where is my parcel?",
            &format!("g{i}@example.com"),
            PARCEL,
        ));
    }
    let start = std::sync::Arc::new(std::sync::Barrier::new(4));
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let app = tandem::app::App::open(t.app.config.clone()).unwrap();
            let start = start.clone();
            std::thread::spawn(move || {
                let transport = tandem::app::outbox::transport(&app).unwrap();
                start.wait();
                tandem::app::outbox::deliver_due(&app, &transport, usize::MAX)
                    .unwrap()
                    .sent
            })
        })
        .collect();
    let sent: usize = workers.into_iter().map(|w| w.join().unwrap()).sum();
    assert_eq!(sent, 40, "every reply delivered once in total");
    let mails = t.sent_mail();
    let mut recipients: Vec<_> = mails.iter().map(|m| m.to.clone()).collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(
        (mails.len(), recipients.len()),
        (40, 40),
        "no customer got two answers"
    );
    let mut conn = t.app.conn().unwrap();
    let statuses: Vec<(String, i32)> = outbox::table
        .select((outbox::status, outbox::attempts))
        .load(&mut *conn)
        .unwrap();
    assert_eq!(statuses.len(), 40);
    assert!(
        statuses.iter().all(|(s, a)| s == "sent" && *a == 1),
        "each sent at its first attempt: {statuses:?}"
    );
    assert_eq!(
        tandem::store::events::count_kind(&mut conn, "mail_sent").unwrap(),
        40,
        "one mail_sent event a reply"
    );
    assert_eq!(t.deliver().sent, 0, "nothing is due again");
}

#[test]
fn a_language_the_knowledge_base_lacks_goes_to_an_agent_who_speaks_it() {
    let t = TestApp::with_kb();
    let ana = tandem::app::users::add(
        &t.app,
        "ana@tandem.test",
        "Ana",
        "agent",
        "correct horse battery",
    )
    .unwrap();
    let rui = tandem::app::users::add(
        &t.app,
        "rui@tandem.test",
        "Rui",
        "agent",
        "correct horse battery",
    )
    .unwrap();
    let by = ActingUser {
        id: ana.id.clone(),
        ip: None,
    };
    tandem::app::users::update(&t.app, &ana.id, "agent", true, "en, de", &by).unwrap();
    tandem::app::users::update(&t.app, &rui.id, "agent", true, "en, it", &by).unwrap();
    let body = "Buongiorno, dove si trova il mio pacco? L'ho ordinato la settimana scorsa e non è ancora arrivato. Come posso seguire la spedizione?";
    let (number, action) = accepted(&t.ingest(&email(
        "gio@example.it",
        "Dov'è il mio pacco?",
        "it1@example.it",
        body,
    )));
    assert_eq!(
        action, "escalate",
        "no Italian article: never answered in the wrong language"
    );
    let ticket = t.show(number);
    assert_eq!(ticket.summary.language.as_deref(), Some("it"));
    assert!(
        ticket.drafts[0]
            .risk_flags
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "language_not_covered")
    );
    let assigned = ticket
        .events
        .iter()
        .find(|e| e.kind == "assigned")
        .expect("assigned to a speaker");
    assert_eq!(assigned.data["to"], rui.id.as_str());
}

/// A short command used to crash at exit on PostgreSQL (a pool thread was still inside
/// libpq's connect) about one run in five; 25 runs would almost surely catch it again.
#[test]
fn short_commands_exit_cleanly() {
    let t = TestApp::new();
    for _ in 0..25 {
        let (code, out, err) = t.run_cli(&["ticket", "list", "--json"], b"");
        assert_eq!(code, 0, "{err}");
        assert_eq!(out.trim(), "[]");
    }
}

/// The event log tells a message's story in the order it happened, whether the events
/// were written one by one or together at the end of the message's transaction.
#[test]
fn the_event_log_of_an_email_is_in_the_order_things_happened() {
    let t = TestApp::with_kb();
    let (number, action) = accepted(&t.ingest(&email(
        "Bob <bob@example.com>",
        "Wrong amount",
        "order1@example.com",
        INVOICE,
    )));
    let kinds: Vec<String> = t.show(number).events.into_iter().map(|e| e.kind).collect();
    assert_eq!(action, "escalate");
    assert_eq!(
        kinds,
        [
            "ticket_created",
            "message_received",
            "triage_decision",
            "escalated",
            "reply_time_promised"
        ]
    );
    let times: Vec<String> = t
        .show(number)
        .events
        .into_iter()
        .map(|e| e.created_at)
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
}

/// The promised reply time counts the tickets already waiting for a person, and not the
/// new ticket itself, whether its message came alone or in a group commit with others.
#[test]
fn each_acknowledgement_counts_the_tickets_waiting_before_it() {
    let t = TestApp::with_kb();
    let from = |i: usize| format!("queue{i}@example.com");
    let invoice = |i: usize| email(&from(i), "Wrong amount on my invoice", &from(i), INVOICE);
    let (first, _) = accepted(&t.ingest(&invoice(0)));
    t.app.triage.engine(&mut t.app.conn().unwrap()).unwrap();
    let raws: Vec<String> = (1..4).map(invoice).collect();
    let refs: Vec<&[u8]> = raws.iter().map(|r| r.as_bytes()).collect();
    let readings: Vec<_> = refs
        .iter()
        .map(|r| tandem::app::ingest::read(&t.app, r))
        .collect();
    let reads: Vec<_> = readings.iter().map(Option::as_ref).collect();
    let mut numbers = vec![first];
    for r in tandem::app::ingest_batch::ingest_read(&t.app, &refs, &reads) {
        numbers.push(accepted(&r.unwrap()).0);
    }
    let queues: Vec<i64> = numbers
        .iter()
        .map(|&n| {
            let ticket = t.show(n);
            assert!(
                ["escalated", "pending_review"].contains(&ticket.summary.status.as_str()),
                "waits for a person: {}",
                ticket.summary.status
            );
            let promised = ticket
                .events
                .iter()
                .find(|e| e.kind == "reply_time_promised")
                .expect("an acknowledgement promised a time");
            promised.data["queue"].as_i64().unwrap()
        })
        .collect();
    assert_eq!(queues, [0, 1, 2, 3], "tickets ahead of each");
}
