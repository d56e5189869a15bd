#!/bin/sh
# TAP: a one-second pass of the benchmark, so that it never rots.
echo "1..1"
if [ "$(id -u)" -ne 0 ]; then
	if [ "${TRACETAPE_REQUIRE_BPF:-}" = 1 ]; then
		echo "not ok 1 - benchmark smoke run # needs root, and TRACETAPE_REQUIRE_BPF=1"
	else
		echo "ok 1 - benchmark smoke run # SKIP needs root to load BPF programs"
	fi
	exit 0
fi
out=$(mktemp)
if python3 "${top_srcdir:-.}/tools/bench/bench.py" --smoke --out "$out" 2>"$out.log" &&
	grep -q "^| getppid loop under rec" "$out"; then
	echo "ok 1 - benchmark smoke run"
else
	echo "not ok 1 - benchmark smoke run"
	sed 's/^/# /' "$out.log" | tail -20
fi
rm -f "$out" "$out.log"
