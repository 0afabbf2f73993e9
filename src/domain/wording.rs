//! What Tandem says to customers, in their language: greetings by name, sign-offs,
//! acknowledgements with an honest time in the customer's own zone, and the line under
//! automatic answers. The texts come from the Fluent catalogue (`i18n/`, see
//! [`crate::i18n`]); a language without a catalogue gets English, and every text says
//! which language it is in so `Content-Language` matches it.

use chrono::{DateTime, Datelike, FixedOffset, Utc};

pub use crate::i18n::Texts;

/// Who an answer is for.
#[derive(Clone, Copy, Debug, Default)]
pub struct Recipient<'a> {
    /// The customer's name as their mail gave it, if any.
    pub name: Option<&'a str>,
    /// The customer's offset from UTC, when their mail's `Date:` revealed it.
    pub offset: Option<FixedOffset>,
}

/// A text for a customer and the languages it is written in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Letter {
    /// The `Content-Language` value: one code, or several ("ja, en") when parts differ.
    pub language: String,
    /// The plain text.
    pub text: String,
}

/// The `Content-Language` of a text whose parts are in `parts` (duplicates dropped).
pub fn content_language(parts: &[&str]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for p in parts {
        if !p.is_empty() && !seen.contains(p) {
            seen.push(p);
        }
    }
    if seen.is_empty() {
        crate::i18n::FALLBACK.to_string()
    } else {
        seen.join(", ")
    }
}

/// A display name fit to greet with: trimmed, without quotes, not an address, not a web
/// address (a mail from our address greeting "Hello https://evil.example/reset," makes a
/// link of it: anyone who forges the From of a mail could send one).
fn usable_name(name: Option<&str>) -> Option<String> {
    let n = name?
        .trim()
        .trim_matches(|c: char| c == '"' || c == '\'')
        .trim();
    let lower = n.to_lowercase();
    if n.is_empty()
        || n.contains('@')
        || lower.contains("://")
        || lower.contains("www.")
        || n.chars().any(char::is_control)
        || n.len() > 80
    {
        return None;
    }
    Some(n.to_string())
}

/// The zone as customers read it: `UTC`, `UTC+9`, `UTC-5`, `UTC+5:30`.
pub fn zone_name(offset: Option<FixedOffset>) -> String {
    let secs = offset.map(|o| o.local_minus_utc()).unwrap_or(0);
    if secs == 0 {
        return "UTC".into();
    }
    let sign = if secs < 0 { '-' } else { '+' };
    let (h, m) = (secs.abs() / 3600, secs.abs() % 3600 / 60);
    if m == 0 {
        format!("UTC{sign}{h}")
    } else {
        format!("UTC{sign}{h}:{m:02}")
    }
}

/// A date and time as people write it in the texts' language, in the customer's zone
/// when known, always with the zone named.
pub fn format_when(texts: &Texts, at: DateTime<Utc>, offset: Option<FixedOffset>) -> String {
    let local =
        at.with_timezone(&offset.unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset")));
    let weekdays = texts.list("weekdays");
    let months = texts.list("months");
    let day = local.day().to_string();
    let time = local.format("%H:%M").to_string();
    let zone = zone_name(offset);
    texts.get(
        "when",
        &[
            (
                "weekday",
                weekdays
                    .get(local.weekday().num_days_from_monday() as usize)
                    .map(String::as_str)
                    .unwrap_or_default(),
            ),
            ("day", day.as_str()),
            (
                "month",
                months
                    .get(local.month0() as usize)
                    .map(String::as_str)
                    .unwrap_or_default(),
            ),
            ("time", time.as_str()),
            ("zone", zone.as_str()),
        ],
    )
}

/// The greeting line: by name when the customer gave one.
pub fn greeting(texts: &Texts, name: Option<&str>) -> String {
    match usable_name(name) {
        Some(n) => texts.get("greeting", &[("name", n.as_str())]),
        None => texts.get("greeting-anonymous", &[]),
    }
}

/// The sign-off, signed by `signer` (the team's or the agent's name).
pub fn closing(texts: &Texts, signer: &str) -> String {
    texts.get("closing", &[("team", signer)])
}

/// An answer as a person would write it: greeting, `body` (written in `body_language`),
/// sign-off.
pub fn answer(
    texts: &Texts,
    body: &str,
    body_language: &str,
    to: &Recipient,
    signer: &str,
) -> Letter {
    Letter {
        language: content_language(&[body_language, texts.language()]),
        text: format!(
            "{}\n\n{}\n\n{}\n",
            greeting(texts, to.name),
            body.trim(),
            closing(texts, signer)
        ),
    }
}

/// The acknowledgement a customer gets when a person will answer, promising `eta`, with
/// the link to their status page when there is one.
pub fn acknowledgement(
    texts: &Texts,
    number: i64,
    eta: DateTime<Utc>,
    to: &Recipient,
    signer: &str,
    status_link: Option<&str>,
    chat: bool,
) -> Letter {
    let when = format_when(texts, eta, to.offset);
    let number = number.to_string();
    // On a chat there is no mail to reply to: the same promise without that paragraph.
    let mut body = texts.get(
        if chat { "acknowledgement-chat" } else { "acknowledgement" },
        &[("number", number.as_str()), ("when", when.as_str())],
    );
    if let Some(link) = status_link {
        body.push_str("\n\n");
        body.push_str(&texts.get("status-link", &[("link", link)]));
    }
    answer(texts, &body, texts.language(), to, signer)
}

/// The line under every automatic answer: it was automated, and a person is one reply away.
pub fn automated_disclosure(texts: &Texts, number: i64) -> String {
    let number = number.to_string();
    texts.get("disclosure", &[("number", number.as_str())])
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(code: &str) -> Texts {
        Texts::new(code, None)
    }

    #[test]
    fn dates_read_naturally() {
        let at = Utc.with_ymd_and_hms(2026, 11, 24, 14, 0, 0).unwrap();
        assert_eq!(
            format_when(&t("en"), at, None),
            "Tuesday 24 November, 14:00 UTC"
        );
        assert_eq!(
            format_when(&t("de"), at, None),
            "Dienstag, 24. November, 14:00 Uhr UTC"
        );
        assert_eq!(
            format_when(&t("fr"), at, None),
            "mardi 24 novembre à 14:00 UTC"
        );
        assert_eq!(
            format_when(&t("xx"), at, None),
            "Tuesday 24 November, 14:00 UTC"
        );
        assert_eq!(
            format_when(&t("ja"), at, None),
            "11月24日（火）14:00（UTC）"
        );
    }

    #[test]
    fn a_chat_acknowledgement_promises_the_same_without_mail_to_reply_to() {
        let at = Utc.with_ymd_and_hms(2026, 11, 24, 14, 0, 0).unwrap();
        for code in crate::i18n::languages() {
            let mail = acknowledgement(&t(code), 7, at, &Recipient::default(), "Team", None, false);
            let chat = acknowledgement(&t(code), 7, at, &Recipient::default(), "Team", None, true);
            assert!(mail.text.contains("[#7]"), "{code}: {}", mail.text);
            assert!(!chat.text.contains("[#7]"), "{code}: {}", chat.text);
            assert!(chat.text.contains("#7"), "{code}: the number is promised on a chat too");
        }
    }

    #[test]
    fn times_are_given_in_the_customers_zone_with_the_zone_named() {
        let at = Utc.with_ymd_and_hms(2026, 11, 24, 20, 0, 0).unwrap();
        let tokyo = FixedOffset::east_opt(9 * 3600);
        // 20:00 UTC on Tuesday is 05:00 on Wednesday in Tokyo.
        assert_eq!(
            format_when(&t("ja"), at, tokyo),
            "11月25日（水）05:00（UTC+9）"
        );
        let new_york = FixedOffset::west_opt(5 * 3600);
        assert_eq!(
            format_when(&t("en"), at, new_york),
            "Tuesday 24 November, 15:00 UTC-5"
        );
        assert_eq!(
            zone_name(FixedOffset::east_opt(5 * 3600 + 1800)),
            "UTC+5:30"
        );
    }

    #[test]
    fn acknowledgements_greet_by_name_name_the_ticket_and_sign_in_each_language() {
        let at = Utc.with_ymd_and_hms(2026, 11, 24, 14, 0, 0).unwrap();
        let ana = Recipient {
            name: Some("Ana"),
            offset: None,
        };
        for code in crate::i18n::languages() {
            let l = acknowledgement(&t(code), 1042, at, &ana, "Acme Support", None, false);
            assert_eq!(l.language, code);
            assert!(l.text.contains("#1042"), "{code}: {}", l.text);
            assert!(l.text.contains("14:00"), "{code}: {}", l.text);
            assert!(l.text.contains("Ana"), "{code}: {}", l.text);
            assert!(
                l.text.trim_end().ends_with("Acme Support") || code == "ko",
                "{code}: {}",
                l.text
            );
            assert!(l.text.contains("Acme Support"), "{code}: {}", l.text);
        }
        let de = acknowledgement(&t("de"), 1, at, &Recipient::default(), "Team", None, false);
        assert!(de.text.starts_with("Guten Tag,\n"), "{}", de.text);
        assert!(de.text.contains("Ticketnummer"));
        let xx = acknowledgement(&t("xx"), 1, at, &ana, "Team", None, false);
        assert_eq!(xx.language, "en");
        assert!(xx.text.starts_with("Hello Ana,"), "{}", xx.text);
        assert!(automated_disclosure(&t("es"), 1).contains("humano"));
        assert!(automated_disclosure(&t("ja"), 7).contains("担当者"));
    }

    #[test]
    fn answers_name_every_language_they_contain() {
        let l = answer(&t("xx"), "Body in xx", "xx", &Recipient::default(), "Team");
        assert_eq!(l.language, "xx, en");
        let l = answer(&t("ja"), "本文", "ja", &Recipient::default(), "Team");
        assert_eq!(l.language, "ja");
        assert!(l.text.starts_with("お客様\n\n本文\n\n"), "{}", l.text);
    }

    #[test]
    fn odd_display_names_are_not_used_to_greet() {
        assert_eq!(greeting(&t("en"), Some("ana@example.com")), "Hello,");
        assert_eq!(
            greeting(&t("en"), Some("  \"Ana Souza\" ")),
            "Hello Ana Souza,"
        );
        assert_eq!(greeting(&t("en"), Some("")), "Hello,");
        for link in [
            "Please reset at https://evil.example/reset",
            "Visit WWW.evil.example now",
        ] {
            assert_eq!(greeting(&t("en"), Some(link)), "Hello,");
        }
    }
}
