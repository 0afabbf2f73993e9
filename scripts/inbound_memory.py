#!/usr/bin/env python3
"""Issue 9, item 5: how much memory strangers' uploads cost `tandem serve`.

Starts `tandem serve` on a fresh SQLite database, then sends 32 bodies of 25 MiB with a
wrong X-Tandem-Secret, 16 at a time, and prints the server's resident memory before,
at its peak (VmHWM) and after, and the answers' statuses.

    python3 scripts/inbound_memory.py [path/to/tandem]   # default target/debug/tandem
"""

import concurrent.futures
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

BODY = 25 * 1024 * 1024
UPLOADS, AT_ONCE = 32, 16
PORT = int(os.environ.get("PORT", "18091"))


def mem(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) // 1024  # MiB
    return -1


def upload(_):
    chunk = b"x" * (1024 * 1024)
    s = socket.create_connection(("127.0.0.1", PORT), timeout=60)
    head = (
        f"POST /inbound/email HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Tandem-Secret: wrong\r\n"
        f"Content-Type: message/rfc822\r\nContent-Length: {BODY}\r\n\r\n"
    ).encode()
    started = time.time()
    try:
        s.sendall(head)
        for _ in range(BODY // len(chunk)):
            s.sendall(chunk)
    except OSError:
        pass  # the server answered and closed early: what we want
    try:
        status = s.recv(64).split(b" ")[1].decode()
    except (OSError, IndexError):
        status = "closed"
    s.close()
    return status, time.time() - started


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "target/debug/tandem"
    tmp = tempfile.mkdtemp()
    env = dict(
        os.environ,
        TANDEM_DATABASE_URL=f"sqlite://{tmp}/t.db",
        TANDEM_BIND=f"127.0.0.1:{PORT}",
        TANDEM_INBOUND_SECRET="s3cret",
        TANDEM_MAIL_DIR=f"{tmp}/out",
        TANDEM_SUPPORT_ADDRESS="support@tandem.test",
    )
    server = subprocess.Popen([binary, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        before = mem(server.pid, "VmRSS")
        with concurrent.futures.ThreadPoolExecutor(AT_ONCE) as pool:
            results = list(pool.map(upload, range(UPLOADS)))
        time.sleep(1)
        after, peak = mem(server.pid, "VmRSS"), mem(server.pid, "VmHWM")
        statuses = {}
        for status, _ in results:
            statuses[status] = statuses.get(status, 0) + 1
        slowest = max(t for _, t in results)
        print(f"{binary}: {UPLOADS} uploads of {BODY >> 20} MiB with a wrong secret, {AT_ONCE} at a time")
        print(f"  RSS before {before} MiB, peak {peak} MiB (+{peak - before}), after {after} MiB")
        print(f"  answers {statuses}; slowest upload {slowest:.1f} s")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
