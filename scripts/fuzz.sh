#!/usr/bin/env bash
# Runs the libFuzzer targets of tests/fuzz (built into build-asan with
# AddressSanitizer and UndefinedBehaviorSanitizer) from their seeds in
# tests/fuzz/corpus/<target>/, as many at a time as there are cores.
#
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]   each target SECONDS long (default 300)
#   bash scripts/fuzz.sh --merge [SECONDS] [TARGET...]
#                                   the same, then adds the inputs that found new
#                                   coverage to tests/fuzz/corpus/<target>/ (to commit)
#   bash scripts/fuzz.sh --ci       every target, 3 minutes in all (scripts/test.sh)
#
# What the fuzzers find stays out of the repository unless --merge is given:
# new inputs go to build-asan/fuzz-corpus/<target>/ and are reused next time.
# Any crash, sanitizer report or failed FUZZ_EXPECT fails the run; its input
# is saved in build-asan/fuzz-crashes/<target>/. Once fixed, copy it into
# tests/fuzz/corpus/<target>/ as a regression input.
set -euo pipefail
source "$(dirname "$0")/common.sh"

ci=false
merge=false
seconds=300
case ${1:-} in
--ci) ci=true; shift ;;
--merge) merge=true; shift ;;
esac
if [[ ${1:-} =~ ^[0-9]+$ ]]; then
  seconds=$1
  shift
fi

if [ ! -f "$LATCHKEY_ASAN_BUILD/fuzz-targets.txt" ] || [ "$ci" = false ]; then
  build_sanitized
fi
export_sanitizer_options
fuzzers=$LATCHKEY_ASAN_BUILD/tests/fuzz
mapfile -t targets < <(if [ $# -gt 0 ]; then printf '%s\n' "$@"; else cat "$LATCHKEY_ASAN_BUILD/fuzz-targets.txt"; fi)
jobs=$(nproc)
if [ "$ci" = true ]; then
  # 180 s of wall time in all: each round runs `jobs` targets side by side.
  rounds=$(((${#targets[@]} + jobs - 1) / jobs))
  seconds=$((180 / rounds))
  corpora=$(mktemp -d /tmp/latchkey-fuzz.XXXXXX)
  trap 'rm -rf "$corpora"' EXIT
else
  corpora=$LATCHKEY_ASAN_BUILD/fuzz-corpus
fi
logs=$LATCHKEY_ASAN_BUILD/fuzz-logs
crashes=$LATCHKEY_ASAN_BUILD/fuzz-crashes
rm -rf "$logs"
mkdir -p "$logs"

# Runs one target; its output goes to fuzz-logs/<target>.log.
run_target() {
  local target=$1 seconds=$2 corpora=$3 fuzzers=$4 logs=$5 crashes=$6 root=$7
  local seeds=$root/tests/fuzz/corpus/$target options=()
  mkdir -p "$corpora/$target" "$crashes/$target"
  [ -f "$root/tests/fuzz/$target.dict" ] && options+=("-dict=$root/tests/fuzz/$target.dict")
  # Per-target libFuzzer flags, one per line, '#' for comments.
  [ -f "$root/tests/fuzz/$target.options" ] &&
    mapfile -t -O ${#options[@]} options < <(grep -v -e '^#' -e '^$' "$root/tests/fuzz/$target.options")
  "$fuzzers/fuzz_$target" -max_total_time="$seconds" -timeout=30 -print_final_stats=1 \
    -artifact_prefix="$crashes/$target/" "${options[@]}" "$corpora/$target" "$seeds" > "$logs/$target.log" 2>&1
}
export -f run_target

say "Fuzzing ${#targets[@]} targets for $seconds s each, $jobs at a time"
status=0
printf '%s\n' "${targets[@]}" |
  xargs -P "$jobs" -I{} bash -c 'run_target "$@"' _ {} "$seconds" "$corpora" "$fuzzers" "$logs" "$crashes" \
    "$LATCHKEY_ROOT" || status=$?

printf '%-20s %12s %10s %8s\n' target executions exec/s corpus
for target in "${targets[@]}"; do
  log=$logs/$target.log
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  units=$(find "$corpora/$target" -type f | wc -l)
  printf '%-20s %12s %10s %8s\n' "$target" "${runs:-?}" "${rate:-?}" "$units"
  if grep -qE '^(==[0-9]+==ERROR|SUMMARY: |FUZZ_EXPECT failed)|runtime error:|Test unit written to' "$log" ||
    [ -z "$runs" ]; then
    status=1
    say "fuzz_$target failed; the end of fuzz-logs/$target.log:"
    grep -E 'ERROR|runtime error|FUZZ_EXPECT|Test unit written|SUMMARY' "$log" | head -n 20 >&2 || true
    tail -n 40 "$log" >&2
    for input in "$crashes/$target"/*; do
      [ -e "$input" ] && say "reproduce: $fuzzers/fuzz_$target $input"
    done
  fi
done

if [ "$merge" = true ] && [ "$status" -eq 0 ]; then
  for target in "${targets[@]}"; do
    before=$(find "$LATCHKEY_ROOT/tests/fuzz/corpus/$target" -type f | wc -l)
    "$fuzzers/fuzz_$target" -merge=1 "$LATCHKEY_ROOT/tests/fuzz/corpus/$target" "$corpora/$target" \
      > "$logs/$target.merge.log" 2>&1
    after=$(find "$LATCHKEY_ROOT/tests/fuzz/corpus/$target" -type f | wc -l)
    say "$target: $((after - before)) new seeds in tests/fuzz/corpus/$target"
  done
fi
exit "$status"
