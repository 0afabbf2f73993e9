//! A team's day in the console (issue 15): the knowledge base edited from the console and
//! from a ticket, saved replies, tags and priority, merge and split, bulk actions, and
//! opening the next ticket after a send with the undo still in reach.

use actix_web::{App, test, web};


use crate::console::{Browser, PASSWORD, add_user, console};
use crate::harness::{TestApp, accepted, email, reply};

fn engine(t: &TestApp) -> std::sync::Arc<tandem::triage::Engine> {
    let mut conn = t.app.conn().unwrap();
    t.app.triage.engine(&mut conn).unwrap()
}

/// The data of the audit log's events of `kind`, oldest first.
fn events(t: &TestApp, kind: &str) -> Vec<serde_json::Value> {
    let mut conn = t.app.conn().unwrap();
    let filter = tandem::store::audit::AuditFilter {
        kind: Some(kind.to_string()),
        ..Default::default()
    };
    let mut rows: Vec<serde_json::Value> = tandem::store::audit::filtered(&mut conn, &filter, 1000, 0)
        .unwrap()
        .into_iter()
        .map(|(e, _, _)| serde_json::from_str(&e.data).unwrap())
        .collect();
    rows.reverse();
    rows
}

/// The stored messages of ticket `number`, oldest first.
fn messages(t: &TestApp, number: i64) -> Vec<tandem::store::models::MessageRow> {
    let mut conn = t.app.conn().unwrap();
    let ticket = tandem::store::tickets::get_by_number(&mut conn, number).unwrap().unwrap();
    tandem::store::messages::for_ticket(&mut conn, &ticket.id).unwrap()
}

fn ticket(t: &TestApp, number: i64) -> tandem::store::models::TicketRow {
    let mut conn = t.app.conn().unwrap();
    tandem::store::tickets::get_by_number(&mut conn, number).unwrap().unwrap()
}

/// What the retrain worker does.
fn retrain(t: &TestApp) {
    let mut conn = t.app.conn().unwrap();
    tandem::app::triage::retrain(&mut conn).unwrap();
    t.app.triage.invalidate();
}

fn article_id(location: &str) -> String {
    location
        .trim_start_matches("/kb/")
        .split('?')
        .next()
        .unwrap()
        .to_string()
}

#[actix_web::test]
async fn an_agent_writes_and_edits_an_article_and_the_engine_learns_it() {
    let t = TestApp::with_kb();
    add_user(&t, "ana@tandem.test", "agent");
    add_user(&t, "ben@tandem.test", "agent");
    let svc = console!(t);
    let mut ana = Browser::default();
    ana.login(&svc, "ana@tandem.test", PASSWORD).await;
    ana.get(&svc, "/kb/new").await;
    let created = ana
        .submit(
            &svc,
            "/kb",
            &[
                ("title", "Gift wrapping"),
                ("intent", "gift_wrap"),
                ("language", "en"),
                ("body", "We wrap any order as a **gift** for 3 EUR: tick *Gift wrap* at checkout."),
                ("questions", "can you gift wrap my order\ndo you offer gift wrapping\nwrap it as a present please"),
                ("version", "0"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let id = article_id(&created.location);
    let page = ana.get(&svc, &format!("/kb/{id}")).await;
    assert!(page.body.contains("<strong>gift</strong>"), "Markdown preview");
    assert!(page.body.contains("Version 1"));

    // What the background worker of `serve` does when asked (the console above runs
    // its own App, whose request the test cannot see; the request itself is checked
    // below on this one).
    let p = engine(&t).predict("could you gift wrap the scarf I ordered, it is a present");
    assert_ne!(p.intent.as_deref(), Some("gift_wrap"), "not learnt before the retrain");
    retrain(&t);
    let p = engine(&t).predict("could you gift wrap the scarf I ordered, it is a present");
    assert_eq!(p.intent.as_deref(), Some("gift_wrap"));

    // Ana and Ben open the article; Ben saves first; Ana's save of the old version is
    // refused and shows her text again, and Ben's text stays.
    let mut ben = Browser::default();
    ben.login(&svc, "ben@tandem.test", PASSWORD).await;
    ben.get(&svc, &format!("/kb/{id}")).await;
    ana.get(&svc, &format!("/kb/{id}")).await;
    let fields = |body: &'static str| {
        vec![
            ("title", "Gift wrapping"),
            ("intent", "gift_wrap"),
            ("language", "en"),
            ("body", body),
            ("questions", "can you gift wrap my order"),
            ("version", "1"),
        ]
    };
    let saved = ben.submit(&svc, &format!("/kb/{id}"), &fields("Gift wrap costs 4 EUR now.")).await;
    assert_eq!(saved.status, 303);
    let stale = ana.submit(&svc, &format!("/kb/{id}"), &fields("Gift wrap is free.")).await;
    assert_eq!(stale.status, 409, "{}", stale.body);
    assert!(stale.body.contains("Gift wrap is free."), "her text is shown again");
    let now = ana.get(&svc, &format!("/kb/{id}")).await;
    assert!(now.body.contains("Gift wrap costs 4 EUR now."));
    assert!(now.body.contains("Version 2") && now.body.contains("Version 1"));
    assert!(now.body.contains("ben"), "the version names who saved it");
    // A save asks the background worker to retrain.
    assert!(!t.app.retrain_if_requested().unwrap());
    let by = tandem::app::actions::ActingUser { id: "someone".into(), ip: None };
    let form = tandem::app::kb::ArticleForm {
        title: "Gift wrapping".into(),
        body: "Gift wrap costs 5 EUR.".into(),
        language: "en".into(),
        intent: "gift_wrap".into(),
        questions: "can you gift wrap my order".into(),
    };
    tandem::app::kb::save(&t.app, &id, 2, &form, &by).unwrap();
    assert!(t.app.retrain_if_requested().unwrap());

    let edits = events(&t, "kb_article_edited");
    assert_eq!(edits.len(), 2, "Ben's and the direct save: {edits:?}");
    assert_eq!(edits[0]["version"], 2);
    assert_eq!(edits[0]["changed"], serde_json::json!(["body", "questions"]));
    assert_eq!(events(&t, "kb_article_created").len(), 1);

    // The list finds it by a word of its examples, and an empty search says so.
    let list = ana.get(&svc, "/kb?q=GIFT").await;
    assert!(list.body.contains("Gift wrapping"));
    let none = ana.get(&svc, "/kb?q=zebra").await;
    assert!(none.body.contains("No article matches"));
}

#[actix_web::test]
async fn a_customers_words_become_an_example_of_an_article_from_the_ticket() {
    let t = TestApp::with_kb();
    add_user(&t, "ana@tandem.test", "agent");
    let words = "the parcel with my order went to the neighbour in the wrong street, ana@example.com";
    let (number, _) = accepted(&t.ingest(&email("zoe@example.com", "Lost", "z1@x", words)));
    let svc = console!(t);
    let mut ana = Browser::default();
    ana.login(&svc, "ana@tandem.test", PASSWORD).await;
    let page = ana.get(&svc, &format!("/tickets/{number}")).await;
    assert!(page.body.contains("id=\"add-example\""));
    let order_status = {
        let mut conn = t.app.conn().unwrap();
        tandem::store::kb::find(&mut conn, "order_status", "en").unwrap().unwrap()
    };
    let before = order_status.version;
    let done = ana
        .submit(
            &svc,
            &format!("/tickets/{number}/add-example"),
            &[("article_id", &order_status.id)],
        )
        .await;
    assert_eq!(done.status, 303);
    assert!(done.location.contains("notice=example_added"));
    let after = {
        let mut conn = t.app.conn().unwrap();
        tandem::store::kb::get(&mut conn, &order_status.id).unwrap().unwrap()
    };
    assert_eq!(after.version, before + 1);
    let questions = tandem::app::kb::questions_of(&after);
    let added = questions.last().unwrap();
    assert!(added.starts_with("the parcel with my order went to the neighbour"), "{added}");
    assert!(!added.contains("ana@example.com"), "personal data is not kept: {added}");
    // Twice is once.
    ana.submit(&svc, &format!("/tickets/{number}/add-example"), &[("article_id", &order_status.id)])
        .await;
    let mut conn = t.app.conn().unwrap();
    let again = tandem::store::kb::get(&mut conn, &order_status.id).unwrap().unwrap();
    assert_eq!(again.version, before + 1);
    let audit = tandem::store::events::for_ticket(&mut conn, &ticket(&t, number).id).unwrap();
    assert!(audit.iter().any(|e| e.kind == "kb_example_added"));
    retrain(&t);
    let p = engine(&t).predict("the parcel with my order went to the neighbour in the wrong street");
    assert_eq!(p.intent.as_deref(), Some("order_status"));
}

#[actix_web::test]
async fn saved_replies_fill_their_placeholders_and_stay_private_unless_shared() {
    let t = TestApp::with_kb();
    add_user(&t, "ana@tandem.test", "agent");
    add_user(&t, "ben@tandem.test", "agent");
    add_user(&t, "sue@tandem.test", "supervisor");
    let (number, _) = accepted(&t.ingest(&email(
        "Zoe Ray <zoe@example.com>",
        "Invoice",
        "z2@x",
        "I need an invoice with my company name on it.",
    )));
    let svc = console!(t);
    let mut ana = Browser::default();
    ana.login(&svc, "ana@tandem.test", PASSWORD).await;
    ana.get(&svc, "/replies").await;
    let saved = ana
        .submit(
            &svc,
            "/replies",
            &[("title", "Invoice fix"), ("body", "Hello {customer_name}, the invoice for #{ticket_number} is attached. {agent_name}")],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    // An agent may not write for the whole team.
    let shared = ana
        .submit(&svc, "/replies", &[("title", "Team"), ("body", "x"), ("shared", "1")])
        .await;
    assert_eq!(shared.status, 400);
    assert!(shared.body.contains("only supervisors and admins"));

    let page = ana.get(&svc, &format!("/tickets/{number}")).await;
    let id = {
        let at = page.body.find("<select name=\"reply\"").expect("the saved-reply menu");
        let rest = &page.body[at..];
        let v = rest.find("<option value=\"").unwrap();
        let rest = &rest[v + 15..];
        // the first option is the disabled prompt with an empty value
        let v = rest.find("<option value=\"").unwrap();
        let rest = &rest[v + 15..];
        rest[..rest.find('"').unwrap()].to_string()
    };
    let filled = ana.get(&svc, &format!("/tickets/{number}?reply={id}")).await;
    assert!(
        filled.body.contains(&format!("Hello Zoe Ray, the invoice for #{number} is attached. ana</textarea>")),
        "{}",
        &filled.body[filled.body.find("reply-body").unwrap()..][..300]
    );

    // Ben does not see Ana's reply, nor can he use or change it by its id.
    let mut ben = Browser::default();
    ben.login(&svc, "ben@tandem.test", PASSWORD).await;
    assert!(!ben.get(&svc, "/replies").await.body.contains("Invoice fix"));
    assert_eq!(ben.get(&svc, &format!("/tickets/{number}?reply={id}")).await.status, 404);
    assert_eq!(
        ben.submit(&svc, &format!("/replies/{id}"), &[("title", "mine"), ("body", "mine")]).await.status,
        404
    );

    // A supervisor shares one with the team: everyone sees it.
    let mut sue = Browser::default();
    sue.login(&svc, "sue@tandem.test", PASSWORD).await;
    sue.get(&svc, "/replies").await;
    let team = sue
        .submit(&svc, "/replies", &[("title", "Thanks"), ("body", "Thank you, {customer_name}!"), ("shared", "1")])
        .await;
    assert_eq!(team.status, 303);
    assert!(ben.get(&svc, "/replies").await.body.contains("Thanks"));
    assert_eq!(events(&t, "saved_reply_saved").len(), 2);
}

#[actix_web::test]
async fn tags_and_priority_filter_the_queue() {
    let t = TestApp::with_kb();
    add_user(&t, "ana@tandem.test", "agent");
    let mut numbers = Vec::new();
    for i in 0..3 {
        let body = format!("Please call me about my contract number {i}, I am very unhappy with the service.");
        numbers.push(accepted(&t.ingest(&email("kim@example.com", &format!("Contract {i}"), &format!("k{i}@x"), &body))).0);
    }
    let svc = console!(t);
    let mut ana = Browser::default();
    ana.login(&svc, "ana@tandem.test", PASSWORD).await;
    ana.get(&svc, &format!("/tickets/{}", numbers[0])).await;
    let p = ana.submit(&svc, &format!("/tickets/{}/tag-add", numbers[0]), &[("tag", "  Legal Review ")]).await;
    assert_eq!(p.status, 303);
    ana.submit(&svc, &format!("/tickets/{}/priority", numbers[1]), &[("priority", "urgent")]).await;
    let bad = ana.submit(&svc, &format!("/tickets/{}/priority", numbers[1]), &[("priority", "whenever")]).await;
    assert_eq!(bad.status, 400);

    let tagged = ana.get(&svc, "/queue?view=all&tag=legal-review").await;
    assert!(tagged.body.contains(&format!("#{}</a>", numbers[0])));
    assert!(!tagged.body.contains(&format!("#{}</a>", numbers[1])));
    assert!(tagged.body.contains("1 ticket,"), "the count follows the filter");
    let urgent = ana.get(&svc, "/queue?view=all&priority=urgent").await;
    assert!(urgent.body.contains(&format!("#{}</a>", numbers[1])));
    assert!(!urgent.body.contains(&format!("#{}</a>", numbers[0])));
    let normal = ana.get(&svc, "/queue?view=all&priority=normal").await;
    assert!(normal.body.contains(&format!("#{}</a>", numbers[0])) && normal.body.contains(&format!("#{}</a>", numbers[2])));
    assert!(!normal.body.contains(&format!("#{}</a>", numbers[1])));
    // Searched words and a tag together.
    let both = ana.get(&svc, "/queue?view=all&tag=legal-review&q=contract").await;
    assert!(both.body.contains(&format!("#{}</a>", numbers[0])) && !both.body.contains(&format!("#{}</a>", numbers[2])));

    ana.submit(&svc, &format!("/tickets/{}/tag-remove", numbers[0]), &[("tag", "legal-review")]).await;
    let gone = ana.get(&svc, "/queue?view=all&tag=legal-review").await;
    assert!(!gone.body.contains(&format!("#{}</a>", numbers[0])));
    assert_eq!(events(&t, "tag_added").len(), 1);
    assert_eq!(events(&t, "tag_removed").len(), 1);
    assert_eq!(events(&t, "priority_changed").len(), 1);
}

#[actix_web::test]
async fn merging_keeps_every_message_once_and_replies_follow_the_merge() {
    let t = TestApp::with_kb();
    add_user(&t, "ana@tandem.test", "agent");
    let (a, _) = accepted(&t.ingest(&email("kim@example.com", "Invoice 77", "m1@x", "My invoice 77 shows the wrong amount, I am very angry.")));
    let (b, _) = accepted(&t.ingest(&email("kim@example.com", "About invoice 77 again", "m2@x", "Still about invoice 77: the VAT is wrong too, I am very angry.")));
    assert_ne!(a, b);
    let before = messages(&t, a).len() + messages(&t, b).len();
    let svc = console!(t);
    let mut ana = Browser::default();
    ana.login(&svc, "ana@tandem.test", PASSWORD).await;
    ana.get(&svc, &format!("/tickets/{a}")).await;
    let itself = ana.submit(&svc, &format!("/tickets/{a}/merge"), &[("into", &a.to_string())]).await;
    assert_eq!(itself.status, 400);
    let merged = ana.submit(&svc, &format!("/tickets/{a}/merge"), &[("into", &format!("#{b}"))]).await;
    assert_eq!(merged.status, 303, "{}", merged.body);

    let target = messages(&t, b);
    assert_eq!(target.len(), before, "every message once, on the target");
    let mut ids: Vec<_> = target.iter().map(|m| m.id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), before);
    assert!(messages(&t, a).is_empty());
    let source = ticket(&t, a);
    assert_eq!(source.status, "closed");
    let page = ana.get(&svc, &format!("/tickets/{a}")).await;
    assert!(page.body.contains("id=\"merged-into\"") && page.body.contains(&format!("/tickets/{b}")));
    // A second merge of the merged ticket is refused.
    let twice = ana.submit(&svc, &format!("/tickets/{a}/merge"), &[("into", &b.to_string())]).await;
    assert_eq!(twice.status, 400);

    // The customer answers the first thread (by its Message-ID and by its number in the
    // subject): both land on the merged-into ticket.
    let r1 = accepted(&t.ingest(&reply("kim@example.com", "Re: Invoice 77", "m3@x", "m1@x", "Any news?")));
    assert_eq!(r1.0, b);
    let r2 = accepted(&t.ingest(&email("kim@example.com", &format!("Re: [#{a}] Invoice 77"), "m4@x", "Hello?")));
    assert_eq!(r2.0, b);
    // Search finds the moved words on the target ticket.
    let found = ana.get(&svc, "/queue?view=all&q=VAT").await;
    assert!(found.body.contains(&format!("#{b}</a>")));
    let mut conn = t.app.conn().unwrap();
    let on_a = tandem::store::events::for_ticket(&mut conn, &source.id).unwrap();
    assert!(on_a.iter().any(|e| e.kind == "merged_into"));
}

#[actix_web::test]
async fn splitting_moves_one_message_to_a_new_ticket() {
    let t = TestApp::with_kb();
    add_user(&t, "ana@tandem.test", "agent");
    let (a, _) = accepted(&t.ingest(&email("kim@example.com", "Invoice", "s1@x", "My invoice shows the wrong amount, I am very angry.")));
    let second = accepted(&t.ingest(&reply("kim@example.com", "Re: Invoice", "s2@x", "s1@x", "Also, how do I change my delivery address for the next order?")));
    assert_eq!(second.0, a);
    let thread = messages(&t, a);
    let first_id = thread[0].id.clone();
    let last_id = thread.iter().rev().find(|m| m.author_kind == "customer").unwrap().id.clone();
    let svc = console!(t);
    let mut ana = Browser::default();
    ana.login(&svc, "ana@tandem.test", PASSWORD).await;
    let page = ana.get(&svc, &format!("/tickets/{a}")).await;
    assert!(page.body.contains("Split into a new ticket"));
    let split = ana.submit(&svc, &format!("/tickets/{a}/split"), &[("message_id", &last_id)]).await;
    assert_eq!(split.status, 303, "{}", split.body);
    let new: i64 = split.location.trim_start_matches("/tickets/").split('?').next().unwrap().parse().unwrap();
    assert_ne!(new, a);
    let moved = messages(&t, new);
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0].id, last_id);
    assert_eq!(ticket(&t, new).customer_id, ticket(&t, a).customer_id);
    assert!(messages(&t, a).iter().all(|m| m.id != last_id));
    // The ticket's only customer message cannot be split off.
    let only = ana.submit(&svc, &format!("/tickets/{new}/split"), &[("message_id", &last_id)]).await;
    assert_eq!(only.status, 400);
    let wrong_ticket = ana.submit(&svc, &format!("/tickets/{new}/split"), &[("message_id", &first_id)]).await;
    assert_eq!(wrong_ticket.status, 404);
}

#[actix_web::test]
async fn bulk_actions_change_each_ticket_and_are_audited() {
    let t = TestApp::with_kb();
    add_user(&t, "ana@tandem.test", "agent");
    let ben = add_user(&t, "ben@tandem.test", "agent");
    let mut numbers = Vec::new();
    for i in 0..3 {
        let body = format!("My contract {i} was cancelled without notice, I am very angry and want a person.");
        numbers.push(accepted(&t.ingest(&email("kim@example.com", &format!("Contract {i}"), &format!("b{i}@x"), &body))).0);
    }
    let svc = console!(t);
    let mut ana = Browser::default();
    ana.login(&svc, "ana@tandem.test", PASSWORD).await;
    let queue = ana.get(&svc, "/queue?view=open").await;
    assert!(queue.body.contains("id=\"bulk\"") && queue.body.contains("name=\"tickets\""));
    let (n0, n1, n2) = (numbers[0].to_string(), numbers[1].to_string(), numbers[2].to_string());
    let assign = format!("assign:{ben}");
    let done = ana
        .submit(
            &svc,
            "/queue/bulk",
            &[("action", &assign), ("tickets", &n0), ("tickets", &n1), ("back", "/queue?view=open")],
        )
        .await;
    assert_eq!(done.status, 303);
    assert!(done.location.starts_with("/queue?view=open&done=2"), "{}", done.location);
    for n in &numbers[..2] {
        assert_eq!(ticket(&t, *n).assignee_id.as_deref(), Some(ben.as_str()));
    }
    assert_eq!(ticket(&t, numbers[2]).assignee_id, None);
    ana.submit(&svc, "/queue/bulk", &[("action", "tag"), ("tag", "Billing"), ("tickets", &n0), ("tickets", &n1), ("tickets", &n2)]).await;
    let tagged = ana.get(&svc, "/queue?view=all&tag=billing").await;
    assert!(numbers.iter().all(|n| tagged.body.contains(&format!("#{n}</a>"))));
    // Closing all three, then resolving them: a closed ticket cannot be resolved, so
    // those are reported as not changed.
    ana.submit(&svc, "/queue/bulk", &[("action", "status:closed"), ("tickets", &n0), ("tickets", &n1)]).await;
    let resolved = ana
        .submit(&svc, "/queue/bulk", &[("action", "status:resolved"), ("tickets", &n0), ("tickets", &n1), ("tickets", &n2)])
        .await;
    assert!(resolved.location.contains("done=1"), "{}", resolved.location);
    assert!(resolved.location.contains(&format!("skipped={n0}.{n1}")), "{}", resolved.location);
    let report = ana.get(&svc, &resolved.location).await;
    assert!(report.body.contains("Changed 1 ticket."), "the page reports it");
    assert_eq!(events(&t, "assigned").len(), 2);
    assert_eq!(events(&t, "tag_added").len(), 3);
    assert_eq!(events(&t, "bulk_action").len(), 4);
    // Nothing ticked, or a forged action: refused, nothing changes.
    assert_eq!(ana.submit(&svc, "/queue/bulk", &[("action", "status:closed")]).await.status, 400);
    assert_eq!(ana.submit(&svc, "/queue/bulk", &[("action", "drop:all"), ("tickets", &n2)]).await.status, 400);
}

#[actix_web::test]
async fn after_a_send_the_next_ticket_opens_and_the_send_can_still_be_undone() {
    let t = TestApp::with(&[("TANDEM_UNDO_SECONDS", "60")]);
    t.import_kb();
    add_user(&t, "ana@tandem.test", "agent");
    let mut numbers = Vec::new();
    for i in 0..2 {
        let body = format!("My contract {i} was cancelled without notice, I am very angry.");
        numbers.push(accepted(&t.ingest(&email("kim@example.com", &format!("Contract {i}"), &format!("n{i}@x"), &body))).0);
    }
    let svc = console!(t);
    let mut ana = Browser::default();
    ana.login(&svc, "ana@tandem.test", PASSWORD).await;
    // Off by default: the agent stays on the ticket.
    ana.get(&svc, &format!("/tickets/{}?view=open", numbers[0])).await;
    let stay = ana
        .submit(&svc, &format!("/tickets/{}/reply?view=open", numbers[0]), &[("body", "We are on it.")])
        .await;
    assert_eq!(stay.location, format!("/tickets/{}?notice=replied", numbers[0]));
    ana.get(&svc, "/account").await;
    ana.submit(&svc, "/account/keys", &[("single_keys", "1"), ("open_next", "1")]).await;
    ana.get(&svc, &format!("/tickets/{}?view=open", numbers[0])).await;
    let moved = ana
        .submit(&svc, &format!("/tickets/{}/reply?view=open", numbers[0]), &[("body", "One more thing.")])
        .await;
    assert_eq!(
        moved.location,
        format!("/tickets/{}?notice=sent_next&from={}&view=open", numbers[1], numbers[0])
    );
    let next = ana.get(&svc, &moved.location).await;
    assert!(next.body.contains("id=\"previous-send\""), "the undo is in reach");
    let outbox_id = {
        let at = next.body.find("id=\"previous-send\"").unwrap();
        let rest = &next.body[at..];
        let v = rest.find("name=\"outbox_id\" value=\"").unwrap();
        let rest = &rest[v + 24..];
        rest[..rest.find('"').unwrap()].to_string()
    };
    let undone = ana
        .submit(&svc, &format!("/tickets/{}/undo", numbers[0]), &[("outbox_id", &outbox_id)])
        .await;
    assert_eq!(undone.location, format!("/tickets/{}?notice=undone", numbers[0]));
    t.deliver();
    let sent: Vec<_> = t.sent_mail().into_iter().filter(|m| m.body.contains("One more thing.")).collect();
    assert!(sent.is_empty(), "the undone reply never left");
}

#[actix_web::test]
async fn two_merges_the_opposite_way_at_once_leave_one_merge() {
    let t = TestApp::with_kb();
    let agent = add_user(&t, "ana@tandem.test", "agent");
    let (a, _) = accepted(&t.ingest(&email("kim@example.com", "Invoice 9", "x1@x", "My invoice 9 is wrong, I am very angry.")));
    let (b, _) = accepted(&t.ingest(&email("kim@example.com", "Invoice 9 again", "x2@x", "Invoice 9 still wrong, I am very angry.")));
    let by = tandem::app::actions::ActingUser { id: agent, ip: None };
    let barrier = std::sync::Barrier::new(2);
    let results: Vec<bool> = std::thread::scope(|s| {
        let one = s.spawn(|| {
            barrier.wait();
            tandem::app::organize::merge(&t.app, a, b, &by).is_ok()
        });
        let other = s.spawn(|| {
            barrier.wait();
            tandem::app::organize::merge(&t.app, b, a, &by).is_ok()
        });
        vec![one.join().unwrap(), other.join().unwrap()]
    });
    assert_eq!(results.iter().filter(|ok| **ok).count(), 1, "{results:?}");
    let (kept, merged) = if results[0] { (b, a) } else { (a, b) };
    assert_eq!(messages(&t, kept).len(), 4, "both customer messages and both acknowledgements");
    assert!(messages(&t, merged).is_empty());
    assert_eq!(ticket(&t, merged).status, "closed");
    assert_ne!(ticket(&t, kept).status, "closed");
}

/// A reply still in its undo window on a ticket merged into another: the customer's page
/// of the merged ticket does not show it before it is released, the undo is there on the
/// merged ticket, and an undone reply never shows or goes.
#[core::prelude::v1::test]
fn a_merge_carries_a_waiting_reply_with_its_undo() {
    let t = TestApp::with(&[("TANDEM_UNDO_SECONDS", "600")]);
    let ana = add_user(&t, "ana@tandem.test", "agent");
    let by = tandem::app::actions::ActingUser { id: ana, ip: None };
    let (a, _) = accepted(&t.ingest(&email("kim@example.com", "Invoice 77", "m1@x", "My invoice 77 shows the wrong amount, I am very angry.")));
    let (b, _) = accepted(&t.ingest(&email("kim@example.com", "About invoice 77 again", "m2@x", "Still about invoice 77: the VAT is wrong too.")));
    tandem::app::review::reply(&t.app, a, "Hello Kim, a corrected invoice 77 follows.", None, &by).unwrap();
    tandem::app::organize::merge(&t.app, a, b, &by).unwrap();

    let token = {
        let mut conn = t.app.conn().unwrap();
        let link = tandem::app::contact::status_link(&t.app, &mut conn, b).unwrap();
        link.rsplit('/').next().unwrap().to_string()
    };
    let shown_to_customer = || {
        tandem::app::contact::status(&t.app, &token)
            .unwrap()
            .messages
            .iter()
            .any(|m| m.3.contains("corrected invoice"))
    };
    assert!(!shown_to_customer(), "not released yet");
    let (outbox_id, _) = tandem::app::review::undoable_send(&t.app, b)
        .unwrap()
        .expect("the undo follows the reply to the merged ticket");
    tandem::app::review::undo(&t.app, b, &outbox_id, &by).unwrap();
    assert!(!shown_to_customer(), "undone: never shown");
    let undone = t
        .show(b)
        .messages
        .into_iter()
        .find(|m| m.text.contains("corrected invoice"))
        .unwrap();
    assert_eq!(undone.delivery.as_deref(), Some("cancelled"), "the console says it was undone");
    {
        use diesel::prelude::*;
        use tandem::store::schema::outbox;
        let mut conn = t.app.conn().unwrap();
        diesel::update(outbox::table)
            .set(outbox::next_attempt_at.eq(tandem::store::now() - chrono::Duration::hours(1)))
            .execute(&mut *conn)
            .unwrap();
    }
    t.deliver();
    assert!(!t.sent_mail().iter().any(|m| m.body.contains("corrected invoice")));
}

/// Tickets of two customers are not merged (the thread would follow neither in an export
/// nor in an erasure); once the address is linked to one customer, they are.
#[core::prelude::v1::test]
fn tickets_of_two_customers_merge_only_once_they_are_one_customer() {
    let t = TestApp::new();
    let ana = add_user(&t, "ana@tandem.test", "agent");
    let by = tandem::app::actions::ActingUser { id: ana, ip: None };
    let (a, _) = accepted(&t.ingest(&email("kim@example.com", "Invoice 77", "x1@x", "My invoice 77 is wrong.")));
    let (b, _) = accepted(&t.ingest(&email("kim.work@example.com", "Invoice 77", "x2@x", "Writing from work: invoice 77 is wrong.")));
    let Err(refused) = tandem::app::organize::merge(&t.app, a, b, &by) else {
        panic!("merged across customers");
    };
    assert!(refused.to_string().contains("another customer"), "{refused}");
    assert!(!t.show(a).messages.is_empty(), "nothing moved");
    tandem::app::customers::merge_into_ticket_customer(&t.app, b, "kim@example.com", &by).unwrap();
    tandem::app::organize::merge(&t.app, a, b, &by).unwrap();
    assert_eq!(t.show(b).messages.iter().filter(|m| m.direction == "inbound").count(), 2);
}
