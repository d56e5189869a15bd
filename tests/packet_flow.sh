#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# TAP: analyze --flow on the committed samples/packets.zst (samples/regen.sh):
# golden outputs (with --calls too), the same flow named either way, its
# frames against tshark's reading of the pcapng beside it, csv-export -m
# packet against tshark, and one-line usage errors for bad flows.
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
ANALYZE=$builddir/analyze/analyze
CSV=$builddir/tools/csv-export
G=$srcdir/tests/golden
TZ=UTC
export TZ
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$srcdir" || exit 1
T=samples/packets.zst
P=samples/packets.pcapng
plan=20
. "$srcdir/tests/tap.sh"
golden() { # name, expected file, options...
	name=$1 want=$2
	shift 2
	"$ANALYZE" "$T" "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	if [ $status -ne 0 ]; then
		fail "$name: exit status $status" "$tmp/err"
	elif [ "${REGEN:-}" = 1 ]; then
		cp "$tmp/out" "$G/$want"
		ok "$name # regenerated"
	else
		check "$name" diff -u "$G/$want" "$tmp/out"
	fi
}
echo "1..$plan"

golden "--flow TCP over IPv6, bracketed with a port and bare" flow-tcp6.out --flow '[::1]:18080 ::1'
golden "--flow --json" flow-tcp6.json --flow '[::1]:18080 ::1' --json
golden "--flow UDP over IPv4" flow-udp4.out --flow '127.0.0.1 127.0.0.1:18081'
golden "--flow of a refused connect: the kernel's RST has no owner" flow-rst.out \
	--flow '127.0.0.1:18082 127.0.0.1'
golden "--flow --calls of a trace without function calls: the flow's threads, no calls" \
	flow-calls.out --flow '[::1]:18080 ::1' --calls
check "a non-blocking-style failed connect is tied by its SYN, the UDP socket is not" sh -c "
	grep -q ' connect(4, 0x[0-9a-f]*, 16) = -1 ECONNREFUSED' '$G/flow-rst.out' &&
	grep -q '(no owner) packet out lo tcp 127.0.0.1:18082 > .* \\[R\\.\\]' '$G/flow-rst.out' &&
	! grep -q 'sendto\\|recvfrom' '$G/flow-rst.out'"
"$ANALYZE" "$T" --flow '::1  [::1]:18080' | sed -n '/^$/,$p' | tail -n +3 >"$tmp/rev"
sed -n '/^$/,$p' "$G/flow-tcp6.out" | tail -n +3 >"$tmp/fwd"
check "the flow named the other way round gives the same events" cmp "$tmp/fwd" "$tmp/rev"
check "the JSON parses" python3 -m json.tool "$G/flow-tcp6.json"

# The flow's sockets: the client's connect, the server's accept4, both closes.
check "the client's connect and the server's accept4 are shown" \
	sh -c "grep -q ' connect(3, {sa_family=AF_INET6, sin6_port=htons(18080)' '$G/flow-tcp6.out' &&
	grep -q ' accept4(3, ' '$G/flow-tcp6.out'"
check "both sockets' close, each followed by its FIN" sh -c "
	[ \$(grep -c ' close(' '$G/flow-tcp6.out') = 2 ] &&
	[ \$(grep -A1 ' close(' '$G/flow-tcp6.out' | grep -c ' packet out lo tcp .*\[F\.\]') = 2 ]"
check "no syscall on another socket (the UDP ones) in the TCP flow" \
	sh -c "! grep -q 'AF_INET,\|18081' '$G/flow-tcp6.out'"
"$ANALYZE" "$T" --flow '10.9.9.9 10.9.9.8' >"$tmp/none" 2>&1
check "a flow with no packets says so and exits 0" \
	sh -c "[ $? = 0 ] && grep -q '^No packets of this flow in the trace.$' '$tmp/none'"

# The frames --flow lists are the ones tshark finds for that flow, and
# csv-export's rows are the pcapng's frames, field by field.
if command -v tshark >/dev/null; then
	grep -o 'frame [0-9]*$' "$G/flow-tcp6.out" | cut -d' ' -f2 >"$tmp/ours"
	tshark -r "$P" -Y 'tcp.port == 18080' -T fields -e frame.number 2>/dev/null >"$tmp/theirs"
	check "--flow's frames are tshark's for tcp.port == 18080" diff "$tmp/theirs" "$tmp/ours"
	"$CSV" "$T" -m packet -o - | tail -n +2 | tr -d '\r' |
		awk -F, '{ print $14, $6, $9, $10, $11, $12 }' >"$tmp/csv"
	# One of ip/ipv6 and of tcp/udp is empty on each line: join them.
	tshark -r "$P" -T fields -E separator=, -e frame.number -e frame.interface_name \
		-e ip.src -e ipv6.src -e tcp.srcport -e udp.srcport -e ip.dst -e ipv6.dst \
		-e tcp.dstport -e udp.dstport 2>/dev/null |
		awk -F, '{ print $1, $2, $3 $4, $5 $6, $7 $8, $9 $10 }' >"$tmp/pcap"
	check "csv-export -m packet: frame, ifname, addresses and ports are tshark's" \
		diff "$tmp/pcap" "$tmp/csv"
else
	skip "--flow's frames are tshark's" "no tshark"
	skip "csv-export -m packet matches tshark" "no tshark"
fi

# Bad flows: exit 2 and one line naming what is wrong.
usage() { # name, expected message part, options...
	name=$1 want=$2
	shift 2
	"$ANALYZE" "$T" "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	if [ $status = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -qF -- "$want" "$tmp/err"; then
		ok "$name"
	else
		{ echo "exit $status, stderr:"; cat "$tmp/err"; } >"$tmp/why"
		fail "$name" "$tmp/why"
	fi
}
usage "one endpoint is a usage error" "expected 'SRC[:PORT] DST[:PORT]'" --flow '::1'
usage "mixed families are a usage error" "a flow has one address family" --flow '10.0.0.1 ::1'
usage "a port out of range is a usage error" "port '99999' of '::1'" --flow '[::1]:99999 ::1'
usage "a word that is no address is a usage error" "'example.com' is not an IPv4 or IPv6 address" \
	--flow 'example.com 10.0.0.1'
usage "a bracketed IPv4 address is a usage error" "'1.2.3.4' is not an IPv4 or IPv6 address" \
	--flow '[1.2.3.4]:80 1.2.3.4'
usage "--flow with another view is a usage error" "only one view at a time" --top --flow '::1 ::1'
