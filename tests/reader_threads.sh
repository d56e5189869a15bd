#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# analyze and csv-export -j N (TAP): the same bytes out for -j 1, 2 and 8,
# on the samples and (as root) on a recording rotated through several
# files of many chunks, which the other threads decompress ahead; and -j's
# usage errors.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
ANALYZE=$builddir/analyze/analyze
CSV_EXPORT=$builddir/tools/csv-export
TZ=UTC; export TZ
plan=6
one_line="2"
. "$srcdir/tests/tap.sh"
echo "1..$plan"

# Every output of TRACE for -j J, one checksum a line, into $tmp/sums.J.
outputs() { # J, trace...
	j=$1
	shift
	{
		for view in --top "--top --json" --events "--events --json" --summary; do
			# shellcheck disable=SC2086 # the view's words
			printf '%s: ' "$view"
			"$ANALYZE" -j "$j" $view "$@" 2>&1 | md5sum
		done
		rm -rf "$tmp/csv" && mkdir "$tmp/csv"
		"$CSV_EXPORT" -j "$j" -d "$tmp/csv" "$@" 2>&1 | md5sum
		for f in "$tmp"/csv/*.csv; do
			printf '%s: ' "${f##*/}"
			md5sum <"$f"
		done
	} >"$tmp/sums.$j"
}

# The same outputs for -j 1, 2 and 8.
same_outputs() { # name, trace...
	name=$1
	shift
	outputs 1 "$@"
	outputs 2 "$@"
	outputs 8 "$@"
	if cmp -s "$tmp/sums.1" "$tmp/sums.2" && cmp -s "$tmp/sums.1" "$tmp/sums.8"; then
		ok "$name: the same output for -j 1, 2 and 8 ($(wc -l <"$tmp/sums.1") outputs)"
	else
		diff "$tmp/sums.1" "$tmp/sums.2" >"$tmp/diff"
		diff "$tmp/sums.1" "$tmp/sums.8" >>"$tmp/diff"
		fail "$name: outputs differ between -j 1, 2 and 8" "$tmp/diff"
	fi
}

for s in workload getppid packets; do
	same_outputs "samples/$s.zst" "$srcdir/samples/$s.zst"
done

bad_j() { # tool
	for j in 0 -1 abc 2x 65 ""; do
		"$1" -j "$j" "$srcdir/samples/getppid.zst" >"$tmp/out" 2>"$tmp/err"
		st=$?
		if [ "$st" -ne 2 ] || [ "$(wc -l <"$tmp/err")" -ne 1 ] ||
			! grep -q "from 1 to 64" "$tmp/err"; then
			echo "# -j '$j': exit $st"
			return 1
		fi
	done
}
expect "analyze -j 0, -1, abc, 2x, 65, '': usage errors in one line" "$tmp/err" bad_j "$ANALYZE"
expect "csv-export -j 0, -1, abc, 2x, 65, '': usage errors in one line" "$tmp/err" bad_j "$CSV_EXPORT"

[ "$(id -u)" -eq 0 ] || skip_all "a rotated recording" "needs root to record"
# ~30 MB of records: files of ~256 KB, of several 1 MiB chunks each.
mkdir "$tmp/rot"
"$builddir/record/rec" -q -m syscall,exec -C 256K -o "$tmp/rot/r.zst" -- sh -c \
	"$builddir/tools/bench/bench-workloads getppid 600000; $builddir/tools/bench/bench-workloads procs 20" \
	>/dev/null 2>"$tmp/rec.err"
nfiles=$(ls "$tmp"/rot/*.zst 2>/dev/null | wc -l)
if [ "$nfiles" -ge 2 ]; then
	same_outputs "a recording rotated through $nfiles files" "$tmp/rot"
else
	fail "the recording rotated: $nfiles files" "$tmp/rec.err"
fi
