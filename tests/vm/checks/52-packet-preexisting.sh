# SPDX-License-Identifier: GPL-2.0-or-later
# rec -m packet on a connection that was there before rec: a busybox nc
# server (nc -l -e cat: the same pid, now cat) and a client connected to it,
# both started before rec. The exchange recorded afterwards must be
# captured, with the server's side of it (what arrives at and leaves the
# server's socket) attributed to the server's pid both ways, and the
# client's side to the client's.
. /checks/lib.sh
port=7779

nc -l -p $port -e cat 2>srv.err &
srv=$!
sleep 0.5
# The client reads a fifo that this shell holds open on fd 3: it stays
# connected until fd 3 is closed, and sends what is written there.
mkfifo to-client
nc 127.0.0.1 $port <to-client >reply 2>cli.err &
cli=$!
exec 3>to-client
sleep 0.5
check "the connection is established before rec starts (client $cli, server $srv)" \
	grep -q ":$(printf '%04X' $port) [0-9A-F]*:[0-9A-F]* 01 " /proc/net/tcp /proc/net/tcp6

"$REC" -v -m packet -o pre.zst 2>rec.log &
rec=$!
wait_recording rec.log $rec
echo hello >&3
sleep 0.5
echo world >&3
sleep 0.5
exec 3>&- # the client sees EOF and closes: FINs both ways
sleep 1
kill -INT $rec
wait $rec
code=$?
kill $srv $cli 2>/dev/null
is "rec -m packet loads and exits 0" "$code" 0
[ "$code" = 0 ] || diag rec.log 30
is "the echo came back through nc" "$(tr '\n' ' ' <reply)" "hello world "

"$CSV" pre.zst -m packet -o - 2>csv.err | tr -d '\r' >packets.csv
# pid,tid,comm,ifname,direction,protocol,src,sport,dst,dport: columns 3-12
awk -F, -v p=$port '$10 == p || $12 == p' packets.csv >flow.csv
n=$(wc -l <flow.csv)
# Two data segments each way and their ACKs, then the FINs: each seen
# leaving one socket and arriving at the other.
check "the exchange's TCP packets are in the trace ($n)" [ "$n" -ge 8 ]
# The server's side: arriving for its port, leaving from it.
awk -F, -v p=$port '($7 == "in" && $12 == p) || ($7 == "out" && $10 == p)' flow.csv >server.csv
sin=$(awk -F, '$7 == "in"' server.csv | wc -l)
sout=$(awk -F, '$7 == "out"' server.csv | wc -l)
check "the server's socket received ($sin) and sent ($sout) packets" [ "$sin" -ge 2 -a "$sout" -ge 2 ]
is "every one of them is attributed to the server's pid $srv" \
	"$(awk -F, -v s=$srv '$3 != s' server.csv | wc -l)" 0
awk -F, -v p=$port '($7 == "out" && $12 == p) || ($7 == "in" && $10 == p)' flow.csv >client.csv
check "the client's socket sent and received packets ($(wc -l <client.csv))" [ "$(wc -l <client.csv)" -ge 4 ]
is "every one of them is attributed to the client's pid $cli" \
	"$(awk -F, -v c=$cli '$3 != c' client.csv | wc -l)" 0
if [ "$(awk -F, -v s=$srv -v c=$cli '$3 != s && $3 != c' flow.csv | wc -l)" != 0 ]; then
	echo "# the packets' pid,tid,comm,ifname,direction,...:"
	cut -d, -f3-14 flow.csv | head -n 30 | sed 's/^/#   /'
fi
