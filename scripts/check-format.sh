#!/usr/bin/env bash
# Checks that the C++ sources follow .clang-format (clang-format-14): lists
# the files that do not and exits 1. With --fix, rewrites them in place.
#   scripts/check-format.sh [--fix] [files...]   (default: every *.cpp and *.h
#   under core ui app server tests bench that git knows)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

fix=0
if [ "${1:-}" = "--fix" ]; then
  fix=1
  shift
fi
given=()
for f in "$@"; do given+=("$(realpath "$f")"); done
cd "$root"
formatter=${CLANG_FORMAT:-clang-format-14}
if ! command -v "$formatter" >/dev/null 2>&1; then
  echo "check-format: $formatter is missing (apt-get install clang-format-14)" >&2
  exit 2
fi

if [ ${#given[@]} -gt 0 ]; then
  files=("${given[@]}")
else
  mapfile -t files < <(git ls-files -- 'core/*.cpp' 'core/*.h' 'ui/*.cpp' 'ui/*.h' 'app/*.cpp' 'app/*.h' \
    'server/*.cpp' 'server/*.h' 'tests/*.cpp' 'tests/*.h' 'bench/*.cpp' 'bench/*.h' | grep -v '/node_modules/')
fi
if [ ${#files[@]} -eq 0 ]; then
  echo "check-format: no C++ files found (run it inside the git checkout)" >&2
  exit 2
fi

if [ $fix -eq 1 ]; then
  printf '%s\0' "${files[@]}" | xargs -0 -r -n 50 "$formatter" --style=file -i
  echo "check-format: formatted ${#files[@]} files"
  exit 0
fi

unformatted=()
for f in "${files[@]}"; do
  if ! "$formatter" --style=file --dry-run --Werror "$f" >/dev/null 2>&1; then
    unformatted+=("$f")
  fi
done
if [ ${#unformatted[@]} -gt 0 ]; then
  printf '%s\n' "${unformatted[@]}"
  echo "check-format: ${#unformatted[@]} of ${#files[@]} files differ from .clang-format;" \
    "scripts/check-format.sh --fix rewrites them" >&2
  exit 1
fi
echo "check-format: ${#files[@]} files follow .clang-format"
