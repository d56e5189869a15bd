#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# rec -m func on this host (TAP): uprobes on tests/func_prog's own functions
# and on libc, exact call counts in both modes, entry/return pairing per
# thread with two threads, a sleeping function in the right log2 bucket,
# glob resolution and --probe-limit, unknown names, and kernel patterns on a
# kernel without kprobes and fentry. Recording needs root.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
rec=$builddir/record/rec
analyze=$builddir/analyze/analyze
csv=$builddir/tools/csv-export
prog=$builddir/tests/func_prog
# libc's functions: in the shared libc, or, in a --enable-static-tools
# build (whose func_prog is static, for make check-vm), in func_prog itself
libc=libc
ldd "$prog" >/dev/null 2>&1 || libc=$prog
python=/usr/bin/python3
plan=18

. "$srcdir/tests/tap.sh"

echo "1..$plan"
[ "$(id -u)" -eq 0 ] || skip_all "function monitor tests" "needs root to record with BPF"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# calls of FUNCTION in analyze --funcs --json of TRACE (empty if absent)
calls_of() {
	"$analyze" "$1" --funcs --json 2>/dev/null | "$python" -c '
import json, sys
for row in json.load(sys.stdin)["functions"]:
    if row["function"] == sys.argv[1]:
        print(row["calls"])' "$2"
}

# 1-3: count mode, the program's own functions (a glob) and libc's drand48.
"$rec" -q -m func --func "u:$prog:tt_*,u:$libc:drand48" -o "$tmp/count.zst" -- \
	"$prog" calls 1000 >"$tmp/count.out" 2>"$tmp/count.err"
expect "count mode: rec and the program succeed" "$tmp/count.err" \
	grep -qx "calls 1000" "$tmp/count.out"
expect "count mode: tt_leaf 2000 calls (1000 direct, 1000 from tt_outer), tt_outer 1000" "$tmp/count.err" \
	[ "$(calls_of "$tmp/count.zst" tt_leaf)/$(calls_of "$tmp/count.zst" tt_outer)" = 2000/1000 ]
"$rec" -q -m func --func "u:$libc:drand48" -o "$tmp/libc.zst" -- "$prog" libc 777 >/dev/null 2>"$tmp/libc.err"
expect "libc: drand48 exactly 777 calls" "$tmp/libc.err" [ "$(calls_of "$tmp/libc.zst" drand48)" = 777 ]

# 4-7: calls mode with two threads: entries and returns pair up per thread.
"$rec" -q -m func --func "u:$prog:tt_leaf,u:$prog:tt_outer" --func-mode calls -o "$tmp/calls.zst" -- \
	"$prog" threads 500 >/dev/null 2>"$tmp/calls.err"
"$csv" "$tmp/calls.zst" -m func -o "$tmp/calls.csv" 2>>"$tmp/calls.err"
# A count-mode trace has no calls to list: csv-export says so, and why.
"$csv" "$tmp/count.zst" -m func -o "$tmp/count.csv" 2>"$tmp/countcsv.err"
expect "count mode: csv-export -m func says the trace holds counts, not calls" "$tmp/countcsv.err" \
	grep -q "holds function counts (rec --func-mode count), not calls" "$tmp/countcsv.err"
expect "calls mode: func_*.csv has csv-export(1)'s func columns" "$tmp/calls.err" \
	[ "$(head -1 "$tmp/calls.csv" | tr -d '\r')" = \
	  "timestamp,time_str,pid,ppid,uid,comm,func_name,tid,event,duration_ns,timestamp_ns" ]
"$python" - "$tmp/calls.csv" >"$tmp/pairs.out" 2>&1 <<'PY'
import csv, sys
from collections import defaultdict
stacks, counts, ends = defaultdict(list), defaultdict(lambda: defaultdict(int)), 0
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
for r in sorted(rows, key=lambda r: float(r["timestamp"])):
    tid, fn = r["tid"], r["func_name"]
    if r["event"] == "entry":
        stacks[tid].append(fn)
        counts[tid][fn] += 1
    else:
        assert stacks[tid] and stacks[tid].pop() == fn, f"unpaired return of {fn} in {tid}"
        assert int(r["duration_ns"]) > 0, "a return without a duration"
        ends += 1
assert all(not s for s in stacks.values()), "entries without returns"
per = sorted(tuple(sorted(c.items())) for c in counts.values())
print(len(counts), ends, per)
PY
expect "calls mode: every return closes its own thread's innermost entry" "$tmp/pairs.out" \
	grep -q "^2 1500 " "$tmp/pairs.out"
expect "calls mode: one thread 500 tt_leaf, the other 500 tt_outer and 500 nested tt_leaf" "$tmp/pairs.out" \
	grep -qF "[(('tt_leaf', 500),), (('tt_leaf', 500), ('tt_outer', 500))]" "$tmp/pairs.out"
# The threads' lines interleave in time order when they ran at once: look
# at the thread that called tt_outer alone (--tid).
"$analyze" "$tmp/calls.zst" --calls >"$tmp/tree.out" 2>&1
outer_tid=$(grep -m1 "|  *tt_outer() {" "$tmp/tree.out" | awk '{ print $3 }')
"$analyze" "$tmp/calls.zst" --calls --tid "${outer_tid:-0}" >"$tmp/tree1.out" 2>&1
expect "--calls: tt_outer opens a block and tt_leaf is a one-line call inside it" "$tmp/tree1.out" \
	eval 'grep -A1 -m1 "|  *tt_outer() {" "$tmp/tree1.out" | grep -q "|  *[0-9.]* us    tt_leaf();"'

# 8-9: a function sleeping 20 ms lands in [2^24, 2^25) ns, in both modes.
for mode in count calls; do
	"$rec" -q -m func --func "u:$prog:tt_sleep" --func-mode $mode -o "$tmp/sleep-$mode.zst" -- \
		"$prog" sleep 20 3 >/dev/null 2>"$tmp/sleep.err"
	"$analyze" "$tmp/sleep-$mode.zst" --latency=tt_sleep --json 2>>"$tmp/sleep.err" |
		"$python" -c '
import json, sys
d = json.load(sys.stdin)
print(d["calls"], [(b["low"], b["count"]) for b in d["buckets"]])' >"$tmp/sleep.out" 2>&1
	expect "$mode mode: 3 calls of tt_sleep(20 ms), all in the 16777216 ns bucket" "$tmp/sleep.out" \
		grep -qxF "3 [(16777216, 3)]" "$tmp/sleep.out"
done

# 10-11: glob resolution and the probe limit.
"$rec" -q -m func --func "u:$prog:tt_*" --probe-limit 2 -o "$tmp/x.zst" -- true 2>"$tmp/limit.err"
st=$?
expect "--probe-limit 2: 'tt_*' refused with the number it matched, exit 1" "$tmp/limit.err" \
	eval '[ $st = 1 ] && grep -q "matches 3 functions, more than --probe-limit 2" "$tmp/limit.err"'
"$rec" -q -m func --func "u:$prog:tt_[lo]*" --probe-limit 2 -o "$tmp/glob.zst" -- "$prog" calls 3 \
	>/dev/null 2>"$tmp/glob.err"
expect "a bracket glob picks tt_leaf and tt_outer only" "$tmp/glob.err" \
	eval '[ "$("$analyze" "$tmp/glob.zst" --funcs --json | grep -c "\"function\"")" = 2 ]'

# 12-14: unknown names and binaries.
"$rec" -q -m func --func "u:$prog:no_such_function" -o "$tmp/x.zst" -- true 2>"$tmp/unk.err"
st=$?
expect "an unknown symbol: one line naming it and the binary, exit 1" "$tmp/unk.err" \
	eval '[ $st = 1 ] && [ $(wc -l <"$tmp/unk.err") = 1 ] && grep -q "no function named .no_such_function. in $prog" "$tmp/unk.err"'
"$rec" -q -m func --func "u:libnosuchlib:foo" -o "$tmp/x.zst" -- true 2>"$tmp/lib.err"
st=$?
expect "an unknown library: one line naming it, exit 1" "$tmp/lib.err" \
	eval '[ $st = 1 ] && grep -q "no binary or library .libnosuchlib. found" "$tmp/lib.err"'
"$rec" -q -m func -o "$tmp/x.zst" -- true 2>"$tmp/usage.err"
st=$?
expect "-m func without --func is a usage error (exit 2)" "$tmp/usage.err" \
	eval '[ $st = 2 ] && grep -q "needs --func" "$tmp/usage.err"'

# 15: kernel functions need kprobes or fentry; this host's kernel has neither.
"$rec" -q -m func --func vfs_read -o "$tmp/x.zst" -- true 2>"$tmp/kern.err"
st=$?
if [ -e /sys/bus/event_source/devices/kprobe ]; then
	ok "kernel patterns without kprobes and fentry # SKIP this kernel has kprobes (tests/vm checks them)"
else
	expect "kernel patterns: one line saying kprobes and fentry are missing and what still works, exit 1" \
		"$tmp/kern.err" eval '[ $st = 1 ] && [ $(wc -l <"$tmp/kern.err") = 1 ] &&
		grep -q "no kprobes" "$tmp/kern.err" && grep -q "fentry" "$tmp/kern.err" &&
		grep -q "user functions (--func u:BINARY:SYMBOL) can still be traced" "$tmp/kern.err"'
fi

# 16: the function table is in every rotated file: each reads alone.
mkdir "$tmp/rot"
"$rec" -q -m func --func "u:$prog:tt_sleep" -G 1 -o "$tmp/rot/rot.zst" -- "$prog" sleep 700 3 \
	>/dev/null 2>"$tmp/rot.err"
total=0 files=0
for f in "$tmp"/rot/*.zst; do
	c=$(calls_of "$f" tt_sleep)
	total=$((total + ${c:-0}))
	files=$((files + 1))
done
expect "rotated files each hold the table; their counts add up to 3 calls" "$tmp/rot.err" \
	eval '[ $files -ge 2 ] && [ $total = 3 ] && [ "$(calls_of "$tmp/rot" tt_sleep)" = 3 ]'

# 17: only what was asked is loaded: the syscall monitor alone loads no func program.
"$rec" -q -vv -m syscall -o "$tmp/plain.zst" -- true 2>"$tmp/plain.err"
expect "without -m func none of the four function programs is loaded" "$tmp/plain.err" \
	eval '[ $(grep -c "prog .func_[a-z_]*.: skipped loading" "$tmp/plain.err") = 4 ]'
