#!/usr/bin/env python3
"""What the connection guard costs and protects, side by side in one run:
the server's resident memory before and after a 200 MB POST (refused with 413
before it is held), and a full sign-in from 127.0.0.1 alone and then while
another address (127.0.0.2) holds 200 slow connections open.
    guard-bench.py BUILD_DIR"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

build = sys.argv[1] if len(sys.argv) > 1 else "build"


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


def sign_in(issuer):
    """authorize -> QA persona -> code at a loopback URI (not listened on) -> tokens; seconds taken."""
    opener = urllib.request.build_opener(NoRedirect)
    started = time.monotonic()
    verifier = "v" * 43
    import base64, hashlib
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    redirect = "http://127.0.0.1:9/callback"
    query = urllib.parse.urlencode({"response_type": "code", "client_id": "latchkey-desktop", "redirect_uri": redirect,
                                    "scope": "openid profile email offline_access", "state": "s", "nonce": "n",
                                    "code_challenge": challenge, "code_challenge_method": "S256",
                                    "provider": "github"})
    try:
        opener.open(f"{issuer}/authorize?{query}")
    except urllib.error.HTTPError as hop:
        request = urllib.parse.parse_qs(urllib.parse.urlparse(hop.headers["Location"]).query)["request"][0]
    form = urllib.parse.urlencode({"request": request, "persona": "returning"}).encode()
    try:
        opener.open(f"{issuer}/signin/github", data=form)
    except urllib.error.HTTPError as hop:
        code = urllib.parse.parse_qs(urllib.parse.urlparse(hop.headers["Location"]).query)["code"][0]
    body = urllib.parse.urlencode({"grant_type": "authorization_code", "code": code, "redirect_uri": redirect,
                                   "client_id": "latchkey-desktop", "code_verifier": verifier}).encode()
    with urllib.request.urlopen(f"{issuer}/token", data=body) as reply:
        assert reply.status == 200
    return time.monotonic() - started


def post_200_mb(port):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"POST /token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
              b"Content-Length: 209715200\r\n\r\n")
    chunk, sent = b"a" * 65536, 0
    try:
        while sent < 209715200:
            s.sendall(chunk)
            sent += len(chunk)
    except OSError:
        pass
    s.settimeout(3)
    try:
        status = s.recv(100).split(b"\r\n")[0].decode()
    except OSError:
        status = "(no answer)"
    s.close()
    return sent, status


def main():
    data = tempfile.mkdtemp(prefix="latchkey-guard-bench.")
    server = subprocess.Popen([os.path.join(build, "server", "latchkey-server"), "--qa", "--listen", "127.0.0.1:0",
                               "--data-dir", data, "--log-level", "warning"], stdout=subprocess.PIPE, text=True)
    try:
        issuer = next(line.split()[1] for line in server.stdout if line.startswith("issuer: "))
        port = int(issuer.rsplit(":", 1)[1])
        sign_in(issuer)  # warm up
        before = rss_kib(server.pid)
        sent, status = post_200_mb(port)
        after = rss_kib(server.pid)
        print(f"200 MB POST: {status}, {sent / 1048576:.0f} MB sent before the server stopped reading; "
              f"RSS {before / 1024:.1f} MB -> {after / 1024:.1f} MB (+{(after - before) / 1024:.1f} MB)")
        alone = sorted(sign_in(issuer) for _ in range(10))
        slow = []
        for _ in range(200):
            s = socket.socket()
            s.bind(("127.0.0.2", 0))
            s.connect(("127.0.0.1", port))
            s.sendall(b"GET / HTTP/1.1\r\n")
            slow.append(s)
        flooded = sorted(sign_in(issuer) for _ in range(10))
        print(f"sign-in alone:                             median {alone[5] * 1000:6.1f} ms  max {alone[-1] * 1000:6.1f} ms")
        print(f"sign-in with 200 slow connections elsewhere: median {flooded[5] * 1000:6.1f} ms  max {flooded[-1] * 1000:6.1f} ms")
        for s in slow:
            s.close()
    finally:
        server.terminate()
        server.wait()
        subprocess.run(["rm", "-rf", data])


main()
