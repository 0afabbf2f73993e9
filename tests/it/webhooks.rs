//! Outgoing webhooks (issue 14, item 5): ticket events posted to a local server that
//! records them, signed with HMAC-SHA256, through the outbox: a failing receiver gets the
//! event again later, and a delivered event is never posted twice.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use crate::harness::{TestApp, accepted, email};

/// A receiver that answers 500 to the first `failures` posts, then 200; it keeps every
/// post as (headers, body).
fn receiver(failures: usize) -> (String, Arc<Mutex<Vec<(Vec<String>, Vec<u8>)>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let kept = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut headers = Vec::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                headers.push(line.trim_end().to_string());
            }
            let length = headers
                .iter()
                .find_map(|h| h.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap()))
                .unwrap_or(0);
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let n = {
                let mut all = kept.lock().unwrap();
                all.push((headers, body));
                all.len()
            };
            let status = if n <= failures { "500 Internal Server Error" } else { "200 OK" };
            let _ = write!(stream, "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    (url, seen)
}

fn header<'a>(headers: &'a [String], name: &str) -> Option<&'a str> {
    headers.iter().find_map(|h| {
        let (k, v) = h.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

#[test]
fn ticket_events_reach_the_webhook_signed_once_each_after_failures() {
    let (url, seen) = receiver(2);
    let t = TestApp::with(&[("TANDEM_WEBHOOK_URLS", url.as_str()), ("TANDEM_WEBHOOK_SECRET", "s3cret")]);
    t.import_kb();
    // The first run sets the cursor: events from before it are not sent.
    assert_eq!(tandem::app::webhooks::pump(&t.app, "test").unwrap(), 0);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let (number, _) = accepted(&t.ingest(&email("kim@example.com", "Lamp", "w1@x", "My lamp arrived broken and I am very angry about it.")));
    // Events are sent once they are LAG_SECONDS old.
    std::thread::sleep(std::time::Duration::from_secs(tandem::app::webhooks::LAG_SECONDS as u64 + 1));
    let queued = tandem::app::webhooks::pump(&t.app, "test").unwrap();
    assert!(queued >= 2, "ticket_created and the triage outcome: {queued}");
    assert_eq!(tandem::app::webhooks::pump(&t.app, "test").unwrap(), 0, "a second run queues nothing again");

    let mut conn = t.app.conn().unwrap();
    for _ in 0..(queued + 3) {
        t.deliver();
        tandem::store::outbox::retry_now(&mut conn, tandem::store::now()).unwrap();
    }
    t.deliver();
    let posts = seen.lock().unwrap().clone();
    let delivered: Vec<_> = posts.iter().skip(2).collect();
    assert_eq!(delivered.len(), queued, "each event once after the two failures: {}", posts.len());
    for (headers, body) in &posts {
        let expected = tandem::app::webhooks::signature("s3cret", body);
        assert_eq!(header(headers, "X-Tandem-Signature"), Some(expected.as_str()));
        assert!(header(headers, "X-Tandem-Delivery").is_some());
    }
    let bodies: Vec<serde_json::Value> = delivered.iter().map(|(_, b)| serde_json::from_slice(b).unwrap()).collect();
    let created = bodies.iter().find(|b| b["event"] == "ticket_created").expect("ticket_created");
    assert_eq!(created["ticket"], number);
    let mut ids: Vec<_> = bodies.iter().map(|b| b["id"].as_str().unwrap().to_string()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), bodies.len(), "no event twice");
    // Webhooks are no person's send: the ticket page offers no undo for them.
    let ticket = tandem::store::tickets::get_by_number(&mut conn, number).unwrap().unwrap();
    let unreleased = tandem::store::outbox::unreleased_for_ticket(&mut conn, &ticket.id, tandem::store::now()).unwrap();
    assert!(unreleased.iter().all(|u| !u.2.starts_with("ticket_")));
}
