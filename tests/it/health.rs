//! `tandem check`: an admin's look at whether the store is intact and its mail moves.

use diesel::connection::SimpleConnection;
use tandem::app::health::check;
use tandem::store::health::Integrity;

use crate::harness::{TestApp, email};

fn question(i: usize) -> String {
    email(
        &format!("customer{i}@example.com"),
        "Where is my order?",
        &format!("health-{i}@example.com"),
        "Hello, I ordered a lamp last week and it has not arrived. Where is my order?",
    )
}

#[test]
fn check_reports_a_sound_store_and_the_mail_still_to_send() {
    let t = TestApp::with_kb();
    for i in 0..3 {
        t.ingest(&question(i));
    }
    let (code, out, err) = t.run_cli(&["check"], b"");
    assert_eq!(code, 0, "{out}{err}");
    let integrity = if t.db.is_postgres() {
        "integrity: not checked"
    } else {
        "integrity: ok"
    };
    assert!(out.contains(integrity), "{out}");
    assert!(out.contains("migrations: all applied"), "{out}");
    assert!(
        out.contains("inbound: 0 waiting to be processed, 0 parked as failed"),
        "{out}"
    );
    assert!(
        out.contains("outbox: 3 waiting to be sent, the oldest due since"),
        "{out}"
    );

    t.deliver();
    let (code, out, _) = t.run_cli(&["check", "--full"], b"");
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("outbox: 0 waiting to be sent, 0 failed for good"),
        "{out}"
    );
}

/// A damaged page is found and named, and the exit code tells a monitoring job.
#[test]
fn check_finds_a_damaged_page_of_a_sqlite_store() {
    let t = TestApp::with_kb();
    if t.db.is_postgres() {
        return;
    }
    for i in 0..3 {
        t.ingest(&question(i));
    }
    let path = t.env["TANDEM_DATABASE_URL"]
        .strip_prefix("sqlite://")
        .expect("a SQLite URL")
        .to_string();
    // Everything into the main file, so that the damage below is what a reader sees.
    let mut conn = t.app.conn().unwrap();
    conn.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    #[derive(diesel::QueryableByName)]
    struct Page {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    use diesel::RunQueryDsl;
    let root: Page =
        diesel::sql_query("SELECT rootpage AS n FROM sqlite_master WHERE name = 'messages'")
            .get_result(&mut *conn)
            .unwrap();
    let size: Page = diesel::sql_query("SELECT page_size AS n FROM pragma_page_size")
        .get_result(&mut *conn)
        .unwrap();
    drop(conn);
    {
        use std::io::{Seek, SeekFrom, Write};
        let mut file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        file.seek(SeekFrom::Start(((root.n - 1) * size.n) as u64))
            .unwrap();
        file.write_all(&vec![0xA5; size.n as usize]).unwrap();
        file.sync_all().unwrap();
    }
    let (code, out, err) = t.run_cli(&["check"], b"");
    assert_eq!(code, 65, "{out}{err}");
    assert!(out.contains("integrity: DAMAGED"), "{out}");
    assert!(
        out.lines().filter(|l| l.starts_with("  ")).count() >= 1,
        "{out}"
    );
}

/// The ingest writer's group commits (four threads) and the outbox worker's writes side
/// by side, as in `serve` under a burst. Returns the replies sent while mail came in.
fn write_side_by_side(t: &TestApp, emails: &[String]) -> usize {
    use std::sync::atomic::{AtomicBool, Ordering};
    let done = AtomicBool::new(false);
    let app = &t.app;
    std::thread::scope(|s| {
        let senders: Vec<_> = emails
            .chunks(emails.len().div_ceil(4))
            .map(|chunk| {
                s.spawn(move || {
                    for group in chunk.chunks(12) {
                        let raws: Vec<&[u8]> = group.iter().map(|r| r.as_bytes()).collect();
                        for r in tandem::app::ingest_batch::ingest_many(app, &raws) {
                            r.expect("stored");
                        }
                    }
                })
            })
            .collect();
        let outbox = s.spawn(|| {
            let mut sent = 0;
            while !done.load(Ordering::SeqCst) {
                sent += t.deliver().sent;
            }
            sent
        });
        for sender in senders {
            sender.join().unwrap();
        }
        done.store(true, Ordering::SeqCst);
        outbox.join().unwrap()
    })
}

/// After the writers: every page of the file sound, every reply sent once, and the outbox
/// kept sending while the mail came in.
#[test]
fn the_store_is_intact_after_ingest_and_outbox_wrote_side_by_side() {
    let t = TestApp::with_kb();
    let emails: Vec<String> = (0..240).map(question).collect();
    let sent_during = write_side_by_side(&t, &emails);
    while t.deliver().sent > 0 {}
    let health = check(&t.app, false).unwrap();
    assert!(
        matches!(health.integrity, Integrity::Sound | Integrity::NotChecked),
        "{:?}",
        health.integrity
    );
    assert_eq!((health.outbox_waiting, health.outbox_failed), (0, 0));
    assert_eq!(
        t.sent_mail().len(),
        emails.len(),
        "one reply an email, each once"
    );
    assert!(
        sent_during > 0,
        "the outbox sent nothing while mail came in"
    );
}

/// The full check also compares the word-search index (FTS5) with the text it indexed.
/// Run on a pooled connection that had written to the index, SQLite's check reported
/// "fts5: checksum mismatch" in about one run in three after these writers, while a fresh
/// connection (and a search on the same one) found everything in order: the check read the
/// index's structure as that connection had cached it. `check` therefore looks through a
/// connection of its own.
#[test]
fn the_search_index_matches_its_text_after_ingest_and_outbox_wrote_side_by_side() {
    let t = TestApp::with_kb();
    let emails: Vec<String> = (0..240).map(question).collect();
    write_side_by_side(&t, &emails);
    let health = check(&t.app, true).unwrap();
    assert!(
        matches!(health.integrity, Integrity::Sound | Integrity::NotChecked),
        "{:?}",
        health.integrity
    );
}
