#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# analyze --serve's live page in headless Chromium (TAP), while rec records:
# it draws its charts as SVG with no console error, redraws in place every
# second, its counts grow between a load during the workload and one after
# it, its header says the recording ended, and a process named as markup
# stays text; a trace of hostile strings is drawn as well. The screenshot
# is kept as tests/serve_page.png. The recording needs root.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
tmp=$(mktemp -d) || exit 1
spid=
trap '[ -n "$spid" ] && kill $spid 2>/dev/null; wait; rm -rf "$tmp"' EXIT
an=$builddir/analyze/analyze
rec=$builddir/record/rec
wl=$builddir/tests/workload
shot=$builddir/tests/serve_page.png

plan=8
. "$srcdir/tests/tap.sh"
. "$srcdir/tests/serve_lib.sh"

echo "1..$plan"
chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chrome" ] || ! command -v curl >/dev/null; then
	for t in "a hostile trace" "loads with no console error" "charts as SVG" "redraws in place" "counts grow" \
		"header: ended" "a process named as markup stays text" "screenshot"; do
		skip "$t" "chromium or curl is not installed (tools/install-deps.sh installs them)"
	done
	exit 0
fi

# Virtual time runs the page's timers: 3.5 s of it is three redraws.
run_chrome() { # output file, chromium options...
	out=$1
	shift
	timeout 60 "$chrome" --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--user-data-dir="$tmp/profile" --virtual-time-budget=3500 --enable-logging=stderr --v=0 \
		"$@" "http://127.0.0.1:$port/" >"$out" 2>>"$tmp/chrome.log"
}
body() { grep -o '<body[^>]*>' "$1"; }
attr() { body "$1" | sed -n "s/.* $2=\"\\([^\"]*\\)\".*/\\1/p"; }

# A trace of hostile strings (terminal escapes, C1 bytes, invalid UTF-8)
# and lost events: the page is drawn with no console message. A screenshot,
# not --dump-dom: Chromium 156's DOM dump aborts on such text (SIGILL), the
# static --html page's as well, while it draws it.
"$builddir/tests/hostile/mktrace" "$tmp/h.zst" "$tmp/marker" >/dev/null
start_serve "$tmp/h.zst"
: >"$tmp/chrome.log"
run_chrome /dev/null --window-size=1280,1600 --screenshot="$tmp/h.png"
stop_serve
spid=
if [ "$(wc -c <"$tmp/h.png" 2>/dev/null || echo 0)" -gt 20000 ] && ! grep -q 'CONSOLE' "$tmp/chrome.log"; then
	ok "a hostile trace: drawn with no console message"
else
	fail "a hostile trace: drawn with no console message" "$tmp/chrome.log"
fi

if [ "$(id -u)" -ne 0 ]; then
	skip_all "the live page of a recording" "needs root to record"
fi
hostile='<img src=x>'
cp "$wl" "$tmp/$hostile"
mkdir "$tmp/rec"
start_serve "$tmp/rec/t.zst"
# The workload runs until the first load is done, then makes more calls.
"$rec" -q -C 1 -o "$tmp/rec/t.zst" -- sh -c "'$tmp/$hostile' --getppid 20000
	while [ ! -e '$tmp/go' ]; do '$wl' --getppid 2000; sleep 0.2; done
	'$wl' --getppid 20000" 2>"$tmp/rec.err" &
rpid=$!
wait_recording "$tmp/rec/t.zst"
sleep 1
run_chrome "$tmp/first.html" --dump-dom
touch "$tmp/go"
wait $rpid
i=0
while ! curl -s "http://127.0.0.1:$port/state" | grep -q '"ended"' && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
run_chrome "$tmp/last.html" --dump-dom
echo "# first: $(body "$tmp/first.html")"
echo "# last: $(body "$tmp/last.html")"

if [ "$(attr "$tmp/last.html" data-rendered)" = ok ] && [ -z "$(attr "$tmp/first.html" data-errors)" ] &&
	[ -z "$(attr "$tmp/last.html" data-errors)" ] && ! grep -q 'CONSOLE' "$tmp/chrome.log"; then
	ok "loads with no console error"
else
	fail "loads with no console error" "$tmp/chrome.log"
fi
charts=$(attr "$tmp/last.html" data-charts | wc -w)
svgs=$(grep -o '<svg[^>]*class="chart"' "$tmp/last.html" | wc -l)
if [ "$charts" -ge 5 ] && [ "$svgs" -eq "$charts" ]; then
	ok "charts as SVG ($svgs)"
else
	fail "charts as SVG: $charts sized, $svgs in the DOM"
fi
if [ "$(attr "$tmp/first.html" data-updates)" -ge 2 ] 2>/dev/null; then
	ok "redraws in place ($(attr "$tmp/first.html" data-updates) times)"
else
	fail "redraws in place" "$tmp/chrome.log"
fi
first=$(attr "$tmp/first.html" data-events)
last=$(attr "$tmp/last.html" data-events)
top=$("$an" "$tmp/rec" --top --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["trace"]["events"])')
if [ "${first:-0}" -gt 0 ] && [ "${first:-0}" -lt "${last:-0}" ] && [ "$last" = "$top" ]; then
	ok "counts grow: $first events, then $last, as analyze --top"
else
	fail "counts grow: '$first' events, then '$last', --top $top"
fi
if grep -q '<b id="rec-state">ended' "$tmp/last.html"; then
	ok "header: ended"
else
	fail "header: ended" "$tmp/last.html"
fi
if grep -qF '&lt;img src=x&gt;' "$tmp/last.html" && ! grep -q '<img' "$tmp/last.html"; then
	ok "a process named as markup stays text"
else
	fail "a process named as markup stays text"
fi
rm -f "$shot"
run_chrome /dev/null --window-size=1280,2600 --screenshot="$shot"
if [ "$(wc -c <"$shot" 2>/dev/null || echo 0)" -gt 20000 ]; then
	ok "screenshot ($shot)"
else
	fail "screenshot" "$tmp/chrome.log"
fi
