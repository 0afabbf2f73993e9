//! Who takes part in a ticket's thread. A message that threads onto a ticket by its
//! headers but comes from someone who is neither the ticket's customer nor a participant
//! is a stranger's: it is kept and shown, but it speaks for nobody.

/// An address as compared: trimmed and lower-cased (mailbox names are case-insensitive in
/// practice, and so are domains).
pub fn normalize(address: &str) -> String {
    address.trim().to_lowercase()
}

/// A plausible mailbox address, for what an agent types: one `@`, something on each side,
/// no spaces or angle brackets.
pub fn is_valid_address(address: &str) -> bool {
    let a = address.trim();
    match a.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !a.contains(|c: char| c.is_whitespace() || "<>,;\"".contains(c))
        }
        None => false,
    }
}

/// Where `address` stands in `text` as a whole address, in any case (byte ranges of
/// `text`): not inside a longer one, so that bob@example.com is not found in
/// jimbob@example.com or bob@example.com.au; a full stop after it ends a sentence.
pub fn whole_address_at(text: &str, address: &str) -> Vec<std::ops::Range<usize>> {
    let part_of_address = |c: char| c.is_alphanumeric() || "._%+-".contains(c);
    // ASCII lower-casing keeps every byte where it was, so positions carry over.
    let (haystack, needle) = (
        text.to_ascii_lowercase(),
        address.trim().to_ascii_lowercase(),
    );
    if needle.is_empty() {
        return Vec::new();
    }
    let mut found: Vec<std::ops::Range<usize>> = Vec::new();
    for (at, _) in haystack.match_indices(&needle) {
        let end = at + needle.len();
        let before = text[..at].chars().next_back();
        let mut rest = text[end..].chars();
        let after = match rest.next() {
            Some('.') => rest.next().filter(|c| c.is_alphanumeric()),
            c => c,
        };
        let overlaps = found.last().is_some_and(|r| at < r.end);
        if !overlaps && !before.is_some_and(part_of_address) && !after.is_some_and(part_of_address)
        {
            found.push(at..end);
        }
    }
    found
}

/// Whether `sender` may speak on a ticket of `customer` with these `participants`.
pub fn is_known(sender: &str, customer: &str, participants: &[String]) -> bool {
    let sender = normalize(sender);
    sender == normalize(customer) || participants.iter().any(|p| normalize(p) == sender)
}

/// The addresses a known sender's message brings into the thread: its To and Cc, without
/// our own address, the customer and those already known; each once, normalised.
pub fn brought_in(
    recipients: &[String],
    support_address: &str,
    customer: &str,
    known: &[String],
) -> Vec<String> {
    let ours = normalize(support_address);
    let mut out: Vec<String> = Vec::new();
    for r in recipients {
        let a = normalize(r);
        if !is_valid_address(&a)
            || a == ours
            || a == normalize(customer)
            || known.iter().any(|k| normalize(k) == a)
            || out.contains(&a)
        {
            continue;
        }
        out.push(a);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_customer_and_participants_are_known_strangers_are_not() {
        let known = vec!["alice@corp.example".to_string()];
        assert!(is_known("Bob@Example.com", "bob@example.com", &known));
        assert!(is_known("ALICE@corp.example", "bob@example.com", &known));
        assert!(!is_known("mallory@evil.example", "bob@example.com", &known));
        assert!(!is_known("mallory@evil.example", "bob@example.com", &[]));
    }

    #[test]
    fn recipients_bring_in_everyone_but_us_the_customer_and_the_known() {
        let got = brought_in(
            &[
                "support@tandem.test".into(),
                "Alice@Corp.example".into(),
                "alice@corp.example".into(),
                "bob@example.com".into(),
                "carol@corp.example".into(),
                "not an address".into(),
            ],
            "Support@tandem.test",
            "bob@example.com",
            &["carol@corp.example".into()],
        );
        assert_eq!(got, vec!["alice@corp.example".to_string()]);
    }

    #[test]
    fn typed_addresses_are_checked() {
        assert!(is_valid_address("x@y.example"));
        assert!(!is_valid_address("x@"));
        assert!(!is_valid_address("x y@z"));
        assert!(!is_valid_address("<x@y>"));
        assert!(!is_valid_address("x@y@z"));
    }
}
