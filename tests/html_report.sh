#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# analyze --html (TAP): a self-contained page that headless Chromium loads
# without script errors, with every chart drawn at a non-zero size; a
# screenshot is left in the temporary directory (kept with KEEP=1).
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
tmp=$(mktemp -d) || exit 1
[ "${KEEP:-}" = 1 ] && echo "# output in $tmp" || trap 'rm -rf "$tmp"' EXIT
an=$builddir/analyze/analyze

plan=9
. "$srcdir/tests/tap.sh"

echo "1..$plan"
"$an" "$srcdir/samples/workload.zst" --html "$tmp/w.html" >"$tmp/out" 2>"$tmp/err"
st=$?
if [ $st -eq 0 ] && [ -s "$tmp/w.html" ] && [ ! -s "$tmp/out" ]; then
	ok "writes the page"
else
	fail "writes the page: exit $st" "$tmp/err"
fi
# the one URL allowed is the SVG namespace, which is a name, not a fetch
if ! grep -Eiq '(src|href)=|@import|url\(' "$tmp/w.html" &&
	[ "$(grep -o 'https\?://[^"'"'"' ]*' "$tmp/w.html" | sort -u)" = "http://www.w3.org/2000/svg" ]; then
	ok "self-contained: no external resources"
else
	fail "self-contained: no external resources"
fi
if [ "$(id -u)" -eq 0 ] &&
	"$builddir/record/rec" -q -o "$tmp/g.zst" -- "$builddir/tests/workload" --getppid 300000 2>/dev/null; then
	"$an" "$tmp/g.zst" --html "$tmp/g.html" 2>/dev/null
	size=$(wc -c <"$tmp/g.html")
	events=$("$an" "$tmp/g.zst" --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["trace"]["events"])')
	if [ "$size" -lt 100000 ] && [ "$events" -gt 300000 ]; then
		ok "aggregated: $events events in $size bytes"
	else
		fail "aggregated: $events events in $size bytes"
	fi
else
	skip_bpf "aggregated: a large trace" "needs root to record one"
fi
"$an" "$srcdir/samples/workload.zst" --html /nonexistent/dir/x.html >"$tmp/out" 2>"$tmp/err"
st=$?
if [ $st -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "x.html: No such file" "$tmp/err"; then
	ok "unwritable file: exit 1, one line"
else
	fail "unwritable file: exit $st" "$tmp/err"
fi

chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chrome" ]; then
	for t in "loads without script errors" "charts drawn" "every chart has a size" "screenshot" \
		"a traced '<!--<script>' does not blank the page"; do
		skip "$t" "chromium is not installed (tools/install-deps.sh installs it)"
	done
	exit 0
fi
page=$tmp/w.html
# a recorded trace with alerts, when we can record one
if [ "$(id -u)" -eq 0 ] && "$builddir/record/rec" -q -o "$tmp/d.zst" -- "$builddir/tests/danger" 2>/dev/null &&
	"$an" "$tmp/d.zst" --html "$tmp/d.html" 2>/dev/null; then
	page=$tmp/d.html
fi
run_chrome() {
	timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--user-data-dir="$tmp/profile" --virtual-time-budget=5000 "$@" "file://$page" 2>>"$tmp/chrome.log"
}
run_chrome --dump-dom >"$tmp/dom.html"
body=$(grep -o '<body[^>]*>' "$tmp/dom.html")
echo "# $(basename "$page"): $body"
case $body in
*data-rendered=\"ok\"*) case $body in *data-errors=*) fail "loads without script errors" ;; *) ok "loads without script errors" ;; esac ;;
*) fail "loads without script errors: the script did not finish" "$tmp/chrome.log" ;;
esac
charts=$(echo "$body" | sed -n 's/.*data-charts="\([^"]*\)".*/\1/p')
count=$(echo "$charts" | wc -w)
if [ "$count" -ge 5 ]; then ok "charts drawn ($count)"; else fail "charts drawn ($count)"; fi
if [ "$count" -ge 1 ] && ! echo " $charts" | grep -Eq ' 0x| [0-9]+x0( |$)'; then
	ok "every chart has a size"
else
	fail "every chart has a size: $charts"
fi
run_chrome --window-size=1280,2600 --screenshot="$tmp/screenshot.png" >/dev/null
if [ "$(wc -c <"$tmp/screenshot.png" 2>/dev/null || echo 0)" -gt 20000 ]; then
	ok "screenshot ($tmp/screenshot.png)"
else
	fail "screenshot" "$tmp/chrome.log"
fi

# A path a traced program chose, "<!--<script>", would put an embedded
# script element in HTML's double-escaped state and blank the whole page,
# were its '<' written as such.
mkdir -p "$tmp/x"
[ "$(id -u)" -eq 0 ] && "$builddir/record/rec" -q -o "$tmp/s.zst" -- cat "$tmp/x/<!--<script>" 2>/dev/null
if [ -s "$tmp/s.zst" ] && "$an" "$tmp/s.zst" --events 2>/dev/null | grep -qF '<!--<script>' &&
	"$an" "$tmp/s.zst" --html "$tmp/s.html" 2>/dev/null; then
	page=$tmp/s.html
	run_chrome --dump-dom >"$tmp/dom-s.html"
	body=$(grep -o '<body[^>]*>' "$tmp/dom-s.html")
	case $body in
	*data-rendered=\"ok\"*) case $body in *data-errors=*) fail "a traced '<!--<script>' does not blank the page: script errors" ;;
		*) ok "a traced '<!--<script>' does not blank the page" ;; esac ;;
	*) fail "a traced '<!--<script>' does not blank the page: $body" ;;
	esac
else
	skip_bpf "a traced '<!--<script>' does not blank the page" "needs root to record one"
fi
