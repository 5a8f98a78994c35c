#!/bin/bash
# Installs what the real-Xen boot tests (tests/t/4*-xen-*.sh) need on Debian 12,
# as root. Idempotent. About a minute on a fresh machine.
# Adapted from the team's xenlab (not shipped): QEMU (TCG, no KVM needed),
# Debian's Xen 4.17 (the Xen of XCP-ng 8.3) and its toolstack, a Debian kernel
# for dom0, busybox for the initramfs, GRUB i386-pc for the boot disk.
set -eu
export DEBIAN_FRONTEND=noninteractive
pkgs=(
	qemu-system-x86 xen-hypervisor-4.17-amd64 xen-utils-4.17 linux-image-amd64
	grub-pc-bin grub-common busybox-static cpio kmod e2fsprogs gzip python3
)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
