#!/usr/bin/env python3
"""Start-up time and idle memory of the app against a hello-world Qt Widgets
window (bench/HelloWindow.cpp, built the same way), side by side in one run,
under one Xvfb. Prints medians; judges nothing.

  startup-bench.py BUILD_DIR [--runs 10]

Run inside a private D-Bus session with an unlocked keyring (scripts/bench.sh
does that: run_in_private_session). Definitions:
- time to first visible window: from just before exec to the first frame of
  the first top-level window, as both programs print it themselves with
  LATCHKEY_BENCH_FIRST_FRAME (app/FirstFrameProbe.h: the event loop's turn
  after the first Expose), on the same CLOCK_MONOTONIC;
- idle RSS: VmRSS of the process 3 s after that first frame;
- exec to main, main to frame: the first figure split where main() begins
  (the dynamic loader's share: libraries mapped, relocated, initialized);
- the app runs against a latchkey-server --qa on 127.0.0.1: signed out (no
  session stored) and signed in (a session stored first by
  latchkey-bench-prepare-session, restored from the keychain at start);
- the terms helper: latchkey-terms showing the server's terms as a window of
  its own, RSS of it and of its WebEngine child processes once painted.
The runs alternate between the programs, in a new order each round, so that
all see the same machine.
"""
import argparse, os, random, shutil, signal, socket, statistics, subprocess, sys, tempfile, threading, time, urllib.request


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid):
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return out + [g for c in out for g in children(c)]


def start_xvfb():
    read, write = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
                            pass_fds=[write], stderr=subprocess.DEVNULL)
    os.close(write)
    display = b""
    while not display.endswith(b"\n"):
        chunk = os.read(read, 16)
        if not chunk:
            sys.exit("Xvfb did not start")
        display += chunk
    os.close(read)
    return xvfb, ":" + display.decode().strip()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(build, data):
    port = free_port()
    server = subprocess.Popen([os.path.join(build, "server/latchkey-server"), "--qa", "--listen", f"127.0.0.1:{port}",
                               "--data-dir", data, "--log-level", "error"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    issuer = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(issuer + "/.well-known/openid-configuration", timeout=1).read()
            return server, issuer
        except OSError:
            time.sleep(0.05)
    sys.exit("latchkey-server did not start")


def run_once(command, env):
    """Returns (ms to first frame, idle RSS in kB 3 s later, ms to main())."""
    env = dict(env, LATCHKEY_BENCH_FIRST_FRAME="1")
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    first, entered = [], []
    def read():
        for line in process.stderr:
            if line.startswith("main ") and not entered:
                entered.append(float(line.split()[1]))
            if line.startswith("first-frame ") and not first:
                first.append(float(line.split()[1]))
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + 20
    while not first and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.005)
    if not first:
        process.kill()
        sys.exit(f"no first frame from {command[0]}")
    time.sleep(max(0.0, first[0] + 3.0 - time.monotonic()))
    rss = rss_kb(process.pid)
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    return (first[0] - started) * 1000.0, rss, ((entered or first)[0] - started) * 1000.0


def helper_memory(build, issuer, env):
    """latchkey-terms with the server's terms on screen: its RSS and its children's, in kB."""
    helper = subprocess.Popen([os.path.join(build, "libexec/latchkey-terms")], env=env, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)
    helper.stdin.write(f"title Terms\nload {issuer}/terms\nshow\n")
    helper.stdin.flush()
    painted = False
    for line in helper.stdout:
        if line.startswith("painted"):
            painted = True
            break
        if line.startswith("error"):
            break
    time.sleep(3)
    own, tree = rss_kb(helper.pid), sum(rss_kb(c) for c in children(helper.pid))
    helper.stdin.close()  # as when the wizard closes: the helper quits
    started = time.monotonic()
    helper.wait(10)
    return painted, own, tree, (time.monotonic() - started) * 1000.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    build = os.path.abspath(args.build)
    if "DBUS_SESSION_BUS_ADDRESS" not in os.environ:
        sys.exit("run inside a private D-Bus session with an unlocked keyring (scripts/bench.sh)")
    work = tempfile.mkdtemp(prefix="latchkey-startup-bench.")
    xvfb, display = start_xvfb()
    server, issuer = start_server(build, os.path.join(work, "server"))
    try:
        base = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
        base.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", XDG_RUNTIME_DIR=os.environ.get("XDG_RUNTIME_DIR", work))
        homes = {name: os.path.join(work, name) for name in ("hello", "signed-out", "signed-in")}
        for home in homes.values():
            os.makedirs(home)
        prepared = subprocess.run([os.path.join(build, "bench/latchkey-bench-prepare-session"), issuer],
                                  env=dict(base, HOME=homes["signed-in"], QT_QPA_PLATFORM="offscreen"))
        if prepared.returncode != 0:
            sys.exit("could not store a session for the signed-in runs")
        app = os.path.join(build, "app/latchkey")
        programs = {
            "hello-world window": ([os.path.join(build, "bench/latchkey-bench-hello")], homes["hello"]),
            "latchkey, signed out": ([app, "--issuer", issuer], homes["signed-out"]),
            "latchkey, signed in": ([app, "--issuer", issuer], homes["signed-in"]),
        }
        results = {name: [] for name in programs}
        order = list(programs)
        shuffle = random.Random(12)  # the same order every time the bench runs
        for _ in range(args.runs):
            # Whichever program runs right after another one's exit starts
            # slower (seen as a steady 15-20 ms); a new order each round and a
            # pause spread that over all of them.
            shuffle.shuffle(order)
            for name in order:
                time.sleep(0.5)
                command, home = programs[name]
                results[name].append(run_once(command, dict(base, HOME=home)))
        painted, helper_own, helper_tree, quit_ms = helper_memory(build, issuer, dict(base, HOME=homes["hello"]))
    finally:
        server.terminate()
        server.wait()
        xvfb.terminate()
        xvfb.wait()
        shutil.rmtree(work, ignore_errors=True)

    hello_ms = statistics.median(r[0] for r in results["hello-world window"])
    hello_kb = statistics.median(r[1] for r in results["hello-world window"])
    print(f"Start-up under Xvfb, medians of {args.runs} runs each, alternating ({os.cpu_count()} cores)")
    print(f"{'program':<24} {'first window':>13} {'x hello':>8} {'middle half':>12} {'idle RSS':>10} {'x hello':>8}"
          f"   {'exec to main':>12} {'main to frame':>14}")
    for name, runs in results.items():
        ms = statistics.median(r[0] for r in runs)
        # The first window's 25th to 75th percentile: on a shared virtual
        # machine single runs jump by 5-10 ms (both programs alike).
        low, _, high = statistics.quantiles([r[0] for r in runs], n=4) if len(runs) > 1 else (ms, ms, ms)
        kb = statistics.median(r[1] for r in runs)
        to_main = statistics.median(r[2] for r in runs)
        in_main = statistics.median(r[0] - r[2] for r in runs)
        print(f"{name:<24} {ms:>10.0f} ms {ms / hello_ms:>7.2f}x {low:>6.0f}-{high:<3.0f}ms {kb / 1024:>7.1f} MB "
              f"{kb / hello_kb:>7.2f}x   {to_main:>9.1f} ms {in_main:>11.1f} ms")
    print(f"latchkey-terms, terms painted: {'yes' if painted else 'NO'}; its RSS {helper_own / 1024:.1f} MB, "
          f"its WebEngine processes {helper_tree / 1024:.1f} MB; quit {quit_ms:.0f} ms after its stdin closed")


if __name__ == "__main__":
    main()
