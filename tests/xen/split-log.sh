#!/bin/bash
# Splits a serial log into DIR/console.txt (the log without carriage returns)
# and one file per =====BEGIN NAME===== ... =====END NAME===== block the step
# script printed (see step-lib.sh). Lines are kept as they are, "(XEN) ..."
# ones too: they are what `xl dmesg` prints.
# usage: split-log.sh LOG DIR
set -eu
log=$1; dir=$2
rm -rf "$dir"; mkdir -p "$dir"
tr -d '\r' <"$log" >"$dir/console.txt"
awk -v dir="$dir" '
	/^=====BEGIN [^ ]+=====$/ { f = $0; sub(/^=====BEGIN /, "", f); sub(/=====$/, "", f);
		out = dir "/" f; printf "" > out; next }
	/^=====END [^ ]+=====$/ { if (out != "") close(out); out = ""; next }
	out != "" { print >> out }' "$dir/console.txt"
