# Package-content checks shared by tests/t/520-rpm.sh and 530-deb.sh. Source
# after lib.sh. installed_files ROOT VERSION: what both packages must lay down
# under ROOT, the same paths and behaviour whatever the package format.
installed_files() {
	local r=$1 version=$2
	ok installs_usr_sbin_dom0cuda test -x "$r/usr/sbin/dom0cuda"
	is "$("$r/usr/sbin/dom0cuda" --version)" "dom0cuda $version" installed_binary_runs_and_reports_version
	ok installed_binary_loads_on_glibc_217 packaging/check-glibc.sh "$r/usr/sbin/dom0cuda" 2.17
	ok installs_man_page zgrep -q '^\.TH DOM0CUDA 8' "$r/usr/share/man/man8/dom0cuda.8.gz"
	ok installs_bash_completion grep -q 'complete -F _dom0cuda dom0cuda' \
		"$r/usr/share/bash-completion/completions/dom0cuda"
	ok installs_verify_unit grep -qx 'ExecStart=/usr/sbin/dom0cuda verify' \
		"$r/usr/lib/systemd/system/dom0cuda-verify.service"
	is "$(stat -c %a "$r/var/lib/dom0cuda")" 700 ships_private_state_directory
}
