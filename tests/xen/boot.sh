#!/bin/bash
# Boots the test disk once under QEMU (TCG: no KVM needed) on hardware that
# can run a PVH dom0 (AMD CPU with SVM+NPT, an AMD IOMMU) and saves the serial
# console (GRUB, Xen, dom0) to LOG. Adapted from the team's xenlab boot.sh.
# usage: boot.sh [--allow-reboot] DISK LOG
#   By default a reboot ends QEMU (-no-reboot): one power-on, one boot.
#   --allow-reboot lets a Xen panic reboot into GRUB again (fallback tests);
#   the run still ends when dom0 powers off.
# BOOT_TIMEOUT (seconds, default 240) bounds the run; exit 124 when it fires.
# LOG.times gets each console line with the seconds since QEMU started.
# 4 GiB: with 2 GiB a PVH dom0 ran about 5x slower from its first
# instruction (26 s instead of 5 s to Linux's first line after Xen's
# hand-off, 6-9 minute boots, soft lockups) when GRUB loaded it, though not
# when QEMU's -kernel did; with 4 GiB every boot, PV or PVH, takes 15-30 s.
# Two CPUs (at 2 GiB, with one, a PVH dom0 soft-locked in stop_machine), no
# NIC, RDRAND so dom0's RNG is ready at once (xenstored waited ~20 s for it).
set -u
reboot=-no-reboot
[ "${1:-}" = --allow-reboot ] && { reboot=; shift; }
disk=$1; log=$2
accel=tcg
# shellcheck disable=SC2086
set -o pipefail
timeout --kill-after=10 "${BOOT_TIMEOUT:-240}" qemu-system-x86_64 \
	-machine q35,accel=$accel -device amd-iommu -cpu qemu64,+svm,+npt,+rdrand -smp 2 -m 4096 -nic none \
	-nographic -monitor none -serial stdio $reboot \
	-drive file="$disk",format=raw,if=ide \
	</dev/null 2>&1 | tee "$log" | python3 -uc '
import sys, time
t0 = time.time()
for line in sys.stdin.buffer:
    sys.stdout.write("%7.1f %s\n" % (time.time() - t0, line.decode(errors="replace").rstrip()))
' >"$log.times"
