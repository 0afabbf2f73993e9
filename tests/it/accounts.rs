//! Issue 15, accounts and first run: one-time reset links (CLI, "Forgot password?",
//! admins), invitations, changing one's own password, `tandem user passwd`, the sign-in
//! back-off per account and address, two-factor sign-in, and what a first run shows.

use actix_web::{App, test, web};

use crate::console::{Browser, PASSWORD, add_user, console};
use crate::harness::TestApp;

const NEW_PASSWORD: &str = "a brand new passphrase";

/// The token at the end of a `/reset/{token}` link in `text`.
fn reset_token(text: &str) -> String {
    let at = text.find("/reset/").expect("a reset link") + "/reset/".len();
    text[at..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect()
}

fn events_of(t: &TestApp, kind: &str) -> i64 {
    let mut conn = t.app.conn().unwrap();
    tandem::store::events::count_kind(&mut conn, kind).unwrap()
}

/// Sign-in through the app (no HTTP): whether the password is accepted.
fn can_sign_in(t: &TestApp, email: &str, password: &str) -> bool {
    tandem::app::auth::login(&t.app, email, password, Some("192.0.2.200")).is_ok()
}

#[actix_web::test]
async fn accounts_cli_reset_link_works_once_and_the_old_password_stops_working() {
    let t = TestApp::with(&[("TANDEM_PUBLIC_URL", "https://help.example.com")]);
    add_user(&t, "ana@tandem.test", "agent");
    let (code, out, err) = t.run_cli(&["user", "reset", "ana@tandem.test"], b"");
    assert_eq!(code, 0, "{err}");
    let link = out.trim();
    assert!(
        link.starts_with("https://help.example.com/reset/"),
        "{link}"
    );
    let token = reset_token(link);
    assert_eq!(token.len(), 64);
    {
        // Only a hash of the token is stored.
        let mut conn = t.app.conn().unwrap();
        let hash = tandem::app::auth::hash_token(&token);
        assert!(
            tandem::store::user_tokens::find_live(
                &mut conn,
                &hash,
                &["reset"],
                tandem::store::now()
            )
            .unwrap()
            .is_some()
        );
        assert!(
            tandem::store::user_tokens::find_live(
                &mut conn,
                &token,
                &["reset"],
                tandem::store::now()
            )
            .unwrap()
            .is_none()
        );
    }
    let svc = console!(t);
    let mut signed_in = Browser::default();
    assert_eq!(
        signed_in
            .login(&svc, "ana@tandem.test", PASSWORD)
            .await
            .status,
        303
    );
    let path = format!("/reset/{token}");
    let mut b = Browser::at("10.9.9.9:1000");
    let page = b.get(&svc, &path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("ana@tandem.test"));
    let done = b.submit(&svc, &path, &[("password", NEW_PASSWORD)]).await;
    assert_eq!(
        (done.status, done.location.as_str()),
        (303, "/login?notice=password_set")
    );
    assert!(
        !can_sign_in(&t, "ana@tandem.test", PASSWORD),
        "the old password stops working"
    );
    assert!(can_sign_in(&t, "ana@tandem.test", NEW_PASSWORD));
    assert_ne!(
        signed_in.get(&svc, "/queue").await.status,
        200,
        "sessions opened with the old password end"
    );
    // The link works once.
    assert_eq!(b.get(&svc, &path).await.status, 404);
    let again = b
        .submit(&svc, &path, &[("password", "yet another password")])
        .await;
    assert_eq!(again.status, 404);
    assert!(can_sign_in(&t, "ana@tandem.test", NEW_PASSWORD));
    assert_eq!(events_of(&t, "password_reset"), 1);
}

#[actix_web::test]
async fn accounts_reset_link_expires_after_a_day() {
    let t = TestApp::new();
    add_user(&t, "ana@tandem.test", "agent");
    let link = tandem::app::accounts::reset_link_for_operator(&t.app, "ana@tandem.test").unwrap();
    let token = reset_token(&link);
    let hash = tandem::app::auth::hash_token(&token);
    {
        let mut conn = t.app.conn().unwrap();
        let row = tandem::store::user_tokens::find_live(
            &mut conn,
            &hash,
            &["reset"],
            tandem::store::now(),
        )
        .unwrap()
        .unwrap();
        let lifetime = row.expires_at - row.created_at;
        assert_eq!(lifetime, chrono::Duration::hours(24));
        // A day has passed.
        tandem::store::user_tokens::set_expires_at(
            &mut conn,
            &hash,
            tandem::store::now() - chrono::Duration::seconds(1),
        )
        .unwrap();
    }
    let svc = console!(t);
    let path = format!("/reset/{token}");
    let mut b = Browser::default();
    let page = b.get(&svc, &path).await;
    assert_eq!(page.status, 404);
    assert!(page.body.contains("expired"), "{}", page.body);
    // A form kept open from before is refused too.
    b.get(&svc, "/login").await;
    let late = b.submit(&svc, &path, &[("password", NEW_PASSWORD)]).await;
    assert_eq!(late.status, 404);
    assert!(can_sign_in(&t, "ana@tandem.test", PASSWORD));
    assert!(!can_sign_in(&t, "ana@tandem.test", NEW_PASSWORD));
}

#[actix_web::test]
async fn accounts_reset_form_needs_its_csrf_token_and_a_long_password() {
    let t = TestApp::new();
    add_user(&t, "ana@tandem.test", "agent");
    let link = tandem::app::accounts::reset_link_for_operator(&t.app, "ana@tandem.test").unwrap();
    let path = format!("/reset/{}", reset_token(&link));
    let svc = console!(t);
    let mut b = Browser::default();
    b.get(&svc, &path).await;
    let forged = b
        .post(
            &svc,
            &path,
            &[
                ("csrf_token", "0".repeat(64).as_str()),
                ("password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(forged.status, 403);
    let short = b.submit(&svc, &path, &[("password", "short")]).await;
    assert_eq!(short.status, 400);
    assert!(short.body.contains("at least 10"), "{}", short.body);
    let differ = b
        .submit(
            &svc,
            &path,
            &[
                ("password", NEW_PASSWORD),
                ("password_again", "something else!"),
            ],
        )
        .await;
    assert_eq!(differ.status, 400);
    // Refusals leave the link usable.
    let ok = b.submit(&svc, &path, &[("password", NEW_PASSWORD)]).await;
    assert_eq!(ok.status, 303, "{}", ok.body);
}

#[actix_web::test]
async fn accounts_concurrent_posts_of_one_reset_link_set_one_password() {
    let t = TestApp::new();
    add_user(&t, "ana@tandem.test", "agent");
    let link = tandem::app::accounts::reset_link_for_operator(&t.app, "ana@tandem.test").unwrap();
    let path = format!("/reset/{}", reset_token(&link));
    let svc = console!(t);
    let mut browsers: Vec<Browser> = (0..4).map(|_| Browser::default()).collect();
    for b in &mut browsers {
        assert_eq!(b.get(&svc, &path).await.status, 200);
    }
    let passwords = [
        "first racing password",
        "second racing password",
        "third racing password",
        "fourth racing password",
    ];
    let [a, b, c, d] = &mut browsers[..] else {
        unreachable!()
    };
    let (ra, rb, rc, rd) = (
        [("password", passwords[0])],
        [("password", passwords[1])],
        [("password", passwords[2])],
        [("password", passwords[3])],
    );
    let pages = tokio::join!(
        a.submit(&svc, &path, &ra),
        b.submit(&svc, &path, &rb),
        c.submit(&svc, &path, &rc),
        d.submit(&svc, &path, &rd),
    );
    let mut statuses = [
        pages.0.status,
        pages.1.status,
        pages.2.status,
        pages.3.status,
    ];
    statuses.sort();
    assert_eq!(statuses, [303, 404, 404, 404], "one request wins the link");
    let working: Vec<_> = passwords
        .iter()
        .filter(|p| can_sign_in(&t, "ana@tandem.test", p))
        .collect();
    assert_eq!(working.len(), 1, "exactly one password was set");
    assert_eq!(events_of(&t, "password_reset"), 1);
}

#[core::prelude::v1::test]
fn accounts_concurrent_consumption_from_threads_sets_one_password() {
    let t = TestApp::new();
    add_user(&t, "ana@tandem.test", "agent");
    let link = tandem::app::accounts::reset_link_for_operator(&t.app, "ana@tandem.test").unwrap();
    let token = reset_token(&link);
    let barrier = std::sync::Barrier::new(4);
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|i| {
                let (app, token, barrier) = (&t.app, &token, &barrier);
                s.spawn(move || {
                    barrier.wait();
                    tandem::app::accounts::complete_link(
                        app,
                        token,
                        &format!("racing password number {i}"),
                        None,
                    )
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
    assert!(
        results
            .iter()
            .filter_map(|r| r.as_ref().err())
            .all(|e| matches!(e, tandem::app::AppError::Forbidden)),
        "the losers are told the link was used"
    );
}

#[actix_web::test]
async fn accounts_forgot_password_answers_the_same_and_mails_only_known_addresses() {
    let t = TestApp::new();
    add_user(&t, "ana@tandem.test", "agent");
    let svc = console!(t);
    let mut b = Browser::at("198.51.100.7:5000");
    let login = b.get(&svc, "/login").await;
    assert!(
        login.body.contains("href=\"/forgot\""),
        "the sign-in page links to it"
    );
    let form = b.get(&svc, "/forgot").await;
    assert_eq!(form.status, 200);
    let started = std::time::Instant::now();
    let known = b
        .submit(&svc, "/forgot", &[("email", "Ana@Tandem.test")])
        .await;
    let known_took = started.elapsed();
    let started = std::time::Instant::now();
    let unknown = b
        .submit(&svc, "/forgot", &[("email", "nobody@tandem.test")])
        .await;
    let unknown_took = started.elapsed();
    // Both answers wait for the same floor, so timing does not tell them apart either.
    for took in [known_took, unknown_took] {
        assert!(took >= std::time::Duration::from_millis(250), "{took:?}");
    }
    assert_eq!(known.status, 200);
    assert_eq!(
        (known.status, &known.body),
        (unknown.status, &unknown.body),
        "no account enumeration"
    );
    assert!(known.body.contains("If an account uses this address"));
    let mut forged = Browser::default();
    let p = forged
        .post(
            &svc,
            "/forgot",
            &[("csrf_token", "x"), ("email", "ana@tandem.test")],
        )
        .await;
    assert_eq!(p.status, 403, "the form carries a CSRF token");

    assert_eq!(t.deliver().sent, 1, "one mail: to the known address only");
    let sent = t.sent_mail();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, "ana@tandem.test");
    let token = reset_token(&sent[0].body);
    {
        // Delivered: the link no longer sits in the outbox.
        let mut conn = t.app.conn().unwrap();
        use diesel::prelude::*;
        use tandem::store::schema::outbox;
        let payloads: Vec<Vec<u8>> = outbox::table
            .filter(outbox::kind.eq("password_reset"))
            .select(outbox::payload)
            .load(&mut conn)
            .unwrap();
        assert_eq!(payloads.len(), 1);
        assert!(payloads[0].is_empty());
    }
    let path = format!("/reset/{token}");
    b.get(&svc, &path).await;
    let done = b.submit(&svc, &path, &[("password", NEW_PASSWORD)]).await;
    assert_eq!(done.status, 303);
    assert!(can_sign_in(&t, "ana@tandem.test", NEW_PASSWORD));
    assert!(!can_sign_in(&t, "ana@tandem.test", PASSWORD));

    // A stranger cannot flood the inbox: at most three mails an hour, same answer.
    for _ in 0..5 {
        let p = b
            .submit(&svc, "/forgot", &[("email", "ana@tandem.test")])
            .await;
        assert_eq!(p.body, unknown.body);
    }
    assert_eq!(t.deliver().sent, 2, "the hourly cap (one was sent already)");
}

#[actix_web::test]
async fn accounts_changing_the_password_requires_the_current_one() {
    let t = TestApp::new();
    add_user(&t, "ana@tandem.test", "agent");
    let svc = console!(t);
    let mut other = Browser::at("10.7.7.7:1");
    other.login(&svc, "ana@tandem.test", PASSWORD).await;
    let mut b = Browser::default();
    b.login(&svc, "ana@tandem.test", PASSWORD).await;
    let account = b.get(&svc, "/account").await;
    assert_eq!(account.status, 200);
    assert!(account.body.contains("Change password"));
    let wrong = b
        .submit(
            &svc,
            "/account/password",
            &[
                ("current_password", "not my password"),
                ("password", NEW_PASSWORD),
                ("password_again", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(wrong.status, 400);
    assert!(wrong.body.contains("current password"), "{}", wrong.body);
    assert!(can_sign_in(&t, "ana@tandem.test", PASSWORD));
    let missing = b
        .submit(&svc, "/account/password", &[("password", NEW_PASSWORD)])
        .await;
    assert_eq!(
        missing.status, 400,
        "the current password is a required field"
    );
    let forged = b
        .post(
            &svc,
            "/account/password",
            &[
                ("csrf_token", "nope"),
                ("current_password", PASSWORD),
                ("password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(forged.status, 403);
    let ok = b
        .submit(
            &svc,
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("password", NEW_PASSWORD),
                ("password_again", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        (ok.status, ok.location.as_str()),
        (303, "/account?notice=password_changed")
    );
    assert_eq!(
        b.get(&svc, "/queue").await.status,
        200,
        "this session stays"
    );
    assert_ne!(
        other.get(&svc, "/queue").await.status,
        200,
        "other sessions end"
    );
    assert!(!can_sign_in(&t, "ana@tandem.test", PASSWORD));
    assert!(can_sign_in(&t, "ana@tandem.test", NEW_PASSWORD));
    let (rows, _) = tandem::app::audit::page(&t.app, 1).unwrap();
    let row = rows
        .iter()
        .find(|r| r.kind == "password_changed")
        .expect("audited");
    assert_eq!(row.who, "ana");
}

#[actix_web::test]
async fn accounts_admin_invites_and_the_invitee_chooses_a_password_from_the_mail() {
    let t = TestApp::new();
    add_user(&t, "root@tandem.test", "admin");
    add_user(&t, "agent@tandem.test", "agent");
    let svc = console!(t);
    let mut agent = Browser::default();
    agent.login(&svc, "agent@tandem.test", PASSWORD).await;
    let p = agent
        .submit(
            &svc,
            "/admin/users",
            &[("email", "x@tandem.test"), ("name", "X"), ("role", "admin")],
        )
        .await;
    assert_eq!(p.status, 403, "only admins invite");
    let mut root = Browser::default();
    root.login(&svc, "root@tandem.test", PASSWORD).await;
    let users = root.get(&svc, "/admin/users").await;
    assert!(
        !users.body.contains("First password"),
        "no password to type"
    );
    let p = root
        .submit(
            &svc,
            "/admin/users",
            &[
                ("email", "new@tandem.test"),
                ("name", "New Agent"),
                ("role", "agent"),
            ],
        )
        .await;
    assert_eq!(
        (p.status, p.location.as_str()),
        (303, "/admin/users?notice=user_invited"),
        "{}",
        p.body
    );
    let users = root.get(&svc, "/admin/users").await;
    assert!(users.body.contains("invited, no password yet"));
    assert!(!can_sign_in(&t, "new@tandem.test", ""), "no password yet");
    assert_eq!(t.deliver().sent, 1);
    let mail = &t.sent_mail()[0];
    assert_eq!(mail.to, "new@tandem.test");
    assert_eq!(mail.auto_submitted.as_deref(), Some("auto-replied"));
    let path = format!("/reset/{}", reset_token(&mail.body));
    let mut new = Browser::at("10.4.4.4:1");
    let page = new.get(&svc, &path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Welcome, New Agent"), "{}", page.body);
    let done = new.submit(&svc, &path, &[("password", NEW_PASSWORD)]).await;
    assert_eq!(done.status, 303);
    assert_eq!(
        new.login(&svc, "new@tandem.test", NEW_PASSWORD)
            .await
            .status,
        303
    );
    assert_eq!(new.get(&svc, "/queue").await.status, 200);
    assert_eq!(
        new.get(&svc, &path).await.status,
        404,
        "the invitation works once"
    );
    let (rows, _) = tandem::app::audit::page(&t.app, 1).unwrap();
    for kind in ["user_created", "invitation_sent"] {
        let row = rows.iter().find(|r| r.kind == kind).expect(kind);
        assert_eq!(row.who, "root", "{kind} names the admin");
    }
    assert!(rows.iter().any(|r| r.kind == "invitation_accepted"));
}

#[actix_web::test]
async fn accounts_admin_mails_a_reset_link_from_the_users_page() {
    let t = TestApp::new();
    add_user(&t, "root@tandem.test", "admin");
    let ana = add_user(&t, "ana@tandem.test", "agent");
    let svc = console!(t);
    let path = format!("/admin/users/{ana}/reset");
    let mut agent = Browser::default();
    agent.login(&svc, "ana@tandem.test", PASSWORD).await;
    agent.get(&svc, "/queue").await;
    assert_eq!(agent.submit(&svc, &path, &[]).await.status, 403);
    let mut root = Browser::default();
    root.login(&svc, "root@tandem.test", PASSWORD).await;
    let users = root.get(&svc, "/admin/users").await;
    assert!(users.body.contains(&path), "a button per user");
    let forged = root.post(&svc, &path, &[("csrf_token", "x")]).await;
    assert_eq!(forged.status, 403);
    let p = root.submit(&svc, &path, &[]).await;
    assert_eq!(
        (p.status, p.location.as_str()),
        (303, "/admin/users?notice=reset_sent")
    );
    assert_eq!(t.deliver().sent, 1);
    let mail = &t.sent_mail()[0];
    assert_eq!(mail.to, "ana@tandem.test");
    assert!(mail.subject.contains("Reset your password"));
    let reset = format!("/reset/{}", reset_token(&mail.body));
    let mut b = Browser::default();
    b.get(&svc, &reset).await;
    assert_eq!(
        b.submit(&svc, &reset, &[("password", NEW_PASSWORD)])
            .await
            .status,
        303
    );
    assert!(can_sign_in(&t, "ana@tandem.test", NEW_PASSWORD));
    let (rows, _) = tandem::app::audit::page(&t.app, 1).unwrap();
    let row = rows
        .iter()
        .find(|r| r.kind == "password_reset_issued")
        .expect("audited");
    assert_eq!(row.who, "root");
}

#[core::prelude::v1::test]
fn accounts_cli_user_passwd_reads_the_password_from_stdin() {
    let t = TestApp::new();
    add_user(&t, "ana@tandem.test", "agent");
    let (code, out, err) = t.run_cli(
        &["user", "passwd", "ana@tandem.test"],
        format!("{NEW_PASSWORD}\n").as_bytes(),
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("password set"), "{out}");
    assert!(
        err.contains("database:"),
        "names the database it opened: {err}"
    );
    assert!(!can_sign_in(&t, "ana@tandem.test", PASSWORD));
    assert!(can_sign_in(&t, "ana@tandem.test", NEW_PASSWORD));
    let (code, _, err) = t.run_cli(&["user", "passwd", "ana@tandem.test"], b"short\n");
    assert_eq!(code, 65, "{err}");
    assert!(err.contains("at least 10"), "{err}");
    let (code, _, err) = t.run_cli(
        &["user", "passwd", "nobody@tandem.test"],
        format!("{NEW_PASSWORD}\n").as_bytes(),
    );
    assert_eq!(code, 65, "{err}");
    let (code, _, _) = t.run_cli(&["user", "reset", "nobody@tandem.test"], b"");
    assert_eq!(code, 65);
    assert!(can_sign_in(&t, "ana@tandem.test", NEW_PASSWORD));
    let mut conn = t.app.conn().unwrap();
    assert_eq!(
        tandem::store::events::count_kind(&mut conn, "password_set").unwrap(),
        1
    );
}

#[actix_web::test]
async fn accounts_back_off_per_address_does_not_lock_the_owner_out_elsewhere() {
    let t = TestApp::new();
    add_user(&t, "ana@tandem.test", "agent");
    let svc = console!(t);
    // Ana signs in from her desk once: that address is hers.
    let mut desk = Browser::at("10.0.0.10:1");
    assert_eq!(
        desk.login(&svc, "ana@tandem.test", PASSWORD).await.status,
        303
    );
    // A stranger guesses from one address: after five failures it has to wait, even
    // with the right password.
    let mut stranger = Browser::at("203.0.113.66:1");
    for _ in 0..5 {
        let p = stranger.login(&svc, "ana@tandem.test", "guess guess").await;
        assert_eq!(p.status, 401);
    }
    assert_eq!(
        stranger
            .login(&svc, "ana@tandem.test", PASSWORD)
            .await
            .status,
        429
    );
    // Ana, from a new address (her phone), is not kept out by the stranger's guessing.
    let mut phone = Browser::at("198.51.100.20:1");
    assert_eq!(
        phone.login(&svc, "ana@tandem.test", PASSWORD).await.status,
        303
    );
    // Guessing spread over many addresses slows the account down, but not at an
    // address Ana signed in from.
    for i in 0..12 {
        let mut b = Browser::at(&format!("203.0.114.{i}:1"));
        b.login(&svc, "ana@tandem.test", "guess guess").await;
    }
    let mut fresh = Browser::at("192.0.2.77:1");
    assert_eq!(
        fresh.login(&svc, "ana@tandem.test", PASSWORD).await.status,
        429,
        "a new address waits while the account is being guessed"
    );
    let mut desk = Browser::at("10.0.0.10:1");
    assert_eq!(
        desk.login(&svc, "ana@tandem.test", PASSWORD).await.status,
        303,
        "her own address is not slowed by strangers"
    );
    // Noise against addresses that are no account never keeps her out either.
    let mut noisy = Browser::at("10.0.0.10:1");
    for i in 0..30 {
        noisy
            .login(&svc, &format!("nobody{i}@tandem.test"), "guess guess")
            .await;
    }
    assert_eq!(
        desk.login(&svc, "ana@tandem.test", PASSWORD).await.status,
        303
    );
}

fn totp_code(secret: &str, email: &str, unix: u64) -> String {
    totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        totp_rs::Secret::Encoded(secret.to_string())
            .to_bytes()
            .unwrap(),
        Some("Tandem".into()),
        email.to_string(),
    )
    .unwrap()
    .generate(unix)
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn hidden_value(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = body.find(&marker).expect(name) + marker.len();
    body[at..body[at..].find('"').unwrap() + at].to_string()
}

#[actix_web::test]
async fn accounts_two_factor_is_required_once_enabled() {
    let t = TestApp::with(&[(
        "TANDEM_SECRET_KEY",
        "0123456789abcdef0123456789abcdef-test-key",
    )]);
    add_user(&t, "ana@tandem.test", "agent");
    let svc = console!(t);
    let mut b = Browser::default();
    b.login(&svc, "ana@tandem.test", PASSWORD).await;
    let setup = b.get(&svc, "/account/two-factor").await;
    assert_eq!(setup.status, 200);
    let secret = hidden_value(&setup.body, "secret");
    assert!(setup.body.contains("otpauth://totp/"));
    assert!(
        setup.body.contains("<svg role=\"img\""),
        "a QR code to scan"
    );
    let now = unix_now();
    let wrong = b
        .submit(
            &svc,
            "/account/two-factor",
            &[
                ("secret", &secret),
                ("code", "000000"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(wrong.status, 400, "a wrong code does not turn it on");
    let code = totp_code(&secret, "ana@tandem.test", now);
    let bad_password = b
        .submit(
            &svc,
            "/account/two-factor",
            &[
                ("secret", &secret),
                ("code", &code),
                ("password", "wrong one!"),
            ],
        )
        .await;
    assert_eq!(bad_password.status, 400);
    let on = b
        .submit(
            &svc,
            "/account/two-factor",
            &[("secret", &secret), ("code", &code), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(
        (on.status, on.location.as_str()),
        (303, "/account?notice=two_factor_on"),
        "{}",
        on.body
    );
    {
        // Sealed at rest, and never shown again.
        let mut conn = t.app.conn().unwrap();
        let id = tandem::store::users::find_by_email(&mut conn, "ana@tandem.test")
            .unwrap()
            .unwrap()
            .id;
        let stored = tandem::store::users::totp_secret(&mut conn, &id)
            .unwrap()
            .unwrap();
        assert!(!stored.contains(&secret));
        assert!(stored.starts_with("v1:"));
    }
    let account = b.get(&svc, "/account").await;
    assert!(!account.body.contains(&secret));
    assert!(account.body.contains("Turn off"));

    // The password alone no longer signs in.
    let mut c = Browser::at("10.5.5.5:1");
    let p = c.login(&svc, "ana@tandem.test", PASSWORD).await;
    assert_eq!(p.status, 303);
    assert!(p.location.starts_with("/login/code"), "{}", p.location);
    assert_ne!(c.get(&svc, "/queue").await.status, 200, "not signed in yet");
    assert!(matches!(
        tandem::app::auth::login(&t.app, "ana@tandem.test", PASSWORD, None),
        Err(tandem::app::auth::LoginError::CodeRequired)
    ));
    let form = c.get(&svc, "/login/code?next=/queue").await;
    assert_eq!(form.status, 200);
    let bad = c
        .submit(
            &svc,
            "/login/code",
            &[("code", "123456"), ("next", "/queue")],
        )
        .await;
    assert_eq!(bad.status, 401);
    // The step after the one used to turn it on (a code is accepted once).
    let next_code = totp_code(&secret, "ana@tandem.test", now + 30);
    let ok = c
        .submit(
            &svc,
            "/login/code",
            &[("code", &next_code), ("next", "/queue")],
        )
        .await;
    assert_eq!(
        (ok.status, ok.location.as_str()),
        (303, "/queue"),
        "{}",
        ok.body
    );
    assert_eq!(c.get(&svc, "/queue").await.status, 200);

    // The same code cannot sign in a second time.
    let mut d = Browser::at("10.6.6.6:1");
    d.login(&svc, "ana@tandem.test", PASSWORD).await;
    d.get(&svc, "/login/code").await;
    let replay = d
        .submit(
            &svc,
            "/login/code",
            &[("code", &next_code), ("next", "/queue")],
        )
        .await;
    assert_eq!(replay.status, 401);
    // Without a pending sign-in the code page leads back to the password.
    let mut e = Browser::default();
    e.get(&svc, "/login").await;
    let p = e.submit(&svc, "/login/code", &[("code", &next_code)]).await;
    assert_eq!((p.status, p.location.as_str()), (303, "/login"));

    // An admin can turn it off for a lost phone (audited as the admin); Ana sets it up again.
    add_user(&t, "root@tandem.test", "admin");
    let mut root = Browser::at("10.8.8.8:1");
    root.login(&svc, "root@tandem.test", PASSWORD).await;
    let users = root.get(&svc, "/admin/users").await;
    let ana_id = {
        let mut conn = t.app.conn().unwrap();
        tandem::store::users::find_by_email(&mut conn, "ana@tandem.test")
            .unwrap()
            .unwrap()
            .id
    };
    let off_path = format!("/admin/users/{ana_id}/two-factor-off");
    assert!(users.body.contains(&off_path));
    assert_eq!(
        b.submit(&svc, &off_path, &[]).await.status,
        403,
        "admins only"
    );
    let off = root.submit(&svc, &off_path, &[]).await;
    assert_eq!(off.status, 303);
    assert!(can_sign_in(&t, "ana@tandem.test", PASSWORD));
    let (rows, _) = tandem::app::audit::page(&t.app, 1).unwrap();
    let row = rows
        .iter()
        .find(|r| r.kind == "two_factor_disabled")
        .expect("audited");
    assert_eq!(row.who, "root");
    let setup = b.get(&svc, "/account/two-factor").await;
    let secret = hidden_value(&setup.body, "secret");
    let code = totp_code(&secret, "ana@tandem.test", unix_now());
    let on = b
        .submit(
            &svc,
            "/account/two-factor",
            &[("secret", &secret), ("code", &code), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(on.status, 303);
    assert!(!can_sign_in(&t, "ana@tandem.test", PASSWORD));

    // Turning it off asks for the password.
    let off = b
        .submit(
            &svc,
            "/account/two-factor/off",
            &[("password", "wrong one!")],
        )
        .await;
    assert_eq!(off.status, 400);
    let off = b
        .submit(&svc, "/account/two-factor/off", &[("password", PASSWORD)])
        .await;
    assert_eq!(off.status, 303);
    assert!(can_sign_in(&t, "ana@tandem.test", PASSWORD));
}

#[actix_web::test]
async fn accounts_first_run_sign_in_page_says_where_the_set_up_link_is() {
    let t = TestApp::new();
    let svc = console!(t);
    let mut b = Browser::default();
    let page = b.get(&svc, "/login").await;
    assert!(page.body.contains("No users yet"), "{}", page.body);
    assert!(page.body.contains("tandem serve"));
    add_user(&t, "ana@tandem.test", "agent");
    let page = b.get(&svc, "/login").await;
    assert!(!page.body.contains("No users yet"));
}

#[core::prelude::v1::test]
fn accounts_commands_other_than_serve_and_migrate_create_no_database() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("typo.db");
    let env = std::collections::HashMap::from([(
        "TANDEM_DATABASE_URL".to_string(),
        format!("sqlite://{}", file.display()),
    )]);
    for args in [
        &["ticket", "list"][..],
        &["user", "reset", "ana@tandem.test"],
        &["kb", "import", "x.jsonl"],
    ] {
        let (code, _, err) = crate::harness::run_binary(&env, args, b"");
        assert_eq!(code, 78, "{args:?}: {err}");
        assert!(
            err.contains(&file.display().to_string()),
            "names the path: {err}"
        );
        assert!(
            err.contains("tandem migrate"),
            "says how to create it: {err}"
        );
        assert!(!file.exists(), "{args:?} created the file");
    }
    let (code, _, err) = crate::harness::run_binary(&env, &["ingest-mail"], b"");
    assert_eq!(code, 75, "an MTA retries: {err}");
    let (code, _, err) = crate::harness::run_binary(&env, &["migrate"], b"");
    assert_eq!(code, 0, "{err}");
    assert!(file.exists());
    let (code, out, err) = crate::harness::run_binary(&env, &["ticket", "list", "--json"], b"");
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), "[]");
    assert!(err.contains("database: SQLite file"), "{err}");
}

#[core::prelude::v1::test]
fn accounts_serve_on_a_taken_port_fails_clearly_and_prints_no_link() {
    let t = TestApp::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let bind = taken.local_addr().unwrap().to_string();
    let mut env = t.env.clone();
    env.insert("TANDEM_BIND".into(), bind.clone());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tandem"))
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(&env)
        .current_dir(t.dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > std::time::Duration::from_secs(120) {
            let _ = child.kill();
            panic!("serve kept running on a taken port");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!status.success());
    assert!(err.contains(&format!("cannot listen on {bind}")), "{err}");
    assert!(
        !err.contains("/setup/"),
        "no set-up link before the port is bound: {err}"
    );
    assert!(!err.contains("running at"), "{err}");
    drop(taken);
}

#[actix_web::test]
async fn accounts_a_new_password_makes_every_other_link_worthless() {
    let t = TestApp::new();
    add_user(&t, "ana@tandem.test", "agent");
    let issue = || {
        let link =
            tandem::app::accounts::reset_link_for_operator(&t.app, "ana@tandem.test").unwrap();
        format!("/reset/{}", reset_token(&link))
    };
    let (first, second) = (issue(), issue());
    assert_ne!(first, second);
    let svc = console!(t);
    let mut b = Browser::default();
    assert_eq!(b.get(&svc, &second).await.status, 200);
    let done = b.submit(&svc, &first, &[("password", NEW_PASSWORD)]).await;
    assert_eq!(done.status, 303);
    assert_eq!(b.get(&svc, &second).await.status, 404);
    // Changing the password on the account page does the same.
    let third = issue();
    b.login(&svc, "ana@tandem.test", NEW_PASSWORD).await;
    b.get(&svc, "/account").await;
    let changed = b
        .submit(
            &svc,
            "/account/password",
            &[("current_password", NEW_PASSWORD), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(changed.status, 303);
    assert_eq!(b.get(&svc, &third).await.status, 404);
}

#[core::prelude::v1::test]
fn accounts_one_address_cannot_mail_the_whole_team() {
    let t = TestApp::new();
    for i in 0..12 {
        add_user(&t, &format!("agent{i}@tandem.test"), "agent");
    }
    for i in 0..12 {
        tandem::app::accounts::forgot(
            &t.app,
            &format!("agent{i}@tandem.test"),
            Some("203.0.113.5"),
        )
        .unwrap();
    }
    // Another address still gets its colleague's mail.
    tandem::app::accounts::forgot(&t.app, "agent11@tandem.test", Some("198.51.100.1")).unwrap();
    assert_eq!(
        t.deliver().sent,
        11,
        "ten from the one address, one from the other"
    );
    assert_eq!(events_of(&t, "password_reset_refused"), 2);
}

/// WCAG 2.1.4: a person turns the single-letter shortcuts off for themselves; every
/// console page then tells the script so, and colleagues keep theirs.
#[actix_web::test]
async fn accounts_single_letter_shortcuts_can_be_turned_off_per_person() {
    let t = TestApp::new();
    add_user(&t, "ana@tandem.test", "agent");
    add_user(&t, "ben@tandem.test", "agent");
    let svc = console!(t);
    let mut ana = Browser::default();
    ana.login(&svc, "ana@tandem.test", PASSWORD).await;
    let mut ben = Browser::at("10.8.8.8:1");
    ben.login(&svc, "ben@tandem.test", PASSWORD).await;
    const OFF: &str = "data-keys=\"off\"";
    assert!(
        !ana.get(&svc, "/queue").await.body.contains(OFF),
        "on by default"
    );
    let saved = ana.submit(&svc, "/account/keys", &[]).await;
    assert_eq!(saved.location, "/account?notice=keys");
    assert!(ana.get(&svc, "/queue").await.body.contains(OFF));
    assert!(ana.get(&svc, "/account").await.body.contains(OFF));
    assert!(
        !ben.get(&svc, "/queue").await.body.contains(OFF),
        "only Ana's"
    );
    ana.submit(&svc, "/account/keys", &[("single_keys", "1")])
        .await;
    assert!(!ana.get(&svc, "/queue").await.body.contains(OFF));
}

/// Signs in `tries` times at once from `ip`, attempt `i` with `guess(i)` (address and
/// password); the answers.
fn guesses_at_once(
    t: &TestApp,
    tries: usize,
    ip: &str,
    guess: impl Fn(usize) -> (String, String) + Sync,
) -> Vec<Result<(), tandem::app::auth::LoginError>> {
    guesses_at_once_through(&[&t.app], tries, ip, guess)
}

/// [`guesses_at_once`] through several servers (`apps`, taken in turn).
fn guesses_at_once_through(
    apps: &[&tandem::app::App],
    tries: usize,
    ip: &str,
    guess: impl Fn(usize) -> (String, String) + Sync,
) -> Vec<Result<(), tandem::app::auth::LoginError>> {
    let barrier = std::sync::Barrier::new(tries);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..tries)
            .map(|i| {
                let (barrier, guess) = (&barrier, &guess);
                let app = apps[i % apps.len()];
                s.spawn(move || {
                    let (email, password) = guess(i);
                    barrier.wait();
                    tandem::app::auth::login(app, &email, &password, Some(ip)).map(|_| ())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// Guesses sent all at once must meet the same back-off as guesses sent one after
/// another: each reads the failures of those before it.
#[core::prelude::v1::test]
fn accounts_guesses_sent_at_once_get_no_more_tries_than_one_after_another() {
    use tandem::app::auth::LoginError;
    let t = TestApp::new();
    add_user(&t, "ana@tandem.test", "agent");
    let tries = 24;
    let results = guesses_at_once(&t, tries, "203.0.113.9", |i| {
        ("ana@tandem.test".into(), format!("guess number {i}"))
    });
    let checked = results
        .iter()
        .filter(|r| matches!(r, Err(LoginError::BadCredentials)))
        .count();
    let refused = results
        .iter()
        .filter(|r| matches!(r, Err(LoginError::Throttled(_))))
        .count();
    let free = tandem::app::auth::PER_ACCOUNT_AND_ADDRESS.free;
    assert_eq!((checked, refused), (free, tries - free), "{results:?}");
    assert_eq!(
        events_of(&t, "login_failed") as usize,
        free,
        "only checked guesses count"
    );

    // Ana, elsewhere, signs in; and right passwords are no failures: signing in again and
    // again never slows her down.
    for _ in 0..free + 2 {
        assert!(
            tandem::app::auth::login(&t.app, "ana@tandem.test", PASSWORD, Some("198.51.100.7"))
                .is_ok()
        );
    }
    assert_eq!(events_of(&t, "login_failed") as usize, free);
}

/// A password asked again while signed in (changing it, turning the second factor off)
/// cannot be guessed faster than at the sign-in page.
#[core::prelude::v1::test]
fn accounts_password_rechecks_back_off_like_sign_ins() {
    let t = TestApp::new();
    let id = add_user(&t, "ana@tandem.test", "agent");
    let by = tandem::app::actions::ActingUser {
        id,
        ip: Some("203.0.113.10".into()),
    };
    let free = tandem::app::auth::PER_ACCOUNT_AND_ADDRESS.free;
    for i in 0..free {
        let e = tandem::app::accounts::change_password(
            &t.app,
            &by,
            &format!("guess {i} guess"),
            NEW_PASSWORD,
            None,
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("current password is not right"),
            "{e}"
        );
    }
    let e = tandem::app::two_factor::disable(&t.app, &by, "another guess").unwrap_err();
    assert!(e.to_string().contains("too many wrong passwords"), "{e}");
    let e = tandem::app::accounts::change_password(&t.app, &by, PASSWORD, NEW_PASSWORD, None)
        .unwrap_err();
    assert!(
        e.to_string().contains("wait"),
        "even the right one waits now: {e}"
    );
    assert!(
        can_sign_in(&t, "ana@tandem.test", PASSWORD),
        "the password did not change"
    );
}

/// A sign-in begun with the old password cannot be finished with a code once the
/// password was reset.
#[core::prelude::v1::test]
fn accounts_a_new_password_ends_sign_ins_waiting_for_a_code() {
    use tandem::app::auth::{LoginError, SignIn};
    let t = TestApp::new();
    let id = add_user(&t, "ana@tandem.test", "agent");
    let by = tandem::app::actions::ActingUser { id, ip: None };
    let secret = tandem::app::two_factor::new_secret();
    let now = unix_now();
    tandem::app::two_factor::enable(
        &t.app,
        &by,
        PASSWORD,
        &secret,
        &totp_code(&secret, "ana@tandem.test", now),
    )
    .unwrap();
    let Ok(SignIn::NeedsCode(pending)) =
        tandem::app::auth::sign_in(&t.app, "ana@tandem.test", PASSWORD, Some("203.0.113.11"))
    else {
        panic!("a code is asked for");
    };
    tandem::app::accounts::set_password_by_operator(&t.app, "ana@tandem.test", NEW_PASSWORD)
        .unwrap();
    let next = totp_code(&secret, "ana@tandem.test", now + 30);
    let r =
        tandem::app::auth::complete_second_factor(&t.app, &pending, &next, Some("203.0.113.11"));
    assert!(matches!(r, Err(LoginError::Expired)), "{:?}", r.map(|_| ()));
}

/// One address guessing many accounts at once meets the address's back-off as if it had
/// guessed them one after another.
#[core::prelude::v1::test]
fn accounts_spraying_many_accounts_at_once_meets_the_address_back_off() {
    use tandem::app::auth::LoginError;
    let t = TestApp::new();
    let tries = 30;
    for i in 0..tries {
        add_user(&t, &format!("agent{i}@tandem.test"), "agent");
    }
    let results = guesses_at_once(&t, tries, "203.0.113.44", |i| {
        (format!("agent{i}@tandem.test"), "Summer2026!".into())
    });
    let checked = results
        .iter()
        .filter(|r| matches!(r, Err(LoginError::BadCredentials)))
        .count();
    let free = tandem::app::auth::PER_ADDRESS.free;
    assert_eq!(checked, free, "{results:?}");
    assert_eq!(events_of(&t, "login_failed") as usize, free);
    // Their owners, at their own desks, sign in.
    assert!(can_sign_in(&t, "agent0@tandem.test", PASSWORD));
}

/// Spraying through two servers sharing one PostgreSQL at once meets the address's
/// back-off as through one: the servers take turns per address through the database.
#[core::prelude::v1::test]
fn accounts_spraying_through_two_servers_meets_the_address_back_off() {
    use tandem::app::auth::LoginError;
    let t = TestApp::new();
    if t.db.postgres().is_none() {
        return; // one SQLite file is one machine's: its server orders its own checks
    }
    let tries = 30;
    for i in 0..tries {
        add_user(&t, &format!("agent{i}@tandem.test"), "agent");
    }
    let other_server = tandem::app::App::open(t.app.config.clone()).unwrap();
    let results = guesses_at_once_through(&[&t.app, &other_server], tries, "203.0.113.45", |i| {
        (format!("agent{i}@tandem.test"), "Summer2026!".into())
    });
    let checked = results
        .iter()
        .filter(|r| matches!(r, Err(LoginError::BadCredentials)))
        .count();
    assert_eq!(checked, tandem::app::auth::PER_ADDRESS.free, "{results:?}");
}
