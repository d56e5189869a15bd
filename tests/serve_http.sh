#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# analyze --serve over HTTP (TAP), with curl: on loopback by default; 404,
# 400 and 405 with one line; /api/VIEW the same document as analyze --VIEW
# --json, filters as parameters; /metrics as --format prometheus and as
# promtool wants it, also for a trace of hostile strings; 200 connections
# at once; clients that never read; and
# on a live rotating recording (root): counters that only grow, the alert
# stream, clients connected when it ends, a hostile process name.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
tmp=$(mktemp -d) || exit 1
spid=
trap '[ -n "$spid" ] && kill $spid 2>/dev/null; rm -rf "$tmp"' EXIT
an=$builddir/analyze/analyze
rec=$builddir/record/rec
wl=$builddir/tests/workload
sample=$srcdir/samples/workload.zst

plan=20
. "$srcdir/tests/tap.sh"
. "$srcdir/tests/serve_lib.sh"

echo "1..$plan"
if ! command -v curl >/dev/null; then
	skip_all "analyze --serve" "curl is not installed (tools/install-deps.sh installs it)"
fi

start_serve "$sample"
if ss -ltnH "sport = :$port" | grep -q "127.0.0.1:$port"; then
	ok "listens on 127.0.0.1 by default"
else
	fail "listens on 127.0.0.1 by default" "$tmp/serve.err"
fi

one_line="1 2"
expect_exit "a port in use: exit 1" 1 "cannot listen" "$an" --serve "$port" "$sample"
expect_exit "a bad port: exit 2" 2 "expected \[ADDR:\]PORT" "$an" --serve 65536 "$sample"

# Errors: the status and one line saying why.
one_line_status() { # name, want, path, [curl options...]
	name=$1 want=$2
	shift 2
	got=$(http_status "$@")
	if [ "$got" = "$want" ] && [ "$(wc -l <"$tmp/body")" -eq 1 ]; then
		ok "$name: $want, $(cat "$tmp/body")"
	else
		fail "$name: $got, want $want" "$tmp/body"
	fi
}
one_line_status "unknown page" 404 /nothing
one_line_status "a view that needs an argument" 404 /api/flow
one_line_status "unknown parameter" 400 "/api/top?bogus=1"
one_line_status "bad filter value" 400 "/api/top?pid=abc"
one_line_status "POST" 405 /metrics -X POST

# Every view of /api: the document analyze --VIEW --json prints.
same=0 differ=
for v in top summary errors slow latency tree events connections containers alerts funcs calls; do
	http_status "/api/$v" >/dev/null
	"$an" "$sample" "--$v" --json >"$tmp/want.json" 2>/dev/null
	if python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' \
		"$tmp/body" "$tmp/want.json" 2>"$tmp/err"; then
		same=$((same + 1))
	else
		differ="$differ $v"
	fi
done
if [ -z "$differ" ]; then
	ok "/api/VIEW is analyze --VIEW --json ($same views)"
else
	fail "/api/VIEW is analyze --VIEW --json: differ:$differ" "$tmp/err"
fi
pid=$("$an" "$sample" --tree --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["processes"][0]["pid"])')
http_status "/api/summary?syscalls=file_io&failed&pid=$pid&children" >/dev/null
"$an" "$sample" --summary -e file_io --failed -p "$pid" --children --json >"$tmp/want.json" 2>/dev/null
if python3 -c 'import json, sys; a, b = (json.load(open(p)) for p in sys.argv[1:]); sys.exit(a != b or not a["summary"]["syscalls"])' \
	"$tmp/body" "$tmp/want.json" 2>"$tmp/err"; then
	ok "filters as parameters: as the options"
else
	fail "filters as parameters: as the options" "$tmp/body"
fi

# /metrics: --format prometheus's lines, then the recording's; promtool.
http_status /metrics >/dev/null
"$an" "$sample" --format prometheus >"$tmp/want.prom" 2>/dev/null
if head -n "$(wc -l <"$tmp/want.prom")" "$tmp/body" | cmp -s - "$tmp/want.prom" &&
	grep -q '^tracetape_recording_ended 1$' "$tmp/body" && grep -q '^tracetape_events_lost_total 0$' "$tmp/body"; then
	ok "/metrics: --format prometheus, then lost, up and ended"
else
	fail "/metrics: --format prometheus, then lost, up and ended" "$tmp/body"
fi
if ! command -v promtool >/dev/null; then
	skip "promtool check metrics" "promtool is not installed (tools/install-deps.sh installs prometheus)"
elif promtool check metrics <"$tmp/body" >"$tmp/err" 2>&1; then
	ok "promtool check metrics"
else
	fail "promtool check metrics" "$tmp/err"
fi

# 200 at once, each answered whole.
seq 200 | xargs -P 200 -I{} curl -s -o /dev/null -w '%{http_code}\n' --max-time 30 \
	"http://127.0.0.1:$port/api/summary" >"$tmp/codes"
if [ "$(grep -c '^200$' "$tmp/codes")" -eq 200 ]; then
	ok "200 concurrent connections"
else
	fail "200 concurrent connections: $(sort "$tmp/codes" | uniq -c | tr '\n' ' ')"
fi

# Clients that never read their answer, and one that never ends its
# request: the others are still answered, at once.
python3 - "$port" >"$tmp/stall.out" 2>&1 <<'PY' &
import socket, sys, time
socks = []
for i in range(20):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
    s.sendall(b"GET /api/events HTTP/1.1\r\nHost: x\r\n\r\n" * 50)
    socks.append(s)
half = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
half.sendall(b"GET /metrics HTTP/1.1\r\nHo")
time.sleep(8)
PY
stall=$!
sleep 1
code=$(http_status /metrics --max-time 10)
if [ "$code" = 200 ]; then
	ok "clients that never read do not hold up the others"
else
	fail "clients that never read do not hold up the others: $code" "$tmp/serve.err"
fi
kill $stall 2>/dev/null
wait $stall 2>/dev/null
stop_serve
spid=

# A trace of hostile strings (terminal escapes, C1 bytes, invalid UTF-8)
# and lost events: promtool still reads /metrics, /api is JSON, /state says
# the loss.
"$builddir/tests/hostile/mktrace" "$tmp/h.zst" "$tmp/marker" >/dev/null
start_serve "$tmp/h.zst"
curl -s "http://127.0.0.1:$port/metrics" >"$tmp/h.prom"
if { ! command -v promtool >/dev/null || promtool check metrics <"$tmp/h.prom" >"$tmp/err" 2>&1; } &&
	grep -q '^tracetape_events_lost_total 5000$' "$tmp/h.prom" &&
	curl -s "http://127.0.0.1:$port/api/top" | python3 -c 'import json, sys; json.load(sys.stdin)' 2>"$tmp/err" &&
	curl -s "http://127.0.0.1:$port/state" | python3 -c 'import json, sys; sys.exit(json.load(sys.stdin)["lost"] != 5000)' 2>"$tmp/err"; then
	ok "a hostile trace: /metrics as promtool wants, /api JSON, its 5000 lost events"
else
	fail "a hostile trace" "$tmp/err"
fi
stop_serve
spid=

if [ "$(id -u)" -ne 0 ]; then
	skip_all "a live rotating recording" "needs root to record"
fi
# Live: a rotating recording of a process with a hostile name, the server
# started first; /metrics sampled while it grows.
hostile="<img src=x>"
cp "$wl" "$tmp/$hostile"
mkdir "$tmp/live"
cat >"$tmp/rules.yaml" <<'YAML'
rules:
  - id: hostname-read
    syscalls: openat
    path: /etc/hostname
    severity: low
    message: reads the host name
YAML
start_serve "$tmp/live/t.zst" --alerts "$tmp/rules.yaml"
curl -s -N --max-time 60 "http://127.0.0.1:$port/events" >"$tmp/sse" &
sse=$!
"$rec" -q -C 1 -o "$tmp/live/t.zst" -- sh -c "'$tmp/$hostile' --getppid 2000000 && '$wl' --open /etc/hostname:2 --getppid 1000000" \
	2>"$tmp/rec.err" &
rpid=$!
: >"$tmp/samples"
while kill -0 $rpid 2>/dev/null; do
	curl -s "http://127.0.0.1:$port/metrics" |
		awk '/^tracetape_syscalls_total\{syscall="getppid"/ { n += $NF } END { print n + 0 }' >>"$tmp/samples"
	sleep 0.3
done
wait $rpid
i=0
while ! curl -s "http://127.0.0.1:$port/metrics" | grep -q '^tracetape_recording_ended 1$' && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
curl -s "http://127.0.0.1:$port/metrics" >"$tmp/final.prom"
curl -s "http://127.0.0.1:$port/state" >"$tmp/state.json"
final=$(awk '/^tracetape_syscalls_total\{syscall="getppid"/ { n += $NF } END { print n + 0 }' "$tmp/final.prom")
top=$("$an" "$tmp/live" --top --json -n 1000 2>/dev/null |
	python3 -c 'import json,sys; print(sum(s["calls"] for s in json.load(sys.stdin)["syscalls"] if s["syscall"] == "getppid"))')
nfiles=$(ls "$tmp/live" | wc -l)
if sort -n -c "$tmp/samples" 2>/dev/null && [ "$final" = "$top" ] && [ "$final" -ge 3000000 ] && [ "$nfiles" -ge 3 ]; then
	ok "counters only grow through $nfiles files; getppid $final as analyze --top"
else
	fail "counters only grow: samples $(tr '\n' ' ' <"$tmp/samples"), final $final, --top $top, $nfiles files" "$tmp/serve.err"
fi
if python3 -c 'import json,sys; s = json.load(open(sys.argv[1])); sys.exit(s["state"] != "ended" or s["rotation"] != '"$nfiles"' - 1 or s["alerts"] != 2)' "$tmp/state.json"; then
	ok "/state: ended, in the last file, 2 alerts"
else
	fail "/state: ended" "$tmp/state.json"
fi
# the SSE client, connected through the end: the two alerts of the rules
# given, then the end
i=0
while kill -0 $sse 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if ! kill -0 $sse 2>/dev/null && grep -q '^event: alert$' "$tmp/sse" && grep -q '^event: end$' "$tmp/sse" &&
	python3 -c '
import json, sys
ev = [b.split("\n") for b in open(sys.argv[1]).read().split("\n\n")]
alerts = [json.loads("\n".join(l[6:] for l in e if l.startswith("data: ")))
          for e in ev if "event: alert" in e]
assert len(alerts) == 2 and all(a["rule"] == "hostname-read" for a in alerts), alerts' "$tmp/sse" 2>"$tmp/err"; then
	ok "/events: alerts as they fired, then the end, to a client connected throughout"
else
	kill $sse 2>/dev/null
	fail "/events: alerts as they fired, then the end" "$tmp/sse"
fi
# The hostile name: a label escaped in /metrics, a string in JSON.
if grep -qF 'comm="<img src=x>"' "$tmp/final.prom" &&
	curl -s "http://127.0.0.1:$port/api/top" | python3 -c '
import json, sys
assert "<img src=x>" in [p["comm"] for p in json.load(sys.stdin)["processes"]]' 2>"$tmp/err"; then
	ok "a hostile process name: a metrics label and a JSON string as it is"
else
	fail "a hostile process name" "$tmp/err"
fi
stop_serve
st=$?
spid=
if [ $st -eq 0 ]; then ok "SIGTERM: exit 0"; else fail "SIGTERM: exit $st" "$tmp/serve.err"; fi
