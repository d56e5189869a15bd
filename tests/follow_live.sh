#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# analyze --follow (TAP): following rec while it writes and rotates, the
# totals on exit equal analyze --top of the finished trace; at the
# recording's end, and on SIGINT after the recorder was killed. Needs root
# to record: skipped without it, failed with TRACETAPE_REQUIRE_BPF=1.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
an=$builddir/analyze/analyze
rec=$builddir/record/rec
wl=$builddir/tests/workload

plan=4
. "$srcdir/tests/tap.sh"
notok() { fail "$1" "$tmp/err"; }

echo "1..$plan"
if [ "$(id -u)" -ne 0 ]; then
	for t in "follow a rotating recording to its end" "totals equal analyze --top" \
		"live screens while recording" "SIGINT after a killed recorder: totals equal analyze --top"; do
		skip_bpf "$t" "needs root to record"
	done
	exit 0
fi

# The follower starts first and waits for the file.
mkdir "$tmp/a"
"$an" --follow "$tmp/a/t.zst" --json -n 1000 >"$tmp/follow.json" 2>"$tmp/err" &
fpid=$!
sleep 0.3
"$rec" -q -C 1 -o "$tmp/a/t.zst" -- "$wl" --getppid 3000000 --open /etc/hostname:5 \
	--fail-open /nonexistent/tracetape:3 2>"$tmp/rec.err"
i=0
while kill -0 $fpid 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 $fpid 2>/dev/null; then
	kill $fpid
	notok "follow a rotating recording to its end: still running 30 s after rec"
else
	wait $fpid
	st=$?
	nfiles=$(ls "$tmp/a" | wc -l)
	if [ $st -eq 0 ] && [ "$nfiles" -ge 3 ]; then
		ok "follow a rotating recording to its end ($nfiles files)"
	else
		notok "follow a rotating recording to its end: exit $st, $nfiles files"
	fi
fi
"$an" "$tmp/a" --top --json -n 1000 >"$tmp/top.json" 2>>"$tmp/err"
cmp_totals() {
	python3 - "$1" "$2" <<'PY' 2>"$tmp/err"
import json, sys
f, t = (json.load(open(p)) for p in sys.argv[1:3])
for k in ("syscalls", "processes", "files", "errors"):
    assert f[k] == t[k], (k, f[k][:3], t[k][:3])
for k in ("events", "events_matched", "events_lost"):
    assert f["trace"][k] == t["trace"][k], (k, f["trace"][k], t["trace"][k])
assert sum(s["calls"] for s in t["syscalls"]) > 100000
PY
}
if cmp_totals "$tmp/follow.json" "$tmp/top.json"; then
	ok "totals equal analyze --top"
else
	notok "totals equal analyze --top"
fi

# Text mode: live screens while rec runs; rec is then killed (no trailer),
# and SIGINT ends the follower with the totals of what was written.
mkdir "$tmp/b"
"$rec" -q -C 1 -o "$tmp/b/t.zst" -- "$wl" --getppid 100000000 2>"$tmp/rec.err" &
rpid=$!
"$an" --follow "$tmp/b/t.zst" -n 5 >"$tmp/follow.txt" 2>"$tmp/err" &
fpid=$!
sleep 4
wpid=$(pgrep -P $rpid)
kill -9 $rpid
[ -n "$wpid" ] && kill -9 $wpid
wait $rpid 2>/dev/null
sleep 2
kill -INT $fpid
wait $fpid
st=$?
screens=$(grep -c '^SYSCALL  *CALLS/S  *TOTAL' "$tmp/follow.txt")
if [ "$screens" -ge 2 ] && grep -q '^getppid ' "$tmp/follow.txt"; then
	ok "live screens while recording ($screens)"
else
	notok "live screens while recording ($screens)"
	head -20 "$tmp/follow.txt" | sed 's/^/# /'
fi
"$an" "$tmp/b" --top -n 5 >"$tmp/top.txt" 2>/dev/null
sed -n '/^Top syscalls/,$p' "$tmp/follow.txt" >"$tmp/f.tables"
sed -n '/^Top syscalls/,$p' "$tmp/top.txt" >"$tmp/t.tables"
if [ $st -eq 0 ] && [ -s "$tmp/t.tables" ] && cmp -s "$tmp/f.tables" "$tmp/t.tables"; then
	ok "SIGINT after a killed recorder: totals equal analyze --top"
else
	notok "SIGINT after a killed recorder: exit $st, tables differ"
	diff "$tmp/f.tables" "$tmp/t.tables" | head -20 | sed 's/^/# /'
fi
