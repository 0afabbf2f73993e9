//! SMTP delivery against a real SMTP server process (aiosmtpd), including the server
//! being down at first: the message waits in the outbox and arrives once, when it is back.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{TestApp, email};

struct SmtpServer(Child);

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn aiosmtpd_available() -> bool {
    Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .status()
        .is_ok_and(|s| s.success())
}

fn start_server(port: u16, maildir: &std::path::Path) -> SmtpServer {
    let child = Command::new("python3")
        .args([
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            &format!("127.0.0.1:{port}"),
            "-c",
            "aiosmtpd.handlers.Mailbox",
            maildir.to_str().unwrap(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start aiosmtpd");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "aiosmtpd did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    SmtpServer(child)
}

fn delivered(maildir: &std::path::Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(maildir.join("new")) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect()
}

#[test]
fn smtp_delivery_survives_a_server_that_is_down_at_first() {
    if !aiosmtpd_available() {
        assert!(
            std::env::var("CI").is_err(),
            "CI must install aiosmtpd (pip install aiosmtpd)"
        );
        eprintln!("skipped: python3 -m aiosmtpd is not installed here");
        return;
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let t = TestApp::with(&[("TANDEM_SMTP_URL", &format!("smtp://127.0.0.1:{port}"))]);
    t.import_kb();
    t.ingest(&email(
        "ana@example.com",
        "Where is my parcel?",
        "smtp1@example.com",
        "where is my parcel? how can I track my order?",
    ));

    // Down: the attempt fails, the message stays queued for a retry.
    let round = t.deliver();
    assert_eq!((round.sent, round.retrying), (0, 1));
    let maildir = t.dir.path().join("maildir");
    let _server = start_server(port, &maildir);
    // The back-off has not passed yet: nothing is tried.
    assert_eq!(t.deliver().sent, 0);
    let mut conn = t.app.conn().unwrap();
    tandem::store::outbox::retry_now(&mut conn, tandem::store::now()).unwrap();
    assert_eq!(t.deliver().sent, 1);
    assert_eq!(t.deliver().sent, 0, "a sent message is never sent again");
    let mails = delivered(&maildir);
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0].contains("Subject: Re: [#1001] Where is my parcel?"),
        "{}",
        mails[0]
    );
    assert!(mails[0].contains("Auto-Submitted: auto-replied"));
}
