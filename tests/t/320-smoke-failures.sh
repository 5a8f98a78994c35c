#!/bin/bash
# smoke's failure paths through the test double (tests/cudadouble): each
# names the first failing step with its CUDA error, exits 2, never crashes.
. "$(dirname "$0")/../lib.sh"

DBL=$TOP/build/cudadouble
[ -f "$DBL/ok/libcuda.so.1" ] || { echo "not ok 1 - double not built (make test-build)"; exit 1; }
smoke() { LD_LIBRARY_PATH=$DBL/${LIB:-ok} "$D0C" "$@"; }
jq_() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
# fails MODE ID NAME: exit 2 and the first finding is ID.
fails() {
	local json rc
	json=$(D0C_FAKE_CUDA=$1 smoke --json smoke --quick); rc=$?
	is "$rc:$(printf '%s' "$json" | jq_ 'd["findings"][0]["id"]')" "2:$2" "$3"
}

fails 801 NVRM_PAT_UNSUPPORTED "smoke_801_on_first_alloc_is_nvrm_pat_unsupported"
fails nodevice CUDA_NO_DEVICE "smoke_cuinit_no_device_is_a_finding"
fails notinit CUDA_INIT_FAILED "smoke_cuinit_not_initialized_is_a_finding"
fails corrupt CUDA_VERIFY_FAILED "smoke_wrong_data_back_fails_verification"

out=$(D0C_FAKE_CUDA=801 smoke smoke 2>&1)
case "$out" in *"alloc"*"FAIL"*"CUDA_ERROR_NOT_SUPPORTED (801): cuMemAlloc(64 MiB)"*) r=yes ;; *) r=no ;; esac
is "$r" yes "smoke_801_names_step_and_error"
case "$out" in *"next: dom0 is Xen PV; run \`dom0cuda check\`"*) r=yes ;; *) r=no ;; esac
is "$r" yes "smoke_801_points_to_check"
mkdir -p "$TMP/pv/sys/hypervisor"; echo xen >"$TMP/pv/sys/hypervisor/type"; echo PV >"$TMP/pv/sys/hypervisor/guest_type"
case "$(D0C_FAKE_CUDA=801 smoke --root "$TMP/pv" smoke)" in
*"first allocation: dom0 is Xen PV, whose PAT layout"*) r=yes ;; *) r=no ;; esac
is "$r" yes "smoke_801_on_xen_pv_says_dom0_is_pv"
got=$(D0C_FAKE_CUDA=801 smoke --json smoke | jq_ '[(s["name"], s["status"], s.get("code")) for s in d["gpus"][0]["steps"]]')
is "$got" "[('properties', 'pass', None), ('context', 'pass', None), ('alloc', 'fail', 801)]" \
	"smoke_stops_at_first_failed_step"

got=$(LIB=old smoke --json smoke | jq_ 'd["findings"][0]["id"], d["init"][0]["detail"], d["findings"][0]["summary"]')
is "$got" "CUDA_DRIVER_TOO_OLD libcuda.so.1 has no cuDeviceTotalMem_v2 the NVIDIA driver is too old: libcuda.so.1 has no cuDeviceTotalMem_v2 (driver API 10.2)" \
	"smoke_missing_v2_symbol_names_old_driver"
LIB=old smoke smoke >/dev/null 2>&1; is "$?" 2 "smoke_old_driver_exits_2"

# A step that never returns is abandoned after --timeout and named; the
# process still exits 2 promptly (the stuck thread is left to exit).
start=$(date +%s)
json=$(D0C_FAKE_CUDA=hang smoke --json smoke --quick --timeout 1); rc=$?
took=$(( $(date +%s) - start ))
is "$rc" 2 "smoke_hang_exits_2"
got=$(printf '%s' "$json" | jq_ 'd["findings"][0]["id"], d["gpus"][0]["steps"][-1]["name"], d["gpus"][0]["steps"][-1]["status"]')
is "$got" "CUDA_STEP_TIMEOUT kernel timeout" "smoke_hang_names_the_step"
[ "$took" -lt 60 ]; is "$?" 0 "smoke_hang_returns_within_a_minute"

for bad in "--size 0" "--size 12Q" "--device -1" "--reps 0" "--timeout x" "--frobnicate"; do
	# shellcheck disable=SC2086
	smoke smoke $bad >/dev/null 2>&1
	is "$?" 64 "smoke_usage_error_${bad// /_}"
done
done_testing
