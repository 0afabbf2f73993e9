//! Redaction of personal data before text leaves the process: e-mail addresses, IBANs,
//! payment card numbers (Luhn-checked) and phone numbers become numbered placeholders
//! such as `[EMAIL_1]`, which [`Redacted::restore`] puts back into a reply.

use regex::Regex;
use std::sync::LazyLock;

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}\b").expect("email")
});
static IBAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b[A-Z]{2}[0-9]{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b").expect("iban")
});
static CARD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?:\d[ -]?){12,18}\d\b").expect("card"));
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\+|\b00)?\d[\d\s().-]{6,18}\d\b|\(\d{2,5}\)[\d\s.-]{5,15}\d\b").expect("phone")
});

/// A redacted text and the mapping that undoes it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Redacted {
    /// The text with placeholders instead of personal data.
    pub text: String,
    /// `(placeholder, original)` pairs in order of appearance.
    pub replacements: Vec<(String, String)>,
}

impl Redacted {
    /// Puts the original values back in place of the placeholders in `s` (for example a
    /// draft written from the redacted text).
    pub fn restore(&self, s: &str) -> String {
        let mut out = s.to_string();
        for (ph, orig) in &self.replacements {
            out = out.replace(ph.as_str(), orig);
        }
        out
    }
}

/// True when the digits pass the Luhn checksum.
pub fn luhn_valid(digits: &str) -> bool {
    let ds: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
    if ds.len() < 12 {
        return false;
    }
    let mut sum = 0;
    for (i, &d) in ds.iter().rev().enumerate() {
        let mut v = d;
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum % 10 == 0
}

/// True when the IBAN's mod-97 checksum holds.
pub fn iban_valid(iban: &str) -> bool {
    let s: String = iban.chars().filter(|c| !c.is_whitespace()).collect();
    if s.len() < 15 || s.len() > 34 {
        return false;
    }
    let rearranged = format!("{}{}", &s[4..], &s[..4]);
    let mut rem: u64 = 0;
    for c in rearranged.chars() {
        let v = match c.to_digit(36) {
            Some(v) => v as u64,
            None => return false,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

struct Redactor {
    out: Redacted,
    counts: [usize; 4],
}

const KINDS: [&str; 4] = ["EMAIL", "IBAN", "CARD", "PHONE"];

impl Redactor {
    fn apply(
        &mut self,
        text: &str,
        kind: usize,
        re: &Regex,
        accept: impl Fn(&str) -> bool,
    ) -> String {
        let mut result = String::with_capacity(text.len());
        let mut last = 0;
        for m in re.find_iter(text) {
            let s = m.as_str();
            // Never redact inside a placeholder that is already there, nor a piece of a
            // longer alphanumeric token (tracking codes, references).
            let glued = text[..m.start()]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric())
                || text[m.end()..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphanumeric());
            if s.contains('[') || glued || !accept(s) {
                continue;
            }
            result.push_str(&text[last..m.start()]);
            let existing = self
                .out
                .replacements
                .iter()
                .find(|(p, o)| o == s && p.starts_with(&format!("[{}_", KINDS[kind])));
            let ph = match existing {
                Some((p, _)) => p.clone(),
                None => {
                    self.counts[kind] += 1;
                    let p = format!("[{}_{}]", KINDS[kind], self.counts[kind]);
                    self.out.replacements.push((p.clone(), s.to_string()));
                    p
                }
            };
            result.push_str(&ph);
            last = m.end();
        }
        result.push_str(&text[last..]);
        result
    }
}

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})$").expect("date")
});

/// Phone numbers start with `+`, `00`, `(` or a trunk `0`, or are grouped by separators;
/// a bare run of digits (an order number) or a date is not one.
fn looks_like_phone(s: &str) -> bool {
    let digits = s.chars().filter(|c| c.is_ascii_digit()).count();
    if !(7..=15).contains(&digits) || DATE.is_match(s.trim()) {
        return false;
    }
    let grouped = s.contains([' ', '-', '.', '(', ')']);
    s.starts_with('+')
        || s.starts_with('(')
        || (s.starts_with('0') && digits >= 9)
        || (grouped && digits >= 10)
}

/// Replaces e-mail addresses, IBANs (checksum-verified), card numbers (Luhn-checked) and
/// phone numbers with placeholders `[EMAIL_1]`, `[IBAN_1]`, `[CARD_1]`, `[PHONE_1]`.
pub fn redact_pii(text: &str) -> Redacted {
    let mut r = Redactor {
        out: Redacted::default(),
        counts: [0; 4],
    };
    let t = r.apply(text, 0, &EMAIL, |_| true);
    let t = r.apply(&t, 1, &IBAN, iban_valid);
    let t = r.apply(&t, 2, &CARD, luhn_valid);
    let t = r.apply(&t, 3, &PHONE, looks_like_phone);
    r.out.text = t;
    r.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_email_phone_card_iban() {
        let t = "Mail me at jane.doe@example.com or call +49 30 1234567. Card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00.";
        let r = redact_pii(t);
        assert!(r.text.contains("[EMAIL_1]"), "{}", r.text);
        assert!(r.text.contains("[PHONE_1]"), "{}", r.text);
        assert!(r.text.contains("[CARD_1]"), "{}", r.text);
        assert!(r.text.contains("[IBAN_1]"), "{}", r.text);
        assert!(!r.text.contains("4111"));
        assert!(!r.text.contains("jane.doe"));
        assert_eq!(r.restore(&r.text), t);
    }

    #[test]
    fn luhn_rejects_random_digit_runs_as_cards() {
        assert!(luhn_valid("4111111111111111"));
        assert!(!luhn_valid("4111111111111112"));
        let r = redact_pii("order number 4111 1111 1111 1112 please");
        assert!(!r.text.contains("[CARD_"), "{}", r.text);
    }

    #[test]
    fn leaves_dates_order_numbers_and_codes_alone() {
        for t in [
            "order 12345678 placed on 2023-10-12",
            "on 12.10.2023 at 14:30",
            "tracking number 1Z999AA10123456784",
        ] {
            assert_eq!(redact_pii(t).text, t);
        }
        let r = redact_pii("call 0171 2345678 or (555) 123-4567 or 555-123-4567");
        assert_eq!(r.text, "call [PHONE_1] or [PHONE_2] or [PHONE_3]");
    }

    #[test]
    fn same_value_gets_same_placeholder() {
        let r = redact_pii("a@b.io and again a@b.io, also c@d.io");
        assert_eq!(r.text, "[EMAIL_1] and again [EMAIL_1], also [EMAIL_2]");
    }
}
