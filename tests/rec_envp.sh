#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# TAP: rec --envsize N records the environment of execs, for real: a
# successful exec (env -i A=1 'B=x y' C= /bin/true) and a failed one
# (ENOENT), each in analyze --events (as strace -v shows it), --json and
# the exec CSV's envp column; the bounds: exactly N bytes is whole, one
# less is cut and marked, a 20 KiB variable at the largest N (16384) is cut
# at N, never with bytes of anything else; without --envsize, nothing of
# it. Then the two execs against strace -v itself.
set -u
plan=20
. "${srcdir:-.}/tests/tap.sh"
echo "1..$plan"
[ "$(id -u)" -eq 0 ] || skip_all "rec --envsize" "needs root to record"
command -v python3 >/dev/null || skip_all "rec --envsize" "python3 not installed"
builddir=${top_builddir:-.}
REC=$builddir/record/rec
ANALYZE=$builddir/analyze/analyze
CSV=$builddir/tools/csv-export
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
missing=/nonexistent/tracetape-envp

# record NAME ENVSIZE COMMAND...: the trace, its --events exec lines of
# the command (not env's own), its --json execs and its exec CSV.
record() {
	name=$1 size=$2
	shift 2
	# the command's exit status is rec's: a failed exec's is not 0
	"$REC" -q -m syscall,exec ${size:+--envsize "$size"} -o "$tmp/$name.zst" -- "$@" \
		2>"$tmp/$name.err"
	[ -s "$tmp/$name.zst" ] || return 1
	"$ANALYZE" "$tmp/$name.zst" --events | grep -F '+++ exec' | grep -vF '"/usr/bin/env"' |
		sed 's/^.*\] +++ exec /exec /; s/ (ppid [0-9]*, uid [0-9]*) +++$//' >"$tmp/$name.events"
	"$ANALYZE" "$tmp/$name.zst" --events --json >"$tmp/$name.json" &&
		"$CSV" "$tmp/$name.zst" -m exec -o - >"$tmp/$name.csv"
}
has() { grep -qxF -e "$2" "$1"; }

# json NAME PYTHON: the condition on x, the last exec (the command's)
json() {
	python3 -c '
import json, sys
x = [e for e in json.load(open(sys.argv[1]))["events"] if e["type"] == "exec"][-1]
sys.exit(0 if eval(sys.argv[2]) else 1)' "$tmp/$1.json" "$2"
}

# csv NAME PYTHON: the condition on row (the last exec row), env (its envp
# column as shell words) and header
csv() {
	python3 -c '
import csv, shlex, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
header, row = rows[0], rows[-1]
env = shlex.split(row[header.index("envp")])
sys.exit(0 if all(len(r) == len(header) for r in rows) and eval(sys.argv[2]) else 1)' \
		"$tmp/$1.csv" "$2"
}

record ok 4096 env -i A=1 'B=x y' C= /bin/true || skip_all "rec --envsize" "rec could not record: $(tail -1 "$tmp/ok.err")"
expect "--events: the environment after argv, as strace -v" "$tmp/ok.events" \
	has "$tmp/ok.events" 'exec "/bin/true" ["/bin/true"] ["A=1", "B=x y", "C="] = 0'
expect "--json: envp, envp_truncated false, nenv 3" "$tmp/ok.json" \
	json ok 'x["envp"] == ["A=1", "B=x y", "C="] and x["envp_truncated"] is False and x["nenv"] == 3'
expect "CSV: envp after argv, before timestamp_ns, as shell words" "$tmp/ok.csv" \
	csv ok 'header[-3:] == ["argv", "envp", "timestamp_ns"] and env == ["A=1", "B=x y", "C="] and row[-2] == "A=1 '"'B=x y'"' C="'

record fail 4096 env -i A=1 'B=x y' C= "$missing" x
expect "a failed exec: the environment it passed, and its errno" "$tmp/fail.events" \
	has "$tmp/fail.events" "exec \"$missing\" [\"$missing\", \"x\"] [\"A=1\", \"B=x y\", \"C=\"] = -1 ENOENT (No such file or directory)"
expect "a failed exec: --json envp and ret" "$tmp/fail.json" \
	json fail 'x["envp"] == ["A=1", "B=x y", "C="] and not x["envp_truncated"] and x["nenv"] == 3 and x["ret"] == -2'
expect "a failed exec: CSV envp" "$tmp/fail.csv" csv fail 'row[6] == "-2" and env == ["A=1", "B=x y", "C="]'

# The bound: the three variables are 13 bytes with their NULs.
record exact 13 env -i A=1 'B=x y' C= /bin/true
expect "--envsize 13: all 13 bytes, not cut" "$tmp/exact.events" \
	has "$tmp/exact.events" 'exec "/bin/true" ["/bin/true"] ["A=1", "B=x y", "C="] = 0'
record cut 12 env -i A=1 'B=x y' C= /bin/true
expect "--envsize 12: cut before C='s NUL, marked" "$tmp/cut.events" \
	has "$tmp/cut.events" 'exec "/bin/true" ["/bin/true"] ["A=1", "B=x y", "C=", ...] = 0'
expect "--envsize 12: --json envp_truncated, nenv still 3" "$tmp/cut.json" \
	json cut 'x["envp_truncated"] is True and x["nenv"] == 3 and x["envp"][:2] == ["A=1", "B=x y"]'
record cutfail 12 env -i A=1 'B=x y' C= "$missing"
expect "--envsize 12, a failed exec: cut within C=, marked" "$tmp/cutfail.events" \
	has "$tmp/cutfail.events" "exec \"$missing\" [\"$missing\"] [\"A=1\", \"B=x y\", \"C\", ...] = -1 ENOENT (No such file or directory)"

# A 20 KiB variable at the largest --envsize: cut at 16384 bytes.
big=$(python3 -c 'print("".join("%09d." % i for i in range(2048)))') # 20480 bytes
record big 16384 env -i A=1 "BIG=$big" Z=9 /bin/true
expect "--envsize 16384, a 20 KiB variable: cut, marked" "$tmp/big.events" \
	grep -qE '^exec "/bin/true" \["/bin/true"\] \["A=1", "BIG=0+\.[0-9.]*", \.\.\.\] = 0$' "$tmp/big.events"
expect "--envsize 16384: --json has the first 16384 bytes exactly, nenv 3" "$tmp/big.json" \
	json big '(x["envp_truncated"] and x["nenv"] == 3 and len(x["envp"]) == 2 and x["envp"][0] == "A=1" and
		x["envp"][1] == ("BIG=" + "".join("%09d." % i for i in range(2048)))[:16384 - 4])'
expect "--envsize 16384: the CSV row holds the same, whole" "$tmp/big.csv" \
	csv big 'env == ["A=1", ("BIG=" + "".join("%09d." % i for i in range(2048)))[:16384 - 4]]'
record bigfail 16384 env -i A=1 "BIG=$big" Z=9 "$missing"
expect "a failed exec with a 20 KiB variable: cut at 16384 with its NUL, marked" "$tmp/bigfail.json" \
	json bigfail '(x["ret"] == -2 and x["envp_truncated"] and x["nenv"] == 2 and x["envp"][0] == "A=1" and
		x["envp"][1] == ("BIG=" + "".join("%09d." % i for i in range(2048)))[:16384 - 4 - 1])'

# Without --envsize: nothing of it, anywhere.
record none "" env -i A=1 'B=x y' C= /bin/true
expect "without --envsize: argv only" "$tmp/none.events" \
	has "$tmp/none.events" 'exec "/bin/true" ["/bin/true"] = 0'
expect "without --envsize: no envp in --json" "$tmp/none.json" json none '"envp" not in x and "nenv" not in x'
expect "without --envsize: the CSV's envp column is empty" "$tmp/none.csv" csv none 'row[-2] == ""'
# (the header's options are "key=value" lines; the file is zstd frames)
expect "the trace header's options say envsize=4096" "$tmp/ok.err" \
	sh -c "zstd -dcq '$tmp/ok.zst' 2>/dev/null | grep -aq '^envsize=4096\$'"

# strace -v's rendering of the same two execs (its -s large enough for all).
if ! command -v strace >/dev/null; then
	skip "strace -v: the successful exec reads the same" "strace not installed"
	skip "strace -v: the failed exec reads the same" "strace not installed"
	exit 0
fi
strace -f -v -s 65536 -e trace=execve -o "$tmp/strace.txt" env -i A=1 'B=x y' C= /bin/true
strace -f -v -s 65536 -e trace=execve -o "$tmp/strace-fail.txt" env -i A=1 'B=x y' C= "$missing" x 2>/dev/null
# strace: PID execve("F", [ARGV], [ENVP]) = R; ours: exec "F" [ARGV] [ENVP] = R
strace_line() { # file, program
	grep -F "execve(\"$2\"" "$1" | sed 's/^[0-9]* *execve(//; s/) = / = /; s/^\("[^"]*"\), /\1 /; s/\], \[/] [/'
}
ours_line() { sed 's/^exec //' "$1"; }
expect "strace -v: the successful exec reads the same" "$tmp/strace.txt" \
	test "$(strace_line "$tmp/strace.txt" /bin/true)" = "$(ours_line "$tmp/ok.events")"
expect "strace -v: the failed exec reads the same" "$tmp/strace-fail.txt" \
	test "$(strace_line "$tmp/strace-fail.txt" "$missing")" = "$(ours_line "$tmp/fail.events")"
