#!/bin/bash
# Scenario c (issue 5): a trial entry that keeps iommu=no (the test adds it
# back to the entry fix made; dom0cuda itself never writes it) makes real
# Xen 4.17 panic: "iommu must be enabled for PVH hardware domain"; Xen
# reboots, GRUB's one-shot is spent, the untouched PV default boots, and
# `verify` explains that the trial did not come up. 2 boots (the second one
# is the panic and the fallback in one power-on).
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/xen/lib.sh"
xen_setup
xen_disk c-panic iommu=no
ACCEPT="--accept NVIDIA_GPU_ABSENT"   # no GPU in the VM (see 410)

xen_boot 1-pv-fix <<SH || xen_abort
run fix dom0cuda fix --yes --json $ACCEPT
SH
is "$(rc_of 1-pv-fix fix)" 0 "fix_yes_exits_0"
# Put iommu=no back on the Xen line of the trial entry only.
disk_cat /boot/grub/grub.cfg >"$XEN_DIR/grub.cfg.fixed"
awk '/^menuentry .*\(PVH dom0\)/ { e = 1 } e && /^[ \t]*multiboot2 / { $0 = $0 " iommu=no"; e = 0 } { print }' \
	"$XEN_DIR/grub.cfg.fixed" >"$XEN_DIR/grub.cfg.panic"
is "$(diff "$XEN_DIR/grub.cfg.fixed" "$XEN_DIR/grub.cfg.panic" | grep -c '^>.*dom0=pvh.* iommu=no$')" 1 "test_made_trial_entry_keeps_iommu_no"
"$XEN_TESTS/disk.sh" put "$XEN_DISK" "$XEN_DIR/grub.cfg.panic" /boot/grub/grub.cfg

xen_boot 2-panic-fallback --allow-reboot <<'SH' || xen_abort
run verify-json dom0cuda verify --json --no-smoke
run verify dom0cuda verify --no-smoke
SH
C=$(console 2-panic-fallback)
ok "trial_grub_booted_pvh_entry_first" grep -qF "Booting \`XCP-ng (PVH dom0)'" "$C"
ok "xen_panics_iommu_must_be_enabled" grep -q '^(XEN) Presently, iommu must be enabled for PVH hardware domain' "$C"
ok "xen_reboots_after_panic" grep -q '^(XEN) Reboot in five seconds' "$C"
ok "grub_then_boots_default_entry" python3 -c '
import sys
s = open(sys.argv[1]).read()
p = s.index("iommu must be enabled for PVH hardware domain")
assert "Booting `XCP-ng'"'"'" in s[p:]' "$C"
is "$(xen_guest_type 2-panic-fallback)" PV "fallback_dom0_is_pv"
V=$(out 2-panic-fallback verify-json)
is "$(rc_of 2-panic-fallback verify-json)" 2 "verify_exits_2_trial_did_not_come_up"
is "$(jq_py "$V" 'j["result"]')" trial-failed "verify_json_result_trial_failed"
is "$(jq_py "$V" "next(i['status'] for i in j['items'] if i['id'] == 'oneshot_consumed')")" pass "verify_sees_one_shot_consumed"
is "$(jq_py "$V" "next(i['status'] for i in j['items'] if i['id'] == 'dom0_pvh')")" fail "verify_sees_dom0_not_pvh"
is "$(jq_py "$V" 'j["next"]')" "dom0cuda rollback" "verify_next_is_rollback"
ok "verify_text_explains_trial_did_not_come_up" grep -q 'The trial did not come up' "$(out 2-panic-fallback verify)"
ok "grub_spent_the_one_shot" oneshot_clear
done_testing
