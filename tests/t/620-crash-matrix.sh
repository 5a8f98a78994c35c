#!/bin/bash
# The crash matrix (tests/crash/matrix.sh): fix, persist and rollback killed
# after every write-class syscall, and failed at every one with ENOSPC, EIO,
# EROFS and EACCES; each run leaves old-or-new files that a rerun or a
# rollback brings to a clean state. One test per verb and mode: N/N clean.
# tests/t/240-boot-faults.sh covers the per-operation errno cases of fix.
. "$(dirname "$0")/../lib.sh"
if ! command -v cc >/dev/null; then
	skip "crash_matrix" "no C compiler for the LD_PRELOAD crash point"
	done_testing; exit
fi
"$TOP/tests/crash/matrix.sh" >"$TMP/matrix" 2>&1
grep '^#' "$TMP/matrix" | head -60
grep -E '^(fix|persist|rollback) ' "$TMP/matrix" | sed 's/^/# /'
while read -r verb mode rest; do
	good=${rest%%/*} n=${rest#*/}; n=${n%% *}
	is "$good" "$n" "${verb}_${mode%:}_every_crash_point_recovers ($good/$n)"
done < <(grep -E '^(fix|persist|rollback) ' "$TMP/matrix")
ok "matrix_ran_all_verbs" test "$(grep -cE '^(fix|persist|rollback) ' "$TMP/matrix")" = 15
done_testing
