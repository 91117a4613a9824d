#!/usr/bin/env bash
# Builds and runs the benchmarks: refresh grants and userinfo on the server,
# and the client's callback-to-signed-in time. Prints figures; judges nothing.
set -euo pipefail
source "$(dirname "$0")/common.sh"

install_missing_packages
build_all
say "Server: refresh grants and userinfo (SQLite, PostgreSQL, two instances on PostgreSQL)"
# pg_virtualenv turns fsync off. On, with synchronous_commit off, PostgreSQL
# is about as durable as the server's SQLite (WAL, synchronous=NORMAL): a
# latchkey-server crash loses nothing, a crash of the machine holding the
# data may lose the last commits (never the database's consistency).
"${WITH_POSTGRESQL[@]}" -o fsync=on -o synchronous_commit=off "$LATCHKEY_BUILD/bench/latchkey-bench-token" "$@"
say "Server: the connection guard under a 200 MB POST and 200 slow connections"
python3 "$LATCHKEY_ROOT/bench/guard-bench.py" "$LATCHKEY_BUILD"
say "Client: from the browser's redirect to signed in"
QT_QPA_PLATFORM=offscreen QT_LOGGING_RULES="*.debug=false" run_in_private_session "$LATCHKEY_BUILD/bench/latchkey-bench-signin"
say "Client: start-up time and idle memory against a hello-world window (Xvfb)"
run_in_private_session python3 "$LATCHKEY_ROOT/bench/startup-bench.py" "$LATCHKEY_BUILD"
