//! Optional LLM drafts against a local server that speaks the OpenAI chat-completions
//! protocol: grounded drafts are used, personal data never leaves the process, drafts
//! without a citation wait for review, and failures fall back to the built-in draft.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use tandem::app::ingest::Outcome;

use crate::harness::{TestApp, email};

/// A chat-completions server that answers every request with `status` and `content`,
/// and keeps the request bodies it saw.
fn fake_llm(status: u16, content: &'static str) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            log.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&body).into_owned());
            let reply = serde_json::json!({"choices": [{"message": {"role": "assistant", "content": content}}]}).to_string();
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
                reply.len()
            );
        }
    });
    (url, seen)
}

/// An answerable question carrying the customer's private address (phone numbers, cards
/// and IBANs are covered by the redaction unit tests in triage::pii).
const PARCEL_WITH_PII: &str = "Where is my parcel? I ordered last week and it has not arrived yet. How can I track my order? Reach me at ana.private@example.org.";

fn llm_app(url: &str) -> TestApp {
    let t = TestApp::with(&[
        ("TANDEM_LLM_URL", url),
        ("TANDEM_LLM_MODEL", "test-model"),
        ("TANDEM_LLM_TIMEOUT_MS", "2000"),
    ]);
    t.import_kb();
    t
}

fn action(o: Outcome) -> (i64, String) {
    match o {
        Outcome::Accepted {
            ticket_number,
            action,
            ..
        } => (ticket_number, action),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_grounded_llm_draft_is_sent_and_personal_data_stays_home() {
    let (url, seen) = fake_llm(
        200,
        "Hello! You can follow your parcel on the Orders page [1]. We will write to [EMAIL_1] if it is delayed.",
    );
    let t = llm_app(&url);
    let (n, act) = action(t.ingest(&email(
        "ana@example.com",
        "Where is my parcel?",
        "l1@example.com",
        PARCEL_WITH_PII,
    )));
    assert_eq!(act, "auto_send");
    let requests = seen.lock().unwrap().clone();
    assert_eq!(requests.len(), 1);
    let sent: serde_json::Value = serde_json::from_str(&requests[0]).unwrap();
    assert_eq!(sent["model"], "test-model");
    let wire = requests[0].clone();
    assert!(
        !wire.contains("ana.private@example.org"),
        "PII left the process: {wire}"
    );
    assert!(wire.contains("[EMAIL_1]"), "placeholders instead: {wire}");
    assert!(
        wire.contains("Track parcel"),
        "the retrieved article grounds the prompt"
    );
    t.deliver();
    let answer = &t.sent_mail()[0];
    assert!(
        answer
            .body
            .contains("follow your parcel on the Orders page."),
        "{}",
        answer.body
    );
    assert!(
        answer.body.contains("ana.private@example.org"),
        "the customer's own data restored: {}",
        answer.body
    );
    assert!(!answer.body.contains("[1]") && !answer.body.contains("[EMAIL_1]"));
    assert!(
        t.show(n)
            .events
            .iter()
            .any(|e| e.kind == "llm_draft" && e.data["grounded"] == true)
    );
}

#[test]
fn an_llm_draft_without_a_citation_waits_for_review() {
    let (url, _) = fake_llm(
        200,
        "Your parcel will surely arrive tomorrow, free of charge.",
    );
    let t = llm_app(&url);
    let (n, act) = action(t.ingest(&email(
        "ana@example.com",
        "Where is my parcel?",
        "l2@example.com",
        PARCEL_WITH_PII,
    )));
    assert_eq!(act, "review");
    let ticket = t.show(n);
    assert_eq!(ticket.summary.status, "pending_review");
    assert!(
        ticket.drafts[0].reason.contains("cites no retrieved"),
        "{}",
        ticket.drafts[0].reason
    );
    // The LLM's text, between our greeting and sign-off.
    let body = &ticket.drafts[0].body;
    assert!(
        body.contains("\n\nYour parcel will surely arrive tomorrow, free of charge.\n\n"),
        "{body}"
    );
    assert!(body.starts_with("Hello"), "{body}");
}

#[test]
fn a_failing_or_absent_endpoint_falls_back_to_the_built_in_draft() {
    let (url, seen) = fake_llm(500, "");
    let dead = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/v1", l.local_addr().unwrap())
    };
    for (i, url) in [url, dead].iter().enumerate() {
        let t = llm_app(url);
        let (n, act) = action(t.ingest(&email(
            "ana@example.com",
            "Where is my parcel?",
            &format!("f{i}@example.com"),
            PARCEL_WITH_PII,
        )));
        assert_eq!(act, "auto_send", "the built-in engine still answers");
        t.deliver();
        assert!(
            t.sent_mail()[0].body.contains("Track parcel"),
            "the built-in draft went out"
        );
        assert!(t.show(n).events.iter().any(|e| e.kind == "llm_fallback"));
    }
    assert_eq!(
        seen.lock().unwrap().len(),
        2,
        "one retry after a server error"
    );
}
