# Shell test helpers (TAP). Source from tests/t/*.sh:
#   . "$(dirname "$0")/../lib.sh"
# Provides: $TOP, $D0C (sanitizer build), $TMP (scratch, removed at exit),
#           ok NAME CMD..., is GOT WANT NAME, done_testing.
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
D0C=${D0C:-$TOP/build/san/dom0cuda}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/d0c-test.XXXXXX")
[ -n "${D0C_KEEP_TMP:-}" ] || trap 'rm -rf "$TMP"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export NO_COLOR=1
_n=0; _failed=0

# ok NAME CMD...: passes when CMD exits 0.
ok() {
	local name=$1; shift
	_n=$((_n + 1))
	if "$@" >"$TMP/.out" 2>&1; then echo "ok $_n - $name"
	else _failed=$((_failed + 1)); echo "not ok $_n - $name"; sed 's/^/#   /' "$TMP/.out" | head -40; fi
}

# is GOT WANT NAME: string equality.
is() {
	_n=$((_n + 1))
	if [ "$1" = "$2" ]; then echo "ok $_n - $3"
	else _failed=$((_failed + 1)); echo "not ok $_n - $3"; printf '#   got:  %s\n#   want: %s\n' "$1" "$2" | head -40; fi
}

# skip NAME REASON: counted as passed with a SKIP directive (TAP).
skip() { _n=$((_n + 1)); echo "ok $_n - $1 # SKIP $2"; }

done_testing() { echo "1..$_n"; [ "$_failed" -eq 0 ]; }
