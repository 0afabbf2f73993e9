#!/usr/bin/env bash
# Five-fold held-out accuracy of the built-in engine on Banking77's training split, with
# the learned vectors re-made for each fold so that no fold's sentences reach them.
# Fold k holds out rows with index % 5 == k (fold 4 is the split the shipped vectors
# leave out). Needs the Python packages listed in scripts/learn_embeddings.py.
#
#   scripts/banking77_cv.sh [datasets dir] [python]
set -euo pipefail
datasets=${1:-../shared/datasets}
python=${2:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet
results=""
for k in 0 1 2 3 4; do
    awk -v k="$k" '(NR - 1) % 5 != k' "$datasets/banking77_train.jsonl" > "$work/train.jsonl"
    awk -v k="$k" '(NR - 1) % 5 == k' "$datasets/banking77_train.jsonl" > "$work/test.jsonl"
    FOLD=$k "$python" scripts/learn_embeddings.py "$datasets" "$work/learned.bin" 2> "$work/learn.log"
    acc=$(TANDEM_TRIAGE_LEARNED_VECTORS="$work/learned.bin" target/release/tandem eval \
        --train "$work/train.jsonl" --test "$work/test.jsonl" 2>&1 |
        sed -n 's/^in-scope top-1 accuracy *\([0-9.]*\) %/\1/p')
    echo "fold $k: $acc %"
    results="$results $acc"
done
echo "$results" | awk '{ for (i = 1; i <= NF; i++) s += $i; printf "mean: %.2f %%\n", s / NF }'

