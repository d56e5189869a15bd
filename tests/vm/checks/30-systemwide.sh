# SPDX-License-Identifier: GPL-2.0-or-later
# System-wide -T recording: a process started during it is seen in full, and
# rec never records itself.
. /checks/lib.sh

"$REC" -v -T 4 -o s.zst 2>rec.log &
rec=$!
wait_recording rec.log $rec
"$WORKLOAD" --getppid 3000 &
load=$!
wait $load
wait $rec
is "rec -T exits 0 by itself" $? 0
check "rec said it was recording" grep -q 'recording to' rec.log
grep -q 'recording to' rec.log || diag rec.log

"$ANALYZE" s.zst --summary --json -p "$load" >load.json 2>analyze.log
is "analyze reads the system-wide trace" $? 0
is "the workload started during the recording: exactly 3000 getppid" \
	"$(tr '}' '\n' <load.json | sed -n 's/.*"calls": \([0-9]*\), .*"syscall": "getppid".*/\1/p')" 3000
is "rec never records itself" "$("$ANALYZE" s.zst --events -p "$rec" | wc -l)" 0
others=$("$ANALYZE" s.zst --events | grep -vc "^[^ ]* [^ ]*\[$load/")
check "other processes are recorded too ($others events)" [ "$others" -gt 0 ]
