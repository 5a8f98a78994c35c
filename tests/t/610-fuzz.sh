#!/bin/bash
# Fuzzing in CI. Always: every saved crash reproducer and every corpus input
# replayed through the harnesses built with the project's compiler and
# sanitizers (tests/fuzz/replay.c) -- the regression tests for what the
# fuzzers found. With clang-14's libFuzzer: each harness fuzzes for
# FUZZ_CI_SECONDS (40 s by default: five harnesses stay under ~4 minutes
# with the build; docs/reliability.md). FUZZ_CI_SECONDS=0 skips that part.
# The runs start from a fixed seed (FUZZ_CI_SEED, default 1) so that a CI
# failure replays; long random runs are `make fuzz`'s job.
. "$(dirname "$0")/../lib.sh"
names="grubcfg grubenv xen_cmdline evidence grubcfg_edit"
secs=${FUZZ_CI_SECONDS:-40}
seed=${FUZZ_CI_SEED:-1}

ok "replay_harnesses_build" make -C "$TOP" -s fuzz-replay
for n in $names; do
	if [ -d "$TOP/tests/fuzz/crashes/$n" ]; then
		for c in "$TOP/tests/fuzz/crashes/$n"/*; do
			ok "fuzz_${n}_reproducer_$(basename "$c")_passes" "$TOP/build/fuzz/replay_$n" "$c"
		done
	fi
	ok "fuzz_${n}_corpus_replays_clean" "$TOP/build/fuzz/replay_$n" "$TOP/tests/fuzz/corpus/$n"
done

if [ "$secs" = 0 ]; then
	skip "libfuzzer_runs" "FUZZ_CI_SECONDS=0"
elif ! command -v clang-14 >/dev/null || ! ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
	skip "libfuzzer_runs" "clang-14 / libclang-rt-14-dev not installed (tests/install-deps.sh)"
else
	ok "libfuzzer_harnesses_build" make -C "$TOP" -s fuzz-build
	for n in $names; do
		ok "fuzz_${n}_${secs}s_no_crash" "$TOP/tests/fuzz/run.sh" "$n" "$secs" -seed="$seed"
		sed 's/^/# /' "$TMP/.out" | grep "fuzz_$n:"
	done
fi
done_testing
