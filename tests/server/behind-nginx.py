#!/usr/bin/python3
"""Two latchkey-server instances behind a real nginx (issue 20, point 5).

Two real latchkey-server processes in QA mode on one PostgreSQL database (a
fresh one per run, from the PG* environment pg_virtualenv sets; without it,
or without nginx, the cases skip with 77, and fail under CI=true), each with
--trusted-proxy 127.0.0.1/32 and a shared --key-file, behind an nginx that
this script starts with a configuration of its own (an upstream with both,
kept-alive upstream connections, X-Forwarded-For appended). Clients reach
nginx from many loopback addresses, 127.0.0.2 ... 127.0.0.250, so the
servers must count each as itself:

  flood      200 QA sign-ins from 200 addresses, all at once, all finish with
             tokens while one more address sends 600 /authorize (far beyond
             its 120 a minute and 50 pending sign-ins): it alone gets 429s;
  forged     X-Forwarded-For or Forwarded sent straight to an instance (not
             from a trusted proxy) is ignored: 127.0.0.5 exhausts its own
             /authorize rate with forged headers, 127.0.0.6 is still served,
             and the request log names 127.0.0.5; through nginx a forged
             header names the real client as well;
  keepalive  100 clients through nginx each holding a 5-second onboarding
             (QA fault onboard-slow) so that each instance holds more than 32
             connections from nginx at once: no 429 or 503; while 40 direct
             connections from one address get 8 x 429 (the limit is there);
  readyz     on a throwaway PostgreSQL 15 cluster of its own (never the one
             ctest runs under): /readyz through nginx and at each instance
             turns 503 when PostgreSQL stops and 200 again when it returns,
             /healthz stays 200, and a sign-in works afterwards.

Usage: behind-nginx.py SERVER_BINARY CASE
"""

import http.client
import importlib.util
import os
import pwd
import re
import resource
import secrets
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import types
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("server_instances", os.path.join(HERE, "server-instances.py"))
instances = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(instances)
crash = instances.crash
Client, Lost, SkipTest, check = crash.Client, crash.Lost, instances.SkipTest, instances.check
CLIENT_ID = crash.CLIENT_ID
SKIP = 77
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
PG_BIN = "/usr/lib/postgresql/15/bin"
TRUSTED = "127.0.0.1/32"  # nginx's own address: the only peer whose headers count
TIMEOUT = 30  # seconds for one request: a server that hangs fails the case, never ctest's timeout


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, seconds, process=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def raise_file_limit():
    """Hundreds of sockets here, and in nginx and the servers, which inherit the limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < min(hard, 8192):
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))


class Nginx:
    """nginx in the foreground, everything it writes in its own directory."""

    def __init__(self, work, upstream_ports, port=None, keepalive=32):
        self.dir = os.path.join(work, "nginx")
        os.makedirs(self.dir, exist_ok=True)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.log_path = os.path.join(self.dir, "error.log")
        servers = " ".join(f"server 127.0.0.1:{port};" for port in upstream_ports)
        d = self.dir
        # Run as root, nginx would hand its workers to "nobody", who cannot write in d.
        user = "user root;\n" if os.geteuid() == 0 else ""
        with open(os.path.join(d, "nginx.conf"), "w") as conf:
            conf.write(f"""{user}worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log {d}/access.log;
    client_body_temp_path {d}/client_body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    upstream latchkey {{ {servers} keepalive {keepalive}; }}
    server {{
        listen 127.0.0.1:{self.port};
        location / {{
            proxy_pass http://latchkey;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            # A POST (a refresh grant) is never retried at the other instance.
            proxy_next_upstream error timeout;
            proxy_read_timeout 60s;
        }}
    }}
}}
""")

    def start(self):
        self.process = subprocess.Popen(
            [NGINX, "-p", self.dir, "-e", self.log_path, "-c", os.path.join(self.dir, "nginx.conf"),
             "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=open(self.log_path, "a"))
        if not wait_for_port(self.port, 10, self.process):
            self.stop()
            raise RuntimeError("nginx does not start:\n" + self.log_tail())

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()  # fast shutdown of master and workers
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_tail(self, lines=20):
        try:
            with open(self.log_path, errors="replace") as log:
                return "".join(log.readlines()[-lines:])
        except OSError:
            return ""


class ProxiedInstance(instances.Instance):
    """An instance of server-instances.py behind nginx: its issuer is nginx's URL, it trusts
    127.0.0.1, and its limits are the defaults (the crash harness raises them)."""

    def __init__(self, binary, work, name, database, key_file, issuer):
        super().__init__(binary, work, name, database, key_file, extra=["--trusted-proxy", TRUSTED])
        self.extra_args[self.extra_args.index("--issuer") + 1] = issuer
        self.limits = []
        self.log_level = "info"  # one line per request, ending with the client's address

    def log_lines(self):
        with open(self.log_path, errors="replace") as log:
            return log.read().splitlines()


class From(Client):
    """crash-durability's client (one kept-alive connection, a browser's cookies), connected
    from a loopback address of its own, to nginx or to one instance."""

    def __init__(self, port, source):
        super().__init__(types.SimpleNamespace(port=port))
        self.source = source

    def request(self, method, path, body=None, headers=None):
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=TIMEOUT,
                                                         source_address=(self.source, 0))
        return super().request(method, path, body, headers)

    def tokens(self):
        """A whole QA sign-in as the returning user (rita): /authorize ... /token."""
        request, answer = self.sign_in("google", {"persona": "returning"})
        if "code" not in answer:
            raise AssertionError(f"the sign-in ended at the app without a code: {answer}")
        status, _, tokens = self.exchange(request, answer["code"])
        if status != 200 or not tokens.get("access_token") or not tokens.get("refresh_token"):
            raise AssertionError(f"/token answered {status} {tokens}")
        return tokens


def authorize_path():
    """A fresh /authorize request of the app (its own PKCE, state and nonce)."""
    _, challenge = pkce()
    return "/authorize?" + urllib.parse.urlencode({
        "response_type": "code", "client_id": CLIENT_ID, "redirect_uri": "http://127.0.0.1:49152/callback",
        "scope": crash.SCOPE, "state": secrets.token_urlsafe(16), "nonce": secrets.token_urlsafe(16),
        "code_challenge": challenge, "code_challenge_method": "S256"})


def pkce():
    import base64
    import hashlib
    verifier = secrets.token_urlsafe(48)
    return verifier, base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def address(n):
    return f"127.0.0.{n}"


def run_threads(targets, seconds):
    """Runs the callables at once; the names of those still running after `seconds`."""
    threads = [threading.Thread(target=target, daemon=True) for target in targets]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + seconds
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return sum(1 for thread in threads if thread.is_alive())


def tally(statuses):
    return ", ".join(f"{statuses.count(s)} x {s}" for s in sorted(set(statuses), key=str))


class Group:
    """Two instances on one database, and nginx in front of them."""

    def __init__(self, binary, work, database, key_file):
        nginx_port = free_port()
        issuer = f"http://127.0.0.1:{nginx_port}"
        self.a = ProxiedInstance(binary, work, "a", database, key_file, issuer)
        self.b = ProxiedInstance(binary, work, "b", database, key_file, issuer)
        self.nginx = Nginx(work, [self.a.port, self.b.port], nginx_port)
        Group.current = self

    def start(self):
        self.a.start()
        self.b.start()
        self.nginx.start()
        return self

    def via_nginx(self, source):
        return From(self.nginx.port, source)

    def stop(self):
        self.nginx.stop()


Group.current = None


# ---------------------------------------------------------------- cases ----

def case_flood(binary, work, database, key_file):
    failures = []
    group = Group(binary, work, database, key_file).start()
    people = [address(10 + n) for n in range(200)]
    flooder, flood_requests, flood_connections = address(250), 600, 20
    results = {}
    flood = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(people) + flood_connections)

    def person(source):
        client = group.via_nginx(source)
        started = None
        try:
            client.request("GET", "/healthz")  # connected before the start
            barrier.wait(TIMEOUT)
            started = time.monotonic()
            client.tokens()
            results[source] = ("tokens", time.monotonic() - started)
        except Exception as error:
            results[source] = (f"{type(error).__name__}: {error}", time.monotonic() - (started or 0))

    def flood_one():
        client = group.via_nginx(flooder)
        try:
            client.request("GET", "/healthz")
            barrier.wait(TIMEOUT)
        except Exception as error:
            with lock:
                flood.append(f"{type(error).__name__}")
            return
        for _ in range(flood_requests // flood_connections):
            try:
                status, _, _ = client.request("GET", authorize_path())
            except Lost as error:
                status = f"lost ({error})"
            with lock:
                flood.append(status)

    started = time.monotonic()
    hung = run_threads([lambda s=s: person(s) for s in people] + [flood_one] * flood_connections, 120)
    elapsed = time.monotonic() - started
    finished = [s for s in people if results.get(s, ("",))[0] == "tokens"]
    times = sorted(results[s][1] for s in finished)
    refused = flood.count(429)
    pending = int(database.scalar(f"SELECT COUNT(*) FROM pending_sign_ins WHERE client_address = '{flooder}' "
                                  "AND finished = 0"))
    counted_as_proxy = int(database.scalar("SELECT COUNT(*) FROM pending_sign_ins "
                                           "WHERE client_address = '127.0.0.1'"))
    print(f"flood: {len(finished)}/{len(people)} sign-ins finished with tokens "
          f"(through nginx, from {len(people)} addresses; median {times[len(times) // 2] if times else 0:.2f} s, "
          f"slowest {times[-1] if times else 0:.2f} s); flood from {flooder}: {len(flood)} /authorize sent, "
          f"{refused} refused 429 ({tally(flood)}); its sign-ins still pending: {pending} (cap 50); {elapsed:.1f} s")
    for source in people:
        outcome = results.get(source, ("still running",))[0]
        if outcome != "tokens":
            failures.append(f"the sign-in from {source} did not finish: {outcome}")
            if len(failures) > 10:
                break
    check(failures, hung == 0, f"{hung} threads still ran after 120 s")
    check(failures, refused > 0, f"the flooding address got no 429: {tally(flood)}")
    check(failures, set(flood) <= {200, 429}, f"the flood got other answers than 200 and 429: {tally(flood)}")
    # Counted per client behind the proxy: never as nginx. Adds racing on both instances' worker
    # threads may each pass the cap at once, but each add trims the address back to its newest 49
    # first (SignInStore; before, the count crept past 50 for good): at most one over per
    # concurrent add, here 2 instances x their threads.
    check(failures, pending <= 50 + 2 * os.cpu_count(), f"{pending} sign-ins of the flooding address wait (at most 50)")
    check(failures, counted_as_proxy == 0, f"{counted_as_proxy} sign-ins were counted as nginx's 127.0.0.1")
    return failures


def case_forged(binary, work, database, key_file):
    failures = []
    group = Group(binary, work, database, key_file).start()
    a = group.a
    forger, bystander, via_proxy = address(5), address(6), address(8)
    direct = From(a.port, forger)
    statuses = []
    started = time.monotonic()
    # Each request claims another client, in either header; from an untrusted peer both are ignored.
    for n in range(400):
        header = {"X-Forwarded-For": f"10.9.9.{n % 250 + 1}"} if n % 2 else \
            {"Forwarded": f"for=10.9.{n % 250}.9;proto=http"}
        status, _, _ = direct.request("GET", authorize_path(), headers=header)
        statuses.append(status)
        if status == 429:
            break
    took = time.monotonic() - started
    # Three at once: the bucket refills 2 a second, so one may find a fresh token; all three
    # only if the forged requests were not counted as the forger's.
    plains = [From(a.port, forger).request("GET", authorize_path())[0] for _ in range(3)]
    plain = 429 if 429 in plains else plains[0]
    other, _, _ = From(a.port, bystander).request("GET", authorize_path())
    # Through nginx, the same forged header is kept but the real address is appended: the
    # server takes the nearest untrusted one, the client's.
    through, _, _ = group.via_nginx(via_proxy).request("GET", "/.well-known/openid-configuration",
                                                       headers={"X-Forwarded-For": "10.9.9.9"})
    time.sleep(0.3)  # the log lines are written as the answers go
    lines = [line for line in a.log_lines() + group.b.log_lines() if re.search(r"\d+\.\d+ms \S+$", line)]
    forged_named = [line for line in lines if "10.9." in line]
    by_forger = [line for line in lines if line.endswith(" " + forger) and "/authorize" in line]
    by_via = [line for line in lines if line.endswith(" " + via_proxy) and "openid-configuration" in line]
    as_proxy = [line for line in lines if line.endswith(" 127.0.0.1")]
    print(f"forged: {len(statuses)} /authorize from {forger} straight to A, each with a forged "
          f"X-Forwarded-For or Forwarded, in {took:.1f} s: {tally(statuses)}; then without a header: {plains}; "
          f"from {bystander}: {other}; A's log names {forger} in {len(by_forger)} lines, a forged address in "
          f"{len(forged_named)}; through nginx with a forged header from {via_proxy}: {through}, logged as "
          f"{via_proxy} in {len(by_via)} line(s)")
    # 120 a minute, refilled continuously (2 a second) while they were sent.
    check(failures, 429 in statuses and statuses.count(200) <= 120 + 2 * took + 2,
          f"the forged headers spread {forger}'s requests over other addresses: {tally(statuses)}")
    check(failures, plain == 429, f"{forger} without a header answered {plain}, not 429: the forged requests "
                                  "were not counted as its own")
    check(failures, other == 200, f"{bystander} answered {other}: it paid for {forger}'s requests")
    check(failures, not forged_named, f"a log line names a forged address: {forged_named[:2]}")
    check(failures, len(by_forger) == len(statuses) + len(plains),
          f"A logged {len(by_forger)} /authorize from {forger}, not {len(statuses) + len(plains)}")
    check(failures, through == 200 and len(by_via) == 1,
          f"through nginx the request answered {through} and was logged as {via_proxy} {len(by_via)} times")
    check(failures, not as_proxy, f"requests through nginx were logged as nginx's own: {as_proxy[:2]}")
    return failures


def connections_to(port):
    """Established TCP connections the server side of `port` holds (from /proc/net/tcp)."""
    count = 0
    with open("/proc/net/tcp") as table:
        next(table)
        for row in table:
            fields = row.split()
            local_port = int(fields[1].split(":")[1], 16)
            if local_port == port and fields[3] == "01":
                count += 1
    return count


def case_keepalive(binary, work, database, key_file):
    failures = []
    group = Group(binary, work, database, key_file).start()
    terms = crash.terms_version(group.via_nginx(address(2)))
    clients = 100
    statuses = {}
    errors = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def note(status):
        with lock:
            statuses[status] = statuses.get(status, 0) + 1

    def one(n):
        client = group.via_nginx(address(10 + n))
        try:
            user = f"keep-{n}-{secrets.token_hex(4)}"
            request, answer = client.sign_in("github", {
                "provider_user_id": user, "email": f"{user}@example.org", "name": f"Keep {n}",
                "email_verified": "true", "fault": "onboard-slow", "action": "continue"})
            status, _, body = client.exchange(request, answer["code"])
            note(status)
            if status != 200 or "onboarding_token" not in body:
                raise AssertionError(f"the code exchange answered {status} {body}")
            call = {"onboarding_token": body["onboarding_token"], "code_verifier": request["verifier"],
                    "client_id": CLIENT_ID, "username": f"keep{n}x{secrets.token_hex(3)}",
                    "accepted_terms": terms}
            barrier.wait(TIMEOUT)
            # Each holds an upstream connection 5 s: far more than 32 at once, all from nginx.
            status, _, body = client.json("/api/account/onboard", call, {"Idempotency-Key": secrets.token_urlsafe(8)})
            note(status)
            if status != 201:
                raise AssertionError(f"onboard answered {status} {body[:200]!r}")
            tokens = crash.parse_json(body)
            for _ in range(3):
                status, _, _ = client.request("GET", "/userinfo",
                                              headers={"Authorization": f"Bearer {tokens['access_token']}"})
                note(status)
            status, _, _ = client.refresh(tokens["refresh_token"])
            note(status)
        except Exception as error:
            with lock:
                errors.append(f"{address(10 + n)}: {type(error).__name__}: {error}")

    peak = {group.a.name: 0, group.b.name: 0}
    sampling = threading.Event()

    def sample():
        while not sampling.is_set():
            for instance in (group.a, group.b):
                peak[instance.name] = max(peak[instance.name], connections_to(instance.port))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.monotonic()
    hung = run_threads([lambda n=n: one(n) for n in range(clients)], 120)
    elapsed = time.monotonic() - started
    sampling.set()
    sampler.join(5)
    time.sleep(0.5)
    # What nginx keeps for the next requests (keepalive 32), idle until the server's 15 s.
    idle = connections_to(group.a.port) + connections_to(group.b.port)

    # The limit is there for anyone else: 40 connections straight from one address.
    sockets = []
    for _ in range(40):
        sockets.append(socket.create_connection(("127.0.0.1", group.a.port), timeout=5,
                                                source_address=(address(7), 0)))
    # The refusals come at once; wait for them up to 10 s (a loaded machine), then 0.5 s for more.
    refused, waiting = 0, list(sockets)
    deadline = time.monotonic() + 10
    while waiting and time.monotonic() < deadline:
        ready, _, _ = select.select(waiting, [], [], 0.5 if refused >= 8 else 0.1)
        if not ready and refused >= 8:
            break
        for sock in ready:
            waiting.remove(sock)
            try:
                if sock.recv(64).startswith(b"HTTP/1.1 429"):
                    refused += 1
            except OSError:
                pass
    kept = None
    for sock in waiting:
        try:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            answer = sock.recv(64)
            if answer.startswith(b"HTTP/1.1 200"):
                kept = 200
                break
        except OSError:
            continue
    for sock in sockets:
        sock.close()
    total = sum(statuses.values())
    bad = {s: n for s, n in statuses.items() if s in (429, 503)}
    print(f"keepalive: {clients} clients from {clients} addresses through nginx, a 5 s onboarding each: "
          f"{total} requests after the sign-in page: {', '.join(f'{n} x {s}' for s, n in sorted(statuses.items()))}; "
          f"connections from nginx held at once: A {peak[group.a.name]}, B {peak[group.b.name]} (limit per "
          f"address 32), kept alive idle afterwards: {idle}; {elapsed:.1f} s. "
          f"40 connections straight to A from {address(7)}: {refused} x 429, "
          f"one of the others served /healthz: {kept}")
    for error in errors[:10]:
        failures.append(error)
    check(failures, hung == 0, f"{hung} clients still ran after 120 s")
    check(failures, not bad, f"nginx's connections were refused: {bad}")
    check(failures, max(peak.values()) > 32,
          f"no instance held more than 32 connections from nginx at once ({peak}): the case proved nothing")
    check(failures, 0 < idle <= 32, f"nginx kept {idle} upstream connections alive, not 1 to 32")
    check(failures, refused == 8, f"40 direct connections from one address got {refused} x 429, not 8")
    check(failures, kept == 200, "no connection within the limit was served")
    return failures


class Cluster:
    """A PostgreSQL 15 cluster of this case's own, owned by postgres when run as root: stopped and started
    at will, unlike the pg_virtualenv cluster other tests use at the same moment."""

    def __init__(self, work):
        self.dir = os.path.join(work, "pg")
        self.data = os.path.join(self.dir, "data")
        self.log = os.path.join(self.dir, "postgres.log")
        self.port = free_port()
        self.name = None
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self.user = None
        if not os.path.exists(os.path.join(PG_BIN, "pg_ctl")):
            if os.environ.get("CI") == "true":
                raise AssertionError(f"CI=true but no PostgreSQL 15 server in {PG_BIN}")
            raise SkipTest(f"no PostgreSQL 15 server binaries in {PG_BIN}")
        os.makedirs(self.dir)
        if os.geteuid() == 0:
            self.user = "postgres"
            entry = pwd.getpwnam("postgres")
            os.chmod(work, 0o755)
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
        self.run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8")

    def run(self, tool, *args, timeout=60):
        command = [os.path.join(PG_BIN, tool), *args]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd="/")
        if result.returncode != 0:
            raise RuntimeError(f"{tool} failed: {result.stderr.strip() or result.stdout.strip()}")

    def start(self):
        self.run("pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "30", "start", "-o",
                 f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off")

    def stop(self, mode="fast"):
        self.run("pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "30", "stop")

    def destroy(self):
        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            try:
                self.stop("immediate")
            except Exception as error:
                print(f"readyz: stopping the throwaway cluster: {error}")

    def environment(self):
        return {}  # trust: no password


def poll(client_factory, path, wanted, seconds):
    """Asks until `wanted` comes back; (seconds taken or None, statuses seen)."""
    started = time.monotonic()
    seen = []
    while time.monotonic() - started < seconds:
        try:
            status, _, _ = client_factory().request("GET", path)
        except Lost:
            status = "lost"
        if not seen or seen[-1] != status:
            seen.append(status)
        if status == wanted:
            return time.monotonic() - started, seen
        time.sleep(0.2)
    return None, seen


def case_readyz(binary, work, database, key_file):
    failures = []
    cluster = Cluster(work)
    try:
        cluster.start()
        group = Group(binary, work, cluster, key_file).start()
        ports = {"nginx": group.nginx.port, "A": group.a.port, "B": group.b.port}
        probe = {name: (lambda port=port: From(port, address(3))) for name, port in ports.items()}
        before = {name: poll(probe[name], "/readyz", 200, 10)[0] is not None for name in ports}
        tokens_before = bool(group.via_nginx(address(4)).tokens())

        cluster.stop()
        down = {name: poll(probe[name], "/readyz", 503, 20) for name in ports}
        health = {name: probe[name]().request("GET", "/healthz")[0] for name in ports}
        _, _, body = probe["A"]().request("GET", "/readyz")
        while_down = crash.parse_json(body)

        cluster.start()
        up = {name: poll(probe[name], "/readyz", 200, 30) for name in ports}
        # Both instances answer through nginx (round robin): two 200s in a row.
        again = [probe["nginx"]().request("GET", "/readyz")[0] for _ in range(4)]
        signed_in = False
        try:
            signed_in = bool(group.via_nginx(address(4)).tokens())
        except Exception as error:
            failures.append(f"a sign-in after PostgreSQL came back failed: {error}")
        alive = group.a.alive() and group.b.alive()

        def show(results):
            return ", ".join(f"{name} {'%.1f s' % t if t is not None else 'never'} {seen}"
                             for name, (t, seen) in results.items())
        print(f"readyz: before: ready {before}, a sign-in {'worked' if tokens_before else 'failed'}; "
              f"PostgreSQL stopped: 503 after {show(down)}; /healthz meanwhile {health}; body {while_down}")
        print(f"readyz: PostgreSQL started again: 200 after {show(up)}; then through nginx {again}; "
              f"a sign-in through nginx {'worked' if signed_in else 'failed'}; both instances alive: {alive}")
        check(failures, all(before.values()), f"not ready before the stop: {before}")
        for name, (taken, seen) in down.items():
            check(failures, taken is not None, f"/readyz at {name} never answered 503 with PostgreSQL down: {seen}")
        check(failures, all(s == 200 for s in health.values()), f"/healthz with PostgreSQL down: {health}")
        check(failures, while_down.get("database") == "down", f"/readyz's body names no database down: {while_down}")
        for name, (taken, seen) in up.items():
            check(failures, taken is not None,
                  f"/readyz at {name} never answered 200 after PostgreSQL returned: {seen}")
        check(failures, again == [200] * 4, f"/readyz through nginx after the return: {again}")
        check(failures, alive, "an instance died while PostgreSQL was away")
    finally:
        if Group.current:
            Group.current.stop()
        for instance in instances.Instance.every:
            instance.stop()
        cluster.destroy()
    return failures


CASES = {"flood": case_flood, "forged": case_forged, "keepalive": case_keepalive, "readyz": case_readyz}


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in CASES:
        print(__doc__)
        return 2
    binary, case = sys.argv[1:]
    raise_file_limit()
    work = tempfile.mkdtemp(prefix="latchkey-nginx-")
    database = None
    failures = []
    started = time.monotonic()
    try:
        if not NGINX:
            if os.environ.get("CI") == "true":
                raise AssertionError("CI=true but no nginx: install nginx-light (scripts/common.sh)")
            raise SkipTest("no nginx here (apt-get install nginx-light)")
        # readyz stops and starts a cluster of its own; the others share pg_virtualenv's.
        database = instances.Database("postgresql", work) if case != "readyz" else None
        key_file = instances.new_key_file(work)
        failures = CASES[case](binary, work, database, key_file)
    except SkipTest as skip:
        print(f"SKIP {case}: {skip}")
        return SKIP
    except Exception as error:
        failures.append(f"{type(error).__name__}: {error}")
        raise
    finally:
        if Group.current:
            Group.current.stop()
        for instance in instances.Instance.every:
            instance.stop()
        if failures:
            for instance in instances.Instance.every:
                print(f"--- {instance.name} ---")
                crash.print_log_tail(instance.log_path)
            if Group.current:
                print("--- nginx ---\n" + Group.current.nginx.log_tail())
        if database:
            database.drop()
        shutil.rmtree(work, ignore_errors=True)
    for failure in failures:
        print("FAIL: " + failure)
    print(f"{case}: {'FAILED' if failures else 'passed'} in {time.monotonic() - started:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
