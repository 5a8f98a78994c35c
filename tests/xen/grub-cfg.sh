#!/bin/bash
# Prints an XCP-ng-style grub.cfg for the test disk: the menu XCP-ng 8.3's
# installer writes (default entry, Serial, Safe Mode; no load_env/next_entry
# block), with this disk's files and a serial console so the test can read Xen
# and dom0 on COM1. Compare tests/fixtures or ../shared/fixtures/grub-real/
# xcpng83-bios.cfg.
# usage: grub-cfg.sh KVER [XEN_ARGS...]
#   XEN_ARGS go at the end of the default entry's Xen line: `iommu=no` is the
#   reported host's starting point, `iommu=pt` the invalid "fix" it tried.
# Differences from a real host, all for the test: timeout 1 instead of 5,
# console=com1 and a larger Xen console ring on the default entry (XCP-ng
# keeps the whole Xen log in hypervisor.log; here `xl dmesg` must reach back
# to the command-line complaints Xen prints before its serial is up), dom0
# sized for the 4 GiB VM, no watchdog (the NMI watchdog misfires under
# emulation) and no crashkernel. dom0_max_vcpus=1-16 is XCP-ng's own.
set -eu
kver=$1; shift
label=root-d0ctest
xen="dom0_mem=1024M,max:1024M ucode=scan dom0_max_vcpus=1-16"
kern="/boot/vmlinuz-$kver root=LABEL=$label ro nolvm hpet=disable console=hvc0"
init="/boot/initrd.img-$kver"
cat <<CFG
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set default=0
set timeout=1
menuentry 'XCP-ng' {
	search --label --set root $label
	multiboot2 /boot/xen.gz $xen com1=115200,8n1 console=com1,vga conring_size=128k${*:+ $*}
	module2 $kern
	module2 $init
}
menuentry 'XCP-ng (Serial)' {
	search --label --set root $label
	multiboot2 /boot/xen.gz com1=115200,8n1 console=com1,vga $xen
	module2 $kern console=tty0
	module2 $init
}
menuentry 'XCP-ng in Safe Mode' {
	search --label --set root $label
	multiboot2 /boot/xen.gz nosmp noreboot noirqbalance no-mce no-bootscrub no-numa no-hap no-mmcfg max_cstate=0 nmi=ignore allow_unsafe dom0_mem=1024M,max:1024M com1=115200,8n1 console=com1,vga
	module2 /boot/vmlinuz-$kver earlyprintk=xen root=LABEL=$label ro nolvm hpet=disable console=tty0 console=hvc0
	module2 $init
}
CFG
