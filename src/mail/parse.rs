//! Turns raw RFC 5322 bytes into what the ingest use case needs, with a real MIME parser
//! (charsets, quoted-printable, base64, multipart, HTML-only mail turned into text).

use mail_parser::{MessageParser, MimeHeaders};
use sha2::{Digest, Sha256};

use crate::domain::loop_guard::Provenance;
use crate::mail::compose::header_text;

/// Triage reads at most this much of a message; the full text is kept.
const TRIAGE_TEXT_LIMIT: usize = 20_000;

#[derive(Debug, Clone)]
pub struct InboundAttachment {
    pub filename: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// A parsed inbound email.
#[derive(Debug, Clone)]
pub struct InboundMail {
    pub message_id: Option<String>,
    /// In-Reply-To first, then References newest first: the order to try when threading.
    pub thread_ids: Vec<String>,
    pub from_address: String,
    pub from_name: Option<String>,
    /// The To and Cc addresses (lower-cased): who else the sender wrote to.
    pub recipients: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    pub attachments: Vec<InboundAttachment>,
    pub auto_submitted: Option<String>,
    pub precedence: Option<String>,
    pub has_list_id: bool,
    pub vendor_auto_reply: bool,
    /// The raw `Date:` header: its offset tells the customer's time zone.
    pub date: Option<String>,
}

impl InboundMail {
    pub fn provenance(&self) -> Provenance<'_> {
        Provenance {
            sender: &self.from_address,
            auto_submitted: self.auto_submitted.as_deref(),
            precedence: self.precedence.as_deref(),
            has_list_id: self.has_list_id,
            vendor_auto_reply: self.vendor_auto_reply,
        }
    }

    /// The part of the text that triage reads: new text only, bounded in size.
    pub fn triage_text(&self) -> String {
        let stripped = crate::domain::quoting::strip_quoted(&self.text);
        let mut end = stripped.len().min(TRIAGE_TEXT_LIMIT);
        while !stripped.is_char_boundary(end) {
            end -= 1;
        }
        stripped[..end].to_string()
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MalformedMail {
    #[error("the message is empty")]
    Empty,
    #[error("the message is {0} bytes, more than the limit of {1}")]
    TooLarge(usize, usize),
    #[error("no RFC 5322 header section was found")]
    NoHeaders,
    #[error("the message has no usable From address")]
    NoSender,
}

/// What identifies one message, read from the header section only (the raw bytes are
/// stored before the full parse).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The key under which the raw message is stored once (a unique column).
    pub dedup_key: String,
    /// The Message-ID, when there is one.
    pub message_id: Option<String>,
}

/// The identity of a raw message. The dedup key covers the Message-ID *and* the sender
/// and a digest of the content (subject, date and body), so that copies of one message
/// (an MTA's retry, the same mail through two MX hosts with other trace headers) share a
/// key, while a different message that reuses a Message-ID (a stranger who guessed it)
/// gets its own key and is stored, not dropped (issue 9).
pub fn identity(raw: &[u8]) -> Identity {
    let Some(headers) = MessageParser::new().parse_headers(raw) else {
        return Identity {
            dedup_key: format!("sha256:{}", hex::encode(Sha256::digest(raw))),
            message_id: None,
        };
    };
    let message_id = headers
        .message_id()
        .map(|id| clean_id(id.trim()))
        .filter(|id| !id.is_empty() && id.len() <= 512);
    let sender = headers
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .map(|a| a.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let mut digest = Sha256::new();
    for part in [
        message_id.as_deref().unwrap_or(""),
        &sender,
        headers.subject().unwrap_or(""),
        headers.header_raw("Date").unwrap_or("").trim(),
    ] {
        digest.update(part.as_bytes());
        digest.update([0u8]);
    }
    digest.update(Sha256::digest(normalized_body(raw)));
    Identity {
        dedup_key: format!("msg:{}", hex::encode(digest.finalize())),
        message_id,
    }
}

/// The key under which a raw message is stored once; see [`identity`].
pub fn dedup_key(raw: &[u8]) -> String {
    identity(raw).dedup_key
}

/// The body bytes after the header section, with CRLF as LF and trailing whitespace
/// dropped, so that a relay that rewrites line ends does not make a copy look new.
fn normalized_body(raw: &[u8]) -> Vec<u8> {
    let crlf = raw.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4);
    let lf = raw.windows(2).position(|w| w == b"\n\n").map(|p| p + 2);
    let start = match (crlf, lf) {
        (Some(a), Some(b)) => a.min(b),
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => raw.len(),
    };
    let mut body: Vec<u8> = Vec::with_capacity(raw.len() - start);
    for &b in &raw[start..] {
        if b == b'\n' && body.last() == Some(&b'\r') {
            body.pop();
        }
        body.push(b);
    }
    while body.last().is_some_and(|b| b.is_ascii_whitespace()) {
        body.pop();
    }
    body
}

/// Checks what can be checked before the message is stored.
pub fn precheck(raw: &[u8], max_bytes: usize) -> Result<(), MalformedMail> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(MalformedMail::Empty);
    }
    if raw.len() > max_bytes {
        return Err(MalformedMail::TooLarge(raw.len(), max_bytes));
    }
    Ok(())
}

pub fn parse(raw: &[u8]) -> Result<InboundMail, MalformedMail> {
    let msg = MessageParser::default()
        .parse(raw)
        .ok_or(MalformedMail::NoHeaders)?;
    if msg.headers().is_empty() {
        return Err(MalformedMail::NoHeaders);
    }
    let from = msg
        .from()
        .and_then(|a| a.first())
        .or_else(|| msg.sender().and_then(|a| a.first()))
        .ok_or(MalformedMail::NoSender)?;
    let from_address = from
        .address()
        .map(|a| a.trim().to_ascii_lowercase())
        .filter(|a| is_plausible_address(a))
        .ok_or(MalformedMail::NoSender)?;
    // Names and subjects become header values of our answers and one-line labels in
    // the console: no control characters (a CR/LF, a NUL) survive.
    let from_name = from.name().map(header_text).filter(|n| !n.is_empty());

    let mut thread_ids: Vec<String> = Vec::new();
    let push_ids = |v: &mail_parser::HeaderValue| {
        let ids: Vec<String> = match v {
            mail_parser::HeaderValue::Text(t) => vec![clean_id(t)],
            mail_parser::HeaderValue::TextList(l) => l.iter().map(|t| clean_id(t)).collect(),
            _ => Vec::new(),
        };
        ids
    };
    let in_reply_to = push_ids(msg.in_reply_to());
    let mut references = push_ids(msg.references());
    references.reverse();
    for id in in_reply_to.into_iter().chain(references) {
        if thread_ids.len() == MOST_THREAD_IDS {
            break;
        }
        if !id.is_empty() && id.len() <= MOST_ID_BYTES && !thread_ids.contains(&id) {
            thread_ids.push(id);
        }
    }

    // PostgreSQL's TEXT refuses a NUL; the raw bytes keep it, the text columns do not.
    let text = msg
        .body_text(0)
        .map(|t| without_nul(&t))
        .unwrap_or_default();
    let html = msg
        .body_html(0)
        .map(|h| without_nul(&h))
        .filter(|_| msg.html_body_count() > 0 && is_html_part(&msg));
    let attachments = msg
        .attachments()
        .map(|part| {
            let content_type = part
                .content_type()
                .map(|ct| match &ct.c_subtype {
                    Some(sub) => header_text(&format!("{}/{}", ct.c_type, sub)),
                    None => header_text(&ct.c_type),
                })
                .unwrap_or_else(|| "application/octet-stream".into());
            InboundAttachment {
                filename: part
                    .attachment_name()
                    .map(sanitize_filename)
                    .unwrap_or_else(|| "attachment".into()),
                content_type,
                content: part.contents().to_vec(),
            }
        })
        .collect();

    let recipients: Vec<String> = msg
        .to()
        .into_iter()
        .chain(msg.cc())
        .flat_map(|a| a.iter())
        .filter_map(|a| a.address())
        .map(|a| header_text(a).to_ascii_lowercase())
        .filter(|a| is_plausible_address(a))
        .collect();
    let header = |name: &str| msg.header_raw(name).map(header_text);
    let vendor_auto_reply = header("X-Autoreply").is_some()
        || header("X-Autorespond").is_some()
        || header("X-Auto-Response-Suppress").is_some_and(|v| {
            v.to_ascii_lowercase()
                .split(',')
                .any(|p| matches!(p.trim(), "all" | "autoreply"))
        });
    Ok(InboundMail {
        message_id: msg
            .message_id()
            .map(clean_id)
            .filter(|id| !id.is_empty() && id.len() <= MOST_ID_BYTES),
        thread_ids,
        from_address,
        from_name,
        recipients,
        subject: msg.subject().map(header_text).unwrap_or_default(),
        text,
        html,
        attachments,
        auto_submitted: header("Auto-Submitted"),
        precedence: header("Precedence"),
        has_list_id: header("List-Id").is_some(),
        vendor_auto_reply,
        date: header("Date"),
    })
}

/// mail-parser offers a text part as HTML when there is no HTML; keep real HTML only.
fn is_html_part(msg: &mail_parser::Message) -> bool {
    msg.html_bodies().any(|p| p.is_text_html())
}

/// An address we can store and answer: lettre must accept it, or composing the
/// acknowledgement would fail for a reason no retry can fix.
fn is_plausible_address(a: &str) -> bool {
    match a.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !a.contains(|c: char| c.is_whitespace() || c.is_control())
                && a.parse::<lettre::Address>().is_ok()
        }
        None => false,
    }
}

/// Longest Message-ID kept (RFC 5322 sets no limit; real ones are under 100 bytes). A
/// longer one is treated as absent: it would make our replies' header lines too long.
const MOST_ID_BYTES: usize = 250;

/// Most Message-IDs a reply is threaded by: its In-Reply-To, then the newest References.
/// (A References header of 40,000 IDs made every attempt to file the mail fail.)
const MOST_THREAD_IDS: usize = 50;

/// A Message-ID as stored: visible characters only.
fn clean_id(id: &str) -> String {
    id.chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect()
}

fn without_nul(text: &str) -> String {
    text.replace('\0', "")
}

/// Attachment names come from strangers: keep them printable and free of paths.
fn sanitize_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    if clean.trim().is_empty() || clean == "." || clean == ".." {
        "attachment".into()
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A References header of 40,000 IDs made every attempt to file the mail fail; an ID
    /// of thousands of bytes went into our replies' header lines.
    #[test]
    fn a_reply_is_threaded_by_its_in_reply_to_and_newest_references_of_sane_length() {
        let long = format!("{}@x", "a".repeat(3000));
        let references: String = (0..40_000).map(|i| format!(" <r{i}@x>")).collect();
        let raw = format!(
            "From: ana@example.com\r\nSubject: Re: hi\r\nMessage-ID: <{long}>\r\n\
             In-Reply-To: <out-1@tandem>\r\nReferences:{references} <{long}>\r\n\r\nhi\r\n"
        );
        let m = parse(raw.as_bytes()).unwrap();
        assert_eq!(m.message_id, None);
        assert_eq!(m.thread_ids.len(), 50);
        assert_eq!(m.thread_ids[0], "out-1@tandem");
        assert_eq!(m.thread_ids[1], "r39999@x");
        assert_eq!(m.thread_ids[49], "r39951@x");
    }

    #[test]
    fn multipart_with_charset_and_attachment() {
        let raw = b"From: =?ISO-8859-1?Q?J=F6rg_M=FCller?= <Joerg@Example.DE>\r\n\
To: support@localhost\r\nSubject: =?UTF-8?B?R3LDvMOfZQ==?=\r\nMessage-ID: <abc@x>\r\n\
In-Reply-To: <out-1@tandem>\r\nReferences: <first@x> <out-1@tandem>\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\
Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
Sch=F6ne Gr=FC=DFe\r\n--b\r\nContent-Type: application/pdf; name=\"../../inv.pdf\"\r\n\
Content-Disposition: attachment; filename=\"../../inv.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n\
JVBERi0=\r\n--b--\r\n";
        let m = parse(raw).unwrap();
        assert_eq!(m.from_address, "joerg@example.de");
        assert_eq!(m.from_name.as_deref(), Some("Jörg Müller"));
        assert_eq!(m.subject, "Grüße");
        assert_eq!(m.text.trim(), "Schöne Grüße");
        assert_eq!(m.thread_ids, vec!["out-1@tandem", "first@x"]);
        assert_eq!(m.attachments.len(), 1);
        assert_eq!(m.attachments[0].filename, "inv.pdf");
        assert_eq!(m.attachments[0].content_type, "application/pdf");
        assert_eq!(m.attachments[0].content, b"%PDF-");
        let id = identity(raw);
        assert_eq!(id.message_id.as_deref(), Some("abc@x"));
        assert!(id.dedup_key.starts_with("msg:"));
    }

    #[test]
    fn html_only_mail_becomes_text() {
        let raw = b"From: a@b.c\r\nSubject: hi\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Where is <b>my order</b>?</p><script>x()</script>";
        let m = parse(raw).unwrap();
        assert!(m.text.contains("Where is my order?"), "{:?}", m.text);
        assert!(m.html.is_some());
        assert_eq!(identity(raw).message_id, None);
    }

    #[test]
    fn malformed_input_is_named() {
        assert_eq!(precheck(b"  \n", 100), Err(MalformedMail::Empty));
        assert_eq!(
            precheck(&[b'a'; 101], 100),
            Err(MalformedMail::TooLarge(101, 100))
        );
        assert!(matches!(
            parse(b"Subject: no sender\r\n\r\nbody"),
            Err(MalformedMail::NoSender)
        ));
        assert!(parse(b"this is not an email at all").is_err());
        assert!(matches!(
            parse(b"From: not-an-address\r\n\r\nx"),
            Err(MalformedMail::NoSender)
        ));
    }
}
