#!/bin/bash
# smoke against the test double libcuda/libnvidia-ml (tests/cudadouble; a
# test instrument, its GPUs are named "(test double)"): the working paths.
. "$(dirname "$0")/../lib.sh"

DBL=$TOP/build/cudadouble
[ -f "$DBL/ok/libcuda.so.1" ] || { echo "not ok 1 - double not built (make test-build)"; exit 1; }
smoke() { LD_LIBRARY_PATH=$DBL/${LIB:-ok} "$D0C" "$@"; }
jq_() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

out=$(smoke smoke --size 2M --reps 2 2>&1); rc=$?
is "$rc" 0 "smoke_double_ok_exits_0"
for step in properties context alloc copy kernel "bandwidth pinned" "bandwidth write-combined" \
	    "bandwidth pageable" teardown; do
	case "$out" in *"$step"*PASS*) r=yes ;; *) r=no ;; esac
	is "$r" yes "smoke_double_ok_table_has_${step// /_}"
done
case "$out" in *"Fake GPU 0 (test double)"*"verdict: CUDA works on 1 of 1 GPU"*) r=yes ;; *) r=no ;; esac
is "$r" yes "smoke_double_ok_names_the_double_and_works"
case "$out" in *"H2D "*"GB/s  D2H "*"GB/s  (link 31.5 GB/s"*) r=yes ;; *) r=no ;; esac
is "$r" yes "smoke_bandwidth_shown_next_to_link_rate"

got=$(smoke --json smoke --quick | jq_ '[d["ok"], d["quick"], [s["name"] for s in d["gpus"][0]["steps"]], d["driver"]]')
is "$got" "[True, True, ['properties', 'context', 'alloc', 'copy', 'kernel'], '0.0.0-test-double']" \
	"smoke_quick_stops_after_kernel"

got=$(smoke --json smoke --size 1M --reps 1 | jq_ '[(s["name"], s["h2d_gbs"] > 0, s["d2h_gbs"] > 0) for s in d["gpus"][0]["steps"] if "h2d_gbs" in s]')
is "$got" "[('bandwidth pinned', True, True), ('bandwidth write-combined', True, True), ('bandwidth pageable', True, True)]" \
	"smoke_json_has_bandwidth_per_memory_kind"

got=$(D0C_FAKE_GPUS=3 smoke --json smoke --quick --all | jq_ '[g["index"] for g in d["gpus"] if g["ok"]], d["ok"]')
is "$got" "[0, 1, 2] True" "smoke_all_tests_every_gpu"
got=$(D0C_FAKE_GPUS=3 smoke --json smoke --quick --device 2 | jq_ '[g["index"] for g in d["gpus"]], d["gpus"][0]["pci_bus_id"]')
is "$got" "[2] 0000:3d:00.0" "smoke_device_n_tests_only_that_gpu"
D0C_FAKE_GPUS=3 smoke smoke --quick --device 5 >"$TMP/o" 2>&1; rc=$?
is "$rc:$(grep -c 'CUDA_DEVICE_ABSENT: there is no GPU 5: CUDA sees 3' "$TMP/o")" "2:1" "smoke_absent_device_is_a_finding"

got=$(CUDA_VISIBLE_DEVICES=1 D0C_FAKE_GPUS=2 smoke --json smoke --quick | jq_ 'd["cuda_device_count"], d["nvml_device_count"], d["ok"], [f["id"] for f in d["findings"]]')
is "$got" "1 2 True ['CUDA_VISIBLE_DEVICES']" "smoke_honours_cuda_visible_devices"
got=$(D0C_FAKE_GPUS=2 D0C_FAKE_NVML_GPUS=3 smoke --json smoke --quick | jq_ 'd["ok"], [(f["id"], f["severity"]) for f in d["findings"]]')
is "$got" "True [('CUDA_NVML_COUNT_MISMATCH', 'warn')]" "smoke_cuda_nvml_count_mismatch_is_a_warning"

got=$(LIB=nonvml smoke --json smoke --quick | jq_ 'd["ok"], d["driver"], [f["id"] for f in d["findings"]]')
is "$got" "True None ['NVML_UNAVAILABLE']" "smoke_without_nvml_still_works"
got=$(D0C_FAKE_NVML=fail smoke --json smoke --quick | jq_ 'd["ok"], [f["id"] for f in d["findings"]]')
is "$got" "True ['NVML_UNAVAILABLE']" "smoke_nvml_init_failure_is_info"

# PCIe facts come from sysfs under --root first (NVML second).
dev=$TMP/root/sys/bus/pci/devices/0000:3b:00.0
mkdir -p "$dev"
echo "32.0 GT/s PCIe" >"$dev/current_link_speed"; echo 8 >"$dev/current_link_width"
echo "32.0 GT/s PCIe" >"$dev/max_link_speed"; echo 16 >"$dev/max_link_width"
got=$(smoke --root "$TMP/root" --json smoke --quick | jq_ 'd["gpus"][0]["pcie"]')
is "$got" "{'source': 'sysfs', 'gen': 5, 'width': 8, 'max_gen': 5, 'max_width': 16, 'link_gbs': 31.51}" \
	"smoke_pcie_link_from_sysfs_under_root"
case "$(smoke --root "$TMP/root" smoke --quick)" in
*"PCIe Gen5 x8 (31.5 GB/s; capable of Gen5 x16, sysfs)"*) r=yes ;; *) r=no ;; esac
is "$r" yes "smoke_text_shows_degraded_link"
done_testing
