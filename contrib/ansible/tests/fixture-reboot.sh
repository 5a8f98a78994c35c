#!/bin/sh
# TEST ONLY: stands in for the reboot of a fixture host (role variable
# dom0cuda_reboot_stub). Does to ROOT what GRUB and the next boot would:
#   - the one-shot is consumed: GRUB's next_entry block boots next_entry once
#     and saves it empty (grubenv keeps its 1024 bytes);
#   - the booted system's state (sys/, proc/, commands/) becomes AFTER's, a
#     fixture root of that host running as PVH; boot/ stays as fix left it
#     and sys/firmware/efi stays (UEFI hosts);
#   - AFTER "fallback": the trial did not come up (Xen panicked, the host
#     came back on the old default entry): dom0 is PV again, state unchanged.
# Appends "NAME reboot AFTER" (NAME: ROOT's last component) to $D0C_EVENTS
# when set: the test checks the order of events across hosts.
# usage: fixture-reboot.sh ROOT AFTER|fallback
set -eu
root=$1 after=$2
[ -n "${D0C_EVENTS:-}" ] && echo "$(basename "$root") reboot $after" >>"$D0C_EVENTS"
for env in "$root"/boot/grub/grubenv "$root"/boot/efi/EFI/xenserver/grubenv; do
	[ -f "$env" ] || continue
	python3 - "$env" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p, encoding="latin-1").read()
n = re.sub(r"^next_entry=(.+)\n", lambda m: "next_entry=\n" + "#" * len(m.group(1)), s, count=1, flags=re.M)
assert len(n) == len(s)
open(p, "w", encoding="latin-1").write(n)
PY
done
[ "$after" = fallback ] && exit 0
for d in proc commands; do
	rm -rf "${root:?}/$d"
	cp -a "$after/$d" "$root/$d"
done
# sys/: the running system's, but the firmware (BIOS or UEFI) is the host's.
if [ -d "$root/sys/firmware/efi" ]; then mv "$root/sys/firmware/efi" "$root/.efi"; fi
rm -rf "${root:?}/sys"
cp -a "$after/sys" "$root/sys"
if [ -d "$root/.efi" ]; then chmod u+w "$root/sys/firmware"; mv "$root/.efi" "$root/sys/firmware/efi"; fi
