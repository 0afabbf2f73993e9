//! The REST API (issue 14, item 5): tokens with scopes, stored hashed; tickets read and
//! written through the mail's road on the `api` channel, once per idempotency key; the
//! OpenAPI document matches the routes.

use actix_web::{App, test, web};
use serde_json::{Value, json};

use crate::console::console;
use crate::harness::TestApp;

async fn call<S, B>(svc: &S, method: &str, path: &str, token: Option<&str>, body: Option<Value>, key: Option<&str>) -> (u16, Value)
where
    S: actix_web::dev::Service<actix_http::Request, Response = actix_web::dev::ServiceResponse<B>, Error = actix_web::Error>,
    B: actix_web::body::MessageBody,
    B::Error: std::fmt::Debug,
{
    let mut req = match method {
        "post" => test::TestRequest::post(),
        _ => test::TestRequest::get(),
    }
    .uri(path);
    if let Some(t) = token {
        req = req.insert_header(("Authorization", format!("Bearer {t}")));
    }
    if let Some(k) = key {
        req = req.insert_header(("Idempotency-Key", k));
    }
    if let Some(b) = body {
        req = req.set_json(b);
    }
    let resp = test::call_service(svc, req.to_request()).await;
    let status = resp.status().as_u16();
    let bytes = test::read_body(resp).await;
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

#[actix_web::test]
async fn tokens_scopes_and_tickets_through_the_api() {
    let t = TestApp::with_kb();
    let scopes = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let (_, writer) = tandem::app::api::create_token(&t.app, "shop", &scopes(&["tickets:read", "tickets:write"])).unwrap();
    let (_, reader) = tandem::app::api::create_token(&t.app, "wiki", &scopes(&["kb:read"])).unwrap();
    assert!(tandem::app::api::create_token(&t.app, "bad", &scopes(&["tickets:delete"])).is_err());
    // Only hashes are kept.
    let stored = tandem::app::api::tokens(&t.app).unwrap();
    assert!(stored.iter().all(|r| r.token_hash != writer && r.token_hash != reader && r.token_hash.len() == 64));
    let svc = console!(t);

    assert_eq!(call(&svc, "get", "/api/v1/tickets", None, None, None).await.0, 401);
    assert_eq!(call(&svc, "get", "/api/v1/tickets", Some("tdm_forged"), None, None).await.0, 401);
    let (status, body) = call(&svc, "get", "/api/v1/tickets", Some(&reader), None, None).await;
    assert_eq!(status, 403);
    assert!(body["error"].as_str().unwrap().contains("tickets:read"));

    let new = json!({"email": "zoe@example.com", "name": "Zoe\r\nBcc: x@example.com", "subject": "Broken lamp", "body": "The lamp arrived with a cracked base; I am angry."});
    let (s1, b1) = call(&svc, "post", "/api/v1/tickets", Some(&writer), Some(new.clone()), Some("order-77")).await;
    assert_eq!(s1, 201, "{b1}");
    assert_eq!(b1["created"], true);
    let (s2, b2) = call(&svc, "post", "/api/v1/tickets", Some(&writer), Some(new), Some("order-77")).await;
    assert_eq!(s2, 201);
    assert_eq!((b2["ticket"].clone(), b2["created"].clone()), (b1["ticket"].clone(), json!(false)), "a retry is one ticket");
    let number = b1["ticket"].as_i64().unwrap();
    let bad = call(&svc, "post", "/api/v1/tickets", Some(&writer), Some(json!({"email": "nope", "subject": "x", "body": "y"})), None).await;
    assert_eq!(bad.0, 400);

    let (_, list) = call(&svc, "get", "/api/v1/tickets", Some(&writer), None, None).await;
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["channel"], "api");
    let (s, _) = call(&svc, "post", &format!("/api/v1/tickets/{number}/messages"), Some(&writer), Some(json!({"body": "Photo of the crack attached later."})), Some("m-1")).await;
    assert_eq!(s, 201);
    let (_, detail) = call(&svc, "get", &format!("/api/v1/tickets/{number}"), Some(&writer), None, None).await;
    let inbound = detail["messages"].as_array().unwrap().iter().filter(|m| m["direction"] == "inbound").count();
    assert_eq!(inbound, 2);
    // The read is in the audit trail, by the token, as a person's view in the console is.
    let viewed: Vec<_> = t.show(number).events.into_iter().filter(|e| e.kind == "ticket_viewed").collect();
    assert_eq!(viewed.len(), 1, "one read, one record");
    assert_eq!(viewed[0].actor, "api");
    let (_, crm) = tandem::app::api::create_token(&t.app, "crm", &scopes(&["customers:read"])).unwrap();
    let (s, customer) = call(&svc, "get", "/api/v1/customers/zoe@example.com", Some(&crm), None, None).await;
    assert_eq!((s, customer["tickets"].clone()), (200, json!([number])));
    let mut conn = t.app.conn().unwrap();
    assert_eq!(tandem::store::events::count_kind(&mut conn, "customer_viewed").unwrap(), 1);
    drop(conn);
    assert_eq!(call(&svc, "get", "/api/v1/tickets/999999", Some(&writer), None, None).await.0, 404);
    let (s, kb) = call(&svc, "get", "/api/v1/kb?language=de", Some(&reader), None, None).await;
    assert_eq!(s, 200);
    assert!(kb.as_array().unwrap().iter().all(|a| a["language"] == "de") && !kb.as_array().unwrap().is_empty());

    // A revoked token opens nothing.
    assert_eq!(tandem::app::api::revoke(&t.app, "shop").unwrap(), 1);
    assert_eq!(call(&svc, "get", "/api/v1/tickets", Some(&writer), None, None).await.0, 401);
}

#[actix_web::test]
async fn an_idempotency_key_names_one_request_and_never_swallows_another() {
    let t = TestApp::with_kb();
    let scopes = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let (_, writer) = tandem::app::api::create_token(&t.app, "shop", &scopes(&["tickets:read", "tickets:write", "kb:read"])).unwrap();
    let svc = console!(t);
    let open = |who: &str| json!({"email": format!("{who}@example.com"), "subject": "Lamp", "body": format!("{who}: the lamp arrived broken.")});
    let (_, a) = call(&svc, "post", "/api/v1/tickets", Some(&writer), Some(open("ann")), Some("open-a")).await;
    let (_, b) = call(&svc, "post", "/api/v1/tickets", Some(&writer), Some(open("bob")), Some("open-b")).await;
    let (a, b) = (a["ticket"].as_i64().unwrap(), b["ticket"].as_i64().unwrap());
    let post_message = |number: i64, body: &str| (format!("/api/v1/tickets/{number}/messages"), json!({"body": body}));

    let (path, body) = post_message(a, "Here is the photo of the crack.");
    let (s, first) = call(&svc, "post", &path, Some(&writer), Some(body.clone()), Some("msg-1")).await;
    assert_eq!((s, first["created"].clone()), (201, json!(true)), "{first}");
    // The same request again (a retry): one message.
    let (s, again) = call(&svc, "post", &path, Some(&writer), Some(body), Some("msg-1")).await;
    assert_eq!((s, again["created"].clone()), (201, json!(false)), "{again}");
    assert_eq!(t.inbound_messages(a), 2);

    // The key again on another ticket, or with another text: refused, and said so, never
    // answered "201" for a message that was not stored.
    let (path_b, body_b) = post_message(b, "A different message for another ticket.");
    let (s, other) = call(&svc, "post", &path_b, Some(&writer), Some(body_b.clone()), Some("msg-1")).await;
    assert_eq!(s, 409, "{other}");
    assert!(other["error"].as_str().unwrap_or_default().contains("Idempotency-Key"), "{other}");
    let (s, changed) = call(&svc, "post", &path, Some(&writer), Some(json!({"body": "Another text altogether."})), Some("msg-1")).await;
    assert_eq!(s, 409, "{changed}");
    let (s, opened) = call(&svc, "post", "/api/v1/tickets", Some(&writer), Some(open("cid")), Some("msg-1")).await;
    assert_eq!(s, 409, "a key of a message does not open a ticket: {opened}");
    assert_eq!((t.inbound_messages(a), t.inbound_messages(b)), (2, 1));
    // With a key of its own the other message is stored.
    let (s, _) = call(&svc, "post", &path_b, Some(&writer), Some(body_b), Some("msg-2")).await;
    assert_eq!(s, 201);
    assert_eq!(t.inbound_messages(b), 2);

    // Pages from a query string: any number answers, none overflows.
    for page in ["0", "-5", "9223372036854775807"] {
        let (s, kb) = call(&svc, "get", &format!("/api/v1/kb?page={page}"), Some(&writer), None, None).await;
        assert_eq!(s, 200, "page {page}: {kb}");
    }
    let (_, last) = call(&svc, "get", "/api/v1/kb?page=9223372036854775807", Some(&writer), None, None).await;
    assert_eq!(last, json!([]));
}

/// A message that cannot be processed is stored and kept for an administrator: the
/// integration hears 202, not a 500 that has it send the message again and again.
#[actix_web::test]
async fn a_message_that_cannot_be_processed_is_accepted_and_kept() {
    let t = TestApp::with_kb();
    let scopes = ["tickets:write".to_string()];
    let (_, writer) = tandem::app::api::create_token(&t.app, "shop", &scopes).unwrap();
    let svc = console!(t);
    let body = json!({"email": "zoe@example.com", "subject": "Lamp", "body": "First line\r\nX-Tandem-Fault: panic\r\nThe lamp is broken."});
    for _ in 0..2 {
        let (s, answer) = call(&svc, "post", "/api/v1/tickets", Some(&writer), Some(body.clone()), Some("k-1")).await;
        assert_eq!(s, 202, "{answer}");
        assert!(answer["kept_for_an_administrator"].is_string(), "{answer}");
    }
    let mut conn = t.app.conn().unwrap();
    let failed = tandem::store::raw_mail::count_by_status(&mut conn, tandem::store::raw_mail::FAILED).unwrap();
    assert_eq!(failed, 1, "one stored copy, parked");
}

#[actix_web::test]
async fn the_openapi_document_lists_every_route_and_each_asks_for_a_token() {
    let t = TestApp::new();
    let svc = console!(t);
    let (status, doc) = call(&svc, "get", "/api/v1/openapi.json", None, None, None).await;
    assert_eq!(status, 200);
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 5);
    for (path, ops) in paths {
        for (method, op) in ops.as_object().unwrap() {
            assert!(op["x-scope"].is_string());
            let concrete = path.replace("{number}", "1001").replace("{email}", "a@example.com");
            let body = (method == "post").then(|| json!({"email": "a@example.com", "subject": "s", "body": "b"}));
            let (s, _) = call(&svc, method, &concrete, None, body, None).await;
            assert_eq!(s, 401, "{method} {path} answers without a token");
        }
    }
}
