//! Issue 9's console and HTTP findings: the one-time set-up link under concurrency,
//! sign-in redirects and throttling, the inbound secret before the body, health when
//! writes fail, and who the audit log names for console actions.

use actix_web::{App, test, web};

use crate::console::{Browser, PASSWORD, add_user, console};
use crate::harness::TestApp;

fn user_count(t: &TestApp) -> usize {
    tandem::app::users::all(&t.app).unwrap().len()
}

#[actix_web::test]
async fn four_concurrent_posts_of_the_set_up_link_create_one_admin() {
    let t = TestApp::new();
    let token = tandem::app::auth::setup_token_if_needed(&t.app)
        .unwrap()
        .expect("a token on an empty database");
    let svc = console!(t);
    let path = format!("/setup/{token}");
    let mut browsers: Vec<Browser> = (0..4).map(|_| Browser::default()).collect();
    for b in &mut browsers {
        assert_eq!(b.get(&svc, &path).await.status, 200);
    }
    let emails: Vec<String> = (0..4).map(|i| format!("root{i}@tandem.test")).collect();
    let [a, b, c, d] = &mut browsers[..] else {
        unreachable!()
    };
    let form = |email: &'static str| [("name", "Root"), ("email", email), ("password", PASSWORD)];
    let emails: Vec<&'static str> = emails.into_iter().map(|e| &*e.leak()).collect();
    let (ra, rb, rc, rd) = (
        form(emails[0]),
        form(emails[1]),
        form(emails[2]),
        form(emails[3]),
    );
    let statuses = tokio::join!(
        a.submit(&svc, &path, &ra),
        b.submit(&svc, &path, &rb),
        c.submit(&svc, &path, &rc),
        d.submit(&svc, &path, &rd),
    );
    let statuses = (
        statuses.0.status,
        statuses.1.status,
        statuses.2.status,
        statuses.3.status,
    );
    let mut statuses = [statuses.0, statuses.1, statuses.2, statuses.3];
    statuses.sort();
    assert_eq!(statuses, [303, 404, 404, 404], "one request wins the link");
    assert_eq!(user_count(&t), 1, "exactly one admin exists");
}

#[core::prelude::v1::test]
fn concurrent_set_up_from_threads_creates_one_admin() {
    let t = TestApp::new();
    let token = tandem::app::auth::setup_token_if_needed(&t.app)
        .unwrap()
        .unwrap();
    let barrier = std::sync::Barrier::new(4);
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|i| {
                let (app, token, barrier) = (&t.app, &token, &barrier);
                s.spawn(move || {
                    barrier.wait();
                    tandem::app::auth::complete_setup(
                        app,
                        token,
                        &format!("root{i}@tandem.test"),
                        "Root",
                        PASSWORD,
                        None,
                    )
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let won = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(
        won,
        1,
        "{:?}",
        results
            .iter()
            .map(|r| r.as_ref().err().map(|e| e.to_string()))
            .collect::<Vec<_>>()
    );
    assert!(
        results
            .iter()
            .filter_map(|r| r.as_ref().err())
            .all(|e| matches!(e, tandem::app::AppError::Forbidden)),
        "the losers are told the link was used"
    );
    assert_eq!(user_count(&t), 1);
}

/// Signs in with `next` as given (the form field, decoded by the server).
async fn sign_in_with_next<S, B>(svc: &S, b: &mut Browser, next: &str) -> crate::console::Page
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
    B::Error: std::fmt::Debug,
{
    b.get(svc, "/login").await;
    let csrf = b.csrf.clone();
    b.post(
        svc,
        "/login",
        &[
            ("csrf_token", &csrf),
            ("email", "ana@tandem.test"),
            ("password", PASSWORD),
            ("next", next),
        ],
    )
    .await
}

#[actix_web::test]
async fn sign_in_never_redirects_off_site_nor_fails_on_a_weird_next() {
    let t = TestApp::new();
    add_user(&t, "ana@tandem.test", "agent");
    let svc = console!(t);
    for next in [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/\u{b}/evil.example",
        "/\u{0}/evil.example",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "/caf\u{e9}",
    ] {
        let mut b = Browser::default();
        let p = sign_in_with_next(&svc, &mut b, next).await;
        assert_eq!(
            (p.status, p.location.as_str()),
            (303, "/queue"),
            "next={next:?}"
        );
    }
    // The sign-in page's hidden field is sanitised the same way.
    let mut b = Browser::default();
    let form = b.get(&svc, "/login?next=/%09/evil.example").await;
    assert_eq!(form.status, 200);
    assert!(!form.body.contains("evil.example"), "{}", form.body);
    let p = sign_in_with_next(&svc, &mut b, "/tickets/1001?tab=notes").await;
    assert_eq!(p.location, "/tickets/1001?tab=notes", "a real path is kept");
}

#[actix_web::test]
async fn unknown_account_noise_from_an_address_does_not_lock_out_a_real_user() {
    let t = TestApp::new();
    add_user(&t, "admin@tandem.test", "admin");
    let svc = console!(t);
    // The office's address (the browsers' address in these tests) sends noise: far more
    // failed sign-ins to accounts that do not exist than any per-address bound.
    let office = Some("10.1.2.3");
    let (mut refused, mut slowed) = (0, 0);
    for i in 0..110 {
        match tandem::app::auth::login(
            &t.app,
            &format!("nobody{i}@tandem.test"),
            "wrong password!",
            office,
        ) {
            Err(tandem::app::auth::LoginError::BadCredentials) => refused += 1,
            Err(tandem::app::auth::LoginError::Throttled(_)) => slowed += 1,
            other => panic!("{:?}", other.map(|_| ())),
        }
    }
    assert!(
        refused >= 100 && slowed > 0,
        "noise is first refused, then slowed: {refused} {slowed}"
    );
    let mut admin = Browser::default();
    let p = admin.login(&svc, "admin@tandem.test", PASSWORD).await;
    assert_eq!(
        (p.status, p.location.as_str()),
        (303, "/queue"),
        "the admin signs in from the noisy address: {}",
        p.body
    );
}

#[actix_web::test]
async fn guessing_one_account_from_elsewhere_does_not_lock_its_owner_out() {
    let t = TestApp::new();
    add_user(&t, "ana@tandem.test", "agent");
    let svc = console!(t);
    for _ in 0..6 {
        let _ = tandem::app::auth::login(&t.app, "ana@tandem.test", "guess!", Some("203.0.113.9"));
    }
    // The guesser is slowed down...
    assert!(matches!(
        tandem::app::auth::login(&t.app, "ana@tandem.test", PASSWORD, Some("203.0.113.9")),
        Err(tandem::app::auth::LoginError::Throttled(_))
    ));
    // ...while Ana, from her own address, signs in.
    let mut ana = Browser::default();
    let p = ana.login(&svc, "ana@tandem.test", PASSWORD).await;
    assert_eq!(
        (p.status, p.location.as_str()),
        (303, "/queue"),
        "{}",
        p.body
    );
}

/// Makes every write to the settings table fail, as a full or read-only disk would (the
/// tests run as root, for whom a read-only file is still writable).
fn refuse_writes(t: &TestApp) {
    use diesel::connection::SimpleConnection;
    let mut conn = t.app.conn().unwrap();
    let sql = if t.db.is_postgres() {
        "CREATE FUNCTION refuse_writes() RETURNS trigger AS $$ \
           BEGIN RAISE EXCEPTION 'the disk refuses writes'; END $$ LANGUAGE plpgsql; \
         CREATE TRIGGER refuse_writes BEFORE INSERT OR UPDATE OR DELETE ON settings \
           FOR EACH ROW EXECUTE FUNCTION refuse_writes();"
    } else {
        "CREATE TRIGGER refuse_inserts BEFORE INSERT ON settings \
           BEGIN SELECT RAISE(ABORT, 'the disk refuses writes'); END; \
         CREATE TRIGGER refuse_updates BEFORE UPDATE ON settings \
           BEGIN SELECT RAISE(ABORT, 'the disk refuses writes'); END;"
    };
    conn.batch_execute(sql).unwrap();
}

#[actix_web::test]
async fn healthz_fails_when_writes_fail() {
    let t = TestApp::new();
    let svc = console!(t);
    let health = || test::TestRequest::get().uri("/healthz").to_request();
    assert_eq!(test::call_service(&svc, health()).await.status(), 200);
    assert_eq!(
        test::call_service(&svc, health()).await.status(),
        200,
        "the check leaves nothing behind that makes it fail next time"
    );
    refuse_writes(&t);
    let resp = test::call_service(&svc, health()).await;
    assert_eq!(resp.status(), 503);
    assert!(resp.headers().contains_key("retry-after"));
    let body = String::from_utf8(test::read_body(resp).await.to_vec()).unwrap();
    assert!(body.contains("writes fail"), "{body}");
}

#[actix_web::test]
async fn users_created_and_changed_in_the_console_are_audited_as_the_admin() {
    let t = TestApp::new();
    add_user(&t, "root@tandem.test", "admin");
    let svc = console!(t);
    let mut root = Browser::default();
    root.login(&svc, "root@tandem.test", PASSWORD).await;
    root.get(&svc, "/admin/users").await;
    let p = root
        .submit(
            &svc,
            "/admin/users",
            &[
                ("email", "new@tandem.test"),
                ("name", "New Agent"),
                ("role", "agent"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let mut conn = t.app.conn().unwrap();
    let new_id = tandem::store::users::find_by_email(&mut conn, "new@tandem.test")
        .unwrap()
        .unwrap()
        .id;
    root.get(&svc, "/admin/users").await;
    let p = root
        .submit(
            &svc,
            &format!("/admin/users/{new_id}"),
            &[
                ("role", "supervisor"),
                ("active", "on"),
                ("languages", "en"),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let (rows, _) = tandem::app::audit::page(&t.app, 1).unwrap();
    for kind in ["user_created", "user_changed"] {
        let row = rows
            .iter()
            .find(|r| r.kind == kind && r.data.contains(&new_id))
            .unwrap_or_else(|| panic!("{kind} is in the audit log"));
        assert_eq!(row.who, "root", "{kind} names the admin who did it");
        assert_eq!(row.ip, "10.1.2.3");
    }
}

/// The inbound endpoint with its own gate, as `serve` wires it.
macro_rules! inbound {
    ($t:expr, $gate:expr) => {{
        let app = tandem::app::App::open($t.app.config.clone()).unwrap();
        test::init_service(
            App::new()
                .app_data(web::Data::new(app))
                .app_data(web::Data::new($gate))
                .configure(tandem::web::routes),
        )
        .await
    }};
}

/// A POST to the inbound endpoint whose body arrives only as the test feeds it: gives
/// `(sender, request)`.
macro_rules! stalled_post {
    ($secret:expr, $length:expr) => {{
        let (sender, payload) = actix_http::h1::Payload::create(false);
        let req = test::TestRequest::post()
            .uri("/inbound/email")
            .insert_header(("X-Tandem-Secret", $secret))
            .insert_header(("Content-Length", ($length as usize).to_string()))
            .to_request();
        let (req, _) = req.replace_payload(actix_http::Payload::from(payload));
        (sender, req)
    }};
}

#[actix_web::test]
async fn a_wrong_inbound_secret_is_refused_before_the_body_is_read() {
    let t = TestApp::with(&[("TANDEM_INBOUND_SECRET", "s3cret")]);
    let gate = tandem::web::inbound::InboundGate::new(4, std::time::Duration::from_secs(30));
    let svc = inbound!(t, gate);
    // The body never comes: only a handler that does not wait for it can answer.
    let (_sender, req) = stalled_post!("wrong", 25 * 1024 * 1024);
    let resp = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        test::call_service(&svc, req),
    )
    .await
    .expect("answered without waiting for the body");
    assert_eq!(resp.status(), 401);
    let (_sender, req) = stalled_post!("", 10);
    let resp = test::call_service(&svc, req).await;
    assert_eq!(resp.status(), 401);
}

#[actix_web::test]
async fn a_body_that_trickles_in_too_slowly_is_cut_off_with_retry_after() {
    let t = TestApp::with(&[("TANDEM_INBOUND_SECRET", "s3cret")]);
    let gate = tandem::web::inbound::InboundGate::new(4, std::time::Duration::from_millis(300));
    let svc = inbound!(t, gate);
    let (mut sender, req) = stalled_post!("s3cret", 1000);
    sender.feed_data(web::Bytes::from_static(b"From: slow@example.com\r\n"));
    let resp = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        test::call_service(&svc, req),
    )
    .await
    .expect("the read deadline ends the request");
    assert_eq!(resp.status(), 503);
    assert!(resp.headers().contains_key("retry-after"));
    drop(sender);
}

#[actix_web::test]
async fn inbound_bodies_in_flight_are_bounded() {
    let t = TestApp::with(&[("TANDEM_INBOUND_SECRET", "s3cret")]);
    let gate = tandem::web::inbound::InboundGate::new(1, std::time::Duration::from_secs(30));
    let svc = inbound!(t, gate);
    let (mut first_sender, first) = stalled_post!("s3cret", 100);
    let second = async {
        // The first request holds the only place while its body trickles in.
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        let (_s, req) = stalled_post!("s3cret", 100);
        let resp = test::call_service(&svc, req).await;
        let status = resp.status();
        let retry = resp.headers().contains_key("retry-after");
        first_sender.feed_data(web::Bytes::from_static(b"not a mail"));
        first_sender.feed_eof();
        (status, retry)
    };
    let (first, (status, retry)) = tokio::join!(test::call_service(&svc, first), second);
    assert_eq!(
        (status.as_u16(), retry),
        (503, true),
        "the second waits outside"
    );
    assert_eq!(
        first.status(),
        400,
        "the first is read and refused as malformed"
    );
    // With the place free again, a message is accepted.
    let raw = crate::harness::email(
        "kim@example.com",
        "Hello",
        "h1@example.com",
        "Where is my parcel?",
    );
    let resp = test::call_service(
        &svc,
        test::TestRequest::post()
            .uri("/inbound/email")
            .insert_header(("X-Tandem-Secret", "s3cret"))
            .set_payload(raw)
            .to_request(),
    )
    .await;
    assert_eq!(resp.status(), 202);
}
