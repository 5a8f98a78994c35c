#!/bin/bash
# 5xx packaging: `make deb` builds a package for Debian/Ubuntu Xen hosts with
# the same files as the RPM, and the same glibc 2.17 binary.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../pkg-lib.sh"
cd "$TOP"

# Pinned: a commit landing mid-test must not rename what this test builds.
VERSION=$(make -s print-VERSION)
PKG_VERSION=$(make -s print-PKG_VERSION VERSION="$VERSION")
ok deb_builds make -s deb VERSION="$VERSION"
DEB=build/dom0cuda_${PKG_VERSION}_amd64.deb
ok deb_file_exists test -f "$DEB"
is "$(dpkg-deb -f "$DEB" Package Version Architecture | tr '\n' ' ')" \
	"Package: dom0cuda Version: $PKG_VERSION Architecture: amd64 " deb_control_names_package_and_version
is "$(dpkg-deb -f "$DEB" Depends)" "libc6 (>= 2.17)" deb_depends_on_glibc_217_only
ok deb_postinst_enables_verify_unit bash -c 'dpkg-deb --ctrl-tarfile "$1" | tar -xOf - ./postinst |
	grep -q "systemctl enable dom0cuda-verify.service"' _ "$DEB"
ok deb_files_owned_by_root bash -c '! dpkg-deb -c "$1" | grep -v " root/root "' _ "$DEB"

R=$TMP/root
ok deb_extracts_into_scratch_root dpkg-deb -x "$DEB" "$R"
installed_files "$R" "$VERSION"
ok installs_licence_as_copyright cmp LICENSE "$R/usr/share/doc/dom0cuda/copyright"
ok installs_readme cmp README.md "$R/usr/share/doc/dom0cuda/README.md"
done_testing
