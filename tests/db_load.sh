#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# csv-export --schema and tools/db-load.sh with SQLite and PostgreSQL (TAP):
# the tables take the CSVs of two recordings (csv-export --with-host), and
# their per-syscall call and error counts equal analyze --summary's, per
# recording, and every row's timestamp_ns is the CSV's; the hostile trace's
# strings come back unchanged; README's process tree of one host (in
# PostgreSQL) is analyze --tree's. PostgreSQL runs as its own user in a
# temporary folder, on loopback.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
tmp=$(mktemp -d) || exit 1
chmod 755 "$tmp"
stop() {
	db_pg_stop "$tmp/pg"
	rm -rf "$tmp"
}
trap stop EXIT
csv=$builddir/tools/csv-export
load=$srcdir/tools/db-load.sh
compare="python3 $srcdir/tests/db_compare.py"
TZ=UTC; export TZ
plan=14
. "$srcdir/tests/tap.sh"
. "$srcdir/tests/db_servers.sh"
echo "1..$plan"

# Two recordings (two "hosts": each row says its recording in trace_id),
# and the hostile trace's strings.
i=0
for t in "$srcdir/samples/workload.zst" "$srcdir/samples/volume.zst"; do
	i=$((i + 1))
	mkdir "$tmp/t$i"
	"$csv" --with-host -m syscall -d "$tmp/t$i" "$t" 2>"$tmp/err" &&
		"$builddir/analyze/analyze" --summary --json "$t" >"$tmp/t$i/summary.json" 2>>"$tmp/err" ||
		echo "Bail out! csv-export or analyze failed on $t: $(cat "$tmp/err")"
done
mkdir "$tmp/h"
"$builddir/tests/hostile/mktrace" "$tmp/hostile.zst" "$tmp/marker" &&
	"$csv" --with-host -m exec,process -d "$tmp/h" "$tmp/hostile.zst" 2>"$tmp/err" ||
	echo "Bail out! the hostile trace: $(cat "$tmp/err")"

expect_exit "--schema: an unknown engine is a usage error" 2 "clickhouse, postgres" \
	"$csv" --schema mysql
expect_exit "db-load.sh: an unknown engine is a usage error" 2 "^Usage: db-load.sh" \
	"$load" mysql "$tmp/x" "$tmp"/t1/syscall_*.csv

# What each engine counts, as db_compare.py's summary reads it.
counts_sql="SELECT trace_id, syscall_name, count(*), sum(CASE WHEN is_error THEN 1 ELSE 0 END)
	FROM syscall GROUP BY trace_id, syscall_name"
# timestamp_ns read back, to the ns, against both recordings' CSVs: as
# integers, and as the time they are (timestamp's seconds and microseconds)
ns_cols="trace_id timestamp_ns timestamp"
# (one line: psql's \copy ends at the line's end; SQLite's || binds
# tighter than /)
ns_sql="SELECT trace_id, timestamp_ns, (timestamp_ns / 1000000000) || '.' || substr(CAST(1000000 + timestamp_ns / 1000 % 1000000 AS text), 2) FROM syscall"
{ cat "$tmp"/t1/syscall_*.csv; tail -n +2 "$tmp"/t2/syscall_*.csv; } >"$tmp/ns.csv"

# --- SQLite
db=$tmp/t.db
if ! "$csv" --schema sqlite --with-host | sqlite3 -bail "$db" 2>"$tmp/err"; then
	fail "sqlite: the schema loads" "$tmp/err"
elif [ "$(sqlite3 "$db" "SELECT group_concat(name) FROM pragma_table_info('syscall')")" != \
	"$(head -n 1 "$tmp"/t1/syscall_*.csv | tr -d '\r')" ]; then
	fail "sqlite: the syscall table's columns are the CSV's"
else
	ok "sqlite: the schema loads, the syscall table's columns are the CSV's"
fi
# SQLite has no booleans: is_error holds 'true' or 'false'
check "sqlite: db-load.sh loads the two recordings" "$load" sqlite "$db" "$tmp"/t1/*.csv "$tmp"/t2/*.csv
sqlite3 -separator '	' "$db" "$(echo "$counts_sql" | sed "s/WHEN is_error/WHEN is_error = 'true'/")" \
	>"$tmp/sqlite.counts" 2>"$tmp/err"
check "sqlite: per-syscall calls and errors equal analyze --summary's" \
	$compare summary "$tmp/sqlite.counts" "$tmp/t1" "$tmp/t2"
sqlite3 -csv "$db" "$ns_sql" >"$tmp/sqlite.ns" 2>"$tmp/err"
check "sqlite: every row's timestamp_ns, exactly" $compare rows "$tmp/sqlite.ns" "$tmp/ns.csv" $ns_cols
hdb=$tmp/h.db
"$csv" --schema sqlite --with-host | sqlite3 "$hdb" && "$load" sqlite "$hdb" "$tmp"/h/*.csv &&
	sqlite3 -csv "$hdb" "SELECT comm, argv, time_str, host FROM exec" >"$tmp/sqlite.exec" 2>"$tmp/err"
check "sqlite: the hostile comm and argv come back unchanged" \
	$compare rows "$tmp/sqlite.exec" "$tmp"/h/exec_*.csv comm argv time_str host

# README's slow calls by category: analyze --slow's slow calls, summed per
# category (the packet sample has slow accept4 and recvfrom calls)
sdb=$tmp/slow.db
mkdir "$tmp/s"
"$csv" --with-host -m syscall -d "$tmp/s" "$srcdir/samples/packets.zst" 2>"$tmp/err" &&
	"$csv" --schema sqlite --with-host -m syscall | sqlite3 "$sdb" &&
	"$load" sqlite "$sdb" "$tmp"/s/*.csv &&
	sqlite3 -separator ' ' "$sdb" "SELECT category, count(*) FROM syscall WHERE is_slow_call = 'true'
		GROUP BY category ORDER BY category" >"$tmp/slow.db.out" 2>>"$tmp/err"
"$builddir/analyze/analyze" --slow --json "$srcdir/samples/packets.zst" | python3 -c '
import collections, json, sys
n = collections.Counter()
for s in json.load(sys.stdin)["by_syscall"]:
    n[s["category"]] += s["slow_calls"]
for c in sorted(n):
    print(c, n[c])' >"$tmp/slow.want"
expect "sqlite: slow calls by category equal analyze --slow's ($(tr '\n' ' ' <"$tmp/slow.want"))" \
	"$tmp/slow.db.out" sh -c "test -s '$tmp/slow.want' && cmp -s '$tmp/slow.want' '$tmp/slow.db.out'"

# --- PostgreSQL
if [ "$(id -u)" -ne 0 ] || [ ! -x "$db_pg_bin/initdb" ] || ! id postgres >/dev/null 2>&1; then
	skip_all "postgres" "needs root, the postgres user and PostgreSQL 15 (tools/install-deps.sh)"
fi
port=$((20000 + $$ % 20000))
conn="host=127.0.0.1 port=$port user=tt dbname=postgres"
if db_pg_start "$tmp/pg" "$port" &&
	"$csv" --schema postgres --with-host | psql -q -v ON_ERROR_STOP=1 -d "$conn" >"$tmp/err" 2>&1; then
	ok "postgres: a server on loopback takes the schema"
else
	cat "$tmp/pg/log" >>"$tmp/err" 2>/dev/null
	fail "postgres: a server on loopback takes the schema" "$tmp/err"
fi
check "postgres: db-load.sh loads the two recordings" "$load" postgres "$conn" \
	"$tmp"/t1/*.csv "$tmp"/t2/*.csv
psql -At -F '	' -d "$conn" -c "$counts_sql" >"$tmp/pg.counts" 2>"$tmp/err"
check "postgres: per-syscall calls and errors equal analyze --summary's" \
	$compare summary "$tmp/pg.counts" "$tmp/t1" "$tmp/t2"
psql -d "$conn" -c "\\copy ($ns_sql) TO '$tmp/pg.ns' WITH (FORMAT csv)" >"$tmp/err" 2>&1
check "postgres: every row's timestamp_ns, exactly" $compare rows "$tmp/pg.ns" "$tmp/ns.csv" $ns_cols
psql -q -v ON_ERROR_STOP=1 -d "$conn" -c "DROP TABLE exec; DROP TABLE process" &&
	"$csv" --schema postgres --with-host -m exec,process | psql -q -d "$conn" &&
	"$load" postgres "$conn" "$tmp"/h/*.csv &&
	psql -d "$conn" -c "\\copy (SELECT comm, argv, time_str, host FROM exec) TO '$tmp/pg.exec' WITH (FORMAT csv)" \
	>"$tmp/err" 2>&1
check "postgres: the hostile comm and argv come back unchanged" \
	$compare rows "$tmp/pg.exec" "$tmp"/h/exec_*.csv comm argv time_str host

# README's process tree of one host, per recording: the workload and
# packets samples (two recordings of host vm) and, where rec can record,
# one of this machine with grandchildren and a thread, which is no process
tree_dirs=
for x in workload packets rec; do
	mkdir "$tmp/tree_$x"
	t=$srcdir/samples/$x.zst
	if [ $x = rec ]; then
		t=$tmp/tree.zst
		"$builddir/record/rec" -q -m exec -o "$t" -- sh -c '/bin/sh -c "/bin/true; /bin/true"
			python3 -c "import threading; t = threading.Thread(target=len, args=((),)); t.start(); t.join()"
			/bin/true' >/dev/null 2>"$tmp/rec.err" || continue
	fi
	"$csv" --with-host -m exec,process -d "$tmp/tree_$x" "$t" 2>"$tmp/err" &&
		"$builddir/analyze/analyze" --tree --json "$t" >"$tmp/tree_$x/tree.json" 2>>"$tmp/err" &&
		"$load" postgres "$conn" "$tmp/tree_$x"/*.csv 2>>"$tmp/err" ||
		echo "Bail out! the process tree's trace $t: $(cat "$tmp/err")"
	tree_dirs="$tree_dirs $tmp/tree_$x"
done
: >"$tmp/pg.tree"
for host in $(sed -n 's/^ *"host": "\(.*\)",$/\1/p' "$tmp"/tree_*/tree.json | sort -u); do
	$compare query "the process tree of one host" | sed "s/'web1'/'$host'/" |
		psql -At -F '	' -v ON_ERROR_STOP=1 -d "$conn" >>"$tmp/pg.tree" 2>"$tmp/err" || cat "$tmp/err" >>"$tmp/pg.tree"
done
# shellcheck disable=SC2086
check "postgres: README's process tree: analyze --tree's processes of each recording, nested ($(wc -l <"$tmp/pg.tree") lines, $(grep -c '^[^	]*	    ' "$tmp/pg.tree") two levels down or more; $(cat "$tmp"/tree_*/process_*.csv | awk -F, '$3 == "fork" && $4 != $6' | wc -l) thread left out)" \
	$compare tree "$tmp/pg.tree" $tree_dirs
