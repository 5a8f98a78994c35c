#!/bin/bash
# usage: packaging/mkdeb.sh PKG_VERSION ROOT OUT.deb   (run by `make deb`)
# ROOT holds `make install DESTDIR=ROOT PREFIX=/usr`; this adds what Debian
# expects (compressed man page, /usr/share/doc/dom0cuda/copyright) and the
# DEBIAN/ control files from packaging/debian/, then builds with dpkg-deb.
set -eu
version=$1 root=$2 out=$3
here=$(dirname "$0")

gzip -9nf "$root/usr/share/man/man8/dom0cuda.8"
install -D -m 0644 LICENSE "$root/usr/share/doc/dom0cuda/copyright"
install -D -m 0644 README.md "$root/usr/share/doc/dom0cuda/README.md"
# The state journal and backups outlive the package: rollback needs them.
install -d -m 0700 "$root/var/lib/dom0cuda"

mkdir -p "$root/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" "$here/debian/control" >"$root/DEBIAN/control"
install -m 0755 "$here/debian/postinst" "$here/debian/prerm" "$here/debian/postrm" "$root/DEBIAN/"

export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
echo "$out"
