#!/bin/bash
# 5xx packaging: the release build loads on glibc 2.17 (XCP-ng 8.2/8.3 are EL7)
# and behaves like the test build.
. "$(dirname "$0")/../lib.sh"
cd "$TOP"
REL=build/release/dom0cuda
fails() { ! "$@"; }

# `make release` runs packaging/check-glibc.sh and the toolchain's errno selftest.
ok release_build_passes_glibc_217_check_and_toolchain_selftest make -s release
ok release_imports_no_glibc_symbol_newer_than_2_17 packaging/check-glibc.sh "$REL" 2.17
is "$(readelf -d "$REL" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | tr '\n' ' ')" \
	"libc.so.6 libdl.so.2 libpthread.so.0 " release_needs_only_libc_libdl_libpthread
ok release_loads_libcuda_at_run_time_only grep -q 'libcuda\.so\.1' "$REL"
# Hardened like a distribution's root tools: PIE, full RELRO, stack protector.
is "$(readelf -d "$REL" | sed -n 's/.*(FLAGS_1).*Flags: *//p')" "NOW PIE" release_is_pie_with_bind_now
ok release_has_stack_protector grep -q '__stack_chk_fail' < <(objdump -T "$REL")

# The check must catch what it is for: this machine's gcc links stat@GLIBC_2.33
# and __libc_start_main@GLIBC_2.34.
printf '#include <sys/stat.h>\nint main(int c, char **v) { struct stat s; (void)c; return stat(v[0], &s); }\n' >"$TMP/new.c"
cc -o "$TMP/new" "$TMP/new.c"
ok glibc_check_rejects_a_binary_linked_against_this_glibc fails packaging/check-glibc.sh "$TMP/new" 2.17

is "$("$REL" --version)" "dom0cuda $(make -s print-VERSION)" release_version_is_git_describe
"$REL" check --root tests/fixtures/xcpng83-pv-h100 >"$TMP/rel.txt" 2>&1; rel_rc=$?
"$D0C" check --root tests/fixtures/xcpng83-pv-h100 >"$TMP/san.txt" 2>&1; san_rc=$?
is "$rel_rc" "$san_rc" release_check_exit_code_matches_test_build
ok release_check_output_matches_test_build cmp "$TMP/rel.txt" "$TMP/san.txt"
done_testing
