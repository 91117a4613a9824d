#!/usr/bin/env bash
# The main job: installs what is missing, builds, and starts the reference
# server on 127.0.0.1:8765 (extra arguments go to latchkey-server).
set -euo pipefail
source "$(dirname "$0")/common.sh"

install_missing_packages
build_all
say "Starting latchkey-server (Ctrl+C stops it)"
exec "$LATCHKEY_BUILD/server/latchkey-server" "$@"
