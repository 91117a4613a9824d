#!/bin/sh
# Runs a test in a D-Bus session of its own, with a throwaway HOME and
# runtime directory, so it can break the keychain without touching the
# session the other tests share.
#   isolated-keyring.sh no-service TEST   a bus on which no Secret Service exists
#   isolated-keyring.sh unlocked TEST     gnome-keyring with an unlocked login keyring
#                                         (password "test"); the test may lock it
set -eu
mode=$1
shift
dir=$(mktemp -d /tmp/latchkey-keyring.XXXXXX)
trap 'rm -rf "$dir"' EXIT
mkdir -m 700 "$dir/home" "$dir/run"
export HOME="$dir/home" XDG_RUNTIME_DIR="$dir/run"
status=0
case $mode in
no-service)
    # No <servicedir>: nothing can be activated, org.freedesktop.secrets included.
    cat > "$dir/bus.conf" <<CONF
<busconfig>
  <type>session</type>
  <listen>unix:dir=$dir/run</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
    dbus-run-session --config-file="$dir/bus.conf" -- "$@" || status=$?
    ;;
unlocked)
    dbus-run-session -- sh -c 'printf test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
                               exec "$@"' sh "$@" || status=$?
    ;;
*)
    echo "isolated-keyring.sh: unknown mode $mode" >&2
    exit 2
    ;;
esac
exit $status
