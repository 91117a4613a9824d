#!/bin/sh
# Renders the app's window icon from resources/icons/latchkey.svg into the
# PNG sizes the window list and task bars ask for. The PNGs are committed:
# rendering the SVG in the app would need Qt SVG (a library and a plugin
# more at every start) and the build would need rsvg-convert.
#   scripts/render-icons.sh     (needs rsvg-convert: apt install librsvg2-bin)
set -eu
icons=$(cd "$(dirname "$0")/../resources/icons" && pwd)
for size in 16 24 32 48 64 128; do
    rsvg-convert --width "$size" --height "$size" --output "$icons/latchkey-$size.png" "$icons/latchkey.svg"
done
