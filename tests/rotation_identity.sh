#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# TAP: process identity across rotation. A child's exec or exit made on
# another CPU may reach rec before the fork that made it; the fork must not
# give the child its parent's name back, and a file's prologue must not
# list long-dead processes as running.
plan=15
. "${srcdir:-.}/tests/tap.sh"
echo "1..$plan"
[ "$(id -u)" -eq 0 ] || skip_all "rotation identity" "needs root to load BPF programs"

top_builddir=${top_builddir:-.}
REC=$top_builddir/record/rec
ANALYZE=$top_builddir/analyze/analyze
CSV_EXPORT=$top_builddir/tools/csv-export
d=$(mktemp -d /tmp/tt-rotation-XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$d"' EXIT
total() { "$ANALYZE" "$@" --summary 2>/dev/null | awk '$NF == "total" { print $4 }'; }

# Three finds of the same tree, under sh, across files of ~1 MB.
mkdir "$d/rot"
"$REC" -q -C 1M -o "$d/rot/r.zst" -- sh -c 'for i in 1 2 3; do find /usr -name "*.h" >/dev/null; done' 2>"$d/rec.err"
nfiles=$(ls "$d"/rot/*.zst | wc -l)
expect "the recording rotated ($nfiles files)" "$d/rec.err" test "$nfiles" -ge 3
"$ANALYZE" "$d/rot" --top -n 10 | sed -n '/^Top processes/,/^$/p' >"$d/procs"
expect "--top: three find processes, each with find's command line" "$d/procs" \
	test "$(grep -c ' find .* find /usr -name "\*.h"$' "$d/procs")" = 3
expect "--top: sh keeps its own command line" "$d/procs" grep -q ' sh .* sh -c "for i in 1 2 3' "$d/procs"
# Each find's calls (they may differ by a few, when /usr changes meanwhile)
calls=$(awk '$2 == "find" { n++; s += $3 } END { print n + 0, s + 0 }' "$d/procs")
nfind=${calls% *} calls=${calls#* }
whole=$(total "$d/rot" --comm find)
sum=0
for f in "$d"/rot/*.zst; do sum=$((sum + $(total "$f" --comm find))); done
echo "# $nfind finds: $calls calls; --comm find: $whole over the directory, $sum as the sum of its files"
# --comm counts the calls made under that name: each find's first few, made
# before its execve as sh's child, are sh's. Read alone, each file gives the
# same: a prologue lists a process that exec'd less than a reorder window
# before the point rec had read up to (in event time, not by the clock, so
# a lagging rec changes nothing) as it was before, and restates the exec,
# for calls from before it still on their way; and it lists a process that
# died until rec has read all its events. Exactly the same counts.
diff=$((sum - whole))
[ "$diff" = 0 ] || echo "# the files alone differ by $diff"
expect "--comm find: the three finds' calls (less the few before each exec), the same over its files alone" "$d/procs" \
	test "$nfind" = 3 -a "$whole" -le "$calls" -a "$whole" -ge $((calls - 9)) -a "$diff" = 0

# A rec that lags behind the kernel: stopped for 1.5 s while 4000 short
# processes run, then reading on from its ring, files of 256 KB. What a
# prologue holds is decided by how far rec has read, in event time, not by
# the clock: every file alone names each call as the whole recording does.
mkdir "$d/lag"
"$REC" -q -C 256K -o "$d/lag/r.zst" -- sh -c 'for i in $(seq 4000); do /bin/true; done' \
	2>"$d/rec.err" &
recpid=$!
sleep 0.5; kill -STOP $recpid; sleep 1.5; kill -CONT $recpid
wait $recpid
lagdiff=
for c in true sh; do
	whole=$(total "$d/lag" --comm $c)
	sum=0
	for f in "$d"/lag/*.zst; do sum=$((sum + $(total "$f" --comm $c))); done
	[ "$sum" = "$whole" ] || lagdiff="$lagdiff $c: $whole over the directory, $sum over its files;"
done
echo "# lagging rec: $(ls "$d"/lag/*.zst | wc -l) files${lagdiff:+;$lagdiff}"
expect "a rec stopped 1.5 s: each file alone names every call as the whole recording" "$d/rec.err" \
	test -z "$lagdiff" -a "$(ls "$d"/lag/*.zst | wc -l)" -ge 3

# A CPU that holds a batch for 3 s, far past the 0.2 s rec once assumed:
# rec's flusher thread alone is stopped (ptrace), everything in scope runs
# on CPU 0 but a python3 that makes its 300 getppid on CPU 1, then exits
# on CPU 0, where the next exec ships its exit at once. The getppid stay
# in CPU 1's batch until the flusher runs again, rotations later. Each
# file's prologue waits for every CPU's shipping mark: the file they land
# in still lists the dead python3, and names them as the whole recording.
if [ "$(nproc)" -lt 2 ] || ! taskset -c 1 true 2>/dev/null; then
	skip "a CPU holding a batch 3 s: each file alone names its calls" "needs CPUs 0 and 1"
else
	mkdir "$d/held"
	taskset -c 0 "$REC" -q -G 1 -o "$d/held/r.zst" -- sh -c "
		while [ ! -e '$d/go' ]; do sleep 0.02; done
		python3 -c 'import os; os.sched_setaffinity(0, {1}); [os.getppid() for _ in range(300)]; os.sched_setaffinity(0, {0}); os._exit(0)'
		/bin/true; sleep 3.5" 2>"$d/rec.err" &
	recpid=$!
	python3 "${srcdir:-.}/tests/hold_flusher.py" $recpid 3 "$d/stopped" 2>"$d/hold.err" &
	holder=$!
	for _ in $(seq 600); do [ -e "$d/stopped" ] && break; sleep 0.1; done
	touch "$d/go"
	wait $recpid
	wait $holder
	held=$?
	calls() { "$ANALYZE" "$1" --comm python3 --summary 2>/dev/null | awk -v c="$2" '$NF == c { print $4 }'; }
	whole=$(calls "$d/held" getppid) sum=0 where= exited=
	for f in "$d"/held/*.zst; do
		k=$(calls "$f" getppid)
		sum=$((sum + ${k:-0}))
		[ -n "$k" ] && where="$where ${f##*/}"
		[ -n "$(calls "$f" exit_group)" ] && exited="$exited ${f##*/}"
	done
	echo "# held batch: getppid $whole over the directory, $sum over its files alone; in$where, the exit in$exited"
	expect "a CPU holding a batch 3 s: each file alone names its calls as the whole recording" "$d/hold.err" \
		test "$held" = 0 -a "$whole" = 300 -a "$sum" = 300 -a -n "$exited" -a "$where" != "$exited"
fi

# 1500 short processes, then a quiet 3.5 s over files of 1 s: the last two
# files began 1.5 s or more after the last exit, past the 0.5 s a dead
# process stays listed (and the flusher's 0.1 s), and list none of them.
mkdir "$d/g"
"$REC" -q -G 1 -o "$d/g/r.zst" -- sh -c 'for i in $(seq 1500); do /bin/true; done; sleep 3.5' 2>"$d/rec.err"
# By number: rotations a few ms apart can give the last two one mtime.
lasttwo=$(ls "$d"/g/r.[0-9]*.zst | sort -V | tail -n 2)
last=${lasttwo##*$'\n'}
for f in $lasttwo; do "$ANALYZE" "$f" --tree; done >"$d/tree"
expect "the last two files' prologues list no /bin/true long dead" "$d/tree" \
	test "$(grep -c '\\_ true' "$d/tree")" = 0
"$ANALYZE" "$last" --tree >"$d/tree"
expect "the last file's tree: sh and its sleep only" "$d/tree" bash -c "
	sed -n '/^ *PID /,\$p' '$d/tree' | tail -n +2 >'$d/rows' && [ \$(wc -l <'$d/rows') = 2 ] &&
	grep -q ' sh  sh -c ' '$d/rows' && grep -q '\\\\_ sleep  sleep 3.5' '$d/rows'"

# One file, no rotation: the dead are let go as rec reads past them, not
# only at a prologue, so a recording of days does not pile them up.
"$REC" -o "$d/one.zst" -- sh -c 'for i in $(seq 300); do /bin/true; done; sleep 1.5' 2>"$d/rec.err"
expect "one file of 300 short processes: a few left in rec's table at the end, not 300" "$d/rec.err" \
	test "$(sed -n 's/.* \([0-9]*\) process\(es\)\{0,1\} tracked at the end$/\1/p' "$d/rec.err")" -le 5

# --tree shows every exec of a pid, in order: a script that exec'd.
"$REC" -q -o "$d/ex.zst" -- sh -c 'exec env A=1 sh -c "exec /bin/true x y"' 2>"$d/rec.err"
"$ANALYZE" "$d/ex.zst" --tree | sed -n '/^ *PID /,$p' | tail -n +2 >"$d/ex.rows"
# The EXIT and COMMAND columns, cut where the header puts them.
awk 'NR == 1 { e = index($0, "EXIT"); c = index($0, "COMMAND"); next }
	{ x = substr($0, e, c - e); y = substr($0, c); sub(/ .*/, "", x); sub(/ .*/, "", y); print $1, x, y }' \
	<(sed -n '/^ *PID /,$p' <("$ANALYZE" "$d/ex.zst" --tree)) >"$d/ex.cols"
expect "--tree: sh, env, sh, then true, one pid, each earlier one ended by exec" "$d/ex.rows" bash -c "
	[ \$(cut -d' ' -f1 '$d/ex.cols' | sort -u | wc -l) = 1 ] &&
	[ \"\$(cut -d' ' -f2- '$d/ex.cols' | tr '\n' ' ')\" = 'exec sh exec env exec sh 0 true ' ]"
"$ANALYZE" "$d/ex.zst" --tree --json >"$d/ex.json"
expect "--tree --json: the earlier images in execs_before, oldest first" "$d/ex.json" python3 -c "
import json, sys
p = [p for p in json.load(open('$d/ex.json'))['processes'] if p['comm'] == 'true'][0]
sys.exit(0 if [e['argv'][0] for e in p['execs_before']] == ['sh', 'env', 'sh'] else 1)"

# Names follow the process and its threads (prctl PR_SET_NAME), at each
# event's time: 20 getppid by a thread named worker1, then 30 by the main
# thread renamed mainrenamed.
cat >"$d/names.py" <<'PY'
import ctypes, os, threading
libc = ctypes.CDLL(None)
def work():
    libc.prctl(15, b"worker1", 0, 0, 0)
    for _ in range(20): os.getppid()
t = threading.Thread(target=work); t.start(); t.join()
libc.prctl(15, b"mainrenamed", 0, 0, 0)
for _ in range(30): os.getppid()
PY
"$REC" -q -o "$d/names.zst" -- python3 "$d/names.py" 2>"$d/rec.err"
getppids() { "$ANALYZE" "$d/names.zst" --comm "$1" --summary 2>/dev/null | awk '$NF == "getppid" { print $4 }'; }
expect "--comm worker1: the thread's 20 getppid; --comm mainrenamed: the 30 after the rename" "$d/rec.err" \
	test "$(getppids worker1) $(getppids mainrenamed)" = "20 30"
"$ANALYZE" "$d/names.zst" --events | grep ' getppid()' | grep -E '^[^ ]* (worker1|mainrenamed)\[' | sed 's/^[^ ]* \([^[]*\)\[.*/\1/' | sort | uniq -c >"$d/names.lines"
expect "--events names each line's thread as it was named then" "$d/names.lines" \
	test "$(awk '{ printf "%s %s ", $2, $1 }' "$d/names.lines")" = "mainrenamed 30 worker1 20 "
# A thread named before rec started (rec -p), in a recording rotated each
# second: found by --comm over the directory and in the last file alone,
# whose prologue names it.
cat >"$d/pre.py" <<'PY'
import ctypes, os, sys, threading, time
libc = ctypes.CDLL(None)
stop = sys.argv[1] + ".stop"
def work():
    libc.prctl(15, b"prenamed", 0, 0, 0)
    open(sys.argv[1] + ".ready", "w").close()
    while not os.path.exists(stop):
        os.getppid()
        time.sleep(0.002)
t = threading.Thread(target=work); t.start(); t.join()
PY
python3 "$d/pre.py" "$d/pre" &
pre=$!
for _ in $(seq 100); do [ -e "$d/pre.ready" ] && break; sleep 0.05; done
mkdir "$d/pre"
"$REC" -q -p $pre -G 1 -T 2.5 -o "$d/pre/r.zst" 2>"$d/rec.err"
touch "$d/pre.stop"
wait $pre
last=$(ls "$d"/pre/*.zst | sort -V | tail -n 1)
prenamed() { "$ANALYZE" "$@" --comm prenamed --summary 2>/dev/null | awk '$NF == "getppid" { print $4 }'; }
expect "a thread named before rec started: --comm finds it over the files ($(prenamed "$d/pre")) and in the last alone ($(prenamed "$last"))" \
	"$d/rec.err" test "$(prenamed "$d/pre")" -gt 100 -a "$(prenamed "$last")" -gt 10
"$CSV_EXPORT" "$d/names.zst" -m syscall -o - >"$d/names.csv" 2>"$d/csv.err"
expect "csv-export: each syscall row's comm is its thread's name then (worker1 20, mainrenamed 30)" "$d/names.csv" python3 -c "
import csv, collections, sys
rows = [r for r in csv.DictReader(open('$d/names.csv')) if r['syscall_name'] == 'getppid']
n = collections.Counter(r['comm'] for r in rows)
sys.exit(0 if (n['worker1'], n['mainrenamed']) == (20, 30) else 1)"
