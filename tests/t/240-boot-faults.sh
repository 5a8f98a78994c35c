#!/bin/bash
# Crash safety: fix, persist and rollback run under an LD_PRELOAD injector
# (tests/faultinject) that fails the Nth open/openat/write/fsync/renameat in
# turn (EIO, and ENOSPC for a full disk). After every run each boot file is
# exactly the old or the new bytes, no temp file is left, and a clean
# rollback brings back the original.
. "$(dirname "$0")/../lib.sh"
export SOURCE_DATE_EPOCH=1764000000
SEED=$TOP/tests/fixtures/xcpng83-pv-h100
EXP=$TOP/tests/expected/boot/xcpng83
BIN=$TOP/build/dom0cuda   # the injector and ASan do not share a process well
FI=$TMP/faultinject.so
cc -shared -fPIC -O1 -o "$FI" "$TOP/tests/faultinject/faultinject.c" -ldl || { echo "not ok 1 - build injector"; exit 1; }

one_of() { # FILE A B: FILE's bytes are A's or B's (B "-" = absent)
	if [ ! -e "$1" ]; then [ "$3" = - ] || [ "$2" = - ]; return; fi
	{ [ "$2" != - ] && cmp -s "$1" "$2"; } || { [ "$3" != - ] && cmp -s "$1" "$3"; }
}
bad=0; runs=0; fired=0
for op in openat write fsync renameat pwrite; do
	for n in $(seq 1 9); do
		for err in 5 28; do
			[ "$err" = 28 ] && [ "$op" != write ] && continue
			H=$TMP/h; rm -rf "$H"; cp -r "$SEED" "$H"; chmod -R u+w "$H"
			FI_OP=$op FI_NTH=$n FI_ERRNO=$err LD_PRELOAD=$FI "$BIN" --root "$H" fix --yes >/dev/null 2>"$TMP/err"
			rc=$?; runs=$((runs + 1)); [ $rc != 0 ] && fired=$((fired + 1))
			what="fix with the ${n}th $op failing (errno $err, exit $rc)"
			one_of "$H/boot/grub/grub.cfg" "$SEED/boot/grub/grub.cfg" "$EXP/1-fix-grub.cfg" || { echo "# grub.cfg torn: $what"; bad=$((bad + 1)); }
			one_of "$H/boot/grub/grubenv" - "$EXP/1-fix-grubenv" || { echo "# grubenv torn: $what"; bad=$((bad + 1)); }
			if [ -e "$H/var/lib/dom0cuda/state.json" ] && ! python3 -m json.tool "$H/var/lib/dom0cuda/state.json" >/dev/null 2>&1; then
				echo "# journal torn: $what"; bad=$((bad + 1)); fi
			if find "$H" -name '*.dom0cuda-tmp' | grep -q .; then echo "# temp file left: $what"; bad=$((bad + 1)); fi
			if [ $rc != 0 ] && ! grep -q 'dom0cuda: error:' "$TMP/err"; then echo "# no error message: $what"; bad=$((bad + 1)); fi
			"$BIN" --root "$H" rollback --yes >/dev/null 2>&1
			if ! cmp -s "$H/boot/grub/grub.cfg" "$SEED/boot/grub/grub.cfg" || [ -e "$H/boot/grub/grubenv" ]; then
				echo "# rollback after a failed fix did not restore: $what"; bad=$((bad + 1)); fi
		done
	done
done
is "$bad" 0 "boot_files_always_old_or_new_bytes ($runs runs, $fired failed)"
ok "faults_were_injected" test "$fired" -gt 10

# Rollback itself under faults: files stay old (fixed) or new (original).
bad=0
for op in openat write fsync renameat; do
	for n in $(seq 1 5); do
		H=$TMP/h; rm -rf "$H"; cp -r "$SEED" "$H"; chmod -R u+w "$H"
		"$BIN" --root "$H" fix --yes >/dev/null 2>&1
		FI_OP=$op FI_NTH=$n LD_PRELOAD=$FI "$BIN" --root "$H" rollback --yes >/dev/null 2>&1
		one_of "$H/boot/grub/grub.cfg" "$SEED/boot/grub/grub.cfg" "$EXP/1-fix-grub.cfg" || { echo "# grub.cfg torn by rollback, $op #$n"; bad=$((bad + 1)); }
		"$BIN" --root "$H" rollback --yes >/dev/null 2>&1
		cmp -s "$H/boot/grub/grub.cfg" "$SEED/boot/grub/grub.cfg" || { echo "# second rollback did not finish, $op #$n"; bad=$((bad + 1)); }
	done
done
is "$bad" 0 "interrupted_rollback_can_be_finished"
done_testing
