#!/bin/bash
# 5xx packaging: dom0cuda-verify.service is valid for systemd, uses only what
# systemd 219 (XCP-ng 8.2/8.3) knows, and runs only while a trial is pending.
. "$(dirname "$0")/../lib.sh"
cd "$TOP"
fails() { ! "$@"; }
MARKER=/var/lib/dom0cuda/trial-pending

# analyze ROOT UNIT: systemd-analyze verify, silent and successful.
analyze() {
	local out
	out=$(MANPATH="$1/usr/share/man" systemd-analyze --root="$1" verify "$2" 2>&1) && [ -z "$out" ] ||
		{ echo "$out"; return 1; }
}

R=$TMP/root
ok make_install_lays_down_unit make -s install DESTDIR="$R" PREFIX=/usr
U=$R/usr/lib/systemd/system/dom0cuda-verify.service
mkdir -p "$R/etc/systemd/system"
cp -a /usr/lib/systemd/system/*.target "$R/usr/lib/systemd/system/"
ok unit_passes_systemd_analyze_verify analyze "$R" "$U"

is "$(sed -n 's/^ConditionPathExists=//p' "$U")" "$MARKER" unit_runs_only_while_trial_pending
is "$(sed -n 's/^ExecStart=//p' "$U")" "/usr/sbin/dom0cuda verify" unit_runs_verify
is "$(sed -n 's/^Type=//p' "$U")" oneshot unit_is_oneshot
is "$(sed -n 's/^WantedBy=//p' "$U")" multi-user.target unit_is_enabled_for_boot
is "$(sed -n 's/^StandardOutput=//p' "$U")" journal unit_logs_to_journal
# Keys systemd 219 (EL7) understands; a newer one would be ignored there.
ok unit_uses_only_systemd_219_directives fails grep -vE \
	'^(#|\[|$|(Description|Documentation|ConditionPathExists|After|Type|ExecStart|StandardOutput|StandardError|SyslogIdentifier|TimeoutStartSec|WantedBy)=)' "$U"

sed 's/^Type=oneshot/Type=oneshott/' "$U" >"$R/usr/lib/systemd/system/broken.service"
ok analyze_catches_a_broken_unit fails analyze "$R" "$R/usr/lib/systemd/system/broken.service"

R2=$TMP/local
ok prefix_moves_exec_start make -s install DESTDIR="$R2" PREFIX=/usr/local
is "$(sed -n 's/^ExecStart=//p' "$R2/usr/local/lib/systemd/system/dom0cuda-verify.service")" \
	"/usr/local/sbin/dom0cuda verify" unit_exec_start_follows_sbindir

# The contract (packaging/README.md): fix creates the marker when it arms the
# trial boot; verify removes it once the one-shot is spent, rollback too.
H=$TMP/host
cp -r tests/fixtures/xcpng83-pv-h100 "$H" && chmod -R u+w "$H"
SOURCE_DATE_EPOCH=1764000000 "$D0C" --root "$H" fix --yes >"$TMP/fix.txt" 2>&1
ok fix_creates_trial_pending_marker test -e "$H$MARKER"
"$D0C" --root "$H" verify --no-smoke >/dev/null 2>&1
ok verify_keeps_marker_while_oneshot_armed test -e "$H$MARKER"
"$D0C" --root "$H" rollback --yes >/dev/null 2>&1
ok rollback_removes_marker test ! -e "$H$MARKER"
SOURCE_DATE_EPOCH=1764000000 "$D0C" --root "$H" fix --yes >/dev/null 2>&1
# The trial boot: GRUB consumed next_entry and dom0 came up PVH.
cp -r tests/fixtures/xcpng83-pvh-h100/sys tests/fixtures/xcpng83-pvh-h100/commands "$H"/
grub-editenv "$H/boot/grub/grubenv" unset next_entry
"$D0C" --root "$H" verify --no-smoke >/dev/null 2>&1
ok verify_removes_marker_after_trial test ! -e "$H$MARKER"
done_testing
