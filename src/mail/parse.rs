//! Turns raw RFC 5322 bytes into what the ingest use case needs, with a real MIME parser
//! (charsets, quoted-printable, base64, multipart, HTML-only mail turned into text).

use mail_parser::{MessageParser, MimeHeaders};
use sha2::{Digest, Sha256};

use crate::domain::loop_guard::Provenance;

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

/// The key under which a raw message is stored once: its Message-ID, or a hash of its bytes.
pub fn dedup_key(raw: &[u8]) -> String {
    match quick_message_id(raw) {
        Some(id) => format!("mid:{id}"),
        None => format!("sha256:{}", hex::encode(Sha256::digest(raw))),
    }
}

/// Reads the Message-ID without a full parse (the raw is stored before parsing).
fn quick_message_id(raw: &[u8]) -> Option<String> {
    let parsed = MessageParser::new().parse_headers(raw)?;
    parsed
        .message_id()
        .map(str::trim)
        .filter(|id| !id.is_empty() && id.len() <= 512)
        .map(str::to_string)
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
    let from_name = from
        .name()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string);

    let mut thread_ids: Vec<String> = Vec::new();
    let push_ids = |v: &mail_parser::HeaderValue| {
        let ids: Vec<String> = match v {
            mail_parser::HeaderValue::Text(t) => vec![t.to_string()],
            mail_parser::HeaderValue::TextList(l) => l.iter().map(|t| t.to_string()).collect(),
            _ => Vec::new(),
        };
        ids
    };
    let in_reply_to = push_ids(msg.in_reply_to());
    let mut references = push_ids(msg.references());
    references.reverse();
    for id in in_reply_to.into_iter().chain(references) {
        if !id.is_empty() && !thread_ids.contains(&id) {
            thread_ids.push(id);
        }
    }

    let text = msg.body_text(0).map(|t| t.into_owned()).unwrap_or_default();
    let html = msg
        .body_html(0)
        .map(|h| h.into_owned())
        .filter(|_| msg.html_body_count() > 0 && is_html_part(&msg));
    let attachments = msg
        .attachments()
        .map(|part| {
            let content_type = part
                .content_type()
                .map(|ct| match &ct.c_subtype {
                    Some(sub) => format!("{}/{}", ct.c_type, sub),
                    None => ct.c_type.to_string(),
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

    let header_text = |name: &str| msg.header_raw(name).map(|v| v.trim().to_string());
    let vendor_auto_reply = header_text("X-Autoreply").is_some()
        || header_text("X-Autorespond").is_some()
        || header_text("X-Auto-Response-Suppress").is_some_and(|v| {
            v.to_ascii_lowercase()
                .split(',')
                .any(|p| matches!(p.trim(), "all" | "autoreply"))
        });
    Ok(InboundMail {
        message_id: msg.message_id().map(str::to_string),
        thread_ids,
        from_address,
        from_name,
        subject: msg
            .subject()
            .map(|s| s.trim().to_string())
            .unwrap_or_default(),
        text,
        html,
        attachments,
        auto_submitted: header_text("Auto-Submitted"),
        precedence: header_text("Precedence"),
        has_list_id: header_text("List-Id").is_some(),
        vendor_auto_reply,
        date: header_text("Date"),
    })
}

/// mail-parser offers a text part as HTML when there is no HTML; keep real HTML only.
fn is_html_part(msg: &mail_parser::Message) -> bool {
    msg.html_bodies().any(|p| p.is_text_html())
}

fn is_plausible_address(a: &str) -> bool {
    match a.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && !domain.is_empty() && !a.contains(char::is_whitespace)
        }
        None => false,
    }
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
        assert_eq!(dedup_key(raw), "mid:abc@x");
    }

    #[test]
    fn html_only_mail_becomes_text() {
        let raw = b"From: a@b.c\r\nSubject: hi\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Where is <b>my order</b>?</p><script>x()</script>";
        let m = parse(raw).unwrap();
        assert!(m.text.contains("Where is my order?"), "{:?}", m.text);
        assert!(m.html.is_some());
        assert!(dedup_key(raw).starts_with("sha256:"));
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
