//! Everything can be found: view counts, "All tickets", "Sent automatically" with its
//! "wrong" mark, and full-text search across all statuses, on both stores.

use actix_web::http::StatusCode;
use actix_web::test;
use scraper::{Html, Selector};

use crate::harness::{TestApp, accepted, email};
use crate::supervisor::http::{body, console, cookie, sign_in, texts};

const PARCEL: &str = "Hello,\n\nwhere is my parcel? I ordered last week and it has not arrived yet. How can I track my order?\n\nThanks, Ana";
const INVOICE: &str = "Hi, the invoice for my company account shows 480 EUR but our contract says 360 EUR. Can someone check the VAT line and send a corrected invoice to our accounting department?";

fn ingest(t: &TestApp, from: &str, id: &str, subject: &str, body: &str) -> (i64, String) {
    accepted(&t.ingest(&email(from, subject, id, body)))
}

/// Two automated answers (one resolved by hand afterwards), one ticket waiting for review.
fn scenario(t: &TestApp) -> (i64, i64, i64) {
    let (a, action) = ingest(
        t,
        "ana@example.com",
        "v1@example.com",
        "Where is my parcel?",
        PARCEL,
    );
    assert_eq!(action, "auto_send");
    let (b, action) = ingest(
        t,
        "Bob Stone <bob@example.com>",
        "v2@example.com",
        "Parcel tracking",
        PARCEL,
    );
    assert_eq!(action, "auto_send");
    let (c, action) = ingest(
        t,
        "cy@example.com",
        "v3@example.com",
        "Invoice wrong",
        INVOICE,
    );
    assert_ne!(action, "auto_send");
    t.deliver();
    (a, b, c)
}

fn counts(html: &Html) -> Vec<(String, i64)> {
    let a = Selector::parse("nav.views a").unwrap();
    let n = Selector::parse(".count").unwrap();
    html.select(&a)
        .map(|e| {
            let count = e.select(&n).next().unwrap().text().collect::<String>();
            let label = e.text().collect::<String>().replace(&count, "");
            (label.trim().to_string(), count.trim().parse().unwrap())
        })
        .collect()
}

fn numbers(html: &Html) -> Vec<String> {
    texts(html, "#queue-results tbody tr td:first-child")
}

#[actix_web::test]
async fn all_tickets_counts_and_lists_every_status() {
    let t = TestApp::with_kb();
    let (a, b, c) = scenario(&t);
    let svc = console(t).await;
    let (agent, _) = sign_in(&svc.app, "agent");
    let req = test::TestRequest::get()
        .uri("/queue?view=all")
        .cookie(cookie(&agent))
        .to_request();
    let html = Html::parse_document(&body(test::call_service(&svc.service, req).await).await);
    let counts = counts(&html);
    let count = |l: &str| counts.iter().find(|(x, _)| x == l).unwrap().1;
    assert_eq!(count("All tickets"), 3, "{counts:?}");
    assert_eq!(count("Sent automatically"), 2, "{counts:?}");
    assert_eq!(count("Needs review") + count("Escalated"), 1, "{counts:?}");
    let mut listed = numbers(&html);
    listed.sort();
    let mut expected = [a, b, c].map(|n| format!("#{n}")).to_vec();
    expected.sort();
    assert_eq!(listed, expected);
    assert!(texts(&html, ".summary")[0].starts_with("3 tickets"));
}

#[actix_web::test]
async fn sent_automatically_lists_newest_first_and_filters() {
    let t = TestApp::with_kb();
    let (a, b, _) = scenario(&t);
    let svc = console(t).await;
    let (agent, _) = sign_in(&svc.app, "agent");
    let get = |uri: String| {
        test::TestRequest::get()
            .uri(&uri)
            .cookie(cookie(&agent))
            .to_request()
    };
    let html = Html::parse_document(
        &body(test::call_service(&svc.service, get("/queue?view=automated".into())).await).await,
    );
    assert_eq!(
        numbers(&html),
        [format!("#{b}"), format!("#{a}")],
        "newest first"
    );
    let link = Selector::parse("#queue-results tbody tr td:first-child a").unwrap();
    let hrefs: Vec<&str> = html
        .select(&link)
        .map(|e| e.value().attr("href").unwrap())
        .collect();
    assert_eq!(hrefs, [format!("/tickets/{b}"), format!("/tickets/{a}")]);
    // Agents see the list, not the "wrong" button.
    assert!(texts(&html, "button.mark-wrong").is_empty());

    let intent = svc.app.conn().map(|mut c| {
        tandem::store::tickets::get_by_number(&mut c, a)
            .unwrap()
            .unwrap()
            .intent
            .unwrap()
    });
    let intent = intent.unwrap();
    for (query, expected) in [
        (format!("intent={intent}"), 2),
        ("intent=refund_status".to_string(), 0),
        ("language=en".to_string(), 2),
        ("language=de".to_string(), 0),
        ("band=0".to_string() + "&q=", 0),
        ("q=bob".to_string(), 1),
        (format!("q=%23{a}"), 1),
    ] {
        let html = Html::parse_document(
            &body(
                test::call_service(&svc.service, get(format!("/queue?view=automated&{query}")))
                    .await,
            )
            .await,
        );
        assert_eq!(numbers(&html).len(), expected, "{query}");
    }
}

#[actix_web::test]
async fn a_supervisor_marks_an_automated_answer_wrong_in_one_click() {
    let t = TestApp::with_kb();
    let (a, _, _) = scenario(&t);
    let svc = console(t).await;
    let (sup, csrf) = sign_in(&svc.app, "supervisor");
    let req = test::TestRequest::get()
        .uri("/queue?view=automated")
        .cookie(cookie(&sup))
        .to_request();
    let html = Html::parse_document(&body(test::call_service(&svc.service, req).await).await);
    let form = Selector::parse("form[action$='/wrong']").unwrap();
    let actions: Vec<String> = html
        .select(&form)
        .map(|f| f.value().attr("action").unwrap().to_string())
        .collect();
    assert_eq!(actions.len(), 2);
    let action = actions[1].clone(); // the older one: ticket a
    let post = |token: &str, who: &str| {
        test::TestRequest::post()
            .uri(&action)
            .cookie(cookie(who))
            .set_form([("csrf_token", token), ("back", "/queue?view=automated")])
            .to_request()
    };
    assert_eq!(
        test::call_service(&svc.service, post("forged", &sup))
            .await
            .status(),
        StatusCode::FORBIDDEN,
        "CSRF"
    );
    let (agent, agent_csrf) = sign_in(&svc.app, "agent");
    assert_eq!(
        test::call_service(&svc.service, post(&agent_csrf, &agent))
            .await
            .status(),
        StatusCode::FORBIDDEN,
        "agents may not"
    );
    let resp = test::call_service(&svc.service, post(&csrf, &sup)).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        resp.headers().get("location").unwrap(),
        "/queue?view=automated&notice=marked_wrong"
    );
    let again = test::call_service(&svc.service, post(&csrf, &sup)).await;
    assert_eq!(again.status(), StatusCode::CONFLICT, "marked once");

    // The mark is shown, audited, counted and learned from.
    let req = test::TestRequest::get()
        .uri("/queue?view=automated")
        .cookie(cookie(&sup))
        .to_request();
    let html = Html::parse_document(&body(test::call_service(&svc.service, req).await).await);
    assert_eq!(
        texts(&html, "tr.marked-wrong td:first-child"),
        [format!("#{a}")]
    );
    let mut conn = svc.app.conn().unwrap();
    assert_eq!(
        tandem::store::events::count_kind(&mut conn, "automation_marked_wrong").unwrap(),
        1
    );
    let examples = tandem::store::drafts::reviewed_examples(&mut conn).unwrap();
    assert_eq!(
        examples.iter().filter(|e| !e.2).count(),
        1,
        "one negative example"
    );
    drop(conn);
    let now = tandem::store::now();
    let d = tandem::app::metrics::dashboard(
        &svc.app,
        tandem::app::metrics::Period::new(now - chrono::Duration::days(1), now),
    )
    .unwrap();
    assert_eq!((d.total.auto_sent, d.total.marked_wrong), (2, 1));
    assert!((d.total.marked_wrong_rate().unwrap() - 0.5).abs() < 1e-9);
}

#[actix_web::test]
async fn words_are_found_in_bodies_across_all_statuses() {
    let t = TestApp::with_kb();
    let (a, b, c) = scenario(&t);
    let svc = console(t).await;
    let (agent, _) = sign_in(&svc.app, "agent");
    let search = |q: &str| {
        test::TestRequest::get()
            .uri(&format!("/queue?view=all&q={q}"))
            .cookie(cookie(&agent))
            .to_request()
    };
    for (q, expected) in [
        // Body words, only in the invoice ticket (waiting for a person).
        ("VAT", vec![c]),
        ("accounting+department", vec![c]),
        // A prefix, in both automatically answered tickets.
        ("parc", vec![a, b]),
        // The customer's name and address.
        ("stone", vec![b]),
        ("example.com", vec![a, b, c]),
        ("zzyzx", vec![]),
    ] {
        let html =
            Html::parse_document(&body(test::call_service(&svc.service, search(q)).await).await);
        let mut got = numbers(&html);
        got.sort();
        let mut want: Vec<String> = expected.iter().map(|n| format!("#{n}")).collect();
        want.sort();
        assert_eq!(got, want, "{q}");
    }
}

// ---------------------------------------------------------------------------------------
// Work survives sessions.

#[actix_web::test]
async fn a_poll_that_meets_an_expired_session_gets_a_small_notice_and_stops() {
    let t = TestApp::with_kb();
    let (_, _, c) = scenario(&t);
    let svc = console(t).await;
    for (uri, page) in [
        (
            "/queue?view=review&page=1".to_string(),
            "/queue?view=review".to_string(),
        ),
        (format!("/tickets/{c}/presence"), format!("/tickets/{c}")),
    ] {
        let req = test::TestRequest::get()
            .uri(&uri)
            .insert_header(("host", "tandem.test"))
            .insert_header(("HX-Request", "true"))
            .insert_header(("HX-Current-URL", format!("http://tandem.test{page}")))
            .cookie(cookie("expired-or-revoked"))
            .to_request();
        let resp = test::call_service(&svc.service, req).await;
        assert_eq!(
            resp.status().as_u16(),
            286,
            "htmx stops polling on 286: {uri}"
        );
        let html = body(resp).await;
        assert!(html.contains("Signed out"), "{html}");
        assert!(
            html.contains(&format!(
                "href=\"/login?next={}\"",
                page.replace('?', "%3F").replace('=', "%3D")
            )),
            "returns to the page, not the polled URL: {html}"
        );
        assert!(
            !html.contains("<form") && !html.contains("<html"),
            "no nested page: {html}"
        );
    }
}

#[actix_web::test]
async fn a_post_with_an_expired_session_signs_in_back_to_the_ticket_page() {
    let t = TestApp::with_kb();
    let (_, _, c) = scenario(&t);
    let svc = console(t).await;
    for referer in [Some(format!("http://tandem.test/tickets/{c}")), None] {
        let mut req = test::TestRequest::post()
            .uri(&format!("/tickets/{c}/reply"))
            .insert_header(("host", "tandem.test"))
            .cookie(cookie("expired-or-revoked"))
            .set_form([("csrf_token", "x"), ("body", "typed before expiry")]);
        if let Some(r) = &referer {
            req = req.insert_header(("referer", r.as_str()));
        }
        let resp = test::call_service(&svc.service, req.to_request()).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            resp.headers().get("location").unwrap(),
            &format!("/login?next=/tickets/{c}"),
            "referer {referer:?}"
        );
    }
}

#[actix_web::test]
async fn signing_in_again_in_one_tab_keeps_other_tabs_forms_valid() {
    let t = TestApp::with_kb();
    let (_, _, c) = scenario(&t);
    let svc = console(t).await;
    tandem::app::users::add(
        &svc.app,
        "ann@tandem.test",
        "Ann",
        "agent",
        "correct horse battery",
    )
    .unwrap();
    // The browser: its sign-in form sets the per-browser CSRF cookie.
    let resp = test::call_service(
        &svc.service,
        test::TestRequest::get().uri("/login").to_request(),
    )
    .await;
    let browser = resp
        .response()
        .cookies()
        .find(|k| k.name() == tandem::web::session::LOGIN_CSRF_COOKIE)
        .unwrap()
        .into_owned();
    let sign_in = || {
        test::TestRequest::post()
            .uri("/login")
            .cookie(browser.clone())
            .set_form([
                ("csrf_token", browser.value()),
                ("email", "ann@tandem.test"),
                ("password", "correct horse battery"),
                ("next", "/queue"),
            ])
            .to_request()
    };
    let session_of = |resp: &actix_web::dev::ServiceResponse| {
        resp.response()
            .cookies()
            .find(|k| k.name() == tandem::web::session::SESSION_COOKIE)
            .unwrap()
            .value()
            .to_string()
    };
    let first = test::call_service(&svc.service, sign_in()).await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let tab_a = session_of(&first);
    // Tab A renders the ticket and its note form.
    let page = body(
        test::call_service(
            &svc.service,
            test::TestRequest::get()
                .uri(&format!("/tickets/{c}"))
                .cookie(browser.clone())
                .cookie(cookie(&tab_a))
                .to_request(),
        )
        .await,
    )
    .await;
    let html = Html::parse_document(&page);
    let sel = Selector::parse(&format!(
        "form[action='/tickets/{c}/note'] input[name=csrf_token]"
    ))
    .unwrap();
    let token = html
        .select(&sel)
        .next()
        .unwrap()
        .value()
        .attr("value")
        .unwrap()
        .to_string();
    // Tab B signs in again: the browser's session cookie changes.
    let second = test::call_service(&svc.service, sign_in()).await;
    let tab_b = session_of(&second);
    assert_ne!(tab_a, tab_b);
    // Tab A's form, sent with the browser's cookies as they are now.
    let resp = test::call_service(
        &svc.service,
        test::TestRequest::post()
            .uri(&format!("/tickets/{c}/note"))
            .cookie(browser.clone())
            .cookie(cookie(&tab_b))
            .set_form([
                ("csrf_token", token.as_str()),
                ("body", "checked the VAT line"),
            ])
            .to_request(),
    )
    .await;
    assert_eq!(
        resp.status(),
        StatusCode::SEE_OTHER,
        "the other tab's form still works"
    );
    // A forged token is still refused.
    let resp = test::call_service(
        &svc.service,
        test::TestRequest::post()
            .uri(&format!("/tickets/{c}/note"))
            .cookie(browser.clone())
            .cookie(cookie(&tab_b))
            .set_form([("csrf_token", "0".repeat(64).as_str()), ("body", "forged")])
            .to_request(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    // Nor does a form token cookie planted after the sign-in (a sibling subdomain can set
    // cookies for this host) open the session's forms: its token was fixed at sign-in.
    let planted = "ab".repeat(32);
    let resp = test::call_service(
        &svc.service,
        test::TestRequest::post()
            .uri(&format!("/tickets/{c}/note"))
            .cookie(actix_web::cookie::Cookie::new(
                tandem::web::session::LOGIN_CSRF_COOKIE,
                planted.clone(),
            ))
            .cookie(cookie(&tab_b))
            .set_form([("csrf_token", planted.as_str()), ("body", "planted")])
            .to_request(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}

/// Messages stored together in one group commit (a savepoint each) are all searchable,
/// each under its own words, and a whole word finds what its prefix finds.
#[actix_web::test]
async fn every_message_of_a_group_commit_is_found_by_its_words() {
    let t = TestApp::with_kb();
    let words = ["quokka", "narwhal", "axolotl", "pangolin", "okapi"];
    let mails: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            email(
                &format!("c{i}@example.com"),
                "A question",
                &format!("batch-{i}@example.com"),
                &format!("Hello, my {w} toy arrived. Where is the rest of my order?"),
            )
        })
        .collect();
    let raws: Vec<&[u8]> = mails.iter().map(|m| m.as_bytes()).collect();
    let outcomes = tandem::app::ingest_batch::ingest_many(&t.app, &raws);
    let numbers: Vec<i64> = outcomes
        .iter()
        .map(|o| accepted(o.as_ref().unwrap()).0)
        .collect();
    let mut conn = t.app.conn().unwrap();
    for (w, n) in words.iter().zip(&numbers) {
        for query in [w.to_string(), w[..4].to_string()] {
            let hits =
                tandem::store::queue::tickets_with_words(&mut conn, &[query.clone()]).unwrap();
            let found: Vec<i64> = hits
                .iter()
                .map(|id| tandem::store::tickets::get(&mut conn, id).unwrap().number)
                .collect();
            assert_eq!(found, vec![*n], "{query}");
        }
    }
    // A word in every message: each ticket once, newest first.
    let hits = tandem::store::queue::tickets_with_words(&mut conn, &["arrived".into()]).unwrap();
    let found: Vec<i64> = hits
        .iter()
        .map(|id| tandem::store::tickets::get(&mut conn, id).unwrap().number)
        .collect();
    let mut newest_first = numbers.clone();
    newest_first.reverse();
    assert_eq!(found, newest_first);

    // A word that is there is found exactly; its prefix also finds the longer word.
    let (okapis, _) = ingest(
        &t,
        "zoo@example.com",
        "okapis@example.com",
        "Two of them",
        "My two okapis arrived without their leaflets.",
    );
    let numbers_of = |conn: &mut tandem::store::DbConn, q: &str| -> Vec<i64> {
        let mut found: Vec<i64> = tandem::store::queue::tickets_with_words(conn, &[q.into()])
            .unwrap()
            .iter()
            .map(|id| tandem::store::tickets::get(conn, id).unwrap().number)
            .collect();
        found.sort();
        found
    };
    assert_eq!(numbers_of(&mut conn, "okapi"), vec![numbers[4]]);
    assert_eq!(numbers_of(&mut conn, "okap"), vec![numbers[4], okapis]);
}

/// The maintained counts (`store::counts`) against a count of the tickets themselves.
fn counts_agree(t: &TestApp, when: &str) {
    use diesel::prelude::*;
    use tandem::store::counts::{self, CountFilter};
    use tandem::store::schema::tickets;
    let mut conn = t.app.conn().unwrap();
    let rows: Vec<(String, Option<String>, Option<String>, String)> = tickets::table
        .select((
            tickets::status,
            tickets::intent,
            tickets::language,
            tickets::channel,
        ))
        .load(&mut conn)
        .unwrap();
    let intents: Vec<Option<String>> = rows.iter().map(|r| r.1.clone()).collect();
    for intent in intents
        .iter()
        .map(|i| i.clone().unwrap_or_default())
        .chain([String::new(), "no_such_intent".into()])
    {
        for statuses in [&[][..], &["escalated", "pending_review"], &["resolved"]] {
            let expected = rows
                .iter()
                .filter(|r| statuses.is_empty() || statuses.contains(&r.0.as_str()))
                .filter(|r| {
                    r.1.clone().unwrap_or_default() == intent && r.2.as_deref() == Some("en")
                })
                .count() as i64;
            let filter = CountFilter {
                statuses,
                intent: Some(&intent),
                language: Some("en"),
                channel: None,
            };
            assert_eq!(
                counts::total(&mut conn, filter).unwrap(),
                expected,
                "{when}: {intent} {statuses:?}"
            );
        }
    }
    let all = counts::by_status(&mut conn, CountFilter::default()).unwrap();
    for (status, n) in &all {
        let real = rows.iter().filter(|r| &r.0 == status).count() as i64;
        assert_eq!(*n, real, "{when}: {status}");
    }
    assert_eq!(all.values().sum::<i64>(), rows.len() as i64, "{when}: all");
}

#[actix_web::test]
async fn maintained_counts_match_the_tickets_after_every_change() {
    use diesel::prelude::*;
    use tandem::store::schema::tickets;
    let t = TestApp::with_kb();
    let (a, _, c) = scenario(&t);
    counts_agree(&t, "after ingest");
    let mut conn = t.app.conn().unwrap();
    // Status, intent and language changes, several tickets in one transaction (as the
    // ingest group commit does), moving tickets both ways between two statuses.
    tandem::store::transaction(&mut conn, |conn| {
        diesel::update(tickets::table.filter(tickets::number.eq(a)))
            .set((
                tickets::status.eq("escalated"),
                tickets::intent.eq(Option::<String>::None),
            ))
            .execute(conn)?;
        diesel::update(tickets::table.filter(tickets::number.eq(c)))
            .set((tickets::status.eq("resolved"), tickets::language.eq("de")))
            .execute(conn)?;
        Ok::<_, diesel::result::Error>(())
    })
    .unwrap();
    drop(conn);
    counts_agree(&t, "after updates");
    let folded = tandem::app::queue::fold_counts(&t.app).unwrap();
    if t.db.is_postgres() {
        assert!(folded > 0, "PostgreSQL keeps deltas until they are folded");
    }
    counts_agree(&t, "after folding");
    // A reply reopens a resolved ticket; a new ticket arrives after the fold.
    ingest(
        &t,
        "dee@example.com",
        "v4@example.com",
        "Invoice again",
        INVOICE,
    );
    counts_agree(&t, "after more mail");
}

/// Every page of a view holds the tickets the whole view lists at its place, in the same
/// order, across the three parts of queue order (waiting for a person, waiting on the
/// customer, the rest) and with a filter: pages past the first are found another way
/// (their ids first) and must not drift from the first page's order.
#[actix_web::test]
async fn pages_past_the_first_continue_the_queue_in_order() {
    use tandem::app::actions::ActingUser;
    use tandem::store::queue::{QueueFilter, page};
    let t = TestApp::with_kb();
    let agent = crate::console::add_user(&t, "ana@tandem.test", "agent");
    let by = ActingUser {
        id: agent,
        ip: None,
    };
    let mut escalated = Vec::new();
    for i in 0..14 {
        let (subject, body) = if i % 3 == 0 {
            ("Where is my parcel?", PARCEL)
        } else {
            ("Invoice wrong", INVOICE)
        };
        let (n, action) = ingest(
            &t,
            &format!("c{i}@example.com"),
            &format!("p{i}@example.com"),
            subject,
            body,
        );
        if action != "auto_send" {
            escalated.push(n);
        }
    }
    assert!(escalated.len() >= 6, "{escalated:?}");
    for &n in &escalated[..3] {
        tandem::app::review::set_status(&t.app, n, "waiting_on_customer", &by).unwrap();
    }
    let mut conn = t.app.conn().unwrap();
    let every_status: Vec<String> = tandem::domain::ticket::Status::ALL
        .iter()
        .map(|s| s.as_str().to_string())
        .collect();
    let all = QueueFilter {
        statuses: every_status.clone(),
        ..Default::default()
    };
    let (listed, _) = page(&mut conn, &all, 100, 0).unwrap();
    let invoice_intent = listed
        .iter()
        .find(|(t, _)| escalated.contains(&t.number) && t.intent.is_some())
        .and_then(|(t, _)| t.intent.clone());
    let filters = [
        all.clone(),
        QueueFilter {
            statuses: every_status,
            intent: invoice_intent,
            ..Default::default()
        },
        QueueFilter {
            statuses: vec!["escalated".into(), "waiting_on_customer".into()],
            ..Default::default()
        },
    ];
    for f in &filters {
        let (whole, total) = page(&mut conn, f, 100, 0).unwrap();
        let whole: Vec<i64> = whole.iter().map(|(t, _)| t.number).collect();
        assert_eq!(whole.len() as i64, total, "{f:?}");
        for size in [2, 3, 5] {
            let mut paged = Vec::new();
            for offset in (0..total).step_by(size as usize) {
                let (rows, n) = page(&mut conn, f, size, offset).unwrap();
                assert_eq!(n, total);
                paged.extend(rows.iter().map(|(t, c)| {
                    assert_eq!(t.customer_id, c.id, "each ticket with its own customer");
                    t.number
                }));
            }
            assert_eq!(paged, whole, "{f:?}, {size} a page");
        }
    }
}

/// "Sent automatically"'s unfiltered total is kept, not counted (on PostgreSQL as deltas
/// that a server folds in): it equals the automatic answers there are, before the deltas
/// are folded and after.
#[actix_web::test]
async fn the_sent_automatically_total_counts_every_automatic_answer_before_and_after_a_fold() {
    use diesel::prelude::*;
    use tandem::store::schema::drafts;
    let t = TestApp::with_kb();
    scenario(&t);
    let mut conn = t.app.conn().unwrap();
    let counted: i64 = drafts::table
        .filter(drafts::decision.eq("auto_send"))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(counted, 2);
    let total = |conn: &mut tandem::store::DbConn| {
        tandem::store::queue::automated_page(conn, &Default::default(), 50, 0)
            .unwrap()
            .1
    };
    assert_eq!(total(&mut conn), counted);
    tandem::store::counts::compact(&mut conn).unwrap();
    assert_eq!(total(&mut conn), counted);
}
