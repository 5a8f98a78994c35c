#!/bin/bash
# Installs what `make check` needs on Debian 12, as root. Idempotent.
set -eu
export DEBIAN_FRONTEND=noninteractive
pkgs=(
	build-essential clang-14 libclang-rt-14-dev   # build, sanitizers, libFuzzer
	python3                                      # JSON checks in shell tests
	grub-common                                  # boot (2xx): grub-script-check, grub-editenv
	rpm bash-completion systemd                  # packaging (5xx): rpmbuild, completion, systemd-analyze
	qemu-system-x86 xen-hypervisor-4.17-amd64 xen-utils-4.17 linux-image-amd64 grub-pc-bin busybox-static cpio kmod e2fsprogs   # real Xen boots (4xx): same list as tests/xen/install-deps.sh
	ansible-core openssh-server openssh-client   # ansible (7xx): real ansible-playbook, sshd on loopback
	clang-14 libclang-rt-14-dev grub-common util-linux   # reliability (6xx): libFuzzer, grub-script-check in the crash matrix, setpriv
)
# packaging (5xx): make release fetches zig with npm (an image's Node.js may bring its own npm)
command -v npm >/dev/null 2>&1 || pkgs+=(npm)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
	# Tests start what they need themselves (sshd on a loopback port, xl in
	# a VM): keep package scripts from starting sshd or Xen's daemons here.
	policy=/usr/sbin/policy-rc.d
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy"
		trap 'rm -f "$policy"' EXIT
	fi
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
