# SPDX-License-Identifier: GPL-2.0-or-later
# rec -m packet on this kernel. Debian 12's 6.1 has neither
# bpf_cast_to_kern_ctx (6.2) nor the sock_send_length tracepoint (6.3): the
# programs must still load, and a loopback TCP exchange between two busybox
# nc must be captured whole, every packet attributed.
. /checks/lib.sh

"$REC" -v -m packet,syscall -o p.zst 2>rec.log &
rec=$!
wait_recording rec.log $rec
# The server starts after rec, so that its accept is recorded.
nc -l -p 7777 -e cat 2>srv.err &
srv=$!
sleep 0.5
echo hello | nc 127.0.0.1 7777 >reply 2>cli.err
sleep 1
kill -INT $rec
wait $rec
code=$?
kill $srv 2>/dev/null
is "rec -m packet loads and exits 0" "$code" 0
[ "$code" = 0 ] || diag rec.log 30
is "the echo came back through nc" "$(cat reply)" hello
case $(uname -r) in
6.1.*) check "rec says this kernel has no sock_send_length tracepoint" \
	grep -q 'no sock_send_length tracepoint' rec.log ;;
esac
check "the pcapng beside the trace was written" [ -s p.pcapng ]

"$CSV" p.zst -m packet -o - >packets.csv 2>csv.err
is "csv-export -m packet reads the trace" $? 0
awk -F, '$10 == 7777 || $12 == 7777' packets.csv >flow.csv
n=$(wc -l <flow.csv)
# Handshake, data each way, FINs and ACKs: each seen leaving one socket and
# arriving at the other.
check "the exchange's TCP packets are in the trace ($n)" [ "$n" -ge 14 ]
is "every one is attributed to nc (the server execs cat)" \
	"$(awk -F, '$3 == "" || ($5 != "nc" && $5 != "cat")' flow.csv | wc -l)" 0
is "every one has its pcapng frame" "$(awk -F, '$14 == ""' flow.csv | wc -l)" 0
ifn=$(cut -d, -f6 flow.csv | sort -u | tr '\n' ' ')
check "the interface is lo, or if1 where the kernel cannot name it ($ifn)" \
	[ "$ifn" = "lo " -o "$ifn" = "if1 " ]

"$ANALYZE" p.zst --flow '127.0.0.1:7777 127.0.0.1' >flow.out 2>flow.err
is "analyze --flow reads it" $? 0
is "analyze --flow shows the same packets" "$(grep -c ' packet \(in\|out\) ' flow.out)" "$n"
check "analyze --flow shows the client's connect" \
	grep -q ' connect([0-9]*, {sa_family=AF_INET, sin_port=htons(7777)' flow.out
# busybox nc accepts with no address to record: the server's socket is tied
# by the echo it sent, from inside its write (after nc -e made it cat's fd 1).
check "analyze --flow shows the server's write of the echo" \
	grep -q "\\[$srv/$srv\\] write([0-9]*, 0x[0-9a-f]*, 6) = 6" flow.out
grep -q ' connect(' flow.out && grep -q "\\[$srv/" flow.out || diag flow.out 40
