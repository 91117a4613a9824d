#!/usr/bin/env bash
# Extracts every tr() string of the client into the translation sources.
set -euo pipefail
cd "$(dirname "$0")/.."
/usr/lib/qt6/bin/lupdate -no-obsolete -locations relative ui core/client cli app \
  -ts resources/translations/latchkey_de.ts
