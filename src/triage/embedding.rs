//! Static subword vectors derived from all-MiniLM-L6-v2 (Apache-2.0): a WordPiece
//! tokeniser (BERT uncased rules) and two tables of one int8 vector per vocabulary token,
//! the decontextualised one (`scripts/distill_embeddings.py`) and the learned one
//! (`scripts/learn_embeddings.py`). A sentence vector is, per table, the normalised
//! weighted sum of its tokens' vectors; it gives the classifier a sense of meaning beyond
//! shared n-grams.
//!
//! The tables are compiled into the binary and read in place: nothing is parsed or built
//! at load time beyond checking the header.

use std::sync::LazyLock;

static SEMANTIC: &[u8] = include_bytes!("../../triage-data/minilm_static.bin");
static LEARNED: &[u8] = include_bytes!("../../triage-data/minilm_learned.bin");

/// Vector bytes: the compiled-in file, or the file named by the environment variable
/// (made by the same script, e.g. from another corpus). A file that cannot be read is an
/// error, never a silent fall back to the built-in vectors.
fn bytes_from(var: &str, built_in: &'static [u8]) -> Result<&'static [u8], String> {
    match std::env::var_os(var) {
        Some(path) => std::fs::read(&path)
            .map(|b| &*Box::leak(b.into_boxed_slice()))
            .map_err(|e| format!("{var}={}: {e}", path.to_string_lossy())),
        None => Ok(built_in),
    }
}

/// Where a table came from, for an error message.
fn source(var: &str) -> String {
    match std::env::var_os(var) {
        Some(path) => format!("{var}={}", path.to_string_lossy()),
        None => "the built-in table".to_string(),
    }
}

/// The decontextualised vectors: each token run through the encoder on its own. They
/// know nothing of any training corpus, so they also place unfamiliar, out-of-scope
/// text fairly; the engine's similarity-to-intent signals use only these.
static TABLE: LazyLock<Result<StaticEmbedding, String>> = LazyLock::new(|| {
    StaticEmbedding::parse(bytes_from(VECTORS_ENV, SEMANTIC)?).ok_or_else(|| {
        format!(
            "{}: not a vector table made by scripts/distill_embeddings.py",
            source(VECTORS_ENV)
        )
    })
});

/// The learned vectors: fitted so that the mean of a sentence's token vectors
/// reproduces the encoder's vector of the whole sentence on a corpus of support
/// messages. They carry more of what a word means in context; they share the
/// vocabulary of [`table`] (token ids are the same).
static LEARNED_TABLE: LazyLock<Result<StaticEmbedding, String>> = LazyLock::new(|| {
    StaticEmbedding::parse(bytes_from(LEARNED_VECTORS_ENV, LEARNED)?)
        .filter(|l| TABLE.as_ref().is_ok_and(|t| t.n == l.n))
        .ok_or_else(|| {
            format!(
                "{}: not a vector table on the vocabulary of the other table (made by \
                 scripts/learn_embeddings.py)",
                source(LEARNED_VECTORS_ENV)
            )
        })
});

/// Environment variables that name other vector files than the compiled-in ones.
pub const VECTORS_ENV: &str = "TANDEM_TRIAGE_VECTORS";
/// See [`VECTORS_ENV`]: the learned table.
pub const LEARNED_VECTORS_ENV: &str = "TANDEM_TRIAGE_LEARNED_VECTORS";

/// Loads both vector tables now, so that a wrong path or a file that is not a table
/// stops a command that triages with its reason instead of triaging with other vectors
/// than the ones asked for.
pub fn check() -> Result<(), String> {
    TABLE.as_ref().map_err(Clone::clone)?;
    LEARNED_TABLE.as_ref().map_err(Clone::clone)?;
    Ok(())
}

/// The decontextualised table (None when it could not be loaded; [`check`] says why).
pub fn table() -> Option<&'static StaticEmbedding> {
    TABLE.as_ref().ok()
}

/// The learned table, when it loaded and is built on the same vocabulary as [`table`].
pub fn learned() -> Option<&'static StaticEmbedding> {
    LEARNED_TABLE.as_ref().ok()
}

/// Dimensions of a sentence vector: the decontextualised part first, then the learned
/// part, then the encoder's vector in accurate mode (0 without vectors).
pub fn sentence_dim() -> usize {
    table().map_or(0, |t| t.dim)
        + learned().map_or(0, |t| t.dim)
        + super::encoder::configured().map_or(0, |e| e.dim())
}

/// Dimensions of the decontextualised part at the start of a sentence vector.
pub fn semantic_dim() -> usize {
    table().map_or(0, |t| t.dim)
}

/// Fingerprint of all vectors in use, stored with trained models.
pub fn fingerprint() -> u64 {
    table().map_or(0, |t| t.fingerprint())
        ^ learned().map_or(0, |t| t.fingerprint().rotate_left(17))
        ^ super::encoder::configured().map_or(0, |e| e.fingerprint().rotate_left(29))
}

/// The sentence vector of a text: the static tables' weighted sums of the token ids,
/// then in accurate mode the encoder's vector `encoded` (zeros for a text the encoder
/// does not read: another language); each part of unit length, the whole too. The
/// learned part stays beside the encoder's: with it zeroed for the texts the encoder
/// read, xSID lost a point (short texts in other languages taken for English).
pub fn sentence(ids: &[usize], weight: impl Fn(usize) -> f32, encoded: &[f32]) -> Vec<f32> {
    let mut v = Vec::with_capacity(sentence_dim());
    let encoder = super::encoder::configured();
    let parts = || table().into_iter().chain(learned());
    let n_parts = parts().count() + usize::from(encoder.is_some());
    let share = 1.0 / (n_parts.max(1) as f32).sqrt();
    for t in parts() {
        let mut part = t.embed_weighted(ids.iter().copied(), &weight);
        part.iter_mut().for_each(|x| *x *= share);
        v.extend(part);
    }
    if let Some(e) = encoder {
        if encoded.len() == e.dim() {
            e.note_used();
            v.extend(encoded.iter().map(|x| x * share));
        } else {
            v.resize(v.len() + e.dim(), 0.0);
        }
    }
    v
}

/// One vector table, borrowed from its bytes.
pub struct StaticEmbedding {
    dim: usize,
    n: usize,
    data: &'static [u8],
    table: &'static [u8],
    offsets: &'static [u8],
    scales: &'static [u8],
    values: &'static [u8],
    blob: &'static [u8],
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

/// Appends the WordPiece ids of one basic token (greedy longest match, `##` marking a
/// piece inside the word); appends nothing and returns false when the word cannot be
/// split into pieces `lookup` knows.
pub fn word_pieces(
    word: &str,
    lookup: impl Fn(&str) -> Option<usize>,
    out: &mut Vec<usize>,
) -> bool {
    if word.chars().count() > 64 {
        return false;
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
            if let Some(id) = lookup(&buf) {
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
                return false;
            }
        }
    }
    true
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
            data: b,
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
        let data = self.data;
        let n = data.len();
        let mut sample: Vec<u8> = Vec::with_capacity(8192 + 256);
        sample.extend_from_slice(&data[..n.min(4096)]);
        sample.extend_from_slice(&data[n.saturating_sub(4096)..]);
        sample.extend((0..256).map(|i| data[i * n / 256]));
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

    /// Token ids of a text.
    pub fn tokenize(&self, text: &str) -> Vec<usize> {
        let mut ids = Vec::new();
        for w in basic_tokens(text) {
            word_pieces(&w, |piece| self.token_id(piece), &mut ids);
        }
        ids
    }

    /// The vector of token `id`: its scale and its bytes (each an `i8`).
    fn row(&self, id: usize) -> (f32, &'static [u8]) {
        let scale = f32::from_le_bytes([
            self.scales[4 * id],
            self.scales[4 * id + 1],
            self.scales[4 * id + 2],
            self.scales[4 * id + 3],
        ]);
        (scale, &self.values[id * self.dim..(id + 1) * self.dim])
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
        let rows = ids.into_iter().map(|id| {
            let (scale, row) = self.row(id);
            (weight(id) * scale, row)
        });
        super::kernels::add_scaled_rows(&mut acc, rows);
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
    fn learned_table_shares_the_vocabulary_and_follows_the_semantic_part() {
        let (t, l) = (table().expect("table"), learned().expect("learned table"));
        assert_eq!(t.len(), l.len());
        assert_eq!(semantic_dim(), t.dim());
        assert_eq!(sentence_dim(), t.dim() + l.dim());
        let v = sentence(&t.tokenize("where is my parcel"), |_| 1.0, &[]);
        assert_eq!(v.len(), sentence_dim());
        let norm = |x: &[f32]| x.iter().map(|a| a * a).sum::<f32>().sqrt();
        assert!((norm(&v) - 1.0).abs() < 1e-4);
        assert!((norm(&v[..semantic_dim()]) - norm(&v[semantic_dim()..])).abs() < 1e-4);
    }

    #[test]
    fn learned_vectors_tell_apart_what_did_not_arrive() {
        // Word overlap says the transfer is closer (and so do the decontextualised
        // vectors: 0.84 against 0.72); meaning says the delivery.
        let l = learned().expect("learned table");
        let card = l.embed("my new card still has not arrived");
        let transfer = l.embed("my transfer still has not arrived");
        let delivery = l.embed("when will the card be delivered to me");
        assert!(
            cos(&card, &delivery) > cos(&card, &transfer),
            "{} {}",
            cos(&card, &delivery),
            cos(&card, &transfer)
        );
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
