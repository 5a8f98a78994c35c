#!/bin/bash
# The whole path on the seed host: fix -> (trial reboot) verify -> persist ->
# rollback, with the exact files expected after each step
# (tests/expected/boot/xcpng83/). UPDATE=1 rewrites them; review the diff.
. "$(dirname "$0")/../lib.sh"
export SOURCE_DATE_EPOCH=1764000000
EXP=$TOP/tests/expected/boot/xcpng83
SEED=$TOP/tests/fixtures/xcpng83-pv-h100
AFTER=$TOP/tests/fixtures/xcpng83-pvh-h100
H=$TMP/host
have_grub=1; command -v grub-script-check >/dev/null && command -v grub-editenv >/dev/null || have_grub=0

cp -r "$SEED" "$H"; chmod -R u+w "$H"

# golden NAME FILE: FILE's bytes are tests/expected/boot/xcpng83/NAME.
golden() {
	if [ "${UPDATE:-}" = 1 ]; then mkdir -p "$EXP"; cp "$2" "$EXP/$1"; fi
	ok "$1 is exactly as expected" cmp "$EXP/$1" "$2"
}
# Replaces volatile lines (none today: SOURCE_DATE_EPOCH fixes the time).
run() { "$D0C" --root "$H" "$@"; }
script_ok() {
	if [ $have_grub = 1 ]; then ok "grub-script-check accepts grub.cfg after $1" grub-script-check "$H/boot/grub/grub.cfg"
	else skip "grub-script-check after $1" "grub-common not installed"; fi
}
env_ok() {
	if [ $have_grub = 1 ]; then
		is "$(grub-editenv "$H/boot/grub/grubenv" list 2>&1)" "$2" "grub-editenv reads the grubenv written by $1"
	else skip "grub-editenv after $1" "grub-common not installed"; fi
}

run fix --dry-run >"$TMP/dry.txt" 2>&1; rc=$?
is "$rc" 0 "fix_dry_run_exits_0"
golden fix-dry-run.txt "$TMP/dry.txt"
ok "fix_dry_run_writes_nothing" cmp "$SEED/boot/grub/grub.cfg" "$H/boot/grub/grub.cfg"
ok "fix_dry_run_makes_no_grubenv" test ! -e "$H/boot/grub/grubenv"
run --json fix --dry-run >"$TMP/dry.json" 2>/dev/null
golden fix-dry-run.json "$TMP/dry.json"
ok "fix_json_parses" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["schema"]=="dom0cuda.fix/1" and d["result"]=="dry-run"' "$TMP/dry.json"

run fix </dev/null >/dev/null 2>"$TMP/notty.txt"; rc=$?
is "$rc" 64 "fix_without_tty_or_yes_refuses"
ok "fix_without_tty_writes_nothing" cmp "$SEED/boot/grub/grub.cfg" "$H/boot/grub/grub.cfg"

run fix --yes >"$TMP/fix.txt" 2>&1; rc=$?
is "$rc" 0 "fix_yes_exits_0"
golden fix.txt "$TMP/fix.txt"
golden 1-fix-grub.cfg "$H/boot/grub/grub.cfg"
golden 1-fix-grubenv "$H/boot/grub/grubenv"
golden 1-fix-state.json "$H/var/lib/dom0cuda/state.json"
ok "fix_backs_up_original" cmp "$SEED/boot/grub/grub.cfg" "$H/var/lib/dom0cuda/backups/20251124T160000Z-boot_grub_grub.cfg"
script_ok fix
env_ok fix "next_entry=1"
is "$(grep -c "^menuentry 'XCP-ng" "$H/boot/grub/grub.cfg")" 6 "fix_adds_exactly_one_entry"
ok "fix_keeps_original_serial_and_safe_mode_entries_byte_for_byte" python3 -c '
import re, sys
old = open(sys.argv[1]).read(); new = open(sys.argv[2]).read()
blocks = re.findall(r"^menuentry .*?^}\n", old, re.S | re.M)
assert len(blocks) == 5 and all(b in new for b in blocks)' "$SEED/boot/grub/grub.cfg" "$H/boot/grub/grub.cfg"

run fix --yes >/dev/null 2>&1; rc=$?
is "$rc" 0 "fix_twice_exits_0"
ok "fix_twice_changes_nothing" cmp "$EXP/1-fix-grub.cfg" "$H/boot/grub/grub.cfg"
ok "fix_twice_keeps_grubenv" cmp "$EXP/1-fix-grubenv" "$H/boot/grub/grubenv"

# The trial reboot: the host comes back as the post-reboot fixture, with the
# boot files fix wrote; GRUB's save_env has cleared next_entry as it booted
# (real GRUB leaves `next_entry=` in the block, as seen in tests/xen).
R=$TMP/rebooted
cp -r "$AFTER" "$R"; chmod -R u+w "$R"; rm -rf "$R/boot"
cp -r "$H/boot" "$H/var" "$R/"
H=$R
"$D0C" --root "$H" verify --no-smoke >"$TMP/verify-pending.txt" 2>&1; rc=$?
is "$rc" 1 "verify_with_oneshot_still_armed_fails"
if [ $have_grub = 1 ]; then grub-editenv "$H/boot/grub/grubenv" set next_entry=
else printf '# GRUB Environment Block\nnext_entry=\n%01000d' 0 | tr 0 '#' | head -c 1024 >"$H/boot/grub/grubenv"; fi
run verify --no-smoke >"$TMP/verify.txt" 2>&1; rc=$?
is "$rc" 0 "verify_passes_on_pvh_host"
golden verify.txt "$TMP/verify.txt"
run --json verify --no-smoke >"$TMP/verify.json" 2>/dev/null
golden verify.json "$TMP/verify.json"

run persist --yes >"$TMP/persist.txt" 2>&1; rc=$?
is "$rc" 0 "persist_exits_0"
golden persist.txt "$TMP/persist.txt"
golden 3-persist-grub.cfg "$H/boot/grub/grub.cfg"
golden 3-persist-state.json "$H/var/lib/dom0cuda/state.json"
script_ok persist
run persist --yes >/dev/null 2>&1
ok "persist_twice_changes_nothing" cmp "$EXP/3-persist-grub.cfg" "$H/boot/grub/grub.cfg"

run rollback --yes >"$TMP/rollback.txt" 2>&1; rc=$?
is "$rc" 0 "rollback_exits_0"
golden rollback.txt "$TMP/rollback.txt"
ok "rollback_restores_original_grub_cfg" cmp "$SEED/boot/grub/grub.cfg" "$H/boot/grub/grub.cfg"
ok "rollback_removes_grubenv_it_created" test ! -e "$H/boot/grub/grubenv"
ok "rollback_removes_journal" test ! -e "$H/var/lib/dom0cuda/state.json"
run rollback --yes >"$TMP/rollback2.txt" 2>&1; rc=$?
is "$rc" 0 "rollback_twice_exits_0"
ok "rollback_twice_says_nothing_to_do" grep -q "Nothing to roll back" "$TMP/rollback2.txt"
done_testing
