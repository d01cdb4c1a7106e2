#!/usr/bin/env bash
# Runs the whole test suite the way CI does, from a clean clone:
#   1. installs the Debian packages the build needs (scripts/install-deps.sh),
#   2. configures and builds twice: plain in build/ and with
#      AddressSanitizer + UndefinedBehaviorSanitizer in build-asan/,
#   3. runs `meson test` in both, printing the logs of failing tests,
#   4. ends with one line "N passed, N failed" summed over both builds.
# Exits non-zero when anything failed (a build or a test).
#
# Environment: D13_BUILD_DIR and D13_ASAN_BUILD_DIR override the two build
# directories; D13_SKIP_DEPS=1 skips the package check.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${D13_BUILD_DIR:-$ROOT/build}
ASAN_BUILD_DIR=${D13_ASAN_BUILD_DIR:-$ROOT/build-asan}

say() { printf '\n==> %s\n' "$*"; }

if [[ "${D13_SKIP_DEPS:-0}" != 1 ]]; then
    say "checking build dependencies"
    "$ROOT/scripts/install-deps.sh" || { echo "dependency installation failed" >&2; exit 1; }
fi

# Sanitizers: stop on the first report so a finding fails the test.
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}

total_passed=0
total_failed=0
summary_lines=()

# Counts results in a meson testlog.json: prints "passed failed skipped".
count_results() {
    python3 - "$1" <<'PY'
import json, sys
passed = failed = skipped = 0
try:
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            result = json.loads(line).get("result", "")
            if result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif result == "SKIP":
                skipped += 1
            else:  # FAIL, TIMEOUT, ERROR, UNEXPECTEDPASS, INTERRUPT
                failed += 1
except FileNotFoundError:
    pass
print(passed, failed, skipped)
PY
}

# build_and_test NAME DIR [meson setup options...]
build_and_test() {
    local name=$1 dir=$2
    shift 2
    local mult=1
    [[ "$name" == asan ]] && mult=3

    say "[$name] configuring $dir"
    if [[ ! -f "$dir/build.ninja" ]]; then
        if ! meson setup "$dir" "$ROOT" "$@"; then
            echo "[$name] meson setup failed" >&2
            total_failed=$((total_failed + 1))
            summary_lines+=("$name: configure FAILED")
            return
        fi
    else
        echo "(already configured; ninja will reconfigure if meson files changed)"
    fi

    say "[$name] building"
    if ! ninja -C "$dir"; then
        echo "[$name] build failed" >&2
        total_failed=$((total_failed + 1))
        summary_lines+=("$name: build FAILED")
        return
    fi

    say "[$name] running tests"
    rm -f "$dir/meson-logs/testlog.json"
    meson test -C "$dir" --print-errorlogs --timeout-multiplier "$mult"
    local rc=$?
    local counts passed failed skipped
    counts=$(count_results "$dir/meson-logs/testlog.json")
    read -r passed failed skipped <<<"$counts"
    if [[ $rc -ne 0 && $failed -eq 0 ]]; then
        # meson itself failed without recording a failing test.
        failed=1
    fi
    total_passed=$((total_passed + passed))
    total_failed=$((total_failed + failed))
    summary_lines+=("$name: $passed passed, $failed failed, $skipped skipped")
}

build_and_test plain "$BUILD_DIR"
build_and_test asan "$ASAN_BUILD_DIR" -Db_sanitize=address,undefined -Db_lundef=false

say "summary"
for line in "${summary_lines[@]}"; do
    echo "  $line"
done
echo "$total_passed passed, $total_failed failed"
[[ $total_failed -eq 0 ]]
