//! IMAP mailboxes (issue 14, item 1) against a real Dovecot from Debian, started by the
//! test: messages fetched once, marked seen only once stored, and a restart in the middle
//! (or a crash before the position was saved) neither loses nor doubles anything.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};

use crate::harness::TestApp;

const DOVECOT: &str = "/usr/sbin/dovecot";
/// The user (and group) the test's mailbox belongs to.
const NOBODY: u32 = 65534;

struct Dovecot {
    child: Child,
    dir: tempfile::TempDir,
    port: u16,
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        // SIGTERM: the master stops its imap processes too.
        let _ = Command::new("kill").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
    }
}

impl Dovecot {
    fn start() -> Option<Dovecot> {
        if !Path::new(DOVECOT).exists() {
            // `.ci/run` installs it; elsewhere the test says why it did nothing.
            assert!(std::env::var("CI").is_err(), "Dovecot is missing on CI (apt-get install dovecot-imapd)");
            eprintln!("skipped: {DOVECOT} is not installed (apt-get install dovecot-imapd)");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let d = dir.path().display();
        for sub in ["run", "state", "mail/support/new", "mail/support/cur", "mail/support/tmp"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        std::fs::write(dir.path().join("passwd"), "support:{PLAIN}secret-pass\n").unwrap();
        let conf = format!(
            "base_dir = {d}/run\nstate_dir = {d}/state\nlog_path = {d}/dovecot.log\n\
             protocols = imap\nlisten = 127.0.0.1\nssl = no\ndisable_plaintext_auth = no\n\
             auth_mechanisms = plain login\nmailbox_idle_check_interval = 1 secs\nmail_location = maildir:{d}/mail/%u\n\
             passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {d}/passwd\n}}\n\
             userdb {{\n  driver = static\n  args = uid={NOBODY} gid={NOBODY} home={d}/mail/%u\n}}\n\
             service imap-login {{\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {port}\n  }}\n  inet_listener imaps {{\n    port = 0\n  }}\n}}\n\
             service stats {{\n  unix_listener stats-reader {{\n    mode = 0600\n  }}\n  unix_listener stats-writer {{\n    mode = 0600\n  }}\n}}\n"
        );
        std::fs::write(dir.path().join("dovecot.conf"), conf).unwrap();
        // Dovecot will not read mail as root: the mailbox belongs to nobody.
        for sub in ["mail", "mail/support", "mail/support/new", "mail/support/cur", "mail/support/tmp"] {
            std::os::unix::fs::chown(dir.path().join(sub), Some(NOBODY), Some(NOBODY)).unwrap();
        }
        let child = Command::new(DOVECOT)
            .args(["-F", "-c"])
            .arg(dir.path().join("dovecot.conf"))
            .spawn()
            .expect("dovecot starts");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Some(Dovecot { child, dir, port });
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let log = std::fs::read_to_string(dir.path().join("dovecot.log")).unwrap_or_default();
        panic!("dovecot did not listen: {log}");
    }

    fn maildir(&self, sub: &str) -> PathBuf {
        self.dir.path().join("mail/support").join(sub)
    }

    /// Delivers a message as an MTA would: into `new/`.
    fn deliver(&self, n: usize, raw: &str) {
        let name = format!("{}.{n}.tandem-test", 1_700_000_000 + n);
        std::fs::write(self.maildir("tmp").join(&name), raw).unwrap();
        std::os::unix::fs::chown(self.maildir("tmp").join(&name), Some(NOBODY), Some(NOBODY)).unwrap();
        std::fs::rename(self.maildir("tmp").join(&name), self.maildir("new").join(&name)).unwrap();
    }

    /// A message a person already read in their mail program: in `cur/`, flagged seen.
    fn deliver_seen(&self, n: usize, raw: &str) {
        let name = format!("{}.{n}.tandem-test:2,S", 1_700_000_000 + n);
        std::fs::write(self.maildir("tmp").join(&name), raw).unwrap();
        std::os::unix::fs::chown(self.maildir("tmp").join(&name), Some(NOBODY), Some(NOBODY)).unwrap();
        std::fs::rename(self.maildir("tmp").join(&name), self.maildir("cur").join(&name)).unwrap();
    }

    fn url(&self) -> String {
        format!("imap://support:secret-pass@127.0.0.1:{}/INBOX", self.port)
    }

    /// Names of the messages the server has marked seen.
    fn seen(&self) -> usize {
        std::fs::read_dir(self.maildir("cur"))
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(":2,") && e.file_name().to_string_lossy().ends_with('S'))
            .count()
    }
}

fn mail(n: usize) -> String {
    format!(
        "From: customer{n}@example.com\r\nTo: support@example.com\r\nSubject: Question {n}\r\n\
         Message-ID: <imap-{n}@example.com>\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nHello, question number {n} about my invoice.\r\n"
    )
}

/// Rewrites the mailbox's saved position ("UIDVALIDITY:UID") as `to(validity, uid)` says.
fn move_position(t: &TestApp, to: impl Fn(&str, &str) -> String) {
    let mut conn = t.app.conn().unwrap();
    let (key, value): (String, String) = tandem::store::settings::all(&mut conn)
        .unwrap()
        .into_iter()
        .find(|(k, _)| k.starts_with("imap:"))
        .expect("the mailbox's position is kept");
    let (validity, uid) = value.split_once(':').unwrap();
    tandem::store::settings::set(&mut conn, &key, &to(validity, uid)).unwrap();
}

fn tickets(t: &TestApp) -> usize {
    let (code, out, err) = t.run_cli(&["ticket", "list", "--json"], b"");
    assert_eq!(code, 0, "{err}");
    serde_json::from_str::<Vec<serde_json::Value>>(&out).unwrap().len()
}

#[test]
fn a_mailbox_is_read_once_across_restarts_and_crashes() {
    let Some(dovecot) = Dovecot::start() else {
        return;
    };
    let t = TestApp::with_kb();
    for n in 1..=3 {
        dovecot.deliver(n, &mail(n));
    }
    let mailbox = tandem::app::imap::MailboxUrl::parse(&dovecot.url()).unwrap();
    // Stopped after two (a restart in the middle of the fetch)…
    let first = tandem::app::imap::poll(&t.app, &mailbox, 2).unwrap();
    assert_eq!((first.stored, first.duplicates), (2, 0));
    assert_eq!(dovecot.seen(), 2, "only what was stored is marked seen");
    // …a new process picks up the third, and only that.
    let restarted = tandem::app::App::open(t.app.config.clone()).unwrap();
    let second = tandem::app::imap::poll(&restarted, &mailbox, 500).unwrap();
    assert_eq!((second.stored, second.duplicates), (1, 0));
    assert_eq!(tickets(&t), 3);
    assert_eq!(dovecot.seen(), 3);
    // Nothing new: nothing fetched.
    assert_eq!(tandem::app::imap::poll(&restarted, &mailbox, 500).unwrap(), Default::default());

    // A crash after storing but before the position was saved: the position is behind.
    move_position(&t, |validity, _| format!("{validity}:0"));
    let again = tandem::app::imap::poll(&restarted, &mailbox, 500).unwrap();
    assert_eq!((again.stored, again.duplicates), (0, 3), "fetched again, kept once");
    assert_eq!(tickets(&t), 3);

    // A new message arrives: fetched once.
    dovecot.deliver(4, &mail(4));
    let fourth = tandem::app::imap::poll(&restarted, &mailbox, 500).unwrap();
    assert_eq!((fourth.stored, fourth.duplicates), (1, 0));
    assert_eq!(tickets(&t), 4);

    // IMAP IDLE: the server says when mail arrives (before the 20 s a wait may last).
    let watched = mailbox.clone();
    let waiter = std::thread::spawn(move || tandem::app::imap::wait_for_mail(&watched, std::time::Duration::from_secs(20)).unwrap());
    std::thread::sleep(std::time::Duration::from_millis(1500));
    dovecot.deliver(5, &mail(5));
    assert!(waiter.join().unwrap(), "IDLE reported the new message");
    assert_eq!(tandem::app::imap::poll(&restarted, &mailbox, 500).unwrap().stored, 1);

    // A wrong password is a temporary error: nothing is lost, the next round tries again.
    let wrong = tandem::app::imap::MailboxUrl::parse(&dovecot.url().replace("secret-pass", "nope")).unwrap();
    assert!(tandem::app::imap::poll(&restarted, &wrong, 500).unwrap_err().is_temporary());
}

/// A mailbox connected for the first time is read from its unseen messages: mail people
/// already read and answered is not taken again. After retention removed the stored copies
/// and the server renumbered the mailbox, nothing read before becomes a ticket again.
#[test]
fn a_new_or_renumbered_mailbox_is_read_from_its_unseen_messages() {
    let Some(dovecot) = Dovecot::start() else {
        return;
    };
    let t = TestApp::with_kb();
    dovecot.deliver_seen(1, &mail(1));
    dovecot.deliver(2, &mail(2));
    let mailbox = tandem::app::imap::MailboxUrl::parse(&dovecot.url()).unwrap();
    let first = tandem::app::imap::poll(&t.app, &mailbox, 500).unwrap();
    assert_eq!((first.stored, first.duplicates), (1, 0), "only the unread message");
    assert_eq!(tandem::app::imap::poll(&t.app, &mailbox, 500).unwrap(), Default::default());
    dovecot.deliver(3, &mail(3));
    assert_eq!(tandem::app::imap::poll(&t.app, &mailbox, 500).unwrap().stored, 1);
    assert_eq!(tickets(&t), 2);

    // Retention removes the stored copies after 30 days …
    {
        use diesel::prelude::*;
        use tandem::store::schema::raw_mail;
        let mut conn = t.app.conn().unwrap();
        diesel::update(raw_mail::table)
            .set(raw_mail::processed_at.eq(tandem::store::now() - chrono::Duration::days(40)))
            .execute(&mut *conn)
            .unwrap();
    }
    let (code, _, err) = t.run_cli(&["retention"], b"");
    assert_eq!(code, 0, "{err}");
    // … and the server renumbers the mailbox (a new UIDVALIDITY).
    move_position(&t, |_, uid| format!("424242:{uid}"));
    let renumbered = tandem::app::imap::poll(&t.app, &mailbox, 500).unwrap();
    assert_eq!(renumbered, Default::default(), "nothing read before is taken again");
    assert_eq!(tickets(&t), 2);
    dovecot.deliver(4, &mail(4));
    assert_eq!(tandem::app::imap::poll(&t.app, &mailbox, 500).unwrap().stored, 1);
    assert_eq!(tickets(&t), 3);
}

/// A message the server cannot give (here a file it may not read: `UID FETCH` answers NO)
/// is tried again on the next rounds, then left in the mailbox for a person: the messages
/// after it are read, not kept waiting behind it for ever.
#[test]
fn a_message_the_server_cannot_give_does_not_block_the_mailbox() {
    let Some(dovecot) = Dovecot::start() else {
        return;
    };
    let t = TestApp::with_kb();
    let mailbox = tandem::app::imap::MailboxUrl::parse(&dovecot.url()).unwrap();
    assert_eq!(tandem::app::imap::poll(&t.app, &mailbox, 500).unwrap(), Default::default());
    dovecot.deliver(1, &mail(1));
    dovecot.deliver(2, &mail(2));
    dovecot.deliver(3, &mail(3));
    // The second one's file becomes unreadable to the server.
    let unreadable = std::fs::read_dir(dovecot.maildir("new"))
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| e.file_name().to_string_lossy().contains(".2.tandem-test"))
        .unwrap()
        .path();
    std::os::unix::fs::chown(&unreadable, Some(0), Some(0)).unwrap();
    std::fs::set_permissions(&unreadable, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
    let mut rounds = 0;
    while tickets(&t) < 2 && rounds < 5 {
        rounds += 1;
        match tandem::app::imap::poll(&t.app, &mailbox, 500) {
            Ok(_) => {}
            Err(e) => assert!(e.is_temporary(), "{e}"),
        }
    }
    assert_eq!(tickets(&t), 2, "the messages around it are read");
    assert!(rounds <= 4, "{rounds} rounds");
    assert_eq!(dovecot.seen(), 2, "the unreadable one stays unseen, for a person");
}
