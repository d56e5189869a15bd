#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# TAP: rec -m packet -i IFACE, interface capture with tc programs. rec runs in
# namespace A and captures A's end of a veth pair whole: a TCP exchange with
# a server in A (each packet once, with the server as owner both ways, as
# many as tcpdump saw), a SYN to a closed port and its RST, which no local
# socket sends or receives (there only with -i), and ARP. Then: nothing is
# left attached after rec exits, even after kill -9; bad -i values.
plan=12
top_builddir=${top_builddir:-.}
. "${srcdir:-.}/tests/tap.sh"
echo "1..$plan"
[ "$(id -u)" -eq 0 ] || skip_all "packet monitor -i" "needs root to load BPF programs and make namespaces"
for tool in tshark tcpdump python3 ip bpftool tc; do
	command -v $tool >/dev/null || skip_all "packet monitor -i" "needs $tool (tools/install-deps.sh)"
done

REC=$top_builddir/record/rec
ANALYZE=$top_builddir/analyze/analyze
d=$(mktemp -d /tmp/tt-iface-XXXXXX)
A=ttia$$ B=ttib$$ VA=via$$ VB=vib$$
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	ip netns del $A 2>/dev/null
	ip netns del $B 2>/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$d"
}
trap cleanup EXIT

# IPv6 off: its autoconfiguration chatter would make the counts race.
ip netns add $A && ip netns add $B &&
	ip netns exec $A sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 &&
	ip netns exec $B sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 &&
	ip link add $VA netns $A type veth peer name $VB netns $B &&
	ip -n $A addr add 10.78.0.1/24 dev $VA && ip -n $B addr add 10.78.0.2/24 dev $VB &&
	ip -n $A link set $VA up && ip -n $B link set $VB up &&
	ip -n $A link set lo up && ip -n $B link set lo up ||
	skip_all "packet monitor -i" "cannot set up namespaces and veth"

cat >"$d/peer.py" <<'EOF'
import ctypes, socket, sys
role, port = sys.argv[1], int(sys.argv[2])
ctypes.CDLL(None).prctl(15, role.encode(), 0, 0, 0)
if role == "ifsrv":
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("10.78.0.1", port)); s.listen(8)
    open(sys.argv[3], "w").write("ready")
    while True:
        c, _ = s.accept()
        while True:
            b = c.recv(65536)
            if not b: break
            c.sendall(b)
        c.close()
elif role == "ifcli":
    c = socket.create_connection(("10.78.0.1", port))
    for j in range(5):
        c.sendall(b"x" * 2000)
        got = 0
        while got < 2000: got += len(c.recv(65536))
    c.close()
elif role == "refused":
    try: socket.create_connection(("10.78.0.1", port), timeout=2)
    except ConnectionRefusedError: pass
EOF
ip netns exec $A python3 "$d/peer.py" ifsrv 9200 "$d/ready" &
pids+=($!)
for i in $(seq 50); do [ -e "$d/ready" ] && break; sleep 0.1; done

# One recording: $1 = trace name, then rec's own options. tcpdump watches
# A's end of the veth at the same time.
record() {
	local out=$1
	shift
	# --immediate-mode: every packet to the file at once; with a buffer
	# timeout, tcpdump interrupted can leave the exchange unread (0 captured)
	ip netns exec $A tcpdump -i $VA --immediate-mode -w "$d/$out.pcap" -U -s 0 2>"$d/$out.dump.err" &
	local dump=$!
	# nsenter, not ip netns exec: that one remounts /sys, hiding cgroup2.
	nsenter --net=/run/netns/$A "$REC" -q -m packet -o "$d/$out.zst" "$@" 2>"$d/$out.err" &
	local rec=$!
	wait_recording "$d/$out.zst"
	wait_for_text "$d/$out.dump.err" "listening on"
	ip netns exec $B python3 "$d/peer.py" ifcli 9200
	ip netns exec $B python3 "$d/peer.py" refused 9299
	sleep 0.5
	kill -INT $rec
	wait $rec
	echo $? >"$d/$out.status"
	kill -INT $dump
	wait $dump
}
record i -i $VA
record plain
P=$d/i.pcapng
count() { tshark -r "$1" -Y "$2" 2>/dev/null | wc -l; }
onva="frame.interface_name == \"$VA\""

expect "rec -m packet -i exits 0 and tshark reads its pcapng cleanly" "$d/i.err" bash -c "
	[ \$(cat '$d/i.status') = 0 ] && tshark -r '$P' >/dev/null 2>'$d/e' && ! grep -v 'Running as user' '$d/e' | grep -q ."
syn=$(count "$P" "$onva && tcp.dstport == 9299 && tcp.flags.syn == 1")
rst=$(count "$P" "$onva && tcp.srcport == 9299 && tcp.flags.reset == 1")
expect "with -i: the SYN to a closed port came in on $VA and its RST went out ($syn, $rst)" "" \
	test "$syn" -ge 1 -a "$rst" -ge 1
expect "the SYN has no owner: pid=? in its comment" "" bash -c "
	tshark -r '$P' -Y '$onva && tcp.dstport == 9299 && tcp.flags.syn == 1' -T fields -e frame.comment 2>/dev/null |
	grep -qx 'pid=? comm=?'"
syn_plain=$(count "$d/plain.pcapng" "$onva && tcp.dstport == 9299")
other_plain=$(count "$d/plain.pcapng" "tcp.port == 9200")
expect "without -i that SYN is not in the pcapng on $VA ($syn_plain; $other_plain packets of the exchange)" "" \
	test "$syn_plain" = 0 -a "$other_plain" -gt 10
ours=$(count "$P" "$onva && tcp.port == 9200")
dump=$(tcpdump -r "$d/i.pcap" 'tcp port 9200' 2>/dev/null | wc -l)
expect "each packet of the TCP exchange once on $VA, as many as tcpdump saw ($ours, $dump)" "" \
	test "$ours" = "$dump" -a "$dump" -gt 10
expect "the server owns its packets on $VA both ways, the handshake's included" "$d/f" bash -c "
	tshark -r '$P' -Y '$onva && tcp.port == 9200' -T fields -e frame.p2p_dir -e frame.comment 2>/dev/null >'$d/f' &&
	! grep -v 'comm=ifsrv ' '$d/f' && grep -q '^0' '$d/f' && grep -q '^1' '$d/f'"
expect "ARP on $VA is captured too" "" test "$(count "$P" "$onva && arp")" -ge 1
expect "the client's side ($VB, cgroup hooks) is still attributed to ifcli" "$d/f" bash -c "
	tshark -r '$P' -Y 'frame.interface_name == \"$VB\" && tcp.port == 9200' -T fields -e frame.comment 2>/dev/null >'$d/f' &&
	[ \$(wc -l <'$d/f') -gt 10 ] && ! grep -v 'comm=ifcli ' '$d/f'"
expect "analyze --connections lists the connection with ifcli and ifsrv" "" bash -c "
	'$ANALYZE' '$d/i.zst' --connections | grep -qE '^tcp .*ifcli .*ifsrv|^tcp .*ifsrv .*ifcli'"

# Nothing stays attached: after kill -9, the tcx links go with their last
# file descriptor, and the programs with them (which bpftool lists by name).
attached() { bpftool prog list 2>/dev/null | grep -q 'name tc_ingress '; }
nsenter --net=/run/netns/$A "$REC" -q -m packet -o "$d/k.zst" -i $VA 2>"$d/k.err" &
rec=$!
for i in $(seq 50); do attached && break; sleep 0.1; done
attached && was=yes || was=no
kill -9 $rec
wait $rec 2>/dev/null
for i in $(seq 50); do attached || break; sleep 0.1; done
expect "kill -9 leaves no program on $VA (attached while running: $was)" "$d/k.err" bash -c "
	[ $was = yes ] && ! bpftool prog list | grep -q 'name tc_ingress ' &&
	! ip netns exec $A tc filter show dev $VA ingress | grep -q . &&
	! ip netns exec $A tc filter show dev $VA egress | grep -q ."

"$REC" -m packet -i nosuch0 -o "$d/bad.zst" -T 1 >/dev/null 2>"$d/bad.err"
expect "-i with an unknown interface: exit 2 and a one-line error naming it" "$d/bad.err" bash -c "
	[ $? = 2 ] && [ \$(wc -l <'$d/bad.err') = 1 ] && grep -q '^rec: -i nosuch0: no such interface' '$d/bad.err'"
"$REC" -m syscall -i lo -o "$d/bad2.zst" -T 1 >/dev/null 2>"$d/bad2.err"
expect "-i without -m packet: exit 2" "$d/bad2.err" bash -c "[ $? = 2 ] && grep -q 'need the packet monitor' '$d/bad2.err'"
exit 0
