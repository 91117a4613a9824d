#!/usr/bin/env python3
"""The flood and guard findings of issue 20, measured again ("after") against
one real latchkey-server (QA mode, SQLite, default limits, --trusted-proxy
127.0.0.1/32), with clients from many loopback addresses:

  (a) 200 addresses x 50 /authorize (10 000 sign-ins waiting, the server's
      cap), then a newcomer from a new address starts a sign-in;
  (b) 512 connections from 16 addresses each send a chunked body whose bytes
      end in 0\\r\\n\\r\\n inside a chunk, then idle: how long until the server
      closes them, and whether another client is served meanwhile;
  (c) the provider callback with 560 lk_* cookies and an unknown state,
      against the same callback without cookies;
  (d) through nginx, 120 people from 120 addresses sign in while one address
      opens 60 sign-ins of its own: how many of the 120 finish (and, for
      comparison, the same without --trusted-proxy).

    flood-figures.py [BUILD_DIR]   (default: build)
Needs nginx for (d); prints a table."""

import importlib.util
import os
import selectors
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("behind_nginx",
                                               os.path.join(HERE, "..", "tests", "server", "behind-nginx.py"))
bn = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bn)
instances, From, authorize_path = bn.instances, bn.From, bn.authorize_path


def single(binary, work, name, trusted=True):
    """One instance on SQLite with the default limits; nginx's URL is its issuer."""
    database = instances.Database("sqlite", os.path.join(work, name))
    os.makedirs(os.path.join(work, name), exist_ok=True)
    key_file = os.path.join(work, name, "key")
    with open(os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as f:
        f.write(os.urandom(32))
    nginx_port = bn.free_port()
    server = bn.ProxiedInstance(binary, work, name, database, key_file, f"http://127.0.0.1:{nginx_port}")
    server.log_level = "warning"
    if not trusted:
        at = server.extra_args.index("--trusted-proxy")
        del server.extra_args[at:at + 2]
    server.start()
    return server, nginx_port


def flood_then_newcomer(server):
    """(a): 10 000 sign-ins waiting from 200 addresses, then one from a 201st."""
    statuses = []
    lock = threading.Lock()

    def flood(n):
        client = From(server.port, f"127.1.{n // 250}.{n % 250 + 1}")
        for _ in range(50):
            status, _, _ = client.request("GET", authorize_path())
            with lock:
                statuses.append(status)

    started = time.monotonic()
    work = list(range(200))
    threads = []

    def worker():
        while True:
            with lock:
                if not work:
                    return
                n = work.pop()
            flood(n)

    for _ in range(16):
        threads.append(threading.Thread(target=worker))
        threads[-1].start()
    for thread in threads:
        thread.join(600)
    flood_time = time.monotonic() - started
    started = time.monotonic()
    newcomer, _, _ = From(server.port, "127.2.0.1").request("GET", authorize_path())
    newcomer_time = time.monotonic() - started
    accepted = statuses.count(200)
    return (f"flood: {len(statuses)} /authorize in {flood_time:.1f} s, {accepted} x 200; "
            f"newcomer: {newcomer} in {newcomer_time * 1000:.1f} ms")


def chunked_idlers(server):
    """(b): 512 connections from 16 addresses (32 each, all the server takes) each send a chunked
    body whose bytes end in 0\r\n\r\n inside a chunk, all at once, then idle."""
    body = b"100\r\n0\r\n\r\n"  # a chunk of 256 bytes, of which only "0\r\n\r\n" came
    head = (b"POST /token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n")
    sockets = []
    for n in range(512):
        sockets.append(socket.create_connection(("127.0.0.1", server.port), timeout=5,
                                                source_address=(f"127.3.0.{n % 16 + 1}", 0)))
        time.sleep(0.002)  # below the server's accept rate: no SYN waits for a retransmission
    watch = selectors.DefaultSelector()
    answered, closed, answers = {}, {}, {}
    started = time.monotonic()
    for sock in sockets:
        sock.sendall(head + body)
    sent = time.monotonic() - started
    for sock in sockets:
        sock.setblocking(False)
        watch.register(sock, selectors.EVENT_READ, bytearray())

    # Another client, from an address of its own, asks every 50 ms while the 512 are there.
    other = []
    asking = threading.Event()

    def ask():
        while not asking.is_set():
            asked = time.monotonic()
            try:
                status = From(server.port, "127.3.1.1").request("GET", "/.well-known/openid-configuration")[0]
            except bn.Lost as error:
                status = f"lost ({error})"
            other.append((asked - started, status, time.monotonic() - asked))
            asking.wait(0.05)

    asker = threading.Thread(target=ask, daemon=True)
    asker.start()
    while len(closed) < len(sockets) and time.monotonic() - started < 90:
        for key, _ in watch.select(0.1):
            sock = key.fileobj
            try:
                chunk = sock.recv(4096)
            except OSError:
                chunk = b""
            if chunk:
                answered.setdefault(sock, time.monotonic() - started)
                key.data.extend(chunk)
                continue
            closed[sock] = time.monotonic() - started
            watch.unregister(sock)
            line = bytes(key.data).split(b"\r\n")[0].decode(errors="replace") or "(nothing)"
            answers[line] = answers.get(line, 0) + 1
    # ... and on, until it is served (or 15 s more).
    until = time.monotonic() + 15
    while time.monotonic() < until and not any(o[1] == 200 for o in other):
        time.sleep(0.05)
    asking.set()
    asker.join(10)
    for sock in sockets:
        sock.close()
    first = other[0] if other else (0, "none", 0)
    served = next((o for o in other if o[1] == 200), None)
    kinds = sorted({str(o[1]) for o in other})
    return (f"512 requests sent in {sent * 1000:.0f} ms; answered within {max(answered.values()) * 1000:.0f} ms, "
            f"closed by the server: {len(closed)}/512, the last after {max(closed.values()):.2f} s (2 s linger); "
            + ", ".join(f"{n} x {line}" for line, n in answers.items())
            + f"; another client meanwhile: first asked at {first[0] * 1000:.0f} ms: {first[1]} in "
            f"{first[2] * 1000:.1f} ms; first 200 asked at "
            + (f"{served[0] * 1000:.0f} ms" if served else "never") + f" ({len(other)} asks: {', '.join(kinds)})")


def cookie_callback(server):
    """(c): /upstream/github/callback with an unknown state, with 560 lk_ cookies and with none."""
    jar = "; ".join(f"lk_{n:08d}={os.urandom(9).hex()[:12]}" for n in range(560))
    path = "/upstream/github/callback?state=not-ours&code=x"

    def timed(headers, source):
        client = From(server.port, source)
        times, statuses = [], set()
        for _ in range(40):
            started = time.monotonic()
            status, _, _ = client.request("GET", path, headers=headers)
            times.append(time.monotonic() - started)
            statuses.add(status)
        return statuses, statistics.median(times) * 1000

    plain_status, plain_ms = timed({}, "127.4.0.1")
    jar_status, jar_ms = timed({"Cookie": jar}, "127.4.0.2")
    return (f"Cookie header {len(jar)} bytes: {sorted(jar_status)} median {jar_ms:.2f} ms per request; "
            f"without cookies: {sorted(plain_status)} median {plain_ms:.2f} ms ({jar_ms / plain_ms:.1f} x)")


def through_nginx(binary, work, trusted):
    """(d): 120 people start through nginx, one address opens 60 sign-ins, the 120 finish."""
    name = "d-trusted" if trusted else "d-untrusted"
    server, nginx_port = single(binary, work, name, trusted)
    nginx = bn.Nginx(os.path.join(work, name), [server.port], nginx_port)
    nginx.start()
    try:
        people = [From(nginx_port, f"127.5.0.{n + 1}") for n in range(120)]
        started = [None] * 120
        finished = [False] * 120
        barrier = threading.Barrier(121)

        def start(n):
            barrier.wait(60)
            try:
                request = people[n].authorize()
                started[n] = (request, people[n].provider_page("google", request["id"]))
            except Exception:
                pass

        flood = []

        def opener():
            client = From(nginx_port, "127.5.1.1")
            barrier.wait(60)
            for _ in range(60):
                flood.append(client.request("GET", authorize_path())[0])

        threads = [threading.Thread(target=start, args=(n,)) for n in range(120)]
        threads.append(threading.Thread(target=opener))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)

        def finish(n):
            if not started[n]:
                return
            request, page = started[n]
            try:
                status, headers, _ = people[n].provider_form(page, {"persona": "returning"})
                answer = people[n].callback(headers["location"]) if status == 302 else {}
                if "code" in answer:
                    status, _, tokens = people[n].exchange(request, answer["code"])
                    finished[n] = status == 200 and "access_token" in tokens
            except Exception:
                pass

        bn.run_threads([lambda n=n: finish(n) for n in range(120)], 120)
        return (f"{'with' if trusted else 'without'} --trusted-proxy: {sum(finished)}/120 finished "
                f"({sum(1 for s in started if s)} started); the other address's 60: {bn.tally(flood)}")
    finally:
        nginx.stop()
        server.stop()


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    binary = os.path.join(build, "server", "latchkey-server")
    bn.raise_file_limit()
    work = tempfile.mkdtemp(prefix="latchkey-flood-figures.")
    rows = []
    try:
        def row(name, measure):
            started = time.monotonic()
            result = measure()
            rows.append((name, result, time.monotonic() - started))
            print(f"{name}: {result}", flush=True)

        server, _ = single(binary, work, "abc")
        row("(a) 200 x 50 /authorize, then a newcomer", lambda: flood_then_newcomer(server))
        server.stop()
        server, _ = single(binary, work, "b")
        row("(b) 512 chunked idlers from 16 addresses", lambda: chunked_idlers(server))
        row("(c) callback with 560 lk_ cookies", lambda: cookie_callback(server))
        server.stop()
        if bn.NGINX:
            row("(d) 120 sign-ins via nginx + 60 from one", lambda: through_nginx(binary, work, True))
            row("(d') the same, no --trusted-proxy", lambda: through_nginx(binary, work, False))
        else:
            rows.append(("(d) via nginx", "skipped: no nginx", 0))
    finally:
        for instance in instances.Instance.every:
            instance.stop()
        shutil.rmtree(work, ignore_errors=True)
    width = max(len(name) for name, _, _ in rows)
    print()
    print(f"{'finding':<{width}}  {'took':>6}  after")
    for name, result, took in rows:
        print(f"{name:<{width}}  {took:5.1f}s  {result}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
