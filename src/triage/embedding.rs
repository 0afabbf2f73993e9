//! Static subword vectors distilled from all-MiniLM-L6-v2 (Apache-2.0) by
//! `scripts/distill_embeddings.py`: a WordPiece tokeniser (BERT uncased rules) and one
//! int8 vector per vocabulary token. A sentence vector is the normalised sum of its
//! tokens' vectors; it gives the classifier a sense of meaning beyond shared n-grams.
//!
//! The table is compiled into the binary and read in place: nothing is parsed or built
//! at load time beyond checking the header.

use std::sync::LazyLock;

static DATA: &[u8] = include_bytes!("../../triage-data/minilm_static.bin");

/// The vector table, borrowed from the compiled-in bytes.
pub struct StaticEmbedding {
    dim: usize,
    n: usize,
    table: &'static [u8],
    offsets: &'static [u8],
    scales: &'static [u8],
    values: &'static [u8],
    blob: &'static [u8],
}

static TABLE: LazyLock<Option<StaticEmbedding>> = LazyLock::new(|| StaticEmbedding::parse(DATA));

/// The compiled-in table (None if the bytes are damaged, which tests rule out).
pub fn table() -> Option<&'static StaticEmbedding> {
    TABLE.as_ref()
}

fn u32_at(b: &[u8], i: usize) -> u32 {
    u32::from_le_bytes([b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]])
}

fn fnv1a64(s: &[u8]) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for &b in s {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

/// Folds the accented Latin letters that BERT's uncased normalisation strips.
fn strip_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => 'c',
        'ď' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => 'e',
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => 'g',
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' => 'i',
        'ķ' => 'k',
        'ĺ' | 'ļ' | 'ľ' => 'l',
        'ñ' | 'ń' | 'ņ' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ō' | 'ŏ' | 'ő' => 'o',
        'ŕ' | 'ŗ' | 'ř' => 'r',
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => 's',
        'ţ' | 'ť' | 'ț' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => 'u',
        'ý' | 'ÿ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        _ => c,
    }
}

/// BERT's basic tokenisation: lower-case, strip accents, split on whitespace and around
/// punctuation and CJK characters.
pub fn basic_tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if !c.is_alphanumeric() || super::tokenize::is_cjk(c) {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            out.push(c.to_lowercase().map(strip_accent).collect());
            continue;
        }
        for l in c.to_lowercase() {
            cur.push(strip_accent(l));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

impl StaticEmbedding {
    fn parse(b: &'static [u8]) -> Option<StaticEmbedding> {
        if b.len() < 20 || &b[..8] != b"TNDEMB01" {
            return None;
        }
        let n = u32_at(&b[8..], 0) as usize;
        let dim = u32_at(&b[8..], 1) as usize;
        let size = u32_at(&b[8..], 2) as usize;
        if !size.is_power_of_two() {
            return None;
        }
        let mut p = 20;
        let mut take = |len: usize| -> Option<&'static [u8]> {
            let s = b.get(p..p + len)?;
            p += len;
            Some(s)
        };
        let table = take(size * 4)?;
        let offsets = take((n + 1) * 4)?;
        let scales = take(n * 4)?;
        let values = take(n * dim)?;
        let blob_len = u32_at(offsets, n) as usize;
        let blob = take(blob_len)?;
        Some(StaticEmbedding {
            dim,
            n,
            table,
            offsets,
            scales,
            values,
            blob,
        })
    }

    /// A cheap fingerprint of the table (sampled bytes), stored with trained models so
    /// that a model is never used with vectors other than those it was trained on.
    pub fn fingerprint(&self) -> u64 {
        // Head, tail and 256 spread-out bytes: touches few pages, so loading stays fast.
        let n = DATA.len();
        let mut sample: Vec<u8> = Vec::with_capacity(8192 + 256);
        sample.extend_from_slice(&DATA[..n.min(4096)]);
        sample.extend_from_slice(&DATA[n.saturating_sub(4096)..]);
        sample.extend((0..256).map(|i| DATA[i * n / 256]));
        fnv1a64(&sample) ^ (n as u64).rotate_left(32)
    }

    /// Vector dimension.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Number of vocabulary tokens.
    pub fn len(&self) -> usize {
        self.n
    }

    /// True when the vocabulary is empty.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Vocabulary id of a WordPiece token, if it has a vector.
    pub fn token_id(&self, tok: &str) -> Option<usize> {
        let mask = self.table.len() / 4 - 1;
        let mut p = (fnv1a64(tok.as_bytes()) as usize) & mask;
        loop {
            let v = u32_at(self.table, p) as usize;
            if v == 0 {
                return None;
            }
            let id = v - 1;
            if id < self.n {
                let (a, b) = (
                    u32_at(self.offsets, id) as usize,
                    u32_at(self.offsets, id + 1) as usize,
                );
                if self.blob.get(a..b) == Some(tok.as_bytes()) {
                    return Some(id);
                }
            }
            p = (p + 1) & mask;
        }
    }

    /// WordPiece ids of one basic token (greedy longest match; none if it cannot be
    /// split into known pieces).
    fn word_pieces(&self, word: &str, out: &mut Vec<usize>) {
        if word.chars().count() > 64 {
            return;
        }
        let start_len = out.len();
        let mut start = 0;
        let mut buf = String::with_capacity(word.len() + 2);
        while start < word.len() {
            let mut end = word.len();
            let mut found = None;
            while end > start {
                if !word.is_char_boundary(end) {
                    end -= 1;
                    continue;
                }
                buf.clear();
                if start > 0 {
                    buf.push_str("##");
                }
                buf.push_str(&word[start..end]);
                if let Some(id) = self.token_id(&buf) {
                    found = Some(id);
                    break;
                }
                end -= 1;
            }
            match found {
                Some(id) => {
                    out.push(id);
                    start = end;
                }
                None => {
                    out.truncate(start_len);
                    return;
                }
            }
        }
    }

    /// Token ids of a text.
    pub fn tokenize(&self, text: &str) -> Vec<usize> {
        let mut ids = Vec::new();
        for w in basic_tokens(text) {
            self.word_pieces(&w, &mut ids);
        }
        ids
    }

    /// Adds the vector of token `id` into `acc`.
    fn add(&self, id: usize, weight: f32, acc: &mut [f32]) {
        let s = weight
            * f32::from_le_bytes([
                self.scales[4 * id],
                self.scales[4 * id + 1],
                self.scales[4 * id + 2],
                self.scales[4 * id + 3],
            ]);
        let v = &self.values[id * self.dim..(id + 1) * self.dim];
        for (a, &q) in acc.iter_mut().zip(v) {
            *a += s * (q as i8) as f32;
        }
    }

    /// The unit-length sentence vector of a text (all zeros when no token is known).
    pub fn embed(&self, text: &str) -> Vec<f32> {
        self.embed_tokens(&self.tokenize(text))
    }

    /// The unit-length sentence vector of token ids.
    pub fn embed_tokens(&self, ids: &[usize]) -> Vec<f32> {
        self.embed_weighted(ids.iter().copied(), |_| 1.0)
    }

    /// The unit-length weighted sum of the vectors of token ids.
    pub fn embed_weighted(
        &self,
        ids: impl IntoIterator<Item = usize>,
        weight: impl Fn(usize) -> f32,
    ) -> Vec<f32> {
        let mut acc = vec![0f32; self.dim];
        for id in ids {
            self.add(id, weight(id), &mut acc);
        }
        let norm = acc.iter().map(|v| v * v).sum::<f32>().sqrt();
        if norm > 0.0 {
            for v in acc.iter_mut() {
                *v /= norm;
            }
        }
        acc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cos(a: &[f32], b: &[f32]) -> f32 {
        a.iter().zip(b).map(|(x, y)| x * y).sum()
    }

    #[test]
    fn table_loads_and_tokenizes() {
        let t = table().expect("compiled-in table parses");
        assert!(t.token_id("the").is_some());
        assert!(t.token_id("##ing").is_some());
        assert!(t.token_id("qqqxqqq").is_none());
        assert_eq!(
            basic_tokens("Héllo, World!"),
            vec!["hello", ",", "world", "!"]
        );
        assert!(!t.tokenize("unbelievably").is_empty());
    }

    #[test]
    fn similar_sentences_are_closer() {
        let t = table().expect("table");
        let a = t.embed("what is the weather like today");
        let b = t.embed("will it rain tomorrow");
        let c = t.embed("transfer money to my savings account");
        assert!(cos(&a, &b) > cos(&a, &c), "{} {}", cos(&a, &b), cos(&a, &c));
    }
}
