#!/bin/bash
# rollback after someone else edited the files: only dom0cuda's marked
# pieces and variables go, their edits stay (after fix and after persist),
# and the JSON of persist and rollback.
. "$(dirname "$0")/../lib.sh"
export SOURCE_DATE_EPOCH=1764000000
SEED=$TOP/tests/fixtures/xcpng83-pv-h100
AFTER=$TMP/after
fresh() {
	H=$TMP/$1; rm -rf "$H"; cp -r "$SEED" "$H"; chmod -R u+w "$H"
}
# What the admin does meanwhile: xen-cmdline --set-xen on the default entry
# (XCP-ng edits the 'XCP-ng' entry) and a custom entry at the end.
admin_edit() {
	sed -i '0,/watchdog/s/ watchdog / watchdog sched-gran=core /' "$H/boot/grub/grub.cfg"
	printf "menuentry 'Memtest' {\n\tlinux16 /boot/memtest.bin\n}\n" >>"$H/boot/grub/grub.cfg"
}
expected_after_admin() {
	cp "$SEED/boot/grub/grub.cfg" "$AFTER"
	sed -i '0,/watchdog/s/ watchdog / watchdog sched-gran=core /' "$AFTER"
	printf "menuentry 'Memtest' {\n\tlinux16 /boot/memtest.bin\n}\n" >>"$AFTER"
}
expected_after_admin

fresh after-fix
"$D0C" --root "$H" fix --yes >/dev/null 2>&1
admin_edit
"$D0C" --root "$H" rollback --yes >"$TMP/out" 2>&1; rc=$?
is "$rc" 0 "rollback_after_foreign_edit_exits_0"
ok "rollback_after_fix_keeps_foreign_edits_removes_ours" cmp "$AFTER" "$H/boot/grub/grub.cfg"
ok "rollback_says_which_pieces_it_removed" grep -q 'remove only dom0cuda.s 2 marked piece(s), keep the other edits' "$TMP/out"
ok "rollback_says_other_edits_are_kept" grep -q "the edits others made since are kept" "$TMP/out"

fresh after-persist
"$D0C" --root "$H" fix --yes >/dev/null 2>&1
"$D0C" --root "$H" --json persist --yes --force >"$TMP/persist.json" 2>/dev/null
ok "persist_json" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "dom0cuda.persist/1" and d["result"] == "applied" and d["entry"] == "XCP-ng (PVH dom0)"
assert "+set default=1" in d["diff"]' "$TMP/persist.json"
admin_edit
"$D0C" --root "$H" --json rollback --yes >"$TMP/rb.json" 2>/dev/null; rc=$?
is "$rc" 0 "rollback_after_persist_and_foreign_edit_exits_0"
ok "rollback_after_persist_restores_default_line_and_keeps_edits" cmp "$AFTER" "$H/boot/grub/grub.cfg"
ok "rollback_json" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "dom0cuda.rollback/1" and d["result"] == "applied" and len(d["steps"]) == 2' "$TMP/rb.json"
if command -v grub-script-check >/dev/null; then
	ok "grub_script_check_after_partial_rollback" grub-script-check "$H/boot/grub/grub.cfg"
fi

# The journal was damaged: refuse with a clear message, touch nothing.
fresh badjournal
"$D0C" --root "$H" fix --yes >/dev/null 2>&1
echo '{"schema": "dom0cuda.state/1", "files": [' >"$H/var/lib/dom0cuda/state.json"
cp "$H/boot/grub/grub.cfg" "$TMP/fixed.cfg"
"$D0C" --root "$H" rollback --yes >/dev/null 2>"$TMP/err"; rc=$?
is "$rc" 65 "damaged_journal_exits_65"
ok "damaged_journal_names_backups" grep -q 'is not a dom0cuda.state/1 journal' "$TMP/err"
ok "damaged_journal_touches_nothing" cmp "$TMP/fixed.cfg" "$H/boot/grub/grub.cfg"
# Mode and owner of a replaced file are kept.
fresh modes
chmod 0640 "$H/boot/grub/grub.cfg"
if [ "$(id -u)" = 0 ]; then chown 1234:5678 "$H/boot/grub/grub.cfg"; fi
before=$(stat -c '%a %u:%g' "$H/boot/grub/grub.cfg")
"$D0C" --root "$H" fix --yes >/dev/null 2>&1
is "$(stat -c '%a %u:%g' "$H/boot/grub/grub.cfg")" "$before" "fix_keeps_mode_and_owner_of_grub_cfg"
"$D0C" --root "$H" rollback --yes >/dev/null 2>&1
is "$(stat -c '%a %u:%g' "$H/boot/grub/grub.cfg")" "$before" "rollback_keeps_mode_and_owner_of_grub_cfg"
is "$(stat -c '%a' "$H/var/lib/dom0cuda/backups/20251124T160000Z-boot_grub_grub.cfg")" 600 "backups_are_private"

# --json without a terminal and without --yes: refused, said in JSON.
fresh jsonrefuse
"$D0C" --root "$H" --json fix </dev/null >"$TMP/j" 2>/dev/null; rc=$?
is "$rc" 64 "json_fix_without_yes_exits_64"
ok "json_fix_without_yes_result_refused" python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); assert d["result"] == "refused" and d["diff"]' "$TMP/j"
done_testing
