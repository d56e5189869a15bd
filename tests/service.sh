#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The systemd unit (TAP): systemd-analyze verify accepts it (and refuses a
# copy whose ExecStart names no program, so the check can fail), then its
# ExecStart line runs as the service would, on a temporary directory: SIGHUP
# (ExecReload) leaves it running, SIGUSR1 starts a second file, SIGTERM
# (systemctl stop) ends cleanly; both files read. Its companion,
# tracetape-serve.service, verifies too and serves that recording live and
# then ended. Recording needs root.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
unit_in=$srcdir/tools/tracetape-rec.service.in
plan=9
. "$srcdir/tests/tap.sh"
. "$srcdir/tests/serve_lib.sh"

echo "1..$plan"
tmp=$(mktemp -d) || exit 1
spid=
trap '[ -n "$spid" ] && kill $spid 2>/dev/null; rm -rf "$tmp"' EXIT
mkdir -p "$tmp/ok" "$tmp/bad" "$tmp/etc/tracetape" "$tmp/state"
# The unit as make install writes it, but naming the build's rec and
# this test's config and state directories.
sed -e "s|@bindir@|$builddir/record|g" -e 's|@REC@|rec|g' -e "s|@sysconfdir@|$tmp/etc|g" \
	-e "s|/var/lib/tracetape|$tmp/state|g" "$unit_in" >"$tmp/ok/tracetape-rec.service"
sed -e 's|^ExecStart=[^ ]*|ExecStart=/nonexistent/rec|' "$tmp/ok/tracetape-rec.service" \
	>"$tmp/bad/tracetape-rec.service"
grep -v '^duration:' "$srcdir/samples/rec.yaml" >"$tmp/etc/tracetape/rec.yaml"
port=$(free_port)
sed -e "s|@bindir@|$builddir/analyze|g" -e 's|@ANALYZE@|analyze|g' \
	-e "s|/var/lib/tracetape|$tmp/state|g" -e "s|127.0.0.1:8080|127.0.0.1:$port|" \
	"$srcdir/tools/tracetape-serve.service.in" >"$tmp/ok/tracetape-serve.service"

if ! command -v systemd-analyze >/dev/null 2>&1; then
	reason="systemd-analyze not installed (Debian package systemd)"
	skip "systemd-analyze verify: the unit" "$reason"
	skip "systemd-analyze verify: a missing ExecStart program is refused" "$reason"
	skip "systemd-analyze verify: the serve unit" "$reason"
elif ! systemd-analyze verify --man=no "$tmp/ok/tracetape-rec.service" >"$tmp/verify.out" 2>&1 &&
	grep -qi "failed to\|cannot\|not booted" "$tmp/verify.out" &&
	! grep -q "tracetape-rec.service:" "$tmp/verify.out"; then
	reason="systemd-analyze verify does not run here: $(head -1 "$tmp/verify.out")"
	skip "systemd-analyze verify: the unit" "$reason"
	skip "systemd-analyze verify: a missing ExecStart program is refused" "$reason"
	skip "systemd-analyze verify: the serve unit" "$reason"
else
	if systemd-analyze verify --man=no "$tmp/ok/tracetape-rec.service" >"$tmp/verify.out" 2>&1; then
		ok "systemd-analyze verify: the unit"
	else
		fail "systemd-analyze verify: the unit" "$tmp/verify.out"
	fi
	if systemd-analyze verify --man=no "$tmp/bad/tracetape-rec.service" >"$tmp/verify2.out" 2>&1; then
		fail "systemd-analyze verify: a missing ExecStart program is refused" "$tmp/verify2.out"
	else
		ok "systemd-analyze verify: a missing ExecStart program is refused"
	fi
	if systemd-analyze verify --man=no "$tmp/ok/tracetape-serve.service" >"$tmp/verify3.out" 2>&1; then
		ok "systemd-analyze verify: the serve unit"
	else
		fail "systemd-analyze verify: the serve unit" "$tmp/verify3.out"
	fi
fi

if [ "$(id -u)" -ne 0 ]; then
	skip_all service "needs root to record with BPF"
fi
cmd=$(sed -n 's/^ExecStart=//p' "$tmp/ok/tracetape-rec.service")
$cmd 2>"$tmp/rec.err" &
pid=$!
# Attached once its file is being written (a signal before then would find
# no handler); up to 60 s on a loaded machine.
i=0
while [ ! -e "$tmp/state/trace.zst.partial" ] && [ $i -lt 600 ]; do
	sleep 0.1
	i=$((i + 1))
done
$(sed -n 's/^ExecStart=//p' "$tmp/ok/tracetape-serve.service") 2>"$tmp/serve.err" &
spid=$!
kill -HUP $pid
sleep 1
kill -USR1 $pid
sleep 1.5
alive=0
kill -0 $pid 2>/dev/null && alive=1
live=$(curl -s "http://127.0.0.1:$port/metrics" | grep '^tracetape_recording_up ')
curl -s "http://127.0.0.1:$port/state" >"$tmp/state.json"
kill -TERM $pid
wait $pid
st=$?
if [ $alive = 1 ] && grep -q '^ExecReload=/bin/kill -HUP \$MAINPID$' "$tmp/ok/tracetape-rec.service"; then
	ok "ExecReload's SIGHUP: rec re-reads its config and runs on"
else
	fail "ExecReload's SIGHUP: rec re-reads its config and runs on" "$tmp/rec.err"
fi
if [ -f "$tmp/state/trace.zst" ] && [ -f "$tmp/state/trace.1.zst" ]; then
	ok "SIGUSR1: a second file (trace.1.zst)"
else
	ls -l "$tmp/state" | sed 's/^/# /'
	fail "SIGUSR1: a second file (trace.1.zst)" "$tmp/rec.err"
fi
if [ "$st" -eq 0 ] && [ ! -s "$tmp/rec.err" ]; then
	ok "SIGTERM: exit 0, and -q prints nothing"
else
	fail "SIGTERM: exit 0 (got $st), and -q prints nothing" "$tmp/rec.err"
fi
"$builddir/analyze/analyze" --top "$tmp/state" >"$tmp/top.txt" 2>&1
st=$?
if [ "$st" -eq 0 ] && grep -q "^Trace: .*, 2 files" "$tmp/top.txt"; then
	ok "the state directory reads as one recording of 2 files"
else
	fail "the state directory reads as one recording of 2 files (exit $st)" "$tmp/top.txt"
fi
i=0
while ! curl -s "http://127.0.0.1:$port/state" | grep -q '"ended"' && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
events=$(curl -s "http://127.0.0.1:$port/metrics" | sed -n 's/^tracetape_events_total //p')
want=$(sed -n 's/^Events: *\([0-9]*\).*/\1/p' "$tmp/top.txt")
if [ "$live" = "tracetape_recording_up 1" ] && [ -n "$events" ] && [ "$events" = "$want" ] &&
	python3 -c 'import json, sys; sys.exit("comms=nginx,curl" not in (json.load(open(sys.argv[1]))["config"] or ""))' "$tmp/state.json"; then
	ok "the serve unit: live with SIGHUP's settings while rec runs, then its $events events"
else
	fail "the serve unit: '$live', then '$events' events, --top $want" "$tmp/serve.err"
fi
kill $spid
wait $spid
st=$?
spid=
if [ $st -eq 0 ]; then ok "the serve unit: SIGTERM, exit 0"; else fail "the serve unit: SIGTERM, exit $st" "$tmp/serve.err"; fi
