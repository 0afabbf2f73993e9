//! Composes outgoing mail with lettre: our own Message-ID, threading headers to the
//! customer's mail, `Auto-Submitted` on automatic answers (RFC 3834), and the text both
//! as plain text and as HTML (multipart/alternative, right to left for Arabic, Hebrew,
//! Persian and Urdu) with `Content-Language` naming the language of the text.

use lettre::Message;
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};

/// Everything needed to write one outgoing mail.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub from_name: String,
    pub from_address: String,
    pub to_address: String,
    pub to_name: Option<String>,
    pub subject: String,
    pub body: String,
    /// Without angle brackets.
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub auto_submitted: bool,
    /// The `Content-Language` value: the language(s) the body is written in.
    pub language: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("invalid address {0:?}")]
    Address(String),
    #[error("cannot build the message: {0}")]
    Build(String),
}

/// A fresh Message-ID in our own domain (the support address's).
pub fn new_message_id(support_address: &str) -> String {
    let domain = support_address
        .rsplit('@')
        .next()
        .filter(|d| !d.is_empty())
        .unwrap_or("localhost");
    format!("{}@{}", uuid::Uuid::now_v7().simple(), domain)
}

/// A header value safe to write: every control character (CR, LF, NUL, tab …) becomes a
/// space, runs of spaces collapse, and the ends are trimmed. Display names and subjects
/// come from strangers; a CR/LF in one must never start a header of its own (issue 9).
pub fn header_text(value: &str) -> String {
    value
        .split(|c: char| c.is_control() || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A Message-ID safe to write between angle brackets: visible ASCII without brackets,
/// short enough for a header line (a longer one is left out).
fn message_id_text(id: &str) -> Option<String> {
    let clean: String = id
        .chars()
        .filter(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>'))
        .collect();
    (!clean.is_empty() && clean.len() <= MOST_ID_BYTES).then_some(clean)
}

/// Longest Message-ID written, longest subject and name (in characters): a header line may not
/// pass 998 bytes (RFC 5322), and a word without spaces cannot be folded. A customer's
/// subject of 3,000 letters made a line strict servers refuse.
const MOST_ID_BYTES: usize = 250;
const MOST_SUBJECT_CHARS: usize = 200;
const MOST_NAME_CHARS: usize = 100;

fn at_most_chars(text: &str, most: usize) -> String {
    match text.char_indices().nth(most) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

/// The complete RFC 5322 bytes of the mail.
pub fn compose(o: &Outgoing) -> Result<Vec<u8>, ComposeError> {
    let from = Mailbox::new(
        Some(at_most_chars(&header_text(&o.from_name), MOST_NAME_CHARS)),
        o.from_address
            .parse()
            .map_err(|_| ComposeError::Address(o.from_address.clone()))?,
    );
    let to = Mailbox::new(
        o.to_name
            .as_deref()
            .map(|n| at_most_chars(&header_text(n), MOST_NAME_CHARS))
            .filter(|n| !n.is_empty()),
        o.to_address
            .parse()
            .map_err(|_| ComposeError::Address(o.to_address.clone()))?,
    );
    let mut builder = Message::builder()
        .from(from)
        .to(to)
        .subject(at_most_chars(&header_text(&o.subject), MOST_SUBJECT_CHARS))
        .message_id(Some(format!("<{}>", o.message_id)))
        .header(ContentLanguage(header_text(&o.language)));
    if let Some(parent) = o.in_reply_to.as_deref().and_then(message_id_text) {
        builder = builder.in_reply_to(format!("<{parent}>"));
    }
    let refs: Vec<String> = o
        .references
        .iter()
        .filter_map(|r| message_id_text(r))
        .map(|r| format!("<{r}>"))
        .collect();
    if !refs.is_empty() {
        builder = builder.references(refs.join(" "));
    }
    if o.auto_submitted {
        builder = builder.header(AutoSubmitted("auto-replied".into()));
    }
    let message = builder
        .multipart(MultiPart::alternative_plain_html(
            o.body.clone(),
            html_body(&o.body, &o.language),
        ))
        .map_err(|e| ComposeError::Build(e.to_string()))?;
    Ok(message.formatted())
}

/// The plain text as a small HTML document: paragraphs at blank lines, line breaks kept,
/// the language and the writing direction declared.
pub fn html_body(text: &str, language: &str) -> String {
    let lang = language.split(',').next().unwrap_or("en").trim();
    let lang: String = lang
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let dir = if crate::i18n::is_rtl(&lang) {
        "rtl"
    } else {
        "ltr"
    };
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\" dir=\"{dir}\">\n<head><meta charset=\"utf-8\"></head>\n<body dir=\"{dir}\">\n"
    );
    let normalized = text.replace("\r\n", "\n");
    for para in normalized.split("\n\n").filter(|p| !p.trim().is_empty()) {
        let lines: Vec<String> = para
            .trim_matches('\n')
            .lines()
            .map(|l| linkify(&escape(l)))
            .collect();
        html.push_str("<p>");
        html.push_str(&lines.join("<br>\n"));
        html.push_str("</p>\n");
    }
    html.push_str("</body>\n</html>\n");
    html
}

/// Web addresses in escaped text as links (the status page's, an article's), so a mail
/// reader opens them with a click. The text is escaped first: no quote can leave the
/// attribute.
fn linkify(escaped: &str) -> String {
    static URL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"https?://[^\s<>]+[^\s<>.,;:!?)]").expect("a valid pattern")
    });
    URL.replace_all(escaped, r#"<a href="$0">$0</a>"#).into_owned()
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[derive(Clone)]
struct AutoSubmitted(String);

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted(s.to_string()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

#[derive(Clone)]
struct ContentLanguage(String);

impl Header for ContentLanguage {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Content-Language")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ContentLanguage(s.to_string()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_never_reach_a_header() {
        let o = Outgoing {
            from_name: "Support\r\nX-Evil: 1".into(),
            from_address: "support@localhost".into(),
            to_address: "eve@evil.example".into(),
            to_name: Some("Eve\r\nBcc: attacker@evil.example\0".into()),
            subject: "Re: hi\r\nBcc: attacker@evil.example".into(),
            body: "body".into(),
            message_id: "m1@localhost".into(),
            in_reply_to: Some("c1@x\r\nBcc: a@evil.example".into()),
            references: vec!["c0@x\n".into(), "\r\n".into()],
            auto_submitted: false,
            language: "en\r\nX-Evil: 2".into(),
        };
        let text = String::from_utf8(compose(&o).unwrap()).unwrap();
        let headers = text.split("\r\n\r\n").next().unwrap();
        for line in headers.split("\r\n") {
            let name = line.split(':').next().unwrap().to_ascii_lowercase();
            assert!(
                !matches!(name.as_str(), "bcc" | "x-evil"),
                "injected header {line:?} in {headers}"
            );
            assert!(!line.contains('\0') && !line.contains('\n'), "{line:?}");
        }
        let parsed = mail_parser::MessageParser::default()
            .parse(text.as_bytes())
            .unwrap();
        assert_eq!(parsed.subject(), Some("Re: hi Bcc: attacker@evil.example"));
        let to = parsed.to().and_then(|a| a.first()).unwrap();
        assert_eq!(to.address(), Some("eve@evil.example"));
        assert_eq!(to.name(), Some("Eve Bcc: attacker@evil.example"));
    }

    #[test]
    fn every_header_line_stays_within_998_bytes() {
        let word = "A".repeat(3000);
        let o = Outgoing {
            from_name: "Support".into(),
            from_address: "support@localhost".into(),
            to_address: "eve@example.com".into(),
            to_name: Some(word.clone()),
            subject: format!("Re: {word} {}", "é".repeat(3000)),
            body: "body".into(),
            message_id: "m1@localhost".into(),
            in_reply_to: Some(format!("{word}@x")),
            references: vec![format!("{word}@x"), "c1@x".into()],
            auto_submitted: true,
            language: "en".into(),
        };
        let text = String::from_utf8(compose(&o).unwrap()).unwrap();
        let headers = text.split("\r\n\r\n").next().unwrap();
        for line in headers.split("\r\n") {
            assert!(line.len() <= 998, "{} bytes: {}", line.len(), &line[..80]);
        }
        let parsed = mail_parser::MessageParser::default()
            .parse(text.as_bytes())
            .unwrap();
        let subject = parsed.subject().unwrap();
        assert!(
            subject.starts_with("Re: AAAA") && subject.ends_with('…'),
            "{subject}"
        );
        assert_eq!(subject.chars().count(), MOST_SUBJECT_CHARS + 1);
        assert_eq!(
            parsed.references().as_text_list().unwrap_or_default(),
            ["c1@x"]
        );
    }

    #[test]
    fn automatic_answer_headers() {
        let o = Outgoing {
            from_name: "Support".into(),
            from_address: "support@localhost".into(),
            to_address: "ana@example.com".into(),
            to_name: Some("Ana".into()),
            subject: "Re: [#1001] Wo ist mein Paket?".into(),
            body: "Hallo Ana".into(),
            message_id: "m1@localhost".into(),
            in_reply_to: Some("c1@example.com".into()),
            references: vec!["c0@example.com".into(), "c1@example.com".into()],
            auto_submitted: true,
            language: "de".into(),
        };
        let text = String::from_utf8(compose(&o).unwrap()).unwrap();
        assert!(text.contains("Message-ID: <m1@localhost>"), "{text}");
        assert!(text.contains("In-Reply-To: <c1@example.com>"), "{text}");
        assert!(
            text.contains("References: <c0@example.com> <c1@example.com>"),
            "{text}"
        );
        assert!(text.contains("Auto-Submitted: auto-replied"), "{text}");
        let parsed = mail_parser::MessageParser::default()
            .parse(text.as_bytes())
            .unwrap();
        assert_eq!(parsed.subject(), Some("Re: [#1001] Wo ist mein Paket?"));
    }

    #[test]
    fn mail_is_multipart_plain_and_html_with_mime_version_and_language() {
        let o = Outgoing {
            from_name: "Support".into(),
            from_address: "support@localhost".into(),
            to_address: "ana@example.com".into(),
            to_name: None,
            subject: "Re: [#1] Hi".into(),
            body: "Hello Ana,\n\n1 < 2 & \"quotes\"\nline two\n\nKind regards,\nSupport\n".into(),
            message_id: "m2@localhost".into(),
            in_reply_to: None,
            references: vec![],
            auto_submitted: false,
            language: "en".into(),
        };
        let raw = compose(&o).unwrap();
        let text = String::from_utf8(raw.clone()).unwrap();
        assert!(text.contains("MIME-Version: 1.0"), "{text}");
        assert!(text.contains("Content-Language: en"), "{text}");
        assert!(text.contains("multipart/alternative"), "{text}");
        let parsed = mail_parser::MessageParser::default().parse(&raw).unwrap();
        assert_eq!(
            parsed
                .body_text(0)
                .unwrap()
                .replace("\r\n", "\n")
                .trim_end(),
            o.body.trim_end()
        );
        let html = parsed.body_html(0).unwrap();
        assert!(html.contains("<p>Hello Ana,</p>"), "{html}");
        assert!(
            html.contains("1 &lt; 2 &amp; &quot;quotes&quot;<br>"),
            "{html}"
        );
        assert!(html.contains("dir=\"ltr\""), "{html}");
    }

    #[test]
    fn web_addresses_become_links_and_nothing_else_does() {
        let html = html_body(
            "Follow it here: https://help.example.com/status/1002.17.ab. Thanks!\n<a href=x>not a link</a> \"https://x.example/\" onclick",
            "en",
        );
        assert!(html.contains(r#"<a href="https://help.example.com/status/1002.17.ab">https://help.example.com/status/1002.17.ab</a>. Thanks!"#), "{html}");
        assert!(html.contains("&lt;a href=x&gt;not a link&lt;/a&gt;"), "{html}");
        assert!(!html.contains("onclick\""), "{html}");
    }

    #[test]
    fn arabic_html_reads_right_to_left() {
        let html = html_body("مرحباً\n\nشكراً", "ar");
        assert!(html.contains("<html lang=\"ar\" dir=\"rtl\">"), "{html}");
        assert!(html_body("x", "ja, en").contains("lang=\"ja\" dir=\"ltr\""));
    }
}
