#!/bin/bash
# check on broken, hostile or huge input: a finding or a clear error, never a
# crash, never unbounded memory. Runs under ASan/UBSan.
. "$(dirname "$0")/../lib.sh"
seed=$TOP/tests/fixtures/xcpng83-pv-h100

run() { "$D0C" "$@" >"$TMP/out" 2>"$TMP/err"; echo $? >"$TMP/rc"; }

run check --root /nonexistent/dir
is "$(cat "$TMP/rc")" 66 "missing_root_exits_66"
is "$(wc -l <"$TMP/err")" 1 "missing_root_one_line"
ok "missing_root_names_path" grep -q '/nonexistent/dir' "$TMP/err"

touch "$TMP/file"
run check --root "$TMP/file"
is "$(cat "$TMP/rc")" 66 "root_not_a_directory_exits_66"

run check --root ""
is "$(cat "$TMP/rc")" 64 "empty_root_is_usage_error"
run check --bogus
is "$(cat "$TMP/rc")" 64 "unknown_option_is_usage_error"
run check --accept NO_SUCH_ID --root "$seed"
is "$(cat "$TMP/rc")" 64 "unknown_accept_id_is_usage_error"
run frobnicate
is "$(cat "$TMP/rc")" 64 "unknown_verb_is_usage_error"

# A copy of the seed host whose files we break one by one.
mk() { rm -rf "$TMP/h"; cp -a "$seed" "$TMP/h"; }

mk; printf 'x86/PAT: Configuration [0-7]: WB  WT\0\0\0 UC- UC\nNVRM: PAT configuration unsupported.\n\0\0\xff\xfe garbage\n' >"$TMP/h/commands/dmesg.txt"
run check --json --root "$TMP/h"
is "$(cat "$TMP/rc")" 1 "binary_dmesg_still_diagnosed"
ok "binary_dmesg_json_parses" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/out"
ok "binary_dmesg_partial_noted" grep -q EVIDENCE_PARTIAL "$TMP/out"

mk; head -c 100 "$seed/commands/dmesg.txt" >"$TMP/h/commands/dmesg.txt"
run check --root "$TMP/h"
is "$(cat "$TMP/rc")" 1 "truncated_dmesg_guest_type_still_decides"

mk; { head -c 2000000 /dev/zero | tr '\0' 'A'; echo; cat "$seed/commands/dmesg.txt"; } >"$TMP/h/commands/dmesg.txt"
run check --root "$TMP/h"
ok "long_line_skipped_and_noted" grep -q 'over 512 KiB skipped (first at line 1)' "$TMP/out"
ok "long_line_then_proof_line_numbers_shifted" grep -q 'dmesg:313: .*NVRM: PAT configuration unsupported' "$TMP/out"

mk; printf '\xc3\x28 Hypervisor detected: Xen PV \xff\n' >"$TMP/h/commands/dmesg.txt"
run check --json --root "$TMP/h"
ok "non_utf8_json_valid" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/out"

mk; chmod 000 "$TMP/h/commands/xl-info.txt"
if [ "$(id -u)" = 0 ]; then
	# root reads mode-000 files; use a directory in the way instead.
	rm -f "$TMP/h/commands/xl-info.txt"; mkdir "$TMP/h/commands/xl-info.txt"
fi
run check --root "$TMP/h"
ok "unreadable_source_is_a_finding" grep -q 'EVIDENCE_MISSING .*xl info' "$TMP/out"
is "$(cat "$TMP/rc")" 1 "unreadable_source_does_not_stop_others"

mk; rm -rf "$TMP/h/sys/hypervisor" "$TMP/h/proc/xen"
run check --root "$TMP/h"
is "$(cat "$TMP/rc")" 1 "dmesg_and_xl_alone_still_decide"

mk; ln -sf /etc/passwd "$TMP/h/commands/xl-dmesg.txt"
run check --root "$TMP/h"
ok "absolute_symlink_resolved_inside_root" grep -q "EVIDENCE_MISSING .*xl dmesg" "$TMP/out"

mk; ln -sf loop "$TMP/h/proc/cmdline"; mv "$TMP/h/proc/cmdline" "$TMP/h/proc/loop"; ln -s loop "$TMP/h/proc/cmdline" 2>/dev/null
run check --root "$TMP/h"
is "$(cat "$TMP/rc")" 1 "symlink_loop_is_not_fatal"

# XCP-ng's hypervisor.log holds several boots; Xen complains about its
# parameters before it prints its command line. Only the last boot counts.
mk; rm "$TMP/h/commands/xl-dmesg.txt"; mkdir -p "$TMP/h/var/log/xen"
printf '%s\n' '(XEN) parameter "iommu" has invalid value "old", rc=-22!' '(XEN) Command line: iommu=old' \
	'(XEN) Panic on CPU 0:' '(XEN) parameter "iommu" has invalid value "pt", rc=-22!' \
	'(XEN) Command line: iommu=pt' '(XEN) I/O virtualisation enabled' >"$TMP/h/var/log/xen/hypervisor.log"
run check --json --root "$TMP/h"
ok "hypervisor_log_last_boot_param_kept" grep -q '/var/log/xen/hypervisor.log' "$TMP/out"
ok "hypervisor_log_earlier_boot_dropped" sh -c "! grep -q 'value \\\\\"old' '$TMP/out'"
is "$(grep -c 'invalid value' "$TMP/out")" 1 "hypervisor_log_one_complaint"

# A 2 GiB dmesg (sparse) in bounded memory: the release binary under a
# 256 MiB address-space limit (ASan needs terabytes of virtual space).
mk; : >"$TMP/h/commands/dmesg.txt"; truncate -s 2G "$TMP/h/commands/dmesg.txt"
printf '\nHypervisor detected: Xen PV\n' >>"$TMP/h/commands/dmesg.txt"
(ulimit -v 262144; "$TOP/build/dom0cuda" check --root "$TMP/h" >"$TMP/out" 2>"$TMP/err"; echo $? >"$TMP/rc")
is "$(cat "$TMP/rc")" 1 "two_gib_dmesg_bounded_memory"
ok "two_gib_dmesg_line_after_nuls_found" grep -q 'dmesg:2: Hypervisor detected: Xen PV' "$TMP/out"
done_testing
