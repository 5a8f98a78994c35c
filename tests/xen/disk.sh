#!/bin/bash
# The test host's disk: a BIOS disk image that boots through a real GRUB
# (i386-pc) from an ext2 root filesystem holding /boot (Xen, the dom0 kernel and
# its config, the test initramfs, grub.cfg) and /test/step.sh, the
# script dom0 runs at its next boot. Built and edited without loop devices or
# mounts: `mke2fs -d` makes the filesystem, debugfs reads and writes files in
# it, GRUB's boot.img and core.img go into the MBR gap by hand (what
# grub-bios-setup would do). Adapted from the team's xenlab grub-disk.sh.
# usage:
#   disk.sh create DISK GRUB_CFG INITRAMFS   new disk (no grubenv, like a
#                                            fresh XCP-ng: fix creates one)
#   disk.sh cat DISK PATH                    print a file of the disk
#   disk.sh put DISK LOCAL_FILE PATH         write a file into the disk
set -eu
fsoff=$((2048 * 512))            # partition 1 starts at 1 MiB
part() { echo "$1?offset=$fsoff"; }

cmd=$1; shift
case $cmd in
cat)
	# debugfs prints errors on stderr and exits 0: check the file exists first.
	debugfs -R "stat $2" "$(part "$1")" 2>&1 | grep -q '^Inode:' || { echo "disk.sh: no $2 on $1" >&2; exit 1; }
	debugfs -R "cat $2" "$(part "$1")" 2>/dev/null
	exit ;;
put)
	debugfs -w -f - "$(part "$1")" >/dev/null 2>&1 <<-CMDS
	rm $3
	write $2 $3
	CMDS
	cmp -s "$2" <("$0" cat "$1" "$3") || { echo "disk.sh: writing $3 failed" >&2; exit 1; }
	exit ;;
create) ;;
*) echo "usage: disk.sh create|cat|put ..." >&2; exit 64 ;;
esac

disk=$1; cfg=$2; initrd=$3
kver=$(ls /lib/modules | sort -V | tail -1)
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
mkdir -p "$w/root/boot/grub" "$w/root/test" "$w/root/var/lib/dom0cuda"
cp "$(ls /boot/xen-4.17*.gz | head -1)" "$w/root/boot/xen.gz"
cp "/boot/vmlinuz-$kver" "/boot/config-$kver" "$w/root/boot/"
cp "$initrd" "$w/root/boot/initrd.img-$kver"
cp "$cfg" "$w/root/boot/grub/grub.cfg"
mke2fs -q -t ext2 -L root-d0ctest -d "$w/root" "$w/fs.img" 64M

mods="biosdisk part_msdos ext2 normal configfile multiboot2 gzio loadenv test echo ls search search_label serial terminal halt reboot sleep"
# shellcheck disable=SC2086
grub-mkimage -O i386-pc -o "$w/core.img" -p '(hd0,msdos1)/boot/grub' $mods

python3 - "$disk" "$w/fs.img" "$w/core.img" "$fsoff" <<'PY'
import struct, sys
disk, fs, core, off = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
fsb, coreb = open(fs, 'rb').read(), bytearray(open(core, 'rb').read())
start = off // 512
assert len(coreb) <= (start - 1) * 512, 'core.img does not fit the MBR gap'
sectors = (len(coreb) + 511) // 512
struct.pack_into('<H', coreb, 0x1fc, sectors - 1)  # diskboot blocklist: rest of core.img from sector 2
boot = open('/usr/lib/grub/i386-pc/boot.img', 'rb').read()
mbr = bytearray(512)
mbr[:440] = boot[:440]                         # kernel_sector in boot.img already points at sector 1
mbr[446:462] = struct.pack('<B3sB3sII', 0x80, b'\xff\xff\xff', 0x83, b'\xff\xff\xff', start, len(fsb) // 512)
mbr[510:512] = b'\x55\xaa'
with open(disk, 'wb') as f:
    f.write(mbr)
    f.write(coreb)
    f.seek(off)
    f.write(fsb)
PY
