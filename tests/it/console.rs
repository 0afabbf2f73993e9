//! The agent console over HTTP, in process: sign-in, roles, CSRF, every action on a
//! ticket, collisions, hostile mail, and the first-run set-up link.

use std::collections::HashMap;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::{App, test, web};

use crate::harness::{TestApp, email};

pub const PASSWORD: &str = "correct horse battery";
const REFUND: &str = "How do I get a refund? I want my money back for the jacket, it does not fit.";

/// A browser: keeps cookies, reads CSRF tokens from the pages it loads.
#[derive(Default)]
pub struct Browser {
    cookies: HashMap<String, String>,
    pub csrf: String,
    /// The client address (`10.1.2.3:4000` unless set).
    pub peer: Option<String>,
}

pub struct Page {
    pub status: u16,
    pub location: String,
    pub body: String,
}

impl Browser {
    fn remember(&mut self, resp: &ServiceResponse<impl MessageBody>) {
        for c in resp.response().cookies() {
            if c.value().is_empty() {
                self.cookies.remove(c.name());
            } else {
                self.cookies
                    .insert(c.name().to_string(), c.value().to_string());
            }
        }
    }

    /// A browser at another client address.
    pub fn at(peer: &str) -> Browser {
        Browser {
            peer: Some(peer.to_string()),
            ..Browser::default()
        }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn finish<B: MessageBody>(&mut self, resp: ServiceResponse<B>) -> Page
    where
        B::Error: std::fmt::Debug,
    {
        self.remember(&resp);
        let status = resp.status().as_u16();
        let location = resp
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let body = String::from_utf8(test::read_body(resp).await.to_vec()).unwrap();
        if let Some(token) = csrf_in(&body) {
            self.csrf = token;
        }
        Page {
            status,
            location,
            body,
        }
    }

    /// Sends a request as this browser: its cookies, from one client address.
    async fn send<S, B>(&mut self, svc: &S, req: test::TestRequest) -> Page
    where
        S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
        B::Error: std::fmt::Debug,
    {
        let req = req
            .insert_header(("Cookie", self.cookie_header()))
            .peer_addr(
                self.peer
                    .as_deref()
                    .unwrap_or("10.1.2.3:4000")
                    .parse()
                    .unwrap(),
            )
            .to_request();
        let resp = test::call_service(svc, req).await;
        self.finish(resp).await
    }

    pub async fn get<S, B>(&mut self, svc: &S, path: &str) -> Page
    where
        S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
        B::Error: std::fmt::Debug,
    {
        self.send(svc, test::TestRequest::get().uri(path)).await
    }

    pub async fn post<S, B>(&mut self, svc: &S, path: &str, fields: &[(&str, &str)]) -> Page
    where
        S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
        B::Error: std::fmt::Debug,
    {
        let form: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self.send(svc, test::TestRequest::post().uri(path).set_form(form))
            .await
    }

    /// Posts a console form with this session's CSRF token.
    pub async fn submit<S, B>(&mut self, svc: &S, path: &str, fields: &[(&str, &str)]) -> Page
    where
        S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
        B::Error: std::fmt::Debug,
    {
        let csrf = self.csrf.clone();
        let mut all = vec![("csrf_token", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post(svc, path, &all).await
    }

    pub async fn login<S, B>(&mut self, svc: &S, email: &str, password: &str) -> Page
    where
        S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
        B::Error: std::fmt::Debug,
    {
        self.get(svc, "/login").await;
        let csrf = self.csrf.clone();
        self.post(
            svc,
            "/login",
            &[
                ("csrf_token", &csrf),
                ("email", email),
                ("password", password),
                ("next", "/queue"),
            ],
        )
        .await
    }
}

pub fn csrf_in(body: &str) -> Option<String> {
    let at = body.find("name=\"csrf_token\" value=\"")?;
    let rest = &body[at + 25..];
    Some(rest[..rest.find('"')?].to_string())
}

/// The console as `serve` wires it, on this test's database.
macro_rules! console {
    ($t:expr) => {{
        let app = tandem::app::App::open($t.app.config.clone()).unwrap();
        test::init_service(
            App::new()
                .app_data(web::Data::new(app))
                .app_data(web::Data::new(tandem::web::presence::Presence::default()))
                .wrap(actix_web::middleware::from_fn(
                    tandem::web::pages::localize_errors,
                ))
                .wrap(tandem::web::pages::security_headers())
                .configure(tandem::web::routes),
        )
        .await
    }};
}
#[allow(unused_imports)]
pub(crate) use console;

pub fn add_user(t: &TestApp, email: &str, role: &str) -> String {
    tandem::app::users::add(
        &t.app,
        email,
        email.split('@').next().unwrap(),
        role,
        PASSWORD,
    )
    .unwrap()
    .id
}

fn ticket_number(o: tandem::app::ingest::Outcome) -> i64 {
    ticket_and_action(o).0
}

fn ticket_and_action(o: tandem::app::ingest::Outcome) -> (i64, String) {
    match o {
        tandem::app::ingest::Outcome::Accepted {
            ticket_number,
            action,
            ..
        } => (ticket_number, action),
        other => panic!("{other:?}"),
    }
}

/// The id of the pending draft shown on the ticket page.
fn draft_id(page: &str) -> String {
    let at = page
        .find("name=\"draft_id\" value=\"")
        .expect("a pending draft on the page");
    let rest = &page[at + 23..];
    rest[..rest.find('"').unwrap()].to_string()
}

#[actix_web::test]
async fn sign_in_is_required_and_wrong_passwords_are_throttled() {
    let t = TestApp::new();
    add_user(&t, "ana@tandem.test", "agent");
    let svc = console!(t);
    let mut b = Browser::default();
    let p = b.get(&svc, "/queue").await;
    assert_eq!((p.status, p.location.as_str()), (303, "/login?next=/queue"));
    let login = b.get(&svc, "/login").await;
    assert!(
        login.body.contains("type=\"email\"")
            && login.body.contains("type=\"password\"")
            && csrf_in(&login.body).is_some()
    );
    // A sign-in without the form's CSRF token is refused.
    let p = b
        .post(
            &svc,
            "/login",
            &[
                ("csrf_token", "forged"),
                ("email", "ana@tandem.test"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(p.status, 403);
    for _ in 0..5 {
        assert_eq!(
            b.login(&svc, "ana@tandem.test", "wrong password!")
                .await
                .status,
            401
        );
    }
    // Now even the right password waits: the account is throttled.
    let p = b.login(&svc, "ana@tandem.test", PASSWORD).await;
    assert_eq!(p.status, 429, "{}", p.body);
    assert!(p.body.contains("too many failed attempts"));
}

#[actix_web::test]
async fn the_session_cookie_is_httponly_and_samesite() {
    let t = TestApp::new();
    add_user(&t, "ana@tandem.test", "agent");
    let svc = console!(t);
    let login = test::call_service(&svc, test::TestRequest::get().uri("/login").to_request()).await;
    let csrf_cookie = login.response().cookies().next().unwrap().into_owned();
    let body = String::from_utf8(test::read_body(login).await.to_vec()).unwrap();
    let req = test::TestRequest::post()
        .uri("/login")
        .cookie(csrf_cookie.clone())
        .set_form([
            ("csrf_token", csrf_in(&body).unwrap()),
            ("email", "ana@tandem.test".into()),
            ("password", PASSWORD.into()),
            ("next", "/queue".into()),
        ])
        .to_request();
    let resp = test::call_service(&svc, req).await;
    assert_eq!(resp.status(), 303);
    let session = resp
        .response()
        .cookies()
        .find(|c| c.name() == "tandem_session")
        .expect("session cookie");
    assert_eq!(session.http_only(), Some(true));
    assert_eq!(session.same_site(), Some(actix_web::cookie::SameSite::Lax));
    let csp = resp
        .headers()
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(csp.contains("script-src 'self'"), "{csp}");
}

#[actix_web::test]
async fn roles_are_checked_on_the_server() {
    let t = TestApp::new();
    add_user(&t, "agent@tandem.test", "agent");
    add_user(&t, "admin@tandem.test", "admin");
    let svc = console!(t);
    let mut agent = Browser::default();
    assert_eq!(
        agent
            .login(&svc, "agent@tandem.test", PASSWORD)
            .await
            .status,
        303
    );
    assert_eq!(agent.get(&svc, "/queue").await.status, 200);
    assert_eq!(agent.get(&svc, "/admin/users").await.status, 403);
    let p = agent
        .submit(
            &svc,
            "/admin/users",
            &[
                ("email", "evil@x.org"),
                ("name", "Evil"),
                ("role", "admin"),
                ("password", "0123456789ab"),
            ],
        )
        .await;
    assert_eq!(p.status, 403);
    let mut admin = Browser::default();
    admin.login(&svc, "admin@tandem.test", PASSWORD).await;
    let users = admin.get(&svc, "/admin/users").await;
    assert_eq!(users.status, 200);
    assert!(users.body.contains("agent@tandem.test"));
    assert!(!users.body.contains("evil@x.org"));
}

#[actix_web::test]
async fn a_deactivated_users_session_stops_working() {
    let t = TestApp::new();
    let agent_id = add_user(&t, "agent@tandem.test", "agent");
    add_user(&t, "admin@tandem.test", "admin");
    let svc = console!(t);
    let mut agent = Browser::default();
    agent.login(&svc, "agent@tandem.test", PASSWORD).await;
    assert_eq!(agent.get(&svc, "/queue").await.status, 200);
    let mut admin = Browser::default();
    admin.login(&svc, "admin@tandem.test", PASSWORD).await;
    admin.get(&svc, "/admin/users").await;
    let p = admin
        .submit(
            &svc,
            &format!("/admin/users/{agent_id}"),
            &[("role", "agent"), ("languages", "en, de")],
        )
        .await;
    assert_eq!(
        (p.status, p.location.as_str()),
        (303, "/admin/users?notice=user_saved")
    );
    assert_eq!(
        agent.get(&svc, "/queue").await.status,
        303,
        "the session ended"
    );
    assert_eq!(
        agent
            .login(&svc, "agent@tandem.test", PASSWORD)
            .await
            .status,
        401,
        "and cannot sign in again"
    );
}

#[actix_web::test]
async fn a_post_without_a_valid_csrf_token_changes_nothing() {
    let t = TestApp::with_kb();
    add_user(&t, "agent@tandem.test", "agent");
    let n = ticket_number(t.ingest(&email(
        "tom@example.com",
        "Refund",
        "r1@example.com",
        REFUND,
    )));
    let svc = console!(t);
    let mut b = Browser::default();
    b.login(&svc, "agent@tandem.test", PASSWORD).await;
    let page = b.get(&svc, &format!("/tickets/{n}")).await;
    let draft = draft_id(&page.body);
    for token in ["", "0000", "forged-token"] {
        let p = b
            .post(
                &svc,
                &format!("/tickets/{n}/approve"),
                &[("csrf_token", token), ("draft_id", &draft)],
            )
            .await;
        assert_eq!(p.status, 403);
        let p = b
            .post(
                &svc,
                &format!("/tickets/{n}/note"),
                &[("csrf_token", token), ("body", "sneaky")],
            )
            .await;
        assert_eq!(p.status, 403);
    }
    t.deliver();
    assert_eq!(t.sent_mail().len(), 1, "only the acknowledgement");
    assert!(t.show(n).messages.iter().all(|m| m.text != "sneaky"));
}

#[actix_web::test]
async fn a_draft_approved_twice_sends_once() {
    let t = TestApp::with_kb();
    add_user(&t, "ana@tandem.test", "agent");
    add_user(&t, "ben@tandem.test", "agent");
    let n = ticket_number(t.ingest(&email(
        "tom@example.com",
        "Refund",
        "r1@example.com",
        REFUND,
    )));
    assert_eq!(
        t.show(n).summary.status,
        "pending_review",
        "refunds are never sent automatically"
    );
    let svc = console!(t);
    let (mut ana, mut ben) = (Browser::default(), Browser::default());
    ana.login(&svc, "ana@tandem.test", PASSWORD).await;
    ben.login(&svc, "ben@tandem.test", PASSWORD).await;
    let draft = draft_id(&ana.get(&svc, &format!("/tickets/{n}")).await.body);
    let seen_by_ben = ben.get(&svc, &format!("/tickets/{n}")).await;
    assert!(
        seen_by_ben.body.contains("Also here: <strong>ana</strong>"),
        "presence: {}",
        seen_by_ben.body
    );
    let first = ana
        .submit(
            &svc,
            &format!("/tickets/{n}/approve"),
            &[("draft_id", &draft)],
        )
        .await;
    let second = ben
        .submit(
            &svc,
            &format!("/tickets/{n}/approve"),
            &[("draft_id", &draft)],
        )
        .await;
    assert_eq!(first.location, format!("/tickets/{n}?notice=approved"));
    assert_eq!(second.location, format!("/tickets/{n}?notice=conflict"));
    let after = ben.get(&svc, &second.location).await;
    assert!(
        after
            .body
            .contains("Someone else acted on this ticket first")
    );
    assert!(after.body.contains("Waiting on customer"));
    t.deliver();
    let replies: Vec<_> = t
        .sent_mail()
        .into_iter()
        .filter(|m| m.auto_submitted.is_none())
        .collect();
    assert_eq!(replies.len(), 1, "exactly one reply: {replies:?}");
    assert!(
        replies[0].body.contains("Return items"),
        "the approved draft went out: {}",
        replies[0].body
    );
}

#[actix_web::test]
async fn edit_take_over_reject_reply_note_assign_and_status() {
    let t = TestApp::with_kb();
    let ana_id = add_user(&t, "ana@tandem.test", "agent");
    let svc = console!(t);
    let mut b = Browser::default();
    b.login(&svc, "ana@tandem.test", PASSWORD).await;

    // Edit & send: the agent's text goes out, the edit size is recorded.
    let n1 = ticket_number(t.ingest(&email(
        "tom@example.com",
        "Refund",
        "e1@example.com",
        REFUND,
    )));
    let draft = draft_id(&b.get(&svc, &format!("/tickets/{n1}")).await.body);
    let edited = "Hi Tom, sorry the jacket does not fit. Open Orders and click \"Return items\"; we refund within 5 days.";
    let p = b
        .submit(
            &svc,
            &format!("/tickets/{n1}/send-edited"),
            &[("draft_id", &draft), ("body", edited)],
        )
        .await;
    assert_eq!(p.location, format!("/tickets/{n1}?notice=edited"));
    let shown = t.show(n1);
    let event = shown
        .events
        .iter()
        .find(|e| e.kind == "draft_edited")
        .expect("draft_edited event");
    assert!(event.data["edit_distance"].as_u64().unwrap() > 10);
    assert_eq!(shown.summary.status, "waiting_on_customer");
    assert!(shown.drafts.iter().any(|d| d.status == "edited"));

    // Reject with a reason; the ticket still waits for a person.
    let n2 = ticket_number(t.ingest(&email(
        "uma@example.com",
        "Refund",
        "e2@example.com",
        REFUND,
    )));
    let page = b.get(&svc, &format!("/tickets/{n2}")).await.body;
    let draft = draft_id(&page);
    // No reason is chosen for the agent (a careless click must not teach the engine), and
    // the status menu says where the ticket is now.
    let html = scraper::Html::parse_document(&page);
    let chosen = |select: &str| {
        let sel =
            scraper::Selector::parse(&format!("select[name={select}] option[selected]")).unwrap();
        let o = html.select(&sel).next().expect("a selected option");
        (
            o.value().attr("value").unwrap_or_default().to_string(),
            o.text().collect::<String>(),
        )
    };
    assert_eq!(chosen("reason"), ("".into(), "Choose a reason".into()));
    let (value, label) = chosen("status");
    assert_eq!(value, "");
    assert!(label.ends_with("(now)"), "{label}");
    b.submit(
        &svc,
        &format!("/tickets/{n2}/reject"),
        &[("draft_id", &draft), ("reason", "")],
    )
    .await;
    assert!(
        !t.show(n2).events.iter().any(|e| e.kind == "draft_rejected"),
        "a reject without a reason changes nothing"
    );
    b.submit(
        &svc,
        &format!("/tickets/{n2}/reject"),
        &[("draft_id", &draft), ("reason", "wrong_facts")],
    )
    .await;
    let shown = t.show(n2);
    assert_eq!(
        shown
            .events
            .iter()
            .find(|e| e.kind == "draft_rejected")
            .unwrap()
            .data["reason"],
        "wrong_facts"
    );
    assert_eq!(shown.summary.status, "pending_review");

    // Take over: assigned to me, draft set aside; then reply, note, resolve.
    let p = b
        .submit(&svc, &format!("/tickets/{n2}/take-over"), &[])
        .await;
    assert_eq!(p.location, format!("/tickets/{n2}?notice=taken_over"));
    assert_eq!(t.show(n2).summary.status, "in_progress");
    b.submit(
        &svc,
        &format!("/tickets/{n2}/note"),
        &[("body", "Customer is a reseller, check contract.")],
    )
    .await;
    b.submit(
        &svc,
        &format!("/tickets/{n2}/reply"),
        &[("body", "Hello Uma, I have started your refund.")],
    )
    .await;
    b.submit(
        &svc,
        &format!("/tickets/{n2}/status"),
        &[("status", "resolved")],
    )
    .await;
    let shown = t.show(n2);
    assert_eq!(shown.summary.status, "resolved");
    assert!(shown.messages.iter().any(|m| m.direction == "note"));
    t.deliver();
    let sent = t.sent_mail();
    assert!(
        sent.iter()
            .any(|m| m.body.contains("I have started your refund"))
    );
    assert!(
        sent.iter().all(|m| !m.body.contains("reseller")),
        "notes are never sent"
    );
    let p = b
        .submit(
            &svc,
            &format!("/tickets/{n1}/assign"),
            &[("assignee", &ana_id)],
        )
        .await;
    assert_eq!(p.location, format!("/tickets/{n1}?notice=assigned"));
    let mine = b.get(&svc, "/queue?view=mine").await;
    assert!(mine.body.contains(&format!("#{n1}")));
    // An illegal move is refused with a clear message.
    let p = b
        .submit(
            &svc,
            &format!("/tickets/{n2}/status"),
            &[("status", "waiting_on_customer")],
        )
        .await;
    assert_eq!(p.status, 400);
    assert!(p.body.contains("cannot wait on the customer"), "{}", p.body);
}

#[actix_web::test]
async fn quoted_history_and_signature_are_collapsed_on_the_ticket_page() {
    let t = TestApp::with_kb();
    add_user(&t, "ana@tandem.test", "agent");
    let n = ticket_number(t.ingest(&email(
        "kim@example.com",
        "Invoice",
        "q1@example.com",
        "The invoice still shows the old address.\n\nOn Mon, 23 Nov 2026 at 09:12, Support <support@example.com> wrote:\n> Your earlier question about zebra-striped parcels\n",
    )));
    let svc = console!(t);
    let mut b = Browser::default();
    b.login(&svc, "ana@tandem.test", PASSWORD).await;
    let html = scraper::Html::parse_document(&b.get(&svc, &format!("/tickets/{n}")).await.body);
    let text = |css: &str| {
        html.select(&scraper::Selector::parse(css).unwrap())
            .map(|e| e.text().collect::<String>())
            .collect::<Vec<_>>()
            .join("|")
    };
    let folded = text(".msg details.history");
    assert!(
        folded.contains("Quoted text and signature") && folded.contains("zebra-striped"),
        "{folded}"
    );
    let shown = text(".msg > pre.text-body");
    assert!(
        shown.contains("still shows the old address") && !shown.contains("zebra"),
        "{shown}"
    );
}

#[actix_web::test]
async fn hostile_mail_renders_inert() {
    let t = TestApp::with_kb();
    add_user(&t, "ana@tandem.test", "agent");
    let raw = "From: mallory@example.net\r\nSubject: <script>alert('subject')</script>\r\nMessage-ID: <evil@example.net>\r\n\
MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
<p onmouseover=\"steal()\">Hi</p><script>alert(1)</script><a href=\"javascript:alert(2)\">click</a>\
<img src=x onerror=alert(3)><div style=\"position:fixed;inset:0\">overlay</div><style>body{display:none}</style>\
<iframe src=\"https://evil.example\"></iframe><form action=\"/logout\" method=\"post\"><button>win</button></form>\r\n";
    let n = ticket_number(t.ingest(raw));
    let svc = console!(t);
    let mut b = Browser::default();
    b.login(&svc, "ana@tandem.test", PASSWORD).await;
    let page = b.get(&svc, &format!("/tickets/{n}")).await;
    let thread =
        &page.body[page.body.find("class=\"thread\"").unwrap()..page.body.find("<aside").unwrap()];
    for bad in [
        "<script",
        "onmouseover",
        "onerror",
        "javascript:",
        "<iframe",
        "<style",
        "style=",
        "action=\"/logout\"",
    ] {
        assert!(!thread.contains(bad), "{bad} survived:\n{thread}");
    }
    assert!(
        page.body
            .contains("&#60;script&#62;alert(&#39;subject&#39;)&#60;/script&#62;")
            || page.body.contains("&lt;script&gt;"),
        "subject escaped"
    );
    let queue = b.get(&svc, "/queue").await;
    assert!(!queue.body.contains("<script>alert"));
}

/// The set-up link makes whoever opens it admin: it stops working after an hour, and
/// the page says how to get a new one.
#[actix_web::test]
async fn a_set_up_link_older_than_an_hour_makes_no_admin() {
    let t = TestApp::new();
    let token = tandem::app::auth::setup_token_if_needed(&t.app)
        .unwrap()
        .expect("a token on an empty database");
    let svc = console!(t);
    let mut b = Browser::default();
    assert_eq!(b.get(&svc, &format!("/setup/{token}")).await.status, 200);
    let made =
        tandem::store::now().and_utc().timestamp() - 60 * tandem::app::auth::SETUP_LINK_MINUTES - 1;
    let mut conn = t.app.conn().unwrap();
    for (key, _) in tandem::store::settings::all(&mut conn).unwrap() {
        if key.starts_with("setup_token:") {
            tandem::store::settings::set(&mut conn, &key, &made.to_string()).unwrap();
        }
    }
    drop(conn);
    let stale = b.get(&svc, &format!("/setup/{token}")).await;
    assert_eq!(stale.status, 404);
    assert!(stale.body.contains("Restart"), "{}", stale.body);
    let p = b
        .submit(
            &svc,
            &format!("/setup/{token}"),
            &[
                ("name", "Root"),
                ("email", "root@tandem.test"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_ne!(p.status, 303, "{}", p.body);
    let mut conn = t.app.conn().unwrap();
    assert_eq!(tandem::store::users::count(&mut conn).unwrap(), 0);
    drop(conn);
    // A new start of `serve` prints a new link, which works.
    let fresh = tandem::app::auth::setup_token_if_needed(&t.app)
        .unwrap()
        .unwrap();
    assert_eq!(b.get(&svc, &format!("/setup/{fresh}")).await.status, 200);
}

#[actix_web::test]
async fn the_first_admin_comes_from_a_one_time_link() {
    let t = TestApp::new();
    let token = tandem::app::auth::setup_token_if_needed(&t.app)
        .unwrap()
        .expect("a token on an empty database");
    let svc = console!(t);
    let mut b = Browser::default();
    assert_eq!(b.get(&svc, "/setup/not-the-token").await.status, 404);
    let form = b.get(&svc, &format!("/setup/{token}")).await;
    assert_eq!(form.status, 200);
    let p = b
        .submit(
            &svc,
            &format!("/setup/{token}"),
            &[
                ("name", "Root"),
                ("email", "root@tandem.test"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(
        p.status, 400,
        "a short password is refused with the form again"
    );
    let p = b
        .submit(
            &svc,
            &format!("/setup/{token}"),
            &[
                ("name", "Root"),
                ("email", "root@tandem.test"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        (p.status, p.location.as_str()),
        (303, "/queue?notice=welcome")
    );
    assert_eq!(
        b.get(&svc, "/admin/users").await.status,
        200,
        "signed in as admin"
    );
    let mut other = Browser::default();
    assert_eq!(
        other.get(&svc, &format!("/setup/{token}")).await.status,
        404,
        "the link works once"
    );
    assert!(
        tandem::app::auth::setup_token_if_needed(&t.app)
            .unwrap()
            .is_none()
    );
}

#[actix_web::test]
async fn the_queue_filters_searches_and_pages() {
    let t = TestApp::with_kb();
    add_user(&t, "ana@tandem.test", "agent");
    let svc = console!(t);
    let mut b = Browser::default();
    b.login(&svc, "ana@tandem.test", PASSWORD).await;
    let empty = b.get(&svc, "/queue").await;
    assert!(
        empty.body.contains("Nothing waits here"),
        "an empty state that says what to do"
    );
    for i in 0..55 {
        t.ingest(&email(
            &format!("c{i}@example.com"),
            &format!("Invoice question {i}"),
            &format!("q{i}@example.com"),
            "My invoice shows the wrong VAT number for my company, please correct it.",
        ));
    }
    let first = b.get(&svc, "/queue").await;
    assert!(first.body.contains("55 tickets"), "{}", first.body);
    assert!(first.body.contains("Page 1 of 2"));
    let second = b.get(&svc, "/queue?page=2").await;
    assert_eq!(second.body.matches("data-href=").count(), 5);
    // A page past the end (any number in a link) shows the last page, never an error.
    let past = b.get(&svc, "/queue?page=9223372036854775807").await;
    assert_eq!(past.status, 200);
    assert_eq!(past.body.matches("data-href=").count(), 5);
    let found = b.get(&svc, "/queue?view=all&q=c17%40example.com").await;
    assert_eq!(found.body.matches("data-href=").count(), 1);
    assert!(found.body.contains("Invoice question 17"));
    let by_number = b.get(&svc, "/queue?view=all&q=%231010").await;
    assert!(by_number.body.contains("data-href=\"/tickets/1010\""));
    let partial = test::call_service(
        &svc,
        test::TestRequest::get()
            .uri("/queue")
            .insert_header(("HX-Request", "true"))
            .insert_header(("Cookie", b.cookie_header()))
            .to_request(),
    )
    .await;
    let partial = String::from_utf8(test::read_body(partial).await.to_vec()).unwrap();
    assert!(
        partial.starts_with("<section id=\"queue-results\""),
        "htmx gets only the results"
    );
}

const PARCEL_QUESTION: &str = "Hello,\n\nwhere is my parcel? I ordered last week and it has not arrived yet. How can I track my order?\n\nThanks, Ana";

/// A word search finds what customers, agents and automatic answers wrote, not the
/// automatic acknowledgement that every escalated ticket carries (its words would list
/// them all).
#[actix_web::test]
async fn a_word_search_passes_over_the_acknowledgements() {
    let t = TestApp::with_kb();
    add_user(&t, "ana@tandem.test", "agent");
    let escalated = ticket_number(t.ingest(&email(
        "tom@example.com",
        "Invoice",
        "ack1@example.com",
        "The invoice shows 480 EUR instead of 360 EUR. I want to talk to a human about it.",
    )));
    let answered = ticket_number(t.ingest(&email(
        "ana@example.com",
        "Where is my parcel?",
        "ack2@example.com",
        PARCEL_QUESTION,
    )));
    let by_author = |number: i64, author: &str| -> Vec<String> {
        t.show(number)
            .messages
            .into_iter()
            .filter(|m| m.author == author)
            .map(|m| m.text)
            .collect()
    };
    let acknowledgement = by_author(escalated, "system").concat();
    assert!(acknowledgement.contains("personally"), "{acknowledgement}");
    let automatic = by_author(answered, "ai").concat();
    assert!(
        !automatic.is_empty(),
        "the parcel question was answered automatically"
    );
    // A word of the answer the customer did not write.
    let answer_word = automatic
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 6 && !w.contains(char::is_numeric))
        .find(|w| {
            let w = w.to_lowercase();
            !PARCEL_QUESTION.to_lowercase().contains(&w)
                && !acknowledgement.to_lowercase().contains(&w)
        })
        .expect("the answer has a word of its own")
        .to_lowercase();

    let svc = console!(t);
    let mut b = Browser::default();
    b.login(&svc, "ana@tandem.test", PASSWORD).await;
    let listed = |body: &str| body.matches("data-href=").count();
    let page = b.get(&svc, "/queue?view=all&q=personally").await;
    assert_eq!(listed(&page.body), 0, "{}", page.body);
    let page = b.get(&svc, "/queue?view=all&q=instead").await;
    assert_eq!(listed(&page.body), 1);
    assert!(
        page.body
            .contains(&format!("data-href=\"/tickets/{escalated}\""))
    );
    let page = b
        .get(&svc, &format!("/queue?view=all&q={answer_word}"))
        .await;
    assert_eq!(listed(&page.body), 1, "{answer_word}: {}", page.body);
    assert!(
        page.body
            .contains(&format!("data-href=\"/tickets/{answered}\""))
    );
}

/// A store filled before the acknowledgements left the search index: the migration takes
/// out their entries and nothing else (the customer's words are still found).
#[actix_web::test]
async fn the_upgrade_takes_the_acknowledgements_out_of_the_index_and_nothing_else() {
    let t = TestApp::with_kb();
    add_user(&t, "ana@tandem.test", "agent");
    {
        let mut conn = t.app.conn().unwrap();
        tandem::store::revert_through(
            &mut conn,
            "2026-12-02-100000_search_without_acknowledgements",
        )
        .unwrap();
    }
    let escalated = ticket_number(t.ingest(&email(
        "tom@example.com",
        "Invoice",
        "upgrade1@example.com",
        "The invoice shows 480 EUR instead of 360 EUR. I want to talk to a human about it.",
    )));
    let svc = console!(t);
    let mut b = Browser::default();
    b.login(&svc, "ana@tandem.test", PASSWORD).await;
    let listed = |body: &str| body.matches("data-href=").count();
    // Under the old schema the acknowledgement's words are in the index. Asked of the
    // index itself: this build's search first settles what PostgreSQL's trigger marked,
    // and that schema has no marks.
    assert_eq!(tickets_indexed_with(&t, "personally"), 1);

    assert!(t.app.migrate().unwrap() >= 1);
    let page = b.get(&svc, "/queue?view=all&q=personally").await;
    assert_eq!(listed(&page.body), 0, "{}", page.body);
    let page = b.get(&svc, "/queue?view=all&q=instead").await;
    assert!(
        page.body
            .contains(&format!("data-href=\"/tickets/{escalated}\"")),
        "{}",
        page.body
    );
}

/// How many tickets the search index holds `word` for, asked of the index directly.
fn tickets_indexed_with(t: &TestApp, word: &str) -> i64 {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Number {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = t.app.conn().unwrap();
    let sql = match &mut *conn {
        tandem::store::DbConn::Sqlite(_) => {
            tandem::store::search::drain(&mut conn).unwrap();
            "SELECT COUNT(DISTINCT ticket_id) AS n FROM message_search \
             WHERE message_search MATCH $1"
        }
        tandem::store::DbConn::Postgres(_) => {
            "SELECT COUNT(DISTINCT ticket_id) AS n FROM message_search \
             WHERE doc @@ to_tsquery('simple', $1)"
        }
    };
    let found: Number = diesel::sql_query(sql)
        .bind::<diesel::sql_types::Text, _>(word)
        .get_result(&mut *conn)
        .unwrap();
    found.n
}

/// A search that finds nothing says so and offers the way back; it does not claim the
/// queue is empty, which would tell an agent there is no work while tickets wait.
#[actix_web::test]
async fn a_search_that_finds_nothing_says_so_and_offers_to_clear_it() {
    let t = TestApp::with_kb();
    add_user(&t, "ana@tandem.test", "agent");
    let escalated = ticket_number(t.ingest(&email(
        "tom@example.com",
        "Invoice",
        "nomatch1@example.com",
        "The invoice shows 480 EUR instead of 360 EUR. I want to talk to a human about it.",
    )));
    let svc = console!(t);
    let mut b = Browser::default();
    b.login(&svc, "ana@tandem.test", PASSWORD).await;

    let page = b.get(&svc, "/queue?view=all&q=zeppelin").await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("data-href="), "{}", page.body);
    assert!(
        page.body
            .contains("No ticket in this view matches the search and filters."),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Nothing waits here."));
    assert!(page.body.contains("href=\"/queue?view=all\""));

    // A filter alone narrows the view too.
    let page = b.get(&svc, "/queue?view=all&language=ja").await;
    assert!(page.body.contains("No ticket in this view matches"));

    // The way back lists the ticket again.
    let page = b.get(&svc, "/queue?view=all").await;
    assert!(
        page.body
            .contains(&format!("data-href=\"/tickets/{escalated}\""))
    );
}

/// Adds an inbound message to ticket `number` with one statement outside any transaction,
/// so that on SQLite it waits in the search queue, indexed by nothing yet.
fn write_outside_a_transaction(t: &TestApp, number: i64, text: &str) {
    let mut conn = t.app.conn().unwrap();
    let ticket_id = tandem::store::tickets::get_by_number(&mut conn, number)
        .unwrap()
        .unwrap()
        .id;
    tandem::store::messages::insert(
        &mut conn,
        &tandem::store::models::MessageRow {
            id: tandem::store::new_id(),
            ticket_id,
            direction: "inbound".into(),
            author_kind: "customer".into(),
            author_id: None,
            channel: "email".into(),
            internet_message_id: None,
            sender: Some("tom@example.com".into()),
            subject: "Invoice".into(),
            body_text: text.into(),
            triage_text: text.into(),
            body_html: None,
            raw_mail_id: None,
            created_at: tandem::store::now(),
        },
    )
    .unwrap();
}

/// A word search finds a message the moment it is stored. SQLite indexes new messages a
/// few times a second (and a message written outside a transaction waits for the next
/// indexing): the search indexes whatever is still queued before it looks, for its rows
/// and for its total.
#[actix_web::test]
async fn a_word_search_finds_a_message_still_waiting_to_be_indexed() {
    let t = TestApp::with_kb();
    add_user(&t, "ana@tandem.test", "agent");
    let n = ticket_number(t.ingest(&email(
        "tom@example.com",
        "Invoice",
        "w1@example.com",
        "My invoice shows the wrong VAT number for my company, please correct it.",
    )));
    // A note written by itself, as one statement: no transaction indexes it.
    write_outside_a_transaction(&t, n, "Also the zebrafinch logo is missing.");
    let svc = console!(t);
    let mut b = Browser::default();
    b.login(&svc, "ana@tandem.test", PASSWORD).await;
    let found = b.get(&svc, "/queue?view=all&q=zebrafinch").await;
    assert_eq!(
        found.body.matches("data-href=").count(),
        1,
        "{}",
        found.body
    );
    assert!(found.body.contains(&format!("data-href=\"/tickets/{n}\"")));
    assert!(found.body.contains("1 ticket"), "the total counts it too");
    let none = b.get(&svc, "/queue?view=all&q=zebrafinches").await;
    assert_eq!(none.body.matches("data-href=").count(), 0);
}

/// On SQLite a search indexes what is queued only when the write lock is free at once:
/// while another connection holds it (the ingest writer under a stream of mail), the
/// search answers from the index without waiting, and finds the queued message once the
/// lock is free.
#[actix_web::test]
async fn a_word_search_answers_while_another_connection_holds_the_write_lock() {
    use diesel::Connection;
    use diesel::connection::SimpleConnection;
    let t = TestApp::with_kb();
    if t.db.is_postgres() {
        return;
    }
    add_user(&t, "ana@tandem.test", "agent");
    let indexed = ticket_number(t.ingest(&email(
        "tom@example.com",
        "Invoice",
        "l1@example.com",
        "The kingfisher invoice shows the wrong VAT number, please correct it.",
    )));
    let svc = console!(t);
    let mut b = Browser::default();
    b.login(&svc, "ana@tandem.test", PASSWORD).await;
    // Indexed by that search, before anything holds the lock.
    let found = b.get(&svc, "/queue?view=all&q=kingfisher").await;
    assert!(
        found
            .body
            .contains(&format!("data-href=\"/tickets/{indexed}\""))
    );
    // Queued and not indexed: a message written as one statement.
    write_outside_a_transaction(&t, indexed, "And the nightingale logo too.");
    let path = t.db.url.trim_start_matches("sqlite://").to_string();
    let mut holder = diesel::SqliteConnection::establish(&path).unwrap();
    holder.batch_execute("BEGIN IMMEDIATE").unwrap();
    let during = b.get(&svc, "/queue?view=all&q=kingfisher").await;
    assert_eq!(during.status, 200);
    assert!(
        during
            .body
            .contains(&format!("data-href=\"/tickets/{indexed}\""))
    );
    let queued = b.get(&svc, "/queue?view=all&q=nightingale").await;
    assert_eq!(
        queued.status, 200,
        "answered from the index, not 'try again'"
    );
    holder.batch_execute("ROLLBACK").unwrap();
    let after = b.get(&svc, "/queue?view=all&q=nightingale").await;
    assert!(
        after
            .body
            .contains(&format!("data-href=\"/tickets/{indexed}\""))
    );
}

#[actix_web::test]
async fn the_audit_log_shows_who_saw_and_changed_what() {
    let t = TestApp::with_kb();
    add_user(&t, "ana@tandem.test", "agent");
    add_user(&t, "root@tandem.test", "admin");
    let n = ticket_number(t.ingest(&email(
        "tom@example.com",
        "Refund",
        "a1@example.com",
        REFUND,
    )));
    let svc = console!(t);
    let mut ana = Browser::default();
    ana.login(&svc, "ana@tandem.test", "not the password").await;
    ana.login(&svc, "ana@tandem.test", PASSWORD).await;
    ana.get(&svc, &format!("/tickets/{n}")).await;
    ana.submit(&svc, &format!("/tickets/{n}/take-over"), &[])
        .await;
    assert_eq!(
        ana.get(&svc, "/admin/audit").await.status,
        403,
        "agents cannot read the audit log"
    );
    let mut root = Browser::default();
    root.login(&svc, "root@tandem.test", PASSWORD).await;
    let log = root.get(&svc, "/admin/audit").await;
    assert_eq!(log.status, 200);
    for expected in [
        "login_failed",
        "(sign-in as ana@tandem.test)",
        "ticket_viewed",
        "taken_over",
        "10.1.2.3",
        &format!("#{n}"),
    ] {
        assert!(
            log.body.contains(expected),
            "{expected} missing from the audit log"
        );
    }
}

#[actix_web::test]
async fn a_supervisor_marks_a_vip_whose_next_message_goes_to_a_person() {
    const VIP_BADGE: &str = r#"<span class="flag">VIP</span>"#;
    const PARCEL: &str = "Hello,\n\nwhere is my parcel? I ordered last week and it has not arrived yet. How can I track my order?\n\nThanks, Vera";
    let t = TestApp::with_kb();
    add_user(&t, "ana@tandem.test", "agent");
    add_user(&t, "sue@tandem.test", "supervisor");
    let (n, action) = ticket_and_action(t.ingest(&email(
        "vera@example.com",
        "Where is my parcel?",
        "v1@example.com",
        PARCEL,
    )));
    assert_eq!(
        action,
        "auto_send",
        "a plain parcel question is answered: {}",
        t.show(n).drafts[0].reason
    );
    let svc = console!(t);

    let mut ana = Browser::default();
    ana.login(&svc, "ana@tandem.test", PASSWORD).await;
    let page = ana.get(&svc, &format!("/tickets/{n}")).await;
    assert!(
        !page.body.contains("Mark as VIP"),
        "agents see no VIP button"
    );
    let p = ana
        .submit(&svc, &format!("/tickets/{n}/vip"), &[("vip", "1")])
        .await;
    assert_eq!(p.status, 403);

    let mut sue = Browser::default();
    sue.login(&svc, "sue@tandem.test", PASSWORD).await;
    let page = sue.get(&svc, &format!("/tickets/{n}")).await;
    assert!(
        page.body.contains("Mark as VIP") && !page.body.contains(VIP_BADGE),
        "an agent's attempt changed nothing"
    );
    let p = sue
        .submit(&svc, &format!("/tickets/{n}/vip"), &[("vip", "1")])
        .await;
    assert_eq!(p.status, 303);
    let page = sue.get(&svc, &format!("/tickets/{n}?notice=vip")).await;
    assert!(page.body.contains("Remove VIP mark"), "{}", page.body);
    assert!(page.body.contains(VIP_BADGE));

    // The same question from the same customer now waits for a person.
    let (m, action) = ticket_and_action(t.ingest(&email(
        "vera@example.com",
        "Where is my parcel?",
        "v2@example.com",
        PARCEL,
    )));
    assert_ne!(action, "auto_send");
    let detail = t.show(m);
    assert!(
        detail.drafts[0]
            .risk_flags
            .as_array()
            .is_some_and(|f| f.iter().any(|f| f == "vip")),
        "{:?}",
        detail.drafts[0].risk_flags
    );

    // The command line takes the mark off again; both changes are in the audit log.
    let (code, out, err) = t.run_cli(&["customer", "vip", "Vera@Example.com", "--off"], b"");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("no longer marked VIP"), "{out}");
    let page = sue.get(&svc, &format!("/tickets/{n}")).await;
    assert!(!page.body.contains(VIP_BADGE) && page.body.contains("Mark as VIP"));
    add_user(&t, "root@tandem.test", "admin");
    let mut root = Browser::default();
    root.login(&svc, "root@tandem.test", PASSWORD).await;
    let log = root.get(&svc, "/admin/audit").await;
    assert_eq!(
        // Rows of the table (the action filter lists the kind once more).
        log.body
            .matches("<td data-label=\"What\">customer_vip_changed</td>")
            .count(),
        2,
        "{}",
        log.body
    );
}

fn send_key_in(body: &str) -> String {
    let at = body
        .find("name=\"send_key\" value=\"")
        .expect("the reply form names its send");
    let rest = &body[at + 23..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// A reply pressed twice (a double click, a resend after a slow answer) or sent again from
/// a second tab goes to the customer once; a different reply still goes.
#[actix_web::test]
async fn a_reply_sent_twice_reaches_the_customer_once() {
    let t = TestApp::with(&[("TANDEM_UNDO_SECONDS", "0")]);
    add_user(&t, "ana@tandem.test", "agent");
    let svc = console!(t);
    let n = ticket_number(t.ingest(&email(
        "Uma <uma@example.com>",
        "Refund",
        "twice-1@x",
        REFUND,
    )));
    let mut ana = Browser::default();
    ana.login(&svc, "ana@tandem.test", PASSWORD).await;
    let page = ana.get(&svc, &format!("/tickets/{n}")).await;
    let key = send_key_in(&page.body);
    let text = "Hello Uma, I have started your refund.";
    for press in 0..2 {
        let sent = ana
            .submit(
                &svc,
                &format!("/tickets/{n}/reply"),
                &[("body", text), ("send_key", &key)],
            )
            .await;
        assert_eq!(sent.status, 303, "press {press}: {}", sent.body);
        assert!(
            sent.location.contains("notice=replied"),
            "press {press}: {}",
            sent.location
        );
    }
    // A second tab, opened before the send, with the same text in its box.
    let other_tab = ana.get(&svc, &format!("/tickets/{n}")).await;
    let other_key = send_key_in(&other_tab.body);
    assert_ne!(other_key, key, "each page shown names its own send");
    let again = ana
        .submit(
            &svc,
            &format!("/tickets/{n}/reply"),
            &[("body", text), ("send_key", &other_key)],
        )
        .await;
    assert_eq!(again.status, 422, "{}", again.body);
    assert!(again.body.contains("already sent"), "{}", again.body);
    // Something else to say goes.
    let more = ana
        .submit(
            &svc,
            &format!("/tickets/{n}/reply"),
            &[
                ("body", "One more thing: it takes three days."),
                ("send_key", &other_key),
            ],
        )
        .await;
    assert_eq!(more.status, 303, "{}", more.body);
    t.deliver();
    let sent = t.sent_mail();
    assert_eq!(
        sent.iter()
            .filter(|m| m.body.contains("started your refund"))
            .count(),
        1
    );
    assert_eq!(
        sent.iter()
            .filter(|m| m.body.contains("three days"))
            .count(),
        1
    );
    let replies = t
        .show(n)
        .messages
        .iter()
        .filter(|m| m.direction == "outbound" && m.text.contains("started your refund"))
        .count();
    assert_eq!(replies, 1, "one message in the thread");
}

/// Two servers starting at once on one empty database each print a set-up link: each
/// works (neither replaces the other's), and the first admin made ends both; links used
/// at once from both make one admin.
#[core::prelude::v1::test]
fn set_up_links_of_servers_starting_together_each_work_once() {
    let t = TestApp::new();
    let first = tandem::app::auth::setup_token_if_needed(&t.app)
        .unwrap()
        .unwrap();
    let second = tandem::app::auth::setup_token_if_needed(&t.app)
        .unwrap()
        .unwrap();
    assert_ne!(first, second);
    assert!(tandem::app::auth::setup_token_valid(&t.app, &first).unwrap());
    assert!(tandem::app::auth::setup_token_valid(&t.app, &second).unwrap());
    let barrier = std::sync::Barrier::new(2);
    let made: Vec<bool> = std::thread::scope(|s| {
        let handles: Vec<_> = [(&first, "one@tandem.test"), (&second, "two@tandem.test")]
            .into_iter()
            .map(|(token, email)| {
                let barrier = &barrier;
                let app = &t.app;
                s.spawn(move || {
                    barrier.wait();
                    tandem::app::auth::complete_setup(
                        app,
                        token,
                        email,
                        "Root",
                        "a long enough password",
                        None,
                    )
                    .is_ok()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(made.iter().filter(|m| **m).count(), 1, "{made:?}");
    let mut conn = t.app.conn().unwrap();
    assert_eq!(tandem::store::users::count(&mut conn).unwrap(), 1);
    drop(conn);
    assert!(!tandem::app::auth::setup_token_valid(&t.app, &first).unwrap());
    assert!(!tandem::app::auth::setup_token_valid(&t.app, &second).unwrap());
}
