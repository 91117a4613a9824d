#!/usr/bin/python3
"""Latchkey end to end, as a person and a QA engineer meet it.

Real processes: latchkey-server and the latchkey app, on a real X server
(Xvfb), with gnome-keyring's Secret Service on a private D-Bus session and
Debian's Chromium as the system browser (browser.js). The app is driven from
outside as assistive technology does: through the AT-SPI accessibility tree,
finding controls by their accessible names. run-e2e.sh sets all of this up;
this file runs the scenarios in order and stops every process it started.

Usage: e2e.py BUILD_DIR
"""
import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pyatspi

BUILD = os.path.abspath(sys.argv[1])
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(BUILD, "e2e")
SERVER = os.path.join(BUILD, "server", "latchkey-server")
APP = os.path.join(BUILD, "app", "latchkey")
TIMEOUT = 25
IDLE_SETTLE = 2  # seconds a freshly shown window is left alone before its idle memory is read


class Failure(Exception):
    pass


def wait_for(what, probe, timeout=TIMEOUT, interval=0.05):
    """Polls `probe` until it returns something truthy; fails saying what was awaited."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = probe()
        except Failure:  # the probe knows it is hopeless (the app exited)
            raise
        except Exception:  # the accessibility tree changes under our feet
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise Failure(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def screenshot(name):
    subprocess.run(["import", "-window", "root", os.path.join(OUT, name + ".png")],
                   check=False, stderr=subprocess.DEVNULL)


class Processes:
    """Every process the suite starts, stopped at the end even on failure."""

    def __init__(self):
        self.running = []

    def start(self, args, env=None, log=None):
        out = open(os.path.join(OUT, log), "ab") if log else subprocess.DEVNULL
        process = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.running.append(process)
        return process

    def stop(self, process, timeout=10):
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if process in self.running:
            self.running.remove(process)

    def stop_all(self):
        for process in list(self.running):
            self.stop(process, timeout=5)


class Server:
    def __init__(self, processes, port, data):
        self.processes, self.port, self.data = processes, port, data
        self.issuer = f"http://127.0.0.1:{port}"
        self.process = None

    def start(self):
        self.process = self.processes.start([SERVER, "--qa", "--listen", f"127.0.0.1:{self.port}", "--data-dir", self.data],
                                            log="server.log")
        wait_for("the server's discovery document",
                 lambda: urllib.request.urlopen(self.issuer + "/.well-known/openid-configuration", timeout=2))

    def stop(self):
        self.processes.stop(self.process)

    def refresh(self, refresh_token):
        body = urllib.parse.urlencode({"grant_type": "refresh_token", "refresh_token": refresh_token,
                                       "client_id": "latchkey-desktop"}).encode()
        try:
            with urllib.request.urlopen(self.issuer + "/token", data=body, timeout=5) as reply:
                return reply.status, json.load(reply)
        except urllib.error.HTTPError as error:
            return error.code, json.load(error)


class App:
    """The latchkey app, reached through its accessibility tree."""

    def __init__(self, processes, issuer, browser_action, extra=()):
        env = dict(os.environ, QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1", QT_QPA_PLATFORM="xcb",
                   LATCHKEY_E2E_BROWSER=browser_action, LATCHKEY_E2E_DIR=OUT, QT_LOGGING_RULES="*.debug=false")
        command = f'node "{os.path.join(HERE, "browser.js")}" %u'
        self.processes = processes
        args = [APP, "--browser-command", command, *extra] + (["--issuer", issuer] if issuer else [])
        log = os.path.join(OUT, "app.log")
        self.log_start = os.path.getsize(log) if os.path.exists(log) else 0
        self.process = processes.start(args, env=env, log="app.log")
        self.root = wait_for("the app on the accessibility bus", self._find_app)

    def _find_app(self):
        if self.process.poll() is not None:
            raise Failure(self._exited())
        desktop = pyatspi.Registry.getDesktop(0)
        for index in range(desktop.childCount):
            child = desktop.getChildAtIndex(index)
            if child is not None and child.get_process_id() == self.process.pid:
                return child
        return None

    def _exited(self):
        """Why the app ended before it showed up, from what it wrote to app.log."""
        with open(os.path.join(OUT, "app.log"), "rb") as f:
            f.seek(self.log_start)
            said = f.read().decode(errors="replace")
        code = self.process.returncode
        status = f"status {code}" if code >= 0 else f"signal {signal.Signals(-code).name}"
        if "could not connect to display" in said:
            return (f"the app could not connect to the X display {os.environ.get('DISPLAY')} "
                    f"(XAUTHORITY {os.environ.get('XAUTHORITY')}) and exited with {status}")
        last = " | ".join(said.strip().splitlines()[-5:]) or "nothing"
        return f"the app exited with {status} before it appeared on the accessibility bus; it said: {last}"

    def find(self, role, name, timeout=TIMEOUT, match=None):
        """The first control with this role whose accessible name is `name` (or passes `match`)."""
        def probe():
            return pyatspi.findDescendant(
                self.root, lambda a: a.getRoleName() == role and (match(a.name) if match else a.name == name),
                True)
        return wait_for(f'{role} "{name}"', probe, timeout)

    def showing(self, role, name, timeout=TIMEOUT):
        def probe():
            node = pyatspi.findDescendant(
                self.root, lambda a: a.getRoleName() == role and a.name == name
                and a.getState().contains(pyatspi.STATE_SHOWING), True)
            return node
        return wait_for(f'{role} "{name}" on screen', probe, timeout)

    @staticmethod
    def act(node, *names):
        action = node.queryAction()
        for index in range(action.nActions):
            if action.getName(index) in names:
                action.doAction(index)
                return
        raise Failure(f"{node.name} offers none of {names}")

    def press(self, role, name):
        self.act(self.showing(role, name), "Press", "Toggle")

    @staticmethod
    def text(node):
        return node.queryText().getText(0, -1)

    def quit(self):
        self.processes.stop(self.process)


def keychain_entries():
    result = subprocess.run(["secret-tool", "search", "--all", "--unlock", "server", "Latchkey"],
                            capture_output=True, text=True)
    return result.stdout + result.stderr


def keychain_refresh_token():
    # QtKeychain stores the session as base64 of its JSON, in the "secret" line.
    for line in keychain_entries().splitlines():
        if line.startswith("secret = "):
            raw = line[len("secret = "):].strip()
            try:
                return json.loads(base64.b64decode(raw))["refresh_token"]
            except Exception:
                return json.loads(raw)["refresh_token"]
    return None


def terms_are_rendered(app, shot):
    """The embedded terms view in the screenshot holds text, not an empty white box."""
    view = pyatspi.findDescendant(
        app.root, lambda a: a.name == "Terms of service" and a.description.startswith("The server's terms"), True)
    if view is None:
        raise Failure("no embedded terms view (is latchkey-terms built?)")
    box = view.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
    # The share of dark pixels: text makes some, a blank page none.
    dark = subprocess.run(["convert", os.path.join(OUT, shot + ".png"), "-crop",
                           f"{box.width}x{box.height}+{box.x}+{box.y}", "+repage", "-colorspace", "Gray",
                           "-threshold", "50%", "-negate", "-format", "%[fx:mean]", "info:"],
                          capture_output=True, text=True).stdout.strip()
    if not dark or float(dark) < 0.002:
        raise Failure(f"the terms area of {shot}.png is blank (dark share {dark or 'unknown'})")


def signed_in_as(app, username, timeout=TIMEOUT):
    return app.showing("label", "@" + username, timeout)


# ---- memory (issue 12): measured and reported, never asserted -------------

def proc_kib(pid, field, source="status"):
    """A "<field>: N kB" line of /proc/<pid>/status (or smaps_rollup); 0 once the process is gone."""
    try:
        with open(f"/proc/{pid}/{source}") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0


def child_pids(pid):
    children = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                # The name field may hold spaces and brackets: the parent id follows its last ")".
                if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                    children.append(int(entry))
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            pass
    return children


def descendants(pid):
    found = []
    for child in child_pids(pid):
        found += [child] + descendants(child)
    return found


def terms_helper_tree(app_pid):
    """latchkey-terms children of the app, with their QtWebEngineProcess children."""
    tree = []
    for child in child_pids(app_pid):
        try:
            exe = os.path.basename(os.readlink(f"/proc/{child}/exe"))
        except OSError:
            continue
        if exe == "latchkey-terms":
            tree += [child] + descendants(child)
    return tree


def openssl_kib(pid):
    """Resident pages of libcrypto, libssl and Qt's TLS plugins in the process.

    libcrypto is linked (PKCE, ID token signatures): a start touches its relocated pages
    only, the first signature check much more of it (OpenSSL's default provider: about
    2.4 MiB of file pages after any sign-in through the browser). libssl and the TLS
    plugin load the first time anything builds a QSslConfiguration: against an https
    server at the first request, never against this suite's http server."""
    total, counting = 0, False
    try:
        with open(f"/proc/{pid}/smaps") as f:
            for line in f:
                if re.match(r"[0-9a-f]+-[0-9a-f]+ ", line):
                    path = line.split()[-1]
                    counting = re.search(r"/(libssl|libcrypto)\.so|/plugins/tls/", path) is not None
                elif counting and line.startswith("Rss:"):
                    total += int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return total


def memory_sample(app_pid):
    helper = terms_helper_tree(app_pid)
    return {"app_rss": proc_kib(app_pid, "VmRSS"), "helper_pids": helper,
            # VmRSS split: heap and other private memory, pages of mapped files (libraries,
            # fonts: shared with other processes, dropped by the kernel under pressure), shm.
            "app_anon": proc_kib(app_pid, "RssAnon"), "app_file": proc_kib(app_pid, "RssFile"),
            "app_shmem": proc_kib(app_pid, "RssShmem"), "app_openssl": openssl_kib(app_pid),
            "helper_rss": sum(proc_kib(p, "VmRSS") for p in helper),
            # RSS summed over processes counts shared pages (libQt6WebEngineCore) once per
            # process; PSS splits them, so it is the fairer figure for a tree.
            "helper_pss": sum(proc_kib(p, "Pss", "smaps_rollup") for p in helper)}


def memory_line(label, sample):
    mib = lambda kib: f"{kib / 1024:7.1f} MiB"
    split = lambda kib: f"{kib / 1024:4.1f}"
    return (f"  {label:<34} app {mib(sample['app_rss'])} (anon {split(sample['app_anon'])}, "
            f"file {split(sample['app_file'])} of which OpenSSL {split(sample['app_openssl'])}, "
            f"shmem {split(sample['app_shmem'])})")


def report_memory(samples, baselines=()):
    """`baselines`: signed-in (label, sample) pairs without the wizard, to compare the figure after it with."""
    mib = lambda kib: f"{kib / 1024:7.1f} MiB"
    lines = ["memory (VmRSS; issue 12: measured, not asserted):"]
    for label, sample in samples + list(baselines):
        line = memory_line(label, sample)
        if sample["helper_pids"]:
            line += (f"   latchkey-terms tree ({len(sample['helper_pids'])} processes) "
                     f"RSS {mib(sample['helper_rss'])}, PSS {mib(sample['helper_pss'])}")
        else:
            line += "   latchkey-terms tree: none"
        lines.append(line)
    (_, idle), (_, after) = samples[0], samples[-1]
    lines.append(f"  after the wizard / signed-out idle: {after['app_rss'] / idle['app_rss']:.2f}x")
    for label, base in baselines:
        lines.append(f"  after the wizard / {label}: {after['app_rss'] / base['app_rss']:.2f}x"
                     f" (OpenSSL {mib(after['app_openssl'] - base['app_openssl']).strip()} of the difference)")
    text = "\n".join(lines)
    print(text, flush=True)
    with open(os.path.join(OUT, "memory.txt"), "w") as f:
        f.write(text + "\n")


# ---- scenarios -------------------------------------------------------------

def new_user(server, processes, facts):
    app = App(processes, server.issuer, "persona:github:new")
    screenshot("01-signed-out")
    time.sleep(IDLE_SETTLE)
    memory = [("signed out, idle", memory_sample(app.process.pid))]
    app.press("push button", "Continue with GitHub")
    next_button = app.showing("push button", "Next >")
    screenshot("02-wizard-welcome")
    app.act(next_button, "Press")
    username = app.showing("text", "Username")
    prefilled = App.text(username)
    if not re.fullmatch(r"nora\.newcomer\d*", prefilled):
        raise Failure(f"the username was not prefilled from the onboarding token: {prefilled!r}")
    name = App.text(app.showing("text", "Display name"))
    if name != "Nora Newcomer":
        raise Failure(f"the display name was not prefilled: {name!r}")
    # A taken username: the server says so and suggests others.
    username.queryEditableText().setTextContents("rita")
    status = app.find("label", "Username status")
    wait_for("the username to be reported taken", lambda: "already has" in status.description)
    suggestion = app.find("push button", None, match=lambda n: n.startswith("Use the username "))
    picked = suggestion.name[len("Use the username "):]
    screenshot("03-wizard-username-taken")
    app.act(suggestion, "Press")
    wait_for(f"{picked} to be available", lambda: status.description.startswith("✓"))
    app.press("push button", "Next >")
    agree = app.showing("check box", "I agree to the terms of service")
    # Enabled once latchkey-terms has painted the page, not at loadFinished.
    wait_for("the terms to load", lambda: agree.getState().contains(pyatspi.STATE_ENABLED))
    screenshot("04-wizard-terms")
    terms_are_rendered(app, "04-wizard-terms")
    memory.append(("terms page open", memory_sample(app.process.pid)))
    if not memory[-1][1]["helper_pids"]:
        raise Failure("the terms page is rendered but no latchkey-terms child of the app runs")
    app.act(agree, "Toggle", "Press")
    app.press("push button", "Next >")
    app.press("push button", "Create account")
    signed_in_as(app, picked)
    closed = time.monotonic()
    screenshot("05-signed-in-new-user")
    if "Latchkey" not in keychain_entries() or not keychain_refresh_token():
        raise Failure("the keychain holds no Latchkey entry after signing up")
    facts["username"] = picked
    time.sleep(max(0.0, closed + 5 - time.monotonic()))
    memory.append(("signed in, 5 s after the wizard", memory_sample(app.process.pid)))
    report_memory(memory)
    facts["memory"] = memory
    if memory[-1][1]["helper_pids"]:
        raise Failure(f"latchkey-terms still runs 5 s after the wizard closed: {memory[-1][1]['helper_pids']}")
    app.quit()


def username_from_new_user(facts):
    # restart and sign_out continue where new_user left off.
    if "username" not in facts:
        raise Failure("needs the account new_user creates, and new_user did not finish")
    return facts["username"]


def restart(server, processes, facts):
    username = username_from_new_user(facts)
    opened_before = browser_runs()
    app = App(processes, server.issuer, "persona:github:returning")
    signed_in_as(app, username)
    screenshot("06-restarted-signed-in")
    if browser_runs() != opened_before:
        raise Failure("restoring the session opened the browser")
    if "memory" in facts:
        time.sleep(IDLE_SETTLE)
        facts["baselines"] = [("restarted, signed in", memory_sample(app.process.pid))]
        report_memory(facts["memory"], facts["baselines"])
    app.quit()


def sign_out(server, processes, facts):
    username = username_from_new_user(facts)
    app = App(processes, server.issuer, "persona:github:returning")
    signed_in_as(app, username)
    refresh_token = keychain_refresh_token()
    if not refresh_token:
        raise Failure("no refresh token in the keychain before signing out")
    app.press("push button", "Sign out")
    app.showing("push button", "Continue with GitHub")
    screenshot("07-signed-out")
    wait_for("the keychain entry to be deleted", lambda: keychain_refresh_token() is None)
    status, body = wait_for("the server to reject the refresh token",
                            lambda: (lambda r: r if r[0] == 400 else None)(server.refresh(refresh_token)))
    if body.get("error") != "invalid_grant":
        raise Failure(f"the revoked refresh token got {status} {body}")
    app.quit()


def returning_user(server, processes, facts):
    app = App(processes, server.issuer, "persona:github:returning")
    # The signed-in view is built when it is first shown (issue 12), so the
    # poll walks the tree: the measured time includes one walk (a few ms).
    app.press("push button", "Continue with GitHub")
    wait_for("the signed-in view", lambda: pyatspi.findDescendant(
        app.root, lambda a: a.getRoleName() == "label" and a.description == "Your username"
        and a.name == "@rita", True), interval=0.005)
    seen_at = time.time()
    if pyatspi.findDescendant(app.root, lambda a: a.getRoleName() == "push button" and a.name == "Next >", True):
        raise Failure("a returning user was shown the registration wizard")
    with open(os.path.join(OUT, "redirect-at")) as f:
        facts["redirect_to_signed_in_ms"] = seen_at * 1000 - int(f.read())
    screenshot("08-returning-user-signed-in")
    if "baselines" in facts:
        # A sign-in through the browser as the new user's, without the wizard:
        # what the app keeps after the wizard beyond the sign-in itself.
        time.sleep(max(0.0, seen_at + 5 - time.time()))
        facts["baselines"].append(("browser sign-in, no wizard, 5 s", memory_sample(app.process.pid)))
        report_memory(facts["memory"], facts["baselines"])
    app.press("push button", "Sign out")  # leave the keychain empty for the next scenario
    app.showing("push button", "Continue with GitHub")
    wait_for("the keychain entry to be deleted", lambda: keychain_refresh_token() is None)
    app.quit()


def access_denied(server, processes, facts):
    app = App(processes, server.issuer, "cancel:google")
    if keychain_refresh_token() is not None:
        raise Failure("a session is stored: this scenario must start signed out")
    app.press("push button", "Continue with Google")
    wait_for("the cancellation to be explained", lambda: pyatspi.findDescendant(
        app.root, lambda a: a.getRoleName() == "label" and a.description == "Why you are signed out"
        and "cancelled" in a.name, True))
    app.showing("push button", "Continue with Google")
    screenshot("09-access-denied")
    app.quit()


def with_reference_server(server, processes, facts):
    app = App(processes, None, "persona:github:returning", extra=["--with-reference-server"])
    signed_in_as(app, "rita")  # signed in against its own server, no second terminal
    screenshot("10-with-reference-server")
    children = subprocess.run(["pgrep", "-P", str(app.process.pid), "-f", "latchkey-server"],
                              capture_output=True, text=True).stdout.split()
    if not children:
        raise Failure("no bundled latchkey-server runs under the app")
    os.kill(app.process.pid, signal.SIGTERM)  # the app alone: it must stop its server itself
    app.process.wait(10)
    wait_for("the bundled server to stop with the app",
             lambda: not any(os.path.exists(f"/proc/{pid}") for pid in children))
    app.quit()


def standard_provider(server, processes, facts):
    # Another provider entirely: node-oidc-provider, no onboarding extension,
    # profile claims only in userinfo, opaque access tokens.
    port = free_port()
    op = processes.start(["node", os.path.join(HERE, "standard-provider.mjs"), str(port)], log="standard-op.log")
    issuer = f"http://127.0.0.1:{port}"
    wait_for("the standard provider", lambda: urllib.request.urlopen(
        issuer + "/.well-known/openid-configuration", timeout=2))
    app = App(processes, issuer, "standard:stan")
    app.press("push button", "Sign in")
    signed_in_as(app, "stan")
    # It lists offline_access: the app asks for it with prompt=consent (the
    # robot browser consents), gets a refresh token, and the view says the session renews.
    wait_for("the session to renew", lambda: pyatspi.findDescendant(
        app.root, lambda a: a.getRoleName() == "label" and "Renews automatically" in a.name, True))
    if not keychain_refresh_token():
        raise Failure("the keychain entry holds no refresh token from the standard provider")
    screenshot("11-standard-provider-signed-in")
    app.press("push button", "Sign out")
    app.showing("push button", "Sign in")
    app.quit()
    processes.stop(op)


def start_upstream(processes, broker_issuer, provider_id, log):
    """node-oidc-provider as the upstream `provider_id` of a broker at `broker_issuer`:
    its issuer and the client secret the broker authenticates with."""
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    secret = f"e2e-upstream-secret-{port}"
    processes.start(["node", os.path.join(HERE, "standard-provider.mjs"), str(port),
                     f"{broker_issuer}/upstream/{provider_id}/callback"],
                    env=dict(os.environ, UPSTREAM_CLIENT_SECRET=secret), log=log)
    wait_for(f"the upstream provider {provider_id}", lambda: urllib.request.urlopen(
        issuer + "/.well-known/openid-configuration", timeout=2))
    return issuer, secret


def start_broker(processes, upstream_running=True, oauth2_upstream=False):
    """latchkey-server as a real identity broker (no --qa) whose upstream "Corp SSO"
    is node-oidc-provider, or a closed port when upstream_running is false. With
    oauth2_upstream, a second node-oidc-provider is its upstream "Partner OAuth",
    configured as a plain OAuth 2.0 provider (endpoints and user-info claims, no
    discovery, no ID token checked). Both say <login>@example.org, verified."""
    broker_port = free_port()
    broker_issuer = f"http://127.0.0.1:{broker_port}"
    env = dict(os.environ)
    if upstream_running:
        op_issuer, env["LATCHKEY_PROVIDER_CORP_SECRET"] = start_upstream(processes, broker_issuer, "corp",
                                                                         "upstream-op.log")
    else:  # a closed port; the broker still needs a secret to start
        op_issuer, env["LATCHKEY_PROVIDER_CORP_SECRET"] = f"http://127.0.0.1:{free_port()}", "e2e-upstream-secret"
    providers = [{"id": "corp", "name": "Corp SSO", "type": "oidc", "issuer": op_issuer,
                  "client_id": "latchkey-broker"}]
    if oauth2_upstream:
        partner_issuer, env["LATCHKEY_PROVIDER_PARTNER_SECRET"] = start_upstream(
            processes, broker_issuer, "partner", "upstream-oauth2-op.log")
        with urllib.request.urlopen(partner_issuer + "/.well-known/openid-configuration", timeout=5) as reply:
            endpoints = json.load(reply)
        providers.append({"id": "partner", "name": "Partner OAuth", "type": "oauth2",
                          "authorization_endpoint": endpoints["authorization_endpoint"],
                          "token_endpoint": endpoints["token_endpoint"],
                          "userinfo_endpoint": endpoints["userinfo_endpoint"],
                          "claims": {"provider_user_id": "sub", "email": "email", "email_verified": "email_verified",
                                     "name": "name", "preferred_username": "preferred_username"},
                          "client_id": "latchkey-broker",
                          # openid: node-oidc-provider's userinfo answers only tokens granted it.
                          "scopes": ["openid", "email", "profile"]})
    path = os.path.join(OUT, "providers.json")
    with open(path, "w") as f:
        json.dump({"providers": providers}, f)
    data = os.path.join(OUT, "broker-data")
    shutil.rmtree(data, ignore_errors=True)
    processes.start([SERVER, "--providers", path, "--listen", f"127.0.0.1:{broker_port}", "--data-dir", data],
                    env=env, log="broker.log")
    wait_for("the broker", lambda: urllib.request.urlopen(
        broker_issuer + "/.well-known/openid-configuration", timeout=2))
    if oauth2_upstream:
        return broker_issuer, {"corp": op_issuer, "partner": partner_issuer}
    return broker_issuer


def press_sign_in(app):
    sign_in = wait_for("a sign-in button", lambda: pyatspi.findDescendant(
        app.root, lambda a: a.getRoleName() == "push button" and a.name in ("Continue with Corp SSO", "Sign in")
        and a.getState().contains(pyatspi.STATE_SHOWING), True))
    App.act(sign_in, "Press")


def brokered_new_user(server, processes, facts):
    # A new person signs up through the broker, wizard included.
    broker_issuer = start_broker(processes)
    app = App(processes, broker_issuer, "broker:Corp SSO:carla")
    screenshot("12-broker-signed-out")
    press_sign_in(app)
    next_button = app.showing("push button", "Next >")
    screenshot("13-broker-wizard-welcome")
    app.act(next_button, "Press")
    username = App.text(app.showing("text", "Username"))
    if username != "carla":
        raise Failure(f"the username was not prefilled from the upstream's preferred_username: {username!r}")
    name = App.text(app.showing("text", "Display name"))
    if name != "Stan Dard":
        raise Failure(f"the display name was not prefilled from the upstream: {name!r}")
    status = app.find("label", "Username status")
    wait_for("carla to be available", lambda: status.description.startswith("✓"))
    app.press("push button", "Next >")
    agree = app.showing("check box", "I agree to the terms of service")
    wait_for("the terms to load", lambda: agree.getState().contains(pyatspi.STATE_ENABLED))
    app.act(agree, "Toggle", "Press")
    app.press("push button", "Next >")
    app.press("push button", "Create account")
    signed_in_as(app, "carla")
    screenshot("14-broker-signed-in")
    if broker_issuer not in keychain_entries() or not keychain_refresh_token():
        raise Failure("the keychain holds no session for the broker after signing up")
    app.quit()


def brokered_upstream_cancelled(server, processes, facts):
    # The person cancels on the upstream's own page: back to signed out, saying so.
    app = App(processes, start_broker(processes), "broker-cancel:Corp SSO")
    press_sign_in(app)
    reason = wait_for("the signed-out reason", lambda: pyatspi.findDescendant(
        app.root, lambda a: a.getRoleName() == "label" and "cancelled" in a.name
        and a.getState().contains(pyatspi.STATE_SHOWING), True))
    facts["upstream_cancelled_text"] = reason.name
    screenshot("15-broker-upstream-cancelled")
    app.quit()


def brokered_upstream_down(server, processes, facts):
    # The upstream cannot be reached: the app shows the broker's specific reason.
    app = App(processes, start_broker(processes, upstream_running=False), "follow:Corp SSO")
    press_sign_in(app)
    reason = wait_for("the error's reason", lambda: pyatspi.findDescendant(
        app.root, lambda a: a.getRoleName() == "label" and "Corp SSO cannot be reached" in a.name
        and a.getState().contains(pyatspi.STATE_SHOWING), True))
    facts["upstream_down_text"] = reason.name
    screenshot("16-broker-upstream-down")
    app.quit()


def browser_sign_ins():
    """(login, origin of the login page) of each sign-in browser.js made at node-oidc-provider."""
    try:
        with open(os.path.join(OUT, "browser.log")) as f:
            return re.findall(r" done: (?:broker|standard) sign-in as (\S+) at (\S+)", f.read())
    except FileNotFoundError:
        return []


def expect_sign_in_at(before, login, origin, upstream):
    """The browser signed in once more since `before` sign-ins, as `login` at `origin`."""
    runs = wait_for(f"the browser's sign-in at {upstream}",
                    lambda: (lambda r: r if len(r) > before else None)(browser_sign_ins()))
    if runs[-1] != (login, origin):
        raise Failure(f"the browser signed in as {runs[-1][0]} at {runs[-1][1]}, not as {login} at {upstream} ({origin})")
    shutil.copy(os.path.join(OUT, "browser-upstream-login.png"),
                os.path.join(OUT, f"browser-{len(runs):02d}-at-{upstream.lower().replace(' ', '-')}.png"))


def label_showing(app, what, match, timeout=TIMEOUT):
    return wait_for(what, lambda: pyatspi.findDescendant(
        app.root, lambda a: a.getRoleName() == "label" and match(a.name)
        and a.getState().contains(pyatspi.STATE_SHOWING), True), timeout)


def click(node):
    """A real mouse click in the middle of `node`, as a person makes it (X test events)."""
    box = node.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
    subprocess.run(["xdotool", "mousemove", "--sync", str(box.x + box.width // 2), str(box.y + box.height // 2),
                    "click", "1"], check=True)


def method_cell(app, provider):
    """The Sign-in methods dialog's list entry (its first column) for `provider`, if any."""
    table = wait_for("the list of sign-in methods", lambda: pyatspi.findDescendant(
        app.root, lambda a: a.getRoleName() in ("tree", "tree table", "table") and a.name == "Sign-in methods", True))
    return pyatspi.findDescendant(table, lambda a: a.getRoleName() in ("tree item", "table cell")
                                  and a.name == provider, True)


def linking(server, processes, facts):
    # One person, two sign-in methods (issue 21): Dana signs up with Corp SSO
    # (OpenID Connect); later she continues with Partner OAuth (plain OAuth 2.0,
    # the same verified dana@example.org), the wizard offers to link it to her
    # account, she proves the account at Corp SSO, and from then on Partner
    # OAuth signs her straight in; then she removes it again.
    broker_issuer, upstreams = start_broker(processes, oauth2_upstream=True)
    corp, partner = upstreams["corp"], upstreams["partner"]
    action = "broker:Corp SSO:dana"  # the app names the provider: any upstream's login page, as dana

    # (a) Sign up with Corp SSO through the wizard.
    app = App(processes, broker_issuer, action)
    app.showing("push button", "Continue with Partner OAuth")
    screenshot("17-linking-signed-out-two-providers")
    before = len(browser_sign_ins())
    app.press("push button", "Continue with Corp SSO")
    app.press("push button", "Next >")
    username = App.text(app.showing("text", "Username"))
    if username != "dana":
        raise Failure(f"the username was not prefilled from Corp SSO's preferred_username: {username!r}")
    status = app.find("label", "Username status")
    wait_for("dana to be available", lambda: status.description.startswith("✓"))
    app.press("push button", "Next >")
    agree = app.showing("check box", "I agree to the terms of service")
    wait_for("the terms to load", lambda: agree.getState().contains(pyatspi.STATE_ENABLED))
    app.act(agree, "Toggle", "Press")
    app.press("push button", "Next >")
    app.press("push button", "Create account")
    signed_in_as(app, "dana")
    expect_sign_in_at(before, "dana", corp, "Corp SSO")
    screenshot("18-linking-signed-up-with-corp")
    app.quit()

    # (b) Back later, signed out, Dana continues with Partner OAuth: the wizard
    # ends at her address's account and offers to link Partner OAuth to it.
    app = App(processes, broker_issuer, action)
    signed_in_as(app, "dana")
    app.press("push button", "Sign out")
    before = len(browser_sign_ins())
    app.press("push button", "Continue with Partner OAuth")
    app.press("push button", "Next >")
    expect_sign_in_at(before, "dana", partner, "Partner OAuth")
    # "dana" is her own account's: the server proposes a free one (dana2).
    username = App.text(app.showing("text", "Username"))
    if not re.fullmatch(r"dana\d+", username):
        raise Failure(f"the username offered for Partner OAuth's dana is {username!r}, not a free dana<N>")
    status = app.find("label", "Username status")
    wait_for(f"{username} to be available", lambda: status.description.startswith("✓"))
    screenshot("19-linking-wizard-partner")
    app.press("push button", "Next >")
    agree = app.showing("check box", "I agree to the terms of service")
    wait_for("the terms to load", lambda: agree.getState().contains(pyatspi.STATE_ENABLED))
    app.act(agree, "Toggle", "Press")
    app.press("push button", "Next >")
    app.press("push button", "Create account")
    link = app.showing("push button", "Link Partner OAuth to it")
    explanation = label_showing(app, "the link page's explanation",
                                lambda n: "dana@example.org" in n and "Corp SSO" in n)
    facts["link_offer_text"] = explanation.name
    screenshot("20-linking-offer")
    before = len(browser_sign_ins())
    app.act(link, "Press")
    signed_in_as(app, "dana")
    expect_sign_in_at(before, "dana", corp, "Corp SSO")  # the proof: the account's own provider
    with open(os.path.join(OUT, "broker.log")) as f:  # docs/server.md: each link is logged so
        if "corp: linked partner to an account" not in f.read():
            raise Failure("the broker logged no link of partner to the account signed in at corp")
    confirmation = label_showing(app, "the link's confirmation",
                                 lambda n: n.startswith("Partner OAuth is now linked") and "Corp SSO" in n)
    facts["link_confirmation_text"] = confirmation.name
    screenshot("21-linking-linked")

    # (c) Partner OAuth now signs her straight in to the same account.
    app.press("push button", "Sign out")
    before = len(browser_sign_ins())
    app.press("push button", "Continue with Partner OAuth")
    signed_in_as(app, "dana")
    expect_sign_in_at(before, "dana", partner, "Partner OAuth")
    if pyatspi.findDescendant(app.root, lambda a: a.getRoleName() == "push button" and a.name == "Next >", True):
        raise Failure("signing in with the linked Partner OAuth showed the registration wizard")
    if pyatspi.findDescendant(app.root, lambda a: a.getRoleName() == "label" and "is now linked" in a.name
                              and a.getState().contains(pyatspi.STATE_SHOWING), True):
        raise Failure("the link's confirmation is still shown at the next sign-in")
    screenshot("22-linking-signed-in-with-partner")

    # (d) Sign-in methods: both listed; remove Partner OAuth; Corp SSO, the
    # last one, cannot be removed.
    app.press("push button", "Sign-in methods…")
    wait_for("both sign-in methods listed",
             lambda: method_cell(app, "Corp SSO") and method_cell(app, "Partner OAuth"))
    screenshot("23-linking-sign-in-methods")
    click(method_cell(app, "Partner OAuth"))
    wait_for("Partner OAuth to be the current entry",
             lambda: method_cell(app, "Partner OAuth").getState().contains(pyatspi.STATE_FOCUSED))
    app.press("push button", "Remove…")
    confirm = app.showing("push button", "Remove Partner OAuth")
    screenshot("24-linking-remove-question")
    app.act(confirm, "Press")
    wait_for("Partner OAuth to leave the list", lambda: method_cell(app, "Corp SSO")
             and not method_cell(app, "Partner OAuth"))
    remove = app.showing("push button", "Remove…")
    wait_for("Remove to be disabled for the last method",
             lambda: not remove.getState().contains(pyatspi.STATE_ENABLED))
    label_showing(app, "the removal's confirmation", lambda n: n.startswith("Partner OAuth was removed"))
    screenshot("25-linking-removed")
    # (e) Signed out, she signs in with Corp SSO, her one method left. After a
    # sign-out the app asks for prompt=select_account, which the broker passes
    # on to this oidc upstream: node-oidc-provider supports login and consent only.
    app.press("push button", "Close")
    app.press("push button", "Sign out")
    before = len(browser_sign_ins())
    app.press("push button", "Continue with Corp SSO")
    signed_in_as(app, "dana")
    expect_sign_in_at(before, "dana", corp, "Corp SSO")
    screenshot("26-linking-corp-after-sign-out")
    app.quit()


def browser_log_size():
    try:
        return os.path.getsize(os.path.join(OUT, "browser.log"))
    except FileNotFoundError:
        return 0


def browser_failures(since):
    """The first line of each browser.js failure logged after byte `since` of browser.log."""
    try:
        with open(os.path.join(OUT, "browser.log"), "rb") as f:
            f.seek(since)
            said = f.read().decode(errors="replace")
    except FileNotFoundError:
        return []
    return [line.split(" failed: ", 1)[1] for line in said.splitlines() if " failed: " in line]


def browser_runs():
    try:
        with open(os.path.join(OUT, "browser.log")) as f:
            return sum(1 for line in f if " done: " in line)
    except FileNotFoundError:
        return 0


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    processes = Processes()
    data = os.path.join(OUT, "server-data")
    server = Server(processes, free_port(), data)
    facts = {}
    passed, failed = 0, 0
    suite_started = time.monotonic()
    scenarios = [new_user, restart, sign_out, returning_user, access_denied, with_reference_server,
                 standard_provider, brokered_new_user, brokered_upstream_cancelled, brokered_upstream_down, linking]
    only = os.environ.get("LATCHKEY_E2E_ONLY")  # for a developer re-running one scenario
    if only:
        scenarios = [s for s in scenarios if s.__name__ in only.split(",")]
    try:
        for scenario in scenarios:
            started = time.monotonic()
            browser_since = browser_log_size()
            server.start()  # each scenario meets a freshly started server on the same data
            try:
                scenario(server, processes, facts)
                passed += 1
                print(f"PASS   {scenario.__name__} ({time.monotonic() - started:.1f} s)", flush=True)
            except Exception as error:
                failed += 1
                screenshot(f"failed-{scenario.__name__}")
                print(f"FAIL!  {scenario.__name__}: {error}", flush=True)
                for said in browser_failures(browser_since):  # often the reason the app waited in vain
                    print(f"       the browser: {said}", flush=True)
            finally:
                for process in [p for p in processes.running if p is not server.process]:
                    processes.stop(process)
                server.stop()
    finally:
        processes.stop_all()
    print(f"suite wall time: {time.monotonic() - suite_started:.1f} s")
    if "redirect_to_signed_in_ms" in facts:
        print(f"browser redirect -> signed-in view: {facts['redirect_to_signed_in_ms']:.0f} ms")
    print(f"e2e: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
