# SPDX-License-Identifier: GPL-2.0-or-later
# rec -m packet -i lo on a kernel without tcx (6.6): the tc programs go on a
# clsact qdisc instead and still capture both directions with their owner.
# Before 6.2 the cgroup_skb programs cannot tell
# lo's packets apart, so local sockets' packets are there twice (rec.8).
. /checks/lib.sh

run() { # trace name
	"$REC" -v -m packet -i lo -o "$1.zst" 2>"$1.log" &
	rec=$!
	wait_recording "$1.log" $rec
	nc -l -p 7778 -e cat 2>/dev/null &
	srv=$!
	sleep 0.5
	echo hello | nc 127.0.0.1 7778 >"$1.reply" 2>/dev/null
	sleep 1
	kill -INT $rec
	wait $rec
	code=$?
	kill $srv 2>/dev/null
}

run a
is "rec -m packet -i lo loads and exits 0" "$code" 0
[ "$code" = 0 ] || diag a.log 30
is "the echo came back through nc" "$(cat a.reply)" hello
case $(uname -r) in
6.1.*) check "rec says there is no tcx and uses a clsact filter" grep -q 'a clsact filter instead' a.log ;;
esac
"$CSV" a.zst -m packet -o - >a.csv 2>/dev/null
# Column 6 is the interface: "lo" from the tc programs (rec names it), "if1"
# from the cgroup programs on this kernel.
awk -F, '$6 == "lo" && ($10 == 7778 || $12 == 7778)' a.csv >tc.csv
n=$(wc -l <tc.csv)
check "the exchange's packets were captured on lo by the tc programs ($n)" [ "$n" -ge 14 ]
is "every one is attributed to nc or cat" "$(awk -F, '$5 != "nc" && $5 != "cat"' tc.csv | wc -l)" 0
is "both directions: as many in as out" "$(awk -F, '$7 == "in"' tc.csv | wc -l)" "$(awk -F, '$7 == "out"' tc.csv | wc -l)"
