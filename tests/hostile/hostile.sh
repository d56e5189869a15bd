#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Traces as hostile input (TAP): strings a traced process chose (comm, argv,
# exe, paths, cgroup, hostname) reach the screen with their control
# characters escaped, in every text view; no tool runs a command named in a
# trace; sizes a corrupt file declares are refused, not allocated.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${top_builddir:-$srcdir}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
an=$builddir/analyze/analyze
csv=$builddir/tools/csv-export
sg=$builddir/tools/seccomp-gen
marker=$tmp/ran-something
trace=$tmp/hostile.zst

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; [ -s "$tmp/err" ] && sed 's/^/# /' "$tmp/err" | head -n 10; }

# Has the output a raw control character other than newline and tab? ESC
# starts terminal escape sequences, BEL ends some.
raw_controls() {
	# C0 but newline and tab, DEL, C1 raw (0x9b is CSI on 8-bit terminals)
	# or as UTF-8 (U+0080 to U+009F), and bytes that are not UTF-8.
	python3 -c '
import re, sys
t = open(sys.argv[1], "rb").read().decode("utf-8", "surrogateescape")
sys.exit(0 if re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\udc80-\udcff]", t) else 1)' "$1"
}

views="--top --summary --errors --slow --latency --tree --events --containers --alerts --calls --funcs"
echo "1..$(( $(echo $views | wc -w) + 17 ))"

if ! "$builddir/tests/hostile/mktrace" "$trace" "$marker" 2>"$tmp/err"; then
	echo "Bail out! mktrace failed: $(cat "$tmp/err")"
	exit 1
fi

for v in $views; do
	"$an" $v "$trace" >"$tmp/out" 2>"$tmp/err"
	st=$?
	if [ "$st" -ne 0 ]; then
		notok "analyze $v: exit $st"
	elif raw_controls "$tmp/out" || raw_controls "$tmp/err"; then
		notok "analyze $v: a raw control character reached the output"
		LC_ALL=C grep -n '[[:cntrl:]]' "$tmp/out" | cat -v | head -n 5 | sed 's/^/# /'
	else
		ok "analyze $v: no raw control character"
	fi
done

# A packet's owner name and interface of 16 bytes with no NUL: every view
# that shows them reads 16 bytes, no more (the sanitized build checks it).
bounded=ok
bounded_view() {
	"$an" "$@" "$trace" >"$tmp/out" 2>"$tmp/err"
	st=$?
	[ "${1:-}" = --html ] && cat "$2" >>"$tmp/out"
	if [ "$st" -ne 0 ]; then
		bounded="analyze $*: exit $st"
	elif LC_ALL=C grep -o 'ABCDEFGHIJKLMNOP.' "$tmp/out" | LC_ALL=C grep -qv 'ABCDEFGHIJKLMNOP[]["<,: \t)/(]'; then
		bounded="analyze $*: bytes past the name's 16"
	fi
}
bounded_view
bounded_view --top --json
bounded_view --html "$tmp/report.html"
bounded_view --connections
bounded_view --connections --json
bounded_view --flow '127.0.0.1 127.0.0.1'
bounded_view --flow '127.0.0.1 127.0.0.1' --json
if [ "$bounded" = ok ]; then
	ok "a 16-byte comm and ifname without NUL: read as 16 bytes by every view"
else
	notok "$bounded"
fi

# seccomp-gen's messages name the trace's processes: escaped too
"$sg" --allow-lossy -p 999999 "$trace" >"$tmp/out" 2>"$tmp/err"
st=$?
if [ "$st" -ne 0 ] && grep -q 'no process 999999 in the trace; it has:' "$tmp/err" &&
	! raw_controls "$tmp/err"; then
	ok "seccomp-gen -p of no process: the processes it names are escaped"
else
	notok "seccomp-gen -p of no process: exit $st, or a raw control character"
fi

# A call claiming depth 65535: indented no more than 64 levels
"$an" --calls "$trace" >"$tmp/out" 2>"$tmp/err"
longest=$(awk '{ if (length > m) m = length } END { print m + 0 }' "$tmp/out")
if [ "$longest" -lt 400 ]; then
	ok "--calls: a call 65535 deep indented within bounds (longest line $longest)"
else
	notok "--calls: a line of $longest characters"
fi

# JSON: UTF-8 as it is, any other byte as a lone surrogate (surrogateescape)
"$an" --top --json "$trace" >"$tmp/out" 2>"$tmp/err"
if python3 - "$tmp/out" <<'PY'
import json, sys
raw = open(sys.argv[1], "rb").read()
raw.decode("utf-8")  # the document is valid UTF-8
assert "/tmp/résumé-\\udcff" in raw.decode("utf-8"), "the UTF-8 path is not as it is"
found = []
def walk(v):
    if isinstance(v, str) and v.startswith("/tmp/r"):
        found.append(v)
    elif isinstance(v, dict):
        for x in v.values(): walk(x)
    elif isinstance(v, list):
        for x in v: walk(x)
walk(json.loads(raw))
assert any(v.encode("utf-8", "surrogateescape") == b"/tmp/r\xc3\xa9sum\xc3\xa9-\xff" for v in found), found
PY
then
	ok "--json: UTF-8 names as they are, other bytes as lone surrogates that give them back"
else
	notok "--json: UTF-8 or raw bytes not kept"
fi

# Lost packets count in the JSON total, as in the text's warning
"$an" --top --json "$trace" >"$tmp/out" 2>"$tmp/err"
if python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1]))["trace"]["events_lost"] != 5000)' "$tmp/out"; then
	ok "--json: events_lost counts the 5000 lost packets"
else
	notok "--json: events_lost does not count the lost packets"
fi

# An exec return no kernel gives (INT32_MIN): shown as it is, not negated
"$an" --events "$trace" >"$tmp/out" 2>"$tmp/err"
if grep -qF '"/bin/int-min" = -2147483648' "$tmp/out"; then
	ok "an exec returning INT32_MIN is shown as the number"
else
	notok "an exec returning INT32_MIN is not shown as the number"
fi
# --flow matching no packet: an empty list, sorted without qsort(NULL, 0)
if "$an" --flow '10.9.9.9 10.9.9.8' "$trace" >"$tmp/out" 2>"$tmp/err" &&
	"$an" --flow '10.9.9.9 10.9.9.8' --json "$trace" >"$tmp/out" 2>>"$tmp/err"; then
	ok "--flow with no packet of the flow: exit 0"
else
	notok "--flow with no packet of the flow: failed"
fi

# --events names the process and the path: escaped, not dropped
"$an" --events "$trace" >"$tmp/out" 2>"$tmp/err"
if grep -qF '\033[2Jx[4242/4242]' "$tmp/out" && grep -qF '"/tmp/\33]0;pwned\7`true`"' "$tmp/out"; then
	ok "analyze --events: comm and path shown escaped (\\ooo, strace's \\oo in strings)"
else
	notok "analyze --events: comm or path not shown escaped"
	sed 's/^/# /' "$tmp/out" | cat -v | head -n 8
fi

# csv-export -o - on a terminal: the rows with the trace's controls escaped
# (a pseudo-terminal by script(1); its own CR LF taken out)
if script -qc "'$csv' -m syscall -o - '$trace'" /dev/null 2>"$tmp/err" | tr -d '\r' >"$tmp/tty" &&
	grep -q 'openat' "$tmp/tty" && ! raw_controls "$tmp/tty"; then
	ok "csv-export -o - on a terminal: the trace's controls escaped"
else
	notok "csv-export -o - on a terminal: a raw control character, or no rows"
fi

# csv-export writes files, where the text is data: kept as is, one per cell
mkdir "$tmp/csv"
if "$csv" -d "$tmp/csv" "$trace" >"$tmp/out" 2>"$tmp/err" && ! raw_controls "$tmp/out" &&
	! raw_controls "$tmp/err"; then
	ok "csv-export: nothing raw on the terminal"
else
	notok "csv-export: failed or printed a raw control character"
fi

# --safe: no text cell starts a formula; without it the text is kept as is
mkdir "$tmp/safe"
"$csv" --safe -d "$tmp/safe" "$trace" 2>"$tmp/err"
if python3 - "$tmp/safe" <<'PY'
import csv, glob, re, sys
prefixed = 0
for name in glob.glob(sys.argv[1] + "/*.csv"):
    for row in csv.reader(open(name, newline="")):
        for cell in row:
            # numbers (a return value of -2) are not formulas
            if cell[:1] in ("=", "+", "@") or (cell[:1] == "-" and not re.fullmatch(r"-[0-9.]+", cell)):
                sys.exit(f"{name}: formula cell {cell!r}")
            prefixed += cell.startswith("'=") or cell.startswith("'-")
sys.exit(0 if prefixed >= 3 else f"only {prefixed} cells prefixed")
PY
then
	ok "csv-export --safe: cells starting with = + - @ prefixed with '"
else
	notok "csv-export --safe: a cell would run as a formula"
fi
if grep -q '^[^,]*,[^,]*,=1+1,' "$tmp/csv"/exec_*.csv; then
	ok "csv-export: without --safe, text is kept as it was"
else
	notok "csv-export: without --safe, text was changed"
fi

# seccomp-gen names processes in its summary and --format list (the trace
# lost packets, which seccomp-gen refuses without --allow-lossy)
"$sg" --allow-lossy -f list "$trace" >"$tmp/out" 2>"$tmp/err"
st=$?
if [ "$st" -eq 0 ] && ! raw_controls "$tmp/out" && ! raw_controls "$tmp/err"; then
	ok "seccomp-gen -f list: no raw control character"
else
	notok "seccomp-gen -f list: exit $st or a raw control character"
	cat -v "$tmp/err" "$tmp/out" | head -n 5 | sed 's/^/# /'
fi

# the trace's argv says "touch MARKER" in several ways
if [ -e "$marker" ]; then
	notok "no tool ran a command named in the trace ($marker exists)"
else
	ok "no tool ran a command named in the trace"
fi

# Declared sizes: a record claiming 4 GiB, a chunk claiming 1 TiB, a seek
# table claiming 2^32 frames. Each is refused (or ignored) with one line.
python3 - "$tmp" "$srcdir/samples/workload.zst" <<'PY'
import struct, subprocess, sys
tmp, sample = sys.argv[1], sys.argv[2]
raw = subprocess.run(["zstd", "-q", "-d", "-c", sample], check=True, capture_output=True).stdout
# record: the size field of the record after the file header
hsize = struct.unpack_from("<I", raw, 0)[0]
big = bytearray(raw); struct.pack_into("<I", big, hsize, 0xffffffff)
open(f"{tmp}/bigrec.zst", "wb").write(subprocess.run(["zstd", "-q", "-c"], input=bytes(big),
    check=True, capture_output=True).stdout)
# chunk: a frame header whose content size field says 2^40 bytes
# (magic, descriptor 0xe0: 8-byte content size, single segment)
frame = struct.pack("<IB", 0xFD2FB528, 0xe0) + struct.pack("<Q", 1 << 40) + b"\x01\x00\x00"
head = subprocess.run(["zstd", "-q", "-c"], input=raw[:hsize], check=True, capture_output=True).stdout
open(f"{tmp}/bigchunk.zst", "wb").write(head + frame)
# seek table: the footer claims 0xffffffff frames
data = open(sample, "rb").read()
open(f"{tmp}/bigseek.zst", "wb").write(data[:-9] + struct.pack("<IBI", 0xffffffff, 0, 0x8F92EAB1))
PY
# A GiB of address space is plenty; 4 GiB or 1 TiB is not. (ASan reserves
# terabytes of address space: under it, its own reports show an allocation.)
limit=1048576
ldd "$an" 2>/dev/null | grep -q libasan && limit=unlimited
for f in bigrec bigchunk bigseek; do
	(ulimit -v $limit; "$an" --top "$tmp/$f.zst") >"$tmp/out" 2>"$tmp/err"
	st=$?
	case $f in bigseek) want=0 ;; *) want=1 ;; esac
	if [ "$st" -eq "$want" ] && { [ "$want" -eq 0 ] || [ "$(wc -l <"$tmp/err")" -ge 1 ]; } &&
		! grep -q 'out of memory\|AddressSanitizer' "$tmp/err"; then
		ok "declared size: $f.zst: exit $st, nothing allocated for it"
	else
		notok "declared size: $f.zst: exit $st, want $want"
	fi
done
