#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, and runs every test
# through CTest inside a private D-Bus session with an unlocked gnome-keyring,
# a throwaway HOME and runtime directory, so nothing touches the user's own,
# and with a throwaway PostgreSQL 15 cluster (pg_virtualenv) for the server
# suites' PostgreSQL rows.
# Then builds again with clang's AddressSanitizer and UndefinedBehaviorSanitizer
# (build-asan), runs the unit, server and client tests under them with leak
# checking on, and runs every fuzz target for 3 minutes in all (scripts/fuzz.sh).
# Extra arguments go to ctest (e.g. -R TestSessionManager), in both builds,
# and skip the fuzzing; LATCHKEY_SANITIZE=0 skips both sanitizer stages.
set -euo pipefail
source "$(dirname "$0")/common.sh"

# Prints how long the stage that started at $1 (in $SECONDS) took.
took() { say "$2 took $((SECONDS - $1)) s"; }

# Repeats just the failed checks last: long test logs get cut by CI viewers.
failed_checks() {
  say "Failed checks"
  grep -h -A1 -E '^(FAIL!|XPASS|QFATAL)|Traceback|^==[0-9]+==ERROR|runtime error:|^SUMMARY: ' \
    Testing/Temporary/LastTest*.log 2>/dev/null | tail -n 60 || true
}

install_missing_packages
install_npm_if_missing
start=$SECONDS
build_all
took "$start" "Building"
say "Running the tests"
cd "$LATCHKEY_BUILD"
status=0
start=$SECONDS
run_in_private_session "${WITH_POSTGRESQL[@]}" ctest --output-on-failure --parallel "$(nproc)" "$@" || status=$?
[ "$status" -ne 0 ] && failed_checks
took "$start" "Testing"

if [ "${LATCHKEY_SANITIZE:-1}" != 0 ]; then
  start=$SECONDS
  build_sanitized
  took "$start" "Building with sanitizers"
  say "Running the unit, server and client tests under AddressSanitizer and UndefinedBehaviorSanitizer"
  cd "$LATCHKEY_ASAN_BUILD"
  start=$SECONDS
  sanitized=0
  (export_sanitizer_options &&
    run_in_private_session "${WITH_POSTGRESQL[@]}" ctest --output-on-failure --parallel "$(nproc)" -L 'unit|server|client' "$@") || sanitized=$?
  [ "$sanitized" -ne 0 ] && failed_checks && status=$sanitized
  took "$start" "Testing with sanitizers"
  if [ $# -eq 0 ]; then
    start=$SECONDS
    bash "$LATCHKEY_ROOT/scripts/fuzz.sh" --ci || status=1
    took "$start" "Fuzzing"
  fi
fi
exit "$status"
