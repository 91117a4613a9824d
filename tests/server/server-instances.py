#!/usr/bin/python3
"""Several latchkey-server instances on one database (issue 13, point 3).

Two (or more) real latchkey-server processes share one database, as behind a
load balancer: a SQLite file both open (WAL), or a PostgreSQL database (a
fresh one per run, from the PG* environment pg_virtualenv sets; without it the
postgresql runs skip with 77). Each case asserts what must hold whichever
instance a request reaches:

  startup     four instances started at the same moment on an empty database:
              all serve, one signing key, the QA fixtures seeded once;
  sign-in     a sign-in started on A finishes on B, and one started before A
              is killed and restarted finishes on A;
  onboard     20 concurrent onboard calls for one username spread over both:
              exactly one 201; 20 for one onboarding token: exactly one 201;
  refresh     a refresh token used on A and again on B after its successor was
              used: reuse detected, the session revoked on both;
  code        a code redeemed on A and replayed on B fails and revokes the
              session the first redemption started;
  rotation    a key rotation on one instance is published by the other within
              a minute (KeyStore::ReloadSeconds);
  kill        refresh chains and onboardings spread over A and B while A is
              SIGKILLed and restarted: no acknowledged refresh token or account
              is lost, and B keeps serving while A is down.

Usage: server-instances.py SERVER_BINARY CASE DATABASE  (DATABASE: sqlite or postgresql)
"""

import importlib.util
import json
import os
import random
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("crash_durability", os.path.join(HERE, "crash-durability.py"))
crash = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(crash)
Client, Lost, Counts = crash.Client, crash.Lost, crash.Counts
CLIENT_ID = crash.CLIENT_ID
SKIP = 77
# Behind a load balancer every instance has its address: tokens one signs, another verifies.
# A loopback URL nothing listens on: --qa refuses any other issuer.
ISSUER = "http://127.0.0.1:1"


class Database:
    """The one database every instance of a run shares, and SQL on it for the checks."""

    def __init__(self, kind, work):
        self.kind = kind
        self.name = None
        if kind == "sqlite":
            self.path = os.path.join(work, "shared.sqlite")
            self.url = "sqlite:" + self.path
            return
        if not os.environ.get("PGHOST"):
            # CI must not pass by skipping: the PostgreSQL rows would rot unseen.
            if os.environ.get("CI") == "true":
                raise AssertionError("CI=true but no PostgreSQL (PGHOST unset): run under pg_virtualenv")
            raise SkipTest("no PostgreSQL here (run under pg_virtualenv, as scripts/test.sh does)")
        self.name = "latchkey_instances_" + secrets.token_hex(6)
        subprocess.run(["createdb", self.name], check=True)
        user = os.environ.get("PGUSER") or os.environ.get("USER", "postgres")
        port = os.environ.get("PGPORT", "5432")
        host = os.environ["PGHOST"]
        self.url = f"postgresql://{user}@{host}:{port}/{self.name}"
        if host.startswith("/"):  # a socket directory
            self.url = f"postgresql://{user}@localhost:{port}/{self.name}?host={host}"

    def environment(self):
        password = os.environ.get("PGPASSWORD")
        return {"LATCHKEY_DATABASE_PASSWORD": password} if password else {}

    def scalar(self, sql):
        if self.kind == "sqlite":
            with sqlite3.connect(self.path, timeout=10) as db:
                return db.execute(sql).fetchone()[0]
        out = subprocess.run(["psql", "-At", "-d", self.name, "-c", sql], check=True, capture_output=True, text=True)
        return out.stdout.strip()

    def drop(self):
        if self.name:
            subprocess.run(["dropdb", "--if-exists", self.name], capture_output=True)


class SkipTest(Exception):
    pass


class Instance(crash.Server):
    """One latchkey-server of the group: its own data directory and port, the shared database and key file."""

    every = []  # stopped at the end whatever happened

    def __init__(self, binary, work, name, database, key_file, extra=()):
        super().__init__(binary, os.path.join(work, name), os.path.join(work, name + ".log"),
                         extra_args=["--database", database.url, "--key-file", key_file, "--issuer", ISSUER, *extra])
        self.name = name
        self.environment = database.environment()
        # The issuer is shared, so the banner does not tell the port: choose it here.
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        Instance.every.append(self)

    def _read_issuer(self):
        return f"http://127.0.0.1:{self.port}" if super()._read_issuer() else None

    def start(self):
        saved = os.environ.copy()
        os.environ.update(self.environment)
        try:
            super().start()
        finally:
            os.environ.clear()
            os.environ.update(saved)


class Balancer:
    """What a load balancer does for clients: each request to one of the live instances, in turn."""

    def __init__(self, instances):
        self.instances = instances
        self.turn = random.randrange(len(instances))
        self.lock = threading.Lock()

    def next(self):
        with self.lock:
            for _ in self.instances:
                self.turn = (self.turn + 1) % len(self.instances)
                instance = self.instances[self.turn]
                if instance.process and instance.alive():
                    return instance
            return self.instances[self.turn]


class BalancedClient(Client):
    """A client whose requests reach whichever instance the balancer picks; one connection per instance."""

    def __init__(self, balancer):
        super().__init__(None)
        self.balancer = balancer
        self.connections = {}

    def request(self, method, path, body=None, headers=None):
        instance = self.balancer.next()
        self.server = instance
        self.connection = self.connections.get(instance.name)
        try:
            return super().request(method, path, body, headers)
        finally:
            self.connections[instance.name] = self.connection


def start_two(binary, work, database, key_file):
    """Instances A and B on one database and key file, both started."""
    a = Instance(binary, work, "a", database, key_file)
    b = Instance(binary, work, "b", database, key_file)
    a.start()
    b.start()
    return a, b


def pinned(instance):
    """A client that talks to one instance only."""
    return Client(instance)


def new_key_file(work):
    path = os.path.join(work, "key-encryption.key")
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as f:
        f.write(secrets.token_bytes(32))
    return path


def jwks_kids(client):
    _, _, body = client.request("GET", "/jwks.json")
    return sorted(key["kid"] for key in json.loads(body)["keys"])


def check(failures, condition, message):
    if not condition:
        failures.append(message)


def onboarding_token(client_for_sign_in, client_for_exchange, user_id):
    """A new user's sign-in, started through one client and exchanged through another."""
    request, answer = client_for_sign_in.sign_in("github", {
        "provider_user_id": user_id, "email": f"{user_id}@example.org", "name": user_id, "action": "continue"})
    status, _, body = client_for_exchange.exchange(request, answer["code"])
    if status != 200 or "onboarding_token" not in body:
        raise AssertionError(f"code exchange answered {status} {body}")
    return request, body["onboarding_token"]


# ---------------------------------------------------------------- cases ----

def case_startup(binary, work, database, key_file):
    failures = []
    instances = [Instance(binary, work, f"i{n}", database, key_file) for n in range(4)]
    threads = [threading.Thread(target=instance.start) for instance in instances]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    started = [instance for instance in instances if instance.process and instance.alive()]
    check(failures, len(started) == 4, f"{len(started)} of 4 instances started")
    kid_sets = {tuple(jwks_kids(pinned(instance))) for instance in started}
    keys = int(database.scalar("SELECT COUNT(*) FROM signing_keys"))
    accounts = int(database.scalar("SELECT COUNT(*) FROM accounts"))
    identities = int(database.scalar("SELECT COUNT(*) FROM identities"))
    print(f"startup: {len(started)} instances started at once; {keys} signing key(s) in the database, "
          f"published key sets: {sorted(kid_sets)}; {accounts} QA accounts, {identities} identities")
    check(failures, keys == 1, f"{keys} signing keys were made, not 1")
    check(failures, len(kid_sets) == 1 and len(next(iter(kid_sets), ())) == 1,
          f"the instances publish different keys: {kid_sets}")
    with open(os.path.join(HERE, "..", "..", "resources", "server", "qa-fixtures.json")) as fixtures:
        expected = len(json.load(fixtures)["accounts"])
    check(failures, accounts == expected, f"{accounts} QA accounts after seeding, not the fixtures' {expected}")
    # A second seeding would have failed or added nothing: the fixtures' identities are unique.
    session = Client(started[0]).returning_session() if started else None
    check(failures, bool(session), "the QA persona cannot sign in")
    return failures, instances


def case_sign_in(binary, work, database, key_file):
    failures = []
    a, b = start_two(binary, work, database, key_file)
    on_a, on_b = pinned(a), pinned(b)

    # Started on A (the page with the providers), at the provider's page on B, its answer to
    # the callback on A (the code is sealed, not kept: any instance opens it), exchanged on A.
    request = on_a.authorize()
    page = on_b.provider_page("google", request["id"])
    on_a.cookies = dict(on_b.cookies)  # one browser
    status, _, _ = on_b.request("GET", crash.urllib.parse.urlsplit(page).path + "?"
                                + crash.urllib.parse.urlsplit(page).query)
    check(failures, status == 200, f"B shows the provider page of A's sign-in with {status}")
    status, headers, _ = on_b.provider_form(page, {"persona": "returning"})
    check(failures, status == 302, f"B's provider page answered {status}")
    callback = headers.get("location", "")
    answer = on_a.callback(callback) if status == 302 else {}
    check(failures, "code" in answer, f"A finishing B's provider answer gave {answer}")
    check(failures, answer.get("state") == request["state"], "the state did not come back")
    tokens = {}
    if "code" in answer:
        status, _, tokens = on_a.exchange(request, answer["code"])
        check(failures, status == 200 and "refresh_token" in tokens, f"A exchanging B's code answered {status}")
    if tokens.get("refresh_token"):
        status, _, refreshed = on_b.refresh(tokens["refresh_token"])
        check(failures, status == 200, f"B refreshing A's session answered {status} {refreshed}")
    # The provider's answer again, on either instance, is a replay; its page is a used sign-in.
    url = crash.urllib.parse.urlsplit(callback)
    status, headers, _ = on_b.request("GET", f"{url.path}?{url.query}", headers={"Cookie": ""})
    replay = crash.urllib.parse.parse_qs(crash.urllib.parse.urlsplit(headers.get("location", "")).query)
    check(failures, status == 302 and replay.get("error") == ["server_error"],
          f"a replayed provider answer gave {status} {replay}")
    status, _, page_body = on_a.provider_form(page, {"persona": "returning"})
    check(failures, status == 400 and b"has expired" in page_body, f"a finished sign-in answered {status} again")

    # Started on A, A killed and restarted: the person's next step still works.
    request = on_a.authorize()
    page = on_a.provider_page("google", request["id"])
    a.kill()
    a.start()
    cookies = on_a.cookies
    on_a = pinned(a)
    on_a.cookies = cookies
    status, headers, body = on_a.provider_form(page, {"persona": "returning"})
    answer = on_a.callback(headers["location"]) if status == 302 else {}
    check(failures, "code" in answer, f"a sign-in started before a restart answered {status} {body[:200]!r}")
    print(f"sign-in: started on A, finished on B, exchanged on A, refreshed on B; one started before "
          f"kill -9 and restart of A finished on A: {'ok' if not failures else 'FAILED'}")
    if database.kind == "postgresql":
        # The database drops every connection (a restart, a failover) while a sign-in waits:
        # its page is busy for a moment, never "expired".
        request = on_a.authorize()
        page = crash.urllib.parse.urlsplit(on_a.provider_page("google", request["id"]))
        database.scalar("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        f"WHERE datname = '{database.name}' AND pid <> pg_backend_pid()")
        statuses = []
        for _ in range(40):
            status, _, _ = on_b.request("GET", f"{page.path}?{page.query}")
            statuses.append(status)
            if status != 503:
                break
            time.sleep(0.25)
        print(f"sign-in: after PostgreSQL dropped every connection, B answered the waiting sign-in's page: {statuses}")
        check(failures, statuses[-1] == 200 and set(statuses) <= {200, 503},
              f"a sign-in waiting while the database dropped its connections answered {statuses}")
    return failures, [a, b]


def case_onboard(binary, work, database, key_file):
    failures = []
    a, b = start_two(binary, work, database, key_file)
    terms = crash.terms_version(pinned(a))
    clients = [pinned(a), pinned(b)]

    def race(calls):
        """Runs the onboard calls at the same moment, alternately on A and B; their statuses and errors."""
        results = [None] * len(calls)
        barrier = threading.Barrier(len(calls))

        def one(n, call, key):
            client = pinned(a if n % 2 == 0 else b)
            client.request("GET", "/.well-known/openid-configuration")  # connected before the barrier
            barrier.wait()
            status, _, body = client.json("/api/account/onboard", call, {"Idempotency-Key": key})
            results[n] = (status, crash.parse_json(body).get("error"))

        threads = [threading.Thread(target=one, args=(n, call, key)) for n, (call, key) in enumerate(calls)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        return results

    # 20 people want one username at the same moment.
    username = "racer" + secrets.token_hex(3)
    calls = []
    for n in range(20):
        request, token = onboarding_token(clients[n % 2], clients[(n + 1) % 2], f"race-{n}-{secrets.token_hex(3)}")
        calls.append(({"onboarding_token": token, "code_verifier": request["verifier"], "client_id": CLIENT_ID,
                       "username": username, "accepted_terms": terms}, secrets.token_urlsafe(8)))
    results = race(calls)
    created = [r for r in results if r and r[0] == 201]
    others = sorted({r for r in results if r and r[0] != 201})
    print(f"onboard: 20 concurrent calls for one username over A and B: {len(created)} x 201, "
          f"others: {others}")
    check(failures, len(created) == 1, f"{len(created)} accounts were created for one username")
    check(failures, all(r == (409, "username_taken") for r in results if r and r[0] != 201),
          f"the losers answered {others}, not 409 username_taken")
    owners = int(database.scalar(f"SELECT COUNT(*) FROM accounts WHERE username = '{username}'"))
    check(failures, owners == 1, f"{owners} accounts hold the username")

    # One onboarding token, 20 calls at once with different Idempotency-Keys: one account.
    request, token = onboarding_token(clients[0], clients[1], f"same-{secrets.token_hex(3)}")
    call = {"onboarding_token": token, "code_verifier": request["verifier"], "client_id": CLIENT_ID,
            "username": "same" + secrets.token_hex(3), "accepted_terms": terms}
    results = race([(call, secrets.token_urlsafe(8)) for _ in range(20)])
    created = [r for r in results if r and r[0] == 201]
    others = sorted({r for r in results if r and r[0] != 201})
    print(f"onboard: 20 concurrent calls with one onboarding token: {len(created)} x 201, others: {others}")
    check(failures, len(created) == 1, f"one onboarding token created {len(created)} accounts")
    check(failures, all(r == (409, "onboarding_already_completed") for r in results if r and r[0] != 201),
          f"the other calls with one token answered {others}")
    return failures, [a, b]


def case_refresh(binary, work, database, key_file):
    failures = []
    a, b = start_two(binary, work, database, key_file)
    on_a, on_b = pinned(a), pinned(b)
    first = on_a.returning_session()
    status, _, body = on_a.refresh(first)
    check(failures, status == 200, f"A's first rotation answered {status}")
    second = body.get("refresh_token")
    status, _, body = on_b.refresh(second)
    check(failures, status == 200, f"B rotating A's successor answered {status}")
    third = body.get("refresh_token")
    # The first token again, past its one-time grace (its successor was used): a stolen copy.
    status, _, body = on_a.refresh(first)
    check(failures, status == 400 and body.get("error") == "invalid_grant",
          f"a reused refresh token answered {status} {body}")
    status, _, body = on_b.refresh(third)
    check(failures, status == 400 and body.get("error") == "invalid_grant",
          f"after reuse on A, B still rotated the session's newest token ({status})")
    status, _, body = on_a.refresh(third)
    check(failures, status == 400, f"after reuse, A still rotated the newest token ({status})")
    print(f"refresh: rotated on A, then on B; the first token reused on A: session revoked on both: "
          f"{'ok' if not failures else 'FAILED'}")
    return failures, [a, b]


def case_code(binary, work, database, key_file):
    failures = []
    a, b = start_two(binary, work, database, key_file)
    on_a, on_b = pinned(a), pinned(b)
    request, answer = on_a.sign_in("google", {"persona": "returning"})
    status, _, tokens = on_a.exchange(request, answer["code"])
    check(failures, status == 200 and "refresh_token" in tokens, f"the first redemption answered {status}")
    status, _, body = on_b.exchange(request, answer["code"])
    check(failures, status == 400 and body.get("error") == "invalid_grant",
          f"the code replayed on B answered {status} {body}")
    status, _, body = on_a.refresh(tokens.get("refresh_token", ""))
    check(failures, status == 400 and body.get("error") == "invalid_grant",
          f"the session of a replayed code still refreshes on A ({status})")
    status, _, body = on_b.refresh(tokens.get("refresh_token", ""))
    check(failures, status == 400, f"the session of a replayed code still refreshes on B ({status})")
    print(f"code: redeemed on A, replayed on B: refused, and the session it started revoked: "
          f"{'ok' if not failures else 'FAILED'}")
    return failures, [a, b]


def case_rotation(binary, work, database, key_file):
    failures = []
    a, b = start_two(binary, work, database, key_file)
    before = jwks_kids(pinned(b))
    # An operator rotates on A (--rotate-keys at a restart); B is left alone.
    a.stop()
    rotated = Instance(binary, work, "a", database, key_file, extra=["--rotate-keys"])
    rotated.start()
    after_a = jwks_kids(pinned(rotated))
    started = time.monotonic()
    seen = None
    while time.monotonic() - started < 75:
        if jwks_kids(pinned(b)) == after_a:
            seen = time.monotonic() - started
            break
        time.sleep(0.5)
    print(f"rotation: A publishes {len(after_a)} keys after --rotate-keys; B published the new one after "
          f"{'%.1f s' % seen if seen is not None else 'more than 75 s'} (reload every 30 s)")
    check(failures, len(before) == 1 and len(after_a) == 2 and set(before) < set(after_a),
          f"the rotation did not add a key: {before} -> {after_a}")
    check(failures, seen is not None and seen <= 60, "B did not publish A's new key within a minute")
    return failures, [rotated, b]


class Sessions:
    """Refresh chains and an onboarder through the balancer (crash-durability.py's clients)."""

    def __init__(self, balancer, terms, sessions, counts):
        self.stop = threading.Event()
        setup = BalancedClient(balancer)
        self.chains = [crash.Session(None, setup.returning_session(), self.stop, counts) for _ in range(sessions)]
        for chain in self.chains:
            chain.client = BalancedClient(balancer)
        self.onboarder = crash.Onboarder(None, terms, self.stop, counts)
        self.onboarder.client = BalancedClient(balancer)
        self.threads = self.chains + [self.onboarder]

    def start(self):
        for thread in self.threads:
            thread.start()

    def finish(self):
        self.stop.set()
        for thread in self.threads:
            thread.join(30)
        return [f"a client failed: {thread.error!r}" for thread in self.threads if thread.error]


def case_kill(binary, work, database, key_file, kills=5, sessions=8, rng=None):
    rng = rng or random.Random()
    failures = []
    a, b = start_two(binary, work, database, key_file)
    balancer = Balancer([a, b])
    counts = Counts()
    load = Sessions(balancer, crash.terms_version(pinned(b)), sessions, counts)
    load.start()
    b_served_while_a_down = []
    for _ in range(kills):
        time.sleep(rng.uniform(0.5, 2.0))
        a.kill()
        counts.add("kills")
        # A is down for a while: the balancer sends everything to B.
        before = counts.get("refreshes acknowledged")
        time.sleep(rng.uniform(0.5, 1.0))
        b_served_while_a_down.append(counts.get("refreshes acknowledged") - before)
        a.start()
    time.sleep(0.5)
    failures += load.finish()

    # Every session still refreshes, on either instance, with the token its client holds.
    load.stop.clear()
    for chain in load.chains:
        for _ in range(20):
            chain.step()
            if not chain.lost_pending:
                break
    sign_outs = [reason for chain in load.chains for reason in chain.sign_outs]
    verify = BalancedClient(balancer)
    accounts_lost = 0
    for user_id, username in load.onboarder.created:
        request, answer = verify.sign_in("github", {"provider_user_id": user_id, "action": "continue"})
        status, _, tokens = verify.exchange(request, answer["code"])
        if status != 200 or crash.jwt_claims(tokens.get("id_token", "a.e30.c")).get("preferred_username") != username:
            accounts_lost += 1
    print(f"kill: {counts.get('kills')} x kill -9 of A under load ({sessions} refresh chains and an onboarder "
          f"over A and B); {counts.get('refreshes acknowledged')} refreshes acknowledged, "
          f"{counts.get('requests lost')} requests met a dead A; B acknowledged {b_served_while_a_down} "
          f"refreshes while A was down")
    print(f"kill: acknowledged tokens lost: {counts.get('acknowledged tokens lost')}; sessions signed out: "
          f"{len(sign_outs)}; accounts lost: {accounts_lost} of {counts.get('onboards acknowledged')} onboarded "
          f"({counts.get('onboards interrupted')} interrupted)")
    for reason in sorted(set(sign_outs)):
        failures.append(f"{sign_outs.count(reason)} sessions were signed out: {reason}")
    check(failures, not counts.get("acknowledged tokens lost"),
          f"{counts.get('acknowledged tokens lost')} acknowledged refresh tokens were lost")
    check(failures, accounts_lost == 0, f"{accounts_lost} onboarded accounts were lost")
    check(failures, counts.get("onboards acknowledged") > 0, "no onboarding completed")
    check(failures, all(n > 0 for n in b_served_while_a_down), "B stopped serving while A was down")
    if database.kind == "sqlite":
        integrity = database.scalar("PRAGMA integrity_check")
        check(failures, integrity == "ok", "integrity_check: " + integrity)
    return failures, [a, b]


CASES = {"startup": case_startup, "sign-in": case_sign_in, "onboard": case_onboard, "refresh": case_refresh,
         "code": case_code, "rotation": case_rotation, "kill": case_kill}


def main():
    if len(sys.argv) != 4 or sys.argv[2] not in CASES or sys.argv[3] not in ("sqlite", "postgresql"):
        print(__doc__)
        return 2
    binary, case, kind = sys.argv[1:]
    work = tempfile.mkdtemp(prefix="latchkey-instances-")
    database = None
    failures = []
    try:
        database = Database(kind, work)
        key_file = new_key_file(work)
        failures, _ = CASES[case](binary, work, database, key_file)
    except SkipTest as skip:
        print(f"SKIP {case} on {kind}: {skip}")
        return SKIP
    except Exception as error:
        failures.append(f"{type(error).__name__}: {error}")
        raise
    finally:
        for instance in Instance.every:
            instance.stop()
        if failures:
            for instance in Instance.every:
                print(f"--- {instance.name} ---")
                crash.print_log_tail(instance.log_path)
        if database:
            database.drop()
        shutil.rmtree(work, ignore_errors=True)
    for failure in failures:
        print("FAIL: " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
