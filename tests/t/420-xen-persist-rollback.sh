#!/bin/bash
# Scenario b (issue 5): on real Xen 4.17 through real GRUB under QEMU: fix,
# trial boot as PVH, `persist` there; the next two boots are both PVH; `rollback`;
# the boot after is PV and grub.cfg is byte-identical to the one the host
# started with. 5 boots.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/xen/lib.sh"
xen_setup
xen_disk b-persist iommu=no
ACCEPT="--accept NVIDIA_GPU_ABSENT"   # no GPU in the VM (see 410)

xen_boot 1-pv-fix <<SH || xen_abort
run fix dom0cuda fix --yes --json $ACCEPT
SH
is "$(xen_guest_type 1-pv-fix)" PV "boot1_dom0_is_pv"
is "$(rc_of 1-pv-fix fix)" 0 "fix_yes_exits_0"

# verify on the trial is 410's; here persist.
xen_boot 2-trial-persist <<'SH' || xen_abort
run persist dom0cuda persist --yes --json
SH
is "$(xen_guest_type 2-trial-persist)" PVH "boot2_trial_dom0_is_pvh"
is "$(rc_of 2-trial-persist persist)" 0 "persist_exits_0"
is "$(jq_py "$(out 2-trial-persist persist)" 'j["result"]')" applied "persist_json_result_applied"
disk_cat /boot/grub/grub.cfg >"$XEN_DIR/grub.cfg.persisted"
ok "persist_keeps_old_default_and_other_entries" entries_kept "$XEN_DIR/grub.cfg.orig" "$XEN_DIR/grub.cfg.persisted"

for n in 3 4; do
	step=$n-persisted
	# Boot 3: `check` on the persisted PVH host; boot 4: rollback.
	if [ $n = 4 ]; then cmds='run rollback dom0cuda rollback --yes --json'
	else cmds='run check dom0cuda check --json'; fi
	xen_boot $step <<<"$cmds" || xen_abort
	is "$(xen_guest_type $step)" PVH "boot${n}_after_persist_dom0_is_pvh"
	ok "boot${n}_grub_booted_pvh_entry" grep -qF "Booting \`XCP-ng (PVH dom0)'" "$(console $step)"
	ok "boot${n}_kernel_says_xen_pvh" grep -q 'Booting kernel on Xen PVH' "$(console $step)"
done
is "$(jq_py "$(out 3-persisted check)" '"DOM0_PV" in ids(j)')" False "boot3_check_no_dom0_pv_after_persist"
is "$(jq_py "$(out 3-persisted check)" 'j["host"]["guest_type"] + " " + j["host"]["xen_commandline"].split()[-1]')" "PVH dom0=pvh" "boot3_check_sees_pvh_from_persisted_entry"
is "$(rc_of 4-persisted rollback)" 0 "rollback_exits_0"
is "$(jq_py "$(out 4-persisted rollback)" 'j["result"]')" applied "rollback_json_result_applied"

xen_boot 5-rolled-back <<'SH' || xen_abort
run check dom0cuda check --json
run rollback-again dom0cuda rollback --yes
SH
is "$(xen_guest_type 5-rolled-back)" PV "boot5_after_rollback_dom0_is_pv"
ok "boot5_grub_booted_default_entry" grep -qF "Booting \`XCP-ng'" "$(console 5-rolled-back)"
is "$(jq_py "$(out 5-rolled-back check)" '"DOM0_PV" in ids(j)')" True "boot5_check_finds_dom0_pv"
disk_cat /boot/grub/grub.cfg >"$XEN_DIR/grub.cfg.final"
ok "rollback_grub_cfg_byte_identical_to_start" cmp "$XEN_DIR/grub.cfg.orig" "$XEN_DIR/grub.cfg.final"
ok "rollback_removes_grubenv_fix_created" bash -c '! "$1" cat "$2" /boot/grub/grubenv 2>/dev/null' _ "$XEN_TESTS/disk.sh" "$XEN_DISK"
is "$(rc_of 5-rolled-back rollback-again)" 0 "rollback_again_exits_0"
ok "rollback_again_has_nothing_to_do" grep -q "Nothing to roll back" "$(out 5-rolled-back rollback-again)"
done_testing
