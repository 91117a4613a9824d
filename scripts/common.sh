# Shared by the project's scripts: package installation and the build.
# Sourced, not run.

LATCHKEY_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LATCHKEY_BUILD=${LATCHKEY_BUILD:-$LATCHKEY_ROOT/build}
# clang with AddressSanitizer, UndefinedBehaviorSanitizer and the fuzz targets.
LATCHKEY_ASAN_BUILD=${LATCHKEY_ASAN_BUILD:-$LATCHKEY_ROOT/build-asan}

# Debian 12 packages: build tools, Qt 6.4 and OpenSSL, and what the tests run
# (a private D-Bus session with gnome-keyring's Secret Service, Xvfb and xdotool
# for real key presses into the terms helper's window, and fonts
# for the CJK and emoji of the QA personas, so screenshots show no boxes),
# and clang with its sanitizer and libFuzzer runtimes (and llvm-symbolizer for
# readable reports) for build-asan; clang-format-14 for scripts/check-format.sh;
# python3-pexpect (a terminal for TestCommandLine) and faketime (its callers
# after the access token ran out);
# PostgreSQL 15 with postgresql-common's pg_virtualenv, which gives the server
# suites a throwaway cluster, and Qt's driver for it; nginx-light (the reverse
# proxy in front of two instances in the deployment tests, and TLS in front of
# the server in TestProxyAndTls), tinyproxy (the proxy, with BasicAuth, of
# TestProxyAndTls) and prometheus
# (promtool and a real scraper for /metrics).
LATCHKEY_PACKAGES=(
  cmake g++ ninja-build pkg-config curl
  qt6-base-dev qt6-base-dev-tools qt6-httpserver-dev qt6-websockets-dev libfontconfig-dev
  qt6-webengine-dev qtkeychain-qt6-dev libqt6sql6-sqlite libqt6sql6-psql libssl-dev
  postgresql-15 postgresql-common
  qt6-tools-dev qt6-l10n-tools qt6-translations-l10n
  xvfb xauth dbus dbus-x11 gnome-keyring libsecret-tools xdotool
  fonts-dejavu-core fonts-wqy-microhei fonts-noto-color-emoji
  chromium python3-pyatspi at-spi2-core imagemagick nodejs python3-pexpect faketime
  dpkg-dev file lintian desktop-file-utils appstream
  clang-14 libclang-rt-14-dev llvm-14 clang-format-14
  nginx-light prometheus tinyproxy
)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs the packages that are missing; does nothing when all are there.
install_missing_packages() {
  local missing=()
  for pkg in "${LATCHKEY_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    say "All ${#LATCHKEY_PACKAGES[@]} required packages are installed"
    return 0
  fi
  say "Installing ${#missing[@]} missing packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The end-to-end browser driver comes from npm; some Node.js packagings ship npm apart.
install_npm_if_missing() {
  command -v npm >/dev/null 2>&1 && return 0
  say "Installing npm"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null
}

# Configures (once) and builds everything into $LATCHKEY_BUILD.
build_all() {
  local werror=OFF
  [ "${CI:-}" = "true" ] && werror=ON
  if [ ! -f "$LATCHKEY_BUILD/build.ninja" ]; then
    say "Configuring in $LATCHKEY_BUILD"
    cmake -S "$LATCHKEY_ROOT" -B "$LATCHKEY_BUILD" -G Ninja \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr -DLATCHKEY_WERROR=$werror >/dev/null
  fi
  say "Building"
  cmake --build "$LATCHKEY_BUILD" --parallel "$(nproc)"
}

# Configures (once) and builds $LATCHKEY_ASAN_BUILD: clang 14 with
# -fsanitize=address,undefined and libFuzzer's instrumentation, the client
# core without its Widgets UI, app or WebEngine, no benchmarks. Niced: it
# shares the machine with whatever else builds.
build_sanitized() {
  local werror=OFF
  [ "${CI:-}" = "true" ] && werror=ON
  if [ ! -f "$LATCHKEY_ASAN_BUILD/build.ninja" ]; then
    say "Configuring in $LATCHKEY_ASAN_BUILD (clang, AddressSanitizer, UndefinedBehaviorSanitizer, libFuzzer)"
    CXX=clang++-14 cmake -S "$LATCHKEY_ROOT" -B "$LATCHKEY_ASAN_BUILD" -G Ninja \
      -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" -DLATCHKEY_FUZZ=ON \
      -DLATCHKEY_BUILD_UI=OFF -DLATCHKEY_BUILD_BENCH=OFF -DLATCHKEY_WERROR=$werror >/dev/null
  fi
  say "Building with sanitizers"
  nice -n 10 cmake --build "$LATCHKEY_ASAN_BUILD" --parallel "$(nproc)"
}

# The sanitizers' settings for the tests and fuzz targets of build-asan: leak
# checking on, any report fatal, leaks inside system libraries (only those)
# suppressed by tests/sanitizers/lsan.supp.
export_sanitizer_options() {
  export ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  export LSAN_OPTIONS=suppressions=$LATCHKEY_ROOT/tests/sanitizers/lsan.supp:print_suppressions=0
  export ASAN_SYMBOLIZER_PATH=/usr/bin/llvm-symbolizer-14
}

# Put before a command, runs it with a throwaway PostgreSQL 15 cluster on a
# free loopback port (PGHOST, PGPORT, PGUSER and PGPASSWORD say where),
# removed when the command ends. The server suites run on it and on SQLite.
# -t: the cluster's files in a temporary directory even as root, so two runs
# at once (two checkouts on one machine) do not both claim /etc/postgresql/15/regress.
WITH_POSTGRESQL=(pg_virtualenv -t -v 15)

# Runs a command inside a private D-Bus session with an unlocked gnome-keyring,
# a throwaway HOME and runtime directory: tests and benchmarks never touch
# the user's own keychain or settings.
run_in_private_session() {
  local sandbox status=0
  sandbox=$(mktemp -d /tmp/latchkey-session.XXXXXX)
  mkdir -m 700 "$sandbox/home" "$sandbox/runtime"
  HOME="$sandbox/home" XDG_RUNTIME_DIR="$sandbox/runtime" \
    dbus-run-session -- sh -c '
      printf test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
      exec "$@"' sh "$@" || status=$?
  rm -rf "$sandbox"
  return $status
}
