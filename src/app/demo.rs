//! `tandem serve --demo`: a sample knowledge base, a few people and a day of realistic
//! tickets in several languages, so a newcomer sees a working console at once. The
//! tickets go through the real ingest pipeline, so every decision is the engine's own.

use crate::store;

use super::{App, AppError, ingest, kb, users};

const KB: &str = include_str!("../../samples/kb.jsonl");

/// The auto-send threshold the demo sets for its tiny knowledge base.
const DEMO_AUTO_THRESHOLD: &str = "0.90";

/// The demo sign-in password (printed by `serve --demo`).
pub const DEMO_PASSWORD: &str = "tandem-demo-2026";

/// (email, name, role, languages spoken)
const PEOPLE: &[(&str, &str, &str, &str)] = &[
    ("admin@demo.test", "Alex Admin", "admin", "en"),
    ("sam@demo.test", "Sam Supervisor", "supervisor", "en, fr"),
    ("maria@demo.test", "María Agent", "agent", "es, en"),
    ("jonas@demo.test", "Jonas Agent", "agent", "de, en, ja"),
];

/// (from, name, subject, body, hours ago)
const MAIL: &[(&str, &str, &str, &str, i64)] = &[
    (
        "ana@example.com",
        "Ana Lima",
        "Where is my parcel?",
        "Hello, where is my parcel? I ordered last week and it has not arrived yet. How can I track my order?",
        23,
    ),
    (
        "jo@example.de",
        "Jo Becker",
        "Wo bleibt mein Paket?",
        "Hallo, wo bleibt mein Paket? Ich habe vor einer Woche bestellt. Wie kann ich meine Sendung verfolgen?",
        21,
    ),
    (
        "luc@example.fr",
        "Luc Martin",
        "Ma commande",
        "Bonjour, où est ma commande ? Mon colis n'est pas arrivé et je voudrais le numéro de suivi.",
        20,
    ),
    (
        "carmen@example.es",
        "Carmen Ruiz",
        "Pedido",
        "Hola, ¿dónde está mi pedido? Mi paquete no ha llegado todavía.",
        19,
    ),
    (
        "bob@example.com",
        "Bob Stone",
        "Wrong amount on my invoice",
        "Hi, the invoice for my company account shows 480 EUR but our contract says 360 EUR. Can someone check the VAT line and send a corrected invoice?",
        18,
    ),
    (
        "kim@example.com",
        "Kim Park",
        "Password",
        "I forgot my password and can't log in to my account. How do I reset it?",
        17,
    ),
    (
        "olga@example.com",
        "Olga N.",
        "I want to speak to a person",
        "Your bot answered my last question wrongly. I want to talk to a human agent please, my order arrived broken.",
        15,
    ),
    (
        "tom@example.com",
        "Tom Reed",
        "Refund",
        "How do I get a refund? I want my money back for the jacket, it does not fit.",
        14,
    ),
    (
        "lea@example.de",
        "Lea Vogel",
        "Passwort vergessen",
        "Ich habe mein Passwort vergessen, wie setze ich es zurück?",
        12,
    ),
    (
        "ivan@example.com",
        "Ivan P.",
        "Shipping to Switzerland",
        "Do you ship to Switzerland and how much does shipping cost?",
        11,
    ),
    (
        "nina@example.com",
        "Nina Ho",
        "Cancel",
        "How do I cancel my subscription? I don't want it to renew next month.",
        9,
    ),
    (
        "raj@example.com",
        "Raj Mehta",
        "Lawyer",
        "This is the third time I write. If I don't get my money back this week my lawyer will take legal action.",
        7,
    ),
    (
        "yuki@example.jp",
        "Yuki Sato",
        "注文について",
        "注文した商品がまだ届きません。いつ届きますか？",
        5,
    ),
    (
        "pablo@example.es",
        "Pablo Gil",
        "Factura incorrecta",
        "Buenas, la factura de octubre tiene un importe incorrecto, necesito una factura rectificada para mi empresa.",
        4,
    ),
    (
        "emma@example.com",
        "Emma Cole",
        "Where is my order?",
        "Where is my order? It says dispatched but nothing moved for a week. Also, can I change the delivery address?",
        3,
    ),
    (
        "max@example.de",
        "Max Roth",
        "Lieferung verspätet",
        "Meine Lieferung ist verspätet, wann kommt mein Paket?",
        2,
    ),
    (
        "zoe@example.com",
        "Zoe Kent",
        "Tracking",
        "how can I track my order? the tracking number does not work",
        1,
    ),
];

/// Loads the demo into an empty database; `None` when there are tickets already.
pub fn load(app: &App) -> Result<Option<String>, AppError> {
    {
        let mut conn = app.conn()?;
        if store::tickets::count_all(&mut conn)? > 0 {
            return Ok(None);
        }
    }
    kb::import_jsonl(app, KB, "built-in demo knowledge base")?;
    {
        // The demo's knowledge base is tiny, so it is scored with the careful prior
        // calibration, which sends almost nothing by itself at the default threshold;
        // the demo sets the supervisors' dial (shown on the supervisor page) so that its
        // plain questions are answered automatically, as a team starting out would.
        let mut conn = app.conn()?;
        store::settings::set(&mut conn, "auto_threshold", DEMO_AUTO_THRESHOLD)?;
    }
    for (email, name, role, languages) in PEOPLE {
        let exists = {
            let mut conn = app.conn()?;
            store::users::find_by_email(&mut conn, email)?.is_some()
        };
        if !exists {
            let user = users::add(app, email, name, role, DEMO_PASSWORD)?;
            let by = super::actions::ActingUser {
                id: user.id.clone(),
                ip: None,
            };
            users::update(app, &user.id, role, true, languages, &by)?;
        }
    }
    for (i, (from, name, subject, body, hours)) in MAIL.iter().enumerate() {
        let raw = format!(
            "From: {name} <{from}>\r\nTo: {}\r\nSubject: {subject}\r\nMessage-ID: <demo-{i}@example.net>\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
            app.config.support_address
        );
        if let ingest::Outcome::Accepted { ticket_number, .. } =
            ingest::ingest_email(app, raw.as_bytes())?
        {
            let mut conn = app.conn()?;
            if let Some(t) = store::tickets::get_by_number(&mut conn, ticket_number)? {
                store::tickets::backdate(&mut conn, &t.id, hours * 60)?;
            }
        }
    }
    let people: Vec<String> = PEOPLE
        .iter()
        .map(|(e, _, r, _)| format!("    {e:<18} {r}"))
        .collect();
    Ok(Some(format!(
        "Demo data loaded: {} articles' knowledge base, {} tickets. Sign in with any of these (password {DEMO_PASSWORD}):\n{}",
        KB.lines().count(),
        MAIL.len(),
        people.join("\n")
    )))
}
