#!/bin/bash
# Scenario a (issue 5): on real Xen 4.17 booted through real GRUB under QEMU,
# a PV dom0 with iommu=no: `check` finds DOM0_PV with the real PAT line and
# Xen version; `fix --yes` edits the real disk; the next boot runs the PVH
# entry once and `verify` passes its boot-mode items; the boot after that,
# without persist, is the untouched PV default again. 3 boots.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/xen/lib.sh"
xen_setup
xen_disk a-trial iommu=no
# The VM has no GPU: accepting NVIDIA_GPU_ABSENT (a user-facing option) lets
# fix do the boot-mode part.
ACCEPT="--accept NVIDIA_GPU_ABSENT"

# --- boot 1: PV, check, fix ---------------------------------------------------
xen_boot 1-pv <<SH || xen_abort
run check dom0cuda check --json
run fix dom0cuda fix --yes --json $ACCEPT
SH
C=$(console 1-pv)
is "$(xen_guest_type 1-pv)" PV "boot1_dom0_is_pv"
ok "boot1_grub_booted_default_entry" grep -qF "Booting \`XCP-ng'" "$C"
ok "boot1_kernel_says_xen_pv" grep -q 'Hypervisor detected: Xen PV' "$C"
J=$(out 1-pv check)
is "$(jq_py "$J" 'j["schema"]')" dom0cuda.check/1 "check_json_schema"
is "$(jq_py "$J" '"DOM0_PV" in ids(j)')" True "check_finds_dom0_pv"
is "$(jq_py "$J" 'finding(j, "DOM0_PV")["severity"]')" fail "check_dom0_pv_is_fail"
is "$(jq_py "$J" '"DOM0_PVH" in ids(j)')" False "check_no_dom0_pvh_on_pv"
# The PAT proof is the kernel's real line, as it went out on the console.
pat=$(jq_py "$J" 'next((p for p in proofs(j, "PAT_LAYOUT_XEN_PV") + proofs(j, "DOM0_PV") if "x86/PAT: Configuration" in p), "")')
ok "check_pat_proof_is_xen_pv_layout" grep -q 'WB  WT  UC- UC  WC  WP  UC  UC' <<<"$pat"
ok "check_pat_proof_is_the_real_console_line" grep -qF -- "$pat" "$C"
xenver=$(sed -n 's/.*(XEN) Xen version \([0-9][0-9.]*\) .*/\1/p' "$C" | head -1)
ok "xen_console_has_version" test -n "$xenver"
is "$(jq_py "$J" 'j["host"]["xen_version"]')" "$xenver" "check_reports_the_real_xen_version"
is "$(jq_py "$J" 'j["host"]["guest_type"]')" PV "check_host_guest_type_pv"
is "$(jq_py "$J" '"XEN_IOMMU_DISABLED" in ids(j)')" True "check_finds_iommu_disabled"
F=$(out 1-pv fix)
is "$(rc_of 1-pv fix)" 0 "fix_yes_exits_0"
is "$(jq_py "$F" 'j["result"]')" applied "fix_json_result_applied"
disk_cat /boot/grub/grub.cfg >"$XEN_DIR/grub.cfg.fixed"
ok "fix_wrote_pvh_entry_to_the_disk" grep -q "^menuentry 'XCP-ng (PVH dom0)'" "$XEN_DIR/grub.cfg.fixed"
ok "fix_pvh_entry_has_dom0_pvh_and_no_iommu_no" python3 -c '
import re, sys
s = open(sys.argv[1]).read()
e = re.search(r"^menuentry .XCP-ng \(PVH dom0\). \{\n(.*?)^\}", s, re.S | re.M).group(1)
xen = [l for l in e.splitlines() if l.strip().startswith("multiboot2")][0].split()
assert "dom0=pvh" in xen and "iommu=no" not in xen, xen' "$XEN_DIR/grub.cfg.fixed"
ok "fix_keeps_every_original_entry_byte_for_byte" entries_kept "$XEN_DIR/grub.cfg.orig" "$XEN_DIR/grub.cfg.fixed"
ok "fix_armed_one_shot_in_grubenv" grep -q '^next_entry=1$' <(disk_cat /boot/grub/grubenv)

# --- boot 2: GRUB runs the PVH entry once --------------------------------------
xen_boot 2-pvh <<'SH' || xen_abort
run verify dom0cuda verify --json --no-smoke
SH
C=$(console 2-pvh)
is "$(xen_guest_type 2-pvh)" PVH "boot2_dom0_is_pvh"
ok "boot2_grub_booted_pvh_entry" grep -qF "Booting \`XCP-ng (PVH dom0)'" "$C"
ok "boot2_kernel_says_xen_pvh" grep -q 'Booting kernel on Xen PVH' "$C"
ok "boot2_kernel_native_pat" grep -q 'x86/PAT: Configuration \[0-7\]: WB  WC  UC- UC  WB  WP  UC- WT' "$C"
V=$(out 2-pvh verify)
is "$(jq_py "$V" 'j["schema"]')" dom0cuda.verify/1 "verify_json_schema"
for item in dom0_pvh xen_dom0_pvh xen_params_valid pat_native oneshot_consumed; do
	is "$(jq_py "$V" "next((i['status'] for i in j['items'] if i['id'] == '$item'), 'missing')")" pass "verify_${item}_passes"
done
is "$(jq_py "$V" "next(i['detail'] for i in j['items'] if i['id'] == 'dom0_pvh')")" "guest_type PVH" "verify_sees_guest_type_pvh"
is "$(rc_of 2-pvh verify)" 0 "verify_exits_0_on_pvh_trial"
ok "grub_consumed_one_shot_on_disk" oneshot_clear

# --- boot 3: no persist, so the default PV entry again -------------------------
xen_boot 3-pv-again <<'SH' || xen_abort
run check dom0cuda check --json
SH
C=$(console 3-pv-again)
is "$(xen_guest_type 3-pv-again)" PV "boot3_without_persist_dom0_is_pv_again"
ok "boot3_grub_booted_default_entry" grep -qF "Booting \`XCP-ng'" "$C"
is "$(jq_py "$(out 3-pv-again check)" '"DOM0_PV" in ids(j)')" True "boot3_check_finds_dom0_pv"
done_testing
