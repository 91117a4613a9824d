#!/usr/bin/env python3
"""The command line of the app's binary (latchkey login/status/token/logout),
as a person uses it in a terminal without a display: a real latchkey-server in
QA mode, the device grant finished in Debian's Chromium (tests/e2e/browser.js,
action device:<provider>:<persona>), the real keychain of the private session
scripts/test.sh starts, a terminal from pexpect.

    test_command_line.py LATCHKEY LATCHKEY_SERVER E2E_DIR OUT_DIR

Each test has its own server (free port, own data directory, so its own
issuer) and its own HOME and XDG_CONFIG_HOME for latchkey's settings and
refresh lock. DISPLAY and WAYLAND_DISPLAY are never in latchkey's environment.
"""
import datetime
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

LATCHKEY, SERVER, E2E_DIR, OUT_DIR = (os.path.abspath(a) for a in sys.argv[1:5])
del sys.argv[1:5]


def missing(what):
    """Skips (77) without a tool the suite needs; under CI=true that fails."""
    print(f"test_command_line.py: {what} is missing (scripts/common.sh installs it)", file=sys.stderr)
    sys.exit(1 if os.environ.get("CI") == "true" else 77)


try:
    import pexpect
except ImportError:
    missing("python3-pexpect")
for tool, package in (("faketime", "faketime"), ("node", "nodejs"), ("/usr/bin/chromium", "chromium")):
    if not shutil.which(tool):
        missing(package)

ACCESS_TOKEN_LIFETIME = 900  # seconds; PROTOCOL.md
CANCELLED = "Cancelled. Nothing was signed in or created."
NOT_SIGNED_IN = "Not signed in. Sign in with: latchkey login"
JWT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")


class Server:
    """latchkey-server --qa on a free port of 127.0.0.1, with /metrics."""

    def __init__(self, work):
        self.data = os.path.join(work, "server-data")
        os.mkdir(self.data)
        self.log = open(os.path.join(work, "server.log"), "w")
        self.process = subprocess.Popen(
            [SERVER, "--qa", "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0", "--data-dir", self.data],
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.issuer = self.metrics_url = None
        deadline = time.monotonic() + 30
        while self.metrics_url is None:
            if time.monotonic() > deadline:
                raise AssertionError("latchkey-server did not say where it listens within 30 s")
            line = self.process.stdout.readline()
            if not line:
                raise AssertionError(f"latchkey-server ended: {self.process.wait()}, see {self.log.name}")
            if line.startswith("issuer: "):
                self.issuer = line.split(" ", 1)[1].strip()
            elif line.startswith("metrics: "):
                self.metrics_url = line.split(" ", 1)[1].strip()

    def metric(self, family, label):
        """{label value: count} of one counter family."""
        with urllib.request.urlopen(self.metrics_url, timeout=10) as answer:
            text = answer.read().decode()
        found = {}
        for m in re.finditer(r'^%s\{%s="([^"]+)"\} (\d+)$' % (family, label), text, re.M):
            found[m.group(1)] = int(m.group(2))
        if not found:
            raise AssertionError(f"no {family} in /metrics")
        return found

    def requests(self, route):
        """HTTP requests answered on a route of the main port, any status."""
        with urllib.request.urlopen(self.metrics_url, timeout=10) as answer:
            text = answer.read().decode()
        pattern = r'^latchkey_http_requests_total\{route="%s",status="\d+"\} (\d+)$' % re.escape(route)
        return sum(int(n) for n in re.findall(pattern, text, re.M))

    def refreshes(self):
        return sum(self.metric("latchkey_refresh_total", "outcome").values())

    def stop(self):
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
        self.log.close()


class CommandLineTest(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="latchkey-cli.")
        self.server = Server(self.work)
        self.addCleanup(self.server.stop)
        home = os.path.join(self.work, "home")
        os.mkdir(home, 0o700)
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("DISPLAY", "WAYLAND_DISPLAY", "XDG_DATA_HOME", "LANGUAGE", "LC_ALL", "LC_MESSAGES")}
        self.env.update(HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"), LANG="C.UTF-8")
        self.out = os.path.join(OUT_DIR, self.id().rsplit(".", 1)[-1])
        shutil.rmtree(self.out, ignore_errors=True)
        os.makedirs(self.out)

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    # --- running latchkey -------------------------------------------------

    def latchkey(self, *args, faked_ahead=None):
        command = [LATCHKEY, *args, "--issuer", self.server.issuer]
        env = dict(self.env)
        if faked_ahead is not None:
            # The wall clock only: Qt's timers and waits go by the monotonic clock.
            command = ["faketime", "-f", f"+{faked_ahead}s", *command]
            env["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"
        return command, env

    def run_latchkey(self, *args, **kwargs):
        command, env = self.latchkey(*args, **kwargs)
        return subprocess.run(command, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=60)

    def spawn_login(self, device=True):
        command, env = self.latchkey("login", *(["--device"] if device else []))
        child = pexpect.spawn(command[0], command[1:], env=env, encoding="utf-8", timeout=30,
                              dimensions=(50, 250))
        child.logfile_read = open(os.path.join(self.out, "terminal.txt"), "a")
        self.addCleanup(child.logfile_read.close)
        self.addCleanup(lambda: child.terminate(force=True))
        return child

    def wait_for_code(self, child):
        """The device code as shown; returns verification_uri_complete."""
        child.expect(r"To sign in, open (\S+) on any device and enter the code:\r\n\r\n {4}(\S+)\r\n")
        uri, code = child.match.group(1), child.match.group(2)
        self.assertEqual(uri, self.server.issuer + "/device")
        self.assertRegex(code, r"^[A-Z]{4}-[A-Z]{4}$")
        child.expect(r"Or open (\S+)\r\n")
        complete = child.match.group(1)
        self.assertTrue(complete.startswith(uri + "?"), complete)
        self.assertIn(code.replace("-", ""), complete.replace("-", ""))
        child.expect("Waiting for you to finish")
        return complete

    def browser(self, url, action):
        env = dict(os.environ, LATCHKEY_E2E_BROWSER=action, LATCHKEY_E2E_DIR=self.out)
        done = subprocess.run(["node", os.path.join(E2E_DIR, "browser.js"), url], env=env, cwd=E2E_DIR,
                              capture_output=True, text=True, timeout=90)
        if done.returncode != 0:
            with open(os.path.join(self.out, "browser.log")) as log:
                self.fail(f"browser.js {action} failed:\n{log.read()[-3000:]}\n{done.stderr}")

    def expect_end(self, child, status):
        child.expect(pexpect.EOF)
        child.close()
        self.assertEqual(child.exitstatus, status, f"signal {child.signalstatus}")
        # Sentences only: log lines are for --verbose.
        child.logfile_read.flush()
        with open(child.logfile_read.name) as transcript:
            self.assertNotRegex(transcript.read(), r"(?m)^latchkey\.[a-z.]+: ")

    def onboard_new_person(self, child, first_username):
        """Terminal onboarding, the display name prefilled; returns the username."""
        child.expect(r"Welcome! You signed in with GitHub")
        child.expect(r"Display name \[([^\]\r\n]+)\]: ")
        name = child.match.group(1)
        child.sendline("")
        child.expect(r"Username \[([^\]\r\n]+)\]: ")
        if first_username:
            child.sendline(first_username)
            child.expect("Someone already has this username.")
            child.expect(r"Available instead: ([^,\s]+)[^\r\n]* \(press Enter for the first\)\.\r\n")
            username = child.match.group(1)
            child.expect(r"Username \[%s\]: " % re.escape(username))
        else:
            username = child.match.group(1)
        child.sendline("")
        child.expect(r"@%s is available\." % re.escape(username))
        child.expect(r"Read the terms of service \(version \S+\): http\S+")
        child.expect(r"Do you accept the terms of service\? \[y/N\]: ")
        child.sendline("y")
        child.expect("Creating your account…")
        child.expect(r"Your account @%s is ready\." % re.escape(username))
        child.expect(r"Signed in as %s \(@%s\) with GitHub\." % (re.escape(name), re.escape(username)))
        return username

    # --- the scenarios ----------------------------------------------------

    def test_new_person_login_status_token_refresh_logout(self):
        # 1. A new person: device flow, onboarding in the terminal, a taken name first.
        child = self.spawn_login()
        complete = self.wait_for_code(child)
        self.browser(complete, "device:github:new")
        username = self.onboard_new_person(child, first_username="rita")
        self.assertNotEqual(username, "rita")
        self.expect_end(child, 0)

        # 2. status
        status = self.run_latchkey("status", "--json")
        self.assertEqual(status.returncode, 0, status.stderr)
        info = json.loads(status.stdout)
        self.assertIs(info["signed_in"], True)
        self.assertEqual(info["username"], username)
        self.assertEqual(info["provider"], "GitHub")
        self.assertEqual(info["issuer"], self.server.issuer)
        expires = datetime.datetime.fromisoformat(info["access_token_expires_at"].replace("Z", "+00:00"))
        left = expires.timestamp() - time.time()
        self.assertTrue(ACCESS_TOKEN_LIFETIME - 120 < left <= ACCESS_TOKEN_LIFETIME + 1, left)
        self.assertIs(info["renews"], True)
        plain = self.run_latchkey("status")
        self.assertEqual(plain.returncode, 0, plain.stderr)
        self.assertIn("@" + username, plain.stdout + plain.stderr)

        # 3. token: alone on stdout, the same while valid, no refresh asked for.
        refreshes = self.server.refreshes()
        token_requests = self.server.requests("/token")
        self.assertGreater(token_requests, 0)  # the device flow's polls: the route is counted
        first = self.run_latchkey("token")
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertEqual(first.stderr, "")
        self.assertTrue(first.stdout.endswith("\n") and first.stdout.count("\n") == 1, repr(first.stdout))
        token = first.stdout.strip()
        self.assertRegex(token, JWT)
        second = self.run_latchkey("token")
        self.assertEqual((second.returncode, second.stdout), (0, first.stdout))
        self.assertEqual(self.server.refreshes(), refreshes)
        self.assertEqual(self.server.requests("/token"), token_requests)

        # 4. 16 minutes later by the wall clock: eleven callers at once, one refresh.
        ahead = ACCESS_TOKEN_LIFETIME + 60
        processes = []
        for _ in range(11):
            command, env = self.latchkey("token", faked_ahead=ahead)
            processes.append(subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                              stderr=subprocess.PIPE, text=True))
        results = [p.communicate(timeout=90) + (p.returncode,) for p in processes]
        for out, err, code in results:
            self.assertEqual(code, 0, err)
        tokens = {out for out, _, _ in results}
        self.assertEqual(len(tokens), 1, f"{len(tokens)} different tokens")
        renewed = tokens.pop().strip()
        self.assertRegex(renewed, JWT)
        self.assertNotEqual(renewed, token)
        rotated = self.server.metric("latchkey_refresh_total", "outcome")
        self.assertEqual(self.server.refreshes() - refreshes, 1, rotated)
        self.assertEqual(rotated["rotated"], 1, rotated)

        # 5. logout (revoked at the server), then no token.
        revocations = self.server.requests("/revoke")
        logout = self.run_latchkey("logout")
        self.assertEqual(logout.returncode, 0, logout.stderr)
        self.assertIn(f"Signed out of @{username}.", logout.stdout + logout.stderr)
        self.assertGreater(self.server.requests("/revoke"), revocations)
        after = self.run_latchkey("token")
        self.assertEqual(after.returncode, 1)
        self.assertEqual(after.stdout, "")
        self.assertIn(NOT_SIGNED_IN, after.stderr)

    def test_ctrl_c_while_waiting_for_the_device(self):
        # No --device: without DISPLAY and WAYLAND_DISPLAY the code is the way.
        child = self.spawn_login(device=False)
        self.wait_for_code(child)
        child.sendintr()
        child.expect_exact(CANCELLED)
        self.expect_end(child, 130)
        status = self.run_latchkey("status", "--json")
        self.assertIs(json.loads(status.stdout)["signed_in"], False)

    def test_ctrl_c_during_onboarding_creates_nothing(self):
        child = self.spawn_login()
        self.browser(self.wait_for_code(child), "device:github:new")
        child.expect(r"Display name \[[^\]\r\n]+\]: ")
        child.sendline("")
        child.expect(r"Username \[([^\]\r\n]+)\]: ")
        suggested = child.match.group(1)
        child.sendintr()
        child.expect_exact(CANCELLED)
        self.expect_end(child, 130)
        self.assertEqual(sum(self.server.metric("latchkey_onboardings_total", "outcome").values()), 0)
        token = self.run_latchkey("token")
        self.assertEqual((token.returncode, token.stdout), (1, ""))
        # The same new person again: the name offered before is still free, so nothing took it.
        child = self.spawn_login()
        self.browser(self.wait_for_code(child), "device:github:new")
        self.assertEqual(self.onboard_new_person(child, first_username=None), suggested)
        self.expect_end(child, 0)

    def test_end_of_input_during_onboarding_creates_nothing(self):
        child = self.spawn_login()
        self.browser(self.wait_for_code(child), "device:github:new")
        child.expect(r"Display name \[[^\]\r\n]+\]: ")
        child.sendline("")
        child.expect(r"Username \[[^\]\r\n]+\]: ")
        child.sendeof()  # Ctrl+D
        child.expect_exact("The input ended before the questions were answered, so no account was created.")
        self.expect_end(child, 1)
        self.assertEqual(sum(self.server.metric("latchkey_onboardings_total", "outcome").values()), 0)
        status = self.run_latchkey("status", "--json")
        self.assertIs(json.loads(status.stdout)["signed_in"], False)

    def test_terms_declined_creates_nothing(self):
        child = self.spawn_login()
        self.browser(self.wait_for_code(child), "device:github:new")
        child.expect(r"Display name \[[^\]\r\n]+\]: ")
        child.sendline("")
        child.expect(r"Username \[[^\]\r\n]+\]: ")
        child.sendline("")
        child.expect(r"Do you accept the terms of service\? \[y/N\]: ")
        child.sendline("")  # N, the default
        child.expect_exact("You did not accept the terms of service, so no account was created.")
        self.expect_end(child, 1)
        self.assertEqual(sum(self.server.metric("latchkey_onboardings_total", "outcome").values()), 0)

    def test_deny_in_the_browser(self):
        child = self.spawn_login()
        self.browser(self.wait_for_code(child), "device-deny")
        child.expect_exact("Signing in was cancelled; nothing was signed in.")
        self.expect_end(child, 1)
        status = self.run_latchkey("status", "--json")
        self.assertIs(json.loads(status.stdout)["signed_in"], False)

    def test_device_flow_at_a_standard_provider(self):
        """node-oidc-provider with its device flow on: RFC 8628 as a provider nobody here wrote does it."""
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        log = open(os.path.join(self.out, "standard-op.log"), "w")
        self.addCleanup(log.close)
        op = subprocess.Popen(["node", os.path.join(E2E_DIR, "standard-provider.mjs"), str(port)], cwd=E2E_DIR,
                              stdout=log, stderr=subprocess.STDOUT)
        self.addCleanup(lambda: (op.terminate(), op.wait()))
        issuer = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                discovery = json.load(urllib.request.urlopen(issuer + "/.well-known/openid-configuration"))
                break
            except OSError:
                if time.monotonic() > deadline:
                    self.fail("node-oidc-provider did not answer within 30 s")
                time.sleep(0.2)
        self.assertIn("device_authorization_endpoint", discovery)
        self.assertNotIn("onboarding_endpoint", discovery)  # a standard provider, none of Latchkey's extensions
        env = dict(self.env)
        child = pexpect.spawn(LATCHKEY, ["login", "--device", "--issuer", issuer], env=env, encoding="utf-8",
                              timeout=30, dimensions=(50, 250))
        child.logfile_read = open(os.path.join(self.out, "terminal.txt"), "a")
        self.addCleanup(child.logfile_read.close)
        self.addCleanup(lambda: child.terminate(force=True))
        child.expect(r"To sign in, open (\S+) on any device and enter the code:\r\n\r\n {4}(\S+)\r\n")
        self.assertEqual(child.match.group(1), issuer + "/device")
        child.expect(r"Or open (\S+)\r\n")
        self.browser(child.match.group(1), "standard-device:stan")
        child.expect(r"Signed in as Stan Dard \(@stan\) with 127\.0\.0\.1:%d\." % port)
        self.expect_end(child, 0)
        token = subprocess.run([LATCHKEY, "token", "--issuer", issuer], env=env, stdin=subprocess.DEVNULL,
                               capture_output=True, text=True, timeout=60)
        self.assertEqual(token.returncode, 0, token.stderr)
        self.assertEqual(len(token.stdout.splitlines()), 1)
        self.assertGreater(len(token.stdout.strip()), 20)

    def test_returning_person_without_onboarding(self):
        child = self.spawn_login()
        self.browser(self.wait_for_code(child), "device:github:returning")
        index = child.expect([r"Signed in as Rita[^\r\n]* \(@rita\) with GitHub\.", "Welcome!"])
        self.assertEqual(index, 0, "a returning person was asked to onboard")
        self.expect_end(child, 0)
        token = self.run_latchkey("token")
        self.assertEqual(token.returncode, 0, token.stderr)
        self.assertRegex(token.stdout.strip(), JWT)
        again = self.run_latchkey("login", "--device")
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn("Already signed in as @rita with GitHub.", again.stderr)
        self.assertEqual(self.server.metric("latchkey_device_grants_total", "outcome")["started"], 1)
        # Run out, and the server gone: no expired token for anyone, and the session stays.
        self.server.stop()
        late = self.run_latchkey("token", faked_ahead=ACCESS_TOKEN_LIFETIME + 60)
        self.assertEqual((late.returncode, late.stdout), (1, ""), late.stderr)
        self.assertIn("The access token has run out and can't be renewed right now: ", late.stderr)
        status = self.run_latchkey("status", "--json")
        self.assertIs(json.loads(status.stdout)["signed_in"], True)


class HelpTest(unittest.TestCase):
    """latchkey --help and each command's --help against the man page."""

    def test_man_page_names_every_command_and_option(self):
        man_page = os.path.join(os.path.dirname(os.path.dirname(E2E_DIR)), "packaging", "client", "latchkey.1")
        with open(man_page) as f:
            man = f.read().replace("\\-", "-")
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        env.update(LANG="C.UTF-8")
        env.pop("LANGUAGE", None)
        main = subprocess.run([LATCHKEY, "--help"], env=env, capture_output=True, text=True, timeout=30)
        self.assertEqual(main.returncode, 0, main.stderr)
        for command in ("login", "status", "token", "logout"):
            self.assertRegex(main.stdout, r"\n  %s\b" % command)
            self.assertIn(".B latchkey %s" % command, man)
            self.assertIn("\\fB%s\\fR" % command, man)
            help_text = subprocess.run([LATCHKEY, command, "--help"], env=env, capture_output=True, text=True,
                                       timeout=30)
            self.assertEqual(help_text.returncode, 0, help_text.stderr)
            for option in self.options(help_text.stdout):
                self.assertTrue("\\fB%s\\fR" % option in man, f"{command} {option} is not in the man page")
        for option in self.options(main.stdout):
            self.assertTrue("\\fB%s\\fR" % option in man, f"{option} is not in the man page")

    @staticmethod
    def options(help_text):
        # --help-all is Qt's own (its options for every Qt program).
        return set(re.findall(r"^\s+(?:-\w, )?(--[a-z-]+)", help_text, re.M)) - {"--help-all"}


if __name__ == "__main__":
    # The browser driver, installed as run-e2e.sh installs it.
    if not os.path.isdir(os.path.join(E2E_DIR, "node_modules", "playwright-core")):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=E2E_DIR, check=True)
    unittest.main(verbosity=2)
