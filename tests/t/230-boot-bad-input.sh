#!/bin/bash
# Bad input and hostile trees: a clear error, the right exit code, and not
# one file written (nor anything outside --root).
. "$(dirname "$0")/../lib.sh"
export SOURCE_DATE_EPOCH=1764000000
SEED=$TOP/tests/fixtures/xcpng83-pv-h100-iommu-default

fresh() { H=$TMP/$1; rm -rf "$H"; cp -r "$SEED" "$H"; chmod -R u+w "$H"; }
# Every regular file under a tree with its checksum (symlinks as targets).
snap() { (cd "$1" && find . \( -type f -o -type l \) -printf '%p %l\n' | sort && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
untouched() { snap "$H" >"$TMP/after"; ok "$1" cmp "$TMP/before" "$TMP/after"; }

# A grub.cfg GRUB would not parse: an entry left open.
fresh unparsable
printf "menuentry 'Broken' {\n\tmultiboot2 /boot/xen.gz\n" >>"$H/boot/grub/grub.cfg"
snap "$H" >"$TMP/before"
"$D0C" --root "$H" fix --yes >/dev/null 2>"$TMP/err"; rc=$?
is "$rc" 65 "unparsable_grub_cfg_exits_65"
is "$(cat "$TMP/err")" "dom0cuda: error: /boot/grub/grub.cfg:38: expected '}' to close the block opened at line 36, found end of file" \
	"unparsable_grub_cfg_error_names_file_line_and_expectation"
untouched "unparsable_grub_cfg_writes_nothing"

# A grubenv that is not an environment block.
fresh badenv
head -c 1024 /dev/zero | tr '\0' 'x' >"$H/boot/grub/grubenv"
snap "$H" >"$TMP/before"
"$D0C" --root "$H" fix --yes >/dev/null 2>"$TMP/err"; rc=$?
is "$rc" 65 "invalid_grubenv_exits_65"
ok "invalid_grubenv_error_says_why" grep -q '/boot/grub/grubenv:line 1: not a GRUB environment block' "$TMP/err"
untouched "invalid_grubenv_writes_nothing"

# No Xen entry at all.
fresh noxen
printf "set default=0\nmenuentry 'Linux' {\n\tlinux /boot/vmlinuz\n}\n" >"$H/boot/grub/grub.cfg"
snap "$H" >"$TMP/before"
"$D0C" --root "$H" fix --yes --force >/dev/null 2>"$TMP/err"; rc=$?
is "$rc" 65 "missing_xen_entry_exits_65"
ok "missing_xen_entry_error" grep -q "grub.cfg:2: the default entry 'Linux' does not boot Xen" "$TMP/err"
untouched "missing_xen_entry_writes_nothing"

# The booted entry is not in the file: maybe not the grub.cfg GRUB reads.
fresh otherargs
sed -i 's|^xen_commandline .*|xen_commandline        : dom0_mem=1024M|' "$H/commands/xl-info.txt"
snap "$H" >"$TMP/before"
"$D0C" --root "$H" fix --yes >/dev/null 2>"$TMP/err"; rc=$?
is "$rc" 65 "booted_entry_not_found_exits_65"
ok "booted_entry_not_found_says_so" grep -q 'no entry of /boot/grub/grub.cfg has the Xen arguments this host booted with' "$TMP/err"
untouched "booted_entry_not_found_writes_nothing"

# No grub.cfg for this boot mode (UEFI host with only a BIOS file).
fresh nocfg
mkdir -p "$H/sys/firmware/efi"
snap "$H" >"$TMP/before"
"$D0C" --root "$H" fix --yes --force >/dev/null 2>"$TMP/err"; rc=$?
is "$rc" 66 "no_grub_cfg_for_boot_mode_exits_66"
ok "stale_other_mode_file_mentioned" grep -q '/boot/grub/grub.cfg exists but is for the other boot mode' "$TMP/err"
untouched "no_grub_cfg_writes_nothing"

# /boot/grub is a symlink that leaves the root.
fresh escape
mkdir -p "$TMP/outside"; mv "$H/boot/grub" "$TMP/outside/grub"; ln -s "$TMP/outside/grub" "$H/boot/grub"
cp -r "$TMP/outside" "$TMP/outside.orig"
snap "$H" >"$TMP/before"
"$D0C" --root "$H" fix --yes --force >/dev/null 2>"$TMP/err"; rc=$?
is "$rc" 74 "symlink_out_of_root_exits_74"
ok "symlink_out_of_root_error" grep -q 'a symlink on the path leads outside --root' "$TMP/err"
untouched "symlink_out_of_root_writes_nothing_inside"
ok "symlink_out_of_root_writes_nothing_outside" diff -r "$TMP/outside.orig" "$TMP/outside"

# The state directory is a symlink that leaves the root.
fresh escape2
mkdir -p "$TMP/outside2" "$H/var/lib"; ln -s "$TMP/outside2" "$H/var/lib/dom0cuda"
snap "$H" >"$TMP/before"
"$D0C" --root "$H" fix --yes >/dev/null 2>"$TMP/err"; rc=$?
is "$rc" 73 "state_dir_symlink_out_of_root_exits_73"
untouched "state_dir_symlink_writes_nothing_inside"
is "$(ls -A "$TMP/outside2")" "" "state_dir_symlink_writes_nothing_outside"

# grub.cfg itself is a symlink (inside the root): never replaced.
fresh cfglink
mv "$H/boot/grub/grub.cfg" "$H/boot/grub/real.cfg"; ln -s real.cfg "$H/boot/grub/grub.cfg"
snap "$H" >"$TMP/before"
"$D0C" --root "$H" fix --yes --force >/dev/null 2>"$TMP/err"; rc=$?
is "$rc" 74 "grub_cfg_symlink_refused"
untouched "grub_cfg_symlink_writes_nothing"

# A second run while the first holds the lock: exit 75, says who.
fresh locked
mkdir -p "$H/var/lib/dom0cuda"
echo "pid 4242, dom0cuda fix, since 1764000000" >"$H/var/lib/dom0cuda/lock"
if command -v flock >/dev/null; then
	flock -o "$H/var/lib/dom0cuda/lock" sleep 5 & holder=$!
	sleep 0.3
	snap "$H" >"$TMP/before"
	"$D0C" --root "$H" fix --yes >/dev/null 2>"$TMP/err"; rc=$?
	is "$rc" 75 "second_concurrent_run_exits_75"
	ok "lock_error_names_holder" grep -q 'pid 4242, dom0cuda fix' "$TMP/err"
	untouched "locked_run_writes_nothing"
	kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
else
	skip "second_concurrent_run_exits_75" "no flock(1)"
fi
# The holder died: its lock file stays, says who, and is taken over.
"$D0C" --root "$H" fix --yes >/dev/null 2>"$TMP/err"; rc=$?
is "$rc" 0 "stale_lock_is_recovered"
ok "stale_lock_holder_reported" grep -q 'recovered a stale lock left by pid 4242, dom0cuda fix' "$TMP/err"
ok "lock_file_removed_after_run" test ! -e "$H/var/lib/dom0cuda/lock"

# Read-only /boot (a read-only bind mount when we are root).
fresh ro
snap "$H" >"$TMP/before"
if [ "$(id -u)" != 0 ]; then
	chmod a-w "$H/boot/grub"
	"$D0C" --root "$H" fix --yes >/dev/null 2>"$TMP/err"; rc=$?
	chmod u+w "$H/boot/grub"
elif command -v unshare >/dev/null && unshare -m true 2>/dev/null; then
	unshare -m sh -c "mount --bind '$H/boot' '$H/boot' && mount -o remount,bind,ro '$H/boot' && '$D0C' --root '$H' fix --yes" >/dev/null 2>"$TMP/err"; rc=$?
else
	rc=skip
fi
if [ "$rc" = skip ]; then
	skip "read_only_boot_refused" "cannot make a read-only /boot here"
else
	ok "read_only_boot_fails_cleanly" test "$rc" = 73 -o "$rc" = 77
	ok "read_only_boot_error_names_file" grep -q 'cannot write /boot/grub/grub.cfg' "$TMP/err"
	ok "read_only_boot_keeps_grub_cfg" cmp "$SEED/boot/grub/grub.cfg" "$H/boot/grub/grub.cfg"
	"$D0C" --root "$H" rollback --yes >/dev/null 2>&1
	ok "read_only_boot_then_rollback_leaves_boot_as_before" diff -r "$SEED/boot" "$H/boot"
fi
# Two different BIOS grub.cfg files: which one GRUB reads is not ours to guess.
fresh ambiguous
mkdir -p "$H/boot/grub2"; sed 's/set timeout=5/set timeout=10/' "$H/boot/grub/grub.cfg" >"$H/boot/grub2/grub.cfg"
snap "$H" >"$TMP/before"
"$D0C" --root "$H" fix --yes >/dev/null 2>"$TMP/err"; rc=$?
is "$rc" 65 "ambiguous_boot_config_exits_65"
ok "ambiguous_boot_config_names_both" grep -q '/boot/grub/grub.cfg and /boot/grub2/grub.cfg both exist and differ' "$TMP/err"
untouched "ambiguous_boot_config_writes_nothing"
cp "$H/boot/grub/grub.cfg" "$H/boot/grub2/grub.cfg"
"$D0C" --root "$H" fix --dry-run >/dev/null 2>&1
is "$?" 0 "identical_grub_and_grub2_configs_are_fine"

# /boot on LVM or btrfs: GRUB could not clear the one-shot, so no trial.
for m in "/dev/mapper/vg-root / ext4 rw 0 0" "/dev/sda2 / ext4 rw 0 0
/dev/sda1 /boot btrfs rw 0 0"; do
	fresh unsafe-env
	printf '%s\n' "$m" >"$H/proc/mounts"
	snap "$H" >"$TMP/before"
	"$D0C" --root "$H" fix --yes >/dev/null 2>"$TMP/err"; rc=$?
	is "$rc" 65 "grubenv_on_${m%% *}_refused"
	ok "grubenv_on_${m%% *}_says_why" grep -q 'GRUB cannot write its environment block' "$TMP/err"
	untouched "grubenv_on_${m%% *}_writes_nothing"
done
fresh plain-env
printf '/dev/sda2 / ext4 rw 0 0\n/dev/mapper/vg-data /srv xfs rw 0 0\n' >"$H/proc/mounts"
"$D0C" --root "$H" fix --dry-run >/dev/null 2>&1
is "$?" 0 "grubenv_on_plain_partition_is_fine"
# Hosts fix must not touch: a domU (blocked without a finding of its own),
# bare metal where CUDA already works (nothing to do).
D=$TOP/tests/fixtures
H=$TMP/domu; cp -r "$D/xen-domu-hvm" "$H"; chmod -R u+w "$H"
"$D0C" --root "$H" fix --yes >/dev/null 2>"$TMP/err"; rc=$?
is "$rc" 2 "fix_in_a_domU_is_refused"
ok "fix_in_a_domU_says_not_dom0" grep -q 'NOT_DOM0' "$TMP/err"
H=$TMP/bare; cp -r "$D/baremetal-h100" "$H"; chmod -R u+w "$H"
"$D0C" --root "$H" fix --yes >"$TMP/out" 2>&1; rc=$?
is "$rc" 0 "fix_on_working_bare_metal_does_nothing"
ok "fix_on_bare_metal_says_nothing_to_fix" grep -q '^Nothing to fix' "$TMP/out"
# Booted from the Serial entry: the plan says the trial copies the default.
fresh serial
sed -i 's|^xen_commandline .*|xen_commandline        : com1=115200,8n1 console=com1,vga dom0_mem=8192M,max:8192M watchdog ucode=scan dom0_max_vcpus=1-16 crashkernel=256M,below=4G|' "$H/commands/xl-info.txt"
"$D0C" --root "$H" fix --dry-run >"$TMP/out" 2>&1
ok "plan_notes_host_booted_from_another_entry" grep -q "note: this host booted from 'XCP-ng (Serial)', not from the default entry" "$TMP/out"
done_testing
