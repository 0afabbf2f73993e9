//! Pure rules of the team's tools: priorities, tag names, and the placeholders of saved
//! replies.

/// Priorities, lowest first: key and label.
pub const PRIORITIES: &[(&str, &str)] = &[
    ("low", "Low"),
    ("normal", "Normal"),
    ("high", "High"),
    ("urgent", "Urgent"),
];

pub fn is_priority(p: &str) -> bool {
    PRIORITIES.iter().any(|(k, _)| *k == p)
}

/// A tag as stored: lower case, words joined by `-`, letters, digits, `-` and `_` only,
/// at most 40 characters; `None` when nothing is left.
pub fn normalize_tag(raw: &str) -> Option<String> {
    let mut out = String::new();
    for c in raw.trim().to_lowercase().chars() {
        if c.is_alphanumeric() || c == '_' {
            out.push(c);
        } else if (c.is_whitespace() || c == '-') && !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out: String = out.trim_end_matches('-').chars().take(40).collect();
    (!out.is_empty()).then_some(out)
}

/// What a saved reply's placeholders stand for.
pub struct Placeholders<'a> {
    pub customer_name: &'a str,
    pub ticket_number: i64,
    pub agent_name: &'a str,
}

/// The placeholders a saved reply may hold, for the help text.
pub const PLACEHOLDERS: &[&str] = &["{customer_name}", "{ticket_number}", "{agent_name}"];

/// Fills `{customer_name}`, `{ticket_number}` and `{agent_name}`; anything else in braces
/// stays as written, so the agent sees it before sending.
pub fn fill(template: &str, p: &Placeholders<'_>) -> String {
    template
        .replace("{customer_name}", p.customer_name)
        .replace("{ticket_number}", &p.ticket_number.to_string())
        .replace("{agent_name}", p.agent_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_and_unknown_ones_kept() {
        let p = Placeholders {
            customer_name: "Ana",
            ticket_number: 1042,
            agent_name: "Ben",
        };
        assert_eq!(
            fill("Hi {customer_name}, about #{ticket_number}: {order}. {agent_name}", &p),
            "Hi Ana, about #1042: {order}. Ben"
        );
    }

    #[test]
    fn tags_are_normalized() {
        assert_eq!(normalize_tag("  Refund Request "), Some("refund-request".into()));
        assert_eq!(normalize_tag("VIP!!"), Some("vip".into()));
        assert_eq!(normalize_tag("a - b"), Some("a-b".into()));
        assert_eq!(normalize_tag(" !! "), None);
        assert_eq!(normalize_tag(&"x".repeat(100)).unwrap().len(), 40);
        assert_eq!(normalize_tag("Rückgabe"), Some("rückgabe".into()));
    }

    #[test]
    fn priorities() {
        assert!(is_priority("urgent"));
        assert!(!is_priority("URGENT"));
        assert!(!is_priority(""));
    }
}
