#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Replay every fuzz target's seeds and regression inputs (TAP): each input
# once through the target's code, built like the rest of make check.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${top_builddir:-$srcdir}
names="trace_file trace_records rec_config merge_json pcapng alert_rules views parquet"

echo "1..$(echo $names | wc -w)"
n=0
for t in $names; do
	n=$((n + 1))
	dirs=
	for d in "$srcdir/tests/fuzz/corpus/$t" "$srcdir/tests/fuzz/regress/$t"; do
		[ -d "$d" ] && dirs="$dirs $d"
	done
	# shellcheck disable=SC2086
	if out=$("$builddir/tests/fuzz/replay_$t" $dirs 2>&1); then
		echo "ok $n - $t: $(echo "$out" | tail -n 1)"
	else
		echo "not ok $n - $t: exit status $?"
		echo "$out" | tail -n 30 | sed 's/^/# /'
	fi
done
