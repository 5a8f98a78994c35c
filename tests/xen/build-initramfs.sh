#!/bin/bash
# Builds the dom0 initramfs for the real-Xen boot tests: busybox, the Xen
# toolstack pieces `xl info` / `xl dmesg` need (xenstored, xen-init-dom0, xl),
# dom0cuda with the shared libraries it loads, and the Xen, disk and ext4
# modules. Its /init makes the boot disk look like a host's root filesystem
# (the disk's /boot at /boot, its /var/lib/dom0cuda at /var/lib/dom0cuda so
# dom0cuda's state survives reboots, as on a real host), starts xenstored,
# then runs the per-boot script /test/step.sh from the disk and powers off.
# Adapted from the team's xenlab build-initramfs.sh.
# usage: build-initramfs.sh OUT.cpio.gz DOM0CUDA_BINARY
set -eu
out=$(realpath -m "$1"); tool=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
kver=$(ls /lib/modules | sort -V | tail -1)
root=$(mktemp -d); trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/sbin,usr/bin,proc,sys,dev,run,tmp,etc,boot,disk,lib/modules} \
	"$root"/var/{lib/xen,lib/dom0cuda,run,log/xen}
cp /bin/busybox "$root/bin/"
for a in $(/bin/busybox --list); do [ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"; done

# copy_with_libs FILE: the file and every shared library it loads, same paths.
copy_with_libs() {
	mkdir -p "$root$(dirname "$1")"; cp "$1" "$root$1"
	for l in $(ldd "$1" 2>/dev/null | grep -o '/[^ ]*'); do
		[ -e "$root$l" ] && continue
		mkdir -p "$root$(dirname "$l")"; cp -L "$l" "$root$l"
	done
}
for b in /usr/lib/xen-4.17/bin/xl /usr/lib/xen-4.17/bin/xenstored /usr/lib/xen-4.17/bin/xen-init-dom0; do
	copy_with_libs "$b"
done
# XCP-ng has /usr/sbin/xl; dom0cuda tries it first.
ln -s /usr/lib/xen-4.17/bin/xl "$root/usr/sbin/xl"
mkdir -p "$root/etc/xen"; cp -r /etc/xen/. "$root/etc/xen/" 2>/dev/null || true
cp /etc/os-release "$root/etc/os-release"
# The binary users install (release build), not the sanitizer one: ASan under
# TCG is slow and large.
copy_with_libs "$tool"
[ "$tool" = /usr/sbin/dom0cuda ] || mv "$root$tool" "$root/usr/sbin/dom0cuda"

# Modules Debian's kernel needs here, in load order with their dependencies:
# the Xen devices for the toolstack, and AHCI disk + ext4 for the boot disk.
for m in xen-privcmd xen-evtchn xen-gntdev xen-gntalloc xenfs ahci sd_mod ext4; do
	modprobe -S "$kver" --show-depends "$m" | awk '$1 == "insmod" { print $2 }'
done | awk '!seen[$0]++' | while read -r ko; do
	case $ko in
	*.ko.xz) xz -dc "$ko" >"$root/lib/modules/$(basename "$ko" .xz)" ;;
	*) cp "$ko" "$root/lib/modules/" ;;
	esac
	basename "$ko" .xz >>"$root/lib/modules/load-order"
done

install -m 0755 "$here/init" "$root/init"
install -m 0644 "$here/step-lib.sh" "$root/lib/step-lib.sh"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -9) >"$out.tmp"
mv "$out.tmp" "$out"
echo "initramfs: $out ($(du -h "$out" | cut -f1))"
