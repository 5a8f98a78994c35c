#!/bin/bash
# Golden tests for check: each fixture host in tests/fixtures/<host>/ against
# tests/expected/check/<host>.{txt,json,rc}. Hosts are those with an .rc file.
#   tests/golden.sh            compare (TAP)
#   tests/golden.sh --update   rewrite expected output after a deliberate change
#   tests/golden.sh --add HOST start tracking a new fixture host
. "$(dirname "$0")/lib.sh"
cd "$TOP"
exp=tests/expected/check
mode=${1:-compare}
if [ "$mode" = --add ]; then echo 0 > "$exp/$2.rc"; mode=--update; fi
for rcfile in "$exp"/*.rc; do
	h=$(basename "$rcfile" .rc)
	root=tests/fixtures/$h
	"$D0C" check --root "$root" >"$TMP/$h.txt" 2>"$TMP/$h.err"; rc=$?
	"$D0C" check --json --root "$root" >"$TMP/$h.json" 2>>"$TMP/$h.err"
	if [ "$mode" = --update ]; then
		cp "$TMP/$h.txt" "$exp/$h.txt"; cp "$TMP/$h.json" "$exp/$h.json"; echo "$rc" > "$rcfile"
		echo "updated $h (exit $rc)"
		continue
	fi
	ok "check_text_matches_golden_$h" diff -u "$exp/$h.txt" "$TMP/$h.txt"
	ok "check_json_matches_golden_$h" diff -u "$exp/$h.json" "$TMP/$h.json"
	is "$rc" "$(cat "$rcfile")" "check_exit_code_$h"
	is "$(cat "$TMP/$h.err")" "" "check_quiet_on_stderr_$h"
done
[ "$mode" = --update ] || done_testing
