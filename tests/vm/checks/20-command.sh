# SPDX-License-Identifier: GPL-2.0-or-later
# tests/test_record.c's command_exact on this kernel: rec -- workload, then
# every count checked through analyze and csv-export, as a user reads them.
. /checks/lib.sh

missing=/tmp/tracetape-no-such-file
"$REC" -q -o t.zst -- "$WORKLOAD" --getppid 1234 --open "$WORKLOAD:7" --fail-open "$missing:5" \
	--sleep 30 --exec --fail-exec --exit 42 2>rec.log
code=$?
is "rec passes the command's exit status through" "$code" 42
[ "$code" = 42 ] || diag rec.log
if [ ! -f t.zst ]; then
	echo "not ok - rec wrote t.zst"
	exit 0
fi
is "the trace file is mode 0600" "$(stat -c %a t.zst)" 600

"$ANALYZE" t.zst --events >events 2>analyze.log
is "analyze --events reads the trace" $? 0
pid=$(exec_pid t.zst "$WORKLOAD")
check "the workload's exec is in the trace" [ -n "$pid" ]
# The workload's own event lines (not its children's), and how many hold TEXT.
mine() { grep "^[^ ]* [^ ]*\[$pid/" events; }
count() { mine | grep -cF "$1"; }

"$ANALYZE" t.zst --summary --json -p "$pid" >summary.json
tr '}' '\n' <summary.json >summary.rows # one syscall object per line
calls() { sed -n "s/.*\"calls\": \([0-9]*\), .*\"syscall\": \"$1\".*/\1/p" summary.rows; }
is "exactly 1234 getppid calls (analyze --summary --json)" "$(calls getppid)" 1234
is "exactly 1 exit_group" "$(calls exit_group)" 1
is "no events lost" "$(sed -n 's/.*"events_lost": \([0-9]*\).*/\1/p' summary.json)" 0
check "no warnings: the trace is complete" grep -q '"warnings": \[\]' summary.json

open="openat(AT_FDCWD, \"$WORKLOAD\", O_RDONLY) = "
is "7 successful openat of the workload's path" "$(($(count "$open") - $(count "$open-1 ")))" 7
is "5 openat of a missing path failing with ENOENT" \
	"$(count "openat(AT_FDCWD, \"$missing\", O_RDONLY) = -1 ENOENT")" 5
sleep_line=$(mine | grep -F 'nanosleep(')
check "one nanosleep of at least 30 ms" \
	awk -v l="$sleep_line" 'BEGIN { n = split(l, f, "<"); exit !(n == 2 && f[2] + 0 >= 0.030) }'
is "exit_group(42) and the exit record" \
	"$(count 'exit_group(42) = ?') $(count '+++ exited with 42 +++')" "1 1"

awkward='+++ exec "/bin/true" ["/bin/true", "two words", "comma,separated", "quote\"d '"'single'"'", "new\nline"] = 0'
is "the exec's awkward argv round-trips" "$(grep -cF "$awkward" events)" 1
# Since rec keeps a failed exec's argv too, it is there as well.
is "the failed exec is recorded with its argv and ENOENT" \
	"$(grep -cF '+++ exec "/nonexistent/tracetape-missing" ["/nonexistent/tracetape-missing", "x"] = -1 ENOENT' events)" 1
is "only the workload and its children are recorded" \
	"$("$ANALYZE" t.zst --events -p "$pid" --children | wc -l)" "$(wc -l <events)"

# csv-export: the same counts from the CSVs, quoted per RFC 4180.
"$CSV" t.zst -m syscall -o - >syscall.csv
is "csv-export: 1234 getppid rows for the workload" \
	"$(awk -F, -v p="$pid" '$4 == p && $9 == "getppid"' syscall.csv | wc -l)" 1234
# Not only 5: without an ld.so.cache the loader's own openat fail too.
is "csv-export: as many ENOENT openat rows as analyze shows" \
	"$(awk -F, -v p="$pid" '$4 == p && $9 == "openat" && $12 == "ENOENT"' syscall.csv | wc -l)" \
	"$(mine | grep -F 'openat(' | grep -c ') = -1 ENOENT')"

"$CSV" t.zst -m exec -o - >exec.csv
check "csv-export: the awkward argv is one quoted field of shell words" \
	grep -qF "\"/bin/true 'two words' comma,separated 'quote\"\"d '\''single'\''' 'new" exec.csv

# The clone flags of a fork (bpf_task_pt_regs from 5.15; before it, read at
# the top of the parent's kernel stack): the workload's fork() is glibc's
# clone(CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD).
"$CSV" t.zst -m process -o - >process.csv
is "csv-export: the workload's fork has clone flags 0x1200011" \
	"$(tr -d '\r' <process.csv | awk -F, -v p="$pid" '$3 == "fork" && $5 == p { print $10; exit }')" 0x1200011

# Several event rings, each drained by its own thread, and several
# compressing threads: the same exact counts (rings are map-in-map values,
# which this kernel must take).
"$REC" -q --rings 3 --compress-threads 3 -o rings.zst -- "$WORKLOAD" --getppid 1234 --exit 0 2>rings.log
is "rec --rings 3 --compress-threads 3 records" $? 0
"$ANALYZE" rings.zst --summary --json >rings.json 2>>rings.log
tr '}' '\n' <rings.json >rings.rows
is "--rings 3: exactly 1234 getppid calls" \
	"$(sed -n 's/.*"calls": \([0-9]*\), .*"syscall": "getppid".*/\1/p' rings.rows)" 1234
is "--rings 3: no events lost" "$(sed -n 's/.*"events_lost": \([0-9]*\).*/\1/p' rings.json)" 0
