#!/usr/bin/python3
"""Builds the Debian packages from a finished build and checks them as an
installer would: lintian without errors, the desktop and AppStream files
valid, every dependency satisfiable here, dpkg unpacking both into a fresh
root, and the installed programs running from there, the server answering
its discovery document.

Usage: test_packages.py BUILD_DIR
"""
import glob
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import urllib.request

BUILD = os.path.abspath(sys.argv[1])
checks_passed, checks_failed = 0, 0


def check(name, ok, detail=""):
    global checks_passed, checks_failed
    if ok:
        checks_passed += 1
        print(f"PASS   {name}")
    else:
        checks_failed += 1
        print(f"FAIL!  {name}: {detail}")


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, **kwargs)


def installed_version(package):
    result = run(["dpkg-query", "-W", "-f", "${Status}|${Version}", package])
    status, _, version = result.stdout.partition("|")
    return version if result.returncode == 0 and status.endswith("installed") else None


def satisfied(alternative):
    match = re.fullmatch(r"\s*([a-z0-9.+-]+)(?:\s*\(\s*([<>=]+)\s*([^)]+)\))?\s*", alternative)
    if not match:
        return False
    package, relation, wanted = match.groups()
    version = installed_version(package)
    if version is None:
        return False
    if not relation:
        return True
    operator = {">=": "ge", "<=": "le", "=": "eq", ">>": "gt", "<<": "lt"}[relation]
    return run(["dpkg", "--compare-versions", version, operator, wanted.strip()]).returncode == 0


def scratch(work, name):
    path = os.path.join(work, name)
    os.makedirs(path)
    return path


def main():
    # Everything this test writes lives here and goes when it ends.
    with tempfile.TemporaryDirectory(prefix="latchkey-packaging.") as work:
        check_packages(work)
    print(f"packaging: {checks_passed} passed, {checks_failed} failed")
    return 0 if checks_failed == 0 else 1


def check_packages(work):
    out = scratch(work, "packages")
    built = run(["cpack", "-G", "DEB", "--config", os.path.join(BUILD, "CPackConfig.cmake"), "-B", out])
    debs = sorted(glob.glob(os.path.join(out, "*.deb")))
    check("cpack builds two packages", built.returncode == 0 and len(debs) == 2, built.stdout + built.stderr)
    names = {run(["dpkg-deb", "-f", deb, "Package"]).stdout.strip(): deb for deb in debs}
    check("package names", set(names) == {"latchkey", "latchkey-server"}, str(names))

    for name, deb in names.items():
        print(f"{name}: {os.path.getsize(deb) / 1024:.0f} KiB, "
              f"{run(['dpkg-deb', '-f', deb, 'Installed-Size']).stdout.strip()} KiB installed")
        lint = run(["lintian", "--fail-on", "error", "--no-tag-display-limit", deb])
        check(f"lintian {name}: no errors", lint.returncode == 0, lint.stdout + lint.stderr)
        for line in lint.stdout.splitlines():
            print(f"       lintian: {line}")
        depends = run(["dpkg-deb", "-f", deb, "Depends"]).stdout.strip()
        for dependency in filter(None, (d.strip() for d in depends.split(","))):
            check(f"{name} depends on {dependency}",
                  any(satisfied(alt) for alt in dependency.split("|")), "not satisfiable on this system")

    # A fresh root with its own dpkg database: unpack registers every file
    # (and the conffile) without running maintainer scripts on this machine.
    root = scratch(work, "root")
    os.makedirs(os.path.join(root, "var/lib/dpkg/info"))
    os.makedirs(os.path.join(root, "var/lib/dpkg/updates"))
    open(os.path.join(root, "var/lib/dpkg/status"), "w").close()
    for name, deb in names.items():
        unpacked = run(["dpkg", "--root", root, "--force-depends", "--force-not-root", "--unpack", deb])
        check(f"dpkg unpacks {name} into a fresh root", unpacked.returncode == 0, unpacked.stderr)
        listed = run(["dpkg", "--root", root, "-L", name]).stdout.split()
        # Until "configure", dpkg keeps a new conffile beside its final name.
        missing = [p for p in listed if not os.path.lexists(os.path.join(root, p.lstrip("/")))
                   and not os.path.lexists(os.path.join(root, p.lstrip("/") + ".dpkg-new"))]
        check(f"every file of {name} is installed", listed and not missing, str(missing))
    conffiles = open(os.path.join(root, "var/lib/dpkg/info/latchkey-server.conffiles")).read()
    check("the server's configuration is a conffile", "/etc/latchkey-server/latchkey-server.conf" in conffiles, conffiles)

    usr = os.path.join(root, "usr")
    desktop = os.path.join(usr, "share/applications/org.latchkey.Latchkey.desktop")
    check("desktop-file-validate", run(["desktop-file-validate", desktop]).returncode == 0, desktop)
    metainfo = os.path.join(usr, "share/metainfo/org.latchkey.Latchkey.metainfo.xml")
    appstream = run(["appstreamcli", "validate", "--no-net", metainfo])
    check("appstreamcli validate", appstream.returncode == 0, appstream.stdout)
    check("icon in the hicolor theme", os.path.exists(os.path.join(usr, "share/icons/hicolor/scalable/apps/org.latchkey.Latchkey.svg")))
    check("man pages", all(os.path.exists(os.path.join(usr, f"share/man/man1/{m}.1.gz")) for m in ("latchkey", "latchkey-server")))
    helper = os.path.join(usr, "libexec/latchkey/latchkey-terms")
    check("the WebEngine terms helper, executable", os.access(helper, os.X_OK), helper)
    app_libraries = run(["ldd", os.path.join(usr, "bin/latchkey")]).stdout
    check("the app itself does not link WebEngine", "WebEngine" not in app_libraries, app_libraries)
    # Issue 12: libraries every start would load for nothing (its loopback receiver reads HTTP itself).
    check("the app does not link Qt HttpServer or WebSockets",
          "HttpServer" not in app_libraries and "WebSockets" not in app_libraries, app_libraries)
    unit = open(os.path.join(usr, "lib/systemd/system/latchkey-server.service")).read()
    check("the unit runs as its own user, hardened",
          all(k in unit for k in ("User=latchkey-server", "ProtectSystem=strict", "StateDirectory=latchkey-server",
                                  "NoNewPrivileges=yes")), unit)
    config = open(os.path.join(root, "etc/latchkey-server/latchkey-server.conf.dpkg-new")).read()
    check("the service listens on loopback only by default", "--listen 127.0.0.1:" in config, config)
    args = next((line for line in config.splitlines() if line.startswith("LATCHKEY_SERVER_ARGS=")), "")
    check("the service reads /etc/latchkey-server/providers.json",
          "--providers /etc/latchkey-server/providers.json" in args, args)
    check("the service never runs in QA mode", "--qa" not in args, args)
    example = os.path.join(usr, "share/doc/latchkey-server/examples/providers.json.example")
    check("the example providers file is installed", os.path.isfile(example), example)
    check("the unit does not retry a configuration error", "RestartPreventExitStatus=1" in unit, unit)
    template = open(os.path.join(usr, "lib/systemd/system/latchkey-server@.service")).read()
    check("the template unit runs one hardened instance per port, each with its own state",
          all(k in template for k in ("User=latchkey-server", "ProtectSystem=strict", "--listen 127.0.0.1:%i",
                                      "StateDirectory=latchkey-server/%i", "RestartPreventExitStatus=1")), template)
    suggests = run(["dpkg-deb", "-f", names["latchkey-server"], "Suggests"]).stdout
    check("the server suggests postgresql", "postgresql" in suggests, suggests)

    # As over SSH or in a script: no display, no platform plugin chosen.
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["HOME"] = scratch(work, "home")
    version = run([os.path.join(usr, "bin/latchkey"), "--version"], env=env)
    check("installed latchkey --version, no display", version.returncode == 0 and "0.1.0" in version.stdout,
          version.stdout + version.stderr)
    app_help = run([os.path.join(usr, "bin/latchkey"), "--help"], env=env)
    check("installed latchkey --help, no display", app_help.returncode == 0 and "--with-reference-server" in app_help.stdout,
          app_help.stdout + app_help.stderr)
    help_text = run([os.path.join(usr, "bin/latchkey-server"), "--help"])
    check("installed latchkey-server --help", help_text.returncode == 0 and "--listen" in help_text.stdout, help_text.stderr)

    server_binary = os.path.join(usr, "bin/latchkey-server")
    refused = run([server_binary, "--listen", "127.0.0.1:0", "--data-dir", scratch(work, "refused-data")], timeout=10)
    check("the installed server without providers and without --qa refuses to start",
          refused.returncode == 1 and "--qa" in refused.stderr and "--providers" in refused.stderr
          and "ready" not in refused.stdout, f"exit {refused.returncode}: {refused.stderr}")
    check_example_providers(work, example, server_binary)

    data = scratch(work, "server-data")
    server = subprocess.Popen([os.path.join(usr, "bin/latchkey-server"), "--qa", "--listen", "127.0.0.1:0", "--data-dir", data],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        issuer = None
        for _ in range(5):
            line = server.stdout.readline()
            if line.startswith("issuer: "):
                issuer = line.split()[1]
                break
        with urllib.request.urlopen(issuer + "/.well-known/openid-configuration", timeout=5) as reply:
            discovery = json.load(reply)
        check("the installed server answers discovery", discovery.get("issuer") == issuer, str(discovery)[:200])
    except Exception as error:
        check("the installed server answers discovery", False, str(error))
    finally:
        server.send_signal(signal.SIGTERM)
        check("the installed server stops cleanly", server.wait(10) == 0)


def check_example_providers(work, example, server_binary):
    """The shipped example is a valid providers file, once its secrets exist."""
    if not os.path.isfile(example):
        return
    secrets = scratch(work, "secrets")
    text = open(example).read()
    for path in set(re.findall(r'"client_secret_file":\s*"([^"]+)"', text)):
        local = os.path.join(secrets, os.path.basename(path))
        with open(os.open(local, os.O_WRONLY | os.O_CREAT, 0o600), "w") as secret:
            secret.write("example-secret\n")
        text = text.replace(f'"{path}"', json.dumps(local))
    providers = os.path.join(work, "providers.json")
    with open(providers, "w") as copy:
        copy.write(text)
    printed = run([server_binary, "--providers", providers, "--issuer", "https://login.example.org",
                   "--print-redirect-uris"], timeout=10)
    expected = ("google https://login.example.org/upstream/google/callback\n"
                "github https://login.example.org/upstream/github/callback\n")
    check("the example providers file is valid (--print-redirect-uris)",
          printed.returncode == 0 and printed.stdout == expected, printed.stdout + printed.stderr)


if __name__ == "__main__":
    sys.exit(main())
