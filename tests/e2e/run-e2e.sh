#!/bin/sh
# Runs e2e.py the way a desktop runs the app: a real X server (Xvfb), a
# private D-Bus session with an unlocked gnome-keyring and the AT-SPI bus,
# a throwaway HOME. Installs the browser driver (playwright-core) on first use.
#   run-e2e.sh BUILD_DIR
set -eu
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -d "$here/node_modules/playwright-core" ]; then
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
work=$(mktemp -d /tmp/latchkey-e2e.XXXXXX)
mkdir -m 700 "$work/home" "$work/run"
status=0
HOME="$work/home" XDG_RUNTIME_DIR="$work/run" \
    xvfb-run -a -n 140 -s "-screen 0 1280x900x24" dbus-run-session -- sh -c '
        # The display must answer before the first app starts (once in CI it did not yet).
        for i in $(seq 100); do xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.1; done
        printf test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
        /usr/libexec/at-spi-bus-launcher --launch-immediately >/dev/null 2>&1 &
        exec /usr/bin/python3 "$1/e2e.py" "$2"' sh "$here" "$build" || status=$?
rm -rf "$work"
exit $status
