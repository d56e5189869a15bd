#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# TAP: every value rec's --help advertises loads on this kernel (rec --check
# at each extreme, every monitor alone and together), values past them are
# usage errors, and an exec's argv comes back exact up to --argsize, then
# cut cleanly with the truncation mark, never with bytes of another event.
plan=67
. "${srcdir:-.}/tests/tap.sh"
echo "1..$plan"
[ "$(id -u)" -eq 0 ] || skip_all "rec envelope" "needs root to load BPF programs"

top_builddir=${top_builddir:-.}
REC=$top_builddir/record/rec
ANALYZE=$top_builddir/analyze/analyze
d=$(mktemp -d /tmp/tt-envelope-XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$d"' EXIT

# rec --check OPTIONS: loads and attaches, lists the programs, exits 0.
loads() { # options...
	"$REC" --check "$@" >"$d/check.out" 2>"$d/check.err" && grep -q '^sys_exit	' "$d/check.out"
}
for opts in "" "--strsize 1" "--strsize 4095" "--strsize 4096" "--argsize 1" "--argsize 64" \
	"--argsize 512" "--argsize 6144" "--argsize 32768" "--strsize 4096 --argsize 32768" \
	"-m syscall" "-m exec" "-m syscall,exec -e file_io,network" "--comm sh -u root" \
	"-m packet --snaplen 1" "-m packet --snaplen 262144" "-m packet -i lo" \
	"-m func --func u:libc:malloc" "-m func --func u:libc:malloc --func-mode calls" \
	"--rings 1" "--rings 64 --buffer-size 64M" "--compress-threads 64" \
	"--datasize 0" "--datasize 1" "--datasize 4096" "--datasize 4096 --strsize 4096 -m syscall" \
	"--envsize 1" "--envsize 16384" "--envsize 16384 --argsize 32768 --strsize 4096 -m exec" \
	"-m syscall,exec,packet,func --func u:libc:getppid --strsize 4096 --argsize 32768 --snaplen 262144 -i lo"; do
	# shellcheck disable=SC2086 # the options are words
	if loads $opts; then ok "rec --check ${opts:-(defaults)} loads and attaches"
	else fail "rec --check ${opts:-(defaults)} loads and attaches" "$d/check.err"; fi
done
expect "rec --check -m packet lists the iterators for sockets open before rec" "$d/check.out" \
	grep -q '^owners_tcp	packet monitor' "$d/check.out"
expect "rec --check gives each program its verified instruction count" "$d/check.out" \
	bash -c "awk -F'\t' 'NF != 3 || (\$3 != \"-\" && \$3 !~ /^[0-9]+\$/) { exit 1 }' '$d/check.out'"

# Past the advertised maxima: usage errors naming the range.
for bad in "--argsize 32769" "--argsize 0" "--strsize 4097" "--snaplen 262145" "--rings 0" \
	"--rings 65" "--datasize 4097" "--datasize 65536" "--envsize 16385"; do
	# shellcheck disable=SC2086
	"$REC" --check $bad >/dev/null 2>"$d/bad.err"
	code=$?
	if [ $code = 2 ] && grep -q "$(echo "$bad" | cut -d' ' -f2)" "$d/bad.err"; then ok "$bad is a usage error (exit 2)"
	else fail "$bad is a usage error (exit 2, got $code)" "$d/bad.err"; fi
done

# Lines that would record something else than meant: usage errors, before
# anything is loaded, saying what is wrong.
usage() { # name, message, rec arguments...
	name=$1 msg=$2
	shift 2
	"$REC" "$@" >/dev/null 2>"$d/bad.err"
	code=$?
	expect "$name: exit 2 ($code), '$msg'" "$d/bad.err" \
		bash -c "[ $code = 2 ] && grep -qF -e \"$msg\" '$d/bad.err'"
}
usage "-o x.zst -- with no command" "no COMMAND after '--'" -o "$d/nocmd.zst" --
usage "-o ''" "-o: an empty file name" -o "" -T 1
usage "-Z nosuchuser" "-Z: unknown user 'nosuchuser'" -Z nosuchuser -T 1 -o "$d/z.zst"
mkdir "$d/adir.zst"
"$REC" -o "$d/adir.zst" --force -T 1 >/dev/null 2>"$d/bad.err"
code=$?
expect "-o DIRECTORY --force: refused, naming it a directory (exit $code)" "$d/bad.err" \
	bash -c "[ $code = 1 ] && grep -qF 'adir.zst is a directory' '$d/bad.err' && [ -d '$d/adir.zst' ]"

# --force does not take a file from a rec that is writing it; and analyze
# --follow of the .partial a killed rec left stops, saying so, exit 1.
"$REC" -q -o "$d/live.zst" -T 30 2>/dev/null &
live=$!
wait_recording "$d/live.zst"
"$REC" -q -o "$d/live.zst" --force -T 1 >/dev/null 2>"$d/bad.err"
code=$?
expect "--force on a live rec's output: refused (exit $code), its .partial kept" "$d/bad.err" \
	bash -c "[ $code = 1 ] && grep -q 'live.zst.partial is being written by a running rec' '$d/bad.err' &&
		[ -e '$d/live.zst.partial' ]"
kill -9 $live
wait $live 2>/dev/null
start=$(date +%s)
timeout 60 "$ANALYZE" --follow "$d/live.zst" >/dev/null 2>"$d/follow.err"
code=$?
took=$(($(date +%s) - start))
expect "analyze --follow of a killed rec's .partial: exit 1 after ${took}s, naming it" "$d/follow.err" \
	bash -c "[ $code = 1 ] && grep -q 'live.zst.partial: no rec is writing it any more' '$d/follow.err'"

# A full disk: rec stops (exit 1), saying the file ends at its last whole
# chunk and that the command runs on unrecorded, as -T does.
mkdir "$d/small"
if mount -t tmpfs -o size=256k tmpfs "$d/small" 2>/dev/null; then
	"$REC" -q -o "$d/small/t.zst" -- sh -c "'$top_builddir/tests/workload' --getppid 3000000; sleep 30" \
		>/dev/null 2>"$d/full.err" &
	full=$!
	wait $full
	code=$?
	expect "a full disk: exit $code, the file's end and the command left running said" "$d/full.err" \
		bash -c "[ $code = 1 ] && grep -q 'No space left on device' '$d/full.err' &&
			grep -q \"'sh' (pid [0-9]*) is still running, no longer recorded\" '$d/full.err'"
	left=$(sed -n 's/.*(pid \([0-9]*\)) is still running.*/\1/p' "$d/full.err")
	[ -n "$left" ] && { pkill -P "$left"; kill "$left"; } 2>/dev/null
	umount "$d/small"
else
	fail "a full disk: cannot mount a small tmpfs" "$d/full.err"
fi

# argv of N bytes: exact under --argsize 32768; at the default 4096, an
# exact prefix and the truncation mark.
argv_line() { # trace
	"$ANALYZE" "$1" --events | grep -F '+++ exec "/bin/true"'
}
for len in 4090 4096 6000 20000; do
	a=$(head -c $len /dev/zero | tr '\0' A)
	"$REC" -q --argsize 32768 -o "$d/a$len.zst" -- /bin/true "N$len" "$a" end 2>"$d/rec.err"
	expect "a $len-byte argument reads back exactly with --argsize 32768" "$d/rec.err" \
		grep -qF "[\"/bin/true\", \"N$len\", \"$a\", \"end\"] = 0" <(argv_line "$d/a$len.zst")
	"$REC" -q -o "$d/d$len.zst" -- /bin/true "N$len" "$a" end 2>"$d/rec.err"
	keep=$((4096 - 10 - ${#len} - 2)) # after "/bin/true\0" and "N$len\0"
	expect "a $len-byte argument at the default --argsize: $keep bytes kept, then the mark" "$d/rec.err" \
		grep -qF "[\"/bin/true\", \"N$len\", \"${a:0:$keep}\", ...] = 0" <(argv_line "$d/d$len.zst")
done

# A failed exec keeps the argv it was given.
"$REC" -q -o "$d/f.zst" -- python3 -c 'import os
try: os.execv("/nonexistent/tt", ["argzero", "b c", "d,e", ""])
except OSError: pass' 2>"$d/rec.err"
expect "a failed execv keeps its argv, empty argument included" "$d/rec.err" \
	grep -qF '+++ exec "/nonexistent/tt" ["argzero", "b c", "d,e", ""] = -1 ENOENT' \
	<("$ANALYZE" "$d/f.zst" --events)

# rec -- NAME finds NAME in PATH itself: the trace holds its one execve,
# not a PATH search made in the traced child.
PATH="/nonexistent/a:/nonexistent/b:$PATH" "$REC" -q -o "$d/ls.zst" -- ls / >/dev/null 2>"$d/rec.err"
expect "rec -- ls: one execve in the trace, by ls's full path" "$d/rec.err" \
	test "$("$ANALYZE" "$d/ls.zst" --events | grep -c ' execve(')" = 1 -a \
	"$("$ANALYZE" "$d/ls.zst" --events | grep -c ' execve("/[^"]*/ls", .* = 0 ')" = 1
"$REC" -q -o "$d/none.zst" -- tt-no-such-command 2>"$d/rec.err"
code=$?
expect "rec -- an unknown command: exit 127, 'command not found', no trace (got $code)" "$d/rec.err" \
	bash -c "[ $code = 127 ] && grep -q \"cannot run 'tt-no-such-command': command not found\" '$d/rec.err' && [ ! -e '$d/none.zst' ]"
"$REC" -q -p 999999 -T 1 -o "$d/p.zst" 2>"$d/rec.err"
code=$?
expect "rec -p with no such process: exit 1, one line naming it (got $code)" "$d/rec.err" \
	bash -c "[ $code = 1 ] && [ \$(wc -l <'$d/rec.err') = 1 ] && grep -q -- '-p 999999: no such process' '$d/rec.err'"

# Arguments the kernel reads as a signed int are shown signed, as strace
# does: wait4's pid -1 (0xffffffff in the register), a negative offset.
"$REC" -q -o "$d/w.zst" -- python3 -c 'import os
pid = os.fork()
if pid == 0: os._exit(0)
os.waitpid(-1, 0)
fd = os.open("/etc/hostname", os.O_RDONLY)
try: os.lseek(fd, -5, os.SEEK_SET)
except OSError: pass' 2>"$d/rec.err"
"$ANALYZE" "$d/w.zst" --events >"$d/w.events"
expect "wait4(-1, ...) and lseek(FD, -5, SEEK_SET) are shown signed" "$d/w.events" \
	bash -c "grep -q ' wait4(-1, 0x[0-9a-f]*, 0, NULL) = [0-9]' '$d/w.events' &&
		grep -q ' lseek([0-9]*, -5, SEEK_SET) = -1 EINVAL' '$d/w.events'"

# SIGTERM to rec -- CMD goes to CMD (as timeout(1) passes it on); rec
# records its death and exits with its status. A second one stops rec at
# once and says the command still runs.
"$REC" -q -o "$d/term.zst" -- sleep 60 2>"$d/rec.err" &
rec=$!
wait_recording "$d/term.zst"
sleep 0.5
kill -TERM $rec
wait $rec
code=$?
expect "SIGTERM to rec -- sleep 60: the sleep is killed, recorded, rec exits 143 (got $code)" "$d/rec.err" \
	bash -c "[ $code = 143 ] && '$ANALYZE' '$d/term.zst' --events | grep -q '^[^ ]* sleep\\[[0-9/]*\\] +++ killed by SIGTERM +++'"
"$ANALYZE" "$d/term.zst" --summary >"$d/term.sum" 2>&1
expect "the trace says so: 'Ended:    by SIGTERM' in analyze's header" "$d/term.sum" \
	bash -c "grep -qx 'Ended:    by SIGTERM' '$d/term.sum'"
"$REC" -q -o "$d/term2.zst" -- sh -c 'trap "" TERM; sleep 3; exit 7' 2>"$d/rec.err" &
rec=$!
wait_recording "$d/term2.zst"
sleep 0.5
kill -TERM $rec
sleep 0.5
kill -TERM $rec
wait $rec
code=$?
expect "a second SIGTERM stops rec at once, saying the command still runs (got $code)" "$d/rec.err" \
	bash -c "[ $code = 0 ] && grep -q \"'sh' (pid [0-9]*) is still running, no longer recorded\" '$d/rec.err' &&
		'$ANALYZE' '$d/term2.zst' --summary >/dev/null"
"$ANALYZE" "$d/term2.zst" --summary >"$d/term2.sum" 2>&1
expect "the trace says the second signal cut it, before the command exited" "$d/term2.sum" \
	bash -c "grep -qx 'Ended:    by SIGTERM, then cut by a second one before the command exited' '$d/term2.sum'"

# The exec CSV's argv: shell words that shlex.split gives back, with the
# documented \\ and \xHH escapes, in a file that is valid UTF-8 whatever
# the bytes (csv-export(1)).
"$REC" -q -o "$d/hostile.zst" -- python3 -c 'import os
os.execv("/bin/true", [b"/bin/true", b"b c", b"", b"q'"'"'x\"y", b"new\nline", b"back\\slash",
	"caf\u00e9".encode(), b"raw\xffbyte", b"\x1b[31m", b"$(id)", b"plain-arg_1.x", b"tab\there"])' 2>"$d/rec.err"
"$top_builddir/tools/csv-export" "$d/hostile.zst" -m exec -o - >"$d/hostile.csv" 2>>"$d/rec.err"
expect "hostile argv: exact through Python's csv (UTF-8), shlex.split and the \\\\ / \\xHH rule" "$d/hostile.csv" \
	python3 - "$d/hostile.csv" <<'PY'
import csv, re, shlex, sys
want = [b"/bin/true", b"b c", b"", b"q'x\"y", b"new\nline", b"back\\slash", "caf\u00e9".encode(),
        b"raw\xffbyte", b"\x1b[31m", b"$(id)", b"plain-arg_1.x", b"tab\there"]
def unescape(w):
    return re.sub(rb"\\(\\|x([0-9a-f]{2}))",
                  lambda m: b"\\" if m.group(1) == b"\\" else bytes([int(m.group(2), 16)]), w.encode())
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = [r for r in csv.DictReader(f) if r["comm"] == "true"]
sys.exit(0 if len(rows) == 1 and [unescape(w) for w in shlex.split(rows[0]["argv"])] == want else 1)
PY

# More rings and compressing threads than CPUs: every event, once
# (a storm of 4 processes, 200,000 getppid each).
"$REC" -q --rings 3 --compress-threads 5 -m syscall -o "$d/rings.zst" -- \
	"$top_builddir/tools/bench/bench-workloads" storm 4 200000 >/dev/null 2>"$d/rings.err"
"$ANALYZE" "$d/rings.zst" --summary --json >"$d/rings.out" 2>>"$d/rings.err"
expect "--rings 3 --compress-threads 5: exactly 800,000 getppid calls, none lost, no batch missing" \
	"$d/rings.out" bash -c "tr '}' '\\n' <'$d/rings.out' | grep -q '\"calls\": 800000, .*\"syscall\": \"getppid\"' &&
		grep -q '\"events_lost\": 0' '$d/rings.out' && grep -q '\"batches_missing\": 0' '$d/rings.out'"
