#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# rec --flight (TAP): a rule trigger (the built-in unshare-namespace) at a
# known moment writes exactly one snapshot, holding the seconds before it,
# --post after it and a process table that names every event although
# the ring let the workload's first chunks go; SIGUSR2 twice writes two;
# kill -9 during a snapshot leaves a readable prefix; a CPU that holds
# its batch while chunks are let go leaves the table exact; the ring stays
# within its size (and rec's memory with it); the snapshot's trailer
# counts what analyze reads. Needs root to record: skipped without it,
# failed with TRACETAPE_REQUIRE_BPF=1.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
an=$builddir/analyze/analyze
rec=$builddir/record/rec
wl=$builddir/tests/workload

plan=20
. "$srcdir/tests/tap.sh"

echo "1..$plan"
tests="rule trigger: exactly one snapshot, no .partial
rule trigger: analyze --alerts lists the unshare and the trigger
rule trigger: the --top header says why the snapshot was written
rule trigger: --events marks the unshare
rule trigger: the seconds before it and --post after it
rule trigger: every event named (the prologue as of the snapshot's start)
rule trigger: the trailer counts the events analyze reads, 0 lost
--trigger by ids: only the rules named fire
SIGUSR2 twice: two snapshots, each saying so
--max-snapshots 2: three triggers leave the newest two
kill -9 during a snapshot: a readable prefix, said to be truncated
ring bound: chunks let go, the ring within --flight SIZE
ring bound: rec's memory within SIZE and its footprint writing to disk
--trigger-cmd: the command's exit status 3 writes a snapshot saying so
--flight-on-exit: a snapshot when rec stops, and none before
a CPU holding a batch 3 s: the snapshot names its calls
the ring's table forgets the processes whose chunks it let go
the status line on a terminal shows the ring, not bytes written
fds: one closed and reused in the ring is not named by its new file before
usage: --flight refuses -C and the options without it"
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null || ! command -v python3 >/dev/null; then
	echo "$tests" | while read -r t; do skip_bpf "$t" "needs root, unshare and python3"; done
	exit 0
fi

# A JSON member of analyze's output (python3 reads it): json FILE EXPR
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

# 1. The rule trigger, as a machine recording all the time sees it: a
# workload runs for 30 s, making 300,000 getppid and 30,000 stat of a
# new missing path a second for 20 s (about 14 MB of chunks: getppid
# alone compresses to ~1.2 bytes a call, the paths do not; so --flight 8M
# lets the first ones go, the shell's exec and the workload's start with
# them), then an unshare of a user namespace, then 10 s of lighter calls;
# --post 1.
mkdir "$tmp/u"
cat >"$tmp/load.py" <<'PY'
import os, time
start = time.time()
for s in range(1, 21):
    for i in range(30000):
        for _ in range(10): os.getppid()
        try: os.stat('/nonexistent/%d' % (s * 100000 + i))
        except OSError: pass
    time.sleep(max(0, start + s - time.time()))
PY
"$rec" --flight 8M --post 1 --trigger builtin -o "$tmp/u/t.zst" -- sh -c "
	python3 '$tmp/load.py'
	unshare -U true
	i=0; while [ \$i -lt 100 ]; do cat /etc/hostname >/dev/null; sleep 0.1; i=\$((i + 1)); done" \
	2>"$tmp/u.err"
snaps=$(ls "$tmp/u" | grep -c '^t-.*Z\.zst$')
expect "rule trigger: exactly one snapshot, no .partial" "$tmp/u.err" \
	sh -c '[ "$1" -eq 1 ] && ! ls "$2" | grep -q partial' sh "$snaps" "$tmp/u"
snap=$(ls "$tmp"/u/t-*Z.zst | head -1)
"$an" "$snap" --alerts >"$tmp/alerts.txt" 2>&1
expect "rule trigger: analyze --alerts lists the unshare and the trigger" "$tmp/alerts.txt" \
	sh -c 'grep -q " unshare-namespace unshare\[.*unshare(CLONE_NEWUSER)" "$1" &&
		grep -q "^TRIGGER snapshot 1: rule unshare-namespace (medium)" "$1"' sh "$tmp/alerts.txt"
"$an" "$snap" --top >"$tmp/top.txt" 2>&1
expect "rule trigger: the --top header says why the snapshot was written" "$tmp/top.txt" \
	grep -q "^Trigger:  snapshot 1: rule unshare-namespace (medium) at .* by unshare\[" "$tmp/top.txt"
"$an" "$snap" --events >"$tmp/events.txt" 2>&1
expect "rule trigger: --events marks the unshare" "$tmp/events.txt" \
	sh -c 'grep -A1 "unshare(CLONE_NEWUSER)" "$1" | grep -q "^>>> TRIGGER snapshot 1: rule unshare-namespace"' \
	sh "$tmp/events.txt"
"$an" "$snap" --top --json >"$tmp/top.json" 2>"$tmp/json.err"
last=$(json "$tmp/top.json" 'd["trace"]["last_event"]')
when=$(json "$tmp/top.json" 'd["trace"]["triggers"][0]["time"]')
# 8M holds several seconds of that load (300,000 getppid each), not all 20:
# the first were let go. (The snapshot's first event is older: a call's
# time is its start, and the shell's wait4 began with the workload.)
# --post 1 after it (and the last batches).
let_go=$(sed -n 's/.*chunks at the end (\([0-9]*\) older.*/\1/p' "$tmp/u.err")
calls=$("$an" "$snap" --summary 2>/dev/null | awk '$NF == "getppid" { print $4 }')
echo "# rule trigger: events to $last, the trigger at $when; $calls getppid, $let_go chunks let go" >&2
expect "rule trigger: the seconds before it and --post after it" "$tmp/top.json" \
	python3 -c 'import sys; l, w, c, g = map(float, sys.argv[1:]); sys.exit(not (g > 0 and c >= 600000 and c < 5900000 and l - w >= 0.8 and l - w <= 3))' \
	"$last" "$when" "${calls:-0}" "${let_go:-0}"
# a name of "?" is an event whose process the prologue lacked
expect "rule trigger: every event named (the prologue as of the snapshot's start)" "$tmp/events.txt" \
	sh -c '! grep -q "^[0-9:.]* ?\[" "$1" && grep -q "^[0-9:.]* sh\[" "$1"' sh "$tmp/events.txt"
written=$(sed -n 's/.*snapshot .* written: \([0-9]*\) events, \([0-9]*\) lost.*/\1 \2/p' "$tmp/u.err")
expect "rule trigger: the trailer counts the events analyze reads, 0 lost" "$tmp/u.err" \
	sh -c '[ "$1" = "$2 0" ] && [ "$3" = 0 ]' sh "$written" \
	"$(json "$tmp/top.json" 'd["trace"]["events"]')" "$(json "$tmp/top.json" 'd["trace"]["events_lost"]')"

# Built-in rules by id: ptrace,setns leave the unshare alone, unshare-namespace not.
mkdir "$tmp/i1" "$tmp/i2"
"$rec" -q --flight 8M --post 0 --trigger ptrace,setns -o "$tmp/i1/t.zst" -- unshare -U true 2>"$tmp/i.err"
"$rec" -q --flight 8M --post 0 --trigger unshare-namespace -o "$tmp/i2/t.zst" -- unshare -U true \
	2>>"$tmp/i.err"
expect "--trigger by ids: only the rules named fire" "$tmp/i.err" \
	sh -c '[ -z "$(ls "$1")" ] && [ "$(ls "$2" | grep -c "^t-.*Z\.zst$")" = 1 ]' sh "$tmp/i1" "$tmp/i2"

# 2. SIGUSR2 twice, 1.2 s apart, with --post 0.5: two snapshots.
# usr2 DIR N GAP SLEEP [OPTIONS]: N SIGUSR2 GAP s apart to rec -- sleep SLEEP;
# then do the snapshots of DIR number $want and each say SNAPSHOTS (a
# bracket expression of numbers) in its header?
usr2() {
	d=$1 k=$2 gap=$3 secs=$4
	shift 4
	"$rec" -q --flight 8M "$@" -o "$d/t.zst" -- sleep "$secs" 2>"$d.err" &
	p=$!
	for i in $(seq "$k"); do sleep "$gap"; kill -USR2 $p; done
	wait $p
	[ "$(ls "$d" | grep -c '^t-.*Z\.zst$')" -eq "$want" ] || return 1
	for f in "$d"/t-*Z.zst; do
		"$an" "$f" --top 2>&1 | grep -q "^Trigger:  snapshot $snapshots: SIGUSR2 from pid" ||
			return 1
	done
}
mkdir "$tmp/s" "$tmp/m"
want=2 snapshots=[12]
expect "SIGUSR2 twice: two snapshots, each saying so" "$tmp/s.err" usr2 "$tmp/s" 2 1.2 4 --post 0.5
# Three with --max-snapshots 2: the first is deleted when the third begins.
want=2 snapshots=[23]
expect "--max-snapshots 2: three triggers leave the newest two" "$tmp/m.err" \
	usr2 "$tmp/m" 3 0.9 3.5 --post 0.2 --max-snapshots 2

# 3. kill -9 while a snapshot is being written (--post 30).
mkdir "$tmp/k"
"$rec" -q --flight 8M --post 30 -o "$tmp/k/t.zst" -- "$wl" --loop 20 2>"$tmp/k.err" &
pid=$!
sleep 1.5
kill -USR2 $pid
sleep 2
child=$(pgrep -P $pid)
kill -9 $pid
wait $pid 2>/dev/null
[ -n "$child" ] && kill $child 2>/dev/null
partial=$(ls "$tmp"/k/t-*Z.zst.partial 2>/dev/null | head -1)
"$an" "$partial" --top >"$tmp/k.top" 2>&1
expect "kill -9 during a snapshot: a readable prefix, said to be truncated" "$tmp/k.top" \
	sh -c '[ -n "$1" ] && grep -q "^Trigger:  snapshot 1: SIGUSR2" "$2" &&
		grep -q "TRUNCATED" "$2" && grep -q "^getppid" "$2"' sh "$partial" "$tmp/k.top"

# 4. The ring's bound: 4 s of getppid calls (tens of MB compressed) into
# --flight 2M; rec's anonymous memory sampled, against a run of the same
# workload writing to disk.
maxrss() { # pid: the largest RssAnon (KiB) while it runs
	m=0
	while kill -0 "$1" 2>/dev/null; do
		r=$(sed -n 's/^RssAnon:[[:space:]]*\([0-9]*\).*/\1/p' /proc/"$1"/status 2>/dev/null)
		[ -n "$r" ] || break # exited (a zombie has none)
		[ "$r" -gt "$m" ] && m=$r
		sleep 0.2
	done
	echo $m
}
mkdir "$tmp/r"
"$rec" --flight 2M -o "$tmp/r/t.zst" -- "$wl" --loop 4 2>"$tmp/r.err" &
flight_rss=$(maxrss $!)
wait
"$rec" -o "$tmp/r/disk.zst" -- "$wl" --loop 4 2>"$tmp/d.err" &
disk_rss=$(maxrss $!)
wait
held=$(sed -n 's/.*the ring held \([0-9.]*\) \([KM]\)i*B in .* chunks at the end (\([0-9]*\) older.*/\1 \2 \3/p' "$tmp/r.err")
expect "ring bound: chunks let go, the ring within --flight SIZE" "$tmp/r.err" \
	python3 -c 'import sys; v, u, d = sys.argv[1:4]; sys.exit(not (float(v) * (1024 if u == "K" else 1048576) <= 2 * 1048576 and int(d) > 0))' $held
echo "# RssAnon: --flight 2M ${flight_rss} KiB, writing to disk ${disk_rss} KiB" >&2
# The footprint itself moves by several MiB from run to run on a busy
# machine (chunks waiting for a compressing thread), so the slack is 8 MiB:
# still half of what the 171-odd chunks let go would hold if they were kept.
expect "ring bound: rec's memory within SIZE and its footprint writing to disk" "$tmp/r.err" \
	sh -c '[ "$1" -gt 0 ] && [ "$1" -le $(($2 + 2048 + 8192)) ]' sh "$flight_rss" "$disk_rss"

# 5. --trigger-cmd and --flight-on-exit.
mkdir "$tmp/c" "$tmp/e"
"$rec" -q --flight 8M --trigger-cmd -o "$tmp/c/t.zst" -- sh -c 'sleep 1; exit 3' 2>"$tmp/c.err"
st=$?
c=$(ls "$tmp"/c/t-*Z.zst 2>/dev/null)
expect "--trigger-cmd: the command's exit status 3 writes a snapshot saying so" "$tmp/c.err" \
	sh -c '[ "$1" = 3 ] && [ -n "$2" ] && "$3" "$2" --top 2>&1 |
		grep -q "^Trigger:  snapshot 1: '\''sh'\'' exited with status 3 at "' sh "$st" "$c" "$an"
"$rec" -q --flight 8M --flight-on-exit -o "$tmp/e/t.zst" -- sleep 1 2>"$tmp/e.err"
e=$(ls "$tmp"/e/t-*Z.zst 2>/dev/null)
expect "--flight-on-exit: a snapshot when rec stops, and none before" "$tmp/e.err" \
	sh -c '[ "$(echo "$1" | wc -w)" = 1 ] && "$2" "$1" --top 2>&1 |
		grep -q "^Trigger:  snapshot 1: rec stopped (--flight-on-exit)"' sh "$e" "$an"

# 6. A CPU that holds a batch 3 s while the ring lets chunks go (rec's
# flusher thread alone stopped, tests/hold_flusher.py): a python3
# makes 300 getppid on CPU 1, exits on CPU 0, then 2.5 s of calls on CPU 0
# fill the ring (--flight 1M) many times over. The chunk with the exit is
# let go; the getppid reach rec when the flusher runs again, in a chunk the
# snapshot holds. The ring's table stands where every CPU's shipping mark
# says, not at its last chunk's time: it still lists the dead python3,
# and the snapshot names its calls.
if [ "$(nproc)" -lt 2 ] || ! taskset -c 1 true 2>/dev/null; then
	skip "a CPU holding a batch 3 s: the snapshot names its calls" "needs CPUs 0 and 1"
else
	mkdir "$tmp/h"
	taskset -c 0 "$rec" --flight 1M --flight-on-exit -o "$tmp/h/t.zst" -- sh -c "
		while [ ! -e '$tmp/go' ]; do sleep 0.02; done
		python3 -c 'import os; os.sched_setaffinity(0, {1}); [os.getppid() for _ in range(300)]; os.sched_setaffinity(0, {0}); os._exit(0)'
		'$wl' --loop 2.5
		sleep 1.5" 2>"$tmp/h.err" &
	recpid=$!
	python3 "$srcdir/tests/hold_flusher.py" $recpid 3 "$tmp/stopped" 2>"$tmp/hold.err" &
	holder=$!
	for _ in $(seq 600); do [ -e "$tmp/stopped" ] && break; sleep 0.1; done
	touch "$tmp/go"
	wait $recpid
	wait $holder
	held=$?
	h=$(ls "$tmp"/h/t-*Z.zst 2>/dev/null)
	calls=$("$an" "$h" --comm python3 --summary 2>/dev/null | awk '$NF == "getppid" { print $4 }')
	let_go=$(sed -n 's/.*chunks at the end (\([0-9]*\) older.*/\1/p' "$tmp/h.err")
	echo "# held batch: $calls of 300 getppid named python3 in the snapshot; $let_go chunks let go" >&2
	expect "a CPU holding a batch 3 s: the snapshot names its calls" "$tmp/hold.err" \
		test "$held" = 0 -a "${calls:-0}" = 300 -a "${let_go:-0}" -gt 0
fi

# 7. The ring's table forgets a dead process once the chunks let go hold
# all it did: 1000 short processes, then 3 s of calls into --flight 1s.
# The snapshot lists none of them (a ring that runs for days without a
# trigger does not keep every process that ever ran).
mkdir "$tmp/f"
"$rec" -q --flight 1s --flight-on-exit -o "$tmp/f/t.zst" -- sh -c "
	for i in \$(seq 1000); do /bin/true; done; exec '$wl' --loop 3" 2>"$tmp/f.err"
f=$(ls "$tmp"/f/t-*Z.zst 2>/dev/null)
"$an" "$f" --tree >"$tmp/f.tree" 2>&1
expect "the ring's table forgets the processes whose chunks it let go" "$tmp/f.tree" \
	sh -c 'grep -q " workload " "$1" && ! grep -q " true " "$1"' sh "$tmp/f.tree"

# 8. The status line (on a terminal: script(1) gives rec one) says what
# the ring holds and how many snapshots, since nothing is written.
if ! command -v script >/dev/null; then
	skip "the status line on a terminal shows the ring, not bytes written" "needs script(1)"
else
	mkdir "$tmp/t"
	script -qc "'$rec' --flight 2M -o '$tmp/t/t.zst' -- '$wl' --loop 2.5" /dev/null 2>&1 |
		tr '\r' '\n' >"$tmp/t.out"
	expect "the status line on a terminal shows the ring, not bytes written" "$tmp/t.out" \
		sh -c 'grep -Eq "ev/s  0 lost  [0-9.]+ [KM]iB in the ring  0 snapshots" "$1" &&
			! grep -q " written  ratio" "$1"' sh "$tmp/t.out"
fi

# 9. The fds of the prologue are read from /proc when the snapshot
# begins: one closed and opened again in the ring names another file then.
# A python3 opens old (fd 3) and keep (fd 4), makes 2 s of calls (the
# chunks with the opens are let go), writes to both, closes 3, opens new
# (fd 3 again), writes to both and sends rec SIGUSR2. The first write to
# 3 is unnamed (what it was, the snapshot cannot say), never "new"; keep
# is named throughout.
mkdir "$tmp/fd"
cat >"$tmp/fd.py" <<'PY'
import os, signal, sys, time
d = sys.argv[1]
old = os.open(d + "/old", os.O_WRONLY | os.O_CREAT, 0o600)
keep = os.open(d + "/keep", os.O_WRONLY | os.O_CREAT, 0o600)
t = time.time() + 2
while time.time() < t:
    for _ in range(1000): os.getppid()
os.write(old, b"before"); os.write(keep, b"before")
os.close(old)
new = os.open(d + "/new", os.O_WRONLY | os.O_CREAT, 0o600)
assert new == old
os.write(new, b"after"); os.write(keep, b"after")
os.kill(os.getppid(), signal.SIGUSR2)
time.sleep(2)
PY
"$rec" -q --flight 1M --post 1 -o "$tmp/fd/t.zst" -- python3 "$tmp/fd.py" "$tmp/fd" 2>"$tmp/fd.err"
s=$(ls "$tmp"/fd/t-*Z.zst 2>/dev/null)
"$an" "$s" --events --fd-names -e write 2>&1 | grep 'python3.* write(' >"$tmp/fd.out"
expect "fds: one closed and reused in the ring is not named by its new file before" "$tmp/fd.out" \
	sh -c 'sed -n 1p "$1" | grep -Eq " write\([0-9]+, .*, 6\) = 6" &&
		sed -n 2p "$1" | grep -Eq " write\([0-9]+<$2/keep>, .*, 6\) = 6" &&
		sed -n 3p "$1" | grep -Eq " write\([0-9]+<$2/new>, .*, 5\) = 5" &&
		sed -n 4p "$1" | grep -Eq " write\([0-9]+<$2/keep>, .*, 5\) = 5"' sh "$tmp/fd.out" "$tmp/fd"

one_line="2"
expect_exit "usage: --flight refuses -C and the options without it" 2 "no -C, -G or -W" \
	sh -c '"$1" --post 1 -- true 2>/dev/null; [ $? -eq 2 ] || exit 9; exec "$1" --flight 8M -C 10 -- true' \
	sh "$rec"
