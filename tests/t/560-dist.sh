#!/bin/bash
# 5xx packaging: `make dist` makes a source tarball that builds with the same
# commands as the repository, knows its version without git, and makes the
# same tarball again from itself.
. "$(dirname "$0")/../lib.sh"
cd "$TOP"
VERSION=$(make -s print-VERSION)
PKG_VERSION=$(make -s print-PKG_VERSION VERSION="$VERSION")
TAR=build/dom0cuda-$PKG_VERSION.tar.gz

git ls-files | while read -r f; do [ -e "$f" ] || [ -L "$f" ] && echo "$f"; done | sort >"$TMP/tracked"
# Pinned: a commit landing mid-test must not rename what this test builds.
ok dist_builds make -s dist VERSION="$VERSION"
# A copy: another `make dist` in this tree may rewrite build/ meanwhile.
cp "$TAR" "$TMP/dist.tar.gz"
TAR=$TMP/dist.tar.gz
ok tarball_holds_version_file bash -c 'tar -xzOf "$1" "dom0cuda-$2/VERSION" | grep -qxF "$3"' _ "$TAR" "$PKG_VERSION" "$VERSION"
ok tarball_spec_has_the_version bash -c 'tar -xzOf "$1" "dom0cuda-$2/packaging/dom0cuda.spec" |
	grep -qx "Version: *$2"' _ "$TAR" "$PKG_VERSION"
tar -tzf "$TAR" | sed "s|^dom0cuda-$PKG_VERSION/||" | grep -v '/$' | grep -vx -e VERSION -e '' | sort >"$TMP/shipped"
if [ -f VERSION ]; then skip tarball_holds_exactly_the_tracked_files "run from a tarball: no git"
else ok tarball_holds_exactly_the_tracked_files diff "$TMP/tracked" "$TMP/shipped"; fi

tar -xzf "$TAR" -C "$TMP"
SRC=$TMP/dom0cuda-$PKG_VERSION
# The README's first command, minus apt-get: make, then check on the sample host.
ok tarball_builds_with_make bash -c 'cd "$1" && env -u ZIG_GLOBAL_CACHE_DIR -u ZIG_LOCAL_CACHE_DIR make -s -j2' _ "$SRC"
is "$("$SRC/build/dom0cuda" --version)" "dom0cuda $VERSION" tarball_build_reports_the_version
"$SRC/build/dom0cuda" check --root "$SRC/tests/fixtures/xcpng83-pv-h100" >"$TMP/check.txt" 2>&1
is "$?" 1 tarball_build_finds_sample_host_fixable

# From the unpacked tarball (no git), make dist gives back the same bytes.
mkdir "$TMP/again"
ok dist_from_tarball_works bash -c 'cd "$1" && make -s dist' _ "$SRC"
ok dist_is_reproducible_from_itself cmp "$TAR" "$SRC/build/dom0cuda-$PKG_VERSION.tar.gz"
done_testing
