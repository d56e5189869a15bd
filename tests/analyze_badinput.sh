#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Bad input gives exit status 1 (2 for usage) and one clear line, never a crash (TAP).
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
sample=$srcdir/samples/workload.zst

echo "not a trace" >"$tmp/text.zst"
head -c 1500 "$sample" >"$tmp/cut.zst"
: >"$tmp/empty.zst"

plan=30
. "$srcdir/tests/tap.sh"

an=$builddir/analyze/analyze
csv=$builddir/tools/csv-export
echo "1..$plan"
for prog in "$an" "$csv"; do
	case $prog in *csv-export) d="-d $tmp" ;; *) d= ;; esac
	p=$(basename "$prog")
	expect_exit "$p: missing file" 1 "^$p: .*missing.zst" "$prog" "$tmp/missing.zst"
	expect_exit "$p: not a trace" 1 "^$p: .*text.zst.*" "$prog" "$tmp/text.zst"
	expect_exit "$p: empty file" 1 "^$p: .*empty.zst" "$prog" "$tmp/empty.zst"
	expect_exit "$p: truncated file" 1 "^$p: .*cut.zst.*truncated" "$prog" $d "$tmp/cut.zst"
	expect_exit "$p: unknown option" 2 "Try" "$prog" --bogus "$sample"
	expect_exit "$p: no trace" 2 "^$p: no trace" "$prog"
	expect_exit "$p: bad -e" 2 "^$p: -e: unknown syscall" "$prog" -e nosuchcall $d "$sample"
	expect_exit "$p: bad --since" 2 "^$p: --since" "$prog" --since yesterday $d "$sample"
	expect_exit "$p: --since nan (strtod takes it)" 2 "^$p: --since: bad time 'nan'" "$prog" --since nan $d "$sample"
	expect_exit "$p: --since inf" 2 "^$p: --since: bad time 'inf'" "$prog" --since inf $d "$sample"
done

# A file from a newer major format version: the header's u16 format_major
# follows the 8-byte record header and the 8-byte magic (TRACE-FORMAT.md).
if command -v zstd >/dev/null; then
	zstd -q -d -c "$sample" >"$tmp/raw" 2>/dev/null
	python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[16:18] = (99).to_bytes(2, "little"); open(sys.argv[1], "wb").write(b)' "$tmp/raw"
	zstd -q -c "$tmp/raw" >"$tmp/newer.zst"
	expect_exit "analyze: newer format version" 1 "newer\|version" "$an" "$tmp/newer.zst"
else
	skip "newer format version" "zstd(1) not installed"
fi

# A filter that matches nothing is said, not shown as an empty table alone.
expect_exit "analyze: a filter that matches nothing is named" 0 \
	"no event of the trace matches -p 424242 --failed" "$an" "$sample" -p 424242 --failed --summary

# A trace set is one recording (issue 16, item 8): files of two recordings
# are refused, naming one of each, whether named or found in a directory.
expect_exit "analyze: traces of different recordings given together are refused" 1 \
	"^analyze: .*workload.zst and .*getppid.zst are from different recordings" \
	"$an" "$sample" "$srcdir/samples/getppid.zst" --summary
mkdir "$tmp/mixed" "$tmp/one"
cp "$sample" "$srcdir/samples/getppid.zst" "$tmp/mixed/"
cp "$sample" "$tmp/one/"
for prog in "$an" "$csv" "$builddir/tools/seccomp-gen"; do
	case $prog in *csv-export) d="-d $tmp" ;; *) d= ;; esac
	p=$(basename "$prog")
	expect_exit "$p: a directory of two recordings is refused" 1 \
		"^$p: .*mixed/getppid.zst and .*mixed/workload.zst are from different recordings" \
		"$prog" $d "$tmp/mixed"
done

# The same file named twice, or a directory and a file in it, is read once:
# the counts are those of the file alone (the first line names the paths).
"$an" --summary "$sample" 2>&1 | sed 1d >"$tmp/once"
same() { # name, arguments...
	name=$1
	shift
	"$an" --summary "$@" 2>&1 | sed 1d >"$tmp/again"
	if cmp -s "$tmp/once" "$tmp/again"; then
		ok "$name"
	else
		diff "$tmp/once" "$tmp/again" | head -5 >"$tmp/diff"
		fail "$name" "$tmp/diff"
	fi
}
same "analyze: the same file twice counts once" "$sample" "$sample"
same "analyze: the same file by two names counts once" "$tmp/one/../one/workload.zst" \
	"$tmp/one/workload.zst"
expect_exit "analyze: two copies of one file are refused" 1 \
	"^analyze: .*workload.zst and .*workload.zst are copies of one file" \
	"$an" --summary "$sample" "$tmp/one/workload.zst"
same "analyze: a directory and a file in it count once" "$tmp/one" "$tmp/one/workload.zst"
