//! Composes outgoing mail with lettre: our own Message-ID, threading headers to the
//! customer's mail, and `Auto-Submitted` on automatic answers (RFC 3834).

use lettre::Message;
use lettre::message::Mailbox;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};

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

/// The complete RFC 5322 bytes of the mail.
pub fn compose(o: &Outgoing) -> Result<Vec<u8>, ComposeError> {
    let from = Mailbox::new(
        Some(o.from_name.clone()),
        o.from_address
            .parse()
            .map_err(|_| ComposeError::Address(o.from_address.clone()))?,
    );
    let to = Mailbox::new(
        o.to_name.clone(),
        o.to_address
            .parse()
            .map_err(|_| ComposeError::Address(o.to_address.clone()))?,
    );
    let mut builder = Message::builder()
        .from(from)
        .to(to)
        .subject(o.subject.clone())
        .message_id(Some(format!("<{}>", o.message_id)))
        .header(ContentType::TEXT_PLAIN)
        .header(ContentLanguage(o.language.clone()));
    if let Some(parent) = &o.in_reply_to {
        builder = builder.in_reply_to(format!("<{parent}>"));
    }
    if !o.references.is_empty() {
        let refs: Vec<String> = o.references.iter().map(|r| format!("<{r}>")).collect();
        builder = builder.references(refs.join(" "));
    }
    if o.auto_submitted {
        builder = builder.header(AutoSubmitted("auto-replied".into()));
    }
    let message = builder
        .body(o.body.clone())
        .map_err(|e| ComposeError::Build(e.to_string()))?;
    Ok(message.formatted())
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
}
