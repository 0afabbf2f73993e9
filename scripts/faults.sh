#!/usr/bin/env bash
# The fault suite of issue 9, repeatable from one command:
#
#   scripts/faults.sh [DATABASE_URL]      (default: a fresh SQLite file in a temp folder;
#                                          for PostgreSQL pass an empty database's URL)
#
# Each scenario sends mail as an attacker or a faulty MTA would and prints its invariant:
# every message answered "accepted" (HTTP 202 / exit 0) is stored, once. Uses the debug
# binary (its X-Tandem-Fault header injects a panic); TANDEM_BIN overrides it.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${TANDEM_BIN:-target/debug/tandem}
[ -x "$BIN" ] || cargo build --quiet || exit 1
WORK=$(mktemp -d)
export TANDEM_DATABASE_URL=${1:-sqlite://$WORK/faults.db}
export TANDEM_MAIL_DIR=$WORK/mail-out TANDEM_INBOUND_SECRET=faults TANDEM_BUSINESS_HOURS=24/7
export TANDEM_SUPPORT_ADDRESS=support@faults.test TANDEM_LOG=warn
PORT=$((20000 + RANDOM % 20000))
export TANDEM_BIND=127.0.0.1:$PORT
SERVER=""
FAILURES=0
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"' EXIT

mail() { # FROM SUBJECT MESSAGE-ID [EXTRA-HEADER]
    printf 'From: %s\r\nTo: support@faults.test\r\nSubject: %s\r\nMessage-ID: <%s>\r\n%bDate: Mon, 30 Nov 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello, my invoice shows the wrong amount (%s). Can someone check it?\r\n' \
        "$1" "$2" "$3" "${4:-}" "$3"
}
post() { # FILE -> prints the HTTP status
    curl -s -o /dev/null -w '%{http_code}' --max-time 30 -H 'X-Tandem-Secret: faults' \
        --data-binary @"$1" "http://127.0.0.1:$PORT/inbound/email"
}
start_server() {
    TANDEM_LOG=warn,tandem::app::outbox=debug "$BIN" serve >>"$WORK/serve.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 1 100); do
        curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz" && return 0
        sleep 0.1
    done
    echo "serve did not start"; tail "$WORK/serve.log"; exit 1
}
# With serve running, ingest-mail only stores (exit 0 = stored) and serve's backlog worker
# processes within moments: give it that moment before counting.
settle() { sleep 1; }
# Tickets per customer address: "ADDRESS COUNT" lines.
per_customer() {
    "$BIN" ticket list --json | python3 -c '
import json, sys, collections
c = collections.Counter(t["customer"] for t in json.load(sys.stdin))
for k, v in sorted(c.items()): print(k, v)'
}
verdict() { # NAME PASSED(0/1) DETAILS: prints the line and counts a failure
    local word=ok
    [ "$2" = 1 ] || { word=FAIL; FAILURES=$((FAILURES + 1)); }
    printf '%-44s %-4s  %s\n' "$1" "$word" "$3"
}
check() { # NAME PREFIX EXPECTED-ACCEPTED
    local stored once
    stored=$(per_customer | grep -c "^$2" || true)
    once=$(per_customer | grep "^$2" | awk '$2 == 1' | wc -l)
    if [ "$stored" -eq "$3" ] && [ "$once" -eq "$3" ]; then
        printf '%-44s ok    accepted %d = stored once %d\n' "$1" "$3" "$once"
    else
        printf '%-44s FAIL  accepted %d, stored %d, stored once %d\n' "$1" "$3" "$stored" "$once"
        FAILURES=$((FAILURES + 1))
    fi
}

"$BIN" migrate >/dev/null || exit 1
start_server

# 1. A hostile display name (CR/LF Bcc injection), then 20 ordinary messages, both ways.
mail '=?UTF-8?B?RXZlDQpCY2M6IGF0dGFja2VyQGV2aWwuZXhhbXBsZQ==?= <hostile-http@evil.example>' Hi h1@evil >"$WORK/m"
ok=0; [ "$(post "$WORK/m")" = 202 ] && ok=1
for i in $(seq 1 20); do mail "h-http-$i@example.com" "Q $i" "hh$i@example.com" >"$WORK/m"; [ "$(post "$WORK/m")" = 202 ] && ok=$((ok + 1)); done
check "hostile header + 20 (HTTP)" "h" "$ok"
mail '=?UTF-8?B?RXZlDQpCY2M6IGF0dGFja2VyQGV2aWwuZXhhbXBsZQ==?= <pipe-hostile@evil.example>' Hi p1@evil >"$WORK/m"
ok=0; "$BIN" ingest-mail <"$WORK/m" 2>/dev/null && ok=1
for i in $(seq 1 20); do mail "pipe-$i@example.com" "Q $i" "pp$i@example.com" >"$WORK/m"; "$BIN" ingest-mail <"$WORK/m" 2>/dev/null && ok=$((ok + 1)); done
settle; check "hostile header + 20 (ingest-mail)" "pipe-" "$ok"

# 2. A message that panics inside its transaction: refused for good over HTTP (400) and
#    parked; over the pipe beside a running server it is stored (exit 0) and parked by the
#    server (alone, the pipe exits 65); the messages after it are stored.
mail 'boom@example.com' Boom boom1@example.com 'X-Tandem-Fault: panic\r\n' >"$WORK/m"
code=$(post "$WORK/m")
# Another such message through the pipe (the same one would be a copy: nothing new).
mail 'boom@example.com' Boom boom2@example.com 'X-Tandem-Fault: panic\r\n' >"$WORK/m"
"$BIN" ingest-mail <"$WORK/m" 2>/dev/null; pipe=$?
ok=0; for i in $(seq 1 10); do mail "after-$i@example.com" "Q $i" "af$i@example.com" >"$WORK/m"; [ "$(post "$WORK/m")" = 202 ] && ok=$((ok + 1)); done
settle; parked=$("$BIN" failed-mail --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
verdict "panic inside a transaction" \
    "$([ "$code" = 400 ] && { [ $pipe = 65 ] || [ $pipe = 0 ]; } && [ "$parked" -ge 2 ] && echo 1)" \
    "HTTP $code, exit $pipe, parked $parked"
check "  then 10 ordinary messages" "after-" "$ok"

# 3. 8 concurrent copies of each of 50 messages over HTTP; 4 concurrent pipes of 25.
codes="$WORK/codes"; : >"$codes"
for i in $(seq 1 50); do
    mail "copy-$i@example.com" "Copy $i" "copy$i@example.com" >"$WORK/c$i"
    pids=()
    for _ in 1 2 3 4 5 6 7 8; do post "$WORK/c$i" >>"$codes" & pids+=($!); done
    wait "${pids[@]}"
    echo >>"$codes"
done
non202=$(grep -o '[0-9]\{3\}' "$codes" | grep -vc 202 || true)
check "8 concurrent copies x 50 (HTTP)" "copy-" 50
verdict "  every copy answered 202" "$([ "$non202" = 0 ] && echo 1)" "answers other than 202: $non202 of 400"
bad=0
for i in $(seq 1 25); do
    mail "pcopy-$i@example.com" "Copy $i" "pcopy$i@example.com" >"$WORK/p$i"
    pids=()
    for _ in 1 2 3 4; do ( "$BIN" ingest-mail <"$WORK/p$i" 2>/dev/null || echo x >>"$WORK/pbad" ) & pids+=($!); done
    wait "${pids[@]}"
done
[ -f "$WORK/pbad" ] && bad=$(wc -l <"$WORK/pbad")
settle
check "4 concurrent ingest-mail x 25" "pcopy-" 25
verdict "  every copy exited 0" "$([ "$bad" = 0 ] && echo 1)" "non-zero exits: $bad of 100"

# 4. Message-ID squatting: a stranger sends first with the customer's Message-ID.
mail 'squatter@evil.example' 'hi' 'real-1@customer.example' >"$WORK/m"; post "$WORK/m" >/dev/null
mail 'squat-victim@customer.example' 'My invoice' 'real-1@customer.example' >"$WORK/m"
[ "$(post "$WORK/m")" = 202 ] && ok=1 || ok=0
check "Message-ID squatting: the real one stored" "squat-victim" "$ok"

# 5. NUL bytes in the display name, subject and body.
printf 'From: "Ev\0e" <nul-1@example.com>\r\nSubject: he\0llo\r\nMessage-ID: <nul1@example.com>\r\n\r\nbody \0 with NUL\r\n' >"$WORK/m"
[ "$(post "$WORK/m")" = 202 ] && ok=1 || ok=0
printf 'From: "Ev\0e" <nul-2@example.com>\r\nSubject: he\0llo\r\nMessage-ID: <nul2@example.com>\r\n\r\nbody \0 with NUL\r\n' >"$WORK/m"
"$BIN" ingest-mail <"$WORK/m" 2>/dev/null && ok=$((ok + 1))
settle; check "NUL bytes (HTTP and ingest-mail)" "nul-" "$ok"

# 6. kill -9 of serve three times during a stream of 600 emails; the sender retries
#    anything not answered 202, as an MTA does.
stream() {
    for i in $(seq 1 600); do
        mail "stream-$i@example.com" "Stream $i" "stream$i@example.com" >"$WORK/s"
        until [ "$(post "$WORK/s")" = 202 ]; do sleep 0.2; done
    done
}
stream & STREAM=$!
for _ in 1 2 3; do
    sleep 3
    kill -9 "$SERVER"; wait "$SERVER" 2>/dev/null
    start_server
done
wait "$STREAM"
check "kill -9 of serve x3 during 600 emails" "stream-" 600

# 7. ingest-mail processes killed mid-run; the MTA retries each until it exits 0.
for i in $(seq 1 100); do
    mail "kill-$i@example.com" "Kill $i" "kill$i@example.com" >"$WORK/k$i"
    ( "$BIN" ingest-mail <"$WORK/k$i" 2>/dev/null ) & pid=$!
    sleep "0.0$((RANDOM % 6))"; kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
done
killed_ok=0
for i in $(seq 1 100); do
    until "$BIN" ingest-mail <"$WORK/k$i" 2>/dev/null; do sleep 0.1; done
    killed_ok=$((killed_ok + 1))
done
settle; check "ingest-mail killed mid-run x100, retried" "kill-" "$killed_ok"

# 8. Delivery: serve's worker sends each queued answer; the double-send window (the
#    transport accepted, the row not yet marked sent) is measured per mail.
kill "$SERVER"; wait "$SERVER" 2>/dev/null; SERVER=""
TANDEM_LOG=tandem=debug "$BIN" deliver 2>"$WORK/deliver.log" | tail -1
python3 - "$WORK/deliver.log" "$WORK/serve.log" <<'PY'
import re, sys
text = re.sub(r"\x1b\[[0-9;]*m", "", open(sys.argv[1]).read() + open(sys.argv[2]).read())
us = sorted(int(m) for m in re.findall(r"window_us=(\d+)", text))
if us:
    print(f"{'double-send window (accepted -> marked sent)':44} {len(us)} mails: "
          f"p50 {us[len(us)//2]} us, p99 {us[int(len(us)*0.99)]} us, max {us[-1]} us")
PY
[ "$FAILURES" = 0 ] && echo "all invariants held" || { echo "$FAILURES invariant(s) broken"; exit 1; }
