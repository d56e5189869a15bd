#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# TAP: the Wireshark dissector (tools/wireshark/tracetape.lua) under tshark.
# tracetape.comm == "NAME" selects exactly the frames whose label names
# NAME, and tracetape.pid is an integer, on samples/packets.pcapng and on a
# capture rec makes here (root: TCP over IPv4 and IPv6, UDP, ICMP, both
# ends of each); hostile labels (tests/mklabels) load with no Lua error,
# malformed ones are expert-info warnings. The filters analyze
# --connections and --flow print select what they say. tracetape.exe is
# the owner's executable: /proc/PID/exe for a process running when rec
# started, the path execve was given for one started since.
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
L=$srcdir/tools/wireshark/tracetape.lua
REC=$builddir/record/rec
ANALYZE=$builddir/analyze/analyze
MKLABELS=$builddir/tests/mklabels
plan=24
. "$srcdir/tests/tap.sh"
echo "1..$plan"
d=$(mktemp -d /tmp/tt-wireshark-XXXXXX) || exit 1
tmp=$d
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$d"
}
trap cleanup EXIT
if ! command -v tshark >/dev/null; then
	while [ "$n" -lt "$plan" ]; do skip "the dissector" "needs tshark (tools/install-deps.sh)"; done
	exit 0
fi

ts() { tshark -X lua_script:"$L" "$@"; }
# tshark's stderr, less its warning about running as root: empty if clean.
clean_stderr() { ! grep -v 'Running as user' "$1" | grep -q .; }
frames() { # capture, display filter: the frame numbers it selects
	ts -r "$1" -Y "$2" -T fields -e frame.number 2>/dev/null | tr '\n' ' '
}
# The frames whose label names comm $2 (by the label's text, escapes and
# all: the names used here need none).
labelled() { # capture, comm, [display filter to narrow to]
	tshark -r "$1" ${3:+-Y "$3"} -T fields -e frame.number -e frame.comment 2>/dev/null |
		awk -F'\t' -v c="comm=$2 " 'index($2, c) { printf "%s ", $1 }'
}
same_frames() { # name, capture, comm, [filter]
	local want got
	want=$(labelled "$2" "$3" "${4:-}")
	got=$(frames "$2" "tracetape.comm == \"$3\"${4:+ && ($4)}")
	echo "# $1: label $want| dissector $got"
	if [ -n "$want" ] && [ "$want" = "$got" ]; then ok "$1"; else fail "$1"; fi
}

S=$srcdir/samples/packets.pcapng
# (tshark -G fields lists no -X script's fields: ask for each instead.)
ts -r "$S" -c 1 -T fields -e tracetape.pid -e tracetape.tid -e tracetape.uid -e tracetape.comm \
	-e tracetape.exe -e tracetape.cgroup -e tracetape.container -e tracetape.direction \
	>"$d/first" 2>"$d/err"
st=$?
cat "$d/err" >>"$d/first"
name="the dissector loads, its fields exist: $(head -1 "$d/first")"
if [ $st = 0 ] && clean_stderr "$d/err"; then ok "$name"; else fail "$name" "$d/first"; fi

# The committed capture of tests/packet_flow.sh: TCP over IPv6 and UDP over
# IPv4 on lo, a refused connect whose RST has no owner.
same_frames "sample: flowcli, TCP over IPv6" "$S" flowcli "tcp.port == 18080"
same_frames "sample: flowsrv, the accepting end of the same flow" "$S" flowsrv "tcp.port == 18080"
same_frames "sample: every frame of python3, UDP over IPv4 included" "$S" python3
pid=$(tshark -r "$S" -T fields -e frame.comment 2>/dev/null | sed -n 's/^pid=\([0-9]*\) .*/\1/p' | sort -n | tail -1)
want=$(tshark -r "$S" -T fields -e frame.number -e frame.comment 2>/dev/null |
	awk -F'\t' -v p="pid=$pid " 'index($2, p) == 1 { printf "%s ", $1 }')
got=$(frames "$S" "tracetape.pid == $(printf '%#x' "$pid")")
echo "# pid $pid: label $want| dissector $got"
expect "sample: tracetape.pid is an integer (== $(printf '%#x' "$pid") selects pid=$pid)" /dev/null \
	test -n "$want" -a "$want" = "$got"
lt=$(tshark -r "$S" -T fields -e frame.comment 2>/dev/null | awk -v p="$pid" '
	sub(/^pid=/, "") && $1 ~ /^[0-9]+$/ && $1 + 0 < p + 0 { n++ } END { print n + 0 }')
got=$(frames "$S" "tracetape.pid < $pid" | wc -w)
expect "sample: tracetape.pid < $pid compares numbers ($lt labels, $got frames)" /dev/null \
	test "$lt" -gt 0 -a "$lt" = "$got"
want=$(tshark -r "$S" -Y 'frame.comment == "pid=? comm=?"' -T fields -e frame.number 2>/dev/null | tr '\n' ' ')
got=$(frames "$S" 'tracetape && !tracetape.pid')
echo "# no owner: label $want| dissector $got"
expect "sample: a packet with no owner has the tree but no pid" /dev/null test -n "$want" -a "$want" = "$got"

# analyze's filters, pasted into tshark: each selects exactly the frames of
# its connection (the filter less its pid) that its process's label names.
pasted() { # name, file of filters
	local bad=0 total=0 base pid want got
	while read -r filter; do
		total=$((total + 1))
		pid=${filter##*tracetape.pid==}
		base=${filter% && tracetape.pid==*}
		want=$(tshark -r "$S" -Y "$base" -T fields -e frame.number -e frame.comment 2>/dev/null |
			awk -F'\t' -v p="pid=$pid " 'index($2, p) == 1 { printf "%s ", $1 }')
		got=$(frames "$S" "$filter")
		echo "# $filter: $got"
		[ -n "$want" ] && [ "$want" = "$got" ] || bad=$((bad + 1))
	done <"$2"
	if [ "$total" -gt 0 ] && [ "$bad" = 0 ]; then ok "$1 ($total filters)"; else fail "$1 ($bad bad)"; fi
}
"$ANALYZE" "${S%.pcapng}.zst" --connections | sed -n '/^PROCESS  *FILTER$/,$p' | tail -n +2 |
	sed 's/^[^ ]*  *//' >"$d/conn-filters"
pasted "analyze --connections: each filter selects its process's frames of the connection" \
	"$d/conn-filters"
for flow in '[::1]:18080 ::1' '127.0.0.1 127.0.0.1:18081' '127.0.0.1:18082 127.0.0.1'; do
	"$ANALYZE" "${S%.pcapng}.zst" --flow "$flow" | sed -n 's/^Wireshark filter, [^:]*: //p'
done >"$d/flow-filters"
pasted "analyze --flow: each filter selects its process's frames of the flow" "$d/flow-filters"

# Hostile labels (tests/mklabels.c lists the frames).
H=$d/hostile.pcapng
"$MKLABELS" "$H"
ts -r "$H" -V >"$d/hv" 2>"$d/herr"
st=$?
check "hostile labels: tshark -V exits 0, no Lua error, nothing on stderr" bash -c "
	[ $st = 0 ] && ! grep -qi 'lua' '$d/hv' && ! grep -v 'Running as user' '$d/herr' | grep -q ."
got=$(frames "$H" 'tracetape.comm == "curl"')
expect "a comm holding 'comm=curl' is not curl: frame 7 alone ($got)" /dev/null test "$got" = "7 "
got=$(frames "$H" 'frame.comment contains "comm=curl"')
expect "nor does it fool frame.comment contains \"comm=curl\" ($got)" /dev/null test "$got" = "7 "
got=$(frames "$H" 'tracetape.comm == "x comm=curl"')$(frames "$H" 'tracetape.comm == "a\"b'"'"'c"')
got=$got$(frames "$H" 'tracetape.comm == "back\\slash"')$(frames "$H" 'tracetape.comm == "tab\there"')
expect "space, '=', quotes, a backslash and a tab come back as they were ($got)" /dev/null \
	test "$got" = "1 2 3 6 "
got=$(frames "$H" 'tracetape.comm == "0123456789abcdef"')$(frames "$H" 'tracetape.comm == ""')
got=$got$(frames "$H" 'tracetape.comm == "café"')
expect "16 bytes without a NUL, an empty comm, UTF-8 ($got)" /dev/null test "$got" = "5 8 9 "
got=$(frames "$H" 'tracetape.pid == 104 && tracetape.comm contains "bad"')
expect "bytes that are not UTF-8: the packet keeps its fields ($got)" /dev/null test "$got" = "4 "
got=$(frames "$H" 'tracetape.malformed')
expect "malformed labels are expert-info warnings ($got)" /dev/null \
	test "$got" = "11 12 13 14 15 16 17 18 20 23 "
got=$(frames "$H" 'tracetape.pid')$(frames "$H" '!tracetape')
expect "only well-formed labels give fields; a comment not ours gives no tree ($got)" /dev/null \
	test "$got" = "1 2 3 4 5 6 7 8 9 19 22 21 "

# A capture rec makes: each protocol's two ends, named for what they are.
if [ "$(id -u)" -ne 0 ]; then
	while [ "$n" -lt "$plan" ]; do skip_bpf "a capture rec makes" "needs root to load BPF programs"; done
	exit 0
fi
for tool in python3 ping; do
	command -v $tool >/dev/null ||
		{ while [ "$n" -lt "$plan" ]; do skip "a capture rec makes" "needs $tool"; done; exit 0; }
done
# The interpreter itself, not a wrapper (a pyenv shim is a script): run by
# its real path, that is its exe both from /proc and from execve.
PY=$(python3 -c 'import os, sys; print(os.path.realpath(sys.executable))')
cat >"$d/peer.py" <<'EOF'
import ctypes, socket, sys
role, fam, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
ctypes.CDLL(None).prctl(15, role.encode(), 0, 0, 0)
af, host = (socket.AF_INET6, "::1") if fam == "6" else (socket.AF_INET, "127.0.0.1")
if role.endswith("tsrv"):
    s = socket.socket(af, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port)); s.listen(8)
    open(sys.argv[4], "w").write("ready")
    while True:
        c, _ = s.accept()
        while True:
            b = c.recv(65536)
            if not b: break
            c.sendall(b)
        c.close()
elif role.endswith("tcli"):
    c = socket.create_connection((host, port))
    for j in range(3):
        c.sendall(b"x" * 100); c.recv(65536)
    c.close()
elif role.endswith("usrv"):
    s = socket.socket(af, socket.SOCK_DGRAM); s.bind((host, port))
    open(sys.argv[4], "w").write("ready")
    while True:
        b, a = s.recvfrom(65536); s.sendto(b, a)
elif role.endswith("ucli"):
    s = socket.socket(af, socket.SOCK_DGRAM); s.settimeout(2)
    for i in range(3):
        s.sendto(b"y" * 100, (host, port)); s.recvfrom(65536)
EOF
for fam in 4 6; do
	"$PY" "$d/peer.py" ws${fam}tsrv $fam $((19200 + fam)) "$d/ready.t$fam" &
	pids+=($!)
done
"$PY" "$d/peer.py" ws4usrv 4 19304 "$d/ready.u4" &
pids+=($!)
for i in $(seq 50); do
	[ -e "$d/ready.t4" ] && [ -e "$d/ready.t6" ] && [ -e "$d/ready.u4" ] && break
	sleep 0.1
done
"$REC" -q -m packet -o "$d/t.zst" 2>"$d/rec.err" &
rec_pid=$!
wait_recording "$d/t.zst"
"$PY" "$d/peer.py" ws4tcli 4 19204
"$PY" "$d/peer.py" ws6tcli 6 19206
"$PY" "$d/peer.py" ws4ucli 4 19304
ping -c 2 -i 0.2 127.0.0.1 >/dev/null
ping -6 -c 2 -i 0.2 ::1 >/dev/null
sleep 0.5
kill -INT $rec_pid
wait $rec_pid
rec_status=$?
P=$d/t.pcapng
if [ $rec_status != 0 ] || [ ! -s "$P" ]; then
	sed 's/^/# /' "$d/rec.err"
	while [ "$n" -lt "$plan" ]; do fail "rec -m packet: exit $rec_status, no $P"; done
	exit 0
fi
same_frames "TCP over IPv4: the client" "$P" ws4tcli "tcp.port == 19204"
same_frames "TCP over IPv4: the accepting server" "$P" ws4tsrv "tcp.port == 19204"
same_frames "TCP over IPv6: the client" "$P" ws6tcli "tcp.port == 19206"
same_frames "TCP over IPv6: the accepting server" "$P" ws6tsrv "tcp.port == 19206"
want=$( (labelled "$P" ws4ucli "udp.port == 19304"; labelled "$P" ws4usrv "udp.port == 19304") |
	tr ' ' '\n' | sort -n | tr '\n' ' ' | sed 's/^ *//')
want=$want$(labelled "$P" ping "icmp || icmpv6")
got=$(frames "$P" '(tracetape.comm == "ws4ucli" || tracetape.comm == "ws4usrv") && udp.port == 19304')
got=$got$(frames "$P" 'tracetape.comm == "ping" && (icmp || icmpv6)')
echo "# UDP both ends, then ICMP: label $want| dissector $got"
expect "UDP both ends and ICMP/ICMPv6 (ping), by name" /dev/null test -n "$want" -a "$want" = "$got"

# The servers ran before rec (their exe from /proc), the clients started
# during it (from their exec): both the interpreter's real path.
for who in ws4tsrv ws4tcli; do
	want=$(labelled "$P" $who "tcp.port == 19204")
	got=$(frames "$P" "tracetape.exe == \"$PY\" && tracetape.comm == \"$who\" && tcp.port == 19204")
	echo "# $who, exe $PY: label $want| dissector $got"
	expect "tracetape.exe of $who, $([ $who = ws4tsrv ] && echo 'running before rec' ||
		echo 'started during it'): $PY" /dev/null test -n "$want" -a "$want" = "$got"
done
