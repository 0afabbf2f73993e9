//! One customer across channels (issue 14, item 6): an agent merges the Messenger user
//! into the mail customer (one history), later messages join it, replies on a Messenger
//! ticket still go to Messenger, a split undoes it, and an erasure forgets every address.

use actix_web::{App, test, web};

use crate::console::{Browser, PASSWORD, add_user, console};
use crate::harness::{TestApp, accepted, email};
use crate::messenger::{delivery, send_api, signed};

#[actix_web::test]
async fn a_messenger_user_merged_into_a_mail_customer_keeps_one_history() {
    let (api, seen) = send_api(0);
    let t = TestApp::with(&[
        ("TANDEM_MESSENGER_APP_SECRET", "app-secret"),
        ("TANDEM_MESSENGER_PAGE_TOKEN", "page-token"),
        ("TANDEM_MESSENGER_API_URL", api.as_str()),
        ("TANDEM_UNDO_SECONDS", "0"),
    ]);
    t.import_kb();
    add_user(&t, "ana@tandem.test", "agent");
    let svc = console!(t);
    let (by_mail, _) = accepted(&t.ingest(&email("Kim Lee <kim@example.com>", "Invoice", "i1@x", "My invoice is wrong and I am angry about it.")));
    let post = |body: String| {
        test::TestRequest::post()
            .uri("/channels/messenger/webhook")
            .insert_header(("Content-Type", "application/json"))
            .insert_header(("X-Hub-Signature-256", signed(&body)))
            .set_payload(body)
            .to_request()
    };
    let first = delivery("psid-9", "m_9", "Hi, it's Kim again about the invoice. I am angry, please call me.");
    assert_eq!(test::call_service(&svc, post(first)).await.status(), 200);
    let by_messenger = t.show(by_mail + 1).summary.number;

    let mut ana = Browser::default();
    ana.login(&svc, "ana@tandem.test", PASSWORD).await;
    ana.get(&svc, &format!("/tickets/{by_mail}")).await;
    let merged = ana.submit(&svc, &format!("/tickets/{by_mail}/customer-merge"), &[("address", "psid-9@messenger.invalid")]).await;
    assert_eq!(merged.status, 303, "{}", merged.body);
    let page = ana.get(&svc, &format!("/tickets/{by_mail}")).await;
    assert!(page.body.contains("psid-9@messenger.invalid"), "the linked address shows");
    assert!(page.body.contains(&format!("/tickets/{by_messenger}\"")), "one history: the Messenger ticket is among the earlier ones");
    assert_eq!(t.show(by_messenger).summary.customer, "kim@example.com");

    // A later Messenger message continues the Messenger ticket, of the same customer.
    let later = delivery("psid-9", "m_10", "Any news?");
    test::call_service(&svc, post(later)).await;
    assert_eq!(t.show(by_messenger).messages.iter().filter(|m| m.direction == "inbound").count(), 2);
    // The agent's reply there still goes to Messenger.
    ana.get(&svc, &format!("/tickets/{by_messenger}")).await;
    let sent = ana.submit(&svc, &format!("/tickets/{by_messenger}/reply"), &[("body", "The corrected invoice is on its way.")]).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    t.deliver();
    let posts = seen.lock().unwrap().clone();
    assert!(posts.iter().any(|(_, b)| String::from_utf8_lossy(b).contains("corrected invoice") && String::from_utf8_lossy(b).contains("psid-9")));
    assert!(t.sent_mail().iter().all(|m| !m.body.contains("corrected invoice")), "not by mail");

    // Split: the Messenger user is a customer of their own again, with their ticket.
    let split = ana.submit(&svc, &format!("/tickets/{by_mail}/customer-split"), &[("address", "psid-9@messenger.invalid")]).await;
    assert_eq!(split.status, 303, "{}", split.body);
    assert_eq!(t.show(by_messenger).summary.customer, "psid-9@messenger.invalid");
    assert_eq!(t.show(by_mail).summary.customer, "kim@example.com");

    // Merged again, then erased by the linked address: every address is forgotten.
    ana.submit(&svc, &format!("/tickets/{by_mail}/customer-merge"), &[("address", "psid-9@messenger.invalid")]).await;
    let (code, out, err) = t.run_cli(&["customer", "erase", "psid-9@messenger.invalid", "--reason", "request"], b"");
    assert_eq!(code, 0, "{out}{err}");
    let mut conn = t.app.conn().unwrap();
    assert!(tandem::store::customers::find_by_address(&mut conn, "psid-9@messenger.invalid").unwrap().is_none());
    assert!(tandem::store::customers::find_by_address(&mut conn, "kim@example.com").unwrap().is_none());
}

/// A mail customer merged into a Messenger user (the Messenger ticket's customer stays):
/// their next mail is still answered by mail, at their mail address, never at the
/// Messenger stand-in address no mail server takes.
#[core::prelude::v1::test]
fn a_mail_customer_merged_into_a_messenger_user_is_answered_at_their_mail_address() {
    let t = TestApp::with(&[("TANDEM_UNDO_SECONDS", "0")]);
    t.import_kb();
    let ana = add_user(&t, "ana@tandem.test", "agent");
    let by = tandem::app::actions::ActingUser { id: ana, ip: None };
    let messenger = tandem::app::social::network_of("messenger").unwrap();
    let (on_messenger, _) = accepted(&messenger.store_message(&t.app, "psid-30", "m_30", "Hi, my lamp arrived broken.").unwrap());
    accepted(&t.ingest(&email("Kim Lee <kim@example.com>", "Lamp", "k1@x", "About my broken lamp, I wrote on Messenger too.")));
    tandem::app::customers::merge_into_ticket_customer(&t.app, on_messenger, "kim@example.com", &by).unwrap();
    t.deliver();
    let before = t.sent_mail().len();
    accepted(&t.ingest(&email(
        "Kim Lee <kim@example.com>",
        "Where is my parcel?",
        "k2@x",
        "Where is my parcel? I ordered last week and it has not arrived yet. How can I track my order?",
    )));
    t.deliver();
    let sent = t.sent_mail();
    assert!(sent.len() > before, "the new mail is answered");
    assert!(sent.iter().all(|m| !m.to.contains(".invalid")), "{:?}", sent.iter().map(|m| &m.to).collect::<Vec<_>>());
    assert!(sent[before..].iter().all(|m| m.to.contains("kim@example.com")));
}
