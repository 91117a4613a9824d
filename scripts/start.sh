#!/usr/bin/env bash
# The main job: installs what is missing, builds, then starts the reference
# server on 127.0.0.1:8765 (QA personas ready, data in a fresh directory
# removed at the end, unless LATCHKEY_DATA_DIR names one to keep; LATCHKEY_LISTEN
# changes the address) and the Latchkey app signed out
# against it. Closing the app stops the server. Extra arguments go to the app.
set -euo pipefail
source "$(dirname "$0")/common.sh"

install_missing_packages
build_all

fresh=
if [ -n "${LATCHKEY_DATA_DIR:-}" ]; then
  data=$LATCHKEY_DATA_DIR
else
  data=$(mktemp -d /tmp/latchkey-server.XXXXXX)
  fresh=$data
fi
listen=${LATCHKEY_LISTEN:-127.0.0.1:8765}
say "Starting latchkey-server on $listen (data in $data)"
# QA mode: simulated providers and personas, on loopback only (docs/qa.md).
"$LATCHKEY_BUILD/server/latchkey-server" --qa --listen "$listen" --data-dir "$data" &
server=$!
# A fresh data directory goes with the server; one named by LATCHKEY_DATA_DIR stays.
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; [ -z "$fresh" ] || rm -rf "$fresh"' EXIT
for _ in $(seq 50); do
  curl -fs "http://$listen/.well-known/openid-configuration" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "latchkey-server did not start" >&2; exit 1; }
  sleep 0.1
done

if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  say "No display: the server keeps running at http://$listen (Ctrl+C stops it)"
  wait "$server"
else
  say "Starting Latchkey"
  "$LATCHKEY_BUILD/app/latchkey" --issuer "http://$listen" "$@"
fi
