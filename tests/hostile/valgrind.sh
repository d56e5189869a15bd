#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# analyze, csv-export and seccomp-gen over the samples under valgrind (TAP):
# no invalid read or write, no use of uninitialised memory, no leak.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${top_builddir:-$srcdir}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
s=$srcdir/samples
an=$builddir/analyze/analyze

# name | command (run from $tmp, so csv-export's files land there)
cases="analyze --top|$an --top $s/workload.zst
analyze --summary --per-process|$an --summary --per-process $s/workload.zst $s/getppid.zst
analyze --events --json|$an --events --json $s/workload.zst
analyze --tree|$an --tree $s/workload.zst
analyze --errors|$an --errors $s/workload.zst
analyze --latency|$an --latency $s/workload.zst
analyze --alerts|$an --alerts $s/workload.zst
analyze: a truncated file|$an --top $tmp/cut.zst
csv-export|$builddir/tools/csv-export -d $tmp/csv $s/workload.zst
seccomp-gen|$builddir/tools/seccomp-gen $s/workload.zst -o $tmp/w.json
seccomp-gen --merge -f list|$builddir/tools/seccomp-gen $s/getppid.zst --merge $tmp/w.json -f list"

count=$(echo "$cases" | wc -l)
if ! command -v valgrind >/dev/null; then
	echo "1..0 # SKIP valgrind not installed (tools/install-deps.sh installs it)"
	exit 0
fi
if ! ldd "$an" >/dev/null 2>&1; then
	echo "1..0 # SKIP the tools are static (--enable-static-tools): valgrind cannot replace their malloc"
	exit 0
fi
if ldd "$an" 2>/dev/null | grep -q libasan; then
	echo "1..0 # SKIP built with --enable-sanitizers: ASan and valgrind do not mix"
	exit 0
fi
echo "1..$count"
head -c 1500 "$s/workload.zst" >"$tmp/cut.zst"
mkdir "$tmp/csv"
n=0
echo "$cases" | while IFS='|' read -r name cmd; do
	n=$((n + 1))
	# shellcheck disable=SC2086
	(cd "$tmp" && valgrind -q --leak-check=full --show-leak-kinds=all \
		--errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
		$cmd) >"$tmp/out" 2>"$tmp/err"
	st=$?
	if [ "$st" -eq 99 ]; then
		echo "not ok $n - $name: valgrind found errors"
		grep '^==' "$tmp/err" | head -n 30 | sed 's/^/# /'
	elif [ "$st" -gt 1 ]; then
		echo "not ok $n - $name: exit $st"
		tail -n 5 "$tmp/err" | sed 's/^/# /'
	else
		echo "ok $n - $name"
	fi
done
