#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# seccomp-gen end to end (TAP): record real programs with rec, make each one's
# profile, run the program again under it (same output, success), and check
# that the profile denies what it does not hold; the OCI, BPF and PFC outputs
# against independent readers; a lossy trace refused. Recording needs root.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
rec=$builddir/record/rec
sg=$builddir/tools/seccomp-gen
prog=$builddir/tests/seccomp_prog
check=$builddir/tests/seccomp_check
python=/usr/bin/python3
plan=43
# seccomp_prog's syscalls with --strict: the dynamic loader's (execve, brk,
# arch_prctl, mmap, access, openat, newfstatat, read, pread64, close,
# mprotect, set_tid_address, set_robust_list, rseq, prlimit64, munmap,
# getrandom), the threads' (rt_sigaction, rt_sigprocmask, clone3, futex,
# madvise, exit), write, exit_group, and rt_sigreturn, which is always in.
prog_syscalls=26

. "$srcdir/tests/tap.sh"

echo "1..$plan"
[ "$(id -u)" -eq 0 ] || skip_all "seccomp-gen recording tests" "needs root to record with BPF"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/data/sub"
for f in a b c; do seq 1 500 >"$tmp/data/$f.txt"; done
echo hello >"$tmp/data/sub/d.txt"
touch -d "2026-01-01 00:00" "$tmp/data" "$tmp/data"/* "$tmp/data/sub"/*

cat >"$tmp/sock.py" <<'PY'
import socket
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(("127.0.0.1", 0))
srv.listen(1)
cli = socket.create_connection(srv.getsockname())
conn, _ = srv.accept()
cli.sendall(b"ping over localhost")
print(conn.recv(100).decode())
for s in (conn, cli, srv):
    s.close()
PY

# Each program: name, then its command. tar writes into $tmp/tar.N.tgz, so
# its "output" is the archive's listing.
run_prog() { # name, trace-or-empty (record), out file
	case $1 in
	ls) set -- "$@" ls -l "$tmp/data" ;;
	tar) set -- "$@" tar czf "$tmp/$1.$(basename "$3").tgz" -C "$tmp/data" . ;;
	sh) set -- "$@" sh -c "ls $tmp/data | sort -r | wc -l" ;;
	python) set -- "$@" "$python" "$tmp/sock.py" ;;
	prog) set -- "$@" "$prog" ;;
	esac
	name=$1 trace=$2 out=$3
	shift 3
	if [ -n "$trace" ]; then
		"$rec" -q -o "$trace" -- "$@" >"$out" 2>"$out.err"
	else
		"$sg" -q "$tmp/$name.zst" --exec -- "$@" >"$out" 2>"$out.err"
	fi
	st=$?
	[ "$name" = tar ] && tar tzvf "$tmp/$name.$(basename "$out").tgz" >"$out" 2>>"$out.err"
	return $st
}

for p in ls tar sh python prog; do
	if ! run_prog $p "$tmp/$p.zst" "$tmp/$p.rec.out"; then
		fail "$p: recorded with rec" "$tmp/$p.rec.out.err"
		fail "$p: runs under its profile"
		fail "$p: same output under its profile"
		fail "$p: its profile would deny ptrace"
		continue
	fi
	ok "$p: recorded with rec"
	run_prog $p "" "$tmp/$p.run.out"
	st=$?
	expect "$p: runs under its profile (exit $st)" "$tmp/$p.run.out.err" [ "$st" -eq 0 ]
	expect "$p: same output under its profile" "$tmp/$p.run.out" \
		cmp -s "$tmp/$p.rec.out" "$tmp/$p.run.out"
	"$sg" -q "$tmp/$p.zst" --default-action log --exec -- "$prog" --ptrace \
		>/dev/null 2>"$tmp/$p.log.err"
	expect "$p: its profile would deny ptrace" "$tmp/$p.log.err" \
		grep -q "would have denied: ptrace " "$tmp/$p.log.err"
done

# The program that makes a syscall its profile lacks.
"$sg" -q "$tmp/prog.zst" --exec -- "$prog" --ptrace >/dev/null 2>"$tmp/deny.err"
st=$?
expect "prog --ptrace under its profile fails with EPERM (exit $st)" "$tmp/deny.err" \
	sh -c "[ $st -eq 1 ] && grep -q 'ptrace: Operation not permitted' '$tmp/deny.err'"
"$sg" -q "$tmp/prog.zst" --default-action kill --exec -- "$prog" --ptrace >/dev/null \
	2>"$tmp/kill.err"
st=$?
expect "prog --ptrace is killed with --default-action kill (exit $st)" "$tmp/kill.err" \
	sh -c "[ $st -eq 159 ] && grep -q 'killed by signal 31' '$tmp/kill.err'"
# stdout a file, as when it was recorded (a tty or /dev/null adds an ioctl).
"$sg" -q "$tmp/prog.zst" --default-action log --exec -- "$prog" >"$tmp/log.out" 2>"$tmp/log.err"
expect "log mode: prog's own profile would deny nothing" "$tmp/log.err" \
	grep -q "would have denied no syscall" "$tmp/log.err"

# The profile's size, pinned for our program.
"$sg" -q --strict -f list "$tmp/prog.zst" >"$tmp/prog.list" 2>"$tmp/list.err"
count=$(wc -l <"$tmp/prog.list")
expect "prog needs $prog_syscalls syscalls with --strict (has $count)" "$tmp/prog.list" \
	[ "$count" -eq "$prog_syscalls" ]
"$sg" "$tmp/ls.zst" -o /dev/null 2>"$tmp/size.err"
expect "the summary says how many syscalls, against Docker's default" "$tmp/size.err" \
	grep -q "^seccomp-gen: [0-9]* syscalls allowed.*Docker's default profile allows 361" \
	"$tmp/size.err"

# OCI JSON, read by python's json module, with the runtime-spec's fields.
for p in ls tar python; do
	"$sg" -q "$tmp/$p.zst" --args --base runc -o "$tmp/$p.json" 2>"$tmp/json.err"
	"$python" - "$tmp/$p.json" >"$tmp/json.out" 2>&1 <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["defaultAction"] == "SCMP_ACT_ERRNO", doc["defaultAction"]
assert doc["defaultErrnoRet"] == 1
assert doc["architectures"] and all(a.startswith("SCMP_ARCH_") for a in doc["architectures"])
assert "archMap" not in doc
acts = {"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO"}
for rule in doc["syscalls"]:
    assert set(rule) <= {"names", "action", "errnoRet", "args"}, rule
    assert rule["names"] and all(isinstance(n, str) for n in rule["names"]), rule
    assert rule["action"] in acts, rule
    assert ("errnoRet" in rule) == (rule["action"] == "SCMP_ACT_ERRNO"), rule
    for a in rule.get("args", []):
        assert set(a) == {"index", "value", "valueTwo", "op"} and 0 <= a["index"] <= 5, a
names = doc["syscalls"][0]["names"]
assert names == sorted(set(names)), "names sorted, no duplicates"
assert "capset" in names and "execve" in names, "the runc base set is in"
PY
	expect "$p: OCI JSON parses and has the runtime-spec fields" "$tmp/json.out" [ $? -eq 0 ]
done
expect "python --args: socket allowed for AF_INET only" "$tmp/python.json" \
	grep -q '"names": \[ "socket"\], "action": "SCMP_ACT_ALLOW", "args": \[.*"index": 0, "value": 2,' \
	"$tmp/python.json"

# BPF: loaded by seccomp(2) directly, without libseccomp.
"$sg" -q "$tmp/ls.zst" -f bpf -o "$tmp/ls.bpf"
"$check" load "$tmp/ls.bpf" -- ls -l "$tmp/data" >"$tmp/bpf.out" 2>"$tmp/bpf.err"
expect "BPF loads with seccomp(2) and runs ls" "$tmp/bpf.err" \
	sh -c "[ $? -eq 0 ] && cmp -s '$tmp/ls.rec.out' '$tmp/bpf.out'"
"$sg" -q "$tmp/prog.zst" -f bpf -o "$tmp/prog.bpf"
"$check" load "$tmp/prog.bpf" -- "$prog" --ptrace >/dev/null 2>"$tmp/bpf2.err"
expect "BPF from prog denies its ptrace" "$tmp/bpf2.err" \
	grep -q "ptrace: Operation not permitted" "$tmp/bpf2.err"

# PFC: what libseccomp itself prints for the same names.
for p in ls sh; do
	"$sg" -q "$tmp/$p.zst" -f pfc -o "$tmp/$p.pfc"
	"$sg" -q "$tmp/$p.zst" -f list -o "$tmp/$p.list"
	"$check" pfc "$tmp/$p.list" x86_64 >"$tmp/$p.pfc.want" 2>&1
	expect "$p: PFC is libseccomp's" "$tmp/$p.pfc.want" cmp -s "$tmp/$p.pfc" "$tmp/$p.pfc.want"
done

# Selection: tar's gzip child is in by default, not with --no-children.
"$sg" -q -f list "$tmp/tar.zst" >"$tmp/tar.all" 2>&1
"$sg" -q -f list --no-children "$tmp/tar.zst" >"$tmp/tar.one" 2>&1
expect "tar: --no-children leaves out its child's syscalls" "$tmp/tar.one" \
	sh -c "[ \$(wc -l <'$tmp/tar.one') -lt \$(wc -l <'$tmp/tar.all') ]"
"$sg" -q -f list --comm sort "$tmp/sh.zst" >"$tmp/sort.list" 2>"$tmp/sort.err"
expect "--comm picks a process of the pipeline" "$tmp/sort.err" \
	grep -q "^read " "$tmp/sort.list"
"$sg" -q -f list --exe ls "$tmp/sh.zst" >"$tmp/exe.list" 2>"$tmp/exe.err"
expect "--exe picks a process of the pipeline by program" "$tmp/exe.err" \
	grep -q "^getdents64 " "$tmp/exe.list"
pid=$("$builddir/analyze/analyze" "$tmp/ls.zst" --tree | awk '$NF ~ /data$/ { print $1 }')
"$sg" -q -f list -p "$pid" "$tmp/ls.zst" >"$tmp/pid.list" 2>"$tmp/pid.err"
expect "-p $pid gives the same list as the default" "$tmp/pid.err" \
	cmp -s "$tmp/pid.list" "$tmp/ls.list"

# Union: several traces, and --merge of an existing profile.
"$sg" -q -f list "$tmp/ls.zst" "$tmp/prog.zst" >"$tmp/union.list" 2>"$tmp/union.err"
expect "two traces give the union" "$tmp/union.err" \
	sh -c "grep -q '^getdents64 ' '$tmp/union.list' && grep -q '^clone3 ' '$tmp/union.list'"
"$sg" -q "$tmp/ls.zst" -o "$tmp/ls.plain.json"
"$sg" -q -f list "$tmp/prog.zst" --merge "$tmp/ls.plain.json" >"$tmp/merge.list" \
	2>"$tmp/merge.err"
expect "--merge gives the union" "$tmp/merge.err" \
	sh -c "grep -q '^getdents64 0 merged' '$tmp/merge.list' && grep -q '^clone3 ' '$tmp/merge.list'"

# A lossy trace is refused, with how much was lost and when.
"$rec" -q --buffer-size 8K -o "$tmp/lossy.zst" -- "$builddir/tests/workload" --getppid 200000 \
	>/dev/null 2>&1
"$sg" -q "$tmp/lossy.zst" -o /dev/null 2>"$tmp/lossy.err"
st=$?
expect "a lossy trace is refused (exit $st)" "$tmp/lossy.err" \
	sh -c "[ $st -eq 1 ] && grep -q 'lost [0-9]* events (.*s into the recording' '$tmp/lossy.err'"
"$sg" -q --allow-lossy "$tmp/lossy.zst" -o /dev/null 2>"$tmp/lossy2.err"
# (An 8K buffer may lose every call of the workload: then there is nothing to use.)
expect "--allow-lossy uses it, with a warning" "$tmp/lossy2.err" \
	grep -q 'warning: the recording lost [0-9]* events' "$tmp/lossy2.err"

# A process running before the recording began has no exec in it.
sh -c 'while :; do sleep 0.1; done' &
late=$!
"$rec" -q -p "$late" -T 1 -o "$tmp/late.zst" >/dev/null 2>&1
kill "$late" 2>/dev/null
wait "$late" 2>/dev/null
"$sg" -q --allow-lossy -p "$late" "$tmp/late.zst" -f list >/dev/null 2>"$tmp/late.err"
expect "a process with no exec in the trace is warned about" "$tmp/late.err" \
	grep -q "has no exec in the trace" "$tmp/late.err"
expect "a process still running at the trace's end is warned about, by pid" "$tmp/late.err" \
	grep -q "process $late (sh) never exited in the trace: .*exit_group" "$tmp/late.err"
