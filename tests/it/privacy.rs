//! Privacy by design (issue 13): a customer's export holds all of theirs and nothing of
//! anyone else's; an erasure leaves no byte of them in the database file (SQLite, after a
//! checkpoint and VACUUM) or in a `pg_dump` (PostgreSQL) while another customer and the
//! supervisor figures stay as they were; retention removes exactly what its dry run
//! listed and spares held data; the audit trail records it all and cannot be rewritten.

use std::io::Read;

use chrono::{Duration, NaiveDate};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use tandem::app::actions::ActingUser;
use tandem::app::metrics;
use tandem::store::schema;

use crate::console::{Browser, PASSWORD, add_user, console};
use crate::harness::{SUPPORT, TestApp};

const ALICE: &str = "alice.liddell@wonderland.test";
const ALICE_NAME: &str = "Alice Liddell";
const PHONE: &str = "+44 20 7946 0958";
const SENTENCE: &str = "The purple giraffe nibbled my parcel on Tuesday";
const REPLY_SENTENCE: &str = "Also the teapot lid arrived cracked in three places";
const HATTER: &str = "mad.hatter@teaparty.test";
const RECEIPT: &str = "Receipt kept by the Queen of Hearts, order 77123";
const BOB: &str = "bob.builder@example.org";
const BOB_SENTENCE: &str = "Can we fix it before the weekend sale ends";

fn mail(from: &str, extra_headers: &str, subject: &str, id: &str, body: &str) -> String {
    format!(
        "From: {from}\r\nTo: {SUPPORT}\r\n{extra_headers}Subject: {subject}\r\nMessage-ID: <{id}>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
}

/// Alice: a message with an attachment and a Cc, a reply to it, and a second ticket; Bob:
/// one ticket. Returns Alice's ticket numbers.
fn seed(t: &TestApp) -> Vec<i64> {
    let first = format!(
        "From: {ALICE_NAME} <{ALICE}>\r\nTo: {SUPPORT}\r\nCc: {HATTER}\r\nSubject: Parcel damaged\r\n\
         Message-ID: <a1@wonderland.test>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
         --b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         Hello, {SENTENCE}. Please call me on {PHONE}. Where is my refund?\r\n\
         --b1\r\nContent-Type: text/plain; name=\"queen-receipt.txt\"\r\n\
         Content-Disposition: attachment; filename=\"queen-receipt.txt\"\r\n\r\n{RECEIPT}\r\n--b1--\r\n"
    );
    let n1 = number(t.ingest(&first));
    let n1b = number(t.ingest(&format!(
        "From: {ALICE_NAME} <{ALICE}>\r\nTo: {SUPPORT}\r\nSubject: Re: Parcel damaged [#{n1}]\r\n\
         Message-ID: <a2@wonderland.test>\r\nIn-Reply-To: <a1@wonderland.test>\r\n\
         References: <a1@wonderland.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         {REPLY_SENTENCE}.\r\n"
    )));
    assert_eq!(n1, n1b, "the reply threads onto the first ticket");
    let n2 = number(t.ingest(&mail(
        &format!("{ALICE_NAME} <{ALICE}>"),
        "",
        "Password",
        "a3@wonderland.test",
        "How do I reset my password? I forgot it.",
    )));
    number(t.ingest(&mail(
        &format!("Bob Builder <{BOB}>"),
        "",
        "Sale",
        "b1@example.org",
        &format!("{BOB_SENTENCE}? Where is my order?"),
    )));
    t.deliver();
    vec![n1, n2]
}

fn number(o: tandem::app::ingest::Outcome) -> i64 {
    match o {
        tandem::app::ingest::Outcome::Accepted { ticket_number, .. } => ticket_number,
        other => panic!("{other:?}"),
    }
}

fn count_kind(t: &TestApp, kind: &str) -> i64 {
    let mut conn = t.app.conn().unwrap();
    tandem::store::events::count_kind(&mut conn, kind).unwrap()
}

/// Every file of a zip archive: (name, bytes).
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip archive");
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut out = Vec::new();
            f.read_to_end(&mut out).unwrap();
            (f.name().unwrap().to_string(), out)
        })
        .collect()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    let n = needle.as_bytes();
    haystack.windows(n.len()).any(|w| w == n)
}

#[test]
fn export_holds_every_message_of_the_customer_and_nothing_of_another() {
    let t = TestApp::with_kb();
    let tickets = seed(&t);
    let out = t.dir.path().join("alice.zip");
    let (code, stdout, stderr) = t.run_cli(
        &[
            "customer",
            "export",
            &ALICE.to_uppercase(),
            "--out",
            out.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    let files = unzip(&std::fs::read(&out).unwrap());
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();

    let (_, json) = files.iter().find(|(n, _)| n == "customer.json").unwrap();
    let doc: serde_json::Value = serde_json::from_slice(json).unwrap();
    assert_eq!(doc["profile"]["email"], ALICE);
    assert_eq!(doc["profile"]["name"], ALICE_NAME);
    assert_eq!(doc["vip_and_consent"]["vip"], false);
    let exported: Vec<i64> = doc["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["number"].as_i64().unwrap())
        .collect();
    assert_eq!(exported, tickets);
    // Every message of theirs, as the ticket view holds it (incoming and our answers).
    let texts: Vec<String> = doc["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["messages"].as_array().unwrap().clone())
        .map(|m| m["text"].as_str().unwrap().to_string())
        .collect();
    let expected: usize = tickets.iter().map(|n| t.show(*n).messages.len()).sum();
    assert_eq!(texts.len(), expected);
    for s in [SENTENCE, REPLY_SENTENCE, "How do I reset my password"] {
        assert!(texts.iter().any(|x| x.contains(s)), "{s} missing");
    }
    // The attachment and the three raw messages they sent.
    let attachment = files
        .iter()
        .find(|(n, _)| n.starts_with("attachments/") && n.ends_with("queen-receipt.txt"))
        .unwrap_or_else(|| panic!("no attachment in {names:?}"));
    assert!(contains(&attachment.1, RECEIPT));
    let raw: Vec<_> = files
        .iter()
        .filter(|(n, _)| n.starts_with("raw/"))
        .collect();
    assert_eq!(raw.len(), 3, "{names:?}");
    assert!(
        raw.iter()
            .all(|(n, b)| n.ends_with(".eml") && contains(b, ALICE))
    );
    // Nothing of Bob's anywhere.
    for (name, bytes) in &files {
        for needle in [BOB, BOB_SENTENCE, "Bob Builder"] {
            assert!(!contains(bytes, needle), "{needle} in {name}");
        }
    }
    assert_eq!(count_kind(&t, "customer_exported"), 1);

    let (code, _, _) = t.run_cli(
        &[
            "customer",
            "export",
            "nobody@nowhere.test",
            "--out",
            out.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(code, 66, "an unknown customer exits 66");
}

/// Which places personal data could be left in; each needle must be in none of them.
fn needles() -> Vec<&'static str> {
    vec![
        ALICE,
        ALICE_NAME,
        "liddell",
        PHONE,
        SENTENCE,
        "giraffe",
        REPLY_SENTENCE,
        "teapot",
        HATTER,
        RECEIPT,
        "queen-receipt",
    ]
}

/// The whole database as bytes: the SQLite file after a checkpoint and VACUUM, or a
/// `pg_dump` of the test's schema (bytea columns appear there in hex: searched as hex too).
fn database_bytes(t: &TestApp) -> (Vec<u8>, bool) {
    if let Some((base, schema)) = t.db.postgres() {
        let out = std::process::Command::new("pg_dump")
            .args(["--dbname", base, "--schema", schema, "--no-owner"])
            .output()
            .expect("pg_dump runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(contains(&out.stdout, "COPY "), "the dump holds data");
        (out.stdout, true)
    } else {
        let path = t.db.url.strip_prefix("sqlite://").unwrap().to_string();
        let mut conn = diesel::sqlite::SqliteConnection::establish(&path).unwrap();
        diesel::connection::SimpleConnection::batch_execute(
            &mut conn,
            "PRAGMA wal_checkpoint(TRUNCATE); VACUUM; PRAGMA wal_checkpoint(TRUNCATE);",
        )
        .unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        if let Ok(wal) = std::fs::read(format!("{path}-wal")) {
            bytes.extend(wal);
        }
        (bytes, false)
    }
}

fn found_in(bytes: &[u8], hex_too: bool, needle: &str) -> bool {
    contains(bytes, needle)
        || contains(bytes, &needle.to_lowercase())
        || (hex_too && contains(bytes, &hex::encode(needle.as_bytes())))
}

/// Every CSV table of the supervisor dashboard for `period`: what erasure must not change.
fn figures(t: &TestApp, period: metrics::Period) -> [String; 4] {
    let mut conn = t.app.conn().unwrap();
    let d = metrics::dashboard_in(&mut conn, 15, period, period.to).unwrap();
    let settings = tandem::app::triage::settings(&t.app.config, &mut conn).unwrap();
    let c = metrics::calibration_in(&mut conn, &settings, period).unwrap();
    ["totals", "intent", "series", "calibration"].map(|table| metrics::csv(&d, &c, table).unwrap())
}

#[test]
fn erasure_leaves_no_trace_and_keeps_the_figures() {
    let t = TestApp::with_kb();
    let tickets = seed(&t);
    // A person reviewed Alice's draft: the engine learns from her words.
    let agent = add_user(&t, "agent@tandem.test", "agent");
    let by = ActingUser {
        id: agent,
        ip: None,
    };
    let draft = t
        .show(tickets[0])
        .drafts
        .into_iter()
        .find(|d| d.status == "pending")
        .expect("a draft waits for review");
    tandem::app::review::edit_and_send(
        &t.app,
        tickets[0],
        &draft.id,
        &format!("Dear {ALICE_NAME}, we are sorry. We will call {PHONE}."),
        true,
        &by,
    )
    .unwrap();
    t.deliver();
    {
        let mut conn = t.app.conn().unwrap();
        tandem::app::triage::retrain(&mut conn).unwrap();
        let learned = tandem::store::drafts::reviewed_examples(&mut conn).unwrap();
        assert!(
            learned.iter().any(|(text, _, _)| text.contains("teapot")),
            "{learned:?}"
        );
    }
    let (before, hex) = database_bytes(&t);
    for n in needles() {
        assert!(found_in(&before, hex, n), "the seed stores {n}");
    }
    let period = metrics::Period::new(
        tandem::store::now() - Duration::days(1),
        tandem::store::now() + Duration::days(1),
    );
    let figures_before = figures(&t, period);
    let messages_before: usize = tickets.iter().map(|n| t.show(*n).messages.len()).sum();

    let (code, stdout, stderr) = t.run_cli(
        &[
            "customer",
            "erase",
            ALICE,
            "--reason",
            "Request by email from alice.liddell@wonderland.test",
        ],
        b"",
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    let (again, stdout2, _) = t.run_cli(&["customer", "erase", ALICE, "--reason", "again"], b"");
    assert_eq!(again, 0, "erasing twice is harmless: {stdout2}");
    // The search index caught up (on PostgreSQL, what was marked for it is settled).
    tandem::store::search::drain(&mut t.app.conn().unwrap()).unwrap();

    let (after, hex) = database_bytes(&t);
    for n in needles() {
        assert!(!found_in(&after, hex, n), "{n} is still in the database");
    }
    // Bob is intact.
    for n in [BOB, BOB_SENTENCE, "Bob Builder"] {
        assert!(found_in(&after, hex, n), "{n} was lost");
    }
    // The same figures, the same number of messages (now empty), the same tickets.
    assert_eq!(figures(&t, period), figures_before);
    let shown: Vec<_> = tickets.iter().map(|n| t.show(*n)).collect();
    assert_eq!(
        shown.iter().map(|s| s.messages.len()).sum::<usize>(),
        messages_before
    );
    assert!(shown.iter().all(|s| s.summary.subject == "[erased]"
        && s.summary.customer.ends_with("@erased.invalid")
        && s.messages.iter().all(|m| m.text.is_empty())));
    // Nothing learned from her any more; the engine still answers.
    let mut conn = t.app.conn().unwrap();
    assert!(
        !tandem::store::drafts::reviewed_examples(&mut conn)
            .unwrap()
            .iter()
            .any(|(text, _, _)| text.contains("teapot") || text.is_empty())
    );
    drop(conn);
    // The audit trail: who and why, never the data. Read on a fresh connection: both
    // erasures were committed by other processes, and a pooled connection may still hold
    // an older snapshot of the file.
    let fresh = tandem::store::connect(&t.db.url, 1).unwrap();
    let mut conn = fresh.get().unwrap();
    let erased: Vec<String> = schema::events::table
        .filter(schema::events::kind.eq("customer_erased"))
        .select(schema::events::data)
        .load(&mut conn)
        .unwrap();
    assert_eq!(erased.len(), 2, "both requests are recorded");
    assert!(erased[0].contains("Request by email") && erased[0].contains("erased.invalid"));
    assert!(erased.iter().all(|d| !d.contains("liddell")));
    drop(conn);
    // Mail from the same address later is a new customer, a new ticket.
    let n = number(t.ingest(&mail(ALICE, "", "Hello again", "a9@wonderland.test", "Hi!")));
    assert!(!tickets.contains(&n));
}

/// Someone who wrote into another customer's thread (kept there as from a new
/// participant): their export holds that message, and their erasure leaves no byte of
/// them, while the ticket's own customer keeps every word.
#[test]
fn a_person_who_wrote_into_anothers_ticket_is_exported_and_erased_there_too() {
    const EVE: &str = "eve.stranger@example.net";
    const EVE_NAME: &str = "Eve Stranger";
    const IBAN: &str = "NL91ABNA0417164300";
    let t = TestApp::with_kb();
    seed(&t);
    let ack = t
        .sent_mail()
        .into_iter()
        .find(|m| m.to.contains(BOB))
        .expect("Bob's acknowledgement")
        .message_id;
    let bobs = number(t.ingest(&format!(
        "From: {EVE_NAME} <{EVE}>\r\nTo: {SUPPORT}\r\nCc: {HATTER}\r\nSubject: Re: Sale\r\n\
         Message-ID: <e1@example.net>\r\nIn-Reply-To: <{ack}>\r\nReferences: <{ack}>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nI pay for Bob: my IBAN is {IBAN}.\r\n"
    )));
    assert!(
        t.show(bobs).messages.iter().any(|m| m.text.contains(IBAN)),
        "kept on Bob's ticket"
    );

    let out = t.dir.path().join("eve.zip");
    let (code, stdout, stderr) = t.run_cli(
        &["customer", "export", EVE, "--out", out.to_str().unwrap()],
        b"",
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    let files = unzip(&std::fs::read(&out).unwrap());
    let (_, json) = files.iter().find(|(n, _)| n == "customer.json").unwrap();
    let doc: serde_json::Value = serde_json::from_slice(json).unwrap();
    let elsewhere = doc["messages_on_other_tickets"].as_array().unwrap();
    assert_eq!(elsewhere.len(), 1, "{doc}");
    assert_eq!(elsewhere[0]["ticket"], bobs);
    assert!(elsewhere[0]["text"].as_str().unwrap().contains(IBAN));
    assert!(
        files
            .iter()
            .any(|(n, bytes)| n.starts_with("raw/") && contains(bytes, IBAN)),
        "the raw mail is in the archive"
    );
    assert!(!contains(json, BOB_SENTENCE), "nothing of Bob's");

    let (code, stdout, stderr) = t.run_cli(&["customer", "erase", EVE, "--reason", "request"], b"");
    assert_eq!(code, 0, "{stdout}{stderr}");
    tandem::store::search::drain(&mut t.app.conn().unwrap()).unwrap();
    let (after, hex) = database_bytes(&t);
    for n in [EVE, EVE_NAME, IBAN, "e1@example.net"] {
        assert!(!found_in(&after, hex, n), "{n} is still in the database");
    }
    for n in [BOB, BOB_SENTENCE] {
        assert!(found_in(&after, hex, n), "{n} was lost");
    }
    assert_eq!(
        t.show(bobs).messages.len(),
        3,
        "Bob's message, our acknowledgement and the erased one stay"
    );
}

/// The supervisor scenario's customer erased: every figure of the period is the same.
#[test]
fn erasure_keeps_every_supervisor_figure_of_the_scenario() {
    let t = crate::supervisor::app();
    crate::supervisor::seed(&t);
    let t0 = NaiveDate::from_ymd_opt(2026, 11, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let period = metrics::Period::new(t0, t0 + Duration::days(7));
    let before = figures(&t, period);
    let done = tandem::app::privacy::erase(&t.app, "customer@example.com", "test", None).unwrap();
    assert_eq!(done.tickets, 101);
    assert_eq!(figures(&t, period), before);
}

#[test]
fn retention_removes_exactly_what_the_dry_run_listed_and_spares_holds() {
    let t = TestApp::with(&[
        ("TANDEM_RETENTION_RAW_DAYS", "30"),
        ("TANDEM_RETENTION_CLOSED_DAYS", "365"),
    ]);
    t.import_kb();
    let old = number(t.ingest(&mail(
        "old@example.com",
        "",
        "Old",
        "o1@x",
        "An old question about my invoice",
    )));
    let held = number(t.ingest(&mail(
        "held@example.com",
        "",
        "Held",
        "h1@x",
        "A disputed order, keep it",
    )));
    let recent = number(t.ingest(&mail(
        "new@example.com",
        "",
        "New",
        "n1@x",
        "A fresh question",
    )));
    let (code, _, _) = t.run_cli(&["ticket", "hold", &held.to_string()], b"");
    assert_eq!(code, 0);
    // The old and the held tickets: closed 400 days ago, their raw mail processed 40 days ago.
    let long_ago = tandem::store::now() - Duration::days(400);
    let raw_ago = tandem::store::now() - Duration::days(40);
    {
        let mut conn = t.app.conn().unwrap();
        for n in [old, held] {
            diesel::update(schema::tickets::table.filter(schema::tickets::number.eq(n)))
                .set((
                    schema::tickets::status.eq("closed"),
                    schema::tickets::updated_at.eq(long_ago),
                ))
                .execute(&mut conn)
                .unwrap();
            let id: String = schema::tickets::table
                .filter(schema::tickets::number.eq(n))
                .select(schema::tickets::id)
                .first(&mut conn)
                .unwrap();
            diesel::update(schema::raw_mail::table.filter(schema::raw_mail::ticket_id.eq(id)))
                .set(schema::raw_mail::processed_at.eq(raw_ago))
                .execute(&mut conn)
                .unwrap();
        }
    }
    let (code, dry, err) = t.run_cli(&["retention", "--dry-run"], b"");
    assert_eq!(code, 0, "{err}");
    let listed: Vec<&str> = dry.lines().collect();
    assert_eq!(listed.len(), 2, "{dry}");
    assert!(listed[0].starts_with("raw mail ") && listed[0].ends_with(&format!("(ticket #{old})")));
    assert!(listed[1].starts_with(&format!("ticket #{old} closed")));
    // A dry run changes nothing.
    assert_eq!(
        t.show(old).messages[0].text.trim(),
        "An old question about my invoice"
    );
    assert_eq!(count_kind(&t, "retention_run"), 0);

    let (code, run, err) = t.run_cli(&["retention"], b"");
    assert_eq!(code, 0, "{err}");
    assert_eq!(run, dry, "removed exactly what the dry run listed");
    let gone = t.show(old);
    assert_eq!(gone.summary.subject, "[erased]");
    assert!(gone.messages.iter().all(|m| m.text.is_empty()));
    assert!(
        gone.summary.customer.ends_with("@erased.invalid"),
        "nothing of theirs is left"
    );
    assert_eq!(
        t.show(held).messages[0].text.trim(),
        "A disputed order, keep it"
    );
    assert_eq!(t.show(recent).messages[0].text.trim(), "A fresh question");
    {
        let mut conn = t.app.conn().unwrap();
        let raw: i64 = schema::raw_mail::table
            .count()
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(raw, 2, "the held and the recent raw mail stay");
    }
    assert_eq!(count_kind(&t, "retention_run"), 1);
    assert_eq!(count_kind(&t, "legal_hold_changed"), 1);
    let (_, again, _) = t.run_cli(&["retention", "--dry-run"], b"");
    assert!(again.is_empty(), "{again}");
}

#[test]
fn the_retention_job_runs_once_across_servers() {
    let t = TestApp::new();
    let other = tandem::app::App::open(t.app.config.clone()).unwrap();
    let first = tandem::app::privacy::retention_job(&t.app, "server-a").unwrap();
    let second = tandem::app::privacy::retention_job(&other, "server-b").unwrap();
    let again = tandem::app::privacy::retention_job(&t.app, "server-a").unwrap();
    assert!(first.is_some() && second.is_none() && again.is_none());
    assert_eq!(count_kind(&t, "retention_run"), 1);
}

#[test]
fn audit_rows_cannot_be_changed_or_deleted() {
    let t = TestApp::with_kb();
    seed(&t);
    tandem::app::privacy::set_hold(
        &t.app,
        tandem::app::privacy::HoldTarget::Customer(BOB),
        true,
        None,
    )
    .unwrap();
    let mut conn = t.app.conn().unwrap();
    let id: String = schema::events::table
        .filter(schema::events::kind.eq("legal_hold_changed"))
        .select(schema::events::id)
        .first(&mut conn)
        .unwrap();
    let row = schema::events::table.find(&id);
    assert!(diesel::delete(row).execute(&mut conn).is_err());
    assert!(
        diesel::delete(schema::events::table)
            .execute(&mut conn)
            .is_err()
    );
    assert!(
        diesel::update(row)
            .set(schema::events::actor_kind.eq("system"))
            .execute(&mut conn)
            .is_err()
    );
    assert!(
        diesel::update(row)
            .set(schema::events::created_at.eq(tandem::store::now() - Duration::days(9)))
            .execute(&mut conn)
            .is_err()
    );
    assert!(
        diesel::update(row)
            .set(schema::events::data.eq("{}"))
            .execute(&mut conn)
            .is_err()
    );
    // Held: an erasure is refused and changes nothing.
    drop(conn);
    assert!(tandem::app::privacy::erase(&t.app, BOB, "asked", None).is_err());
    let (code, _, _) = t.run_cli(&["customer", "erase", BOB, "--reason", "asked"], b"");
    assert_ne!(code, 0);
    let mut conn = t.app.conn().unwrap();
    assert!(
        tandem::store::customers::find_by_email(&mut conn, BOB)
            .unwrap()
            .is_some()
    );
}

#[test]
fn credentials_are_stored_only_encrypted_and_never_without_a_key() {
    let plain = "smtp-password-Xq93-never-in-clear";
    let t = TestApp::new();
    let (code, _, err) = t.run_cli(&["secret", "set", "smtp_password"], plain.as_bytes());
    assert_eq!(code, 65, "refused without a key: {err}");
    assert!(err.contains("TANDEM_SECRET_KEY"), "{err}");
    let t = TestApp::with(&[("TANDEM_SECRET_KEY", "0123456789abcdef0123456789abcdef-test")]);
    let (code, out, err) = t.run_cli(&["secret", "set", "smtp_password"], plain.as_bytes());
    assert_eq!(code, 0, "{out}{err}");
    let (_, list, _) = t.run_cli(&["secret", "list"], b"");
    assert_eq!(list.trim(), "smtp_password", "names only");
    assert_eq!(
        tandem::app::secrets::load(&t.app, "smtp_password")
            .unwrap()
            .as_deref(),
        Some(plain)
    );
    let (bytes, hex) = database_bytes(&t);
    assert!(
        !found_in(&bytes, hex, plain),
        "the credential is stored in clear"
    );
    assert!(!found_in(&bytes, hex, "Xq93"));
    assert_eq!(count_kind(&t, "secret_stored"), 1);
    // Another key opens nothing.
    let mut config = t.app.config.clone();
    config.secret_key = Some("another-key-another-key-another-key".into());
    let other = tandem::app::App::open(config).unwrap();
    assert!(tandem::app::secrets::load(&other, "smtp_password").is_err());
}

/// The admin console's privacy page, over HTTP in process.
mod console_flows {
    use actix_web::{App, test, web};

    use super::*;

    #[actix_web::test]
    async fn admins_export_and_erase_from_the_console_with_their_password() {
        let t = TestApp::with_kb();
        seed(&t);
        add_user(&t, "admin@tandem.test", "admin");
        add_user(&t, "agent@tandem.test", "agent");
        let svc = console!(t);

        let mut agent = Browser::default();
        agent.login(&svc, "agent@tandem.test", PASSWORD).await;
        assert_eq!(agent.get(&svc, "/admin/privacy").await.status, 403);
        let p = agent
            .submit(&svc, "/admin/privacy/export", &[("email", ALICE)])
            .await;
        assert_eq!(p.status, 403, "agents cannot export");

        let mut admin = Browser::default();
        admin.login(&svc, "admin@tandem.test", PASSWORD).await;
        let page = admin.get(&svc, "/admin/privacy").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Erase a customer"));
        let bad_csrf = admin
            .post(
                &svc,
                "/admin/privacy/export",
                &[("csrf_token", "x"), ("email", ALICE)],
            )
            .await;
        assert_eq!(bad_csrf.status, 403);

        let p = admin
            .submit(
                &svc,
                "/admin/privacy/erase",
                &[
                    ("email", ALICE),
                    ("reason", "asked"),
                    ("password", "not my password"),
                ],
            )
            .await;
        assert_eq!(p.status, 403, "a wrong password erases nothing");
        let p = admin
            .submit(
                &svc,
                "/admin/privacy/erase",
                &[("email", ALICE), ("reason", " "), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(p.status, 400, "a reason is required");
        {
            let mut conn = t.app.conn().unwrap();
            assert!(
                tandem::store::customers::find_by_email(&mut conn, ALICE)
                    .unwrap()
                    .is_some()
            );
        }
        assert_eq!(count_kind(&t, "reauth_failed"), 1);
        let p = admin
            .submit(
                &svc,
                "/admin/privacy/erase",
                &[
                    ("email", ALICE),
                    ("reason", "asked by phone"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(
            (p.status, p.location.as_str()),
            (303, "/admin/privacy?done=erased")
        );
        let mut conn = t.app.conn().unwrap();
        assert!(
            tandem::store::customers::find_by_email(&mut conn, ALICE)
                .unwrap()
                .is_none()
        );
        assert_eq!(count_kind(&t, "customer_erased"), 1);
    }

    #[actix_web::test]
    async fn the_console_export_is_the_same_archive() {
        let t = TestApp::with_kb();
        seed(&t);
        add_user(&t, "admin@tandem.test", "admin");
        let app = tandem::app::App::open(t.app.config.clone()).unwrap();
        let svc = test::init_service(
            App::new()
                .app_data(web::Data::new(app))
                .app_data(web::Data::new(tandem::web::presence::Presence::default()))
                .configure(tandem::web::routes),
        )
        .await;
        let mut admin = Browser::default();
        admin.login(&svc, "admin@tandem.test", PASSWORD).await;
        admin.get(&svc, "/admin/privacy").await;
        let cookie = admin.cookie_header();
        let resp = test::call_service(
            &svc,
            test::TestRequest::post()
                .uri("/admin/privacy/export")
                .insert_header(("Cookie", cookie))
                .peer_addr("10.1.2.3:4000".parse().unwrap())
                .set_form([("csrf_token", admin.csrf.as_str()), ("email", ALICE)])
                .to_request(),
        )
        .await;
        assert_eq!(resp.status(), 200);
        assert_eq!(
            resp.headers().get("content-type").unwrap(),
            "application/zip"
        );
        let body = test::read_body(resp).await;
        let files = unzip(&body);
        assert!(files.iter().any(|(n, _)| n == "customer.json"));
        assert_eq!(
            files.iter().filter(|(n, _)| n.starts_with("raw/")).count(),
            3
        );
        assert!(files.iter().all(|(_, b)| !contains(b, BOB)));
        assert_eq!(count_kind(&t, "customer_exported"), 1);
    }

    /// The kinds of action in the audit table of a page, top to bottom.
    fn audit_kinds(body: &str) -> Vec<String> {
        let doc = scraper::Html::parse_document(body);
        let sel = scraper::Selector::parse("#audit tbody tr td:nth-child(4)").unwrap();
        doc.select(&sel).map(|td| td.text().collect()).collect()
    }

    #[actix_web::test]
    async fn the_audit_log_filters_by_person_action_ticket_and_period_and_exports_csv() {
        let t = TestApp::with_kb();
        let tickets = seed(&t);
        let admin_id = add_user(&t, "admin@tandem.test", "admin");
        let agent_id = add_user(&t, "agent@tandem.test", "agent");
        let agent = ActingUser {
            id: agent_id.clone(),
            ip: None,
        };
        tandem::app::privacy::set_hold(
            &t.app,
            tandem::app::privacy::HoldTarget::Ticket(tickets[1]),
            true,
            Some(&agent),
        )
        .unwrap();
        tandem::app::privacy::export(&t.app, ALICE, None).unwrap();
        let svc = console!(t);
        let mut admin = Browser::default();
        admin.login(&svc, "admin@tandem.test", PASSWORD).await;

        let all = admin.get(&svc, "/admin/audit").await;
        assert_eq!(all.status, 200);
        let kinds = audit_kinds(&all.body);
        assert!(
            kinds.contains(&"customer_exported".to_string()),
            "{kinds:?}"
        );
        assert!(
            kinds.contains(&"legal_hold_changed".to_string()),
            "{kinds:?}"
        );

        let by_action = admin
            .get(&svc, "/admin/audit?action=customer_exported")
            .await;
        assert_eq!(audit_kinds(&by_action.body), ["customer_exported"]);
        let by_ticket = admin
            .get(&svc, &format!("/admin/audit?ticket=%23{}", tickets[1]))
            .await;
        // Everything on that ticket (the hold, and what the system did when mail came in),
        // nothing of another ticket or about no ticket.
        let on_ticket = audit_kinds(&by_ticket.body);
        assert_eq!(on_ticket[0], "legal_hold_changed", "{on_ticket:?}");
        assert!(
            on_ticket.contains(&"ticket_created".to_string()),
            "{on_ticket:?}"
        );
        assert!(
            !on_ticket.contains(&"customer_exported".to_string()),
            "{on_ticket:?}"
        );
        assert_eq!(
            on_ticket.iter().filter(|k| *k == "ticket_created").count(),
            1,
            "one ticket's creation: {on_ticket:?}"
        );
        let by_person = admin
            .get(&svc, &format!("/admin/audit?person={agent_id}"))
            .await;
        assert_eq!(audit_kinds(&by_person.body), ["legal_hold_changed"]);
        let by_admin = admin
            .get(&svc, &format!("/admin/audit?person={admin_id}"))
            .await;
        assert!(
            audit_kinds(&by_admin.body).iter().all(|k| k == "login"),
            "{:?}",
            audit_kinds(&by_admin.body)
        );
        let today = tandem::store::now().date();
        let tomorrow = today + Duration::days(1);
        let future = admin
            .get(&svc, &format!("/admin/audit?from={tomorrow}"))
            .await;
        assert!(audit_kinds(&future.body).is_empty());
        let within = admin
            .get(
                &svc,
                &format!("/admin/audit?from={today}&to={today}&action=customer_exported"),
            )
            .await;
        assert_eq!(audit_kinds(&within.body), ["customer_exported"]);
        assert_eq!(
            admin.get(&svc, "/admin/audit?from=yesterday").await.status,
            400
        );

        let csv = admin
            .get(
                &svc,
                &format!(
                    "/admin/audit.csv?ticket={}&action=legal_hold_changed",
                    tickets[1]
                ),
            )
            .await;
        assert_eq!(csv.status, 200);
        let lines: Vec<&str> = csv.body.lines().collect();
        assert_eq!(lines[0], "at_utc,who,ip,action,ticket,details");
        assert_eq!(lines.len(), 2, "{}", csv.body);
        assert!(
            lines[1].contains(",agent,") && lines[1].contains(",legal_hold_changed,"),
            "{}",
            lines[1]
        );
        assert_eq!(count_kind(&t, "audit_exported"), 1);

        let mut agent_browser = Browser::default();
        agent_browser
            .login(&svc, "agent@tandem.test", PASSWORD)
            .await;
        assert_eq!(
            agent_browser.get(&svc, "/admin/audit.csv").await.status,
            403
        );
    }
}

/// A message parked as failed may be the only copy of something that never became a
/// ticket: retention leaves it for an administrator, however old, and removes the
/// processed mail beside it.
#[core::prelude::v1::test]
fn retention_keeps_mail_parked_for_an_administrator() {
    let t = TestApp::with(&[("TANDEM_RETENTION_RAW_DAYS", "30")]);
    t.import_kb();
    t.ingest(&mail(
        "done@example.com",
        "",
        "Done",
        "d1@x",
        "A question about my invoice",
    ));
    t.ingest(&mail(
        "parked@example.com",
        "",
        "Parked",
        "p1@x",
        "A message that failed",
    ));
    let long_ago = tandem::store::now() - Duration::days(40);
    let mut conn = t.app.conn().unwrap();
    diesel::update(schema::raw_mail::table)
        .set(schema::raw_mail::processed_at.eq(long_ago))
        .execute(&mut conn)
        .unwrap();
    // The second one is parked, as a message that panicked in processing would be.
    diesel::update(schema::raw_mail::table.filter(schema::raw_mail::message_id.eq("p1@x")))
        .set((
            schema::raw_mail::status.eq(tandem::store::raw_mail::FAILED),
            schema::raw_mail::ticket_id.eq(None::<String>),
        ))
        .execute(&mut conn)
        .unwrap();
    drop(conn);
    let (code, out, err) = t.run_cli(&["retention"], b"");
    assert_eq!(code, 0, "{err}");
    let mut conn = t.app.conn().unwrap();
    let left: Vec<Option<String>> = schema::raw_mail::table
        .select(schema::raw_mail::message_id)
        .load(&mut conn)
        .unwrap();
    assert_eq!(left, vec![Some("p1@x".to_string())], "{out}");
    let parked =
        tandem::store::raw_mail::count_by_status(&mut conn, tandem::store::raw_mail::FAILED)
            .unwrap();
    assert_eq!(parked, 1);
}

/// Mail that reached no ticket is the customer's when its headers name their address in
/// any case, as a whole address: an erasure takes their parked mail (written in capitals
/// too) and leaves another sender's (`jimbob.builder@…`), and never touches mail still
/// waiting to be processed, which is then processed as if nothing happened.
#[test]
fn erasure_takes_the_customers_parked_mail_and_nobody_elses() {
    let t = TestApp::new();
    t.ingest(&crate::harness::email(BOB, "Shelf", "first@x", "Where is my shelf?"));
    let keep = |raw: String, parked: bool| -> String {
        let identity = tandem::mail::parse::identity(raw.as_bytes());
        let mut conn = t.app.conn().unwrap();
        let (tandem::store::raw_mail::Stored::New(row) | tandem::store::raw_mail::Stored::Seen(row)) =
            tandem::store::raw_mail::store(&mut conn, &identity.dedup_key, identity.message_id.as_deref(), raw.as_bytes()).unwrap();
        if parked {
            tandem::store::raw_mail::mark_failed(&mut conn, &row.id, "test").unwrap();
        } else {
            tandem::store::raw_mail::mark_queued(&mut conn, &row.id).unwrap();
        }
        row.id
    };
    let mail = |from: &str, id: &str, text: &str| {
        format!("From: {from}\r\nTo: {SUPPORT}\r\nSubject: Hi\r\nMessage-ID: <{id}>\r\n\r\n{text}\r\n")
    };
    let shouted = keep(mail(&BOB.to_uppercase(), "shouted@x", "parked"), true);
    let other = keep(mail(&format!("jim{BOB}"), "jim@x", "someone else's parked mail"), true);
    let waiting = keep(mail(BOB, "waiting@x", "My shelf is still missing, please check."), false);

    let export = tandem::app::privacy::export(&t.app, BOB, None).unwrap();
    assert_eq!(export.raw_messages, 2, "the filed message and the parked one, not jim's");
    tandem::app::privacy::erase(&t.app, BOB, "asked", None).unwrap();
    let mut conn = t.app.conn().unwrap();
    let left: Vec<String> = schema::raw_mail::table
        .select(schema::raw_mail::id)
        .load(&mut *conn)
        .unwrap();
    drop(conn);
    assert!(!left.contains(&shouted), "the customer's parked mail is erased");
    assert!(left.contains(&other), "another sender's is not");
    assert!(left.contains(&waiting), "mail waiting to be processed is never lost");
    assert_eq!(tandem::app::ingest_batch::process_backlog(&t.app, 10).unwrap(), 1);
}

/// Retention takes the personal data of every settled ticket idle past its days, not only
/// of closed ones (nothing closes a resolved or automatically answered ticket by itself),
/// and never of a ticket still waiting for a person.
#[test]
fn retention_takes_settled_tickets_of_any_kind_and_spares_those_waiting_for_a_person() {
    let t = TestApp::with(&[("TANDEM_RETENTION_CLOSED_DAYS", "365")]);
    t.import_kb();
    let answered = crate::harness::accepted(&t.ingest(&crate::harness::email(
        "zoe@example.com",
        "Where is my parcel?",
        "r1@x",
        "Where is my parcel? I ordered last week and it has not arrived yet. How can I track my order?",
    )));
    assert_eq!(answered.1, "auto_send");
    let waiting = crate::harness::accepted(&t.ingest(&crate::harness::email(
        "kim@example.com",
        "Invoice 77",
        "r2@x",
        "My invoice 77 shows the wrong amount, I am very angry. I want a person.",
    )));
    assert_ne!(waiting.1, "auto_send");
    let mut conn = t.app.conn().unwrap();
    diesel::update(schema::tickets::table)
        .set(schema::tickets::updated_at.eq(tandem::store::now() - Duration::days(400)))
        .execute(&mut *conn)
        .unwrap();
    drop(conn);
    let plan = tandem::app::privacy::retention_plan(&t.app, tandem::store::now()).unwrap();
    let due: Vec<i64> = plan.tickets.iter().map(|p| p.1).collect();
    assert_eq!(due, [answered.0], "the answered ticket, not the one waiting for a person");
}

/// A customer with a second address merged in: export and erasure cover what reached no
/// ticket under that address too (before: only under the first).
#[test]
fn erasure_and_export_cover_every_address_merged_into_the_customer() {
    let t = TestApp::new();
    let ana = add_user(&t, "ana@tandem.test", "agent");
    let by = ActingUser { id: ana, ip: None };
    let (home, _) = crate::harness::accepted(&t.ingest(&crate::harness::email(BOB, "Shelf", "home@x", "Where is my shelf?")));
    crate::harness::accepted(&t.ingest(&crate::harness::email("bob.at.work@example.org", "Shelf", "work@x", "Writing from work about my shelf.")));
    tandem::app::customers::merge_into_ticket_customer(&t.app, home, "bob.at.work@example.org", &by).unwrap();
    // Mail from the work address that was parked (it could not be processed).
    let raw = "From: bob.at.work@example.org\r\nTo: support@example.com\r\nSubject: Hi\r\nMessage-ID: <parked-work@x>\r\n\r\nparked\r\n";
    let identity = tandem::mail::parse::identity(raw.as_bytes());
    let mut conn = t.app.conn().unwrap();
    let (tandem::store::raw_mail::Stored::New(row) | tandem::store::raw_mail::Stored::Seen(row)) =
        tandem::store::raw_mail::store(&mut conn, &identity.dedup_key, identity.message_id.as_deref(), raw.as_bytes()).unwrap();
    tandem::store::raw_mail::mark_failed(&mut conn, &row.id, "test").unwrap();
    drop(conn);

    let export = tandem::app::privacy::export(&t.app, BOB, None).unwrap();
    assert_eq!(export.raw_messages, 3, "both filed messages and the parked one");
    tandem::app::privacy::erase(&t.app, BOB, "asked", None).unwrap();
    let mut conn = t.app.conn().unwrap();
    let left: i64 = schema::raw_mail::table.count().get_result(&mut *conn).unwrap();
    assert_eq!(left, 0, "nothing of either address is left");
}

/// What a customer wrote on another's ticket under a legal hold stays as it is: their
/// erasure is refused, naming that ticket, until the hold is lifted.
#[test]
fn erasure_stops_at_what_the_customer_wrote_on_a_held_ticket() {
    let t = TestApp::new();
    let (alices, _) = crate::harness::accepted(&t.ingest(&crate::harness::email("alice@example.com", "Contract", "a1@x", "About our contract renewal.")));
    t.ingest(&crate::harness::reply(BOB, "Re: Contract", "b1@x", "a1@x", BOB_SENTENCE));
    let bobs_words = |t: &TestApp| t.show(alices).messages.iter().any(|m| m.text.contains(BOB_SENTENCE));
    assert!(bobs_words(&t), "Bob's message is on Alice's ticket");
    tandem::app::privacy::set_hold(&t.app, tandem::app::privacy::HoldTarget::Ticket(alices), true, None).unwrap();
    let refused = tandem::app::privacy::erase(&t.app, BOB, "asked", None).unwrap_err();
    assert!(refused.to_string().contains(&format!("#{alices}")), "{refused}");
    assert!(bobs_words(&t), "the held ticket is unchanged");
    tandem::app::privacy::set_hold(&t.app, tandem::app::privacy::HoldTarget::Ticket(alices), false, None).unwrap();
    tandem::app::privacy::erase(&t.app, BOB, "asked", None).unwrap();
    assert!(!bobs_words(&t));
}

/// Someone who was never a customer (an agent copied them on another's ticket) and someone
/// who wrote into another's thread leave no trace there once erased: not among its
/// participants, not in its history, not in the webhooks that carried that history out.
#[test]
fn erasure_reaches_others_tickets_their_history_and_its_webhooks() {
    const CAROL: &str = "carol.copied@example.net";
    const EVE: &str = "eve.stranger@example.net";
    let t = TestApp::with(&[
        // Bob's ticket waits for review, so Eve's message escalates it, naming her.
        ("TANDEM_AUTO_THRESHOLD", "0.999"),
        ("TANDEM_WEBHOOK_URLS", "http://127.0.0.1:9/hook"),
        ("TANDEM_WEBHOOK_SECRET", "s3cret"),
    ]);
    t.import_kb();
    assert_eq!(tandem::app::webhooks::pump(&t.app, "test").unwrap(), 0);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let bobs = number(t.ingest(&mail(
        &format!("Bob Builder <{BOB}>"),
        "",
        "Sale",
        "b1@example.org",
        &format!("{BOB_SENTENCE}? Where is my order?"),
    )));
    t.deliver();
    let agent = add_user(&t, "ana@tandem.test", "agent");
    let by = ActingUser { id: agent, ip: None };
    tandem::app::participants::add(&t.app, bobs, CAROL, &by).unwrap();
    // Another person whose address ends in Carol's: untouched by her erasure.
    const MARY: &str = "mary.carol.copied@example.net";
    tandem::app::participants::add(&t.app, bobs, MARY, &by).unwrap();
    let ack = t
        .sent_mail()
        .into_iter()
        .find(|m| m.to.contains(BOB))
        .expect("Bob's acknowledgement")
        .message_id;
    let eves = number(t.ingest(&format!(
        "From: Eve <{EVE}>\r\nTo: {SUPPORT}\r\nSubject: Re: Sale\r\n\
         Message-ID: <e1@example.net>\r\nIn-Reply-To: <{ack}>\r\nReferences: <{ack}>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nI am Bob's neighbour.\r\n"
    )));
    assert_eq!(eves, bobs, "Eve's message is on Bob's ticket");
    std::thread::sleep(std::time::Duration::from_secs(
        tandem::app::webhooks::LAG_SECONDS as u64 + 1,
    ));
    assert!(tandem::app::webhooks::pump(&t.app, "test").unwrap() > 0);
    let webhooks_naming = |needle: &str| {
        let mut conn = t.app.conn().unwrap();
        let payloads: Vec<Vec<u8>> = match &mut *conn {
            tandem::store::DbConn::Sqlite(c) => schema::outbox::table
                .filter(schema::outbox::channel.eq("webhook"))
                .select(schema::outbox::payload)
                .load(c),
            tandem::store::DbConn::Postgres(c) => schema::outbox::table
                .filter(schema::outbox::channel.eq("webhook"))
                .select(schema::outbox::payload)
                .load(c),
        }
        .unwrap();
        payloads.iter().filter(|p| contains(p, needle)).count()
    };
    assert!(webhooks_naming(EVE) > 0, "the escalation's webhook names Eve");
    let (before, hex) = database_bytes(&t);
    assert!(found_in(&before, hex, EVE));

    // Not an address, or the team's own: refused, nothing changed.
    for not_a_customers in ["example.net", "ana@tandem.test", SUPPORT] {
        assert!(
            tandem::app::privacy::erase(&t.app, not_a_customers, "asked", None).is_err(),
            "{not_a_customers}"
        );
    }
    let carol = tandem::app::privacy::erase(&t.app, CAROL, "asked", None).unwrap();
    assert!(!carol.found, "Carol was never a customer");
    assert!(carol.mentions >= 2, "her place and its event: {}", carol.mentions);
    tandem::app::privacy::erase(&t.app, EVE, "asked", None).unwrap();

    assert_eq!(webhooks_naming(EVE), 0);
    let (after, hex) = database_bytes(&t);
    assert!(!found_in(&after, hex, EVE), "Eve is still in the database");
    // Carol's address, not as the end of Mary's.
    let whole = |bytes: &[u8], needle: &[u8]| {
        bytes.windows(needle.len()).enumerate().any(|(i, w)| {
            w.eq_ignore_ascii_case(needle)
                && !(i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || b"._%+-".contains(&bytes[i - 1])))
        })
    };
    assert!(whole(&before, CAROL.as_bytes()));
    assert!(!whole(&after, CAROL.as_bytes()), "Carol is still in the database");
    for n in [BOB, BOB_SENTENCE, MARY] {
        assert!(found_in(&after, hex, n), "{n} was lost");
    }
    let left = tandem::app::participants::list(&t.app, bobs).unwrap();
    assert_eq!(
        left.iter().map(|p| p.0.as_str()).collect::<Vec<_>>(),
        [MARY],
        "only Carol left Bob's ticket"
    );
    assert!(
        t.show(bobs)
            .events
            .iter()
            .any(|e| e.kind == "participant_added" && e.data["address"] == MARY),
        "Mary's event names her whole address"
    );
}

/// On a shared PostgreSQL, a message from a customer that arrives while their erasure is
/// under way waits for it and starts a new customer: nothing of it is filed under the
/// erased one, where it kept every word (SQLite's writers take turns already).
#[test]
fn a_message_arriving_during_an_erasure_is_not_filed_under_the_erased_customer() {
    let t = TestApp::with_kb();
    let Some((base, schema)) = t.db.postgres() else {
        return;
    };
    let first = number(t.ingest(&mail(
        &format!("Bob Builder <{BOB}>"),
        "",
        "Sale",
        "b1@example.org",
        &format!("{BOB_SENTENCE}? Where is my order?"),
    )));
    // The erasure's writes, not yet committed: its transaction holds Bob's row.
    let mut eraser = PgConnection::establish(base).unwrap();
    eraser
        .batch_execute(&format!(
            "SET search_path TO {schema}; BEGIN; \
             UPDATE customers SET vip = vip WHERE email = '{BOB}'; \
             UPDATE customers SET email = 'erased@customer.invalid', name = NULL, \
             erased_at = now() WHERE email = '{BOB}'"
        ))
        .unwrap();
    let late = std::thread::scope(|s| {
        let late = s.spawn(|| {
            number(t.ingest(&mail(
                &format!("Bob Builder <{BOB}>"),
                "",
                "Another question",
                "b2@example.org",
                "Do you deliver on Sundays?",
            )))
        });
        std::thread::sleep(std::time::Duration::from_millis(700));
        eraser.batch_execute("COMMIT").unwrap();
        late.join().unwrap()
    });
    assert_ne!(late, first);
    assert_eq!(t.show(first).summary.customer, "erased@customer.invalid");
    assert_eq!(
        t.show(late).summary.customer,
        BOB,
        "the late message is filed under a new customer with Bob's address"
    );
}

/// An agent made a customer's question an example of an article: their erasure takes it
/// out of the article and out of every version kept of it.
#[test]
fn erasure_takes_the_customers_words_out_of_the_knowledge_base_and_its_history() {
    let t = TestApp::with_kb();
    seed(&t);
    let bobs = tandem::app::tickets::list(&t.app, 50, 0)
        .unwrap()
        .into_iter()
        .find(|s| s.customer == BOB)
        .expect("Bob's ticket")
        .number;
    let agent = add_user(&t, "ana@tandem.test", "agent");
    let by = ActingUser { id: agent, ip: None };
    let article = {
        let mut conn = t.app.conn().unwrap();
        tandem::store::kb::find(&mut conn, "order_status", "en")
            .unwrap()
            .expect("the sample article")
            .id
    };
    tandem::app::kb::add_example_from_ticket(&t.app, bobs, &article, &by).unwrap();
    let questions = |t: &TestApp| {
        let mut conn = t.app.conn().unwrap();
        let now = tandem::store::kb::get(&mut conn, &article).unwrap().unwrap();
        let versions = tandem::store::kb::versions(&mut conn, &article).unwrap();
        (now.questions, versions.into_iter().map(|v| v.questions).collect::<Vec<_>>())
    };
    let (current, kept) = questions(&t);
    assert!(current.contains(BOB_SENTENCE), "{current}");
    assert!(kept.iter().any(|q| q.contains(BOB_SENTENCE)), "{kept:?}");

    let version = |t: &TestApp| {
        let mut conn = t.app.conn().unwrap();
        tandem::store::kb::get(&mut conn, &article).unwrap().unwrap().version
    };
    let before = version(&t);
    tandem::app::privacy::erase(&t.app, BOB, "asked", None).unwrap();
    assert!(
        version(&t) > before,
        "a new version: an editor open on the old one cannot save Bob's words back"
    );
    let (current, kept) = questions(&t);
    assert!(!current.contains(BOB_SENTENCE), "{current}");
    assert!(current.contains("Where is my order"), "the article's own examples stay: {current}");
    assert!(!kept.iter().any(|q| q.contains(BOB_SENTENCE)), "{kept:?}");
    let (after, hex) = database_bytes(&t);
    assert!(!found_in(&after, hex, BOB_SENTENCE), "Bob's words are still in the database");
}
