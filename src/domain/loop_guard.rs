//! Mail-loop protection (RFC 3834): when an automatic reply must not be sent.

/// The parts of an inbound message that say whether a machine sent it.
#[derive(Debug, Default, Clone)]
pub struct Provenance<'a> {
    pub sender: &'a str,
    pub auto_submitted: Option<&'a str>,
    pub precedence: Option<&'a str>,
    pub has_list_id: bool,
    /// `X-Autoreply`, `X-Autorespond` or `X-Auto-Response-Suppress: All|AutoReply`.
    pub vendor_auto_reply: bool,
}

/// Why no automatic reply goes out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Suppressed {
    AutoSubmitted(String),
    Precedence(String),
    MailingList,
    VendorAutoReply,
    DaemonSender,
    NoReplySender,
    OwnAddress,
    RateLimited { sent_last_hour: i64, cap: i64 },
}

impl Suppressed {
    /// Whether a machine wrote the message (an out-of-office reply, a bounce, a bulk
    /// mailing, our own mail come back), not a person: true for every reason but a busy
    /// sender's cap and a mailing list (where people write too).
    pub fn machine_written(&self) -> bool {
        match self {
            Suppressed::RateLimited { .. } | Suppressed::MailingList => false,
            Suppressed::Precedence(v) => v != "list",
            _ => true,
        }
    }

    /// The reason in words, for the event log and the console.
    pub fn describe(&self) -> String {
        match self {
            Suppressed::AutoSubmitted(v) => format!("the message is Auto-Submitted: {v}"),
            Suppressed::Precedence(v) => format!("the message has Precedence: {v}"),
            Suppressed::MailingList => "the message came from a mailing list".into(),
            Suppressed::VendorAutoReply => "the message is itself an automatic reply".into(),
            Suppressed::DaemonSender => "the sender is a mail system (mailer-daemon)".into(),
            Suppressed::NoReplySender => "the sender does not accept replies".into(),
            Suppressed::OwnAddress => "the message came from our own address".into(),
            Suppressed::RateLimited {
                sent_last_hour,
                cap,
            } => format!(
                "{sent_last_hour} automatic replies went to this sender in the last hour (cap {cap})"
            ),
        }
    }
}

/// Decides whether an automatic reply to this message is allowed.
pub fn check(
    p: &Provenance,
    our_address: &str,
    sent_last_hour: i64,
    cap: i64,
) -> Result<(), Suppressed> {
    if let Some(v) = p.auto_submitted
        && !v.trim().eq_ignore_ascii_case("no")
    {
        return Err(Suppressed::AutoSubmitted(v.trim().to_string()));
    }
    if let Some(v) = p.precedence {
        let v = v.trim().to_ascii_lowercase();
        if matches!(v.as_str(), "bulk" | "junk" | "list") {
            return Err(Suppressed::Precedence(v));
        }
    }
    if p.has_list_id {
        return Err(Suppressed::MailingList);
    }
    if p.vendor_auto_reply {
        return Err(Suppressed::VendorAutoReply);
    }
    let sender = p.sender.trim().to_ascii_lowercase();
    if sender.is_empty() || sender.eq_ignore_ascii_case(our_address.trim()) {
        return Err(Suppressed::OwnAddress);
    }
    let local = sender.split('@').next().unwrap_or("");
    if matches!(
        local,
        "mailer-daemon" | "postmaster" | "mail-daemon" | "mailerdaemon"
    ) {
        return Err(Suppressed::DaemonSender);
    }
    let squashed: String = local
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    if squashed.starts_with("noreply")
        || squashed.starts_with("donotreply")
        || squashed == "bounce"
        || local.starts_with("bounce")
    {
        return Err(Suppressed::NoReplySender);
    }
    if sent_last_hour >= cap {
        return Err(Suppressed::RateLimited {
            sent_last_hour,
            cap,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(sender: &str) -> Provenance<'_> {
        Provenance {
            sender,
            ..Default::default()
        }
    }

    #[test]
    fn a_person_gets_a_reply() {
        assert_eq!(
            check(&from("ana@example.com"), "support@localhost", 0, 5),
            Ok(())
        );
        let p = Provenance {
            auto_submitted: Some("no"),
            ..from("ana@example.com")
        };
        assert_eq!(check(&p, "support@localhost", 0, 5), Ok(()));
    }

    #[test]
    fn machines_and_lists_get_none() {
        let ours = "support@localhost";
        let p = Provenance {
            auto_submitted: Some("auto-replied"),
            ..from("a@x.org")
        };
        assert!(matches!(
            check(&p, ours, 0, 5),
            Err(Suppressed::AutoSubmitted(_))
        ));
        let p = Provenance {
            precedence: Some("Bulk"),
            ..from("a@x.org")
        };
        assert_eq!(
            check(&p, ours, 0, 5),
            Err(Suppressed::Precedence("bulk".into()))
        );
        let p = Provenance {
            has_list_id: true,
            ..from("a@x.org")
        };
        assert_eq!(check(&p, ours, 0, 5), Err(Suppressed::MailingList));
        assert_eq!(
            check(&from("MAILER-DAEMON@x.org"), ours, 0, 5),
            Err(Suppressed::DaemonSender)
        );
        assert_eq!(
            check(&from("no-reply@shop.example"), ours, 0, 5),
            Err(Suppressed::NoReplySender)
        );
        assert_eq!(
            check(&from("donotreply@shop.example"), ours, 0, 5),
            Err(Suppressed::NoReplySender)
        );
        assert_eq!(
            check(&from("Support@Localhost"), ours, 0, 5),
            Err(Suppressed::OwnAddress)
        );
    }

    #[test]
    fn replies_to_one_sender_are_capped_per_hour() {
        let r = check(&from("ana@example.com"), "support@localhost", 5, 5);
        assert_eq!(
            r,
            Err(Suppressed::RateLimited {
                sent_last_hour: 5,
                cap: 5
            })
        );
    }

    /// A busy sender and a mailing list are people writing; the rest are machines.
    #[test]
    fn only_a_busy_sender_and_a_list_count_as_people() {
        let machines = [
            Suppressed::AutoSubmitted("auto-replied".into()),
            Suppressed::Precedence("bulk".into()),
            Suppressed::VendorAutoReply,
            Suppressed::DaemonSender,
            Suppressed::NoReplySender,
            Suppressed::OwnAddress,
        ];
        assert!(machines.iter().all(Suppressed::machine_written));
        let people = [
            Suppressed::RateLimited {
                sent_last_hour: 5,
                cap: 5,
            },
            Suppressed::MailingList,
            Suppressed::Precedence("list".into()),
        ];
        assert!(!people.iter().any(Suppressed::machine_written));
    }
}
