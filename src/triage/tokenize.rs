//! Text normalisation and hashed feature extraction.
//!
//! A message becomes a bag of hashed features in two groups: word unigrams and bigrams,
//! and character n-grams (2 to 5 characters, taken across word boundaries so that
//! Chinese and Japanese text, which has no spaces, still yields word-like units; every
//! CJK character is also a unigram and a "word" of its own). Hashes are 64-bit and stable
//! across platforms and releases, because the persisted model stores them.

/// Feature group of a hashed feature: each group is L2-normalised on its own.
pub const GROUP_WORD: u8 = 0;
/// Character n-gram group.
pub const GROUP_CHAR: u8 = 1;
/// Dense sentence-vector group (see `embedding`).
pub const GROUP_DENSE: u8 = 2;
/// Number of feature groups.
pub const GROUPS: usize = 3;

/// One hashed feature with its raw count in the text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Feature {
    /// Stable 64-bit hash (never 0).
    pub hash: u64,
    /// Feature group (`GROUP_WORD` or `GROUP_CHAR`).
    pub group: u8,
    /// How often the feature occurs.
    pub count: f32,
}

/// True for characters of scripts written without spaces between words.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF   // Hiragana, Katakana
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified ideographs
        | 0xF900..=0xFAFF // compatibility ideographs
        | 0xAC00..=0xD7AF // Hangul syllables
        | 0x0E00..=0x0E7F // Thai
        | 0xFF66..=0xFF9F // half-width Katakana
    )
}

/// Lower-cases the text, maps digits to `0`, drops apostrophes inside words and turns
/// every other non-alphanumeric character into a single space. The result has no
/// leading or trailing space.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if c == '\'' || c == '’' || c == '`' {
            continue;
        }
        // Arabic: drop diacritics and tatweel, unify alef, yeh and teh marbuta forms.
        let c = match c {
            '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => continue,
            'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
            'ى' => 'ي',
            'ة' => 'ه',
            'ؤ' => 'و',
            'ئ' => 'ي',
            _ => c,
        };
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            if c.is_numeric() {
                out.push('0');
            } else if c.is_uppercase() {
                out.extend(c.to_lowercase());
            } else {
                out.push(c);
            }
        } else {
            pending_space = true;
        }
    }
    out
}

/// Word tokens of a normalised text: runs separated by spaces, and every CJK character on
/// its own.
pub fn words(normalized: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for w in normalized.split(' ') {
        if w.is_empty() {
            continue;
        }
        if !w.chars().any(is_cjk) {
            out.push(w);
            continue;
        }
        let mut start = 0;
        for (i, c) in w.char_indices() {
            if is_cjk(c) {
                if start < i {
                    out.push(&w[start..i]);
                }
                out.push(&w[i..i + c.len_utf8()]);
                start = i + c.len_utf8();
            }
        }
        if start < w.len() {
            out.push(&w[start..]);
        }
    }
    out
}

const SEED_WORD: u64 = 0x9E37_79B9_7F4A_7C15;
const SEED_BIGRAM: u64 = 0xC2B2_AE3D_27D4_EB4F;
const SEED_CHAR: u64 = 0x1656_67B1_9E37_79F9;

#[inline]
fn mix(h: u64, v: u64) -> u64 {
    // FNV-style multiply, followed by a rotation so that short inputs spread well.
    ((h ^ v).wrapping_mul(0x0000_0100_0000_01B3)).rotate_left(23) ^ (h >> 29)
}

#[inline]
fn finish(h: u64) -> u64 {
    let mut x = h;
    x ^= x >> 33;
    x = x.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    x ^= x >> 33;
    x = x.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    x ^= x >> 33;
    if x == 0 { 1 } else { x }
}

fn hash_str(seed: u64, s: &str) -> u64 {
    let mut h = seed;
    for b in s.bytes() {
        h = mix(h, b as u64);
    }
    h
}

/// Shortest and longest character n-gram.
const CHAR_N: (usize, usize) = (2, 5);

/// Extracts the hashed features of a raw text, merged by hash, in no particular order.
pub fn features(text: &str) -> Vec<Feature> {
    let norm = normalize(text);
    let mut raw: Vec<(u64, u8)> = Vec::with_capacity(norm.len() * 5 + 16);
    let ws = words(&norm);
    let mut prev: Option<u64> = None;
    for w in &ws {
        let h = hash_str(SEED_WORD, w);
        raw.push((finish(h), GROUP_WORD));
        if let Some(p) = prev {
            raw.push((finish(mix(SEED_BIGRAM ^ p, h)), GROUP_WORD));
        }
        prev = Some(h);
    }
    let mut chars: Vec<char> = Vec::with_capacity(norm.len() + 2);
    chars.push(' ');
    chars.extend(norm.chars());
    chars.push(' ');
    for i in 0..chars.len() {
        if is_cjk(chars[i]) {
            raw.push((finish(mix(SEED_CHAR ^ 0xFFFF, chars[i] as u64)), GROUP_CHAR));
        }
        let mut h = SEED_CHAR;
        for (k, &c) in chars[i..].iter().take(CHAR_N.1).enumerate() {
            h = mix(h, c as u64);
            if k + 1 >= CHAR_N.0 {
                raw.push((finish(h), GROUP_CHAR));
            }
        }
    }
    raw.sort_unstable_by_key(|&(h, _)| h);
    let mut out: Vec<Feature> = Vec::with_capacity(raw.len());
    for (h, g) in raw {
        match out.last_mut() {
            Some(last) if last.hash == h => last.count += 1.0,
            _ => out.push(Feature {
                hash: h,
                group: g,
                count: 1.0,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_case_digits_and_punctuation() {
        assert_eq!(normalize("  Don't PAY $50!!  now "), "dont pay 00 now");
        assert_eq!(normalize("Straße"), "straße");
    }

    #[test]
    fn splits_cjk_characters_into_words() {
        assert_eq!(
            words("明天 weather 天气"),
            vec!["明", "天", "weather", "天", "气"]
        );
    }

    #[test]
    fn features_are_deterministic_and_merged() {
        let a = features("hello hello world");
        let b = features("Hello, hello world!");
        assert_eq!(a, b);
        assert!(a.iter().any(|f| f.count >= 2.0));
        let mut hs: Vec<u64> = a.iter().map(|f| f.hash).collect();
        hs.dedup();
        assert_eq!(hs.len(), a.len());
    }
}
