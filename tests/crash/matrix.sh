#!/bin/bash
# The crash matrix (issue 8): fix, persist and rollback on a copy of the seed
# host, killed (SIGKILL) right after their k-th write-class syscall, for
# every k, then failed at their k-th call with ENOSPC, EIO, EROFS and EACCES.
# After each run:
#   - grub.cfg, grubenv and the journal are each exactly the bytes before or
#     after a clean run of the same command (absent counts as bytes);
#   - every backup present is complete;
#   - grub.cfg passes grub-script-check;
#   - exit 0 means the clean run's result; an error exit says why, and no
#     message claims a file "is unchanged" when it changed;
#   - a lock file left behind says who held it;
# and from that state, on separate copies:
#   - the same command again exits 0 and reaches the clean run's files;
#   - `rollback` exits 0 and brings back the files from before dom0cuda;
#   - neither is blocked by a stale lock or temp file; temp files still
#     lying around after recovery are counted (clutter, not a failure).
# usage: tests/crash/matrix.sh [VERB...]    (default: fix persist rollback)
# Prints one line per verb and mode, "N/N", and details of each failure.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SEED=${SEED:-$TOP/tests/fixtures/xcpng83-pv-h100}
W=$(mktemp -d "${TMPDIR:-/tmp}/d0c-crash.XXXXXX")
trap 'rm -rf "$W"' EXIT
export SOURCE_DATE_EPOCH=1764000000 NO_COLOR=1
# The injected run uses the sanitizer build (error paths are where memory
# bugs hide); recoveries the release build. Copies, so a rebuild elsewhere
# cannot change them mid-matrix.
cp "$TOP/build/san/dom0cuda" "$W/d0c-san"; cp "$TOP/build/dom0cuda" "$W/d0c"
cc -shared -fPIC -O1 -o "$W/crashpoint.so" "$TOP/tests/crash/crashpoint.c" -ldl || exit 2
export ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0:abort_on_error=0
GSC=$(command -v grub-script-check || true)
FILES="boot/grub/grub.cfg boot/grub/grubenv var/lib/dom0cuda/state.json"
VERB_ARGS_fix="fix --yes"
VERB_ARGS_persist="persist --force --yes"
VERB_ARGS_rollback="rollback --yes"

d0c() { "$W/d0c" --root "$@"; }
# fresh DIR: the seed host, writable.
fresh() { rm -rf "$1"; cp -a "$SEED" "$1"; chmod -R u+w "$1"; }
# same A B: files A and B hold the same bytes, or are both absent.
same() { if [ -e "$1" ] || [ -e "$2" ]; then cmp -s "$1" "$2"; fi; }

# The state before and after a clean run of each verb.
setup() {
	local v=$1
	fresh "$W/orig"
	fresh "$W/pre"
	case $v in
	persist) d0c "$W/pre" fix --yes >/dev/null 2>&1 ;;
	rollback) d0c "$W/pre" fix --yes >/dev/null 2>&1; d0c "$W/pre" persist --force --yes >/dev/null 2>&1 ;;
	esac
	rm -rf "$W/post"; cp -a "$W/pre" "$W/post"
	local args=VERB_ARGS_$v
	d0c "$W/post" ${!args} >/dev/null 2>&1 || { echo "clean $v failed"; exit 2; }
}

# check DIR RC ERRFILE: the state after an injected run. Prints problems.
check_state() {
	local h=$1 rc=$2 err=$3 f b
	for f in $FILES; do
		same "$h/$f" "$W/pre/$f" || same "$h/$f" "$W/post/$f" || echo "$f is neither the old nor the new bytes"
	done
	for b in "$h"/var/lib/dom0cuda/backups/*; do
		[ -e "$b" ] || continue
		case $b in */.*) continue ;; esac
		same "$b" "$W/post/var/lib/dom0cuda/backups/${b##*/}" || echo "backup ${b##*/} incomplete"
	done
	if [ -n "$GSC" ] && [ -e "$h/boot/grub/grub.cfg" ] && ! "$GSC" "$h/boot/grub/grub.cfg" >/dev/null 2>&1; then
		echo "grub-script-check fails on grub.cfg"
	fi
	if [ "$rc" = 0 ]; then
		for f in $FILES; do same "$h/$f" "$W/post/$f" || echo "exit 0 but $f is not the clean run's"; done
	elif [ "$rc" != 137 ]; then
		grep -q 'dom0cuda: error:' "$err" || echo "exit $rc without an error message"
		grep -q 'ERROR: AddressSanitizer\|runtime error:' "$err" && echo "sanitizer report: $(grep -m1 'ERROR\|runtime error' "$err")"
		for f in grub.cfg grubenv; do
			if grep -q "cannot write /boot/grub/$f: .*(it is unchanged[);]" "$err" && ! same "$h/boot/grub/$f" "$W/pre/boot/grub/$f"; then
				echo "says /boot/grub/$f is unchanged, but it changed"
			fi
		done
	fi
	# An empty lock file: the run died while taking the lock, before it
	# changed anything. One that is not empty names its holder.
	f=$h/var/lib/dom0cuda/lock
	if [ -s "$f" ] && ! grep -q '^pid [0-9]' "$f"; then
		echo "lock file left that does not say who held it"
	elif [ -e "$f" ] && [ ! -s "$f" ]; then
		for b in $FILES; do same "$h/$b" "$W/pre/$b" || echo "empty lock file, but $b changed"; done
	fi
}

# recover DIR VERB: the same command again, then (on another copy) rollback.
recover() {
	local h=$1 v=$2 args=VERB_ARGS_$2 f r
	rm -rf "$W/r1" "$W/r2"; cp -a "$h" "$W/r1"
	d0c "$W/r1" ${!args} >"$W/r1.out" 2>&1
	r=$?
	[ $r = 0 ] || echo "rerun of $v exits $r: $(grep -m1 error "$W/r1.out")"
	for f in boot/grub/grub.cfg boot/grub/grubenv; do
		same "$W/r1/$f" "$W/post/$f" || echo "rerun of $v does not reach the clean $f"
	done
	[ "$v" = rollback ] && return
	rm -rf "$W/r2"; cp -a "$h" "$W/r2"
	d0c "$W/r2" rollback --yes >"$W/r2.out" 2>&1
	r=$?
	[ $r = 0 ] || echo "rollback exits $r: $(grep -m1 error "$W/r2.out")"
	for f in $FILES; do
		same "$W/r2/$f" "$W/orig/$f" || echo "rollback does not restore $f"
	done
}

total_bad=0
for v in ${@:-fix persist rollback}; do
	setup "$v"
	args=VERB_ARGS_$v
	rm -rf "$W/h"; cp -a "$W/pre" "$W/h"
	: >"$W/trace"
	CRASH_TRACE=$W/trace LD_PRELOAD=$W/crashpoint.so "$W/d0c-san" --root "$W/h" ${!args} >/dev/null 2>&1
	n=$(tail -1 "$W/trace" | cut -d' ' -f1)
	for mode in kill ENOSPC EIO EROFS EACCES; do
		case $mode in kill) e= ;; ENOSPC) e=28 ;; EIO) e=5 ;; EROFS) e=30 ;; EACCES) e=13 ;; esac
		good=0 temps=0 fired=0
		for k in $(seq 1 "$n"); do
			rm -rf "$W/h"; cp -a "$W/pre" "$W/h"
			# In a subshell whose stderr is closed, so bash does not report each SIGKILL.
			( CRASH_AT=$k CRASH_ERRNO=$e LD_PRELOAD=$W/crashpoint.so \
				exec "$W/d0c-san" --root "$W/h" ${!args} >/dev/null 2>"$W/err" ) 2>/dev/null
			rc=$?
			[ $rc != 0 ] && fired=$((fired + 1))
			probs=$( { check_state "$W/h" "$rc" "$W/err"; recover "$W/h" "$v"; } )
			# Counted here: recover ran in the command substitution's subshell.
			temps=$((temps + $(find "$W/r1" "$W/r2" -name '*.dom0cuda-tmp' 2>/dev/null | wc -l)))
			if [ -z "$probs" ]; then
				good=$((good + 1))
			else
				total_bad=$((total_bad + 1))
				echo "# $v $mode at call $k ($(sed -n "${k}p" "$W/trace" | cut -d' ' -f2-), exit $rc):"
				sed 's/^/#     /' <<<"$probs"
			fi
		done
		echo "$v $mode: $good/$n crash points clean ($fired runs exited non-zero; $temps temp files left after recovery)"
	done
done
exit $((total_bad > 0))
