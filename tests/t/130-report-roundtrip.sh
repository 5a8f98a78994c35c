#!/bin/bash
# report writes exactly what check reads: check --root BUNDLE gives the same
# verdict and findings as check on the system itself (live here, on this
# non-Xen machine, and on a fixture root).
. "$(dirname "$0")/../lib.sh"

same_findings() { # A.json B.json
	python3 - "$1" "$2" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
key = lambda d: (d["verdict"], [(f["id"], f["severity"], f["summary"], f["proof"]) for f in d["findings"]])
if key(a) != key(b):
    print("live:  ", key(a)); print("bundle:", key(b)); sys.exit(1)
PY
}

# Live on this machine.
"$D0C" check --json >"$TMP/live.json" 2>/dev/null; live_rc=$?
"$D0C" report -o "$TMP/bundle" 2>"$TMP/report.err"
is "$?" 0 "report_live_succeeds"
ok "report_makes_tarball" test -s "$TMP/bundle.tar.gz"
ok "report_has_meta" python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); assert m["schema"]=="dom0cuda.report/1" and m["hostname"]' "$TMP/bundle/meta.json"
ok "report_has_dmesg_capture" test -s "$TMP/bundle/commands/dmesg.txt"
"$D0C" check --json --root "$TMP/bundle" >"$TMP/replay.json" 2>/dev/null; replay_rc=$?
is "$replay_rc" "$live_rc" "replay_same_exit_code_as_live"
ok "replay_same_findings_as_live" same_findings "$TMP/live.json" "$TMP/replay.json"
ok "tarball_lists_bundle" tar -tzf "$TMP/bundle.tar.gz" bundle/meta.json

# From a fixture root: the bundle replays the fixture exactly.
seed=$TOP/tests/fixtures/xcpng83-pv-h100
"$D0C" check --json --root "$seed" >"$TMP/seed.json"
"$D0C" report --no-tar -o "$TMP/seedb" --root "$seed" 2>/dev/null
"$D0C" check --json --root "$TMP/seedb" >"$TMP/seedb.json"; rc=$?
is "$rc" 1 "replay_fixture_verdict_fixable"
ok "replay_fixture_same_findings" same_findings "$TMP/seed.json" "$TMP/seedb.json"
ok "bundle_holds_only_what_check_reads" test ! -e "$TMP/seedb/sys/hypervisor/properties/features"

# --redact: no host identity left, same diagnosis.
"$D0C" report --redact --no-tar -o "$TMP/red" --root "$seed" 2>/dev/null
ok "redacted_bundle_has_no_uuid" sh -c "! grep -rqi '3f9c1d2e-8b7a' '$TMP/red'"
ok "redacted_meta_has_no_hostname" python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["hostname"] is None' "$TMP/red/meta.json"
"$D0C" check --json --root "$TMP/red" >"$TMP/red.json"
ok "redacted_replay_same_findings" same_findings "$TMP/seed.json" "$TMP/red.json"

# Refuses to overwrite, leaves nothing half-written.
"$D0C" report --no-tar -o "$TMP/seedb" --root "$seed" 2>/dev/null
is "$?" 73 "report_refuses_existing_output"
ok "no_partial_left" test ! -e "$TMP/seedb.partial"
done_testing
