#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Sizes and load times of csv-export's outputs (RESULTS.md, "Columnar
# export"): records R rounds of a mixed workload (bench-workloads files, a
# tar of /usr/include) with rec -m syscall,exec, then measures bytes per
# event of the trace, the CSVs, the CSVs compressed with zstd -3 and the
# Parquet files, and how long each engine takes to load them; prints the
# section that tools/bench/COLUMNAR.md holds (and RESULTS.md, appended by
# bench.py). Run as root from a built tree:
#   tools/bench/columnar.sh [ROUNDS] [WORKDIR] >tools/bench/COLUMNAR.md
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
rounds=${1:-25}
d=${2:-$(mktemp -d /tmp/columnar-bench.XXXXXX)}
mkdir -p "$d/w"
chmod 755 "$d"
. "$top/tests/db_servers.sh"
cleanup() {
	db_stop_all
	db_pg_stop "$d/pg"
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

echo "## Columnar export: bytes per event and load times"
echo
echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "- Machine: $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1), $(nproc) cores, Linux $(uname -r)"
echo "- Command: \`tools/bench/columnar.sh $rounds >tools/bench/COLUMNAR.md\` (one run)"
echo "- Trace: \`rec -m syscall,exec\` of $rounds rounds of \`bench-workloads files 100000\` and a tar of /usr/include: $events events, $rows syscall rows"
echo "- csv-export --with-host: $csv_s s for the CSVs, $pq_s s for the Parquet files (-j default)"
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
db_pg_start "$d/pg" 25999
conn="host=127.0.0.1 port=25999 user=tt dbname=postgres"
"$top/tools/csv-export" --schema postgres --with-host | psql -q -d "$conn"
t=$(now); "$top/tools/db-load.sh" postgres "$conn" "$d"/csv/syscall_*.csv
load "PostgreSQL 15 (fsync=off) | syscall CSV (db-load.sh)" "$(since "$t")"
db_pg_stop "$d/pg"
rm -rf "$d/pg"
# ClickHouse
db_ch_start "$d/ch" 29999 29999
db_ch_ready 29999
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
echo
echo "The loads are of the syscall file into the tables of csv-export --schema"
echo "(ClickHouse's through a Memory table of text, which turns empty fields into"
echo "NULLs; PostgreSQL without fsync). The Parquet files are written by one"
echo "thread, which parses each CSV row it makes back into typed values"
echo "(tools/csv_parquet.c) and compresses pages at zstd level 6."
