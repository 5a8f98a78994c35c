#!/bin/bash
# Runs one libFuzzer harness: first every saved reproducer (tests/fuzz/crashes/
# NAME, must all pass), then fuzzing for SECONDS from the seed corpus
# (tests/fuzz/corpus/NAME, read only) with new inputs kept in
# build/fuzz/corpus/NAME. A crash lands in build/fuzz/artifacts/NAME/:
# copy it into tests/fuzz/crashes/NAME/ once fixed.
# usage: tests/fuzz/run.sh NAME SECONDS [extra libFuzzer flags...]
set -u
cd "$(dirname "$0")/../.."
name=$1 secs=$2; shift 2
bin=build/fuzz/fuzz_$name
[ -x "$bin" ] || { echo "run.sh: $bin not built (make fuzz-build)" >&2; exit 2; }
case $name in
grubenv) max=2048 ;;
xen_cmdline) max=4096 ;;
evidence) max=65536 ;;
*) max=32768 ;;
esac
work=build/fuzz/corpus/$name art=build/fuzz/artifacts/$name
mkdir -p "$work" "$art"
dict=(); [ -f "tests/fuzz/$name.dict" ] && dict=(-dict="tests/fuzz/$name.dict")
crashes=(tests/fuzz/crashes/"$name"/*)
if [ -e "${crashes[0]}" ]; then
	"$bin" -runs=1 "${crashes[@]}" >"$art/regress.log" 2>&1 ||
		{ echo "fuzz_$name: a saved reproducer fails again:"; tail -30 "$art/regress.log"; exit 1; }
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# One log per run: CI and a long run of the same harness may overlap. The
# generous -timeout is for loaded machines (every input so far ran < 2 s).
log=$art/fuzz.$$.log
"$bin" -max_total_time="$secs" -max_len=$max -timeout=${FUZZ_TIMEOUT:-120} -rss_limit_mb=2048 \
	-print_final_stats=1 -artifact_prefix="$art/" "${dict[@]}" "$@" \
	"$work" "tests/fuzz/corpus/$name" >"$log" 2>&1
rc=$?
# One line for people and docs: executions, coverage, corpus, speed.
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
last=$(grep -aE '^#[0-9]+' "$log" | tail -1)
cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
echo "fuzz_$name: ${secs}s $(date -u +%H:%M) rc=$rc execs=${execs:-?} cov=${cov:-?} ft=${ft:-?} exec/s=${eps:-?} corpus=$(ls "$work" | wc -l)"
if [ $rc -ne 0 ]; then
	grep -aE 'ERROR|property failed|SUMMARY|Test unit written' "$log" | head -20
fi
exit $rc
