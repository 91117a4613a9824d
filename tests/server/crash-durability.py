#!/usr/bin/python3
"""Crash durability of latchkey-server (issue 10, point 7).

crash: sign in N sessions, run their refresh-token chains concurrently with a
few onboardings, SIGKILL the server at a random moment K times and restart it
on the same data each time. Counts, all of which must be 0:
  - acknowledged refresh tokens that no longer work (a 200 reached the
    client, and the token it carried was refused later);
  - sessions signed out by a crash (a response was lost and the token before
    it, the one the client still holds, was refused: PROTOCOL.md 5.2's grace);
  - accounts or linked identities that got a 201 from onboarding and are gone.

full-disk: the data directory on a 2 MiB tmpfs, filled up: writes must be
answered 503 temporarily_unavailable (never a 500 or a crash) with a clear log
line, the database must pass PRAGMA integrity_check, and the server must work
again as soon as there is space. Needs root to mount; otherwise SKIP (77).

Usage: crash-durability.py SERVER_BINARY [crash|full-disk|all] [--sessions N] [--kills N] [--seed N]
(KEEP_CRASH_DATA=1 keeps a failed crash run's data directory and log.)
"""

import argparse
import base64
import errno
import hashlib
import http.client
import json
import os
import random
import re
import secrets
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

CLIENT_ID = "latchkey-desktop"
SCOPE = "openid profile email offline_access"
SKIP = 77


class Lost(Exception):
    """The request or its response was lost: the server died or was not there."""


class Server:
    """One latchkey-server process; restarted on the same port and data."""

    def __init__(self, binary, data_dir, log_path, log_level="warning", extra_args=()):
        self.binary = binary
        self.extra_args = list(extra_args)  # --database, --key-file: instances sharing one database
        self.log_level = log_level
        self.data_dir = data_dir
        self.log_path = log_path
        self.port = 0
        self.process = None
        self.generation = 0  # one more at each start
        help_text = subprocess.run([binary, "--help"], capture_output=True, text=True).stdout
        # Per-address limits would throttle this one address playing every client.
        self.limits = []
        if "--rate-limit" in help_text:
            # callback= is newer: an older binary would refuse it.
            names = ["authorize", "token", "username-check", "onboard"] + (["callback"] if "callback=N" in help_text else [])
            for name in names:
                self.limits += ["--rate-limit", f"{name}=10000000"]

    def start(self):
        with open(self.log_path, "a") as log:
            for attempt in range(50):
                self.process = subprocess.Popen(
                    [self.binary, "--qa", "--data-dir", self.data_dir, "--listen", f"127.0.0.1:{self.port}",
                     "--log-level", self.log_level, *self.limits, *self.extra_args],
                    stdout=subprocess.PIPE, stderr=log,
                    env={**os.environ, "QT_LOGGING_RULES": "latchkey.tokens.info=true"})
                issuer = self._read_issuer()
                if issuer:
                    self.port = int(issuer.rsplit(":", 1)[1])
                    self.generation += 1
                    return
                self.kill()
                time.sleep(0.1)  # the port may still be held by the killed process
        raise RuntimeError("the server does not start; see " + self.log_path)

    def _read_issuer(self):
        deadline = time.monotonic() + 10
        fd = self.process.stdout.fileno()
        text = b""
        while time.monotonic() < deadline:
            match = re.search(rb"^issuer: (\S+)$", text, re.MULTILINE)
            if match:
                return match.group(1).decode()
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                chunk = os.read(fd, 4096)
                if not chunk:
                    return None
                text += chunk
        return None

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.process.stdout.close()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.process:
            self.process.stdout.close()

    def alive(self):
        return self.process.poll() is None

    @property
    def database(self):
        return os.path.join(self.data_dir, "latchkey.sqlite")


class Client:
    """HTTP as a native client and its browser speak it, one kept-alive connection."""

    def __init__(self, server):
        self.server = server
        self.connection = None
        self.cookies = {}  # a browser's: the broker's binding cookie must come back to its callback

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies and "Cookie" not in headers:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
            self.keep_cookies(response.msg.get_all("Set-Cookie") or [])
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        except (OSError, http.client.HTTPException) as error:
            self.close()
            raise Lost(str(error)) from None

    def keep_cookies(self, set_cookies):
        for line in set_cookies:
            name, _, rest = line.partition("=")
            value = rest.split(";")[0]
            if "max-age=0" in rest.lower().replace(" ", "") or not value:
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def form(self, path, fields, headers=None):
        return self.request("POST", path, urllib.parse.urlencode(fields),
                            {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})})

    def json(self, path, body, headers=None):
        return self.request("POST", path, json.dumps(body), {"Content-Type": "application/json", **(headers or {})})

    def refresh(self, token):
        status, headers, body = self.form("/token", {"grant_type": "refresh_token", "refresh_token": token,
                                                     "client_id": CLIENT_ID})
        return status, headers, parse_json(body)

    # --- signing in, as SignInRobot does, without a loopback listener ---

    def authorize(self):
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        request = {"verifier": verifier, "state": secrets.token_urlsafe(16),
                   "redirect_uri": "http://127.0.0.1:49152/callback"}
        query = urllib.parse.urlencode({
            "response_type": "code", "client_id": CLIENT_ID, "redirect_uri": request["redirect_uri"],
            "scope": SCOPE, "state": request["state"], "nonce": secrets.token_urlsafe(16),
            "code_challenge": challenge, "code_challenge_method": "S256"})
        status, headers, page = self.request("GET", "/authorize?" + query)
        if status == 302:
            # Ended at once, at the app (the sign-in could not be saved: a full disk).
            answer = urllib.parse.parse_qs(urllib.parse.urlsplit(headers["location"]).query)
            request["answer"] = {k: v[0] for k, v in answer.items()}
            return request
        match = re.search(rb'name="request" value="([^"]+)"', page)
        if status != 200 or not match:
            raise AssertionError(f"/authorize answered {status} without a sign-in form")
        request["id"] = match.group(1).decode()
        return request

    def sign_in(self, provider, fields):
        """The authorization response's query; raises Lost if the server died on the way."""
        request = self.authorize()
        if "answer" in request:
            return request, request["answer"]
        page = self.provider_page(provider, request["id"])
        if not urllib.parse.urlsplit(page).path.startswith("/qa/signin/"):
            # Ended at once, at the app (the sign-in could not be saved: a full disk).
            return request, {k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(page).query).items()}
        status, headers, _ = self.provider_form(page, fields)
        if status != 302:
            raise AssertionError(f"the {provider} page answered {status}")
        return request, self.callback(headers["location"])

    def provider_page(self, provider, request_id):
        """/signin/<provider>: the broker sends the browser to the (simulated) provider's page."""
        status, headers, _ = self.request("GET", f"/signin/{provider}?request={request_id}")
        if status != 302:
            raise AssertionError(f"/signin/{provider} answered {status}")
        return headers["location"]

    def provider_form(self, page, fields):
        """Posts the simulated provider's form; its answer leads to /upstream/<id>/callback."""
        url = urllib.parse.urlsplit(page)
        state = urllib.parse.parse_qs(url.query)["state"][0]
        return self.form(url.path, {"state": state, **fields})

    def callback(self, location):
        """The broker's callback: the authorization response's query it sends to the app."""
        url = urllib.parse.urlsplit(location)
        status, headers, _ = self.request("GET", f"{url.path}?{url.query}")
        if status != 302:
            raise AssertionError(f"{url.path} answered {status}")
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(headers["location"]).query)
        return {k: v[0] for k, v in query.items()}

    def exchange(self, request, code):
        status, headers, body = self.form("/token", {
            "grant_type": "authorization_code", "code": code, "redirect_uri": request["redirect_uri"],
            "client_id": CLIENT_ID, "code_verifier": request["verifier"]})
        return status, headers, parse_json(body)

    def returning_session(self):
        request, answer = self.sign_in("google", {"persona": "returning"})
        status, _, tokens = self.exchange(request, answer["code"])
        if status != 200 or not tokens.get("refresh_token"):
            raise AssertionError(f"sign-in answered {status} {tokens}")
        return tokens["refresh_token"]


def parse_json(body):
    try:
        value = json.loads(body or b"{}")
        return value if isinstance(value, dict) else {}
    except ValueError:
        return {}


def jwt_claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def terms_version(client):
    _, _, body = client.request("GET", "/.well-known/openid-configuration")
    terms = urllib.parse.urlsplit(parse_json(body)["op_tos_uri"])
    _, headers, _ = client.request("GET", terms.path)
    return headers["terms-version"]


def print_log_tail(path, lines=20):
    try:
        with open(path, errors="replace") as log:
            tail = log.readlines()[-lines:]
    except OSError:
        return
    print(f"--- the server's log, last {len(tail)} lines ---")
    print("".join(tail), end="")


# ---------------------------------------------------------------- crash ----

class Session(threading.Thread):
    """A client refreshing as fast as it can; a lost answer is retried with the same token.
    A session that gets signed out signs in again, so each kill meets every session."""

    def __init__(self, server, refresh_token, stop, counts):
        super().__init__(daemon=True)
        self.client = Client(server)
        self.token = refresh_token
        self.stop = stop
        self.counts = counts
        self.lost_pending = False  # the last answer never came: the server may have rotated anyway
        self.sign_outs = []        # why, each time the session ended
        self.error = None

    def run(self):
        try:
            while not self.stop.is_set():
                self.step()
        except Exception as error:  # reported by the main thread
            self.error = error

    def step(self):
        try:
            status, _, body = self.client.refresh(self.token)
        except Lost:
            self.lost_pending = True
            self.counts.add("requests lost")
            time.sleep(0.02)
            return
        if status == 200:
            self.token = body["refresh_token"]
            self.lost_pending = False
            self.counts.add("refreshes acknowledged")
        elif status == 400 and body.get("error") == "invalid_grant":
            # With no lost answer since, this token came with a 200: the server forgot it.
            if self.lost_pending:
                self.sign_outs.append("the token before a lost answer was refused")
            else:
                self.sign_outs.append("an acknowledged token was refused")
                self.counts.add("acknowledged tokens lost")
            self.sign_in_again()
        elif status in (429, 503):
            time.sleep(0.05)
        else:
            raise AssertionError(f"refresh answered {status} {body}")

    def sign_in_again(self):
        while not self.stop.is_set():
            try:
                self.token = self.client.returning_session()
                self.lost_pending = False
                return
            except (Lost, AssertionError):
                time.sleep(0.05)  # the server is restarting


class Onboarder(threading.Thread):
    """New users onboarding now and then; a lost onboard is retried with its Idempotency-Key."""

    def __init__(self, server, terms, stop, counts):
        super().__init__(daemon=True)
        self.client = Client(server)
        self.terms = terms
        self.stop = stop
        self.counts = counts
        self.created = []  # (provider user id, username) of every 201
        self.error = None

    def run(self):
        try:
            while not self.stop.is_set():
                self.onboard_one(len(self.created) + self.counts.get("onboards interrupted"))
                self.stop.wait(0.15)
        except Exception as error:  # reported by the main thread
            self.error = error

    def onboard_one(self, n):
        user_id = f"crash-{n}-{secrets.token_hex(4)}"
        try:
            request, answer = self.client.sign_in("github", {
                "provider_user_id": user_id, "email": f"{user_id}@example.org", "name": f"Crash {n}",
                "action": "continue"})
            status, _, body = self.client.exchange(request, answer["code"])
        except Lost:
            # Only the request in flight is lost: pending sign-ins are in the database,
            # and a sign-in started before a restart finishes after it.
            self.counts.add("onboards interrupted")
            return
        if status != 200 or "onboarding_token" not in body:
            raise AssertionError(f"code exchange answered {status} {body}")
        username = f"crash{n}x{secrets.token_hex(3)}"
        call = {"onboarding_token": body["onboarding_token"], "code_verifier": request["verifier"],
                "client_id": CLIENT_ID, "username": username, "accepted_terms": self.terms}
        key = secrets.token_urlsafe(16)
        for _ in range(200):
            if self.stop.is_set():
                return
            try:
                status, _, answer = self.client.json("/api/account/onboard", call, {"Idempotency-Key": key})
            except Lost:
                time.sleep(0.05)
                continue  # the same key: a retry, not a second account
            if status == 201:
                self.created.append((user_id, username))
                self.counts.add("onboards acknowledged")
                return
            if status in (429, 503):
                time.sleep(0.05)
                continue
            raise AssertionError(f"onboard answered {status} {answer}")


class Counts:
    def __init__(self):
        self.lock = threading.Lock()
        self.values = {}

    def add(self, name, n=1):
        with self.lock:
            self.values[name] = self.values.get(name, 0) + n

    def get(self, name):
        with self.lock:
            return self.values.get(name, 0)


def crash_test(binary, sessions, kills, rng):
    started = time.monotonic()
    work = tempfile.mkdtemp(prefix="latchkey-crash-")
    server = Server(binary, os.path.join(work, "data"), os.path.join(work, "server.log"))
    failures = []
    try:
        server.start()
        setup = Client(server)
        terms = terms_version(setup)
        counts = Counts()
        stop = threading.Event()
        chains = [Session(server, setup.returning_session(), stop, counts) for _ in range(sessions)]
        onboarder = Onboarder(server, terms, stop, counts)
        for thread in chains + [onboarder]:
            thread.start()
        for _ in range(kills):
            time.sleep(rng.uniform(0.4, 2.0))
            server.kill()
            counts.add("kills")
            time.sleep(rng.uniform(0.0, 0.3))  # clients meet a dead server for a moment
            server.start()
        time.sleep(0.5)  # every chain meets the last server
        stop.set()
        for thread in chains + [onboarder]:
            thread.join(30)
        failures += [f"a client failed: {thread.error!r}" for thread in chains + [onboarder] if thread.error]

        # Every session must still refresh with the token its client holds.
        stop.clear()
        for chain in chains:
            for _ in range(20):
                chain.step()
                if not chain.lost_pending:
                    break
        sign_outs = [reason for chain in chains for reason in chain.sign_outs]

        # Every account that got a 201 signs in again with its identity, to itself.
        verify = Client(server)
        accounts_lost = 0
        for user_id, username in onboarder.created:
            request, answer = verify.sign_in("github", {"provider_user_id": user_id, "action": "continue"})
            status, _, tokens = verify.exchange(request, answer["code"])
            if status != 200 or tokens.get("token_type") != "Bearer" \
                    or jwt_claims(tokens["id_token"]).get("preferred_username") != username:
                accounts_lost += 1
        server.stop()
        integrity = sqlite3.connect(server.database).execute("PRAGMA integrity_check").fetchone()[0]
        with open(server.log_path, errors="replace") as log:
            grace_answers = sum(1 for line in log if "within the grace" in line)

        elapsed = time.monotonic() - started
        print(f"crash: {counts.get('kills')} kills, {sessions} sessions, "
              f"{counts.get('refreshes acknowledged')} refreshes acknowledged, "
              f"{counts.get('requests lost')} requests met a dead server; {grace_answers} retries were "
              f"answered within the grace (the server had rotated, the answer was lost)")
        print(f"crash: acknowledged tokens lost: {counts.get('acknowledged tokens lost')}; "
              f"sessions signed out: {len(sign_outs)} of {sessions * kills} ({sessions} sessions x {kills} kills); "
              f"accounts lost: {accounts_lost} of {counts.get('onboards acknowledged')} onboarded "
              f"({counts.get('onboards interrupted')} interrupted and started again); "
              f"integrity_check: {integrity}; {elapsed:.1f} s")
        for reason in sorted(set(sign_outs)):
            failures.append(f"{sign_outs.count(reason)} sessions were signed out: {reason}")
        if counts.get("acknowledged tokens lost"):
            failures.append(f"{counts.get('acknowledged tokens lost')} acknowledged refresh tokens were lost")
        if accounts_lost:
            failures.append(f"{accounts_lost} onboarded accounts were lost")
        if not counts.get("onboards acknowledged"):
            failures.append("no onboarding completed")
        if integrity != "ok":
            failures.append("integrity_check: " + integrity)
        if counts.get("kills") != kills:
            failures.append("not every kill happened")
    finally:
        server.stop()
        if failures:
            print_log_tail(server.log_path)
        if failures and os.environ.get("KEEP_CRASH_DATA"):
            print("kept: " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return failures


# ------------------------------------------------------------ full disk ----

def fill(directory):
    """Fills the file system holding `directory`; returns the filler's path."""
    path = os.path.join(directory, "filler")
    chunk = b"\0" * 4096
    with open(path, "wb", buffering=0) as f:
        try:
            while True:
                f.write(chunk)
        except OSError as error:
            if error.errno != errno.ENOSPC:
                raise
    return path


def full_disk_test(binary):
    if os.geteuid() != 0:
        print("SKIP full-disk: mounting a tmpfs needs root")
        return None
    started = time.monotonic()
    work = tempfile.mkdtemp(prefix="latchkey-full-")
    mount = os.path.join(work, "disk")
    os.mkdir(mount)
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", mount],
                            capture_output=True, text=True)
    if result.returncode != 0:
        shutil.rmtree(work, ignore_errors=True)
        print("SKIP full-disk: cannot mount a tmpfs here: " + result.stderr.strip())
        return None
    log_path = os.path.join(work, "server.log")
    server = Server(binary, os.path.join(mount, "data"), log_path, log_level="info")
    failures = []
    try:
        server.start()
        client = Client(server)
        terms = terms_version(client)
        sessions = [client.returning_session() for _ in range(4)]
        revoked_later = client.returning_session()
        wizards = []  # new users who reached the wizard before the disk filled
        for n in range(3):
            request, answer = client.sign_in("github", {"provider_user_id": f"full-{n}", "action": "continue"})
            _, _, body = client.exchange(request, answer["code"])
            wizards.append({"onboarding_token": body["onboarding_token"], "code_verifier": request["verifier"],
                            "client_id": CLIENT_ID, "username": f"full{n}", "accepted_terms": terms})
        keys = [secrets.token_urlsafe(8) for _ in wizards]
        filler = fill(mount)

        # Every kind of write, a few times over; each must fail with 503 or,
        # for the browser's sign-in, end at the app with temporarily_unavailable.
        answers = []
        for _ in range(5):
            for i, token in enumerate(sessions):
                status, _, body = client.refresh(token)
                answers.append(("refresh", status, body.get("error")))
                if status == 200:
                    sessions[i] = body["refresh_token"]
            request, answer = client.sign_in("google", {"persona": "returning"})
            if "code" in answer:
                status, _, body = client.exchange(request, answer["code"])
                answers.append(("code exchange", status, body.get("error")))
            else:
                answers.append(("sign-in redirect", 302, answer.get("error")))
            for wizard, key in zip(wizards, keys):
                status, _, body = client.json("/api/account/onboard", wizard, {"Idempotency-Key": key})
                answers.append(("onboard", status, parse_json(body).get("error")))
            status, _, body = client.form("/revoke", {"token": revoked_later, "client_id": CLIENT_ID})
            answers.append(("revoke", status, parse_json(body).get("error")))
        alive = server.alive()
        refused = [a for a in answers if a[1] not in (200, 201)]
        wrong = sorted({a for a in answers if a[1] in (200, 201)
                        or (a[1] != 302 and a[1] != 503) or a[2] != "temporarily_unavailable"})
        with open(log_path, errors="replace") as log:
            lines = [line.strip() for line in log if "latchkey.database" in line]
        full_lines = [line for line in lines if "the disk is full" in line]
        print(f"full-disk: {len(refused)} of {len(answers)} writes refused: "
              + "; ".join(f"{kind} {status} {error}" for kind, status, error in sorted(set(answers))))
        print("full-disk: log: " + (full_lines[0] if full_lines else "(no line says the disk is full)")
              + f" ({len(lines)} database lines in all)")
        if not alive:
            failures.append("the server died with the disk full")
        for kind, status, error in wrong:
            failures.append(f"{kind} on a full disk answered {status} {error}, not temporarily_unavailable")
        if not full_lines:
            failures.append("no log line says the disk is full")
        if len(lines) > 5:
            failures.append(f"{len(lines)} database log lines for one full disk: it floods the log")

        # Space returns: the same server, the same tokens and wizards work again.
        os.remove(filler)
        after = [client.refresh(token)[0] for token in sessions]
        after += [client.json("/api/account/onboard", wizard, {"Idempotency-Key": key})[0]
                  for wizard, key in zip(wizards, keys)]
        after.append(client.form("/revoke", {"token": revoked_later, "client_id": CLIENT_ID})[0])
        after.append(client.refresh(revoked_later)[0])
        fresh = client.returning_session()
        after.append(client.refresh(fresh)[0])
        expected = [200] * len(sessions) + [201] * len(wizards) + [200, 400, 200]
        print(f"full-disk: space freed: {'the server works again' if after == expected else after}")
        if after != expected:
            failures.append(f"after space returned: {after}, expected {expected}")
        with open(log_path, errors="replace") as log:
            if not any("work again" in line for line in log):
                failures.append("no log line says writes work again")
        server.stop()
        integrity = sqlite3.connect(server.database).execute("PRAGMA integrity_check").fetchone()[0]
        print(f"full-disk: integrity_check: {integrity}; {time.monotonic() - started:.1f} s")
        if integrity != "ok":
            failures.append("integrity_check: " + integrity)
    finally:
        server.stop()
        subprocess.run(["umount", mount], capture_output=True)
        if failures:
            print_log_tail(log_path)
        shutil.rmtree(work, ignore_errors=True)
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("server")
    parser.add_argument("part", nargs="?", default="all", choices=["crash", "full-disk", "all"])
    parser.add_argument("--sessions", type=int, default=16)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    print(f"seed: {seed}")
    failures = []
    skipped = False
    if args.part in ("crash", "all"):
        failures += crash_test(args.server, args.sessions, args.kills, random.Random(seed))
    if args.part in ("full-disk", "all"):
        result = full_disk_test(args.server)
        skipped = result is None
        failures += result or []
    for failure in failures:
        print("FAIL: " + failure)
    if failures:
        return 1
    return SKIP if skipped and args.part == "full-disk" else 0


if __name__ == "__main__":
    sys.exit(main())
