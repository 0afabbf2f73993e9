//! Answers that read like a person's, in the customer's language: greetings by name,
//! sign-offs, Content-Language, multipart mail with right-to-left HTML for Arabic, times
//! in the customer's zone, supervisor-edited wording; and the rules that send a message
//! to a person (a reported problem the article does not answer, a repeat contact).

use crate::harness::{SUPPORT, TestApp, accepted, email};

/// A customer email with its own `Date:` (and so its own time zone).
fn email_at(from: &str, subject: &str, message_id: &str, date: &str, body: &str) -> String {
    format!(
        "From: {from}\r\nTo: {SUPPORT}\r\nSubject: {subject}\r\nMessage-ID: <{message_id}>\r\n\
         Date: {date}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
}

#[test]
fn a_japanese_message_gets_a_japanese_acknowledgement_in_the_customers_time_zone() {
    let t = TestApp::with(&[("TANDEM_SUPPORT_NAME", "Acme サポート")]);
    t.import_kb();
    let raw = email_at(
        "=?UTF-8?B?5L2Q6Jek?= <sato@example.jp>",
        "=?UTF-8?B?6KuL5rGC5pu444Gr44Gk44GE44Gm?=",
        "j1@example.jp",
        "Tue, 24 Nov 2026 19:00:00 +0900",
        "先月の請求書の金額が契約と違っています。法人アカウントの請求書を修正して、経理部に送っていただけますか。",
    );
    let (number, action) = accepted(&t.ingest(&raw));
    assert_ne!(action, "auto_send");
    t.deliver();
    let sent = t.sent_mail();
    assert_eq!(sent.len(), 1, "only the acknowledgement: {sent:?}");
    let m = &sent[0];
    assert_eq!(m.content_language.as_deref(), Some("ja"));
    assert_eq!(m.mime_version.as_deref(), Some("1.0"));
    assert!(m.body.starts_with("佐藤 様"), "greets by name: {}", m.body);
    assert!(
        m.body.contains(&format!("チケット番号は #{number} です")),
        "{}",
        m.body
    );
    // The Date: header says +0900, so the promise is in Japanese time, zone named.
    assert!(m.body.contains("（UTC+9）"), "{}", m.body);
    assert!(m.body.trim_end().ends_with("Acme サポート"), "{}", m.body);
    let html = m.html.as_deref().expect("an HTML alternative");
    assert!(html.contains("lang=\"ja\""), "{html}");
    assert!(html.contains(&format!("#{number}")), "{html}");
}

#[test]
fn an_arabic_message_gets_an_arabic_acknowledgement_in_right_to_left_html() {
    let t = TestApp::with_kb();
    let (number, _) = accepted(&t.ingest(&email(
        "Layla <layla@example.com>",
        "فاتورة خاطئة",
        "a1@example.com",
        "مرحباً، الفاتورة الخاصة بحساب شركتي تحتوي على مبلغ خاطئ لضريبة القيمة المضافة. أرجو إرسال فاتورة مصححة إلى قسم المحاسبة.",
    )));
    t.deliver();
    let sent = t.sent_mail();
    assert_eq!(sent.len(), 1);
    let m = &sent[0];
    assert_eq!(m.content_language.as_deref(), Some("ar"));
    assert!(m.body.starts_with("مرحباً Layla،"), "{}", m.body);
    assert!(m.body.contains(&format!("#{number}")), "{}", m.body);
    let html = m.html.as_deref().expect("an HTML alternative");
    let doc = scraper::Html::parse_document(html);
    let root = doc
        .select(&scraper::Selector::parse("html").unwrap())
        .next()
        .unwrap();
    assert_eq!(root.value().attr("dir"), Some("rtl"), "{html}");
    assert_eq!(root.value().attr("lang"), Some("ar"), "{html}");
}

#[test]
fn a_language_without_a_catalogue_gets_english_saying_en() {
    let t = TestApp::with_kb();
    // A Finnish article: the knowledge base speaks Finnish, the catalogue does not.
    tandem::app::kb::import_jsonl(&t.app, FINNISH_ARTICLE, "finnish").expect("import");
    let (_, action) = accepted(&t.ingest(&email(
        "Jussi <jussi@example.fi>",
        "Missä tilaukseni on?",
        "f1@example.fi",
        "Hei, missä tilaukseni on? Paketti ei ole vielä saapunut. Miten voin seurata tilaustani?",
    )));
    t.deliver();
    let sent = t.sent_mail();
    assert_eq!(sent.len(), 1);
    let m = &sent[0];
    assert!(
        m.body.starts_with("Hello Jussi,"),
        "English greeting: {}",
        m.body
    );
    if action == "auto_send" {
        // The Finnish article with English greeting and disclosure: both named.
        assert!(m.body.contains("Voit seurata pakettiasi"), "{}", m.body);
        assert_eq!(m.content_language.as_deref(), Some("fi, en"));
    } else {
        assert_eq!(m.content_language.as_deref(), Some("en"));
    }
}

/// A person who approves a draft in a language without a catalogue sends the article in
/// that language under an English greeting and sign-off: the header names both (it said
/// only `fi`).
#[test]
fn an_approved_draft_in_a_language_without_a_catalogue_names_both_languages() {
    let t = TestApp::with(&[("TANDEM_AUTO_THRESHOLD", "0.999")]);
    t.import_kb();
    tandem::app::kb::import_jsonl(&t.app, FINNISH_ARTICLE, "finnish").expect("import");
    let (number, action) = accepted(&t.ingest(&email(
        "Jussi <jussi@example.fi>",
        "Missä tilaukseni on?",
        "f2@example.fi",
        "Hei, missä tilaukseni on? Paketti ei ole vielä saapunut. Miten voin seurata tilaustani?",
    )));
    assert_eq!(action, "review", "the dial holds every answer for a person");
    t.deliver();
    assert_eq!(t.sent_mail().len(), 1, "the acknowledgement");
    let agent = crate::console::add_user(&t, "ana@tandem.test", "agent");
    let draft = t.show(number).drafts[0].id.clone();
    let by = tandem::app::actions::ActingUser {
        id: agent,
        ip: None,
    };
    tandem::app::review::approve(&t.app, number, &draft, &by).expect("approve");
    t.deliver();
    let sent = t.sent_mail();
    let answer = sent
        .iter()
        .find(|m| m.body.contains("Voit seurata pakettiasi"))
        .expect("the approved answer went out");
    assert!(answer.body.starts_with("Hello Jussi,"), "{}", answer.body);
    assert_eq!(answer.content_language.as_deref(), Some("fi, en"));
}

const FINNISH_ARTICLE: &str = r#"{"title": "Missä tilaukseni on?", "intent": "order_status", "language": "fi", "body": "Voit seurata pakettiasi tilausvahvistuksen seurantalinkillä.", "questions": ["Missä tilaukseni on?", "paketti ei ole vielä saapunut", "miten voin seurata tilaustani", "missä pakettini on"]}"#;

#[test]
fn automatic_answers_greet_by_name_and_sign_with_the_teams_name() {
    let t = TestApp::with(&[("TANDEM_SUPPORT_NAME", "Acme Support")]);
    t.import_kb();
    let (_, action) = accepted(&t.ingest(&email(
        "Ana Souza <ana@example.com>",
        "Where is my parcel?",
        "p1@example.com",
        "Hello, where is my parcel? I ordered last week and it has not arrived yet. How can I track my order?",
    )));
    assert_eq!(action, "auto_send");
    t.deliver();
    let m = &t.sent_mail()[0];
    assert!(m.body.starts_with("Hello Ana Souza,\n"), "{}", m.body);
    assert!(m.body.contains("Kind regards,\nAcme Support"), "{}", m.body);
    assert!(m.body.contains("written automatically"), "{}", m.body);
    assert_eq!(m.content_language.as_deref(), Some("en"));
    assert_eq!(m.mime_version.as_deref(), Some("1.0"));
    assert!(
        m.html
            .as_deref()
            .is_some_and(|h| h.contains("Hello Ana Souza,"))
    );
}

#[test]
fn a_supervisors_wording_replaces_the_catalogues() {
    let t = TestApp::with_kb();
    tandem::app::wording::save_overrides(
        &t.app,
        "en",
        "greeting = Hi { $name }, thanks for writing!",
    )
    .expect("store")
    .expect("valid override");
    assert!(
        tandem::app::wording::save_overrides(&t.app, "en", "greting = typo")
            .expect("store")
            .is_err(),
        "an unknown message is refused"
    );
    accepted(&t.ingest(&email(
        "Bob <bob@example.com>",
        "Wrong amount on my invoice",
        "b1@example.com",
        "Hi, the invoice for my company account shows 480 EUR but our contract says 360 EUR. Can someone check the VAT line?",
    )));
    t.deliver();
    let m = &t.sent_mail()[0];
    assert!(
        m.body.starts_with("Hi Bob, thanks for writing!\n"),
        "{}",
        m.body
    );
}

#[test]
fn a_broken_item_is_not_answered_with_the_tracking_article() {
    let t = TestApp::with_kb();
    let (number, action) = accepted(&t.ingest(&email(
        "ana@example.com",
        "Where is my order?",
        "v1@example.com",
        "My vase arrived broken. Where is my order?",
    )));
    assert_ne!(action, "auto_send");
    let d = &t.show(number).drafts[0];
    assert!(d.reason.contains("broken or damaged"), "{}", d.reason);
}

#[test]
fn a_new_message_on_an_automatically_answered_intent_goes_to_a_person() {
    let t = TestApp::with_kb();
    let parcel = "Hello, where is my parcel? I ordered last week and it has not arrived yet. How can I track my order?";
    let (first, action) = accepted(&t.ingest(&email(
        "ana@example.com",
        "Where is my parcel?",
        "r1@example.com",
        parcel,
    )));
    assert_eq!(action, "auto_send");
    // Days later, a new mail (not a reply) about the same thing.
    let (second, action) = accepted(&t.ingest(&email(
        "ana@example.com",
        "Parcel still not here",
        "r2@example.com",
        parcel,
    )));
    assert_ne!(second, first, "a new ticket");
    assert_eq!(action, "escalate");
    let d = &t.show(second).drafts[0];
    assert!(d.reason.contains("repeat contact"), "{}", d.reason);
    // Another customer asking the same is answered as before.
    let (_, action) = accepted(&t.ingest(&email(
        "bo@example.com",
        "Where is my parcel?",
        "r3@example.com",
        parcel,
    )));
    assert_eq!(action, "auto_send");
}
