#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# TAP: rec's volume controls, decided in the kernel. --errors-only records
# exactly the failed calls a full recording of the same program has;
# --slow keeps a nanosleep over its threshold and no fast call; --max-rate
# on a getppid storm records some and counts the rest, the two adding up to
# the calls made, and analyze says "1 in N". Bad values are usage errors.
plan=21
. "${srcdir:-.}/tests/tap.sh"
echo "1..$plan"

top_builddir=${top_builddir:-.}
REC=$top_builddir/record/rec
ANALYZE=$top_builddir/analyze/analyze
CSV=$top_builddir/tools/csv-export
WORKLOAD=$top_builddir/tests/workload
tmp=$(mktemp -d /tmp/tt-volume-XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT

# Usage errors: exit 2, one line naming the value, before anything loads
# (so they need no root).
one_line="2"
expect_exit "--max-rate 0" 2 "bad max_rate '0' (syscall events a second per CPU, 1 to 10000000)" \
	"$REC" --max-rate 0 -T 1 -o "$tmp/bad.zst"
expect_exit "--max-rate 10000001 (past the maximum)" 2 "bad max_rate '10000001'" \
	"$REC" --max-rate 10000001 -T 1 -o "$tmp/bad.zst"
expect_exit "--max-rate abc" 2 "bad max_rate 'abc'" "$REC" --max-rate abc -T 1 -o "$tmp/bad.zst"
expect_exit "--max-rate -5" 2 "bad max_rate '-5'" "$REC" --max-rate -5 -T 1 -o "$tmp/bad.zst"
expect_exit "--threshold with a bad category" 2 "bad threshold 'disk=1ms'" \
	"$REC" --slow --threshold disk=1ms -T 1 -o "$tmp/bad.zst"
expect_exit "--threshold without --slow" 2 "--threshold needs --slow" \
	"$REC" --threshold file_io=1ms -T 1 -o "$tmp/bad.zst"
expect_exit "--errors-only without the syscall monitor" 2 "need the syscall monitor" \
	"$REC" -m exec --errors-only -T 1 -o "$tmp/bad.zst"

[ "$(id -u)" -eq 0 ] || skip_all "rec volume controls" "needs root to load BPF programs"

check "rec --check --errors-only --slow --max-rate 10000000 (the maximum) loads" \
	"$REC" --check --errors-only --slow --threshold other=0s --max-rate 10000000

# The syscalls of a trace as "name is_error is_slow_call" lines (csv-export's
# columns 9, 16 and 17; is_slow_call by the thresholds given).
calls() { # trace, [csv-export options...]
	t=$1
	shift
	"$CSV" -m syscall -o - "$@" "$t" | awk -F, 'NR > 1 { sub(/\r$/, ""); print $9, $16, $17 }'
}

# --errors-only: the failed calls of a full recording of the same program,
# exactly (the loader's failed probes included), and nothing else.
prog="$WORKLOAD --fail-open $tmp/missing:37 --open /etc/hostname:25 --getppid 100"
# shellcheck disable=SC2086 # prog is words
"$REC" -q -o "$tmp/all.zst" -- $prog 2>"$tmp/rec.err" &&
	"$REC" -q -o "$tmp/err.zst" --errors-only -- $prog 2>>"$tmp/rec.err"
check "rec --errors-only, and a full recording, of the same program" test -s "$tmp/err.zst"
calls "$tmp/all.zst" >"$tmp/all.calls"
calls "$tmp/err.zst" >"$tmp/err.calls"
awk '$2 == "true" { print $1 }' "$tmp/all.calls" | sort | uniq -c >"$tmp/all.failed"
awk '{ print $1 }' "$tmp/err.calls" | sort | uniq -c >"$tmp/err.failed"
expect "the full recording has the 37 failed opens and 25 good ones" "$tmp/all.failed" \
	bash -c "[ \$(grep -c '^openat true ' '$tmp/all.calls') -ge 37 ] &&
		[ \$(grep -c '^openat false ' '$tmp/all.calls') -ge 25 ]"
expect "--errors-only recorded exactly the failed calls, per syscall" "$tmp/err.failed" \
	cmp -s "$tmp/all.failed" "$tmp/err.failed"
expect "--errors-only recorded no call that succeeded" "$tmp/err.calls" \
	bash -c "[ -s '$tmp/err.calls' ] && ! grep -qv '^[a-z0-9_]* true ' '$tmp/err.calls'"
"$ANALYZE" "$tmp/err.zst" --top >"$tmp/err.top" 2>&1
expect "analyze --top says --errors-only" "$tmp/err.top" \
	grep -q '^Volume:   --errors-only: only failed syscalls recorded' "$tmp/err.top"

# --slow: the 20 ms nanosleep is over time=5ms; the getppid and open calls
# are under their thresholds (100 us, 1 ms) and left out.
"$REC" -q -o "$tmp/slow.zst" --slow --threshold time=5ms -- \
	"$WORKLOAD" --getppid 1000 --sleep 20 --open /etc/hostname:25 2>"$tmp/rec.err"
check "rec --slow --threshold time=5ms" test -s "$tmp/slow.zst"
calls "$tmp/slow.zst" --threshold time=5ms >"$tmp/slow.calls"
expect "--slow kept the nanosleep" "$tmp/slow.calls" grep -q '^nanosleep false true$' "$tmp/slow.calls"
expect "--slow left out every getppid and every call under its threshold" "$tmp/slow.calls" \
	bash -c "! grep -q '^getppid ' '$tmp/slow.calls' && ! grep -qv ' true$' '$tmp/slow.calls'"
"$ANALYZE" "$tmp/slow.zst" >"$tmp/slow.top" 2>&1
expect "analyze says --slow and its thresholds" "$tmp/slow.top" \
	grep -q '^Volume:   --slow: only syscalls over file_io=1ms,.*time=5ms' "$tmp/slow.top"

# --max-rate: 300000 getppid calls in well under a second, at most 1000
# events a second per CPU: recorded + left out = 300000, exactly.
"$REC" -q -o "$tmp/rate.zst" --max-rate 1000 -- "$WORKLOAD" --getppid 300000 2>"$tmp/rec.err"
check "rec --max-rate 1000 on 300000 getppid calls" test -s "$tmp/rate.zst"
recorded=$(calls "$tmp/rate.zst" | grep -c '^getppid ')
"$ANALYZE" "$tmp/rate.zst" --top --json >"$tmp/rate.json" 2>"$tmp/rate.err"
left=$(python3 -c "import json, sys
v = json.load(open(sys.argv[1]))['trace']['volume']
print(sum(s['left_out'] for s in v['sampled'] if s['syscall'] == 'getppid'))" "$tmp/rate.json" 2>>"$tmp/rate.err")
echo "recorded $recorded, left out $left" >>"$tmp/rate.err"
expect "recorded ($recorded) + left out ($left) = 300000 getppid calls" "$tmp/rate.err" \
	test "$((recorded + ${left:-0}))" = 300000
expect "some were recorded, at most 1000 a second per CPU" "$tmp/rate.err" \
	bash -c "[ $recorded -ge 1 ] && [ $recorded -le \$((1000 * 2 * \$(nproc))) ]"
"$ANALYZE" "$tmp/rate.zst" --top >"$tmp/rate.top" 2>&1
ratio=$(awk -v r="$recorded" -v l="$left" 'BEGIN { printf "%.0f", (r + l) / r }')
expect "analyze --top: getppid 1 in $ratio recorded" "$tmp/rate.top" \
	grep -qE "^Sampled:  --max-rate 1000/s per CPU: getppid 1 in $ratio recorded \(([0-9]{1,3},)*[0-9]{1,3} left out\)$" \
	"$tmp/rate.top"
