#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, and runs every test
# through CTest inside a private D-Bus session with an unlocked gnome-keyring,
# a throwaway HOME and runtime directory, so nothing touches the user's own.
set -euo pipefail
source "$(dirname "$0")/common.sh"

install_missing_packages
build_all

sandbox=$(mktemp -d /tmp/latchkey-test.XXXXXX)
trap 'rm -rf "$sandbox"' EXIT
mkdir -m 700 "$sandbox/home" "$sandbox/runtime"
say "Running the tests"
cd "$LATCHKEY_BUILD"
HOME="$sandbox/home" XDG_RUNTIME_DIR="$sandbox/runtime" \
  dbus-run-session -- sh -c '
    printf test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    exec ctest --output-on-failure --parallel "$(nproc)" "$@"' sh "$@"
