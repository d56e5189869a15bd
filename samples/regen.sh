#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Re-record the sample traces with rec (as root, from a built tree; needs
# python3 for the packets sample), then regenerate the golden outputs:
#   sudo samples/regen.sh && tests/analyze_golden.sh --regen
# Real recordings differ each time, which is why the goldens are made from
# these committed files rather than from a fresh recording.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
rec=$top/record/rec
wl=$top/tests/workload
cd "$top/samples"
# samples/regen.sh packets: re-record only packets.zst.
if [ "${1:-}" != packets ]; then
	rm -f workload.zst getppid.zst volume.zst
	# The deliberate syscalls of tests/workload: getppid, opens (good and bad), exec with awkward argv.
	"$rec" -q -o workload.zst -- "$wl" --getppid 50 --open /etc/hostname:3 \
		--fail-open /nonexistent/tracetape:2 --exec --fail-exec --exit 3 || true
	# Only getppid and openat recorded: a trace made with -e.
	"$rec" -q -e getppid,openat -o getppid.zst -- "$wl" --getppid 20 --open /etc/hostname:1 || true
	# rec's volume controls: only failed calls, at most 100 a second per CPU
	# (SAMPLED records: analyze's "1 in N recorded").
	"$rec" -q --errors-only --max-rate 100 -o volume.zst -- "$wl" --getppid 100 \
		--fail-open /nonexistent/tracetape:3000 || true
	ls -l workload.zst getppid.zst volume.zst
fi
# Packets and the socket calls around them (analyze --flow, --top's talkers,
# csv-export -m packet), with packets.pcapng beside it.
rm -f packets.zst packets.pcapng
"$rec" -q -m packet,syscall,exec -e network,close -o packets.zst -- "${PYTHON:-/usr/bin/python3}" flow_peers.py
ls -l packets.zst packets.pcapng
