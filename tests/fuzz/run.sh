#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make fuzz: each libFuzzer target for FUZZ_TIME seconds (TAP); make
# fuzz-long: FUZZ_RUNS executions each (a million), however long. A crash, a
# leak, a broken invariant or an input taking over 1 s fails the target; the
# input is left in tests/fuzz/out/NAME/ to be added to tests/fuzz/regress/.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${top_builddir:-$srcdir}
time=${FUZZ_TIME:-60}
runs=${FUZZ_RUNS:-}
names=${FUZZ_NAMES:-trace_file trace_records rec_config merge_json pcapng alert_rules views parquet}

# libFuzzer reads 0 as "no limit"
case $time in
''|*[!0-9]*|0) echo "Bail out! FUZZ_TIME must be a number of seconds, not '$time'"; exit 1 ;;
esac
case $runs in
'') limit="-max_total_time=$time" what="${time} s" ;;
*[!0-9]*|0) echo "Bail out! FUZZ_RUNS must be a number of executions, not '$runs'"; exit 1 ;;
*) limit="-runs=$runs" what="$runs runs" ;;
esac

echo "1..$(echo $names | wc -w)"
n=0
for t in $names; do
	n=$((n + 1))
	out=$builddir/tests/fuzz/out/$t
	# new inputs go to a scratch corpus, not into the source tree
	rm -rf "$out"
	mkdir -p "$out/corpus"
	dirs=
	for d in "$srcdir/tests/fuzz/corpus/$t" "$srcdir/tests/fuzz/regress/$t"; do
		[ -d "$d" ] && dirs="$dirs $d"
	done
	# shellcheck disable=SC2086
	"$builddir/tests/fuzz/fuzz_$t" "$limit" -timeout=1 -rss_limit_mb=2048 \
		-max_len=65536 -close_fd_mask=3 -print_final_stats=1 -artifact_prefix="$out/" \
		"$out/corpus" $dirs >"$out/log" 2>&1
	status=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/log")
	if [ "$status" -eq 0 ]; then
		echo "ok $n - $t: ${execs:-?} executions ($what), corpus $(ls "$out/corpus" | wc -l)"
	else
		echo "not ok $n - $t: exit status $status; input kept: $(ls "$out" | grep -v '^corpus$\|^log$' | tr '\n' ' ')"
		grep -m 40 -A 30 'ERROR\|invariant\|SUMMARY\|timeout' "$out/log" | head -n 40 | sed 's/^/# /'
	fi
done
