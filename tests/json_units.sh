#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# analyze --json (TAP): each number's unit is the one its key names, the
# same quantity the text view shows (strace -c's usecs/call and seconds,
# --connections' first and last packet times).
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
ANALYZE=$builddir/analyze/analyze
plan=2
echo "1..$plan"
. "$srcdir/tests/tap.sh"
d=$(mktemp -d /tmp/tt-json-units-XXXXXX)
trap 'rm -rf "$d"' EXIT

"$ANALYZE" "$srcdir/samples/workload.zst" --summary >"$d/sum.txt" 2>&1
"$ANALYZE" "$srcdir/samples/workload.zst" --summary --json >"$d/sum.json" 2>&1
expect "--summary: usecs_per_call is microseconds and total_ns nanoseconds, as the text's columns" \
	"$d/sum.json" python3 - "$d/sum.txt" "$d/sum.json" <<'PY'
import json, sys
text = {}
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) >= 5 and f[0].replace(".", "").isdigit() and f[-1] not in ("total",):
        text[f[-1]] = (float(f[1]), int(f[2]))
rows = json.load(open(sys.argv[2]))["summary"]["syscalls"]
assert rows and len(rows) == len(text), (len(rows), len(text))
for r in rows:
    sec, usec = text[r["syscall"]]
    assert round(r["usecs_per_call"]) == usec, (r["syscall"], r["usecs_per_call"], usec)
    assert abs(r["total_ns"] / 1e9 - sec) < 1e-6, (r["syscall"], r["total_ns"], sec)
PY

"$ANALYZE" "$srcdir/samples/packets.zst" --connections >"$d/conn.txt" 2>&1
"$ANALYZE" "$srcdir/samples/packets.zst" --connections --json >"$d/conn.json" 2>&1
expect "--connections: first_ns and last_ns are nanoseconds, the text's FIRST and LAST in seconds" \
	"$d/conn.json" python3 - "$d/conn.txt" "$d/conn.json" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
hdr = next(i for i, l in enumerate(lines) if l.rstrip().endswith("FIRST     LAST"))
text = []
for l in lines[hdr + 1:]:  # the table ends at the first blank line
    if not l.strip():
        break
    text.append(l.split())
rows = json.load(open(sys.argv[2]))["connections"]
assert rows and len(rows) == len(text), (len(rows), len(text))
for r, t in zip(rows, text):  # FIRST and LAST are the last two columns
    assert abs(r["first_ns"] / 1e9 - float(t[-2])) < 1e-6, (r, t)
    assert abs(r["last_ns"] / 1e9 - float(t[-1])) < 1e-6, (r, t)
PY
