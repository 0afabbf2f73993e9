//! The customer's status link: ticket number and expiry, signed with HMAC-SHA256, so the
//! link itself is the key to one ticket's page for a while, and nothing else.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How long a link works after it was made.
pub const VALID_DAYS: i64 = 30;

/// `"{number}.{expires}.{signature}"` (expiry in Unix seconds, 128 bits of signature).
pub fn sign(key: &[u8], number: i64, expires: i64) -> String {
    format!("{number}.{expires}.{}", hex::encode(&mac(key, number, expires)[..16]))
}

/// The ticket number a token stands for, when it is signed with `key` and not expired
/// at `now` (Unix seconds).
pub fn verify(key: &[u8], token: &str, now: i64) -> Option<i64> {
    let mut parts = token.splitn(3, '.');
    let number: i64 = parts.next()?.parse().ok()?;
    let expires: i64 = parts.next()?.parse().ok()?;
    let given = hex::decode(parts.next()?).ok()?;
    if given.len() != 16 || now > expires {
        return None;
    }
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).ok()?;
    m.update(format!("{number}.{expires}").as_bytes());
    // Constant time: the signature is compared by the MAC itself.
    m.verify_truncated_left(&given).ok()?;
    Some(number)
}

fn mac(key: &[u8], number: i64, expires: i64) -> Vec<u8> {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(format!("{number}.{expires}").as_bytes());
    m.finalize().into_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_link_opens_its_ticket_until_it_expires() {
        let key = b"0123456789abcdef0123456789abcdef";
        let t = sign(key, 1042, 2_000);
        assert_eq!(verify(key, &t, 1_999), Some(1042));
        assert_eq!(verify(key, &t, 2_000), Some(1042));
        assert_eq!(verify(key, &t, 2_001), None, "expired");
    }

    #[test]
    fn a_changed_number_expiry_or_key_is_refused() {
        let key = b"0123456789abcdef0123456789abcdef";
        let t = sign(key, 1042, 2_000);
        let sig = t.rsplit('.').next().unwrap();
        assert_eq!(verify(key, &format!("1043.2000.{sig}"), 0), None);
        assert_eq!(verify(key, &format!("1042.9000.{sig}"), 0), None);
        assert_eq!(verify(b"another key", &t, 0), None);
        for junk in ["", "1042", "1042.2000", "x.y.z", "1042.2000.zz", &t[..t.len() - 2]] {
            assert_eq!(verify(key, junk, 0), None, "{junk}");
        }
    }
}
