#!/usr/bin/env python3
"""Splits xSID (xsid_multilingual_train.jsonl) into training and held-out rows BY
SENTENCE: the rows of the file are translations of the same 300 English sentences, so
holding out every fifth row per language would leave translations of each held-out
sentence in training. Here every row gets the position of its source sentence (its group)
and a whole group, in every language at once, is held out.

How the groups are found (the file has no id):
- The languages with 300 rows (and Japanese, 150) list the sentences in the English order:
  group = position. Bavarian German (de-ba) departs from that order in places, so its rows
  are matched one to one to the German rows instead (same intent, most shared character
  trigrams, best pairs first).
- Norwegian (no, 3,300 rows) is 11 dialect versions of the 300 sentences, shuffled: each
  row is matched to the Danish and English rows of the same intent by shared character
  trigrams (names, numbers, cognates), best pairs first, at most 11 rows per sentence.

Standard library only. Usage:

    scripts/xsid_split.py DATASETS OUTDIR [FOLD]

writes OUTDIR/xsid_train.jsonl and OUTDIR/xsid_test.jsonl (groups with
group % 5 == FOLD held out; FOLD 4 by default) and prints the sizes. learn_embeddings.py
imports `held_out` from here so that its corpus leaves out the same sentences.
"""

import collections
import json
import os
import sys

N_SENTENCES = 300


def trigrams(text):
    t = " " + " ".join(text.lower().split()) + " "
    return {t[i : i + 3] for i in range(len(t) - 2)}


def sim(a, b):
    if not a or not b:
        return 0.0
    return len(a & b) / (len(a | b))


def match(rows, anchors, capacity):
    """Assigns each row (index, text, intent) to an anchor position with the same intent,
    best-scoring pairs first, at most `capacity` rows per position. anchors: position ->
    (intent, [trigram sets])."""
    pairs = []
    for i, text, intent in rows:
        g = trigrams(text)
        for pos, (a_intent, sets) in anchors.items():
            if a_intent == intent:
                pairs.append((max(sim(g, s) for s in sets), i, pos))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    used = collections.Counter()
    out = {}
    for score, i, pos in pairs:
        if i in out or used[pos] >= capacity:
            continue
        out[i] = pos
        used[pos] += 1
    return out


def groups(rows):
    """The source-sentence position of each row, in file order."""
    by_lang = collections.defaultdict(list)
    for i, r in enumerate(rows):
        by_lang[r["language"]].append(i)
    group = [None] * len(rows)
    for lang, idx in by_lang.items():
        if lang in ("no", "de-ba"):
            continue
        for pos, i in enumerate(idx):
            group[i] = pos
    de = by_lang["de"]
    anchors = {p: (rows[i]["intent"], [trigrams(rows[i]["text"])]) for p, i in enumerate(de)}
    m = match([(i, rows[i]["text"], rows[i]["intent"]) for i in by_lang["de-ba"]], anchors, 1)
    for i in by_lang["de-ba"]:
        group[i] = m.get(i, by_lang["de-ba"].index(i))
    da, en = by_lang["da"], by_lang["en"]
    anchors = {
        p: (rows[da[p]]["intent"], [trigrams(rows[da[p]]["text"]), trigrams(rows[en[p]]["text"])])
        for p in range(N_SENTENCES)
    }
    no = by_lang["no"]
    cap = -(-len(no) // N_SENTENCES)
    m = match([(i, rows[i]["text"], rows[i]["intent"]) for i in no], anchors, cap)
    for k, i in enumerate(no):
        group[i] = m.get(i, k % N_SENTENCES)
    return group


def held_out(rows, fold=4):
    """True for each row whose sentence group is held out in `fold`."""
    return [g % 5 == fold for g in groups(rows)]


def main():
    datasets, out = sys.argv[1], sys.argv[2]
    fold = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    rows = [json.loads(l) for l in open(os.path.join(datasets, "xsid_multilingual_train.jsonl"))]
    held = held_out(rows, fold)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "xsid_train.jsonl"), "w") as tr, open(
        os.path.join(out, "xsid_test.jsonl"), "w"
    ) as te:
        for r, h in zip(rows, held):
            (te if h else tr).write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"fold {fold}: {len(rows) - sum(held)} training rows, {sum(held)} held out", file=sys.stderr)


if __name__ == "__main__":
    main()
