#!/bin/bash
# fix on every real-world grub.cfg in tests/fixtures/grub (see its
# SOURCES.md): the seed host with that file as its boot config. Each edited
# result passes grub-script-check, adds exactly one entry, and a rollback
# gives the original bytes back. Also XenServer's override_entry one-shot.
. "$(dirname "$0")/../lib.sh"
export SOURCE_DATE_EPOCH=1764000000
SEED=$TOP/tests/fixtures/xcpng83-pv-h100-iommu-default
G=$TOP/tests/fixtures/grub
have_grub=1; command -v grub-script-check >/dev/null || have_grub=0

# host NAME CFG CFGPATH XEN_COMMANDLINE: a seed copy booted from CFG.
host() {
	H=$TMP/$1
	rm -rf "$H"; cp -r "$SEED" "$H"; chmod -R u+w "$H"
	rm -f "$H/boot/grub/grub.cfg"
	mkdir -p "$H/$(dirname "$3")"; cp "$2" "$H/$3"; chmod u+w "$H/$3"
	case "$3" in *efi*) mkdir -p "$H/sys/firmware/efi" ;; esac
	sed -i "s|^xen_commandline .*|xen_commandline        : $4|" "$H/commands/xl-info.txt"
}
script_ok() {
	if [ $have_grub = 1 ]; then ok "$1" grub-script-check "$2"; else skip "$1" "grub-common not installed"; fi
}
# flow NAME CFG CFGPATH CMDLINE TITLE: fix, checks, rollback.
flow() {
	host "$1" "$2" "$3" "$4"
	"$D0C" --root "$H" fix --dry-run >"$TMP/$1.dry" 2>&1
	is "$?" 0 "fix_dry_run_on_$1"
	ok "dry_run_on_$1_writes_nothing" cmp "$2" "$H/$3"
	"$D0C" --root "$H" fix --yes >"$TMP/$1.out" 2>&1
	is "$?" 0 "fix_on_$1"
	script_ok "grub_script_check_after_fix_on_$1" "$H/$3"
	is "$(grep -c "menuentry '$5 (PVH dom0)'" "$H/$3")" 1 "one_pvh_entry_on_$1"
	is "$(grep -c 'dom0=pvh' "$H/$3")" 1 "only_the_new_entry_has_dom0_pvh_on_$1"
	"$D0C" --root "$H" fix --yes >/dev/null 2>&1
	is "$(grep -c "(PVH dom0)'" "$H/$3")" 1 "fix_twice_on_$1_adds_nothing"
	"$D0C" --root "$H" rollback --yes >/dev/null 2>&1
	is "$?" 0 "rollback_on_$1"
	ok "rollback_on_$1_restores_bytes" cmp "$2" "$H/$3"
}

XCP83='dom0_mem=8192M,max:8192M watchdog ucode=scan dom0_max_vcpus=1-16 crashkernel=256M,below=4G console=vga vga=mode-0x0311'
flow xcpng83-bios "$G/xcpng83-bios.cfg" boot/grub/grub.cfg "$XCP83" XCP-ng
flow xcpng83-uefi "$G/xcpng83-uefi.cfg" boot/efi/EFI/xenserver/grub.cfg "$XCP83" XCP-ng
flow xcpng-bios-serial "$G/xcpng-bios-serial.cfg" boot/grub/grub.cfg \
	'dom0_mem=7584M,max:7584M watchdog ucode=scan dom0_max_vcpus=1-16 crashkernel=256M,below=4G console=vga vga=mode-0x0311' XCP-ng
flow debian12-nvme "$G/debian12-xen-default-nvme.cfg" boot/grub/grub.cfg \
	'placeholder dom0_mem=4096M,max:4096M dom0_max_vcpus=1-4 dom0_vcpus_pin' 'Debian GNU/Linux, with Xen hypervisor'
host debian12-nvme "$G/debian12-xen-default-nvme.cfg" boot/grub/grub.cfg 'placeholder dom0_mem=4096M,max:4096M dom0_max_vcpus=1-4 dom0_vcpus_pin'
"$D0C" --root "$H" fix --yes >/dev/null 2>&1
ok "debian_next_entry_names_new_id" grep -q '^next_entry=xen-gnulinux-simple-9c7d3e2a-5b1f-4e8d-a6c4-2f0e81b7d395-pvh$' "$H/boot/grub/grubenv"
ok "debian_config_gets_no_second_oneshot_block" sh -c "! grep -q 'BEGIN dom0cuda oneshot' '$H/boot/grub/grub.cfg'"

# Debian without GRUB_DEFAULT: the default (entry 0) boots Linux, not Xen.
host debian12 "$G/debian12-xen.cfg" boot/grub/grub.cfg 'placeholder dom0_mem=4096M'
"$D0C" --root "$H" fix --yes --force >"$TMP/deb.out" 2>&1
is "$?" 65 "fix_refuses_when_default_entry_is_not_xen"
ok "refusal_names_file_line_and_entry" grep -q "/boot/grub/grub.cfg:87: the default entry 'GNU/Linux' does not boot Xen" "$TMP/deb.out"
ok "refusal_writes_nothing" cmp "$G/debian12-xen.cfg" "$H/boot/grub/grub.cfg"

# A grub.cfg rewritten by XCP-ng's python-libs carries its override_entry
# block (domain-facts §6, bootloader.py readGrub2/writeGrub2).
python3 - "$G/xcpng83-bios.cfg" "$TMP/override.cfg" <<'PY'
import sys
s = open(sys.argv[1]).read()
block = ("if [ -s $prefix/grubenv ]; then\n\tload_env\nfi\n"
         "if [ -n \"$override_entry\" ]; then\n\tset default=$override_entry\nfi\n")
i = s.index("menuentry ")
open(sys.argv[2], "w").write(s[:i] + block + s[i:])
PY
host override "$TMP/override.cfg" boot/grub/grub.cfg "$XCP83"
"$D0C" --root "$H" fix --yes >/dev/null 2>&1
is "$?" 0 "fix_on_override_entry_config"
is "$(grub-editenv "$H/boot/grub/grubenv" list 2>/dev/null || sed 's/#*$//' "$H/boot/grub/grubenv" | tail -n +2)" "override_entry=1" "override_entry_armed_by_index"
ok "pvh_entry_clears_override_entry_first" python3 -c '
import sys
s = open(sys.argv[1]).read()
i = s.index("menuentry '"'"'XCP-ng (PVH dom0)'"'"' {\n")
assert s[i:].split("\n")[1:3] == ["\tunset override_entry", "\tsave_env override_entry"]' "$H/boot/grub/grub.cfg"
ok "override_config_gets_no_next_entry_block" sh -c "! grep -q next_entry '$H/boot/grub/grub.cfg'"
script_ok "grub_script_check_after_fix_on_override" "$H/boot/grub/grub.cfg"
done_testing
