#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Sizes and load times of csv-export's outputs (RESULTS.md, "Columnar
# export"): records R rounds of a mixed workload (bench-workloads files, a
# tar of /usr/include) with rec -m syscall,exec, then measures bytes per
# event of the trace, the CSVs, the CSVs compressed with zstd -3 and the
# Parquet files, and how long each engine takes to load them. Run as root
# from a built tree: tools/bench/columnar.sh [ROUNDS] [WORKDIR]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
rounds=${1:-25}
d=${2:-$(mktemp -d /tmp/columnar-bench.XXXXXX)}
mkdir -p "$d/w"
chmod 755 "$d"
pg_bin=/usr/lib/postgresql/15/bin
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || :; done
	[ -f "$d/pg/data/postmaster.pid" ] &&
		runuser -u postgres -- "$pg_bin/pg_ctl" -D "$d/pg/data" -m immediate stop >/dev/null 2>&1
	rm -rf "$d"
}
trap cleanup EXIT
now() { date +%s.%N; }
since() { awk "BEGIN { printf \"%.1f\", $(now) - $1 }"; }
size() { cat "$@" | wc -c; }

"$top/record/rec" -m syscall,exec -o "$d/trace.zst" -- sh -c "
	i=0
	while [ \$i -lt $rounds ]; do
		'$top/tools/bench/bench-workloads' files 100000 '$d/w' >/dev/null
		tar c /usr/include 2>/dev/null | wc -c >/dev/null
		i=\$((i + 1))
	done" 2>"$d/rec.err"
events=$("$top/analyze/analyze" --top --json "$d/trace.zst" |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["trace"]["events"])')
mkdir "$d/csv" "$d/pq"
t=$(now); "$top/tools/csv-export" --with-host -d "$d/csv" "$d/trace.zst"; csv_s=$(since "$t")
t=$(now); "$top/tools/csv-export" --with-host --format parquet -d "$d/pq" "$d/trace.zst"
pq_s=$(since "$t")
for f in "$d"/csv/*.csv; do zstd -q -3 -o "$f.zst" "$f"; done
rows=$(($(cat "$d"/csv/syscall_*.csv | wc -l) - 1))

echo "- events: $events ($rows syscall rows), rounds: $rounds"
echo "- csv-export: $csv_s s for the CSVs, $pq_s s for the Parquet files"
echo
echo "| output | bytes | bytes/event | of the CSV |"
echo "|---|---|---|---|"
csv_b=$(size "$d"/csv/*.csv)
for row in "trace (rec)|$d/trace.zst" "CSV|$d/csv/*.csv" "CSV, zstd -3|$d/csv/*.csv.zst" \
	"Parquet|$d/pq/*.parquet"; do
	name=${row%%|*}
	# shellcheck disable=SC2086
	b=$(size ${row#*|})
	awk -v n="$name" -v b="$b" -v e="$events" -v c="$csv_b" \
		'BEGIN { printf "| %s | %d | %.1f | 1/%.1f |\n", n, b, b / e, c / b }'
done
echo
echo "| engine | loads | seconds | rows/s |"
echo "|---|---|---|---|"
load() { # engine label, seconds
	awk -v n="$1" -v s="$2" -v r="$rows" 'BEGIN { printf "| %s | %.1f | %d |\n", n, s, r / s }'
}
# SQLite
"$top/tools/csv-export" --schema sqlite --with-host | sqlite3 "$d/t.db"
t=$(now); "$top/tools/db-load.sh" sqlite "$d/t.db" "$d"/csv/syscall_*.csv
load "SQLite 3.40 | syscall CSV (db-load.sh)" "$(since "$t")"
rm -f "$d/t.db"
# PostgreSQL
mkdir "$d/pg" && chown postgres "$d/pg"
runuser -u postgres -- sh -c "'$pg_bin/initdb' -D '$d/pg/data' -A trust -U tt --no-sync >/dev/null 2>&1 &&
	'$pg_bin/pg_ctl' -D '$d/pg/data' -l '$d/pg/log' -w -o '-k $d/pg -p 25999 -c listen_addresses=127.0.0.1' start" >/dev/null
conn="host=127.0.0.1 port=25999 user=tt dbname=postgres"
"$top/tools/csv-export" --schema postgres --with-host | psql -q -d "$conn"
t=$(now); "$top/tools/db-load.sh" postgres "$conn" "$d"/csv/syscall_*.csv
load "PostgreSQL 15 | syscall CSV (db-load.sh)" "$(since "$t")"
runuser -u postgres -- "$pg_bin/pg_ctl" -D "$d/pg/data" -m fast stop >/dev/null
rm -rf "$d/pg"
# ClickHouse
mkdir -p "$d/ch/data" "$d/ch/tmp"
cat >"$d/ch/config.xml" <<XML
<yandex><logger><level>warning</level><log>$d/ch/log</log><errorlog>$d/ch/err</errorlog></logger>
<listen_host>127.0.0.1</listen_host><tcp_port>29999</tcp_port><path>$d/ch/data/</path>
<tmp_path>$d/ch/tmp/</tmp_path><users_config>$d/ch/users.xml</users_config>
<default_profile>default</default_profile><default_database>default</default_database>
<mark_cache_size>67108864</mark_cache_size></yandex>
XML
echo '<yandex><profiles><default/></profiles><users><default><password/><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users><quotas><default/></quotas></yandex>' >"$d/ch/users.xml"
/usr/sbin/clickhouse-server --config-file="$d/ch/config.xml" >/dev/null 2>&1 &
pids="$pids $!"
until clickhouse-client --port 29999 -q "SELECT 1" >/dev/null 2>&1; do sleep 0.2; done
"$top/tools/csv-export" --schema clickhouse --with-host -m syscall | clickhouse-client --port 29999 -n
t=$(now); "$top/tools/db-load.sh" clickhouse 127.0.0.1:29999 "$d"/csv/syscall_*.csv
load "ClickHouse 18.16 | syscall CSV (db-load.sh)" "$(since "$t")"
# DuckDB: the CSV, then the Parquet file
"$top/tools/csv-export" --schema duckdb --with-host -m syscall | "$top/tools/duckdb-sql.js" "$d/duck.db" >/dev/null
t=$(now); "$top/tools/db-load.sh" duckdb "$d/duck.db" "$d"/csv/syscall_*.csv
load "DuckDB $(node -p "require('$top/.duckdb/node_modules/@duckdb/node-api/package.json').version") | syscall CSV (db-load.sh)" "$(since "$t")"
rm -f "$d/duck.db"
"$top/tools/csv-export" --schema duckdb --with-host -m syscall | "$top/tools/duckdb-sql.js" "$d/duck.db" >/dev/null
t=$(now); "$top/tools/db-load.sh" duckdb "$d/duck.db" "$d"/pq/syscall_*.parquet
load "DuckDB | syscall Parquet (db-load.sh)" "$(since "$t")"
