#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Pack what bench.py --scaling-only needs for a machine with many cores and
# no package registry (a lent machine of 16 cores or more): a static rec
# (configure --enable-static-tools) and a static bench-workloads, laid out
# as bench.py's top_builddir in DIR (default device/, which git ignores).
# There, as root, from the repository root:
#
#     top_builddir=device python3 tools/bench/bench.py --scaling-only
#
# STATIC_REC=PATH is the static rec: CI's build-static/obj/record/rec, or
# one from a tree configured with --enable-static-tools (the default,
# record/rec, if this tree is).
set -eu
cd "$(dirname "$0")/../.."
dir=${1:-device}
rec=${STATIC_REC:-record/rec}

if [ ! -x "$rec" ]; then
	echo "device-pack.sh: no rec at $rec; set STATIC_REC" >&2
	exit 1
fi
if ldd "$rec" >/dev/null 2>&1; then # ldd fails on a static binary
	echo "device-pack.sh: $rec is not statically linked (configure --enable-static-tools)" >&2
	exit 1
fi
rm -rf "$dir"
mkdir -p "$dir/record" "$dir/tools/bench"
cp "$rec" "$dir/record/rec"
${CC:-cc} -static -O2 -o "$dir/tools/bench/bench-workloads" tools/bench/bench_workloads.c -lpthread
echo "device-pack.sh: $dir/ ($(du -sh "$dir" | cut -f1)); run as root:"
echo "    top_builddir=$dir python3 tools/bench/bench.py --scaling-only"
