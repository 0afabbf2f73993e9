//! Issue 15 item 6, the console in the agent's language: each person chooses English or
//! Deutsch on /account (stored, audited); pages before sign-in follow the browser's
//! Accept-Language; everyone else keeps English.

use actix_web::{App, test, web};

use crate::console::{Browser, PASSWORD, add_user, console};
use crate::harness::{TestApp, accepted, email};

const REFUND: &str = "How do I get a refund? I want my money back for the jacket, it does not fit.";

fn events_of(t: &TestApp, kind: &str) -> i64 {
    let mut conn = t.app.conn().unwrap();
    tandem::store::events::count_kind(&mut conn, kind).unwrap()
}

#[actix_web::test]
async fn i18n_an_agent_who_chose_deutsch_sees_the_console_in_german_and_others_in_english() {
    let t = TestApp::with_kb();
    add_user(&t, "ana@tandem.test", "agent");
    add_user(&t, "ben@tandem.test", "agent");
    let (n, _) = accepted(&t.ingest(&email(
        "tom@example.com",
        "Refund",
        "r1@example.com",
        REFUND,
    )));
    let svc = console!(t);
    let mut ana = Browser::default();
    ana.login(&svc, "ana@tandem.test", PASSWORD).await;
    let mut ben = Browser::at("10.8.8.8:1");
    ben.login(&svc, "ben@tandem.test", PASSWORD).await;

    let queue = ana.get(&svc, "/queue").await.body;
    assert!(queue.contains("<html lang=\"en\">"), "English by default");
    assert!(queue.contains(">Queue</a>"));

    let account = ana.get(&svc, "/account").await.body;
    assert!(
        account.contains("<option value=\"de\" lang=\"de\" >Deutsch</option>"),
        "{account}"
    );
    let saved = ana
        .submit(&svc, "/account/language", &[("language", "de")])
        .await;
    assert_eq!(saved.location, "/account?notice=language");
    assert_eq!(events_of(&t, "console_language_changed"), 1);
    let account = ana.get(&svc, "/account?notice=language").await.body;
    assert!(account.contains("<html lang=\"de\">"));
    assert!(
        account.contains("Sprache der Konsole gespeichert."),
        "{account}"
    );
    assert!(account.contains("value=\"de\" lang=\"de\" selected"));

    let queue = ana.get(&svc, "/queue").await.body;
    assert!(queue.contains("<html lang=\"de\">"));
    assert!(queue.contains(">Warteschlange</a>"), "{queue}");
    assert!(queue.contains(">Abmelden</button>"));
    assert!(queue.contains("Alle offenen"));
    assert!(
        queue.contains("data-texts=\"{"),
        "the script's words are on the page"
    );
    assert!(queue.contains("Tastenkürzel"));
    assert!(!queue.contains(">Sign out<"));
    // The htmx poll of the results is in German too.
    let poll = {
        let req = test::TestRequest::get()
            .uri("/queue")
            .insert_header(("HX-Request", "true"))
            .insert_header(("Cookie", ana.cookie_header()))
            .to_request();
        let resp = test::call_service(&svc, req).await;
        String::from_utf8(test::read_body(resp).await.to_vec()).unwrap()
    };
    assert!(poll.contains("Betreff"), "{poll}");

    let ticket = ana.get(&svc, &format!("/tickets/{n}")).await.body;
    assert!(ticket.contains("<html lang=\"de\">"));
    assert!(ticket.contains("← Warteschlange"), "{ticket}");
    assert!(ticket.contains("Übernehmen"));
    assert!(ticket.contains("Antwort an den Kunden"));
    assert!(ticket.contains("Interne Notiz (wird nie gesendet)"));
    assert!(!ticket.contains("Take over"));

    // Error pages of a signed-in person are in their language too.
    let forbidden = ana.get(&svc, "/supervisor").await;
    assert_eq!(forbidden.status, 403);
    assert!(forbidden.body.contains("<html lang=\"de\">"));
    assert!(
        forbidden
            .body
            .contains("Ihre Rolle erlaubt diese Seite nicht"),
        "{}",
        forbidden.body
    );
    assert!(forbidden.body.contains("Zurück zur Warteschlange"));
    let missing = ana.get(&svc, "/tickets/999999").await;
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains("<html lang=\"de\">"),
        "{}",
        missing.body
    );
    assert!(missing.body.contains("Fehler 404"));

    // Ben did not choose: English everywhere.
    let queue = ben.get(&svc, "/queue").await.body;
    assert!(queue.contains("<html lang=\"en\">"));
    assert!(queue.contains(">Queue</a>") && !queue.contains("Warteschlange"));
    let ticket = ben.get(&svc, &format!("/tickets/{n}")).await.body;
    assert!(ticket.contains("<html lang=\"en\">"));
    assert!(ticket.contains("Take over") && ticket.contains("Reply to the customer"));

    // A language the console does not speak is refused; the choice stays.
    let refused = ana
        .submit(&svc, "/account/language", &[("language", "xx")])
        .await;
    assert_eq!(refused.status, 400);
    assert!(
        ana.get(&svc, "/queue")
            .await
            .body
            .contains("<html lang=\"de\">")
    );
    // Back to English.
    ana.submit(&svc, "/account/language", &[("language", "en")])
        .await;
    assert!(ana.get(&svc, "/queue").await.body.contains(">Queue</a>"));
    assert_eq!(events_of(&t, "console_language_changed"), 2);
}

#[actix_web::test]
async fn i18n_pages_before_sign_in_follow_the_browser_language() {
    let t = TestApp::new();
    let svc = console!(t);
    macro_rules! page {
        ($lang:expr, $path:expr) => {{
            let mut req = test::TestRequest::get().uri($path);
            if let Some(l) = $lang {
                req = req.insert_header(("Accept-Language", l));
            }
            let resp = test::call_service(&svc, req.to_request()).await;
            String::from_utf8(test::read_body(resp).await.to_vec()).unwrap()
        }};
    }
    let de = page!(Some("de-DE,de;q=0.9,en;q=0.5"), "/login");
    assert!(de.contains("<html lang=\"de\">"), "{de}");
    assert!(de.contains("Passwort vergessen?"));
    let forgot = page!(Some("de"), "/forgot");
    assert!(forgot.contains("Link senden"), "{forgot}");
    let en = page!(Some("fr-FR,en;q=0.8"), "/login");
    assert!(en.contains("<html lang=\"en\">") && en.contains("Forgot password?"));
    // A stale form before sign-in: the error page speaks the browser's language.
    let stale = {
        let req = test::TestRequest::post()
            .uri("/login")
            .insert_header(("Accept-Language", "de"))
            .set_form([
                ("csrf_token", "stale"),
                ("email", "a@b.test"),
                ("password", "x"),
            ])
            .to_request();
        let resp = test::call_service(&svc, req).await;
        assert_eq!(resp.status(), 403);
        String::from_utf8(test::read_body(resp).await.to_vec()).unwrap()
    };
    assert!(stale.contains("Das Formular ist abgelaufen"), "{stale}");
    let none = page!(None::<&str>, "/login");
    assert!(none.contains("<html lang=\"en\">") && none.contains("Sign in"));
}

#[actix_web::test]
async fn i18n_a_german_supervisor_reads_the_figures_in_german_and_the_csv_stays_english() {
    let t = TestApp::with_kb();
    add_user(&t, "sam@tandem.test", "supervisor");
    accepted(&t.ingest(&email(
        "tom@example.com",
        "Refund",
        "r1@example.com",
        REFUND,
    )));
    let svc = console!(t);
    let mut sam = Browser::default();
    sam.login(&svc, "sam@tandem.test", PASSWORD).await;
    sam.get(&svc, "/account").await;
    sam.submit(&svc, "/account/language", &[("language", "de")])
        .await;
    let page = sam.get(&svc, "/supervisor").await.body;
    assert!(page.contains("<html lang=\"de\">"));
    assert!(page.contains("Automatisierungsquote"), "{page}");
    assert!(page.contains("Warum Nachrichten an einen Menschen gingen"));
    assert!(page.contains("Triage-Entscheidungen"));
    assert!(!page.contains("Automation rate"));
    let dial = sam.get(&svc, "/supervisor/dial").await.body;
    assert!(dial.contains("Automatisierungsregler"), "{dial}");
    assert!(dial.contains("Jetzt: "), "the what-if sentence too");
    let csv = sam.get(&svc, "/supervisor/totals.csv").await.body;
    assert!(
        !csv.contains("Automatisierungsquote"),
        "exports keep their English headings"
    );
}

#[actix_web::test]
async fn i18n_an_english_speakers_error_page_is_unchanged() {
    let t = TestApp::new();
    add_user(&t, "ben@tandem.test", "agent");
    let svc = console!(t);
    let mut ben = Browser::default();
    ben.login(&svc, "ben@tandem.test", PASSWORD).await;
    let missing = ben.get(&svc, "/tickets/999999").await;
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("<html lang=\"en\">"));
    assert!(missing.body.contains("Error 404") && missing.body.contains("Back to the queue"));
}
