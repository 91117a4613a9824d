#!/usr/bin/python3
"""latchkey-server's /metrics as Prometheus reads it (issue 20, point 4).

promtool: the real server with --metrics-listen, a few requests (a discovery
GET, a 404, a failed token request, a guard refusal), then its /metrics
through `promtool check metrics`, which parses the exposition and lints it:
exit status 0 and not one lint line.

prometheus: a Prometheus of the test's own (never the packaged service) on a
free port scrapes the server every second; after N discovery requests its
query API must read back N for that route's counter within 30 s.

Both need the prometheus package (promtool, prometheus); without, SKIP (77).

Usage: metrics-check.py SERVER_BINARY promtool|prometheus
"""

import http.client
import json
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

SKIP = 77
DISCOVERY = "/.well-known/openid-configuration"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


class Server:
    """One latchkey-server in QA mode on port 0, with metrics on another port 0."""

    def __init__(self, binary, data_dir, log):
        self.process = subprocess.Popen(
            [binary, "--qa", "--data-dir", data_dir, "--listen", "127.0.0.1:0",
             "--metrics-listen", "127.0.0.1:0", "--log-level", "warning"],
            stdout=subprocess.PIPE, stderr=log)
        lines = self._read_start()
        issuer = re.search(r"^issuer: http://127\.0\.0\.1:(\d+)$", lines, re.MULTILINE)
        metrics = re.search(r"^metrics: http://127\.0\.0\.1:(\d+)/metrics$", lines, re.MULTILINE)
        if not issuer or not metrics:
            self.stop()
            fail("the server did not say its issuer and metrics address; it printed:\n" + lines)
        self.port = int(issuer.group(1))
        self.metrics_port = int(metrics.group(1))

    def _read_start(self):
        deadline = time.monotonic() + 20
        fd = self.process.stdout.fileno()
        text = b""
        while time.monotonic() < deadline and b"metrics: " not in text:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                chunk = os.read(fd, 4096)
                if not chunk:
                    break
                text += chunk
        # The line after "metrics: " may still be on its way.
        time.sleep(0.05)
        ready, _, _ = select.select([fd], [], [], 0)
        if ready:
            text += os.read(fd, 4096)
        return text.decode(errors="replace")

    def request(self, method, path, body=None, headers=None, port=None):
        connection = http.client.HTTPConnection("127.0.0.1", port or self.port, timeout=10)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.getheader("Content-Type"), response.read()
        finally:
            connection.close()

    def guard_refusal(self):
        """Headers over 16 KiB: refused by the connection guard with 431."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as raw:
            raw.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (17 * 1024) + b"\r\n\r\n")
            answer = raw.recv(64)
        if not answer.startswith(b"HTTP/1.1 431"):
            fail(f"the guard did not refuse large headers: {answer!r}")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()


def some_requests(server):
    status, _, _ = server.request("GET", DISCOVERY)
    if status != 200:
        fail(f"discovery answered {status}")
    status, _, _ = server.request("GET", "/no/such/path")
    if status != 404:
        fail(f"an unknown path answered {status}")
    form = urllib.parse.urlencode({"grant_type": "authorization_code", "client_id": "latchkey-desktop",
                                   "code": "not-a-code", "redirect_uri": "http://127.0.0.1:1/callback",
                                   "code_verifier": "a" * 43})
    status, _, _ = server.request("POST", "/token", form, {"Content-Type": "application/x-www-form-urlencoded"})
    if status != 400:
        fail(f"a token request with a made-up code answered {status}")
    server.guard_refusal()


def check_promtool(server, work):
    some_requests(server)
    status, content_type, body = server.request("GET", "/metrics", port=server.metrics_port)
    if status != 200:
        fail(f"/metrics answered {status}")
    if content_type != CONTENT_TYPE:
        fail(f"/metrics has Content-Type {content_type!r}, not {CONTENT_TYPE!r}")
    text = body.decode()
    for needed in ['latchkey_http_requests_total{route="other",status="404"} 1',
                   'latchkey_guard_refusals_total{reason="header_too_large"} 1',
                   'latchkey_http_requests_total{route="/token",status="400"} 1']:
        if needed not in text:
            fail(f"/metrics lacks {needed!r}:\n{text}")
    with open(os.path.join(work, "metrics.txt"), "wb") as copy:
        copy.write(body)
    checked = subprocess.run(["promtool", "check", "metrics"], input=body, capture_output=True, timeout=60)
    said = (checked.stdout + checked.stderr).decode().strip()
    if checked.returncode != 0 or said:
        fail(f"promtool check metrics: exit {checked.returncode}\n{said}\n--- the exposition:\n{text}")
    print(f"promtool check metrics: no problem in {len(text.splitlines())} lines")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def query(port, expression):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/api/v1/query?" + urllib.parse.urlencode({"query": expression}))
        answer = json.loads(connection.getresponse().read())
    finally:
        connection.close()
    results = answer.get("data", {}).get("result", [])
    return float(results[0]["value"][1]) if results else None


def start_prometheus(work, target_port, log):
    config = os.path.join(work, "prometheus.yml")
    with open(config, "w") as out:
        out.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                  "scrape_configs:\n  - job_name: latchkey\n    static_configs:\n"
                  f"      - targets: ['127.0.0.1:{target_port}']\n")
    # The free port may be taken before Prometheus binds it: then another.
    for _ in range(5):
        port = free_port()
        process = subprocess.Popen(
            ["prometheus", "--config.file=" + config, "--storage.tsdb.path=" + os.path.join(work, "data"),
             "--web.listen-address=127.0.0.1:" + str(port)], stdout=log, stderr=log)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and process.poll() is None:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/-/ready")
                if connection.getresponse().status == 200:
                    return process, port
            except OSError:
                pass
            time.sleep(0.2)
        process.kill()
        process.wait()
    fail("Prometheus did not start; see " + log.name)


def check_prometheus(server, work):
    with open(os.path.join(work, "prometheus.log"), "w") as log:
        prometheus, port = start_prometheus(work, server.metrics_port, log)
        try:
            requests = 7
            for _ in range(requests):
                status, _, _ = server.request("GET", DISCOVERY)
                if status != 200:
                    fail(f"discovery answered {status}")
            expression = f'latchkey_http_requests_total{{route="{DISCOVERY}",status="200"}}'
            deadline = time.monotonic() + 30
            value = None
            while time.monotonic() < deadline:
                value = query(port, expression)
                if value == requests:
                    break
                time.sleep(0.5)
            if value != requests:
                up = query(port, 'up{job="latchkey"}')
                fail(f"Prometheus read {expression} = {value} after 30 s, not {requests} (up = {up})")
            print(f"Prometheus read back {expression} = {value:g}")
        finally:
            prometheus.terminate()
            try:
                prometheus.wait(15)
            except subprocess.TimeoutExpired:
                prometheus.kill()
                prometheus.wait()


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in ("promtool", "prometheus"):
        print(__doc__, file=sys.stderr)
        return 2
    binary, check = sys.argv[1], sys.argv[2]
    if not shutil.which(check):
        print(f"SKIP: {check} is not installed (Debian package prometheus)")
        return SKIP
    with tempfile.TemporaryDirectory(prefix="latchkey-metrics-") as work:
        with open(os.path.join(work, "server.log"), "w") as log:
            server = Server(binary, os.path.join(work, "data-server"), log)
            try:
                (check_promtool if check == "promtool" else check_prometheus)(server, work)
            finally:
                server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
