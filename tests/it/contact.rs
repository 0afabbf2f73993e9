//! The web form and the customer's status page (issue 14, item 4): a form message is a
//! ticket on the `form` channel, acknowledged by mail with a signed link; the link shows
//! the state, takes more messages and a request for a person, and a rating after the
//! answer. Bots, forged links and floods are kept out; nothing typed is lost.

use actix_web::{App, test, web};

use crate::console::{Browser, console};
use crate::harness::TestApp;

fn form_token(body: &str) -> String {
    let at = body.find("name=\"form_token\" value=\"").expect("a form token");
    let rest = &body[at + 25..];
    rest[..rest.find('"').unwrap()].to_string()
}

fn tickets_json(t: &TestApp) -> Vec<serde_json::Value> {
    let (code, out, err) = t.run_cli(&["ticket", "list", "--json"], b"");
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

fn link_in(text: &str) -> String {
    let at = text.find("/status/").expect("a status link");
    text[at..].split_whitespace().next().unwrap().to_string()
}

fn test_app() -> TestApp {
    let t = TestApp::with(&[("TANDEM_FORM_MIN_SECONDS", "0"), ("TANDEM_UNDO_SECONDS", "0")]);
    t.import_kb();
    t
}

async fn send_form<S, B>(svc: &S, b: &mut Browser, fields: &[(&str, &str)]) -> crate::console::Page
where
    S: actix_web::dev::Service<actix_http::Request, Response = actix_web::dev::ServiceResponse<B>, Error = actix_web::Error>,
    B: actix_web::body::MessageBody,
    B::Error: std::fmt::Debug,
{
    let page = b.get(svc, "/contact").await;
    assert_eq!(page.status, 200);
    let token = form_token(&page.body);
    let mut all = vec![("form_token", token.as_str())];
    all.extend_from_slice(fields);
    b.submit(svc, "/contact", &all).await
}

#[actix_web::test]
async fn a_form_message_becomes_a_ticket_with_a_status_page() {
    let t = test_app();
    let svc = console!(t);
    let mut b = Browser::default();
    let sent = send_form(
        &svc,
        &mut b,
        &[
            ("name", "Zoe Ray\r\nBcc: victim@example.com"),
            ("email", "zoe@example.com"),
            ("subject", "Broken lamp"),
            ("message", "The lamp I bought arrived with a cracked base. I am angry and want this fixed."),
            ("website", ""),
        ],
    )
    .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert!(sent.body.contains("id=\"contact-sent\""));
    let list = tickets_json(&t);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["channel"], "form");
    let number = list[0]["number"].as_i64().unwrap();
    // Agents find it by its channel.
    crate::console::add_user(&t, "ana@tandem.test", "agent");
    let mut ana = Browser::default();
    ana.login(&svc, "ana@tandem.test", crate::console::PASSWORD).await;
    let by_form = ana.get(&svc, "/queue?view=all&channel=form").await;
    assert!(by_form.body.contains(&format!("#{number}</a>")) && by_form.body.contains("1 ticket,"));
    let by_mail = ana.get(&svc, "/queue?view=all&channel=email").await;
    assert!(!by_mail.body.contains(&format!("#{number}</a>")));

    // The acknowledgement went to the address, with the status link.
    t.deliver();
    let mail = t.sent_mail();
    let ack = mail.iter().find(|m| m.to.contains("zoe@example.com")).expect("an acknowledgement");
    assert!(!ack.to.contains("victim"), "no header injection: {}", ack.to);
    let link = link_in(&ack.body);
    let page = b.get(&svc, &link).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(&format!("Ticket #{number}")));
    assert!(page.body.contains("cracked base"));
    assert!(page.body.contains("A person from our team is working on it"), "{}", page.body);
    assert!(page.body.contains("We expect to answer by"));

    // More words, sent twice with one form: one message, on the same ticket.
    let token = form_token(&page.body);
    for _ in 0..2 {
        let added = b
            .submit(&svc, &format!("{link}/message"), &[("form_token", &token), ("message", "Photo: the crack is 5 cm long.")])
            .await;
        assert_eq!(added.status, 303, "{}", added.body);
    }
    let detail = t.show(number);
    let inbound = detail.messages.iter().filter(|m| m.direction == "inbound").count();
    assert_eq!(inbound, 2, "the form's words and the added message, once");
    assert_eq!(tickets_json(&t).len(), 1);

    // Asking for a person marks the ticket.
    let page = b.get(&svc, &link).await;
    let asked = b.submit(&svc, &format!("{link}/person"), &[("form_token", &form_token(&page.body))]).await;
    assert_eq!(asked.status, 303);
    let page = b.get(&svc, &asked.location).await;
    assert!(page.body.contains("You asked for a person"), "{}", page.body);

    // A changed or made-up link opens nothing.
    let forged = link.replace(&format!("/status/{number}."), &format!("/status/{}.", number + 1));
    assert_eq!(b.get(&svc, &forged).await.status, 404);
    assert_eq!(b.get(&svc, "/status/1001.99999999999.00").await.status, 404);
    // Posting to the page without its CSRF token changes nothing.
    let mut stranger = Browser::default();
    let p = stranger.post(&svc, &format!("{link}/message"), &[("csrf_token", "x"), ("form_token", &token), ("message", "spam")]).await;
    assert_eq!(p.status, 400);
    assert_eq!(t.show(number).messages.iter().filter(|m| m.direction == "inbound").count(), 3);
}

#[actix_web::test]
async fn an_answered_ticket_is_rated_in_one_click() {
    let t = test_app();
    let svc = console!(t);
    let mut b = Browser::default();
    send_form(
        &svc,
        &mut b,
        &[("email", "dan@example.com"), ("subject", "Parcel"), ("message", "Where is my parcel? How can I track my order?")],
    )
    .await;
    let number = tickets_json(&t)[0]["number"].as_i64().unwrap();
    assert_eq!(tickets_json(&t)[0]["status"], "auto_answered");
    // An automatic answer carries no acknowledgement; the link is made as any would be.
    let link = {
        let mut conn = t.app.conn().unwrap();
        let url = tandem::app::contact::status_link(&t.app, &mut conn, number).unwrap();
        url[url.find("/status/").unwrap()..].to_string()
    };
    let page = b.get(&svc, &link).await;
    assert!(page.body.contains("id=\"rate\""), "{}", page.body);
    let token = form_token(&page.body);
    let rated = b.submit(&svc, &format!("{link}/rate"), &[("form_token", &token), ("helpful", "no")]).await;
    assert_eq!(rated.status, 303);
    let day = chrono::Duration::days(1);
    let now = chrono::Utc::now().naive_utc();
    assert_eq!(tandem::app::contact::ratings(&t.app, now - day, now + day).unwrap(), (0, 1, 0, 0));
    // A second click replaces the first.
    b.submit(&svc, &format!("{link}/rate"), &[("form_token", &token), ("helpful", "yes")]).await;
    assert_eq!(tandem::app::contact::ratings(&t.app, now - day, now + day).unwrap(), (1, 1, 0, 0));
    // Supervisors see it, automated against answers by people.
    crate::console::add_user(&t, "sue@tandem.test", "supervisor");
    let mut sue = Browser::default();
    sue.login(&svc, "sue@tandem.test", crate::console::PASSWORD).await;
    let page = sue.get(&svc, "/supervisor").await;
    assert!(page.body.contains("Customers who found the answer helpful"), "{}", page.body);
    assert!(page.body.contains("automated answers 1 of 1 · answers by people 0 of 0"));
}

#[actix_web::test]
async fn bots_are_thanked_and_ignored_floods_are_held_and_text_is_never_lost() {
    let t = test_app();
    let svc = console!(t);
    let mut b = Browser::default();
    // The honeypot: a bot fills every field.
    let bot = send_form(&svc, &mut b, &[("email", "bot@example.com"), ("message", "cheap pills"), ("website", "http://spam.example")]).await;
    assert_eq!(bot.status, 200);
    assert!(bot.body.contains("id=\"contact-sent\""));
    assert!(tickets_json(&t).is_empty());
    // A bad address: refused, the text comes back.
    let bad = send_form(&svc, &mut b, &[("email", "not an address"), ("message", "my words stay")]).await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("my words stay"));
    // Larger than a form may be: 413, nothing stored.
    let huge = "x".repeat(20 * 1024 * 1024);
    let big = send_form(&svc, &mut b, &[("email", "big@example.com"), ("message", &huge)]).await;
    assert_eq!(big.status, 413);
    assert!(tickets_json(&t).is_empty());
    // Five an hour from one address, then a clear refusal with the text kept.
    for i in 0..5 {
        let ok = send_form(&svc, &mut b, &[("email", "kim@example.com"), ("subject", &format!("Q{i}")), ("message", &format!("Question number {i} about my invoice"))]).await;
        assert_eq!(ok.status, 200, "{}", ok.body);
    }
    let held = send_form(&svc, &mut b, &[("email", "KIM@example.com"), ("message", "the sixth question")]).await;
    assert_eq!(held.status, 429);
    assert!(held.body.contains("the sixth question"));
    assert_eq!(tickets_json(&t).len(), 5);
    // A form without the page's CSRF cookie is shown again with its text.
    let mut fresh = Browser::default();
    let page = b.get(&svc, "/contact").await;
    let p = fresh
        .post(&svc, "/contact", &[("csrf_token", "forged"), ("form_token", &form_token(&page.body)), ("email", "x@example.com"), ("message", "kept text")])
        .await;
    assert_eq!(p.status, 400);
    assert!(p.body.contains("kept text"));
}

#[actix_web::test]
async fn the_form_and_the_status_page_speak_the_customers_language() {
    let t = test_app();
    let svc = console!(t);
    let req = test::TestRequest::get().uri("/contact").insert_header(("Accept-Language", "ja-JP,ja;q=0.9,en;q=0.5")).to_request();
    let resp = test::call_service(&svc, req).await;
    let body = String::from_utf8(test::read_body(resp).await.to_vec()).unwrap();
    assert!(body.contains("<html lang=\"ja\" dir=\"ltr\">") && body.contains("お問い合わせ"), "{body}");
    let req = test::TestRequest::get().uri("/contact").insert_header(("Accept-Language", "ar")).to_request();
    let body = String::from_utf8(test::read_body(test::call_service(&svc, req).await).await.to_vec()).unwrap();
    assert!(body.contains("dir=\"rtl\"") && body.contains("اتصل بنا"));
    let req = test::TestRequest::get().uri("/contact").insert_header(("Accept-Language", "fi")).to_request();
    let body = String::from_utf8(test::read_body(test::call_service(&svc, req).await).await.to_vec()).unwrap();
    assert!(body.contains("<html lang=\"en\"") && body.contains("Contact us"), "a language without a catalogue gets English");

    // A Japanese ticket's status page is in Japanese, its promised time too.
    let mut b = Browser::default();
    send_form(&svc, &mut b, &[("email", "yuki@example.jp"), ("subject", "返品について"), ("message", "注文した商品が壊れて届きました。とても困っています。担当者と話したいです。")]).await;
    let number = tickets_json(&t)[0]["number"].as_i64().unwrap();
    let link = {
        let mut conn = t.app.conn().unwrap();
        let url = tandem::app::contact::status_link(&t.app, &mut conn, number).unwrap();
        url[url.find("/status/").unwrap()..].to_string()
    };
    let page = b.get(&svc, &link).await;
    assert!(page.body.contains("<html lang=\"ja\""), "{}", &page.body[..300]);
    assert!(page.body.contains(&format!("チケット #{number}")));
    assert!(page.body.contains("担当者が対応しています。"), "{}", page.body);
    assert!(page.body.contains("までにお返事する予定です"));
}

/// A form message that cannot be processed is still stored (kept for an administrator):
/// the sender is thanked, not shown an error that invites them to send it again.
#[actix_web::test]
async fn a_form_message_that_cannot_be_processed_is_kept_and_the_sender_thanked() {
    let t = test_app();
    let svc = console!(t);
    let mut b = Browser::default();
    let sent = send_form(
        &svc,
        &mut b,
        &[("email", "zoe@example.com"), ("message", "First line\r\nX-Tandem-Fault: panic\r\nThe lamp is broken.")],
    )
    .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert!(sent.body.contains("id=\"contact-sent\""), "{}", sent.body);
    let mut conn = t.app.conn().unwrap();
    let failed = tandem::store::raw_mail::count_by_status(&mut conn, tandem::store::raw_mail::FAILED).unwrap();
    assert_eq!(failed, 1, "stored and parked for an administrator");
}

/// The database busy or down: the form comes back with the customer's text in it.
#[actix_web::test]
async fn a_form_sent_while_the_database_is_unavailable_comes_back_with_its_text() {
    let t = test_app();
    if t.db.postgres().is_some() {
        return; // the lock below is SQLite's; PostgreSQL's outage is tested in faults::
    }
    let svc = console!(t);
    let mut b = Browser::default();
    let page = b.get(&svc, "/contact").await;
    let token = form_token(&page.body);
    use diesel::Connection;
    use diesel::connection::SimpleConnection;
    let path = t.db.url.trim_start_matches("sqlite://").to_string();
    let mut holder = diesel::SqliteConnection::establish(&path).unwrap();
    holder.batch_execute("BEGIN IMMEDIATE").unwrap();
    let text = "My parcel 4711 never came; please look into it.";
    let refused = b.submit(&svc, "/contact", &[("form_token", &token), ("email", "zoe@example.com"), ("message", text)]).await;
    holder.batch_execute("ROLLBACK").unwrap();
    assert_eq!(refused.status, 503, "{}", refused.body);
    assert!(refused.body.contains(text), "the text is kept in the form: {}", refused.body);
    assert!(tickets_json(&t).is_empty());
    // Sent again, it is stored once.
    let token = form_token(&refused.body);
    let sent = b.submit(&svc, "/contact", &[("form_token", &token), ("email", "zoe@example.com"), ("message", text)]).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert_eq!(tickets_json(&t).len(), 1);
}
