#!/bin/bash
# smoke on a host without the NVIDIA driver (this CI machine, or an empty
# library path): says so plainly and exits 2, never crashes.
. "$(dirname "$0")/../lib.sh"

mkdir -p "$TMP/empty"
out=$(LD_LIBRARY_PATH="$TMP/empty" "$D0C" smoke 2>&1); rc=$?
is "$rc" 2 "smoke_without_libcuda_exits_2"
case "$out" in *"no NVIDIA driver: libcuda.so.1 cannot be loaded"*) r=yes ;; *) r=no ;; esac
is "$r" yes "smoke_without_libcuda_says_no_nvidia_driver"
case "$out" in *"verdict: CUDA does not work: NVIDIA_DRIVER_ABSENT"*) r=yes ;; *) r=no ;; esac
is "$r" yes "smoke_without_libcuda_verdict_names_finding"

json=$(LD_LIBRARY_PATH="$TMP/empty" "$D0C" --json smoke --quick); rc=$?
is "$rc" 2 "smoke_json_without_libcuda_exits_2"
got=$(printf '%s' "$json" | python3 -c 'import json,sys; d=json.load(sys.stdin)
print(d["schema"], d["ok"], d["findings"][0]["id"], len(d["gpus"]))')
is "$got" "dom0cuda.smoke/1 False NVIDIA_DRIVER_ABSENT 0" "smoke_json_without_libcuda_is_schema_1"

# The machine itself, as it is: only meaningful where no driver is installed.
if ldconfig -p 2>/dev/null | grep -q 'libcuda\.so\.1'; then
	skip "smoke_on_this_host_without_driver" "this host has libcuda.so.1"
else
	out=$(env -u LD_LIBRARY_PATH "$D0C" smoke 2>&1); rc=$?
	case "$rc:$out" in 2:*"no NVIDIA driver"*) r=yes ;; *) r=no ;; esac
	is "$r" yes "smoke_on_this_host_without_driver"
fi
done_testing
