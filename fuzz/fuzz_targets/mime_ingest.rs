//! Everything pure that ingest does with a raw message before the database: the checks,
//! the dedup key, the MIME parse, threading keys, loop protection, triage text and PII
//! redaction, the HTML the console would show, and the acknowledgement composed back to
//! the sender. None of it may panic, whatever the bytes.

#![no_main]
#![allow(dead_code)]

// The very source files `tandem` builds, under the same module paths, without the
// database and web stack the rest of the crate needs.
#[path = "../../src/domain/mod.rs"]
mod domain;
#[path = "../../src/i18n.rs"]
mod i18n;
#[path = "../../src/mail"]
mod mail {
    pub mod compose;
    pub mod html;
    pub mod parse;
}
#[path = "../../src/triage"]
mod triage {
    pub mod language;
    pub mod pii;
    pub use pii::redact_pii;
}

use domain::{loop_guard, quoting, threading, wording};
use libfuzzer_sys::fuzz_target;
use mail::compose::{self, Outgoing};
use mail::{html, parse};

fuzz_target!(|raw: &[u8]| {
    if parse::precheck(raw, 1 << 20).is_err() {
        return;
    }
    let _ = parse::dedup_key(raw);
    let Ok(mail) = parse::parse(raw) else {
        return;
    };
    let triage_text = mail.triage_text();
    let _ = quoting::strip_quoted(&mail.text);
    let _ = triage::redact_pii(&triage_text);
    let language = triage::language::detect(&triage_text, &[], "en");
    if let Some(h) = &mail.html {
        let _ = html::sanitize(h);
    }
    let _ = threading::ticket_number_in_subject(&mail.subject);
    let subject = threading::clean_subject(&mail.subject);
    let _ = loop_guard::check(&mail.provenance(), "support@tandem.test", 0, 5);
    let to_name = mail.from_name.clone();
    let number = 1001;
    // The acknowledgement in the language the message was detected in, greeting the
    // sender by the name their mail gave, as ingest writes it.
    let texts = wording::Texts::new(&language, None);
    let recipient = wording::Recipient {
        name: to_name.as_deref(),
        offset: None,
    };
    let letter = wording::acknowledgement(&texts, number, chrono::Utc::now(), &recipient, "Support");
    let reply = Outgoing {
        from_name: "Tandem Support".into(),
        from_address: "support@tandem.test".into(),
        to_address: mail.from_address.clone(),
        to_name,
        subject: threading::reply_subject(&subject, number),
        body: letter.text,
        message_id: compose::new_message_id("support@tandem.test"),
        in_reply_to: mail.message_id.clone(),
        references: mail.thread_ids.iter().take(10).cloned().collect(),
        auto_submitted: true,
        language: letter.language,
    };
    if let Ok(bytes) = compose::compose(&reply) {
        // What we write must parse back with the customer as its only recipient.
        let back = parse::parse(&bytes).expect("our own mail parses");
        assert_eq!(back.from_address, "support@tandem.test");
    }
});
