#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, and runs every test
# through CTest inside a private D-Bus session with an unlocked gnome-keyring,
# a throwaway HOME and runtime directory, so nothing touches the user's own.
# Extra arguments go to ctest (e.g. -R TestSessionManager).
set -euo pipefail
source "$(dirname "$0")/common.sh"

install_missing_packages
install_npm_if_missing
build_all
say "Running the tests"
cd "$LATCHKEY_BUILD"
run_in_private_session ctest --output-on-failure --parallel "$(nproc)" "$@"
