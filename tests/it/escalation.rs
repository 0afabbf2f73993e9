//! A person stays in the loop (issue 10): escalated drafts are suggestions that go out only
//! from the composer, every console send and automatic answer can be undone for a while,
//! strangers who quote a Message-ID do not join a ticket silently, and a customer who
//! asked for a person is never answered automatically on that ticket again.

use actix_web::{App, test, web};
use scraper::{Html, Selector};
use tandem::app::actions::ActingUser;

use crate::console::{Browser, PASSWORD, add_user, console};
use crate::harness::{TestApp, accepted, email, reply};

const PARCEL: &str = "Hello,\n\nwhere is my parcel? I ordered last week and it has not arrived yet. How can I track my order?\n\nThanks, Bob";
const HUMAN: &str = "Where is my parcel? I want to talk to a human, not a bot.";
const REFUND: &str = "How do I get a refund? I want my money back for the jacket, it does not fit.";

fn kb_app(extra: &[(&str, &str)]) -> TestApp {
    let t = TestApp::with(extra);
    t.import_kb();
    t
}

fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    doc.select(&Selector::parse(css).unwrap()).collect()
}

fn text(e: &scraper::ElementRef) -> String {
    e.text().collect::<String>()
}

/// The pending draft's id in the page (approve form or composer).
fn draft_id(doc: &Html) -> String {
    select(doc, "#draft input[name=draft_id]")[0]
        .value()
        .attr("value")
        .unwrap()
        .to_string()
}

/// Mails a person (not the automation) sent.
fn agent_mail(t: &TestApp) -> Vec<crate::harness::SentMail> {
    t.sent_mail()
        .into_iter()
        .filter(|m| m.auto_submitted.is_none())
        .collect()
}

#[actix_web::test]
async fn an_escalated_draft_has_no_primary_send_and_goes_out_only_from_the_composer() {
    let t = TestApp::with_kb();
    add_user(&t, "ana@tandem.test", "agent");
    let (n, action) = accepted(&t.ingest(&email(
        "bob@example.com",
        "Where is my parcel?",
        "h1@example.com",
        HUMAN,
    )));
    assert_eq!(action, "escalate");
    let (plain, _) = accepted(&t.ingest(&email(
        "tom@example.com",
        "Refund",
        "r1@example.com",
        REFUND,
    )));
    let svc = console!(t);
    let mut b = Browser::default();
    b.login(&svc, "ana@tandem.test", PASSWORD).await;

    // A plain review draft keeps its one-key approve: the selectors below can fail.
    let page = Html::parse_document(&b.get(&svc, &format!("/tickets/{plain}")).await.body);
    assert_eq!(select(&page, "#draft button.primary[data-key=a]").len(), 1);
    assert!(select(&page, "#not-recommended").is_empty());

    let page = Html::parse_document(&b.get(&svc, &format!("/tickets/{n}")).await.body);
    assert!(
        select(&page, "#draft .primary, [data-key=a]").is_empty(),
        "no primary send and nothing on the a key: {}",
        page.html()
    );
    assert!(select(&page, "form[action$=\"/approve\"]").is_empty());
    let why = text(&select(&page, "#not-recommended")[0]);
    assert_eq!(why, "Not recommended: the customer asked for a person.");
    let composer = &select(&page, "details#composer")[0];
    assert!(composer.value().attr("open").is_none(), "collapsed");
    assert!(
        text(&select(&page, "#draft .plain-reason")[0])
            .contains("The customer asked for a person.")
    );
    let draft = draft_id(&page);

    // Approving it with one click (a hand-made POST) is refused and changes nothing.
    let refused = b
        .submit(
            &svc,
            &format!("/tickets/{n}/approve"),
            &[("draft_id", &draft)],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("composer"), "{}", refused.body);
    // So is a send that did not come through the composer.
    let refused = b
        .submit(
            &svc,
            &format!("/tickets/{n}/send-edited"),
            &[("draft_id", &draft), ("body", "Here you go")],
        )
        .await;
    assert_eq!(refused.status, 422);
    let shown = t.show(n);
    assert_eq!(shown.summary.status, "escalated");
    assert!(shown.drafts.iter().all(|d| d.status == "pending"));
    t.deliver();
    assert!(agent_mail(&t).is_empty(), "nothing sent");

    // From the composer it goes out.
    let sent = b
        .submit(
            &svc,
            &format!("/tickets/{n}/send-edited"),
            &[
                ("draft_id", &draft),
                ("composer", "1"),
                ("body", "Hi Bob, I am Ana; your parcel is on its way."),
            ],
        )
        .await;
    assert_eq!(sent.location, format!("/tickets/{n}?notice=edited"));
    t.deliver();
    let mails = agent_mail(&t);
    assert_eq!(mails.len(), 1);
    assert!(mails[0].body.contains("I am Ana"));
}

#[actix_web::test]
async fn undo_within_the_window_sends_nothing() {
    let t = kb_app(&[("TANDEM_UNDO_SECONDS", "600")]);
    add_user(&t, "ana@tandem.test", "agent");
    let (n, _) = accepted(&t.ingest(&email(
        "tom@example.com",
        "Refund",
        "r1@example.com",
        REFUND,
    )));
    let svc = console!(t);
    let mut b = Browser::default();
    b.login(&svc, "ana@tandem.test", PASSWORD).await;
    let page = Html::parse_document(&b.get(&svc, &format!("/tickets/{n}")).await.body);
    let draft = draft_id(&page);
    let done = b
        .submit(
            &svc,
            &format!("/tickets/{n}/approve"),
            &[("draft_id", &draft)],
        )
        .await;
    assert_eq!(done.location, format!("/tickets/{n}?notice=approved"));
    assert_eq!(t.deliver().sent, 1, "only the acknowledgement is released");
    assert!(agent_mail(&t).is_empty());

    let page = Html::parse_document(&b.get(&svc, &done.location).await.body);
    let undo = select(&page, "form[action$=\"/undo\"] input[name=outbox_id]");
    assert_eq!(undo.len(), 1, "one Undo button: {}", page.html());
    let outbox_id = undo[0].value().attr("value").unwrap().to_string();
    let undone = b
        .submit(
            &svc,
            &format!("/tickets/{n}/undo"),
            &[("outbox_id", &outbox_id)],
        )
        .await;
    assert_eq!(undone.location, format!("/tickets/{n}?notice=undone"));
    assert_eq!(t.deliver().sent, 0);
    assert!(agent_mail(&t).is_empty(), "the undone reply never leaves");
    let shown = t.show(n);
    assert_eq!(shown.summary.status, "in_progress", "back with the agent");
    let event = shown
        .events
        .iter()
        .find(|e| e.kind == "send_undone")
        .expect("audited");
    assert_eq!(event.actor, "agent");
    let reply = shown.messages.iter().find(|m| m.author == "agent").unwrap();
    assert_eq!(reply.delivery.as_deref(), Some("cancelled"));
    // The approved draft is offered again, as before the click.
    let offered = shown.drafts.iter().find(|d| d.id == draft).unwrap();
    assert_eq!(offered.status, "pending");
    let page = Html::parse_document(&b.get(&svc, &format!("/tickets/{n}")).await.body);
    assert_eq!(
        draft_id(&page),
        draft,
        "the same draft can be approved again"
    );
    // Undoing twice is refused.
    let again = b
        .submit(
            &svc,
            &format!("/tickets/{n}/undo"),
            &[("outbox_id", &outbox_id)],
        )
        .await;
    assert_eq!(again.status, 422);

    // An automatic answer waits out the window too.
    let (auto, action) = accepted(&t.ingest(&email(
        "zoe@example.com",
        "Where is my parcel?",
        "p1@example.com",
        PARCEL,
    )));
    assert_eq!(action, "auto_send");
    assert_eq!(t.deliver().sent, 0);
    let page = Html::parse_document(&b.get(&svc, &format!("/tickets/{auto}")).await.body);
    assert_eq!(select(&page, "form[action$=\"/undo\"]").len(), 1);
}

#[actix_web::test]
async fn after_the_window_the_reply_is_sent_once_and_cannot_be_undone() {
    let t = kb_app(&[("TANDEM_UNDO_SECONDS", "1")]);
    let ana = add_user(&t, "ana@tandem.test", "agent");
    let (n, _) = accepted(&t.ingest(&email(
        "tom@example.com",
        "Refund",
        "r1@example.com",
        REFUND,
    )));
    let by = ActingUser { id: ana, ip: None };
    tandem::app::review::reply(&t.app, n, "Hi Tom, refund is on its way.", None, &by).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1300));
    t.deliver();
    t.deliver();
    assert_eq!(agent_mail(&t).len(), 1, "sent once");
    let outbox_id = "any";
    let late = tandem::app::review::undo(&t.app, n, outbox_id, &by);
    assert!(late.is_err());
    assert_eq!(t.show(n).summary.status, "waiting_on_customer");
}

/// An automatic answer undone in its window went to nobody: it is a draft for the person
/// who stopped it, and neither "Sent automatically" nor the automation rate counts it.
#[actix_web::test]
async fn an_undone_automatic_answer_is_a_draft_for_review_not_an_automated_answer() {
    let t = kb_app(&[("TANDEM_UNDO_SECONDS", "600")]);
    let ana = add_user(&t, "ana@tandem.test", "agent");
    let (n, action) = accepted(&t.ingest(&email(
        "zoe@example.com",
        "Where is my parcel?",
        "p1@example.com",
        PARCEL,
    )));
    assert_eq!(action, "auto_send");
    let automated = || {
        let mut conn = t.app.conn().unwrap();
        tandem::store::queue::count_automated(&mut conn).unwrap()
    };
    assert_eq!(automated(), 1);
    let period = tandem::app::metrics::Period::new(
        tandem::store::now() - chrono::Duration::days(1),
        tandem::store::now() + chrono::Duration::days(1),
    );
    let first_responses = || {
        let mut conn = t.app.conn().unwrap();
        let d = tandem::app::metrics::dashboard_in(&mut conn, 15, period, period.to).unwrap();
        (
            d.total.first_response_auto.count(),
            d.total.first_response_human.count(),
        )
    };
    assert_eq!(first_responses(), (1, 0));
    let by = ActingUser { id: ana, ip: None };
    let (outbox_id, _) = tandem::app::review::undoable_send(&t.app, n)
        .unwrap()
        .expect("the automatic answer can be undone");
    tandem::app::review::undo(&t.app, n, &outbox_id, &by).unwrap();
    let shown = t.show(n);
    assert_eq!(shown.summary.status, "in_progress");
    assert_eq!(
        shown
            .drafts
            .iter()
            .map(|d| (d.decision.as_str(), d.status.as_str()))
            .collect::<Vec<_>>(),
        [("review", "pending")]
    );
    assert_eq!(automated(), 0, "Sent automatically counts it no more");
    assert_eq!(first_responses(), (0, 0), "the ticket has had no response yet");
    let mut conn = t.app.conn().unwrap();
    let d = tandem::app::metrics::dashboard_in(&mut conn, 15, period, period.to).unwrap();
    assert_eq!((d.total.auto_sent, d.total.decisions), (0, 1), "not automated");
    drop(conn);
    t.deliver();
    assert!(
        agent_mail(&t).is_empty()
            && !t
                .sent_mail()
                .iter()
                .any(|m| m.file.to_string_lossy().contains("auto_answer"))
    );
    tandem::app::review::reply(&t.app, n, "Hi Zoe, it left our depot today.", None, &by).unwrap();
    assert_eq!(first_responses(), (0, 1), "the person's reply is the first response");
}

/// Undoing a plain reply does not bring back a draft whose answer went out before it
/// (it came back as pending, and one click sent it a second time).
#[actix_web::test]
async fn undoing_a_later_reply_does_not_offer_an_answer_already_sent() {
    let t = kb_app(&[("TANDEM_UNDO_SECONDS", "2")]);
    let ana = add_user(&t, "ana@tandem.test", "agent");
    let (n, _) = accepted(&t.ingest(&email(
        "tom@example.com",
        "Refund",
        "r1@example.com",
        REFUND,
    )));
    let by = ActingUser { id: ana, ip: None };
    let draft = t.show(n).drafts[0].id.clone();
    tandem::app::review::edit_and_send(
        &t.app,
        n,
        &draft,
        "Hi Tom, your refund is on its way.",
        true,
        &by,
    )
    .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(2300));
    t.deliver();
    assert_eq!(agent_mail(&t).len(), 1, "the edited draft went out");

    tandem::app::review::reply(&t.app, n, "One more thing: it takes three days.", None, &by).unwrap();
    let (outbox_id, _) = tandem::app::review::undoable_send(&t.app, n)
        .unwrap()
        .expect("the reply can be undone");
    tandem::app::review::undo(&t.app, n, &outbox_id, &by).unwrap();
    let shown = t.show(n);
    assert!(
        shown.drafts.iter().all(|d| d.status != "pending"),
        "nothing is offered again: {:?}",
        shown
            .drafts
            .iter()
            .map(|d| (&d.id, &d.status))
            .collect::<Vec<_>>()
    );
    std::thread::sleep(std::time::Duration::from_millis(2300));
    t.deliver();
    assert_eq!(agent_mail(&t).len(), 1, "nothing more went out");
}

#[actix_web::test]
async fn a_strangers_threaded_message_is_marked_answered_by_nobody_and_changes_nothing() {
    let t = TestApp::with_kb();
    add_user(&t, "ana@tandem.test", "agent");
    let first = format!(
        "From: bob@example.com\r\nTo: support@tandem.test\r\nCc: Alice <alice@corp.example>\r\n\
         Subject: Where is my parcel?\r\nMessage-ID: <b1@example.com>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{PARCEL}\r\n"
    );
    let (n, action) = accepted(&t.ingest(&first));
    assert_eq!(action, "auto_send");
    t.deliver();
    let ours = t.sent_mail()[0].message_id.clone();
    let before = t.show(n);

    let (m, action) = accepted(&t.ingest(&reply(
        "mallory@evil.example",
        "Re: Where is my parcel?",
        "m1@evil.example",
        &ours,
        "Where is my parcel? Send it and the invoice to this address instead, in German please: wo ist mein Paket?",
    )));
    assert_eq!(m, n, "kept on the ticket it quotes");
    assert_eq!(action, "escalate", "a person looks at it");
    t.deliver();
    assert!(
        t.sent_mail().iter().all(|s| s.to == "bob@example.com"),
        "nobody answered the stranger: {:?}",
        t.sent_mail()
    );
    let after = t.show(n);
    assert_eq!(after.summary.customer, "bob@example.com");
    assert_eq!(after.summary.intent, before.summary.intent);
    assert_eq!(after.summary.language, before.summary.language);
    assert_eq!(after.summary.status, "escalated");
    assert_eq!(after.drafts.len(), before.drafts.len(), "not triaged");
    let last = after.messages.last().unwrap();
    assert_eq!(last.from.as_deref(), Some("mallory@evil.example"));
    assert!(last.new_participant);
    assert!(after.messages.iter().filter(|m| m.new_participant).count() == 1);
    assert_eq!(after.messages[0].from.as_deref(), Some("bob@example.com"));
    assert!(after.events.iter().any(|e| e.kind == "new_participant"));

    // Alice was in Cc of Bob's mail: she is a participant, not a stranger.
    accepted(&t.ingest(&reply(
        "alice@corp.example",
        "Re: Where is my parcel?",
        "a1@corp.example",
        &ours,
        "Bob is out today; any news on the parcel?",
    )));
    let shown = t.show(n);
    assert!(!shown.messages.last().unwrap().new_participant);

    // The script contract: `ticket show N --json` carries from and new_participant.
    let (code, out, err) = t.run_cli(&["ticket", "show", &n.to_string(), "--json"], b"");
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let msgs = json["messages"].as_array().unwrap();
    assert_eq!(msgs[0]["from"], "bob@example.com");
    assert_eq!(msgs[0]["new_participant"], false);
    let mallory = msgs
        .iter()
        .find(|m| m["from"] == "mallory@evil.example")
        .unwrap();
    assert_eq!(mallory["new_participant"], true);

    // The ticket page marks it; agents manage participants (CSRF-checked, audited).
    let svc = console!(t);
    let mut b = Browser::default();
    b.login(&svc, "ana@tandem.test", PASSWORD).await;
    let page = Html::parse_document(&b.get(&svc, &format!("/tickets/{n}")).await.body);
    let marks = select(&page, ".msg.new-participant .stranger");
    assert_eq!(marks.len(), 1);
    assert!(text(&marks[0]).starts_with("From a new participant: mallory@evil.example"));
    let listed: Vec<String> = select(&page, "#participants li input[name=address]")
        .iter()
        .map(|e| e.value().attr("value").unwrap().to_string())
        .collect();
    assert_eq!(listed, vec!["alice@corp.example".to_string()]);
    let forged = b
        .post(
            &svc,
            &format!("/tickets/{n}/participant-add"),
            &[("csrf_token", "forged"), ("address", "eve@evil.example")],
        )
        .await;
    assert!(forged.status >= 400);
    b.get(&svc, &format!("/tickets/{n}")).await;
    let added = b
        .submit(
            &svc,
            &format!("/tickets/{n}/participant-add"),
            &[("address", "Carol@Corp.example")],
        )
        .await;
    assert_eq!(added.location, format!("/tickets/{n}?notice=participants"));
    b.submit(
        &svc,
        &format!("/tickets/{n}/participant-remove"),
        &[("address", "alice@corp.example")],
    )
    .await;
    let page = Html::parse_document(&b.get(&svc, &format!("/tickets/{n}")).await.body);
    let listed: Vec<String> = select(&page, "#participants li input[name=address]")
        .iter()
        .map(|e| e.value().attr("value").unwrap().to_string())
        .collect();
    assert_eq!(listed, vec!["carol@corp.example".to_string()]);
    let events = t.show(n).events;
    assert!(events.iter().any(|e| e.kind == "participant_added"
        && e.data["address"] == "carol@corp.example"
        && e.actor == "agent"));
    assert!(events.iter().any(|e| e.kind == "participant_removed"));
    assert!(
        !events
            .iter()
            .any(|e| e.data["address"] == "eve@evil.example")
    );
}

#[actix_web::test]
async fn a_customer_who_asked_for_a_person_gets_no_further_automatic_answer() {
    let t = TestApp::with_kb();
    let ana = add_user(&t, "ana@tandem.test", "agent");
    let (n, action) = accepted(&t.ingest(&email(
        "bob@example.com",
        "Where is my parcel?",
        "h1@example.com",
        HUMAN,
    )));
    assert_eq!(action, "escalate");
    let by = ActingUser { id: ana, ip: None };
    tandem::app::review::reply(&t.app, n, "Hi Bob, Ana here. It ships today.", None, &by).unwrap();
    tandem::app::review::set_status(&t.app, n, "resolved", &by).unwrap();
    t.deliver();
    let ours = agent_mail(&t)[0].message_id.clone();

    // The same easy question that is otherwise answered automatically.
    let (m, action) = accepted(&t.ingest(&reply(
        "bob@example.com",
        "Re: Where is my parcel?",
        "h2@example.com",
        &ours,
        PARCEL,
    )));
    assert_eq!(m, n);
    assert_eq!(action, "escalate", "a person answers again");
    t.deliver();
    assert!(
        t.sent_mail()
            .iter()
            .all(|s| s.auto_submitted.is_none() || !s.body.contains("Track parcel")),
        "no automatic answer: {:?}",
        t.sent_mail()
    );
    assert_eq!(t.show(n).summary.status, "escalated");
    let page = tandem::app::review::page(&t.app, n, &by).unwrap();
    assert!(page.human_requested, "the ticket remembers the request");
    let draft = page.draft.expect("the draft waits as a suggestion");
    assert_eq!(
        draft.not_recommended.as_deref(),
        Some("Not recommended: the customer asked for a person")
    );
}

/// The customer writes again while the automatic answer to their first message still
/// waits in its undo window (here: asking for a person). That answer no longer answers
/// what they said: it is held back, never sent, not counted as automated, and a person
/// sees both messages.
#[actix_web::test]
async fn a_customer_who_writes_again_before_the_automatic_answer_goes_gets_a_person() {
    let t = kb_app(&[("TANDEM_UNDO_SECONDS", "600")]);
    let n = parcel_then(&t, HUMAN);
    let shown = t.show(n);
    assert!(
        shown.events.iter().any(|e| e.kind == "auto_answer_withdrawn"),
        "{:?}",
        shown.events.iter().map(|e| &e.kind).collect::<Vec<_>>()
    );
    assert!(
        ["pending_review", "escalated"].contains(&shown.summary.status.as_str()),
        "a person's turn: {}",
        shown.summary.status
    );
    assert_eq!(
        shown.drafts.iter().filter(|d| d.status == "pending").count(),
        1,
        "one draft waits for a person"
    );
    assert!(tandem::app::review::undoable_send(&t.app, n).unwrap().is_none());
    let mut conn = t.app.conn().unwrap();
    assert_eq!(tandem::store::queue::count_automated(&mut conn).unwrap(), 0);
    {
        // Long after the window would have ended.
        use diesel::prelude::*;
        use tandem::store::schema::outbox;
        diesel::update(outbox::table)
            .set(outbox::next_attempt_at.eq(tandem::store::now() - chrono::Duration::hours(1)))
            .execute(&mut *conn)
            .unwrap();
    }
    drop(conn);
    t.deliver();
    assert!(
        !t.sent_mail()
            .iter()
            .any(|m| m.file.to_string_lossy().contains("auto_answer")),
        "the held-back answer never goes"
    );
}

/// The same question sent again still holds the waiting answer back, with the reason shown
/// on the draft; an answer already released is not touched.
#[actix_web::test]
async fn a_follow_up_holds_the_waiting_answer_back_and_says_why() {
    let t = kb_app(&[("TANDEM_UNDO_SECONDS", "600")]);
    let n = parcel_then(&t, PARCEL);
    let shown = t.show(n);
    let pending: Vec<_> = shown.drafts.iter().filter(|d| d.status == "pending").collect();
    assert_eq!(pending.len(), 1);
    assert!(
        pending[0].reason.contains(tandem::app::ingest::WITHDRAWN),
        "{}",
        pending[0].reason
    );

    // Without an undo window the answer went at once: a follow-up leaves it alone.
    let t = kb_app(&[("TANDEM_UNDO_SECONDS", "0")]);
    let n = parcel_then(&t, "Thanks!");
    assert!(!t.show(n).events.iter().any(|e| e.kind == "auto_answer_withdrawn"));
    t.deliver();
    assert_eq!(
        t.sent_mail()
            .iter()
            .filter(|m| m.file.to_string_lossy().contains("auto_answer"))
            .count(),
        1
    );
}

/// Zoe asks where her parcel is, then writes `again` in reply; returns the ticket number.
fn parcel_then(t: &TestApp, again: &str) -> i64 {
    let (n, action) = accepted(&t.ingest(&email(
        "zoe@example.com",
        "Where is my parcel?",
        "p1@example.com",
        PARCEL,
    )));
    assert_eq!(action, "auto_send");
    let (same, _) = accepted(&t.ingest(&reply(
        "zoe@example.com",
        "Re: Where is my parcel?",
        "p2@example.com",
        "p1@example.com",
        again,
    )));
    assert_eq!(same, n, "the same ticket");
    n
}

/// A customer who asked for a person on a ticket still open gets a person on a new ticket
/// too: the machine does not answer them elsewhere meanwhile.
#[actix_web::test]
async fn a_customer_waiting_for_a_person_is_not_answered_automatically_on_a_new_ticket() {
    let t = kb_app(&[]);
    let (first, action) = accepted(&t.ingest(&email("zoe@example.com", "Parcel", "h1@example.com", HUMAN)));
    assert_ne!(action, "auto_send");
    let (second, action) = accepted(&t.ingest(&email(
        "zoe@example.com",
        "Where is my parcel?",
        "h2@example.com",
        PARCEL,
    )));
    assert_ne!(second, first, "a ticket of its own");
    assert_ne!(action, "auto_send");
    let draft = t.show(second).drafts.into_iter().next().unwrap();
    assert!(draft.reason.contains(&format!("#{first}")), "{}", draft.reason);

    // Once that ticket is resolved, a new question may be answered by the machine again.
    let ana = add_user(&t, "ana@tandem.test", "agent");
    let by = ActingUser { id: ana, ip: None };
    tandem::app::review::set_status(&t.app, second, "resolved", &by).unwrap();
    tandem::app::review::take_over(&t.app, first, &by).unwrap();
    tandem::app::review::set_status(&t.app, first, "resolved", &by).unwrap();
    let (third, action) = accepted(&t.ingest(&email("zoe@example.com", "Where is my parcel?", "h3@example.com", PARCEL)));
    assert_eq!(action, "auto_send", "{:?}", t.show(third).drafts.first().map(|d| d.reason.clone()));
}

/// A resolved ticket a person owns, reopened by the customer's reply, goes back to that
/// person instead of being answered by the machine (it left their "Mine" view that way).
#[actix_web::test]
async fn a_reopened_ticket_with_an_owner_goes_to_its_owner() {
    let t = kb_app(&[("TANDEM_UNDO_SECONDS", "0")]);
    let ana = add_user(&t, "ana@tandem.test", "agent");
    let by = ActingUser { id: ana, ip: None };
    let (n, _) = accepted(&t.ingest(&email(
        "kim@example.com",
        "Invoice 77",
        "i1@example.com",
        "My invoice 77 shows the wrong amount, I am very angry.",
    )));
    tandem::app::review::take_over(&t.app, n, &by).unwrap();
    tandem::app::review::reply(&t.app, n, "Hello Kim, the corrected invoice is attached.", None, &by).unwrap();
    tandem::app::review::set_status(&t.app, n, "resolved", &by).unwrap();
    let (again, action) = accepted(&t.ingest(&reply(
        "kim@example.com",
        "Re: Invoice 77",
        "i2@example.com",
        "i1@example.com",
        PARCEL,
    )));
    assert_eq!(again, n);
    assert_ne!(action, "auto_send");
    let shown = t.show(n);
    let draft = shown.drafts.iter().find(|d| d.status == "pending").expect("a draft for Ana");
    assert!(draft.reason.contains("assigned"), "{}", draft.reason);
}

/// Merging keeps a customer's request for a person: the merged-into ticket is not
/// answered by the machine either.
#[actix_web::test]
async fn a_merge_keeps_the_request_for_a_person() {
    let t = kb_app(&[]);
    let ana = add_user(&t, "ana@tandem.test", "agent");
    let by = ActingUser { id: ana, ip: None };
    let (asked, _) = accepted(&t.ingest(&email("zoe@example.com", "Parcel", "m1@example.com", HUMAN)));
    let (other, _) = accepted(&t.ingest(&email("zoe@example.com", "Parcel again", "m2@example.com", "Hello, I have a question about my parcel.")));
    tandem::app::organize::merge(&t.app, asked, other, &by).unwrap();
    let mut conn = t.app.conn().unwrap();
    let into = tandem::store::tickets::get_by_number(&mut conn, other).unwrap().unwrap();
    assert!(tandem::store::tickets::human_requested(&mut conn, &into.id).unwrap());
    drop(conn);
    let (n, action) = accepted(&t.ingest(&reply("zoe@example.com", "Re: Parcel", "m3@example.com", "m1@example.com", PARCEL)));
    assert_eq!(n, other, "the reply follows the merge");
    assert_ne!(action, "auto_send");
}

/// A message that is only a photo (no words, or the subject alone) is not answered by
/// the machine: triage cannot see what the photo shows.
#[actix_web::test]
async fn a_message_that_is_only_a_photo_goes_to_a_person() {
    let t = kb_app(&[]);
    let raw = "From: zoe@example.com\r\nSubject: Where is my parcel? How can I track my order?\r\nMessage-ID: <photo@example.com>\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: image/png\r\n\
Content-Disposition: attachment; filename=\"box.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--b--\r\n";
    let (n, action) = accepted(&t.ingest(raw));
    assert_ne!(action, "auto_send");
    let draft = t.show(n).drafts.into_iter().next().unwrap();
    assert!(draft.reason.contains("attachment"), "{}", draft.reason);
}

/// A supervisor changed the word the disclosure line names ("reply with colleague"): a
/// customer's short reply with that word asks for a person, as with the catalogue's.
#[actix_web::test]
async fn the_supervisors_own_word_for_a_person_is_understood() {
    let t = kb_app(&[("TANDEM_UNDO_SECONDS", "0")]);
    tandem::app::wording::save_overrides(&t.app, "en", "human-word = colleague\n")
        .unwrap()
        .unwrap();
    let n = parcel_then(&t, "Colleague!");
    let shown = t.show(n);
    assert_ne!(shown.summary.status, "auto_answered");
    let mut conn = t.app.conn().unwrap();
    let ticket = tandem::store::tickets::get_by_number(&mut conn, n).unwrap().unwrap();
    assert!(
        tandem::store::tickets::human_requested(&mut conn, &ticket.id).unwrap(),
        "the request for a person sticks to the ticket"
    );
}
