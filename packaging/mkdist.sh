#!/bin/bash
# usage: packaging/mkdist.sh VERSION PKG_VERSION OUT.tar.gz   (run by `make dist`)
# The source tarball: the tracked files as they are in the work tree (or, in
# an unpacked tarball, every file but build/), a VERSION file so `--version`
# and the Makefile know the version without git, and the spec's Version set
# so `rpmbuild -tb` works on it. Reproducible: sorted, owner 0, fixed mtime.
set -eu
version=$1 pkg_version=$2 out=$3
name=dom0cuda-$pkg_version
mkdir -p build
# Private staging: two builds in one tree (make check twice) must not collide.
tmp=$(mktemp -d build/dist.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
stage=$tmp/$name

if git rev-parse --is-inside-work-tree >/dev/null 2>&1 && [ ! -f VERSION ]; then
	files=$(git ls-files)
	mtime=$(git log -1 --format=%ct 2>/dev/null || date +%s)
else
	files=$(find . -path ./build -prune -o \( -type f -o -type l \) -print | sed 's|^\./||')
	mtime=$(stat -c %Y VERSION 2>/dev/null || date +%s)
fi
mtime=${SOURCE_DATE_EPOCH:-$mtime}

mkdir "$stage"
while IFS= read -r f; do
	# A tracked file deleted in the work tree is not part of this tree.
	[ -e "$f" ] || [ -L "$f" ] || continue
	cp -P --parents -- "$f" "$stage/"
done <<<"$files"
printf '%s\n' "$version" >"$stage/VERSION"
sed -i "s/^Version:.*/Version:        $pkg_version/" "$stage/packaging/dom0cuda.spec"

tar --sort=name --mtime="@$mtime" --owner=0 --group=0 --numeric-owner \
	--format=gnu -C "$tmp" -cf - "$name" | gzip -9n >"$tmp/out.tar.gz"
mv "$tmp/out.tar.gz" "$out"
echo "$out"
