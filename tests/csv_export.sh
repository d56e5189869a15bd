#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# csv-export on samples/workload.zst (TAP): file names, header rows, row
# counts equal to the trace's event counts, and the workload's awkward argv
# read back unchanged by Python's csv module and by sqlite3 .import --csv.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
sample=$srcdir/samples/workload.zst
TZ=UTC; export TZ
plan=6
. "$srcdir/tests/tap.sh"
echo "1..$plan"

"$builddir/tools/csv-export" -d "$tmp" "$sample" 2>"$tmp/err"
if [ $? -eq 0 ] && ls "$tmp"/exec_????????_??????.csv "$tmp"/syscall_????????_??????.csv \
	"$tmp"/process_????????_??????.csv >/dev/null 2>&1; then
	ok "one file per monitor, named {monitor}_{YYYYmmdd_HHMMSS}.csv"
else
	fail "csv files: $(ls "$tmp")" "$tmp/err"
fi

# Event counts from analyze's JSON: syscalls from the summary total, the rest
# from the event stream.
"$builddir/analyze/analyze" --events --json "$sample" >"$tmp/events.json"
python3 - "$tmp" <<'PY' >"$tmp/counts" 2>&1
import csv, glob, json, sys
tmp = sys.argv[1]
events = json.load(open(f"{tmp}/events.json"))["events"]
want = {"syscall": 0, "exec": 0, "process": 0}
for e in events:
    key = "process" if e["type"] in ("fork", "exit") else e["type"]
    if key in want:
        want[key] += 1
ok = True
for mon, n in want.items():
    with open(glob.glob(f"{tmp}/{mon}_*.csv")[0], newline="") as f:
        rows = list(csv.reader(f))
    print(f"{mon}: {len(rows) - 1} rows, {n} events;", end=" ")
    ok &= len(rows) - 1 == n and all(len(r) == len(rows[0]) for r in rows)
sys.exit(0 if ok else 1)
PY
if [ $? -eq 0 ]; then ok "row counts equal event counts: $(cat "$tmp/counts")"
else fail "row counts: $(cat "$tmp/counts")"; fi

if head -1 "$tmp"/syscall_*.csv | tr -d '\r' | grep -qx 'timestamp,time_str,monitor_type,pid,tid,cpu,comm,syscall_nr,syscall_name,category,ret_val,error_name,duration_ns,duration_us,duration_ms,is_error,is_slow_call,timestamp_ns' &&
   head -1 "$tmp"/exec_*.csv | tr -d '\r' | grep -qx 'timestamp,time_str,comm,uid,pid,ppid,ret,argv,envp,timestamp_ns'; then
	ok "header rows are csv-export(1)'s columns"
else
	fail "header rows"
fi

# tests/workload.c's awkward_argv, as shell words (csv-export(1)).
argv="/bin/true 'two words' comma,separated 'quote\"d '\\''single'\\''' 'new
line'"
printf '%s' "$argv" >"$tmp/argv.want"
python3 - "$tmp" <<'PY'
import csv, glob, sys
tmp = sys.argv[1]
want = open(f"{tmp}/argv.want").read()
with open(glob.glob(f"{tmp}/exec_*.csv")[0], newline="") as f:
    got = [r["argv"] for r in csv.DictReader(f) if r["comm"] == "true"]
sys.exit(0 if got == [want] else 1)
PY
if [ $? -eq 0 ]; then ok "argv round-trips through python csv"
else fail "argv through python csv"; fi

if command -v sqlite3 >/dev/null; then
	sqlite3 "$tmp/t.db" ".import --csv $(ls "$tmp"/exec_*.csv) exec" \
		"select argv from exec where comm = 'true';" >"$tmp/argv.sqlite" 2>&1
	# sqlite3 prints the value and a newline.
	if printf '%s\n' "$argv" | cmp -s - "$tmp/argv.sqlite"; then
		ok "argv round-trips through sqlite3 .import --csv"
	else
		fail "argv through sqlite3" "$tmp/argv.sqlite"
	fi
else
	skip "sqlite3 round trip" "sqlite3 not installed"
fi

"$builddir/tools/csv-export" -o - "$sample" >/dev/null 2>"$tmp/err"
if [ $? -eq 2 ] && grep -q -- "-o writes one monitor" "$tmp/err"; then
	ok "-o without one monitor is a usage error"
else
	fail "-o with several monitors" "$tmp/err"
fi
