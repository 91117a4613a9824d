#!/bin/sh
# Runs e2e.py the way a desktop runs the app: a real X server (Xvfb), a
# private D-Bus session with an unlocked gnome-keyring and the AT-SPI bus,
# a throwaway HOME. Installs the browser driver (playwright-core) on first use.
#   run-e2e.sh BUILD_DIR
#   run-e2e.sh --check-display   starts the suite's X server, waits until it
#                                answers, says how long that took, stops it
# LATCHKEY_E2E_DISPLAY_TIMEOUT: seconds the display has to answer (60).
#
# The X server is started here, not by xvfb-run (issue 19: on a fresh machine
# the first app once could not connect):
#  - -noreset: by default an X server resets when its last client disconnects,
#    and a client that connects during the reset is refused ("could not connect
#    to display"). Between two apps, or right after a readiness check (the
#    xdotool loop here was one), the display often has no client.
#  - -displayfd: Xvfb writes its display number there once it accepts clients.
#    With it Xvfb takes no /tmp/.X*-lock and ignores a stale one (xvfb-run -a
#    skips any number with a lock file, live or not); a dead server's socket
#    file it replaces, a live server's socket makes it exit, and the next
#    number is tried.
#  - the cookie is a wildcard entry of the Xauthority file (any host name, any
#    display number), so every client finds it whichever number Xvfb got.
#  - then a real X client (libxcb, as Qt's xcb plugin connects) must connect
#    with the DISPLAY and XAUTHORITY the app gets; if it never does, the suite
#    stops, saying what it knows: display, Xauthority, Xvfb's state and log.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
case "${1:-}" in
    "") echo "usage: run-e2e.sh BUILD_DIR | --check-display" >&2; exit 2 ;;
    --check-display) build= ;;
    *) build=$(cd "$1" && pwd) ;;
esac
if [ -n "$build" ] && [ ! -d "$here/node_modules/playwright-core" ]; then
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

work=$(mktemp -d /tmp/latchkey-e2e.XXXXXX)
mkdir -m 700 "$work/home" "$work/run"
xvfb=
cleanup() {
    if [ -n "$xvfb" ] && kill -0 "$xvfb" 2>/dev/null; then
        kill -TERM "$xvfb" 2>/dev/null || true
        kill -CONT "$xvfb" 2>/dev/null || true
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            [ "$(process_state "$xvfb")" != "not running" ] || break
            sleep 0.2
        done
        kill -KILL "$xvfb" 2>/dev/null || true
        wait "$xvfb" 2>/dev/null || true
    fi
    # An Xvfb that takes a lock (Debian 12's does not with -displayfd) leaves it when killed.
    if [ -n "$xvfb" ] && [ "$(tr -cd 0-9 2>/dev/null <"/tmp/.X$number-lock" || true)" = "$xvfb" ]; then
        rm -f "/tmp/.X$number-lock" "/tmp/.X11-unix/X$number"
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

now_ms() { date +%s%3N; }
started=$(now_ms)
deadline=$((started + ${LATCHKEY_E2E_DISPLAY_TIMEOUT:-60} * 1000))
xvfb_log="$work/xvfb.log"
: >"$xvfb_log"

# A process's state: running, stopped (SIGSTOP), or gone.
process_state() {
    state=$(sed -n 's/^[0-9]* (.*) \(.\) .*/\1/p' "/proc/$1/stat" 2>/dev/null || true)
    case "$state" in
        "" | Z | X) echo "not running" ;;
        T | t) echo "alive but stopped (state $state: SIGSTOP or a debugger)" ;;
        *) echo "alive (state $state)" ;;
    esac
}

display_failed() {
    {
        echo "run-e2e.sh: the X display never answered: $1"
        echo "  DISPLAY=${DISPLAY:-unset (Xvfb :$number has not said it is ready)}"
        echo "  XAUTHORITY=${XAUTHORITY:-unset}"
        if [ -n "${XAUTHORITY:-}" ]; then
            xauth -f "$XAUTHORITY" list 2>&1 | sed 's/[0-9a-f]\{32\}/<cookie>/; s/^/    /'
        fi
        if [ -n "$xvfb" ]; then
            echo "  Xvfb (pid $xvfb): $(process_state "$xvfb")"
        fi
        if [ -n "${probe_said:-}" ]; then
            echo "  the last connection attempt (libxcb): $probe_said"
        fi
        if [ -n "${DISPLAY:-}" ] && command -v xdotool >/dev/null 2>&1; then
            echo "  what an Xlib client (xdotool) says:"
            xdotool_status=0
            xdotool_said=$(timeout -k 1 3 xdotool getdisplaygeometry 2>&1) || xdotool_status=$?
            [ "$xdotool_status" -ne 124 ] || xdotool_said="nothing: no answer within 3 s"
            echo "$xdotool_said" | sed 's/^/    /'
        fi
        echo "  Xvfb's log:"
        sed 's/^/    /' "$xvfb_log"
    } >&2
    exit 1
}

unset DISPLAY  # never the desktop's own display
number=140
command -v Xvfb >/dev/null 2>&1 || display_failed "no Xvfb (Debian package xvfb)"
command -v xauth >/dev/null 2>&1 || display_failed "no xauth (Debian package xauth)"
export XAUTHORITY="$work/Xauthority"
: >"$XAUTHORITY"
cookie=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
# family ffff (FamilyWild), no address, no display number, MIT-MAGIC-COOKIE-1.
echo "ffff 0000  0000  0012 4d49542d4d414749432d434f4f4b49452d31 0010 $cookie" | xauth -f "$XAUTHORITY" nmerge -
# If this script is killed outright (a CTest timeout), Xvfb goes with it.
pdeathsig=
if command -v setpriv >/dev/null 2>&1; then pdeathsig="setpriv --pdeathsig TERM"; fi

# Start Xvfb at :140 (TestTermsHelper's xvfb-run displays start at :120) or
# the next number that is free; wait until it says it accepts clients.
failed_starts=0
ready=
while [ -z "$ready" ]; do
    lock_pid=$(tr -cd 0-9 2>/dev/null <"/tmp/.X$number-lock" || true)
    if [ -n "$lock_pid" ] && [ -d "/proc/$lock_pid" ] && [ "$number" -lt 240 ]; then
        number=$((number + 1))  # a live server has this one
        continue
    fi
    : >"$work/displayfd"
    echo "--- Xvfb :$number" >>"$xvfb_log"
    $pdeathsig Xvfb ":$number" -screen 0 1280x900x24 -nolisten tcp -noreset -auth "$XAUTHORITY" \
        -displayfd 3 3>"$work/displayfd" >>"$xvfb_log" 2>&1 &
    xvfb=$!
    while :; do
        if grep -q '^[0-9][0-9]*$' "$work/displayfd" 2>/dev/null; then
            ready=1
            break
        fi
        if [ "$(process_state "$xvfb")" = "not running" ]; then
            status=0
            wait "$xvfb" || status=$?
            echo "--- Xvfb :$number exited with status $status before it was ready" >>"$xvfb_log"
            xvfb=
            failed_starts=$((failed_starts + 1))
            [ "$failed_starts" -lt 5 ] || display_failed "Xvfb exited $failed_starts times before it was ready (:140 to :$number)"
            number=$((number + 1))
            break
        fi
        [ "$(now_ms)" -lt "$deadline" ] ||
            display_failed "Xvfb :$number did not report ready (-displayfd) within ${LATCHKEY_E2E_DISPLAY_TIMEOUT:-60} s"
        sleep 0.05
    done
done
DISPLAY=":$(head -n 1 "$work/displayfd")"
export DISPLAY

# Connects as Qt's xcb platform plugin does; exits with 10 + xcb's error
# (0: connected; 11: XCB_CONN_ERROR), 1 on any Python error.
xcb_probe='
import ctypes, sys
try:
    xcb = ctypes.CDLL("libxcb.so.1")
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
except Exception as error:
    sys.exit(f"cannot load libxcb: {error}")  # status 1, as any Python error
connection = xcb.xcb_connect(None, None)
error = xcb.xcb_connection_has_error(connection)
xcb.xcb_disconnect(connection)
sys.exit(10 + error if error else 0)'
while :; do
    probe_status=0
    wait_s=$(((deadline - $(now_ms)) / 1000 + 1))
    [ "$wait_s" -le 5 ] || wait_s=5
    [ "$wait_s" -ge 1 ] || wait_s=1  # timeout 0 would wait forever
    probe_out=$(timeout -k 1 "$wait_s" /usr/bin/python3 -c "$xcb_probe" 2>&1) || probe_status=$?
    [ "$probe_status" -eq 0 ] && break
    [ "$(process_state "$xvfb")" != "not running" ] || display_failed "Xvfb exited after it said it was ready"
    case "$probe_status" in
        11) probe_said="refused or the connection broke (XCB_CONN_ERROR: no server, or the cookie was not accepted)" ;;
        124 | 137) probe_said="no answer within $wait_s s (the socket accepts, the server does not reply)" ;;
        *) probe_said="exit status $probe_status: $probe_out" ;;
    esac
    [ "$(now_ms)" -lt "$deadline" ] ||
        display_failed "no X client could connect to $DISPLAY within ${LATCHKEY_E2E_DISPLAY_TIMEOUT:-60} s"
    sleep 0.1
done
echo "e2e: X display $DISPLAY (Xvfb pid $xvfb) answers after $(($(now_ms) - started)) ms"
[ -n "$build" ] || exit 0

status=0
HOME="$work/home" XDG_RUNTIME_DIR="$work/run" \
    dbus-run-session -- sh -c '
        printf test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
        /usr/libexec/at-spi-bus-launcher --launch-immediately >/dev/null 2>&1 &
        exec /usr/bin/python3 "$1/e2e.py" "$2"' sh "$here" "$build" || status=$?
if [ -d "$build/e2e" ]; then cp "$xvfb_log" "$build/e2e/xvfb.log" || true; fi
exit $status
