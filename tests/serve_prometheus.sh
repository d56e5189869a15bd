#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# analyze --serve and a real Prometheus server (TAP): Prometheus, on
# loopback with its own data folder, scrapes /metrics every second while rec
# records a known workload through rotations; its HTTP API then gives the
# exact getppid count, that of analyze --top, and promtool accepts the
# exposition. Needs root to record.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
tmp=$(mktemp -d) || exit 1
spid= ppid=
trap '[ -n "$spid" ] && kill $spid 2>/dev/null; [ -n "$ppid" ] && kill $ppid 2>/dev/null; wait; rm -rf "$tmp"' EXIT
an=$builddir/analyze/analyze
rec=$builddir/record/rec
wl=$builddir/tests/workload
calls=1500000

plan=4
. "$srcdir/tests/tap.sh"
. "$srcdir/tests/serve_lib.sh"

echo "1..$plan"
prom=$(command -v prometheus || true)
if [ -z "$prom" ] || ! command -v promtool >/dev/null || ! command -v curl >/dev/null; then
	for t in "Prometheus scrapes the server" "the exact getppid count" "as analyze --top" \
		"promtool check metrics"; do
		skip "$t" "prometheus, promtool or curl is not installed (tools/install-deps.sh installs them)"
	done
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	skip_all "Prometheus scrapes a live recording" "needs root to record"
fi

mkdir "$tmp/rec" "$tmp/data"
start_serve "$tmp/rec/t.zst"
pport=$(free_port)
cat >"$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: tracetape
    static_configs:
      - targets: ['127.0.0.1:$port']
EOF
"$prom" --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/data" \
	--web.listen-address="127.0.0.1:$pport" >"$tmp/prometheus.log" 2>&1 &
ppid=$!
query() { # PromQL: its first value, or nothing
	curl -s -G "http://127.0.0.1:$pport/api/v1/query" --data-urlencode "query=$1" |
		python3 -c 'import json,sys; r = json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")' 2>/dev/null
}
# Prometheus up and scraping before the workload starts
i=0
while [ "$(query 'up{job="tracetape"}')" != 1 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done

"$rec" -q -C 1 -o "$tmp/rec/t.zst" -- "$wl" --getppid $calls 2>"$tmp/rec.err"
i=0
while [ "$(query 'tracetape_recording_ended')" != 1 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
# one scrape more after the end: every count read by then
sleep 2
got=$(query 'sum(tracetape_syscalls_total{syscall="getppid"})')
seen=$(query 'count_over_time(up{job="tracetape"}[5m])')
if [ "$(query 'up{job="tracetape"}')" = 1 ] && [ "${seen:-0}" -ge 3 ]; then
	ok "Prometheus scrapes the server ($seen scrapes)"
else
	fail "Prometheus scrapes the server" "$tmp/prometheus.log"
fi
if [ "$got" = "$calls" ]; then
	ok "the exact getppid count: $got"
else
	fail "the exact getppid count: '$got', want $calls ($(ls "$tmp/rec" | wc -l) files)" "$tmp/serve.err"
fi
top=$("$an" "$tmp/rec" --top --json -n 1000 2>/dev/null |
	python3 -c 'import json,sys; print(sum(s["calls"] for s in json.load(sys.stdin)["syscalls"] if s["syscall"] == "getppid"))')
if [ "$got" = "$top" ]; then ok "as analyze --top"; else fail "as analyze --top: $top, Prometheus $got"; fi
curl -s "http://127.0.0.1:$port/metrics" >"$tmp/metrics"
if promtool check metrics <"$tmp/metrics" >"$tmp/err" 2>&1; then
	ok "promtool check metrics"
else
	fail "promtool check metrics" "$tmp/err"
fi
