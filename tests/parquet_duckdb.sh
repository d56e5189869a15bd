#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# csv-export --format parquet read by DuckDB (TAP): for each trace (two
# recordings, the packet sample, the hostile trace's strings, and one with
# every monitor empty), every Parquet file has the rows, the column types
# and the values of its CSV loaded into --schema duckdb's table; the
# per-syscall counts equal analyze --summary's. DuckDB is the npm package
# tools/install-deps.sh installs into .duckdb/ (tools/duckdb-sql.js).
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
csv=$builddir/tools/csv-export
duck=$srcdir/tools/duckdb-sql.js
compare="python3 $srcdir/tests/db_compare.py"
TZ=UTC; export TZ
plan=9
. "$srcdir/tests/tap.sh"
echo "1..$plan"

if ! command -v node >/dev/null || ! "$duck" :memory: "SELECT 1" >/dev/null 2>&1; then
	while [ "$n" -lt "$plan" ]; do skip "duckdb" "no DuckDB: tools/install-deps.sh installs it"; done
	exit 0
fi
"$builddir/tests/hostile/mktrace" "$tmp/hostile.zst" "$tmp/marker" ||
	echo "Bail out! mktrace failed"

# name, trace, csv-export options
set -- \
	workload "$srcdir/samples/workload.zst" "" \
	volume "$srcdir/samples/volume.zst" "" \
	packets "$srcdir/samples/packets.zst" "" \
	hostile "$tmp/hostile.zst" "--with-container" \
	empty "$srcdir/samples/workload.zst" "--comm no-such-process"
while [ $# -ge 3 ]; do
	name=$1 trace=$2 opts=$3
	shift 3
	d=$tmp/$name
	mkdir "$d" "$d/csv" "$d/pq"
	# shellcheck disable=SC2086
	if ! "$csv" --with-host $opts -d "$d/csv" "$trace" 2>"$tmp/err" ||
	   ! "$csv" --with-host $opts --format parquet -d "$d/pq" "$trace" 2>>"$tmp/err"; then
		fail "$name: csv-export --format parquet" "$tmp/err"
		continue
	fi
	with=--with-host
	[ -n "$opts" ] && [ "$opts" = --with-container ] && with="--with-host --with-container"
	# shellcheck disable=SC2086
	"$csv" --schema duckdb $with "$trace" | "$duck" "$d/db" >/dev/null 2>"$tmp/err" &&
		"$srcdir/tools/db-load.sh" duckdb "$d/db" "$d"/csv/*.csv 2>>"$tmp/err" ||
		{ fail "$name: the CSVs load into DuckDB" "$tmp/err"; continue; }
	# per file: rows, types and values equal to the CSV's table
	: >"$tmp/sql"
	for p in "$d"/pq/*.parquet; do
		t=$(basename "$p" | sed 's/_.*//')
		cat >>"$tmp/sql" <<SQL
SELECT '$t', (SELECT count(*) FROM $t), (SELECT count(*) FROM read_parquet('$p')),
	(SELECT count(*) FROM (SELECT * EXCLUDE (time) FROM $t EXCEPT ALL SELECT * FROM read_parquet('$p')))
	+ (SELECT count(*) FROM (SELECT * FROM read_parquet('$p') EXCEPT ALL SELECT * EXCLUDE (time) FROM $t)),
	(SELECT string_agg(column_name || ' ' || column_type, ',') FROM (DESCRIBE SELECT * EXCLUDE (time) FROM $t))
	= (SELECT string_agg(column_name || ' ' || column_type, ',') FROM (DESCRIBE SELECT * FROM read_parquet('$p')));
SQL
	done
	"$duck" "$d/db" <"$tmp/sql" >"$tmp/$name.out" 2>&1
	files=$(ls "$d"/pq | wc -l)
	if [ "$(awk -F'\t' 'NF == 5 && $2 == $3 && $4 == 0 && $5 == "true"' "$tmp/$name.out" | wc -l)" -eq "$files" ] &&
	   [ "$files" -eq "$(ls "$d"/csv | wc -l)" ]; then
		ok "$name: each of $files Parquet files has its CSV's rows, types and values ($(awk -F'\t' '{printf "%s %s; ", $1, $3}' "$tmp/$name.out"))"
	else
		fail "$name: Parquet files against their CSVs (table, CSV rows, Parquet rows, rows that differ, same types)" "$tmp/$name.out"
	fi
done

# the per-syscall counts of the Parquet files, as analyze --summary counts
for name in workload volume; do
	trace=$srcdir/samples/$name.zst
	mkdir -p "$tmp/sum/$name"
	cp "$tmp/$name"/csv/syscall_*.csv "$tmp/sum/$name/"
	"$builddir/analyze/analyze" --summary --json "$trace" >"$tmp/sum/$name/summary.json"
done
"$duck" :memory: "SELECT trace_id, syscall_name, count(*), count(*) FILTER (WHERE is_error)
	FROM read_parquet(['$(ls "$tmp"/workload/pq/syscall_*.parquet)', '$(ls "$tmp"/volume/pq/syscall_*.parquet)'])
	GROUP BY ALL" >"$tmp/duck.counts" 2>&1
check "per-syscall calls and errors of the Parquet files equal analyze --summary's" \
	$compare summary "$tmp/duck.counts" "$tmp/sum/workload" "$tmp/sum/volume"

# 0 rows: a file with no row group, every column still typed
p=$(ls "$tmp"/empty/pq/syscall_*.parquet)
cols=$(head -n 1 "$tmp"/empty/csv/syscall_*.csv | tr ',' '\n' | wc -l)
expect "a monitor with no rows: a readable file of 0 rows and every column ($cols)" "$tmp/err" \
	test "$("$duck" :memory: "SELECT count(*), (SELECT count(*) FROM (DESCRIBE SELECT * FROM read_parquet('$p'))) FROM read_parquet('$p')" 2>"$tmp/err")" = "0	$cols"

# statistics: a row group's min and max timestamp and timestamp_ns, which
# engines prune by; timestamp_ns's are the CSV's, exactly
p=$(ls "$tmp"/workload/pq/syscall_*.parquet)
"$duck" :memory: "SELECT m.path_in_schema, m.stats_min_value, m.stats_max_value, v.lo, v.hi
	FROM parquet_metadata('$p') m JOIN (
		SELECT 'timestamp', min(timestamp)::VARCHAR, max(timestamp)::VARCHAR FROM read_parquet('$p')
		UNION ALL SELECT 'timestamp_ns', min(timestamp_ns)::VARCHAR, max(timestamp_ns)::VARCHAR
		FROM read_parquet('$p')) v(name, lo, hi) ON m.path_in_schema = v.name" >"$tmp/stats" 2>&1
csv_ns=$(tail -n +2 "$tmp"/workload/csv/syscall_*.csv | tr -d '\r' | awk -F, '{ print $NF }' | sort -n | sed -n '1p;$p' | paste -sd' ' -)
expect "column statistics: timestamp's and timestamp_ns's min and max (CSV: $csv_ns)" "$tmp/stats" \
	awk -F'\t' -v ns="$csv_ns" 'NF == 5 && $2 == $4 && $3 == $5 { n++ } $1 == "timestamp_ns" && $2 " " $3 == ns { ok = 1 }
		END { exit !(n == 2 && ok) }' "$tmp/stats"

# dictionary encoding for names, zstd pages
"$duck" :memory: "SELECT DISTINCT path_in_schema, compression, encodings FROM parquet_metadata('$p')
	WHERE path_in_schema IN ('syscall_name', 'argv', 'duration_ns')" >"$tmp/enc" 2>&1
expect "syscall_name dictionary-encoded, every page ZSTD" "$tmp/enc" \
	sh -c "grep -q 'syscall_name	ZSTD	.*RLE_DICTIONARY' '$tmp/enc' && ! grep -v '	ZSTD	' '$tmp/enc' | grep -q ."
