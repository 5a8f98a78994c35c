#!/bin/bash
# usage: packaging/check-glibc.sh BINARY [MAX]   (MAX defaults to 2.17)
# Fails unless BINARY can be loaded by glibc MAX (XCP-ng 8.2/8.3 are EL7: 2.17):
#  - every versioned glibc symbol it imports is GLIBC_x.y with x.y <= MAX
#    (objdump -T), and so is every version it requires (readelf -V), which is
#    what ld.so checks first; GLIBC_PRIVATE or GLIBC_ABI_DT_RELR fail too;
#  - NEEDED is libc (plus libdl/libpthread, separate libraries before 2.34):
#    libcuda and libnvidia-ml must stay dlopen'ed at run time, never linked.
# Prints the newest symbols it found, as evidence.
set -eu
bin=$1 max=${2:-2.17}
fail=0

# Versions of the imported symbols, one "VERSION SYMBOL" a line.
syms=$(objdump -T "$bin" | sed -n 's/.*[ (]\(GLIBC_[A-Za-z0-9_.]*\))\{0,1\} \{1,\}\([^ ]*\)$/\1 \2/p' | sort -u)
# Versions ld.so will insist on, whatever symbol asked for them.
needs=$(readelf -V "$bin" | sed -n 's/.*Name: \(GLIBC[A-Z_]*[0-9.]*[A-Z_]*\).*/\1/p' | sort -u)

newer() { # newer VERSION: true if VERSION is not a plain GLIBC_x.y <= max
	case $1 in GLIBC_[0-9]*) ;; *) return 0 ;; esac
	[ "$(printf '%s\n%s\n' "${1#GLIBC_}" "$max" | sort -V | tail -n1)" != "$max" ]
}
while read -r v s; do
	[ -n "$v" ] || continue
	if newer "$v"; then echo "too new: $s@$v (needs glibc > $max)"; fail=1; fi
done <<<"$syms"
for v in $needs; do
	if newer "$v"; then echo "too new: version $v required (readelf -V)"; fail=1; fi
done

while read -r lib; do
	case $lib in
	libc.so.6 | libdl.so.2 | libpthread.so.0) ;;
	*) echo "unexpected NEEDED library: $lib"; fail=1 ;;
	esac
done < <(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')

newest=$(printf '%s\n' "$syms" | awk '{print $1}' | sort -uV | tail -n1)
echo "$bin: newest glibc symbol version $newest:" \
	$(printf '%s\n' "$syms" | awk -v n="$newest" '$1 == n { print $2 }')
echo "$bin: NEEDED" $(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
exit $fail
