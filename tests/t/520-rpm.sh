#!/bin/bash
# 5xx packaging: `make rpm` builds one RPM that EL7's rpm 4.11 and yum take
# (XCP-ng 8.2/8.3), and installing it lays down every file an admin expects.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../pkg-lib.sh"
cd "$TOP"
fails() { ! "$@"; }

# Pinned: a commit landing mid-test must not rename what this test builds.
VERSION=$(make -s print-VERSION)
ok rpm_builds make -s rpm VERSION="$VERSION"
RPM=build/dom0cuda-$(make -s print-PKG_VERSION VERSION="$VERSION")-1.x86_64.rpm
ok rpm_file_exists test -f "$RPM"

# What rpm 4.11 can read: gzip/xz payloads (not zstd), and no rpmlib() feature
# it lacks (rich or caret versions, zstd payloads, ...).
is "$(rpm -qp --qf '%{PAYLOADCOMPRESSOR}' "$RPM")" gzip rpm_payload_is_gzip_for_el7
rpm -qpR "$RPM" >"$TMP/requires"
ok rpm_needs_only_rpmlib_features_el7_has fails grep -vE \
	'^rpmlib\((CompressedFileNames|FileDigests|PayloadFilesHavePrefix|PayloadIsXz)\)|^[^r]' "$TMP/requires"
ok rpm_requires_no_glibc_newer_than_2_17 fails grep -E 'GLIBC_2\.(1[89]|[2-9][0-9])' "$TMP/requires"
ok rpm_does_not_require_cuda_libraries fails grep -Ei 'cuda|nvidia' "$TMP/requires"
ok rpm_post_enables_verify_unit grep -q 'systemctl enable dom0cuda-verify.service' \
	< <(rpm -qp --scripts "$RPM")

# Install into a scratch root (scriptlets would run systemctl in a chroot).
R=$TMP/root
ok rpm_installs_into_scratch_root rpm --root "$R" --nodeps --noscripts -i "$RPM"
installed_files "$R" "$VERSION"
# The RPM is built from the tarball: its LICENSE and README are the ones shipped.
SRC=dom0cuda-$(make -s print-PKG_VERSION VERSION="$VERSION")
ok installs_licence cmp <(tar -xzOf "build/$SRC.tar.gz" "$SRC/LICENSE") \
	"$(echo "$R"/usr/share/licenses/dom0cuda*/LICENSE)"
ok installs_readme cmp <(tar -xzOf "build/$SRC.tar.gz" "$SRC/README.md") \
	"$(echo "$R"/usr/share/doc/dom0cuda*/README.md)"

# The unit as installed, next to this machine's targets; its Documentation=
# must resolve to the installed man page.
mkdir -p "$R/etc/systemd/system"
cp -a /usr/lib/systemd/system/*.target "$R/usr/lib/systemd/system/"
ok installed_unit_passes_systemd_analyze_verify \
	bash -c 'out=$(MANPATH="$1/usr/share/man" systemd-analyze --root="$1" verify \
		"$1/usr/lib/systemd/system/dom0cuda-verify.service" 2>&1) && [ -z "$out" ] || { echo "$out"; false; }' _ "$R"

# Removing the package leaves the state journal: rollback still needs it.
echo '{}' >"$R/var/lib/dom0cuda/state.json"
ok rpm_erases_from_scratch_root rpm --root "$R" --nodeps --noscripts -e dom0cuda
ok erase_removes_binary fails test -e "$R/usr/sbin/dom0cuda"
ok erase_keeps_state_journal test -f "$R/var/lib/dom0cuda/state.json"
done_testing
