#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# analyze --flow SPEC --calls on a real recording (TAP): tests/flow_prog's
# TCP connection over loopback, recorded with the packet, syscall and
# function monitors (libc's send and recv, and the program's fp_* functions).
# The server's and the client's call trees are shown, exactly; the
# bystander thread calling the same functions at the same time is not, nor
# the client's calls 20 ms before and after the connection; --flow with
# another view stays a usage error. Recording needs root.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
rec=$builddir/record/rec
analyze=$builddir/analyze/analyze
prog=$builddir/tests/flow_prog
python=/usr/bin/python3
port=18090
flow="127.0.0.1:$port 127.0.0.1"
plan=12

. "$srcdir/tests/tap.sh"

echo "1..$plan"
[ "$(id -u)" -eq 0 ] || skip_all "analyze --flow --calls on a recording" "needs root to record with BPF"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# 1: the recording.
"$rec" -q -m packet,syscall,func --func "u:libc:send,u:libc:recv,u:$prog:fp_*" \
	--func-mode calls -o "$tmp/T.zst" -- "$prog" $port >"$tmp/prog.out" 2>"$tmp/rec.err"
st=$?
srv=$(sed -n 's/^fpsrv //p' "$tmp/prog.out")
cli=$(sed -n 's/^fpcli //p' "$tmp/prog.out")
bys=$(sed -n 's/^fpbys //p' "$tmp/prog.out")
expect "rec -m packet,syscall,func --func-mode calls records the workload's three threads" \
	"$tmp/rec.err" eval '[ $st = 0 ] && [ -n "$srv" ] && [ -n "$cli" ] && [ -n "$bys" ]'

"$analyze" "$tmp/T.zst" --calls >"$tmp/all.out" 2>&1
"$analyze" "$tmp/T.zst" --flow "$flow" --calls >"$tmp/flow.out" 2>"$tmp/flow.err"
st=$?
"$analyze" "$tmp/T.zst" --calls --flow "$flow" --json >"$tmp/flow.json" 2>>"$tmp/flow.err"

# Lines of thread $2 in --calls output $1 (the TID column).
lines_of() {
	awk -v tid="$2" '$3 == tid' "$1"
}

# 2: without --flow the bystander's calls are there, within the flow's time
# (so it is the thread selection that leaves them out below).
"$python" - "$tmp/T.zst" "$analyze" "$bys" "$flow" >"$tmp/bys.out" 2>&1 <<'PY'
import json, subprocess, sys
trace, analyze, bys, flow = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
run = lambda *a: json.loads(subprocess.run([analyze, trace, *a], capture_output=True,
                                           check=True).stdout)
f = run("--flow", flow, "--calls", "--json")["flow"]
calls = [c for c in run("--calls", "--json")["calls"]
         if c["tid"] == bys and c["name"] == "fp_bystand" and f["from"] <= c["time"] <= f["to"]]
print(len(calls), "fp_bystand calls of the bystander in", f["from"], f["to"])
assert len(calls) >= 5
PY
expect "--calls alone: the bystander calls fp_bystand (send, recv) during the flow" \
	"$tmp/bys.out" [ $? = 0 ]

# 3-4: the header.
expect "--flow --calls exits 0 and names the flow and its time" "$tmp/flow.err" \
	eval '[ $st = 0 ] && grep -q "^Flow 127.0.0.1:$port <-> 127.0.0.1: the calls of [0-9]* threads from [0-9.]* s to [0-9.]* s$" "$tmp/flow.out"'
expect "the header lists the server's and the client's threads, not the bystander's" "$tmp/flow.out" \
	eval 'grep -Eq "^ *$srv +[0-9]+  fpsrv +[1-9][0-9]* +[1-9][0-9]*$" "$tmp/flow.out" &&
	grep -Eq "^ *$cli +[0-9]+  fpcli +[1-9][0-9]* +[1-9][0-9]*$" "$tmp/flow.out" &&
	! grep -Eq "^ *$bys |fpbys" "$tmp/flow.out"'

# 5-6: the server's and the client's trees, whole: fp_echo once per word and
# once more for EOF, fp_exchange once per word, each with libc's send and
# recv, each over its syscall, inside.
tree() { # name, tid, function, calls
	lines_of "$tmp/flow.out" "$2" >"$tmp/tree.out"
	fn=$3 calls=$4
	expect "$1" "$tmp/flow.out" eval '[ $(grep -c "|  *$fn() {$" "$tmp/tree.out") = $calls ] &&
		[ $(grep -c "} /\* $fn \*/$" "$tmp/tree.out") = $calls ] &&
		grep -A1 "|  *send() {$" "$tmp/tree.out" | grep -q "  sendto(" &&
		grep -A1 "|  *recv() {$" "$tmp/tree.out" | grep -q "  recvfrom("'
}
tree "the server's tree: 4 fp_echo() { recv() { recvfrom } send() { sendto } }" "$srv" fp_echo 4
tree "the client's tree: 3 fp_exchange() { send() { sendto } recv() { recvfrom } }" "$cli" \
	fp_exchange 3

# 7-8: nobody else's lines, and only the flow's time.
expect "no line of the bystander, and no fp_bystand at all" "$tmp/flow.out" \
	eval '[ -z "$(lines_of "$tmp/flow.out" "$bys")" ] && ! grep -q fp_bystand "$tmp/flow.out"'
expect "the client's fp_aside, 20 ms before and after the connection, only without --flow" \
	"$tmp/flow.out" eval '! grep -q fp_aside "$tmp/flow.out" &&
	[ $(lines_of "$tmp/all.out" "$cli" | grep -c "|  *fp_aside() {$") = 2 ]'

# 9: the JSON twin: the same threads, every call one of theirs.
"$python" - "$tmp/flow.json" "$srv" "$cli" "$bys" >"$tmp/json.out" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
srv, cli, bys = (int(a) for a in sys.argv[2:5])
threads = {t["tid"]: t["comm"] for t in d["flow"]["threads"]}
assert threads.get(srv) == "fpsrv" and threads.get(cli) == "fpcli", threads
assert bys not in threads, threads
tids = {c["tid"] for c in d["calls"]}
assert tids == {srv, cli}, tids
assert d["view"] == "calls" and d["flow"]["from"] < d["flow"]["to"]
print("ok")
PY
expect "--json: a flow object with the threads, and calls of the server and client only" \
	"$tmp/json.out" grep -qx ok "$tmp/json.out"

# 10-12: --flow with another view, or with --follow, is a usage error.
usage() { # name, expected message, options...
	name=$1 want=$2
	shift 2
	"$analyze" "$tmp/T.zst" "$@" >"$tmp/u.out" 2>"$tmp/u.err"
	st=$?
	expect "$name" "$tmp/u.err" eval '[ $st = 2 ] && [ $(wc -l <"$tmp/u.err") = 1 ] &&
		grep -qF -- "$want" "$tmp/u.err"'
}
usage "--flow --top: one line, exit 2" \
	"only one view at a time (--flow and --top); --flow goes with --calls only" --flow "$flow" --top
usage "--funcs --flow --calls: one line, exit 2" \
	"only one view at a time (--funcs and --flow); --flow goes with --calls only" \
	--funcs --flow "$flow" --calls
usage "--flow --calls --follow: one line, exit 2" "reads the trace twice: not with --follow" \
	--flow "$flow" --calls --follow
