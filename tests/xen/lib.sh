# Helpers for the real-Xen boot tests (tests/t/4NN-xen-*.sh). Source after
# tests/lib.sh:
#   . "$(dirname "$0")/../lib.sh"; . "$TOP/tests/xen/lib.sh"
#   xen_setup                     deps, dom0cuda, initramfs (or SKIP and exit)
#   xen_disk NAME [XEN_ARGS...]   a fresh test host disk, default entry + XEN_ARGS
#   xen_boot STEP [--allow-reboot] <<'SH' ... SH
#                                 write the step script, boot once, split output
#   out STEP CMD                  file with what `run CMD ...` printed (stdout);
#                                 $(out STEP CMD).err / .rc beside it
# Everything lands under build/xen/NAME/ and stays there for debugging:
# disk.img, grub.cfg.orig, STEP.log (serial console), STEP/ (marker blocks).
XEN_TESTS=$TOP/tests/xen
XEN_BUILD=$TOP/build/xen
XEN_BIN=${XEN_BIN:-$TOP/build/dom0cuda}
XEN_TIMES=$XEN_BUILD/boot-times.txt

# _xen_bail REASON: a setup problem that is not "QEMU cannot be installed".
_xen_bail() { _n=$((_n + 1)); _failed=$((_failed + 1)); echo "not ok $_n - xen setup: $1"; done_testing; exit 1; }

xen_have_deps() {
	command -v qemu-system-x86_64 >/dev/null && command -v grub-mkimage >/dev/null &&
		[ -x /usr/lib/xen-4.17/bin/xl ] && ls /boot/xen-4.17*.gz >/dev/null 2>&1 &&
		ls /boot/vmlinuz-* >/dev/null 2>&1 && [ -x /bin/busybox ] && command -v debugfs >/dev/null
}

# XEN_BASE_DISK=IMG (with XEN_KVER): run on a machine without the packages,
# from a disk made elsewhere by `disk.sh create` (it holds Xen, the kernel and
# the initramfs with dom0cuda); only QEMU, debugfs and python3 are needed.
xen_setup() {
	if [ -n "${XEN_BASE_DISK:-}" ]; then
		command -v qemu-system-x86_64 >/dev/null || _xen_bail "XEN_BASE_DISK set but no qemu-system-x86_64"
		[ -n "${XEN_KVER:-}" ] || _xen_bail "XEN_BASE_DISK needs XEN_KVER"
		mkdir -p "$XEN_BUILD"
		return 0
	fi
	if ! xen_have_deps; then
		if [ "$(id -u)" -eq 0 ]; then "$XEN_TESTS/install-deps.sh" >"$TMP/deps.log" 2>&1; fi
	fi
	if ! command -v qemu-system-x86_64 >/dev/null; then
		echo "1..0 # SKIP qemu-system-x86_64 cannot be installed here (run tests/xen/install-deps.sh as root)"
		exit 0
	fi
	xen_have_deps || _xen_bail "packages missing after tests/xen/install-deps.sh: $(tail -3 "$TMP/deps.log" 2>/dev/null)"
	[ -x "$XEN_BIN" ] || _xen_bail "$XEN_BIN not built (run make)"
	mkdir -p "$XEN_BUILD"
	XEN_INITRD=$XEN_BUILD/initrd.gz
	# Rebuilt when dom0cuda or the image's own files change; one build serves
	# every test. flock: two test files may start together.
	(
		flock 9
		if [ ! -s "$XEN_INITRD" ] || [ -n "$(find "$XEN_BIN" "$XEN_TESTS/init" "$XEN_TESTS/step-lib.sh" \
			"$XEN_TESTS/build-initramfs.sh" -newer "$XEN_INITRD" 2>/dev/null)" ]; then
			"$XEN_TESTS/build-initramfs.sh" "$XEN_INITRD" "$XEN_BIN" >"$XEN_BUILD/initrd.log" 2>&1 || exit 1
		fi
	) 9>"$XEN_BUILD/.lock" || _xen_bail "initramfs build failed: $(tail -3 "$XEN_BUILD/initrd.log")"
	XEN_KVER=$(ls /lib/modules | sort -V | tail -1)
}

# xen_disk NAME [XEN_ARGS...]: build/xen/NAME/disk.img with a fresh XCP-ng-style
# grub.cfg whose default entry ends with XEN_ARGS.
xen_disk() {
	XEN_NAME=$1; shift
	XEN_DIR=$XEN_BUILD/$XEN_NAME
	XEN_DISK=$XEN_DIR/disk.img
	rm -rf "$XEN_DIR"; mkdir -p "$XEN_DIR"
	"$XEN_TESTS/grub-cfg.sh" "$XEN_KVER" "$@" >"$XEN_DIR/grub.cfg.orig" || _xen_bail "grub-cfg.sh failed"
	if [ -n "${XEN_BASE_DISK:-}" ]; then
		cp --sparse=always "$XEN_BASE_DISK" "$XEN_DISK" &&
			"$XEN_TESTS/disk.sh" put "$XEN_DISK" "$XEN_DIR/grub.cfg.orig" /boot/grub/grub.cfg
	else
		"$XEN_TESTS/disk.sh" create "$XEN_DISK" "$XEN_DIR/grub.cfg.orig" "$XEN_INITRD" >/dev/null
	fi || _xen_bail "could not build $XEN_DISK"
}

# disk_cat PATH: a file of the test disk (e.g. /boot/grub/grub.cfg).
disk_cat() { "$XEN_TESTS/disk.sh" cat "$XEN_DISK" "$1"; }

# entries_kept OLD NEW: every menuentry block of grub.cfg OLD is in NEW, byte
# for byte.
entries_kept() {
	python3 - "$1" "$2" <<'PY'
import re, sys
old = open(sys.argv[1]).read(); new = open(sys.argv[2]).read()
blocks = re.findall(r"^menuentry .*?^}\n", old, re.S | re.M)
missing = [b.splitlines()[0] for b in blocks if b not in new]
assert blocks and not missing, "changed or missing: %s" % missing
PY
}

# oneshot_clear: the disk's grubenv arms no one-shot boot (GRUB's save_env
# cleared next_entry, or there is none).
oneshot_clear() {
	local env
	env=$(disk_cat /boot/grub/grubenv) || return 1
	echo "$env" | grep -v '^#'
	! echo "$env" | grep -q '^next_entry=.'
}

# xen_boot STEP [--allow-reboot]: the step script (stdin) goes to the disk's
# /test/step.sh, the disk boots once, the serial log is split into
# build/xen/NAME/STEP/. One TAP line: the boot reached the end of the script.
# Returns non-zero if it did not (later assertions on it will fail too).
xen_boot() {
	local step=$1 reboot=${2:-} start secs rc
	cat >"$XEN_DIR/$step.sh"
	"$XEN_TESTS/disk.sh" put "$XEN_DISK" "$XEN_DIR/$step.sh" /test/step.sh || _xen_bail "cannot write step $step"
	# XEN_KEEP_PRE=1 keeps the disk as it was before each boot (replays, timing).
	[ "${XEN_KEEP_PRE:-}" = 1 ] && cp --sparse=always "$XEN_DISK" "$XEN_DIR/$step.pre.img"
	start=$(date +%s)
	BOOT_TIMEOUT=${BOOT_TIMEOUT:-240} "$XEN_TESTS/boot.sh" $reboot "$XEN_DISK" "$XEN_DIR/$step.log"
	rc=$?
	secs=$(( $(date +%s) - start ))
	"$XEN_TESTS/split-log.sh" "$XEN_DIR/$step.log" "$XEN_DIR/$step"
	echo "$(date -u +%FT%TZ) $XEN_NAME $step ${secs}s rc=$rc dom0=$(xen_guest_type "$step")" >>"$XEN_TIMES"
	_n=$((_n + 1))
	if [ "$rc" -eq 0 ] && grep -q '^=====D0C DONE=====' "$XEN_DIR/$step/console.txt"; then
		echo "ok $_n - boot $step finished in ${secs}s (dom0 $(xen_guest_type "$step"))"
		return 0
	fi
	_failed=$((_failed + 1))
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "not ok $_n - boot $step timed out after ${secs}s (log $XEN_DIR/$step.log)"
	else
		echo "not ok $_n - boot $step did not finish (qemu rc $rc, log $XEN_DIR/$step.log)"
	fi
	tail -15 "$XEN_DIR/$step/console.txt" | sed 's/^/#   /'
	return 1
}

# xen_abort: after a boot that did not finish, the next ones would only burn
# minutes of emulation on a host in an unknown state: stop the scenario.
xen_abort() {
	_n=$((_n + 1)); _failed=$((_failed + 1))
	echo "not ok $_n - later boots of $XEN_NAME not run: a boot did not finish"
	done_testing; exit 1
}

# xen_guest_type STEP: PV/PVH as dom0 reported it, empty if it never came up.
xen_guest_type() {
	sed -n 's/^=====D0C BOOTED guest_type=\(.*\)=====$/\1/p' "$XEN_DIR/$1/console.txt" 2>/dev/null | tail -1
}

# out STEP CMD: path of the stdout of `run CMD` in that step.
out() { echo "$XEN_DIR/$1/$2.out"; }
rc_of() { cat "$XEN_DIR/$1/$2.rc" 2>/dev/null || echo none; }

# console STEP: the step's serial console, carriage returns removed.
console() { echo "$XEN_DIR/$1/console.txt"; }

# jq_py FILE EXPR: evaluates a Python expression over the JSON in FILE (as j)
# and prints the result; helpers: finding(j, ID) -> the finding or None,
# ids(j) -> list of finding ids.
jq_py() {
	python3 - "$1" "$2" <<'PY'
import json, sys
def finding(j, fid):
    return next((f for f in j.get("findings", []) if f.get("id") == fid), None)
def ids(j):
    return [f.get("id") for f in j.get("findings", [])]
def proofs(j, fid):
    f = finding(j, fid)
    return [p.get("text", "") for p in (f or {}).get("proof", [])]
try:
    j = json.load(open(sys.argv[1]))
except Exception as e:
    print("unparsable JSON: %s" % e); sys.exit(1)
r = eval(sys.argv[2])
print(r if not isinstance(r, (list, dict)) else json.dumps(r))
PY
}
