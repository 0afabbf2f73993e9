//! Facebook Messenger (issue 14, item 2): the handshake, signed deliveries only, one
//! message per `mid`, replies through the outbox to a local Send API that fails twice
//! first (sent once), and the 24-hour window.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use actix_web::{App, test, web};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::console::{Browser, PASSWORD, add_user, console};
use crate::harness::TestApp;

pub(crate) type Seen = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// A Send API that answers 500 to the first `failures` posts, then 200; it keeps (request
/// line, body) of each.
pub(crate) fn send_api(failures: usize) -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen: Seen = Arc::new(Mutex::new(Vec::new()));
    let kept = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let (first, body) = read_request(&stream);
            let n = {
                let mut all = kept.lock().unwrap();
                all.push((first, body));
                all.len()
            };
            let status = if n <= failures { "500 Internal Server Error" } else { "200 OK" };
            let _ = write!(stream, "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}");
        }
    });
    (url, seen)
}

/// Reads one HTTP request: its request line and its body.
fn read_request(stream: &std::net::TcpStream) -> (String, Vec<u8>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    (first.trim_end().to_string(), body)
}

pub(crate) fn signed(body: &str) -> String {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(b"app-secret").unwrap();
    m.update(body.as_bytes());
    format!("sha256={}", hex::encode(m.finalize().into_bytes()))
}

pub(crate) fn delivery(psid: &str, mid: &str, text: &str) -> String {
    serde_json::json!({"object": "page", "entry": [{"id": "page-1", "time": 1, "messaging": [
        {"sender": {"id": psid}, "recipient": {"id": "page-1"}, "timestamp": 1, "message": {"mid": mid, "text": text}}
    ]}]})
    .to_string()
}

fn tickets_json(t: &TestApp) -> Vec<serde_json::Value> {
    let (code, out, err) = t.run_cli(&["ticket", "list", "--json"], b"");
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

#[actix_web::test]
async fn messenger_messages_become_tickets_and_replies_reach_the_send_api_once() {
    let (api, seen) = send_api(2);
    let t = TestApp::with(&[
        ("TANDEM_MESSENGER_VERIFY_TOKEN", "verify-me"),
        ("TANDEM_MESSENGER_APP_SECRET", "app-secret"),
        ("TANDEM_MESSENGER_PAGE_TOKEN", "page-token"),
        ("TANDEM_MESSENGER_API_URL", api.as_str()),
        ("TANDEM_UNDO_SECONDS", "0"),
    ]);
    t.import_kb();
    add_user(&t, "ana@tandem.test", "agent");
    let svc = console!(t);
    let post = |body: String, signature: Option<String>| {
        let mut req = test::TestRequest::post().uri("/channels/messenger/webhook").insert_header(("Content-Type", "application/json"));
        if let Some(s) = signature {
            req = req.insert_header(("X-Hub-Signature-256", s));
        }
        req.set_payload(body).to_request()
    };

    // The handshake.
    let ok = test::call_service(&svc, test::TestRequest::get().uri("/channels/messenger/webhook?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=c123").to_request()).await;
    assert_eq!(ok.status(), 200);
    assert_eq!(test::read_body(ok).await, "c123");
    let bad = test::call_service(&svc, test::TestRequest::get().uri("/channels/messenger/webhook?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=c123").to_request()).await;
    assert_eq!(bad.status(), 403);

    // Unsigned and forged deliveries are refused and store nothing.
    let body = delivery("psid-7", "m_1", "My lamp arrived broken and I am angry. I want a person to call me.");
    assert_eq!(test::call_service(&svc, post(body.clone(), None)).await.status(), 401);
    assert_eq!(test::call_service(&svc, post(body.clone(), Some(signed("other body")))).await.status(), 403);
    assert!(tickets_json(&t).is_empty());

    // Signed but malformed: a clear 400, nothing stored.
    let junk = "{\"object\": \"page\", \"entry\": [".to_string();
    assert_eq!(test::call_service(&svc, post(junk.clone(), Some(signed(&junk)))).await.status(), 400);
    assert!(tickets_json(&t).is_empty());

    // Signed: one ticket; the same event again changes nothing.
    for _ in 0..2 {
        let resp = test::call_service(&svc, post(body.clone(), Some(signed(&body)))).await;
        assert_eq!(resp.status(), 200);
    }
    let list = tickets_json(&t);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["channel"], "messenger");
    let number = list[0]["number"].as_i64().unwrap();
    let inbound = |t: &TestApp| t.show(number).messages.iter().filter(|m| m.direction == "inbound").count();
    assert_eq!(inbound(&t), 1);
    // A second message from the same user continues the ticket.
    let more = delivery("psid-7", "m_2", "It is the blue lamp from order 55.");
    test::call_service(&svc, post(more.clone(), Some(signed(&more)))).await;
    assert_eq!(inbound(&t), 2);
    assert_eq!(tickets_json(&t).len(), 1);

    // An agent's reply goes to the Send API, once, though the API fails twice first.
    let mut ana = Browser::default();
    ana.login(&svc, "ana@tandem.test", PASSWORD).await;
    ana.get(&svc, &format!("/tickets/{number}")).await;
    let sent = ana.submit(&svc, &format!("/tickets/{number}/reply"), &[("body", "We are sending a new lamp today.")]).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let mut conn = t.app.conn().unwrap();
    for _ in 0..6 {
        t.deliver();
        tandem::store::outbox::retry_now(&mut conn, tandem::store::now()).unwrap();
    }
    let posts = seen.lock().unwrap().clone();
    let accepted: Vec<_> = posts.iter().skip(2).collect();
    let replies: Vec<_> = accepted
        .iter()
        .filter(|(_, b)| String::from_utf8_lossy(b).contains("new lamp today"))
        .collect();
    assert_eq!(replies.len(), 1, "the reply reached the Send API once: {posts:?}");
    let (line, body) = replies[0];
    assert!(line.starts_with("POST /me/messages?access_token=page-token"), "{line}");
    let json: serde_json::Value = serde_json::from_slice(body).unwrap();
    assert_eq!(json["recipient"]["id"], "psid-7");
    assert!(t.sent_mail().iter().all(|m| !m.to.contains("messenger.invalid")), "nothing to a Messenger user goes out as mail");
    // The acknowledgement came by Messenger too, without a mail to reply to.
    let texts: Vec<String> = accepted.iter().map(|(_, b)| String::from_utf8_lossy(b).into_owned()).collect();
    assert!(texts.iter().any(|b| b.contains(&format!("Your ticket number is #{number}"))), "{texts:?}");
    assert!(texts.iter().all(|b| !b.contains("reply to this email")), "{texts:?}");

    // After 24 hours without a word from the user, a reply is refused with the reason.
    {
        use diesel::prelude::*;
        use tandem::store::schema::messages;
        let ticket = tandem::store::tickets::get_by_number(&mut conn, number).unwrap().unwrap();
        diesel::update(messages::table.filter(messages::ticket_id.eq(&ticket.id)))
            .set(messages::created_at.eq(tandem::store::now() - chrono::Duration::hours(25)))
            .execute(&mut *conn)
            .unwrap();
    }
    drop(conn);
    ana.get(&svc, &format!("/tickets/{number}")).await;
    let late = ana.submit(&svc, &format!("/tickets/{number}/reply"), &[("body", "Hello again?")]).await;
    assert_eq!(late.status, 422, "{}", late.body);
    assert!(late.body.contains("24 hours"));
    let events = t.show(number).events;
    assert!(events.iter().any(|e| e.kind == "messenger_window_closed"));
}

fn x_signed(body: &str) -> String {
    use base64::Engine;
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(b"consumer-secret").unwrap();
    m.update(body.as_bytes());
    format!("sha256={}", base64::engine::general_purpose::STANDARD.encode(m.finalize().into_bytes()))
}

fn dm(id: &str, sender: &str, text: &str) -> String {
    serde_json::json!({"for_user_id": "4242", "direct_message_events": [
        {"type": "message_create", "id": id, "created_timestamp": "1", "message_create": {
            "target": {"recipient_id": "4242"}, "sender_id": sender, "message_data": {"text": text}}}
    ]})
    .to_string()
}

#[actix_web::test]
async fn x_direct_messages_come_in_signed_and_go_out_once() {
    let (api, seen) = send_api(2);
    let t = TestApp::with(&[
        ("TANDEM_X_CONSUMER_SECRET", "consumer-secret"),
        ("TANDEM_X_ACCESS_TOKEN", "x-token"),
        ("TANDEM_X_API_URL", api.as_str()),
        ("TANDEM_UNDO_SECONDS", "0"),
    ]);
    t.import_kb();
    add_user(&t, "ana@tandem.test", "agent");
    let svc = console!(t);
    let crc = test::call_service(&svc, test::TestRequest::get().uri("/channels/x/webhook?crc_token=abc").to_request()).await;
    assert_eq!(crc.status(), 200);
    let crc: serde_json::Value = serde_json::from_slice(&test::read_body(crc).await).unwrap();
    assert_eq!(crc["response_token"], x_signed("abc"));
    let post = |body: String, signature: Option<String>| {
        let mut req = test::TestRequest::post().uri("/channels/x/webhook").insert_header(("Content-Type", "application/json"));
        if let Some(s) = signature {
            req = req.insert_header(("X-Twitter-Webhooks-Signature", s));
        }
        req.set_payload(body).to_request()
    };
    let body = dm("dm-1", "777", "My order never arrived and I am really angry. I want a refund now.");
    assert_eq!(test::call_service(&svc, post(body.clone(), None)).await.status(), 401);
    assert_eq!(test::call_service(&svc, post(body.clone(), Some(x_signed("forged")))).await.status(), 403);
    for _ in 0..2 {
        assert_eq!(test::call_service(&svc, post(body.clone(), Some(x_signed(&body)))).await.status(), 200);
    }
    // Our own DM (an echo of a reply) is not a customer's message.
    let echo = dm("dm-2", "4242", "We are on it.");
    test::call_service(&svc, post(echo.clone(), Some(x_signed(&echo)))).await;
    let list = tickets_json(&t);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["channel"], "x");
    let number = list[0]["number"].as_i64().unwrap();
    assert_eq!(t.show(number).messages.iter().filter(|m| m.direction == "inbound").count(), 1);

    let mut ana = Browser::default();
    ana.login(&svc, "ana@tandem.test", PASSWORD).await;
    ana.get(&svc, &format!("/tickets/{number}")).await;
    let sent = ana.submit(&svc, &format!("/tickets/{number}/reply"), &[("body", "Your refund is on its way.")]).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let mut conn = t.app.conn().unwrap();
    for _ in 0..6 {
        t.deliver();
        tandem::store::outbox::retry_now(&mut conn, tandem::store::now()).unwrap();
    }
    let posts = seen.lock().unwrap().clone();
    let replies: Vec<_> = posts
        .iter()
        .skip(2)
        .filter(|(_, b)| String::from_utf8_lossy(b).contains("refund is on its way"))
        .collect();
    assert_eq!(replies.len(), 1, "{posts:?}");
    assert!(replies[0].0.starts_with("POST /2/dm_conversations/with/777/messages"), "{}", replies[0].0);
    assert!(t.sent_mail().iter().all(|m| !m.to.contains("x.invalid")));
}

fn messenger_app() -> TestApp {
    let t = TestApp::with(&[("TANDEM_MESSENGER_APP_SECRET", "app-secret"), ("TANDEM_UNDO_SECONDS", "0")]);
    t.import_kb();
    t
}

async fn post_messenger<S, B>(svc: &S, body: &str) -> (u16, String)
where
    S: actix_web::dev::Service<actix_http::Request, Response = actix_web::dev::ServiceResponse<B>, Error = actix_web::Error>,
    B: actix_web::body::MessageBody,
    B::Error: std::fmt::Debug,
{
    let req = test::TestRequest::post()
        .uri("/channels/messenger/webhook")
        .insert_header(("Content-Type", "application/json"))
        .insert_header(("X-Hub-Signature-256", signed(body)))
        .set_payload(body.to_string())
        .to_request();
    let resp = test::call_service(svc, req).await;
    let status = resp.status().as_u16();
    (status, String::from_utf8_lossy(&test::read_body(resp).await).into_owned())
}

#[actix_web::test]
async fn a_photo_without_words_and_the_events_after_an_unusable_one_are_kept() {
    let t = messenger_app();
    let svc = console!(t);
    // A photo of the damage with no words, a sender id no address can be made of, then a
    // message after it: one delivery.
    let body = serde_json::json!({"object": "page", "entry": [{"id": "page-1", "time": 1, "messaging": [
        {"sender": {"id": "psid-9"}, "recipient": {"id": "page-1"}, "timestamp": 1, "message": {"mid": "m_photo",
            "attachments": [{"type": "image", "payload": {"url": "https://cdn.example/damage.jpg"}}]}},
        {"sender": {"id": "bad id\r\nBcc: x@evil.example"}, "recipient": {"id": "page-1"}, "timestamp": 2, "message": {"mid": "m_bad", "text": "hello"}},
        {"sender": {"id": "psid-10"}, "recipient": {"id": "page-1"}, "timestamp": 3, "message": {"mid": "m_after", "text": "Where is my parcel?"}}
    ]}]})
    .to_string();
    let (status, answer) = post_messenger(&svc, &body).await;
    assert_eq!(status, 200, "a redelivery could not help, so it must not be asked for: {answer}");
    let answer: serde_json::Value = serde_json::from_str(&answer).unwrap();
    assert_eq!((answer["stored"].as_i64(), answer["refused"].as_i64()), (Some(2), Some(1)), "{answer}");

    let list = tickets_json(&t);
    assert_eq!(list.len(), 2, "{list:?}");
    let texts: Vec<String> = list
        .iter()
        .flat_map(|l| t.show(l["number"].as_i64().unwrap()).messages)
        .filter(|m| m.direction == "inbound")
        .map(|m| m.text)
        .collect();
    assert!(texts.iter().any(|b| b.contains("[image] https://cdn.example/damage.jpg")), "{texts:?}");
    assert!(texts.iter().any(|b| b.contains("Where is my parcel?")), "{texts:?}");
    assert!(texts.iter().all(|b| !b.contains("evil.example")), "{texts:?}");

    // The network delivers again (it never saw our 200): nothing twice.
    let (status, answer) = post_messenger(&svc, &body).await;
    assert_eq!(status, 200, "{answer}");
    assert!(answer.contains("\"duplicates\":2"), "{answer}");
    assert_eq!(tickets_json(&t).len(), 2);
}

#[actix_web::test]
async fn a_new_users_messages_arriving_at_once_continue_one_ticket() {
    let t = messenger_app();
    for user in 0..4 {
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
        std::thread::scope(|s| {
            for part in 0..2 {
                let barrier = barrier.clone();
                let app = &t.app;
                s.spawn(move || {
                    let body = delivery(&format!("psid-new-{user}"), &format!("m_{user}_{part}"), &format!("Part {part} of my question about my parcel."));
                    barrier.wait();
                    let r = tandem::app::messenger::receive(app, body.as_bytes()).expect("stored");
                    assert_eq!(r.stored, 1, "{r:?}");
                });
            }
        });
    }
    let list = tickets_json(&t);
    assert_eq!(list.len(), 4, "one ticket per user, however fast they write: {list:?}");
    for l in &list {
        assert_eq!(t.inbound_messages(l["number"].as_i64().unwrap()), 2);
    }
}

#[actix_web::test]
async fn a_dm_with_only_a_photo_is_kept() {
    let t = TestApp::with(&[("TANDEM_X_CONSUMER_SECRET", "consumer-secret"), ("TANDEM_UNDO_SECONDS", "0")]);
    let body = serde_json::json!({"for_user_id": "4242", "direct_message_events": [
        {"type": "message_create", "id": "dm-photo", "created_timestamp": "1", "message_create": {
            "target": {"recipient_id": "4242"}, "sender_id": "888", "message_data": {"text": "",
                "attachment": {"type": "media", "media": {"type": "photo", "media_url_https": "https://pbs.example/broken.jpg"}}}}}
    ]})
    .to_string();
    let r = tandem::app::x::receive(&t.app, body.as_bytes()).unwrap();
    assert_eq!(r.stored, 1, "{r:?}");
    let list = tickets_json(&t);
    assert_eq!(list.len(), 1);
    let shown = t.show(list[0]["number"].as_i64().unwrap());
    assert!(shown.messages.iter().any(|m| m.text.contains("[photo] https://pbs.example/broken.jpg")), "{:?}", shown.messages);
}

/// Whatever characters a user's message holds (control characters, a NUL, a lone line
/// break, a subject line of right-to-left marks), it is stored: none of it can make the
/// message impossible to compose.
#[actix_web::test]
async fn hostile_characters_in_a_message_do_not_lose_it() {
    let t = messenger_app();
    let texts = [
        "Null\u{0}byte and escape \u{1b}[31m in my order",
        "\r\n\r\nBcc: x@evil.example\r\n\r\nlamp broken",
        "\u{202e}\u{202e}\u{202e} reversed subject line",
        "=?utf-8?b?Zm9v?= encoded-looking words",
    ];
    for (i, text) in texts.iter().enumerate() {
        let body = delivery(&format!("psid-h{i}"), &format!("m_h{i}"), text);
        let r = tandem::app::messenger::receive(&t.app, body.as_bytes()).unwrap();
        assert_eq!((r.stored, r.refused), (1, 0), "{text:?}: {r:?}");
    }
    assert_eq!(tickets_json(&t).len(), texts.len());
}

/// The hourly cap on automatic messages to one sender holds on Messenger as on mail:
/// another bot chatting with ours, ticket after ticket, must not make a loop.
#[core::prelude::v1::test]
fn the_cap_on_automatic_replies_holds_on_messenger() {
    let t = TestApp::with(&[("TANDEM_AUTO_REPLY_CAP", "2")]);
    t.import_kb();
    let ana = add_user(&t, "ana@tandem.test", "agent");
    let by = tandem::app::actions::ActingUser { id: ana, ip: None };
    let messenger = tandem::app::social::network_of("messenger").unwrap();
    let mut numbers = Vec::new();
    for i in 0..4 {
        let stored = messenger
            .store_message(
                &t.app,
                "7001",
                &format!("m_cap_{i}"),
                "Where is my parcel? I ordered last week and it has not arrived yet. How can I track my order?",
            )
            .unwrap();
        let (n, _) = crate::harness::accepted(&stored);
        numbers.push(n);
        tandem::app::review::set_status(&t.app, n, "closed", &by).unwrap();
    }
    numbers.dedup();
    assert_eq!(numbers.len(), 4, "a new ticket each time");
    let mut conn = t.app.conn().unwrap();
    let automatic = tandem::store::outbox::count_automatic_to(
        &mut conn,
        "7001",
        tandem::domain::AUTOMATIC_KINDS,
        tandem::store::now() - chrono::Duration::hours(1),
    )
    .unwrap();
    drop(conn);
    assert!(automatic <= 2, "{automatic} automatic messages in an hour");
    let suppressed = numbers
        .iter()
        .filter(|n| t.show(**n).events.iter().any(|e| e.kind == "auto_reply_suppressed"))
        .count();
    assert!(suppressed >= 2, "the later tickets say why nothing automatic went");
}

/// A Send API that takes `delay` over every post (each on its own thread); keeps the bodies.
fn slow_send_api(delay: std::time::Duration) -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen: Seen = Arc::new(Mutex::new(Vec::new()));
    let kept = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let kept = kept.clone();
            std::thread::spawn(move || {
                let request = read_request(&stream);
                std::thread::sleep(delay);
                kept.lock().unwrap().push(request);
                let _ = write!(stream, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}");
            });
        }
    });
    (url, seen)
}

/// Two workers and a slow network: rows one worker claimed wait behind its slow sends
/// past their claim, and the other worker takes them. Each reply still goes once.
#[core::prelude::v1::test]
fn replies_claimed_by_a_slow_worker_go_once_when_another_joins() {
    let (api, seen) = slow_send_api(std::time::Duration::from_millis(300));
    let t = TestApp::with(&[
        ("TANDEM_MESSENGER_PAGE_TOKEN", "page-token"),
        ("TANDEM_MESSENGER_API_URL", api.as_str()),
        ("TANDEM_UNDO_SECONDS", "0"),
        ("TANDEM_AUTO_REPLY_CAP", "0"),
    ]);
    let ana = add_user(&t, "ana@tandem.test", "agent");
    let by = tandem::app::actions::ActingUser { id: ana, ip: None };
    let messenger = tandem::app::social::network_of("messenger").unwrap();
    let replies = 16;
    for i in 0..replies {
        let stored = messenger
            .store_message(&t.app, &format!("80{i:02}"), &format!("m_slow_{i}"), "My lamp arrived broken, I am angry.")
            .unwrap();
        let (n, _) = crate::harness::accepted(&stored);
        tandem::app::review::reply(&t.app, n, &format!("Reply number {i}: a new lamp is on its way."), None, &by).unwrap();
    }
    let lease = chrono::Duration::milliseconds(3_000);
    let transport = tandem::app::outbox::transport(&t.app).unwrap();
    std::thread::scope(|s| {
        let first = s.spawn(|| tandem::app::outbox::deliver_due_leased(&t.app, &transport, 100, lease).unwrap());
        // The second worker starts once the first one's claims have run out.
        std::thread::sleep(std::time::Duration::from_millis(3_300));
        let second = s.spawn(|| tandem::app::outbox::deliver_due_leased(&t.app, &transport, 100, lease).unwrap());
        first.join().unwrap();
        second.join().unwrap();
    });
    let posts = seen.lock().unwrap().clone();
    for i in 0..replies {
        let text = format!("Reply number {i}:");
        let times = posts.iter().filter(|(_, b)| String::from_utf8_lossy(b).contains(&text)).count();
        assert_eq!(times, 1, "reply {i} was posted {times} times");
    }
}

/// A Messenger delivery that meets the database busy (SQLite's write lock held by another
/// connection) is answered 503, so the network delivers it again; nothing of it is half
/// kept. Delivered again, it is stored once. A message whose processing breaks midway (a
/// panic) is kept once for an administrator and answered as stored, redelivered or not.
#[actix_web::test]
async fn a_delivery_meeting_a_busy_database_or_a_panic_is_kept_once() {
    let t = messenger_app();
    let svc = console!(t);
    let body = serde_json::json!({"object": "page", "entry": [{"id": "page-1", "time": 1, "messaging": [
        {"sender": {"id": "psid-21"}, "recipient": {"id": "page-1"}, "timestamp": 1, "message": {"mid": "m_busy_1", "text": "My parcel 4711 never came."}},
        {"sender": {"id": "psid-22"}, "recipient": {"id": "page-1"}, "timestamp": 2, "message": {"mid": "m_busy_2", "text": "Where is my refund?"}}
    ]}]})
    .to_string();
    if t.db.postgres().is_none() {
        use diesel::Connection;
        use diesel::connection::SimpleConnection;
        let path = t.db.url.trim_start_matches("sqlite://").to_string();
        let mut holder = diesel::SqliteConnection::establish(&path).unwrap();
        holder.batch_execute("BEGIN IMMEDIATE").unwrap();
        let (status, answer) = post_messenger(&svc, &body).await;
        holder.batch_execute("ROLLBACK").unwrap();
        assert_eq!(status, 503, "a redelivery helps, so it is asked for: {answer}");
        assert!(tickets_json(&t).is_empty());
    }
    for round in 0..2 {
        let (status, answer) = post_messenger(&svc, &body).await;
        assert_eq!(status, 200, "round {round}: {answer}");
    }
    assert_eq!(tickets_json(&t).len(), 2, "each stored once");

    let breaks = delivery("psid-23", "m_breaks", "Hello\nX-Tandem-Fault: panic\r\nmy order is late");
    for round in 0..2 {
        let (status, answer) = post_messenger(&svc, &breaks).await;
        // Kept either way: a redelivery tries the parked message once more (a newer
        // version may mend it), never as a second copy.
        assert_eq!(status, 200, "round {round}: {answer}");
        assert!(answer.contains("\"stored\":1"), "round {round}: {answer}");
    }
    let mut conn = t.app.conn().unwrap();
    let parked = tandem::store::raw_mail::count_by_status(&mut conn, tandem::store::raw_mail::FAILED).unwrap();
    assert_eq!(parked, 1, "kept once, for an administrator");
    drop(conn);
    assert_eq!(tickets_json(&t).len(), 2, "no ticket half made");
}

/// A Send API that cannot be reached is tried again, and what is kept of the failure names
/// neither the page's access token (it travels in the address's query) nor the user.
#[actix_web::test]
async fn a_failed_send_keeps_no_access_token_in_its_error() {
    // A port nothing listens on: the connection is refused.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let t = TestApp::with(&[
        ("TANDEM_MESSENGER_APP_SECRET", "app-secret"),
        ("TANDEM_MESSENGER_PAGE_TOKEN", "EAAB-page-token-4711"),
        ("TANDEM_MESSENGER_API_URL", &format!("http://{closed}")),
        ("TANDEM_UNDO_SECONDS", "0"),
    ]);
    t.import_kb();
    let svc = console!(t);
    let body = delivery("psid-5550123", "m_fail", "Where is my parcel? It has not arrived yet.");
    assert_eq!(post_messenger(&svc, &body).await.0, 200);
    t.deliver();
    let mut conn = t.app.conn().unwrap();
    let errors: Vec<Option<String>> = match &mut *conn {
        tandem::store::DbConn::Sqlite(c) => {
            use diesel::prelude::*;
            tandem::store::schema::outbox::table
                .select(tandem::store::schema::outbox::last_error)
                .load(c)
                .unwrap()
        }
        tandem::store::DbConn::Postgres(c) => {
            use diesel::prelude::*;
            tandem::store::schema::outbox::table
                .select(tandem::store::schema::outbox::last_error)
                .load(c)
                .unwrap()
        }
    };
    let errors: Vec<String> = errors.into_iter().flatten().collect();
    assert!(!errors.is_empty(), "the failed send says why");
    for e in &errors {
        assert!(e.contains("Send API: Connection Failed"), "{e}");
        assert!(!e.contains("4711") && !e.contains("access_token"), "{e}");
    }
}
