#!/bin/bash
# Runs every test: C unit tests (build/unit/test_*), then every shell test in
# tests/t/*.sh (TAP each). Last line: "N passed, N failed".
# usage: tests/run.sh [PATTERN]   (PATTERN filters test names, e.g. 2 or golden)
set -u
cd "$(dirname "$0")/.."
pat=${1:-}
pass=0; fail=0; failed_files=()
mkdir -p build/test-logs
run_one() {
	local name=$1; shift
	local log="build/test-logs/$(basename "$name").log"
	local t0=$SECONDS
	"$@" >"$log" 2>&1
	local rc=$? secs=$((SECONDS - t0))
	local p f
	p=$(grep -ac '^ok ' "$log"); f=$(grep -ac '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "not ok - $name exited $rc" >>"$log"; fi
	pass=$((pass + p)); fail=$((fail + f))
	if [ "$f" -gt 0 ]; then
		failed_files+=("$name"); printf '%-48s FAIL (%d passed, %d failed) %ds\n' "$name" "$p" "$f" "$secs"
		grep -a -A8 '^not ok' "$log" | head -60 | sed 's/^/    /'
	else
		printf '%-48s ok (%d) %ds\n' "$name" "$p" "$secs"
	fi
}
for t in build/unit/test_*; do
	[ -x "$t" ] || continue
	case "$t" in *"$pat"*) ;; *) continue ;; esac
	run_one "$t" "$t"
done
for t in tests/t/*.sh; do
	[ -f "$t" ] || continue
	case "$t" in *"$pat"*) ;; *) continue ;; esac
	run_one "$t" bash "$t"
done
[ ${#failed_files[@]} -eq 0 ] || echo "failed: ${failed_files[*]} (logs in build/test-logs/)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
