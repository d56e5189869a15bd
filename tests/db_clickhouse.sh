#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# ClickHouse as a fleet's database (TAP): two clickhouse-server instances on
# loopback, two shards of one cluster, each with the local tables of
# csv-export --schema clickhouse; the CSVs of two recordings (two "hosts")
# go one to each shard (tools/db-load.sh), and a Distributed table over both
# gives per-syscall call and error counts equal to analyze --summary's of
# each recording, and the fleet's total. The servers run in a temporary
# folder, as root (ClickHouse 18 allows it) or the current user.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
tmp=$(mktemp -d) || exit 1
stop() {
	db_stop_all
	rm -rf "$tmp"
}
trap stop EXIT
csv=$builddir/tools/csv-export
load=$srcdir/tools/db-load.sh
compare="python3 $srcdir/tests/db_compare.py"
TZ=UTC; export TZ
plan=9
. "$srcdir/tests/tap.sh"
. "$srcdir/tests/db_servers.sh"
echo "1..$plan"

if ! command -v clickhouse-server >/dev/null && [ ! -x /usr/sbin/clickhouse-server ] || ! command -v clickhouse-client >/dev/null; then
	while [ "$n" -lt "$plan" ]; do
		skip "clickhouse" "no clickhouse-server: tools/install-deps.sh installs it"
	done
	exit 0
fi

base=$((30000 + $$ % 10000 * 2))
port1=$base port2=$((base + 1))
ch() { db_ch "$@"; }
t0=$(date +%s.%N)
db_ch_start "$tmp/shard1" "$port1" "$port1" "$port2"
db_ch_start "$tmp/shard2" "$port2" "$port1" "$port2"
if db_ch_ready "$port1" && db_ch_ready "$port2"; then
	ok "two clickhouse-server instances answer ($(ch "$port1" "SELECT version()"), up in $(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $t0 }") s)"
else
	fail "two clickhouse-server instances answer" "$tmp/shard1/error.log"
	skip_all "clickhouse" "no server"
fi

# the schema on each shard, and the Distributed table over both
i=0
for p in "$port1" "$port2"; do
	i=$((i + 1))
	"$csv" --schema clickhouse --with-host -m syscall,exec,process | tr '\n' ' ' | tr ';' '\n' |
		while read -r q; do [ -n "$q" ] && ch "$p" "$q"; done >"$tmp/err" 2>&1
done
for t in syscall exec process; do
	ch "$port1" "CREATE TABLE ${t}_fleet AS $t ENGINE = Distributed(fleet, default, $t)" >>"$tmp/err" 2>&1
done
expect "each shard takes the schema; a Distributed table over both" "$tmp/err" \
	test "$(ch "$port1" "SELECT count() FROM system.tables WHERE engine = 'Distributed'")" = 3

i=0
for t in "$srcdir/samples/workload.zst" "$srcdir/samples/volume.zst"; do
	i=$((i + 1))
	mkdir "$tmp/t$i"
	"$csv" --with-host -d "$tmp/t$i" "$t" 2>"$tmp/err" &&
		"$builddir/analyze/analyze" --summary --json "$t" >"$tmp/t$i/summary.json" 2>>"$tmp/err" ||
		echo "Bail out! csv-export or analyze failed on $t: $(cat "$tmp/err")"
done
"$load" clickhouse "127.0.0.1:$port1" "$tmp"/t1/*.csv >"$tmp/err" 2>&1 &&
	"$load" clickhouse "127.0.0.1:$port2" "$tmp"/t2/*.csv >>"$tmp/err" 2>&1
expect "db-load.sh: one recording into each shard" "$tmp/err" test \
	"$(ch "$port1" "SELECT count() FROM syscall"),$(ch "$port2" "SELECT count() FROM syscall")" = \
	"$(($(cat "$tmp"/t1/syscall_*.csv | wc -l) - 1)),$(($(cat "$tmp"/t2/syscall_*.csv | wc -l) - 1))"

# The fleet query of README's "Many machines": calls and errors per host,
# recording and syscall.
ch "$port1" "SELECT trace_id, syscall_name, count(), countIf(is_error = 'true')
	FROM syscall_fleet GROUP BY trace_id, syscall_name" >"$tmp/ch.counts" 2>&1
check "the Distributed table's per-syscall calls and errors equal analyze --summary's" \
	$compare summary "$tmp/ch.counts" "$tmp/t1" "$tmp/t2"

want=$(cat "$tmp"/t*/summary.json | python3 -c '
import json, sys
d = json.JSONDecoder(); s = sys.stdin.read(); i = 0; calls = errors = 0
while i < len(s.rstrip()):
    o, i = d.raw_decode(s, i)
    for x in o["summary"]["syscalls"]:
        calls += x["calls"]; errors += x["errors"]
    while i < len(s) and s[i].isspace(): i += 1
print(f"{calls}\t{errors}")')
got=$(ch "$port1" "SELECT count(), countIf(is_error = 'true') FROM syscall_fleet" 2>&1)
expect "the fleet's calls and errors: $got (analyze: $want)" /dev/null test "$got" = "$want"

# strings a process chose come back whole: single quotes are not quoting
# to ClickHouse's CSV reader (format_csv_allow_single_quotes=0)
mkdir "$tmp/h"
"$builddir/tests/hostile/mktrace" "$tmp/hostile.zst" "$tmp/marker" &&
	"$csv" --with-host -m exec -d "$tmp/h" "$tmp/hostile.zst" 2>"$tmp/err" &&
	ch "$port2" "TRUNCATE TABLE exec" && "$load" clickhouse "127.0.0.1:$port2" "$tmp"/h/exec_*.csv \
	>>"$tmp/err" 2>&1 &&
	ch "$port2" "SELECT comm, argv, time_str, host FROM exec FORMAT CSV" \
	>"$tmp/ch.exec" 2>>"$tmp/err"
check "the hostile comm and argv come back unchanged" \
	$compare rows "$tmp/ch.exec" "$tmp"/h/exec_*.csv comm argv time_str host

# the time column ClickHouse computes: the second of timestamp, and of
# timestamp_ns
got=$(ch "$port1" "SELECT count() FROM syscall_fleet WHERE toUInt32(time) != toUInt32(timestamp)
	OR toUInt32(time) != intDiv(timestamp_ns, 1000000000)" 2>&1)
expect "time, MATERIALIZED, is timestamp's second and timestamp_ns's" /dev/null test "$got" = 0

# timestamp_ns, exactly: the fleet's least and greatest, and how many
# distinct, are the CSVs'
got=$(ch "$port1" "SELECT min(timestamp_ns), max(timestamp_ns), uniqExact(timestamp_ns) FROM syscall_fleet" 2>&1)
want=$(tail -q -n +2 "$tmp"/t*/syscall_*.csv | tr -d '\r' | awk -F, '{ print $NF }' | sort -n |
	awk 'NR == 1 { lo = $1 } $1 != last { n++ } { last = $1 } END { print lo "\t" last "\t" n }')
expect "timestamp_ns's least, greatest and distinct values: $got (CSVs: $want)" /dev/null test "$got" = "$want"

# an empty field is NULL, not ClickHouse 18's 0: a fork has no exit code
got=$(ch "$port1" "SELECT countIf(event = 'fork'), countIf(event = 'fork' AND isNull(exit_code)),
	countIf(event = 'exit' AND isNull(exit_code)) FROM process_fleet" 2>&1)
expect "an empty field is NULL: forks, those without exit_code, exits without: $got" /dev/null \
	awk -F'\t' -v g="$got" 'BEGIN { split(g, f, "\t"); exit !(f[1] > 0 && f[1] == f[2] && f[3] == 0) }'
