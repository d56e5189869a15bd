# SPDX-License-Identifier: GPL-2.0-or-later
# rec -m func --func-mode calls on a kernel function (the automatic backend):
# each of the workload's writes is one entry and one timed return of
# vfs_write in its thread.
. /checks/lib.sh

"$REC" -q -m func,exec --func vfs_write --func-mode calls -o calls.zst -- "$WORKLOAD" --rw 100 2>calls.err
pid=$(exec_pid calls.zst "$WORKLOAD")
"$CSV" calls.zst -m func -o - -p "$pid" >calls.csv 2>>calls.err
is "calls mode: the workload's 100 writes are 100 vfs_write entries" \
	"$(grep -c ',vfs_write,[0-9]*,entry,' calls.csv)" 100
is "calls mode: and 100 returns with their durations" \
	"$(grep -c ',vfs_write,[0-9]*,return,[0-9]' calls.csv)" 100
"$ANALYZE" calls.zst --calls -p "$pid" >tree.out 2>&1
is "analyze --calls shows them as one-line calls" "$(grep -c '  vfs_write();$' tree.out)" 100
