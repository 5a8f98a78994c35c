#!/bin/bash
# Scenario d (issue 5): `iommu=pt` on the Xen line (the seed's wrong "fix":
# pt is Linux syntax). Real Xen 4.17 logs the invalid value and boots on;
# `check` reports XEN_PARAM_INVALID quoting the real Xen console, and fix's
# plan drops the token. 1 boot.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/xen/lib.sh"
xen_setup
xen_disk d-iommu-pt iommu=pt

xen_boot 1-pv <<'SH' || xen_abort
run check dom0cuda check --json
run fix-dry dom0cuda fix --dry-run --json --accept NVIDIA_GPU_ABSENT
run xl-dmesg xl dmesg
SH
C=$(console 1-pv)
line='parameter "iommu" has invalid value "pt", rc=-22!'
# Xen parses its command line before its serial console is up: the complaint
# is in its console ring (what `xl dmesg` and dom0cuda read), maybe not on COM1.
ok "xen_logs_invalid_iommu_pt" grep -qF "$line" "$(out 1-pv xl-dmesg)"
is "$(xen_guest_type 1-pv)" PV "dom0_is_pv"
J=$(out 1-pv check)
is "$(jq_py "$J" '"XEN_PARAM_INVALID" in ids(j)')" True "check_finds_xen_param_invalid"
proof=$(jq_py "$J" 'next((p["source"] + "|" + p["text"] for p in finding(j, "XEN_PARAM_INVALID")["proof"] if "invalid value" in p["text"]), "")')
ok "xen_param_invalid_proof_quotes_xen_console" grep -qF "$line" <<<"$proof"
is "${proof%%|*}" "xl dmesg" "xen_param_invalid_proof_from_xl_dmesg"
ok "xen_param_invalid_proof_is_a_real_xen_console_line" bash -c '[ -n "$1" ] && grep -qF -- "$1" "$2"' _ "${proof#*|}" "$(out 1-pv xl-dmesg)"
is "$(jq_py "$J" '"XEN_IOMMU_DISABLED" in ids(j)')" False "iommu_pt_does_not_disable_the_iommu"
F=$(out 1-pv fix-dry)
is "$(jq_py "$F" '"iommu=pt" in j["xen_args"]["old"].split() and "iommu=pt" not in j["xen_args"]["new"].split() and "dom0=pvh" in j["xen_args"]["new"].split()')" True "fix_plan_drops_iommu_pt_adds_dom0_pvh"
done_testing
