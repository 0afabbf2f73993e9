//! The `[#N]` ticket token in subjects, and reply subjects.

/// The ticket number in a subject's `[#N]` token, if any.
pub fn ticket_number_in_subject(subject: &str) -> Option<i64> {
    let mut rest = subject;
    while let Some(start) = rest.find("[#") {
        let after = &rest[start + 2..];
        let digits: String = after.chars().take_while(|c| c.is_ascii_digit()).collect();
        if !digits.is_empty() && after[digits.len()..].starts_with(']') {
            return digits.parse().ok();
        }
        rest = after;
    }
    None
}

/// The subject without reply/forward prefixes and without our token.
pub fn clean_subject(subject: &str) -> String {
    let mut s = subject.trim().to_string();
    if let Some(n) = ticket_number_in_subject(&s) {
        s = s.replace(&format!("[#{n}]"), "");
    }
    loop {
        let t = s.trim_start();
        let lower = t.to_lowercase();
        let prefix = [
            "re:", "aw:", "fwd:", "fw:", "wg:", "tr:", "rv:", "sv:", "antw:", "ré:",
        ]
        .iter()
        .find(|p| lower.starts_with(*p));
        match prefix {
            Some(p) => s = t[p.len()..].to_string(),
            None => {
                s = t.to_string();
                break;
            }
        }
    }
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.is_empty() {
        "(no subject)".to_string()
    } else {
        s
    }
}

/// The subject of our reply on ticket `number`.
pub fn reply_subject(subject: &str, number: i64) -> String {
    format!("Re: [#{number}] {}", clean_subject(subject))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_token() {
        assert_eq!(ticket_number_in_subject("Re: [#1042] Refund"), Some(1042));
        assert_eq!(ticket_number_in_subject("[#] odd [#77]"), Some(77));
        assert_eq!(ticket_number_in_subject("Order #1042"), None);
        assert_eq!(ticket_number_in_subject("[#12a]"), None);
    }

    #[test]
    fn cleans_prefixes_and_token() {
        assert_eq!(
            clean_subject("Re: AW: [#1042] Refund please"),
            "Refund please"
        );
        assert_eq!(clean_subject("   "), "(no subject)");
        assert_eq!(
            reply_subject("Re: [#5] Where is my parcel", 5),
            "Re: [#5] Where is my parcel"
        );
        assert_eq!(
            reply_subject("Where is my parcel", 7),
            "Re: [#7] Where is my parcel"
        );
    }
}
