#!/bin/bash
# contrib/ansible: the real ansible-playbook rolls the cure across a pool of
# fixture hosts, one at a time. Hosts are fixture roots copied to $TMP/hosts;
# most are reached with connection `local` and a per-host dom0cuda_root, some
# over real SSH (an sshd on 127.0.0.1, a throwaway key, started and stopped
# here). The reboot is the role's dom0cuda_reboot_stub, set here to
# contrib/ansible/tests/fixture-reboot.sh: it consumes the one-shot and puts
# xcpng83-pvh-h100's running state (or, for "fallback", the PV state: the
# trial did not come up) under the host's root, keeping boot/ as fix left it.
# dom0cuda is a wrapper that logs each call to $EV, so the order of every
# check/fix/reboot/verify/persist across hosts is on record.
. "$(dirname "$0")/../lib.sh"
FIX=$TOP/tests/fixtures
PVH=$FIX/xcpng83-pvh-h100
ANS=$TOP/contrib/ansible
EV=$TMP/events

if ! command -v ansible-playbook >/dev/null || [ ! -x /usr/sbin/sshd ]; then
	skip "ansible_pool" "needs ansible-playbook and sshd (tests/install-deps.sh)"
	done_testing; exit
fi

# ---- sshd on loopback, root with a throwaway key -------------------------
mkdir -p "$TMP/ssh/home" /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$TMP/ssh/hostkey"
ssh-keygen -q -t ed25519 -N '' -f "$TMP/ssh/id"
cp "$TMP/ssh/id.pub" "$TMP/ssh/authorized_keys"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# sshd without PAM refuses a locked ('!') root; with PAM it does not look.
usepam=no
case $(getent shadow root | cut -d: -f2) in '!'*) usepam=yes ;; esac
cat >"$TMP/ssh/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $TMP/ssh/hostkey
PidFile $TMP/ssh/sshd.pid
AuthorizedKeysFile $TMP/ssh/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM $usepam
StrictModes no
# root's own ~/.bashrc (bash reads it under sshd) is not this test's business
# and may be slow (pyenv): the sessions get an empty home.
SetEnv HOME=$TMP/ssh/home
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
/usr/sbin/sshd -D -e -f "$TMP/ssh/sshd_config" 2>"$TMP/ssh/log" &
sshd_pid=$!
trap 'kill "$sshd_pid" 2>/dev/null; wait "$sshd_pid" 2>/dev/null; rm -rf "$TMP"' EXIT
sshopts=(-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR)
for _ in $(seq 50); do
	ssh "${sshopts[@]}" -i "$TMP/ssh/id" -p "$port" root@127.0.0.1 true 2>/dev/null && break
	sleep 0.1
done
ok "sshd_on_loopback_accepts_the_key" ssh "${sshopts[@]}" -i "$TMP/ssh/id" -p "$port" root@127.0.0.1 true

# verify runs its CUDA smoke on the test double of libcuda (make test-build),
# as the role does by default on a real host; without the double, --no-smoke.
double=$TOP/build/cudadouble/ok
if [ -e "$double/libcuda.so.1" ]; then smoke=true; else smoke=false; fi

# ---- the pool --------------------------------------------------------------
# The wrapper logs "HOST VERB ARGS" (HOST = the root's name) and runs the
# sanitizer build, so a leak or UB in any verb fails the rollout.
mkdir -p "$TMP/bin" "$TMP/hosts" "$TMP/pristine" "$TMP/vms" "$TMP/remote-reports" "$TMP/fetched"
cat >"$TMP/bin/dom0cuda" <<EOF
#!/bin/sh
# builtins only: this machine may be busy, every fork counts.
root= prev= args=
for a; do
	if [ "\$prev" = --root ]; then root=\$a
	elif [ "\$a" != --root ]; then args="\$args \$a"; fi
	prev=\$a
done
echo "\${root##*/}\$args" >>"$EV"
exec "$D0C" "\$@"
EOF
chmod +x "$TMP/bin/dom0cuda"

# host NAME FIXTURE: a fresh copy of a fixture host as NAME's root, and a
# second copy that `untouched` compares with (the fixtures may be regenerated
# while this runs).
host() {
	rm -rf "$TMP/hosts/$1" "$TMP/pristine/$1"
	cp -a "$FIX/$2" "$TMP/hosts/$1"
	cp -a "$TMP/hosts/$1" "$TMP/pristine/$1"
}
# inv FILE NAME:local|ssh[:AFTER[:KEY=VALUE,...]] ...: a YAML inventory, hosts
# in rollout order; AFTER "fallback": this host's trial does not come up.
inv() {
	local f=$1 h name how after extra kv; shift
	{
		echo "dom0cuda:"
		echo "  hosts:"
		for h in "$@"; do
			IFS=: read -r name how after extra <<<"$h"
			echo "    $name:"
			echo "      dom0cuda_root: $TMP/hosts/$name"
			if [ "$how" = ssh ]; then
				echo "      ansible_host: 127.0.0.1"
				echo "      ansible_port: $port"
				echo "      ansible_user: root"
				echo "      ansible_ssh_private_key_file: $TMP/ssh/id"
				echo "      ansible_ssh_common_args: '${sshopts[*]}'"
			else
				echo "      ansible_connection: local"
			fi
			[ -n "$after" ] && echo "      dom0cuda_reboot_after: $after"
			for kv in ${extra//,/ }; do echo "      ${kv%%=*}: ${kv#*=}"; done
		done
		cat <<EOF
  vars:
    ansible_python_interpreter: /usr/bin/python3
    dom0cuda_install: false
    dom0cuda_bin: $TMP/bin/dom0cuda
    dom0cuda_verify_smoke: $smoke
    dom0cuda_environment:
      ASAN_OPTIONS: "$ASAN_OPTIONS"
      UBSAN_OPTIONS: "$UBSAN_OPTIONS"
      LD_LIBRARY_PATH: "$double"
    # Test stand-ins for the reboot and for XAPI (see the role's defaults).
    dom0cuda_reboot_after: $PVH
    dom0cuda_reboot_stub: >-
      D0C_EVENTS=$EV $ANS/tests/fixture-reboot.sh {{ dom0cuda_root }} {{ dom0cuda_reboot_after }}
    dom0cuda_resident_vms_command: cat $TMP/vms/{{ inventory_hostname }} 2>/dev/null || true
    dom0cuda_report_remote_dir: $TMP/remote-reports
    dom0cuda_report_fetch_dir: $TMP/fetched
EOF
	} >"$f"
}

export ANSIBLE_LOCAL_TEMP=$TMP/ansible-local ANSIBLE_REMOTE_TEMP=$TMP/ansible-remote
export ANSIBLE_SSH_CONTROL_PATH_DIR=$TMP/cp ANSIBLE_HOST_KEY_CHECKING=False
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 ANSIBLE_RETRY_FILES_ENABLED=False
export ANSIBLE_DEPRECATION_WARNINGS=False ANSIBLE_PIPELINING=True ANSIBLE_COLLECTIONS_PATH=$TMP/no-collections
# play NAME INVENTORY [ARGS...]: runs rollout.yml; output in $TMP/NAME.out, exit in $TMP/NAME.rc.
play() {
	local name=$1 i=$2; shift 2
	: >"$EV"
	ansible-playbook -i "$i" "$ANS/rollout.yml" "$@" >"$TMP/$name.out" 2>&1
	echo $? >"$TMP/$name.rc"
	cp "$EV" "$TMP/$name.ev"
}
# Helpers over a host's root.
d0c() { "$D0C" --root "$TMP/hosts/$1" "${@:2}"; }
verdict() { d0c "$1" check --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["verdict"])'; }
persisted() { d0c "$1" persist --dry-run --json 2>/dev/null | grep -q '"result": "nothing-to-do"'; }
# untouched NAME [FIXTURE]: NAME's root is still as `host` made it (FIXTURE: for the reader).
untouched() { diff -r --no-dereference "$TMP/pristine/$1" "$TMP/hosts/$1"; }
# recap NAME HOST: "ok=N changed=N ... failed=N" from the PLAY RECAP.
recap() { grep -E "^$2 +:" "$TMP/$1.out" | sed -E 's/^[^:]*: *//; s/ +/ /g'; }
hosts_in_order() { cut -d' ' -f1 "$TMP/$1.ev" | uniq | tr '\n' ' '; }
verbs() { grep "^$2 " "$TMP/$1.ev" | cut -d' ' -f2 | tr '\n' ' '; }

ok "playbook_parses_rpm_install_task_in_role" sh -c "ansible-playbook -i localhost, --list-tasks '$ANS/rollout.yml' -e dom0cuda_hosts=localhost | grep -q 'Install dom0cuda with yum'"
skip "rpm_install_runs" "yum is not on Debian: the tests set dom0cuda_install=false and dom0cuda_bin"

# ---- 1. every host fixed, one at a time; the PVH host skipped ------------------
host a1 xcpng83-pv-h100; host a2 xcpng83-pv-h100-iommu-default; host a3 xcpng83-pvh-iommu-pt
host a4 xcpng83-uefi-pv-h100; host a5 xcpng82-pv-h100
inv "$TMP/inv1.yml" a1:local a2:ssh a3:local a4:local a5:local
play all "$TMP/inv1.yml"
is "$(cat "$TMP/all.rc")" 0 "all_hosts_fixed_playbook_succeeds"
[ "$(cat "$TMP/all.rc")" = 0 ] || sed 's/^/#   /' "$TMP/all.out" | tail -40
for h in a1 a2 a4 a5; do
	is "$(verdict $h)" ready "all_hosts_fixed_${h}_ready_after_rollout"
	ok "all_hosts_fixed_${h}_pvh_entry_is_default" persisted $h
	is "$(verbs all $h)" "check fix reboot verify persist " "all_hosts_fixed_${h}_check_fix_reboot_verify_persist"
	ok "all_hosts_fixed_${h}_says_fixed" grep -q "dom0cuda $h: fixed" "$TMP/all.out"
done
if [ "$smoke" = true ]; then
	ok "all_hosts_fixed_verify_ran_cuda_smoke" grep -q '^a2 verify --json$' "$TMP/all.ev"
else
	skip "all_hosts_fixed_verify_ran_cuda_smoke" "no CUDA test double (make test-build)"
fi
is "$(hosts_in_order all)" "a1 a2 a3 a4 a5 " "all_hosts_fixed_serially_in_inventory_order"
is "$(verbs all a3)" "check persist " "already_pvh_host_only_checked_and_probed"
ok "already_pvh_host_untouched" untouched a3 xcpng83-pvh-iommu-pt
ok "already_pvh_host_says_skipped" grep -q "dom0cuda a3: skipped" "$TMP/all.out"
ok "already_pvh_host_probe_was_dry_run" grep -q '^a3 persist --dry-run --json$' "$TMP/all.ev"
ok "ssh_host_went_over_ssh" grep -q 'Accepted publickey for root' "$TMP/ssh/log"
ok "all_hosts_fixed_fetched_no_report" sh -c "[ -z \"\$(ls '$TMP/fetched')\" ]"

# ---- 2. the second host fails verify: the rollout stops there -----------------
for h in b1 b2 b3 b4; do host $h xcpng83-pv-h100; done
inv "$TMP/inv2.yml" b1:local b2:ssh:fallback b3:local b4:local
play stop "$TMP/inv2.yml"
ok "failed_verify_playbook_fails" test "$(cat "$TMP/stop.rc")" -ne 0
ok "failed_verify_first_host_fixed" persisted b1
is "$(verbs stop b2)" "check fix reboot verify report " "failed_verify_host_not_persisted_report_written"
ok "failed_verify_message_names_trial_failed" grep -q 'verify on b2: trial-failed' "$TMP/stop.out"
is "$(hosts_in_order stop)" "b1 b2 " "failed_verify_stops_rollout_after_host_2"
for h in b3 b4; do
	ok "failed_verify_${h}_untouched" untouched $h xcpng83-pv-h100
	is "$(recap stop $h)" "" "failed_verify_${h}_not_in_recap"
done
bundle=$(ls "$TMP"/fetched/dom0cuda-report-b2-*.tar.gz 2>/dev/null | head -1)
ok "failed_verify_report_fetched_to_controller" test -s "$bundle"
mkdir -p "$TMP/unpacked"
ok "failed_verify_report_unpacks" tar -xzf "$bundle" -C "$TMP/unpacked"
"$D0C" check --root "$(ls -d "$TMP"/unpacked/*/ | head -1)" >/dev/null 2>&1
is "$?" 1 "failed_verify_report_replays_as_pv_fixable"
ok "failed_verify_message_names_report" grep -q "Report bundle: $TMP/fetched/dom0cuda-report-b2-" "$TMP/stop.out"

# ---- 3. --check: fix --dry-run, nothing changes, nothing reboots -------------
host c1 xcpng83-pv-h100; host c2 xcpng83-uefi-pv-h100; host c3 xcpng83-pvh-h100
inv "$TMP/inv3.yml" c1:local c2:ssh c3:local
play dry "$TMP/inv3.yml" --check
is "$(cat "$TMP/dry.rc")" 0 "check_mode_succeeds"
ok "check_mode_c1_untouched" untouched c1 xcpng83-pv-h100
ok "check_mode_c2_untouched" untouched c2 xcpng83-uefi-pv-h100
ok "check_mode_c3_untouched" untouched c3 xcpng83-pvh-h100
is "$(grep -c ' fix --dry-run --json$' "$TMP/dry.ev")" 2 "check_mode_runs_fix_dry_run_on_pv_hosts"
is "$(grep -c -E ' (fix --yes|reboot|verify|persist --yes)' "$TMP/dry.ev")" 0 "check_mode_no_fix_no_reboot_no_persist"
ok "check_mode_shows_plan" grep -q "add entry 'XCP-ng (PVH dom0)'" "$TMP/dry.out"
ok "check_mode_says_would_fix" grep -q 'dom0cuda c1: would-fix' "$TMP/dry.out"

# ---- 4. resident VMs: refused before anything changes (allowed: see 5) ---
host d1 xcpng83-pv-h100; host d2 xcpng83-pv-h100
echo "5c2b8e1a-0d4f-4b9e-9a61-3e7f2c1d0b9a," >"$TMP/vms/d1"
inv "$TMP/inv4.yml" d1:local d2:local
play vms "$TMP/inv4.yml"
ok "resident_vms_playbook_fails" test "$(cat "$TMP/vms.rc")" -ne 0
ok "resident_vms_message" grep -q 'd1 still runs 1 VM(s) (5c2b8e1a-0d4f-4b9e-9a61-3e7f2c1d0b9a)' "$TMP/vms.out"
ok "resident_vms_host_untouched" untouched d1 xcpng83-pv-h100
ok "resident_vms_next_host_untouched" untouched d2 xcpng83-pv-h100
is "$(grep -c -E ' fix ' "$TMP/vms.ev")" 0 "resident_vms_no_fix"

# ---- 5. blocked verdict stops; interrupted trial resumed; VMs allowed -------
# e1: fixed and rebooted by hand, never persisted (an interrupted rollout).
host e1 xcpng83-pv-h100
"$D0C" --root "$TMP/hosts/e1" fix --yes >/dev/null 2>&1
"$ANS/tests/fixture-reboot.sh" "$TMP/hosts/e1" "$PVH"
host e2 xcpng83-pv-nohap; host e3 xcpng83-pv-h100
echo "9d0e6f4b-2a1c-4e8d-b7f3-6c5a4b3e2d1f" >"$TMP/vms/e3"
inv "$TMP/inv5.yml" e1:local e2:local e3:ssh::dom0cuda_allow_resident_vms=true
play blocked "$TMP/inv5.yml"
ok "blocked_playbook_fails" test "$(cat "$TMP/blocked.rc")" -ne 0
is "$(verbs blocked e1)" "check persist verify persist " "interrupted_trial_verified_then_persisted"
ok "interrupted_trial_says_resumed" grep -q 'dom0cuda e1: resumed' "$TMP/blocked.out"
ok "interrupted_trial_persisted" persisted e1
ok "blocked_message" grep -q 'dom0cuda check says blocked on e2' "$TMP/blocked.out"
ok "blocked_report_fetched" sh -c "ls '$TMP'/fetched/dom0cuda-report-e2-*.tar.gz"
ok "blocked_next_host_untouched" untouched e3 xcpng83-pv-h100
play blocked_skip "$TMP/inv5.yml" -e '{"dom0cuda_fail_on_verdicts": []}'
is "$(cat "$TMP/blocked_skip.rc")" 0 "blocked_skipped_when_operator_says_so"
is "$(verbs blocked_skip e1)" "check persist " "persisted_host_only_checked_on_rerun"
is "$(recap blocked_skip e1 | grep -o 'changed=[0-9]*')" changed=0 "persisted_host_rerun_changes_nothing"
ok "blocked_skipped_says_so" grep -q 'dom0cuda e2: skipped-blocked' "$TMP/blocked_skip.out"
ok "resident_vms_allowed_host_fixed" persisted e3
is "$(verbs blocked_skip e3)" "check fix reboot verify persist " "resident_vms_allowed_host_rebooted"

done_testing
