#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# analyze --summary agrees with strace -c -f on the calls and errors of the
# syscalls tests/workload makes deliberately (TAP). Records live: needs root.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
syscalls="getppid openat close"
plan=3
. "$srcdir/tests/tap.sh"
echo "1..$plan"
[ "$(id -u)" -eq 0 ] || skip_all "strace -c agreement" "needs root to record"
command -v strace >/dev/null || skip_all "strace -c agreement" "strace not installed"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
wl="$builddir/tests/workload --getppid 137 --open /etc/hostname:4 --fail-open /nonexistent/tracetape:3 --exec --fail-exec"

# shellcheck disable=SC2086
strace -c -f -o "$tmp/strace.txt" $wl
# shellcheck disable=SC2086
"$builddir/record/rec" -q -o "$tmp/t.zst" -- $wl
"$builddir/analyze/analyze" --summary --json "$tmp/t.zst" >"$tmp/summary.json" ||
	skip_all "strace -c agreement" "analyze failed"

for sc in $syscalls; do
	python3 - "$tmp/strace.txt" "$tmp/summary.json" "$sc" <<'PY' >"$tmp/cmp" 2>&1
import json, sys
strace, summary, sc = sys.argv[1:4]
want = None
for line in open(strace):
    f = line.split()
    if f and f[-1] == sc and f[0][0].isdigit():
        # % time, seconds, usecs/call, calls, [errors], syscall
        want = (int(f[3]), int(f[4]) if len(f) == 6 else 0)
got = None
for row in json.load(open(summary))["summary"]["syscalls"]:
    if row["syscall"] == sc:
        got = (row["calls"], row["errors"])
print(f"strace calls/errors {want}, analyze {got}")
sys.exit(0 if want is not None and want == got else 1)
PY
	if [ $? -eq 0 ]; then
		ok "$sc: $(cat "$tmp/cmp")"
	else
		fail "$sc: $(cat "$tmp/cmp")"
	fi
done
