#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Memory is bounded (TAP; README: Guarantees): under a 1 GB address-space
# limit, every view, export and csv-export reads a trace of 0.6 GB of
# distinct strings (mkbig: 2000 processes and opens of 300 KB each, all in
# one second, so that the reorder window would hold all of them) and ends
# with exit 0 or a one-line error and exit 1, never a crash. Before the
# bounds, the window and --top's paths took it past 1 GB.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${top_builddir:-$srcdir}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
an=$builddir/analyze/analyze
csv=$builddir/tools/csv-export
trace=$tmp/big.zst
limit_kb=1000000

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; sed 's/^/# /' "$tmp/err" | tail -n 5; }

views="--top --summary --errors --slow --latency --tree --events --connections --containers
--alerts --funcs --calls --json --format=prometheus --format=influx"
echo "1..$(( $(echo $views | wc -w) + 4 ))"

# AddressSanitizer reserves terabytes of address space: no ulimit -v there.
if grep -q __asan_init "$an" 2>/dev/null; then
	for i in $(seq $(( $(echo $views | wc -w) + 4 ))); do
		echo "ok $i # SKIP built with AddressSanitizer (ulimit -v)"
	done
	exit 0
fi
if ! "$builddir/tests/hostile/mkbig" "$trace" 2000 300000 2>"$tmp/err"; then
	echo "Bail out! mkbig failed: $(cat "$tmp/err")"
	exit 1
fi

# Exit 0, or 1 with an error of one non-empty line; never a signal.
check() {
	st=$1 what=$2
	if [ "$st" -eq 0 ]; then
		ok "$what: exit 0"
	elif [ "$st" -eq 1 ] && [ "$(grep -cv 'reorder window\|(other)' "$tmp/err")" -eq 1 ] &&
		grep -q '^[a-z-]*: [^ ]' "$tmp/err"; then
		ok "$what: a clean error: $(tail -n 1 "$tmp/err")"
	else
		notok "$what: exit $st"
	fi
}

for v in $views; do
	(ulimit -v $limit_kb && exec "$an" $v "$trace") >/dev/null 2>"$tmp/err"
	check $? "analyze $v"
done
(ulimit -v $limit_kb && exec "$an" --html "$tmp/r.html" "$trace") >/dev/null 2>"$tmp/err"
check $? "analyze --html"
(ulimit -v $limit_kb && exec "$an" --flow '10.0.0.1 10.0.0.2' --calls "$trace") >/dev/null 2>"$tmp/err"
check $? "analyze --flow --calls"
mkdir "$tmp/csv"
(ulimit -v $limit_kb && exec "$csv" -d "$tmp/csv" "$trace") >/dev/null 2>"$tmp/err"
check $? "csv-export"

# The bounds say what they did: --top folds the paths past its cap into one
# row, and the window says once that it released events early.
(ulimit -v $limit_kb && exec "$an" --top "$trace") >"$tmp/out" 2>"$tmp/err"
if grep -q '(other)' "$tmp/out" && grep -q 'files opened: more than' "$tmp/err" &&
	[ "$(grep -c 'reorder window' "$tmp/err")" -eq 1 ]; then
	ok "--top: an (other) row, its warning and one about the window"
else
	notok "--top: no (other) row or warnings"
fi
