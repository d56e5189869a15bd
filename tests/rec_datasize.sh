#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# TAP: rec --datasize N records the first N bytes of read/write buffers, for
# real (tests/strace_prog writes known bytes through a pipe and reads them
# back): a write shows the first N of the bytes it was given, a read the
# first N of those it returned, escaped as strace -s does and "..." when
# cut; --json has the bytes themselves; without --datasize, the pointers.
set -u
plan=10
. "${srcdir:-.}/tests/tap.sh"
echo "1..$plan"
[ "$(id -u)" -eq 0 ] || skip_all "rec --datasize" "needs root to record"
builddir=${top_builddir:-.}
REC=$builddir/record/rec
ANALYZE=$builddir/analyze/analyze
prog=$builddir/tests/strace_prog
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

events() { # datasize, output
	"$REC" -q -m syscall --datasize "$1" -o "$tmp/t$1.zst" -- "$prog" &&
		"$ANALYZE" "$tmp/t$1.zst" --events -e read,write,pread64,pwrite64 |
		sed 's/^.*\] //; s/ <[0-9.]*>$//; s/^\(read\|write\)([0-9]*, /\1(FD, /' >"$2"
}
has() { grep -qxF -e "$2" "$1"; }

events 16 "$tmp/e16" || skip_all "rec --datasize" "rec could not record"
expect "a write: its first 16 bytes, then ..." "$tmp/e16" \
	has "$tmp/e16" 'write(FD, "root:x:0:0:root:"..., 32) = 32'
expect "a read: what it read, all 10 bytes" "$tmp/e16" \
	has "$tmp/e16" 'read(FD, "root:x:0:0", 10) = 10'
expect "a read of 64: 16 of the 22 bytes it returned, then ..." "$tmp/e16" \
	has "$tmp/e16" 'read(FD, ":root:/root:/bin"..., 64) = 22'
expect "exactly 16 bytes: no ..." "$tmp/e16" \
	has "$tmp/e16" 'write(FD, "0123456789abcdef", 16) = 16'
expect "the end of the pipe: an empty string" "$tmp/e16" \
	has "$tmp/e16" 'read(FD, "", 64) = 0'
expect "pwrite64 and pread64 (a memfd): ret bytes from offset 96" "$tmp/e16" \
	sh -c "grep -qE '^pwrite64\([0-9]+, \"pwritten\", 8, 100\) = 8$' '$tmp/e16' &&
		grep -qE '^pread64\([0-9]+, \"\\\\0\\\\0\\\\0\\\\0pwritten\", 64, 96\) = 12$' '$tmp/e16'"
"$ANALYZE" "$tmp/t16.zst" --events --json -e read >"$tmp/j16" 2>&1
expect "--json: the bytes and that they were cut" "$tmp/j16" \
	grep -qF '"data": ":root:/root:/bin", "data_truncated": true' "$tmp/j16"

events 4096 "$tmp/e4096" || fail "rec --datasize 4096 records"
expect "--datasize 4096: the whole buffer" "$tmp/e4096" \
	has "$tmp/e4096" 'read(FD, ":root:/root:/bin/bash\n", 64) = 22'

events 0 "$tmp/e0" || fail "rec --datasize 0 records"
expect "--datasize 0: the write's pointer" "$tmp/e0" \
	grep -qE '^write\(FD, 0x[0-9a-f]+, 32\) = 32$' "$tmp/e0"
expect "--datasize 0: the read's pointer, no buffer shown as a string" "$tmp/e0" \
	sh -c "grep -qE '^read\(FD, 0x[0-9a-f]+, 10\) = 10$' '$tmp/e0' &&
		! grep -qE '^(read|write|pread64|pwrite64)\(.*\"' '$tmp/e0'"
