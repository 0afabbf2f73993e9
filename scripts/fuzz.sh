#!/bin/sh
# Fuzzes the MIME/ingest path (fuzz/fuzz_targets/mime_ingest.rs) with libFuzzer on stable
# Rust: the coverage instrumentation `cargo fuzz` would add, passed as RUSTFLAGS, with no
# sanitizer (those need nightly). Not part of CI. Arguments go to libFuzzer, e.g.
#   nice -n 19 scripts/fuzz.sh -runs=10000000
# A crash is written to fuzz/artifacts/mime_ingest/; replay it with
#   scripts/fuzz.sh fuzz/artifacts/mime_ingest/crash-...
set -eu
cd "$(dirname "$0")/../fuzz"
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
target=x86_64-unknown-linux-gnu
cargo build --release --target "$target" --bin mime_ingest
mkdir -p corpus/mime_ingest artifacts/mime_ingest
cp ../samples/*.eml corpus/mime_ingest/ 2>/dev/null || true
exec "./target/$target/release/mime_ingest" corpus/mime_ingest \
  -artifact_prefix=artifacts/mime_ingest/ -max_len=16384 -timeout=10 -rss_limit_mb=2048 "$@"
