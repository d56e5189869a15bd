# SPDX-License-Identifier: GPL-2.0-or-later
# kill -9 of rec: its .partial file is never renamed, and reads up to the cut
# with a truncation warning and exit status 1.
. /checks/lib.sh

"$REC" -q -o k.zst -- "$WORKLOAD" --loop 8 2>rec.log &
rec=$!
# Until some chunks are flushed (the flusher runs every second or so).
for _ in $(seq 100); do
	[ "$(stat -c %s k.zst.partial 2>/dev/null || echo 0)" -gt 100000 ] && break
	kill -0 $rec 2>/dev/null || break # rec gave up
	sleep 0.2
done
workload=$(cat /proc/$rec/task/$rec/children)
kill -9 $rec
wait $rec 2>/dev/null
kill $workload 2>/dev/null # orphaned; not to load the next checks
check "a killed rec never renames its .partial file" [ ! -e k.zst ]
check "the .partial file is there" [ -s k.zst.partial ]

"$ANALYZE" k.zst.partial --summary --json -e getppid >k.json 2>analyze.log
is "analyze exits 1 on a truncated trace" $? 1
check "analyze warns that the file was cut short" grep -q '"TRUNCATED: ' k.json
n=$(tr '}' '\n' <k.json | sed -n 's/.*"calls": \([0-9]*\), .*"syscall": "getppid".*/\1/p')
check "events up to the last flush are there (${n:-no} getppid)" [ "${n:-0}" -gt 10000 ]
