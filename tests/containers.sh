#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Containers (TAP): cgroup v2 directories named as docker, containerd, CRI-O,
# podman, Kubernetes and systemd name theirs, with test processes moved into
# them (their pid written to cgroup.procs); rec -c records only the chosen
# container, a cgroup made under it later, and a task moved into it without
# an exec; analyze -c, --containers and the container column, csv-export
# --with-container and -c (and README's errors by container in SQLite),
# seccomp-gen -c, the container columns of --top and --tree, alerts'
# container-shell (a container, not a systemd service).
# Recording needs root.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
rec=$builddir/record/rec
an=$builddir/analyze/analyze
csv=$builddir/tools/csv-export
sg=$builddir/tools/seccomp-gen
plan=27

. "$srcdir/tests/tap.sh"

echo "1..$plan"
[ "$(id -u)" -eq 0 ] || skip_all containers "needs root to record with BPF and make cgroups"
cg=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
[ -n "$cg" ] || skip_all containers "no cgroup v2 mount"

tmp=$(mktemp -d) || exit 1
top=$cg/tracetape-test-$$.slice
cleanup() {
	# Tasks go back to the root before their cgroups can be removed.
	for d in $(find "$top" -depth -type d 2>/dev/null); do
		for p in $(cat "$d/cgroup.procs" 2>/dev/null); do echo "$p" >"$cg/cgroup.procs"; done
		rmdir "$d" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
hexid() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

id_docker=$(hexid) id_ctrd=$(hexid) id_crio=$(hexid) id_podman=$(hexid)
uid=0b2c3d4e-aaaa-bbbb-cccc-$(hexid | cut -c1-12)
pod=$top/kubepods-besteffort-pod$(echo "$uid" | tr - _).slice
d_docker=$top/docker-$id_docker.scope
d_ctrd=$top/cri-containerd-$id_ctrd.scope
d_crio=$pod/crio-$id_crio.scope
d_podman=$top/libpod-$id_podman.scope
d_svc=$top/tt-test-$$.service
mkdir -p "$d_docker" "$d_ctrd" "$d_crio" "$d_podman" "$d_svc" || skip_all "cannot make cgroups under $cg"

# One program per place, each with a name of its own (its comm).
for name in tt_docker tt_ctrd tt_crio tt_podman tt_svc tt_host tt_sub tt_pre; do
	cp /bin/cat "$tmp/$name"
done
run_in() { # cgroup dir, program: move a shell there, then exec the program
	sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" /etc/hostname' sh "$1" "$2" >/dev/null
}
wait_file() { i=0; while [ ! -s "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done; }

# A process already in the container when rec starts: in its prologue.
sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2"' sh "$d_docker" "$tmp/tt_pre" </dev/zero >/dev/null &
pre=$!
sleep 0.3

# rec -c with the short id `docker ps` prints.
short=$(echo "$id_docker" | cut -c1-12)
"$rec" -q -c "$short" -o "$tmp/docker.zst" -T 30 2>"$tmp/rec.err" &
recpid=$!
wait_recording "$tmp/docker.zst"
# A task moved into the container without exec: its cached scope is redone.
sh -c 'sleep 0.5; echo $$ >"$1/cgroup.procs"; echo moved >"$2/moved-marker"' sh "$d_docker" "$tmp" &
mover=$!
run_in "$d_docker" "$tmp/tt_docker"
mkdir "$d_docker/later"
run_in "$d_docker/later" "$tmp/tt_sub"
run_in "$d_ctrd" "$tmp/tt_ctrd"
"$tmp/tt_host" /etc/hostname >/dev/null
wait $mover
kill $pre 2>/dev/null
kill -INT $recpid
wait $recpid
st=$?
expect "rec -c SHORT_ID records and exits 0" "$tmp/rec.err" test "$st" -eq 0
"$an" --tree "$tmp/docker.zst" >"$tmp/tree.txt" 2>&1
expect "rec -c: the container's process is recorded" "$tmp/tree.txt" grep -q tt_docker "$tmp/tree.txt"
expect "rec -c: a cgroup made under it later is recorded" "$tmp/tree.txt" grep -q tt_sub "$tmp/tree.txt"
expect "rec -c: a process in it before rec started is in the prologue" "$tmp/tree.txt" grep -q tt_pre "$tmp/tree.txt"
expect "rec -c: other containers and the host are not" "$tmp/tree.txt" \
	sh -c 'grep -q tt_docker "$1" && ! grep -q -e tt_ctrd -e tt_host "$1"' sh "$tmp/tree.txt"
"$an" --events "$tmp/docker.zst" >"$tmp/events.txt" 2>&1
expect "rec -c: a task moved in without exec is recorded from the move on" "$tmp/events.txt" \
	grep -q "moved-marker" "$tmp/events.txt"

# Every runtime's naming, by the other spellings -c takes.
"$rec" -q -c "$id_ctrd,$uid,tt-test-$$.service,$d_podman" -o "$tmp/multi.zst" -T 30 2>"$tmp/rec2.err" &
recpid=$!
wait_recording "$tmp/multi.zst"
run_in "$d_ctrd" "$tmp/tt_ctrd"
run_in "$d_crio" "$tmp/tt_crio"
run_in "$d_podman" "$tmp/tt_podman"
run_in "$d_svc" "$tmp/tt_svc"
run_in "$d_docker" "$tmp/tt_docker"
# Interactive shells (options only): an alert in podman's, none in the service.
for d in "$d_podman" "$d_svc"; do
	sh -c 'echo $$ >"$1/cgroup.procs" && exec sh -s' sh "$d" </dev/null
done
kill -INT $recpid
wait $recpid
st=$?
"$an" --tree "$tmp/multi.zst" >"$tmp/tree2.txt" 2>&1
expect "rec -c FULL_ID,POD_UID,UNIT,PATH: each recorded" "$tmp/rec2.err" \
	sh -c '[ "$2" -eq 0 ] && grep -q tt_ctrd "$1" && grep -q tt_crio "$1" && grep -q tt_podman "$1" && grep -q tt_svc "$1"' \
	sh "$tmp/tree2.txt" "$st"
expect "rec -c FULL_ID,POD_UID,UNIT,PATH: the rest is not" "$tmp/tree2.txt" \
	sh -c 'grep -q tt_ctrd "$1" && ! grep -q tt_docker "$1"' sh "$tmp/tree2.txt"

"$rec" -q -c 0000dead -o "$tmp/none.zst" -T 1 2>"$tmp/none.err"
st=$?
expect "rec -c with an unknown id: exit 1, one line naming it" "$tmp/none.err" \
	sh -c '[ "$1" -eq 1 ] && [ "$(wc -l <"$2")" -eq 1 ] && grep -q "0000dead" "$2"' sh "$st" "$tmp/none.err"

# Reading: analyze -c, --containers, the container label of the exports.
short_crio=$(echo "$id_crio" | cut -c1-12)
"$an" --tree -c "$short_crio" "$tmp/multi.zst" >"$tmp/c.txt" 2>&1
expect "analyze -c SHORT_ID: only that container's processes" "$tmp/c.txt" \
	sh -c 'grep -q tt_crio "$1" && ! grep -q -e tt_ctrd -e tt_podman -e tt_svc "$1"' sh "$tmp/c.txt"
"$an" --tree -c "${top#$cg}" "$tmp/multi.zst" >"$tmp/c2.txt" 2>&1
expect "analyze -c CGROUP_PATH: every cgroup below it" "$tmp/c2.txt" \
	sh -c 'grep -q tt_crio "$1" && grep -q tt_podman "$1" && grep -q tt_svc "$1"' sh "$tmp/c2.txt"
"$an" --containers "$tmp/multi.zst" >"$tmp/cs.txt" 2>&1
expect "--containers: each runtime's container with its processes" "$tmp/cs.txt" \
	sh -c 'grep -q "^$2 *crio .*tt_crio" "$1" && grep -q "^$(echo $3 | cut -c1-12) *containerd .*tt_ctrd" "$1" &&
	       grep -q "^$(echo $4 | cut -c1-12) *podman .*tt_podman" "$1" && grep -q "^tt-test-$5.service *systemd .*tt_svc" "$1"' \
	sh "$tmp/cs.txt" "$short_crio" "$id_ctrd" "$id_podman" "$$"
"$an" --containers --json "$tmp/multi.zst" >"$tmp/cs.json" 2>&1
expect "--containers --json: the full id" "$tmp/cs.json" grep -q "\"container\": \"$id_crio\"" "$tmp/cs.json"
"$an" --format prometheus "$tmp/docker.zst" >"$tmp/m.prom" 2>&1
expect "--format prometheus: the container label" "$tmp/m.prom" \
	grep -q "comm=\"tt_docker\",container=\"$id_docker\"" "$tmp/m.prom"
"$sg" -c "$short_crio" -f list --allow-lossy "$tmp/multi.zst" >"$tmp/sg.txt" 2>"$tmp/sg.err"
st=$?
"$sg" -c 0000dead -f list --allow-lossy "$tmp/multi.zst" >/dev/null 2>"$tmp/sg2.err"
st2=$?
expect "seccomp-gen -c: a profile of the container; an unknown one refused" "$tmp/sg.err" \
	sh -c '[ "$1" -eq 0 ] && grep -q "^execve" "$2" && [ "$3" -ne 0 ]' sh "$st" "$tmp/sg.txt" "$st2"

# The container columns: --top's processes and --tree, only with containers.
"$an" --top -n 50 "$tmp/multi.zst" >"$tmp/top.txt" 2>&1
expect "--top: a CONTAINER column with each process's short id" "$tmp/top.txt" \
	sh -c 'grep -q "CONTAINER" "$1" && grep -q "$2 .*tt_crio" "$1" && grep -q " tt-test-.* /.*tt_svc" "$1"' \
	sh "$tmp/top.txt" "$short_crio"
expect "--top with containers: every line within 100 columns" "$tmp/top.txt" \
	sh -c '! awk "length > 100 { print; bad = 1 } END { exit !bad }" "$1"' sh "$tmp/top.txt"
"$an" --top "$srcdir/samples/workload.zst" >"$tmp/top0.txt" 2>&1
expect "--top without containers: no CONTAINER column" "$tmp/top0.txt" \
	sh -c 'grep -q "Top processes" "$1" && ! grep -q CONTAINER "$1"' sh "$tmp/top0.txt"
expect "--tree: a CONTAINER column" "$tmp/tree2.txt" \
	sh -c 'grep -q "CONTAINER" "$1" && grep -q "$2 .*tt_crio" "$1"' sh "$tmp/tree2.txt" "$short_crio"
"$an" --tree --json "$tmp/multi.zst" >"$tmp/tree2.json" 2>&1
expect "--tree --json: the full container id" "$tmp/tree2.json" \
	grep -q "\"container\": \"$id_crio\"" "$tmp/tree2.json"

# csv-export --with-container: container_id after the columns, before
# timestamp_ns (every file's last), the host's empty; the default columns
# unchanged; -c.
"$csv" -m exec -o "$tmp/plain.csv" "$tmp/multi.zst" 2>"$tmp/csv.err"
"$csv" --with-container -m exec -o "$tmp/wc.csv" "$tmp/multi.zst" 2>>"$tmp/csv.err"
expect "csv-export --with-container: container_id before timestamp_ns in the header" "$tmp/wc.csv" \
	sh -c '[ "$(head -1 "$2" | tr -d "\r")" = "$(head -1 "$1" | tr -d "\r" | sed "s/,timestamp_ns\$//"),container_id,timestamp_ns" ] &&
	       ! grep -q container "$1"' sh "$tmp/plain.csv" "$tmp/wc.csv"
expect "csv-export --with-container: each row's container id, before timestamp_ns" "$tmp/wc.csv" \
	sh -c 'grep tt_crio "$1" | tr -d "\r" | grep -q ",$2,[0-9]*\$" &&
	       grep tt_svc "$1" | tr -d "\r" | grep -q ",tt-test-$4.service,[0-9]*\$" &&
	       [ "$(wc -l <"$1")" -eq "$(wc -l <"$3")" ]' sh "$tmp/wc.csv" "$id_crio" "$tmp/plain.csv" "$$"
"$csv" -c "$short_crio" -m exec -o - "$tmp/multi.zst" >"$tmp/c.csv" 2>&1
expect "csv-export -c SHORT_ID: only that container's rows" "$tmp/c.csv" \
	sh -c 'grep -q tt_crio "$1" && ! grep -q -e tt_ctrd -e tt_podman -e tt_svc "$1"' sh "$tmp/c.csv"

# README's errors by container, in SQLite: each container's failed calls by
# syscall and errno are analyze -c ID --errors' and sum to --containers'
f=$tmp/fleet
mkdir "$f"
"$an" --containers --json "$tmp/multi.zst" >"$f/containers.json" 2>"$tmp/fleet.err"
"$an" --errors --json "$tmp/multi.zst" >"$f/errors.json" 2>>"$tmp/fleet.err"
for id in $(sed -n 's/.*"container": "\([^"]*\)".*/\1/p' "$f/containers.json" | grep -vx host); do
	"$an" -c "$id" --errors --json "$tmp/multi.zst" >"$f/errors.$id.json" 2>>"$tmp/fleet.err"
done
"$csv" --with-container --with-host -m syscall -d "$f" "$tmp/multi.zst" 2>>"$tmp/fleet.err" &&
	"$csv" --schema sqlite --with-container --with-host -m syscall | sqlite3 "$tmp/fleet.db" &&
	"$srcdir/tools/db-load.sh" sqlite "$tmp/fleet.db" "$f"/syscall_*.csv 2>>"$tmp/fleet.err" &&
	python3 "$srcdir/tests/db_compare.py" query "errors by container" | sed 's/syscall_fleet/syscall/' |
	sqlite3 -bail -separator '	' "$tmp/fleet.db" >"$tmp/fleet.out" 2>>"$tmp/fleet.err"
[ -s "$tmp/fleet.err" ] && cat "$tmp/fleet.err" >>"$tmp/fleet.out"
check "README's errors by container (SQLite): analyze -c ID --errors' of each, --containers' sums ($(cut -f1 "$tmp/fleet.out" | sort -u | wc -l) containers, $(awk -F'\t' '{ n += $4 } END { print n + 0 }' "$tmp/fleet.out") errors)" \
	python3 "$srcdir/tests/db_compare.py" containers "$tmp/fleet.out" "$f"

# Alerts: the container derived as --containers derives it.
"$an" --alerts --json "$tmp/multi.zst" >"$tmp/alerts.json" 2>&1
expect "alerts: container-shell in a container, with its id" "$tmp/alerts.json" \
	sh -c 'grep -A12 "\"rule\": \"container-shell\"" "$1" | grep -q "\"container_id\": \"$2\""' \
	sh "$tmp/alerts.json" "$id_podman"
"$an" --alerts "$tmp/multi.zst" >"$tmp/alerts.txt" 2>&1
expect "alerts: the text line names the container by runtime and short id" "$tmp/alerts.txt" \
	grep -q "container-shell .* podman:$(echo "$id_podman" | cut -c1-12) " "$tmp/alerts.txt"
expect "alerts: no container-shell for a systemd service's shell" "$tmp/alerts.json" \
	sh -c '[ "$(grep -c "\"rule\": \"container-shell\"" "$1")" -eq 1 ]' sh "$tmp/alerts.json"
