# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by 60-func-fentry.sh and 61-func-kprobe.sh with the backend in $1:
# rec -m func --func 'vfs_read,vfs_write,tcp_*' through that backend only,
# vfs_read and vfs_write counted exactly for a workload making 1000 one-byte
# reads and writes. The workload's own start-up reads (the loader's) are
# measured by a run with --rw 0 and subtracted. Attaching some 370 functions
# takes about 100 s under TCG: hence the longer check limit in run.sh.
. /checks/lib.sh
backend=$1

# calls of FUNCTION in TRACE, and how it was probed, from analyze --funcs
calls() { "$ANALYZE" "$1" --funcs -n 100000 2>/dev/null | awk -v f="$2" '$1 == f { n = $4 } END { print n + 0 }'; }
probe() { "$ANALYZE" "$1" --funcs -n 100000 2>/dev/null | awk -v f="$2" '$1 == f { print $3 }'; }

"$REC" -q -m func --func 'vfs_read,vfs_write' --func-backend "$backend" -o base.zst -- \
	"$WORKLOAD" --rw 0 2>base.err || diag base.err 5
start=$(date +%s)
"$REC" -m func --func 'vfs_read,vfs_write,tcp_*' --probe-limit 1000 --func-backend "$backend" \
	-o rw.zst -- "$WORKLOAD" --rw 1000 2>rw.err
st=$?
echo "# $backend: $(sed -n 's/^rec: \([0-9]*\) functions probed.*/\1/p' rw.err) functions probed, rec ran $(($(date +%s) - start)) s"
grep "left out" rw.err | cut -c1-300 | sed 's/^/# /'
is "$backend: rec -m func --func 'vfs_read,vfs_write,tcp_*' -- workload --rw 1000 exits 0" $st 0
[ $st = 0 ] || diag rw.err 5
is "$backend: vfs_read counted 1000 times more than for --rw 0" \
	$(($(calls rw.zst vfs_read) - $(calls base.zst vfs_read))) 1000
is "$backend: vfs_write counted 1000 times more than for --rw 0" \
	$(($(calls rw.zst vfs_write) - $(calls base.zst vfs_write))) 1000
is "$backend: the function table says vfs_read was probed with $backend" "$(probe rw.zst vfs_read)" "$backend"
probed=$(sed -n 's/^rec: \([0-9]*\) functions probed.*/\1/p' rw.err)
check "$backend: more than 10 tcp_* functions probed besides vfs_read and vfs_write" [ "${probed:-0}" -gt 12 ]
