# Helpers for per-boot step scripts (sourced by /init before /test/step.sh).
# run NAME CMD...: runs CMD, then prints its stdout, stderr and exit status
# between markers (stdout and stderr kept apart so JSON stays parseable):
#   =====BEGIN NAME.out===== ... =====END NAME.out=====
#   =====BEGIN NAME.err===== ... =====END NAME.err=====
#   =====BEGIN NAME.rc=====  N   =====END NAME.rc=====
run() {
	_name=$1; shift
	"$@" >"/tmp/$_name.out" 2>"/tmp/$_name.err" </dev/null
	echo $? >"/tmp/$_name.rc"
	for _s in out err rc; do show "$_name.$_s" "/tmp/$_name.$_s"; done
}
# show NAME FILE: prints FILE between markers.
show() {
	echo "=====BEGIN $1====="
	cat "$2"
	[ -z "$(tail -c 1 "$2")" ] || echo
	echo "=====END $1====="
}
